//! `tandem --url URL --token TOKEN …`: Tandem's REST API from a shell, shaped like the seed's
//! cmdlets (`Get-/Add-/Set-/Remove-DhcpServerv4Reservation`, `Invoke-DhcpServerv4FailoverReplication`,
//! `Get-DhcpServerv4Failover`, `Set-DhcpServerv4Failover -PartnerDown`). Unlike `tandem server`,
//! every change goes through Tandem: replicated, checked against the token's role, recorded.
//!
//! Exit codes a script can rely on: 0 done, 1 refused (the reasons, field by field, on
//! stderr), 2 usage, 3 Tandem unreachable.

use crate::cli::{reservation_table, table};
use crate::config::{Output, RemoteCommand, RemoteFailover, RemoteReservation};

mod events;
mod failover;
mod leases;
pub mod profile;
mod scopes;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tandem_core::Reservation;
use tandem_core::views::{RelationshipRow, ReplicationPreview, ReservationsView, ScopePreview};

/// How a remote command ended.
#[derive(Debug)]
pub enum Failure {
    /// Tandem answered no (4xx, or 5xx from a DHCP server): exit 1.
    Refused(String),
    /// Bad arguments: exit 2.
    Usage(String),
    /// Tandem could not be reached: exit 3.
    Unreachable(String),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Refused(_) => 1,
            Self::Usage(_) => 2,
            Self::Unreachable(_) => 3,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Self::Refused(m) | Self::Usage(m) | Self::Unreachable(m) => m,
        }
    }
}

pub(crate) struct Api {
    base: String,
    token: String,
    client: reqwest::Client,
}

/// A refusal's words (its problem details): the detail, then each field's.
fn refusal(status: StatusCode, body: &Value) -> Failure {
    let mut lines = vec![format!(
        "refused ({}): {}",
        status.as_u16(),
        body["detail"].as_str().unwrap_or("no reason given")
    )];
    if let Some(fields) = body["errors"].as_array() {
        for f in fields {
            lines.push(format!(
                "  {}: {}",
                f["field"].as_str().unwrap_or("?"),
                f["message"].as_str().unwrap_or("?")
            ));
        }
    }
    Failure::Refused(lines.join("\n"))
}

impl Api {
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Result<(Value, Option<String>), Failure> {
        let mut request = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(tag) = if_match {
            request = request.header(reqwest::header::IF_MATCH, tag);
        }
        let response = request.send().await.map_err(|e| {
            Failure::Unreachable(format!("Tandem at {} is unreachable: {e}", self.base))
        })?;
        let status = response.status();
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok((body, etag))
        } else {
            Err(refusal(status, &body))
        }
    }
}

impl Api {
    /// Every row of a paged list (`{rows, total, page}`), read page by page.
    pub(crate) async fn every_row(&self, path: &str) -> Result<Value, Failure> {
        let mut first = self.every_page(path, "rows").await?;
        Ok(first["rows"].take())
    }

    /// A paged list's first page with the rows (under `key`) of every page in it.
    async fn every_page(&self, path: &str, key: &str) -> Result<Value, Failure> {
        let mut rows = Vec::new();
        let mut first = Value::Null;
        let sep = if path.contains('?') { '&' } else { '?' };
        for number in 1.. {
            let url = format!("{path}{sep}per_page=500&page={number}");
            let (page, _) = self.call(Method::GET, &url, None, None).await?;
            let got = page[key].as_array().cloned().unwrap_or_default();
            let total = page["total"].as_u64().unwrap_or(0);
            let done = got.is_empty();
            rows.extend(got);
            if first.is_null() {
                first = page;
            }
            if done || rows.len() as u64 >= total {
                break;
            }
        }
        first[key] = Value::Array(rows);
        Ok(first)
    }

    /// Posts a CSV file; answers as [`Api::call`] does.
    async fn post_csv(&self, path: &str, csv: Vec<u8>) -> Result<Value, Failure> {
        let response = self
            .client
            .post(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv)
            .send()
            .await
            .map_err(|e| {
                Failure::Unreachable(format!("Tandem at {} is unreachable: {e}", self.base))
            })?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(body)
        } else {
            Err(refusal(status, &body))
        }
    }
}

