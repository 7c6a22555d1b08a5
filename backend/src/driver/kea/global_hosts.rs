//! A Kea server's server-wide reservations (the global `reservations` of `Dhcp4`) and a
//! subnet's reservations without an address (a host that gives its client settings, not an
//! address): read as Tandem shows them, each written as a patch of its own entry (what Tandem
//! does not show of it kept), the others left exactly as they are. Written by `config-set`:
//! the host commands would put a host in a hosts database, not in the configuration that
//! holds it.

use super::host_commands::with_subnet;
use super::mapping::{self, canonical};
use super::offer::Hosts;
use super::{DriverError, GlobalChange, KeaDriver, patch, subnets, write_lock};
use serde_json::{Value, json};
use tandem_core::{
    ClientId, FieldErrors, GlobalReservation, GlobalReservations, Reservation, ScopeId,
};

/// The global host entries of `config`.
fn entries(config: &Value) -> &[Value] {
    config
        .get("reservations")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// A global host as Tandem reads it: a scope's reservation at `0.0.0.0` when it has no address.
fn as_reservation(host: &Value) -> Option<Reservation> {
    if host.get("ip-address").is_some() {
        return mapping::reservation_of(host);
    }
    let mut with = host.clone();
    with["ip-address"] = json!("0.0.0.0");
    mapping::reservation_of(&with)
}

/// The server-wide reservations `config` holds.
pub(super) fn globals_of(config: &Value) -> GlobalReservations {
    let list = entries(config);
    let mut out = GlobalReservations {
        definition: canonical(&Value::Array(list.to_vec())).unwrap_or_else(|| "[]".into()),
        looked_up: looked_up(config),
        ..Default::default()
    };
    for host in list {
        match as_reservation(host) {
            Some(r) => out.hosts.push(GlobalReservation::from_reservation(r)),
            None => out.kept.extend(canonical(host)),
        }
    }
    out
}

/// Adds the server-wide hosts a hosts database holds (`db`, as Kea gives them) to those of
/// the configuration: listed like them, marked as the database's.
pub(super) fn add_database_hosts(globals: &mut GlobalReservations, db: &[Value]) {
    for host in db {
        let mut host = host.clone();
        if let Some(map) = host.as_object_mut() {
            map.remove("subnet-id");
        }
        match as_reservation(&host) {
            Some(r) => {
                globals.in_database.push(r.client_id.described());
                globals.hosts.push(GlobalReservation::from_reservation(r));
            }
            None => globals
                .kept
                .extend(canonical(&host).map(|t| format!("in the hosts database: {t}"))),
        }
    }
}

/// A subnet's reservation without an address, from the host entry a scope keeps whole (its
/// JSON); `None` for one with an address or one Tandem cannot show (two identifiers).
pub fn scope_host_of(text: &str) -> Option<GlobalReservation> {
    let host: Value = serde_json::from_str(text).ok()?;
    if host.get("ip-address").is_some() {
        return None;
    }
    as_reservation(&host).map(GlobalReservation::from_reservation)
}

/// Whether Kea looks global reservations up anywhere: `reservations-global` at the top, in a
/// shared network or in a subnet.
fn looked_up(config: &Value) -> bool {
    let on = |v: &Value| v.get("reservations-global").and_then(Value::as_bool) == Some(true);
    on(config)
        || config
            .get("shared-networks")
            .and_then(Value::as_array)
            .is_some_and(|n| n.iter().any(on))
        || subnets::all(config).into_iter().any(|(_, _, s)| on(s))
}

/// Where the global host of client `id` is in `list`.
fn position(list: &[Value], id: &ClientId) -> Option<usize> {
    list.iter()
        .position(|h| as_reservation(h).is_some_and(|r| &r.client_id == id))
}

fn refuse(field: &str, message: String) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.push(field, message);
    errors
}

