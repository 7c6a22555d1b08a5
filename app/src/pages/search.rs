//! The global search: a reservation by IP address, MAC address or name, across every scope on
//! every server the user may see. The query is in the URL (`/search?q=…`).

use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use tandem_core::views::SEARCH_LIMIT;

#[component]
pub fn SearchPage() -> impl IntoView {
    let ctx = PageContext::get();
    let query = use_query_map();
    let text = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let hits = Resource::new(
        move || (text.get(), ctx.live.get()),
        |(text, _)| {
            crate::api::reservations::call_search_reservations(
                crate::api::reservations::SearchReservations { text },
            )
        },
    );
    view! {
        <h1>"Find a reservation"</h1>
        <Form method="GET" action="/search">
            <div class="filters" role="search">
                <input
                    id="search-text"
                    type="search"
                    name="q"
                    placeholder="10.0.0.99, aa-bb-cc-dd-ee-ff or a name"
                    aria-label="IP, MAC or name"
                    value=move || text.get()
                />
                <button type="submit">"Search"</button>
            </div>
        </Form>
        <p class="muted">"Matches an address, a MAC address or a name by its beginning, in every scope."</p>
        <Transition fallback=|| view! { <p class="muted">"Searching…"</p> }>
            {move || {
                hits.get()
                    .map(|result| match result {
                        Ok(hits) if hits.is_empty() && !text.get().trim().is_empty() => {
                            view! { <p id="no-hits">"No reservation matches."</p> }.into_any()
                        }
                        Ok(hits) => {
                            let export = (!hits.is_empty()).then(|| {
                                let href = format!(
                                    "/api/v1/search.csv?q={}",
                                    tandem_core::text::percent_encode(&text.get(), ""),
                                );
                                view! {
                                    <p class="toolbar">
                                        <a id="export-search" class="button secondary" href=href>"Export CSV"</a>
                                    </p>
                                }
                            });
                            let more = (hits.len() as u32 >= SEARCH_LIMIT).then(|| {
                                view! { <p class="muted">{format!("The first {SEARCH_LIMIT} matches; type more to narrow them.")}</p> }
                            });
                            let rows = hits
                                .into_iter()
                                .map(|h| {
                                    let href = super::reservations_url(h.server.as_str(), &h.scope_id.to_string());
                                    let r = h.reservation;
                                    view! {
                                        <tr data-ip=r.ip_address.to_string() data-server=h.server.to_string()>
                                            <td data-label="IPAddress">{r.ip_address.to_string()}</td>
                                            <td data-label="ClientId">{r.client_id.described()}</td>
                                            <td data-label="Name">{r.name}</td>
                                            <td data-label="Server">{h.server.to_string()}</td>
                                            <td data-label="Scope"><a href=href>{h.scope_id.to_string()}</a></td>
                                            <td data-label="Type">{r.kind.to_string()}</td>
                                            <td data-label="Description">{r.description}</td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                {export}
                                <div class="table-wrap">
                                <table class="grid hits">
                                    <thead>
                                        <tr>
                                            <th>"IPAddress"</th>
                                            <th>"ClientId"</th>
                                            <th>"Name"</th>
                                            <th>"Server"</th>
                                            <th>"Scope"</th>
                                            <th>"Type"</th>
                                            <th>"Description"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                                </div>
                                {more}
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}
