//! The built-in server's leases: kept so that usage, the lease search and the lease
//! operations (delete one, clear a scope's) can be seen; it hands out none itself.

use super::{Failure, ServerConfig};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use tandem_core::usage::{LeaseHit, LeaseQuery, LeaseState, ScopeUsage};
use tandem_core::{FieldErrors, MacAddress, ScopeId};

/// A lease, as the failover protocol carries it between partners. Replication never touches
/// leases; the built-in server keeps them so that this can be seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub scope_id: ScopeId,
    pub ip_address: Ipv4Addr,
    pub client_id: MacAddress,
    /// When it expires (RFC 3339).
    pub expires: String,
    /// The client's host name, where it gave one.
    #[serde(default)]
    pub hostname: String,
    /// The client declined the address (found it taken by another machine).
    #[serde(default)]
    pub declined: bool,
}

impl Lease {
    /// Where it stands at `now`.
    pub fn state(&self, now: chrono::DateTime<chrono::Utc>) -> LeaseState {
        if self.declined {
            return LeaseState::Declined;
        }
        match chrono::DateTime::parse_from_rfc3339(&self.expires) {
            Ok(at) if at > now => LeaseState::Active,
            _ => LeaseState::Expired,
        }
    }
}

impl ServerConfig {
    pub fn add_lease(&mut self, lease: Lease) -> Result<(), Failure> {
        let scope = self.scope_mut(lease.scope_id)?;
        let mut errors = FieldErrors::default();
        if !scope.range.contains(lease.ip_address) {
            errors.push("ip_address", "outside the scope's range");
        }
        if chrono::DateTime::parse_from_rfc3339(&lease.expires).is_err() {
            errors.push(
                "expires",
                "give when it expires as an RFC 3339 time (2026-12-04T10:00:00Z)",
            );
        }
        if !lease.hostname.is_empty()
            && !matches!(
                LeaseQuery::parse(&lease.hostname),
                Ok(LeaseQuery::Hostname(_))
            )
        {
            errors.push(
                "hostname",
                "a host name is letters, digits, '-', '.' and '_', at most 253 characters",
            );
        }
        if !errors.is_empty() {
            return Err(Failure::Invalid(errors));
        }
        self.leases.retain(|l| l.ip_address != lease.ip_address);
        self.leases.push(lease);
        Ok(())
    }

    /// Deletes the lease of `ip`; whether there was one.
    pub fn remove_lease(&mut self, ip: Ipv4Addr) -> bool {
        let before = self.leases.len();
        self.leases.retain(|l| l.ip_address != ip);
        self.leases.len() != before
    }

    /// Deletes every lease of `scope`; how many there were.
    pub fn clear_leases(&mut self, scope: ScopeId) -> Result<u64, Failure> {
        self.scope_mut(scope)?;
        let before = self.leases.len();
        self.leases.retain(|l| l.scope_id != scope);
        Ok((before - self.leases.len()) as u64)
    }

    /// How full each scope is at `now`, from the leases this server holds.
    pub fn usage(&self, now: chrono::DateTime<chrono::Utc>) -> Vec<(ScopeId, ScopeUsage)> {
        self.scopes
            .iter()
            .map(|scope| {
                let leased = self
                    .leases
                    .iter()
                    .filter(|l| l.scope_id == scope.id && l.state(now).holds_address())
                    .map(|l| l.ip_address);
                (scope.id, ScopeUsage::of(scope, leased))
            })
            .collect()
    }

    /// The leases this server holds that match `query`, in address order.
    pub fn find_leases(
        &self,
        query: &LeaseQuery,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<LeaseHit> {
        let mut hits: Vec<LeaseHit> = self
            .leases
            .iter()
            .filter(|l| query.matches(l.ip_address, &l.client_id.to_string(), &l.hostname))
            .map(|l| LeaseHit {
                server: self.name.clone(),
                scope_id: Some(l.scope_id),
                ip_address: l.ip_address,
                mac: l.client_id.to_string(),
                hostname: l.hostname.clone(),
                state: l.state(now),
                expires: l.expires.clone(),
            })
            .collect();
        hits.sort_by_key(|h| h.ip_address);
        hits
    }
}
