//! The Kea pairs the Kea test files run on: Kea 2.2 (Debian 12's kea-dhcp4-server and
//! kea-ctrl-agent, control agents on loopback) and Kea 3.0 (Debian unstable's, from the root
//! `scripts/kea3-root.sh` prepares, run with chroot: HTTP control sockets on kea-dhcp4 itself,
//! HA on listeners of its own; reservations in the configuration file, in a PostgreSQL hosts
//! database per server, or in one both share). Each pair runs in a temporary folder and is
//! stopped when dropped. Each test file uses what it needs of this.
#![allow(dead_code)]

use crate::support;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;
use tandem_backend::Tandem;
use tandem_backend::store::Store;
use tandem_backend::store::servers::{self, ServerKind};
use tandem_core::ServerName;

/// Runs each test on each kind of pair named (`[kea_2_2: Kea22, …] test, …`), as tests of
/// their own: `test::kea_2_2`. A kind this machine cannot run is skipped, loudly.
#[allow(unused_macros)]
macro_rules! on_pairs {
    ($flavors:tt $($test:ident),* $(,)?) => { $( on_pairs!(@one $flavors $test); )* };
    (@one [$($name:ident: $flavor:ident),*] $test:ident) => {
        mod $test {
            use super::Flavor;
            $(
                #[tokio::test]
                async fn $name() {
                    if Flavor::$flavor.available() {
                        super::$test(Flavor::$flavor).await;
                    }
                }
            )*
        }
    };
}

/// The field a refusal names, with its message.
pub fn refused(e: tandem_backend::ServiceError) -> (String, String) {
    match e {
        tandem_backend::ServiceError::Validation(errors) => {
            let first = errors.0.first().unwrap().clone();
            (first.field, first.message)
        }
        other => panic!("not a field-level refusal: {other}"),
    }
}

pub const KEA: &str = "/usr/sbin/kea-dhcp4";
pub const AGENT: &str = "/usr/sbin/kea-ctrl-agent";
pub const HOOKS: &str = "/usr/lib/x86_64-linux-gnu/kea/hooks";
pub const NAMES: [&str; 2] = ["kea1.tandem.test", "kea2.tandem.test"];

/// The pair's two servers by their names in Tandem.
pub fn server_names() -> (ServerName, ServerName) {
    (
        ServerName::parse(NAMES[0]).unwrap(),
        ServerName::parse(NAMES[1]).unwrap(),
    )
}

/// The kinds of pair the tests run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Kea22,
    Kea3,
    /// Kea 3 with a PostgreSQL hosts database per server.
    Kea3Db,
    /// Kea 3 with one PostgreSQL hosts database for both servers.
    Kea3SharedDb,
    /// Kea 3 whose first server also has an HTTPS control socket with basic authentication.
    Kea3Tls,
}

impl Flavor {
    pub fn kea3(self) -> bool {
        self != Self::Kea22
    }

    pub fn database(self) -> bool {
        matches!(self, Self::Kea3Db | Self::Kea3SharedDb)
    }

    /// Whether this kind of pair can run here; says loudly why not.
    pub fn available(self) -> bool {
        let why = match self {
            Self::Kea22 if !(Path::new(KEA).exists() && Path::new(AGENT).exists()) => Some(
                format!("Kea 2.2 is not installed ({KEA}, {AGENT}); `scripts/setup.sh --test` installs it"),
            ),
            Self::Kea22 => None,
            _ if support::kea3_root().is_none() => Some(
                "the Kea 3 root is missing; `scripts/kea3-root.sh` prepares it (make test does)"
                    .to_string(),
            ),
            _ if support::not_root() => Some("running Kea 3 from its root needs chroot, as root".into()),
            _ if self.database() && std::env::var("TANDEM_TEST_POSTGRES_URL").is_err() => Some(
                "no PostgreSQL for Kea's hosts database (TANDEM_TEST_POSTGRES_URL; make test sets it)"
                    .into(),
            ),
            _ => None,
        };
        if let Some(why) = &why {
            support::skipped(&format!("{self:?}"), why);
        }
        why.is_none()
    }
}

