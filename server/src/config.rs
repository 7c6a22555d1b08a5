//! Command line and environment: every setting is a flag with an environment equivalent.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "IPAM portal for DHCP servers in failover pairs"
)]
pub struct Cli {
    #[command(flatten)]
    pub serve: ServeConfig,
    /// Tandem's address, for the commands that go through its REST API (reservation,
    /// replicate, failover), such as http://127.0.0.1:3000.
    #[arg(long = "url", id = "tandem_url", env = "TANDEM_URL")]
    pub url: Option<String>,
    /// An API token (made on the portal's API Tokens page) for those commands. Prefer the
    /// environment variable: a command line shows in the process list.
    #[arg(long, env = "TANDEM_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// A profile of the CLI's settings file ($XDG_CONFIG_HOME/tandem/cli.toml, mode 0600):
    /// its `url` and `token` for what --url and --token leave unsaid (default: the file's
    /// `default`).
    #[arg(long, env = "TANDEM_PROFILE")]
    pub profile: Option<String>,
    /// How those commands print: the seed's columns, JSON for scripts, or CSV.
    #[arg(long, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address the portal listens on.
    #[arg(
        long,
        env = "TANDEM_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// Folder for Tandem's SQLite database and the built-in servers' own configuration.
    #[arg(long, env = "TANDEM_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`); default: `tandem.db` in the data folder.
    #[arg(long, env = "TANDEM_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Folder with the built browser bundle (`pkg/`), the style sheet and public files.
    #[arg(long, env = "TANDEM_SITE_ROOT", default_value = "site", global = true)]
    pub site_root: PathBuf,
    /// Password for the first administrator ('admin') on first run; without it one is
    /// generated and printed once.
    #[arg(
        long,
        env = "TANDEM_ADMIN_PASSWORD",
        hide_env_values = true,
        global = true
    )]
    pub admin_password: Option<String>,
    /// Mark the session cookie Secure (Tandem is served over TLS, e.g. behind a proxy).
    #[arg(long, env = "TANDEM_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,
    /// Minutes a session may stay unused before it ends.
    #[arg(
        long,
        env = "TANDEM_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: u64,
    /// Days the Event Catalog keeps events; older ones are deleted (at start-up and hourly),
    /// with failed sign-ins past the throttling window and ended sessions.
    #[arg(
        long,
        env = "TANDEM_RETENTION_DAYS",
        default_value_t = 365,
        value_parser = clap::value_parser!(u64).range(1..=36500),
        global = true
    )]
    pub retention_days: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (comma-separated IP
    /// addresses). From any other peer the header is ignored: the client is the peer.
    #[arg(
        long,
        env = "TANDEM_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Seconds between drift checks (outside changes and failover states reach open pages).
    #[arg(
        long,
        env = "TANDEM_DRIFT_INTERVAL_SECS",
        default_value_t = 30,
        global = true
    )]
    pub drift_interval_secs: u64,
    /// Built-in servers: milliseconds between failover heartbeats.
    #[arg(
        long,
        env = "TANDEM_FAILOVER_HEARTBEAT_MS",
        default_value_t = 1000,
        global = true
    )]
    pub failover_heartbeat_ms: u64,
    /// Built-in servers: milliseconds of partner silence before communication counts as
    /// interrupted.
    #[arg(
        long,
        env = "TANDEM_FAILOVER_TIMEOUT_MS",
        default_value_t = 3000,
        global = true
    )]
    pub failover_timeout_ms: u64,
    /// A second address that serves only `/metrics` and `/health`, without sign-in (for a
    /// Prometheus on a management network). Without it, `/metrics` on the portal's address
    /// needs an API token (`Authorization: Bearer`).
    #[arg(long, env = "TANDEM_METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,
    /// How the log is written: `text` (coloured only on a terminal) or `json` (one object per
    /// line, for log collectors).
    #[arg(
        long,
        env = "TANDEM_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text,
        global = true
    )]
    pub log_format: LogFormat,
    /// Whether this instance hosts the built-in servers (`host`) or reaches those another
    /// instance on the same machine hosts (`remote`, with their API secret in this data
    /// folder's `builtin/api-secret`). Where several instances share a PostgreSQL database,
    /// exactly one hosts them.
    #[arg(
        long,
        env = "TANDEM_BUILTIN",
        value_enum,
        default_value_t = Builtin::Host,
        global = true
    )]
    pub builtin: Builtin,
    /// This instance's name among those sharing a database (in the logs, `/health`, and on
    /// each change it records, so that a restart flags only its own unfinished changes);
    /// default: the host name and the port it listens on.
    #[arg(long, env = "TANDEM_INSTANCE_NAME", global = true)]
    pub instance_name: Option<String>,
}

