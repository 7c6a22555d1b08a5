//! The driver for ISC Kea DHCPv4 (2.2 and 3.0), through its control channel: a control agent or
//! the server's own HTTP(S) control socket (`http://…`, `https://…`), or its unix socket
//! (`unix:/path`). What a server offers (`version-get`, `list-commands`) decides how it is
//! written, least disruptive first:
//! - reservations by the host commands (`reservation-add` / `-update` / `-del`) and scopes by
//!   the subnet commands (`subnet4-add` / `-update` / `-del`), which change the running server
//!   without reloading anything, then `config-write` (Kea 3; [`writes`]);
//! - `config-set` for what no command covers (the HA relationship) and for every change on a
//!   server without those commands (Kea 2.2): `config-get`, the change, `config-test`,
//!   `config-set`, `config-write`. A `config-set` reloads every hook, so HA restarts on that
//!   server; the service waits until it serves again ([`DhcpDriver::settle`]) before it writes
//!   the partner, so that the two are never out of service together.
//!
//! The control channel itself (HTTP(S) with basic authentication, or a unix socket; answers
//! bounded, redirects refused) is [`transport`]. Reads are shared: one configuration read serves a whole operation, and where the server has
//! `config-hash-get` a read is kept by its hash and used again while the hash stays.
//! Failover is Kea's HA hook: both servers of a pair serve every subnet. This server's name in
//! Tandem must be its HA peer name.

mod classes;
mod facts;
pub mod global_hosts;
pub mod ha;
mod handover;
mod host_commands;
mod leases;
pub mod mapping;
pub mod offer;
mod options;
mod patch;
pub mod pool_settings;
mod pools;
mod server_options;
mod subnets;
mod transport;
mod writes;

use super::{Capabilities, DhcpDriver, DriverError, GlobalChange, Placement, RelationshipConfig};
use async_trait::async_trait;
use offer::{Hosts, Offer};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use std::sync::{Arc, LazyLock, Mutex as StdMutex};
use std::time::{Duration, Instant};
use tandem_core::{
    FailoverRelationship, FailoverReport, FailoverState, Reservation, Scope, ScopeId, ServerName,
};
use tokio::sync::Mutex;
pub use transport::MAX_ANSWER;
use transport::RESULT_EMPTY;

pub struct KeaDriver {
    name: ServerName,
    url: String,
    client: reqwest::Client,
    /// What this operation has read of the server, or what it holds after this driver's
    /// write. A driver lives for one operation.
    memo: StdMutex<Option<Arc<Snapshot>>>,
    /// After a `config-set` that restarted this server's HA service: the HA state it was in
    /// before, and how long to wait for it to come back ([`DhcpDriver::settle`]).
    unsettled: StdMutex<Option<(String, Duration)>>,
    /// Whether this operation read the server whole (not only kept an earlier read).
    read_here: std::sync::atomic::AtomicBool,
    /// HTTP basic authentication (user, password) for the control channel.
    basic_auth: Option<(String, String)>,
    /// What the last reservation write through this driver changed.
    touched: StdMutex<Option<super::Touched>>,
}

/// What Tandem reads of a Kea server, as of one configuration.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    /// `config-hash-get`'s answer for this configuration, where the server has it.
    hash: Option<String>,
    scopes: Vec<Scope>,
    /// Kea's subnet ID of each scope.
    ids: HashMap<ScopeId, u64>,
    hosts: Hosts,
    /// The HA relationship (holding every scope), if the HA hook is configured.
    relationship: Option<FailoverRelationship>,
    ha_name: Option<String>,
    /// Where reservations live in a hosts database: the addresses of each subnet's
    /// reservations that are in the configuration itself (by Kea's subnet ID); the rest of the
    /// scope's reservations came from the database.
    in_config: HashMap<u64, HashSet<Ipv4Addr>>,
    /// The subnets Tandem cannot read (by their `subnet`), each with why: left as they are,
    /// failing nothing else.
    unreadable: Vec<(String, String)>,
    /// The server's client classes.
    classes: Vec<tandem_core::ClientClass>,
    /// The server's own options.
    server_options: tandem_core::ServerOptions,
    /// Its server-wide reservations.
    globals: tandem_core::GlobalReservations,
    /// The server-wide hosts its hosts database holds, as Kea gives them.
    global_db: Vec<Value>,
}

impl Snapshot {
    fn of(config: &Value, hash: Option<String>, _server: &ServerName) -> Result<Self, DriverError> {
        let (read, unreadable) = subnets::read(config);
        let mut scopes = Vec::with_capacity(read.len());
        let mut ids = HashMap::new();
        for (_, scope, id) in read {
            ids.insert(scope.id, id);
            scopes.push(scope);
        }
        let relationship = ha::relationship_of(config, scopes.iter().map(|s| s.id).collect());
        Ok(Self {
            hash,
            scopes,
            ids,
            hosts: Hosts::of(config),
            relationship,
            ha_name: ha::this_server_name(config),
            in_config: HashMap::new(),
            unreadable,
            classes: classes::classes_of(config),
            server_options: server_options::server_options_of(config),
            globals: global_hosts::globals_of(config),
            global_db: Vec::new(),
        })
    }

