//! The operations of the portal, called by server functions, the API and the CLI alike.
//! Each one: find the drivers, check the input against the core's rules, apply the change
//! where it was asked for, then on the partner when the scope is in failover, record the
//! outcome. Nothing here knows of HTTP or Leptos.

mod reservations;
mod scopes;

use crate::driver::{DhcpDriver, DriverError, Drivers};
use crate::store::{self, Store, events::Event, sync_errors};
use std::sync::Arc;
use tandem_core::{
    FailoverRelationship, FieldErrors, ScopeId, ServerName, views::ReplicationOutcome,
};

/// Who is making a change, as the Event Catalog records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
}

impl Actor {
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input: {0}")]
    Validation(FieldErrors),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Driver(DriverError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl From<DriverError> for ServiceError {
    /// A server's field-level refusal is a validation error like Tandem's own; a missing
    /// object is "not found"; the rest stays a driver error naming the server.
    fn from(e: DriverError) -> Self {
        match e {
            DriverError::Rejected { errors, .. } => Self::Validation(errors),
            DriverError::NotFound { server, what } => Self::NotFound(format!("{what} on {server}")),
            other => Self::Driver(other),
        }
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(e: FieldErrors) -> Self {
        Self::Validation(e)
    }
}

/// The services, over one store and one set of drivers.
#[derive(Clone)]
pub struct Tandem {
    store: Store,
    drivers: Drivers,
}

/// A failover scope's relationship and its partner, as the server reports them.
pub(crate) struct Partnership {
    pub relationship: FailoverRelationship,
    pub partner: Result<Arc<dyn DhcpDriver>, String>,
}

impl Partnership {
    fn partner_name(&self, me: &ServerName) -> ServerName {
        self.relationship
            .partner_of(me)
            .cloned()
            .unwrap_or_else(|| me.clone())
    }
}

impl Tandem {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            drivers: Drivers::new(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
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
        let Some(report) = reports
            .into_iter()
            .find(|r| r.relationship.has_scope(scope))
        else {
            return Ok(None);
        };
        let relationship = report.relationship;
        let partner_name = relationship
            .partner_of(server.server())
            .cloned()
            .ok_or_else(|| {
                ServiceError::Conflict(format!(
                    "{} reports relationship {} without itself in it",
                    server.server(),
                    relationship.name
                ))
            })?;
        let partner = match self.driver(&partner_name).await {
            Ok(d) => Ok(d),
            Err(ServiceError::NotFound(_)) => {
                Err(format!("partner {partner_name} is not managed by Tandem"))
            }
            Err(e) => return Err(e),
        };
        Ok(Some(Partnership {
            relationship,
            partner,
        }))
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
        let result = match p.partner {
            Ok(driver) => apply(driver).await.map_err(|e| e.to_string()),
            Err(why) => Err(why),
        };
        match result {
            Ok(()) => Ok(ReplicationOutcome::Replicated { partner }),
            Err(error) => {
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
    }

    pub(crate) async fn record(&self, event: Event) -> Result<(), ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        store::events::record(&mut conn, &event).await?;
        Ok(())
    }
}

/// How the Event Catalog words a replication outcome.
pub(crate) fn describe(outcome: &ReplicationOutcome) -> Option<String> {
    match outcome {
        ReplicationOutcome::NotInFailover => None,
        ReplicationOutcome::Replicated { partner } => Some(format!("replicated to {partner}")),
        ReplicationOutcome::Failed { partner, error } => {
            Some(format!("not replicated to {partner}: {error}"))
        }
    }
}
