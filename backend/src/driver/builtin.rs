//! The driver for Tandem's built-in DHCP server, over its native HTTP API.

use super::RelationshipConfig;
use super::{Capabilities, DhcpDriver, DriverError};
use crate::builtin::api::ErrorBody;
use crate::builtin::urlencode;
use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::net::Ipv4Addr;
use tandem_core::{
    FailoverReport, FailoverState, FieldErrors, Reservation, Scope, ScopeId, ServerName,
};

pub struct BuiltinDriver {
    name: ServerName,
    base: String,
    client: reqwest::Client,
    /// The built-in servers' API secret (see [`crate::builtin::api_secret`]).
    secret: Option<String>,
}

impl BuiltinDriver {
    pub fn new(
        name: ServerName,
        base: String,
        client: reqwest::Client,
        secret: Option<String>,
    ) -> Self {
        Self {
            name,
            base,
            client,
            secret,
        }
    }

    fn unreachable(&self, detail: impl ToString) -> DriverError {
        DriverError::Unreachable {
            server: self.name.clone(),
            detail: detail.to_string(),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl serde::Serialize + Sync)>,
        what: &str,
    ) -> Result<reqwest::Response, DriverError> {
        self.call_if(method, path, body, what, None).await
    }

    async fn call_if(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl serde::Serialize + Sync)>,
        what: &str,
        if_match: Option<&str>,
    ) -> Result<reqwest::Response, DriverError> {
        let json = matches!(method, Method::POST | Method::PUT);
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(secret) = &self.secret {
            request = request.bearer_auth(secret);
        }
        if json {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json");
        }
        if let Some(version) = if_match {
            request = request.header(reqwest::header::IF_MATCH, format!("\"{version}\""));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_connect() || e.is_timeout() {
                self.unreachable("no answer from its management API")
            } else {
                self.unreachable(e)
            }
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body: ErrorBody = response.json().await.unwrap_or(ErrorBody {
            error: format!("HTTP {status}"),
            fields: vec![],
            current: None,
        });
        Err(match status {
            StatusCode::SERVICE_UNAVAILABLE => self.unreachable(body.error),
            StatusCode::NOT_FOUND => DriverError::NotFound {
                server: self.name.clone(),
                what: what.to_string(),
            },
            StatusCode::PRECONDITION_FAILED => DriverError::Stale {
                server: self.name.clone(),
                detail: body.error,
                current: body.current.map(Box::new),
            },
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => DriverError::Rejected {
                server: self.name.clone(),
                errors: if body.fields.is_empty() {
                    tandem_core::FieldError::new("request", body.error).into()
                } else {
                    FieldErrors(body.fields)
                },
            },
            _ => DriverError::Protocol {
                server: self.name.clone(),
                detail: body.error,
            },
        })
    }

    /// Stops or starts the server's DHCP service (takes it offline or brings it back).
    pub async fn set_running(&self, running: bool) -> Result<(), DriverError> {
        let path = if running {
            "/v1/service/start"
        } else {
            "/v1/service/stop"
        };
        self.call(Method::POST, path, None::<&()>, "the DHCP service")
            .await
            .map(drop)
    }

    /// Gives the server a lease (the native API's own; never replicated).
    pub async fn add_lease(&self, lease: &crate::builtin::Lease) -> Result<(), DriverError> {
        self.call(
            Method::POST,
            &format!("/v1/scopes/{}/leases", lease.scope_id),
            Some(lease),
            &format!("scope {}", lease.scope_id),
        )
        .await
        .map(drop)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, what: &str) -> Result<T, DriverError> {
        self.answer(Method::GET, path, what).await
    }

    /// A call without a body whose answer is JSON.
    async fn answer<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        what: &str,
    ) -> Result<T, DriverError> {
        self.call(method, path, None::<&()>, what)
            .await?
            .json()
            .await
            .map_err(|e| DriverError::Protocol {
                server: self.name.clone(),
                detail: e.to_string(),
            })
    }
}

impl BuiltinDriver {
    pub const CAPABILITIES: Capabilities = Capabilities {
        product: "the built-in server",
        reservation_edits: true,
        service_control: true,
        partner_down: true,
        maintenance: false,
        failover_per_scope: true,
        load_balance_split: true,
        standby_reserve: true,
        message_auth: true,
        placement: super::Placement::InRange,
        shared_networks: false,
    };
}

#[async_trait]
impl DhcpDriver for BuiltinDriver {
    fn server(&self) -> &ServerName {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        Self::CAPABILITIES
    }

    async fn revision(&self) -> Result<Option<String>, DriverError> {
        let info: crate::builtin::api::ServerInfo = self.get("/v1/server", "server").await?;
        Ok(Some(info.revision))
    }

    async fn scopes(&self) -> Result<Vec<Scope>, DriverError> {
        self.get("/v1/scopes", "scopes").await
    }

    async fn scope(&self, id: ScopeId) -> Result<Scope, DriverError> {
        self.get(&format!("/v1/scopes/{id}"), &format!("scope {id}"))
            .await
    }

    async fn put_scope(&self, scope: &Scope) -> Result<(), DriverError> {
        let id = scope.id;
        self.call(
            Method::PUT,
            &format!("/v1/scopes/{id}"),
            Some(scope),
            &format!("scope {id}"),
        )
        .await
        .map(drop)
    }

    async fn put_scope_properties(
        &self,
        scope: &Scope,
        if_version: Option<&str>,
    ) -> Result<(), DriverError> {
        let id = scope.id;
        self.call_if(
            Method::PUT,
            &format!("/v1/scopes/{id}/properties"),
            Some(scope),
            &format!("scope {id}"),
            if_version,
        )
        .await
        .map(drop)
    }

