//! DHCP service stays up while Tandem edits a real Kea pair, proven with a real DHCP client.
//!
//! Each pair runs in network namespaces this test creates (one per server and one for the
//! client, joined by a bridge in a fourth): the servers listen on their own interfaces, their
//! HA peers talk over that network, and Tandem reaches them through their unix control sockets.
//! Kea's `perfdhcp` sends DORA exchanges at a steady rate from the client namespace (as a relay
//! agent) while Tandem makes 20 changes on the first server (reservations created, edited and
//! deleted, one scope edit), and both peers' HA states are read every 200 ms.
//! - Kea 3.0 (host and subnet commands): both peers stay in `load-balancing` throughout, and no
//!   more exchanges are lost than in a run of the same length without changes.
//! - Kea 2.2 (`config-set` only): never both peers out of their normal state at once.
//!
//! Then a relationship change that keeps Kea's mode (its MCLT, then its peers' automatic
//! failover and back), which both versions take only by `config-set`: written one partner at a
//! time, never neither serving; and a change of mode, handed over through maintenance.
//!
//! Needs root (namespaces, chroot), `ip`, and `perfdhcp` (Debian's kea-admin); says loudly
//! when it cannot run. The figures it prints are the README's.

mod support;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tandem_backend::driver::Drivers;
use tandem_backend::store::Store;
use tandem_backend::store::servers::{self, ServerKind};
use tandem_backend::{Caller, Tandem};
use tandem_core::scope_input::ScopeInput;
use tandem_core::validate::NewReservation;
use tandem_core::{ScopeId, ServerName};

const NAMES: [&str; 2] = ["kea1.tandem.test", "kea2.tandem.test"];
const PERFDHCP: &str = "/usr/sbin/perfdhcp";
/// DORA exchanges started per second, over this many simulated clients.
const RATE: &str = "20";
const CLIENTS: &str = "1000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    Kea22,
    Kea30,
}

/// Namespaces and links made for one test, removed when it ends.
struct Lan {
    tag: String,
}

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Lan {
    /// Client and servers on one segment: 10.0.0.10 (the client, a relay agent to Kea),
    /// 10.0.0.1 and 10.0.0.2 (the servers).
    fn new(version: Version) -> Self {
        let which = if version == Version::Kea22 { 'a' } else { 'b' };
        let tag = format!("t{}{which}", std::process::id() % 100_000);
        let lan = Self { tag };
        let t = &lan.tag;
        for n in ["lan", "cli", "s1", "s2"] {
            ip(&["netns", "add", &format!("{t}-{n}")]);
        }
        let hub = format!("{t}-lan");
        ip(&["-n", &hub, "link", "add", "br0", "type", "bridge"]);
        ip(&["-n", &hub, "link", "set", "br0", "up"]);
        for (n, addr) in [
            ("cli", "10.0.0.10/16"),
            ("s1", "10.0.0.1/16"),
            ("s2", "10.0.0.2/16"),
        ] {
            let (inside, outside, ns) = (format!("{t}{n}"), format!("{t}{n}b"), format!("{t}-{n}"));
            ip(&[
                "link", "add", &inside, "type", "veth", "peer", "name", &outside,
            ]);
            ip(&["link", "set", &inside, "netns", &ns]);
            ip(&["link", "set", &outside, "netns", &hub]);
            ip(&["-n", &hub, "link", "set", &outside, "master", "br0", "up"]);
            ip(&["-n", &ns, "addr", "add", addr, "dev", &inside]);
            ip(&["-n", &ns, "link", "set", &inside, "up"]);
            ip(&["-n", &ns, "link", "set", "lo", "up"]);
        }
        lan
    }

    fn namespace(&self, n: &str) -> String {
        format!("{}-{n}", self.tag)
    }

    fn interface(&self, n: &str) -> String {
        format!("{}{n}", self.tag)
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        for n in ["cli", "s1", "s2", "lan"] {
            let _ = Command::new("ip")
                .args(["netns", "del", &self.namespace(n)])
                .status();
        }
    }
}

