//! Reservations as real Kea pairs hold them, beyond an address and a MAC: by every identifier
//! Kea reserves by (`hw-address`, `client-id`, `duid`, `circuit-id`, `flex-id`), and with their
//! own boot fields, client classes and option values. Each created through Tandem on one partner and found on
//! both, asked of Kea directly; edited; refused by field when it breaks its rules, with nothing
//! written; one made behind Tandem's back found as drift and replicated.

#[path = "support/kea_pair.rs"]
#[macro_use]
mod kea_pair;
mod support;

use kea_pair::*;

use serde_json::{Value, json};
use tandem_backend::Caller;
use tandem_core::drift::DriftStatus;
use tandem_core::validate::NewReservation;
use tandem_core::views::{ReplicationOutcome, ScopeQuery};
use tandem_core::{IdentifierType, ScopeId};

on_pairs!(
    [kea_2_2: Kea22, kea_3_0: Kea3, kea_3_0_with_hosts_databases: Kea3Db]
    reservations_by_every_identifier_reach_both_partners,
    a_reservations_boot_fields_and_classes_reach_both_partners,
    a_reservations_own_options_reach_both_partners
);

fn admin() -> Caller {
    Caller::local("kea-test")
}

/// Every host of subnet 1 on server `i`, asked of Kea directly: by its host commands on Kea 3
/// (wherever it keeps them), in its configuration on Kea 2.2.
async fn hosts(pair: &Pair, i: usize) -> Vec<Value> {
    let url = &pair.urls[i];
    if pair.flavor.kea3() {
        let all = kea(url, "reservation-get-all", Some(json!({ "subnet-id": 1 }))).await;
        all["arguments"]["hosts"].as_array().unwrap().clone()
    } else {
        let config = config_get(url).await;
        config["subnet4"][0]["reservations"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// The host at `ip` on server `i` as (identifier type, identifier as lower-case hex), however
/// Kea spells it.
async fn identifier_at(pair: &Pair, i: usize, ip: &str) -> Option<(String, String)> {
    let all = hosts(pair, i).await;
    let host = all.iter().find(|h| h["ip-address"] == ip)?;
    ["hw-address", "client-id", "duid", "circuit-id", "flex-id"]
        .iter()
        .find_map(|k| {
            let v = host.get(*k)?.as_str()?;
            Some((k.to_string(), v.to_lowercase().replace([':', '-'], "")))
        })
}

/// Checks drift afresh: every scope on both servers in sync, or every one out of sync.
async fn assert_drift(t: &tandem_backend::Tandem, in_sync: bool) {
    t.check_drift(&admin()).await.unwrap();
    let view = t.list_scopes(&admin(), &ScopeQuery::default()).await;
    let rows: Vec<_> = view.unwrap().rows.into_iter().map(|r| r.drift).collect();
    let fits = |d: &Option<DriftStatus>| match d {
        Some(DriftStatus::InSync) => in_sync,
        Some(DriftStatus::OutOfSync { .. }) => !in_sync,
        _ => false,
    };
    assert!(rows.iter().all(fits), "in sync: {in_sync}; {rows:?}");
}

/// A pair of `flavor` and a Tandem managing it (on a database in the folder returned).
async fn started(flavor: Flavor) -> (Pair, tempfile::TempDir, tandem_backend::Tandem) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    (pair, db, t)
}

async fn reservations_by_every_identifier_reach_both_partners(flavor: Flavor) {
    let (pair, _db, t) = started(flavor).await;
    let (kea1, kea2) = server_names();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let typed = |ip: &str, kind: &str, id: &str, name: &str| NewReservation {
        ip_address: ip.into(),
        client_id: id.into(),
        identifier_type: kind.into(),
        name: name.into(),
        ..Default::default()
    };

    // One of each type, created on kea1: on both partners, by that identifier.
    let made = [
        (
            "10.0.0.201",
            "client-id",
            "01:0a:0b:0c:0d:0e:0f",
            "010a0b0c0d0e0f",
        ),
        (
            "10.0.0.202",
            "duid",
            "00:03:00:01:0a:0b:0c:0d:0e:10",
            "000300010a0b0c0d0e10",
        ),
        (
            "10.0.0.203",
            "circuit-id",
            "'ge-0/0/1.100'",
            "67652d302f302f312e313030",
        ),
        ("10.0.0.204", "flex-id", "'s0mEVaLue'", "73306d4556614c7565"),
    ];
    for (ip, kind, id, _) in made {
        let outcome = t
            .create_reservation(&admin(), &kea1, scope, &typed(ip, kind, id, kind))
            .await
            .unwrap_or_else(|e| panic!("{flavor:?} {kind}: {e}"));
        assert_eq!(
            outcome.replication,
            ReplicationOutcome::Replicated {
                partner: kea2.clone()
            },
            "{kind}"
        );
    }
    for i in 0..2 {
        for (ip, kind, _, hex) in made {
            assert_eq!(
                identifier_at(&pair, i, ip).await,
                Some((kind.to_string(), hex.to_string())),
                "{flavor:?} server {i} {ip}"
            );
        }
    }
    // Read back through Tandem with their types, on both.
    for server in [&kea1, &kea2] {
        let held = t.get_scope(&admin(), server, scope).await.unwrap();
        for (ip, kind, _, _) in made {
            let r = held.reservation(ip.parse().unwrap()).unwrap();
            assert_eq!(r.client_id.kind(), IdentifierType::parse(kind).unwrap());
            assert_eq!(r.name, kind);
        }
    }
    // Every identifier is found by the global search, typed as Kea or Windows writes it.
    t.check_drift(&admin()).await.unwrap();
    for text in ["01:0a:0b:0c", "01-0A-0B-0C", "67:65:2d"] {
        let hits = t.search_reservations(&admin(), text).await.unwrap();
        assert!(
            hits.len() == 2
                && hits
                    .iter()
                    .all(|h| h.reservation.client_id.kind() != IdentifierType::HwAddress),
            "{text}: {hits:?}"
        );
    }

    // Edited to another type: the old identifier gone, the new one there, on both; the
    // reservation's name untouched.
    let held = t.get_scope(&admin(), &kea1, scope).await.unwrap();
    let r = held.reservation("10.0.0.201".parse().unwrap()).unwrap();
    t.edit_reservation(
        &admin(),
        &kea1,
        scope,
        r.ip_address,
        &r.version(),
        &typed("10.0.0.201", "flex-id", "'badge-0042'", "client-id"),
    )
    .await
    .unwrap();
    for i in 0..2 {
        assert_eq!(
            identifier_at(&pair, i, "10.0.0.201").await,
            Some(("flex-id".into(), "62616467652d30303432".into())),
            "{flavor:?} server {i}"
        );
    }
    let names: Vec<String> = hosts(&pair, 1)
        .await
        .iter()
        .filter(|h| h["ip-address"] == "10.0.0.201")
        .map(|h| h["hostname"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(names, ["client-id"]);

    // Bad identifiers are refused on their field, by their own type's rule; nothing written.
    let before = [hosts(&pair, 0).await, hosts(&pair, 1).await];
    for (kind, id, field, says) in [
        ("client-id", "01", "client_id", "2 to 255 bytes"),
        ("duid", "01:02", "client_id", "3 to 130 bytes"),
        ("circuit-id", "'tab\there'", "client_id", "printable ASCII"),
        ("flex-id", "01:002", "client_id", "not a flex ID"),
        (
            "hw-address",
            "'s0mEVaLue'",
            "client_id",
            "not a MAC address",
        ),
        (
            "remote-id",
            "01:02:03",
            "identifier_type",
            "not an identifier type",
        ),
        // Another reservation's client, by the same type and bytes however written.
        (
            "duid",
            "00-03-00-01-0A-0B-0C-0D-0E-10",
            "client_id",
            "already has a reservation",
        ),
    ] {
        let (f, message) = refused(
            t.create_reservation(&admin(), &kea1, scope, &typed("10.0.0.210", kind, id, ""))
                .await
                .unwrap_err(),
        );
        assert_eq!(f, field, "{kind} {id}: {message}");
        assert!(message.contains(says), "{kind} {id}: {message}");
    }
    assert_eq!([hosts(&pair, 0).await, hosts(&pair, 1).await], before);

    // A reservation by DUID added on kea2 behind Tandem's back: drift, then kea1's copy
    // replicated over it.
    pair.add_outside(
        1,
        json!({ "ip-address": "10.0.0.220", "duid": "00:03:00:01:aa:bb:cc:dd:ee:01" }),
    )
    .await;
    assert_drift(&t, false).await;
    let seen = t.get_scope(&admin(), &kea2, scope).await.unwrap();
    let outside = seen.reservation("10.0.0.220".parse().unwrap()).unwrap();
    assert_eq!(outside.client_id.kind(), IdentifierType::Duid);
    assert_eq!(
        outside.client_id.to_string(),
        "00:03:00:01:aa:bb:cc:dd:ee:01"
    );
    t.replicate_scope(&admin(), &kea1, scope).await.unwrap();
    assert_eq!(identifier_at(&pair, 1, "10.0.0.220").await, None);
    for (ip, _, _, _) in &made[1..] {
        assert_eq!(
            identifier_at(&pair, 1, ip).await,
            identifier_at(&pair, 0, ip).await,
            "{ip}"
        );
    }
    assert_drift(&t, true).await;

    // Deleted through Tandem: gone from both, by whatever identifier it had.
    t.delete_reservation(&admin(), &kea1, scope, "10.0.0.203".parse().unwrap(), None)
        .await
        .unwrap();
    for i in 0..2 {
        assert_eq!(identifier_at(&pair, i, "10.0.0.203").await, None);
    }
}

/// The host at `ip` on server `i`, as Kea holds it.
async fn host_at(pair: &Pair, i: usize, ip: &str) -> Option<Value> {
    hosts(pair, i)
        .await
        .into_iter()
        .find(|h| h["ip-address"] == ip)
}

/// A host's boot fields and classes, Kea's defaults (absent, empty, 0.0.0.0) as `None`.
fn boot_of(host: &Value) -> [Option<String>; 4] {
    [
        "next-server",
        "server-hostname",
        "boot-file-name",
        "client-classes",
    ]
    .map(|k| match host.get(k) {
        Some(Value::String(s)) if s.is_empty() || s == "0.0.0.0" => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
        None => None,
    })
}

async fn a_reservations_boot_fields_and_classes_reach_both_partners(flavor: Flavor) {
    let (pair, _db, t) = started(flavor).await;
    let (kea1, kea2) = server_names();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let pxe = NewReservation {
        ip_address: "10.0.0.160".into(),
        client_id: "00-15-5d-a7-66-60".into(),
        name: "pxe-client".into(),
        next_server: Some("10.0.0.5".into()),
        server_hostname: Some("boot.contoso.com".into()),
        boot_file_name: Some("pxelinux.0".into()),
        client_classes: Some(vec!["pxe".into(), "floor-2".into()]),
        ..Default::default()
    };
    t.create_reservation(&admin(), &kea1, scope, &pxe)
        .await
        .unwrap();
    let want = [
        Some("10.0.0.5".to_string()),
        Some("boot.contoso.com".into()),
        Some("pxelinux.0".into()),
        Some(r#"["pxe","floor-2"]"#.into()),
    ];
    for i in 0..2 {
        let host = host_at(&pair, i, "10.0.0.160").await.unwrap();
        assert_eq!(boot_of(&host), want, "{flavor:?} server {i}: {host}");
    }
    // Read back through Tandem as the reservation's own settings, not as kept settings.
    let held = t.get_scope(&admin(), &kea2, scope).await.unwrap();
    let r = held.reservation("10.0.0.160".parse().unwrap()).unwrap();
    assert_eq!(r.settings.boot_file_name, "pxelinux.0");
    assert_eq!(r.settings.client_classes, ["pxe", "floor-2"]);
    let kept = held.kept.clone().unwrap_or_default();
    assert!(
        !kept
            .flat()
            .keys()
            .any(|k| k.starts_with("reservation 10.0.0.160")),
        "{kept:?}"
    );

    // An edit that names none of them (the API's, the CLI's) keeps them all, on both.
    let rename = NewReservation {
        ip_address: "10.0.0.160".into(),
        client_id: "00-15-5d-a7-66-60".into(),
        name: "pxe-renamed".into(),
        ..Default::default()
    };
    t.edit_reservation(&admin(), &kea1, scope, r.ip_address, &r.version(), &rename)
        .await
        .unwrap();
    for i in 0..2 {
        let host = host_at(&pair, i, "10.0.0.160").await.unwrap();
        assert_eq!(boot_of(&host), want, "{flavor:?} server {i}: {host}");
        assert_eq!(host["hostname"], "pxe-renamed");
    }
    // One emptied: only it goes.
    let now = t.get_scope(&admin(), &kea1, scope).await.unwrap();
    let version = now.reservation(r.ip_address).unwrap().version();
    let cleared = NewReservation {
        boot_file_name: Some(String::new()),
        ..rename.clone()
    };
    t.edit_reservation(&admin(), &kea1, scope, r.ip_address, &version, &cleared)
        .await
        .unwrap();
    let mut less = want.clone();
    less[2] = None;
    for i in 0..2 {
        let host = host_at(&pair, i, "10.0.0.160").await.unwrap();
        assert_eq!(boot_of(&host), less, "{flavor:?} server {i}: {host}");
    }

    // Refused on its field, nothing written on either partner.
    let before = [hosts(&pair, 0).await, hosts(&pair, 1).await];
    for (bad, field) in [
        (
            NewReservation {
                server_hostname: Some("h".repeat(64)),
                ..pxe.clone()
            },
            "server_hostname",
        ),
        (
            NewReservation {
                next_server: Some("10.0.0.256".into()),
                ..pxe.clone()
            },
            "next_server",
        ),
        (
            NewReservation {
                client_classes: Some(vec!["a\u{0}b".into()]),
                ..pxe.clone()
            },
            "client_classes",
        ),
    ] {
        let bad = NewReservation {
            ip_address: "10.0.0.161".into(),
            client_id: "00-15-5d-a7-66-61".into(),
            ..bad
        };
        let (f, message) = refused(
            t.create_reservation(&admin(), &kea1, scope, &bad)
                .await
                .unwrap_err(),
        );
        assert_eq!(f, field, "{message}");
    }
    assert_eq!([hosts(&pair, 0).await, hosts(&pair, 1).await], before);

    // A boot file set on kea2 behind Tandem's back: drift naming the reservation; kea2's copy
    // replicated to kea1 brings it.
    pair.add_outside(
        1,
        json!({ "ip-address": "10.0.0.170", "hw-address": "00:15:5d:a7:66:70",
            "boot-file-name": "ipxe.efi", "client-classes": ["uefi"] }),
    )
    .await;
    assert_drift(&t, false).await;
    t.replicate_scope(&admin(), &kea2, scope).await.unwrap();
    let host = host_at(&pair, 0, "10.0.0.170").await.unwrap();
    assert_eq!(
        boot_of(&host),
        [
            None,
            None,
            Some("ipxe.efi".into()),
            Some(r#"["uefi"]"#.into())
        ],
        "{host}"
    );
    assert_drift(&t, true).await;
}

/// The option data of the host at `ip` on server `i`, by option code or name, as Kea holds it.
async fn options_at(pair: &Pair, i: usize, ip: &str) -> Vec<(String, String, bool)> {
    let host = host_at(pair, i, ip).await.unwrap_or_default();
    let mut out: Vec<(String, String, bool)> = host["option-data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            let code = match o.get("code") {
                Some(c) => c.to_string(),
                None => o["name"].as_str().unwrap_or_default().to_string(),
            };
            let data = o["data"].as_str().unwrap_or_default().to_string();
            (code, data, o["always-send"] == true)
        })
        .collect();
    out.sort();
    out
}

/// The host at `ip` on server `i` changed behind Tandem's back by `change`: by its host
/// commands on Kea 3, by a config-set on Kea 2.2.
async fn change_outside(pair: &Pair, i: usize, ip: &str, change: impl Fn(&mut Value)) {
    let url = &pair.urls[i];
    let answer = if pair.flavor.kea3() {
        let mut host = host_at(pair, i, ip).await.unwrap();
        change(&mut host);
        host["subnet-id"] = json!(1);
        let target = if pair.flavor.database() {
            "database"
        } else {
            "memory"
        };
        kea(
            url,
            "reservation-update",
            Some(json!({ "reservation": host, "operation-target": target })),
        )
        .await
    } else {
        let mut config = config_get(url).await;
        for host in config["subnet4"][0]["reservations"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .filter(|h| h["ip-address"] == ip)
        {
            change(host);
        }
        kea(url, "config-set", Some(json!({ "Dhcp4": config }))).await
    };
    assert_eq!(answer["result"], 0, "{answer}");
}

async fn a_reservations_own_options_reach_both_partners(flavor: Flavor) {
    use tandem_core::scope_input::OptionInput;
    let (pair, _db, t) = started(flavor).await;
    let (kea1, kea2) = server_names();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let option = |code: &str, kind: &str, value: &str| OptionInput {
        code: code.into(),
        kind: kind.into(),
        value: value.into(),
    };
    let ip = "10.0.0.180";
    let phone = NewReservation {
        ip_address: ip.into(),
        client_id: "00-15-5d-a7-66-80".into(),
        name: "desk-phone".into(),
        options: Some(vec![
            option("3", "Addresses", "10.0.0.254"),
            option("66", "Text", "tftp.contoso.com"),
            // A comma in a text value is the value's, not a list's.
            option("67", "Text", "phones/boot,v2.cfg"),
            option("23", "Number", "64"),
        ]),
        ..Default::default()
    };
    t.create_reservation(&admin(), &kea1, scope, &phone)
        .await
        .unwrap();
    for i in 0..2 {
        let held = options_at(&pair, i, ip).await;
        assert_eq!(held.len(), 4, "{flavor:?} server {i}: {held:?}");
        assert!(
            held.contains(&("3".into(), "10.0.0.254".into(), false)),
            "{held:?}"
        );
        assert!(
            held.contains(&("23".into(), "64".into(), false)),
            "{held:?}"
        );
    }
    // Read back through Tandem, on both, as the reservation's own options (the comma too).
    for server in [&kea1, &kea2] {
        let held = t.get_scope(&admin(), server, scope).await.unwrap();
        let r = held.reservation(ip.parse().unwrap()).unwrap();
        let texts: Vec<(u8, String)> = r
            .settings
            .options
            .iter()
            .map(|(c, v)| (*c, v.text()))
            .collect();
        assert_eq!(
            texts,
            [
                (3, "10.0.0.254".to_string()),
                (23, "64".into()),
                (66, "tftp.contoso.com".into()),
                (67, "phones/boot,v2.cfg".into())
            ],
            "{flavor:?} {server}"
        );
    }
    assert_drift(&t, true).await;

    // An edit that names no options keeps them; one that names them changes only those.
    let held = t.get_scope(&admin(), &kea1, scope).await.unwrap();
    let r = held.reservation(ip.parse().unwrap()).unwrap().clone();
    let rename = NewReservation {
        name: "desk-phone-2".into(),
        options: None,
        ..phone.clone()
    };
    t.edit_reservation(&admin(), &kea1, scope, r.ip_address, &r.version(), &rename)
        .await
        .unwrap();
    let kept = options_at(&pair, 1, ip).await;
    assert_eq!(kept.len(), 4, "{kept:?}");
    let now = t.get_scope(&admin(), &kea1, scope).await.unwrap();
    let version = now.reservation(r.ip_address).unwrap().version();
    let fewer = NewReservation {
        options: Some(vec![option("66", "Text", "tftp2.contoso.com")]),
        ..rename.clone()
    };
    t.edit_reservation(&admin(), &kea1, scope, r.ip_address, &version, &fewer)
        .await
        .unwrap();
    for i in 0..2 {
        let held = options_at(&pair, i, ip).await;
        assert_eq!(held.len(), 1, "{flavor:?} server {i}: {held:?}");
        assert_eq!(held[0].1, "tftp2.contoso.com");
    }

    // Hostile or impossible values are refused on the options field; nothing written.
    let before = [hosts(&pair, 0).await, hosts(&pair, 1).await];
    for bad in [
        option("66", "Text", "tftp\n.contoso.com\u{0}"),
        option("66", "Text", &"t".repeat(256)),
        option("3", "Addresses", "10.0.0.256"),
        option("23", "Number", "-1"),
        option("0", "Text", "x"),
    ] {
        let bad = NewReservation {
            options: Some(vec![bad.clone()]),
            ..fewer.clone()
        };
        let now = t.get_scope(&admin(), &kea1, scope).await.unwrap();
        let version = now.reservation(r.ip_address).unwrap().version();
        let (field, message) = refused(
            t.edit_reservation(&admin(), &kea1, scope, r.ip_address, &version, &bad)
                .await
                .unwrap_err(),
        );
        assert_eq!(field, "options", "{message}");
    }
    assert_eq!([hosts(&pair, 0).await, hosts(&pair, 1).await], before);

    // Behind Tandem's back, kea2's host gets `always-send` on its option and a second option:
    // drift; kea2's copy replicated to kea1 brings both.
    change_outside(&pair, 1, ip, |host| {
        host["option-data"] = json!([
            { "code": 66, "data": "tftp2.contoso.com", "always-send": true },
            { "code": 42, "data": "10.0.0.123" }
        ]);
    })
    .await;
    assert_drift(&t, false).await;
    t.replicate_scope(&admin(), &kea2, scope).await.unwrap();
    let held = options_at(&pair, 0, ip).await;
    assert_eq!(
        held,
        [
            ("42".to_string(), "10.0.0.123".to_string(), false),
            ("66".into(), "tftp2.contoso.com".into(), true)
        ],
        "{flavor:?}"
    );
    assert_drift(&t, true).await;
}
