//! Failover Relationships: Name, Mode, Primary Server, Secondary Server, Primary Server
//! Status, Secondary Server Status, scopes and sync health; create, edit, delete, replicate,
//! set Partner Down; on Kea, put a partner in maintenance and back.

use crate::api::calls::{Call, action};
use crate::api::forms::Flash;
use crate::api::relationships::{
    CreateRelationship, CreateRelationshipInput, DeleteRelationship, GetRelationship,
    RelationshipRef, SetMaintenance, SetPartnerDown, UpdateRelationship, UpdateRelationshipInput,
};
use crate::api::scopes::ReplicateWhat;
use crate::components::dialog::{DialogFooter, on_demand};
use crate::components::native::{ConfirmDialog, NativeDialogs, Opened, PostButton};
use crate::components::notice::{Notice, NoticeBar};
use crate::components::progress::{Run, RunView};
use crate::components::replicate_dialog::{ReplicateDialogProps, replicate_dialog_piece};
use crate::components::table::{Pager, href, use_query_state};
use crate::error::AppError;
use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::components::Form;
use tandem_core::access::Permission;
use tandem_core::failover_rules::NewRelationship;
use tandem_core::views::{RelationshipQuery, RelationshipRow, ServerStatus, read_at_label};
use tandem_core::{FailoverMode, FailoverRelationship, FailoverState, ServerRole};

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

/// The dialog's fields from an existing relationship (the secret is never read back).
fn form_of(r: &FailoverRelationship) -> NewRelationship {
    let (mode, lb, role, reserve) = match r.mode {
        FailoverMode::LoadBalance {
            load_balance_percent,
        } => (
            "LoadBalance",
            load_balance_percent.value().to_string(),
            String::new(),
            String::new(),
        ),
        FailoverMode::HotStandby {
            server_role,
            reserve_percent,
        } => (
            "HotStandby",
            String::new(),
            format!("{server_role:?}"),
            reserve_percent.value().to_string(),
        ),
    };
    NewRelationship {
        name: r.name.clone(),
        primary_server: r.primary_server.to_string(),
        secondary_server: r.secondary_server.to_string(),
        mode: mode.into(),
        load_balance_percent: lb,
        server_role: role,
        reserve_percent: reserve,
        max_client_lead_time_secs: r.max_client_lead_time_secs.to_string(),
        auto_state_transition: r.auto_state_transition,
        state_switch_interval_secs: r
            .state_switch_interval_secs
            .map(|s| s.to_string())
            .unwrap_or_default(),
        enable_auth: r.enable_auth,
        shared_secret: String::new(),
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
    // What the Replicate dialog (a preview first) is open for, opened by a click.
    let replicating = RwSignal::new(None::<ReplicateWhat>);
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
            crate::api::relationships::call_list_relationships(
                crate::api::relationships::ListRelationships { query },
            )
        },
    );
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
            replicating.set(None);
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
                let what = match replicating.get() {
                    Some(what) => what,
                    None => {
                        let (asked, name) = native.asked()?;
                        let r = (asked == "replicate")
                            .then(|| named_relationship(named, name.as_deref()))??;
                        ReplicateWhat::Relationship { server: r.primary_server.to_string(), name: r.name }
                    }
                };
                let flash = native.flash("scope");
                let on_close = Callback::new(move |()| {
                    replicating.set(None);
                    native.dismiss();
                });
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
                        Ok(page) => {
                            let manage = ctx.can(Permission::ManageRelationships);
                            let lines = page
                                .rows
                                .into_iter()
                                .map(|row| view! { <RelationshipLine row manage delete replicating partner_down maintain dialog native /> })
                                .collect_view();
                            let pager_state = state.get();
                            let link = Callback::new(move |n: u32| {
                                href("/relationships", &pager_state, |x| x.page.number = n)
                            });
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
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn RelationshipLine(
    row: RelationshipRow,
    manage: bool,
    delete: Call<DeleteRelationship>,
    replicating: RwSignal<Option<ReplicateWhat>>,
    partner_down: Call<SetPartnerDown>,
    maintain: Call<SetMaintenance>,
    dialog: RwSignal<Option<Opened<Option<FailoverRelationship>>>>,
    native: NativeDialogs,
) -> impl IntoView {
    let r = row.relationship.clone();
    let back = native.back();
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
    let for_edit = r.clone();
    let sync_class = if row.sync_errors > 0 { "not-ok" } else { "" };
    let per_scope = row.failover_per_scope;
    let maintenance = row
        .maintenance
        .then(|| maintenance_buttons(&row, maintain, back.clone()));
    let on_delete = {
        let (name, primary) = (name.clone(), primary.clone());
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
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
            if window().confirm_with_message(&question).unwrap_or(false) {
                delete.dispatch(DeleteRelationship {
                    target: RelationshipRef {
                        server: primary.clone(),
                        name: name.clone(),
                    },
                });
            }
        }
    };
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
            <td data-label="Actions">
                {manage
                    .then(|| {
                        let down = down_on.clone().map(|server| {
                            let target = RelationshipRef { server: server.clone(), name: name.clone() };
                            view! {
                                <PostButton
                                    form="relationship"
                                    mode="partner-down"
                                    hidden=vec![("server", server), ("name", name.clone())]
                                    back=back.clone()
                                    on_press=Callback::new(move |()| {
                                        partner_down.dispatch(SetPartnerDown { target: target.clone() });
                                    })
                                    label="Set Partner Down"
                                    class="small danger"
                                    action="partner-down"
                                />
                            }
                        });
                        let what = ReplicateWhat::Relationship { server: primary.clone(), name: name.clone() };
                        view! {
                            <div class="actions">
                                <a
                                    class="button small secondary"
                                    role="button"
                                    href=native.href("edit", Some(&name))
                                    on:click=move |ev| {
                                        ev.prevent_default();
                                        dialog.set(Some(Opened::new(Some(for_edit.clone()))));
                                    }
                                >
                                    "Edit"
                                </a>
                                <a
                                    class="button small"
                                    role="button"
                                    href=native.href("replicate", Some(&name))
                                    title="Overwrite the secondary's copies of every scope with the primary's, after a preview"
                                    on:click=move |ev| {
                                        ev.prevent_default();
                                        replicating.set(Some(what.clone()));
                                    }
                                >
                                    "Replicate…"
                                </a>
                                {down}
                                {maintenance}
                                <a
                                    class="button small danger"
                                    role="button"
                                    href=native.href("delete", Some(&name))
                                    on:click=on_delete.clone()
                                >
                                    "Delete"
                                </a>
                            </div>
                        }
                    })}
            </td>
        </tr>
    }
}

