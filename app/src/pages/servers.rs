//! DHCP Servers, and Server Properties: a server's scopes and relationships, its own options,
//! server-wide reservations and client classes (their sections rendered on the server:
//! `server_config`), server-level replication, and taking a built-in server offline and back.

use crate::api::calls::{Call, action};
use crate::api::forms::Flash;
use crate::api::scopes::ReplicateWhat;
use crate::api::servers::{
    AddKeaServer, ClientClass, DeleteClass, KeaServerInput, ListServers, ServerConfig,
    ServerOnline, ServerOptionRows, SetServerOnline,
};
use crate::components::class_dialog::{ClassDialogProps, class_dialog_piece};
use crate::components::dialog::on_demand;
use crate::components::dialog::{DialogFooter, footer_error, text_field};
use crate::components::global_dialog::{GlobalDialogProps, global_dialog_piece};
use crate::components::native::{ConfirmDialog, NativeDialogs, PostButton, clicked};
use crate::components::notice::{Notice, NoticeBar};
use crate::components::progress::{Run, RunView};
use crate::components::replicate_dialog::{ReplicateDialogProps, replicate_dialog_piece};
use crate::components::server_html::ServerHtml;
use crate::components::server_options_dialog::{ServerOptionsDialogProps, server_options_piece};
use crate::components::table::{Pager, SortHeader, href, use_query_state};
use crate::error::AppError;
use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_params_map;
use tandem_core::access::Permission;
use tandem_core::views::{ChangeOutcome, ServerQuery, ServerRow, ServerSort};

/// The kind of server, as an administrator calls it.
fn kind_label(kind: &str) -> String {
    match kind {
        "kea" => "Kea".into(),
        "builtin" => "Built-in".into(),
        other => other.into(),
    }
}

fn status(row: &ServerRow) -> (&'static str, String) {
    match &row.unreachable {
        None => ("badge state-normal", "Reachable".into()),
        Some(reason) => ("badge state-unreachable", format!("Unreachable: {reason}")),
    }
}

