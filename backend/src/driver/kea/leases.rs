//! Leases on Kea: each scope's figures from `stat-lease4-get` (the `stat_cmds` hook), with
//! the leases of the scopes that hold reservations from `lease4-get-all` (the `lease_cmds`
//! hook) so that a reserved address is never counted twice; and the lease search by address
//! (`lease4-get`), hardware address (`lease4-get-by-hw-address`) or host name
//! (`lease4-get-by-hostname`).

use super::{DriverError, KeaDriver};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use tandem_core::usage::{LeaseHit, LeaseQuery, LeaseState, ScopeUsage, addresses};
use tandem_core::{Scope, ScopeId};

/// What `stat-lease4-get` says of one subnet: leases assigned and declined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SubnetStat {
    pub assigned: u64,
    pub declined: u64,
}

/// Reads `stat-lease4-get`'s result set (its columns by name: they differ between versions).
pub(crate) fn subnet_stats(arguments: &Value) -> Result<HashMap<u64, SubnetStat>, String> {
    let set = &arguments["result-set"];
    let columns: Vec<&str> = set["columns"]
        .as_array()
        .ok_or("stat-lease4-get answered without columns")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let at = |name: &str| columns.iter().position(|c| *c == name);
    let (Some(id), Some(assigned)) = (at("subnet-id"), at("assigned-addresses")) else {
        return Err("stat-lease4-get answered without subnet-id or assigned-addresses".into());
    };
    let declined = at("declined-addresses");
    let mut out = HashMap::new();
    for row in set["rows"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
        let cell = |i: usize| row.get(i).and_then(Value::as_u64);
        let subnet = cell(id).ok_or("a row of stat-lease4-get without a subnet ID")?;
        out.insert(
            subnet,
            SubnetStat {
                assigned: cell(assigned).unwrap_or(0),
                declined: declined.and_then(cell).unwrap_or(0),
            },
        );
    }
    Ok(out)
}

/// One lease as `lease_cmds` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeaLease {
    pub ip: Ipv4Addr,
    pub subnet: u64,
    pub mac: String,
    pub hostname: String,
    pub state: LeaseState,
    pub expires: String,
}

