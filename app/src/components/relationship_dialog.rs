//! The Create/Edit Failover Relationship dialog: a piece of the bundle of its own, fetched when
//! first opened (on Failover Relationships, and wherever a relationship is edited).

use crate::api::calls::Call;
use crate::api::forms::Flash;
use crate::api::relationships::{
    CreateRelationship, CreateRelationshipInput, UpdateRelationship, UpdateRelationshipInput,
};
use crate::components::dialog::DialogFooter;
use crate::error::AppError;
use leptos::prelude::*;
use tandem_core::failover_rules::NewRelationship;
use tandem_core::{FailoverMode, FailoverRelationship, ServerRole};

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
