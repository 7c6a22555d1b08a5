//! DHCPv4 options by name: the name Kea gives each standard option (RFC 2132 and later), by
//! code, for pages and drift to name an option as the server's own configuration does.

/// Kea's name of each standard DHCPv4 option, by code (RFC 2132 and later, as Kea names them).
pub const NAMES: &[(u8, &str)] = &[
    (1, "subnet-mask"),
    (2, "time-offset"),
    (3, "routers"),
    (4, "time-servers"),
    (5, "name-servers"),
    (6, "domain-name-servers"),
    (7, "log-servers"),
    (8, "cookie-servers"),
    (9, "lpr-servers"),
    (10, "impress-servers"),
    (11, "resource-location-servers"),
    (12, "host-name"),
    (13, "boot-size"),
    (14, "merit-dump"),
    (15, "domain-name"),
    (16, "swap-server"),
    (17, "root-path"),
    (18, "extensions-path"),
    (19, "ip-forwarding"),
    (20, "non-local-source-routing"),
    (21, "policy-filter"),
    (22, "max-dgram-reassembly"),
    (23, "default-ip-ttl"),
    (24, "path-mtu-aging-timeout"),
    (25, "path-mtu-plateau-table"),
    (26, "interface-mtu"),
    (27, "all-subnets-local"),
    (28, "broadcast-address"),
    (29, "perform-mask-discovery"),
    (30, "mask-supplier"),
    (31, "router-discovery"),
    (32, "router-solicitation-address"),
    (33, "static-routes"),
    (34, "trailer-encapsulation"),
    (35, "arp-cache-timeout"),
    (36, "ieee802-3-encapsulation"),
    (37, "default-tcp-ttl"),
    (38, "tcp-keepalive-interval"),
    (39, "tcp-keepalive-garbage"),
    (40, "nis-domain"),
    (41, "nis-servers"),
    (42, "ntp-servers"),
    (43, "vendor-encapsulated-options"),
    (44, "netbios-name-servers"),
    (45, "netbios-dd-server"),
    (46, "netbios-node-type"),
    (47, "netbios-scope"),
    (48, "font-servers"),
    (49, "x-display-manager"),
    (50, "dhcp-requested-address"),
    (51, "dhcp-lease-time"),
    (52, "dhcp-option-overload"),
    (53, "dhcp-message-type"),
    (54, "dhcp-server-identifier"),
    (55, "dhcp-parameter-request-list"),
    (56, "dhcp-message"),
    (57, "dhcp-max-message-size"),
    (58, "dhcp-renewal-time"),
    (59, "dhcp-rebinding-time"),
    (60, "vendor-class-identifier"),
    (61, "dhcp-client-identifier"),
    (62, "nwip-domain-name"),
    (63, "nwip-suboptions"),
    (64, "nisplus-domain-name"),
    (65, "nisplus-servers"),
    (66, "tftp-server-name"),
    (67, "boot-file-name"),
    (68, "mobile-ip-home-agent"),
    (69, "smtp-server"),
    (70, "pop-server"),
    (71, "nntp-server"),
    (72, "www-server"),
    (73, "finger-server"),
    (74, "irc-server"),
    (75, "streettalk-server"),
    (76, "streettalk-directory-assistance-server"),
    (77, "user-class"),
    (78, "slp-directory-agent"),
    (79, "slp-service-scope"),
    (81, "fqdn"),
    (82, "dhcp-agent-options"),
    (85, "nds-servers"),
    (86, "nds-tree-name"),
    (87, "nds-context"),
    (88, "bcms-controller-names"),
    (89, "bcms-controller-address"),
    (90, "authenticate"),
    (91, "client-last-transaction-time"),
    (92, "associated-ip"),
    (93, "client-system"),
    (94, "client-ndi"),
    (97, "uuid-guid"),
    (98, "uap-servers"),
    (99, "geoconf-civic"),
    (100, "pcode"),
    (101, "tcode"),
    (108, "v6-only-preferred"),
    (112, "netinfo-server-address"),
    (113, "netinfo-server-tag"),
    (114, "v4-captive-portal"),
    (116, "auto-config"),
    (117, "name-service-search"),
    (118, "subnet-selection"),
    (119, "domain-search"),
    (121, "classless-static-route"),
    (124, "vivco-suboptions"),
    (125, "vivso-suboptions"),
    (136, "pana-agent"),
    (137, "v4-lost"),
    (138, "capwap-ac-v4"),
    (141, "sip-ua-cs-domains"),
    (146, "rdnss-selection"),
    (159, "v4-portparams"),
    (162, "v4-dnr"),
    (212, "option-6rd"),
    (213, "v4-access-domain"),
    (220, "subnet-allocation"),
    (221, "virtual-subnet-selection"),
];

