//! DHCPv4 options by name: the name Kea gives each standard option (RFC 2132 and later), by
//! code, for pages and drift to name an option as the server's own configuration does.

#[cfg(not(target_arch = "wasm32"))]
mod types;
#[cfg(not(target_arch = "wasm32"))]
pub use types::*;

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
}
