//! Writing a Kea server by the least disruptive method it offers. With the host and subnet
//! commands (Kea 3), a reservation is one `reservation-add` / `-update` / `-del` and a scope one
//! `subnet4-add` / `-update` / `-del` plus its reservations' differences, each followed by
//! `config-write` where the change lives in the configuration file; nothing is reloaded, so
//! HA keeps serving. Without them (Kea 2.2), the change is a `config-set` of the whole
//! configuration ([`KeaDriver::modify_held`]).
//!
//! Tandem's rules are checked first, on the server's state as last read (kept by its
//! configuration hash), so that bad input never reaches Kea. A scope written as several
//! commands is all-or-nothing as far as Kea lets it be: a refused command undoes the ones
//! before it, and the error names the server and the command.

use super::host_commands::with_subnet;
use super::mapping::Within;
use super::offer::Hosts;
use super::{DriverError, KeaDriver, Placement, Snapshot, mapping, patch, write_lock};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use tandem_core::validate::{reservation_fits_on, scope_fits_on};
use tandem_core::{Kept, Reservation, Scope, ScopeId};

/// One change to one reservation.
pub(crate) enum HostChange {
    Add(Reservation),
    /// Replaces the reservation at `ip`; with `if_match`, only if it is still at that version.
    Update {
        ip: Ipv4Addr,
        new: Reservation,
        if_match: Option<String>,
    },
    Remove(Ipv4Addr),
}

/// What a scope write gives the server.
#[derive(Clone, Copy)]
pub(crate) enum ScopeWrite<'a> {
    /// The whole scope, reservations included (replication, a new scope).
    Whole,
    /// Its properties, exclusions and options; the server keeps its reservations. With
    /// `if_version`, only while its [`Scope::properties_version`] is that.
    Properties { if_version: Option<&'a str> },
}

impl KeaDriver {
    pub(super) fn rejected(&self, errors: tandem_core::FieldErrors) -> DriverError {
        DriverError::Rejected {
            server: self.name.clone(),
            errors,
        }
    }

    /// The scope after `change`, or why Tandem refuses it.
    fn changed(&self, scope: &Scope, change: &HostChange) -> Result<Scope, DriverError> {
        let missing = |ip: Ipv4Addr| DriverError::NotFound {
            server: self.name.clone(),
            what: format!("reservation {ip} in scope {}", scope.id),
        };
        let mut next = scope.clone();
        match change {
            HostChange::Add(r) => {
                reservation_fits_on(Placement::InSubnet, scope, r, None)
                    .map_err(|e| self.rejected(e))?;
                next.reservations.push(r.clone());
            }
            HostChange::Update { ip, new, if_match } => {
                let current = scope.reservation(*ip).ok_or_else(|| missing(*ip))?;
                if if_match.as_deref().is_some_and(|v| v != current.version()) {
                    return Err(DriverError::Stale {
                        server: self.name.clone(),
                        detail: format!("reservation {ip} in scope {}", scope.id),
                        current: Some(Box::new(current.clone())),
                    });
                }
                reservation_fits_on(Placement::InSubnet, scope, new, Some(*ip))
                    .map_err(|e| self.rejected(e))?;
                next.reservations.retain(|x| x.ip_address != *ip);
                next.reservations.push(new.clone());
                // What the host holds beyond the model moves with it to its new address.
                if let Some(kept) = next.kept.as_mut()
                    && let Some(extras) = kept.hosts.remove(ip)
                {
                    kept.hosts.insert(new.ip_address, extras);
                }
            }
            HostChange::Remove(ip) => {
                scope.reservation(*ip).ok_or_else(|| missing(*ip))?;
                next.reservations.retain(|x| x.ip_address != *ip);
                if let Some(kept) = next.kept.as_mut() {
                    kept.hosts.remove(ip);
                }
            }
        }
        next.sort_reservations();
        Ok(next)
    }

