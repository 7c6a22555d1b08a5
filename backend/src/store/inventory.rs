//! The inventory: what Tandem last read from each server, kept so that the list views, their
//! filters and the global search are queries here rather than calls to a thousand servers.
//! Rows are rewritten from the servers' own answers (a scope at a time after a change made
//! through Tandem, a server at a time when its revision moved); the sync status of a failover
//! scope is its digest compared with its partner's copy's.

use super::filter::{Filter, contains};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;
use tandem_core::drift::DriftStatus;
use tandem_core::usage::ScopeUsage;
use tandem_core::views::{
    ReservationHit, SEARCH_LIMIT, ScopeQuery, ScopeRow, ScopeSort, ServerQuery, ServerSort,
    SyncFilter, UnreachableServer,
};
use tandem_core::{
    ClientId, FailoverReport, IdentifierType, IpRange, MacAddress, Reservation, ReservationType,
    Scope, ScopeId, ScopeState, ServerName,
};

/// What one server answered when it was read whole.
pub struct ServerSnapshot<'a> {
    pub server: &'a ServerName,
    pub revision: Option<String>,
    /// How the server is written (`None`: unknown, or nothing to say).
    pub write_method: Option<String>,
    pub answer: Result<(&'a [Scope], &'a [FailoverReport]), String>,
}

/// What Tandem knows of a server from its last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub revision: Option<String>,
    pub unreachable: Option<String>,
}

/// The last read of every server that has one.
pub async fn known(conn: &mut AnyConnection) -> Result<HashMap<String, Known>, sqlx::Error> {
    let rows = sqlx::query("SELECT server, revision, unreachable FROM inventory_servers")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("server")?,
                Known {
                    revision: r.try_get("revision")?,
                    unreachable: r.try_get("unreachable")?,
                },
            ))
        })
        .collect()
}

/// Managed servers that have never been read.
pub async fn unread(conn: &mut AnyConnection) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT name FROM servers WHERE name NOT IN (SELECT server FROM inventory_servers)
         ORDER BY name",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| r.try_get("name")).collect()
}

fn relationship_of<'a>(
    server: &ServerName,
    scope: ScopeId,
    reports: &'a [FailoverReport],
) -> (Option<&'a str>, Option<&'a ServerName>) {
    match reports
        .iter()
        .map(|r| &r.relationship)
        .find(|r| r.has_scope(scope))
    {
        Some(r) => (Some(r.name.as_str()), r.partner_of(server)),
        None => (None, None),
    }
}

/// Records a whole read of one server. Only scopes whose content or relationship changed are
/// rewritten. Returns whether anything Tandem shows changed.
pub async fn record_server(
    conn: &mut AnyConnection,
    snap: &ServerSnapshot<'_>,
) -> Result<bool, sqlx::Error> {
    let server = snap.server.as_str();
    let before = sqlx::query("SELECT unreachable FROM inventory_servers WHERE server = $1")
        .bind(server)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<Option<String>, _>("unreachable"))
        .transpose()?;
    let (unreachable, relationships) = match &snap.answer {
        Ok((_, reports)) => (None, reports.len() as i64),
        Err(e) => (Some(e.clone()), 0),
    };
    // A server that stays unreachable keeps its old relationship count.
    sqlx::query(
        "INSERT INTO inventory_servers (server, revision, unreachable, relationships, collected_at,
           write_method)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (server) DO UPDATE SET revision = excluded.revision,
           unreachable = excluded.unreachable,
           relationships = CASE WHEN excluded.unreachable IS NULL
                           THEN excluded.relationships ELSE inventory_servers.relationships END,
           collected_at = excluded.collected_at,
           write_method = COALESCE(excluded.write_method, inventory_servers.write_method)",
    )
    .bind(server)
    .bind(snap.revision.as_deref())
    .bind(unreachable.as_deref())
    .bind(relationships)
    .bind(super::now())
    .bind(snap.write_method.as_deref())
    .execute(&mut *conn)
    .await?;
    let mut changed = before.as_ref().map(|u| u.is_some()) != Some(unreachable.is_some());
    if let Ok((scopes, reports)) = &snap.answer {
        let rows = sqlx::query(
            "SELECT scope_id, digest, relationship, partner FROM inventory_scopes
             WHERE server = $1",
        )
        .bind(server)
        .fetch_all(&mut *conn)
        .await?;
        let mut had: HashMap<String, (String, Option<String>, Option<String>)> = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("scope_id")?,
                    (
                        r.try_get("digest")?,
                        r.try_get("relationship")?,
                        r.try_get("partner")?,
                    ),
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        for scope in *scopes {
            let (relationship, partner) = relationship_of(snap.server, scope.id, reports);
            let digest = scope.digest();
            let same = had.remove(&scope.id.to_string()).is_some_and(|(d, r, p)| {
                d == digest
                    && r.as_deref() == relationship
                    && p.as_deref() == partner.map(ServerName::as_str)
            });
            if !same {
                write_scope(&mut *conn, snap.server, scope, relationship, partner, None).await?;
                changed = true;
            }
        }
        for gone in had.keys() {
            delete_scope(&mut *conn, server, gone).await?;
            changed = true;
        }
    }
    if changed {
        recompute_sync(conn, server, None).await?;
    }
    Ok(changed)
}

