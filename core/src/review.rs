//! Configuration review: named checks over what each server holds, and over each failover
//! pair as a pair. Every finding names its check, says in one sentence what is wrong and why it
//! matters, and points at the object it is about.

use crate::{FailoverRelationship, IpRange, Scope, ScopeId, ServerName};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    /// Clients are (or will be) served wrongly, or a partner rejects what the other sends.
    Error,
    /// Likely a mistake, or a trap for the next change.
    Warning,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// The check's name (`overlapping-subnets`, `reservation-outside-scope`, …).
    pub check: String,
    pub severity: Severity,
    /// The server the object is on (for a pair check, the one the relationship is read from).
    pub server: ServerName,
    /// The scope it is about, if any.
    pub scope_id: Option<ScopeId>,
    /// The object in words (`scope 10.0.0.0`, `reservation 10.0.0.5 in scope 10.0.0.0`,
    /// `relationship dhcp1-dc1`).
    pub object: String,
    /// What is wrong and why it matters, in one sentence.
    pub explanation: String,
}

impl Finding {
    /// Names the finding for good: the same problem on the same object has the same key
    /// (a dismissal is kept by it).
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.check, self.server, self.object)
    }
}

/// A server a review could not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unreadable {
    pub server: ServerName,
    pub reason: String,
}

/// What a review found, errors first, and the servers it could not read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// The findings not dismissed.
    pub findings: Vec<Finding>,
    pub unreadable: Vec<Unreadable>,
    /// Findings dismissed for their object, with who dismissed them and when.
    #[serde(default)]
    pub dismissed: Vec<Dismissed>,
    /// When the servers were read for it (RFC 3339).
    #[serde(default)]
    pub reviewed_at: Option<String>,
}

impl Review {
    /// Errors and warnings not dismissed.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        (errors, self.findings.len() - errors)
    }
}

/// A finding dismissed for its object: kept out of the counts until it is restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dismissed {
    pub finding: Finding,
    pub by: String,
    pub at: String,
}

/// Who may dismiss a finding: a role that may change its object.
pub fn dismiss_permission(check: &str) -> crate::access::Permission {
    use crate::access::Permission;
    match check {
        "reservation-outside-scope"
        | "reservation-in-exclusion"
        | "client-reserved-at-two-addresses"
        | "client-reserved-by-two-identifiers" => Permission::EditReservations,
        "overlapping-subnets" | "pool-exhausted-by-reservations" => Permission::EditScopes,
        "relationship-on-one-partner"
        | "failover-on-one-partner"
        | "relationship-parameters-differ" => Permission::ManageRelationships,
        // The server's own configuration or machine: hooks, subnet IDs, its clock.
        _ => Permission::ManageServers,
    }
}

/// What a review knows of a server beyond its scopes and relationships, where the server can
/// say (Kea): its own ID for each scope, the hooks it lacks, its clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerFacts {
    /// The server's own subnet ID of each scope (Kea's `id`).
    pub native_ids: BTreeMap<ScopeId, u64>,
    /// Hook libraries it does not load that Tandem or its partner needs, each with what goes
    /// wrong without it and how much that matters.
    pub missing_hooks: Vec<MissingHook>,
    /// Its clock, in seconds since 1970, as read for this review.
    pub clock_secs: Option<i64>,
    /// How far apart its clock and its partner's may be before its failover stops, where the
    /// product has such a limit of its own (Kea's HA: 60 s).
    pub clock_limit_secs: Option<u64>,
    /// The subnets it holds that Tandem cannot read (`10.9.0.0/31`), each with why: they are
    /// left as the server has them and shown nowhere else.
    #[serde(default)]
    pub unreadable_subnets: Vec<(String, String)>,
    /// Its client classes, where it has them (Kea's `client-classes`).
    #[serde(default)]
    pub classes: Vec<crate::ClientClass>,
    /// Its own options, where it has them (Kea's global `option-data`).
    #[serde(default)]
    pub server_options: Option<crate::ServerOptions>,
    /// Its server-wide reservations, where it has them (Kea's global `reservations`).
    #[serde(default)]
    pub global_reservations: Option<crate::GlobalReservations>,
}

