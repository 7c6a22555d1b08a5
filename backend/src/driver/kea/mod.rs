//! The driver for ISC Kea DHCPv4 (2.2), through its control agent (`kea-ctrl-agent`, JSON over
//! HTTP). Every write is `config-get`, the change, `config-test`, `config-set`, `config-write`:
//! a change Kea would refuse never reaches the running server, and what is set is saved to its
//! configuration file. Failover is Kea's HA hook: both servers of a pair serve every subnet.
//! This server's name in Tandem must be its HA peer name.

pub mod ha;
pub mod mapping;

use super::{Capabilities, DhcpDriver, DriverError, RelationshipConfig};
use async_trait::async_trait;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, LazyLock, Mutex as StdMutex};
use tandem_core::validate::{reservation_fits, reservation_fits_except, scope_fits};
use tandem_core::{
    FailoverRelationship, FailoverReport, FailoverState, FieldError, Reservation, Scope, ScopeId,
    ServerName,
};
use tokio::sync::Mutex;

pub struct KeaDriver {
    name: ServerName,
    url: String,
    client: reqwest::Client,
    /// The configuration as last read or set through this driver. A driver lives for one
    /// operation, so the reads of one operation share one `config-get` (Kea 2.2 has no cheaper
    /// read), and the read after a write is what Kea accepted. Writes always read afresh.
    seen: StdMutex<Option<Arc<Value>>>,
}

/// One write at a time per Kea server from this Tandem: a write is a read-modify-write of the
/// whole configuration, and Kea 2.2 has no version to make it conditional.
fn write_lock(url: &str) -> Arc<Mutex<()>> {
    static LOCKS: LazyLock<StdMutex<HashMap<String, Arc<Mutex<()>>>>> =
        LazyLock::new(Default::default);
    LOCKS
        .lock()
        .expect("lock table")
        .entry(url.to_string())
        .or_default()
        .clone()
}

/// Kea's HA state, in Tandem's words.
pub fn state_of(raw: &str) -> FailoverState {
    match raw {
        "load-balancing" | "hot-standby" | "backup" => FailoverState::Normal,
        // partner-in-maintenance: serving every client while its partner is maintained.
        "partner-down" | "partner-in-maintenance" => FailoverState::PartnerDown,
        "communication-recovery" | "in-maintenance" => FailoverState::CommunicationInterrupted,
        "waiting" => FailoverState::Startup,
        "syncing" => FailoverState::Recover,
        "ready" => FailoverState::RecoverDone,
        "terminated" => FailoverState::PotentialConflict,
        _ => FailoverState::Init,
    }
}

impl KeaDriver {
    pub fn new(name: ServerName, url: String, client: reqwest::Client) -> Self {
        Self {
            name,
            url,
            client,
            seen: StdMutex::new(None),
        }
    }

    fn protocol(&self, detail: impl ToString) -> DriverError {
        DriverError::Protocol {
            server: self.name.clone(),
            detail: detail.to_string(),
        }
    }

    fn refused(&self, field: &str, message: impl Into<String>) -> DriverError {
        DriverError::Rejected {
            server: self.name.clone(),
            errors: FieldError::new(field, message).into(),
        }
    }

    fn no_scope(&self, id: ScopeId) -> DriverError {
        DriverError::NotFound {
            server: self.name.clone(),
            what: format!("scope {id}"),
        }
    }

    fn unsupported(&self, what: &str) -> DriverError {
        DriverError::NotSupported {
            server: self.name.clone(),
            what: format!("{what} (not supported by Kea)"),
        }
    }

