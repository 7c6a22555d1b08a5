//! Scope Properties' Pools, rendered on the server: each pool of a scope with what it sets of
//! its own, and for a user who may edit scopes, each pool's form (posted natively).

use leptos::prelude::*;

/// The scope's pools (its range less its exclusions), each with what it sets of its own (a Kea
/// pool's class and options, kept among the scope's settings), when any pool has settings.
pub(crate) fn pools_view(scope: &tandem_core::Scope, edit: Option<&ScopeForms>) -> Option<AnyView> {
    use serde_json::Value;
    let kept = scope.kept.as_ref()?;
    // Listed when a pool sets something of its own, or for a user who may give one settings.
    if edit.is_none() && !kept.settings.keys().any(|p| p.starts_with("pool ")) {
        return None;
    }
    let words = |text: &str| -> Vec<String> {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
            return vec![text.to_string()];
        };
        map.iter()
            .flat_map(|(key, value)| match (key.as_str(), value) {
                // Kea 2.2's one class, Kea 3's list of them.
                ("client-class", Value::String(c)) => vec![format!("class {c}")],
                ("client-classes", Value::Array(list)) => {
                    let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                    vec![format!("class {}", names.join(", "))]
                }
                ("option-data", Value::Array(list)) => list.iter().map(option_entry_text).collect(),
                (key, Value::String(text)) => vec![format!("{key} {text}")],
                (key, other) => vec![format!("{key} {other}")],
            })
            .collect()
    };
    // The pools with settings of their own, then the rest of the range less the exclusions
    // (pools that set nothing: a pool may adjoin another, so the range alone cannot tell them).
    let own: Vec<(tandem_core::IpRange, &String)> = kept
        .settings
        .iter()
        .filter_map(|(place, text)| {
            let (a, b) = place.strip_prefix("pool ")?.split_once('-')?;
            let range = tandem_core::IpRange::new(a.parse().ok()?, b.parse().ok()?).ok()?;
            Some((range, text))
        })
        .collect();
    let mut cuts = scope.exclusions.clone();
    cuts.extend(own.iter().map(|(r, _)| *r));
    let mut pools: Vec<(tandem_core::IpRange, Option<&String>)> =
        tandem_backend::driver::kea::mapping::pools_of(scope.range, &cuts)
            .into_iter()
            .map(|r| (r, None))
            .chain(own.iter().map(|(r, t)| (*r, Some(*t))))
            .collect();
    pools.sort_by_key(|(r, _)| *r);
    let items = pools
        .into_iter()
        .map(|(pool, text)| {
            let own = text.map(|text| words(text).join("; ")).unwrap_or_default();
            let own = if own.is_empty() {
                view! { <span class="muted">" (the scope's settings)"</span> }.into_any()
            } else {
                view! { <span class="pool-own">{format!(": {own}")}</span> }.into_any()
            };
            let form = edit.map(|e| pool_form(e, pool, text.map(String::as_str)));
            view! { <li data-pool=pool.to_string()>{pool.to_string()}{own}{form}</li> }
        })
        .collect_view();
    Some(view! { <ul class="plain settings" id="pools">{items}</ul> }.into_any())
}

/// Where a scope's native forms (a pool's, a reservation's without an address) post and come
/// back to, for a user who may make those changes.
pub(crate) struct ScopeForms {
    pub server: String,
    pub scope_id: String,
}

/// A pool's Edit form, server-rendered and posted natively (the same with JavaScript or
/// without): the classes it admits and its option values, one row each and one empty row to
/// add one; what else it holds is kept by the write.
fn pool_form(edit: &ScopeForms, pool: tandem_core::IpRange, own: Option<&str>) -> AnyView {
    let entry = own
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    let settings = tandem_backend::driver::kea::pool_settings::settings_of(&entry, pool);
    let classes = settings.client_classes.join(", ");
    let rows = option_rows(&settings.options);
    let back = format!("/servers/{}/scopes/{}", edit.server, edit.scope_id);
    view! {
        <details class="pool-edit">
            <summary>"Edit class and options"</summary>
            <form method="post" action="/forms/pool" class="pool-form">
                <input type="hidden" name="mode" value="edit" />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="server" value=edit.server.clone() />
                <input type="hidden" name="scope_id" value=edit.scope_id.clone() />
                <input type="hidden" name="range" value=pool.to_string() />
                <label>
                    "Client classes (only their members get addresses here; none: every client) "
                    <input name="client_classes" value=classes placeholder="none, or pxe" />
                </label>
                <fieldset class="options">
                    <legend>"Option values"</legend>
                    {rows}
                    <p class="muted">"Clear a row to remove its option; fill the empty row to add one. A standard option is read by its type in Kea's table."</p>
                </fieldset>
                <button type="submit" class="small">"Save pool"</button>
            </form>
        </details>
    }
    .into_any()
}

/// A native form's option rows: one per option of `options`, then an empty one to add one.
pub(crate) fn option_rows(
    options: &std::collections::BTreeMap<u8, tandem_core::OptionValue>,
) -> impl IntoView + use<> {
    tandem_core::scope_input::option_inputs(options)
        .into_iter()
        .chain(std::iter::once(Default::default()))
        .map(|o: tandem_core::scope_input::OptionInput| {
            let kinds = ["Addresses", "Text", "Number", "Flag", "Data", "Hex"]
                .into_iter()
                .map(|k| view! { <option value=k selected=o.kind == k>{k}</option> })
                .collect_view();
            view! {
                <div class="option-row">
                    <input class="option-code" name="option_code" aria-label="Option code" placeholder="code" inputmode="numeric" value=o.code />
                    <select class="option-kind" name="option_kind" aria-label="Option type">{kinds}</select>
                    <input class="option-value" name="option_value" aria-label="Option value" value=o.value />
                </div>
            }
        })
        .collect_view()
}

/// An `option-data` entry in words: `option routers (3) 10.0.0.1`, its space when not the
/// standard one, and its flags (`always-send`, `never-send`, per-option classes).
pub(crate) fn option_entry_text(o: &serde_json::Value) -> String {
    use serde_json::Value;
    let space = o.get("space").and_then(Value::as_str).unwrap_or("dhcp4");
    let code = o.get("code").and_then(Value::as_u64);
    let name = match (o.get("name").and_then(Value::as_str), code) {
        (Some(n), Some(c)) => format!("{n} ({c})"),
        (Some(n), None) => match tandem_core::options::code_of(n).filter(|_| space == "dhcp4") {
            Some(c) => format!("{n} ({c})"),
            None => n.to_string(),
        },
        (None, Some(c)) if space == "dhcp4" => u8::try_from(c)
            .ok()
            .and_then(tandem_core::options::name_of)
            .map_or_else(|| format!("option {c}"), |n| format!("{n} ({c})")),
        (None, Some(c)) => format!("option {c}"),
        (None, None) => "option ?".into(),
    };
    let space = if space == "dhcp4" {
        String::new()
    } else {
        format!(" in {space}")
    };
    let data = o.get("data").and_then(Value::as_str).unwrap_or_default();
    let hex = if o.get("csv-format") == Some(&Value::Bool(false)) {
        " (hex)"
    } else {
        ""
    };
    let flags: Vec<&str> = [("always-send", "always sent"), ("never-send", "never sent")]
        .into_iter()
        .filter(|(k, _)| o.get(*k) == Some(&Value::Bool(true)))
        .map(|(_, words)| words)
        .collect();
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" ({})", flags.join(", "))
    };
    format!("option {name}{space} {data}{hex}{flags}")
}
