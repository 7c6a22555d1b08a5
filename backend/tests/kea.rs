//! Tandem against real ISC Kea DHCPv4 pairs, each test on every kind of pair Tandem supports:
//! - Kea 2.2 (Debian 12's kea-dhcp4-server and kea-ctrl-agent): control agents on loopback, no
//!   host or subnet commands, so every write is a `config-set`, one partner at a time;
//! - Kea 3.0 (Debian unstable's, from the root `scripts/kea3-root.sh` prepares, run with
//!   chroot): HTTP control sockets on kea-dhcp4 itself, HA with its own listeners, the host and
//!   subnet commands; reservations in the configuration file, or in a PostgreSQL hosts
//!   database per server (schema by `kea-admin db-init pgsql`), or in one database both share.
//!
//! Each pair runs in a temporary folder and is stopped when its test ends. Results are checked
//! on each Kea server directly, not only through Tandem. A kind of pair this machine cannot run
//! says so loudly and is skipped (`make test` prepares them all).

#[path = "support/kea_pair.rs"]
#[macro_use]
mod kea_pair;
mod support;

use kea_pair::*;

use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use tandem_backend::driver::ControlAccess;
use tandem_backend::store::Store;
use tandem_backend::store::servers::{self, ServerKind};
use tandem_backend::{Caller, Tandem};
use tandem_core::drift::DriftStatus;
use tandem_core::failover_rules::NewRelationship;
use tandem_core::scope_input::ScopeInput;
use tandem_core::validate::NewReservation;
use tandem_core::views::{ReplicationOutcome, ScopeQuery, ServerStatus, SyncFilter};
use tandem_core::{ScopeId, ServerName};

/// A Tandem with no server yet, on a fresh database in `dir`.
async fn empty_tandem(dir: &Path) -> Tandem {
    let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
    Tandem::new(Store::connect(&url).await.unwrap())
}

/// A reservation as the Create Reservation dialog sends it: address and client ID.
fn reservation(ip: &str, mac: &str) -> NewReservation {
    NewReservation {
        ip_address: ip.into(),
        client_id: mac.into(),
        ..Default::default()
    }
}

/// The Failover Relationships view after the servers' states are read again (what the drift
/// watch does every interval).
async fn relationships_now(t: &Tandem) -> Vec<tandem_core::views::RelationshipRow> {
    t.check_drift(&Caller::local("test")).await.unwrap();
    t.all_relationships(&admin()).await.unwrap()
}

fn admin() -> Caller {
    Caller::local("kea-test")
}

on_pairs!([kea_2_2: Kea22, kea_3_0: Kea3]
    a_kea_pair_is_read_replicated_to_and_checked_for_drift,
    relationships_on_a_kea_pair_are_edited_deleted_created_and_maintained,
    a_kea_server_stopped_mid_change_is_a_sync_error_until_replicated,
    changes_on_a_kea_pair_are_previewed_and_undone,
    the_review_checks_a_kea_pair_as_a_pair,
);

/// Kea 3 with reservations in a hosts database, one per server.
#[tokio::test]
async fn a_kea_3_pair_with_hosts_databases_is_read_replicated_to_and_checked_for_drift() {
    if Flavor::Kea3Db.available() {
        a_kea_pair_is_read_replicated_to_and_checked_for_drift(Flavor::Kea3Db).await;
    }
}