    /// One reservation changed, by the host commands where the server has them.
    pub(super) async fn write_reservation(
        &self,
        id: ScopeId,
        change: HostChange,
    ) -> Result<(), DriverError> {
        let lock = write_lock(&self.url);
        let _held = lock.lock().await;
        // A write checks against the server as it is now, never an older read.
        self.begin_write();
        *self.touched.lock().expect("touched") = None;
        let offer = self.offer().await?;
        if !offer.host_commands() {
            return self
                .modify_held(|scopes| {
                    let scope = scopes
                        .iter_mut()
                        .find(|s| s.id == id)
                        .ok_or_else(|| self.no_scope(id))?;
                    *scope = self.changed(scope, &change)?;
                    Ok(((), vec![id]))
                })
                .await;
        }
        // Checked here, then by Kea as it runs the command; a hosts database's snapshot may be
        // what Tandem last read or wrote (see CHECKS).
        let snapshot = self.for_checks().await?;
        let scope = snapshot.scope(id).ok_or_else(|| self.no_scope(id))?;
        let next = self.changed(scope, &change)?;
        let subnet = snapshot.ids[&id];
        let hosts = &snapshot.hosts;
        // What the written host holds beyond Tandem's model, for what is kept of the server.
        let mut extras: Option<std::collections::BTreeMap<String, String>> = None;
        let command = match &change {
            HostChange::Add(r) => {
                self.host_add(subnet, r, hosts).await?;
                "reservation-add"
            }
            HostChange::Update { ip, new, .. } => {
                let current = scope
                    .reservation(*ip)
                    .expect("checked by changed()")
                    .clone();
                // The host as Kea holds it, with only what the edit names changed.
                let held = self.host_entry(subnet, *ip).await?;
                let patched =
                    patch::host(&held, &current, new, None).map_err(|e| self.rejected(e))?;
                extras = Some(mapping::host_extras(&patched));
                if current.client_id == new.client_id {
                    // Kea finds the host by its identifier; the address may change.
                    self.command(
                        "reservation-update",
                        Some(json!({
                            "reservation": with_subnet(subnet, patched),
                            "operation-target": hosts.target(),
                        })),
                    )
                    .await?;
                    "reservation-update"
                } else {
                    // Another client: the old host goes, the new one comes; should Kea refuse
                    // the new one, the old one is put back as it was.
                    self.host_del(subnet, *ip, hosts).await?;
                    if let Err(e) = self.host_put(subnet, patched, hosts).await {
                        if let Err(back) = self.host_put(subnet, held, hosts).await {
                            tracing::error!(server = %self.name, error = %back, "reservation {ip} not put back");
                        }
                        return Err(e);
                    }
                    "reservation-del and reservation-add"
                }
            }
            HostChange::Remove(ip) => {
                self.host_del(subnet, *ip, hosts).await?;
                "reservation-del"
            }
        };
        // A hosts database keeps the change by itself; the configuration file needs saving.
        if *hosts == Hosts::File {
            self.save(command).await?;
        }
        self.forget_sharers(hosts);
        let ips = match &change {
            HostChange::Add(r) => vec![r.ip_address],
            HostChange::Update { ip, new, .. } => vec![*ip, new.ip_address],
            HostChange::Remove(ip) => vec![*ip],
        };
        *self.touched.lock().expect("touched") = Some(super::super::Touched {
            scope: id,
            before_digest: scope.digest(),
            ips,
        });
        let mut next = next;
        if let Some(kept) = next.kept.as_mut() {
            match &change {
                HostChange::Add(r) => {
                    kept.hosts.remove(&r.ip_address);
                }
                HostChange::Update { ip, new, .. } => {
                    kept.hosts.remove(ip);
                    if let Some(e) = extras.filter(|e| !e.is_empty()) {
                        kept.hosts.insert(new.ip_address, e);
                    }
                }
                HostChange::Remove(ip) => {
                    kept.hosts.remove(ip);
                }
            }
        }
        self.after_write(&snapshot, id, Some(next), None).await
    }

