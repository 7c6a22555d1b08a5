//! The built-in DHCP server: the small stand-in that ships with Tandem so that a fresh machine
//! has a failover pair to manage. Each one keeps its own configuration in its own file, apart
//! from Tandem's database, and is managed through its own native API (JSON over HTTP on
//! loopback: the equivalent of the seed's PowerShell cmdlets). Changes made through that API
//! are not replicated. It hands out no real leases.

pub mod api;
pub mod failover;
pub mod host;
mod leases;
pub mod seed;

use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use tandem_core::validate::reservation_fits;
use tandem_core::{
    FailoverRelationship, FailoverReport, FailoverState, FieldErrors, Reservation, Scope, ScopeId,
    ServerName,
};
use tokio::sync::Mutex;

pub use leases::Lease;

/// A relationship as the server stores it: with the shared secret, which the API never
/// returns, and where to reach the partner for heartbeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRelationship {
    #[serde(flatten)]
    pub relationship: FailoverRelationship,
    #[serde(default)]
    pub shared_secret: Option<String>,
    /// The partner's native API (`http://127.0.0.1:…`); without it, no heartbeats.
    #[serde(default)]
    pub partner_endpoint: Option<String>,
}

/// Everything a built-in server holds, as saved in its own file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerConfig {
    pub name: ServerName,
    /// Where its native API listens; port 0 picks a free port at first start, then keeps it.
    pub listen: SocketAddr,
    /// False while the DHCP service is stopped (the server is "offline").
    #[serde(default = "running_default")]
    pub running: bool,
    #[serde(default)]
    pub scopes: Vec<Scope>,
    #[serde(default)]
    pub leases: Vec<Lease>,
    #[serde(default)]
    pub failover: Vec<StoredRelationship>,
    #[serde(default)]
    pub timing: failover::Timing,
}

fn running_default() -> bool {
    true
}

impl ServerConfig {
    pub fn new(name: ServerName, listen: SocketAddr) -> Self {
        Self {
            name,
            listen,
            running: true,
            scopes: Vec::new(),
            leases: Vec::new(),
            failover: Vec::new(),
            timing: failover::Timing::default(),
        }
    }

    /// The file a server named `name` keeps its configuration in, under `dir`.
    pub fn path_in(dir: &Path, name: &ServerName) -> PathBuf {
        dir.join(format!("{name}.json"))
    }

    pub async fn load(path: &Path) -> Result<Self, std::io::Error> {
        let text = tokio::fs::read_to_string(path).await?;
        serde_json::from_str(&text).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", path.display()),
            )
        })
    }

    /// Saves atomically and durably: a reader sees the old file or the new one, never half of
    /// one, and once this returns the new one survives a crash (file and folder are synced).
    pub async fn save(&self, path: &Path) -> Result<(), std::io::Error> {
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let path = path.to_path_buf();
        // One trip to a blocking thread for the whole write, not one per step.
        tokio::task::spawn_blocking(move || write_durably(&path, &text))
            .await
            .map_err(std::io::Error::other)?
    }

    pub fn scope(&self, id: ScopeId) -> Option<&Scope> {
        self.scopes.iter().find(|s| s.id == id)
    }

    fn scope_mut(&mut self, id: ScopeId) -> Result<&mut Scope, Failure> {
        self.scopes
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| Failure::NotFound(format!("scope {id}")))
    }
}

/// Writes `bytes` to `path` through a temporary file renamed over it, with the file and its
/// folder synced: a reader sees the old contents or the new, and the new survive a crash.
fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("json.tmp");
    let mut file = crate::files::create_private(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Why the built-in server refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The DHCP service is stopped.
    Stopped,
    NotFound(String),
    Invalid(FieldErrors),
    /// The reservation changed since the version the caller named; here is what it is now.
    Stale(Box<Reservation>),
    /// The scope changed since the version the caller named.
    StaleScope(ScopeId),
    Storage(String),
    /// A failover message that does not carry the relationship's shared secret's signature.
    Unauthenticated(String),
}

