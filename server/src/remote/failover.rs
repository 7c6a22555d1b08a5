//! `tandem failover …`: failover relationships through Tandem's REST API beyond the list and
//! Partner Down: one shown, created, changed (read first, its `ETag` sent back), removed, a
//! scope in or out, maintenance.

use super::{Api, Failure, decode, path_part, show};
use crate::cli::table;
use crate::config::{RelationshipArgs, RemoteFailover};
use reqwest::Method;
use serde_json::{Value, json};
use tandem_core::views::RelationshipRow;
use tandem_core::{FailoverMode, FailoverRelationship};

/// The settings as `NewRelationship` takes them: `current`'s, with those given over them.
fn settings(
    current: Option<&FailoverRelationship>,
    given: &RelationshipArgs,
) -> Result<Value, Failure> {
    let mut out = json!({});
    if let Some(r) = current {
        out["max_client_lead_time_secs"] = json!(r.max_client_lead_time_secs.to_string());
        out["auto_state_transition"] = json!(r.auto_state_transition);
        out["state_switch_interval_secs"] = json!(
            r.state_switch_interval_secs
                .map(|s| s.to_string())
                .unwrap_or_default()
        );
        out["enable_auth"] = json!(r.enable_auth);
        match &r.mode {
            FailoverMode::LoadBalance {
                load_balance_percent,
            } => {
                out["mode"] = json!("LoadBalance");
                out["load_balance_percent"] = json!(load_balance_percent.value().to_string());
            }
            FailoverMode::HotStandby {
                server_role,
                reserve_percent,
            } => {
                out["mode"] = json!("HotStandby");
                out["server_role"] = json!(format!("{server_role:?}"));
                out["reserve_percent"] = json!(reserve_percent.value().to_string());
            }
        }
    }
    let text = |v: Option<String>| v.map(Value::String);
    let pairs = [
        ("mode", text(given.mode.clone())),
        (
            "load_balance_percent",
            text(given.load_balance_percent.map(|p| p.to_string())),
        ),
        ("server_role", text(given.server_role.clone())),
        (
            "reserve_percent",
            text(given.reserve_percent.map(|p| p.to_string())),
        ),
        (
            "max_client_lead_time_secs",
            text(given.mclt.map(|s| s.to_string())),
        ),
        (
            "auto_state_transition",
            given.auto_state_transition.map(Value::Bool),
        ),
        (
            "state_switch_interval_secs",
            text(given.state_switch_interval.map(|s| s.to_string())),
        ),
        ("enable_auth", given.enable_auth.map(Value::Bool)),
    ];
    for (field, value) in pairs {
        if let Some(value) = value {
            out[field] = value;
        }
    }
    if let Some(file) = &given.shared_secret_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
        out["shared_secret"] = json!(text.lines().next().unwrap_or_default());
    }
    Ok(out)
}

