//! For operators: `/metrics` (a token on the portal's address; what it counts), `/health` (its
//! checks), and the log (no colour codes when redirected; one JSON object per line when asked).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::io::BufRead;
use tandem_backend::Caller;
use tandem_backend::store::sync_errors;
use tower::ServiceExt;

const PASSWORD: &str = "monitor test password";

async fn call(router: &axum::Router, request: Request<Body>) -> (StatusCode, String, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

fn get(path: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path).header("host", "tandem.test");
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    request.body(Body::empty()).unwrap()
}

/// The value of the sample named exactly `series` (name and labels), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_changes_and_the_estate_behind_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let (started, router) = common::started(dir.path(), PASSWORD).await;
    let tandem = started.tandem.clone();
    let admin = Caller::local("test");

    // No token, or a wrong one: refused, saying how to ask.
    let (status, _, body) = call(&router, get("/metrics", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("Authorization: Bearer"), "{body}");
    let (status, _, _) = call(&router, get("/metrics", Some("tdm_not_a_token"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let signed = tandem
        .sign_in("admin", PASSWORD, "127.0.0.1")
        .await
        .unwrap();
    let request = Request::post("/api/v1/tokens")
        .header("host", "tandem.test")
        .header(header::COOKIE, format!("tandem_session={}", signed.token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"name":"prometheus"}"#))
        .unwrap();
    let (status, _, body) = call(&router, request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let made: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = made["token"].as_str().unwrap().to_string();
    // A reservation made through the API: a change, replicated to the partner.
    let request = Request::post("/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/reservations")
        .header("host", "tandem.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"ip_address":"10.0.0.150","client_id":"00-15-5d-a7-66-50","name":"printer"}"#,
        ))
        .unwrap();
    let (status, _, body) = call(&router, request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A sync error open on the shared scope.
    let mut conn = tandem.store().pool().acquire().await.unwrap();
    sync_errors::set(
        &mut conn,
        &sync_errors::SyncError {
            relationship: "dhcp1.contoso.com-dc1.contoso.com".into(),
            scope_id: "10.0.0.0".into(),
            source: "dhcp1.contoso.com".into(),
            partner: "dc1.contoso.com".into(),
            error: "partner unreachable".into(),
            at: tandem_backend::store::now(),
        },
    )
    .await
    .unwrap();
    drop(conn);

    let (status, kind, text) = call(&router, get("/metrics", Some(&token))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    assert!(text.ends_with("# EOF\n"), "{text}");
    let route = "/api/v1/servers/{server}/scopes/{scope}/reservations";
    let expect = [
        (
            format!(r#"tandem_http_requests_total{{method="POST",route="{route}",status="201"}}"#),
            1.0,
        ),
        (
            format!(
                r#"tandem_http_request_duration_seconds_count{{method="POST",route="{route}"}}"#
            ),
            1.0,
        ),
        (
            r#"tandem_http_requests_total{method="GET",route="/metrics",status="401"}"#.into(),
            2.0,
        ),
        (r#"tandem_changes_total{outcome="ok"}"#.into(), 1.0),
        (
            r#"tandem_replications_total{kind="automatic",outcome="ok"}"#.into(),
            1.0,
        ),
        ("tandem_sync_errors_open".into(), 1.0),
        ("tandem_servers_unreachable".into(), 0.0),
        ("tandem_scopes_out_of_sync".into(), 0.0),
        ("tandem_drift_watch_age_seconds".into(), -1.0),
    ];
    for (series, value) in expect {
        assert_eq!(sample(&text, &series), Some(value), "{series} in:\n{text}");
    }
    // The path itself is never a label.
    assert!(!text.contains("10.0.0.0"), "{text}");

    // A drift watch pass is timed, each server's read too, and /health then names it.
    tandem.check_drift(&admin).await.unwrap();
    let (_, _, text) = call(&router, get("/metrics", Some(&token))).await;
    assert_eq!(
        sample(&text, "tandem_drift_pass_duration_seconds_count"),
        Some(1.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"tandem_server_read_duration_seconds_count{server="dc1.contoso.com"}"#
        )
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert!(sample(&text, "tandem_drift_watch_age_seconds").is_some_and(|a| a >= 0.0));
    let watch = tandem.clone();
    tokio::spawn(async move { watch.watch(std::time::Duration::from_secs(1)).await });
    // Once the watch has started here, /health checks it too.
    let mut health = serde_json::Value::Null;
    for _ in 0..50 {
        let (status, kind, body) = call(&router, get("/health", None)).await;
        assert_eq!(
            (status, kind.as_str()),
            (StatusCode::OK, "application/json")
        );
        health = serde_json::from_str(&body).unwrap();
        if health["checks"].as_array().is_some_and(|c| c.len() == 2) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(health["ok"], true, "{health}");
    assert_eq!(health["checks"][1]["name"], "drift_watch", "{health}");
    assert!(
        health["checks"][1]["detail"]
            .as_str()
            .unwrap()
            .contains(tandem.instance()),
        "{health}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_address_serves_metrics_and_health_without_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (started, _) = common::started(dir.path(), PASSWORD).await;
    let router = server::monitor::router(started.tandem.clone());
    let (status, kind, text) = call(&router, get("/metrics", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("application/openmetrics-text"));
    assert_eq!(sample(&text, "tandem_sync_errors_open"), Some(0.0));
    let (status, _, _) = call(&router, get("/health", None)).await;
    assert_eq!(status, StatusCode::OK);
    // Nothing else is there.
    let (status, _, _) = call(&router, get("/api/v1/servers", None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Starts `tandem` with its log going to a pipe; returns the first lines it writes.
fn log_lines(extra: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["--addr", "127.0.0.1:0", "--admin-password", PASSWORD])
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--site-root")
        .arg(dir.path().join("site"))
        .args(extra)
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let serving = line.contains("Tandem is serving");
        lines.push(line);
        if serving && lines.iter().filter(|l| l.contains("serving")).count() >= 2 {
            break;
        }
        if lines.len() > 200 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    lines
}

#[test]
fn a_redirected_log_has_no_colour_codes_and_json_is_one_object_per_line() {
    let text = log_lines(&[]);
    assert!(text.iter().any(|l| l.contains("INFO")), "{text:?}");
    assert!(!text.iter().any(|l| l.contains('\u{1b}')), "{text:?}");

    let json = log_lines(&["--log-format", "json"]);
    let objects: Vec<serde_json::Value> = json
        .iter()
        // The first-run banner and "serving on" are printed for people, not logged.
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert!(objects.len() >= 2, "{json:?}");
    assert!(
        objects
            .iter()
            .any(|o| o["level"] == "INFO" && o["message"].as_str().is_some()),
        "{json:?}"
    );
    assert!(!json.iter().any(|l| l.contains('\u{1b}')));
}
