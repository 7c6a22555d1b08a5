//! The real router, called directly: the session guard, the same-origin guard, security
//! headers, server functions with the typed wire error, and pages rendered with the servers'
//! data. They run on a multi-threaded runtime, as the real server does: several Leptos
//! renderers on separate current-thread runtimes in one process stalled now and then. And one
//! at a time: two tests rendering at once on their own runtimes hung now and then (2 runs in 15
//! to 4 in 20, a different test each time; none in 20 runs one at a time).

use app::api::ssr::CookiePolicy;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use server::config::ServeConfig;
use server::web::{leptos_options, router};
use tandem_backend::bootstrap;
use tower::ServiceExt;

const PASSWORD: &str = "router test password";

/// Held by each test for its whole run (see the module's comment).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct App {
    _dir: tempfile::TempDir,
    router: axum::Router,
    tandem: tandem_backend::Tandem,
    /// The built-in servers, serving for the test's whole run.
    builtin: Vec<tandem_backend::builtin::host::Running>,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn app_with(cookies: CookiePolicy) -> App {
    let dir = tempfile::tempdir().unwrap();
    let started = bootstrap::start(dir.path(), None).await.unwrap();
    started.tandem.ensure_admin(Some(PASSWORD)).await.unwrap();
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        database_url: None,
        site_root: dir.path().join("site"),
        admin_password: None,
        secure_cookies: cookies.secure,
        session_idle_minutes: 30,
        retention_days: 365,
        trusted_proxies: Vec::new(),
        drift_interval_secs: 30,
        failover_heartbeat_ms: 1000,
        failover_timeout_ms: 3000,
        metrics_addr: None,
        log_format: server::config::LogFormat::Text,
        builtin: server::config::Builtin::Host,
        instance_name: None,
    };
    let router = router(
        leptos_options(&config),
        started.tandem.clone(),
        cookies,
        server::guard::TrustedProxies::new(vec!["127.0.0.1".parse().unwrap()]),
    );
    App {
        _dir: dir,
        router,
        tandem: started.tandem,
        builtin: started.builtin,
    }
}

async fn app() -> App {
    app_with(CookiePolicy { secure: false }).await
}