    /// A scope written (created, replaced whole, or given new properties): by the subnet and
    /// host commands where the server has them and the subnet keeps its prefix; by
    /// `config-set` otherwise. Everything is read and checked within the server's write lock.
    pub(super) async fn write_scope(
        &self,
        scope: &Scope,
        how: ScopeWrite<'_>,
    ) -> Result<(), DriverError> {
        let lock = write_lock(&self.url);
        let _held = lock.lock().await;
        self.begin_write();
        let offer = self.offer().await?;
        let snapshot = self.authoritative().await?;
        let existing = snapshot.scope(scope.id);
        let scope = &self.as_written(scope, existing, how)?;
        let new_prefix = existing.is_some_and(|e| e.prefix_len != scope.prefix_len);
        // Subnet commands never move a subnet between shared networks nor change a network's
        // own settings: a copy that asks for that goes by config-set.
        let network_moves = match (&scope.kept, existing.and_then(|e| e.kept.as_ref())) {
            (Some(want), Some(have)) => network_places(want) != network_places(have),
            (Some(want), None) => network_places(want).len() > 1,
            _ => false,
        };
        if !offer.subnet_commands() || !offer.host_commands() || new_prefix || network_moves {
            let scope = scope.clone();
            return self
                .modify_held(|scopes| {
                    // Checked again on the configuration config-set replaces.
                    let current = scopes.iter().find(|s| s.id == scope.id);
                    let scope = self.as_written(&scope, current, how)?;
                    scopes.retain(|s| s.id != scope.id);
                    let id = scope.id;
                    scopes.push(scope);
                    Ok(((), vec![id]))
                })
                .await;
        }
        scope_fits_on(Placement::InSubnet, &snapshot.scopes, scope)
            .map_err(|e| self.rejected(e))?;
        let (subnet_id, before) = match existing {
            Some(e) => {
                let id = snapshot.ids[&scope.id];
                (id, Some((e, self.subnet_entry(id).await?)))
            }
            None => (snapshot.next_id(), None),
        };
        let base = match &before {
            Some((_, raw)) => raw.clone(),
            // A new subnet: its lifetime said, never left to what it would inherit.
            None => json!({
                "id": subnet_id,
                "subnet": format!("{}/{}", scope.id, scope.prefix_len),
                "valid-lifetime": scope.lease_duration_secs,
            }),
        };
        let mut entry =
            patch::subnet(&base, Within::default(), scope, false).map_err(|e| self.rejected(e))?;
        if let Some(map) = entry.as_object_mut() {
            // Reservations go by the host commands, never inside a subnet command.
            map.remove("reservations");
            map.remove("shared-network-name");
        }
        let hosts = &snapshot.hosts;
        let old: &[Reservation] = before.as_ref().map_or(&[], |(e, _)| &e.reservations);
        let old_kept = before.as_ref().and_then(|(e, _)| e.kept.as_ref());
        // What each reservation holds beyond the model: a copy's own, else the server's.
        let extras_of = |kept: Option<&Kept>, ip: &Ipv4Addr| {
            kept.and_then(|k| k.hosts.get(ip))
                .cloned()
                .unwrap_or_default()
        };
        // One pass each way, by address (scopes hold thousands of reservations).
        let by_ip = |list: &[Reservation]| -> HashMap<Ipv4Addr, Reservation> {
            list.iter().map(|r| (r.ip_address, r.clone())).collect()
        };
        let (old_by_ip, new_by_ip) = (by_ip(old), by_ip(&scope.reservations));
        let extras_differ = |r: &Reservation| {
            scope.kept.is_some()
                && extras_of(scope.kept.as_ref(), &r.ip_address)
                    != extras_of(old_kept, &r.ip_address)
        };
        let differs = |r: &Reservation, other: &HashMap<Ipv4Addr, Reservation>| {
            other.get(&r.ip_address) != Some(r) || extras_differ(r)
        };
        let network = scope
            .kept
            .as_ref()
            .and_then(Kept::shared_network)
            .filter(|_| before.is_none());
        if let Some(name) = network {
            let answer = self
                .exchange("network4-get", Some(json!({ "name": name })))
                .await?;
            if answer.result != 0 {
                return Err(self.rejected(
                    tandem_core::FieldError::new(
                        "shared_network",
                        format!("{} has no shared network '{name}'", self.name),
                    )
                    .into(),
                ));
            }
        }
        let mut done = Done::default();
        let applied = async {
            let (command, args) = match &before {
                Some(_) => ("subnet4-update", json!({ "subnet4": [entry] })),
                None => ("subnet4-add", json!({ "subnet4": [entry] })),
            };
            self.command(command, Some(args)).await?;
            done.subnet = true;
            if let Some(name) = network {
                self.command(
                    "network4-subnet-add",
                    Some(json!({ "name": name, "id": subnet_id })),
                )
                .await?;
            }
            // Every reservation that differs goes, then every one that differs comes: an
            // address or a client may move between them. Each comes back as the server held
            // it, with only what changed changed (a copy's settings where the write is one).
            let mut held: HashMap<Ipv4Addr, Value> = HashMap::new();
            for r in old.iter().filter(|r| differs(r, &new_by_ip)) {
                if scope.kept.is_none() && new_by_ip.contains_key(&r.ip_address) {
                    held.insert(
                        r.ip_address,
                        self.host_entry(subnet_id, r.ip_address).await?,
                    );
                }
                self.host_del(subnet_id, r.ip_address, hosts).await?;
                done.removed.push(r.clone());
            }
            for r in scope.reservations.iter().filter(|r| differs(r, &old_by_ip)) {
                let host = match (held.get(&r.ip_address), old_by_ip.get(&r.ip_address)) {
                    (Some(raw), Some(was)) => {
                        patch::host(raw, was, r, None).map_err(|e| self.rejected(e))?
                    }
                    _ => patch::full_host(r, scope.kept.as_ref()),
                };
                self.host_put(subnet_id, host, hosts).await?;
                done.added.push(r.ip_address);
            }
            self.replace_other_hosts(subnet_id, old_kept, scope.kept.as_ref(), hosts)
                .await?;
            Ok::<_, DriverError>(())
        }
        .await;
        if let Err(e) = applied {
            self.undo(subnet_id, before.as_ref().map(|(_, raw)| raw), done, hosts)
                .await;
            return Err(e);
        }
        self.save(if before.is_some() {
            "subnet4-update"
        } else {
            "subnet4-add"
        })
        .await?;
        let held = held_after(&entry, scope, old_kept);
        self.after_write(&snapshot, scope.id, Some(held), Some(subnet_id))
            .await
    }

