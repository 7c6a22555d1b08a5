//! Writes as patches (DESIGN.md §3): a subnet or host entry as Kea holds it at that moment,
//! with only what the edit names changed. What Tandem's model leaves out (a pool's class and
//! options, an option's `always-send`, lifetime bounds, a host's boot fields, keys Tandem has
//! never heard of) stays exactly as it was, unless the write is a replication, whose scope
//! carries the source's copy of it ([`Scope::kept`]) for the partner to hold too.
//!
//! An edit that would break a kept setting is refused on its field: a range that would leave a
//! pool with a class or options of its own without addresses, two such pools that would merge
//! into one, a lease duration outside the subnet's own bounds, an option Tandem would add
//! beside one the server holds in a form Tandem does not edit.

use super::mapping::{self, Within};
use super::options::{self, option_code, option_data, option_value, set_value};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::Ipv4Addr;
use tandem_core::{
    FieldError, FieldErrors, Kept, OptionValue, Reservation, ReservationType, Scope,
};

pub(super) fn refuse(field: &str, message: String) -> FieldErrors {
    FieldError::new(field, message).into()
}

/// An entry's `user-context` after a patch: as it was where the patch left it so; gone where
/// the patch emptied it (Tandem's keys were all it held).
pub(super) fn set_context(out: &mut Map<String, Value>, raw: &Value, ctx: Map<String, Value>) {
    if raw.get("user-context").and_then(Value::as_object) == Some(&ctx) {
        return;
    }
    if ctx.is_empty() {
        out.remove("user-context");
    } else {
        out.insert("user-context".into(), Value::Object(ctx));
    }
}

/// Tandem's key `key` in a `user-context`: `value`, or no key at all where the value is the
/// default (Tandem says nothing where it has nothing to say).
fn say_or_drop(ctx: &mut Map<String, Value>, key: &str, value: &str, default: &str) {
    if value == default {
        ctx.remove(key);
    } else {
        ctx.insert(key.into(), json!(value));
    }
}

/// A kept value back as JSON (it was written from JSON).
pub(super) fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// The subnet entry that makes the server hold `desired`, patched over `raw` (the server's
/// entry now, where it sits `within`). With `with_hosts` the entry's `reservations` are
/// patched too (a `config-set`); without, they are left to the host commands.
pub(super) fn subnet(
    raw: &Value,
    within: Within,
    desired: &Scope,
    with_hosts: bool,
) -> Result<Value, FieldErrors> {
    let current = mapping::scope_of(raw, within).map_err(|e| refuse("scope_id", e.0))?;
    let mut out = raw.as_object().cloned().unwrap_or_default();
    let mut ctx = out
        .get("user-context")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if current.prefix_len != desired.prefix_len {
        out.insert(
            "subnet".into(),
            json!(format!("{}/{}", desired.id, desired.prefix_len)),
        );
    }
    if desired.name != current.name {
        // A scope without a name of its own is called by its prefix: named so, it has none.
        if raw.get("subnet").and_then(Value::as_str) == Some(desired.name.as_str()) {
            ctx.remove("name");
        } else {
            ctx.insert("name".into(), json!(desired.name));
        }
    }
    if desired.description != current.description {
        say_or_drop(&mut ctx, "description", &desired.description, "");
    }
    if desired.lease_duration_secs != current.lease_duration_secs {
        lifetime(&mut out, within, &current, desired)?;
    }
    super::pools::patch(raw, &mut out, &mut ctx, &current, desired)?;
    options(raw, &mut out, &mut ctx, &current, desired)?;
    if let (Some(want), Some(have)) = (&desired.kept, &current.kept) {
        settings(&mut out, &mut ctx, have, want);
    }
    if with_hosts {
        let list = raw
            .get("reservations")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        if let Some(next) = hosts(list, &current, desired)? {
            out.insert("reservations".into(), Value::Array(next));
        }
    }
    set_context(&mut out, raw, ctx);
    Ok(Value::Object(out))
}

/// A new lease duration, within the subnet's own bounds. A bound equal to the old duration
/// (Kea writes `min-` and `max-valid-lifetime` as the lifetime itself where none was given)
/// follows the duration; any other is kept, and a duration outside it refused.
fn lifetime(
    out: &mut Map<String, Value>,
    within: Within,
    current: &Scope,
    desired: &Scope,
) -> Result<(), FieldErrors> {
    let (old, new) = (
        u64::from(current.lease_duration_secs),
        u64::from(desired.lease_duration_secs),
    );
    for (key, outside) in [
        (
            "min-valid-lifetime",
            (|new, bound| new < bound) as fn(u64, u64) -> bool,
        ),
        ("max-valid-lifetime", |new, bound| new > bound),
    ] {
        let bound = out
            .get(key)
            .or_else(|| within.network.and_then(|n| n.get(key)))
            .or_else(|| within.global.and_then(|g| g.get(key)))
            .and_then(Value::as_u64);
        match bound {
            Some(b) if b == old => {
                out.insert(key.into(), json!(new));
            }
            Some(b) if outside(new, b) => {
                return Err(refuse(
                    "lease_duration_secs",
                    format!(
                        "{new} s is outside this subnet's {key} of {b} s on the server: give a duration within its bounds, or change the bound on the server first"
                    ),
                ));
            }
            _ => {}
        }
    }
    out.insert("valid-lifetime".into(), json!(new));
    Ok(())
}