    /// The addresses of the reservations each subnet of `config` holds itself.
    fn config_reservations(config: &Value) -> HashMap<u64, HashSet<Ipv4Addr>> {
        subnets::all(config)
            .into_iter()
            .filter_map(|(_, _, subnet)| {
                let id = subnet.get("id").and_then(Value::as_u64)?;
                let ips = subnet
                    .get("reservations")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.get("ip-address")?.as_str()?.parse().ok())
                    .collect();
                Some((id, ips))
            })
            .collect()
    }

    /// The server with a hosts database as its configuration `config` now has it, and its
    /// database's reservations as `earlier` last read them (the database's changes never move
    /// the configuration hash, so they are known exactly as well as before). `None` when a
    /// subnet is new since `earlier`, or the reservations live elsewhere now: then the
    /// database must be read.
    fn carried(
        earlier: &Snapshot,
        config: &Value,
        hash: Option<String>,
        server: &ServerName,
    ) -> Result<Option<Self>, DriverError> {
        let mut next = Self::of(config, hash, server)?;
        if next.hosts != earlier.hosts || !matches!(next.hosts, Hosts::Database { .. }) {
            return Ok(None);
        }
        next.in_config = Self::config_reservations(config);
        let by_kea_id: HashMap<u64, &Scope> = earlier
            .scopes
            .iter()
            .filter_map(|s| Some((*earlier.ids.get(&s.id)?, s)))
            .collect();
        let none = HashSet::new();
        for scope in &mut next.scopes {
            let kea_id = next.ids[&scope.id];
            let Some(before) = by_kea_id.get(&kea_id) else {
                return Ok(None);
            };
            let was_in_config = earlier.in_config.get(&kea_id).unwrap_or(&none);
            let here: HashSet<Ipv4Addr> = scope.reservations.iter().map(|r| r.ip_address).collect();
            scope.reservations.extend(
                before
                    .reservations
                    .iter()
                    .filter(|r| {
                        !was_in_config.contains(&r.ip_address) && !here.contains(&r.ip_address)
                    })
                    .cloned(),
            );
        }
        // The database's server-wide hosts as they were (the configuration's read anew).
        next.global_db = earlier.global_db.clone();
        global_hosts::add_database_hosts(&mut next.globals, &next.global_db);
        Ok(Some(next))
    }

    fn scope(&self, id: ScopeId) -> Option<&Scope> {
        self.scopes.iter().find(|s| s.id == id)
    }

    /// Kea's subnet ID for a new subnet: one above the highest in use.
    fn next_id(&self) -> u64 {
        self.ids.values().max().copied().unwrap_or(0) + 1
    }

    /// The same snapshot with `scope` as it is now (`None`: deleted).
    fn with_scope(&self, id: ScopeId, scope: Option<Scope>, kea_id: Option<u64>) -> Self {
        let mut next = self.clone();
        next.scopes.retain(|s| s.id != id);
        match scope {
            Some(s) => {
                next.scopes.push(s);
                next.scopes.sort_by_key(|s| s.id);
                if let Some(k) = kea_id {
                    next.ids.insert(id, k);
                }
            }
            None => {
                next.ids.remove(&id);
            }
        }
        if let Some(r) = &mut next.relationship {
            r.scopes = next.scopes.iter().map(|s| s.id).collect();
        }
        next
    }
}

/// The last snapshot of each server that has `config-hash-get`, by control URL: used again
/// while the server's hash has not moved.
static SNAPSHOTS: LazyLock<StdMutex<HashMap<String, Arc<Snapshot>>>> =
    LazyLock::new(Default::default);

/// The last snapshot of each server that keeps its reservations in a hosts database, by
/// control URL, kept by its configuration hash for **checks only**: Tandem's rules before a
/// targeted host command (which Kea enforces again) and the HA relationship. The database's
/// own changes do not move the hash, so such a snapshot is never the base of a write that
/// replaces whole reservation lists; those read the server whole.
static CHECKS: LazyLock<StdMutex<HashMap<String, Arc<Snapshot>>>> = LazyLock::new(Default::default);

/// One write at a time per Kea server from this Tandem: Kea has no conditional write, so a
/// read-modify-write must not interleave with another.
fn write_lock(url: &str) -> Arc<Mutex<()>> {
    static LOCKS: LazyLock<StdMutex<HashMap<String, Arc<Mutex<()>>>>> =
        LazyLock::new(Default::default);
    LOCKS
        .lock()
        .expect("lock table")
        .entry(url.to_string())
        .or_default()
        .clone()
}

