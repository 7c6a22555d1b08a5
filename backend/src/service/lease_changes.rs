//! What can be done with leases, for the roles that may change a scope: delete one lease (a
//! stale one, a client gone), or clear every lease of a scope after its ID is typed again.
//! Both are done on the server asked and on its partner in the scope's relationship (Kea's HA
//! copies the leases its peers hand out, not those a command deletes), and both are Event
//! Catalog events. Turning a lease into a reservation is a reservation made from it (the
//! portal prefills the form), replicated like any other.

use super::{Caller, ServiceError, Tandem};
use crate::driver::{DhcpDriver, DriverError};
use std::future::Future;
use std::net::Ipv4Addr;
use std::sync::Arc;
use tandem_core::access::Permission;
use tandem_core::usage::LeaseQuery;
use tandem_core::views::LeaseOutcome;
use tandem_core::{FieldError, ScopeId, ServerName};

impl Tandem {
    /// Deletes the lease of `ip` on `server` and on its partner.
    #[tracing::instrument(skip_all, err)]
    pub async fn delete_lease(
        &self,
        caller: &Caller,
        server: &ServerName,
        ip: Ipv4Addr,
    ) -> Result<LeaseOutcome, ServiceError> {
        let object = format!("lease {ip}");
        self.authorize(
            caller,
            Permission::EditScopes,
            Some(server),
            "delete_lease",
            &object,
        )
        .await?;
        let driver = self.driver(server).await?;
        let lease = driver
            .find_leases(&LeaseQuery::Ip(ip))
            .await?
            .into_iter()
            .find(|l| l.ip_address == ip)
            .ok_or_else(|| invalid("ip_address", format!("{server} holds no lease for {ip}")))?;
        let scope = lease.scope_id.ok_or_else(|| {
            invalid(
                "ip_address",
                format!("{ip} is in no scope of {server}: its lease is not Tandem's to delete"),
            )
        })?;
        let before = serde_json::to_string(&lease).ok();
        self.on_both(
            caller,
            "delete_lease",
            &object,
            before,
            &driver,
            scope,
            |d| async move { Ok(u64::from(d.delete_lease(ip).await?)) },
        )
        .await
    }

    /// Deletes every lease of `scope` on `server` and on its partner, once `confirm` repeats
    /// the scope's ID.
    #[tracing::instrument(skip_all, err)]
    pub async fn clear_scope_leases(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope: ScopeId,
        confirm: &str,
    ) -> Result<LeaseOutcome, ServiceError> {
        let object = format!("the leases of scope {scope}");
        self.authorize(
            caller,
            Permission::EditScopes,
            Some(server),
            "clear_leases",
            &object,
        )
        .await?;
        if confirm.trim() != scope.to_string() {
            return Err(invalid(
                "confirm",
                format!(
                    "type the scope's ID, {scope}, to confirm: every lease of the scope is deleted on both partners"
                ),
            ));
        }
        let driver = self.driver(server).await?;
        driver.scope_to_check(scope).await?;
        self.on_both(
            caller,
            "clear_leases",
            &object,
            None,
            &driver,
            scope,
            |d| async move { d.clear_leases(scope).await },
        )
        .await
    }

    /// Runs `op` on `driver`'s server, then on its partner in `scope`'s relationship, as one
    /// Event Catalog event; the servers' figures are read again after.
    #[allow(clippy::too_many_arguments)]
    async fn on_both<F, Fut>(
        &self,
        caller: &Caller,
        action: &str,
        object: &str,
        before: Option<String>,
        driver: &Arc<dyn DhcpDriver>,
        scope: ScopeId,
        op: F,
    ) -> Result<LeaseOutcome, ServiceError>
    where
        F: Fn(Arc<dyn DhcpDriver>) -> Fut,
        Fut: Future<Output = Result<u64, DriverError>>,
    {
        let server = driver.server().clone();
        let partnership = self.partnership(driver.as_ref(), scope).await?;
        let mut event = self.event(caller, action, "lease", object, Some(&server));
        event.before_json = before;
        event.scope_id = Some(scope.to_string());
        let partner_name = partnership
            .as_ref()
            .and_then(|p| p.relationship.partner_of(&server).cloned());
        if let Some(p) = &partnership {
            event.relationship = Some(p.relationship.name.clone());
            event.partner = partner_name.as_ref().map(ToString::to_string);
        }
        let id = self.begin(&event).await?;
        let deleted = match op(driver.clone()).await {
            Ok(n) => n,
            Err(e) => {
                self.finish(id, &super::failed(&e), None).await?;
                return Err(e.into());
            }
        };
        let (partner_deleted, partner_error) = match partnership.map(|p| p.partner) {
            None => (None, None),
            Some(Err(why)) => (None, Some(why)),
            Some(Ok(partner)) => match op(partner).await {
                Ok(n) => (Some(n), None),
                Err(e) => (None, Some(e.to_string())),
            },
        };
        let out = LeaseOutcome {
            server: server.clone(),
            scope_id: scope,
            deleted,
            partner: partner_name.clone(),
            partner_deleted,
            partner_error,
        };
        self.finish(id, "ok", Some(&out.summary())).await?;
        let mut read: Vec<&ServerName> = vec![&server];
        read.extend(partner_name.as_ref());
        if let Err(e) = self.read_usage(Some(&read)).await {
            tracing::warn!(error = %e, "figures not read again after a lease change");
        }
        self.notify("lease", Some(&server), Some(scope));
        Ok(out)
    }
}

fn invalid(field: &str, message: String) -> ServiceError {
    ServiceError::Validation(FieldError::new(field, message).into())
}
