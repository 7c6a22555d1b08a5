//! What an operator's Prometheus scrapes from `/metrics`: requests by route and status with
//! their latency, changes and replications by outcome, the drift watch's passes, each server's
//! read latency, and the estate's state (sync errors open, scopes out of sync, servers
//! unreachable), counted from the inventory when scraped.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route's pattern (`/api/v1/servers/{server}`), never the path itself: a bounded set.
    pub route: String,
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReplicationLabels {
    /// `automatic` (a change applied on the partner) or `scope` (a scope copied whole).
    kind: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ServerLabels {
    server: String,
}

type Seconds = Family<RouteLabels, Histogram>;

/// Every metric Tandem keeps, in one registry.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Seconds,
    changes: Family<OutcomeLabels, Counter>,
    replications: Family<ReplicationLabels, Counter>,
    drift_pass_seconds: Histogram,
    server_read_seconds: Family<ServerLabels, Histogram>,
    sync_errors_open: Gauge,
    scopes_out_of_sync: Gauge,
    servers_unreachable: Gauge,
    drift_watch_age_seconds: Gauge<f64, AtomicU64>,
}

/// Latency buckets from 1 ms to about 33 s.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// The estate's state, counted from the inventory at each scrape.
#[derive(Debug, Clone, Copy, Default)]
pub struct EstateGauges {
    pub sync_errors_open: i64,
    pub scopes_out_of_sync: i64,
    pub servers_unreachable: i64,
    /// Seconds since the drift watch's last finished pass (any instance's); `None` before one.
    pub drift_watch_age: Option<f64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tandem");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        let request_seconds = Seconds::new_with_constructor(latency as fn() -> Histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route",
            request_seconds.clone(),
        );
        let changes = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "changes",
            "Changes to DHCP servers made through Tandem, by outcome (ok or failed)",
            changes.clone(),
        );
        let replications = Family::<ReplicationLabels, Counter>::default();
        registry.register(
            "replications",
            "Replications to a failover partner, by kind (automatic, scope) and outcome",
            replications.clone(),
        );
        let drift_pass_seconds = latency();
        registry.register(
            "drift_pass_duration_seconds",
            "Time the drift watch took to read every server and their failover states",
            drift_pass_seconds.clone(),
        );
        let server_read_seconds =
            Family::<ServerLabels, Histogram>::new_with_constructor(latency as fn() -> Histogram);
        registry.register(
            "server_read_duration_seconds",
            "Time to read a DHCP server (its revision, and whole when it moved), by server",
            server_read_seconds.clone(),
        );
        let sync_errors_open = Gauge::default();
        registry.register(
            "sync_errors_open",
            "Failover Config Sync errors not yet cleared",
            sync_errors_open.clone(),
        );
        let scopes_out_of_sync = Gauge::default();
        registry.register(
            "scopes_out_of_sync",
            "Failover scopes whose copies differ",
            scopes_out_of_sync.clone(),
        );
        let servers_unreachable = Gauge::default();
        registry.register(
            "servers_unreachable",
            "Managed DHCP servers that did not answer at their last read",
            servers_unreachable.clone(),
        );
        let drift_watch_age_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "drift_watch_age_seconds",
            "Seconds since the drift watch last finished a pass (-1 before its first)",
            drift_watch_age_seconds.clone(),
        );
        Self {
            registry,
            requests,
            request_seconds,
            changes,
            replications,
            drift_pass_seconds,
            server_read_seconds,
            sync_errors_open,
            scopes_out_of_sync,
            servers_unreachable,
            drift_watch_age_seconds,
        }
    }

    /// One HTTP request answered.
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status: status.to_string(),
            })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(took.as_secs_f64());
    }

    pub(crate) fn change(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.changes
            .get_or_create(&OutcomeLabels {
                outcome: outcome.into(),
            })
            .inc();
    }

    pub(crate) fn replication(&self, kind: &str, outcome: &str) {
        self.replications
            .get_or_create(&ReplicationLabels {
                kind: kind.into(),
                outcome: outcome.into(),
            })
            .inc();
    }

    pub(crate) fn drift_pass(&self, took: Duration) {
        self.drift_pass_seconds.observe(took.as_secs_f64());
    }

    pub(crate) fn server_read(&self, server: &str, took: Duration) {
        self.server_read_seconds
            .get_or_create(&ServerLabels {
                server: server.to_string(),
            })
            .observe(took.as_secs_f64());
    }

    /// Everything, in the OpenMetrics text format Prometheus reads, with the estate's state.
    pub fn encode(&self, estate: EstateGauges) -> String {
        self.sync_errors_open.set(estate.sync_errors_open);
        self.scopes_out_of_sync.set(estate.scopes_out_of_sync);
        self.servers_unreachable.set(estate.servers_unreachable);
        self.drift_watch_age_seconds
            .set(estate.drift_watch_age.unwrap_or(-1.0));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String does not fail");
        out
    }
}

/// The content type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
