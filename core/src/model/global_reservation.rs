//! Server-wide reservations (Kea's global `reservations`): a client known to the whole server
//! by its identifier, whichever subnet it is in, with an address (used where the client's
//! subnet holds it) or none, and settings of its own (its host name, boot fields, classes and
//! option values). Windows has no such thing: the built-in server holds none.

use super::{ClientId, HostSettings, IdentifierType, OptionValue, Reservation, ReservationType};
use crate::FieldErrors;
use crate::validate::NewReservation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// One server-wide reservation, known by its client's identifier (one per identifier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "GlobalWire", into = "GlobalWire")]
pub struct GlobalReservation {
    pub client_id: ClientId,
    /// The address it gives its client; `None`: the client gets one from its subnet's pools,
    /// and the reservation gives it only its name and settings.
    pub ip_address: Option<Ipv4Addr>,
    /// The client's host name (Kea's `hostname`).
    pub name: String,
    pub description: String,
    pub settings: HostSettings,
}

impl GlobalReservation {
    /// The reservation as a scope's would be, at `0.0.0.0` when it has no address: what the
    /// version and a server's host mapping share with scope reservations.
    pub fn as_reservation(&self) -> Reservation {
        Reservation {
            ip_address: self.ip_address.unwrap_or(Ipv4Addr::UNSPECIFIED),
            client_id: self.client_id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            kind: ReservationType::Both,
            settings: self.settings.clone(),
        }
    }

    /// The scope-style reservation `r` as a server-wide one (`0.0.0.0`: no address).
    pub fn from_reservation(r: Reservation) -> Self {
        Self {
            ip_address: Some(r.ip_address).filter(|ip| !ip.is_unspecified()),
            client_id: r.client_id,
            name: r.name,
            description: r.description,
            settings: r.settings,
        }
    }

    /// A tag that changes whenever any field does: an edit may name the version it was based
    /// on, and is refused if the reservation changed since.
    pub fn version(&self) -> String {
        self.as_reservation().version()
    }
}

/// A server's server-wide reservations: those Tandem shows, and the ones it cannot (two
/// identifiers, a value its rules refuse), kept exactly as the server has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GlobalReservations {
    /// In the server's order.
    pub hosts: Vec<GlobalReservation>,
    /// Each host Tandem does not show, in the server's own words: left as it is by every
    /// write, copied whole by a replication.
    #[serde(default)]
    pub kept: Vec<String>,
    /// All of them as the server holds them (Kea's JSON array, canonical): what partners
    /// compare, and what a replication copies.
    #[serde(default)]
    pub definition: String,
    /// Whether the server looks them up at all (Kea: `reservations-global` true at the top,
    /// in a shared network or in a subnet; Kea's default is not to).
    #[serde(default)]
    pub looked_up: bool,
    /// The clients whose reservation is held in the server's hosts database (Kea 3), not in
    /// its configuration: listed and edited like the others, written there by Kea's host
    /// commands, and not part of `definition` (a database two partners share holds one copy).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub in_database: Vec<String>,
}

impl GlobalReservations {
    pub fn find(&self, id: &ClientId) -> Option<&GlobalReservation> {
        self.hosts.iter().find(|h| &h.client_id == id)
    }

    /// Whether client `id`'s reservation is held in the hosts database.
    pub fn held_in_database(&self, id: &ClientId) -> bool {
        self.in_database.contains(&id.described())
    }
}

/// A server-wide reservation as JSON has it: its client's type beside the identifier.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub(crate) struct GlobalWire {
    /// The client's identifier: a MAC address (`00-15-5d-a7-66-02`), or hex digits or text
    /// in single quotes for the other types.
    client_id: String,
    #[serde(default)]
    identifier_type: IdentifierType,
    /// The address it gives its client, or none (`null`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Ipv4))]
    ip_address: Option<Ipv4Addr>,
    /// The client's host name.
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Ipv4))]
    next_server: Option<Ipv4Addr>,
    #[serde(default)]
    server_hostname: String,
    #[serde(default)]
    boot_file_name: String,
    #[serde(default)]
    client_classes: Vec<String>,
    /// Its own option values, by option code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::OptionValue>))]
    options: BTreeMap<u8, OptionValue>,
    /// Its [`GlobalReservation::version`] (ignored when read).
    #[serde(default)]
    version: String,
}

