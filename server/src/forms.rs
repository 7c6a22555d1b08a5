//! Forms posted natively (before the page's code has loaded, or with JavaScript off): each is
//! a URL-encoded body, never a URL, handled like its server function, then the browser goes
//! back to the page with a flash ([`app::api::forms`]) saying what happened — the notice, or
//! the form again with what was typed and the errors beside their fields.

use app::api::forms::Flash;
use app::api::forms::ssr::Flashes;
use app::components::notice::Notice;
use app::error::AppError;
use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use tandem_backend::service::CurrentSession;
use tandem_backend::{Caller, ServiceError, Tandem};
use tandem_core::validate::NewReservation;
use tandem_core::{FieldError, ScopeId, ServerName, parse_ipv4};

mod lease;

/// A form's fields by name (a repeated name keeps its last value).
type Fields = HashMap<String, String>;

fn field(fields: &Fields, name: &str) -> String {
    fields.get(name).cloned().unwrap_or_default()
}

/// Parses one field with a model type's `parse`, naming the field when it fails.
fn parsed<T>(
    fields: &Fields,
    name: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, ServiceError> {
    parse(&field(fields, name))
        .map_err(|m| ServiceError::Validation(FieldError::new(name, m).into()))
}

/// The session's user as the caller, with the request's ID (for the Event Catalog).
pub(crate) fn caller(session: CurrentSession, headers: &HeaderMap) -> Caller {
    Caller {
        principal: session.principal,
        request_id: request_id(headers),
        via: None,
    }
}

/// The request's ID, as the request-ID layer set it.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Where the form came from: a path on this site (anything else goes to `fallback`), without
/// the dialog and flash parameters a previous round left on it.
fn back_to(fields: &Fields, fallback: &str) -> String {
    let back = field(fields, "back");
    let path = tandem_core::text::local_path(&back).unwrap_or(fallback);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            !p.is_empty()
                && !matches!(
                    key,
                    "dialog" | "ip" | "user" | "relationship" | "target" | "id" | "flash"
                )
        })
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// Back to `path` with `extra` query parameters added.
fn redirect(path: &str, extra: &[(&str, &str)]) -> Response {
    let mut url = path.to_string();
    for (i, (k, v)) in extra.iter().enumerate() {
        let sep = if i == 0 && !path.contains('?') {
            '?'
        } else {
            '&'
        };
        url.push(sep);
        url.push_str(k);
        url.push('=');
        url.push_str(&tandem_core::text::percent_encode(v, ""));
    }
    Redirect::to(&url).into_response()
}

