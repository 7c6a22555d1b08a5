//! The rules a DHCP server enforces on its configuration, shared by the built-in server,
//! the portal (to refuse bad input before anything is written) and the drivers.

use crate::model::address::parse_ipv4;
use crate::{
    ClientId, FieldError, FieldErrors, IdentifierType, Reservation, ReservationType, Scope,
};
use serde::{Deserialize, Serialize};

/// The Create DHCP Reservation dialog as typed: strings, parsed by [`NewReservation::parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReservation {
    /// The reserved address, in the scope's range.
    #[cfg_attr(feature = "openapi", schema(format = Ipv4, example = "10.0.0.150"))]
    pub ip_address: String,
    /// The client's identifier: a MAC address in any spelling (`00-15-5D-A7-66-50`,
    /// `00:15:5d:a7:66:50`, `0015.5da7.6650`) for `hw-address`, hex bytes for the others.
    #[cfg_attr(feature = "openapi", schema(example = "00-15-5D-A7-66-50"))]
    pub client_id: String,
    /// `hw-address` (the default: a MAC address), `client-id`, `duid`, `circuit-id` or
    /// `flex-id`.
    #[serde(default)]
    pub identifier_type: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The server the client boots from (`next-server`): an IPv4 address, or empty for none.
    /// Each of the reservation's own settings may be left out: an edit then keeps what the
    /// reservation has, a new one has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_server: Option<String>,
    /// Its name (`server-hostname`), at most 63 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_hostname: Option<String>,
    /// The file the client boots (`boot-file-name`), at most 127 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_file_name: Option<String>,
    /// The client classes the reservation puts its client in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_classes: Option<Vec<String>>,
    /// The reservation's own option values (each as the scope dialog types one); an empty
    /// list clears them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<crate::scope_input::OptionInput>>,
}

const MAX_TEXT: usize = 255;

/// Client classes as a form types them: names split on commas and line breaks, trimmed, empty
/// ones dropped.
pub fn class_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

impl NewReservation {
    /// Parses every field, collecting every error with the field it belongs to.
    pub fn parse(&self) -> Result<Reservation, FieldErrors> {
        let mut errors = FieldErrors::default();
        let ip = errors.take("ip_address", parse_ipv4(&self.ip_address));
        let identifier = errors.take(
            "identifier_type",
            IdentifierType::parse(&self.identifier_type),
        );
        // The identifier is read by its type's rules (not at all when the type is unreadable:
        // the type's error says what is wrong).
        let mac = identifier
            .and_then(|kind| errors.take("client_id", ClientId::parse(kind, &self.client_id)));
        let kind = errors.take("type", ReservationType::parse(&self.kind));
        let name = self.name.trim().to_string();
        let description = self.description.trim().to_string();
        if name.chars().count() > MAX_TEXT {
            errors.push("name", format!("a name is at most {MAX_TEXT} characters"));
        } else if let Some(why) = crate::text::control_character("a name", &name) {
            errors.push("name", why);
        }
        if description.chars().count() > MAX_TEXT {
            errors.push(
                "description",
                format!("a description is at most {MAX_TEXT} characters"),
            );
        } else if let Some(why) = crate::text::control_character("a description", &description) {
            errors.push("description", why);
        }
        let next_server = match self.next_server.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => errors.take("next_server", parse_ipv4(text)),
        };
        let settings = crate::HostSettings {
            next_server,
            server_hostname: self
                .server_hostname
                .clone()
                .unwrap_or_default()
                .trim()
                .into(),
            boot_file_name: self
                .boot_file_name
                .clone()
                .unwrap_or_default()
                .trim()
                .into(),
            client_classes: self
                .client_classes
                .iter()
                .flatten()
                .map(|c| c.trim().to_string())
                .collect(),
            options: crate::scope_input::parse_options(
                self.options.as_deref().unwrap_or_default(),
                &mut errors,
            ),
        };
        for (field, why) in settings.refusals() {
            errors.push(field, why);
        }
        match (ip, mac, kind) {
            (Some(ip_address), Some(client_id), Some(kind)) if errors.is_empty() => {
                Ok(Reservation {
                    ip_address,
                    client_id,
                    name,
                    description,
                    kind,
                    settings,
                })
            }
            _ => Err(errors),
        }
    }

    /// `new` (this input parsed) with each setting this input leaves out taken from
    /// `before`, the reservation it edits: what an edit does not name, it keeps.
    pub fn keep_unsaid(&self, new: &mut Reservation, before: &Reservation) {
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

/// Where a kind of server lets a reservation's address be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    /// Inside the scope's range (Windows DHCP, and the built-in server after it).
    InRange,
    /// Anywhere in the subnet but its network and broadcast addresses, inside a pool or not
    /// (Kea, whose documentation recommends reservations outside the dynamic pools).
    InSubnet,
}