/// Where the built-in servers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Builtin {
    Host,
    Remote,
}

/// How the log is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// How the remote commands print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Columns under headers, as the seed's cmdlets print them.
    Table,
    /// Tandem's answer as it is, for scripts.
    Json,
    /// The table's rows as CSV (RFC 4180), its header first.
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (what `tandem` does without a command).
    Serve,
    /// Reservations through Tandem's REST API (--url, --token): replicated to the failover
    /// partner like any change made in the portal.
    #[command(subcommand)]
    Reservation(RemoteReservation),
    /// Replicate through Tandem: a scope (--scope), a relationship (--relationship), or every
    /// failover scope of a server (neither) (Invoke-DhcpServerv4FailoverReplication).
    Replicate {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: Option<String>,
        #[arg(long)]
        relationship: Option<String>,
        /// Only say what would change on each partner, scope by scope, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// A dry run's basis: replicate only if no copy has changed since it.
        #[arg(long)]
        basis: Option<String>,
    },
    /// Undo a change through Tandem, as the Event Catalog's Undo does: its inverse on both
    /// partners, refused if the object has changed since.
    Undo {
        /// The change's event ID (the Event Catalog's, or `GET /api/v1/events`).
        #[arg(long)]
        event: i64,
    },
    /// Server-wide reservations (Kea's global reservations) through Tandem's REST API: on the
    /// server, then its HA partner.
    #[command(subcommand)]
    GlobalReservation(RemoteGlobalReservation),
    /// Failover relationships through Tandem (Get-/Add-/Set-/Remove-DhcpServerv4Failover,
    /// -PartnerDown, scopes in and out, maintenance).
    #[command(subcommand)]
    Failover(RemoteFailover),
    /// Scopes through Tandem (Get-/Set-DhcpServerv4Scope): an edit reaches the partner too.
    #[command(subcommand)]
    Scope(RemoteScope),
    /// The Event Catalog through Tandem: what was changed, by whom, and how it went.
    #[command(subcommand)]
    Event(RemoteEvent),
    /// Leases through Tandem's REST API: find them on every server, delete one or clear a
    /// scope's on both partners, reserve one (Get-/Remove-DhcpServerv4Lease,
    /// Add-DhcpServerv4Reservation from a lease).
    #[command(subcommand)]
    Lease(RemoteLease),
    /// Prints the completion script of a shell: `tandem completions bash >
    /// /etc/bash_completion.d/tandem`, `tandem completions zsh > ~/.zfunc/_tandem`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Manage a built-in DHCP server directly through its native API. Changes made this way
    /// are NOT replicated to its failover partner: Tandem detects them as drift.
    Server(ServerCommand),
    /// Manage Tandem's users from the machine it runs on (for recovery and scripting).
    #[command(subcommand)]
    User(UserAction),
    /// Register an ISC Kea DHCPv4 server (Kea 2.2) by its control agent's URL. Its name must
    /// be its HA peer name. It is read before it is stored: a wrong URL is refused.
    #[command(subcommand)]
    Kea(KeaAction),
    /// Fill an empty data folder with a large estate, to measure Tandem at scale: built-in
    /// servers in failover pairs, each pair sharing its scopes (all in failover) and their
    /// reservations. Scopes and reservations are totals over all servers.
    Loadout {
        #[arg(long, default_value_t = 1000)]
        servers: usize,
        #[arg(long, default_value_t = 100_000)]
        scopes: usize,
        #[arg(long, default_value_t = 1_000_000)]
        reservations: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeaAction {
    /// Add (or re-point) a Kea server.
    Add {
        /// The server's name in Tandem, which is its HA peer name (an FQDN).
        name: String,
        /// Its control channel: a control agent or Kea 3's own HTTP(S) control socket, such
        /// as http://127.0.0.1:8000/ or https://kea1.example.com:8004/, or
        /// unix:/run/kea/kea4-ctrl-socket
        #[arg(long)]
        url: String,
        /// HTTP basic authentication: the user (the password comes from --password-file).
        #[arg(long)]
        user: Option<String>,
        /// A file holding the password (its first line), so that it never shows in a
        /// process list or a shell's history.
        #[arg(long)]
        password_file: Option<std::path::PathBuf>,
        /// The CA certificate(s), PEM, that vouch for an https:// control channel.
        #[arg(long)]
        ca_file: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// List users with their roles.
    List,
    /// Create a user.
    Add {
        username: String,
        /// Administrator, DhcpAdministrator, DhcpScopeAdministrator,
        /// DhcpReservationsAdministrator or User.
        #[arg(long)]
        role: String,
        /// The password; read from TANDEM_NEW_PASSWORD when not given.
        #[arg(long, env = "TANDEM_NEW_PASSWORD", hide_env_values = true)]
        password: String,
        /// Servers the user may act on (comma-separated); every server when empty.
        #[arg(long, default_value = "")]
        servers: String,
    },
    /// Set a new password (ends the user's sessions).
    ResetPassword {
        username: String,
        #[arg(long, env = "TANDEM_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Debug, Args)]
pub struct ServerCommand {
    /// The server's FQDN, such as dhcp1.contoso.com.
    pub name: String,
    #[command(subcommand)]
    pub action: ServerAction,
}

#[derive(Debug, Subcommand)]
pub enum ServerAction {
    /// Reservations in a scope (Get-/Add-/Remove-DhcpServerv4Reservation).
    #[command(subcommand)]
    Reservation(ReservationAction),
    /// Leases the server holds (Get-/Add-DhcpServerv4Lease): the built-in server hands out
    /// none by itself, so that its figures and the lease search can be seen, leases are given
    /// to it here.
    #[command(subcommand)]
    Lease(LeaseAction),
    /// The scopes on the server (Get-DhcpServerv4Scope).
    Scopes,
    /// Add a scope (Add-DhcpServerv4Scope).
    ScopeAdd {
        /// The scope ID: the network address, such as 10.1.0.0.
        #[arg(long)]
        scope: String,
        /// Prefix length of the subnet mask (24 for 255.255.255.0).
        #[arg(long, default_value_t = 24)]
        prefix: u8,
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// The failover relationships on the server (Get-DhcpServerv4Failover).
    Failover,
    /// Stop the server's DHCP service: the server goes offline.
    Stop,
    /// Start the server's DHCP service again.
    Start,
}

#[derive(Debug, Subcommand)]
pub enum LeaseAction {
    /// The leases matching an IP address, a MAC address or a host name.
    Find {
        #[arg(long)]
        q: String,
    },
    Add {
        #[arg(long)]
        scope: String,
        #[arg(long)]
        ip: String,
        /// The client's MAC address.
        #[arg(long)]
        client_id: String,
        #[arg(long, default_value = "")]
        hostname: String,
        /// Hours until it expires (negative: expired that long ago).
        #[arg(long, default_value_t = 8, allow_hyphen_values = true)]
        hours: i64,
        /// The client declined the address.
        #[arg(long)]
        declined: bool,
    },
}

/// A reservation's own settings, each left as it is (or none, for a new one) when not given;
/// an empty value clears it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct HostSettingsArgs {
    /// The server the client boots from (next-server).
    #[arg(long)]
    pub next_server: Option<String>,
    /// That server's name (server-hostname).
    #[arg(long)]
    pub server_hostname: Option<String>,
    /// The file the client boots (boot-file-name).
    #[arg(long)]
    pub boot_file_name: Option<String>,
    /// The client classes the reservation puts its client in, comma-separated.
    #[arg(long)]
    pub client_classes: Option<String>,
    /// An option value of the reservation's own, as `CODE=VALUE` or `CODE:KIND=VALUE` (KIND:
    /// Addresses, Text, Number, Flag, Data (fields as Kea writes them) or Hex (raw bytes); Text
    /// when not given; a standard option is read by its type in Kea's table whatever is given,
    /// Hex aside). Repeat for several; given, they replace the reservation's options.
    #[arg(long = "option", value_name = "CODE[:KIND]=VALUE")]
    pub options: Vec<String>,
    /// Remove every option value of the reservation's own.
    #[arg(long, conflicts_with = "options")]
    pub clear_options: bool,
}

impl HostSettingsArgs {
    /// The settings as the API and `NewReservation` take them (those not given left out).
    pub fn json(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        for (key, value) in [
            ("next_server", &self.next_server),
            ("server_hostname", &self.server_hostname),
            ("boot_file_name", &self.boot_file_name),
        ] {
            if let Some(v) = value {
                out.insert(key.into(), serde_json::json!(v));
            }
        }
        if let Some(classes) = &self.client_classes {
            let list = tandem_core::validate::class_list(classes);
            out.insert("client_classes".into(), serde_json::json!(list));
        }
        if let Some(options) = self.option_inputs() {
            out.insert("options".into(), serde_json::json!(options));
        }
        out
    }

    /// The `--option`s as the dialog's rows (`None`: neither `--option` nor `--clear-options`
    /// given, the reservation's options kept).
    pub fn option_inputs(&self) -> Option<Vec<tandem_core::scope_input::OptionInput>> {
        if self.options.is_empty() && !self.clear_options {
            return None;
        }
        let row = |text: &String| {
            let (code, value) = text.split_once('=').unwrap_or((text.as_str(), ""));
            let (code, kind) = code.split_once(':').unwrap_or((code, "Text"));
            tandem_core::scope_input::OptionInput {
                code: code.into(),
                kind: kind.into(),
                value: value.into(),
            }
        };
        Some(self.options.iter().map(row).collect())
    }
}

// Parsed once per run: the size of its largest command does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum ReservationAction {
    List {
        #[arg(long)]
        scope: String,
    },
    Add {
        #[arg(long)]
        scope: String,
        #[arg(long)]
        ip: String,
        #[arg(long)]
        client_id: String,
        /// hw-address (the default: a MAC address), client-id, duid, circuit-id or flex-id.
        #[arg(long, default_value = "hw-address")]
        identifier_type: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long = "type", default_value = "Both")]
        kind: String,
        #[command(flatten)]
        settings: HostSettingsArgs,
    },
    Remove {
        #[arg(long)]
        scope: String,
        #[arg(long)]
        ip: String,
    },
}

/// A server-wide reservation's client: its identifier and the identifier's type.
#[derive(Debug, Clone, clap::Args)]
pub struct ClientArgs {
    #[arg(long)]
    pub client_id: String,
    /// hw-address (the default: a MAC address), client-id, duid, circuit-id or flex-id.
    #[arg(long, default_value = "hw-address")]
    pub identifier_type: String,
}

/// Server-wide reservations (Kea's global `reservations`), or with `--scope` a scope's
/// reservations without an address.
#[derive(Debug, Subcommand)]
pub enum RemoteGlobalReservation {
    /// The server's server-wide reservations.
    List {
        #[arg(long)]
        server: String,
        /// A scope's reservations without an address (Kea: they give their client settings,
        /// the pool its address) instead of the server-wide ones.
        #[arg(long)]
        scope: Option<String>,
    },
    /// A new server-wide reservation (with --ip, the address it gives; without, none).
    Add {
        #[arg(long)]
        server: String,
        /// A scope's reservations without an address (Kea: they give their client settings,
        /// the pool its address) instead of the server-wide ones.
        #[arg(long)]
        scope: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
        #[arg(long, default_value = "")]
        ip: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        settings: HostSettingsArgs,
    },
    /// Changes the server-wide reservation of a client: what is not given stays as it is
    /// (`--ip ''` takes its address away).
    Set {
        #[arg(long)]
        server: String,
        /// A scope's reservations without an address (Kea: they give their client settings,
        /// the pool its address) instead of the server-wide ones.
        #[arg(long)]
        scope: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
        #[arg(long)]
        ip: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        settings: HostSettingsArgs,
    },
    /// Deletes the server-wide reservation of a client.
    Remove {
        #[arg(long)]
        server: String,
        /// A scope's reservations without an address (Kea: they give their client settings,
        /// the pool its address) instead of the server-wide ones.
        #[arg(long)]
        scope: Option<String>,
        #[command(flatten)]
        client: ClientArgs,
    },
}

/// The commands that go through Tandem's REST API.
// Parsed once per run: the size of its largest command does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum RemoteCommand {
    Reservation(RemoteReservation),
    Replicate {
        server: String,
        scope: Option<String>,
        relationship: Option<String>,
        dry_run: bool,
        basis: Option<String>,
    },
    Undo {
        event: i64,
    },
    Failover(RemoteFailover),
    GlobalReservation(RemoteGlobalReservation),
    Scope(RemoteScope),
    Event(RemoteEvent),
    Lease(RemoteLease),
}

