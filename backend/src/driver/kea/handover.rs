//! A change of a Kea pair's HA mode (or of which peer is active in hot standby), handed from
//! one peer to the other so that one of them serves throughout.
//!
//! Kea restarts a server's HA service on `config-set`, and a peer whose mode differs from its
//! partner's stays `waiting` while the partner is in its normal state (`isPartnerStateInvalid`
//! in Kea's HA hook). Written one peer at a time, the first waits for the second; written
//! both at once, both wait: neither served for 2.0 s with a 1 s heartbeat (Kea 2.2 and 3.0,
//! measured in `kea_continuity`), twenty with Kea's default. Kea's maintenance states, though,
//! are valid whatever the partner's mode, so the change goes through them:
//! 1. `ha-maintenance-start` on the partner: it serves every client, the first peer none;
//! 2. the first peer takes the new configuration, syncs its leases from the partner, and is
//!    then given maintenance of its own partner (`ha-maintenance-start` on it): it serves every
//!    client in the new mode (where Kea puts the partner back in its normal state on the way,
//!    as Kea 2.2 does, the maintenance is cancelled there first);
//! 3. the partner takes the new configuration; it syncs from the first peer and both go back
//!    to their normal state (where the first peer is still in `partner-in-maintenance` when
//!    the partner is ready, as on Kea 2.2, the maintenance is cancelled).
//!
//! A pair that is not in its normal state (within the time a restart takes) is written both at
//! once, as before.

use super::{KeaDriver, normal_state};
use crate::driver::{DhcpDriver, DriverError, RelationshipConfig};
use std::time::{Duration, Instant};
use tandem_core::{FailoverMode, FailoverRelationship};

/// Whether going from `before` to `after` changes what Kea's peers must agree on before
/// either serves: the mode, or in hot standby which peer is active.
pub fn needs_handover(before: &FailoverRelationship, after: &FailoverRelationship) -> bool {
    match (&before.mode, &after.mode) {
        (
            FailoverMode::HotStandby {
                server_role: was, ..
            },
            FailoverMode::HotStandby {
                server_role: now, ..
            },
        ) => was != now,
        (b, a) => b.name() != a.name(),
    }
}

/// How often the two peers' states are read while handing over.
const POLL: Duration = Duration::from_millis(50);

impl KeaDriver {
    /// Writes `c` to this server (the relationship's primary) and to `partner`, handing the
    /// service over as the module says.
    pub(super) async fn hand_over(
        &self,
        partner: &dyn DhcpDriver,
        c: &RelationshipConfig,
    ) -> Result<(), DriverError> {
        let name = &c.relationship.name;
        let (config, _) = self.fetch().await?;
        let bound = 2 * super::ha::settle_time(&config);
        // A pair just back from an earlier change may still be finding its feet (Kea 3's
        // `communication-recovery` after its partner's restart): it is given the time a restart
        // takes to be normal again.
        let start = Instant::now();
        let (mine, theirs) = loop {
            let mine = self.ha_state().await.unwrap_or_default();
            let theirs = partner.raw_failover_state().await.unwrap_or_default();
            if (normal_state(&mine) && normal_state(&theirs)) || start.elapsed() > bound {
                break (mine, theirs);
            }
            tokio::time::sleep(POLL).await;
        };
        if !normal_state(&mine) || !normal_state(&theirs) {
            tracing::warn!(server = %self.name, mine, theirs, "pair not in its normal state: the new HA mode is written to both at once");
            self.update_relationship(c).await?;
            partner.update_relationship(c).await?;
            return Ok(());
        }
        // 1. The partner serves every client.
        partner.set_maintenance(name, true).await?;
        self.update_relationship(c).await?;
        // 2. This server, in the new mode and synced, takes every client.
        let start = Instant::now();
        loop {
            let mine = self.ha_state().await.unwrap_or_default();
            let theirs = partner.raw_failover_state().await.unwrap_or_default();
            match (mine.as_str(), theirs.as_str()) {
                ("partner-in-maintenance" | "partner-down", _) => break,
                ("in-maintenance", "partner-in-maintenance") => {
                    partner.set_maintenance(name, false).await?;
                }
                // Synced (ready), or waiting only because the partner is back in its normal
                // state in the old mode (and so sends it every lease it hands out).
                ("ready", t) | ("waiting", t) if mine == "ready" || normal_state(t) => {
                    if t != "partner-in-maintenance"
                        && let Err(e) = self.command("ha-maintenance-start", None).await
                    {
                        tracing::info!(server = %self.name, error = %e, "maintenance not started yet");
                    }
                }
                _ => {}
            }
            if start.elapsed() > bound {
                return Err(self.not_taking_over(&mine, &theirs, bound));
            }
            tokio::time::sleep(POLL).await;
        }
        // 3. The partner takes the new mode and both go back to normal.
        partner.update_relationship(c).await?;
        let start = Instant::now();
        loop {
            let mine = self.ha_state().await.unwrap_or_default();
            let theirs = partner.raw_failover_state().await.unwrap_or_default();
            if normal_state(&mine) && normal_state(&theirs) {
                tracing::info!(server = %self.name, waited_ms = start.elapsed().as_millis() as u64, "HA mode handed over");
                return Ok(());
            }
            if mine == "partner-in-maintenance" && theirs == "in-maintenance" {
                self.command("ha-maintenance-cancel", None).await?;
            }
            if start.elapsed() > bound {
                return Err(self.not_taking_over(&mine, &theirs, bound));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    fn not_taking_over(&self, mine: &str, theirs: &str, bound: Duration) -> DriverError {
        DriverError::NotServing {
            server: self.name.clone(),
            detail: format!(
                "the change of HA mode did not complete within {} s (this server is {mine}, its partner {theirs})",
                bound.as_secs()
            ),
        }
    }
}
