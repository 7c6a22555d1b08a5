//! Event Catalog: every change made through Tandem, with who, when, what, before and after,
//! and what became of its replication. Filter, and export as CSV.

use crate::api::events::EventQuery;
use crate::session::PageContext;
use leptos::prelude::*;
use tandem_core::views::EventRow;

#[component]
pub fn EventsPage() -> impl IntoView {
    let ctx = PageContext::get();
    // The filters start from the URL: the form is a GET form, so that it filters (and the
    // URL keeps the filters) before the page's code has loaded and without JavaScript.
    let query = leptos_router::hooks::use_query_map();
    let start = query.with_untracked(|q| EventQuery {
        actor: q.get("actor").unwrap_or_default(),
        action: q.get("action").unwrap_or_default(),
        object: q.get("object").unwrap_or_default(),
        from: q.get("from").unwrap_or_default(),
        to: q.get("to").unwrap_or_default(),
    });
    let actor = RwSignal::new(start.actor.clone());
    let action = RwSignal::new(start.action.clone());
    let object = RwSignal::new(start.object.clone());
    let from = RwSignal::new(start.from.clone());
    let to = RwSignal::new(start.to.clone());
    let applied = RwSignal::new(start);
    let events = Resource::new(
        move || (applied.get(), ctx.live.get()),
        |(query, _)| {
            crate::api::events::call_search_events(crate::api::events::SearchEvents { query })
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        applied.set(EventQuery {
            actor: actor.get(),
            action: action.get(),
            object: object.get(),
            from: from.get(),
            to: to.get(),
        });
    };
    let input = move |id: &'static str,
                      name: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      hint: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input
                    id=id
                    name=name
                    placeholder=hint
                    value=value.get_untracked()
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <h1>"Event Catalog"</h1>
        <form class="filters" method="get" action="/events" on:submit=on_submit>
            {input("filter-actor", "actor", "User", actor, "admin")}
            {input("filter-action", "action", "Action", action, "create_reservation")}
            {input("filter-object", "object", "Object contains", object, "10.0.0.100")}
            {input("filter-from", "from", "From", from, "2026-01-01")}
            {input("filter-to", "to", "To", to, "2026-12-31T23:59")}
            <div class="actions">
                <button type="submit">"Filter"</button>
                <a
                    class="button secondary"
                    id="export-csv"
                    href=move || format!("/events.csv?{}", applied.get().to_query_string())
                >
                    "Export CSV"
                </a>
            </div>
        </form>
        <Transition fallback=|| view! { <p class="muted">"Reading the catalog…"</p> }>
            {move || {
                events
                    .get()
                    .map(|result| match result {
                        Ok(rows) => view! { <EventsTable rows /> }.into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn EventsTable(rows: Vec<EventRow>) -> impl IntoView {
    let lines = rows
        .into_iter()
        .map(|e| {
            let outcome_class = if e.outcome == "ok" { "ok" } else { "not-ok" };
            let action = e.action.clone();
            view! {
                <tr data-event=e.id data-action=action>
                    <td data-label="When">{e.at.replace('T', " ")}</td>
                    <td data-label="User">{e.actor}</td>
                    <td data-label="Action">{e.action}</td>
                    <td data-label="Object">{e.object}</td>
                    <td data-label="Server">{e.server.unwrap_or_default()}</td>
                    <td data-label="Outcome" class=outcome_class>{e.outcome}</td>
                    <td data-label="Replication">{e.replication.unwrap_or_default()}</td>
                    <td data-label="Before" class="json">{e.before.unwrap_or_default()}</td>
                    <td data-label="After" class="json">{e.after.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="grid events">
                <thead>
                    <tr>
                        <th>"When"</th>
                        <th>"User"</th>
                        <th>"Action"</th>
                        <th>"Object"</th>
                        <th>"Server"</th>
                        <th>"Outcome"</th>
                        <th>"Replication"</th>
                        <th>"Before"</th>
                        <th>"After"</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </div>
    }
}
