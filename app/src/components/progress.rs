//! Replication of many scopes, one call per scope, with progress shown as it goes: "3 of 10",
//! then the per-scope result list. A failed scope does not stop the others.

use crate::api::scopes::{ReplicateScopes, ScopeRef, call_replicate_scopes};
use crate::components::results::ScopeResults;
use leptos::prelude::*;
use leptos::task::spawn_local;
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

/// Replicates `targets` one by one into `run`; `done` ticks at the end (to refresh views).
pub fn replicate_all(targets: Vec<ScopeRef>, run: RwSignal<Option<Run>>) {
    run.set(Some(Run {
        total: targets.len(),
        ..Run::default()
    }));
    spawn_local(async move {
        for target in targets {
            match call_replicate_scopes(ReplicateScopes {
                targets: vec![target],
            })
            .await
            {
                Ok(mut one) => run.update(|r| {
                    if let Some(r) = r {
                        r.results.append(&mut one);
                    }
                }),
                Err(e) => {
                    run.update(|r| {
                        if let Some(r) = r {
                            r.error = Some(e.to_string());
                        }
                    });
                    return;
                }
            }
        }
    });
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
