//! OpenAPI schemas for the types whose JSON is a string or number with rules of its own (a
//! scope ID, a MAC address, a server name, a percentage, a range), for the server's API
//! description. Compiled only with the `openapi` feature: the browser never needs them.

use crate::{IpRange, MacAddress, OptionValue, Percent, ScopeId, ServerName};
use utoipa::openapi::schema::{
    KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{ArrayBuilder, RefOr};
use utoipa::{PartialSchema, ToSchema};

fn string(description: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .examples([example])
}

fn ipv4(description: &str, example: &str) -> ObjectBuilder {
    string(description, example).format(Some(SchemaFormat::KnownFormat(KnownFormat::Ipv4)))
}

impl PartialSchema for ScopeId {
    fn schema() -> RefOr<Schema> {
        ipv4("A scope ID: the subnet's network address.", "10.0.0.0").into()
    }
}
impl ToSchema for ScopeId {}

impl PartialSchema for MacAddress {
    fn schema() -> RefOr<Schema> {
        string(
            "A client ID (MAC address). Read as `aa-bb-cc-dd-ee-ff`; accepted with dashes, \
             colons, dots or nothing between the digits.",
            "00-15-5d-01-02-03",
        )
        .into()
    }
}
impl ToSchema for MacAddress {}

impl PartialSchema for ServerName {
    fn schema() -> RefOr<Schema> {
        string(
            "A DHCP server's host name, in lower case.",
            "dhcp1.contoso.com",
        )
        .into()
    }
}
impl ToSchema for ServerName {}

impl PartialSchema for Percent {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .maximum(Some(100))
            .description(Some("A percentage, 0 to 100."))
            .into()
    }
}
impl ToSchema for Percent {}

impl PartialSchema for IpRange {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some("An inclusive range of addresses, `start <= end`."))
            .property("start", ipv4("First address.", "10.0.0.1"))
            .property("end", ipv4("Last address.", "10.0.0.254"))
            .required("start")
            .required("end")
            .into()
    }
}
impl ToSchema for IpRange {}

impl PartialSchema for OptionValue {
    fn schema() -> RefOr<Schema> {
        let variant = |kind: &str, value: Schema| -> Schema {
            ObjectBuilder::new()
                .property(
                    "kind",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some([kind])),
                )
                .property("value", value)
                .required("kind")
                .required("value")
                .into()
        };
        let addresses = ArrayBuilder::new()
            .items(ipv4("An address.", "10.0.0.1"))
            .build();
        OneOfBuilder::new()
            .description(Some("A typed DHCP option value."))
            .item(variant("Addresses", addresses.into()))
            .item(variant(
                "Text",
                ObjectBuilder::new().schema_type(Type::String).into(),
            ))
            .item(variant(
                "Number",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0))
                    .maximum(Some(u32::MAX))
                    .into(),
            ))
            .item(variant(
                "Flag",
                ObjectBuilder::new().schema_type(Type::Boolean).into(),
            ))
            .item(variant(
                "Data",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(
                        "An option of another type in Kea's table (a record, a list of numbers or names, binary): its fields separated by commas, as Kea's `data` writes them, like `1, 192.0.2.70, example.org`.",
                    ))
                    .into(),
            ))
            .item(variant(
                "Hex",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^(0[xX])?[0-9A-Fa-f]{2}([ :]?[0-9A-Fa-f]{2}){0,254}$"))
                    .description(Some(
                        "The option's bytes in hexadecimal (Kea's `csv-format: false`), like `C0000201`.",
                    ))
                    .into(),
            ))
            .into()
    }
}
impl ToSchema for OptionValue {}

/// What a replication did for one scope, as JSON: `{"Ok": differences overwritten}` or
/// `{"Err": why}`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum ScopeOutcome {
    Ok(usize),
    Err(String),
}