/// The entry of `new`: `held` (read as `was`) patched, or a new host; without an address, none.
fn entry(
    held: Option<(&Value, Reservation)>,
    new: &GlobalReservation,
) -> Result<Value, FieldErrors> {
    let mut entry = match held {
        Some((host, was)) => {
            let want = Reservation {
                kind: was.kind,
                ..new.as_reservation()
            };
            patch::host(host, &was, &want, None)?
        }
        None => mapping::host_of(&new.as_reservation()),
    };
    if new.ip_address.is_none()
        && let Some(map) = entry.as_object_mut()
    {
        map.remove("ip-address");
    }
    Ok(entry)
}

/// `list` after `change`, or why it is refused: the server-wide list, or with `within` a
/// subnet's, where only its hosts without an address are changed here.
fn changed(
    list: &[Value],
    change: &GlobalChange,
    unique_ips: bool,
    within: Option<ScopeId>,
) -> Result<Vec<Value>, Refusal> {
    if let Some(scope) = within {
        addressless(list, change, scope)?;
    }
    let mut next = list.to_vec();
    let (was, new) = match change {
        GlobalChange::Create(new) => (None, new),
        GlobalChange::Update { was, new, .. } | GlobalChange::Copy { was, new } => (Some(was), new),
        GlobalChange::Delete { id, must_exist } => {
            match position(list, id) {
                Some(i) => {
                    next.remove(i);
                }
                None if *must_exist => return Err(Refusal::NotFound(id.described())),
                None => {}
            }
            return Ok(next);
        }
    };
    let at = was.and_then(|id| position(list, id));
    match (change, at) {
        (GlobalChange::Update { was, .. }, None) => {
            return Err(Refusal::NotFound(was.described()));
        }
        (
            GlobalChange::Update {
                if_version: Some(v),
                ..
            },
            Some(i),
        ) => {
            let current = as_reservation(&list[i]).map(GlobalReservation::from_reservation);
            if current.as_ref().map(GlobalReservation::version).as_deref() != Some(v.as_str()) {
                return Err(Refusal::Stale);
            }
        }
        _ => {}
    }
    // A copy made where the partner has none by the old identifier: by the new one, else new.
    let at = match change {
        GlobalChange::Copy { .. } => at.or_else(|| position(list, &new.client_id)),
        _ => at,
    };
    if position(list, &new.client_id).is_some_and(|o| Some(o) != at) {
        return Err(Refusal::Fields(refuse(
            "client_id",
            format!(
                "{} already has a {}",
                new.client_id.described(),
                match within {
                    None => "server-wide reservation".to_string(),
                    Some(scope) => format!("reservation in scope {scope}"),
                }
            ),
        )));
    }
    if let Some(ip) = new.ip_address.filter(|_| unique_ips) {
        let taken = list.iter().enumerate().find_map(|(i, h)| {
            let r = as_reservation(h)?;
            (Some(i) != at && r.ip_address == ip).then_some(r.client_id)
        });
        if let Some(holder) = taken {
            return Err(Refusal::Fields(refuse(
                "ip_address",
                format!(
                    "{ip} is already reserved server-wide for {}",
                    holder.described()
                ),
            )));
        }
    }
    let held = at.and_then(|i| Some((&list[i], as_reservation(&list[i])?)));
    let written = entry(held, new).map_err(Refusal::Fields)?;
    match at {
        Some(i) => next[i] = written,
        None => next.push(written),
    }
    Ok(next)
}

