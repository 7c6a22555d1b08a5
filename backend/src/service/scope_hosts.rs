//! A scope's reservations without an address on Scope Properties (Kea: a subnet's hosts that
//! give their client settings — a host name, boot fields, classes, options — and leave the
//! address to the pool): listed, each created, edited and deleted on the server and then its
//! HA partner. A scope replication and drift already carry them whole, among its kept settings.

use super::{Caller, ServiceError, Tandem};
use crate::driver::kea::global_hosts::scope_host_of;
use crate::driver::{DriverError, GlobalChange};
use tandem_core::access::Permission;
use tandem_core::views::{ChangeOutcome, ReplicationOutcome};
use tandem_core::{ClientId, GlobalReservation, NewGlobalReservation, ScopeId, ServerName};

impl Tandem {
    /// The reservations without an address of scope `scope` on `server`, in the server's
    /// order of identifiers; `None` where the server holds none of its own (the built-in one).
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope))]
    pub async fn scope_hosts(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope: ScopeId,
    ) -> Result<Option<Vec<GlobalReservation>>, ServiceError> {
        let read = self.get_scope(caller, server, scope).await?;
        Ok(read.kept.map(|kept| {
            kept.other_hosts
                .values()
                .filter_map(|text| scope_host_of(text))
                .collect()
        }))
    }

    /// Creates a reservation without an address in scope `scope` (`was` `None`) or edits the
    /// one of client `was`, on `server` and then its HA partner. What an edit leaves out of the
    /// settings it keeps; one naming a version is refused when the reservation changed since;
    /// an address is refused (a reservation with one belongs to the scope's reservations list).
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope))]
    pub async fn put_scope_host(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope: ScopeId,
        was: Option<&ClientId>,
        input: &NewGlobalReservation,
    ) -> Result<ChangeOutcome, ServiceError> {
        let action = match was {
            None => "create_scope_host",
            Some(_) => "edit_scope_host",
        };
        let what = format!(
            "reservation without an address for {} in scope {scope}",
            match was {
                Some(id) => id.described(),
                None => input.client_id.trim().to_string(),
            }
        );
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            action,
            &what,
        )
        .await?;
        let mut new = input.parse().map_err(ServiceError::Validation)?;
        let Some(have) = self.scope_hosts(caller, server, scope).await? else {
            return Err(DriverError::NotSupported {
                server: server.clone(),
                what: "reservations without an address".into(),
            }
            .into());
        };
        let before = match was {
            Some(id) => Some(
                have.iter()
                    .find(|h| &h.client_id == id)
                    .cloned()
                    .ok_or_else(|| {
                        ServiceError::from(DriverError::NotFound {
                            server: server.clone(),
                            what: format!(
                                "reservation without an address for {} in scope {scope}",
                                id.described()
                            ),
                        })
                    })?,
            ),
            None => None,
        };
        if let Some(before) = &before {
            input.keep_unsaid(&mut new, before);
        }
        let mut event = self.event(caller, action, "reservation", &what, Some(server));
        event.before_json = before.as_ref().and_then(|b| serde_json::to_string(b).ok());
        event.after_json = serde_json::to_string(&new).ok();
        let change = match was {
            None => GlobalChange::Create(new.clone()),
            Some(id) => GlobalChange::Update {
                was: id.clone(),
                new: new.clone(),
                if_version: input.version.clone().filter(|v| !v.is_empty()),
            },
        };
        let driver = self.driver(server).await?;
        let id = self.begin(&event).await?;
        self.conclude(id, driver.put_scope_host(scope, &change).await, None)
            .await?;
        let copy = GlobalChange::Copy {
            was: was.cloned().unwrap_or_else(|| new.client_id.clone()),
            new,
        };
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                partner.put_scope_host(scope, &copy).await
            })
            .await;
        self.scope_touched(server, scope, &replication).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// Deletes the reservation without an address of client `id` in scope `scope` from
    /// `server`, then from its partner.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope))]
    pub async fn delete_scope_host(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope: ScopeId,
        id: &ClientId,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = format!(
            "reservation without an address for {} in scope {scope}",
            id.described()
        );
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            "delete_scope_host",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let event = self.event(
            caller,
            "delete_scope_host",
            "reservation",
            &what,
            Some(server),
        );
        let change = GlobalChange::Delete {
            id: id.clone(),
            must_exist: true,
        };
        let event_id = self.begin(&event).await?;
        self.conclude(event_id, driver.put_scope_host(scope, &change).await, None)
            .await?;
        // Already gone there: the partner holds what this server holds.
        let change = GlobalChange::Delete {
            id: id.clone(),
            must_exist: false,
        };
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                partner.put_scope_host(scope, &change).await
            })
            .await;
        self.scope_touched(server, scope, &replication).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// Tells the views a scope changed on `server` (and on its partner when it followed).
    async fn scope_touched(
        &self,
        server: &ServerName,
        scope: ScopeId,
        replication: &ReplicationOutcome,
    ) {
        let mut servers = vec![server.clone()];
        if let ReplicationOutcome::Replicated { partner } = replication {
            servers.push(partner.clone());
        }
        let servers: Vec<&ServerName> = servers.iter().collect();
        self.touched("scope", &servers, Some(scope)).await;
    }
}
