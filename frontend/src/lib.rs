//! The browser entry point: hydrates the server-rendered page, gives back what was typed
//! before the page's code arrived, then marks the body so that browser tests know when clicks
//! will be heard.

#![recursion_limit = "256"]

mod typed;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Hydrating sets every field from the page's state, as the server rendered it: what an
    // impatient user typed meanwhile is read first and given back once the page has settled.
    let typed = typed::Typed::read();
    leptos::mount::hydrate_body(app::App);
    typed::after_settling(move || {
        typed.give_back();
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