impl Api {
    /// A text answer (a CSV export) as it is.
    pub(crate) async fn get_text(&self, path: &str) -> Result<String, Failure> {
        let response = self
            .client
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| {
                Failure::Unreachable(format!("Tandem at {} is unreachable: {e}", self.base))
            })?;
        let status = response.status();
        if status.is_success() {
            return response
                .text()
                .await
                .map_err(|e| Failure::Unreachable(format!("the answer was cut: {e}")));
        }
        let body: Value = response.json().await.unwrap_or(Value::Null);
        Err(refusal(status, &body))
    }
}

/// A query string of the pairs given (`?a=1&b=2`), or nothing.
pub(crate) fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let given: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", path_part(v))))
        .collect();
    if given.is_empty() {
        String::new()
    } else {
        format!("?{}", given.join("&"))
    }
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Failure> {
    serde_json::from_value(value)
        .map_err(|e| Failure::Refused(format!("Tandem answered something unexpected: {e}")))
}

pub(crate) fn path_part(text: &str) -> String {
    tandem_core::text::percent_encode(text, "")
}

pub(crate) fn reservations_path(server: &str, scope: &str) -> String {
    format!(
        "/servers/{}/scopes/{}/reservations",
        path_part(server),
        path_part(scope)
    )
}

/// Prints `value` as JSON (for scripts), or `table` draws it.
pub(crate) fn show(
    json_output: bool,
    value: &Value,
    draw: impl FnOnce() -> Result<(), Failure>,
) -> Result<(), Failure> {
    if json_output {
        println!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_default()
        );
        Ok(())
    } else {
        draw()
    }
}

/// What a change did, in a line.
pub(crate) fn outcome_line(value: &Value) -> String {
    let server = value["server"].as_str().unwrap_or("?");
    match value["replication"]["outcome"].as_str() {
        Some("Replicated") => format!(
            "done on {server}, replicated to {}",
            value["replication"]["partner"]
                .as_str()
                .unwrap_or("its partner")
        ),
        Some("NotInFailover") | None => format!("done on {server} (not in failover)"),
        Some(other) => format!(
            "done on {server}; replication: {other} {}",
            value["replication"]
        ),
    }
}

/// How the remote commands reach Tandem, as given (flags or environment) and the profile.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    pub url: Option<String>,
    pub token: Option<String>,
    pub profile: Option<String>,
}

