//! Failover relationships: two servers sharing a set of scopes.

use super::{ScopeId, ServerName};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A percentage, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Percent(u8);

impl Percent {
    pub fn new(value: u8) -> Result<Self, String> {
        if value > 100 {
            return Err(format!("{value} is not a percentage from 0 to 100"));
        }
        Ok(Self(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Percent {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        Self::new(v)
    }
}

impl From<Percent> for u8 {
    fn from(p: Percent) -> u8 {
        p.0
    }
}

/// The primary's role in hot standby.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ServerRole {
    Active,
    Standby,
}

/// How the two servers share the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "mode", try_from = "crate::wire::FailoverModeWire")]
pub enum FailoverMode {
    LoadBalance {
        load_balance_percent: Percent,
    },
    HotStandby {
        server_role: ServerRole,
        reserve_percent: Percent,
    },
}

impl FailoverMode {
    pub fn name(&self) -> &'static str {
        match self {
            Self::LoadBalance { .. } => "LoadBalance",
            Self::HotStandby { .. } => "HotStandby",
        }
    }
}

/// The fields a relationship's mode adds to it, as the API describes them: `mode`, then
/// `load_balance_percent` (LoadBalance) or `server_role` and `reserve_percent` (HotStandby).
/// Only the description uses it: one flat object, which every client generator reads (an
/// `allOf` holding a `oneOf` is beyond some).
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct FailoverModeFields {
    mode: FailoverModeName,
    /// LoadBalance: the primary's share of the pool, 0 to 100.
    #[schema(minimum = 0, maximum = 100, nullable = false)]
    load_balance_percent: Option<u8>,
    /// HotStandby: the primary's role.
    #[schema(nullable = false)]
    server_role: Option<ServerRole>,
    /// HotStandby: the addresses kept for the standby server, 0 to 100.
    #[schema(minimum = 0, maximum = 100, nullable = false)]
    reserve_percent: Option<u8>,
}

/// How the two servers share the work.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum FailoverModeName {
    LoadBalance,
    HotStandby,
}

/// A server's failover state (the Windows state machine, after draft-ietf-dhc-failover-12).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FailoverState {
    Normal,
    CommunicationInterrupted,
    PartnerDown,
    Recover,
    RecoverWait,
    RecoverDone,
    PotentialConflict,
    Startup,
    #[default]
    Init,
}

impl fmt::Display for FailoverState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A failover relationship as a server reports it. The shared secret is write-only and so
/// is not part of this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "crate::wire::FailoverRelationshipWire")]
pub struct FailoverRelationship {
    pub name: String,
    pub primary_server: ServerName,
    pub secondary_server: ServerName,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = FailoverModeFields))]
    pub mode: FailoverMode,
    /// Maximum client lead time, seconds (default one hour).
    pub max_client_lead_time_secs: u32,
    pub auto_state_transition: bool,
    pub state_switch_interval_secs: Option<u32>,
    pub enable_auth: bool,
    pub scopes: Vec<ScopeId>,
}

impl FailoverRelationship {
    /// A relationship with Windows' defaults: LoadBalance 50 %, MCLT one hour, no automatic
    /// transition, no message authentication.
    pub fn with_defaults(
        name: String,
        primary_server: ServerName,
        secondary_server: ServerName,
        scopes: Vec<ScopeId>,
    ) -> Self {
        Self {
            name,
            primary_server,
            secondary_server,
            mode: FailoverMode::LoadBalance {
                load_balance_percent: Percent::new(50).expect("50 is a percentage"),
            },
            max_client_lead_time_secs: 3600,
            auto_state_transition: false,
            state_switch_interval_secs: None,
            enable_auth: false,
            scopes,
        }
    }

    /// The server on the other side of `server`, if `server` is one of the two.
    pub fn partner_of(&self, server: &ServerName) -> Option<&ServerName> {
        if &self.primary_server == server {
            Some(&self.secondary_server)
        } else if &self.secondary_server == server {
            Some(&self.primary_server)
        } else {
            None
        }
    }

    pub fn has_scope(&self, scope: ScopeId) -> bool {
        self.scopes.contains(&scope)
    }

    /// The version of what a change of the relationship's settings changes (its mode and
    /// percentage, MCLT, state switching, authentication): a scope put in or taken out of it
    /// meanwhile does not make an edit stale. The REST API's `ETag`, sent back as `If-Match`.
    pub fn version(&self) -> String {
        use std::fmt::Write;
        let mut hash = super::scope::Fnv::default();
        let _ = write!(
            hash,
            "{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}",
            self.name,
            self.primary_server,
            self.secondary_server,
            self.mode,
            self.max_client_lead_time_secs,
            self.auto_state_transition,
            self.state_switch_interval_secs,
            self.enable_auth,
        );
        hash.hex()
    }
}

/// A relationship as one server reports it, with that server's own failover state.
/// `raw_state` is the server's own word for it (Kea's `load-balancing`, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailoverReport {
    #[serde(flatten)]
    pub relationship: FailoverRelationship,
    pub state: FailoverState,
    pub raw_state: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> FailoverRelationship {
        FailoverRelationship::with_defaults(
            "a-b".into(),
            ServerName::parse("a.example").unwrap(),
            ServerName::parse("b.example").unwrap(),
            vec![],
        )
    }

    #[test]
    fn a_relationships_version_follows_its_settings_not_its_scopes() {
        let r = pair();
        let mut more_scopes = r.clone();
        more_scopes.scopes.push(ScopeId::parse("10.0.0.0").unwrap());
        assert_eq!(r.version(), more_scopes.version());
        let mut longer_mclt = r.clone();
        longer_mclt.max_client_lead_time_secs = 7200;
        assert_ne!(r.version(), longer_mclt.version());
        let mut standby = r.clone();
        standby.mode = FailoverMode::HotStandby {
            server_role: ServerRole::Active,
            reserve_percent: Percent::new(5).unwrap(),
        };
        assert_ne!(r.version(), standby.version());
        let mut switching = r.clone();
        switching.state_switch_interval_secs = Some(60);
        assert_ne!(r.version(), switching.version());
        assert_eq!(r.version().len(), 16);
    }
}
