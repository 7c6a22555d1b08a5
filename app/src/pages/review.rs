//! Configuration Review: what the named checks find on each server and on each failover pair
//! as a pair, errors first, each finding linked to its object and said in one sentence; and
//! the servers that could not be read. Read now, on each visit.

use crate::session::PageContext;
use leptos::prelude::*;
use tandem_core::review::{Finding, Review, Severity};

#[component]
pub fn ReviewPage() -> impl IntoView {
    let ctx = PageContext::get();
    let review = Resource::new(
        move || ctx.live.get(),
        |_| crate::api::servers::call_get_review(crate::api::servers::GetReview {}),
    );
    view! {
        <h1>"Configuration Review"</h1>
        <p class="muted">
            "Each server's scopes, and each failover pair as a pair, read now and checked."
        </p>
        <Transition fallback=|| view! { <p class="muted">"Reading every server…"</p> }>
            {move || {
                review
                    .get()
                    .map(|result| match result {
                        Ok(r) => view! { <Findings r /> }.into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// Where a finding's object is shown: its scope's page, or the relationships.
fn object_href(f: &Finding) -> String {
    match f.scope_id {
        Some(scope) => crate::pages::reservations_url(f.server.as_str(), &scope.to_string()),
        None => "/relationships".into(),
    }
}

#[component]
fn Findings(r: Review) -> impl IntoView {
    let errors = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = r.findings.len() - errors;
    let summary = if r.findings.is_empty() {
        "Nothing found.".to_string()
    } else {
        format!("{errors} error(s), {warnings} warning(s).")
    };
    let unreadable = (!r.unreadable.is_empty()).then(|| {
        let items = r
            .unreadable
            .iter()
            .map(|u| {
                view! {
                    <li data-unreadable=u.server.to_string()>
                        {format!("{} could not be read, so it and its pairs are not checked: {}", u.server, u.reason)}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="plain notice notice-failed" id="unreadable">{items}</ul> }
    });
    let rows = r
        .findings
        .into_iter()
        .map(|f| {
            let (class, severity) = match f.severity {
                Severity::Error => ("badge state-unreachable", "Error"),
                Severity::Warning => ("badge state-communicationinterrupted", "Warning"),
            };
            let href = object_href(&f);
            view! {
                <tr data-check=f.check.clone() data-server=f.server.to_string()>
                    <td data-label="Severity"><span class=class>{severity}</span></td>
                    <td data-label="Check">{f.check.clone()}</td>
                    <td data-label="Server">{f.server.to_string()}</td>
                    <td data-label="Object"><a href=href>{f.object.clone()}</a></td>
                    <td data-label="Why">{f.explanation.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p id="review-summary" role="status">{summary}</p>
        {unreadable}
        <div class="table-wrap">
            <table class="grid review">
                <thead>
                    <tr>
                        <th>"Severity"</th>
                        <th>"Check"</th>
                        <th>"Server"</th>
                        <th>"Object"</th>
                        <th>"Why"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
