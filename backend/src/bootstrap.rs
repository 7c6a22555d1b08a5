//! Starting Tandem's server side: open (and migrate) the database, seed the first run with the
//! seed's example pair, start the built-in servers and record where they listen.

use crate::Tandem;
use crate::builtin::{host, seed};
use crate::store::{self, Store, servers::ServerKind};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("built-in servers: {0}")]
    Builtin(std::io::Error),
    #[error("marking interrupted changes: {0}")]
    Recovery(String),
}

/// Tandem's services with the built-in servers that run inside this process.
pub struct Started {
    pub tandem: Tandem,
    pub builtin: Vec<host::Running>,
    /// True when this start created the seed's example.
    pub seeded: bool,
}

/// The database URL used when none is given: a SQLite file in the data directory.
pub fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("tandem.db").display())
}

/// Where the built-in servers keep their own configuration, apart from Tandem's database.
pub fn builtin_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("builtin")
}

pub async fn start(data_dir: &Path, database_url: Option<&str>) -> Result<Started, StartError> {
    let dir_error = |source| StartError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    };
    crate::files::private_dir(data_dir)
        .await
        .map_err(dir_error)?;
    let url = database_url
        .map(str::to_string)
        .unwrap_or_else(|| default_database_url(data_dir));
    let store = Store::connect(&url).await?;
    let mut conn = store.pool().acquire().await?;
    let builtin = builtin_dir(data_dir);
    let first_run = store::servers::list(&mut conn).await?.is_empty()
        && !tokio::fs::try_exists(&builtin).await.map_err(dir_error)?;
    if first_run {
        seed::write_seed_servers(&builtin)
            .await
            .map_err(StartError::Builtin)?;
    }
    crate::files::private_dir(&builtin)
        .await
        .map_err(dir_error)?;
    let running = host::start_all(&builtin)
        .await
        .map_err(StartError::Builtin)?;
    host::introduce(&running)
        .await
        .map_err(StartError::Builtin)?;
    for server in &running {
        store::servers::upsert(
            &mut conn,
            &server.name,
            ServerKind::Builtin,
            &server.endpoint(),
        )
        .await?;
    }
    drop(conn);
    let secret = crate::builtin::api_secret(&builtin).map_err(StartError::Builtin)?;
    let tandem = Tandem::new(store).with_builtin_secret(Some(secret));
    // Nothing stays pending: what a killed process left half-done is flagged.
    tandem
        .recover_interrupted()
        .await
        .map_err(|e| StartError::Recovery(e.to_string()))?;
    Ok(Started {
        tandem,
        builtin: running,
        seeded: first_run,
    })
}
