//! DHCP Servers, Server Properties (take a server offline and back) and the Dashboard.

use super::{Caller, ServiceError, Tandem};
use crate::driver::{ControlAccess, DhcpDriver, DriverError, Drivers};
use crate::store::servers::ServerKind;
use crate::store::{self, inventory};
use tandem_core::ServerName;
use tandem_core::access::Permission;
use tandem_core::views::{
    Dashboard, Page, RelationshipQuery, ScopeQuery, ScopeSort, ServerQuery, ServerRow, ServersPage,
    SyncFilter,
};

impl Tandem {
    /// Watches for changes made outside Tandem (and failover state changes): every `every`,
    /// re-reads the servers whose revision moved and every server's failover states, and tells
    /// open pages when anything they show changed. The first look is at once, so that the
    /// inventory is filled at start.
    pub async fn watch(&self, every: std::time::Duration) {
        self.monitor
            .every
            .store(every.as_secs().max(1), std::sync::atomic::Ordering::Relaxed);
        // On PostgreSQL the instances share one watch: the one holding its lock runs it, and
        // the others try to take it over at every interval.
        let mut lease = super::cluster::WatchLease::default();
        loop {
            // A change found is told to open pages by the read itself.
            if lease.hold(self).await
                && let Err(e) = self.refresh_all().await
            {
                tracing::warn!(error = %e, "drift check failed");
            }
            tokio::time::sleep(every).await;
        }
    }

