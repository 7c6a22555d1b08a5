//! Who is signed in, and Sign out.

use crate::api::session::sign_out;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::access::Principal;

#[component]
pub fn UserMenu(user: Principal) -> impl IntoView {
    let on_sign_out = move |_| {
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
            <button class="link" id="sign-out" on:click=on_sign_out>
                "Sign out"
            </button>
        </span>
    }
}