async fn a_kea_pair_is_read_replicated_to_and_checked_for_drift(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let (kea1, kea2) = (
        ServerName::parse(NAMES[0]).unwrap(),
        ServerName::parse(NAMES[1]).unwrap(),
    );
    let scope = ScopeId::parse("10.0.0.0").unwrap();

    // Registering: refused by field when the URL is not one, nothing answers there, or the
    // server goes by another name in its HA configuration; by control agent URL or by the
    // server's own control socket otherwise.
    let other_db = tempfile::tempdir().unwrap();
    let fresh = empty_tandem(other_db.path()).await;
    let silent = format!("http://127.0.0.1:{}/", free_port());
    for (name, url, field) in [
        (NAMES[0], "ftp://127.0.0.1/", "url"),
        (NAMES[0], silent.as_str(), "url"),
        ("other.tandem.test", pair.urls[0].as_str(), "name"),
    ] {
        let e = fresh
            .add_kea_server(
                &admin(),
                &ServerName::parse(name).unwrap(),
                url,
                &Default::default(),
            )
            .await
            .unwrap_err();
        assert_eq!(refused(e).0, field, "{name} at {url}");
    }
    let socket = format!("unix:{}", pair.folders[1].join("kea4.sock").display());
    assert_eq!(
        fresh
            .add_kea_server(&admin(), &kea1, &pair.urls[0], &Default::default())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        fresh
            .add_kea_server(&admin(), &kea2, &socket, &Default::default())
            .await
            .unwrap(),
        1
    );
    let view = fresh
        .list_scopes(&admin(), &ScopeQuery::default())
        .await
        .unwrap();
    assert_eq!(view.total, 2, "{view:?}");
    drop(fresh);

    // Read: the subnet is a scope on both, in the HA relationship, in sync.
    let view = t
        .list_scopes(&admin(), &ScopeQuery::default())
        .await
        .unwrap();
    assert_eq!(view.total, 2, "{view:?}");
    for row in &view.rows {
        assert_eq!(
            row.relationship.as_deref(),
            Some("kea1.tandem.test-kea2.tandem.test")
        );
        assert_eq!(row.drift, Some(DriftStatus::InSync), "{row:?}");
        assert_eq!(row.reservations, 1);
    }
    let relationships = relationships_now(&t).await;
    assert_eq!(relationships.len(), 1);
    assert_eq!(relationships[0].health(), "Normal");

    // A reservation created through Tandem on kea1 is on both Kea servers (asked directly).
    let new = NewReservation {
        ip_address: "10.0.0.100".into(),
        client_id: "00155DA76602".into(),
        name: "printer".into(),
        description: "second floor".into(),
        ..Default::default()
    };
    let mut notices = t.subscribe();
    let outcome = t
        .create_reservation(&admin(), &kea1, scope, &new)
        .await
        .unwrap();
    assert_eq!(
        outcome.replication,
        ReplicationOutcome::Replicated {
            partner: kea2.clone()
        }
    );
    // The caller is told of each wait while it happens (Kea 2.2); Kea 3 never waits.
    let mut progress = Vec::new();
    while let Ok(n) = notices.try_recv() {
        if n.kind == "progress" {
            assert_eq!(n.actor.as_deref(), Some("kea-test"));
            progress.push(n.message.unwrap());
        }
    }
    if flavor == Flavor::Kea22 {
        assert_eq!(progress.len(), 2, "{progress:?}");
        assert!(
            progress[0].contains("kea1.tandem.test is written; waiting"),
            "{progress:?}"
        );
        assert!(
            progress[0].contains("before writing kea2.tandem.test"),
            "{progress:?}"
        );
    } else {
        assert!(progress.is_empty(), "{progress:?}");
    }
    // Both serve at once: Kea 3 was never reloaded (host commands), Kea 2.2 was written one
    // partner at a time, each waited for until it served again.
    for url in &pair.urls {
        let state = kea(url, "ha-heartbeat", None).await["arguments"]["state"].clone();
        assert_eq!(state, "load-balancing", "{flavor:?} {url}");
    }
    for i in 0..2 {
        assert_eq!(pair.reserved(i).await, ["10.0.0.99", "10.0.0.100"]);
    }
    for (folder, url) in pair.folders.iter().zip(&pair.urls) {
        let saved = std::fs::read_to_string(folder.join("kea-dhcp4.conf")).unwrap();
        if flavor.database() {
            // In each server's hosts database, durable by itself; never in its file.
            assert!(!saved.contains("10.0.0.100"), "{saved}");
            let found = kea(
                url,
                "reservation-get",
                Some(json!({ "subnet-id": 1, "ip-address": "10.0.0.100", "operation-target": "database" })),
            )
            .await;
            assert_eq!(
                found["arguments"]["hw-address"], "00:15:5d:a7:66:02",
                "{found}"
            );
        } else {
            // Saved to each server's configuration file (config-write).
            assert!(saved.contains("10.0.0.100"), "{saved}");
        }
    }
    // Server Properties says how each server is written.
    let servers = t.list_servers(&admin(), &Default::default()).await.unwrap();
    for row in &servers.rows {
        let method = row.write_method.clone().unwrap_or_default();
        let expected = match flavor {
            Flavor::Kea22 => "config-set for every change, one partner at a time",
            Flavor::Kea3 => {
                "reservations by reservation-add/update/del in memory, then config-write"
            }
            _ => "reservations by reservation-add/update/del in its postgresql hosts database",
        };
        assert!(method.contains(expected), "{flavor:?}: {method}");
    }

    // Bad input never reaches Kea: refused by field.
    let bad = reservation("10.0.1.5", "00155DA76603");
    let (field, message) = refused(
        t.create_reservation(&admin(), &kea1, scope, &bad)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "ip_address");
    assert!(message.contains("outside subnet 10.0.0.0/24"), "{message}");
    // Kea's own rule: anywhere in the subnet, but never its network or broadcast address.
    for (ip, why) in [("10.0.0.0", "network"), ("10.0.0.255", "broadcast")] {
        let at_end = NewReservation {
            ip_address: ip.into(),
            ..bad.clone()
        };
        let (field, message) = refused(
            t.create_reservation(&admin(), &kea1, scope, &at_end)
                .await
                .unwrap_err(),
        );
        assert_eq!(field, "ip_address");
        assert!(message.contains(why), "{message}");
    }
    assert_eq!(pair.reserved(0).await.len(), 2);

    // A change behind Tandem's back on kea2: drift, then scope replication from kea1.
    pair.add_outside(
        1,
        json!({ "ip-address": "10.0.0.150", "hw-address": "00:11:22:33:44:55" }),
    )
    .await;
    t.check_drift(&admin()).await.unwrap();
    let drifting = t
        .list_scopes(
            &admin(),
            &ScopeQuery {
                sync: Some(tandem_core::views::SyncFilter::OutOfSync),
                ..ScopeQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(drifting.total, 2, "{drifting:?}");
    // A scope edit on kea1 gives kea2 the new properties and keeps kea2's own reservations,
    // the one added behind Tandem's back included (read afresh, never from an older read).
    let current = t
        .driver(&kea1)
        .await
        .unwrap()
        .scopes()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == scope)
        .unwrap();
    let mut input = ScopeInput::of(&current);
    input.name = "edited on kea1".into();
    // A reservation added on kea1 after the edit was opened does not make the edit stale (it
    // changes the properties only), and kea1 keeps it.
    pair.add_outside(
        0,
        json!({ "ip-address": "10.0.0.151", "hw-address": "00:11:22:33:44:56" }),
    )
    .await;
    let outcome = t
        .update_scope(
            &admin(),
            &kea1,
            scope,
            &current.properties_version(),
            &input,
        )
        .await
        .unwrap();
    assert!(!outcome.replication.is_failure(), "{outcome:?}");
    assert_eq!(
        pair.reserved(0).await,
        ["10.0.0.99", "10.0.0.100", "10.0.0.151"]
    );
    assert_eq!(
        pair.reserved(1).await,
        ["10.0.0.99", "10.0.0.100", "10.0.0.150"]
    );
    // The Event Catalog records the properties an edit changed, not the scope's reservations.
    let filter = tandem_backend::store::events::EventFilter {
        action: "update_scope".into(),
        ..Default::default()
    };
    let edit = t
        .search_events(&admin(), &filter, 10)
        .await
        .unwrap()
        .remove(0);
    assert!(edit.after.as_deref().unwrap().contains("edited on kea1"));
    assert!(
        !edit.after.as_deref().unwrap().contains("10.0.0.99"),
        "{edit:?}"
    );
    let names: Vec<Value> = pair
        .urls
        .iter()
        .map(|u| kea(u, "config-get", None))
        .collect::<futures::future::JoinAll<_>>()
        .await
        .into_iter()
        .map(|c| c["arguments"]["Dhcp4"]["subnet4"][0]["user-context"]["name"].clone())
        .collect();
    assert_eq!(names, [json!("edited on kea1"), json!("edited on kea1")]);
    // Scope replication from kea1 makes kea2's copy kea1's, reservations and all.
    let replicated = t.replicate_scope(&admin(), &kea1, scope).await.unwrap();
    assert_eq!(replicated.partner, kea2);
    assert_eq!(
        pair.reserved(1).await,
        ["10.0.0.99", "10.0.0.100", "10.0.0.151"]
    );
    let view = t
        .list_scopes(&admin(), &ScopeQuery::default())
        .await
        .unwrap();
    assert!(
        view.rows
            .iter()
            .all(|r| r.drift == Some(DriftStatus::InSync))
    );
}

fn relationship_input(mode: &str, percent: &str, reserve: &str) -> NewRelationship {
    NewRelationship {
        name: "kea-pair".into(),
        primary_server: NAMES[0].into(),
        secondary_server: NAMES[1].into(),
        mode: mode.into(),
        load_balance_percent: percent.into(),
        server_role: "Active".into(),
        reserve_percent: reserve.into(),
        max_client_lead_time_secs: "600".into(),
        auto_state_transition: true,
        ..Default::default()
    }
}

/// The scope rows that show a config sync error.
async fn sync_error_rows(t: &Tandem) -> tandem_core::views::ScopesPage {
    t.list_scopes(
        &admin(),
        &ScopeQuery {
            sync: Some(SyncFilter::Error),
            ..ScopeQuery::default()
        },
    )
    .await
    .unwrap()
}

/// The HA hook's parameters in a configuration, if it is loaded.
fn ha_of(config: &Value) -> Option<Value> {
    config["hooks-libraries"]
        .as_array()?
        .iter()
        .find(|h| h["library"].as_str().unwrap().ends_with("libdhcp_ha.so"))
        .map(|h| h["parameters"]["high-availability"][0].clone())
}

fn subnets_of(config: &Value) -> Vec<String> {
    let mut out: Vec<String> = config["subnet4"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subnet"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

fn scope_input(id: &str, name: &str) -> ScopeInput {
    let net = id.trim_end_matches(".0");
    ScopeInput {
        scope_id: id.into(),
        name: name.into(),
        start: format!("{net}.10"),
        end: format!("{net}.200"),
        subnet_mask: "255.255.255.0".into(),
        ..Default::default()
    }
}

async fn relationships_on_a_kea_pair_are_edited_deleted_created_and_maintained(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let name = "kea1.tandem.test-kea2.tandem.test";
    let before = config_get(&pair.urls[0]).await;

    // What Kea cannot express is refused by field, and neither server changes.
    for (input, field) in [
        (
            relationship_input("LoadBalance", "70", ""),
            "load_balance_percent",
        ),
        (relationship_input("HotStandby", "", "5"), "reserve_percent"),
        (
            NewRelationship {
                enable_auth: true,
                shared_secret: "s3cret-phrase".into(),
                ..relationship_input("LoadBalance", "50", "")
            },
            "enable_auth",
        ),
    ] {
        let (f, message) = refused(
            t.update_relationship(&admin(), name, &input, None)
                .await
                .unwrap_err(),
        );
        assert_eq!(f, field);
        assert!(message.contains("not supported by Kea"), "{message}");
    }
    assert_eq!(config_get(&pair.urls[0]).await, before);

    // A Kea server and a built-in one cannot be partners.
    {
        let mut conn = t.store().pool().acquire().await.unwrap();
        servers::upsert(
            &mut conn,
            &ServerName::parse("dhcp9.tandem.test").unwrap(),
            ServerKind::Builtin,
            "http://127.0.0.1:9/",
        )
        .await
        .unwrap();
    }
    let mixed = NewRelationship {
        name: "mixed".into(),
        secondary_server: "dhcp9.tandem.test".into(),
        ..relationship_input("LoadBalance", "50", "")
    };
    let (field, message) = refused(
        t.create_relationship(&admin(), &mixed, &[])
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "secondary_server");
    assert!(message.contains("two servers of one kind"), "{message}");

    // Hot standby: both servers' HA hooks change, and both reach hot-standby.
    let updated = t
        .update_relationship(
            &admin(),
            name,
            &relationship_input("HotStandby", "", "0"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(updated.max_client_lead_time_secs, 600);
    for (i, (url, me)) in pair.urls.iter().zip(NAMES).enumerate() {
        let ha = ha_of(&config_get(url).await).unwrap();
        assert_eq!(ha["mode"], "hot-standby");
        assert_eq!(ha["this-server-name"], me);
        assert_eq!(ha["peers"][0]["name"], NAMES[0]);
        assert_eq!(ha["peers"][1]["role"], "standby");
        pair.wait_state(i, "hot-standby").await;
    }
    let rows = relationships_now(&t).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].relationship.mode.name(), "HotStandby");
    assert_eq!(rows[0].relationship.max_client_lead_time_secs, 600);
    assert_eq!(rows[0].health(), "Normal");

    // Partner Down is Kea's own decision; maintenance is what it offers by hand.
    let e = t.set_partner_down(&admin(), &kea1, name).await.unwrap_err();
    assert!(e.to_string().contains("not supported by Kea"), "{e}");
    t.set_maintenance(&admin(), &kea1, name, true)
        .await
        .unwrap();
    pair.wait_state(0, "partner-in-maintenance").await;
    pair.wait_state(1, "in-maintenance").await;
    let rows = relationships_now(&t).await;
    match &rows[0].secondary_status {
        ServerStatus::State { raw_state, .. } => assert_eq!(raw_state, "in-maintenance"),
        other => panic!("{other:?}"),
    }
    t.set_maintenance(&admin(), &kea1, name, false)
        .await
        .unwrap();
    pair.wait_state(0, "hot-standby").await;
    pair.wait_state(1, "hot-standby").await;

    // A single scope cannot leave Kea's HA, which serves every subnet.
    let e = t
        .remove_scope_from_failover(&admin(), &kea1, ScopeId::parse("10.0.0.0").unwrap())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not supported by Kea"), "{e}");

    // Deleted: the HA hook leaves both servers; the scopes stay on both.
    t.delete_relationship(&admin(), &kea1, name, None)
        .await
        .unwrap();
    for url in &pair.urls {
        let config = config_get(url).await;
        assert!(ha_of(&config).is_none(), "{config}");
        assert_eq!(subnets_of(&config), ["10.0.0.0/24"]);
        assert_eq!(
            kea(url, "ha-heartbeat", None).await["result"],
            2,
            "the HA hook is unloaded"
        );
    }
    assert!(relationships_now(&t).await.is_empty());

    // Out of failover, a new scope is created on kea1 alone.
    t.create_scope(&admin(), &kea1, &scope_input("10.0.1.0", "lab"))
        .await
        .unwrap();
    assert_eq!(
        subnets_of(&config_get(&pair.urls[1]).await),
        ["10.0.0.0/24"]
    );
    // Kea's HA serves every subnet, so a relationship must take all of kea1's scopes, and the
    // partner must not hold one already.
    let only_one = t
        .create_relationship(
            &admin(),
            &relationship_input("LoadBalance", "50", ""),
            &[ScopeId::parse("10.0.0.0").unwrap()],
        )
        .await
        .unwrap_err();
    let (field, message) = refused(only_one);
    assert_eq!(field, "scopes");
    assert!(message.contains("choose all 2 scope(s)"), "{message}");
    let all = [
        ScopeId::parse("10.0.0.0").unwrap(),
        ScopeId::parse("10.0.1.0").unwrap(),
    ];
    let (field, _) = refused(
        t.create_relationship(&admin(), &relationship_input("LoadBalance", "50", ""), &all)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "scopes", "kea2 still has 10.0.0.0");
    let kea2 = ServerName::parse(NAMES[1]).unwrap();
    t.delete_scope(&admin(), &kea2, all[0], None).await.unwrap();

    // Created: both scopes copied to kea2, the HA hook on both, both load-balancing. Watched
    // meanwhile: kea2 never holds a copy outside HA (served alone, with none of kea1's leases,
    // it would hand out addresses kea1 has given), and each server's HA state.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = {
        let (stop, urls) = (stop.clone(), pair.urls.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let config = config_get(&urls[1]).await;
                let state = |v: Value| v["arguments"]["state"].as_str().unwrap_or("-").to_string();
                seen.push((
                    subnets_of(&config),
                    ha_of(&config).is_some(),
                    state(kea(&urls[0], "ha-heartbeat", None).await),
                    state(kea(&urls[1], "ha-heartbeat", None).await),
                ));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            seen
        })
    };
    let created = t
        .create_relationship(&admin(), &relationship_input("LoadBalance", "50", ""), &all)
        .await
        .unwrap();
    for i in 0..2 {
        pair.wait_state(i, "load-balancing").await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = watch.await.unwrap();
    let mut runs: Vec<(String, String, usize)> = Vec::new();
    for (_, _, a, b) in &seen {
        match runs.last_mut() {
            Some((x, y, n)) if x == a && y == b => *n += 1,
            _ => runs.push((a.clone(), b.clone(), 1)),
        }
    }
    eprintln!("{flavor:?} create: {runs:?}");
    assert!(
        seen.iter()
            .all(|(subnets, ha, ..)| *ha || subnets.len() < 2),
        "kea2 held the copies outside HA: {seen:?}"
    );
    assert_eq!(created.name, "kea-pair");
    for (i, url) in pair.urls.iter().enumerate() {
        let config = config_get(url).await;
        assert_eq!(subnets_of(&config), ["10.0.0.0/24", "10.0.1.0/24"]);
        let ha = ha_of(&config).unwrap();
        assert_eq!(ha["mode"], "load-balancing");
        assert_eq!(ha["peers"][1]["url"], pair.urls[1].as_str());
        assert_eq!(config["user-context"]["tandem"]["relationship"], "kea-pair");
        pair.wait_state(i, "load-balancing").await;
    }
    let rows = relationships_now(&t).await;
    assert_eq!(rows[0].relationship.name, "kea-pair");
    assert_eq!(rows[0].relationship.scopes, all);

    // In failover, a scope is created and deleted on both servers at once.
    t.create_scope(&admin(), &kea1, &scope_input("10.0.2.0", "guests"))
        .await
        .unwrap();
    assert_eq!(
        subnets_of(&config_get(&pair.urls[1]).await),
        ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
    );
    t.delete_scope(&admin(), &kea1, ScopeId::parse("10.0.2.0").unwrap(), None)
        .await
        .unwrap();
    for url in &pair.urls {
        assert_eq!(
            subnets_of(&config_get(url).await),
            ["10.0.0.0/24", "10.0.1.0/24"]
        );
    }
}

async fn a_kea_server_stopped_mid_change_is_a_sync_error_until_replicated(flavor: Flavor) {
    let mut pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let name = "kea1.tandem.test-kea2.tandem.test";
    let sync_errors = || async { sync_error_rows(&t).await.total };

    // kea2's DHCPv4 service stops; its agent still answers. The change lands on kea1 only.
    pair.stop_dhcp4(1);
    let new = NewReservation {
        name: "camera".into(),
        ..reservation("10.0.0.120", "00155DA76620")
    };
    let outcome = t
        .create_reservation(&admin(), &kea1, scope, &new)
        .await
        .unwrap();
    assert!(outcome.replication.is_failure(), "{outcome:?}");
    let text = format!("{:?}", outcome.replication);
    assert!(text.contains(NAMES[1]), "{text}");
    assert_eq!(pair.reserved(0).await, ["10.0.0.99", "10.0.0.120"]);
    assert_eq!(sync_errors().await, 1);
    let rows = relationships_now(&t).await;
    assert_eq!(rows[0].sync_errors, 1);
    assert!(
        matches!(&rows[0].secondary_status, ServerStatus::Unreachable { reason } if reason.contains(NAMES[1])),
        "{rows:?}"
    );

    // Server-level replication, with kea2 back: the change reaches it, the error clears.
    pair.start_dhcp4(1).await;
    assert_eq!(pair.reserved(1).await, ["10.0.0.99"]);
    let results = t.replicate_server(&admin(), &kea1).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].result, Ok(1), "{results:?}");
    assert_eq!(pair.reserved(1).await, ["10.0.0.99", "10.0.0.120"]);
    assert_eq!(sync_errors().await, 0);

    // A config-set behind Tandem's back on kea2, undone by relationship-level replication.
    set_lifetime_behind_tandems_back(&pair.urls[1], 3600).await;
    let results = t
        .replicate_relationship(&admin(), &kea1, name)
        .await
        .unwrap();
    assert_eq!(results[0].result, Ok(1), "{results:?}");
    assert_eq!(
        config_get(&pair.urls[1]).await["subnet4"][0]["valid-lifetime"],
        config_get(&pair.urls[0]).await["subnet4"][0]["valid-lifetime"]
    );
}