// Parsed once per run: the size of its largest command does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum RemoteReservation {
    /// Get-DhcpServerv4Reservation.
    List {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
    },
    /// Add-DhcpServerv4Reservation.
    Add {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
        #[arg(long)]
        ip: String,
        #[arg(long)]
        client_id: String,
        /// hw-address (the default: a MAC address), client-id, duid, circuit-id or flex-id.
        #[arg(long, default_value = "hw-address")]
        identifier_type: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long = "type", default_value = "Both")]
        kind: String,
        #[command(flatten)]
        settings: HostSettingsArgs,
    },
    /// Set-DhcpServerv4Reservation: what is not given stays as it is.
    Set {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
        #[arg(long)]
        ip: String,
        #[arg(long)]
        client_id: Option<String>,
        /// The type of --client-id (given alone, the client ID is read again by it).
        #[arg(long)]
        identifier_type: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long = "type")]
        kind: Option<String>,
        #[command(flatten)]
        settings: HostSettingsArgs,
    },
    /// Remove-DhcpServerv4Reservation.
    Remove {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
        #[arg(long)]
        ip: String,
    },
    /// Import-Csv … | Add-DhcpServerv4Reservation: a CSV with ScopeId,IPAddress,Name,ClientId,
    /// Description (Type optional). Without --apply, a preview: what each row would do.
    Import {
        #[arg(long)]
        server: String,
        /// The CSV file (UTF-8); `-` reads standard input.
        #[arg(long)]
        file: std::path::PathBuf,
        /// Make the changes (on the failover partner too); without it nothing is written.
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemoteFailover {
    /// The relationships with the seed's columns.
    List,
    /// One relationship: its settings, its scopes and each server's state.
    Show {
        #[arg(long)]
        name: String,
    },
    /// Add-DhcpServerv4Failover: a relationship between two servers, on both, with the
    /// primary's scopes given (copied whole to the partner).
    Create {
        #[arg(long)]
        primary: String,
        #[arg(long)]
        secondary: String,
        /// Empty: `<primary>-<secondary>`.
        #[arg(long, default_value = "")]
        name: String,
        /// Scope IDs of the primary to put in failover (repeat the flag for each).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        #[command(flatten)]
        settings: RelationshipArgs,
    },
    /// Set-DhcpServerv4Failover: what is not given stays as it is; refused if the
    /// relationship changes between its read and the change.
    Set {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        settings: RelationshipArgs,
    },
    /// Remove-DhcpServerv4Failover, run on `server`: its scopes are taken out of failover
    /// first (deleted on the partner, kept on `server`).
    Remove {
        #[arg(long)]
        server: String,
        #[arg(long)]
        name: String,
    },
    /// Add-DhcpServerv4FailoverScope: a scope of `server` into the relationship (the partner
    /// gets a whole copy).
    AddScope {
        #[arg(long)]
        server: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        scope: String,
    },
    /// Remove-DhcpServerv4FailoverScope: a scope out of failover, kept on `server`, deleted on
    /// its partner.
    RemoveScope {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
    },
    /// Maintenance of `server`'s partner: `--on` (this server serves every client meanwhile)
    /// or `--off`.
    Maintenance {
        #[arg(long)]
        server: String,
        #[arg(long)]
        name: String,
        #[arg(long, conflicts_with = "off", required_unless_present = "off")]
        on: bool,
        #[arg(long)]
        off: bool,
    },
    /// Set-DhcpServerv4Failover -PartnerDown: on `server`, for relationship `name`.
    PartnerDown {
        #[arg(long)]
        server: String,
        #[arg(long)]
        name: String,
    },
}

/// A relationship's settings, each optional (a change keeps what is not given; a new one gets
/// Windows' defaults).
#[derive(Debug, Clone, Default, Args)]
pub struct RelationshipArgs {
    /// LoadBalance or HotStandby.
    #[arg(long)]
    pub mode: Option<String>,
    /// LoadBalance: the primary's share, 0 to 100.
    #[arg(long)]
    pub load_balance_percent: Option<u8>,
    /// HotStandby: the primary's role, Active or Standby.
    #[arg(long)]
    pub server_role: Option<String>,
    /// HotStandby: the addresses kept for the standby, 0 to 100.
    #[arg(long)]
    pub reserve_percent: Option<u8>,
    /// Maximum client lead time, seconds.
    #[arg(long)]
    pub mclt: Option<u32>,
    /// Switch to Partner Down by itself after --state-switch-interval seconds.
    #[arg(long)]
    pub auto_state_transition: Option<bool>,
    #[arg(long)]
    pub state_switch_interval: Option<u32>,
    /// Authenticate the partners' messages.
    #[arg(long)]
    pub enable_auth: Option<bool>,
    /// A file holding the shared secret (its first line), so that it never shows in a
    /// process list or a shell's history.
    #[arg(long)]
    pub shared_secret_file: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RemoteScope {
    /// Get-DhcpServerv4Scope: every scope the filters match, on every server (or one).
    List {
        #[arg(long)]
        server: Option<String>,
        /// Part of the scope's name.
        #[arg(long)]
        name: Option<String>,
        /// Exact relationship name.
        #[arg(long)]
        relationship: Option<String>,
        /// drift, out-of-sync, unknown, in-sync, sync-error or not-in-failover.
        #[arg(long)]
        sync: Option<String>,
    },
    /// One scope's properties, exclusions and options.
    Show {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
    },
    /// Set-DhcpServerv4Scope: what is not given stays as it is; on a failover scope the
    /// partner gets the change too; refused if the scope changes between its read and the
    /// change.
    Set {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Seconds.
        #[arg(long)]
        lease_duration: Option<u32>,
        /// Active or Inactive.
        #[arg(long)]
        state: Option<String>,
        /// First address of the range.
        #[arg(long)]
        start: Option<String>,
        /// Last address of the range.
        #[arg(long)]
        end: Option<String>,
        /// Excluded ranges, `10.0.0.1-10.0.0.9`, comma-separated; empty for none.
        #[arg(long)]
        exclusions: Option<String>,
    },
    /// Invoke-DhcpServerv4FailoverReplication for one scope (as `tandem replicate --scope`).
    Replicate {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
        /// Only say what would change on the partner, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Clone, Default, Args)]
pub struct EventFilters {
    /// Exact user name.
    #[arg(long)]
    pub actor: Option<String>,
    /// Exact action (create_reservation, sign_in…).
    #[arg(long)]
    pub action: Option<String>,
    /// Any part of the object's description.
    #[arg(long)]
    pub object: Option<String>,
    /// RFC 3339 lower bound, inclusive.
    #[arg(long)]
    pub from: Option<String>,
    /// RFC 3339 upper bound, inclusive.
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RemoteLease {
    /// The leases matching an IP address, a MAC address or a host name, on every server.
    Find { q: String },
    /// Delete the lease of an address on the server and on its partner.
    Delete {
        #[arg(long)]
        server: String,
        #[arg(long)]
        ip: String,
    },
    /// Delete every lease of a scope on the server and on its partner; --confirm repeats the
    /// scope ID.
    Clear {
        #[arg(long)]
        server: String,
        #[arg(long)]
        scope: String,
        #[arg(long)]
        confirm: String,
    },
    /// Reserve the address of a lease for its client (its MAC address), in its scope, on the
    /// server and its partner.
    Reserve {
        #[arg(long)]
        server: String,
        #[arg(long)]
        ip: String,
        /// The reservation's name (default: the lease's host name).
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemoteEvent {
    /// The newest events the filters match, one page.
    List {
        #[command(flatten)]
        filters: EventFilters,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[arg(long, default_value_t = 50)]
        per_page: u32,
    },
    /// Every event the filters match (up to 5 000) as CSV, on standard output.
    Export {
        #[command(flatten)]
        filters: EventFilters,
    },
}
