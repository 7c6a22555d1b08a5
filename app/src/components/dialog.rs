//! The pieces every dialog is made of: labelled text fields with their errors, and the footer
//! (the error that belongs to no single field, then OK and Cancel).

use crate::error::AppError;
use leptos::prelude::*;
use tandem_core::FieldErrors;

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
