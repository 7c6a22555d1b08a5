//! Scopes: an IPv4 subnet a server leases from, with its exclusions, options and reservations.

use super::{IpRange, Reservation, ScopeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// Whether a scope hands out leases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScopeState {
    #[default]
    Active,
    Inactive,
}

/// A typed DHCP option value (router 3, DNS servers 6, domain name 15, or any other code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value")]
pub enum OptionValue {
    Addresses(Vec<Ipv4Addr>),
    Text(String),
    Number(u32),
    Flag(bool),
}

/// A scope's whole configuration on one server. Leases are not part of it: the failover
/// protocol carries them, and replication never touches them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub id: ScopeId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub range: IpRange,
    /// Prefix length of the subnet mask (24 for 255.255.255.0).
    pub prefix_len: u8,
    /// Lease duration in seconds (default 8 days).
    pub lease_duration_secs: u32,
    #[serde(default)]
    pub state: ScopeState,
    #[serde(default)]
    pub exclusions: Vec<IpRange>,
    /// Option values by option code.
    #[serde(default)]
    pub options: BTreeMap<u8, OptionValue>,
    #[serde(default)]
    pub reservations: Vec<Reservation>,
}

impl Scope {
    pub const DEFAULT_LEASE_SECS: u32 = 8 * 24 * 3600;

    /// The subnet mask in dotted form (`255.255.255.0`).
    pub fn subnet_mask(&self) -> Ipv4Addr {
        let bits = u32::MAX
            .checked_shl(32 - u32::from(self.prefix_len))
            .unwrap_or(0);
        Ipv4Addr::from(bits)
    }

    pub fn reservation(&self, ip: Ipv4Addr) -> Option<&Reservation> {
        self.reservations.iter().find(|r| r.ip_address == ip)
    }

    /// Reservations in address order, the order every view and comparison uses.
    pub fn sort_reservations(&mut self) {
        self.reservations.sort_by_key(|r| r.ip_address);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn subnet_masks_follow_the_prefix() {
        let mut scope = crate::validate::tests::seed_scope();
        assert_eq!(scope.subnet_mask().to_string(), "255.255.255.0");
        scope.prefix_len = 0;
        assert_eq!(scope.subnet_mask().to_string(), "0.0.0.0");
        scope.prefix_len = 32;
        assert_eq!(scope.subnet_mask().to_string(), "255.255.255.255");
    }
}
