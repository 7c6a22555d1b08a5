//! Keeping the inventory in step with the servers: a scope at a time after each change made
//! through Tandem, a server at a time when its revision moved (the drift watch and "Check drift
//! now"), and every server Tandem has never read before a list is shown.

use super::scopes::{Collected, collect};
use super::{Caller, ServiceError, Tandem};
use crate::driver::{DhcpDriver, DriverError};
use crate::store::{self, inventory};
use futures::StreamExt;
use std::sync::Arc;
use tandem_core::access::Permission;
use tandem_core::{Scope, ScopeId, ServerName};

/// Servers read at once.
pub(crate) const READS_IN_FLIGHT: usize = 16;

/// Reads a server whole unless its revision says nothing changed since `known`.
async fn read(
    driver: Arc<dyn DhcpDriver>,
    known: Option<inventory::Known>,
    metrics: Arc<crate::metrics::Metrics>,
) -> Option<(ServerName, Option<String>, Collected, Option<String>)> {
    let started = std::time::Instant::now();
    let answer = read_timed(driver, known).await;
    if let Some((name, ..)) = &answer {
        metrics.server_read(name.as_str(), started.elapsed());
    }
    answer
}

async fn read_timed(
    driver: Arc<dyn DhcpDriver>,
    known: Option<inventory::Known>,
) -> Option<(ServerName, Option<String>, Collected, Option<String>)> {
    let name = driver.server().clone();
    let revision = match driver.revision().await {
        Ok(r) => r,
        Err(e) => return Some((name, None, Err(e), None)),
    };
    if let (Some(now), Some(k)) = (&revision, &known)
        && k.revision.as_ref() == Some(now)
        && k.unreachable.is_none()
    {
        return None;
    }
    let answer = collect(driver.as_ref()).await;
    let write_method = match answer {
        Ok(_) => driver.write_method().await,
        Err(_) => None,
    };
    Some((name, revision, answer, write_method))
}

