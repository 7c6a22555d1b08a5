//! Who may do what: IPAM's roles, optionally narrowed to a set of servers (IPAM's access
//! scopes). Every operation of the services asks [`Principal::require`] before it touches
//! anything; the UI only hides what a role cannot do.

use crate::ServerName;
use serde::{Deserialize, Serialize};
use std::fmt;

/// IPAM's roles for DHCP, most powerful first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Everything, users included.
    Administrator,
    /// Servers, scopes, reservations, failover relationships, replication.
    DhcpAdministrator,
    /// Scopes and their reservations.
    DhcpScopeAdministrator,
    /// Reservations only.
    DhcpReservationsAdministrator,
    /// Read-only.
    User,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Administrator,
        Self::DhcpAdministrator,
        Self::DhcpScopeAdministrator,
        Self::DhcpReservationsAdministrator,
        Self::User,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "Administrator",
            Self::DhcpAdministrator => "DhcpAdministrator",
            Self::DhcpScopeAdministrator => "DhcpScopeAdministrator",
            Self::DhcpReservationsAdministrator => "DhcpReservationsAdministrator",
            Self::User => "User",
        }
    }

    /// The name IPAM shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Administrator => "Administrator",
            Self::DhcpAdministrator => "DHCP Administrator",
            Self::DhcpScopeAdministrator => "DHCP Scope Administrator",
            Self::DhcpReservationsAdministrator => "DHCP Reservations Administrator",
            Self::User => "User (read-only)",
        }
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| {
                r.as_str().eq_ignore_ascii_case(input.trim())
                    || r.label().eq_ignore_ascii_case(input.trim())
            })
            .ok_or_else(|| {
                format!(
                    "'{input}' is not a role: {}",
                    Self::ALL.map(Role::as_str).join(", ")
                )
            })
    }

    /// Whether this role grants `permission` (before any narrowing to servers).
    pub fn grants(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Administrator => true,
            Self::DhcpAdministrator => !matches!(permission, ManageUsers),
            Self::DhcpScopeAdministrator => matches!(
                permission,
                View | EditScopes | EditReservations | ReplicateScope | ClearSyncError
            ),
            Self::DhcpReservationsAdministrator => matches!(permission, View | EditReservations),
            Self::User => matches!(permission, View),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Read any view, the Event Catalog included.
    View,
    /// Create, edit and delete reservations.
    EditReservations,
    /// Create, edit and delete scopes.
    EditScopes,
    /// Replicate chosen scopes to the partner.
    ReplicateScope,
    /// Clear a scope's Failover Config Sync Status.
    ClearSyncError,
    /// Add and remove managed servers; server-level replication.
    ManageServers,
    /// Create, edit, delete and replicate failover relationships; Partner Down.
    ManageRelationships,
    /// Users and roles.
    ManageUsers,
}

impl Permission {
    pub const ALL: [Permission; 8] = [
        Self::View,
        Self::EditReservations,
        Self::EditScopes,
        Self::ReplicateScope,
        Self::ClearSyncError,
        Self::ManageServers,
        Self::ManageRelationships,
        Self::ManageUsers,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::EditReservations => "change reservations",
            Self::EditScopes => "change scopes",
            Self::ReplicateScope => "replicate scopes",
            Self::ClearSyncError => "clear config sync errors",
            Self::ManageServers => "manage servers",
            Self::ManageRelationships => "manage failover relationships",
            Self::ManageUsers => "manage users and roles",
        }
    }
}

/// A signed-in user as the services see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// IPAM's access scope: the servers this user may act on; `None` means every server.
    pub servers: Option<Vec<ServerName>>,
}

/// Why a call was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denied(pub String);

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Principal {
    /// Whether this user may see or act on `server` at all.
    pub fn reaches(&self, server: &ServerName) -> bool {
        self.servers
            .as_ref()
            .is_none_or(|list| list.contains(server))
    }

    /// Refuses unless the role grants `permission` and, when a server is named, the user's
    /// access scope includes it.
    pub fn require(
        &self,
        permission: Permission,
        server: Option<&ServerName>,
    ) -> Result<(), Denied> {
        if !self.role.grants(permission) {
            return Err(Denied(format!(
                "{} ({}) may not {}",
                self.username,
                self.role.label(),
                permission.describe()
            )));
        }
        if let Some(server) = server.filter(|s| !self.reaches(s)) {
            return Err(Denied(format!(
                "{} may not act on {server}: it is outside their access scope",
                self.username
            )));
        }
        Ok(())
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.role.grants(permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    fn user(role: Role, servers: Option<Vec<&str>>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            role,
            servers: servers.map(|s| {
                s.into_iter()
                    .map(|n| ServerName::parse(n).unwrap())
                    .collect()
            }),
        }
    }

    #[test]
    fn the_role_matrix_is_ipams() {
        let expect = |role: Role, allowed: &[Permission]| {
            for p in Permission::ALL {
                assert_eq!(role.grants(p), allowed.contains(&p), "{role:?} {p:?}");
            }
        };
        expect(Role::Administrator, &Permission::ALL);
        expect(
            Role::DhcpAdministrator,
            &[
                View,
                EditReservations,
                EditScopes,
                ReplicateScope,
                ClearSyncError,
                ManageServers,
                ManageRelationships,
            ],
        );
        expect(
            Role::DhcpScopeAdministrator,
            &[
                View,
                EditReservations,
                EditScopes,
                ReplicateScope,
                ClearSyncError,
            ],
        );
        expect(
            Role::DhcpReservationsAdministrator,
            &[View, EditReservations],
        );
        expect(Role::User, &[View]);
    }

    #[test]
    fn an_access_scope_narrows_a_role_to_its_servers() {
        let dhcp1 = ServerName::parse("dhcp1.contoso.com").unwrap();
        let dc1 = ServerName::parse("dc1.contoso.com").unwrap();
        let narrowed = user(Role::DhcpAdministrator, Some(vec!["dhcp1.contoso.com"]));
        assert!(narrowed.require(EditReservations, Some(&dhcp1)).is_ok());
        assert!(
            narrowed
                .require(EditReservations, Some(&dc1))
                .unwrap_err()
                .0
                .contains("access scope")
        );
        let everywhere = user(Role::DhcpReservationsAdministrator, None);
        assert!(everywhere.require(EditReservations, Some(&dc1)).is_ok());
        assert!(
            everywhere
                .require(ReplicateScope, Some(&dc1))
                .unwrap_err()
                .0
                .contains("may not replicate scopes")
        );
    }

    #[test]
    fn roles_parse_by_name_or_label() {
        assert_eq!(
            Role::parse("DHCP Scope Administrator").unwrap(),
            Role::DhcpScopeAdministrator
        );
        assert_eq!(Role::parse("user").unwrap(), Role::User);
        assert!(Role::parse("root").is_err());
    }
}
