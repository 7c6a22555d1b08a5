//! The built-in server's native management API (JSON over HTTP on loopback), the seed's
//! PowerShell cmdlets for this server. Nothing done here is replicated.
//!
//! Every call names the server's own loopback address as `Host`, carries the folder's secret
//! (`Authorization: Bearer …`, see [`super::api_secret`]) and sends JSON with `POST` and `PUT`.
//!
//! | call | cmdlet it stands for |
//! |---|---|
//! | `GET /v1/server` | name and whether the service runs |
//! | `POST /v1/service/stop`, `/v1/service/start` | Stop-Service / Start-Service DHCPServer |
//! | `GET /v1/scopes`, `GET /v1/scopes/{id}` | Get-DhcpServerv4Scope |
//! | `PUT /v1/scopes/{id}` | the partner side of Invoke-DhcpServerv4FailoverReplication |
//! | `PUT /v1/scopes/{id}/properties` (optional `If-Match: <properties version>`) | Set-DhcpServerv4Scope (its reservations kept) |
//! | `GET/POST /v1/scopes/{id}/reservations` | Get-/Add-DhcpServerv4Reservation |
//! | `PUT /v1/scopes/{id}/reservations/{ip}` (optional `If-Match: <version>`) | Set-DhcpServerv4Reservation |
//! | `DELETE /v1/scopes/{id}/reservations/{ip}` | Remove-DhcpServerv4Reservation |
//! | `GET/POST /v1/scopes/{id}/leases` | Get-DhcpServerv4Lease (and the failover protocol's lease updates) |
//! | `DELETE /v1/scopes/{id}/leases`, `DELETE /v1/leases/{ip}` | Remove-DhcpServerv4Lease (a scope's, one address) |
//! | `DELETE /v1/scopes/{id}` | Remove-DhcpServerv4Scope |
//! | `GET /v1/failover` | Get-DhcpServerv4Failover |
//! | `POST /v1/failover`, `PUT/DELETE /v1/failover/{name}` | Add-/Set-/Remove-DhcpServerv4Failover (this server's half) |
//! | `POST /v1/failover/{name}/scopes`, `DELETE …/scopes/{id}` | Add-/Remove-DhcpServerv4FailoverScope |
//! | `POST /v1/failover/{name}/partner-down` | Set-DhcpServerv4Failover -PartnerDown |
//! | `POST /v1/failover/{name}/heartbeat` | the failover protocol between partners |

use super::{BuiltinServer, Failure, Lease};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use std::sync::Arc;
use tandem_core::{FieldError, Reservation, Scope, ScopeId, ServerName};

/// The body of every refusal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
    /// With 412: the object as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Reservation>,
}

/// The body of `GET /v1/server`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerInfo {
    pub name: ServerName,
    pub running: bool,
    /// Changes whenever the configuration may have.
    #[serde(default)]
    pub revision: String,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut current = None;
        let (status, error, fields) = match self {
            Failure::Stopped => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the DHCP service is stopped".to_string(),
                vec![],
            ),
            Failure::NotFound(what) => (StatusCode::NOT_FOUND, format!("{what} not found"), vec![]),
            Failure::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errors.to_string(),
                errors.0,
            ),
            Failure::StaleScope(id) => (
                StatusCode::PRECONDITION_FAILED,
                format!("scope {id} changed since it was read"),
                vec![],
            ),
            Failure::Stale(now) => {
                let error = format!("reservation {} changed since it was read", now.ip_address);
                current = Some(*now);
                (StatusCode::PRECONDITION_FAILED, error, vec![])
            }
            Failure::Unauthenticated(why) => (StatusCode::UNAUTHORIZED, why, vec![]),
            Failure::Storage(detail) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("could not save the configuration: {detail}"),
                vec![],
            ),
        };
        (
            status,
            Json(ErrorBody {
                error,
                fields,
                current,
            }),
        )
            .into_response()
    }
}

type Shared = State<Arc<BuiltinServer>>;

/// The version an `If-Match` header names, if any.
fn if_match(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_matches('"').to_string())
}

