//! Runs the built-in servers whose configuration files sit in a folder, each on its own
//! loopback port, inside the Tandem process.

use super::{BuiltinServer, ServerConfig, api};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tandem_core::ServerName;
use tokio::task::JoinHandle;

/// A built-in server that is serving its native API.
pub struct Running {
    pub name: ServerName,
    pub addr: SocketAddr,
    pub server: Arc<BuiltinServer>,
    pub task: JoinHandle<()>,
}

impl Running {
    /// The base URL of its native API.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Starts one built-in server from its file. A port of 0 is replaced by the free port the
/// system gives, and saved, so that the server keeps its address across restarts.
pub async fn start(path: &Path) -> std::io::Result<Running> {
    let mut config = ServerConfig::load(path).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("{}: cannot listen on {}: {e}", config.name, config.listen),
            )
        })?;
    let addr = listener.local_addr()?;
    if config.listen != addr {
        config.listen = addr;
        config.save(path).await?;
    }
    let name = config.name.clone();
    let secret = super::api_secret(path.parent().unwrap_or(Path::new(".")))?;
    let server = Arc::new(BuiltinServer::new(path.to_path_buf(), config));
    let app = api::router(server.clone(), &secret, addr);
    let heartbeats = server.clone();
    // Heartbeats go to partners kept in the same folder: they carry the same secret.
    let mut headers = reqwest::header::HeaderMap::new();
    let bearer = reqwest::header::HeaderValue::from_str(&format!("Bearer {secret}"))
        .map_err(std::io::Error::other)?;
    headers.insert(reqwest::header::AUTHORIZATION, bearer);
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .map_err(std::io::Error::other)?;
    let task = tokio::spawn(async move {
        // The failover state machine runs beside the API, for as long as the server does.
        let beat = tokio::spawn(async move {
            loop {
                let interval = heartbeats.snapshot().await.timing.heartbeat();
                tokio::time::sleep(interval).await;
                heartbeats.tick(&client).await;
            }
        });
        if let Err(e) = axum::serve(crate::listen::without_delay(listener), app).await {
            tracing::error!(error = %e, "built-in server stopped");
        }
        beat.abort();
    });
    tracing::info!(server = %name, %addr, "built-in DHCP server listening");
    Ok(Running {
        name,
        addr,
        server,
        task,
    })
}

/// Tells each built-in server where its partners listen, for their heartbeats.
pub async fn introduce(running: &[Running]) -> std::io::Result<()> {
    let endpoints: std::collections::HashMap<ServerName, String> = running
        .iter()
        .map(|r| (r.name.clone(), r.endpoint()))
        .collect();
    for r in running {
        r.server
            .set_partner_endpoints(&endpoints)
            .await
            .map_err(|e| std::io::Error::other(format!("{}: {e:?}", r.name)))?;
    }
    Ok(())
}

/// Starts every built-in server configured in `dir` (one `<fqdn>.json` each).
pub async fn start_all(dir: &Path) -> std::io::Result<Vec<Running>> {
    let mut paths = Vec::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut running = Vec::new();
    for path in paths {
        running.push(start(&path).await?);
    }
    Ok(running)
}
