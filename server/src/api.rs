//! The REST API under `/api/v1`: the same services as the pages (same role checks, access
//! scopes and Event Catalog records, marked with the token that made them), with HTTP's own
//! answers: 201 with `Location` on create, 400 with every field error, 401, 403, 404, 409, 502
//! naming an unreachable server.
//!
//! A call is authenticated by `Authorization: Bearer <token>` (an API token, made on the
//! portal's API Tokens page) or by the portal's session cookie (then the same-origin rule
//! applies, as for every cookie call).

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use tandem_backend::service::CurrentSession;
use tandem_backend::store::tokens::TokenRecord;
use tandem_backend::{Caller, ServiceError, Tandem};
use tandem_core::views::{QueryState, ReservationQuery, ServerQuery};
use tandem_core::{FieldError, FieldErrors, ScopeId, ServerName};

/// The API's routes, to be nested at `/api/v1`.
pub fn router(tandem: Tandem) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
        .route("/servers", get(list_servers))
        .route(
            "/servers/{server}/scopes/{scope}/reservations",
            get(list_reservations).post(create_reservation),
        )
        .route(
            "/servers/{server}/scopes/{scope}/reservations/{ip}",
            get(get_reservation)
                .put(update_reservation)
                .delete(delete_reservation),
        )
        .route("/servers/{server}/replicate", post(replicate_server))
        .route("/scopes", get(list_scopes))
        .route("/scopes.csv", get(scopes_csv))
        .route(
            "/servers/{server}/scopes/{scope}/reservations.csv",
            get(reservations_csv),
        )
        .route("/servers/{server}/scopes/{scope}", get(get_scope))
        .route(
            "/servers/{server}/scopes/{scope}/replicate",
            post(replicate_scope),
        )
        .route("/relationships", get(list_relationships))
        .route(
            "/servers/{server}/relationships/{name}/replicate",
            post(replicate_relationship),
        )
        .route(
            "/servers/{server}/relationships/{name}/partner-down",
            post(partner_down),
        )
        .route(
            "/relationships/{name}/scopes/{scope}/sync-error",
            delete(clear_sync_error),
        )
        .route("/drift/check", post(check_drift))
        .route("/search", get(search))
        .route("/events", get(events))
        .fallback(|| async { ApiError::not_found("no such API route") })
        .with_state(tandem)
}

/// An API refusal: its status and a JSON body `{"error": …, "fields": […]}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

#[derive(Debug, Serialize)]
struct ErrorBody {
    error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldError>,
    /// On a version conflict: the object as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<serde_json::Value>,
    /// On a DHCP server's failure: which server.
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: error.into(),
                fields: Vec::new(),
                current: None,
                server: None,
            },
        }
    }

    fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, what)
    }

    fn field(field: &str, message: impl Into<String>) -> Self {
        FieldErrors(vec![FieldError::new(field, message)]).into()
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "invalid input");
        e.body.fields = errors.0;
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
                let mut e = Self::new(StatusCode::CONFLICT, message);
                e.body.current = current.and_then(|c| serde_json::to_value(*c).ok());
                e
            }
            ServiceError::Forbidden(why) => Self::new(StatusCode::FORBIDDEN, why),
            ServiceError::Unauthenticated(why) => Self::new(StatusCode::UNAUTHORIZED, why),
            ServiceError::TooSoon(why) => Self::new(StatusCode::TOO_MANY_REQUESTS, why),
            ServiceError::Driver(d) => {
                let status = match &d {
                    DriverError::Rejected { .. } => StatusCode::BAD_REQUEST,
                    DriverError::NotFound { .. } => StatusCode::NOT_FOUND,
                    DriverError::Stale { .. } => StatusCode::CONFLICT,
                    _ => StatusCode::BAD_GATEWAY,
                };
                let server = d.server().to_string();
                let mut e = match d {
                    DriverError::Rejected { errors, .. } => {
                        let mut e: ApiError = errors.into();
                        e.body.error = format!("{server} refused the change");
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
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tandem\""),
            );
        }
        response
    }
}

