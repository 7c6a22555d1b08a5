//! Users and Roles: administrators create users, assign roles (and optionally narrow them to
//! servers), disable them and reset passwords.

use crate::api::calls::{Call, action};
use crate::api::forms::Flash;
use crate::api::users::{
    CreateUser, CreateUserInput, ResetPassword, ResetPasswordInput, UpdateUser, UpdateUserInput,
    UserForm, UserView,
};
use crate::components::dialog::DialogFooter;
use crate::components::native::{NativeDialogs, Opened};
use crate::components::notice::{Notice, NoticeBar};
use crate::error::AppError;
use crate::session::PageContext;
use leptos::prelude::*;
use tandem_core::access::Role;

/// The dialog `dialog` (for `user`) of a link, once the list is read.
fn asked_user(
    users: Resource<Result<Vec<UserView>, AppError>>,
    dialog: &str,
    user: Option<String>,
) -> Option<Editing> {
    let named = || {
        let name = user.clone()?;
        users.get()?.ok()?.into_iter().find(|u| u.username == name)
    };
    match dialog {
        "new" => Some(Editing::New),
        "edit" => named().map(Editing::User),
        "password" => named().map(Editing::Password),
        _ => None,
    }
}

/// Which dialog is open.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    New,
    User(UserView),
    Password(UserView),
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let ctx = PageContext::get();
    let notice = RwSignal::new(None::<Notice>);
    let create = action(crate::api::users::call_create_user);
    let update = action(crate::api::users::call_update_user);
    let reset = action(crate::api::users::call_reset_password);
    // The dialog open, as opened (on a click, or from the URL once the page's code runs): the
    // list read again never rebuilds it.
    let editing = RwSignal::new(None::<Opened<Editing>>);
    // Dialogs asked for by a link (`?dialog=new|edit|password&user=…`), and what a natively
    // posted form left.
    let native = NativeDialogs::new("user");
    let close = move || {
        editing.set(None);
        native.dismiss();
    };
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                ctx.live.get(),
            )
        },
        |_| crate::api::users::call_list_users(crate::api::users::ListUsers {}),
    );
    native.take_into("user", editing, move |dialog, user| {
        asked_user(users, dialog, user)
    });
    Effect::new(move |_| {
        if let Some(Ok(u)) = create.value().get() {
            close();
            notice.set(Some(Notice::Done(format!("User {} created.", u.username))));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(u)) = update.value().get() {
            close();
            notice.set(Some(Notice::Done(format!("User {} saved.", u.username))));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = reset.value().get() {
            close();
            notice.set(Some(Notice::Done(
                "Password reset; the user's sessions are ended.".into(),
            )));
        }
    });
    view! {
        <h1>"Users and Roles"</h1>
        <NoticeBar notice />
        <Transition fallback=|| ()>{native.notice(notice)}</Transition>
        <div class="toolbar">
            <a
                id="create-user"
                class="button"
                role="button"
                href=move || native.href("new", None)
                on:click=move |ev| {
                    ev.prevent_default();
                    editing.set(Some(Opened::new(Editing::New)));
                }
            >
                "Create User…"
            </a>
        </div>
        <Transition fallback=|| ()>
            {move || {
                let Opened { what: open, flash } = match editing.get() {
                    Some(opened) => opened,
                    // Asked for by the URL: rendered as read (on the server, and until the
                    // page's code has taken it).
                    None => {
                        let (dialog, user) = native.asked()?;
                        Opened {
                            what: asked_user(users, &dialog, user)?,
                            flash: native.flash("user"),
                        }
                    }
                };
                let (back, cancel_href) = (native.back(), native.cancel_href());
                let on_close = Callback::new(move |()| close());
                Some(match open {
                    Editing::Password(user) => {
                        view! { <PasswordDialog user reset flash back cancel_href on_close /> }.into_any()
                    }
                    other => {
                        view! { <UserDialog editing=other create update flash back cancel_href on_close /> }
                            .into_any()
                    }
                })
            }}
        </Transition>
        <Transition fallback=|| view! { <p class="muted">"Reading users…"</p> }>
            {move || {
                users
                    .get()
                    .map(|result| match result {
                        Ok(list) => {
                            let rows = list
                                .into_iter()
                                .map(|u| {
                                    let for_edit = u.clone();
                                    let for_password = u.clone();
                                    view! {
                                        <tr data-user=u.username.clone()>
                                            <td data-label="User name">{u.username.clone()}</td>
                                            <td data-label="Display name">{u.display_name.clone()}</td>
                                            <td data-label="Role" class="role">{u.role.label()}</td>
                                            <td data-label="Servers">
                                                {if u.servers.is_empty() { "all".to_string() } else { u.servers.join(", ") }}
                                            </td>
                                            <td data-label="State" class="state">
                                                {if u.disabled { "disabled" } else { "enabled" }}
                                            </td>
                                            <td data-label="Actions">
                                                <div class="actions">
                                                    <a
                                                        class="button small secondary"
                                                        role="button"
                                                        href=native.href("edit", Some(&u.username))
                                                        on:click=move |ev| {
                                                            ev.prevent_default();
                                                            editing.set(Some(Opened::new(Editing::User(for_edit.clone()))));
                                                        }
                                                    >
                                                        "Edit"
                                                    </a>
                                                    <a
                                                        class="button small secondary"
                                                        role="button"
                                                        href=native.href("password", Some(&u.username))
                                                        on:click=move |ev| {
                                                            ev.prevent_default();
                                                            editing.set(Some(Opened::new(Editing::Password(for_password.clone()))));
                                                        }
                                                    >
                                                        "Reset password"
                                                    </a>
                                                </div>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <div class="table-wrap">
                                <table class="grid users">
                                    <thead>
                                        <tr>
                                            <th>"User name"</th>
                                            <th>"Display name"</th>
                                            <th>"Role"</th>
                                            <th>"Servers"</th>
                                            <th>"State"</th>
                                            <th>"Actions"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                                </div>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

fn error_of<T: Clone + Send + Sync + 'static>(
    value: Option<Result<T, AppError>>,
) -> Option<AppError> {
    value.and_then(Result::err)
}

#[component]
fn UserDialog(
    editing: Editing,
    create: Call<CreateUser>,
    update: Call<UpdateUser>,
    /// What the same form, posted natively, left: the values as typed (never the password) and
    /// why they were refused.
    flash: Option<Flash>,
    /// Where the natively posted form comes back to, and where Cancel goes without JavaScript.
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let existing = match &editing {
        Editing::User(u) => Some(u.clone()),
        _ => None,
    };
    let typed = |field: &str, or: String| {
        flash
            .as_ref()
            .filter(|f| f.error.is_some())
            .and_then(|f| f.value(field))
            .unwrap_or(or)
    };
    let of = |f: fn(&UserView) -> String| existing.as_ref().map(f).unwrap_or_default();
    let username = RwSignal::new(typed("username", of(|u| u.username.clone())));
    let display_name = RwSignal::new(typed("display_name", of(|u| u.display_name.clone())));
    let role = RwSignal::new(typed(
        "role",
        existing
            .as_ref()
            .map(|u| u.role)
            .unwrap_or(Role::User)
            .as_str()
            .to_string(),
    ));
    let servers = RwSignal::new(typed("servers", of(|u| u.servers.join(", "))));
    let disabled = RwSignal::new(match &flash {
        Some(f) if f.error.is_some() => f.value("disabled").is_some(),
        _ => existing.as_ref().is_some_and(|u| u.disabled),
    });
    let password = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let is_new = existing.is_none();
    let flash_error = StoredValue::new(flash.and_then(|f| f.error));
    let (id, version) = existing
        .as_ref()
        .map(|u| (u.id.to_string(), u.version.to_string()))
        .unwrap_or_default();
    let error = move || {
        if !submitted.get() {
            return flash_error.get_value();
        }
        if is_new {
            error_of(create.value().get())
        } else {
            error_of(update.value().get())
        }
    };
    let field_error = move |f: &'static str| move || error().and_then(|e| e.field(f));
    let general = move || {
        error()
            .filter(|e| !matches!(e, AppError::Validation(_)))
            .map(|e| e.to_string())
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        let form = UserForm {
            username: username.get(),
            display_name: display_name.get(),
            role: role.get(),
            servers: servers.get(),
            disabled: disabled.get(),
        };
        match &existing {
            None => {
                create.dispatch(CreateUser {
                    input: CreateUserInput {
                        form,
                        password: password.get(),
                    },
                });
            }
            Some(u) => {
                update.dispatch(UpdateUser {
                    input: UpdateUserInput {
                        id: u.id,
                        version: u.version,
                        form,
                    },
                });
            }
        }
    };
    let title = if is_new { "Create User" } else { "Edit User" };
    let mode = if is_new { "create" } else { "edit" };
    view! {
        <div class="dialog-backdrop">
            <form
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-label=title
                method="post"
                action="/forms/user"
                on:submit=on_submit
            >
                <h2>{title}</h2>
                <input type="hidden" name="mode" value=mode />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
                {(!is_new).then(|| view! { <input type="hidden" name="username" value=username.get_untracked() /> })}
                <div class="form-grid">
                    <label for="username">"User name"</label>
                    <input id="username" name="username" value=username.get_untracked() prop:value=move || username.get() disabled=!is_new
                        on:input=move |ev| username.set(event_target_value(&ev)) />
                    <span class="field-error" data-error-for="username">{field_error("username")}</span>
                    <label for="display_name">"Display name"</label>
                    <input id="display_name" name="display_name" value=display_name.get_untracked() prop:value=move || display_name.get()
                        on:input=move |ev| display_name.set(event_target_value(&ev)) />
                    <span class="field-error" data-error-for="display_name">{field_error("display_name")}</span>
                    <label for="role">"Role"</label>
                    <select id="role" name="role" on:change=move |ev| role.set(event_target_value(&ev))>
                        {Role::ALL
                            .iter()
                            .map(|r| {
                                let selected = r.as_str() == role.get_untracked();
                                view! { <option value=r.as_str() selected=selected>{r.label()}</option> }
                            })
                            .collect_view()}
                    </select>
                    <span class="field-error" data-error-for="role">{field_error("role")}</span>
                    <label for="servers">"Servers (empty: all)"</label>
                    <input id="servers" name="servers" placeholder="dhcp1.contoso.com, dc1.contoso.com" value=servers.get_untracked() prop:value=move || servers.get()
                        on:input=move |ev| servers.set(event_target_value(&ev)) />
                    <span class="field-error" data-error-for="servers">{field_error("servers")}</span>
                    {is_new.then(|| view! {
                        <label for="new-password">"Password"</label>
                        <input id="new-password" name="password" type="password" autocomplete="new-password" prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev)) />
                        <span class="field-error" data-error-for="password">{field_error("password")}</span>
                    })}
                    <label for="disabled">"Disabled"</label>
                    <input id="disabled" name="disabled" type="checkbox" class="checkbox" checked=disabled.get_untracked() prop:checked=move || disabled.get()
                        on:change=move |ev| disabled.set(event_target_checked(&ev)) />
                    <span class="field-error"></span>
                </div>
                <DialogFooter error=Signal::derive(general) on_cancel=move || on_close.run(()) cancel_href />
            </form>
        </div>
    }
}

#[component]
fn PasswordDialog(
    user: UserView,
    reset: Call<ResetPassword>,
    /// Why the same form, posted natively, was refused (the password is never kept).
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let flash_error = StoredValue::new(flash.and_then(|f| f.error));
    let error = move || {
        if submitted.get() {
            error_of(reset.value().get())
        } else {
            flash_error.get_value()
        }
    };
    let version = user.version.to_string();
    let username = user.username.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        reset.dispatch(ResetPassword {
            input: ResetPasswordInput {
                username: username.clone(),
                version: user.version,
                password: password.get(),
            },
        });
    };
    view! {
        <div class="dialog-backdrop">
            <form
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-label="Reset password"
                method="post"
                action="/forms/user"
                on:submit=on_submit
            >
                <h2>{format!("Reset the password of {}", user.username)}</h2>
                <input type="hidden" name="mode" value="password" />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="username" value=user.username.clone() />
                <input type="hidden" name="version" value=version />
                <div class="form-grid">
                    <label for="new-password">"New password"</label>
                    <input id="new-password" name="password" type="password" autocomplete="new-password" prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                    <span class="field-error" data-error-for="password">
                        {move || error().map(|e| e.field("password").unwrap_or_else(|| e.to_string()))}
                    </span>
                </div>
                <DialogFooter on_cancel=move || on_close.run(()) cancel_href />
            </form>
        </div>
    }
}
