//! The scope dialog as typed: every property of a scope, its exclusions and option values,
//! parsed field by field.

use crate::model::address::parse_ipv4;
use crate::{FieldErrors, IpRange, OptionValue, Reservation, Scope, ScopeId, ScopeState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// One option value as typed: its code, its declared type, and the value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OptionInput {
    pub code: String,
    /// `Addresses`, `Text`, `Number`, `Flag`, `Data` (fields as Kea's `data` writes them: a
    /// record, a list of numbers or names, binary) or `Hex` (the option's bytes).
    pub kind: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScopeInput {
    /// The subnet's address: its first.
    #[cfg_attr(feature = "openapi", schema(format = Ipv4, example = "10.0.1.0"))]
    pub scope_id: String,
    /// `255.255.255.0`, `/24` or `24`.
    #[cfg_attr(feature = "openapi", schema(example = "255.255.255.0"))]
    pub subnet_mask: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The first address of the range.
    #[cfg_attr(feature = "openapi", schema(format = Ipv4, example = "10.0.1.10"))]
    pub start: String,
    /// The last address of the range.
    #[cfg_attr(feature = "openapi", schema(format = Ipv4, example = "10.0.1.200"))]
    pub end: String,
    /// Seconds; empty means eight days.
    #[serde(default)]
    pub lease_duration_secs: String,
    /// `Active` (default) or `Inactive`.
    #[serde(default)]
    pub state: String,
    /// Ranges separated by commas or new lines: `10.0.0.1-10.0.0.9`.
    #[serde(default)]
    pub exclusions: String,
    #[serde(default)]
    pub options: Vec<OptionInput>,
    /// The shared network (Windows: superscope) a new scope is created in, by name, on a server
    /// that has them (Kea); empty for none. An edit never moves a scope: it ignores this.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub shared_network: String,
}

fn prefix_of(mask: &str) -> Result<u8, String> {
    let t = mask.trim().trim_start_matches('/');
    if let Ok(n) = t.parse::<u8>() {
        return if (1..=30).contains(&n) {
            Ok(n)
        } else {
            Err(format!("/{n} is not a usable prefix length (1 to 30)"))
        };
    }
    let m: Ipv4Addr = t
        .parse()
        .map_err(|_| format!("'{t}' is not a subnet mask (like 255.255.255.0 or /24)"))?;
    let bits = u32::from(m);
    let ones = bits.leading_ones();
    if bits.checked_shl(ones).unwrap_or(0) != 0 {
        return Err(format!("{m} is not a contiguous subnet mask"));
    }
    u8::try_from(ones).map_err(|_| "bad mask".to_string())
}

/// The kind of value standard option `code` holds, by its type in Kea's table (where the
/// server runs; the browser knows the three the dialogs offer buttons for).
fn standard_kind(code: u8) -> Option<&'static str> {
    #[cfg(not(target_arch = "wasm32"))]
    return crate::options::kind_for(code).and_then(Result::ok);
    #[cfg(target_arch = "wasm32")]
    match code {
        3 | 6 => Some("Addresses"),
        15 => Some("Text"),
        _ => None,
    }
}

fn option_value(o: &OptionInput) -> Result<(u8, OptionValue), String> {
    let code: u8 = o
        .code
        .trim()
        .parse()
        .ok()
        .filter(|c| (1..=254).contains(c))
        .ok_or_else(|| format!("'{}' is not an option code (1 to 254)", o.code.trim()))?;
    // A standard option's value is read by its type (Kea's table); another's by the kind
    // given. Raw hex may be given for any option.
    let given = o.kind.trim();
    let kind = if given.eq_ignore_ascii_case("hex") {
        "hex".to_string()
    } else {
        standard_kind(code).unwrap_or(given).to_ascii_lowercase()
    };
    let v = o.value.trim();
    let value = match kind.as_str() {
        "addresses" => OptionValue::Addresses(
            v.split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(parse_ipv4)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("option {code}: {e}"))?,
        ),
        "text" => OptionValue::Text(v.to_string()),
        "number" => OptionValue::Number(
            v.parse()
                .map_err(|_| format!("option {code}: '{v}' is not a whole number"))?,
        ),
        "flag" => OptionValue::Flag(match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => true,
            "false" | "no" | "0" => false,
            _ => return Err(format!("option {code}: '{v}' is not true or false")),
        }),
        "data" => OptionValue::data(v),
        "hex" => OptionValue::hex(v).map_err(|e| format!("option {code}: {e}"))?,
        other => {
            return Err(format!(
                "option {code}: '{other}' is not a type (Addresses, Text, Number, Flag, Data, Hex)"
            ));
        }
    };
    if matches!(&value, OptionValue::Addresses(a) if a.is_empty()) {
        return Err(format!("option {code}: give at least one address"));
    }
    Ok((code, value))
}

