//! Find a lease: by IP address, MAC address or host name, on every server the user may see,
//! asked now (each server within a bound): the lease's state, expiry, and which partner holds
//! it. The query is in the URL (`/leases?q=…`), so the page works without JavaScript.

use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use tandem_core::usage::LeaseSearch;

#[component]
pub fn LeasesPage() -> impl IntoView {
    let ctx = PageContext::get();
    let query = use_query_map();
    let text = Memo::new(move |_| query.read().get("q").unwrap_or_default());
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
                        Ok(Some(found)) => view! { <Found found /> }.into_any(),
                        Err(e) => {
                            view! { <p class="notice notice-failed" id="lease-error" role="alert">{e.to_string()}</p> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
fn Found(found: LeaseSearch) -> impl IntoView {
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
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
