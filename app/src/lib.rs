//! The Leptos application: wire error type, server functions, pages and components. Built
//! twice: with `ssr` for the server, with `hydrate` for the browser.

// Leptos views are deeply nested types; release builds need more room to lay them out.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod pages;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::SsrMode;
use leptos_router::components::{A, Form, Route, Router, Routes};
use leptos_router::path;
use session::PageContext;
use tandem_core::access::Permission;

/// The HTML document around the app, rendered on the server. Its Content-Security-Policy
/// allows only this response's own inline scripts (by nonce) and the WASM bundle.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let ctx = PageContext::provide();
    view! {
        <Stylesheet id="tandem" href="/tandem.css" />
        <Title text="Tandem" />
        <Router>
            <header class="top">
                <a class="brand" href="/">
                    "Tandem"
                </a>
                <Transition fallback=|| ()>
                    {move || {
                        ctx.user
                            .get()
                            .flatten()
                            .map(|user| {
                                view! {
                                    <nav>
                                        <A href="/" exact=true>"Dashboard"</A>
                                        <A href="/servers" exact=true>"DHCP Servers"</A>
                                        <A href="/scopes">"DHCP Scopes"</A>
                                        <A href="/relationships">"Failover Relationships"</A>
                                        <A href="/events">"Event Catalog"</A>
                                        {user
                                            .role
                                            .grants(Permission::ManageUsers)
                                            .then(|| view! { <A href="/users">"Users and Roles"</A> })}
                                    </nav>
                                    <Form method="GET" action="/search">
                                        <input
                                            class="global-search"
                                            type="search"
                                            name="q"
                                            placeholder="Find a reservation: IP, MAC or name"
                                            aria-label="Find a reservation by IP, MAC or name"
                                        />
                                    </Form>
                                    <components::user_menu::UserMenu user />
                                }
                            })
                    }}
                </Transition>
            </header>
            <main>
                <p class="notice notice-progress" id="progress" role="status" hidden=move || ctx.progress.with(Option::is_none)>
                    {move || ctx.progress.get()}
                </p>
                <Routes fallback=|| view! { <h1>"Page not found"</h1> }>
                    <Route path=path!("/") view=pages::dashboard::DashboardPage ssr=SsrMode::InOrder />
                    <Route path=path!("/scopes") view=pages::scopes::ScopesPage ssr=SsrMode::InOrder />
                    <Route path=path!("/servers") view=pages::servers::ServersPage ssr=SsrMode::InOrder />
                    <Route path=path!("/servers/:server") view=pages::servers::ServerPropertiesPage ssr=SsrMode::InOrder />
                    <Route path=path!("/relationships") view=pages::relationships::RelationshipsPage ssr=SsrMode::InOrder />
                    // In order: the page arrives whole, readable and usable without JavaScript.
                    <Route
                        path=path!("/servers/:server/scopes/:scope")
                        view=pages::reservations::ReservationsPage
                        ssr=SsrMode::InOrder
                    />
                    <Route path=path!("/events") view=pages::events::EventsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/search") view=pages::search::SearchPage ssr=SsrMode::InOrder />
                    <Route path=path!("/users") view=pages::users::UsersPage ssr=SsrMode::InOrder />
                    <Route path=path!("/tokens") view=pages::tokens::TokensPage ssr=SsrMode::InOrder />
                    <Route path=path!("/import") view=pages::import::ImportPage ssr=SsrMode::InOrder />
                    <Route path=path!("/api-docs") view=pages::api_docs::ApiDocsPage ssr=SsrMode::InOrder />
                    <Route path=path!("/sign-in") view=pages::sign_in::SignInPage />
                </Routes>
            </main>
        </Router>
    }
}
