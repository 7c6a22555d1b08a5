//! Configuration Review: what the named checks found on each server and on each failover pair
//! as a pair, errors first, each finding linked to its object and said in one sentence; the
//! servers that could not be read; the findings dismissed. The drift watch reviews when
//! anything changed (and every few minutes); "Review now" reads every server at once. A
//! finding is dismissed (or restored) for its object by a role that may change that object.

use crate::api::servers::{DismissFinding, ReviewNow};
use crate::components::native::{NativeDialogs, PostButton};
use crate::components::notice::{Notice, NoticeBar};
use crate::session::PageContext;
use leptos::prelude::*;
use tandem_core::review::{Dismissed, Finding, Review, Severity, dismiss_permission};

#[component]
pub fn ReviewPage() -> impl IntoView {
    let ctx = PageContext::get();
    let now = crate::api::calls::action(crate::api::servers::call_review_now);
    let dismiss = crate::api::calls::action(crate::api::servers::call_dismiss_finding);
    let notice = RwSignal::new(None::<Notice>);
    // What a button posted natively (before the page's code ran, or without it) left.
    let native = NativeDialogs::new("key");
    Effect::new(move |_| {
        if let Some(result) = now.value().get() {
            notice.set(Some(match result {
                Ok(r) => Notice::from_review(&r),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    // Whether the last press dismissed (or restored), for its notice.
    let dismissing = RwSignal::new(true);
    Effect::new(move |_| {
        if let Some(result) = dismiss.value().get() {
            notice.set(Some(match result {
                Ok(()) => Notice::finding(dismissing.get_untracked()),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    let review = Resource::new(
        move || (ctx.live.get(), now.version().get(), dismiss.version().get()),
        |_| crate::api::servers::call_get_review(crate::api::servers::GetReview {}),
    );
    let press_now = Callback::new(move |()| {
        now.dispatch(ReviewNow {});
    });
    let press = Callback::new(move |(key, on): (String, bool)| {
        dismissing.set(on);
        dismiss.dispatch(DismissFinding { key, dismiss: on });
    });
    view! {
        <h1>"Configuration Review"</h1>
        <NoticeBar notice />
        <Transition fallback=|| ()>{native.notice(notice)}</Transition>
        <p class="muted">
            "Each server's scopes and hooks, and each failover pair as a pair: reviewed by the watch whenever anything changes, and every few minutes."
        </p>
        // A div: a form may not sit in a paragraph (the parser would close it, and hydration
        // would not find what the server drew).
        <div class="toolbar">
            <PostButton
                form="review"
                mode="review-now"
                hidden=vec![]
                back="/review".to_string()
                on_press=press_now
                label="Review now"
                class="secondary"
                id="review-now"
                disabled=now.pending()
            />
        </div>
        <Transition fallback=|| view! { <p class="muted">"Reading the last review…"</p> }>
            {move || {
                review
                    .get()
                    .map(|result| match result {
                        Ok(r) => view! { <Findings r ctx press /> }.into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// Where a finding's object is shown: its scope's page, its server's, or the relationships.
fn object_href(f: &Finding) -> String {
    match f.scope_id {
        Some(scope) => crate::pages::reservations_url(f.server.as_str(), &scope.to_string()),
        None if f.object.starts_with("server ") => format!("/servers/{}", f.server),
        None => "/relationships".into(),
    }
}

fn severity_badge(s: Severity) -> impl IntoView {
    let (class, word) = match s {
        Severity::Error => ("badge state-unreachable", "Error"),
        Severity::Warning => ("badge state-communicationinterrupted", "Warning"),
    };
    view! { <span class=class>{word}</span> }
}

/// Dismiss (or Restore) for a finding, where the user's role may change its object.
fn dismiss_button(
    f: &Finding,
    ctx: PageContext,
    on: bool,
    press: Callback<(String, bool)>,
) -> Option<impl IntoView + use<>> {
    let key = f.key();
    ctx.can(dismiss_permission(&f.check)).then(|| {
        let k = key.clone();
        view! {
            <PostButton
                form="review"
                mode=if on { "dismiss" } else { "restore" }
                hidden=vec![("key", key)]
                back="/review".to_string()
                on_press=Callback::new(move |()| press.run((k.clone(), on)))
                label=if on { "Dismiss" } else { "Restore" }
                class="small secondary"
                action=if on { "dismiss" } else { "restore" }
                title=if on {
                    "Leave this finding out of the counts for this object, until it is restored"
                } else {
                    "Count this finding again"
                }
            />
        }
    })
}

#[component]
fn Findings(r: Review, ctx: PageContext, press: Callback<(String, bool)>) -> impl IntoView {
    let (errors, warnings) = r.counts();
    let summary = if r.findings.is_empty() {
        "Nothing found.".to_string()
    } else {
        format!("{errors} error(s), {warnings} warning(s).")
    };
    let reviewed = r.reviewed_at.as_deref().map(|at| {
        view! {
            <small class="muted read-at" id="reviewed-at" title=at.to_string()>
                {format!(" Reviewed {} UTC.", at.get(..19).unwrap_or(at).replace('T', " "))}
            </small>
        }
    });
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
        .iter()
        .map(|f| {
            let href = object_href(f);
            let button = dismiss_button(f, ctx, true, press);
            view! {
                <tr data-check=f.check.clone() data-server=f.server.to_string()>
                    <td data-label="Severity">{severity_badge(f.severity)}</td>
                    <td data-label="Check">{f.check.clone()}</td>
                    <td data-label="Server">{f.server.to_string()}</td>
                    <td data-label="Object"><a href=href>{f.object.clone()}</a></td>
                    <td data-label="Why">{f.explanation.clone()}</td>
                    <td data-label="Actions">{button}</td>
                </tr>
            }
        })
        .collect_view();
    let dismissed = (!r.dismissed.is_empty()).then(|| {
        let rows = r
            .dismissed
            .iter()
            .map(|Dismissed { finding: f, by, at }| {
                let button = dismiss_button(f, ctx, false, press);
                view! {
                    <tr data-check=f.check.clone() data-server=f.server.to_string()>
                        <td data-label="Severity">{severity_badge(f.severity)}</td>
                        <td data-label="Check">{f.check.clone()}</td>
                        <td data-label="Object"><a href=object_href(f)>{format!("{} on {}", f.object, f.server)}</a></td>
                        <td data-label="Dismissed">{format!("by {by}, {}", at.replace('T', " "))}</td>
                        <td data-label="Actions">{button}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2>{format!("Dismissed ({})", r.dismissed.len())}</h2>
            <div class="table-wrap">
                <table class="grid review" id="dismissed">
                    <thead>
                        <tr>
                            <th>"Severity"</th>
                            <th>"Check"</th>
                            <th>"Object"</th>
                            <th>"Dismissed"</th>
                            <th>"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <p role="status"><span id="review-summary">{summary}</span>{reviewed}</p>
        {unreadable}
        <div class="table-wrap">
            <table class="grid review" id="findings">
                <thead>
                    <tr>
                        <th>"Severity"</th>
                        <th>"Check"</th>
                        <th>"Server"</th>
                        <th>"Object"</th>
                        <th>"Why"</th>
                        <th>"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {dismissed}
    }
}
