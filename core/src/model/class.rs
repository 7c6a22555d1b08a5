//! Client classes: how a server sorts its clients (Kea's `client-classes`; Windows' policies
//! select clients by class too), and what a class sets for its members.

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
        }
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