/// The pair's configuration: subnet 10.0.0.0/16, its pool from 10.0.1.0 (reservations sit
/// below it, as Kea recommends), HA over the segment with a 1 s heartbeat.
fn config(version: Version, me: usize, interface: &str, dir: &Path) -> Value {
    let (hooks, socket, leases, log, log_key) = match version {
        Version::Kea22 => {
            let h = "/usr/lib/x86_64-linux-gnu/kea/hooks";
            (
                vec![
                    json!({ "library": format!("{h}/libdhcp_lease_cmds.so") }),
                    json!({ "library": format!("{h}/libdhcp_ha.so") }),
                ],
                json!({ "control-socket": { "socket-type": "unix", "socket-name": dir.join("kea4.sock") } }),
                dir.join("leases.csv").display().to_string(),
                dir.join("dhcp4.log").display().to_string(),
                "output_options",
            )
        }
        Version::Kea30 => (
            [
                "libdhcp_lease_cmds.so",
                "libdhcp_host_cmds.so",
                "libdhcp_subnet_cmds.so",
                "libdhcp_ha.so",
            ]
            .iter()
            .map(|l| json!({ "library": l }))
            .collect(),
            json!({ "control-sockets": [ { "socket-type": "unix", "socket-name": "kea4.sock" } ] }),
            "leases.csv".to_string(),
            "dhcp4.log".to_string(),
            "output-options",
        ),
    };
    let ha = json!({ "high-availability": [ {
        "this-server-name": NAMES[me], "mode": "load-balancing",
        "heartbeat-delay": 1000, "max-response-delay": 5000, "max-ack-delay": 5000,
        "max-unacked-clients": 0,
        "peers": [
            { "name": NAMES[0], "url": "http://10.0.0.1:8001/", "role": "primary" },
            { "name": NAMES[1], "url": "http://10.0.0.2:8001/", "role": "secondary" }
        ] } ] });
    let mut hooks = hooks;
    hooks.last_mut().unwrap()["parameters"] = ha;
    let mut dhcp4 = json!({
        "interfaces-config": { "interfaces": [interface] },
        "lease-database": { "type": "memfile", "persist": true, "name": leases },
        "valid-lifetime": 3600,
        "hooks-libraries": hooks,
        "subnet4": [ {
            "id": 1, "subnet": "10.0.0.0/16", "pools": [ { "pool": "10.0.1.0 - 10.0.255.254" } ],
            "option-data": [ { "code": 3, "data": "10.0.0.1" } ],
            "reservations": [ { "ip-address": "10.0.0.50", "hw-address": "52:54:00:00:00:50", "hostname": "printer" } ]
        } ],
        "loggers": [ { "name": "kea-dhcp4", log_key: [ { "output": log } ], "severity": "WARN" } ]
    });
    for (k, v) in socket.as_object().unwrap() {
        dhcp4[k] = v.clone();
    }
    json!({ "Dhcp4": dhcp4 })
}

fn agent_config(dir: &Path, me: usize) -> Value {
    json!({ "Control-agent": {
        "http-host": format!("10.0.0.{}", me + 1), "http-port": 8001,
        "control-sockets": { "dhcp4": { "socket-type": "unix", "socket-name": dir.join("kea4.sock") } },
        "loggers": [ { "name": "kea-ctrl-agent", "output_options": [ { "output": dir.join("agent.log") } ], "severity": "WARN" } ]
    } })
}

/// A Kea pair in the namespaces of a [`Lan`].
struct Pair {
    lan: Lan,
    _dir: tempfile::TempDir,
    processes: Vec<Child>,
    /// Each server's control socket, as this machine sees it.
    sockets: [PathBuf; 2],
    root: Option<PathBuf>,
}