/// What one write changed in a scope's reservations and nothing else: the addresses it
/// touched, and the scope's digest just before it. When the inventory still holds that
/// digest, only those reservations are recorded again instead of the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touched {
    pub scope: ScopeId,
    pub before_digest: String,
    pub ips: Vec<std::net::Ipv4Addr>,
}

/// Records a fresh read of one scope on one server (`None`: the server no longer has it),
/// keeping the relationship the inventory knew for it. With `touched` (what the write that
/// led here changed), only those reservations are written again, provided the inventory held
/// the scope exactly as it was before that write; otherwise the whole list is compared.
pub async fn record_scope(
    conn: &mut AnyConnection,
    server: &ServerName,
    scope_id: ScopeId,
    scope: Option<&Scope>,
    touched: Option<&Touched>,
) -> Result<(), sqlx::Error> {
    let id = scope_id.to_string();
    match scope {
        Some(scope) => {
            let row = sqlx::query(
                "SELECT relationship, partner, digest FROM inventory_scopes
                 WHERE server = $1 AND scope_id = $2",
            )
            .bind(server.as_str())
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?;
            let (relationship, partner, digest): (Option<String>, Option<String>, Option<String>) =
                match row {
                    Some(r) => (
                        r.try_get("relationship")?,
                        r.try_get("partner")?,
                        Some(r.try_get("digest")?),
                    ),
                    None => (None, None, None),
                };
            let partner = partner.and_then(|p| ServerName::parse(&p).ok());
            let only = touched
                .filter(|t| t.scope == scope_id && digest.as_ref() == Some(&t.before_digest))
                .map(|t| t.ips.as_slice());
            write_scope(
                &mut *conn,
                server,
                scope,
                relationship.as_deref(),
                partner.as_ref(),
                only,
            )
            .await?;
        }
        None => delete_scope(&mut *conn, server.as_str(), &id).await?,
    }
    recompute_sync(conn, server.as_str(), Some(&id)).await
}

