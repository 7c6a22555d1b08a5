//! Part of a page the server renders as HTML (a long list: its rows, sort links and pager), so
//! the browser needs none of the code that renders it. The page shows it as it is, handles its
//! forms and links in place (`native::posted`, `native::clicked`), and when a refresh brings
//! different HTML (a live change by anyone, a sort, another page of rows) replaces it keeping
//! what the user was doing there: the ticked boxes, the focused control and each table frame's
//! sideways scroll. HTML equal to what is shown changes nothing at all.

use leptos::html::Div;
use leptos::prelude::*;

/// One server-rendered part of a page, shown by [`ServerHtml::div`].
#[derive(Clone, Copy)]
pub struct ServerHtml {
    node: NodeRef<Div>,
    /// The HTML the part was first rendered with (on the server, and hydrated as it is).
    first: StoredValue<Option<String>>,
}

impl ServerHtml {
    /// Follows `latest` (the part's HTML as last read, `None` while there is none).
    pub fn new(latest: impl Fn() -> Option<String> + Send + Sync + 'static) -> Self {
        let node = NodeRef::<Div>::new();
        let first = StoredValue::new(None::<String>);
        #[cfg(feature = "hydrate")]
        follow(node, first, latest);
        #[cfg(not(feature = "hydrate"))]
        let _ = latest;
        ServerHtml { node, first }
    }

    /// The `div` (of `class`) that shows `html`, with the handlers of the forms submitted and
    /// the clicks inside it. The HTML is written into it on the server only: in the browser
    /// the `div` as rendered again never names it (the attributes of an element rendered
    /// again are all unset and set afresh, which would empty it), and what changed is
    /// written by the effect of [`ServerHtml::new`].
    pub fn div(
        &self,
        class: &'static str,
        html: &str,
        on_submit: Option<Callback<leptos::ev::SubmitEvent>>,
        on_click: Option<Callback<leptos::ev::MouseEvent>>,
    ) -> impl IntoView + use<> {
        if self.first.with_value(Option::is_none) {
            self.first.set_value(Some(html.to_string()));
        }
        let node = self.node;
        #[cfg(feature = "ssr")]
        {
            let _ = (on_submit, on_click);
            view! { <div class=class node_ref=node inner_html=html.to_string()></div> }
        }
        #[cfg(not(feature = "ssr"))]
        view! {
            <div
                class=class
                node_ref=node
                on:submit=move |ev| {
                    if let Some(f) = on_submit {
                        f.run(ev);
                    }
                }
                on:click=move |ev| {
                    if let Some(f) = on_click {
                        f.run(ev);
                    }
                }
            ></div>
        }
    }
}

#[cfg(feature = "hydrate")]
fn follow(
    node: NodeRef<Div>,
    first: StoredValue<Option<String>>,
    latest: impl Fn() -> Option<String> + 'static,
) {
    // The element last written to, and what was written.
    let written = StoredValue::new_local(None::<(web_sys::Element, String)>);
    Effect::new(move |_| {
        let Some(html) = latest() else {
            return;
        };
        let Some(div) = node.get() else {
            return;
        };
        let element: web_sys::Element = div.into();
        let shown = written.with_value(|w| match w {
            Some((e, s)) if *e == element => Some(s.clone()),
            // Hydrated: what the server rendered (which always has an element). Rendered in the
            // browser: empty (a marker comment at most).
            _ if element.child_element_count() > 0 => first.get_value(),
            _ => None,
        });
        if shown.as_deref() != Some(html.as_str()) {
            replace_keeping(&element, &html);
        }
        written.set_value(Some((element, html)));
    });
}

/// Controls a user can be on.
#[cfg(feature = "hydrate")]
const FOCUSABLE: &str = "a[href], button, input:not([type=\"hidden\"]), select, textarea";

/// Writes `html` into `element`, keeping its ticked boxes ticked, the focused control focused
/// (the same control again: the same row's, the same link), and each frame's sideways scroll.
#[cfg(feature = "hydrate")]
fn replace_keeping(element: &web_sys::Element, html: &str) {
    use wasm_bindgen::JsCast;
    let all = |selector: &str| -> Vec<web_sys::Element> {
        element
            .query_selector_all(selector)
            .map(|list| {
                (0..list.length())
                    .filter_map(|i| list.item(i))
                    .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let boxes = "input[type=\"checkbox\"]";
    let ticked: Vec<String> = all(boxes)
        .into_iter()
        .filter_map(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .filter(|b| b.checked())
        .map(|b| identity(&b))
        .collect();
    let scrolled: Vec<i32> = all(".table-wrap").iter().map(|f| f.scroll_left()).collect();
    let focused = document()
        .active_element()
        .filter(|a| element.contains(Some(a)))
        .map(|a| {
            let index = all(FOCUSABLE).iter().position(|e| *e == a);
            (identity(&a), index)
        });

    element.set_inner_html(html);

    for b in all(boxes)
        .into_iter()
        .filter_map(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        if ticked.contains(&identity(&b)) {
            b.set_checked(true);
        }
    }
    if let Some((was, index)) = focused {
        let controls = all(FOCUSABLE);
        let again = controls
            .iter()
            .find(|e| identity(e) == was)
            .or_else(|| index.and_then(|i| controls.get(i.min(controls.len().saturating_sub(1)))))
            .and_then(|e| e.dyn_ref::<web_sys::HtmlElement>());
        if let Some(again) = again {
            // Where it is: the frames' scroll is put back next.
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = again.focus_with_options(&options);
        }
    }
    for (frame, left) in all(".table-wrap").iter().zip(scrolled) {
        frame.set_scroll_left(left);
    }
}

/// What tells a control from every other in the part, across a redraw: its row (the
/// `data-` names the lists give their rows) and its own kind, name, value, target and text.
#[cfg(feature = "hydrate")]
fn identity(e: &web_sys::Element) -> String {
    use wasm_bindgen::JsCast;
    let value = e
        .dyn_ref::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default();
    let attribute = |e: &web_sys::Element, name: &str| e.get_attribute(name).unwrap_or_default();
    let row = e
        .closest("tr")
        .ok()
        .flatten()
        .map(|tr| {
            ["data-server", "data-scope", "data-ip"]
                .map(|n| attribute(&tr, n))
                .join("/")
        })
        .unwrap_or_default();
    [
        row,
        e.tag_name(),
        attribute(e, "name"),
        value,
        attribute(e, "href"),
        e.text_content().unwrap_or_default(),
    ]
    .join("\u{1f}")
}
