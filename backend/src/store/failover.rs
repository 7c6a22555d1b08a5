//! Each server's failover relationships and its own state in each, as last read: what the
//! Dashboard and Failover Relationships show, kept by the drift watch (and by Tandem's own
//! changes to relationships). One row per (server, relationship), so that the views count and
//! page in SQL; the read's time, or why the server did not answer, is kept per server.

use super::filter::{Filter, contains};
use sqlx::{AnyConnection, Row};
use tandem_core::views::{RelationshipQuery, SCOPES_LISTED, ServerStatus};
use tandem_core::{FailoverRelationship, FailoverReport, FailoverState, ScopeId, ServerName};

/// A relationship as stored, with each server's status in it as last read.
#[derive(Debug, Clone)]
pub struct StoredRelationship {
    /// As the primary reports it (as the secondary does when the primary has no copy); its
    /// scopes listed as the read asked ([`Scopes`]).
    pub relationship: FailoverRelationship,
    pub scope_count: usize,
    pub primary_status: ServerStatus,
    pub secondary_status: ServerStatus,
    pub primary_read_at: Option<String>,
    pub secondary_read_at: Option<String>,
    /// The primary's kind of server (`None` when Tandem does not manage it).
    pub primary_kind: Option<String>,
    /// Scopes of the relationship whose Failover Config Sync Status shows an error.
    pub sync_errors: u64,
}

/// One row per relationship name (the copy [`show`] picked), with both servers' reads and
/// states, and each server's health word (`Unreachable` when it has no state to show).
const RELATIONSHIPS: &str = "
  SELECT c.name, c.primary_server, c.secondary_server, c.settings, c.scopes, c.scope_count,
    pr.server AS p_read, pr.error AS p_error, pr.read_at AS p_read_at,
    p.state AS p_state, p.raw_state AS p_raw,
    sr.server AS s_read, sr.error AS s_error, sr.read_at AS s_read_at,
    s.state AS s_state, s.raw_state AS s_raw,
    ps.kind AS primary_kind,
    CASE WHEN pr.error IS NULL AND p.state IS NOT NULL THEN p.state ELSE 'Unreachable' END
      AS p_word,
    CASE WHEN sr.error IS NULL AND s.state IS NOT NULL THEN s.state ELSE 'Unreachable' END
      AS s_word
  FROM failover_states c
  LEFT JOIN failover_reads pr ON pr.server = c.primary_server
  LEFT JOIN failover_states p ON p.server = c.primary_server AND p.name = c.name
  LEFT JOIN failover_reads sr ON sr.server = c.secondary_server
  LEFT JOIN failover_states s ON s.server = c.secondary_server AND s.name = c.name
  LEFT JOIN servers ps ON ps.name = c.primary_server
  WHERE c.shown = 1";

/// Which of a relationship's scope IDs a read brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scopes {
    All,
    /// Only when there are at most this many (none otherwise): a page shows a count.
    UpTo(usize),
}

/// The rows of [`RELATIONSHIPS`] (as `v`) matching `f`, each with its sync errors, by name.
fn rows_sql(f: &Filter) -> String {
    format!(
        "SELECT v.*,
           (SELECT COUNT(*) FROM scope_sync_errors e WHERE e.relationship = v.name) AS sync_errors
         FROM ({RELATIONSHIPS}) v{} ORDER BY v.name",
        f.sql()
    )
}

/// The relationship's health word: `Normal` when both servers are, otherwise the word of the
/// server that is not (the primary's first), as [`tandem_core::views::RelationshipRow::health`].
const HEALTH: &str = "CASE WHEN v.p_word <> 'Normal' THEN v.p_word ELSE v.s_word END";

/// The WHERE clause of `query`'s filters (not its page) for the caller's `allowed` servers.
fn filter(query: &RelationshipQuery, allowed: Option<&[ServerName]>) -> Filter {
    let mut f = Filter::default();
    f.servers_either(&["v.primary_server", "v.secondary_server"], allowed);
    if let Some(name) = query
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        f.push(
            "(LOWER(v.name) LIKE ? ESCAPE '\\' OR LOWER(v.primary_server) LIKE ? ESCAPE '\\'
              OR LOWER(v.secondary_server) LIKE ? ESCAPE '\\')",
            contains(name),
        );
    }
    if let Some(server) = query
        .server
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        f.push(
            "(v.primary_server = ? OR v.secondary_server = ?)",
            server.to_lowercase(),
        );
    }
    if query.not_normal {
        f.raw("(v.p_word <> 'Normal' OR v.s_word <> 'Normal')");
    }
    f
}

