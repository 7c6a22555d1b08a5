//! Options in Kea's `option-data` as Tandem reads and writes them: which entries Tandem shows
//! and edits (a standard-space option, given by code or by the name Kea gives it: `routers`,
//! `domain-name-servers`…), their typed values, the flags of theirs worth keeping, and the
//! entries it keeps whole without showing them (a vendor space, a custom definition's name, raw
//! hex). A name not in Kea's standard table is never guessed.

use super::mapping::canonical;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use tandem_core::OptionValue;

/// Kea's name of each standard DHCPv4 option, by code (RFC 2132 and later, as Kea names them).
const NAMES: &[(u8, &str)] = &[
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

/// An option's value, from its `data` and the kind Tandem recorded (or the code's own type).
pub(super) fn option_value(code: u8, data: &str, kind: Option<&str>) -> OptionValue {
    let addresses = || {
        data.split(',')
            .map(|s| s.trim().parse::<Ipv4Addr>())
            .collect::<Result<Vec<_>, _>>()
            .ok()
            .filter(|v| !v.is_empty())
    };
    match (code, kind) {
        (3 | 6, _) | (_, Some("Addresses")) => addresses()
            .map(OptionValue::Addresses)
            .unwrap_or_else(|| OptionValue::Text(data.into())),
        (15, _) | (_, Some("Text")) => OptionValue::Text(data.into()),
        (_, Some("Number")) => data
            .trim()
            .parse()
            .map(OptionValue::Number)
            .unwrap_or_else(|_| OptionValue::Text(data.into())),
        (_, Some("Flag")) => OptionValue::Flag(matches!(data.trim(), "true" | "1")),
        _ => addresses()
            .map(OptionValue::Addresses)
            .or_else(|| data.trim().parse().ok().map(OptionValue::Number))
            .unwrap_or_else(|| OptionValue::Text(data.into())),
    }
}

pub(super) fn option_kind(v: &OptionValue) -> &'static str {
    match v {
        OptionValue::Addresses(_) => "Addresses",
        OptionValue::Text(_) => "Text",
        OptionValue::Number(_) => "Number",
        OptionValue::Flag(_) => "Flag",
    }
}

pub(super) fn option_data(v: &OptionValue) -> String {
    v.text()
}

/// The code of an `option-data` entry Tandem shows and edits: a standard-space (`dhcp4`)
/// option given by code or by a standard name, its data text that Kea parses (`csv-format`).
/// Any other entry (a vendor space, a custom definition's name, raw hex) is kept untouched.
pub(super) fn option_code(entry: &Value) -> Option<u8> {
    let space = entry
        .get("space")
        .and_then(Value::as_str)
        .unwrap_or("dhcp4");
    if space != "dhcp4"
        || entry.get("csv-format") == Some(&Value::Bool(false))
        || entry.get("data").is_some_and(|d| !d.is_string())
    {
        return None;
    }
    let by_name = entry.get("name").and_then(Value::as_str).map(code_of);
    let code = match (entry.get("code").and_then(Value::as_u64), by_name) {
        (Some(code), Some(Some(named))) if code != u64::from(named) => return None,
        (Some(code), _) => u8::try_from(code).ok()?,
        (None, Some(named)) => named?,
        (None, None) => return None,
    };
    (1..=254).contains(&code).then_some(code)
}

/// An option entry's own flags worth keeping (`always-send`, `never-send`, `client-classes`…),
/// each with its value: what is not its identity (code, name, space) or its data, and not
/// Kea's default.
pub(super) fn option_flags(entry: &Value) -> BTreeMap<String, String> {
    let Some(map) = entry.as_object() else {
        return BTreeMap::new();
    };
    map.iter()
        .filter(|(k, v)| match k.as_str() {
            "code" | "name" | "space" | "data" => false,
            "always-send" | "never-send" => v != &&Value::Bool(false),
            "csv-format" => v != &&Value::Bool(true),
            _ => true,
        })
        .filter_map(|(k, v)| Some((k.clone(), canonical(v)?)))
        .collect()
}

/// Where an option Tandem does not show is kept: `option-data <space>/<code or name>`.
fn opaque_option_place(entry: &Value) -> String {
    let space = entry
        .get("space")
        .and_then(Value::as_str)
        .unwrap_or("dhcp4");
    let id = entry
        .get("code")
        .map(ToString::to_string)
        .or_else(|| {
            entry
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "?".into());
    format!("option-data {space}/{id}")
}

/// The options of an `option-data` list that Tandem shows, each with the index of its entry;
/// the rest are [`opaque_options`].
pub(super) fn shown_options(list: &[Value]) -> BTreeMap<u8, usize> {
    let mut shown = BTreeMap::new();
    for (i, entry) in list.iter().enumerate() {
        if let Some(code) = option_code(entry) {
            shown.entry(code).or_insert(i);
        }
    }
    shown
}

/// The options Tandem does not show, each by its place (`option-data vendor-4491/2`) and the
/// index of its entry.
pub(super) fn opaque_options(list: &[Value]) -> Vec<(String, usize)> {
    let shown: Vec<usize> = shown_options(list).into_values().collect();
    let mut out: Vec<(String, usize)> = Vec::new();
    for (i, entry) in list.iter().enumerate().filter(|(i, _)| !shown.contains(i)) {
        let base = opaque_option_place(entry);
        let n = out
            .iter()
            .filter(|(p, _)| p.split(" #").next() == Some(&base))
            .count();
        let place = if n == 0 {
            base
        } else {
            format!("{base} #{}", n + 1)
        };
        out.push((place, i));
    }
    out
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
        assert_eq!(super::code_of("my-own-option"), None);
    }
}
