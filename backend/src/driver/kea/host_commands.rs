//! The host commands (`host_cmds`: Kea 3): a reservation added, read, deleted, each in the
//! subnet and hosts store it names; and the reservations Tandem does not show made a
//! replicated copy's.

use super::offer::Hosts;
use super::{DriverError, KeaDriver, mapping};
use serde_json::{Value, json};
use std::net::Ipv4Addr;
use tandem_core::{Kept, Reservation};

impl KeaDriver {
    /// A replicated copy's reservations that Tandem does not show (by client-id, circuit-id…):
    /// the partner's made the source's, each removed by its identifier and added whole.
    pub(super) async fn replace_other_hosts(
        &self,
        subnet: u64,
        have: Option<&Kept>,
        want: Option<&Kept>,
        hosts: &Hosts,
    ) -> Result<(), DriverError> {
        let (Some(want), Some(have)) = (want, have) else {
            return Ok(());
        };
        for (place, text) in &have.other_hosts {
            if want.other_hosts.get(place) == Some(text) {
                continue;
            }
            let Some((kind, id)) = place.split_once(' ') else {
                continue;
            };
            if mapping::IDENTIFIERS.contains(&kind) {
                self.command(
                    "reservation-del",
                    Some(json!({ "subnet-id": subnet, "identifier-type": kind,
                        "identifier": id, "operation-target": hosts.target() })),
                )
                .await?;
            }
        }
        for (place, text) in &want.other_hosts {
            if have.other_hosts.get(place) != Some(text) {
                let host = serde_json::from_str(text).unwrap_or(Value::Null);
                self.host_put(subnet, host, hosts).await?;
            }
        }
        Ok(())
    }

    pub(super) async fn host_add(
        &self,
        subnet: u64,
        r: &Reservation,
        hosts: &Hosts,
    ) -> Result<(), DriverError> {
        self.host_put(subnet, mapping::host_of(r), hosts).await
    }

    /// Adds a host entry as given (`reservation-add`).
    pub(super) async fn host_put(
        &self,
        subnet: u64,
        host: Value,
        hosts: &Hosts,
    ) -> Result<(), DriverError> {
        self.command(
            "reservation-add",
            Some(json!({ "reservation": with_subnet(subnet, host), "operation-target": hosts.target() })),
        )
        .await
        .map(drop)
    }

    /// The host reserved at `ip` in a subnet, as Kea holds it (`reservation-get`).
    pub(super) async fn host_entry(&self, subnet: u64, ip: Ipv4Addr) -> Result<Value, DriverError> {
        let answer = self
            .exchange(
                "reservation-get",
                Some(json!({ "subnet-id": subnet, "ip-address": ip.to_string() })),
            )
            .await?;
        if answer.result == super::transport::RESULT_EMPTY {
            return Err(DriverError::NotFound {
                server: self.name.clone(),
                what: format!("reservation {ip} (reservation-get: {})", answer.text),
            });
        }
        self.accepted("reservation-get", answer)
    }

    pub(super) async fn host_del(
        &self,
        subnet: u64,
        ip: Ipv4Addr,
        hosts: &Hosts,
    ) -> Result<(), DriverError> {
        let answer = self
            .exchange(
                "reservation-del",
                Some(json!({
                    "subnet-id": subnet,
                    "ip-address": ip.to_string(),
                    "operation-target": hosts.target(),
                })),
            )
            .await?;
        if answer.result == super::transport::RESULT_EMPTY {
            return Err(DriverError::NotFound {
                server: self.name.clone(),
                what: format!("reservation {ip} (reservation-del: {})", answer.text),
            });
        }
        self.accepted("reservation-del", answer).map(drop)
    }
}

/// A host entry as a host command's `reservation`: in subnet `subnet`.
pub(super) fn with_subnet(subnet: u64, mut host: Value) -> Value {
    host["subnet-id"] = json!(subnet);
    host
}