/// One page of the relationships the caller reaches (either server in `allowed`), filtered as
/// asked and ordered by name, with how many match on every page; a relationship's scope IDs
/// only when it has [`SCOPES_LISTED`] or fewer.
pub async fn page(
    conn: &mut AnyConnection,
    query: &RelationshipQuery,
    allowed: Option<&[ServerName]>,
) -> Result<(Vec<StoredRelationship>, u64), sqlx::Error> {
    let f = filter(query, allowed);
    let count = format!("SELECT COUNT(*) AS n FROM ({RELATIONSHIPS}) v{}", f.sql());
    let total = f
        .query(&count)
        .fetch_one(&mut *conn)
        .await?
        .try_get::<i64, _>("n")? as u64;
    let sql = format!(
        "{} LIMIT {} OFFSET {}",
        rows_sql(&f),
        query.page.limit(),
        query.page.offset()
    );
    let rows = f.query(&sql).fetch_all(&mut *conn).await?;
    let rows = rows
        .iter()
        .map(|r| stored(r, Scopes::UpTo(SCOPES_LISTED)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((rows, total))
}

/// Every relationship the caller reaches, ordered by name (no page).
pub async fn all(
    conn: &mut AnyConnection,
    allowed: Option<&[ServerName]>,
) -> Result<Vec<StoredRelationship>, sqlx::Error> {
    let f = filter(&RelationshipQuery::default(), allowed);
    f.query(&rows_sql(&f))
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| stored(r, Scopes::All))
        .collect()
}

/// Relationship `name`, if the caller reaches it (either server in `allowed`), with every
/// scope ID.
pub async fn named(
    conn: &mut AnyConnection,
    name: &str,
    allowed: Option<&[ServerName]>,
) -> Result<Option<StoredRelationship>, sqlx::Error> {
    let mut f = filter(&RelationshipQuery::default(), allowed);
    f.push("v.name = ?", name.to_string());
    f.query(&rows_sql(&f))
        .fetch_optional(conn)
        .await?
        .map(|r| stored(&r, Scopes::All))
        .transpose()
}

/// How many relationships the caller reaches are in each health ([`HEALTH`]), by word.
pub async fn by_health(
    conn: &mut AnyConnection,
    allowed: Option<&[ServerName]>,
) -> Result<Vec<(String, usize)>, sqlx::Error> {
    let f = filter(&RelationshipQuery::default(), allowed);
    let sql = format!(
        "SELECT h.health, COUNT(*) AS n
         FROM (SELECT {HEALTH} AS health FROM ({RELATIONSHIPS}) v{}) h
         GROUP BY h.health ORDER BY h.health",
        f.sql()
    );
    f.query(&sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("health")?, r.try_get::<i64, _>("n")? as usize)))
        .collect()
}

fn decode(e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// A row of [`RELATIONSHIPS`] as a stored relationship, with its scope IDs as `scopes` asks.
fn stored(row: &sqlx::any::AnyRow, scopes: Scopes) -> Result<StoredRelationship, sqlx::Error> {
    let mut relationship: FailoverRelationship =
        serde_json::from_str(&row.try_get::<String, _>("settings")?).map_err(decode)?;
    let scope_count = row.try_get::<i64, _>("scope_count")? as usize;
    let wanted = match scopes {
        Scopes::All => true,
        Scopes::UpTo(most) => scope_count <= most,
    };
    if wanted {
        relationship.scopes =
            serde_json::from_str::<Vec<ScopeId>>(&row.try_get::<String, _>("scopes")?)
                .map_err(decode)?;
    }
    let side = |prefix: &str, server: &ServerName| -> Result<ServerStatus, sqlx::Error> {
        let read: Option<String> = row.try_get(format!("{prefix}_read").as_str())?;
        let error: Option<String> = row.try_get(format!("{prefix}_error").as_str())?;
        let state: Option<String> = row.try_get(format!("{prefix}_state").as_str())?;
        let raw: Option<String> = row.try_get(format!("{prefix}_raw").as_str())?;
        Ok(match (read, error, state) {
            (None, _, _) => ServerStatus::Unreachable {
                reason: format!("{server} is not managed by Tandem"),
            },
            (Some(_), Some(e), _) => ServerStatus::Unreachable { reason: e },
            (Some(_), None, None) => ServerStatus::Unreachable {
                reason: format!("{server} does not know this relationship"),
            },
            (Some(_), None, Some(state)) => ServerStatus::State {
                state: state_of(&state)?,
                raw_state: raw.unwrap_or_default(),
            },
        })
    };
    Ok(StoredRelationship {
        primary_status: side("p", &relationship.primary_server)?,
        secondary_status: side("s", &relationship.secondary_server)?,
        primary_read_at: row.try_get("p_read_at")?,
        secondary_read_at: row.try_get("s_read_at")?,
        primary_kind: row.try_get("primary_kind")?,
        sync_errors: row.try_get::<i64, _>("sync_errors")? as u64,
        relationship,
        scope_count,
    })
}

/// A state as stored (its Display word).
fn state_of(word: &str) -> Result<FailoverState, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(word.to_string())).map_err(decode)
}

