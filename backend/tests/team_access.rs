//! Team access against a real built-in pair and a fresh SQLite database per test: every
//! mutation as every role, access scopes, sign-in and sessions, the Event Catalog, and no
//! lost updates under 50 concurrent editors.

use std::sync::Arc;
use std::time::Duration;
use tandem_backend::bootstrap::{self, Started};
use tandem_backend::service::{SessionSettings, UserInput};
use tandem_backend::store::events::EventFilter;
use tandem_backend::{Caller, ServiceError, Tandem};
use tandem_core::access::{Principal, Role};
use tandem_core::validate::NewReservation;
use tandem_core::{Reservation, ScopeId, ServerName};

const PASSWORD: &str = "correct horse battery";

struct World {
    _dir: tempfile::TempDir,
    started: Started,
}

impl World {
    async fn start() -> Self {
        Self::start_with(SessionSettings::default()).await
    }

    async fn start_with(settings: SessionSettings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut started = bootstrap::start(dir.path(), None).await.unwrap();
        started.tandem = started.tandem.clone().with_sessions(settings);
        started.tandem.ensure_admin(Some(PASSWORD)).await.unwrap();
        World { _dir: dir, started }
    }

    fn t(&self) -> &Tandem {
        &self.started.tandem
    }

    /// Creates a user with `role` (narrowed to `servers` when not empty) and signs them in.
    async fn user(&self, username: &str, role: Role, servers: &str) -> Caller {
        let input = UserInput {
            username: username.into(),
            display_name: String::new(),
            role: role.as_str().into(),
            servers: servers.into(),
            disabled: false,
        };
        self.t()
            .create_user(&admin(), &input, PASSWORD)
            .await
            .unwrap();
        let signed_in = self
            .t()
            .sign_in(username, PASSWORD, "127.0.0.1")
            .await
            .unwrap();
        Caller::new(signed_in.principal)
    }

    async fn reservation(&self, server: &str, ip: &str) -> Option<Reservation> {
        let driver = self.t().driver(&name(server)).await.unwrap();
        driver
            .scope(scope())
            .await
            .unwrap()
            .reservation(ip.parse().unwrap())
            .cloned()
    }

    /// A reservation as the built-in server itself holds it, whatever Tandem's record says.
    async fn reservation_natively(&self, server: &str, ip: &str) -> Option<Reservation> {
        let running = self
            .started
            .builtin
            .iter()
            .find(|r| r.name.as_str() == server)
            .unwrap();
        running
            .server
            .snapshot()
            .await
            .scope(scope())?
            .reservation(ip.parse().unwrap())
            .cloned()
    }

    async fn events(&self, action: &str) -> Vec<tandem_core::views::EventRow> {
        let filter = EventFilter {
            action: action.into(),
            ..Default::default()
        };
        self.t()
            .search_events(&admin(), &filter, 1000)
            .await
            .unwrap()
    }
}

fn admin() -> Caller {
    Caller::local("test-admin")
}

fn name(s: &str) -> ServerName {
    ServerName::parse(s).unwrap()
}

fn scope() -> ScopeId {
    ScopeId::parse("10.0.0.0").unwrap()
}

fn new_reservation(ip: &str, mac: &str) -> NewReservation {
    NewReservation {
        ip_address: ip.into(),
        client_id: mac.into(),
        ..Default::default()
    }
}

/// What each role may do, as the README's matrix states it (written out here rather than
/// derived from the code under test).
fn expected(role: Role, op: &str) -> bool {
    let reservations = [
        "create_reservation",
        "edit_reservation",
        "delete_reservation",
    ];
    let scopes = ["replicate_scope", "clear_sync_error"];
    let users = ["create_user", "update_user", "reset_password"];
    match role {
        Role::Administrator => true,
        Role::DhcpAdministrator => !users.contains(&op),
        Role::DhcpScopeAdministrator => reservations.contains(&op) || scopes.contains(&op),
        Role::DhcpReservationsAdministrator => reservations.contains(&op),
        Role::User => false,
    }
}

fn allowed<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> bool {
    match result {
        Ok(_) => true,
        Err(ServiceError::Forbidden(_)) => false,
        Err(other) => panic!("neither allowed nor forbidden: {other:?}"),
    }
}

/// Whether the role check let the call through (it may still be refused on what it asks).
fn let_through<T>(result: Result<T, ServiceError>) -> bool {
    !matches!(result, Err(ServiceError::Forbidden(_)))
}

