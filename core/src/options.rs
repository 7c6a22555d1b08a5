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
}
