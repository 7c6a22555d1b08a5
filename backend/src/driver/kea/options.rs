//! Options in Kea's `option-data` as Tandem reads and writes them: which entries Tandem shows
//! and edits (a standard-space option, given by code or by the name Kea gives it: `routers`,
//! `domain-name-servers`…), their typed values (raw hex where `csv-format` is false), the
//! flags of theirs worth keeping, and the entries it keeps whole without showing them (a vendor
//! space, a custom definition's name, a value its type in Kea's table does not read). A name
//! not in Kea's standard table is never guessed; a standard option is read by its type there.

use super::mapping::canonical;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use tandem_core::OptionValue;

pub use tandem_core::options::code_of;

/// An option's value, from its `data` and the kind Tandem recorded (or the code's own type).
/// Text is read as Kea reads it: `\,` is a comma of the value's, `\\` a backslash.
pub(super) fn option_value(code: u8, data: &str, kind: Option<&str>) -> OptionValue {
    let addresses = || {
        data.split(',')
            .map(|s| s.trim().parse::<Ipv4Addr>())
            .collect::<Result<Vec<_>, _>>()
            .ok()
            .filter(|v| !v.is_empty())
    };
    let text = || OptionValue::Text(unescaped(data));
    // A standard option is read by its type in Kea's table, whatever was recorded.
    let kind = match tandem_core::options::kind_for(code) {
        Some(Ok(kind)) => Some(kind),
        _ => kind,
    };
    match (code, kind) {
        (3 | 6, _) | (_, Some("Addresses")) => {
            addresses().map(OptionValue::Addresses).unwrap_or_else(text)
        }
        (15, _) | (_, Some("Text")) => text(),
        (_, Some("Number")) => number(data).map(OptionValue::Number).unwrap_or_else(text),
        (_, Some("Flag")) => OptionValue::Flag(matches!(data.trim(), "true" | "1")),
        (_, Some("Data")) => OptionValue::data(data),
        // Outside Kea's table with no kind recorded: a comma Kea splits on (not escaped)
        // makes fields (a custom definition's record or list), as Data.
        _ => addresses()
            .map(OptionValue::Addresses)
            .or_else(|| data.trim().parse().ok().map(OptionValue::Number))
            .or_else(|| {
                (tandem_core::split_fields(data).len() > 1).then(|| OptionValue::data(data))
            })
            .unwrap_or_else(text),
    }
}

/// A number as Kea reads one: decimal, or hex after `0x`.
fn number(data: &str) -> Option<u32> {
    let data = data.trim();
    match data.strip_prefix("0x").or_else(|| data.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => data.parse().ok(),
    }
}

