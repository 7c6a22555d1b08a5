//! `tandem lease …`: leases through Tandem's REST API. A deletion or a clear is done on the
//! server and its partner; Reserve makes a reservation of a lease's address for its client.

use super::{Api, Failure, decode, outcome_line, path_part, reservations_path, show};
use crate::cli::table;
use crate::config::RemoteLease;
use reqwest::Method;
use serde_json::{Value, json};
use tandem_core::usage::LeaseSearch;
use tandem_core::views::LeaseOutcome;

pub(super) async fn run(api: &Api, json_output: bool, action: RemoteLease) -> Result<(), Failure> {
    match action {
        RemoteLease::Find { q } => {
            let found = find(api, &q).await?;
            let value = serde_json::to_value(&found).unwrap_or(Value::Null);
            show(json_output, &value, || {
                for u in &found.unanswered {
                    eprintln!("{} was not searched: {}", u.server, u.reason);
                }
                let lines: Vec<Vec<String>> = found
                    .leases
                    .iter()
                    .map(|l| {
                        vec![
                            l.ip_address.to_string(),
                            l.mac.clone(),
                            l.hostname.clone(),
                            l.state.label().to_string(),
                            l.expires.clone(),
                            l.server.to_string(),
                            l.scope_id.map(|s| s.to_string()).unwrap_or_default(),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "IPAddress",
                        "ClientId",
                        "HostName",
                        "AddressState",
                        "LeaseExpiryTime",
                        "Server",
                        "ScopeId",
                    ],
                    &lines,
                );
                Ok(())
            })
        }
        RemoteLease::Delete { server, ip } => {
            let path = format!("/servers/{}/leases/{}", path_part(&server), path_part(&ip));
            let (value, _) = api.call(Method::DELETE, &path, None, None).await?;
            said(json_output, &value)
        }
        RemoteLease::Clear {
            server,
            scope,
            confirm,
        } => {
            let path = format!(
                "/servers/{}/scopes/{}/leases/clear",
                path_part(&server),
                path_part(&scope)
            );
            let body = json!({ "confirm": confirm });
            let (value, _) = api.call(Method::POST, &path, Some(body), None).await?;
            said(json_output, &value)
        }
        RemoteLease::Reserve {
            server,
            ip,
            name,
            description,
        } => {
            let found = find(api, &ip).await?;
            let lease = found
                .leases
                .iter()
                .find(|l| l.server.as_str() == server && l.ip_address.to_string() == ip)
                .ok_or_else(|| Failure::Refused(format!("{server} holds no lease for {ip}")))?;
            let scope = lease.scope_id.ok_or_else(|| {
                Failure::Refused(format!(
                    "{ip} is in no scope of {server}: nothing to reserve it in"
                ))
            })?;
            let body = json!({
                "ip_address": ip, "client_id": lease.mac, "identifier_type": "hw-address",
                "name": name.unwrap_or_else(|| lease.hostname.clone()),
                "description": description,
            });
            let path = reservations_path(&server, &scope.to_string());
            let (value, _) = api.call(Method::POST, &path, Some(body), None).await?;
            show(json_output, &value, || {
                println!("{}", outcome_line(&value));
                Ok(())
            })
        }
    }
}

async fn find(api: &Api, q: &str) -> Result<LeaseSearch, Failure> {
    let (value, _) = api
        .call(
            Method::GET,
            &format!("/leases?q={}", path_part(q)),
            None,
            None,
        )
        .await?;
    decode(value)
}

/// A deletion's outcome, in words: where it was done, and where not.
fn said(json_output: bool, value: &Value) -> Result<(), Failure> {
    let out: LeaseOutcome = decode(value.clone())?;
    show(json_output, value, || {
        println!("{}", out.summary());
        match &out.partner_error {
            Some(why) => Err(Failure::Refused(format!(
                "not deleted on the partner: {why}"
            ))),
            None => Ok(()),
        }
    })
}
