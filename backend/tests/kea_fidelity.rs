//! Fidelity on real Kea configurations: every change Tandem makes on a Kea pair changes exactly
//! what it names, on both partners, and nothing else (DESIGN.md §3).
//!
//! Each configuration is loaded into a real pair (Kea 2.2, written by `config-set`; Kea 3.0,
//! written by its host and subnet commands), Tandem reads it, and every operation is performed
//! on a scope of it: a reservation created, edited and deleted, a reservation of the file
//! renamed, each scope property edited, an exclusion added and removed, an option added,
//! edited and removed, the scope made inactive and active, replications at scope, relationship
//! and server level, a CSV import, an undo. After each, both partners' `config-get` is compared
//! with before, key by key: the difference must be exactly the requested change.
//!
//! The configurations are Kea's own shipped examples (Debian's `kea-doc`,
//! `examples/kea4/*.json`), each prepared for a loopback pair (HA and command hooks, control
//! sockets, leases in memory, no interfaces, no databases that do not run here), and one
//! written as an operator writes Kea. A file Kea refuses is reported with Kea's words, and the
//! test fails unless that file is listed below with the reason.

#[path = "support/kea_pair.rs"]
mod kea_pair;
mod support;

use kea_pair::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tandem_backend::{Caller, Tandem};
use tandem_core::drift::DriftStatus;
use tandem_core::scope_input::{OptionInput, ScopeInput};
use tandem_core::validate::NewReservation;
use tandem_core::views::{Page, ScopeQuery, ScopeRow};
use tandem_core::{ScopeId, ServerName};

const EXAMPLES: &str = "/usr/share/doc/kea/examples/kea4";

/// Example files that are not a DHCPv4 server's configuration a pair can run, with why.
const NOT_A_PAIR: &[(&str, &str)] = &[
    (
        "config-backend.json",
        "its subnets live in a MySQL configuration backend, which does not run here",
    ),
    (
        "ha-load-balancing-primary.json",
        "an HA configuration itself: the pair's own HA hook takes its place, which leaves single-subnet.json",
    ),
];

fn admin() -> Caller {
    Caller::local("fidelity")
}

/// Kea's configuration text as JSON: its comments (`//`, `/* */`, `#`) taken out and its
/// numbers written as JSON writes them (`.5` is `0.5`).
fn kea_json(text: &str) -> Value {
    let bytes: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            out.push(c);
            if c == '\\' && i + 1 < bytes.len() {
                out.push(bytes[i + 1]);
                i += 2;
                continue;
            }
            in_string = c != '"';
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        match (c, next) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) | ('#', _) => {
                while i < bytes.len() && bytes[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            ('/', Some('*')) => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == '*' && bytes[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            ('.', Some(d))
                if d.is_ascii_digit() && !out.ends_with(|p: char| p.is_ascii_digit()) =>
            {
                out.push_str("0.");
            }
            _ => out.push(c),
        }
        i += 1;
    }
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON once comments are out: {e}"))
}

/// A key naming an element of a list, so that a list compares element by element whatever
/// their order: a subnet by its prefix, a pool by its range, a host by its identifier, an
/// option by its space and code…
fn element_key(list: &str, item: &Value, index: usize) -> String {
    let text = |k: &str| {
        item.get(k).map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
    };
    let key = match list {
        "subnet4" => text("subnet"),
        "shared-networks" | "client-classes" | "option-def" if item.is_object() => text("name")
            .map(|n| format!("{}{n}", text("space").map(|s| s + "/").unwrap_or_default())),
        "pools" => text("pool").map(|p| p.replace(' ', "")),
        "reservations" => ["hw-address", "duid", "circuit-id", "client-id", "flex-id"]
            .iter()
            .find_map(|k| Some(format!("{k}={}", text(k)?.to_lowercase().replace(':', "")))),
        "option-data" => Some(format!(
            "{}/{}",
            text("space").unwrap_or_else(|| "dhcp4".into()),
            text("code").or_else(|| text("name")).unwrap_or_default()
        )),
        "hooks-libraries" => text("library"),
        _ => None,
    };
    key.unwrap_or_else(|| index.to_string())
}