/// `POST /forms/{form}`: a dialog posted natively. The change is made as its server function
/// makes it; the browser goes back where the form came from.
pub async fn submit(
    State(tandem): State<Tandem>,
    Extension(session): Extension<CurrentSession>,
    Extension(flashes): Extension<Flashes>,
    axum::extract::Path(form): axum::extract::Path<String>,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let fields: Fields = pairs.iter().cloned().collect();
    let user = session.principal.user_id;
    let caller = caller(session, &headers);
    let mode = field(&fields, "mode");
    if form == "scope" && mode == "replicate-selected" {
        // A preview first: the Replicate dialog for the ticked scopes.
        let back = back_to(&fields, "/scopes");
        return match replicate_selected(&pairs) {
            Ok(targets) => redirect(
                &back,
                &[("dialog", "replicate-selected"), ("target", &targets)],
            ),
            Err(e) => finish(&flashes, user, &form, &pairs, &back, Err(e), Vec::new()),
        };
    }
    if form == "lease" && mode == "reserve" {
        // Nothing is written: the dialog opens filled from the lease.
        return match lease::reserve(&fields) {
            Ok((page, flash)) => {
                let id = flashes.put(user, flash);
                redirect(&page, &[("dialog", "new"), ("flash", &id)])
            }
            Err(e) => {
                let back = back_to(&fields, "/leases");
                finish(&flashes, user, &form, &pairs, &back, Err(e), Vec::new())
            }
        };
    }
    let (result, reopen, fallback) = match form.as_str() {
        "reservation" => (
            reservation(&tandem, &caller, &fields, &pairs, &mode).await,
            reservation_dialog(&fields, &mode),
            "/scopes",
        ),
        "user" => (
            user_form(&tandem, &caller, &fields, &mode).await,
            user_dialog(&fields, &mode),
            "/users",
        ),
        "kea" => (
            kea_form(&tandem, &caller, &fields).await,
            vec![("dialog", "add".into())],
            "/servers",
        ),
        "server" => (
            server_form(&tandem, &caller, &fields, &mode).await,
            Vec::new(),
            "/servers",
        ),
        "scope" => (
            scope_form(&tandem, &caller, &fields, &pairs, &mode).await,
            scope_dialog(&fields, &mode),
            "/scopes",
        ),
        "relationship" => (
            relationship_form(&tandem, &caller, &fields, &mode).await,
            relationship_dialog(&fields, &mode),
            "/relationships",
        ),
        "class" => (
            class_form(&tandem, &caller, &fields, &pairs, &mode).await,
            class_dialog(&fields, &mode),
            "/servers",
        ),
        "pool" => (
            pool_form(&tandem, &caller, &fields, &pairs).await,
            Vec::new(),
            "/scopes",
        ),
        "scope-host" => (
            global_form(&tandem, &caller, &fields, &pairs, &mode).await,
            Vec::new(),
            "/scopes",
        ),
        "global" => (
            global_form(&tandem, &caller, &fields, &pairs, &mode).await,
            global_dialog(&fields, &mode),
            "/servers",
        ),
        "server-options" => {
            let server = parsed(&fields, "server", ServerName::parse);
            let result = match server {
                Ok(server) => tandem
                    .put_server_options(&caller, &server, &option_rows(&pairs).unwrap_or_default())
                    .await
                    .map(|o| Notice::from_change("Server options saved", &o)),
                Err(e) => Err(e),
            };
            (
                result,
                vec![("dialog", "server-options".into())],
                "/servers",
            )
        }
        "lease" => (
            lease::lease_form(&tandem, &caller, &fields, &mode).await,
            Vec::new(),
            "/leases",
        ),
        "event" => (
            event_form(&tandem, &caller, &fields, &mode).await,
            vec![("dialog", "undo".into()), ("id", field(&fields, "id"))],
            "/events",
        ),
        "review" => (
            review_form(&tandem, &caller, &fields, &mode).await,
            Vec::new(),
            "/review",
        ),
        "token" => {
            let back = back_to(&fields, "/tokens");
            let result = token_form(&tandem, &caller, &fields, &mode).await;
            return finish(&flashes, user, &form, &pairs, &back, result, Vec::new());
        }
        _ => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    let back = back_to(&fields, fallback);
    let result = result.map(|notice| (notice, None));
    finish(&flashes, user, &form, &pairs, &back, result, reopen)
}

/// The Create and Edit DHCP Reservation dialogs and Delete (`mode` = `create`, `edit` or
/// `delete`).
async fn reservation(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    pairs: &[(String, String)],
    mode: &str,
) -> Result<Notice, ServiceError> {
    let server = parsed(fields, "server", ServerName::parse)?;
    let scope = parsed(fields, "scope_id", ScopeId::parse)?;
    let reservation = NewReservation {
        ip_address: field(fields, "ip_address"),
        client_id: field(fields, "client_id"),
        identifier_type: field(fields, "identifier_type"),
        name: field(fields, "name"),
        description: field(fields, "description"),
        kind: field(fields, "type"),
        // The dialog has these fields; a form without one leaves the setting as it is.
        next_server: fields.get("next_server").cloned(),
        server_hostname: fields.get("server_hostname").cloned(),
        boot_file_name: fields.get("boot_file_name").cloned(),
        client_classes: fields
            .get("client_classes")
            .map(|text| tandem_core::validate::class_list(text)),
        options: option_rows(pairs),
    };
    match mode {
        "create" => tandem
            .create_reservation(caller, &server, scope, &reservation)
            .await
            .map(|o| Notice::from_change("Reservation created", &o)),
        "edit" => {
            let ip = parsed(fields, "original_ip", parse_ipv4)?;
            tandem
                .edit_reservation(
                    caller,
                    &server,
                    scope,
                    ip,
                    &field(fields, "version"),
                    &reservation,
                )
                .await
                .map(|o| Notice::from_change("Reservation saved", &o))
        }
        "delete" => {
            let ip = parsed(fields, "ip_address", parse_ipv4)?;
            tandem
                .delete_reservation(caller, &server, scope, ip, None)
                .await
                .map(|o| Notice::from_change("Reservation deleted", &o))
        }
        _ => Err(unknown_mode()),
    }
}

/// The Create and Edit Client Class dialogs and Delete (Server Properties; `mode` = `create`,
/// `edit` or `delete`).
async fn class_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    pairs: &[(String, String)],
    mode: &str,
) -> Result<Notice, ServiceError> {
    let server = parsed(fields, "server", ServerName::parse)?;
    let name = field(fields, "name");
    match mode {
        "create" | "edit" => {
            let input = tandem_core::ClassInput {
                name: name.clone(),
                test: field(fields, "test"),
                next_server: field(fields, "next_server"),
                server_hostname: field(fields, "server_hostname"),
                boot_file_name: field(fields, "boot_file_name"),
                options: option_rows(pairs).unwrap_or_default(),
            };
            let creating = mode == "create";
            let done = if creating {
                "Client class created"
            } else {
                "Client class saved"
            };
            tandem
                .put_client_class(caller, &server, creating, &input)
                .await
                .map(|o| Notice::from_change(done, &o))
        }
        "delete" => tandem
            .delete_client_class(caller, &server, &name)
            .await
            .map(|o| Notice::from_change("Client class deleted", &o)),
        _ => Err(unknown_mode()),
    }
}

