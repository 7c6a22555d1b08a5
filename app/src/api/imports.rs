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
    /// The file's columns Tandem does not read, in the file's order.
    #[serde(default)]
    pub ignored_columns: Vec<String>,
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
        .await?
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
    let ignored_columns = draft
        .report
        .as_ref()
        .map(|r| r.ignored_columns.clone())
        .unwrap_or_default();
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
        ignored_columns,
    })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use std::sync::Arc;
    use tandem_backend::ServiceError;
    use tandem_backend::store::{Store, drafts};
    use tandem_core::import::ImportReport;

    /// An uploaded file and what it does (or did).
    #[derive(Debug, Clone)]
    pub struct Draft {
        pub owner: i64,
        pub server: String,
        pub file_name: String,
        pub csv: Arc<Vec<u8>>,
        pub report: Option<ImportReport>,
        pub error: Option<String>,
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
            }
        }
    }

    /// The drafts, each its user's, kept an hour in Tandem's database: any instance on it can
    /// show or apply any of them.
    #[derive(Debug, Clone)]
    pub struct ImportDrafts(Store);

    impl ImportDrafts {
        pub fn new(store: Store) -> Self {
            Self(store)
        }

        /// Keeps `draft`; returns its ID (a random UUID).
        pub async fn put(&self, draft: Draft) -> Result<String, ServiceError> {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let record = drafts::DraftRecord {
                owner: draft.owner,
                server: draft.server,
                file_name: draft.file_name,
                csv: draft.csv.to_vec(),
                report: draft.report.as_ref().map(report_json),
                error: draft.error,
            };
            let mut conn = self.0.pool().acquire().await?;
            drafts::put(&mut conn, &id, &record).await?;
            Ok(id)
        }

        /// The draft `id`, if it is `user`'s and still kept.
        pub async fn get(&self, user: i64, id: &str) -> Result<Option<Draft>, ServiceError> {
            let mut conn = self.0.pool().acquire().await?;
            let Some(record) = drafts::get(&mut conn, user, id).await? else {
                return Ok(None);
            };
            Ok(Some(Draft {
                owner: record.owner,
                server: record.server,
                file_name: record.file_name,
                csv: Arc::new(record.csv),
                report: record
                    .report
                    .as_deref()
                    .and_then(|r| serde_json::from_str(r).ok()),
                error: record.error,
            }))
        }

        /// Records what the draft `id` did (after an apply).
        pub async fn set(&self, id: &str, draft: &Draft) -> Result<(), ServiceError> {
            let mut conn = self.0.pool().acquire().await?;
            drafts::set_outcome(
                &mut conn,
                id,
                draft.report.as_ref().map(report_json).as_deref(),
                draft.error.as_deref(),
            )
            .await?;
            Ok(())
        }
    }

    fn report_json(report: &ImportReport) -> String {
        serde_json::to_string(report).expect("an import report serializes")
    }
}
