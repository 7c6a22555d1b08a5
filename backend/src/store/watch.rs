//! The drift watch's last finished pass, shared by every instance on one database.

use sqlx::{AnyConnection, Row};

/// The watch's last pass: which instance ran it, and when it finished (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub instance: String,
    pub finished_at: String,
}

/// Records that `instance` finished a pass of the drift watch now.
pub async fn finished(conn: &mut AnyConnection, instance: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO watch_passes (watch, instance, finished_at) VALUES ('drift', $1, $2)
         ON CONFLICT (watch) DO UPDATE SET instance = excluded.instance,
           finished_at = excluded.finished_at",
    )
    .bind(instance)
    .bind(super::now())
    .execute(conn)
    .await?;
    Ok(())
}

/// The last pass, if there was one.
pub async fn last(conn: &mut AnyConnection) -> Result<Option<Pass>, sqlx::Error> {
    let row = sqlx::query("SELECT instance, finished_at FROM watch_passes WHERE watch = 'drift'")
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        Ok(Pass {
            instance: r.try_get("instance")?,
            finished_at: r.try_get("finished_at")?,
        })
    })
    .transpose()
}
