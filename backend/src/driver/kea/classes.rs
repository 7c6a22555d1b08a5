//! Kea's client classes (`client-classes` in `Dhcp4`) as Tandem shows them: each class's name,
//! test, and what it sets for its members, in Kea's own words.

use super::mapping::{self, canonical};
use super::options::code_of;
use super::{DriverError, KeaDriver, patch};
use serde_json::{Value, json};
use tandem_core::{ClassSpec, ClientClass, FieldErrors};

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
        settings: mapping::host_settings(entry),
    })
}

/// The class named `name` in `config`, as the server holds it.
fn entry_in<'a>(config: &'a Value, name: &str) -> Option<&'a Value> {
    config
        .get("client-classes")?
        .as_array()?
        .iter()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
}

/// A class's entry made to say `spec`: `existing` (as the server holds it) with its test,
/// boot fields and options changed and everything else kept; a new entry when there is none.
pub(super) fn class_entry(
    existing: Option<&Value>,
    spec: &ClassSpec,
) -> Result<Value, FieldErrors> {
    let base = existing
        .cloned()
        .unwrap_or_else(|| json!({ "name": spec.name }));
    let have = existing.map(mapping::host_settings).unwrap_or_default();
    let mut out = base.as_object().cloned().unwrap_or_default();
    out.insert("name".into(), json!(spec.name));
    if spec.test.is_empty() {
        out.remove("test");
    } else {
        out.insert("test".into(), json!(spec.test));
    }
    mapping::set_host_settings(&mut out, &have, &spec.settings);
    let mut ctx = out
        .get("user-context")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let list = base
        .get("option-data")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let (h, w) = (&have.options, &spec.settings.options);
    if let Some(next) = patch::option_list(list, &mut ctx, h, w, None)? {
        out.insert("option-data".into(), Value::Array(next));
    }
    patch::set_context(&mut out, &base, ctx);
    Ok(Value::Object(out))
}

impl KeaDriver {
    /// Writes class `spec`: a new one (`creating` `Some(true)`: refused when the name is taken),
    /// an edit of the one of that name (`Some(false)`: refused when there is none), or either
    /// (`None`). Through `class_cmds` where the server loads it (nothing reloads), by
    /// `config-set` otherwise; then saved.
    pub(super) async fn write_class(
        &self,
        creating: Option<bool>,
        spec: &ClassSpec,
    ) -> Result<(), DriverError> {
        let offer = self.offer().await?;
        if !offer.has("class-add") {
            return self
                .modify_config(|config| {
                    let (entry, _) = self.entry_for(config, creating, spec)?;
                    let list = config
                        .as_object_mut()
                        .ok_or_else(|| self.protocol("a configuration that is not an object"))?
                        .entry("client-classes")
                        .or_insert_with(|| json!([]));
                    let Some(list) = list.as_array_mut() else {
                        return Err(self.protocol("client-classes that is not a list"));
                    };
                    match list
                        .iter_mut()
                        .find(|c| c.get("name").and_then(Value::as_str) == Some(spec.name.as_str()))
                    {
                        Some(slot) => *slot = entry,
                        None => list.push(entry),
                    }
                    Ok(())
                })
                .await
                .map_err(on_test);
        }
        let lock = super::write_lock(&self.url);
        let _held = lock.lock().await;
        *self.memo.lock().expect("memo") = None;
        let (config, _) = self.fetch().await?;
        let (entry, exists) = self.entry_for(&config, creating, spec)?;
        let command = if exists { "class-update" } else { "class-add" };
        self.command(command, Some(json!({ "client-classes": [entry] })))
            .await
            .map_err(on_test)?;
        self.command("config-write", None)
            .await
            .map_err(|e| self.unsaved(command, e))?;
        Ok(())
    }

    /// Class `spec`'s entry as `config` would hold it, and whether `config` has the class
    /// already; refused when `creating` says otherwise (a name taken, no class to edit).
    fn entry_for(
        &self,
        config: &Value,
        creating: Option<bool>,
        spec: &ClassSpec,
    ) -> Result<(Value, bool), DriverError> {
        let existing = entry_in(config, &spec.name);
        match (existing, creating) {
            (Some(_), Some(true)) => {
                let mut errors = FieldErrors::default();
                errors.push("name", format!("client class {} already exists", spec.name));
                return Err(self.rejected(errors));
            }
            (None, Some(false)) => return Err(self.no_class(&spec.name)),
            _ => {}
        }
        let entry = class_entry(existing, spec).map_err(|e| self.rejected(e))?;
        Ok((entry, existing.is_some()))
    }

    /// Deletes class `name`: `class-del` where `class_cmds` is loaded, `config-set` otherwise.
    pub(super) async fn remove_class(&self, name: &str) -> Result<(), DriverError> {
        let offer = self.offer().await?;
        if !offer.has("class-del") {
            return self
                .modify_config(|config| {
                    let list = config
                        .get_mut("client-classes")
                        .and_then(Value::as_array_mut)
                        .ok_or_else(|| self.no_class(name))?;
                    let before = list.len();
                    list.retain(|c| c.get("name").and_then(Value::as_str) != Some(name));
                    if list.len() == before {
                        return Err(self.no_class(name));
                    }
                    Ok(())
                })
                .await;
        }
        let lock = super::write_lock(&self.url);
        let _held = lock.lock().await;
        *self.memo.lock().expect("memo") = None;
        let (config, _) = self.fetch().await?;
        if entry_in(&config, name).is_none() {
            return Err(self.no_class(name));
        }
        self.command("class-del", Some(json!({ "name": name })))
            .await?;
        self.command("config-write", None)
            .await
            .map_err(|e| self.unsaved("class-del", e))?;
        Ok(())
    }

    fn no_class(&self, name: &str) -> DriverError {
        DriverError::NotFound {
            server: self.name.clone(),
            what: format!("client class {name}"),
        }
    }
}

/// Kea's refusal of a class it cannot parse, put on the test expression's field.
fn on_test(e: DriverError) -> DriverError {
    match e {
        DriverError::Rejected { server, errors }
            if errors.0.iter().any(|f| {
                let m = f.message.to_ascii_lowercase();
                m.contains("expression") || m.contains("test") || m.contains("parse")
            }) =>
        {
            let mut moved = FieldErrors::default();
            for f in errors.0 {
                moved.push("test", f.message);
            }
            DriverError::Rejected {
                server,
                errors: moved,
            }
        }
        other => other,
    }
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