/// Kea 3's own HTTPS control socket with basic authentication: registered with a CA file
/// and credentials, each wrong piece refused on its field, the credentials never in a URL,
/// an answer, a page or the Event Catalog.
#[tokio::test]
async fn a_kea_3_server_is_reached_over_https_with_basic_authentication() {
    if !Flavor::Kea3Tls.available() {
        return;
    }
    let pair = Pair::start(Flavor::Kea3Tls).await;
    let tls = pair.tls.as_ref().unwrap();
    let db = tempfile::tempdir().unwrap();
    let t = empty_tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let ca = Some(tls.ca.display().to_string());
    let access = |user: &str, password: &str, ca: Option<String>| ControlAccess {
        user: Some(user.into()),
        password: Some(password.into()),
        ca_file: ca,
    };
    let in_url = format!("https://{TLS_USER}:{TLS_PASSWORD}@127.0.0.1:{}/", tls.port);
    let plain = pair.urls[0].clone();
    for (url, access, field, says) in [
        (
            in_url.as_str(),
            ControlAccess::default(),
            "url",
            "never go in a URL",
        ),
        (
            tls.url().as_str(),
            access(TLS_USER, TLS_PASSWORD, None),
            "ca_file",
            "not trusted",
        ),
        (
            tls.url().as_str(),
            access(TLS_USER, "wrong", ca.clone()),
            "password",
            "refused",
        ),
        (
            tls.url().as_str(),
            access("", "", ca.clone()),
            "password",
            "refused",
        ),
        (
            tls.url().as_str(),
            access(TLS_USER, "", ca.clone()),
            "password",
            "needs a password",
        ),
        (
            plain.as_str(),
            access(TLS_USER, TLS_PASSWORD, ca.clone()),
            "ca_file",
            "https",
        ),
        (
            tls.url().as_str(),
            access("a:b", TLS_PASSWORD, ca.clone()),
            "user",
            "':'",
        ),
        (
            tls.url().as_str(),
            access(TLS_USER, TLS_PASSWORD, Some("/nonexistent/ca.pem".into())),
            "ca_file",
            "cannot read",
        ),
    ] {
        let (f, message) = refused(
            t.add_kea_server(&admin(), &kea1, url, &access)
                .await
                .unwrap_err(),
        );
        assert_eq!((f.as_str(), url), (field, url), "{message}");
        assert!(message.contains(says), "{field}: {message}");
        assert!(!message.contains(TLS_PASSWORD), "{message}");
    }
    assert!(t.store().pool().acquire().await.is_ok());
    let right = access(TLS_USER, TLS_PASSWORD, ca.clone());
    assert_eq!(
        t.add_kea_server(&admin(), &kea1, &tls.url(), &right)
            .await
            .unwrap(),
        1
    );
    let kea2 = ServerName::parse(NAMES[1]).unwrap();
    t.add_kea_server(&admin(), &kea2, &pair.urls[1], &Default::default())
        .await
        .unwrap();

    // Through HTTPS: a reservation made on kea1 reaches kea2.
    let new = reservation("10.0.0.42", "00155DA76642");
    let outcome = t
        .create_reservation(&admin(), &kea1, ScopeId::parse("10.0.0.0").unwrap(), &new)
        .await
        .unwrap();
    assert!(!outcome.replication.is_failure(), "{outcome:?}");
    assert_eq!(pair.reserved(1).await, ["10.0.0.42", "10.0.0.99"]);

    // The password is nowhere Tandem shows anything.
    let events = t
        .export_events(&admin(), &Default::default())
        .await
        .unwrap();
    let shown = format!(
        "{events:?}{:?}",
        t.list_servers(&admin(), &Default::default()).await.unwrap()
    );
    assert!(shown.contains("(set)"), "the event says a password was set");
    assert!(!shown.contains(TLS_PASSWORD));
}

