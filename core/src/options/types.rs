//! Each standard DHCPv4 option's type in Kea's own table, and a value checked by it: the kind
//! of value that holds it, and Kea's `data` text read field by field (a record's fields in
//! order, a list's items, binary in hex, domain names), all within an option's 255 bytes.
//! Where the server runs only: the browser carries none of it.

use super::name_of;

/// The type Kea's table gives each standard DHCPv4 option, in Kea's words (`ipv4-address[]`: a
/// list of addresses; `record(uint8, string)`: fields in order), by code: what its value must be,
/// checked by the server before a write (the browser carries none of it).
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
pub fn kea_type(code: u8) -> Option<&'static str> {
    KEA_TYPES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// The kind of value (as the option editor names it: `Addresses`, `Text`, `Number`, `Flag`,
/// `Data`) that holds option `code`'s type: `None` for an option outside Kea's table,
/// `Some(Err(type))` for a type Tandem does not edit (Kea's `internal`: the server makes it).
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
fn unescaped_len(v: &str) -> usize {
    v.len() - v.matches("\\,").count() - v.matches("\\\\").count()
}

/// The bytes a domain name takes in an option (its labels, each with its length, and the
/// root), or why `v` is not one: labels of letters, digits, `-` and `_`, each 1 to 63 long.
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

#[cfg(test)]
mod tests {
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
