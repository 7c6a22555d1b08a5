//! The load-out: fills an empty data folder with many built-in servers in failover pairs, each
//! pair sharing its scopes and reservations, and Tandem's database with those servers and their
//! inventory, so that Tandem can be measured at the size of a large estate.

use crate::builtin::{ServerConfig, StoredRelationship};
use crate::store::{self, Store, inventory, servers::ServerKind};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};
use tandem_core::{
    FailoverRelationship, FailoverReport, FailoverState, IpRange, MacAddress, Reservation,
    ReservationType, Scope, ScopeId, ScopeState, ServerName,
};

/// How big an estate to build. Scopes and reservations are totals over every server (each
/// pair's scopes are on both of its servers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub servers: usize,
    pub scopes: usize,
    pub reservations: usize,
}

/// What was built, and how long each part took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub servers: usize,
    pub scopes: usize,
    pub reservations: usize,
    pub files: Duration,
    pub database: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadoutError {
    #[error("{0}")]
    Plan(String),
    #[error("the data folder already holds servers: the load-out fills an empty one")]
    NotEmpty,
    #[error("built-in servers' files: {0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl Plan {
    fn check(&self) -> Result<(usize, usize), LoadoutError> {
        let bad = |m: &str| Err(LoadoutError::Plan(m.into()));
        if self.servers < 2 || !self.servers.is_multiple_of(2) {
            return bad("--servers must be an even number, at least 2 (servers come in pairs)");
        }
        if self.scopes == 0 || !self.scopes.is_multiple_of(self.servers) {
            return bad("--scopes must be a multiple of --servers (the same number on each)");
        }
        if !self.reservations.is_multiple_of(self.scopes) {
            return bad("--reservations must be a multiple of --scopes (the same number in each)");
        }
        let per_server = self.scopes / self.servers;
        let per_scope = self.reservations / self.scopes;
        if per_scope > 240 {
            return bad("at most 240 reservations per scope (each scope is a /24)");
        }
        // Each pair's scopes are distinct /24s inside 10.0.0.0/8.
        if self.servers / 2 * per_server > 65_536 {
            return bad("at most 65 536 distinct scopes (/24s in 10.0.0.0/8)");
        }
        Ok((per_server, per_scope))
    }
}

/// The name of the `i`th server of a load-out.
pub fn server_name(i: usize) -> ServerName {
    ServerName::parse(&format!("dhcp{i:04}.loadout.test")).expect("a valid name")
}

/// The `g`th scope of a load-out (a /24 from 10.0.0.0 on), holding `reservations`.
pub fn scope(g: usize, reservations: usize) -> Scope {
    let net = u32::from(Ipv4Addr::new(10, 0, 0, 0)) + (g as u32) * 256;
    let at = |host: u32| Ipv4Addr::from(net + host);
    let g32 = g as u32;
    Scope {
        id: ScopeId::from_addr(at(0)),
        name: format!("site {g:05}"),
        description: format!("load-out scope {g}"),
        range: IpRange::new(at(10), at(250)).expect("a valid range"),
        prefix_len: 24,
        lease_duration_secs: Scope::DEFAULT_LEASE_SECS,
        state: ScopeState::Active,
        exclusions: vec![],
        options: [(3, tandem_core::OptionValue::Addresses(vec![at(1)]))].into(),
        reservations: (0..reservations as u32)
            .map(|i| Reservation {
                ip_address: at(10 + i),
                client_id: MacAddress::parse(&format!(
                    "02-{:02x}-{:02x}-{:02x}-{:02x}-{:02x}",
                    (g32 >> 24) & 0xff,
                    (g32 >> 16) & 0xff,
                    (g32 >> 8) & 0xff,
                    g32 & 0xff,
                    i
                ))
                .expect("a valid MAC")
                .into(),
                name: format!("host-{g}-{i}"),
                description: String::new(),
                kind: ReservationType::Both,
                settings: Default::default(),
            })
            .collect(),
        kept: None,
    }
}

/// Builds the load-out into `data_dir` (which must not hold servers yet): the built-in servers'
/// files under `builtin_dir`, and the servers with their inventory in the database at `url`.
pub async fn build(
    builtin_dir: &Path,
    database_url: &str,
    plan: Plan,
) -> Result<Built, LoadoutError> {
    let (per_server, per_scope) = plan.check()?;
    let store = Store::connect(database_url).await?;
    let mut conn = store.pool().acquire().await?;
    let has_files = match std::fs::read_dir(builtin_dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => false,
    };
    if has_files || !store::servers::list(&mut conn).await?.is_empty() {
        return Err(LoadoutError::NotEmpty);
    }
    drop(conn);
    crate::files::private_dir(builtin_dir).await?;
    let any_port: SocketAddr = "127.0.0.1:0".parse().expect("literal");
    let (mut files, mut database) = (Duration::ZERO, Duration::ZERO);
    for pair in 0..plan.servers / 2 {
        let (a, b) = (server_name(2 * pair), server_name(2 * pair + 1));
        let scopes: Vec<Scope> = (0..per_server)
            .map(|j| scope(pair * per_server + j, per_scope))
            .collect();
        let relationship = FailoverRelationship::with_defaults(
            format!("pair{pair:04}"),
            a.clone(),
            b.clone(),
            scopes.iter().map(|s| s.id).collect(),
        );
        let reports = [FailoverReport {
            relationship: relationship.clone(),
            state: FailoverState::Startup,
            raw_state: "Startup".into(),
        }];
        for name in [&a, &b] {
            let started = Instant::now();
            let mut config = ServerConfig::new(name.clone(), any_port);
            config.scopes = scopes.clone();
            config.failover.push(StoredRelationship {
                relationship: relationship.clone(),
                shared_secret: None,
                partner_endpoint: None,
            });
            config
                .save(&ServerConfig::path_in(builtin_dir, name))
                .await?;
            files += started.elapsed();

            let started = Instant::now();
            let mut tx = store.pool().begin().await?;
            // The real address is recorded when the server first starts.
            store::servers::upsert(&mut tx, name, ServerKind::Builtin, "http://127.0.0.1:0")
                .await?;
            inventory::record_server(
                &mut tx,
                &inventory::ServerSnapshot {
                    server: name,
                    revision: None,
                    write_method: None,
                    answer: Ok((&scopes, &reports)),
                },
            )
            .await?;
            tx.commit().await?;
            database += started.elapsed();
        }
    }
    Ok(Built {
        servers: plan.servers,
        scopes: plan.scopes,
        reservations: plan.reservations,
        files,
        database,
    })
}