    /// The scope a write gives the server, from what it asks (`how`) and what the server
    /// holds (`current`): refused when the properties moved since the version it names.
    pub(super) fn as_written(
        &self,
        scope: &Scope,
        current: Option<&Scope>,
        how: ScopeWrite<'_>,
    ) -> Result<Scope, DriverError> {
        let ScopeWrite::Properties { if_version } = how else {
            return Ok(scope.clone());
        };
        if let Some(version) = if_version {
            let current = current.ok_or_else(|| self.no_scope(scope.id))?;
            if current.properties_version() != version {
                return Err(self.stale_scope(scope.id));
            }
        }
        Ok(Scope {
            reservations: current
                .map_or_else(|| scope.reservations.clone(), |c| c.reservations.clone()),
            ..scope.clone()
        })
    }

    fn stale_scope(&self, id: ScopeId) -> DriverError {
        DriverError::Stale {
            server: self.name.clone(),
            detail: format!("scope {id}"),
            current: None,
        }
    }

    /// A scope's properties, exclusions and options, its reservations kept as the server has
    /// them: one `subnet4-update` and `config-write` where the server has the subnet commands
    /// and the prefix stays (no reservation is read or written, and the version is checked on
    /// what Tandem knows of the server by its configuration hash, which the properties move);
    /// otherwise [`Self::write_scope`] with the scope read whole.
    pub(super) async fn write_scope_properties(
        &self,
        scope: &Scope,
        if_version: Option<&str>,
    ) -> Result<(), DriverError> {
        let how = ScopeWrite::Properties { if_version };
        let lock = write_lock(&self.url);
        let held = lock.lock().await;
        self.begin_write();
        let offer = self.offer().await?;
        let snapshot = self.for_checks().await?;
        let current = snapshot.scope(scope.id);
        let simple =
            offer.subnet_commands() && current.is_some_and(|e| e.prefix_len == scope.prefix_len);
        let Some(current) = current.filter(|_| simple) else {
            drop(held);
            return self.write_scope(scope, how).await;
        };
        let kept = self.as_written(scope, Some(current), how)?;
        // The subnet alone: its own reservations are Kea's to keep, so only the subnet rules.
        scope_fits_on(Placement::InSubnet, &snapshot.scopes, &scope.properties())
            .map_err(|e| self.rejected(e))?;
        let subnet_id = snapshot.ids[&scope.id];
        let raw = self.subnet_entry(subnet_id).await?;
        // Kea's entry for the subnet, patched, without reservations (they stay Kea's).
        let mut entry = patch::subnet(&raw, Within::default(), &scope.properties(), false)
            .map_err(|e| self.rejected(e))?;
        if let Some(map) = entry.as_object_mut() {
            map.remove("reservations");
            map.remove("shared-network-name");
        }
        self.command("subnet4-update", Some(json!({ "subnet4": [entry] })))
            .await?;
        self.save("subnet4-update").await?;
        // The inventory records the scope's row again, none of its reservations.
        *self.touched.lock().expect("touched") = Some(super::super::Touched {
            scope: scope.id,
            before_digest: current.digest(),
            ips: Vec::new(),
        });
        let held = held_after(&entry, &kept, current.kept.as_ref());
        self.after_write(&snapshot, scope.id, Some(held), Some(subnet_id))
            .await
    }

