//! The subnets of a Kea configuration wherever they sit: at the top level (`subnet4`) or in a
//! shared network (`shared-networks[].subnet4`, Windows' superscope). Read in place, and on
//! the `config-set` path changed in place: each subnet an edit touches is patched where it is
//! ([`super::patch`]), a new one goes where its scope says, one deleted leaves its place, and
//! every other subnet, network and key of the configuration stays as it was.

use super::mapping::{self, Within};
use super::patch;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use tandem_core::{FieldError, FieldErrors, Kept, Scope, ScopeId};

/// Where a subnet sits in a configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Location {
    Top(usize),
    /// The shared network's index, then the subnet's within it.
    Network(usize, usize),
}

fn networks(config: &Value) -> &[Value] {
    config
        .get("shared-networks")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn list(value: &Value) -> &[Value] {
    value
        .get("subnet4")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Every subnet of a configuration, with where it sits and what it inherits.
pub(super) fn all(config: &Value) -> Vec<(Location, Within<'_>, &Value)> {
    let global = Some(config);
    let mut out: Vec<_> = list(config)
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let within = Within {
                network: None,
                global,
            };
            (Location::Top(i), within, s)
        })
        .collect();
    for (n, network) in networks(config).iter().enumerate() {
        for (i, s) in list(network).iter().enumerate() {
            let within = Within {
                network: Some(network),
                global,
            };
            out.push((Location::Network(n, i), within, s));
        }
    }
    out
}

/// Each subnet of a configuration, to change in place.
pub(super) fn each_mut(config: &mut Value, mut f: impl FnMut(&mut Value)) {
    if let Some(list) = config.get_mut("subnet4").and_then(Value::as_array_mut) {
        list.iter_mut().for_each(&mut f);
    }
    if let Some(networks) = config
        .get_mut("shared-networks")
        .and_then(Value::as_array_mut)
    {
        for network in networks {
            if let Some(list) = network.get_mut("subnet4").and_then(Value::as_array_mut) {
                list.iter_mut().for_each(&mut f);
            }
        }
    }
}

/// The subnet IDs in use.
pub(super) fn ids(config: &Value) -> impl Iterator<Item = u64> + '_ {
    all(config)
        .into_iter()
        .filter_map(|(_, _, s)| s.get("id").and_then(Value::as_u64))
}

/// A shared network's own settings and name, without its subnets: what a subnet in it
/// inherits.
fn network_alone(network: &Value) -> Value {
    let mut n = network.clone();
    if let Some(map) = n.as_object_mut() {
        map.remove("subnet4");
    }
    n
}

/// The global values a subnet inherits (its lifetime's), apart from the configuration so that
/// the configuration can be changed while they are read.
fn globals(config: &Value) -> Value {
    let mut g = Map::new();
    for key in ["valid-lifetime", "min-valid-lifetime", "max-valid-lifetime"] {
        if let Some(v) = config.get(key) {
            g.insert(key.into(), v.clone());
        }
    }
    Value::Object(g)
}

/// The settings a kept copy names for its shared network itself (`shared-network relay`).
fn network_settings(kept: &Kept) -> HashMap<&str, &str> {
    kept.settings
        .iter()
        .filter_map(|(p, v)| Some((p.strip_prefix("shared-network ")?, v.as_str())))
        .collect()
}

