//! The managed servers: name, kind of driver, and where to reach it.

use sqlx::{AnyConnection, Row};
use tandem_core::ServerName;

/// Which driver speaks to a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ServerKind {
    Builtin,
    Kea,
}

impl ServerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Builtin => "builtin",
            Self::Kea => "kea",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "builtin" => Some(Self::Builtin),
            "kea" => Some(Self::Kea),
            _ => None,
        }
    }

    fn from_db(s: &str) -> Result<Self, sqlx::Error> {
        Self::parse(s)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown server kind '{s}'").into()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerRecord {
    pub id: i64,
    pub name: ServerName,
    pub kind: ServerKind,
    pub endpoint: String,
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<ServerRecord, sqlx::Error> {
    let name: String = row.try_get("name")?;
    Ok(ServerRecord {
        id: row.try_get("id")?,
        name: ServerName::parse(&name).map_err(|e| sqlx::Error::Decode(e.into()))?,
        kind: ServerKind::from_db(&row.try_get::<String, _>("kind")?)?,
        endpoint: row.try_get("endpoint")?,
    })
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<ServerRecord>, sqlx::Error> {
    sqlx::query("SELECT id, name, kind, endpoint FROM servers ORDER BY name")
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn find(
    conn: &mut AnyConnection,
    name: &ServerName,
) -> Result<Option<ServerRecord>, sqlx::Error> {
    sqlx::query("SELECT id, name, kind, endpoint FROM servers WHERE name = $1")
        .bind(name.as_str())
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Adds a server, or updates how to reach it when it is already known.
pub async fn upsert(
    conn: &mut AnyConnection,
    name: &ServerName,
    kind: ServerKind,
    endpoint: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO servers (name, kind, endpoint, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, endpoint = excluded.endpoint",
    )
    .bind(name.as_str())
    .bind(kind.as_str())
    .bind(endpoint)
    .bind(super::now())
    .execute(conn)
    .await?;
    Ok(())
}
