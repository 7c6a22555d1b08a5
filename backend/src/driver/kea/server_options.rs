//! A Kea server's own options (`option-data` at the top of `Dhcp4`; Windows: server options):
//! the ones every scope's clients get unless the scope, pool or reservation sets its own.

use super::mapping::{canonical, context};
use super::options::read_options;
use super::{DriverError, KeaDriver, patch};
use serde_json::Value;
use std::collections::BTreeMap;
use tandem_core::{OptionValue, ServerOptions};

/// The server options `config` holds.
pub(super) fn server_options_of(config: &Value) -> ServerOptions {
    let list = config
        .get("option-data")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let kinds = context(config, "option-kinds").and_then(Value::as_object);
    let (options, kept) = read_options(list, kinds);
    ServerOptions {
        options,
        kept,
        definition: list
            .iter()
            .filter_map(canonical)
            .collect::<Vec<_>>()
            .join(","),
        definitions: config
            .get("option-def")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(definition_words)
            .collect(),
    }
}

/// An `option-def` entry in words: its name, code and space, its type (a record's fields),
/// whether it repeats, what it encapsulates.
fn definition_words(def: &Value) -> String {
    let text = |key: &str| def.get(key).and_then(Value::as_str).unwrap_or_default();
    let mut words = format!(
        "{} ({}) in {}: {}",
        text("name"),
        def.get("code").map(ToString::to_string).unwrap_or_default(),
        match text("space") {
            "" => "dhcp4",
            space => space,
        },
        text("type")
    );
    if !text("record-types").is_empty() {
        words += &format!(" of {}", text("record-types"));
    }
    if def.get("array") == Some(&Value::Bool(true)) {
        words += ", array";
    }
    if !text("encapsulate").is_empty() {
        words += &format!(", encapsulates {}", text("encapsulate"));
    }
    words
}

impl KeaDriver {
    /// Makes the server's own options `want` (those Tandem shows; each changed in its entry,
    /// its flags kept; the others kept), by `config-set`: Kea has no command for them.
    pub(super) async fn write_server_options(
        &self,
        want: &BTreeMap<u8, OptionValue>,
    ) -> Result<(), DriverError> {
        self.modify_config(|config| {
            let have = server_options_of(config).options;
            let list = config
                .get("option-data")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut ctx = config
                .get("user-context")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let next = patch::option_list(&list, &mut ctx, &have, want, None)
                .map_err(|e| self.rejected(e))?;
            let Some(map) = config.as_object_mut() else {
                return Err(self.protocol("a configuration that is not an object"));
            };
            if let Some(next) = next {
                map.insert("option-data".into(), Value::Array(next));
            }
            if ctx.is_empty() {
                map.remove("user-context");
            } else {
                map.insert("user-context".into(), Value::Object(ctx));
            }
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn definitions_are_named_in_words() {
        let def = serde_json::json!({ "name": "my-fancy-option", "code": 254, "space": "my-fancy-space",
            "type": "record", "record-types": "int8, fqdn", "array": true, "encapsulate": "" });
        assert_eq!(
            super::definition_words(&def),
            "my-fancy-option (254) in my-fancy-space: record of int8, fqdn, array"
        );
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn a_servers_options_are_read_with_their_flags_and_the_rest_kept() {
        let config = json!({ "option-data": [
            { "name": "domain-name-servers", "data": "10.0.0.53, 10.0.0.54", "always-send": true },
            { "code": 15, "data": "example.org" },
            { "space": "vendor-4491", "code": 2, "data": "10.0.0.2" }
        ]});
        let read = server_options_of(&config);
        assert_eq!(
            read.options[&6],
            OptionValue::Addresses(vec![[10, 0, 0, 53].into(), [10, 0, 0, 54].into()])
        );
        assert_eq!(read.options[&15], OptionValue::Text("example.org".into()));
        assert_eq!(
            read.kept,
            [
                "option 6 always-send true",
                r#"option-data vendor-4491/2 {"code":2,"data":"10.0.0.2","space":"vendor-4491"}"#
            ]
        );
        assert!(server_options_of(&json!({})).options.is_empty());
    }
}
