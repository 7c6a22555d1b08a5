//! A pool's own settings on a Kea server: the classes it admits (Kea 2.2's one `client-class`,
//! Kea 3's `client-classes`) and its `option-data`, read and patched in the pool's own entry,
//! everything else of it (its flags, other spaces, ID, context) and every other pool kept.

use super::mapping::{self, canonical, context};
use super::options::read_options;
use super::patch::{self, refuse};
use super::{DriverError, KeaDriver, subnets};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tandem_core::{FieldErrors, IpRange, OptionValue, PoolSettings, ScopeId};

/// The classes a pool entry admits.
fn classes_of(entry: &Value) -> Vec<String> {
    match (entry.get("client-classes"), entry.get("client-class")) {
        (Some(Value::Array(list)), _) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        (_, Some(Value::String(one))) if !one.is_empty() => vec![one.clone()],
        _ => Vec::new(),
    }
}

fn option_list(entry: &Value) -> &[Value] {
    entry
        .get("option-data")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// A pool entry's settings as Tandem shows them.
pub fn settings_of(entry: &Value, range: IpRange) -> PoolSettings {
    let kinds = context(entry, "option-kinds").and_then(Value::as_object);
    let (options, mut kept) = read_options(option_list(entry), kinds);
    for (key, value) in entry.as_object().into_iter().flatten() {
        match key.as_str() {
            "pool" | "client-class" | "client-classes" | "option-data" => {}
            "user-context" => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    if k != "option-kinds"
                        && let Some(text) = canonical(v)
                    {
                        kept.push(format!("user-context {k} {text}"));
                    }
                }
            }
            _ => kept.extend(canonical(value).map(|text| format!("{key} {text}"))),
        }
    }
    PoolSettings {
        range,
        client_classes: classes_of(entry),
        options,
        kept,
    }
}

/// The index of the pool entry of `subnet` covering exactly `range`.
fn pool_at(subnet: &Value, range: IpRange) -> Option<usize> {
    subnet.get("pools")?.as_array()?.iter().position(|p| {
        p.get("pool")
            .and_then(Value::as_str)
            .and_then(|text| mapping::pool_range(text).ok())
            == Some(range)
    })
}

/// `entry` made to admit `classes` and hold `options` where it held `have` (its own key for
/// classes kept: Kea 2.2's `client-class` holds one, Kea 3's `client-classes` a list).
fn patched(
    entry: &Value,
    classes: &[String],
    have: &BTreeMap<u8, OptionValue>,
    options: &BTreeMap<u8, OptionValue>,
    kea3: bool,
) -> Result<Value, FieldErrors> {
    let mut out = entry.as_object().cloned().unwrap_or_default();
    if classes_of(entry) != classes {
        let list = kea3 || entry.get("client-classes").is_some() || classes.len() > 1;
        if list && !kea3 && entry.get("client-classes").is_none() {
            return Err(refuse(
                "client_classes",
                "a pool on Kea 2.2 admits one client class (client-class)".into(),
            ));
        }
        out.remove("client-class");
        out.remove("client-classes");
        match classes {
            [] => {}
            [one] if !list => {
                out.insert("client-class".into(), json!(one));
            }
            many => {
                out.insert("client-classes".into(), json!(many));
            }
        }
    }
    let mut ctx = out
        .get("user-context")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(next) = patch::option_list(option_list(entry), &mut ctx, have, options, None)? {
        if next.is_empty() {
            out.remove("option-data");
        } else {
            out.insert("option-data".into(), Value::Array(next));
        }
    }
    patch::set_context(&mut out, entry, ctx);
    Ok(Value::Object(out))
}

impl KeaDriver {
    fn no_pool(&self, scope: ScopeId, range: IpRange) -> DriverError {
        DriverError::NotFound {
            server: self.name.clone(),
            what: format!("pool {range} in scope {scope}"),
        }
    }

