//! Scopes: the DHCP Scopes view, one scope's properties (with its version), create, change and
//! delete, scope replication, a scope's differences, and the Failover Config Sync Status.

use super::{
    ApiCaller, ApiError, ApiQuery, ApiResult, Body, Pairs, created, csv, if_match,
    optional_if_match, query, scope_id, server_name, with_etag,
};
use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_backend::{ReplicationTargets, Tandem};
use tandem_core::drift::DriftStatus;
use tandem_core::scope_input::ScopeInput;
use tandem_core::views::{
    ChangeOutcome, Page, ReplicationPreview, ReservationQuery, ScopePreview, ScopeQuery,
    ScopeReplication, ScopeResult, ScopeRow, ScopesPage, SyncFilter,
};
use tandem_core::{Scope, ScopeId, ServerName};

/// The DHCP Scopes view's query string (the portal's `/scopes` URL takes the same).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ScopeListParams {
    /// Exact server name.
    server: Option<String>,
    /// Scope ID, or the start of one (`10.0.`).
    scope: Option<String>,
    /// Part of the scope's name, any case.
    name: Option<String>,
    /// `active` or `inactive`.
    state: Option<String>,
    /// Exact relationship name.
    relationship: Option<String>,
    /// `drift`, `out-of-sync`, `unknown`, `in-sync`, `sync-error` or `not-in-failover`.
    sync: Option<String>,
    /// Only scopes more than this percentage full (1 to 99): addresses in use or reserved.
    #[param(minimum = 1, maximum = 99)]
    usage_over: Option<u8>,
    /// Only the scopes of this shared network (Windows: superscope), by its exact name.
    shared_network: Option<String>,
    /// `scope` (default), `server`, `name`, `state`, `reservations`, `relationship`, `sync`
    /// or `usage` (how full; scopes not read yet last).
    sort: Option<String>,
    /// `asc` (default) or `desc`.
    order: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u32>,
}

/// Every scope on every server the caller may see, with its failover relationship, Config
/// Sync Status and drift: the DHCP Scopes view's filters, order and pages.
#[utoipa::path(get, path = "/scopes", tag = "scopes", params(ScopeListParams),
    responses((status = 200, description = "One page of scopes", body = ScopesPage,
        headers(("Link" = String, description = "The first, previous, next and last pages (RFC 8288)")))))]
pub async fn list_scopes(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    OriginalUri(uri): OriginalUri,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    super::list_params::<ScopeListParams>(&pairs)?;
    let q: ScopeQuery = query(&pairs);
    let page = tandem.list_scopes(&caller, &q).await?;
    Ok(super::paged(&uri, &pairs, page.page, page.total, page))
}

/// The scopes list as CSV: every page, with the filters and order given.
#[utoipa::path(get, path = "/scopes.csv", tag = "scopes", params(ScopeListParams),
    responses((status = 200, description = "The scopes as CSV", content_type = "text/csv",
        body = String)))]
pub async fn scopes_csv(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let q: ScopeQuery = query(&pairs);
    Ok(csv(
        "tandem-scopes.csv",
        tandem.export_scopes(&caller, &q).await?,
    ))
}

fn target(server: &str, scope: &str) -> ApiResult<(ServerName, ScopeId)> {
    Ok((server_name(server)?, scope_id(scope)?))
}

/// Creates a scope on a server (not in failover: add it to a relationship for that).
#[utoipa::path(post, path = "/servers/{server}/scopes", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com")),
    request_body = ScopeInput,
    responses((status = 201, description = "Created", body = Scope,
        headers(("Location" = String, description = "The scope's URL")))))]
pub async fn create_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
    Body(input): Body<ScopeInput>,
) -> ApiResult<Response> {
    let server = server_name(&server)?;
    let scope = tandem.create_scope(&caller, &server, &input).await?;
    let location = format!("/api/v1/servers/{server}/scopes/{}", scope.id);
    Ok(created(&location, scope))
}

/// A scope's properties, exclusions, options and reservations as they stand on the server;
/// the version of what a `PUT` changes (its properties, exclusions and options: a reservation
/// added meanwhile does not make an edit stale) is the `ETag`, to be sent back as `If-Match`.
#[utoipa::path(get, path = "/servers/{server}/scopes/{scope}", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0")),
    responses((status = 200, description = "The scope", body = Scope,
        headers(("ETag" = String, description = "The version of the scope's properties, exclusions and options")))))]
