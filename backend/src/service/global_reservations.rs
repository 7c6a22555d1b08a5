//! Server-wide reservations on Server Properties (Kea's global `reservations`): listed, each
//! created, edited and deleted on the server and then its HA partner, and the whole list
//! replicated to the partner when the two differ.

use super::hosts::HostPlace;
use super::{Caller, ServiceError, Tandem};
use crate::driver::DriverError;
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
        self.put_host(caller, server, HostPlace::Server, was, input)
            .await
    }

    /// Deletes the server-wide reservation of client `id` from `server`, then its partner.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn delete_global_reservation(
        &self,
        caller: &Caller,
        server: &ServerName,
        id: &ClientId,
    ) -> Result<ChangeOutcome, ServiceError> {
        self.delete_host(caller, server, HostPlace::Server, id)
            .await
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