/// Kept settings by place (a scope's, or one host's).
type Places = BTreeMap<String, String>;

/// The `option-data` entry flags a kept copy names for option `code` (`option 15 always-send`).
fn flags_of(kept: &BTreeMap<String, String>, code: u8) -> BTreeMap<String, String> {
    let prefix = format!("option {code} ");
    kept.iter()
        .filter_map(|(p, v)| Some((p.strip_prefix(&prefix)?.to_string(), v.clone())))
        .collect()
}

/// The options Tandem does not show that a kept copy names (`option-data …`), by place.
fn opaque_of(kept: &BTreeMap<String, String>) -> BTreeMap<&str, &str> {
    kept.iter()
        .filter(|(p, _)| p.starts_with("option-data "))
        .map(|(p, v)| (p.as_str(), v.as_str()))
        .collect()
}

/// Whether a kept place is an option's (its flags, or an option Tandem does not show), which
/// [`option_list`] writes.
pub(super) fn is_option_place(place: &str) -> bool {
    place.starts_with("option ") || place.starts_with("option-data ")
}

/// The subnet's `option-data` patched from the scope's options to the desired ones.
fn options(
    raw: &Value,
    out: &mut Map<String, Value>,
    ctx: &mut Map<String, Value>,
    current: &Scope,
    desired: &Scope,
) -> Result<(), FieldErrors> {
    let list = raw
        .get("option-data")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let kept = match (&desired.kept, &current.kept) {
        (Some(want), Some(have)) => Some((&want.settings, &have.settings)),
        _ => None,
    };
    let next = option_list(list, ctx, &current.options, &desired.options, kept)?;
    if let Some(next) = next {
        out.insert("option-data".into(), Value::Array(next));
    }
    Ok(())
}

/// An `option-data` list (a subnet's, a host's) made to hold `want` where it held `have`: each
/// option that changed written in its entry (its flags kept), added, or its entry removed; the
/// kind Kea's text cannot tell recorded in `ctx`'s `option-kinds`. With `kept` (the settings a
/// copy names, then those the server has: a replication), the entries' flags and the options
/// Tandem does not show made the copy's. `None` when the list stays as it is.
pub(super) fn option_list(
    list: &[Value],
    ctx: &mut Map<String, Value>,
    have: &BTreeMap<u8, OptionValue>,
    want: &BTreeMap<u8, OptionValue>,
    kept: Option<(&Places, &Places)>,
) -> Result<Option<Vec<Value>>, FieldErrors> {
    let shown = options::shown_options(list);
    let mut next: Vec<Option<Value>> = list.iter().cloned().map(Some).collect();
    let mut added = Vec::new();
    let mut kinds = ctx
        .get("option-kinds")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let kinds_before = kinds.clone();
    let codes: BTreeSet<u8> = have.keys().chain(want.keys()).copied().collect();
    for code in codes {
        let (h, w) = (have.get(&code), want.get(&code));
        if h == w {
            continue;
        }
        match (shown.get(&code), w) {
            (Some(&i), Some(v)) => {
                if let Some(entry) = next[i].as_mut() {
                    set_value(entry, v);
                }
            }
            (Some(&i), None) => next[i] = None,
            (None, Some(v)) => {
                // The same option, held in a form Tandem does not edit, would be doubled.
                if let Some(other) = list.iter().find(|e| {
                    option_code(e).is_none()
                        && e.get("space").and_then(Value::as_str).unwrap_or("dhcp4") == "dhcp4"
                        && e.get("code").and_then(Value::as_u64) == Some(u64::from(code))
                }) {
                    return Err(refuse(
                        "options",
                        format!(
                            "option {code} is set on the server in a form Tandem does not edit ({other}): change it there"
                        ),
                    ));
                }
                let mut entry = json!({ "code": code });
                set_value(&mut entry, v);
                added.push(entry);
            }
            (None, None) => {}
        }
        match w {
            Some(v)
                if !matches!(v, OptionValue::Hex(_))
                    && option_value(code, &option_data(v), None) != *v =>
            {
                kinds.insert(code.to_string(), json!(v.kind()));
            }
            _ => {
                kinds.remove(&code.to_string());
            }
        }
    }
    // A replication makes the partner's flags and unshown options the source's.
    if let Some((want_kept, have_kept)) = kept {
        for (&code, &i) in &shown {
            let (wf, hf) = (flags_of(want_kept, code), flags_of(have_kept, code));
            if wf != hf
                && want.contains_key(&code)
                && let Some(entry) = next[i].as_mut().and_then(Value::as_object_mut)
            {
                set_flags(entry, &hf, &wf);
            }
        }
        for entry in &mut added {
            let code = entry["code"].as_u64().unwrap_or(0) as u8;
            if let Some(map) = entry.as_object_mut() {
                set_flags(map, &BTreeMap::new(), &flags_of(want_kept, code));
            }
        }
        let (w, h) = (opaque_of(want_kept), opaque_of(have_kept));
        if w != h {
            for (place, i) in options::opaque_options(list) {
                if w.get(place.as_str()) != h.get(place.as_str()) {
                    next[i] = None;
                }
            }
            for (place, text) in &w {
                if h.get(place) != Some(text) {
                    added.push(parsed(text));
                }
            }
        }
    }
    if kinds != kinds_before {
        if kinds.is_empty() {
            ctx.remove("option-kinds");
        } else {
            ctx.insert("option-kinds".into(), Value::Object(kinds));
        }
    }
    let unchanged = added.is_empty() && next.iter().zip(list).all(|(n, o)| n.as_ref() == Some(o));
    if unchanged {
        return Ok(None);
    }
    let mut entries: Vec<Value> = next.into_iter().flatten().collect();
    entries.extend(added);
    Ok(Some(entries))
}