/// The Create and Edit Server-wide Reservation dialogs, Delete and Replicate (Server
/// Properties; `mode` = `create`, `edit`, `delete` or `replicate`); with a `scope_id`, the
/// forms of a scope's reservations without an address (Scope Properties).
async fn global_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    pairs: &[(String, String)],
    mode: &str,
) -> Result<Notice, ServiceError> {
    let server = parsed(fields, "server", ServerName::parse)?;
    let client = |key: &str| {
        let text = field(fields, key);
        let (kind, id) = text.trim().split_once(' ').unwrap_or(("", &text));
        let kind = tandem_core::IdentifierType::parse(kind).map_err(|e| {
            ServiceError::Validation(tandem_core::FieldError::new("identifier_type", e).into())
        })?;
        tandem_core::ClientId::parse(kind, id).map_err(|e| {
            ServiceError::Validation(tandem_core::FieldError::new("client_id", e).into())
        })
    };
    // A scope's reservation without an address (Scope Properties) names its scope.
    let scope = match fields.get("scope_id") {
        Some(_) => Some(parsed(fields, "scope_id", ScopeId::parse)?),
        None => None,
    };
    let input = tandem_core::NewGlobalReservation {
        client_id: field(fields, "client_id"),
        identifier_type: field(fields, "identifier_type"),
        ip_address: field(fields, "ip_address"),
        name: field(fields, "name"),
        description: field(fields, "description"),
        next_server: fields.get("next_server").cloned(),
        server_hostname: fields.get("server_hostname").cloned(),
        boot_file_name: fields.get("boot_file_name").cloned(),
        client_classes: fields
            .get("client_classes")
            .map(|text| tandem_core::validate::class_list(text)),
        options: option_rows(pairs),
        version: fields.get("version").cloned(),
    };
    if let Some(scope) = scope {
        return match mode {
            "create" => tandem
                .put_scope_host(caller, &server, scope, None, &input)
                .await
                .map(|o| Notice::from_change("Reservation without an address created", &o)),
            "edit" => {
                let was = client("original")?;
                tandem
                    .put_scope_host(caller, &server, scope, Some(&was), &input)
                    .await
                    .map(|o| Notice::from_change("Reservation without an address saved", &o))
            }
            "delete" => {
                let id = client("client")?;
                tandem
                    .delete_scope_host(caller, &server, scope, &id)
                    .await
                    .map(|o| Notice::from_change("Reservation without an address deleted", &o))
            }
            _ => Err(unknown_mode()),
        };
    }
    match mode {
        "create" => tandem
            .put_global_reservation(caller, &server, None, &input)
            .await
            .map(|o| Notice::from_change("Server-wide reservation created", &o)),
        "edit" => {
            let was = client("original")?;
            tandem
                .put_global_reservation(caller, &server, Some(&was), &input)
                .await
                .map(|o| Notice::from_change("Server-wide reservation saved", &o))
        }
        "delete" => {
            let id = client("client")?;
            tandem
                .delete_global_reservation(caller, &server, &id)
                .await
                .map(|o| Notice::from_change("Server-wide reservation deleted", &o))
        }
        "replicate" => tandem
            .replicate_global_reservations(caller, &server)
            .await
            .map(|o| Notice::from_change("Server-wide reservations replicated", &o)),
        _ => Err(unknown_mode()),
    }
}

/// A pool's Edit form on Scope Properties: the classes it admits and its option values.
async fn pool_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    pairs: &[(String, String)],
) -> Result<Notice, ServiceError> {
    let server = parsed(fields, "server", ServerName::parse)?;
    let scope = parsed(fields, "scope_id", ScopeId::parse)?;
    let range = parsed(fields, "range", |text| {
        tandem_backend::driver::kea::mapping::pool_range(text).map_err(|e| e.0)
    })?;
    let input = tandem_core::PoolInput {
        client_classes: tandem_core::validate::class_list(&field(fields, "client_classes")),
        options: option_rows(pairs).unwrap_or_default(),
    };
    tandem
        .put_pool(caller, &server, scope, range, &input)
        .await
        .map(|o| Notice::from_change(&format!("Pool {range} saved"), &o))
}

/// Which server-wide reservation dialog a refusal opens again.
fn global_dialog(fields: &Fields, mode: &str) -> Vec<(&'static str, String)> {
    match mode {
        "create" => vec![("dialog", "new-global".into())],
        "edit" => vec![
            ("dialog", "edit-global".into()),
            ("client", field(fields, "original")),
        ],
        "delete" => vec![
            ("dialog", "delete-global".into()),
            ("client", field(fields, "client")),
        ],
        "replicate" => vec![("dialog", "replicate-globals".into())],
        _ => Vec::new(),
    }
}

