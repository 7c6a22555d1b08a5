//! Configuration review: every server is read (its scopes, its failover relationships, and
//! what it says of itself: its own scope IDs, the hooks it lacks, its clock) and checked, then
//! each failover pair is checked as a pair. The drift watch runs it when a pass found a change
//! (and at least every few minutes), "Review now" on demand; the last review is kept in the
//! database, so that the page and the Dashboard's count read it rather than every server. A
//! finding can be dismissed for its object by a role that may change that object; a server
//! that cannot be read is named with the reason, never taken for sound.

use super::{Caller, ServiceError, Tandem};
use crate::driver::DhcpDriver;
use crate::store;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tandem_core::access::Permission;
use tandem_core::review::{
    Dismissed, Finding, Review, ServerFacts, Unreadable, dismiss_permission, review_facts,
    review_pair, review_pair_facts, review_server,
};
use tandem_core::{FailoverRelationship, Scope, ServerName};

/// The watch reviews again at least this often, changes or not (clocks and hooks move without
/// any configuration moving).
pub(crate) const REVIEW_EVERY: Duration = Duration::from_secs(300);

/// What one server gave a review.
type Read = (Vec<Scope>, Vec<FailoverRelationship>, ServerFacts);

impl Tandem {
    /// Reviews every managed server and every pair of them, now, and keeps the result; one run
    /// at a time, shared by whoever asks meanwhile.
    pub(crate) async fn review_all(&self) -> Result<Review, ServiceError> {
        let me = self.clone();
        self.flights
            .review
            .join(true, move || async move {
                me.review_read().await.map_err(|e| e.to_string())
            })
            .await
            .map_err(ServiceError::Internal)
    }

    async fn review_read(&self) -> Result<Review, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let servers = store::servers::list(&mut conn).await?;
        drop(conn);
        // First each server's relationships (small): the groups of servers they link. Then
        // each group is read whole and checked, a few groups at a time, so that only those
        // groups' scopes are held at once (a pair's at a time, at 1 000 servers).
        let asks = servers.into_iter().map(|record| {
            // From the record listed: no second lookup per server.
            let driver = self.drivers.for_server(&record);
            async move {
                let relationships = driver.relationships().await.map_err(|e| e.to_string());
                (record.name, driver, relationships)
            }
        });
        let listed: Vec<Listed> =
            futures::StreamExt::collect(futures::StreamExt::buffer_unordered(
                futures::stream::iter(asks),
                super::inventory::READS_IN_FLIGHT,
            ))
            .await;
        let mut groups = linked_groups(listed);
        let mut findings = Vec::new();
        let mut unreadable = Vec::new();
        while !groups.is_empty() {
            let batch: Vec<Vec<Listed>> =
                groups.drain(..groups.len().min(GROUPS_IN_FLIGHT)).collect();
            for (f, u) in futures::future::join_all(batch.into_iter().map(review_group)).await {
                findings.extend(f);
                unreadable.extend(u);
            }
        }
        unreadable.sort_by(|a, b| a.server.cmp(&b.server));
        findings.sort_by(|a, b| {
            (a.severity, &a.server, &a.object, &a.check)
                .cmp(&(b.severity, &b.server, &b.object, &b.check))
        });
        let review = Review {
            findings,
            unreadable,
            dismissed: Vec::new(),
            reviewed_at: Some(store::now()),
        };
        let json =
            serde_json::to_string(&review).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut tx = self.store.begin_write().await?;
        store::review::save(
            &mut tx,
            &json,
            review.reviewed_at.as_deref().unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        self.cache.changed();
        Ok(review)
    }

