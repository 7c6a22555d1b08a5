//! Scopes: the DHCP Scopes view with its drift indicator, scope replication, and the Failover
//! Config Sync Status.

use super::{Caller, ServiceError, Tandem, failed};
use crate::driver::{DhcpDriver, DriverError};
use crate::store::{self, inventory, sync_errors};
use std::collections::HashMap;
use std::sync::Arc;
use tandem_core::access::Permission;
use tandem_core::drift::{Difference, DriftStatus};
use tandem_core::replication::ReplicationPlan;
use tandem_core::views::{
    Page, ScopePreview, ScopeQuery, ScopeReplication, ScopeResult, ScopeRow, ScopesPage,
};
use tandem_core::{FailoverReport, FieldError, Scope, ScopeId, ServerName};

/// What one server answered when asked for its scopes and relationships.
pub(crate) type Collected = Result<(Vec<Scope>, Vec<FailoverReport>), DriverError>;

pub(crate) async fn collect(driver: &dyn DhcpDriver) -> Collected {
    let (scopes, failover) = futures::join!(driver.scopes(), driver.failover());
    Ok((scopes?, failover?))
}

/// What the partner answered when asked for its copy of a scope: `None` when Tandem does not
/// manage the partner, `Ok(None)` when the partner lacks the scope.
type PartnerCopy = Option<Result<Option<Scope>, DriverError>>;

/// The drift of `scope` against its partner's copy.
fn drift_of(scope: &Scope, partner: &ServerName, copy: &PartnerCopy) -> DriftStatus {
    match copy {
        None => DriftStatus::Unknown {
            reason: format!("partner {partner} is not managed by Tandem"),
        },
        Some(Err(e)) => DriftStatus::Unknown {
            reason: e.to_string(),
        },
        Some(Ok(Some(copy))) => DriftStatus::of(scope, copy),
        Some(Ok(None)) => DriftStatus::OutOfSync {
            differences: vec![Difference::ScopeMissing {
                on: partner.clone(),
            }],
        },
    }
}

/// Each server's failover reports, or why it did not answer.
pub(crate) type FailoverStates = HashMap<ServerName, Result<Vec<FailoverReport>, DriverError>>;

