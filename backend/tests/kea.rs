//! Tandem against a real ISC Kea DHCPv4 pair (Debian's kea-dhcp4-server and kea-ctrl-agent):
//! two servers in HA load-balancing with their control agents on loopback, in a temporary
//! folder, stopped when the test ends. Results are checked with `config-get` on each Kea server
//! directly, not only through Tandem. Without Kea installed, the tests say so and are skipped.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;
use tandem_backend::store::Store;
use tandem_backend::store::servers::{self, ServerKind};
use tandem_backend::{Caller, ServiceError, Tandem};
use tandem_core::drift::DriftStatus;
use tandem_core::failover_rules::NewRelationship;
use tandem_core::scope_input::ScopeInput;
use tandem_core::validate::NewReservation;
use tandem_core::views::{ScopeQuery, ServerStatus, SyncFilter};
use tandem_core::{ScopeId, ServerName};

const KEA: &str = "/usr/sbin/kea-dhcp4";
const AGENT: &str = "/usr/sbin/kea-ctrl-agent";
const HOOKS: &str = "/usr/lib/x86_64-linux-gnu/kea/hooks";
const NAMES: [&str; 2] = ["kea1.tandem.test", "kea2.tandem.test"];

fn kea_installed() -> bool {
    let here = Path::new(KEA).exists() && Path::new(AGENT).exists();
    if !here {
        eprintln!(
            "\n*** SKIPPED: Kea is not installed ({KEA}, {AGENT}); `scripts/setup.sh --test` \
             installs it ***\n"
        );
    }
    here
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Kea pair: each server with its control agent, in its own folder.
struct Pair {
    _dir: tempfile::TempDir,
    processes: Vec<Child>,
    urls: [String; 2],
    folders: [PathBuf; 2],
}

impl Drop for Pair {
    fn drop(&mut self) {
        for p in &mut self.processes {
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

fn dhcp4_config(dir: &Path, me: usize, urls: &[String; 2]) -> Value {
    json!({ "Dhcp4": {
        "interfaces-config": { "interfaces": [] },
        "control-socket": { "socket-type": "unix", "socket-name": dir.join("kea4.sock") },
        "lease-database": { "type": "memfile", "persist": true, "name": dir.join("leases.csv") },
        "valid-lifetime": 691200,
        "hooks-libraries": [
            { "library": format!("{HOOKS}/libdhcp_lease_cmds.so") },
            { "library": format!("{HOOKS}/libdhcp_ha.so"), "parameters": { "high-availability": [ {
                "this-server-name": NAMES[me], "mode": "load-balancing",
                "heartbeat-delay": 1000, "max-response-delay": 3000, "max-ack-delay": 5000,
                "max-unacked-clients": 0,
                "peers": [
                    { "name": NAMES[0], "url": urls[0], "role": "primary", "auto-failover": true },
                    { "name": NAMES[1], "url": urls[1], "role": "secondary", "auto-failover": true }
                ] } ] } }
        ],
        "subnet4": [ {
            "id": 1, "subnet": "10.0.0.0/24", "pools": [ { "pool": "10.0.0.1 - 10.0.0.254" } ],
            "reservations": [ { "ip-address": "10.0.0.99", "hw-address": "aa:bb:cc:dd:ee:ff", "hostname": "test" } ]
        } ],
        "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": dir.join("dhcp4.log") } ], "severity": "WARN" } ]
    } })
}

fn agent_config(dir: &Path, port: u16) -> Value {
    json!({ "Control-agent": {
        "http-host": "127.0.0.1", "http-port": port,
        "control-sockets": { "dhcp4": { "socket-type": "unix", "socket-name": dir.join("kea4.sock") } },
        "loggers": [ { "name": "kea-ctrl-agent", "output_options": [ { "output": dir.join("agent.log") } ], "severity": "WARN" } ]
    } })
}