impl Placement {
    /// Why `ip` cannot be reserved in `scope` under this rule, if it cannot.
    pub fn refusal(self, scope: &Scope, ip: std::net::Ipv4Addr) -> Option<String> {
        match self {
            Self::InRange if !scope.range.contains(ip) => Some(format!(
                "{ip} is outside scope {} (its range is {} to {})",
                scope.id,
                scope.range.start(),
                scope.range.end()
            )),
            Self::InSubnet => {
                let subnet = scope.subnet();
                if !subnet.contains(ip) {
                    Some(format!(
                        "{ip} is outside subnet {}/{}",
                        scope.id, scope.prefix_len
                    ))
                } else if ip == subnet.start() || ip == subnet.end() {
                    Some(format!(
                        "{ip} is the {} address of subnet {}/{}",
                        if ip == subnet.start() {
                            "network"
                        } else {
                            "broadcast"
                        },
                        scope.id,
                        scope.prefix_len
                    ))
                } else {
                    None
                }
            }
            Self::InRange => None,
        }
    }
}

/// Whether `new` may be added to `scope`: inside the scope's range, and neither its address
/// nor its client ID already reserved there.
pub fn reservation_fits(scope: &Scope, new: &Reservation) -> Result<(), FieldErrors> {
    reservation_fits_except(scope, new, None)
}

/// Whether `new` may replace the reservation at `replacing` (or be added, when `None`).
pub fn reservation_fits_except(
    scope: &Scope,
    new: &Reservation,
    replacing: Option<std::net::Ipv4Addr>,
) -> Result<(), FieldErrors> {
    reservation_fits_on(Placement::InRange, scope, new, replacing)
}

/// [`reservation_fits_except`] on a server whose addresses follow `placement`.
pub fn reservation_fits_on(
    placement: Placement,
    scope: &Scope,
    new: &Reservation,
    replacing: Option<std::net::Ipv4Addr>,
) -> Result<(), FieldErrors> {
    let mut others = scope
        .reservations
        .iter()
        .filter(|r| Some(r.ip_address) != replacing);
    let mut errors = FieldErrors::default();
    let at_address = others.clone().find(|r| r.ip_address == new.ip_address);
    if let Some(e) = address_refusal(placement, scope, new, at_address) {
        errors.0.push(e);
    }
    if let Some(taken) = others.find(|r| r.client_id == new.client_id) {
        errors.0.push(client_refusal(scope, new, taken));
    }
    errors.into_result()
}

/// Why `new` cannot have its address in `scope`: outside the range, or `taken` already has it.
fn address_refusal(
    placement: Placement,
    scope: &Scope,
    new: &Reservation,
    taken: Option<&Reservation>,
) -> Option<FieldError> {
    if let Some(why) = placement.refusal(scope, new.ip_address) {
        return Some(FieldError::new("ip_address", why));
    }
    taken.map(|taken| {
        FieldError::new(
            "ip_address",
            format!(
                "{} is already reserved in scope {} for {}",
                new.ip_address,
                scope.id,
                taken.client_id.described()
            ),
        )
    })
}

fn client_refusal(scope: &Scope, new: &Reservation, taken: &Reservation) -> FieldError {
    FieldError::new(
        "client_id",
        format!(
            "client {} already has a reservation in scope {} ({})",
            new.client_id.described(),
            scope.id,
            taken.ip_address
        ),
    )
}

/// Whether a whole scope is consistent: the rules a server checks before it accepts a scope
/// (a replication writes whole scopes, so this is what the partner checks).
pub fn scope_is_consistent(scope: &Scope) -> Result<(), FieldErrors> {
    scope_is_consistent_on(Placement::InRange, scope)
}

