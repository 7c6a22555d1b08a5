//! Dashboard: the health of every pair at a glance, made for a phone as much as a desk.

use crate::components::badges::UsageMeter;
use crate::session::PageContext;
use leptos::prelude::*;
use tandem_core::views::{Dashboard, ServerStatus, read_at_label};

/// The older of two read times (RFC 3339 text orders as time does).
fn oldest<'a>(a: Option<&'a str>, b: Option<&'a str>) -> Option<&'a str> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let ctx = PageContext::get();
    let data = Resource::new(
        move || ctx.live.get(),
        |_| crate::api::servers::call_get_dashboard(crate::api::servers::GetDashboard {}),
    );
    view! {
        <h1>"Dashboard"</h1>
        <Transition fallback=|| view! { <p class="muted">"Asking every server…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok(d) => view! { <Tiles d /> }.into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
        <p><a id="review-link" href="/review">"Configuration review: each server and each failover pair checked"</a></p>
    }
}

#[component]
fn Tiles(d: Dashboard) -> impl IntoView {
    let tile =
        |id: &'static str, label: &'static str, count: usize, bad: bool, href: &'static str| {
            let class = if bad { "tile tile-bad" } else { "tile tile-ok" };
            view! {
                <a class=class href=href id=id>
                    <span class="count">{count}</span>
                    <span class="label">{label}</span>
                </a>
            }
        };
    let not_normal = d
        .relationships_by_state
        .iter()
        .filter(|(s, _)| s != "Normal")
        .map(|(_, n)| n)
        .sum::<usize>();
    let states = d
        .relationships_by_state
        .iter()
        .map(|(state, n)| {
            view! {
                <li data-state=state.clone()>
                    <span class=format!("badge state-{}", state.to_lowercase())>{state.clone()}</span>
                    " "
                    {*n}
                </li>
            }
        })
        .collect_view();
    let shown = d.relationships.len();
    let relationships = d
        .relationships
        .iter()
        .map(|r| {
            let word = |s: &ServerStatus| match s {
                ServerStatus::State { state, .. } => state.to_string(),
                ServerStatus::Unreachable { .. } => "Unreachable".into(),
            };
            view! {
                <li data-relationship=r.relationship.name.clone()>
                    <a href=format!(
                        "/relationships?name={}",
                        tandem_core::text::percent_encode(&r.relationship.name, ""),
                    )>{r.relationship.name.clone()}</a>
                    <span class="muted">
                        {format!(" {} / {}", word(&r.primary_status), word(&r.secondary_status))}
                    </span>
                    " "
                    <small class="muted read-at" title=oldest(r.primary_read_at.as_deref(), r.secondary_read_at.as_deref()).unwrap_or_default().to_string()>
                        {read_at_label(oldest(r.primary_read_at.as_deref(), r.secondary_read_at.as_deref()))}
                    </small>
                </li>
            }
        })
        .collect_view();
    let problems = d
        .unreachable_servers
        .iter()
        .map(|u| view! { <li><a href=format!("/servers/{}", u.server)>{u.reason.clone()}</a></li> })
        .chain(d.out_of_sync.iter().map(|r| {
            view! {
                <li>
                    <a href=format!("/servers/{}/scopes/{}", r.server, r.scope_id)>
                        {format!("{} on {}: {}", r.scope_id, r.server, r.drift.as_ref().map(|d| d.label()).unwrap_or(""))}
                    </a>
                </li>
            }
        }))
        .chain(d.sync_errors.iter().map(|r| {
            view! {
                <li>
                    <a href=format!("/servers/{}/scopes/{}", r.server, r.scope_id)>
                        {format!("{} on {}: {}", r.scope_id, r.server, r.sync_error.clone().unwrap_or_default())}
                    </a>
                </li>
            }
        }))
        .collect_view();
    let fullest = d
        .fullest
        .iter()
        .map(|r| {
            view! {
                <li data-server=r.server.to_string() data-scope=r.scope_id.to_string()>
                    <a href=format!("/servers/{}/scopes/{}", r.server, r.scope_id)>
                        {format!("{} on {}", r.scope_id, r.server)}
                    </a>
                    " "
                    <UsageMeter usage=r.usage />
                </li>
            }
        })
        .collect_view();
    let (review_errors, review_warnings) = d.review.unwrap_or_default();
    let findings = review_errors + review_warnings;
    let none_read = d.fullest.is_empty().then(|| {
        view! { <p class="muted">"No scope's figures have been read yet."</p> }
    });
    view! {
        <div class="tiles">
            {tile("tile-unreachable", "unreachable servers", d.unreachable_servers.len(), !d.unreachable_servers.is_empty(), "/servers?status=unreachable")}
            {tile("tile-not-normal", "relationships not Normal", not_normal, not_normal > 0, "/relationships?filter=not-normal")}
            {tile("tile-out-of-sync", "failover scopes not InSync", d.out_of_sync_total, d.out_of_sync_total > 0, "/scopes?sync=drift")}
            {tile("tile-sync-errors", "config sync errors", d.sync_errors_total, d.sync_errors_total > 0, "/scopes?sync=sync-error")}
            {tile("tile-review", "configuration findings", findings, review_errors > 0, "/review")}
        </div>
        <section class="panel">
            <h2>"Relationships by state"</h2>
            <ul class="plain">{states}</ul>
            <ul class="plain" id="not-normal">{relationships}</ul>
            {(not_normal > shown)
                .then(|| {
                    view! {
                        <p>
                            <a href="/relationships?filter=not-normal">
                                {format!("All {not_normal} relationships not Normal")}
                            </a>
                        </p>
                    }
                })}
        </section>
        <section class="panel">
            <h2>"Needs attention"</h2>
            <ul class="plain" id="problems">{problems}</ul>
            <p class="muted">{format!("{} servers, {} failover scopes.", d.servers, d.failover_scopes)}</p>
        </section>
        <section class="panel">
            <h2>"Fullest scopes"</h2>
            <ol class="plain" id="fullest">{fullest}</ol>
            {none_read}
            <p><a href="/scopes?sort=usage&order=desc">"Every scope by how full it is"</a></p>
        </section>
    }
}