    /// A scope deleted, its reservations first (Kea's `subnet4-del` leaves them behind).
    pub(super) async fn remove_scope(&self, id: ScopeId) -> Result<(), DriverError> {
        let lock = write_lock(&self.url);
        let _held = lock.lock().await;
        self.begin_write();
        let offer = self.offer().await?;
        if !offer.subnet_commands() || !offer.host_commands() {
            return self
                .modify_held(|scopes| {
                    if !scopes.iter().any(|s| s.id == id) {
                        return Err(self.no_scope(id));
                    }
                    scopes.retain(|s| s.id != id);
                    Ok(((), vec![]))
                })
                .await;
        }
        let snapshot = self.authoritative().await?;
        snapshot.scope(id).ok_or_else(|| self.no_scope(id))?;
        let subnet = snapshot.ids[&id];
        let all = self
            .command("reservation-get-all", Some(json!({ "subnet-id": subnet })))
            .await?;
        for host in all["hosts"].as_array().into_iter().flatten() {
            match host
                .get("ip-address")
                .and_then(Value::as_str)
                .and_then(|a| a.parse().ok())
            {
                Some(ip) => self.host_del(subnet, ip, &snapshot.hosts).await?,
                None => {
                    let place = mapping::host_place(host);
                    if let Some((kind, id)) = place.split_once(' ') {
                        self.command(
                            "reservation-del",
                            Some(json!({ "subnet-id": subnet, "identifier-type": kind,
                                "identifier": id, "operation-target": snapshot.hosts.target() })),
                        )
                        .await?;
                    }
                }
            }
        }
        self.command("subnet4-del", Some(json!({ "id": subnet })))
            .await?;
        self.save("subnet4-del").await?;
        self.after_write(&snapshot, id, None, None).await
    }

