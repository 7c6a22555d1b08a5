//! Small status badges: drift and Failover Config Sync Status.

use leptos::prelude::*;
use tandem_core::ServerName;
use tandem_core::drift::DriftStatus;

/// The drift indicator of a failover scope: InSync, OutOfSync (with what differs, on hover and
/// below on narrow screens) or Unknown (with the reason). Blank for scopes not in failover.
#[component]
pub fn DriftBadge(
    drift: Option<DriftStatus>,
    server: ServerName,
    partner: Option<ServerName>,
) -> impl IntoView {
    let Some(drift) = drift else {
        return view! { <span class="muted">"—"</span> }.into_any();
    };
    let detail = match &drift {
        DriftStatus::InSync => String::new(),
        DriftStatus::OutOfSync { differences } => differences
            .iter()
            .map(|d| d.describe(&server, partner.as_ref().unwrap_or(&server)))
            .collect::<Vec<_>>()
            .join("; "),
        DriftStatus::Unknown { reason } => reason.clone(),
    };
    let class = format!("badge drift-{}", drift.label().to_lowercase());
    view! {
        <span class="drift">
            <span class=class data-drift=drift.label() title=detail.clone()>
                {drift.label()}
            </span>
            {(!detail.is_empty()).then(|| view! { <span class="drift-detail">{detail}</span> })}
        </span>
    }
    .into_any()
}

/// How full a scope is: the percentage in words and a meter (low under 80 %, high from 90 %),
/// with the counts on hover. A dash until the server has told.
#[component]
pub fn UsageMeter(usage: Option<tandem_core::usage::ScopeUsage>) -> impl IntoView {
    let Some(u) = usage else {
        return view! { <span class="muted" title="not read yet">"—"</span> }.into_any();
    };
    let percent = u.percent_text();
    view! {
        <span class="usage" title=u.summary() data-permille=u.permille().to_string()>
            <meter min="0" max="1000" low="800" high="900" optimum="0" value=u.permille().to_string() aria-hidden="true"></meter>
            " "
            <span class="usage-text">{percent}</span>
        </span>
    }
    .into_any()
}