/// Option values as a dialog shows them, to be typed again.
pub fn option_inputs(options: &BTreeMap<u8, OptionValue>) -> Vec<OptionInput> {
    options
        .iter()
        .map(|(code, v)| OptionInput {
            code: code.to_string(),
            kind: v.kind().into(),
            value: v.text(),
        })
        .collect()
}

/// Option values as typed (a scope's, a reservation's), each error under `options`.
pub fn parse_options(list: &[OptionInput], errors: &mut FieldErrors) -> BTreeMap<u8, OptionValue> {
    let mut options = BTreeMap::new();
    for o in list {
        if let Some((code, value)) = errors.take("options", option_value(o)) {
            let one = BTreeMap::from([(code, value.clone())]);
            if let Some(why) = crate::option_refusals(&one).into_iter().next() {
                errors.push("options", why);
            } else if options.insert(code, value).is_some() {
                errors.push("options", format!("option {code} is given twice"));
            }
        }
    }
    options
}

impl ScopeInput {
    /// The scope these fields describe, holding `reservations` (an edit keeps the scope's own).
    pub fn parse(&self, reservations: Vec<Reservation>) -> Result<Scope, FieldErrors> {
        self.parse_on(crate::validate::Placement::InRange, reservations)
    }

    /// [`Self::parse`] for a server whose reservations follow `placement`.
    pub fn parse_on(
        &self,
        placement: crate::validate::Placement,
        reservations: Vec<Reservation>,
    ) -> Result<Scope, FieldErrors> {
        let mut errors = FieldErrors::default();
        let id = errors.take("scope_id", ScopeId::parse(&self.scope_id));
        let prefix = errors.take("subnet_mask", prefix_of(&self.subnet_mask));
        let start = errors.take("start", parse_ipv4(&self.start));
        let end = errors.take("end", parse_ipv4(&self.end));
        let range = match (start, end) {
            (Some(s), Some(e)) => errors.take("end", IpRange::new(s, e)),
            _ => None,
        };
        let lease = if self.lease_duration_secs.trim().is_empty() {
            Some(Scope::DEFAULT_LEASE_SECS)
        } else {
            errors.take(
                "lease_duration_secs",
                self.lease_duration_secs
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| "give the lease duration in seconds".to_string()),
            )
        };
        let state = match self.state.trim().to_ascii_lowercase().as_str() {
            "" | "active" => Some(ScopeState::Active),
            "inactive" => Some(ScopeState::Inactive),
            other => {
                errors.push("state", format!("'{other}' is not Active or Inactive"));
                None
            }
        };
        let mut exclusions = Vec::new();
        for part in self
            .exclusions
            .split([',', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let parsed = part
                .split_once('-')
                .ok_or_else(|| format!("'{part}' is not a range like 10.0.0.1-10.0.0.9"))
                .and_then(|(a, b)| IpRange::new(parse_ipv4(a)?, parse_ipv4(b)?));
            if let Some(r) = errors.take("exclusions", parsed) {
                exclusions.push(r);
            }
        }
        let options = parse_options(&self.options, &mut errors);
        // The whole-scope rules run on whatever parsed, so that every refused field is named
        // at once (a bad option does not hide a range outside the subnet).
        let (Some(id), Some(prefix_len), Some(range), Some(lease_duration_secs), Some(state)) =
            (id, prefix, range, lease, state)
        else {
            return Err(errors);
        };
        let network = self.shared_network.trim();
        if network.chars().count() > 128
            || network
                .chars()
                .any(|c| c.is_control() || c == '"' || c == '\\')
        {
            errors.push(
                "shared_network",
                "a shared network's name is up to 128 characters, without quotes, backslashes or control characters",
            );
        }
        let mut scope = Scope {
            id,
            name: self.name.trim().to_string(),
            description: self.description.trim().to_string(),
            range,
            prefix_len,
            lease_duration_secs,
            state,
            exclusions,
            options,
            reservations,
            kept: None,
        };
        scope.sort_reservations();
        if let Err(more) = crate::validate::scope_is_consistent_on(placement, &scope) {
            errors.0.extend(more.0);
        }
        errors.into_result().map(|()| scope)
    }