#[component]
pub fn ServersPage() -> impl IntoView {
    let ctx = PageContext::get();
    let state = use_query_state::<ServerQuery>();
    let add = action(crate::api::servers::call_add_kea_server);
    let adding = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    // Add Kea Server asked for by a link (`?dialog=add`), and what its native post left.
    let native = NativeDialogs::new("server");
    let close = move || {
        adding.set(false);
        native.dismiss();
    };
    let servers = Resource::new(
        move || (state.get(), ctx.live.get(), add.version().get()),
        |(query, ..)| {
            crate::api::servers::call_list_servers(crate::api::servers::ListServers { query })
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(scopes)) = add.value().get() {
            close();
            notice.set(Some(Notice::Done(format!(
                "Kea server registered: {scopes} scope(s) read from it."
            ))));
        }
    });
    let filters = move || {
        let q = state.get();
        view! {
            <Form method="GET" action="/servers">
                <div class="filters" role="search" aria-label="Filter servers">
                    <input name="name" placeholder="Server name" aria-label="Server name" value=q.name.clone().unwrap_or_default() />
                    <select name="status" aria-label="Status">
                        <option value="" selected=!q.unreachable>"Any status"</option>
                        <option value="unreachable" selected=q.unreachable>"Unreachable"</option>
                    </select>
                    <button type="submit" class="secondary">"Filter"</button>
                    <a class="button secondary" href="/servers">"Clear"</a>
                </div>
            </Form>
        }
    };
    view! {
        <h1>"DHCP Servers"</h1>
        <NoticeBar notice />
        <Transition fallback=|| ()>
            {native.notice(notice)}
            <Show when=move || ctx.can(Permission::ManageServers)>
                <div class="toolbar">
                    <a
                        id="add-kea-server"
                        class="button"
                        role="button"
                        href=move || native.href("add", None)
                        on:click=move |ev| {
                            ev.prevent_default();
                            adding.set(true);
                        }
                    >
                        "Add Kea Server…"
                    </a>
                </div>
            </Show>
            {move || {
                let from_url = !adding.get();
                let open = adding.get() || native.asked().is_some_and(|(d, _)| d == "add");
                open.then(|| {
                    let flash = native.flash("kea").filter(|_| from_url);
                    let (back, cancel_href) = (native.back(), native.cancel_href());
                    let on_close = Callback::new(move |()| close());
                    view! { <KeaServerDialog add flash back cancel_href on_close /> }
                })
            }}
        </Transition>
        {filters}
        <Transition fallback=|| view! { <p class="muted">"Reading the inventory…"</p> }>
            {move || {
                servers
                    .get()
                    .map(|result| match result {
                        Ok(page) => {
                            let q = state.get();
                            let header = |label: &'static str, sort: ServerSort| {
                                let current = q.sort == sort;
                                let link = href("/servers", &q, |x| {
                                    x.descending = current && !x.descending;
                                    x.sort = sort;
                                    x.page.number = 1;
                                });
                                view! { <SortHeader label href=link current descending=q.descending /> }
                            };
                            let lines = page
                                .rows
                                .into_iter()
                                .map(|row| {
                                    let (class, text) = status(&row);
                                    let href = format!("/servers/{}", row.name);
                                    view! {
                                        <tr data-server=row.name.to_string()>
                                            <td data-label="Server"><a href=href>{row.name.to_string()}</a></td>
                                            <td data-label="Kind">{kind_label(&row.kind)}</td>
                                            <td data-label="Status"><span class=class>{text}</span></td>
                                            <td data-label="Scopes">{row.scopes}</td>
                                            <td data-label="Failover scopes">{row.failover_scopes}</td>
                                            <td data-label="Relationships">{row.relationships}</td>
                                            <td data-label="Last read">{row.collected_at.replace('T', " ")}</td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            let pager_state = q.clone();
                            let link = Callback::new(move |n: u32| href("/servers", &pager_state, |x| x.page.number = n));
                            view! {
                                <div class="table-wrap">
                                <table class="grid servers">
                                    <thead>
                                        <tr>
                                            {header("Server", ServerSort::Name)}
                                            {header("Kind", ServerSort::Kind)}
                                            {header("Status", ServerSort::Status)}
                                            {header("Scopes", ServerSort::Scopes)}
                                            <th>"Failover scopes"</th>
                                            <th>"Relationships"</th>
                                            <th>"Last read"</th>
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
pub fn ServerPropertiesPage() -> impl IntoView {
    let ctx = PageContext::get();
    let params = use_params_map();
    let name = Memo::new(move |_| params.read().get("server").unwrap_or_default());
    let notice = RwSignal::new(None::<Notice>);
    let online = action(crate::api::servers::call_set_server_online);
    let run = RwSignal::new(None::<Run>);
    let many = action(crate::api::scopes::call_replicate_previewed);
    // The Replicate dialog (a preview first), opened by a click.
    let replicating = RwSignal::new(false);
    let native = NativeDialogs::new("server");
    let servers = Resource::new(
        move || {
            (
                name.get(),
                online.version().get(),
                many.version().get(),
                ctx.live.get(),
            )
        },
        |(name, ..)| {
            let query = ServerQuery {
                name: Some(name),
                ..ServerQuery::default()
            };
            crate::api::servers::call_list_servers(ListServers { query })
        },
    );
    // Its client classes: created, edited and deleted in dialogs the URL asks for
    // (`?dialog=new-class|edit-class|delete-class&class=…`).
    let class_native = NativeDialogs::new("class");
    let create_class = action(crate::api::servers::call_create_class);
    let edit_class = action(crate::api::servers::call_edit_class);
    let delete_class = action(crate::api::servers::call_delete_class);
    let save_options = action(crate::api::servers::call_put_server_options);
    // Its server-wide reservations: `?dialog=new-global|edit-global|delete-global|
    // replicate-globals&client=<type> <identifier>`.
    let global_native = NativeDialogs::new("client");
    // Saved in its dialog (which makes its own calls): the sections are read again.
    let global_saved = RwSignal::new(0u32);
    let on_global_saved = Callback::new(move |outcome: ChangeOutcome| {
        global_native.dismiss();
        notice.set(Some(Notice::from_change(
            "Server-wide reservation saved",
            &outcome,
        )));
        global_saved.update(|n| *n += 1);
    });
    // Its configuration's sections (client classes), as the server renders them.
    let config = Resource::new(
        move || {
            (
                name.get(),
                ctx.live.get(),
                create_class.version().get(),
                edit_class.version().get(),
                delete_class.version().get(),
                save_options.version().get(),
                global_saved.get(),
            )
        },
        |(server, ..)| crate::api::servers::call_server_config(ServerConfig { server }),
    );
    let config_html = ServerHtml::new(move || config.get().and_then(Result::ok));
    // The class the URL's Edit dialog is for, as its dialog edits it.
    let named_class = Resource::new(
        move || (name.get(), class_native.asked()),
        |(server, asked)| async move {
            match asked {
                Some((dialog, Some(class))) if dialog == "edit-class" => {
                    crate::api::servers::call_client_class(ClientClass {
                        server,
                        name: class,
                    })
                    .await
                    .ok()
                    .flatten()
                }
                _ => None,
            }
        },
    );
    let saved = move |outcome: Option<Result<ChangeOutcome, AppError>>, done: &str| {
        if let Some(Ok(outcome)) = outcome {
            class_native.dismiss();
            notice.set(Some(Notice::from_change(done, &outcome)));
        }
    };
    Effect::new(move |_| saved(create_class.value().get(), "Client class created"));
    Effect::new(move |_| saved(edit_class.value().get(), "Client class saved"));
    Effect::new(move |_| saved(save_options.value().get(), "Server options saved"));
    // The server's options as its Edit Server Options dialog starts from.
    let option_rows = Resource::new(
        move || (name.get(), class_native.asked()),
        |(server, asked)| async move {
            match asked {
                Some((dialog, _)) if dialog == "server-options" => {
                    crate::api::servers::call_server_option_rows(ServerOptionRows { server })
                        .await
                        .ok()
                        .flatten()
                }
                _ => None,
            }
        },
    );
    Effect::new(move |_| {
        if let Some(result) = delete_class.value().get() {
            notice.set(Some(match result {
                Ok(outcome) => Notice::from_change("Client class deleted", &outcome),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    // A class's Delete, once the page's code runs: the browser's own confirmation first.
    let on_config_click = move |ev: leptos::ev::MouseEvent| {
        let Some(link) = clicked(&ev, "a[data-delete-class]") else {
            return;
        };
        ev.prevent_default();
        let question = link.get_attribute("data-question").unwrap_or_default();
        if window().confirm_with_message(&question).unwrap_or(false) {
            delete_class.dispatch(DeleteClass {
                server: name.get_untracked(),
                name: link.get_attribute("data-delete-class").unwrap_or_default(),
            });
        }
    };
    Effect::new(move |_| {
        if let Some(result) = online.value().get() {
            notice.set(Some(match result {
                Ok(()) => Notice::Done("Done: the server's DHCP service state has changed.".into()),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    Effect::new(move |_| {
        // A refusal stays in the dialog, with the preview read again.
        if let Some(Ok(results)) = many.value().get() {
            replicating.set(false);
            native.dismiss();
            run.set(Some(Run::finished(results)));
        }
    });
    view! {
        <p class="crumbs"><a href="/servers">"DHCP Servers"</a>" › "{move || name.get()}</p>
        <h1>"Server Properties"</h1>
        <NoticeBar notice />
        <RunView run />
        <Transition fallback=|| ()>
            {move || {
                let asked = native.asked().is_some_and(|(d, _)| d == "replicate");
                (replicating.get() || asked).then(|| {
                    let what = ReplicateWhat::Server { server: name.get() };
                    let on_close = Callback::new(move |()| {
                        replicating.set(false);
                        native.dismiss();
                    });
                    let (flash, back, cancel_href) = (native.flash("scope"), native.back(), native.cancel_href());
                    on_demand(replicate_dialog_piece(ReplicateDialogProps { what, replicate: None, many: Some(many), flash, back, cancel_href, on_close }))
                })
            }}
        </Transition>
        <Transition fallback=|| view! { <p class="muted">"Asking the server…"</p> }>
            {native.notice(notice)}
            {move || {
                servers
                    .get()
                    .map(|result| match result {
                        Ok(page) => match page.rows.into_iter().find(|r| r.name.as_str() == name.get()) {
                            Some(row) => {
                                let (class, text) = status(&row);
                                let server = row.name.to_string();
                                let can_manage = ctx.can(Permission::ManageServers);
                                let reachable = row.unreachable.is_none();
                                let toggle = (can_manage && row.service_control).then(|| {
                                    let server = server.clone();
                                    let label = if reachable { "Take offline" } else { "Bring online" };
                                    let mode = if reachable { "offline" } else { "online" };
                                    view! {
                                        <PostButton
                                            form="server"
                                            mode=mode
                                            hidden=vec![("server", row.name.to_string())]
                                            back=native.back()
                                            on_press=Callback::new(move |()| {
                                                online.dispatch(SetServerOnline { input: ServerOnline { server: server.clone(), online: !reachable } });
                                            })
                                            label
                                            class="secondary"
                                            id="toggle-online"
                                        />
                                    }
                                });
                                let replicate_button = can_manage.then(|| {
                                    view! {
                                        <a
                                            class="button"
                                            role="button"
                                            id="replicate-server"
                                            href=native.href("replicate", None)
                                            title="Overwrite the partners' copies of every failover scope with this server's, after a preview"
                                            on:click=move |ev| {
                                                ev.prevent_default();
                                                replicating.set(true);
                                            }
                                        >
                                            "Replicate Server…"
                                        </a>
                                    }
                                });
                                view! {
                                    <dl class="facts">
                                        <dt>"Server"</dt>
                                        <dd>{server.clone()}</dd>
                                        <dt>"Kind"</dt>
                                        <dd>{kind_label(&row.kind)}</dd>
                                        <dt>"Status"</dt>
                                        <dd><span class=class id="server-status">{text}</span></dd>
                                        <dt>"Scopes"</dt>
                                        <dd>
                                            <a href=format!("/scopes?server={server}")>
                                                {format!("{} ({} in failover)", row.scopes, row.failover_scopes)}
                                            </a>
                                        </dd>
                                        <dt>"Relationships"</dt>
                                        <dd><a href="/relationships">{row.relationships}</a></dd>
                                        <dt>"Last collected"</dt>
                                        <dd>{row.collected_at.replace('T', " ")}</dd>
                                        {row.write_method.clone().map(|method| view! {
                                            <dt>"Write method"</dt>
                                            <dd id="write-method">{method}</dd>
                                        })}
                                    </dl>
                                    <div class="toolbar">{replicate_button}{toggle}</div>
                                }
                                    .into_any()
                            }
                            None => view! { <p class="notice notice-failed">"No such server."</p> }.into_any(),
                        },
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
        // The notice a native post of a class's form left is the page's (shown above).
        <Transition fallback=|| ()>
            {move || {
                let (asked, class) = class_native.asked()?;
                let (back, cancel_href) = (class_native.back(), class_native.cancel_href());
                let flash = class_native.flash("class");
                let on_close = Callback::new(move |()| class_native.dismiss());
                let server = name.get();
                let dialog = |existing| {
                    on_demand(class_dialog_piece(ClassDialogProps {
                        server: server.clone(),
                        existing,
                        create: create_class,
                        edit: edit_class,
                        flash: flash.clone(),
                        back: back.clone(),
                        cancel_href: cancel_href.clone(),
                        on_close,
                    }))
                    .into_any()
                };
                match asked.as_str() {
                    "server-options" => option_rows.get().flatten().map(|rows| {
                        on_demand(server_options_piece(ServerOptionsDialogProps {
                            server: server.clone(),
                            rows,
                            save: save_options,
                            flash: flash.clone(),
                            back: back.clone(),
                            cancel_href: cancel_href.clone(),
                            on_close,
                        }))
                        .into_any()
                    }),
                    "new-class" => Some(dialog(None)),
                    "edit-class" => named_class.get().flatten().map(|c| dialog(Some(c))),
                    "delete-class" => {
                        let class = class?;
                        let question = format!("Delete client class {class} from {server} and its partner?");
                        Some(view! {
                            <ConfirmDialog
                                form="class"
                                mode="delete"
                                hidden=vec![("server", server.clone()), ("name", class)]
                                title="Delete Client Class"
                                question
                                flash
                                back
                                cancel_href
                                on_close
                            />
                        }
                        .into_any())
                    }
                    _ => None,
                }
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                let (asked, client) = global_native.asked()?;
                let (back, cancel_href) = (global_native.back(), global_native.cancel_href());
                let flash = global_native.flash("global");
                let on_close = Callback::new(move |()| global_native.dismiss());
                let server = name.get();
                let dialog = |was: String| {
                    on_demand(global_dialog_piece(GlobalDialogProps {
                        server: server.clone(),
                        was,
                        on_saved: on_global_saved,
                        flash: flash.clone(),
                        back: back.clone(),
                        cancel_href: cancel_href.clone(),
                        on_close,
                    }))
                    .into_any()
                };
                match asked.as_str() {
                    "new-global" => Some(dialog(String::new())),
                    "edit-global" => Some(dialog(client?)),
                    "delete-global" | "replicate-globals" => {
                        let delete = asked == "delete-global";
                        let question = if delete {
                            format!("Delete the server-wide reservation for {} from {server} and its partner?", client.clone()?)
                        } else {
                            format!("Make the partner of {server} hold exactly the server-wide reservations of {server}? Those it has that {server} has not are deleted there.")
                        };
                        Some(view! {
                            <ConfirmDialog
                                form="global"
                                mode=if delete { "delete" } else { "replicate" }
                                hidden=vec![("server", server.clone()), ("client", client.unwrap_or_default())]
                                title=if delete { "Delete Server-wide Reservation" } else { "Replicate Server-wide Reservations" }
                                question
                                flash
                                back
                                cancel_href
                                on_close
                            />
                        }
                        .into_any())
                    }
                    _ => None,
                }
            }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                config.get().map(|result| match result {
                    Ok(html) => config_html
                        .div("server-config", &html, None, Some(Callback::new(on_config_click)))
                        .into_any(),
                    Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// Add Kea Server: a name, where its control channel is, and how to authenticate to it; each
/// refused field is named under it. The password is write-only: it goes to the server
/// function in the body of a POST and is never shown again.
#[component]
fn KeaServerDialog(
    add: Call<AddKeaServer>,
    /// What the same form, posted natively, left (never the password).
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let typed = |field: &str| {
        flash
            .as_ref()
            .and_then(|f| f.value(field))
            .unwrap_or_default()
    };
    let name = RwSignal::new(typed("name"));
    let url = RwSignal::new(typed("url"));
    let user = RwSignal::new(typed("user"));
    let password = RwSignal::new(String::new());
    let ca_file = RwSignal::new(typed("ca_file"));
    let submitted = RwSignal::new(false);
    let flash_error = StoredValue::new(flash.and_then(|f| f.error));
    let error = move || {
        if submitted.get() {
            add.value().get().and_then(Result::err)
        } else {
            flash_error.get_value()
        }
    };
    let field_error = move |field: &'static str| move || error().and_then(|e| e.field(field));
    const FIELDS: [&str; 5] = ["name", "url", "user", "password", "ca_file"];
    let general_error =
        Signal::derive(move || error().and_then(|e| footer_error(e, |f| FIELDS.contains(&f))));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        add.dispatch(AddKeaServer {
            input: KeaServerInput {
                name: name.get(),
                url: url.get(),
                user: user.get(),
                password: password.get(),
                ca_file: ca_file.get(),
            },
        });
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      hint: &'static str| {
        text_field(
            id,
            label,
            value,
            hint,
            false,
            Signal::derive(field_error(id)),
        )
    };
    let password_error = Signal::derive(field_error("password"));
    view! {
        <div class="dialog-backdrop">
            <form
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-label="Add Kea Server"
                method="post"
                action="/forms/kea"
                on:submit=on_submit
            >
                <h2>"Add Kea Server"</h2>
                <input type="hidden" name="back" value=back />
                <p class="muted">
                    "Tandem reads the server before it registers it. In an HA pair, use the name the server has in its HA configuration."
                </p>
                <div class="form-grid">
                    {field("name", "Name", name, "kea1.example.com")}
                    {field("url", "Control channel", url, "https://kea1.example.com:8004/ or unix:/run/kea/kea4-ctrl-socket")}
                    {field("user", "User (basic auth)", user, "optional")}
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        placeholder="optional; never shown again"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                        class:invalid=move || password_error.with(Option::is_some)
                    />
                    <span class="field-error" data-error-for="password">{move || password_error.get()}</span>
                    {field("ca_file", "CA file (https)", ca_file, "/etc/tandem/kea-ca.pem, optional")}
                </div>
                <DialogFooter error=general_error busy=add.pending() on_cancel=move |_| on_close.run(()) cancel_href />
            </form>
        </div>
    }
}
