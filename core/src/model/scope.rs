//! Scopes: an IPv4 subnet a server leases from, with its exclusions, options and reservations.

use super::{IpRange, Kept, Reservation, ScopeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// Whether a scope hands out leases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ScopeState {
    #[default]
    Active,
    Inactive,
}

impl ScopeState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Inactive]
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// A typed DHCP option value (router 3, DNS servers 6, domain name 15, or any other code):
/// addresses, text, a number, a flag; `Data`, the fields of an option of another type (a
/// record, a list of numbers or names, binary) as Kea's `data` writes them, separated by
/// commas; `Hex`, the option's bytes in hexadecimal (Kea's `csv-format: false`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "value",
    try_from = "crate::wire::OptionValueWire"
)]
pub enum OptionValue {
    Addresses(Vec<Ipv4Addr>),
    Text(String),
    Number(u32),
    Flag(bool),
    Data(String),
    Hex(String),
}

impl OptionValue {
    /// Fields as Kea's `data` takes them, each trimmed and joined by `, ` (a comma escaped by
    /// a backslash stays within its field), so that two ways of typing one value are equal.
    pub fn data(text: &str) -> Self {
        let fields = split_fields(text);
        Self::Data(
            fields
                .iter()
                .map(|f| f.trim())
                .collect::<Vec<_>>()
                .join(", "),
        )
    }

    /// Bytes in hexadecimal as typed (`C0000201`, `c0:00:02:01`, `0xC0 00 02 01`), in one
    /// form (upper case, no separators), or why they are not.
    pub fn hex(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let t = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .unwrap_or(t);
        let groups: Vec<&str> = t.split([' ', ':']).filter(|g| !g.is_empty()).collect();
        let separated = groups.len() > 1;
        let mut out = String::with_capacity(t.len());
        for g in &groups {
            if !g.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("'{g}' is not hexadecimal (0-9, A-F)"));
            }
            if separated && g.len() > 2 {
                return Err(format!(
                    "'{g}': separated by spaces or colons, each byte is one or two digits"
                ));
            }
            if separated && g.len() == 1 {
                out.push('0');
            }
            out.push_str(&g.to_ascii_uppercase());
        }
        if out.is_empty() {
            return Err("give the option's bytes in hexadecimal (like C0 00 02 01)".into());
        }
        if out.len() % 2 == 1 {
            return Err(format!(
                "'{t}' has an odd number of hex digits: each byte is two"
            ));
        }
        Ok(Self::Hex(out))
    }

    /// The kind's name, as the option editor and the API give it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Addresses(_) => "Addresses",
            Self::Text(_) => "Text",
            Self::Number(_) => "Number",
            Self::Flag(_) => "Flag",
            Self::Data(_) => "Data",
            Self::Hex(_) => "Hex",
        }
    }

    /// The value as text, as a server takes it and a page shows it (`10.0.0.1, 10.0.0.2`).
    pub fn text(&self) -> String {
        match self {
            Self::Addresses(list) => list
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            Self::Text(t) => t.clone(),
            Self::Number(n) => n.to_string(),
            Self::Flag(f) => f.to_string(),
            Self::Data(t) | Self::Hex(t) => t.clone(),
        }
    }

    /// The most a DHCPv4 option carries: its length is one byte.
    pub const MAX_BYTES: usize = 255;

    /// Why this value cannot be option `code`'s, if it cannot: no address, more addresses or
    /// text than an option carries, a control character in text.
    pub fn refusal(&self, code: u8) -> Option<String> {
        let max = Self::MAX_BYTES;
        match self {
            Self::Addresses(list) if list.is_empty() => {
                Some(format!("option {code}: give at least one address"))
            }
            Self::Addresses(list) if list.len() * 4 > max => Some(format!(
                "option {code}: at most {} addresses fit in an option",
                max / 4
            )),
            Self::Text(text) if text.len() > max => Some(format!(
                "option {code}: a text value is at most {max} bytes"
            )),
            Self::Data(text) if text.len() > max * 4 => {
                Some(format!("option {code}: a value is at most {max} bytes"))
            }
            Self::Text(text) | Self::Data(text) => {
                crate::text::control_character(&format!("option {code}"), text)
            }
            Self::Hex(hex) if hex.len() > max * 2 => Some(format!(
                "option {code}: at most {max} bytes fit in an option"
            )),
            Self::Hex(hex) if hex.is_empty() || hex.len() % 2 == 1 => Some(format!(
                "option {code}: give the option's bytes in hexadecimal"
            )),
            Self::Hex(hex) if !hex.chars().all(|c| c.is_ascii_hexdigit()) => {
                Some(format!("option {code}: '{hex}' is not hexadecimal"))
            }
            _ => None,
        }
    }
}