    /// The watch's part: reviews again when its pass found a change, when there is no review
    /// yet, or when the last one is older than [`REVIEW_EVERY`]. Returns whether it ran.
    pub(crate) async fn review_if_due(&self, changed: bool) -> Result<bool, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let last = store::review::last(&mut conn).await?;
        drop(conn);
        let stale = last.as_ref().is_none_or(|(_, at)| {
            chrono::DateTime::parse_from_rfc3339(at).is_ok_and(|at| {
                chrono::Utc::now().signed_duration_since(at)
                    > chrono::Duration::from_std(REVIEW_EVERY).unwrap_or_default()
            })
        });
        if !(changed || stale) {
            return Ok(false);
        }
        self.review_all().await?;
        self.notify("review", None, None);
        Ok(true)
    }

    /// The last review as the caller may see it (the servers it reaches), dismissed findings
    /// apart; reviewed now when there is none yet.
    #[tracing::instrument(skip_all, err)]
    pub async fn review(&self, caller: &Caller) -> Result<Review, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        let mut conn = self.store.pool().acquire().await?;
        let review = match Self::kept_review(&mut conn).await? {
            Some(review) => review,
            None => {
                drop(conn);
                let review = self.review_all().await?;
                conn = self.store.pool().acquire().await?;
                review
            }
        };
        Self::as_seen_by(&mut conn, caller, review).await
    }

    /// "Review now": every server read and checked again, then [`Self::review`].
    #[tracing::instrument(skip_all, err)]
    pub async fn review_now(&self, caller: &Caller) -> Result<Review, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        let review = self.review_all().await?;
        self.notify("review", None, None);
        let mut conn = self.store.pool().acquire().await?;
        Self::as_seen_by(&mut conn, caller, review).await
    }

    /// The last review kept, if there is one.
    pub(crate) async fn kept_review(
        conn: &mut sqlx::AnyConnection,
    ) -> Result<Option<Review>, ServiceError> {
        store::review::last(conn)
            .await?
            .map(|(json, _)| {
                serde_json::from_str(&json)
                    .map_err(|e| ServiceError::Internal(format!("the kept review: {e}")))
            })
            .transpose()
    }

    /// `review` with only what the caller reaches, and its dismissed findings apart (on the
    /// caller's connection: one holding a connection never waits for a second).
    pub(crate) async fn as_seen_by(
        conn: &mut sqlx::AnyConnection,
        caller: &Caller,
        review: Review,
    ) -> Result<Review, ServiceError> {
        let dismissals = store::review::dismissals(conn).await?;
        let mut out = Review {
            reviewed_at: review.reviewed_at,
            ..Review::default()
        };
        for f in review.findings {
            if !caller.principal.reaches(&f.server) {
                continue;
            }
            match dismissals.get(&f.key()) {
                Some((by, at)) => out.dismissed.push(Dismissed {
                    finding: f,
                    by: by.clone(),
                    at: at.clone(),
                }),
                None => out.findings.push(f),
            }
        }
        out.unreadable = review
            .unreadable
            .into_iter()
            .filter(|u| caller.principal.reaches(&u.server))
            .collect();
        Ok(out)
    }

    /// Dismisses the finding `key` of the last review for its object (`dismiss`), or restores
    /// it; by a role that may change that object, on its server. Recorded as an event.
    #[tracing::instrument(skip_all, err)]
    pub async fn dismiss_finding(
        &self,
        caller: &Caller,
        key: &str,
        dismiss: bool,
    ) -> Result<(), ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let review = Self::kept_review(&mut conn).await?.unwrap_or_default();
        drop(conn);
        let Some(finding) = review.findings.into_iter().find(|f| f.key() == key) else {
            return Err(ServiceError::NotFound(
                "that finding (the last review did not find it)".into(),
            ));
        };
        let action = if dismiss {
            "dismiss_finding"
        } else {
            "restore_finding"
        };
        let what = format!(
            "{} on {} ({})",
            finding.object, finding.server, finding.check
        );
        self.authorize(
            caller,
            dismiss_permission(&finding.check),
            Some(&finding.server),
            action,
            &what,
        )
        .await?;
        let mut tx = self.store.begin_write().await?;
        if dismiss {
            store::review::dismiss(&mut tx, key, caller.name()).await?;
        } else {
            store::review::restore(&mut tx, key).await?;
        }
        let event = self.event(caller, action, "finding", &what, Some(&finding.server));
        store::events::record(&mut tx, &event, "ok", None).await?;
        tx.commit().await?;
        self.cache.changed();
        self.notify("review", Some(&finding.server), None);
        Ok(())
    }
}

/// Groups of servers read and checked together, at once.
const GROUPS_IN_FLIGHT: usize = 8;

/// A server, its driver, and its relationships as it reports them.
type Listed = (
    ServerName,
    Arc<dyn DhcpDriver>,
    Result<Vec<FailoverRelationship>, String>,
);

