//! Server functions for the Event Catalog.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::views::EventRow;

/// The Event Catalog's filters; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventQuery {
    pub actor: String,
    pub action: String,
    pub object: String,
    pub from: String,
    pub to: String,
}

impl EventQuery {
    /// The query string of the CSV export link for these filters.
    pub fn to_query_string(&self) -> String {
        let enc = |s: &str| tandem_core::text::percent_encode(s, "");
        format!(
            "actor={}&action={}&object={}&from={}&to={}",
            enc(&self.actor),
            enc(&self.action),
            enc(&self.object),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

#[cfg(feature = "ssr")]
impl From<EventQuery> for tandem_backend::store::events::EventFilter {
    fn from(q: EventQuery) -> Self {
        Self {
            actor: q.actor,
            action: q.action,
            object: q.object,
            from: q.from,
            to: q.to,
        }
    }
}

#[server(endpoint = "search_events", input = server_fn::codec::Json)]
pub async fn search_events(query: EventQuery) -> Result<Vec<EventRow>, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .search_events(&caller, &query.into(), 500)
        .await?)
}

/// Undo from the Event Catalog: the inverse of change `id` on both partners, recorded as its
/// own event; refused with the current value if the object changed since.
#[server(endpoint = "undo_event", input = server_fn::codec::Json)]
pub async fn undo_event(id: i64) -> Result<tandem_core::views::ChangeOutcome, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.undo_event(&caller, id).await?)
}

crate::lazy_calls! {
    call_search_events: SearchEvents;
    call_undo_event: UndoEvent;
}
