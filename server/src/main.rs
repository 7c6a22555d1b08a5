//! `tandem`: serves the portal (the default), or, with `server`, manages a built-in DHCP server
//! through its own native API, as the seed's PowerShell cmdlets do.

use clap::Parser;
use server::config::{Cli, Command, LogFormat, Output, RemoteCommand, RemoteScope};
use server::{cli, remote, web};

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
    let through_api = |command| {
        let how = remote::Reach {
            url: cli.url.clone(),
            token: cli.token.clone(),
            profile: cli.profile.clone(),
        };
        remote_run(how, cli.output, command)
    };
    match cli.command {
        Some(Command::Reservation(action)) => through_api(RemoteCommand::Reservation(action)).await,
        Some(Command::Replicate {
            server,
            scope,
            relationship,
            dry_run,
            basis,
        }) => {
            through_api(RemoteCommand::Replicate {
                server,
                scope,
                relationship,
                dry_run,
                basis,
            })
            .await
        }
        Some(Command::Undo { event }) => through_api(RemoteCommand::Undo { event }).await,
        Some(Command::Failover(action)) => through_api(RemoteCommand::Failover(action)).await,
        Some(Command::GlobalReservation(action)) => {
            through_api(RemoteCommand::GlobalReservation(action)).await
        }
        Some(Command::Scope(RemoteScope::Replicate {
            server,
            scope,
            dry_run,
        })) => {
            through_api(RemoteCommand::Replicate {
                server,
                scope: Some(scope),
                relationship: None,
                dry_run,
                basis: None,
            })
            .await
        }
        Some(Command::Scope(action)) => through_api(RemoteCommand::Scope(action)).await,
        Some(Command::Event(action)) => through_api(RemoteCommand::Event(action)).await,
        Some(Command::Lease(action)) => through_api(RemoteCommand::Lease(action)).await,
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "tandem", &mut std::io::stdout());
            Ok(())
        }
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
            init_logs(cli.serve.log_format);
            web::Application::build(cli.serve)
                .await?
                .run_until_stopped()
                .await
        }
    }
}

/// The log on standard output: `RUST_LOG` filters it (default: info); colour only when it goes
/// to a terminal (and `NO_COLOR` is unset); JSON, one object per line, when asked.
fn init_logs(format: LogFormat) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_ansi(false)
            .init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .init(),
    }
}

/// Runs a command through Tandem's REST API; a failure exits with its code (1 refused, 2 usage,
/// 3 unreachable) after saying why on stderr.
async fn remote_run(
    how: remote::Reach,
    output: Output,
    command: RemoteCommand,
) -> anyhow::Result<()> {
    if let Err(failure) = remote::run(how, output, command).await {
        eprintln!("{}", failure.message());
        std::process::exit(failure.exit_code());
    }
    Ok(())
}
