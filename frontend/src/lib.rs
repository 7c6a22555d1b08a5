//! The browser entry point: hydrates the server-rendered page, gives back what was typed
//! before the page's code arrived, then marks the body so that browser tests know when clicks
//! will be heard.

#![recursion_limit = "256"]

mod dialogs;
mod typed;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async move {
        // Each page's code is a piece of its own (lazy routes), which the page's head asks the
        // browser to fetch: hydration starts once they are here.
        pieces_fetched().await;
        // Dialogs the server rendered open: their code, loaded before hydrating them.
        app::components::dialog::preload_rendered().await;
        // Hydrating sets every field from the page's state, as the server rendered it: what an
        // impatient user typed meanwhile is read first and given back once the page has settled.
        let typed = typed::Typed::read();
        let owner = leptos::mount::hydrate_from_async(
            leptos::prelude::document().body().expect("a body"),
            app::App,
        )
        .await;
        owner.forget();
        app::session::hydrated();
        dialogs::install();
        typed::after_settling(move || {
            typed.give_back();
            if let Some(body) = leptos::prelude::document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        });
    });
}

/// Waits until the page's pack (its pieces of code, which the page's head preloads: see
/// `tandem-bundle pack`) has arrived, from the network or the cache; the loader then takes
/// the pieces from the cached pack. One that fails is fetched again when hydration needs it.
async fn pieces_fetched() {
    let document = leptos::prelude::document();
    let Ok(links) = document.query_selector_all("link[rel=\"preload\"][href*=\"/pack_\"]") else {
        return;
    };
    let window = leptos::prelude::window();
    let fetches = js_sys::Array::new();
    for i in 0..links.length() {
        if let Some(href) = links
            .item(i)
            .and_then(|l| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(l).ok())
            .and_then(|l| l.get_attribute("href"))
        {
            fetches.push(&window.fetch_with_str(&href));
        }
    }
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::all_settled(&fetches)).await;
}

/// Room in the read-only data for `tandem-bundle split` to move each page's constants (its
/// strings, tables and vtables) into that page's piece. The splitter lays every piece's share
/// out again, aligned and with shared bits copied, and keeps all of it in the main piece when
/// that comes out longer than the linker's layout (it did, by 1.3 KB, and every page then paid
/// for every other page's 60 KiB gzip of constants). Nothing refers to this, so no piece holds
/// it: it only keeps its place in the layout. The split fails if it stops being enough.
#[used]
static DATA_SLACK: [u8; 16 * 1024] = [0x5a; 16 * 1024];
