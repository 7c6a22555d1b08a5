//! The line at the top of a page that tells what the last action did.

use crate::error::AppError;
use leptos::prelude::*;
use tandem_core::views::{ChangeOutcome, ReplicationOutcome};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Notice {
    Done(String),
    Warning(String),
    Failed(String),
}

impl Notice {
    pub fn from_error(e: &AppError) -> Self {
        Self::Failed(e.to_string())
    }

    /// What "Review now" found.
    pub fn from_review(r: &tandem_core::review::Review) -> Self {
        let (errors, warnings) = r.counts();
        Self::Done(format!(
            "Reviewed every server again: {errors} error(s), {warnings} warning(s)."
        ))
    }

    /// A finding dismissed for its object (`dismissed`), or restored.
    pub fn finding(dismissed: bool) -> Self {
        Self::Done(if dismissed {
            "Finding dismissed.".into()
        } else {
            "Finding restored.".into()
        })
    }

    /// What a manual scope replication did, or why it failed.
    pub fn from_replication(result: &Result<crate::api::scopes::Replicated, AppError>) -> Self {
        match result {
            Ok(r) => Self::Done(format!(
                "Scope {} replicated from {} to {}: {} difference(s) overwritten.",
                r.scope_id, r.source, r.partner, r.overwritten
            )),
            Err(e) => Self::from_error(e),
        }
    }

    /// Tells plainly where a change was applied, and whether its partner got it.
    pub fn from_change(what: &str, outcome: &ChangeOutcome) -> Self {
        let server = &outcome.server;
        match &outcome.replication {
            ReplicationOutcome::NotInFailover => Self::Done(format!("{what} on {server}.")),
            ReplicationOutcome::Replicated { partner } => {
                Self::Done(format!("{what} on {server} and replicated to {partner}."))
            }
            ReplicationOutcome::Shared { partner, store } => Self::Done(format!(
                "{what} on {server}, written once: {partner} shares its hosts database ({store})."
            )),
            ReplicationOutcome::Failed { partner, error } => Self::Warning(format!(
                "{what} on {server}, but NOT replicated to partner {partner}: {error}. \
                 The scope's Failover Config Sync Status shows this until a replication succeeds."
            )),
        }
    }
}

#[component]
pub fn NoticeBar(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    move || {
        notice.get().map(|n| {
            let (class, text) = match n {
                Notice::Done(t) => ("notice notice-done", t),
                Notice::Warning(t) => ("notice notice-warning", t),
                Notice::Failed(t) => ("notice notice-failed", t),
            };
            view! {
                <div class=class role="status">
                    <span>{text}</span>
                    <button class="link needs-code" on:click=move |_| notice.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}
