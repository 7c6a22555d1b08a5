//! How a reservation names its client: a MAC address (Windows' ClientId, Kea's `hw-address`)
//! or one of the other identifiers Kea reserves by (`client-id`, `duid`, `circuit-id`,
//! `flex-id`). Each type has its own rules, Kea's own: how long the identifier may be, and
//! how it may be written.

use super::MacAddress;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of identifier a reservation names its client by, by Kea's names.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IdentifierType {
    /// The client's hardware (MAC) address, the DHCP header's `chaddr`: Windows' ClientId.
    #[default]
    #[serde(rename = "hw-address")]
    HwAddress,
    /// The DHCP client identifier (option 61).
    #[serde(rename = "client-id")]
    ClientId,
    /// A DUID, as a client sends it in option 61 (RFC 4361).
    #[serde(rename = "duid")]
    Duid,
    /// The relay agent's circuit ID (option 82, sub-option 1).
    #[serde(rename = "circuit-id")]
    CircuitId,
    /// An identifier Kea's `flex_id` hook makes from the packet.
    #[serde(rename = "flex-id")]
    FlexId,
}

impl IdentifierType {
    pub const ALL: [IdentifierType; 5] = [
        Self::HwAddress,
        Self::ClientId,
        Self::Duid,
        Self::CircuitId,
        Self::FlexId,
    ];

    /// Kea's name, the one the API, the CLI and the CSV file use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HwAddress => "hw-address",
            Self::ClientId => "client-id",
            Self::Duid => "duid",
            Self::CircuitId => "circuit-id",
            Self::FlexId => "flex-id",
        }
    }

    /// The name a page shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::HwAddress => "MAC address",
            Self::ClientId => "Client identifier",
            Self::Duid => "DUID",
            Self::CircuitId => "Circuit ID",
            Self::FlexId => "Flex ID",
        }
    }

    /// Kea's name, case-blind, with or without its dash; empty is the MAC address, as in a
    /// Windows export.
    pub fn parse(input: &str) -> Result<Self, String> {
        let word: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        match word.as_str() {
            "" | "hwaddress" | "mac" | "macaddress" | "hwaddr" => Ok(Self::HwAddress),
            "clientid" => Ok(Self::ClientId),
            "duid" => Ok(Self::Duid),
            "circuitid" => Ok(Self::CircuitId),
            "flexid" => Ok(Self::FlexId),
            _ => Err(format!(
                "'{}' is not an identifier type: hw-address, client-id, duid, circuit-id or flex-id",
                input.trim()
            )),
        }
    }

    /// How many bytes an identifier of this type may hold: a hardware address 6 (an Ethernet
    /// MAC, as Windows has it; Kea would take up to 20, but a DHCPv4 client on InfiniBand
    /// sends no hardware address, RFC 4390, and is reserved by its client identifier), a
    /// client identifier 2 to 255 (RFC 2132), a DUID 3 to 130 (its type and at least one byte,
    /// at most 128 after it), a circuit ID or flex ID 1 to 128 (Kea's limits).
    pub fn lengths(self) -> (usize, usize) {
        match self {
            Self::HwAddress => (6, 6),
            Self::ClientId => (2, 255),
            Self::Duid => (3, 130),
            Self::CircuitId | Self::FlexId => (1, 128),
        }
    }

    /// An example of the form the dialog asks for.
    pub fn example(self) -> &'static str {
        match self {
            Self::HwAddress => "00-15-5d-a7-66-02",
            Self::ClientId => "01:00:15:5d:a7:66:02",
            Self::Duid => "00:03:00:01:00:15:5d:a7:66:02",
            Self::CircuitId => "'ge-0/0/1.100' or 67:65:2d:30",
            Self::FlexId => "'s0mEVaLue' or 73:30:6d",
        }
    }
}

impl fmt::Display for IdentifierType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reservation's client: the type of its identifier and the identifier's bytes.
///
/// Written as hex digits (`01:00:15:5d:a7:66:02`, `01-00-15-5d-a7-66-02` or `0100155da76602`)
/// or, for every type but the MAC address, as text in single quotes (`'s0mEVaLue'`) as Kea
/// takes it; a MAC address in any of [`MacAddress`]'s forms. Shown as Windows shows a MAC
/// (`00-15-5d-a7-66-02`) and as Kea shows the others (`01:00:15:5d:a7:66:02`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId {
    kind: IdentifierType,
    bytes: Vec<u8>,
}

