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