/// The code of the standard DHCPv4 option Kea calls `name`.
pub fn code_of(name: &str) -> Option<u8> {
    NAMES.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
}

/// Kea's name of standard DHCPv4 option `code`.
pub fn name_of(code: u8) -> Option<&'static str> {
    NAMES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The type Kea's table gives each standard DHCPv4 option, in Kea's words (`ipv4-address[]`: a
/// list of addresses; `record(uint8, string)`: fields in order), by code: what its value must be,
/// checked by the server before a write (the browser carries none of it).
#[cfg(not(target_arch = "wasm32"))]
pub const KEA_TYPES: &[(u8, &str)] = &[
    (1, "ipv4-address"),
    (2, "int32"),
    (3, "ipv4-address[]"),
    (4, "ipv4-address[]"),
    (5, "ipv4-address[]"),
    (6, "ipv4-address[]"),
    (7, "ipv4-address[]"),
    (8, "ipv4-address[]"),
    (9, "ipv4-address[]"),
    (10, "ipv4-address[]"),
    (11, "ipv4-address[]"),
    (12, "string"),
    (13, "uint16"),
    (14, "string"),
    (15, "string"),
    (16, "ipv4-address"),
    (17, "string"),
    (18, "string"),
    (19, "boolean"),
    (20, "boolean"),
    (21, "ipv4-address[]"),
    (22, "uint16"),
    (23, "uint8"),
    (24, "uint32"),
    (25, "uint16[]"),
    (26, "uint16"),
    (27, "boolean"),
    (28, "ipv4-address"),
    (29, "boolean"),
    (30, "boolean"),
    (31, "boolean"),
    (32, "ipv4-address"),
    (33, "ipv4-address[]"),
    (34, "boolean"),
    (35, "uint32"),
    (36, "boolean"),
    (37, "uint8"),
    (38, "uint32"),
    (39, "boolean"),
    (40, "string"),
    (41, "ipv4-address[]"),
    (42, "ipv4-address[]"),
    (43, "empty"),
    (44, "ipv4-address[]"),
    (45, "ipv4-address[]"),
    (46, "uint8"),
    (47, "string"),
    (48, "ipv4-address[]"),
    (49, "ipv4-address[]"),
    (50, "ipv4-address"),
    (51, "uint32"),
    (52, "uint8"),
    (53, "uint8"),
    (54, "ipv4-address"),
    (55, "uint8[]"),
    (56, "string"),
    (57, "uint16"),
    (58, "uint32"),
    (59, "uint32"),
    (60, "string"),
    (61, "binary"),
    (62, "string"),
    (63, "binary"),
    (64, "string"),
    (65, "ipv4-address[]"),
    (66, "string"),
    (67, "string"),
    (68, "ipv4-address[]"),
    (69, "ipv4-address[]"),
    (70, "ipv4-address[]"),
    (71, "ipv4-address[]"),
    (72, "ipv4-address[]"),
    (73, "ipv4-address[]"),
    (74, "ipv4-address[]"),
    (75, "ipv4-address[]"),
    (76, "ipv4-address[]"),
    (77, "binary"),
    (78, "record(boolean, ipv4-address)[]"),
    (79, "record(boolean, string)"),
    (81, "record(uint8, uint8, uint8, fqdn)"),
    (82, "empty"),
    (85, "ipv4-address[]"),
    (86, "string"),
    (87, "string"),
    (88, "fqdn[]"),
    (89, "ipv4-address[]"),
    (90, "binary"),
    (91, "uint32"),
    (92, "ipv4-address[]"),
    (93, "uint16[]"),
    (94, "record(uint8, uint8, uint8)"),
    (97, "record(uint8, binary)"),
    (98, "string"),
    (99, "binary"),
    (100, "string"),
    (101, "string"),
    (108, "uint32"),
    (112, "ipv4-address[]"),
    (113, "string"),
    (114, "string"),
    (116, "uint8"),
    (117, "uint16[]"),
    (118, "ipv4-address"),
    (119, "fqdn[]"),
    (121, "internal"),
    (124, "record(uint32, binary)"),
    (125, "uint32"),
    (136, "ipv4-address[]"),
    (137, "fqdn"),
    (138, "ipv4-address[]"),
    (141, "fqdn[]"),
    (146, "record(uint8, ipv4-address, ipv4-address, fqdn)[]"),
    (159, "record(uint8, psid)"),
    (162, "internal"),
    (212, "record(uint8, uint8, ipv6-address, ipv4-address)[]"),
    (213, "fqdn"),
];

/// Kea's type of standard DHCPv4 option `code` (`None`: not in Kea's table).
#[cfg(not(target_arch = "wasm32"))]
pub fn kea_type(code: u8) -> Option<&'static str> {
    KEA_TYPES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// The kind of value (as the option editor names it: `Addresses`, `Text`, `Number`, `Flag`,
/// `Data`) that holds option `code`'s type: `None` for an option outside Kea's table,
/// `Some(Err(type))` for a type Tandem does not edit (Kea's `internal`: the server makes it).
#[cfg(not(target_arch = "wasm32"))]
pub fn kind_for(code: u8) -> Option<Result<&'static str, &'static str>> {
    let ty = kea_type(code)?;
    Some(match ty {
        "ipv4-address" | "ipv4-address[]" => Ok("Addresses"),
        "string" | "fqdn" => Ok("Text"),
        "uint8" | "uint16" | "uint32" => Ok("Number"),
        "boolean" => Ok("Flag"),
        "internal" => Err(ty),
        _ => Ok("Data"),
    })
}

/// Why `data` (Kea's `data` text: fields separated by commas) cannot be a value of Kea's type
/// `ty` (`uint16[]`, `record(uint8, ipv4-address)[]`, `binary`, a definition's `record` of
/// `record_types`…), if it cannot: each field checked by its own type, a record's fields in
/// order (an array repeats its last one), the whole within an option's 255 bytes.
#[cfg(not(target_arch = "wasm32"))]
pub fn data_refusal(ty: &str, data: &str) -> Option<String> {
    let (base, array) = match ty.trim().strip_suffix("[]") {
        Some(base) => (base, true),
        None => (ty.trim(), false),
    };
    let fields: Vec<&str> = match base
        .strip_prefix("record(")
        .and_then(|r| r.strip_suffix(')'))
    {
        Some(inner) => inner.split(',').map(str::trim).collect(),
        None => vec![base],
    };
    if fields == ["empty"] {
        return (!data.trim().is_empty()).then(|| "holds no value (Kea's type empty)".into());
    }
    let values: Vec<&str> = crate::model::split_fields(data)
        .into_iter()
        .map(str::trim)
        .collect();
    let n = fields.len();
    let count_ok = if array {
        values.len() >= n
    } else {
        values.len() == n
    };
    if !count_ok {
        let many = if array { "at least " } else { "" };
        return Some(format!(
            "holds {many}{n} field{} separated by commas ({ty}), not {}",
            if n == 1 { "" } else { "s" },
            values.len()
        ));
    }
    let mut bytes = 0usize;
    for (i, v) in values.iter().enumerate() {
        let field = fields[i.min(n - 1)];
        match field_bytes(field, v) {
            Ok(b) => bytes += b,
            Err(why) if values.len() == 1 => return Some(why),
            Err(why) => return Some(format!("field {} ('{v}'): {why}", i + 1)),
        }
    }
    (bytes > crate::OptionValue::MAX_BYTES).then(|| {
        format!(
            "takes {bytes} bytes; an option holds at most {}",
            crate::OptionValue::MAX_BYTES
        )
    })
}

/// The bytes one field of Kea's type `ty` takes in the option, or why `v` is not one.
#[cfg(not(target_arch = "wasm32"))]
fn field_bytes(ty: &str, v: &str) -> Result<usize, String> {
    let int = |min: i64, max: i64, width: usize| -> Result<usize, String> {
        let n = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
            Some(hex) => i64::from_str_radix(hex, 16).ok(),
            None => v.parse::<i64>().ok(),
        };
        match n {
            Some(n) if (min..=max).contains(&n) => Ok(width),
            _ => Err(format!("is not a whole number from {min} to {max} ({ty})")),
        }
    };
    match ty {
        "boolean" => match v {
            "true" | "false" | "1" | "0" => Ok(1),
            _ => Err("is not true or false".into()),
        },
        "uint8" => int(0, 255, 1),
        "uint16" => int(0, 65_535, 2),
        "uint32" => int(0, 4_294_967_295, 4),
        "int8" => int(-128, 127, 1),
        "int16" => int(-32_768, 32_767, 2),
        "int32" => int(-2_147_483_648, 2_147_483_647, 4),
        "ipv4-address" => v
            .parse::<std::net::Ipv4Addr>()
            .map(|_| 4)
            .map_err(|_| "is not an IPv4 address".into()),
        "ipv6-address" => v
            .parse::<std::net::Ipv6Addr>()
            .map(|_| 16)
            .map_err(|_| "is not an IPv6 address".into()),
        "ipv6-prefix" => match v.split_once('/') {
            Some((a, l))
                if a.trim().parse::<std::net::Ipv6Addr>().is_ok()
                    && l.trim().parse::<u8>().is_ok_and(|l| l <= 128) =>
            {
                Ok(17)
            }
            _ => Err("is not an IPv6 prefix (like 2001:db8::/32)".into()),
        },
        "psid" => match v
            .split_once('/')
            .map(|(l, p)| (l.trim().parse::<u8>(), p.trim().parse::<u32>()))
        {
            Some((Ok(len), Ok(psid))) if len <= 16 && (len == 16 || psid >> len == 0) => Ok(3),
            _ => Err("is not a PSID length (0 to 16) and a PSID that fits it, like 3/4".into()),
        },
        "string" | "tuple" => {
            if v.is_empty() {
                return Err("is empty".into());
            }
            let len = unescaped_len(v);
            Ok(if ty == "tuple" { len + 1 } else { len })
        }
        "fqdn" => fqdn_bytes(v),
        "binary" => crate::OptionValue::hex(v)
            .map(|h| h.text().len() / 2)
            .map_err(|e| format!("is not binary: {e}")),
        other => Err(format!(
            "is of Kea's type {other}, which Tandem does not edit"
        )),
    }
}

