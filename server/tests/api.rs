//! The REST API under `/api/v1`, through the real router: API tokens (made, used, revoked,
//! expired, a disabled user's), HTTP's own answers (201 + Location, 400 with the fields, 401,
//! 403, 404, 415), the same-origin rule for cookies but not for tokens, and the Event Catalog
//! marking what a token did.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tandem_backend::service::UserInput;
use tandem_backend::store::users::UserRecord;
use tandem_backend::{Caller, Tandem};
use tower::ServiceExt;

const PASSWORD: &str = "api test password";
const RESERVATIONS: &str = "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/reservations";

struct App {
    _dir: tempfile::TempDir,
    router: axum::Router,
    tandem: Tandem,
    _builtin: Vec<tandem_backend::builtin::host::Running>,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

impl Reply {
    /// The field of a 400's first field error.
    fn errors_field(&self) -> &str {
        assert_eq!(self.status, StatusCode::BAD_REQUEST, "{}", self.json);
        self.json["errors"][0]["field"].as_str().unwrap_or_default()
    }
}

async fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let (started, router) = common::started(dir.path(), PASSWORD).await;
    App {
        _dir: dir,
        router,
        tandem: started.tandem,
        _builtin: started.builtin,
    }
}

/// A Tandem, the administrator's session cookie, and a token of theirs named `name`.
async fn app_with_token(name: &str) -> (App, String, String) {
    let app = app().await;
    let admin = app.sign_in("admin").await;
    let (token, _) = app.token(&admin, name).await;
    (app, admin, token)
}

/// Adds a user with the tests' password.
async fn add_user(app: &App, username: &str, role: &str, disabled: bool) -> UserRecord {
    app.tandem
        .create_user(
            &Caller::local("test"),
            &user(username, role, disabled),
            PASSWORD,
        )
        .await
        .unwrap()
}

fn user(username: &str, role: &str, disabled: bool) -> UserInput {
    UserInput {
        username: username.into(),
        display_name: username.into(),
        role: role.into(),
        servers: String::new(),
        disabled,
    }
}

