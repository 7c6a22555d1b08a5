//! Reservations: listed per scope, created and deleted through Tandem and applied to the
//! partner before the caller hears of success.

use super::{Actor, ServiceError, Tandem, describe};
use crate::driver::DriverError;
use crate::store::events::Event;
use std::net::Ipv4Addr;
use tandem_core::validate::{NewReservation, reservation_fits};
use tandem_core::views::{ChangeOutcome, ReservationsView};
use tandem_core::{FieldError, ScopeId, ServerName};

impl Tandem {
    /// The Reservations view of one scope on one server.
    #[tracing::instrument(skip_all, err)]
    pub async fn list_reservations(
        &self,
        server: &ServerName,
        scope_id: ScopeId,
    ) -> Result<ReservationsView, ServiceError> {
        let (row, scope) = self.scope_row(server, scope_id).await?;
        Ok(ReservationsView {
            row,
            reservations: scope.reservations,
        })
    }

    /// Creates a reservation on `server`, then on its partner when the scope is in failover.
    /// Bad input is refused, field by field, before anything is written anywhere.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn create_reservation(
        &self,
        actor: &Actor,
        server: &ServerName,
        scope_id: ScopeId,
        input: &NewReservation,
    ) -> Result<ChangeOutcome, ServiceError> {
        let reservation = input.parse()?;
        let driver = self.driver(server).await?;
        let scope = driver.scope(scope_id).await?;
        reservation_fits(&scope, &reservation)?;
        let partnership = self.partnership(driver.as_ref(), scope_id).await?;
        driver.add_reservation(scope_id, &reservation).await?;
        let replication = self
            .replicate_change(server, scope_id, partnership, |partner| {
                let r = reservation.clone();
                async move { partner.add_reservation(scope_id, &r).await }
            })
            .await?;
        self.record(Event {
            actor: actor.name.clone(),
            action: "create_reservation".into(),
            server: Some(server.to_string()),
            object: format!("reservation {} in scope {scope_id}", reservation.ip_address),
            before_json: None,
            after_json: serde_json::to_string(&reservation).ok(),
            outcome: "ok".into(),
            replication: describe(&replication),
        })
        .await?;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }

    /// Deletes a reservation on `server`, then on its partner when the scope is in failover.
    /// A partner that already lacks it is in the state asked for.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn delete_reservation(
        &self,
        actor: &Actor,
        server: &ServerName,
        scope_id: ScopeId,
        ip: Ipv4Addr,
    ) -> Result<ChangeOutcome, ServiceError> {
        let driver = self.driver(server).await?;
        let scope = driver.scope(scope_id).await?;
        let existing = scope.reservation(ip).cloned().ok_or_else(|| {
            ServiceError::Validation(
                FieldError::new(
                    "ip_address",
                    format!("there is no reservation for {ip} in scope {scope_id} on {server}"),
                )
                .into(),
            )
        })?;
        let partnership = self.partnership(driver.as_ref(), scope_id).await?;
        driver.remove_reservation(scope_id, ip).await?;
        let replication = self
            .replicate_change(server, scope_id, partnership, |partner| async move {
                match partner.remove_reservation(scope_id, ip).await {
                    Err(DriverError::NotFound { .. }) | Ok(()) => Ok(()),
                    Err(e) => Err(e),
                }
            })
            .await?;
        self.record(Event {
            actor: actor.name.clone(),
            action: "delete_reservation".into(),
            server: Some(server.to_string()),
            object: format!("reservation {ip} in scope {scope_id}"),
            before_json: serde_json::to_string(&existing).ok(),
            after_json: None,
            outcome: "ok".into(),
            replication: describe(&replication),
        })
        .await?;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }
}