/// Refuses a change in scope `scope` that would touch a reservation with an address (edited
/// in the scope's reservations list) or give one.
fn addressless(list: &[Value], change: &GlobalChange, scope: ScopeId) -> Result<(), Refusal> {
    let with_address =
        |id: &ClientId| position(list, id).is_some_and(|i| list[i].get("ip-address").is_some());
    let (ids, new): (Vec<&ClientId>, _) = match change {
        GlobalChange::Create(new) => (vec![], Some(new)),
        GlobalChange::Update { was, new, .. } | GlobalChange::Copy { was, new } => {
            (vec![was], Some(new))
        }
        GlobalChange::Delete { id, .. } => (vec![id], None),
    };
    if let Some(id) = ids.into_iter().find(|id| with_address(id)) {
        return Err(Refusal::Fields(refuse(
            "client_id",
            format!(
                "{} has a reservation with an address in scope {scope}: change it in the scope's reservations",
                id.described()
            ),
        )));
    }
    if new.is_some_and(|n| n.ip_address.is_some()) {
        return Err(Refusal::Fields(refuse(
            "ip_address",
            "a reservation with an address is made in the scope's reservations list; leave the address empty here".into(),
        )));
    }
    Ok(())
}

/// Why a change is not made.
enum Refusal {
    NotFound(String),
    Stale,
    Fields(FieldErrors),
}

impl KeaDriver {
    /// One server-wide reservation created, changed, copied or deleted: where the server keeps
    /// reservations in a hosts database (Kea 3), one held there (or a new one) by Kea's host
    /// commands; otherwise in the configuration, by `config-set`.
    pub(super) async fn put_global(&self, change: &GlobalChange) -> Result<(), DriverError> {
        let lock = write_lock(&self.url);
        let held = lock.lock().await;
        self.begin_write();
        let snapshot = self.read_whole().await?;
        if !matches!(snapshot.hosts, Hosts::Database { .. }) {
            drop(held);
            return self.write_global(change).await;
        }
        let in_config: Vec<Value> = serde_json::from_str(&snapshot.globals.definition)
            .ok()
            .and_then(|v: Value| v.as_array().cloned())
            .unwrap_or_default();
        let db: Vec<Value> = snapshot
            .global_db
            .iter()
            .map(|h| {
                let mut h = h.clone();
                if let Some(map) = h.as_object_mut() {
                    map.remove("subnet-id");
                }
                h
            })
            .collect();
        let all: Vec<Value> = in_config.iter().chain(&db).cloned().collect();
        // Checked on both lists together: a client or an address reserved once server-wide.
        changed(&all, change, true, None).map_err(|r| self.global_refusal(r))?;
        let target = match change {
            GlobalChange::Create(_) => None,
            GlobalChange::Update { was, .. } => position(&all, was),
            GlobalChange::Copy { was, new } => {
                position(&all, was).or_else(|| position(&all, &new.client_id))
            }
            GlobalChange::Delete { id, .. } => position(&all, id),
        };
        let at = match target {
            Some(i) if i < in_config.len() => {
                drop(held);
                return self.write_global(change).await;
            }
            Some(i) => Some(i - in_config.len()),
            None => None,
        };
        let identifier = |id: &ClientId| {
            json!({ "subnet-id": 0, "identifier-type": id.kind().as_str(),
                "identifier": id.to_colon_string(), "operation-target": "database" })
        };
        match (change, at) {
            (GlobalChange::Delete { .. }, None) => {}
            (GlobalChange::Update { was, .. }, None) => {
                return Err(self.global_refusal(Refusal::NotFound(was.described())));
            }
            (GlobalChange::Delete { id, .. }, Some(_)) => {
                self.command("reservation-del", Some(identifier(id)))
                    .await?;
            }
            (GlobalChange::Create(new) | GlobalChange::Copy { new, .. }, None) => {
                let host = entry(None, new).map_err(|e| self.rejected(e))?;
                self.command(
                    "reservation-add",
                    Some(json!({ "reservation": with_subnet(0, host), "operation-target": "database" })),
                )
                .await?;
            }
            (GlobalChange::Update { new, .. } | GlobalChange::Copy { new, .. }, Some(j))
            | (GlobalChange::Create(new), Some(j)) => {
                let was =
                    as_reservation(&db[j]).ok_or_else(|| self.protocol("a host it cannot read"))?;
                let host = entry(Some((&db[j], was.clone())), new).map_err(|e| self.rejected(e))?;
                if was.client_id == new.client_id {
                    self.command(
                        "reservation-update",
                        Some(json!({ "reservation": with_subnet(0, host), "operation-target": "database" })),
                    )
                    .await?;
                } else {
                    // Another client: the old host goes, the new one comes (the old one put
                    // back should Kea refuse the new one).
                    self.command("reservation-del", Some(identifier(&was.client_id)))
                        .await?;
                    let add = json!({ "reservation": with_subnet(0, host), "operation-target": "database" });
                    if let Err(e) = self.command("reservation-add", Some(add)).await {
                        let back = json!({ "reservation": with_subnet(0, db[j].clone()), "operation-target": "database" });
                        if let Err(back) = self.command("reservation-add", Some(back)).await {
                            tracing::error!(server = %self.name, error = %back, "a server-wide reservation not put back");
                        }
                        return Err(e);
                    }
                }
            }
        }
        self.forget_sharers(&snapshot.hosts);
        *self.memo.lock().expect("memo") = None;
        Ok(())
    }