/// Kea's HA state, in Tandem's words.
pub fn state_of(raw: &str) -> FailoverState {
    match raw {
        "load-balancing" | "hot-standby" | "backup" => FailoverState::Normal,
        // partner-in-maintenance: serving every client while its partner is maintained.
        "partner-down" | "partner-in-maintenance" => FailoverState::PartnerDown,
        "communication-recovery" | "in-maintenance" => FailoverState::CommunicationInterrupted,
        "waiting" => FailoverState::Startup,
        "syncing" => FailoverState::Recover,
        "ready" => FailoverState::RecoverDone,
        "terminated" => FailoverState::PotentialConflict,
        _ => FailoverState::Init,
    }
}

/// A peer in its relationship's normal state (a hot standby's standby too).
pub fn normal_state(raw: &str) -> bool {
    matches!(raw, "load-balancing" | "hot-standby")
}

/// The HA states in which a server hands out leases.
pub fn serving(raw: &str) -> bool {
    matches!(
        raw,
        "load-balancing"
            | "hot-standby"
            | "partner-down"
            | "partner-in-maintenance"
            | "communication-recovery"
    )
}

impl KeaDriver {
    pub fn new(name: ServerName, url: String, client: reqwest::Client) -> Self {
        Self {
            name,
            url,
            client,
            memo: StdMutex::new(None),
            unsettled: StdMutex::new(None),
            read_here: Default::default(),
            basic_auth: None,
            touched: StdMutex::new(None),
        }
    }