fn scope_id(raw: &str) -> Result<ScopeId, Failure> {
    ScopeId::parse(raw).map_err(|m| Failure::Invalid(FieldError::new("scope_id", m).into()))
}

/// Who may call: the caller must name this server's own loopback address as `Host` (a page
/// reached by DNS rebinding names another), carry the folder's secret, and send JSON with every
/// `POST` and `PUT` (a plain HTML form cannot).
#[derive(Clone)]
struct Gate {
    host: String,
    bearer: String,
}

async fn gate(
    State(gate): State<Arc<Gate>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::{Method, header};
    let refuse = |status: StatusCode, why: &str| {
        (
            status,
            Json(ErrorBody {
                error: why.to_string(),
                fields: vec![],
                current: None,
            }),
        )
            .into_response()
    };
    let headers = request.headers();
    if headers.get(header::HOST).and_then(|h| h.to_str().ok()) != Some(gate.host.as_str()) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this API answers only at its own loopback address",
        );
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !same_bytes(given, gate.bearer.as_bytes()) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "the API secret is missing or wrong",
        );
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if matches!(*request.method(), Method::POST | Method::PUT) && !json {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send JSON (Content-Type: application/json)",
        );
    }
    next.run(request).await
}

/// Equal, compared in time that does not depend on where they differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The native API of `server`, listening at `addr`, for callers that carry `secret`.
pub fn router(server: Arc<BuiltinServer>, secret: &str, addr: std::net::SocketAddr) -> Router {
    let gate_state = Arc::new(Gate {
        host: addr.to_string(),
        bearer: format!("Bearer {secret}"),
    });
    Router::new()
        .route("/v1/server", get(info))
        .route("/v1/service/stop", post(stop))
        .route("/v1/service/start", post(start))
        .route("/v1/scopes", get(list_scopes))
        .route(
            "/v1/scopes/{id}",
            get(get_scope).put(put_scope).delete(delete_scope),
        )
        .route("/v1/scopes/{id}/properties", put(put_scope_properties))
        .route(
            "/v1/scopes/{id}/reservations",
            get(list_reservations).post(add_reservation),
        )
        .route(
            "/v1/scopes/{id}/reservations/{ip}",
            delete(remove_reservation).put(update_reservation),
        )
        .route(
            "/v1/scopes/{id}/leases",
            get(list_leases).post(add_lease).delete(clear_leases),
        )
        .route("/v1/leases", get(find_leases))
        .route("/v1/leases/{ip}", delete(remove_lease))
        .route("/v1/usage", get(usage))
        .route("/v1/failover", get(failover).post(add_relationship))
        .route(
            "/v1/failover/{name}",
            axum::routing::put(update_relationship).delete(remove_relationship),
        )
        .route("/v1/failover/{name}/scopes", post(add_failover_scope))
        .route(
            "/v1/failover/{name}/scopes/{scope}",
            delete(remove_failover_scope),
        )
        .route("/v1/failover/{name}/heartbeat", post(heartbeat))
        .route("/v1/failover/{name}/partner-down", post(partner_down))
        .with_state(server)
        .layer(axum::middleware::from_fn_with_state(gate_state, gate))
}

async fn info(State(s): Shared) -> Json<ServerInfo> {
    let (name, running, revision) = s.info().await;
    Json(ServerInfo {
        name,
        running,
        revision,
    })
}

async fn stop(State(s): Shared) -> Result<StatusCode, Failure> {
    s.set_running(false).await.map(|_| StatusCode::NO_CONTENT)
}

async fn start(State(s): Shared) -> Result<StatusCode, Failure> {
    s.set_running(true).await.map(|_| StatusCode::NO_CONTENT)
}

async fn list_scopes(State(s): Shared) -> Result<Json<Vec<Scope>>, Failure> {
    s.read(|c| Ok(c.scopes.clone())).await.map(Json)
}

async fn get_scope(State(s): Shared, Path(id): Path<String>) -> Result<Json<Scope>, Failure> {
    let id = scope_id(&id)?;
    s.read(|c| {
        c.scope(id)
            .cloned()
            .ok_or_else(|| Failure::NotFound(format!("scope {id}")))
    })
    .await
    .map(Json)
}

