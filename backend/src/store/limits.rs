//! Actions each user may start only now and then, counted in the database so that every
//! instance on it counts the same.

use sqlx::{AnyConnection, Row};
use std::time::Duration;

/// Takes the turn of `key` now, unless its last one was less than `every` ago: then how long
/// until it may. Run it in a write transaction, so that two instances cannot both take it.
pub async fn take(
    conn: &mut AnyConnection,
    key: &str,
    every: Duration,
) -> Result<Result<(), Duration>, sqlx::Error> {
    let now = chrono::Utc::now();
    let until: Option<String> = sqlx::query("SELECT until FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("until"))
        .transpose()?;
    if let Some(until) = until.and_then(|u| chrono::DateTime::parse_from_rfc3339(&u).ok())
        && let Ok(wait) = (until.with_timezone(&chrono::Utc) - now).to_std()
        && !wait.is_zero()
    {
        return Ok(Err(wait));
    }
    let next = now + chrono::Duration::from_std(every).expect("a short interval");
    sqlx::query(
        "INSERT INTO rate_limits (key, until) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET until = excluded.until",
    )
    .bind(key)
    .bind(next.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    .execute(&mut *conn)
    .await?;
    Ok(Ok(()))
}

/// Forgets turns long past (pruning).
pub async fn prune(conn: &mut AnyConnection) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM rate_limits WHERE until < $1")
        .bind(super::now())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