/// The length of `v` once Kea has read its escapes (`\,` a comma, `\\` a backslash).
#[cfg(not(target_arch = "wasm32"))]
fn unescaped_len(v: &str) -> usize {
    v.len() - v.matches("\\,").count() - v.matches("\\\\").count()
}

/// The bytes a domain name takes in an option (its labels, each with its length, and the
/// root), or why `v` is not one: labels of letters, digits, `-` and `_`, each 1 to 63 long.
#[cfg(not(target_arch = "wasm32"))]
pub fn fqdn_bytes(v: &str) -> Result<usize, String> {
    let name = v.strip_suffix('.').unwrap_or(v);
    if name.is_empty() {
        return Err("is not a domain name".into());
    }
    let mut bytes = 1;
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err("is not a domain name (each label 1 to 63 characters)".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
        {
            return Err(format!(
                "is not a domain name ('{}' is not a letter, digit, - or _)",
                c.escape_default()
            ));
        }
        bytes += label.len() + 1;
    }
    if bytes > 255 {
        return Err("is not a domain name (at most 255 bytes)".into());
    }
    Ok(bytes)
}

/// Why `value` cannot be standard option `code`'s by its type in Kea's table, if it cannot:
/// another kind of value, more than one address where the option holds one, a number wider
/// than the option, a field of `Data` that is not its type's, a type Tandem does not edit.
/// Raw `Hex` suits any option (the server checks its length).
#[cfg(not(target_arch = "wasm32"))]
pub fn type_refusal(code: u8, value: &crate::OptionValue) -> Option<String> {
    use crate::OptionValue;
    let name = name_of(code).unwrap_or("option");
    if matches!(value, OptionValue::Hex(_)) {
        return None;
    }
    let kind = match kind_for(code)? {
        Ok(kind) => kind,
        Err(ty) => {
            return Some(format!(
                "option {code} ({name}) is {ty} in Kea's table: the server makes it; it is kept as the server holds it"
            ));
        }
    };
    let ty = kea_type(code).unwrap_or_default();
    let words = match kind {
        "Addresses" if ty.ends_with("[]") => "IP addresses",
        "Addresses" => "one IP address",
        "Text" if ty == "fqdn" => "a domain name",
        "Text" => "text",
        "Number" => "a number",
        "Data" => "fields as Kea writes them",
        _ => "true or false (a flag)",
    };
    let fits = match (kind, value) {
        ("Addresses", OptionValue::Addresses(list)) => ty.ends_with("[]") || list.len() == 1,
        ("Text", OptionValue::Text(t)) if ty == "fqdn" => {
            return fqdn_bytes(t)
                .err()
                .map(|why| format!("option {code} ({name}): '{t}' {why}"));
        }
        ("Text", OptionValue::Text(_)) => true,
        ("Number", OptionValue::Number(n)) => match ty {
            "uint8" => *n <= u32::from(u8::MAX),
            "uint16" => *n <= u32::from(u16::MAX),
            _ => true,
        },
        ("Flag", OptionValue::Flag(_)) => true,
        ("Data", OptionValue::Data(d)) => {
            return data_refusal(ty, d).map(|why| format!("option {code} ({name}) {why}"));
        }
        _ => false,
    };
    (!fits).then(|| format!("option {code} ({name}) holds {words} ({ty} in Kea's table)"))
}

