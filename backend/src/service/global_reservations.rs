//! Server-wide reservations on Server Properties (Kea's global `reservations`): listed, each
//! created, edited and deleted on the server and then its HA partner, and the whole list
//! replicated to the partner when the two differ.

use super::{Caller, ServiceError, Tandem};
use crate::driver::{DriverError, GlobalChange};
use tandem_core::access::Permission;
use tandem_core::views::{ChangeOutcome, ReplicationOutcome};
use tandem_core::{ClientId, GlobalReservations, NewGlobalReservation, ServerName};

impl Tandem {
    /// Server `server`'s server-wide reservations; `None` where it cannot hold any (the
    /// built-in server).
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn global_reservations(
        &self,
        caller: &Caller,
        server: &ServerName,
    ) -> Result<Option<GlobalReservations>, ServiceError> {
        self.authorize(caller, Permission::View, Some(server), "view", "")
            .await?;
        Ok(self.driver(server).await?.global_reservations().await?)
    }

    /// Creates a server-wide reservation (`was` `None`) or edits the one of client `was`, on
    /// `server` and then its HA partner. What an edit leaves out of the reservation's settings
    /// it keeps; an edit naming a version is refused when the reservation changed since.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn put_global_reservation(
        &self,
        caller: &Caller,
        server: &ServerName,
        was: Option<&ClientId>,
        input: &NewGlobalReservation,
    ) -> Result<ChangeOutcome, ServiceError> {
        let action = match was {
            None => "create_global_reservation",
            Some(_) => "edit_global_reservation",
        };
        let what = format!(
            "server-wide reservation for {}",
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
        let driver = self.driver(server).await?;
        let Some(have) = driver.global_reservations().await? else {
            return Err(DriverError::NotSupported {
                server: server.clone(),
                what: "server-wide reservations".into(),
            }
            .into());
        };
        let before = match was {
            Some(id) => Some(have.find(id).cloned().ok_or_else(|| {
                ServiceError::from(DriverError::NotFound {
                    server: server.clone(),
                    what: format!("server-wide reservation for {}", id.described()),
                })
            })?),
            None => None,
        };
        if let Some(before) = &before {
            input.keep_unsaid(&mut new, before);
        }
        let mut event = self.event(caller, action, "global_reservation", &what, Some(server));
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
        let id = self.begin(&event).await?;
        self.conclude(id, driver.put_global_reservation(&change).await, None)
            .await?;
        let copy = GlobalChange::Copy {
            was: was.cloned().unwrap_or_else(|| new.client_id.clone()),
            new,
        };
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                partner.put_global_reservation(&copy).await
            })
            .await;
        self.touched("server", &[server], None).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// Deletes the server-wide reservation of client `id` from `server`, then its partner.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn delete_global_reservation(
        &self,
        caller: &Caller,
        server: &ServerName,
        id: &ClientId,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = format!("server-wide reservation for {}", id.described());
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            "delete_global_reservation",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let event = self.event(
            caller,
            "delete_global_reservation",
            "global_reservation",
            &what,
            Some(server),
        );
        let change = GlobalChange::Delete {
            id: id.clone(),
            must_exist: true,
        };
        let event_id = self.begin(&event).await?;
        self.conclude(event_id, driver.put_global_reservation(&change).await, None)
            .await?;
        // Already gone there: the partner holds what this server holds.
        let change = GlobalChange::Delete {
            id: id.clone(),
            must_exist: false,
        };
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                partner.put_global_reservation(&change).await
            })
            .await;
        self.touched("server", &[server], None).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// Makes `server`'s HA partner hold exactly `server`'s server-wide reservations (each
    /// whole, those Tandem does not show included): what mends a difference the
    /// configuration review found.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn replicate_global_reservations(
        &self,
        caller: &Caller,
        server: &ServerName,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = format!("server-wide reservations of {server}");
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            "replicate_global_reservations",
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        let Some(source) = driver.global_reservations().await? else {
            return Err(DriverError::NotSupported {
                server: server.clone(),
                what: "server-wide reservations".into(),
            }
            .into());
        };
        let mut event = self.event(
            caller,
            "replicate_global_reservations",
            "global_reservation",
            &what,
            Some(server),
        );
        event.after_json = Some(source.definition.clone());
        let id = self.begin(&event).await?;
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                partner.copy_global_reservations(&source).await
            })
            .await;
        let result = match &replication {
            ReplicationOutcome::Failed { partner, error } => Err(DriverError::Rejected {
                server: partner.clone(),
                errors: tandem_core::FieldError::new("partner", error.clone()).into(),
            }),
            ReplicationOutcome::NotInFailover => Err(DriverError::NotSupported {
                server: server.clone(),
                what: "replication without an HA partner".into(),
            }),
            _ => Ok(()),
        };
        self.conclude(id, result, None).await?;
        self.touched("server", &[server], None).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }
}
