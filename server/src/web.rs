//! The web application: build it (database, first administrator, built-in servers, router),
//! then run it.

use crate::config::ServeConfig;
use crate::{api, forms, guard, live, monitor};
use app::api::ssr::CookiePolicy;
use app::{App, shell};
use axum::Router;
use axum::http::{HeaderName, Request};
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::time::Duration;
use tandem_backend::Tandem;
use tandem_backend::bootstrap::{self, Started};
use tandem_backend::service::SessionSettings;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The portal, built and bound, ready to run.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    started: Started,
    /// The separate address for `/metrics` and `/health`, when one is set.
    metrics: Option<tokio::net::TcpListener>,
}

impl Application {
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        let instance = config.instance_name.clone().unwrap_or_else(|| {
            format!(
                "{}:{}",
                tandem_backend::service::host_name(),
                config.addr.port()
            )
        });
        let options = bootstrap::StartOptions {
            instance: Some(instance),
            builtin_remote: config.builtin == crate::config::Builtin::Remote,
        };
        let mut started =
            bootstrap::start_with(&config.data_dir, config.database_url.as_deref(), &options)
                .await?;
        if started.seeded {
            tracing::info!(
                "first run: seeded dhcp1.contoso.com and dc1.contoso.com with scope 10.0.0.0"
            );
        }
        started.tandem = started.tandem.clone().with_sessions(SessionSettings {
            idle: Duration::from_secs(config.session_idle_minutes * 60),
            retention: Duration::from_secs(config.retention_days * 24 * 60 * 60),
            ..SessionSettings::default()
        });
        if let Some(generated) = started
            .tandem
            .ensure_admin(config.admin_password.as_deref())
            .await?
        {
            // Shown once: the only place this password ever appears.
            println!(
                "\n  First run: sign in as user 'admin' with password: {generated}\n  \
                 (change it under Users and Roles; this is not shown again)\n"
            );
        }
        let timing = tandem_backend::builtin::failover::Timing {
            heartbeat_ms: config.failover_heartbeat_ms,
            comm_timeout_ms: config.failover_timeout_ms,
        };
        for server in &started.builtin {
            if server.server.snapshot().await.timing != timing {
                server
                    .server
                    .set_timing(timing)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}: {e:?}", server.name))?;
            }
        }
        // On PostgreSQL, other instances' changes reach this one's open pages.
        let relay = started.tandem.clone();
        tokio::spawn(async move { relay.relay_notices().await });
        let watcher = started.tandem.clone();
        let every = Duration::from_secs(config.drift_interval_secs.max(1));
        tokio::spawn(async move { watcher.watch(every).await });
        let pruner = started.tandem.clone();
        tokio::spawn(async move {
            loop {
                match pruner.prune().await {
                    Ok(p) => tracing::info!(
                        failures = p.failures,
                        sessions = p.sessions,
                        events = p.events,
                        "pruned"
                    ),
                    Err(e) => tracing::warn!(error = %e, "pruning failed"),
                }
                tokio::time::sleep(Duration::from_secs(60 * 60)).await;
            }
        });
        let options = leptos_options(&config);
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let metrics = match config.metrics_addr {
            Some(addr) => Some(tokio::net::TcpListener::bind(addr).await?),
            None => None,
        };
        let router = router(
            options,
            started.tandem.clone(),
            CookiePolicy {
                secure: config.secure_cookies,
            },
            guard::TrustedProxies::new(config.trusted_proxies.clone()),
        );
        Ok(Self {
            listener,
            router,
            started,
            metrics,
        })
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let addr = self.listener.local_addr()?;
        tracing::info!("Tandem is serving on http://{addr}");
        println!("Tandem is serving on http://{addr}");
        for server in &self.started.builtin {
            tracing::info!(server = %server.name, api = %server.endpoint(), "built-in server native API");
        }
        if let Some(listener) = self.metrics {
            let at = listener.local_addr()?;
            tracing::info!("metrics and health on http://{at}/metrics");
            let router = monitor::router(self.started.tandem.clone());
            tokio::spawn(async move {
                let listener = tandem_backend::listen::without_delay(listener);
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::error!(error = %e, "the metrics address stopped serving");
                }
            });
        }
        axum::serve(
            tandem_backend::listen::without_delay(self.listener),
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok(())
    }
}

/// The largest request body Tandem reads (2 MiB).
pub const MAX_BODY: usize = 2 << 20;

