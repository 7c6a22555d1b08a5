//! Drivers: how Tandem reaches a DHCP server. One trait, one implementation per kind of
//! server; capability flags say up front what a driver cannot do. Every error names the
//! server that failed, so a message can say which partner is unreachable.

mod builtin;
pub mod kea;
pub mod serialized;

pub use crate::builtin::StoredRelationship as RelationshipConfig;
pub use builtin::BuiltinDriver;

pub use crate::store::inventory::Touched;
pub use crate::store::servers::ControlAccess;
use crate::store::servers::{ServerKind, ServerRecord};
use async_trait::async_trait;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;
use tandem_core::usage::{LeaseHit, LeaseQuery, ScopeUsage};
pub use tandem_core::validate::Placement;
use tandem_core::{
    FailoverMode, FailoverRelationship, FailoverReport, FailoverState, FieldErrors, Reservation,
    Scope, ScopeId, ServerName,
};

/// What a driver can do, so the portal says "not supported by this server" rather than
/// failing late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Capabilities {
    /// What kind of server this is, in the words of an error ("not supported by Kea").
    pub product: &'static str,
    /// Individual reservations can be added and removed without rewriting the scope.
    pub reservation_edits: bool,
    /// The server can be taken offline and brought back through its own API.
    pub service_control: bool,
    /// Partner Down can be set on the server.
    pub partner_down: bool,
    /// A partner can be put in maintenance (this server serves every client meanwhile).
    pub maintenance: bool,
    /// A relationship holds the scopes chosen for it; when false it holds every scope of the
    /// server (Kea's HA), so scopes are created and deleted on both partners at once.
    pub failover_per_scope: bool,
    /// LoadBalance may split clients other than 50/50.
    pub load_balance_split: bool,
    /// HotStandby may keep a reserve of addresses for the standby.
    pub standby_reserve: bool,
    /// Failover messages may be authenticated with a shared secret.
    pub message_auth: bool,
    /// Where a reservation's address may be in its scope.
    pub placement: Placement,
    /// Scopes may sit in a shared network (Kea; Windows: a superscope).
    pub shared_networks: bool,
}