pub async fn get_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (server, scope) = target(&server, &scope)?;
    let found = tandem.get_scope(&caller, &server, scope).await?;
    Ok(with_etag(&found.properties_version(), Json(found)))
}

/// A change of a scope: any of its fields, as the Scope Properties dialog has them; a field
/// left out is kept as the scope has it (at the version `If-Match` names).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeChange {
    /// The scope ID: if given, the path's (a scope ID never changes).
    scope_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    /// `255.255.255.0`, `/24` or `24`.
    subnet_mask: Option<String>,
    /// The first address of the range.
    #[schema(format = Ipv4)]
    start: Option<String>,
    /// The last address of the range.
    #[schema(format = Ipv4)]
    end: Option<String>,
    /// Seconds.
    lease_duration_secs: Option<String>,
    /// `Active` or `Inactive`.
    state: Option<String>,
    /// Ranges separated by commas or new lines: `10.0.0.1-10.0.0.9`; empty for none.
    exclusions: Option<String>,
    /// Ignored: an edit never moves a scope to another shared network.
    #[allow(dead_code)] // taken, so that a body read from a scope's dialog is not refused
    shared_network: Option<String>,
    /// Every option of the scope (those left out of the list are removed); leave the whole
    /// list out to keep them all.
    options: Option<Vec<tandem_core::scope_input::OptionInput>>,
}

impl ScopeChange {
    /// The scope's fields as `current` has them, with this change's over them.
    fn over(self, current: &Scope) -> ApiResult<ScopeInput> {
        let mut input = ScopeInput::of(current);
        if let Some(id) = self.scope_id.filter(|id| id.trim() != input.scope_id) {
            return Err(ApiError::field(
                "scope_id",
                format!(
                    "'{id}' is not this scope's ID ({}): a scope ID never changes",
                    input.scope_id
                ),
            ));
        }
        let fields = [
            (&mut input.name, self.name),
            (&mut input.description, self.description),
            (&mut input.subnet_mask, self.subnet_mask),
            (&mut input.start, self.start),
            (&mut input.end, self.end),
            (&mut input.lease_duration_secs, self.lease_duration_secs),
            (&mut input.state, self.state),
            (&mut input.exclusions, self.exclusions),
        ];
        for (field, change) in fields {
            if let Some(value) = change {
                *field = value;
            }
        }
        if let Some(options) = self.options {
            input.options = options;
        }
        Ok(input)
    }
}

/// Changes a scope's properties, exclusions and options (its reservations are kept): the
/// fields the body names, the others kept; on a failover scope the partner gets the change
/// too. `If-Match` is required.
#[utoipa::path(put, path = "/servers/{server}/scopes/{scope}", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0"),
        ("If-Match" = String, Header, description = "The ETag of the scope as read")),
    request_body = ScopeChange,
    responses((status = 200, description = "Changed; what became of it on the partner",
        body = ChangeOutcome),
        (status = 412, description = "Changed since it was read (`If-Match` is not its version): nothing written; `current` is it as it is now", body = super::Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = super::Problem, content_type = "application/problem+json")))]
pub async fn update_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    headers: HeaderMap,
    Body(change): Body<ScopeChange>,
) -> ApiResult<Response> {
    let (server, scope) = target(&server, &scope)?;
    let version = if_match(&headers)?;
    // The fields left out, as the scope has them: if it changed since the version sent, the
    // change is refused below whatever they are.
    let current = tandem.get_scope(&caller, &server, scope).await?;
    let input = change.over(&current)?;
    match tandem
        .update_scope(&caller, &server, scope, &version, &input)
        .await
    {
        Ok(outcome) => Ok(Json(outcome).into_response()),
        Err(e) => Err(stale_scope(&tandem, &caller, &server, scope, e).await),
    }
}

/// A refused scope change; on a 412, with the scope as it is now and its `ETag`.
async fn stale_scope(
    tandem: &Tandem,
    caller: &tandem_backend::Caller,
    server: &ServerName,
    scope: ScopeId,
    e: tandem_backend::ServiceError,
) -> ApiError {
    let error = ApiError::precondition(e);
    if !error.is_stale() {
        return error;
    }
    match tandem.get_scope(caller, server, scope).await {
        Ok(now) => error.with_current(&now.properties_version(), now),
        Err(_) => error,
    }
}

