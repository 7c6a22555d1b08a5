//! The REST API under `/api/v1`: the same services as the pages (same role checks, access
//! scopes and Event Catalog records, marked with the token that made them), with HTTP's own
//! answers: 201 with `Location` on create, 400 with every field error, 401, 403, 404, 409, 502
//! naming an unreachable server. Every route is described by the OpenAPI document served at
//! `/api/v1/openapi.json`, generated from the handlers' own annotations ([`docs`]).
//!
//! A call is authenticated by `Authorization: Bearer <token>` (an API token, made on the
//! portal's API Tokens page) or by the portal's session cookie (then the same-origin rule
//! applies, as for every cookie call).

mod account;
pub mod docs;
mod failover;
mod global_reservations;
mod leases;
mod pools;
mod reservations;
mod scope_hosts;
mod scopes;
mod servers;

use axum::extract::{Query, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Serialize;
use std::net::Ipv4Addr;
use std::sync::Arc;
use tandem_backend::service::CurrentSession;
use tandem_backend::{Caller, ServiceError, Tandem};
use tandem_core::text::percent_encode;
use tandem_core::views::{MAX_PAGE_SIZE, Page, QueryState};
use tandem_core::{FieldError, FieldErrors, ScopeId, ServerName};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every route with its description. A route is added here, with `routes!`, or nowhere: so
/// the description can never leave one out.
fn described() -> OpenApiRouter<Tandem> {
    OpenApiRouter::with_openapi(docs::base())
        .routes(routes!(account::me))
        .routes(routes!(account::list_tokens, account::create_token))
        .routes(routes!(account::revoke_token))
        .routes(routes!(servers::list_servers, servers::add_server))
        .routes(routes!(servers::get_server))
        .routes(routes!(
            servers::client_classes,
            servers::create_client_class
        ))
        .routes(routes!(
            servers::update_client_class,
            servers::delete_client_class
        ))
        .routes(routes!(
            servers::server_options,
            servers::put_server_options
        ))
        .routes(routes!(
            global_reservations::list,
            global_reservations::create
        ))
        .routes(routes!(
            global_reservations::update,
            global_reservations::delete
        ))
        .routes(routes!(global_reservations::replicate))
        .routes(routes!(
            servers::replicate_server,
            servers::preview_server_replication
        ))
        .routes(routes!(servers::check_drift))
        .routes(routes!(servers::events))
        .routes(routes!(servers::events_csv))
        .routes(routes!(servers::undo_event))
        .routes(routes!(servers::review, servers::review_now))
        .routes(routes!(servers::dismiss_finding))
        .routes(routes!(servers::restore_finding))
        .routes(routes!(scopes::list_scopes))
        .routes(routes!(scopes::scopes_csv))
        .routes(routes!(scopes::create_scope))
        .routes(routes!(
            scopes::get_scope,
            scopes::update_scope,
            scopes::delete_scope
        ))
        .routes(routes!(scopes::differences))
        .routes(routes!(pools::get, pools::put))
        .routes(routes!(scope_hosts::list, scope_hosts::create))
        .routes(routes!(scope_hosts::update, scope_hosts::delete))
        .routes(routes!(
            scopes::replicate_scope,
            scopes::preview_scope_replication
        ))
        .routes(routes!(scopes::replicate_scopes))
        .routes(routes!(scopes::preview_scopes_replication))
        .routes(routes!(scopes::sync_errors))
        .routes(routes!(scopes::clear_sync_error))
        .routes(routes!(
            reservations::list_reservations,
            reservations::create_reservation
        ))
        .routes(routes!(reservations::reservations_csv))
        .routes(routes!(
            reservations::get_reservation,
            reservations::update_reservation,
            reservations::delete_reservation
        ))
        .routes(routes!(reservations::preview_import))
        .routes(routes!(reservations::apply_import))
        .routes(routes!(reservations::search))
        .routes(routes!(reservations::find_leases))
        .routes(routes!(leases::delete_lease))
        .routes(routes!(leases::clear_leases))
        .routes(routes!(reservations::search_csv))
        .routes(routes!(
            failover::list_relationships,
            failover::create_relationship
        ))
        .routes(routes!(
            failover::get_relationship,
            failover::update_relationship
        ))
        .routes(routes!(failover::delete_relationship))
        .routes(routes!(failover::add_scope))
        .routes(routes!(failover::remove_scope))
        .routes(routes!(
            failover::replicate_relationship,
            failover::preview_relationship_replication
        ))
        .routes(routes!(failover::partner_down))
        .routes(routes!(failover::maintenance))
}

/// The OpenAPI description of every route.
pub fn description() -> utoipa::openapi::OpenApi {
    let (_, api) = described().split_for_parts();
    docs::finish(api)
}

/// The description as JSON, as `/api/v1/openapi.json` serves it.
pub fn description_json() -> Arc<str> {
    let mut json = serde_json::to_value(description()).expect("the API description serializes");
    camel_case_links(&mut json);
    json.to_string().into()
}

/// utoipa 5 writes a link's `operationId` and `requestBody` in snake case, which no OpenAPI
/// reader takes: renamed here.
fn camel_case_links(json: &mut serde_json::Value) {
    let Some(paths) = json.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    let links = paths
        .values_mut()
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|op| op.get_mut("responses")?.as_object_mut())
        .flat_map(|responses| responses.values_mut())
        .filter_map(|response| response.get_mut("links")?.as_object_mut())
        .flat_map(|links| links.values_mut())
        .filter_map(|link| link.as_object_mut());
    for link in links {
        for (from, to) in [
            ("operation_id", "operationId"),
            ("request_body", "requestBody"),
        ] {
            if let Some(value) = link.remove(from) {
                link.insert(to.to_string(), value);
            }
        }
    }
}