/// Makes an entry's flags `want` where they were `have` (Kea's defaults aside).
fn set_flags(
    entry: &mut Map<String, Value>,
    have: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) {
    for key in have.keys().filter(|k| !want.contains_key(*k)) {
        entry.remove(key);
    }
    for (key, text) in want {
        if have.get(key) != Some(text) {
            entry.insert(key.clone(), parsed(text));
        }
    }
}

/// Whether a place is one of the subnet's own keys (not a pool's, an option's, a host's or its
/// shared network's).
fn subnet_key(place: &str) -> Option<&str> {
    (!place.contains(' ') && place != Kept::SHARED_NETWORK).then_some(place)
}

/// A replication's subnet-level settings: the partner's made the source's, key by key.
fn settings(out: &mut Map<String, Value>, ctx: &mut Map<String, Value>, have: &Kept, want: &Kept) {
    let places: BTreeSet<&String> = have.settings.keys().chain(want.settings.keys()).collect();
    for place in places {
        let (h, w) = (have.settings.get(place), want.settings.get(place));
        if h == w {
            continue;
        }
        let (target, key) = match place.strip_prefix("user-context ") {
            Some(k) => (&mut *ctx, k),
            None => match subnet_key(place) {
                Some(k) => (&mut *out, k),
                None => continue,
            },
        };
        match w {
            Some(text) => {
                target.insert(key.to_string(), parsed(text));
            }
            None => {
                target.remove(key);
            }
        }
    }
}

/// A reservation's entry: `host` as the server holds it (`was` read from it), made `new`, its
/// other fields kept; with `extras`, those made the given ones (a replication). Refused when
/// an option it adds is held in a form Tandem does not edit.
pub(super) fn host(
    host: &Value,
    was: &Reservation,
    new: &Reservation,
    extras: Option<&BTreeMap<String, String>>,
) -> Result<Value, FieldErrors> {
    let mut out = host.as_object().cloned().unwrap_or_default();
    if was.ip_address != new.ip_address {
        out.insert("ip-address".into(), json!(new.ip_address.to_string()));
    }
    if was.client_id != new.client_id {
        for key in mapping::IDENTIFIERS {
            out.remove(key);
        }
        out.insert(
            new.client_id.kind().as_str().into(),
            json!(new.client_id.to_colon_string()),
        );
    }
    if was.name != new.name {
        out.insert("hostname".into(), json!(new.name));
    }
    mapping::set_host_settings(&mut out, &was.settings, &new.settings);
    let mut ctx = out
        .get("user-context")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if was.description != new.description {
        say_or_drop(&mut ctx, "description", &new.description, "");
    }
    if was.kind != new.kind {
        let default = ReservationType::Both.as_str();
        say_or_drop(&mut ctx, "type", new.kind.as_str(), default);
    }
    let have = mapping::host_extras(host);
    let list = host
        .get("option-data")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let kept = extras.map(|want| (want, &have));
    let (h, w) = (&was.settings.options, &new.settings.options);
    if let Some(next) = option_list(list, &mut ctx, h, w, kept)? {
        out.insert("option-data".into(), Value::Array(next));
    }
    if let Some(want) = extras {
        let keys: BTreeSet<&String> = have.keys().chain(want.keys()).collect();
        for key in keys.into_iter().filter(|k| !is_option_place(k)) {
            let (h, w) = (have.get(key), want.get(key));
            if h == w {
                continue;
            }
            let (target, k) = match key.strip_prefix("user-context ") {
                Some(k) => (&mut ctx, k),
                None => (&mut out, key.as_str()),
            };
            match w {
                Some(text) => {
                    target.insert(k.to_string(), parsed(text));
                }
                None => {
                    target.remove(k);
                }
            }
        }
    }
    set_context(&mut out, host, ctx);
    Ok(Value::Object(out))
}

