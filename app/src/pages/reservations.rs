//! Reservations of one scope on one server, with the Create DHCP Reservation dialog, delete,
//! and Replicate Scope.

use crate::api::calls::action;
use crate::api::reservations::{DeleteReservation, DeleteReservationInput, PropertiesView};
use crate::api::scopes::{DeleteScope, ReplicateWhat, ScopeRef};
#[cfg(feature = "ssr")]
use crate::components::badges::DriftBadge;
#[cfg(feature = "ssr")]
use crate::components::badges::UsageMeter;
use crate::components::dialog::on_demand;
use crate::components::native::{ConfirmDialog, NativeDialogs, Opened, clicked};
use crate::components::notice::{Notice, NoticeBar};
use crate::components::replicate_dialog::{ReplicateDialogProps, replicate_dialog_piece};
use crate::components::reservation_dialog::{ReservationDialogProps, reservation_dialog_piece};
use crate::components::scope_dialog::{ScopeDialogMode, ScopeDialogProps, scope_dialog_piece};
use crate::components::server_html::ServerHtml;
use crate::components::table::use_query_state;
#[cfg(feature = "ssr")]
use crate::components::table::{Pager, SortHeader, href};
use crate::error::AppError;
use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_params_map;
#[cfg(feature = "ssr")]
use tandem_core::OptionValue;
use tandem_core::Reservation;
use tandem_core::access::Permission;
#[cfg(feature = "ssr")]
use tandem_core::drift::DriftStatus;
use tandem_core::scope_input::ScopeInput;
use tandem_core::views::ReservationQuery;
#[cfg(feature = "ssr")]
use tandem_core::views::{ReservationSort, ReservationsView};

