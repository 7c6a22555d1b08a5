//! Event Catalog: every change made through Tandem, with who, when, what, before and after,
//! and what became of its replication. Filter, export as CSV, and undo a change (a
//! reservation created, edited or deleted, a scope edit, a scope replication).

use crate::api::calls::Call;
use crate::api::events::{EventQuery, UndoEvent};
use crate::components::native::{ConfirmDialog, NativeDialogs};
use crate::components::notice::{Notice, NoticeBar};
use crate::session::PageContext;
use leptos::prelude::*;
use tandem_core::views::{EventRow, undo_permission};

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
    let undo = crate::api::calls::action(crate::api::events::call_undo_event);
    let notice = RwSignal::new(None::<Notice>);
    // `?dialog=undo&id=…` (the Undo link before the page's code runs), and what its form left.
    let native = NativeDialogs::new("id");
    Effect::new(move |_| {
        if let Some(result) = undo.value().get() {
            native.dismiss();
            notice.set(Some(match result {
                Ok(outcome) => Notice::from_change("Undone", &outcome),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    let events = Resource::new(
        move || (applied.get(), ctx.live.get(), undo.version().get()),
        |(query, ..)| {
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
        <NoticeBar notice />
        <Transition fallback=|| ()>
            {native.notice(notice)}
            {move || {
                let (dialog, id) = native.asked()?;
                let id = id?.parse::<i64>().ok()?;
                (dialog == "undo").then(|| {
                    view! {
                        <ConfirmDialog
                            form="event"
                            mode="undo"
                            hidden=vec![("id", id.to_string())]
                            title="Undo"
                            question=undo_question(id)
                            flash=native.flash("event")
                            back=native.back()
                            cancel_href=native.cancel_href()
                            on_close=Callback::new(move |()| native.dismiss())
                        />
                    }
                })
            }}
        </Transition>
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
                        Ok(rows) => view! { <EventsTable rows ctx undo native /> }.into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// What the Undo confirmation asks.
fn undo_question(id: i64) -> String {
    format!(
        "Undo event {id}? Its inverse is applied (to both partners, or for a replication to the partner it wrote) and recorded as an event of its own; if the object has changed since, nothing is done."
    )
}

#[component]
fn EventsTable(
    rows: Vec<EventRow>,
    ctx: PageContext,
    undo: Call<UndoEvent>,
    native: NativeDialogs,
) -> impl IntoView {
    let lines = rows
        .into_iter()
        .map(|e| {
            let outcome_class = if e.outcome == "ok" { "ok" } else { "not-ok" };
            let action = e.action.clone();
            let id = e.id;
            // Offered where the user's role may make the inverse change.
            let may = undo_permission(&e.action).is_some_and(|p| ctx.can(p));
            let undo_link = (may && e.undoable()).then(|| {
                view! {
                    <a
                        class="button small secondary"
                        role="button"
                        data-undo=id
                        href=native.href("undo", Some(&id.to_string()))
                        on:click=move |ev| {
                            ev.prevent_default();
                            if window().confirm_with_message(&undo_question(id)).unwrap_or(false) {
                                undo.dispatch(UndoEvent { id });
                            }
                        }
                    >
                        "Undo…"
                    </a>
                }
            });
            let undoes = e.undoes.map(|n| view! { <small class="muted" data-undoes=n>{format!(" undoes event {n}")}</small> });
            let undone = e.undone_by.map(|n| view! { <small class="muted" data-undone-by=n>{format!(" undone by event {n}")}</small> });
            view! {
                <tr data-event=e.id data-action=action>
                    <td data-label="When">{e.at.replace('T', " ")}</td>
                    <td data-label="User">{e.actor}</td>
                    <td data-label="Action">{e.action}{undoes}{undone}</td>
                    <td data-label="Object">{e.object}</td>
                    <td data-label="Server">{e.server.unwrap_or_default()}</td>
                    <td data-label="Outcome" class=outcome_class>{e.outcome}</td>
                    <td data-label="Replication">{e.replication.unwrap_or_default()}</td>
                    <td data-label="Before" class="json">{e.before.unwrap_or_default()}</td>
                    <td data-label="After" class="json">{e.after.unwrap_or_default()}</td>
                    <td data-label="Undo">{undo_link}</td>
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
                        <th>"Undo"</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </div>
    }
}