    /// Sends one command to the DHCPv4 server, through its control agent (`http://…`) or
    /// straight to its control socket (`unix:/path`); returns its `arguments` (or `null`)
    /// when Kea says it succeeded.
    pub async fn command(
        &self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, DriverError> {
        let mut body = json!({ "command": command, "service": ["dhcp4"] });
        if let Some(a) = arguments {
            body["arguments"] = a;
        }
        let first = match self.url.strip_prefix("unix:") {
            Some(path) => self.over_socket(path, &body).await?,
            None => self.over_http(&body).await?,
        };
        let result = first.get("result").and_then(Value::as_i64).unwrap_or(1);
        let text = first
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match result {
            0 | 3 => Ok(first.get("arguments").cloned().unwrap_or(Value::Null)),
            // The agent could not reach the DHCPv4 server: it is down.
            _ if text.contains("forwarding") || text.contains("connect") => {
                Err(DriverError::Unreachable {
                    server: self.name.clone(),
                    detail: format!("its DHCPv4 service does not answer ({text})"),
                })
            }
            _ => Err(self.refused("kea", format!("{command}: {text}"))),
        }
    }

    fn unreachable(&self, detail: String) -> DriverError {
        DriverError::Unreachable {
            server: self.name.clone(),
            detail,
        }
    }

    /// The control agent answers with one answer per service asked.
    async fn over_http(&self, body: &Value) -> Result<Value, DriverError> {
        let answer = self
            .client
            .post(&self.url)
            .json(body)
            .send()
            .await
            .map_err(|e| self.unreachable(format!("no answer from its control agent ({e})")))?;
        let answers: Vec<Value> = answer.json().await.map_err(|e| self.protocol(e))?;
        answers
            .into_iter()
            .next()
            .ok_or_else(|| self.protocol("an empty answer"))
    }

    /// The server's own socket answers once and closes the connection.
    async fn over_socket(&self, path: &str, body: &Value) -> Result<Value, DriverError> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let exchange = async {
            let mut stream = tokio::net::UnixStream::connect(path).await?;
            stream.write_all(body.to_string().as_bytes()).await?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await?;
            Ok::<_, std::io::Error>(answer)
        };
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), exchange)
            .await
            .map_err(|_| self.unreachable(format!("no answer on its control socket {path}")))?
            .map_err(|e| self.unreachable(format!("its control socket {path}: {e}")))?;
        serde_json::from_slice(&answer).map_err(|e| self.protocol(e))
    }

    /// The running configuration (`Dhcp4`), read now.
    async fn fetch(&self) -> Result<Value, DriverError> {
        let mut args = self.command("config-get", None).await?;
        args.get_mut("Dhcp4")
            .map(Value::take)
            .ok_or_else(|| self.protocol("config-get without Dhcp4"))
    }

    /// The configuration as this driver last read or set it, or read now.
    async fn config(&self) -> Result<Arc<Value>, DriverError> {
        if let Some(seen) = self.seen.lock().expect("memo").clone() {
            return Ok(seen);
        }
        let config = Arc::new(self.fetch().await?);
        *self.seen.lock().expect("memo") = Some(config.clone());
        Ok(config)
    }

    fn subnets(config: &Value) -> &[Value] {
        config
            .get("subnet4")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    fn scopes_of(&self, config: &Value) -> Result<Vec<Scope>, DriverError> {
        Self::subnets(config)
            .iter()
            .map(|s| mapping::scope_of(s).map_err(|e| self.protocol(e.0)))
            .collect()
    }

    /// The scope IDs only (a relationship's scopes; reservations are not read).
    fn scope_ids(&self, config: &Value) -> Result<Vec<ScopeId>, DriverError> {
        Self::subnets(config)
            .iter()
            .map(|s| mapping::id_of(s).map_err(|e| self.protocol(e.0)))
            .collect()
    }

    /// The read-modify-write every change is: `change` edits the running configuration (and
    /// may refuse), then Kea checks it (`config-test`) before `config-set` and `config-write`.
    async fn modify_config<T>(
        &self,
        change: impl FnOnce(&mut Value) -> Result<T, DriverError>,
    ) -> Result<T, DriverError> {
        let lock = write_lock(&self.url);
        let _held = lock.lock().await;
        *self.seen.lock().expect("memo") = None;
        let mut config = self.fetch().await?;
        let out = change(&mut config)?;
        let mut whole = json!({ "Dhcp4": config });
        self.command("config-test", Some(whole.clone())).await?;
        self.command("config-set", Some(whole.clone())).await?;
        self.command("config-write", None).await?;
        *self.seen.lock().expect("memo") = Some(Arc::new(whole["Dhcp4"].take()));
        Ok(out)
    }

    /// A change to the scopes: `change` gets them as they are and returns the scopes it
    /// touched; Tandem's rules are checked on those, and Kea's own subnet entries are kept for
    /// what Tandem does not manage in them.
    async fn modify<T>(
        &self,
        change: impl FnOnce(&mut Vec<Scope>) -> Result<(T, Vec<ScopeId>), DriverError>,
    ) -> Result<T, DriverError> {
        self.modify_config(|config| {
            let mut scopes = self.scopes_of(config)?;
            // Each subnet read once: Kea's entries moved out by the IDs just read.
            let old = match config.get_mut("subnet4").map(Value::take) {
                Some(Value::Array(old)) => old,
                _ => Vec::new(),
            };
            let mut next_id = old
                .iter()
                .filter_map(|s| s.get("id").and_then(Value::as_u64))
                .max()
                .unwrap_or(0)
                + 1;
            let existing: HashMap<ScopeId, Value> = scopes.iter().map(|s| s.id).zip(old).collect();
            let (out, touched) = change(&mut scopes)?;
            let mut subnets = Vec::new();
            for scope in &scopes {
                let old = existing.get(&scope.id);
                if touched.contains(&scope.id) {
                    scope_fits(&scopes, scope).map_err(|errors| DriverError::Rejected {
                        server: self.name.clone(),
                        errors,
                    })?;
                    subnets.push(mapping::subnet_of(scope, old, next_id));
                    if old.is_none() {
                        next_id += 1;
                    }
                } else if let Some(old) = old {
                    subnets.push(old.clone());
                }
            }
            config["subnet4"] = Value::Array(subnets);
            Ok(out)
        })
        .await
    }

    fn find<'a>(&self, scopes: &'a mut [Scope], id: ScopeId) -> Result<&'a mut Scope, DriverError> {
        scopes
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| self.no_scope(id))
    }

    /// The name this server goes by in its HA configuration, if it is in HA.
    pub async fn ha_name(&self) -> Result<Option<String>, DriverError> {
        Ok(ha::this_server_name(&*self.config().await?))
    }

    /// The relationship named `name`, as this server's configuration has it.
    fn named(&self, config: &Value, name: &str) -> Result<FailoverRelationship, DriverError> {
        ha::relationship_of(config, Vec::new())
            .filter(|r| r.name == name)
            .ok_or_else(|| DriverError::NotFound {
                server: self.name.clone(),
                what: format!("relationship {name}"),
            })
    }

    /// This server's HA state, raw.
    async fn ha_state(&self) -> Result<String, DriverError> {
        let heartbeat = self.command("ha-heartbeat", None).await?;
        Ok(heartbeat
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string())
    }
}