/// The servers linked by relationships (directly or through others), each group whole; a
/// server in no relationship is a group of its own.
fn linked_groups(listed: Vec<Listed>) -> Vec<Vec<Listed>> {
    let index: BTreeMap<ServerName, usize> = listed
        .iter()
        .enumerate()
        .map(|(i, (name, ..))| (name.clone(), i))
        .collect();
    let mut group: Vec<usize> = (0..listed.len()).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            group[i] = group[group[i]];
            i = group[i];
        }
        i
    }
    for (i, (name, _, relationships)) in listed.iter().enumerate() {
        for r in relationships.iter().flatten() {
            if let Some(j) = r.partner_of(name).and_then(|p| index.get(p)) {
                let (a, b) = (root(&mut group, i), root(&mut group, *j));
                group[a] = b;
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<Listed>> = BTreeMap::new();
    let roots: Vec<usize> = (0..listed.len()).map(|i| root(&mut group, i)).collect();
    for (l, r) in listed.into_iter().zip(roots) {
        by_root.entry(r).or_default().push(l);
    }
    by_root.into_values().collect()
}

/// Reads one group's servers whole and checks each, then each pair in it.
async fn review_group(group: Vec<Listed>) -> (Vec<Finding>, Vec<Unreadable>) {
    let reads = group
        .into_iter()
        .map(|(name, driver, relationships)| async move {
            let read = match relationships {
                Err(e) => Err(e),
                Ok(r) => {
                    let (scopes, facts) =
                        futures::join!(driver.scopes_to_check(), driver.review_facts());
                    match (scopes, facts) {
                        (Ok(s), Ok(f)) => Ok((s, r, f)),
                        (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
                    }
                }
            };
            (name, read)
        });
    let answers: Vec<(ServerName, Result<Read, String>)> = futures::future::join_all(reads).await;
    let mut read: BTreeMap<ServerName, Read> = BTreeMap::new();
    let mut unreadable = Vec::new();
    let mut findings = Vec::new();
    for (name, answer) in answers {
        match answer {
            Ok(r) => {
                findings.extend(review_server(&name, &r.0));
                findings.extend(review_facts(&name, &r.2));
                read.insert(name, r);
            }
            Err(reason) => unreadable.push(Unreadable {
                server: name,
                reason,
            }),
        }
    }
    // Each pair once, by relationship name and its two servers, both read.
    let mut seen = BTreeSet::new();
    for (name, (scopes, relationships, facts)) in &read {
        for r in relationships {
            let Some(partner) = r.partner_of(name) else {
                continue;
            };
            let mut pair = [name.clone(), partner.clone()];
            pair.sort();
            if !seen.insert((r.name.clone(), pair)) {
                continue;
            }
            let Some((partner_scopes, partner_relationships, partner_facts)) = read.get(partner)
            else {
                continue;
            };
            let theirs = partner_relationships.iter().find(|p| p.name == r.name);
            findings.extend(review_pair(
                (name, Some(r), scopes),
                (partner, theirs, partner_scopes),
            ));
            if theirs.is_some() {
                findings.extend(review_pair_facts(
                    (name, facts),
                    (partner, partner_facts),
                    r,
                ));
            }
        }
    }
    (findings, unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_grouped_by_the_relationships_linking_them() {
        let name = |n: &str| ServerName::parse(n).unwrap();
        let rel = |a: &str, b: &str| {
            FailoverRelationship::with_defaults(format!("{a}-{b}"), name(a), name(b), vec![])
        };
        let listed = |n: &str, rels: Vec<FailoverRelationship>| -> Listed {
            let driver: Arc<dyn DhcpDriver> = Arc::new(crate::driver::BuiltinDriver::new(
                name(n),
                "http://127.0.0.1:9".into(),
                reqwest::Client::new(),
                None,
            ));
            (name(n), driver, Ok(rels))
        };
        let groups = linked_groups(vec![
            listed("a.test", vec![rel("a.test", "b.test")]),
            listed("c.test", vec![]),
            listed("b.test", vec![rel("a.test", "b.test")]),
            // A server with two partners links them into one group; one a partner names
            // without being managed is left out.
            listed(
                "d.test",
                vec![rel("d.test", "e.test"), rel("d.test", "f.test")],
            ),
            listed(
                "e.test",
                vec![rel("d.test", "e.test"), rel("e.test", "x.test")],
            ),
            listed("f.test", vec![]),
        ]);
        let mut names: Vec<Vec<String>> = groups
            .iter()
            .map(|g| {
                let mut n: Vec<String> = g.iter().map(|(s, ..)| s.to_string()).collect();
                n.sort();
                n
            })
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                vec!["a.test", "b.test"],
                vec!["c.test"],
                vec!["d.test", "e.test", "f.test"]
            ]
        );
    }
}
