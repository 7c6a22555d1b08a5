//! Kea's configuration and Tandem's model, each way. A scope is a `subnet4`: its range less its
//! exclusions is the subnet's pools; name, description and state (what Kea has no field for)
//! live in the subnet's `user-context`; the lease duration is `valid-lifetime`; option values
//! are `option-data`; reservations are `reservations` (hw-address, hostname, and description and
//! type in their `user-context`). What Tandem cannot represent (reservations by client-id, other
//! subnet parameters) is kept as it was when Tandem writes a subnet back.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use tandem_core::{
    IpRange, MacAddress, OptionValue, Reservation, ReservationType, Scope, ScopeId, ScopeState,
};

/// A subnet Tandem cannot read, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

fn ip(text: &str) -> Result<Ipv4Addr, Unreadable> {
    text.trim()
        .parse()
        .map_err(|_| Unreadable(format!("'{text}' is not an IPv4 address")))
}

/// A Kea pool (`a - b`, `a-b` or `net/len`) as a range.
pub fn pool_range(pool: &str) -> Result<IpRange, Unreadable> {
    if let Some((net, len)) = pool.split_once('/') {
        let net = u32::from(ip(net)?);
        let len: u32 = len
            .trim()
            .parse()
            .ok()
            .filter(|l| *l <= 32)
            .ok_or_else(|| Unreadable(format!("bad pool '{pool}'")))?;
        let size = if len == 0 {
            u32::MAX
        } else {
            (1u32 << (32 - len)) - 1
        };
        return IpRange::new(net.into(), (net | size).into()).map_err(Unreadable);
    }
    let (a, b) = pool
        .split_once('-')
        .ok_or_else(|| Unreadable(format!("bad pool '{pool}'")))?;
    IpRange::new(ip(a)?, ip(b)?).map_err(Unreadable)
}

/// The pools that cover `range` less `exclusions`.
pub fn pools_of(range: IpRange, exclusions: &[IpRange]) -> Vec<IpRange> {
    let mut cuts: Vec<IpRange> = exclusions.to_vec();
    cuts.sort();
    let mut out = Vec::new();
    let mut next = u64::from(u32::from(range.start()));
    let end = u64::from(u32::from(range.end()));
    for cut in cuts {
        let (cs, ce) = (
            u64::from(u32::from(cut.start())),
            u64::from(u32::from(cut.end())),
        );
        if ce < next || cs > end {
            continue;
        }
        if cs > next {
            out.push(span(next, cs - 1));
        }
        next = next.max(ce + 1);
    }
    if next <= end {
        out.push(span(next, end));
    }
    out
}

fn span(a: u64, b: u64) -> IpRange {
    IpRange::new((a as u32).into(), (b as u32).into()).expect("a <= b")
}

/// The range and exclusions that pools describe: from the first address to the last, with the
/// gaps between pools as exclusions.
pub fn range_of(pools: &[IpRange]) -> Option<(IpRange, Vec<IpRange>)> {
    let mut sorted = pools.to_vec();
    sorted.sort();
    let first = sorted.first()?;
    let last_end = sorted.iter().map(|p| p.end()).max()?;
    let mut exclusions = Vec::new();
    let mut covered = u64::from(u32::from(first.end()));
    for p in &sorted[1..] {
        let s = u64::from(u32::from(p.start()));
        if s > covered + 1 {
            exclusions.push(span(covered + 1, s - 1));
        }
        covered = covered.max(u64::from(u32::from(p.end())));
    }
    Some((
        IpRange::new(first.start(), last_end).expect("ordered"),
        exclusions,
    ))
}

/// A field of an entry's `user-context`.
fn context<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get("user-context").and_then(|c| c.get(key))
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    context(v, key).and_then(Value::as_str)
}

