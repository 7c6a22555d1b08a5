//! Server functions, grouped by resource. Each is thin: who is calling, one call into the
//! services, the error mapped to [`AppError`](crate::error::AppError).

pub mod reservations;
pub mod scopes;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;
    use tandem_backend::{Actor, Tandem};

    /// The services, provided to every server function by the server's router.
    pub fn tandem() -> Result<Tandem, AppError> {
        leptos::prelude::use_context::<Tandem>().ok_or_else(|| {
            tracing::error!("server function called without the Tandem context");
            AppError::Internal {
                request_id: "no-context".into(),
            }
        })
    }

    /// Who is calling. Sign-in is not built yet: every caller is the portal itself.
    pub fn caller() -> Actor {
        Actor::new("portal")
    }
}

#[cfg(feature = "ssr")]
/// Parses a path or form value with a model type's `parse`, naming the field when it fails.
pub(crate) fn parse_field<T>(
    field: &str,
    parsed: Result<T, String>,
) -> Result<T, crate::error::AppError> {
    parsed.map_err(|m| {
        crate::error::AppError::Validation(tandem_core::FieldError::new(field, m).into())
    })
}
