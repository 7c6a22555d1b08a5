//! Writes to one DHCP server, ordered across every Tandem instance on one PostgreSQL
//! database: each write through a driver holds that server's advisory lock from before it reads
//! what it changes until it has written (Kea has no conditional write, so two instances'
//! read-modify-write cycles on one server would otherwise interleave and one edit would undo
//! the other). Within one process the drivers' own locks already order them; the lock here is
//! a transaction-scoped one, released when the write ends however it ends (the transaction is
//! rolled back, or its connection closes with a dead process).

use super::{DhcpDriver, DriverError, GlobalChange, RelationshipConfig, Touched};
use async_trait::async_trait;
use sha2::Digest;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;
use tandem_core::{
    FailoverRelationship, FailoverReport, FailoverState, Reservation, Scope, ScopeId, ServerName,
};

/// The first half of a server lock's key ("td"): apart from Tandem's other advisory locks,
/// which use the one-number form.
const SERVER_LOCK_CLASS: i32 = 0x7464;

/// The database that holds the servers' locks.
#[derive(Clone)]
pub struct ServerLocks {
    pool: sqlx::AnyPool,
}

impl ServerLocks {
    pub fn new(pool: sqlx::AnyPool) -> Self {
        Self { pool }
    }

    /// Waits for `server`'s lock and holds it until the returned transaction is dropped.
    async fn hold(
        &self,
        server: &ServerName,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, DriverError> {
        let unavailable = |e: sqlx::Error| DriverError::Unreachable {
            server: server.clone(),
            detail: format!("its write lock could not be taken in Tandem's database: {e}"),
        };
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(SERVER_LOCK_CLASS)
            .bind(lock_key(server))
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        Ok(tx)
    }
}

/// A server's lock number: the first four bytes of its name's SHA-256 (the same in every
/// process; two names sharing one only wait for each other).
fn lock_key(server: &ServerName) -> i32 {
    let digest = sha2::Sha256::digest(server.as_str().as_bytes());
    i32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// A driver whose writes hold their server's lock.
pub struct Serialized {
    inner: Arc<dyn DhcpDriver>,
    locks: ServerLocks,
}

impl Serialized {
    pub fn new(inner: Arc<dyn DhcpDriver>, locks: ServerLocks) -> Self {
        Self { inner, locks }
    }
}

/// Runs a write of `self.inner` with the server's lock held.
macro_rules! locked {
    ($self:ident, $call:expr) => {{
        let _held = $self.locks.hold($self.inner.server()).await?;
        $call.await
    }};
}

#[async_trait]
impl DhcpDriver for Serialized {
    fn server(&self) -> &ServerName {
        self.inner.server()
    }
    fn capabilities(&self) -> super::Capabilities {
        self.inner.capabilities()
    }
    async fn revision(&self) -> Result<Option<String>, DriverError> {
        self.inner.revision().await
    }
    async fn scopes(&self) -> Result<Vec<Scope>, DriverError> {
        self.inner.scopes().await
    }
    async fn scopes_to_check(&self) -> Result<Vec<Scope>, DriverError> {
        self.inner.scopes_to_check().await
    }
    async fn scope(&self, id: ScopeId) -> Result<Scope, DriverError> {
        self.inner.scope(id).await
    }
    async fn scope_to_check(&self, id: ScopeId) -> Result<Scope, DriverError> {
        self.inner.scope_to_check(id).await
    }
    async fn put_scope(&self, scope: &Scope) -> Result<(), DriverError> {
        locked!(self, self.inner.put_scope(scope))
    }
    async fn put_scope_properties(
        &self,
        scope: &Scope,
        if_version: Option<&str>,
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.put_scope_properties(scope, if_version))
    }
    async fn add_reservation(&self, scope: ScopeId, r: &Reservation) -> Result<(), DriverError> {
        locked!(self, self.inner.add_reservation(scope, r))
    }
    async fn update_reservation(
        &self,
        scope: ScopeId,
        ip: Ipv4Addr,
        r: &Reservation,
        if_match: Option<&str>,
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.update_reservation(scope, ip, r, if_match))
    }
    async fn remove_reservation(&self, scope: ScopeId, ip: Ipv4Addr) -> Result<(), DriverError> {
        locked!(self, self.inner.remove_reservation(scope, ip))
    }
    async fn delete_scope(&self, scope: ScopeId) -> Result<(), DriverError> {
        locked!(self, self.inner.delete_scope(scope))
    }
    async fn failover(&self) -> Result<Vec<FailoverReport>, DriverError> {
        self.inner.failover().await
    }
    async fn relationships(&self) -> Result<Vec<FailoverRelationship>, DriverError> {
        self.inner.relationships().await
    }
    async fn create_relationship(&self, r: &RelationshipConfig) -> Result<(), DriverError> {
        locked!(self, self.inner.create_relationship(r))
    }
    async fn create_relationship_holding(
        &self,
        r: &RelationshipConfig,
        copies: &[Scope],
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.create_relationship_holding(r, copies))
    }
    async fn update_relationship(&self, r: &RelationshipConfig) -> Result<(), DriverError> {
        locked!(self, self.inner.update_relationship(r))
    }
    async fn update_relationship_with(
        &self,
        partner: &dyn DhcpDriver,
        r: &RelationshipConfig,
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.update_relationship_with(partner, r))
    }
    async fn raw_failover_state(&self) -> Option<String> {
        self.inner.raw_failover_state().await
    }
    async fn delete_relationship(&self, name: &str) -> Result<(), DriverError> {
        locked!(self, self.inner.delete_relationship(name))
    }
    async fn add_failover_scope(&self, name: &str, scope: ScopeId) -> Result<(), DriverError> {
        locked!(self, self.inner.add_failover_scope(name, scope))
    }
    async fn remove_failover_scope(&self, name: &str, scope: ScopeId) -> Result<(), DriverError> {
        locked!(self, self.inner.remove_failover_scope(name, scope))
    }
    async fn set_partner_down(&self, name: &str) -> Result<FailoverState, DriverError> {
        locked!(self, self.inner.set_partner_down(name))
    }
    async fn set_service_running(&self, running: bool) -> Result<(), DriverError> {
        locked!(self, self.inner.set_service_running(running))
    }
    async fn write_method(&self) -> Option<String> {
        self.inner.write_method().await
    }
    async fn usage(
        &self,
        scopes: &[Scope],
    ) -> Result<Vec<(ScopeId, tandem_core::usage::ScopeUsage)>, DriverError> {
        self.inner.usage(scopes).await
    }
    async fn review_facts(&self) -> Result<tandem_core::review::ServerFacts, DriverError> {
        self.inner.review_facts().await
    }
    async fn client_classes(&self) -> Result<Option<Vec<tandem_core::ClientClass>>, DriverError> {
        self.inner.client_classes().await
    }
    async fn put_client_class(
        &self,
        creating: Option<bool>,
        class: &tandem_core::ClassSpec,
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.put_client_class(creating, class))
    }
    async fn delete_client_class(&self, name: &str) -> Result<(), DriverError> {
        locked!(self, self.inner.delete_client_class(name))
    }
    async fn server_options(&self) -> Result<Option<tandem_core::ServerOptions>, DriverError> {
        self.inner.server_options().await
    }
    async fn put_server_options(
        &self,
        options: &std::collections::BTreeMap<u8, tandem_core::OptionValue>,
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.put_server_options(options))
    }
    async fn find_leases(
        &self,
        query: &tandem_core::usage::LeaseQuery,
    ) -> Result<Vec<tandem_core::usage::LeaseHit>, DriverError> {
        self.inner.find_leases(query).await
    }
    async fn delete_lease(&self, ip: Ipv4Addr) -> Result<bool, DriverError> {
        locked!(self, self.inner.delete_lease(ip))
    }
    async fn clear_leases(&self, scope: ScopeId) -> Result<u64, DriverError> {
        locked!(self, self.inner.clear_leases(scope))
    }
    async fn shared_hosts(&self) -> Option<String> {
        self.inner.shared_hosts().await
    }
    async fn settle(&self) -> Result<(), DriverError> {
        self.inner.settle().await
    }
    fn touched(&self) -> Option<Touched> {
        self.inner.touched()
    }
    fn settle_bound(&self) -> Option<Duration> {
        self.inner.settle_bound()
    }
    async fn set_maintenance(&self, name: &str, on: bool) -> Result<FailoverState, DriverError> {
        locked!(self, self.inner.set_maintenance(name, on))
    }
    async fn cancel_maintenance(&self, name: &str) -> Result<(), DriverError> {
        locked!(self, self.inner.cancel_maintenance(name))
    }
    async fn global_reservations(
        &self,
    ) -> Result<Option<tandem_core::GlobalReservations>, DriverError> {
        self.inner.global_reservations().await
    }
    async fn put_global_reservation(&self, change: &GlobalChange) -> Result<(), DriverError> {
        locked!(self, self.inner.put_global_reservation(change))
    }
    async fn put_scope_host(
        &self,
        scope: ScopeId,
        change: &GlobalChange,
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.put_scope_host(scope, change))
    }
    async fn copy_global_reservations(
        &self,
        from: &tandem_core::GlobalReservations,
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.copy_global_reservations(from))
    }
    async fn pool(
        &self,
        scope: ScopeId,
        range: tandem_core::IpRange,
    ) -> Result<Option<tandem_core::PoolSettings>, DriverError> {
        self.inner.pool(scope, range).await
    }
    async fn put_pool(
        &self,
        scope: ScopeId,
        range: tandem_core::IpRange,
        classes: &[String],
        options: &std::collections::BTreeMap<u8, tandem_core::OptionValue>,
    ) -> Result<(), DriverError> {
        locked!(self, self.inner.put_pool(scope, range, classes, options))
    }
}

#[cfg(test)]
mod tests {
    /// The names of the functions declared in `text` from its line `from` to the closing brace
    /// of that block at the start of a line.
    fn functions(text: &str, from: &str) -> Vec<String> {
        let start = text.find(from).expect("block found");
        let block = &text[start..];
        let end = block.find("\n}\n").expect("block ends");
        block[..end]
            .lines()
            .filter_map(|l| {
                let l = l.trim_start();
                let l = l.strip_prefix("async ").unwrap_or(l);
                l.strip_prefix("fn ")
                    .map(|rest| rest.split(['(', '<']).next().unwrap_or("").to_string())
            })
            .collect()
    }

    #[test]
    fn every_driver_function_is_passed_on() {
        // A function left to the trait's default here would not reach the server's own driver
        // (a Kea pair's change of mode would not be handed over on PostgreSQL).
        let declared = functions(include_str!("mod.rs"), "pub trait DhcpDriver");
        let passed = functions(
            include_str!("serialized.rs"),
            "impl DhcpDriver for Serialized",
        );
        assert!(declared.len() > 30, "{declared:?}");
        let missing: Vec<_> = declared.iter().filter(|f| !passed.contains(f)).collect();
        assert!(missing.is_empty(), "not passed on: {missing:?}");
    }
}
