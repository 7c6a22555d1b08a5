//! Failover Relationships: Name, Mode, Primary Server, Secondary Server, Primary Server
//! Status, Secondary Server Status, scopes and sync health; create, edit, delete, replicate,
//! set Partner Down; on Kea, put a partner in maintenance and back.

use crate::api::calls::action;
use crate::api::relationships::{
    DeleteRelationship, GetRelationship, RelationshipRef, SetMaintenance, SetPartnerDown,
};
use crate::api::scopes::ReplicateWhat;
use crate::components::dialog::on_demand;
use crate::components::native::{ConfirmDialog, NativeDialogs, Opened, clicked, posted};
use crate::components::notice::{Notice, NoticeBar};
use crate::components::progress::{Run, RunView};
use crate::components::relationship_dialog::{RelationshipDialogProps, relationship_dialog_piece};
use crate::components::replicate_dialog::{ReplicateDialogProps, replicate_dialog_piece};
use crate::components::server_html::ServerHtml;
use crate::components::table::use_query_state;
use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::components::Form;
use tandem_core::FailoverRelationship;
use tandem_core::access::Permission;
use tandem_core::views::RelationshipQuery;
#[cfg(feature = "ssr")]
use {
    crate::components::native::{PostButton, dialog_href},
    crate::components::table::{Pager, href},
    tandem_core::views::{RelationshipRow, RelationshipsPage, ServerStatus, read_at_label},
    tandem_core::{FailoverMode, FailoverState},
};

#[cfg(feature = "ssr")]
fn status_view(status: &ServerStatus) -> (String, String) {
    match status {
        ServerStatus::State { state, raw_state } => {
            let class = format!("badge state-{}", state.to_string().to_lowercase());
            let text = if raw_state == &state.to_string() {
                state.to_string()
            } else {
                format!("{state} ({raw_state})")
            };
            (class, text)
        }
        ServerStatus::Unreachable { reason } => (
            "badge state-unreachable".into(),
            format!("Unreachable: {reason}"),
        ),
    }
}

#[cfg(feature = "ssr")]
fn mode_text(r: &FailoverRelationship) -> String {
    match r.mode {
        FailoverMode::LoadBalance {
            load_balance_percent,
        } => format!("LoadBalance {}%", load_balance_percent.value()),
        FailoverMode::HotStandby {
            server_role,
            reserve_percent,
        } => {
            format!(
                "HotStandby ({server_role:?}, reserve {}%)",
                reserve_percent.value()
            )
        }
    }
}

