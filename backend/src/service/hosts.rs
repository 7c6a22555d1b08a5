//! The one flow behind a reservation by client identifier that is not a scope's addressed one
//! — a server-wide reservation (Kea's global `reservations`) or a scope's reservation without
//! an address: made, edited or deleted on the server and then its HA partner, audited, with
//! what an edit leaves out of the settings kept.

use super::{Caller, ServiceError, Tandem};
use crate::driver::{DhcpDriver, DriverError, GlobalChange};
use std::sync::Arc;
use tandem_core::access::Permission;
use tandem_core::views::{ChangeOutcome, ReplicationOutcome};
use tandem_core::{ClientId, GlobalReservation, NewGlobalReservation, ScopeId, ServerName};

/// Where such a reservation is held.
#[derive(Debug, Clone, Copy)]
pub(super) enum HostPlace {
    /// The server's own list (Kea's global `reservations`).
    Server,
    /// A scope's reservations without an address.
    Scope(ScopeId),
}

impl HostPlace {
    /// The reservation of client `who`, in words.
    fn what(self, who: &str) -> String {
        match self {
            Self::Server => format!("server-wide reservation for {who}"),
            Self::Scope(scope) => {
                format!("reservation without an address for {who} in scope {scope}")
            }
        }
    }

    /// The Event Catalog's name of `verb` (`create`, `edit`, `delete`) done here.
    fn action(self, verb: &str) -> String {
        match self {
            Self::Server => format!("{verb}_global_reservation"),
            Self::Scope(_) => format!("{verb}_scope_host"),
        }
    }

    fn object(self) -> &'static str {
        match self {
            Self::Server => "global_reservation",
            Self::Scope(_) => "reservation",
        }
    }

    /// What the server cannot hold, said when it holds none of them (the built-in one).
    fn unsupported(self) -> &'static str {
        match self {
            Self::Server => "server-wide reservations",
            Self::Scope(_) => "reservations without an address",
        }
    }

    /// `change` made on `driver`'s server.
    async fn write(
        self,
        driver: &Arc<dyn DhcpDriver>,
        change: &GlobalChange,
    ) -> Result<(), DriverError> {
        match self {
            Self::Server => driver.put_global_reservation(change).await,
            Self::Scope(scope) => driver.put_scope_host(scope, change).await,
        }
    }
}

impl Tandem {
    /// The reservations held at `place` on `server`; `None` where it holds none of that kind.
    async fn hosts_at(
        &self,
        caller: &Caller,
        server: &ServerName,
        place: HostPlace,
    ) -> Result<Option<Vec<GlobalReservation>>, ServiceError> {
        match place {
            HostPlace::Server => Ok(self
                .global_reservations(caller, server)
                .await?
                .map(|g| g.hosts)),
            HostPlace::Scope(scope) => self.scope_hosts(caller, server, scope).await,
        }
    }

    /// Creates the reservation of `input`'s client at `place` (`was` `None`) or edits the one
    /// of client `was`, on `server` and then its HA partner. What an edit leaves out of the
    /// settings it keeps; one naming a version is refused when the reservation changed since.
    pub(super) async fn put_host(
        &self,
        caller: &Caller,
        server: &ServerName,
        place: HostPlace,
        was: Option<&ClientId>,
        input: &NewGlobalReservation,
    ) -> Result<ChangeOutcome, ServiceError> {
        let action = place.action(if was.is_some() { "edit" } else { "create" });
        let what = place.what(&match was {
            Some(id) => id.described(),
            None => input.client_id.trim().to_string(),
        });
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            &action,
            &what,
        )
        .await?;
        let mut new = input.parse().map_err(ServiceError::Validation)?;
        let Some(have) = self.hosts_at(caller, server, place).await? else {
            return Err(DriverError::NotSupported {
                server: server.clone(),
                what: place.unsupported().into(),
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
                            what: place.what(&id.described()),
                        })
                    })?,
            ),
            None => None,
        };
        if let Some(before) = &before {
            input.keep_unsaid(&mut new, before);
        }
        let mut event = self.event(caller, &action, place.object(), &what, Some(server));
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
        self.conclude(id, place.write(&driver, &change).await, None)
            .await?;
        let copy = GlobalChange::Copy {
            was: was.cloned().unwrap_or_else(|| new.client_id.clone()),
            new,
        };
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                place.write(&partner, &copy).await
            })
            .await;
        self.host_touched(server, place, &replication).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// Deletes the reservation of client `id` at `place` from `server`, then its partner.
    pub(super) async fn delete_host(
        &self,
        caller: &Caller,
        server: &ServerName,
        place: HostPlace,
        id: &ClientId,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = place.what(&id.described());
        let action = place.action("delete");
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            &action,
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let event = self.event(caller, &action, place.object(), &what, Some(server));
        let change = GlobalChange::Delete {
            id: id.clone(),
            must_exist: true,
        };
        let event_id = self.begin(&event).await?;
        self.conclude(event_id, place.write(&driver, &change).await, None)
            .await?;
        // Already gone there: the partner holds what this server holds.
        let change = GlobalChange::Delete {
            id: id.clone(),
            must_exist: false,
        };
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                place.write(&partner, &change).await
            })
            .await;
        self.host_touched(server, place, &replication).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// Tells the views what changed: the server, or the scope on it (and on its partner when
    /// it followed).
    async fn host_touched(
        &self,
        server: &ServerName,
        place: HostPlace,
        replication: &ReplicationOutcome,
    ) {
        match place {
            HostPlace::Server => self.touched("server", &[server], None).await,
            HostPlace::Scope(scope) => {
                let mut servers = vec![server.clone()];
                if let ReplicationOutcome::Replicated { partner } = replication {
                    servers.push(partner.clone());
                }
                let servers: Vec<&ServerName> = servers.iter().collect();
                self.touched("scope", &servers, Some(scope)).await;
            }
        }
    }
}