impl Drop for Pair {
    fn drop(&mut self) {
        for p in &mut self.processes {
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

impl Pair {
    fn start(version: Version) -> Self {
        let root = (version == Version::Kea30).then(|| support::kea3_root().unwrap());
        let dir = match &root {
            Some(r) => tempfile::tempdir_in(r.join("tmp")).unwrap(),
            None => tempfile::tempdir().unwrap(),
        };
        let lan = Lan::new(version);
        let mut processes = Vec::new();
        let mut sockets = Vec::new();
        for me in 0..2 {
            let host = dir.path().join(format!("kea{}", me + 1));
            std::fs::create_dir_all(&host).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&host, std::fs::Permissions::from_mode(0o750)).unwrap();
            // The folder as Kea sees it (inside its root on Kea 3).
            let inner = match &root {
                Some(r) => Path::new("/").join(host.strip_prefix(r).unwrap()),
                None => host.clone(),
            };
            let ns = lan.namespace(&format!("s{}", me + 1));
            let iface = lan.interface(&format!("s{}", me + 1));
            std::fs::write(
                host.join("kea-dhcp4.conf"),
                config(version, me, &iface, &inner).to_string(),
            )
            .unwrap();
            let mut programs = vec![("/usr/sbin/kea-dhcp4", inner.join("kea-dhcp4.conf"))];
            if version == Version::Kea22 {
                std::fs::write(
                    host.join("kea-ctrl-agent.conf"),
                    agent_config(&host, me).to_string(),
                )
                .unwrap();
                programs.push(("/usr/sbin/kea-ctrl-agent", host.join("kea-ctrl-agent.conf")));
            }
            for (program, conf) in programs {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", &ns]);
                if let Some(r) = &root {
                    c.arg("chroot").arg(r);
                    for var in [
                        "KEA_DHCP_DATA_DIR",
                        "KEA_LOG_FILE_DIR",
                        "KEA_CONTROL_SOCKET_DIR",
                    ] {
                        c.env(var, &inner);
                    }
                }
                let out = std::fs::File::create(host.join(format!(
                    "{}.out",
                    Path::new(program).file_name().unwrap().to_string_lossy()
                )))
                .unwrap();
                processes.push(
                    c.arg(program)
                        .arg("-c")
                        .arg(&conf)
                        .env("KEA_PIDFILE_DIR", &inner)
                        .env("KEA_LOCKFILE_DIR", &inner)
                        .stdout(out)
                        .stderr(Stdio::null())
                        .spawn()
                        .unwrap(),
                );
            }
            sockets.push(host.join("kea4.sock"));
        }
        Self {
            lan,
            _dir: dir,
            processes,
            sockets: [sockets[0].clone(), sockets[1].clone()],
            root,
        }
    }

    fn url(&self, i: usize) -> String {
        format!("unix:{}", self.sockets[i].display())
    }

    fn urls(&self) -> [String; 2] {
        [self.url(0), self.url(1)]
    }

    /// Starts `perfdhcp` in the client namespace, for `secs` seconds at most.
    fn perfdhcp(&self, secs: u64) -> Child {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.lan.namespace("cli")]);
        match (&self.root, Path::new(PERFDHCP).exists()) {
            (_, true) => {}
            (Some(r), false) => {
                c.arg("chroot").arg(r);
            }
            (None, false) => panic!("no perfdhcp"),
        }
        c.args([
            PERFDHCP,
            "-4",
            "-l",
            &self.lan.interface("cli"),
            "-r",
            RATE,
            "-R",
            CLIENTS,
            "-p",
        ])
        .arg(secs.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
    }
}

/// What `perfdhcp` said: exchanges started (DISCOVER and REQUEST sent) and lost (drops).
#[derive(Debug, Default, Clone, Copy)]
struct Traffic {
    sent: u64,
    lost: u64,
}

fn traffic(child: Child) -> Traffic {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let number = |line: &str| {
        line.rsplit(' ')
            .next()
            .unwrap()
            .trim()
            .parse::<u64>()
            .unwrap_or(0)
    };
    let mut t = Traffic::default();
    for line in text.lines() {
        if line.starts_with("sent packets:") {
            t.sent += number(line);
        } else if line.starts_with("drops:") {
            t.lost += number(line);
        }
    }
    assert!(t.sent > 0, "perfdhcp sent nothing:\n{text}");
    t
}

/// Both servers' HA states, raw (`?` for no answer).
async fn states(drivers: &Drivers, urls: &[String; 2]) -> [String; 2] {
    let mut out = [String::new(), String::new()];
    for ((state, name), url) in out.iter_mut().zip(NAMES).zip(urls) {
        let d = drivers.kea(&ServerName::parse(name).unwrap(), url);
        *state = match d.command("ha-heartbeat", None).await {
            Ok(a) => a["state"].as_str().unwrap_or("?").to_string(),
            Err(_) => "?".into(),
        };
    }
    out
}

/// The HA states read every 200 ms until told to stop.
#[derive(Default)]
struct Watch {
    samples: Vec<(Duration, [String; 2])>,
}

/// A peer in its pair's normal state (the standby of a hot-standby pair is in `hot-standby`
/// too, ready to take over).
fn normal(state: &str) -> bool {
    matches!(state, "load-balancing" | "hot-standby")
}

/// One pair measured at a time: Kea 2.2's restarts and lease syncs load this machine's two
/// cores, and an exchange lost to that would not be Tandem's doing (seen once: Kea 3 lost one
/// of 168 while the Kea 2.2 test ran beside it, none alone).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A pair in load-balancing, registered in a Tandem of its own.
struct Bench {
    pair: Pair,
    drivers: Drivers,
    t: Tandem,
    _db: tempfile::TempDir,
}

async fn ready(version: Version) -> Bench {
    let pair = Pair::start(version);
    let drivers = Drivers::new();
    for _ in 0..150 {
        if states(&drivers, &pair.urls())
            .await
            .iter()
            .all(|s| normal(s))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        states(&drivers, &pair.urls())
            .await
            .iter()
            .all(|s| normal(s)),
        "{version:?}: the pair did not reach load-balancing"
    );
    let db = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!(
        "sqlite://{}?mode=rwc",
        db.path().join("t.db").display()
    ))
    .await
    .unwrap();
    {
        let mut conn = store.pool().acquire().await.unwrap();
        for (name, url) in NAMES.iter().zip(pair.urls()) {
            let name = ServerName::parse(name).unwrap();
            servers::upsert(&mut conn, &name, ServerKind::Kea, &url)
                .await
                .unwrap();
        }
    }
    Bench {
        pair,
        drivers,
        t: Tandem::new(store),
        _db: db,
    }
}