/// Why an option kept among a server's settings (`option-data vendor-4491/2`, by its place as
/// the Kea driver names it) is shown but not edited, in an administrator's words; `None` for a
/// place that is not an option's.
#[cfg(not(target_arch = "wasm32"))]
pub fn kept_why(place: &str) -> Option<String> {
    let rest = place.split_once("option-data ")?.1;
    let (space, id) = rest.split_whitespace().next()?.split_once('/')?;
    if space != "dhcp4" {
        return Some(format!(
            "an option of space {space} (a vendor's or an encapsulated space): shown, never edited or doubled by Tandem; change it on the server"
        ));
    }
    let Ok(code) = id.parse::<u8>() else {
        return Some(format!(
            "{id} is an option Kea's standard table does not define (a custom definition): shown, not edited"
        ));
    };
    let name = name_of(code).unwrap_or("option");
    Some(match (kind_for(code), kea_type(code)) {
        (Some(Err(ty)), _) => format!(
            "{name} ({code}) is {ty} in Kea's table: the server makes it; shown, not edited"
        ),
        (_, Some(ty)) => format!(
            "{name} ({code}) is held in a form Tandem does not write back alike (a value that does not read as {ty}, its type in Kea's table, or a second entry for it)"
        ),
        _ => format!(
            "{name} ({code}) is held in a form Tandem does not edit (a second entry for it)"
        ),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_codes_are_each_listed_once() {
        let mut codes: Vec<u8> = super::NAMES.iter().map(|(c, _)| *c).collect();
        let mut names: Vec<&str> = super::NAMES.iter().map(|(_, n)| *n).collect();
        codes.dedup();
        names.sort();
        names.dedup();
        assert_eq!(codes.len(), super::NAMES.len(), "codes in order, once each");
        assert_eq!(names.len(), super::NAMES.len());
        assert_eq!(super::code_of("domain-name-servers"), Some(6));
        assert_eq!(super::name_of(66), Some("tftp-server-name"));
        assert_eq!(super::code_of("my-own-option"), None);
        assert_eq!(super::name_of(254), None);
    }

    #[test]
    fn a_value_is_checked_by_the_options_type_in_keas_table() {
        use super::type_refusal;
        use crate::OptionValue::*;
        let ip = |s: &str| s.parse().unwrap();
        assert_eq!(
            type_refusal(3, &Addresses(vec![ip("10.0.0.1"), ip("10.0.0.2")])),
            None
        );
        assert!(
            type_refusal(3, &Text("gw".into()))
                .unwrap()
                .contains("holds IP addresses")
        );
        assert!(
            type_refusal(1, &Addresses(vec![ip("255.0.0.0"), ip("255.0.0.0")]))
                .unwrap()
                .contains("one IP address")
        );
        assert_eq!(type_refusal(26, &Number(1500)), None);
        assert!(
            type_refusal(26, &Number(70_000))
                .unwrap()
                .contains("uint16")
        );
        assert!(type_refusal(23, &Number(256)).unwrap().contains("uint8"));
        assert_eq!(type_refusal(19, &Flag(true)), None);
        assert!(
            type_refusal(119, &Text("example.org".into()))
                .unwrap()
                .contains("fqdn[]")
        );
        assert_eq!(
            type_refusal(119, &Data("example.org, example.com".into())),
            None
        );
        assert_eq!(
            type_refusal(28, &Hex("C0000201".into())),
            None,
            "raw hex suits any option"
        );
        assert!(
            type_refusal(121, &Data("24, 10.0.0.0".into()))
                .unwrap()
                .contains("internal")
        );
        assert!(
            type_refusal(137, &Text("bad name!".into()))
                .unwrap()
                .contains("domain name")
        );
        assert_eq!(
            type_refusal(150, &Text("anything".into())),
            None,
            "outside the table"
        );
        assert!(
            super::kept_why("option-data vendor-4491/2")
                .unwrap()
                .contains("vendor")
        );
        assert!(
            super::kept_why("reservation 10.0.0.5 option-data dhcp4/119")
                .unwrap()
                .contains("fqdn[]")
        );
        assert!(
            super::kept_why("option-data dhcp4/121")
                .unwrap()
                .contains("internal")
        );
        assert!(
            super::kept_why("option-data dhcp4/200 #2")
                .unwrap()
                .contains("second entry")
        );
        let line = r#"option-data vendor-4491/2 {"code":2,"data":"10.0.0.2"}"#;
        assert!(super::kept_why(line).unwrap().contains("space vendor-4491"));
        assert!(
            super::kept_why("option-data dhcp4/my-opt")
                .unwrap()
                .contains("custom")
        );
        assert_eq!(super::kept_why("shared-network relay"), None);
        // Every code in the table has Kea's name.
        for (code, _) in super::KEA_TYPES {
            assert!(super::name_of(*code).is_some(), "{code}");
        }
    }

    #[test]
    fn data_is_read_field_by_field_by_keas_types() {
        use super::data_refusal;
        // Every example in Kea's own all-options.json, by its type in the table.
        for (ty, data) in [
            ("int32", "-25200"),
            ("uint16[]", "3072, 4096"),
            ("binary", "1A BB AD AB BA D0 00 00 00 00 00 00 00 00 CA FE"),
            (
                "record(boolean, ipv4-address)[]",
                "true, 192.0.2.59, 192.0.2.60",
            ),
            ("record(boolean, string)", "true, slp-scope"),
            ("fqdn[]", "bcms-controller.example.org"),
            ("record(uint8, uint8, uint8)", "0, 1, 0"),
            (
                "record(uint8, binary)",
                "0, 1A BB AD AB BA D0 00 00 00 00 00 00 00 00 CA FE",
            ),
            ("uint8[]", "6, 41, 44, 65"),
            ("fqdn[]", "example.com, example.org"),
            (
                "record(uint32, binary)",
                "4491, 0f BA AD AB BA D0 00 00 00 00 00 00 00 00 CA FE",
            ),
            (
                "record(uint8, ipv4-address, ipv4-address, fqdn)[]",
                "1, 192.0.2.70, 192.0.2.71, example.com, example.org",
            ),
            ("record(uint8, psid)", "2, 3/4"),
            (
                "record(uint8, uint8, ipv6-address, ipv4-address)[]",
                "24, 96, 2001:db8::f001, 192.0.2.72, 192.0.2.73",
            ),
            (
                "record(int8, int16, int32, uint8, uint16, uint32, ipv4-address, psid, tuple, fqdn)[]",
                "127, 32767, 2147483647, 255, 65535, 4294967295, 192.0.2.75, 3/4, 1, example.org",
            ),
            ("empty", ""),
            ("record(uint8, string)", "1, a\\, b"),
        ] {
            assert_eq!(data_refusal(ty, data), None, "{ty}: {data}");
        }
        for (ty, data, why) in [
            (
                "uint16[]",
                "3072, 70000",
                "field 2 ('70000'): is not a whole number from 0 to 65535",
            ),
            ("uint8[]", "", "is not a whole number"),
            (
                "record(boolean, string)",
                "yes, scope",
                "field 1 ('yes'): is not true or false",
            ),
            (
                "record(boolean, string)",
                "true",
                "holds 2 fields separated by commas",
            ),
            ("record(boolean, string)", "true, a, b", "not 3"),
            (
                "record(uint8, ipv4-address, ipv4-address, fqdn)[]",
                "1, 192.0.2.70, 192.0.2.71",
                "at least 4 fields",
            ),
            (
                "fqdn[]",
                "example.com, bad name",
                "'bad name'): is not a domain name (' ' is not",
            ),
            ("binary", "0xZZ", "is not binary"),
            ("record(uint8, psid)", "2, 3/9", "PSID"),
            ("int32", "-2147483649", "from -2147483648"),
            ("empty", "x", "holds no value"),
            ("internal", "x", "Tandem does not edit"),
            (
                "uint8[]",
                &format!("{}1", "1, ".repeat(300)),
                "an option holds at most 255",
            ),
            (
                "fqdn[]",
                &format!("{}.org", "a".repeat(64)),
                "each label 1 to 63",
            ),
            (
                "record(ipv6-address, uint8)",
                "10.0.0.1, 1",
                "not an IPv6 address",
            ),
        ] {
            let got = data_refusal(ty, data).unwrap_or_default();
            assert!(got.contains(why), "{ty}: {data}: {got}");
        }
    }

    #[test]
    fn hex_is_typed_in_any_usual_form_and_kept_in_one() {
        use crate::OptionValue;
        for typed in ["C0000201", "c0:00:02:01", "0xC0 00 02 01", " c0 0 2 1 "] {
            assert_eq!(
                OptionValue::hex(typed),
                Ok(OptionValue::Hex("C0000201".into())),
                "{typed}"
            );
        }
        for (bad, why) in [
            ("", "give the option's bytes"),
            ("C00", "odd number"),
            ("G0", "not hexadecimal"),
            ("C000 0201", "each byte is one or two digits"),
        ] {
            let got = OptionValue::hex(bad).unwrap_err();
            assert!(got.contains(why), "{bad}: {got}");
        }
        assert_eq!(
            OptionValue::data(" 1 ,2,  a\\,b "),
            OptionValue::Data("1, 2, a\\,b".into())
        );
        assert!(
            OptionValue::Hex("AB".repeat(256))
                .refusal(43)
                .unwrap()
                .contains("at most 255 bytes")
        );
    }
}