/// An option's value, from its `data` and the kind Tandem recorded (or the code's own type).
fn option_value(code: u8, data: &str, kind: Option<&str>) -> OptionValue {
    let addresses = || {
        data.split(',')
            .map(|s| s.trim().parse::<Ipv4Addr>())
            .collect::<Result<Vec<_>, _>>()
            .ok()
            .filter(|v| !v.is_empty())
    };
    match (code, kind) {
        (3 | 6, _) | (_, Some("Addresses")) => addresses()
            .map(OptionValue::Addresses)
            .unwrap_or_else(|| OptionValue::Text(data.into())),
        (15, _) | (_, Some("Text")) => OptionValue::Text(data.into()),
        (_, Some("Number")) => data
            .trim()
            .parse()
            .map(OptionValue::Number)
            .unwrap_or_else(|_| OptionValue::Text(data.into())),
        (_, Some("Flag")) => OptionValue::Flag(matches!(data.trim(), "true" | "1")),
        _ => addresses()
            .map(OptionValue::Addresses)
            .or_else(|| data.trim().parse().ok().map(OptionValue::Number))
            .unwrap_or_else(|| OptionValue::Text(data.into())),
    }
}

fn option_kind(v: &OptionValue) -> &'static str {
    match v {
        OptionValue::Addresses(_) => "Addresses",
        OptionValue::Text(_) => "Text",
        OptionValue::Number(_) => "Number",
        OptionValue::Flag(_) => "Flag",
    }
}

fn option_data(v: &OptionValue) -> String {
    match v {
        OptionValue::Addresses(list) => list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        OptionValue::Text(t) => t.clone(),
        OptionValue::Number(n) => n.to_string(),
        OptionValue::Flag(f) => f.to_string(),
    }
}

/// Reads one `subnet4` entry as a scope.
/// A subnet's `subnet` (`10.0.0.0/24`) as its prefix text, network and length text.
fn prefix_of(subnet: &Value) -> Result<(&str, &str, &str), Unreadable> {
    let prefix = subnet
        .get("subnet")
        .and_then(Value::as_str)
        .ok_or_else(|| Unreadable("a subnet without 'subnet'".into()))?;
    let (net, len) = prefix
        .split_once('/')
        .ok_or_else(|| Unreadable(format!("bad subnet '{prefix}'")))?;
    Ok((prefix, net, len))
}

/// The scope ID of a subnet, without reading the rest of it.
pub fn id_of(subnet: &Value) -> Result<ScopeId, Unreadable> {
    Ok(ScopeId::from_addr(ip(prefix_of(subnet)?.1)?))
}

