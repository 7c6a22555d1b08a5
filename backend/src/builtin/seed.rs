//! The first run's example, from the seed: `dhcp1.contoso.com` and `dc1.contoso.com` in
//! relationship `dhcp1.contoso.com-dc1.contoso.com` (LoadBalance 50 %, MCLT 1 h, auto
//! transition off, auth off), sharing scope 10.0.0.0 with reservation 10.0.0.99.

use super::{ServerConfig, StoredRelationship};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tandem_core::{
    FailoverRelationship, IpRange, MacAddress, Reservation, ReservationType, Scope, ScopeId,
    ScopeState, ServerName,
};

pub fn seed_scope() -> Scope {
    Scope {
        id: ScopeId::parse("10.0.0.0").expect("literal"),
        name: "Contoso".into(),
        description: "Seed example scope".into(),
        range: IpRange::new([10, 0, 0, 1].into(), [10, 0, 0, 254].into()).expect("literal"),
        prefix_len: 24,
        lease_duration_secs: Scope::DEFAULT_LEASE_SECS,
        state: ScopeState::Active,
        exclusions: vec![],
        options: Default::default(),
        reservations: vec![Reservation {
            ip_address: [10, 0, 0, 99].into(),
            client_id: MacAddress::parse("aa-bb-cc-dd-ee-ff")
                .expect("literal")
                .into(),
            name: "test".into(),
            description: "A1".into(),
            kind: ReservationType::Both,
            settings: Default::default(),
        }],
        kept: None,
    }
}

/// Writes the two seed servers' files into `dir` (ports picked at first start) and returns
/// their paths.
pub async fn write_seed_servers(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    crate::files::private_dir(dir).await?;
    let dhcp1 = ServerName::parse("dhcp1.contoso.com").expect("literal");
    let dc1 = ServerName::parse("dc1.contoso.com").expect("literal");
    let relationship = FailoverRelationship::with_defaults(
        format!("{dhcp1}-{dc1}"),
        dhcp1.clone(),
        dc1.clone(),
        vec![ScopeId::parse("10.0.0.0").expect("literal")],
    );
    let any_port: SocketAddr = "127.0.0.1:0".parse().expect("literal");
    let mut paths = Vec::new();
    for name in [dhcp1, dc1] {
        let mut config = ServerConfig::new(name.clone(), any_port);
        config.scopes.push(seed_scope());
        config.failover.push(StoredRelationship {
            relationship: relationship.clone(),
            shared_secret: None,
            // Filled in at start, once both servers have their ports.
            partner_endpoint: None,
        });
        let path = ServerConfig::path_in(dir, &name);
        config.save(&path).await?;
        paths.push(path);
    }
    Ok(paths)
}