    /// Whether what this operation holds of the server is a whole read made in it.
    fn read_here(&self) -> bool {
        self.read_here.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn set_read_here(&self, fresh: bool) {
        self.read_here
            .store(fresh, std::sync::atomic::Ordering::Relaxed);
    }

    /// Sends HTTP basic authentication with every command.
    pub fn with_basic_auth(mut self, credentials: Option<(String, String)>) -> Self {
        self.basic_auth = credentials;
        self
    }

    fn no_scope(&self, id: ScopeId) -> DriverError {
        DriverError::NotFound {
            server: self.name.clone(),
            what: format!("scope {id}"),
        }
    }

    fn unsupported(&self, what: &str) -> DriverError {
        DriverError::NotSupported {
            server: self.name.clone(),
            what: format!("{what} (not supported by Kea)"),
        }
    }

    /// What the server offers (asked at most every half minute).
    pub async fn offer(&self) -> Result<Arc<Offer>, DriverError> {
        if let Some(known) = offer::remembered(&self.url) {
            return Ok(known);
        }
        let version = self.exchange("version-get", None).await?;
        let commands = self.command("list-commands", None).await?;
        let commands = commands
            .as_array()
            .ok_or_else(|| self.protocol("list-commands without a list"))?
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string));
        let offer = Arc::new(Offer::new(version.text.trim(), commands));
        offer::remember(&self.url, offer.clone());
        Ok(offer)
    }

    /// The running configuration (`Dhcp4`) and its hash where the server gives one, read now.
    async fn fetch(&self) -> Result<(Value, Option<String>), DriverError> {
        let mut args = self.command("config-get", None).await?;
        let hash = args.get("hash").and_then(Value::as_str).map(str::to_string);
        let config = args
            .get_mut("Dhcp4")
            .map(Value::take)
            .ok_or_else(|| self.protocol("config-get without Dhcp4"))?;
        Ok((config, hash))
    }

    /// The server's configuration hash, where it has `config-hash-get`.
    async fn hash(&self, offer: &Offer) -> Result<Option<String>, DriverError> {
        if !offer.config_hash() {
            return Ok(None);
        }
        let args = self.command("config-hash-get", None).await?;
        Ok(args.get("hash").and_then(Value::as_str).map(str::to_string))
    }

    /// Keeps what this operation knows of the server; between operations too, by its hash,
    /// where the hash covers everything Tandem reads (not where reservations live in a hosts
    /// database, whose changes do not move it).
    fn keep(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let snapshot = Arc::new(snapshot);
        *self.memo.lock().expect("memo") = Some(snapshot.clone());
        // Only a whole read (which says so after this) is a fresh read of this operation.
        self.set_read_here(false);
        let file = snapshot.hosts == Hosts::File;
        for (map, here) in [(&SNAPSHOTS, file), (&CHECKS, !file)] {
            let mut kept = map.lock().expect("snapshots");
            if snapshot.hash.is_some() && here {
                kept.insert(self.url.clone(), snapshot.clone());
            } else {
                kept.remove(&self.url);
            }
        }
        snapshot
    }

    /// The server as it is: [`KeaDriver::snapshot`], and for a server with a hosts database a
    /// whole read unless this operation made one (its database's changes do not move the
    /// hash). What replication copies and whole-scope writes compare against.
    async fn authoritative(&self) -> Result<Arc<Snapshot>, DriverError> {
        let snapshot = self.snapshot().await?;
        let read_here = self.read_here();
        match snapshot.hosts {
            Hosts::Database { .. } if !read_here => self.read_whole().await,
            _ => Ok(snapshot),
        }
    }

    /// What Tandem knows of the server for checking a change: [`KeaDriver::snapshot`], or for
    /// a server with a hosts database what it last read or wrote there while its configuration
    /// hash has not moved (see [`CHECKS`]).
    async fn for_checks(&self) -> Result<Arc<Snapshot>, DriverError> {
        if let Some(seen) = self.memo.lock().expect("memo").clone() {
            return Ok(seen);
        }
        let kept = CHECKS.lock().expect("checks").get(&self.url).cloned();
        if let Some(kept) = kept {
            let offer = self.offer().await?;
            if kept.hash.is_some() && self.hash(&offer).await? == kept.hash {
                *self.memo.lock().expect("memo") = Some(kept.clone());
                self.set_read_here(false);
                return Ok(kept);
            }
            // The configuration changed: read again, the database's reservations as known.
            let (config, hash) = self.fetch().await?;
            if let Some(next) = Snapshot::carried(&kept, &config, hash.clone(), &self.name)? {
                return Ok(self.keep(next));
            }
            return self.read_whole_from(config, hash).await;
        }
        self.snapshot().await
    }

    /// After a write to a hosts database: what other servers on the same database were known
    /// to hold there is stale (their configuration hash did not move), so it is forgotten.
    fn forget_sharers(&self, hosts: &Hosts) {
        if let Hosts::Database { .. } = hosts {
            CHECKS
                .lock()
                .expect("checks")
                .retain(|url, s| url == &self.url || s.hosts != *hosts);
        }
    }

    /// Reads the server whole: its configuration and, where it keeps reservations in a hosts
    /// database, those too.
    async fn read_whole(&self) -> Result<Arc<Snapshot>, DriverError> {
        let (config, hash) = self.fetch().await?;
        self.read_whole_from(config, hash).await
    }

    /// [`Self::read_whole`] with the configuration just read.
    async fn read_whole_from(
        &self,
        mut config: Value,
        hash: Option<String>,
    ) -> Result<Arc<Snapshot>, DriverError> {
        let mut in_config = HashMap::new();
        let mut global_db = Vec::new();
        if let Hosts::Database { .. } = Hosts::of(&config) {
            in_config = Snapshot::config_reservations(&config);
            global_db = self.merge_database_hosts(&mut config).await?;
        }
        let mut snapshot = Snapshot::of(&config, hash, &self.name)?;
        snapshot.in_config = in_config;
        global_hosts::add_database_hosts(&mut snapshot.globals, &global_db);
        snapshot.global_db = global_db;
        let snapshot = self.keep(snapshot);
        self.set_read_here(true);
        Ok(snapshot)
    }

    /// Adds the hosts database's reservations to each subnet's `reservations`, page by page
    /// (`reservation-get-page` walks the configuration's hosts, source 0, which `config-get`
    /// already has, then each database's); returns its server-wide ones (subnet 0).
    async fn merge_database_hosts(&self, config: &mut Value) -> Result<Vec<Value>, DriverError> {
        let mut by_subnet: HashMap<u64, Vec<Value>> = HashMap::new();
        let mut next = json!({ "limit": 1000 });
        loop {
            let answer = self
                .exchange("reservation-get-page", Some(next.clone()))
                .await?;
            if answer.result == RESULT_EMPTY {
                break;
            }
            let args = self.accepted("reservation-get-page", answer)?;
            let source = args["next"]["source-index"].as_u64().unwrap_or(0);
            let hosts = args["hosts"].as_array().cloned().unwrap_or_default();
            if hosts.is_empty() {
                break;
            }
            if source > 0 {
                for host in hosts {
                    if let Some(id) = host.get("subnet-id").and_then(Value::as_u64) {
                        by_subnet.entry(id).or_default().push(host);
                    }
                }
            }
            next = json!({
                "limit": 1000,
                "source-index": args["next"]["source-index"],
                "from": args["next"]["from"],
            });
        }
        subnets::each_mut(config, |subnet| {
            let Some(hosts) = subnet
                .get("id")
                .and_then(Value::as_u64)
                .and_then(|id| by_subnet.remove(&id))
            else {
                return;
            };
            if !subnet.get("reservations").is_some_and(Value::is_array) {
                subnet["reservations"] = json!([]);
            }
            let list = subnet["reservations"].as_array_mut().expect("an array");
            list.extend(hosts);
        });
        Ok(by_subnet.remove(&0).unwrap_or_default())
    }

    /// What Tandem knows of the server for this operation: read once, or kept from an earlier
    /// operation while the server's configuration hash has not moved (never for a server with
    /// a hosts database: see [`KeaDriver::keep`]).
    async fn snapshot(&self) -> Result<Arc<Snapshot>, DriverError> {
        if let Some(seen) = self.memo.lock().expect("memo").clone() {
            return Ok(seen);
        }
        let offer = self.offer().await?;
        if let Some(now) = self.hash(&offer).await? {
            let kept = SNAPSHOTS.lock().expect("snapshots").get(&self.url).cloned();
            if let Some(kept) = kept.filter(|k| k.hash.as_deref() == Some(now.as_str())) {
                *self.memo.lock().expect("memo") = Some(kept.clone());
                return Ok(kept);
            }
        }
        self.read_whole().await
    }

    /// The read-modify-write of the whole configuration (`config-set`): `change` edits the
    /// running configuration (and may refuse), then Kea checks it (`config-test`) before
    /// `config-set` and `config-write`. The caller holds the server's write lock.
    async fn modify_config_held<T>(
        &self,
        change: impl FnOnce(&mut Value) -> Result<T, DriverError>,
    ) -> Result<T, DriverError> {
        *self.memo.lock().expect("memo") = None;
        let (mut config, _) = self.fetch().await?;
        let ha_before = ha::relationship_of(&config, Vec::new());
        let out = change(&mut config)?;
        let whole = json!({ "Dhcp4": config });
        self.command("config-test", Some(whole.clone())).await?;
        // A server in HA restarts its HA service on config-set; the service waits for it to
        // serve again before it writes the partner.

        let state_before = match &ha_before {
            Some(_) => self.ha_state().await.ok(),
            None => None,
        };
        self.command("config-set", Some(whole.clone())).await?;
        self.command("config-write", None)
            .await
            .map_err(|e| self.unsaved("config-set", e))?;
        let Value::Object(mut whole) = whole else {
            unreachable!("built as an object")
        };
        let config = whole.remove("Dhcp4").expect("built with Dhcp4");
        let ha_after = ha::relationship_of(&config, Vec::new());
        // A change of the relationship that keeps its mode (Tandem's own values, automatic
        // failover) is waited for too. One of mode is not: a peer whose mode differs from its
        // partner's stays `waiting` until the partner has the same (seen on Kea 2.2 and 3.0),
        // so the partner is written at once.
        let same_mode = match (&ha_before, &ha_after) {
            (Some(before), Some(after)) => before.mode == after.mode,
            _ => false,
        };
        if let (Some(state), true) = (state_before, same_mode) {
            *self.unsettled.lock().expect("unsettled") = Some((state, ha::settle_time(&config)));
        }
        // The hosts of a hosts database are not in the configuration: read again next time.
        match Hosts::of(&config) {
            Hosts::File => {
                let offer = self.offer().await?;
                let hash = self.hash(&offer).await?;
                self.keep(Snapshot::of(&config, hash, &self.name)?);
            }
            Hosts::Database { .. } => {
                SNAPSHOTS.lock().expect("snapshots").remove(&self.url);
            }
        }
        Ok(out)
    }

    async fn modify_config<T>(
        &self,
        change: impl FnOnce(&mut Value) -> Result<T, DriverError>,
    ) -> Result<T, DriverError> {
        let lock = write_lock(&self.url);
        let _held = lock.lock().await;
        self.modify_config_held(change).await
    }

    /// A change to the scopes through `config-set`: `change` gets them as they are and
    /// returns the scopes it touched; Tandem's rules are checked on those, and Kea's own
    /// subnet entries are kept for what Tandem does not manage in them.
    async fn modify_held<T>(
        &self,
        change: impl FnOnce(&mut Vec<Scope>) -> Result<(T, Vec<ScopeId>), DriverError>,
    ) -> Result<T, DriverError> {
        self.modify_config_held(|config| self.rewrite_scopes(config, change))
            .await
    }

    /// [`KeaDriver::modify_held`]'s change, made on a configuration being written.
    fn rewrite_scopes<T>(
        &self,
        config: &mut Value,
        change: impl FnOnce(&mut Vec<Scope>) -> Result<(T, Vec<ScopeId>), DriverError>,
    ) -> Result<T, DriverError> {
        let (read, _) = subnets::read(config);
        let before: Vec<(subnets::Location, Scope)> =
            read.into_iter().map(|(l, s, _)| (l, s)).collect();
        let mut scopes: Vec<Scope> = before.iter().map(|(_, s)| s.clone()).collect();
        let (out, touched) = change(&mut scopes)?;
        for scope in scopes.iter().filter(|s| touched.contains(&s.id)) {
            tandem_core::validate::scope_fits_on(Placement::InSubnet, &scopes, scope)
                .map_err(|errors| self.rejected(errors))?;
        }
        subnets::rewrite(config, &before, &scopes, &touched)
            .map_err(|errors| self.rejected(errors))?;
        Ok(out)
    }
    /// A change that ran but was not saved: `command` worked, the `config-write` after it did
    /// not. Said plainly, never hidden.
    fn unsaved(&self, command: &str, e: DriverError) -> DriverError {
        self.refused(
            "kea",
            format!(
                "{command} was applied on {} but config-write failed ({e}): the running server has the change, its configuration file does not",
                self.name
            ),
        )
    }

    /// The name this server goes by in its HA configuration, if it is in HA.
    pub async fn ha_name(&self) -> Result<Option<String>, DriverError> {
        Ok(self.snapshot().await?.ha_name.clone())
    }

    /// The relationship named `name`, as this server's configuration has it.
    fn named(&self, snapshot: &Snapshot, name: &str) -> Result<FailoverRelationship, DriverError> {
        snapshot
            .relationship
            .clone()
            .filter(|r| r.name == name)
            .ok_or_else(|| DriverError::NotFound {
                server: self.name.clone(),
                what: format!("relationship {name}"),
            })
    }

    /// This server's HA state, raw.
    async fn ha_state(&self) -> Result<String, DriverError> {
        let heartbeat = self.command("ha-heartbeat", None).await?;
        Ok(heartbeat
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string())
    }

    /// How this server is written, in words (Server Properties).
    pub async fn describe_writes(&self) -> Result<String, DriverError> {
        let offer = self.offer().await?;
        let snapshot = self.snapshot().await?;
        Ok(offer.describe(&snapshot.hosts))
    }

    /// Where this server keeps its reservations: from what is known of it, else from its
    /// configuration (read without keeping it for the operation).
    pub async fn hosts(&self) -> Result<Hosts, DriverError> {
        let known = self
            .memo
            .lock()
            .expect("memo")
            .clone()
            .or_else(|| SNAPSHOTS.lock().expect("snapshots").get(&self.url).cloned())
            .or_else(|| CHECKS.lock().expect("checks").get(&self.url).cloned());
        match known {
            Some(s) => Ok(s.hosts.clone()),
            None => Ok(Hosts::of(&self.fetch().await?.0)),
        }
    }

    /// Before a write: what the operation read is checked again (by hash, cheaply) unless it
    /// was read whole in this very operation from a server with a hosts database (which has no
    /// cheap check, and was read a moment ago).
    fn begin_write(&self) {
        let read_here = self.read_here();
        let mut memo = self.memo.lock().expect("memo");
        let database = memo
            .as_ref()
            .is_some_and(|s| matches!(s.hosts, Hosts::Database { .. }));
        if !(read_here && database) {
            *memo = None;
        }
    }
}

