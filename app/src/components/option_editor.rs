//! The option values editor that a scope's and a reservation's dialogs share: one row per
//! option (code, type, value), a row to remove, shortcuts to add the usual ones. Posted
//! natively its rows are the repeated `option_code`, `option_kind` and `option_value` fields;
//! without JavaScript one spare row is offered.

use crate::api::forms::Flash;
use leptos::prelude::*;
use tandem_core::scope_input::OptionInput;

/// The option rows a natively posted form left, as typed (rows left empty dropped).
pub fn option_rows_from(f: &Flash) -> Vec<OptionInput> {
    let all = |name: &str| -> Vec<String> {
        f.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    all("option_code")
        .into_iter()
        .zip(all("option_kind"))
        .zip(all("option_value"))
        .filter(|((code, _), value)| !code.is_empty() || !value.is_empty())
        .map(|((code, kind), value)| OptionInput { code, kind, value })
        .collect()
}

/// The rows of `options`, editable, with `error` (the refusal of the `options` field) below.
#[component]
pub fn OptionEditor(
    options: RwSignal<Vec<RwSignal<OptionInput>>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let option_rows = move || {
        options
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, o)| {
                let set = move |f: fn(&mut OptionInput, String)| {
                    move |ev: leptos::ev::Event| o.update(|x| f(x, event_target_value(&ev)))
                };
                view! {
                    <div class="option-row" data-option=i>
                        <input
                            class="option-code"
                            name="option_code"
                            aria-label="Option code"
                            placeholder="code"
                            inputmode="numeric"
                            value=o.get_untracked().code
                            prop:value=move || o.get().code
                            on:input=set(|x, v| x.code = v)
                        />
                        {kind_select(o.get_untracked().kind, Some(o))}
                        <input
                            class="option-value"
                            name="option_value"
                            aria-label="Option value"
                            placeholder="10.0.0.1, 10.0.0.2"
                            value=o.get_untracked().value
                            prop:value=move || o.get().value
                            on:input=set(|x, v| x.value = v)
                        />
                        <button
                            type="button"
                            class="small secondary needs-code"
                            on:click=move |_| options.update(|list| {
                                list.retain(|x| *x != o);
                            })
                        >
                            "Remove"
                        </button>
                    </div>
                }
            })
            .collect_view()
    };
    // Without JavaScript, options cannot be added in place: one spare row is offered (hidden
    // once the page's code has loaded; a row left empty is no option).
    let spare = view! {
        <div class="spare-option">
            <input class="option-code" name="option_code" aria-label="Option code" placeholder="code" inputmode="numeric" />
            {kind_select(String::new(), None)}
            <input class="option-value" name="option_value" aria-label="Option value" placeholder="10.0.0.1, 10.0.0.2" />
        </div>
    };
    let add_option = move |code: &str, kind: &str| {
        options.update(|list| {
            list.push(RwSignal::new(OptionInput {
                code: code.into(),
                kind: kind.into(),
                value: String::new(),
            }))
        })
    };
    view! {
        <fieldset class="options">
            <legend>"Option values"</legend>
            {option_rows}
            {spare}
            <p class="muted no-code">"Fill the empty row to add an option; clear a row to remove one."</p>
            <p class="muted">"A standard option's value is read by its type in Kea's table (routers: addresses, interface-mtu: a number, domain-search: names separated by commas, a record: its fields in order); the type chosen applies to other codes. Raw hex suits any option."</p>
            <div class="actions needs-code">
                <button type="button" id="add-router" class="small secondary" on:click=move |_| add_option("3", "Addresses")>
                    "+ Router (3)"
                </button>
                <button type="button" id="add-dns" class="small secondary" on:click=move |_| add_option("6", "Addresses")>
                    "+ DNS servers (6)"
                </button>
                <button type="button" id="add-domain" class="small secondary" on:click=move |_| add_option("15", "Text")>
                    "+ Domain name (15)"
                </button>
                <button type="button" id="add-option" class="small secondary" on:click=move |_| add_option("", "Text")>
                    "+ Other option"
                </button>
            </div>
            <span class="field-error" data-error-for="options">{move || error.get()}</span>
        </fieldset>
    }
}

/// An option row's type, chosen: `kind` at first; bound to `row` once the page's code runs.
fn kind_select(kind: String, row: Option<RwSignal<OptionInput>>) -> AnyView {
    let kinds = [
        ("Addresses", "IP addresses"),
        ("Text", "Text"),
        ("Number", "Number"),
        ("Flag", "Flag"),
        ("Data", "Fields (Kea)"),
        ("Hex", "Raw hex"),
    ];
    let options = kinds
        .iter()
        .map(|(value, label)| {
            view! { <option value=*value selected=kind == *value>{*label}</option> }
        })
        .collect_view();
    match row {
        Some(o) => view! {
            <select
                class="option-kind"
                name="option_kind"
                aria-label="Option type"
                prop:value=move || o.get().kind
                on:change=move |ev| o.update(|x| x.kind = event_target_value(&ev))
            >
                {options}
            </select>
        }
        .into_any(),
        None => view! {
            <select class="option-kind" name="option_kind" aria-label="Option type">
                {options}
            </select>
        }
        .into_any(),
    }
}