/// A configuration as its leaves, each by its path.
fn flat(config: &Value) -> BTreeMap<String, String> {
    fn walk(path: &str, list: &str, v: &Value, out: &mut BTreeMap<String, String>) {
        match v {
            Value::Object(map) if !map.is_empty() => {
                for (k, x) in map {
                    walk(&format!("{path}/{k}"), k, x, out);
                }
            }
            // An empty list or map is as good as none (Kea writes both): no leaf.
            Value::Object(map) if map.is_empty() => {}
            Value::Array(items) if items.is_empty() => {}
            Value::Array(items) => {
                let mut seen: BTreeMap<String, usize> = BTreeMap::new();
                for (i, item) in items.iter().enumerate() {
                    let mut key = element_key(list, item, i);
                    let n = seen.entry(key.clone()).or_default();
                    *n += 1;
                    if *n > 1 {
                        key = format!("{key}#{n}");
                    }
                    walk(&format!("{path}[{key}]"), list, item, out);
                }
            }
            other => {
                out.insert(path.to_string(), other.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", "", config, &mut out);
    out
}

/// The paths at which two configurations differ.
fn changed(before: &Value, after: &Value) -> Vec<String> {
    let (b, a) = (flat(before), flat(after));
    let mut out: Vec<String> = b
        .iter()
        .filter(|(k, v)| a.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(a.keys().filter(|k| !b.contains_key(*k)).cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The configurations of both partners, read now; where reservations live in a hosts
/// database too, each subnet's are all of them (`reservation-get-all`: the file's and the
/// database's), so that a change to either shows.
async fn both(pair: &Pair) -> [Value; 2] {
    let read = |url: String| async move {
        let mut config = config_get(&url).await;
        if pair.flavor.database() {
            let mut ids = Vec::new();
            let top = config["subnet4"].as_array().into_iter().flatten();
            let nested = config["shared-networks"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|n| n["subnet4"].as_array().into_iter().flatten());
            for s in top.chain(nested) {
                ids.push((s["subnet"].as_str().unwrap().to_string(), s["id"].clone()));
            }
            for (prefix, id) in ids {
                let all = kea(
                    &url,
                    "reservation-get-all",
                    Some(json!({ "subnet-id": id })),
                )
                .await;
                let mut hosts = all["arguments"]["hosts"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                for h in &mut hosts {
                    h.as_object_mut().unwrap().remove("subnet-id");
                }
                set_subnet(&mut config, &prefix, |s| {
                    s["reservations"] = Value::Array(hosts)
                });
            }
        }
        config
    };
    let (a, b) = tokio::join!(read(pair.urls[0].clone()), read(pair.urls[1].clone()));
    [a, b]
}

/// What one operation was expected to change.
struct Expect<'a> {
    /// Every changed path must start with one of these.
    allowed: Vec<String>,
    /// And each of these must have changed.
    required: Vec<String>,
    what: &'a str,
}

impl<'a> Expect<'a> {
    /// The change at `path`, and nothing else.
    fn exactly(path: String, what: &'a str) -> Self {
        Self {
            allowed: vec![path.clone()],
            required: vec![path],
            what,
        }
    }
}

/// The path of the host of `client` (a MAC) in the subnet at `sp`.
fn host_path(sp: &str, client: &tandem_core::ClientId) -> String {
    format!(
        "{sp}/reservations[{}={}]",
        client.kind(),
        client.to_colon_string().replace(':', "")
    )
}

/// Fidelity failures, collected so that one run reports them all.
#[derive(Default, Clone)]
struct Report(Arc<Mutex<Vec<String>>>);

impl Report {
    fn fail(&self, message: String) {
        eprintln!("FIDELITY: {message}");
        self.0.lock().unwrap().push(message);
    }

    fn check(&self, label: &str, before: &[Value; 2], after: &[Value; 2], expect: &Expect<'_>) {
        for server in 0..2 {
            let diff = changed(&before[server], &after[server]);
            let stray: Vec<&String> = diff
                .iter()
                .filter(|p| !expect.allowed.iter().any(|a| p.starts_with(a.as_str())))
                .collect();
            if !stray.is_empty() {
                self.fail(format!(
                    "{label}: {} changed on kea{} what it did not name: {stray:?}",
                    expect.what,
                    server + 1
                ));
            }
            for r in &expect.required {
                if !diff.iter().any(|p| p.starts_with(r.as_str())) {
                    self.fail(format!(
                        "{label}: {} did not change {r} on kea{} (changed: {diff:?})",
                        expect.what,
                        server + 1
                    ));
                }
            }
        }
    }

    fn same(&self, label: &str, what: &str, before: &[Value; 2], after: &[Value; 2]) {
        self.check(
            label,
            before,
            after,
            &Expect {
                allowed: Vec::new(),
                required: Vec::new(),
                what,
            },
        );
    }
}

/// The Dhcp4 configuration of server `me` of `pair` for `example`: the example's own, with the
/// pair's control sockets, hooks (HA among them), lease file and loggers in place of its own,
/// no interfaces (loopback tests), and no database that does not run here.
fn prepared(example: &Value, running: &Value, flavor: Flavor) -> Value {
    let mut config = example.clone();
    let map = config.as_object_mut().unwrap();
    for key in [
        "control-socket",
        "control-sockets",
        "hooks-libraries",
        "lease-database",
        "loggers",
        // HA's own listeners (Kea 3) need the pair's threads.
        "multi-threading",
    ] {
        map.remove(key);
        if let Some(v) = running.get(key) {
            map.insert(key.into(), v.clone());
        }
    }
    for key in [
        "hosts-database",
        "hosts-databases",
        "config-control",
        "dhcp4o6-port",
    ] {
        map.remove(key);
    }
    // The pair's own hosts database, where it has one.
    if let Some(db) = running.get("hosts-database") {
        map.insert("hosts-database".into(), db.clone());
    }
    map.insert("interfaces-config".into(), json!({ "interfaces": [] }));
    // The DHCP-DDNS client on loopback, on a port of its own choosing (two servers share
    // this machine).
    if let Some(ddns) = map.get_mut("dhcp-ddns").and_then(Value::as_object_mut) {
        for key in ["server-ip", "sender-ip"] {
            if ddns.contains_key(key) {
                ddns.insert(key.into(), json!("127.0.0.1"));
            }
        }
        ddns.insert("sender-port".into(), json!(0));
    }
    // Interfaces named per subnet or network: none here.
    each_subnet_or_network(&mut config, &mut |v| {
        if let Some(m) = v.as_object_mut() {
            m.remove("interface");
        }
    });
    // HA's heartbeat quicker than the pair's own: every config-set restarts HA, and a
    // corpus of files written through config-set waits on it a hundred times.
    for hook in config["hooks-libraries"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        if let Some(ha) = hook.pointer_mut("/parameters/high-availability/0") {
            ha["heartbeat-delay"] = json!(250);
            ha["max-response-delay"] = json!(1000);
            ha["max-ack-delay"] = json!(1000);
        }
    }
    config = comments_in_context(config);
    if flavor.kea3() {
        config = for_kea3(config);
    }
    config
}

/// `comment` in the user context, as Kea's own file parser puts it (its control channel does
/// not).
fn comments_in_context(mut config: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(c) = map.remove("comment") {
                    let ctx = map.entry("user-context").or_insert_with(|| json!({}));
                    ctx["comment"] = c;
                }
                for (k, x) in map.iter_mut() {
                    if k != "user-context" {
                        walk(x);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut config);
    config
}

/// A Kea 2.2 example as Kea 3 takes it: every subnet with an ID (Kea 3 requires one; Kea 2.2
/// numbered them itself), Kea 3's names for what Kea 2.2 called required classes and DDNS
/// conflict resolution, a relay's addresses as a list.
fn for_kea3(config: Value) -> Value {
    fn walk(v: &mut Value, next_id: &mut u64) {
        match v {
            Value::Object(map) => {
                // Kea 2.2's single relay address.
                if let Some(relay) = map.get_mut("relay").and_then(Value::as_object_mut)
                    && let Some(one) = relay.remove("ip-address")
                {
                    relay.insert("ip-addresses".into(), json!([one]));
                }
                if let Some(Value::Bool(on)) = map.remove("ddns-use-conflict-resolution") {
                    let mode = if on {
                        "check-with-dhcid"
                    } else {
                        "no-check-with-dhcid"
                    };
                    map.insert("ddns-conflict-resolution-mode".into(), json!(mode));
                }
                if let Some(list) = map.get_mut("subnet4").and_then(Value::as_array_mut) {
                    for subnet in list {
                        if subnet.get("id").is_none() {
                            subnet["id"] = json!(*next_id);
                            *next_id += 1;
                        }
                    }
                }
                for (k, x) in map.iter_mut() {
                    if k != "user-context" {
                        walk(x, next_id);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|x| walk(x, next_id)),
            _ => {}
        }
    }
    let text = serde_json::to_string(&config)
        .unwrap()
        .replace(
            "\"require-client-classes\"",
            "\"evaluate-additional-classes\"",
        )
        .replace("\"only-if-required\"", "\"only-in-additional-list\"");
    let mut config: Value = serde_json::from_str(&text).unwrap();
    // Numbered above any ID the file gives.
    let mut next_id = 1000;
    walk(&mut config, &mut next_id);
    config
}

/// Loads `example` into both servers of `pair` (config-test, then config-set and config-write)
/// and waits until HA serves again on both; Kea's words when it refuses (the servers then
/// reload their own files: a refused configuration can leave HA's listener hung).
async fn load(pair: &Pair, example: &Value, running: &[Value; 2]) -> Result<(), String> {
    let configs: Vec<Value> = (0..2)
        .map(|i| json!({ "Dhcp4": prepared(example, &running[i], pair.flavor) }))
        .collect();
    let mut refused = None;
    for (url, config) in pair.urls.iter().zip(&configs) {
        let answer = kea(url, "config-test", Some(config.clone())).await;
        if answer["result"] != 0 {
            refused = Some(answer["text"].as_str().unwrap_or_default().to_string());
            break;
        }
    }
    if refused.is_none() {
        for (url, config) in pair.urls.iter().zip(&configs) {
            let answer = kea(url, "config-set", Some(config.clone())).await;
            if answer["result"] != 0 {
                refused = Some(answer["text"].as_str().unwrap_or_default().to_string());
                break;
            }
            kea(url, "config-write", None).await;
        }
    }
    if refused.is_some() {
        for url in &pair.urls {
            kea(url, "config-reload", None).await;
        }
    }
    for i in 0..2 {
        pair.wait_state(i, "load-balancing").await;
    }
    refused.map_or(Ok(()), Err)
}

/// The path of a subnet in a configuration's flat form: `/subnet4[P]` or
/// `/shared-networks[N]/subnet4[P]`.
fn subnet_path(config: &Value, prefix: &str) -> String {
    let needle = format!("/subnet4[{prefix}]");
    flat(config)
        .keys()
        .find_map(|k| k.find(&needle).map(|at| k[..at + needle.len()].to_string()))
        .unwrap_or_else(|| panic!("no subnet {prefix} in the configuration"))
}

/// The subnet entry of a configuration at `prefix`, wherever it sits.
fn subnet_of<'a>(config: &'a Value, prefix: &str) -> &'a Value {
    let top = config["subnet4"].as_array().into_iter().flatten();
    let nested = config["shared-networks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|n| n["subnet4"].as_array().into_iter().flatten());
    top.chain(nested)
        .find(|s| s["subnet"] == prefix)
        .unwrap_or_else(|| panic!("no subnet {prefix}"))
}

/// The scopes DHCP Scopes lists on `server` (one page of 200).
async fn listed_on(t: &Tandem, server: &ServerName) -> tandem_core::views::ScopesPage {
    let query = ScopeQuery {
        server: Some(server.to_string()),
        page: Page {
            number: 1,
            size: 200,
        },
        ..Default::default()
    };
    t.list_scopes(&admin(), &query).await.unwrap()
}

/// A scope's row on kea1 as DHCP Scopes lists it (drift read now).
async fn row(t: &Tandem, kea1: &ServerName, scope: ScopeId) -> ScopeRow {
    t.check_drift(&admin()).await.unwrap();
    listed_on(t, kea1)
        .await
        .rows
        .into_iter()
        .find(|r| r.scope_id == scope)
        .expect("the scope listed")
}

/// Every operation on one scope of the configuration loaded in `pair`, each checked on both
/// partners.
async fn exercise(pair: &Pair, label: &str, scope: ScopeId, report: &Report) {
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let held = t.get_scope(&admin(), &kea1, scope).await.unwrap();
    let prefix = format!("{}/{}", held.id, held.prefix_len);
    let start = both(pair).await;
    let sp = subnet_path(&start[0], &prefix);
    let say = |what: &str| format!("{label} {prefix} {what}");

    // Read and in sync: the pair holds the same file.
    let listed = row(&t, &kea1, scope).await;
    if listed.drift != Some(DriftStatus::InSync) {
        report.fail(format!(
            "{}: not in sync as loaded: {:?}",
            say("drift"),
            listed.drift
        ));
    }

    // A manual replication of a copy in sync changes nothing on either partner.
    t.replicate_scope(&admin(), &kea1, scope).await.unwrap();
    report.same(
        label,
        "replicating the scope in sync",
        &start,
        &both(pair).await,
    );

    // A reservation created, edited, deleted.
    // An address of the range (of the pool where there is one) that nobody holds.
    let free = (u32::from(held.range.start())..=u32::from(held.range.end()))
        .map(std::net::Ipv4Addr::from)
        .filter(|ip| held.reservation(*ip).is_none())
        .find(|ip| held.in_pool(*ip) || !held.in_pool(held.range.start()))
        .expect("a free address in the range");
    let mac = "02:00:5e:10:00:01";
    let host = format!("{sp}/reservations[hw-address=02005e100001]");
    let created = t
        .create_reservation(
            &admin(),
            &kea1,
            scope,
            &NewReservation {
                ip_address: free.to_string(),
                client_id: mac.into(),
                name: "fidelity".into(),
                ..Default::default()
            },
        )
        .await;
    match created {
        Err(e) => report.fail(format!("{}: {e:?}", say("create reservation"))),
        Ok(_) => {
            let now = both(pair).await;
            let expect = Expect {
                allowed: vec![host.clone()],
                required: vec![host.clone()],
                what: "creating a reservation",
            };
            report.check(label, &start, &now, &expect);
            let r = t.get_scope(&admin(), &kea1, scope).await.unwrap();
            let version = r.reservation(free).unwrap().version();
            t.edit_reservation(
                &admin(),
                &kea1,
                scope,
                free,
                &version,
                &NewReservation {
                    ip_address: free.to_string(),
                    client_id: mac.into(),
                    name: "fidelity-renamed".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            let edited = both(pair).await;
            let expect = Expect {
                allowed: vec![format!("{host}/hostname")],
                required: vec![format!("{host}/hostname")],
                what: "renaming a reservation",
            };
            report.check(label, &now, &edited, &expect);
            t.delete_reservation(&admin(), &kea1, scope, free, None)
                .await
                .unwrap();
            report.same(
                label,
                "creating, editing and deleting a reservation",
                &start,
                &both(pair).await,
            );
        }
    }

    // A reservation of the file renamed, then named back: its other fields untouched.
    if let Some(r) = held.reservations.first() {
        let mut input = NewReservation {
            ip_address: r.ip_address.to_string(),
            client_id: r.client_id.to_string(),
            identifier_type: r.client_id.kind().to_string(),
            name: "fidelity-other".into(),
            description: r.description.clone(),
            kind: r.kind.as_str().into(),
            ..NewReservation::default()
        };
        t.edit_reservation(&admin(), &kea1, scope, r.ip_address, &r.version(), &input)
            .await
            .unwrap();
        let renamed = both(pair).await;
        let path = format!("{}/hostname", host_path(&sp, &r.client_id));
        let expect = Expect::exactly(path, "renaming a reservation of the file");
        report.check(label, &start, &renamed, &expect);
        // Moved to a free address: only its address changes.
        let now = t.get_scope(&admin(), &kea1, scope).await.unwrap();
        let version = now.reservation(r.ip_address).unwrap().version();
        input.ip_address = free.to_string();
        t.edit_reservation(&admin(), &kea1, scope, r.ip_address, &version, &input)
            .await
            .unwrap();
        let moved = both(pair).await;
        let path = format!("{}/ip-address", host_path(&sp, &r.client_id));
        let expect = Expect::exactly(path, "moving a reservation of the file");
        report.check(label, &renamed, &moved, &expect);
        let now = t.get_scope(&admin(), &kea1, scope).await.unwrap();
        let version = now.reservation(free).unwrap().version();
        input.name = r.name.clone();
        input.ip_address = r.ip_address.to_string();
        t.edit_reservation(&admin(), &kea1, scope, free, &version, &input)
            .await
            .unwrap();
        let back = both(pair).await;
        // A host without a name had none; named back to nothing, it has an empty one.
        let left: Vec<String> = (0..2)
            .flat_map(|i| changed(&start[i], &back[i]))
            .filter(|p| !(r.name.is_empty() && p.ends_with("/hostname")))
            .collect();
        if !left.is_empty() {
            report.fail(format!(
                "{}: named back, still changed: {left:?}",
                say("reservation")
            ));
        }
    }

    // Each scope property, edited then put back.
    let edit = |change: Box<dyn FnOnce(&mut ScopeInput) + Send>| {
        let t = &t;
        let kea1 = &kea1;
        async move {
            let now = t.get_scope(&admin(), kea1, scope).await.unwrap();
            let mut input = ScopeInput::of(&now);
            change(&mut input);
            t.update_scope(&admin(), kea1, scope, &now.properties_version(), &input)
                .await
        }
    };
    let original = ScopeInput::of(&held);
    type Change = Box<dyn FnOnce(&mut ScopeInput) + Send>;
    let lifetime: u32 = held.lease_duration_secs;
    let first_pool = held.range;
    let a = u32::from(first_pool.start());
    let room = (a + 1..=a + 2).all(|x| held.in_pool(x.into()));
    let mut cases: Vec<(&str, Change, Vec<String>)> = vec![
        (
            "description",
            Box::new(|i: &mut ScopeInput| i.description = "fidelity check".into()),
            vec![format!("{sp}/user-context/description")],
        ),
        (
            "name",
            Box::new(|i: &mut ScopeInput| i.name = "Fidelity".into()),
            vec![format!("{sp}/user-context/name")],
        ),
        (
            "lease duration",
            Box::new(move |i: &mut ScopeInput| i.lease_duration_secs = (lifetime + 60).to_string()),
            vec![format!("{sp}/valid-lifetime")],
        ),
        (
            "an exclusion",
            Box::new(move |i: &mut ScopeInput| {
                let a = u32::from(first_pool.start());
                let cut = format!(
                    "{}-{}",
                    std::net::Ipv4Addr::from(a + 1),
                    std::net::Ipv4Addr::from(a + 2)
                );
                i.exclusions = if i.exclusions.trim().is_empty() {
                    cut
                } else {
                    format!("{}, {cut}", i.exclusions)
                };
            }),
            vec![format!("{sp}/pools")],
        ),
        (
            "state",
            Box::new(|i: &mut ScopeInput| i.state = "Inactive".into()),
            vec![format!("{sp}/user-context/state")],
        ),
    ];
    if !room {
        // A pool too small to cut: no exclusion to add inside it.
        cases.retain(|(what, _, _)| *what != "an exclusion");
    }
    for (what, change, required) in cases {
        let before = both(pair).await;
        if let Err(e) = edit(change).await {
            // Refused (a bound, a pool with settings): nothing written on either.
            report.same(
                label,
                &format!("a refused {what} edit ({e:?})"),
                &before,
                &both(pair).await,
            );
            continue;
        }
        let after = both(pair).await;
        let mut allowed = required.clone();
        if what == "lease duration" {
            allowed.push(format!("{sp}/min-valid-lifetime"));
            allowed.push(format!("{sp}/max-valid-lifetime"));
        }
        if what == "state" {
            allowed.push(format!("{sp}/user-context/pools"));
            allowed.push(format!("{sp}/pools"));
        }
        let expect = Expect {
            allowed,
            required,
            what: &format!("editing the scope's {what}"),
        };
        report.check(label, &before, &after, &expect);
        let back = original.clone();
        if let Err(e) = edit(Box::new(move |i: &mut ScopeInput| *i = back)).await {
            report.fail(format!("{}: {e:?}", say(&format!("{what} put back"))));
        }
        report.same(
            label,
            &format!("editing the scope's {what} and back"),
            &start,
            &both(pair).await,
        );
    }

    // An option added, edited, removed.
    let code = [42u8, 69, 70, 71, 72, 73, 74]
        .into_iter()
        .find(|c| {
            !flat(&start[0])
                .keys()
                .any(|k| k.starts_with(&format!("{sp}/option-data[dhcp4/{c}]")))
        })
        .unwrap();
    let option = format!("{sp}/option-data[dhcp4/{code}]");
    for (value, what) in [
        ("10.99.0.1", "adding an option"),
        ("10.99.0.2", "editing an option"),
    ] {
        let before = both(pair).await;
        let v = value.to_string();
        edit(Box::new(move |i: &mut ScopeInput| {
            i.options.retain(|o| o.code != code.to_string());
            i.options.push(OptionInput {
                code: code.to_string(),
                kind: "Addresses".into(),
                value: v,
            });
        }))
        .await
        .unwrap();
        let expect = Expect {
            allowed: vec![option.clone()],
            required: vec![option.clone()],
            what,
        };
        report.check(label, &before, &both(pair).await, &expect);
    }
    let back = original.clone();
    edit(Box::new(move |i: &mut ScopeInput| *i = back))
        .await
        .unwrap();
    report.same(
        label,
        "adding, editing and removing an option",
        &start,
        &both(pair).await,
    );

    // Replications of a relationship and a server in sync change nothing.
    let relationship = format!("{}-{}", NAMES[0], NAMES[1]);
    t.replicate_relationship(&admin(), &kea1, &relationship)
        .await
        .unwrap();
    t.replicate_server(&admin(), &kea1).await.unwrap();
    report.same(
        label,
        "replicating the relationship and the server in sync",
        &start,
        &both(pair).await,
    );

    // A CSV import adds its row, and nothing else.
    let csv = format!(
        "ScopeId,IPAddress,Name,ClientId,Description,Type\n{},{free},imported,02-00-5e-10-00-77,,Both\n",
        held.id
    );
    let report_rows = t
        .apply_import(&admin(), &kea1, csv.as_bytes())
        .await
        .unwrap();
    if report_rows.rows.iter().any(|r| r.applied != Some(true)) {
        report.fail(format!("{}: {report_rows:?}", say("import")));
    }
    let imported = format!("{sp}/reservations[hw-address=02005e100077]");
    let expect = Expect::exactly(imported, "importing a CSV row");
    report.check(label, &start, &both(pair).await, &expect);
    t.delete_reservation(&admin(), &kea1, scope, free, None)
        .await
        .unwrap();

    // An edit undone.
    edit(Box::new(|i: &mut ScopeInput| {
        i.description = "to be undone".into()
    }))
    .await
    .unwrap();
    let filter = tandem_backend::store::events::EventFilter {
        action: "update_scope".into(),
        ..Default::default()
    };
    let event = t
        .search_events(&admin(), &filter, 1)
        .await
        .unwrap()
        .remove(0);
    t.undo_event(&admin(), event.id).await.unwrap();
    report.same(label, "an edit undone", &start, &both(pair).await);

    // A change behind Tandem's back on kea2 (its relay), found as drift and replicated away:
    // kea2's subnet is kea1's again.
    let mut config = both(pair).await[1].clone();
    set_subnet(&mut config, &prefix, |s| {
        s["relay"] = json!({ "ip-addresses": ["192.0.2.254"] })
    });
    let answer = kea(
        &pair.urls[1],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(answer["result"], 0, "{answer}");
    pair.wait_state(1, "load-balancing").await;
    let drift = row(&t, &kea1, scope).await.drift;
    if !matches!(drift, Some(DriftStatus::OutOfSync { .. })) {
        report.fail(format!("{}: relay changed, drift {drift:?}", say("drift")));
    }
    let preview = t
        .preview_scope_replication(&admin(), &kea1, scope)
        .await
        .unwrap();
    let words: Vec<String> = preview.changes.iter().map(|d| d.as_change()).collect();
    if !words.iter().any(|w| w.starts_with("relay")) {
        report.fail(format!("{}: the relay not named: {words:?}", say("drift")));
    }
    t.replicate_scope(&admin(), &kea1, scope).await.unwrap();
    let after = both(pair).await;
    let (a, b) = (
        strip_id(subnet_of(&after[0], &prefix)),
        strip_id(subnet_of(&after[1], &prefix)),
    );
    if a != b {
        report.fail(format!(
            "{}: kea2's subnet differs from kea1's after replication: {:?}",
            say("replication"),
            changed(&a, &b)
        ));
    }
    report.same(
        label,
        "replication (kea1 untouched)",
        &[start[0].clone(), after[1].clone()],
        &[after[0].clone(), after[1].clone()],
    );
}

fn strip_id(subnet: &Value) -> Value {
    let mut s = subnet.clone();
    s.as_object_mut().unwrap().remove("id");
    s
}

/// Calls `f` on each subnet of a configuration and each shared network, wherever they sit.
fn each_subnet_or_network(config: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(subnets) = config.get_mut("subnet4").and_then(Value::as_array_mut) {
        subnets.iter_mut().for_each(&mut *f);
    }
    for n in config
        .get_mut("shared-networks")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(subnets) = n.get_mut("subnet4").and_then(Value::as_array_mut) {
            subnets.iter_mut().for_each(&mut *f);
        }
        f(n);
    }
}

/// Changes the subnet at `prefix` of a configuration, wherever it sits.
fn set_subnet(config: &mut Value, prefix: &str, change: impl FnOnce(&mut Value)) {
    let mut change = Some(change);
    each_subnet_or_network(config, &mut |s| {
        if s.get("subnet").is_some_and(|p| p == prefix)
            && let Some(c) = change.take()
        {
            c(s);
        }
    });
}

/// The scope an example is exercised on: one in a shared network if it has one, else one
/// with a pool, else its first.
fn chosen(scopes: &[tandem_core::Scope]) -> Option<ScopeId> {
    let active = |s: &&tandem_core::Scope| s.state == tandem_core::ScopeState::Active;
    let pooled = |s: &&tandem_core::Scope| active(s) && s.in_pool(s.range.start());
    scopes
        .iter()
        .filter(pooled)
        .find(|s| s.kept.as_ref().and_then(|k| k.shared_network()).is_some())
        .or_else(|| scopes.iter().find(pooled))
        .or_else(|| scopes.iter().find(active))
        .map(|s| s.id)
}

/// Kea's examples on pairs of `flavor`, `pairs` pairs at a time, each taking the next file.
async fn examples(flavor: Flavor, pairs: usize) {
    let mut files: Vec<_> = std::fs::read_dir(EXAMPLES)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "Kea's examples: {files:?}");
    let queue = Arc::new(Mutex::new(VecDeque::from(files)));
    let report = Report::default();
    let refused = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let started = Instant::now();
    let workers = (0..pairs).map(|_| {
        let (queue, report, refused) = (queue.clone(), report.clone(), refused.clone());
        async move {
            let pair = Pair::start(flavor).await;
            let running = both(&pair).await;
            loop {
                let Some(path) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let file = path.file_name().unwrap().to_string_lossy().to_string();
                // TANDEM_FIDELITY_ONLY=a.json,b.json: those files alone (a run by hand).
                if let Ok(only) = std::env::var("TANDEM_FIDELITY_ONLY")
                    && !only.split(',').any(|f| f == file)
                {
                    continue;
                }
                if let Some((_, why)) = NOT_A_PAIR.iter().find(|(f, _)| *f == file) {
                    eprintln!("fidelity {flavor:?}: {file} not loaded: {why}");
                    continue;
                }
                let example = kea_json(&std::fs::read_to_string(&path).unwrap());
                let Some(dhcp4) = example.get("Dhcp4") else {
                    continue;
                };
                let took = Instant::now();
                if let Err(words) = load(&pair, dhcp4, &running).await {
                    eprintln!("fidelity {flavor:?}: Kea refused {file}: {words}");
                    refused.lock().unwrap().push((file, words));
                    continue;
                }
                let db = tempfile::tempdir().unwrap();
                let t = pair.tandem(db.path()).await;
                let kea1 = ServerName::parse(NAMES[0]).unwrap();
                let scopes = listed_on(&t, &kea1).await;
                let caller = admin();
                let read: Vec<tandem_core::Scope> = futures::future::join_all(
                    scopes
                        .rows
                        .iter()
                        .map(|r| t.get_scope(&caller, &kea1, r.scope_id)),
                )
                .await
                .into_iter()
                .map(Result::unwrap)
                .collect();
                match chosen(&read) {
                    Some(scope) => {
                        exercise(&pair, &format!("{flavor:?} {file}"), scope, &report).await
                    }
                    None => eprintln!(
                        "fidelity {flavor:?}: {file} has no scope with a pool to change; read only"
                    ),
                }
                eprintln!("fidelity {flavor:?}: {file} in {:?}", took.elapsed());
            }
        }
    });
    futures::future::join_all(workers).await;
    eprintln!(
        "fidelity {flavor:?}: every example in {:?}",
        started.elapsed()
    );
    let refused = refused.lock().unwrap().clone();
    let failures = report.0.lock().unwrap().clone();
    assert!(
        failures.is_empty(),
        "{} fidelity failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        refused.is_empty(),
        "Kea refused examples once prepared for a pair: {refused:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keas_own_examples_on_kea_2_2_change_only_what_tandem_names() {
    if Flavor::Kea22.available() && examples_installed() {
        examples(Flavor::Kea22, 3).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keas_own_examples_on_kea_3_0_change_only_what_tandem_names() {
    if Flavor::Kea3.available() && examples_installed() {
        examples(Flavor::Kea3, 1).await;
    }
}

fn examples_installed() -> bool {
    let here = Path::new(EXAMPLES).join("single-subnet.json").exists();
    if !here {
        support::skipped(
            "Kea's example configurations",
            "Debian's kea-doc is not installed; `scripts/setup.sh --test` installs it",
        );
    }
    here
}

/// A configuration written the way operators write Kea: options by name with `always-send`, a
/// custom option definition, client classes, pools with their own options and class, lifetime
/// bounds, a relay, hosts with boot fields, classes and options of their own, reservations by
/// client-id and circuit-id, a shared network of two subnets, a server-wide reservation, and a
/// subnet Tandem cannot show (a /31).
fn operators_configuration(flavor: Flavor) -> Value {
    let printers = if flavor.kea3() {
        json!({ "client-classes": ["printers"] })
    } else {
        json!({ "client-class": "printers" })
    };
    let mut pool = json!({ "pool": "10.0.0.100 - 10.0.0.149" });
    for (k, v) in printers.as_object().unwrap() {
        pool[k] = v.clone();
    }
    json!({
        "valid-lifetime": 4000,
        "host-reservation-identifiers": ["hw-address", "client-id", "circuit-id", "duid"],
        "option-def": [ { "name": "site-code", "code": 224, "type": "string" } ],
        "client-classes": [
            { "name": "printers", "test": "substring(option[60].hex,0,4) == 'HPJD'" },
            { "name": "voip", "test": "substring(option[60].hex,0,6) == 'Aastra'" }
        ],
        "option-data": [ { "name": "domain-name-servers", "data": "192.0.2.53" } ],
        "reservations": [ { "hw-address": "aa:bb:cc:00:00:99", "hostname": "everywhere" } ],
        "subnet4": [
            {
                "id": 1, "subnet": "10.0.0.0/24",
                "valid-lifetime": 3600, "min-valid-lifetime": 1800, "max-valid-lifetime": 7200,
                "relay": { "ip-addresses": ["10.0.0.1"] },
                "user-context": { "site": "HQ" },
                "option-data": [
                    { "name": "routers", "data": "10.0.0.1" },
                    { "name": "domain-name", "data": "example.org", "always-send": true },
                    { "name": "site-code", "data": "HQ" }
                ],
                "pools": [
                    { "pool": "10.0.0.10 - 10.0.0.99",
                      "option-data": [ { "name": "domain-name-servers", "data": "10.0.0.53" } ] },
                    pool
                ],
                "reservations": [
                    { "hw-address": "aa:bb:cc:dd:ee:01", "ip-address": "10.0.0.5",
                      "hostname": "pxe-client", "next-server": "10.0.0.2",
                      "boot-file-name": "pxelinux.0", "client-classes": ["voip"],
                      "option-data": [ { "name": "domain-name-servers", "data": "10.0.0.54" } ] },
                    { "client-id": "01:aa:bb:cc:dd:ee:02", "ip-address": "10.0.0.6",
                      "hostname": "by-client-id" },
                    { "circuit-id": "'port-7'", "ip-address": "10.0.0.7" }
                ]
            },
            { "id": 99, "subnet": "10.9.9.0/31" }
        ],
        "shared-networks": [ {
            "name": "floor-2",
            "relay": { "ip-addresses": ["10.2.0.1"] },
            "option-data": [ { "name": "domain-name", "data": "floor2.example.org" } ],
            "subnet4": [
                { "id": 21, "subnet": "10.2.0.0/24", "pools": [ { "pool": "10.2.0.10-10.2.0.200" } ] },
                { "id": 22, "subnet": "10.2.1.0/24", "pools": [ { "pool": "10.2.1.10-10.2.1.200" } ] }
            ]
        } ]
    })
}

async fn an_operators_configuration(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let running = both(&pair).await;
    let config = operators_configuration(flavor);
    load(&pair, &config, &running).await.unwrap();
    let report = Report::default();
    let label = format!("{flavor:?} operator's configuration");
    let hq = ScopeId::parse("10.0.0.0").unwrap();
    let floor2 = ScopeId::parse("10.2.0.0").unwrap();

    // Read: the shared network's subnets are scopes, named with their network; the /31 is not
    // a scope, and fails nothing.
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let listed = t
        .list_scopes(&admin(), &ScopeQuery::default())
        .await
        .unwrap();
    let mut ids: Vec<String> = listed
        .rows
        .iter()
        .filter(|r| r.server == kea1)
        .map(|r| r.scope_id.to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, ["10.0.0.0", "10.2.0.0", "10.2.1.0"], "{listed:?}");
    let held = t.get_scope(&admin(), &kea1, floor2).await.unwrap();
    assert_eq!(
        held.kept.as_ref().unwrap().shared_network(),
        Some("floor-2")
    );
    let review = t.review_now(&admin()).await.unwrap();
    assert!(
        review
            .findings
            .iter()
            .any(|f| f.check == "subnet-unreadable" && f.object == "subnet 10.9.9.0/31"),
        "{review:?}"
    );

    // The three ordinary edits of the issue, then everything kept on both partners.
    let start = both(&pair).await;
    t.create_reservation(
        &admin(),
        &kea1,
        hq,
        &NewReservation {
            ip_address: "10.0.0.50".into(),
            client_id: "00155DA76650".into(),
            name: "laptop".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let scope = t.get_scope(&admin(), &kea1, hq).await.unwrap();
    let pxe = scope.reservation("10.0.0.5".parse().unwrap()).unwrap();
    t.edit_reservation(
        &admin(),
        &kea1,
        hq,
        pxe.ip_address,
        &pxe.version(),
        &NewReservation {
            ip_address: "10.0.0.5".into(),
            client_id: pxe.client_id.to_string(),
            name: "pxe-renamed".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut input = ScopeInput::of(&scope);
    input.description = "Head office".into();
    t.update_scope(&admin(), &kea1, hq, &scope.properties_version(), &input)
        .await
        .unwrap();
    let after = both(&pair).await;
    for (i, config) in after.iter().enumerate() {
        let s = subnet_of(config, "10.0.0.0/24");
        let on = format!("kea{}", i + 1);
        assert_eq!(s["pools"][0]["option-data"][0]["data"], "10.0.0.53", "{on}");
        let class = &s["pools"][1][if flavor.kea3() {
            "client-classes"
        } else {
            "client-class"
        }];
        assert!(class.to_string().contains("printers"), "{on}: {s}");
        assert_eq!(s["min-valid-lifetime"], 1800, "{on}");
        assert_eq!(s["max-valid-lifetime"], 7200, "{on}");
        let domain = s["option-data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "domain-name")
            .unwrap();
        assert_eq!(domain["always-send"], true, "{on}");
        let host = s["reservations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["ip-address"] == "10.0.0.5")
            .unwrap();
        assert_eq!(host["hostname"], "pxe-renamed", "{on}");
        assert_eq!(host["next-server"], "10.0.0.2", "{on}");
        assert_eq!(host["boot-file-name"], "pxelinux.0", "{on}");
        assert_eq!(host["client-classes"], json!(["voip"]), "{on}");
        assert_eq!(host["option-data"][0]["data"], "10.0.0.54", "{on}");
        assert_eq!(s["user-context"]["site"], "HQ", "{on}");
    }
    let expect = Expect {
        allowed: vec![
            "/subnet4[10.0.0.0/24]/reservations[hw-address=00155da76650]".into(),
            "/subnet4[10.0.0.0/24]/reservations[hw-address=aabbccddee01]/hostname".into(),
            "/subnet4[10.0.0.0/24]/user-context/description".into(),
        ],
        required: Vec::new(),
        what: "three ordinary edits",
    };
    report.check(&label, &start, &after, &expect);

    // Edits that would break a kept setting are refused on their field, nothing written.
    let before = both(&pair).await;
    let scope = t.get_scope(&admin(), &kea1, hq).await.unwrap();
    for (field, change) in [
        (
            "end",
            (|i: &mut ScopeInput| i.end = "10.0.0.99".into()) as fn(&mut ScopeInput),
        ),
        ("lease_duration_secs", |i| {
            i.lease_duration_secs = "600".into()
        }),
    ] {
        let mut input = ScopeInput::of(&scope);
        change(&mut input);
        let refused = t
            .update_scope(&admin(), &kea1, hq, &scope.properties_version(), &input)
            .await
            .unwrap_err();
        let text = format!("{refused:?}");
        assert!(text.contains(field), "{field}: {text}");
        report.same(
            &label,
            &format!("a refused edit of {field}"),
            &before,
            &both(&pair).await,
        );
    }

    // DHCP Scopes filtered by shared network.
    let in_floor2 = t
        .list_scopes(
            &admin(),
            &ScopeQuery {
                server: Some(kea1.to_string()),
                shared_network: Some("floor-2".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let names: Vec<(String, Option<String>)> = in_floor2
        .rows
        .iter()
        .map(|r| (r.scope_id.to_string(), r.shared_network.clone()))
        .collect();
    assert_eq!(
        names,
        [
            ("10.2.0.0".to_string(), Some("floor-2".to_string())),
            ("10.2.1.0".to_string(), Some("floor-2".to_string()))
        ]
    );

    // A new scope created in the shared network, on both partners; one in a network the
    // servers lack, or overlapping a subnet of it, refused on its field with nothing written.
    let new_scope = |id: &str, start: &str, end: &str, network: &str| ScopeInput {
        scope_id: id.into(),
        subnet_mask: "255.255.255.0".into(),
        name: "Floor 2 guests".into(),
        start: start.into(),
        end: end.into(),
        lease_duration_secs: "3600".into(),
        shared_network: network.into(),
        ..Default::default()
    };
    let before = both(&pair).await;
    for (input, field) in [
        (
            new_scope("10.2.3.0", "10.2.3.10", "10.2.3.99", "nowhere"),
            "shared_network",
        ),
        (
            ScopeInput {
                subnet_mask: "/23".into(),
                ..new_scope("10.2.0.0", "10.2.0.10", "10.2.1.99", "floor-2")
            },
            "scope_id",
        ),
        (
            new_scope("10.2.3.0", "10.2.3.10", "10.2.3.99", "floor \"2\""),
            "shared_network",
        ),
    ] {
        let refused = t.create_scope(&admin(), &kea1, &input).await.unwrap_err();
        let text = format!("{refused:?}");
        assert!(text.contains(field), "{field}: {text}");
        report.same(
            &label,
            &format!("a refused new scope ({field})"),
            &before,
            &both(&pair).await,
        );
    }
    t.create_scope(
        &admin(),
        &kea1,
        &new_scope("10.2.2.0", "10.2.2.10", "10.2.2.99", "floor-2"),
    )
    .await
    .unwrap();
    let created = both(&pair).await;
    let path = "/shared-networks[floor-2]/subnet4[10.2.2.0/24]".to_string();
    let expect = Expect::exactly(path, "a new scope in a shared network");
    report.check(&label, &before, &created, &expect);
    let held = t
        .get_scope(&admin(), &kea1, ScopeId::parse("10.2.2.0").unwrap())
        .await
        .unwrap();
    assert_eq!(
        held.kept.as_ref().unwrap().shared_network(),
        Some("floor-2")
    );
    t.delete_scope(&admin(), &kea1, held.id, None)
        .await
        .unwrap();
    report.same(&label, "a new scope deleted", &before, &both(&pair).await);

    // Then every operation, on the rich subnet and on one in the shared network.
    exercise(&pair, &label, hq, &report).await;
    exercise(&pair, &label, floor2, &report).await;
    let failures = report.0.lock().unwrap().clone();
    assert!(
        failures.is_empty(),
        "{} fidelity failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn an_operators_configuration_on_kea_2_2_keeps_everything_tandem_does_not_change() {
    if Flavor::Kea22.available() {
        an_operators_configuration(Flavor::Kea22).await;
    }
}

#[tokio::test]
async fn an_operators_configuration_on_kea_3_0_keeps_everything_tandem_does_not_change() {
    if Flavor::Kea3.available() {
        an_operators_configuration(Flavor::Kea3).await;
    }
}

/// Kea 3 with its reservations in a PostgreSQL hosts database (one per server): Tandem's new
/// reservations go to the database, the file's stay in the file, and each keeps what it holds.
#[tokio::test]
async fn an_operators_configuration_on_kea_3_0_with_a_hosts_database_keeps_everything() {
    if Flavor::Kea3Db.available() {
        an_operators_configuration(Flavor::Kea3Db).await;
    }
}

/// Kea 3 with a hosts database per server: a server-wide reservation held in the database
/// (put there behind Tandem's back) is listed as the database's, edited and deleted there by
/// Kea's host commands, and followed on the partner (into its own database); one in the
/// configuration stays there; a new one goes to the database.
#[tokio::test]
async fn server_wide_reservations_in_a_hosts_database_are_listed_and_edited() {
    use tandem_core::NewGlobalReservation;
    if !Flavor::Kea3Db.available() {
        return;
    }
    let pair = Pair::start(Flavor::Kea3Db).await;
    let db_hosts = |i: usize| {
        let url = pair.urls[i].clone();
        async move {
            let answer = kea(
                &url,
                "reservation-get-all",
                Some(json!({ "subnet-id": 0, "operation-target": "database" })),
            )
            .await;
            answer["arguments"]["hosts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        }
    };
    let answer = kea(
        &pair.urls[0],
        "reservation-add",
        Some(
            json!({ "reservation": { "subnet-id": 0, "hw-address": "52:54:00:db:00:01",
            "hostname": "db-kiosk", "boot-file-name": "kiosk.efi" },
            "operation-target": "database" }),
        ),
    )
    .await;
    assert_eq!(answer["result"], 0, "{answer}");
    // Its database's directory lives as long as the Tandem that opens it.
    let dir1 = tempfile::tempdir().unwrap();
    let t = pair.tandem(dir1.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let listed = t
        .global_reservations(&admin(), &kea1)
        .await
        .unwrap()
        .unwrap();
    let kiosk = listed
        .hosts
        .iter()
        .find(|h| h.name == "db-kiosk")
        .unwrap_or_else(|| panic!("not listed: {listed:?}"))
        .clone();
    assert!(listed.held_in_database(&kiosk.client_id), "{listed:?}");
    assert_eq!(listed.definition, "[]", "the configuration holds none");

    // Edited: in the database, its boot file kept; the partner gets it in its own.
    let edit = NewGlobalReservation {
        client_id: kiosk.client_id.to_string(),
        name: "db-kiosk-2".into(),
        version: Some(kiosk.version()),
        ..Default::default()
    };
    t.put_global_reservation(&admin(), &kea1, Some(&kiosk.client_id), &edit)
        .await
        .unwrap();
    for i in 0..2 {
        let hosts = db_hosts(i).await;
        assert_eq!(hosts.len(), 1, "server {i}: {hosts:?}");
        assert_eq!(hosts[0]["hostname"], "db-kiosk-2", "server {i}");
        assert_eq!(hosts[0]["boot-file-name"], "kiosk.efi", "server {i}");
        let config = config_get(&pair.urls[i]).await;
        assert!(
            config["reservations"].as_array().is_none_or(Vec::is_empty),
            "server {i}: {config}"
        );
    }
    // A new one: to the database too; a second for that client refused, nothing written.
    let new = NewGlobalReservation {
        client_id: "52:54:00:db:00:02".into(),
        ip_address: "192.0.2.240".into(),
        ..Default::default()
    };
    t.put_global_reservation(&admin(), &kea1, None, &new)
        .await
        .unwrap();
    let again = t
        .put_global_reservation(&admin(), &kea1, None, &new)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("already has"), "{again}");
    for i in 0..2 {
        assert_eq!(db_hosts(i).await.len(), 2, "server {i}");
    }
    // Deleted: gone from both databases.
    t.delete_global_reservation(&admin(), &kea1, &kiosk.client_id)
        .await
        .unwrap();
    for i in 0..2 {
        let hosts = db_hosts(i).await;
        assert_eq!(hosts.len(), 1, "server {i}: {hosts:?}");
        assert_eq!(hosts[0]["ip-address"], "192.0.2.240");
    }
}

/// Kea's own `global-reservations.json` on a pair: every server-wide reservation it holds shown
/// (by each identifier type, with an address or none, with options and boot fields), each kind
/// of change made through Tandem on both partners changing exactly that host, a refusal
/// changing nothing, and a partner changed behind Tandem's back found by the review and
/// mended by replicating the list.
async fn global_reservations_example(flavor: Flavor) {
    use tandem_core::{IdentifierType, NewGlobalReservation};
    let mut pair = Pair::start(flavor).await;
    let running = both(&pair).await;
    let path = Path::new(EXAMPLES).join("global-reservations.json");
    let example = kea_json(&std::fs::read_to_string(path).unwrap());
    load(&pair, &example["Dhcp4"], &running).await.unwrap();
    let db = tempfile::tempdir().unwrap();
    // Kea 3's run keeps Tandem's own store in PostgreSQL, where every server's driver is
    // wrapped in its write lock: server-wide reservations must pass through it (they once
    // did not, and read as none).
    let on_postgres = match flavor {
        Flavor::Kea3 => pair.tandem_on_postgres().await,
        _ => None,
    };
    let t = match on_postgres {
        Some(t) => t,
        None => pair.tandem(db.path()).await,
    };
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let read = || async {
        t.global_reservations(&admin(), &kea1)
            .await
            .unwrap()
            .unwrap()
    };
    let g = read().await;
    let in_file = example["Dhcp4"]["reservations"].as_array().unwrap().len();
    assert_eq!(g.hosts.len(), in_file, "{flavor:?}: {g:#?}");
    assert!(g.kept.is_empty() && g.looked_up, "{g:#?}");
    let of = |kind: IdentifierType| g.hosts.iter().find(|h| h.client_id.kind() == kind);
    let nameless = g
        .hosts
        .iter()
        .find(|h| h.name == "special-snowflake")
        .unwrap();
    assert_eq!(nameless.ip_address, None);
    let duid = of(IdentifierType::Duid).unwrap();
    assert_eq!(
        duid.settings.options[&6],
        tandem_core::OptionValue::Addresses(vec![[10, 1, 1, 202].into(), [10, 1, 1, 203].into()])
    );
    let boot = g
        .hosts
        .iter()
        .find(|h| h.settings.next_server.is_some())
        .unwrap();
    assert_eq!(boot.settings.server_hostname, "hal9000");
    assert_eq!(boot.settings.boot_file_name, "/dev/null");
    let flex = of(IdentifierType::FlexId).unwrap().clone();
    assert_eq!(flex.ip_address, Some([192, 0, 2, 206].into()));

    // Each change through Tandem: on both partners, that host alone.
    let only_host = |before: &[Value; 2], after: &[Value; 2], key: &str, what: &str| {
        for i in 0..2 {
            let paths = changed(&before[i], &after[i]);
            assert!(
                !paths.is_empty()
                    && paths
                        .iter()
                        .all(|p| p.starts_with(&format!("/reservations[{key}"))),
                "{flavor:?} {what}, server {i}: {paths:#?}"
            );
        }
    };
    let input = |r: &tandem_core::GlobalReservation| NewGlobalReservation::from(r);
    let before = both(&pair).await;
    let renamed = NewGlobalReservation {
        name: "lab-printer".into(),
        ..input(&flex)
    };
    let done = t
        .put_global_reservation(&admin(), &kea1, Some(&flex.client_id), &renamed)
        .await
        .unwrap();
    assert!(
        matches!(
            done.replication,
            tandem_core::views::ReplicationOutcome::Replicated { .. }
        ),
        "{:?}",
        done.replication
    );
    let after = both(&pair).await;
    only_host(&before, &after, "flex-id=", "renamed");
    for config in &after {
        let host = config["reservations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h.get("flex-id").is_some())
            .unwrap();
        assert_eq!(host["hostname"], "lab-printer");
    }
    // Its DNS servers changed (the option by name in the file stays by name).
    let before = after;
    let dns = NewGlobalReservation {
        options: Some(vec![OptionInput {
            code: "6".into(),
            kind: "Addresses".into(),
            value: "10.1.1.202".into(),
        }]),
        ..input(duid)
    };
    t.put_global_reservation(&admin(), &kea1, Some(&duid.client_id), &dns)
        .await
        .unwrap();
    let after = both(&pair).await;
    only_host(&before, &after, "duid=", "options");
    // A new one without an address, then deleted: as before.
    let before = after;
    let new = NewGlobalReservation {
        client_id: "02:00:00:00:00:01".into(),
        name: "kiosk".into(),
        client_classes: Some(vec!["kiosks".into()]),
        ..Default::default()
    };
    t.put_global_reservation(&admin(), &kea1, None, &new)
        .await
        .unwrap();
    let after = both(&pair).await;
    only_host(&before, &after, "hw-address=020000000001", "created");
    let id = new.parse().unwrap().client_id;
    t.delete_global_reservation(&admin(), &kea1, &id)
        .await
        .unwrap();
    let gone = both(&pair).await;
    for i in 0..2 {
        assert_eq!(
            changed(&before[i], &gone[i]),
            Vec::<String>::new(),
            "{flavor:?} deleted"
        );
    }
    // Refused by field: an address another holds; nothing written on either.
    let taken = NewGlobalReservation {
        client_id: "02:00:00:00:00:02".into(),
        ip_address: "192.0.2.201".into(),
        ..Default::default()
    };
    let (field, message) = refused(
        t.put_global_reservation(&admin(), &kea1, None, &taken)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "ip_address", "{message}");
    let now = both(&pair).await;
    for i in 0..2 {
        assert_eq!(changed(&gone[i], &now[i]), Vec::<String>::new());
    }

    // kea2's changed behind Tandem's back: found, then mended by replicating the list.
    let mut config = config_get(&pair.urls[1]).await;
    config["reservations"].as_array_mut().unwrap().pop();
    let answer = kea(
        &pair.urls[1],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(answer["result"], 0, "{answer}");
    let differs = |review: tandem_core::review::Review| {
        review
            .findings
            .iter()
            .any(|f| f.check == "global-reservations-differ-between-partners")
    };
    assert!(differs(t.review_now(&admin()).await.unwrap()), "{flavor:?}");
    t.replicate_global_reservations(&admin(), &kea1)
        .await
        .unwrap();
    let mended = both(&pair).await;
    assert_eq!(mended[0]["reservations"], mended[1]["reservations"]);
    assert_eq!(changed(&now[0], &mended[0]), Vec::<String>::new());
    assert!(
        !differs(t.review_now(&admin()).await.unwrap()),
        "{flavor:?}"
    );
}

#[tokio::test]
async fn keas_global_reservations_example_on_kea_2_2_is_shown_and_edited_on_both() {
    if Flavor::Kea22.available() && examples_installed() {
        global_reservations_example(Flavor::Kea22).await;
    }
}

#[tokio::test]
async fn keas_global_reservations_example_on_kea_3_0_is_shown_and_edited_on_both() {
    if Flavor::Kea3.available() && examples_installed() {
        global_reservations_example(Flavor::Kea3).await;
    }
}

/// Kea's own `all-options.json` (every standard option as a server option, custom spaces) and
/// `multiple-options.json` (a scope's options: by name, by code, escaped text, hex numbers, raw
/// hex, flags) on a pair: every option shown by code and name, or kept in its own words where
/// Tandem does not edit its type; one edited through Tandem changes that option's data alone
/// on both partners.
async fn option_examples(flavor: Flavor) {
    use tandem_core::OptionValue;
    use tandem_core::options::code_of;
    use tandem_core::scope_input::option_inputs;
    let pair = Pair::start(flavor).await;
    let running = both(&pair).await;
    let file =
        |name: &str| kea_json(&std::fs::read_to_string(Path::new(EXAMPLES).join(name)).unwrap());
    let kea1 = ServerName::parse(NAMES[0]).unwrap();

    let all = file("all-options.json");
    load(&pair, &all["Dhcp4"], &running).await.unwrap();
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let read = t.server_options(&admin(), &kea1).await.unwrap().unwrap();
    let entries = all["Dhcp4"]["option-data"].as_array().unwrap();
    for entry in entries {
        let space = entry["space"].as_str().unwrap_or("dhcp4");
        let code = entry["code"]
            .as_u64()
            .map(|c| c as u8)
            .or_else(|| code_of(entry["name"].as_str()?));
        let shown = space == "dhcp4" && code.is_some_and(|c| read.options.contains_key(&c));
        let id = code
            .map(|c| c.to_string())
            .unwrap_or_else(|| entry["name"].as_str().unwrap().into());
        let kept = read
            .kept
            .iter()
            .any(|k| k.starts_with(&format!("option-data {space}/{id} ")));
        assert!(
            shown != kept,
            "{flavor:?}: {entry} shown {shown}, kept {kept}"
        );
        // Every standard option is shown and edited; only other spaces are kept.
        assert_eq!(
            shown,
            space == "dhcp4",
            "{flavor:?}: {entry}: {:?}",
            read.kept
                .iter()
                .filter(|k| k.contains(&format!("/{id} ")))
                .collect::<Vec<_>>()
        );
    }
    assert_eq!(
        read.options[&46],
        OptionValue::Number(1),
        "0x1, read as Kea reads it"
    );
    assert_eq!(read.options[&19], OptionValue::Flag(true));
    assert_eq!(
        read.options[&119],
        OptionValue::Data("example.com, example.org".into()),
        "a list of names, by its fields"
    );
    assert_eq!(
        read.options[&146],
        OptionValue::Data("1, 192.0.2.70, 192.0.2.71, example.com, example.org".into())
    );
    let before = both(&pair).await;
    // A number, a record and a list of names, each as its type reads it.
    let mut rows = option_inputs(&read.options);
    for (code, value) in [
        ("26", "9000"),
        ("146", "2, 192.0.2.70, 192.0.2.71, example.net"),
        ("119", "example.net, example.com"),
    ] {
        rows.iter_mut().find(|r| r.code == code).unwrap().value = value.into();
    }
    t.put_server_options(&admin(), &kea1, &rows).await.unwrap();
    let after = both(&pair).await;
    for i in 0..2 {
        assert_eq!(
            changed(&before[i], &after[i]),
            [
                "/option-data[dhcp4/119]/data",
                "/option-data[dhcp4/146]/data",
                "/option-data[dhcp4/26]/data"
            ],
            "{flavor:?} server {i}"
        );
    }
    // A record with a field of the wrong type: refused on that field, nothing written.
    let mut bad = option_inputs(
        &t.server_options(&admin(), &kea1)
            .await
            .unwrap()
            .unwrap()
            .options,
    );
    bad.iter_mut().find(|r| r.code == "78").unwrap().value = "maybe, 192.0.2.59".into();
    let refused = t
        .put_server_options(&admin(), &kea1, &bad)
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("field 1 ('maybe'): is not true or false"),
        "{refused}"
    );
    assert_eq!(both(&pair).await, after, "{flavor:?}: nothing written");

    let multiple = file("multiple-options.json");
    load(&pair, &multiple["Dhcp4"], &running).await.unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let t = pair.tandem(dir2.path()).await;
    let id = ScopeId::parse("192.0.2.0").unwrap();
    let scope = t.get_scope(&admin(), &kea1, id).await.unwrap();
    let codes: Vec<u8> = scope.options.keys().copied().collect();
    assert_eq!(codes, [3, 6, 15, 23, 28, 60, 67, 119], "{flavor:?}");
    assert_eq!(scope.options[&23], OptionValue::Number(240));
    assert_eq!(
        scope.options[&67],
        OptionValue::Text("EST5EDT4,M3.2.0/02:00,M11.1.0/02:00".into())
    );
    assert_eq!(scope.options[&28], OptionValue::Hex("FFFF8000".into()));
    let kept = scope.kept.as_ref().unwrap().flat();
    assert_eq!(kept["option 60 always-send"], "true");
    let before = both(&pair).await;
    let mut input = ScopeInput::of(&scope);
    for (code, kind, value) in [("23", "Number", "64"), ("28", "Hex", "c0 00 02 ff")] {
        let row = input.options.iter_mut().find(|o| o.code == code).unwrap();
        (row.kind, row.value) = (kind.into(), value.into());
    }
    t.update_scope(&admin(), &kea1, id, &scope.properties_version(), &input)
        .await
        .unwrap();
    let after = both(&pair).await;
    for i in 0..2 {
        let paths = changed(&before[i], &after[i]);
        assert_eq!(paths.len(), 2, "{flavor:?} server {i}: {paths:#?}");
        assert!(
            paths[0].ends_with("/option-data[dhcp4/23]/data")
                && paths[1].ends_with("/option-data[dhcp4/28]/data"),
            "{paths:?}"
        );
    }
    let scope = t.get_scope(&admin(), &kea1, id).await.unwrap();
    assert_eq!(scope.options[&28], OptionValue::Hex("C00002FF".into()));

    // An option by a custom definition of the standard space, given by its name as an
    // operator writes it: shown by its code (Kea names it by both), its record's fields as
    // Data; edited, that option alone on both; a field its definition refuses, refused by
    // Kea's own check with nothing written.
    let mut custom = multiple["Dhcp4"].clone();
    custom["option-def"] = json!([{ "name": "site-info", "code": 222, "type": "record",
        "record-types": "uint8, fqdn", "space": "dhcp4" }]);
    custom["option-data"] = json!([{ "name": "site-info", "data": "1, example.org" }]);
    load(&pair, &custom, &running).await.unwrap();
    let dir3 = tempfile::tempdir().unwrap();
    let t = pair.tandem(dir3.path()).await;
    let read = t.server_options(&admin(), &kea1).await.unwrap().unwrap();
    assert_eq!(
        read.options[&222],
        OptionValue::Data("1, example.org".into())
    );
    assert_eq!(
        read.definitions,
        ["site-info (222) in dhcp4: record of uint8, fqdn"]
    );
    let before = both(&pair).await;
    let mut rows = option_inputs(&read.options);
    rows[0].value = "2, example.net".into();
    t.put_server_options(&admin(), &kea1, &rows).await.unwrap();
    let after = both(&pair).await;
    for i in 0..2 {
        assert_eq!(
            changed(&before[i], &after[i]),
            ["/option-data[dhcp4/222]/data"],
            "{flavor:?} server {i}"
        );
        let entry = &after[i]["option-data"][0];
        assert_eq!(entry["name"], "site-info", "its name kept");
        assert_eq!(entry["data"], "2, example.net");
    }
    rows[0].value = "300, example.net".into();
    let refused = t
        .put_server_options(&admin(), &kea1, &rows)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("222"), "{refused}");
    assert_eq!(both(&pair).await, after, "{flavor:?}: nothing written");
}

#[tokio::test]
async fn keas_option_examples_on_kea_2_2_show_every_option_and_edit_one() {
    if Flavor::Kea22.available() && examples_installed() {
        option_examples(Flavor::Kea22).await;
    }
}

#[tokio::test]
async fn keas_option_examples_on_kea_3_0_show_every_option_and_edit_one() {
    if Flavor::Kea3.available() && examples_installed() {
        option_examples(Flavor::Kea3).await;
    }
}

/// Kea's own `reservations.json` (a reservation by each identifier type, with options and boot
/// fields) and `classify.json` (classes with tests, boot fields, options, an option definition;
/// used by a subnet, a pool and a reservation) on a pair: every reservation and class shown, one
/// of each edited through Tandem changing that object alone on both partners.
async fn reservation_and_class_examples(flavor: Flavor) {
    use tandem_core::{ClassInput, IdentifierType};
    let pair = Pair::start(flavor).await;
    let running = both(&pair).await;
    let file =
        |name: &str| kea_json(&std::fs::read_to_string(Path::new(EXAMPLES).join(name)).unwrap());
    let kea1 = ServerName::parse(NAMES[0]).unwrap();

    let hosts = file("reservations.json");
    load(&pair, &hosts["Dhcp4"], &running).await.unwrap();
    let dir4 = tempfile::tempdir().unwrap();
    let t = pair.tandem(dir4.path()).await;
    let id = ScopeId::parse("192.0.2.0").unwrap();
    let scope = t.get_scope(&admin(), &kea1, id).await.unwrap();
    let in_file = hosts["Dhcp4"]["subnet4"][0]["reservations"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        scope.reservations.len(),
        in_file,
        "{flavor:?}: {:#?}",
        scope.reservations
    );
    for kind in IdentifierType::ALL {
        assert!(
            scope
                .reservations
                .iter()
                .any(|r| r.client_id.kind() == kind),
            "{flavor:?}: none by {kind}"
        );
    }
    let boot = scope
        .reservations
        .iter()
        .find(|r| r.settings.next_server.is_some())
        .unwrap();
    assert_eq!(boot.settings.server_hostname, "hal9000");
    let flex = scope
        .reservations
        .iter()
        .find(|r| r.client_id.kind() == IdentifierType::FlexId)
        .unwrap()
        .clone();
    let before = both(&pair).await;
    let renamed = NewReservation {
        ip_address: flex.ip_address.to_string(),
        client_id: flex.client_id.to_string(),
        identifier_type: flex.client_id.kind().as_str().into(),
        name: "lab-printer".into(),
        ..Default::default()
    };
    t.edit_reservation(
        &admin(),
        &kea1,
        id,
        flex.ip_address,
        &flex.version(),
        &renamed,
    )
    .await
    .unwrap();
    let after = both(&pair).await;
    for i in 0..2 {
        let paths = changed(&before[i], &after[i]);
        assert!(
            !paths.is_empty()
                && paths
                    .iter()
                    .all(|p| p.contains("/reservations[flex-id=") && p.ends_with("/hostname")),
            "{flavor:?} server {i}: {paths:#?}"
        );
    }

    let classes = file("classify.json");
    load(&pair, &classes["Dhcp4"], &running).await.unwrap();
    let dir5 = tempfile::tempdir().unwrap();
    let t = pair.tandem(dir5.path()).await;
    let rows = t.client_classes(&admin(), &kea1).await.unwrap().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.class.name.as_str()).collect();
    let in_file: Vec<&str> = classes["Dhcp4"]["client-classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, in_file, "{flavor:?}");
    let voip = rows.iter().find(|r| r.class.name == "VoIP").unwrap();
    assert!(
        voip.used_by.iter().any(|u| u == "scope 192.0.2.0"),
        "{:?}",
        voip.used_by
    );
    assert!(
        voip.used_by
            .iter()
            .any(|u| u.starts_with("pool 192.0.4.1-192.0.4.200")),
        "{:?}",
        voip.used_by
    );
    let before = both(&pair).await;
    let input = ClassInput {
        boot_file_name: "aastra.cfg".into(),
        ..ClassInput::from(&voip.class)
    };
    t.put_client_class(&admin(), &kea1, false, &input)
        .await
        .unwrap();
    let after = both(&pair).await;
    for i in 0..2 {
        assert_eq!(
            changed(&before[i], &after[i]),
            ["/client-classes[VoIP]/boot-file-name"],
            "{flavor:?} server {i}"
        );
    }

    // The reservation without an address (it only classifies its client): shown, edited.
    let voip_net = ScopeId::parse("192.0.3.0").unwrap();
    let hosts = t
        .scope_hosts(&admin(), &kea1, voip_net)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hosts.len(), 1, "{flavor:?}: {hosts:?}");
    assert_eq!(hosts[0].settings.client_classes, ["VoIP"]);
    let before = both(&pair).await;
    let input = tandem_core::NewGlobalReservation {
        client_id: hosts[0].client_id.to_string(),
        identifier_type: "hw-address".into(),
        name: "phone-1".into(),
        version: Some(hosts[0].version()),
        ..Default::default()
    };
    t.put_scope_host(&admin(), &kea1, voip_net, Some(&hosts[0].client_id), &input)
        .await
        .unwrap();
    let after = both(&pair).await;
    for i in 0..2 {
        let paths = changed(&before[i], &after[i]);
        assert!(
            paths.len() == 1
                && paths[0].contains("/reservations[hw-address=")
                && paths[0].ends_with("/hostname"),
            "{flavor:?} server {i}: {paths:#?}"
        );
    }
    let hosts = t
        .scope_hosts(&admin(), &kea1, voip_net)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hosts[0].name, "phone-1");
    assert_eq!(hosts[0].settings.client_classes, ["VoIP"], "kept: not said");
    // An address given here is refused on its field, nothing written.
    let refused = t
        .put_scope_host(
            &admin(),
            &kea1,
            voip_net,
            None,
            &tandem_core::NewGlobalReservation {
                client_id: "02:00:00:00:00:01".into(),
                ip_address: "192.0.3.9".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("reservations list"),
        "{refused}"
    );
    assert_eq!(both(&pair).await, after);
    // Changed on the partner behind Tandem's back: the scope drifts, and its replication makes
    // the partner's host the server's again, that host alone.
    let mut config = config_get(&pair.urls[1]).await;
    let subnet = config["subnet4"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["subnet"] == "192.0.3.0/24")
        .unwrap();
    subnet["reservations"][0]["hostname"] = json!("rogue");
    let answer = kea(
        &pair.urls[1],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(answer["result"], 0, "{answer}");
    pair.wait_state(1, "load-balancing").await;
    let drifted = row(&t, &kea1, voip_net).await;
    assert!(
        matches!(drifted.drift, Some(DriftStatus::OutOfSync { .. })),
        "{flavor:?}: {:?}",
        drifted.drift
    );
    t.replicate_scope(&admin(), &kea1, voip_net).await.unwrap();
    let mended = both(&pair).await;
    let host = |c: &Value| subnet_of(c, "192.0.3.0/24")["reservations"][0].clone();
    assert_eq!(host(&mended[1])["hostname"], "phone-1", "{flavor:?}");
    assert_eq!(host(&mended[0]), host(&mended[1]));
    assert_eq!(
        row(&t, &kea1, voip_net).await.drift,
        Some(DriftStatus::InSync),
        "{flavor:?}"
    );
    for i in 0..2 {
        pair.wait_state(i, "load-balancing").await;
    }
    // Deleted: gone from both.
    t.delete_scope_host(&admin(), &kea1, voip_net, &hosts[0].client_id)
        .await
        .unwrap();
    for config in both(&pair).await {
        let subnet = config["subnet4"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["subnet"] == "192.0.3.0/24")
            .unwrap()
            .clone();
        let left = subnet.get("reservations").and_then(Value::as_array);
        assert!(left.is_none_or(Vec::is_empty), "{flavor:?}: {subnet}");
    }
}

#[tokio::test]
async fn keas_reservation_and_class_examples_on_kea_2_2_are_shown_and_edited() {
    if Flavor::Kea22.available() && examples_installed() {
        reservation_and_class_examples(Flavor::Kea22).await;
    }
}

#[tokio::test]
async fn keas_reservation_and_class_examples_on_kea_3_0_are_shown_and_edited() {
    if Flavor::Kea3.available() && examples_installed() {
        reservation_and_class_examples(Flavor::Kea3).await;
    }
}
