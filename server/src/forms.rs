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
            !p.is_empty() && !matches!(key, "dialog" | "ip" | "flash")
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

/// `POST /forms/reservation`: the Create and Edit DHCP Reservation dialogs and Delete, as the
/// browser posts them natively (`mode` = `create`, `edit` or `delete`).
pub async fn reservation(
    State(tandem): State<Tandem>,
    Extension(session): Extension<CurrentSession>,
    Extension(flashes): Extension<Flashes>,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Fields>,
) -> Response {
    let user = session.principal.user_id;
    let caller = caller(session, &headers);
    let back = back_to(&fields, "/scopes");
    let mode = field(&fields, "mode");
    let result = async {
        let server = parsed(&fields, "server", ServerName::parse)?;
        let scope = parsed(&fields, "scope_id", ScopeId::parse)?;
        let reservation = NewReservation {
            ip_address: field(&fields, "ip_address"),
            client_id: field(&fields, "client_id"),
            name: field(&fields, "name"),
            description: field(&fields, "description"),
            kind: field(&fields, "type"),
        };
        match mode.as_str() {
            "create" => tandem
                .create_reservation(&caller, &server, scope, &reservation)
                .await
                .map(|o| Notice::from_change("Reservation created", &o)),
            "edit" => {
                let ip = parsed(&fields, "original_ip", parse_ipv4)?;
                tandem
                    .edit_reservation(
                        &caller,
                        &server,
                        scope,
                        ip,
                        &field(&fields, "version"),
                        &reservation,
                    )
                    .await
                    .map(|o| Notice::from_change("Reservation saved", &o))
            }
            "delete" => {
                let ip = parsed(&fields, "ip_address", parse_ipv4)?;
                tandem
                    .delete_reservation(&caller, &server, scope, ip)
                    .await
                    .map(|o| Notice::from_change("Reservation deleted", &o))
            }
            _ => Err(ServiceError::Validation(
                FieldError::new("mode", "create, edit or delete").into(),
            )),
        }
    }
    .await;
    finish(
        &flashes,
        user,
        "reservation",
        &fields,
        &back,
        result,
        |mode| {
            let dialog = match mode {
                "edit" => "edit",
                "delete" => "delete",
                _ => "new",
            };
            let ip = match mode {
                "edit" => field(&fields, "original_ip"),
                _ => field(&fields, "ip_address"),
            };
            vec![("dialog", dialog.to_string()), ("ip", ip)]
        },
    )
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
    reopen: impl Fn(&str) -> Vec<(&'static str, String)>,
) -> Response {
    let mode = field(fields, "mode");
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
            let mut extra = reopen(&mode);
            extra.push(("flash", id));
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            redirect(back, &extra)
        }
    }
}