/// The scope a `PUT` to `/v1/scopes/{raw}` carries, refused when the body names another.
fn scope_in_body(raw: &str, scope: &Scope) -> Result<ScopeId, Failure> {
    let id = scope_id(raw)?;
    if scope.id != id {
        return Err(Failure::Invalid(
            FieldError::new(
                "scope_id",
                format!("the body is scope {}, not {id}", scope.id),
            )
            .into(),
        ));
    }
    Ok(id)
}

async fn put_scope(
    State(s): Shared,
    Path(id): Path<String>,
    Json(scope): Json<Scope>,
) -> Result<StatusCode, Failure> {
    scope_in_body(&id, &scope)?;
    s.change(|c| {
        c.put_scope(scope);
        Ok(())
    })
    .await
    .map(|_| StatusCode::NO_CONTENT)
}

async fn put_scope_properties(
    State(s): Shared,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    Json(scope): Json<Scope>,
) -> Result<StatusCode, Failure> {
    let if_match = if_match(&headers);
    scope_in_body(&id, &scope)?;
    s.change(|c| c.put_scope_properties(scope, if_match.as_deref()))
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

async fn list_reservations(
    State(s): Shared,
    Path(id): Path<String>,
) -> Result<Json<Vec<Reservation>>, Failure> {
    let id = scope_id(&id)?;
    s.read(|c| {
        c.scope(id)
            .map(|scope| scope.reservations.clone())
            .ok_or_else(|| Failure::NotFound(format!("scope {id}")))
    })
    .await
    .map(Json)
}

async fn add_reservation(
    State(s): Shared,
    Path(id): Path<String>,
    Json(r): Json<Reservation>,
) -> Result<StatusCode, Failure> {
    let id = scope_id(&id)?;
    s.change(|c| c.add_reservation(id, r))
        .await
        .map(|_| StatusCode::CREATED)
}

async fn update_reservation(
    State(s): Shared,
    Path((id, ip)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    Json(r): Json<Reservation>,
) -> Result<StatusCode, Failure> {
    let id = scope_id(&id)?;
    let ip: Ipv4Addr = tandem_core::parse_ipv4(&ip)
        .map_err(|m| Failure::Invalid(FieldError::new("ip_address", m).into()))?;
    let if_match = if_match(&headers);
    s.change(|c| c.update_reservation(id, ip, r, if_match.as_deref()))
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

async fn remove_reservation(
    State(s): Shared,
    Path((id, ip)): Path<(String, String)>,
) -> Result<StatusCode, Failure> {
    let id = scope_id(&id)?;
    let ip: Ipv4Addr = tandem_core::parse_ipv4(&ip)
        .map_err(|m| Failure::Invalid(FieldError::new("ip_address", m).into()))?;
    s.change(|c| c.remove_reservation(id, ip))
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

async fn list_leases(
    State(s): Shared,
    Path(id): Path<String>,
) -> Result<Json<Vec<Lease>>, Failure> {
    let id = scope_id(&id)?;
    s.read(|c| {
        Ok(c.leases
            .iter()
            .filter(|l| l.scope_id == id)
            .cloned()
            .collect())
    })
    .await
    .map(Json)
}

async fn add_lease(
    State(s): Shared,
    Path(id): Path<String>,
    Json(lease): Json<Lease>,
) -> Result<StatusCode, Failure> {
    let id = scope_id(&id)?;
    if lease.scope_id != id {
        return Err(Failure::Invalid(
            FieldError::new("scope_id", "the lease is for another scope").into(),
        ));
    }
    s.change(|c| c.add_lease(lease))
        .await
        .map(|_| StatusCode::CREATED)
}

/// Deletes every lease of the scope: how many there were.
async fn clear_leases(
    State(s): Shared,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, Failure> {
    let id = scope_id(&id)?;
    let n = s.change(|c| c.clear_leases(id)).await?;
    Ok(Json(serde_json::json!({ "deleted": n })))
}

/// Deletes the lease of one address (404 when there is none).
async fn remove_lease(State(s): Shared, Path(ip): Path<String>) -> Result<StatusCode, Failure> {
    let ip: Ipv4Addr = ip.parse().map_err(|_| {
        Failure::Invalid(FieldError::new("ip_address", "not an IPv4 address").into())
    })?;
    let found = s.change(|c| Ok(c.remove_lease(ip))).await?;
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Failure::NotFound(format!("lease {ip}")))
    }
}

/// Each scope's figures: addresses in use, reserved and free.
async fn usage(
    State(s): Shared,
) -> Result<Json<Vec<(ScopeId, tandem_core::usage::ScopeUsage)>>, Failure> {
    let now = chrono::Utc::now();
    s.read(|c| Ok(c.usage(now))).await.map(Json)
}

#[derive(serde::Deserialize)]
struct LeaseSearch {
    #[serde(default)]
    q: String,
}

/// The leases matching `q`: an IP address, a MAC address or a host name.
async fn find_leases(
    State(s): Shared,
    axum::extract::Query(search): axum::extract::Query<LeaseSearch>,
) -> Result<Json<Vec<tandem_core::usage::LeaseHit>>, Failure> {
    let query = tandem_core::usage::LeaseQuery::parse(&search.q)
        .map_err(|m| Failure::Invalid(FieldError::new("q", m).into()))?;
    let now = chrono::Utc::now();
    s.read(|c| Ok(c.find_leases(&query, now))).await.map(Json)
}

async fn failover(State(s): Shared) -> Result<Json<Vec<tandem_core::FailoverReport>>, Failure> {
    s.failover_reports().await.map(Json)
}

async fn add_relationship(
    State(s): Shared,
    Json(r): Json<super::StoredRelationship>,
) -> Result<StatusCode, Failure> {
    s.change(|c| c.add_relationship(r))
        .await
        .map(|_| StatusCode::CREATED)
}

async fn update_relationship(
    State(s): Shared,
    Path(name): Path<String>,
    Json(r): Json<super::StoredRelationship>,
) -> Result<StatusCode, Failure> {
    if r.relationship.name != name {
        return Err(Failure::Invalid(
            FieldError::new("name", "a relationship cannot be renamed").into(),
        ));
    }
    s.change(|c| c.update_relationship(r))
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

async fn remove_relationship(
    State(s): Shared,
    Path(name): Path<String>,
) -> Result<StatusCode, Failure> {
    s.change(|c| c.remove_relationship(&name))
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct ScopeBody {
    scope_id: ScopeId,
}

async fn add_failover_scope(
    State(s): Shared,
    Path(name): Path<String>,
    Json(body): Json<ScopeBody>,
) -> Result<StatusCode, Failure> {
    s.change(|c| c.add_failover_scope(&name, body.scope_id))
        .await
        .map(|_| StatusCode::CREATED)
}

async fn remove_failover_scope(
    State(s): Shared,
    Path((name, scope)): Path<(String, String)>,
) -> Result<StatusCode, Failure> {
    let scope = scope_id(&scope)?;
    s.change(|c| c.remove_failover_scope(&name, scope))
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

async fn delete_scope(State(s): Shared, Path(id): Path<String>) -> Result<StatusCode, Failure> {
    let id = scope_id(&id)?;
    s.change(|c| c.delete_scope(id))
        .await
        .map(|_| StatusCode::NO_CONTENT)
}

/// A partner's heartbeat: it says its state, this server answers with its own.
async fn heartbeat(
    State(s): Shared,
    Path(name): Path<String>,
    headers: axum::http::HeaderMap,
    Json(partner): Json<tandem_core::FailoverState>,
) -> Result<Json<tandem_core::FailoverState>, Failure> {
    let signature = headers
        .get(super::HEARTBEAT_AUTH)
        .and_then(|v| v.to_str().ok());
    s.partner_heartbeat(&name, partner, signature)
        .await
        .map(Json)
}

async fn partner_down(
    State(s): Shared,
    Path(name): Path<String>,
) -> Result<Json<tandem_core::FailoverState>, Failure> {
    s.set_partner_down(&name).await.map(Json)
}
