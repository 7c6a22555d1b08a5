//! The operations of the portal, called by server functions, the API and the CLI alike.
//! Each one: check who is calling (role and access scope), check the input against the core's
//! rules, record the change as pending, apply it where it was asked for, then on the partner
//! when the scope is in failover, complete the record, and tell open pages. Nothing here knows
//! of HTTP or Leptos.

mod auth;
mod cache;
mod classes;
mod cluster;
mod events;
mod exports;
mod flights;
mod global_reservations;
mod health;
mod hosts;
mod imports;
mod inventory;
mod lease_changes;
mod leases;
mod pools;
mod relationships;
mod reservations;
mod review;
mod scope_edits;
mod scope_hosts;
mod scopes;
mod server_options;
mod servers;
mod tokens;
mod users;

pub use auth::{CurrentSession, Pruned, SessionSettings, SignedIn, generate_password};
pub(crate) use auth::{hex, new_token};
pub use events::EVENT_LIMIT;
pub use flights::{DRIFT_CHECK_EVERY, FlightCounts};
pub use health::{Check, Health};
pub use relationships::ReplicationTargets;
pub use tokens::{MAX_DAYS as TOKEN_MAX_DAYS, NewToken, TOKEN_PREFIX};
pub use users::UserInput;

use crate::driver::{DhcpDriver, DriverError, Drivers};
use crate::store::events::NewEvent;
use crate::store::{self, Store, sync_errors};
use std::sync::Arc;
use tandem_core::access::{Permission, Principal, Role};
use tandem_core::views::ChangeNotice;
use tandem_core::{
    FailoverRelationship, FieldErrors, Reservation, ScopeId, ServerName, views::ReplicationOutcome,
};
use tokio::sync::broadcast;

/// Who is calling, and the request the call belongs to (for the Event Catalog and the logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub principal: Principal,
    pub request_id: Option<String>,
    /// How the call came, when not from the portal's pages (`API token <name>`); recorded with
    /// each event.
    pub via: Option<String>,
}

impl Caller {
    pub fn new(principal: Principal) -> Self {
        Self {
            principal,
            request_id: None,
            via: None,
        }
    }

    /// Someone with shell access to the machine Tandem runs on (the `tandem` CLI's own
    /// administration commands): an Administrator, recorded under `name`.
    pub fn local(name: &str) -> Self {
        Self::new(Principal {
            user_id: 0,
            username: name.to_string(),
            role: Role::Administrator,
            servers: None,
        })
    }

    pub fn name(&self) -> &str {
        &self.principal.username
    }

    /// Whether this is the machine's own administrator ([`Caller::local`]), not a signed-in user.
    pub fn is_local(&self) -> bool {
        self.principal.user_id == 0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input: {0}")]
    Validation(FieldErrors),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{message}")]
    Conflict {
        message: String,
        /// For a stale reservation edit: the reservation as it is now.
        current: Option<Box<Reservation>>,
    },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error(transparent)]
    Driver(DriverError),
    /// Asked again too soon (an expensive read limited per user).
    #[error("{0}")]
    TooSoon(String),
    /// A failure shared by several callers of one run (its cause is in the log).
    #[error("{0}")]
    Internal(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl ServiceError {
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
            current: None,
        }
    }
}

impl From<DriverError> for ServiceError {
    /// A server's field-level refusal is a validation error like Tandem's own; a missing
    /// object is "not found"; a stale edit is a conflict; the rest stays a driver error
    /// naming the server.
    fn from(e: DriverError) -> Self {
        match e {
            DriverError::Rejected { errors, .. } => Self::Validation(errors),
            DriverError::NotFound { server, what } => Self::NotFound(format!("{what} on {server}")),
            DriverError::Stale {
                server,
                detail,
                current,
            } => Self::Conflict {
                message: format!("{detail} on {server}: someone changed it after you opened it"),
                current,
            },
            other => Self::Driver(other),
        }
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(e: FieldErrors) -> Self {
        Self::Validation(e)
    }
}

/// This machine's name, as instance names start with.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "tandem".into())
}

