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

/// How this instance starts, where several may share one database.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// This instance's name among those on the database (stable across its restarts);
    /// default: its host and process ID.
    pub instance: Option<String>,
    /// Reach the built-in servers another instance hosts (over their native API, with the
    /// secret in this data folder) rather than host them here.
    pub builtin_remote: bool,
}

pub async fn start(data_dir: &Path, database_url: Option<&str>) -> Result<Started, StartError> {
    start_with(data_dir, database_url, &StartOptions::default()).await
}

/// [`start`], as `options` say.
pub async fn start_with(
    data_dir: &Path,
    database_url: Option<&str>,
    options: &StartOptions,
) -> Result<Started, StartError> {
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
    let builtin = builtin_dir(data_dir);
    if options.builtin_remote {
        // Another instance hosts the built-in servers (and seeded the first run).
        let secret = remote_secret(&builtin)?;
        return Ok(Started {
            tandem: services(store, secret, options).await?,
            builtin: Vec::new(),
            seeded: false,
        });
    }
    let mut conn = store.pool().acquire().await?;
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
    Ok(Started {
        tandem: services(store, secret, options).await?,
        builtin: running,
        seeded: first_run,
    })
}

/// The services over `store`, named as `options` say, once what a killed process left
/// half-done is flagged (nothing stays pending).
async fn services(
    store: Store,
    builtin_secret: String,
    options: &StartOptions,
) -> Result<Tandem, StartError> {
    let mut tandem = Tandem::new(store).with_builtin_secret(Some(builtin_secret));
    if let Some(name) = &options.instance {
        tandem = tandem.with_instance(name);
    }
    tandem
        .recover_interrupted()
        .await
        .map_err(|e| StartError::Recovery(e.to_string()))?;
    Ok(tandem)
}

/// The built-in servers' API secret, for an instance that reaches them without hosting them:
/// the hosting instance's file, shared or copied into this data folder.
fn remote_secret(builtin: &Path) -> Result<String, StartError> {
    let path = builtin.join(crate::builtin::API_SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= 32 => Ok(text.trim().to_string()),
        Ok(_) => Err(StartError::Builtin(std::io::Error::other(format!(
            "{} is not a built-in servers' API secret",
            path.display()
        )))),
        Err(e) => Err(StartError::Builtin(std::io::Error::other(format!(
            "this instance reaches the built-in servers another instance hosts (--builtin remote): \
             it needs their API secret at {} (the hosting instance's <data-dir>/builtin/{}, \
             shared or copied, mode 0600): {e}",
            path.display(),
            crate::builtin::API_SECRET_FILE
        )))),
    }
}
