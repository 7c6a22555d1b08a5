//! `tandem server <fqdn> …`: the built-in server's native API from a shell, printing the
//! seed's columns. It reads the server's own file for its address and goes straight to it,
//! bypassing Tandem: nothing done here is replicated.

use crate::config::{LeaseAction, ReservationAction, ServerAction, ServerCommand};
use anyhow::Context;
use std::path::Path;
use tandem_backend::bootstrap::builtin_dir;
use tandem_backend::builtin::ServerConfig;
use tandem_backend::driver::{BuiltinDriver, DhcpDriver};
use tandem_core::validate::NewReservation;
use tandem_core::{Scope, ScopeId, ServerName, parse_ipv4};

const WIDTH: usize = 20;

fn line(cells: &[&str], widths: &[usize]) -> String {
    cells
        .iter()
        .zip(widths)
        .map(|(c, w)| format!("{c:<w$}"))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end()
        .to_string()
}

/// Whether [`table`] prints CSV (`--output csv`): set once, before anything is printed.
static AS_CSV: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes every [`table`] of this run print as CSV.
pub(crate) fn tables_as_csv() {
    AS_CSV.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// One CSV line (RFC 4180): a cell with a comma, quote or line break quoted.
fn csv_line(cells: &[&str]) -> String {
    cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Rows under headers in the seed's PowerShell column layout; a column holding a longer cell
/// (a DUID, a circuit ID) is widened to it, so that every column stays aligned. With
/// `--output csv`, the same rows as CSV.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>]) {
    if AS_CSV.load(std::sync::atomic::Ordering::Relaxed) {
        println!("{}", csv_line(headers));
        for row in rows {
            println!(
                "{}",
                csv_line(&row.iter().map(String::as_str).collect::<Vec<_>>())
            );
        }
        return;
    }
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .chain([WIDTH])
                .max()
                .unwrap_or(WIDTH)
        })
        .collect();
    println!("{}", line(headers, &widths));
    let dashes: Vec<String> = headers.iter().map(|h| "-".repeat(h.len())).collect();
    println!(
        "{}",
        line(
            &dashes.iter().map(String::as_str).collect::<Vec<_>>(),
            &widths
        )
    );
    for row in rows {
        println!(
            "{}",
            line(&row.iter().map(String::as_str).collect::<Vec<_>>(), &widths)
        );
    }
}

fn parse<T>(what: &str, r: Result<T, String>) -> anyhow::Result<T> {
    r.map_err(|m| anyhow::anyhow!("{what}: {m}"))
}

