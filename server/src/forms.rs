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

fn caller(session: CurrentSession, headers: &HeaderMap) -> Caller {
    Caller {
        principal: session.principal,
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    }
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
            !p.is_empty() && !matches!(key, "dialog" | "ip" | "user" | "flash")
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
    axum::Form(fields): axum::Form<Fields>,
) -> Response {
    let user = session.principal.user_id;
    let caller = caller(session, &headers);
    let mode = field(&fields, "mode");
    let (result, reopen, fallback) = match form.as_str() {
        "reservation" => (
            reservation(&tandem, &caller, &fields, &mode).await,
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
        _ => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    let back = back_to(&fields, fallback);
    finish(&flashes, user, &form, &fields, &back, result, reopen)
}

/// The Create and Edit DHCP Reservation dialogs and Delete (`mode` = `create`, `edit` or
/// `delete`).
async fn reservation(
    tandem: &Tandem,
    caller: &Caller,
    fields: &Fields,
    mode: &str,
) -> Result<Notice, ServiceError> {
    let server = parsed(fields, "server", ServerName::parse)?;
    let scope = parsed(fields, "scope_id", ScopeId::parse)?;
    let reservation = NewReservation {
        ip_address: field(fields, "ip_address"),
        client_id: field(fields, "client_id"),
        name: field(fields, "name"),
        description: field(fields, "description"),
        kind: field(fields, "type"),
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
                .delete_reservation(caller, &server, scope, ip)
                .await
                .map(|o| Notice::from_change("Reservation deleted", &o))
        }
        _ => Err(unknown_mode()),
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
/// `online`), or replicate it (`replicate`: every failover scope, to its partner).
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
        "replicate" => {
            let results = tandem.replicate_server(caller, &server).await?;
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
            Ok(if failed.is_empty() {
                Notice::Done(format!(
                    "Server {server} replicated: {done} failover scope(s) copied to their partners."
                ))
            } else {
                Notice::Warning(format!(
                    "Server {server}: {done} scope(s) replicated, {} not: {}",
                    failed.len(),
                    failed.join("; ")
                ))
            })
        }
        _ => Err(unknown_mode()),
    }
}

fn unknown_mode() -> ServiceError {
    ServiceError::Validation(FieldError::new("mode", "not a form of this dialog").into())
}

/// Leaves the flash and sends the browser back: to the page on success, to the form again
/// (`reopen` says how) on failure.
fn finish(
    flashes: &Flashes,
    user: i64,
    form: &str,
    fields: &Fields,
    back: &str,
    result: Result<Notice, ServiceError>,
    reopen: Vec<(&'static str, String)>,
) -> Response {
    match result {
        Ok(notice) => {
            let id = flashes.put(
                user,
                Flash {
                    form: form.into(),
                    notice: Some(notice),
                    error: None,
                    values: Vec::new(),
                },
            );
            redirect(back, &[("flash", &id)])
        }
        Err(e) => {
            let error = AppError::from(e);
            let values = fields
                .iter()
                .filter(|(k, _)| !k.contains("password") && k.as_str() != "back")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let id = flashes.put(
                user,
                Flash {
                    form: form.into(),
                    notice: None,
                    error: Some(error),
                    values,
                },
            );
            let mut extra = reopen;
            extra.push(("flash", id));
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            redirect(back, &extra)
        }
    }
}