/// A reservation whole, with the settings a kept copy names for it (a replication's host
/// command, which writes the host whole).
pub(super) fn full_host(r: &Reservation, kept: Option<&Kept>) -> Value {
    let new = mapping::host_of(r);
    match kept.and_then(|k| k.hosts.get(&r.ip_address)) {
        // A new host holds no option in a form Tandem does not edit: nothing is refused.
        Some(extras) => host(&new, r, r, Some(extras)).unwrap_or(new),
        None => new,
    }
}

/// The subnet's reservations patched: each of `desired` on the entry that held it (by
/// address, else by client), new ones added, those it no longer has removed; `None` when
/// nothing changes.
fn hosts(
    list: &[Value],
    current: &Scope,
    desired: &Scope,
) -> Result<Option<Vec<Value>>, FieldErrors> {
    let shown: Vec<Option<Reservation>> = list.iter().map(mapping::reservation_of).collect();
    let mut by_ip: HashMap<Ipv4Addr, usize> = HashMap::new();
    for (i, r) in shown.iter().enumerate() {
        if let Some(r) = r {
            by_ip.entry(r.ip_address).or_insert(i);
        }
    }
    let mut next: Vec<Option<Value>> = list.iter().cloned().map(Some).collect();
    let mut used: HashSet<usize> = HashSet::new();
    let mut placed: Vec<Option<usize>> = desired
        .reservations
        .iter()
        .map(|r| {
            let i = *by_ip.get(&r.ip_address)?;
            used.insert(i);
            Some(i)
        })
        .collect();
    for (slot, r) in placed.iter_mut().zip(&desired.reservations) {
        if slot.is_none() {
            *slot = shown.iter().enumerate().position(|(i, s)| {
                !used.contains(&i) && s.as_ref().is_some_and(|s| s.client_id == r.client_id)
            });
            if let Some(i) = slot {
                used.insert(*i);
            }
        }
    }
    let extras = |kept: &Option<Kept>, ip: Ipv4Addr| {
        kept.as_ref()
            .map(|k| k.hosts.get(&ip).cloned().unwrap_or_default())
    };
    let mut added = Vec::new();
    for (slot, r) in placed.iter().zip(&desired.reservations) {
        let want = extras(&desired.kept, r.ip_address);
        match slot {
            Some(i) => {
                let was = shown[*i].as_ref().expect("a shown reservation");
                let have = mapping::host_extras(&list[*i]);
                if was != r || want.as_ref().is_some_and(|w| *w != have) {
                    next[*i] = Some(host(&list[*i], was, r, want.as_ref())?);
                }
            }
            None => added.push(full_host(r, desired.kept.as_ref())),
        }
    }
    for (i, s) in shown.iter().enumerate() {
        if s.is_some() && !used.contains(&i) {
            next[i] = None;
        }
    }
    // The reservations Tandem does not show: a replication makes them the source's.
    if let (Some(want), Some(have)) = (&desired.kept, &current.kept)
        && want.other_hosts != have.other_hosts
    {
        for (i, entry) in list.iter().enumerate().filter(|(i, _)| shown[*i].is_none()) {
            let place = mapping::host_place(entry);
            if want.other_hosts.get(&place) != have.other_hosts.get(&place) {
                next[i] = None;
            }
        }
        for (place, text) in &want.other_hosts {
            if have.other_hosts.get(place) != Some(text) {
                added.push(parsed(text));
            }
        }
    }
    let unchanged = added.is_empty() && next.iter().zip(list).all(|(n, o)| n.as_ref() == Some(o));
    if unchanged {
        return Ok(None);
    }
    let mut out: Vec<Value> = next.into_iter().flatten().collect();
    out.extend(added);
    Ok(Some(out))
}

#[cfg(test)]
#[path = "patch_tests.rs"]
mod tests;