/// The API's routes, to be nested at `/api/v1`, with `description` at `/openapi.json`.
pub fn router(tandem: Tandem, description: Arc<str>) -> Router {
    let (routes, _) = described().split_for_parts();
    routes
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let json = description.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        json.to_string(),
                    )
                }
            }),
        )
        .fallback(|| async { ApiError::not_found("no such API route") })
        .with_state(tandem)
}

/// An API refusal: its status and a problem details body (RFC 9457,
/// `application/problem+json`).
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Box<Problem>,
    /// On a 412: the `ETag` of the object as it is now (`body.current`).
    etag: Option<String>,
}

/// Every refusal's body: a problem details object (RFC 9457). `type` is `about:blank` (the
/// status says what kind of refusal it is), `title` the status's phrase, `detail` what is
/// wrong in words; Tandem's extension members say which fields, which server, and on a 412
/// the object as it is now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `about:blank`: the status code says what kind of problem this is.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    kind: &'static str,
    /// The HTTP status's phrase (`Bad Request`).
    #[schema(example = "Bad Request")]
    title: &'static str,
    /// The HTTP status code, as the response has it.
    #[schema(example = 400)]
    status: u16,
    /// What is wrong, in words.
    #[schema(example = "invalid input")]
    detail: String,
    /// Each refused field with its reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
    /// On a 412: the object as it is now (its `ETag` is the response's).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    current: Option<serde_json::Value>,
    /// On a DHCP server's failure: which server.
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<String>,
}

