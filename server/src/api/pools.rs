//! A pool's own settings (Kea: the classes a pool admits and its options), read and changed
//! on a server and then its HA partner.

use super::{ApiCaller, ApiError, ApiResult, Body};
use axum::Json;
use axum::extract::{Path, State};
use tandem_backend::Tandem;
use tandem_core::views::ChangeOutcome;
use tandem_core::{IpRange, PoolInput, PoolSettings};

/// The pool a path names (`10.2.0.100-10.2.0.200`).
fn pool(text: &str) -> ApiResult<IpRange> {
    tandem_backend::driver::kea::mapping::pool_range(text)
        .map_err(|e| ApiError::field("range", e.0))
}

/// A pool's own settings: the classes it admits, its options, and what else it holds in the
/// server's words. 404 for a pool the scope does not have, or a server without pools of their
/// own (the built-in one).
#[utoipa::path(get, operation_id = "get_pool", path = "/servers/{server}/scopes/{scope}/pools/{range}", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("scope" = String, Path, description = "The scope ID", example = "10.2.0.0"),
        ("range" = String, Path, description = "The pool's first and last address", example = "10.2.0.100-10.2.0.200")),
    responses((status = 200, description = "The pool's own settings", body = PoolSettings),
        (status = 404, description = "No such pool, or a server without pools of their own")))]
pub async fn get(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, range)): Path<(String, String, String)>,
) -> ApiResult<Json<PoolSettings>> {
    let name = super::server_name(&server)?;
    let (scope, range) = (super::scope_id(&scope)?, pool(&range)?);
    tandem
        .pool(&caller, &name, scope, range)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(&format!("{name} has no pools of their own")))
}

/// Makes a pool admit the given classes and hold the given options (what else it holds is
/// kept), then the same on the server's HA partner. 400 with the fields at fault (a class
/// name, an option value, two classes on Kea 2.2), nothing written.
#[utoipa::path(put, operation_id = "update_pool", path = "/servers/{server}/scopes/{scope}/pools/{range}", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("scope" = String, Path, description = "The scope ID", example = "10.2.0.0"),
        ("range" = String, Path, description = "The pool's first and last address", example = "10.2.0.100-10.2.0.200")),
    request_body = PoolInput,
    responses((status = 200, description = "Changed; what became of it on the partner", body = ChangeOutcome)))]
pub async fn put(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, range)): Path<(String, String, String)>,
    Body(input): Body<PoolInput>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    let (scope, range) = (super::scope_id(&scope)?, pool(&range)?);
    Ok(Json(
        tandem
            .put_pool(&caller, &name, scope, range, &input)
            .await?,
    ))
}