impl Tandem {
    /// Asks `only` (every managed server when `None`) for their failover relationships and
    /// states, and keeps what they say for the views of relationships. Returns whether
    /// anything differs from the last read.
    pub(crate) async fn read_failover_states(
        &self,
        only: Option<&[&ServerName]>,
    ) -> Result<bool, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let servers: Vec<_> = store::servers::list(&mut conn)
            .await?
            .into_iter()
            .filter(|r| only.is_none_or(|o| o.contains(&&r.name)))
            .collect();
        drop(conn);
        self.flights
            .failover_reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let collected = self.failover_reports(&servers).await;
        let mut changed = false;
        let mut tx = self.store.begin_write().await?;
        for (server, answer) in collected {
            let answer = answer.map_err(|e| e.to_string());
            changed |= store::failover::record(&mut tx, server.as_str(), &answer).await?;
        }
        tx.commit().await?;
        // The read times moved at least: what was kept is read again.
        self.cache.changed();
        Ok(changed)
    }

    /// Asks the servers Tandem has no failover read of yet (new ones) before a view shows
    /// what is kept.
    pub(crate) async fn read_unread_failover_states(&self) -> Result<(), ServiceError> {
        let generation = self.cache.generation();
        if self.cache.all_states_read.get("", generation).is_some() {
            return Ok(());
        }
        let mut conn = self.store.pool().acquire().await?;
        let unread = store::failover::unread(&mut conn).await?;
        drop(conn);
        if unread.is_empty() {
            self.cache
                .all_states_read
                .put(String::new(), generation, ());
        } else {
            let unread: Vec<&ServerName> = unread.iter().collect();
            self.read_failover_states(Some(&unread)).await?;
        }
        Ok(())
    }

    /// Asks the given servers, all at once, for their relationships and their state in each.
    pub(crate) async fn failover_reports(
        &self,
        servers: &[store::servers::ServerRecord],
    ) -> FailoverStates {
        use futures::StreamExt;
        // A bounded number at once: a thousand servers asked together would crowd out the
        // requests being served meanwhile.
        let drivers: Vec<Arc<dyn DhcpDriver>> =
            servers.iter().map(|r| self.drivers.for_server(r)).collect();
        // Boxed first: a stream over a closure's futures trips the compiler's Send check in
        // the server functions that await this.
        let asks: Vec<futures::future::BoxFuture<'static, _>> = drivers
            .into_iter()
            .map(|driver| -> futures::future::BoxFuture<'static, _> {
                Box::pin(async move { (driver.server().clone(), driver.failover().await) })
            })
            .collect();
        futures::stream::iter(asks)
            .buffer_unordered(super::inventory::READS_IN_FLIGHT)
            .collect()
            .await
    }

    /// The DHCP Scopes view: one page of the scopes on every server the caller reaches,
    /// filtered and ordered as asked, with relationship, Failover Config Sync Status and drift,
    /// from the inventory (a server never read before is read first).
    #[tracing::instrument(skip_all, err)]
    pub async fn list_scopes(
        &self,
        caller: &Caller,
        query: &ScopeQuery,
    ) -> Result<ScopesPage, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        self.ensure_inventory().await?;
        let allowed = caller.principal.servers.as_deref();
        let mut conn = self.store.pool().acquire().await?;
        let page = Page::new(query.page.number, query.page.size);
        let query = ScopeQuery {
            page,
            ..query.clone()
        };
        // The count of what the filters match is kept between changes: it is a count over
        // every scope, the same for every page.
        let generation = self.cache.generation();
        let key = serde_json::to_string(&(
            ScopeQuery {
                page: Page::default(),
                ..query.clone()
            },
            allowed,
        ))
        .expect("a query serializes");
        let known = self.cache.counts.get(&key, generation);
        let (rows, total) = inventory::scopes_counted(&mut conn, &query, allowed, known).await?;
        if known.is_none() {
            self.cache.counts.put(key, generation, total);
        }
        let unreachable = self.unreachable_servers(&mut conn, allowed).await?;
        Ok(ScopesPage {
            rows,
            total,
            page,
            unreachable,
        })
    }

    /// One scope on one server, as a row of the scopes view, with the scope itself; read
    /// live from the server and its partner, so the drift lists every difference.
    pub(crate) async fn scope_row(
        &self,
        server: &ServerName,
        scope_id: ScopeId,
    ) -> Result<(ScopeRow, Scope), ServiceError> {
        let driver = self.driver(server).await?;
        let (scope, reports) = futures::join!(driver.scope(scope_id), driver.failover());
        let (scope, reports) = (scope?, reports?);
        let relationship = reports
            .iter()
            .map(|r| &r.relationship)
            .find(|r| r.has_scope(scope_id));
        let partner = relationship.and_then(|r| r.partner_of(server)).cloned();
        let copy: PartnerCopy = match &partner {
            None => None,
            Some(partner) => match self.driver(partner).await {
                Ok(d) => Some(match d.scope(scope_id).await {
                    Ok(copy) => Ok(Some(copy)),
                    Err(DriverError::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                }),
                // Not managed by Tandem: the drift says so.
                Err(ServiceError::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
        };
        let sync_error = match relationship {
            Some(r) => {
                let mut conn = self.store.pool().acquire().await?;
                sync_errors::all(&mut conn)
                    .await?
                    .remove(&(r.name.clone(), scope_id.to_string()))
                    .map(|e| format!("{} (since {})", e.error, e.at.replace('T', " ")))
            }
            None => None,
        };
        let row = ScopeRow {
            server: server.clone(),
            scope_id,
            name: scope.name.clone(),
            range: scope.range,
            subnet_mask: scope.subnet_mask().to_string(),
            state: scope.state,
            reservations: scope.reservations.len(),
            relationship: relationship.map(|r| r.name.clone()),
            drift: partner.as_ref().map(|p| drift_of(&scope, p, &copy)),
            partner,
            sync_error,
            usage: None,
            shared_network: scope
                .kept
                .as_ref()
                .and_then(tandem_core::Kept::shared_network)
                .map(str::to_string),
        };
        Ok((row, scope))
    }

    /// Scope-level replication of several scopes, each from the server named with it; one
    /// failing does not stop the others, and each result says what became of its scope.
    pub async fn replicate_scopes(
        &self,
        caller: &Caller,
        targets: &[(ServerName, ScopeId)],
    ) -> Vec<ScopeResult> {
        let mut results = Vec::with_capacity(targets.len());
        for (server, scope_id) in targets {
            let done = self.replicate_scope(caller, server, *scope_id).await;
            results.push(super::relationships::scope_result(*scope_id, done));
        }
        results
    }

    /// Scope-level replication: overwrites the partner's copy of `scope_id` with the one on
    /// `server` (properties, exclusions, options, reservations; never leases). On success the
    /// scope's Failover Config Sync Status is cleared.
    pub async fn replicate_scope(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
    ) -> Result<ScopeReplication, ServiceError> {
        self.replicate_scope_as_previewed(caller, server, scope_id, None)
            .await
    }

    /// What [`Tandem::replicate_scope`] would write on the partner, from a fresh read of both
    /// copies; nothing is written. Asks what the replication itself asks: the right to
    /// replicate, on both servers.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn preview_scope_replication(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
    ) -> Result<ScopePreview, ServiceError> {
        let read = self.read_for_replication(caller, server, scope_id).await?;
        let plan =
            ReplicationPlan::new(&read.source, read.partner_name.clone(), read.copy.as_ref());
        Ok(ScopePreview {
            scope_id,
            source: server.clone(),
            partner: read.partner_name,
            changes: plan.changes,
            basis: ScopePreview::basis_of(&read.source, read.copy.as_ref()),
        })
    }

    /// Reads a scope and its partner's copy for a replication from `server`, checking the
    /// caller may replicate on both.
    async fn read_for_replication(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
    ) -> Result<ReplicationRead, ServiceError> {
        let what = format!("scope {scope_id}");
        self.authorize(
            caller,
            Permission::ReplicateScope,
            Some(server),
            "replicate_scope",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let source = driver.scope(scope_id).await?;
        let partnership = self
            .partnership(driver.as_ref(), scope_id)
            .await?
            .ok_or_else(|| {
                ServiceError::Validation(
                    FieldError::new(
                        "scope_id",
                        format!("scope {scope_id} on {server} is not in a failover relationship"),
                    )
                    .into(),
                )
            })?;
        let partner_name = partnership.partner_name(server);
        // A whole-scope write: the caller needs access to the partner as well.
        self.authorize(
            caller,
            Permission::ReplicateScope,
            Some(&partner_name),
            "replicate_scope",
            &what,
        )
        .await?;
        let partner = partnership.partner.map_err(ServiceError::conflict)?;
        let copy = match partner.scope(scope_id).await {
            Ok(copy) => Some(copy),
            Err(DriverError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(ReplicationRead {
            relationship: partnership.relationship.name.clone(),
            partner_name,
            partner,
            source,
            copy,
        })
    }

    /// [`Tandem::replicate_scope`], going ahead only if both copies are still as `basis` (a
    /// [`ScopePreview::basis`]) names them: otherwise refused, nothing written, so the caller
    /// previews again.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn replicate_scope_as_previewed(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        basis: Option<&str>,
    ) -> Result<ScopeReplication, ServiceError> {
        let what = format!("scope {scope_id}");
        let ReplicationRead {
            relationship,
            partner_name,
            partner,
            source,
            copy,
        } = self.read_for_replication(caller, server, scope_id).await?;
        if let Some(basis) = basis
            && basis != ScopePreview::basis_of(&source, copy.as_ref())
        {
            return Err(ServiceError::conflict(format!(
                "scope {scope_id} on {server} or its copy on {partner_name} changed since the \
                 preview: nothing was replicated; preview it again"
            )));
        }
        let plan = ReplicationPlan::new(&source, partner_name.clone(), copy.as_ref());
        let mut event = self.event(caller, "replicate_scope", "scope", &what, Some(server));
        event.scope_id = Some(scope_id.to_string());
        event.relationship = Some(relationship.clone());
        event.partner = Some(partner_name.to_string());
        event.before_json = copy.as_ref().and_then(|c| serde_json::to_string(c).ok());
        event.after_json = serde_json::to_string(&plan.scope).ok();
        let id = self.begin(&event).await?;
        let result = if plan.is_noop() {
            Ok(())
        } else {
            partner.put_scope(&plan.scope).await
        };
        match &result {
            Ok(()) => {
                let note = format!(
                    "replicated to {partner_name}: {} change(s)",
                    plan.changes.len()
                );
                self.finish(id, "ok", Some(&note)).await?;
                self.metrics.replication("scope", "ok");
            }
            Err(e) => {
                self.metrics.replication("scope", "failed");
                let note = format!("not replicated to {partner_name}: {e}");
                self.finish(id, &failed(e), Some(&note)).await?;
            }
        }
        result.map_err(|e| match e {
            // The partner refusing the copy is not the caller's input error: say who refused.
            DriverError::Rejected { server, errors } => ServiceError::conflict(format!(
                "partner {server} refused the copy of scope {scope_id}: {errors}"
            )),
            other => other.into(),
        })?;
        let mut conn = self.store.pool().acquire().await?;
        sync_errors::clear(&mut conn, &relationship, &scope_id.to_string()).await?;
        drop(conn);
        self.touched("scope", &[server, &partner_name], Some(scope_id))
            .await;
        Ok(ScopeReplication {
            scope_id,
            source: server.clone(),
            partner: partner_name,
            changes: plan.changes,
        })
    }

    /// Clear Config Sync Error: blanks a scope's Failover Config Sync Status (for when the
    /// replication was run outside Tandem). Returns whether there was an error to clear.
    #[tracing::instrument(skip_all, err)]
    pub async fn clear_sync_error(
        &self,
        caller: &Caller,
        relationship: &str,
        scope_id: ScopeId,
    ) -> Result<bool, ServiceError> {
        let what = format!("scope {scope_id} in {relationship}");
        let mut conn = self.store.pool().acquire().await?;
        let errors = sync_errors::all(&mut conn).await?;
        drop(conn);
        let existing = errors.get(&(relationship.to_string(), scope_id.to_string()));
        // The access scope is checked against the server the error came from.
        let source = existing.and_then(|e| ServerName::parse(&e.source).ok());
        self.authorize(
            caller,
            Permission::ClearSyncError,
            source.as_ref(),
            "clear_sync_error",
            &what,
        )
        .await?;
        let mut tx = self.store.begin_write().await?;
        let cleared = sync_errors::clear(&mut tx, relationship, &scope_id.to_string()).await?;
        let mut event = self.event(caller, "clear_sync_error", "scope", &what, source.as_ref());
        event.before_json = existing.map(|e| e.error.clone());
        let outcome = if cleared { "ok" } else { "nothing to clear" };
        store::events::record(&mut tx, &event, outcome, None).await?;
        tx.commit().await?;
        self.notify("sync_error", source.as_ref(), Some(scope_id));
        Ok(cleared)
    }
}

/// A scope and its partner's copy, read for a replication.
struct ReplicationRead {
    relationship: String,
    partner_name: ServerName,
    partner: Arc<dyn DhcpDriver>,
    source: Scope,
    copy: Option<Scope>,
}