/// Text as Kea's `data` reads it (its `csv-format` splits on commas): `\,` a comma, `\\` a
/// backslash, a backslash before anything else kept.
fn unescaped(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    let mut chars = data.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next @ (',' | '\\'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Text as Kea's `data` takes it: each comma and backslash escaped by a backslash, so that
/// the whole text is one value.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, ',' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An `option-data` entry's value: raw hex where its `csv-format` is false, else its `data`
/// read by [`option_value`].
pub(super) fn entry_value(code: u8, entry: &Value, kind: Option<&str>) -> Option<OptionValue> {
    let data = match entry.get("data") {
        None => "",
        Some(Value::String(data)) => data,
        Some(_) => return None,
    };
    if entry.get("csv-format") == Some(&Value::Bool(false)) {
        // An option of Kea's type `empty` (its sub-options apart) holds no bytes at all.
        if data.trim().is_empty() && tandem_core::options::kea_type(code) == Some("empty") {
            return Some(OptionValue::Data(String::new()));
        }
        return OptionValue::hex(data).ok();
    }
    Some(option_value(code, data, kind))
}

/// An option's value as Kea's `data` takes it.
pub(super) fn option_data(v: &OptionValue) -> String {
    match v {
        OptionValue::Text(t) => escaped(t),
        other => other.text(),
    }
}

/// Makes `entry` hold `v`: its `data`, and `csv-format: false` exactly when `v` is raw hex.
pub(super) fn set_value(entry: &mut Value, v: &OptionValue) {
    entry["data"] = Value::String(option_data(v));
    if let Some(map) = entry.as_object_mut() {
        if matches!(v, OptionValue::Hex(_)) {
            map.insert("csv-format".into(), Value::Bool(false));
        } else if map.get("csv-format") == Some(&Value::Bool(false)) {
            map.remove("csv-format");
        }
    }
}

/// The code of an `option-data` entry Tandem shows and edits: a standard-space (`dhcp4`)
/// option given by code or by a standard name, whose value (its `data` that Kea parses, or raw
/// hex) reads as its type in Kea's table says. Any other entry (a vendor space, a custom
/// definition's name, a value Tandem would not write back alike) is kept untouched.
pub(super) fn option_code(entry: &Value) -> Option<u8> {
    let space = entry
        .get("space")
        .and_then(Value::as_str)
        .unwrap_or("dhcp4");
    if space != "dhcp4" {
        return None;
    }
    let by_name = entry.get("name").and_then(Value::as_str).map(code_of);
    let code = match (entry.get("code").and_then(Value::as_u64), by_name) {
        (Some(code), Some(Some(named))) if code != u64::from(named) => return None,
        (Some(code), _) => u8::try_from(code).ok()?,
        (None, Some(named)) => named?,
        (None, None) => return None,
    };
    if !(1..=254).contains(&code) {
        return None;
    }
    // A standard option whose value its type does not read (Kea's `internal`, a field Kea
    // reads more loosely) is kept whole: written back it could change.
    if tandem_core::options::kea_type(code).is_some() {
        let value = entry_value(code, entry, None)?;
        if tandem_core::options::type_refusal(code, &value).is_some()
            || value.refusal(code).is_some()
        {
            return None;
        }
    } else {
        entry_value(code, entry, None)?;
    }
    Some(code)
}

/// An option entry's own flags worth keeping (`always-send`, `never-send`, `client-classes`…),
/// each with its value: what is not its identity (code, name, space) or its data, and not
/// Kea's default.
pub(super) fn option_flags(entry: &Value) -> BTreeMap<String, String> {
    let Some(map) = entry.as_object() else {
        return BTreeMap::new();
    };
    map.iter()
        .filter(|(k, v)| match k.as_str() {
            // `csv-format` false is the value's kind (raw hex).
            "code" | "name" | "space" | "data" | "csv-format" => false,
            "always-send" | "never-send" => v != &&Value::Bool(false),
            _ => true,
        })
        .filter_map(|(k, v)| Some((k.clone(), canonical(v)?)))
        .collect()
}

/// Where an option Tandem does not show is kept: `option-data <space>/<code or name>`.
fn opaque_option_place(entry: &Value) -> String {
    let space = entry
        .get("space")
        .and_then(Value::as_str)
        .unwrap_or("dhcp4");
    let id = entry
        .get("code")
        .map(ToString::to_string)
        .or_else(|| {
            entry
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "?".into());
    format!("option-data {space}/{id}")
}

/// The options of an `option-data` list that Tandem shows, each with the index of its entry;
/// the rest are [`opaque_options`].
pub(super) fn shown_options(list: &[Value]) -> BTreeMap<u8, usize> {
    let mut shown = BTreeMap::new();
    for (i, entry) in list.iter().enumerate() {
        if let Some(code) = option_code(entry) {
            shown.entry(code).or_insert(i);
        }
    }
    shown
}

/// The options Tandem does not show, each by its place (`option-data vendor-4491/2`) and the
/// index of its entry.
pub(super) fn opaque_options(list: &[Value]) -> Vec<(String, usize)> {
    let shown: Vec<usize> = shown_options(list).into_values().collect();
    let mut out: Vec<(String, usize)> = Vec::new();
    for (i, entry) in list.iter().enumerate().filter(|(i, _)| !shown.contains(i)) {
        let base = opaque_option_place(entry);
        let n = out
            .iter()
            .filter(|(p, _)| p.split(" #").next() == Some(&base))
            .count();
        let place = if n == 0 {
            base
        } else {
            format!("{base} #{}", n + 1)
        };
        out.push((place, i));
    }
    out
}

/// The options of `list` (a server's, a pool's, a host's `option-data`) that Tandem shows, by
/// code, each read with the kind `kinds` recorded for it; and the rest in the server's words:
/// their flags (`option 6 always-send true`) and the entries Tandem does not show
/// (`option-data vendor-4491/2 {…}`).
pub(super) fn read_options(
    list: &[Value],
    kinds: Option<&serde_json::Map<String, Value>>,
) -> (BTreeMap<u8, OptionValue>, Vec<String>) {
    let mut options = BTreeMap::new();
    let mut kept = Vec::new();
    for (code, i) in shown_options(list) {
        let kind = kinds
            .and_then(|k| k.get(&code.to_string()))
            .and_then(Value::as_str);
        if let Some(value) = entry_value(code, &list[i], kind) {
            options.insert(code, value);
        }
        for (flag, value) in option_flags(&list[i]) {
            kept.push(format!("option {code} {flag} {value}"));
        }
    }
    for (place, i) in opaque_options(list) {
        kept.extend(canonical(&list[i]).map(|text| format!("{place} {text}")));
    }
    (options, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_written_and_read_as_kea_splits_it() {
        for text in ["a,b", "back\\slash", "\\,", "plain", "ends\\"] {
            let v = OptionValue::Text(text.into());
            let data = option_data(&v);
            assert_eq!(option_value(66, &data, Some("Text")), v, "{data}");
        }
        assert_eq!(option_data(&OptionValue::Text("a,b".into())), "a\\,b");
        // A custom option's fields (outside the table, no kind recorded): Data, as written.
        assert_eq!(
            option_value(222, "1, example.org", None),
            OptionValue::Data("1, example.org".into())
        );
        assert_eq!(
            option_value(222, "a\\,b", None),
            OptionValue::Text("a,b".into())
        );
        // Written by hand without escapes, read as Kea reads it.
        assert_eq!(
            option_value(66, "x\\y", None),
            OptionValue::Text("x\\y".into())
        );
        assert_eq!(
            option_data(&OptionValue::Addresses(vec![
                [10, 0, 0, 1].into(),
                [10, 0, 0, 2].into()
            ])),
            "10.0.0.1, 10.0.0.2"
        );
    }
}
