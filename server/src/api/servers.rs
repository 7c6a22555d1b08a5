//! DHCP servers, server-level replication, drift checks and the Event Catalog.

use super::{ApiCaller, ApiError, ApiQuery, ApiResult, Body, Pairs, created, csv, query};
use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_backend::driver::ControlAccess;
use tandem_backend::store::events::EventFilter;
use tandem_backend::{ReplicationTargets, Tandem};
use tandem_core::views::{
    ChangeOutcome, EventsPage, ReplicationPreview, ScopeResult, ServerQuery, ServerRow, ServersPage,
};

/// The DHCP Servers view's query string.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ServerListParams {
    /// Part of the server's name.
    name: Option<String>,
    /// `unreachable`: only servers whose last read failed.
    status: Option<String>,
    /// `name` (default), `kind`, `scopes` or `status`.
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

/// The managed servers, as the DHCP Servers view lists them (filters, order, pages).
#[utoipa::path(get, path = "/servers", tag = "servers", params(ServerListParams),
    responses((status = 200, description = "One page of servers", body = ServersPage,
        headers(("Link" = String, description = "The first, previous, next and last pages (RFC 8288)")))))]
pub async fn list_servers(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    OriginalUri(uri): OriginalUri,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    super::list_params::<ServerListParams>(&pairs)?;
    let q: ServerQuery = query(&pairs);
    let page = tandem.list_servers(&caller, &q).await?;
    Ok(super::paged(&uri, &pairs, page.page, page.total, page))
}

/// One managed server.
#[utoipa::path(get, path = "/servers/{server}", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com")),
    responses((status = 200, description = "The server", body = ServerRow)))]
pub async fn get_server(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
) -> ApiResult<Json<ServerRow>> {
    let name = super::server_name(&server)?;
    let q = ServerQuery {
        name: Some(name.to_string()),
        ..ServerQuery::default()
    };
    let page = tandem.list_servers(&caller, &q).await?;
    page.rows
        .into_iter()
        .find(|r| r.name == name)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(&format!("server {name} not found")))
}

/// A server's client classes (Kea's `client-classes`), each with its test, what it sets and
/// where the server's scopes use it. The built-in server has no classes: 404 Not Found.
#[utoipa::path(get, path = "/servers/{server}/client-classes", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org")),
    responses((status = 200, description = "Its classes, in its order", body = Vec<tandem_core::ClassRow>),
        (status = 404, description = "No such server, or a server without client classes")))]
pub async fn client_classes(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
) -> ApiResult<Json<Vec<tandem_core::ClassRow>>> {
    let name = super::server_name(&server)?;
    tandem
        .client_classes(&caller, &name)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(&format!("{name} has no client classes")))
}

/// Creates a client class on a server (Kea), then on its HA partner. 400 with the fields at
/// fault (a name taken or Kea's own, a test Kea cannot parse, a bad option value), nothing
/// written; 409 on a server without classes.
#[utoipa::path(post, path = "/servers/{server}/client-classes", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org")),
    request_body = tandem_core::ClassInput,
    responses((status = 201, description = "Created; what became of it on the partner",
        body = ChangeOutcome,
        headers(("Location" = String, description = "The class's URL")))))]
pub async fn create_client_class(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
    Body(input): Body<tandem_core::ClassInput>,
) -> ApiResult<Response> {
    let name = super::server_name(&server)?;
    let outcome = tandem
        .put_client_class(&caller, &name, true, &input)
        .await?;
    let location = format!(
        "/api/v1/servers/{name}/client-classes/{}",
        tandem_core::text::percent_encode(input.name.trim(), "")
    );
    Ok(created(&location, outcome))
}

/// Changes a client class (named by the path; its name stays), then makes its HA partner hold
/// the same. What the body leaves out of a class (its other keys on the server) is kept.
#[utoipa::path(put, path = "/servers/{server}/client-classes/{name}", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("name" = String, Path, description = "The class's name", example = "pxe")),
    request_body = tandem_core::ClassInput,
    responses((status = 200, description = "Changed; what became of it on the partner",
        body = ChangeOutcome)))]
pub async fn update_client_class(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, class)): Path<(String, String)>,
    Body(input): Body<tandem_core::ClassInput>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    let input = tandem_core::ClassInput {
        name: class,
        ..input
    };
    Ok(Json(
        tandem
            .put_client_class(&caller, &name, false, &input)
            .await?,
    ))
}

/// Deletes a client class, then from its HA partner.
#[utoipa::path(delete, path = "/servers/{server}/client-classes/{name}", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org"),
        ("name" = String, Path, description = "The class's name", example = "pxe")),
    responses((status = 200, description = "Deleted; what became of it on the partner",
        body = ChangeOutcome)))]
pub async fn delete_client_class(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, class)): Path<(String, String)>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    Ok(Json(
        tandem.delete_client_class(&caller, &name, &class).await?,
    ))
}

