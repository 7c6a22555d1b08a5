//! Dialogs that work before the page's code has loaded and with JavaScript off: each opens by
//! a link (`?dialog=…`, with the object it is for), its form posts natively to
//! `POST /forms/…`, and the server sends the browser back with a flash
//! ([`crate::api::forms`]) — the notice, or the dialog again with what was typed and why it
//! was refused. With the page's code loaded, the same links and forms are handled in place.

use crate::api::forms::{Flash, form_flash};
use crate::components::notice::{Notice, NoticeBar};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// One page's native dialogs: which one the URL asks for, and what a native post left.
#[derive(Clone, Copy)]
pub struct NativeDialogs {
    flash: Resource<Option<Flash>>,
    /// `?dialog=…` and the object it is for (the query parameter named at [`Self::new`]).
    asked: Memo<(Option<String>, Option<String>)>,
    /// Closed in place: the URL's dialog no longer counts.
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
                    Some(id) => form_flash(id).await.ok().flatten(),
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
        Self {
            flash,
            asked: Memo::new(move |_| query.with(|q| (q.get("dialog"), q.get(object_key)))),
            dismissed: RwSignal::new(false),
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
        self.flash.get().flatten().filter(|f| f.form == form)
    }

    /// Closes the URL's dialog in place.
    pub fn dismiss(&self) {
        self.dismissed.set(true);
    }

    /// Where a natively posted form comes back to.
    pub fn back(&self) -> String {
        self.here.get()
    }

    /// Where Cancel goes without JavaScript: this page without a dialog.
    pub fn cancel_href(&self) -> String {
        self.path.get()
    }

    /// The link that opens `dialog` (for `object`) without JavaScript.
    pub fn href(&self, dialog: &str, object: Option<&str>) -> String {
        let mut href = format!("{}?dialog={dialog}", self.path.get_untracked());
        if let Some(object) = object {
            href += &format!(
                "&{}={}",
                self.object_key,
                tandem_core::text::percent_encode(object, "")
            );
        }
        href
    }

    /// The notice a native post left, unless the page has one of its own since.
    pub fn notice(&self, notice: RwSignal<Option<Notice>>) -> impl IntoView + use<> {
        let flash = self.flash;
        move || {
            flash
                .get()
                .flatten()
                .filter(|_| notice.with(Option::is_none))
                .and_then(|f| f.notice)
                .map(|n| view! { <NoticeBar notice=RwSignal::new(Some(n)) /> })
        }
    }
}
