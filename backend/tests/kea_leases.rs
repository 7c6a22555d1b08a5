//! Leases on real Kea pairs (Kea 2.2 and 3.0): each scope's figures, the lease search across
//! both partners, and what can be done with leases (delete one, clear a scope's) on both
//! partners, since Kea's HA does not copy a deletion made by a command.

#[path = "support/kea_pair.rs"]
#[macro_use]
mod kea_pair;
mod support;

use kea_pair::*;

use serde_json::json;
use tandem_backend::Caller;
use tandem_core::views::ScopeQuery;
use tandem_core::{ScopeId, ServerName};

fn admin() -> Caller {
    Caller::local("kea-test")
}

on_pairs!([kea_2_2: Kea22, kea_3_0: Kea3]
    leases_on_a_kea_pair_are_counted_and_found,
    leases_on_a_kea_pair_are_deleted_and_cleared_on_both,
);

/// Adds a lease on one Kea server (`lease4-add`, as a DHCP exchange would leave it).
async fn add_lease(url: &str, ip: &str, mac: &str, hostname: &str, state: u8) {
    let added = kea(
        url,
        "lease4-add",
        Some(
            json!({ "ip-address": ip, "hw-address": mac, "hostname": hostname,
            "valid-lft": 3600, "state": state }),
        ),
    )
    .await;
    assert_eq!(added["result"], 0, "{added}");
}

/// The figures of the scope on server `i` in a page of the scopes list: (total, in use,
/// reserved, free).
fn figures(page: &tandem_core::views::ScopesPage, i: usize) -> Option<(u64, u64, u64, u64)> {
    page.rows
        .iter()
        .find(|r| r.server.as_str() == NAMES[i])
        .and_then(|r| r.usage)
        .map(|u| (u.total, u.in_use, u.reserved, u.free))
}