/// A port nothing listens on, below the kernel's ephemeral range (32768 and up): a port the
/// kernel hands out could be taken, before Kea binds it, by an outgoing connection of a pair
/// running alongside (HA heartbeats), which made a test fail now and then.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let offset = (std::process::id() % 600) * 20;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = u16::try_from(20_000 + (offset + n) % 12_000).expect("below 32 000");
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A Kea pair: each server in its own folder (with its control agent on Kea 2.2).
pub struct Pair {
    pub flavor: Flavor,
    pub _dir: tempfile::TempDir,
    /// Per server: its processes, kea-dhcp4 first.
    pub processes: Vec<Vec<Child>>,
    /// Where Tandem (and the tests) reach each server's control channel.
    pub urls: [String; 2],
    /// Each server's folder, as this machine sees it.
    pub folders: [PathBuf; 2],
    /// Each server's folder as Kea sees it (inside its root on Kea 3).
    pub inner: [PathBuf; 2],
    pub root: Option<PathBuf>,
    /// The hosts databases made for this pair (dropped with it).
    pub databases: Vec<String>,
    /// The first server's HTTPS control socket (Kea3Tls).
    pub tls: Option<Tls>,
}

impl Drop for Pair {
    fn drop(&mut self) {
        for p in self.processes.iter_mut().flatten() {
            let _ = p.kill();
            let _ = p.wait();
        }
        if !self.databases.is_empty()
            && let Ok(url) = std::env::var("TANDEM_TEST_POSTGRES_URL")
        {
            let databases = std::mem::take(&mut self.databases);
            // A runtime of its own: the test's is shutting down.
            let _ = std::thread::spawn(move || {
                tokio::runtime::Runtime::new().unwrap().block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&url).await {
                        for db in databases {
                            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db}"))
                                .execute(&mut conn)
                                .await;
                        }
                    }
                })
            })
            .join();
        }
    }
}

/// A PostgreSQL hosts database for Kea: made fresh, its schema by `kea-admin db-init pgsql`.
pub struct HostsDb {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
}

impl HostsDb {
    pub async fn create(root: &Path, name: &str) -> Self {
        use sqlx::Connection;
        let url = std::env::var("TANDEM_TEST_POSTGRES_URL").unwrap();
        let parsed = reqwest::Url::parse(&url).unwrap();
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let db = Self {
            name: name.to_string(),
            host: parsed.host_str().unwrap().to_string(),
            port: parsed.port().unwrap_or(5432),
            user: parsed.username().to_string(),
            password: parsed.password().unwrap().to_string(),
        };
        let out = Command::new("chroot")
            .arg(root)
            .args([
                "/usr/sbin/kea-admin",
                "db-init",
                "pgsql",
                "-h",
                &db.host,
                "-P",
            ])
            .arg(db.port.to_string())
            .args(["-u", &db.user, "-p", &db.password, "-n", name])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kea-admin db-init: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        db
    }

    pub fn config(&self) -> Value {
        json!({ "type": "postgresql", "name": self.name, "host": self.host, "port": self.port,
                "user": self.user, "password": self.password })
    }
}

/// The seed's reservation, on every pair.
pub fn seed_host() -> Value {
    json!({ "ip-address": "10.0.0.99", "hw-address": "aa:bb:cc:dd:ee:ff", "hostname": "test" })
}

/// Kea 2.2: a unix control socket for the control agent; hooks by path.
pub fn kea22_config(dir: &Path, me: usize, urls: &[String; 2]) -> Value {
    json!({ "Dhcp4": {
        "interfaces-config": { "interfaces": [] },
        "control-socket": { "socket-type": "unix", "socket-name": dir.join("kea4.sock") },
        "lease-database": { "type": "memfile", "persist": true, "name": dir.join("leases.csv") },
        "valid-lifetime": 691200,
        // stat_cmds here and not on the Kea 3 pairs: Tandem counts leases by stat-lease4-get
        // where it is loaded, and by lease4-get-all where it is not; each way is tested.
        "hooks-libraries": [
            { "library": format!("{HOOKS}/libdhcp_lease_cmds.so") },
            { "library": format!("{HOOKS}/libdhcp_stat_cmds.so") },
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
            "reservations": [ seed_host() ]
        } ],
        "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": dir.join("dhcp4.log") } ], "severity": "WARN" } ]
    } })
}

pub fn agent_config(dir: &Path, port: u16) -> Value {
    json!({ "Control-agent": {
        "http-host": "127.0.0.1", "http-port": port,
        "control-sockets": { "dhcp4": { "socket-type": "unix", "socket-name": dir.join("kea4.sock") } },
        "loggers": [ { "name": "kea-ctrl-agent", "output_options": [ { "output": dir.join("agent.log") } ], "severity": "WARN" } ]
    } })
}