    /// The DHCP Servers view: one page of the managed servers the caller may see, with what
    /// each holds (from the inventory).
    #[tracing::instrument(skip_all, err)]
    pub async fn list_servers(
        &self,
        caller: &Caller,
        query: &ServerQuery,
    ) -> Result<ServersPage, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        self.ensure_inventory().await?;
        let page = Page::new(query.page.number, query.page.size);
        let query = ServerQuery {
            page,
            ..query.clone()
        };
        let mut conn = self.store.pool().acquire().await?;
        let (lines, total) =
            inventory::servers(&mut conn, &query, caller.principal.servers.as_deref()).await?;
        let rows = lines
            .into_iter()
            .map(|l| ServerRow {
                service_control: ServerKind::parse(&l.kind)
                    .is_some_and(|k| Drivers::capabilities(k).service_control),
                name: l.name,
                kind: l.kind,
                unreachable: l.unreachable,
                scopes: l.scopes as usize,
                failover_scopes: l.failover_scopes as usize,
                relationships: l.relationships as usize,
                collected_at: l.collected_at,
                write_method: l.write_method,
            })
            .collect();
        Ok(ServersPage { rows, total, page })
    }

    /// Registers a Kea DHCPv4 server by its control channel (a control agent's or its own
    /// HTTP(S) control socket's URL, or `unix:` and its control socket), reached with
    /// `access` (HTTP basic authentication, a CA file for `https://`), once it has answered
    /// with its configuration (so a wrong URL, name or credential is refused, not stored).
    /// Returns how many subnets it holds. Its name must be its HA peer name, for its
    /// relationship to be recognised. The password is stored to be sent, and shown nowhere.
    #[tracing::instrument(skip_all, err, fields(server = %name))]
    pub async fn add_kea_server(
        &self,
        caller: &Caller,
        name: &ServerName,
        url: &str,
        access: &ControlAccess,
    ) -> Result<usize, ServiceError> {
        let what = format!("server {name}");
        self.authorize(
            caller,
            Permission::ManageServers,
            Some(name),
            "add_server",
            &what,
        )
        .await?;
        let url = url.trim();
        let access = ControlAccess {
            user: access
                .user
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_string),
            password: access.password.clone().filter(|p| !p.is_empty()),
            ca_file: access
                .ca_file
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
        };
        control_channel_refusals(url, &access).into_result()?;
        let refuse = |field: &str, message: String| -> ServiceError {
            tandem_core::FieldErrors::from(tandem_core::FieldError::new(field, message)).into()
        };
        let mut conn = self.store.pool().acquire().await?;
        let existing = store::servers::find(&mut conn, name).await?;
        if existing.is_some_and(|s| s.kind != store::servers::ServerKind::Kea) {
            return Err(refuse(
                "name",
                format!("{name} is already a built-in server in Tandem"),
            ));
        }
        drop(conn);
        // Read before it is stored: a server that does not answer, or is not what its name
        // says, is not registered.
        let driver = self
            .drivers
            .kea_with(name, url, &access)
            .map_err(|e| refuse("ca_file", e))?;
        let own = driver.ha_name().await.map_err(|e| match e {
            DriverError::Unreachable { detail, .. } if detail.contains("credentials") => {
                refuse("password", format!("refused: {detail}"))
            }
            DriverError::Unreachable { detail, .. } if detail.contains("certificate") => refuse(
                "ca_file",
                format!("its certificate is not trusted: {detail}"),
            ),
            DriverError::Unreachable { detail, .. } => {
                refuse("url", format!("no answer: {detail}"))
            }
            other => refuse("url", other.to_string()),
        })?;
        if let Some(own) = own
            && own != name.as_str()
        {
            return Err(refuse(
                "name",
                format!(
                    "this Kea server is {own} in its HA configuration: register it under that name"
                ),
            ));
        }
        // From the configuration just read.
        let scopes = driver.scopes().await?;
        let mut tx = self.store.begin_write().await?;
        store::servers::upsert(&mut tx, name, store::servers::ServerKind::Kea, url).await?;
        store::servers::set_access(&mut tx, name, &access).await?;
        let mut event = self.event(caller, "add_server", "server", &what, Some(name));
        // What was set, never the password itself.
        event.after_json = Some(
            serde_json::json!({
                "kind": "kea",
                "url": url,
                "user": access.user,
                "password": access.password.as_ref().map(|_| "(set)"),
                "ca_file": access.ca_file,
            })
            .to_string(),
        );
        store::events::record(&mut tx, &event, "ok", None).await?;
        tx.commit().await?;
        self.touched("server", &[name], None).await;
        Ok(scopes.len())
    }

    /// Takes a server's DHCP service offline, or brings it back (Server Properties).
    #[tracing::instrument(skip_all, err)]
    pub async fn set_server_online(
        &self,
        caller: &Caller,
        server: &ServerName,
        online: bool,
    ) -> Result<(), ServiceError> {
        let action = if online {
            "start_server"
        } else {
            "stop_server"
        };
        let what = format!("server {server}");
        self.authorize(
            caller,
            Permission::ManageServers,
            Some(server),
            action,
            &what,
        )
        .await?;
        let driver = self.driver(server).await?;
        if !driver.capabilities().service_control {
            return Err(ServiceError::Driver(
                crate::driver::DriverError::NotSupported {
                    server: server.clone(),
                    what: "taking the service offline".into(),
                },
            ));
        }
        let id = self
            .begin(&self.event(caller, action, "server", &what, Some(server)))
            .await?;
        self.conclude(id, driver.set_service_running(online).await, None)
            .await?;
        self.touched("server", &[server], None).await;
        Ok(())
    }

    /// The Dashboard: relationships by state, scopes with sync errors, OutOfSync scopes,
    /// unreachable servers.
    #[tracing::instrument(skip_all, err)]
    pub async fn dashboard(&self, caller: &Caller) -> Result<Dashboard, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        self.ensure_inventory().await?;
        // Kept between changes: it counts over every scope, and is the phone's first page.
        let allowed = caller.principal.servers.as_deref();
        let generation = self.cache.generation();
        let key = serde_json::to_string(&allowed).expect("names serialize");
        if let Some(kept) = self.cache.dashboards.get(&key, generation) {
            return Ok(kept);
        }
        let not_normal = self
            .list_relationships(
                caller,
                &RelationshipQuery {
                    not_normal: true,
                    page: Page::new(1, DASHBOARD_ROWS),
                    ..RelationshipQuery::default()
                },
            )
            .await?;
        let mut conn = self.store.pool().acquire().await?;
        let servers = store::servers::count(&mut conn, allowed).await? as usize;
        let by_state = store::failover::by_health(&mut conn, allowed).await?;
        let (failover_scopes, drifting, errors) =
            inventory::failover_counts(&mut conn, allowed).await?;
        let first = |sync| ScopeQuery {
            sync: Some(sync),
            page: Page::new(1, DASHBOARD_ROWS),
            ..ScopeQuery::default()
        };
        let (out_of_sync, _) =
            inventory::scopes(&mut conn, &first(SyncFilter::Drift), allowed).await?;
        let (sync_errors, _) =
            inventory::scopes(&mut conn, &first(SyncFilter::Error), allowed).await?;
        // The ten fullest scopes (only those whose figures are known).
        let (mut fullest, _) = inventory::scopes_counted(
            &mut conn,
            &ScopeQuery {
                sort: ScopeSort::Usage,
                descending: true,
                page: Page::new(1, FULLEST_ROWS),
                ..ScopeQuery::default()
            },
            allowed,
            Some(0),
        )
        .await?;
        fullest.retain(|r| r.usage.is_some());
        let review = match Self::kept_review(&mut conn).await? {
            Some(kept) => Some(Self::as_seen_by(&mut conn, caller, kept).await?.counts()),
            None => None,
        };
        let dashboard = Dashboard {
            review,
            fullest,
            servers,
            unreachable_servers: self.unreachable_servers(&mut conn, allowed).await?,
            relationships_by_state: by_state,
            out_of_sync,
            out_of_sync_total: drifting as usize,
            sync_errors,
            sync_errors_total: errors as usize,
            failover_scopes: failover_scopes as usize,
            relationships: not_normal.rows,
        };
        self.cache
            .dashboards
            .put(key, generation, dashboard.clone());
        Ok(dashboard)
    }
}