#[tokio::test]
async fn every_mutation_as_every_role_is_allowed_or_denied_by_the_matrix() {
    let w = World::start().await;
    let dhcp1 = name("dhcp1.contoso.com");
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let caller = w.user(&format!("user{i}"), role, "").await;
        let ip = format!("10.0.0.{}", 100 + i);
        let mac = format!("00155DA766{i:02}");
        let mut results: Vec<(&str, bool)> = Vec::new();

        let created = allowed(
            w.t()
                .create_reservation(&caller, &dhcp1, scope(), &new_reservation(&ip, &mac))
                .await,
        );
        results.push(("create_reservation", created));
        assert_eq!(
            w.reservation("dhcp1.contoso.com", &ip).await.is_some(),
            created,
            "{role:?}"
        );
        if !created {
            w.t()
                .create_reservation(&admin(), &dhcp1, scope(), &new_reservation(&ip, &mac))
                .await
                .unwrap();
        }
        let current = w.reservation("dhcp1.contoso.com", &ip).await.unwrap();
        let mut edited = new_reservation(&ip, &mac);
        edited.name = format!("edited by {role:?}");
        results.push((
            "edit_reservation",
            allowed(
                w.t()
                    .edit_reservation(
                        &caller,
                        &dhcp1,
                        scope(),
                        current.ip_address,
                        &current.version(),
                        &edited,
                    )
                    .await,
            ),
        ));
        results.push((
            "delete_reservation",
            allowed(
                w.t()
                    .delete_reservation(&caller, &dhcp1, scope(), ip.parse().unwrap(), None)
                    .await,
            ),
        ));
        results.push((
            "replicate_scope",
            allowed(w.t().replicate_scope(&caller, &dhcp1, scope()).await),
        ));
        results.push((
            "clear_sync_error",
            allowed(
                w.t()
                    .clear_sync_error(&caller, "dhcp1.contoso.com-dc1.contoso.com", scope())
                    .await,
            ),
        ));
        let input = UserInput {
            username: format!("made-by-{i}"),
            role: "User".into(),
            ..Default::default()
        };
        results.push((
            "create_user",
            allowed(w.t().create_user(&caller, &input, PASSWORD).await),
        ));
        let target = w
            .t()
            .list_users(&admin())
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == "user0")
            .unwrap();
        let same = UserInput {
            username: target.username.clone(),
            display_name: target.display_name.clone(),
            role: target.role.as_str().into(),
            servers: String::new(),
            disabled: false,
        };
        results.push((
            "update_user",
            allowed(
                w.t()
                    .update_user(&caller, target.id, target.version, &same)
                    .await,
            ),
        ));
        results.push((
            "reset_password",
            allowed(
                w.t()
                    .reset_password(&caller, "made-by-0", None, "another long password")
                    .await,
            ),
        ));
        // Past the role check these are refused on their input (no Kea there; the built-in
        // server has no maintenance), which is enough to see the check.
        results.push((
            "add_kea_server",
            let_through(
                w.t()
                    .add_kea_server(
                        &caller,
                        &name("kea9.contoso.com"),
                        "ftp://nowhere/",
                        &Default::default(),
                    )
                    .await,
            ),
        ));
        results.push((
            "set_maintenance",
            let_through(
                w.t()
                    .set_maintenance(&caller, &dhcp1, "dhcp1.contoso.com-dc1.contoso.com", true)
                    .await,
            ),
        ));
        for (op, was_allowed) in results {
            assert_eq!(was_allowed, expected(role, op), "{role:?} {op}");
        }
    }
    // Every refusal is on record, with who and what.
    let denied: Vec<_> = w
        .t()
        .search_events(&admin(), &EventFilter::default(), 5000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.outcome.starts_with("denied"))
        .collect();
    assert!(
        denied
            .iter()
            .any(|e| e.actor == "user4" && e.action == "create_reservation")
    );
    assert!(denied.iter().all(|e| e.actor != "user0"));
}

#[tokio::test]
async fn an_access_scope_narrows_a_user_to_their_servers() {
    let w = World::start().await;
    let caller = w
        .user("dc1-only", Role::DhcpAdministrator, "dc1.contoso.com")
        .await;
    let refused = w
        .t()
        .create_reservation(
            &caller,
            &name("dhcp1.contoso.com"),
            scope(),
            &new_reservation("10.0.0.100", "00155DA76602"),
        )
        .await;
    assert!(matches!(refused, Err(ServiceError::Forbidden(m)) if m.contains("access scope")));
    assert!(
        w.reservation("dhcp1.contoso.com", "10.0.0.100")
            .await
            .is_none()
    );
    w.t()
        .create_reservation(
            &caller,
            &name("dc1.contoso.com"),
            scope(),
            &new_reservation("10.0.0.100", "00155DA76602"),
        )
        .await
        .unwrap();
    // The change still reaches the partner: failover keeps the pair's copies the same.
    assert!(
        w.reservation("dhcp1.contoso.com", "10.0.0.100")
            .await
            .is_some()
    );
    let view = w
        .t()
        .list_scopes(&caller, &Default::default())
        .await
        .unwrap();
    assert!(
        view.rows
            .iter()
            .all(|r| r.server.as_str() == "dc1.contoso.com")
    );
    assert_eq!(view.rows.len(), 1);
}