/// How a call authenticates.
#[derive(Clone, Copy)]
enum Auth<'a> {
    None,
    Cookie(&'a str),
    Token(&'a str),
}

impl App {
    async fn call(&self, method: &str, path: &str, auth: Auth<'_>, body: Option<&str>) -> Reply {
        self.call_from(method, path, auth, body, None).await
    }

    async fn call_from(
        &self,
        method: &str,
        path: &str,
        auth: Auth<'_>,
        body: Option<&str>,
        origin: Option<&str>,
    ) -> Reply {
        let headers: Vec<_> = origin.into_iter().map(|o| (header::ORIGIN, o)).collect();
        self.call_with(method, path, auth, body, &headers).await
    }

    /// A call sending `If-Match: etag`.
    async fn call_if(
        &self,
        method: &str,
        path: &str,
        auth: Auth<'_>,
        body: Option<&str>,
        etag: &str,
    ) -> Reply {
        self.call_with(method, path, auth, body, &[(header::IF_MATCH, etag)])
            .await
    }

    async fn call_with(
        &self,
        method: &str,
        path: &str,
        auth: Auth<'_>,
        body: Option<&str>,
        extra: &[(header::HeaderName, &str)],
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "tandem.test");
        match auth {
            Auth::None => {}
            Auth::Cookie(c) => request = request.header(header::COOKIE, c),
            Auth::Token(t) => {
                request = request.header(header::AUTHORIZATION, format!("Bearer {t}"))
            }
        }
        for (name, value) in extra {
            request = request.header(name, *value);
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(Body::from(body.unwrap_or_default().to_string()))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    async fn sign_in(&self, username: &str) -> String {
        let signed = self
            .tandem
            .sign_in(username, PASSWORD, "127.0.0.1")
            .await
            .unwrap();
        format!("tandem_session={}", signed.token)
    }

    /// Makes a token through the API with a session; returns its value and ID.
    async fn token(&self, cookie: &str, name: &str) -> (String, i64) {
        let reply = self
            .call(
                "POST",
                "/api/v1/tokens",
                Auth::Cookie(cookie),
                Some(&json!({ "name": name }).to_string()),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
        let id = reply.json["id"].as_i64().unwrap();
        assert_eq!(
            reply.headers[header::LOCATION],
            format!("/api/v1/tokens/{id}").as_str()
        );
        (reply.json["token"].as_str().unwrap().to_string(), id)
    }

    async fn events(&self, action: &str) -> Vec<(String, String, Option<String>)> {
        use sqlx::Row;
        sqlx::query("SELECT actor, outcome, via FROM events WHERE action = $1 ORDER BY id")
            .bind(action)
            .fetch_all(self.tandem.store().pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("actor"), r.get("outcome"), r.get("via")))
            .collect()
    }
}

fn reservation(ip: &str, client_id: &str) -> String {
    json!({ "ip_address": ip, "client_id": client_id, "name": "printer" }).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_acts_for_its_user_until_revoked_expired_or_the_user_is_disabled() {
    let app = app().await;
    let admin = app.sign_in("admin").await;
    let (token, id) = app.token(&admin, "ci").await;
    assert!(token.starts_with("tdm_"), "{token}");

    // Who it acts for, and what it may do: it makes a reservation that reaches both partners,
    // recorded as the token's.
    let me = app
        .call("GET", "/api/v1/me", Auth::Token(&token), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["username"], "admin");
    assert_eq!(me.json["via"], "API token ci");
    let made = app
        .call(
            "POST",
            RESERVATIONS,
            Auth::Token(&token),
            Some(&reservation("10.0.0.150", "00155DA76650")),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    assert_eq!(
        made.headers[header::LOCATION],
        format!("{RESERVATIONS}/10.0.0.150").as_str()
    );
    assert_eq!(made.json["replication"]["outcome"], "Replicated");
    let got = app
        .call(
            "GET",
            &format!("{RESERVATIONS}/10.0.0.150"),
            Auth::Token(&token),
            None,
        )
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json["name"], "printer");
    let on_partner = app
        .call(
            "GET",
            "/api/v1/servers/dc1.contoso.com/scopes/10.0.0.0/reservations/10.0.0.150",
            Auth::Token(&token),
            None,
        )
        .await;
    assert_eq!(on_partner.status, StatusCode::OK, "{}", on_partner.json);
    let created = app.events("create_reservation").await;
    assert_eq!(created.last().unwrap().2.as_deref(), Some("API token ci"));

    // The token is listed (never its value) with its last use.
    let listed = app
        .call("GET", "/api/v1/tokens", Auth::Cookie(&admin), None)
        .await;
    assert_eq!(listed.json[0]["name"], "ci");
    assert!(listed.json[0]["last_used_at"].is_string());
    assert!(!listed.json.to_string().contains(&token));

    // Revoked: refused, and the refused use recorded once however often it is tried.
    let revoked = app
        .call(
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            Auth::Cookie(&admin),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    for _ in 0..3 {
        let refused = app
            .call("GET", "/api/v1/me", Auth::Token(&token), None)
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert!(refused.headers.contains_key(header::WWW_AUTHENTICATE));
    }
    let uses = app.events("use_token").await;
    assert_eq!(uses.len(), 1, "{uses:?}");
    assert_eq!(uses[0].1, "refused: token revoked");

    // Expired: refused and recorded.
    let (old, old_id) = app.token(&admin, "old").await;
    sqlx::query("UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = $1")
        .bind(old_id)
        .execute(app.tandem.store().pool())
        .await
        .unwrap();
    let refused = app.call("GET", "/api/v1/me", Auth::Token(&old), None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.events("use_token").await[1].1, "refused: token expired");

    // A disabled user's token stops working; enabled again, it works again.
    let root = Caller::local("test");
    let input = |disabled| user("bob", "DhcpReservationsAdministrator", disabled);
    let bob = add_user(&app, "bob", "DhcpReservationsAdministrator", false).await;
    let bob_cookie = app.sign_in("bob").await;
    let (bobs, _) = app.token(&bob_cookie, "bob's script").await;
    assert_eq!(
        app.call("GET", "/api/v1/me", Auth::Token(&bobs), None)
            .await
            .status,
        StatusCode::OK
    );
    let bob = app
        .tandem
        .update_user(&root, bob.id, bob.version, &input(true))
        .await
        .unwrap();
    assert_eq!(
        app.call("GET", "/api/v1/me", Auth::Token(&bobs), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    app.tandem
        .update_user(&root, bob.id, bob.version, &input(false))
        .await
        .unwrap();
    assert_eq!(
        app.call("GET", "/api/v1/me", Auth::Token(&bobs), None)
            .await
            .status,
        StatusCode::OK
    );
    // Bob sees only his own tokens, and may not revoke the administrator's.
    let his = app
        .call("GET", "/api/v1/tokens", Auth::Token(&bobs), None)
        .await;
    assert_eq!(his.json.as_array().unwrap().len(), 1);
    let all = app
        .call("GET", "/api/v1/tokens?all=true", Auth::Token(&bobs), None)
        .await;
    assert_eq!(all.status, StatusCode::FORBIDDEN);
    let theirs = app
        .call(
            "DELETE",
            &format!("/api/v1/tokens/{old_id}"),
            Auth::Token(&bobs),
            None,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    // A token cannot make another token.
    let chained = app
        .call(
            "POST",
            "/api/v1/tokens",
            Auth::Token(&bobs),
            Some(r#"{"name":"more"}"#),
        )
        .await;
    assert_eq!(chained.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_answers_are_http_and_bad_input_changes_nothing() {
    let (app, admin, token) = app_with_token("ci").await;
    let t = Auth::Token(&token);

    // No credentials, or a token that is not one.
    let none = app.call("GET", "/api/v1/me", Auth::None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(none.json["detail"].as_str().unwrap().contains("Bearer"));
    for bad in ["nonsense", "tdm_0000", ""] {
        let reply = app.call("GET", "/api/v1/me", Auth::Token(bad), None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{bad:?}");
    }

    // Every field error at once, beside its field; nothing written.
    let bad = app
        .call(
            "POST",
            RESERVATIONS,
            t,
            Some(&reservation("10.0.0.999", "not-a-mac")),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.json);
    let fields: Vec<&str> = bad.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"ip_address") && fields.contains(&"client_id"),
        "{fields:?}"
    );
    // A refusal is problem details (RFC 9457), whatever refused it.
    for reply in [&bad, &none] {
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{}",
            reply.json
        );
        assert_eq!(reply.json["type"], "about:blank");
        assert_eq!(reply.json["status"], reply.status.as_u16());
        assert_eq!(
            reply.json["title"],
            reply.status.canonical_reason().unwrap(),
            "{}",
            reply.json
        );
        assert!(reply.json["detail"].is_string(), "{}", reply.json);
    }
    assert!(bad.json["errors"][0]["message"].is_string());
    // Malformed JSON, an unknown field, a wrong type, not JSON at all.
    for body in [
        "{",
        r#"{"ip_address":"10.0.0.151","client_id":"00155DA76651","colour":"red"}"#,
        r#"{"ip_address":10,"client_id":"00155DA76651"}"#,
    ] {
        let reply = app.call("POST", RESERVATIONS, t, Some(body)).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.json
        );
        assert!(
            reply.json["detail"].as_str().unwrap().contains("body"),
            "{}",
            reply.json
        );
    }
    let form = Request::post(RESERVATIONS)
        .header("host", "tandem.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("ip_address=10.0.0.151&client_id=00155DA76651"))
        .unwrap();
    let reply = app.router.clone().oneshot(form).await.unwrap();
    assert_eq!(reply.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let listed = app.call("GET", RESERVATIONS, t, None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(
        listed.json["total"], 1,
        "only the seed's reservation: {}",
        listed.json
    );

    // Not found: a reservation, a scope, a server, a route; a malformed address names its field.
    for path in [
        format!("{RESERVATIONS}/10.0.0.77"),
        "/api/v1/servers/dhcp1.contoso.com/scopes/10.77.0.0/reservations".into(),
        "/api/v1/servers/nowhere.contoso.com/scopes/10.0.0.0/reservations".into(),
        "/api/v1/no-such-thing".into(),
    ] {
        let reply = app.call("GET", &path, t, None).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            reply.json
        );
    }
    let malformed = app
        .call("GET", &format!("{RESERVATIONS}/10.0.0.999"), t, None)
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json["errors"][0]["field"], "ip_address");

    // A read-only user's token may read, not change (403, recorded as denied).
    add_user(&app, "reader", "User", false).await;
    let reader_cookie = app.sign_in("reader").await;
    let (reader, _) = app.token(&reader_cookie, "read only").await;
    let r = Auth::Token(&reader);
    assert_eq!(
        app.call("GET", RESERVATIONS, r, None).await.status,
        StatusCode::OK
    );
    let denied = app
        .call(
            "POST",
            RESERVATIONS,
            r,
            Some(&reservation("10.0.0.152", "00155DA76652")),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    // Cookies keep the same-origin rule; a token needs none (a browser cannot send one by
    // itself).
    let evil = Some("https://evil.example");
    let by_cookie = app
        .call_from(
            "POST",
            RESERVATIONS,
            Auth::Cookie(&admin),
            Some(&reservation("10.0.0.153", "00155DA76653")),
            evil,
        )
        .await;
    assert_eq!(by_cookie.status, StatusCode::FORBIDDEN);
    let by_token = app
        .call_from(
            "POST",
            RESERVATIONS,
            t,
            Some(&reservation("10.0.0.153", "00155DA76653")),
            evil,
        )
        .await;
    assert_eq!(by_token.status, StatusCode::CREATED, "{}", by_token.json);
    let deleted = app
        .call("DELETE", &format!("{RESERVATIONS}/10.0.0.153"), t, None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.json);
    let gone = app
        .call("GET", &format!("{RESERVATIONS}/10.0.0.153"), t, None)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_name_the_version_they_read_and_the_other_resources_answer() {
    let (app, _, token) = app_with_token("ci").await;
    let t = Auth::Token(&token);
    let made = app
        .call(
            "POST",
            RESERVATIONS,
            t,
            Some(&reservation("10.0.0.160", "00155DA76660")),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let one = format!("{RESERVATIONS}/10.0.0.160");
    let read = app.call("GET", &one, t, None).await;
    let etag = read.headers[header::ETAG].to_str().unwrap().to_string();

    // An edit without If-Match is refused (428); with a stale one, 412 with the current value;
    // with the ETag read, it is made on both partners.
    let renamed = reservation("10.0.0.160", "00155DA76660").replace("printer", "plotter");
    let put = |if_match: Option<String>| {
        let mut request = Request::put(one.as_str())
            .header("host", "tandem.test")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(m) = if_match {
            request = request.header(header::IF_MATCH, m);
        }
        request.body(Body::from(renamed.clone())).unwrap()
    };
    let status = |r: Request<Body>| async { app.router.clone().oneshot(r).await.unwrap().status() };
    assert_eq!(status(put(None)).await, StatusCode::PRECONDITION_REQUIRED);
    let stale = app
        .router
        .clone()
        .oneshot(put(Some("\"0000\"".into())))
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let body = stale.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["current"]["name"], "printer", "{body}");
    assert_eq!(status(put(Some(etag.clone()))).await, StatusCode::OK);
    let partner = app
        .call(
            "GET",
            "/api/v1/servers/dc1.contoso.com/scopes/10.0.0.0/reservations/10.0.0.160",
            t,
            None,
        )
        .await;
    assert_eq!(partner.json["name"], "plotter");
    let now = app.call("GET", &one, t, None).await.headers[header::ETAG]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(now, etag);

    // Scopes (the list's query names), one scope with its ETag, relationships, replication,
    // search, drift and the Event Catalog with what the token did.
    let scopes = app
        .call("GET", "/api/v1/scopes?sync=in-sync", t, None)
        .await;
    assert_eq!(scopes.status, StatusCode::OK, "{}", scopes.json);
    assert_eq!(scopes.json["total"], 2, "{}", scopes.json);
    let scope = app
        .call(
            "GET",
            "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0",
            t,
            None,
        )
        .await;
    assert_eq!(scope.status, StatusCode::OK);
    assert!(scope.headers.contains_key(header::ETAG));
    let relationships = app.call("GET", "/api/v1/relationships", t, None).await;
    assert_eq!(
        relationships.json["rows"][0]["relationship"]["name"],
        "dhcp1.contoso.com-dc1.contoso.com"
    );
    let replicated = app
        .call(
            "POST",
            "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/replicate",
            t,
            None,
        )
        .await;
    assert_eq!(replicated.status, StatusCode::OK, "{}", replicated.json);
    let found = app.call("GET", "/api/v1/search?q=plotter", t, None).await;
    assert_eq!(found.json.as_array().unwrap().len(), 2, "{}", found.json);
    let drift = app.call("POST", "/api/v1/drift/check", t, None).await;
    assert_eq!(drift.status, StatusCode::OK, "{}", drift.json);
    let events = app
        .call(
            "GET",
            "/api/v1/events?action=edit_reservation&per_page=5",
            t,
            None,
        )
        .await;
    assert_eq!(events.status, StatusCode::OK, "{}", events.json);
    assert_eq!(
        events.json["rows"].as_array().unwrap().len(),
        1,
        "{}",
        events.json
    );
    assert_eq!(events.json["total"], 1, "{}", events.json);
    // A server that is not managed: 404; a relationship's scope without a sync error: nothing
    // to clear.
    let missing = app
        .call(
            "POST",
            "/api/v1/servers/nowhere.contoso.com/replicate",
            t,
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.json);

    // A delete with the ETag read before that edit deletes nothing: 412 with it as it is now.
    let kept = app.call_if("DELETE", &one, t, None, &etag).await;
    assert_eq!(
        kept.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        kept.json
    );
    assert_eq!(kept.json["current"]["name"], "plotter");
    assert_eq!(kept.headers[header::ETAG], now.as_str());
    assert_eq!(partner_status(&app, t).await, StatusCode::OK);
    // With the current one, it goes from both partners.
    let gone = app.call_if("DELETE", &one, t, None, &now).await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.json);
    assert_eq!(partner_status(&app, t).await, StatusCode::NOT_FOUND);
}

/// A scope read, changed and read again through the REST API with its `ETag` as `If-Match`:
/// the ETag a GET gives is the one the PUT takes; a reservation added meanwhile does not make
/// the edit stale; someone else's edit of the scope does (412, nothing written).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scope_is_read_changed_and_read_again_with_its_etag() {
    let (app, _, token) = app_with_token("scope-etag").await;
    let t = Auth::Token(&token);
    let one = "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0";
    let read = app.call("GET", one, t, None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.json);
    let etag = read.headers[header::ETAG].to_str().unwrap().to_string();
    // A reservation added by someone else meanwhile: the scope's ETag stands.
    let made = app
        .call(
            "POST",
            RESERVATIONS,
            t,
            Some(&reservation("10.0.0.175", "00155DA76675")),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    assert_eq!(
        app.call("GET", one, t, None).await.headers[header::ETAG],
        etag.as_str()
    );
    let body = |name: &str| {
        json!({ "scope_id": "10.0.0.0", "subnet_mask": "255.255.255.0", "name": name,
            "start": read.json["range"]["start"], "end": read.json["range"]["end"],
            "lease_duration_secs": read.json["lease_duration_secs"].to_string() })
        .to_string()
    };
    let put = |if_match: &str, name: &str| {
        Request::put(one)
            .header("host", "tandem.test")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::IF_MATCH, if_match)
            .body(Body::from(body(name)))
            .unwrap()
    };
    let status = |r: Request<Body>| async { app.router.clone().oneshot(r).await.unwrap().status() };
    assert_eq!(status(put(&etag, "Head office")).await, StatusCode::OK);
    let again = app.call("GET", one, t, None).await;
    assert_eq!(again.json["name"], "Head office");
    let partner = app
        .call(
            "GET",
            "/api/v1/servers/dc1.contoso.com/scopes/10.0.0.0",
            t,
            None,
        )
        .await;
    assert_eq!(partner.json["name"], "Head office", "the partner too");
    let newer = again.headers[header::ETAG].to_str().unwrap().to_string();
    assert_ne!(newer, etag);
    // The old ETag after that edit: refused with the scope as it is now and its ETag,
    // nothing written.
    let stale = app
        .call_if("PUT", one, t, Some(&body("Stale")), &etag)
        .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.json
    );
    assert_eq!(
        stale.json["current"]["name"], "Head office",
        "{}",
        stale.json
    );
    assert_eq!(stale.headers[header::ETAG], newer.as_str());
    assert_eq!(
        app.call("GET", one, t, None).await.json["name"],
        "Head office"
    );
    // No If-Match at all: 428, nothing written.
    let blind = app.call("PUT", one, t, Some(&body("Blind"))).await;
    assert_eq!(blind.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(status(put(&newer, "Head office 2")).await, StatusCode::OK);
    // A change that names one field keeps the others as the scope has them.
    let read = app.call("GET", one, t, None).await;
    let etag = read.headers[header::ETAG].to_str().unwrap().to_string();
    let described = app
        .call_if(
            "PUT",
            one,
            t,
            Some(&json!({ "description": "second floor" }).to_string()),
            &etag,
        )
        .await;
    assert_eq!(described.status, StatusCode::OK, "{}", described.json);
    let after = app.call("GET", one, t, None).await.json;
    assert_eq!(after["description"], "second floor");
    for kept in [
        "name",
        "range",
        "lease_duration_secs",
        "options",
        "exclusions",
        "state",
    ] {
        assert_eq!(after[kept], read.json[kept], "{kept}");
    }
    let moved = app
        .call_if(
            "PUT",
            one,
            t,
            Some(&json!({ "scope_id": "10.9.0.0" }).to_string()),
            app.call("GET", one, t, None).await.headers[header::ETAG]
                .to_str()
                .unwrap(),
        )
        .await;
    assert_eq!(moved.errors_field(), "scope_id", "{}", moved.json);
    // A delete with a stale ETag is refused too (the scope is in failover, so a current one
    // is refused for that reason, not staleness).
    let gone = app.call_if("DELETE", one, t, None, &newer).await;
    assert_eq!(
        gone.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        gone.json
    );
    assert_eq!(gone.json["current"]["name"], "Head office 2");
    let current = gone.headers[header::ETAG].to_str().unwrap().to_string();
    let refused = app.call_if("DELETE", one, t, None, &current).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.json);
    assert!(
        refused.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("remove failover first")
    );
}

async fn partner_status(app: &App, t: Auth<'_>) -> StatusCode {
    let partner = "/api/v1/servers/dc1.contoso.com/scopes/10.0.0.0/reservations/10.0.0.160";
    app.call("GET", partner, t, None).await.status
}

/// A relationship through the REST API: GET gives its settings' version as the ETag, a PUT
/// with it changes both partners and answers the new one; someone else's change in between
/// makes the old one answer 412 with the relationship as it is now; a PUT without If-Match is
/// 428; a DELETE with a stale ETag deletes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relationship_is_read_changed_and_read_again_with_its_etag() {
    let (app, _, token) = app_with_token("relationship-etag").await;
    let t = Auth::Token(&token);
    let name = "dhcp1.contoso.com-dc1.contoso.com";
    let one = format!("/api/v1/relationships/{name}");
    let read = app.call("GET", &one, t, None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.json);
    let etag = read.headers[header::ETAG].to_str().unwrap().to_string();
    let r = &read.json["relationship"];
    let body = |mclt: u32| {
        json!({
            "name": name,
            "primary_server": r["primary_server"], "secondary_server": r["secondary_server"],
            "mode": r["mode"], "load_balance_percent": r["load_balance_percent"].to_string(),
            "max_client_lead_time_secs": mclt.to_string(),
            "auto_state_transition": r["auto_state_transition"],
            "state_switch_interval_secs": "",
            "enable_auth": false, "shared_secret": "",
        })
        .to_string()
    };
    let blind = app.call("PUT", &one, t, Some(&body(1800))).await;
    assert_eq!(
        blind.status,
        StatusCode::PRECONDITION_REQUIRED,
        "{}",
        blind.json
    );
    let changed = app.call_if("PUT", &one, t, Some(&body(1800)), &etag).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.json);
    let again = app.call("GET", &one, t, None).await;
    assert_eq!(
        again.json["relationship"]["max_client_lead_time_secs"],
        1800
    );
    let newer = again.headers[header::ETAG].to_str().unwrap().to_string();
    assert_ne!(newer, etag);
    assert_eq!(changed.headers[header::ETAG], newer.as_str());
    // The first reader sends its old ETag: 412 with the relationship now, nothing written.
    let stale = app.call_if("PUT", &one, t, Some(&body(600)), &etag).await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.json
    );
    assert_eq!(
        stale.json["current"]["relationship"]["max_client_lead_time_secs"],
        1800
    );
    assert_eq!(stale.headers[header::ETAG], newer.as_str());
    assert_eq!(
        app.call("GET", &one, t, None).await.json["relationship"]["max_client_lead_time_secs"],
        1800
    );
    let delete = format!("/api/v1/servers/dhcp1.contoso.com/relationships/{name}");
    let kept = app.call_if("DELETE", &delete, t, None, &etag).await;
    assert_eq!(
        kept.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        kept.json
    );
    assert_eq!(app.call("GET", &one, t, None).await.status, StatusCode::OK);
    let gone = app.call_if("DELETE", &delete, t, None, &newer).await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.json);
    assert_eq!(
        app.call("GET", &one, t, None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A reservation by another identifier, with its own boot fields and classes, through the REST
/// API: made on both partners; an edit that names no setting keeps them; each bad value is
/// refused on its field (422) with nothing written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reservations_carry_their_identifier_type_and_their_own_settings() {
    let (app, _, token) = app_with_token("ci").await;
    let t = Auth::Token(&token);
    let body = json!({
        "ip_address": "10.0.0.170", "client_id": "01-00-15-5D-A7-66-70",
        "identifier_type": "client-id", "name": "pxe",
        "next_server": "10.0.0.5", "boot_file_name": "pxelinux.0",
        "client_classes": ["pxe", "floor-2"],
        "options": [
            { "code": "66", "kind": "Text", "value": "tftp.contoso.com" },
            { "code": "3", "kind": "Addresses", "value": "10.0.0.1, 10.0.0.2" },
            { "code": "119", "kind": "Data", "value": "contoso.com,corp.contoso.com" },
            { "code": "43", "kind": "Hex", "value": "01:04:c0:a8:00:01" }
        ],
    });
    let made = app
        .call("POST", RESERVATIONS, t, Some(&body.to_string()))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    let one = format!("{RESERVATIONS}/10.0.0.170");
    let partner = "/api/v1/servers/dc1.contoso.com/scopes/10.0.0.0/reservations/10.0.0.170";
    for path in [one.as_str(), partner] {
        let read = app.call("GET", path, t, None).await;
        assert_eq!(read.json["identifier_type"], "client-id", "{}", read.json);
        assert_eq!(read.json["client_id"], "01:00:15:5d:a7:66:70");
        assert_eq!(read.json["next_server"], "10.0.0.5");
        assert_eq!(read.json["boot_file_name"], "pxelinux.0");
        assert_eq!(read.json["client_classes"], json!(["pxe", "floor-2"]));
        assert_eq!(
            read.json["options"],
            json!({
                "3": { "kind": "Addresses", "value": ["10.0.0.1", "10.0.0.2"] },
                "43": { "kind": "Hex", "value": "0104C0A80001" },
                "66": { "kind": "Text", "value": "tftp.contoso.com" },
                "119": { "kind": "Data", "value": "contoso.com, corp.contoso.com" }
            }),
            "{path}"
        );
    }
    // A PUT naming no setting (an older client's) keeps them.
    let etag = app.call("GET", &one, t, None).await.headers[header::ETAG]
        .to_str()
        .unwrap()
        .to_string();
    let rename = json!({ "ip_address": "10.0.0.170", "client_id": "01:00:15:5d:a7:66:70",
        "identifier_type": "client-id", "name": "pxe-2" });
    let request = Request::put(one.as_str())
        .header("host", "tandem.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::IF_MATCH, etag)
        .body(Body::from(rename.to_string()))
        .unwrap();
    assert_eq!(
        app.router.clone().oneshot(request).await.unwrap().status(),
        StatusCode::OK
    );
    let read = app.call("GET", partner, t, None).await;
    assert_eq!(read.json["name"], "pxe-2");
    assert_eq!(read.json["boot_file_name"], "pxelinux.0", "{}", read.json);
    assert_eq!(read.json["client_classes"], json!(["pxe", "floor-2"]));
    assert_eq!(read.json["options"]["66"]["value"], "tftp.contoso.com");
    // Hostile values: each refused on its field, nothing made.
    for (field, value) in [
        ("identifier_type", json!("remote-id")),
        ("client_id", json!("'\u{1}'")),
        ("next_server", json!("boot.contoso.com")),
        ("server_hostname", json!("x".repeat(64))),
        ("boot_file_name", json!("a\nb")),
        ("client_classes", json!(["a", "a"])),
        (
            "options",
            json!([{ "code": "66", "kind": "Text", "value": "tftp\u{0}" }]),
        ),
        (
            "options",
            json!([{ "code": "3", "kind": "Addresses", "value": "10.0.0.1; rm -rf /" }]),
        ),
        (
            "options",
            json!([{ "code": "300", "kind": "Text", "value": "x" }]),
        ),
        (
            "options",
            json!([{ "code": "66", "kind": "Text", "value": "t".repeat(256) }]),
        ),
        // Kea's other types, field by field; raw hex that is not hex.
        (
            "options",
            json!([{ "code": "119", "kind": "Data", "value": "contoso.com, bad name!" }]),
        ),
        (
            "options",
            json!([{ "code": "146", "kind": "Data", "value": "1, 10.0.0.1" }]),
        ),
        (
            "options",
            json!([{ "code": "93", "kind": "Data", "value": "1, 70000" }]),
        ),
        (
            "options",
            json!([{ "code": "43", "kind": "Hex", "value": "0x1g" }]),
        ),
        (
            "options",
            json!([{ "code": "43", "kind": "Hex", "value": "ab".repeat(256) }]),
        ),
    ] {
        let mut bad = json!({ "ip_address": "10.0.0.171", "client_id": "01:00:15:5d:a7:66:71",
            "identifier_type": "client-id" });
        bad[field] = value;
        let refused = app
            .call("POST", RESERVATIONS, t, Some(&bad.to_string()))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{field}: {}",
            refused.json
        );
        assert!(
            refused.json.to_string().contains(field),
            "{field}: {}",
            refused.json
        );
    }
    let gone = app
        .call("GET", &format!("{RESERVATIONS}/10.0.0.171"), t, None)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

/// A scope-level replication's dry run says what would change on the partner and writes
/// nothing; a replication given the dry run's basis goes ahead only if neither copy changed
/// since.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replication_is_previewed_and_applied_only_as_previewed() {
    use tandem_core::{ScopeId, ServerName};
    let (app, _, token) = app_with_token("preview").await;
    let t = Auth::Token(&token);
    let path = "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/replicate";
    let scope_id = ScopeId::parse("10.0.0.0").unwrap();
    let dc1 = app
        .tandem
        .driver(&ServerName::parse("dc1.contoso.com").unwrap())
        .await
        .unwrap();
    let dhcp1 = app
        .tandem
        .driver(&ServerName::parse("dhcp1.contoso.com").unwrap())
        .await
        .unwrap();
    // Behind Tandem's back: dc1's copy renamed.
    let mut copy = dc1.scope(scope_id).await.unwrap();
    copy.name = "renamed on dc1".into();
    dc1.put_scope(&copy).await.unwrap();

    let preview = app.call("GET", path, t, None).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.json);
    assert_eq!(preview.json["source"], "dhcp1.contoso.com");
    assert_eq!(preview.json["partner"], "dc1.contoso.com");
    let changes = preview.json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{}", preview.json);
    assert_eq!(changes[0]["right"], "renamed on dc1", "{}", preview.json);
    assert_eq!(dc1.scope(scope_id).await.unwrap().name, "renamed on dc1");
    assert!(
        app.events("replicate_scope").await.is_empty(),
        "a dry run is no change"
    );
    let basis = preview.json["basis"].as_str().unwrap().to_string();

    // dc1 changes again after the preview: the replication as previewed is refused.
    copy.description = "and described on dc1".into();
    dc1.put_scope(&copy).await.unwrap();
    let stale = app
        .call("POST", &format!("{path}?basis={basis}"), t, None)
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.json);
    assert!(
        stale.json["detail"]
            .as_str()
            .unwrap()
            .contains("changed since the preview"),
        "{}",
        stale.json
    );
    let now = dc1.scope(scope_id).await.unwrap();
    assert_eq!(
        (now.name.as_str(), now.description.as_str()),
        ("renamed on dc1", "and described on dc1")
    );

    // Previewed again, then applied as shown: dc1 holds dhcp1's copy.
    let preview = app.call("GET", path, t, None).await;
    assert_eq!(preview.json["changes"].as_array().unwrap().len(), 2);
    let basis = preview.json["basis"].as_str().unwrap();
    let done = app
        .call("POST", &format!("{path}?basis={basis}"), t, None)
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json["changes"], preview.json["changes"]);
    let source = dhcp1.scope(scope_id).await.unwrap();
    assert_eq!(dc1.scope(scope_id).await.unwrap().digest(), source.digest());
    let again = app.call("GET", path, t, None).await;
    assert_eq!(again.json["changes"], json!([]), "{}", again.json);

    // A read-only user may not even preview it.
    add_user(&app, "reader", "User", false).await;
    let reader = app.sign_in("reader").await;
    let (reader_token, _) = app.token(&reader, "reader").await;
    let refused = app
        .call("GET", path, Auth::Token(&reader_token), None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
}

/// A relationship's, a server's and several scopes' replications are previewed scope by scope
/// and applied only as previewed, all or nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_scopes_are_previewed_and_replicated_only_as_previewed() {
    use tandem_core::{ScopeId, ServerName};
    let (app, _, token) = app_with_token("previews").await;
    let t = Auth::Token(&token);
    let relationship = "/api/v1/servers/dhcp1.contoso.com/relationships/dhcp1.contoso.com-dc1.contoso.com/replicate";
    let server = "/api/v1/servers/dhcp1.contoso.com/replicate";
    let scope_id = ScopeId::parse("10.0.0.0").unwrap();
    let dc1 = app
        .tandem
        .driver(&ServerName::parse("dc1.contoso.com").unwrap())
        .await
        .unwrap();
    let mut copy = dc1.scope(scope_id).await.unwrap();
    copy.name = "renamed on dc1".into();
    dc1.put_scope(&copy).await.unwrap();

    for path in [relationship, server] {
        let preview = app.call("GET", path, t, None).await;
        assert_eq!(preview.status, StatusCode::OK, "{path}: {}", preview.json);
        let rows = preview.json["scopes"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{}", preview.json);
        assert_eq!(rows[0]["scope_id"], "10.0.0.0");
        assert_eq!(rows[0]["preview"]["partner"], "dc1.contoso.com");
        assert_eq!(rows[0]["preview"]["changes"][0]["right"], "renamed on dc1");
    }
    let several = json!({"scopes": [
        {"server": "dhcp1.contoso.com", "scope_id": "10.0.0.0"},
        {"server": "nowhere.contoso.com", "scope_id": "10.9.0.0"},
    ]});
    let preview = app
        .call(
            "POST",
            "/api/v1/replicate/preview",
            t,
            Some(&several.to_string()),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.json);
    let rows = preview.json["scopes"].as_array().unwrap();
    assert_eq!(rows[0]["preview"]["changes"].as_array().unwrap().len(), 1);
    assert!(rows[1]["preview"].is_null(), "{}", preview.json);
    assert!(
        rows[1]["error"]
            .as_str()
            .unwrap()
            .contains("nowhere.contoso.com"),
        "{}",
        preview.json
    );
    assert!(
        app.events("replicate_scope").await.is_empty(),
        "a dry run is no change"
    );

    // The relationship's preview, then dc1 changes: refused as a whole, nothing written.
    let basis = app.call("GET", relationship, t, None).await.json["basis"]
        .as_str()
        .unwrap()
        .to_string();
    copy.description = "and described on dc1".into();
    dc1.put_scope(&copy).await.unwrap();
    for (method, path, body) in [
        ("POST", format!("{relationship}?basis={basis}"), None),
        ("POST", format!("{server}?basis={basis}"), None),
        (
            "POST",
            "/api/v1/replicate".to_string(),
            Some(json!({"scopes": several["scopes"], "basis": preview.json["basis"]})),
        ),
    ] {
        let body = body.map(|b| b.to_string());
        let stale = app.call(method, &path, t, body.as_deref()).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{path}: {}", stale.json);
        assert!(
            stale.json["detail"]
                .as_str()
                .unwrap()
                .contains("changed since the preview"),
            "{}",
            stale.json
        );
    }
    assert!(
        app.events("replicate_scope").await.is_empty(),
        "nothing written"
    );
    assert_eq!(dc1.scope(scope_id).await.unwrap().name, "renamed on dc1");

    // Previewed again and applied: every scope as shown, each result named.
    let preview = app.call("GET", relationship, t, None).await;
    assert_eq!(
        preview.json["scopes"][0]["preview"]["changes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let basis = preview.json["basis"].as_str().unwrap();
    let done = app
        .call("POST", &format!("{relationship}?basis={basis}"), t, None)
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json[0]["scope_id"], "10.0.0.0");
    assert_eq!(done.json[0]["result"]["Ok"], 2, "{}", done.json);
    assert_eq!(
        dc1.scope(scope_id).await.unwrap().name,
        copy_name(&app).await
    );
    // The server's basis is of the same copies now equal: nothing left to change.
    let preview = app.call("GET", server, t, None).await;
    assert_eq!(preview.json["scopes"][0]["preview"]["changes"], json!([]));

    // Without replicate rights, no preview at any level.
    add_user(&app, "reader", "User", false).await;
    let reader = app.sign_in("reader").await;
    let (reader_token, _) = app.token(&reader, "reader").await;
    for path in [relationship, server] {
        let refused = app
            .call("GET", path, Auth::Token(&reader_token), None)
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            refused.json
        );
    }
}

/// dhcp1's name for the seed scope.
async fn copy_name(app: &App) -> String {
    let dhcp1 = app
        .tandem
        .driver(&tandem_core::ServerName::parse("dhcp1.contoso.com").unwrap())
        .await
        .unwrap();
    dhcp1
        .scope(tandem_core::ScopeId::parse("10.0.0.0").unwrap())
        .await
        .unwrap()
        .name
}

/// Undo from the Event Catalog: a reservation created, edited or deleted is reversed on both
/// partners as an event of its own naming the original; a change since, a second undo, a
/// reader and a bad ID are refused, and nothing is written by a refusal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_are_undone_on_both_partners_only_while_unchanged() {
    use tandem_core::validate::NewReservation;
    use tandem_core::{ScopeId, ServerName};
    let (app, _, token) = app_with_token("undo").await;
    let t = Auth::Token(&token);
    let local = Caller::local("alice");
    let (dhcp1_name, scope) = (
        ServerName::parse("dhcp1.contoso.com").unwrap(),
        ScopeId::parse("10.0.0.0").unwrap(),
    );
    let dhcp1 = app.tandem.driver(&dhcp1_name).await.unwrap();
    let dc1 = app
        .tandem
        .driver(&ServerName::parse("dc1.contoso.com").unwrap())
        .await
        .unwrap();
    let input = |ip: &str, name: &str| NewReservation {
        ip_address: ip.into(),
        client_id: "00-15-5d-a7-66-50".into(),
        name: name.into(),
        ..NewReservation::default()
    };
    let last_event = |action: &'static str| {
        let app = &app;
        async move {
            let rows = app
                .call("GET", &format!("/api/v1/events?action={action}"), t, None)
                .await;
            rows.json["rows"][0].clone()
        }
    };
    let on_both = |ip: &'static str| {
        let (dhcp1, dc1) = (dhcp1.clone(), dc1.clone());
        async move {
            let ip = ip.parse().unwrap();
            (
                dhcp1.scope(scope).await.unwrap().reservation(ip).cloned(),
                dc1.scope(scope).await.unwrap().reservation(ip).cloned(),
            )
        }
    };

    // A creation undone: gone from both, recorded as a deletion naming it.
    app.tandem
        .create_reservation(&local, &dhcp1_name, scope, &input("10.0.0.150", "lab"))
        .await
        .unwrap();
    let created = last_event("create_reservation").await;
    let id = created["id"].as_i64().unwrap();
    let undone = app
        .call("POST", &format!("/api/v1/events/{id}/undo"), t, None)
        .await;
    assert_eq!(undone.status, StatusCode::OK, "{}", undone.json);
    assert_eq!(
        undone.json["replication"]["partner"], "dc1.contoso.com",
        "{}",
        undone.json
    );
    assert_eq!(on_both("10.0.0.150").await, (None, None));
    let undo = last_event("delete_reservation").await;
    assert_eq!(undo["undoes"], id, "{undo}");
    assert_eq!(undo["actor"], "admin", "{undo}");
    let original = app
        .call("GET", "/api/v1/events?action=create_reservation", t, None)
        .await;
    assert_eq!(original.json["rows"][0]["undone_by"], undo["id"]);
    let again = app
        .call("POST", &format!("/api/v1/events/{id}/undo"), t, None)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json);
    assert!(
        again.json["detail"]
            .as_str()
            .unwrap()
            .contains("undone already"),
        "{}",
        again.json
    );

    // The undo undone: the reservation is back on both, as it was.
    let undo_id = undo["id"].as_i64().unwrap();
    let back = app
        .call("POST", &format!("/api/v1/events/{undo_id}/undo"), t, None)
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.json);
    let (a, b) = on_both("10.0.0.150").await;
    assert_eq!(a.as_ref().map(|r| r.name.as_str()), Some("lab"));
    assert_eq!(a, b);

    // An edit undone, but only while the reservation is as the edit left it.
    let version = a.unwrap().version();
    app.tandem
        .edit_reservation(
            &local,
            &dhcp1_name,
            scope,
            "10.0.0.150".parse().unwrap(),
            &version,
            &input("10.0.0.151", "moved"),
        )
        .await
        .unwrap();
    let edit = last_event("edit_reservation").await["id"].as_i64().unwrap();
    let mut behind = dhcp1
        .scope(scope)
        .await
        .unwrap()
        .reservation("10.0.0.151".parse().unwrap())
        .cloned()
        .unwrap();
    behind.name = "renamed behind Tandem's back".into();
    dhcp1
        .update_reservation(scope, behind.ip_address, &behind, None)
        .await
        .unwrap();
    let before = dhcp1.scope(scope).await.unwrap().digest();
    let events_before = app.events("edit_reservation").await.len();
    let stale = app
        .call("POST", &format!("/api/v1/events/{edit}/undo"), t, None)
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.json);
    assert!(
        stale.json["detail"]
            .as_str()
            .unwrap()
            .contains("renamed behind Tandem's back"),
        "the refusal shows the current value: {}",
        stale.json
    );
    assert_eq!(
        dhcp1.scope(scope).await.unwrap().digest(),
        before,
        "nothing written"
    );
    assert_eq!(app.events("edit_reservation").await.len(), events_before);
    behind.name = "moved".into();
    dhcp1
        .update_reservation(scope, behind.ip_address, &behind, None)
        .await
        .unwrap();
    let reverted = app
        .call("POST", &format!("/api/v1/events/{edit}/undo"), t, None)
        .await;
    assert_eq!(reverted.status, StatusCode::OK, "{}", reverted.json);
    assert_eq!(on_both("10.0.0.151").await, (None, None));
    let (a, b) = on_both("10.0.0.150").await;
    assert_eq!(a.as_ref().map(|r| r.name.as_str()), Some("lab"));
    assert_eq!(a, b);

    // A deletion undone: back on both.
    app.tandem
        .delete_reservation(
            &local,
            &dhcp1_name,
            scope,
            "10.0.0.150".parse().unwrap(),
            None,
        )
        .await
        .unwrap();
    let deleted = last_event("delete_reservation").await["id"]
        .as_i64()
        .unwrap();
    let restored = app
        .call("POST", &format!("/api/v1/events/{deleted}/undo"), t, None)
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.json);
    let (a, b) = on_both("10.0.0.150").await;
    assert_eq!(a.as_ref().map(|r| r.name.as_str()), Some("lab"));
    assert_eq!(a, b);

    // Refused: a reader, a bad ID, an unknown event, a kind that cannot be undone.
    add_user(&app, "reader", "User", false).await;
    let reader = app.sign_in("reader").await;
    let (reader_token, _) = app.token(&reader, "reader").await;
    let created = last_event("create_reservation").await["id"]
        .as_i64()
        .unwrap();
    let refused = app
        .call(
            "POST",
            &format!("/api/v1/events/{created}/undo"),
            Auth::Token(&reader_token),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
    for (path, status) in [
        ("/api/v1/events/abc/undo", StatusCode::BAD_REQUEST),
        ("/api/v1/events/-1/undo", StatusCode::BAD_REQUEST),
        ("/api/v1/events/99999999/undo", StatusCode::NOT_FOUND),
    ] {
        let reply = app.call("POST", path, t, None).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.json);
    }
    let token_made = last_event("create_token").await["id"].as_i64().unwrap();
    let kind = app
        .call(
            "POST",
            &format!("/api/v1/events/{token_made}/undo"),
            t,
            None,
        )
        .await;
    assert_eq!(kind.status, StatusCode::BAD_REQUEST, "{}", kind.json);
}

