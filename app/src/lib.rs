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
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Form, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};
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
                <link rel="stylesheet" href=format!("/{}/tandem.css", options.site_pkg_dir) />
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
                                        <A href="/leases">"Leases"</A>
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
                    <Route path=path!("/") view={Lazy::<lazy::DashboardPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/scopes") view={Lazy::<lazy::ScopesPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/servers") view={Lazy::<lazy::ServersPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/servers/:server") view={Lazy::<lazy::ServerPropertiesPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/relationships") view={Lazy::<lazy::RelationshipsPage>::new()} ssr=SsrMode::InOrder />
                    // In order: the page arrives whole, readable and usable without JavaScript.
                    <Route
                        path=path!("/servers/:server/scopes/:scope")
                        view={Lazy::<lazy::ReservationsPage>::new()}
                        ssr=SsrMode::InOrder
                    />
                    <Route path=path!("/events") view={Lazy::<lazy::EventsPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/search") view={Lazy::<lazy::SearchPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/review") view={Lazy::<lazy::ReviewPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/leases") view={Lazy::<lazy::LeasesPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/users") view={Lazy::<lazy::UsersPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/tokens") view={Lazy::<lazy::TokensPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/import") view={Lazy::<lazy::ImportPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/api-docs") view={Lazy::<lazy::ApiDocsPage>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/sign-in") view={Lazy::<lazy::SignInPage>::new()} />
                </Routes>
            </main>
        </Router>
    }
}

/// Each page as a lazily loaded route: in the browser its code is a separate piece of the
/// bundle, fetched when the page is first shown (the server names it in the page's head, so
/// it downloads alongside the main piece). A page needs only its own code and what it shares.
mod lazy {
    use super::pages;
    use leptos::prelude::*;
    use leptos_router::{LazyRoute, lazy_route};

    macro_rules! lazy_pages {
        ($($name:ident => $page:path),* $(,)?) => {$(
            pub struct $name;

            #[lazy_route]
            impl LazyRoute for $name {
                fn data() -> Self {
                    $name
                }

                fn view(_this: Self) -> AnyView {
                    $page().into_any()
                }
            }
        )*};
    }

    lazy_pages! {
        DashboardPage => pages::dashboard::DashboardPage,
        ScopesPage => pages::scopes::ScopesPage,
        ServersPage => pages::servers::ServersPage,
        ServerPropertiesPage => pages::servers::ServerPropertiesPage,
        RelationshipsPage => pages::relationships::RelationshipsPage,
        ReservationsPage => pages::reservations::ReservationsPage,
        EventsPage => pages::events::EventsPage,
        SearchPage => pages::search::SearchPage,
        ReviewPage => pages::review::ReviewPage,
        LeasesPage => pages::leases::LeasesPage,
        UsersPage => pages::users::UsersPage,
        TokensPage => pages::tokens::TokensPage,
        ImportPage => pages::import::ImportPage,
        ApiDocsPage => pages::api_docs::ApiDocsPage,
        SignInPage => pages::sign_in::SignInPage,
    }
}