#[component]
pub fn ReservationsPage() -> impl IntoView {
    let params = use_params_map();
    let target = Memo::new(move |_| {
        let p = params.read();
        ScopeRef {
            server: p.get("server").unwrap_or_default(),
            scope_id: p.get("scope").unwrap_or_default(),
        }
    });
    let state = use_query_state::<ReservationQuery>();
    let ctx = PageContext::get();
    let notice = RwSignal::new(None::<Notice>);
    let create = action(crate::api::reservations::call_create_reservation);
    let edit = action(crate::api::reservations::call_edit_reservation);
    let delete = action(crate::api::reservations::call_delete_reservation);
    let replicate = action(crate::api::scopes::call_replicate_scope);
    let create_scope = action(crate::api::scopes::call_create_scope);
    let update_scope = action(crate::api::scopes::call_update_scope);
    let delete_scope = action(crate::api::scopes::call_delete_scope);
    // The Edit Scope dialog as it opened (on the click, or from the URL once the page's code
    // runs): the scope read again meanwhile never rebuilds it.
    let scope_opened = RwSignal::new(None::<Opened<ScopeAsOpened>>);
    // The Create Reservation dialog (`None`) or the Edit dialog for a reservation, as opened.
    let dialog = RwSignal::new(None::<Opened<Option<Reservation>>>);
    // Dialogs asked for by a link (`?dialog=new|edit|delete&ip=…`: before the page's code has
    // loaded, or without JavaScript), and what a natively posted form left.
    let native = NativeDialogs::new("ip");
    // The scope's reservations as CSV, with the view's filter and order (and `extra`).
    let export_href = move |extra: &str| {
        let t = target.get();
        let query = tandem_core::views::QueryState::to_query_string(&state.get());
        let join = if query.is_empty() { "?" } else { "&" };
        format!(
            "/api/v1/servers/{}/scopes/{}/reservations.csv{query}{}{extra}",
            tandem_core::text::percent_encode(&t.server, ""),
            tandem_core::text::percent_encode(&t.scope_id, ""),
            if extra.is_empty() { "" } else { join },
        )
    };
    let close = move || {
        dialog.set(None);
        native.dismiss();
    };
    let data = Resource::new(
        move || {
            (
                target.get(),
                state.get(),
                (
                    create.version().get(),
                    edit.version().get(),
                    delete.version().get(),
                    replicate.version().get(),
                    update_scope.version().get(),
                ),
                ctx.live.get(),
            )
        },
        |(target, query, ..)| {
            crate::api::reservations::call_properties_page(
                crate::api::reservations::PropertiesPage { target, query },
            )
        },
    );
    let facts = ServerHtml::new(move || data.get().and_then(Result::ok).map(|p| p.facts_html));
    let list = ServerHtml::new(move || data.get().and_then(Result::ok).map(|p| p.list_html));
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = create.value().get() {
            close();
            notice.set(Some(Notice::from_change("Reservation created", &outcome)));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = edit.value().get() {
            close();
            notice.set(Some(Notice::from_change("Reservation saved", &outcome)));
        }
    });
    Effect::new(move |_| {
        if delete.value().get().is_some() {
            close();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = update_scope.value().get() {
            scope_opened.set(None);
            native.dismiss();
            notice.set(Some(Notice::from_change("Scope saved", &outcome)));
        }
    });
    Effect::new(move |_| {
        if let Some(result) = delete_scope.value().get() {
            match result {
                Ok(()) => {
                    let navigate = leptos_router::hooks::use_navigate();
                    navigate("/scopes", Default::default());
                }
                Err(e) => notice.set(Some(Notice::from_error(&e))),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = delete.value().get() {
            notice.set(Some(match result {
                Ok(outcome) => Notice::from_change("Reservation deleted", &outcome),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    // The Replicate Scope dialog, as opened (on the click, or from the URL once the page's code
    // runs): it shows what will change on the partner before anything does.
    let replicating = RwSignal::new(None::<Opened<()>>);
    native.take_into("scope", replicating, |dialog, _| {
        (dialog == "replicate").then_some(())
    });
    Effect::new(move |_| {
        // A refusal stays in the dialog, with the preview read again.
        if let Some(result @ Ok(_)) = replicate.value().get() {
            replicating.set(None);
            native.dismiss();
            notice.set(Some(Notice::from_replication(&result)));
        }
    });
    // Dialogs the URL asks for are taken once the page's code runs (see `Opened`).
    native.take_into("scope", scope_opened, move |dialog, _| {
        let page = (dialog == "edit-scope").then(|| data.get())??.ok()?;
        Some(ScopeAsOpened::of(&page))
    });
    native.take_into("reservation", dialog, move |dialog, ip| match dialog {
        "new" => Some(None),
        "edit" => listed(data, ip.as_deref()).map(Some),
        _ => None,
    });
    let on_delete_scope = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let t = target.get();
        let question = format!(
            "Delete scope {} on {} with its reservations?",
            t.scope_id, t.server
        );
        if window().confirm_with_message(&question).unwrap_or(false) {
            delete_scope.dispatch(DeleteScope { target: t });
        }
    };
    // The reservations' rows are the server's HTML: their links are handled here.
    let on_row_click = move |ev: leptos::ev::MouseEvent| {
        let Some(link) = clicked(&ev, "a[data-edit], a[data-delete]") else {
            return;
        };
        if let Some(ip) = link.get_attribute("data-edit") {
            if let Some(r) = data.with_untracked(|d| {
                let reservations = &d.as_ref()?.as_ref().ok()?.reservations;
                reservations
                    .iter()
                    .find(|r| r.ip_address.to_string() == ip)
                    .cloned()
            }) {
                ev.prevent_default();
                dialog.set(Some(Opened::new(Some(r))));
            }
        } else if let Some(ip) = link.get_attribute("data-delete") {
            ev.prevent_default();
            let t = target.get_untracked();
            let question = format!(
                "Delete reservation {ip} from {} (and its failover partner)?",
                t.server
            );
            if window().confirm_with_message(&question).unwrap_or(false) {
                delete.dispatch(DeleteReservation {
                    input: DeleteReservationInput {
                        target: t,
                        ip_address: ip,
                    },
                });
            }
        }
    };
    view! {
        <p class="crumbs">
            <a href="/scopes">"DHCP Scopes"</a>
            " › "
            {move || format!("{} on {}", target.get().scope_id, target.get().server)}
        </p>
        <h1>"Scope Properties"</h1>
        <NoticeBar notice />
        <Transition fallback=|| ()>
        {native.notice(notice)}
        <div class="toolbar">
            <Show when=move || ctx.can(Permission::EditScopes)>
                <a
                    id="edit-scope"
                    class="button secondary"
                    role="button"
                    href=move || native.href("edit-scope", None)
                    on:click=move |ev| {
                        ev.prevent_default();
                        let page = data.get_untracked().and_then(Result::ok);
                        scope_opened.set(page.map(|p| Opened::new(ScopeAsOpened::of(&p))));
                    }
                >
                    "Edit Scope…"
                </a>
                <a
                    id="delete-scope"
                    class="button danger"
                    role="button"
                    href=move || native.href("delete-scope", None)
                    on:click=on_delete_scope
                >
                    "Delete Scope"
                </a>
            </Show>
            <Show when=move || ctx.can(Permission::EditReservations)>
                <a
                    id="create-reservation"
                    class="button"
                    role="button"
                    href=move || native.href("new", None)
                    on:click=move |ev| {
                        ev.prevent_default();
                        dialog.set(Some(Opened::new(None)));
                    }
                >
                    "Create Reservation…"
                </a>
                <a
                    id="import-reservations"
                    class="button secondary"
                    href=move || {
                        format!(
                            "/import?server={}",
                            tandem_core::text::percent_encode(&target.get().server, ""),
                        )
                    }
                >
                    "Import CSV…"
                </a>
            </Show>
            <a id="export-reservations" class="button secondary" href=move || export_href("")>
                "Export CSV"
            </a>
            <a
                id="export-reservations-windows"
                class="button secondary"
                href=move || export_href("format=windows")
                title="For Import-Csv | Add-DhcpServerv4Reservation on a Windows server"
            >
                "Export for Windows"
            </a>
            <Show when=move || ctx.can(Permission::ReplicateScope)>
                <a
                    id="replicate-scope"
                    class="button secondary"
                    role="button"
                    href=move || native.href("replicate", None)
                    on:click=move |ev| {
                        ev.prevent_default();
                        replicate.value().set(None);
                        replicating.set(Some(Opened::new(())));
                    }
                >
                    "Replicate Scope…"
                </a>
            </Show>
        </div>
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                if let Some(opened) = dialog.get() {
                    let (back, cancel_href) = (native.back(), native.cancel_href());
                    let on_close = Callback::new(move |()| close());
                    return Some(
                        on_demand(reservation_dialog_piece(ReservationDialogProps {
                            target: target.get_untracked(),
                            existing: opened.what,
                            create,
                            edit,
                            flash: opened.flash,
                            back,
                            cancel_href,
                            on_close,
                        }))
                        .into_any(),
                    );
                }
                // Asked for by the URL: rendered as read (on the server, and until the page's
                // code has taken it, below).
                let flash = native.flash("reservation");
                let cancel_href = native.cancel_href();
                let back = native.back();
                let on_close = Callback::new(move |()| close());
                let (asked, ip) = native.asked().unzip();
                let ip = ip.flatten();
                match asked.as_deref() {
                    Some("new") => Some(
                        on_demand(reservation_dialog_piece(ReservationDialogProps { target: target.get(), existing: None, create, edit, flash, back, cancel_href, on_close }))
                            .into_any(),
                    ),
                    Some("edit") => listed(data, ip.as_deref()).map(|r| {
                        on_demand(reservation_dialog_piece(ReservationDialogProps { target: target.get(), existing: Some(r), create, edit, flash, back, cancel_href, on_close }))
                            .into_any()
                    }),
                    Some("delete-scope") => {
                        let t = target.get();
                        let question = format!(
                            "Delete scope {} on {} with its reservations?",
                            t.scope_id, t.server
                        );
                        Some(
                            view! {
                                <ConfirmDialog
                                    form="scope"
                                    mode="delete"
                                    hidden=vec![("server", t.server.clone()), ("scope_id", t.scope_id.clone())]
                                    title="Delete Scope"
                                    question
                                    flash=native.flash("scope")
                                    back="/scopes".to_string()
                                    cancel_href
                                    on_close
                                />
                            }
                                .into_any(),
                        )
                    }
                    Some("delete") => ip.map(|ip| {
                        let t = target.get();
                        let question = format!(
                            "Delete reservation {ip} from {} (and its failover partner)?",
                            t.server
                        );
                        view! {
                            <ConfirmDialog
                                form="reservation"
                                mode="delete"
                                hidden=vec![("server", t.server), ("scope_id", t.scope_id), ("ip_address", ip)]
                                title="Delete DHCP Reservation"
                                question
                                flash
                                back
                                cancel_href
                                on_close
                            />
                        }
                            .into_any()
                    }),
                    _ => None,
                }
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                let opened = match scope_opened.get() {
                    Some(opened) => opened,
                    // Asked for by the URL: rendered from the scope as read (on the server, and
                    // until the page's code has taken it, below).
                    None if native.asked().is_some_and(|(d, _)| d == "edit-scope") => {
                        let page = data.get().and_then(Result::ok)?;
                        Opened {
                            what: ScopeAsOpened::of(&page),
                            flash: native.flash("scope"),
                        }
                    }
                    None => return None,
                };
                let mode = ScopeDialogMode::Edit {
                    target: target.get_untracked(),
                    version: opened.what.version,
                    current: Box::new(opened.what.scope),
                };
                let on_close = Callback::new(move |()| {
                    scope_opened.set(None);
                    native.dismiss();
                });
                let (back, cancel_href) = (native.back(), native.cancel_href());
                Some(on_demand(scope_dialog_piece(ScopeDialogProps {
                    mode,
                    create: create_scope,
                    update: update_scope,
                    flash: opened.flash,
                    back,
                    cancel_href,
                    on_close,
                })))
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                let flash = match replicating.get() {
                    Some(opened) => opened.flash,
                    None if native.asked().is_some_and(|(d, _)| d == "replicate") => {
                        native.flash("scope")
                    }
                    None => return None,
                };
                let on_close = Callback::new(move |()| {
                    replicating.set(None);
                    native.dismiss();
                });
                let (back, cancel_href) = (native.back(), native.cancel_href());
                Some(on_demand(replicate_dialog_piece(ReplicateDialogProps {
                    what: ReplicateWhat::Scope(target.get_untracked()),
                    replicate: Some(replicate),
                    many: None,
                    flash,
                    back,
                    cancel_href,
                    on_close,
                })))
            }}
        </Transition>
        <Transition fallback=|| view! { <p class="muted">"Reading the scope…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok(page) => {
                            let q = state.get();
                            let t = target.get_untracked();
                            let path = crate::pages::reservations_url(&t.server, &t.scope_id);
                            view! {
                                {facts.div("server-facts", &page.facts_html, None, None)}
                                <h2>"Reservations"</h2>
                                <Form method="GET" action=path.clone()>
                                    <div class="filters" role="search" aria-label="Filter reservations">
                                        <input
                                            name="filter"
                                            placeholder="IP, MAC, name or description"
                                            aria-label="Filter reservations"
                                            value=q.filter.unwrap_or_default()
                                        />
                                        <button type="submit" class="secondary">"Filter"</button>
                                        <a class="button secondary" href=path>"Clear"</a>
                                    </div>
                                </Form>
                                {list.div("server-list", &page.list_html, None, Some(Callback::new(on_row_click)))}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[cfg(feature = "ssr")]
fn option_text(value: &OptionValue) -> String {
    value.text()
}

/// An option's name as a page shows it: Windows' for the seed's three, Kea's for the rest.
#[cfg(feature = "ssr")]
fn option_name(code: u8) -> &'static str {
    match code {
        3 => "Router",
        6 => "DNS Servers",
        15 => "DNS Domain Name",
        _ => tandem_core::options::name_of(code).unwrap_or(""),
    }
}
/// Scope Properties as HTML: the facts and differences, then the reservations' table and pager
/// (their filter is the page's own). The page shows them as they are and handles the rows'
/// links itself (`on_row_click`), so the browser needs none of the code that renders them.
#[cfg(feature = "ssr")]
pub(crate) fn render_properties(
    view: &ReservationsView,
    state: &ReservationQuery,
    can_edit: bool,
    pools: Option<super::scope_pools::ScopeForms>,
    hosts: Option<super::scope_pools::ScopeForms>,
    clear: bool,
) -> (String, String) {
    use crate::components::native::render_alone;
    let (v, s) = (view.clone(), state.clone());
    let facts = render_alone(move || view! { <ScopeFacts view=v pools hosts clear /> });
    let (v, s2) = (view.clone(), s);
    let list = render_alone(move || view! { <ReservationList view=v state=s2 can_edit /> });
    (facts, list)
}

#[cfg(feature = "ssr")]
#[component]
fn ScopeFacts(
    view: ReservationsView,
    pools: Option<super::scope_pools::ScopeForms>,
    hosts: Option<super::scope_pools::ScopeForms>,
    /// Whether Clear leases is offered (who may change the scope).
    clear: bool,
) -> impl IntoView {
    let row = view.row;
    let scope = view.scope;
    let exclusions = if scope.exclusions.is_empty() {
        view! { <span class="muted">"none"</span> }.into_any()
    } else {
        view! {
            <ul class="plain" id="exclusions">
                {scope.exclusions.iter().map(|x| view! { <li>{x.to_string()}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let options = if scope.options.is_empty() {
        view! { <span class="muted">"none"</span> }.into_any()
    } else {
        view! {
            <ul class="plain" id="options">
                {scope
                    .options
                    .iter()
                    .map(|(code, value)| {
                        // Its flags, kept as the server holds them: shown beside it.
                        let flags = scope.kept.as_ref().map(|k| {
                            let prefix = format!("option {code} ");
                            k.settings
                                .iter()
                                .filter_map(|(p, v)| {
                                    let flag = p.strip_prefix(&prefix)?;
                                    Some(match (flag, v.as_str()) {
                                        ("always-send", "true") => "always sent".to_string(),
                                        ("never-send", "true") => "never sent".to_string(),
                                        (flag, v) => format!("{flag} {v}"),
                                    })
                                })
                                .collect::<Vec<_>>()
                        });
                        let flags = flags
                            .filter(|f| !f.is_empty())
                            .map(|f| view! { <span class="muted">{format!(" ({})", f.join(", "))}</span> });
                        view! {
                            <li data-option=code.to_string()>
                                {match option_name(*code) {
                                    "" => format!("{code}: {}", option_text(value)),
                                    name => format!("{code} {name}: {}", option_text(value)),
                                }}
                                {flags}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let differences = match (&row.drift, &row.partner) {
        (Some(DriftStatus::OutOfSync { differences }), Some(partner))
            if !differences.is_empty() =>
        {
            let items = differences
                .iter()
                .map(|d| view! { <li>{d.describe(&row.server, partner)}</li> })
                .collect_view();
            Some(view! {
                <section class="differences">
                    <h2>{format!("What differs from {partner}'s copy")}</h2>
                    <ul id="differences">{items}</ul>
                </section>
            })
        }
        _ => None,
    };
    let lease = scope.lease_duration_secs;
    let kept = scope.kept.clone().unwrap_or_default();
    // The options its shared network gives every scope in it (kept: Tandem edits a scope's).
    let network_options = kept
        .settings
        .get("shared-network option-data")
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|v| v.as_array().cloned())
        .filter(|list| !list.is_empty())
        .map(|list| {
            let items = list
                .iter()
                .map(|o| view! { <li>{super::scope_pools::option_entry_text(o)}</li> })
                .collect_view();
            view! {
                <dt>"Shared network's options"</dt>
                <dd><ul class="plain settings" id="network-options">{items}</ul></dd>
            }
        });
    let shared_network = kept
        .shared_network()
        .map(str::to_string)
        .unwrap_or_else(|| "none".into());
    // What the server holds beyond what Tandem edits: shown, and kept as it is by every write
    // (the reservations without an address it shows on their own aside).
    let shown_host = |place: &str, text: &str| {
        place.starts_with("reservation by ")
            && tandem_backend::driver::kea::global_hosts::scope_host_of(text).is_some()
    };
    let kept_flat: Vec<(String, String)> = kept
        .flat()
        .into_iter()
        .filter(|(place, value)| !shown_host(place, value))
        .map(|(place, value)| (place, value.to_string()))
        .collect();
    let kept_settings = (!kept_flat.is_empty()).then(|| {
        let count = kept_flat.len();
        let items = kept_flat
            .into_iter()
            .map(|(place, value)| {
                let why = tandem_core::options::kept_why(&place)
                    .map(|why| view! { <br /><span class="muted">{why}</span> });
                view! { <dt>{place}</dt> <dd><code>{value.to_string()}</code>{why}</dd> }
            })
            .collect_view();
        view! {
            <details class="kept-settings" id="kept-settings">
                <summary>{format!("Kept as the server holds it: {count} settings Tandem does not edit")}</summary>
                <dl class="facts">{items}</dl>
            </details>
        }
    });
    view! {
        <dl class="facts">
            <dt>"Server"</dt>
            <dd id="scope-server">{row.server.to_string()}</dd>
            <dt>"Scope ID"</dt>
            <dd>{row.scope_id.to_string()}</dd>
            <dt>"Name"</dt>
            <dd id="scope-name">{scope.name.clone()}</dd>
            <dt>"Description"</dt>
            <dd>{scope.description.clone()}</dd>
            <dt>"Range"</dt>
            <dd id="scope-range">{format!("{} – {}", scope.range.start(), scope.range.end())}</dd>
            <dt>"Subnet mask"</dt>
            <dd>{scope.subnet_mask().to_string()}</dd>
            <dt>
                <abbr title="A Kea shared network: several subnets on one link, what Windows calls a superscope">
                    "Shared network"
                </abbr>
            </dt>
            <dd id="scope-shared-network">{shared_network}</dd>
            <dt>"Lease duration"</dt>
            <dd id="scope-lease">{format!("{lease} s ({})", tandem_core::text::duration(lease))}</dd>
            <dt>"State"</dt>
            <dd id="scope-state">{scope.state.as_str()}</dd>
            <dt>"Exclusion ranges"</dt>
            <dd>{exclusions}</dd>
            {super::scope_pools::pools_view(&scope, pools.as_ref()).map(|pools| view! { <dt>"Pools"</dt> <dd>{pools}</dd> })}
            {super::scope_hosts::hosts_view(&scope, hosts.as_ref()).map(|hosts| view! { <dt>"Reservations without an address"</dt> <dd>{hosts}</dd> })}
            <dt>"Option values"</dt>
            <dd>{options}</dd>
            {network_options}
            <dt>"Failover Relationship Name"</dt>
            <dd>{row.relationship.clone().unwrap_or_else(|| "not in failover".into())}</dd>
            <dt>"Failover Config Sync Status"</dt>
            <dd id="sync-status">{row.sync_error.clone().unwrap_or_default()}</dd>
            <dt>"Drift"</dt>
            <dd id="drift">
                <DriftBadge drift=row.drift.clone() server=row.server.clone() partner=row.partner.clone() />
            </dd>
            <dt>"Addresses"</dt>
            <dd id="scope-usage">
                <UsageMeter usage=row.usage />
                " "
                <span class="muted">{row.usage.map(|u| u.summary()).unwrap_or_else(|| "not read".into())}</span>
                {clear.then(|| super::leases::clear_form(&row.server.to_string(), &row.scope_id.to_string()))}
            </dd>
            {row.partner.clone().map(|partner| {
                view! {
                    <dt>{format!("On {partner}")}</dt>
                    <dd id="partner-usage">
                        <UsageMeter usage=view.partner_usage />
                        " "
                        <span class="muted">{view.partner_usage.map(|u| u.summary()).unwrap_or_else(|| "not read".into())}</span>
                    </dd>
                }
            })}
        </dl>
        {kept_settings}
        {differences}
    }
}

#[cfg(feature = "ssr")]
#[component]
fn ReservationList(
    view: ReservationsView,
    state: ReservationQuery,
    can_edit: bool,
) -> impl IntoView {
    let row = view.row;
    let scope = view.scope;
    let path = crate::pages::reservations_url(&row.server.to_string(), &row.scope_id.to_string());
    let scope_id = row.scope_id.to_string();
    let lines = view
        .reservations
        .into_iter()
        .map(|r| {
            let in_pool = scope.in_pool(r.ip_address);
            view! { <ReservationLine r in_pool scope_id=scope_id.clone() path=path.clone() can_edit /> }
        })
        .collect_view();
    let header = |label: &'static str, sort: ReservationSort| {
        let current = state.sort == sort;
        let link = href(&path, &state, |q| {
            q.descending = current && !q.descending;
            q.sort = sort;
            q.page.number = 1;
        });
        view! { <SortHeader label href=link current descending=state.descending /> }
    };
    let (pager_state, pager_path) = (state.clone(), path.clone());
    let link = Callback::new(move |n: u32| href(&pager_path, &pager_state, |q| q.page.number = n));
    let headers = view! {
        {header("IPAddress", ReservationSort::IpAddress)}
        <th>"ScopeId"</th>
        {header("ClientId", ReservationSort::ClientId)}
        <th title="How the reservation names its client: by MAC address (hw-address), client identifier, DUID, circuit ID or flex ID">"IdentifierType"</th>
        {header("Name", ReservationSort::Name)}
        {header("Type", ReservationSort::Type)}
    };
    view! {
        <div class="table-wrap">
        <table class="grid reservations">
            <thead>
                <tr>
                    {headers}
                    <th>"Description"</th>
                    <th title="The reservation's own settings: where its client boots from, and the client classes it puts it in">"Settings"</th>
                    <th title="Inside the addresses the scope hands out (Kea: its pools), or reserved outside them">"Pool"</th>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>{lines}</tbody>
        </table>
        </div>
        <Pager total=view.total page=view.page link />
    }
}

#[cfg(feature = "ssr")]
#[component]
fn ReservationLine(
    r: Reservation,
    /// Inside the addresses the scope hands out dynamically (Kea: one of its pools).
    in_pool: bool,
    scope_id: String,
    /// The page's path, for the links that open a dialog without JavaScript.
    path: String,
    can_edit: bool,
) -> impl IntoView {
    use crate::components::native::dialog_href;
    let ip = r.ip_address.to_string();
    // With the page's code, the links are handled by the page (`on_row_click`).
    let actions = can_edit.then(|| {
        view! {
            <div class="actions">
                <a
                    class="button small secondary"
                    role="button"
                    href=dialog_href(&path, "ip", "edit", Some(&ip))
                    data-edit=ip.clone()
                >
                    "Edit"
                </a>
                <a
                    class="button small danger"
                    role="button"
                    href=dialog_href(&path, "ip", "delete", Some(&ip))
                    data-delete=ip.clone()
                >
                    "Delete"
                </a>
            </div>
        }
    });
    view! {
        <tr data-ip=ip.clone()>
            <td data-label="IPAddress">{ip.clone()}</td>
            <td data-label="ScopeId">{scope_id}</td>
            <td data-label="ClientId">{r.client_id.to_string()}</td>
            <td data-label="IdentifierType" data-identifier=r.client_id.kind().as_str() title=r.client_id.kind().as_str()>
                {r.client_id.kind().label()}
            </td>
            <td data-label="Name">{r.name}</td>
            <td data-label="Type">{r.kind.to_string()}</td>
            <td data-label="Description">{r.description}</td>
            <td data-label="Settings" class="settings">{r.settings.words()}</td>
            <td data-label="Pool" data-in-pool=in_pool.to_string()>
                {if in_pool { "In pool" } else { "Outside pool" }}
            </td>
            <td data-label="Actions">{actions}</td>
        </tr>
    }
}

/// The scope as the Edit Scope dialog opened on it: its version then, and its properties.
#[derive(Debug, Clone, PartialEq)]
struct ScopeAsOpened {
    version: String,
    scope: ScopeInput,
}

impl ScopeAsOpened {
    fn of(page: &PropertiesView) -> Self {
        Self {
            version: page.version.clone(),
            scope: page.scope.clone(),
        }
    }
}

/// The reservation at `ip` as the scope was last read.
fn listed(
    data: Resource<Result<PropertiesView, AppError>>,
    ip: Option<&str>,
) -> Option<Reservation> {
    let ip = ip?;
    data.get()
        .and_then(Result::ok)?
        .reservations
        .into_iter()
        .find(|r| r.ip_address.to_string() == ip)
}