/// A hook library a server does not load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingHook {
    /// The check's name (`kea-without-lease-cmds`, …).
    pub check: String,
    pub library: String,
    pub severity: Severity,
    /// What goes wrong without it, completing "… does not load {library}: ".
    pub consequence: String,
}

/// The checks on what a server says of itself: hook libraries it lacks, subnets Tandem cannot
/// read.
pub fn review_facts(server: &ServerName, facts: &ServerFacts) -> Vec<Finding> {
    let hooks = facts.missing_hooks.iter().map(|m| Finding {
        check: m.check.clone(),
        severity: m.severity,
        server: server.clone(),
        scope_id: None,
        object: format!("server {server}"),
        explanation: format!("{server} does not load {}: {}.", m.library, m.consequence),
    });
    let unreadable = facts.unreadable_subnets.iter().map(|(subnet, why)| Finding {
        check: "subnet-unreadable".into(),
        severity: Severity::Warning,
        server: server.clone(),
        scope_id: None,
        object: format!("subnet {subnet}"),
        explanation: format!(
            "Tandem cannot read subnet {subnet} on {server} ({why}): it is left exactly as the server has it, and is not shown as a scope."
        ),
    });
    hooks.chain(unreadable).collect()
}

/// The pair checks on what each partner says of itself: a scope the two know by different
/// subnet IDs (Kea's HA rejects the partner's lease updates for it), and clocks further apart
/// than the relationship's MCLT allows.
pub fn review_pair_facts(
    (a, a_facts): (&ServerName, &ServerFacts),
    (b, b_facts): (&ServerName, &ServerFacts),
    rel: &FailoverRelationship,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for scope in rel.scopes.iter() {
        if let (Some(ia), Some(ib)) = (a_facts.native_ids.get(scope), b_facts.native_ids.get(scope))
            && ia != ib
        {
            out.push(Finding {
                check: "subnet-id-differs".into(),
                severity: Severity::Error,
                server: a.clone(),
                scope_id: Some(*scope),
                object: format!("scope {scope}"),
                explanation: format!(
                    "{a} knows scope {scope} as subnet {ia} and {b} as subnet {ib}: each rejects the other's lease updates for it, and HA can stop in the terminated state."
                ),
            });
        }
    }
    for (name, on_a, on_b) in crate::class_differences(&a_facts.classes, &b_facts.classes) {
        let explanation = match (on_a, on_b) {
            (Some(_), None) => format!(
                "Client class {name} is defined on {a} but not on {b}: its members are served one way by {a} and another by {b}. HA partners must classify clients alike."
            ),
            (None, Some(_)) => format!(
                "Client class {name} is defined on {b} but not on {a}: its members are served one way by {b} and another by {a}. HA partners must classify clients alike."
            ),
            _ => format!(
                "Client class {name} is defined differently on {a} and {b}: a client may be in it on one and not on the other, or get other settings. HA partners must classify clients alike."
            ),
        };
        out.push(Finding {
            check: "class-differs-between-partners".into(),
            severity: Severity::Error,
            server: a.clone(),
            scope_id: None,
            object: format!("client class {name}"),
            explanation,
        });
    }
    if let (Some(oa), Some(ob)) = (&a_facts.server_options, &b_facts.server_options)
        && oa.definition != ob.definition
    {
        out.push(Finding {
            check: "server-options-differ-between-partners".into(),
            severity: Severity::Warning,
            server: a.clone(),
            scope_id: None,
            object: format!("server options of {a}"),
            explanation: format!(
                "The server options of {a} and {b} differ: a client gets other options (its DNS servers, its domain…) depending on which partner answers it."
            ),
        });
    }
    if let (Some(ga), Some(gb)) = (&a_facts.global_reservations, &b_facts.global_reservations)
        && ga.definition != gb.definition
    {
        let (na, nb) = (
            ga.hosts.len() + ga.kept.len(),
            gb.hosts.len() + gb.kept.len(),
        );
        out.push(Finding {
            check: "global-reservations-differ-between-partners".into(),
            severity: Severity::Error,
            server: a.clone(),
            scope_id: None,
            object: format!("server-wide reservations of {a}"),
            explanation: format!(
                "The server-wide reservations of {a} ({na}) and {b} ({nb}) differ: a client may get another address, name or settings depending on which partner answers it. Replicate them from the server that is right."
            ),
        });
    }
    if let (Some(ca), Some(cb)) = (a_facts.clock_secs, b_facts.clock_secs) {
        let skew = ca.abs_diff(cb);
        let mclt = u64::from(rel.max_client_lead_time_secs);
        let allowed = [a_facts.clock_limit_secs, b_facts.clock_limit_secs]
            .into_iter()
            .flatten()
            .fold(mclt, u64::min);
        if skew > allowed {
            out.push(Finding {
                check: "clock-skew-beyond-mclt".into(),
                severity: Severity::Error,
                server: a.clone(),
                scope_id: None,
                object: format!("relationship {}", rel.name),
                explanation: format!(
                    "The clocks of {a} and {b} are {skew} s apart, more than the {allowed} s relationship {} allows (its MCLT, or the server's own limit): lease times one grants are wrong on the other, and failover can stop.",
                    rel.name
                ),
            });
        }
    }
    out
}

