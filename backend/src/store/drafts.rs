//! Uploaded reservation files between their preview and their apply (Import reservations), in
//! the database so that any instance can answer for any of them; each is its user's, for an
//! hour.

use sqlx::{AnyConnection, Row};

/// How long a draft is kept.
pub const KEPT: chrono::Duration = chrono::Duration::hours(1);

/// A file, and what it does (its preview) or did (its apply), as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRecord {
    pub owner: i64,
    pub server: String,
    pub file_name: String,
    pub csv: Vec<u8>,
    pub report: Option<String>,
    pub error: Option<String>,
}

fn cutoff() -> String {
    (chrono::Utc::now() - KEPT).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Keeps `draft` as `id` (drafts past their hour go first).
pub async fn put(
    conn: &mut AnyConnection,
    id: &str,
    draft: &DraftRecord,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM import_drafts WHERE created_at < $1")
        .bind(cutoff())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO import_drafts (id, owner, server, file_name, csv, report, error, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(draft.owner)
    .bind(&draft.server)
    .bind(&draft.file_name)
    .bind(draft.csv.clone())
    .bind(draft.report.as_deref())
    .bind(draft.error.as_deref())
    .bind(super::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The draft `id`, if it is `owner`'s and within its hour.
pub async fn get(
    conn: &mut AnyConnection,
    owner: i64,
    id: &str,
) -> Result<Option<DraftRecord>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT owner, server, file_name, csv, report, error FROM import_drafts
         WHERE id = $1 AND owner = $2 AND created_at >= $3",
    )
    .bind(id)
    .bind(owner)
    .bind(cutoff())
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(DraftRecord {
            owner: r.try_get("owner")?,
            server: r.try_get("server")?,
            file_name: r.try_get("file_name")?,
            csv: r.try_get("csv")?,
            report: r.try_get("report")?,
            error: r.try_get("error")?,
        })
    })
    .transpose()
}

/// Records what the draft `id` did (after its apply).
pub async fn set_outcome(
    conn: &mut AnyConnection,
    id: &str,
    report: Option<&str>,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE import_drafts SET report = $1, error = $2 WHERE id = $3")
        .bind(report)
        .bind(error)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