impl KeaDriver {
    pub const CAPABILITIES: Capabilities = Capabilities {
        product: "Kea",
        reservation_edits: true,
        service_control: false,
        partner_down: false,
        maintenance: true,
        failover_per_scope: false,
        load_balance_split: false,
        standby_reserve: false,
        message_auth: false,
        placement: Placement::InSubnet,
        shared_networks: true,
    };
}

#[async_trait]
impl DhcpDriver for KeaDriver {
    fn server(&self) -> &ServerName {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        Self::CAPABILITIES
    }

    /// The configuration hash, where the server has `config-hash-get` and keeps its
    /// reservations in its configuration (a hosts database's changes do not move the hash, so
    /// such a server is read whole at every look).
    async fn revision(&self) -> Result<Option<String>, DriverError> {
        let offer = self.offer().await?;
        let kept_hosts = SNAPSHOTS
            .lock()
            .expect("snapshots")
            .get(&self.url)
            .map(|s| s.hosts.clone());
        match kept_hosts {
            Some(Hosts::File) => self.hash(&offer).await,
            _ => Ok(None),
        }
    }

    async fn write_method(&self) -> Option<String> {
        self.describe_writes().await.ok()
    }

    async fn usage(
        &self,
        scopes: &[Scope],
    ) -> Result<Vec<(ScopeId, tandem_core::usage::ScopeUsage)>, DriverError> {
        self.read_usage(scopes).await
    }

