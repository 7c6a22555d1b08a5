//! What can be done with leases, for the roles that may change a scope: delete one, or clear
//! a scope's after its ID is typed again. Each is done on the server named and on its partner
//! in the scope's relationship, and recorded in the Event Catalog. (Reserving a lease is
//! creating a reservation for its address and client.)

use super::{ApiCaller, ApiResult, Body, ip, scope_id, server_name};
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use tandem_backend::Tandem;
use tandem_core::views::LeaseOutcome;

/// Deletes the lease of one address on the server and on its partner (Kea: `lease4-del` on
/// each, since Kea's HA does not copy a deletion made by a command). The client that held it
/// may go on using the address until it asks again: delete stale leases.
#[utoipa::path(delete, path = "/servers/{server}/leases/{ip}", tag = "leases",
    params(("server" = String, Path, description = "The server holding the lease", example = "dhcp1.contoso.com"),
        ("ip" = String, Path, format = Ipv4, description = "The leased address", example = "10.0.0.10")),
    responses((status = 200, description = "Deleted there and on the partner (or why not on the partner)",
        body = LeaseOutcome)))]
pub async fn delete_lease(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, address)): Path<(String, String)>,
) -> ApiResult<Json<LeaseOutcome>> {
    let (server, address) = (server_name(&server)?, ip(&address)?);
    Ok(Json(tandem.delete_lease(&caller, &server, address).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClearLeases {
    /// The scope's ID typed again: every lease of the scope is deleted on both partners.
    #[schema(example = "10.0.0.0")]
    confirm: String,
}

/// Deletes every lease of a scope on the server and on its partner (Kea: `lease4-wipe`),
/// once `confirm` repeats the scope's ID.
#[utoipa::path(post, path = "/servers/{server}/scopes/{scope}/leases/clear", tag = "leases",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0")),
    request_body = ClearLeases,
    responses((status = 200, description = "How many were deleted there and on the partner",
        body = LeaseOutcome)))]
pub async fn clear_leases(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    Body(body): Body<ClearLeases>,
) -> ApiResult<Json<LeaseOutcome>> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    Ok(Json(
        tandem
            .clear_scope_leases(&caller, &server, scope, &body.confirm)
            .await?,
    ))
}
