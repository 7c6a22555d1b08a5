//! What a Kea server offers, read from `version-get` and `list-commands`, and the least
//! disruptive way to write it that follows: the host commands (`host_cmds`) and subnet commands
//! (`subnet_cmds`) change the running server without reloading anything, where `config-set`
//! reloads every hook (so HA restarts on that server). Kept for a short while per control URL,
//! so that each operation does not ask again.

use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// How long an answer to `list-commands` is trusted before it is asked again.
const FRESH_FOR: Duration = Duration::from_secs(30);

pub const RESERVATION_COMMANDS: [&str; 4] = [
    "reservation-add",
    "reservation-update",
    "reservation-del",
    "reservation-get",
];
pub const SUBNET_COMMANDS: [&str; 4] = [
    "subnet4-list",
    "subnet4-add",
    "subnet4-update",
    "subnet4-del",
];

/// A Kea server's version and commands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// As `version-get` says it (`3.0.4`).
    pub version: String,
    commands: BTreeSet<String>,
}

/// Where a server keeps its host reservations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hosts {
    /// In its configuration (the `reservations` of each subnet): a host command changes the
    /// running server (`operation-target: memory`), `config-write` saves it to the file.
    File,
    /// In a hosts database, where a host command is durable by itself; `identity` tells two
    /// servers that share one database apart from two that do not.
    Database { kind: String, identity: String },
}

impl Offer {
    pub fn new(version: &str, commands: impl IntoIterator<Item = String>) -> Self {
        Self {
            version: version.to_string(),
            commands: commands.into_iter().collect(),
        }
    }

    pub fn has(&self, command: &str) -> bool {
        self.commands.contains(command)
    }

    fn has_all(&self, commands: &[&str]) -> bool {
        commands.iter().all(|c| self.has(c))
    }

    /// Reservations are written with `reservation-add` / `-update` / `-del`.
    pub fn host_commands(&self) -> bool {
        self.has_all(&RESERVATION_COMMANDS)
    }

    /// Scopes are written with `subnet4-add` / `-update` / `-del`.
    pub fn subnet_commands(&self) -> bool {
        self.has_all(&SUBNET_COMMANDS)
    }

    /// The server can say, cheaply, whether its configuration changed.
    pub fn config_hash(&self) -> bool {
        self.has("config-hash-get")
    }

    /// The write method in an administrator's words, as Server Properties shows it.
    pub fn describe(&self, hosts: &Hosts) -> String {
        let mut parts = Vec::new();
        match (self.host_commands(), hosts) {
            (true, Hosts::File) => parts.push(
                "reservations by reservation-add/update/del in memory, then config-write"
                    .to_string(),
            ),
            (true, Hosts::Database { kind, .. }) => parts.push(format!(
                "reservations by reservation-add/update/del in its {kind} hosts database"
            )),
            (false, _) => {}
        }
        if self.subnet_commands() {
            parts.push("scopes by subnet4-add/update/del, then config-write".into());
        }
        if self.has("class-add") {
            parts.push("client classes by class-add/update/del, then config-write".into());
        }
        if parts.is_empty() {
            parts.push(
                "config-set for every change, one partner at a time (each waits until its HA \
                 service is back in its normal state)"
                    .into(),
            );
        } else {
            parts.push("config-set only for the HA relationship, one partner at a time".into());
        }
        let drift = if self.config_hash() {
            "drift by config-hash-get"
        } else {
            "drift by reading the whole configuration"
        };
        format!("Kea {}: {}; {drift}", self.version, parts.join("; "))
    }
}

impl Hosts {
    /// Where the configuration (`Dhcp4`) says the host reservations are.
    pub fn of(config: &Value) -> Self {
        let database = config
            .get("hosts-database")
            .or_else(|| {
                config
                    .get("hosts-databases")
                    .and_then(Value::as_array)
                    .and_then(|list| list.first())
            })
            .filter(|db| !db.get("readonly").and_then(Value::as_bool).unwrap_or(false));
        match database {
            Some(db) => {
                let field = |key: &str| {
                    db.get(key)
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .unwrap_or_default()
                };
                let kind = field("type");
                // Never the password: what tells one database from another.
                let identity = format!(
                    "{kind}://{}:{}/{}",
                    field("host"),
                    field("port"),
                    field("name")
                );
                Self::Database { kind, identity }
            }
            None => Self::File,
        }
    }

    /// The `operation-target` of a host command that changes a reservation.
    pub fn target(&self) -> &'static str {
        match self {
            Self::File => "memory",
            Self::Database { .. } => "database",
        }
    }
}

/// When each server was asked, and what it said, by control URL.
type Offers = HashMap<String, (Instant, Arc<Offer>)>;

static OFFERS: LazyLock<Mutex<Offers>> = LazyLock::new(Default::default);

/// The offer of the server at `url` as last asked, if still fresh.
pub fn remembered(url: &str) -> Option<Arc<Offer>> {
    let offers = OFFERS.lock().expect("offers");
    offers
        .get(url)
        .filter(|(at, _)| at.elapsed() < FRESH_FOR)
        .map(|(_, offer)| offer.clone())
}

pub fn remember(url: &str, offer: Arc<Offer>) {
    OFFERS
        .lock()
        .expect("offers")
        .insert(url.to_string(), (Instant::now(), offer));
}

/// Forgets what the server at `url` offers (it refused a command it listed).
pub fn forget(url: &str) {
    OFFERS.lock().expect("offers").remove(url);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_write_method_follows_the_commands_offered() {
        let kea3 = Offer::new(
            "3.0.4",
            RESERVATION_COMMANDS
                .iter()
                .chain(&SUBNET_COMMANDS)
                .chain(&["config-hash-get"])
                .map(|c| c.to_string()),
        );
        assert!(kea3.host_commands() && kea3.subnet_commands() && kea3.config_hash());
        let text = kea3.describe(&Hosts::File);
        assert!(
            text.starts_with("Kea 3.0.4: reservations by reservation-add"),
            "{text}"
        );
        assert!(text.contains("config-write"), "{text}");
        let kea22 = Offer::new(
            "2.2.0",
            ["config-set".to_string(), "config-get".to_string()],
        );
        assert!(!kea22.host_commands() && !kea22.subnet_commands());
        assert!(
            kea22
                .describe(&Hosts::File)
                .contains("one partner at a time")
        );
        // One command missing is no host commands at all.
        let partial = Offer::new("2.6.0", ["reservation-add".to_string()]);
        assert!(!partial.host_commands());
    }

    #[test]
    fn a_hosts_database_is_told_apart_by_where_it_is_never_by_its_password() {
        let db = json!({ "hosts-database": { "type": "postgresql", "name": "kea", "host": "127.0.0.1",
            "port": 5432, "user": "kea", "password": "secret" } });
        let hosts = Hosts::of(&db);
        assert_eq!(
            hosts,
            Hosts::Database {
                kind: "postgresql".into(),
                identity: "postgresql://127.0.0.1:5432/kea".into()
            }
        );
        assert_eq!(hosts.target(), "database");
        assert_eq!(Hosts::of(&json!({})), Hosts::File);
        let read_only =
            json!({ "hosts-databases": [ { "type": "postgresql", "readonly": true } ] });
        assert_eq!(Hosts::of(&read_only), Hosts::File);
    }
}
