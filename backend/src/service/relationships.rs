//! Failover relationships: the Failover Relationships view; create, edit and delete; scopes
//! into and out of failover; replication at relationship and server level; Partner Down.

use super::{Caller, ServiceError, Tandem};
use crate::driver::{DhcpDriver, DriverError, RelationshipConfig};
use crate::store::{self, sync_errors};
use std::sync::Arc;
use tandem_core::access::Permission;
use tandem_core::failover_rules::{NewRelationship, name_taken, relationship_fits};
use tandem_core::views::{
    Page, PreviewRow, RelationshipQuery, RelationshipRow, RelationshipsPage, ReplicationPreview,
    ScopeResult,
};
use tandem_core::{FailoverRelationship, FailoverState, FieldError, ScopeId, ServerName};

/// Which scopes a manual replication covers.
#[derive(Debug, Clone, Copy)]
pub enum ReplicationTargets<'a> {
    /// These scopes, each from the server named with it (Replicate Selected).
    Scopes(&'a [(ServerName, ScopeId)]),
    /// Every scope of relationship `name`, from `server`.
    Relationship {
        server: &'a ServerName,
        name: &'a str,
    },
    /// Every failover scope of the server, across its relationships.
    Server(&'a ServerName),
}

/// A scope's line in a replication's results.
pub(super) fn scope_result(
    scope_id: ScopeId,
    done: Result<tandem_core::views::ScopeReplication, ServiceError>,
) -> ScopeResult {
    match done {
        Ok(r) => ScopeResult {
            scope_id,
            partner: Some(r.partner),
            result: Ok(r.changes.len()),
        },
        Err(e) => ScopeResult {
            scope_id,
            partner: None,
            result: Err(e.to_string()),
        },
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::Validation(FieldError::new(field, message).into())
}

impl Tandem {
    /// The Failover Relationships view: one page of the relationships the caller reaches
    /// (each once, ordered by name), with both servers' states as last read (the drift watch
    /// keeps them; a server never read is asked first).
    #[tracing::instrument(skip_all, err)]
    pub async fn list_relationships(
        &self,
        caller: &Caller,
        query: &RelationshipQuery,
    ) -> Result<RelationshipsPage, ServiceError> {
        self.may_list_relationships(caller).await?;
        let page = Page::new(query.page.number, query.page.size);
        let query = RelationshipQuery {
            page,
            ..query.clone()
        };
        let mut conn = self.store.pool().acquire().await?;
        let (rows, total) =
            store::failover::page(&mut conn, &query, caller.principal.servers.as_deref()).await?;
        Ok(RelationshipsPage {
            rows: rows.into_iter().map(relationship_row).collect(),
            total,
            page,
        })
    }

    /// Every relationship the caller reaches (the API's list, a scope's dialog of the
    /// relationships its server is in), as [`Self::list_relationships`] shows them.
    #[tracing::instrument(skip_all, err)]
    pub async fn all_relationships(
        &self,
        caller: &Caller,
    ) -> Result<Vec<RelationshipRow>, ServiceError> {
        self.may_list_relationships(caller).await?;
        let mut conn = self.store.pool().acquire().await?;
        let rows = store::failover::all(&mut conn, caller.principal.servers.as_deref()).await?;
        Ok(rows.into_iter().map(relationship_row).collect())
    }

    /// One relationship by name, if the caller reaches it.
    pub async fn find_relationship(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<Option<RelationshipRow>, ServiceError> {
        self.may_list_relationships(caller).await?;
        let mut conn = self.store.pool().acquire().await?;
        let row =
            store::failover::named(&mut conn, name, caller.principal.servers.as_deref()).await?;
        Ok(row.map(relationship_row))
    }

    /// Checks the caller may view, and has servers never read asked first.
    async fn may_list_relationships(&self, caller: &Caller) -> Result<(), ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        self.read_unread_failover_states().await
    }

    async fn relationships_on(
        &self,
        driver: &dyn DhcpDriver,
    ) -> Result<Vec<FailoverRelationship>, ServiceError> {
        Ok(driver.relationships().await?)
    }

    /// Both drivers of a relationship, primary first, after checking the caller may manage
    /// relationships on both servers.
    async fn pair(
        &self,
        caller: &Caller,
        primary: &ServerName,
        secondary: &ServerName,
        action: &str,
        object: &str,
    ) -> Result<(Arc<dyn DhcpDriver>, Arc<dyn DhcpDriver>), ServiceError> {
        for server in [primary, secondary] {
            self.may_manage_relationships(caller, server, action, object)
                .await?;
        }
        Ok((self.driver(primary).await?, self.driver(secondary).await?))
    }

    /// Creates a relationship (Add-DhcpServerv4Failover): the scopes, which must be on the
    /// primary and absent from the partner, are copied whole to the partner, then each server
    /// gets its half. A failure part-way undoes what was done.
    #[tracing::instrument(skip_all, err)]
    pub async fn create_relationship(
        &self,
        caller: &Caller,
        input: &NewRelationship,
        scopes: &[ScopeId],
    ) -> Result<FailoverRelationship, ServiceError> {
        let parsed = input.parse()?;
        let mut r = parsed.relationship;
        r.scopes = scopes.to_vec();
        r.scopes.sort();
        r.scopes.dedup();
        let what = format!("relationship {}", r.name);
        let (primary, secondary) = self
            .pair(
                caller,
                &r.primary_server,
                &r.secondary_server,
                "create_relationship",
                &what,
            )
            .await?;
        self.supported(primary.as_ref(), secondary.as_ref(), &r)?;
        let on_primary = self.relationships_on(primary.as_ref()).await?;
        let on_secondary = self.relationships_on(secondary.as_ref()).await?;
        if name_taken(&on_primary, &r.name) || name_taken(&on_secondary, &r.name) {
            return Err(invalid(
                "name",
                format!("a relationship named {} already exists", r.name),
            ));
        }
        relationship_fits(&on_primary, &r)?;
        relationship_fits(&on_secondary, &r).map_err(|mut e| {
            for f in &mut e.0 {
                if f.field == "primary_server" {
                    f.field = "secondary_server".into();
                }
            }
            ServiceError::Validation(e)
        })?;
        if !primary.capabilities().failover_per_scope {
            self.whole_server_scopes(primary.as_ref(), secondary.as_ref(), &r)
                .await?;
        }
        let mut copies = Vec::new();
        for scope in &r.scopes {
            let source = primary.scope(*scope).await.map_err(|e| match e {
                DriverError::NotFound { .. } => invalid(
                    "scopes",
                    format!("scope {scope} is not on {}", r.primary_server),
                ),
                other => other.into(),
            })?;
            match secondary.scope(*scope).await {
                Ok(_) => {
                    return Err(invalid(
                        "scopes",
                        format!(
                            "the partner {} already has a scope {scope}: delete it there, or choose another partner",
                            r.secondary_server
                        ),
                    ));
                }
                Err(DriverError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
            copies.push(source);
        }
        let mut event = self.event(
            caller,
            "create_relationship",
            "relationship",
            &what,
            Some(&r.primary_server),
        );
        event.after_json = serde_json::to_string(&r).ok();
        let id = self.begin(&event).await?;
        let endpoint = |name: &ServerName| {
            let name = name.clone();
            async move { self.endpoint_of(&name).await }
        };
        // The primary's half first, then the partner's with its copies of the scopes, in one
        // write where the server can (Kea), so that a copy never serves on its own.
        let result: Result<(), ServiceError> = async {
            primary
                .create_relationship(&RelationshipConfig {
                    relationship: r.clone(),
                    shared_secret: parsed.shared_secret.clone(),
                    partner_endpoint: endpoint(&r.secondary_server).await?,
                })
                .await?;
            secondary
                .create_relationship_holding(
                    &RelationshipConfig {
                        relationship: r.clone(),
                        shared_secret: parsed.shared_secret.clone(),
                        partner_endpoint: endpoint(&r.primary_server).await?,
                    },
                    &copies,
                )
                .await?;
            Ok(())
        }
        .await;
        if let Err(e) = result {
            // Undo, best effort: the partner's copies and the primary's half.
            let _ = primary.delete_relationship(&r.name).await;
            let _ = secondary.delete_relationship(&r.name).await;
            for copy in &copies {
                let _ = secondary.delete_scope(copy.id).await;
            }
            self.finish(id, &super::failed(&e), None).await?;
            return Err(e);
        }
        self.finish(
            id,
            "ok",
            Some(&format!(
                "{} scope(s) copied to {}",
                copies.len(),
                r.secondary_server
            )),
        )
        .await?;
        self.touched(
            "relationship",
            &[&r.primary_server, &r.secondary_server],
            None,
        )
        .await;
        Ok(r)
    }

    /// Refuses, by field, what either server cannot express: two kinds of server in one
    /// relationship, a LoadBalancePercent Kea cannot split, and so on.
    fn supported(
        &self,
        primary: &dyn DhcpDriver,
        secondary: &dyn DhcpDriver,
        r: &FailoverRelationship,
    ) -> Result<(), ServiceError> {
        let (a, b) = (primary.capabilities(), secondary.capabilities());
        if a.product != b.product {
            return Err(invalid(
                "secondary_server",
                format!(
                    "{} is {} and {} is {}: a relationship is between two servers of one kind",
                    r.primary_server, a.product, r.secondary_server, b.product
                ),
            ));
        }
        a.refusals(r).into_result()?;
        Ok(())
    }

    /// Where a relationship holds every scope of its servers (Kea's HA): it must be given all
    /// the primary's scopes, and the partner must have none the primary lacks.
    async fn whole_server_scopes(
        &self,
        primary: &dyn DhcpDriver,
        secondary: &dyn DhcpDriver,
        r: &FailoverRelationship,
    ) -> Result<(), ServiceError> {
        let product = primary.capabilities().product;
        let mut all: Vec<ScopeId> = primary.scopes().await?.iter().map(|s| s.id).collect();
        all.sort();
        if all != r.scopes {
            return Err(invalid(
                "scopes",
                format!(
                    "{product} serves every scope of a server in failover: choose all {} scope(s) of {}",
                    all.len(),
                    r.primary_server
                ),
            ));
        }
        if let Some(extra) = secondary
            .scopes()
            .await?
            .iter()
            .find(|s| !all.contains(&s.id))
        {
            return Err(invalid(
                "scopes",
                format!(
                    "{} has scope {} that {} lacks, and {product} would serve it in failover: delete it there or create it on {} first",
                    r.secondary_server, extra.id, r.primary_server, r.primary_server
                ),
            ));
        }
        Ok(())
    }

    /// The partner of `server` in `r`, after checking the caller may manage relationships on
    /// both servers and that the partner names `server` back.
    async fn partner_for(
        &self,
        caller: &Caller,
        server: &ServerName,
        r: &FailoverRelationship,
        action: &str,
        what: &str,
    ) -> Result<(ServerName, Arc<dyn DhcpDriver>), ServiceError> {
        let partner_name = self.authorize_both(caller, server, r, action, what).await?;
        let partner = self.trusted_partner(server, r, &partner_name).await?;
        Ok((partner_name, partner))
    }

    /// The partner `server` names in `r`, after checking the caller may manage relationships
    /// on both servers.
    async fn authorize_both(
        &self,
        caller: &Caller,
        server: &ServerName,
        r: &FailoverRelationship,
        action: &str,
        what: &str,
    ) -> Result<ServerName, ServiceError> {
        let partner_name = r.partner_of(server).cloned().ok_or_else(|| {
            ServiceError::conflict(format!("{server} is not in relationship {}", r.name))
        })?;
        for name in [server, &partner_name] {
            self.may_manage_relationships(caller, name, action, what)
                .await?;
        }
        Ok(partner_name)
    }

    /// Checks the caller may manage relationships on `server`, before anything is asked of it.
    async fn may_manage_relationships(
        &self,
        caller: &Caller,
        server: &ServerName,
        action: &str,
        what: &str,
    ) -> Result<(), ServiceError> {
        self.authorize(
            caller,
            Permission::ManageRelationships,
            Some(server),
            action,
            what,
        )
        .await
    }

    /// Where a managed server's partner can reach it (for heartbeats), if Tandem knows.
    async fn endpoint_of(&self, name: &ServerName) -> Result<Option<String>, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        Ok(store::servers::find(&mut conn, name)
            .await?
            .map(|s| s.endpoint))
    }

    /// The relationship named `name`, as `server` reports it.
    async fn relationship(
        &self,
        server: &dyn DhcpDriver,
        name: &str,
    ) -> Result<FailoverRelationship, ServiceError> {
        self.relationships_on(server)
            .await?
            .into_iter()
            .find(|r| r.name == name)
            .ok_or_else(|| {
                ServiceError::NotFound(format!("relationship {name} on {}", server.server()))
            })
    }

    /// Edits a relationship's parameters on both servers (Set-DhcpServerv4Failover). The
    /// servers and scopes stay; an empty secret keeps the old one.
    #[tracing::instrument(skip_all, err)]
    pub async fn update_relationship(
        &self,
        caller: &Caller,
        name: &str,
        input: &NewRelationship,
        expected_version: Option<&str>,
    ) -> Result<FailoverRelationship, ServiceError> {
        let what = format!("relationship {name}");
        let primary_name =
            ServerName::parse(&input.primary_server).map_err(|m| invalid("primary_server", m))?;
        self.authorize(
            caller,
            Permission::ManageRelationships,
            Some(&primary_name),
            "update_relationship",
            &what,
        )
        .await?;
        let primary = self.driver(&primary_name).await?;
        let before = self.relationship(primary.as_ref(), name).await?;
        stale_relationship(&before, expected_version)?;
        let mut typed = input.clone();
        typed.name = name.to_string();
        typed.primary_server = before.primary_server.to_string();
        typed.secondary_server = before.secondary_server.to_string();
        let keep_secret =
            typed.enable_auth && typed.shared_secret.trim().is_empty() && before.enable_auth;
        if keep_secret {
            // Parse with a stand-in: the stored secret is kept, never read back.
            typed.shared_secret = "kept-secret-unchanged".into();
        }
        let parsed = typed.parse()?;
        let after = FailoverRelationship {
            scopes: before.scopes.clone(),
            ..parsed.relationship
        };
        let (primary, secondary) = self
            .pair(
                caller,
                &before.primary_server,
                &before.secondary_server,
                "update_relationship",
                &what,
            )
            .await?;
        self.supported(primary.as_ref(), secondary.as_ref(), &after)?;
        let config = RelationshipConfig {
            relationship: after.clone(),
            shared_secret: if keep_secret {
                None
            } else {
                parsed.shared_secret
            },
            partner_endpoint: None,
        };
        let mut event = self.event(
            caller,
            "update_relationship",
            "relationship",
            &what,
            Some(&before.primary_server),
        );
        event.before_json = serde_json::to_string(&before).ok();
        event.after_json = serde_json::to_string(&after).ok();
        let id = self.begin(&event).await?;
        // One partner at a time: a `config-set` restarts that server's HA service (Kea), so
        // the second is written only once the first serves again, or the service is handed
        // from one to the other (a change of Kea's HA mode); never both out of service.
        let result = primary
            .update_relationship_with(secondary.as_ref(), &config)
            .await;
        match result {
            Ok(()) => {
                self.finish(
                    id,
                    "ok",
                    Some(&format!(
                        "applied on {} and {}",
                        before.primary_server, before.secondary_server
                    )),
                )
                .await?
            }
            Err(e) => {
                self.finish(id, &super::failed(&e), None).await?;
                return Err(e.into());
            }
        }
        self.touched(
            "relationship",
            &[&before.primary_server, &before.secondary_server],
            None,
        )
        .await;
        Ok(after)
    }

    /// Adds an existing scope of `server` to a relationship (configure failover): the partner
    /// gets a whole copy; refused if it already has that scope ID.
    #[tracing::instrument(skip_all, err)]
    pub async fn add_scope_to_relationship(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        name: &str,
    ) -> Result<(), ServiceError> {
        let what = format!("scope {scope_id} into {name}");
        self.may_manage_relationships(caller, server, "add_scope_to_relationship", &what)
            .await?;
        let driver = self.driver(server).await?;
        let r = self.relationship(driver.as_ref(), name).await?;
        let (partner_name, partner) = self
            .partner_for(caller, server, &r, "add_scope_to_relationship", &what)
            .await?;
        let source = driver.scope(scope_id).await?;
        if let Some(holder) = tandem_core::failover_rules::holder_of(
            &self.relationships_on(driver.as_ref()).await?,
            scope_id,
        ) {
            return Err(invalid(
                "scope_id",
                format!(
                    "scope {scope_id} is already in relationship {}",
                    holder.name
                ),
            ));
        }
        match partner.scope(scope_id).await {
            Ok(_) => {
                return Err(invalid(
                    "scope_id",
                    format!("the partner {partner_name} already has a scope {scope_id}"),
                ));
            }
            Err(DriverError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let mut event = self.event(
            caller,
            "add_scope_to_relationship",
            "scope",
            &what,
            Some(server),
        );
        event.after_json = serde_json::to_string(&source).ok();
        let id = self.begin(&event).await?;
        let result = async {
            partner.put_scope(&source).await?;
            driver.add_failover_scope(name, scope_id).await?;
            partner.add_failover_scope(name, scope_id).await
        }
        .await;
        if let Err(e) = result {
            let _ = driver.remove_failover_scope(name, scope_id).await;
            let _ = partner.remove_failover_scope(name, scope_id).await;
            let _ = partner.delete_scope(scope_id).await;
            self.finish(id, &super::failed(&e), None).await?;
            return Err(e.into());
        }
        self.finish(id, "ok", Some(&format!("copied to {partner_name}")))
            .await?;
        self.touched("scope", &[server, &partner_name], None).await;
        Ok(())
    }

    /// Removes a scope from failover: deleted on the partner, kept on `server` (where the
    /// removal is run). The relationship stays, even with no scopes.
    #[tracing::instrument(skip_all, err)]
    pub async fn remove_scope_from_failover(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
    ) -> Result<ServerName, ServiceError> {
        self.may_manage_relationships(
            caller,
            server,
            "remove_scope_from_failover",
            &format!("scope {scope_id}"),
        )
        .await?;
        let driver = self.driver(server).await?;
        let r = tandem_core::failover_rules::holder_of(
            &self.relationships_on(driver.as_ref()).await?,
            scope_id,
        )
        .cloned()
        .ok_or_else(|| {
            invalid(
                "scope_id",
                format!("scope {scope_id} on {server} is not in failover"),
            )
        })?;
        let what = format!("scope {scope_id} out of {}", r.name);
        let (partner_name, partner) = self
            .partner_for(caller, server, &r, "remove_scope_from_failover", &what)
            .await?;
        let id = self
            .begin(&self.event(
                caller,
                "remove_scope_from_failover",
                "scope",
                &what,
                Some(server),
            ))
            .await?;
        let result = self
            .take_out_of_failover(driver.as_ref(), partner.as_ref(), &r.name, scope_id)
            .await;
        let note = format!("deleted on {partner_name}, kept on {server}");
        self.conclude(id, result, Some(&note)).await?;
        let mut conn = self.store.pool().acquire().await?;
        sync_errors::clear(&mut conn, &r.name, &scope_id.to_string()).await?;
        self.touched("scope", &[server, &partner_name], None).await;
        Ok(partner_name)
    }

    async fn take_out_of_failover(
        &self,
        keep: &dyn DhcpDriver,
        partner: &dyn DhcpDriver,
        name: &str,
        scope_id: ScopeId,
    ) -> Result<(), ServiceError> {
        keep.remove_failover_scope(name, scope_id).await?;
        match partner.remove_failover_scope(name, scope_id).await {
            Ok(()) | Err(DriverError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        match partner.delete_scope(scope_id).await {
            Ok(()) | Err(DriverError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a relationship from both servers (Remove-DhcpServerv4Failover, run on
    /// `server`): its scopes are first taken out of failover (deleted on the partner, kept on
    /// `server`). Returns the scopes taken out.
    #[tracing::instrument(skip_all, err)]
    pub async fn delete_relationship(
        &self,
        caller: &Caller,
        server: &ServerName,
        name: &str,
        expected_version: Option<&str>,
    ) -> Result<Vec<ScopeId>, ServiceError> {
        let what = format!("relationship {name}");
        self.may_manage_relationships(caller, server, "delete_relationship", &what)
            .await?;
        let driver = self.driver(server).await?;
        let r = self.relationship(driver.as_ref(), name).await?;
        stale_relationship(&r, expected_version)?;
        let partner_name = self
            .authorize_both(caller, server, &r, "delete_relationship", &what)
            .await?;
        let partner = match self.trusted_partner(server, &r, &partner_name).await {
            Ok(partner) => Some(partner),
            // The partner does not hold its half (any more): only this server's is deleted,
            // and the partner is left alone.
            Err(ServiceError::Conflict { .. }) => None,
            Err(e) => return Err(e),
        };
        let mut event = self.event(
            caller,
            "delete_relationship",
            "relationship",
            &what,
            Some(server),
        );
        event.before_json = serde_json::to_string(&r).ok();
        let id = self.begin(&event).await?;
        // Where the relationship holds every scope (Kea), the scopes stay on both servers.
        let per_scope = driver.capabilities().failover_per_scope;
        let result = async {
            let Some(partner) = &partner else {
                return Ok(driver.delete_relationship(name).await?);
            };
            for scope in r.scopes.iter().filter(|_| per_scope) {
                self.take_out_of_failover(driver.as_ref(), partner.as_ref(), name, *scope)
                    .await?;
            }
            driver.delete_relationship(name).await?;
            match partner.delete_relationship(name).await {
                Ok(()) | Err(DriverError::NotFound { .. }) => Ok(()),
                Err(e) => Err(ServiceError::from(e)),
            }
        }
        .await;
        let note = if partner.is_none() {
            format!("deleted on {server} only: {partner_name} does not name it back, left alone")
        } else if per_scope {
            format!(
                "{} scope(s) deleted on {partner_name}, kept on {server}",
                r.scopes.len()
            )
        } else {
            format!(
                "{} scope(s) kept on both {server} and {partner_name}",
                r.scopes.len()
            )
        };
        self.conclude(id, result, Some(&note)).await?;
        let mut conn = self.store.pool().acquire().await?;
        for scope in &r.scopes {
            sync_errors::clear(&mut conn, name, &scope.to_string()).await?;
        }
        self.touched("relationship", &[server, &partner_name], None)
            .await;
        Ok(if per_scope { r.scopes } else { Vec::new() })
    }

    /// The scopes a manual replication covers, each with the server whose copy is kept,
    /// after checking the caller may replicate at that level (a scope's own checks come with
    /// its read).
    async fn replication_targets(
        &self,
        caller: &Caller,
        targets: &ReplicationTargets<'_>,
    ) -> Result<Vec<(ServerName, ScopeId)>, ServiceError> {
        match targets {
            ReplicationTargets::Scopes(list) => Ok(list.to_vec()),
            ReplicationTargets::Relationship { server, name } => {
                let what = format!("relationship {name}");
                self.may_manage_relationships(caller, server, "replicate_relationship", &what)
                    .await?;
                let driver = self.driver(server).await?;
                let r = self.relationship(driver.as_ref(), name).await?;
                self.partner_for(caller, server, &r, "replicate_relationship", &what)
                    .await?;
                Ok(r.scopes.iter().map(|s| ((*server).clone(), *s)).collect())
            }
            ReplicationTargets::Server(server) => {
                self.authorize(
                    caller,
                    Permission::ManageServers,
                    Some(server),
                    "replicate_server",
                    &format!("server {server}"),
                )
                .await?;
                let driver = self.driver(server).await?;
                Ok(self
                    .relationships_on(driver.as_ref())
                    .await?
                    .iter()
                    .flat_map(|r| r.scopes.iter().map(|s| ((*server).clone(), *s)))
                    .collect())
            }
        }
    }

    /// What a manual replication of `targets` would change, scope by scope, from a fresh read
    /// of every copy; nothing is written. A scope that cannot be read (or that the caller may
    /// not replicate) is a row saying why.
    #[tracing::instrument(skip_all, err)]
    pub async fn preview_replication(
        &self,
        caller: &Caller,
        targets: ReplicationTargets<'_>,
    ) -> Result<ReplicationPreview, ServiceError> {
        let list = self.replication_targets(caller, &targets).await?;
        let mut rows = Vec::with_capacity(list.len());
        for (source, scope_id) in list {
            let read = self
                .preview_scope_replication(caller, &source, scope_id)
                .await;
            rows.push(PreviewRow {
                source,
                scope_id,
                error: read.as_ref().err().map(ToString::to_string),
                preview: read.ok(),
            });
        }
        Ok(ReplicationPreview::new(rows))
    }

    /// Replicates every scope of `targets`, one after another; a failed scope does not stop
    /// the others. Given the `basis` of a [`Tandem::preview_replication`], it goes ahead only
    /// if every copy is still as that preview read it (and the same scopes are covered):
    /// otherwise refused, nothing written, so the caller previews again.
    #[tracing::instrument(skip_all, err)]
    pub async fn replicate_as_previewed(
        &self,
        caller: &Caller,
        targets: ReplicationTargets<'_>,
        basis: Option<&str>,
    ) -> Result<Vec<ScopeResult>, ServiceError> {
        let Some(basis) = basis else {
            let list = self.replication_targets(caller, &targets).await?;
            return Ok(self.replicate_scopes(caller, &list).await);
        };
        let now = self.preview_replication(caller, targets).await?;
        if now.basis != basis {
            return Err(ServiceError::conflict(
                "the scopes or their copies changed since the preview: nothing was replicated; \
                 preview it again",
            ));
        }
        let mut results = Vec::with_capacity(now.scopes.len());
        for row in now.scopes {
            results.push(match row.preview {
                Some(p) => {
                    let done = self
                        .replicate_scope_as_previewed(
                            caller,
                            &row.source,
                            row.scope_id,
                            Some(&p.basis),
                        )
                        .await;
                    scope_result(row.scope_id, done)
                }
                None => ScopeResult {
                    scope_id: row.scope_id,
                    partner: None,
                    result: Err(row.error.unwrap_or_default()),
                },
            });
        }
        Ok(results)
    }

    /// Relationship-level replication: every scope of `name`, from `server` to its partner.
    pub async fn replicate_relationship(
        &self,
        caller: &Caller,
        server: &ServerName,
        name: &str,
    ) -> Result<Vec<ScopeResult>, ServiceError> {
        self.replicate_as_previewed(
            caller,
            ReplicationTargets::Relationship { server, name },
            None,
        )
        .await
    }

    /// Server-level replication: every failover scope on `server`, across all its
    /// relationships.
    pub async fn replicate_server(
        &self,
        caller: &Caller,
        server: &ServerName,
    ) -> Result<Vec<ScopeResult>, ServiceError> {
        self.replicate_as_previewed(caller, ReplicationTargets::Server(server), None)
            .await
    }

    /// Set Partner Down on `server` for relationship `name`: `server` takes over its partner's
    /// clients. Only while communication is interrupted.
    #[tracing::instrument(skip_all, err)]
    pub async fn set_partner_down(
        &self,
        caller: &Caller,
        server: &ServerName,
        name: &str,
    ) -> Result<FailoverState, ServiceError> {
        let what = format!("relationship {name}");
        self.authorize(
            caller,
            Permission::ManageRelationships,
            Some(server),
            "set_partner_down",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let id = self
            .begin(&self.event(
                caller,
                "set_partner_down",
                "relationship",
                &what,
                Some(server),
            ))
            .await?;
        let state = self
            .conclude(id, driver.set_partner_down(name).await, None)
            .await?;
        self.states_moved(server, name).await;
        Ok(state)
    }

    /// Starts (or ends) maintenance of `server`'s partner in relationship `name`, run on
    /// `server`, which serves every client meanwhile (Kea's `ha-maintenance-start`). The
    /// partner can then be stopped safely.
    #[tracing::instrument(skip_all, err)]
    pub async fn set_maintenance(
        &self,
        caller: &Caller,
        server: &ServerName,
        name: &str,
        on: bool,
    ) -> Result<FailoverState, ServiceError> {
        let what = format!("relationship {name}");
        let action = if on {
            "start_maintenance"
        } else {
            "end_maintenance"
        };
        self.authorize(
            caller,
            Permission::ManageRelationships,
            Some(server),
            action,
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let event = self.event(caller, action, "relationship", &what, Some(server));
        let id = self.begin(&event).await?;
        if !on {
            // Kea watches the end for a heartbeat, until the pair stays out of maintenance.
            self.progress(
                &event.actor,
                format!("ending the maintenance of {name} from {server}: the pair is watched until it stays back in its normal state"),
            );
        }
        let state = self
            .conclude(id, driver.set_maintenance(name, on).await, None)
            .await?;
        self.states_moved(server, name).await;
        Ok(state)
    }

    /// After a change of state made through Tandem: reads both servers' failover states again
    /// (the partner's moves too), then tells open pages. Should the read fail, the watch
    /// catches up.
    async fn states_moved(&self, server: &ServerName, name: &str) {
        let mut servers = vec![server.clone()];
        if let Ok(driver) = self.driver(server).await
            && let Ok(found) = driver.relationships().await
            && let Some(partner) = found
                .iter()
                .find(|r| r.name == name)
                .and_then(|r| r.partner_of(server))
        {
            servers.push(partner.clone());
        }
        let refs: Vec<&ServerName> = servers.iter().collect();
        if let Err(e) = self.read_failover_states(Some(&refs)).await {
            tracing::warn!(error = %e, "failover states not read after a change");
        }
        self.notify("relationship", Some(server), None);
    }
}

/// A stored relationship as a row of the view, with what its primary's kind of server offers.
fn relationship_row(r: store::failover::StoredRelationship) -> RelationshipRow {
    let capabilities = r
        .primary_kind
        .as_deref()
        .and_then(store::servers::ServerKind::parse)
        .map(crate::driver::Drivers::capabilities);
    RelationshipRow {
        relationship: r.relationship,
        primary_status: r.primary_status,
        secondary_status: r.secondary_status,
        primary_read_at: r.primary_read_at,
        secondary_read_at: r.secondary_read_at,
        sync_errors: r.sync_errors as usize,
        scope_count: r.scope_count,
        partner_down: capabilities.is_none_or(|c| c.partner_down),
        maintenance: capabilities.is_some_and(|c| c.maintenance),
        failover_per_scope: capabilities.is_none_or(|c| c.failover_per_scope),
    }
}

/// Refuses a change of `current` read at another version than `expected` (when one is given):
/// someone changed the relationship's settings meanwhile.
fn stale_relationship(
    current: &FailoverRelationship,
    expected: Option<&str>,
) -> Result<(), ServiceError> {
    match expected {
        Some(v) if v != current.version() => Err(ServiceError::conflict(format!(
            "relationship {} was changed by someone else after you opened it",
            current.name
        ))),
        _ => Ok(()),
    }
}
