//! Leases and utilization: how full a scope is on one server, and a lease as a search finds it.
//!
//! A scope's figures count the addresses it hands out: its range without its exclusions.
//! Each is in use (leased, or declined by a client that found it taken), reserved (set aside
//! for a client that holds no lease on it now) or free. The percentage is the share not free.

use crate::{Scope, ScopeId, ServerName};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::net::Ipv4Addr;

/// How full one scope is on one server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeUsage {
    /// Addresses the scope hands out: its range without its exclusions.
    pub total: u64,
    /// Leased now (or declined), inside the range and outside the exclusions.
    pub in_use: u64,
    /// Reserved for a client that holds no lease on the address now.
    pub reserved: u64,
    pub free: u64,
}

impl ScopeUsage {
    /// From the addresses leased (or declined) now on the server, in this scope or not.
    pub fn of(scope: &Scope, leased: impl IntoIterator<Item = Ipv4Addr>) -> Self {
        let counted = |ip: Ipv4Addr| {
            scope.range.contains(ip) && !scope.exclusions.iter().any(|e| e.contains(ip))
        };
        let leased: HashSet<Ipv4Addr> = leased.into_iter().filter(|ip| counted(*ip)).collect();
        let reserved = scope
            .reservations
            .iter()
            .map(|r| r.ip_address)
            .filter(|ip| counted(*ip) && !leased.contains(ip))
            .collect::<HashSet<_>>()
            .len() as u64;
        Self::from_counts(addresses(scope), leased.len() as u64, reserved)
    }

    /// From counts the server keeps (leases in the range; reservations without a lease), each
    /// held within what the scope holds.
    pub fn from_counts(total: u64, in_use: u64, reserved: u64) -> Self {
        let in_use = in_use.min(total);
        let reserved = reserved.min(total - in_use);
        Self {
            total,
            in_use,
            reserved,
            free: total - in_use - reserved,
        }
    }

    /// Addresses not free, in thousandths of the total (0 for a scope without addresses).
    pub fn permille(&self) -> u64 {
        if self.total == 0 {
            return 0;
        }
        (self.total - self.free) * 1000 / self.total
    }

    /// The percentage not free, to a tenth (never rounded up: "over 11 %" finds 11.8 %, never
    /// a scope shown as 12 % that is not): "45 %", "11.8 %", "0.4 %", "100 %".
    pub fn percent_text(&self) -> String {
        format!("{} %", self.percent())
    }

    /// The percentage not free as a number to a tenth, without its sign: "45", "11.8".
    pub fn percent(&self) -> String {
        let p = self.permille();
        if p.is_multiple_of(10) {
            format!("{}", p / 10)
        } else {
            format!("{}.{}", p / 10, p % 10)
        }
    }

    /// "12 in use, 3 reserved, 239 free of 254".
    pub fn summary(&self) -> String {
        format!(
            "{} in use, {} reserved, {} free of {}",
            self.in_use, self.reserved, self.free, self.total
        )
    }
}

/// The addresses a scope hands out: its range without its exclusions (overlapping exclusions
/// counted once).
pub fn addresses(scope: &Scope) -> u64 {
    let (start, end) = (
        u32::from(scope.range.start()) as u64,
        u32::from(scope.range.end()) as u64,
    );
    let mut cut: Vec<(u64, u64)> = scope
        .exclusions
        .iter()
        .map(|e| {
            (
                (u32::from(e.start()) as u64).max(start),
                (u32::from(e.end()) as u64).min(end),
            )
        })
        .filter(|(a, b)| a <= b)
        .collect();
    cut.sort_unstable();
    let mut excluded = 0;
    let mut reach = 0u64; // one past the last address counted
    for (a, b) in cut {
        let a = a.max(reach);
        if a <= b {
            excluded += b - a + 1;
            reach = b + 1;
        }
    }
    end - start + 1 - excluded
}