/// A server's own options (Windows: server options; Kea: the global `option-data`): the
/// ones Tandem edits by code, and what else it holds of them in its own words. 404 for a
/// server without them (the built-in one).
#[utoipa::path(get, path = "/servers/{server}/options", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org")),
    responses((status = 200, description = "Its options", body = tandem_core::ServerOptions),
        (status = 404, description = "No such server, or a server without server options")))]
pub async fn server_options(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
) -> ApiResult<Json<tandem_core::ServerOptions>> {
    let name = super::server_name(&server)?;
    tandem
        .server_options(&caller, &name)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(&format!("{name} has no server options")))
}

/// Makes a server's own options those given (as a scope's rows: code, kind, value), then its
/// HA partner's the same; their flags and the options Tandem does not edit are kept. 400 with
/// the fields at fault, nothing written.
#[utoipa::path(put, path = "/servers/{server}/options", tag = "servers",
    params(("server" = String, Path, description = "The server's name", example = "kea1.example.org")),
    request_body = Vec<tandem_core::scope_input::OptionInput>,
    responses((status = 200, description = "Changed; what became of it on the partner",
        body = ChangeOutcome)))]
pub async fn put_server_options(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
    Body(input): Body<Vec<tandem_core::scope_input::OptionInput>>,
) -> ApiResult<Json<ChangeOutcome>> {
    let name = super::server_name(&server)?;
    Ok(Json(
        tandem.put_server_options(&caller, &name, &input).await?,
    ))
}

/// A Kea server to manage: its control agent and how to sign in to it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeaServer {
    /// Its name, which must be its HA peer name.
    name: String,
    /// The control agent's URL (`http://…:8000/` or `https://…`).
    url: String,
    /// Basic authentication, if the agent asks for it.
    #[serde(default)]
    user: Option<String>,
    /// Write-only: stored to be sent, never shown.
    #[serde(default)]
    password: Option<String>,
    /// A CA certificate file on Tandem's machine, for an `https` agent.
    #[serde(default)]
    ca_file: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AddedServer {
    name: String,
    /// How many subnets it holds.
    scopes: usize,
}

/// Adds a Kea server: it is read first, and nothing is stored unless it answers.
#[utoipa::path(post, path = "/servers", tag = "servers", request_body = NewKeaServer,
    responses((status = 201, description = "Added", body = AddedServer,
        headers(("Location" = String, description = "The server's URL")))))]
pub async fn add_server(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Body(input): Body<NewKeaServer>,
) -> ApiResult<Response> {
    let name = tandem_core::ServerName::parse(input.name.trim())
        .map_err(|e| ApiError::field("name", e.to_string()))?;
    let access = ControlAccess {
        user: input.user,
        password: input.password,
        ca_file: input.ca_file,
    };
    let scopes = tandem
        .add_kea_server(&caller, &name, &input.url, &access)
        .await?;
    Ok(created(
        &format!("/api/v1/servers/{name}"),
        AddedServer {
            name: name.to_string(),
            scopes,
        },
    ))
}

/// Server-level replication: every failover scope of the server, to its partners. Given a
/// preview's `basis` (from `GET` on the same path), only as that preview showed.
#[utoipa::path(post, path = "/servers/{server}/replicate", tag = "servers",
    params(("server" = String, Path, description = "The server whose copies are kept", example = "dhcp1.contoso.com"),
        super::scopes::ReplicateParams),
    responses((status = 200, description = "What became of each scope", body = Vec<ScopeResult>)))]
pub async fn replicate_server(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
    ApiQuery(params): ApiQuery<super::scopes::ReplicateParams>,
) -> ApiResult<Response> {
    let server = super::server_name(&server)?;
    let targets = ReplicationTargets::Server(&server);
    Ok(Json(
        tandem
            .replicate_as_previewed(&caller, targets, params.basis.as_deref())
            .await?,
    )
    .into_response())
}

/// The dry run of a server-level replication: what `POST` on the same path would change on
/// the partners, scope by scope, from a fresh read of every copy. Nothing is written.
#[utoipa::path(get, path = "/servers/{server}/replicate", tag = "servers",
    params(("server" = String, Path, description = "The server whose copies would be kept", example = "dhcp1.contoso.com")),
    responses((status = 200, description = "Each scope's changes (or why it cannot be read), and the basis to replicate them as shown",
        body = ReplicationPreview)))]
pub async fn preview_server_replication(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
) -> ApiResult<Response> {
    let server = super::server_name(&server)?;
    let targets = ReplicationTargets::Server(&server);
    Ok(Json(tandem.preview_replication(&caller, targets).await?).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DriftChecked {
    /// Whether anything changed since the last check.
    changed: bool,
}

/// Reads every server now and compares the copies of each failover scope.
#[utoipa::path(post, path = "/drift/check", tag = "servers",
    responses((status = 200, description = "Checked", body = DriftChecked)))]
