//! The Create/Edit Client Class dialog (Server Properties): a class's name, test expression,
//! boot fields and option values; a piece of the bundle of its own, fetched when first opened.
//! What else the class holds on the server is kept by the write.

use crate::api::calls::Call;
use crate::api::forms::Flash;
use crate::api::servers::{ClassChange, CreateClass, EditClass};
use crate::components::dialog::{DialogFooter, text_field, unplaced};
use crate::components::option_editor::{OptionEditor, option_rows_from};
use crate::error::AppError;
use leptos::prelude::*;
use tandem_core::ClassInput;

/// The dialog's fields, each showing its own refusal.
const FIELDS: [&str; 6] = [
    "name",
    "test",
    "next_server",
    "server_hostname",
    "boot_file_name",
    "options",
];

/// [`ClassDialog`] as a piece of the bundle of its own (see `on_demand`).
#[lazy]
pub(crate) fn class_dialog_piece(props: ClassDialogProps) -> AnyView {
    ClassDialog(props).into_any()
}

/// Create a client class on `server` (`existing` `None`), or edit one (its name fixed).
#[component]
pub(crate) fn ClassDialog(
    server: String,
    existing: Option<ClassInput>,
    create: Call<CreateClass>,
    edit: Call<EditClass>,
    /// What the same form, posted natively, left: the values as typed and why refused.
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let is_edit = existing.is_some();
    let flash_error = StoredValue::new(flash.as_ref().and_then(|f| f.error.clone()));
    let start = match flash.as_ref().filter(|f| f.error.is_some()) {
        // The form again as it was sent.
        Some(f) => {
            let one = |name: &str| f.value(name).unwrap_or_default();
            ClassInput {
                name: one("name"),
                test: one("test"),
                next_server: one("next_server"),
                server_hostname: one("server_hostname"),
                boot_file_name: one("boot_file_name"),
                options: option_rows_from(f),
            }
        }
        None => existing.unwrap_or_default(),
    };
    let name = RwSignal::new(start.name.clone());
    let test = RwSignal::new(start.test.clone());
    let next_server = RwSignal::new(start.next_server.clone());
    let server_hostname = RwSignal::new(start.server_hostname.clone());
    let boot_file_name = RwSignal::new(start.boot_file_name.clone());
    let options = RwSignal::new(
        start
            .options
            .iter()
            .cloned()
            .map(RwSignal::new)
            .collect::<Vec<_>>(),
    );
    let submitted = RwSignal::new(false);
    let error = move || {
        if !submitted.get() {
            return flash_error.get_value();
        }
        if is_edit {
            edit.value().get().and_then(Result::err)
        } else {
            create.value().get().and_then(Result::err)
        }
    };
    let field_error =
        move |field: &'static str| move || error().and_then(|e: AppError| e.field(field));
    let general_error = move || {
        error().and_then(|e| match e {
            AppError::Validation(errors) => unplaced(&errors, |f| FIELDS.contains(&f)),
            other => Some(other.to_string()),
        })
    };
    let hidden_server = server.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        let input = ClassChange {
            server: server.clone(),
            class: ClassInput {
                name: name.get(),
                test: test.get(),
                next_server: next_server.get(),
                server_hostname: server_hostname.get(),
                boot_file_name: boot_file_name.get(),
                options: options.get().iter().map(|o| o.get()).collect(),
            },
        };
        if is_edit {
            edit.dispatch(EditClass { input });
        } else {
            create.dispatch(CreateClass { input });
        }
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      hint: &'static str,
                      fixed: bool| {
        text_field(
            id,
            label,
            value,
            hint,
            fixed,
            Signal::derive(field_error(id)),
        )
    };
    let title = if is_edit {
        "Edit Client Class"
    } else {
        "Create Client Class"
    };
    let err_test = field_error("test");
    view! {
        <div class="dialog-backdrop" data-piece="class_dialog_piece">
            <form
                class="dialog wide"
                role="dialog"
                aria-modal="true"
                aria-label=title
                method="post"
                action="/forms/class"
                on:submit=on_submit
            >
                <h2>{title}</h2>
                <input type="hidden" name="mode" value=if is_edit { "edit" } else { "create" } />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="server" value=hidden_server />
                <div class="form-grid">
                    {field("name", "Name", name, "pxe", is_edit)}
                    <label for="test">"Test expression"</label>
                    <textarea
                        id="test"
                        name="test"
                        rows="3"
                        placeholder="none (assigned by reservations), or substring(option[60].hex,0,9) == 'PXEClient'"
                        prop:value=move || test.get()
                        on:input=move |ev| test.set(event_target_value(&ev))
                    >
                        {test.get_untracked()}
                    </textarea>
                    <span class="field-error" data-error-for="test">{err_test}</span>
                    {field("next_server", "Next server (boot)", next_server, "none, or 10.0.0.5", false)}
                    {field("server_hostname", "Boot server host name", server_hostname, "none", false)}
                    {field("boot_file_name", "Boot file name", boot_file_name, "none, or pxelinux.0", false)}
                </div>
                <OptionEditor options error=Signal::derive(field_error("options")) />
                <DialogFooter
                    error=Signal::derive(general_error)
                    busy=Signal::derive(move || create.pending().get() || edit.pending().get())
                    on_cancel=move || on_close.run(())
                    cancel_href
                />
            </form>
        </div>
    }
}