/// Deletes a scope that is not in failover (remove it from its relationship first). With
/// `If-Match`, only the scope as it was read: changed since, it is refused with 412.
#[utoipa::path(delete, path = "/servers/{server}/scopes/{scope}", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the scope as read: deleted only if it is still that")),
    responses((status = 204, description = "Deleted"),
        (status = 412, description = "Changed since it was read: nothing deleted; `current` is it as it is now", body = super::Problem, content_type = "application/problem+json")))]
pub async fn delete_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let (server, scope) = target(&server, &scope)?;
    let version = optional_if_match(&headers);
    match tandem
        .delete_scope(&caller, &server, scope, version.as_deref())
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(e) => Err(stale_scope(&tandem, &caller, &server, scope, e).await),
    }
}

/// Whether this copy of a failover scope agrees with its partner's, and if not, what differs
/// (as of the last read; `POST /drift/check` reads again).
#[utoipa::path(get, path = "/servers/{server}/scopes/{scope}/differences", tag = "scopes",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0")),
    responses((status = 200, description = "The drift: `null` when not in failover",
        body = Option<DriftStatus>)))]
pub async fn differences(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
) -> ApiResult<Json<Option<DriftStatus>>> {
    let (server, scope) = target(&server, &scope)?;
    let q = ReservationQuery {
        page: Page::new(1, 1),
        ..ReservationQuery::default()
    };
    let view = tandem
        .list_reservations(&caller, &server, scope, &q)
        .await?;
    Ok(Json(view.row.drift))
}

/// Scope-level replication: the partner's copy of the scope is overwritten by this server's
/// (never leases); the Config Sync Status is cleared on success.
#[utoipa::path(post, path = "/servers/{server}/scopes/{scope}/replicate", tag = "scopes",
    params(("server" = String, Path, description = "The server whose copy is kept", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0"),
        ReplicateParams),
    responses((status = 200, description = "Replicated: what the partner's copy had",
        body = ScopeReplication)))]
pub async fn replicate_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    ApiQuery(params): ApiQuery<ReplicateParams>,
) -> ApiResult<Response> {
    let (server, scope) = target(&server, &scope)?;
    let basis = params.basis.as_deref();
    Ok(Json(
        tandem
            .replicate_scope_as_previewed(&caller, &server, scope, basis)
            .await?,
    )
    .into_response())
}

/// How a replication goes ahead.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReplicateParams {
    /// A preview's `basis` (from `GET` on the same path): replicate only if neither copy has
    /// changed since that preview; otherwise 409 and nothing written.
    pub(crate) basis: Option<String>,
}

/// The dry run of a scope-level replication: what `POST` on the same path would change on the
/// partner, from a fresh read of both copies. Nothing is written.
#[utoipa::path(get, path = "/servers/{server}/scopes/{scope}/replicate", tag = "scopes",
    params(("server" = String, Path, description = "The server whose copy would be kept", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0")),
    responses((status = 200, description = "What would change on the partner, and the basis to replicate it as shown",
        body = ScopePreview)))]
pub async fn preview_scope_replication(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (server, scope) = target(&server, &scope)?;
    Ok(Json(
        tandem
            .preview_scope_replication(&caller, &server, scope)
            .await?,
    )
    .into_response())
}

/// One scope to replicate, from the server named.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeTarget {
    server: String,
    scope_id: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplicateScopes {
    /// The scopes (at most 1000), each replicated from the server named with it.
    scopes: Vec<ScopeTarget>,
    /// The `basis` of a preview of the same scopes (`POST /replicate/preview`): replicate only
    /// if no copy has changed since; otherwise 409 and nothing written.
    #[serde(default)]
    basis: Option<String>,
}

/// The scopes of a [`ReplicateScopes`], each checked; errors name the entry.
fn scope_targets(scopes: &[ScopeTarget]) -> ApiResult<Vec<(ServerName, ScopeId)>> {
    if scopes.len() > 1000 {
        return Err(super::ApiError::field(
            "scopes",
            format!("{} scopes: at most 1000 at a time", scopes.len()),
        ));
    }
    let mut errors = tandem_core::FieldErrors::default();
    let mut targets = Vec::with_capacity(scopes.len());
    for (i, t) in scopes.iter().enumerate() {
        let server = errors.take(&format!("scopes[{i}].server"), server_name_text(&t.server));
        let scope = errors.take(&format!("scopes[{i}].scope_id"), scope_id_text(&t.scope_id));
        if let (Some(s), Some(id)) = (server, scope) {
            targets.push((s, id));
        }
    }
    errors.into_result()?;
    Ok(targets)
}

