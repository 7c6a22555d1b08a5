//! Sign in.

use crate::api::session::{Credentials, sign_in};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

/// Only a path on this site may follow sign-in (no open redirect).
fn local_path(next: Option<String>) -> String {
    next.filter(|n| tandem_core::text::local_path(n).is_some())
        .unwrap_or_else(|| "/".into())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let credentials = Credentials {
            username: username.get(),
            password: password.get(),
        };
        let next = local_path(query.read().get("next"));
        spawn_local(async move {
            match sign_in(credentials).await {
                // A full load, so that the page is rendered for the signed-in user.
                Ok(_) => {
                    let _ = window().location().set_href(&next);
                }
                Err(e) => {
                    error.set(Some(e.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <form class="sign-in" on:submit=on_submit>
            <h1>"Sign in to Tandem"</h1>
            <label for="username">"User name"</label>
            <input
                id="username"
                name="username"
                autocomplete="username"
                prop:value=move || username.get()
                on:input=move |ev| username.set(event_target_value(&ev))
            />
            <label for="password">"Password"</label>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="current-password"
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <p class="notice notice-failed" id="sign-in-error" hidden=move || error.get().is_none()>
                {move || error.get()}
            </p>
            <button type="submit" disabled=move || busy.get()>
                "Sign in"
            </button>
        </form>
    }
}