pub async fn run(how: Reach, output: Output, command: RemoteCommand) -> Result<(), Failure> {
    let (base, token) = profile::resolve(how.url, how.token, how.profile.as_deref())?;
    let json_output = output == Output::Json;
    if output == Output::Csv {
        crate::cli::tables_as_csv();
    }
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let api = Api {
        base,
        token,
        client,
    };
    match command {
        RemoteCommand::Reservation(action) => reservation(&api, json_output, action).await,
        RemoteCommand::GlobalReservation(action) => global(&api, json_output, action).await,
        RemoteCommand::Scope(action) => scopes::run(&api, json_output, action).await,
        RemoteCommand::Event(action) => events::run(&api, json_output, action).await,
        RemoteCommand::Lease(action) => leases::run(&api, json_output, action).await,

        RemoteCommand::Replicate {
            server,
            scope,
            relationship,
            dry_run,
            basis,
        } => {
            let server_part = path_part(&server);
            let one_scope = scope.is_some();
            let path = match (scope, relationship) {
                (Some(_), Some(_)) => {
                    return Err(Failure::Usage(
                        "replicate a scope or a relationship, not both".into(),
                    ));
                }
                (Some(scope), None) => {
                    format!(
                        "/servers/{server_part}/scopes/{}/replicate",
                        path_part(&scope)
                    )
                }
                (None, Some(name)) => format!(
                    "/servers/{server_part}/relationships/{}/replicate",
                    path_part(&name)
                ),
                (None, None) => format!("/servers/{server_part}/replicate"),
            };
            if dry_run {
                let (value, _) = api.call(Method::GET, &path, None, None).await?;
                if one_scope {
                    let preview: ScopePreview = decode(value.clone())?;
                    return show(json_output, &value, || {
                        print_preview(&preview);
                        println!("basis {}", preview.basis);
                        Ok(())
                    });
                }
                let preview: ReplicationPreview = decode(value.clone())?;
                return show(json_output, &value, || {
                    if preview.scopes.is_empty() {
                        println!("no failover scopes: nothing would change");
                    }
                    for row in &preview.scopes {
                        match (&row.preview, &row.error) {
                            (Some(p), _) => print_preview(p),
                            (None, e) => println!(
                                "scope {} on {}: cannot be replicated now: {}",
                                row.scope_id,
                                row.source,
                                e.as_deref().unwrap_or("")
                            ),
                        }
                    }
                    println!("basis {}", preview.basis);
                    Ok(())
                });
            }
            let path = match basis {
                Some(basis) => format!("{path}?basis={}", path_part(&basis)),
                None => path,
            };
            // The per-scope results, as JSON either way (they have no seed columns).
            let (value, _) = api.call(Method::POST, &path, None, None).await?;
            show(true, &value, || Ok(()))
        }
        RemoteCommand::Undo { event } => {
            let path = format!("/events/{event}/undo");
            let (value, _) = api.call(Method::POST, &path, None, None).await?;
            show(json_output, &value, || {
                println!("undone: {}", outcome_line(&value));
                Ok(())
            })
        }
        RemoteCommand::Failover(RemoteFailover::List) => {
            let value = api.every_row("/relationships").await?;
            let rows: Vec<RelationshipRow> = decode(value.clone())?;
            show(json_output, &value, || {
                let lines: Vec<Vec<String>> = rows
                    .iter()
                    .map(|row| {
                        let r = &row.relationship;
                        vec![
                            r.name.clone(),
                            r.mode.name().to_string(),
                            r.primary_server.to_string(),
                            r.secondary_server.to_string(),
                            row.health(),
                            row.sync_errors.to_string(),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "Name",
                        "Mode",
                        "PrimaryServerName",
                        "SecondaryServerName",
                        "State",
                        "SyncErrors",
                    ],
                    &lines,
                );
                Ok(())
            })
        }
        RemoteCommand::Failover(RemoteFailover::PartnerDown { server, name }) => {
            let path = format!(
                "/servers/{}/relationships/{}/partner-down",
                path_part(&server),
                path_part(&name)
            );
            let (value, _) = api.call(Method::POST, &path, None, None).await?;
            show(json_output, &value, || {
                println!(
                    "{name} on {server}: {}",
                    value.as_str().unwrap_or(&value.to_string())
                );
                Ok(())
            })
        }
        RemoteCommand::Failover(action) => failover::run(&api, json_output, action).await,
    }
}

/// `body` with the settings given (those not given left out: an edit keeps them).
fn with_settings(
    mut body: serde_json::Value,
    settings: &crate::config::HostSettingsArgs,
) -> serde_json::Value {
    if let Some(map) = body.as_object_mut() {
        map.extend(settings.json());
    }
    body
}

/// The server-wide reservations of `server` (their path), or with `scope` that scope's
/// reservations without an address; or of one client.
fn globals_path(
    server: &str,
    scope: Option<&str>,
    client: Option<&crate::config::ClientArgs>,
) -> String {
    let base = match scope {
        None => format!("/servers/{}/global-reservations", path_part(server)),
        Some(scope) => format!(
            "/servers/{}/scopes/{}/reservations-without-address",
            path_part(server),
            path_part(scope)
        ),
    };
    match client {
        Some(c) => format!(
            "{base}/{}/{}",
            path_part(&c.identifier_type),
            path_part(&c.client_id)
        ),
        None => base,
    }
}

async fn global(
    api: &Api,
    json_output: bool,
    action: crate::config::RemoteGlobalReservation,
) -> Result<(), Failure> {
    use crate::config::RemoteGlobalReservation as G;
    let (method, path, body) = match action {
        G::List { server, scope } => {
            let path = globals_path(&server, scope.as_deref(), None);
            let (value, _) = api.call(Method::GET, &path, None, None).await?;
            let list: tandem_core::GlobalReservations = match scope {
                None => decode(value.clone())?,
                Some(_) => tandem_core::GlobalReservations {
                    hosts: decode(value.clone())?,
                    ..Default::default()
                },
            };
            return show(json_output, &value, || {
                let lines: Vec<Vec<String>> = list
                    .hosts
                    .iter()
                    .map(|r| {
                        vec![
                            r.client_id.kind().to_string(),
                            r.client_id.to_string(),
                            r.ip_address.map(|ip| ip.to_string()).unwrap_or_default(),
                            r.name.clone(),
                            r.settings.words(),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "IdentifierType",
                        "ClientId",
                        "IPAddress",
                        "Name",
                        "Settings",
                    ],
                    &lines,
                );
                for kept in &list.kept {
                    println!("kept as the server holds it: {kept}");
                }
                Ok(())
            });
        }
        G::Add {
            server,
            scope,
            client,
            ip,
            name,
            description,
            settings,
        } => {
            let body = with_settings(
                json!({
                    "client_id": client.client_id, "identifier_type": client.identifier_type,
                    "ip_address": ip, "name": name, "description": description,
                }),
                &settings,
            );
            (
                Method::POST,
                globals_path(&server, scope.as_deref(), None),
                Some(body),
            )
        }
        G::Set {
            server,
            scope,
            client,
            ip,
            name,
            description,
            settings,
        } => {
            let path = globals_path(&server, scope.as_deref(), None);
            let (value, _) = api.call(Method::GET, &path, None, None).await?;
            let list: tandem_core::GlobalReservations = match scope {
                None => decode(value)?,
                Some(_) => tandem_core::GlobalReservations {
                    hosts: decode(value)?,
                    ..Default::default()
                },
            };
            let id = tandem_core::IdentifierType::parse(&client.identifier_type)
                .and_then(|kind| tandem_core::ClientId::parse(kind, &client.client_id))
                .map_err(Failure::Usage)?;
            let current = list.find(&id).ok_or_else(|| {
                Failure::Usage(match &scope {
                    None => format!(
                        "{server} has no server-wide reservation for {}",
                        id.described()
                    ),
                    Some(scope) => format!(
                        "scope {scope} on {server} has no reservation without an address for {}",
                        id.described()
                    ),
                })
            })?;
            // Settings not given are left out: the reservation keeps its own.
            let body = with_settings(
                json!({
                    "client_id": client.client_id, "identifier_type": client.identifier_type,
                    "ip_address": ip.unwrap_or_else(|| current.ip_address.map(|a| a.to_string()).unwrap_or_default()),
                    "name": name.unwrap_or_else(|| current.name.clone()),
                    "description": description.unwrap_or_else(|| current.description.clone()),
                    "version": current.version(),
                }),
                &settings,
            );
            (
                Method::PUT,
                globals_path(&server, scope.as_deref(), Some(&client)),
                Some(body),
            )
        }
        G::Remove {
            server,
            scope,
            client,
        } => (
            Method::DELETE,
            globals_path(&server, scope.as_deref(), Some(&client)),
            None,
        ),
    };
    let (value, _) = api.call(method, &path, body, None).await?;
    show(json_output, &value, || {
        println!("{}", outcome_line(&value));
        Ok(())
    })
}

async fn reservation(
    api: &Api,
    json_output: bool,
    action: RemoteReservation,
) -> Result<(), Failure> {
    match action {
        RemoteReservation::List { server, scope } => {
            let value = api
                .every_page(&reservations_path(&server, &scope), "reservations")
                .await?;
            let view: ReservationsView = decode(value.clone())?;
            show(json_output, &value, || {
                reservation_table(&scope, &view.reservations);
                Ok(())
            })
        }
        RemoteReservation::Add {
            server,
            scope,
            ip,
            client_id,
            identifier_type,
            name,
            description,
            kind,
            settings,
        } => {
            let body = with_settings(
                json!({
                    "ip_address": ip, "client_id": client_id, "identifier_type": identifier_type,
                    "name": name, "description": description, "type": kind,
                }),
                &settings,
            );
            let (value, _) = api
                .call(
                    Method::POST,
                    &reservations_path(&server, &scope),
                    Some(body),
                    None,
                )
                .await?;
            show(json_output, &value, || {
                println!("{}", outcome_line(&value));
                Ok(())
            })
        }
        RemoteReservation::Set {
            server,
            scope,
            ip,
            client_id,
            identifier_type,
            name,
            description,
            kind,
            settings,
        } => {
            let path = format!("{}/{}", reservations_path(&server, &scope), path_part(&ip));
            let (current, etag) = api.call(Method::GET, &path, None, None).await?;
            let current: Reservation = decode(current)?;
            // Settings not given are left out: the reservation keeps its own.
            let body = with_settings(
                json!({
                    "ip_address": ip,
                    "client_id": client_id.unwrap_or_else(|| current.client_id.to_string()),
                    "identifier_type": identifier_type
                        .unwrap_or_else(|| current.client_id.kind().to_string()),
                    "name": name.unwrap_or(current.name),
                    "description": description.unwrap_or(current.description),
                    "type": kind.unwrap_or_else(|| current.kind.to_string()),
                }),
                &settings,
            );
            let (value, _) = api
                .call(Method::PUT, &path, Some(body), etag.as_deref())
                .await?;
            show(json_output, &value, || {
                println!("{}", outcome_line(&value));
                Ok(())
            })
        }
        RemoteReservation::Import {
            server,
            file,
            apply,
        } => {
            let csv = if file.as_os_str() == "-" {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                    .map_err(|e| Failure::Usage(format!("cannot read standard input: {e}")))?;
                bytes
            } else {
                std::fs::read(&file)
                    .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?
            };
            let path = format!(
                "/servers/{}/reservations/{}",
                path_part(&server),
                if apply { "import" } else { "import-preview" }
            );
            let value = api.post_csv(&path, csv).await?;
            let report: tandem_core::import::ImportReport = decode(value.clone())?;
            show(json_output, &value, || {
                let lines: Vec<Vec<String>> = report
                    .rows
                    .iter()
                    .map(|r| {
                        let action = match r.applied {
                            Some(true) => "done".to_string(),
                            Some(false) => "failed".to_string(),
                            None => r.action.label().to_string(),
                        };
                        vec![
                            r.line.to_string(),
                            action,
                            r.scope_id.clone(),
                            r.ip_address.clone(),
                            r.client_id.clone(),
                            r.name.clone(),
                            r.reason.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "Line",
                        "Action",
                        "ScopeId",
                        "IPAddress",
                        "ClientId",
                        "Name",
                        "Reason",
                    ],
                    &lines,
                );
                Ok(())
            })?;
            let c = report.counts;
            let summary = format!(
                "{}: {} to add, {} to change, {} unchanged, {} refused{}",
                if report.applied {
                    "applied"
                } else {
                    "preview (nothing written; --apply to make the changes)"
                },
                c.add,
                c.change,
                c.unchanged,
                c.refused,
                if report.applied {
                    format!(", {} failed", c.failed)
                } else {
                    String::new()
                }
            );
            eprintln!("{summary}");
            for said in &report.replication {
                eprintln!("{said}");
            }
            // Exit 1 when any row was refused or failed, with each reason on stderr.
            let bad: Vec<String> = report
                .rows
                .iter()
                .filter(|r| {
                    r.action == tandem_core::import::ImportAction::Refused
                        || r.applied == Some(false)
                })
                .map(|r| {
                    format!(
                        "  line {}: {}",
                        r.line,
                        r.reason.clone().unwrap_or_default()
                    )
                })
                .collect();
            if bad.is_empty() {
                Ok(())
            } else {
                Err(Failure::Refused(format!(
                    "{} rows refused or failed:\n{}",
                    bad.len(),
                    bad.join("\n")
                )))
            }
        }
        RemoteReservation::Remove { server, scope, ip } => {
            let path = format!("{}/{}", reservations_path(&server, &scope), path_part(&ip));
            let (value, _) = api.call(Method::DELETE, &path, None, None).await?;
            show(json_output, &value, || {
                println!("{}", outcome_line(&value));
                Ok(())
            })
        }
    }
}

/// One scope's dry run, in words: what would change on the partner.
pub(crate) fn print_preview(preview: &ScopePreview) {
    let (source, partner) = (&preview.source, &preview.partner);
    if preview.changes.is_empty() {
        println!(
            "scope {}: {partner} already holds the same copy as {source}; nothing would change",
            preview.scope_id
        );
    } else {
        println!(
            "scope {}: replicating from {source} would change {partner}'s copy:",
            preview.scope_id
        );
        for change in &preview.changes {
            println!("  {}", change.as_change());
        }
    }
}
