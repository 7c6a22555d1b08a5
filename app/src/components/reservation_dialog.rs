//! The Create/Edit DHCP Reservation dialog: a piece of the bundle of its own, fetched when
//! first opened. Every field of a reservation: its address, its client by any identifier type,
//! name, description, type, and its own settings (boot fields, classes, option values).

use crate::api::calls::Call;
use crate::api::forms::Flash;
use crate::api::reservations::{
    CreateReservation, CreateReservationInput, EditReservation, EditReservationInput,
};
use crate::api::scopes::ScopeRef;
use crate::components::dialog::{DialogFooter, select_field, text_field, unplaced};
use crate::components::option_editor::{OptionEditor, option_rows_from};
use crate::error::{AppError, CurrentReservation};
use leptos::prelude::*;
use tandem_core::Reservation;
use tandem_core::validate::NewReservation;

/// [`ReservationDialog`] as a piece of the bundle of its own (see [`on_demand`]).
#[lazy]
pub(crate) fn reservation_dialog_piece(props: ReservationDialogProps) -> AnyView {
    ReservationDialog(props).into_any()
}

/// The Create DHCP Reservation dialog (IP address, Client ID, Name, Description, Type), and
/// the same for editing, where the address is fixed. Each refused field shows its error beside
/// it; nothing is written until all are right. An edit carries the version it was opened at:
/// if someone changed the reservation since, the dialog shows what it is now instead of
/// overwriting it.
#[component]
pub(crate) fn ReservationDialog(
    target: ScopeRef,
    existing: Option<Reservation>,
    create: Call<CreateReservation>,
    edit: Call<EditReservation>,
    /// What the same form, posted natively, left: the values as typed and why they were
    /// refused (a stale edit: the reservation as it is now).
    flash: Option<Flash>,
    /// Where the natively posted form comes back to.
    back: String,
    /// Where Cancel goes without JavaScript.
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let is_edit = existing.is_some();
    let original_ip = existing
        .as_ref()
        .map(|r| r.ip_address.to_string())
        .unwrap_or_default();
    let flash_error = flash.as_ref().and_then(|f| f.error.clone());
    // A stale edit posted natively: start again from the reservation as it is now.
    let now = match &flash_error {
        Some(AppError::Conflict {
            current: Some(now), ..
        }) => Some(CurrentReservation::clone(now)),
        _ => None,
    };
    let start = now
        .clone()
        .or_else(|| existing.as_ref().map(CurrentReservation::from));
    let typed = flash.filter(|_| now.is_none());
    let text = |field: &str, f: fn(&CurrentReservation) -> String| {
        typed
            .as_ref()
            .and_then(|t| t.value(field))
            .unwrap_or_else(|| start.as_ref().map(f).unwrap_or_default())
    };
    let ip = RwSignal::new(text("ip_address", |r| r.ip_address.clone()));
    let client = RwSignal::new(text("client_id", |r| r.client_id.clone()));
    // A new reservation's client is a MAC address until another type is chosen.
    let identifier = RwSignal::new(
        Some(text("identifier_type", |r| r.identifier_type.clone()))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| tandem_core::IdentifierType::HwAddress.as_str().to_string()),
    );
    let name = RwSignal::new(text("name", |r| r.name.clone()));
    let description = RwSignal::new(text("description", |r| r.description.clone()));
    let next_server = RwSignal::new(text("next_server", |r| r.next_server.clone()));
    let server_hostname = RwSignal::new(text("server_hostname", |r| r.server_hostname.clone()));
    let boot_file_name = RwSignal::new(text("boot_file_name", |r| r.boot_file_name.clone()));
    let classes = RwSignal::new(text("client_classes", |r| r.client_classes.clone()));
    let rows = |list: Vec<tandem_core::scope_input::OptionInput>| {
        list.into_iter().map(RwSignal::new).collect::<Vec<_>>()
    };
    let options = RwSignal::new(rows(match (&typed, &start) {
        (Some(t), _) => option_rows_from(t),
        (None, Some(r)) => r.options.clone(),
        (None, None) => Vec::new(),
    }));
    let kind =
        RwSignal::new(typed.as_ref().and_then(|t| t.value("type")).unwrap_or_else(
            || match &start {
                Some(r) => r.kind.clone(),
                None => tandem_core::ReservationType::default().as_str().to_string(),
            },
        ));
    let version = RwSignal::new(start.map(|r| r.version).unwrap_or_default());
    // Errors of this dialog's last submission only (before any, what a native post left).
    let submitted = RwSignal::new(false);
    let flash_error = StoredValue::new(flash_error);
    let (hidden_server, hidden_scope, hidden_ip) = (
        target.server.clone(),
        target.scope_id.clone(),
        original_ip.clone(),
    );
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
    // A stale edit: show the reservation as it is now, based on its current version.
    Effect::new(move |_| {
        if let Some(AppError::Conflict {
            current: Some(now), ..
        }) = error()
        {
            let now = *now;
            ip.set(now.ip_address);
            client.set(now.client_id);
            identifier.set(now.identifier_type);
            name.set(now.name);
            description.set(now.description);
            kind.set(now.kind);
            next_server.set(now.next_server);
            server_hostname.set(now.server_hostname);
            boot_file_name.set(now.boot_file_name);
            classes.set(now.client_classes);
            options.set(rows(now.options));
            version.set(now.version);
        }
    });
    let field_error =
        move |field: &'static str| move || error().and_then(|e: AppError| e.field(field));
    let general_error = move || {
        error().and_then(|e| match e {
            AppError::Validation(errors) => unplaced(&errors, |f| {
                FIELDS.contains(&f)
            }),
            AppError::Conflict { message, current: Some(_) } => Some(format!(
                "{message}. The form now shows its current values; make your change again and press OK."
            )),
            other => Some(other.to_string()),
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        let reservation = NewReservation {
            ip_address: ip.get(),
            client_id: client.get(),
            identifier_type: identifier.get(),
            name: name.get(),
            description: description.get(),
            kind: kind.get(),
            next_server: Some(next_server.get()),
            server_hostname: Some(server_hostname.get()),
            boot_file_name: Some(boot_file_name.get()),
            client_classes: Some(tandem_core::validate::class_list(&classes.get())),
            options: Some(options.get().iter().map(|o| o.get()).collect()),
        };
        if is_edit {
            edit.dispatch(EditReservation {
                input: EditReservationInput {
                    target: target.clone(),
                    original_ip: original_ip.clone(),
                    version: version.get(),
                    reservation,
                },
            });
        } else {
            create.dispatch(CreateReservation {
                input: CreateReservationInput {
                    target: target.clone(),
                    reservation,
                },
            });
        }
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
        "Edit DHCP Reservation"
    } else {
        "Create DHCP Reservation"
    };
    let mode = if is_edit { "edit" } else { "create" };
    view! {
        <div class="dialog-backdrop" data-piece="reservation_dialog_piece">
            <form
                class="dialog wide"
                role="dialog"
                aria-modal="true"
                aria-label=title
                method="post"
                action="/forms/reservation"
                on:submit=on_submit
            >
                <h2>{title}</h2>
                <input type="hidden" name="mode" value=mode />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="server" value=hidden_server />
                <input type="hidden" name="scope_id" value=hidden_scope />
                <input type="hidden" name="original_ip" value=hidden_ip />
                <input type="hidden" name="version" prop:value=move || version.get() value=version.get_untracked() />
                <div class="form-grid">
                    {field("ip_address", "IP address", ip, "10.0.0.100")}
                    {select_field(
                        "identifier_type",
                        "Identifier type",
                        identifier,
                        &IDENTIFIER_CHOICES,
                        Signal::derive(field_error("identifier_type")),
                    )}
                    {field("client_id", "Client ID", client, "00-15-5d-a7-66-02")}
                    {field("name", "Name", name, "")}
                    {field("description", "Description", description, "")}
                    {select_field(
                        "type",
                        "Type",
                        kind,
                        &RESERVATION_TYPES,
                        Signal::derive(field_error("type")),
                    )}
                    {field("next_server", "Next server (boot)", next_server, "none, or 10.0.0.5")}
                    {field("server_hostname", "Boot server host name", server_hostname, "none")}
                    {field("boot_file_name", "Boot file name", boot_file_name, "none, or pxelinux.0")}
                    {field("client_classes", "Client classes", classes, "none, or printers, floor-2")}
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

/// The identifier types as the dialog offers them: Kea's name, and what a page calls it.
pub(crate) const IDENTIFIER_CHOICES: [(&str, &str); 5] = [
    ("hw-address", "MAC address (hw-address)"),
    ("client-id", "Client identifier (client-id)"),
    ("duid", "DUID (duid)"),
    ("circuit-id", "Circuit ID (circuit-id)"),
    ("flex-id", "Flex ID (flex-id)"),
];

/// The dialog's fields, each showing its own refusal.
const FIELDS: [&str; 11] = [
    "ip_address",
    "identifier_type",
    "client_id",
    "name",
    "description",
    "type",
    "next_server",
    "server_hostname",
    "boot_file_name",
    "client_classes",
    "options",
];

/// The reservation types as the dialog offers them.
const RESERVATION_TYPES: [(&str, &str); 3] =
    [("Dhcp", "Dhcp"), ("Bootp", "Bootp"), ("Both", "Both")];

#[cfg(test)]
mod tests {
    use tandem_core::{IdentifierType, ReservationType};

    #[test]
    fn the_dialog_offers_every_identifier_type_and_reservation_type() {
        let offered: Vec<&str> = super::IDENTIFIER_CHOICES.iter().map(|c| c.0).collect();
        let all: Vec<&str> = IdentifierType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(offered, all);
        for (kind, label) in super::IDENTIFIER_CHOICES {
            let kind = IdentifierType::parse(kind).unwrap();
            assert_eq!(label, format!("{} ({kind})", kind.label()));
        }
        assert_eq!(
            super::RESERVATION_TYPES.map(|c| c.0),
            ReservationType::ALL.map(ReservationType::as_str)
        );
    }
}
