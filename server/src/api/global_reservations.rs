//! Server-wide reservations (Kea's global `reservations`): listed, created, changed and
//! deleted on a server and then its HA partner, and copied whole to the partner.

use super::{ApiCaller, ApiError, ApiResult, Body, created};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use tandem_backend::Tandem;
use tandem_core::views::ChangeOutcome;
use tandem_core::{ClientId, GlobalReservations, IdentifierType, NewGlobalReservation};

/// The client a path names: its identifier's type and value.
pub(super) fn client(kind: &str, id: &str) -> ApiResult<ClientId> {
    let kind = IdentifierType::parse(kind).map_err(|e| ApiError::field("identifier_type", e))?;
    ClientId::parse(kind, id).map_err(|e| ApiError::field("client_id", e))
}

/// A server's server-wide reservations: each Tandem shows (an address or none, a host name,
/// boot fields, classes, options), the ones it cannot show in the server's own words, and
/// whether the server looks them up at all. 404 for a server without them (the built-in one).
#[utoipa::path(get, operation_id = "list_global_reservations", path = "/servers/{server}/global-reservations", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org")),
    responses((status = 200, description = "Its server-wide reservations, in its order", body = GlobalReservations),
        (status = 404, description = "No such server, or one without server-wide reservations")))]
pub async fn list(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
) -> ApiResult<Json<GlobalReservations>> {
    let name = super::server_name(&server)?;
    tandem
        .global_reservations(&caller, &name)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(&format!("{name} has no server-wide reservations")))
}

/// Creates a server-wide reservation, then on the server's HA partner. 400 with the fields at
/// fault (an identifier its type refuses, a client or an address already reserved server-wide,
/// a bad setting), nothing written.
#[utoipa::path(post, operation_id = "create_global_reservation", path = "/servers/{server}/global-reservations", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org")),
    request_body = NewGlobalReservation,
    responses((status = 201, description = "Created; what became of it on the partner",
        body = ChangeOutcome,
        headers(("Location" = String, description = "The reservation's URL")))))]
pub async fn create(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
    Body(input): Body<NewGlobalReservation>,
) -> ApiResult<Response> {
    let name = super::server_name(&server)?;
    let outcome = tandem
        .put_global_reservation(&caller, &name, None, &input)
        .await?;
    let id = input.parse().map_err(ApiError::from)?.client_id;
    let location = format!(
        "/api/v1/servers/{name}/global-reservations/{}/{}",
        id.kind(),
        tandem_core::text::percent_encode(&id.to_string(), "")
    );
    Ok(created(&location, outcome))
}

/// Changes the server-wide reservation of the client the path names (its identifier may
/// change too), then makes the partner hold the same. Settings the body leaves out are kept;
/// with `version` (from the list), refused with 412 if it changed since.
#[utoipa::path(put, operation_id = "update_global_reservation", path = "/servers/{server}/global-reservations/{identifier_type}/{client_id}", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("identifier_type" = String, Path, description = "hw-address, client-id, duid, circuit-id or flex-id", example = "hw-address"),
        ("client_id" = String, Path, description = "The client's identifier", example = "1a-1b-1c-1d-1e-1f")),
    request_body = NewGlobalReservation,
    responses((status = 200, description = "Changed; what became of it on the partner",
        body = ChangeOutcome)))]
pub async fn update(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, kind, id)): Path<(String, String, String)>,
    Body(input): Body<NewGlobalReservation>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    let was = client(&kind, &id)?;
    Ok(Json(
        tandem
            .put_global_reservation(&caller, &name, Some(&was), &input)
            .await
            .map_err(ApiError::precondition)?,
    ))
}

/// Deletes the server-wide reservation of the client the path names, then from the partner.
#[utoipa::path(delete, operation_id = "delete_global_reservation", path = "/servers/{server}/global-reservations/{identifier_type}/{client_id}", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("identifier_type" = String, Path, description = "hw-address, client-id, duid, circuit-id or flex-id", example = "hw-address"),
        ("client_id" = String, Path, description = "The client's identifier", example = "1a-1b-1c-1d-1e-1f")),
    responses((status = 200, description = "Deleted; what became of it on the partner",
        body = ChangeOutcome)))]
pub async fn delete(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, kind, id)): Path<(String, String, String)>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    let id = client(&kind, &id)?;
    Ok(Json(
        tandem
            .delete_global_reservation(&caller, &name, &id)
            .await?,
    ))
}

/// Makes the server's HA partner hold exactly its server-wide reservations (each whole).
#[utoipa::path(post, operation_id = "replicate_global_reservations", path = "/servers/{server}/global-reservations/replicate", tag = "servers",
    params(("server" = String, Path, description = "The server whose reservations are kept", example = "kea1.example.org")),
    responses((status = 200, description = "What became of them on the partner", body = ChangeOutcome)))]
pub async fn replicate(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    Ok(Json(
        tandem.replicate_global_reservations(&caller, &name).await?,
    ))
}