    async fn find_leases(
        &self,
        query: &tandem_core::usage::LeaseQuery,
    ) -> Result<Vec<tandem_core::usage::LeaseHit>, DriverError> {
        self.search_leases(query).await
    }

    async fn delete_lease(&self, ip: Ipv4Addr) -> Result<bool, DriverError> {
        self.remove_lease(ip).await
    }

    async fn clear_leases(&self, scope: ScopeId) -> Result<u64, DriverError> {
        self.wipe_leases(scope).await
    }

    async fn review_facts(&self) -> Result<tandem_core::review::ServerFacts, DriverError> {
        self.read_facts().await
    }

    async fn client_classes(&self) -> Result<Option<Vec<tandem_core::ClientClass>>, DriverError> {
        Ok(Some(self.for_checks().await?.classes.clone()))
    }

    async fn put_client_class(
        &self,
        creating: Option<bool>,
        class: &tandem_core::ClassSpec,
    ) -> Result<(), DriverError> {
        self.write_class(creating, class).await
    }

    async fn delete_client_class(&self, name: &str) -> Result<(), DriverError> {
        self.remove_class(name).await
    }

    async fn server_options(&self) -> Result<Option<tandem_core::ServerOptions>, DriverError> {
        Ok(Some(self.for_checks().await?.server_options.clone()))
    }

    async fn put_server_options(
        &self,
        options: &std::collections::BTreeMap<u8, tandem_core::OptionValue>,
    ) -> Result<(), DriverError> {
        self.write_server_options(options).await
    }