#[tokio::test]
async fn sign_in_gives_no_hint_whether_a_user_exists_and_throttles() {
    let w = World::start().await;
    let unknown = w
        .t()
        .sign_in("nobody", "whatever password", "10.1.1.1")
        .await
        .unwrap_err();
    let wrong = w
        .t()
        .sign_in("admin", "not the password", "10.1.1.1")
        .await
        .unwrap_err();
    assert_eq!(unknown.to_string(), wrong.to_string());
    assert!(matches!(wrong, ServiceError::Unauthenticated(_)));

    for _ in 0..4 {
        w.t()
            .sign_in("admin", "not the password", "10.1.1.2")
            .await
            .unwrap_err();
    }
    // Five failures for this account: even the right password is refused where guessing
    // went on…
    let throttled = w
        .t()
        .sign_in("admin", PASSWORD, "10.1.1.2")
        .await
        .unwrap_err();
    assert!(
        throttled.to_string().contains("too many failed sign-ins"),
        "{throttled}"
    );
    // …but someone else's guesses do not lock the administrator out: from an address with
    // no failures, the right password works.
    w.t().sign_in("admin", PASSWORD, "10.1.1.3").await.unwrap();

    // Per address: twenty failures from one address across many user names.
    for i in 0..20 {
        w.t()
            .sign_in(&format!("guess{i}"), "x", "10.9.9.9")
            .await
            .unwrap_err();
    }
    w.user("alice", Role::User, "").await;
    let by_address = w
        .t()
        .sign_in("alice", PASSWORD, "10.9.9.9")
        .await
        .unwrap_err();
    assert!(by_address.to_string().contains("too many"), "{by_address}");
    assert!(w.t().sign_in("alice", PASSWORD, "10.9.9.10").await.is_ok());

    let events = w.events("sign_in").await;
    assert!(
        events
            .iter()
            .any(|e| e.actor == "nobody" && e.outcome == "failed")
    );
    assert!(events.iter().any(|e| e.outcome.starts_with("refused")));
}

