//! How the tagged enums are read: the same JSON that serde's derive writes, read without
//! buffering it. serde's derive reads an internally tagged enum (`{"kind": "…", …}`) or a
//! flattened field by first copying the whole object into an untyped buffer, and that copying
//! code is a tenth of a browser page's bundle. Here each is read into a flat struct that has
//! every field any variant may have (in any order), then checked against its tag.

use crate::drift::{Difference, DriftStatus};
use crate::views::{ReplicationOutcome, ServerStatus};
use crate::{
    FailoverMode, FailoverRelationship, FailoverState, IpRange, OptionValue, Percent, Reservation,
    ScopeId, ServerName, ServerRole,
};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::net::Ipv4Addr;

/// `field` of a `tag` object, which that tag requires.
fn required<T>(value: Option<T>, tag: &str, field: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{field}` (required by `{tag}`)"))
}

#[derive(Deserialize)]
enum DifferenceKind {
    ScopeMissing,
    Property,
    Exclusion,
    OptionValue,
    Reservation,
    Setting,
}

/// A `left` or `right` of a [`Difference`]: its type depends on the kind, which may come later.
#[derive(Default)]
pub(crate) enum Side {
    #[default]
    Absent,
    Flag(bool),
    Text(String),
    Reservation(Box<Reservation>),
}

impl<'de> Deserialize<'de> for Side {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SideVisitor;
        impl<'de> Visitor<'de> for SideVisitor {
            type Value = Side;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("null, a boolean, a string or a reservation")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Side, E> {
                Ok(Side::Absent)
            }
            fn visit_none<E: de::Error>(self) -> Result<Side, E> {
                Ok(Side::Absent)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Side, D::Error> {
                Side::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Side, E> {
                Ok(Side::Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Side, E> {
                Ok(Side::Text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Side, A::Error> {
                let reservation =
                    Reservation::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Side::Reservation(Box::new(reservation)))
            }
        }
        deserializer.deserialize_any(SideVisitor)
    }
}

impl Side {
    fn text(self, tag: &str, field: &str) -> Result<String, String> {
        match self {
            Side::Text(t) => Ok(t),
            _ => Err(format!("`{field}` of `{tag}` must be a string")),
        }
    }
    fn optional_text(self, tag: &str, field: &str) -> Result<Option<String>, String> {
        match self {
            Side::Absent => Ok(None),
            other => other.text(tag, field).map(Some),
        }
    }
    fn flag(self, tag: &str, field: &str) -> Result<bool, String> {
        match self {
            Side::Flag(b) => Ok(b),
            _ => Err(format!("`{field}` of `{tag}` must be true or false")),
        }
    }
    fn reservation(self, tag: &str, field: &str) -> Result<Option<Reservation>, String> {
        match self {
            Side::Absent => Ok(None),
            Side::Reservation(r) => Ok(Some(*r)),
            _ => Err(format!(
                "`{field}` of `{tag}` must be a reservation or null"
            )),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct DifferenceWire {
    kind: DifferenceKind,
    on: Option<ServerName>,
    property: Option<String>,
    setting: Option<String>,
    range: Option<IpRange>,
    code: Option<u8>,
    ip_address: Option<Ipv4Addr>,
    #[serde(default)]
    left: Side,
    #[serde(default)]
    right: Side,
}

impl TryFrom<DifferenceWire> for Difference {
    type Error = String;
    fn try_from(w: DifferenceWire) -> Result<Self, String> {
        Ok(match w.kind {
            DifferenceKind::ScopeMissing => Self::ScopeMissing {
                on: required(w.on, "ScopeMissing", "on")?,
            },
            DifferenceKind::Property => Self::Property {
                property: required(w.property, "Property", "property")?,
                left: w.left.text("Property", "left")?,
                right: w.right.text("Property", "right")?,
            },
            DifferenceKind::Exclusion => Self::Exclusion {
                range: required(w.range, "Exclusion", "range")?,
                left: w.left.flag("Exclusion", "left")?,
                right: w.right.flag("Exclusion", "right")?,
            },
            DifferenceKind::OptionValue => Self::OptionValue {
                code: required(w.code, "OptionValue", "code")?,
                left: w.left.optional_text("OptionValue", "left")?,
                right: w.right.optional_text("OptionValue", "right")?,
            },
            DifferenceKind::Reservation => Self::Reservation {
                ip_address: required(w.ip_address, "Reservation", "ip_address")?,
                left: w.left.reservation("Reservation", "left")?,
                right: w.right.reservation("Reservation", "right")?,
            },
            DifferenceKind::Setting => Self::Setting {
                setting: required(w.setting, "Setting", "setting")?,
                left: w.left.optional_text("Setting", "left")?,
                right: w.right.optional_text("Setting", "right")?,
            },
        })
    }
}

#[derive(Deserialize)]
enum DriftStatusKind {
    InSync,
    OutOfSync,
    Unknown,
}

#[derive(Deserialize)]
pub(crate) struct DriftStatusWire {
    status: DriftStatusKind,
    differences: Option<Vec<Difference>>,
    reason: Option<String>,
}

impl TryFrom<DriftStatusWire> for DriftStatus {
    type Error = String;
    fn try_from(w: DriftStatusWire) -> Result<Self, String> {
        Ok(match w.status {
            DriftStatusKind::InSync => Self::InSync,
            DriftStatusKind::OutOfSync => Self::OutOfSync {
                differences: required(w.differences, "OutOfSync", "differences")?,
            },
            DriftStatusKind::Unknown => Self::Unknown {
                reason: required(w.reason, "Unknown", "reason")?,
            },
        })
    }
}

#[derive(Deserialize)]
enum ServerStatusKind {
    State,
    Unreachable,
}

#[derive(Deserialize)]
pub(crate) struct ServerStatusWire {
    status: ServerStatusKind,
    state: Option<FailoverState>,
    raw_state: Option<String>,
    reason: Option<String>,
}

impl TryFrom<ServerStatusWire> for ServerStatus {
    type Error = String;
    fn try_from(w: ServerStatusWire) -> Result<Self, String> {
        Ok(match w.status {
            ServerStatusKind::State => Self::State {
                state: required(w.state, "State", "state")?,
                raw_state: required(w.raw_state, "State", "raw_state")?,
            },
            ServerStatusKind::Unreachable => Self::Unreachable {
                reason: required(w.reason, "Unreachable", "reason")?,
            },
        })
    }
}

#[derive(Deserialize)]
enum OutcomeKind {
    NotInFailover,
    Replicated,
    Shared,
    Failed,
}

#[derive(Deserialize)]
pub(crate) struct ReplicationOutcomeWire {
    outcome: OutcomeKind,
    partner: Option<ServerName>,
    store: Option<String>,
    error: Option<String>,
}

impl TryFrom<ReplicationOutcomeWire> for ReplicationOutcome {
    type Error = String;
    fn try_from(w: ReplicationOutcomeWire) -> Result<Self, String> {
        Ok(match w.outcome {
            OutcomeKind::NotInFailover => Self::NotInFailover,
            OutcomeKind::Replicated => Self::Replicated {
                partner: required(w.partner, "Replicated", "partner")?,
            },
            OutcomeKind::Shared => Self::Shared {
                partner: required(w.partner, "Shared", "partner")?,
                store: required(w.store, "Shared", "store")?,
            },
            OutcomeKind::Failed => Self::Failed {
                partner: required(w.partner, "Failed", "partner")?,
                error: required(w.error, "Failed", "error")?,
            },
        })
    }
}

#[derive(Deserialize)]
enum ModeKind {
    LoadBalance,
    HotStandby,
}

/// A [`FailoverMode`] from its tag and the fields either mode has.
fn mode(
    kind: ModeKind,
    load_balance_percent: Option<Percent>,
    server_role: Option<ServerRole>,
    reserve_percent: Option<Percent>,
) -> Result<FailoverMode, String> {
    Ok(match kind {
        ModeKind::LoadBalance => FailoverMode::LoadBalance {
            load_balance_percent: required(
                load_balance_percent,
                "LoadBalance",
                "load_balance_percent",
            )?,
        },
        ModeKind::HotStandby => FailoverMode::HotStandby {
            server_role: required(server_role, "HotStandby", "server_role")?,
            reserve_percent: required(reserve_percent, "HotStandby", "reserve_percent")?,
        },
    })
}

#[derive(Deserialize)]
pub(crate) struct FailoverModeWire {
    mode: ModeKind,
    load_balance_percent: Option<Percent>,
    server_role: Option<ServerRole>,
    reserve_percent: Option<Percent>,
}

impl TryFrom<FailoverModeWire> for FailoverMode {
    type Error = String;
    fn try_from(w: FailoverModeWire) -> Result<Self, String> {
        mode(
            w.mode,
            w.load_balance_percent,
            w.server_role,
            w.reserve_percent,
        )
    }
}

/// A [`FailoverRelationship`], its mode's fields among its own (serde's `flatten`).
#[derive(Deserialize)]
pub(crate) struct FailoverRelationshipWire {
    name: String,
    primary_server: ServerName,
    secondary_server: ServerName,
    mode: ModeKind,
    load_balance_percent: Option<Percent>,
    server_role: Option<ServerRole>,
    reserve_percent: Option<Percent>,
    max_client_lead_time_secs: u32,
    auto_state_transition: bool,
    state_switch_interval_secs: Option<u32>,
    enable_auth: bool,
    scopes: Vec<ScopeId>,
}

impl TryFrom<FailoverRelationshipWire> for FailoverRelationship {
    type Error = String;
    fn try_from(w: FailoverRelationshipWire) -> Result<Self, String> {
        Ok(Self {
            mode: mode(
                w.mode,
                w.load_balance_percent,
                w.server_role,
                w.reserve_percent,
            )?,
            name: w.name,
            primary_server: w.primary_server,
            secondary_server: w.secondary_server,
            max_client_lead_time_secs: w.max_client_lead_time_secs,
            auto_state_transition: w.auto_state_transition,
            state_switch_interval_secs: w.state_switch_interval_secs,
            enable_auth: w.enable_auth,
            scopes: w.scopes,
        })
    }
}

#[derive(Deserialize)]
enum OptionKind {
    Addresses,
    Text,
    Number,
    Flag,
    Data,
    Hex,
}

/// An [`OptionValue`]'s `value`, whichever its shape (it may come before `kind`).
pub(crate) enum OptionContent {
    Addresses(Vec<Ipv4Addr>),
    Text(String),
    Number(u64),
    Flag(bool),
}

impl<'de> Deserialize<'de> for OptionContent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ContentVisitor;
        impl<'de> Visitor<'de> for ContentVisitor {
            type Value = OptionContent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of addresses, a string, a number or a boolean")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OptionContent, A::Error> {
                let mut addresses = Vec::new();
                while let Some(a) = seq.next_element::<Ipv4Addr>()? {
                    addresses.push(a);
                }
                Ok(OptionContent::Addresses(addresses))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OptionContent, E> {
                Ok(OptionContent::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OptionContent, E> {
                Ok(OptionContent::Number(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<OptionContent, E> {
                Ok(OptionContent::Flag(v))
            }
        }
        deserializer.deserialize_any(ContentVisitor)
    }
}

#[derive(Deserialize)]
pub(crate) struct OptionValueWire {
    kind: OptionKind,
    value: OptionContent,
}

impl TryFrom<OptionValueWire> for OptionValue {
    type Error = String;
    fn try_from(w: OptionValueWire) -> Result<Self, String> {
        match (w.kind, w.value) {
            (OptionKind::Addresses, OptionContent::Addresses(a)) => Ok(Self::Addresses(a)),
            (OptionKind::Text, OptionContent::Text(t)) => Ok(Self::Text(t)),
            (OptionKind::Number, OptionContent::Number(n)) => u32::try_from(n)
                .map(Self::Number)
                .map_err(|_| format!("option number {n} is out of range")),
            (OptionKind::Flag, OptionContent::Flag(b)) => Ok(Self::Flag(b)),
            // The server puts both in their one form before a browser reads them.
            #[cfg(target_arch = "wasm32")]
            (OptionKind::Data, OptionContent::Text(t)) => Ok(Self::Data(t)),
            #[cfg(target_arch = "wasm32")]
            (OptionKind::Hex, OptionContent::Text(t)) => Ok(Self::Hex(t)),
            #[cfg(not(target_arch = "wasm32"))]
            (OptionKind::Data, OptionContent::Text(t)) => Ok(Self::data(&t)),
            #[cfg(not(target_arch = "wasm32"))]
            (OptionKind::Hex, OptionContent::Text(t)) => Self::hex(&t),
            (OptionKind::Data, _) => Err("`value` of `Data` must be a string".into()),
            (OptionKind::Hex, _) => Err("`value` of `Hex` must be a string".into()),
            (OptionKind::Addresses, _) => Err("`value` of `Addresses` must be a list".into()),
            (OptionKind::Text, _) => Err("`value` of `Text` must be a string".into()),
            (OptionKind::Number, _) => Err("`value` of `Number` must be a number".into()),
            (OptionKind::Flag, _) => Err("`value` of `Flag` must be true or false".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

    /// What serde's derive writes reads back the same, and so does the same object with its
    /// keys in the reverse order (the tag last).
    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) {
        let json = serde_json::to_value(&value).expect("serializes");
        let back: T = serde_json::from_value(json.clone()).expect("reads back");
        assert_eq!(back, value, "{json}");
        let text = serde_json::to_string(&json).expect("text");
        assert_eq!(serde_json::from_str::<T>(&text).expect("from text"), value);
        let reversed: serde_json::Map<String, serde_json::Value> = json
            .as_object()
            .expect("an object")
            .clone()
            .into_iter()
            .rev()
            .collect();
        let reversed = serde_json::to_string(&reversed).expect("text");
        assert_eq!(
            serde_json::from_str::<T>(&reversed).expect("tag last"),
            value,
            "{reversed}"
        );
    }

    fn reservation() -> Reservation {
        serde_json::from_value(serde_json::json!({
            "ip_address": "10.0.0.5",
            "client_id": "00155DA76601",
            "name": "printer",
            "description": "2nd floor",
            "type": "Dhcp"
        }))
        .expect("a reservation")
    }

    #[test]
    fn every_tagged_variant_reads_back_whatever_the_order_of_its_fields() {
        let server = ServerName::parse("dhcp1.contoso.com").expect("a name");
        let range = IpRange::new("10.0.0.10".parse().unwrap(), "10.0.0.20".parse().unwrap())
            .expect("a range");
        for d in [
            Difference::ScopeMissing { on: server.clone() },
            Difference::Property {
                property: "name".into(),
                left: "a".into(),
                right: "b".into(),
            },
            Difference::Exclusion {
                range,
                left: true,
                right: false,
            },
            Difference::OptionValue {
                code: 6,
                left: Some("10.0.0.1".into()),
                right: None,
            },
            Difference::Reservation {
                ip_address: "10.0.0.5".parse().unwrap(),
                left: Some(reservation()),
                right: None,
            },
            Difference::Setting {
                setting: "pool 10.0.0.1-10.0.0.9".into(),
                left: Some(r#"{"client-class":"printers"}"#.into()),
                right: None,
            },
        ] {
            round_trip(d.clone());
            round_trip(DriftStatus::OutOfSync {
                differences: vec![d],
            });
        }
        round_trip(DriftStatus::InSync);
        round_trip(DriftStatus::Unknown {
            reason: "dc1 is unreachable".into(),
        });
        round_trip(ServerStatus::State {
            state: FailoverState::PartnerDown,
            raw_state: "partner-down".into(),
        });
        round_trip(ServerStatus::Unreachable {
            reason: "timeout".into(),
        });
        for o in [
            ReplicationOutcome::NotInFailover,
            ReplicationOutcome::Replicated {
                partner: server.clone(),
            },
            ReplicationOutcome::Shared {
                partner: server.clone(),
                store: "hosts".into(),
            },
            ReplicationOutcome::Failed {
                partner: server.clone(),
                error: "refused".into(),
            },
        ] {
            round_trip(o);
        }
        for v in [
            OptionValue::Addresses(vec!["10.0.0.1".parse().unwrap()]),
            OptionValue::Addresses(vec![]),
            OptionValue::Text("contoso.com".into()),
            OptionValue::Number(3600),
            OptionValue::Flag(true),
        ] {
            round_trip(v);
        }
        let mut relationship = FailoverRelationship::with_defaults(
            "r1".into(),
            server.clone(),
            ServerName::parse("dc1.contoso.com").unwrap(),
            vec![ScopeId::parse("10.0.0.0").unwrap()],
        );
        round_trip(relationship.clone());
        round_trip(relationship.mode);
        relationship.mode = FailoverMode::HotStandby {
            server_role: ServerRole::Standby,
            reserve_percent: Percent::new(5).unwrap(),
        };
        relationship.state_switch_interval_secs = Some(60);
        round_trip(relationship.clone());
        round_trip(relationship.mode);
    }

    /// `json` is refused as a `T`, with an error that says `wanted`.
    fn refused<T: DeserializeOwned + Debug>(json: serde_json::Value, wanted: &str) {
        let text = json.to_string();
        let message = serde_json::from_str::<T>(&text)
            .expect_err(&text)
            .to_string();
        assert!(message.contains(wanted), "{text}: {message}");
    }

    #[test]
    fn a_field_of_the_wrong_shape_or_missing_is_refused_by_name() {
        refused::<Difference>(
            serde_json::json!({"kind": "Property", "property": "name", "left": true, "right": "b"}),
            "`left` of `Property` must be a string",
        );
        refused::<Difference>(
            serde_json::json!({"kind": "Exclusion", "left": true, "right": false}),
            "missing field `range`",
        );
        refused::<Difference>(
            serde_json::json!({"kind": "Colour"}),
            "unknown variant `Colour`",
        );
        refused::<DriftStatus>(
            serde_json::json!({"status": "OutOfSync"}),
            "missing field `differences`",
        );
        refused::<OptionValue>(
            serde_json::json!({"kind": "Number", "value": "12"}),
            "`value` of `Number` must be a number",
        );
        refused::<OptionValue>(
            serde_json::json!({"kind": "Number", "value": 4294967296u64}),
            "out of range",
        );
        refused::<FailoverRelationship>(
            serde_json::json!({"name": "r", "primary_server": "a.example", "secondary_server": "b.example",
                "mode": "HotStandby", "server_role": "Active", "max_client_lead_time_secs": 3600,
                "auto_state_transition": false, "enable_auth": false, "scopes": []}),
            "missing field `reserve_percent`",
        );
    }
}
