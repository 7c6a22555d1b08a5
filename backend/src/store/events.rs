//! The Event Catalog: one row per change made through Tandem (and per sign-in). A change to a
//! DHCP server is recorded as `pending` before it is made and completed after, so a change
//! whose process dies half-way is still on record; a change to Tandem's own records is
//! recorded in the same transaction as the change.

use super::filter::{Filter, contains};
use sqlx::{AnyConnection, Row};
use tandem_core::ServerName;
use tandem_core::views::EventRow;

/// What an event says before its outcome is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewEvent {
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object: String,
    pub server: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
    /// For a change to a scope in failover: the scope, its relationship and the partner the
    /// change is to reach (what a restart needs to flag it if it was cut short).
    pub scope_id: Option<String>,
    pub relationship: Option<String>,
    pub partner: Option<String>,
    /// How the change came: `None` from the portal's pages, or `API token <name>`.
    pub via: Option<String>,
    /// The Tandem instance that made the change (where several share a database: a restart
    /// flags only its own changes left pending).
    pub instance: Option<String>,
    /// The event this change reverses (an undo from the Event Catalog).
    pub undoes: Option<i64>,
}

pub const PENDING: &str = "pending";

/// Records `e` with its outcome; returns its ID.
pub async fn record(
    conn: &mut AnyConnection,
    e: &NewEvent,
    outcome: &str,
    replication: Option<&str>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO events (at, actor, action, object_type, server, object, before_json, after_json, outcome, replication, request_id, scope_id, relationship, partner, via, instance, undoes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(super::now())
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.object_type)
    .bind(&e.server)
    .bind(&e.object)
    .bind(&e.before_json)
    .bind(&e.after_json)
    .bind(outcome)
    .bind(replication)
    .bind(&e.request_id)
    .bind(&e.scope_id)
    .bind(&e.relationship)
    .bind(&e.partner)
    .bind(&e.via)
    .bind(&e.instance)
    .bind(e.undoes)
    .fetch_one(conn)
    .await?
    .try_get("id")
}

/// Whether `actor` has an event `action` on `object` since `since`.
pub async fn seen_since(
    conn: &mut AnyConnection,
    action: &str,
    actor: &str,
    object: &str,
    since: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM events WHERE action = $1 AND actor = $2 AND object = $3 AND at >= $4",
    )
    .bind(action)
    .bind(actor)
    .bind(object)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Counts one more refused sign-in on the refusal already recorded in this throttling window
/// for `object` (the address) — by any user name when `any_actor`, else by `actor` — so that a
/// flood of refused attempts is one counted row, not a row each. `false` when there is none
/// yet (the caller records it).
pub async fn count_refusal(
    conn: &mut AnyConnection,
    actor: &str,
    object: &str,
    any_actor: bool,
    since: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, after_json FROM events
         WHERE action = 'sign_in' AND object = $1 AND at >= $2
           AND outcome LIKE 'refused%' AND ($3 = 1 OR actor = $4)
         ORDER BY id DESC LIMIT 1",
    )
    .bind(object)
    .bind(since)
    .bind(i32::from(any_actor))
    .bind(actor)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let id: i64 = row.try_get("id")?;
    let seen: Option<String> = row.try_get("after_json")?;
    let attempts = seen
        .and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok())
        .and_then(|v| v.get("attempts").and_then(serde_json::Value::as_i64))
        .unwrap_or(1);
    let after = serde_json::json!({ "attempts": attempts + 1, "last_at": super::now() });
    sqlx::query("UPDATE events SET after_json = $1, outcome = $2 WHERE id = $3")
        .bind(after.to_string())
        .bind(format!(
            "refused: too many failed attempts ({} attempts)",
            attempts + 1
        ))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Deletes events recorded before `before` (the retention setting). Returns how many.
pub async fn prune(conn: &mut AnyConnection, before: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM events WHERE at < $1")
        .bind(before)
        .execute(conn)
        .await?
        .rows_affected())
}

/// Records a change about to be made on a DHCP server.
pub async fn begin(conn: &mut AnyConnection, e: &NewEvent) -> Result<i64, sqlx::Error> {
    record(conn, e, PENDING, None).await
}

/// Completes a pending event with what happened.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    outcome: &str,
    replication: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE events SET outcome = $1, replication = $2 WHERE id = $3")
        .bind(outcome)
        .bind(replication)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Notes on a pending change how far it got (the server is written; the partner is next), so
/// that a restart after a crash can say which step may not have happened.
pub async fn mark_step(conn: &mut AnyConnection, id: i64, step: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE events SET replication = $1 WHERE id = $2 AND outcome = $3")
        .bind(step)
        .bind(id)
        .bind(PENDING)
        .execute(conn)
        .await?;
    Ok(())
}

/// A change left pending by a process that died before completing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub server: Option<String>,
    pub scope_id: Option<String>,
    pub relationship: Option<String>,
    pub partner: Option<String>,
    /// How far it got, if a step was noted ([`mark_step`]).
    pub step: Option<String>,
}

