//! CSV exports of the lists the pages show, with the filters and order in force, every page of
//! them (RFC 4180, formulas defused like the Event Catalog's).

use super::events::csv_cell;
use super::{Caller, ServiceError, Tandem};
use tandem_core::views::{MAX_PAGE_SIZE, Page, ReservationQuery, ScopeQuery};
use tandem_core::{ScopeId, ServerName};

fn push_line(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

impl Tandem {
    /// The DHCP Scopes list as CSV: every scope the filters match, in the order asked.
    pub async fn export_scopes(
        &self,
        caller: &Caller,
        query: &ScopeQuery,
    ) -> Result<String, ServiceError> {
        let mut out = String::from(
            "Server,ScopeId,Name,StartRange,EndRange,SubnetMask,State,Reservations,\
             FailoverRelationshipName,Partner,FailoverConfigSyncStatus,Drift,\
             InUse,Reserved,Free,Addresses,PercentNotFree,SharedNetwork\r\n",
        );
        let mut number = 1;
        loop {
            let q = ScopeQuery {
                page: Page::new(number, MAX_PAGE_SIZE),
                ..query.clone()
            };
            let page = self.list_scopes(caller, &q).await?;
            for r in &page.rows {
                push_line(
                    &mut out,
                    &[
                        r.server.to_string(),
                        r.scope_id.to_string(),
                        r.name.clone(),
                        r.range.start().to_string(),
                        r.range.end().to_string(),
                        r.subnet_mask.clone(),
                        format!("{:?}", r.state),
                        r.reservations.to_string(),
                        r.relationship.clone().unwrap_or_default(),
                        r.partner
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        r.sync_error.clone().unwrap_or_default(),
                        r.drift
                            .as_ref()
                            .map(|d| format!("{d:?}"))
                            .unwrap_or_default(),
                    ]
                    .into_iter()
                    // The figures, blank until the server has told.
                    .chain(match r.usage {
                        Some(u) => [
                            u.in_use.to_string(),
                            u.reserved.to_string(),
                            u.free.to_string(),
                            u.total.to_string(),
                            u.percent(),
                        ],
                        None => Default::default(),
                    })
                    .chain([r.shared_network.clone().unwrap_or_default()])
                    .collect::<Vec<_>>(),
                );
            }
            if page.rows.is_empty() || u64::from(number) >= page.page.count(page.total) {
                break;
            }
            number += 1;
        }
        Ok(out)
    }

    /// A scope's reservations as CSV, in the columns `Import-Csv | Add-DhcpServerv4Reservation`
    /// reads: every reservation the filter matches.
    pub async fn export_reservations(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        query: &ReservationQuery,
    ) -> Result<String, ServiceError> {
        let mut out =
            String::from("ScopeId,IPAddress,Name,ClientId,Description,Type,IdentifierType\r\n");
        for r in self
            .every_reservation(caller, server, scope_id, query)
            .await?
        {
            push_line(
                &mut out,
                &[
                    scope_id.to_string(),
                    r.ip_address.to_string(),
                    r.name.clone(),
                    r.client_id.to_string(),
                    r.description.clone(),
                    r.kind.to_string(),
                    r.client_id.kind().to_string(),
                ],
            );
        }
        Ok(out)
    }

    /// A scope's reservations as Windows PowerShell 5.1's `Export-Csv` writes them, for
    /// `Import-Csv r.csv | Add-DhcpServerv4Reservation -ComputerName …` on a Windows server:
    /// UTF-8 with a byte order mark (which 5.1's `Import-Csv` reads as UTF-8, where it would
    /// read a file without one in the system's code page), every field quoted, CRLF, and only
    /// the columns the cmdlet takes (`ScopeId,IPAddress,Name,ClientId,Description,Type`), each
    /// value as it is (the file is for the cmdlet, not a spreadsheet: nothing is defused).
    /// Windows reserves by MAC address only: a reservation by another identifier is left out,
    /// and counted in the second value.
    pub async fn export_reservations_for_windows(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        query: &ReservationQuery,
    ) -> Result<(String, usize), ServiceError> {
        let quoted = |cells: &[String]| {
            let cells: Vec<String> = cells
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect();
            format!("{}\r\n", cells.join(","))
        };
        let mut out = String::from("\u{feff}");
        out.push_str(&quoted(&[
            "ScopeId".into(),
            "IPAddress".into(),
            "Name".into(),
            "ClientId".into(),
            "Description".into(),
            "Type".into(),
        ]));
        let mut left_out = 0;
        for r in self
            .every_reservation(caller, server, scope_id, query)
            .await?
        {
            if r.client_id.kind() != tandem_core::IdentifierType::HwAddress {
                left_out += 1;
                continue;
            }
            out.push_str(&quoted(&[
                scope_id.to_string(),
                r.ip_address.to_string(),
                r.name.clone(),
                r.client_id.to_string(),
                r.description.clone(),
                r.kind.to_string(),
            ]));
        }
        Ok((out, left_out))
    }

    /// Every reservation of a scope the query matches, in its order, page after page.
    async fn every_reservation(
        &self,
        caller: &Caller,
        server: &ServerName,
        scope_id: ScopeId,
        query: &ReservationQuery,
    ) -> Result<Vec<tandem_core::Reservation>, ServiceError> {
        let mut all = Vec::new();
        let mut number = 1;
        loop {
            let q = ReservationQuery {
                page: Page::new(number, MAX_PAGE_SIZE),
                ..query.clone()
            };
            let view = self.list_reservations(caller, server, scope_id, &q).await?;
            let done =
                view.reservations.is_empty() || u64::from(number) >= view.page.count(view.total);
            all.extend(view.reservations);
            if done {
                return Ok(all);
            }
            number += 1;
        }
    }
}

impl Tandem {
    /// A global search's hits as CSV: where each reservation lives, then its columns.
    pub async fn export_search(&self, caller: &Caller, text: &str) -> Result<String, ServiceError> {
        let hits = self.search_reservations(caller, text).await?;
        let mut out = String::from(
            "Server,ScopeId,IPAddress,Name,ClientId,Description,Type,IdentifierType\r\n",
        );
        for h in hits {
            let r = &h.reservation;
            push_line(
                &mut out,
                &[
                    h.server.to_string(),
                    h.scope_id.to_string(),
                    r.ip_address.to_string(),
                    r.name.clone(),
                    r.client_id.to_string(),
                    r.description.clone(),
                    r.kind.to_string(),
                    r.client_id.kind().to_string(),
                ],
            );
        }
        Ok(out)
    }
}
