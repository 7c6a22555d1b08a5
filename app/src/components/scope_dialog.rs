//! The scope dialog: create a scope on a server, or edit every property of one (name,
//! description, range, subnet mask, lease duration, state, exclusions, typed option values).
//! Each refused field shows its error beside it and nothing is written; an edit names the
//! version it was opened at, so a scope someone changed meanwhile is not overwritten.

use crate::api::calls::Call;
use crate::api::forms::Flash;
use crate::api::scopes::{CreateScope, CreateScopeInput, ScopeRef, UpdateScope, UpdateScopeInput};
use crate::components::dialog::{DialogFooter, footer_error, select_field, text_field};
use crate::components::option_editor::{OptionEditor, option_rows_from};
use crate::error::AppError;
use leptos::prelude::*;
use tandem_core::scope_input::ScopeInput;

/// What the dialog is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeDialogMode {
    /// A new scope, on the server typed (prefilled with `server`).
    Create { server: String },
    /// An edit of the scope at `target`, opened at `version`, with its current values.
    Edit {
        target: ScopeRef,
        version: String,
        current: Box<ScopeInput>,
    },
}

/// Where each error the rules give is shown: the field it names, or the closest one.
fn shown_at(field: &str) -> &str {
    match field {
        "range" => "end",
        "lease_duration" => "lease_duration_secs",
        other => other,
    }
}

const FIELDS: [&str; 12] = [
    "server",
    "scope_id",
    "subnet_mask",
    "name",
    "description",
    "start",
    "end",
    "lease_duration_secs",
    "state",
    "exclusions",
    "options",
    "shared_network",
];

/// [`ScopeDialog`] as a piece of the bundle of its own, fetched when it first opens (see
/// [`on_demand`](crate::components::dialog::on_demand)).
#[lazy]
pub(crate) fn scope_dialog_piece(props: ScopeDialogProps) -> AnyView {
    ScopeDialog(props).into_any()
}