impl Capabilities {
    /// Field-level refusals for what `r` asks that this kind of server cannot express.
    pub fn refusals(&self, r: &FailoverRelationship) -> FieldErrors {
        let mut errors = FieldErrors::default();
        let product = self.product;
        match &r.mode {
            FailoverMode::LoadBalance {
                load_balance_percent,
            } if !self.load_balance_split && load_balance_percent.value() != 50 => errors.push(
                "load_balance_percent",
                format!(
                    "a LoadBalancePercent other than 50 is not supported by {product}: its load balancing always splits clients 50/50"
                ),
            ),
            FailoverMode::HotStandby {
                reserve_percent, ..
            } if !self.standby_reserve && reserve_percent.value() != 0 => errors.push(
                "reserve_percent",
                format!(
                    "a standby reserve is not supported by {product}: its standby serves no addresses until its partner is down; set 0"
                ),
            ),
            _ => {}
        }
        if r.enable_auth && !self.message_auth {
            errors.push(
                "enable_auth",
                format!(
                    "message authentication with a shared secret is not supported by {product}"
                ),
            );
        }
        errors
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DriverError {
    #[error("{server} is unreachable: {detail}")]
    Unreachable { server: ServerName, detail: String },
    #[error("{server} refused the change: {errors}")]
    Rejected {
        server: ServerName,
        errors: FieldErrors,
    },
    #[error("{what} was not found on {server}")]
    NotFound { server: ServerName, what: String },
    #[error("{detail} on {server}")]
    Stale {
        server: ServerName,
        detail: String,
        current: Option<Box<Reservation>>,
    },
    #[error("{what} is not supported by {server}")]
    NotSupported { server: ServerName, what: String },
    #[error("{server} answered something unexpected: {detail}")]
    Protocol { server: ServerName, detail: String },
    /// The server answers, but its failover service does not serve (yet).
    #[error("{server} is not serving: {detail}")]
    NotServing { server: ServerName, detail: String },
}

impl DriverError {
    pub fn server(&self) -> &ServerName {
        match self {
            Self::Unreachable { server, .. }
            | Self::Rejected { server, .. }
            | Self::NotFound { server, .. }
            | Self::NotSupported { server, .. }
            | Self::Stale { server, .. }
            | Self::Protocol { server, .. }
            | Self::NotServing { server, .. } => server,
        }
    }
}

/// One managed DHCP server, as Tandem reaches it.
/// One change to a server's server-wide reservations.
#[derive(Debug, Clone)]
pub enum GlobalChange {
    /// A new one (refused when its client has one).
    Create(tandem_core::GlobalReservation),
    /// The one of client `was` made `new`; with `if_version`, only while it is that version.
    Update {
        was: tandem_core::ClientId,
        new: tandem_core::GlobalReservation,
        if_version: Option<String>,
    },
    /// A partner made to hold `new`: on its entry for `was`, else for `new`'s client, else added.
    Copy {
        was: tandem_core::ClientId,
        new: tandem_core::GlobalReservation,
    },
    /// The one of client `id` removed; where it is missing, refused only if `must_exist`.
    Delete {
        id: tandem_core::ClientId,
        must_exist: bool,
    },
}

#[async_trait]
pub trait DhcpDriver: Send + Sync {
    fn server(&self) -> &ServerName;
    fn capabilities(&self) -> Capabilities;
    /// A token that changes whenever the server's configuration may have; `None` when the
    /// server cannot say (then every look reads it whole).
    async fn revision(&self) -> Result<Option<String>, DriverError> {
        Ok(None)
    }
    /// Every scope's whole configuration, reservations included.
    async fn scopes(&self) -> Result<Vec<Scope>, DriverError>;
    /// Every scope, to check a change against before the server checks it again as it writes
    /// (see [`DhcpDriver::scope_to_check`]).
    async fn scopes_to_check(&self) -> Result<Vec<Scope>, DriverError> {
        self.scopes().await
    }
    /// One scope; `NotFound` when the server lacks it.
    async fn scope(&self, id: ScopeId) -> Result<Scope, DriverError>;
    /// One scope, to check a change to one of its reservations against before the server
    /// checks it again as it writes; may be what Tandem last read or wrote rather than a fresh
    /// read where a fresh one is costly (never the base of a write of the whole scope).
    async fn scope_to_check(&self, id: ScopeId) -> Result<Scope, DriverError> {
        self.scope(id).await
    }
    /// Creates or wholly replaces a scope, all-or-nothing; leases are left as they are.
    async fn put_scope(&self, scope: &Scope) -> Result<(), DriverError>;
    /// Set-DhcpServerv4Scope: gives a scope `scope`'s properties, exclusions and options,
    /// keeping the reservations the server holds in it (created with `scope`'s reservations
    /// when the server lacks it). With `if_version`, only if the scope's
    /// [`Scope::properties_version`] is still that (`Stale` otherwise; `NotFound` without it).
    async fn put_scope_properties(
        &self,
        scope: &Scope,
        if_version: Option<&str>,
    ) -> Result<(), DriverError> {
        let reservations = match self.scope(scope.id).await {
            Ok(copy) => {
                if if_version.is_some_and(|v| v != copy.properties_version()) {
                    return Err(DriverError::Stale {
                        server: self.server().clone(),
                        detail: format!("scope {}", scope.id),
                        current: None,
                    });
                }
                copy.reservations
            }
            Err(DriverError::NotFound { .. }) if if_version.is_none() => scope.reservations.clone(),
            Err(e) => return Err(e),
        };
        self.put_scope(&Scope {
            reservations,
            ..scope.clone()
        })
        .await
    }
    async fn add_reservation(&self, scope: ScopeId, r: &Reservation) -> Result<(), DriverError>;
    /// Replaces the reservation at `ip`; with `if_match`, only if it is still at that
    /// version (`Stale` otherwise, with what it is now).
    async fn update_reservation(
        &self,
        scope: ScopeId,
        ip: Ipv4Addr,
        r: &Reservation,
        if_match: Option<&str>,
    ) -> Result<(), DriverError>;
    async fn remove_reservation(&self, scope: ScopeId, ip: Ipv4Addr) -> Result<(), DriverError>;
    /// Deletes a scope (refused while it is in a relationship).
    async fn delete_scope(&self, scope: ScopeId) -> Result<(), DriverError>;
    /// The failover relationships this server takes part in, with its state in each.
    async fn failover(&self) -> Result<Vec<FailoverReport>, DriverError>;
    /// The failover relationships this server takes part in, without its state (cheaper where
    /// the state is a call of its own).
    async fn relationships(&self) -> Result<Vec<FailoverRelationship>, DriverError> {
        Ok(self
            .failover()
            .await?
            .into_iter()
            .map(|r| r.relationship)
            .collect())
    }
    /// This server's half of a new relationship (its scopes must already be on it).
    async fn create_relationship(&self, r: &RelationshipConfig) -> Result<(), DriverError>;
    /// The second half of a new relationship, with `copies` of the first server's scopes that
    /// this server lacks: where the server can, in one write, so that it never serves a copy
    /// on its own (Kea: a subnet outside HA, with none of the partner's leases). By default
    /// the copies, then the half.
    async fn create_relationship_holding(
        &self,
        r: &RelationshipConfig,
        copies: &[Scope],
    ) -> Result<(), DriverError> {
        for copy in copies {
            self.put_scope(copy).await?;
        }
        self.create_relationship(r).await
    }
    /// New parameters for a relationship; its scopes stay.
    async fn update_relationship(&self, r: &RelationshipConfig) -> Result<(), DriverError>;
    async fn delete_relationship(&self, name: &str) -> Result<(), DriverError>;
    async fn add_failover_scope(&self, name: &str, scope: ScopeId) -> Result<(), DriverError>;
    async fn remove_failover_scope(&self, name: &str, scope: ScopeId) -> Result<(), DriverError>;
    /// Partner Down: this server takes over its partner's clients.
    async fn set_partner_down(&self, name: &str) -> Result<FailoverState, DriverError>;
    /// Stops or starts the server's DHCP service (`service_control` capability).
    async fn set_service_running(&self, running: bool) -> Result<(), DriverError>;
    /// How full each scope in `scopes` (as this server holds them) is, from the leases the
    /// server keeps.
    async fn usage(&self, scopes: &[Scope]) -> Result<Vec<(ScopeId, ScopeUsage)>, DriverError> {
        let _ = scopes;
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "reading leases".into(),
        })
    }
    /// The leases this server holds that match `query`.
    async fn find_leases(&self, query: &LeaseQuery) -> Result<Vec<LeaseHit>, DriverError> {
        let _ = query;
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "reading leases".into(),
        })
    }
    /// Deletes the lease of `ip` on this server alone (a partner keeps its own copy);
    /// `false` when the server holds none.
    async fn delete_lease(&self, ip: Ipv4Addr) -> Result<bool, DriverError> {
        let _ = ip;
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "deleting leases".into(),
        })
    }
    /// Deletes every lease of scope `scope` on this server alone; how many it held.
    async fn clear_leases(&self, scope: ScopeId) -> Result<u64, DriverError> {
        let _ = scope;
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "clearing a scope's leases".into(),
        })
    }
    /// What the server says of itself for the configuration review (its own scope IDs, the
    /// hooks it lacks, its clock); nothing where it has nothing to say.
    async fn review_facts(&self) -> Result<tandem_core::review::ServerFacts, DriverError> {
        Ok(Default::default())
    }
    /// The server's client classes; `None` where the server has no classes at all (the
    /// built-in server), as opposed to having none defined.
    async fn client_classes(&self) -> Result<Option<Vec<tandem_core::ClientClass>>, DriverError> {
        Ok(None)
    }
    /// Writes client class `class`: `Some(true)` a new one (refused when its name is taken),
    /// `Some(false)` an edit of the one of its name (refused when there is none), `None`
    /// whichever it is on this server (a partner made to hold the same).
    async fn put_client_class(
        &self,
        creating: Option<bool>,
        class: &tandem_core::ClassSpec,
    ) -> Result<(), DriverError> {
        let _ = (creating, class);
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "client classes".into(),
        })
    }
    /// The server's own options (Windows: server options); `None` where it has none to show.
    async fn server_options(&self) -> Result<Option<tandem_core::ServerOptions>, DriverError> {
        Ok(None)
    }
    /// Makes the server's own options (those Tandem edits) `options`, keeping the rest.
    async fn put_server_options(
        &self,
        options: &std::collections::BTreeMap<u8, tandem_core::OptionValue>,
    ) -> Result<(), DriverError> {
        let _ = options;
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "server options".into(),
        })
    }
    /// The server's server-wide reservations; `None` where it cannot hold any (the built-in
    /// server, after Windows).
    async fn global_reservations(
        &self,
    ) -> Result<Option<tandem_core::GlobalReservations>, DriverError> {
        Ok(None)
    }
    /// One server-wide reservation created, changed, copied or deleted.
    async fn put_global_reservation(&self, change: &GlobalChange) -> Result<(), DriverError> {
        let _ = change;
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "server-wide reservations".into(),
        })
    }
    /// One reservation without an address in scope `scope` (Kea: a subnet's host that gives
    /// its client settings, not an address) created, changed, copied or deleted.
    async fn put_scope_host(
        &self,
        scope: ScopeId,
        change: &GlobalChange,
    ) -> Result<(), DriverError> {
        let _ = (scope, change);
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "reservations without an address".into(),
        })
    }
    /// Makes the server's server-wide reservations exactly `from` (another server's).
    async fn copy_global_reservations(
        &self,
        from: &tandem_core::GlobalReservations,
    ) -> Result<(), DriverError> {
        let _ = from;
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "server-wide reservations".into(),
        })
    }
    /// The own settings of pool `range` of scope `scope` (its classes, its options); `None`
    /// where the server has no pools of its own (the built-in server).
    async fn pool(
        &self,
        scope: ScopeId,
        range: tandem_core::IpRange,
    ) -> Result<Option<tandem_core::PoolSettings>, DriverError> {
        let _ = (scope, range);
        Ok(None)
    }
    /// Makes pool `range` of scope `scope` admit `classes` and hold `options`.
    async fn put_pool(
        &self,
        scope: ScopeId,
        range: tandem_core::IpRange,
        classes: &[String],
        options: &std::collections::BTreeMap<u8, tandem_core::OptionValue>,
    ) -> Result<(), DriverError> {
        let _ = (scope, range, classes, options);
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "pools of their own".into(),
        })
    }
    /// Deletes client class `name`.
    async fn delete_client_class(&self, name: &str) -> Result<(), DriverError> {
        let _ = name;
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: "client classes".into(),
        })
    }
    /// How this server is written, in an administrator's words (Server Properties); `None`
    /// when there is nothing to say beyond its kind.
    async fn write_method(&self) -> Option<String> {
        None
    }
    /// Where this server keeps its reservations when that place may be shared with its
    /// partner (a hosts database): two partners naming the same place hold one copy.
    async fn shared_hosts(&self) -> Option<String> {
        None
    }
    /// Waits, within a bound, until the server serves again after the last write made through
    /// this driver took its failover service down for a while (Kea 2.2's `config-set`); an
    /// error when the wait runs out. The partner is written only after this.
    async fn settle(&self) -> Result<(), DriverError> {
        Ok(())
    }
    /// What the last write through this driver changed, when it changed only some reservations
    /// of one scope (the inventory then records only those).
    fn touched(&self) -> Option<Touched> {
        None
    }
    /// How long [`DhcpDriver::settle`] may wait now; `None` when it has nothing to wait for.
    fn settle_bound(&self) -> Option<Duration> {
        None
    }
    /// This server's failover state as the server itself names it (Kea's `ha-heartbeat`
    /// state); `None` where it has no such word of its own.
    async fn raw_failover_state(&self) -> Option<String> {
        None
    }
    /// A relationship change that the partner (`partner`, the other half) must take too
    /// before either serves in the new way. By default this server is written, then the
    /// partner once this one serves again; Kea overrides it for a change of HA mode.
    async fn update_relationship_with(
        &self,
        partner: &dyn DhcpDriver,
        c: &RelationshipConfig,
    ) -> Result<(), DriverError> {
        one_then_the_other(self, partner, c).await
    }
    /// Ends maintenance of this server's partner in relationship `name` at once, without
    /// waiting to see the pair back to normal (a step of a longer change: Kea's change of mode).
    async fn cancel_maintenance(&self, name: &str) -> Result<(), DriverError> {
        self.set_maintenance(name, false).await.map(drop)
    }
    /// Starts (or ends) maintenance of this server's partner in relationship `name`: this
    /// server serves every client meanwhile (`maintenance` capability).
    async fn set_maintenance(&self, name: &str, on: bool) -> Result<FailoverState, DriverError> {
        let _ = (name, on);
        Err(DriverError::NotSupported {
            server: self.server().clone(),
            what: format!(
                "maintenance (not supported by {})",
                self.capabilities().product
            ),
        })
    }
}

