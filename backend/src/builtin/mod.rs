//! The built-in DHCP server: the small stand-in that ships with Tandem so that a fresh machine
//! has a failover pair to manage. Each one keeps its own configuration in its own file, apart
//! from Tandem's database, and is managed through its own native API (JSON over HTTP on
//! loopback: the equivalent of the seed's PowerShell cmdlets). Changes made through that API
//! are not replicated. It hands out no real leases.

pub mod api;
pub mod host;
pub mod seed;

use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use tandem_core::validate::{reservation_fits, scope_is_consistent};
use tandem_core::{
    FailoverRelationship, FailoverReport, FailoverState, FieldErrors, MacAddress, Reservation,
    Scope, ScopeId, ServerName,
};
use tokio::sync::Mutex;

/// A lease, as the failover protocol carries it between partners. Replication never touches
/// leases; the built-in server keeps them so that this can be seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub scope_id: ScopeId,
    pub ip_address: Ipv4Addr,
    pub client_id: MacAddress,
    pub expires: String,
}

/// A relationship as the server stores it: with the shared secret, which the API never returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRelationship {
    #[serde(flatten)]
    pub relationship: FailoverRelationship,
    #[serde(default)]
    pub shared_secret: Option<String>,
    #[serde(default)]
    pub state: FailoverState,
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
        use tokio::io::AsyncWriteExt;
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let mut file = tokio::fs::File::create(&tmp).await?;
        file.write_all(text.as_bytes()).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&tmp, path).await?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            tokio::fs::File::open(dir).await?.sync_all().await?;
        }
        Ok(())
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

    pub fn failover_reports(&self) -> Vec<FailoverReport> {
        self.failover
            .iter()
            .map(|f| FailoverReport {
                relationship: f.relationship.clone(),
                state: f.state,
                raw_state: f.state.to_string(),
            })
            .collect()
    }
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
    Storage(String),
}

/// One running built-in server: its configuration, guarded, and the file it lives in.
pub struct BuiltinServer {
    path: PathBuf,
    config: Mutex<ServerConfig>,
}

impl BuiltinServer {
    pub fn new(path: PathBuf, config: ServerConfig) -> Self {
        Self {
            path,
            config: Mutex::new(config),
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
                scope_is_consistent(scope).map_err(Failure::Invalid)?;
            }
        }
        next.save(&self.path)
            .await
            .map_err(|e| Failure::Storage(e.to_string()))?;
        *current = next;
        Ok(out)
    }

    /// Starts or stops the DHCP service: while stopped, every other call is refused.
    pub async fn set_running(&self, running: bool) -> Result<(), Failure> {
        let mut current = self.config.lock().await;
        let mut next = current.clone();
        next.running = running;
        next.save(&self.path)
            .await
            .map_err(|e| Failure::Storage(e.to_string()))?;
        *current = next;
        Ok(())
    }
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

    /// Replaces the reservation at `ip` (same address; client ID, name, description and type
    /// may change). With `if_match`, refuses unless the reservation is still at that version.
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
        if new.ip_address != ip {
            return Err(Failure::Invalid(
                tandem_core::FieldError::new(
                    "ip_address",
                    "an edit keeps the address: delete the reservation and create another",
                )
                .into(),
            ));
        }
        tandem_core::validate::reservation_fits_except(scope, &new, Some(ip))
            .map_err(Failure::Invalid)?;
        if let Some(slot) = scope.reservations.iter_mut().find(|r| r.ip_address == ip) {
            *slot = new;
        }
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

    pub fn add_lease(&mut self, lease: Lease) -> Result<(), Failure> {
        let scope = self.scope_mut(lease.scope_id)?;
        if !scope.range.contains(lease.ip_address) {
            return Err(Failure::Invalid(
                tandem_core::FieldError::new("ip_address", "outside the scope's range").into(),
            ));
        }
        self.leases.retain(|l| l.ip_address != lease.ip_address);
        self.leases.push(lease);
        Ok(())
    }
}