impl Tandem {
    /// Reads the servers named in `only` (every managed server when `None`) whose revision
    /// moved, and records what they hold. Returns whether anything the views show changed.
    pub(crate) async fn refresh(&self, only: Option<&[&ServerName]>) -> Result<bool, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let records = store::servers::list(&mut conn).await?;
        let mut known = inventory::known(&mut conn).await?;
        drop(conn);
        let reads = records
            .into_iter()
            .filter(|r| only.is_none_or(|o| o.contains(&&r.name)))
            .map(|r| {
                let k = known.remove(r.name.as_str());
                read(self.drivers.for_server(&r), k, self.metrics.clone())
            });
        let mut answers = futures::stream::iter(reads).buffer_unordered(READS_IN_FLIGHT);
        let mut changed = false;
        while let Some(answer) = answers.next().await {
            let Some((name, revision, answer, write_method)) = answer else {
                continue;
            };
            let answer = match &answer {
                Ok((scopes, reports)) => Ok((scopes.as_slice(), reports.as_slice())),
                Err(e) => Err(e.to_string()),
            };
            let snap = inventory::ServerSnapshot {
                server: &name,
                revision,
                write_method,
                answer,
            };
            let mut tx = self.store.begin_write().await?;
            changed |= inventory::record_server(&mut tx, &snap).await?;
            tx.commit().await?;
            self.cache.changed();
        }
        Ok(changed)
    }

    /// Reads every managed server the inventory has never seen (a server just added, or the
    /// first list after an upgrade).
    pub(crate) async fn ensure_inventory(&self) -> Result<(), ServiceError> {
        let generation = self.cache.generation();
        if self.cache.all_read.get("", generation).is_some() {
            return Ok(());
        }
        let mut conn = self.store.pool().acquire().await?;
        let unread = inventory::unread(&mut conn).await?;
        drop(conn);
        if unread.is_empty() {
            self.cache.all_read.put(String::new(), generation, ());
            return Ok(());
        }
        let names: Vec<ServerName> = unread
            .iter()
            .filter_map(|n| ServerName::parse(n).ok())
            .collect();
        let refs: Vec<&ServerName> = names.iter().collect();
        self.refresh(Some(&refs)).await.map(drop)
    }

    /// Reads one scope again on each of `servers` (those Tandem manages and that answer).
    pub(crate) async fn reread_scope(
        &self,
        servers: &[&ServerName],
        scope: ScopeId,
    ) -> Result<Vec<(ServerName, Option<Scope>)>, ServiceError> {
        let mut drivers = Vec::new();
        for s in servers {
            match self.driver(s).await {
                Ok(d) => drivers.push(d),
                // A partner Tandem does not manage has no inventory.
                Err(ServiceError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        self.reread_with(&drivers, scope).await
    }

    /// [`Self::reread_scope`] through these drivers.
    pub(crate) async fn reread_with(
        &self,
        drivers: &[Arc<dyn DhcpDriver>],
        scope: ScopeId,
    ) -> Result<Vec<(ServerName, Option<Scope>)>, ServiceError> {
        // What each server holds as its driver knows it after the change (a hosts database's
        // server as Tandem last read and wrote it: the watch reads it whole at its next look).
        let answers =
            futures::future::join_all(drivers.iter().map(|d| d.scope_to_check(scope))).await;
        let mut out = Vec::new();
        for (driver, answer) in drivers.iter().zip(answers) {
            match answer {
                Ok(s) => out.push((driver.server().clone(), Some(s))),
                Err(DriverError::NotFound { .. }) => out.push((driver.server().clone(), None)),
                // Unreachable now: the watch records that on its next look.
                Err(e) => tracing::warn!(error = %e, "scope not re-read after a change"),
            }
        }
        Ok(out)
    }

    /// Records what [`Self::reread_scope`] read, in the caller's transaction.
    pub(crate) async fn record_scopes(
        conn: &mut sqlx::AnyConnection,
        scope: ScopeId,
        read: &[(ServerName, Option<Scope>)],
    ) -> Result<(), ServiceError> {
        Self::record_scopes_touched(conn, scope, read, &[]).await
    }

    /// [`Self::record_scopes`], with what each server's write changed (see
    /// [`inventory::Touched`]).
    pub(crate) async fn record_scopes_touched(
        conn: &mut sqlx::AnyConnection,
        scope: ScopeId,
        read: &[(ServerName, Option<Scope>)],
        touched: &[(ServerName, inventory::Touched)],
    ) -> Result<(), ServiceError> {
        for (server, copy) in read {
            let t = touched.iter().find(|(s, _)| s == server).map(|(_, t)| t);
            inventory::record_scope(&mut *conn, server, scope, copy.as_ref(), t).await?;
        }
        Ok(())
    }

    /// Reads one scope again on each of `servers` and records it.
    async fn refresh_scope(
        &self,
        servers: &[&ServerName],
        scope: ScopeId,
    ) -> Result<(), ServiceError> {
        let read = self.reread_scope(servers, scope).await?;
        let mut tx = self.store.begin_write().await?;
        Self::record_scopes(&mut tx, scope, &read).await?;
        tx.commit().await?;
        Ok(())
    }

    /// After a change made through Tandem: brings the inventory up to date for what it touched
    /// (one scope on each server, or the servers whole), then tells open pages. The change is
    /// already made and recorded; should the inventory fail to follow, the watch catches up.
    pub(crate) async fn touched(
        &self,
        kind: &str,
        servers: &[&ServerName],
        scope: Option<ScopeId>,
    ) {
        // A change to a server or a relationship may move failover states too.
        let result = match scope {
            Some(id) => self.refresh_scope(servers, id).await,
            None => match self.refresh(Some(servers)).await {
                Ok(_) => self.read_failover_states(Some(servers)).await.map(drop),
                Err(e) => Err(e),
            },
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "inventory not updated after a change");
        }
        self.notify(kind, servers.first().copied(), scope);
    }

    /// "Check drift now": reads every server whose revision moved, compares the copies of
    /// every failover scope again, and tells open pages if anything changed. Returns whether
    /// anything did.
    #[tracing::instrument(skip_all, err)]
    pub async fn check_drift(&self, caller: &Caller) -> Result<bool, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        // The check reads after the click: a run that began reading before it is not joined
        // (it may have read a server before the change the user wants to see), the next one
        // is. Joining a run that has not begun is free; starting one is allowed each user now
        // and then (an administrator at the machine's own shell is not limited).
        // The turns are counted in the database, so that every instance counts the same. A
        // caller takes a turn only when it would start a run (one at a time: those that come
        // meanwhile join the run it starts).
        let run = {
            let _one_at_a_time = self.flights.drift_turns.lock().await;
            if !caller.is_local() && self.flights.drift.fresh_would_start() {
                let mut tx = self.store.begin_write().await?;
                let key = format!("drift-check:{}", caller.name());
                let turn =
                    store::limits::take(&mut tx, &key, super::flights::DRIFT_CHECK_EVERY).await?;
                tx.commit().await?;
                if let Err(wait) = turn {
                    return Err(ServiceError::TooSoon(format!(
                        "drift was checked at your request less than {} s ago; the servers are read again every few seconds anyway — try again in {} s",
                        super::flights::DRIFT_CHECK_EVERY.as_secs(),
                        wait.as_secs().max(1)
                    )));
                }
            }
            self.refresh_all_joined(true)
        };
        run.await.map_err(ServiceError::Internal)
    }

    /// Reads every server whose revision moved, and every server's failover states, once at a
    /// time whoever asks (the watch, or any number of users checking at once), and tells open
    /// pages if anything changed.
    pub(crate) async fn refresh_all(&self) -> Result<bool, ServiceError> {
        self.refresh_all_joined(false)
            .await
            .map_err(ServiceError::Internal)
    }

    /// [`Self::refresh_all`], joined or started; `fresh`: only a run that begins reading after
    /// this call is joined.
    fn refresh_all_joined(
        &self,
        fresh: bool,
    ) -> futures::future::Shared<futures::future::BoxFuture<'static, Result<bool, String>>> {
        let me = self.clone();
        let read = move || async move {
            let started = std::time::Instant::now();
            // The servers whose revision moved; then every server's failover states (they move
            // without any revision moving); then how full each scope is (leases move without
            // anything else moving).
            let read = match me.refresh(None).await {
                Ok(configuration) => match me.read_failover_states(None).await {
                    Ok(states) => me
                        .read_usage(None)
                        .await
                        .map(|usage| (configuration, configuration | states | usage)),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            if read.is_ok() {
                me.metrics.drift_pass(started.elapsed());
                me.pass_finished().await;
            }
            // Then the configuration review, when a configuration changed or it is due (states
            // and leases alone change nothing it checks).
            if let Ok((configuration, _)) = &read
                && let Err(e) = me.review_if_due(*configuration).await
            {
                tracing::warn!(error = %e, "the configuration review failed");
            }
            match read {
                Ok((_, changed)) => {
                    if changed {
                        me.notify("drift", None, None);
                    }
                    Ok(changed)
                }
                Err(e) => {
                    tracing::error!(error = %e, "reading the servers again failed");
                    Err(e.to_string())
                }
            }
        };
        self.flights.drift.join(fresh, read)
    }

    /// The servers that did not answer at their last read (that the caller may see), kept
    /// between changes.
    pub(crate) async fn unreachable_servers(
        &self,
        conn: &mut sqlx::AnyConnection,
        allowed: Option<&[ServerName]>,
    ) -> Result<Vec<tandem_core::views::UnreachableServer>, ServiceError> {
        let generation = self.cache.generation();
        let key = serde_json::to_string(&allowed).expect("names serialize");
        if let Some(kept) = self.cache.unreachable.get(&key, generation) {
            return Ok(kept);
        }
        let servers = inventory::unreachable(conn, allowed).await?;
        self.cache.unreachable.put(key, generation, servers.clone());
        Ok(servers)
    }
}
