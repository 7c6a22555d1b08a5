//! Tandem on PostgreSQL, the scale-out path: the same migrations and queries as on SQLite, run
//! against a real PostgreSQL when `TANDEM_TEST_POSTGRES_URL` names a fresh database
//! (`make test` prepares one with `scripts/test-postgres.sh` where PostgreSQL is installed).

use tandem_backend::Caller;
use tandem_backend::bootstrap;
use tandem_backend::loadout::{self, Plan};
use tandem_core::drift::DriftStatus;
use tandem_core::validate::NewReservation;
use tandem_core::views::{Page, RelationshipQuery, ScopeQuery, ScopeSort, ServerQuery, SyncFilter};
use tandem_core::{MacAddress, Reservation, ReservationType, ScopeId, ServerName};

#[tokio::test]
async fn the_inventory_changes_and_the_audit_work_on_postgres() {
    let Ok(url) = std::env::var("TANDEM_TEST_POSTGRES_URL") else {
        eprintln!("skipped: TANDEM_TEST_POSTGRES_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let plan = Plan {
        servers: 4,
        scopes: 40,
        reservations: 400,
    };
    loadout::build(&bootstrap::builtin_dir(dir.path()), &url, plan)
        .await
        .unwrap();
    let s = bootstrap::start(dir.path(), Some(&url)).await.unwrap();
    let admin = Caller::local("pg-test");

    // Paged, ordered (NULLs and all) and filtered as on SQLite.
    let page = s
        .tandem
        .list_scopes(
            &admin,
            &ScopeQuery {
                sort: ScopeSort::Name,
                descending: true,
                page: Page::new(2, 7),
                ..ScopeQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 40);
    assert_eq!(page.rows.len(), 7);
    assert_eq!(page.rows[0].name, "site 00016");
    for (q, expected) in [
        (
            ScopeQuery {
                scope: Some("10.0.1".into()),
                ..ScopeQuery::default()
            },
            22,
        ),
        (
            ScopeQuery {
                name: Some("SITE 0001".into()),
                ..ScopeQuery::default()
            },
            20,
        ),
        (
            ScopeQuery {
                sync: Some(SyncFilter::InSync),
                sort: ScopeSort::Relationship,
                ..ScopeQuery::default()
            },
            40,
        ),
        (
            ScopeQuery {
                sync: Some(SyncFilter::Error),
                ..ScopeQuery::default()
            },
            0,
        ),
    ] {
        assert_eq!(
            s.tandem.list_scopes(&admin, &q).await.unwrap().total,
            expected,
            "{q:?}"
        );
    }
    let servers = s
        .tandem
        .list_servers(&admin, &ServerQuery::default())
        .await
        .unwrap();
    assert_eq!(servers.total, 4);
    assert_eq!(servers.rows[0].scopes, 10);
    assert_eq!(
        s.tandem
            .search_reservations(&admin, "HOST-5-")
            .await
            .unwrap()
            .len(),
        20
    );

    // A change through Tandem: on both servers, in the lists, and audited.
    let (a, b) = (
        ServerName::parse("dhcp0000.loadout.test").unwrap(),
        ServerName::parse("dhcp0001.loadout.test").unwrap(),
    );
    let scope = ScopeId::parse("10.0.3.0").unwrap();
    let new = NewReservation {
        ip_address: "10.0.3.200".into(),
        client_id: "00155DA76602".into(),
        name: "printer".into(),
        ..Default::default()
    };
    let outcome = s
        .tandem
        .create_reservation(&admin, &a, scope, &new)
        .await
        .unwrap();
    assert!(!outcome.replication.is_failure());
    let printers = s
        .tandem
        .search_reservations(&admin, "printer")
        .await
        .unwrap();
    assert_eq!(printers.len(), 2);
    let events = s
        .tandem
        .search_events(&admin, &Default::default(), 50)
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "create_reservation" && e.outcome == "ok"),
        "{events:?}"
    );

    // An outside change, found by the next look.
    s.tandem
        .driver(&b)
        .await
        .unwrap()
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
    assert!(s.tandem.check_drift(&admin).await.unwrap());
    let drifting = s
        .tandem
        .list_scopes(
            &admin,
            &ScopeQuery {
                sync: Some(SyncFilter::Drift),
                ..ScopeQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(drifting.total, 2);
    assert!(
        drifting
            .rows
            .iter()
            .all(|r| matches!(r.drift, Some(DriftStatus::OutOfSync { .. })))
    );
    let dashboard = s.tandem.dashboard(&admin).await.unwrap();
    assert_eq!(dashboard.out_of_sync_total, 2);
    assert_eq!(dashboard.failover_scopes, 40);

    // Failover Relationships page, filter and count in PostgreSQL's SQL as in SQLite's.
    let all = s.tandem.all_relationships(&admin).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        dashboard
            .relationships_by_state
            .iter()
            .map(|(_, n)| n)
            .sum::<usize>(),
        2
    );
    let second = s
        .tandem
        .list_relationships(
            &admin,
            &RelationshipQuery {
                page: Page::new(2, 1),
                ..RelationshipQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((second.total, second.rows.len()), (2, 1));
    // A page gives a count of a relationship's ten scopes; one read whole lists them.
    assert_eq!(second.rows[0].scope_count, 10);
    assert!(second.rows[0].relationship.scopes.is_empty());
    assert_eq!(all[1].relationship.scopes.len(), 10);
    let listed = |r: &tandem_core::views::RelationshipRow| {
        let mut r = r.clone();
        r.relationship.scopes.clear();
        r
    };
    assert_eq!(second.rows[0], listed(&all[1]));
    let named = s
        .tandem
        .list_relationships(
            &admin,
            &RelationshipQuery {
                name: Some(all[0].relationship.name.to_uppercase()),
                not_normal: all[0].health() != "Normal",
                ..RelationshipQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(named.rows, [listed(&all[0])]);

    // Sign-in throttling, its counted refusals, an access-scoped catalog and pruning run on
    // PostgreSQL's SQL too.
    for _ in 0..25 {
        let _ = s.tandem.sign_in("nobody", "guess", "10.7.7.7").await;
    }
    let filter = tandem_backend::store::events::EventFilter {
        action: "sign_in".into(),
        ..Default::default()
    };
    let sign_ins = s.tandem.search_events(&admin, &filter, 100).await.unwrap();
    let refused: Vec<_> = sign_ins
        .iter()
        .filter(|e| e.outcome.starts_with("refused"))
        .collect();
    assert_eq!(refused.len(), 1, "{sign_ins:?}");
    assert!(refused[0].outcome.contains("20 attempts"), "{refused:?}");
    let narrowed = Caller::new(tandem_core::access::Principal {
        user_id: 0,
        username: "narrowed".into(),
        role: tandem_core::access::Role::User,
        servers: Some(vec![b.clone()]),
    });
    let seen = s
        .tandem
        .search_events(&narrowed, &Default::default(), 100)
        .await
        .unwrap();
    assert!(
        seen.iter()
            .all(|e| e.server.as_ref() == Some(&b.to_string()))
    );
    s.tandem.prune().await.unwrap();

    // API tokens: made, listed, used, revoked (the refused use recorded).
    let user = s
        .tandem
        .create_user(
            &admin,
            &tandem_backend::service::UserInput {
                username: "scripter".into(),
                display_name: "Scripter".into(),
                role: "DhcpAdministrator".into(),
                servers: String::new(),
                disabled: false,
            },
            "a long enough password",
        )
        .await
        .unwrap();
    let scripter = Caller::new(user.principal());
    let made = s
        .tandem
        .create_token(&scripter, "nightly", Some(30))
        .await
        .unwrap();
    assert_eq!(
        s.tandem.list_tokens(&scripter, false).await.unwrap().len(),
        1
    );
    assert_eq!(s.tandem.list_tokens(&admin, true).await.unwrap().len(), 1);
    let acting = s.tandem.token_caller(&made.token).await.unwrap();
    assert_eq!(acting.principal.username, "scripter");
    assert_eq!(acting.via.as_deref(), Some("API token nightly"));
    s.tandem
        .revoke_token(&scripter, made.record.id)
        .await
        .unwrap();
    assert!(s.tandem.token_caller(&made.token).await.is_err());
    let uses = tandem_backend::store::events::EventFilter {
        action: "use_token".into(),
        ..Default::default()
    };
    let uses = s.tandem.search_events(&admin, &uses, 100).await.unwrap();
    assert_eq!(uses.len(), 1, "{uses:?}");
}