/// Leptos's settings, from Tandem's own (no Cargo.toml metadata, no LEPTOS_* variables). The
/// bundle's files are under `pkg/<hash>/` (scripts/build.sh), named by `pkg/current`.
pub fn leptos_options(config: &ServeConfig) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("tandem")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir(bundle_dir(&config.site_root))
        .site_addr(config.addr)
        .build()
}

/// `pkg/<hash>`, the folder of the current build of the browser bundle (plain `pkg` when the
/// site has not been built: pages then render, without their code).
fn bundle_dir(site_root: &std::path::Path) -> String {
    let current = site_root.join("pkg").join("current");
    match std::fs::read_to_string(&current) {
        Ok(hash)
            if !hash.trim().is_empty() && hash.trim().chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            format!("pkg/{}", hash.trim())
        }
        _ => {
            tracing::warn!(file = %current.display(), "no browser bundle: run scripts/build.sh");
            "pkg".into()
        }
    }
}

/// The bundle's files: their names change with their contents, so a browser keeps them for a
/// year without asking again; served from the gzip or brotli copy beside each when the
/// browser accepts it (compressed once, at build time).
fn bundle_files(site_root: &std::path::Path) -> Router {
    let files = tower_http::services::ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
}

/// The whole router: pages, server functions, live refresh, CSV export and static files,
/// behind the session and same-origin guards, with security headers, tracing and request IDs.
pub fn router(
    options: LeptosOptions,
    tandem: Tandem,
    cookies: CookiePolicy,
    proxies: guard::TrustedProxies,
) -> Router {
    let routes = generate_route_list(App);
    let site_root = options.site_root.clone();
    let flashes = app::api::forms::ssr::Flashes::default();
    let description = api::description_json();
    let drafts = app::api::imports::ssr::ImportDrafts::new(tandem.store().clone());
    let context = {
        let (tandem, flashes) = (tandem.clone(), flashes.clone());
        let description = app::api::ssr::ApiDescription(description.clone());
        let drafts = drafts.clone();
        move || {
            provide_context(drafts.clone());
            provide_context(tandem.clone());
            provide_context(cookies);
            provide_context(flashes.clone());
            provide_context(description.clone());
        }
    };
    let handlers = Router::new()
        .route("/api/live", get(live::live))
        .route("/events.csv", get(live::events_csv))
        .route("/health", get(monitor::health))
        .route("/metrics", get(monitor::metrics_with_token))
        // The sign-in form posted natively (GET /sign-in is the page).
        .route("/sign-in", axum::routing::post(live::sign_in_form))
        // Dialogs posted natively (before the page's code has loaded, or without JavaScript).
        .route("/forms/{form}", axum::routing::post(forms::submit))
        // The Import Reservations file, posted natively (multipart/form-data).
        .route("/import-file", axum::routing::post(forms::import_file))
        // Sign-out as a form (before the page's code has loaded, or without JavaScript).
        .route("/sign-out", axum::routing::post(live::sign_out_form))
        .layer(axum::Extension(cookies))
        .layer(axum::Extension(flashes))
        .layer(axum::Extension(drafts.clone()))
        .with_state(tandem.clone());
    // The REST API: its own authentication (a bearer token, or the session), its own errors.
    let api = api::router(tandem.clone(), description);
    let mut router = Router::new()
        .leptos_routes_with_context(&options, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .merge(handlers)
        .nest("/pkg", bundle_files(std::path::Path::new(&*site_root)))
        .nest("/api/v1", api)
        .route_layer(axum::middleware::from_fn(monitor::note_route))
        .layer(axum::middleware::from_fn(guard::refusal_status))
        .layer(axum::middleware::from_fn(guard::run_to_the_end))
        .layer(axum::middleware::from_fn_with_state(
            tandem.clone(),
            guard::require_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            proxies,
            guard::client_address,
        ))
        .layer(axum::middleware::from_fn(guard::same_origin))
        .layer(axum::middleware::from_fn_with_state(
            tandem.clone(),
            monitor::count_requests,
        ))
        // No request needs more; a bigger body is refused (413) before it is read whole.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .layer(CompressionLayer::new());
    for (name, value) in guard::security_headers() {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }),
        )
        // A bug that panics answers 500 (and is logged), rather than dropping the connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::from_fn(guard::sane_request_id))
}

/// The answer to a request whose handler panicked: a plain 500 (the panic is in the log).
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    tracing::error!("a request's handler panicked");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        r#"{"error":"internal error (see the log)"}"#,
    )
        .into_response()
}
