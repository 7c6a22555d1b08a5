//! Configuration review, on demand: each server the caller reaches is read (its scopes and its
//! failover relationships) and checked, then each failover pair is checked as a pair. A
//! server that cannot be read is named with the reason, never taken for sound.

use super::{Caller, ServiceError, Tandem};
use crate::store;
use std::collections::{BTreeMap, BTreeSet};
use tandem_core::access::Permission;
use tandem_core::review::{Review, Unreadable, review_pair, review_server};
use tandem_core::{FailoverRelationship, Scope, ServerName};

impl Tandem {
    /// Reviews the configuration of every server the caller reaches, and every pair of them.
    #[tracing::instrument(skip_all, err)]
    pub async fn review(&self, caller: &Caller) -> Result<Review, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        let mut conn = self.store.pool().acquire().await?;
        let servers: Vec<_> = store::servers::list(&mut conn)
            .await?
            .into_iter()
            .filter(|r| caller.principal.reaches(&r.name))
            .collect();
        drop(conn);
        let mut read: BTreeMap<ServerName, (Vec<Scope>, Vec<FailoverRelationship>)> =
            BTreeMap::new();
        let mut unreadable = Vec::new();
        let mut findings = Vec::new();
        for record in servers {
            // From the record listed: no second lookup per server.
            let driver = self.drivers.for_server(&record);
            let name = record.name;
            let (scopes, relationships) =
                futures::join!(driver.scopes_to_check(), driver.relationships());
            match (scopes, relationships) {
                (Ok(scopes), Ok(relationships)) => {
                    findings.extend(review_server(&name, &scopes));
                    read.insert(name, (scopes, relationships));
                }
                (Err(e), _) | (_, Err(e)) => unreadable.push(Unreadable {
                    server: name,
                    reason: e.to_string(),
                }),
            }
        }
        // Each pair once, by relationship name and its two servers, both read.
        let mut seen = BTreeSet::new();
        for (name, (_, relationships)) in &read {
            for r in relationships {
                let Some(partner) = r.partner_of(name) else {
                    continue;
                };
                let mut pair = [name.clone(), partner.clone()];
                pair.sort();
                if !seen.insert((r.name.clone(), pair)) {
                    continue;
                }
                let Some((partner_scopes, partner_relationships)) = read.get(partner) else {
                    continue;
                };
                let (scopes, _) = &read[name];
                let theirs = partner_relationships.iter().find(|p| p.name == r.name);
                findings.extend(review_pair(
                    (name, Some(r), scopes),
                    (partner, theirs, partner_scopes),
                ));
            }
        }
        findings.sort_by(|a, b| {
            (a.severity, &a.server, &a.object, &a.check)
                .cmp(&(b.severity, &b.server, &b.object, &b.check))
        });
        Ok(Review {
            findings,
            unreadable,
        })
    }
}