/// Replicates several scopes; one failing does not stop the others. Given a preview's
/// `basis`, only as that preview showed.
#[utoipa::path(post, path = "/replicate", tag = "scopes", request_body = ReplicateScopes,
    responses((status = 200, description = "What became of each scope", body = Vec<ScopeResult>)))]
pub async fn replicate_scopes(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Body(body): Body<ReplicateScopes>,
) -> ApiResult<Json<Vec<ScopeResult>>> {
    let targets = scope_targets(&body.scopes)?;
    Ok(Json(
        tandem
            .replicate_as_previewed(
                &caller,
                ReplicationTargets::Scopes(&targets),
                body.basis.as_deref(),
            )
            .await?,
    ))
}

/// The scopes of a preview of several.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewScopes {
    /// The scopes (at most 1000), each to be replicated from the server named with it.
    scopes: Vec<ScopeTarget>,
}

/// The dry run of `POST /replicate`: what replicating these scopes would change on each
/// partner, scope by scope, from a fresh read of every copy. Nothing is written.
#[utoipa::path(post, path = "/replicate/preview", tag = "scopes", request_body = PreviewScopes,
    responses((status = 200, description = "Each scope's changes (or why it cannot be read), and the basis to replicate them as shown",
        body = ReplicationPreview)))]
pub async fn preview_scopes_replication(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Body(body): Body<PreviewScopes>,
) -> ApiResult<Json<ReplicationPreview>> {
    let targets = scope_targets(&body.scopes)?;
    Ok(Json(
        tandem
            .preview_replication(&caller, ReplicationTargets::Scopes(&targets))
            .await?,
    ))
}

fn server_name_text(text: &str) -> Result<ServerName, String> {
    ServerName::parse(text).map_err(|e| e.to_string())
}

fn scope_id_text(text: &str) -> Result<ScopeId, String> {
    ScopeId::parse(text).map_err(|e| e.to_string())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SyncErrorsQuery {
    /// Only this relationship's.
    relationship: Option<String>,
}

/// The failover scopes whose Failover Config Sync Status shows an error (a change reached one
/// partner only), with the error.
#[utoipa::path(get, path = "/sync-errors", tag = "scopes", params(SyncErrorsQuery),
    responses((status = 200, description = "The scopes with a sync error", body = Vec<ScopeRow>)))]
pub async fn sync_errors(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<SyncErrorsQuery>,
) -> ApiResult<Json<Vec<ScopeRow>>> {
    let mut rows = Vec::new();
    let mut number = 1;
    loop {
        let query = ScopeQuery {
            sync: Some(SyncFilter::Error),
            relationship: q.relationship.clone(),
            page: Page::new(number, tandem_core::views::MAX_PAGE_SIZE),
            ..ScopeQuery::default()
        };
        let page: ScopesPage = tandem.list_scopes(&caller, &query).await?;
        let done = page.rows.is_empty() || u64::from(number) >= page.page.count(page.total);
        rows.extend(page.rows);
        if done {
            break;
        }
        number += 1;
    }
    Ok(Json(rows))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Cleared {
    /// Whether there was an error to clear.
    cleared: bool,
}

/// Clear Config Sync Error: the scope's Failover Config Sync Status shows nothing again.
#[utoipa::path(delete, path = "/relationships/{name}/scopes/{scope}/sync-error", tag = "scopes",
    params(("name" = String, Path, description = "The relationship's name", example = "dhcp1.contoso.com-dc1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0")),
    responses((status = 200, description = "Cleared (or there was nothing to clear)",
        body = Cleared)))]
pub async fn clear_sync_error(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((name, scope)): Path<(String, String)>,
) -> ApiResult<Json<Cleared>> {
    let scope = scope_id(&scope)?;
    let cleared = tandem.clear_sync_error(&caller, &name, scope).await?;
    Ok(Json(Cleared { cleared }))
}
