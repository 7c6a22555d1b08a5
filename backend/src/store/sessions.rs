//! Sessions and failed sign-ins.

use sqlx::{AnyConnection, Row};

pub async fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The session's user and when it was last seen.
pub async fn find(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT user_id, last_seen_at FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((r.try_get("user_id")?, r.try_get("last_seen_at")?)))
        .transpose()
}

pub async fn touch(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(super::now())
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (disabled, or password reset).
pub async fn delete_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn record_failure(
    conn: &mut AnyConnection,
    username: &str,
    address: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sign_in_failures (username, address, at) VALUES ($1, $2, $3)")
        .bind(username)
        .bind(address)
        .bind(super::now())
        .execute(conn)
        .await?;
    Ok(())
}

/// Failures since `since`: for this user name, for this user name from this address, and
/// from this address for any user name.
pub async fn failures_since(
    conn: &mut AnyConnection,
    username: &str,
    address: &str,
    since: &str,
) -> Result<Failures, sqlx::Error> {
    let row = sqlx::query(
        "SELECT
           (SELECT COUNT(*) FROM sign_in_failures WHERE username = $1 AND at >= $3) AS by_user,
           (SELECT COUNT(*) FROM sign_in_failures
             WHERE username = $1 AND address = $2 AND at >= $3) AS by_user_here,
           (SELECT COUNT(*) FROM sign_in_failures WHERE address = $2 AND at >= $3) AS by_address",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(Failures {
        by_user: row.try_get("by_user")?,
        by_user_here: row.try_get("by_user_here")?,
        by_address: row.try_get("by_address")?,
    })
}

/// Counts of recent failed sign-ins (see [`failures_since`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub by_user: i64,
    pub by_user_here: i64,
    pub by_address: i64,
}

pub async fn clear_failures(conn: &mut AnyConnection, username: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_failures WHERE username = $1")
        .bind(username)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets failures older than `before` (they no longer count), and sessions unused since
/// `idle_before` (over). Returns how many of each went.
pub async fn prune(
    conn: &mut AnyConnection,
    before: &str,
    idle_before: &str,
) -> Result<(u64, u64), sqlx::Error> {
    let failures = sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let sessions = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
        .bind(idle_before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok((failures, sessions))
}
