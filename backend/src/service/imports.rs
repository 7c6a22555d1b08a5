//! Reservations imported from a CSV (`Import-Csv … | Add-DhcpServerv4Reservation`): a preview
//! of what each row would do, then the apply. The apply plans again against a fresh read, and
//! writes each scope's additions and changes in one write per server (its whole reservation
//! list), like any change: recorded in the Event Catalog, then made on the failover partner
//! (a failure there is the scope's sync error). A bad row is refused on its own; a scope whose
//! write fails fails only its own rows.

use super::{Caller, ServiceError, Tandem, describe};
use crate::driver::{DhcpDriver, DriverError};
use std::collections::BTreeMap;
use std::sync::Arc;
use tandem_core::access::Permission;
use tandem_core::import::{self, ImportCounts, ImportReport, ImportRow, ReadScope};
use tandem_core::{Reservation, Scope, ScopeId, ServerName};

/// Puts `writes` into `scope`: each replaces the reservation at its address, or is added.
fn with_writes(mut scope: Scope, writes: &[(usize, Reservation)]) -> Scope {
    for (_, r) in writes {
        match scope
            .reservations
            .iter_mut()
            .find(|held| held.ip_address == r.ip_address)
        {
            Some(held) => *held = r.clone(),
            None => scope.reservations.push(r.clone()),
        }
    }
    scope.reservations.sort_by_key(|r| r.ip_address);
    scope
}

/// A file's rows and each scope's planned writes, against `server` as it is now.
struct Planned {
    driver: Arc<dyn DhcpDriver>,
    scopes: BTreeMap<ScopeId, ReadScope>,
    rows: Vec<ImportRow>,
    writes: BTreeMap<ScopeId, Vec<(usize, Reservation)>>,
    /// The file's columns Tandem does not read.
    ignored: Vec<String>,
}

impl Tandem {
    async fn plan_import(
        &self,
        caller: &Caller,
        server: &ServerName,
        csv: &[u8],
        action: &str,
    ) -> Result<Planned, ServiceError> {
        self.authorize(
            caller,
            Permission::EditReservations,
            Some(server),
            action,
            &format!("reservations from a CSV file on {server}"),
        )
        .await?;
        let import::CsvRead { lines, ignored } = import::read_csv_file(csv)
            .map_err(|e| ServiceError::from(tandem_core::FieldErrors(vec![e])))?;
        let driver = self.driver(server).await?;
        let mut scopes = BTreeMap::new();
        for id in import::scope_ids(&lines) {
            let read = match driver.scope(id).await {
                Ok(s) => Ok(s),
                Err(DriverError::NotFound { .. }) => Err(format!("scope {id} is not on {server}")),
                Err(e) => return Err(e.into()),
            };
            scopes.insert(id, read);
        }
        let (rows, writes) = import::plan(&lines, &scopes, driver.capabilities().placement);
        Ok(Planned {
            driver,
            scopes,
            rows,
            writes,
            ignored,
        })
    }

    /// What importing `csv` into `server` would do, row by row; nothing is written.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn preview_import(
        &self,
        caller: &Caller,
        server: &ServerName,
        csv: &[u8],
    ) -> Result<ImportReport, ServiceError> {
        let planned = self
            .plan_import(caller, server, csv, "preview_import")
            .await?;
        Ok(ImportReport {
            server: server.to_string(),
            applied: false,
            counts: ImportCounts::of(&planned.rows),
            rows: planned.rows,
            replication: Vec::new(),
            ignored_columns: planned.ignored,
        })
    }

    /// Imports `csv` into `server`: planned again against a fresh read, then each scope's
    /// additions and changes written on the server and its failover partner.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn apply_import(
        &self,
        caller: &Caller,
        server: &ServerName,
        csv: &[u8],
    ) -> Result<ImportReport, ServiceError> {
        let Planned {
            driver,
            mut scopes,
            mut rows,
            writes,
            ignored: ignored_columns,
        } = self
            .plan_import(caller, server, csv, "import_reservations")
            .await?;
        let mut replication = Vec::new();
        for (scope_id, writes) in writes {
            let Some(Ok(held)) = scopes.remove(&scope_id) else {
                continue;
            };
            let added = writes
                .iter()
                .filter(|(_, r)| held.reservation(r.ip_address).is_none())
                .count();
            let after = with_writes(held, &writes);
            let partnership = match self.partnership(driver.as_ref(), scope_id).await {
                Ok(Some(p)) => Some(p.sharing_hosts(driver.as_ref()).await),
                Ok(None) => None,
                Err(e) => {
                    fail(&mut rows, &writes, &e.to_string());
                    continue;
                }
            };
            let mut event = self.event(
                caller,
                "import_reservations",
                "reservation",
                &format!(
                    "{} reservations in scope {scope_id} ({added} added, {} changed) from a CSV file",
                    writes.len(),
                    writes.len() - added
                ),
                Some(server),
            );
            let written: Vec<&Reservation> = writes.iter().map(|(_, r)| r).collect();
            event.after_json = serde_json::to_string(&written).ok();
            let on_partner = writes.clone();
            let outcome = self
                .apply_change(
                    event,
                    &driver,
                    scope_id,
                    partnership,
                    || driver.put_scope(&after),
                    |partner| async move {
                        // The partner gets the same rows on its own copy (nothing else of it
                        // is overwritten); one that lacks the scope fails as a sync error.
                        let copy = partner.scope(scope_id).await?;
                        partner.put_scope(&with_writes(copy, &on_partner)).await
                    },
                )
                .await;
            match outcome {
                Ok(o) => {
                    for (i, _) in &writes {
                        rows[*i].applied = Some(true);
                    }
                    if let Some(said) = describe(&o.replication) {
                        replication.push(format!("scope {scope_id}: {said}"));
                    }
                }
                Err(e) => fail(&mut rows, &writes, &e.to_string()),
            }
        }
        Ok(ImportReport {
            server: server.to_string(),
            applied: true,
            counts: ImportCounts::of(&rows),
            rows,
            replication,
            ignored_columns,
        })
    }
}

/// Marks a scope's rows as not applied, with why.
fn fail(rows: &mut [ImportRow], writes: &[(usize, Reservation)], why: &str) {
    for (i, _) in writes {
        rows[*i].applied = Some(false);
        rows[*i].reason = Some(format!("not written: {why}"));
    }
}