#[component]
pub fn RelationshipsPage() -> impl IntoView {
    let ctx = PageContext::get();
    let notice = RwSignal::new(None::<Notice>);
    let create = action(crate::api::relationships::call_create_relationship);
    let update = action(crate::api::relationships::call_update_relationship);
    let delete = action(crate::api::relationships::call_delete_relationship);
    let run = RwSignal::new(None::<Run>);
    let many = action(crate::api::scopes::call_replicate_previewed);
    let state = use_query_state::<RelationshipQuery>();
    let partner_down = action(crate::api::relationships::call_set_partner_down);
    let maintain = action(crate::api::relationships::call_set_maintenance);
    // The Create dialog (`None`) or Edit for a relationship, as opened (on a click, or from the
    // URL once the page's code runs): the list read again never rebuilds it.
    let dialog = RwSignal::new(None::<Opened<Option<FailoverRelationship>>>);
    // Dialogs asked for by a link (`?dialog=new|edit|delete&relationship=…`), and what a
    // natively posted form left.
    let native = NativeDialogs::new("relationship");
    let close = move || {
        dialog.set(None);
        native.dismiss();
    };
    let rows = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                delete.version().get(),
                partner_down.version().get(),
                maintain.version().get(),
                many.version().get(),
                ctx.live.get(),
                state.get(),
            )
        },
        |(.., query)| {
            crate::api::relationships::call_relationship_list(
                crate::api::relationships::RelationshipList { query },
            )
        },
    );
    let list = ServerHtml::new(move || rows.get().and_then(Result::ok));
    // The rows are the server's HTML: their forms are handled here (Edit and Replicate… are
    // links to this page with the dialog asked for, which the router follows in place).
    let on_row_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some((mode, field)) = posted(&ev) else {
            return;
        };
        let target = RelationshipRef {
            server: field("server"),
            name: field("name"),
        };
        match mode.as_str() {
            "partner-down" => {
                ev.prevent_default();
                partner_down.dispatch(SetPartnerDown { target });
            }
            "maintenance-start" | "maintenance-end" => {
                ev.prevent_default();
                let on = mode == "maintenance-start";
                maintain.dispatch(SetMaintenance { target, on });
            }
            _ => {}
        }
    };
    let on_row_click = move |ev: leptos::ev::MouseEvent| {
        let Some(link) = clicked(&ev, "a[data-delete]") else {
            return;
        };
        ev.prevent_default();
        let question = link.get_attribute("data-question").unwrap_or_default();
        if window().confirm_with_message(&question).unwrap_or(false) {
            delete.dispatch(DeleteRelationship {
                target: RelationshipRef {
                    server: link.get_attribute("data-server").unwrap_or_default(),
                    name: link.get_attribute("data-delete").unwrap_or_default(),
                },
            });
        }
    };
    // The relationship a dialog asked for by the URL is for (it need not be on this page).
    let named = Resource::new(
        move || native.asked().and_then(|(_, name)| name),
        |name| async move {
            match name {
                Some(name) => {
                    crate::api::relationships::call_get_relationship(GetRelationship { name })
                        .await
                        .ok()
                        .flatten()
                        .map(|r| r.relationship)
                }
                None => None,
            }
        },
    );
    native.take_into("relationship", dialog, move |asked, name| match asked {
        "new" => Some(None),
        "edit" => named_relationship(named, name.as_deref()).map(Some),
        _ => None,
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = create.value().get() {
            close();
            notice.set(Some(Notice::Done(format!(
                "Relationship {} created on {} and {}.",
                r.name, r.primary_server, r.secondary_server
            ))));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = update.value().get() {
            close();
            notice.set(Some(Notice::Done(format!(
                "Relationship {} saved on both servers.",
                r.name
            ))));
        }
    });
    Effect::new(move |_| {
        if let Some(result) = delete.value().get() {
            close();
            notice.set(Some(match result {
                Ok(scopes) if scopes.is_empty() => {
                    Notice::Done("Relationship deleted from both servers.".into())
                }
                Ok(scopes) => Notice::Done(format!(
                    "Relationship deleted from both servers; {} scope(s) taken out of failover (deleted on the partner).",
                    scopes.len()
                )),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    Effect::new(move |_| {
        // A refusal stays in the dialog, with the preview read again.
        if let Some(Ok(results)) = many.value().get() {
            native.dismiss();
            run.set(Some(Run::finished(results)));
        }
    });
    Effect::new(move |_| {
        if let Some(result) = partner_down.value().get() {
            notice.set(Some(match result {
                Ok(state) => Notice::Done(format!("Partner Down set: the server is now {state}.")),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    Effect::new(move |_| {
        if let Some(result) = maintain.value().get() {
            notice.set(Some(match result {
                Ok(state) => Notice::Done(format!("Done: the server is now {state}.")),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    let filters = move || {
        let q = state.get();
        view! {
            <Form method="GET" action="/relationships">
                <div class="filters" role="search" aria-label="Filter relationships">
                    <input
                        name="name"
                        placeholder="Name or server"
                        aria-label="Relationship or server name"
                        value=q.name.clone().unwrap_or_default()
                    />
                    <select name="filter" aria-label="Health">
                        <option value="" selected=!q.not_normal>"Any health"</option>
                        <option value="not-normal" selected=q.not_normal>"Not Normal"</option>
                    </select>
                    <button type="submit" class="secondary">"Filter"</button>
                    <a class="button secondary" href="/relationships">"Clear"</a>
                </div>
            </Form>
        }
    };
    view! {
        <h1>"Failover Relationships"</h1>
        <NoticeBar notice />
        <Transition fallback=|| ()>
            {native.notice(notice)}
            <Show when=move || ctx.can(Permission::ManageRelationships)>
                <div class="toolbar">
                    <a
                        id="create-relationship"
                        class="button"
                        role="button"
                        href=move || native.href("new", None)
                        on:click=move |ev| {
                            ev.prevent_default();
                            dialog.set(Some(Opened::new(None)));
                        }
                    >
                        "Create Relationship…"
                    </a>
                </div>
            </Show>
        </Transition>
        <RunView run />
        <Transition fallback=|| ()>
            {move || {
                // Asked for by the URL (the row's link, followed in place once the code runs).
                let (asked, name) = native.asked()?;
                let r = (asked == "replicate")
                    .then(|| named_relationship(named, name.as_deref()))??;
                let what = ReplicateWhat::Relationship { server: r.primary_server.to_string(), name: r.name };
                let flash = native.flash("scope");
                let on_close = Callback::new(move |()| native.dismiss());
                let (back, cancel_href) = (native.back(), native.cancel_href());
                Some(on_demand(replicate_dialog_piece(ReplicateDialogProps { what, replicate: None, many: Some(many), flash, back, cancel_href, on_close })))
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                let named = |name: &Option<String>| named_relationship(named, name.as_deref());
                let (back, cancel_href) = (native.back(), native.cancel_href());
                let on_close = Callback::new(move |()| close());
                if let Some(Opened { what: existing, flash }) = dialog.get() {
                    return Some(
                        on_demand(relationship_dialog_piece(RelationshipDialogProps { existing, create, update, flash, back, cancel_href, on_close }))
                            .into_any(),
                    );
                }
                // Asked for by the URL: rendered as read (on the server, and until the page's
                // code has taken it; a deletion is only confirmed, and stays with the URL).
                let (asked, name) = native.asked()?;
                let flash = native.flash("relationship");
                match asked.as_str() {
                    "new" => Some(
                        on_demand(relationship_dialog_piece(RelationshipDialogProps { existing: None, create, update, flash, back, cancel_href, on_close }))
                            .into_any(),
                    ),
                    "edit" => named(&name).map(|r| {
                        on_demand(relationship_dialog_piece(RelationshipDialogProps { existing: Some(r), create, update, flash, back, cancel_href, on_close }))
                            .into_any()
                    }),
                    "delete" => named(&name).map(|r| {
                        // Run on the primary.
                        let question = format!(
                            "Delete relationship {} from both servers? Scopes in it are taken out of failover first.",
                            r.name
                        );
                        view! {
                            <ConfirmDialog
                                form="relationship"
                                mode="delete"
                                hidden=vec![("server", r.primary_server.to_string()), ("name", r.name)]
                                title="Delete Failover Relationship"
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
        {filters}
        <Transition fallback=|| view! { <p class="muted">"Reading the failover states…"</p> }>
            {move || {
                rows.get()
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

/// Failover Relationships' list, as HTML: the rows and the pager. The page shows it as it is
/// and handles the rows' forms and links itself (`on_row_submit`, `on_row_click`), so the
/// browser needs none of the code that renders it.
#[cfg(feature = "ssr")]
pub(crate) fn render_list(
    page: RelationshipsPage,
    state: RelationshipQuery,
    manage: bool,
) -> String {
    crate::components::native::render_alone(move || {
        view! { <RelationshipsTable page state manage /> }
    })
}

#[cfg(feature = "ssr")]
#[component]
fn RelationshipsTable(
    page: RelationshipsPage,
    state: RelationshipQuery,
    manage: bool,
) -> impl IntoView {
    // Where a row's form, posted before the page's code runs, comes back to.
    let back = format!(
        "/relationships{}",
        tandem_core::views::QueryState::to_query_string(&state)
    );
    let lines = page
        .rows
        .into_iter()
        .map(|row| view! { <RelationshipLine row manage back=back.clone() /> })
        .collect_view();
    let link = Callback::new(move |n: u32| href("/relationships", &state, |x| x.page.number = n));
    view! {
        <div class="table-wrap">
            <table class="grid relationships">
                <thead>
                    <tr>
                        <th>"Name"</th>
                        <th>"Mode"</th>
                        <th>"Primary Server"</th>
                        <th>"Secondary Server"</th>
                        <th>"Primary Server Status"</th>
                        <th>"Secondary Server Status"</th>
                        <th>"Scopes"</th>
                        <th>"Sync errors"</th>
                        <th>"Actions"</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </div>
        <Pager total=page.total page=page.page link />
    }
}

#[cfg(feature = "ssr")]
#[component]
fn RelationshipLine(row: RelationshipRow, manage: bool, back: String) -> impl IntoView {
    let r = row.relationship.clone();
    let (p_class, p_text) = status_view(&row.primary_status);
    let (s_class, s_text) = status_view(&row.secondary_status);
    // A page lists a relationship's scope IDs only when there are few (otherwise a count).
    let listed = r.scopes.len() == row.scope_count;
    let scope_list = r
        .scopes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let scope_count = row.scope_count;
    let scopes_text = if listed {
        scope_list.clone()
    } else {
        format!("{scope_count} scopes")
    };
    // Partner Down is offered on the server whose communication is interrupted.
    let interrupted = |s: &ServerStatus| {
        matches!(
            s,
            ServerStatus::State {
                state: FailoverState::CommunicationInterrupted,
                ..
            }
        )
    };
    // Some servers (Kea) go to partner-down by themselves and offer maintenance instead.
    let down_on = if !row.partner_down {
        None
    } else if interrupted(&row.primary_status) {
        Some(r.primary_server.to_string())
    } else if interrupted(&row.secondary_status) {
        Some(r.secondary_server.to_string())
    } else {
        None
    };
    let name = r.name.clone();
    let primary = r.primary_server.to_string();
    let sync_class = if row.sync_errors > 0 { "not-ok" } else { "" };
    let per_scope = row.failover_per_scope;
    // With the page's code: the browser's own confirmation, then the deletion.
    let question = if !per_scope {
        format!("Delete relationship {name} from both servers? Their scopes stay on both.")
    } else if scope_count == 0 {
        format!("Delete relationship {name} from both servers?")
    } else if !listed {
        format!(
            "Delete relationship {name}? Its {scope_count} scopes are first taken out of failover: deleted on the partner, kept on {primary}."
        )
    } else {
        format!(
            "Delete relationship {name}? Its scopes ({scope_list}) are first taken out of failover: deleted on the partner, kept on {primary}."
        )
    };
    let link = |dialog: &str| dialog_href("/relationships", "relationship", dialog, Some(&name));
    let actions = manage.then(|| {
        // Pressed once the page's code runs: handled by the page (`on_row_submit`).
        let press = Callback::new(|()| {});
        let down = down_on.clone().map(|server| {
            view! {
                <PostButton
                    form="relationship"
                    mode="partner-down"
                    hidden=vec![("server", server), ("name", name.clone())]
                    back=back.clone()
                    on_press=press
                    label="Set Partner Down"
                    class="small danger"
                    action="partner-down"
                />
            }
        });
        let maintenance = row.maintenance.then(|| maintenance_buttons(&row, back.clone()));
        view! {
            <div class="actions">
                // Opened by the URL (the page's router, or a new page without JavaScript).
                <a class="button small secondary" role="button" href=link("edit")>
                    "Edit"
                </a>
                <a
                    class="button small"
                    role="button"
                    href=link("replicate")
                    title="Overwrite the secondary's copies of every scope with the primary's, after a preview"
                >
                    "Replicate…"
                </a>
                {down}
                {maintenance}
                <a
                    class="button small danger"
                    role="button"
                    href=link("delete")
                    data-delete=name.clone()
                    data-server=primary.clone()
                    data-question=question
                >
                    "Delete"
                </a>
            </div>
        }
    });
    view! {
        <tr data-relationship=name.clone()>
            <td data-label="Name">{name.clone()}</td>
            <td data-label="Mode">{mode_text(&r)}</td>
            <td data-label="Primary Server">{primary.clone()}</td>
            <td data-label="Secondary Server">{r.secondary_server.to_string()}</td>
            // One cell's content in one box: on a phone the cell is a grid of label and value.
            <td data-label="Primary Server Status">
                <span class="status-cell">
                    <span class=p_class data-status="primary">{p_text}</span>
                    " "
                    <small class="muted read-at" data-read="primary" title=row.primary_read_at.clone().unwrap_or_default()>
                        {read_at_label(row.primary_read_at.as_deref())}
                    </small>
                </span>
            </td>
            <td data-label="Secondary Server Status">
                <span class="status-cell">
                    <span class=s_class data-status="secondary">{s_text}</span>
                    " "
                    <small class="muted read-at" data-read="secondary" title=row.secondary_read_at.clone().unwrap_or_default()>
                        {read_at_label(row.secondary_read_at.as_deref())}
                    </small>
                </span>
            </td>
            <td data-label="Scopes">{scopes_cell(&r.name, scopes_text, scope_count)}</td>
            <td data-label="Sync errors" class=sync_class>{row.sync_errors}</td>
            <td data-label="Actions">{actions}</td>
        </tr>
    }
}

/// A relationship's scopes (`text`: their IDs when the page lists them, otherwise how many),
/// linked to the DHCP Scopes view filtered by the relationship.
#[cfg(feature = "ssr")]
fn scopes_cell(name: &str, text: String, count: usize) -> AnyView {
    if count == 0 {
        return view! { <span class="muted">"none"</span> }.into_any();
    }
    let link = format!(
        "/scopes?relationship={}",
        tandem_core::text::percent_encode(name, "")
    );
    view! { <a href=link data-scopes=count>{text}</a> }.into_any()
}

/// Maintenance (Kea): while one server is `partner-in-maintenance`, End maintenance on it;
/// otherwise one server can be put in maintenance, its partner serving every client.
#[cfg(feature = "ssr")]
fn maintenance_buttons(row: &RelationshipRow, back: String) -> AnyView {
    let r = &row.relationship;
    let raw = |s: &ServerStatus| match s {
        ServerStatus::State { raw_state, .. } => raw_state.clone(),
        ServerStatus::Unreachable { .. } => String::new(),
    };
    let button = move |server: String, on: bool, label: String, title: String| {
        let action = if on {
            "maintenance-start"
        } else {
            "maintenance-end"
        };
        view! {
            <PostButton
                form="relationship"
                mode=action
                hidden=vec![("server", server), ("name", r.name.clone())]
                back=back.clone()
                on_press=Callback::new(|()| {})
                label
                class="small secondary"
                action
                title
            />
        }
    };
    let (p, s) = (r.primary_server.to_string(), r.secondary_server.to_string());
    if raw(&row.primary_status) == "partner-in-maintenance" {
        return button(
            p,
            false,
            "End maintenance".into(),
            format!("{s} serves again"),
        )
        .into_any();
    }
    if raw(&row.secondary_status) == "partner-in-maintenance" {
        return button(
            s,
            false,
            "End maintenance".into(),
            format!("{p} serves again"),
        )
        .into_any();
    }
    view! {
        {button(p.clone(), true, "Maintain secondary".into(), format!("{p} serves every client while {s} is maintained"))}
        {button(s.clone(), true, "Maintain primary".into(), format!("{s} serves every client while {p} is maintained"))}
    }
    .into_any()
}

/// The relationship `name`, once read for the dialog the URL asks for.
fn named_relationship(
    named: Resource<Option<FailoverRelationship>>,
    name: Option<&str>,
) -> Option<FailoverRelationship> {
    let name = name?;
    named.get()?.filter(|r| r.name == name)
}
