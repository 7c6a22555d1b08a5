//! What every list view shares: its state read from the URL (so a link or a reload shows the
//! same page), sortable column headers and the pager. Each is a link, so the views work before
//! the WASM has loaded too.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tandem_core::views::{Page, QueryState};

/// The view's state, as the URL's query string holds it.
pub fn use_query_state<Q>() -> Memo<Q>
where
    Q: QueryState + Clone + PartialEq + Send + Sync + 'static,
{
    let map = use_query_map();
    Memo::new(move |_| map.with(|m| Q::from_pairs(m.into_iter().map(|(k, v)| (k.as_ref(), v)))))
}

/// The URL of `path` with `state` changed by `change`.
pub fn href<Q: QueryState + Clone>(path: &str, state: &Q, change: impl FnOnce(&mut Q)) -> String {
    let mut next = state.clone();
    change(&mut next);
    format!("{path}{}", next.to_query_string())
}

/// A column header that orders the list by its column: ascending first, then descending.
/// `current` is whether the list is ordered by this column now, and `descending` how.
#[component]
pub fn SortHeader(
    label: &'static str,
    href: String,
    current: bool,
    descending: bool,
) -> impl IntoView {
    let arrow = match (current, descending) {
        (true, false) => " ▲",
        (true, true) => " ▼",
        _ => "",
    };
    let aria = match (current, descending) {
        (true, false) => "ascending",
        (true, true) => "descending",
        _ => "none",
    };
    view! {
        <th aria-sort=aria>
            <a class="sort" href=href>{label}{arrow}</a>
        </th>
    }
}

/// "Rows a–b of n", with links to the first, previous, next and last pages.
/// `link` gives the URL of a page number.
#[component]
pub fn Pager(total: u64, page: Page, link: Callback<u32, String>) -> impl IntoView {
    let pages = page.count(total) as u32;
    let first_row = if total == 0 { 0 } else { page.offset() + 1 };
    let last_row = (page.offset() + page.limit()).min(total);
    let at = page.number.min(pages);
    let go = move |n: u32, label: &'static str, rel: &'static str, enabled: bool| {
        if enabled {
            view! { <a class="button small secondary" rel=rel href=link.run(n)>{label}</a> }
                .into_any()
        } else {
            view! { <span class="button small secondary disabled" aria-disabled="true">{label}</span> }
                .into_any()
        }
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="pager-count" data-total=total>
                {format!("{first_row}–{last_row} of {total}")}
            </span>
            {go(1, "« First", "first", at > 1)}
            {go(at.saturating_sub(1).max(1), "‹ Previous", "prev", at > 1)}
            <span class="pager-page">{format!("Page {at} of {pages}")}</span>
            {go(at + 1, "Next ›", "next", at < pages)}
            {go(pages, "Last »", "last", at < pages)}
        </nav>
    }
}