/// The fields of Kea's option `data`: split at each comma not escaped by a backslash (the
/// escapes kept in the field, as Kea reads them in a string field).
pub fn split_fields(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            ',' if !escaped => {
                fields.push(&text[start..i]);
                start = i + 1;
            }
            _ => escaped = false,
        }
    }
    fields.push(&text[start..]);
    fields
}

/// Each option value that breaks its rule ([`OptionValue::refusal`]).
pub fn option_refusals(options: &BTreeMap<u8, OptionValue>) -> Vec<String> {
    options
        .iter()
        .filter(|(code, _)| **code == 0 || **code == 255)
        .map(|(code, _)| format!("option {code} is not an option code (1 to 254)"))
        .chain(options.iter().filter_map(|(code, v)| v.refusal(*code)))
        .chain(options.iter().filter_map(|(code, v)| typed(*code, v)))
        .collect()
}

/// Why `v` cannot be option `code`'s by Kea's table of types (checked where the server runs).
fn typed(code: u8, v: &OptionValue) -> Option<String> {
    #[cfg(not(target_arch = "wasm32"))]
    return crate::options::type_refusal(code, v);
    #[cfg(target_arch = "wasm32")]
    {
        let _ = (code, v);
        None
    }
}

/// A scope's whole configuration on one server. Leases are not part of it: the failover
/// protocol carries them, and replication never touches them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, OptionValue>))]
    pub options: BTreeMap<u8, OptionValue>,
    #[serde(default)]
    pub reservations: Vec<Reservation>,
    /// What the server holds beyond this model, as it holds it (Kea's pool classes, option
    /// flags, relay, host boot fields…): `None` in a scope made from a form or the API, which
    /// says nothing of it, so a write keeps what the server has; `Some` in a scope read from a
    /// server, which a replication makes the partner's copy hold too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<Kept>,
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

    /// Whether `ip` is one the scope hands out dynamically: inside its range, outside its
    /// exclusions, and the scope active (on Kea: inside one of the subnet's pools).
    pub fn in_pool(&self, ip: Ipv4Addr) -> bool {
        self.state == ScopeState::Active
            && self.range.contains(ip)
            && !self.exclusions.iter().any(|e| e.contains(ip))
    }

    /// Every address of the subnet, network to broadcast.
    pub fn subnet(&self) -> IpRange {
        let mask = u32::from(self.subnet_mask());
        let net = u32::from(self.id.addr()) & mask;
        IpRange::new(Ipv4Addr::from(net), Ipv4Addr::from(net | !mask))
            .expect("a subnet's network address is never above its broadcast")
    }

    /// A tag that changes whenever anything Tandem edits in the scope does (properties,
    /// exclusions, options, reservations): an edit names the version it was based on. What
    /// the server keeps beyond the model ([`Scope::kept`]) is not part of it: no edit writes
    /// it, so a change to it never makes an edit stale (drift's [`Scope::digest`] covers it).
    pub fn version(&self) -> String {
        let mut hash = Fnv::default();
        self.write_model(&mut hash);
        hash.hex()
    }

    /// Writes every field of the model, not what is kept beside it.
    fn write_model(&self, out: &mut impl std::fmt::Write) {
        let Scope {
            id,
            name,
            description,
            range,
            prefix_len,
            lease_duration_secs,
            state,
            exclusions,
            options,
            reservations,
            kept: _,
        } = self;
        write!(
            out,
            "{:?}",
            (
                id,
                name,
                description,
                range,
                prefix_len,
                lease_duration_secs,
                state,
                exclusions,
                options,
                reservations
            )
        )
        .expect("hashing never fails");
    }

    /// A tag that changes whenever the scope's properties, exclusions or options do, and not
    /// with its reservations: an edit of the scope (which keeps the reservations as the server
    /// holds them) names the version it was based on, so a reservation added meanwhile does
    /// not make it stale.
    pub fn properties_version(&self) -> String {
        self.properties().version()
    }

    /// The scope without its reservations (what a scope edit changes, and what the Event
    /// Catalog records of one).
    pub fn properties(&self) -> Scope {
        Scope {
            id: self.id,
            name: self.name.clone(),
            description: self.description.clone(),
            range: self.range,
            prefix_len: self.prefix_len,
            lease_duration_secs: self.lease_duration_secs,
            state: self.state,
            exclusions: self.exclusions.clone(),
            options: self.options.clone(),
            reservations: Vec::new(),
            kept: self.kept.as_ref().map(Kept::without_hosts),
        }
    }

    /// The content digest drift compares: equal for two copies exactly when
    /// [`crate::drift::differences`] finds nothing between them (exclusions as a set,
    /// reservations by address, whatever order each server keeps them in).
    pub fn digest(&self) -> String {
        let mut canonical = self.clone();
        canonical.exclusions.sort();
        canonical.exclusions.dedup();
        canonical.sort_reservations();
        use std::fmt::Write;
        let mut hash = Fnv::default();
        canonical.write_model(&mut hash);
        let kept = canonical.kept.take().filter(|k| !k.is_empty());
        // Nothing kept and nothing said of it compare the same.
        if let Some(kept) = kept {
            write!(hash, "{kept:?}").expect("hashing never fails");
        }
        hash.hex()
    }

    /// The digest of the reservations alone, in address order: equal for two copies exactly
    /// when their reservations are the same, whatever order each server keeps them in.
    pub fn reservations_digest(&self) -> String {
        let mut sorted: Vec<&Reservation> = self.reservations.iter().collect();
        sorted.sort_by_key(|r| r.ip_address);
        let mut hash = Fnv::default();
        for r in sorted {
            use std::fmt::Write;
            write!(hash, "{r:?};").expect("hashing never fails");
        }
        hash.hex()
    }

    /// Reservations in address order, the order every view and comparison uses.
    pub fn sort_reservations(&mut self) {
        self.reservations.sort_by_key(|r| r.ip_address);
    }
}

