//! What the API and remote CLI tests share: a Tandem on a fresh data folder, its router.

use app::api::ssr::CookiePolicy;
use server::config::ServeConfig;
use server::web::{leptos_options, router};
use tandem_backend::bootstrap;

/// A started Tandem (the seed's built-in pair serving) with its administrator, and its router.
pub async fn started(dir: &std::path::Path, password: &str) -> (bootstrap::Started, axum::Router) {
    let started = bootstrap::start(dir, None).await.unwrap();
    started.tandem.ensure_admin(Some(password)).await.unwrap();
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.to_path_buf(),
        database_url: None,
        site_root: dir.join("site"),
        admin_password: None,
        secure_cookies: false,
        session_idle_minutes: 30,
        retention_days: 365,
        trusted_proxies: Vec::new(),
        drift_interval_secs: 30,
        failover_heartbeat_ms: 1000,
        failover_timeout_ms: 3000,
        metrics_addr: None,
        log_format: server::config::LogFormat::Text,
        builtin: server::config::Builtin::Host,
        instance_name: None,
    };
    let router = router(
        leptos_options(&config),
        started.tandem.clone(),
        CookiePolicy { secure: false },
        server::guard::TrustedProxies::new(Vec::new()),
    );
    (started, router)
}
