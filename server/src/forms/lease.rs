//! The lease forms (`POST /forms/lease`): delete one lease and clear a scope's leases, both on
//! the server named and its partner; and Reserve, which opens the Create DHCP Reservation
//! dialog of the lease's scope filled from the lease (nothing is written until it is saved).

use super::{Fields, field, parsed};
use app::api::forms::Flash;
use app::components::notice::Notice;
use tandem_backend::{Caller, ServiceError, Tandem};
use tandem_core::views::LeaseOutcome;
use tandem_core::{ScopeId, ServerName, parse_ipv4};

/// `mode` = `delete` (`server`, `ip_address`) or `clear` (`server`, `scope_id`, `confirm`).
pub(super) async fn lease_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    mode: &str,
) -> Result<Notice, ServiceError> {
    let server = parsed(fields, "server", ServerName::parse)?;
    match mode {
        "delete" => {
            let ip = parsed(fields, "ip_address", parse_ipv4)?;
            let out = tandem.delete_lease(caller, &server, ip).await?;
            Ok(said(&format!("The lease of {ip}"), &out))
        }
        "clear" => {
            let scope = parsed(fields, "scope_id", ScopeId::parse)?;
            let out = tandem
                .clear_scope_leases(caller, &server, scope, &field(fields, "confirm"))
                .await?;
            Ok(said(&format!("The leases of scope {scope}"), &out))
        }
        _ => Err(super::unknown_mode()),
    }
}

/// What a lease change did, in words: where it was done, and where not.
fn said(what: &str, out: &LeaseOutcome) -> Notice {
    let text = format!("{what}: {}.", out.summary());
    if out.partner_failed() {
        Notice::Warning(text)
    } else {
        Notice::Done(text)
    }
}

/// Reserve: the Create DHCP Reservation dialog of the lease's scope, filled from the lease
/// (its address, its client's MAC address, its host name). Where to go, and the flash that
/// fills the dialog.
pub(super) fn reserve(fields: &Fields) -> Result<(String, Flash), ServiceError> {
    let server = parsed(fields, "server", ServerName::parse)?;
    let scope = parsed(fields, "scope_id", ScopeId::parse)?;
    let ip = parsed(fields, "ip_address", parse_ipv4)?;
    let name = field(fields, "hostname");
    let values = vec![
        ("ip_address".to_string(), ip.to_string()),
        ("client_id".to_string(), field(fields, "mac")),
        ("identifier_type".to_string(), "hw-address".to_string()),
        ("name".to_string(), name),
        (
            "description".to_string(),
            format!("Reserved from its lease on {server}"),
        ),
    ];
    let flash = Flash {
        form: "reservation".into(),
        notice: None,
        error: None,
        values,
        secret: None,
    };
    let page = app::pages::reservations_url(server.as_str(), &scope.to_string());
    Ok((page, flash))
}