type ApiResult<T> = Result<T, ApiError>;

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

fn server_name(text: &str) -> ApiResult<ServerName> {
    ServerName::parse(text).map_err(|e| ApiError::field("server", e.to_string()))
}

fn scope_id(text: &str) -> ApiResult<ScopeId> {
    ScopeId::parse(text).map_err(|e| ApiError::field("scope_id", e.to_string()))
}

fn ip(text: &str) -> ApiResult<Ipv4Addr> {
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

/// Who the call acts for.
#[derive(Debug, Serialize)]
struct Me {
    username: String,
    role: String,
    /// The access scope: `null` for every server.
    servers: Option<Vec<String>>,
    via: Option<String>,
}

async fn me(ApiCaller(caller): ApiCaller) -> Json<Me> {
    let p = &caller.principal;
    Json(Me {
        username: p.username.clone(),
        role: format!("{:?}", p.role),
        servers: p
            .servers
            .as_ref()
            .map(|s| s.iter().map(ToString::to_string).collect()),
        via: caller.via.clone(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokensQuery {
    #[serde(default)]
    all: bool,
}

async fn list_tokens(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<TokensQuery>,
) -> ApiResult<Json<Vec<TokenRecord>>> {
    Ok(Json(tandem.list_tokens(&caller, q.all).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTokenBody {
    name: String,
    #[serde(default)]
    expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize)]
struct CreatedToken {
    /// Shown this once: keep it.
    token: String,
    #[serde(flatten)]
    record: TokenRecord,
}

async fn create_token(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Body(body): Body<NewTokenBody>,
) -> ApiResult<Response> {
    let made = tandem
        .create_token(&caller, &body.name, body.expires_in_days)
        .await?;
    let location = format!("/api/v1/tokens/{}", made.record.id);
    Ok(created(
        &location,
        CreatedToken {
            token: made.token,
            record: made.record,
        },
    ))
}

async fn revoke_token(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<TokenRecord>> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::not_found(&format!("token {id} not found")))?;
    Ok(Json(tandem.revoke_token(&caller, id).await?))
}

fn created(location: &str, body: impl Serialize) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The query string's pairs, read by the views' own parsers (the same names as the pages' URLs).
type Pairs = ApiQuery<Vec<(String, String)>>;

fn query<Q: QueryState>(pairs: &[(String, String)]) -> Q {
    Q::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

async fn list_servers(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let q: ServerQuery = query(&pairs);
    Ok(Json(tandem.list_servers(&caller, &q).await?).into_response())
}

async fn list_reservations(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    let q: ReservationQuery = query(&pairs);
    let view = tandem
        .list_reservations(&caller, &server, scope, &q)
        .await?;
    Ok(Json(view).into_response())
}

async fn get_reservation(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, address)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let (server, scope, address) = (server_name(&server)?, scope_id(&scope)?, ip(&address)?);
    let q = ReservationQuery {
        filter: Some(address.to_string()),
        ..ReservationQuery::default()
    };
    let view = tandem
        .list_reservations(&caller, &server, scope, &q)
        .await?;
    let found = view
        .reservations
        .into_iter()
        .find(|r| r.ip_address == address)
        .ok_or_else(|| {
            ApiError::not_found(&format!(
                "reservation {address} in scope {scope} on {server} not found"
            ))
        })?;
    Ok(with_etag(&found.version(), Json(found)))
}

async fn create_reservation(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    Body(input): Body<tandem_core::validate::NewReservation>,
) -> ApiResult<Response> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    let outcome = tandem
        .create_reservation(&caller, &server, scope, &input)
        .await?;
    let location = format!(
        "/api/v1/servers/{server}/scopes/{scope}/reservations/{}",
        input.ip_address.trim()
    );
    Ok(created(&location, outcome))
}

async fn delete_reservation(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, address)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let (server, scope, address) = (server_name(&server)?, scope_id(&scope)?, ip(&address)?);
    let outcome = tandem
        .delete_reservation(&caller, &server, scope, address)
        .await?;
    Ok(Json(outcome).into_response())
}

/// `body` with its version as the `ETag`, to be sent back as `If-Match` with a change.
fn with_etag(version: &str, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The version a change was read at: `If-Match`, required (428 without it).
fn if_match(headers: &HeaderMap) -> ApiResult<String> {
    let value = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_string()
        })
        .filter(|v| !v.is_empty());
    value.ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "send the ETag of what you read as If-Match, so that nobody's change is overwritten",
        )
    })
}

async fn update_reservation(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, address)): Path<(String, String, String)>,
    headers: HeaderMap,
    Body(input): Body<tandem_core::validate::NewReservation>,
) -> ApiResult<Response> {
    let (server, scope, address) = (server_name(&server)?, scope_id(&scope)?, ip(&address)?);
    let version = if_match(&headers)?;
    let outcome = tandem
        .edit_reservation(&caller, &server, scope, address, &version, &input)
        .await?;
    Ok(Json(outcome).into_response())
}

