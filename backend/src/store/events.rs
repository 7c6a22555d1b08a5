//! The Event Catalog: one row per change made through Tandem.

use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub actor: String,
    pub action: String,
    pub server: Option<String>,
    pub object: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// `ok`, or the error that refused the change.
    pub outcome: String,
    /// What became of the change on the partner, when the scope is in failover.
    pub replication: Option<String>,
}

pub async fn record(conn: &mut AnyConnection, e: &Event) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO events (at, actor, action, server, object, before_json, after_json, outcome, replication)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(super::now())
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.server)
    .bind(&e.object)
    .bind(&e.before_json)
    .bind(&e.after_json)
    .bind(&e.outcome)
    .bind(&e.replication)
    .execute(conn)
    .await?;
    Ok(())
}

/// The newest events first.
pub async fn recent(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<(String, Event)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, actor, action, server, object, before_json, after_json, outcome, replication
         FROM events ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("at")?,
                Event {
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    server: row.try_get("server")?,
                    object: row.try_get("object")?,
                    before_json: row.try_get("before_json")?,
                    after_json: row.try_get("after_json")?,
                    outcome: row.try_get("outcome")?,
                    replication: row.try_get("replication")?,
                },
            ))
        })
        .collect()
}