/// Where a lease stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum LeaseState {
    Active,
    /// Its time ran out; the server has not taken the address back yet.
    Expired,
    /// A client found the address taken by another machine.
    Declined,
    /// Taken back by the server after it expired or was released.
    Reclaimed,
}

impl LeaseState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Declined => "declined",
            Self::Reclaimed => "reclaimed",
        }
    }

    /// Whether the address counts as in use.
    pub fn holds_address(self) -> bool {
        matches!(self, Self::Active | Self::Declined)
    }
}

/// A lease as a server holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaseHit {
    /// The server holding it (both partners of a pair usually do).
    pub server: ServerName,
    /// The scope whose subnet holds the address, where the server has one.
    pub scope_id: Option<ScopeId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ip_address: Ipv4Addr,
    /// The client's hardware address, `aa-bb-cc-dd-ee-ff`; empty when the lease has none.
    pub mac: String,
    pub hostname: String,
    pub state: LeaseState,
    /// When it expires (RFC 3339, UTC).
    pub expires: String,
}

/// What a lease search looks for, told apart by its form: an address, a hardware address, or
/// else a host name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeaseQuery {
    Ip(Ipv4Addr),
    Mac(crate::MacAddress),
    Hostname(String),
}

impl LeaseQuery {
    /// The longest host name searched for (a DNS name's limit).
    pub const MAX_HOSTNAME: usize = 253;

    /// Reads what a user typed; why not, when it cannot be searched for.
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err("give an IP address, a MAC address or a host name".into());
        }
        if let Ok(ip) = crate::parse_ipv4(text) {
            return Ok(Self::Ip(ip));
        }
        if let Ok(mac) = crate::MacAddress::parse(text) {
            return Ok(Self::Mac(mac));
        }
        let host_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_';
        if text.len() > Self::MAX_HOSTNAME || !text.chars().all(host_char) {
            return Err(format!(
                "not an IP address, a MAC address (aa-bb-cc-dd-ee-ff) or a host name (letters, digits, '-', '.', '_', at most {} characters)",
                Self::MAX_HOSTNAME
            ));
        }
        Ok(Self::Hostname(text.to_ascii_lowercase()))
    }

    /// What is searched for, in words: "address 10.0.0.5".
    pub fn describe(&self) -> String {
        match self {
            Self::Ip(ip) => format!("address {ip}"),
            Self::Mac(m) => format!("MAC address {m}"),
            Self::Hostname(h) => format!("host name {h}"),
        }
    }

    /// Whether a lease is what was searched for.
    pub fn matches(&self, ip: Ipv4Addr, mac: &str, hostname: &str) -> bool {
        match self {
            Self::Ip(want) => *want == ip,
            Self::Mac(want) => {
                crate::MacAddress::parse(mac).is_ok_and(|m| m.to_string() == want.to_string())
            }
            Self::Hostname(want) => hostname.trim_end_matches('.').eq_ignore_ascii_case(want),
        }
    }
}

