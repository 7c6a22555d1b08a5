//! Sign-in, sign-out, and who is signed in.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::access::Principal;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Signs in: a new session cookie each time (an old one is ended).
#[server(endpoint = "sign_in", input = server_fn::codec::Json)]
pub async fn sign_in(credentials: Credentials) -> Result<Principal, AppError> {
    use super::ssr::{CookiePolicy, client_address, session_cookie, tandem};
    let tandem = tandem()?;
    let address = client_address();
    let signed_in = tandem
        .sign_in(&credentials.username, &credentials.password, &address)
        .await?;
    // Rotation: whatever session the browser held before is over.
    if let Some(old) = super::ssr::session() {
        let caller = tandem_backend::Caller::new(old.principal);
        let _ = tandem.sign_out(&caller, &old.token).await;
    }
    let secure = use_context::<CookiePolicy>().is_some_and(|p| p.secure);
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(
        http::header::SET_COOKIE,
        http::HeaderValue::from_str(&session_cookie(Some(&signed_in.token), secure)).map_err(
            |_| AppError::Internal {
                request_id: "cookie".into(),
            },
        )?,
    );
    Ok(signed_in.principal)
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::ssr::{CookiePolicy, session, session_cookie, tandem};
    let tandem = tandem()?;
    if let Some(s) = session() {
        let caller = tandem_backend::Caller::new(s.principal.clone());
        tandem.sign_out(&caller, &s.token).await?;
    }
    let secure = use_context::<CookiePolicy>().is_some_and(|p| p.secure);
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(
        http::header::SET_COOKIE,
        http::HeaderValue::from_str(&session_cookie(None, secure)).map_err(|_| {
            AppError::Internal {
                request_id: "cookie".into(),
            }
        })?,
    );
    Ok(())
}

/// Who is signed in (for the header and to hide what the role cannot do).
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<Principal>, AppError> {
    Ok(super::ssr::session().map(|s| s.principal))
}
