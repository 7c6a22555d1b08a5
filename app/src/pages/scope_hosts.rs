//! Scope Properties' reservations without an address, rendered on the server: each host of
//! the scope that gives its client settings (a host name, boot fields, classes, options) and
//! leaves the address to the pool (Kea allows them; Windows has none), and for a user who may
//! edit reservations, a form for each and one to add another (posted natively, the same with
//! JavaScript or without).

use super::scope_pools::ScopeForms;
use leptos::prelude::*;
use tandem_core::GlobalReservation;

/// The scope's reservations without an address (read from the hosts it keeps whole), when it
/// has any or the user may add one.
pub(crate) fn hosts_view(scope: &tandem_core::Scope, edit: Option<&ScopeForms>) -> Option<AnyView> {
    scope.kept.as_ref()?;
    let hosts = addressless(scope);
    if hosts.is_empty() && edit.is_none() {
        return None;
    }
    let rows = hosts
        .iter()
        .map(|h| {
            let id = h.client_id.to_string();
            let kind = h.client_id.kind();
            let settings = h.settings.words();
            let form = edit.map(|e| host_form(e, Some(h)));
            view! {
                <li data-host=format!("{} {id}", kind.as_str())>
                    <span class="host-id">{format!("{}: {id}", kind.label())}</span>
                    {(!h.name.is_empty()).then(|| format!(", host name {}", h.name))}
                    {(!settings.is_empty()).then(|| view! { <span class="host-own">{format!(": {settings}")}</span> })}
                    {form}
                </li>
            }
        })
        .collect_view();
    let add = edit.map(|e| host_form(e, None));
    let none = hosts
        .is_empty()
        .then(|| view! { <li class="muted">"none"</li> });
    Some(
        view! {
            <ul class="plain settings" id="addressless">{rows}{none}</ul>
            {add}
        }
        .into_any(),
    )
}

/// The hosts a scope keeps whole that are reservations without an address Tandem can show.
pub(crate) fn addressless(scope: &tandem_core::Scope) -> Vec<GlobalReservation> {
    scope
        .kept
        .iter()
        .flat_map(|k| k.other_hosts.values())
        .filter_map(|text| tandem_backend::driver::kea::global_hosts::scope_host_of(text))
        .collect()
}

/// A reservation's form (`Edit`, with Delete) or the form that adds one.
fn host_form(edit: &ScopeForms, host: Option<&GlobalReservation>) -> AnyView {
    let back = format!("/servers/{}/scopes/{}", edit.server, edit.scope_id);
    let value = |f: fn(&GlobalReservation) -> String| host.map(f).unwrap_or_default();
    let kind = host.map(|h| h.client_id.kind());
    let kinds = tandem_core::IdentifierType::ALL
        .into_iter()
        .map(|k| {
            let selected = kind == Some(k);
            view! { <option value=k.as_str() selected=selected>{k.label()}</option> }
        })
        .collect_view();
    let rows = super::scope_pools::option_rows(
        &host.map(|h| h.settings.options.clone()).unwrap_or_default(),
    );
    let original = host
        .map(|h| format!("{} {}", h.client_id.kind().as_str(), h.client_id))
        .unwrap_or_default();
    let (summary, mode, submit) = match host {
        Some(_) => ("Edit", "edit", "Save reservation"),
        None => (
            "Add a reservation without an address",
            "create",
            "Add reservation",
        ),
    };
    let hidden = {
        let (server, scope, back) = (edit.server.clone(), edit.scope_id.clone(), back.clone());
        move || {
            view! {
                <input type="hidden" name="back" value=back.clone() />
                <input type="hidden" name="server" value=server.clone() />
                <input type="hidden" name="scope_id" value=scope.clone() />
            }
        }
    };
    let delete = host.map(|_| {
        view! {
            <form method="post" action="/forms/scope-host" class="host-delete">
                <input type="hidden" name="mode" value="delete" />
                {hidden()}
                <input type="hidden" name="client" value=original.clone() />
                <button type="submit" class="small danger">"Delete reservation"</button>
            </form>
        }
    });
    view! {
        <details class="host-edit">
            <summary>{summary}</summary>
            <form method="post" action="/forms/scope-host" class="host-form">
                <input type="hidden" name="mode" value=mode />
                {hidden()}
                <input type="hidden" name="original" value=original.clone() />
                <input type="hidden" name="version" value=host.map(GlobalReservation::version).unwrap_or_default() />
                <label>"Identifier type " <select name="identifier_type">{kinds}</select></label>
                <label>"Client identifier " <input name="client_id" value=value(|h| h.client_id.to_string()) required /></label>
                <label>"Host name " <input name="name" value=value(|h| h.name.clone()) /></label>
                <label>"Description " <input name="description" value=value(|h| h.description.clone()) /></label>
                <label>"Next server " <input name="next_server" value=value(|h| h.settings.next_server.map(|a| a.to_string()).unwrap_or_default()) /></label>
                <label>"Server host name " <input name="server_hostname" value=value(|h| h.settings.server_hostname.clone()) /></label>
                <label>"Boot file name " <input name="boot_file_name" value=value(|h| h.settings.boot_file_name.clone()) /></label>
                <label>"Client classes (comma-separated) " <input name="client_classes" value=value(|h| h.settings.client_classes.join(", ")) /></label>
                <fieldset class="options">
                    <legend>"Option values"</legend>
                    {rows}
                    <p class="muted">"Clear a row to remove its option; fill the empty row to add one. A standard option is read by its type in Kea's table."</p>
                </fieldset>
                <button type="submit" class="small">{submit}</button>
            </form>
            {delete}
        </details>
    }
    .into_any()
}