/// A control channel that answers with a redirect is refused, not followed: a redirect could
/// carry Tandem's credentials elsewhere.
#[tokio::test]
async fn a_redirect_from_a_control_channel_is_not_followed() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let followed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let target = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target_port = target.local_addr().unwrap().port();
    {
        let followed = followed.clone();
        tokio::spawn(async move {
            if target.accept().await.is_ok() {
                followed.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        });
    }
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{target_port}/\r\nContent-Length: 0\r\n\r\n"
            );
            let _ = s.write_all(answer.as_bytes()).await;
        }
    });
    let db = tempfile::tempdir().unwrap();
    let t = empty_tandem(db.path()).await;
    let access = ControlAccess {
        user: Some("tandem".into()),
        password: Some("secret".into()),
        ca_file: None,
    };
    let (field, message) = refused(
        t.add_kea_server(
            &admin(),
            &ServerName::parse(NAMES[0]).unwrap(),
            &format!("http://127.0.0.1:{port}/"),
            &access,
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(field, "url");
    assert!(message.contains("redirect"), "{message}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!followed.load(std::sync::atomic::Ordering::SeqCst));
}

/// Two Kea 3 servers on one hosts database: a reservation change is written once, and Tandem
/// says so; both serve it.
#[tokio::test]
async fn a_hosts_database_shared_by_both_partners_is_written_once() {
    if !Flavor::Kea3SharedDb.available() {
        return;
    }
    let pair = Pair::start(Flavor::Kea3SharedDb).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let (kea1, kea2) = (
        ServerName::parse(NAMES[0]).unwrap(),
        ServerName::parse(NAMES[1]).unwrap(),
    );
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let new = NewReservation {
        name: "shared".into(),
        ..reservation("10.0.0.7", "00155DA76607")
    };
    let outcome = t
        .create_reservation(&admin(), &kea1, scope, &new)
        .await
        .unwrap();
    match &outcome.replication {
        ReplicationOutcome::Shared { partner, store } => {
            assert_eq!(partner, &kea2);
            assert!(store.starts_with("postgresql://"), "{store}");
            assert!(
                !store.contains("tandem-test-"),
                "never the password: {store}"
            );
        }
        other => panic!("{other:?}"),
    }
    for i in 0..2 {
        assert_eq!(pair.reserved(i).await, ["10.0.0.7", "10.0.0.99"]);
    }
    // Deleted once too; the scope stays in sync.
    let outcome = t
        .delete_reservation(&admin(), &kea2, scope, "10.0.0.7".parse().unwrap(), None)
        .await
        .unwrap();
    assert!(
        matches!(outcome.replication, ReplicationOutcome::Shared { .. }),
        "{outcome:?}"
    );
    for i in 0..2 {
        assert_eq!(pair.reserved(i).await, ["10.0.0.99"]);
    }
    t.check_drift(&admin()).await.unwrap();
    let view = t
        .list_scopes(&admin(), &ScopeQuery::default())
        .await
        .unwrap();
    assert!(
        view.rows
            .iter()
            .all(|r| r.drift == Some(DriftStatus::InSync)),
        "{view:?}"
    );
    let events = t
        .export_events(&admin(), &Default::default())
        .await
        .unwrap();
    assert!(events.contains("written once"), "{events}");
}

/// A Kea 3 server that loses a command it listed, and one whose configuration file cannot be
/// written: the change stays where it was made, and the error names the server and the
/// command; nothing is hidden.
#[tokio::test]
async fn kea_faults_are_named_with_the_server_and_the_command() {
    if !Flavor::Kea3.available() {
        return;
    }
    let pair = Pair::start(Flavor::Kea3).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    // Tandem learns what kea2 offers (the host commands)...
    t.create_reservation(
        &admin(),
        &kea1,
        scope,
        &reservation("10.0.0.11", "00155DA76611"),
    )
    .await
    .unwrap();
    // ...then kea2 loses them behind its back.
    let mut config = config_get(&pair.urls[1]).await;
    config["hooks-libraries"]
        .as_array_mut()
        .unwrap()
        .retain(|h| h["library"] != "libdhcp_host_cmds.so");
    let set = kea(
        &pair.urls[1],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(set["result"], 0, "{set}");
    let outcome = t
        .create_reservation(
            &admin(),
            &kea1,
            scope,
            &reservation("10.0.0.12", "00155DA76612"),
        )
        .await
        .unwrap();
    match &outcome.replication {
        ReplicationOutcome::Failed { partner, error } => {
            assert_eq!(partner.as_str(), NAMES[1]);
            assert!(
                error.contains(NAMES[1]) && error.contains("reservation-add"),
                "{error}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        pair.reserved(0).await,
        ["10.0.0.11", "10.0.0.12", "10.0.0.99"]
    );
    // Asked again, kea2 is written the way it can be now (config-set): the replication works.
    pair.wait_state(1, "load-balancing").await;
    let replicated = t.replicate_scope(&admin(), &kea1, scope).await.unwrap();
    assert_eq!(replicated.changes.len(), 1, "{replicated:?}");
    let config = config_get(&pair.urls[1]).await;
    assert_eq!(
        reservation_ips(&config),
        ["10.0.0.11", "10.0.0.12", "10.0.0.99"]
    );

    // kea1's configuration file cannot be written: the command ran, config-write failed, and
    // the error says exactly that.
    let file = pair.folders[0].join("kea-dhcp4.conf");
    let locked = Command::new("chattr").arg("+i").arg(&file).status();
    if !locked.is_ok_and(|s| s.success()) {
        support::skipped("config-write failure", "chattr +i is not available here");
        return;
    }
    let result = t
        .create_reservation(
            &admin(),
            &kea1,
            scope,
            &reservation("10.0.0.13", "00155DA76613"),
        )
        .await;
    let _ = Command::new("chattr").arg("-i").arg(&file).status();
    let (field, message) = refused(result.unwrap_err());
    assert_eq!(field, "kea");
    assert!(
        message.contains("reservation-add was applied on kea1.tandem.test but config-write failed"),
        "{message}"
    );
    assert!(pair.reserved(0).await.contains(&"10.0.0.13".to_string()));
    assert!(
        !std::fs::read_to_string(&file)
            .unwrap()
            .contains("10.0.0.13")
    );
}

/// After a reservation change on Kea 3, the inventory records only that reservation when it
/// held the scope exactly as it was before the change; after a change behind Tandem's back it
/// compares the whole list instead, so nothing the server holds is missed.
#[tokio::test]
async fn the_inventory_records_only_what_a_reservation_write_changed_when_in_step() {
    if !Flavor::Kea3.available() {
        return;
    }
    let pair = Pair::start(Flavor::Kea3).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let found = |text: &'static str| {
        let t = &t;
        async move {
            let mut hits: Vec<String> = t
                .search_reservations(&admin(), text)
                .await
                .unwrap()
                .into_iter()
                .map(|h| format!("{} {}", h.server, h.reservation.ip_address))
                .collect();
            hits.sort();
            hits
        }
    };
    let counts = || async {
        t.list_scopes(&admin(), &ScopeQuery::default())
            .await
            .unwrap()
            .rows
            .iter()
            .map(|r| r.reservations)
            .collect::<Vec<_>>()
    };
    assert_eq!(counts().await, [1, 1]);
    let create = |ip: &'static str, mac: &'static str| {
        let t = &t;
        let kea1 = kea1.clone();
        async move {
            let new = reservation(ip, mac);
            let outcome = t
                .create_reservation(&admin(), &kea1, scope, &new)
                .await
                .unwrap();
            assert!(!outcome.replication.is_failure(), "{outcome:?}");
        }
    };
    create("10.0.0.100", "00155DA76700").await;
    assert_eq!(
        found("10.0.0.100").await,
        ["kea1.tandem.test 10.0.0.100", "kea2.tandem.test 10.0.0.100"]
    );
    // Behind Tandem's back on kea2, then a change through Tandem: kea2's inventory is no
    // longer in step, so its whole list is compared and the outside reservation recorded too.
    pair.add_outside(
        1,
        json!({ "ip-address": "10.0.0.150", "hw-address": "00:11:22:33:44:55" }),
    )
    .await;
    create("10.0.0.101", "00155DA76701").await;
    assert_eq!(found("10.0.0.150").await, ["kea2.tandem.test 10.0.0.150"]);
    assert_eq!(counts().await, [3, 4]);
    // A delete records the delete.
    let outcome = t
        .delete_reservation(&admin(), &kea1, scope, "10.0.0.100".parse().unwrap(), None)
        .await
        .unwrap();
    assert!(!outcome.replication.is_failure(), "{outcome:?}");
    assert!(found("10.0.0.100").await.is_empty());
    assert_eq!(counts().await, [2, 3]);
    // And the inventory agrees with a whole read of both servers.
    t.check_drift(&admin()).await.unwrap();
    assert_eq!(counts().await, [2, 3]);
}

/// Where a server keeps its reservations in a hosts database, a change to its configuration
/// made behind Tandem's back is read again from the configuration, with the database's
/// reservations as Tandem knew them (the database's own changes never moved the hash), and a
/// subnet new since then is read from the database too.
#[tokio::test]
async fn a_hosts_database_server_changed_outside_is_read_again_with_its_database_reservations() {
    if !Flavor::Kea3Db.available() {
        return;
    }
    let pair = Pair::start(Flavor::Kea3Db).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let outcome = t
        .create_reservation(
            &admin(),
            &kea1,
            scope,
            &reservation("10.0.0.100", "00155DA76700"),
        )
        .await
        .unwrap();
    assert!(!outcome.replication.is_failure(), "{outcome:?}");
    let ips = |s: &tandem_core::Scope| {
        let mut ips: Vec<String> = s
            .reservations
            .iter()
            .map(|r| r.ip_address.to_string())
            .collect();
        ips.sort();
        ips
    };
    // The subnet renamed on kea1 behind Tandem's back.
    let url = &pair.urls[0];
    let mut subnet =
        kea(url, "subnet4-get", Some(json!({ "id": 1 }))).await["arguments"]["subnet4"][0].clone();
    subnet["user-context"]["name"] = json!("renamed outside");
    let answer = kea(url, "subnet4-update", Some(json!({ "subnet4": [subnet] }))).await;
    assert_eq!(answer["result"], 0, "{answer}");
    let seen = t
        .driver(&kea1)
        .await
        .unwrap()
        .scope_to_check(scope)
        .await
        .unwrap();
    assert_eq!(seen.name, "renamed outside");
    assert_eq!(ips(&seen), ["10.0.0.100", "10.0.0.99"]);
    // What Tandem checks a change against knows the database's reservations still.
    let again = t
        .create_reservation(
            &admin(),
            &kea1,
            scope,
            &reservation("10.0.0.100", "00155DA76701"),
        )
        .await
        .unwrap_err();
    assert_eq!(refused(again).0, "ip_address");
    // A subnet added behind Tandem's back, with a reservation in the database: read whole.
    let added = kea(
        url,
        "subnet4-add",
        Some(json!({ "subnet4": [{ "id": 2, "subnet": "10.1.0.0/24",
            "pools": [{ "pool": "10.1.0.100-10.1.0.199" }] }] })),
    )
    .await;
    assert_eq!(added["result"], 0, "{added}");
    pair.add_outside(
        0,
        json!({ "ip-address": "10.0.0.150", "hw-address": "00:11:22:33:44:55" }),
    )
    .await;
    let host = kea(
        url,
        "reservation-add",
        Some(json!({
            "reservation": { "subnet-id": 2, "ip-address": "10.1.0.5", "hw-address": "00:11:22:33:44:66" },
            "operation-target": "database",
        })),
    )
    .await;
    assert_eq!(host["result"], 0, "{host}");
    let d = t.driver(&kea1).await.unwrap();
    let new = d
        .scope_to_check(ScopeId::parse("10.1.0.0").unwrap())
        .await
        .unwrap();
    assert_eq!(ips(&new), ["10.1.0.5"]);
    assert_eq!(
        ips(&d.scope_to_check(scope).await.unwrap()),
        ["10.0.0.100", "10.0.0.150", "10.0.0.99"]
    );
}

/// A hosts database that Kea cannot reach: the change is refused with Kea's own words, naming
/// the server and the command, and nothing reaches the partner.
#[tokio::test]
async fn a_hosts_database_unreachable_from_kea_is_keas_error_shown_verbatim() {
    if !Flavor::Kea3Db.available() {
        return;
    }
    use sqlx::Connection;
    let pair = Pair::start(Flavor::Kea3Db).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let before = pair.reserved(1).await;
    // Tandem has read kea1 (and keeps what it read).
    t.create_reservation(
        &admin(),
        &kea1,
        scope,
        &reservation("10.0.0.20", "00155DA76620"),
    )
    .await
    .unwrap();
    let before = [before, vec!["10.0.0.20".to_string()]].concat();
    // kea1's database takes no connection any more, and Kea's own is cut.
    let shared = std::env::var("TANDEM_TEST_POSTGRES_URL").unwrap();
    let mut conn = sqlx::PgConnection::connect(&shared).await.unwrap();
    let name = &pair.databases[0];
    sqlx::query(&format!("ALTER DATABASE {name} CONNECTION LIMIT 0"))
        .execute(&mut conn)
        .await
        .unwrap();
    // Kea's connections (made as the tests' role); not a superuser's process such as an
    // autovacuum worker that happens to be in the database, which the role may not end.
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND usename = current_user AND pid <> pg_backend_pid()",
    )
    .bind(name)
    .execute(&mut conn)
    .await
    .unwrap();
    let result = t
        .create_reservation(
            &admin(),
            &kea1,
            scope,
            &reservation("10.0.0.21", "00155DA76621"),
        )
        .await;
    sqlx::query(&format!("ALTER DATABASE {name} CONNECTION LIMIT -1"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (field, message) = refused(result.unwrap_err());
    assert_eq!(field, "kea");
    // Kea's words, whichever it has at that moment ("unable to start transaction… terminating
    // connection…", or "fatal database error or connectivity lost" once it knows).
    let kea_said = message
        .strip_prefix(&format!("reservation-add on {}: ", NAMES[0]))
        .unwrap_or_else(|| panic!("{message}"));
    assert!(kea_said.contains("connect"), "{message}");
    let mut on_kea2 = pair.reserved(1).await;
    on_kea2.sort();
    let mut expected = before.clone();
    expected.sort();
    assert_eq!(on_kea2, expected);
}

/// Kea 2.2 (`config-set`): when the written server does not serve again within the bound, its
/// partner is not written (both are never out of service together); the change stays on the
/// first server, and the scope's sync error names the partner until a replication clears it.
#[tokio::test]
async fn a_kea_server_that_does_not_serve_again_after_a_write_leaves_its_partner_unwritten() {
    if !Flavor::Kea22.available() {
        return;
    }
    let pair = Pair::start(Flavor::Kea22).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    // kea1's HA state machine now pauses in `waiting` until told to go on (Kea's own
    // `state-machine` setting): after its next config-set it does not serve by itself.
    let mut config = config_get(&pair.urls[0]).await;
    let ha = config["hooks-libraries"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|h| h["library"].as_str().unwrap().ends_with("libdhcp_ha.so"))
        .unwrap();
    ha["parameters"]["high-availability"][0]["state-machine"] =
        json!({ "states": [ { "state": "waiting", "pause": "always" } ] });
    let set = kea(
        &pair.urls[0],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(set["result"], 0, "{set}");
    pair.wait_state(0, "waiting").await;
    kea(&pair.urls[0], "ha-continue", None).await;
    pair.wait_state(0, "load-balancing").await;

    let started = std::time::Instant::now();
    let outcome = t
        .create_reservation(
            &admin(),
            &kea1,
            scope,
            &reservation("10.0.0.30", "00155DA76630"),
        )
        .await
        .unwrap();
    match &outcome.replication {
        ReplicationOutcome::Failed { partner, error } => {
            assert_eq!(partner.as_str(), NAMES[1]);
            assert!(
                error.contains(
                    "not written, so that both partners are never out of service together"
                ) && error.contains(NAMES[0]),
                "{error}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The bound: three 1 s heartbeats and 10 s.
    assert!(
        started.elapsed() >= Duration::from_secs(13),
        "{:?}",
        started.elapsed()
    );
    assert!(pair.reserved(0).await.contains(&"10.0.0.30".to_string()));
    assert!(!pair.reserved(1).await.contains(&"10.0.0.30".to_string()));
    let errors = sync_error_rows(&t).await;
    // Both copies of the scope show it (one row per server).
    assert_eq!(errors.total, 2, "{errors:?}");
    assert!(errors.rows.iter().all(|r| {
        r.sync_error
            .as_deref()
            .is_some_and(|e| e.contains("kea1.tandem.test is not serving"))
    }));

    // kea1 serves again; a replication brings kea2 the change and clears the error.
    kea(&pair.urls[0], "ha-continue", None).await;
    pair.wait_state(0, "load-balancing").await;
    let replicated = t.replicate_scope(&admin(), &kea1, scope).await.unwrap();
    assert_eq!(replicated.changes.len(), 1, "{replicated:?}");
    assert!(pair.reserved(1).await.contains(&"10.0.0.30".to_string()));
    let errors = sync_error_rows(&t).await;
    assert_eq!(errors.total, 0, "{errors:?}");
}

/// A config-set on the server at `url` that Tandem does not make: the first subnet's lease
/// time becomes `secs`.
async fn set_lifetime_behind_tandems_back(url: &str, secs: u32) {
    let mut config = config_get(url).await;
    let subnet = config["subnet4"][0].as_object_mut().unwrap();
    subnet.insert("valid-lifetime".into(), json!(secs));
    subnet.remove("min-valid-lifetime");
    subnet.remove("max-valid-lifetime");
    let set = kea(url, "config-set", Some(json!({ "Dhcp4": config }))).await;
    assert_eq!(set["result"], 0, "{set}");
}

/// The latest event of kind `action`.
async fn latest(t: &Tandem, action: &str) -> tandem_core::views::EventRow {
    let filter = tandem_backend::store::events::EventFilter {
        action: action.into(),
        ..Default::default()
    };
    t.search_events(&admin(), &filter, 1)
        .await
        .unwrap()
        .remove(0)
}

/// On a real pair: a replication previewed (stale refused, then applied as shown) and undone;
/// reservation changes and a scope edit undone on both partners.
async fn changes_on_a_kea_pair_are_previewed_and_undone(flavor: Flavor) {
    use tandem_backend::ReplicationTargets;
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let kea2 = ServerName::parse(NAMES[1]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let name = "kea1.tandem.test-kea2.tandem.test";

    // The configuration review finds nothing wrong with a sound pair (no false alarm on Kea).
    let review = t.review(&admin()).await.unwrap();
    assert_eq!(review.findings, vec![], "{review:?}");
    assert_eq!(review.unreadable, vec![], "{review:?}");

    // A reservation created, then undone: gone from both.
    t.create_reservation(
        &admin(),
        &kea1,
        scope,
        &reservation("10.0.0.130", "00155DA76630"),
    )
    .await
    .unwrap();
    assert_eq!(pair.reserved(1).await, ["10.0.0.99", "10.0.0.130"]);
    let created = latest(&t, "create_reservation").await;
    let undone = t.undo_event(&admin(), created.id).await.unwrap();
    assert!(!undone.replication.is_failure(), "{undone:?}");
    for i in 0..2 {
        assert_eq!(pair.reserved(i).await, ["10.0.0.99"], "server {i}");
    }
    assert_eq!(
        latest(&t, "delete_reservation").await.undoes,
        Some(created.id)
    );

    // The seed reservation deleted, then undone: back on both.
    t.delete_reservation(&admin(), &kea1, scope, "10.0.0.99".parse().unwrap(), None)
        .await
        .unwrap();
    assert_eq!(pair.reserved(1).await, Vec::<String>::new());
    let deleted = latest(&t, "delete_reservation").await;
    t.undo_event(&admin(), deleted.id).await.unwrap();
    for i in 0..2 {
        assert_eq!(pair.reserved(i).await, ["10.0.0.99"], "server {i}");
    }

    // A scope edit undone on both.
    let driver = t.driver(&kea1).await.unwrap();
    let before = driver.scope(scope).await.unwrap();
    let mut input = ScopeInput::of(&before);
    input.lease_duration_secs = "7200".into();
    t.update_scope(&admin(), &kea1, scope, &before.properties_version(), &input)
        .await
        .unwrap();
    let edited = latest(&t, "update_scope").await;
    assert_eq!(
        config_get(&pair.urls[1]).await["subnet4"][0]["valid-lifetime"],
        7200
    );
    t.undo_event(&admin(), edited.id).await.unwrap();
    for url in &pair.urls {
        assert_eq!(
            config_get(url).await["subnet4"][0]["valid-lifetime"],
            before.lease_duration_secs,
            "{url}"
        );
    }

    // kea2 changed behind Tandem's back: previewed, refused once stale, applied as shown,
    // then undone (kea2 gets its own copy back).
    set_lifetime_behind_tandems_back(&pair.urls[1], 3600).await;
    let targets = ReplicationTargets::Relationship {
        server: &kea1,
        name,
    };
    let preview = t.preview_replication(&admin(), targets).await.unwrap();
    assert_eq!(preview.scopes.len(), 1);
    assert_eq!(preview.change_count(), 1, "{preview:?}");
    let own = t.driver(&kea2).await.unwrap().scope(scope).await.unwrap();
    let stale = t
        .replicate_as_previewed(&admin(), targets, Some("1.0000000000000000"))
        .await
        .unwrap_err();
    assert!(
        stale.to_string().contains("changed since the preview"),
        "{stale}"
    );
    assert_eq!(
        config_get(&pair.urls[1]).await["subnet4"][0]["valid-lifetime"],
        3600
    );
    let results = t
        .replicate_as_previewed(&admin(), targets, Some(&preview.basis))
        .await
        .unwrap();
    assert_eq!(results[0].result, Ok(1), "{results:?}");
    assert_eq!(
        config_get(&pair.urls[1]).await["subnet4"][0]["valid-lifetime"],
        before.lease_duration_secs
    );
    let replicated = latest(&t, "replicate_scope").await;
    let restored = t.undo_event(&admin(), replicated.id).await.unwrap();
    assert_eq!(restored.server, kea2);
    assert_eq!(
        config_get(&pair.urls[1]).await["subnet4"][0]["valid-lifetime"],
        3600
    );
    let now = t.driver(&kea2).await.unwrap().scope(scope).await.unwrap();
    assert_eq!(now.digest(), own.digest());
}

/// On a real pair: a sound pair reviews clean (both clocks read and compared, the same subnet
/// IDs, the hooks Tandem needs); a subnet ID changed on one partner behind Tandem's back is
/// found, named on the scope, explained.
async fn the_review_checks_a_kea_pair_as_a_pair(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let review = t.review_now(&admin()).await.unwrap();
    assert_eq!(review.findings, vec![], "{review:?}");
    assert_eq!(review.unreadable, vec![], "{review:?}");
    // What the review compared: each server's clock (from its HA heartbeat), subnet IDs, hooks.
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let facts = t.driver(&kea1).await.unwrap().review_facts().await.unwrap();
    let clock = facts.clock_secs.expect("the clock read from ha-heartbeat");
    assert!(
        (clock - chrono::Utc::now().timestamp()).abs() < 30,
        "{clock}"
    );
    assert_eq!(
        facts.native_ids.get(&ScopeId::parse("10.0.0.0").unwrap()),
        Some(&1)
    );
    assert_eq!(facts.missing_hooks, vec![]);

    let mut config = config_get(&pair.urls[1]).await;
    config["subnet4"][0]["id"] = json!(7);
    let set = kea(
        &pair.urls[1],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(set["result"], 0, "{set}");
    let review = t.review_now(&admin()).await.unwrap();
    let checks: Vec<&str> = review.findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(checks, ["subnet-id-differs"], "{review:?}");
    let f = &review.findings[0];
    assert_eq!(f.scope_id, Some(ScopeId::parse("10.0.0.0").unwrap()));
    assert!(
        f.explanation.contains("subnet 1") && f.explanation.contains("subnet 7"),
        "{}",
        f.explanation
    );
}
