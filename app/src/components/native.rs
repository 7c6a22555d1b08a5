//! Dialogs that work before the page's code has loaded and with JavaScript off: each opens by
//! a link (`?dialog=…`, with the object it is for), its form posts natively to
//! `POST /forms/…`, and the server sends the browser back with a flash
//! ([`crate::api::forms`]) — the notice, or the dialog again with what was typed and why it
//! was refused. With the page's code loaded, the same links and forms are handled in place.

use crate::api::forms::{Flash, FormFlash, call_form_flash};
use crate::components::notice::{Notice, NoticeBar};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// A dialog as it opened: what it is for, and what a native post of its form left (only when
/// the URL opened it). Kept in a signal from the moment it opens, so the page reading its data
/// again never rebuilds the dialog and loses what is typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened<T> {
    pub what: T,
    pub flash: Option<Flash>,
}

impl<T> Opened<T> {
    /// Opened in place (by the page's code): nothing posted natively.
    pub fn new(what: T) -> Self {
        Self { what, flash: None }
    }
}

/// One page's native dialogs: which one the URL asks for, and what a native post left.
#[derive(Clone, Copy)]
pub struct NativeDialogs {
    flash: Resource<Option<Flash>>,
    /// `?dialog=…` and the object it is for (the query parameter named at [`Self::new`]).
    asked: Memo<(Option<String>, Option<String>)>,
    /// Closed in place: the URL's dialog no longer counts (until the URL asks again).
    dismissed: RwSignal<bool>,
    /// This page as it is now (for a form to come back to), and its path alone.
    here: Memo<String>,
    path: Memo<String>,
    object_key: &'static str,
}

impl NativeDialogs {
    /// `object_key` names the query parameter that says which object a dialog is for.
    pub fn new(object_key: &'static str) -> Self {
        let query = use_query_map();
        let location = use_location();
        let flash = Resource::new(
            move || query.with(|q| q.get("flash")),
            |id| async move {
                match id {
                    Some(id) => call_form_flash(FormFlash { id }).await.ok().flatten(),
                    None => None,
                }
            },
        );
        let here = Memo::new(move |_| {
            let search = location.search.get();
            let search = search.trim_start_matches('?');
            if search.is_empty() {
                location.pathname.get()
            } else {
                format!("{}?{search}", location.pathname.get())
            }
        });
        let asked = Memo::new(move |_| query.with(|q| (q.get("dialog"), q.get(object_key))));
        let dismissed = RwSignal::new(false);
        // A dialog asked for again (the same link followed after its dialog closed, or
        // another) counts again.
        Effect::new(move |_| {
            asked.track();
            // Set only when it changes: setting a signal tells its readers even to the same
            // value, and a dialog read again is rendered anew (what is typed in it lost).
            if dismissed.get_untracked() {
                dismissed.set(false);
            }
        });
        Self {
            flash,
            asked,
            dismissed,
            here,
            path: Memo::new(move |_| location.pathname.get()),
            object_key,
        }
    }

    /// The dialog the URL asks for (unless closed in place), with the object it is for.
    pub fn asked(&self) -> Option<(String, Option<String>)> {
        if self.dismissed.get() {
            return None;
        }
        let (dialog, object) = self.asked.get();
        dialog.map(|d| (d, object))
    }

    /// What a native post of `form` left, if the URL names it.
    pub fn flash(&self, form: &str) -> Option<Flash> {
        self.flash_read(form).flatten()
    }

    /// What a native post of `form` left, once read (`None` while it is being read).
    pub fn flash_read(&self, form: &str) -> Option<Option<Flash>> {
        self.flash.get().map(|f| f.filter(|f| f.form == form))
    }