    async fn global_reservations(
        &self,
    ) -> Result<Option<tandem_core::GlobalReservations>, DriverError> {
        Ok(Some(self.for_checks().await?.globals.clone()))
    }

    async fn put_scope_host(
        &self,
        scope: ScopeId,
        change: &GlobalChange,
    ) -> Result<(), DriverError> {
        self.write_subnet_host(scope, change).await
    }
    async fn put_global_reservation(&self, change: &GlobalChange) -> Result<(), DriverError> {
        self.put_global(change).await
    }

    async fn copy_global_reservations(
        &self,
        from: &tandem_core::GlobalReservations,
    ) -> Result<(), DriverError> {
        self.copy_globals(from).await
    }

    async fn pool(
        &self,
        scope: ScopeId,
        range: tandem_core::IpRange,
    ) -> Result<Option<tandem_core::PoolSettings>, DriverError> {
        self.read_pool(scope, range).await.map(Some)
    }

    async fn put_pool(
        &self,
        scope: ScopeId,
        range: tandem_core::IpRange,
        classes: &[String],
        options: &std::collections::BTreeMap<u8, tandem_core::OptionValue>,
    ) -> Result<(), DriverError> {
        self.write_pool(scope, range, classes, options).await
    }

    async fn shared_hosts(&self) -> Option<String> {
        match self.hosts().await {
            Ok(Hosts::Database { identity, .. }) => Some(identity),
            _ => None,
        }
    }

    async fn scopes(&self) -> Result<Vec<Scope>, DriverError> {
        Ok(self.authoritative().await?.scopes.clone())
    }

    async fn scopes_to_check(&self) -> Result<Vec<Scope>, DriverError> {
        Ok(self.for_checks().await?.scopes.clone())
    }

    async fn scope_to_check(&self, id: ScopeId) -> Result<Scope, DriverError> {
        self.for_checks()
            .await?
            .scope(id)
            .cloned()
            .ok_or_else(|| self.no_scope(id))
    }

    async fn scope(&self, id: ScopeId) -> Result<Scope, DriverError> {
        self.authoritative()
            .await?
            .scope(id)
            .cloned()
            .ok_or_else(|| self.no_scope(id))
    }

    async fn put_scope(&self, scope: &Scope) -> Result<(), DriverError> {
        self.write_scope(scope, writes::ScopeWrite::Whole).await
    }

    async fn put_scope_properties(
        &self,
        scope: &Scope,
        if_version: Option<&str>,
    ) -> Result<(), DriverError> {
        self.write_scope_properties(scope, if_version).await
    }

    async fn add_reservation(&self, scope: ScopeId, r: &Reservation) -> Result<(), DriverError> {
        self.write_reservation(scope, writes::HostChange::Add(r.clone()))
            .await
    }

    async fn update_reservation(
        &self,
        scope: ScopeId,
        ip: Ipv4Addr,
        r: &Reservation,
        if_match: Option<&str>,
    ) -> Result<(), DriverError> {
        self.write_reservation(
            scope,
            writes::HostChange::Update {
                ip,
                new: r.clone(),
                if_match: if_match.map(str::to_string),
            },
        )
        .await
    }

    async fn remove_reservation(&self, scope: ScopeId, ip: Ipv4Addr) -> Result<(), DriverError> {
        self.write_reservation(scope, writes::HostChange::Remove(ip))
            .await
    }

    async fn delete_scope(&self, scope: ScopeId) -> Result<(), DriverError> {
        // In a Kea pair every subnet is in failover; Tandem's service refuses the delete of a
        // failover scope before it gets here.
        self.remove_scope(scope).await
    }

    async fn failover(&self) -> Result<Vec<FailoverReport>, DriverError> {
        let snapshot = self.for_checks().await?;
        let Some(relationship) = snapshot.relationship.clone() else {
            return Ok(Vec::new());
        };
        let raw = self.ha_state().await?;
        Ok(vec![FailoverReport {
            relationship,
            state: state_of(&raw),
            raw_state: raw,
        }])
    }

    async fn relationships(&self) -> Result<Vec<FailoverRelationship>, DriverError> {
        Ok(self
            .for_checks()
            .await?
            .relationship
            .clone()
            .into_iter()
            .collect())
    }

    async fn create_relationship(&self, c: &RelationshipConfig) -> Result<(), DriverError> {
        self.create_half(c, &[]).await
    }

