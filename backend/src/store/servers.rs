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

#[derive(Clone, PartialEq, Eq)]
pub struct ServerRecord {
    pub id: i64,
    pub name: ServerName,
    pub kind: ServerKind,
    pub endpoint: String,
    /// How Tandem authenticates to the server's control channel.
    pub access: ControlAccess,
}

impl std::fmt::Debug for ServerRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerRecord")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("endpoint", &self.endpoint)
            .field("access", &self.access)
            .finish()
    }
}

/// HTTP basic authentication and the CA file for an `https://` control channel. The password
/// is write-only: it is stored to be sent to the server and is never shown (its `Debug` says
/// only whether there is one).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ControlAccess {
    pub user: Option<String>,
    pub password: Option<String>,
    pub ca_file: Option<String>,
}

impl std::fmt::Debug for ControlAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlAccess")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "(set)"))
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

const COLUMNS: &str = "id, name, kind, endpoint, control_user, control_password, control_ca_file";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ServerRecord, sqlx::Error> {
    let name: String = row.try_get("name")?;
    Ok(ServerRecord {
        id: row.try_get("id")?,
        name: ServerName::parse(&name).map_err(|e| sqlx::Error::Decode(e.into()))?,
        kind: ServerKind::from_db(&row.try_get::<String, _>("kind")?)?,
        endpoint: row.try_get("endpoint")?,
        access: ControlAccess {
            user: row.try_get("control_user")?,
            password: row.try_get("control_password")?,
            ca_file: row.try_get("control_ca_file")?,
        },
    })
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<ServerRecord>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM servers ORDER BY name"))
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// How many servers Tandem manages among `allowed` (every one when `None`).
pub async fn count(
    conn: &mut AnyConnection,
    allowed: Option<&[ServerName]>,
) -> Result<u64, sqlx::Error> {
    let mut f = super::filter::Filter::default();
    f.servers("name", allowed);
    let sql = format!("SELECT COUNT(*) AS n FROM servers{}", f.sql());
    Ok(f.query(&sql)
        .fetch_one(conn)
        .await?
        .try_get::<i64, _>("n")? as u64)
}

pub async fn find(
    conn: &mut AnyConnection,
    name: &ServerName,
) -> Result<Option<ServerRecord>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM servers WHERE name = $1"))
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

/// Sets how Tandem authenticates to a server's control channel.
pub async fn set_access(
    conn: &mut AnyConnection,
    name: &ServerName,
    access: &ControlAccess,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE servers SET control_user = $2, control_password = $3, control_ca_file = $4
         WHERE name = $1",
    )
    .bind(name.as_str())
    .bind(access.user.as_deref())
    .bind(access.password.as_deref())
    .bind(access.ca_file.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}