pub fn scope_of(subnet: &Value) -> Result<Scope, Unreadable> {
    let (prefix, net, len) = prefix_of(subnet)?;
    let id = ScopeId::from_addr(ip(net)?);
    let prefix_len: u8 = len
        .parse()
        .ok()
        .filter(|l| (1..=30).contains(l))
        .ok_or_else(|| Unreadable(format!("subnet {prefix}: Tandem manages /1 to /30")))?;
    let inactive = text(subnet, "state") == Some("Inactive");
    let pools = subnet
        .get("pools")
        .and_then(Value::as_array)
        .map(|p| {
            p.iter()
                .filter_map(|x| x.get("pool").and_then(Value::as_str))
                .map(pool_range)
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    // An inactive scope has no pools in Kea; its range waits in the user context.
    let (range, exclusions) = match (inactive, text(subnet, "range")) {
        (true, Some(r)) => {
            let exclusions = context(subnet, "exclusions")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_str)
                        .map(pool_range)
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?
                .unwrap_or_default();
            (pool_range(r)?, exclusions)
        }
        _ => range_of(&pools).ok_or_else(|| Unreadable(format!("subnet {prefix} has no pool")))?,
    };
    let kinds = context(subnet, "option-kinds").and_then(Value::as_object);
    let mut options = BTreeMap::new();
    for o in subnet
        .get("option-data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(code) = o
            .get("code")
            .and_then(Value::as_u64)
            .and_then(|c| u8::try_from(c).ok())
        else {
            continue;
        };
        let data = o.get("data").and_then(Value::as_str).unwrap_or_default();
        let kind = kinds
            .and_then(|k| k.get(&code.to_string()))
            .and_then(Value::as_str);
        options.insert(code, option_value(code, data, kind));
    }
    let mut reservations = Vec::new();
    for r in subnet
        .get("reservations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        // Only reservations by hardware address are Tandem's to show and edit.
        let (Some(addr), Some(hw)) = (
            r.get("ip-address").and_then(Value::as_str),
            r.get("hw-address").and_then(Value::as_str),
        ) else {
            continue;
        };
        reservations.push(Reservation {
            ip_address: ip(addr)?,
            client_id: MacAddress::parse(hw).map_err(Unreadable)?,
            name: r
                .get("hostname")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            description: text(r, "description").unwrap_or_default().to_string(),
            kind: text(r, "type")
                .and_then(|t| ReservationType::parse(t).ok())
                .unwrap_or_default(),
        });
    }
    let mut scope = Scope {
        id,
        name: text(subnet, "name").unwrap_or(prefix).to_string(),
        description: text(subnet, "description").unwrap_or_default().to_string(),
        range,
        prefix_len,
        lease_duration_secs: subnet
            .get("valid-lifetime")
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(Scope::DEFAULT_LEASE_SECS),
        state: if inactive {
            ScopeState::Inactive
        } else {
            ScopeState::Active
        },
        exclusions,
        options,
        reservations,
    };
    scope.sort_reservations();
    Ok(scope)
}

/// A reservation as a Kea host (by hardware address; description and type in its context).
pub fn host_of(r: &Reservation) -> Value {
    json!({
        "ip-address": r.ip_address.to_string(),
        "hw-address": r.client_id.to_string().replace('-', ":"),
        "hostname": r.name,
        "user-context": { "description": r.description, "type": r.kind.as_str() },
    })
}

/// Writes `scope` as a `subnet4` entry, over `existing` (what Kea holds now, if anything) so
/// that what Tandem does not manage is kept. `id` is Kea's subnet ID to use for a new subnet.
pub fn subnet_of(scope: &Scope, existing: Option<&Value>, id: u64) -> Value {
    let mut subnet = existing
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    subnet.entry("id").or_insert_with(|| json!(id));
    subnet.insert(
        "subnet".into(),
        json!(format!("{}/{}", scope.id, scope.prefix_len)),
    );
    let pools: Vec<Value> = if scope.state == ScopeState::Inactive {
        Vec::new()
    } else {
        pools_of(scope.range, &scope.exclusions)
            .into_iter()
            .map(|p| json!({ "pool": format!("{}-{}", p.start(), p.end()) }))
            .collect()
    };
    subnet.insert("pools".into(), Value::Array(pools));
    subnet.insert("valid-lifetime".into(), json!(scope.lease_duration_secs));
    // Bounds Kea may have filled in from an earlier lifetime would refuse the new one.
    subnet.remove("min-valid-lifetime");
    subnet.remove("max-valid-lifetime");
    subnet.insert(
        "option-data".into(),
        Value::Array(
            scope
                .options
                .iter()
                .map(|(code, v)| json!({ "code": code, "space": "dhcp4", "data": option_data(v) }))
                .collect(),
        ),
    );
    // Reservations Tandem cannot show (by client-id, DUID…) stay as they were.
    let mut reservations: Vec<Value> = subnet
        .get("reservations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("hw-address").is_none())
        .cloned()
        .collect();
    reservations.extend(scope.reservations.iter().map(host_of));
    subnet.insert("reservations".into(), Value::Array(reservations));
    let mut ctx = subnet
        .get("user-context")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    ctx.insert("name".into(), json!(scope.name));
    ctx.insert("description".into(), json!(scope.description));
    ctx.insert("state".into(), json!(scope.state.as_str()));
    ctx.insert(
        "option-kinds".into(),
        Value::Object(
            scope
                .options
                .iter()
                .map(|(c, v)| (c.to_string(), json!(option_kind(v))))
                .collect(),
        ),
    );
    if scope.state == ScopeState::Inactive {
        ctx.insert(
            "range".into(),
            json!(format!("{}-{}", scope.range.start(), scope.range.end())),
        );
        ctx.insert(
            "exclusions".into(),
            json!(
                scope
                    .exclusions
                    .iter()
                    .map(|e| format!("{}-{}", e.start(), e.end()))
                    .collect::<Vec<_>>()
            ),
        );
    } else {
        ctx.remove("range");
        ctx.remove("exclusions");
    }
    subnet.insert("user-context".into(), Value::Object(ctx));
    Value::Object(subnet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(a: &str, b: &str) -> IpRange {
        IpRange::new(a.parse().unwrap(), b.parse().unwrap()).unwrap()
    }

    fn scope() -> Scope {
        Scope {
            id: ScopeId::parse("10.0.0.0").unwrap(),
            name: "Contoso".into(),
            description: "HQ".into(),
            range: range("10.0.0.1", "10.0.0.254"),
            prefix_len: 24,
            lease_duration_secs: 3600,
            state: ScopeState::Active,
            exclusions: vec![
                range("10.0.0.10", "10.0.0.19"),
                range("10.0.0.200", "10.0.0.210"),
            ],
            options: [
                (3, OptionValue::Addresses(vec!["10.0.0.1".parse().unwrap()])),
                (15, OptionValue::Text("contoso.com".into())),
                (51, OptionValue::Number(7200)),
            ]
            .into(),
            reservations: vec![Reservation {
                ip_address: "10.0.0.99".parse().unwrap(),
                client_id: MacAddress::parse("aa-bb-cc-dd-ee-ff").unwrap(),
                name: "test".into(),
                description: "A1".into(),
                kind: ReservationType::Both,
            }],
        }
    }

    #[test]
    fn exclusions_become_gaps_between_pools_and_back() {
        let s = scope();
        let pools = pools_of(s.range, &s.exclusions);
        assert_eq!(
            pools,
            [
                range("10.0.0.1", "10.0.0.9"),
                range("10.0.0.20", "10.0.0.199"),
                range("10.0.0.211", "10.0.0.254")
            ]
        );
        assert_eq!(range_of(&pools), Some((s.range, s.exclusions.clone())));
        assert_eq!(
            pool_range("10.0.0.0/25").unwrap(),
            range("10.0.0.0", "10.0.0.127")
        );
        assert_eq!(
            pool_range("10.0.0.1 - 10.0.0.5").unwrap(),
            range("10.0.0.1", "10.0.0.5")
        );
    }

    #[test]
    fn a_scope_survives_the_trip_through_kea_json() {
        let s = scope();
        let subnet = subnet_of(&s, None, 7);
        assert_eq!(subnet["id"], 7);
        assert_eq!(subnet["subnet"], "10.0.0.0/24");
        assert_eq!(subnet["reservations"][0]["hw-address"], "aa:bb:cc:dd:ee:ff");
        assert_eq!(scope_of(&subnet).unwrap(), s);
        let inactive = Scope {
            state: ScopeState::Inactive,
            ..s.clone()
        };
        let subnet = subnet_of(&inactive, None, 7);
        assert_eq!(subnet["pools"], json!([]));
        assert_eq!(scope_of(&subnet).unwrap(), inactive);
    }

    #[test]
    fn what_tandem_does_not_manage_is_kept() {
        let kea = json!({
            "id": 3, "subnet": "10.0.0.0/24", "pools": [{ "pool": "10.0.0.1 - 10.0.0.254" }],
            "valid-lifetime": 4000, "min-valid-lifetime": 4000, "max-valid-lifetime": 4000,
            "relay": { "ip-addresses": [] },
            "reservations": [
                { "ip-address": "10.0.0.5", "client-id": "01:02:03" },
                { "ip-address": "10.0.0.6", "hw-address": "00:11:22:33:44:55", "hostname": "printer" }
            ]
        });
        let s = scope_of(&kea).unwrap();
        assert_eq!(s.name, "10.0.0.0/24");
        assert_eq!(s.lease_duration_secs, 4000);
        assert_eq!(s.reservations.len(), 1);
        let back = subnet_of(&s, Some(&kea), 99);
        assert_eq!(back["id"], 3, "Kea's subnet ID is kept");
        assert_eq!(back["relay"], kea["relay"]);
        assert!(back.get("min-valid-lifetime").is_none());
        let kept: Vec<&Value> = back["reservations"].as_array().unwrap().iter().collect();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0]["client-id"], "01:02:03");
    }
}