/// Which client class dialog a refusal opens again.
fn class_dialog(fields: &Fields, mode: &str) -> Vec<(&'static str, String)> {
    match mode {
        "create" => vec![("dialog", "new-class".into())],
        "edit" | "delete" => vec![
            ("dialog", format!("{mode}-class")),
            ("class", field(fields, "name")),
        ],
        _ => Vec::new(),
    }
}

/// Which reservation dialog a refusal opens again.
fn reservation_dialog(fields: &Fields, mode: &str) -> Vec<(&'static str, String)> {
    match mode {
        "edit" => vec![
            ("dialog", "edit".into()),
            ("ip", field(fields, "original_ip")),
        ],
        "delete" => vec![
            ("dialog", "delete".into()),
            ("ip", field(fields, "ip_address")),
        ],
        _ => vec![("dialog", "new".into())],
    }
}

/// The Create and Edit User dialogs and Reset password (`mode` = `create`, `edit` or
/// `password`).
async fn user_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    mode: &str,
) -> Result<Notice, ServiceError> {
    let number = |name: &str| {
        parsed(fields, name, |s| {
            s.parse::<i64>().map_err(|_| "not a number".to_string())
        })
    };
    let input = tandem_backend::service::UserInput {
        username: field(fields, "username"),
        display_name: field(fields, "display_name"),
        role: field(fields, "role"),
        servers: field(fields, "servers"),
        // A checkbox is sent only when ticked.
        disabled: fields.contains_key("disabled"),
    };
    match mode {
        "create" => tandem
            .create_user(caller, &input, &field(fields, "password"))
            .await
            .map(|u| Notice::Done(format!("User {} created.", u.username))),
        "edit" => tandem
            .update_user(caller, number("id")?, number("version")?, &input)
            .await
            .map(|u| Notice::Done(format!("User {} saved.", u.username))),
        "password" => tandem
            .reset_password(
                caller,
                &input.username,
                Some(number("version")?),
                &field(fields, "password"),
            )
            .await
            .map(|()| Notice::Done("Password reset; the user's sessions are ended.".into())),
        _ => Err(unknown_mode()),
    }
}

/// Which user dialog a refusal opens again.
fn user_dialog(fields: &Fields, mode: &str) -> Vec<(&'static str, String)> {
    match mode {
        "edit" | "password" => vec![("dialog", mode.into()), ("user", field(fields, "username"))],
        _ => vec![("dialog", "new".into())],
    }
}

/// Add Kea Server: read first, stored only if it answers.
async fn kea_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
) -> Result<Notice, ServiceError> {
    let name = parsed(fields, "name", |s| ServerName::parse(s.trim()))?;
    let access = tandem_backend::driver::ControlAccess {
        user: Some(field(fields, "user")),
        password: Some(field(fields, "password")),
        ca_file: Some(field(fields, "ca_file")),
    };
    tandem
        .add_kea_server(caller, &name, &field(fields, "url"), &access)
        .await
        .map(|scopes| {
            Notice::Done(format!(
                "Kea server registered: {scopes} scope(s) read from it."
            ))
        })
}

/// Server Properties: take a server offline or bring it online (`mode` = `offline` or
/// `online`). Replicate Server is the Replicate dialog's (`replicate-previewed` on the scope
/// form).
async fn server_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    mode: &str,
) -> Result<Notice, ServiceError> {
    let server = parsed(fields, "server", ServerName::parse)?;
    match mode {
        "online" | "offline" => tandem
            .set_server_online(caller, &server, mode == "online")
            .await
            .map(|()| Notice::Done("Done: the server's DHCP service state has changed.".into())),
        _ => Err(unknown_mode()),
    }
}

