//! Server names: a managed DHCP server is named by its FQDN.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A DHCP server's fully qualified domain name, lower-cased (`dhcp1.contoso.com`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServerName(String);

impl ServerName {
    pub fn parse(input: &str) -> Result<Self, String> {
        let name = input.trim().trim_end_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            return Err("a server name is required".into());
        }
        if name.len() > 253 {
            return Err("a server name is at most 253 characters".into());
        }
        for label in name.split('.') {
            let ok = !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(format!(
                    "'{input}' is not a valid host name (letters, digits and hyphens, separated by dots)"
                ));
            }
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ServerName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<ServerName> for String {
    fn from(n: ServerName) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_are_lower_cased_and_checked() {
        assert_eq!(
            ServerName::parse("DHCP1.Contoso.com.").unwrap().as_str(),
            "dhcp1.contoso.com"
        );
        assert!(ServerName::parse("").is_err());
        assert!(ServerName::parse("bad_name.contoso.com").is_err());
        assert!(ServerName::parse("a..b").is_err());
        assert!(ServerName::parse("-a.b").is_err());
    }
}