    /// A refusal of a server-wide reservation's change, as the driver says it.
    fn global_refusal(&self, r: Refusal) -> DriverError {
        match r {
            Refusal::NotFound(what) => DriverError::NotFound {
                server: self.name.clone(),
                what: format!("server-wide reservation for {what}"),
            },
            Refusal::Stale => DriverError::Stale {
                server: self.name.clone(),
                detail: "the server-wide reservation".into(),
                current: None,
            },
            Refusal::Fields(errors) => self.rejected(errors),
        }
    }

    /// One server-wide reservation created, changed, copied or deleted, by `config-set`.
    pub(super) async fn write_global(&self, change: &GlobalChange) -> Result<(), DriverError> {
        self.modify_config(|config| {
            let unique = config
                .get("ip-reservations-unique")
                .and_then(Value::as_bool)
                != Some(false);
            let next = changed(entries(config), change, unique, None)
                .map_err(|r| self.global_refusal(r))?;
            let Some(map) = config.as_object_mut() else {
                return Err(self.protocol("a configuration that is not an object"));
            };
            if next.is_empty() {
                map.remove("reservations");
            } else {
                map.insert("reservations".into(), Value::Array(next));
            }
            Ok(())
        })
        .await
    }

    /// One reservation without an address in scope `scope` created, changed, copied or
    /// deleted, by `config-set`.
    pub(super) async fn write_subnet_host(
        &self,
        scope: ScopeId,
        change: &GlobalChange,
    ) -> Result<(), DriverError> {
        self.modify_config(|config| {
            let mut result = Err(DriverError::NotFound {
                server: self.name.clone(),
                what: format!("scope {scope}"),
            });
            subnets::each_mut(config, |subnet| {
                if mapping::id_of(subnet).ok() != Some(scope) {
                    return;
                }
                let list = subnet
                    .get("reservations")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                result = match changed(list, change, false, Some(scope)) {
                    Ok(next) => {
                        if let Some(map) = subnet.as_object_mut() {
                            if next.is_empty() {
                                map.remove("reservations");
                            } else {
                                map.insert("reservations".into(), Value::Array(next));
                            }
                        }
                        Ok(())
                    }
                    Err(Refusal::NotFound(what)) => Err(DriverError::NotFound {
                        server: self.name.clone(),
                        what: format!("reservation without an address for {what} in scope {scope}"),
                    }),
                    Err(Refusal::Stale) => Err(DriverError::Stale {
                        server: self.name.clone(),
                        detail: "the reservation".into(),
                        current: None,
                    }),
                    Err(Refusal::Fields(errors)) => Err(self.rejected(errors)),
                };
            });
            result
        })
        .await
    }

