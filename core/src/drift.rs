//! Drift: whether the two copies of a failover scope agree, and if not, what differs.

use crate::{IpRange, Reservation, Scope, ServerName};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// One way in which two copies of a scope differ. `left` is the first server's copy,
/// `right` its partner's; `None` means that copy lacks the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", try_from = "crate::wire::DifferenceWire")]
// A reservation with its settings is the largest variant; a comparison lists a handful of
// differences, each built once, so the space is not worth a box at every match.
#[allow(clippy::large_enum_variant)]
pub enum Difference {
    /// The scope exists on one server only.
    ScopeMissing { on: ServerName },
    /// A scalar property (name, description, range, subnet mask, lease duration, state).
    Property {
        property: String,
        left: String,
        right: String,
    },
    Exclusion {
        range: IpRange,
        left: bool,
        right: bool,
    },
    OptionValue {
        code: u8,
        left: Option<String>,
        right: Option<String>,
    },
    Reservation {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Ipv4))]
        ip_address: Ipv4Addr,
        left: Option<Reservation>,
        right: Option<Reservation>,
    },
    /// A setting the server holds beyond Tandem's model ([`crate::Kept`]): a pool's class, an
    /// option's flag, the relay, a reservation's boot file… `None`: that copy lacks it.
    Setting {
        setting: String,
        left: Option<String>,
        right: Option<String>,
    },
}

fn describe(r: &Option<Reservation>) -> String {
    match r {
        Some(r) => {
            let mut words = format!(
                "{} {} '{}' {} '{}'",
                r.ip_address,
                r.client_id.described(),
                r.name,
                r.kind,
                r.description
            );
            words += &settings_in_words(&r.settings);
            words
        }
        None => "absent".into(),
    }
}

impl Difference {
    /// Says what differs, naming the server that holds each copy (`left` is the first copy's).
    pub fn describe(&self, left_server: &ServerName, right_server: &ServerName) -> String {
        let only_on = |l: bool| if l { left_server } else { right_server };
        match self {
            Self::ScopeMissing { on } => format!("scope missing on {on}"),
            Self::Property {
                property,
                left,
                right,
            } => {
                format!("{property}: '{left}' on {left_server}, '{right}' on {right_server}")
            }
            Self::Exclusion { range, left, .. } => {
                format!("exclusion {range} only on {}", only_on(*left))
            }
            Self::OptionValue { code, left, right } => format!(
                "option {code}: {} on {left_server}, {} on {right_server}",
                left.as_deref().unwrap_or("unset"),
                right.as_deref().unwrap_or("unset")
            ),
            Self::Setting {
                setting,
                left,
                right,
            } => format!(
                "{setting}: {} on {left_server}, {} on {right_server}",
                left.as_deref().unwrap_or("unset"),
                right.as_deref().unwrap_or("unset")
            ),
            Self::Reservation {
                ip_address,
                left,
                right,
            } => match (left, right) {
                (Some(_), None) => format!("reservation {ip_address} only on {left_server}"),
                (None, Some(_)) => format!("reservation {ip_address} only on {right_server}"),
                _ => format!(
                    "reservation {ip_address}: {} on {left_server}, {} on {right_server}",
                    describe(left),
                    describe(right)
                ),
            },
        }
    }
}

/// A reservation as a preview names it: its client ID and type, then its name and
/// description when it has them.
fn in_words(r: &Reservation) -> String {
    let mut words = format!("{} {}", r.client_id.described(), r.kind);
    if !r.name.is_empty() {
        words += &format!(" '{}'", r.name);
    }
    if !r.description.is_empty() {
        words += &format!(" ({})", r.description);
    }
    words += &settings_in_words(&r.settings);
    words
}

/// A reservation's own settings as a difference names them (` with next-server 10.0.0.5`),
/// nothing when it has none.
fn settings_in_words(s: &crate::HostSettings) -> String {
    match s.words() {
        w if w.is_empty() => w,
        w => format!(" with {w}"),
    }
}