/// What a run of changes under client load showed, beside a run as long without changes.
struct Measured {
    changing: Duration,
    with_changes: Traffic,
    baseline: Traffic,
    samples: Vec<(Duration, [String; 2])>,
}

impl Measured {
    fn out_of_normal(&self, i: usize) -> usize {
        self.samples.iter().filter(|(_, s)| !normal(&s[i])).count()
    }

    /// Samples in which neither peer hands out leases (Kea 3's `communication-recovery`, in
    /// which a peer that lost its partner goes on serving, counts as serving).
    fn both_out(&self) -> usize {
        use tandem_backend::driver::kea::serving;
        self.samples
            .iter()
            .filter(|(_, s)| !serving(&s[0]) && !serving(&s[1]))
            .count()
    }

    fn states_seen(&self) -> std::collections::BTreeSet<&str> {
        self.samples
            .iter()
            .flat_map(|(_, s)| s.iter().map(String::as_str))
            .collect()
    }

    fn say(&self, what: &str) {
        eprintln!(
            "{what} in {:.1} s; exchanges lost {} of {} sent (without changes: {} of {}); out of \
             load-balancing: kea1 {:.1} s, kea2 {:.1} s, neither serving {:.1} s ({} samples every \
             200 ms; states seen: {:?})",
            self.changing.as_secs_f64(),
            self.with_changes.lost,
            self.with_changes.sent,
            self.baseline.lost,
            self.baseline.sent,
            self.out_of_normal(0) as f64 * 0.2,
            self.out_of_normal(1) as f64 * 0.2,
            self.both_out() as f64 * 0.2,
            self.samples.len(),
            self.states_seen(),
        );
    }
}

