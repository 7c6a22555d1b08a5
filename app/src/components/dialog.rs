//! What every dialog ends with: the error that belongs to no single field, then OK and Cancel.

use leptos::prelude::*;

/// `error`, when there is one (none when not given), above the buttons; OK submits the dialog's form and is disabled
/// while `busy`; Cancel runs `on_cancel`.
#[component]
pub fn DialogFooter(
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(into, optional)] busy: Signal<bool>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <p class="notice notice-failed" id="dialog-error" hidden=move || error.with(Option::is_none)>
            {move || error.get()}
        </p>
        <div class="dialog-buttons">
            <button type="submit" disabled=move || busy.get()>"OK"</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </div>
    }
}