/// On a real pair: each scope's figures (stat_cmds on Kea 2.2, lease_cmds alone on Kea 3),
/// the partner's beside them on Scope Properties, and the lease search across both servers.
async fn leases_on_a_kea_pair_are_counted_and_found(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea2 = ServerName::parse(NAMES[1]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    // kea1: a client's lease, the reserved client's lease on its reserved 10.0.0.99 and an
    // address declined; kea2: the first client's lease only.
    add_lease(
        &pair.urls[0],
        "10.0.0.10",
        "02:00:00:00:00:0a",
        "pc10.tandem.test",
        0,
    )
    .await;
    add_lease(&pair.urls[0], "10.0.0.99", "aa:bb:cc:dd:ee:ff", "test", 0).await;
    add_lease(&pair.urls[0], "10.0.0.11", "02:00:00:00:00:0b", "", 1).await;
    add_lease(
        &pair.urls[1],
        "10.0.0.10",
        "02:00:00:00:00:0a",
        "pc10.tandem.test",
        0,
    )
    .await;

    t.check_drift(&admin()).await.unwrap();
    let page = t
        .list_scopes(&admin(), &ScopeQuery::default())
        .await
        .unwrap();
    assert_eq!(figures(&page, 0), Some((254, 3, 0, 251)), "{page:?}");
    assert_eq!(figures(&page, 1), Some((254, 1, 1, 252)), "{page:?}");

    // Scope Properties on kea2: its own figure and kea1's beside it, read now.
    let view = t
        .list_reservations(&admin(), &kea2, scope, &Default::default())
        .await
        .unwrap();
    assert_eq!(view.row.usage.map(|u| u.in_use), Some(1));
    assert_eq!(view.partner_usage.map(|u| u.in_use), Some(3));

    // Without reservations, the counts alone (stat-lease4-get where it is loaded).
    t.delete_reservation(&admin(), &kea2, scope, "10.0.0.99".parse().unwrap(), None)
        .await
        .unwrap();
    t.check_drift(&admin()).await.unwrap();
    let page = t
        .list_scopes(&admin(), &ScopeQuery::default())
        .await
        .unwrap();
    assert_eq!(figures(&page, 0), Some((254, 3, 0, 251)), "{page:?}");
    // Kea 2.2 deletes by config-set, which restarts HA: kea2 then synchronizes its leases
    // from kea1 and holds all three (Kea 3 deletes with reservation-del, nothing restarts).
    let synced = flavor == Flavor::Kea22;
    let kea2_in_use = if synced { 3 } else { 1 };
    assert_eq!(
        figures(&page, 1),
        Some((254, kea2_in_use, 0, 254 - kea2_in_use)),
        "{page:?}"
    );

    // The lease search: both partners hold 10.0.0.10; by MAC and host name too.
    let found = t.find_leases(&admin(), "10.0.0.10").await.unwrap();
    assert_eq!(found.searched, 2);
    assert_eq!(found.unanswered, vec![], "{found:?}");
    let holders: Vec<&str> = found.leases.iter().map(|l| l.server.as_str()).collect();
    assert_eq!(holders, NAMES);
    let lease = &found.leases[0];
    assert_eq!(lease.scope_id, Some(scope));
    assert_eq!(lease.hostname, "pc10.tandem.test");
    assert_eq!(lease.mac, "02-00-00-00-00-0a");
    assert_eq!(lease.state, tandem_core::usage::LeaseState::Active);
    assert!(lease.expires.ends_with('Z'), "{lease:?}");
    let by_mac = t.find_leases(&admin(), "02-00-00-00-00-0B").await.unwrap();
    assert_eq!(
        by_mac.leases.len(),
        if synced { 2 } else { 1 },
        "{by_mac:?}"
    );
    assert_eq!(
        by_mac.leases[0].state,
        tandem_core::usage::LeaseState::Declined
    );
    let by_name = t.find_leases(&admin(), "PC10.tandem.test").await.unwrap();
    assert_eq!(by_name.leases.len(), 2, "{by_name:?}");
    let none = t.find_leases(&admin(), "10.0.0.200").await.unwrap();
    assert_eq!(none.leases, vec![]);
    assert_eq!(none.unanswered, vec![]);
}

/// The addresses leased on one Kea server, asked directly (`lease4-get-all`).
async fn leased(url: &str) -> Vec<String> {
    let all = kea(url, "lease4-get-all", None).await;
    let mut ips: Vec<String> = all["arguments"]["leases"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|l| l["ip-address"].as_str().unwrap().to_string())
        .collect();
    ips.sort();
    ips
}

/// On a real pair: a lease deleted through either partner is gone from both (`lease4-del` on
/// each), a scope's leases cleared after its ID is typed again are gone from both
/// (`lease4-wipe`), and a server without `lease_cmds` is refused with the reason.
async fn leases_on_a_kea_pair_are_deleted_and_cleared_on_both(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let (kea1, kea2) = (
        ServerName::parse(NAMES[0]).unwrap(),
        ServerName::parse(NAMES[1]).unwrap(),
    );
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    // A command's lease is not copied by HA: each server is given its own.
    for ip in ["10.0.0.10", "10.0.0.11", "10.0.0.12"] {
        add_lease(&pair.urls[0], ip, "02:00:00:00:00:0a", "", 0).await;
    }
    for ip in ["10.0.0.10", "10.0.0.11"] {
        add_lease(&pair.urls[1], ip, "02:00:00:00:00:0a", "", 0).await;
    }

    // What Kea does by itself: a lease deleted by a command on one peer stays on the other
    // (HA copies the leases its peers hand out, not a command's deletion).
    for url in &pair.urls {
        add_lease(url, "10.0.0.13", "02:00:00:00:00:0d", "", 0).await;
    }
    let del = kea(
        &pair.urls[0],
        "lease4-del",
        Some(json!({ "ip-address": "10.0.0.13" })),
    )
    .await;
    assert_eq!(del["result"], 0, "{del}");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(
        !leased(&pair.urls[0])
            .await
            .contains(&"10.0.0.13".to_string())
    );
    assert!(
        leased(&pair.urls[1])
            .await
            .contains(&"10.0.0.13".to_string())
    );
    let gone = kea(
        &pair.urls[1],
        "lease4-del",
        Some(json!({ "ip-address": "10.0.0.13" })),
    )
    .await;
    assert_eq!(gone["result"], 0, "{gone}");

    let out = t
        .delete_lease(&admin(), &kea1, "10.0.0.10".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (out.deleted, out.partner.as_ref(), out.partner_deleted),
        (1, Some(&kea2), Some(1)),
        "{out:?}"
    );
    assert_eq!(leased(&pair.urls[0]).await, ["10.0.0.11", "10.0.0.12"]);
    assert_eq!(leased(&pair.urls[1]).await, ["10.0.0.11"]);
    let again = t
        .delete_lease(&admin(), &kea1, "10.0.0.10".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(refused(again).0, "ip_address");

    let wrong = t
        .clear_scope_leases(&admin(), &kea2, scope, "10.0.0.1")
        .await
        .unwrap_err();
    assert_eq!(refused(wrong).0, "confirm");
    assert_eq!(leased(&pair.urls[0]).await, ["10.0.0.11", "10.0.0.12"]);
    let out = t
        .clear_scope_leases(&admin(), &kea2, scope, "10.0.0.0")
        .await
        .unwrap();
    assert_eq!(
        (out.deleted, out.partner.as_ref(), out.partner_deleted),
        (1, Some(&kea1), Some(2)),
        "{out:?}"
    );
    assert!(leased(&pair.urls[0]).await.is_empty());
    assert!(leased(&pair.urls[1]).await.is_empty());

    // kea2 without lease_cmds (and so without HA, which needs it): refused, saying why.
    let mut config = config_get(&pair.urls[1]).await;
    let hooks = config["hooks-libraries"].as_array_mut().unwrap();
    hooks.retain(|h| {
        let l = h["library"].as_str().unwrap_or("");
        !l.contains("lease_cmds") && !l.contains("libdhcp_ha")
    });
    let set = kea(
        &pair.urls[1],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(set["result"], 0, "{set}");
    // The first attempt finds the commands gone; the next knows it.
    let mut said = String::new();
    for _ in 0..2 {
        said = t
            .clear_scope_leases(&admin(), &kea2, scope, "10.0.0.0")
            .await
            .unwrap_err()
            .to_string();
    }
    assert!(said.contains("libdhcp_lease_cmds.so"), "{said}");
}