/// [`scope_is_consistent`] on a server whose reservations follow `placement`.
pub fn scope_is_consistent_on(placement: Placement, scope: &Scope) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    if scope.prefix_len > 30 || scope.prefix_len == 0 {
        errors.push("subnet_mask", "the prefix length must be from 1 to 30");
    } else {
        let mask = u32::from(scope.subnet_mask());
        let net = u32::from(scope.id.addr());
        if net & mask != net {
            errors.push(
                "scope_id",
                format!(
                    "{} is not the network address of a /{} subnet",
                    scope.id, scope.prefix_len
                ),
            );
        }
        let in_subnet = |ip: std::net::Ipv4Addr| u32::from(ip) & mask == net;
        if !in_subnet(scope.range.start()) || !in_subnet(scope.range.end()) {
            errors.push(
                "range",
                format!(
                    "the range {} is not inside subnet {}/{}",
                    scope.range, scope.id, scope.prefix_len
                ),
            );
        }
    }
    if scope.name.trim().is_empty() {
        errors.push("name", "a scope needs a name");
    }
    let control = crate::text::control_character;
    for (field, what, text) in [
        ("name", "a scope name", &scope.name),
        ("description", "a description", &scope.description),
    ] {
        if let Some(why) = control(what, text) {
            errors.push(field, why);
        }
    }
    for why in crate::option_refusals(&scope.options) {
        errors.push("options", why);
    }
    if scope.lease_duration_secs == 0 {
        errors.push(
            "lease_duration",
            "the lease duration must be longer than zero",
        );
    }
    for (i, ex) in scope.exclusions.iter().enumerate() {
        if !scope.range.contains(ex.start()) || !scope.range.contains(ex.end()) {
            errors.push(
                "exclusions",
                format!("exclusion {ex} is outside the scope's range"),
            );
        }
        if scope.exclusions[..i]
            .iter()
            .any(|other| other.overlaps(*ex))
        {
            errors.push(
                "exclusions",
                format!("exclusion {ex} overlaps another exclusion"),
            );
        }
    }
    // Each reservation against those before it, in one pass (scopes hold thousands).
    let mut addresses: std::collections::HashMap<_, &Reservation> = Default::default();
    let mut clients: std::collections::HashMap<&ClientId, &Reservation> = Default::default();
    for r in &scope.reservations {
        for (what, text) in [("name", &r.name), ("description", &r.description)] {
            if let Some(why) = control(&format!("reservation {}'s {what}", r.ip_address), text) {
                errors.push("reservations", why);
            }
        }
        let refusals = address_refusal(placement, scope, r, addresses.get(&r.ip_address).copied())
            .into_iter()
            .chain(
                clients
                    .get(&r.client_id)
                    .map(|t| client_refusal(scope, r, t)),
            );
        for mut e in refusals {
            e.field = "reservations".into();
            errors.0.push(e);
        }
        addresses.entry(r.ip_address).or_insert(r);
        clients.entry(&r.client_id).or_insert(r);
    }
    errors.into_result()
}

/// Whether `scope` may stand on a server beside `others`: consistent in itself, and its subnet
/// overlapping none of theirs (`others` may include the scope's own previous copy, by ID).
pub fn scope_fits(others: &[Scope], scope: &Scope) -> Result<(), FieldErrors> {
    scope_fits_on(Placement::InRange, others, scope)
}

