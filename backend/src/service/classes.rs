//! Client classes on Server Properties: each class a server defines, with where its scopes
//! use it.

use super::{Caller, ServiceError, Tandem};
use crate::driver::{DhcpDriver, DriverError};
use std::sync::Arc;
use tandem_core::access::Permission;
use tandem_core::views::{ChangeOutcome, ReplicationOutcome};
use tandem_core::{ClassInput, ClassRow, Scope, ServerName};

impl Tandem {
    /// Server `server`'s client classes, each with where its scopes use it; `None` where the
    /// server has no classes at all (the built-in server).
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn client_classes(
        &self,
        caller: &Caller,
        server: &ServerName,
    ) -> Result<Option<Vec<ClassRow>>, ServiceError> {
        self.authorize(caller, Permission::View, Some(server), "view", "")
            .await?;
        let driver = self.driver(server).await?;
        let Some(classes) = driver.client_classes().await? else {
            return Ok(None);
        };
        let scopes = driver.scopes().await?;
        Ok(Some(
            classes
                .into_iter()
                .map(|class| ClassRow {
                    used_by: class_uses(&scopes, &class.name),
                    class,
                })
                .collect(),
        ))
    }

    /// Creates (`creating`) or edits client class `input` on `server`, then makes its HA
    /// partner hold the same class (HA partners must classify clients alike). Refused, field by
    /// field, with nothing written, when the class breaks a rule or Kea cannot parse its test.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn put_client_class(
        &self,
        caller: &Caller,
        server: &ServerName,
        creating: bool,
        input: &ClassInput,
    ) -> Result<ChangeOutcome, ServiceError> {
        let action = if creating {
            "create_class"
        } else {
            "edit_class"
        };
        let what = format!("client class {}", input.name.trim());
        self.authorize(
            caller,
            Permission::ManageServers,
            Some(server),
            action,
            &what,
        )
        .await?;
        let spec = input.parse().map_err(ServiceError::Validation)?;
        let driver = self.driver(server).await?;
        let mut event = self.event(caller, action, "client_class", &what, Some(server));
        event.after_json = serde_json::to_string(input).ok();
        let id = self.begin(&event).await?;
        self.conclude(
            id,
            driver.put_client_class(Some(creating), &spec).await,
            None,
        )
        .await?;
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                partner.put_client_class(None, &spec).await
            })
            .await;
        self.touched("server", &[server], None).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// Deletes client class `name` from `server`, then from its HA partner.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn delete_client_class(
        &self,
        caller: &Caller,
        server: &ServerName,
        name: &str,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = format!("client class {name}");
        self.authorize(
            caller,
            Permission::ManageServers,
            Some(server),
            "delete_class",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let event = self.event(caller, "delete_class", "client_class", &what, Some(server));
        let id = self.begin(&event).await?;
        self.conclude(id, driver.delete_client_class(name).await, None)
            .await?;
        let name = name.to_string();
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                match partner.delete_client_class(&name).await {
                    // Already gone there: the partner holds what this server holds.
                    Err(DriverError::NotFound { .. }) => Ok(()),
                    other => other,
                }
            })
            .await;
        self.touched("server", &[server], None).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// `apply` on the partner of `driver`'s server in its failover relationship, if it has
    /// one: how it went (a server-level setting, which no scope's sync status records). The
    /// partner is written only once the server serves again after its own write.
    pub(super) async fn on_server_partner<F, Fut>(
        &self,
        driver: &Arc<dyn DhcpDriver>,
        apply: F,
    ) -> ReplicationOutcome
    where
        F: FnOnce(Arc<dyn DhcpDriver>) -> Fut,
        Fut: std::future::Future<Output = Result<(), DriverError>>,
    {
        let server = driver.server().clone();
        let partner = match driver.relationships().await {
            Ok(list) => list.into_iter().find_map(|r| {
                if r.primary_server == server {
                    Some(r.secondary_server)
                } else if r.secondary_server == server {
                    Some(r.primary_server)
                } else {
                    None
                }
            }),
            Err(e) => {
                tracing::warn!(server = %server, error = %e, "relationships unread: class not replicated");
                None
            }
        };
        let Some(partner) = partner else {
            return ReplicationOutcome::NotInFailover;
        };
        // A config-set restarts the server's HA service: its partner is written only once it
        // serves again, so that the two are never out of service together.
        if let Err(e) = driver.settle().await {
            return ReplicationOutcome::Failed {
                partner,
                error: format!(
                    "not written, so that both partners are never out of service together: {e}"
                ),
            };
        }
        let result = match self.driver(&partner).await {
            Ok(d) => {
                let done = apply(d.clone()).await.map_err(|e| e.to_string());
                if done.is_ok()
                    && let Err(e) = d.settle().await
                {
                    tracing::warn!(error = %e, "partner not serving again after the change");
                }
                done
            }
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(()) => ReplicationOutcome::Replicated { partner },
            Err(error) => ReplicationOutcome::Failed { partner, error },
        }
    }
}

