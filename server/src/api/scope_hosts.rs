//! A scope's reservations without an address (Kea: a subnet's hosts that give their client
//! settings, not an address): listed, created, changed and deleted on a server and then its HA
//! partner.

use super::global_reservations::client;
use super::{ApiCaller, ApiError, ApiResult, Body, created};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use tandem_backend::Tandem;
use tandem_core::views::ChangeOutcome;
use tandem_core::{GlobalReservation, NewGlobalReservation};

/// A scope's reservations without an address: each by its identifier, with its host name and
/// own settings (boot fields, classes, options). 404 for a server without them (the built-in
/// one).
#[utoipa::path(get, operation_id = "list_reservations_without_address", path = "/servers/{server}/scopes/{scope}/reservations-without-address", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("scope" = String, Path, description = "The scope ID", example = "192.0.3.0")),
    responses((status = 200, description = "Its reservations without an address, in the server's order", body = Vec<GlobalReservation>),
        (status = 404, description = "No such server or scope, or a server without them")))]
pub async fn list(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
) -> ApiResult<Json<Vec<GlobalReservation>>> {
    let name = super::server_name(&server)?;
    let scope = super::scope_id(&scope)?;
    tandem
        .scope_hosts(&caller, &name, scope)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::not_found(&format!("{name} has no reservations without an address"))
        })
}

/// Creates a reservation without an address in a scope, then on the server's HA partner. 400
/// with the fields at fault (an identifier its type refuses, a client the scope already
/// reserves, an address given, a bad setting), nothing written.
#[utoipa::path(post, operation_id = "create_reservation_without_address", path = "/servers/{server}/scopes/{scope}/reservations-without-address", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("scope" = String, Path, description = "The scope ID", example = "192.0.3.0")),
    request_body = NewGlobalReservation,
    responses((status = 201, description = "Created; what became of it on the partner",
        body = ChangeOutcome,
        headers(("Location" = String, description = "The reservation's URL")))))]
pub async fn create(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    Body(input): Body<NewGlobalReservation>,
) -> ApiResult<Response> {
    let name = super::server_name(&server)?;
    let scope = super::scope_id(&scope)?;
    let outcome = tandem
        .put_scope_host(&caller, &name, scope, None, &input)
        .await?;
    let id = input.parse().map_err(ApiError::from)?.client_id;
    let location = format!(
        "/api/v1/servers/{name}/scopes/{scope}/reservations-without-address/{}/{}",
        id.kind(),
        tandem_core::text::percent_encode(&id.to_string(), "")
    );
    Ok(created(&location, outcome))
}

/// Changes the reservation without an address of the client the path names (its identifier
/// may change too), then makes the partner hold the same. Settings the body leaves out are
/// kept; with `version` (from the list), refused with 412 if it changed since.
#[utoipa::path(put, operation_id = "update_reservation_without_address", path = "/servers/{server}/scopes/{scope}/reservations-without-address/{identifier_type}/{client_id}", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("scope" = String, Path, description = "The scope ID", example = "192.0.3.0"),
        ("identifier_type" = String, Path, description = "hw-address, client-id, duid, circuit-id or flex-id", example = "hw-address"),
        ("client_id" = String, Path, description = "The client's identifier", example = "1a-1b-1c-1d-1e-1f")),
    request_body = NewGlobalReservation,
    responses((status = 200, description = "Changed; what became of it on the partner",
        body = ChangeOutcome)))]
pub async fn update(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, kind, id)): Path<(String, String, String, String)>,
    Body(input): Body<NewGlobalReservation>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    let scope = super::scope_id(&scope)?;
    let was = client(&kind, &id)?;
    Ok(Json(
        tandem
            .put_scope_host(&caller, &name, scope, Some(&was), &input)
            .await
            .map_err(ApiError::precondition)?,
    ))
}

/// Deletes the reservation without an address of the client the path names, then from the
/// partner.
#[utoipa::path(delete, operation_id = "delete_reservation_without_address", path = "/servers/{server}/scopes/{scope}/reservations-without-address/{identifier_type}/{client_id}", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("scope" = String, Path, description = "The scope ID", example = "192.0.3.0"),
        ("identifier_type" = String, Path, description = "hw-address, client-id, duid, circuit-id or flex-id", example = "hw-address"),
        ("client_id" = String, Path, description = "The client's identifier", example = "1a-1b-1c-1d-1e-1f")),
    responses((status = 200, description = "Deleted; what became of it on the partner",
        body = ChangeOutcome)))]
pub async fn delete(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, kind, id)): Path<(String, String, String, String)>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    let scope = super::scope_id(&scope)?;
    let id = client(&kind, &id)?;
    Ok(Json(
        tandem.delete_scope_host(&caller, &name, scope, &id).await?,
    ))
}
