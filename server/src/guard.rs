//! The guards every request passes: a session for everything but sign-in, health, metrics (its
//! own token) and static files; an Origin check on state-changing requests (CSRF); security headers.

use app::api::ssr::session_token;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tandem_backend::Tandem;
use tandem_backend::service::CurrentSession;

/// Paths reachable without signing in.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/sign-in" | "/api/sign_in" | "/health" | "/metrics" | "/favicon.svg"
    ) || path.starts_with("/pkg/")
}

fn unauthenticated(request: &Request) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") || path.ends_with(".csv") {
        let body = serde_json::json!({ "Unauthenticated": "sign in first" }).to_string();
        (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    } else {
        let target = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        Redirect::to(&format!(
            "/sign-in?next={}",
            tandem_core::text::percent_encode(target, "/")
        ))
        .into_response()
    }
}

/// Resolves the session cookie; without a live session only public paths are served.
pub async fn require_session(
    State(tandem): State<Tandem>,
    mut request: Request,
    next: Next,
) -> Response {
    let session = match session_token(request.headers()) {
        Some(token) => match tandem.session(&token).await {
            Ok(Some(principal)) => Some(CurrentSession { principal, token }),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        },
        None => None,
    };
    match session {
        Some(session) => {
            request.extensions_mut().insert(session);
            next.run(request).await
        }
        None if is_public(request.uri().path()) => next.run(request).await,
        // The REST API answers for itself (a bearer token, else 401 in its own words).
        None if request.uri().path().starts_with("/api/v1/") => next.run(request).await,
        None => unauthenticated(&request),
    }
}

/// Refuses a state-changing request that a browser sent from another site. Requests from
/// non-browser clients (no Origin, no Sec-Fetch-Site) pass: they still need a session.
pub async fn same_origin(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || crate::api::bearer(request.headers()).is_some()
    {
        // A bearer token is never sent by a browser on its own: no cross-site forgery.
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let cross_site = match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) => {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest);
            origin_host.is_none() || origin_host != host
        }
        None => headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|site| !matches!(site, "same-origin" | "none")),
    };
    if cross_site {
        tracing::warn!(origin = ?headers.get(header::ORIGIN), ?host, "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            Body::from("cross-site request refused"),
        )
            .into_response();
    }
    next.run(request).await
}

/// The security headers every response carries (set where a handler has not). Pages set a
/// CSP of their own with the script nonce; this strict one covers everything else.
pub fn security_headers() -> [(header::HeaderName, HeaderValue); 4] {
    [
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ),
    ]
}

/// A request ID the client sent is kept (to follow a request through a proxy) only when it is
/// short and plain: at most 64 letters, digits, `-`, `_` or `.`. Otherwise it is dropped, and
/// the request gets one of Tandem's own; nothing a client sends reaches the log unchecked.
pub async fn sane_request_id(mut request: Request, next: Next) -> Response {
    let plain = |v: &axum::http::HeaderValue| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    };
    let headers = request.headers_mut();
    let ids: Vec<_> = headers.get_all("x-request-id").iter().collect();
    if ids.len() > 1 || ids.first().is_some_and(|v| !plain(v)) {
        headers.remove("x-request-id");
    }
    next.run(request).await
}

/// A request that may change something runs to its end even if the client goes away: hyper
/// drops a handler's future when the connection closes, which would cut a change in half (the
/// server written, the partner not, the record still pending). Such requests run on a task of
/// their own, which the connection closing does not cancel. Reads stay as they are.
pub async fn run_to_the_end(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "a request's task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A server function's refusal answers with its own status (400 for bad input, 403, 404,
/// 409…) rather than the 500 server functions answer every error with, so that proxies, logs
/// and `/metrics` count refusals as the client's errors. The body stays as it is (the typed
/// error the page's code reads).
pub async fn refusal_status(request: Request, next: Next) -> Response {
    const SERVER_FN_ERROR: &str = "serverfnerror";
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // A server function's error is a JSON document already whole in memory.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(refusal) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = StatusCode::from_u16(refusal.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The reverse proxies whose `X-Forwarded-For` Tandem believes (`--trusted-proxies`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(std::sync::Arc<Vec<std::net::IpAddr>>);

impl TrustedProxies {
    pub fn new(proxies: Vec<std::net::IpAddr>) -> Self {
        Self(std::sync::Arc::new(proxies))
    }

    /// The client of a request from `peer`: the peer itself, unless it is a trusted proxy;
    /// then `X-Forwarded-For` is read from the right, past every trusted proxy, to the first
    /// address that is not one (a malformed entry stops the walk at the last good hop).
    pub fn client(
        &self,
        peer: std::net::IpAddr,
        headers: &axum::http::HeaderMap,
    ) -> std::net::IpAddr {
        let mut client = peer;
        if !self.0.contains(&client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<std::net::IpAddr>() else {
                break;
            };
            client = ip;
            if !self.0.contains(&ip) {
                break;
            }
        }
        client
    }
}

/// Records who the client is ([`app::api::ssr::ClientAddress`]) for sign-in throttling and
/// the Event Catalog: the connection's peer, or what a trusted proxy forwarded.
pub async fn client_address(
    axum::extract::State(proxies): axum::extract::State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let address = peer.map_or_else(
        || "unknown".to_string(),
        |peer| proxies.client(peer, request.headers()).to_string(),
    );
    request
        .extensions_mut()
        .insert(app::api::ssr::ClientAddress(address));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;
    use axum::http::HeaderMap;

    fn client(proxies: &[&str], peer: &str, forwarded: &[&str]) -> String {
        let proxies = TrustedProxies::new(proxies.iter().map(|p| p.parse().unwrap()).collect());
        let mut headers = HeaderMap::new();
        for f in forwarded {
            headers.append("x-forwarded-for", f.parse().unwrap());
        }
        proxies.client(peer.parse().unwrap(), &headers).to_string()
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_forwarded_it() {
        // No trusted proxy: the header is anyone's to write.
        assert_eq!(client(&[], "192.0.2.1", &["198.51.100.1"]), "192.0.2.1");
        // From a trusted proxy: the last hop it did not add itself.
        assert_eq!(
            client(&["10.0.0.1"], "10.0.0.1", &["203.0.113.5, 198.51.100.1"]),
            "198.51.100.1"
        );
        // Past a chain of trusted proxies, in one header or several.
        assert_eq!(
            client(
                &["10.0.0.1", "10.0.0.2"],
                "10.0.0.1",
                &["203.0.113.5", "198.51.100.1, 10.0.0.2"]
            ),
            "198.51.100.1"
        );
        // A client that writes its own header gets only its own address believed.
        assert_eq!(
            client(&["10.0.0.1"], "10.0.0.1", &["1.1.1.1, 198.51.100.1"]),
            "198.51.100.1"
        );
        // A malformed hop stops the walk: the proxy's address stands.
        assert_eq!(
            client(&["10.0.0.1"], "10.0.0.1", &["not-an-address"]),
            "10.0.0.1"
        );
        // No header from a trusted proxy: the proxy itself.
        assert_eq!(client(&["10.0.0.1"], "10.0.0.1", &[]), "10.0.0.1");
    }
}
