//! The Create/Edit Server-wide Reservation dialog (Server Properties): a client by any
//! identifier type, the address it is given (or none), its host name and its own settings; a
//! piece of the bundle of its own, fetched when first opened. What else the host holds on the
//! server is kept by the write.

use crate::api::calls::{Call, action};
use crate::api::forms::Flash;
use crate::api::global_reservations::{GlobalChange, GlobalReservationInput, PutGlobalReservation};
use crate::components::dialog::{DialogFooter, select_field, text_field, unplaced};
use crate::components::option_editor::{OptionEditor, option_rows_from};
use crate::components::reservation_dialog::IDENTIFIER_CHOICES;
use crate::error::AppError;
use leptos::prelude::*;
use tandem_core::NewGlobalReservation;
use tandem_core::views::ChangeOutcome;

/// The dialog's fields, each showing its own refusal.
const FIELDS: [&str; 10] = [
    "identifier_type",
    "client_id",
    "ip_address",
    "name",
    "description",
    "next_server",
    "server_hostname",
    "boot_file_name",
    "client_classes",
    "options",
];

/// [`GlobalDialog`] as a piece of the bundle of its own (see `on_demand`).
#[lazy]
pub(crate) fn global_dialog_piece(props: GlobalDialogProps) -> AnyView {
    GlobalDialog(props).into_any()
}

/// Create a server-wide reservation on `server` (`was` empty), or edit the one of client
/// `was` (`hw-address 1a-1b-…`). The dialog reads the reservation and saves it by calls of its
/// own (the page carries none of their code), and tells `on_saved` how it went.
#[component]
pub(crate) fn GlobalDialog(
    server: String,
    was: String,
    on_saved: Callback<ChangeOutcome>,
    /// What the same form, posted natively, left: the values as typed and why refused.
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let save = action(crate::api::global_reservations::call_put_global_reservation);
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = save.value().get() {
            on_saved.run(outcome);
        }
    });
    let existing = {
        let (server, client) = (server.clone(), was.clone());
        Resource::new(
            move || (server.clone(), client.clone()),
            |(server, client)| async move {
                if client.is_empty() {
                    return Some(None);
                }
                crate::api::global_reservations::call_global_reservation_input(
                    GlobalReservationInput { server, client },
                )
                .await
                .ok()
                .flatten()
                .map(Some)
            },
        )
    };
    view! {
        <Transition fallback=|| ()>
            {move || {
                let existing = existing.get().flatten()?;
                Some(view! {
                    <GlobalForm
                        server=server.clone()
                        was=was.clone()
                        existing
                        save
                        flash=flash.clone()
                        back=back.clone()
                        cancel_href=cancel_href.clone()
                        on_close
                    />
                })
            }}
        </Transition>
    }
}