/// The FNV-1a digest of `text`, as 16 hex digits: a short name for a longer text.
pub fn text_digest(text: &str) -> String {
    let mut hash = Fnv::default();
    hash.add(text.as_bytes());
    hash.hex()
}

/// FNV-1a, fed as text is formatted (no string is built).
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn add(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(crate) fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.add(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_subnet_holds_two_to_the_host_bits_and_its_network(addr in any::<u32>(), prefix in 1u8..=30) {
            let mut scope = crate::validate::tests::seed_scope();
            let mask = u32::MAX << (32 - u32::from(prefix));
            scope.id = crate::ScopeId::from_addr((addr & mask).into());
            scope.prefix_len = prefix;
            let subnet = scope.subnet();
            prop_assert_eq!(subnet.start(), scope.id.addr());
            prop_assert_eq!(subnet.len(), 1u64 << (32 - u32::from(prefix)));
        }
    }
    #[test]
    fn the_properties_version_ignores_reservations_only() {
        let scope = crate::validate::tests::seed_scope();
        let mut more = scope.clone();
        more.reservations.clear();
        assert_eq!(scope.properties_version(), more.properties_version());
        assert_ne!(scope.version(), more.version());
        more.lease_duration_secs += 1;
        assert_ne!(scope.properties_version(), more.properties_version());
        let mut renamed = scope.clone();
        renamed.name.push('x');
        assert_ne!(scope.properties_version(), renamed.properties_version());
    }
    #[test]
    fn the_reservations_digest_follows_the_reservations_in_any_order() {
        let mut scope = crate::validate::tests::seed_scope();
        let mut second = scope.reservations[0].clone();
        second.ip_address = "10.0.0.100".parse().unwrap();
        scope.reservations.push(second);
        let mut reordered = scope.clone();
        reordered.reservations.reverse();
        reordered.name.push('x');
        assert_eq!(scope.reservations_digest(), reordered.reservations_digest());
        reordered.reservations[0].name.push('x');
        assert_ne!(scope.reservations_digest(), reordered.reservations_digest());
    }
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