/// Every change still pending.
/// With `instance`, only that instance's (and those recorded before instances were).
pub async fn pending(
    conn: &mut AnyConnection,
    instance: Option<&str>,
) -> Result<Vec<Interrupted>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, actor, action, object, server, scope_id, relationship, partner, replication
         FROM events WHERE outcome = $1 AND ($2 = '' OR instance IS NULL OR instance = $2)
         ORDER BY id",
    )
    .bind(PENDING)
    .bind(instance.unwrap_or_default())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Interrupted {
                id: r.try_get("id")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                object: r.try_get("object")?,
                server: r.try_get("server")?,
                scope_id: r.try_get("scope_id")?,
                relationship: r.try_get("relationship")?,
                partner: r.try_get("partner")?,
                step: r.try_get("replication")?,
            })
        })
        .collect()
}

/// The Event Catalog's filters; empty strings match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EventFilter {
    pub actor: String,
    pub action: String,
    /// Matches any part of the object's description, case-blind.
    pub object: String,
    /// RFC 3339 bounds, inclusive.
    pub from: String,
    pub to: String,
}

/// Events matching `f`, newest first; only those recorded against a server in `allowed`
/// when the caller is narrowed to some servers.
pub async fn search(
    conn: &mut AnyConnection,
    f: &EventFilter,
    allowed: Option<&[ServerName]>,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    search_from(conn, f, allowed, limit, 0).await
}

/// How many events match the filter (within `allowed`).
pub async fn count(
    conn: &mut AnyConnection,
    f: &EventFilter,
    allowed: Option<&[ServerName]>,
) -> Result<u64, sqlx::Error> {
    let w = where_clause(f, allowed);
    let sql = format!("SELECT COUNT(*) AS n FROM events{}", w.sql());
    let n: i64 = w.query(&sql).fetch_one(conn).await?.try_get("n")?;
    Ok(n as u64)
}

/// The matching events newest first, `limit` of them after skipping `offset`.
pub async fn search_from(
    conn: &mut AnyConnection,
    f: &EventFilter,
    allowed: Option<&[ServerName]>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    let w = where_clause(f, allowed);
    let sql = format!(
        "SELECT id, at, actor, action, object_type, server, object, before_json, after_json, outcome, replication, undoes,
           {UNDONE_BY}
         FROM events{} ORDER BY id DESC LIMIT {} OFFSET {}",
        w.sql(),
        limit.max(0),
        offset.max(0)
    );
    let rows = w.query(&sql).fetch_all(conn).await?;
    rows.iter()
        .map(|row| {
            Ok(EventRow {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                object_type: row.try_get("object_type")?,
                server: row.try_get("server")?,
                object: row.try_get("object")?,
                before: row.try_get("before_json")?,
                after: row.try_get("after_json")?,
                outcome: row.try_get("outcome")?,
                replication: row.try_get("replication")?,
                undoes: row.try_get("undoes")?,
                undone_by: row.try_get("undone_by")?,
            })
        })
        .collect()
}

fn where_clause(f: &EventFilter, allowed: Option<&[ServerName]>) -> Filter {
    let mut w = Filter::default();
    w.servers("server", allowed);
    for (column, value) in [("actor", &f.actor), ("action", &f.action)] {
        if !value.trim().is_empty() {
            w.push(&format!("{column} = ?"), value.trim().to_string());
        }
    }
    if !f.object.trim().is_empty() {
        w.push(
            "LOWER(object) LIKE ? ESCAPE '\\'",
            contains(f.object.trim()),
        );
    }
    if !f.from.trim().is_empty() {
        w.push("at >= ?", f.from.trim().to_string());
    }
    if !f.to.trim().is_empty() {
        w.push("at <= ?", f.to.trim().to_string());
    }
    w
}

/// The completed change that reversed an event, as a column of a query on `events`.
const UNDONE_BY: &str =
    "(SELECT MAX(u.id) FROM events u WHERE u.undoes = events.id AND u.outcome = 'ok') AS undone_by";

/// One recorded change, as an undo needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub action: String,
    pub server: Option<String>,
    pub scope_id: Option<String>,
    pub partner: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub outcome: String,
    /// The completed change that already reversed it, if any.
    pub undone_by: Option<i64>,
}

/// Event `id`, if it is still recorded.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Recorded>, sqlx::Error> {
    let sql = format!(
        "SELECT id, action, server, scope_id, partner, before_json, after_json, outcome, {UNDONE_BY}
         FROM events WHERE id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.map(|r| {
        Ok(Recorded {
            id: r.try_get("id")?,
            action: r.try_get("action")?,
            server: r.try_get("server")?,
            scope_id: r.try_get("scope_id")?,
            partner: r.try_get("partner")?,
            before_json: r.try_get("before_json")?,
            after_json: r.try_get("after_json")?,
            outcome: r.try_get("outcome")?,
            undone_by: r.try_get("undone_by")?,
        })
    })
    .transpose()
}