/// Sends a command to a Kea server's control agent and returns its first answer.
async fn kea(url: &str, command: &str, arguments: Option<Value>) -> Value {
    let mut body = json!({ "command": command, "service": ["dhcp4"] });
    if let Some(a) = arguments {
        body["arguments"] = a;
    }
    let answer: Vec<Value> = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer.into_iter().next().unwrap()
}

async fn config_get(url: &str) -> Value {
    let a = kea(url, "config-get", None).await;
    assert_eq!(a["result"], 0, "{a}");
    a["arguments"]["Dhcp4"].clone()
}

/// The reservations' addresses in the first subnet, in address order.
fn reservation_ips(config: &Value) -> Vec<String> {
    let mut ips: Vec<std::net::Ipv4Addr> = config["subnet4"][0]["reservations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ip-address"].as_str().unwrap().parse().unwrap())
        .collect();
    ips.sort();
    ips.iter().map(ToString::to_string).collect()
}

impl Pair {
    fn spawn(dir: &Path, program: &str, config: &Path) -> Child {
        Command::new(program)
            .arg("-c")
            .arg(config)
            .env("KEA_PIDFILE_DIR", dir)
            .env("KEA_LOCKFILE_DIR", dir)
            .current_dir(dir)
            .stdout(
                std::fs::File::create(dir.join(format!("{program}.out").replace('/', "_")))
                    .unwrap(),
            )
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Starts both servers and agents, and waits until both report `load-balancing`.
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ports = [free_port(), free_port()];
        let urls = ports.map(|p| format!("http://127.0.0.1:{p}/"));
        let folders = [dir.path().join("kea1"), dir.path().join("kea2")];
        let mut processes = Vec::new();
        for (i, folder) in folders.iter().enumerate() {
            std::fs::create_dir_all(folder).unwrap();
            let dhcp4 = folder.join("kea-dhcp4.conf");
            let agent = folder.join("kea-ctrl-agent.conf");
            std::fs::write(&dhcp4, dhcp4_config(folder, i, &urls).to_string()).unwrap();
            std::fs::write(&agent, agent_config(folder, ports[i]).to_string()).unwrap();
            processes.push(Self::spawn(folder, KEA, &dhcp4));
            processes.push(Self::spawn(folder, AGENT, &agent));
        }
        let pair = Self {
            _dir: dir,
            processes,
            urls,
            folders,
        };
        for url in &pair.urls {
            let mut state = String::new();
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                let Ok(answer) = reqwest::Client::new()
                    .post(url)
                    .json(&json!({ "command": "ha-heartbeat", "service": ["dhcp4"] }))
                    .send()
                    .await
                else {
                    continue;
                };
                let Ok(answer) = answer.json::<Vec<Value>>().await else {
                    continue;
                };
                state = answer[0]["arguments"]["state"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                if state == "load-balancing" {
                    break;
                }
            }
            assert_eq!(
                state, "load-balancing",
                "Kea at {url} did not reach load-balancing"
            );
        }
        pair
    }

    /// Stops server `i`'s DHCPv4 service (its control agent stays, and says it cannot reach it).
    fn stop_dhcp4(&mut self, i: usize) {
        let p = &mut self.processes[2 * i];
        p.kill().unwrap();
        p.wait().unwrap();
    }

