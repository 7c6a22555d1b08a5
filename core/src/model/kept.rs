//! What a server holds for a scope beyond Tandem's model: a Kea pool's own class and options, an
//! option's `always-send`, the subnet's relay, a host's boot fields, reservations by client-id,
//! the shared network it sits in. Tandem never rebuilds these: every write patches what the
//! server holds. They are read so that drift compares them, replication copies them and the
//! pages can name them; each is a setting's place and its value as the server's own text
//! (Kea's JSON), so that two copies are compared and copied exactly.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The settings of a scope that Tandem keeps but does not model, by place.
///
/// Places are words a DHCP administrator reads: `relay`, `pool 10.0.0.1-10.0.0.99`,
/// `option 15 always-send`, `option-data vendor-encapsulated-options-space/1`,
/// `shared-network`, `shared-network relay`. The driver that read them is the one that knows
/// how to write them back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kept {
    /// The scope's own settings (the subnet, its pools and options, its shared network).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, String>,
    /// The settings of each reservation Tandem shows, by its address (`boot-file-name`,
    /// `option-data`, `client-classes`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, BTreeMap<String, String>>))]
    pub hosts: BTreeMap<Ipv4Addr, BTreeMap<String, String>>,
    /// Reservations Tandem does not show yet (by client-id, circuit-id, flex-id or DUID, or
    /// without an address), whole, by their identifier (`client-id 01:aa:bb:cc:dd:ee:ff`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other_hosts: BTreeMap<String, String>,
}

impl Kept {
    /// The shared network (Windows: superscope) the scope sits in, if any.
    pub fn shared_network(&self) -> Option<&str> {
        self.settings.get(Self::SHARED_NETWORK).map(|name| {
            name.strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .unwrap_or(name)
        })
    }

    /// The place of the shared network's name.
    pub const SHARED_NETWORK: &'static str = "shared-network";

    /// What a new scope asks of its server's shared network: to be in the one named `name`
    /// (no quote or backslash in it), nothing else said.
    pub fn in_network(name: &str) -> Kept {
        let mut kept = Kept::default();
        // As Kea's JSON writes it (a name holds no quote or backslash: see ScopeInput).
        let quoted = format!("\"{name}\"");
        kept.settings.insert(Self::SHARED_NETWORK.into(), quoted);
        kept
    }

    pub fn is_empty(&self) -> bool {
        self.settings.is_empty() && self.hosts.is_empty() && self.other_hosts.is_empty()
    }

    /// The same without what belongs to reservations (what a scope's properties carry).
    pub fn without_hosts(&self) -> Kept {
        Kept {
            settings: self.settings.clone(),
            ..Kept::default()
        }
    }

    /// Every setting, with reservations' as `reservation <address> <setting>` and the
    /// reservations Tandem does not show as `reservation by <identifier>`: the one list drift
    /// compares and a page shows.
    pub fn flat(&self) -> BTreeMap<String, &str> {
        let mut out: BTreeMap<String, &str> = self
            .settings
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str()))
            .collect();
        for (ip, settings) in &self.hosts {
            for (k, v) in settings {
                out.insert(format!("reservation {ip} {k}"), v);
            }
        }
        for (id, host) in &self.other_hosts {
            out.insert(format!("reservation by {id}"), host);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flat_list_names_each_place_once() {
        let mut kept = Kept::default();
        kept.settings
            .insert("relay".into(), r#"{"ip-addresses":["10.0.0.1"]}"#.into());
        kept.settings
            .insert(Kept::SHARED_NETWORK.into(), r#""floor-1""#.into());
        kept.hosts.insert(
            "10.0.0.5".parse().unwrap(),
            [("boot-file-name".to_string(), r#""pxelinux.0""#.to_string())].into(),
        );
        kept.other_hosts
            .insert("client-id 01:02".into(), r#"{"client-id":"01:02"}"#.into());
        let flat = kept.flat();
        assert_eq!(
            flat["reservation 10.0.0.5 boot-file-name"],
            r#""pxelinux.0""#
        );
        assert_eq!(
            flat["reservation by client-id 01:02"],
            r#"{"client-id":"01:02"}"#
        );
        assert_eq!(flat.len(), 4);
        assert_eq!(kept.shared_network(), Some("floor-1"));
        assert!(kept.without_hosts().hosts.is_empty());
    }
}