/// A lease search's answer: the leases found, and the servers that could not be searched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaseSearch {
    /// What was searched for, in words.
    pub query: String,
    pub leases: Vec<LeaseHit>,
    /// Servers searched.
    pub searched: usize,
    /// Servers not searched, each with why (no answer in time, unreachable, not supported).
    pub unanswered: Vec<crate::views::UnreachableServer>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IpRange, MacAddress, Reservation, ReservationType, ScopeState};

    fn scope() -> Scope {
        Scope {
            id: ScopeId::parse("10.0.0.0").unwrap(),
            name: "s".into(),
            description: String::new(),
            range: IpRange::new([10, 0, 0, 1].into(), [10, 0, 0, 100].into()).unwrap(),
            prefix_len: 24,
            lease_duration_secs: 3600,
            state: ScopeState::Active,
            exclusions: vec![
                IpRange::new([10, 0, 0, 1].into(), [10, 0, 0, 10].into()).unwrap(),
                // Overlaps the first, and reaches past the range: counted once, within it.
                IpRange::new([10, 0, 0, 5].into(), [10, 0, 0, 12].into()).unwrap(),
                IpRange::new([10, 0, 0, 99].into(), [10, 0, 0, 120].into()).unwrap(),
            ],
            options: Default::default(),
            reservations: [20u8, 21, 150]
                .iter()
                .map(|last| Reservation {
                    ip_address: [10, 0, 0, *last].into(),
                    client_id: MacAddress::parse(&format!("aa-bb-cc-dd-ee-{last:02x}"))
                        .unwrap()
                        .into(),
                    name: String::new(),
                    description: String::new(),
                    kind: ReservationType::Both,
                    settings: Default::default(),
                })
                .collect(),
            kept: None,
        }
    }

    #[test]
    fn a_scope_counts_its_range_without_its_exclusions() {
        // 100 addresses, 12 excluded at the start and 2 at the end.
        assert_eq!(addresses(&scope()), 86);
    }

    #[test]
    fn leases_and_reservations_are_counted_once_each() {
        let s = scope();
        let leased = [
            Ipv4Addr::new(10, 0, 0, 20), // reserved, and leased to its client: in use
            Ipv4Addr::new(10, 0, 0, 30),
            Ipv4Addr::new(10, 0, 0, 30), // the same address twice
            Ipv4Addr::new(10, 0, 0, 3),  // excluded: not counted
            Ipv4Addr::new(10, 0, 1, 3),  // another subnet
        ];
        let u = ScopeUsage::of(&s, leased);
        assert_eq!(
            u,
            ScopeUsage {
                total: 86,
                in_use: 2,
                reserved: 1, // .21 (.150 is outside the range)
                free: 83,
            }
        );
        assert_eq!(u.permille(), 34);
        assert_eq!(u.percent_text(), "3.4 %");
        assert_eq!(u.summary(), "2 in use, 1 reserved, 83 free of 86");
    }

    #[test]
    fn counts_are_held_within_the_scope() {
        let u = ScopeUsage::from_counts(10, 12, 3);
        assert_eq!((u.in_use, u.reserved, u.free), (10, 0, 0));
        assert_eq!(u.percent_text(), "100 %");
        assert_eq!(ScopeUsage::from_counts(0, 0, 0).permille(), 0);
        assert_eq!(ScopeUsage::from_counts(200, 90, 0).percent_text(), "45 %");
        assert_eq!(ScopeUsage::from_counts(254, 29, 1).percent_text(), "11.8 %");
    }

    #[test]
    fn a_search_is_told_apart_by_its_form() {
        assert_eq!(
            LeaseQuery::parse(" 10.0.0.5 "),
            Ok(LeaseQuery::Ip([10, 0, 0, 5].into()))
        );
        assert!(matches!(
            LeaseQuery::parse("AA:BB:CC:DD:EE:FF"),
            Ok(LeaseQuery::Mac(_))
        ));
        assert_eq!(
            LeaseQuery::parse("Printer-3.Example.com"),
            Ok(LeaseQuery::Hostname("printer-3.example.com".into()))
        );
        assert!(LeaseQuery::parse("").is_err());
        assert!(LeaseQuery::parse("a b").is_err());
        assert!(LeaseQuery::parse("<script>").is_err());
        assert!(LeaseQuery::parse(&"a".repeat(254)).is_err());
        let q = LeaseQuery::parse("aa-bb-cc-dd-ee-ff").unwrap();
        assert!(q.matches([10, 0, 0, 1].into(), "aa:bb:cc:dd:ee:ff", ""));
        assert!(!q.matches([10, 0, 0, 1].into(), "", ""));
        let q = LeaseQuery::parse("pc1.example.com").unwrap();
        assert!(q.matches([10, 0, 0, 1].into(), "", "PC1.example.com."));
    }
}
