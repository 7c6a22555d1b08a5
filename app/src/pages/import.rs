//! Import Reservations: a CSV as `Import-Csv | Add-DhcpServerv4Reservation` reads it, previewed
//! row by row (will add, will change, unchanged, refused with the reason), then applied to the
//! server and its failover partner. Both steps are native form posts (the file cannot travel
//! any other way without the page's code), so they work before it has loaded and without it.

use crate::api::imports::{DraftView, SHOWN, import_draft};
use crate::api::servers::list_servers;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tandem_core::import::ImportRow;
use tandem_core::views::{MAX_PAGE_SIZE, Page, ServerQuery};

const FILTERS: [(&str, &str); 6] = [
    ("all", "All"),
    ("add", "Will add"),
    ("change", "Will change"),
    ("unchanged", "Unchanged"),
    ("refused", "Refused"),
    ("failed", "Failed"),
];

#[component]
pub fn ImportPage() -> impl IntoView {
    let query = use_query_map();
    let draft_id = Memo::new(move |_| query.with(|q| q.get("draft")));
    let filter =
        Memo::new(move |_| query.with(|q| q.get("show").unwrap_or_else(|| "all".to_string())));
    let chosen = Memo::new(move |_| query.with(|q| q.get("server").unwrap_or_default()));
    let servers = Resource::new(
        || (),
        |_| {
            list_servers(ServerQuery {
                page: Page::new(1, MAX_PAGE_SIZE),
                ..ServerQuery::default()
            })
        },
    );
    let draft = Resource::new(
        move || (draft_id.get(), filter.get()),
        |(id, filter)| async move {
            match id {
                Some(id) => Some(import_draft(id, filter).await),
                None => None,
            }
        },
    );
    view! {
        <h1>"Import Reservations"</h1>
        <p class="muted import-intro">
            "A CSV file as " <code>"Import-Csv | Add-DhcpServerv4Reservation"</code> " reads it: "
            <code>"ScopeId,IPAddress,Name,ClientId,Description"</code> ", " <code>"Type"</code>
            " optional, header names in any case, the MAC with dashes, colons, dots or nothing. "
            "First a preview; nothing is written until you apply it. Changes to a failover scope "
            "reach both partners. At most 20 000 rows (2 MiB), saved as CSV UTF-8."
        </p>
        <Transition fallback=|| view! { <p class="muted">"Reading servers…"</p> }>
            {move || {
                let names: Vec<String> = servers
                    .get()
                    .and_then(Result::ok)
                    .map(|p| p.rows.into_iter().map(|r| r.name.to_string()).collect())
                    .unwrap_or_default();
                let picked = draft
                    .get()
                    .flatten()
                    .and_then(Result::ok)
                    .map(|d| d.server)
                    .unwrap_or_else(|| chosen.get());
                let options = names
                    .into_iter()
                    .map(|n| {
                        let selected = n == picked;
                        view! { <option value=n.clone() selected=selected>{n.clone()}</option> }
                    })
                    .collect_view();
                view! {
                    <form
                        class="import-form"
                        method="post"
                        action="/import-file"
                        enctype="multipart/form-data"
                    >
                        <input type="hidden" name="mode" value="preview" />
                        <div class="form-grid">
                            <label for="import-server">"Server"</label>
                            <select id="import-server" name="server" required>{options}</select>
                            <label for="import-file">"CSV file"</label>
                            <input id="import-file" type="file" name="file" accept=".csv,text/csv" required />
                        </div>
                        <button type="submit" id="preview-import">"Preview"</button>
                    </form>
                }
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                draft
                    .get()
                    .flatten()
                    .map(|result| match result {
                        Ok(d) => draft_view(d, filter.get()).into_any(),
                        Err(e) => {
                            view! { <p class="notice notice-failed" id="import-error">{e.to_string()}</p> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

fn draft_view(d: DraftView, filter: String) -> impl IntoView {
    if let Some(error) = d.error.clone() {
        return view! {
            <p class="notice notice-failed" id="import-error" role="alert">
                {format!("{}: {error}", d.file_name)}
            </p>
        }
        .into_any();
    }
    let c = d.counts;
    let summary = if d.applied {
        format!(
            "Applied {} to {}: {} added, {} changed, {} unchanged, {} refused, {} failed.",
            d.file_name, d.server, c.add, c.change, c.unchanged, c.refused, c.failed
        )
    } else {
        format!(
            "Preview of {} for {} (nothing written yet): {} will add, {} will change, {} unchanged, {} refused.",
            d.file_name, d.server, c.add, c.change, c.unchanged, c.refused
        )
    };
    let to_do = c.add + c.change;
    let apply = (!d.applied && to_do > 0).then(|| {
        view! {
            <form class="import-apply" method="post" action="/import-file" enctype="multipart/form-data">
                <input type="hidden" name="mode" value="apply" />
                <input type="hidden" name="draft" value=d.id.clone() />
                <button type="submit" id="apply-import">
                    {format!("Apply {to_do} change{}", if to_do == 1 { "" } else { "s" })}
                </button>
                <span class="muted">
                    " Planned again against what the server holds when you apply; refused rows change nothing."
                </span>
            </form>
        }
    });
    let links = FILTERS
        .iter()
        .filter(|(word, _)| *word != "failed" || d.applied)
        .map(|(word, label)| {
            let count = match *word {
                "add" => c.add,
                "change" => c.change,
                "unchanged" => c.unchanged,
                "refused" => c.refused,
                "failed" => c.failed,
                _ => c.add + c.change + c.unchanged + c.refused,
            };
            let href = format!("/import?draft={}&show={word}", d.id);
            let current = (*word == filter).then_some("page");
            view! {
                <a href=href aria-current=current class="filter-link" data-filter=*word>
                    {format!("{label} ({count})")}
                </a>
            }
        })
        .collect_view();
    let shown = d.rows.len();
    let more = (d.matching > shown)
        .then(|| view! { <p class="muted">{format!("Showing the first {SHOWN} of {} rows.", d.matching)}</p> });
    let rows = d.rows.into_iter().map(row_view).collect_view();
    view! {
        <section class="import-result" aria-live="polite">
            <p class=if d.applied { "notice notice-done" } else { "notice" } id="import-summary" role="status">
                {summary}
            </p>
            {d.replication.into_iter().map(|r| view! { <p class="muted">{r}</p> }).collect_view()}
            {(!d.ignored_columns.is_empty())
                .then(|| {
                    view! {
                        <p class="muted" id="import-ignored">
                            {format!(
                                "Columns not read (ignored): {}.",
                                d.ignored_columns.join(", "),
                            )}
                        </p>
                    }
                })}
            {apply}
            <p class="toolbar import-filters">{links}</p>
            <div class="table-wrap">
                <table class="grid import-rows">
                    <thead>
                        <tr>
                            <th>"Line"</th>
                            <th>"Action"</th>
                            <th>"ScopeId"</th>
                            <th>"IPAddress"</th>
                            <th>"ClientId"</th>
                            <th>"Name"</th>
                            <th>"Description"</th>
                            <th>"Type"</th>
                            <th>"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {more}
        </section>
    }
    .into_any()
}

fn row_view(r: ImportRow) -> impl IntoView {
    let action = match r.applied {
        Some(true) => "done".to_string(),
        Some(false) => "failed".to_string(),
        None => r.action.label().to_string(),
    };
    let class = format!("import-{}", action.replace(' ', "-"));
    view! {
        <tr data-line=r.line class=class>
            <td data-label="Line">{r.line}</td>
            <td data-label="Action">{action}</td>
            <td data-label="ScopeId">{r.scope_id}</td>
            <td data-label="IPAddress">{r.ip_address}</td>
            <td data-label="ClientId">{r.client_id}</td>
            <td data-label="Name">{r.name}</td>
            <td data-label="Description">{r.description}</td>
            <td data-label="Type">{r.kind}</td>
            <td data-label="Reason">{r.reason.unwrap_or_default()}</td>
        </tr>
    }
}