/// A relationship change written to `first`, then to `partner` once `first` serves again.
pub async fn one_then_the_other<D: DhcpDriver + ?Sized>(
    first: &D,
    partner: &dyn DhcpDriver,
    c: &RelationshipConfig,
) -> Result<(), DriverError> {
    first.update_relationship(c).await?;
    first.settle().await?;
    partner.update_relationship(c).await?;
    if let Err(e) = partner.settle().await {
        tracing::warn!(error = %e, "partner not serving again after the change");
    }
    Ok(())
}

/// Makes the driver for a server record; shares one HTTP client between them (one per CA
/// file, for `https://` control channels vouched for by a CA of their own).
#[derive(Clone)]
pub struct Drivers {
    client: reqwest::Client,
    /// The built-in servers' API secret, where this Tandem reaches built-in servers.
    builtin_secret: Option<String>,
    with_ca: Arc<std::sync::Mutex<std::collections::HashMap<String, reqwest::Client>>>,
    /// Where several instances share a database: each server's writes hold its lock there.
    locks: Option<serialized::ServerLocks>,
}

impl Default for Drivers {
    fn default() -> Self {
        Self::new()
    }
}

/// Time to connect, and for a whole answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const TIMEOUT: Duration = Duration::from_secs(30);

fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        // A redirect could take Tandem's credentials elsewhere: answered as an error instead.
        .redirect(reqwest::redirect::Policy::none())
        .use_rustls_tls()
}

