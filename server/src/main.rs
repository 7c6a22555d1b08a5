//! `tandem`: serves the portal (the default), or, with `server`, manages a built-in DHCP server
//! through its own native API, as the seed's PowerShell cmdlets do.

use clap::Parser;
use server::config::{Cli, Command};
use server::{cli, web};

/// Each worker thread's stack: rendering a page walks its view tree recursively, and an
/// unoptimized build's frames are large (a dialog with a dozen fields overflowed the default
/// 2 MiB and took the whole process down).
const WORKER_STACK: usize = 16 << 20;

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK)
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Server(cmd)) => cli::run(&cli.serve.data_dir, cmd).await,
        Some(Command::User(action)) => cli::run_user(&cli.serve, action).await,
        Some(Command::Kea(action)) => cli::run_kea(&cli.serve, action).await,
        Some(Command::Loadout {
            servers,
            scopes,
            reservations,
        }) => {
            let plan = tandem_backend::loadout::Plan {
                servers,
                scopes,
                reservations,
            };
            cli::run_loadout(&cli.serve, plan).await
        }
        Some(Command::Serve) | None => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
                )
                .init();
            web::Application::build(cli.serve)
                .await?
                .run_until_stopped()
                .await
        }
    }
}