impl ClientId {
    /// Parses `input` as an identifier of type `kind`, by that type's rules.
    pub fn parse(kind: IdentifierType, input: &str) -> Result<Self, String> {
        let s = input.trim();
        let what = match kind {
            IdentifierType::HwAddress => "a MAC address",
            IdentifierType::ClientId => "a client identifier",
            IdentifierType::Duid => "a DUID",
            IdentifierType::CircuitId => "a circuit ID",
            IdentifierType::FlexId => "a flex ID",
        };
        if s.is_empty() {
            return Err(format!("{what} is required"));
        }
        let bytes = if kind == IdentifierType::HwAddress {
            // Kea writes 1:2:… for 01:02:…: read as Kea does, else as Windows does.
            match hex_bytes(s).filter(|b| b.len() == 6 && s.contains(':')) {
                Some(bytes) => bytes,
                None => MacAddress::parse(s)
                    .map_err(|_| {
                        format!(
                            "'{}' is not a MAC address: give 12 hex digits, like 00155DA76602, 00-15-5d-a7-66-02, 00:15:5d:a7:66:02 or 0015.5da7.6602",
                            shown(s)
                        )
                    })?
                    .octets()
                    .to_vec(),
            }
        } else if let Some(text) = s.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
            if text.is_empty() {
                return Err(format!("{what} in quotes holds at least one character"));
            }
            if let Some(bad) = text.chars().find(|c| !(' '..='~').contains(c)) {
                return Err(format!(
                    "{what} in quotes is printable ASCII: {:?} is not; give it as hex digits instead",
                    bad
                ));
            }
            text.as_bytes().to_vec()
        } else {
            hex_bytes(s).ok_or_else(|| {
                format!(
                    "'{}' is not {what}: give hex digits (like {}) or text in single quotes",
                    shown(s),
                    kind.example().split(" or ").last().unwrap_or_default(),
                )
            })?
        };
        Self::from_bytes(kind, bytes)
    }

    /// An identifier from its bytes, if their count is one its type allows.
    pub fn from_bytes(kind: IdentifierType, bytes: Vec<u8>) -> Result<Self, String> {
        let (min, max) = kind.lengths();
        if bytes.len() < min || bytes.len() > max {
            let noun = match kind {
                IdentifierType::HwAddress => "a hardware address",
                IdentifierType::ClientId => "a client identifier",
                IdentifierType::Duid => "a DUID",
                IdentifierType::CircuitId => "a circuit ID",
                IdentifierType::FlexId => "a flex ID",
            };
            return Err(format!(
                "{noun} is {min} to {max} bytes long; this one is {}",
                bytes.len()
            ));
        }
        Ok(Self { kind, bytes })
    }

    pub fn kind(&self) -> IdentifierType {
        self.kind
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The MAC address, when this is one (a hardware address of 6 bytes).
    pub fn mac(&self) -> Option<MacAddress> {
        match (self.kind, <[u8; 6]>::try_from(self.bytes.as_slice())) {
            (IdentifierType::HwAddress, Ok(octets)) => Some(MacAddress::from_octets(octets)),
            _ => None,
        }
    }

    /// The Ethernet MAC address inside the identifier, where one can be read from it: a
    /// hardware address of 6 bytes, a client identifier of hardware type 1 (`01` and the
    /// MAC), a DUID-LL or DUID-LLT of hardware type 1 (RFC 8415), or a client identifier
    /// holding such a DUID (`ff`, an IAID, the DUID: RFC 4361). Two reservations whose
    /// identifiers differ but hold the same MAC are for one client.
    pub fn hardware(&self) -> Option<MacAddress> {
        fn of_duid(d: &[u8]) -> Option<&[u8]> {
            match d {
                // DUID-LLT: type 1, hardware type 1, 4 bytes of time, the address.
                [0, 1, 0, 1, _, _, _, _, mac @ ..] if mac.len() == 6 => Some(mac),
                // DUID-LL: type 3, hardware type 1, the address.
                [0, 3, 0, 1, mac @ ..] if mac.len() == 6 => Some(mac),
                _ => None,
            }
        }
        let mac = match (self.kind, self.bytes.as_slice()) {
            (IdentifierType::HwAddress, b) if b.len() == 6 => Some(b),
            (IdentifierType::ClientId, [1, mac @ ..]) if mac.len() == 6 => Some(mac),
            (IdentifierType::ClientId, [0xff, _, _, _, _, duid @ ..]) => of_duid(duid),
            (IdentifierType::Duid, d) => of_duid(d),
            _ => None,
        }?;
        <[u8; 6]>::try_from(mac).ok().map(MacAddress::from_octets)
    }

    /// As Kea writes it: colon-separated hex digits.
    pub fn to_colon_string(&self) -> String {
        hex_with(&self.bytes, ":")
    }

    /// The identifier with its type, as a log or an error names it (`client-id 01:0a:0b`, or
    /// the MAC alone).
    pub fn described(&self) -> String {
        match self.kind {
            IdentifierType::HwAddress => self.to_string(),
            kind => format!("{kind} {self}"),
        }
    }
}

