//! Kea's client classes (`client-classes` in `Dhcp4`) as Tandem shows them: each class's name,
//! test, and what it sets for its members, in Kea's own words.

use super::mapping::canonical;
use super::options::code_of;
use serde_json::Value;
use tandem_core::ClientClass;

/// The keys of a class that are its identity or its test, not a setting.
const NOT_SETTINGS: [&str; 2] = ["name", "test"];

/// Every class `config` defines, in its order.
pub(super) fn classes_of(config: &Value) -> Vec<ClientClass> {
    config
        .get("client-classes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(class_of)
        .collect()
}

fn class_of(entry: &Value) -> Option<ClientClass> {
    let name = entry.get("name")?.as_str()?.to_string();
    let test = entry
        .get("test")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut sets = Vec::new();
    for (key, value) in entry.as_object().into_iter().flatten() {
        if NOT_SETTINGS.contains(&key.as_str()) {
            continue;
        }
        match key.as_str() {
            "option-data" => {
                for option in value.as_array().into_iter().flatten() {
                    sets.push(format!("option-data {}", option_words(option)));
                }
            }
            // Kea's defaults: no boot server.
            "next-server" if value == "0.0.0.0" => {}
            _ => {
                if let Some(text) = canonical(value) {
                    let text = value.as_str().map_or(text, str::to_string);
                    sets.push(format!("{key} {text}"));
                }
            }
        }
    }
    Some(ClientClass {
        name,
        test,
        sets,
        definition: canonical(entry).unwrap_or_default(),
    })
}

/// One option a class sets: its name (and code), space when not the standard one, and data.
fn option_words(option: &Value) -> String {
    let name = option.get("name").and_then(Value::as_str);
    let code = option.get("code").and_then(Value::as_u64);
    let space = option
        .get("space")
        .and_then(Value::as_str)
        .unwrap_or("dhcp4");
    // Standard names and codes are the standard space's only.
    let standard = space == "dhcp4";
    let id = match (name, code) {
        (Some(n), Some(c)) => format!("{n} ({c})"),
        (Some(n), None) => match code_of(n).filter(|_| standard) {
            Some(c) => format!("{n} ({c})"),
            None => n.to_string(),
        },
        (None, Some(c)) => {
            let named = u8::try_from(c).ok().and_then(tandem_core::options::name_of);
            match named.filter(|_| standard) {
                Some(n) => format!("{n} ({c})"),
                None => format!("option {c}"),
            }
        }
        (None, None) => "option ?".into(),
    };
    let space = if standard {
        String::new()
    } else {
        format!(" in {space}")
    };
    let data = option
        .get("data")
        .and_then(Value::as_str)
        .unwrap_or_default();
    format!("{id}{space} {data}").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_class_is_read_with_its_test_and_what_it_sets() {
        let config = json!({ "client-classes": [
            { "name": "pxe", "test": "substring(option[60].hex,0,9) == 'PXEClient'",
              "next-server": "10.0.0.5", "boot-file-name": "pxelinux.0",
              "server-hostname": "", "option-def": [],
              "option-data": [ { "name": "tftp-server-name", "data": "boot.example.org" },
                               { "code": 43, "space": "vendor-encapsulated-options-space", "data": "01" } ] },
            { "name": "phones", "only-if-required": true, "next-server": "0.0.0.0",
              "valid-lifetime": 600 },
            { "test": "no name" }
        ]});
        let classes = classes_of(&config);
        assert_eq!(classes.len(), 2, "a class without a name is no class");
        assert_eq!(classes[0].name, "pxe");
        assert_eq!(
            classes[0].test,
            "substring(option[60].hex,0,9) == 'PXEClient'"
        );
        assert_eq!(
            classes[0].sets,
            [
                "boot-file-name pxelinux.0",
                "next-server 10.0.0.5",
                "option-data tftp-server-name (66) boot.example.org",
                "option-data option 43 in vendor-encapsulated-options-space 01",
            ]
        );
        assert_eq!(classes[1].test, "");
        assert_eq!(
            classes[1].sets,
            ["only-if-required true", "valid-lifetime 600"]
        );
        // Alike when Kea writes the same class with its defaults.
        let mut again = config.clone();
        again["client-classes"][1]["option-data"] = json!([]);
        assert_eq!(classes_of(&again)[1].definition, classes[1].definition);
    }
}