/// Scopes the Dashboard lists under each problem (the tile links to all of them).
const DASHBOARD_ROWS: u32 = 20;
/// The fullest scopes the Dashboard lists.
const FULLEST_ROWS: u32 = 10;

/// What is wrong with a control channel's address and access, field by field: an address
/// Tandem can use, credentials only in their own fields (never in the URL) and only both
/// together, a CA file only for `https://`.
pub(crate) fn control_channel_refusals(
    url: &str,
    access: &ControlAccess,
) -> tandem_core::FieldErrors {
    const MAX: usize = 1024;
    let mut errors = tandem_core::FieldErrors::default();
    let socket = url.strip_prefix("unix:");
    let parsed = reqwest::Url::parse(url).ok();
    let http = parsed
        .as_ref()
        .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if url.len() > MAX {
        errors.push("url", format!("at most {MAX} characters"));
    } else if let Some(why) = tandem_core::text::control_character("a URL", url) {
        // The URL parser would drop a tab or a line break without a word.
        errors.push("url", why);
    } else if !(http || socket.is_some_and(|p| p.starts_with('/'))) {
        errors.push(
            "url",
            "give the control channel's URL (http://127.0.0.1:8000/, https://kea1.example.com:8004/) or the server's control socket (unix:/run/kea/kea4-ctrl-socket)",
        );
    } else if parsed
        .as_ref()
        .is_some_and(|u| !u.username().is_empty() || u.password().is_some())
    {
        errors.push(
            "url",
            "credentials never go in a URL: give the user and password in their own fields",
        );
    }
    let https = parsed.as_ref().is_some_and(|u| u.scheme() == "https");
    match (&access.user, &access.password) {
        (Some(_), None) => errors.push("password", "a user needs a password"),
        (None, Some(_)) => errors.push("user", "a password needs a user"),
        (Some(_), Some(_)) if socket.is_some() => errors.push(
            "user",
            "a control socket takes no credentials: give an http(s):// URL to use them",
        ),
        _ => {}
    }
    if let Some(user) = &access.user
        && (user.contains(':') || user.chars().any(char::is_control) || user.len() > 255)
    {
        errors.push(
            "user",
            "a user name has no ':' or control characters, and at most 255 characters",
        );
    }
    if access.password.as_ref().is_some_and(|p| p.len() > MAX) {
        errors.push("password", format!("at most {MAX} characters"));
    }
    if let Some(ca) = &access.ca_file {
        if !https {
            errors.push("ca_file", "a CA file is for an https:// URL");
        } else if !ca.starts_with('/') || ca.len() > MAX {
            errors.push(
                "ca_file",
                "give the CA file's absolute path on Tandem's machine",
            );
        }
    }
    errors
}
