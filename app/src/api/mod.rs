//! Server functions, grouped by resource. Each is thin: who is calling, one call into the
//! services, the error mapped to [`AppError`](crate::error::AppError).

pub mod calls;
pub mod events;
pub mod forms;
pub mod global_reservations;
pub mod imports;
pub mod relationships;
pub mod reservations;
pub mod scopes;
pub mod servers;
pub mod session;
pub mod tokens;
pub mod users;

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::error::AppError;
    use tandem_backend::service::CurrentSession;
    use tandem_backend::{Caller, Tandem};

    /// Whether cookies get the `Secure` flag (Tandem is behind TLS).
    #[derive(Debug, Clone, Copy)]
    pub struct CookiePolicy {
        pub secure: bool,
    }

    pub const SESSION_COOKIE: &str = "tandem_session";

    /// The REST API's OpenAPI description (JSON), as `/api/v1/openapi.json` serves it: what
    /// the API Reference page shows.
    #[derive(Debug, Clone)]
    pub struct ApiDescription(pub std::sync::Arc<str>);

    /// The Set-Cookie value for a new session, or (with `None`) one that ends it.
    pub fn session_cookie(token: Option<&str>, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        match token {
            Some(token) => {
                format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
            }
            None => {
                format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
            }
        }
    }

    /// The session token in a request's cookies, if any.
    pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value.to_string())
            .filter(|v| !v.is_empty())
    }

    /// The services, provided to every server function by the server's router.
    pub fn tandem() -> Result<Tandem, AppError> {
        leptos::prelude::use_context::<Tandem>().ok_or_else(|| {
            tracing::error!("server function called without the Tandem context");
            AppError::Internal {
                request_id: "no-context".into(),
            }
        })
    }

    pub fn request_parts() -> Option<http::request::Parts> {
        leptos::prelude::use_context::<http::request::Parts>()
    }

    /// The client's address, as the server's guard worked it out (the peer, or what a
    /// trusted reverse proxy forwarded).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ClientAddress(pub String);

    /// This request's client address; "unknown" outside a request.
    pub fn client_address() -> String {
        request_parts()
            .and_then(|p| p.extensions.get::<ClientAddress>().cloned())
            .map_or_else(|| "unknown".into(), |a| a.0)
    }

    /// The signed-in session of this request, if any.
    pub fn session() -> Option<CurrentSession> {
        request_parts().and_then(|p| p.extensions.get::<CurrentSession>().cloned())
    }

    /// Who is calling, with the request's ID; refused when nobody is signed in.
    pub fn caller() -> Result<Caller, AppError> {
        let parts = request_parts();
        let session = parts
            .as_ref()
            .and_then(|p| p.extensions.get::<CurrentSession>().cloned())
            .ok_or_else(|| AppError::Unauthenticated("sign in first".into()))?;
        let mut caller = Caller::new(session.principal);
        caller.request_id = request_id();
        Ok(caller)
    }

    /// This request's ID, as the log's request line has it (`x-request-id`).
    pub fn request_id() -> Option<String> {
        request_parts()
            .as_ref()
            .and_then(|p| p.headers.get("x-request-id"))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// Parses a path or form value with a model type's `parse`, naming the field when it fails.
#[cfg(feature = "ssr")]
pub(crate) fn parse_field<T>(
    field: &str,
    parsed: Result<T, String>,
) -> Result<T, crate::error::AppError> {
    parsed.map_err(|m| {
        crate::error::AppError::Validation(tandem_core::FieldError::new(field, m).into())
    })
}
