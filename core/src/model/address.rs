//! IPv4 address types: scope IDs and inclusive address ranges.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// Parses a dotted-quad IPv4 address, with a message fit for a form.
pub fn parse_ipv4(input: &str) -> Result<Ipv4Addr, String> {
    Ipv4Addr::from_str(input.trim())
        .map_err(|_| format!("'{}' is not an IPv4 address (like 10.0.0.10)", input.trim()))
}

/// A scope's identity on a server: its network address (`10.0.0.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScopeId(Ipv4Addr);

impl ScopeId {
    pub fn parse(input: &str) -> Result<Self, String> {
        parse_ipv4(input).map(Self)
    }

    pub fn from_addr(addr: Ipv4Addr) -> Self {
        Self(addr)
    }

    pub fn addr(self) -> Ipv4Addr {
        self.0
    }
}

impl fmt::Display for ScopeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TryFrom<String> for ScopeId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<ScopeId> for String {
    fn from(id: ScopeId) -> String {
        id.to_string()
    }
}

/// An inclusive range of IPv4 addresses, `start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RangeWire")]
pub struct IpRange {
    start: Ipv4Addr,
    end: Ipv4Addr,
}

#[derive(Deserialize)]
struct RangeWire {
    start: Ipv4Addr,
    end: Ipv4Addr,
}

impl TryFrom<RangeWire> for IpRange {
    type Error = String;
    fn try_from(w: RangeWire) -> Result<Self, String> {
        Self::new(w.start, w.end)
    }
}

impl IpRange {
    pub fn new(start: Ipv4Addr, end: Ipv4Addr) -> Result<Self, String> {
        if start > end {
            return Err(format!("the range starts at {start}, after its end {end}"));
        }
        Ok(Self { start, end })
    }

    pub fn start(self) -> Ipv4Addr {
        self.start
    }

    pub fn end(self) -> Ipv4Addr {
        self.end
    }

    pub fn contains(self, ip: Ipv4Addr) -> bool {
        self.start <= ip && ip <= self.end
    }

    pub fn overlaps(self, other: IpRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// How many addresses the range holds.
    pub fn len(self) -> u64 {
        u64::from(u32::from(self.end)) - u64::from(u32::from(self.start)) + 1
    }

    /// A range is never empty; present for clippy's `len_without_is_empty`.
    pub fn is_empty(self) -> bool {
        false
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn scope_ids_parse_dotted_quads_only() {
        assert_eq!(
            ScopeId::parse(" 10.0.0.0 ").unwrap().to_string(),
            "10.0.0.0"
        );
        assert!(ScopeId::parse("10.0.0").is_err());
        assert!(ScopeId::parse("10.0.0.256").is_err());
    }

    #[test]
    fn a_range_must_not_run_backwards() {
        let a: Ipv4Addr = "10.0.0.9".parse().unwrap();
        let b: Ipv4Addr = "10.0.0.1".parse().unwrap();
        assert!(IpRange::new(a, b).is_err());
        assert_eq!(IpRange::new(b, a).unwrap().len(), 9);
    }

    proptest! {
        #[test]
        fn overlap_is_symmetric_and_matches_a_shared_address(a in any::<u32>(), b in any::<u32>(), c in any::<u32>(), d in any::<u32>()) {
            let r1 = IpRange::new(a.min(b).into(), a.max(b).into()).unwrap();
            let r2 = IpRange::new(c.min(d).into(), c.max(d).into()).unwrap();
            prop_assert_eq!(r1.overlaps(r2), r2.overlaps(r1));
            // Two ranges overlap exactly when the later start lies in both.
            let later_start = r1.start().max(r2.start());
            prop_assert_eq!(r1.overlaps(r2), r1.contains(later_start) && r2.contains(later_start));
        }

        #[test]
        fn a_range_contains_its_ends(a in any::<u32>(), b in any::<u32>()) {
            let r = IpRange::new(a.min(b).into(), a.max(b).into()).unwrap();
            prop_assert!(r.contains(r.start()) && r.contains(r.end()));
            prop_assert_eq!(r.len(), u64::from(a.max(b)) - u64::from(a.min(b)) + 1);
        }
    }
}
