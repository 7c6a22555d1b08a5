//! A scope's reservations without an address on Scope Properties (Kea: a subnet's hosts that
//! give their client settings — a host name, boot fields, classes, options — and leave the
//! address to the pool): listed, each created, edited and deleted on the server and then its
//! HA partner. A scope replication and drift already carry them whole, among its kept settings.

use super::hosts::HostPlace;
use super::{Caller, ServiceError, Tandem};
use crate::driver::kea::global_hosts::scope_host_of;
use tandem_core::views::ChangeOutcome;
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
        self.put_host(caller, server, HostPlace::Scope(scope), was, input)
            .await
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
        self.delete_host(caller, server, HostPlace::Scope(scope), id)
            .await
    }
}