/// This process's name among the instances on one database, unless given one: its host and
/// process ID.
fn this_instance() -> String {
    format!("{}:{}", host_name(), std::process::id())
}

/// The services, over one store and one set of drivers.
#[derive(Clone)]
pub struct Tandem {
    store: Store,
    drivers: Drivers,
    changes: broadcast::Sender<ChangeNotice>,
    sessions: SessionSettings,
    flights: Arc<Flights>,
    metrics: Arc<crate::metrics::Metrics>,
    /// This process, as other instances on the same database see it (host and process ID).
    instance: Arc<str>,
    monitor: Arc<health::Monitor>,
    cache: Arc<cache::ListCache>,
}

/// The single-flight runs of expensive reads, and who asked for them when.
struct Flights {
    drift: flights::Flight<Result<bool, String>>,
    /// Held while a caller takes a turn to start a drift check (see `check_drift`).
    drift_turns: tokio::sync::Mutex<()>,
    /// Reads of servers' failover states (by the watch, a check, or after a change).
    failover_reads: std::sync::atomic::AtomicU64,
    /// The configuration review of every server (by the watch, or "Review now").
    review: flights::Flight<Result<tandem_core::review::Review, String>>,
}

/// A failover scope's relationship and its partner, as the server reports them.
pub(crate) struct Partnership {
    pub relationship: FailoverRelationship,
    pub partner: Result<Arc<dyn DhcpDriver>, String>,
    /// Where both partners keep their reservations, when that is one shared place (a Kea
    /// hosts database): a reservation change is then written once. Set by
    /// [`Partnership::sharing_hosts`].
    pub shared_hosts: Option<String>,
}

impl Partnership {
    /// Finds out whether `server` and its partner keep their reservations in one shared
    /// place; reservation changes then reach the partner by being written once.
    pub(crate) async fn sharing_hosts(mut self, server: &dyn DhcpDriver) -> Self {
        if let (Some(mine), Ok(partner)) = (server.shared_hosts().await, &self.partner)
            && partner.shared_hosts().await.as_ref() == Some(&mine)
        {
            self.shared_hosts = Some(mine);
        }
        self
    }

    fn partner_name(&self, me: &ServerName) -> ServerName {
        self.relationship
            .partner_of(me)
            .cloned()
            .unwrap_or_else(|| me.clone())
    }
}

impl Tandem {
    pub fn new(store: Store) -> Self {
        // Instances sharing a PostgreSQL database order their writes to each server there.
        let drivers = match store.postgres_url() {
            Some(_) => Drivers::new().with_server_locks(
                crate::driver::serialized::ServerLocks::new(store.pool().clone()),
            ),
            None => Drivers::new(),
        };
        Self {
            store,
            drivers,
            changes: broadcast::channel(256).0,
            sessions: SessionSettings::default(),
            flights: Arc::new(Flights {
                drift: flights::Flight::new(),
                drift_turns: tokio::sync::Mutex::new(()),
                failover_reads: Default::default(),
                review: flights::Flight::new(),
            }),
            metrics: Arc::new(crate::metrics::Metrics::new()),
            instance: this_instance().into(),
            monitor: Default::default(),
            cache: Arc::new(cache::ListCache::new()),
        }
    }