    /// Starts server `i`'s DHCPv4 service again, from its configuration file, and waits until
    /// it answers.
    async fn start_dhcp4(&mut self, i: usize) {
        let folder = &self.folders[i];
        self.processes[2 * i] = Self::spawn(folder, KEA, &folder.join("kea-dhcp4.conf"));
        for _ in 0..100 {
            if kea(&self.urls[i], "config-get", None).await["result"] == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Kea {i} did not come back");
    }

    /// Waits until server `i` reports HA state `want`.
    async fn wait_state(&self, i: usize, want: &str) {
        let mut state = String::new();
        for _ in 0..150 {
            state = kea(&self.urls[i], "ha-heartbeat", None).await["arguments"]["state"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if state == want {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("Kea {i} is {state}, not {want}");
    }

    /// A Tandem whose servers are this pair.
    async fn tandem(&self, dir: &Path) -> Tandem {
        let url = format!("sqlite://{}?mode=rwc", dir.join("tandem.db").display());
        let store = Store::connect(&url).await.unwrap();
        let mut conn = store.pool().acquire().await.unwrap();
        for (name, url) in NAMES.iter().zip(&self.urls) {
            servers::upsert(
                &mut conn,
                &ServerName::parse(name).unwrap(),
                ServerKind::Kea,
                url,
            )
            .await
            .unwrap();
        }
        drop(conn);
        Tandem::new(store)
    }
}

fn admin() -> Caller {
    Caller::local("kea-test")
}

#[tokio::test]
async fn a_kea_pair_is_read_replicated_to_and_checked_for_drift() {
    if !kea_installed() {
        return;
    }
    let pair = Pair::start().await;
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
    let fresh = Tandem::new(
        Store::connect(&format!(
            "sqlite://{}?mode=rwc",
            other_db.path().join("t.db").display()
        ))
        .await
        .unwrap(),
    );
    let silent = format!("http://127.0.0.1:{}/", free_port());
    for (name, url, field) in [
        (NAMES[0], "ftp://127.0.0.1/", "url"),
        (NAMES[0], silent.as_str(), "url"),
        ("other.tandem.test", pair.urls[0].as_str(), "name"),
    ] {
        let e = fresh
            .add_kea_server(&admin(), &ServerName::parse(name).unwrap(), url)
            .await
            .unwrap_err();
        assert_eq!(refused(e).0, field, "{name} at {url}");
    }
    let socket = format!("unix:{}", pair.folders[1].join("kea4.sock").display());
    assert_eq!(
        fresh
            .add_kea_server(&admin(), &kea1, &pair.urls[0])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        fresh
            .add_kea_server(&admin(), &kea2, &socket)
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
    let relationships = t.list_relationships(&admin()).await.unwrap();
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
    let outcome = t
        .create_reservation(&admin(), &kea1, scope, &new)
        .await
        .unwrap();
    assert!(!outcome.replication.is_failure(), "{outcome:?}");
    for url in &pair.urls {
        assert_eq!(
            reservation_ips(&config_get(url).await),
            ["10.0.0.99", "10.0.0.100"]
        );
    }
    // And saved to each server's configuration file (config-write).
    for folder in &pair.folders {
        let saved = std::fs::read_to_string(folder.join("kea-dhcp4.conf")).unwrap();
        assert!(saved.contains("10.0.0.100"), "{saved}");
    }

    // Bad input never reaches Kea: refused by field.
    let bad = NewReservation {
        ip_address: "10.0.1.5".into(),
        client_id: "00155DA76603".into(),
        ..Default::default()
    };
    assert!(
        t.create_reservation(&admin(), &kea1, scope, &bad)
            .await
            .is_err()
    );
    assert_eq!(reservation_ips(&config_get(&pair.urls[0]).await).len(), 2);

    // A config-set behind Tandem's back on kea2: drift, then scope replication from kea1.
    let mut config = config_get(&pair.urls[1]).await;
    config["subnet4"][0]["reservations"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "ip-address": "10.0.0.150", "hw-address": "00:11:22:33:44:55" }));
    let set = kea(
        &pair.urls[1],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(set["result"], 0, "{set}");
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
    let replicated = t.replicate_scope(&admin(), &kea1, scope).await.unwrap();
    assert_eq!(replicated.partner, kea2);
    assert_eq!(
        reservation_ips(&config_get(&pair.urls[1]).await),
        ["10.0.0.99", "10.0.0.100"]
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

/// The field a refusal names, with its message.
fn refused(e: ServiceError) -> (String, String) {
    match e {
        ServiceError::Validation(errors) => {
            let first = errors.0.first().unwrap().clone();
            (first.field, first.message)
        }
        other => panic!("not a field-level refusal: {other}"),
    }
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

#[tokio::test]
async fn relationships_on_a_kea_pair_are_edited_deleted_created_and_maintained() {
    if !kea_installed() {
        return;
    }
    let pair = Pair::start().await;
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
            t.update_relationship(&admin(), name, &input)
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
        .update_relationship(&admin(), name, &relationship_input("HotStandby", "", "0"))
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
    let rows = t.list_relationships(&admin()).await.unwrap();
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
    let rows = t.list_relationships(&admin()).await.unwrap();
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
    t.delete_relationship(&admin(), &kea1, name).await.unwrap();
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
    assert!(t.list_relationships(&admin()).await.unwrap().is_empty());

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
    t.delete_scope(&admin(), &kea2, all[0]).await.unwrap();

    // Created: both scopes copied to kea2, the HA hook on both, both load-balancing.
    let created = t
        .create_relationship(&admin(), &relationship_input("LoadBalance", "50", ""), &all)
        .await
        .unwrap();
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
    let rows = t.list_relationships(&admin()).await.unwrap();
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
    t.delete_scope(&admin(), &kea1, ScopeId::parse("10.0.2.0").unwrap())
        .await
        .unwrap();
    for url in &pair.urls {
        assert_eq!(
            subnets_of(&config_get(url).await),
            ["10.0.0.0/24", "10.0.1.0/24"]
        );
    }
}

#[tokio::test]
async fn a_kea_server_stopped_mid_change_is_a_sync_error_until_replicated() {
    if !kea_installed() {
        return;
    }
    let mut pair = Pair::start().await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let name = "kea1.tandem.test-kea2.tandem.test";
    let sync_errors = || async {
        t.list_scopes(
            &admin(),
            &ScopeQuery {
                sync: Some(SyncFilter::Error),
                ..ScopeQuery::default()
            },
        )
        .await
        .unwrap()
        .total
    };

    // kea2's DHCPv4 service stops; its agent still answers. The change lands on kea1 only.
    pair.stop_dhcp4(1);
    let new = NewReservation {
        ip_address: "10.0.0.120".into(),
        client_id: "00155DA76620".into(),
        name: "camera".into(),
        ..Default::default()
    };
    let outcome = t
        .create_reservation(&admin(), &kea1, scope, &new)
        .await
        .unwrap();
    assert!(outcome.replication.is_failure(), "{outcome:?}");
    let text = format!("{:?}", outcome.replication);
    assert!(text.contains(NAMES[1]), "{text}");
    assert_eq!(
        reservation_ips(&config_get(&pair.urls[0]).await),
        ["10.0.0.99", "10.0.0.120"]
    );
    assert_eq!(sync_errors().await, 1);
    let rows = t.list_relationships(&admin()).await.unwrap();
    assert_eq!(rows[0].sync_errors, 1);
    assert!(
        matches!(&rows[0].secondary_status, ServerStatus::Unreachable { reason } if reason.contains(NAMES[1])),
        "{rows:?}"
    );

    // Server-level replication, with kea2 back: the change reaches it, the error clears.
    pair.start_dhcp4(1).await;
    assert_eq!(
        reservation_ips(&config_get(&pair.urls[1]).await),
        ["10.0.0.99"]
    );
    let results = t.replicate_server(&admin(), &kea1).await.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].result, Ok(1), "{results:?}");
    assert_eq!(
        reservation_ips(&config_get(&pair.urls[1]).await),
        ["10.0.0.99", "10.0.0.120"]
    );
    assert_eq!(sync_errors().await, 0);

    // A config-set behind Tandem's back on kea2, undone by relationship-level replication.
    let mut config = config_get(&pair.urls[1]).await;
    let subnet = config["subnet4"][0].as_object_mut().unwrap();
    subnet.insert("valid-lifetime".into(), json!(3600));
    subnet.remove("min-valid-lifetime");
    subnet.remove("max-valid-lifetime");
    let set = kea(
        &pair.urls[1],
        "config-set",
        Some(json!({ "Dhcp4": config })),
    )
    .await;
    assert_eq!(set["result"], 0, "{set}");
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
