//! Leases and utilization: each scope's figures read by the drift watch into the inventory
//! (the DHCP Scopes view, its "over N %" filter and the Dashboard's fullest scopes are queries
//! there), read live for Scope Properties, and the lease search across the servers a user may
//! see. Every look at a server is bounded in time: a server that does not answer within it is
//! named, never waited for.

use super::{Caller, ServiceError, Tandem};
use crate::driver::{DhcpDriver, DriverError};
use crate::store::{self, inventory};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tandem_core::access::Permission;
use tandem_core::usage::{LeaseQuery, LeaseSearch, ScopeUsage};
use tandem_core::views::{ScopeRow, UnreachableServer};
use tandem_core::{FieldError, Scope, ScopeId, ServerName};

/// How long one look at one server's leases may take.
pub(crate) const LOOK: Duration = Duration::from_secs(5);
/// How long a whole lease search may take, however many servers it asks.
pub(crate) const SEARCH_BOUND: Duration = Duration::from_secs(10);
/// Servers asked at once by a lease search.
const SEARCHES_IN_FLIGHT: usize = 32;

/// Each scope's figures on the server `driver` reaches, within [`LOOK`].
async fn figures(driver: &dyn DhcpDriver) -> Result<Vec<(ScopeId, ScopeUsage)>, String> {
    let read = async {
        let scopes = driver.scopes_to_check().await?;
        driver.usage(&scopes).await
    };
    match tokio::time::timeout(LOOK, read).await {
        Ok(Ok(figures)) => Ok(figures),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", LOOK.as_secs())),
    }
}

impl Tandem {
    /// Reads how full every scope is on the servers named in `only` (every managed server
    /// when `None`) and records it. Returns whether anything the views show changed.
    pub(crate) async fn read_usage(
        &self,
        only: Option<&[&ServerName]>,
    ) -> Result<bool, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let records = store::servers::list(&mut conn).await?;
        drop(conn);
        let reads = records
            .into_iter()
            .filter(|r| only.is_none_or(|o| o.contains(&&r.name)))
            .map(|r| {
                let driver = self.drivers.for_server(&r);
                async move { (r.name, figures(driver.as_ref()).await) }
            });
        let mut answers =
            futures::stream::iter(reads).buffer_unordered(super::inventory::READS_IN_FLIGHT);
        let mut changed = false;
        while let Some((server, answer)) = answers.next().await {
            let (figures, unread) = match &answer {
                Ok(f) => (f.as_slice(), None),
                Err(why) => (&[][..], Some(why.as_str())),
            };
            let mut tx = self.store.begin_write().await?;
            changed |= inventory::record_usage(&mut tx, &server, figures, unread).await?;
            tx.commit().await?;
        }
        if changed {
            self.cache.changed();
        }
        Ok(changed)
    }

    /// How full `scope` is on `driver`'s server, read now within [`LOOK`]; `None` when the
    /// server cannot tell in time.
    pub(crate) async fn usage_now(driver: &dyn DhcpDriver, scope: &Scope) -> Option<ScopeUsage> {
        let read = driver.usage(std::slice::from_ref(scope));
        match tokio::time::timeout(LOOK, read).await {
            Ok(Ok(figures)) => figures
                .into_iter()
                .find(|(id, _)| *id == scope.id)
                .map(|(_, u)| u),
            _ => None,
        }
    }

    /// How full a scope is on its server (`row.server`, holding `scope`) and on its partner,
    /// each read now within [`LOOK`], else as the inventory last held it.
    pub(crate) async fn usage_beside(
        &self,
        row: &ScopeRow,
        scope: &Scope,
    ) -> Result<(Option<ScopeUsage>, Option<ScopeUsage>), ServiceError> {
        let own = async {
            let driver = self.driver(&row.server).await?;
            match Self::usage_now(driver.as_ref(), scope).await {
                Some(u) => Ok(Some(u)),
                None => self.usage_held(&row.server, scope.id).await,
            }
        };
        let partner = async {
            let Some(partner) = &row.partner else {
                return Ok(None);
            };
            let driver = match self.driver(partner).await {
                Ok(d) => d,
                // Not managed by Tandem: nothing to show.
                Err(ServiceError::NotFound(_)) => return Ok(None),
                Err(e) => return Err(e),
            };
            // The partner's figures count its own copy of the scope.
            let copy = tokio::time::timeout(LOOK, driver.scope_to_check(scope.id)).await;
            let now = match copy {
                Ok(Ok(copy)) => Self::usage_now(driver.as_ref(), &copy).await,
                _ => None,
            };
            match now {
                Some(u) => Ok(Some(u)),
                None => self.usage_held(partner, scope.id).await,
            }
        };
        futures::try_join!(own, partner)
    }

    /// The figures the inventory holds for one scope on one server.
    pub(crate) async fn usage_held(
        &self,
        server: &ServerName,
        scope: ScopeId,
    ) -> Result<Option<ScopeUsage>, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        Ok(inventory::usage_of(&mut conn, server, scope).await?)
    }

    /// The lease search: the leases matching `text` (an IP address, a MAC address or a host
    /// name) on every server the caller may see, asked at once and bounded in time; the
    /// servers that could not be searched are named with why.
    #[tracing::instrument(skip_all, err)]
    pub async fn find_leases(
        &self,
        caller: &Caller,
        text: &str,
    ) -> Result<LeaseSearch, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        let query = LeaseQuery::parse(text)
            .map_err(|m| ServiceError::Validation(FieldError::new("q", m).into()))?;
        let mut conn = self.store.pool().acquire().await?;
        let allowed = caller.principal.servers.as_deref();
        let records: Vec<_> = store::servers::list(&mut conn)
            .await?
            .into_iter()
            .filter(|r| allowed.is_none_or(|a| a.contains(&r.name)))
            .collect();
        drop(conn);
        let deadline = tokio::time::Instant::now() + SEARCH_BOUND;
        let searched = records.len();
        let asks = records.into_iter().map(|r| {
            let driver: Arc<dyn DhcpDriver> = self.drivers.for_server(&r);
            let query = &query;
            async move {
                // Each server within LOOK, and none past the whole search's bound.
                let bound = deadline.min(tokio::time::Instant::now() + LOOK);
                let answer = tokio::time::timeout_at(bound, driver.find_leases(query)).await;
                (r.name, answer)
            }
        });
        let mut answers = futures::stream::iter(asks).buffer_unordered(SEARCHES_IN_FLIGHT);
        let mut out = LeaseSearch {
            query: query.describe(),
            searched,
            ..LeaseSearch::default()
        };
        while let Some((server, answer)) = answers.next().await {
            match answer {
                Ok(Ok(hits)) => out.leases.extend(hits),
                Ok(Err(e)) => out.unanswered.push(UnreachableServer {
                    server,
                    reason: match e {
                        DriverError::NotSupported { .. } => {
                            format!("cannot be searched: {e}")
                        }
                        other => other.to_string(),
                    },
                }),
                Err(_) => out.unanswered.push(UnreachableServer {
                    server,
                    reason: "no answer in time".into(),
                }),
            }
        }
        out.leases
            .sort_by(|a, b| (a.ip_address, &a.server).cmp(&(b.ip_address, &b.server)));
        out.unanswered.sort_by(|a, b| a.server.cmp(&b.server));
        Ok(out)
    }
}