impl TryFrom<GlobalWire> for GlobalReservation {
    type Error = String;
    fn try_from(w: GlobalWire) -> Result<Self, String> {
        let settings = HostSettings {
            next_server: w.next_server,
            server_hostname: w.server_hostname,
            boot_file_name: w.boot_file_name,
            client_classes: w.client_classes,
            options: w.options,
        };
        #[cfg(not(target_arch = "wasm32"))]
        if let Some((field, why)) = settings.refusals().into_iter().next() {
            return Err(format!("{field}: {why}"));
        }
        Ok(Self {
            client_id: ClientId::parse(w.identifier_type, &w.client_id)?,
            ip_address: w.ip_address,
            name: w.name,
            description: w.description,
            settings,
        })
    }
}

impl From<GlobalReservation> for GlobalWire {
    fn from(r: GlobalReservation) -> Self {
        let version = r.version();
        Self {
            client_id: r.client_id.to_string(),
            identifier_type: r.client_id.kind(),
            ip_address: r.ip_address,
            name: r.name,
            description: r.description,
            next_server: r.settings.next_server,
            server_hostname: r.settings.server_hostname,
            boot_file_name: r.settings.boot_file_name,
            client_classes: r.settings.client_classes,
            options: r.settings.options,
            version,
        }
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for GlobalReservation {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <GlobalWire as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for GlobalReservation {
    fn name() -> std::borrow::Cow<'static, str> {
        "GlobalReservation".into()
    }
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <GlobalWire as utoipa::ToSchema>::schemas(schemas);
    }
}

/// A server-wide reservation as its dialog, a form or an API client types it: strings, parsed
/// by [`NewGlobalReservation::parse`] with every refusal by its field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGlobalReservation {
    pub client_id: String,
    /// `hw-address` (the default), `client-id`, `duid`, `circuit-id` or `flex-id`.
    #[serde(default)]
    pub identifier_type: String,
    /// The address it gives its client; empty for none.
    #[serde(default)]
    pub ip_address: String,
    /// The client's host name.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Each setting may be left out: an edit then keeps what the reservation has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_classes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<crate::scope_input::OptionInput>>,
    /// For an edit: the version it was based on (refused if the reservation changed since).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl NewGlobalReservation {
    /// Parses every field by a scope reservation's rules (the address may be left empty).
    pub fn parse(&self) -> Result<GlobalReservation, FieldErrors> {
        let ip = self.ip_address.trim();
        let as_scope = NewReservation {
            ip_address: if ip.is_empty() { "0.0.0.0" } else { ip }.to_string(),
            client_id: self.client_id.clone(),
            identifier_type: self.identifier_type.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            kind: String::new(),
            next_server: self.next_server.clone(),
            server_hostname: self.server_hostname.clone(),
            boot_file_name: self.boot_file_name.clone(),
            client_classes: self.client_classes.clone(),
            options: self.options.clone(),
        };
        let mut errors = FieldErrors::default();
        let parsed = as_scope.parse().map_err(|e| errors = e).ok();
        if let Ok(addr) = ip.parse::<Ipv4Addr>()
            && (addr.is_unspecified()
                || addr.is_broadcast()
                || addr.is_multicast()
                || addr.is_loopback())
        {
            errors.push(
                "ip_address",
                format!("{addr} cannot be a client's address: give a host's address, or leave it empty for none"),
            );
        }
        match parsed {
            Some(r) if errors.is_empty() => Ok(GlobalReservation::from_reservation(r)),
            _ => Err(errors),
        }
    }

