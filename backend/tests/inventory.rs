//! The inventory behind the list views: built by the load-out, paged, ordered and filtered in
//! the database, searched across every scope, narrowed to a user's access scope, brought up to
//! date by each change made through Tandem, and by a drift check for changes made outside it.

use tandem_backend::bootstrap::{self, Started};
use tandem_backend::loadout::{self, Plan};
use tandem_backend::{Caller, ServiceError};
use tandem_core::access::{Principal, Role};
use tandem_core::drift::DriftStatus;
use tandem_core::scope_input::ScopeInput;
use tandem_core::validate::NewReservation;
use tandem_core::views::{
    Page, ScopeQuery, ScopeSort, ServerQuery, ServerSort, SyncFilter, UnreachableServer,
};
use tandem_core::{MacAddress, Reservation, ReservationType, ScopeId, ScopeState, ServerName};

fn admin() -> Caller {
    Caller::local("test-admin")
}

fn name(s: &str) -> ServerName {
    ServerName::parse(s).unwrap()
}

/// Two pairs (four servers), ten scopes on each server, ten reservations in each scope.
async fn estate() -> (tempfile::TempDir, Started) {
    let dir = tempfile::tempdir().unwrap();
    let url = bootstrap::default_database_url(dir.path());
    let plan = Plan {
        servers: 4,
        scopes: 40,
        reservations: 400,
    };
    let built = loadout::build(&bootstrap::builtin_dir(dir.path()), &url, plan)
        .await
        .unwrap();
    assert_eq!(
        (built.servers, built.scopes, built.reservations),
        (4, 40, 400)
    );
    let started = bootstrap::start(dir.path(), None).await.unwrap();
    assert!(!started.seeded, "a load-out is not a first run");
    (dir, started)
}

fn query(f: impl FnOnce(&mut ScopeQuery)) -> ScopeQuery {
    let mut q = ScopeQuery::default();
    f(&mut q);
    q
}

async fn total(s: &Started, q: ScopeQuery) -> u64 {
    s.tandem.list_scopes(&admin(), &q).await.unwrap().total
}

