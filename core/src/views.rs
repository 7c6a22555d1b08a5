//! What the portal's views show: rows assembled by the services from the servers' answers.
//! Shared by the server functions and the components.

use crate::drift::DriftStatus;
use crate::{IpRange, Reservation, ScopeId, ScopeState, ServerName};
use serde::{Deserialize, Serialize};

/// One scope on one server, as the DHCP Scopes view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeRow {
    pub server: ServerName,
    pub scope_id: ScopeId,
    pub name: String,
    pub range: IpRange,
    pub subnet_mask: String,
    pub state: ScopeState,
    pub reservations: usize,
    /// Failover Relationship Name; `None` when the scope is not in failover.
    pub relationship: Option<String>,
    pub partner: Option<ServerName>,
    /// Failover Config Sync Status: `None` (shown blank) means no problem.
    pub sync_error: Option<String>,
    /// Drift between this copy and the partner's; `None` when not in failover.
    pub drift: Option<DriftStatus>,
}

/// A server the scopes view could not read, named with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreachableServer {
    pub server: ServerName,
    pub reason: String,
}

/// The DHCP Scopes view: every scope on every reachable server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopesView {
    pub rows: Vec<ScopeRow>,
    pub unreachable: Vec<UnreachableServer>,
}

/// The Reservations view of one scope on one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationsView {
    pub row: ScopeRow,
    pub reservations: Vec<Reservation>,
}

/// What became of a change on the partner of a failover scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome")]
pub enum ReplicationOutcome {
    /// The scope is not in failover: there is no partner to apply it to.
    NotInFailover,
    /// Applied on the partner too.
    Replicated { partner: ServerName },
    /// Applied where it was made, but not on the partner: the scope's Failover Config Sync
    /// Status now shows `error`.
    Failed { partner: ServerName, error: String },
}

impl ReplicationOutcome {
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failed { .. })
    }
}

/// What a change made through Tandem did: applied where it was made, and then this on the
/// partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeOutcome {
    pub server: ServerName,
    pub replication: ReplicationOutcome,
}

/// What a manual replication of one scope did on the partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeReplication {
    pub scope_id: ScopeId,
    pub source: ServerName,
    pub partner: ServerName,
    /// What the partner's copy had that is now overwritten; empty when it already agreed.
    pub changes: Vec<crate::drift::Difference>,
}

/// One row of the Event Catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub server: Option<String>,
    pub object: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// `ok`, `pending` (the change was under way), or why it failed.
    pub outcome: String,
    pub replication: Option<String>,
}

/// Sent to every open page when something changed, so that it refreshes without a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNotice {
    /// `reservation`, `scope`, `sync_error`, `user`…
    pub kind: String,
    pub server: Option<String>,
    pub scope: Option<String>,
}

/// One relationship as the Failover Relationships view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationshipRow {
    pub relationship: crate::FailoverRelationship,
    /// Each server's own state in the relationship, or why it could not be read.
    pub primary_status: ServerStatus,
    pub secondary_status: ServerStatus,
    /// Scopes of the relationship whose Failover Config Sync Status shows an error.
    pub sync_errors: usize,
}

impl RelationshipRow {
    /// The relationship's health in one word: `Normal` when both servers are, otherwise the
    /// state of the server that is not (`Unreachable` when it cannot be read).
    pub fn health(&self) -> String {
        let word = |s: &ServerStatus| match s {
            ServerStatus::State { state, .. } => state.to_string(),
            ServerStatus::Unreachable { .. } => "Unreachable".to_string(),
        };
        let normal = |s: &ServerStatus| {
            matches!(
                s,
                ServerStatus::State {
                    state: crate::FailoverState::Normal,
                    ..
                }
            )
        };
        if !normal(&self.primary_status) {
            word(&self.primary_status)
        } else {
            word(&self.secondary_status)
        }
    }
}

/// A server's failover status in one relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status")]
pub enum ServerStatus {
    State {
        state: crate::FailoverState,
        raw_state: String,
    },
    Unreachable {
        reason: String,
    },
}

/// What a replication did for one scope; one failed scope does not stop the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeResult {
    pub scope_id: ScopeId,
    pub partner: Option<ServerName>,
    /// `Ok(number of differences overwritten)` or the error.
    pub result: Result<usize, String>,
}

/// One managed server, as the DHCP Servers view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRow {
    pub name: ServerName,
    /// `builtin` or `kea`.
    pub kind: String,
    /// `None` when reachable; otherwise why not.
    pub unreachable: Option<String>,
    pub scopes: usize,
    pub failover_scopes: usize,
    pub relationships: usize,
    /// The server can be taken offline and brought back from Tandem.
    pub service_control: bool,
    /// When Tandem last read it (RFC 3339).
    pub collected_at: String,
}

/// The Dashboard: health at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub servers: usize,
    pub unreachable_servers: Vec<UnreachableServer>,
    /// Relationship count by each server's state (a relationship counts once per state seen).
    pub relationships_by_state: Vec<(String, usize)>,
    pub relationships: Vec<RelationshipRow>,
    /// Failover scopes whose copies differ (or could not be compared).
    pub out_of_sync: Vec<ScopeRow>,
    pub sync_errors: Vec<ScopeRow>,
    pub failover_scopes: usize,
}