    /// Makes the server's server-wide reservations exactly `from`'s (a replication: each host
    /// whole, those Tandem does not show included).
    pub(super) async fn copy_globals(&self, from: &GlobalReservations) -> Result<(), DriverError> {
        let want: Value = serde_json::from_str(&from.definition)
            .map_err(|e| self.protocol(format!("a definition that is not JSON ({e})")))?;
        self.modify_config(|config| {
            let Some(map) = config.as_object_mut() else {
                return Err(self.protocol("a configuration that is not an object"));
            };
            match want {
                Value::Array(list) if list.is_empty() => {
                    map.remove("reservations");
                }
                Value::Array(list) => {
                    map.insert("reservations".into(), Value::Array(list));
                }
                _ => return Err(self.protocol("a definition that is not a list")),
            }
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_core::NewGlobalReservation;

    fn config() -> Value {
        json!({
            "reservations-global": true,
            "reservations": [
                { "hw-address": "1a:1b:1c:1d:1e:1f", "ip-address": "192.0.2.201" },
                { "client-id": "01:11:22:33:44:55:66", "hostname": "special-snowflake" },
                { "duid": "01:02:03:04:05", "ip-address": "192.0.2.203",
                  "option-data": [ { "name": "domain-name-servers", "data": "10.1.1.202,10.1.1.203" } ] },
                { "circuit-id": "01:11:22:33:44:55:66", "ip-address": "192.0.2.204",
                  "option-data": [ { "name": "vivso-suboptions", "data": "4491" },
                                   { "name": "tftp-servers", "space": "vendor-4491", "data": "10.1.1.202,10.1.1.203" } ] },
                { "flex-id": "'s0mEVaLue'", "ip-address": "192.0.2.206" },
                { "hw-address": "aa:aa:aa:aa:aa:aa", "duid": "01:02", "ip-address": "192.0.2.250" }
            ]
        })
    }

    fn input(id: &str, kind: &str, ip: &str) -> GlobalReservation {
        NewGlobalReservation {
            client_id: id.into(),
            identifier_type: kind.into(),
            ip_address: ip.into(),
            ..Default::default()
        }
        .parse()
        .unwrap()
    }

    #[test]
    fn every_global_host_is_read_and_the_unshowable_kept() {
        let g = globals_of(&config());
        assert!(g.looked_up);
        assert_eq!(g.hosts.len(), 5);
        assert_eq!(g.hosts[1].ip_address, None);
        assert_eq!(g.hosts[1].name, "special-snowflake");
        assert_eq!(
            g.hosts[4].client_id.described(),
            "flex-id 73:30:6d:45:56:61:4c:75:65"
        );
        assert_eq!(g.kept.len(), 1, "two identifiers: kept whole");
        assert!(!globals_of(&json!({})).looked_up);
        assert_eq!(globals_of(&json!({})).definition, "[]");
    }

    #[test]
    fn a_change_patches_its_own_entry_and_nothing_else() {
        let raw = config();
        let list = entries(&raw);
        // The DUID host given a name: its options (and their names) untouched.
        let was = input("01:02:03:04:05", "duid", "192.0.2.203");
        let mut new = globals_of(&raw).hosts[2].clone();
        new.name = "printer".into();
        let change = GlobalChange::Update {
            was: was.client_id.clone(),
            new,
            if_version: None,
        };
        let next = changed(list, &change, true, None).ok().unwrap();
        assert_eq!(next[2]["hostname"], "printer");
        assert_eq!(next[2]["option-data"], list[2]["option-data"]);
        for i in [0, 1, 3, 4, 5] {
            assert_eq!(next[i], list[i]);
        }
        // Its address taken away: the key goes.
        let mut none = globals_of(&raw).hosts[0].clone();
        none.ip_address = None;
        let change = GlobalChange::Update {
            was: none.client_id.clone(),
            new: none,
            if_version: None,
        };
        let next = changed(list, &change, true, None).ok().unwrap();
        assert_eq!(next[0], json!({ "hw-address": "1a:1b:1c:1d:1e:1f" }));
        // A new one with an address held by another, or a client already reserved: refused.
        for (new, field) in [
            (input("02:02:02:02:02:02", "", "192.0.2.201"), "ip_address"),
            (input("1a:1b:1c:1d:1e:1f", "", ""), "client_id"),
        ] {
            match changed(list, &GlobalChange::Create(new), true, None) {
                Err(Refusal::Fields(e)) => assert!(e.get(field).is_some(), "{e:?}"),
                _ => panic!("not refused"),
            }
        }
        // A stale edit, and an edit of none: refused.
        let change = GlobalChange::Update {
            was: globals_of(&raw).hosts[0].client_id.clone(),
            new: globals_of(&raw).hosts[0].clone(),
            if_version: Some("old".into()),
        };
        assert!(matches!(
            changed(list, &change, true, None),
            Err(Refusal::Stale)
        ));
        let gone = input("0e:0e:0e:0e:0e:0e", "", "");
        let change = GlobalChange::Update {
            was: gone.client_id.clone(),
            new: gone.clone(),
            if_version: None,
        };
        assert!(matches!(
            changed(list, &change, true, None),
            Err(Refusal::NotFound(_))
        ));
        // A copy where the partner has none: added.
        let change = GlobalChange::Copy {
            was: gone.client_id.clone(),
            new: gone,
        };
        assert_eq!(changed(list, &change, true, None).ok().unwrap().len(), 7);
        // Deleted: only that entry goes.
        let change = GlobalChange::Delete {
            id: globals_of(&raw).hosts[4].client_id.clone(),
            must_exist: true,
        };
        let next = changed(list, &change, true, None).ok().unwrap();
        assert_eq!(next.len(), 5);
        assert_eq!(next[4], list[5]);
    }

    #[test]
    fn a_scopes_hosts_without_an_address_are_changed_and_no_other() {
        let scope = ScopeId::parse("192.0.3.0").unwrap();
        let list = json!([
            { "hw-address": "1a:1b:1c:1d:1e:1f", "client-classes": [ "VoIP" ] },
            { "hw-address": "aa:aa:aa:aa:aa:01", "ip-address": "192.0.3.5" }
        ]);
        let list = list.as_array().unwrap();
        let text = canonical(&list[0]).unwrap();
        let host = scope_host_of(&text).unwrap();
        assert_eq!(host.settings.client_classes, ["VoIP"]);
        assert_eq!(scope_host_of(&canonical(&list[1]).unwrap()), None);
        // Its name given: that entry alone changes, its classes kept.
        let mut new = host.clone();
        new.name = "phone".into();
        let change = GlobalChange::Update {
            was: host.client_id.clone(),
            new,
            if_version: Some(host.version()),
        };
        let next = changed(list, &change, false, Some(scope)).ok().unwrap();
        assert_eq!(
            next[0],
            json!({ "hw-address": "1a:1b:1c:1d:1e:1f", "client-classes": [ "VoIP" ], "hostname": "phone" })
        );
        assert_eq!(next[1], list[1]);
        // An address given, the addressed one touched, a client already reserved: refused.
        let mut addressed = host.clone();
        addressed.ip_address = Some("192.0.3.9".parse().unwrap());
        let other = input("aa:aa:aa:aa:aa:01", "", "");
        for (change, field) in [
            (GlobalChange::Create(addressed), "ip_address"),
            (
                GlobalChange::Delete {
                    id: other.client_id.clone(),
                    must_exist: true,
                },
                "client_id",
            ),
            (GlobalChange::Create(other), "client_id"),
            (GlobalChange::Create(host.clone()), "client_id"),
        ] {
            match changed(list, &change, false, Some(scope)) {
                Err(Refusal::Fields(e)) => assert!(e.get(field).is_some(), "{e:?}"),
                _ => panic!("not refused: {field}"),
            }
        }
        // Deleted: the addressed one stays.
        let change = GlobalChange::Delete {
            id: host.client_id.clone(),
            must_exist: true,
        };
        let next = changed(list, &change, false, Some(scope)).ok().unwrap();
        assert_eq!(next, [list[1].clone()]);
    }
}
