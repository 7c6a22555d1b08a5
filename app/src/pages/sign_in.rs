//! Sign in. The form posts natively to `POST /sign-in` (URL-encoded, in the body), so it works
//! before the page's code has loaded and with JavaScript off; once loaded, the same form calls
//! the `sign_in` server function instead. Nothing typed ever travels in a URL.

use crate::api::session::{Credentials, sign_in};
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

/// Only a path on this site may follow sign-in (no open redirect).
fn local_path(next: Option<String>) -> String {
    next.filter(|n| tandem_core::text::local_path(n).is_some())
        .unwrap_or_else(|| "/".into())
}

/// Why a native sign-in came back to the form (`?failed=…`: a word, never what was typed).
fn failure(word: &str) -> Option<String> {
    match word {
        "wrong" => Some("the user name or password is wrong, or the account is disabled".into()),
        "throttled" => Some("too many failed sign-ins; try again in a few minutes".into()),
        "error" => Some("something went wrong on the server; the log has the details".into()),
        _ => None,
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = local_path(query.read_untracked().get("next"));
    let failed = query
        .read_untracked()
        .get("failed")
        .and_then(|w| failure(&w));
    let error = RwSignal::new(failed);
    let busy = RwSignal::new(false);
    // Read from the fields themselves: what was typed before the page's code loaded counts.
    let username = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let go_to = next.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let value = |field: NodeRef<Input>| field.get().map(|i| i.value()).unwrap_or_default();
        let credentials = Credentials {
            username: value(username),
            password: value(password),
        };
        let next = go_to.clone();
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
        <form class="sign-in" method="post" action="/sign-in" on:submit=on_submit>
            <h1>"Sign in to Tandem"</h1>
            <input type="hidden" name="next" value=next/>
            <label for="username">"User name"</label>
            <input
                id="username"
                name="username"
                autocomplete="username"
                maxlength="64"
                required
                node_ref=username
            />
            <label for="password">"Password"</label>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="current-password"
                required
                node_ref=password
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
