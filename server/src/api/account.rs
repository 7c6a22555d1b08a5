//! Who calls, and their API tokens.

use super::{ApiCaller, ApiError, ApiQuery, ApiResult, Body, created};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tandem_backend::Tandem;
use tandem_backend::store::tokens::TokenRecord;
use tandem_core::views::ApiToken;

/// Who the call acts for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub username: String,
    /// `Administrator`, `DhcpAdministrator`, `DhcpScopeAdministrator`,
    /// `DhcpReservationsAdministrator` or `User` (read-only).
    pub role: String,
    /// The access scope: `null` for every server.
    pub servers: Option<Vec<String>>,
    /// The token the call came with (`API token <name>`), `null` for a session.
    pub via: Option<String>,
}

/// Who the call acts for: the token's (or the session's) user, role and access scope.
#[utoipa::path(get, path = "/me", tag = "account",
    responses((status = 200, description = "The caller", body = Me)))]
pub async fn me(ApiCaller(caller): ApiCaller) -> Json<Me> {
    let p = &caller.principal;
    Json(Me {
        username: p.username.clone(),
        role: format!("{:?}", p.role),
        servers: p
            .servers
            .as_ref()
            .map(|s| s.iter().map(ToString::to_string).collect()),
        via: caller.via.clone(),
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TokensQuery {
    /// Everyone's tokens (administrators only), not just the caller's.
    #[serde(default)]
    all: bool,
}

/// The caller's API tokens (never their values), or everyone's with `all=true`.
#[utoipa::path(get, path = "/tokens", tag = "account", params(TokensQuery),
    responses((status = 200, description = "The tokens, newest first", body = Vec<ApiToken>)))]
pub async fn list_tokens(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<TokensQuery>,
) -> ApiResult<Json<Vec<TokenRecord>>> {
    Ok(Json(tandem.list_tokens(&caller, q.all).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// What the token is for (1 to 64 characters, unique among the caller's active tokens).
    name: String,
    /// Days until it stops working (1 to 3650); `null` or absent for never.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// Shown this once: keep it. Send it as `Authorization: Bearer <token>`.
    token: String,
    #[serde(flatten)]
    record: ApiToken,
}

/// Makes an API token for the caller (a session only: a token cannot make tokens).
#[utoipa::path(post, path = "/tokens", tag = "account", request_body = NewTokenBody,
    responses((status = 201, description = "Made; the value is in `token`, shown this once",
        body = CreatedToken, headers(("Location" = String, description = "The token's URL")))))]
pub async fn create_token(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Body(body): Body<NewTokenBody>,
) -> ApiResult<Response> {
    let made = tandem
        .create_token(&caller, &body.name, body.expires_in_days)
        .await?;
    let location = format!("/api/v1/tokens/{}", made.record.id);
    Ok(created(
        &location,
        CreatedToken {
            token: made.token,
            record: made.record,
        },
    ))
}

/// Revokes a token: the caller's own, or anyone's for an administrator.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "account",
    params(("id" = String, Path, description = "The token's id")),
    responses((status = 200, description = "Revoked", body = ApiToken)))]
pub async fn revoke_token(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<TokenRecord>> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::not_found(&format!("token {id} not found")))?;
    Ok(Json(tandem.revoke_token(&caller, id).await?))
}
