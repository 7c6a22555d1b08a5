//! Users and Roles: administrators create users, assign roles and access scopes, disable them
//! and reset passwords. Each change and its Event Catalog record commit together.

use super::auth::{check_password_rules, hash_password};
use super::{Caller, ServiceError, Tandem};
use crate::store::users::{UserChange, UserRecord};
use crate::store::{self, sessions, users};
use tandem_core::access::{Permission, Role};
use tandem_core::{FieldError, FieldErrors, ServerName};

/// The Users and Roles dialog as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// Server names, separated by commas or spaces; empty means every server.
    pub servers: String,
    pub disabled: bool,
}

pub(crate) struct ParsedUser {
    username: String,
    change: UserChange,
}

fn parse_user(input: &UserInput) -> Result<ParsedUser, FieldErrors> {
    let mut errors = FieldErrors::default();
    let username = input.username.trim().to_lowercase();
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        errors.push(
            "username",
            "a user name is 1 to 64 letters, digits, '.', '_', '-' or '@'",
        );
    }
    let role = errors.take("role", Role::parse(&input.role));
    let mut servers = Vec::new();
    for name in input
        .servers
        .split([',', ' ', '\n'])
        .filter(|s| !s.trim().is_empty())
    {
        if let Some(s) = errors.take("servers", ServerName::parse(name)) {
            servers.push(s);
        }
    }
    let display_name = input.display_name.trim().to_string();
    if display_name.chars().count() > 100 {
        errors.push("display_name", "a display name is at most 100 characters");
    } else if let Some(why) = tandem_core::text::control_character("a display name", &display_name)
    {
        errors.push("display_name", why);
    }
    match role {
        Some(role) if errors.is_empty() => Ok(ParsedUser {
            change: UserChange {
                display_name: if display_name.is_empty() {
                    username.clone()
                } else {
                    display_name
                },
                role,
                servers: (!servers.is_empty()).then_some(servers),
                disabled: input.disabled,
            },
            username,
        }),
        _ => Err(errors),
    }
}

impl Tandem {
    pub async fn list_users(&self, caller: &Caller) -> Result<Vec<UserRecord>, ServiceError> {
        self.authorize(caller, Permission::ManageUsers, None, "view", "")
            .await?;
        let mut conn = self.store.pool().acquire().await?;
        Ok(users::list(&mut conn).await?)
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn create_user(
        &self,
        caller: &Caller,
        input: &UserInput,
        password: &str,
    ) -> Result<UserRecord, ServiceError> {
        let what = format!("user {}", input.username.trim());
        self.authorize(caller, Permission::ManageUsers, None, "create_user", &what)
            .await?;
        let parsed = parse_user(input)?;
        check_password_rules(password)?;
        let hash = hash_password(password).await?;
        let mut tx = self.store.begin_write().await?;
        let c = &parsed.change;
        let Some(id) = users::insert(
            &mut tx,
            &parsed.username,
            &c.display_name,
            &hash,
            c.role,
            &c.servers,
        )
        .await?
        else {
            return Err(ServiceError::Validation(
                FieldError::new(
                    "username",
                    format!("the user name {} is taken", parsed.username),
                )
                .into(),
            ));
        };
        let user = users::find(&mut tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(what.clone()))?;
        let mut event = self.event(
            caller,
            "create_user",
            "user",
            &format!("user {}", user.username),
            None,
        );
        event.after_json = serde_json::to_string(&user).ok();
        store::events::record(&mut tx, &event, "ok", None).await?;
        tx.commit().await?;
        self.notify("user", None, None);
        Ok(user)
    }

    /// Changes a user's display name, role, access scope or disabled flag, provided nobody
    /// changed the user since `expected_version`. Disabling ends the user's sessions.
    #[tracing::instrument(skip_all, err)]
    pub async fn update_user(
        &self,
        caller: &Caller,
        id: i64,
        expected_version: i64,
        input: &UserInput,
    ) -> Result<UserRecord, ServiceError> {
        let what = format!("user #{id}");
        self.authorize(caller, Permission::ManageUsers, None, "update_user", &what)
            .await?;
        let parsed = parse_user(input)?;
        let mut tx = self.store.begin_write().await?;
        let before = users::find(&mut tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(what.clone()))?;
        if before.id == caller.principal.user_id
            && (parsed.change.disabled || parsed.change.role != Role::Administrator)
        {
            return Err(ServiceError::Validation(
                FieldError::new(
                    "role",
                    "you cannot disable yourself or take away your own Administrator role",
                )
                .into(),
            ));
        }
        if !users::update(&mut tx, id, expected_version, &parsed.change).await? {
            return Err(ServiceError::conflict(format!(
                "user {} was changed by someone else after you opened it (now: {}, {}{})",
                before.username,
                before.role.label(),
                if before.disabled {
                    "disabled"
                } else {
                    "enabled"
                },
                before
                    .servers
                    .as_ref()
                    .map(|s| format!(
                        ", servers {}",
                        s.iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(" ")
                    ))
                    .unwrap_or_default()
            )));
        }
        if parsed.change.disabled {
            sessions::delete_for_user(&mut tx, id).await?;
        }
        let after = users::find(&mut tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(what.clone()))?;
        let mut event = self.event(
            caller,
            "update_user",
            "user",
            &format!("user {}", after.username),
            None,
        );
        event.before_json = serde_json::to_string(&before).ok();
        event.after_json = serde_json::to_string(&after).ok();
        store::events::record(&mut tx, &event, "ok", None).await?;
        tx.commit().await?;
        self.notify("user", None, None);
        Ok(after)
    }

    /// Sets a new password and ends the user's sessions. The password is never recorded.
    #[tracing::instrument(skip_all, err)]
    pub async fn reset_password(
        &self,
        caller: &Caller,
        username: &str,
        expected_version: Option<i64>,
        password: &str,
    ) -> Result<(), ServiceError> {
        let what = format!("user {username}");
        self.authorize(
            caller,
            Permission::ManageUsers,
            None,
            "reset_password",
            &what,
        )
        .await?;
        check_password_rules(password)?;
        let hash = hash_password(password).await?;
        let mut tx = self.store.begin_write().await?;
        let (user, _) = users::find_for_sign_in(&mut tx, username)
            .await?
            .ok_or_else(|| ServiceError::NotFound(what.clone()))?;
        if !users::set_password(&mut tx, user.id, expected_version, &hash).await? {
            return Err(ServiceError::conflict(format!(
                "user {username} was changed by someone else after you opened it"
            )));
        }
        sessions::delete_for_user(&mut tx, user.id).await?;
        // A new password is a fresh start: earlier guesses no longer lock the account.
        sessions::clear_failures(&mut tx, &user.username).await?;
        store::events::record(
            &mut tx,
            &self.event(caller, "reset_password", "user", &what, None),
            "ok",
            None,
        )
        .await?;
        tx.commit().await?;
        self.notify("user", None, None);
        Ok(())
    }
}