    /// The fields of an existing scope, to edit.
    pub fn of(scope: &Scope) -> Self {
        Self {
            scope_id: scope.id.to_string(),
            subnet_mask: scope.subnet_mask().to_string(),
            name: scope.name.clone(),
            description: scope.description.clone(),
            start: scope.range.start().to_string(),
            end: scope.range.end().to_string(),
            lease_duration_secs: scope.lease_duration_secs.to_string(),
            shared_network: scope
                .kept
                .as_ref()
                .and_then(crate::Kept::shared_network)
                .unwrap_or_default()
                .to_string(),
            state: format!("{:?}", scope.state),
            exclusions: scope
                .exclusions
                .iter()
                .map(|r| format!("{}-{}", r.start(), r.end()))
                .collect::<Vec<_>>()
                .join(", "),
            options: option_inputs(&scope.options),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_networks_name_is_plain_text() {
        for bad in [
            "floor \"2\"",
            "back\\slash",
            "line\nbreak",
            &"x".repeat(129),
        ] {
            let i = ScopeInput {
                shared_network: bad.to_string(),
                ..input()
            };
            let e = i.parse(Vec::new()).unwrap_err();
            assert!(e.get("shared_network").is_some(), "{bad}: {e:?}");
        }
        let i = ScopeInput {
            shared_network: " floor-2 ".into(),
            ..input()
        };
        assert!(i.parse(Vec::new()).is_ok());
        assert_eq!(
            ScopeInput::of(&i.parse(Vec::new()).unwrap()).shared_network,
            ""
        );
    }

    fn input() -> ScopeInput {
        ScopeInput {
            scope_id: "10.1.0.0".into(),
            subnet_mask: "255.255.255.0".into(),
            name: "Lab".into(),
            start: "10.1.0.10".into(),
            end: "10.1.0.200".into(),
            exclusions: "10.1.0.10-10.1.0.19, 10.1.0.50-10.1.0.59".into(),
            options: vec![
                OptionInput {
                    code: "3".into(),
                    kind: String::new(),
                    value: "10.1.0.1".into(),
                },
                OptionInput {
                    code: "6".into(),
                    kind: String::new(),
                    value: "10.1.0.2, 10.1.0.3".into(),
                },
                OptionInput {
                    code: "15".into(),
                    kind: String::new(),
                    value: "contoso.com".into(),
                },
                OptionInput {
                    code: "42".into(),
                    kind: "Addresses".into(),
                    value: "10.1.0.4".into(),
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_full_scope_parses_and_round_trips() {
        let scope = input().parse(vec![]).unwrap();
        assert_eq!(scope.prefix_len, 24);
        assert_eq!(scope.lease_duration_secs, Scope::DEFAULT_LEASE_SECS);
        assert_eq!(scope.exclusions.len(), 2);
        assert_eq!(scope.options[&15], OptionValue::Text("contoso.com".into()));
        assert_eq!(ScopeInput::of(&scope).parse(vec![]).unwrap(), scope);
    }

    #[test]
    fn masks_are_accepted_as_dotted_or_prefix() {
        for m in ["255.255.0.0", "/16", "16"] {
            assert_eq!(prefix_of(m).unwrap(), 16, "{m}");
        }
        assert!(prefix_of("255.0.255.0").is_err());
        assert!(prefix_of("/31").is_err());
    }

    #[test]
    fn each_rule_names_its_field() {
        type Change = fn(&mut ScopeInput);
        let cases: Vec<(Change, &str)> = vec![
            (|i| i.scope_id = "10.1.0.300".into(), "scope_id"),
            (|i| i.scope_id = "10.1.0.7".into(), "scope_id"),
            (|i| i.end = "10.2.0.5".into(), "range"),
            (|i| i.end = "10.1.0.5".into(), "end"),
            (|i| i.exclusions = "10.1.0.1-10.1.0.5".into(), "exclusions"),
            (
                |i| i.exclusions = "10.1.0.20-10.1.0.40, 10.1.0.30-10.1.0.45".into(),
                "exclusions",
            ),
            (|i| i.options[0].value = "router".into(), "options"),
            (
                |i| {
                    // A kind is chosen only for a code outside Kea's table.
                    i.options[3].code = "150".into();
                    i.options[3].kind = "Colour".into();
                },
                "options",
            ),
            (|i| i.options[3].value = "10.1.0.4 ntp".into(), "options"),
            (
                |i| i.lease_duration_secs = "8 days".into(),
                "lease_duration_secs",
            ),
            (|i| i.state = "Paused".into(), "state"),
            (|i| i.name = " ".into(), "name"),
        ];
        for (change, field) in cases {
            let mut i = input();
            change(&mut i);
            let e = i.parse(vec![]).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e}");
        }
    }
}
