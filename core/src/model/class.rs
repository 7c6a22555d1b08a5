//! Client classes: how a server sorts its clients (Kea's `client-classes`; Windows' policies
//! select clients by class too), and what a class sets for its members.

use super::HostSettings;
use crate::FieldErrors;
use crate::scope_input::{OptionInput, option_inputs, parse_options};
use serde::{Deserialize, Serialize};

/// One client class as a server defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientClass {
    pub name: String,
    /// The test that puts a client in it (Kea's expression, `substring(option[60].hex,0,9)
    /// == 'PXEClient'`); empty when it has none (a reservation or another class assigns it).
    #[serde(default)]
    pub test: String,
    /// What it sets for its members, in the server's own words, one setting each
    /// (`option-data routers 10.0.0.1`, `next-server 10.0.0.5`, `valid-lifetime 600`…).
    #[serde(default)]
    pub sets: Vec<String>,
    /// The class as the server holds it (Kea's JSON, canonical): what two partners compare.
    #[serde(default)]
    pub definition: String,
    /// What Tandem edits of what it sets: its boot fields and standard-space options (its
    /// `client_classes` always empty).
    #[serde(default)]
    pub settings: HostSettings,
}

/// The names Kea gives its own classes, and the prefixes of those it makes itself: a class of
/// the operator's cannot take them.
const BUILT_IN: [&str; 5] = ["ALL", "KNOWN", "UNKNOWN", "BOOTP", "DROP"];
const BUILT_IN_PREFIXES: [&str; 3] = ["VENDOR_CLASS_", "HA_", "SPAWN_"];

/// The longest class name and test expression Tandem writes.
pub const MAX_CLASS_NAME: usize = 128;
pub const MAX_CLASS_TEST: usize = 4096;

/// The Create/Edit Client Class dialog as typed (the API's body too): a class's name, test,
/// boot fields and option values. What else the class holds on the server is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClassInput {
    pub name: String,
    /// The test expression, in Kea's syntax; empty for none.
    #[serde(default)]
    pub test: String,
    #[serde(default)]
    pub next_server: String,
    #[serde(default)]
    pub server_hostname: String,
    #[serde(default)]
    pub boot_file_name: String,
    #[serde(default)]
    pub options: Vec<OptionInput>,
}

/// A client class to write, checked: its name, test and what Tandem sets of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassSpec {
    pub name: String,
    pub test: String,
    pub settings: HostSettings,
}

impl ClassInput {
    /// Parses every field, collecting every error with the field it belongs to.
    pub fn parse(&self) -> Result<ClassSpec, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = self.name.trim().to_string();
        if let Some(why) = class_name_refusal(&name) {
            errors.push("name", why);
        }
        let test = self.test.trim().to_string();
        if test.len() > MAX_CLASS_TEST {
            errors.push(
                "test",
                format!("a test expression is at most {MAX_CLASS_TEST} bytes"),
            );
        } else if let Some(why) = crate::text::control_character("a test expression", &test) {
            errors.push("test", why);
        }
        let next_server = match self.next_server.trim() {
            "" => None,
            text => errors.take("next_server", crate::parse_ipv4(text)),
        };
        let settings = HostSettings {
            next_server,
            server_hostname: self.server_hostname.trim().into(),
            boot_file_name: self.boot_file_name.trim().into(),
            client_classes: Vec::new(),
            options: parse_options(&self.options, &mut errors),
        };
        for (field, why) in settings.refusals() {
            errors.push(field, why);
        }
        errors.into_result().map(|()| ClassSpec {
            name,
            test,
            settings,
        })
    }
}

impl From<&ClientClass> for ClassInput {
    fn from(c: &ClientClass) -> Self {
        let s = &c.settings;
        Self {
            name: c.name.clone(),
            test: c.test.clone(),
            next_server: s.next_server.map(|ip| ip.to_string()).unwrap_or_default(),
            server_hostname: s.server_hostname.clone(),
            boot_file_name: s.boot_file_name.clone(),
            options: option_inputs(&s.options),
        }
    }
}