pub async fn run(data_dir: &Path, cmd: ServerCommand) -> anyhow::Result<()> {
    let name = parse("server", ServerName::parse(&cmd.name))?;
    let path = ServerConfig::path_in(&builtin_dir(data_dir), &name);
    let config = ServerConfig::load(&path).await.with_context(|| {
        format!(
            "{name} is not a built-in server in {} (is --data-dir right?)",
            data_dir.display()
        )
    })?;
    // The native API's secret sits beside the servers' files (readable by their owner only).
    let secret =
        tandem_backend::builtin::api_secret(&builtin_dir(data_dir)).with_context(|| {
            format!(
                "reading the built-in servers' API secret in {}",
                data_dir.display()
            )
        })?;
    let driver = BuiltinDriver::new(
        name.clone(),
        format!("http://{}", config.listen),
        reqwest::Client::new(),
        Some(secret),
    );
    match cmd.action {
        ServerAction::Reservation(ReservationAction::List { scope }) => {
            let scope = parse("--scope", ScopeId::parse(&scope))?;
            let s = driver.scope(scope).await?;
            print_reservations(&s);
        }
        ServerAction::Reservation(ReservationAction::Add {
            scope,
            ip,
            client_id,
            identifier_type,
            name,
            description,
            kind,
            settings,
        }) => {
            let scope = parse("--scope", ScopeId::parse(&scope))?;
            let options = settings.option_inputs();
            let input = NewReservation {
                ip_address: ip,
                client_id,
                identifier_type,
                name,
                description,
                kind,
                next_server: settings.next_server,
                server_hostname: settings.server_hostname,
                boot_file_name: settings.boot_file_name,
                options,
                client_classes: settings
                    .client_classes
                    .map(|c| tandem_core::validate::class_list(&c)),
            };
            let r = input.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            driver.add_reservation(scope, &r).await?;
        }
        ServerAction::Reservation(ReservationAction::Remove { scope, ip }) => {
            let scope = parse("--scope", ScopeId::parse(&scope))?;
            let ip = parse("--ip", parse_ipv4(&ip))?;
            driver.remove_reservation(scope, ip).await?;
        }
        ServerAction::Lease(LeaseAction::Find { q }) => {
            let query = parse("--q", tandem_core::usage::LeaseQuery::parse(&q))?;
            let rows: Vec<Vec<String>> = driver
                .find_leases(&query)
                .await?
                .into_iter()
                .map(|l| {
                    vec![
                        l.ip_address.to_string(),
                        l.scope_id.map(|s| s.to_string()).unwrap_or_default(),
                        l.mac,
                        l.hostname,
                        l.state.label().to_string(),
                        l.expires,
                    ]
                })
                .collect();
            if rows.is_empty() {
                eprintln!("no lease matches");
            } else {
                table(
                    &[
                        "IPAddress",
                        "ScopeId",
                        "ClientId",
                        "HostName",
                        "AddressState",
                        "LeaseExpiryTime",
                    ],
                    &rows,
                );
            }
        }
        ServerAction::Lease(LeaseAction::Add {
            scope,
            ip,
            client_id,
            hostname,
            hours,
            declined,
        }) => {
            let lease = tandem_backend::builtin::Lease {
                scope_id: parse("--scope", ScopeId::parse(&scope))?,
                ip_address: parse("--ip", parse_ipv4(&ip))?,
                client_id: parse("--client-id", tandem_core::MacAddress::parse(&client_id))?,
                expires: (chrono::Utc::now()
                    + chrono::Duration::hours(hours.clamp(-87_600, 87_600)))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                hostname,
                declined,
            };
            driver.add_lease(&lease).await?;
        }
        ServerAction::Scopes => {
            let rows: Vec<Vec<String>> = driver
                .scopes()
                .await?
                .iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        s.subnet_mask().to_string(),
                        s.name.clone(),
                        format!("{:?}", s.state),
                        s.range.start().to_string(),
                        s.range.end().to_string(),
                        format!("{}", s.lease_duration_secs),
                    ]
                })
                .collect();
            table(
                &[
                    "ScopeId",
                    "SubnetMask",
                    "Name",
                    "State",
                    "StartRange",
                    "EndRange",
                    "LeaseDuration(s)",
                ],
                &rows,
            );
        }
        ServerAction::Failover => {
            for report in driver.failover().await? {
                let r = &report.relationship;
                println!("{:<20}: {}", "Name", r.name);
                println!(
                    "{:<20}: {}",
                    "PartnerServer",
                    r.partner_of(&name)
                        .map(ToString::to_string)
                        .unwrap_or_default()
                );
                println!("{:<20}: {}", "Mode", r.mode.name());
                match r.mode {
                    tandem_core::FailoverMode::LoadBalance {
                        load_balance_percent,
                    } => {
                        println!(
                            "{:<20}: {}",
                            "LoadBalancePercent",
                            load_balance_percent.value()
                        );
                    }
                    tandem_core::FailoverMode::HotStandby {
                        server_role,
                        reserve_percent,
                    } => {
                        println!("{:<20}: {server_role:?}", "ServerRole");
                        println!("{:<20}: {}", "ReservePercent", reserve_percent.value());
                    }
                }
                let mclt = r.max_client_lead_time_secs;
                println!(
                    "{:<20}: {:02}:{:02}:{:02}",
                    "MaxClientLeadTime",
                    mclt / 3600,
                    mclt / 60 % 60,
                    mclt % 60
                );
                println!("{:<20}: {}", "State", report.state);
                let scopes: Vec<String> = r.scopes.iter().map(ToString::to_string).collect();
                println!("{:<20}: {}", "ScopeId", scopes.join(", "));
                println!("{:<20}: {}", "AutoStateTransition", r.auto_state_transition);
                println!("{:<20}: {}", "EnableAuth", r.enable_auth);
                println!();
            }
        }
        ServerAction::ScopeAdd {
            scope,
            prefix,
            start,
            end,
            name,
            description,
        } => {
            let id = parse("--scope", ScopeId::parse(&scope))?;
            if driver.scope(id).await.is_ok() {
                anyhow::bail!("{} already has a scope {id}", config.name);
            }
            let range = tandem_core::IpRange::new(
                parse("--start", parse_ipv4(&start))?,
                parse("--end", parse_ipv4(&end))?,
            )
            .map_err(|m| anyhow::anyhow!("--start/--end: {m}"))?;
            let new = Scope {
                id,
                name,
                description,
                range,
                prefix_len: prefix,
                lease_duration_secs: Scope::DEFAULT_LEASE_SECS,
                state: tandem_core::ScopeState::Active,
                exclusions: vec![],
                options: Default::default(),
                reservations: vec![],
                kept: None,
            };
            tandem_core::validate::scope_is_consistent(&new).map_err(|e| anyhow::anyhow!("{e}"))?;
            driver.put_scope(&new).await?;
        }
        ServerAction::Stop => driver.set_running(false).await?,
        ServerAction::Start => driver.set_running(true).await?,
    }
    Ok(())
}

fn print_reservations(scope: &Scope) {
    if scope.reservations.is_empty() {
        eprintln!("scope {} has no reservations", scope.id);
        return;
    }
    reservation_table(&scope.id.to_string(), &scope.reservations);
}