#[component]
pub(crate) fn ScopeDialog(
    mode: ScopeDialogMode,
    create: Call<CreateScope>,
    update: Call<UpdateScope>,
    /// What the same form, posted natively, left: the values as typed and why refused.
    flash: Option<Flash>,
    /// Where the natively posted form comes back to, and where Cancel goes without JavaScript.
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let is_edit = matches!(mode, ScopeDialogMode::Edit { .. });
    let (mut server0, mut start) = match &mode {
        ScopeDialogMode::Create { server } => (server.clone(), ScopeInput::default()),
        ScopeDialogMode::Edit {
            target, current, ..
        } => (target.server.clone(), (**current).clone()),
    };
    let flash_error = StoredValue::new(flash.as_ref().and_then(|f| f.error.clone()));
    if let Some(f) = flash.as_ref().filter(|f| f.error.is_some()) {
        // The form again as it was sent.
        let one = |name: &str| f.value(name).unwrap_or_default();
        server0 = one("server");
        start = ScopeInput {
            scope_id: one("scope_id"),
            subnet_mask: one("subnet_mask"),
            name: one("name"),
            description: one("description"),
            start: one("start"),
            end: one("end"),
            lease_duration_secs: one("lease_duration_secs"),
            state: one("state"),
            exclusions: one("exclusions"),
            shared_network: one("shared_network"),
            options: option_rows_from(f),
        };
    }
    let version = match &mode {
        ScopeDialogMode::Edit { version, .. } => version.clone(),
        ScopeDialogMode::Create { .. } => String::new(),
    };
    let server = RwSignal::new(server0);
    let scope_id = RwSignal::new(start.scope_id.clone());
    let subnet_mask = RwSignal::new(start.subnet_mask.clone());
    let name = RwSignal::new(start.name.clone());
    let description = RwSignal::new(start.description.clone());
    let first = RwSignal::new(start.start.clone());
    let last = RwSignal::new(start.end.clone());
    let lease = RwSignal::new(start.lease_duration_secs.clone());
    let state = RwSignal::new(if start.state.is_empty() {
        "Active".to_string()
    } else {
        start.state.clone()
    });
    let exclusions = RwSignal::new(start.exclusions.clone());
    let shared_network = RwSignal::new(start.shared_network.clone());
    let options = RwSignal::new(
        start
            .options
            .iter()
            .cloned()
            .map(RwSignal::new)
            .collect::<Vec<_>>(),
    );
    let submitted = RwSignal::new(false);
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
    let field_error = move |field: &'static str| {
        move || match error() {
            Some(AppError::Validation(errors)) => {
                let mine: Vec<String> = errors
                    .0
                    .iter()
                    .filter(|e| shown_at(&e.field) == field)
                    .map(|e| e.message.clone())
                    .collect();
                (!mine.is_empty()).then(|| mine.join("; "))
            }
            _ => None,
        }
    };
    let general_error =
        move || error().and_then(|e| footer_error(e, |f| FIELDS.contains(&shown_at(f))));
    let mode_for_submit = mode.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        let input = ScopeInput {
            scope_id: scope_id.get(),
            subnet_mask: subnet_mask.get(),
            name: name.get(),
            description: description.get(),
            start: first.get(),
            end: last.get(),
            lease_duration_secs: lease.get(),
            state: state.get(),
            exclusions: exclusions.get(),
            options: options.get().iter().map(|o| o.get()).collect(),
            shared_network: shared_network.get(),
        };
        match &mode_for_submit {
            ScopeDialogMode::Create { .. } => {
                create.dispatch(CreateScope {
                    input: CreateScopeInput {
                        server: server.get(),
                        scope: input,
                    },
                });
            }
            ScopeDialogMode::Edit {
                target, version, ..
            } => {
                update.dispatch(UpdateScope {
                    input: UpdateScopeInput {
                        target: target.clone(),
                        version: version.clone(),
                        scope: input,
                    },
                });
            }
        }
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      hint: &'static str,
                      fixed: bool| {
        text_field(
            id,
            label,
            value,
            hint,
            fixed,
            Signal::derive(field_error(id)),
        )
    };
    let title = if is_edit {
        "Scope Properties"
    } else {
        "New Scope"
    };
    let err_exclusions = field_error("exclusions");
    view! {
        <div class="dialog-backdrop" data-piece="scope_dialog_piece">
            <form
                class="dialog wide"
                role="dialog"
                aria-modal="true"
                aria-label=title
                method="post"
                action="/forms/scope"
                on:submit=on_submit
            >
                <h2>{title}</h2>
                <input type="hidden" name="mode" value=if is_edit { "edit-scope" } else { "create-scope" } />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="version" value=version />
                <div class="form-grid">
                    {field("server", "Server", server, "dhcp1.contoso.com", is_edit)}
                    {field("scope_id", "Scope ID", scope_id, "10.0.1.0", is_edit)}
                    {field("subnet_mask", "Subnet mask", subnet_mask, "255.255.255.0 or /24", false)}
                    {field("name", "Name", name, "", false)}
                    {field("description", "Description", description, "", false)}
                    {field("start", "Start IP address", first, "10.0.1.10", false)}
                    {field("end", "End IP address", last, "10.0.1.200", false)}
                    {field("lease_duration_secs", "Lease duration (seconds)", lease, "691200 (8 days)", false)}
                    {field(
                        "shared_network",
                        "Shared network (superscope)",
                        shared_network,
                        "none; on Kea, an existing shared network's name",
                        is_edit,
                    )}
                    {select_field(
                        "state",
                        "State",
                        state,
                        &[("Active", "Active"), ("Inactive", "Inactive")],
                        Signal::derive(field_error("state")),
                    )}
                    <label for="exclusions">"Exclusion ranges"</label>
                    <textarea
                        id="exclusions"
                        name="exclusions"
                        rows="3"
                        placeholder="10.0.1.10-10.0.1.19, one range per line"
                        prop:value=move || exclusions.get()
                        on:input=move |ev| exclusions.set(event_target_value(&ev))
                    >
                        {exclusions.get_untracked()}
                    </textarea>
                    <span class="field-error" data-error-for="exclusions">{err_exclusions}</span>
                </div>
                <OptionEditor options error=Signal::derive(field_error("options")) />
                <DialogFooter
                    error=Signal::derive(general_error)
                    busy=Signal::derive(move || create.pending().get() || update.pending().get())
                    on_cancel=move || on_close.run(())
                    cancel_href
                />
            </form>
        </div>
    }
}
