//! Who is signed in, and Sign out.

use crate::api::session::sign_out;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::access::Principal;

#[component]
pub fn UserMenu(user: Principal) -> impl IntoView {
    let on_sign_out = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            let _ = sign_out().await;
            let _ = window().location().set_href("/sign-in");
        });
    };
    view! {
        <span class="user-menu">
            <span class="who" title=user.role.label()>
                {user.username.clone()}
                <span class="role">{format!(" · {}", user.role.label())}</span>
            </span>
            <a href="/tokens" id="api-tokens" class="link">"API Tokens"</a>
            <a href="/api-docs" id="api-reference" class="link">"API Reference"</a>
            // A form, so that it signs out before the page's code has loaded, too.
            <form class="sign-out" method="post" action="/sign-out" on:submit=on_sign_out>
                <button type="submit" class="link" id="sign-out">
                    "Sign out"
                </button>
            </form>
        </span>
    }
}