impl KeaDriver {
    pub const CAPABILITIES: Capabilities = Capabilities {
        product: "Kea",
        reservation_edits: true,
        service_control: false,
        partner_down: false,
        maintenance: true,
        failover_per_scope: false,
        load_balance_split: false,
        standby_reserve: false,
        message_auth: false,
    };
}

#[async_trait]
impl DhcpDriver for KeaDriver {
    fn server(&self) -> &ServerName {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        Self::CAPABILITIES
    }

    async fn scopes(&self) -> Result<Vec<Scope>, DriverError> {
        let config = self.config().await?;
        self.scopes_of(&config)
    }

    async fn scope(&self, id: ScopeId) -> Result<Scope, DriverError> {
        self.scopes()
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| self.no_scope(id))
    }

    async fn put_scope(&self, scope: &Scope) -> Result<(), DriverError> {
        let scope = scope.clone();
        self.modify(|scopes| {
            scopes.retain(|s| s.id != scope.id);
            let id = scope.id;
            scopes.push(scope);
            Ok(((), vec![id]))
        })
        .await
    }

    async fn replace_scope(&self, scope: &Scope, version: &str) -> Result<(), DriverError> {
        let scope = scope.clone();
        let server = self.name.clone();
        self.modify(|scopes| {
            let current = self.find(scopes, scope.id)?;
            if current.version() != version {
                return Err(DriverError::Stale {
                    server,
                    detail: format!("scope {}", scope.id),
                    current: None,
                });
            }
            let id = scope.id;
            *current = scope;
            Ok(((), vec![id]))
        })
        .await
    }

    async fn add_reservation(&self, scope: ScopeId, r: &Reservation) -> Result<(), DriverError> {
        self.modify(|scopes| {
            let s = self.find(scopes, scope)?;
            reservation_fits(s, r).map_err(|errors| DriverError::Rejected {
                server: self.name.clone(),
                errors,
            })?;
            s.reservations.push(r.clone());
            s.sort_reservations();
            Ok(((), vec![scope]))
        })
        .await
    }

    async fn update_reservation(
        &self,
        scope: ScopeId,
        ip: Ipv4Addr,
        r: &Reservation,
        if_match: Option<&str>,
    ) -> Result<(), DriverError> {
        self.modify(|scopes| {
            let s = self.find(scopes, scope)?;
            let current = s
                .reservation(ip)
                .cloned()
                .ok_or_else(|| DriverError::NotFound {
                    server: self.name.clone(),
                    what: format!("reservation {ip} in scope {scope}"),
                })?;
            if if_match.is_some_and(|v| v != current.version()) {
                return Err(DriverError::Stale {
                    server: self.name.clone(),
                    detail: format!("reservation {ip} in scope {scope}"),
                    current: Some(Box::new(current)),
                });
            }
            reservation_fits_except(s, r, Some(ip)).map_err(|errors| DriverError::Rejected {
                server: self.name.clone(),
                errors,
            })?;
            s.reservations.retain(|x| x.ip_address != ip);
            s.reservations.push(r.clone());
            s.sort_reservations();
            Ok(((), vec![scope]))
        })
        .await
    }

    async fn remove_reservation(&self, scope: ScopeId, ip: Ipv4Addr) -> Result<(), DriverError> {
        self.modify(|scopes| {
            let s = self.find(scopes, scope)?;
            if s.reservation(ip).is_none() {
                return Err(DriverError::NotFound {
                    server: self.name.clone(),
                    what: format!("reservation {ip} in scope {scope}"),
                });
            }
            s.reservations.retain(|x| x.ip_address != ip);
            Ok(((), vec![scope]))
        })
        .await
    }

    async fn delete_scope(&self, scope: ScopeId) -> Result<(), DriverError> {
        // In a Kea pair every subnet is in failover; Tandem's service refuses the delete of a
        // failover scope before it gets here.
        self.modify(|scopes| {
            self.find(scopes, scope)?;
            scopes.retain(|s| s.id != scope);
            Ok(((), vec![]))
        })
        .await
    }

    async fn failover(&self) -> Result<Vec<FailoverReport>, DriverError> {
        let config = self.config().await?;
        let Some(relationship) = ha::relationship_of(&config, self.scope_ids(&config)?) else {
            return Ok(Vec::new());
        };
        let raw = self.ha_state().await?;
        Ok(vec![FailoverReport {
            relationship,
            state: state_of(&raw),
            raw_state: raw,
        }])
    }

    async fn create_relationship(&self, c: &RelationshipConfig) -> Result<(), DriverError> {
        let partner_url = c
            .partner_endpoint
            .clone()
            .filter(|u| u.starts_with("http"))
            .ok_or_else(|| {
                self.refused(
                    "secondary_server",
                    "Kea's HA peers reach each other through their control agents: register the partner by its control agent URL",
                )
            })?;
        if !self.url.starts_with("http") {
            return Err(self.refused(
                "primary_server",
                format!(
                    "Kea's HA peers reach each other through their control agents: register {} by its control agent URL",
                    self.name
                ),
            ));
        }
        self.modify_config(|config| {
            if let Some(r) = ha::relationship_of(config, Vec::new()) {
                return Err(self.refused(
                    "primary_server",
                    format!(
                        "{} is already in relationship {} (Kea has one HA relationship per server)",
                        self.name, r.name
                    ),
                ));
            }
            ha::set_relationship(config, &self.name, &self.url, &partner_url, &c.relationship);
            Ok(())
        })
        .await
    }

    async fn update_relationship(&self, c: &RelationshipConfig) -> Result<(), DriverError> {
        self.modify_config(|config| {
            let before = self.named(config, &c.relationship.name)?;
            let partner = before
                .partner_of(&self.name)
                .cloned()
                .ok_or_else(|| self.protocol("an HA relationship without this server"))?;
            let partner_url = c
                .partner_endpoint
                .clone()
                .or_else(|| ha::peer_url(config, &partner))
                .ok_or_else(|| self.protocol(format!("no URL for the HA peer {partner}")))?;
            ha::set_relationship(config, &self.name, &self.url, &partner_url, &c.relationship);
            Ok(())
        })
        .await
    }

    async fn delete_relationship(&self, name: &str) -> Result<(), DriverError> {
        self.modify_config(|config| {
            self.named(config, name)?;
            ha::remove_relationship(config);
            Ok(())
        })
        .await
    }

    async fn add_failover_scope(&self, name: &str, scope: ScopeId) -> Result<(), DriverError> {
        // Kea's HA serves every subnet: a scope on this server is in its relationship.
        let config = self.config().await?;
        self.named(&config, name)?;
        if self.scope_ids(&config)?.contains(&scope) {
            Ok(())
        } else {
            Err(self.no_scope(scope))
        }
    }

    async fn remove_failover_scope(&self, _: &str, _: ScopeId) -> Result<(), DriverError> {
        Err(self.unsupported(
            "taking one scope out of failover: Kea's HA serves every subnet of the server; \
             delete the scope (on both), or delete the relationship",
        ))
    }

    async fn set_partner_down(&self, _: &str) -> Result<FailoverState, DriverError> {
        Err(self.unsupported(
            "setting Partner Down by hand: Kea goes to partner-down by itself when its partner \
             stops answering; to take a partner out, start maintenance on this server",
        ))
    }

    async fn set_service_running(&self, _: bool) -> Result<(), DriverError> {
        Err(self.unsupported("taking the service offline"))
    }

    async fn set_maintenance(&self, name: &str, on: bool) -> Result<FailoverState, DriverError> {
        self.named(&self.fetch().await?, name)?;
        let command = if on {
            "ha-maintenance-start"
        } else {
            "ha-maintenance-cancel"
        };
        self.command(command, None).await?;
        Ok(state_of(&self.ha_state().await?))
    }
}
