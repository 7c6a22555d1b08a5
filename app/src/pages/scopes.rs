//! DHCP Scopes: every scope on every server, with Failover Relationship Name, Failover Config
//! Sync Status and drift, and the scope-level actions (replicate, clear sync error).

use crate::api::scopes::{ClearSyncError, ReplicateScope, ScopeRef, SyncErrorRef, list_scopes};
use crate::components::badges::DriftBadge;
use crate::components::notice::{Notice, NoticeBar};
use crate::session::PageContext;
use leptos::prelude::*;
use tandem_core::access::Permission;
use tandem_core::views::{ScopeRow, ScopesView};

#[component]
pub fn ScopesPage() -> impl IntoView {
    let notice = RwSignal::new(None::<Notice>);
    let replicate = ServerAction::<ReplicateScope>::new();
    let clear = ServerAction::<ClearSyncError>::new();
    let ctx = PageContext::get();
    let scopes = Resource::new(
        move || {
            (
                replicate.version().get(),
                clear.version().get(),
                ctx.live.get(),
            )
        },
        |_| list_scopes(),
    );
    Effect::new(move |_| {
        if let Some(result) = replicate.value().get() {
            notice.set(Some(Notice::from_replication(&result)));
        }
    });
    Effect::new(move |_| {
        if let Some(result) = clear.value().get() {
            notice.set(Some(match result {
                Ok(true) => Notice::Done("Config sync error cleared.".into()),
                Ok(false) => Notice::Done("There was no config sync error to clear.".into()),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    view! {
        <h1>"DHCP Scopes"</h1>
        <NoticeBar notice />
        <Transition fallback=|| view! { <p class="muted">"Collecting scopes from every server…"</p> }>
            {move || {
                scopes
                    .get()
                    .map(|result| match result {
                        Ok(view) => view! { <ScopesTable view replicate clear /> }.into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn ScopesTable(
    view: ScopesView,
    replicate: ServerAction<ReplicateScope>,
    clear: ServerAction<ClearSyncError>,
) -> impl IntoView {
    let unreachable = view
        .unreachable
        .into_iter()
        .map(|u| {
            view! {
                <div class="notice notice-failed" data-unreachable=u.server.to_string()>
                    {u.reason}
                </div>
            }
        })
        .collect_view();
    let rows = view
        .rows
        .into_iter()
        .map(|row| view! { <ScopeLine row replicate clear /> })
        .collect_view();
    view! {
        {unreachable}
        <div class="table-wrap">
        <table class="grid scopes">
            <thead>
                <tr>
                    <th>"Server"</th>
                    <th>"Scope ID"</th>
                    <th>"Name"</th>
                    <th>"Range"</th>
                    <th>"Subnet Mask"</th>
                    <th>"State"</th>
                    <th>"Reservations"</th>
                    <th>"Failover Relationship Name"</th>
                    <th>"Failover Config Sync Status"</th>
                    <th>"Drift"</th>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
}

#[component]
fn ScopeLine(
    row: ScopeRow,
    replicate: ServerAction<ReplicateScope>,
    clear: ServerAction<ClearSyncError>,
) -> impl IntoView {
    let server = row.server.to_string();
    let scope_id = row.scope_id.to_string();
    let href = super::reservations_url(&server, &scope_id);
    let target = ScopeRef {
        server: server.clone(),
        scope_id: scope_id.clone(),
    };
    let ctx = PageContext::get();
    let replicate_button = row.partner.clone().filter(|_| ctx.can(Permission::ReplicateScope)).map(|partner| {
        let target = target.clone();
        view! {
            <button
                class="small"
                title=format!("Overwrite {partner}'s copy of this scope with the one on {server}")
                on:click=move |_| {
                    replicate.dispatch(ReplicateScope { target: target.clone() });
                }
                disabled=move || replicate.pending().get()
            >
                "Replicate Scope"
            </button>
        }
    });
    let clear_button = match (&row.relationship, &row.sync_error) {
        (Some(relationship), Some(_)) if ctx.can(Permission::ClearSyncError) => {
            let target = SyncErrorRef {
                relationship: relationship.clone(),
                scope_id: scope_id.clone(),
            };
            Some(view! {
                <button
                    class="small secondary"
                    on:click=move |_| {
                        clear.dispatch(ClearSyncError { target: target.clone() });
                    }
                >
                    "Clear Config Sync Error"
                </button>
            })
        }
        _ => None,
    };
    view! {
        <tr data-server=row.server.to_string() data-scope=scope_id.clone()>
            <td data-label="Server">{row.server.to_string()}</td>
            <td data-label="Scope ID">
                <a href=href.clone()>{scope_id.clone()}</a>
            </td>
            <td data-label="Name">{row.name.clone()}</td>
            <td data-label="Range">{format!("{} – {}", row.range.start(), row.range.end())}</td>
            <td data-label="Subnet Mask">{row.subnet_mask.clone()}</td>
            <td data-label="State">{format!("{:?}", row.state)}</td>
            <td data-label="Reservations" class="reservation-count">{row.reservations}</td>
            <td data-label="Failover Relationship Name">{row.relationship.clone().unwrap_or_default()}</td>
            <td data-label="Failover Config Sync Status" class="sync-status">{row.sync_error.clone().unwrap_or_default()}</td>
            <td data-label="Drift">
                <DriftBadge drift=row.drift.clone() server=row.server.clone() partner=row.partner.clone() />
            </td>
            <td data-label="Actions">
                <div class="actions">
                    <a class="button small secondary" href=href>"Reservations"</a>
                    {replicate_button}
                    {clear_button}
                </div>
            </td>
        </tr>
    }
}
