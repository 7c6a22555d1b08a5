//! The real router, called directly: pages render server-side with the servers' data, and
//! server functions answer with the typed wire error.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use server::config::ServeConfig;
use server::web::{leptos_options, router};
use tandem_backend::bootstrap;
use tower::ServiceExt;

async fn app() -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let started = bootstrap::start(dir.path(), None).await.unwrap();
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        database_url: None,
        site_root: dir.path().join("site"),
    };
    let router = router(leptos_options(&config), started.tandem.clone());
    // Dropping the handles detaches the built-in servers' tasks: they keep serving.
    drop(started.builtin);
    (dir, router)
}

async fn call(router: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn post_json(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn the_scopes_page_renders_both_seed_servers_in_sync() {
    let (_dir, router) = app().await;
    let (status, html) = call(&router, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    for server in ["dhcp1.contoso.com", "dc1.contoso.com"] {
        assert!(
            html.contains(&format!("data-server=\"{server}\"")),
            "{server}"
        );
    }
    assert_eq!(html.matches("data-drift=\"InSync\"").count(), 2);
    assert!(html.contains("dhcp1.contoso.com-dc1.contoso.com"));
}

#[tokio::test]
async fn a_bad_client_id_is_a_validation_error_naming_the_field() {
    let (_dir, router) = app().await;
    let (status, body) = call(
        &router,
        post_json(
            "/api/create_reservation",
            r#"{"input":{"target":{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"},"reservation":{"ip_address":"10.0.0.100","client_id":"00155DA7660"}}}"#,
        ),
    )
    .await;
    assert!(
        status.is_server_error() || status.is_client_error(),
        "{status}"
    );
    let error: app::error::AppError = serde_json::from_str(&body).unwrap();
    assert!(
        error
            .field("client_id")
            .unwrap()
            .contains("not a MAC address"),
        "{body}"
    );
    assert_eq!(error.field("ip_address"), None);
}

#[tokio::test]
async fn an_unknown_server_is_not_found() {
    let (_dir, router) = app().await;
    let (_, body) = call(
        &router,
        post_json(
            "/api/list_reservations",
            r#"{"target":{"server":"nope.contoso.com","scope_id":"10.0.0.0"}}"#,
        ),
    )
    .await;
    let error: app::error::AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(
        error,
        app::error::AppError::NotFound("server nope.contoso.com".into())
    );
}

#[tokio::test]
async fn a_reservation_created_over_http_is_replicated() {
    let (_dir, router) = app().await;
    let (status, body) = call(
        &router,
        post_json(
            "/api/create_reservation",
            r#"{"input":{"target":{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"},"reservation":{"ip_address":"10.0.0.100","client_id":"00-15-5d-a7-66-02","type":"Dhcp"}}}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains(r#""outcome":"Replicated","partner":"dc1.contoso.com""#),
        "{body}"
    );
    let (_, page) = call(
        &router,
        Request::get("/servers/dc1.contoso.com/scopes/10.0.0.0")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("data-ip=\"10.0.0.100\""),
        "the partner lists it"
    );
    assert!(page.contains("00-15-5d-a7-66-02"));
}