/// A scope's actions (`mode` = `replicate` as previewed, `clear-sync-error`, `remove-failover`,
/// `delete`), the Replicate dialog for several scopes, a relationship or a server
/// (`replicate-previewed`), and Check drift now (`check-drift`).
async fn scope_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    pairs: &[(String, String)],
    mode: &str,
) -> Result<Notice, ServiceError> {
    if mode == "replicate-previewed" {
        return replicate_previewed(tandem, caller, fields).await;
    }
    if mode == "create-scope" || mode == "edit-scope" {
        let input = scope_input(fields, pairs);
        let server = parsed(fields, "server", ServerName::parse)?;
        if mode == "create-scope" {
            return tandem
                .create_scope(caller, &server, &input)
                .await
                .map(|s| Notice::Done(format!("Scope {} created on {server}.", s.id)));
        }
        let scope = parsed(fields, "scope_id", ScopeId::parse)?;
        return tandem
            .update_scope(caller, &server, scope, &field(fields, "version"), &input)
            .await
            .map(|o| Notice::from_change("Scope saved", &o));
    }
    if mode == "check-drift" {
        return tandem.check_drift(caller).await.map(|changed| {
            Notice::Done(if changed {
                "Drift checked: the list now shows what changed.".into()
            } else {
                "Drift checked: nothing changed since the last look.".into()
            })
        });
    }
    let scope = parsed(fields, "scope_id", ScopeId::parse)?;
    if mode == "clear-sync-error" {
        return tandem
            .clear_sync_error(caller, &field(fields, "relationship"), scope)
            .await
            .map(|_| Notice::Done("Config sync error cleared.".into()));
    }
    let server = parsed(fields, "server", ServerName::parse)?;
    match mode {
        "replicate" => {
            // The basis of the preview the dialog showed: replicated only as shown.
            let basis = field(fields, "basis");
            let basis = (!basis.is_empty()).then_some(basis.as_str());
            tandem
                .replicate_scope_as_previewed(caller, &server, scope, basis)
                .await
                .map(|r| {
            Notice::Done(format!(
                "Scope {} replicated from {} to {}: {} difference(s) overwritten.",
                r.scope_id,
                r.source,
                r.partner,
                r.changes.len()
            ))
        })
        }
        "remove-failover" => tandem
            .remove_scope_from_failover(caller, &server, scope)
            .await
            .map(|partner| {
                Notice::Done(format!(
                    "Failover removed: the scope was deleted on {partner} and kept here. The relationship stays."
                ))
            }),
        "delete" => tandem
            .delete_scope(caller, &server, scope, None)
            .await
            .map(|()| Notice::Done(format!("Scope {scope} deleted on {server}."))),
        "configure-failover" => {
            let relationship = field(fields, "relationship");
            if relationship.is_empty() {
                // A new relationship, this server as primary, holding this scope.
                let input = tandem_core::failover_rules::NewRelationship {
                    primary_server: server.to_string(),
                    secondary_server: field(fields, "partner"),
                    mode: field(fields, "mode_of"),
                    load_balance_percent: field(fields, "load_balance_percent"),
                    max_client_lead_time_secs: field(fields, "mclt"),
                    ..Default::default()
                };
                tandem
                    .create_relationship(caller, &input, &[scope])
                    .await
                    .map(|r| {
                        Notice::Done(format!(
                            "Relationship {} created; the scope is copied to {}.",
                            r.name, r.secondary_server
                        ))
                    })
            } else {
                tandem
                    .add_scope_to_relationship(caller, &server, scope, &relationship)
                    .await
                    .map(|()| {
                        Notice::Done("Failover configured: the partner has a copy of the scope.".into())
                    })
            }
        }
        _ => Err(unknown_mode()),
    }
}

/// A dialog's option rows: the repeated `option_code`, `option_kind` and `option_value`
/// fields, in order (a row left empty is no option; a row short of a field has it empty, and
/// is refused for it). `None` when the form has no option rows at all.
fn option_rows(pairs: &[(String, String)]) -> Option<Vec<tandem_core::scope_input::OptionInput>> {
    let column = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (codes, kinds, values) = (
        column("option_code"),
        column("option_kind"),
        column("option_value"),
    );
    let rows = codes.len().max(kinds.len()).max(values.len());
    if rows == 0 {
        return None;
    }
    let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
    Some(
        (0..rows)
            .map(|i| tandem_core::scope_input::OptionInput {
                code: at(&codes, i),
                kind: at(&kinds, i),
                value: at(&values, i),
            })
            .filter(|o| !o.code.trim().is_empty() || !o.value.trim().is_empty())
            .collect(),
    )
}

/// The scope dialog's fields (its option rows: [`option_rows`]).
fn scope_input(
    fields: &Fields,
    pairs: &[(String, String)],
) -> tandem_core::scope_input::ScopeInput {
    let options = option_rows(pairs).unwrap_or_default();
    tandem_core::scope_input::ScopeInput {
        scope_id: field(fields, "scope_id"),
        subnet_mask: field(fields, "subnet_mask"),
        name: field(fields, "name"),
        description: field(fields, "description"),
        start: field(fields, "start"),
        end: field(fields, "end"),
        lease_duration_secs: field(fields, "lease_duration_secs"),
        state: field(fields, "state"),
        exclusions: field(fields, "exclusions"),
        shared_network: field(fields, "shared_network"),
        options,
    }
}

/// Replicate selected scopes: the ticked boxes (`scopes` fields, `<server>/<scope ID>`) go to
/// the Replicate dialog, which previews them first.
fn replicate_selected(pairs: &[(String, String)]) -> Result<String, ServiceError> {
    let mut targets = Vec::new();
    for (_, target) in pairs.iter().filter(|(k, _)| k == "scopes") {
        let (server, scope) = target.split_once('/').unwrap_or((target, ""));
        let server = ServerName::parse(server)
            .map_err(|m| ServiceError::Validation(FieldError::new("scopes", m).into()))?;
        let scope = ScopeId::parse(scope)
            .map_err(|m| ServiceError::Validation(FieldError::new("scopes", m).into()))?;
        targets.push(format!("{server}/{scope}"));
    }
    if targets.is_empty() {
        return Err(ServiceError::Validation(
            FieldError::new("scopes", "tick the scopes to replicate first").into(),
        ));
    }
    Ok(targets.join(","))
}

