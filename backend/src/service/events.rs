//! The Event Catalog: search with filters, and export as CSV.

use super::{Caller, ServiceError, Tandem};
use crate::store::events::{self, EventFilter};
use tandem_core::access::Permission;
use tandem_core::views::EventRow;

/// At most this many rows per search or export.
pub const EVENT_LIMIT: i64 = 5000;

impl Tandem {
    /// The Event Catalog, filtered, newest first, within the caller's access scope.
    pub async fn search_events(
        &self,
        caller: &Caller,
        filter: &EventFilter,
        limit: i64,
    ) -> Result<Vec<EventRow>, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        let mut conn = self.store.pool().acquire().await?;
        // A user narrowed to some servers sees only the events recorded against them.
        let allowed = caller.principal.servers.as_deref();
        Ok(events::search(&mut conn, filter, allowed, limit.clamp(1, EVENT_LIMIT)).await?)
    }

    /// The filtered catalog as CSV (RFC 4180), newest first.
    pub async fn export_events(
        &self,
        caller: &Caller,
        filter: &EventFilter,
    ) -> Result<String, ServiceError> {
        let rows = self.search_events(caller, filter, EVENT_LIMIT).await?;
        let mut out = String::from(
            "id,at,actor,action,object_type,server,object,outcome,replication,before,after\r\n",
        );
        for r in rows {
            let cells = [
                r.id.to_string(),
                r.at,
                r.actor,
                r.action,
                r.object_type,
                r.server.unwrap_or_default(),
                r.object,
                r.outcome,
                r.replication.unwrap_or_default(),
                r.before.unwrap_or_default(),
                r.after.unwrap_or_default(),
            ];
            let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}

/// Quotes a cell when it needs it, and defuses spreadsheet formulas.
pub(crate) fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        // A tab or carriage return first also starts a formula in some spreadsheets.
        assert_eq!(csv_cell("\t=1+1"), "'\t=1+1");
        assert_eq!(csv_cell("\r=1+1"), "\"'\r=1+1\"");
    }
}
