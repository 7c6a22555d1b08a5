//! The pieces every dialog is made of: labelled text fields with their errors, and the footer
//! (the error that belongs to no single field, then OK and Cancel).

use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;
use tandem_core::FieldErrors;

/// A dialog whose code is a piece of the bundle of its own (a `#[lazy]` function's answer):
/// the page does not carry it; it is fetched when the dialog first opens. When the server
/// renders the dialog open (a link's URL, or a native post refused), the browser entry loads
/// the piece before hydrating (see [`preload_rendered`]), so the dialog hydrates at once. Put
/// it inside a `Transition`.
#[cfg(feature = "hydrate")]
pub fn on_demand(dialog: impl Future<Output = AnyView> + 'static) -> impl IntoView {
    // The piece's loader is not `Send`; nothing in the browser is shared between threads.
    Suspend::new(send_wrapper::SendWrapper::new(dialog))
}

/// See above: on the server the lazy function is a plain `async fn`, awaited on any thread.
#[cfg(not(feature = "hydrate"))]
pub fn on_demand(dialog: impl Future<Output = AnyView> + Send + 'static) -> impl IntoView {
    Suspend::new(dialog)
}

/// Loads the pieces of the dialogs the server rendered open (a link's URL, or a native post
/// refused): each such dialog names its piece (`data-piece`), and hydration needs its code at
/// once. Run before hydrating.
#[cfg(feature = "hydrate")]
pub async fn preload_rendered() {
    let Ok(rendered) = document().query_selector_all("[data-piece]") else {
        return;
    };
    for i in 0..rendered.length() {
        let piece = rendered
            .item(i)
            .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            .and_then(|e| e.get_attribute("data-piece"))
            .unwrap_or_default();
        // `#[lazy]` makes `__preload_<function>` beside each function: it loads the piece.
        match piece.as_str() {
            "scope_dialog_piece" => {
                crate::components::scope_dialog::__preload_scope_dialog_piece().await
            }
            "configure_failover_piece" => {
                crate::pages::scopes::__preload_configure_failover_piece().await
            }
            "reservation_dialog_piece" => {
                crate::components::reservation_dialog::__preload_reservation_dialog_piece().await;
            }
            "replicate_dialog_piece" => {
                crate::components::replicate_dialog::__preload_replicate_dialog_piece().await;
            }
            "server_options_piece" => {
                crate::components::server_options_dialog::__preload_server_options_piece().await;
            }
            "class_dialog_piece" => {
                crate::components::class_dialog::__preload_class_dialog_piece().await;
            }
            "relationship_dialog_piece" => {
                crate::components::relationship_dialog::__preload_relationship_dialog_piece().await;
            }
            _ => {}
        }
    }
}

/// `error`, when there is one (none when not given), above the buttons; OK submits the dialog's form and is disabled
/// while `busy`; Cancel runs `on_cancel`.
/// With `cancel_href`, Cancel is a link there (it works before the page's code has loaded);
/// once it has, it runs `on_cancel` instead.
#[component]
pub fn DialogFooter(
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(into, optional)] busy: Signal<bool>,
    #[prop(into)] on_cancel: Callback<()>,
    #[prop(into, optional)] cancel_href: Option<String>,
) -> impl IntoView {
    let cancel = match cancel_href {
        Some(href) => view! {
            <a
                class="button secondary"
                role="button"
                href=href
                on:click=move |ev| {
                    ev.prevent_default();
                    on_cancel.run(());
                }
            >
                "Cancel"
            </a>
        }
        .into_any(),
        None => view! {
            <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        }
        .into_any(),
    };
    view! {
        <p class="notice notice-failed" id="dialog-error" hidden=move || error.with(Option::is_none)>
            {move || error.get()}
        </p>
        <div class="dialog-buttons">
            <button type="submit" disabled=move || busy.get()>"OK"</button>
            {cancel}
        </div>
    }
}

/// One labelled text input bound to `value`, with its field's `error` under it (and marked
/// invalid while there is one); `fixed` makes it read-only.
pub fn text_field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    hint: &'static str,
    fixed: bool,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name=id
            autocomplete="off"
            placeholder=hint
            readonly=fixed
            value=value.get_untracked()
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
            class:invalid=move || error.with(Option::is_some)
        />
        <span class="field-error" data-error-for=id>{move || error.get()}</span>
    }
}

/// A labelled choice of a dialog, with its error beside it: `choices` are (value, label), and
/// the one whose value is `value`'s (else the first) is chosen when the page is made, so the
/// form posts it without the page's code too.
pub fn select_field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    choices: &'static [(&'static str, &'static str)],
    error: Signal<Option<String>>,
) -> impl IntoView {
    let now = value.get_untracked();
    let known = choices.iter().any(|(v, _)| *v == now);
    view! {
        <label for=id>{label}</label>
        <select
            id=id
            name=id
            prop:value=move || value.get()
            on:change=move |ev| value.set(event_target_value(&ev))
            class:invalid=move || error.with(Option::is_some)
        >
            {choices
                .iter()
                .enumerate()
                .map(|(i, (v, text))| {
                    let chosen = *v == now || (!known && i == 0);
                    view! { <option value=*v selected=chosen>{*text}</option> }
                })
                .collect_view()}
        </select>
        <span class="field-error" data-error-for=id>{move || error.get()}</span>
    }
}

/// The refusals no field of a form shows (`placed` says which fields do), as one line.
pub fn unplaced(errors: &FieldErrors, placed: impl Fn(&str) -> bool) -> Option<String> {
    let other: Vec<String> = errors
        .0
        .iter()
        .filter(|f| !placed(&f.field))
        .map(ToString::to_string)
        .collect();
    (!other.is_empty()).then(|| other.join("; "))
}

/// What a dialog's footer says of `error`: the refusals no field shows, or the whole error.
pub fn footer_error(error: AppError, placed: impl Fn(&str) -> bool) -> Option<String> {
    match error {
        AppError::Validation(errors) => unplaced(&errors, placed),
        other => Some(other.to_string()),
    }
}