/// What the Replicate dialog's form names (`kind`, `target`): see [`replicate_previewed`].
fn replication_targets(fields: &Fields) -> Result<ParsedTargets, ServiceError> {
    let target = field(fields, "target");
    let bad = |m: String| ServiceError::Validation(FieldError::new("target", m).into());
    match field(fields, "kind").as_str() {
        "scopes" => {
            let mut list = Vec::new();
            for t in target.split(',') {
                let (server, scope) = t.split_once('/').unwrap_or((t, ""));
                list.push((
                    ServerName::parse(server).map_err(bad)?,
                    ScopeId::parse(scope).map_err(bad)?,
                ));
            }
            Ok(ParsedTargets::Scopes(list))
        }
        "relationship" => {
            let (server, name) = target.split_once('/').unwrap_or((&target, ""));
            Ok(ParsedTargets::Relationship(
                ServerName::parse(server).map_err(bad)?,
                name.to_string(),
            ))
        }
        "server" => Ok(ParsedTargets::Server(
            ServerName::parse(&target).map_err(bad)?,
        )),
        other => Err(bad(format!("unknown kind of replication {other:?}"))),
    }
}

enum ParsedTargets {
    Scopes(Vec<(ServerName, ScopeId)>),
    Relationship(ServerName, String),
    Server(ServerName),
}

/// The Replicate dialog posted natively for several scopes, a relationship or a server
/// (`kind` = `scopes`, `relationship` or `server`; `target` = `<server>/<scope>,…`,
/// `<server>/<name>` or the server), replicated as the preview whose `basis` it sends showed.
async fn replicate_previewed(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
) -> Result<Notice, ServiceError> {
    use tandem_backend::ReplicationTargets as T;
    let parsed = replication_targets(fields)?;
    let (targets, what) = match &parsed {
        ParsedTargets::Scopes(list) => (T::Scopes(list), "Selected scopes".to_string()),
        ParsedTargets::Relationship(server, name) => (
            T::Relationship { server, name },
            format!("Relationship {name}"),
        ),
        ParsedTargets::Server(server) => (T::Server(server), format!("Server {server}")),
    };
    let basis = field(fields, "basis");
    let results = tandem
        .replicate_as_previewed(caller, targets, Some(&basis))
        .await?;
    Ok(replication_notice(&what, &results))
}

/// The Event Catalog: Undo (`mode` = `undo`, `id` = the event).
async fn event_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    mode: &str,
) -> Result<Notice, ServiceError> {
    if mode != "undo" {
        return Err(unknown_mode());
    }
    let id = parsed(fields, "id", |t| {
        t.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{t:?} is not an event ID"))
    })?;
    tandem
        .undo_event(caller, id)
        .await
        .map(|o| Notice::from_change("Undone", &o))
}

/// The Configuration Review's buttons: Review now, Dismiss and Restore a finding (`mode` =
/// `review-now`, `dismiss` or `restore`, with the finding's `key`).
async fn review_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    mode: &str,
) -> Result<Notice, ServiceError> {
    let key = field(fields, "key");
    match mode {
        "review-now" => tandem
            .review_now(caller)
            .await
            .map(|r| Notice::from_review(&r)),
        "dismiss" | "restore" => {
            let dismiss = mode == "dismiss";
            tandem
                .dismiss_finding(caller, &key, dismiss)
                .await
                .map(|()| Notice::finding(dismiss))
        }
        _ => Err(unknown_mode()),
    }
}

/// Which scope dialog a refusal opens again.
fn scope_dialog(fields: &Fields, mode: &str) -> Vec<(&'static str, String)> {
    match mode {
        "create-scope" => vec![("dialog", "new-scope".into())],
        "edit-scope" => vec![("dialog", "edit-scope".into())],
        // Refused as previewed (a copy changed since): the dialog again, with the new preview.
        // Refused as previewed: the dialog again, with the new preview.
        "replicate-previewed" => {
            let target = field(fields, "target");
            match field(fields, "kind").as_str() {
                "scopes" => vec![("dialog", "replicate-selected".into()), ("target", target)],
                "relationship" => vec![
                    ("dialog", "replicate".into()),
                    (
                        "relationship",
                        target
                            .split_once('/')
                            .map(|(_, n)| n.to_string())
                            .unwrap_or_default(),
                    ),
                ],
                _ => vec![("dialog", "replicate".into())],
            }
        }
        "configure-failover" | "replicate" => vec![
            (
                "dialog",
                if mode == "replicate" {
                    "replicate"
                } else {
                    "configure"
                }
                .into(),
            ),
            (
                "target",
                format!("{}/{}", field(fields, "server"), field(fields, "scope_id")),
            ),
        ],
        _ => Vec::new(),
    }
}

