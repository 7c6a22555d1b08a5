//! Reservations: listed per scope; created, edited and deleted through Tandem and applied to
//! the partner before the caller hears of success.

use super::{Caller, ServiceError, Tandem};
use crate::driver::DriverError;
use std::net::Ipv4Addr;
use tandem_core::access::Permission;
use tandem_core::validate::{NewReservation, reservation_fits_on};
use tandem_core::views::{ChangeOutcome, Page, ReservationHit, ReservationQuery, ReservationsView};
use tandem_core::{FieldError, ScopeId, ServerName};

fn object(ip: Ipv4Addr, scope: ScopeId) -> String {
    format!("reservation {ip} in scope {scope}")
}

impl Tandem {
    /// The Reservations view of one scope on one server.
    #[tracing::instrument(skip_all, err)]
    pub async fn list_reservations(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        query: &ReservationQuery,
    ) -> Result<ReservationsView, ServiceError> {
        self.authorize(caller, Permission::View, Some(server), "view", "")
            .await?;
        let (mut row, mut scope) = self.scope_row(server, scope_id).await?;
        let version = scope.properties_version();
        let (usage, partner_usage) = self.usage_beside(&row, &scope).await?;
        row.usage = usage;
        let query = ReservationQuery {
            page: Page::new(query.page.number, query.page.size),
            ..query.clone()
        };
        let (reservations, total) = query.apply(&scope.reservations);
        scope.reservations.clear();
        // What is kept of each reservation stays with the reservations, not the scope's facts.
        if let Some(kept) = scope.kept.as_mut() {
            kept.hosts.clear();
        }
        Ok(ReservationsView {
            row,
            scope,
            version,
            reservations,
            total,
            page: query.page,
            partner_usage,
        })
    }

