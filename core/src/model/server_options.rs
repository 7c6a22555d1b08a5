//! A server's own option values (Windows: server options; Kea: `option-data` at the top of
//! `Dhcp4`): what every scope's clients get unless the scope, a pool or a reservation sets
//! its own.

use super::OptionValue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerOptions {
    /// The options Tandem shows and edits (the standard space's), by code.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, OptionValue>))]
    pub options: BTreeMap<u8, OptionValue>,
    /// What else the server holds of them, in its own words, kept by every write: each
    /// option's flags (`option 6 always-send true`) and the options Tandem does not edit
    /// (`option-data vendor-4491/2 {…}`: other spaces, custom definitions, raw hex).
    #[serde(default)]
    pub kept: Vec<String>,
    /// All of it as the server holds it (Kea's JSON, canonical): what two partners compare.
    #[serde(default)]
    pub definition: String,
    /// The server's own option definitions (Kea's `option-def`: custom options), each in
    /// words (`my-option (222) in dhcp4: record of uint8, fqdn, array`); shown, kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definitions: Vec<String>,
}
