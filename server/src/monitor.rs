//! For operators: `/health` for a load balancer, `/metrics` for Prometheus, and the request
//! counts and latencies `/metrics` shows.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tandem_backend::Tandem;

/// `GET /health`: no session needed. 200 when every check passes (the database answers; the
/// drift watch, on whichever instance runs it, is not stale), 503 otherwise; the body says
/// which checks pass, as JSON.
pub async fn health(State(tandem): State<Tandem>) -> Response {
    let health = tandem.health().await;
    let status = if health.ok {
        StatusCode::OK
    } else {
        for check in health.checks.iter().filter(|c| !c.ok) {
            tracing::error!(check = check.name, detail = %check.detail, "health check fails");
        }
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(health)).into_response()
}

/// `GET /metrics` on the portal's address: an API token is needed (any user's).
pub async fn metrics_with_token(
    State(tandem): State<Tandem>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(token) = crate::api::bearer(&headers) else {
        return refused("send an API token as Authorization: Bearer <token>");
    };
    if let Err(e) = tandem.token_caller(&token).await {
        return refused(&e.to_string());
    }
    metrics(State(tandem)).await
}

fn refused(why: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer realm=\"tandem\"")],
        why.to_string(),
    )
        .into_response()
}

/// `GET /metrics`, in the OpenMetrics text format Prometheus reads.
pub async fn metrics(State(tandem): State<Tandem>) -> Response {
    match tandem.estate_gauges().await {
        Ok(estate) => (
            [(header::CONTENT_TYPE, tandem_backend::metrics::CONTENT_TYPE)],
            tandem.metrics().encode(estate),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics: the inventory could not be counted");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer",
            )
                .into_response()
        }
    }
}

/// Where the route a request matched is noted (routing happens inside the layers that count).
#[derive(Clone, Default)]
struct RouteSlot(std::sync::Arc<std::sync::Mutex<Option<String>>>);

/// Counts each request by method, route pattern and status, with its latency. A request no
/// route matched counts under `static` (files) or `unmatched`: the path itself is never a
/// label (it is unbounded).
pub async fn count_requests(
    State(tandem): State<Tandem>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().as_str().to_string();
    let slot = RouteSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    let route = slot.0.lock().expect("route slot").take();
    let route = route.unwrap_or_else(|| {
        if response.status().is_success() {
            "static".into()
        } else {
            "unmatched".into()
        }
    });
    tandem.metrics().request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Notes the matched route's pattern for [`count_requests`] (a route layer: it runs once a
/// route matched).
pub async fn note_route(request: Request, next: Next) -> Response {
    if let (Some(slot), Some(path)) = (
        request.extensions().get::<RouteSlot>(),
        request.extensions().get::<MatchedPath>(),
    ) {
        *slot.0.lock().expect("route slot") = Some(path.as_str().to_string());
    }
    next.run(request).await
}

/// What the separate metrics address serves: `/metrics` and `/health`, without sign-in.
pub fn router(tandem: Tandem) -> axum::Router {
    axum::Router::new()
        .route("/metrics", get(metrics))
        .route("/health", get(health))
        .with_state(tandem)
}
