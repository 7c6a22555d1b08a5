//! How a Kea pair's HA service is moved without both peers out at once: a change of HA mode
//! (or of which peer is active in hot standby) handed from one peer to the other, the end of a
//! partner's maintenance watched until it holds, and a new relationship's second half written
//! with its copies of the scopes in one `config-set`.
//!
//! The change of mode:
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

use super::{KeaDriver, normal_state, state_of};
use crate::driver::{DhcpDriver, DriverError, RelationshipConfig};
use std::time::{Duration, Instant};
use tandem_core::{FailoverMode, FailoverRelationship, FailoverState};

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
                    partner.cancel_maintenance(name).await?;
                }
                // Synced (ready), or waiting only because the partner is back in its normal
                // state in the old mode (and so sends it every lease it hands out).
                ("ready", t) | ("waiting", t)
                    if (mine == "ready" && t != "partner-in-maintenance") || normal_state(t) =>
                {
                    if let Err(e) = self.command("ha-maintenance-start", None).await {
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

    /// Ends maintenance of this server's partner (`ha-maintenance-cancel` here), and sees that
    /// it stays ended: Kea 2.2 returns each peer to the state it was in before, reading its
    /// partner's state as it last heard it, so the peer cancelling may see its partner still
    /// `in-maintenance` and both go back into maintenance (seen in the browser tests, now and
    /// then). Cancelled again, up to three times, until this server stays in its normal state
    /// for a heartbeat.
    pub(super) async fn end_maintenance(&self) -> Result<FailoverState, DriverError> {
        let (config, _) = self.fetch().await?;
        let heartbeat = super::ha::heartbeat(&config);
        let bound = super::ha::settle_time(&config);
        let mut last = String::new();
        for attempt in 0..3 {
            match self.command("ha-maintenance-cancel", None).await {
                Ok(_) => {}
                // Already ended (by the first attempt, late): watched as it is.
                Err(_) if attempt > 0 => {}
                Err(e) => return Err(e),
            }
            let start = Instant::now();
            let mut normal_since: Option<Instant> = None;
            loop {
                last = self.ha_state().await.unwrap_or_default();
                if last == "partner-in-maintenance" && start.elapsed() > POLL * 4 {
                    tracing::warn!(server = %self.name, attempt, "back in maintenance after it was cancelled: cancelled again");
                    break;
                }
                if normal_state(&last) {
                    let since = *normal_since.get_or_insert_with(Instant::now);
                    if since.elapsed() >= heartbeat {
                        return Ok(state_of(&last));
                    }
                } else {
                    normal_since = None;
                }
                // Not in maintenance, not normal yet (waiting, syncing): Kea's own way back.
                if start.elapsed() > bound {
                    return Ok(state_of(&last));
                }
                tokio::time::sleep(POLL * 2).await;
            }
        }
        Err(DriverError::NotServing {
            server: self.name.clone(),
            detail: format!(
                "its partner's maintenance was cancelled three times and Kea put the pair back in maintenance each time (it is {last})"
            ),
        })
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

impl KeaDriver {
    /// This server's half of a new relationship, with `copies` of the partner's scopes it
    /// lacks, in one `config-set`: the copies never run outside HA (a subnet served alone with
    /// none of the partner's leases would hand out addresses the partner has given).
    pub(super) async fn create_half(
        &self,
        c: &RelationshipConfig,
        copies: &[tandem_core::Scope],
    ) -> Result<(), DriverError> {
        let partner_url = c
            .partner_endpoint
            .clone()
            .filter(|u| u.starts_with("http"))
            .ok_or_else(|| {
                self.refused(
                    "secondary_server",
                    "Kea's HA peers reach each other over HTTP: register the partner by its control agent's or its own HTTP control socket's URL",
                )
            })?;
        if !self.url.starts_with("http") {
            return Err(self.refused(
                "primary_server",
                format!(
                    "Kea's HA peers reach each other over HTTP: register {} by its control agent's or its own HTTP control socket's URL",
                    self.name
                ),
            ));
        }
        let offer = self.offer().await?;
        let style = super::ha::HookStyle::for_version(&offer.version);
        self.modify_config(|config| {
            if let Some(r) = super::ha::relationship_of(config, Vec::new()) {
                return Err(self.refused(
                    "primary_server",
                    format!(
                        "{} is already in relationship {} (Kea has one HA relationship per server)",
                        self.name, r.name
                    ),
                ));
            }
            if !copies.is_empty() {
                self.rewrite_scopes(config, |scopes| {
                    let mut touched = Vec::new();
                    for copy in copies {
                        // As put_scope writes a copy: checked, and placed as the source has it.
                        let current = scopes.iter().find(|s| s.id == copy.id);
                        let written =
                            self.as_written(copy, current, super::writes::ScopeWrite::Whole)?;
                        scopes.retain(|s| s.id != copy.id);
                        scopes.push(written);
                        touched.push(copy.id);
                    }
                    Ok(((), touched))
                })?;
            }
            super::ha::set_relationship(
                config,
                &self.name,
                &super::ha::PeerUrls::new(&self.url, &partner_url),
                &c.relationship,
                style,
            );
            Ok(())
        })
        .await
    }
}