pub(super) async fn run(
    api: &Api,
    json_output: bool,
    action: RemoteFailover,
) -> Result<(), Failure> {
    let done = |value: &Value, said: String| {
        show(json_output, value, || {
            println!("{said}");
            Ok(())
        })
    };
    match action {
        RemoteFailover::Show { name } => {
            let path = format!("/relationships/{}", path_part(&name));
            let (value, _) = api.call(Method::GET, &path, None, None).await?;
            let row: RelationshipRow = decode(value.clone())?;
            show(json_output, &value, || {
                let r = &row.relationship;
                let state = |s: &tandem_core::views::ServerStatus| match s {
                    tandem_core::views::ServerStatus::State { state, .. } => state.to_string(),
                    tandem_core::views::ServerStatus::Unreachable { reason } => {
                        format!("unreachable: {reason}")
                    }
                };
                let scopes: Vec<String> = r.scopes.iter().map(ToString::to_string).collect();
                let lines = vec![
                    vec!["Name".to_string(), r.name.clone()],
                    vec!["Mode".into(), r.mode.name().into()],
                    vec!["PrimaryServerName".into(), r.primary_server.to_string()],
                    vec!["PrimaryState".into(), state(&row.primary_status)],
                    vec!["SecondaryServerName".into(), r.secondary_server.to_string()],
                    vec!["SecondaryState".into(), state(&row.secondary_status)],
                    vec![
                        "MaxClientLeadTime".into(),
                        tandem_core::text::duration(r.max_client_lead_time_secs),
                    ],
                    vec![
                        "AutoStateTransition".into(),
                        r.auto_state_transition.to_string(),
                    ],
                    vec!["EnableAuth".into(), r.enable_auth.to_string()],
                    vec!["ScopeId".into(), scopes.join(", ")],
                    vec!["SyncErrors".into(), row.sync_errors.to_string()],
                ];
                table(&["Property", "Value"], &lines);
                Ok(())
            })
        }
        RemoteFailover::Create {
            primary,
            secondary,
            name,
            scopes,
            settings: given,
        } => {
            let mut relationship = settings(None, &given)?;
            relationship["name"] = json!(name);
            relationship["primary_server"] = json!(primary);
            relationship["secondary_server"] = json!(secondary);
            let body = json!({ "relationship": relationship, "scopes": scopes });
            let (value, _) = api
                .call(Method::POST, "/relationships", Some(body), None)
                .await?;
            let said = format!(
                "relationship {} made on {primary} and {secondary}",
                value["name"].as_str().unwrap_or("?")
            );
            done(&value, said)
        }
        RemoteFailover::Set {
            name,
            settings: given,
        } => {
            let path = format!("/relationships/{}", path_part(&name));
            let (value, etag) = api.call(Method::GET, &path, None, None).await?;
            let row: RelationshipRow = decode(value)?;
            let r = &row.relationship;
            let mut body = settings(Some(r), &given)?;
            body["name"] = json!(r.name);
            body["primary_server"] = json!(r.primary_server.to_string());
            body["secondary_server"] = json!(r.secondary_server.to_string());
            let (value, _) = api
                .call(Method::PUT, &path, Some(body), etag.as_deref())
                .await?;
            done(
                &value,
                format!(
                    "relationship {name} changed on {} and {}",
                    r.primary_server, r.secondary_server
                ),
            )
        }
        RemoteFailover::Remove { server, name } => {
            let (_, etag) = api
                .call(
                    Method::GET,
                    &format!("/relationships/{}", path_part(&name)),
                    None,
                    None,
                )
                .await?;
            let path = format!(
                "/servers/{}/relationships/{}",
                path_part(&server),
                path_part(&name)
            );
            let (value, _) = api
                .call(Method::DELETE, &path, None, etag.as_deref())
                .await?;
            let scopes = value["scopes"].as_array().map_or(0, Vec::len);
            done(
                &value,
                format!("relationship {name} removed; {scopes} scope(s) kept on {server} only"),
            )
        }
        RemoteFailover::AddScope {
            server,
            name,
            scope,
        } => {
            let path = format!(
                "/servers/{}/relationships/{}/scopes",
                path_part(&server),
                path_part(&name)
            );
            let (value, _) = api
                .call(
                    Method::POST,
                    &path,
                    Some(json!({ "scope_id": scope })),
                    None,
                )
                .await?;
            done(
                &value,
                format!("scope {scope} of {server} is in {name}, on its partner too"),
            )
        }
        RemoteFailover::RemoveScope { server, scope } => {
            let path = format!(
                "/servers/{}/scopes/{}/failover",
                path_part(&server),
                path_part(&scope)
            );
            let (value, _) = api.call(Method::DELETE, &path, None, None).await?;
            let partner = value["partner"]
                .as_str()
                .unwrap_or("its partner")
                .to_string();
            done(
                &value,
                format!("scope {scope} is out of failover: kept on {server}, deleted on {partner}"),
            )
        }
        RemoteFailover::Maintenance {
            server,
            name,
            on,
            off: _,
        } => {
            let path = format!(
                "/servers/{}/relationships/{}/maintenance",
                path_part(&server),
                path_part(&name)
            );
            let (value, _) = api
                .call(Method::POST, &path, Some(json!({ "on": on })), None)
                .await?;
            let state = value.as_str().unwrap_or("?").to_string();
            done(&value, format!("{name} on {server}: {state}"))
        }
        RemoteFailover::List | RemoteFailover::PartnerDown { .. } => {
            unreachable!("run by the module above")
        }
    }
}