    async fn create_relationship_holding(
        &self,
        c: &RelationshipConfig,
        copies: &[Scope],
    ) -> Result<(), DriverError> {
        self.create_half(c, copies).await
    }
    async fn update_relationship(&self, c: &RelationshipConfig) -> Result<(), DriverError> {
        let offer = self.offer().await?;
        let style = ha::HookStyle::for_version(&offer.version);
        self.modify_config(|config| {
            let before = ha::relationship_of(config, Vec::new())
                .filter(|r| r.name == c.relationship.name)
                .ok_or_else(|| DriverError::NotFound {
                    server: self.name.clone(),
                    what: format!("relationship {}", c.relationship.name),
                })?;
            let partner = before
                .partner_of(&self.name)
                .cloned()
                .ok_or_else(|| self.protocol("an HA relationship without this server"))?;
            // The peers keep the URLs they have (an HA listener of their own, or their control
            // channel); a new URL only where the configuration names none.
            let mine = ha::peer_url(config, &self.name).unwrap_or_else(|| self.url.clone());
            let theirs = ha::peer_url(config, &partner)
                .or_else(|| c.partner_endpoint.clone())
                .ok_or_else(|| self.protocol(format!("no URL for the HA peer {partner}")))?;
            ha::set_relationship(
                config,
                &self.name,
                &ha::PeerUrls::new(&mine, &theirs),
                &c.relationship,
                style,
            );
            Ok(())
        })
        .await
    }

    async fn update_relationship_with(
        &self,
        partner: &dyn DhcpDriver,
        c: &RelationshipConfig,
    ) -> Result<(), DriverError> {
        let before = self
            .relationships()
            .await?
            .into_iter()
            .find(|r| r.name == c.relationship.name);
        if before.is_some_and(|b| handover::needs_handover(&b, &c.relationship)) {
            return self.hand_over(partner, c).await;
        }
        super::one_then_the_other(self, partner, c).await
    }

    async fn raw_failover_state(&self) -> Option<String> {
        self.ha_state().await.ok()
    }

    async fn delete_relationship(&self, name: &str) -> Result<(), DriverError> {
        self.modify_config(|config| {
            ha::relationship_of(config, Vec::new())
                .filter(|r| r.name == name)
                .ok_or_else(|| DriverError::NotFound {
                    server: self.name.clone(),
                    what: format!("relationship {name}"),
                })?;
            ha::remove_relationship(config);
            Ok(())
        })
        .await
    }

    async fn add_failover_scope(&self, name: &str, scope: ScopeId) -> Result<(), DriverError> {
        // Kea's HA serves every subnet: a scope on this server is in its relationship.
        let snapshot = self.snapshot().await?;
        self.named(&snapshot, name)?;
        if snapshot.scope(scope).is_some() {
            Ok(())
        } else {
            Err(self.no_scope(scope))
        }
    }

    async fn remove_failover_scope(&self, _: &str, _: ScopeId) -> Result<(), DriverError> {
        Err(self.unsupported(
            "taking one scope out of failover: Kea's HA serves every subnet of the server; \
             delete the scope (on both), or delete the relationship",
        ))
    }

    async fn set_partner_down(&self, _: &str) -> Result<FailoverState, DriverError> {
        Err(self.unsupported(
            "setting Partner Down by hand: Kea goes to partner-down by itself when its partner \
             stops answering; to take a partner out, start maintenance on this server",
        ))
    }

    async fn set_service_running(&self, _: bool) -> Result<(), DriverError> {
        Err(self.unsupported("taking the service offline"))
    }

    async fn set_maintenance(&self, name: &str, on: bool) -> Result<FailoverState, DriverError> {
        *self.memo.lock().expect("memo") = None;
        let snapshot = self.snapshot().await?;
        self.named(&snapshot, name)?;
        if on {
            self.command("ha-maintenance-start", None).await?;
            return Ok(state_of(&self.ha_state().await?));
        }
        self.end_maintenance().await
    }

    async fn cancel_maintenance(&self, name: &str) -> Result<(), DriverError> {
        *self.memo.lock().expect("memo") = None;
        let snapshot = self.snapshot().await?;
        self.named(&snapshot, name)?;
        self.command("ha-maintenance-cancel", None).await.map(drop)
    }

    fn touched(&self) -> Option<super::Touched> {
        self.touched.lock().expect("touched").clone()
    }

    fn settle_bound(&self) -> Option<Duration> {
        self.unsettled
            .lock()
            .expect("unsettled")
            .as_ref()
            .map(|(_, bound)| *bound)
    }

    /// After a `config-set` restarted this server's HA service: waits until it serves again
    /// (`load-balancing`, `hot-standby`, `partner-down`…), polling its state; an error when
    /// the wait runs out. Serving is what counts, whatever it was doing before the write.
    async fn settle(&self) -> Result<(), DriverError> {
        let Some((before, bound)) = self.unsettled.lock().expect("unsettled").take() else {
            return Ok(());
        };
        let start = Instant::now();
        loop {
            let last = match self.ha_state().await {
                Ok(state) if serving(&state) => {
                    tracing::info!(server = %self.name, state, waited_ms = start.elapsed().as_millis() as u64, "HA service back after config-set");
                    return Ok(());
                }
                Ok(state) => state,
                Err(e) => e.to_string(),
            };
            if start.elapsed() >= bound {
                return Err(DriverError::NotServing {
                    server: self.name.clone(),
                    detail: format!(
                        "its HA service was not serving again {} s after config-set (it was {before} before, it is {last})",
                        bound.as_secs()
                    ),
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
