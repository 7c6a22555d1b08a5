//! `tandem scope …`: scopes through Tandem's REST API (Get-/Set-DhcpServerv4Scope). An edit
//! reads the scope first and sends its `ETag` back: a scope changed in between is refused,
//! nothing written.

use super::{Api, Failure, decode, outcome_line, path_part, query_string, show};
use crate::cli::table;
use crate::config::RemoteScope;
use reqwest::Method;
use serde_json::{Map, Value};
use tandem_core::Scope;
use tandem_core::views::ScopeRow;

fn scope_path(server: &str, scope: &str) -> String {
    format!("/servers/{}/scopes/{}", path_part(server), path_part(scope))
}

pub(super) async fn run(api: &Api, json_output: bool, action: RemoteScope) -> Result<(), Failure> {
    match action {
        RemoteScope::List {
            server,
            name,
            relationship,
            sync,
        } => {
            let query = query_string(&[
                ("server", server),
                ("name", name),
                ("relationship", relationship),
                ("sync", sync),
            ]);
            let value = api.every_row(&format!("/scopes{query}")).await?;
            let rows: Vec<ScopeRow> = decode(value.clone())?;
            show(json_output, &value, || {
                let lines: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.server.to_string(),
                            r.scope_id.to_string(),
                            r.name.clone(),
                            r.range.start().to_string(),
                            r.range.end().to_string(),
                            r.subnet_mask.clone(),
                            format!("{:?}", r.state),
                            r.reservations.to_string(),
                            r.relationship.clone().unwrap_or_default(),
                            r.drift
                                .as_ref()
                                .map(|d| d.label().to_string())
                                .unwrap_or_default(),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "Server",
                        "ScopeId",
                        "Name",
                        "StartRange",
                        "EndRange",
                        "SubnetMask",
                        "State",
                        "Reservations",
                        "FailoverRelationship",
                        "Drift",
                    ],
                    &lines,
                );
                Ok(())
            })
        }
        RemoteScope::Show { server, scope } => {
            let (value, _) = api
                .call(Method::GET, &scope_path(&server, &scope), None, None)
                .await?;
            let s: Scope = decode(value.clone())?;
            show(json_output, &value, || {
                let exclusions: Vec<String> = s
                    .exclusions
                    .iter()
                    .map(|r| format!("{}-{}", r.start(), r.end()))
                    .collect();
                let mut lines = vec![
                    vec!["ScopeId".to_string(), s.id.to_string()],
                    vec!["Name".into(), s.name.clone()],
                    vec!["Description".into(), s.description.clone()],
                    vec!["StartRange".into(), s.range.start().to_string()],
                    vec!["EndRange".into(), s.range.end().to_string()],
                    vec!["SubnetMask".into(), s.subnet_mask().to_string()],
                    vec!["State".into(), format!("{:?}", s.state)],
                    vec![
                        "LeaseDuration".into(),
                        tandem_core::text::duration(s.lease_duration_secs),
                    ],
                    vec!["Exclusions".into(), exclusions.join(", ")],
                    vec!["Reservations".into(), s.reservations.len().to_string()],
                ];
                for option in tandem_core::scope_input::option_inputs(&s.options) {
                    lines.push(vec![format!("Option {}", option.code), option.value]);
                }
                table(&["Property", "Value"], &lines);
                Ok(())
            })
        }
        RemoteScope::Set {
            server,
            scope,
            name,
            description,
            lease_duration,
            state,
            start,
            end,
            exclusions,
        } => {
            let mut change = Map::new();
            let given = [
                ("name", name),
                ("description", description),
                ("lease_duration_secs", lease_duration.map(|s| s.to_string())),
                ("state", state),
                ("start", start),
                ("end", end),
                ("exclusions", exclusions),
            ];
            for (field, value) in given {
                if let Some(value) = value {
                    change.insert(field.into(), Value::String(value));
                }
            }
            if change.is_empty() {
                return Err(Failure::Usage(
                    "say what to change: --name, --description, --lease-duration, --state, \
                     --start, --end or --exclusions"
                        .into(),
                ));
            }
            let path = scope_path(&server, &scope);
            let (_, etag) = api.call(Method::GET, &path, None, None).await?;
            let (value, _) = api
                .call(
                    Method::PUT,
                    &path,
                    Some(Value::Object(change)),
                    etag.as_deref(),
                )
                .await?;
            show(json_output, &value, || {
                println!("{}", outcome_line(&value));
                Ok(())
            })
        }
        RemoteScope::Replicate { .. } => unreachable!("run as `tandem replicate --scope`"),
    }
}
