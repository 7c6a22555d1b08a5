//! Server functions for Users and Roles (administrators only; the services check).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A user as the Users and Roles view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: tandem_core::access::Role,
    pub servers: Vec<String>,
    pub disabled: bool,
    pub version: i64,
    pub updated_at: String,
}

#[cfg(feature = "ssr")]
impl From<tandem_backend::store::users::UserRecord> for UserView {
    fn from(u: tandem_backend::store::users::UserRecord) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            servers: u
                .servers
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect(),
            disabled: u.disabled,
            version: u.version,
            updated_at: u.updated_at,
        }
    }
}

/// The user dialog as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub servers: String,
    pub disabled: bool,
}

#[cfg(feature = "ssr")]
impl From<UserForm> for tandem_backend::service::UserInput {
    fn from(f: UserForm) -> Self {
        Self {
            username: f.username,
            display_name: f.display_name,
            role: f.role,
            servers: f.servers,
            disabled: f.disabled,
        }
    }
}

#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserView>, AppError> {
    let caller = super::ssr::caller()?;
    let users = super::ssr::tandem()?.list_users(&caller).await?;
    Ok(users.into_iter().map(UserView::from).collect())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserInput {
    pub form: UserForm,
    pub password: String,
}

#[server(endpoint = "create_user", input = server_fn::codec::Json)]
pub async fn create_user(input: CreateUserInput) -> Result<UserView, AppError> {
    let caller = super::ssr::caller()?;
    let user = super::ssr::tandem()?
        .create_user(&caller, &input.form.into(), &input.password)
        .await?;
    Ok(user.into())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateUserInput {
    pub id: i64,
    pub version: i64,
    pub form: UserForm,
}

#[server(endpoint = "update_user", input = server_fn::codec::Json)]
pub async fn update_user(input: UpdateUserInput) -> Result<UserView, AppError> {
    let caller = super::ssr::caller()?;
    let user = super::ssr::tandem()?
        .update_user(&caller, input.id, input.version, &input.form.into())
        .await?;
    Ok(user.into())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPasswordInput {
    pub username: String,
    pub version: i64,
    pub password: String,
}

#[server(endpoint = "reset_password", input = server_fn::codec::Json)]
pub async fn reset_password(input: ResetPasswordInput) -> Result<(), AppError> {
    let caller = super::ssr::caller()?;
    super::ssr::tandem()?
        .reset_password(
            &caller,
            &input.username,
            Some(input.version),
            &input.password,
        )
        .await?;
    Ok(())
}

crate::lazy_calls! {
    call_list_users: ListUsers;
    call_create_user: CreateUser;
    call_reset_password: ResetPassword;
    call_update_user: UpdateUser;
}
