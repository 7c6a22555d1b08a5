//! Failover relationships against real built-in servers: create (the scopes copied whole to
//! the partner), the rules, edit, scopes into and out of failover, delete, replication at
//! relationship and server level with a partial failure, Partner Down.

use tandem_backend::bootstrap::{self, Started};
use tandem_backend::builtin::{ServerConfig, host};
use tandem_backend::store::{self, servers::ServerKind};
use tandem_backend::{Caller, ServiceError};
use tandem_core::drift::DriftStatus;
use tandem_core::failover_rules::NewRelationship;
use tandem_core::views::ServerStatus;
use tandem_core::{FailoverMode, IpRange, Scope, ScopeId, ScopeState, ServerName};

const SEED: &str = "dhcp1.contoso.com-dc1.contoso.com";

fn name(s: &str) -> ServerName {
    ServerName::parse(s).unwrap()
}

fn id(s: &str) -> ScopeId {
    ScopeId::parse(s).unwrap()
}

fn admin() -> Caller {
    Caller::local("test-admin")
}

fn scope(net: &str) -> Scope {
    let base: std::net::Ipv4Addr = net.parse().unwrap();
    let o = base.octets();
    Scope {
        id: id(net),
        name: format!("scope {net}"),
        description: String::new(),
        range: IpRange::new(
            [o[0], o[1], o[2], 10].into(),
            [o[0], o[1], o[2], 200].into(),
        )
        .unwrap(),
        prefix_len: 24,
        lease_duration_secs: Scope::DEFAULT_LEASE_SECS,
        state: ScopeState::Active,
        exclusions: vec![],
        options: Default::default(),
        reservations: vec![],
        kept: None,
    }
}

struct World {
    dir: tempfile::TempDir,
    s: Started,
}

impl World {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let s = bootstrap::start(dir.path(), None).await.unwrap();
        World { dir, s }
    }

    async fn put(&self, server: &str, net: &str) {
        self.s
            .tandem
            .driver(&name(server))
            .await
            .unwrap()
            .put_scope(&scope(net))
            .await
            .unwrap();
    }

    async fn has(&self, server: &str, net: &str) -> bool {
        self.s
            .tandem
            .driver(&name(server))
            .await
            .unwrap()
            .scope(id(net))
            .await
            .is_ok()
    }

    async fn relationships(&self, server: &str) -> Vec<tandem_core::FailoverRelationship> {
        let d = self.s.tandem.driver(&name(server)).await.unwrap();
        d.failover()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.relationship)
            .collect()
    }

    /// A third built-in server, running in this process and managed by Tandem.
    async fn third(&self, server: &str) -> host::Running {
        let path = ServerConfig::path_in(&bootstrap::builtin_dir(self.dir.path()), &name(server));
        ServerConfig::new(name(server), "127.0.0.1:0".parse().unwrap())
            .save(&path)
            .await
            .unwrap();
        let running = host::start(&path).await.unwrap();
        let mut conn = self.s.tandem.store().pool().acquire().await.unwrap();
        store::servers::upsert(
            &mut conn,
            &name(server),
            ServerKind::Builtin,
            &running.endpoint(),
        )
        .await
        .unwrap();
        running
    }
}

fn new(primary: &str, secondary: &str) -> NewRelationship {
    NewRelationship {
        primary_server: primary.into(),
        secondary_server: secondary.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn creating_a_relationship_copies_its_scopes_to_the_partner() {
    let w = World::start().await;
    w.put("dhcp1.contoso.com", "10.1.0.0").await;
    let input = NewRelationship {
        name: "second".into(),
        mode: "HotStandby".into(),
        reserve_percent: "10".into(),
        ..new("dhcp1.contoso.com", "dc1.contoso.com")
    };
    let r =
        w.s.tandem
            .create_relationship(&admin(), &input, &[id("10.1.0.0")])
            .await
            .unwrap();
    assert!(matches!(r.mode, FailoverMode::HotStandby { .. }));
    assert!(
        w.has("dc1.contoso.com", "10.1.0.0").await,
        "the partner got the scope"
    );
    for server in ["dhcp1.contoso.com", "dc1.contoso.com"] {
        let found = w
            .relationships(server)
            .await
            .into_iter()
            .find(|r| r.name == "second")
            .unwrap();
        assert_eq!(found.scopes, vec![id("10.1.0.0")]);
    }
    let view =
        w.s.tandem
            .list_scopes(&admin(), &Default::default())
            .await
            .unwrap();
    let row = view
        .rows
        .iter()
        .find(|r| r.server.as_str() == "dc1.contoso.com" && r.scope_id == id("10.1.0.0"))
        .unwrap();
    assert_eq!(row.relationship.as_deref(), Some("second"));
    assert_eq!(row.drift, Some(DriftStatus::InSync));
    let rows = w.s.tandem.all_relationships(&admin()).await.unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| r.relationship.name.as_str())
            .collect::<Vec<_>>(),
        [SEED, "second"]
    );
}

