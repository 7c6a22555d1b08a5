//! Failover relationships: list, read, create, change and delete; scopes in and out of
//! failover; Partner Down, maintenance, and relationship-level replication. An action run on a
//! relationship names the server it is run from, as the cmdlets' `-ComputerName` does.

use super::scopes::ReplicateParams;
use super::{
    ApiCaller, ApiError, ApiQuery, ApiResult, Body, Pairs, created, if_match, optional_if_match,
    scope_id, server_name, with_etag,
};
use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_backend::{ReplicationTargets, Tandem};
use tandem_core::failover_rules::NewRelationship;
use tandem_core::views::{
    RelationshipQuery, RelationshipRow, RelationshipsPage, ReplicationPreview, ScopeResult,
};
use tandem_core::{FailoverRelationship, FailoverState, ScopeId};

/// The Failover Relationships view's query string.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RelationshipListParams {
    /// Part of the relationship's name or of either server's name, any case.
    name: Option<String>,
    /// Exact server name: the relationships it is in.
    server: Option<String>,
    /// `not-normal`: only relationships in which either server is not Normal (or cannot be
    /// read).
    filter: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u32>,
}

/// The failover relationships, by name, with each server's state in it and its sync errors:
/// one page. A row lists its scope IDs when it has 4 or fewer (`scope_count` says how many);
/// `GET /relationships/{name}` lists them all.
#[utoipa::path(get, path = "/relationships", tag = "failover", params(RelationshipListParams),
    responses((status = 200, description = "One page of relationships", body = RelationshipsPage,
        headers(("Link" = String, description = "The first, previous, next and last pages (RFC 8288)")))))]
pub async fn list_relationships(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    OriginalUri(uri): OriginalUri,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    super::list_params::<RelationshipListParams>(&pairs)?;
    let q: RelationshipQuery = super::query(&pairs);
    let page = tandem.list_relationships(&caller, &q).await?;
    Ok(super::paged(&uri, &pairs, page.page, page.total, page))
}

/// One failover relationship, with each server's state in it.
#[utoipa::path(get, path = "/relationships/{name}", tag = "failover",
    params(("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com")),
    responses((status = 200, description = "The relationship", body = RelationshipRow,
        headers(("ETag" = String, description = "The version of its settings, to send back as If-Match with a change")))))]
pub async fn get_relationship(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    let row = tandem
        .find_relationship(&caller, &name)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("relationship {name} not found")))?;
    Ok(with_etag(&row.relationship.version(), Json(row)))
}

/// A refused relationship change; on a 412, with the relationship as it is now and its
/// `ETag`.
async fn stale_relationship(
    tandem: &Tandem,
    caller: &tandem_backend::Caller,
    name: &str,
    e: tandem_backend::ServiceError,
) -> ApiError {
    let error = ApiError::precondition(e);
    if !error.is_stale() {
        return error;
    }
    match tandem.find_relationship(caller, name).await {
        Ok(Some(now)) => error.with_current(&now.relationship.version(), now),
        _ => error,
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRelationship {
    relationship: NewRelationship,
    /// Scope IDs on the primary to put in failover (copied whole to the partner, which must
    /// not have them).
    #[serde(default)]
    scopes: Vec<String>,
}

fn scope_ids(texts: &[String]) -> ApiResult<Vec<ScopeId>> {
    let mut errors = tandem_core::FieldErrors::default();
    let ids = texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            errors.take(
                &format!("scopes[{i}]"),
                ScopeId::parse(t).map_err(|e| e.to_string()),
            )
        })
        .collect();
    errors.into_result()?;
    Ok(ids)
}

/// Creates a relationship (Add-DhcpServerv4Failover) on both servers, with its scopes.
#[utoipa::path(post, path = "/relationships", tag = "failover", request_body = CreateRelationship,
    responses((status = 201, description = "Created on both servers", body = FailoverRelationship,
        headers(("Location" = String, description = "The relationship's URL")))))]
pub async fn create_relationship(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Body(body): Body<CreateRelationship>,
) -> ApiResult<Response> {
    let scopes = scope_ids(&body.scopes)?;
    let made = tandem
        .create_relationship(&caller, &body.relationship, &scopes)
        .await?;
    let location = format!(
        "/api/v1/relationships/{}",
        tandem_core::text::percent_encode(&made.name, "")
    );
    Ok(created(&location, made))
}

/// Changes a relationship's settings (mode, percentages, MCLT, auto state transition,
/// authentication) on both servers; its name and servers stay.
#[utoipa::path(put, path = "/relationships/{name}", tag = "failover",
    params(("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com"),
        ("If-Match" = String, Header, description = "The ETag of the relationship as read")),
    request_body = NewRelationship,
    responses((status = 200, description = "Changed on both servers", body = FailoverRelationship,
        headers(("ETag" = String, description = "Its version now"))),
        (status = 412, description = "Its settings changed since it was read (`If-Match` is not their version): nothing written; `current` is it as it is now", body = super::Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = super::Problem, content_type = "application/problem+json")))]
pub async fn update_relationship(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(name): Path<String>,
    headers: HeaderMap,
    Body(input): Body<NewRelationship>,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    match tandem
        .update_relationship(&caller, &name, &input, Some(&version))
        .await
    {
        Ok(after) => Ok(with_etag(&after.version(), Json(after))),
        Err(e) => Err(stale_relationship(&tandem, &caller, &name, e).await),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Deleted {
    /// The scopes taken out of failover (deleted on the partner, kept on the server named).
    #[schema(value_type = Vec<String>)]
    scopes: Vec<ScopeId>,
}

/// Deletes a relationship from both servers (Remove-DhcpServerv4Failover run on `server`):
/// its scopes are taken out of failover first, kept on `server`.
#[utoipa::path(delete, path = "/servers/{server}/relationships/{name}", tag = "failover",
    params(("server" = String, Path, description = "The server whose scopes are kept", example = "dhcp1.contoso.com"),
        ("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the relationship as read: deleted only if its settings are still those")),
    responses((status = 200, description = "Deleted", body = Deleted),
        (status = 412, description = "Its settings changed since it was read: nothing deleted; `current` is it as it is now", body = super::Problem, content_type = "application/problem+json")))]
