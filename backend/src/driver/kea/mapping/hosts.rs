//! Kea's host reservations as Tandem's reservations: a host's client by its one identifier, its
//! own settings, what else it holds (kept), and a new reservation as a host.

use super::super::options::{opaque_options, option_flags, read_options, shown_options};
use super::{IDENTIFIERS, TANDEM_HOST_KEYS, canonical, context, text};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use tandem_core::{ClientId, HostSettings, IdentifierType, Reservation, ReservationType};

/// A host's client: its one identifier, read by its type's rules (`None` for a host with none,
/// several, or one Tandem cannot read).
fn client_of(host: &Value) -> Option<ClientId> {
    let mut found = IDENTIFIERS.iter().filter_map(|k| Some((*k, host.get(*k)?)));
    let (key, value) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    ClientId::parse(IdentifierType::parse(key).ok()?, value.as_str()?).ok()
}

/// A host as a reservation Tandem shows: one with an address, by any identifier, with settings
/// Tandem's rules accept (one with a class name holding a comma, say, is kept whole instead).
pub(in crate::driver::kea) fn reservation_of(host: &Value) -> Option<Reservation> {
    let addr = host.get("ip-address")?.as_str()?;
    let settings = host_settings(host);
    if !settings.refusals().is_empty() {
        return None;
    }
    Some(Reservation {
        ip_address: addr.trim().parse().ok()?,
        client_id: client_of(host)?,
        name: host
            .get("hostname")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        description: text(host, "description").unwrap_or_default().to_string(),
        kind: text(host, "type")
            .and_then(|t| ReservationType::parse(t).ok())
            .unwrap_or_default(),
        settings,
    })
}

/// A host's `option-data` list (empty when it has none).
fn option_entries(host: &Value) -> &[Value] {
    host.get("option-data")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// The host's own settings Tandem shows: its boot fields, classes and the options Tandem shows
/// (Kea's defaults, an empty text or `next-server` 0.0.0.0, are none).
pub(in crate::driver::kea) fn host_settings(host: &Value) -> HostSettings {
    let text = |key: &str| {
        host.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    HostSettings {
        next_server: host
            .get("next-server")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Ipv4Addr>().ok())
            .filter(|ip| !ip.is_unspecified()),
        server_hostname: text("server-hostname"),
        boot_file_name: text("boot-file-name"),
        client_classes: host
            .get("client-classes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        options: {
            let kinds = context(host, "option-kinds").and_then(Value::as_object);
            read_options(option_entries(host), kinds).0
        },
    }
}

/// The keys of a host that Tandem's model holds.
const HOST_SETTING_KEYS: [&str; 4] = [
    "next-server",
    "server-hostname",
    "boot-file-name",
    "client-classes",
];

/// What a host holds beyond the reservation Tandem shows: its options' flags (`option 66
/// always-send`) and the options Tandem does not show (`option-data vendor-4491/2`), the rest
/// of its keys, the operator's own context (each not at Kea's default).
pub(in crate::driver::kea) fn host_extras(host: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let list = option_entries(host);
    for (code, i) in shown_options(list) {
        for (flag, value) in option_flags(&list[i]) {
            out.insert(format!("option {code} {flag}"), value);
        }
    }
    for (place, i) in opaque_options(list) {
        if let Some(text) = canonical(&list[i]) {
            out.insert(place, text);
        }
    }
    for (key, value) in host.as_object().into_iter().flatten() {
        match key.as_str() {
            "ip-address" | "hostname" | "subnet-id" | "option-data" => {}
            k if IDENTIFIERS.contains(&k) || HOST_SETTING_KEYS.contains(&k) => {}
            "user-context" => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    if !TANDEM_HOST_KEYS.contains(&k.as_str())
                        && let Some(text) = canonical(v)
                    {
                        out.insert(format!("user-context {k}"), text);
                    }
                }
            }
            _ => {
                if let Some(text) = canonical(value) {
                    out.insert(key.clone(), text);
                }
            }
        }
    }
    out
}

/// Where a host Tandem does not show is kept: by its identifier (`client-id 01:aa:…`).
pub(in crate::driver::kea) fn host_place(host: &Value) -> String {
    IDENTIFIERS
        .iter()
        .find_map(|k| Some(format!("{k} {}", host.get(*k)?.as_str()?)))
        .unwrap_or_else(|| {
            format!(
                "host {}",
                host.get("ip-address")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
            )
        })
}

/// A new reservation as a Kea host: its address, identifier and name, and Tandem's description
/// and type only where they say something (not the defaults).
pub fn host_of(r: &Reservation) -> Value {
    let mut host = json!({ "ip-address": r.ip_address.to_string() });
    host[r.client_id.kind().as_str()] = json!(r.client_id.to_colon_string());
    if !r.name.is_empty() {
        host["hostname"] = json!(r.name);
    }
    let mut ctx = serde_json::Map::new();
    if let Some(map) = host.as_object_mut() {
        set_host_settings(map, &HostSettings::default(), &r.settings);
        let none = BTreeMap::new();
        // A new host's list is empty: nothing in it can be refused.
        if let Ok(Some(list)) =
            super::super::patch::option_list(&[], &mut ctx, &none, &r.settings.options, None)
        {
            map.insert("option-data".into(), Value::Array(list));
        }
    }
    if !r.description.is_empty() {
        ctx.insert("description".into(), json!(r.description));
    }
    if r.kind != ReservationType::Both {
        ctx.insert("type".into(), json!(r.kind.as_str()));
    }
    if !ctx.is_empty() {
        host["user-context"] = Value::Object(ctx);
    }
    host
}

/// Makes a host's settings `want` where they were `have`: each that changed written, or
/// removed when emptied (Kea's default), the others left as the host has them.
pub(in crate::driver::kea) fn set_host_settings(
    host: &mut serde_json::Map<String, Value>,
    have: &HostSettings,
    want: &HostSettings,
) {
    let mut put = |key: &str, value: Option<Value>| match value {
        Some(v) => {
            host.insert(key.into(), v);
        }
        None => {
            host.remove(key);
        }
    };
    if have.next_server != want.next_server {
        put(
            "next-server",
            want.next_server.map(|ip| json!(ip.to_string())),
        );
    }
    for (key, h, w) in [
        (
            "server-hostname",
            &have.server_hostname,
            &want.server_hostname,
        ),
        ("boot-file-name", &have.boot_file_name, &want.boot_file_name),
    ] {
        if h != w {
            put(key, (!w.is_empty()).then(|| json!(w)));
        }
    }
    if have.client_classes != want.client_classes {
        let list = &want.client_classes;
        put("client-classes", (!list.is_empty()).then(|| json!(list)));
    }
}
