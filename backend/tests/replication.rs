//! The seed's replication example and its edge cases, against a real pair of built-in
//! servers (each on its own loopback port) and a fresh SQLite database per test.

use std::net::Ipv4Addr;
use tandem_backend::bootstrap::{self, Started};
use tandem_backend::builtin::Lease;
use tandem_backend::{Caller, ServiceError, Tandem};
use tandem_core::drift::{Difference, DriftStatus};
use tandem_core::validate::NewReservation;
use tandem_core::views::{ReplicationOutcome, ScopeRow};
use tandem_core::{MacAddress, Reservation, ReservationType, ScopeId, ServerName};

struct Pair {
    _dir: tempfile::TempDir,
    started: Started,
    dhcp1: ServerName,
    dc1: ServerName,
    scope: ScopeId,
}

impl Pair {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let started = bootstrap::start(dir.path(), None).await.unwrap();
        assert!(started.seeded);
        Pair {
            _dir: dir,
            started,
            dhcp1: ServerName::parse("dhcp1.contoso.com").unwrap(),
            dc1: ServerName::parse("dc1.contoso.com").unwrap(),
            scope: ScopeId::parse("10.0.0.0").unwrap(),
        }
    }

    fn tandem(&self) -> &Tandem {
        &self.started.tandem
    }

    async fn reservations(&self, server: &ServerName) -> Vec<Reservation> {
        let driver = self.tandem().driver(server).await.unwrap();
        driver.scope(self.scope).await.unwrap().reservations
    }

    async fn ips(&self, server: &ServerName) -> Vec<String> {
        self.reservations(server)
            .await
            .iter()
            .map(|r| r.ip_address.to_string())
            .collect()
    }

    /// The scope's row in the DHCP Scopes view, after "Check drift now" (the tests change
    /// servers behind Tandem's back, as the drift watch would then find).
    async fn row(&self, server: &ServerName) -> ScopeRow {
        self.tandem().check_drift(&actor()).await.unwrap();
        let view = self
            .tandem()
            .list_scopes(&actor(), &Default::default())
            .await
            .unwrap();
        view.rows
            .into_iter()
            .find(|r| &r.server == server && r.scope_id == self.scope)
            .unwrap()
    }

    /// Adds a reservation through the server's native API: the seed's PowerShell.
    async fn add_natively(&self, server: &ServerName, ip: &str, mac: &str) {
        let driver = self.tandem().driver(server).await.unwrap();
        driver
            .add_reservation(self.scope, &reservation(ip, mac))
            .await
            .unwrap();
    }

    async fn set_running(&self, server: &ServerName, running: bool) {
        let s = self
            .started
            .builtin
            .iter()
            .find(|r| &r.name == server)
            .unwrap();
        s.server.set_running(running).await.unwrap();
    }
}

fn reservation(ip: &str, mac: &str) -> Reservation {
    Reservation {
        ip_address: ip.parse().unwrap(),
        client_id: MacAddress::parse(mac).unwrap().into(),
        name: String::new(),
        description: String::new(),
        kind: ReservationType::Both,
        settings: Default::default(),
    }
}

fn input(ip: &str, mac: &str) -> NewReservation {
    NewReservation {
        ip_address: ip.into(),
        client_id: mac.into(),
        ..Default::default()
    }
}

fn actor() -> Caller {
    Caller::local("tester")
}

#[tokio::test]
async fn the_first_run_seeds_the_seed_example_on_both_servers() {
    let pair = Pair::start().await;
    for server in [&pair.dhcp1, &pair.dc1] {
        let r = pair.reservations(server).await;
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].ip_address.to_string(), "10.0.0.99");
        assert_eq!(r[0].client_id.to_string(), "aa-bb-cc-dd-ee-ff");
        assert_eq!(
            (r[0].name.as_str(), r[0].description.as_str()),
            ("test", "A1")
        );
        assert_eq!(r[0].kind, ReservationType::Both);
        let row = pair.row(server).await;
        assert_eq!(
            row.relationship.as_deref(),
            Some("dhcp1.contoso.com-dc1.contoso.com")
        );
        assert_eq!(row.drift, Some(DriftStatus::InSync));
        assert_eq!(row.sync_error, None);
    }
}