#[tokio::test]
async fn sessions_end_on_idle_sign_out_disable_and_password_reset() {
    let w = World::start_with(SessionSettings {
        idle: Duration::from_millis(1500),
        ..SessionSettings::default()
    })
    .await;
    let t = w.t();
    let idle = t.sign_in("admin", PASSWORD, "127.0.0.1").await.unwrap();
    assert!(t.session(&idle.token).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert!(
        t.session(&idle.token).await.unwrap().is_none(),
        "idle session still live"
    );

    let out = t.sign_in("admin", PASSWORD, "127.0.0.1").await.unwrap();
    t.sign_out(&Caller::new(out.principal.clone()), &out.token)
        .await
        .unwrap();
    assert!(t.session(&out.token).await.unwrap().is_none());

    let bob = w.user("bob", Role::User, "").await;
    let bob_session = t.sign_in("bob", PASSWORD, "127.0.0.1").await.unwrap();
    let record = t
        .list_users(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "bob")
        .unwrap();
    let disable = UserInput {
        username: "bob".into(),
        display_name: record.display_name.clone(),
        role: "User".into(),
        servers: String::new(),
        disabled: true,
    };
    t.update_user(&admin(), record.id, record.version, &disable)
        .await
        .unwrap();
    assert!(t.session(&bob_session.token).await.unwrap().is_none());
    assert!(t.sign_in("bob", PASSWORD, "127.0.0.1").await.is_err());
    drop(bob);

    let carol = t.sign_in("admin", PASSWORD, "127.0.0.1").await.unwrap();
    t.reset_password(&admin(), "admin", None, "a brand new password")
        .await
        .unwrap();
    assert!(t.session(&carol.token).await.unwrap().is_none());
    assert!(
        t.sign_in("admin", "a brand new password", "127.0.0.1")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn fifty_concurrent_editors_of_one_reservation_never_overwrite_silently() {
    let w = World::start().await;
    let dhcp1 = name("dhcp1.contoso.com");
    let t = Arc::new(w.t().clone());
    let base = w
        .reservation("dhcp1.contoso.com", "10.0.0.99")
        .await
        .unwrap();

    // All fifty read the same version and write at once: exactly one may win.
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (t, dhcp1, version) = (t.clone(), dhcp1.clone(), base.version());
        tasks.push(tokio::spawn(async move {
            let mut edit = new_reservation("10.0.0.99", "aa-bb-cc-dd-ee-ff");
            edit.name = format!("editor {i}");
            edit.description = "A1".into();
            (
                i,
                t.edit_reservation(
                    &admin(),
                    &dhcp1,
                    scope(),
                    "10.0.0.99".parse().unwrap(),
                    &version,
                    &edit,
                )
                .await,
            )
        }));
    }
    let mut winners = Vec::new();
    for task in tasks {
        let (i, result) = task.await.unwrap();
        match result {
            Ok(_) => winners.push(i),
            Err(ServiceError::Conflict { current, .. }) => {
                // The refusal shows the value as it now is.
                assert!(
                    current.is_some(),
                    "editor {i}: conflict without the current value"
                );
            }
            Err(other) => panic!("editor {i}: {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    let now = w
        .reservation("dhcp1.contoso.com", "10.0.0.99")
        .await
        .unwrap();
    assert_eq!(now.name, format!("editor {}", winners[0]));
    assert_eq!(
        w.reservation("dc1.contoso.com", "10.0.0.99").await.unwrap(),
        now,
        "partner got the winner"
    );

    // Fifty editors each add their mark, re-reading on conflict: every mark survives.
    let mut tasks = Vec::new();
    for i in 0..50 {
        let (t, dhcp1) = (t.clone(), dhcp1.clone());
        tasks.push(tokio::spawn(async move {
            let mark = format!("{i:02};");
            let mut conflicts = 0;
            loop {
                let driver = t.driver(&dhcp1).await.unwrap();
                let current = driver
                    .scope(scope())
                    .await
                    .unwrap()
                    .reservation("10.0.0.99".parse().unwrap())
                    .cloned()
                    .unwrap();
                let mut edit = new_reservation("10.0.0.99", "aa-bb-cc-dd-ee-ff");
                edit.name = current.name.clone();
                edit.description = format!("{}{mark}", current.description);
                match t
                    .edit_reservation(
                        &admin(),
                        &dhcp1,
                        scope(),
                        current.ip_address,
                        &current.version(),
                        &edit,
                    )
                    .await
                {
                    Ok(_) => return conflicts,
                    Err(ServiceError::Conflict { .. }) => conflicts += 1,
                    Err(other) => panic!("{other:?}"),
                }
            }
        }));
    }
    let mut conflicts = 0;
    for task in tasks {
        conflicts += task.await.unwrap();
    }
    let description = w
        .reservation("dhcp1.contoso.com", "10.0.0.99")
        .await
        .unwrap()
        .description;
    for i in 0..50 {
        assert!(
            description.contains(&format!("{i:02};")),
            "mark {i} lost: {description}"
        );
    }
    assert!(
        conflicts > 0,
        "the editors never collided; the test proves nothing"
    );
}

#[tokio::test]
async fn two_admins_editing_one_user_do_not_overwrite_each_other() {
    let w = World::start().await;
    w.user("dave", Role::User, "").await;
    let record = w
        .t()
        .list_users(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "dave")
        .unwrap();
    let change = |role: &str| UserInput {
        username: "dave".into(),
        display_name: "Dave".into(),
        role: role.into(),
        servers: String::new(),
        disabled: false,
    };
    w.t()
        .update_user(
            &admin(),
            record.id,
            record.version,
            &change("DhcpAdministrator"),
        )
        .await
        .unwrap();
    let second = w
        .t()
        .update_user(
            &admin(),
            record.id,
            record.version,
            &change("Administrator"),
        )
        .await;
    match second {
        Err(ServiceError::Conflict { message, .. }) => {
            assert!(message.contains("DHCP Administrator"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let now = w
        .t()
        .list_users(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "dave")
        .unwrap();
    assert_eq!(now.role, Role::DhcpAdministrator);
}

#[tokio::test]
async fn the_event_catalog_records_who_what_before_after_and_replication() {
    let w = World::start().await;
    let eve = w.user("eve", Role::DhcpReservationsAdministrator, "").await;
    let dhcp1 = name("dhcp1.contoso.com");
    w.t()
        .create_reservation(
            &eve,
            &dhcp1,
            scope(),
            &new_reservation("10.0.0.100", "00155DA76602"),
        )
        .await
        .unwrap();
    let current = w
        .reservation("dhcp1.contoso.com", "10.0.0.100")
        .await
        .unwrap();
    let mut edit = new_reservation("10.0.0.100", "00155DA76602");
    edit.name = "printer".into();
    w.t()
        .edit_reservation(
            &eve,
            &dhcp1,
            scope(),
            current.ip_address,
            &current.version(),
            &edit,
        )
        .await
        .unwrap();

    let created = &w.events("create_reservation").await[0];
    assert_eq!(created.actor, "eve");
    assert_eq!(created.object, "reservation 10.0.0.100 in scope 10.0.0.0");
    assert_eq!(created.server.as_deref(), Some("dhcp1.contoso.com"));
    assert_eq!(created.outcome, "ok");
    assert_eq!(
        created.replication.as_deref(),
        Some("replicated to dc1.contoso.com")
    );
    assert!(
        created
            .after
            .as_deref()
            .unwrap()
            .contains("00-15-5d-a7-66-02")
    );
    let edited = &w.events("edit_reservation").await[0];
    assert!(edited.before.as_deref().unwrap().contains("\"name\":\"\""));
    assert!(
        edited
            .after
            .as_deref()
            .unwrap()
            .contains("\"name\":\"printer\"")
    );

    // Filters and CSV.
    let by_eve = w
        .t()
        .search_events(
            &admin(),
            &EventFilter {
                actor: "eve".into(),
                object: "10.0.0.100".into(),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap();
    assert!(by_eve.iter().all(|e| e.actor == "eve"));
    assert!(
        by_eve.iter().any(|e| e.action == "create_reservation")
            && by_eve.iter().any(|e| e.action == "edit_reservation")
    );
    let future = EventFilter {
        from: "2999-01-01".into(),
        ..Default::default()
    };
    assert!(
        w.t()
            .search_events(&admin(), &future, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let csv = w
        .t()
        .export_events(
            &admin(),
            &EventFilter {
                actor: "eve".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,at,actor,action,object_type,server,object,outcome,replication,before,after"
    );
    assert!(csv.contains("edit_reservation") && csv.contains("replicated to dc1.contoso.com"));

    // No password, hash or token anywhere in the catalog.
    let everything = w
        .t()
        .export_events(&admin(), &EventFilter::default())
        .await
        .unwrap();
    assert!(!everything.contains(PASSWORD));
    assert!(!everything.contains("argon2"));
}

#[tokio::test]
async fn a_stale_edit_is_refused_with_the_current_value() {
    let w = World::start().await;
    let dhcp1 = name("dhcp1.contoso.com");
    let before = w
        .reservation("dhcp1.contoso.com", "10.0.0.99")
        .await
        .unwrap();
    // Someone changes it outside Tandem after the page was opened.
    let driver = w.t().driver(&dhcp1).await.unwrap();
    let mut outside = before.clone();
    outside.description = "changed on the console".into();
    driver
        .update_reservation(scope(), before.ip_address, &outside, None)
        .await
        .unwrap();
    let mut edit = new_reservation("10.0.0.99", "aa-bb-cc-dd-ee-ff");
    edit.name = "mine".into();
    match w
        .t()
        .edit_reservation(
            &admin(),
            &dhcp1,
            scope(),
            before.ip_address,
            &before.version(),
            &edit,
        )
        .await
    {
        Err(ServiceError::Conflict {
            current: Some(now), ..
        }) => assert_eq!(now.description, "changed on the console"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        w.reservation("dhcp1.contoso.com", "10.0.0.99")
            .await
            .unwrap()
            .description,
        "changed on the console"
    );
}

#[tokio::test]
async fn the_first_administrator_gets_a_generated_password_once() {
    let dir = tempfile::tempdir().unwrap();
    let started = bootstrap::start(dir.path(), None).await.unwrap();
    let password = started.tandem.ensure_admin(None).await.unwrap().unwrap();
    assert!(password.len() >= 16);
    assert!(started.tandem.ensure_admin(None).await.unwrap().is_none());
    let signed_in = started
        .tandem
        .sign_in("admin", &password, "127.0.0.1")
        .await
        .unwrap();
    assert_eq!(signed_in.principal.role, Role::Administrator);
    let _: Principal = signed_in.principal;
}

#[tokio::test]
async fn an_edit_may_move_a_reservation_to_another_address_on_both_servers() {
    let w = World::start().await;
    let dhcp1 = name("dhcp1.contoso.com");
    let before = w
        .reservation("dhcp1.contoso.com", "10.0.0.99")
        .await
        .unwrap();
    let mut edit = new_reservation("10.0.0.98", "aa-bb-cc-dd-ee-ff");
    edit.name = "moved".into();
    w.t()
        .edit_reservation(
            &admin(),
            &dhcp1,
            scope(),
            before.ip_address,
            &before.version(),
            &edit,
        )
        .await
        .unwrap();
    for server in ["dhcp1.contoso.com", "dc1.contoso.com"] {
        assert!(
            w.reservation(server, "10.0.0.99").await.is_none(),
            "{server}"
        );
        assert_eq!(
            w.reservation(server, "10.0.0.98").await.unwrap().name,
            "moved",
            "{server}"
        );
    }
    // Onto an address that is taken, or outside the scope: refused by field.
    w.t()
        .create_reservation(
            &admin(),
            &dhcp1,
            scope(),
            &new_reservation("10.0.0.97", "001122334455"),
        )
        .await
        .unwrap();
    let now = w
        .reservation("dhcp1.contoso.com", "10.0.0.98")
        .await
        .unwrap();
    for ip in ["10.0.0.97", "10.0.1.5"] {
        let bad = new_reservation(ip, "aa-bb-cc-dd-ee-ff");
        let refused = w
            .t()
            .edit_reservation(
                &admin(),
                &dhcp1,
                scope(),
                now.ip_address,
                &now.version(),
                &bad,
            )
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Validation(e)) if e.get("ip_address").is_some()),
            "{ip}"
        );
    }
}

/// Changes the seed relationship as `server` holds it, natively (behind Tandem's back).
async fn rename_partner(w: &World, server: &str, partner: &str) {
    let driver = w.t().driver(&name(server)).await.unwrap();
    let mut report = driver.failover().await.unwrap().remove(0);
    let r = &mut report.relationship;
    if r.primary_server == name(server) {
        r.secondary_server = name(partner);
    } else {
        r.primary_server = name(partner);
    }
    let config = tandem_backend::driver::RelationshipConfig {
        relationship: report.relationship,
        shared_secret: None,
        partner_endpoint: None,
    };
    driver.update_relationship(&config).await.unwrap();
}

async fn sync_error_on(w: &World, server: &str) -> Option<String> {
    w.t()
        .list_scopes(&admin(), &Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.server.as_str() == server)
        .and_then(|r| r.sync_error)
}

#[tokio::test]
async fn a_partner_is_written_only_if_it_names_the_server_back_and_the_caller_may_reach_it() {
    let w = World::start().await;
    // A whole-scope write needs the caller's access to both servers.
    let dc1_only = w
        .user("dc1-only", Role::DhcpAdministrator, "dc1.contoso.com")
        .await;
    let dc1 = name("dc1.contoso.com");
    let relationship = w.t().driver(&dc1).await.unwrap().failover().await.unwrap()[0]
        .relationship
        .name
        .clone();
    let refused = w.t().replicate_scope(&dc1_only, &dc1, scope()).await;
    assert!(
        matches!(refused, Err(ServiceError::Forbidden(_))),
        "{refused:?}"
    );
    let refused = w
        .t()
        .replicate_relationship(&dc1_only, &dc1, &relationship)
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Forbidden(_))),
        "{refused:?}"
    );
    let refused = w.t().replicate_server(&dc1_only, &dc1).await.unwrap();
    assert!(
        refused.iter().all(|r| r.result.is_err()),
        "server-level replication reached a partner out of the caller's scope: {refused:?}"
    );
    let denied = w.events("replicate_scope").await;
    assert!(denied.iter().any(|e| e.outcome.starts_with("denied")));

    // dhcp1 no longer names dc1 back: dc1's configuration alone does not get it written.
    rename_partner(&w, "dhcp1.contoso.com", "elsewhere.contoso.com").await;
    w.t()
        .create_reservation(
            &admin(),
            &dc1,
            scope(),
            &new_reservation("10.0.0.101", "00155DA76611"),
        )
        .await
        .unwrap();
    assert!(
        w.reservation("dc1.contoso.com", "10.0.0.101")
            .await
            .is_some()
    );
    assert!(
        w.reservation("dhcp1.contoso.com", "10.0.0.101")
            .await
            .is_none(),
        "written to a server that does not name dc1 back"
    );
    let error = sync_error_on(&w, "dc1.contoso.com")
        .await
        .unwrap_or_default();
    assert!(
        error.contains("does not name dc1.contoso.com back"),
        "{error}"
    );
    let refused = w.t().replicate_scope(&admin(), &dc1, scope()).await;
    assert!(
        matches!(&refused, Err(ServiceError::Conflict { message, .. }) if message.contains("does not name")),
        "{refused:?}"
    );
    assert!(
        w.reservation("dhcp1.contoso.com", "10.0.0.101")
            .await
            .is_none()
    );

    // Named back again but registered as another kind of server: not a pair either.
    rename_partner(&w, "dhcp1.contoso.com", "dc1.contoso.com").await;
    let mut conn = w.t().store().pool().acquire().await.unwrap();
    tandem_backend::store::servers::upsert(
        &mut conn,
        &name("dhcp1.contoso.com"),
        tandem_backend::store::servers::ServerKind::Kea,
        "http://127.0.0.1:9",
    )
    .await
    .unwrap();
    drop(conn);
    w.t()
        .create_reservation(
            &admin(),
            &dc1,
            scope(),
            &new_reservation("10.0.0.102", "00155DA76612"),
        )
        .await
        .unwrap();
    let error = sync_error_on(&w, "dc1.contoso.com")
        .await
        .unwrap_or_default();
    assert!(error.contains("is a kea server"), "{error}");
    assert!(
        w.reservation_natively("dhcp1.contoso.com", "10.0.0.102")
            .await
            .is_none()
    );
}

#[tokio::test]
async fn a_narrowed_user_sees_only_their_servers_events_in_the_catalog_and_its_export() {
    let w = World::start().await;
    for (server, ip, mac) in [
        ("dc1.contoso.com", "10.0.0.121", "00155DA76621"),
        ("dhcp1.contoso.com", "10.0.0.122", "00155DA76622"),
    ] {
        w.t()
            .create_reservation(&admin(), &name(server), scope(), &new_reservation(ip, mac))
            .await
            .unwrap();
    }
    let caller = w.user("dhcp1-only", Role::User, "dhcp1.contoso.com").await;
    let seen = w
        .t()
        .search_events(&caller, &EventFilter::default(), 1000)
        .await
        .unwrap();
    assert!(!seen.is_empty());
    assert!(
        seen.iter()
            .all(|e| e.server.as_deref() == Some("dhcp1.contoso.com")),
        "{seen:?}"
    );
    assert!(seen.iter().any(|e| e.object.contains("10.0.0.122")));
    let csv = w
        .t()
        .export_events(&caller, &EventFilter::default())
        .await
        .unwrap();
    assert!(
        csv.contains("10.0.0.122") && !csv.contains("10.0.0.121"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), seen.len() + 1, "{csv}");
    // The administrator sees both, and a filter on a LIKE wildcard matches it literally.
    let all = w
        .t()
        .search_events(&admin(), &EventFilter::default(), 1000)
        .await
        .unwrap();
    assert!(all.iter().any(|e| e.object.contains("10.0.0.121")));
    let literal = EventFilter {
        object: "10.0.0.12_".into(),
        ..Default::default()
    };
    assert!(
        w.t()
            .search_events(&admin(), &literal, 1000)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn relationship_operations_check_the_role_before_asking_any_server() {
    let w = World::start().await;
    let viewer = w.user("viewer", Role::User, "").await;
    let dc1 = name("dc1.contoso.com");
    let elsewhere = ScopeId::parse("10.99.0.0").unwrap();
    // Whether the relationship or scope exists is not revealed to a role that may not act.
    let delete = w
        .t()
        .delete_relationship(&viewer, &dc1, "no-such", None)
        .await;
    assert!(
        matches!(delete, Err(ServiceError::Forbidden(_))),
        "{delete:?}"
    );
    let add = w
        .t()
        .add_scope_to_relationship(&viewer, &dc1, elsewhere, "no-such")
        .await;
    assert!(matches!(add, Err(ServiceError::Forbidden(_))), "{add:?}");
    let remove = w
        .t()
        .remove_scope_from_failover(&viewer, &dc1, elsewhere)
        .await;
    assert!(
        matches!(remove, Err(ServiceError::Forbidden(_))),
        "{remove:?}"
    );
    let replicate = w.t().replicate_relationship(&viewer, &dc1, "no-such").await;
    assert!(
        matches!(replicate, Err(ServiceError::Forbidden(_))),
        "{replicate:?}"
    );
}

#[tokio::test]
async fn refused_sign_ins_are_one_counted_row_and_a_password_reset_clears_the_failures() {
    let w = World::start().await;
    w.user("carol", Role::User, "").await;
    for _ in 0..5 {
        w.t()
            .sign_in("carol", "not her password", "10.2.2.2")
            .await
            .unwrap_err();
    }
    for _ in 0..30 {
        let refused = w.t().sign_in("carol", PASSWORD, "10.2.2.2").await;
        assert!(refused.unwrap_err().to_string().contains("too many"));
    }
    let refusals: Vec<_> = w
        .events("sign_in")
        .await
        .into_iter()
        .filter(|e| e.outcome.starts_with("refused"))
        .collect();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(refusals[0].outcome.contains("30 attempts"), "{refusals:?}");

    // An administrator sets a new password: the old guesses no longer count against her.
    w.t()
        .reset_password(&admin(), "carol", None, "a brand new password")
        .await
        .unwrap();
    w.t()
        .sign_in("carol", "a brand new password", "10.2.2.2")
        .await
        .unwrap();
}

/// The database's size in bytes (SQLite pages in use).
async fn database_bytes(w: &World) -> i64 {
    use sqlx::Row;
    let mut conn = w.t().store().pool().acquire().await.unwrap();
    let pages: i64 = sqlx::query(
        "SELECT page_count - freelist_count AS n FROM pragma_page_count(), pragma_freelist_count()",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap()
    .try_get("n")
    .unwrap();
    let size: i64 = sqlx::query("SELECT page_size AS n FROM pragma_page_size()")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    pages * size
}

#[tokio::test]
async fn ten_thousand_failed_sign_ins_with_megabyte_names_leave_the_database_small() {
    let w = World::start().await;
    let before = database_bytes(&w).await;
    let padding = "x".repeat(1 << 20);
    for i in 0..10_000 {
        let name = format!("{i}{padding}");
        let address = format!("10.3.3.{}", i % 10);
        let refused = w.t().sign_in(&name, "guess", &address).await;
        assert!(matches!(refused, Err(ServiceError::Unauthenticated(_))));
    }
    let grown = database_bytes(&w).await - before;
    let rows = w.events("sign_in").await.len();
    println!(
        "10 000 failed sign-ins with 1 MB names: {rows} event rows, database grew {grown} bytes"
    );
    // 10 addresses × 20 failures before each is throttled, then one counted refusal each.
    assert!(rows <= 10 * 20 + 10, "{rows} rows");
    assert!(grown < 512 * 1024, "the database grew {grown} bytes");
    // The administrator still signs in from an address that did not guess.
    w.t().sign_in("admin", PASSWORD, "10.4.4.4").await.unwrap();
}

#[tokio::test]
async fn pruning_forgets_old_failures_ended_sessions_and_events_past_retention() {
    let w = World::start_with(SessionSettings {
        idle: Duration::from_secs(60),
        retention: Duration::from_secs(24 * 60 * 60),
        ..SessionSettings::default()
    })
    .await;
    let live = w.t().sign_in("admin", PASSWORD, "127.0.0.1").await.unwrap();
    w.t().sign_in("nobody", "x", "10.5.5.5").await.unwrap_err();
    let old = "2020-01-01T00:00:00.000Z";
    let mut conn = w.t().store().pool().acquire().await.unwrap();
    for sql in [
        "INSERT INTO sign_in_failures (username, address, at) VALUES ('old', '10.6.6.6', $1)",
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ('ended', 1, $1, $1)",
        "INSERT INTO events (at, actor, action, object_type, object, outcome) VALUES ($1, 'someone', 'old_change', '', 'x', 'ok')",
    ] {
        sqlx::query(sql)
            .bind(old)
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    drop(conn);
    let pruned = w.t().prune().await.unwrap();
    assert_eq!((pruned.failures, pruned.sessions, pruned.events), (1, 1, 1));
    // What is recent stays: the live session, today's failure and events.
    assert!(w.t().session(&live.token).await.unwrap().is_some());
    assert!(w.events("old_change").await.is_empty());
    assert!(!w.events("sign_in").await.is_empty());
    let again = w.t().prune().await.unwrap();
    assert_eq!((again.failures, again.sessions, again.events), (0, 0, 0));
}

#[tokio::test]
async fn drift_checks_are_single_flight_and_limited_per_user_and_dashboards_read_the_inventory() {
    let w = World::start().await;
    let alice = w.user("alice", Role::User, "").await;
    let bob = w.user("bob", Role::User, "").await;
    let before = w.t().flight_counts();

    // Twenty "Check drift now" at once: one read of the servers, shared.
    let checks = (0..20).map(|_| w.t().check_drift(&alice));
    let answers = futures::future::join_all(checks).await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    let after = w.t().flight_counts();
    assert_eq!(after.drift_checks - before.drift_checks, 1);

    // Asked again straight away: refused for a while, for this user only.
    let again = w.t().check_drift(&alice).await;
    assert!(
        matches!(&again, Err(ServiceError::TooSoon(m)) if m.contains("try again")),
        "{again:?}"
    );
    w.t().check_drift(&bob).await.unwrap();
    assert_eq!(w.t().flight_counts().drift_checks - before.drift_checks, 2);

    // The checks read every server's failover states too; twenty Dashboards at once are then
    // answered from what was read, asking no server, each state with the time it was read.
    let reads = w.t().flight_counts().failover_reads;
    let boards = (0..20).map(|_| w.t().dashboard(&alice));
    let answers = futures::future::join_all(boards).await;
    assert!(answers.iter().all(Result::is_ok));
    assert_eq!(w.t().flight_counts().failover_reads - reads, 0);
    let board = answers[0].as_ref().unwrap();
    assert!(
        board
            .relationships_by_state
            .iter()
            .map(|(_, n)| n)
            .sum::<usize>()
            > 0,
        "{board:?}"
    );
    let listed = w.t().all_relationships(&alice).await.unwrap();
    assert!(!listed.is_empty());
    for r in &listed {
        for at in [&r.primary_read_at, &r.secondary_read_at] {
            assert!(at.as_deref().is_some_and(|t| t.ends_with('Z')), "{r:?}");
        }
    }
    assert_eq!(w.t().flight_counts().failover_reads - reads, 0);
    // A reservation changes no failover state: nothing is read again for it.
    w.t()
        .create_reservation(
            &admin(),
            &name("dc1.contoso.com"),
            scope(),
            &new_reservation("10.0.0.131", "00155DA76631"),
        )
        .await
        .unwrap();
    let again = w.t().dashboard(&bob).await.unwrap();
    assert_eq!(w.t().flight_counts().failover_reads - reads, 0);
    assert_eq!(again.relationships_by_state, board.relationships_by_state);
    assert_eq!(w.t().all_relationships(&bob).await.unwrap(), listed);
    // The watch's next pass (here asked for by hand) reads them again, later.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    w.t().check_drift(&Caller::local("watch")).await.unwrap();
    assert_eq!(w.t().flight_counts().failover_reads - reads, 1);
    let later = w.t().all_relationships(&bob).await.unwrap();
    assert!(later[0].primary_read_at > listed[0].primary_read_at);
}
