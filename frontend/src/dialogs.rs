//! How every dialog behaves at the keyboard, whichever page opened it (each is a
//! `form[role="dialog"]`, shown by the page's state or by the URL):
//!
//! - when one opens, focus moves into it (its first field, else its first button), and the
//!   element that had focus is remembered;
//! - Tab and Shift+Tab go round the dialog's own controls, never to the page behind it;
//! - Escape cancels it, as its Cancel does (a link back, or a button);
//! - when it closes, focus returns to the remembered element; if a refresh has drawn that
//!   part of the page again meanwhile (a live change by anyone), to the control that took its
//!   place (the same id, the same link, or the same place in the page); failing all, to the
//!   page's heading.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{
    Document, Element, HtmlElement, KeyboardEvent, MutationObserver, MutationObserverInit,
};

const DIALOG: &str = "[role=\"dialog\"]";
const FOCUSABLE: &str = "input:not([type=\"hidden\"]):not([disabled]), select:not([disabled]), \
     textarea:not([disabled]), button:not([disabled]), a[href]";

/// The open dialog, and the element that had focus before it opened.
type Opened = Rc<RefCell<Option<(Element, Option<Before>)>>>;

/// The element that had focus before a dialog opened, and how to find its replacement.
struct Before {
    element: HtmlElement,
    trace: Trace,
}

/// What identifies a control across a redraw of the page part holding it.
enum Trace {
    Id(String),
    /// A link's target and text (several links can share a target: a row's Edit and Delete
    /// do not, a row's Edit and the next row's do not either).
    Link(String, String),
    /// Element-child positions from `body` down.
    Path(Vec<u32>),
}

impl Before {
    fn of(element: HtmlElement) -> Self {
        let trace = if !element.id().is_empty() {
            Trace::Id(element.id())
        } else if let Some(href) = element
            .get_attribute("href")
            .filter(|_| element.tag_name() == "A")
        {
            Trace::Link(href, element.text_content().unwrap_or_default())
        } else {
            Trace::Path(path(&element))
        };
        Before { element, trace }
    }

    /// The element itself if it is still in the page, else its replacement.
    fn find(self, document: &Document) -> Option<HtmlElement> {
        if self.element.is_connected() {
            return Some(self.element);
        }
        let found = match self.trace {
            Trace::Id(id) => document.get_element_by_id(&id),
            Trace::Link(href, text) => {
                let links = document.query_selector_all("a[href]").ok()?;
                (0..links.length())
                    .filter_map(|i| links.item(i))
                    .filter_map(|n| n.dyn_into::<Element>().ok())
                    .find(|a| {
                        a.get_attribute("href").as_deref() == Some(href.as_str())
                            && a.text_content().unwrap_or_default() == text
                    })
            }
            Trace::Path(path) => walk(document, &path),
        };
        found.and_then(|e| e.dyn_into::<HtmlElement>().ok())
    }
}

fn path(element: &Element) -> Vec<u32> {
    let mut steps = Vec::new();
    let mut at = element.clone();
    while let Some(parent) = at.parent_element() {
        let mut index = 0;
        let mut sibling = at.previous_element_sibling();
        while let Some(s) = sibling {
            index += 1;
            sibling = s.previous_element_sibling();
        }
        steps.push(index);
        if parent.tag_name() == "BODY" {
            break;
        }
        at = parent;
    }
    steps.reverse();
    steps
}

fn walk(document: &Document, path: &[u32]) -> Option<Element> {
    let mut at: Element = document.body()?.into();
    for &index in path {
        let mut child = at.first_element_child()?;
        for _ in 0..index {
            child = child.next_element_sibling()?;
        }
        at = child;
    }
    Some(at)
}

/// Installs the behaviour on the document, for the life of the page.
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let opened: Opened = Rc::default();

    let keys = {
        let document = document.clone();
        Closure::<dyn FnMut(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            if let Some(dialog) = open_dialog(&document) {
                on_key(&document, &dialog, &event);
            }
        })
    };
    let _ = document.add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref());
    keys.forget();

    let watch = {
        let document = document.clone();
        let opened = Rc::clone(&opened);
        Closure::<dyn FnMut()>::new(move || follow(&document, &opened))
    };
    if let Ok(observer) = MutationObserver::new(watch.as_ref().unchecked_ref()) {
        let options = MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        if let Some(body) = document.body() {
            let _ = observer.observe_with_options(&body, &options);
        }
    }
    watch.forget();
    // A dialog the server rendered open (opened by the URL) is focused now.
    follow(&document, &opened);
}

fn open_dialog(document: &Document) -> Option<Element> {
    document.query_selector(DIALOG).ok().flatten()
}

/// A dialog appeared: focus into it. The dialog went: focus back.
fn follow(document: &Document, opened: &Opened) {
    let current = open_dialog(document);
    let mut opened = opened.borrow_mut();
    match (current, opened.as_ref()) {
        (Some(dialog), None) => {
            let active = document.active_element();
            // Already typing in it (a dialog the server rendered, before the code arrived).
            if !active.as_ref().is_some_and(|a| dialog.contains(Some(a))) {
                focus_first(&dialog);
            }
            let before = active
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                .map(Before::of);
            *opened = Some((dialog, before));
        }
        (Some(dialog), Some((was, _))) if &dialog != was => {
            let before = opened.take().and_then(|(_, before)| before);
            focus_first(&dialog);
            *opened = Some((dialog, before));
        }
        (None, Some(_)) => {
            let before = opened.take().and_then(|(_, before)| before);
            match before.and_then(|b| b.find(document)) {
                Some(element) => {
                    let _ = element.focus();
                }
                None => focus_heading(document),
            }
        }
        _ => {}
    }
}

fn focus_first(dialog: &Element) {
    let fields = "input:not([type=\"hidden\"]):not([disabled]):not([readonly]), select:not([disabled]), \
                  textarea:not([disabled]):not([readonly])";
    let target = dialog.query_selector(fields).ok().flatten().or_else(|| {
        dialog
            .query_selector("button:not([disabled])")
            .ok()
            .flatten()
    });
    if let Some(target) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = target.focus();
    }
}

fn focus_heading(document: &Document) {
    if let Some(heading) = document
        .query_selector("main h1")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = heading.set_attribute("tabindex", "-1");
        let _ = heading.focus();
    }
}

fn on_key(document: &Document, dialog: &Element, event: &KeyboardEvent) {
    match event.key().as_str() {
        "Escape" => {
            let cancel = dialog
                .query_selector(".dialog-buttons .secondary, .dialog-buttons [data-cancel]")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(cancel) = cancel {
                event.prevent_default();
                cancel.click();
            }
        }
        "Tab" => {
            let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
                return;
            };
            let controls: Vec<HtmlElement> = (0..list.length())
                .filter_map(|i| list.item(i))
                .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
                .filter(|e| e.offset_parent().is_some())
                .collect();
            let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
                return;
            };
            let active = document.active_element();
            let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
            let at = |e: &HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == e.unchecked_ref::<Element>())
            };
            if event.shift_key() && (!inside || at(first)) {
                event.prevent_default();
                let _ = last.focus();
            } else if !event.shift_key() && (!inside || at(last)) {
                event.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    }
}
