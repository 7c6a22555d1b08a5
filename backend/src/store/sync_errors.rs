//! Failover Config Sync Status: the error left by a failed automatic replication, kept until a
//! replication of that scope succeeds or a user clears it.

use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncError {
    pub relationship: String,
    pub scope_id: String,
    pub source: String,
    pub partner: String,
    pub error: String,
    pub at: String,
}

pub async fn set(conn: &mut AnyConnection, e: &SyncError) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO scope_sync_errors (relationship, scope_id, source, partner, error, at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (relationship, scope_id) DO UPDATE SET
           source = excluded.source, partner = excluded.partner,
           error = excluded.error, at = excluded.at",
    )
    .bind(&e.relationship)
    .bind(&e.scope_id)
    .bind(&e.source)
    .bind(&e.partner)
    .bind(&e.error)
    .bind(&e.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Clears the status of one scope; true when there was an error to clear.
pub async fn clear(
    conn: &mut AnyConnection,
    relationship: &str,
    scope_id: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM scope_sync_errors WHERE relationship = $1 AND scope_id = $2")
            .bind(relationship)
            .bind(scope_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// Every recorded error, keyed by (relationship, scope ID).
pub async fn all(
    conn: &mut AnyConnection,
) -> Result<HashMap<(String, String), SyncError>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT relationship, scope_id, source, partner, error, at FROM scope_sync_errors",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let e = SyncError {
                relationship: row.try_get("relationship")?,
                scope_id: row.try_get("scope_id")?,
                source: row.try_get("source")?,
                partner: row.try_get("partner")?,
                error: row.try_get("error")?,
                at: row.try_get("at")?,
            };
            Ok(((e.relationship.clone(), e.scope_id.clone()), e))
        })
        .collect()
}
