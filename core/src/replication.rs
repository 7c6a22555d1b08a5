//! Replication planning: what a partner's copy of a scope becomes, and what that changes.

use crate::drift::{Difference, differences};
use crate::{Scope, ServerName};
use serde::{Deserialize, Serialize};

/// The plan for replicating one scope to a partner: the partner's copy becomes `scope`
/// exactly (properties, exclusions, options, reservations), and `changes` lists what that
/// overwrites. Leases are not part of a scope and so are never touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationPlan {
    pub partner: ServerName,
    pub scope: Scope,
    pub changes: Vec<Difference>,
}

impl ReplicationPlan {
    /// Plans the copy of `source` over `partner_copy` (`None` when the partner lacks it).
    pub fn new(source: &Scope, partner: ServerName, partner_copy: Option<&Scope>) -> Self {
        let mut scope = source.clone();
        scope.sort_reservations();
        let changes = match partner_copy {
            Some(copy) => differences(&scope, copy),
            None => vec![Difference::ScopeMissing {
                on: partner.clone(),
            }],
        };
        Self {
            partner,
            scope,
            changes,
        }
    }

    /// Nothing to write: the partner already holds the same scope.
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::tests::seed_scope;
    use crate::{MacAddress, Reservation, ReservationType};

    fn partner() -> ServerName {
        ServerName::parse("dc1.contoso.com").unwrap()
    }

    #[test]
    fn the_partner_copy_becomes_the_source_and_changes_are_listed() {
        let mut source = seed_scope();
        source.reservations.push(Reservation {
            ip_address: "10.0.0.100".parse().unwrap(),
            client_id: MacAddress::parse("00155DA76602").unwrap().into(),
            name: String::new(),
            description: String::new(),
            kind: ReservationType::Both,
            settings: Default::default(),
        });
        let mut copy = seed_scope();
        copy.reservations[0].name = "renamed on the partner".into();
        copy.reservations.push(Reservation {
            ip_address: "10.0.0.150".parse().unwrap(),
            client_id: MacAddress::parse("001122334455").unwrap().into(),
            name: "partner only".into(),
            description: String::new(),
            kind: ReservationType::Dhcp,
            settings: Default::default(),
        });
        let plan = ReplicationPlan::new(&source, partner(), Some(&copy));
        assert_eq!(plan.scope, source);
        // 10.0.0.99 changed, 10.0.0.100 added, 10.0.0.150 removed.
        assert_eq!(plan.changes.len(), 3, "{:?}", plan.changes);
        assert!(!plan.is_noop());
    }

    #[test]
    fn a_missing_partner_copy_is_created_and_an_equal_one_is_left_alone() {
        let source = seed_scope();
        let plan = ReplicationPlan::new(&source, partner(), None);
        assert!(matches!(
            plan.changes[..],
            [Difference::ScopeMissing { .. }]
        ));
        assert!(ReplicationPlan::new(&source, partner(), Some(&seed_scope())).is_noop());
    }
}
