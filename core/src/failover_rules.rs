//! The rules Windows DHCP enforces on failover relationships, for the portal to refuse bad
//! input before anything is written, and for the built-in server to refuse it too.

use crate::{
    FailoverMode, FailoverRelationship, FieldErrors, Percent, ScopeId, ServerName, ServerRole,
};
use serde::{Deserialize, Serialize};

/// A server takes part in at most this many relationships.
pub const MAX_RELATIONSHIPS_PER_SERVER: usize = 31;
/// Default maximum client lead time: one hour.
pub const DEFAULT_MCLT_SECS: u32 = 3600;

/// The relationship dialog as typed (numbers as text, so that bad input can be named).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRelationship {
    /// Empty: `<primary>-<partner>`.
    #[serde(default)]
    pub name: String,
    pub primary_server: String,
    pub secondary_server: String,
    /// `LoadBalance` (default) or `HotStandby`.
    #[serde(default)]
    pub mode: String,
    /// LoadBalance: the primary's share, 0–100 (default 50).
    #[serde(default)]
    pub load_balance_percent: String,
    /// HotStandby: the primary's role, `Active` (default) or `Standby`.
    #[serde(default)]
    pub server_role: String,
    /// HotStandby: addresses kept for the standby, 0–100 (default 5).
    #[serde(default)]
    pub reserve_percent: String,
    /// Seconds (default 3600).
    #[serde(default)]
    pub max_client_lead_time_secs: String,
    #[serde(default)]
    pub auto_state_transition: bool,
    /// Seconds; setting it turns auto transition on.
    #[serde(default)]
    pub state_switch_interval_secs: String,
    #[serde(default)]
    pub enable_auth: bool,
    /// Write-only: never returned by any read.
    #[serde(default)]
    pub shared_secret: String,
}

fn number(field: &str, input: &str, default: u32, errors: &mut FieldErrors) -> Option<u32> {
    let t = input.trim();
    if t.is_empty() {
        return Some(default);
    }
    match t.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(field, format!("'{t}' is not a whole number"));
            None
        }
    }
}

fn percent(field: &str, input: &str, default: u8, errors: &mut FieldErrors) -> Option<Percent> {
    let n = number(field, input, u32::from(default), errors)?;
    let checked = u8::try_from(n)
        .map_err(|_| format!("{n} is not a percentage from 0 to 100"))
        .and_then(Percent::new);
    errors.take(field, checked)
}

/// A parsed relationship and its shared secret (kept apart: it is never read back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRelationship {
    pub relationship: FailoverRelationship,
    pub shared_secret: Option<String>,
}

