//! DHCP Scopes: every scope on every server, with Failover Relationship Name, Failover Config
//! Sync Status and drift, and the scope-level actions: replicate (one, or several chosen),
//! clear sync error, configure failover (into an existing relationship or a new one), remove
//! failover.

use crate::api::calls::action;
use crate::api::forms::Flash;
use crate::api::relationships::{
    AddScopeToRelationship, ConfigureFailoverInput, CreateRelationship, CreateRelationshipInput,
    RemoveScopeFromFailover, list_relationships,
};
use crate::api::scopes::{CheckDrift, ClearSyncError, ReplicateWhat, ScopeRef, SyncErrorRef};
#[cfg(feature = "ssr")]
use crate::components::badges::DriftBadge;
#[cfg(feature = "ssr")]
use crate::components::badges::UsageMeter;
use crate::components::dialog::{DialogFooter, on_demand};
#[cfg(feature = "ssr")]
use crate::components::native::dialog_href;
use crate::components::native::{
    ConfirmDialog, NativeDialogs, Opened, PostButton, clicked, posted, posted_values,
};
use crate::components::notice::{Notice, NoticeBar};
use crate::components::progress::{Run, RunView};
use crate::components::replicate_dialog::{ReplicateDialogProps, replicate_dialog_piece};
use crate::components::scope_dialog::{ScopeDialogMode, ScopeDialogProps, scope_dialog_piece};
use crate::components::server_html::ServerHtml;
use crate::components::table::use_query_state;
#[cfg(feature = "ssr")]
use crate::components::table::{Pager, SortHeader, href};
use crate::error::AppError;
use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::components::Form;
use tandem_core::access::Permission;
use tandem_core::failover_rules::NewRelationship;
use tandem_core::views::{
    MAX_PAGE_SIZE, Page, RelationshipQuery, ScopeQuery, ScopeSort, SyncFilter,
};
#[cfg(feature = "ssr")]
use tandem_core::views::{ScopeRow, ScopesPage};

/// `<server>/<scope ID>,…` as the scopes it names (a bad entry is left out).
fn scope_refs(list: &str) -> Vec<ScopeRef> {
    list.split(',')
        .filter_map(|t| t.split_once('/'))
        .map(|(server, scope_id)| ScopeRef {
            server: server.to_string(),
            scope_id: scope_id.to_string(),
        })
        .collect()
}

/// What the signed-in user's role offers on a row.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
pub(crate) struct Can {
    pub replicate: bool,
    pub clear: bool,
    pub manage: bool,
}