/// Undo of a scope edit (both partners get the properties back) and of a scope replication
/// (the partner gets back the copy it had), each only while unchanged since.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_edits_and_replications_are_undone_only_while_unchanged() {
    use tandem_core::scope_input::ScopeInput;
    use tandem_core::{ScopeId, ServerName};
    let (app, _, token) = app_with_token("undo-scopes").await;
    let t = Auth::Token(&token);
    let local = Caller::local("alice");
    let dhcp1_name = ServerName::parse("dhcp1.contoso.com").unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let dhcp1 = app.tandem.driver(&dhcp1_name).await.unwrap();
    let dc1 = app
        .tandem
        .driver(&ServerName::parse("dc1.contoso.com").unwrap())
        .await
        .unwrap();
    let last = |action: &'static str| {
        let app = &app;
        async move {
            app.call("GET", &format!("/api/v1/events?action={action}"), t, None)
                .await
                .json["rows"][0]
                .clone()
        }
    };
    let original = dhcp1.scope(scope).await.unwrap();

    // A scope edit, undone on both partners.
    let mut input = ScopeInput::of(&original);
    input.name = "renamed through Tandem".into();
    app.tandem
        .update_scope(
            &local,
            &dhcp1_name,
            scope,
            &original.properties_version(),
            &input,
        )
        .await
        .unwrap();
    assert_eq!(
        dc1.scope(scope).await.unwrap().name,
        "renamed through Tandem"
    );
    let edit = last("update_scope").await["id"].as_i64().unwrap();
    let undone = app
        .call("POST", &format!("/api/v1/events/{edit}/undo"), t, None)
        .await;
    assert_eq!(undone.status, StatusCode::OK, "{}", undone.json);
    for server in [&dhcp1, &dc1] {
        assert_eq!(server.scope(scope).await.unwrap().name, original.name);
    }
    assert_eq!(last("update_scope").await["undoes"], edit);

    // Edited again, then changed behind Tandem's back: refused, nothing written.
    let now = dhcp1.scope(scope).await.unwrap();
    app.tandem
        .update_scope(
            &local,
            &dhcp1_name,
            scope,
            &now.properties_version(),
            &input,
        )
        .await
        .unwrap();
    let edit = last("update_scope").await["id"].as_i64().unwrap();
    let mut behind = dhcp1.scope(scope).await.unwrap();
    behind.description = "described behind Tandem's back".into();
    dhcp1.put_scope(&behind).await.unwrap();
    let stale = app
        .call("POST", &format!("/api/v1/events/{edit}/undo"), t, None)
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.json);
    assert!(
        stale.json["detail"]
            .as_str()
            .unwrap()
            .contains("has changed since"),
        "{}",
        stale.json
    );
    assert_eq!(dhcp1.scope(scope).await.unwrap().digest(), behind.digest());

    // A replication undone: dc1 gets back its own copy; dhcp1 is untouched.
    let mut own = dc1.scope(scope).await.unwrap();
    own.name = "dc1's own copy".into();
    dc1.put_scope(&own).await.unwrap();
    let own = dc1.scope(scope).await.unwrap();
    app.tandem
        .replicate_scope(&local, &dhcp1_name, scope)
        .await
        .unwrap();
    assert_eq!(dc1.scope(scope).await.unwrap().digest(), behind.digest());
    let replication = last("replicate_scope").await["id"].as_i64().unwrap();
    let restored = app
        .call(
            "POST",
            &format!("/api/v1/events/{replication}/undo"),
            t,
            None,
        )
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.json);
    assert_eq!(restored.json["server"], "dc1.contoso.com");
    assert_eq!(dc1.scope(scope).await.unwrap().digest(), own.digest());
    assert_eq!(dhcp1.scope(scope).await.unwrap().digest(), behind.digest());
    let restore = last("restore_scope").await;
    assert_eq!(restore["undoes"], replication, "{restore}");
    assert_eq!(restore["outcome"], "ok", "{restore}");
    // Replicated again, then dc1 changed: the undo is refused, dc1 left as it is.
    app.tandem
        .replicate_scope(&local, &dhcp1_name, scope)
        .await
        .unwrap();
    let replication = last("replicate_scope").await["id"].as_i64().unwrap();
    let mut changed = dc1.scope(scope).await.unwrap();
    changed.name = "changed on dc1 since".into();
    dc1.put_scope(&changed).await.unwrap();
    let stale = app
        .call(
            "POST",
            &format!("/api/v1/events/{replication}/undo"),
            t,
            None,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.json);
    assert_eq!(dc1.scope(scope).await.unwrap().name, "changed on dc1 since");
}