impl NewRelationship {
    /// Parses every field, naming each one that is wrong. The relationship has no scopes yet.
    pub fn parse(&self) -> Result<ParsedRelationship, FieldErrors> {
        let mut errors = FieldErrors::default();
        let primary = errors.take("primary_server", ServerName::parse(&self.primary_server));
        let secondary = errors.take(
            "secondary_server",
            ServerName::parse(&self.secondary_server),
        );
        if primary.is_some() && primary == secondary {
            errors.push(
                "secondary_server",
                "the partner must be another server than the primary",
            );
        }
        let mode = match self.mode.trim().to_ascii_lowercase().as_str() {
            "" | "loadbalance" => percent(
                "load_balance_percent",
                &self.load_balance_percent,
                50,
                &mut errors,
            )
            .map(|p| FailoverMode::LoadBalance {
                load_balance_percent: p,
            }),
            "hotstandby" => {
                let role = match self.server_role.trim().to_ascii_lowercase().as_str() {
                    "" | "active" => Some(ServerRole::Active),
                    "standby" => Some(ServerRole::Standby),
                    other => {
                        errors.push("server_role", format!("'{other}' is not Active or Standby"));
                        None
                    }
                };
                let reserve = percent("reserve_percent", &self.reserve_percent, 5, &mut errors);
                role.zip(reserve)
                    .map(|(server_role, reserve_percent)| FailoverMode::HotStandby {
                        server_role,
                        reserve_percent,
                    })
            }
            other => {
                errors.push(
                    "mode",
                    format!("'{other}' is not LoadBalance or HotStandby"),
                );
                None
            }
        };
        let mclt = number(
            "max_client_lead_time_secs",
            &self.max_client_lead_time_secs,
            DEFAULT_MCLT_SECS,
            &mut errors,
        );
        if mclt == Some(0) {
            errors.push(
                "max_client_lead_time_secs",
                "the MCLT must be at least one second",
            );
        }
        let interval = if self.state_switch_interval_secs.trim().is_empty() {
            None
        } else {
            let n = number(
                "state_switch_interval_secs",
                &self.state_switch_interval_secs,
                0,
                &mut errors,
            );
            if n == Some(0) {
                errors.push(
                    "state_switch_interval_secs",
                    "the state switch interval must be at least one second",
                );
            }
            n
        };
        let secret = self.shared_secret.trim();
        if self.enable_auth && secret.len() < 8 {
            errors.push(
                "shared_secret",
                "message authentication needs a shared secret of at least 8 characters",
            );
        }
        let name = match (self.name.trim(), &primary, &secondary) {
            ("", Some(p), Some(s)) => format!("{p}-{s}"),
            (n, ..) => n.to_string(),
        };
        if name.chars().count() > 126 {
            errors.push("name", "a relationship name is at most 126 characters");
        } else if let Some(why) = crate::text::control_character("a relationship name", &name) {
            errors.push("name", why);
        }
        if name.is_empty() && primary.is_some() && secondary.is_some() {
            errors.push("name", "a relationship needs a name");
        }
        match (primary, secondary, mode, mclt) {
            (Some(primary_server), Some(secondary_server), Some(mode), Some(mclt))
                if errors.is_empty() =>
            {
                Ok(ParsedRelationship {
                    relationship: FailoverRelationship {
                        name,
                        primary_server,
                        secondary_server,
                        mode,
                        max_client_lead_time_secs: mclt,
                        // Setting the interval turns auto transition on.
                        auto_state_transition: self.auto_state_transition || interval.is_some(),
                        state_switch_interval_secs: interval,
                        enable_auth: self.enable_auth,
                        scopes: Vec::new(),
                    },
                    shared_secret: self.enable_auth.then(|| secret.to_string()),
                })
            }
            _ => Err(errors),
        }
    }
}

/// Whether `new` may join the relationships `existing` already held by its two servers: at
/// most 31 relationships per server, and none of its scopes in another one. (`existing` may
/// hold `new` itself, by name, when it is being edited.)
pub fn relationship_fits(
    existing: &[FailoverRelationship],
    new: &FailoverRelationship,
) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    let others: Vec<&FailoverRelationship> =
        existing.iter().filter(|r| r.name != new.name).collect();
    for server in [&new.primary_server, &new.secondary_server] {
        let count = others
            .iter()
            .filter(|r| &r.primary_server == server || &r.secondary_server == server)
            .count();
        if count >= MAX_RELATIONSHIPS_PER_SERVER {
            errors.push(
                "primary_server",
                format!("{server} already takes part in {MAX_RELATIONSHIPS_PER_SERVER} relationships, the most a server may"),
            );
        }
    }
    for scope in &new.scopes {
        if let Some(holder) = others.iter().find(|r| r.has_scope(*scope)) {
            errors.push(
                "scopes",
                format!("scope {scope} is already in relationship {}", holder.name),
            );
        }
    }
    errors.into_result()
}

/// Whether a relationship named `name` exists among `existing` (names are compared case-blind,
/// as Windows does).
pub fn name_taken(existing: &[FailoverRelationship], name: &str) -> bool {
    existing.iter().any(|r| r.name.eq_ignore_ascii_case(name))
}