/// Managed servers with no read kept: a view asks them before it answers.
pub async fn unread(conn: &mut AnyConnection) -> Result<Vec<ServerName>, sqlx::Error> {
    sqlx::query(
        "SELECT s.name FROM servers s LEFT JOIN failover_reads r ON r.server = s.name
         WHERE r.server IS NULL ORDER BY s.name",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let name: String = r.try_get("name")?;
        ServerName::parse(&name).map_err(|e| sqlx::Error::Decode(e.into()))
    })
    .collect()
}

/// One relationship as one server reports it, as stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct StateRow {
    name: String,
    primary: String,
    secondary: String,
    state: String,
    raw_state: String,
    /// JSON, scopes left out.
    settings: String,
    /// JSON list of scope IDs, and how many.
    scopes: String,
    scope_count: i64,
}

fn rows_of(reports: &[FailoverReport]) -> Vec<StateRow> {
    let mut rows: Vec<StateRow> = Vec::with_capacity(reports.len());
    for r in reports {
        // A name reported twice counts once (its first copy).
        if rows.iter().any(|x| x.name == r.relationship.name) {
            continue;
        }
        let settings = FailoverRelationship {
            scopes: Vec::new(),
            ..r.relationship.clone()
        };
        rows.push(StateRow {
            name: r.relationship.name.clone(),
            primary: r.relationship.primary_server.to_string(),
            secondary: r.relationship.secondary_server.to_string(),
            state: r.state.to_string(),
            raw_state: r.raw_state.clone(),
            settings: serde_json::to_string(&settings).expect("a relationship serializes"),
            scopes: serde_json::to_string(&r.relationship.scopes).expect("scope IDs serialize"),
            scope_count: r.relationship.scopes.len() as i64,
        });
    }
    rows.sort();
    rows
}

/// Marks the one row of relationship `name` whose copy the views show: the primary's when it
/// reported one, otherwise the first server's by name.
async fn show(conn: &mut AnyConnection, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE failover_states SET shown = CASE WHEN server = (
           SELECT g.server FROM failover_states g WHERE g.name = $1
           ORDER BY CASE WHEN g.server = g.primary_server THEN 0 ELSE 1 END, g.server LIMIT 1
         ) THEN 1 ELSE 0 END
         WHERE name = $1",
    )
    .bind(name)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records `server`'s read, now. A server that did not answer keeps the relationships it last
/// reported (shown Unreachable with the reason). Returns whether what it says differs from the
/// last read.
pub async fn record(
    conn: &mut AnyConnection,
    server: &str,
    answer: &Result<Vec<FailoverReport>, String>,
) -> Result<bool, sqlx::Error> {
    let error = answer.as_ref().err().map(String::as_str);
    let before = sqlx::query("SELECT error FROM failover_reads WHERE server = $1")
        .bind(server)
        .fetch_optional(&mut *conn)
        .await?;
    let mut changed = match &before {
        Some(row) => row.try_get::<Option<String>, _>("error")?.as_deref() != error,
        None => true,
    };
    if let Ok(reports) = answer {
        let after = rows_of(reports);
        let mut stored: Vec<StateRow> = sqlx::query(
            "SELECT name, primary_server, secondary_server, state, raw_state, settings, scopes,
               scope_count
             FROM failover_states WHERE server = $1",
        )
        .bind(server)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(StateRow {
                name: r.try_get("name")?,
                primary: r.try_get("primary_server")?,
                secondary: r.try_get("secondary_server")?,
                state: r.try_get("state")?,
                raw_state: r.try_get("raw_state")?,
                settings: r.try_get("settings")?,
                scopes: r.try_get("scopes")?,
                scope_count: r.try_get("scope_count")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        // Compared whole, both sides sorted the same way (by name first; names unique).
        stored.sort();
        if stored != after {
            changed = true;
            let mut names: Vec<&String> = stored.iter().chain(&after).map(|r| &r.name).collect();
            names.sort();
            names.dedup();
            sqlx::query("DELETE FROM failover_states WHERE server = $1")
                .bind(server)
                .execute(&mut *conn)
                .await?;
            for row in &after {
                sqlx::query(
                    "INSERT INTO failover_states
                       (server, name, primary_server, secondary_server, state, raw_state,
                        settings, scopes, scope_count)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(server)
                .bind(&row.name)
                .bind(&row.primary)
                .bind(&row.secondary)
                .bind(&row.state)
                .bind(&row.raw_state)
                .bind(&row.settings)
                .bind(&row.scopes)
                .bind(row.scope_count)
                .execute(&mut *conn)
                .await?;
            }
            for name in &names {
                show(conn, name).await?;
            }
        }
    }
    sqlx::query(
        "INSERT INTO failover_reads (server, error, read_at) VALUES ($1, $2, $3)
         ON CONFLICT (server) DO UPDATE SET error = excluded.error, read_at = excluded.read_at",
    )
    .bind(server)
    .bind(error)
    .bind(super::now())
    .execute(&mut *conn)
    .await?;
    Ok(changed)
}