/// The configuration review: the seed pair is sound; a client reserved at another address on
/// the partner is found, named and explained; an unreadable server is named, not passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_checks_each_pair_as_a_pair() {
    use tandem_core::{ScopeId, ServerName};
    let (app, _, token) = app_with_token("review").await;
    let t = Auth::Token(&token);
    let sound = app.call("GET", "/api/v1/review", t, None).await;
    assert_eq!(sound.status, StatusCode::OK, "{}", sound.json);
    assert_eq!(sound.json["findings"], json!([]), "{}", sound.json);
    assert_eq!(sound.json["unreadable"], json!([]), "{}", sound.json);
    assert!(sound.json["reviewed_at"].is_string(), "{}", sound.json);

    // Behind Tandem's back, dc1 moves the seed client's reservation to another address.
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let dc1_name = ServerName::parse("dc1.contoso.com").unwrap();
    let dc1 = app.tandem.driver(&dc1_name).await.unwrap();
    let mut copy = dc1.scope(scope).await.unwrap();
    copy.reservations[0].ip_address = "10.0.0.98".parse().unwrap();
    dc1.put_scope(&copy).await.unwrap();
    // The kept review does not know yet; the watch's pass (here "Check drift now") finds the
    // change and reviews again.
    let kept = app.call("GET", "/api/v1/review", t, None).await;
    assert_eq!(kept.json["findings"], json!([]), "{}", kept.json);
    app.tandem
        .check_drift(&Caller::local("test"))
        .await
        .unwrap();
    let found = app.call("GET", "/api/v1/review", t, None).await;
    let findings = found.json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{}", found.json);
    let f = &findings[0];
    assert_eq!(f["check"], "client-reserved-at-two-addresses");
    assert_eq!(f["severity"], "Error");
    assert_eq!(f["scope_id"], "10.0.0.0");
    let explanation = f["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("10.0.0.99") && explanation.contains("10.0.0.98"),
        "{explanation}"
    );
    let key = format!(
        "{}|{}|{}",
        f["check"].as_str().unwrap(),
        f["server"].as_str().unwrap(),
        f["object"].as_str().unwrap()
    );
    let dashboard = app.tandem.dashboard(&Caller::local("test")).await.unwrap();
    assert_eq!(dashboard.review, Some((1, 0)));

    // A reader may not dismiss it (its role may not change reservations): refused, kept.
    add_user(&app, "reader", "User", false).await;
    let reader = app.sign_in("reader").await;
    let (reader_token, _) = app.token(&reader, "reader").await;
    let body = json!({ "key": key }).to_string();
    let refused = app
        .call(
            "POST",
            "/api/v1/review/dismiss",
            Auth::Token(&reader_token),
            Some(body.as_str()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
    // An unknown finding, or a field too many: said, nothing kept.
    let unknown = app
        .call(
            "POST",
            "/api/v1/review/dismiss",
            t,
            Some(r#"{"key": "x|y|z"}"#),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.json);
    let extra = app
        .call(
            "POST",
            "/api/v1/review/dismiss",
            t,
            Some(&json!({ "key": key, "x": 1 }).to_string()),
        )
        .await;
    assert_eq!(extra.status, StatusCode::BAD_REQUEST, "{}", extra.json);
    // The administrator dismisses it: out of the counts, listed apart with who and when;
    // recorded as an event; restored, it counts again.
    let done = app
        .call("POST", "/api/v1/review/dismiss", t, Some(body.as_str()))
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.json);
    let after = app.call("GET", "/api/v1/review", t, None).await;
    assert_eq!(after.json["findings"], json!([]), "{}", after.json);
    assert_eq!(after.json["dismissed"][0]["by"], "admin", "{}", after.json);
    assert_eq!(
        after.json["dismissed"][0]["finding"]["check"],
        "client-reserved-at-two-addresses"
    );
    let dashboard = app.tandem.dashboard(&Caller::local("test")).await.unwrap();
    assert_eq!(dashboard.review, Some((0, 0)));
    let recorded = app.events("dismiss_finding").await;
    assert_eq!(
        recorded
            .iter()
            .filter(|(actor, outcome, _)| actor == "admin" && outcome == "ok")
            .count(),
        1,
        "{recorded:?}"
    );
    // Reviewed again: still dismissed (kept by the finding's key).
    let again = app.call("POST", "/api/v1/review", t, None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.json);
    assert_eq!(again.json["findings"], json!([]), "{}", again.json);
    assert_eq!(again.json["dismissed"].as_array().unwrap().len(), 1);
    let restored = app
        .call("POST", "/api/v1/review/restore", t, Some(body.as_str()))
        .await;
    assert_eq!(restored.status, StatusCode::NO_CONTENT, "{}", restored.json);
    let dashboard = app.tandem.dashboard(&Caller::local("test")).await.unwrap();
    assert_eq!(dashboard.review, Some((1, 0)));

    // dc1 offline: named as unreadable, and its pair is not checked on half the facts.
    app.tandem
        .set_server_online(&Caller::local("test"), &dc1_name, false)
        .await
        .unwrap();
    let half = app.call("POST", "/api/v1/review", t, None).await;
    assert_eq!(half.json["findings"], json!([]), "{}", half.json);
    assert_eq!(
        half.json["unreadable"][0]["server"], "dc1.contoso.com",
        "{}",
        half.json
    );
}

/// Hostile input on every route: no panic, no 5xx, and every refusal a JSON body saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_hostile_input_in_words() {
    let (app, _, token) = app_with_token("fuzz").await;
    let t = Auth::Token(&token);
    let routes = [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/x"),
        ("GET", "/api/v1/servers"),
        ("POST", "/api/v1/servers/dhcp1.contoso.com/replicate"),
        ("POST", "/api/v1/events/1/undo"),
        ("GET", "/api/v1/scopes"),
        ("GET", "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0"),
        (
            "POST",
            "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/replicate",
        ),
        (
            "GET",
            "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/replicate",
        ),
        ("GET", RESERVATIONS),
        ("POST", RESERVATIONS),
        (
            "GET",
            "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/reservations/10.0.0.99",
        ),
        (
            "PUT",
            "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/reservations/10.0.0.99",
        ),
        ("GET", "/api/v1/relationships"),
        (
            "POST",
            "/api/v1/servers/dhcp1.contoso.com/relationships/none/replicate",
        ),
        (
            "POST",
            "/api/v1/servers/dhcp1.contoso.com/relationships/none/partner-down",
        ),
        (
            "DELETE",
            "/api/v1/relationships/none/scopes/10.0.0.0/sync-error",
        ),
        ("GET", "/api/v1/search"),
        ("GET", "/api/v1/events"),
    ];
    let long = "9".repeat(5000);
    let queries = [
        String::new(),
        "?page=-1&per_page=999999999999&sort=%00&order=sideways".to_string(),
        format!("?q={long}&limit={long}&all=maybe&filter=%FF%FE"),
        "?all=true&q=10.0.0.99&limit=abc".to_string(),
    ];
    let bodies = [
        None,
        Some("{"),
        Some("[]"),
        Some("null"),
        Some(r#"{"name":123,"ip_address":{"a":1},"client_id":[],"type":"Alien"}"#),
        Some(r#"{"name":"\u0000","expires_in_days":4294967296}"#),
    ];
    let mut sent = 0;
    for (method, path) in routes {
        for q in &queries {
            for body in bodies {
                let reply = app.call(method, &format!("{path}{q}"), t, body).await;
                sent += 1;
                assert!(
                    reply.status.as_u16() < 500,
                    "{method} {path}{q} {body:?}: {} {}",
                    reply.status,
                    reply.json
                );
                if !reply.status.is_success() {
                    assert!(
                        reply.json["detail"].is_string(),
                        "{method} {path}{q} {body:?}: {} {}",
                        reply.status,
                        reply.json
                    );
                }
            }
        }
    }
    eprintln!("hostile API requests sent: {sent}");
    // Nothing was written: the seed's one reservation, no token but the fuzzer's.
    let listed = app.call("GET", RESERVATIONS, t, None).await;
    assert_eq!(listed.json["total"], 1, "{}", listed.json);
    let tokens = app.call("GET", "/api/v1/tokens", t, None).await;
    assert_eq!(tokens.json.as_array().unwrap().len(), 1, "{}", tokens.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scopes_and_reservations_export_as_csv_with_the_filters_in_force() {
    let (app, _, token) = app_with_token("export").await;
    let t = Auth::Token(&token);
    // A /22 scope with 600 reservations: more than one page of the largest size (500), and
    // one that a spreadsheet would read as a formula.
    let big = "/api/v1/servers/dhcp1.contoso.com/scopes/10.8.0.0/reservations";
    app.tandem
        .create_scope(
            &Caller::local("test"),
            &tandem_core::ServerName::parse("dhcp1.contoso.com").unwrap(),
            &tandem_core::scope_input::ScopeInput {
                scope_id: "10.8.0.0".into(),
                subnet_mask: "/22".into(),
                name: "lab".into(),
                start: "10.8.0.1".into(),
                end: "10.8.3.254".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for i in 0..600u32 {
        let ip = format!("10.8.{}.{}", i / 250, 1 + i % 250);
        let mac = format!("00155D{i:06X}");
        let name = if i == 7 {
            "=HYPERLINK(\"x\")".to_string()
        } else {
            format!("host {i}")
        };
        let body = json!({ "ip_address": ip, "client_id": mac, "name": name }).to_string();
        let made = app.call("POST", big, t, Some(&body)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{ip}: {}", made.json);
    }
    let request = |path: &str| {
        Request::get(path)
            .header("host", "tandem.test")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let text = |path: &str| {
        let r = request(path);
        async {
            let response = app.router.clone().oneshot(r).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            assert!(
                response.headers()[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            String::from_utf8(bytes.to_vec()).unwrap()
        }
    };
    let all = text(&format!("{big}.csv")).await;
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(
        lines[0],
        "ScopeId,IPAddress,Name,ClientId,Description,Type,IdentifierType"
    );
    assert_eq!(lines.len(), 1 + 600);
    assert!(lines[1].starts_with("10.8.0.0,10.8."), "{}", lines[1]);
    assert!(
        all.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "formula defused and quoted"
    );
    // The filter in force.
    let filtered = text(&format!("{big}.csv?filter=host%2059")).await;
    assert_eq!(
        filtered.lines().count(),
        1 + 11,
        "host 59 and host 590-599: {filtered}"
    );
    // The scopes list, filtered like the view.
    let scopes = text("/api/v1/scopes.csv?server=dhcp1.contoso.com&sort=name").await;
    let rows: Vec<&str> = scopes.lines().collect();
    assert_eq!(rows.len(), 3, "{scopes}");
    assert!(
        rows[2].starts_with("dhcp1.contoso.com,10.8.0.0,lab,10.8.0.1,10.8.3.254,"),
        "{scopes}"
    );
    assert!(rows[2].contains(",600,"), "{scopes}");
}

/// Every annotated handler, counted in the API's sources.
fn annotated_handlers() -> usize {
    // Every file of the API module, read as it is: a file added later counts too.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .map(|s| s.matches("#[utoipa::path(").count())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_description_names_every_route_and_every_route_answers() {
    let (app, _, token) = app_with_token("describe").await;
    // Served to anyone: the description is not a secret.
    let reply = app
        .call("GET", "/api/v1/openapi.json", Auth::None, None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let api = reply.json;
    assert_eq!(api["openapi"], "3.1.0");
    assert_eq!(api["servers"][0]["url"], "/api/v1");
    assert_eq!(
        api["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    // Every route is added to the router with its annotation (`routes!`), and nothing else
    // is routed but the description itself: so every handler written is described...
    let source = include_str!("../src/api/mod.rs");
    assert_eq!(
        source.matches(".route(").count(),
        1,
        "only /openapi.json is routed outside routes!()"
    );
    let mut operations = Vec::new();
    for (path, item) in api["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["responses"]["401"].is_object() && op["responses"]["400"].is_object(),
                "{method} {path} names its refusals"
            );
            assert!(op["tags"][0].is_string(), "{method} {path} has a tag");
            operations.push((method.to_uppercase(), path.clone()));
        }
    }
    assert_eq!(operations.len(), annotated_handlers());
    assert!(operations.len() >= 38, "{} operations", operations.len());

    // ...and every described route is answered by its handler (never the router's "no such
    // route" or 405). Names that do not exist keep it harmless: nothing is changed.
    for (method, path) in &operations {
        let concrete = path
            .replace("{server}", "nosuch.example.com")
            .replace("{scope}", "10.99.0.0")
            .replace("{ip}", "10.99.0.9")
            .replace("{name}", "no-such-relationship")
            .replace("{id}", "999999")
            .replace("{range}", "10.99.0.10-10.99.0.20")
            .replace("{identifier_type}", "hw-address")
            .replace("{client_id}", "00-15-5d-00-00-99");
        let body = (method == "POST" || method == "PUT").then_some("{}");
        let reply = app
            .call(
                method,
                &format!("/api/v1{concrete}"),
                Auth::Token(&token),
                body,
            )
            .await;
        assert_ne!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_ne!(
            reply.json["detail"], "no such API route",
            "{method} {path} is routed"
        );
        assert!(
            reply.status.is_success() || reply.json["detail"].is_string(),
            "{method} {path}: {} {}",
            reply.status,
            reply.json
        );
    }
    // A path that is not described is not routed.
    let reply = app
        .call("GET", "/api/v1/not-a-route", Auth::Token(&token), None)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json["detail"], "no such API route");
}

impl App {
    /// Posts `body` as a file of `content_type` with a token.
    async fn post_file(&self, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let request = Request::builder()
            .method("POST")
            .uri(path)
            .header("host", "tandem.test")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    /// The reservations `server` holds in the seed's scope, as `ip name` lines.
    async fn held(&self, server: &str) -> Vec<String> {
        let view = self
            .tandem
            .list_reservations(
                &Caller::local("test"),
                &tandem_core::ServerName::parse(server).unwrap(),
                tandem_core::ScopeId::parse("10.0.0.0").unwrap(),
                &tandem_core::views::ReservationQuery::default(),
            )
            .await
            .unwrap();
        view.reservations
            .iter()
            .map(|r| format!("{} {} {}", r.ip_address, r.client_id, r.name))
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reservations_csv_is_previewed_then_applied_to_both_partners() {
    let (app, _, token) = app_with_token("import").await;
    let preview = "/api/v1/servers/dhcp1.contoso.com/reservations/import-preview";
    let apply = "/api/v1/servers/dhcp1.contoso.com/reservations/import";
    let before = app.held("dhcp1.contoso.com").await;
    assert_eq!(before, app.held("dc1.contoso.com").await);
    let seed = before[0].clone(); // "10.0.0.99 <mac> <name>"
    let seed_mac = seed.split(' ').nth(1).unwrap().to_string();
    // The seed's reservation renamed, two new ones (MACs in two spellings), and refusals.
    let file = format!(
        "\u{feff}scopeid,ipaddress,name,clientid,description,type\r\n\
         10.0.0.0,10.0.0.99,renamed,{seed_mac},,Both\r\n\
         10.0.0.0,10.0.0.120,printer,00:15:5d:00:01:20,\"2nd floor, east\",\r\n\
         10.0.0.0,10.0.0.121,scanner,0015.5d00.0121,,Dhcp\r\n\
         10.0.0.0,10.0.0.121,again,00-15-5d-00-01-22,,\r\n\
         10.0.0.0,10.1.0.5,outside,00-15-5d-00-01-23,,\r\n\
         10.0.0.0,10.0.0.124,badmac,00-15-5d-00-01,,\r\n\
         10.5.0.0,10.5.0.1,noscope,00-15-5d-00-01-25,,\r\n"
    );
    let reply = app
        .post_file(preview, &token, "text/csv", file.clone().into_bytes())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let counts = &reply.json["counts"];
    assert_eq!(
        (
            &counts["add"],
            &counts["change"],
            &counts["unchanged"],
            &counts["refused"]
        ),
        (&json!(2), &json!(1), &json!(0), &json!(4)),
        "{}",
        reply.json
    );
    let rows = reply.json["rows"].as_array().unwrap();
    let said = |i: usize| {
        (
            rows[i]["action"].as_str().unwrap(),
            rows[i]["reason"].as_str().unwrap_or(""),
        )
    };
    assert_eq!(said(0).0, "Change");
    assert!(said(0).1.contains("→ 'renamed'"), "{:?}", said(0));
    assert!(said(3).1.contains("also on line 4"), "{:?}", said(3));
    assert!(said(4).1.contains("outside scope"), "{:?}", said(4));
    assert!(said(5).1.starts_with("ClientId:"), "{:?}", said(5));
    assert!(
        said(6)
            .1
            .contains("scope 10.5.0.0 is not on dhcp1.contoso.com"),
        "{:?}",
        said(6)
    );
    // A preview writes nothing.
    assert_eq!(app.held("dhcp1.contoso.com").await, before);

    let reply = app
        .post_file(apply, &token, "text/csv", file.into_bytes())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    assert_eq!(reply.json["applied"], true);
    assert_eq!(reply.json["counts"]["failed"], 0);
    let rows = reply.json["rows"].as_array().unwrap();
    assert_eq!(rows[1]["applied"], true);
    assert_eq!(rows[4]["applied"], Value::Null);
    assert_eq!(
        reply.json["replication"][0],
        "scope 10.0.0.0: replicated to dc1.contoso.com"
    );
    let after = app.held("dhcp1.contoso.com").await;
    assert_eq!(
        after,
        [
            format!("10.0.0.99 {seed_mac} renamed"),
            "10.0.0.120 00-15-5d-00-01-20 printer".to_string(),
            "10.0.0.121 00-15-5d-00-01-21 scanner".to_string(),
        ]
    );
    assert_eq!(app.held("dc1.contoso.com").await, after, "both partners");
    let events = app.events("import_reservations").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].1, "ok");
    assert_eq!(events[0].2.as_deref(), Some("API token import"));

    // Applied again: every row that was done is now unchanged.
    let again = "ScopeId,IPAddress,Name,ClientId\n10.0.0.0,10.0.0.120,printer,00155d000120\n";
    let reply = app.post_file(apply, &token, "text/csv", again.into()).await;
    assert_eq!(reply.json["counts"]["unchanged"], 1, "{}", reply.json);
    assert_eq!(
        app.events("import_reservations").await.len(),
        1,
        "nothing to write, nothing recorded"
    );

    // A file that cannot be read: 4xx naming what is wrong, nothing written.
    for (content_type, body, status, words) in [
        ("text/csv", vec![0xFF, 0xFE, b'S', 0, b'c'], 400, "UTF-16"),
        (
            "text/csv",
            b"ScopeId,IPAddress,Name\n10.0.0.0,10.0.0.130,x\n".to_vec(),
            400,
            "lacks ClientId",
        ),
        (
            "text/csv",
            b"ScopeId,IPAddress,ClientId\n10.0.0.0,\xe9,x\n".to_vec(),
            400,
            "not UTF-8",
        ),
        ("application/json", b"{}".to_vec(), 415, "text/csv"),
    ] {
        let reply = app.post_file(apply, &token, content_type, body).await;
        assert_eq!(reply.status.as_u16(), status, "{}", reply.json);
        let text = reply.json.to_string();
        assert!(text.contains(words), "{text}");
        if status == 400 {
            assert_eq!(reply.json["errors"][0]["field"], "file");
        }
    }
    assert_eq!(app.held("dhcp1.contoso.com").await, after);
    // What Windows PowerShell 5.1's Export-Csv really writes (a #TYPE line, every field
    // quoted, the CIM columns, CRLF), and its Unicode (UTF-16) and -UseCulture (`;`) variants,
    // byte for byte: each imported into both partners.
    for (name, bytes, ips) in [
        (
            "ps51",
            &include_bytes!("../../core/tests/fixtures/windows/export-csv-ps51.csv")[..],
            ["10.0.0.150", "10.0.0.151"],
        ),
        (
            "unicode",
            &include_bytes!("../../core/tests/fixtures/windows/export-csv-ps51-unicode.csv")[..],
            ["10.0.0.150", "10.0.0.151"],
        ),
        (
            "useculture",
            &include_bytes!("../../core/tests/fixtures/windows/export-csv-ps51-useculture.csv")[..],
            ["10.0.0.150", "10.0.0.151"],
        ),
    ] {
        let reply = app
            .post_file(apply, &token, "text/csv", bytes.to_vec())
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.json);
        let held = app.held("dhcp1.contoso.com").await;
        for ip in ips {
            assert!(
                held.iter().any(|h| h.starts_with(&format!("{ip} "))),
                "{name}: {held:?}"
            );
        }
        assert_eq!(
            app.held("dc1.contoso.com").await,
            held,
            "{name}: both partners"
        );
        // The next variant finds them unchanged: each file read alike.
        if name != "ps51" {
            assert_eq!(
                reply.json["counts"]["unchanged"], 2,
                "{name}: {}",
                reply.json
            );
        }
    }
    // The preview names the columns it does not read.
    let ps51 = include_bytes!("../../core/tests/fixtures/windows/export-csv-ps51.csv");
    let previewed = app
        .post_file(preview, &token, "text/csv", ps51.to_vec())
        .await;
    assert_eq!(
        previewed.json["ignored_columns"],
        json!([
            "AddressState",
            "PSComputerName",
            "CimClass",
            "CimInstanceProperties",
            "CimSystemProperties"
        ])
    );
    // Exported for Windows (`Import-Csv | Add-DhcpServerv4Reservation`), then imported back
    // after the reservations are gone: the same on both partners, a pair moved either way. A
    // reservation by client ID, which Windows cannot hold, is left out and counted.
    let by_client_id = json!({ "ip_address": "10.0.0.152", "client_id": "01-00-15-5d-a7-66-52",
        "identifier_type": "client-id", "name": "by-client-id" });
    let made = app
        .call(
            "POST",
            RESERVATIONS,
            Auth::Token(&token),
            Some(&by_client_id.to_string()),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    let before = app.held("dhcp1.contoso.com").await;
    let export = Request::get(format!("{RESERVATIONS}.csv?format=windows"))
        .header("host", "tandem.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(export).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["tandem-left-out"], "1");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        r#""ScopeId","IPAddress","Name","ClientId","Description","Type""#
    );
    assert!(
        lines.contains(
            &r#""10.0.0.0","10.0.0.150","printer-150.contoso.com","00-15-5d-a7-66-50","Printer, floor 2","Both""#
        ),
        "{text}"
    );
    assert!(!text.contains("10.0.0.152"), "{text}");
    assert_eq!(lines.last(), Some(&""), "every line ends with CRLF");
    for ip in ["10.0.0.150", "10.0.0.151"] {
        let gone = app
            .call(
                "DELETE",
                &format!("{RESERVATIONS}/{ip}"),
                Auth::Token(&token),
                None,
            )
            .await;
        assert_eq!(gone.status, StatusCode::OK, "{}", gone.json);
    }
    let back = app
        .post_file(apply, &token, "text/csv", bytes.to_vec())
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.json);
    assert_eq!(back.json["counts"]["add"], 2, "{}", back.json);
    assert_eq!(app.held("dhcp1.contoso.com").await, before);
    assert_eq!(app.held("dc1.contoso.com").await, before);
    let bad_format = app
        .call(
            "GET",
            &format!("{RESERVATIONS}.csv?format=excel"),
            Auth::Token(&token),
            None,
        )
        .await;
    assert_eq!(bad_format.errors_field(), "format");
    // A read-only user may not import, nor preview.
    add_user(&app, "reader", "User", false).await;
    let reader = app.sign_in("reader").await;
    let (reader_token, _) = app.token(&reader, "reader").await;
    let reply = app
        .post_file(preview, &reader_token, "text/csv", again.into())
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn leases_fill_the_scopes_figures_and_are_found_on_the_partner_holding_them() {
    use tandem_backend::builtin::Lease;
    use tandem_core::{MacAddress, ScopeId};
    let (app, _, token) = app_with_token("leases").await;
    let t = Auth::Token(&token);
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let lease = |last: u8, host: &str, hours: i64| Lease {
        scope_id: scope,
        ip_address: [10, 0, 0, last].into(),
        client_id: MacAddress::parse(&format!("02-00-00-00-00-{last:02x}")).unwrap(),
        expires: (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339(),
        hostname: host.into(),
        declined: false,
    };
    // dhcp1 holds three leases: two active (one of them the seed's reserved 10.0.0.99), one
    // expired; dc1 holds one of them too (the failover protocol carries it).
    let dhcp1 = app
        ._builtin
        .iter()
        .find(|b| b.name.as_str() == "dhcp1.contoso.com")
        .unwrap();
    let dc1 = app
        ._builtin
        .iter()
        .find(|b| b.name.as_str() == "dc1.contoso.com")
        .unwrap();
    for l in [
        lease(10, "pc10.contoso.com", 8),
        lease(99, "", 8),
        lease(11, "old", -1),
    ] {
        dhcp1.server.change(|c| c.add_lease(l)).await.unwrap();
    }
    dc1.server
        .change(|c| c.add_lease(lease(10, "pc10.contoso.com", 8)))
        .await
        .unwrap();
    // Hostile or malformed leases are refused by the server, field by field.
    let mut bad = lease(12, "a b", 1);
    bad.expires = "tomorrow".into();
    let refused = dhcp1.server.change(|c| c.add_lease(bad)).await.unwrap_err();
    let refused = format!("{refused:?}");
    assert!(
        refused.contains("hostname") && refused.contains("expires"),
        "{refused}"
    );

    // The watch's pass (here: "Check drift now") reads the figures into the inventory.
    app.tandem
        .check_drift(&Caller::local("test"))
        .await
        .unwrap();
    let page = app
        .call("GET", "/api/v1/scopes?sort=usage&order=desc", t, None)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.json);
    let usage_of = |server: &str| {
        page.json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["server"] == server)
            .unwrap()["usage"]
            .clone()
    };
    // 254 addresses: .10 and .99 leased (the reservation's own lease counted once), .11's
    // lease expired.
    assert_eq!(
        usage_of("dhcp1.contoso.com"),
        json!({"total": 254, "in_use": 2, "reserved": 0, "free": 252})
    );
    // dc1: .10 leased, the reservation .99 without a lease there.
    assert_eq!(
        usage_of("dc1.contoso.com"),
        json!({"total": 254, "in_use": 1, "reserved": 1, "free": 252})
    );
    // Over 0.x %: both are under 1 %, so "over 1 %" finds none; a fuller scope is found.
    let over = app
        .call("GET", "/api/v1/scopes?usage_over=1", t, None)
        .await;
    assert_eq!(over.json["total"], 0, "{}", over.json);
    for last in 20..=30 {
        dhcp1
            .server
            .change(|c| c.add_lease(lease(last, "", 8)))
            .await
            .unwrap();
    }
    app.tandem
        .check_drift(&Caller::local("test"))
        .await
        .unwrap();
    // 13 of 254: 5.1 %.
    let over = app
        .call("GET", "/api/v1/scopes?usage_over=6", t, None)
        .await;
    assert_eq!(over.json["total"], 0, "{}", over.json);
    let over = app
        .call("GET", "/api/v1/scopes?usage_over=5", t, None)
        .await;
    assert_eq!(over.json["total"], 1, "{}", over.json);
    assert_eq!(over.json["rows"][0]["server"], "dhcp1.contoso.com");
    assert_eq!(over.json["rows"][0]["usage"]["in_use"], 13);
    // The CSV export carries the figures.
    let request = axum::http::Request::builder()
        .uri("/api/v1/scopes.csv?server=dhcp1.contoso.com")
        .header("host", "tandem.test")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",InUse,Reserved,Free,Addresses,PercentNotFree,SharedNetwork"),
        "{text}"
    );
    assert!(
        text.lines().nth(1).unwrap().ends_with(",13,0,241,254,5.1,"),
        "{text}"
    );
    // The Dashboard's fullest scopes, fullest first.
    let dashboard = app.tandem.dashboard(&Caller::local("test")).await.unwrap();
    let fullest: Vec<&str> = dashboard
        .fullest
        .iter()
        .map(|r| r.server.as_str())
        .collect();
    assert_eq!(fullest, ["dhcp1.contoso.com", "dc1.contoso.com"]);

    // Scope Properties: this server's figure, read now, and the partner's beside it.
    let view = app
        .call(
            "GET",
            "/api/v1/servers/dc1.contoso.com/scopes/10.0.0.0/reservations",
            t,
            None,
        )
        .await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.json);
    assert_eq!(view.json["row"]["usage"]["in_use"], 1, "{}", view.json);
    assert_eq!(view.json["partner_usage"]["in_use"], 13, "{}", view.json);

    // The lease search, by address, MAC (any spelling) and host name (any case).
    let find = async |q: &str| {
        app.call("GET", &format!("/api/v1/leases?q={q}"), t, None)
            .await
    };
    let by_ip = find("10.0.0.10").await;
    assert_eq!(by_ip.status, StatusCode::OK, "{}", by_ip.json);
    assert_eq!(by_ip.json["searched"], 2);
    let holders: Vec<&str> = by_ip.json["leases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["server"].as_str().unwrap())
        .collect();
    assert_eq!(holders, ["dc1.contoso.com", "dhcp1.contoso.com"]);
    assert_eq!(by_ip.json["leases"][0]["state"], "active");
    assert_eq!(by_ip.json["leases"][0]["hostname"], "pc10.contoso.com");
    assert_eq!(by_ip.json["leases"][0]["scope_id"], "10.0.0.0");
    let by_mac = find("02:00:00:00:00:0B").await;
    assert_eq!(by_mac.json["leases"][0]["ip_address"], "10.0.0.11");
    assert_eq!(by_mac.json["leases"][0]["state"], "expired");
    let by_name = find("PC10.Contoso.com").await;
    assert_eq!(by_name.json["leases"].as_array().unwrap().len(), 2);
    assert_eq!(find("10.0.0.200").await.json["leases"], json!([]));
    // Not something to search for: a field-level error, nothing asked of the servers.
    let bad = find("%3Cscript%3E").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.json);
    assert_eq!(bad.json["errors"][0]["field"], "q", "{}", bad.json);

    // dc1 offline: named, not waited for; dhcp1's lease still found.
    app.tandem
        .set_server_online(
            &Caller::local("test"),
            &tandem_core::ServerName::parse("dc1.contoso.com").unwrap(),
            false,
        )
        .await
        .unwrap();
    let half = find("10.0.0.10").await;
    assert_eq!(half.json["leases"].as_array().unwrap().len(), 1);
    assert_eq!(half.json["unanswered"][0]["server"], "dc1.contoso.com");
}

/// The built-in server has no client classes: asked for them, it answers 404, saying so; an
/// unknown server is 404 too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_classes_are_asked_of_a_server_that_has_them() {
    let (app, _, token) = app_with_token("classes").await;
    let t = Auth::Token(&token);
    let builtin = app
        .call(
            "GET",
            "/api/v1/servers/dhcp1.contoso.com/client-classes",
            t,
            None,
        )
        .await;
    assert_eq!(builtin.status, StatusCode::NOT_FOUND, "{}", builtin.json);
    assert!(
        builtin.json.to_string().contains("has no client classes"),
        "{}",
        builtin.json
    );
    let unknown = app
        .call(
            "GET",
            "/api/v1/servers/nowhere.example/client-classes",
            t,
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.json);
}

/// Every list pages the same way — `page` and `per_page`, its `total` in the body, `Link`
/// headers to the first, previous, next and last pages — and refuses a name it does not take
/// (an old paging name among them) naming what it does, with nothing else answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_pages_the_same_way_and_names_what_it_takes() {
    let (app, _, token) = app_with_token("paging").await;
    let t = Auth::Token(&token);
    let lists = [
        "/api/v1/servers",
        "/api/v1/scopes",
        "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/reservations",
        "/api/v1/relationships",
        "/api/v1/events",
    ];
    for list in lists {
        let all = app.call("GET", list, t, None).await;
        assert_eq!(all.status, StatusCode::OK, "{list}: {}", all.json);
        let total = all.json["total"].as_u64().unwrap();
        assert!(total >= 1, "{list}: {}", all.json);
        assert_eq!(all.json["page"]["number"], 1, "{list}");
        // Page by page, one row each, following `next` to the end.
        let mut url = format!("{list}?per_page=1");
        let mut seen = 0;
        loop {
            let page = app.call("GET", &url, t, None).await;
            assert_eq!(page.status, StatusCode::OK, "{url}: {}", page.json);
            assert_eq!(page.json["total"].as_u64(), Some(total), "{url}");
            seen += 1;
            let links = page.headers[header::LINK].to_str().unwrap().to_string();
            assert!(links.contains("rel=\"first\""), "{links}");
            assert!(
                links.contains(&format!("page={total}>; rel=\"last\"")),
                "{links}"
            );
            match links
                .split(", ")
                .find(|l| l.ends_with("rel=\"next\""))
                .map(|l| l.trim_start_matches('<').split('>').next().unwrap())
            {
                Some(next) => {
                    assert!(
                        next.starts_with(list) && next.contains("per_page=1"),
                        "{next}"
                    );
                    url = next.to_string();
                }
                None => break,
            }
            assert!(seen <= total, "{list}: more pages than rows");
        }
        assert_eq!(seen, total, "{list}: every row's page visited");
        // Old and unknown names, and pages out of range: 400 naming the parameter.
        for (query, field, says) in [
            ("limit=5", "limit", "per_page"),
            ("offset=5", "offset", "page"),
            ("colour=blue", "colour", "per_page"),
            ("per_page=0", "per_page", "1 to 500"),
            ("per_page=501", "per_page", "1 to 500"),
            ("page=0", "page", "page number"),
            ("page=two", "page", "page number"),
        ] {
            let refused = app.call("GET", &format!("{list}?{query}"), t, None).await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{list}?{query}");
            assert_eq!(
                refused.json["errors"][0]["field"], field,
                "{}",
                refused.json
            );
            let message = refused.json["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains(says), "{list}?{query}: {message}");
        }
    }
    // The filters narrow the total the same way (the events of one action).
    let made = app
        .call(
            "POST",
            RESERVATIONS,
            t,
            Some(&reservation("10.0.0.176", "00155DA76676")),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    let events = app
        .call("GET", "/api/v1/events?action=create_reservation", t, None)
        .await;
    assert_eq!(events.json["total"], 1, "{}", events.json);
    assert_eq!(events.json["rows"][0]["action"], "create_reservation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leases_are_deleted_and_cleared_on_both_partners() {
    use tandem_backend::builtin::Lease;
    use tandem_core::{MacAddress, ScopeId};
    let (app, _, token) = app_with_token("lease changes").await;
    let t = Auth::Token(&token);
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let lease = |last: u8| Lease {
        scope_id: scope,
        ip_address: [10, 0, 0, last].into(),
        client_id: MacAddress::parse(&format!("02-00-00-00-00-{last:02x}")).unwrap(),
        expires: (chrono::Utc::now() + chrono::Duration::hours(8)).to_rfc3339(),
        hostname: format!("pc{last}"),
        declined: false,
    };
    let server = |name: &str| {
        app._builtin
            .iter()
            .find(|b| b.name.as_str() == name)
            .unwrap()
            .server
            .clone()
    };
    let (dhcp1, dc1) = (server("dhcp1.contoso.com"), server("dc1.contoso.com"));
    for last in [10, 11, 12] {
        dhcp1.change(|c| c.add_lease(lease(last))).await.unwrap();
    }
    for last in [10, 11] {
        dc1.change(|c| c.add_lease(lease(last))).await.unwrap();
    }
    let held = |s: &std::sync::Arc<tandem_backend::builtin::BuiltinServer>| {
        let s = s.clone();
        async move {
            let mut ips: Vec<String> = s
                .snapshot()
                .await
                .leases
                .iter()
                .map(|l| l.ip_address.to_string())
                .collect();
            ips.sort();
            ips
        }
    };

    // One lease: gone from the server named and from its partner in the scope's relationship.
    let deleted = app
        .call(
            "DELETE",
            "/api/v1/servers/dhcp1.contoso.com/leases/10.0.0.10",
            t,
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.json);
    assert_eq!(
        deleted.json,
        json!({ "server": "dhcp1.contoso.com", "scope_id": "10.0.0.0", "deleted": 1,
                "partner": "dc1.contoso.com", "partner_deleted": 1, "partner_error": null })
    );
    assert_eq!(held(&dhcp1).await, ["10.0.0.11", "10.0.0.12"]);
    assert_eq!(held(&dc1).await, ["10.0.0.11"]);
    // Again, or a malformed address: refused by field, nothing changed.
    for (path, field) in [
        (
            "/api/v1/servers/dhcp1.contoso.com/leases/10.0.0.10",
            "ip_address",
        ),
        (
            "/api/v1/servers/dhcp1.contoso.com/leases/10.0.0.x",
            "ip_address",
        ),
        ("/api/v1/servers/no%20such/leases/10.0.0.11", "server"),
    ] {
        let refused = app.call("DELETE", path, t, None).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            refused.json
        );
        assert_eq!(refused.errors_field(), field, "{path}: {}", refused.json);
    }

    // Clearing a scope needs its ID typed again.
    const CLEAR: &str = "/api/v1/servers/dhcp1.contoso.com/scopes/10.0.0.0/leases/clear";
    for body in [r#"{"confirm":"10.0.0.1"}"#, r#"{"confirm":""}"#] {
        let refused = app.call("POST", CLEAR, t, Some(body)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.json);
        assert_eq!(refused.errors_field(), "confirm");
    }
    let unknown = app
        .call(
            "POST",
            CLEAR,
            t,
            Some(r#"{"confirm":"10.0.0.0","all":true}"#),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.json);
    assert_eq!(held(&dhcp1).await, ["10.0.0.11", "10.0.0.12"]);

    // A read-only user may search leases, not delete them (403, nothing changed).
    add_user(&app, "lease-reader", "User", false).await;
    let reader_cookie = app.sign_in("lease-reader").await;
    let (reader, _) = app.token(&reader_cookie, "read only").await;
    let denied = app
        .call(
            "POST",
            CLEAR,
            Auth::Token(&reader),
            Some(r#"{"confirm":"10.0.0.0"}"#),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.json);
    assert_eq!(held(&dc1).await, ["10.0.0.11"]);

    let cleared = app
        .call("POST", CLEAR, t, Some(r#"{"confirm":" 10.0.0.0 "}"#))
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.json);
    assert_eq!(cleared.json["deleted"], 2);
    assert_eq!(cleared.json["partner_deleted"], 1);
    assert!(held(&dhcp1).await.is_empty());
    assert!(held(&dc1).await.is_empty());

    // Both are in the Event Catalog, saying what was done where.
    for (action, note) in [
        (
            "delete_lease",
            "1 deleted on dhcp1.contoso.com, 1 on dc1.contoso.com",
        ),
        (
            "clear_leases",
            "2 deleted on dhcp1.contoso.com, 1 on dc1.contoso.com",
        ),
    ] {
        let events = app
            .call("GET", &format!("/api/v1/events?action={action}"), t, None)
            .await;
        let row = &events.json["rows"][0];
        assert_eq!(row["outcome"], "ok", "{}", events.json);
        assert_eq!(row["replication"], note, "{}", events.json);
    }
}