pub async fn check_drift(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<DriftChecked>> {
    let changed = tandem.check_drift(&caller).await?;
    Ok(Json(DriftChecked { changed }))
}

/// The Event Catalog's filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Exact user name (or `API token <name>`'s user).
    #[serde(default)]
    actor: String,
    /// Exact action (`create_reservation`, `sign_in`…).
    #[serde(default)]
    action: String,
    /// Any part of the object's description, any case.
    #[serde(default)]
    object: String,
    /// RFC 3339 lower bound, inclusive.
    #[serde(default)]
    from: String,
    /// RFC 3339 upper bound, inclusive.
    #[serde(default)]
    to: String,
    /// 1-based page number.
    #[allow(dead_code)] // described here, read by `list_params`
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    #[allow(dead_code)]
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u32>,
}

impl EventsQuery {
    /// The filters of a query string already checked by [`super::list_params`].
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut q = Self {
            actor: String::new(),
            action: String::new(),
            object: String::new(),
            from: String::new(),
            to: String::new(),
            page: None,
            per_page: None,
        };
        for (name, value) in pairs {
            let field = match name.as_str() {
                "actor" => &mut q.actor,
                "action" => &mut q.action,
                "object" => &mut q.object,
                "from" => &mut q.from,
                "to" => &mut q.to,
                _ => continue,
            };
            *field = value.clone();
        }
        q
    }

    fn filter(&self) -> EventFilter {
        EventFilter {
            actor: self.actor.clone(),
            action: self.action.clone(),
            object: self.object.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// The Event Catalog, newest first, within the caller's access scope: one page, with how
/// many events match.
#[utoipa::path(get, path = "/events", tag = "servers", params(EventsQuery),
    responses((status = 200, description = "One page of events", body = EventsPage,
        headers(("Link" = String, description = "The first, previous, next and last pages (RFC 8288)")))))]
pub async fn events(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    OriginalUri(uri): OriginalUri,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let page = super::list_params::<EventsQuery>(&pairs)?;
    let q = EventsQuery::from_pairs(&pairs);
    let found = tandem.events_page(&caller, &q.filter(), page).await?;
    Ok(super::paged(&uri, &pairs, found.page, found.total, found))
}

/// The last configuration review (run by the drift watch when anything changed, and every
/// few minutes) of every server the caller reaches and of every failover pair as a pair:
/// findings errors first, those dismissed apart, and the servers that could not be read.
#[utoipa::path(get, path = "/review", tag = "servers",
    responses((status = 200, description = "The findings, and the servers that could not be read", body = tandem_core::review::Review)))]
pub async fn review(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Response> {
    Ok(Json(tandem.review(&caller).await?).into_response())
}

/// Reviews every server again now (one run at a time: a request meanwhile shares it).
#[utoipa::path(post, path = "/review", tag = "servers",
    responses((status = 200, description = "The new review", body = tandem_core::review::Review)))]
pub async fn review_now(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Response> {
    Ok(Json(tandem.review_now(&caller).await?).into_response())
}

/// A finding of the last review, by its key.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingKey {
    /// The finding's key: `check|server|object`, as the review gives it.
    #[schema(
        example = "client-reserved-at-two-addresses|dc1.contoso.com|reservation 10.0.0.98 in scope 10.0.0.0"
    )]
    key: String,
}

/// Dismisses a finding for its object: it leaves the counts until restored. Allowed to a role
/// that may change the object (reservations, scopes, relationships or the server itself).
#[utoipa::path(post, path = "/review/dismiss", tag = "servers", request_body = FindingKey,
    responses((status = 204, description = "Dismissed")))]
pub async fn dismiss_finding(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Body(input): Body<FindingKey>,
) -> ApiResult<Response> {
    tandem.dismiss_finding(&caller, &input.key, true).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// Restores a dismissed finding.
#[utoipa::path(post, path = "/review/restore", tag = "servers", request_body = FindingKey,
    responses((status = 204, description = "Restored")))]
pub async fn restore_finding(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Body(input): Body<FindingKey>,
) -> ApiResult<Response> {
    tandem.dismiss_finding(&caller, &input.key, false).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// Undo: applies the inverse of completed change `id` (a reservation created, edited or
/// deleted, a scope edit: on both partners; a scope replication: the partner's copy as it
/// was), recorded as its own event naming `id`. 409 with the current value when the object has
/// changed since, or when the change did not complete or was undone already.
#[utoipa::path(post, path = "/events/{id}/undo", tag = "servers",
    params(("id" = i64, Path, description = "The event to undo", example = 42)),
    responses((status = 200, description = "Undone: where, and what became of it on the partner", body = ChangeOutcome)))]
pub async fn undo_event(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id: i64 = id
        .trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::field("id", format!("{id:?} is not an event ID")))?;
    Ok(Json(tandem.undo_event(&caller, id).await?).into_response())
}

/// The Event Catalog as CSV (the same filters; not paged: every matching event, up to 5000).
#[utoipa::path(get, path = "/events.csv", tag = "servers", params(EventsQuery),
    responses((status = 200, description = "The events as CSV", content_type = "text/csv",
        body = String)))]
pub async fn events_csv(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Response> {
    let text = tandem.export_events(&caller, &q.filter()).await?;
    Ok(csv("tandem-events.csv", text))
}