impl Drivers {
    pub fn new() -> Self {
        let client = client_builder()
            .build()
            .expect("an HTTP client with the system's TLS roots builds");
        Self {
            client,
            builtin_secret: None,
            with_ca: Default::default(),
            locks: None,
        }
    }

    /// The same, with every write to a server holding that server's lock in `locks`.
    pub fn with_server_locks(mut self, locks: serialized::ServerLocks) -> Self {
        self.locks = Some(locks);
        self
    }

    /// The same, carrying `secret` to the built-in servers' native API.
    pub fn with_builtin_secret(mut self, secret: Option<String>) -> Self {
        self.builtin_secret = secret;
        self
    }

    /// The HTTP client that trusts `ca_file` (a PEM file of one or more certificates) besides
    /// the usual roots; why not, when the file cannot be read or holds no certificate.
    pub fn client_for(&self, ca_file: Option<&str>) -> Result<reqwest::Client, String> {
        let Some(path) = ca_file else {
            return Ok(self.client.clone());
        };
        if let Some(client) = self.with_ca.lock().expect("clients").get(path) {
            return Ok(client.clone());
        }
        let pem = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let certificates = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("{path} is not a PEM certificate file: {e}"))?;
        if certificates.is_empty() {
            return Err(format!("{path} holds no certificate"));
        }
        let mut builder = client_builder();
        for c in certificates {
            builder = builder.add_root_certificate(c);
        }
        let client = builder.build().map_err(|e| format!("{path}: {e}"))?;
        self.with_ca
            .lock()
            .expect("clients")
            .insert(path.to_string(), client.clone());
        Ok(client)
    }

    /// The driver of a Kea server at `url` (its control channel), before it is registered.
    pub fn kea(&self, name: &ServerName, url: &str) -> kea::KeaDriver {
        kea::KeaDriver::new(name.clone(), url.to_string(), self.client.clone())
    }

    /// The same, reached with `access` (credentials, CA file).
    pub fn kea_with(
        &self,
        name: &ServerName,
        url: &str,
        access: &ControlAccess,
    ) -> Result<kea::KeaDriver, String> {
        let client = self.client_for(access.ca_file.as_deref())?;
        Ok(kea::KeaDriver::new(name.clone(), url.to_string(), client)
            .with_basic_auth(access.user.clone().zip(access.password.clone())))
    }

    /// What a kind of server can do, without reaching one.
    pub fn capabilities(kind: ServerKind) -> Capabilities {
        match kind {
            ServerKind::Builtin => BuiltinDriver::CAPABILITIES,
            ServerKind::Kea => kea::KeaDriver::CAPABILITIES,
        }
    }

    pub fn for_server(&self, record: &ServerRecord) -> Arc<dyn DhcpDriver> {
        let driver = self.unlocked(record);
        match &self.locks {
            Some(locks) => Arc::new(serialized::Serialized::new(driver, locks.clone())),
            None => driver,
        }
    }

    fn unlocked(&self, record: &ServerRecord) -> Arc<dyn DhcpDriver> {
        match record.kind {
            ServerKind::Builtin => Arc::new(BuiltinDriver::new(
                record.name.clone(),
                record.endpoint.clone(),
                self.client.clone(),
                self.builtin_secret.clone(),
            )),
            ServerKind::Kea => {
                // A CA file gone since registration: without it, every call says the server's
                // certificate is not trusted.
                let without_ca = || ControlAccess {
                    ca_file: None,
                    ..record.access.clone()
                };
                let driver = self
                    .kea_with(&record.name, &record.endpoint, &record.access)
                    .or_else(|_| self.kea_with(&record.name, &record.endpoint, &without_ca()))
                    .expect("without a CA file the default client is used");
                Arc::new(driver)
            }
        }
    }
}