/// The relationship holding `scope`, if any.
pub fn holder_of(
    existing: &[FailoverRelationship],
    scope: ScopeId,
) -> Option<&FailoverRelationship> {
    existing.iter().find(|r| r.has_scope(scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> NewRelationship {
        NewRelationship {
            primary_server: "dhcp1.contoso.com".into(),
            secondary_server: "dc1.contoso.com".into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_the_seeds() {
        let r = input().parse().unwrap().relationship;
        assert_eq!(r.name, "dhcp1.contoso.com-dc1.contoso.com");
        assert_eq!(
            r.mode,
            FailoverMode::LoadBalance {
                load_balance_percent: Percent::new(50).unwrap()
            }
        );
        assert_eq!(r.max_client_lead_time_secs, 3600);
        assert!(!r.auto_state_transition && !r.enable_auth);
    }

    #[test]
    fn hot_standby_defaults_to_active_with_five_percent() {
        let r = NewRelationship {
            mode: "HotStandby".into(),
            ..input()
        }
        .parse()
        .unwrap()
        .relationship;
        assert_eq!(
            r.mode,
            FailoverMode::HotStandby {
                server_role: ServerRole::Active,
                reserve_percent: Percent::new(5).unwrap()
            }
        );
    }

    #[test]
    fn setting_the_interval_turns_auto_transition_on() {
        let r = NewRelationship {
            state_switch_interval_secs: "90".into(),
            ..input()
        }
        .parse()
        .unwrap()
        .relationship;
        assert!(r.auto_state_transition);
        assert_eq!(r.state_switch_interval_secs, Some(90));
    }

    #[test]
    fn every_bad_field_is_named() {
        let same = NewRelationship {
            secondary_server: "DHCP1.contoso.com".into(),
            ..input()
        }
        .parse()
        .unwrap_err();
        assert!(
            same.get("secondary_server")
                .unwrap()
                .contains("another server")
        );
        let pct = NewRelationship {
            load_balance_percent: "101".into(),
            ..input()
        }
        .parse()
        .unwrap_err();
        assert!(pct.get("load_balance_percent").is_some());
        let reserve = NewRelationship {
            mode: "HotStandby".into(),
            reserve_percent: "-1".into(),
            ..input()
        }
        .parse()
        .unwrap_err();
        assert!(reserve.get("reserve_percent").is_some());
        let mode = NewRelationship {
            mode: "RoundRobin".into(),
            ..input()
        }
        .parse()
        .unwrap_err();
        assert!(mode.get("mode").is_some());
        let auth = NewRelationship {
            enable_auth: true,
            shared_secret: "short".into(),
            ..input()
        }
        .parse()
        .unwrap_err();
        assert!(auth.get("shared_secret").is_some());
        let mclt = NewRelationship {
            max_client_lead_time_secs: "0".into(),
            ..input()
        }
        .parse()
        .unwrap_err();
        assert!(mclt.get("max_client_lead_time_secs").is_some());
    }

    #[test]
    fn the_secret_is_kept_apart_and_only_with_auth() {
        let with = NewRelationship {
            enable_auth: true,
            shared_secret: "s3cret-enough".into(),
            ..input()
        }
        .parse()
        .unwrap();
        assert_eq!(with.shared_secret.as_deref(), Some("s3cret-enough"));
        let without = NewRelationship {
            shared_secret: "ignored-secret".into(),
            ..input()
        }
        .parse()
        .unwrap();
        assert_eq!(without.shared_secret, None);
    }

    #[test]
    fn a_server_takes_part_in_at_most_31_relationships() {
        let base = input().parse().unwrap().relationship;
        let existing: Vec<FailoverRelationship> = (0..31)
            .map(|i| FailoverRelationship {
                name: format!("r{i}"),
                secondary_server: ServerName::parse(&format!("p{i}.contoso.com")).unwrap(),
                ..base.clone()
            })
            .collect();
        let e = relationship_fits(&existing, &base).unwrap_err();
        assert!(e.get("primary_server").unwrap().contains("31"));
        relationship_fits(&existing[..30], &base).unwrap();
    }

    #[test]
    fn a_scope_belongs_to_one_relationship_only() {
        let scope = ScopeId::parse("10.0.0.0").unwrap();
        let mut held = input().parse().unwrap().relationship;
        held.name = "other".into();
        held.scopes = vec![scope];
        let mut new = input().parse().unwrap().relationship;
        new.scopes = vec![scope];
        assert!(
            relationship_fits(&[held.clone()], &new)
                .unwrap_err()
                .get("scopes")
                .unwrap()
                .contains("other")
        );
        assert_eq!(holder_of(&[held], scope).unwrap().name, "other");
    }
}