#[component]
pub fn ScopesPage() -> impl IntoView {
    let notice = RwSignal::new(None::<Notice>);
    let replicate = action(crate::api::scopes::call_replicate_scope);
    let many = action(crate::api::scopes::call_replicate_previewed);
    let clear = action(crate::api::scopes::call_clear_sync_error);
    let remove = action(crate::api::relationships::call_remove_scope_from_failover);
    // Failover configured by its dialog (which makes its own calls): the list is read again.
    let configured = RwSignal::new(0u32);
    let check = action(crate::api::scopes::call_check_drift);
    let new_scope = action(crate::api::scopes::call_create_scope);
    let update_scope = action(crate::api::scopes::call_update_scope);
    // The New Scope dialog, as opened (on the click, or from the URL once the page's code runs).
    let creating = RwSignal::new(None::<Opened<()>>);
    let run = RwSignal::new(None::<Run>);
    // The scope whose Configure Failover dialog is open, as (server, scope ID).
    let configure = RwSignal::new(None::<(String, String)>);
    // What the Replicate dialog (a preview first) is open for: a scope, or the ticked ones.
    let replicating = RwSignal::new(None::<ReplicateWhat>);
    // `?dialog=remove-failover&target=<server>/<scope ID>`, and what native posts left.
    let native = NativeDialogs::new("target");
    let ctx = PageContext::get();
    let state = use_query_state::<ScopeQuery>();
    let scopes = Resource::new(
        move || {
            (
                state.get(),
                (
                    replicate.version().get(),
                    many.version().get(),
                    clear.version().get(),
                    remove.version().get(),
                    configured.get(),
                    check.version().get(),
                    new_scope.version().get(),
                ),
                ctx.live.get(),
            )
        },
        |(query, ..)| crate::api::scopes::call_scope_list(crate::api::scopes::ScopeList { query }),
    );
    let list = ServerHtml::new(move || scopes.get().and_then(Result::ok));
    Effect::new(move |_| {
        if let Some(result) = remove.value().get() {
            native.dismiss();
            notice.set(Some(match result {
                Ok(partner) => Notice::Done(format!(
                    "Failover removed: the scope was deleted on {partner} and kept here. The relationship stays."
                )),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    let on_configured = Callback::new(move |done: String| {
        configure.set(None);
        native.dismiss();
        configured.update(|n| *n += 1);
        notice.set(Some(Notice::Done(done)));
    });
    native.take_into("scope", creating, |dialog, _| {
        (dialog == "new-scope").then_some(())
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = new_scope.value().get() {
            creating.set(None);
            native.dismiss();
            notice.set(Some(Notice::Done("Scope created.".into())));
        }
    });
    Effect::new(move |_| {
        if let Some(result) = check.value().get() {
            notice.set(Some(match result {
                Ok(true) => Notice::Done("Drift checked: the list now shows what changed.".into()),
                Ok(false) => {
                    Notice::Done("Drift checked: nothing changed since the last look.".into())
                }
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    // The ticked scopes, as `<server>/<scope ID>`.
    let replicate_selected = move |ticked: Vec<String>| {
        let targets = ticked
            .iter()
            .filter_map(|t| t.split_once('/'))
            .map(|(server, scope_id)| ScopeRef {
                server: server.to_string(),
                scope_id: scope_id.to_string(),
            })
            .collect();
        replicate.value().set(None);
        many.value().set(None);
        replicating.set(Some(ReplicateWhat::Scopes(targets)));
    };
    // The rows are the server's HTML: their forms and links are handled here.
    let on_row_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some((mode, field)) = posted(&ev) else {
            return;
        };
        // The rows' one form (Replicate Scope is a link: a preview first).
        if mode == "clear-sync-error" {
            ev.prevent_default();
            clear.dispatch(ClearSyncError {
                target: SyncErrorRef {
                    relationship: field("relationship"),
                    scope_id: field("scope_id"),
                },
            });
        }
    };
    let on_row_click = move |ev: leptos::ev::MouseEvent| {
        let Some(link) = clicked(&ev, "a[data-configure], a[data-remove], a[data-replicate]")
        else {
            return;
        };
        let target = |name: &str| {
            link.get_attribute(name).and_then(|t| {
                t.split_once('/')
                    .map(|(a, b)| (a.to_string(), b.to_string()))
            })
        };
        if let Some(scope) = target("data-configure") {
            ev.prevent_default();
            configure.set(Some(scope));
        } else if let Some((server, scope_id)) = target("data-replicate") {
            ev.prevent_default();
            replicate.value().set(None);
            replicating.set(Some(ReplicateWhat::Scope(ScopeRef { server, scope_id })));
        } else if let Some((server, scope_id)) = target("data-remove") {
            ev.prevent_default();
            let question = link.get_attribute("data-question").unwrap_or_default();
            if window().confirm_with_message(&question).unwrap_or(false) {
                remove.dispatch(RemoveScopeFromFailover {
                    target: ScopeRef { server, scope_id },
                });
            }
        }
    };
    Effect::new(move |_| {
        // A refusal stays in the dialog, with the preview read again.
        if let Some(result @ Ok(_)) = replicate.value().get() {
            replicating.set(None);
            native.dismiss();
            notice.set(Some(Notice::from_replication(&result)));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(results)) = many.value().get() {
            replicating.set(None);
            native.dismiss();
            run.set(Some(Run::finished(results)));
        }
    });
    Effect::new(move |_| {
        if let Some(result) = clear.value().get() {
            notice.set(Some(match result {
                Ok(true) => Notice::Done("Config sync error cleared.".into()),
                Ok(false) => Notice::Done("There was no config sync error to clear.".into()),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    view! {
        <h1>"DHCP Scopes"</h1>
        <NoticeBar notice />
        <ScopeFilters state />
        <div class="toolbar">
            <Show when=move || ctx.can(Permission::EditScopes)>
                <a
                    id="new-scope"
                    class="button"
                    role="button"
                    href=move || native.href("new-scope", None)
                    on:click=move |ev| {
                        ev.prevent_default();
                        creating.set(Some(Opened::new(())));
                    }
                >
                    "New Scope…"
                </a>
            </Show>
            <a
                id="export-scopes"
                class="button secondary"
                href=move || {
                    format!(
                        "/api/v1/scopes.csv{}",
                        tandem_core::views::QueryState::to_query_string(&state.get()),
                    )
                }
            >
                "Export CSV"
            </a>
            // Shown by the style sheet once a scope is ticked (without JavaScript too); the
            // ticked boxes belong to this form wherever they are on the page.
            <form
                id="replicate-selected-form"
                class="inline"
                method="post"
                action="/forms/scope"
                on:submit=move |ev| {
                    ev.prevent_default();
                    replicate_selected(posted_values(&ev, "scopes"));
                }
            >
                <input type="hidden" name="mode" value="replicate-selected" />
                <input type="hidden" name="back" value=move || native.back() />
                <button type="submit" id="replicate-selected">
                    "Replicate selected scopes"
                </button>
            </form>
            <PostButton
                form="scope"
                mode="check-drift"
                hidden=Vec::new()
                back=native.back()
                on_press=Callback::new(move |()| {
                    check.dispatch(CheckDrift {});
                })
                label="Check drift now"
                class="secondary"
                id="check-drift"
                title="Read again every server whose configuration changed, and compare each failover scope's two copies"
                disabled=check.pending()
            />
        </div>
        <Transition fallback=|| ()>
            {native.notice(notice)}
            {move || {
                // Remove Failover asked by a link: confirm first.
                let (dialog, scope) = native.asked()?;
                let (server, scope_id) = scope?.split_once('/').map(|(a, b)| (a.to_string(), b.to_string()))?;
                (dialog == "remove-failover").then(|| {
                    let question = format!(
                        "Remove failover from scope {scope_id} on {server}? It is deleted on the partner and kept on {server}; the relationship stays."
                    );
                    view! {
                        <ConfirmDialog
                            form="scope"
                            mode="remove-failover"
                            hidden=vec![("server", server), ("scope_id", scope_id)]
                            title="Remove Failover"
                            question
                            flash=native.flash("scope")
                            back=native.back()
                            cancel_href=native.cancel_href()
                            on_close=Callback::new(move |()| native.dismiss())
                        />
                    }
                })
            }}
        </Transition>
        <RunView run />
        <Transition fallback=|| ()>
            {move || {
                let close = Callback::new(move |()| {
                    configure.set(None);
                    native.dismiss();
                });
                let (back, cancel_href) = (native.back(), native.cancel_href());
                if let Some((server, scope_id)) = configure.get() {
                    return Some(on_demand(configure_failover_piece(ConfigureFailoverDialogProps { server, scope_id, on_done: on_configured, flash: None, back, cancel_href, on_close: close })));
                }
                let (dialog, target) = native.asked()?;
                let (server, scope_id) = target?
                    .split_once('/')
                    .map(|(a, b)| (a.to_string(), b.to_string()))?;
                (dialog == "configure").then(|| {
                    let flash = native.flash("scope");
                    on_demand(configure_failover_piece(ConfigureFailoverDialogProps { server, scope_id, on_done: on_configured, flash, back, cancel_href, on_close: close }))
                })
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                let flash = match creating.get() {
                    Some(opened) => opened.flash,
                    None if native.asked().is_some_and(|(d, _)| d == "new-scope") => {
                        native.flash("scope")
                    }
                    None => return None,
                };
                let mode = ScopeDialogMode::Create {
                    server: state.get_untracked().server.unwrap_or_default(),
                };
                let on_close = Callback::new(move |()| {
                    creating.set(None);
                    native.dismiss();
                });
                let (back, cancel_href) = (native.back(), native.cancel_href());
                Some(on_demand(scope_dialog_piece(ScopeDialogProps { mode, create: new_scope, update: update_scope, flash, back, cancel_href, on_close })))
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                let (what, flash) = match replicating.get() {
                    Some(what) => (what, None),
                    None => {
                        let (dialog, target) = native.asked()?;
                        let refs = scope_refs(&target?);
                        let what = match (dialog.as_str(), refs.len()) {
                            ("replicate", 1) => ReplicateWhat::Scope(refs.into_iter().next()?),
                            ("replicate-selected", 1..) => ReplicateWhat::Scopes(refs),
                            _ => return None,
                        };
                        (what, native.flash("scope"))
                    }
                };
                let on_close = Callback::new(move |()| {
                    replicating.set(None);
                    native.dismiss();
                });
                let (back, cancel_href) = (native.back(), native.cancel_href());
                Some(on_demand(replicate_dialog_piece(ReplicateDialogProps { what, replicate: Some(replicate), many: Some(many), flash, back, cancel_href, on_close })))
            }}
        </Transition>
        <Transition fallback=|| view! { <p class="muted">"Reading the inventory…"</p> }>
            {move || {
                scopes
                    .get()
                    .map(|result| match result {
                        Ok(html) => view! {
                            {list.div("server-list", &html, Some(Callback::new(on_row_submit)), Some(Callback::new(on_row_click)))}
                        }
                        .into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// The filters of the DHCP Scopes view: a GET form, so the URL holds them.
#[component]
fn ScopeFilters(state: Memo<ScopeQuery>) -> impl IntoView {
    move || {
        let q = state.get();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let state_value = q
            .state
            .map(|s| s.as_str().to_ascii_lowercase())
            .unwrap_or_default();
        let sync_value = q.sync.map(|s| s.as_str()).unwrap_or_default();
        let sync_options = SyncFilter::ALL
            .iter()
            .map(|f| {
                view! { <option value=f.as_str() selected=f.as_str() == sync_value>{f.label()}</option> }
            })
            .collect_view();
        let sort = (q.sort != ScopeSort::default())
            .then(|| view! { <input type="hidden" name="sort" value=q.sort.as_str() /> });
        let order = q
            .descending
            .then(|| view! { <input type="hidden" name="order" value="desc" /> });
        view! {
            <Form method="GET" action="/scopes">
                <div class="filters" role="search" aria-label="Filter scopes">
                    <input name="server" placeholder="Server" aria-label="Server" value=text(&q.server) />
                    <input name="scope" placeholder="Scope ID" aria-label="Scope ID" value=text(&q.scope) />
                    <input name="name" placeholder="Name" aria-label="Name" value=text(&q.name) />
                    <select name="state" aria-label="State">
                        <option value="" selected=state_value.is_empty()>"Any state"</option>
                        <option value="active" selected=state_value == "active">"Active"</option>
                        <option value="inactive" selected=state_value == "inactive">"Inactive"</option>
                    </select>
                    <input name="relationship" placeholder="Relationship" aria-label="Relationship" value=text(&q.relationship) />
                    <input
                        name="shared_network"
                        placeholder="Shared network"
                        aria-label="Shared network (Windows: superscope)"
                        title="A Kea shared network: several subnets on one link, what Windows calls a superscope"
                        value=text(&q.shared_network)
                    />
                    <select name="sync" aria-label="Sync status">
                        <option value="" selected=sync_value.is_empty()>"Any sync status"</option>
                        {sync_options}
                    </select>
                    <label class="inline-field">
                        "Over "
                        <input
                            name="usage_over"
                            type="number"
                            min="1"
                            max="99"
                            inputmode="numeric"
                            class="narrow"
                            aria-label="Only scopes more than this percentage full"
                            value=q.usage_over.map(|p| p.to_string()).unwrap_or_default()
                        />
                        " % full"
                    </label>
                    {sort}
                    {order}
                    <button type="submit" id="apply-filters" class="secondary">"Filter"</button>
                    <a class="button secondary" href="/scopes">"Clear"</a>
                </div>
            </Form>
        }
    }
}

/// DHCP Scopes' list, as HTML: the rows, their sort links and the pager. The page shows it as
/// it is and handles the rows' forms and links itself (see `on_row_submit`), so the browser
/// needs none of the code that renders it.
#[cfg(feature = "ssr")]
pub(crate) fn render_list(page: ScopesPage, state: ScopeQuery, can: Can) -> String {
    crate::components::native::render_alone(move || view! { <ScopesTable page state can /> })
}

#[cfg(feature = "ssr")]
#[component]
fn ScopesTable(page: ScopesPage, state: ScopeQuery, can: Can) -> impl IntoView {
    // Where a row's form, posted before the page's code runs, comes back to.
    let back = format!(
        "/scopes{}",
        tandem_core::views::QueryState::to_query_string(&state)
    );
    let unreachable = page
        .unreachable
        .into_iter()
        .map(|u| {
            view! {
                <div class="notice notice-failed" data-unreachable=u.server.to_string()>
                    {format!("{} could not be read ({}); its scopes are shown as last read.", u.server, u.reason)}
                </div>
            }
        })
        .collect_view();
    let header = |label: &'static str, sort: ScopeSort| {
        let current = state.sort == sort;
        let descending = state.descending;
        let link = href("/scopes", &state, |q| {
            q.descending = current && !q.descending;
            q.sort = sort;
            q.page.number = 1;
        });
        view! { <SortHeader label href=link current descending /> }
    };
    let empty = page.rows.is_empty().then(|| {
        view! { <p class="muted" id="no-scopes">"No scope matches these filters."</p> }
    });
    let rows = page
        .rows
        .into_iter()
        .map(|row| view! { <ScopeLine row can back=back.clone() /> })
        .collect_view();
    let pager_state = state.clone();
    let link = Callback::new(move |n: u32| href("/scopes", &pager_state, |q| q.page.number = n));
    view! {
        {unreachable}
        <div class="table-wrap">
        <table class="grid scopes">
            <thead>
                <tr>
                    <th>"Select"</th>
                    {header("Server", ScopeSort::Server)}
                    {header("Scope ID", ScopeSort::ScopeId)}
                    {header("Name", ScopeSort::Name)}
                    <th>"Range"</th>
                    <th>"Subnet Mask"</th>
                    <th>
                        <abbr title="A Kea shared network: several subnets on one link, what Windows calls a superscope">
                            "Shared Network"
                        </abbr>
                    </th>
                    {header("State", ScopeSort::State)}
                    {header("Reservations", ScopeSort::Reservations)}
                    {header("Usage", ScopeSort::Usage)}
                    {header("Failover Relationship Name", ScopeSort::Relationship)}
                    <th>"Failover Config Sync Status"</th>
                    {header("Drift", ScopeSort::Sync)}
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
        {empty}
        <Pager total=page.total page=page.page link />
    }
}

#[cfg(feature = "ssr")]
#[component]
fn ScopeLine(row: ScopeRow, can: Can, back: String) -> impl IntoView {
    // Pressed once the page's code runs: handled by the page (`on_row_submit`).
    let press = Callback::new(|()| {});
    let server = row.server.to_string();
    let scope_id = row.scope_id.to_string();
    let href = super::reservations_url(&server, &scope_id);
    let target = ScopeRef {
        server: server.clone(),
        scope_id: scope_id.clone(),
    };
    // A preview first (the dialog), then the replication as previewed.
    let replicate_link = row.partner.clone().filter(|_| can.replicate).map(|partner| {
        let target = format!("{server}/{scope_id}");
        let href = dialog_href("/scopes", "target", "replicate", Some(&target));
        view! {
            <a
                class="button small"
                role="button"
                href=href
                data-replicate=target
                title=format!("See what would change on {partner}, then overwrite its copy of this scope with the one on {server}")
            >
                "Replicate Scope…"
            </a>
        }
    });
    let clear_button = match (&row.relationship, &row.sync_error) {
        (Some(relationship), Some(_)) if can.clear => Some(view! {
            <PostButton
                form="scope"
                mode="clear-sync-error"
                hidden=vec![("relationship", relationship.clone()), ("scope_id", scope_id.clone())]
                back=back.clone()
                on_press=press
                label="Clear Config Sync Error"
                class="small secondary"
            />
        }),
        _ => None,
    };
    // Ticked boxes belong to the toolbar's Replicate Selected form.
    let select = row.partner.is_some().then(|| {
        view! {
            <input
                type="checkbox"
                class="checkbox select-scope"
                aria-label=format!("Select scope {scope_id} on {server}")
                name="scopes"
                form="replicate-selected-form"
                value=format!("{server}/{scope_id}")
            />
        }
    });
    let manage = can.manage;
    let failover_button = if row.relationship.is_some() {
        manage.then(|| {
            let partner = row.partner.clone().map(|p| p.to_string()).unwrap_or_default();
            let target = format!("{server}/{}", target.scope_id);
            let href = dialog_href("/scopes", "target", "remove-failover", Some(&target));
            // With the page's code: the browser's own confirmation, then the action.
            let question = format!(
                "Remove failover from this scope? It is deleted on {partner} and kept on {server}; the relationship stays."
            );
            view! {
                <a
                    class="button small danger"
                    role="button"
                    href=href
                    data-remove=target
                    data-question=question
                >
                    "Remove Failover"
                </a>
            }
                .into_any()
        })
    } else {
        manage.then(|| {
            let target = format!("{}/{}", row.server, row.scope_id);
            let href = dialog_href("/scopes", "target", "configure", Some(&target));
            view! {
                <a
                    class="button small secondary"
                    role="button"
                    href=href
                    data-configure=target
                >
                    "Configure Failover…"
                </a>
            }
            .into_any()
        })
    };
    // The network's other scopes are one click away.
    let shared_network = row.shared_network.clone().map(|name| {
        let link = crate::components::table::href(
            "/scopes",
            &ScopeQuery::default(),
            |q: &mut ScopeQuery| q.shared_network = Some(name.clone()),
        );
        view! { <a href=link>{name}</a> }
    });
    view! {
        <tr data-server=row.server.to_string() data-scope=scope_id.clone()>
            <td data-label="Select">{select}</td>
            <td data-label="Server">{row.server.to_string()}</td>
            <td data-label="Scope ID">
                <a href=href.clone()>{scope_id.clone()}</a>
            </td>
            <td data-label="Name">{row.name.clone()}</td>
            <td data-label="Range">{format!("{} – {}", row.range.start(), row.range.end())}</td>
            <td data-label="Subnet Mask">{row.subnet_mask.clone()}</td>
            <td data-label="Shared Network" class="shared-network">{shared_network}</td>
            <td data-label="State">{row.state.as_str()}</td>
            <td data-label="Reservations" class="reservation-count">{row.reservations}</td>
            <td data-label="Usage" class="usage-cell"><UsageMeter usage=row.usage /></td>
            <td data-label="Failover Relationship Name">{row.relationship.clone().unwrap_or_default()}</td>
            <td data-label="Failover Config Sync Status" class="sync-status">{row.sync_error.clone().unwrap_or_default()}</td>
            <td data-label="Drift">
                <DriftBadge drift=row.drift.clone() server=row.server.clone() partner=row.partner.clone() />
            </td>
            <td data-label="Actions">
                <div class="actions">
                    <a class="button small secondary" href=href>"Properties"</a>
                    {replicate_link}
                    {clear_button}
                    {failover_button}
                </div>
            </td>
        </tr>
    }
}

/// [`ConfigureFailoverDialog`] as a piece of the bundle of its own (see [`on_demand`]).
#[lazy]
pub(crate) fn configure_failover_piece(props: ConfigureFailoverDialogProps) -> AnyView {
    ConfigureFailoverDialog(props).into_any()
}

/// Configure failover on a scope: into an existing relationship of its server, or a new one
/// (this server as primary). Either way the partner gets a whole copy of the scope.
#[component]
pub(crate) fn ConfigureFailoverDialog(
    server: String,
    scope_id: String,
    /// Told what was done (the notice's words) once failover is configured.
    on_done: Callback<String>,
    /// What the same form, posted natively, left.
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    // Its own calls: the page carries none of their code.
    let add = action(crate::api::relationships::call_add_scope_to_relationship);
    let create = action(crate::api::relationships::call_create_relationship);
    Effect::new(move |_| {
        if let Some(Ok(())) = add.value().get() {
            on_done.run("Failover configured: the partner has a copy of the scope.".into());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = create.value().get() {
            on_done.run(format!(
                "Relationship {} created; the scope is copied to {}.",
                r.name, r.secondary_server
            ));
        }
    });
    // The relationships this scope's server is in.
    let relationships = {
        let server = server.clone();
        Resource::new(
            move || server.clone(),
            |server| {
                list_relationships(RelationshipQuery {
                    server: Some(server),
                    page: Page::new(1, MAX_PAGE_SIZE),
                    ..RelationshipQuery::default()
                })
            },
        )
    };
    let typed = |name: &str, or: &str| {
        flash
            .as_ref()
            .and_then(|f| f.value(name))
            .unwrap_or_else(|| or.to_string())
    };
    let choice = RwSignal::new(typed("relationship", ""));
    let partner = RwSignal::new(typed("partner", ""));
    let mode = RwSignal::new(typed("mode_of", "LoadBalance"));
    let percent = RwSignal::new(typed("load_balance_percent", "50"));
    let mclt = RwSignal::new(typed("mclt", "3600"));
    let submitted = RwSignal::new(false);
    let flash_error = StoredValue::new(flash.and_then(|f| f.error));
    let error = move || {
        if !submitted.get() {
            return flash_error.get_value();
        }
        add.value()
            .get()
            .and_then(Result::err)
            .or_else(|| create.value().get().and_then(Result::err))
    };
    let message = move || {
        error().map(|e| match &e {
            AppError::Validation(errors) => errors.to_string(),
            other => other.to_string(),
        })
    };
    let options = move || {
        relationships.get().map(|r| {
            r.map(|p| p.rows)
                .unwrap_or_default()
                .into_iter()
                .map(|x| {
                    let name = x.relationship.name.clone();
                    let chosen = choice.get_untracked() == name;
                    view! { <option value=name.clone() selected=chosen>{name.clone()}</option> }
                })
                .collect_view()
        })
    };
    let (srv, sid) = (server.clone(), scope_id.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        let target = ScopeRef {
            server: srv.clone(),
            scope_id: sid.clone(),
        };
        if choice.get().is_empty() {
            let relationship = NewRelationship {
                primary_server: srv.clone(),
                secondary_server: partner.get(),
                mode: mode.get(),
                load_balance_percent: percent.get(),
                max_client_lead_time_secs: mclt.get(),
                ..Default::default()
            };
            create.dispatch(CreateRelationship {
                input: CreateRelationshipInput {
                    relationship,
                    scopes: vec![sid.clone()],
                },
            });
        } else {
            add.dispatch(AddScopeToRelationship {
                input: ConfigureFailoverInput {
                    target,
                    relationship: choice.get(),
                },
            });
        }
    };
    let input = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label for=id>{label}</label>
            <input id=id name=id value=value.get_untracked() prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            <span class="field-error"></span>
        }
        .into_any()
    };
    let hot = mode.get_untracked() == "HotStandby";
    let title = format!("Configure failover for {scope_id} on {server}");
    view! {
        <div class="dialog-backdrop" data-piece="configure_failover_piece">
            <form
                class="dialog configure"
                role="dialog"
                aria-modal="true"
                aria-label="Configure Failover"
                method="post"
                action="/forms/scope"
                on:submit=on_submit
            >
                <h2>{title}</h2>
                <input type="hidden" name="mode" value="configure-failover" />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="server" value=server.clone() />
                <input type="hidden" name="scope_id" value=scope_id.clone() />
                <div class="form-grid">
                    <label for="relationship">"Relationship"</label>
                    <select id="relationship" name="relationship" on:change=move |ev| choice.set(event_target_value(&ev))>
                        <option value="">"New relationship…"</option>
                        <Transition fallback=|| ()>{options}</Transition>
                    </select>
                    <span class="field-error"></span>
                    // A new relationship's fields: shown by the style sheet while "New
                    // relationship…" is chosen (without JavaScript too).
                    <div class="new-relationship">
                        {input("partner", "Partner server", partner)}
                        <label for="mode">"Mode"</label>
                        <select id="mode" name="mode_of" on:change=move |ev| mode.set(event_target_value(&ev))>
                            <option value="LoadBalance" selected=!hot>"Load balance"</option>
                            <option value="HotStandby" selected=hot>"Hot standby"</option>
                        </select>
                        <span class="field-error"></span>
                        {input("load_balance_percent", "Load balance %", percent)}
                        {input("mclt", "MCLT (seconds)", mclt)}
                    </div>
                </div>
                <DialogFooter
                    error=Signal::derive(message)
                    busy=Signal::derive(move || add.pending().get() || create.pending().get())
                    on_cancel=move || on_close.run(())
                    cancel_href
                />
            </form>
        </div>
    }
}