    /// Kea's own entry for a subnet (without its reservations).
    async fn subnet_entry(&self, id: u64) -> Result<Value, DriverError> {
        let mut args = self
            .command("subnet4-get", Some(json!({ "id": id })))
            .await?;
        args.get_mut("subnet4")
            .and_then(Value::as_array_mut)
            .and_then(|list| list.pop())
            .ok_or_else(|| self.protocol(format!("subnet4-get without subnet {id}")))
    }

    /// Saves what runs to the configuration file (`config-write`, which rewrites it whole).
    async fn save(&self, command: &str) -> Result<(), DriverError> {
        self.command("config-write", None)
            .await
            .map(drop)
            .map_err(|e| self.unsaved(command, e))
    }

    /// Undoes what a scope write had done when one of its commands was refused.
    async fn undo(&self, subnet: u64, before: Option<&Value>, done: Done, hosts: &Hosts) {
        for ip in done.added {
            if let Err(e) = self.host_del(subnet, ip, hosts).await {
                tracing::error!(server = %self.name, error = %e, "undo: reservation {ip} not removed");
            }
        }
        for r in &done.removed {
            if let Err(e) = self.host_add(subnet, r, hosts).await {
                tracing::error!(server = %self.name, error = %e, "undo: reservation {} not put back", r.ip_address);
            }
        }
        if done.subnet {
            let undone = match before {
                Some(raw) => {
                    let mut raw = raw.clone();
                    if let Some(map) = raw.as_object_mut() {
                        map.remove("reservations");
                    }
                    self.command("subnet4-update", Some(json!({ "subnet4": [raw] })))
                        .await
                }
                None => {
                    self.command("subnet4-del", Some(json!({ "id": subnet })))
                        .await
                }
            };
            if let Err(e) = undone {
                tracing::error!(server = %self.name, error = %e, "undo: subnet {subnet} not restored");
            }
        }
    }

    /// Keeps what the server holds after this driver's write: the scope as written, under the
    /// server's new hash (read now, after the write, within the write lock).
    async fn after_write(
        &self,
        before: &Snapshot,
        id: ScopeId,
        scope: Option<Scope>,
        kea_id: Option<u64>,
    ) -> Result<(), DriverError> {
        let offer = self.offer().await?;
        let mut next = before.with_scope(id, scope, kea_id);
        next.hash = self.hash(&offer).await?;
        self.keep(next);
        Ok(())
    }
}

/// What a scope write had done before a command was refused.
#[derive(Default)]
struct Done {
    subnet: bool,
    removed: Vec<Reservation>,
    added: Vec<Ipv4Addr>,
}

/// The places a kept copy names for its shared network: its name and its own settings.
fn network_places(kept: &Kept) -> Vec<(&String, &String)> {
    kept.settings
        .iter()
        .filter(|(p, _)| p.as_str() == Kept::SHARED_NETWORK || p.starts_with("shared-network "))
        .collect()
}

/// The scope a subnet command left the server holding: read from the entry it sent, with the
/// reservations `written` has, what is kept of them (the copy's own, else as `before` had
/// them), and the shared network as before (a subnet command never moves it).
fn held_after(entry: &Value, written: &Scope, before: Option<&Kept>) -> Scope {
    let mut scope = match mapping::scope_of(entry, Within::default()) {
        Ok(s) => s,
        Err(_) => return written.clone(),
    };
    scope.reservations = written.reservations.clone();
    let source = written.kept.as_ref().or(before);
    let kept = scope.kept.get_or_insert_with(Kept::default);
    if let Some(k) = source {
        kept.hosts = k
            .hosts
            .iter()
            .filter(|(ip, _)| written.reservation(**ip).is_some())
            .map(|(ip, e)| (*ip, e.clone()))
            .collect();
        kept.other_hosts = k.other_hosts.clone();
    }
    let network = written.kept.as_ref().or(before);
    if let Some(k) = network {
        for (p, v) in network_places(k) {
            kept.settings.insert(p.clone(), v.clone());
        }
    }
    scope
}