#[tokio::test]
async fn the_rules_refuse_with_the_field_named_and_change_nothing() {
    let w = World::start().await;
    w.put("dhcp1.contoso.com", "10.2.0.0").await;
    w.put("dc1.contoso.com", "10.2.0.0").await;
    let taken =
        w.s.tandem
            .create_relationship(
                &admin(),
                &NewRelationship {
                    name: "x".into(),
                    ..new("dhcp1.contoso.com", "dc1.contoso.com")
                },
                &[id("10.2.0.0")],
            )
            .await;
    match taken {
        Err(ServiceError::Validation(e)) => assert!(
            e.get("scopes")
                .unwrap()
                .contains("already has a scope 10.2.0.0"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    let in_other =
        w.s.tandem
            .create_relationship(
                &admin(),
                &NewRelationship {
                    name: "y".into(),
                    ..new("dhcp1.contoso.com", "dc1.contoso.com")
                },
                &[id("10.0.0.0")],
            )
            .await;
    assert!(
        matches!(in_other, Err(ServiceError::Validation(e)) if e.get("scopes").unwrap().contains(SEED))
    );
    let same =
        w.s.tandem
            .create_relationship(
                &admin(),
                &new("dhcp1.contoso.com", "DHCP1.contoso.com"),
                &[],
            )
            .await;
    assert!(
        matches!(same, Err(ServiceError::Validation(e)) if e.get("secondary_server").is_some())
    );
    let dup =
        w.s.tandem
            .create_relationship(&admin(), &new("dhcp1.contoso.com", "dc1.contoso.com"), &[])
            .await;
    assert!(
        matches!(dup, Err(ServiceError::Validation(e)) if e.get("name").is_some()),
        "the seed's name is taken"
    );
    assert_eq!(w.relationships("dhcp1.contoso.com").await.len(), 1);
    assert_eq!(w.relationships("dc1.contoso.com").await.len(), 1);
}

#[tokio::test]
async fn removing_a_scope_from_failover_deletes_it_on_the_partner_only() {
    let w = World::start().await;
    let partner =
        w.s.tandem
            .remove_scope_from_failover(&admin(), &name("dc1.contoso.com"), id("10.0.0.0"))
            .await
            .unwrap();
    assert_eq!(partner.as_str(), "dhcp1.contoso.com");
    assert!(
        w.has("dc1.contoso.com", "10.0.0.0").await,
        "kept where the removal was run"
    );
    assert!(
        !w.has("dhcp1.contoso.com", "10.0.0.0").await,
        "deleted on the partner"
    );
    for server in ["dhcp1.contoso.com", "dc1.contoso.com"] {
        let rels = w.relationships(server).await;
        assert_eq!(rels.len(), 1, "the relationship stays");
        assert!(rels[0].scopes.is_empty());
    }
    // And back in: the partner gets a whole copy again.
    w.s.tandem
        .add_scope_to_relationship(&admin(), &name("dc1.contoso.com"), id("10.0.0.0"), SEED)
        .await
        .unwrap();
    let back =
        w.s.tandem
            .driver(&name("dhcp1.contoso.com"))
            .await
            .unwrap()
            .scope(id("10.0.0.0"))
            .await
            .unwrap();
    assert_eq!(back.reservations.len(), 1);
    assert_eq!(
        w.relationships("dhcp1.contoso.com").await[0].scopes,
        vec![id("10.0.0.0")]
    );
}

#[tokio::test]
async fn deleting_a_relationship_takes_its_scopes_out_of_failover_first() {
    let w = World::start().await;
    let taken_out =
        w.s.tandem
            .delete_relationship(&admin(), &name("dhcp1.contoso.com"), SEED, None)
            .await
            .unwrap();
    assert_eq!(taken_out, vec![id("10.0.0.0")]);
    assert!(w.relationships("dhcp1.contoso.com").await.is_empty());
    assert!(w.relationships("dc1.contoso.com").await.is_empty());
    assert!(w.has("dhcp1.contoso.com", "10.0.0.0").await);
    assert!(!w.has("dc1.contoso.com", "10.0.0.0").await);
}

#[tokio::test]
async fn editing_a_relationship_changes_both_servers_and_never_shows_the_secret() {
    let w = World::start().await;
    let input = NewRelationship {
        load_balance_percent: "70".into(),
        max_client_lead_time_secs: "600".into(),
        state_switch_interval_secs: "120".into(),
        enable_auth: true,
        shared_secret: "a very secret phrase".into(),
        ..new("dhcp1.contoso.com", "dc1.contoso.com")
    };
    w.s.tandem
        .update_relationship(&admin(), SEED, &input, None)
        .await
        .unwrap();
    for server in ["dhcp1.contoso.com", "dc1.contoso.com"] {
        let r = &w.relationships(server).await[0];
        assert_eq!(r.max_client_lead_time_secs, 600);
        assert!(r.auto_state_transition && r.enable_auth);
        assert_eq!(r.scopes, vec![id("10.0.0.0")], "scopes stay");
    }
    let api =
        serde_json::to_string(&w.s.tandem.all_relationships(&admin()).await.unwrap()).unwrap();
    assert!(!api.contains("a very secret phrase"));
    let events =
        w.s.tandem
            .export_events(&admin(), &Default::default())
            .await
            .unwrap();
    assert!(!events.contains("a very secret phrase"));
    // An edit with the secret left empty keeps it.
    let keep = NewRelationship {
        enable_auth: true,
        ..new("dhcp1.contoso.com", "dc1.contoso.com")
    };
    w.s.tandem
        .update_relationship(&admin(), SEED, &keep, None)
        .await
        .unwrap();
    let file = std::fs::read_to_string(ServerConfig::path_in(
        &bootstrap::builtin_dir(w.dir.path()),
        &name("dc1.contoso.com"),
    ))
    .unwrap();
    assert!(
        file.contains("a very secret phrase"),
        "the server keeps the secret it was given"
    );
}

#[tokio::test]
async fn relationship_level_replication_fixes_outside_changes_on_every_scope() {
    let w = World::start().await;
    w.put("dhcp1.contoso.com", "10.1.0.0").await;
    w.s.tandem
        .add_scope_to_relationship(&admin(), &name("dhcp1.contoso.com"), id("10.1.0.0"), SEED)
        .await
        .unwrap();
    // Outside changes on both scopes, on dhcp1.
    let d = w.s.tandem.driver(&name("dhcp1.contoso.com")).await.unwrap();
    for net in ["10.0.0.0", "10.1.0.0"] {
        let mut s = d.scope(id(net)).await.unwrap();
        s.description = "edited on the console".into();
        d.put_scope(&s).await.unwrap();
    }
    let results =
        w.s.tandem
            .replicate_relationship(&admin(), &name("dhcp1.contoso.com"), SEED)
            .await
            .unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.result == Ok(1)), "{results:?}");
    let view =
        w.s.tandem
            .list_scopes(&admin(), &Default::default())
            .await
            .unwrap();
    assert!(
        view.rows
            .iter()
            .all(|r| r.drift == Some(DriftStatus::InSync)),
        "{:?}",
        view.rows
    );
}

#[tokio::test]
async fn server_level_replication_goes_on_past_a_failed_scope() {
    let w = World::start().await;
    let dc2 = w.third("dc2.contoso.com").await;
    w.put("dhcp1.contoso.com", "10.3.0.0").await;
    w.s.tandem
        .create_relationship(
            &admin(),
            &NewRelationship {
                name: "to-dc2".into(),
                ..new("dhcp1.contoso.com", "dc2.contoso.com")
            },
            &[id("10.3.0.0")],
        )
        .await
        .unwrap();
    let d = w.s.tandem.driver(&name("dhcp1.contoso.com")).await.unwrap();
    for net in ["10.0.0.0", "10.3.0.0"] {
        let mut s = d.scope(id(net)).await.unwrap();
        s.description = "edited on the console".into();
        d.put_scope(&s).await.unwrap();
    }
    dc2.server.set_running(false).await.unwrap();
    let results =
        w.s.tandem
            .replicate_server(&admin(), &name("dhcp1.contoso.com"))
            .await
            .unwrap();
    assert_eq!(results.len(), 2, "{results:?}");
    let ok = results
        .iter()
        .find(|r| r.scope_id == id("10.0.0.0"))
        .unwrap();
    assert_eq!(ok.result, Ok(1));
    let failed = results
        .iter()
        .find(|r| r.scope_id == id("10.3.0.0"))
        .unwrap();
    assert!(
        failed
            .result
            .as_ref()
            .unwrap_err()
            .contains("dc2.contoso.com"),
        "{failed:?}"
    );
    // dc2 stopped behind Tandem's back: the view shows it once the watch has looked again.
    w.s.tandem
        .check_drift(&tandem_backend::Caller::local("watch"))
        .await
        .unwrap();
    let rows = w.s.tandem.all_relationships(&admin()).await.unwrap();
    let to_dc2 = rows
        .iter()
        .find(|r| r.relationship.name == "to-dc2")
        .unwrap();
    assert!(
        matches!(&to_dc2.secondary_status, ServerStatus::Unreachable { reason } if reason.contains("dc2.contoso.com"))
    );
}

#[tokio::test]
async fn roles_decide_who_manages_relationships() {
    let w = World::start().await;
    w.s.tandem
        .ensure_admin(Some("a long admin password"))
        .await
        .unwrap();
    let input = tandem_backend::service::UserInput {
        username: "scoper".into(),
        role: "DhcpScopeAdministrator".into(),
        ..Default::default()
    };
    w.s.tandem
        .create_user(&admin(), &input, "a long user password")
        .await
        .unwrap();
    let scoper = Caller::new(
        w.s.tandem
            .sign_in("scoper", "a long user password", "127.0.0.1")
            .await
            .unwrap()
            .principal,
    );
    assert!(matches!(
        w.s.tandem
            .delete_relationship(&scoper, &name("dhcp1.contoso.com"), SEED, None)
            .await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        w.s.tandem
            .replicate_server(&scoper, &name("dhcp1.contoso.com"))
            .await,
        Err(ServiceError::Forbidden(_))
    ));
    assert_eq!(w.relationships("dc1.contoso.com").await.len(), 1);
    assert!(w.s.tandem.all_relationships(&scoper).await.is_ok());
}

#[tokio::test]
async fn the_relationships_view_pages_filters_and_counts_from_what_was_read() {
    use tandem_core::views::{Page, RelationshipQuery};
    let w = World::start().await;
    let dc2 = w.third("dc2.contoso.com").await;
    let dc3 = w.third("dc3.contoso.com").await;
    for (server, net) in [
        ("dhcp1.contoso.com", "10.3.0.0"),
        ("dhcp1.contoso.com", "10.4.0.0"),
        ("dc2.contoso.com", "10.5.0.0"),
    ] {
        w.put(server, net).await;
    }
    for (rel, primary, secondary, net) in [
        ("to-dc2", "dhcp1.contoso.com", "dc2.contoso.com", "10.3.0.0"),
        ("to-dc3", "dhcp1.contoso.com", "dc3.contoso.com", "10.4.0.0"),
        ("dc2-dc3", "dc2.contoso.com", "dc3.contoso.com", "10.5.0.0"),
    ] {
        w.s.tandem
            .create_relationship(
                &admin(),
                &NewRelationship {
                    name: rel.into(),
                    ..new(primary, secondary)
                },
                &[id(net)],
            )
            .await
            .unwrap();
    }
    let query = |f: &dyn Fn(&mut RelationshipQuery)| {
        let mut q = RelationshipQuery::default();
        f(&mut q);
        q
    };
    let names = |rows: &[tandem_core::views::RelationshipRow]| {
        rows.iter()
            .map(|r| r.relationship.name.clone())
            .collect::<Vec<_>>()
    };

    // Pages of two, by name.
    let first =
        w.s.tandem
            .list_relationships(&admin(), &query(&|q| q.page = Page::new(1, 2)))
            .await
            .unwrap();
    assert_eq!(first.total, 4);
    assert_eq!(names(&first.rows), ["dc2-dc3", SEED]);
    let second =
        w.s.tandem
            .list_relationships(&admin(), &query(&|q| q.page = Page::new(2, 2)))
            .await
            .unwrap();
    assert_eq!(names(&second.rows), ["to-dc2", "to-dc3"]);
    assert_eq!(second.rows[0].relationship.scopes, [id("10.3.0.0")]);
    assert_eq!(second.rows[0].scope_count, 1);

    // A name, or part of either server's (any case); one server exactly.
    let by_name =
        w.s.tandem
            .list_relationships(&admin(), &query(&|q| q.name = Some("DC3".into())))
            .await
            .unwrap();
    assert_eq!(names(&by_name.rows), ["dc2-dc3", "to-dc3"]);
    assert_eq!(by_name.total, 2);
    let by_server =
        w.s.tandem
            .list_relationships(
                &admin(),
                &query(&|q| q.server = Some("dc2.contoso.com".into())),
            )
            .await
            .unwrap();
    assert_eq!(names(&by_server.rows), ["dc2-dc3", "to-dc2"]);
    // Hostile text is only text.
    let odd =
        w.s.tandem
            .list_relationships(&admin(), &query(&|q| q.name = Some("%' OR 1=1 --".into())))
            .await
            .unwrap();
    assert_eq!(odd.total, 0);

    // to-dc3 deleted on its primary behind Tandem's back: once the watch has looked, it is
    // listed once, as dc3 reports it, the primary saying it does not know it.
    w.s.tandem
        .driver(&name("dhcp1.contoso.com"))
        .await
        .unwrap()
        .delete_relationship("to-dc3")
        .await
        .unwrap();
    w.s.tandem
        .check_drift(&Caller::local("watch"))
        .await
        .unwrap();
    let half =
        w.s.tandem
            .list_relationships(&admin(), &query(&|q| q.name = Some("to-dc3".into())))
            .await
            .unwrap();
    assert_eq!(names(&half.rows), ["to-dc3"]);
    assert_eq!(half.rows[0].relationship.scopes, [id("10.4.0.0")]);
    assert!(
        matches!(&half.rows[0].primary_status, ServerStatus::Unreachable { reason } if reason.contains("does not know")),
        "{:?}",
        half.rows[0]
    );
    assert!(matches!(
        half.rows[0].secondary_status,
        ServerStatus::State { .. }
    ));

    // dc2 and dc3 stop: once the watch has looked, both of their relationship's servers are
    // Unreachable with the reason, and it is still listed (as last reported).
    dc2.server.set_running(false).await.unwrap();
    dc3.server.set_running(false).await.unwrap();
    w.s.tandem
        .check_drift(&Caller::local("watch"))
        .await
        .unwrap();
    let all = w.s.tandem.all_relationships(&admin()).await.unwrap();
    let both = all
        .iter()
        .find(|r| r.relationship.name == "dc2-dc3")
        .unwrap();
    for status in [&both.primary_status, &both.secondary_status] {
        assert!(
            matches!(status, ServerStatus::Unreachable { reason } if reason.contains("contoso.com")),
            "{status:?}"
        );
    }
    // "Not Normal" and the Dashboard's counts agree with each row's own health.
    let not_normal =
        w.s.tandem
            .list_relationships(&admin(), &query(&|q| q.not_normal = true))
            .await
            .unwrap();
    let expected: Vec<String> = all
        .iter()
        .filter(|r| r.health() != "Normal")
        .map(|r| r.relationship.name.clone())
        .collect();
    assert_eq!(names(&not_normal.rows), expected);
    assert!(expected.contains(&"to-dc2".to_string()), "{expected:?}");
    assert!(expected.contains(&"dc2-dc3".to_string()), "{expected:?}");
    let board = w.s.tandem.dashboard(&admin()).await.unwrap();
    let mut counted: std::collections::BTreeMap<String, usize> = Default::default();
    for r in &all {
        *counted.entry(r.health()).or_default() += 1;
    }
    assert_eq!(
        board.relationships_by_state,
        counted.into_iter().collect::<Vec<_>>()
    );
    assert_eq!(names(&board.relationships), expected);

    // A user who may see dc3 only sees the relationships dc3 is in, and counts only those.
    let input = tandem_backend::service::UserInput {
        username: "dc3-only".into(),
        role: "DhcpAdministrator".into(),
        servers: "dc3.contoso.com".into(),
        ..Default::default()
    };
    w.s.tandem
        .create_user(&admin(), &input, "a long user password")
        .await
        .unwrap();
    let dc3_only = Caller::new(
        w.s.tandem
            .sign_in("dc3-only", "a long user password", "127.0.0.1")
            .await
            .unwrap()
            .principal,
    );
    let seen =
        w.s.tandem
            .list_relationships(&dc3_only, &RelationshipQuery::default())
            .await
            .unwrap();
    assert_eq!(names(&seen.rows), ["dc2-dc3", "to-dc3"]);
    // One relationship by name: only one the user reaches, with every scope ID.
    let one =
        w.s.tandem
            .find_relationship(&dc3_only, "to-dc3")
            .await
            .unwrap()
            .unwrap();
    assert_eq!(one.relationship.scopes, [id("10.4.0.0")]);
    assert!(
        w.s.tandem
            .find_relationship(&dc3_only, "to-dc2")
            .await
            .unwrap()
            .is_none()
    );
    let board = w.s.tandem.dashboard(&dc3_only).await.unwrap();
    assert_eq!(
        board
            .relationships_by_state
            .iter()
            .map(|(_, n)| n)
            .sum::<usize>(),
        2
    );
}
