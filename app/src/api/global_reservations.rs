//! Server functions for Server Properties' server-wide reservations (Kea's global
//! `reservations`).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::NewGlobalReservation;
use tandem_core::views::ChangeOutcome;

/// A client as a page's link names it: its identifier's type, a space, the identifier
/// (`hw-address 1a-1b-1c-1d-1e-1f`).
#[cfg(feature = "ssr")]
pub(crate) fn client_of(text: &str) -> Result<tandem_core::ClientId, AppError> {
    let (kind, id) = text.trim().split_once(' ').unwrap_or(("", text));
    let kind = super::parse_field("identifier_type", tandem_core::IdentifierType::parse(kind))?;
    super::parse_field("client_id", tandem_core::ClientId::parse(kind, id))
}

/// A server-wide reservation as its dialog sends it: for a server, the one of client `was`
/// (empty: a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalChange {
    pub server: String,
    pub was: String,
    pub reservation: NewGlobalReservation,
}

/// One server-wide reservation, as its Edit dialog starts from (`None`: there is none).
#[server(endpoint = "global_reservation_input")]
pub async fn global_reservation_input(
    server: String,
    client: String,
) -> Result<Option<NewGlobalReservation>, AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&server))?;
    let id = client_of(&client)?;
    Ok(super::ssr::tandem()?
        .global_reservations(&caller, &server)
        .await?
        .and_then(|g| g.find(&id).map(NewGlobalReservation::from)))
}

/// Create or Edit Server-wide Reservation: on the server, then on its HA partner.
#[server(endpoint = "put_global_reservation", input = server_fn::codec::Json)]
pub async fn put_global_reservation(input: GlobalChange) -> Result<ChangeOutcome, AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&input.server))?;
    let was = match input.was.trim() {
        "" => None,
        text => Some(client_of(text)?),
    };
    Ok(super::ssr::tandem()?
        .put_global_reservation(&caller, &server, was.as_ref(), &input.reservation)
        .await?)
}

crate::lazy_calls! {
    call_global_reservation_input: GlobalReservationInput;
    call_put_global_reservation: PutGlobalReservation;
}