/// The scopes of `before` (read from `config`, by where each sits) made `after`: the touched
/// ones patched where they are (or moved to the shared network a replicated copy names), new
/// ones added (in the shared network their scope names, if the server has it), the missing
/// ones removed; every other part of the configuration as it was.
pub(super) fn rewrite(
    config: &mut Value,
    before: &[(Location, Scope)],
    after: &[Scope],
    touched: &[ScopeId],
) -> Result<(), FieldErrors> {
    let global = globals(config);
    let at: HashMap<ScopeId, Location> = before.iter().map(|(l, s)| (s.id, *l)).collect();
    let current: HashMap<ScopeId, &Scope> = before.iter().map(|(_, s)| (s.id, s)).collect();
    let mut next_id = ids(config).max().unwrap_or(0) + 1;
    let network_index = |config: &Value, name: &str| {
        networks(config)
            .iter()
            .position(|n| n.get("name").and_then(Value::as_str) == Some(name))
    };
    let mut replaced: Vec<(Location, Value)> = Vec::new();
    let mut removed: Vec<Location> = before
        .iter()
        .filter(|(_, s)| !after.iter().any(|a| a.id == s.id))
        .map(|(l, _)| *l)
        .collect();
    // New entries, by the shared network they go in (None: the top level).
    let mut appended: Vec<(Option<usize>, Value)> = Vec::new();
    let mut network_changes: Vec<(usize, HashMap<String, Option<String>>)> = Vec::new();
    for scope in after.iter().filter(|s| touched.contains(&s.id)) {
        let wanted_network = scope
            .kept
            .as_ref()
            .map(|k| k.shared_network().map(str::to_string));
        let (raw, network) = match at.get(&scope.id) {
            Some(&loc) => match loc {
                Location::Top(i) => (list(config)[i].clone(), None),
                Location::Network(n, i) => (list(&networks(config)[n])[i].clone(), Some(n)),
            },
            None => {
                let id = next_id;
                next_id += 1;
                let base =
                    json!({ "id": id, "subnet": format!("{}/{}", scope.id, scope.prefix_len) });
                (base, None)
            }
        };
        // Where the subnet is to sit: where it is, unless a copy names another network; a
        // network the server lacks is made from a replicated copy's settings, and refused to a
        // new scope that only names it.
        let target = match &wanted_network {
            Some(Some(name)) => match network_index(config, name) {
                Some(n) => Some(n),
                None if scope
                    .kept
                    .as_ref()
                    .is_some_and(|k| !network_settings(k).is_empty()) =>
                {
                    let list = &mut config["shared-networks"];
                    if !list.is_array() {
                        *list = json!([]);
                    }
                    let list = list.as_array_mut().expect("an array");
                    list.push(json!({ "name": name, "subnet4": [] }));
                    Some(list.len() - 1)
                }
                None => {
                    return Err(FieldError::new(
                        "shared_network",
                        format!("the server has no shared network '{name}'"),
                    )
                    .into());
                }
            },
            Some(None) => None,
            None => network,
        };
        let network_value = target.map(|n| network_alone(&networks(config)[n]));
        let within = Within {
            network: network_value.as_ref(),
            global: Some(&global),
        };
        let mut patched = patch::subnet(&raw, within, scope, true)?;
        if let Some(map) = patched.as_object_mut() {
            map.remove("shared-network-name");
        }
        match at.get(&scope.id) {
            Some(&loc) if target == network => replaced.push((loc, patched)),
            Some(&loc) => {
                removed.push(loc);
                appended.push((target, patched));
            }
            None => appended.push((target, patched)),
        }
        // A replicated copy's network settings (its relay, its options…) go on the network.
        if let (Some(n), Some(want)) = (target, &scope.kept) {
            let have = current
                .get(&scope.id)
                .and_then(|s| s.kept.as_ref())
                .map(network_settings)
                .unwrap_or_default();
            let want = network_settings(want);
            let mut changes = HashMap::new();
            for key in have.keys().chain(want.keys()) {
                if have.get(key) != want.get(key) {
                    changes.insert(key.to_string(), want.get(key).map(|v| v.to_string()));
                }
            }
            if !changes.is_empty() {
                network_changes.push((n, changes));
            }
        }
    }
    for (loc, value) in replaced {
        match loc {
            Location::Top(i) => config["subnet4"][i] = value,
            Location::Network(n, i) => config["shared-networks"][n]["subnet4"][i] = value,
        }
    }
    for (n, changes) in network_changes {
        if let Some(network) = config["shared-networks"][n].as_object_mut() {
            for (key, value) in changes {
                match value {
                    Some(text) => {
                        network.insert(
                            key,
                            serde_json::from_str(&text).unwrap_or(Value::String(text)),
                        );
                    }
                    None => {
                        network.remove(&key);
                    }
                }
            }
        }
    }
    // Removed from the back, so that the places still to remove keep their indexes.
    removed.sort_by_key(|l| std::cmp::Reverse(l.cmp_key()));
    for loc in removed {
        let list = match loc {
            Location::Top(_) => config.get_mut("subnet4"),
            Location::Network(n, _) => config
                .get_mut("shared-networks")
                .and_then(|ns| ns.get_mut(n))
                .and_then(|n| n.get_mut("subnet4")),
        };
        if let Some(list) = list.and_then(Value::as_array_mut) {
            let i = match loc {
                Location::Top(i) | Location::Network(_, i) => i,
            };
            list.remove(i);
        }
    }
    for (network, value) in appended {
        let list = match network {
            None => &mut config["subnet4"],
            Some(n) => &mut config["shared-networks"][n]["subnet4"],
        };
        if !list.is_array() {
            *list = json!([]);
        }
        list.as_array_mut().expect("an array").push(value);
    }
    Ok(())
}

impl Location {
    /// Orders places by list, then index.
    fn cmp_key(&self) -> (usize, usize) {
        match *self {
            Location::Top(i) => (0, i),
            Location::Network(n, i) => (n + 1, i),
        }
    }
}

/// A scope read from a configuration: where its subnet sits, and the subnet's ID.
pub(super) type Placed = (Location, Scope, u64);

/// The scopes of a configuration, with where each sits; the subnets Tandem cannot read, each
/// with why (they stay as they are and fail nothing else).
pub(super) fn read(config: &Value) -> (Vec<Placed>, Vec<(String, String)>) {
    let mut scopes = Vec::new();
    let mut unreadable = Vec::new();
    for (loc, within, subnet) in all(config) {
        let id = subnet.get("id").and_then(Value::as_u64);
        let name = subnet
            .get("subnet")
            .and_then(Value::as_str)
            .unwrap_or("without a prefix")
            .to_string();
        match (mapping::scope_of(subnet, within), id) {
            (Ok(scope), Some(id)) => scopes.push((loc, scope, id)),
            (Ok(_), None) => unreadable.push((name, "it has no subnet ID".into())),
            (Err(e), _) => unreadable.push((name, e.0)),
        }
    }
    (scopes, unreadable)
}