impl App {
    async fn call(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// Signs in as the administrator; returns the cookie to send.
    async fn sign_in(&self) -> String {
        self.sign_in_as("admin").await
    }

    /// Signs in as `username` (with the tests' password); returns the cookie to send.
    async fn sign_in_as(&self, username: &str) -> String {
        let reply = self
            .call(post_json(
                "/api/sign_in",
                &format!(
                    r#"{{"credentials":{{"username":"{username}","password":"{PASSWORD}"}}}}"#
                ),
                None,
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let set_cookie = reply.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_string();
        set_cookie.split(';').next().unwrap().to_string()
    }
}

fn post_json(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header("content-type", "application/json")
        .header("host", "tandem.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path).header("host", "tandem.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_pages_redirect_to_sign_in_and_calls_are_refused() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let page = app
        .call(get("/servers/dc1.contoso.com/scopes/10.0.0.0", None))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers[header::LOCATION],
        "/sign-in?next=/servers/dc1.contoso.com/scopes/10.0.0.0"
    );
    let call = app.call(post_json("/api/list_scopes", "", None)).await;
    assert_eq!(call.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.call(get("/events.csv", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call(get("/api/live", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let health = app.call(get("/health", None)).await;
    assert_eq!(health.status, StatusCode::OK);
    let checks: serde_json::Value = serde_json::from_str(&health.body).unwrap();
    assert_eq!(checks["ok"], true);
    assert_eq!(checks["checks"][0]["name"], "database");
    assert_eq!(app.call(get("/sign-in", None)).await.status, StatusCode::OK);
    let forged = app
        .call(get("/", Some("tandem_session=0123456789abcdef")))
        .await;
    assert_eq!(forged.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sets_a_fresh_http_only_strict_cookie_each_time() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let first = app.sign_in().await;
    let second = app.sign_in().await;
    assert_ne!(first, second, "a new session at each sign-in");
    let reply = app
        .call(post_json(
            "/api/sign_in",
            &format!(r#"{{"credentials":{{"username":"admin","password":"{PASSWORD}"}}}}"#),
            None,
        ))
        .await;
    let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let wrong = app
        .call(post_json(
            "/api/sign_in",
            r#"{"credentials":{"username":"admin","password":"wrong"}}"#,
            None,
        ))
        .await;
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());
    assert!(wrong.body.contains("Unauthenticated"), "{}", wrong.body);

    let secure = app_with(CookiePolicy { secure: true }).await;
    let reply = secure
        .call(post_json(
            "/api/sign_in",
            &format!(r#"{{"credentials":{{"username":"admin","password":"{PASSWORD}"}}}}"#),
            None,
        ))
        .await;
    assert!(
        reply.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_session() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    assert_eq!(
        app.call(get("/", Some(&cookie))).await.status,
        StatusCode::OK
    );
    let out = app
        .call(post_json("/api/sign_out", "", Some(&cookie)))
        .await;
    assert!(
        out.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        app.call(get("/", Some(&cookie))).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let body = r#"{"input":{"target":{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"},"reservation":{"ip_address":"10.0.0.100","client_id":"00155DA76602"}}}"#;
    let mut forged = post_json("/api/create_reservation", body, Some(&cookie));
    forged
        .headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    assert_eq!(app.call(forged).await.status, StatusCode::FORBIDDEN);
    let mut sneaky = post_json("/api/create_reservation", body, Some(&cookie));
    sneaky
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(app.call(sneaky).await.status, StatusCode::FORBIDDEN);
    let page = app
        .call(get(
            "/servers/dhcp1.contoso.com/scopes/10.0.0.0",
            Some(&cookie),
        ))
        .await;
    assert!(!page.body.contains("data-ip=\"10.0.0.100\""));
    // The same request from the portal's own origin goes through.
    let mut own = post_json("/api/create_reservation", body, Some(&cookie));
    own.headers_mut()
        .insert(header::ORIGIN, "http://tandem.test".parse().unwrap());
    assert_eq!(app.call(own).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_a_nonce_csp() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let page = app.call(get("/", Some(&cookie))).await;
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce");
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "the inline script carries it"
    );
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(page.headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(page.headers[header::REFERRER_POLICY], "same-origin");
    let api = app
        .call(post_json("/api/list_scopes", "", Some(&cookie)))
        .await;
    assert_eq!(
        api.headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scopes_page_renders_both_seed_servers_in_sync() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let page = app.call(get("/scopes", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    for server in ["dhcp1.contoso.com", "dc1.contoso.com"] {
        assert!(
            page.body.contains(&format!("data-server=\"{server}\"")),
            "{server}"
        );
    }
    assert_eq!(page.body.matches("data-drift=\"InSync\"").count(), 2);
    assert!(page.body.contains("dhcp1.contoso.com-dc1.contoso.com"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_client_id_is_a_validation_error_naming_the_field() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let reply = app
        .call(post_json(
            "/api/create_reservation",
            r#"{"input":{"target":{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"},"reservation":{"ip_address":"10.0.0.100","client_id":"00155DA7660"}}}"#,
            Some(&cookie),
        ))
        .await;
    assert!(!reply.status.is_success(), "{}", reply.status);
    let error: app::error::AppError = serde_json::from_str(&reply.body).unwrap();
    assert!(
        error
            .field("client_id")
            .unwrap()
            .contains("not a MAC address"),
        "{}",
        reply.body
    );
    assert_eq!(error.field("ip_address"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_server_is_not_found() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let reply = app
        .call(post_json(
            "/api/list_reservations",
            r#"{"target":{"server":"nope.contoso.com","scope_id":"10.0.0.0"}}"#,
            Some(&cookie),
        ))
        .await;
    let error: app::error::AppError = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        error,
        app::error::AppError::NotFound("server nope.contoso.com".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reservation_created_over_http_is_replicated_and_exported() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let reply = app
        .call(post_json(
            "/api/create_reservation",
            r#"{"input":{"target":{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"},"reservation":{"ip_address":"10.0.0.100","client_id":"00-15-5d-a7-66-02","type":"Dhcp"}}}"#,
            Some(&cookie),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply
            .body
            .contains(r#""outcome":"Replicated","partner":"dc1.contoso.com""#),
        "{}",
        reply.body
    );
    let page = app
        .call(get(
            "/servers/dc1.contoso.com/scopes/10.0.0.0",
            Some(&cookie),
        ))
        .await;
    assert!(
        page.body.contains("data-ip=\"10.0.0.100\""),
        "the partner lists it"
    );
    assert!(page.body.contains("00-15-5d-a7-66-02"));
    let csv = app
        .call(get("/events.csv?action=create_reservation", Some(&cookie)))
        .await;
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
    assert!(csv.body.contains("admin,create_reservation,reservation"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_rendered_by_the_server_follow_the_role_and_escape_what_was_typed() {
    use tandem_backend::Caller;
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let admin = Caller::local("router-test");
    let input = tandem_backend::service::UserInput {
        username: "reader".into(),
        display_name: String::new(),
        role: "User".into(),
        servers: String::new(),
        disabled: false,
    };
    app.tandem
        .create_user(&admin, &input, PASSWORD)
        .await
        .unwrap();
    let cookie = app.sign_in().await;
    let hostile = r#"<img src=x onerror=alert(1)>"#;
    let reply = app
        .call(post_json(
            "/api/create_reservation",
            &format!(
                r#"{{"input":{{"target":{{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"}},"reservation":{{"ip_address":"10.0.0.100","client_id":"00-15-5d-a7-66-02","name":"{}","description":"a \"quoted\" & <b>bold</b>"}}}}}}"#,
                hostile.replace('"', "\\\"")
            ),
            Some(&cookie),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let properties = |cookie: String| {
        let app = &app;
        async move {
            let reply = app
                .call(post_json(
                    "/api/properties_page",
                    r#"{"target":{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"}}"#,
                    Some(&cookie),
                ))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            serde_json::from_str::<app::api::reservations::PropertiesView>(&reply.body).unwrap()
        }
    };
    let scopes = |cookie: String| {
        let app = &app;
        async move {
            let reply = app
                .call(post_json("/api/scope_list", "{}", Some(&cookie)))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            serde_json::from_str::<String>(&reply.body).unwrap()
        }
    };

    // What was typed is text in the HTML, never markup.
    let page = properties(cookie.clone()).await;
    assert!(
        page.list_html.contains("data-ip=\"10.0.0.100\""),
        "{}",
        page.list_html
    );
    assert!(!page.list_html.contains("<img"), "{}", page.list_html);
    assert!(!page.list_html.contains("<b>"), "{}", page.list_html);
    assert!(
        page.list_html
            .contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        page.list_html
    );
    assert!(
        page.list_html.contains("&amp; &lt;b&gt;bold&lt;/b&gt;"),
        "{}",
        page.list_html
    );
    assert!(page.reservations.iter().any(|r| r.name == hostile));
    assert_eq!(page.scope.scope_id, "10.0.0.0");
    // The administrator's rows carry Edit and Delete; the scopes list, Replicate and failover.
    assert!(page.list_html.contains("data-edit="), "{}", page.list_html);
    assert!(
        page.list_html.contains("data-delete="),
        "{}",
        page.list_html
    );
    let list = scopes(cookie).await;
    assert!(list.contains("data-scope=\"10.0.0.0\""), "{list}");
    assert!(list.contains("Replicate Scope"), "{list}");
    assert!(list.contains("data-remove="), "{list}");

    // A read-only user's rows offer nothing to press.
    let reader = app.sign_in_as("reader").await;
    let page = properties(reader.clone()).await;
    assert!(
        page.list_html.contains("data-ip=\"10.0.0.100\""),
        "{}",
        page.list_html
    );
    for action in ["data-edit=", "data-delete=", "<form"] {
        assert!(
            !page.list_html.contains(action),
            "{action}: {}",
            page.list_html
        );
    }
    let list = scopes(reader).await;
    assert!(list.contains("data-scope=\"10.0.0.0\""), "{list}");
    for action in [
        "Replicate Scope",
        "data-remove=",
        "data-configure=",
        "<form",
    ] {
        assert!(!list.contains(action), "{action}: {list}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scopes_are_read_created_edited_and_deleted_over_http() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let got = app
        .call(post_json(
            "/api/get_scope",
            r#"{"target":{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"}}"#,
            Some(&cookie),
        ))
        .await;
    let (mut input, version): (tandem_core::scope_input::ScopeInput, String) =
        serde_json::from_str(&got.body).unwrap();
    input.name = "Renamed over HTTP".into();
    let body = serde_json::json!({ "input": {
        "target": { "server": "dhcp1.contoso.com", "scope_id": "10.0.0.0" },
        "version": version, "scope": input } });
    let edited = app
        .call(post_json(
            "/api/update_scope",
            &body.to_string(),
            Some(&cookie),
        ))
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert!(edited.body.contains("Replicated"), "{}", edited.body);
    // The same version again is stale.
    let stale = app
        .call(post_json(
            "/api/update_scope",
            &body.to_string(),
            Some(&cookie),
        ))
        .await;
    let error: app::error::AppError = serde_json::from_str(&stale.body).unwrap();
    assert!(
        matches!(error, app::error::AppError::Conflict { .. }),
        "{error:?}"
    );
    let created = app
        .call(post_json(
            "/api/create_scope",
            r#"{"input":{"server":"dc1.contoso.com","scope":{"scope_id":"10.9.0.0","subnet_mask":"/24","name":"New","start":"10.9.0.10","end":"10.9.0.20"}}}"#,
            Some(&cookie),
        ))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let deleted = app
        .call(post_json(
            "/api/delete_scope",
            r#"{"target":{"server":"dc1.contoso.com","scope_id":"10.9.0.0"}}"#,
            Some(&cookie),
        ))
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let page = app.call(get("/scopes", Some(&cookie))).await;
    assert!(page.body.contains("Renamed over HTTP"));
    assert!(!page.body.contains("10.9.0.0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_from_the_client_is_kept_only_when_short_and_plain() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let with_id = |id: &str| {
        Request::get("/health")
            .header("host", "tandem.test")
            .header("x-request-id", id)
            .body(Body::empty())
            .unwrap()
    };
    let plain = app.call(with_id("proxy-7f3a.2")).await;
    assert_eq!(plain.headers["x-request-id"], "proxy-7f3a.2");
    for hostile in ["a b", "x\"y", &"9".repeat(65), "<script>"] {
        let reply = app.call(with_id(hostile)).await;
        let given = reply.headers["x-request-id"].to_str().unwrap();
        assert_ne!(given, hostile);
        assert!(uuid_like(given), "{given}");
    }
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_so_when_the_database_does_not_answer() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    assert_eq!(app.call(get("/health", None)).await.status, StatusCode::OK);
    app.tandem.store().pool().close().await;
    let reply = app.call(get("/health", None)).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let checks: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(checks["ok"], false);
    assert_eq!(checks["checks"][0]["name"], "database");
    assert_eq!(checks["checks"][0]["ok"], false);
    assert!(
        checks["checks"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("the database does not answer"),
        "{checks}"
    );
    // An internal error names the request's own ID: what a user reports matches the log.
    let failed = app
        .call(post_json(
            "/api/sign_in",
            r#"{"credentials":{"username":"admin","password":"whatever it is"}}"#,
            None,
        ))
        .await;
    let id = failed.headers["x-request-id"].to_str().unwrap();
    assert!(
        failed.body.contains(&format!(r#""request_id":"{id}""#)),
        "{id}: {}",
        failed.body
    );
}

/// Twenty sign-ins at once, with pages loading meanwhile: every one answers, none waits on a
/// pool the others hold (measured before: ten at once deadlocked the pool of four, and every
/// request waited 30 s for "pool timed out while waiting for an open connection").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_sign_ins_at_once_while_pages_load_all_answer() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = std::sync::Arc::new(app().await);
    let cookie = app.sign_in().await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let app = app.clone();
        let cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            // Half right, half for names that do not exist: both paths write.
            let (user, password) = if i % 2 == 0 {
                ("admin".to_string(), PASSWORD)
            } else {
                (format!("nobody{i}"), "wrong password!")
            };
            let body =
                format!(r#"{{"credentials":{{"username":"{user}","password":"{password}"}}}}"#);
            let signed = app.call(post_json("/api/sign_in", &body, None)).await;
            let page = app.call(get("/scopes", Some(&cookie))).await;
            (i, signed.status, signed.body, page.status)
        }));
    }
    for task in tasks {
        let (i, status, body, page) = task.await.unwrap();
        if i % 2 == 0 {
            assert_eq!(status, StatusCode::OK, "sign-in {i}: {body}");
        } else {
            // The typed refusal, not a pool that timed out.
            assert!(
                body.contains("the user name or password is wrong"),
                "sign-in {i}: {status} {body}"
            );
        }
        assert_eq!(page, StatusCode::OK, "page {i}");
    }
}

fn post_form(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "tandem.test")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// The sign-in form as a browser posts it without the page's code: in the body, answered with
/// a redirect to `next` and a session cookie, or back to the form with a word; nothing typed is
/// ever in the URL it goes to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_form_posted_natively_signs_in_and_puts_nothing_typed_in_a_url() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let password = PASSWORD.replace(' ', "+");
    let ok = app
        .call(post_form(
            "/sign-in",
            &format!("next=%2Fscopes&username=admin&password={password}"),
        ))
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.headers[header::LOCATION], "/scopes");
    let cookie = ok.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("tandem_session=") && cookie.contains("HttpOnly"));
    let cookie = cookie.split(';').next().unwrap();
    assert_eq!(
        app.call(get("/scopes", Some(cookie))).await.status,
        StatusCode::OK
    );
    let wrong = app
        .call(post_form(
            "/sign-in",
            "next=%2Fscopes&username=admin&password=not+the+password",
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::SEE_OTHER);
    let back = wrong.headers[header::LOCATION].to_str().unwrap();
    assert_eq!(back, "/sign-in?failed=wrong&next=/scopes");
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());
    // Somewhere else after sign-in: home instead.
    for next in [
        "%2F%2Fevil.example",
        "%2F%09%2Fevil.example",
        "https%3A%2F%2Fevil.example",
    ] {
        let reply = app
            .call(post_form(
                "/sign-in",
                &format!("next={next}&username=admin&password={password}"),
            ))
            .await;
        assert_eq!(reply.headers[header::LOCATION], "/", "{next}");
    }
    // A user name of a megabyte is wrong, and what is recorded of it is cut short.
    let huge = "x".repeat(1 << 20);
    let reply = app
        .call(post_form(
            "/sign-in",
            &format!("username={huge}&password=whatever+it+is"),
        ))
        .await;
    assert_eq!(
        reply.headers[header::LOCATION],
        "/sign-in?failed=wrong&next=/"
    );
    let events = app
        .tandem
        .search_events(
            &tandem_backend::Caller::local("test"),
            &Default::default(),
            10,
        )
        .await
        .unwrap();
    assert!(
        events.iter().all(|e| e.actor.len() <= 65),
        "{:?}",
        events[0].actor.len()
    );
}

/// The next server-sent event's text from a live stream, `None` once the stream has ended,
/// or `Err` when nothing came within `within`.
async fn next_event(body: &mut Body, within: std::time::Duration) -> Result<Option<String>, ()> {
    use http_body_util::BodyExt;
    match tokio::time::timeout(within, body.frame()).await {
        Err(_) => Err(()),
        Ok(None) => Ok(None),
        Ok(Some(frame)) => {
            let frame = frame.unwrap();
            let data = frame.into_data().unwrap_or_default();
            Ok(Some(String::from_utf8_lossy(&data).into_owned()))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_stream_keeps_to_the_access_scope_and_ends_with_the_session() {
    use std::time::{Duration, Instant};
    use tandem_backend::Caller;
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let admin = Caller::local("router-test");
    for user in ["dc1-only", "dc1-too"] {
        let input = tandem_backend::service::UserInput {
            username: user.into(),
            display_name: String::new(),
            role: "DhcpAdministrator".into(),
            servers: "dc1.contoso.com".into(),
            disabled: false,
        };
        app.tandem
            .create_user(&admin, &input, PASSWORD)
            .await
            .unwrap();
    }
    let dc1 = tandem_core::ServerName::parse("dc1.contoso.com").unwrap();
    let dhcp1 = tandem_core::ServerName::parse("dhcp1.contoso.com").unwrap();
    let open = |cookie: String| {
        let router = app.router.clone();
        async move {
            let reply = router
                .oneshot(get("/api/live", Some(&cookie)))
                .await
                .unwrap();
            assert_eq!(reply.status(), StatusCode::OK);
            reply.into_body()
        }
    };

    let cookie = app.sign_in_as("dc1-only").await;
    let mut stream = open(cookie.clone()).await;
    // A change on a server out of the user's scope is not told; one in it is.
    app.tandem
        .set_server_online(&admin, &dhcp1, true)
        .await
        .unwrap();
    app.tandem
        .set_server_online(&admin, &dc1, true)
        .await
        .unwrap();
    let heard = next_event(&mut stream, Duration::from_secs(5))
        .await
        .expect("the change on dc1 was told")
        .expect("the stream is open");
    assert!(heard.contains("dc1.contoso.com"), "{heard}");
    assert!(
        !heard.contains("dhcp1"),
        "told about a server out of scope: {heard}"
    );

    // Signing out ends the stream within a few seconds.
    let signed_out = Instant::now();
    app.call(post_json("/api/sign_out", "", Some(&cookie)))
        .await;
    loop {
        match next_event(&mut stream, Duration::from_secs(6)).await {
            Ok(None) => break,
            Ok(Some(text)) => assert!(!text.contains("dhcp1"), "{text}"),
            Err(()) => panic!("the stream outlived its session by 6 s"),
        }
    }
    let ended_after = signed_out.elapsed();
    assert!(ended_after < Duration::from_secs(6), "{ended_after:?}");

    // So does disabling the user.
    let cookie = app.sign_in_as("dc1-too").await;
    let mut stream = open(cookie).await;
    let user = app
        .tandem
        .list_users(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "dc1-too")
        .unwrap();
    let input = tandem_backend::service::UserInput {
        username: user.username.clone(),
        display_name: String::new(),
        role: "DhcpAdministrator".into(),
        servers: "dc1.contoso.com".into(),
        disabled: true,
    };
    app.tandem
        .update_user(&admin, user.id, user.version, &input)
        .await
        .unwrap();
    loop {
        match next_event(&mut stream, Duration::from_secs(6)).await {
            Ok(None) => break,
            Ok(Some(_)) => {}
            Err(()) => panic!("the stream outlived its disabled user by 6 s"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_forwarded_for_is_believed_only_from_a_trusted_proxy() {
    use axum::extract::ConnectInfo;
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let wrong = r#"{"credentials":{"username":"admin","password":"wrong"}}"#;
    for (peer, forwarded) in [
        // 127.0.0.1 is this app's trusted proxy; the header's last hop is the client.
        ("127.0.0.1:40000", "10.10.10.10, 198.51.100.7"),
        // Anyone else's header is ignored: the client is the peer.
        ("192.0.2.1:40000", "198.51.100.8"),
    ] {
        let mut request = post_json("/api/sign_in", wrong, None);
        request
            .headers_mut()
            .insert("x-forwarded-for", forwarded.parse().unwrap());
        request
            .extensions_mut()
            .insert(ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
        let reply = app.call(request).await;
        assert!(reply.body.contains("Unauthenticated"), "{}", reply.body);
    }
    let filter = tandem_backend::store::events::EventFilter {
        action: "sign_in".into(),
        ..Default::default()
    };
    let objects: Vec<String> = app
        .tandem
        .search_events(&tandem_backend::Caller::local("test"), &filter, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.object)
        .collect();
    assert!(
        objects.contains(&"sign-in from 198.51.100.7".to_string()),
        "{objects:?}"
    );
    assert!(
        objects.contains(&"sign-in from 192.0.2.1".to_string()),
        "{objects:?}"
    );
    assert!(
        !objects.iter().any(|o| o.contains("198.51.100.8")),
        "{objects:?}"
    );
}

/// The Event Catalog's rows for `action`, newest first.
async fn events_of(app: &App, action: &str) -> Vec<tandem_core::views::EventRow> {
    let filter = tandem_backend::store::events::EventFilter {
        action: action.into(),
        ..Default::default()
    };
    app.tandem
        .search_events(&tandem_backend::Caller::local("test"), &filter, 100)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_runs_to_its_end_when_the_client_goes_away() {
    use std::time::Duration;
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let partner = app
        .builtin
        .iter()
        .find(|r| r.name.as_str() == "dc1.contoso.com")
        .unwrap()
        .server
        .clone();
    let request = post_json(
        "/api/create_reservation",
        r#"{"input":{"target":{"server":"dhcp1.contoso.com","scope_id":"10.0.0.0"},"reservation":{"ip_address":"10.0.0.101","client_id":"00-15-5d-a7-66-03","type":"Dhcp"}}}"#,
        Some(&cookie),
    );
    let call = app.router.clone().oneshot(request);
    // Once the change is on record, the partner is held busy for a second, so that the
    // client goes away while the change waits to reach it.
    let hold = async {
        loop {
            if !events_of(&app, "create_reservation").await.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let held = partner.clone();
        std::thread::spawn(move || {
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                held.change(|_| {
                    std::thread::sleep(Duration::from_millis(1000));
                    Ok(())
                })
                .await
                .unwrap();
            })
        });
        loop {
            let e = events_of(&app, "create_reservation").await.remove(0);
            if e.replication
                .as_deref()
                .is_some_and(|r| r.starts_with("written on"))
            {
                assert_eq!(e.outcome, "pending", "{e:?}");
                break;
            }
            assert_eq!(
                e.outcome, "pending",
                "the change ended before the client left: {e:?}"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::select! {
        reply = call => panic!("the call answered while its partner was held: {reply:?}"),
        () = hold => {}
    }
    // The client is gone; the change goes on to both servers and its record completes.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let event = loop {
        let e = events_of(&app, "create_reservation").await.remove(0);
        if e.outcome != "pending" || std::time::Instant::now() > deadline {
            break e;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(event.outcome, "ok", "{event:?}");
    assert_eq!(
        event.replication.as_deref(),
        Some("replicated to dc1.contoso.com")
    );
    let on_partner = partner.snapshot().await;
    let scope = on_partner
        .scope(tandem_core::ScopeId::parse("10.0.0.0").unwrap())
        .unwrap();
    assert!(scope.reservation("10.0.0.101".parse().unwrap()).is_some());
}

/// A small deterministic generator (xorshift) for the fuzz pass.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }

    /// Random text: plain, hostile, control characters, very long, or non-ASCII.
    fn text(&mut self) -> String {
        match self.below(8) {
            0 => String::new(),
            1 => "x".repeat(self.below(100_000) as usize),
            2 => "a\u{0}b\u{1b}[31m\u{85}\u{2028}".into(),
            3 => "10.0.0.".to_string() + &self.below(400).to_string(),
            4 => "dc1.contoso.com".into(),
            5 => "'; DROP TABLE events; --".into(),
            6 => "ünïcødé 🦀 \u{feff}".into(),
            _ => format!("{}", self.below(u64::MAX)),
        }
    }

    /// A random JSON value, its objects keyed by names the server functions use.
    fn json(&mut self, depth: u32) -> serde_json::Value {
        use serde_json::{Value, json};
        const KEYS: &[&str] = &[
            "input",
            "target",
            "server",
            "scope_id",
            "reservation",
            "ip_address",
            "client_id",
            "name",
            "description",
            "type",
            "query",
            "credentials",
            "username",
            "password",
            "id",
            "version",
            "expected_version",
            "relationship",
            "primary_server",
            "secondary_server",
            "mode",
            "scopes",
            "scope",
            "filter",
            "online",
            "on",
            "url",
            "role",
            "servers",
            "disabled",
            "display_name",
            "page",
            "sort",
            "sync",
            "options",
            "exclusions",
            "range",
            "start",
            "end",
            "subnet_mask",
            "lease_duration_secs",
        ];
        match (depth, self.below(9)) {
            (_, 0) => Value::Null,
            (_, 1) => json!(self.below(2) == 1),
            (_, 2) => json!(self.below(u64::MAX) as i64),
            (_, 3) => json!(-1.5e308),
            (0, _) | (_, 4) | (_, 5) => json!(self.text()),
            (_, 6) => Value::Array((0..self.below(4)).map(|_| self.json(depth - 1)).collect()),
            _ => Value::Object(
                (0..1 + self.below(4))
                    .map(|_| (self.pick(KEYS).to_string(), self.json(depth - 1)))
                    .collect(),
            ),
        }
    }
}

/// What must not change when every call is refused: both built-in servers, the users, and the
/// Event Catalog apart from views.
async fn written_state(app: &App) -> String {
    let mut state = String::new();
    for r in &app.builtin {
        state += &serde_json::to_string(&r.server.snapshot().await).unwrap();
    }
    let local = tandem_backend::Caller::local("fuzz");
    for u in app.tandem.list_users(&local).await.unwrap() {
        state += &format!("{}:{}:{}", u.username, u.version, u.disabled);
    }
    let events = app
        .tandem
        .search_events(&local, &Default::default(), 5000)
        .await
        .unwrap();
    state += &format!(
        "{}",
        events.iter().filter(|e| e.action != "sign_in").count()
    );
    state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_survives_hostile_input_and_writes_nothing() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let mut paths: Vec<(&str, axum::http::Method)> =
        leptos::server_fn::axum::server_fn_paths().collect();
    paths.sort_by_key(|(p, _)| *p);
    assert!(paths.len() >= 36, "{paths:?}");
    let before = written_state(&app).await;
    let mut random = Random(0x5eed_1234_abcd_0001);
    let fixed: Vec<String> = vec![
        String::new(),
        "{".into(),
        "null".into(),
        "[]".into(),
        "\"text\"".into(),
        "12".into(),
        r#"{"input":5}"#.into(),
        r#"{"input":{"target":[]}}"#.into(),
        r#"{"input":null,"extra":true}"#.into(),
        "{\"input\":\"\u{0}\"}".into(),
        "\u{feff}{}".into(),
        format!("{{\"input\":\"{}\"}}", "y".repeat(3 << 20)),
        "[".repeat(10_000),
    ];
    let mut sent = 0;
    let mut typed_errors = 0;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for (path, method) in &paths {
        // Signing out would end the fuzzing session; sign-in is fuzzed like the rest, but its
        // failures are rightly recorded.
        if *path == "/api/sign_out" {
            continue;
        }
        let mut bodies = fixed.clone();
        bodies.extend((0..40).map(|_| random.json(4).to_string()));
        for body in bodies {
            for content_type in ["application/json", "application/x-www-form-urlencoded"] {
                let request = if *method == axum::http::Method::GET {
                    let query: String = body
                        .bytes()
                        .take(2000)
                        .map(|b| format!("%{b:02X}"))
                        .collect();
                    get(&format!("{path}?{query}"), Some(&cookie))
                } else {
                    let mut request = post_json(path, &body, Some(&cookie));
                    let headers = request.headers_mut();
                    headers.insert("content-type", content_type.parse().unwrap());
                    headers.insert(header::CONTENT_LENGTH, body.len().into());
                    request
                };
                let reply = app.call(request).await;
                sent += 1;
                *statuses.entry(reply.status.as_u16()).or_default() += 1;
                // Garbage is the client's error: a typed refusal with a 4xx status, never a
                // 5xx (Tandem did not fail).
                assert!(
                    !reply.status.is_server_error(),
                    "{path} answered {} to {body:.200}: {:.300}",
                    reply.status,
                    reply.body
                );
                if reply.status.is_client_error() && reply.status.as_u16() != 413 {
                    let typed: Result<app::error::AppError, _> = serde_json::from_str(&reply.body);
                    let typed = typed.unwrap_or_else(|_| {
                        panic!(
                            "{path} answered {} with an untyped body {:.300} to {body:.200}",
                            reply.status, reply.body
                        )
                    });
                    assert_eq!(typed.status(), reply.status.as_u16(), "{path}");
                    typed_errors += 1;
                }
            }
        }
    }
    // A body past the limit is refused before it is read.
    let posted = paths
        .iter()
        .filter(|(p, m)| *m != axum::http::Method::GET && *p != "/api/sign_out")
        .count();
    assert_eq!(statuses.get(&413).copied().unwrap_or(0), 2 * posted);
    // Still signed in, and nothing written anywhere.
    assert_eq!(
        app.call(get("/", Some(&cookie))).await.status,
        StatusCode::OK
    );
    assert_eq!(
        written_state(&app).await,
        before,
        "a refused call wrote something"
    );
    println!(
        "fuzz: {sent} requests to {} server functions, {typed_errors} typed refusals with their own 4xx status, no 5xx, nothing written; by status {statuses:?}",
        paths.len() - 1
    );
}

/// The Replicate dialog posted natively (several scopes, a relationship, a server): hostile or
/// stale fields are refused, the browser sent back to the dialog with why, and nothing is
/// written; Replicate selected with nothing ticked is refused the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replicate_dialog_posted_natively_refuses_hostile_or_stale_fields() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = app().await;
    let cookie = app.sign_in().await;
    let before = written_state(&app).await;
    let back = "back=%2Fscopes%3Fserver%3Ddhcp1.contoso.com";
    let bodies = [
        "mode=replicate-previewed".to_string(),
        "mode=replicate-previewed&kind=bogus&target=x&basis=1".into(),
        "mode=replicate-previewed&kind=server&target=%00&basis=x".into(),
        "mode=replicate-previewed&kind=scopes&target=dhcp1.contoso.com%2F10.0.0.0%2C%2C&basis=1.0"
            .into(),
        format!(
            "mode=replicate-previewed&kind=scopes&target={}&basis=1.0",
            "dhcp1.contoso.com%2F10.0.0.0%2C".repeat(2000)
        ),
        "mode=replicate-previewed&kind=relationship&target=dhcp1.contoso.com%2Fnone&basis=0.0"
            .into(),
        // Well formed but stale (no preview had this basis).
        "mode=replicate-previewed&kind=server&target=dhcp1.contoso.com&basis=1.0000000000000000"
            .into(),
        "mode=replicate-previewed&kind=relationship&target=dhcp1.contoso.com%2Fdhcp1.contoso.com-dc1.contoso.com&basis=1.0"
            .into(),
        "mode=replicate-selected".into(),
        "mode=replicate-selected&scopes=x%2Fy".into(),
    ];
    for body in &bodies {
        let mut request = post_form("/forms/scope", &format!("{body}&{back}"));
        request
            .headers_mut()
            .insert(header::COOKIE, cookie.parse().unwrap());
        let reply = app.call(request).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{body:.200}: {}",
            reply.body
        );
        let location = reply.headers[header::LOCATION].to_str().unwrap();
        assert!(
            location.starts_with("/scopes?server=dhcp1.contoso.com") && location.contains("flash="),
            "{body:.200}: {location}"
        );
    }
    assert_eq!(
        written_state(&app).await,
        before,
        "a refused post wrote something"
    );
    // Ticked scopes go to the dialog first: nothing is replicated by the tick alone.
    let mut request = post_form(
        "/forms/scope",
        &format!("mode=replicate-selected&scopes=dhcp1.contoso.com%2F10.0.0.0&{back}"),
    );
    request
        .headers_mut()
        .insert(header::COOKIE, cookie.parse().unwrap());
    let reply = app.call(request).await;
    let location = reply.headers[header::LOCATION].to_str().unwrap();
    assert_eq!(
        location,
        "/scopes?server=dhcp1.contoso.com&dialog=replicate-selected&target=dhcp1.contoso.com%2F10.0.0.0"
    );
    assert_eq!(written_state(&app).await, before);
}
