//! A pool's own settings on Scope Properties (Kea: the classes a pool admits and its options):
//! read, and edited on the server and then its HA partner.

use super::{Caller, ServiceError, Tandem};
use crate::driver::DriverError;
use tandem_core::access::Permission;
use tandem_core::views::{ChangeOutcome, ReplicationOutcome};
use tandem_core::{IpRange, PoolInput, PoolSettings, ScopeId, ServerName};

impl Tandem {
    /// The own settings of pool `range` of scope `scope` on `server`; `None` where the server
    /// has no pools of their own (the built-in server).
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope))]
    pub async fn pool(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope: ScopeId,
        range: IpRange,
    ) -> Result<Option<PoolSettings>, ServiceError> {
        self.authorize(caller, Permission::View, Some(server), "view", "")
            .await?;
        Ok(self.driver(server).await?.pool(scope, range).await?)
    }

    /// Makes pool `range` of scope `scope` admit `input`'s classes and hold its options (what
    /// else the pool holds kept), on `server` and then its HA partner. Refused, field by field,
    /// with nothing written, when a class or an option breaks a rule.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope))]
    pub async fn put_pool(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope: ScopeId,
        range: IpRange,
        input: &PoolInput,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = format!("pool {range} of scope {scope}");
        self.authorize(
            caller,
            Permission::EditScopes,
            Some(server),
            "edit_pool",
            &what,
        )
        .await?;
        let (classes, options) = input.parse().map_err(ServiceError::Validation)?;
        let driver = self.driver(server).await?;
        let Some(before) = driver.pool(scope, range).await? else {
            return Err(DriverError::NotSupported {
                server: server.clone(),
                what: "pools of their own".into(),
            }
            .into());
        };
        let mut event = self.event(caller, "edit_pool", "pool", &what, Some(server));
        event.before_json = serde_json::to_string(&PoolInput::from(&before)).ok();
        event.after_json = serde_json::to_string(input).ok();
        let id = self.begin(&event).await?;
        self.conclude(
            id,
            driver.put_pool(scope, range, &classes, &options).await,
            None,
        )
        .await?;
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                partner.put_pool(scope, range, &classes, &options).await
            })
            .await;
        let mut servers = vec![server.clone()];
        if let ReplicationOutcome::Replicated { partner } = &replication {
            servers.push(partner.clone());
        }
        let servers: Vec<&ServerName> = servers.iter().collect();
        self.touched("scope", &servers, Some(scope)).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }
}
