//! DHCP Servers, Server Properties (take a server offline and back) and the Dashboard.

use super::{Caller, ServiceError, Tandem};
use crate::store;
use tandem_core::ServerName;
use tandem_core::access::Permission;
use tandem_core::drift::DriftStatus;
use tandem_core::views::{Dashboard, ServerRow};

impl Tandem {
    /// Watches for changes made outside Tandem (and failover state changes): every `every`,
    /// reads all servers and tells open pages when anything differs from the last look.
    pub async fn watch(&self, every: std::time::Duration) {
        let caller = Caller::local("drift-check");
        let mut last = String::new();
        loop {
            tokio::time::sleep(every).await;
            let seen = match (
                self.list_scopes(&caller).await,
                self.list_relationships(&caller).await,
            ) {
                (Ok(scopes), Ok(relationships)) => {
                    serde_json::to_string(&(scopes, relationships)).unwrap_or_default()
                }
                (Err(e), _) | (_, Err(e)) => {
                    tracing::warn!(error = %e, "drift check failed");
                    continue;
                }
            };
            if seen != last {
                if !last.is_empty() {
                    self.notify("drift", None, None);
                }
                last = seen;
            }
        }
    }

    /// The DHCP Servers view: every managed server the caller may see, with what it holds.
    #[tracing::instrument(skip_all, err)]
    pub async fn list_servers(&self, caller: &Caller) -> Result<Vec<ServerRow>, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        let mut conn = self.store.pool().acquire().await?;
        let records = store::servers::list(&mut conn).await?;
        drop(conn);
        let names: Vec<ServerName> = records.iter().map(|r| r.name.clone()).collect();
        let collected = self.collect(&names).await?;
        let now = store::now();
        Ok(records
            .into_iter()
            .filter(|r| caller.principal.reaches(&r.name))
            .map(|r| {
                let driver = self.drivers.for_server(&r);
                let (unreachable, scopes, failover_scopes, relationships) =
                    match &collected[&r.name] {
                        Ok((scopes, reports)) => (
                            None,
                            scopes.len(),
                            reports.iter().map(|x| x.relationship.scopes.len()).sum(),
                            reports.len(),
                        ),
                        Err(e) => (Some(e.to_string()), 0, 0, 0),
                    };
                ServerRow {
                    kind: r.kind.as_str().into(),
                    name: r.name,
                    unreachable,
                    scopes,
                    failover_scopes,
                    relationships,
                    service_control: driver.capabilities().service_control,
                    collected_at: now.clone(),
                }
            })
            .collect())
    }

    /// Takes a server's DHCP service offline, or brings it back (Server Properties).
    #[tracing::instrument(skip_all, err)]
    pub async fn set_server_online(
        &self,
        caller: &Caller,
        server: &ServerName,
        online: bool,
    ) -> Result<(), ServiceError> {
        let action = if online {
            "start_server"
        } else {
            "stop_server"
        };
        let what = format!("server {server}");
        self.authorize(
            caller,
            Permission::ManageServers,
            Some(server),
            action,
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        if !driver.capabilities().service_control {
            return Err(ServiceError::Driver(
                crate::driver::DriverError::NotSupported {
                    server: server.clone(),
                    what: "taking the service offline".into(),
                },
            ));
        }
        let id = self
            .begin(&self.event(caller, action, "server", &what, Some(server)))
            .await?;
        self.conclude(id, driver.set_service_running(online).await, None)
            .await?;
        self.notify("server", Some(server), None);
        Ok(())
    }

    /// The Dashboard: relationships by state, scopes with sync errors, OutOfSync scopes,
    /// unreachable servers.
    #[tracing::instrument(skip_all, err)]
    pub async fn dashboard(&self, caller: &Caller) -> Result<Dashboard, ServiceError> {
        let scopes = self.list_scopes(caller).await?;
        let relationships = self.list_relationships(caller).await?;
        let mut conn = self.store.pool().acquire().await?;
        let servers = store::servers::list(&mut conn)
            .await?
            .into_iter()
            .filter(|s| caller.principal.reaches(&s.name))
            .count();
        let mut by_state: std::collections::BTreeMap<String, usize> = Default::default();
        for r in &relationships {
            *by_state.entry(r.health()).or_default() += 1;
        }
        let failover: Vec<_> = scopes
            .rows
            .iter()
            .filter(|r| r.relationship.is_some())
            .collect();
        Ok(Dashboard {
            servers,
            unreachable_servers: scopes.unreachable.clone(),
            relationships_by_state: by_state.into_iter().collect(),
            out_of_sync: failover
                .iter()
                .filter(|r| !matches!(r.drift, Some(DriftStatus::InSync)))
                .map(|r| (*r).clone())
                .collect(),
            sync_errors: failover
                .iter()
                .filter(|r| r.sync_error.is_some())
                .map(|r| (*r).clone())
                .collect(),
            failover_scopes: failover.len(),
            relationships,
        })
    }
}