/// Kea 3, by its own rules: control sockets on kea-dhcp4 itself (HTTP for Tandem, unix too),
/// file names without folders for sockets, leases, logs and hooks (their folders come from
/// KEA_*_DIR); HA peers on listeners of their own.
pub fn kea3_config(
    me: usize,
    control_port: u16,
    ha_urls: &[String; 2],
    hosts: Option<&HostsDb>,
    tls: Option<&Tls>,
) -> Value {
    let mut hooks = vec![
        json!({ "library": "libdhcp_lease_cmds.so" }),
        json!({ "library": "libdhcp_host_cmds.so" }),
        json!({ "library": "libdhcp_subnet_cmds.so" }),
        json!({ "library": "libdhcp_class_cmds.so" }),
    ];
    if hosts.is_some() {
        hooks.push(json!({ "library": "libdhcp_pgsql.so" }));
    }
    hooks.push(
        json!({ "library": "libdhcp_ha.so", "parameters": { "high-availability": [ {
        "this-server-name": NAMES[me], "mode": "load-balancing",
        "heartbeat-delay": 1000, "max-response-delay": 3000, "max-ack-delay": 5000,
        "max-unacked-clients": 0,
        "peers": [
            { "name": NAMES[0], "url": ha_urls[0], "role": "primary", "auto-failover": true },
            { "name": NAMES[1], "url": ha_urls[1], "role": "secondary", "auto-failover": true }
        ] } ] } }),
    );
    let mut subnet = json!({
        "id": 1, "subnet": "10.0.0.0/24", "pools": [ { "pool": "10.0.0.1 - 10.0.0.254" } ]
    });
    if hosts.is_none() {
        subnet["reservations"] = json!([seed_host()]);
    }
    let mut config = json!({ "Dhcp4": {
        "interfaces-config": { "interfaces": [] },
        "control-sockets": [
            { "socket-type": "http", "socket-address": "127.0.0.1", "socket-port": control_port },
            { "socket-type": "unix", "socket-name": "kea4.sock" }
        ],
        "lease-database": { "type": "memfile", "persist": true, "name": "leases.csv" },
        "valid-lifetime": 691200,
        "hooks-libraries": hooks,
        "subnet4": [ subnet ],
        "loggers": [ { "name": "kea-dhcp4", "output-options": [ { "output": "dhcp4.log" } ], "severity": "WARN" } ]
    } });
    if let Some(db) = hosts {
        config["Dhcp4"]["hosts-database"] = db.config();
    }
    if let Some(tls) = tls {
        config["Dhcp4"]["control-sockets"]
            .as_array_mut()
            .unwrap()
            .push(json!({
                "socket-type": "https", "socket-address": "127.0.0.1", "socket-port": tls.port,
                "trust-anchor": tls.inner.join("ca.pem"), "cert-file": tls.inner.join("kea.pem"),
                "key-file": tls.inner.join("kea.key"), "cert-required": false,
                "authentication": { "type": "basic", "realm": "kea1",
                    "clients": [ { "user": TLS_USER, "password": TLS_PASSWORD } ] }
            }));
    }
    config
}

pub const TLS_USER: &str = "tandem";
pub const TLS_PASSWORD: &str = "s3cret-Kea-pass";

/// An HTTPS control socket: a CA and a certificate for 127.0.0.1 it signed, made by openssl.
pub struct Tls {
    pub port: u16,
    /// Where the files are, as Kea sees it.
    pub inner: PathBuf,
    /// The CA's certificate, as this machine sees it.
    pub ca: PathBuf,
}

impl Tls {
    pub fn make(dir: &Path, inner: &Path) -> Self {
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Tandem test CA",
        ]);
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "kea.key",
            "-out",
            "kea.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "kea.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "kea.pem",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ]);
        Self {
            port: free_port(),
            inner: inner.to_path_buf(),
            ca: dir.join("ca.pem"),
        }
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }
}