    /// The global search: reservations by address, client ID (MAC) or name, across every
    /// scope on every server the caller reaches (from the inventory).
    #[tracing::instrument(skip_all, err)]
    pub async fn search_reservations(
        &self,
        caller: &Caller,
        text: &str,
    ) -> Result<Vec<ReservationHit>, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        self.ensure_inventory().await?;
        let mut conn = self.store.pool().acquire().await?;
        Ok(crate::store::inventory::search_reservations(
            &mut conn,
            text,
            caller.principal.servers.as_deref(),
        )
        .await?)
    }

    /// Creates a reservation on `server`, then on its partner when the scope is in failover.
    /// Bad input is refused, field by field, before anything is written anywhere.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn create_reservation(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        input: &NewReservation,
    ) -> Result<ChangeOutcome, ServiceError> {
        self.create_reservation_undoing(caller, server, scope_id, input, None)
            .await
    }

    /// [`Tandem::create_reservation`], recorded as reversing event `undoes` when given.
    pub(crate) async fn create_reservation_undoing(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        input: &NewReservation,
        undoes: Option<i64>,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = format!(
            "reservation {} in scope {scope_id}",
            input.ip_address.trim()
        );
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            "create_reservation",
            &what,
        )
        .await?;
        let reservation = input.parse()?;
        let driver = self.driver(server).await?;
        let scope = driver.scope_to_check(scope_id).await?;
        reservation_fits_on(driver.capabilities().placement, &scope, &reservation, None)?;
        let partnership = match self.partnership(driver.as_ref(), scope_id).await? {
            Some(p) => Some(p.sharing_hosts(driver.as_ref()).await),
            None => None,
        };
        let mut event = self.event(
            caller,
            "create_reservation",
            "reservation",
            &object(reservation.ip_address, scope_id),
            Some(server),
        );
        event.after_json = serde_json::to_string(&reservation).ok();
        event.undoes = undoes;
        self.apply_change(
            event,
            &driver,
            scope_id,
            partnership,
            || driver.add_reservation(scope_id, &reservation),
            |partner| {
                let r = reservation.clone();
                async move { partner.add_reservation(scope_id, &r).await }
            },
        )
        .await
    }

    /// Edits the reservation at `ip` (address, client ID, name, description, type), provided
    /// it is still at `expected_version`: an edit based on a stale copy is refused with the current
    /// value, never applied over someone else's change. Then the partner gets the same.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn edit_reservation(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        ip: Ipv4Addr,
        expected_version: &str,
        input: &NewReservation,
    ) -> Result<ChangeOutcome, ServiceError> {
        self.edit_reservation_undoing(caller, server, scope_id, ip, expected_version, input, None)
            .await
    }

    /// [`Tandem::edit_reservation`], recorded as reversing event `undoes` when given.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn edit_reservation_undoing(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        ip: Ipv4Addr,
        expected_version: &str,
        input: &NewReservation,
        undoes: Option<i64>,
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = object(ip, scope_id);
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            "edit_reservation",
            &what,
        )
        .await?;
        let mut new = input.parse()?;
        let driver = self.driver(server).await?;
        let scope = driver.scope_to_check(scope_id).await?;
        let before = scope.reservation(ip).cloned().ok_or_else(|| {
            ServiceError::NotFound(format!("reservation {ip} in scope {scope_id} on {server}"))
        })?;
        input.keep_unsaid(&mut new, &before);
        if before.version() != expected_version {
            return Err(ServiceError::Conflict {
                message: format!(
                    "reservation {ip} on {server} was changed by someone else after you opened it"
                ),
                current: Some(Box::new(before)),
            });
        }
        reservation_fits_on(driver.capabilities().placement, &scope, &new, Some(ip))?;
        let partnership = match self.partnership(driver.as_ref(), scope_id).await? {
            Some(p) => Some(p.sharing_hosts(driver.as_ref()).await),
            None => None,
        };
        let mut event = self.event(
            caller,
            "edit_reservation",
            "reservation",
            &object(ip, scope_id),
            Some(server),
        );
        event.before_json = serde_json::to_string(&before).ok();
        event.after_json = serde_json::to_string(&new).ok();
        event.undoes = undoes;
        // The server checks the version again as it writes: two editors racing past the check
        // above cannot both win.
        self.apply_change(
            event,
            &driver,
            scope_id,
            partnership,
            || driver.update_reservation(scope_id, ip, &new, Some(expected_version)),
            |partner| {
                let r = new.clone();
                async move {
                    // The partner's copy is overwritten, as replication does; one that lacks
                    // the reservation gets it.
                    match partner.update_reservation(scope_id, ip, &r, None).await {
                        Err(DriverError::NotFound { .. }) => {
                            partner.add_reservation(scope_id, &r).await
                        }
                        other => other,
                    }
                }
            },
        )
        .await
    }

    /// Deletes a reservation on `server`, then on its partner when the scope is in failover.
    /// A partner that already lacks it is in the state asked for.
    #[tracing::instrument(skip_all, err, fields(server = %server, scope = %scope_id))]
    pub async fn delete_reservation(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        ip: Ipv4Addr,
        expected_version: Option<&str>,
    ) -> Result<ChangeOutcome, ServiceError> {
        self.delete_reservation_undoing(caller, server, scope_id, ip, expected_version, None)
            .await
    }

    /// [`Tandem::delete_reservation`], recorded as reversing event `undoes` when given.
    pub(crate) async fn delete_reservation_undoing(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        ip: Ipv4Addr,
        expected_version: Option<&str>,
        undoes: Option<i64>,
    ) -> Result<ChangeOutcome, ServiceError> {
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            "delete_reservation",
            &object(ip, scope_id),
        )
        .await?;
        let driver = self.driver(server).await?;
        let scope = driver.scope_to_check(scope_id).await?;
        let existing = scope.reservation(ip).cloned().ok_or_else(|| {
            ServiceError::Validation(
                FieldError::new(
                    "ip_address",
                    format!("there is no reservation for {ip} in scope {scope_id} on {server}"),
                )
                .into(),
            )
        })?;
        if expected_version.is_some_and(|v| v != existing.version()) {
            return Err(ServiceError::Conflict {
                message: format!(
                    "reservation {ip} on {server} was changed by someone else after you opened it"
                ),
                current: Some(Box::new(existing)),
            });
        }
        let partnership = match self.partnership(driver.as_ref(), scope_id).await? {
            Some(p) => Some(p.sharing_hosts(driver.as_ref()).await),
            None => None,
        };
        let mut event = self.event(
            caller,
            "delete_reservation",
            "reservation",
            &object(ip, scope_id),
            Some(server),
        );
        event.before_json = serde_json::to_string(&existing).ok();
        event.undoes = undoes;
        // A partner that already lacks it is in the state asked for.
        self.apply_change(
            event,
            &driver,
            scope_id,
            partnership,
            || driver.remove_reservation(scope_id, ip),
            |partner| async move {
                match partner.remove_reservation(scope_id, ip).await {
                    Err(DriverError::NotFound { .. }) | Ok(()) => Ok(()),
                    Err(e) => Err(e),
                }
            },
        )
        .await
    }
}