impl Difference {
    /// What a replication from the `left` copy makes of this difference on the partner's copy
    /// (the `right` one), in words: what is added, removed, or changed from what to what.
    pub fn as_change(&self) -> String {
        let value = |v: &Option<String>| v.clone().unwrap_or_default();
        match self {
            Self::ScopeMissing { .. } => "the whole scope is copied (the partner has none)".into(),
            Self::Property {
                property,
                left,
                right,
            } => format!("{property}: '{right}' becomes '{left}'"),
            Self::Exclusion { range, left, .. } if *left => format!("exclusion {range} added"),
            Self::Exclusion { range, .. } => format!("exclusion {range} removed"),
            Self::OptionValue { code, left, right } => match (left, right) {
                (Some(l), None) => format!("option {code} added: {l}"),
                (None, r) => format!("option {code} removed (was {})", value(r)),
                (Some(l), Some(r)) => format!("option {code}: {r} becomes {l}"),
            },
            Self::Setting {
                setting,
                left,
                right,
            } => match (left, right) {
                (Some(l), None) => format!("{setting} added: {l}"),
                (None, r) => format!("{setting} removed (was {})", value(r)),
                (Some(l), Some(r)) => format!("{setting}: {r} becomes {l}"),
            },
            Self::Reservation {
                ip_address,
                left,
                right,
            } => match (left, right) {
                (Some(l), None) => format!("reservation {ip_address} added: {}", in_words(l)),
                (None, r) => format!(
                    "reservation {ip_address} removed (was {})",
                    r.as_ref().map(in_words).unwrap_or_default()
                ),
                (Some(l), Some(r)) => format!(
                    "reservation {ip_address}: {} becomes {}",
                    in_words(r),
                    in_words(l)
                ),
            },
        }
    }
}

/// The drift indicator of a failover scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", try_from = "crate::wire::DriftStatusWire")]
pub enum DriftStatus {
    InSync,
    OutOfSync {
        differences: Vec<Difference>,
    },
    /// A server could not be asked; `reason` names it.
    Unknown {
        reason: String,
    },
}

impl DriftStatus {
    pub fn label(&self) -> &'static str {
        match self {
            Self::InSync => "InSync",
            Self::OutOfSync { .. } => "OutOfSync",
            Self::Unknown { .. } => "Unknown",
        }
    }

    /// Compares two copies of one scope.
    pub fn of(left: &Scope, right: &Scope) -> Self {
        let differences = differences(left, right);
        if differences.is_empty() {
            Self::InSync
        } else {
            Self::OutOfSync { differences }
        }
    }
}