#[tokio::test]
async fn a_native_change_is_not_replicated_and_shows_out_of_sync() {
    let pair = Pair::start().await;
    pair.add_natively(&pair.dhcp1, "10.0.0.100", "00155DA76602")
        .await;
    assert_eq!(pair.ips(&pair.dhcp1).await, ["10.0.0.99", "10.0.0.100"]);
    assert_eq!(pair.ips(&pair.dc1).await, ["10.0.0.99"]);
    // The list (from the inventory, after a drift check) says OutOfSync; Scope Properties
    // (read live from both servers) says what differs.
    assert_eq!(
        pair.row(&pair.dhcp1).await.drift.map(|d| d.label()),
        Some("OutOfSync")
    );
    let properties = pair
        .tandem()
        .list_reservations(&actor(), &pair.dhcp1, pair.scope, &Default::default())
        .await
        .unwrap();
    match properties.row.drift {
        Some(DriftStatus::OutOfSync { differences }) => assert!(matches!(
            &differences[..],
            [Difference::Reservation { ip_address, left: Some(_), right: None }] if ip_address.to_string() == "10.0.0.100"
        )),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn scope_replication_overwrites_the_partner_copy() {
    let pair = Pair::start().await;
    pair.add_natively(&pair.dhcp1, "10.0.0.100", "00155DA76602")
        .await;
    // The partner drifted too: one reservation of its own, and the shared one edited.
    pair.add_natively(&pair.dc1, "10.0.0.150", "001122334455")
        .await;
    let dc1 = pair.tandem().driver(&pair.dc1).await.unwrap();
    let mut copy = dc1.scope(pair.scope).await.unwrap();
    copy.reservations[0].name = "renamed on dc1".into();
    copy.description = "edited on dc1".into();
    dc1.put_scope(&copy).await.unwrap();

    let result = pair
        .tandem()
        .replicate_scope(&actor(), &pair.dhcp1, pair.scope)
        .await
        .unwrap();
    assert_eq!(result.partner, pair.dc1);
    // description, 10.0.0.99 changed, 10.0.0.100 added, 10.0.0.150 removed
    assert_eq!(result.changes.len(), 4, "{:?}", result.changes);

    let source = pair
        .tandem()
        .driver(&pair.dhcp1)
        .await
        .unwrap()
        .scope(pair.scope)
        .await
        .unwrap();
    assert_eq!(dc1.scope(pair.scope).await.unwrap(), source);
    assert_eq!(pair.row(&pair.dc1).await.drift, Some(DriftStatus::InSync));
    // Replicating again finds nothing to change.
    let again = pair
        .tandem()
        .replicate_scope(&actor(), &pair.dhcp1, pair.scope)
        .await
        .unwrap();
    assert!(again.changes.is_empty());
}

#[tokio::test]
async fn replication_never_touches_leases() {
    let pair = Pair::start().await;
    let lease = Lease {
        scope_id: pair.scope,
        ip_address: "10.0.0.20".parse().unwrap(),
        client_id: MacAddress::parse("0a0b0c0d0e0f").unwrap(),
        expires: "2030-01-01T00:00:00Z".into(),
        hostname: "pc20".into(),
        declined: false,
    };
    let dc1 = pair
        .started
        .builtin
        .iter()
        .find(|r| r.name == pair.dc1)
        .unwrap();
    dc1.server
        .change(|c| c.add_lease(lease.clone()))
        .await
        .unwrap();
    pair.add_natively(&pair.dhcp1, "10.0.0.100", "00155DA76602")
        .await;
    pair.tandem()
        .replicate_scope(&actor(), &pair.dhcp1, pair.scope)
        .await
        .unwrap();
    assert_eq!(dc1.server.snapshot().await.leases, vec![lease]);
    assert!(
        pair.started
            .builtin
            .iter()
            .find(|r| r.name == pair.dhcp1)
            .unwrap()
            .server
            .snapshot()
            .await
            .leases
            .is_empty()
    );
}

#[tokio::test]
async fn a_refused_scope_write_changes_nothing() {
    let pair = Pair::start().await;
    let dc1 = pair.tandem().driver(&pair.dc1).await.unwrap();
    let before = dc1.scope(pair.scope).await.unwrap();
    let mut broken = before.clone();
    broken.description = "would be written".into();
    broken
        .reservations
        .push(reservation("10.0.0.200", "aa-bb-cc-dd-ee-ff")); // same client twice
    broken
        .reservations
        .push(reservation("10.0.9.9", "001122334455")); // outside the range
    let err = dc1.put_scope(&broken).await.unwrap_err();
    assert!(err.to_string().contains("dc1.contoso.com"), "{err}");
    assert_eq!(dc1.scope(pair.scope).await.unwrap(), before);
}

#[tokio::test]
async fn a_reservation_created_through_tandem_lands_on_both_servers() {
    let pair = Pair::start().await;
    let outcome = pair
        .tandem()
        .create_reservation(
            &actor(),
            &pair.dhcp1,
            pair.scope,
            &input("10.0.0.100", "00155DA76602"),
        )
        .await
        .unwrap();
    assert_eq!(
        outcome.replication,
        ReplicationOutcome::Replicated {
            partner: pair.dc1.clone()
        }
    );
    for server in [&pair.dhcp1, &pair.dc1] {
        let r = pair.reservations(server).await;
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].client_id.to_string(), "00-15-5d-a7-66-02");
    }
    assert_eq!(pair.row(&pair.dhcp1).await.drift, Some(DriftStatus::InSync));

    pair.tandem()
        .delete_reservation(
            &actor(),
            &pair.dc1,
            pair.scope,
            "10.0.0.100".parse().unwrap(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(pair.ips(&pair.dhcp1).await, ["10.0.0.99"]);
    assert_eq!(pair.ips(&pair.dc1).await, ["10.0.0.99"]);
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing_anywhere() {
    let pair = Pair::start().await;
    let cases = [
        (input("10.0.0.100", "00155DA7660"), "client_id"),
        (input("10.0.0.300", "00155DA76602"), "ip_address"),
        (input("10.0.1.100", "00155DA76602"), "ip_address"),
        (input("10.0.0.99", "00155DA76602"), "ip_address"),
        (input("10.0.0.100", "AA:BB:CC:DD:EE:FF"), "client_id"),
        (
            NewReservation {
                kind: "Dns".into(),
                ..input("10.0.0.100", "00155DA76602")
            },
            "type",
        ),
    ];
    for (bad, field) in cases {
        match pair
            .tandem()
            .create_reservation(&actor(), &pair.dhcp1, pair.scope, &bad)
            .await
        {
            Err(ServiceError::Validation(errors)) => {
                assert!(errors.get(field).is_some(), "{bad:?}: {errors}")
            }
            other => panic!("{bad:?}: {other:?}"),
        }
        assert_eq!(pair.ips(&pair.dhcp1).await, ["10.0.0.99"]);
        assert_eq!(pair.ips(&pair.dc1).await, ["10.0.0.99"]);
    }
}

#[tokio::test]
async fn an_offline_partner_leaves_the_change_and_a_sync_error_until_replicated() {
    let pair = Pair::start().await;
    pair.set_running(&pair.dc1, false).await;
    let outcome = pair
        .tandem()
        .create_reservation(
            &actor(),
            &pair.dhcp1,
            pair.scope,
            &input("10.0.0.100", "00155DA76602"),
        )
        .await
        .unwrap();
    match &outcome.replication {
        ReplicationOutcome::Failed { partner, error } => {
            assert_eq!(partner, &pair.dc1);
            assert!(error.contains("dc1.contoso.com"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(pair.ips(&pair.dhcp1).await, ["10.0.0.99", "10.0.0.100"]);
    let row = pair.row(&pair.dhcp1).await;
    assert!(
        row.sync_error.as_deref().unwrap().contains("unreachable"),
        "{row:?}"
    );
    assert!(matches!(row.drift, Some(DriftStatus::Unknown { .. })));
    let view = pair
        .tandem()
        .list_scopes(&actor(), &Default::default())
        .await
        .unwrap();
    assert_eq!(view.unreachable.len(), 1);
    assert_eq!(view.unreachable[0].server, pair.dc1);

    // Back online: still out of sync, and the error stays until a replication succeeds.
    pair.set_running(&pair.dc1, true).await;
    let row = pair.row(&pair.dhcp1).await;
    assert!(row.sync_error.is_some());
    assert_eq!(row.drift.unwrap().label(), "OutOfSync");
    pair.tandem()
        .replicate_scope(&actor(), &pair.dhcp1, pair.scope)
        .await
        .unwrap();
    let row = pair.row(&pair.dhcp1).await;
    assert_eq!(row.sync_error, None);
    assert_eq!(row.drift, Some(DriftStatus::InSync));
    assert_eq!(pair.ips(&pair.dc1).await, ["10.0.0.99", "10.0.0.100"]);
}

#[tokio::test]
async fn a_sync_error_can_be_cleared_by_hand() {
    let pair = Pair::start().await;
    pair.set_running(&pair.dc1, false).await;
    pair.tandem()
        .create_reservation(
            &actor(),
            &pair.dhcp1,
            pair.scope,
            &input("10.0.0.100", "00155DA76602"),
        )
        .await
        .unwrap();
    pair.set_running(&pair.dc1, true).await;
    let relationship = pair.row(&pair.dhcp1).await.relationship.unwrap();
    assert!(
        pair.tandem()
            .clear_sync_error(&actor(), &relationship, pair.scope)
            .await
            .unwrap()
    );
    assert_eq!(pair.row(&pair.dhcp1).await.sync_error, None);
    assert!(
        !pair
            .tandem()
            .clear_sync_error(&actor(), &relationship, pair.scope)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_second_start_keeps_the_data_and_the_ports() {
    let dir = tempfile::tempdir().unwrap();
    let first = bootstrap::start(dir.path(), None).await.unwrap();
    let dhcp1 = ServerName::parse("dhcp1.contoso.com").unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    first
        .tandem
        .create_reservation(
            &actor(),
            &dhcp1,
            scope,
            &input("10.0.0.100", "00155DA76602"),
        )
        .await
        .unwrap();
    let addrs: Vec<_> = first.builtin.iter().map(|r| r.addr).collect();
    stop(first).await;

    let second = bootstrap::start(dir.path(), None).await.unwrap();
    assert!(!second.seeded);
    assert_eq!(
        second.builtin.iter().map(|r| r.addr).collect::<Vec<_>>(),
        addrs
    );
    let r = second
        .tandem
        .driver(&dhcp1)
        .await
        .unwrap()
        .scope(scope)
        .await
        .unwrap()
        .reservations;
    assert_eq!(r.len(), 2);
    let ip: Ipv4Addr = "10.0.0.100".parse().unwrap();
    assert!(r.iter().any(|r| r.ip_address == ip));
}

/// Names and descriptions with a control character are refused on their field, on every face
/// (the operations the portal, the API and the CLI call; the built-in server's native API), and
/// nothing is written to either server.
#[tokio::test]
async fn control_characters_are_refused_by_field_on_every_face() {
    let p = Pair::start().await;
    let t = p.tandem();
    let before = (p.reservations(&p.dhcp1).await, p.reservations(&p.dc1).await);
    let field_of = |e: ServiceError, field: &str| match e {
        ServiceError::Validation(errors) => errors
            .get(field)
            .unwrap_or_else(|| panic!("no {field} in {errors}"))
            .to_string(),
        other => panic!("not refused by field: {other}"),
    };
    let nul = NewReservation {
        name: "a\0b".into(),
        ..input("10.0.0.150", "00155DA76650")
    };
    let e = t
        .create_reservation(&actor(), &p.dhcp1, p.scope, &nul)
        .await
        .unwrap_err();
    assert_eq!(
        field_of(e, "name"),
        "a name may not hold control characters (it holds U+0000)"
    );
    let c1 = NewReservation {
        description: "next\u{85}line".into(),
        ..input("10.0.0.150", "00155DA76650")
    };
    let e = t
        .create_reservation(&actor(), &p.dhcp1, p.scope, &c1)
        .await
        .unwrap_err();
    assert!(field_of(e, "description").contains("U+0085"));
    // The built-in server's native API refuses it too.
    let native = Reservation {
        name: "bell\u{7}".into(),
        ..reservation("10.0.0.151", "00155DA76651")
    };
    let refused = t
        .driver(&p.dhcp1)
        .await
        .unwrap()
        .add_reservation(p.scope, &native)
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("may not hold control characters"),
        "{refused}"
    );
    assert_eq!(
        (p.reservations(&p.dhcp1).await, p.reservations(&p.dc1).await),
        before
    );
    // A scope's name, a relationship's name, a user's display name.
    let scope = t.get_scope(&actor(), &p.dhcp1, p.scope).await.unwrap();
    let mut edit = tandem_core::scope_input::ScopeInput::of(&scope);
    edit.name = "tab\there".into();
    let e = t
        .update_scope(
            &actor(),
            &p.dhcp1,
            p.scope,
            &scope.properties_version(),
            &edit,
        )
        .await
        .unwrap_err();
    assert!(field_of(e, "name").contains("U+0009"));
    assert_eq!(
        t.get_scope(&actor(), &p.dhcp1, p.scope).await.unwrap().name,
        scope.name
    );
    let relationship = tandem_core::failover_rules::NewRelationship {
        name: "line\nbreak".into(),
        primary_server: "dhcp1.contoso.com".into(),
        secondary_server: "dc1.contoso.com".into(),
        ..Default::default()
    };
    let e = t
        .create_relationship(&actor(), &relationship, &[])
        .await
        .unwrap_err();
    assert!(field_of(e, "name").contains("U+000A"));
    let user = tandem_backend::service::UserInput {
        username: "eve".into(),
        display_name: "Eve\u{1b}[31m".into(),
        role: "Administrator".into(),
        servers: String::new(),
        disabled: false,
    };
    let e = t
        .create_user(&actor(), &user, "a long enough password")
        .await
        .unwrap_err();
    assert!(field_of(e, "display_name").contains("U+001B"));
}

/// Tandem's folder is 0700 and its files 0600: the database, the built-in servers' files, also
/// after a change rewrote them.
#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_and_its_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let started = bootstrap::start(&data, None).await.unwrap();
    let t = &started.tandem;
    let dhcp1 = ServerName::parse("dhcp1.contoso.com").unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    t.create_reservation(
        &actor(),
        &dhcp1,
        scope,
        &input("10.0.0.160", "00155DA76660"),
    )
    .await
    .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    let builtin = bootstrap::builtin_dir(&data);
    assert_eq!(mode(&builtin), 0o700);
    let mut files = 0;
    for entry in std::fs::read_dir(&data)
        .unwrap()
        .chain(std::fs::read_dir(&builtin).unwrap())
    {
        let path = entry.unwrap().path();
        if path.is_file() {
            files += 1;
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
    // The database (and its journal) and the two servers' files at least.
    assert!(files >= 3, "{files}");
}

/// The built-in servers' native API answers only Tandem (and its CLI): a call without the
/// folder's secret, one naming another `Host` (DNS rebinding), and a plain form post are each
/// refused, and the server goes on serving.
#[tokio::test]
async fn the_built_in_servers_native_api_answers_only_its_own_callers() {
    let p = Pair::start().await;
    let running = p
        .started
        .builtin
        .iter()
        .find(|r| r.name == p.dhcp1)
        .unwrap();
    let stop = format!("{}/v1/service/stop", running.endpoint());
    let secret = std::fs::read_to_string(
        bootstrap::builtin_dir(p._dir.path()).join(tandem_backend::builtin::API_SECRET_FILE),
    )
    .unwrap();
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(
            bootstrap::builtin_dir(p._dir.path()).join(tandem_backend::builtin::API_SECRET_FILE),
        )
        .unwrap()
        .permissions()
        .mode()
            & 0o777
    };
    assert_eq!(mode, 0o600);
    let client = reqwest::Client::new();
    let json = "application/json";
    let without_secret = client
        .post(&stop)
        .header("content-type", json)
        .send()
        .await
        .unwrap();
    assert_eq!(without_secret.status(), reqwest::StatusCode::UNAUTHORIZED);
    let wrong_secret = client
        .post(&stop)
        .header("content-type", json)
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), reqwest::StatusCode::UNAUTHORIZED);
    let foreign_host = client
        .post(&stop)
        .header("host", "rebound.example:80")
        .header("content-type", json)
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(
        foreign_host.status(),
        reqwest::StatusCode::MISDIRECTED_REQUEST
    );
    let form_post = client
        .post(&stop)
        .header("content-type", "application/x-www-form-urlencoded")
        .bearer_auth(&secret)
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(
        form_post.status(),
        reqwest::StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    // Still serving: Tandem's driver (which carries the secret) reads it.
    let scopes = p
        .tandem()
        .driver(&p.dhcp1)
        .await
        .unwrap()
        .scopes()
        .await
        .unwrap();
    assert_eq!(scopes.len(), 1);
}

/// Stops a start's built-in servers and closes its database, as a process ending would.
async fn stop(started: bootstrap::Started) {
    for r in &started.builtin {
        r.task.abort();
    }
    for r in started.builtin {
        let _ = r.task.await;
    }
    started.tandem.store().pool().close().await;
}

/// A change a dead process left pending is marked interrupted at the next start, and its
/// scope gets a sync error naming the step that may not have happened.
#[tokio::test]
async fn a_start_marks_changes_left_pending_and_flags_their_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let first = bootstrap::start(dir.path(), None).await.unwrap();
    let mut conn = first.tandem.store().pool().acquire().await.unwrap();
    let half_done = tandem_backend::store::events::NewEvent {
        actor: "alice".into(),
        action: "create_reservation".into(),
        object_type: "reservation".into(),
        object: "reservation 10.0.0.150 in scope 10.0.0.0".into(),
        server: Some("dhcp1.contoso.com".into()),
        scope_id: Some("10.0.0.0".into()),
        relationship: Some("dhcp1.contoso.com-dc1.contoso.com".into()),
        partner: Some("dc1.contoso.com".into()),
        ..Default::default()
    };
    let written = tandem_backend::store::events::begin(&mut conn, &half_done)
        .await
        .unwrap();
    tandem_backend::store::events::mark_step(
        &mut conn,
        written,
        "written on dhcp1.contoso.com; next: dc1.contoso.com",
    )
    .await
    .unwrap();
    let not_started = tandem_backend::store::events::NewEvent {
        action: "set_partner_down".into(),
        scope_id: None,
        relationship: None,
        partner: None,
        ..half_done.clone()
    };
    tandem_backend::store::events::begin(&mut conn, &not_started)
        .await
        .unwrap();
    drop(conn);
    stop(first).await;

    let second = bootstrap::start(dir.path(), None).await.unwrap();
    let t = &second.tandem;
    let all = t
        .search_events(&actor(), &Default::default(), 100)
        .await
        .unwrap();
    assert!(all.iter().all(|e| e.outcome != "pending"), "{all:?}");
    let marked = all.iter().find(|e| e.id == written).unwrap();
    assert!(
        marked.outcome.starts_with("interrupted")
            && marked
                .outcome
                .contains("may not have reached dc1.contoso.com"),
        "{marked:?}"
    );
    let rows = t
        .list_scopes(&actor(), &Default::default())
        .await
        .unwrap()
        .rows;
    let flagged = rows
        .iter()
        .find(|r| r.server.as_str() == "dhcp1.contoso.com")
        .and_then(|r| r.sync_error.clone())
        .unwrap_or_default();
    assert!(
        flagged.contains("interrupted") && flagged.contains("may not have reached dc1.contoso.com"),
        "{flagged}"
    );
}
