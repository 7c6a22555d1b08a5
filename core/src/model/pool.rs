//! A pool's own settings (Kea: a pool of a subnet with a class of its own, Windows: a policy's
//! address range): the client classes it admits and the option values its clients get in place
//! of the scope's. The scope's Range and Exclusions stay what shape its addresses.

use super::{HostSettings, IpRange, OptionValue};
use crate::FieldErrors;
use crate::scope_input::{OptionInput, parse_options};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A pool as Scope Properties' Pool dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PoolSettings {
    pub range: IpRange,
    /// The classes whose members alone it serves (none: every client).
    pub client_classes: Vec<String>,
    /// Its own option values, by code.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, OptionValue>))]
    pub options: BTreeMap<u8, OptionValue>,
    /// What else it holds, in the server's words, kept by every write (its options' flags,
    /// options Tandem does not edit, its ID, its context).
    #[serde(default)]
    pub kept: Vec<String>,
}

/// A pool's settings as a form or an API client gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PoolInput {
    /// The classes whose members alone it serves; empty: every client.
    #[serde(default)]
    pub client_classes: Vec<String>,
    /// Its own option values (each as the scope dialog types one); empty: none.
    #[serde(default)]
    pub options: Vec<OptionInput>,
}

impl PoolInput {
    /// The classes and options, or every refusal by its field.
    pub fn parse(&self) -> Result<(Vec<String>, BTreeMap<u8, OptionValue>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let options = parse_options(&self.options, &mut errors);
        let settings = HostSettings {
            client_classes: self
                .client_classes
                .iter()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
            options,
            ..HostSettings::default()
        };
        for (field, why) in settings.refusals() {
            errors.push(field, why.replace("a reservation names", "a pool names"));
        }
        errors.into_result()?;
        Ok((settings.client_classes, settings.options))
    }
}

impl From<&PoolSettings> for PoolInput {
    fn from(p: &PoolSettings) -> Self {
        Self {
            client_classes: p.client_classes.clone(),
            options: crate::scope_input::option_inputs(&p.options),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pools_classes_and_options_are_checked_by_field() {
        let input = PoolInput {
            client_classes: vec![" pxe ".into(), String::new()],
            options: vec![OptionInput {
                code: "66".into(),
                kind: "Text".into(),
                value: "boot.example.org".into(),
            }],
        };
        let (classes, options) = input.parse().unwrap();
        assert_eq!(classes, ["pxe"]);
        assert_eq!(options[&66], OptionValue::Text("boot.example.org".into()));
        let bad = PoolInput {
            client_classes: vec!["a,b".into()],
            options: vec![OptionInput {
                code: "3".into(),
                kind: String::new(),
                value: "gateway".into(),
            }],
        };
        let e = bad.parse().unwrap_err();
        assert!(
            e.get("client_classes").is_some() && e.get("options").is_some(),
            "{e:?}"
        );
    }
}
