//! What a replication of many scopes did: the per-scope result list (a failed scope does not
//! stop the others), or while it runs, how far it has gone.

use crate::components::results::ScopeResults;
use leptos::prelude::*;
use tandem_core::views::ScopeResult;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    pub total: usize,
    pub results: Vec<ScopeResult>,
    pub error: Option<String>,
}

impl Run {
    pub fn running(&self) -> bool {
        self.results.len() < self.total && self.error.is_none()
    }
}

impl Run {
    /// A replication that has finished with `results`.
    pub fn finished(results: Vec<ScopeResult>) -> Self {
        Self {
            total: results.len(),
            results,
            error: None,
        }
    }
}

#[component]
pub fn RunView(run: RwSignal<Option<Run>>) -> impl IntoView {
    move || {
        run.get().map(|r| {
            let status = if r.running() {
                format!("Replicating: {} of {} scope(s) done…", r.results.len(), r.total)
            } else if r.total == 0 {
                "There are no failover scopes to replicate.".to_string()
            } else {
                "Replication finished.".to_string()
            };
            view! {
                <div class="run" role="status">
                    <p class="run-status">{status}</p>
                    <progress max=r.total value=r.results.len()></progress>
                    {r.error.map(|e| view! { <p class="notice notice-failed">{e}</p> })}
                    {(!r.results.is_empty()).then(|| view! { <ScopeResults results=r.results.clone() /> })}
                </div>
            }
        })
    }
}
