//! Reservations: an IP address kept in a scope for one client.

use super::{ClientId, IdentifierType, OptionValue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

/// A client ID in its MAC form. Accepts `00155DA76602`, `00-15-5d-a7-66-02` and
/// `00:15:5d:a7:66:02`; shown as `00-15-5d-a7-66-02`, as Windows DHCP shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MacAddress([u8; 6]);

impl MacAddress {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let bad = || {
            format!(
                "'{s}' is not a MAC address: give 12 hex digits, like 00155DA76602, 00-15-5d-a7-66-02, 00:15:5d:a7:66:02 or 0015.5da7.6602"
            )
        };
        // Only ASCII can spell one: check before slicing, so no input can split a character.
        if !s.is_ascii() {
            return Err(bad());
        }
        let grouped = |sep: u8, group: usize| -> Option<String> {
            let parts: Vec<&str> = s.split(sep as char).collect();
            (parts.len() == 12 / group && parts.iter().all(|p| p.len() == group))
                .then(|| parts.concat())
        };
        let hex = match s.len() {
            12 => Some(s.to_string()),
            // 00-15-5d-a7-66-02 or 00:15:5d:a7:66:02
            17 => match s.as_bytes()[2] {
                sep @ (b'-' | b':') => grouped(sep, 2),
                _ => None,
            },
            // 0015.5da7.6602
            14 => grouped(b'.', 4),
            _ => None,
        }
        .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
        .ok_or_else(bad)?;
        let mut bytes = [0u8; 6];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Self(bytes))
    }

    pub fn from_octets(octets: [u8; 6]) -> Self {
        Self(octets)
    }

    pub fn octets(self) -> [u8; 6] {
        self.0
    }

    /// The colon form Kea and most Unix tools use (`00:15:5d:a7:66:02`).
    pub fn to_colon_string(self) -> String {
        self.to_string().replace('-', ":")
    }
}

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}-{:02x}-{:02x}-{:02x}-{:02x}-{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

impl TryFrom<String> for MacAddress {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<MacAddress> for String {
    fn from(m: MacAddress) -> String {
        m.to_string()
    }
}

/// Which protocol a reservation answers: `Dhcp`, `Bootp` or `Both` (the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReservationType {
    Dhcp,
    Bootp,
    #[default]
    Both,
}

impl ReservationType {
    pub const ALL: [ReservationType; 3] = [Self::Dhcp, Self::Bootp, Self::Both];

    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim().to_ascii_lowercase().as_str() {
            "" | "both" => Ok(Self::Both),
            "dhcp" => Ok(Self::Dhcp),
            "bootp" => Ok(Self::Bootp),
            other => Err(format!(
                "'{other}' is not a reservation type: Dhcp, Bootp or Both"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dhcp => "Dhcp",
            Self::Bootp => "Bootp",
            Self::Both => "Both",
        }
    }
}

impl fmt::Display for ReservationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reservation as a server holds it (the seed's columns, less the scope ID that holds it).
///
/// In JSON its client is two fields: `client_id`, the identifier as text, and
/// `identifier_type` (`hw-address` when absent: a MAC address, as Windows has it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ReservationWire", into = "ReservationWire")]
pub struct Reservation {
    pub ip_address: Ipv4Addr,
    pub client_id: ClientId,
    pub name: String,
    pub description: String,
    pub kind: ReservationType,
    /// What the reservation sets for its client beyond its address.
    pub settings: HostSettings,
}

/// A reservation's own settings for its client: where it boots from (the DHCP header's
/// `siaddr`, `sname` and `file`: Kea's `next-server`, `server-hostname`, `boot-file-name`) and
/// the client classes it puts it in (Kea's `client-classes`), and option values of its own
/// (Windows: `Set-DhcpServerv4OptionValue -ReservedIP`), which take the place of the scope's.
/// Empty: none, the scope's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostSettings {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Ipv4))]
    pub next_server: Option<Ipv4Addr>,
    pub server_hostname: String,
    pub boot_file_name: String,
    pub client_classes: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, OptionValue>))]
    pub options: BTreeMap<u8, OptionValue>,
}