async fn list_scopes(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let q: tandem_core::views::ScopeQuery = query(&pairs);
    Ok(Json(tandem.list_scopes(&caller, &q).await?).into_response())
}

async fn get_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    let found = tandem.get_scope(&caller, &server, scope).await?;
    Ok(with_etag(&found.version(), Json(found)))
}

async fn replicate_scope(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    Ok(Json(tandem.replicate_scope(&caller, &server, scope).await?).into_response())
}

async fn replicate_server(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
) -> ApiResult<Response> {
    let server = server_name(&server)?;
    Ok(Json(tandem.replicate_server(&caller, &server).await?).into_response())
}

async fn list_relationships(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Response> {
    Ok(Json(tandem.list_relationships(&caller).await?).into_response())
}

async fn replicate_relationship(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let server = server_name(&server)?;
    let results = tandem
        .replicate_relationship(&caller, &server, &name)
        .await?;
    Ok(Json(results).into_response())
}

async fn partner_down(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let server = server_name(&server)?;
    Ok(Json(tandem.set_partner_down(&caller, &server, &name).await?).into_response())
}

async fn clear_sync_error(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((name, scope)): Path<(String, String)>,
) -> ApiResult<Response> {
    let scope = scope_id(&scope)?;
    let cleared = tandem.clear_sync_error(&caller, &name, scope).await?;
    Ok(Json(serde_json::json!({ "cleared": cleared })).into_response())
}

async fn check_drift(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Response> {
    let changed = tandem.check_drift(&caller).await?;
    Ok(Json(serde_json::json!({ "changed": changed })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: String,
}

async fn search(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Response> {
    Ok(Json(tandem.search_reservations(&caller, &q.q).await?).into_response())
}

#[derive(Debug, Deserialize)]
struct EventsQuery {
    #[serde(flatten)]
    filter: tandem_backend::store::events::EventFilter,
    limit: Option<i64>,
}

async fn events(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Response> {
    let limit = q
        .limit
        .unwrap_or(100)
        .clamp(1, tandem_backend::service::EVENT_LIMIT);
    Ok(Json(tandem.search_events(&caller, &q.filter, limit).await?).into_response())
}

/// `csv` as a download named `file`.
fn csv(file: &str, csv: String) -> Response {
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

async fn scopes_csv(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let q: tandem_core::views::ScopeQuery = query(&pairs);
    Ok(csv(
        "tandem-scopes.csv",
        tandem.export_scopes(&caller, &q).await?,
    ))
}

async fn reservations_csv(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    let q: ReservationQuery = query(&pairs);
    let text = tandem
        .export_reservations(&caller, &server, scope, &q)
        .await?;
    Ok(csv(&format!("{server}-{scope}-reservations.csv"), text))
}
