//! The Edit Server Options dialog (Server Properties; Windows: server options): the server's
//! own option values in the shared option editor; a piece of the bundle of its own, fetched
//! when first opened. What Tandem does not edit of them is kept by the write.

use crate::api::calls::Call;
use crate::api::forms::Flash;
use crate::api::servers::PutServerOptions;
use crate::components::dialog::{DialogFooter, unplaced};
use crate::components::option_editor::{OptionEditor, option_rows_from};
use crate::error::AppError;
use leptos::prelude::*;
use tandem_core::scope_input::OptionInput;

/// [`ServerOptionsDialog`] as a piece of the bundle of its own (see `on_demand`).
#[lazy]
pub(crate) fn server_options_piece(props: ServerOptionsDialogProps) -> AnyView {
    ServerOptionsDialog(props).into_any()
}

/// Edit `server`'s own options, starting from `rows`.
#[component]
pub(crate) fn ServerOptionsDialog(
    server: String,
    rows: Vec<OptionInput>,
    save: Call<PutServerOptions>,
    /// What the same form, posted natively, left: the rows as typed and why refused.
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let flash_error = StoredValue::new(flash.as_ref().and_then(|f| f.error.clone()));
    let start = match flash.as_ref().filter(|f| f.error.is_some()) {
        Some(f) => option_rows_from(f),
        None => rows,
    };
    let options = RwSignal::new(start.into_iter().map(RwSignal::new).collect::<Vec<_>>());
    let submitted = RwSignal::new(false);
    let error = move || {
        if !submitted.get() {
            return flash_error.get_value();
        }
        save.value().get().and_then(Result::err)
    };
    let options_error = move || error().and_then(|e: AppError| e.field("options"));
    let general_error = move || {
        error().and_then(|e| match e {
            AppError::Validation(errors) => unplaced(&errors, |f| f == "options"),
            other => Some(other.to_string()),
        })
    };
    let hidden_server = server.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        save.dispatch(PutServerOptions {
            server: server.clone(),
            options: options.get().iter().map(|o| o.get()).collect(),
        });
    };
    view! {
        <div class="dialog-backdrop" data-piece="server_options_piece">
            <form
                class="dialog wide"
                role="dialog"
                aria-modal="true"
                aria-label="Server Options"
                method="post"
                action="/forms/server-options"
                on:submit=on_submit
            >
                <h2>"Server Options"</h2>
                <p class="muted">
                    "Every scope's clients get these unless the scope, a pool or a reservation sets its own; the partner is given the same."
                </p>
                <input type="hidden" name="mode" value="edit" />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="server" value=hidden_server />
                <OptionEditor options error=Signal::derive(options_error) />
                <DialogFooter
                    error=Signal::derive(general_error)
                    busy=Signal::derive(move || save.pending().get())
                    on_cancel=move || on_close.run(())
                    cancel_href
                />
            </form>
        </div>
    }
}
