//! What was typed into the server-rendered page's fields before its code arrived.
//!
//! A field counts as typed when it differs from what the server rendered (`defaultValue`,
//! `defaultChecked`, the option marked `selected`). Fields are named by their `id`, or by their
//! `name` and place among the fields of that name (repeated option rows), so they are found
//! again however hydration rebuilt them. Each is given back as if typed: its value set and an
//! `input` and a `change` event sent, so the page's state follows.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

const FIELDS: &str = "input, select, textarea";

/// A field's value as typed.
enum Value {
    Text(String),
    Checked(bool),
}

/// The typed fields, by key.
pub struct Typed(Vec<(String, Value)>);

impl Typed {
    /// Reads every field that differs from what the server rendered.
    pub fn read() -> Self {
        let mut typed = Vec::new();
        for (key, field) in fields() {
            if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                match input.type_().as_str() {
                    "checkbox" | "radio" => {
                        if input.checked() != input.default_checked() {
                            typed.push((key, Value::Checked(input.checked())));
                        }
                    }
                    "hidden" | "submit" | "button" | "file" => {}
                    _ => {
                        if input.value() != input.default_value() {
                            typed.push((key, Value::Text(input.value())));
                        }
                    }
                }
            } else if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                if Ok(area.value()) != area.default_value() {
                    typed.push((key, Value::Text(area.value())));
                }
            } else if let Some(select) = field.dyn_ref::<HtmlSelectElement>()
                && !selected_as_rendered(select)
            {
                typed.push((key, Value::Text(select.value())));
            }
        }
        Self(typed)
    }

    /// Sets each typed field again, as if typed.
    pub fn give_back(self) {
        if self.0.is_empty() {
            return;
        }
        let now: Vec<(String, Element)> = fields();
        for (key, value) in self.0 {
            let Some((_, field)) = now.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            match (&value, field.dyn_ref::<HtmlInputElement>()) {
                (Value::Checked(on), Some(input)) => input.set_checked(*on),
                (Value::Text(text), Some(input)) => input.set_value(text),
                (Value::Text(text), None) => {
                    if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                        area.set_value(text);
                    } else if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                        select.set_value(text);
                    }
                }
                (Value::Checked(_), None) => continue,
            }
            for kind in ["input", "change"] {
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                if let Ok(event) = web_sys::Event::new_with_event_init_dict(kind, &init) {
                    let _ = field.dispatch_event(&event);
                }
            }
        }
    }
}

/// Whether a select still shows the option the server marked (or its first, if none was).
fn selected_as_rendered(select: &HtmlSelectElement) -> bool {
    let Ok(options) = select.query_selector_all("option") else {
        return true;
    };
    let marked = (0..options.length())
        .filter_map(|i| options.item(i)?.dyn_into::<Element>().ok())
        .position(|o| o.has_attribute("selected"))
        .unwrap_or(0);
    select.selected_index() == marked as i32
}

/// Every form field on the page, each with its key.
fn fields() -> Vec<(String, Element)> {
    let Ok(list) = leptos::prelude::document().query_selector_all(FIELDS) else {
        return Vec::new();
    };
    let mut seen: Vec<String> = Vec::new();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .filter_map(|field| {
            let id = field.id();
            if !id.is_empty() {
                return Some((format!("#{id}"), field));
            }
            let name = field.get_attribute("name")?;
            let nth = seen.iter().filter(|n| **n == name).count();
            seen.push(name.clone());
            Some((format!("{name}#{nth}"), field))
        })
        .collect()
}

/// Runs `then` once the page has settled: after the effects hydration started have run.
pub fn after_settling(then: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(then);
    let _ = leptos::prelude::window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0);
}
