//! The Leptos application: wire error type, server functions, pages and components. Built
//! twice: with `ssr` for the server, with `hydrate` for the browser.

// Leptos views are deeply nested types; release builds need more room to lay them out.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
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
    view! {
        <Stylesheet id="tandem" href="/tandem.css" />
        <Title text="Tandem" />
        <Router>
            <header class="top">
                <a class="brand" href="/">
                    "Tandem"
                </a>
                <nav>
                    <A href="/">"DHCP Scopes"</A>
                </nav>
            </header>
            <main>
                <Routes fallback=|| view! { <h1>"Page not found"</h1> }>
                    <Route path=path!("/") view=pages::scopes::ScopesPage />
                    <Route path=path!("/servers/:server/scopes/:scope") view=pages::reservations::ReservationsPage />
                </Routes>
            </main>
        </Router>
    }
}