/// Every difference between two copies of a scope, in a stable order.
pub fn differences(left: &Scope, right: &Scope) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut prop = |property: &str, l: String, r: String| {
        if l != r {
            out.push(Difference::Property {
                property: property.into(),
                left: l,
                right: r,
            });
        }
    };
    prop("name", left.name.clone(), right.name.clone());
    prop(
        "description",
        left.description.clone(),
        right.description.clone(),
    );
    prop("range", left.range.to_string(), right.range.to_string());
    prop(
        "subnet_mask",
        left.subnet_mask().to_string(),
        right.subnet_mask().to_string(),
    );
    prop(
        "lease_duration_secs",
        left.lease_duration_secs.to_string(),
        right.lease_duration_secs.to_string(),
    );
    prop(
        "state",
        format!("{:?}", left.state),
        format!("{:?}", right.state),
    );

    let l_ex: BTreeSet<IpRange> = left.exclusions.iter().copied().collect();
    let r_ex: BTreeSet<IpRange> = right.exclusions.iter().copied().collect();
    for range in l_ex.symmetric_difference(&r_ex) {
        out.push(Difference::Exclusion {
            range: *range,
            left: l_ex.contains(range),
            right: r_ex.contains(range),
        });
    }

    let codes: BTreeSet<u8> = left
        .options
        .keys()
        .chain(right.options.keys())
        .copied()
        .collect();
    for code in codes {
        let (l, r) = (left.options.get(&code), right.options.get(&code));
        if l != r {
            out.push(Difference::OptionValue {
                code,
                left: l.map(|v| format!("{v:?}")),
                right: r.map(|v| format!("{v:?}")),
            });
        }
    }

    let ips: BTreeSet<Ipv4Addr> = left
        .reservations
        .iter()
        .chain(&right.reservations)
        .map(|r| r.ip_address)
        .collect();
    for ip in ips {
        let (l, r) = (left.reservation(ip), right.reservation(ip));
        if l != r {
            out.push(Difference::Reservation {
                ip_address: ip,
                left: l.cloned(),
                right: r.cloned(),
            });
        }
    }

    // What each server holds beyond the model: compared only where both copies say (a scope
    // from a form says nothing of it).
    if let (Some(l), Some(r)) = (&left.kept, &right.kept) {
        let (l, r) = (l.flat(), r.flat());
        let places: BTreeSet<&String> = l.keys().chain(r.keys()).collect();
        for place in places {
            let (a, b) = (l.get(place), r.get(place));
            if a != b {
                out.push(Difference::Setting {
                    setting: place.clone(),
                    left: a.map(|v| v.to_string()),
                    right: b.map(|v| v.to_string()),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::tests::seed_scope;
    use crate::{MacAddress, OptionValue, ReservationType, ScopeState};

    fn one(left: &Scope, right: &Scope) -> Difference {
        let d = differences(left, right);
        assert_eq!(d.len(), 1, "{d:?}");
        d.into_iter().next().unwrap()
    }

    #[test]
    fn differences_are_described_with_the_servers_names() {
        let left = seed_scope();
        let mut right = left.clone();
        right.reservations.clear();
        let (a, b) = (
            ServerName::parse("dhcp1.contoso.com").unwrap(),
            ServerName::parse("dc1.contoso.com").unwrap(),
        );
        assert_eq!(
            one(&left, &right).describe(&a, &b),
            "reservation 10.0.0.99 only on dhcp1.contoso.com"
        );
        assert_eq!(
            one(&right, &left).describe(&a, &b),
            "reservation 10.0.0.99 only on dc1.contoso.com"
        );
    }

    #[test]
    fn each_difference_says_what_a_replication_does_to_the_partner() {
        let source = seed_scope();
        // The partner lacks the reservation: it is added.
        let mut partner = source.clone();
        partner.reservations.clear();
        let added = one(&source, &partner).as_change();
        assert!(
            added.starts_with("reservation 10.0.0.99 added: "),
            "{added}"
        );
        // The partner has one the source lacks: it is removed.
        let removed = one(&partner, &source).as_change();
        assert!(
            removed.starts_with("reservation 10.0.0.99 removed ("),
            "{removed}"
        );
        // Changed: from the partner's to the source's.
        let mut partner = source.clone();
        partner.reservations[0].name = "old name".into();
        let changed = one(&source, &partner).as_change();
        assert!(changed.contains("'old name'"), "{changed}");
        assert!(
            changed.find("'old name'")
                < changed.find(&format!("'{}'", source.reservations[0].name)),
            "the partner's value comes first: {changed}"
        );
        let mut partner = source.clone();
        partner.name = "Renamed".into();
        assert_eq!(
            one(&source, &partner).as_change(),
            format!("name: 'Renamed' becomes '{}'", source.name)
        );
        let absent = Difference::ScopeMissing {
            on: ServerName::parse("dc1.contoso.com").unwrap(),
        };
        assert!(absent.as_change().contains("whole scope"));
    }

    #[test]
    fn identical_copies_are_in_sync() {
        assert_eq!(
            DriftStatus::of(&seed_scope(), &seed_scope()),
            DriftStatus::InSync
        );
    }

    #[test]
    fn a_reservation_on_one_side_only_is_found() {
        let left = seed_scope();
        let mut right = left.clone();
        right.reservations.clear();
        assert!(matches!(
            one(&left, &right),
            Difference::Reservation {
                left: Some(_),
                right: None,
                ..
            }
        ));
        assert!(matches!(
            one(&right, &left),
            Difference::Reservation {
                left: None,
                right: Some(_),
                ..
            }
        ));
        assert_eq!(DriftStatus::of(&left, &right).label(), "OutOfSync");
    }

    #[test]
    fn a_changed_reservation_field_is_found() {
        let left = seed_scope();
        for change in [
            (|r: &mut Reservation| r.name = "other".into()) as fn(&mut Reservation),
            |r| r.description = "B2".into(),
            |r| r.kind = ReservationType::Dhcp,
            |r| r.client_id = MacAddress::parse("001122334455").unwrap().into(),
        ] {
            let mut right = left.clone();
            change(&mut right.reservations[0]);
            assert!(matches!(
                one(&left, &right),
                Difference::Reservation {
                    left: Some(_),
                    right: Some(_),
                    ..
                }
            ));
        }
    }

    #[test]
    fn each_scope_property_is_compared() {
        let left = seed_scope();
        type Change = fn(&mut Scope);
        let changes: Vec<(&str, Change)> = vec![
            ("name", |s| s.name = "x".into()),
            ("description", |s| s.description = "x".into()),
            ("range", |s| {
                s.range = IpRange::new(s.range.start(), "10.0.0.200".parse().unwrap()).unwrap()
            }),
            ("subnet_mask", |s| s.prefix_len = 16),
            ("lease_duration_secs", |s| s.lease_duration_secs = 3600),
            ("state", |s| s.state = ScopeState::Inactive),
        ];
        for (name, change) in changes {
            let mut right = left.clone();
            change(&mut right);
            match one(&left, &right) {
                Difference::Property { property, .. } => assert_eq!(property, name),
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn exclusions_and_options_are_compared() {
        let left = seed_scope();
        let mut right = left.clone();
        right
            .exclusions
            .push(IpRange::new("10.0.0.1".parse().unwrap(), "10.0.0.9".parse().unwrap()).unwrap());
        assert!(matches!(
            one(&left, &right),
            Difference::Exclusion {
                left: false,
                right: true,
                ..
            }
        ));
        let mut right = left.clone();
        right
            .options
            .insert(3, OptionValue::Addresses(vec!["10.0.0.1".parse().unwrap()]));
        assert!(matches!(
            one(&left, &right),
            Difference::OptionValue {
                code: 3,
                left: None,
                right: Some(_)
            }
        ));
    }
}