async fn delete_scope(conn: &mut AnyConnection, server: &str, id: &str) -> Result<(), sqlx::Error> {
    for table in ["inventory_scopes", "inventory_reservations"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE server = $1 AND scope_id = $2"
        ))
        .bind(server)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Reservations written per statement (9 parameters each, well under every database's limit).
const BATCH: usize = 100;

/// Writes a scope's row and its reservations' rows: those at `only` (the inventory holds the
/// rest as they are), or every one that differs from what the inventory holds.
async fn write_scope(
    conn: &mut AnyConnection,
    server: &ServerName,
    scope: &Scope,
    relationship: Option<&str>,
    partner: Option<&ServerName>,
    only: Option<&[std::net::Ipv4Addr]>,
) -> Result<(), sqlx::Error> {
    let id = scope.id.to_string();
    // Where the reservations are as the inventory holds them (only the scope's properties
    // changed), their rows are left alone.
    let reservations_digest = scope.reservations_digest();
    let held_digest: Option<Option<String>> = sqlx::query(
        "SELECT reservations_digest FROM inventory_scopes WHERE server = $1 AND scope_id = $2",
    )
    .bind(server.as_str())
    .bind(&id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| r.try_get("reservations_digest"))
    .transpose()?;
    let same_reservations = held_digest.flatten().as_ref() == Some(&reservations_digest);
    // The scope's row is updated in place when it exists (only the indexes whose columns
    // changed are touched), inserted otherwise. Both statements take the same parameters.
    let bind = |sql: &'static str| {
        sqlx::query(sql)
            .bind(server.as_str())
            .bind(id.clone())
            .bind(scope.name.clone())
            .bind(scope.name.to_lowercase())
            .bind(scope.range.start().to_string())
            .bind(scope.range.end().to_string())
            .bind(i64::from(scope.prefix_len))
            .bind(scope.state.as_str())
            .bind(scope.reservations.len() as i64)
            .bind(relationship)
            .bind(partner.map(ServerName::as_str))
            .bind(scope.digest())
            .bind(i64::from(u32::from(scope.id.addr())))
            .bind(reservations_digest.clone())
            .bind(
                scope
                    .kept
                    .as_ref()
                    .and_then(tandem_core::Kept::shared_network)
                    .map(str::to_string),
            )
    };
    let updated = bind(
        "UPDATE inventory_scopes SET name = $3, name_key = $4, start_ip = $5, end_ip = $6,
           prefix_len = $7, state = $8, reservations = $9, relationship = $10, partner = $11,
           digest = $12, reservations_digest = $14, shared_network = $15
         WHERE server = $1 AND scope_id = $2 AND scope_key = $13",
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        bind(
            "INSERT INTO inventory_scopes (server, scope_id, name, name_key, start_ip, end_ip,
               prefix_len, state, reservations, relationship, partner, digest, scope_key, sync,
               reservations_digest, shared_network)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', $14, $15)",
        )
        .execute(&mut *conn)
        .await?;
    }
    if same_reservations {
        return Ok(());
    }
    if let Some(ips) = only {
        // An edit that keeps its address names it twice.
        let mut ips = ips.to_vec();
        ips.sort();
        ips.dedup();
        let mut fresh = Vec::new();
        for ip in &ips {
            let key = i64::from(u32::from(*ip));
            delete_reservation(&mut *conn, server.as_str(), &id, key).await?;
            fresh.extend(scope.reservation(*ip));
        }
        return insert_reservations(conn, server, &id, &fresh).await;
    }
    // Reservations: only those that differ from what the inventory holds are rewritten.
    let held = sqlx::query(
        "SELECT ip_key, client_id, identifier_type, name, description, kind
         FROM inventory_reservations WHERE server = $1 AND scope_id = $2",
    )
    .bind(server.as_str())
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?;
    let mut held: HashMap<i64, (String, String, String, String, String)> = held
        .iter()
        .map(|r| {
            Ok((
                r.try_get("ip_key")?,
                (
                    r.try_get("client_id")?,
                    r.try_get("identifier_type")?,
                    r.try_get("name")?,
                    r.try_get("description")?,
                    r.try_get("kind")?,
                ),
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let mut fresh = Vec::new();
    for r in &scope.reservations {
        let key = i64::from(u32::from(r.ip_address));
        let now = (
            r.client_id.to_string(),
            r.client_id.kind().as_str().to_string(),
            r.name.clone(),
            r.description.clone(),
            r.kind.as_str().to_string(),
        );
        match held.remove(&key) {
            Some(before) if before == now => {}
            Some(_) => {
                delete_reservation(&mut *conn, server.as_str(), &id, key).await?;
                fresh.push(r);
            }
            None => fresh.push(r),
        }
    }
    for gone in held.keys() {
        delete_reservation(&mut *conn, server.as_str(), &id, *gone).await?;
    }
    insert_reservations(conn, server, &id, &fresh).await
}

async fn insert_reservations(
    conn: &mut AnyConnection,
    server: &ServerName,
    id: &str,
    fresh: &[&Reservation],
) -> Result<(), sqlx::Error> {
    for chunk in fresh.chunks(BATCH) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let marks: Vec<String> = (1..=10).map(|k| format!("${}", i * 10 + k)).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO inventory_reservations (server, scope_id, ip, ip_key, client_id,
               identifier_type, name, name_key, description, kind) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(server.as_str())
                .bind(id)
                .bind(r.ip_address.to_string())
                .bind(i64::from(u32::from(r.ip_address)))
                .bind(r.client_id.to_string())
                .bind(r.client_id.kind().as_str())
                .bind(&r.name)
                .bind(r.name.to_lowercase())
                .bind(&r.description)
                .bind(r.kind.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn delete_reservation(
    conn: &mut AnyConnection,
    server: &str,
    scope_id: &str,
    ip_key: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM inventory_reservations WHERE server = $1 AND scope_id = $2 AND ip_key = $3",
    )
    .bind(server)
    .bind(scope_id)
    .bind(ip_key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Recomputes the sync status of the failover scopes on `server` and of their partners'
/// copies (of one scope only, when given).
async fn recompute_sync(
    conn: &mut AnyConnection,
    server: &str,
    scope_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    let only = if scope_id.is_some() {
        " AND scope_id = $2"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE inventory_scopes SET sync = CASE
           WHEN relationship IS NULL THEN ''
           WHEN NOT EXISTS (SELECT 1 FROM inventory_servers o
                            WHERE o.server = inventory_scopes.server AND o.unreachable IS NULL)
             OR NOT EXISTS (SELECT 1 FROM inventory_servers p
                            WHERE p.server = inventory_scopes.partner AND p.unreachable IS NULL)
             THEN 'Unknown'
           WHEN EXISTS (SELECT 1 FROM inventory_scopes c
                        WHERE c.server = inventory_scopes.partner
                          AND c.scope_id = inventory_scopes.scope_id
                          AND c.digest = inventory_scopes.digest)
             THEN 'InSync'
           ELSE 'OutOfSync' END
         WHERE (server = $1 OR partner = $1){only}"
    );
    let mut q = sqlx::query(&sql).bind(server);
    if let Some(id) = scope_id {
        q = q.bind(id);
    }
    q.execute(conn).await?;
    Ok(())
}

const SCOPE_COLUMNS: &str = "s.server, s.scope_id, s.name, s.start_ip, s.end_ip, s.prefix_len,
    s.state, s.reservations, s.relationship, s.partner, s.sync, e.error AS sync_error,
    e.at AS sync_error_at, o.unreachable AS own_unreachable, p.unreachable AS partner_unreachable,
    p.server AS partner_known, s.usage_total, s.usage_in_use, s.usage_reserved, s.usage_free,
    s.shared_network";

const SCOPE_JOINS_AFTER: &str = "
    LEFT JOIN scope_sync_errors e ON e.relationship = s.relationship AND e.scope_id = s.scope_id
    LEFT JOIN inventory_servers o ON o.server = s.server
    LEFT JOIN inventory_servers p ON p.server = s.partner";

fn scope_row(r: &sqlx::any::AnyRow) -> Result<ScopeRow, sqlx::Error> {
    let decode = |e: String| sqlx::Error::Decode(e.into());
    let server = ServerName::parse(&r.try_get::<String, _>("server")?).map_err(decode)?;
    let partner: Option<String> = r.try_get("partner")?;
    let partner = partner
        .map(|p| ServerName::parse(&p).map_err(decode))
        .transpose()?;
    let start =
        tandem_core::model::parse_ipv4(&r.try_get::<String, _>("start_ip")?).map_err(decode)?;
    let end = tandem_core::model::parse_ipv4(&r.try_get::<String, _>("end_ip")?).map_err(decode)?;
    let prefix: i64 = r.try_get("prefix_len")?;
    let bits = u32::MAX.checked_shl(32 - prefix as u32).unwrap_or(0);
    let sync: String = r.try_get("sync")?;
    let drift = match sync.as_str() {
        "" => None,
        "InSync" => Some(DriftStatus::InSync),
        "OutOfSync" => Some(DriftStatus::OutOfSync {
            differences: Vec::new(),
        }),
        _ => {
            let own: Option<String> = r.try_get("own_unreachable")?;
            let theirs: Option<String> = r.try_get("partner_unreachable")?;
            let known: Option<String> = r.try_get("partner_known")?;
            let reason = match (own, theirs, known, &partner) {
                (Some(e), _, _, _) => e,
                (None, Some(e), _, _) => e,
                (None, None, None, Some(p)) => format!("partner {p} is not managed by Tandem"),
                _ => "not compared yet".into(),
            };
            Some(DriftStatus::Unknown { reason })
        }
    };
    let error: Option<String> = r.try_get("sync_error")?;
    let at: Option<String> = r.try_get("sync_error_at")?;
    let usage = usage_in(r)?;
    Ok(ScopeRow {
        server,
        scope_id: ScopeId::parse(&r.try_get::<String, _>("scope_id")?).map_err(decode)?,
        name: r.try_get("name")?,
        range: IpRange::new(start, end).map_err(decode)?,
        subnet_mask: std::net::Ipv4Addr::from(bits).to_string(),
        state: ScopeState::parse(&r.try_get::<String, _>("state")?).unwrap_or_default(),
        reservations: r.try_get::<i64, _>("reservations")? as usize,
        relationship: r.try_get("relationship")?,
        partner,
        sync_error: error
            .map(|e| format!("{e} (since {})", at.unwrap_or_default().replace('T', " "))),
        drift,
        usage,
        shared_network: r.try_get("shared_network")?,
    })
}

/// One page of scopes matching `q`, and how many match in all.
pub async fn scopes(
    conn: &mut AnyConnection,
    q: &ScopeQuery,
    allowed: Option<&[ServerName]>,
) -> Result<(Vec<ScopeRow>, u64), sqlx::Error> {
    scopes_counted(conn, q, allowed, None).await
}

/// [`scopes`], with the number of matching scopes given when it is known (then not counted).
pub async fn scopes_counted(
    conn: &mut AnyConnection,
    q: &ScopeQuery,
    allowed: Option<&[ServerName]>,
    known_total: Option<u64>,
) -> Result<(Vec<ScopeRow>, u64), sqlx::Error> {
    let mut f = Filter::default();
    f.servers("s.server", allowed);
    if let Some(server) = &q.server {
        f.push("s.server = ?", server.to_lowercase());
    }
    if let Some(scope) = &q.scope {
        f.params.push(scope.clone());
        let n = f.params.len();
        f.raw(&format!("substr(s.scope_id, 1, length(${n})) = ${n}"));
    }
    if let Some(name) = &q.name {
        f.push("s.name_key LIKE ? ESCAPE '\\'", contains(name));
    }
    if let Some(state) = q.state {
        f.push("s.state = ?", state.as_str().into());
    }
    if let Some(relationship) = &q.relationship {
        f.push("s.relationship = ?", relationship.clone());
    }
    if let Some(network) = &q.shared_network {
        f.push("s.shared_network = ?", network.clone());
    }
    match q.sync {
        None => {}
        Some(SyncFilter::InSync) => f.raw("s.sync = 'InSync'"),
        Some(SyncFilter::OutOfSync) => f.raw("s.sync = 'OutOfSync'"),
        Some(SyncFilter::Unknown) => f.raw("s.sync = 'Unknown'"),
        Some(SyncFilter::Drift) => f.raw("s.sync IN ('OutOfSync', 'Unknown')"),
        Some(SyncFilter::NotInFailover) => f.raw("s.sync = ''"),
        Some(SyncFilter::Error) => f.raw("e.error IS NOT NULL"),
    }
    if let Some(over) = q.usage_over {
        // A whole percentage from 1 to 99 (a number, never text from the request).
        f.raw(&format!(
            "s.usage_permille > {}",
            u64::from(over.min(99)) * 10
        ));
    }
    let count_joins = if q.sync == Some(SyncFilter::Error) {
        " FROM inventory_scopes s LEFT JOIN scope_sync_errors e
            ON e.relationship = s.relationship AND e.scope_id = s.scope_id"
    } else {
        " FROM inventory_scopes s"
    };
    let where_sql = f.sql();
    let count_sql = format!("SELECT COUNT(*) AS n{count_joins}{where_sql}");
    let total: i64 = match known_total {
        Some(n) => n as i64,
        None => f
            .query(&count_sql)
            .fetch_one(&mut *conn)
            .await?
            .try_get("n")?,
    };
    // The page is found first from the keys alone (an index walk, even for the last page),
    // then only its rows are joined with what they show.
    let dir = if q.descending { "DESC" } else { "ASC" };
    let nulls = if q.descending {
        "NULLS LAST"
    } else {
        "NULLS FIRST"
    };
    let then = format!("scope_key {dir}, server {dir}, scope_id {dir}");
    let order = |t: &str| match q.sort {
        ScopeSort::ScopeId => format!("{t}scope_key {dir}, {t}server {dir}, {t}scope_id {dir}"),
        ScopeSort::Server => format!("{t}server {dir}, {t}scope_key {dir}, {t}scope_id {dir}"),
        ScopeSort::Name => format!("{t}name_key {dir}, {}", qualify(&then, t)),
        ScopeSort::State => format!("{t}state {dir}, {}", qualify(&then, t)),
        ScopeSort::Reservations => format!("{t}reservations {dir}, {}", qualify(&then, t)),
        ScopeSort::Relationship => {
            format!("{t}relationship {dir} {nulls}, {}", qualify(&then, t))
        }
        ScopeSort::Sync => format!("{t}sync {dir}, {}", qualify(&then, t)),
        // Scopes whose figures are not known yet come last either way.
        ScopeSort::Usage => format!("{t}usage_permille {dir} NULLS LAST, {}", qualify(&then, t)),
    };
    let sql = format!(
        "SELECT {SCOPE_COLUMNS} FROM (SELECT s.server AS k_server, s.scope_id AS k_scope{count_joins}{where_sql}
           ORDER BY {} LIMIT {} OFFSET {}) k
         JOIN inventory_scopes s ON s.server = k.k_server AND s.scope_id = k.k_scope
         {SCOPE_JOINS_AFTER} ORDER BY {}",
        order("s."),
        q.page.limit(),
        q.page.offset(),
        order("s."),
    );
    let rows = f.query(&sql).fetch_all(&mut *conn).await?;
    let rows = rows.iter().map(scope_row).collect::<Result<_, _>>()?;
    Ok((rows, total as u64))
}

/// `columns` ("a DESC, b DESC") with each column prefixed by `table` ("s.").
fn qualify(columns: &str, table: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{table}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Servers whose last read failed, with why.
pub async fn unreachable(
    conn: &mut AnyConnection,
    allowed: Option<&[ServerName]>,
) -> Result<Vec<UnreachableServer>, sqlx::Error> {
    let mut f = Filter::default();
    f.servers("server", allowed);
    f.raw("unreachable IS NOT NULL");
    let sql = format!(
        "SELECT server, unreachable FROM inventory_servers{} ORDER BY server",
        f.sql()
    );
    let rows = f.query(&sql).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(UnreachableServer {
                server: ServerName::parse(&r.try_get::<String, _>("server")?)
                    .map_err(|e| sqlx::Error::Decode(e.into()))?,
                reason: r.try_get("unreachable")?,
            })
        })
        .collect()
}

/// One server as the DHCP Servers list shows it, from the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLine {
    pub name: ServerName,
    pub kind: String,
    pub unreachable: Option<String>,
    pub scopes: u64,
    pub failover_scopes: u64,
    pub relationships: u64,
    pub collected_at: String,
    pub write_method: Option<String>,
}

/// One page of servers matching `q`, and how many match in all.
pub async fn servers(
    conn: &mut AnyConnection,
    q: &ServerQuery,
    allowed: Option<&[ServerName]>,
) -> Result<(Vec<ServerLine>, u64), sqlx::Error> {
    let mut f = Filter::default();
    f.servers("v.name", allowed);
    if let Some(name) = &q.name {
        f.push("v.name LIKE ? ESCAPE '\\'", contains(name));
    }
    if q.unreachable {
        f.raw("i.unreachable IS NOT NULL");
    }
    let joins = " FROM servers v LEFT JOIN inventory_servers i ON i.server = v.name";
    let where_sql = f.sql();
    let total: i64 = f
        .query(&format!("SELECT COUNT(*) AS n{joins}{where_sql}"))
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    let dir = if q.descending { "DESC" } else { "ASC" };
    let scopes = "(SELECT COUNT(*) FROM inventory_scopes c WHERE c.server = v.name)";
    let order = match q.sort {
        ServerSort::Name => format!("v.name {dir}"),
        ServerSort::Kind => format!("v.kind {dir}, v.name"),
        ServerSort::Scopes => format!("{scopes} {dir}, v.name"),
        ServerSort::Status => format!("COALESCE(i.unreachable, '') {dir}, v.name"),
    };
    let sql = format!(
        "SELECT v.name, v.kind, i.unreachable, COALESCE(i.relationships, 0) AS relationships,
           COALESCE(i.collected_at, '') AS collected_at, i.write_method, {scopes} AS scopes,
           (SELECT COUNT(*) FROM inventory_scopes c WHERE c.server = v.name
              AND c.relationship IS NOT NULL) AS failover_scopes
         {joins}{where_sql} ORDER BY {order} LIMIT {} OFFSET {}",
        q.page.limit(),
        q.page.offset()
    );
    let rows = f.query(&sql).fetch_all(&mut *conn).await?;
    let lines = rows
        .iter()
        .map(|r| {
            Ok(ServerLine {
                name: ServerName::parse(&r.try_get::<String, _>("name")?)
                    .map_err(|e| sqlx::Error::Decode(e.into()))?,
                kind: r.try_get("kind")?,
                unreachable: r.try_get("unreachable")?,
                scopes: r.try_get::<i64, _>("scopes")? as u64,
                failover_scopes: r.try_get::<i64, _>("failover_scopes")? as u64,
                relationships: r.try_get::<i64, _>("relationships")? as u64,
                collected_at: r.try_get("collected_at")?,
                write_method: r.try_get("write_method")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((lines, total as u64))
}

/// Counts for the Dashboard: failover scopes, and those that drift or carry a sync error.
pub async fn failover_counts(
    conn: &mut AnyConnection,
    allowed: Option<&[ServerName]>,
) -> Result<(u64, u64, u64), sqlx::Error> {
    let mut f = Filter::default();
    f.servers("s.server", allowed);
    f.raw("s.relationship IS NOT NULL");
    let sql = format!(
        "SELECT COUNT(*) AS n,
           SUM(CASE WHEN s.sync IN ('OutOfSync', 'Unknown') THEN 1 ELSE 0 END) AS drift,
           SUM(CASE WHEN e.error IS NOT NULL THEN 1 ELSE 0 END) AS errors
         FROM inventory_scopes s LEFT JOIN scope_sync_errors e
           ON e.relationship = s.relationship AND e.scope_id = s.scope_id{}",
        f.sql()
    );
    let r = f.query(&sql).fetch_one(conn).await?;
    let n = |c: &str| -> Result<u64, sqlx::Error> {
        Ok(r.try_get::<Option<i64>, _>(c)?.unwrap_or(0) as u64)
    };
    Ok((n("n")?, n("drift")?, n("errors")?))
}

/// The global search: reservations whose address or client ID starts with `text`, or whose
/// name does (any case), across every scope on every server the caller reaches.
pub async fn search_reservations(
    conn: &mut AnyConnection,
    text: &str,
    allowed: Option<&[ServerName]>,
) -> Result<Vec<ReservationHit>, sqlx::Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    // A MAC address is matched in Tandem's own spelling (aa-bb-…), however it was typed; the
    // other identifiers in Kea's (01:aa:…).
    let mac = MacAddress::parse(text)
        .map(|m| m.to_string())
        .unwrap_or_else(|_| text.to_lowercase().replace(':', "-"));
    let colons = text.to_lowercase().replace('-', ":");
    let lower = text.to_lowercase();
    let upper = |s: &str| format!("{s}\u{10FFFF}");
    let mut f = Filter::default();
    f.servers("server", allowed);
    let scope_sql = f.sql();
    let and = if scope_sql.is_empty() {
        " WHERE "
    } else {
        " AND "
    };
    let base = f.params.len();
    let branch = |col: &str, i: usize| {
        format!(
            "SELECT server, scope_id, ip, ip_key, client_id, identifier_type, name, description,
               kind
             FROM inventory_reservations{scope_sql}{and}{col} >= ${} AND {col} < ${}",
            base + i * 2 + 1,
            base + i * 2 + 2
        )
    };
    let sql = format!(
        "{} UNION {} UNION {} UNION {} ORDER BY ip_key, server LIMIT {SEARCH_LIMIT}",
        branch("ip", 0),
        branch("client_id", 1),
        branch("name_key", 2),
        branch("client_id", 3)
    );
    let mut q = f.query(&sql);
    for p in [text.to_string(), mac, lower, colons] {
        q = q.bind(p.clone()).bind(upper(&p));
    }
    let rows = q.fetch_all(conn).await?;
    let decode = |e: String| sqlx::Error::Decode(e.into());
    rows.iter()
        .map(|r| {
            Ok(ReservationHit {
                server: ServerName::parse(&r.try_get::<String, _>("server")?).map_err(decode)?,
                scope_id: ScopeId::parse(&r.try_get::<String, _>("scope_id")?).map_err(decode)?,
                reservation: Reservation {
                    ip_address: tandem_core::model::parse_ipv4(&r.try_get::<String, _>("ip")?)
                        .map_err(decode)?,
                    client_id: ClientId::parse(
                        IdentifierType::parse(&r.try_get::<String, _>("identifier_type")?)
                            .map_err(decode)?,
                        &r.try_get::<String, _>("client_id")?,
                    )
                    .map_err(decode)?,
                    name: r.try_get("name")?,
                    description: r.try_get("description")?,
                    kind: ReservationType::parse(&r.try_get::<String, _>("kind")?)
                        .map_err(decode)?,
                    settings: Default::default(),
                },
            })
        })
        .collect()
}

/// Records how full each scope of `server` is (`figures`), or why they could not be read
/// (`unread`: the old figures stay). Returns whether anything the views show changed.
pub async fn record_usage(
    conn: &mut AnyConnection,
    server: &ServerName,
    figures: &[(ScopeId, ScopeUsage)],
    unread: Option<&str>,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE inventory_servers SET usage_unread = $2 WHERE server = $1")
        .bind(server.as_str())
        .bind(unread)
        .execute(&mut *conn)
        .await?;
    if unread.is_some() {
        return Ok(false);
    }
    let rows = sqlx::query(
        "SELECT scope_id, usage_total, usage_in_use, usage_reserved, usage_free
         FROM inventory_scopes WHERE server = $1",
    )
    .bind(server.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut held: HashMap<String, [Option<i64>; 4]> = HashMap::new();
    for r in &rows {
        held.insert(
            r.try_get("scope_id")?,
            [
                r.try_get("usage_total")?,
                r.try_get("usage_in_use")?,
                r.try_get("usage_reserved")?,
                r.try_get("usage_free")?,
            ],
        );
    }
    let mut changed = false;
    for (scope, u) in figures {
        let id = scope.to_string();
        let now = [u.total, u.in_use, u.reserved, u.free].map(|n| Some(n as i64));
        match held.get(&id) {
            // A scope the inventory does not hold (yet): its row comes with the next read.
            None => continue,
            Some(h) if *h == now => continue,
            Some(_) => {}
        }
        sqlx::query(
            "UPDATE inventory_scopes SET usage_total = $3, usage_in_use = $4,
               usage_reserved = $5, usage_free = $6, usage_permille = $7
             WHERE server = $1 AND scope_id = $2",
        )
        .bind(server.as_str())
        .bind(&id)
        .bind(u.total as i64)
        .bind(u.in_use as i64)
        .bind(u.reserved as i64)
        .bind(u.free as i64)
        .bind(u.permille() as i64)
        .execute(&mut *conn)
        .await?;
        changed = true;
    }
    Ok(changed)
}

/// The figures the inventory holds for one scope on one server.
pub async fn usage_of(
    conn: &mut AnyConnection,
    server: &ServerName,
    scope: ScopeId,
) -> Result<Option<ScopeUsage>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT usage_total, usage_in_use, usage_reserved, usage_free FROM inventory_scopes
         WHERE server = $1 AND scope_id = $2",
    )
    .bind(server.as_str())
    .bind(scope.to_string())
    .fetch_optional(conn)
    .await?;
    match row {
        Some(r) => usage_in(&r),
        None => Ok(None),
    }
}

/// A row's figures (`usage_total`, `usage_in_use`, `usage_reserved`, `usage_free`), when
/// they have been read.
fn usage_in(r: &sqlx::any::AnyRow) -> Result<Option<ScopeUsage>, sqlx::Error> {
    let figure = |c: &str| -> Result<Option<u64>, sqlx::Error> {
        Ok(r.try_get::<Option<i64>, _>(c)?.map(|n| n.max(0) as u64))
    };
    Ok(
        match (
            figure("usage_total")?,
            figure("usage_in_use")?,
            figure("usage_reserved")?,
            figure("usage_free")?,
        ) {
            (Some(total), Some(in_use), Some(reserved), Some(free)) => Some(ScopeUsage {
                total,
                in_use,
                reserved,
                free,
            }),
            _ => None,
        },
    )
}
