//! A failover relationship and Kea's HA hook, each way. Kea 2.2 has one HA relationship per
//! server and it serves every subnet: `load-balancing` (always 50/50) or `hot-standby`. The
//! peers are named by their Tandem server names and reached at their control agents' URLs;
//! Tandem's automatic transition is the peers' `auto-failover`. What the hook has no field for
//! (the relationship's name, which server Tandem calls primary, MCLT, the switchover
//! interval) is kept in the server's global `user-context`, under `tandem`.

use serde_json::{Map, Value, json};
use tandem_core::{FailoverMode, FailoverRelationship, Percent, ScopeId, ServerName, ServerRole};

const HA_LIBRARY: &str = "libdhcp_ha.so";
/// How long a server's HA service may take to serve again after a `config-set`, beyond a few
/// heartbeats (waiting, a lease sync, ready).
const SETTLE_SLACK_MS: u64 = 10_000;

/// How a Kea version wants its hooks named and its HA peers reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookStyle {
    /// Kea 2.x: hooks by full path; peers reach each other through their control agents.
    Paths,
    /// Kea 3: hooks by file name only (its hooks directory is the only one it loads from);
    /// peers reach each other through kea-dhcp4's own HTTP control socket, unless their
    /// configuration gives them HA listeners of their own.
    Names,
}

impl HookStyle {
    /// From `version-get`'s text (`3.0.4`, `2.2.0`).
    pub fn for_version(version: &str) -> Self {
        let mut parts = version.split(|c: char| !c.is_ascii_digit());
        let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        // Path restrictions on hooks came with 2.7.x, the HTTP control socket with 2.7.2.
        if major >= 3 || (major == 2 && minor >= 7) {
            Self::Names
        } else {
            Self::Paths
        }
    }
}

/// Where the two peers of a relationship are reached, from this server's side.
pub struct PeerUrls<'a> {
    mine: &'a str,
    partner: &'a str,
}

impl<'a> PeerUrls<'a> {
    pub fn new(mine: &'a str, partner: &'a str) -> Self {
        Self { mine, partner }
    }
}

/// How long to wait for this server's HA service to serve again after a `config-set`: three
/// heartbeats and some slack.
pub fn settle_time(config: &Value) -> std::time::Duration {
    3 * heartbeat(config) + std::time::Duration::from_millis(SETTLE_SLACK_MS)
}

/// The HA hook's `heartbeat-delay` (Kea's default: 10 s).
pub fn heartbeat(config: &Value) -> std::time::Duration {
    let ms = ha(config)
        .and_then(|h| h.get("heartbeat-delay").and_then(Value::as_u64))
        .unwrap_or(10_000);
    std::time::Duration::from_millis(ms)
}
const LEASE_CMDS_LIBRARY: &str = "libdhcp_lease_cmds.so";
/// Where Debian's package puts Kea's hook libraries, when the configuration names none.
const DEFAULT_HOOKS_DIR: &str = "/usr/lib/x86_64-linux-gnu/kea/hooks";