/// Reservations in Get-DhcpServerv4Reservation's columns.
pub(crate) fn reservation_table(scope_id: &str, list: &[tandem_core::Reservation]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|r| {
            vec![
                r.ip_address.to_string(),
                scope_id.to_string(),
                r.client_id.to_string(),
                r.name.clone(),
                r.kind.to_string(),
                r.description.clone(),
                r.client_id.kind().to_string(),
            ]
        })
        .collect();
    table(
        &[
            "IPAddress",
            "ScopeId",
            "ClientId",
            "Name",
            "Type",
            "Description",
            "IdentifierType",
        ],
        &rows,
    );
}

/// `tandem user …`: Tandem's users from the machine it runs on. Whoever can run this can read
/// the database anyway; the changes are recorded in the Event Catalog as `cli:<login>`.
pub async fn run_user(
    config: &crate::config::ServeConfig,
    action: crate::config::UserAction,
) -> anyhow::Result<()> {
    use crate::config::UserAction;
    use tandem_backend::service::UserInput;
    let (tandem, caller) = local_tandem(config).await?;
    match action {
        UserAction::List => {
            let rows: Vec<Vec<String>> = tandem
                .list_users(&caller)
                .await?
                .into_iter()
                .map(|u| {
                    vec![
                        u.username,
                        u.role.as_str().to_string(),
                        u.servers
                            .map(|s| {
                                s.iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(",")
                            })
                            .unwrap_or_else(|| "all".into()),
                        if u.disabled { "disabled" } else { "enabled" }.into(),
                    ]
                })
                .collect();
            table(&["UserName", "Role", "Servers", "State"], &rows);
        }
        UserAction::Add {
            username,
            role,
            password,
            servers,
        } => {
            let input = UserInput {
                username,
                display_name: String::new(),
                role,
                servers,
                disabled: false,
            };
            let user = tandem.create_user(&caller, &input, &password).await?;
            println!("created {} ({})", user.username, user.role.label());
        }
        UserAction::ResetPassword { username, password } => {
            tandem
                .reset_password(&caller, &username, None, &password)
                .await?;
            println!("password of {username} reset; their sessions are ended");
        }
    }
    Ok(())
}

/// The database URL `config` names (the data folder's SQLite file by default), with the data
/// folder created.
async fn database_url(config: &crate::config::ServeConfig) -> anyhow::Result<String> {
    tandem_backend::files::private_dir(&config.data_dir).await?;
    Ok(config
        .database_url
        .clone()
        .unwrap_or_else(|| tandem_backend::bootstrap::default_database_url(&config.data_dir)))
}

/// Tandem's services on the configured database, for a command run on the machine, recorded
/// in the Event Catalog as `cli:<login>`.
async fn local_tandem(
    config: &crate::config::ServeConfig,
) -> anyhow::Result<(tandem_backend::Tandem, tandem_backend::Caller)> {
    let store = tandem_backend::store::Store::connect(&database_url(config).await?).await?;
    let login = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    // The built-in servers' API secret, where this data folder has built-in servers.
    let builtin = tandem_backend::bootstrap::builtin_dir(&config.data_dir);
    let secret = if builtin.exists() {
        Some(tandem_backend::builtin::api_secret(&builtin)?)
    } else {
        None
    };
    Ok((
        tandem_backend::Tandem::new(store).with_builtin_secret(secret),
        tandem_backend::Caller::local(&format!("cli:{login}")),
    ))
}

/// `tandem loadout`: builds a large estate into an empty data folder and says how long it took.
pub async fn run_loadout(
    config: &crate::config::ServeConfig,
    plan: tandem_backend::loadout::Plan,
) -> anyhow::Result<()> {
    let url = database_url(config).await?;
    let started = std::time::Instant::now();
    let built = tandem_backend::loadout::build(&builtin_dir(&config.data_dir), &url, plan).await?;
    println!(
        "load-out: {} servers ({} pairs), {} scopes, {} reservations in {:.1} s \
         (servers' files {:.1} s, database and inventory {:.1} s)",
        built.servers,
        built.servers / 2,
        built.scopes,
        built.reservations,
        started.elapsed().as_secs_f64(),
        built.files.as_secs_f64(),
        built.database.as_secs_f64()
    );
    Ok(())
}

/// `tandem kea add`: registers a Kea server in this Tandem's database.
pub async fn run_kea(
    config: &crate::config::ServeConfig,
    action: crate::config::KeaAction,
) -> anyhow::Result<()> {
    use crate::config::KeaAction;
    let (tandem, caller) = local_tandem(config).await?;
    match action {
        KeaAction::Add {
            name,
            url,
            user,
            password_file,
            ca_file,
        } => {
            let name = tandem_core::ServerName::parse(&name).map_err(anyhow::Error::msg)?;
            let password = match password_file {
                Some(path) => Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ),
                None => None,
            };
            let access = tandem_backend::driver::ControlAccess {
                user,
                password,
                ca_file,
            };
            let subnets = tandem.add_kea_server(&caller, &name, &url, &access).await?;
            println!("{name}: Kea server at {url}, {subnets} subnet(s)");
        }
    }
    Ok(())
}
