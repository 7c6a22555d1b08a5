//! Server Properties' configuration sections, rendered on the server (the page shows the HTML
//! as it is): a server's own options, its server-wide reservations and its client classes,
//! with the links that open their dialogs.

use crate::components::native::dialog_href;
use leptos::prelude::*;

/// What Server Properties' configuration sections show of a server, and what the user may
/// change of it.
pub(crate) struct ServerConfig {
    pub classes: Option<Vec<tandem_core::ClassRow>>,
    pub options: Option<tandem_core::ServerOptions>,
    pub globals: Option<tandem_core::GlobalReservations>,
    /// May change classes and server options.
    pub manage: bool,
    /// May change reservations (the server-wide ones included).
    pub reserve: bool,
}

/// Server Properties' configuration sections, as HTML: the server's own options, its
/// server-wide reservations, its client classes (name, test, what each sets, where its scopes
/// use it) and, for a user who may, the links that create, edit and delete them (followed in
/// place by the page's router, or as a new page without JavaScript). Nothing for a server
/// that holds none of them (the built-in server).
pub(crate) fn render_config(server: &str, config: ServerConfig) -> String {
    let ServerConfig {
        classes,
        options,
        globals,
        manage,
        reserve,
    } = config;
    let path = format!("/servers/{server}");
    let options = options.map(|o| render_server_options(&path, o, manage));
    let globals = globals.map(|g| render_globals(&path, g, reserve));
    crate::components::native::render_alone(move || {
        let Some(classes) = classes else {
            return view! { {options} {globals} }.into_any();
        };
        let empty = classes.is_empty().then(|| {
            view! { <p class="muted" id="no-classes">"No client classes are defined on this server."</p> }
        });
        let create = manage.then(|| {
            view! {
                <div class="toolbar">
                    <a class="button" role="button" id="create-class" href=dialog_href(&path, "class", "new-class", None)>
                        "New client class…"
                    </a>
                </div>
            }
        });
        let rows = classes
            .into_iter()
            .map(|row| {
                let c = row.class;
                let test = if c.test.is_empty() {
                    view! { <span class="muted">"none: assigned"</span> }.into_any()
                } else {
                    view! { <code>{c.test}</code> }.into_any()
                };
                let sets = c
                    .sets
                    .into_iter()
                    .map(|s| view! { <li>{s}</li> })
                    .collect_view();
                let used = row
                    .used_by
                    .into_iter()
                    .map(|u| view! { <li>{u}</li> })
                    .collect_view();
                let actions = manage.then(|| {
                    let question = format!(
                        "Delete client class {} from this server and its partner?",
                        c.name
                    );
                    view! {
                        <div class="actions">
                            <a class="button small secondary" role="button" href=dialog_href(&path, "class", "edit-class", Some(&c.name))>
                                "Edit"
                            </a>
                            <a
                                class="button small danger"
                                role="button"
                                href=dialog_href(&path, "class", "delete-class", Some(&c.name))
                                data-delete-class=c.name.clone()
                                data-question=question
                            >
                                "Delete"
                            </a>
                        </div>
                    }
                });
                let (name, label) = (c.name.clone(), c.name);
                view! {
                    <tr data-class=name>
                        <td data-label="Name">{label}</td>
                        <td data-label="Test" class="settings">{test}</td>
                        <td data-label="Sets" class="settings"><ul class="plain">{sets}</ul></td>
                        <td data-label="Used by" class="settings"><ul class="plain">{used}</ul></td>
                        <td data-label="Actions">{actions}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            {options}
            {globals}
            <h2 id="client-classes">"Client classes"</h2>
            {create}
            <div class="table-wrap">
                <table class="grid classes">
                    <thead>
                        <tr>
                            <th>"Name"</th>
                            <th>"Test"</th>
                            <th>"Sets"</th>
                            <th>"Used by"</th>
                            <th>"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {empty}
        }
        .into_any()
    })
}

/// The Server options section: each option Tandem edits by its name, code and value, what
/// else the server holds of them (kept by every write), and the link that edits them.
fn render_server_options(path: &str, o: tandem_core::ServerOptions, manage: bool) -> AnyView {
    let edit = manage.then(|| {
        view! {
            <div class="toolbar">
                <a class="button" role="button" id="edit-server-options" href=dialog_href(path, "class", "server-options", None)>
                    "Edit server options…"
                </a>
            </div>
        }
    });
    let empty = (o.options.is_empty() && o.kept.is_empty()).then(
        || view! { <p class="muted" id="no-server-options">"No server options are set."</p> },
    );
    let rows = o
        .options
        .iter()
        .map(|(code, value)| {
            let name = tandem_core::options::name_of(*code).unwrap_or("");
            // Its flags (kept as the server holds them), beside its value.
            let prefix = format!("option {code} ");
            let flags: Vec<String> = o
                .kept
                .iter()
                .filter_map(|k| {
                    Some(match k.strip_prefix(&prefix)? {
                        "always-send true" => "always sent".to_string(),
                        "never-send true" => "never sent".to_string(),
                        other => other.to_string(),
                    })
                })
                .collect();
            let flags = (!flags.is_empty())
                .then(|| view! { <span class="muted">{format!(" ({})", flags.join(", "))}</span> });
            view! {
                <tr data-option=code.to_string()>
                    <td data-label="Code">{code.to_string()}</td>
                    <td data-label="Name">{name}</td>
                    <td data-label="Value" class="settings">{value.text()}{flags}</td>
                </tr>
            }
        })
        .collect_view();
    let kept = (!o.kept.is_empty()).then(|| {
        let lines = o
            .kept
            .into_iter()
            .map(|k| {
                let why = tandem_core::options::kept_why(&k)
                    .map(|why| view! { <br /><span class="muted">{why}</span> });
                view! { <li>{k}{why}</li> }
            })
            .collect_view();
        view! {
            <p class="muted">"Also held, kept as the server has it:"</p>
            <ul class="plain settings" id="server-options-kept">{lines}</ul>
        }
    });
    let table = (!o.options.is_empty()).then(|| {
        view! {
            <div class="table-wrap">
                <table class="grid server-options">
                    <thead>
                        <tr>
                            <th>"Code"</th>
                            <th>"Name"</th>
                            <th>"Value"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let definitions = (!o.definitions.is_empty()).then(|| {
        let lines = o
            .definitions
            .iter()
            .map(|d| view! { <li>{d.clone()}</li> })
            .collect_view();
        view! {
            <p class="muted">"Option definitions (custom options; kept as the server has them, their options shown above or among the kept):"</p>
            <ul class="plain settings" id="option-definitions">{lines}</ul>
        }
    });
    view! {
        <h2 id="server-options">"Server options"</h2>
        {edit}
        {table}
        {empty}
        {kept}
        {definitions}
    }
    .into_any()
}

/// The Server-wide reservations section: each reservation's client (identifier type and
/// value), address (or none), host name and settings, the hosts Tandem keeps as the server has
/// them, and for a user who may (`reserve`) the links that create, edit and delete them and
/// copy them all to the partner.
fn render_globals(path: &str, g: tandem_core::GlobalReservations, reserve: bool) -> AnyView {
    let toolbar = reserve.then(|| {
        view! {
            <div class="toolbar">
                <a class="button" role="button" id="create-global" href=dialog_href(path, "client", "new-global", None)>
                    "New server-wide reservation…"
                </a>
                <a class="button secondary" role="button" id="replicate-globals" href=dialog_href(path, "client", "replicate-globals", None)>
                    "Replicate to partner…"
                </a>
            </div>
        }
    });
    let none = g.hosts.is_empty() && g.kept.is_empty();
    let unused = (!g.looked_up && !none).then(|| {
        view! {
            <p class="notice notice-warning" id="globals-unused">
                "This server does not look server-wide reservations up (reservations-global is not true anywhere): they take effect only once it does."
            </p>
        }
    });
    let empty = none.then(
        || view! { <p class="muted" id="no-globals">"No server-wide reservations are defined on this server."</p> },
    );
    let in_database = g.in_database.clone();
    let rows = g
        .hosts
        .into_iter()
        .map(|r| {
            let client = format!("{} {}", r.client_id.kind(), r.client_id);
            let actions = reserve.then(|| {
                let question = format!(
                    "Delete the server-wide reservation for {} from this server and its partner?",
                    r.client_id.described()
                );
                view! {
                    <div class="actions">
                        <a class="button small secondary" role="button" href=dialog_href(path, "client", "edit-global", Some(&client))>
                            "Edit"
                        </a>
                        <a
                            class="button small danger"
                            role="button"
                            href=dialog_href(path, "client", "delete-global", Some(&client))
                            title=question
                        >
                            "Delete"
                        </a>
                    </div>
                }
            });
            let address = match r.ip_address {
                Some(ip) => view! { {ip.to_string()} }.into_any(),
                None => view! { <span class="muted">"none: from its scope"</span> }.into_any(),
            };
            let settings = r.settings.words();
            let stored = in_database.contains(&r.client_id.described()).then(
                || view! { <br /><span class="muted">"in the hosts database"</span> },
            );
            view! {
                <tr data-client=client>
                    <td data-label="Identifier type">{r.client_id.kind().label()}</td>
                    <td data-label="Client ID"><code>{r.client_id.to_string()}</code>{stored}</td>
                    <td data-label="IP address">{address}</td>
                    <td data-label="Name">{r.name}</td>
                    <td data-label="Settings" class="settings">{settings}</td>
                    <td data-label="Actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    let kept = (!g.kept.is_empty()).then(|| {
        let lines = g
            .kept
            .into_iter()
            .map(|k| view! { <li><code>{k}</code></li> })
            .collect_view();
        view! {
            <p class="muted">"Also held, which Tandem does not edit (kept exactly as the server has them, and copied whole by a replication):"</p>
            <ul class="plain settings" id="globals-kept">{lines}</ul>
        }
    });
    view! {
        <h2 id="global-reservations">"Server-wide reservations"</h2>
        {toolbar}
        {unused}
        <div class="table-wrap">
            <table class="grid globals">
                <thead>
                    <tr>
                        <th>"Identifier type"</th>
                        <th>"Client ID"</th>
                        <th>"IP address"</th>
                        <th>"Name"</th>
                        <th>"Settings"</th>
                        <th>"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {empty}
        {kept}
    }
    .into_any()
}
