//! Importing reservations from a CSV in the portal. The file is posted natively (a
//! `multipart/form-data` form, so it works before the page's code has loaded and with
//! JavaScript off) to `/import-file`, which keeps the preview as a draft of the user's and
//! sends the browser to `/import?draft=…`; Apply posts the draft's ID there again.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::import::{ImportAction, ImportCounts, ImportRow};

/// The most rows the page shows at once (the counts cover every row).
pub const SHOWN: usize = 500;

/// A draft as the Import page shows it: its rows filtered by action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftView {
    pub id: String,
    pub server: String,
    pub file_name: String,
    /// Why the file could not be previewed or applied, if it could not.
    pub error: Option<String>,
    /// Whether the changes were made.
    pub applied: bool,
    pub counts: ImportCounts,
    pub replication: Vec<String>,
    /// The rows shown (at most [`SHOWN`]).
    pub rows: Vec<ImportRow>,
    /// Rows matching the filter, shown or not.
    pub matching: usize,
}

/// Which rows a filter word shows (`all`, `add`, `change`, `unchanged`, `refused`, `failed`).
pub fn shows(filter: &str, row: &ImportRow) -> bool {
    match filter {
        "add" => row.action == ImportAction::Add,
        "change" => row.action == ImportAction::Change,
        "unchanged" => row.action == ImportAction::Unchanged,
        "refused" => row.action == ImportAction::Refused,
        "failed" => row.applied == Some(false),
        _ => true,
    }
}

/// The user's draft `id`, its rows filtered by `filter`.
#[server(endpoint = "import_draft")]
pub async fn import_draft(id: String, filter: String) -> Result<DraftView, AppError> {
    let caller = super::ssr::caller()?;
    let drafts = use_context::<ssr::ImportDrafts>()
        .ok_or_else(|| AppError::NotFound("the import".into()))?;
    let draft = drafts
        .get(caller.principal.user_id, &id)
        .ok_or_else(|| AppError::NotFound("that import (it is kept for an hour)".into()))?;
    let (counts, replication, applied, matching, rows) = match &draft.report {
        Some(report) => {
            let matching: Vec<&ImportRow> =
                report.rows.iter().filter(|r| shows(&filter, r)).collect();
            (
                report.counts,
                report.replication.clone(),
                report.applied,
                matching.len(),
                matching.into_iter().take(SHOWN).cloned().collect(),
            )
        }
        None => (ImportCounts::default(), Vec::new(), false, 0, Vec::new()),
    };
    Ok(DraftView {
        id,
        server: draft.server,
        file_name: draft.file_name,
        error: draft.error,
        applied,
        counts,
        replication,
        rows,
        matching,
    })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    use tandem_core::import::ImportReport;

    /// How long a draft is kept.
    const KEPT: Duration = Duration::from_secs(3600);
    /// The most drafts kept (the oldest goes first).
    const MOST: usize = 200;

    /// An uploaded file and what it does (or did).
    #[derive(Debug, Clone)]
    pub struct Draft {
        pub owner: i64,
        pub server: String,
        pub file_name: String,
        pub csv: Arc<Vec<u8>>,
        pub report: Option<ImportReport>,
        pub error: Option<String>,
        at: Instant,
    }

    impl Draft {
        pub fn new(owner: i64, server: String, file_name: String, csv: Vec<u8>) -> Self {
            Self {
                owner,
                server,
                file_name,
                csv: Arc::new(csv),
                report: None,
                error: None,
                at: Instant::now(),
            }
        }
    }

    /// The drafts of this instance, each its user's.
    #[derive(Debug, Clone, Default)]
    pub struct ImportDrafts(Arc<Mutex<HashMap<String, Draft>>>);

    impl ImportDrafts {
        /// Keeps `draft`; returns its ID (a random UUID).
        pub fn put(&self, draft: Draft) -> String {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let mut all = self.0.lock().expect("drafts");
            all.retain(|_, d| d.at.elapsed() < KEPT);
            if all.len() >= MOST
                && let Some(oldest) = all.iter().min_by_key(|(_, d)| d.at).map(|(k, _)| k.clone())
            {
                all.remove(&oldest);
            }
            all.insert(id.clone(), draft);
            id
        }

        /// The draft `id`, if it is `user`'s and still kept.
        pub fn get(&self, user: i64, id: &str) -> Option<Draft> {
            let all = self.0.lock().expect("drafts");
            all.get(id)
                .filter(|d| d.owner == user && d.at.elapsed() < KEPT)
                .cloned()
        }

        /// Replaces the draft `id` (after an apply).
        pub fn set(&self, id: &str, draft: Draft) {
            self.0.lock().expect("drafts").insert(id.to_string(), draft);
        }
    }
}
