//! Reservations of one scope on one server, with the Create DHCP Reservation dialog, delete,
//! and Replicate Scope.

use crate::api::reservations::{
    CreateReservation, CreateReservationInput, DeleteReservation, DeleteReservationInput,
    list_reservations,
};
use crate::api::scopes::{ReplicateScope, ScopeRef};
use crate::components::badges::DriftBadge;
use crate::components::notice::{Notice, NoticeBar};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tandem_core::validate::NewReservation;
use tandem_core::views::ReservationsView;
use tandem_core::{Reservation, ReservationType};

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
    let notice = RwSignal::new(None::<Notice>);
    let create = ServerAction::<CreateReservation>::new();
    let delete = ServerAction::<DeleteReservation>::new();
    let replicate = ServerAction::<ReplicateScope>::new();
    let dialog_open = RwSignal::new(false);
    let data = Resource::new(
        move || {
            (
                target.get(),
                create.version().get(),
                delete.version().get(),
                replicate.version().get(),
            )
        },
        |(t, ..)| list_reservations(t),
    );
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = create.value().get() {
            dialog_open.set(false);
            notice.set(Some(Notice::from_change("Reservation created", &outcome)));
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
    Effect::new(move |_| {
        if let Some(result) = replicate.value().get() {
            notice.set(Some(Notice::from_replication(&result)));
        }
    });
    view! {
        <p class="crumbs">
            <a href="/">"DHCP Scopes"</a>
            " › "
            {move || format!("{} on {}", target.get().scope_id, target.get().server)}
        </p>
        <h1>"Reservations"</h1>
        <NoticeBar notice />
        <div class="toolbar">
            <button id="create-reservation" on:click=move |_| dialog_open.set(true)>
                "Create Reservation…"
            </button>
            <button
                id="replicate-scope"
                class="secondary"
                on:click=move |_| {
                    replicate.dispatch(ReplicateScope { target: target.get() });
                }
                disabled=move || replicate.pending().get()
            >
                "Replicate Scope"
            </button>
        </div>
        <Show when=move || dialog_open.get()>
            <CreateReservationDialog target=target.get() create open=dialog_open />
        </Show>
        <Transition fallback=|| view! { <p class="muted">"Reading the scope…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok(view) => view! { <ReservationsTable view delete /> }.into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn ReservationsTable(
    view: ReservationsView,
    delete: ServerAction<DeleteReservation>,
) -> impl IntoView {
    let row = view.row;
    let target = ScopeRef {
        server: row.server.to_string(),
        scope_id: row.scope_id.to_string(),
    };
    let scope_id = row.scope_id.to_string();
    let lines = view
        .reservations
        .into_iter()
        .map(|r| view! { <ReservationLine r scope_id=scope_id.clone() target=target.clone() delete /> })
        .collect_view();
    view! {
        <dl class="facts">
            <dt>"Server"</dt>
            <dd id="scope-server">{row.server.to_string()}</dd>
            <dt>"Scope"</dt>
            <dd>{format!("{} {} ({} – {})", row.scope_id, row.name, row.range.start(), row.range.end())}</dd>
            <dt>"Failover Relationship Name"</dt>
            <dd>{row.relationship.clone().unwrap_or_else(|| "not in failover".into())}</dd>
            <dt>"Failover Config Sync Status"</dt>
            <dd id="sync-status">{row.sync_error.clone().unwrap_or_default()}</dd>
            <dt>"Drift"</dt>
            <dd id="drift">
                <DriftBadge drift=row.drift.clone() server=row.server.clone() partner=row.partner.clone() />
            </dd>
        </dl>
        <table class="grid reservations">
            <thead>
                <tr>
                    <th>"IPAddress"</th>
                    <th>"ScopeId"</th>
                    <th>"ClientId"</th>
                    <th>"Name"</th>
                    <th>"Type"</th>
                    <th>"Description"</th>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>{lines}</tbody>
        </table>
    }
}

#[component]
fn ReservationLine(
    r: Reservation,
    scope_id: String,
    target: ScopeRef,
    delete: ServerAction<DeleteReservation>,
) -> impl IntoView {
    let ip = r.ip_address.to_string();
    let on_delete = {
        let ip = ip.clone();
        move |_| {
            let sure = window()
                .confirm_with_message(&format!(
                    "Delete reservation {ip} from {} (and its failover partner)?",
                    target.server
                ))
                .unwrap_or(false);
            if sure {
                delete.dispatch(DeleteReservation {
                    input: DeleteReservationInput {
                        target: target.clone(),
                        ip_address: ip.clone(),
                    },
                });
            }
        }
    };
    view! {
        <tr data-ip=ip.clone()>
            <td data-label="IPAddress">{ip.clone()}</td>
            <td data-label="ScopeId">{scope_id}</td>
            <td data-label="ClientId">{r.client_id.to_string()}</td>
            <td data-label="Name">{r.name}</td>
            <td data-label="Type">{r.kind.to_string()}</td>
            <td data-label="Description">{r.description}</td>
            <td data-label="Actions">
                <div class="actions">
                    <button class="small danger" on:click=on_delete>
                        "Delete"
                    </button>
                </div>
            </td>
        </tr>
    }
}

/// The Create DHCP Reservation dialog: IP address, Client ID, Name, Description, Type. Each
/// refused field shows its error beside it; nothing is written until all are right.
#[component]
fn CreateReservationDialog(
    target: ScopeRef,
    create: ServerAction<CreateReservation>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let ip = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new(ReservationType::Both.as_str().to_string());
    // Errors of this dialog's last submission only.
    let submitted = RwSignal::new(false);
    let error = move || {
        if !submitted.get() {
            return None;
        }
        create.value().get().and_then(Result::err)
    };
    let field_error =
        move |field: &'static str| move || error().and_then(|e: AppError| e.field(field));
    let general_error = move || {
        error().and_then(|e| match e {
            AppError::Validation(errors) => {
                let known = ["ip_address", "client_id", "name", "description", "type"];
                let other: Vec<String> = errors
                    .0
                    .iter()
                    .filter(|f| !known.contains(&f.field.as_str()))
                    .map(ToString::to_string)
                    .collect();
                (!other.is_empty()).then(|| other.join("; "))
            }
            other => Some(other.to_string()),
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        create.dispatch(CreateReservation {
            input: CreateReservationInput {
                target: target.clone(),
                reservation: NewReservation {
                    ip_address: ip.get(),
                    client_id: client.get(),
                    name: name.get(),
                    description: description.get(),
                    kind: kind.get(),
                },
            },
        });
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      hint: &'static str| {
        let err = field_error(id);
        view! {
            <label for=id>{label}</label>
            <input
                id=id
                name=id
                autocomplete="off"
                placeholder=hint
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                class:invalid=move || err().is_some()
            />
            <span class="field-error" data-error-for=id>
                {err}
            </span>
        }
    };
    view! {
        <div class="dialog-backdrop">
            <form class="dialog" role="dialog" aria-label="Create DHCP Reservation" on:submit=on_submit>
                <h2>"Create DHCP Reservation"</h2>
                <div class="form-grid">
                    {field("ip_address", "IP address", ip, "10.0.0.100")}
                    {field("client_id", "Client ID (MAC)", client, "00-15-5d-a7-66-02")}
                    {field("name", "Name", name, "")}
                    {field("description", "Description", description, "")}
                    <label for="type">"Type"</label>
                    <select id="type" name="type" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {ReservationType::ALL
                            .iter()
                            .map(|t| {
                                view! {
                                    <option value=t.as_str() selected=*t == ReservationType::Both>
                                        {t.as_str()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <span class="field-error" data-error-for="type">
                        {field_error("type")}
                    </span>
                </div>
                <p class="notice notice-failed" hidden=move || general_error().is_none()>
                    {general_error}
                </p>
                <div class="dialog-buttons">
                    <button type="submit" disabled=move || create.pending().get()>
                        "OK"
                    </button>
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>
                        "Cancel"
                    </button>
                </div>
            </form>
        </div>
    }
}
