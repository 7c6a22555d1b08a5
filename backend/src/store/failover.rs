//! Each server's failover states as last read: what the Dashboard and Failover Relationships
//! show, kept by the drift watch (and by Tandem's own changes to relationships).

use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use tandem_core::FailoverReport;

/// One server's failover relationships and states, or why it did not answer, and when.
#[derive(Debug, Clone)]
pub struct StatesRead {
    pub answer: Result<Vec<FailoverReport>, String>,
    pub read_at: String,
}

/// Every server's last read, by server name.
pub async fn all(conn: &mut AnyConnection) -> Result<HashMap<String, StatesRead>, sqlx::Error> {
    let rows = sqlx::query("SELECT server, reports, error, read_at FROM failover_reads")
        .fetch_all(&mut *conn)
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        let reports: Option<String> = row.try_get("reports")?;
        let error: Option<String> = row.try_get("error")?;
        let answer = match (reports, error) {
            (_, Some(e)) => Err(e),
            (Some(json), None) => serde_json::from_str(&json)
                .map_err(|e| format!("the stored failover states cannot be read: {e}")),
            (None, None) => Ok(Vec::new()),
        };
        out.insert(
            row.try_get("server")?,
            StatesRead {
                answer,
                read_at: row.try_get("read_at")?,
            },
        );
    }
    Ok(out)
}

/// Records `server`'s read, now. Returns whether what it says differs from the last read.
pub async fn record(
    conn: &mut AnyConnection,
    server: &str,
    answer: &Result<Vec<FailoverReport>, String>,
) -> Result<bool, sqlx::Error> {
    let (reports, error) = match answer {
        Ok(reports) => (
            Some(serde_json::to_string(reports).expect("failover reports serialize")),
            None,
        ),
        Err(e) => (None, Some(e.as_str())),
    };
    let before = sqlx::query("SELECT reports, error FROM failover_reads WHERE server = $1")
        .bind(server)
        .fetch_optional(&mut *conn)
        .await?;
    let changed = match before {
        Some(row) => {
            row.try_get::<Option<String>, _>("reports")? != reports
                || row.try_get::<Option<String>, _>("error")?.as_deref() != error
        }
        None => true,
    };
    sqlx::query(
        "INSERT INTO failover_reads (server, reports, error, read_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (server) DO UPDATE SET reports = excluded.reports, error = excluded.error,
           read_at = excluded.read_at",
    )
    .bind(server)
    .bind(reports)
    .bind(error)
    .bind(super::now())
    .execute(&mut *conn)
    .await?;
    Ok(changed)
}