/// The Create and Edit Failover Relationship dialogs, Delete, Set Partner Down and
/// maintenance (`mode` = `create`, `edit`, `delete`, `partner-down`, `maintenance-start`,
/// `maintenance-end`).
async fn relationship_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    mode: &str,
) -> Result<Notice, ServiceError> {
    let name = field(fields, "name");
    let input = tandem_core::failover_rules::NewRelationship {
        name: name.clone(),
        primary_server: field(fields, "primary_server"),
        secondary_server: field(fields, "secondary_server"),
        mode: field(fields, "mode_of"),
        load_balance_percent: field(fields, "load_balance_percent"),
        server_role: field(fields, "server_role"),
        reserve_percent: field(fields, "reserve_percent"),
        max_client_lead_time_secs: field(fields, "max_client_lead_time_secs"),
        // A checkbox is sent only when ticked.
        auto_state_transition: fields.contains_key("auto_state_transition"),
        state_switch_interval_secs: field(fields, "state_switch_interval_secs"),
        enable_auth: fields.contains_key("enable_auth"),
        shared_secret: field(fields, "shared_secret"),
    };
    match mode {
        "create" => {
            let scopes = field(fields, "scopes")
                .split([',', ' '])
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    ScopeId::parse(s.trim())
                        .map_err(|m| ServiceError::Validation(FieldError::new("scopes", m).into()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            tandem
                .create_relationship(caller, &input, &scopes)
                .await
                .map(|r| {
                    Notice::Done(format!(
                        "Relationship {} created on {} and {}.",
                        r.name, r.primary_server, r.secondary_server
                    ))
                })
        }
        "edit" => tandem
            .update_relationship(caller, &name, &input, None)
            .await
            .map(|r| Notice::Done(format!("Relationship {} saved on both servers.", r.name))),
        _ => {
            let server = parsed(fields, "server", ServerName::parse)?;
            match mode {
                "delete" => tandem
                    .delete_relationship(caller, &server, &name, None)
                    .await
                    .map(|scopes| {
                        Notice::Done(format!(
                            "Relationship deleted from both servers; {} scope(s) taken out of failover.",
                            scopes.len()
                        ))
                    }),
                "partner-down" => tandem
                    .set_partner_down(caller, &server, &name)
                    .await
                    .map(|state| {
                        Notice::Done(format!("Partner Down set: the server is now {state}."))
                    }),
                "maintenance-start" | "maintenance-end" => tandem
                    .set_maintenance(caller, &server, &name, mode == "maintenance-start")
                    .await
                    .map(|state| Notice::Done(format!("Done: the server is now {state}."))),
                _ => Err(unknown_mode()),
            }
        }
    }
}

/// Which relationship dialog a refusal opens again (the actions without a dialog: none).
fn relationship_dialog(fields: &Fields, mode: &str) -> Vec<(&'static str, String)> {
    match mode {
        "create" => vec![("dialog", "new".into())],
        "edit" | "delete" => vec![
            ("dialog", mode.into()),
            ("relationship", field(fields, "name")),
        ],
        _ => Vec::new(),
    }
}

/// What a replication of several scopes did, scope by scope when some failed.
fn replication_notice(what: &str, results: &[tandem_core::views::ScopeResult]) -> Notice {
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| {
            r.result
                .as_ref()
                .err()
                .map(|e| format!("{}: {e}", r.scope_id))
        })
        .collect();
    let done = results.len() - failed.len();
    if failed.is_empty() {
        Notice::Done(format!(
            "{what} replicated: {done} failover scope(s) copied to the partner."
        ))
    } else {
        Notice::Warning(format!(
            "{what}: {done} scope(s) replicated, {} not: {}",
            failed.len(),
            failed.join("; ")
        ))
    }
}

/// The API Tokens page: a new token (`create`; its value goes to the flash, to be shown once)
/// or a token revoked (`revoke`).
async fn token_form(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    mode: &str,
) -> Result<(Notice, Option<String>), ServiceError> {
    match mode {
        "create" => {
            let days = app::api::tokens::parse_days(&field(fields, "expires_in_days"))
                .map_err(|e| ServiceError::Validation(e.into()))?;
            let made = tandem
                .create_token(caller, &field(fields, "name"), days)
                .await?;
            let notice = Notice::Done(format!(
                "Token {} created. Copy it now: it is not shown again.",
                made.record.name
            ));
            Ok((notice, Some(made.token)))
        }
        "revoke" => {
            let id = parsed(fields, "id", |s| {
                s.parse::<i64>().map_err(|_| "not a token".to_string())
            })?;
            let t = tandem.revoke_token(caller, id).await?;
            Ok((Notice::Done(format!("Token {} revoked.", t.name)), None))
        }
        _ => Err(unknown_mode()),
    }
}

fn unknown_mode() -> ServiceError {
    ServiceError::Validation(FieldError::new("mode", "not a form of this dialog").into())
}

/// Leaves the flash and sends the browser back: to the page on success (with a value to show
/// once, if any), to the form again (`reopen` says how) on failure.
fn finish(
    flashes: &Flashes,
    user: i64,
    form: &str,
    pairs: &[(String, String)],
    back: &str,
    result: Result<(Notice, Option<String>), ServiceError>,
    reopen: Vec<(&'static str, String)>,
) -> Response {
    match result {
        Ok((notice, secret)) => {
            let id = flashes.put(
                user,
                Flash {
                    form: form.into(),
                    notice: Some(notice),
                    error: None,
                    values: Vec::new(),
                    secret,
                },
            );
            redirect(back, &[("flash", &id)])
        }
        Err(e) => {
            let error = AppError::from(e);
            // Every field as sent, in order (a list, such as option rows, included), but
            // never a password or secret.
            let values = pairs
                .iter()
                .filter(|(k, _)| {
                    !k.contains("password") && !k.contains("secret") && k.as_str() != "back"
                })
                .cloned()
                .collect();
            let id = flashes.put(
                user,
                Flash {
                    form: form.into(),
                    notice: None,
                    error: Some(error),
                    values,
                    secret: None,
                },
            );
            let mut extra = reopen;
            extra.push(("flash", id));
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            redirect(back, &extra)
        }
    }
}

/// `POST /import-file`: the Import Reservations form (`multipart/form-data`). `mode=preview`
/// with `server` and `file` keeps a preview as a draft of the user's; `mode=apply` with `draft`
/// applies it. Either way the browser goes to `/import?draft=…`, which shows the draft.
pub async fn import_file(
    State(tandem): State<Tandem>,
    Extension(session): Extension<CurrentSession>,
    Extension(drafts): Extension<app::api::imports::ssr::ImportDrafts>,
    headers: HeaderMap,
    mut multipart: axum::extract::Multipart,
) -> Response {
    use app::api::imports::ssr::Draft;
    let user = session.principal.user_id;
    let caller = caller(session, &headers);
    let (mut mode, mut server, mut draft_id) = (String::new(), String::new(), String::new());
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(part)) => {
                let name = part.name().unwrap_or_default().to_string();
                let file_name = part.file_name().map(str::to_string);
                let Ok(bytes) = part.bytes().await else {
                    return bad_upload("the upload was cut short or is larger than 2 MiB");
                };
                match name.as_str() {
                    "mode" => mode = String::from_utf8_lossy(&bytes).into_owned(),
                    "server" => server = String::from_utf8_lossy(&bytes).into_owned(),
                    "draft" => draft_id = String::from_utf8_lossy(&bytes).into_owned(),
                    "file" => file = Some((file_name.unwrap_or_default(), bytes.to_vec())),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                return bad_upload(
                    "the upload is not a form this page sent, or is larger than 2 MiB",
                );
            }
        }
    }
    let server_name = ServerName::parse(server.trim());
    match mode.as_str() {
        "preview" => {
            let (file_name, csv) = file.unwrap_or_default();
            let file_name = if file_name.is_empty() {
                "the file".to_string()
            } else {
                file_name
            };
            let mut draft = Draft::new(user, server.trim().to_string(), file_name, csv);
            let result = match server_name {
                Ok(name) if !draft.csv.is_empty() => {
                    tandem.preview_import(&caller, &name, &draft.csv).await
                }
                Ok(_) => Err(ServiceError::Validation(
                    FieldError::new("file", "choose a CSV file").into(),
                )),
                Err(m) => Err(ServiceError::Validation(
                    FieldError::new("server", m).into(),
                )),
            };
            match result {
                Ok(report) => draft.report = Some(report),
                Err(e) => draft.error = Some(AppError::from(e).to_string()),
            }
            match drafts.put(draft).await {
                Ok(id) => redirect("/import", &[("draft", &id)]),
                Err(e) => {
                    tracing::error!(error = %e, "an import draft could not be kept");
                    (
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        "the file could not be kept: Tandem's database does not answer",
                    )
                        .into_response()
                }
            }
        }
        "apply" => {
            let Ok(Some(mut draft)) = drafts.get(user, draft_id.trim()).await else {
                return redirect("/import", &[("draft", draft_id.trim())]);
            };
            let result = match ServerName::parse(&draft.server) {
                Ok(name) => tandem.apply_import(&caller, &name, &draft.csv).await,
                Err(m) => Err(ServiceError::Validation(
                    FieldError::new("server", m).into(),
                )),
            };
            match result {
                Ok(report) => draft.report = Some(report),
                Err(e) => draft.error = Some(AppError::from(e).to_string()),
            }
            if let Err(e) = drafts.set(draft_id.trim(), &draft).await {
                tracing::error!(error = %e, "an import's outcome was not kept");
            }
            redirect("/import", &[("draft", draft_id.trim())])
        }
        _ => bad_upload("unknown mode: preview or apply"),
    }
}

fn bad_upload(why: &str) -> Response {
    (axum::http::StatusCode::BAD_REQUEST, why.to_string()).into_response()
}
