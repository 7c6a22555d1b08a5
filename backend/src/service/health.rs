//! What a load balancer and an operator ask of an instance: `/health` (does it have what it
//! needs to serve: its database, a drift watch that keeps running) and `/metrics`' counts of
//! the estate.

use super::{ServiceError, Tandem};
use crate::metrics::EstateGauges;
use crate::store::{self, inventory, sync_errors};
use serde::Serialize;
use std::time::Duration;

/// One check of `/health`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// `/health`'s answer: every check, and whether all pass.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Health {
    pub ok: bool,
    pub instance: String,
    pub checks: Vec<Check>,
}

/// When this instance started, and its drift watch's interval in seconds (0: no watch here).
#[derive(Debug)]
pub(crate) struct Monitor {
    pub started: std::time::Instant,
    pub every: std::sync::atomic::AtomicU64,
}

impl Default for Monitor {
    fn default() -> Self {
        Self {
            started: std::time::Instant::now(),
            every: Default::default(),
        }
    }
}

/// Seconds from an RFC 3339 time to now (negative times count as none).
fn age_of(at: &str) -> Option<f64> {
    let at = chrono::DateTime::parse_from_rfc3339(at).ok()?;
    let ms = (chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_milliseconds();
    Some(ms.max(0) as f64 / 1000.0)
}

impl Tandem {
    /// This instance's name among those on one database.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Notes that a pass of the drift watch finished here.
    pub(crate) async fn pass_finished(&self) {
        let result = async {
            let mut conn = self.store.pool().acquire().await?;
            store::watch::finished(&mut conn, &self.instance).await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "the drift watch's pass was not recorded");
        }
    }

    /// The health checks: the database answers; the drift watch (on whichever instance runs
    /// it) finished a pass within three of its intervals and a minute (or has not yet had that
    /// long since this instance started). Without a watch started here there is no such check.
    pub async fn health(&self) -> Health {
        let every = self
            .monitor
            .every
            .load(std::sync::atomic::Ordering::Relaxed);
        let stale = Duration::from_secs(every * 3 + 60);
        let started = self.monitor.started;
        let last = async {
            self.store.ping().await?;
            let mut conn = self.store.pool().acquire().await?;
            store::watch::last(&mut conn).await
        }
        .await;
        let database = |answer: &Result<_, sqlx::Error>| Check {
            name: "database",
            ok: answer.is_ok(),
            detail: match answer {
                Ok(_) => "answers".into(),
                Err(e) => format!("the database does not answer: {e}"),
            },
        };
        let mut checks = vec![database(&last)];
        if let Ok(pass) = last
            && every > 0
        {
            let age = pass.as_ref().and_then(|p| age_of(&p.finished_at));
            checks.push(match (pass, age) {
                (Some(p), Some(age)) => Check {
                    name: "drift_watch",
                    ok: age <= stale.as_secs_f64(),
                    detail: format!(
                        "last pass {age:.1} s ago on {} (stale after {} s)",
                        p.instance,
                        stale.as_secs()
                    ),
                },
                _ => Check {
                    name: "drift_watch",
                    ok: started.elapsed() <= stale,
                    detail: "no pass finished yet".into(),
                },
            });
        }
        Health {
            ok: checks.iter().all(|c| c.ok),
            instance: self.instance.to_string(),
            checks,
        }
    }

    /// The estate's counts for `/metrics`, from the inventory.
    pub async fn estate_gauges(&self) -> Result<EstateGauges, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let (_, drifting, _) = inventory::failover_counts(&mut conn, None).await?;
        let open = sync_errors::all(&mut conn).await?.len();
        let unreachable = inventory::unreachable(&mut conn, None).await?.len();
        let age = store::watch::last(&mut conn)
            .await?
            .and_then(|p| age_of(&p.finished_at));
        Ok(EstateGauges {
            sync_errors_open: open as i64,
            scopes_out_of_sync: drifting as i64,
            servers_unreachable: unreachable as i64,
            drift_watch_age: age,
        })
    }
}
