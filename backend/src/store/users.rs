//! Users, their roles and access scopes, with a version for optimistic concurrency.

use sqlx::{AnyConnection, Row};
use tandem_core::ServerName;
use tandem_core::access::{Principal, Role};

/// A user as stored, less the password hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub servers: Option<Vec<ServerName>>,
    pub disabled: bool,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl UserRecord {
    pub fn principal(&self) -> Principal {
        Principal {
            user_id: self.id,
            username: self.username.clone(),
            role: self.role,
            servers: self.servers.clone(),
        }
    }
}

const COLUMNS: &str =
    "id, username, display_name, role, servers, disabled, version, created_at, updated_at";

fn decode<T>(r: Result<T, String>) -> Result<T, sqlx::Error> {
    r.map_err(|e| sqlx::Error::Decode(e.into()))
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<UserRecord, sqlx::Error> {
    let servers: Option<String> = row.try_get("servers")?;
    let servers = match servers {
        None => None,
        Some(json) => Some(decode(
            serde_json::from_str(&json).map_err(|e| e.to_string()),
        )?),
    };
    Ok(UserRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: decode(Role::parse(&row.try_get::<String, _>("role")?))?,
        servers,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn servers_json(servers: &Option<Vec<ServerName>>) -> Option<String> {
    servers
        .as_ref()
        .map(|s| serde_json::to_string(s).expect("names serialize"))
}

pub async fn count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(conn)
        .await?
        .try_get("n")
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<UserRecord>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<UserRecord>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The user and their password hash, for sign-in.
pub async fn find_for_sign_in(
    conn: &mut AnyConnection,
    username: &str,
) -> Result<Option<(UserRecord, String)>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, password_hash FROM users WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(conn)
    .await?;
    row.as_ref()
        .map(|r| Ok((from_row(r)?, r.try_get("password_hash")?)))
        .transpose()
}

/// Inserts a user; `None` when the user name is taken.
pub async fn insert(
    conn: &mut AnyConnection,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
    servers: &Option<Vec<ServerName>>,
) -> Result<Option<i64>, sqlx::Error> {
    let now = super::now();
    let result = sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, role, servers, disabled, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 0, 1, $6, $6) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(servers_json(servers))
    .bind(now)
    .fetch_one(conn)
    .await;
    match result {
        Ok(row) => Ok(Some(row.try_get("id")?)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

/// What an edit of a user changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChange {
    pub display_name: String,
    pub role: Role,
    pub servers: Option<Vec<ServerName>>,
    pub disabled: bool,
}

/// Applies `change` only if the user is still at `expected_version`; false when it is not
/// (someone else changed it first) or the user is gone.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    expected_version: i64,
    change: &UserChange,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, servers = $3, disabled = $4,
                version = version + 1, updated_at = $5
         WHERE id = $6 AND version = $7",
    )
    .bind(&change.display_name)
    .bind(change.role.as_str())
    .bind(servers_json(&change.servers))
    .bind(i64::from(change.disabled))
    .bind(super::now())
    .bind(id)
    .bind(expected_version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets a new password hash, version-checked like any edit.
pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    expected_version: Option<i64>,
    password_hash: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2
         WHERE id = $3 AND ($4 = 0 OR version = $5)",
    )
    .bind(password_hash)
    .bind(super::now())
    .bind(id)
    .bind(i64::from(expected_version.is_some()))
    .bind(expected_version.unwrap_or(0))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