impl From<MacAddress> for ClientId {
    fn from(mac: MacAddress) -> Self {
        Self {
            kind: IdentifierType::HwAddress,
            bytes: mac.octets().to_vec(),
        }
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = match self.kind {
            IdentifierType::HwAddress => "-",
            _ => ":",
        };
        f.write_str(&hex_with(&self.bytes, sep))
    }
}

/// What an error may quote of the input: at most 64 characters, so no input makes an error
/// page of any length.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(64).collect();
    if s.chars().count() > 64 {
        out.push('…');
    }
    out
}

fn hex_with(bytes: &[u8], sep: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Hex digits, all in pairs (`0100155da76602`), or in groups of one or two split by `:` or
/// `-` (`01:00:15`, `1:0:15`), as Kea reads them; an optional `0x` before unbroken digits.
fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    if !s.is_ascii() || s.is_empty() {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    if s.contains([':', '-']) {
        let sep = if s.contains(':') { ':' } else { '-' };
        s.split(sep)
            .map(|group| match group.as_bytes() {
                [a] => digit(*a),
                [a, b] => Some(digit(*a)? << 4 | digit(*b)?),
                _ => None,
            })
            .collect()
    } else {
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        if digits.is_empty() || !digits.len().is_multiple_of(2) {
            return None;
        }
        digits
            .as_bytes()
            .chunks(2)
            .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{ClientId as Id, IdentifierType, MacAddress};
    use IdentifierType::*;

    #[test]
    fn each_type_reads_its_forms_and_shows_one() {
        for (kind, input, shown) in [
            (HwAddress, "00155DA76602", "00-15-5d-a7-66-02"),
            (HwAddress, "0015.5da7.6602", "00-15-5d-a7-66-02"),
            (HwAddress, "1a:1b:1c:1d:1e:1f", "1a-1b-1c-1d-1e-1f"),
            (HwAddress, "1a:b:1c:1d:1e:f", "1a-0b-1c-1d-1e-0f"),
            (ClientId, "01:11:22:33:44:55:66", "01:11:22:33:44:55:66"),
            (ClientId, "01-0A-0B-0C-0D-0E-0F", "01:0a:0b:0c:0d:0e:0f"),
            (ClientId, "010a0b", "01:0a:0b"),
            (ClientId, "0x010A0B", "01:0a:0b"),
            (ClientId, "1:a:b", "01:0a:0b"),
            (Duid, "01:02:03:04:05", "01:02:03:04:05"),
            (CircuitId, "'ge-0/0/1'", "67:65:2d:30:2f:30:2f:31"),
            (FlexId, "'s0mEVaLue'", "73:30:6d:45:56:61:4c:75:65"),
            (FlexId, "  01:02  ", "01:02"),
        ] {
            let id = Id::parse(kind, input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.to_string(), shown, "{input}");
            assert_eq!(id.kind(), kind);
            // What it shows reads back the same.
            assert_eq!(Id::parse(kind, &id.to_string()).unwrap(), id);
        }
    }

    #[test]
    fn each_type_refuses_what_its_rules_refuse() {
        for (kind, input, says) in [
            (HwAddress, "", "required"),
            (HwAddress, "zz", "not a MAC address"),
            (HwAddress, "'s0mEVaLue'", "not a MAC address"),
            (HwAddress, &("ab:".repeat(19) + "cd"), "not a MAC address"),
            (HwAddress, "00-15-5d-00-01", "not a MAC address"),
            (ClientId, "01", "2 to 255 bytes"),
            (ClientId, "0g", "not a client identifier"),
            (ClientId, &"ab".repeat(256), "2 to 255 bytes"),
            (Duid, "01:02", "3 to 130 bytes"),
            (Duid, &"ab".repeat(131), "3 to 130 bytes"),
            (CircuitId, "''", "at least one character"),
            (CircuitId, "'tab\there'", "printable ASCII"),
            (CircuitId, "'caf\u{e9}'", "printable ASCII"),
            (
                CircuitId,
                &format!("'{}'", "x".repeat(129)),
                "1 to 128 bytes",
            ),
            (FlexId, "012", "not a flex ID"),
            (FlexId, "01::02", "not a flex ID"),
            (FlexId, "01:002", "not a flex ID"),
            (FlexId, "01:02-03", "not a flex ID"),
            (FlexId, "'unterminated", "not a flex ID"),
            (Duid, "\u{e9}\u{e9}", "not a DUID"),
        ] {
            let err = Id::parse(kind, input).expect_err(input);
            assert!(err.contains(says), "{input}: {err}");
            assert!(err.chars().count() < 300, "{err}");
        }
    }

    #[test]
    fn identifier_types_read_kea_and_windows_names() {
        assert_eq!(IdentifierType::parse("").unwrap(), HwAddress);
        assert_eq!(IdentifierType::parse("Client-ID").unwrap(), ClientId);
        assert_eq!(IdentifierType::parse("circuit_id").unwrap(), CircuitId);
        assert_eq!(IdentifierType::parse(" flex-id ").unwrap(), FlexId);
        for kind in IdentifierType::ALL {
            assert_eq!(IdentifierType::parse(kind.as_str()).unwrap(), kind);
        }
        assert!(IdentifierType::parse("remote-id").is_err());
    }

    #[test]
    fn the_same_bytes_under_two_types_are_two_clients() {
        let a = Id::parse(ClientId, "01:02:03").unwrap();
        let b = Id::parse(Duid, "01:02:03").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.described(), "client-id 01:02:03");
        let mac = Id::parse(HwAddress, "00155DA76602").unwrap();
        assert_eq!(mac.described(), "00-15-5d-a7-66-02");
        assert_eq!(mac.mac(), Some(MacAddress::parse("00155DA76602").unwrap()));
        assert_eq!(a.mac(), None);
    }

    #[test]
    fn the_mac_inside_an_identifier_is_found_where_there_is_one() {
        let mac = MacAddress::parse("00155DA76602").unwrap();
        for (kind, input) in [
            (HwAddress, "00-15-5d-a7-66-02"),
            (ClientId, "01:00:15:5d:a7:66:02"),
            (Duid, "00:03:00:01:00:15:5d:a7:66:02"),
            (Duid, "00:01:00:01:2a:3b:4c:5d:00:15:5d:a7:66:02"),
            (ClientId, "ff:00:00:00:01:00:03:00:01:00:15:5d:a7:66:02"),
        ] {
            assert_eq!(
                Id::parse(kind, input).unwrap().hardware(),
                Some(mac),
                "{input}"
            );
        }
        for (kind, input) in [
            (ClientId, "02:00:15:5d:a7:66:02"),
            (Duid, "00:02:00:00:00:09:01:02"),
            (CircuitId, "01:00:15:5d:a7:66:02"),
        ] {
            assert_eq!(Id::parse(kind, input).unwrap().hardware(), None, "{input}");
        }
    }

    proptest::proptest! {
        #[test]
        fn no_text_makes_an_identifier_parser_panic(input in "\\PC{0,40}", kind in 0usize..5) {
            let _ = Id::parse(IdentifierType::ALL[kind], &input);
        }
    }
}