fn subnet_of(s: &Scope) -> IpRange {
    let mask = if s.prefix_len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(s.prefix_len.min(32)))
    };
    let base = u32::from(s.id.addr()) & mask;
    IpRange::new(Ipv4Addr::from(base), Ipv4Addr::from(base | !mask))
        .expect("a subnet's first address is never after its last")
}

fn reservation_object(ip: Ipv4Addr, scope: ScopeId) -> String {
    format!("reservation {ip} in scope {scope}")
}

/// The checks on one server's scopes: overlapping subnets, reservations outside their scope or
/// inside an exclusion, ranges every address of which is reserved or excluded.
pub fn review_server(server: &ServerName, scopes: &[Scope]) -> Vec<Finding> {
    let mut out = Vec::new();
    let finding =
        |check: &str, severity, scope: ScopeId, object: String, explanation: String| Finding {
            check: check.into(),
            severity,
            server: server.clone(),
            scope_id: Some(scope),
            object,
            explanation,
        };
    let mut sorted: Vec<&Scope> = scopes.iter().collect();
    sorted.sort_by_key(|s| s.id);
    for (i, a) in sorted.iter().enumerate() {
        for b in &sorted[i + 1..] {
            let (sa, sb) = (subnet_of(a), subnet_of(b));
            if sa.overlaps(sb) {
                out.push(finding(
                    "overlapping-subnets",
                    Severity::Error,
                    b.id,
                    format!("scope {}", b.id),
                    format!(
                        "Scope {}/{} overlaps scope {}/{} on this server: a client on the shared addresses can be offered a lease from either, with the wrong options.",
                        b.id, b.prefix_len, a.id, a.prefix_len
                    ),
                ));
            }
        }
    }
    for s in &sorted {
        let subnet = subnet_of(s);
        for r in &s.reservations {
            let object = reservation_object(r.ip_address, s.id);
            if !subnet.contains(r.ip_address) {
                out.push(finding(
                    "reservation-outside-scope",
                    Severity::Error,
                    s.id,
                    object,
                    format!(
                        "Reservation {} is outside scope {}/{}: no client of this scope can ever be given it.",
                        r.ip_address, s.id, s.prefix_len
                    ),
                ));
            } else if let Some(x) = s.exclusions.iter().find(|x| x.contains(r.ip_address)) {
                out.push(finding(
                    "reservation-in-exclusion",
                    Severity::Warning,
                    s.id,
                    object,
                    format!(
                        "Reservation {} is inside the excluded range {}–{}: the exclusion says the address is kept free, the reservation hands it out.",
                        r.ip_address,
                        x.start(),
                        x.end()
                    ),
                ));
            }
        }
        // One client by two identifiers (its MAC, and a client ID or DUID made of it): which
        // reservation it gets depends on what it sends and on the server's identifier order.
        let mut by_hardware: BTreeMap<crate::MacAddress, &crate::Reservation> = BTreeMap::new();
        for r in &s.reservations {
            let Some(mac) = r.client_id.hardware() else {
                continue;
            };
            match by_hardware.get(&mac) {
                Some(first) if first.client_id != r.client_id => out.push(finding(
                    "client-reserved-by-two-identifiers",
                    Severity::Warning,
                    s.id,
                    reservation_object(r.ip_address, s.id),
                    format!(
                        "Reservations {} ({}) and {} ({}) are for one client, MAC {mac}: which it gets depends on what the client sends and on the order the server checks identifiers in.",
                        first.ip_address,
                        first.client_id.described(),
                        r.ip_address,
                        r.client_id.described()
                    ),
                )),
                Some(_) => {}
                None => {
                    by_hardware.insert(mac, r);
                }
            }
        }
        // Every address of the range either excluded or reserved: nothing left for others.
        let excluded = |ip: Ipv4Addr| s.exclusions.iter().any(|x| x.contains(ip));
        let reserved_in_range = s
            .reservations
            .iter()
            .filter(|r| s.range.contains(r.ip_address) && !excluded(r.ip_address))
            .count() as u64;
        let excluded_in_range: u64 = (u32::from(s.range.start())..=u32::from(s.range.end()))
            .take(1 << 16)
            .filter(|n| excluded(Ipv4Addr::from(*n)))
            .count() as u64;
        let size = s.range.len();
        if size <= 1 << 16 && reserved_in_range > 0 && reserved_in_range + excluded_in_range >= size
        {
            out.push(finding(
                "pool-exhausted-by-reservations",
                Severity::Warning,
                s.id,
                format!("scope {}", s.id),
                format!(
                    "Every address of scope {}'s range {}–{} is reserved or excluded: a client without a reservation gets no lease.",
                    s.id,
                    s.range.start(),
                    s.range.end()
                ),
            ));
        }
    }
    out
}

