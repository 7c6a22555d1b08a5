//! The Event Catalog: search with filters, export as CSV, and undo a change.

use super::{Caller, ServiceError, Tandem};
use crate::store::events::{self, EventFilter};
use tandem_core::access::Permission;
use tandem_core::scope_input::ScopeInput;
use tandem_core::validate::NewReservation;
use tandem_core::views::{
    ChangeOutcome, EventRow, EventsPage, Page, ReplicationOutcome, undo_permission,
};
use tandem_core::{FieldError, Reservation, Scope, ScopeId, ServerName};

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

    /// One page of the filtered catalog, newest first, with how many events match.
    pub async fn events_page(
        &self,
        caller: &Caller,
        filter: &EventFilter,
        page: Page,
    ) -> Result<EventsPage, ServiceError> {
        self.authorize(caller, Permission::View, None, "view", "")
            .await?;
        let page = Page::new(page.number, page.size);
        let mut conn = self.store.pool().acquire().await?;
        let allowed = caller.principal.servers.as_deref();
        let total = events::count(&mut conn, filter, allowed).await?;
        let rows = events::search_from(
            &mut conn,
            filter,
            allowed,
            page.limit() as i64,
            page.offset() as i64,
        )
        .await?;
        Ok(EventsPage { rows, total, page })
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

/// `r` as the input that would create it again.
fn as_input(r: &Reservation) -> NewReservation {
    NewReservation {
        ip_address: r.ip_address.to_string(),
        client_id: r.client_id.to_string(),
        identifier_type: r.client_id.kind().as_str().to_string(),
        name: r.name.clone(),
        description: r.description.clone(),
        kind: r.kind.as_str().to_string(),
        next_server: Some(
            r.settings
                .next_server
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
        ),
        server_hostname: Some(r.settings.server_hostname.clone()),
        boot_file_name: Some(r.settings.boot_file_name.clone()),
        client_classes: Some(r.settings.client_classes.clone()),
        options: Some(tandem_core::scope_input::option_inputs(&r.settings.options)),
    }
}

/// A reservation in words, for a refusal that shows what it is now.
fn in_words(r: &Reservation) -> String {
    let mut words = format!("{} for {}", r.ip_address, r.client_id.described());
    if !r.name.is_empty() {
        words.push_str(&format!(" named {:?}", r.name));
    }
    words
}

/// What an event recorded (its before or after).
fn recorded<T: serde::de::DeserializeOwned>(
    json: Option<&str>,
    id: i64,
) -> Result<T, ServiceError> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .ok_or_else(|| ServiceError::conflict(format!("event {id} did not record what it changed")))
}

