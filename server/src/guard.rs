//! The guards every request passes: a session for everything but sign-in, health and static
//! files; an Origin check on state-changing requests (CSRF); security headers.

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
        "/sign-in" | "/api/sign_in" | "/health" | "/tandem.css" | "/favicon.svg"
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
        None => unauthenticated(&request),
    }
}

/// Refuses a state-changing request that a browser sent from another site. Requests from
/// non-browser clients (no Origin, no Sec-Fetch-Site) pass: they still need a session.
pub async fn same_origin(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
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