#[tokio::test]
async fn the_scopes_list_pages_orders_and_filters_in_the_database() {
    let (_d, s) = estate().await;
    let all = s
        .tandem
        .list_scopes(&admin(), &ScopeQuery::default())
        .await
        .unwrap();
    assert_eq!(all.total, 40);
    assert_eq!(all.rows.len(), 40);
    assert!(all.unreachable.is_empty());
    // Address order, then server; every copy of a pair in sync.
    assert_eq!(all.rows[0].scope_id.to_string(), "10.0.0.0");
    assert_eq!(all.rows[0].server.as_str(), "dhcp0000.loadout.test");
    assert_eq!(all.rows[1].server.as_str(), "dhcp0001.loadout.test");
    assert!(
        all.rows
            .iter()
            .all(|r| r.drift == Some(DriftStatus::InSync))
    );
    assert!(all.rows.iter().all(|r| r.reservations == 10));

    // Pages of seven: the sixth holds the last five.
    let sixth = s
        .tandem
        .list_scopes(&admin(), &query(|q| q.page = Page::new(6, 7)))
        .await
        .unwrap();
    assert_eq!((sixth.total, sixth.rows.len()), (40, 5));
    assert_eq!(sixth.rows[4].scope_id.to_string(), "10.0.19.0");
    // A page past the end is empty, not an error; a silly size is clamped.
    let past = query(|q| q.page = Page::new(99, 7));
    assert!(
        s.tandem
            .list_scopes(&admin(), &past)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    assert_eq!(Page::new(0, 100_000), Page::new(1, 500));

    let by_name = s
        .tandem
        .list_scopes(
            &admin(),
            &query(|q| {
                q.sort = ScopeSort::Name;
                q.descending = true;
            }),
        )
        .await
        .unwrap();
    assert_eq!(by_name.rows[0].name, "site 00019");
    assert_eq!(by_name.rows[39].name, "site 00000");

    assert_eq!(
        total(
            &s,
            query(|q| q.server = Some("DHCP0002.loadout.test".into()))
        )
        .await,
        10
    );
    // 10.0.1.0 and 10.0.10.0 to 10.0.19.0, on both servers of their pair.
    assert_eq!(
        total(&s, query(|q| q.scope = Some("10.0.1".into()))).await,
        22
    );
    assert_eq!(
        total(&s, query(|q| q.name = Some("SITE 0001".into()))).await,
        20
    );
    // LIKE's wildcards are plain characters here.
    assert_eq!(
        total(&s, query(|q| q.name = Some("site_%".into()))).await,
        0
    );
    assert_eq!(
        total(&s, query(|q| q.relationship = Some("pair0001".into()))).await,
        20
    );
    assert_eq!(
        total(&s, query(|q| q.state = Some(ScopeState::Inactive))).await,
        0
    );
    assert_eq!(
        total(&s, query(|q| q.sync = Some(SyncFilter::InSync))).await,
        40
    );
    assert_eq!(
        total(&s, query(|q| q.sync = Some(SyncFilter::Drift))).await,
        0
    );
    assert_eq!(
        total(&s, query(|q| q.sync = Some(SyncFilter::NotInFailover))).await,
        0
    );
}

#[tokio::test]
async fn servers_are_listed_and_reservations_found_across_every_scope() {
    let (_d, s) = estate().await;
    let servers = s
        .tandem
        .list_servers(
            &admin(),
            &ServerQuery {
                sort: ServerSort::Name,
                descending: true,
                ..ServerQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(servers.total, 4);
    let first = &servers.rows[0];
    assert_eq!(first.name.as_str(), "dhcp0003.loadout.test");
    assert_eq!(
        (first.scopes, first.failover_scopes, first.relationships),
        (10, 10, 1)
    );
    assert_eq!(first.unreachable, None);
    let one = ServerQuery {
        name: Some("0002".into()),
        ..ServerQuery::default()
    };
    assert_eq!(
        s.tandem.list_servers(&admin(), &one).await.unwrap().total,
        1
    );

    // By address, by MAC however it is typed, by the start of a name (any case).
    let hits = s
        .tandem
        .search_reservations(&admin(), "10.0.5.12")
        .await
        .unwrap();
    assert_eq!(hits.len(), 2);
    assert!(
        hits.iter()
            .all(|h| h.reservation.ip_address.to_string() == "10.0.5.12")
    );
    let mac = hits[0]
        .reservation
        .client_id
        .to_string()
        .replace('-', ":")
        .to_uppercase();
    assert_eq!(
        s.tandem
            .search_reservations(&admin(), &mac)
            .await
            .unwrap()
            .len(),
        2
    );
    let by_name = s
        .tandem
        .search_reservations(&admin(), "HOST-5-")
        .await
        .unwrap();
    assert_eq!(by_name.len(), 20);
    assert!(
        s.tandem
            .search_reservations(&admin(), "nobody")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.tandem
            .search_reservations(&admin(), "  ")
            .await
            .unwrap()
            .is_empty()
    );

    // A user whose access scope is one server sees that server only, in lists and search.
    let narrow = Caller::new(Principal {
        user_id: 7,
        username: "branch".into(),
        role: Role::User,
        servers: Some(vec![name("dhcp0000.loadout.test")]),
    });
    let view = s
        .tandem
        .list_scopes(&narrow, &ScopeQuery::default())
        .await
        .unwrap();
    assert_eq!(view.total, 10);
    assert!(
        view.rows
            .iter()
            .all(|r| r.server.as_str() == "dhcp0000.loadout.test")
    );
    // Its sync status still compares with the partner it cannot see.
    assert!(
        view.rows
            .iter()
            .all(|r| r.drift == Some(DriftStatus::InSync))
    );
    let found = s
        .tandem
        .search_reservations(&narrow, "10.0.5.12")
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].server.as_str(), "dhcp0000.loadout.test");
    let servers = s
        .tandem
        .list_servers(&narrow, &ServerQuery::default())
        .await
        .unwrap();
    assert_eq!(servers.total, 1);
}

#[tokio::test]
async fn changes_through_tandem_show_at_once_and_outside_changes_at_the_next_look() {
    let (_d, s) = estate().await;
    let (a, b) = (name("dhcp0000.loadout.test"), name("dhcp0001.loadout.test"));
    let scope = ScopeId::parse("10.0.3.0").unwrap();
    let row = |q: ScopeQuery| {
        let t = s.tandem.clone();
        async move { t.list_scopes(&admin(), &q).await.unwrap().rows }
    };
    let in_scope = |server: &ServerName| {
        let server = server.to_string();
        query(move |q| {
            q.server = Some(server);
            q.scope = Some("10.0.3.0".into());
        })
    };

    // Through Tandem: on both servers, in the list at once, still in sync.
    let new = NewReservation {
        ip_address: "10.0.3.200".into(),
        client_id: "00155DA76602".into(),
        name: "printer".into(),
        ..Default::default()
    };
    s.tandem
        .create_reservation(&admin(), &a, scope, &new)
        .await
        .unwrap();
    for server in [&a, &b] {
        let r = row(in_scope(server)).await;
        assert_eq!(r[0].reservations, 11, "{server}");
        assert_eq!(r[0].drift, Some(DriftStatus::InSync));
    }
    assert_eq!(
        s.tandem
            .search_reservations(&admin(), "printer")
            .await
            .unwrap()
            .len(),
        2
    );

    // Outside Tandem: not seen until the next look, which reads only the server that moved.
    let driver = s.tandem.driver(&a).await.unwrap();
    driver
        .add_reservation(
            scope,
            &Reservation {
                ip_address: "10.0.3.201".parse().unwrap(),
                client_id: MacAddress::parse("001122334466").unwrap().into(),
                name: String::new(),
                description: String::new(),
                kind: ReservationType::Both,
                settings: Default::default(),
            },
        )
        .await
        .unwrap();
    assert_eq!(row(in_scope(&a)).await[0].reservations, 11);
    assert!(
        s.tandem.check_drift(&admin()).await.unwrap(),
        "the look found the change"
    );
    assert!(
        !s.tandem.check_drift(&admin()).await.unwrap(),
        "nothing moved since"
    );
    assert_eq!(row(in_scope(&a)).await[0].reservations, 12);
    let drifting = row(query(|q| q.sync = Some(SyncFilter::Drift))).await;
    assert_eq!(drifting.len(), 2, "both copies of 10.0.3.0");
    assert!(drifting.iter().all(|r| r.scope_id == scope));

    // Replicating through Tandem puts both back in sync at once.
    s.tandem.replicate_scope(&admin(), &a, scope).await.unwrap();
    assert!(
        row(query(|q| q.sync = Some(SyncFilter::Drift)))
            .await
            .is_empty()
    );
    assert_eq!(row(in_scope(&b)).await[0].reservations, 12);

    // A server that stops answering: its rows stay (as last read), the pair's are Unknown.
    driver.set_service_running(false).await.unwrap();
    s.tandem.check_drift(&admin()).await.unwrap();
    let view = s
        .tandem
        .list_scopes(&admin(), &query(|q| q.sync = Some(SyncFilter::Unknown)))
        .await
        .unwrap();
    assert_eq!(
        view.total, 20,
        "the ten scopes of the pair, on both servers"
    );
    assert!(matches!(
        &view.unreachable[..],
        [UnreachableServer { server, .. }] if server == &a
    ));
    driver.set_service_running(true).await.unwrap();
    s.tandem.check_drift(&admin()).await.unwrap();
    assert_eq!(
        total(&s, query(|q| q.sync = Some(SyncFilter::InSync))).await,
        40
    );

    // A scope created and deleted through Tandem comes and goes at once.
    let lab = ScopeInput {
        scope_id: "10.9.0.0".into(),
        subnet_mask: "/24".into(),
        name: "Lab".into(),
        start: "10.9.0.10".into(),
        end: "10.9.0.20".into(),
        ..Default::default()
    };
    s.tandem.create_scope(&admin(), &a, &lab).await.unwrap();
    let lab_row = row(query(|q| q.name = Some("lab".into()))).await;
    assert_eq!(lab_row.len(), 1);
    assert_eq!(lab_row[0].drift, None, "not in failover");
    let lab_id = ScopeId::parse("10.9.0.0").unwrap();
    s.tandem
        .delete_scope(&admin(), &a, lab_id, None)
        .await
        .unwrap();
    assert!(row(query(|q| q.name = Some("lab".into()))).await.is_empty());
    // And one that is not there cannot be deleted.
    assert!(matches!(
        s.tandem.delete_scope(&admin(), &a, lab_id, None).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_load_out_needs_an_empty_folder_and_a_sound_plan() {
    let dir = tempfile::tempdir().unwrap();
    let url = bootstrap::default_database_url(dir.path());
    let builtin = bootstrap::builtin_dir(dir.path());
    for (servers, scopes, reservations) in [(3, 30, 30), (4, 30, 30), (4, 40, 41), (2, 2, 600)] {
        let plan = Plan {
            servers,
            scopes,
            reservations,
        };
        assert!(
            matches!(
                loadout::build(&builtin, &url, plan).await,
                Err(loadout::LoadoutError::Plan(_))
            ),
            "{plan:?}"
        );
    }
    let plan = Plan {
        servers: 2,
        scopes: 2,
        reservations: 2,
    };
    loadout::build(&builtin, &url, plan).await.unwrap();
    assert!(matches!(
        loadout::build(&builtin, &url, plan).await,
        Err(loadout::LoadoutError::NotEmpty)
    ));
}

/// The inventory row of one reservation: its name, as recorded.
async fn recorded_name(store: &tandem_backend::store::Store, ip: &str) -> String {
    use sqlx::Row;
    sqlx::query("SELECT name FROM inventory_reservations WHERE ip = $1")
        .bind(ip)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("name")
        .unwrap()
}

#[tokio::test]
async fn a_scope_whose_reservations_did_not_change_keeps_their_rows_as_they_are() {
    use tandem_backend::store::{Store, inventory};
    let dir = tempfile::tempdir().unwrap();
    let mut urls = vec![bootstrap::default_database_url(dir.path())];
    // On PostgreSQL too, in a database of its own (the shared one is the load-out's).
    if let Ok(shared) = std::env::var("TANDEM_TEST_POSTGRES_URL") {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&shared).await.unwrap();
        for sql in [
            "DROP DATABASE IF EXISTS tandem_inventory_rows",
            "CREATE DATABASE tandem_inventory_rows",
        ] {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
        let (base, _) = shared.rsplit_once('/').unwrap();
        urls.push(format!("{base}/tandem_inventory_rows"));
    }
    for url in urls {
        let store = Store::connect(&url).await.unwrap();
        let server = name("dhcp9.contoso.com");
        let mut scope = tandem_core::Scope {
            id: ScopeId::parse("10.9.0.0").unwrap(),
            name: "nine".into(),
            description: String::new(),
            range: tandem_core::IpRange::new(
                "10.9.0.10".parse().unwrap(),
                "10.9.0.200".parse().unwrap(),
            )
            .unwrap(),
            prefix_len: 24,
            lease_duration_secs: 3600,
            state: ScopeState::Active,
            exclusions: vec![],
            options: Default::default(),
            reservations: (20..23)
                .map(|n| Reservation {
                    ip_address: format!("10.9.0.{n}").parse().unwrap(),
                    client_id: MacAddress::parse(&format!("00155DA790{n}")).unwrap().into(),
                    name: format!("host{n}"),
                    description: String::new(),
                    kind: ReservationType::Both,
                    settings: Default::default(),
                })
                .collect(),
            kept: None,
        };
        let record = |scope: tandem_core::Scope| {
            let (store, server) = (&store, &server);
            async move {
                let mut conn = store.pool().acquire().await.unwrap();
                inventory::record_scope(&mut conn, server, scope.id, Some(&scope), None)
                    .await
                    .unwrap();
            }
        };
        record(scope.clone()).await;
        assert_eq!(recorded_name(&store, "10.9.0.21").await, "host21");
        // A row changed by hand shows whether the rows are compared again.
        sqlx::query("UPDATE inventory_reservations SET name = 'by hand' WHERE ip = '10.9.0.21'")
            .execute(store.pool())
            .await
            .unwrap();
        // Only a property changed: the scope's row is written, its reservations' rows are not.
        scope.name = "nine, renamed".into();
        record(scope.clone()).await;
        assert_eq!(recorded_name(&store, "10.9.0.21").await, "by hand", "{url}");
        use sqlx::Row;
        let row = sqlx::query("SELECT name FROM inventory_scopes WHERE scope_id = '10.9.0.0'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(row.try_get::<String, _>("name").unwrap(), "nine, renamed");
        // A reservation changed: the whole list is compared, and every row follows.
        scope.reservations[0].name = "renamed".into();
        record(scope.clone()).await;
        assert_eq!(recorded_name(&store, "10.9.0.20").await, "renamed");
        assert_eq!(recorded_name(&store, "10.9.0.21").await, "host21", "{url}");
    }
}