    /// The settings of pool `range` of scope `scope`, as the server holds them now.
    pub(super) async fn read_pool(
        &self,
        scope: ScopeId,
        range: IpRange,
    ) -> Result<PoolSettings, DriverError> {
        let (config, _) = self.fetch().await?;
        subnets::all(&config)
            .into_iter()
            .find(|(_, _, s)| mapping::id_of(s).ok() == Some(scope))
            .and_then(|(_, _, subnet)| {
                let i = pool_at(subnet, range)?;
                Some(settings_of(&subnet["pools"][i], range))
            })
            .ok_or_else(|| self.no_pool(scope, range))
    }

    /// Makes pool `range` of scope `scope` admit `classes` and hold `options` (those Tandem
    /// edits; the rest of the pool and every other kept), by `config-set`.
    pub(super) async fn write_pool(
        &self,
        scope: ScopeId,
        range: IpRange,
        classes: &[String],
        options: &BTreeMap<u8, OptionValue>,
    ) -> Result<(), DriverError> {
        let major: u32 = self
            .offer()
            .await?
            .version
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        self.modify_config(|config| {
            let mut result = Err(self.no_pool(scope, range));
            subnets::each_mut(config, |subnet| {
                if mapping::id_of(subnet).ok() != Some(scope) {
                    return;
                }
                let Some(i) = pool_at(subnet, range) else {
                    return;
                };
                let entry = &subnet["pools"][i];
                let have = settings_of(entry, range).options;
                result = patched(entry, classes, &have, options, major >= 3)
                    .map(|next| subnet["pools"][i] = next)
                    .map_err(|e| self.rejected(e));
            });
            result
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(a: &str, b: &str) -> IpRange {
        IpRange::new(a.parse().unwrap(), b.parse().unwrap()).unwrap()
    }

    #[test]
    fn a_pools_class_and_options_are_patched_in_its_entry() {
        let entry = json!({ "pool": "10.2.0.100 - 10.2.0.200", "client-class": "pxe", "pool-id": 7,
            "option-data": [ { "name": "tftp-server-name", "data": "boot", "always-send": true },
                             { "space": "vendor-4491", "code": 2, "data": "10.0.0.2" } ] });
        let r = range("10.2.0.100", "10.2.0.200");
        let read = settings_of(&entry, r);
        assert_eq!(read.client_classes, ["pxe"]);
        assert_eq!(read.options[&66], OptionValue::Text("boot".into()));
        assert!(
            read.kept.contains(&"pool-id 7".to_string()),
            "{:?}",
            read.kept
        );
        assert!(
            read.kept
                .contains(&"option 66 always-send true".to_string())
        );
        // Kea 2.2: its one class changed, its option's value changed, the rest kept.
        let mut want = read.options.clone();
        want.insert(66, OptionValue::Text("ipxe".into()));
        let next = patched(&entry, &["ipxe".into()], &read.options, &want, false).unwrap();
        assert_eq!(next["client-class"], "ipxe");
        assert_eq!(next["pool-id"], 7);
        assert_eq!(next["option-data"][0]["data"], "ipxe");
        assert_eq!(next["option-data"][0]["always-send"], true);
        assert_eq!(next["option-data"][1], entry["option-data"][1]);
        // Two classes: refused on Kea 2.2, a list on Kea 3.
        let two = ["pxe".to_string(), "ipxe".to_string()];
        let e = patched(&entry, &two, &read.options, &read.options, false).unwrap_err();
        assert!(e.get("client_classes").is_some());
        let next = patched(&entry, &two, &read.options, &read.options, true).unwrap();
        assert_eq!(next["client-classes"], json!(two));
        assert!(next.get("client-class").is_none());
        // None: every client again.
        let next = patched(&entry, &[], &read.options, &read.options, true).unwrap();
        assert!(next.get("client-class").is_none() && next.get("client-classes").is_none());
    }
}