/// Runs `changes` under client load (two seconds of traffic before and after) with both peers'
/// states read every 200 ms, then the same traffic for as long without changes.
async fn under_load(bench: &Bench, changes: impl std::future::Future<Output = ()>) -> Measured {
    let started = Instant::now();
    let client = bench.pair.perfdhcp(3600);
    let watch = Arc::new(Mutex::new(Watch::default()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let (watch, stop, drivers) = (watch.clone(), stop.clone(), bench.drivers.clone());
        let urls = bench.pair.urls();
        tokio::spawn(async move {
            let start = Instant::now();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let now = states(&drivers, &urls).await;
                watch.lock().unwrap().samples.push((start.elapsed(), now));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let changes_started = Instant::now();
    changes.await;
    let changing = changes_started.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    poller.await.unwrap();
    let with_changes = traffic(client);
    let length = started.elapsed();
    let quiet = bench.pair.perfdhcp(length.as_secs().max(1));
    tokio::time::sleep(length).await;
    let baseline = traffic(quiet);
    let samples = watch.lock().unwrap().samples.clone();
    Measured {
        changing,
        with_changes,
        baseline,
        samples,
    }
}

async fn continuity(version: Version) {
    let _alone = ONE_AT_A_TIME.lock().await;
    let bench = ready(version).await;
    let t = &bench.t;
    let admin = Caller::local("continuity-test");
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let scope = ScopeId::parse("10.0.0.0").unwrap();

    // Twenty changes: eight reservations created, six edited, five deleted, one scope edit.
    let made = Arc::new(Mutex::new(0));
    let reservation = |k: u32, mac: u32| NewReservation {
        ip_address: format!("10.0.0.{}", 100 + k),
        client_id: format!("52-54-00-00-{:02x}-{:02x}", mac / 256, mac % 256),
        name: format!("host{k}"),
        description: "continuity".into(),
        ..Default::default()
    };
    let changes = async {
        for k in 0..8 {
            let outcome = t
                .create_reservation(&admin, &kea1, scope, &reservation(k, k))
                .await
                .unwrap();
            assert!(!outcome.replication.is_failure(), "{outcome:?}");
            *made.lock().unwrap() += 1;
        }
        for k in 0..6 {
            let ip = format!("10.0.0.{}", 100 + k).parse().unwrap();
            let current = t.driver(&kea1).await.unwrap().scope(scope).await.unwrap();
            let version = current.reservation(ip).unwrap().version();
            // Half keep their client (reservation-update), half change it (del and add).
            let mac = if k % 2 == 0 { k } else { 500 + k };
            let mut edited = reservation(k, mac);
            edited.name = format!("edited{k}");
            let outcome = t
                .edit_reservation(&admin, &kea1, scope, ip, &version, &edited)
                .await
                .unwrap();
            assert!(!outcome.replication.is_failure(), "{outcome:?}");
            *made.lock().unwrap() += 1;
        }
        for k in 3..8 {
            let ip = format!("10.0.0.{}", 100 + k).parse().unwrap();
            let outcome = t
                .delete_reservation(&admin, &kea1, scope, ip, None)
                .await
                .unwrap();
            assert!(!outcome.replication.is_failure(), "{outcome:?}");
            *made.lock().unwrap() += 1;
        }
        let current = t.driver(&kea1).await.unwrap().scope(scope).await.unwrap();
        let mut input = ScopeInput::of(&current);
        input.name = "continuity".into();
        input.lease_duration_secs = "7200".into();
        let outcome = t
            .update_scope(&admin, &kea1, scope, &current.properties_version(), &input)
            .await
            .unwrap();
        assert!(!outcome.replication.is_failure(), "{outcome:?}");
        *made.lock().unwrap() += 1;
    };
    let measured = under_load(&bench, changes).await;
    let made = *made.lock().unwrap();

    // Both servers hold the result, asked directly.
    for (i, (name, url)) in NAMES.iter().zip(bench.pair.urls()).enumerate() {
        let d = bench.drivers.kea(&ServerName::parse(name).unwrap(), &url);
        let config = d.command("config-get", None).await.unwrap();
        let subnet = &config["Dhcp4"]["subnet4"][0];
        assert_eq!(subnet["valid-lifetime"], 7200, "{version:?} server {i}");
        let hosts = subnet["reservations"].as_array().unwrap();
        assert_eq!(hosts.len(), 4, "{version:?} server {i}: {hosts:?}");
    }

    measured.say(&format!("continuity {version:?}: {made} changes"));
    assert_eq!(made, 20);
    assert!(measured.samples.len() > 10, "the watch ran");
    assert_eq!(
        measured.both_out(),
        0,
        "{version:?}: both peers were out at once"
    );
    if version == Version::Kea30 {
        assert_eq!(
            (measured.out_of_normal(0), measured.out_of_normal(1)),
            (0, 0),
            "Kea 3 never leaves load-balancing: {:?}",
            measured.states_seen()
        );
        // No more lost than without changes, give or take the one exchange this two-core
        // machine drops now and then under load (seen once in CI: 1 of 186 with changes, 0 of
        // 158 without; 0 in every other run). A write that took HA or the service down loses
        // tens (Kea 2.2: hundreds), and leaves load-balancing, checked strictly above.
        assert!(
            measured.with_changes.lost <= measured.baseline.lost + 1,
            "no more exchanges lost than without changes: {:?} vs {:?}",
            measured.with_changes,
            measured.baseline
        );
    }
}

/// A change of the relationship itself (its MCLT, then its peers' automatic failover and
/// back), which Kea takes only by `config-set` and so by restarting HA on the server written:
/// one partner at a time, the second only once the first serves again, so the pair is never
/// out together. Then a change of mode and back, handed over through Kea's maintenance states
/// (`driver/kea/handover.rs`): at most a heartbeat of neither serving per change, where both
/// at once is two. Then (Kea 3.0) maintenance of the partner and its end: never neither
/// serving, no exchange lost.
async fn relationship_change(version: Version) {
    let _alone = ONE_AT_A_TIME.lock().await;
    let bench = ready(version).await;
    let t = &bench.t;
    let admin = Caller::local("continuity-test");
    let name = "kea1.tandem.test-kea2.tandem.test";
    let row = t.find_relationship(&admin, name).await.unwrap();
    let current = match row {
        Some(row) => row.relationship,
        None => {
            let kea1 = ServerName::parse(NAMES[0]).unwrap();
            t.driver(&kea1)
                .await
                .unwrap()
                .relationships()
                .await
                .unwrap()[0]
                .clone()
        }
    };
    let input = |mode: &str, mclt: &str, auto: bool| tandem_core::failover_rules::NewRelationship {
        name: current.name.clone(),
        primary_server: current.primary_server.to_string(),
        secondary_server: current.secondary_server.to_string(),
        mode: mode.into(),
        max_client_lead_time_secs: mclt.into(),
        auto_state_transition: auto,
        reserve_percent: "0".into(),
        ..Default::default()
    };
    // Tandem's own value (the MCLT), then one of Kea's (its peers' `auto-failover`) and back:
    // one partner at a time.
    let changes = async {
        for (mclt, auto) in [("1800", true), ("1800", false), ("1800", true)] {
            t.update_relationship(
                &admin,
                &current.name,
                &input("LoadBalance", mclt, auto),
                None,
            )
            .await
            .unwrap();
        }
    };
    let measured = under_load(&bench, changes).await;
    measured.say(&format!("relationship {version:?}: 3 changes"));
    for (name, url) in NAMES.iter().zip(bench.pair.urls()) {
        let d = bench.drivers.kea(&ServerName::parse(name).unwrap(), &url);
        let held = tandem_backend::driver::DhcpDriver::relationships(&d)
            .await
            .unwrap();
        assert_eq!(held[0].max_client_lead_time_secs, 1800, "{name}");
    }
    assert!(measured.samples.len() > 10, "the watch ran");
    assert_eq!(
        measured.both_out(),
        0,
        "{version:?}: both peers were out at once: {:?}",
        measured.samples
    );

    // The mode, to hot standby and back: handed over through Kea's maintenance states.
    let changes = async {
        for mode in ["HotStandby", "LoadBalance"] {
            t.update_relationship(&admin, &current.name, &input(mode, "1800", true), None)
                .await
                .unwrap();
        }
    };
    let measured = under_load(&bench, changes).await;
    measured.say(&format!("relationship {version:?}: 2 changes of mode"));
    for (name, url) in NAMES.iter().zip(bench.pair.urls()) {
        let d = bench.drivers.kea(&ServerName::parse(name).unwrap(), &url);
        let config = d.command("config-get", None).await.unwrap();
        let text = config.to_string();
        assert!(
            text.contains(r#""mode":"load-balancing""#),
            "{name}: {text}"
        );
    }
    // Written both at once, neither peer serves for two heartbeats per change (10 samples
    // here: `waiting`, then `ready`). Handed over, the one moment left is the end of the
    // maintenance: Kea puts both peers in `ready` and holds them there until the next
    // heartbeat (its maintenance-cancelled flag), seen as 4 samples per change on both
    // versions. Where the first peer notices its partner's restart, it ends in
    // `partner-down` instead and the pair is never out (seen on Kea 3.0 now and then).
    assert!(
        measured.both_out() <= 2 * 5,
        "{version:?}: neither peer served for more than a heartbeat per change: {:?}",
        measured.samples
    );

    // Maintenance of the partner, and its end: kea1 serves every client meanwhile; the pair
    // is back in load-balancing after. Kea 3.0 only: Kea 2.2, ending a maintenance, can put
    // both peers straight back into it (it returns each to its previous state reading its
    // partner's last-heard state); Tandem cancels again up to three times, and in CI Kea 2.2
    // went back each time — not solved yet (issue 30's notes).
    if version == Version::Kea22 {
        return;
    }
    let kea1 = ServerName::parse(NAMES[0]).unwrap();
    let changes = async {
        for on in [true, false] {
            t.set_maintenance(&admin, &kea1, &current.name, on)
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    };
    let measured = under_load(&bench, changes).await;
    measured.say(&format!("relationship {version:?}: maintenance on and off"));
    let last = &measured.samples.last().unwrap().1;
    assert!(last.iter().all(|s| normal(s)), "{version:?}: {last:?}");
    assert_eq!(
        measured.both_out(),
        0,
        "{version:?}: {:?}",
        measured.samples
    );
    // Nothing restarts: no more lost than without (give or take the machine's one).
    assert!(
        measured.with_changes.lost <= measured.baseline.lost + 1,
        "{version:?}: {:?} vs {:?}",
        measured.with_changes,
        measured.baseline
    );
}

/// Whether this machine can run the test; says loudly why not.
fn can_run(version: Version) -> bool {
    let why = if support::not_root() {
        Some("network namespaces and chroot need root".to_string())
    } else if Command::new("ip").arg("-V").output().is_err() {
        Some("no `ip` (iproute2)".into())
    } else if version == Version::Kea22 && !Path::new("/usr/sbin/kea-ctrl-agent").exists() {
        Some("Kea 2.2 is not installed (scripts/setup.sh --test)".into())
    } else if version == Version::Kea30 && support::kea3_root().is_none() {
        Some("no Kea 3 root (scripts/kea3-root.sh)".into())
    } else if !Path::new(PERFDHCP).exists()
        && !support::kea3_root().is_some_and(|r| r.join("usr/sbin/perfdhcp").exists())
    {
        Some("no perfdhcp (Debian's kea-admin; scripts/setup.sh --test)".into())
    } else {
        None
    };
    if let Some(why) = &why {
        support::skipped(&format!("continuity on {version:?}"), why);
    }
    why.is_none()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kea_3_0_serves_throughout_twenty_changes() {
    if can_run(Version::Kea30) {
        continuity(Version::Kea30).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kea_2_2_never_has_both_peers_out_during_twenty_changes() {
    if can_run(Version::Kea22) {
        continuity(Version::Kea22).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kea_3_0_relationship_changes_never_take_both_peers_out() {
    if can_run(Version::Kea30) {
        relationship_change(Version::Kea30).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kea_2_2_relationship_changes_never_take_both_peers_out() {
    if can_run(Version::Kea22) {
        relationship_change(Version::Kea22).await;
    }
}