/// The dialog's form, from `existing` (`None`: a new reservation).
#[component]
fn GlobalForm(
    server: String,
    was: String,
    existing: Option<NewGlobalReservation>,
    save: Call<PutGlobalReservation>,
    /// What the same form, posted natively, left: the values as typed and why refused.
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let is_edit = !was.is_empty();
    let flash_error = StoredValue::new(flash.as_ref().and_then(|f| f.error.clone()));
    let start = match flash.as_ref().filter(|f| f.error.is_some()) {
        // The form again as it was sent.
        Some(f) => {
            let one = |name: &str| f.value(name).unwrap_or_default();
            NewGlobalReservation {
                client_id: one("client_id"),
                identifier_type: one("identifier_type"),
                ip_address: one("ip_address"),
                name: one("name"),
                description: one("description"),
                next_server: Some(one("next_server")),
                server_hostname: Some(one("server_hostname")),
                boot_file_name: Some(one("boot_file_name")),
                client_classes: Some(vec![one("client_classes")]),
                options: Some(option_rows_from(f)),
                version: f.value("version"),
            }
        }
        None => existing.unwrap_or_default(),
    };
    let text = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let identifier = RwSignal::new(
        Some(start.identifier_type.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| tandem_core::IdentifierType::HwAddress.as_str().to_string()),
    );
    let client = RwSignal::new(start.client_id.clone());
    let ip = RwSignal::new(start.ip_address.clone());
    let name = RwSignal::new(start.name.clone());
    let description = RwSignal::new(start.description.clone());
    let next_server = text(&start.next_server);
    let server_hostname = text(&start.server_hostname);
    let boot_file_name = text(&start.boot_file_name);
    let classes = RwSignal::new(start.client_classes.clone().unwrap_or_default().join(", "));
    let options = RwSignal::new(
        start
            .options
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(RwSignal::new)
            .collect::<Vec<_>>(),
    );
    let version = start.version.clone().unwrap_or_default();
    let submitted = RwSignal::new(false);
    let error = move || {
        if submitted.get() {
            save.value().get().and_then(Result::err)
        } else {
            flash_error.get_value()
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
    let (hidden_server, hidden_was, hidden_version) =
        (server.clone(), was.clone(), version.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        save.dispatch(PutGlobalReservation {
            input: GlobalChange {
                server: server.clone(),
                was: was.clone(),
                reservation: NewGlobalReservation {
                    client_id: client.get(),
                    identifier_type: identifier.get(),
                    ip_address: ip.get(),
                    name: name.get(),
                    description: description.get(),
                    next_server: Some(next_server.get()),
                    server_hostname: Some(server_hostname.get()),
                    boot_file_name: Some(boot_file_name.get()),
                    client_classes: Some(tandem_core::validate::class_list(&classes.get())),
                    options: Some(options.get().iter().map(|o| o.get()).collect()),
                    version: Some(version.clone()).filter(|v| !v.is_empty()),
                },
            },
        });
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      hint: &'static str| {
        text_field(
            id,
            label,
            value,
            hint,
            false,
            Signal::derive(field_error(id)),
        )
    };
    let title = if is_edit {
        "Edit Server-wide Reservation"
    } else {
        "Create Server-wide Reservation"
    };
    view! {
        <div class="dialog-backdrop" data-piece="global_dialog_piece">
            <form
                class="dialog wide"
                role="dialog"
                aria-modal="true"
                aria-label=title
                method="post"
                action="/forms/global"
                on:submit=on_submit
            >
                <h2>{title}</h2>
                <input type="hidden" name="mode" value=if is_edit { "edit" } else { "create" } />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="server" value=hidden_server />
                <input type="hidden" name="original" value=hidden_was />
                <input type="hidden" name="version" value=hidden_version />
                <p class="muted">
                    "A server-wide reservation is found by its client's identifier in every subnet; its address, if any, is given where the client's subnet holds it."
                </p>
                <div class="form-grid">
                    {select_field(
                        "identifier_type",
                        "Identifier type",
                        identifier,
                        &IDENTIFIER_CHOICES,
                        Signal::derive(field_error("identifier_type")),
                    )}
                    {field("client_id", "Client ID", client, "00-15-5d-a7-66-02")}
                    {field("ip_address", "IP address", ip, "none, or 192.0.2.201")}
                    {field("name", "Host name", name, "")}
                    {field("description", "Description", description, "")}
                    {field("next_server", "Next server (boot)", next_server, "none, or 10.0.0.5")}
                    {field("server_hostname", "Boot server host name", server_hostname, "none")}
                    {field("boot_file_name", "Boot file name", boot_file_name, "none, or pxelinux.0")}
                    {field("client_classes", "Client classes", classes, "none, or printers, floor-2")}
                </div>
                <OptionEditor options error=Signal::derive(field_error("options")) />
                <DialogFooter
                    error=Signal::derive(general_error)
                    busy=save.pending()
                    on_cancel=move || on_close.run(())
                    cancel_href
                />
            </form>
        </div>
    }
}