    /// How many expensive reads were actually run (callers that shared one are not counted).
    pub fn flight_counts(&self) -> FlightCounts {
        FlightCounts {
            drift_checks: self.flights.drift.runs(),
            failover_reads: self
                .flights
                .failover_reads
                .load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Names this instance among those sharing the database (stable across its restarts).
    pub fn with_instance(mut self, name: &str) -> Self {
        self.instance = name.into();
        self
    }

    /// Reaches the built-in servers with their API secret (read from their folder).
    pub fn with_builtin_secret(mut self, secret: Option<String>) -> Self {
        self.drivers = self.drivers.with_builtin_secret(secret);
        self
    }

    pub fn with_sessions(mut self, sessions: SessionSettings) -> Self {
        self.sessions = sessions;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What `/metrics` shows.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// Every change made through this instance, as it happens.
    pub fn subscribe(&self) -> broadcast::Receiver<ChangeNotice> {
        self.changes.subscribe()
    }

    pub(crate) fn notify(&self, kind: &str, server: Option<&ServerName>, scope: Option<ScopeId>) {
        self.send_notice(ChangeNotice {
            kind: kind.into(),
            server: server.map(ToString::to_string),
            scope: scope.map(|s| s.to_string()),
            message: None,
            actor: None,
        });
    }

    /// Tells `actor`'s open pages how a change still under way is going.
    pub(crate) fn progress(&self, actor: &str, message: String) {
        tracing::info!(actor, message, "progress");
        self.send_notice(ChangeNotice {
            kind: "progress".into(),
            server: None,
            scope: None,
            message: Some(message),
            actor: Some(actor.to_string()),
        });
    }

    /// Refuses, and records the refusal, unless `caller` may do `permission` (on `server`).
    pub(crate) async fn authorize(
        &self,
        caller: &Caller,
        permission: Permission,
        server: Option<&ServerName>,
        action: &str,
        object: &str,
    ) -> Result<(), ServiceError> {
        let Err(denied) = caller.principal.require(permission, server) else {
            return Ok(());
        };
        if permission != Permission::View {
            let mut conn = self.store.pool().acquire().await?;
            store::events::record(
                &mut conn,
                &self.event(caller, action, "", object, server),
                &format!("denied: {denied}"),
                None,
            )
            .await?;
        }
        Err(ServiceError::Forbidden(denied.0))
    }

    pub(crate) fn event(
        &self,
        caller: &Caller,
        action: &str,
        object_type: &str,
        object: &str,
        server: Option<&ServerName>,
    ) -> NewEvent {
        NewEvent {
            actor: caller.name().to_string(),
            action: action.into(),
            object_type: object_type.into(),
            object: object.into(),
            server: server.map(ToString::to_string),
            before_json: None,
            after_json: None,
            request_id: caller.request_id.clone(),
            via: caller.via.clone(),
            instance: Some(self.instance.to_string()),
            ..NewEvent::default()
        }
    }

    /// Records a change to a DHCP server as pending, before it is made.
    pub(crate) async fn begin(&self, event: &NewEvent) -> Result<i64, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        Ok(store::events::begin(&mut conn, event).await?)
    }

    /// Completes a pending record with what happened.
    pub(crate) async fn finish(
        &self,
        id: i64,
        outcome: &str,
        replication: Option<&str>,
    ) -> Result<(), ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        store::events::finish(&mut conn, id, outcome, replication).await?;
        self.metrics.change(outcome == "ok");
        Ok(())
    }

    /// Completes a pending record with what `result` says (with `note` on success), and passes
    /// the result on.
    pub(crate) async fn conclude<T, E>(
        &self,
        id: i64,
        result: Result<T, E>,
        note: Option<&str>,
    ) -> Result<T, ServiceError>
    where
        E: std::fmt::Display + Into<ServiceError>,
    {
        match result {
            Ok(value) => {
                self.finish(id, "ok", note).await?;
                Ok(value)
            }
            Err(e) => {
                self.finish(id, &failed(&e), None).await?;
                Err(e.into())
            }
        }
    }

    /// The driver of a managed server.
    pub async fn driver(&self, name: &ServerName) -> Result<Arc<dyn DhcpDriver>, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let record = store::servers::find(&mut conn, name)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("server {name}")))?;
        Ok(self.drivers.for_server(&record))
    }

    /// The relationship holding `scope` on `server`, if any, with its partner's driver (or why
    /// there is none).
    pub(crate) async fn partnership(
        &self,
        server: &dyn DhcpDriver,
        scope: ScopeId,
    ) -> Result<Option<Partnership>, ServiceError> {
        let reports = server.failover().await?;
        match reports
            .into_iter()
            .find(|r| r.relationship.has_scope(scope))
        {
            Some(report) => Ok(Some(self.partnered(server, report.relationship).await?)),
            None => Ok(None),
        }
    }

    /// Where a relationship holds every scope of its servers (Kea's HA), the relationship a
    /// scope created on `server` joins at once; `None` for servers whose scopes join one by one.
    pub(crate) async fn whole_server_partnership(
        &self,
        server: &dyn DhcpDriver,
    ) -> Result<Option<Partnership>, ServiceError> {
        if server.capabilities().failover_per_scope {
            return Ok(None);
        }
        match server.failover().await?.into_iter().next() {
            Some(report) => Ok(Some(self.partnered(server, report.relationship).await?)),
            None => Ok(None),
        }
    }

    async fn partnered(
        &self,
        server: &dyn DhcpDriver,
        relationship: FailoverRelationship,
    ) -> Result<Partnership, ServiceError> {
        let partner_name = relationship
            .partner_of(server.server())
            .cloned()
            .ok_or_else(|| {
                ServiceError::conflict(format!(
                    "{} reports relationship {} without itself in it",
                    server.server(),
                    relationship.name
                ))
            })?;
        let partner = match self
            .trusted_partner(server.server(), &relationship, &partner_name)
            .await
        {
            Ok(d) => Ok(d),
            Err(ServiceError::NotFound(_)) => {
                Err(format!("partner {partner_name} is not managed by Tandem"))
            }
            Err(ServiceError::Conflict { message, .. }) => Err(message),
            Err(ServiceError::Driver(e)) => Err(e.to_string()),
            Err(e) => return Err(e),
        };
        Ok(Partnership {
            relationship,
            partner,
            shared_hosts: None,
        })
    }

    /// The driver of the partner `relationship` on `server` names, provided Tandem may trust
    /// it: a managed server of the same kind that reports a relationship of the same name
    /// naming `server` back. One server's configuration alone never decides which other
    /// server Tandem writes to. Not managed: `NotFound`; not trusted: a conflict saying why;
    /// unreachable: the driver's error.
    pub(crate) async fn trusted_partner(
        &self,
        server: &ServerName,
        relationship: &FailoverRelationship,
        partner_name: &ServerName,
    ) -> Result<Arc<dyn DhcpDriver>, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let partner = store::servers::find(&mut conn, partner_name)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("server {partner_name}")))?;
        let mine = store::servers::find(&mut conn, server)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("server {server}")))?;
        drop(conn);
        if partner.kind != mine.kind {
            return Err(ServiceError::conflict(format!(
                "partner {partner_name} is a {} server and {server} a {} server: not a pair Tandem writes to",
                partner.kind.as_str(),
                mine.kind.as_str()
            )));
        }
        let driver = self.drivers.for_server(&partner);
        let names_us_back = driver
            .relationships()
            .await?
            .iter()
            .any(|r| r.name == relationship.name && r.partner_of(partner_name) == Some(server));
        if !names_us_back {
            return Err(ServiceError::conflict(format!(
                "partner {partner_name} does not name {server} back in relationship {}: not written",
                relationship.name
            )));
        }
        Ok(driver)
    }

    /// Applies a change on the partner after it was applied on `server`, and records what
    /// became of it: a failure is kept as the scope's Failover Config Sync Status.
    pub(crate) async fn replicate_change<F, Fut>(
        &self,
        server: &ServerName,
        scope: ScopeId,
        partnership: Option<Partnership>,
        apply: F,
    ) -> Result<ReplicationOutcome, ServiceError>
    where
        F: FnOnce(Arc<dyn DhcpDriver>) -> Fut,
        Fut: std::future::Future<Output = Result<(), DriverError>>,
    {
        let Some(p) = partnership else {
            return Ok(ReplicationOutcome::NotInFailover);
        };
        let partner = p.partner_name(server);
        if let Some(store) = p.shared_hosts.clone() {
            self.metrics.replication("automatic", "shared");
            return Ok(ReplicationOutcome::Shared { partner, store });
        }
        let result = match &p.partner {
            Ok(driver) => apply(driver.clone()).await.map_err(|e| e.to_string()),
            Err(why) => Err(why.clone()),
        };
        match result {
            Ok(()) => {
                self.metrics.replication("automatic", "ok");
                Ok(ReplicationOutcome::Replicated { partner })
            }
            Err(error) => {
                self.metrics.replication("automatic", "failed");
                self.replication_failed(server, scope, &p, error).await
            }
        }
    }

    /// Records that a change made on `server` did not reach its partner: the scope's Failover
    /// Config Sync Status shows `error` until a replication succeeds or it is cleared.
    pub(crate) async fn replication_failed(
        &self,
        server: &ServerName,
        scope: ScopeId,
        p: &Partnership,
        error: String,
    ) -> Result<ReplicationOutcome, ServiceError> {
        let partner = p.partner_name(server);
        let mut conn = self.store.pool().acquire().await?;
        sync_errors::set(
            &mut conn,
            &sync_errors::SyncError {
                relationship: p.relationship.name.clone(),
                scope_id: scope.to_string(),
                source: server.to_string(),
                partner: partner.to_string(),
                error: error.clone(),
                at: store::now(),
            },
        )
        .await?;
        Ok(ReplicationOutcome::Failed { partner, error })
    }
}