/// [`scope_fits`] on a server whose reservations follow `placement`.
pub fn scope_fits_on(
    placement: Placement,
    others: &[Scope],
    scope: &Scope,
) -> Result<(), FieldErrors> {
    scope_is_consistent_on(placement, scope)?;
    let mut errors = FieldErrors::default();
    for other in others.iter().filter(|o| o.id != scope.id) {
        if other.subnet().overlaps(scope.subnet()) {
            errors.push(
                "scope_id",
                format!(
                    "subnet {}/{} overlaps scope {} ({}/{}) on this server",
                    scope.id, scope.prefix_len, other.id, other.id, other.prefix_len
                ),
            );
        }
    }
    errors.into_result()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{IpRange, MacAddress, ScopeId, ScopeState};

    /// The seed's scope: 10.0.0.0/24 with reservation 10.0.0.99 for aa-bb-cc-dd-ee-ff.
    pub(crate) fn seed_scope() -> Scope {
        Scope {
            id: ScopeId::parse("10.0.0.0").unwrap(),
            name: "Contoso".into(),
            description: String::new(),
            range: IpRange::new("10.0.0.1".parse().unwrap(), "10.0.0.254".parse().unwrap())
                .unwrap(),
            prefix_len: 24,
            lease_duration_secs: Scope::DEFAULT_LEASE_SECS,
            state: ScopeState::Active,
            exclusions: vec![],
            options: Default::default(),
            reservations: vec![Reservation {
                ip_address: "10.0.0.99".parse().unwrap(),
                client_id: MacAddress::parse("aa-bb-cc-dd-ee-ff").unwrap().into(),
                name: "test".into(),
                description: "A1".into(),
                kind: ReservationType::Both,
                settings: Default::default(),
            }],
            kept: None,
        }
    }

    fn input(ip: &str, mac: &str) -> NewReservation {
        NewReservation {
            ip_address: ip.into(),
            client_id: mac.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_seed_reservation_parses_with_type_both() {
        let r = input("10.0.0.100", "00155DA76602").parse().unwrap();
        assert_eq!(r.client_id.to_string(), "00-15-5d-a7-66-02");
        assert_eq!(r.kind, ReservationType::Both);
        reservation_fits(&seed_scope(), &r).unwrap();
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = NewReservation {
            ip_address: "10.0.0.300".into(),
            client_id: "zz".into(),
            identifier_type: "remote-id".into(),
            name: "x".repeat(300),
            description: String::new(),
            kind: "Dns".into(),
            next_server: Some("10.0.0".into()),
            server_hostname: Some("h".repeat(64)),
            boot_file_name: Some("boot\u{7}".into()),
            client_classes: Some(vec!["a,b".into()]),
            options: Some(vec![crate::scope_input::OptionInput {
                code: "66".into(),
                kind: "Text".into(),
                value: "tftp\u{0}".into(),
            }]),
        }
        .parse()
        .unwrap_err();
        for field in [
            "ip_address",
            "identifier_type",
            "name",
            "type",
            "next_server",
            "server_hostname",
            "boot_file_name",
            "client_classes",
            "options",
        ] {
            assert!(errors.get(field).is_some(), "{field} in {errors}");
        }
    }

    #[test]
    fn a_reservations_own_settings_are_checked_and_an_edit_keeps_what_it_leaves_out() {
        let option = |code: &str, kind: &str, value: &str| crate::scope_input::OptionInput {
            code: code.into(),
            kind: kind.into(),
            value: value.into(),
        };
        let full = NewReservation {
            next_server: Some(" 10.0.0.5 ".into()),
            server_hostname: Some("boot.contoso.com".into()),
            boot_file_name: Some("pxelinux.0".into()),
            client_classes: Some(class_list("printers, floor-2\nfloor-2b")),
            options: Some(vec![
                option("3", "Addresses", "10.0.0.1"),
                option("66", "Text", "tftp.contoso.com"),
            ]),
            ..input("10.0.0.100", "00155DA76602")
        };
        let before = full.parse().unwrap();
        assert_eq!(
            before.settings.options[&66],
            crate::OptionValue::Text("tftp.contoso.com".into())
        );
        assert_eq!(before.settings.next_server, Some([10, 0, 0, 5].into()));
        assert_eq!(
            before.settings.client_classes,
            ["printers", "floor-2", "floor-2b"]
        );
        // Left out: kept on an edit. Given empty: cleared.
        let rename = NewReservation {
            name: "renamed".into(),
            boot_file_name: Some(String::new()),
            ..input("10.0.0.100", "00155DA76602")
        };
        let mut after = rename.parse().unwrap();
        assert!(after.settings.client_classes.is_empty());
        rename.keep_unsaid(&mut after, &before);
        assert_eq!(
            after.settings.client_classes,
            before.settings.client_classes
        );
        assert_eq!(after.settings.server_hostname, "boot.contoso.com");
        assert_eq!(after.settings.boot_file_name, "");
        assert_eq!(after.settings.options, before.settings.options);
        let cleared = NewReservation {
            options: Some(Vec::new()),
            ..input("10.0.0.100", "00155DA76602")
        };
        let mut after = cleared.parse().unwrap();
        cleared.keep_unsaid(&mut after, &before);
        assert!(after.settings.options.is_empty());
        for (bad, field, says) in [
            (
                NewReservation {
                    next_server: Some("0.0.0.0".into()),
                    ..full.clone()
                },
                "next_server",
                "not 0.0.0.0",
            ),
            (
                NewReservation {
                    boot_file_name: Some("f".repeat(128)),
                    ..full.clone()
                },
                "boot_file_name",
                "at most 127 bytes",
            ),
            // Bytes, not characters: 32 two-byte characters are 64 bytes.
            (
                NewReservation {
                    server_hostname: Some("\u{e9}".repeat(32)),
                    ..full.clone()
                },
                "server_hostname",
                "at most 63 bytes",
            ),
            (
                NewReservation {
                    client_classes: Some(vec!["a".into(), "a".into()]),
                    ..full.clone()
                },
                "client_classes",
                "named twice",
            ),
            (
                NewReservation {
                    client_classes: Some(vec![" ".into()]),
                    ..full.clone()
                },
                "client_classes",
                "has a name",
            ),
            (
                NewReservation {
                    options: Some(vec![option("66", "Text", &"t".repeat(256))]),
                    ..full.clone()
                },
                "options",
                "at most 255 bytes",
            ),
            (
                NewReservation {
                    options: Some(vec![option("67", "Text", "pxe\nboot")]),
                    ..full.clone()
                },
                "options",
                "control character",
            ),
            (
                NewReservation {
                    options: Some(vec![option("150", "Addresses", &"10.0.0.1 ".repeat(64))]),
                    ..full.clone()
                },
                "options",
                "at most 63 addresses",
            ),
            (
                NewReservation {
                    options: Some(vec![
                        option("3", "Addresses", "10.0.0.1"),
                        option("3", "Text", "10.0.0.2"),
                    ]),
                    ..full.clone()
                },
                "options",
                "given twice",
            ),
            (
                NewReservation {
                    options: Some(vec![option("255", "Text", "x")]),
                    ..full.clone()
                },
                "options",
                "1 to 254",
            ),
        ] {
            let e = bad.parse().unwrap_err();
            assert!(
                e.get(field).is_some_and(|m| m.contains(says)),
                "{field}: {e}"
            );
        }
    }

    #[test]
    fn an_identifier_is_read_by_its_type_and_a_client_is_its_type_and_bytes() {
        let typed = |ip: &str, kind: &str, id: &str| NewReservation {
            identifier_type: kind.into(),
            ..input(ip, id)
        };
        let r = typed("10.0.0.100", "client-id", "01:aa:bb:cc:dd:ee:ff")
            .parse()
            .unwrap();
        assert_eq!(r.client_id.kind(), crate::IdentifierType::ClientId);
        // The seed holds aa-bb-cc-dd-ee-ff as a MAC: the same bytes as a flex ID are
        // another client.
        let flex = typed("10.0.0.100", "flex-id", "aa:bb:cc:dd:ee:ff")
            .parse()
            .unwrap();
        reservation_fits(&seed_scope(), &flex).unwrap();
        // A client identifier of one byte is refused on its field, by its own rule.
        let e = typed("10.0.0.100", "client-id", "01").parse().unwrap_err();
        assert!(
            e.get("client_id").unwrap().contains("2 to 255 bytes"),
            "{e}"
        );
        // Quoted text is a flex ID's, never a MAC's.
        assert!(typed("10.0.0.100", "", "'text'").parse().is_err());
        assert_eq!(
            typed("10.0.0.100", "flex-id", "'text'")
                .parse()
                .unwrap()
                .client_id
                .to_string(),
            "74:65:78:74"
        );
    }

    #[test]
    fn an_address_outside_the_scope_is_refused() {
        let r = input("10.0.1.5", "00155DA76602").parse().unwrap();
        let e = reservation_fits(&seed_scope(), &r).unwrap_err();
        assert!(
            e.get("ip_address")
                .unwrap()
                .contains("outside scope 10.0.0.0")
        );
    }

    #[test]
    fn kea_places_a_reservation_anywhere_in_the_subnet_but_its_ends() {
        // The seed's range is 10.0.0.1-10.0.0.254; shrink it to a pool of .100-.199.
        let mut scope = seed_scope();
        scope.range =
            crate::IpRange::new("10.0.0.100".parse().unwrap(), "10.0.0.199".parse().unwrap())
                .unwrap();
        scope.reservations.clear();
        let at = |ip: &str| input(ip, "00155DA76602").parse().unwrap();
        assert!(
            reservation_fits(&scope, &at("10.0.0.20")).is_err(),
            "Windows: outside range"
        );
        let kea = |ip: &str| reservation_fits_on(Placement::InSubnet, &scope, &at(ip), None);
        assert_eq!(kea("10.0.0.20"), Ok(()));
        assert_eq!(kea("10.0.0.150"), Ok(()));
        for (ip, why) in [
            ("10.0.0.0", "network address"),
            ("10.0.0.255", "broadcast address"),
            ("10.0.1.5", "outside subnet 10.0.0.0/24"),
        ] {
            let e = kea(ip).unwrap_err();
            assert!(e.get("ip_address").unwrap().contains(why), "{ip}: {e}");
        }
        // A whole scope replicated to a Kea server follows the same rule.
        scope.reservations.push(at("10.0.0.20"));
        assert!(scope_is_consistent(&scope).is_err());
        assert_eq!(scope_is_consistent_on(Placement::InSubnet, &scope), Ok(()));
    }

    #[test]
    fn a_taken_address_or_client_is_refused() {
        let scope = seed_scope();
        let same_ip = input("10.0.0.99", "00155DA76602").parse().unwrap();
        assert!(
            reservation_fits(&scope, &same_ip)
                .unwrap_err()
                .get("ip_address")
                .unwrap()
                .contains("already reserved")
        );
        let same_mac = input("10.0.0.100", "AA:BB:CC:DD:EE:FF").parse().unwrap();
        let e = reservation_fits(&scope, &same_mac).unwrap_err();
        assert!(e.get("client_id").unwrap().contains("10.0.0.99"));
        assert!(e.get("ip_address").is_none());
    }

    #[test]
    fn overlapping_subnets_on_one_server_are_refused() {
        let a = seed_scope();
        let mut b = seed_scope();
        b.id = ScopeId::parse("10.0.0.128").unwrap();
        b.prefix_len = 25;
        b.range =
            IpRange::new("10.0.0.130".parse().unwrap(), "10.0.0.140".parse().unwrap()).unwrap();
        b.reservations.clear();
        assert!(
            scope_fits(std::slice::from_ref(&a), &b)
                .unwrap_err()
                .get("scope_id")
                .unwrap()
                .contains("overlaps scope 10.0.0.0")
        );
        let mut c = b.clone();
        c.id = ScopeId::parse("10.0.1.0").unwrap();
        c.prefix_len = 24;
        c.range = IpRange::new("10.0.1.1".parse().unwrap(), "10.0.1.9".parse().unwrap()).unwrap();
        scope_fits(std::slice::from_ref(&a), &c).unwrap();
        // Its own previous copy does not count.
        scope_fits(std::slice::from_ref(&a), &a).unwrap();
    }

    #[test]
    fn a_scope_version_changes_with_any_edit() {
        let a = seed_scope();
        let mut b = a.clone();
        assert_eq!(a.version(), b.version());
        b.lease_duration_secs += 1;
        assert_ne!(a.version(), b.version());
    }

    #[test]
    fn inconsistent_scopes_are_refused() {
        let good = seed_scope();
        scope_is_consistent(&good).unwrap();
        let mut dup = good.clone();
        dup.reservations.push(dup.reservations[0].clone());
        assert!(
            scope_is_consistent(&dup)
                .unwrap_err()
                .get("reservations")
                .is_some()
        );
        let mut not_network = good.clone();
        not_network.id = ScopeId::parse("10.0.0.7").unwrap();
        assert!(
            scope_is_consistent(&not_network)
                .unwrap_err()
                .get("scope_id")
                .is_some()
        );
        let mut bad_exclusion = good;
        bad_exclusion.exclusions =
            vec![IpRange::new("10.0.1.1".parse().unwrap(), "10.0.1.9".parse().unwrap()).unwrap()];
        assert!(
            scope_is_consistent(&bad_exclusion)
                .unwrap_err()
                .get("exclusions")
                .is_some()
        );
    }
}