impl HostSettings {
    /// The longest server host name: the DHCP header's `sname` is 64 bytes, ending in NUL.
    pub const MAX_SERVER_HOSTNAME: usize = 63;
    /// The longest boot file name: the header's `file` is 128 bytes, ending in NUL.
    pub const MAX_BOOT_FILE_NAME: usize = 127;
    /// The longest class name, and the most classes one reservation names.
    pub const MAX_CLASS_NAME: usize = 128;
    pub const MAX_CLASSES: usize = 32;

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Each setting an edit did not name (`said`: next server, server host name, boot file
    /// name, classes, options) taken from `old`, the settings it edits: what it does not name,
    /// it keeps.
    pub fn keep_unsaid(&mut self, old: &HostSettings, said: [bool; 5]) {
        let [
            next_server,
            server_hostname,
            boot_file_name,
            classes,
            options,
        ] = said;
        if !next_server {
            self.next_server = old.next_server;
        }
        if !server_hostname {
            self.server_hostname = old.server_hostname.clone();
        }
        if !boot_file_name {
            self.boot_file_name = old.boot_file_name.clone();
        }
        if !classes {
            self.client_classes = old.client_classes.clone();
        }
        if !options {
            self.options = old.options.clone();
        }
    }

    /// The settings in a few words, by Kea's names (`next-server 10.0.0.5, boot-file-name
    /// pxelinux.0, client-classes [pxe, floor-2]`); empty when there are none.
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if let Some(ip) = self.next_server {
            parts.push(format!("next-server {ip}"));
        }
        for (key, text) in [
            ("server-hostname", &self.server_hostname),
            ("boot-file-name", &self.boot_file_name),
        ] {
            if !text.is_empty() {
                parts.push(format!("{key} {text}"));
            }
        }
        if !self.client_classes.is_empty() {
            parts.push(format!(
                "client-classes [{}]",
                self.client_classes.join(", ")
            ));
        }
        for (code, value) in &self.options {
            let name = match crate::options::name_of(*code) {
                Some(name) => format!("{name} ({code})"),
                None => format!("option {code}"),
            };
            parts.push(format!("{name} {}", value.text()));
        }
        parts.join(", ")
    }

    /// Each setting that breaks its rule, by its field's name.
    pub fn refusals(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self
            .next_server
            .is_some_and(|ip| ip.is_unspecified() || ip.is_broadcast())
        {
            out.push((
                "next_server",
                "the next server is a host's address: not 0.0.0.0 or 255.255.255.255".into(),
            ));
        }
        for (field, text, max) in [
            (
                "server_hostname",
                &self.server_hostname,
                Self::MAX_SERVER_HOSTNAME,
            ),
            (
                "boot_file_name",
                &self.boot_file_name,
                Self::MAX_BOOT_FILE_NAME,
            ),
        ] {
            let what = field.replace('_', " ");
            if text.len() > max {
                out.push((
                    field,
                    format!("a {what} is at most {max} bytes (the DHCP header's room)"),
                ));
            } else if let Some(why) = crate::text::control_character(&format!("a {what}"), text) {
                out.push((field, why));
            }
        }
        if self.client_classes.len() > Self::MAX_CLASSES {
            out.push((
                "client_classes",
                format!(
                    "a reservation names at most {} client classes",
                    Self::MAX_CLASSES
                ),
            ));
        }
        for (i, class) in self.client_classes.iter().enumerate() {
            let why = if class.trim().is_empty() {
                Some("a client class has a name".to_string())
            } else if class.trim() != class {
                Some(format!(
                    "client class '{class}' begins or ends with a space"
                ))
            } else if class.chars().count() > Self::MAX_CLASS_NAME {
                Some(format!(
                    "a client class name is at most {} characters",
                    Self::MAX_CLASS_NAME
                ))
            } else if class.contains(',') {
                Some(format!(
                    "client class '{class}' holds a comma: the list is split on commas"
                ))
            } else if self.client_classes[..i].contains(class) {
                Some(format!("client class '{class}' is named twice"))
            } else {
                crate::text::control_character("a client class", class)
            };
            if let Some(why) = why {
                out.push(("client_classes", why));
            }
        }
        for why in crate::option_refusals(&self.options) {
            out.push(("options", why));
        }
        out
    }
}

/// A reservation as JSON has it, its client's type beside the identifier.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub(crate) struct ReservationWire {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Ipv4))]
    ip_address: Ipv4Addr,
    /// The client's identifier: a MAC address (`00-15-5d-a7-66-02`), or hex digits
    /// (`01:00:15:5d:a7:66:02`) or text in single quotes for the other types.
    client_id: String,
    #[serde(default)]
    identifier_type: IdentifierType,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default, rename = "type")]
    kind: ReservationType,
    /// The server the client boots from (Kea's `next-server`; the DHCP header's `siaddr`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Ipv4))]
    next_server: Option<Ipv4Addr>,
    /// Its name (Kea's `server-hostname`; `sname`), at most 63 bytes.
    #[serde(default)]
    server_hostname: String,
    /// The file it boots (Kea's `boot-file-name`; `file`), at most 127 bytes.
    #[serde(default)]
    boot_file_name: String,
    /// The client classes the reservation puts its client in.
    #[serde(default)]
    client_classes: Vec<String>,
    /// The reservation's own option values, by option code: they take the place of the
    /// scope's for its client.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::OptionValue>))]
    options: BTreeMap<u8, OptionValue>,
}

