//! Scopes created, edited and deleted through Tandem. An edit carries the version it was based
//! on; on a failover scope it reaches the partner too (the partner keeps its own reservations:
//! the change is applied, not the whole copy).

use super::{Caller, ServiceError, Tandem};
use crate::driver::DriverError;
use tandem_core::access::Permission;
use tandem_core::scope_input::ScopeInput;
use tandem_core::validate::scope_fits_on;
use tandem_core::views::ChangeOutcome;
use tandem_core::{FieldError, Scope, ScopeId, ServerName};

impl Tandem {
    /// One scope's whole configuration on one server (to edit it: its version goes back).
    pub async fn get_scope(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
    ) -> Result<Scope, ServiceError> {
        self.authorize(caller, Permission::View, Some(server), "view", "")
            .await?;
        Ok(self.driver(server).await?.scope(scope_id).await?)
    }

    /// Add-DhcpServerv4Scope through Tandem: refused, field by field, if any rule is broken
    /// (the subnet overlapping another scope on the server included).
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn create_scope(
        &self,
        caller: &Caller,
        server: &ServerName,
        input: &ScopeInput,
    ) -> Result<Scope, ServiceError> {
        let what = format!("scope {}", input.scope_id.trim());
        self.authorize(
            caller,
            Permission::EditScopes,
            Some(server),
            "create_scope",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let placement = driver.capabilities().placement;
        let mut scope = input.parse_on(placement, Vec::new())?;
        let network = input.shared_network.trim();
        if !network.is_empty() {
            if !driver.capabilities().shared_networks {
                return Err(ServiceError::Validation(
                    FieldError::new(
                        "shared_network",
                        format!("{server} has no shared networks (superscopes): leave this empty"),
                    )
                    .into(),
                ));
            }
            scope.kept = Some(tandem_core::Kept::in_network(network));
        }
        let existing = driver.scopes().await?;
        if existing.iter().any(|s| s.id == scope.id) {
            return Err(ServiceError::Validation(
                FieldError::new(
                    "scope_id",
                    format!("{server} already has a scope {}", scope.id),
                )
                .into(),
            ));
        }
        scope_fits_on(placement, &existing, &scope)?;
        let mut event = self.event(caller, "create_scope", "scope", &what, Some(server));
        event.after_json = serde_json::to_string(&scope).ok();
        // On a server whose relationship holds every scope (Kea), the new scope is in failover
        // at once: it is created on the partner too.
        if let Some(p) = self.whole_server_partnership(driver.as_ref()).await? {
            let copy = scope.clone();
            self.apply_change(
                event,
                &driver,
                scope.id,
                Some(p),
                || driver.put_scope(&scope),
                |partner| async move { partner.put_scope(&copy).await },
            )
            .await?;
            return Ok(scope);
        }
        let id = self.begin(&event).await?;
        self.conclude(id, driver.put_scope(&scope).await, None)
            .await?;
        self.touched("scope", &[server], Some(scope.id)).await;
        Ok(scope)
    }

    /// Set-DhcpServerv4Scope (and its exclusions and options) through Tandem, provided the
    /// scope's properties are still at `expected_version` ([`Scope::properties_version`]: a
    /// reservation changed meanwhile does not make the edit stale, and each server keeps its
    /// own reservations); then the same change on the partner.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn update_scope(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        expected_version: &str,
        input: &ScopeInput,
    ) -> Result<ChangeOutcome, ServiceError> {
        self.update_scope_undoing(caller, server, scope_id, expected_version, input, None)
            .await
    }

    /// [`Tandem::update_scope`], recorded as reversing event `undoes` when given.
    pub(crate) async fn update_scope_undoing(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        expected_version: &str,
        input: &ScopeInput,
        undoes: Option<i64>,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = format!("scope {scope_id}");
        self.authorize(
            caller,
            Permission::EditScopes,
            Some(server),
            "update_scope",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        // Checked on what Tandem knows of the server; the server checks the version again as
        // it writes, so two editors racing past this check cannot both win.
        let existing = driver.scopes_to_check().await?;
        let before = existing
            .iter()
            .find(|s| s.id == scope_id)
            .ok_or_else(|| ServiceError::NotFound(format!("scope {scope_id} on {server}")))?;
        if before.properties_version() != expected_version {
            return Err(ServiceError::conflict(format!(
                "scope {scope_id} on {server} was changed by someone else after you opened it"
            )));
        }
        let mut typed = input.clone();
        typed.scope_id = scope_id.to_string();
        let placement = driver.capabilities().placement;
        // The reservations must still fit the edited scope (its range, on a built-in server).
        let after = typed.parse_on(placement, before.reservations.clone())?;
        scope_fits_on(placement, &existing, &after)?;
        let partnership = self.partnership(driver.as_ref(), scope_id).await?;
        let mut event = self.event(caller, "update_scope", "scope", &what, Some(server));
        // The edit changes the properties only: the Event Catalog records those.
        event.before_json = serde_json::to_string(&before.properties()).ok();
        event.after_json = serde_json::to_string(&after.properties()).ok();
        event.undoes = undoes;
        // A partner that lacks the scope gets it with this server's reservations.
        let on_partner = after.clone();
        self.apply_change(
            event,
            &driver,
            scope_id,
            partnership,
            || driver.put_scope_properties(&after, Some(expected_version)),
            // The partner's copy takes the new properties and keeps its reservations.
            |partner| async move { partner.put_scope_properties(&on_partner, None).await },
        )
        .await
    }

    /// Remove-DhcpServerv4Scope through Tandem: refused while the scope is in failover
    /// (remove failover first, which keeps the scope here).
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn delete_scope(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        expected_version: Option<&str>,
    ) -> Result<(), ServiceError> {
        let what = format!("scope {scope_id}");
        self.authorize(
            caller,
            Permission::EditScopes,
            Some(server),
            "delete_scope",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let before = driver.scope(scope_id).await?;
        if expected_version.is_some_and(|v| v != before.properties_version()) {
            return Err(ServiceError::conflict(format!(
                "scope {scope_id} on {server} was changed by someone else after you opened it"
            )));
        }
        let mut event = self.event(caller, "delete_scope", "scope", &what, Some(server));
        event.before_json = serde_json::to_string(&before).ok();
        // Where the relationship holds every scope (Kea), the scope goes from both partners.
        if let Some(p) = self.whole_server_partnership(driver.as_ref()).await? {
            self.apply_change(
                event,
                &driver,
                scope_id,
                Some(p),
                || driver.delete_scope(scope_id),
                |partner| async move {
                    match partner.delete_scope(scope_id).await {
                        Ok(()) | Err(DriverError::NotFound { .. }) => Ok(()),
                        Err(e) => Err(e),
                    }
                },
            )
            .await?;
            return Ok(());
        }
        if let Some(p) = self.partnership(driver.as_ref(), scope_id).await? {
            return Err(ServiceError::Validation(
                FieldError::new(
                    "scope_id",
                    format!(
                        "scope {scope_id} is in relationship {}: remove failover first",
                        p.relationship.name
                    ),
                )
                .into(),
            ));
        }
        let id = self.begin(&event).await?;
        self.conclude(id, driver.delete_scope(scope_id).await, None)
            .await?;
        self.touched("scope", &[server], Some(scope_id)).await;
        Ok(())
    }
}