    /// Once the page's code runs, takes the dialog the URL asks for into `open`: `take` makes
    /// what it is for of the dialog's name and object (`None`: not this one, or not read yet);
    /// the flash of `form` comes with it. From then on the dialog is rendered from `open`.
    pub fn take_into<T: Send + Sync + 'static>(
        &self,
        form: &'static str,
        open: RwSignal<Option<Opened<T>>>,
        take: impl Fn(&str, Option<String>) -> Option<T> + Send + Sync + 'static,
    ) {
        let me = *self;
        Effect::new(move |_| {
            if open.with_untracked(Option::is_some) {
                return;
            }
            let Some((dialog, object)) = me.asked() else {
                return;
            };
            if let Some(what) = take(&dialog, object)
                && let Some(flash) = me.flash_read(form)
            {
                open.set(Some(Opened { what, flash }));
            }
        });
    }

    /// Closes the URL's dialog in place: the URL becomes this page's without the dialog (so
    /// its link opens it again), in place of the one that asked for it.
    pub fn dismiss(&self) {
        self.dismissed.set(true);
        let (dialog, _) = self.asked.get_untracked();
        if dialog.is_none() {
            return;
        }
        let key = self.object_key;
        let here = self.here.get_untracked();
        let (path, search) = here.split_once('?').unwrap_or((here.as_str(), ""));
        let kept: Vec<&str> = search
            .split('&')
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                !pair.is_empty() && !["dialog", "flash", key].contains(&name)
            })
            .collect();
        let url = if kept.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", kept.join("&"))
        };
        replace_url(&url);
    }

    /// Where a natively posted form comes back to. Read once, untracked: it matters only
    /// before the page's code runs, when every navigation loads the page anew.
    pub fn back(&self) -> String {
        self.here.get_untracked()
    }

    /// Where Cancel goes without JavaScript: this page without a dialog (read like
    /// [`Self::back`]).
    pub fn cancel_href(&self) -> String {
        self.path.get_untracked()
    }

    /// The link that opens `dialog` (for `object`) without JavaScript.
    pub fn href(&self, dialog: &str, object: Option<&str>) -> String {
        dialog_href(&self.path.get_untracked(), self.object_key, dialog, object)
    }

    /// The notice a native post left (or why it was refused, when no dialog shows that),
    /// unless the page has one of its own since.
    pub fn notice(&self, notice: RwSignal<Option<Notice>>) -> impl IntoView + use<> {
        let me = *self;
        move || {
            let f = me
                .flash
                .get()
                .flatten()
                .filter(|_| notice.with(Option::is_none))?;
            let n = f.notice.or_else(|| {
                let refused = f.error?;
                me.asked().is_none().then(|| Notice::from_error(&refused))
            })?;
            Some(view! { <NoticeBar notice=RwSignal::new(Some(n)) /> })
        }
    }
}

/// Makes `url` (this page's, another query) the current one in place of the current one in
/// the history, and has the router follow it (as it follows the browser's own moves: a
/// `popstate`).
#[cfg(feature = "hydrate")]
fn replace_url(url: &str) {
    let window = window();
    let replaced = window.history().is_ok_and(|history| {
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
            .is_ok()
    });
    if replaced && let Ok(event) = web_sys::Event::new("popstate") {
        let _ = window.dispatch_event(&event);
    }
}

/// See above: the server never closes a dialog in place.
#[cfg(not(feature = "hydrate"))]
fn replace_url(_: &str) {}

/// The link on page `path` that opens `dialog` for `object` (named by the query parameter
/// `object_key`), as [`NativeDialogs::href`] makes it.
pub fn dialog_href(path: &str, object_key: &str, dialog: &str, object: Option<&str>) -> String {
    let mut href = format!("{path}?dialog={dialog}");
    if let Some(object) = object {
        href += &format!(
            "&{object_key}={}",
            tandem_core::text::percent_encode(object, "")
        );
    }
    href
}

/// `view` rendered to HTML under an owner of its own: nothing in it is for the page's
/// hydration. The owner that was current (the page's, when a page is being rendered) is current
/// again afterwards (a new root makes itself current, with its own arena of signals).
#[cfg(feature = "ssr")]
pub fn render_alone<V: IntoView>(view: impl FnOnce() -> V) -> String {
    let previous = Owner::current();
    let html = Owner::new_root(None).with(|| view().to_html());
    if let Some(previous) = previous {
        previous.set();
    }
    html
}

/// A native form submitted inside HTML the server rendered (a list's rows): its `mode` and a
/// reader of its fields, to handle it in place. The press's button is disabled meanwhile (the
/// list is rendered again when the action ends). `None` when it is not such a form.
#[cfg(feature = "hydrate")]
pub fn posted(ev: &leptos::ev::SubmitEvent) -> Option<(String, impl Fn(&str) -> String)> {
    use wasm_bindgen::JsCast;
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    let fields = web_sys::FormData::new_with_form(&form).ok()?;
    let mode = fields.get("mode").as_string()?;
    if let Some(button) = ev
        .submitter()
        .and_then(|b| b.dyn_into::<web_sys::HtmlButtonElement>().ok())
    {
        button.set_disabled(true);
    }
    Some((mode, move |name: &str| {
        fields.get(name).as_string().unwrap_or_default()
    }))
}