impl TryFrom<ReservationWire> for Reservation {
    type Error = String;
    fn try_from(w: ReservationWire) -> Result<Self, String> {
        let settings = HostSettings {
            next_server: w.next_server,
            server_hostname: w.server_hostname,
            boot_file_name: w.boot_file_name,
            client_classes: w.client_classes,
            options: w.options,
        };
        // Read by a server (the API, the built-in server's native API, a stored event): its
        // rules apply. The browser reads only what its server checked, and carries none of
        // the code that checks it.
        #[cfg(not(target_arch = "wasm32"))]
        if let Some((field, why)) = settings.refusals().into_iter().next() {
            return Err(format!("{field}: {why}"));
        }
        Ok(Self {
            ip_address: w.ip_address,
            client_id: ClientId::parse(w.identifier_type, &w.client_id)?,
            name: w.name,
            description: w.description,
            kind: w.kind,
            settings,
        })
    }
}

impl From<Reservation> for ReservationWire {
    fn from(r: Reservation) -> Self {
        Self {
            ip_address: r.ip_address,
            client_id: r.client_id.to_string(),
            identifier_type: r.client_id.kind(),
            name: r.name,
            description: r.description,
            kind: r.kind,
            next_server: r.settings.next_server,
            server_hostname: r.settings.server_hostname,
            boot_file_name: r.settings.boot_file_name,
            client_classes: r.settings.client_classes,
            options: r.settings.options,
        }
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Reservation {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <ReservationWire as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Reservation {
    fn name() -> std::borrow::Cow<'static, str> {
        "Reservation".into()
    }
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <ReservationWire as utoipa::ToSchema>::schemas(schemas);
    }
}

impl Reservation {
    /// A tag that changes whenever any field does: an edit names the version it was based on,
    /// and a server refuses it if the reservation has changed since (no silent overwrite).
    pub fn version(&self) -> String {
        // FNV-1a over length-prefixed fields: stable across builds and targets.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut fields = vec![
            self.ip_address.to_string(),
            self.client_id.described(),
            self.name.clone(),
            self.description.clone(),
            self.kind.as_str().to_string(),
        ];
        // Without settings, the version a reservation has always had.
        if !self.settings.is_empty() {
            fields.push(format!("{:?}", self.settings));
        }
        for field in &fields {
            for byte in (field.len() as u64)
                .to_le_bytes()
                .iter()
                .chain(field.as_bytes())
            {
                hash ^= u64::from(*byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_changes_with_every_field_and_only_then() {
        let r = Reservation {
            ip_address: [10, 0, 0, 99].into(),
            client_id: MacAddress::parse("aa-bb-cc-dd-ee-ff").unwrap().into(),
            name: "test".into(),
            description: "A1".into(),
            kind: ReservationType::Both,
            settings: Default::default(),
        };
        assert_eq!(r.version(), r.clone().version());
        let mut names = r.clone();
        names.name = "test|".into();
        names.description = "1".into();
        let mut shifted = r.clone();
        shifted.name = "test".into();
        shifted.description = "|1".into();
        assert_ne!(names.version(), shifted.version());
        for change in [
            (|r: &mut Reservation| r.name = "x".into()) as fn(&mut Reservation),
            |r| r.description = "x".into(),
            |r| r.kind = ReservationType::Dhcp,
            |r| r.client_id = MacAddress::parse("001122334455").unwrap().into(),
            |r| {
                r.client_id =
                    ClientId::parse(IdentifierType::ClientId, &r.client_id.to_string()).unwrap()
            },
        ] {
            let mut changed = r.clone();
            change(&mut changed);
            assert_ne!(changed.version(), r.version());
        }
    }

    #[test]
    fn mac_addresses_accept_the_three_forms_and_show_dashes() {
        for input in [
            "00155DA76602",
            "00-15-5d-a7-66-02",
            "00:15:5d:a7:66:02",
            " 00:15:5D:A7:66:02 ",
            "0015.5da7.6602",
        ] {
            assert_eq!(
                MacAddress::parse(input).unwrap().to_string(),
                "00-15-5d-a7-66-02",
                "{input}"
            );
        }
    }

    #[test]
    fn malformed_mac_addresses_are_refused() {
        for input in [
            "",
            "00155DA7660",
            "00155DA766022",
            "00-15-5d-a7-66:02",
            "0g155DA76602",
            "00-15-5d-a7-6602-",
            "+0155DA76602",
            "0015.5da7.660.",
            "00.15.5d.a7.66.02",
            // Non-ASCII: once a panic (a slice inside a character), found by the API fuzzer.
            "00\u{10000}\u{80}\u{80}\u{80}",
            "00-15-5d-a7-66-\u{e9}",
            "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}",
        ] {
            assert!(MacAddress::parse(input).is_err(), "{input}");
        }
    }

    proptest::proptest! {
        #[test]
        fn no_text_makes_the_mac_parser_panic(input in "\\PC{0,20}") {
            let _ = MacAddress::parse(&input);
        }
    }

    #[test]
    fn reservation_types_parse_case_blind_and_default_to_both() {
        assert_eq!(ReservationType::parse("").unwrap(), ReservationType::Both);
        assert_eq!(
            ReservationType::parse("BOOTP").unwrap(),
            ReservationType::Bootp
        );
        assert!(ReservationType::parse("dns").is_err());
    }
}
