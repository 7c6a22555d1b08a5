//! What a Kea server says of itself for the configuration review: its subnet IDs, the hook
//! libraries it lacks that Tandem or its HA partner needs, and its clock (from `ha-heartbeat`).

use super::offer::Hosts;
use super::{DriverError, KeaDriver};
use serde_json::Value;
use tandem_core::review::{MissingHook, ServerFacts, Severity};

/// How far apart two Kea HA partners' clocks may be before HA stops (Kea's own limit).
const KEA_MAX_CLOCK_SKEW_SECS: u64 = 60;

/// The clock in an `ha-heartbeat` answer (`"date-time": "Fri, 04 Dec 2026 19:00:00 GMT"`).
pub(crate) fn heartbeat_clock(heartbeat: &Value) -> Option<i64> {
    let text = heartbeat.get("date-time")?.as_str()?;
    chrono::DateTime::parse_from_rfc2822(text)
        .ok()
        .map(|t| t.timestamp())
}

impl KeaDriver {
    pub(crate) async fn read_facts(&self) -> Result<ServerFacts, DriverError> {
        let offer = self.offer().await?;
        let snapshot = self.for_checks().await?;
        let in_ha = snapshot.relationship.is_some();
        let mut missing = Vec::new();
        if !offer.has("lease4-get-all") {
            missing.push(MissingHook {
                check: "kea-without-lease-cmds".into(),
                library: "libdhcp_lease_cmds.so".into(),
                severity: if in_ha {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                consequence: if in_ha {
                    "its HA partner's lease updates fail, and Tandem cannot count or find its leases"
                        .into()
                } else {
                    "Tandem cannot count or find its leases".into()
                },
            });
        }
        if let Hosts::Database { kind, .. } = &snapshot.hosts
            && !offer.host_commands()
        {
            missing.push(MissingHook {
                check: "kea-without-host-cmds".into(),
                library: "libdhcp_host_cmds.so".into(),
                severity: Severity::Error,
                consequence: format!(
                    "its reservations are in a {kind} hosts database, which Tandem writes only through the host commands"
                ),
            });
        }
        // Its clock, where HA answers heartbeats (a server without HA has no partner's clock
        // to be compared with).
        let clock_secs = if in_ha {
            self.command("ha-heartbeat", None)
                .await
                .ok()
                .and_then(|h| heartbeat_clock(&h))
        } else {
            None
        };
        Ok(ServerFacts {
            native_ids: snapshot.ids.iter().map(|(s, i)| (*s, *i)).collect(),
            missing_hooks: missing,
            clock_secs,
            clock_limit_secs: Some(KEA_MAX_CLOCK_SKEW_SECS),
            unreadable_subnets: snapshot.unreadable.clone(),
            classes: snapshot.classes.clone(),
            server_options: Some(snapshot.server_options.clone()),
            global_reservations: Some(snapshot.globals.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_clock_is_read_from_a_heartbeat() {
        let beat =
            json!({ "date-time": "Fri, 04 Dec 2026 19:00:00 GMT", "state": "load-balancing" });
        assert_eq!(heartbeat_clock(&beat), Some(1_796_410_800));
        assert_eq!(heartbeat_clock(&json!({ "date-time": "soon" })), None);
        assert_eq!(heartbeat_clock(&json!({})), None);
    }
}
