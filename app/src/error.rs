//! The one error type every server function returns, shared with the browser: a validation
//! error names its fields, a conflict says what changed, an unreachable server is named.
//! Internal failures reach the page only as a request ID; the full error is in the log.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};
use tandem_core::FieldErrors;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("please correct: {0}")]
    Validation(FieldErrors),
    #[error("{0} not found")]
    NotFound(String),
    /// Someone changed the object first; `current` is what it is now, when known.
    #[error("{message}")]
    Conflict {
        message: String,
        current: Option<Box<CurrentReservation>>,
    },
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{server} is unreachable: {detail}")]
    Unreachable { server: String, detail: String },
    #[error("{what} is not supported by {server}")]
    NotSupported { server: String, what: String },
    #[error("something went wrong on the server (request {request_id}); the log has the details")]
    Internal { request_id: String },
    #[error("the portal could not be reached: {0}")]
    Transport(String),
    /// The request itself was malformed (its arguments could not be read): never sent by the
    /// portal's own pages.
    #[error("the request was not understood: {0}")]
    BadRequest(String),
    /// Asked again too soon: says when to try again.
    #[error("{0}")]
    TooSoon(String),
}

/// A reservation as it is now, as a refused stale edit carries it back to the dialog: the
/// fields the dialog shows, as text, and the version to base the next edit on. (Text only:
/// every page reads this error, and a whole `Reservation` would bring the code that reads and
/// checks its address, MAC and type into every page's bundle.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentReservation {
    pub ip_address: String,
    pub client_id: String,
    /// Kea's name of the identifier's type (`hw-address`: a MAC address).
    #[serde(default)]
    pub identifier_type: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    /// Its own settings, as the dialog shows them (classes comma-separated).
    #[serde(default)]
    pub next_server: String,
    #[serde(default)]
    pub server_hostname: String,
    #[serde(default)]
    pub boot_file_name: String,
    #[serde(default)]
    pub client_classes: String,
    /// Its own option values, as the dialog's rows show them.
    #[serde(default)]
    pub options: Vec<tandem_core::scope_input::OptionInput>,
    pub version: String,
}

impl From<&tandem_core::Reservation> for CurrentReservation {
    fn from(r: &tandem_core::Reservation) -> Self {
        Self {
            ip_address: r.ip_address.to_string(),
            client_id: r.client_id.to_string(),
            identifier_type: r.client_id.kind().as_str().to_string(),
            name: r.name.clone(),
            description: r.description.clone(),
            kind: r.kind.as_str().to_string(),
            next_server: r
                .settings
                .next_server
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
            server_hostname: r.settings.server_hostname.clone(),
            boot_file_name: r.settings.boot_file_name.clone(),
            client_classes: r.settings.client_classes.join(", "),
            options: tandem_core::scope_input::option_inputs(&r.settings.options),
            version: r.version(),
        }
    }
}

impl AppError {
    /// The HTTP status a server function's refusal answers with, as the REST API's would:
    /// a refusal is the client's error (4xx), only Tandem's own failure a 5xx.
    pub fn status(&self) -> u16 {
        match self {
            Self::Validation(_) | Self::BadRequest(_) => 400,
            Self::Unauthenticated(_) => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict { .. } | Self::NotSupported { .. } => 409,
            Self::TooSoon(_) => 429,
            Self::Internal { .. } | Self::Transport(_) => 500,
            Self::Unreachable { .. } => 502,
        }
    }

    /// The message for one field of a form, if this error has one.
    pub fn field(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation(errors) => errors.get(field).map(str::to_string),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(why)
            | ServerFnErrorErr::MissingArg(why)
            | ServerFnErrorErr::Deserialization(why) => Self::BadRequest(why),
            other => Self::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<tandem_backend::ServiceError> for AppError {
    fn from(e: tandem_backend::ServiceError) -> Self {
        use tandem_backend::ServiceError as S;
        use tandem_backend::driver::DriverError as D;
        match e {
            S::Validation(errors) => Self::Validation(errors),
            S::NotFound(what) => Self::NotFound(what),
            S::Conflict { message, current } => Self::Conflict {
                message,
                current: current
                    .as_deref()
                    .map(|c| Box::new(CurrentReservation::from(c))),
            },
            S::Forbidden(message) => Self::Forbidden(message),
            S::Unauthenticated(message) => Self::Unauthenticated(message),
            S::Driver(D::Unreachable { server, detail }) => Self::Unreachable {
                server: server.to_string(),
                detail,
            },
            S::Driver(D::NotSupported { server, what }) => Self::NotSupported {
                server: server.to_string(),
                what,
            },
            S::Driver(other) => Self::Conflict {
                message: other.to_string(),
                current: None,
            },
            S::TooSoon(message) => Self::TooSoon(message),
            S::Internal(what) => {
                let request_id = crate::api::ssr::request_id()
                    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                tracing::error!(%request_id, error = %what, "internal error");
                Self::Internal { request_id }
            }
            S::Database(db) => {
                // The request's own ID, so that what the user reports matches the log.
                let request_id = crate::api::ssr::request_id()
                    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                tracing::error!(%request_id, error = %db, "database error");
                Self::Internal { request_id }
            }
        }
    }
}