/// The media type of every refusal.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl ApiError {
    pub(crate) fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            body: Box::new(Problem {
                kind: "about:blank",
                title: "",
                status: 0,
                detail: detail.into(),
                errors: Vec::new(),
                current: None,
                server: None,
            }),
            etag: None,
        }
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, what)
    }

    pub(crate) fn field(field: &str, message: impl Into<String>) -> Self {
        FieldErrors(vec![FieldError::new(field, message)]).into()
    }

    /// Whether this is a 412: the `If-Match` sent is not the object's version.
    pub(crate) fn is_stale(&self) -> bool {
        self.status == StatusCode::PRECONDITION_FAILED
    }

    /// With the object as it is now, and its version as the `ETag`.
    pub(crate) fn with_current(mut self, version: &str, current: impl Serialize) -> Self {
        self.body.current = serde_json::to_value(current).ok();
        self.etag = Some(version.to_string());
        self
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "invalid input");
        e.body.errors = errors.0;
        e
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        use tandem_backend::driver::DriverError;
        match e {
            ServiceError::Validation(errors) => errors.into(),
            ServiceError::NotFound(what) => Self::not_found(&format!("{what} not found")),
            ServiceError::Conflict { message, current } => {
                let e = Self::new(StatusCode::CONFLICT, message);
                match current {
                    Some(c) => e.with_current(&c.version(), *c),
                    None => e,
                }
            }
            ServiceError::Forbidden(why) => Self::new(StatusCode::FORBIDDEN, why),
            ServiceError::Unauthenticated(why) => Self::new(StatusCode::UNAUTHORIZED, why),
            ServiceError::TooSoon(why) => Self::new(StatusCode::TOO_MANY_REQUESTS, why),
            ServiceError::Driver(d) => {
                let status = match &d {
                    DriverError::Rejected { .. } => StatusCode::BAD_REQUEST,
                    DriverError::NotFound { .. } => StatusCode::NOT_FOUND,
                    DriverError::Stale { .. } => StatusCode::CONFLICT,
                    // A valid request this kind of server cannot carry out (maintenance on the
                    // built-in server): not a gateway failure.
                    DriverError::NotSupported { .. } => StatusCode::CONFLICT,
                    _ => StatusCode::BAD_GATEWAY,
                };
                let server = d.server().to_string();
                let mut e = match d {
                    DriverError::Rejected { errors, .. } => {
                        let mut e: ApiError = errors.into();
                        e.body.detail = format!("{server} refused the change");
                        e
                    }
                    other => Self::new(status, other.to_string()),
                };
                e.body.server = Some(server);
                e
            }
            ServiceError::Internal(why) => {
                tracing::error!(error = %why, "API call failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error (see the log)",
                )
            }
            ServiceError::Database(err) => {
                tracing::error!(error = %err, "API call failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error (see the log)",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        self.body.status = self.status.as_u16();
        self.body.title = self.status.canonical_reason().unwrap_or("Error");
        let mut response = (self.status, Json(self.body)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(value) = self
            .etag
            .and_then(|v| HeaderValue::from_str(&format!("\"{v}\"")).ok())
        {
            response.headers_mut().insert(header::ETAG, value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tandem\""),
            );
        }
        response
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// Who calls: the bearer token's user, or the session's.
pub struct ApiCaller(pub Caller);

impl axum::extract::FromRequestParts<Tandem> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        tandem: &Tandem,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(&parts.headers) {
            let mut caller = tandem.token_caller(&token).await?;
            caller.request_id = crate::forms::request_id(&parts.headers);
            return Ok(Self(caller));
        }
        match parts.extensions.get::<CurrentSession>() {
            Some(session) => Ok(Self(crate::forms::caller(session.clone(), &parts.headers))),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "sign in, or send an API token as Authorization: Bearer <token>",
            )),
        }
    }
}

/// The bearer token a request carries, if any (`Some("")` for a malformed header, refused as
/// an unknown token).
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?;
    let value = value.to_str().unwrap_or_default();
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or_default();
    Some(token.trim().to_string())
}

pub(crate) fn server_name(text: &str) -> ApiResult<ServerName> {
    ServerName::parse(text).map_err(|e| ApiError::field("server", e.to_string()))
}

pub(crate) fn scope_id(text: &str) -> ApiResult<ScopeId> {
    ScopeId::parse(text).map_err(|e| ApiError::field("scope_id", e.to_string()))
}

pub(crate) fn ip(text: &str) -> ApiResult<Ipv4Addr> {
    text.parse()
        .map_err(|_| ApiError::field("ip_address", format!("'{text}' is not an IPv4 address")))
}

/// A JSON body, refused with a 400 that says what is wrong (malformed, unknown field, wrong
/// type) rather than axum's plain-text answer.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                t.split(';')
                    .next()
                    .is_some_and(|t| t.trim() == "application/json")
            });
        if !json_type {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON (Content-Type: application/json)",
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        serde_json::from_slice(&bytes).map(Self).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("the body is not what this call takes: {e}"),
            )
        })
    }
}

/// A CSV body (`text/csv`, or `text/plain`), as bytes: its encoding is judged by the reader,
/// which names what is wrong.
pub struct CsvBody(pub axum::body::Bytes);

impl<S: Send + Sync> axum::extract::FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let csv_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|t| t.split(';').next())
            .is_some_and(|t| matches!(t.trim(), "text/csv" | "text/plain"));
        if !csv_type {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the file as Content-Type: text/csv",
            ));
        }
        axum::body::Bytes::from_request(request, state)
            .await
            .map(Self)
            .map_err(|e| ApiError::new(e.status(), e.body_text()))
    }
}

/// A query string, refused with a JSON 400 that says what is wrong.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| Self(q))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "the query string is not what this call takes: {}",
                        e.body_text()
                    ),
                )
            })
    }
}

