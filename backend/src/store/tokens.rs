//! API tokens: named bearer tokens, each known by the SHA-256 of its value.

use sqlx::{AnyConnection, Row};

pub use tandem_core::views::ApiToken as TokenRecord;

const COLUMNS: &str = "t.id, t.user_id, u.username, t.name, t.prefix, t.created_at, \
                       t.expires_at, t.last_used_at, t.revoked_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<TokenRecord, sqlx::Error> {
    let revoked_at: Option<String> = row.try_get("revoked_at")?;
    let expires_at: Option<String> = row.try_get("expires_at")?;
    let state = if revoked_at.is_some() {
        "revoked"
    } else if expires_at
        .as_deref()
        .is_some_and(|e| e <= super::now().as_str())
    {
        "expired"
    } else {
        "active"
    };
    Ok(TokenRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        username: row.try_get("username")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        created_at: row.try_get("created_at")?,
        expires_at,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at,
        state: state.into(),
    })
}

/// Stores a new token; returns its ID.
pub async fn insert(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
    expires_at: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(super::now())
    .bind(expires_at)
    .fetch_one(conn)
    .await?;
    row.try_get("id")
}

/// Every token, or one user's, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    user_id: Option<i64>,
) -> Result<Vec<TokenRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE ($1 IS NULL OR t.user_id = $1) ORDER BY t.id DESC"
    );
    sqlx::query(&sql)
        .bind(user_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<TokenRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1"
    );
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn find_by_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<TokenRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1"
    );
    sqlx::query(&sql)
        .bind(token_hash)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Marks a token revoked (once); whether it was live until now.
pub async fn revoke(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(super::now())
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn touch(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(super::now())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
