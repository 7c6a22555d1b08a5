//! Server functions for API tokens: a user's own (made, listed, revoked), and everyone's for
//! an administrator of users. A new token's value is answered once and never again.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::views::ApiToken;

/// The New Token form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenForm {
    pub name: String,
    /// Days until it expires; empty: until revoked.
    pub expires_in_days: String,
}

/// A token just made: its value, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeToken {
    pub token: String,
    pub record: ApiToken,
}

/// The typed expiry: `None` for none, or a whole number of days.
pub fn parse_days(text: &str) -> Result<Option<u32>, tandem_core::FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u32>().map(Some).map_err(|_| {
        tandem_core::FieldError::new(
            "expires_in_days",
            format!("'{text}' is not a number of days (or leave it empty: until revoked)"),
        )
    })
}

#[server(endpoint = "list_tokens")]
pub async fn list_tokens(everyone: bool) -> Result<Vec<ApiToken>, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.list_tokens(&caller, everyone).await?)
}

#[server(endpoint = "create_token", input = server_fn::codec::Json)]
pub async fn create_token(form: TokenForm) -> Result<MadeToken, AppError> {
    let caller = super::ssr::caller()?;
    let days = parse_days(&form.expires_in_days)
        .map_err(|e| AppError::from(tandem_backend::ServiceError::Validation(e.into())))?;
    let made = super::ssr::tandem()?
        .create_token(&caller, &form.name, days)
        .await?;
    Ok(MadeToken {
        token: made.token,
        record: made.record,
    })
}

#[server(endpoint = "revoke_token", input = server_fn::codec::Json)]
pub async fn revoke_token(id: i64) -> Result<ApiToken, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.revoke_token(&caller, id).await?)
}

/// The REST API's OpenAPI description, for the API Reference page (signed-in users).
#[server(endpoint = "api_description")]
pub async fn api_description() -> Result<String, AppError> {
    super::ssr::caller()?;
    let description = use_context::<super::ssr::ApiDescription>().ok_or_else(|| {
        AppError::from(tandem_backend::ServiceError::Internal(
            "the API description is not loaded".into(),
        ))
    })?;
    Ok(description.0.to_string())
}

crate::lazy_calls! {
    call_list_tokens: ListTokens;
    call_create_token: CreateToken;
    call_revoke_token: RevokeToken;
}