pub(crate) fn created(location: &str, body: impl Serialize) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The query string's pairs, read by the views' own parsers (the same names as the pages' URLs).
pub(crate) type Pairs = ApiQuery<Vec<(String, String)>>;

pub(crate) fn query<Q: QueryState>(pairs: &[(String, String)]) -> Q {
    Q::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// Names a list once took for paging, answered with the ones it takes now.
const OLD_PAGING: &[&str] = &[
    "limit",
    "offset",
    "size",
    "page_size",
    "pagesize",
    "per-page",
];

/// Checks a list's query string: every name is one the list takes (`P`'s, as the description
/// has them) — an old paging name (`limit`) is refused naming `page` and `per_page`, any other
/// naming what the list takes — and `page` and `per_page` are whole numbers in range. Returns
/// the page asked for.
pub(crate) fn list_params<P: utoipa::IntoParams>(pairs: &[(String, String)]) -> ApiResult<Page> {
    let taken: Vec<String> = P::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query))
        .into_iter()
        .map(|p| p.name)
        .collect();
    let mut errors = FieldErrors::default();
    let mut page = Page::default();
    for (name, value) in pairs {
        if OLD_PAGING.contains(&name.as_str()) {
            errors.push(
                name,
                "lists page with `page` (1-based) and `per_page` (1 to 500) and say their \
                 `total`; this name is not taken",
            );
        } else if !taken.contains(name) {
            errors.push(
                name,
                format!(
                    "not a parameter of this list, which takes {}",
                    taken.join(", ")
                ),
            );
        } else if name == "page" {
            match value.parse::<u32>() {
                Ok(n) if n >= 1 => page.number = n,
                _ => errors.push(name, format!("'{value}' is not a page number (1, 2, …)")),
            }
        } else if name == "per_page" {
            match value.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => page.size = n,
                _ => errors.push(
                    name,
                    format!("'{value}' is not a page size from 1 to {MAX_PAGE_SIZE}"),
                ),
            }
        }
    }
    errors.into_result()?;
    Ok(page)
}

/// One page of a list as JSON, with `Link` headers (RFC 8288) to the first, previous, next
/// and last pages: the request's own URL with `page` changed.
pub(crate) fn paged(
    uri: &axum::http::Uri,
    pairs: &[(String, String)],
    page: Page,
    total: u64,
    body: impl Serialize,
) -> Response {
    let mut response = Json(body).into_response();
    let last = page.count(total);
    let to = |number: u64| {
        let mut query: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| format!("{}={}", percent_encode(k, ""), percent_encode(v, "")))
            .collect();
        query.push(format!("page={number}"));
        format!("<{}?{}>", uri.path(), query.join("&"))
    };
    let current = u64::from(page.number);
    let mut links = vec![format!("{}; rel=\"first\"", to(1))];
    if current > 1 {
        links.push(format!("{}; rel=\"prev\"", to((current - 1).min(last))));
    }
    if current < last {
        links.push(format!("{}; rel=\"next\"", to(current + 1)));
    }
    links.push(format!("{}; rel=\"last\"", to(last)));
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        response.headers_mut().insert(header::LINK, value);
    }
    response
}

/// `body` with its version as the `ETag`, to be sent back as `If-Match` with a change.
pub(crate) fn with_etag(version: &str, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

impl ApiError {
    /// A refusal of a change guarded by `If-Match`: the version sent is not the current one
    /// (someone changed it meanwhile) is 412 Precondition Failed, with the current value
    /// (RFC 9110); any other refusal as it is.
    pub(crate) fn precondition(e: ServiceError) -> Self {
        use tandem_backend::driver::DriverError;
        let stale = matches!(
            e,
            ServiceError::Conflict { .. } | ServiceError::Driver(DriverError::Stale { .. })
        );
        let mut error = Self::from(e);
        if stale {
            error.status = StatusCode::PRECONDITION_FAILED;
        }
        error
    }
}

/// The version a change was read at, when the request sends one (`If-Match`).
pub(crate) fn optional_if_match(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_string()
        })
        .filter(|v| !v.is_empty())
}

/// The version a change was read at: `If-Match`, required (428 without it).
pub(crate) fn if_match(headers: &HeaderMap) -> ApiResult<String> {
    optional_if_match(headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "send the ETag of what you read as If-Match, so that nobody's change is overwritten",
        )
    })
}

/// `csv` as a download named `file`.
pub(crate) fn csv(file: &str, csv: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        csv,
    )
        .into_response()
}