fn hooks(config: &Value) -> Vec<Value> {
    config
        .get("hooks-libraries")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn is_library(hook: &Value, file: &str) -> bool {
    hook.get("library")
        .and_then(Value::as_str)
        .is_some_and(|l| l.ends_with(file))
}

/// The HA hook's one relationship, as configured.
fn ha(config: &Value) -> Option<Value> {
    hooks(config)
        .iter()
        .find(|h| is_library(h, HA_LIBRARY))?
        .get("parameters")?
        .get("high-availability")?
        .as_array()?
        .first()
        .cloned()
}

fn tandem_context(config: &Value) -> Option<&Value> {
    config.get("user-context")?.get("tandem")
}

/// The relationship this server is in, if its HA hook is configured; it holds every subnet.
pub fn relationship_of(config: &Value, scopes: Vec<ScopeId>) -> Option<FailoverRelationship> {
    let ha = ha(config)?;
    let peers = ha.get("peers")?.as_array()?;
    let peer = |roles: &[&str]| {
        peers
            .iter()
            .find(|p| {
                p.get("role")
                    .and_then(Value::as_str)
                    .is_some_and(|r| roles.contains(&r))
            })
            .and_then(|p| p.get("name").and_then(Value::as_str))
            .and_then(|n| ServerName::parse(n).ok())
    };
    let kea_primary = peer(&["primary"])?;
    let kea_secondary = peer(&["secondary", "standby"])?;
    let context = tandem_context(config);
    // Tandem's primary is Kea's unless Tandem wrote otherwise (a hot standby whose Tandem
    // primary is the standby).
    let (primary, secondary) = match context
        .and_then(|c| c.get("primary"))
        .and_then(Value::as_str)
        .and_then(|n| ServerName::parse(n).ok())
    {
        Some(p) if p == kea_secondary => (kea_secondary, kea_primary),
        _ => (kea_primary, kea_secondary),
    };
    let number = |key: &str| {
        context
            .and_then(|c| c.get(key))
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    let mode = match ha.get("mode").and_then(Value::as_str) {
        Some("hot-standby") => FailoverMode::HotStandby {
            server_role: if peers.iter().any(|p| {
                p.get("role").and_then(Value::as_str) == Some("primary")
                    && p.get("name").and_then(Value::as_str) == Some(primary.as_str())
            }) {
                ServerRole::Active
            } else {
                ServerRole::Standby
            },
            reserve_percent: Percent::new(0).expect("0 is a percentage"),
        },
        _ => FailoverMode::LoadBalance {
            load_balance_percent: Percent::new(50).expect("50 is a percentage"),
        },
    };
    let name = context
        .and_then(|c| c.get("relationship"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{primary}-{secondary}"));
    let mut r = FailoverRelationship::with_defaults(name, primary, secondary, scopes);
    r.mode = mode;
    r.auto_state_transition = peers
        .iter()
        .all(|p| p.get("auto-failover").and_then(Value::as_bool) != Some(false));
    if let Some(mclt) = number("mclt") {
        r.max_client_lead_time_secs = mclt;
    }
    r.state_switch_interval_secs = number("state-switch-interval");
    Some(r)
}

/// The name this server goes by in its HA configuration, if it has one.
pub fn this_server_name(config: &Value) -> Option<String> {
    ha(config)?
        .get("this-server-name")?
        .as_str()
        .map(str::to_string)
}

/// The control-agent URL the configuration gives `peer`, if any.
pub fn peer_url(config: &Value, peer: &ServerName) -> Option<String> {
    ha(config)?
        .get("peers")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(peer.as_str()))?
        .get("url")?
        .as_str()
        .map(str::to_string)
}

/// Writes `r` into the configuration of `me` (the peers reached at `urls`): the HA hook (with
/// the lease commands it needs) and Tandem's context. The hook's timing and multi-threading
/// parameters already there are kept.
pub fn set_relationship(
    config: &mut Value,
    me: &ServerName,
    urls: &PeerUrls,
    r: &FailoverRelationship,
    style: HookStyle,
) {
    let (my_url, partner_url) = (urls.mine, urls.partner);
    let mut hooks = hooks(config);
    // Libraries are named as the configuration already names them, else as the version wants.
    let named: Vec<&str> = hooks
        .iter()
        .filter_map(|h| h.get("library").and_then(Value::as_str))
        .collect();
    let dir = match named
        .iter()
        .find_map(|l| l.rsplit_once('/').map(|(dir, _)| dir))
    {
        Some(dir) => Some(dir.to_string()),
        None if !named.is_empty() || style == HookStyle::Names => None,
        None => Some(DEFAULT_HOOKS_DIR.to_string()),
    };
    let library = |file: &str| match &dir {
        Some(dir) => format!("{dir}/{file}"),
        None => file.to_string(),
    };
    let old = ha(config).unwrap_or_else(|| json!({}));
    hooks.retain(|h| !is_library(h, HA_LIBRARY));
    if !hooks.iter().any(|h| is_library(h, LEASE_CMDS_LIBRARY)) {
        hooks.push(json!({ "library": library(LEASE_CMDS_LIBRARY) }));
    }
    let partner = r
        .partner_of(me)
        .expect("the relationship has this server in it");
    let (mode, kea_primary) = match &r.mode {
        FailoverMode::LoadBalance { .. } => ("load-balancing", &r.primary_server),
        FailoverMode::HotStandby { server_role, .. } => (
            "hot-standby",
            if *server_role == ServerRole::Active {
                &r.primary_server
            } else {
                &r.secondary_server
            },
        ),
    };
    let other_role = if mode == "hot-standby" {
        "standby"
    } else {
        "secondary"
    };
    let url_of = |name: &ServerName| if name == me { my_url } else { partner_url };
    let kea_secondary = if kea_primary == me { partner } else { me };
    // A patch of the entry the server has: every key Tandem does not set (`sync-timeout`,
    // `send-lease-updates`, `state-machine`, TLS files…) stays as it is.
    let new_relationship = old.as_object().is_none_or(Map::is_empty);
    let mut entry = old.as_object().cloned().unwrap_or_default();
    if entry
        .get("mode")
        .and_then(Value::as_str)
        .is_some_and(|m| m != mode)
    {
        // What one mode takes and another refuses, as Kea's HA parser has it: the limit of
        // delayed updates (load-balancing's default 100, which hot-standby refuses) goes back
        // to the new mode's default, and a hot-standby pair never waits for a backup's ack.
        entry.remove("delayed-updates-limit");
        if mode == "hot-standby" {
            entry.insert("wait-backup-ack".into(), json!(false));
        }
    }
    entry.insert("this-server-name".into(), json!(me.as_str()));
    entry.insert("mode".into(), json!(mode));
    for (key, default) in [
        ("heartbeat-delay", 10_000),
        ("max-response-delay", 60_000),
        ("max-ack-delay", 10_000),
        ("max-unacked-clients", 10),
    ] {
        entry.entry(key).or_insert_with(|| json!(default));
    }
    // A new relationship on Kea 3: the peers talk through the control sockets Tandem
    // reaches them at (a listener of their own would need a port of its own).
    if new_relationship && style == HookStyle::Names {
        entry.insert(
            "multi-threading".into(),
            json!({ "enable-multi-threading": true, "http-dedicated-listener": false }),
        );
    }
    // What a peer entry holds beyond these (its basic-auth-user and password for the
    // partner's control channel, TLS files) is kept.
    let peer = |name: &ServerName, role: &str| {
        let mut p = old
            .get("peers")
            .and_then(Value::as_array)
            .and_then(|peers| {
                peers
                    .iter()
                    .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()))
            })
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        p.insert("name".into(), json!(name.as_str()));
        p.insert("url".into(), json!(url_of(name)));
        p.insert("role".into(), json!(role));
        p.insert("auto-failover".into(), json!(r.auto_state_transition));
        Value::Object(p)
    };
    entry.insert(
        "peers".into(),
        json!([
            peer(kea_primary, "primary"),
            peer(kea_secondary, other_role)
        ]),
    );
    hooks.push(json!({
        "library": library(HA_LIBRARY),
        "parameters": { "high-availability": [ Value::Object(entry) ] },
    }));
    config["hooks-libraries"] = Value::Array(hooks);
    let mut context = json!({
        "relationship": r.name,
        "primary": r.primary_server.as_str(),
        "mclt": r.max_client_lead_time_secs,
    });
    if let Some(interval) = r.state_switch_interval_secs {
        context["state-switch-interval"] = json!(interval);
    }
    if !config.get("user-context").is_some_and(Value::is_object) {
        config["user-context"] = json!({});
    }
    config["user-context"]["tandem"] = context;
}

/// Takes the HA hook and Tandem's context out of the configuration (the lease commands stay).
pub fn remove_relationship(config: &mut Value) {
    let mut hooks = hooks(config);
    hooks.retain(|h| !is_library(h, HA_LIBRARY));
    config["hooks-libraries"] = Value::Array(hooks);
    if let Some(context) = config
        .get_mut("user-context")
        .and_then(Value::as_object_mut)
    {
        context.remove("tandem");
        if context.is_empty() {
            config
                .as_object_mut()
                .expect("Dhcp4 is an object")
                .remove("user-context");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> ServerName {
        ServerName::parse(n).unwrap()
    }

    #[test]
    fn a_relationship_written_reads_back_the_same_from_either_side() {
        let (a, b) = (name("kea1.example"), name("kea2.example"));
        for mode in [
            FailoverMode::LoadBalance {
                load_balance_percent: Percent::new(50).unwrap(),
            },
            FailoverMode::HotStandby {
                server_role: ServerRole::Active,
                reserve_percent: Percent::new(0).unwrap(),
            },
            FailoverMode::HotStandby {
                server_role: ServerRole::Standby,
                reserve_percent: Percent::new(0).unwrap(),
            },
        ] {
            let mut r =
                FailoverRelationship::with_defaults("pair".into(), a.clone(), b.clone(), vec![]);
            r.mode = mode;
            r.auto_state_transition = false;
            r.max_client_lead_time_secs = 600;
            r.state_switch_interval_secs = Some(120);
            for (me, url, other) in [
                (&a, "http://a/", "http://b/"),
                (&b, "http://b/", "http://a/"),
            ] {
                let mut config =
                    json!({ "hooks-libraries": [ { "library": "/x/libdhcp_lease_cmds.so" } ] });
                set_relationship(
                    &mut config,
                    me,
                    &PeerUrls::new(url, other),
                    &r,
                    HookStyle::Paths,
                );
                assert_eq!(
                    relationship_of(&config, vec![]),
                    Some(r.clone()),
                    "{config}"
                );
                assert_eq!(peer_url(&config, &a).as_deref(), Some("http://a/"));
                let libraries: Vec<&str> = config["hooks-libraries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h["library"].as_str().unwrap())
                    .collect();
                assert_eq!(libraries, ["/x/libdhcp_lease_cmds.so", "/x/libdhcp_ha.so"]);
                remove_relationship(&mut config);
                assert_eq!(relationship_of(&config, vec![]), None);
                assert!(config.get("user-context").is_none(), "{config}");
            }
        }
    }

    /// A change of the relationship is a patch of the HA entry the server has: what Tandem
    /// does not set (an operator's `sync-timeout`, `send-lease-updates`, `state-machine`, a
    /// peer's TLS files, no multi-threading block at all) stays exactly as it was.
    #[test]
    fn a_relationship_change_keeps_every_ha_setting_it_does_not_set() {
        let a = name("kea1.example");
        let entry = json!({
            "this-server-name": "kea1.example", "mode": "load-balancing",
            "heartbeat-delay": 1000, "max-response-delay": 5000, "max-ack-delay": 5000,
            "max-unacked-clients": 0, "sync-timeout": 120000, "send-lease-updates": false,
            "delayed-updates-limit": 0,
            "state-machine": { "states": [ { "state": "waiting", "pausing": "once" } ] },
            "peers": [
                { "name": "kea1.example", "url": "https://a:8004/", "role": "primary",
                  "cert-file": "/etc/kea/a.pem", "auto-failover": true },
                { "name": "kea2.example", "url": "https://b:8004/", "role": "secondary",
                  "cert-file": "/etc/kea/b.pem", "auto-failover": true }
            ]
        });
        let mut config = json!({ "hooks-libraries": [
            { "library": "libdhcp_lease_cmds.so" },
            { "library": "libdhcp_ha.so", "parameters": { "high-availability": [ entry.clone() ] } }
        ] });
        let mut r = relationship_of(&config, vec![]).unwrap();
        r.max_client_lead_time_secs = 1800;
        r.auto_state_transition = false;
        set_relationship(
            &mut config,
            &a,
            &PeerUrls::new("https://a:8004/", "https://b:8004/"),
            &r,
            HookStyle::Names,
        );
        let mut expected = entry;
        for peer in expected["peers"].as_array_mut().unwrap() {
            peer["auto-failover"] = json!(false);
        }
        assert_eq!(ha(&config).unwrap(), expected, "{config}");
        assert_eq!(relationship_of(&config, vec![]), Some(r.clone()));
        // To hot standby: what that mode refuses goes (Kea's load-balancing default of
        // delayed updates; waiting for a backup's ack), the rest stays.
        let mut config = json!({ "hooks-libraries": [ { "library": "libdhcp_ha.so",
            "parameters": { "high-availability": [ expected.clone() ] } } ] });
        config["hooks-libraries"][0]["parameters"]["high-availability"][0]["delayed-updates-limit"] =
            json!(100);
        config["hooks-libraries"][0]["parameters"]["high-availability"][0]["wait-backup-ack"] =
            json!(true);
        r.mode = FailoverMode::HotStandby {
            server_role: ServerRole::Active,
            reserve_percent: Percent::new(0).unwrap(),
        };
        set_relationship(
            &mut config,
            &a,
            &PeerUrls::new("https://a:8004/", "https://b:8004/"),
            &r,
            HookStyle::Names,
        );
        let standby = ha(&config).unwrap();
        assert_eq!(standby["mode"], "hot-standby");
        assert!(standby.get("delayed-updates-limit").is_none(), "{standby}");
        assert_eq!(standby["wait-backup-ack"], false);
        assert_eq!(standby["sync-timeout"], 120000);
        assert_eq!(standby["state-machine"], expected["state-machine"]);
    }
}