/// A relationship's scopes (`text`: their IDs when the page lists them, otherwise how many),
/// linked to the DHCP Scopes view filtered by the relationship.
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

/// The fields of the relationship dialog that show their own errors.
const SHOWN_AT_FIELD: [&str; 11] = [
    "name",
    "primary_server",
    "secondary_server",
    "mode",
    "load_balance_percent",
    "server_role",
    "reserve_percent",
    "max_client_lead_time_secs",
    "state_switch_interval_secs",
    "enable_auth",
    "shared_secret",
];

/// Maintenance (Kea): while one server is `partner-in-maintenance`, End maintenance on it;
/// otherwise one server can be put in maintenance, its partner serving every client.
fn maintenance_buttons(
    row: &RelationshipRow,
    maintain: Call<SetMaintenance>,
    back: String,
) -> AnyView {
    let r = &row.relationship;
    let raw = |s: &ServerStatus| match s {
        ServerStatus::State { raw_state, .. } => raw_state.clone(),
        ServerStatus::Unreachable { .. } => String::new(),
    };
    let button = move |server: String, on: bool, label: String, title: String| {
        let target = RelationshipRef {
            server: server.clone(),
            name: r.name.clone(),
        };
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
                on_press=Callback::new(move |()| {
                    maintain.dispatch(SetMaintenance { target: target.clone(), on });
                })
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

/// [`RelationshipDialog`] as a piece of the bundle of its own (see [`on_demand`]).
#[lazy]
pub(crate) fn relationship_dialog_piece(props: RelationshipDialogProps) -> AnyView {
    RelationshipDialog(props).into_any()
}

/// Create or edit a relationship. Editing keeps the servers and scopes; the shared secret is
/// write-only (left empty, it stays as it was).
#[component]
pub(crate) fn RelationshipDialog(
    existing: Option<FailoverRelationship>,
    create: Call<CreateRelationship>,
    update: Call<UpdateRelationship>,
    /// What the same form, posted natively, left (never the shared secret).
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let is_edit = existing.is_some();
    let mut start = existing
        .as_ref()
        .map(form_of)
        .unwrap_or_else(|| NewRelationship {
            mode: "LoadBalance".into(),
            load_balance_percent: "50".into(),
            reserve_percent: "5".into(),
            server_role: "Active".into(),
            max_client_lead_time_secs: "3600".into(),
            ..Default::default()
        });
    let mut typed_scopes = String::new();
    if let Some(f) = flash.as_ref().filter(|f| f.error.is_some()) {
        let text = |name: &str, or: &mut String| {
            if let Some(v) = f.value(name) {
                *or = v;
            }
        };
        if !is_edit {
            text("primary_server", &mut start.primary_server);
            text("secondary_server", &mut start.secondary_server);
            text("name", &mut start.name);
            text("scopes", &mut typed_scopes);
        }
        text("mode_of", &mut start.mode);
        text("load_balance_percent", &mut start.load_balance_percent);
        text("server_role", &mut start.server_role);
        text("reserve_percent", &mut start.reserve_percent);
        text(
            "max_client_lead_time_secs",
            &mut start.max_client_lead_time_secs,
        );
        text(
            "state_switch_interval_secs",
            &mut start.state_switch_interval_secs,
        );
        start.auto_state_transition = f.value("auto_state_transition").is_some();
        start.enable_auth = f.value("enable_auth").is_some();
    }
    // An edit's fixed fields are shown disabled (so not sent): they travel hidden.
    let hidden = is_edit.then(|| {
        (
            start.name.clone(),
            start.primary_server.clone(),
            start.secondary_server.clone(),
        )
    });
    let form = RwSignal::new(start);
    let scopes = RwSignal::new(typed_scopes);
    let submitted = RwSignal::new(false);
    let flash_error = StoredValue::new(flash.and_then(|f| f.error));
    let error = move || {
        if !submitted.get() {
            return flash_error.get_value();
        }
        if is_edit {
            update.value().get().and_then(Result::err)
        } else {
            create.value().get().and_then(Result::err)
        }
    };
    let field_error = move |f: &'static str| move || error().and_then(|e: AppError| e.field(f));
    let general = move || {
        error().and_then(|e| match &e {
            // What no field of the form shows: the scopes, and what a server refused as a whole.
            AppError::Validation(errors) => {
                let rest: Vec<String> = errors
                    .0
                    .iter()
                    .filter(|f| f.field == "scopes" || !SHOWN_AT_FIELD.contains(&f.field.as_str()))
                    .map(|f| f.message.clone())
                    .collect();
                (!rest.is_empty()).then(|| rest.join("; "))
            }
            _ => Some(e.to_string()),
        })
    };
    let name_for_update = existing.as_ref().map(|r| r.name.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        let relationship = form.get();
        match &name_for_update {
            Some(name) => {
                update.dispatch(UpdateRelationship {
                    input: UpdateRelationshipInput {
                        name: name.clone(),
                        relationship,
                    },
                });
            }
            None => {
                let scopes = scopes
                    .get()
                    .split([',', ' '])
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_string)
                    .collect();
                create.dispatch(CreateRelationship {
                    input: CreateRelationshipInput {
                        relationship,
                        scopes,
                    },
                });
            }
        }
    };
    let text = move |id: &'static str,
                     label: &'static str,
                     get: fn(&NewRelationship) -> String,
                     set: fn(&mut NewRelationship, String),
                     fixed: bool| {
        let err = field_error(id);
        view! {
            <label for=id>{label}</label>
            <input
                id=id
                name=id
                disabled=fixed
                value=form.with_untracked(get)
                prop:value=move || form.with(get)
                on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))
                class:invalid=move || err().is_some()
            />
            <span class="field-error" data-error-for=id>{err}</span>
        }
        .into_any()
    };
    let hot_at_start = form.with_untracked(|f| f.mode.eq_ignore_ascii_case("HotStandby"));
    let standby_at_start = form.with_untracked(|f| f.server_role.eq_ignore_ascii_case("Standby"));
    let title = if is_edit {
        "Edit Failover Relationship"
    } else {
        "Create Failover Relationship"
    };
    view! {
        <div class="dialog-backdrop" data-piece="relationship_dialog_piece">
            <form
                class="dialog relationship"
                role="dialog"
                aria-modal="true"
                aria-label=title
                method="post"
                action="/forms/relationship"
                on:submit=on_submit
            >
                <h2>{title}</h2>
                <input type="hidden" name="mode" value=if is_edit { "edit" } else { "create" } />
                <input type="hidden" name="back" value=back />
                {hidden.map(|(name, primary, secondary)| view! {
                    <input type="hidden" name="name" value=name />
                    <input type="hidden" name="primary_server" value=primary />
                    <input type="hidden" name="secondary_server" value=secondary />
                })}
                <div class="form-grid">
                    {text("primary_server", "Primary server", |f| f.primary_server.clone(), |f, v| f.primary_server = v, is_edit)}
                    {text("secondary_server", "Partner server", |f| f.secondary_server.clone(), |f, v| f.secondary_server = v, is_edit)}
                    {text("name", "Name (default: primary-partner)", |f| f.name.clone(), |f, v| f.name = v, is_edit)}
                    {(!is_edit).then(|| view! {
                        <label for="scopes">"Scopes (on the primary)"</label>
                        <input id="scopes" name="scopes" placeholder="10.0.0.0, 10.1.0.0" value=scopes.get_untracked() prop:value=move || scopes.get()
                            on:input=move |ev| scopes.set(event_target_value(&ev)) />
                        <span class="field-error" data-error-for="scopes"></span>
                    })}
                    <label for="mode">"Mode"</label>
                    <select id="mode" name="mode_of" prop:value=move || form.with(|f| f.mode.clone())
                        on:change=move |ev| form.update(|f| f.mode = event_target_value(&ev))>
                        <option value="LoadBalance" selected=!hot_at_start>"Load balance"</option>
                        <option value="HotStandby" selected=hot_at_start>"Hot standby"</option>
                    </select>
                    <span class="field-error" data-error-for="mode">{field_error("mode")}</span>
                    // Each mode's own fields; the other mode's are hidden by the style sheet
                    // from the chosen option, so that this works without JavaScript too.
                    <div class="mode-fields load-balance">
                        {text("load_balance_percent", "Load balance % (primary's share)", |f| f.load_balance_percent.clone(), |f, v| f.load_balance_percent = v, false)}
                    </div>
                    <div class="mode-fields hot-standby">
                        <label for="server_role">"Primary's role"</label>
                        <select id="server_role" name="server_role" prop:value=move || form.with(|f| f.server_role.clone())
                            on:change=move |ev| form.update(|f| f.server_role = event_target_value(&ev))>
                            <option value="Active" selected=!standby_at_start>{format!("{:?}", ServerRole::Active)}</option>
                            <option value="Standby" selected=standby_at_start>{format!("{:?}", ServerRole::Standby)}</option>
                        </select>
                        <span class="field-error" data-error-for="server_role">{field_error("server_role")}</span>
                        {text("reserve_percent", "Reserve % (for the standby)", |f| f.reserve_percent.clone(), |f, v| f.reserve_percent = v, false)}
                    </div>
                    {text("max_client_lead_time_secs", "MCLT (seconds)", |f| f.max_client_lead_time_secs.clone(), |f, v| f.max_client_lead_time_secs = v, false)}
                    <label for="auto_state_transition">"Auto state transition"</label>
                    <input id="auto_state_transition" name="auto_state_transition" type="checkbox" class="checkbox"
                        checked=form.with_untracked(|f| f.auto_state_transition)
                        prop:checked=move || form.with(|f| f.auto_state_transition)
                        on:change=move |ev| form.update(|f| f.auto_state_transition = event_target_checked(&ev)) />
                    <span class="field-error"></span>
                    {text("state_switch_interval_secs", "State switch interval (seconds)", |f| f.state_switch_interval_secs.clone(), |f, v| f.state_switch_interval_secs = v, false)}
                    <label for="enable_auth">"Message authentication"</label>
                    <input id="enable_auth" name="enable_auth" type="checkbox" class="checkbox"
                        checked=form.with_untracked(|f| f.enable_auth)
                        prop:checked=move || form.with(|f| f.enable_auth)
                        on:change=move |ev| form.update(|f| f.enable_auth = event_target_checked(&ev)) />
                    <span class="field-error" data-error-for="enable_auth">{field_error("enable_auth")}</span>
                    <label for="shared_secret">{if is_edit { "Shared secret (empty: unchanged)" } else { "Shared secret" }}</label>
                    <input id="shared_secret" name="shared_secret" type="password" autocomplete="new-password"
                        prop:value=move || form.with(|f| f.shared_secret.clone())
                        on:input=move |ev| form.update(|f| f.shared_secret = event_target_value(&ev)) />
                    <span class="field-error" data-error-for="shared_secret">{field_error("shared_secret")}</span>
                </div>
                <DialogFooter
                    error=Signal::derive(general)
                    busy=Signal::derive(move || create.pending().get() || update.pending().get())
                    on_cancel=move || on_close.run(())
                    cancel_href
                />
            </form>
        </div>
    }
}

/// The relationship `name`, once read for the dialog the URL asks for.
fn named_relationship(
    named: Resource<Option<FailoverRelationship>>,
    name: Option<&str>,
) -> Option<FailoverRelationship> {
    let name = name?;
    named.get()?.filter(|r| r.name == name)
}