impl Tandem {
    /// The shape every change to a failover-aware object takes: record it as pending, apply it
    /// on `server`, then on the partner (a failure there becomes the scope's sync status),
    /// complete the record, and tell open pages.
    pub(crate) async fn apply_change<A, AF, P, PF>(
        &self,
        mut event: NewEvent,
        driver: &Arc<dyn DhcpDriver>,
        scope: ScopeId,
        partnership: Option<Partnership>,
        apply: A,
        on_partner: P,
    ) -> Result<tandem_core::views::ChangeOutcome, ServiceError>
    where
        A: FnOnce() -> AF,
        AF: std::future::Future<Output = Result<(), DriverError>>,
        P: FnOnce(Arc<dyn DhcpDriver>) -> PF,
        PF: std::future::Future<Output = Result<(), DriverError>>,
    {
        let server = driver.server();
        // Re-read through the drivers that wrote: a driver may answer from what it just set.
        let mut writers = vec![driver.clone()];
        writers.extend(
            partnership
                .as_ref()
                .and_then(|p| p.partner.as_ref().ok().cloned()),
        );
        event.scope_id = Some(scope.to_string());
        if let Some(p) = &partnership {
            event.relationship = Some(p.relationship.name.clone());
            event.partner = Some(p.partner_name(server).to_string());
        }
        let id = self.begin(&event).await?;
        if let Err(e) = apply().await {
            self.finish(id, &failed(&e), None).await?;
            return Err(e.into());
        }
        if let Some(partner) = &event.partner {
            let mut conn = self.store.pool().acquire().await?;
            store::events::mark_step(
                &mut conn,
                id,
                &format!("{WRITTEN_ON} {server}; next: {partner}"),
            )
            .await?;
        }
        // Where the write took the server's failover service down for a while (Kea 2.2's
        // config-set), the partner is written only once it serves again: never both out.
        if let (Some(bound), Some(p)) = (driver.settle_bound(), &partnership) {
            self.progress(
                &event.actor,
                format!(
                    "{server} is written; waiting (up to {} s) until its HA service serves again before writing {}, so that both are never out of service together",
                    bound.as_secs(),
                    p.partner_name(server)
                ),
            );
        }
        let replication = match (driver.settle().await, &partnership) {
            (Err(e), Some(p)) => {
                let why = format!(
                    "not written, so that both partners are never out of service together: {e}"
                );
                self.replication_failed(server, scope, p, why).await?
            }
            _ => {
                self.replicate_change(server, scope, partnership, on_partner)
                    .await?
            }
        };
        if let (Some(partner), false) = (writers.get(1), replication.is_failure()) {
            if let Some(bound) = partner.settle_bound() {
                self.progress(
                    &event.actor,
                    format!(
                        "{} is written too; waiting (up to {} s) until its HA service serves again",
                        partner.server(),
                        bound.as_secs()
                    ),
                );
            }
            if let Err(e) = partner.settle().await {
                tracing::warn!(error = %e, "partner not serving again after the change");
            }
        }
        // The record is completed, and the inventory shows the scope as both servers now
        // hold it, in one transaction: the lists agree with the Event Catalog.
        let read = match self.reread_with(&writers, scope).await {
            Ok(read) => read,
            Err(e) => {
                tracing::warn!(error = %e, "inventory not updated after a change");
                Vec::new()
            }
        };
        // Where a write changed only some reservations, only those are recorded again.
        let touched: Vec<_> = writers
            .iter()
            .filter_map(|w| w.touched().map(|t| (w.server().clone(), t)))
            .collect();
        let mut tx = self.store.begin_write().await?;
        store::events::finish(&mut tx, id, "ok", describe(&replication).as_deref()).await?;
        Self::record_scopes_touched(&mut tx, scope, &read, &touched).await?;
        tx.commit().await?;
        self.metrics.change(true);
        self.notify(&event.object_type, Some(server), Some(scope));
        Ok(tandem_core::views::ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }
}

/// How a pending change notes that the server it was made on is written.
const WRITTEN_ON: &str = "written on";

impl Tandem {
    /// At start-up: changes a dead process left pending are marked interrupted, and the
    /// failover scopes they were changing get a sync error naming the step that may not have
    /// happened (so that nobody takes the pair for agreeing until it is compared and
    /// replicated). Returns how many there were.
    pub async fn recover_interrupted(&self) -> Result<usize, ServiceError> {
        let mut tx = self.store.begin_write().await?;
        // On SQLite this is the only instance; on PostgreSQL others may have changes under way.
        let mine = self.store.postgres_url().map(|_| self.instance.as_ref());
        let pending = store::events::pending(&mut tx, mine).await?;
        for e in &pending {
            let server = e.server.as_deref().unwrap_or("the server");
            let written = e.step.as_deref().is_some_and(|s| s.starts_with(WRITTEN_ON));
            let step = match (&e.partner, written) {
                (Some(partner), true) => {
                    format!("written on {server}; it may not have reached {partner}")
                }
                (Some(partner), false) => format!(
                    "it may or may not have been written on {server}, and was not replicated to {partner}"
                ),
                (None, _) => format!("it may or may not have been made on {server}"),
            };
            store::events::finish(
                &mut tx,
                e.id,
                &format!("interrupted: Tandem stopped before this change finished; {step}"),
                None,
            )
            .await?;
            if let (Some(relationship), Some(scope_id), Some(source), Some(partner)) =
                (&e.relationship, &e.scope_id, &e.server, &e.partner)
            {
                sync_errors::set(
                    &mut tx,
                    &sync_errors::SyncError {
                        relationship: relationship.clone(),
                        scope_id: scope_id.clone(),
                        source: source.clone(),
                        partner: partner.clone(),
                        error: format!(
                            "interrupted: Tandem stopped during {} ({}) by {}: {step}. Compare the two copies and replicate the scope",
                            e.action, e.object, e.actor
                        ),
                        at: store::now(),
                    },
                )
                .await?;
            }
        }
        tx.commit().await?;
        if !pending.is_empty() {
            tracing::warn!(
                count = pending.len(),
                "changes interrupted by a stop were marked"
            );
        }
        Ok(pending.len())
    }
}

/// How the Event Catalog words a replication outcome.
pub(crate) fn describe(outcome: &ReplicationOutcome) -> Option<String> {
    match outcome {
        ReplicationOutcome::NotInFailover => None,
        ReplicationOutcome::Replicated { partner } => Some(format!("replicated to {partner}")),
        ReplicationOutcome::Shared { partner, store } => Some(format!(
            "written once: {partner} shares the hosts database {store}"
        )),
        ReplicationOutcome::Failed { partner, error } => {
            Some(format!("not replicated to {partner}: {error}"))
        }
    }
}

/// The outcome word for a failed step.
pub(crate) fn failed(e: &impl std::fmt::Display) -> String {
    format!("failed: {e}")
}