/// Why `name` cannot name a class of the operator's, if it cannot.
pub fn class_name_refusal(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a client class has a name".into());
    }
    if name.chars().count() > MAX_CLASS_NAME {
        return Some(format!(
            "a client class name is at most {MAX_CLASS_NAME} characters"
        ));
    }
    if let Some(why) = crate::text::control_character("a client class name", name) {
        return Some(why);
    }
    if name.contains(',') {
        return Some(format!(
            "client class '{name}' holds a comma: lists of classes are split on commas"
        ));
    }
    if BUILT_IN.contains(&name) || BUILT_IN_PREFIXES.iter().any(|p| name.starts_with(p)) {
        return Some(format!(
            "'{name}' is the name of one of Kea's own classes (ALL, KNOWN, UNKNOWN, BOOTP, DROP, VENDOR_CLASS_…, HA_…, SPAWN_…)"
        ));
    }
    None
}

/// How two servers' classes differ: each class defined on one only, or on both but not alike,
/// by name (HA partners must classify clients alike, or one serves a client otherwise than the
/// other would).
pub fn class_differences<'a>(
    a: &'a [ClientClass],
    b: &'a [ClientClass],
) -> Vec<(&'a str, Option<&'a ClientClass>, Option<&'a ClientClass>)> {
    let find = |list: &'a [ClientClass], name: &str| list.iter().find(|c| c.name == name);
    let mut names: Vec<&str> = a.iter().chain(b).map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let (x, y) = (find(a, name), find(b, name));
            let alike = matches!((x, y), (Some(x), Some(y)) if x.definition == y.definition);
            (!alike).then_some((name, x, y))
        })
        .collect()
}

/// One class as Server Properties lists it: the class, and where the server's scopes use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassRow {
    pub class: ClientClass,
    /// Where it is used: `scope 10.0.0.0`, `pool 10.0.0.100-10.0.0.149 of scope 10.0.0.0`,
    /// `reservation 10.0.0.5 in scope 10.0.0.0`.
    pub used_by: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str, test: &str) -> ClientClass {
        ClientClass {
            name: name.into(),
            test: test.into(),
            sets: Vec::new(),
            definition: format!(r#"{{"name":"{name}","test":"{test}"}}"#),
            settings: HostSettings::default(),
        }
    }

    #[test]
    fn a_class_is_typed_checked_field_by_field() {
        let input = ClassInput {
            name: " pxe ".into(),
            test: "substring(option[60].hex,0,9) == 'PXEClient'".into(),
            next_server: "10.0.0.5".into(),
            boot_file_name: "pxelinux.0".into(),
            options: vec![OptionInput {
                code: "66".into(),
                kind: "Text".into(),
                value: "boot.example.org".into(),
            }],
            ..ClassInput::default()
        };
        let spec = input.parse().unwrap();
        assert_eq!(spec.name, "pxe");
        assert_eq!(spec.settings.next_server, Some([10, 0, 0, 5].into()));
        assert_eq!(spec.settings.options.len(), 1);
        let bad = ClassInput {
            name: "KNOWN".into(),
            test: "a\u{7}".into(),
            next_server: "10.0.0".into(),
            boot_file_name: "f".repeat(128),
            options: vec![OptionInput {
                code: "3".into(),
                kind: "Addresses".into(),
                value: "10.0.0.300".into(),
            }],
            ..ClassInput::default()
        };
        let errors = bad.parse().unwrap_err();
        for field in ["name", "test", "next_server", "boot_file_name", "options"] {
            assert!(errors.get(field).is_some(), "{field}: {errors}");
        }
        for name in ["", "VENDOR_CLASS_docsis3.0", "a,b", "HA_server1"] {
            assert!(class_name_refusal(name).is_some(), "{name}");
        }
        assert_eq!(class_name_refusal("floor-2 printers"), None);
    }

    #[test]
    fn partners_differ_by_a_class_one_lacks_or_defines_otherwise() {
        let a = [class("pxe", "option[60].exists"), class("phones", "a")];
        let b = [
            class("phones", "b"),
            class("pxe", "option[60].exists"),
            class("voip", ""),
        ];
        let found: Vec<(&str, bool, bool)> = class_differences(&a, &b)
            .into_iter()
            .map(|(n, x, y)| (n, x.is_some(), y.is_some()))
            .collect();
        assert_eq!(found, [("phones", true, true), ("voip", false, true)]);
        assert!(class_differences(&a, &a).is_empty());
    }
}