/// Reads one lease; `None` when it is not one.
pub(crate) fn lease_of(lease: &Value, now: i64) -> Option<KeaLease> {
    let ip = lease["ip-address"].as_str()?.parse().ok()?;
    let cltt = lease["cltt"].as_i64().unwrap_or(0);
    let valid = lease["valid-lft"].as_i64().unwrap_or(0);
    let expire = cltt.saturating_add(valid);
    let state = match lease["state"].as_i64().unwrap_or(0) {
        0 if expire > now => LeaseState::Active,
        0 => LeaseState::Expired,
        1 => LeaseState::Declined,
        // 2: expired-reclaimed; 3: released (Kea 3).
        _ => LeaseState::Reclaimed,
    };
    let mac = lease["hw-address"]
        .as_str()
        .and_then(|m| tandem_core::MacAddress::parse(m).ok())
        .map(|m| m.to_string())
        .unwrap_or_default();
    Some(KeaLease {
        ip,
        subnet: lease["subnet-id"].as_u64().unwrap_or(0),
        mac,
        hostname: lease["hostname"]
            .as_str()
            .unwrap_or_default()
            .trim_end_matches('.')
            .to_string(),
        state,
        expires: chrono::DateTime::from_timestamp(expire, 0)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// The leases of an answer that lists them (`{"leases": [...]}`), or of one lease.
fn leases_in(arguments: &Value, now: i64) -> Vec<KeaLease> {
    match arguments.get("leases").and_then(Value::as_array) {
        Some(list) => list.iter().filter_map(|l| lease_of(l, now)).collect(),
        None if arguments.get("ip-address").is_some() => {
            lease_of(arguments, now).into_iter().collect()
        }
        None => Vec::new(),
    }
}

impl KeaDriver {
    /// Each scope's figures (see the module's note).
    pub(crate) async fn read_usage(
        &self,
        scopes: &[Scope],
    ) -> Result<Vec<(ScopeId, ScopeUsage)>, DriverError> {
        let ids = self.for_checks().await?.ids.clone();
        let offer = self.offer().await?;
        let now = chrono::Utc::now().timestamp();
        let known: Vec<(&Scope, u64)> = scopes
            .iter()
            .filter_map(|s| ids.get(&s.id).map(|id| (s, *id)))
            .collect();
        // Where stat_cmds is not loaded, every scope is counted from its leases.
        let stats = if offer.has("stat-lease4-get") {
            let answer = self.command("stat-lease4-get", None).await?;
            Some(
                subnet_stats(&answer).map_err(|detail| DriverError::Protocol {
                    server: self.name.clone(),
                    detail,
                })?,
            )
        } else if !offer.has("lease4-get-all") {
            return Err(DriverError::NotSupported {
                server: self.name.clone(),
                what: "reading leases (it loads neither libdhcp_stat_cmds.so nor libdhcp_lease_cmds.so)".into(),
            });
        } else {
            None
        };
        let stat = |id: u64| {
            stats
                .as_ref()
                .and_then(|s| s.get(&id).copied())
                .unwrap_or_default()
        };
        // The scopes whose reservations may hold leases: their leases are read.
        let listed: Vec<u64> = known
            .iter()
            .filter(|(s, id)| {
                stats.is_none()
                    || (!s.reservations.is_empty() && stat(*id).assigned + stat(*id).declined > 0)
            })
            .map(|(_, id)| *id)
            .collect();
        let mut leased: HashMap<u64, Vec<Ipv4Addr>> = HashMap::new();
        if !listed.is_empty() && offer.has("lease4-get-all") {
            let answer = self
                .command("lease4-get-all", Some(json!({ "subnets": listed })))
                .await?;
            for lease in leases_in(&answer, now) {
                if lease.state.holds_address() {
                    leased.entry(lease.subnet).or_default().push(lease.ip);
                }
            }
        }
        Ok(known
            .into_iter()
            .map(|(scope, id)| {
                let usage = if listed.contains(&id) && offer.has("lease4-get-all") {
                    ScopeUsage::of(scope, leased.remove(&id).unwrap_or_default())
                } else {
                    let s = stat(id);
                    ScopeUsage::from_counts(addresses(scope), s.assigned + s.declined, 0)
                };
                (scope.id, usage)
            })
            .collect())
    }

    /// Refused, saying why, where the server does not load `lease_cmds`.
    async fn lease_commands(&self, what: &str) -> Result<(), DriverError> {
        if self.offer().await?.has("lease4-del") {
            Ok(())
        } else {
            Err(DriverError::NotSupported {
                server: self.name.clone(),
                what: format!("{what} (it does not load libdhcp_lease_cmds.so)"),
            })
        }
    }

    /// Deletes the lease of `ip` here (`lease4-del`); `false` when there is none. Kea's HA
    /// copies the leases its peers hand out, not the ones a command deletes: the partner's
    /// copy is deleted by its own call.
    pub(crate) async fn remove_lease(&self, ip: Ipv4Addr) -> Result<bool, DriverError> {
        self.lease_commands("deleting leases").await?;
        let answer = self
            .exchange("lease4-del", Some(json!({ "ip-address": ip.to_string() })))
            .await?;
        if answer.result == super::RESULT_EMPTY {
            return Ok(false);
        }
        self.accepted("lease4-del", answer).map(|_| true)
    }

    /// Deletes every lease of `scope` here: `lease4-wipe` where the lease database has it
    /// (memfile), else one `lease4-del` per lease. How many there were.
    pub(crate) async fn wipe_leases(&self, scope: ScopeId) -> Result<u64, DriverError> {
        self.lease_commands("clearing a scope's leases").await?;
        let id = *self
            .for_checks()
            .await?
            .ids
            .get(&scope)
            .ok_or_else(|| self.no_scope(scope))?;
        let answer = self
            .exchange("lease4-wipe", Some(json!({ "subnet-id": id })))
            .await?;
        if answer.result == 0
            && let Some(n) = wiped_count(&answer.text)
        {
            return Ok(n);
        }
        if answer.result == super::RESULT_EMPTY {
            return Ok(0);
        }
        // A lease database without wipe (Kea's SQL ones), or no lease4-wipe at all.
        tracing::info!(server = %self.name, text = answer.text, "lease4-wipe not taken: deleting one lease at a time");
        let all = self
            .command("lease4-get-all", Some(json!({ "subnets": [id] })))
            .await?;
        let mut n = 0;
        for lease in leases_in(&all, 0) {
            if self.remove_lease(lease.ip).await? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// The leases matching `query`.
    pub(crate) async fn search_leases(
        &self,
        query: &LeaseQuery,
    ) -> Result<Vec<LeaseHit>, DriverError> {
        self.lease_commands("searching leases").await?;
        let (command, arguments) = match query {
            LeaseQuery::Ip(ip) => ("lease4-get", json!({ "ip-address": ip.to_string() })),
            LeaseQuery::Mac(mac) => (
                "lease4-get-by-hw-address",
                json!({ "hw-address": mac.to_string().replace('-', ":") }),
            ),
            LeaseQuery::Hostname(h) => ("lease4-get-by-hostname", json!({ "hostname": h })),
        };
        let answer = self.command(command, Some(arguments)).await?;
        let snapshot = self.for_checks().await?;
        let by_id: HashMap<u64, ScopeId> = snapshot.ids.iter().map(|(s, i)| (*i, *s)).collect();
        let now = chrono::Utc::now().timestamp();
        let mut hits: Vec<LeaseHit> = leases_in(&answer, now)
            .into_iter()
            // Kea's host-name search is exact; a trailing dot or case is not a difference.
            .filter(|l| query.matches(l.ip, &l.mac, &l.hostname))
            .map(|l| LeaseHit {
                server: self.name.clone(),
                scope_id: by_id.get(&l.subnet).copied(),
                ip_address: l.ip,
                mac: l.mac,
                hostname: l.hostname,
                state: l.state,
                expires: l.expires,
            })
            .collect();
        hits.sort_by_key(|h| h.ip_address);
        Ok(hits)
    }
}

/// The count in `lease4-wipe`'s answer: "Deleted 3 IPv4 lease(s) from subnet(s) 1".
fn wiped_count(text: &str) -> Option<u64> {
    text.strip_prefix("Deleted ")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_of_a_wipe_is_read_from_its_text() {
        assert_eq!(
            wiped_count("Deleted 3 IPv4 lease(s) from subnet(s) 1"),
            Some(3)
        );
        assert_eq!(
            wiped_count("Deleted 0 IPv4 lease(s) from subnet(s) 7 9"),
            Some(0)
        );
        assert_eq!(wiped_count("something else"), None);
    }

    #[test]
    fn statistics_are_read_by_column_name() {
        // Kea 2.2's columns; Kea 3 adds more, in another order: names, not places, are read.
        let answer = json!({ "result-set": {
            "columns": ["subnet-id", "total-addresses", "cumulative-assigned-addresses",
                        "assigned-addresses", "declined-addresses"],
            "rows": [[1, 254, 9, 7, 1], [2, 10, 0, 0, 0]],
            "timestamp": "2026-12-04 10:00:00"
        }});
        let stats = subnet_stats(&answer).unwrap();
        assert_eq!(
            stats[&1],
            SubnetStat {
                assigned: 7,
                declined: 1
            }
        );
        assert_eq!(stats[&2], SubnetStat::default());
        assert!(subnet_stats(&json!({})).is_err());
    }

    #[test]
    fn a_lease_is_read_with_its_state_and_expiry() {
        let lease = json!({ "ip-address": "10.0.0.5", "hw-address": "AA:BB:CC:DD:EE:01",
            "hostname": "pc1.example.com.", "cltt": 1_000, "valid-lft": 3_600, "state": 0,
            "subnet-id": 1 });
        let l = lease_of(&lease, 2_000).unwrap();
        assert_eq!(l.state, LeaseState::Active);
        assert_eq!(l.mac, "aa-bb-cc-dd-ee-01");
        assert_eq!(l.hostname, "pc1.example.com");
        assert_eq!(l.expires, "1970-01-01T01:16:40Z");
        assert_eq!(lease_of(&lease, 4_600).unwrap().state, LeaseState::Expired);
        let declined = json!({ "ip-address": "10.0.0.6", "state": 1 });
        assert_eq!(lease_of(&declined, 0).unwrap().state, LeaseState::Declined);
        assert!(lease_of(&json!({ "ip-address": "nonsense" }), 0).is_none());
        assert_eq!(
            leases_in(&json!({ "leases": [lease, declined] }), 0).len(),
            2
        );
    }
}
