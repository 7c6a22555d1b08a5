//! Storage: Tandem's own records (servers, sync errors, the Event Catalog) through sqlx.
//! SQLite is the embedded default; PostgreSQL is the scale-out path. Queries are written once
//! in the SQL both accept (`$n` parameters, text timestamps) and run through sqlx's `Any`
//! driver; only the migrations differ, one folder per database.

pub mod drafts;
pub mod events;
pub mod failover;
mod filter;
pub mod inventory;
pub mod limits;
pub mod review;
pub mod servers;
pub mod sessions;
pub mod sync_errors;
pub mod tokens;
pub mod users;
pub mod watch;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions};
use std::str::FromStr;

static SQLITE: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("../migrations/postgres");

/// The advisory lock key that orders Tandem's read-then-write transactions on PostgreSQL.
const WRITE_LOCK: i64 = 0x7461_6e64_656d; // "tandem"

/// The database Tandem keeps its records in.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    is_sqlite: bool,
    /// The PostgreSQL URL, for what needs a connection of its own (`LISTEN`, a lock held as
    /// long as this process lives); `None` on SQLite.
    postgres: Option<std::sync::Arc<str>>,
}

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`), creating a SQLite file
    /// if it is missing, and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let is_sqlite = url.starts_with("sqlite:");
        // A SQLite file Tandem creates is 0600 from the start.
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .map(|rest| rest.split('?').next().unwrap_or(rest))
            .filter(|p| !p.is_empty() && !p.starts_with(':') && url.contains("mode=rwc"))
        {
            crate::files::private_file(std::path::Path::new(path))?;
        }
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            // One writer at a time is what SQLite allows; more connections only queue.
            .max_connections(if is_sqlite { 4 } else { 16 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if is_sqlite {
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout = 5000")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA foreign_keys = ON")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let migrator = if is_sqlite { &SQLITE } else { &POSTGRES };
        migrator.run(&pool).await?;
        let postgres = (!is_sqlite).then(|| url.into());
        Ok(Self {
            pool,
            is_sqlite,
            postgres,
        })
    }

    /// A transaction that reads and then writes, one at a time: SQLite's `BEGIN IMMEDIATE`
    /// (the write lock from the start, so two such transactions never both read and then
    /// fail to upgrade: "database is locked"); on PostgreSQL a transaction-scoped advisory
    /// lock, which orders them the same way.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        if self.is_sqlite {
            return self.pool.begin_with("BEGIN IMMEDIATE").await;
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// The PostgreSQL URL when Tandem keeps its records there (several instances may share
    /// it); `None` on SQLite (one instance).
    pub fn postgres_url(&self) -> Option<&str> {
        self.postgres.as_deref()
    }

    /// Whether the database answers now (`/health`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Now, as the text timestamp every table stores (RFC 3339, UTC, milliseconds).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
