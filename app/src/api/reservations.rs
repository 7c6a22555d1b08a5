//! Server functions for reservations.

use super::scopes::ScopeRef;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::validate::NewReservation;
use tandem_core::views::{ChangeOutcome, ReservationHit, ReservationQuery, ReservationsView};

/// Scope Properties and one page of the scope's reservations.
#[server(endpoint = "list_reservations", input = server_fn::codec::Json)]
pub async fn list_reservations(
    target: ScopeRef,
    #[server(default)] query: ReservationQuery,
) -> Result<ReservationsView, AppError> {
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&target.scope_id))?;
    let caller = super::ssr::caller()?;
    let tandem = super::ssr::tandem()?;
    Ok(tandem
        .list_reservations(&caller, &server, scope, &query)
        .await?)
}

/// Scope Properties as the page needs it: what its dialogs open with (the scope's properties
/// as the Edit Scope dialog's fields, with the version read; this page of reservations), and
/// the rest as HTML the server rendered for the caller's role (the facts and differences; the
/// reservations' table and pager), which the page shows as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertiesView {
    pub scope: tandem_core::scope_input::ScopeInput,
    pub version: String,
    pub reservations: Vec<tandem_core::Reservation>,
    pub facts_html: String,
    pub list_html: String,
}

/// [`PropertiesView`] of one scope.
#[server(endpoint = "properties_page", input = server_fn::codec::Json)]
pub async fn properties_page(
    target: ScopeRef,
    #[server(default)] query: ReservationQuery,
) -> Result<PropertiesView, AppError> {
    use tandem_core::access::Permission;
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&target.scope_id))?;
    let caller = super::ssr::caller()?;
    let tandem = super::ssr::tandem()?;
    let view = tandem
        .list_reservations(&caller, &server, scope, &query)
        .await?;
    let can_edit = caller.principal.role.grants(Permission::EditReservations);
    // A pool's own settings are a Kea server's (the built-in one has none to edit).
    let pools = (caller.principal.role.grants(Permission::EditScopes) && view.scope.kept.is_some())
        .then(|| crate::pages::scope_pools::ScopeForms {
            server: server.to_string(),
            scope_id: scope.to_string(),
        });
    // So are its reservations without an address.
    let hosts =
        (can_edit && view.scope.kept.is_some()).then(|| crate::pages::scope_pools::ScopeForms {
            server: server.to_string(),
            scope_id: scope.to_string(),
        });
    let (facts_html, list_html) = crate::pages::reservations::render_properties(
        &view,
        &query,
        can_edit,
        pools,
        hosts,
        caller.principal.role.grants(Permission::EditScopes),
    );
    Ok(PropertiesView {
        scope: tandem_core::scope_input::ScopeInput::of(&view.scope),
        version: view.version,
        reservations: view.reservations,
        facts_html,
        list_html,
    })
}

/// The global search for a reservation by IP, MAC or name, across all scopes.
#[server(endpoint = "search_reservations")]
pub async fn search_reservations(text: String) -> Result<Vec<ReservationHit>, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .search_reservations(&caller, &text)
        .await?)
}

/// The lease search by IP, MAC or host name on every server the user may see; `None` before
/// anything is asked.
#[server(endpoint = "find_leases")]
pub async fn find_leases(
    text: String,
) -> Result<Option<tandem_core::usage::LeaseSearch>, AppError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let caller = super::ssr::caller()?;
    Ok(Some(
        super::ssr::tandem()?.find_leases(&caller, &text).await?,
    ))
}

/// The Create DHCP Reservation dialog, submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateReservationInput {
    pub target: ScopeRef,
    pub reservation: NewReservation,
}

#[server(endpoint = "create_reservation", input = server_fn::codec::Json)]
pub async fn create_reservation(input: CreateReservationInput) -> Result<ChangeOutcome, AppError> {
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&input.target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&input.target.scope_id))?;
    let tandem = super::ssr::tandem()?;
    Ok(tandem
        .create_reservation(&super::ssr::caller()?, &server, scope, &input.reservation)
        .await?)
}

/// The Edit DHCP Reservation dialog, submitted: the fields, and the version they were read at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditReservationInput {
    pub target: ScopeRef,
    /// The address the reservation had when the dialog opened.
    pub original_ip: String,
    pub version: String,
    pub reservation: NewReservation,
}

#[server(endpoint = "edit_reservation", input = server_fn::codec::Json)]
pub async fn edit_reservation(input: EditReservationInput) -> Result<ChangeOutcome, AppError> {
    use tandem_core::{ScopeId, ServerName, parse_ipv4};
    let server = super::parse_field("server", ServerName::parse(&input.target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&input.target.scope_id))?;
    let ip = super::parse_field("ip_address", parse_ipv4(&input.original_ip))?;
    let tandem = super::ssr::tandem()?;
    Ok(tandem
        .edit_reservation(
            &super::ssr::caller()?,
            &server,
            scope,
            ip,
            &input.version,
            &input.reservation,
        )
        .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteReservationInput {
    pub target: ScopeRef,
    pub ip_address: String,
}

#[server(endpoint = "delete_reservation", input = server_fn::codec::Json)]
pub async fn delete_reservation(input: DeleteReservationInput) -> Result<ChangeOutcome, AppError> {
    use tandem_core::{ScopeId, ServerName, parse_ipv4};
    let server = super::parse_field("server", ServerName::parse(&input.target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&input.target.scope_id))?;
    let ip = super::parse_field("ip_address", parse_ipv4(&input.ip_address))?;
    let tandem = super::ssr::tandem()?;
    Ok(tandem
        .delete_reservation(&super::ssr::caller()?, &server, scope, ip, None)
        .await?)
}

crate::lazy_calls! {
    call_properties_page: PropertiesPage;
    call_search_reservations: SearchReservations;
    call_find_leases: FindLeases;
    call_create_reservation: CreateReservation;
    call_delete_reservation: DeleteReservation;
    call_edit_reservation: EditReservation;
}