pub async fn delete_relationship(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Json<Deleted>> {
    let server = server_name(&server)?;
    let version = optional_if_match(&headers);
    match tandem
        .delete_relationship(&caller, &server, &name, version.as_deref())
        .await
    {
        Ok(scopes) => Ok(Json(Deleted { scopes })),
        Err(e) => Err(stale_relationship(&tandem, &caller, &name, e).await),
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddScope {
    /// A scope of `server` that the partner does not have.
    #[schema(format = Ipv4, example = "10.0.1.0")]
    scope_id: String,
}

/// Configures failover on a scope of `server`, into an existing relationship: the partner
/// gets a whole copy.
#[utoipa::path(post, path = "/servers/{server}/relationships/{name}/scopes", tag = "failover",
    params(("server" = String, Path, description = "The server that holds the scope", example = "dhcp1.contoso.com"),
        ("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com")),
    request_body = AddScope,
    responses((status = 204, description = "The scope is in the relationship on both servers")))]
pub async fn add_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, name)): Path<(String, String)>,
    Body(body): Body<AddScope>,
) -> ApiResult<StatusCode> {
    let (server, scope) = (server_name(&server)?, scope_id(&body.scope_id)?);
    tandem
        .add_scope_to_relationship(&caller, &server, scope, &name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RemovedFromFailover {
    /// The partner, whose copy was deleted.
    partner: String,
}

/// Removes a scope from failover: deleted on the partner, kept on `server`.
#[utoipa::path(delete, path = "/servers/{server}/scopes/{scope}/failover", tag = "failover",
    params(("server" = String, Path, description = "The server whose copy is kept", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0")),
    responses((status = 200, description = "Out of failover", body = RemovedFromFailover)))]
pub async fn remove_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
) -> ApiResult<Json<RemovedFromFailover>> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    let partner = tandem
        .remove_scope_from_failover(&caller, &server, scope)
        .await?;
    Ok(Json(RemovedFromFailover {
        partner: partner.to_string(),
    }))
}

/// Relationship-level replication: every scope of the relationship, from `server` to its
/// partner; one failing does not stop the others. Given a preview's `basis` (from `GET` on the
/// same path), only as that preview showed.
#[utoipa::path(post, path = "/servers/{server}/relationships/{name}/replicate", tag = "failover",
    params(("server" = String, Path, description = "The server whose copies are kept", example = "dhcp1.contoso.com"),
        ("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com"),
        ReplicateParams),
    responses((status = 200, description = "What became of each scope", body = Vec<ScopeResult>)))]
pub async fn replicate_relationship(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, name)): Path<(String, String)>,
    ApiQuery(params): ApiQuery<ReplicateParams>,
) -> ApiResult<Response> {
    let server = server_name(&server)?;
    let targets = ReplicationTargets::Relationship {
        server: &server,
        name: &name,
    };
    let results = tandem
        .replicate_as_previewed(&caller, targets, params.basis.as_deref())
        .await?;
    Ok(Json(results).into_response())
}

/// The dry run of a relationship-level replication: what `POST` on the same path would change
/// on the partner, scope by scope, from a fresh read of both copies. Nothing is written.
#[utoipa::path(get, path = "/servers/{server}/relationships/{name}/replicate", tag = "failover",
    params(("server" = String, Path, description = "The server whose copies would be kept", example = "dhcp1.contoso.com"),
        ("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com")),
    responses((status = 200, description = "Each scope's changes (or why it cannot be read), and the basis to replicate them as shown",
        body = ReplicationPreview)))]
pub async fn preview_relationship_replication(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let server = server_name(&server)?;
    let targets = ReplicationTargets::Relationship {
        server: &server,
        name: &name,
    };
    Ok(Json(tandem.preview_replication(&caller, targets).await?).into_response())
}

/// Sets Partner Down on `server`: it takes over the whole pool from its failed partner.
#[utoipa::path(post, path = "/servers/{server}/relationships/{name}/partner-down", tag = "failover",
    params(("server" = String, Path, description = "The server that takes over", example = "dhcp1.contoso.com"),
        ("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com")),
    responses((status = 200, description = "The server's state now", body = FailoverState)))]
pub async fn partner_down(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let server = server_name(&server)?;
    Ok(Json(tandem.set_partner_down(&caller, &server, &name).await?).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    /// `true` to start maintenance of the partner (this server serves every client
    /// meanwhile), `false` to end it.
    on: bool,
}

/// Starts or ends maintenance of `server`'s partner (Kea's `ha-maintenance-start`/`cancel`).
#[utoipa::path(post, path = "/servers/{server}/relationships/{name}/maintenance", tag = "failover",
    params(("server" = String, Path, description = "The server that stays in service", example = "dhcp1.contoso.com"),
        ("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com")),
    request_body = Maintenance,
    responses((status = 200, description = "The server's state now", body = FailoverState)))]
pub async fn maintenance(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, name)): Path<(String, String)>,
    Body(body): Body<Maintenance>,
) -> ApiResult<Json<FailoverState>> {
    let server = server_name(&server)?;
    Ok(Json(
        tandem
            .set_maintenance(&caller, &server, &name, body.on)
            .await?,
    ))
}
