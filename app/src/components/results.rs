//! The per-scope result list of a replication run.

use leptos::prelude::*;
use tandem_core::views::ScopeResult;

#[component]
pub fn ScopeResults(results: Vec<ScopeResult>) -> impl IntoView {
    let failed = results.iter().filter(|r| r.result.is_err()).count();
    let summary = format!(
        "{} scope(s) replicated, {} failed.",
        results.len() - failed,
        failed
    );
    let lines = results
        .into_iter()
        .map(|r| {
            let (class, text) = match &r.result {
                Ok(n) => (
                    "ok",
                    format!(
                        "replicated to {}: {n} difference(s) overwritten",
                        r.partner
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ),
                ),
                Err(e) => ("not-ok", format!("failed: {e}")),
            };
            view! {
                <li class=class data-result-scope=r.scope_id.to_string()>
                    <strong>{r.scope_id.to_string()}</strong>
                    " "
                    {text}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="results" role="status">
            <p>{summary}</p>
            <ul>{lines}</ul>
        </div>
    }
}