/// The checks on a failover pair as a pair, from the relationship as each server reports it
/// (`None`: that server does not name it) and each server's scopes: a scope in failover on one
/// partner only, relationship parameters that differ, and a client ID reserved at different
/// addresses on the two partners.
pub fn review_pair(
    (a, a_rel, a_scopes): (&ServerName, Option<&FailoverRelationship>, &[Scope]),
    (b, b_rel, b_scopes): (&ServerName, Option<&FailoverRelationship>, &[Scope]),
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(rel) = a_rel.or(b_rel) else {
        return out;
    };
    let object = format!("relationship {}", rel.name);
    let pair_finding =
        |check: &str, severity, scope: Option<ScopeId>, object: String, explanation: String| {
            Finding {
                check: check.into(),
                severity,
                server: a.clone(),
                scope_id: scope,
                object,
                explanation,
            }
        };
    let (Some(ra), Some(rb)) = (a_rel, b_rel) else {
        let (has, lacks) = if a_rel.is_some() { (a, b) } else { (b, a) };
        out.push(pair_finding(
            "relationship-on-one-partner",
            Severity::Error,
            None,
            object,
            format!(
                "{has} has relationship {} with {lacks}, which does not name it back: nothing {has} sends reaches a partner that expects it.",
                rel.name
            ),
        ));
        return out;
    };
    for (from, on, lacks, missing) in [(a, ra, b, rb), (b, rb, a, ra)] {
        for scope in on.scopes.iter().filter(|s| !missing.scopes.contains(s)) {
            out.push(pair_finding(
                "failover-on-one-partner",
                Severity::Error,
                Some(*scope),
                format!("scope {scope}"),
                format!(
                    "Scope {scope} is in relationship {} on {from} but not on {lacks}: {lacks} does not serve it in failover, so its leases are not shared.",
                    rel.name
                ),
            ));
        }
    }
    let mut differences = Vec::new();
    if ra.mode != rb.mode {
        differences.push(format!("mode ({} / {})", ra.mode.name(), rb.mode.name()));
    }
    if ra.max_client_lead_time_secs != rb.max_client_lead_time_secs {
        differences.push(format!(
            "MCLT ({} s / {} s)",
            ra.max_client_lead_time_secs, rb.max_client_lead_time_secs
        ));
    }
    if ra.auto_state_transition != rb.auto_state_transition
        || ra.state_switch_interval_secs != rb.state_switch_interval_secs
    {
        differences.push("automatic state transition".into());
    }
    if ra.enable_auth != rb.enable_auth {
        differences.push("message authentication".into());
    }
    if ra.primary_server != rb.primary_server || ra.secondary_server != rb.secondary_server {
        differences.push("which server is primary".into());
    }
    if !differences.is_empty() {
        out.push(pair_finding(
            "relationship-parameters-differ",
            Severity::Error,
            None,
            object,
            format!(
                "The two servers disagree on relationship {}'s {}: each acts on its own copy, so they can end up serving the same clients differently.",
                rel.name,
                differences.join(", ")
            ),
        ));
    }
    // A client ID reserved at one address here and another on the partner.
    let shared: Vec<ScopeId> = ra
        .scopes
        .iter()
        .filter(|s| rb.scopes.contains(s))
        .copied()
        .collect();
    for scope in shared {
        let (Some(sa), Some(sb)) = (
            a_scopes.iter().find(|s| s.id == scope),
            b_scopes.iter().find(|s| s.id == scope),
        ) else {
            continue;
        };
        let on_b: BTreeMap<_, _> = sb
            .reservations
            .iter()
            .map(|r| (&r.client_id, r.ip_address))
            .collect();
        for r in &sa.reservations {
            if let Some(other) = on_b.get(&r.client_id).filter(|ip| **ip != r.ip_address) {
                out.push(pair_finding(
                    "client-reserved-at-two-addresses",
                    Severity::Error,
                    Some(scope),
                    reservation_object(r.ip_address, scope),
                    format!(
                        "Client {} is reserved at {} on {a} but at {other} on {b}: it gets a different address depending on which partner answers.",
                        r.client_id.described(), r.ip_address
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MacAddress, Reservation, ReservationType};

    fn server(name: &str) -> ServerName {
        ServerName::parse(name).unwrap()
    }

    fn scope(id: &str, prefix: u8, start: &str, end: &str) -> Scope {
        Scope {
            id: ScopeId::parse(id).unwrap(),
            name: id.into(),
            description: String::new(),
            range: IpRange::new(start.parse().unwrap(), end.parse().unwrap()).unwrap(),
            prefix_len: prefix,
            lease_duration_secs: Scope::DEFAULT_LEASE_SECS,
            state: Default::default(),
            exclusions: Vec::new(),
            options: Default::default(),
            reservations: Vec::new(),
            kept: None,
        }
    }

    fn reserve(ip: &str, mac: &str) -> Reservation {
        Reservation {
            ip_address: ip.parse().unwrap(),
            client_id: MacAddress::parse(mac).unwrap().into(),
            name: String::new(),
            description: String::new(),
            kind: ReservationType::Both,
            settings: Default::default(),
        }
    }

    fn checks(found: &[Finding]) -> Vec<(&str, &str)> {
        found
            .iter()
            .map(|f| (f.check.as_str(), f.object.as_str()))
            .collect()
    }

    #[test]
    fn a_sound_server_has_no_findings() {
        let mut s = scope("10.0.0.0", 24, "10.0.0.10", "10.0.0.200");
        s.reservations.push(reserve("10.0.0.99", "00155DA76602"));
        let other = scope("10.1.0.0", 24, "10.1.0.10", "10.1.0.200");
        assert_eq!(review_server(&server("a.test"), &[s, other]), vec![]);
    }

    #[test]
    fn each_server_check_names_its_object() {
        let wide = scope("10.0.0.0", 16, "10.0.0.10", "10.0.0.200");
        let mut inner = scope("10.0.5.0", 24, "10.0.5.10", "10.0.5.12");
        inner.exclusions.push(
            IpRange::new("10.0.5.12".parse().unwrap(), "10.0.5.12".parse().unwrap()).unwrap(),
        );
        inner.reservations = vec![
            reserve("10.0.5.10", "00155DA76601"),
            reserve("10.0.5.11", "00155DA76602"),
            reserve("10.0.5.12", "00155DA76603"),
            reserve("10.9.0.1", "00155DA76604"),
        ];
        let found = review_server(&server("a.test"), &[inner, wide]);
        assert_eq!(
            checks(&found),
            vec![
                ("overlapping-subnets", "scope 10.0.5.0"),
                (
                    "reservation-in-exclusion",
                    "reservation 10.0.5.12 in scope 10.0.5.0"
                ),
                (
                    "reservation-outside-scope",
                    "reservation 10.9.0.1 in scope 10.0.5.0"
                ),
                ("pool-exhausted-by-reservations", "scope 10.0.5.0"),
            ]
        );
        assert!(found.iter().all(|f| f.explanation.ends_with('.')));
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            found[1].key(),
            "reservation-in-exclusion|a.test|reservation 10.0.5.12 in scope 10.0.5.0"
        );
    }

    #[test]
    fn one_client_reserved_by_two_identifiers_is_found() {
        let mut s = scope("10.0.0.0", 24, "10.0.0.10", "10.0.0.200");
        let by = |ip: &str, kind: crate::IdentifierType, id: &str| Reservation {
            client_id: crate::ClientId::parse(kind, id).unwrap(),
            ..reserve(ip, "00155DA76602")
        };
        s.reservations = vec![
            reserve("10.0.0.5", "00155DA76602"),
            by(
                "10.0.0.6",
                crate::IdentifierType::ClientId,
                "01:00:15:5d:a7:66:02",
            ),
            // Another client's client ID, and a flex ID of the same bytes: not the same client.
            by(
                "10.0.0.7",
                crate::IdentifierType::ClientId,
                "01:00:15:5d:a7:66:03",
            ),
            by(
                "10.0.0.8",
                crate::IdentifierType::FlexId,
                "00:15:5d:a7:66:02",
            ),
        ];
        let found = review_server(&server("a.test"), &[s]);
        assert_eq!(
            checks(&found),
            vec![(
                "client-reserved-by-two-identifiers",
                "reservation 10.0.0.6 in scope 10.0.0.0"
            )]
        );
        assert!(
            found[0]
                .explanation
                .contains("client-id 01:00:15:5d:a7:66:02")
        );
        assert!(
            found[0]
                .explanation
                .contains("10.0.0.5 (00-15-5d-a7-66-02)")
        );
    }

    #[test]
    fn a_pair_is_checked_as_a_pair() {
        let (a, b) = (server("dhcp1.test"), server("dc1.test"));
        let shared = ScopeId::parse("10.0.0.0").unwrap();
        let only_a = ScopeId::parse("10.1.0.0").unwrap();
        let ra = FailoverRelationship::with_defaults(
            "p".into(),
            a.clone(),
            b.clone(),
            vec![shared, only_a],
        );
        let mut rb = ra.clone();
        rb.scopes = vec![shared];
        rb.max_client_lead_time_secs = 60;
        let mut sa = scope("10.0.0.0", 24, "10.0.0.10", "10.0.0.200");
        let mut sb = sa.clone();
        sa.reservations.push(reserve("10.0.0.99", "00155DA76602"));
        sb.reservations.push(reserve("10.0.0.98", "00155DA76602"));
        let found = review_pair((&a, Some(&ra), &[sa.clone()]), (&b, Some(&rb), &[sb]));
        assert_eq!(
            checks(&found),
            vec![
                ("failover-on-one-partner", "scope 10.1.0.0"),
                ("relationship-parameters-differ", "relationship p"),
                (
                    "client-reserved-at-two-addresses",
                    "reservation 10.0.0.99 in scope 10.0.0.0"
                ),
            ]
        );
        assert!(
            found[1].explanation.contains("MCLT (3600 s / 60 s)"),
            "{}",
            found[1].explanation
        );
        // The same relationship everywhere: nothing.
        assert_eq!(
            review_pair(
                (&a, Some(&ra), &[sa.clone()]),
                (&b, Some(&ra), &[sa.clone()])
            ),
            vec![]
        );
        // Named by one server only.
        let one = review_pair((&a, Some(&ra), &[sa]), (&b, None, &[]));
        assert_eq!(
            checks(&one),
            vec![("relationship-on-one-partner", "relationship p")]
        );
    }

    #[test]
    fn what_a_server_says_of_itself_is_checked_alone_and_as_a_pair() {
        let (a, b) = (server("kea1.test"), server("kea2.test"));
        let scope = ScopeId::parse("10.0.0.0").unwrap();
        let rel =
            FailoverRelationship::with_defaults("p".into(), a.clone(), b.clone(), vec![scope]);
        let facts = |id: u64, clock: i64| ServerFacts {
            native_ids: [(scope, id)].into_iter().collect(),
            missing_hooks: vec![],
            clock_secs: Some(clock),
            clock_limit_secs: Some(60),
            unreadable_subnets: Vec::new(),
            classes: Vec::new(),
            server_options: None,
            global_reservations: None,
        };
        // Sound: the same ID, clocks 2 s apart.
        assert_eq!(
            review_pair_facts((&a, &facts(1, 1000)), (&b, &facts(1, 1002)), &rel),
            vec![]
        );
        // Another ID on the partner; clocks 61 s apart: past Kea's own limit, under the MCLT.
        let found = review_pair_facts((&a, &facts(1, 1000)), (&b, &facts(7, 1061)), &rel);
        let checks: Vec<&str> = found.iter().map(|f| f.check.as_str()).collect();
        assert_eq!(checks, ["subnet-id-differs", "clock-skew-beyond-mclt"]);
        assert!(
            found[0].explanation.contains("subnet 1") && found[0].explanation.contains("subnet 7")
        );
        assert!(
            found[1].explanation.contains("61 s apart"),
            "{}",
            found[1].explanation
        );
        // Without a limit of the product's own, the MCLT (1 h by default) is the bound.
        let loose = |clock| ServerFacts {
            clock_limit_secs: None,
            ..facts(1, clock)
        };
        assert_eq!(
            review_pair_facts((&a, &loose(0)), (&b, &loose(3600)), &rel),
            vec![]
        );
        assert_eq!(
            review_pair_facts((&a, &loose(0)), (&b, &loose(3601)), &rel).len(),
            1
        );

        // A class on one partner only, and one defined otherwise on each.
        let class = |name: &str, test: &str| crate::ClientClass {
            name: name.into(),
            test: test.into(),
            sets: Vec::new(),
            definition: format!("{name}:{test}"),
            settings: Default::default(),
        };
        let with = |classes: Vec<crate::ClientClass>| ServerFacts {
            classes,
            ..facts(1, 1000)
        };
        let found = review_pair_facts(
            (&a, &with(vec![class("pxe", "x"), class("phones", "y")])),
            (&b, &with(vec![class("pxe", "x2")])),
            &rel,
        );
        let objects: Vec<&str> = found.iter().map(|f| f.object.as_str()).collect();
        assert_eq!(objects, ["client class phones", "client class pxe"]);
        assert!(
            found
                .iter()
                .all(|f| f.check == "class-differs-between-partners")
        );
        assert!(
            found[0]
                .explanation
                .contains("defined on kea1.test but not on kea2.test")
        );
        // Server options that differ.
        let options = |definition: &str| ServerFacts {
            server_options: Some(crate::ServerOptions {
                definition: definition.into(),
                ..Default::default()
            }),
            ..facts(1, 1000)
        };
        let found = review_pair_facts((&a, &options("x")), (&b, &options("y")), &rel);
        assert_eq!(found[0].check, "server-options-differ-between-partners");
        assert!(review_pair_facts((&a, &options("x")), (&b, &options("x")), &rel).is_empty());
        // Server-wide reservations that differ.
        let globals = |definition: &str| ServerFacts {
            global_reservations: Some(crate::GlobalReservations {
                definition: definition.into(),
                ..Default::default()
            }),
            ..facts(1, 1000)
        };
        let found = review_pair_facts((&a, &globals("[1]")), (&b, &globals("[]")), &rel);
        assert_eq!(
            found[0].check,
            "global-reservations-differ-between-partners"
        );
        assert!(review_pair_facts((&a, &globals("[]")), (&b, &globals("[]")), &rel).is_empty());

        let missing = ServerFacts {
            missing_hooks: vec![MissingHook {
                check: "kea-without-lease-cmds".into(),
                library: "libdhcp_lease_cmds.so".into(),
                severity: Severity::Error,
                consequence: "Tandem cannot read its leases".into(),
            }],
            ..ServerFacts::default()
        };
        let found = review_facts(&a, &missing);
        assert_eq!(found[0].object, "server kea1.test");
        assert_eq!(
            found[0].explanation,
            "kea1.test does not load libdhcp_lease_cmds.so: Tandem cannot read its leases."
        );
        assert_eq!(
            dismiss_permission("client-reserved-at-two-addresses"),
            crate::access::Permission::EditReservations
        );
        assert_eq!(
            dismiss_permission("kea-without-lease-cmds"),
            crate::access::Permission::ManageServers
        );
    }
}