/// Where `scopes` use class `name`: a subnet or pool that admits only its members or
/// evaluates it (Kea's `client-class`, `client-classes`, `require-client-classes`,
/// `evaluate-additional-classes`, kept among the scope's settings), and a reservation that
/// puts its client in it.
pub fn class_uses(scopes: &[Scope], name: &str) -> Vec<String> {
    const KEYS: [&str; 4] = [
        "client-class",
        "client-classes",
        "require-client-classes",
        "evaluate-additional-classes",
    ];
    let names = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s == name,
        serde_json::Value::Array(a) => a.iter().any(|x| x.as_str() == Some(name)),
        _ => false,
    };
    let mut out = Vec::new();
    for scope in scopes {
        let id = scope.id;
        if let Some(kept) = &scope.kept {
            for (place, text) in &kept.settings {
                let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
                    continue;
                };
                if KEYS.contains(&place.as_str()) && names(&value) {
                    out.push(format!("scope {id}"));
                } else if let Some(pool) = place.strip_prefix("pool ")
                    && KEYS.iter().any(|k| value.get(k).is_some_and(names))
                {
                    out.push(format!("pool {pool} of scope {id}"));
                }
            }
        }
        for r in &scope.reservations {
            if r.settings.client_classes.iter().any(|c| c == name) {
                out.push(format!("reservation {} in scope {id}", r.ip_address));
            }
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_is_found_where_scopes_pools_and_reservations_use_it() {
        let mut scope: Scope = serde_json::from_value(serde_json::json!({
            "id": "10.0.0.0", "name": "Contoso", "prefix_len": 24,
            "range": { "start": "10.0.0.1", "end": "10.0.0.254" },
            "lease_duration_secs": 691200,
            "reservations": [ { "ip_address": "10.0.0.99", "client_id": "aa-bb-cc-dd-ee-ff" } ]
        }))
        .unwrap();
        let mut kept = tandem_core::Kept::default();
        kept.settings
            .insert("client-class".into(), r#""phones""#.into());
        kept.settings.insert(
            "pool 10.0.0.100-10.0.0.149".into(),
            r#"{"client-classes":["printers","phones"]}"#.into(),
        );
        kept.settings
            .insert("relay".into(), r#"{"ip-addresses":["phones"]}"#.into());
        scope.kept = Some(kept);
        scope.reservations[0].settings.client_classes = vec!["phones".into()];
        assert_eq!(
            class_uses(&[scope.clone()], "phones"),
            [
                "scope 10.0.0.0",
                "pool 10.0.0.100-10.0.0.149 of scope 10.0.0.0",
                "reservation 10.0.0.99 in scope 10.0.0.0"
            ]
        );
        assert_eq!(
            class_uses(&[scope], "printers"),
            ["pool 10.0.0.100-10.0.0.149 of scope 10.0.0.0"]
        );
    }
}