/// Sends a command to a Kea server's control channel and returns its first answer.
pub async fn kea(url: &str, command: &str, arguments: Option<Value>) -> Value {
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

pub async fn config_get(url: &str) -> Value {
    let a = kea(url, "config-get", None).await;
    assert_eq!(a["result"], 0, "{a}");
    a["arguments"]["Dhcp4"].clone()
}

/// The reservations' addresses in the first subnet of a configuration, in address order.
pub fn reservation_ips(config: &Value) -> Vec<String> {
    sorted_ips(config["subnet4"][0]["reservations"].as_array().unwrap())
}

pub fn sorted_ips(hosts: &[Value]) -> Vec<String> {
    let mut ips: Vec<std::net::Ipv4Addr> = hosts
        .iter()
        .filter_map(|r| r["ip-address"].as_str())
        .map(|a| a.parse().unwrap())
        .collect();
    ips.sort();
    ips.iter().map(ToString::to_string).collect()
}

impl Pair {
    pub fn spawn(&self, i: usize, program: &str, config: &Path) -> Child {
        let dir = &self.folders[i];
        let inner = &self.inner[i];
        let out =
            std::fs::File::create(dir.join(format!("{}.out", program.replace('/', "_")))).unwrap();
        let mut command = match &self.root {
            Some(root) => {
                let mut c = Command::new("chroot");
                c.arg(root).arg(program);
                for var in [
                    "KEA_DHCP_DATA_DIR",
                    "KEA_LOG_FILE_DIR",
                    "KEA_CONTROL_SOCKET_DIR",
                ] {
                    c.env(var, inner);
                }
                c
            }
            None => Command::new(program),
        };
        command
            .arg("-c")
            .arg(config)
            .env("KEA_PIDFILE_DIR", inner)
            .env("KEA_LOCKFILE_DIR", inner)
            .current_dir(dir)
            .stdout(out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Starts both servers (and agents on Kea 2.2), and waits until both report
    /// `load-balancing`.
    pub async fn start(flavor: Flavor) -> Self {
        let root = flavor.kea3().then(|| support::kea3_root().unwrap());
        let dir = match &root {
            Some(root) => {
                std::fs::create_dir_all(root.join("tmp")).unwrap();
                tempfile::tempdir_in(root.join("tmp")).unwrap()
            }
            None => tempfile::tempdir().unwrap(),
        };
        let folders = [dir.path().join("kea1"), dir.path().join("kea2")];
        let inner = folders.clone().map(|f| match &root {
            Some(root) => Path::new("/").join(f.strip_prefix(root).unwrap()),
            None => f,
        });
        let ports = [free_port(), free_port()];
        let urls = ports.map(|p| format!("http://127.0.0.1:{p}/"));
        let mut pair = Self {
            flavor,
            _dir: dir,
            processes: Vec::new(),
            urls,
            folders,
            inner,
            root,
            databases: Vec::new(),
            tls: None,
        };
        let tag = format!("kea_hosts_{}_{}", std::process::id(), free_port());
        let mut dbs = Vec::new();
        match flavor {
            Flavor::Kea3Db => {
                for i in 0..2 {
                    let db =
                        HostsDb::create(pair.root.as_ref().unwrap(), &format!("{tag}_{i}")).await;
                    pair.databases.push(db.name.clone());
                    dbs.push(db);
                }
            }
            Flavor::Kea3SharedDb => {
                let db = HostsDb::create(pair.root.as_ref().unwrap(), &tag).await;
                pair.databases.push(db.name.clone());
                dbs.push(db);
            }
            _ => {}
        }
        let ha_urls = [free_port(), free_port()].map(|p| format!("http://127.0.0.1:{p}/"));
        for (i, port) in ports.into_iter().enumerate() {
            let folder = pair.folders[i].clone();
            std::fs::create_dir_all(&folder).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o750)).unwrap();
            let conf = folder.join("kea-dhcp4.conf");
            let inner_conf = pair.inner[i].join("kea-dhcp4.conf");
            let mut processes = Vec::new();
            if flavor == Flavor::Kea3Tls && i == 0 {
                pair.tls = Some(Tls::make(&folder, &pair.inner[i]));
            }
            if flavor.kea3() {
                let db = dbs.get(i).or(dbs.first());
                let tls = pair.tls.as_ref().filter(|_| i == 0);
                let config = kea3_config(i, port, &ha_urls, db, tls);
                std::fs::write(&conf, config.to_string()).unwrap();
                processes.push(pair.spawn(i, KEA, &inner_conf));
            } else {
                std::fs::write(&conf, kea22_config(&folder, i, &pair.urls).to_string()).unwrap();
                let agent = folder.join("kea-ctrl-agent.conf");
                std::fs::write(&agent, agent_config(&folder, port).to_string()).unwrap();
                processes.push(pair.spawn(i, KEA, &conf));
                processes.push(pair.spawn(i, AGENT, &agent));
            }
            pair.processes.push(processes);
        }
        for i in 0..2 {
            pair.wait_state(i, "load-balancing").await;
        }
        // The seed's reservation, in the hosts database(s).
        if flavor.database() {
            let servers = if flavor == Flavor::Kea3SharedDb { 1 } else { 2 };
            for url in &pair.urls[..servers] {
                let added = kea(
                    url,
                    "reservation-add",
                    Some(
                        json!({ "reservation": { "subnet-id": 1, "hw-address": "aa:bb:cc:dd:ee:ff",
                        "ip-address": "10.0.0.99", "hostname": "test" } }),
                    ),
                )
                .await;
                assert_eq!(added["result"], 0, "{added}");
            }
        }
        pair
    }

    /// The addresses reserved in subnet 1 of server `i`, asked of Kea directly (its host
    /// commands on Kea 3, wherever it keeps them; its configuration on Kea 2.2).
    pub async fn reserved(&self, i: usize) -> Vec<String> {
        if self.flavor.kea3() {
            let all = kea(
                &self.urls[i],
                "reservation-get-all",
                Some(json!({ "subnet-id": 1 })),
            )
            .await;
            sorted_ips(all["arguments"]["hosts"].as_array().unwrap())
        } else {
            reservation_ips(&config_get(&self.urls[i]).await)
        }
    }

    /// A reservation added on server `i` behind Tandem's back: by its host commands on Kea 3
    /// (into its hosts database where it has one), by a config-set on Kea 2.2.
    pub async fn add_outside(&self, i: usize, host: Value) {
        let url = &self.urls[i];
        let answer = if self.flavor.kea3() {
            let mut host = host;
            host["subnet-id"] = json!(1);
            let target = if self.flavor.database() {
                "database"
            } else {
                "memory"
            };
            kea(
                url,
                "reservation-add",
                Some(json!({ "reservation": host, "operation-target": target })),
            )
            .await
        } else {
            let mut config = config_get(url).await;
            config["subnet4"][0]["reservations"]
                .as_array_mut()
                .unwrap()
                .push(host);
            kea(url, "config-set", Some(json!({ "Dhcp4": config }))).await
        };
        assert_eq!(answer["result"], 0, "{answer}");
    }

    /// Stops server `i`'s DHCPv4 service (a control agent stays, and says it cannot reach it).
    pub fn stop_dhcp4(&mut self, i: usize) {
        let p = &mut self.processes[i][0];
        p.kill().unwrap();
        p.wait().unwrap();
    }

    /// Starts server `i`'s DHCPv4 service again, from its configuration file, and waits until
    /// it answers.
    pub async fn start_dhcp4(&mut self, i: usize) {
        let conf = self.inner[i].join("kea-dhcp4.conf");
        self.processes[i][0] = self.spawn(i, KEA, &conf);
        for _ in 0..100 {
            if let Ok(answer) = reqwest::Client::new()
                .post(&self.urls[i])
                .json(&json!({ "command": "config-get", "service": ["dhcp4"] }))
                .send()
                .await
                && let Ok(answer) = answer.json::<Vec<Value>>().await
                && answer[0]["result"] == 0
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Kea {i} did not come back");
    }

    /// Waits until server `i` reports HA state `want`.
    pub async fn wait_state(&self, i: usize, want: &str) {
        let mut state = String::new();
        for _ in 0..150 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let Ok(answer) = reqwest::Client::new()
                .post(&self.urls[i])
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
            if state == want {
                return;
            }
        }
        let log = std::fs::read_to_string(self.folders[i].join("dhcp4.log")).unwrap_or_default();
        panic!(
            "{:?} Kea {i} at {} is {state:?}, not {want}; its log:\n{log}",
            self.flavor, self.urls[i]
        );
    }

    /// A Tandem whose servers are this pair.
    pub async fn tandem(&self, dir: &Path) -> Tandem {
        let url = format!("sqlite://{}?mode=rwc", dir.join("tandem.db").display());
        self.tandem_at(&url).await
    }

    /// A Tandem for this pair whose store is a fresh PostgreSQL database (dropped with the
    /// pair): its writes to the servers go through the servers' locks, as several instances'
    /// do. `None` without `TANDEM_TEST_POSTGRES_URL`.
    pub async fn tandem_on_postgres(&mut self) -> Option<Tandem> {
        use sqlx::Connection;
        let base = std::env::var("TANDEM_TEST_POSTGRES_URL").ok()?;
        let name = format!("tandem_store_{}_{}", std::process::id(), free_port());
        let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        self.databases.push(name.clone());
        let mut url = reqwest::Url::parse(&base).unwrap();
        url.set_path(&format!("/{name}"));
        Some(self.tandem_at(url.as_str()).await)
    }

    async fn tandem_at(&self, url: &str) -> Tandem {
        let store = Store::connect(url).await.unwrap();
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