    /// `new` with each setting this input leaves out taken from `before` (an edit keeps what
    /// it does not name).
    pub fn keep_unsaid(&self, new: &mut GlobalReservation, before: &GlobalReservation) {
        new.settings.keep_unsaid(
            &before.settings,
            [
                self.next_server.is_some(),
                self.server_hostname.is_some(),
                self.boot_file_name.is_some(),
                self.client_classes.is_some(),
                self.options.is_some(),
            ],
        );
    }
}

impl From<&GlobalReservation> for NewGlobalReservation {
    /// As the dialog shows it for an edit.
    fn from(r: &GlobalReservation) -> Self {
        Self {
            client_id: r.client_id.to_string(),
            identifier_type: r.client_id.kind().as_str().to_string(),
            ip_address: r.ip_address.map(|ip| ip.to_string()).unwrap_or_default(),
            name: r.name.clone(),
            description: r.description.clone(),
            next_server: Some(
                r.settings
                    .next_server
                    .map(|ip| ip.to_string())
                    .unwrap_or_default(),
            ),
            server_hostname: Some(r.settings.server_hostname.clone()),
            boot_file_name: Some(r.settings.boot_file_name.clone()),
            client_classes: Some(r.settings.client_classes.clone()),
            options: Some(crate::scope_input::option_inputs(&r.settings.options)),
            version: Some(r.version()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: &str, kind: &str, ip: &str) -> NewGlobalReservation {
        NewGlobalReservation {
            client_id: id.into(),
            identifier_type: kind.into(),
            ip_address: ip.into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_address_is_optional_and_checked_when_given() {
        let r = input("01:11:22:33:44:55:66", "client-id", "")
            .parse()
            .unwrap();
        assert_eq!(r.ip_address, None);
        assert_eq!(r.client_id.kind(), IdentifierType::ClientId);
        let r = input("1a:1b:1c:1d:1e:1f", "", " 192.0.2.201 ")
            .parse()
            .unwrap();
        assert_eq!(r.ip_address, Some([192, 0, 2, 201].into()));
        for bad in [
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "10.0.0",
            "127.0.0.1",
        ] {
            let e = input("1a:1b:1c:1d:1e:1f", "", bad).parse().unwrap_err();
            assert!(e.get("ip_address").is_some(), "{bad}: {e:?}");
        }
        let e = input("01", "duid", "").parse().unwrap_err();
        assert!(e.get("client_id").is_some(), "{e:?}");
        let e = input("x", "serial", "").parse().unwrap_err();
        assert!(e.get("identifier_type").is_some(), "{e:?}");
    }

    #[test]
    fn an_edit_keeps_the_settings_it_does_not_name() {
        let mut before = input("1a:1b:1c:1d:1e:1f", "", "").parse().unwrap();
        before.settings.boot_file_name = "pxelinux.0".into();
        before.settings.client_classes = vec!["pxe".into()];
        let edit = NewGlobalReservation {
            name: "renamed".into(),
            client_classes: Some(Vec::new()),
            ..input("1a:1b:1c:1d:1e:1f", "", "")
        };
        let mut new = edit.parse().unwrap();
        edit.keep_unsaid(&mut new, &before);
        assert_eq!(new.settings.boot_file_name, "pxelinux.0", "not named: kept");
        assert!(
            new.settings.client_classes.is_empty(),
            "named empty: cleared"
        );
        assert_eq!(new.name, "renamed");
    }

    #[test]
    fn json_carries_the_identifier_its_type_and_no_address_as_null() {
        let r = input("'s0mEVaLue'", "flex-id", "").parse().unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["identifier_type"], "flex-id");
        assert_eq!(json["ip_address"], serde_json::Value::Null);
        assert_eq!(json["version"], r.version());
        let back: GlobalReservation = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        // As the dialog shows it, then parsed again: the same reservation.
        assert_eq!(NewGlobalReservation::from(&r).parse().unwrap(), r);
    }
}
