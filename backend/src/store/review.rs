//! The configuration review's last result and the findings dismissed, shared by every
//! instance on one database.

use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// Keeps `review` (JSON) as the last review, read at `at`.
pub async fn save(conn: &mut AnyConnection, review: &str, at: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO review_results (singleton, review, reviewed_at) VALUES (1, $1, $2)
         ON CONFLICT (singleton) DO UPDATE SET review = excluded.review,
           reviewed_at = excluded.reviewed_at",
    )
    .bind(review)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The last review (JSON) and when it was read, if there is one.
pub async fn last(conn: &mut AnyConnection) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT review, reviewed_at FROM review_results WHERE singleton = 1")
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((r.try_get("review")?, r.try_get("reviewed_at")?)))
        .transpose()
}

/// Every dismissal: the finding's key, who dismissed it and when.
pub async fn dismissals(
    conn: &mut AnyConnection,
) -> Result<HashMap<String, (String, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT finding_key, dismissed_by, dismissed_at FROM review_dismissals")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("finding_key")?,
                (r.try_get("dismissed_by")?, r.try_get("dismissed_at")?),
            ))
        })
        .collect()
}

/// Dismisses the finding `key` (again: who and when are kept from the first time).
pub async fn dismiss(conn: &mut AnyConnection, key: &str, by: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO review_dismissals (finding_key, dismissed_by, dismissed_at)
         VALUES ($1, $2, $3) ON CONFLICT (finding_key) DO NOTHING",
    )
    .bind(key)
    .bind(by)
    .bind(super::now())
    .execute(conn)
    .await?;
    Ok(())
}

/// Restores the finding `key`; whether it was dismissed.
pub async fn restore(conn: &mut AnyConnection, key: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM review_dismissals WHERE finding_key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