/// See above: the server never handles events.
#[cfg(not(feature = "hydrate"))]
pub fn posted(_: &leptos::ev::SubmitEvent) -> Option<(String, impl Fn(&str) -> String)> {
    None::<(String, fn(&str) -> String)>
}

/// The values of the fields named `name` of the form an event was submitted from (a list's
/// ticked boxes, which belong to the form wherever they are on the page).
#[cfg(feature = "hydrate")]
pub fn posted_values(ev: &leptos::ev::SubmitEvent, name: &str) -> Vec<String> {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        .and_then(|form| web_sys::FormData::new_with_form(&form).ok())
        .map(|fields| {
            fields
                .get_all(name)
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default()
}

/// See above.
#[cfg(not(feature = "hydrate"))]
pub fn posted_values(_: &leptos::ev::SubmitEvent, _: &str) -> Vec<String> {
    Vec::new()
}

/// The link matching `selector` that a plain click (no modifier key, the main button) inside
/// server-rendered HTML landed on, to handle it in place; a click that opens a new tab or
/// window is left to the browser.
#[cfg(feature = "hydrate")]
pub fn clicked(ev: &leptos::ev::MouseEvent, selector: &str) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
        return None;
    }
    ev.target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(selector)
        .ok()?
}

/// See above.
#[cfg(not(feature = "hydrate"))]
pub fn clicked(_: &leptos::ev::MouseEvent, _: &str) -> Option<Clicked> {
    None
}

/// What [`clicked`] finds on the server: nothing (it has no events).
#[cfg(not(feature = "hydrate"))]
pub struct Clicked;

#[cfg(not(feature = "hydrate"))]
impl Clicked {
    pub fn get_attribute(&self, _: &str) -> Option<String> {
        None
    }
}

/// One press that changes something, as a form: posted natively (`POST /forms/{form}` with
/// `mode` and `hidden`) before the page's code has loaded, or handled in place by `on_press`
/// once it has.
#[component]
pub fn PostButton(
    form: &'static str,
    mode: &'static str,
    /// The other fields the action needs, by name.
    hidden: Vec<(&'static str, String)>,
    /// Where the browser comes back to.
    back: String,
    on_press: Callback<()>,
    #[prop(into)] label: String,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] id: &'static str,
    /// The button's `data-action`, for tests and styles.
    #[prop(optional)]
    action: &'static str,
    #[prop(into, optional)] title: String,
    #[prop(into, optional)] disabled: Signal<bool>,
) -> impl IntoView {
    let hidden = hidden
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
    view! {
        <form
            class="inline"
            method="post"
            action=format!("/forms/{form}")
            on:submit=move |ev| {
                ev.prevent_default();
                on_press.run(());
            }
        >
            <input type="hidden" name="mode" value=mode />
            <input type="hidden" name="back" value=back />
            {hidden}
            <button
                type="submit"
                class=class
                id=(!id.is_empty()).then_some(id)
                data-action=(!action.is_empty()).then_some(action)
                title=title
                disabled=move || disabled.get()
            >
                {label}
            </button>
        </form>
    }
}

/// A confirmation asked by a link (before the page's code has loaded, or without JavaScript;
/// with it, the browser's own confirmation asks), posted as a form.
#[component]
pub fn ConfirmDialog(
    form: &'static str,
    mode: &'static str,
    hidden: Vec<(&'static str, String)>,
    title: &'static str,
    question: String,
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let error = flash.and_then(|f| f.error).map(|e| e.to_string());
    let hidden = hidden
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
    view! {
        <div class="dialog-backdrop">
            <form class="dialog" role="dialog" aria-modal="true" aria-label=title method="post" action=format!("/forms/{form}")>
                <h2>{title}</h2>
                <p>{question}</p>
                <input type="hidden" name="mode" value=mode />
                <input type="hidden" name="back" value=back />
                {hidden}
                <crate::components::dialog::DialogFooter
                    error=Signal::derive(move || error.clone())
                    on_cancel=move || on_close.run(())
                    cancel_href
                />
            </form>
        </div>
    }
}
