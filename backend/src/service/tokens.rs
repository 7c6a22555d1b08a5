//! API tokens: a user's named bearer tokens for scripts. A token is shown once, when made;
//! only its SHA-256 is kept. It acts with its user's role and access scope, and stops working
//! when revoked, past its expiry, or when its user is disabled.

use super::auth::{ago, new_token, token_hash as hash};
use super::{Caller, ServiceError, Tandem};
use crate::store::{self, tokens, tokens::TokenRecord, users};
use std::time::Duration;
use tandem_core::access::{Permission, Principal};

/// Every token starts so (a leaked one is easy to search for).
pub const TOKEN_PREFIX: &str = "tdm_";
/// The longest a token may live.
pub const MAX_DAYS: u32 = 3650;

/// A token just made: its value, shown this once.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: String,
    pub record: TokenRecord,
}

impl Tandem {
    /// Makes a token for the calling user, named `name` (1 to 64 characters), living
    /// `days` days (1 to [`MAX_DAYS`]) or until revoked.
    #[tracing::instrument(skip_all, err)]
    pub async fn create_token(
        &self,
        caller: &Caller,
        name: &str,
        days: Option<u32>,
    ) -> Result<NewToken, ServiceError> {
        if caller.is_local() || caller.via.is_some() {
            return Err(ServiceError::Forbidden(
                "a token is made by a signed-in user, on the portal's API Tokens page".into(),
            ));
        }
        let name = name.trim();
        let mut errors = tandem_core::FieldErrors::default();
        if name.is_empty() || name.chars().count() > 64 {
            errors.push("name", "a token's name has 1 to 64 characters");
        } else if let Some(why) = tandem_core::text::control_character("a token's name", name) {
            errors.push("name", why);
        }
        if days.is_some_and(|d| d == 0 || d > MAX_DAYS) {
            errors.push(
                "expires_in_days",
                format!("a token lives 1 to {MAX_DAYS} days (or leave it empty: until revoked)"),
            );
        }
        if !errors.is_empty() {
            return Err(ServiceError::Validation(errors));
        }
        let token = format!("{TOKEN_PREFIX}{}", new_token());
        let expires_at = days.map(|d| {
            (chrono::Utc::now() + chrono::Duration::days(i64::from(d)))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        });
        let mut tx = self.store.begin_write().await?;
        let id = tokens::insert(
            &mut tx,
            caller.principal.user_id,
            name,
            &hash(&token),
            &token[..TOKEN_PREFIX.len() + 8],
            expires_at.as_deref(),
        )
        .await?;
        let record = tokens::find(&mut tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("token {id}")))?;
        let mut event = self.event(
            caller,
            "create_token",
            "token",
            &format!("API token {name}"),
            None,
        );
        event.after_json = serde_json::to_string(&record).ok();
        store::events::record(&mut tx, &event, "ok", None).await?;
        tx.commit().await?;
        Ok(NewToken { token, record })
    }

    /// The caller's own tokens; with `everyone`, every user's (administrators of users only).
    pub async fn list_tokens(
        &self,
        caller: &Caller,
        everyone: bool,
    ) -> Result<Vec<TokenRecord>, ServiceError> {
        if everyone {
            self.authorize(caller, Permission::ManageUsers, None, "view", "")
                .await?;
        }
        let mut conn = self.store.pool().acquire().await?;
        let mine = (!everyone).then_some(caller.principal.user_id);
        Ok(tokens::list(&mut conn, mine).await?)
    }

    /// Revokes a token: the caller's own, or anyone's for an administrator of users.
    #[tracing::instrument(skip_all, err)]
    pub async fn revoke_token(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<TokenRecord, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let found = tokens::find(&mut conn, id).await?;
        drop(conn);
        let what = format!("token {id}");
        // Someone else's token is as unknown as a missing one to whoever may not see it.
        let Some(record) = found.filter(|t| {
            t.user_id == caller.principal.user_id
                || caller
                    .principal
                    .require(Permission::ManageUsers, None)
                    .is_ok()
        }) else {
            return Err(ServiceError::NotFound(what));
        };
        let mut tx = self.store.begin_write().await?;
        tokens::revoke(&mut tx, id).await?;
        let after = tokens::find(&mut tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(what))?;
        let mut event = self.event(
            caller,
            "revoke_token",
            "token",
            &format!("API token {} of {}", record.name, record.username),
            None,
        );
        event.before_json = serde_json::to_string(&record).ok();
        event.after_json = serde_json::to_string(&after).ok();
        store::events::record(&mut tx, &event, "ok", None).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Who a bearer token acts for: its user, with the user's role and access scope now.
    /// A revoked or expired token is refused and its use recorded (once per throttling
    /// window, so a script retrying it cannot fill the catalog).
    pub async fn token_caller(&self, token: &str) -> Result<Caller, ServiceError> {
        let refused =
            || ServiceError::Unauthenticated("the API token is unknown, revoked or expired".into());
        if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
            return Err(refused());
        }
        let mut conn = self.store.pool().acquire().await?;
        let Some(record) = tokens::find_by_hash(&mut conn, &hash(token)).await? else {
            return Err(refused());
        };
        let now = store::now();
        let why = if record.revoked_at.is_some() {
            Some("revoked")
        } else if record
            .expires_at
            .as_deref()
            .is_some_and(|e| e <= now.as_str())
        {
            Some("expired")
        } else {
            None
        };
        let user = users::find(&mut conn, record.user_id).await?;
        drop(conn);
        let object = format!("API token {}", record.name);
        if let Some(why) = why {
            let mut tx = self.store.begin_write().await?;
            let since = ago(self.sessions.throttle_window);
            if !store::events::seen_since(&mut tx, "use_token", &record.username, &object, &since)
                .await?
            {
                let event = store::events::NewEvent {
                    actor: record.username.clone(),
                    action: "use_token".into(),
                    object_type: "token".into(),
                    object,
                    via: Some(format!("API token {}", record.name)),
                    ..Default::default()
                };
                store::events::record(&mut tx, &event, &format!("refused: token {why}"), None)
                    .await?;
            }
            tx.commit().await?;
            return Err(refused());
        }
        let Some(user) = user.filter(|u| !u.disabled) else {
            return Err(refused());
        };
        // Each use is noted, without a write on every request.
        if record
            .last_used_at
            .as_deref()
            .is_none_or(|at| at < ago(Duration::from_secs(30)).as_str())
        {
            let mut tx = self.store.begin_write().await?;
            tokens::touch(&mut tx, record.id).await?;
            tx.commit().await?;
        }
        let principal: Principal = user.principal();
        Ok(Caller {
            principal,
            request_id: None,
            via: Some(format!("API token {}", record.name)),
        })
    }
}
