//! What every page knows: who is signed in (to hide what their role cannot do; the server
//! decides), and a counter that ticks whenever the server reports a change (live refresh).

use crate::api::session::current_user;
use leptos::prelude::*;
use tandem_core::access::{Permission, Principal};

#[derive(Clone, Copy)]
pub struct PageContext {
    pub user: Resource<Option<Principal>>,
    /// Ticks on every change the server announces; resources that read it refetch.
    pub live: RwSignal<u64>,
    /// How a change this user made is going while it is still under way (the server says).
    pub progress: RwSignal<Option<String>>,
}

impl PageContext {
    pub fn provide() -> Self {
        let live = RwSignal::new(0u64);
        let progress = RwSignal::new(None);
        let user = Resource::new(|| (), |_| async { current_user().await.ok().flatten() });
        let ctx = Self {
            user,
            live,
            progress,
        };
        provide_context(ctx);
        // Once signed in, listen for changes (once per page load).
        Effect::new(move |connected: Option<bool>| {
            if connected == Some(true) {
                return true;
            }
            let signed_in = user.get().flatten().is_some();
            if signed_in {
                connect_live(live, progress);
            }
            signed_in
        });
        ctx
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Whether the signed-in user's role grants `permission` (for showing actions only),
    /// tracked: for `Show` and other reactive closures.
    pub fn can(&self, permission: Permission) -> bool {
        self.user
            .get()
            .flatten()
            .is_some_and(|u| u.role.grants(permission))
    }
}

/// Opens the server-sent event stream; each change bumps `live` (and ends any progress shown),
/// each progress step of this user's own change shows in `progress`. The browser reconnects by
/// itself when the stream drops.
#[cfg(feature = "hydrate")]
fn connect_live(live: RwSignal<u64>, progress: RwSignal<Option<String>>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Ok(source) = web_sys::EventSource::new("/api/live") else {
        return;
    };
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        progress.set(None);
        if HYDRATED.get() {
            live.update(|n| *n += 1);
        } else {
            // The page's own resources are not there yet (its code is still arriving): they
            // refresh once it has hydrated.
            PENDING.set(Some(live));
        }
    });
    let on_progress =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            progress.set(e.data().as_string());
        });
    let _ =
        source.add_event_listener_with_callback("progress", on_progress.as_ref().unchecked_ref());
    on_progress.forget();
    let _ = source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    // Changes between the page's rendering and this connection (or during a reconnect) were
    // not heard: refresh once whenever the stream opens.
    let _ = source.add_event_listener_with_callback("open", on_change.as_ref().unchecked_ref());
    // Both live as long as the page.
    on_change.forget();
    std::mem::forget(source);
}

#[cfg(feature = "hydrate")]
thread_local! {
    static HYDRATED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static PENDING: std::cell::Cell<Option<RwSignal<u64>>> = const { std::cell::Cell::new(None) };
}

/// Called once the page has hydrated: a change heard before (the stream can open while the
/// page's piece of code is still arriving) refreshes the page now.
#[cfg(feature = "hydrate")]
pub fn hydrated() {
    HYDRATED.set(true);
    if let Some(live) = PENDING.take() {
        live.update(|n| *n += 1);
    }
}

#[cfg(not(feature = "hydrate"))]
fn connect_live(_live: RwSignal<u64>, _progress: RwSignal<Option<String>>) {}