    async fn add_reservation(&self, scope: ScopeId, r: &Reservation) -> Result<(), DriverError> {
        self.call(
            Method::POST,
            &format!("/v1/scopes/{scope}/reservations"),
            Some(r),
            &format!("scope {scope}"),
        )
        .await
        .map(drop)
    }

    async fn update_reservation(
        &self,
        scope: ScopeId,
        ip: Ipv4Addr,
        r: &Reservation,
        if_match: Option<&str>,
    ) -> Result<(), DriverError> {
        self.call_if(
            Method::PUT,
            &format!("/v1/scopes/{scope}/reservations/{ip}"),
            Some(r),
            &format!("reservation {ip} in scope {scope}"),
            if_match,
        )
        .await
        .map(drop)
    }

    async fn remove_reservation(&self, scope: ScopeId, ip: Ipv4Addr) -> Result<(), DriverError> {
        self.call(
            Method::DELETE,
            &format!("/v1/scopes/{scope}/reservations/{ip}"),
            None::<&()>,
            &format!("reservation {ip} in scope {scope}"),
        )
        .await
        .map(drop)
    }

    async fn delete_lease(&self, ip: Ipv4Addr) -> Result<bool, DriverError> {
        let deleted = self
            .call(
                Method::DELETE,
                &format!("/v1/leases/{ip}"),
                None::<&()>,
                &format!("lease {ip}"),
            )
            .await;
        match deleted {
            Ok(_) => Ok(true),
            Err(DriverError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn clear_leases(&self, scope: ScopeId) -> Result<u64, DriverError> {
        #[derive(serde::Deserialize)]
        struct Cleared {
            deleted: u64,
        }
        let answer: Cleared = self
            .answer(
                Method::DELETE,
                &format!("/v1/scopes/{scope}/leases"),
                &format!("the leases of scope {scope}"),
            )
            .await?;
        Ok(answer.deleted)
    }

    async fn delete_scope(&self, scope: ScopeId) -> Result<(), DriverError> {
        self.call(
            Method::DELETE,
            &format!("/v1/scopes/{scope}"),
            None::<&()>,
            &format!("scope {scope}"),
        )
        .await
        .map(drop)
    }

    async fn failover(&self) -> Result<Vec<FailoverReport>, DriverError> {
        self.get("/v1/failover", "failover relationships").await
    }

    async fn usage(
        &self,
        scopes: &[Scope],
    ) -> Result<Vec<(ScopeId, tandem_core::usage::ScopeUsage)>, DriverError> {
        // The server counts every scope it holds; those asked for are kept.
        let all: Vec<(ScopeId, tandem_core::usage::ScopeUsage)> =
            self.get("/v1/usage", "the scopes' figures").await?;
        Ok(all
            .into_iter()
            .filter(|(id, _)| scopes.iter().any(|s| s.id == *id))
            .collect())
    }

    async fn find_leases(
        &self,
        query: &tandem_core::usage::LeaseQuery,
    ) -> Result<Vec<tandem_core::usage::LeaseHit>, DriverError> {
        let text = match query {
            tandem_core::usage::LeaseQuery::Ip(ip) => ip.to_string(),
            tandem_core::usage::LeaseQuery::Mac(mac) => mac.to_string(),
            tandem_core::usage::LeaseQuery::Hostname(h) => h.clone(),
        };
        self.get(&format!("/v1/leases?q={}", urlencode(&text)), "leases")
            .await
    }

    async fn create_relationship(&self, r: &RelationshipConfig) -> Result<(), DriverError> {
        self.call(
            Method::POST,
            "/v1/failover",
            Some(r),
            "failover relationships",
        )
        .await
        .map(drop)
    }

    async fn update_relationship(&self, r: &RelationshipConfig) -> Result<(), DriverError> {
        let name = &r.relationship.name;
        self.call(
            Method::PUT,
            &format!("/v1/failover/{}", urlencode(name)),
            Some(r),
            &format!("relationship {name}"),
        )
        .await
        .map(drop)
    }

    async fn delete_relationship(&self, name: &str) -> Result<(), DriverError> {
        self.call(
            Method::DELETE,
            &format!("/v1/failover/{}", urlencode(name)),
            None::<&()>,
            &format!("relationship {name}"),
        )
        .await
        .map(drop)
    }

    async fn add_failover_scope(&self, name: &str, scope: ScopeId) -> Result<(), DriverError> {
        self.call(
            Method::POST,
            &format!("/v1/failover/{}/scopes", urlencode(name)),
            Some(&serde_json::json!({ "scope_id": scope })),
            &format!("relationship {name}"),
        )
        .await
        .map(drop)
    }

    async fn remove_failover_scope(&self, name: &str, scope: ScopeId) -> Result<(), DriverError> {
        self.call(
            Method::DELETE,
            &format!("/v1/failover/{}/scopes/{scope}", urlencode(name)),
            None::<&()>,
            &format!("scope {scope} in relationship {name}"),
        )
        .await
        .map(drop)
    }

    async fn set_service_running(&self, running: bool) -> Result<(), DriverError> {
        self.set_running(running).await
    }

    async fn set_partner_down(&self, name: &str) -> Result<FailoverState, DriverError> {
        self.answer(
            Method::POST,
            &format!("/v1/failover/{}/partner-down", urlencode(name)),
            &format!("relationship {name}"),
        )
        .await
    }
}