impl Tandem {
    /// Undo from the Event Catalog: applies the inverse of completed change `id` to both
    /// partners, as the caller (whose role must allow the inverse), recorded as its own event
    /// naming `id`. Refused with the current value when the object has changed since (never
    /// a silent overwrite), and when the change did not complete or was undone already.
    #[tracing::instrument(skip_all, err, fields(event = id))]
    pub async fn undo_event(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<ChangeOutcome, ServiceError> {
        let mut conn = self.store.pool().acquire().await?;
        let e = events::get(&mut conn, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("event {id}")))?;
        drop(conn);
        let Some(permission) = undo_permission(&e.action) else {
            return Err(ServiceError::Validation(
                FieldError::new(
                    "id",
                    format!(
                        "event {id} ({}) cannot be undone: only reservation changes, scope edits and scope replications can",
                        e.action
                    ),
                )
                .into(),
            ));
        };
        let server = e
            .server
            .as_deref()
            .and_then(|s| ServerName::parse(s).ok())
            .ok_or_else(|| ServiceError::conflict(format!("event {id} names no server")))?;
        // Asked before anything is read from the server.
        self.authorize(
            caller,
            permission,
            Some(&server),
            "undo",
            &format!("event {id}"),
        )
        .await?;
        if e.outcome != "ok" {
            return Err(ServiceError::conflict(format!(
                "event {id} did not complete ({}): there is nothing to undo",
                e.outcome
            )));
        }
        if let Some(by) = e.undone_by {
            return Err(ServiceError::conflict(format!(
                "event {id} was undone already, by event {by}"
            )));
        }
        let scope = e
            .scope_id
            .as_deref()
            .and_then(|s| ScopeId::parse(s).ok())
            .ok_or_else(|| ServiceError::conflict(format!("event {id} names no scope")))?;
        if e.action == "replicate_scope" {
            return self.undo_replication(caller, &e, &server, scope).await;
        }
        let driver = self.driver(&server).await?;
        let now = driver.scope(scope).await?;
        let changed = |current: &Reservation| ServiceError::Conflict {
            message: format!(
                "reservation {} on {server} has changed since event {id}: it is now {}; not undone",
                current.ip_address,
                in_words(current)
            ),
            current: Some(Box::new(current.clone())),
        };
        match e.action.as_str() {
            "create_reservation" => {
                let made: Reservation = recorded(e.after_json.as_deref(), id)?;
                match now.reservation(made.ip_address) {
                    None => Err(ServiceError::conflict(format!(
                        "reservation {} is no longer on {server}: nothing to undo",
                        made.ip_address
                    ))),
                    Some(current) if current.version() != made.version() => Err(changed(current)),
                    Some(_) => {
                        self.delete_reservation_undoing(
                            caller,
                            &server,
                            scope,
                            made.ip_address,
                            Some(&made.version()),
                            Some(id),
                        )
                        .await
                    }
                }
            }
            "delete_reservation" => {
                let gone: Reservation = recorded(e.before_json.as_deref(), id)?;
                match now.reservation(gone.ip_address) {
                    Some(current) => Err(ServiceError::Conflict {
                        message: format!(
                            "{} is reserved again on {server} since event {id}: it is now {}; not undone",
                            gone.ip_address,
                            in_words(current)
                        ),
                        current: Some(Box::new(current.clone())),
                    }),
                    None => {
                        self.create_reservation_undoing(
                            caller,
                            &server,
                            scope,
                            &as_input(&gone),
                            Some(id),
                        )
                        .await
                    }
                }
            }
            "update_scope" => {
                let before: Scope = recorded(e.before_json.as_deref(), id)?;
                let after: Scope = recorded(e.after_json.as_deref(), id)?;
                let version = now.properties_version();
                if version != after.properties_version() {
                    return Err(ServiceError::conflict(format!(
                        "scope {scope} on {server} has changed since event {id}: it is now {}; not undone",
                        scope_in_words(&now)
                    )));
                }
                self.update_scope_undoing(
                    caller,
                    &server,
                    scope,
                    &version,
                    &ScopeInput::of(&before),
                    Some(id),
                )
                .await
            }
            _ => {
                let before: Reservation = recorded(e.before_json.as_deref(), id)?;
                let after: Reservation = recorded(e.after_json.as_deref(), id)?;
                match now.reservation(after.ip_address) {
                    None => Err(ServiceError::conflict(format!(
                        "reservation {} is no longer on {server}: nothing to undo",
                        after.ip_address
                    ))),
                    Some(current) if current.version() != after.version() => Err(changed(current)),
                    Some(current) => {
                        self.edit_reservation_undoing(
                            caller,
                            &server,
                            scope,
                            after.ip_address,
                            &current.version(),
                            &as_input(&before),
                            Some(id),
                        )
                        .await
                    }
                }
            }
        }
    }

    /// Undoes a scope replication: the partner gets back the copy it had before, provided it
    /// still holds exactly what the replication wrote. The pair then differs as it did.
    async fn undo_replication(
        &self,
        caller: &Caller,
        e: &events::Recorded,
        server: &ServerName,
        scope: ScopeId,
    ) -> Result<ChangeOutcome, ServiceError> {
        let id = e.id;
        let partner_name = e
            .partner
            .as_deref()
            .and_then(|s| ServerName::parse(s).ok())
            .ok_or_else(|| ServiceError::conflict(format!("event {id} names no partner")))?;
        self.authorize(
            caller,
            Permission::ReplicateScope,
            Some(&partner_name),
            "undo",
            &format!("event {id}"),
        )
        .await?;
        let written: Scope = recorded(e.after_json.as_deref(), id)?;
        let Some(before) = e
            .before_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<Scope>(j).ok())
        else {
            return Err(ServiceError::conflict(format!(
                "{partner_name} had no copy of scope {scope} before event {id}: there is nothing \
                 to restore (Remove Failover takes the scope off the partner)"
            )));
        };
        let partner = self.driver(&partner_name).await?;
        let now = partner.scope(scope).await?;
        if now.digest() != written.digest() {
            return Err(ServiceError::conflict(format!(
                "the copy of scope {scope} on {partner_name} has changed since event {id}: it is \
                 now {}; not undone",
                scope_in_words(&now)
            )));
        }
        let what = format!("scope {scope}");
        let mut event = self.event(caller, "restore_scope", "scope", &what, Some(&partner_name));
        event.scope_id = Some(scope.to_string());
        event.undoes = Some(id);
        event.before_json = serde_json::to_string(&now).ok();
        event.after_json = serde_json::to_string(&before).ok();
        let begun = self.begin(&event).await?;
        let result = partner.put_scope(&before).await;
        let note = format!("{partner_name}'s copy as before event {id}");
        self.conclude(begun, result, Some(&note)).await?;
        self.touched("scope", &[server, &partner_name], Some(scope))
            .await;
        Ok(ChangeOutcome {
            server: partner_name,
            replication: ReplicationOutcome::NotInFailover,
        })
    }
}

/// A scope in words, for a refusal that shows what it is now.
fn scope_in_words(s: &Scope) -> String {
    format!(
        "{:?}, {} with {} reservation(s)",
        s.name,
        s.range,
        s.reservations.len()
    )
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