/// One running built-in server: its configuration, guarded, and the file it lives in.
pub struct BuiltinServer {
    path: PathBuf,
    config: Mutex<ServerConfig>,
    /// Each relationship's failover state, by relationship name (not saved: a server that
    /// starts is in Startup).
    machines: std::sync::Mutex<std::collections::HashMap<String, failover::Machine>>,
    /// Changes since this process started; with `boot`, the revision a reader compares.
    changes: std::sync::atomic::AtomicU64,
    boot: u64,
}

impl BuiltinServer {
    pub fn new(path: PathBuf, config: ServerConfig) -> Self {
        Self {
            path,
            config: Mutex::new(config),
            machines: Default::default(),
            changes: Default::default(),
            boot: {
                let mut b = [0u8; 8];
                getrandom::getrandom(&mut b).expect("the OS random source works");
                u64::from_le_bytes(b)
            },
        }
    }

    /// The configuration's revision: a different answer means it may have changed since the
    /// last one (Tandem's drift watch re-reads a server only then).
    pub fn revision(&self) -> String {
        let n = self.changes.load(std::sync::atomic::Ordering::Acquire);
        format!("{:016x}-{n}", self.boot)
    }

    fn changed(&self) {
        self.changes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Name, whether the service runs, and the revision, without copying the configuration.
    pub async fn info(&self) -> (ServerName, bool, String) {
        let c = self.config.lock().await;
        (c.name.clone(), c.running, self.revision())
    }

    fn machine(&self, name: &str) -> failover::Machine {
        *self
            .machines
            .lock()
            .expect("machines lock")
            .entry(name.to_string())
            .or_insert_with(|| failover::Machine::starting(std::time::Instant::now()))
    }

    fn set_machine(&self, name: &str, m: failover::Machine) {
        self.machines
            .lock()
            .expect("machines lock")
            .insert(name.to_string(), m);
    }

    /// Sets a relationship's state only if it is still `expected`: a heartbeat round that
    /// waited on its partner must not undo what happened meanwhile (Partner Down set by an
    /// administrator). Returns whether it was set.
    fn set_machine_if(
        &self,
        name: &str,
        expected: &failover::Machine,
        m: failover::Machine,
    ) -> bool {
        let mut machines = self.machines.lock().expect("machines lock");
        let current = machines
            .entry(name.to_string())
            .or_insert_with(|| failover::Machine::starting(std::time::Instant::now()));
        if current != expected {
            return false;
        }
        *current = m;
        true
    }

    /// The relationships with this server's state in each (Get-DhcpServerv4Failover).
    pub async fn failover_reports(&self) -> Result<Vec<FailoverReport>, Failure> {
        let relationships = self.read(|c| Ok(c.failover.clone())).await?;
        Ok(relationships
            .into_iter()
            .map(|f| {
                let state = self.machine(&f.relationship.name).state;
                FailoverReport {
                    relationship: f.relationship,
                    state,
                    raw_state: state.to_string(),
                }
            })
            .collect())
    }

    /// Answers a partner's heartbeat with this server's state in that relationship.
    pub async fn heartbeat(&self, name: &str) -> Result<FailoverState, Failure> {
        let known = self
            .read(|c| Ok(c.failover.iter().any(|f| f.relationship.name == name)))
            .await?;
        if !known {
            return Err(Failure::NotFound(format!("relationship {name}")));
        }
        Ok(self.machine(name).state)
    }

    /// A partner's heartbeat (`partner` its state): answered with this server's state, once its
    /// signature is checked where the relationship authenticates its messages.
    pub async fn partner_heartbeat(
        &self,
        name: &str,
        partner: FailoverState,
        signature: Option<&str>,
    ) -> Result<FailoverState, Failure> {
        let secret = self
            .read(|c| {
                let stored = c
                    .failover
                    .iter()
                    .find(|f| f.relationship.name == name)
                    .ok_or_else(|| Failure::NotFound(format!("relationship {name}")))?;
                Ok(stored
                    .relationship
                    .enable_auth
                    .then(|| stored.shared_secret.clone().unwrap_or_default()))
            })
            .await?;
        if let Some(secret) = secret
            && !signature.is_some_and(|sig| heartbeat_signed(&secret, name, partner, sig))
        {
            return Err(Failure::Unauthenticated(format!(
                "a heartbeat for {name} without a valid signature by its shared secret"
            )));
        }
        Ok(self.machine(name).state)
    }

    /// Set Partner Down (only when communication is interrupted).
    pub async fn set_partner_down(&self, name: &str) -> Result<FailoverState, Failure> {
        self.heartbeat(name).await?;
        let m = self.machine(name);
        let state = failover::partner_down(&m).map_err(|message| {
            Failure::Invalid(tandem_core::FieldError::new("state", message).into())
        })?;
        if state != m.state {
            self.set_machine(
                name,
                failover::Machine {
                    state,
                    entered: std::time::Instant::now(),
                    ..m
                },
            );
            tracing::info!(relationship = name, "Partner Down set by an administrator");
        }
        Ok(state)
    }

    /// One round of heartbeats: each relationship asks its partner and moves on what it hears.
    /// The configuration lock is not held while the partner is asked (it may be asking us).
    pub async fn tick(&self, client: &reqwest::Client) {
        let (running, relationships, timing, me) = {
            let c = self.config.lock().await;
            (c.running, c.failover.clone(), c.timing, c.name.clone())
        };
        if !running {
            return;
        }
        for stored in relationships {
            let name = stored.relationship.name.clone();
            let m = self.machine(&name);
            let secret = stored
                .shared_secret
                .as_deref()
                .filter(|_| stored.relationship.enable_auth);
            let contact = match &stored.partner_endpoint {
                Some(endpoint) => {
                    ask_partner(client, endpoint, &name, m.state, timing, secret).await
                }
                None => failover::Contact::Lost,
            };
            let now = std::time::Instant::now();
            let next = failover::step(&m, contact, &stored.relationship, now, &timing);
            let last_contact = match contact {
                failover::Contact::Reached(_) => now,
                failover::Contact::Lost => m.last_contact,
            };
            let entered = if next == m.state { m.entered } else { now };
            let set = self.set_machine_if(
                &name,
                &m,
                failover::Machine {
                    state: next,
                    entered,
                    last_contact,
                },
            );
            if set && next != m.state {
                tracing::info!(server = %me, relationship = %name, from = %m.state, to = %next, "failover state");
            }
        }
    }

    pub async fn snapshot(&self) -> ServerConfig {
        self.config.lock().await.clone()
    }

    /// Reads the configuration while the service runs.
    pub async fn read<T>(
        &self,
        f: impl FnOnce(&ServerConfig) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let config = self.config.lock().await;
        if !config.running {
            return Err(Failure::Stopped);
        }
        f(&config)
    }

    /// Applies a change to a copy, checks every touched scope, saves it, and only then makes it
    /// current: a refused or unsaved change leaves the server as it was.
    pub async fn change<T>(
        &self,
        f: impl FnOnce(&mut ServerConfig) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let mut current = self.config.lock().await;
        if !current.running {
            return Err(Failure::Stopped);
        }
        let mut next = current.clone();
        let out = f(&mut next)?;
        for scope in &next.scopes {
            if current.scope(scope.id) != Some(scope) {
                tandem_core::validate::scope_fits(&next.scopes, scope).map_err(Failure::Invalid)?;
            }
        }
        next.save(&self.path)
            .await
            .map_err(|e| Failure::Storage(e.to_string()))?;
        *current = next;
        self.changed();
        Ok(out)
    }

    /// Applies an administrative change (one that works while the service is stopped) to a
    /// copy, saves it, and only then makes it current; nothing is written when nothing changed.
    async fn administer(&self, f: impl FnOnce(&mut ServerConfig)) -> Result<(), Failure> {
        let mut current = self.config.lock().await;
        let mut next = current.clone();
        f(&mut next);
        if next != *current {
            next.save(&self.path)
                .await
                .map_err(|e| Failure::Storage(e.to_string()))?;
            *current = next;
            self.changed();
        }
        Ok(())
    }

    /// Sets the heartbeat timing (saved with the server).
    pub async fn set_timing(&self, timing: failover::Timing) -> Result<(), Failure> {
        self.administer(|c| c.timing = timing).await
    }

    /// Records where each relationship's partner listens, when it is a server in `endpoints`.
    pub async fn set_partner_endpoints(
        &self,
        endpoints: &std::collections::HashMap<ServerName, String>,
    ) -> Result<(), Failure> {
        self.administer(|c| {
            let me = c.name.clone();
            for f in &mut c.failover {
                if let Some(endpoint) = f
                    .relationship
                    .partner_of(&me)
                    .and_then(|p| endpoints.get(p))
                {
                    f.partner_endpoint = Some(endpoint.clone());
                }
            }
        })
        .await
    }

    /// Starts or stops the DHCP service: while stopped, every other call is refused and no
    /// heartbeats are sent or answered; a start begins every relationship in Startup.
    pub async fn set_running(&self, running: bool) -> Result<(), Failure> {
        if running {
            self.machines.lock().expect("machines lock").clear();
        }
        self.changed();
        self.administer(|c| c.running = running).await
    }
}

/// Sends one heartbeat; the partner's answer is its state.
async fn ask_partner(
    client: &reqwest::Client,
    endpoint: &str,
    name: &str,
    mine: FailoverState,
    timing: failover::Timing,
    secret: Option<&str>,
) -> failover::Contact {
    let url = format!("{endpoint}/v1/failover/{}/heartbeat", urlencode(name));
    let mut request = client.post(url).timeout(
        timing
            .heartbeat()
            .max(std::time::Duration::from_millis(500)),
    );
    if let Some(secret) = secret {
        request = request.header(
            HEARTBEAT_AUTH,
            sign_heartbeat(secret, name, mine, unix_ms()),
        );
    }
    let answer = request.json(&mine).send().await;
    match answer {
        Ok(r) if r.status().is_success() => match r.json::<FailoverState>().await {
            Ok(state) => failover::Contact::Reached(state),
            Err(_) => failover::Contact::Lost,
        },
        _ => failover::Contact::Lost,
    }
}

/// The file (beside the built-in servers' own, 0600) holding the secret every call to their
/// native API must carry (`Authorization: Bearer …`): Tandem's drivers, the CLI and the
/// partners' heartbeats read it; no other process or web page has it.
pub const API_SECRET_FILE: &str = "api-secret";

/// The native API's secret for the built-in servers kept in `dir`, made (256 random bits, hex,
/// 0600) when missing.
pub fn api_secret(dir: &Path) -> std::io::Result<String> {
    use std::io::Write;
    let path = dir.join(API_SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= 32 => return Ok(text.trim().to_string()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let secret = crate::service::new_token();
    let mut file = crate::files::create_private(&path)?;
    file.write_all(secret.as_bytes())?;
    file.sync_all()?;
    Ok(secret)
}

/// The header a heartbeat's signature travels in, when its relationship authenticates them.
pub const HEARTBEAT_AUTH: &str = "x-tandem-heartbeat-auth";

/// How far a signed heartbeat's time may be from the receiver's clock (a replayed one is older).
const HEARTBEAT_SKEW_MS: u64 = 60_000;

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The HMAC-SHA256, keyed by the relationship's shared secret, of the relationship, the
/// sender's state and the time.
fn heartbeat_mac(
    secret: &str,
    name: &str,
    state: FailoverState,
    at_ms: u64,
) -> hmac::Hmac<sha2::Sha256> {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(format!("{name}\n{state}\n{at_ms}").as_bytes());
    mac
}

/// `<unix ms>.<hex of [heartbeat_mac]>`: what a heartbeat of an authenticated relationship
/// carries.
pub fn sign_heartbeat(secret: &str, name: &str, state: FailoverState, at_ms: u64) -> String {
    use hmac::Mac;
    let tag = heartbeat_mac(secret, name, state, at_ms)
        .finalize()
        .into_bytes();
    format!("{at_ms}.{}", crate::service::hex(&tag))
}

/// Whether `signature` is a fresh, valid [`sign_heartbeat`] of this heartbeat.
fn heartbeat_signed(secret: &str, name: &str, state: FailoverState, signature: &str) -> bool {
    use hmac::Mac;
    let Some((at, tag)) = signature.split_once('.') else {
        return false;
    };
    let (Ok(at_ms), Some(tag)) = (at.parse::<u64>(), hex_bytes(tag)) else {
        return false;
    };
    // Compared in constant time; a replayed heartbeat is too old.
    unix_ms().abs_diff(at_ms) <= HEARTBEAT_SKEW_MS
        && heartbeat_mac(secret, name, state, at_ms)
            .verify_slice(&tag)
            .is_ok()
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Percent-encodes a path segment.
pub fn urlencode(s: &str) -> String {
    tandem_core::text::percent_encode(s, "")
}

/// The operations of the native API, on a configuration.
impl ServerConfig {
    pub fn add_reservation(&mut self, scope: ScopeId, r: Reservation) -> Result<(), Failure> {
        let scope = self.scope_mut(scope)?;
        reservation_fits(scope, &r).map_err(Failure::Invalid)?;
        scope.reservations.push(r);
        scope.sort_reservations();
        Ok(())
    }

    /// Replaces the reservation at `ip` (every field may change, the address too, within the
    /// scope's rules). With `if_match`, refuses unless the reservation is still at that version.
    pub fn update_reservation(
        &mut self,
        scope: ScopeId,
        ip: Ipv4Addr,
        new: Reservation,
        if_match: Option<&str>,
    ) -> Result<(), Failure> {
        let scope = self.scope_mut(scope)?;
        let current = scope
            .reservation(ip)
            .cloned()
            .ok_or_else(|| Failure::NotFound(format!("reservation {ip} in scope {}", scope.id)))?;
        if if_match.is_some_and(|v| v != current.version()) {
            return Err(Failure::Stale(Box::new(current)));
        }
        tandem_core::validate::reservation_fits_except(scope, &new, Some(ip))
            .map_err(Failure::Invalid)?;
        if let Some(slot) = scope.reservations.iter_mut().find(|r| r.ip_address == ip) {
            *slot = new;
        }
        scope.sort_reservations();
        Ok(())
    }

    pub fn remove_reservation(&mut self, scope: ScopeId, ip: Ipv4Addr) -> Result<(), Failure> {
        let scope = self.scope_mut(scope)?;
        let before = scope.reservations.len();
        scope.reservations.retain(|r| r.ip_address != ip);
        if scope.reservations.len() == before {
            return Err(Failure::NotFound(format!(
                "reservation {ip} in scope {}",
                scope.id
            )));
        }
        Ok(())
    }

    /// Creates or wholly replaces a scope; its leases stay as they are.
    pub fn put_scope(&mut self, mut scope: Scope) {
        scope.sort_reservations();
        match self.scopes.iter_mut().find(|s| s.id == scope.id) {
            Some(existing) => *existing = scope,
            None => {
                self.scopes.push(scope);
                self.scopes.sort_by_key(|s| s.id);
            }
        }
    }

    /// Set-DhcpServerv4Scope: `scope`'s properties, exclusions and options, the scope's own
    /// reservations kept (a new scope takes `scope`'s). With `if_version`, only while the
    /// scope's properties are at that version.
    pub fn put_scope_properties(
        &mut self,
        scope: Scope,
        if_version: Option<&str>,
    ) -> Result<(), Failure> {
        let current = self.scope(scope.id);
        if let Some(expected) = if_version
            && current.map(Scope::properties_version).as_deref() != Some(expected)
        {
            return Err(match current {
                Some(_) => Failure::StaleScope(scope.id),
                None => Failure::NotFound(format!("scope {}", scope.id)),
            });
        }
        let reservations = match current {
            Some(c) => c.reservations.clone(),
            None => scope.reservations.clone(),
        };
        self.put_scope(Scope {
            reservations,
            ..scope
        });
        Ok(())
    }

    fn relationships(&self) -> Vec<FailoverRelationship> {
        self.failover
            .iter()
            .map(|f| f.relationship.clone())
            .collect()
    }

    fn stored_mut(&mut self, name: &str) -> Result<&mut StoredRelationship, Failure> {
        self.failover
            .iter_mut()
            .find(|f| f.relationship.name == name)
            .ok_or_else(|| Failure::NotFound(format!("relationship {name}")))
    }

    /// Add-DhcpServerv4Failover, this server's half: it must be one of the two, the name free,
    /// the scopes its own and in no other relationship, and at most 31 relationships.
    pub fn add_relationship(&mut self, new: StoredRelationship) -> Result<(), Failure> {
        let r = &new.relationship;
        let invalid = |field: &str, m: String| {
            Failure::Invalid(tandem_core::FieldError::new(field, m).into())
        };
        if r.partner_of(&self.name).is_none() {
            return Err(invalid(
                "primary_server",
                format!("{} is not one of the relationship's two servers", self.name),
            ));
        }
        if tandem_core::failover_rules::name_taken(&self.relationships(), &r.name) {
            return Err(invalid(
                "name",
                format!("{} already has a relationship named {}", self.name, r.name),
            ));
        }
        tandem_core::failover_rules::relationship_fits(&self.relationships(), r)
            .map_err(Failure::Invalid)?;
        if let Some(missing) = r.scopes.iter().find(|s| self.scope(**s).is_none()) {
            return Err(invalid(
                "scopes",
                format!("scope {missing} is not on {}", self.name),
            ));
        }
        self.failover.push(new);
        Ok(())
    }

    /// Set-DhcpServerv4Failover: the parameters change; the scopes stay. A secret given
    /// replaces the old one; none keeps it (it is never read back to be re-sent).
    pub fn update_relationship(&mut self, new: StoredRelationship) -> Result<(), Failure> {
        let me = self.name.clone();
        let stored = self.stored_mut(&new.relationship.name)?;
        let scopes = stored.relationship.scopes.clone();
        if new.relationship.partner_of(&me).is_none() {
            return Err(Failure::Invalid(
                tandem_core::FieldError::new(
                    "primary_server",
                    "the servers of a relationship cannot change",
                )
                .into(),
            ));
        }
        stored.relationship = FailoverRelationship {
            scopes,
            ..new.relationship
        };
        if new.shared_secret.is_some() || !stored.relationship.enable_auth {
            stored.shared_secret = new
                .shared_secret
                .filter(|_| stored.relationship.enable_auth);
        }
        if new.partner_endpoint.is_some() {
            stored.partner_endpoint = new.partner_endpoint;
        }
        Ok(())
    }

    pub fn remove_relationship(&mut self, name: &str) -> Result<(), Failure> {
        self.stored_mut(name)?;
        self.failover.retain(|f| f.relationship.name != name);
        Ok(())
    }

    pub fn add_failover_scope(&mut self, name: &str, scope: ScopeId) -> Result<(), Failure> {
        if self.scope(scope).is_none() {
            return Err(Failure::NotFound(format!("scope {scope}")));
        }
        if let Some(holder) = tandem_core::failover_rules::holder_of(&self.relationships(), scope) {
            return Err(Failure::Invalid(
                tandem_core::FieldError::new(
                    "scope_id",
                    format!("scope {scope} is already in relationship {}", holder.name),
                )
                .into(),
            ));
        }
        let stored = self.stored_mut(name)?;
        stored.relationship.scopes.push(scope);
        stored.relationship.scopes.sort();
        Ok(())
    }

    pub fn remove_failover_scope(&mut self, name: &str, scope: ScopeId) -> Result<(), Failure> {
        let stored = self.stored_mut(name)?;
        if !stored.relationship.has_scope(scope) {
            return Err(Failure::NotFound(format!(
                "scope {scope} in relationship {name}"
            )));
        }
        stored.relationship.scopes.retain(|s| *s != scope);
        Ok(())
    }

    /// Remove-DhcpServerv4Scope: refused while the scope is in a relationship.
    pub fn delete_scope(&mut self, scope: ScopeId) -> Result<(), Failure> {
        if self.scope(scope).is_none() {
            return Err(Failure::NotFound(format!("scope {scope}")));
        }
        if let Some(holder) = tandem_core::failover_rules::holder_of(&self.relationships(), scope) {
            return Err(Failure::Invalid(
                tandem_core::FieldError::new(
                    "scope_id",
                    format!(
                        "scope {scope} is in relationship {}: remove it from failover first",
                        holder.name
                    ),
                )
                .into(),
            ));
        }
        self.scopes.retain(|s| s.id != scope);
        self.leases.retain(|l| l.scope_id != scope);
        Ok(())
    }
}
