//! The web application: build it (database, built-in servers, router), then run it.

use crate::config::ServeConfig;
use app::{App, shell};
use axum::Router;
use axum::http::{HeaderName, Request};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tandem_backend::Tandem;
use tandem_backend::bootstrap::{self, Started};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The portal, built and bound, ready to run.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    started: Started,
}

impl Application {
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        let started = bootstrap::start(&config.data_dir, config.database_url.as_deref()).await?;
        if started.seeded {
            tracing::info!(
                "first run: seeded dhcp1.contoso.com and dc1.contoso.com with scope 10.0.0.0"
            );
        }
        let options = leptos_options(&config);
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let router = router(options, started.tandem.clone());
        Ok(Self {
            listener,
            router,
            started,
        })
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let addr = self.listener.local_addr()?;
        tracing::info!("Tandem is serving on http://{addr}");
        for server in &self.started.builtin {
            tracing::info!(server = %server.name, api = %server.endpoint(), "built-in server native API");
        }
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    }
}

/// Leptos's settings, from Tandem's own (no Cargo.toml metadata, no LEPTOS_* variables).
pub fn leptos_options(config: &ServeConfig) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("tandem")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build()
}

/// The whole router: pages, server functions, static files, with tracing and request IDs.
pub fn router(options: LeptosOptions, tandem: Tandem) -> Router {
    let routes = generate_route_list(App);
    let context = move || provide_context(tandem.clone());
    Router::new()
        .leptos_routes_with_context(&options, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .layer(CompressionLayer::new())
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
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}
