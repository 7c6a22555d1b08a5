//! Find a lease: by IP address, MAC address or host name, on every server the user may see,
//! asked now (each server within a bound): the lease's state, expiry, and which partner holds
//! it. The query is in the URL (`/leases?q=…`), so the page works without JavaScript. For the
//! roles that may, each lease can be deleted (on both partners) or reserved (the Create DHCP
//! Reservation dialog of its scope, filled from it): plain forms, posted natively.

use crate::components::native::NativeDialogs;
use crate::components::notice::{Notice, NoticeBar};
use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use tandem_core::access::Permission;
use tandem_core::usage::{LeaseHit, LeaseSearch};

#[component]
pub fn LeasesPage() -> impl IntoView {
    let ctx = PageContext::get();
    let query = use_query_map();
    let text = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let notice = RwSignal::new(None::<Notice>);
    // What a lease form posted natively left (its notice, or why it was refused).
    let native = NativeDialogs::new("ip");
    let found = Resource::new(
        move || (text.get(), ctx.live.get()),
        |(text, _)| {
            crate::api::reservations::call_find_leases(crate::api::reservations::FindLeases {
                text,
            })
        },
    );
    view! {
        <h1>"Find a lease"</h1>
        <NoticeBar notice />
        <Transition fallback=|| ()>{native.notice(notice)}</Transition>
        <Form method="GET" action="/leases">
            <div class="filters" role="search">
                <input
                    id="lease-text"
                    type="search"
                    name="q"
                    placeholder="10.0.0.10, aa-bb-cc-dd-ee-ff or pc1.example.com"
                    aria-label="IP address, MAC address or host name"
                    aria-describedby="lease-hint"
                    value=move || text.get()
                />
                <button type="submit">"Search"</button>
            </div>
        </Form>
        <p class="muted" id="lease-hint">
            "An exact address, MAC address or host name, asked of every server now (both partners of a pair usually hold a lease)."
        </p>
        <Transition fallback=|| view! { <p class="muted">"Asking every server…"</p> }>
            {move || {
                found
                    .get()
                    .map(|result| match result {
                        Ok(None) => ().into_any(),
                        Ok(Some(found)) => {
                            let can = Can {
                                delete: ctx.can(Permission::EditScopes),
                                reserve: ctx.can(Permission::EditReservations),
                            };
                            view! { <Found found can back=native.back() /> }.into_any()
                        }
                        Err(e) => {
                            view! { <p class="notice notice-failed" id="lease-error" role="alert">{e.to_string()}</p> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

/// What the user may do with a lease.
#[derive(Clone, Copy)]
struct Can {
    delete: bool,
    reserve: bool,
}

#[component]
fn Found(found: LeaseSearch, can: Can, back: String) -> impl IntoView {
    let unanswered = found
        .unanswered
        .iter()
        .map(|u| {
            view! {
                <div class="notice notice-failed" data-unanswered=u.server.to_string()>
                    {format!("{} was not searched: {}.", u.server, u.reason)}
                </div>
            }
        })
        .collect_view();
    let summary = match found.leases.len() {
        0 => format!(
            "No lease for {} on the {} server(s) searched.",
            found.query, found.searched
        ),
        n => format!(
            "{n} lease(s) for {} on the {} server(s) searched.",
            found.query, found.searched
        ),
    };
    let rows = found
        .leases
        .into_iter()
        .map(|l| {
            let actions = actions(&l, can, &back);
            let scope = l.scope_id.map(|s| {
                let href = super::reservations_url(l.server.as_str(), &s.to_string());
                view! { <a href=href>{s.to_string()}</a> }
            });
            let state = l.state.label();
            view! {
                <tr data-ip=l.ip_address.to_string() data-server=l.server.to_string()>
                    <td data-label="IPAddress">{l.ip_address.to_string()}</td>
                    <td data-label="MAC address">{l.mac}</td>
                    <td data-label="Host name">{l.hostname}</td>
                    <td data-label="State">
                        <span class=format!("badge lease-{state}") data-state=state>{state}</span>
                    </td>
                    <td data-label="Expires">{l.expires.replace('T', " ")}</td>
                    <td data-label="Server">{l.server.to_string()}</td>
                    <td data-label="Scope">{scope}</td>
                    <td data-label="Actions" class="actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {unanswered}
        <p id="lease-summary" role="status">{summary}</p>
        <div class="table-wrap">
            <table class="grid leases">
                <thead>
                    <tr>
                        <th>"IPAddress"</th>
                        <th>"MAC address"</th>
                        <th>"Host name"</th>
                        <th>"State"</th>
                        <th>"Expires"</th>
                        <th>"Server"</th>
                        <th>"Scope"</th>
                        <th>"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Reserve and Delete for one lease, as forms posted natively (`POST /forms/lease`); Delete
/// asks first, in a disclosure that needs no script.
fn actions(l: &LeaseHit, can: Can, back: &str) -> Option<impl IntoView + use<>> {
    let scope = l.scope_id?.to_string();
    let (server, ip) = (l.server.to_string(), l.ip_address.to_string());
    let hidden = |mode: &'static str| {
        view! {
            <input type="hidden" name="mode" value=mode />
            <input type="hidden" name="server" value=server.clone() />
            <input type="hidden" name="scope_id" value=scope.clone() />
            <input type="hidden" name="ip_address" value=ip.clone() />
            <input type="hidden" name="back" value=back.to_string() />
        }
    };
    let reserve = can.reserve.then(|| {
        view! {
            <form class="inline" method="post" action="/forms/lease">
                {hidden("reserve")}
                <input type="hidden" name="mac" value=l.mac.clone() />
                <input type="hidden" name="hostname" value=l.hostname.clone() />
                <button
                    type="submit"
                    class="small secondary"
                    data-action="reserve"
                    title=format!("Open Create DHCP Reservation for {ip} in scope {scope}, filled from this lease")
                >
                    "Reserve…"
                </button>
            </form>
        }
    });
    let delete = can.delete.then(|| {
        view! {
            <details class="confirm-inline">
                <summary class="button small danger" data-action="delete-lease">
                    "Delete…"
                </summary>
                <form class="inline" method="post" action="/forms/lease">
                    {hidden("delete")}
                    <p>
                        {format!(
                            "Delete the lease of {ip} on this server and on its partner? A client still using the address may keep it until it asks again: delete stale leases.",
                        )}
                    </p>
                    <button type="submit" class="small danger" data-action="confirm-delete-lease">
                        "Delete lease"
                    </button>
                </form>
            </details>
        }
    });
    (can.reserve || can.delete).then(|| view! { <div class="row-actions">{reserve} {delete}</div> })
}

/// Clear leases, on Scope Properties (server-rendered with the scope's facts): every lease of
/// the scope, on its server and its partner, once the scope's ID is typed again.
#[cfg(feature = "ssr")]
pub(crate) fn clear_form(server: &str, scope_id: &str) -> impl IntoView + use<> {
    let back = super::reservations_url(server, scope_id);
    view! {
        <details class="confirm-inline" id="clear-leases">
            <summary class="button small danger" data-action="clear-leases">
                "Clear leases…"
            </summary>
            <form method="post" action="/forms/lease">
                <input type="hidden" name="mode" value="clear" />
                <input type="hidden" name="server" value=server.to_string() />
                <input type="hidden" name="scope_id" value=scope_id.to_string() />
                <input type="hidden" name="back" value=back />
                <p>
                    {format!(
                        "Deletes every lease of scope {scope_id} on {server} and on its partner. Clients keep their addresses until they ask again, and may be given other ones.",
                    )}
                </p>
                <label>
                    <span>{format!("Type {scope_id} to confirm")}</span>
                    <input
                        name="confirm"
                        id="clear-leases-confirm"
                        autocomplete="off"
                        required
                    />
                </label>
                <button type="submit" class="small danger" data-action="confirm-clear-leases">
                    "Clear leases"
                </button>
            </form>
        </details>
    }
}
