//! API Tokens: the signed-in user's tokens for scripts (made, listed, revoked), and everyone's
//! for an administrator of users. A new token is shown once, right after it is made.

use crate::api::calls::{Call, action};
use crate::api::tokens::{CreateToken, RevokeToken, TokenForm};
use crate::components::dialog::text_field;
use crate::components::native::{NativeDialogs, PostButton};
use crate::components::notice::{Notice, NoticeBar};
use crate::error::AppError;
use crate::session::PageContext;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tandem_core::access::Permission;
use tandem_core::views::ApiToken;

#[component]
pub fn TokensPage() -> impl IntoView {
    let ctx = PageContext::get();
    let query = use_query_map();
    let everyone = Memo::new(move |_| query.with(|q| q.get("all").as_deref() == Some("1")));
    let native = NativeDialogs::new("id");
    let create = action(crate::api::tokens::call_create_token);
    let revoke = action(crate::api::tokens::call_revoke_token);
    let notice = RwSignal::new(None::<Notice>);
    let tokens = Resource::new(
        move || {
            (
                everyone.get(),
                create.version().get(),
                revoke.version().get(),
            )
        },
        |(everyone, ..)| {
            crate::api::tokens::call_list_tokens(crate::api::tokens::ListTokens { everyone })
        },
    );
    // What a native post left: the values as typed and why refused, or the new token.
    let flash = move || native.flash("token");
    let typed = |name: &str| flash().and_then(|f| f.value(name)).unwrap_or_default();
    let name = RwSignal::new(untrack(|| typed("name")));
    let days = RwSignal::new(untrack(|| typed("expires_in_days")));
    Effect::new(move |_| {
        if let Some(result) = create.value().get() {
            match result {
                Ok(made) => {
                    name.set(String::new());
                    days.set(String::new());
                    notice.set(Some(Notice::Done(format!(
                        "Token {} created. Copy it now: it is not shown again.",
                        made.record.name
                    ))));
                }
                Err(e) => notice.set(field_free(&e).map(|e| Notice::from_error(&e))),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(result) = revoke.value().get() {
            notice.set(Some(match result {
                Ok(t) => Notice::Done(format!("Token {} revoked.", t.name)),
                Err(e) => Notice::from_error(&e),
            }));
        }
    });
    // The new token's value: from the call just answered, or the native post's flash.
    let new_token = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .map(|m| m.token)
            .or_else(|| flash().and_then(|f| f.secret))
    };
    let error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| flash().and_then(|f| f.error))
    };
    let field_error = move |field: &'static str| {
        Signal::derive(move || match error() {
            Some(AppError::Validation(errors)) => errors
                .0
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        })
    };
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        create.dispatch(CreateToken {
            form: TokenForm {
                name: name.get(),
                expires_in_days: days.get(),
            },
        });
    };
    let can_see_all = move || ctx.can(Permission::ManageUsers);
    view! {
        <h1>"API Tokens"</h1>
        <p class="muted">
            "A token lets a script call Tandem's REST API (" <code>"/api/v1"</code>
            ") as you: with your role and your servers. Send it as "
            <code>"Authorization: Bearer <token>"</code> "."
        </p>
        <NoticeBar notice />
        <Transition fallback=|| ()>
            {native.notice(notice)}
            {move || {
                new_token()
                    .map(|token| {
                        view! {
                            <div class="token-once" role="status">
                                <p>"Your new token. Copy it now: it is not shown again."</p>
                                <code id="new-token">{token}</code>
                            </div>
                        }
                    })
            }}
            <form class="token-form" method="post" action="/forms/token" on:submit=on_create>
                <input type="hidden" name="mode" value="create" />
                <input type="hidden" name="back" value=native.back() />
                <div class="form-grid">
                    {text_field("name", "Name", name, "nightly backup script", false, field_error("name"))}
                    {text_field(
                        "expires_in_days",
                        "Expires in (days)",
                        days,
                        "empty: until revoked",
                        false,
                        field_error("expires_in_days"),
                    )}
                </div>
                <button type="submit" id="create-token" disabled=move || create.pending().get()>
                    "Create Token"
                </button>
            </form>
        </Transition>
        <Show when=can_see_all>
            <p class="toolbar">
                {move || {
                    if everyone.get() {
                        view! { <a href="/tokens">"Show my tokens"</a> }.into_any()
                    } else {
                        view! { <a href="/tokens?all=1" id="all-tokens">"Show everyone's tokens"</a> }.into_any()
                    }
                }}
            </p>
        </Show>
        <Transition fallback=|| view! { <p class="muted">"Reading tokens…"</p> }>
            {move || {
                tokens
                    .get()
                    .map(|result| match result {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted" id="no-tokens">"No tokens yet."</p> }.into_any()
                        }
                        Ok(list) => {
                            let all = everyone.get();
                            let rows = list
                                .into_iter()
                                .map(|t| view! { <TokenRow token=t all revoke native /> })
                                .collect_view();
                            view! {
                                <div class="table-wrap">
                                    <table class="grid tokens">
                                        <thead>
                                            <tr>
                                                <th>"Name"</th>
                                                {all.then(|| view! { <th>"User"</th> })}
                                                <th>"Token"</th>
                                                <th>"Created"</th>
                                                <th>"Expires"</th>
                                                <th>"Last used"</th>
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

/// A create refusal no field shows, if any.
fn field_free(e: &AppError) -> Option<AppError> {
    match e {
        AppError::Validation(_) => None,
        other => Some(other.clone()),
    }
}

/// A time as shown: the date and minute, UTC.
fn shown(at: &Option<String>, none: &'static str) -> String {
    match at {
        Some(at) => at.get(..16).unwrap_or(at).replace('T', " "),
        None => none.to_string(),
    }
}

#[component]
fn TokenRow(
    token: ApiToken,
    all: bool,
    revoke: Call<RevokeToken>,
    native: NativeDialogs,
) -> impl IntoView {
    let state = token.state.clone();
    let id = token.id;
    view! {
        <tr data-token=token.name.clone()>
            <td data-label="Name">{token.name.clone()}</td>
            {all.then(|| view! { <td data-label="User">{token.username.clone()}</td> })}
            <td data-label="Token"><code>{format!("{}…", token.prefix)}</code></td>
            <td data-label="Created">{shown(&Some(token.created_at.clone()), "")}</td>
            <td data-label="Expires">{shown(&token.expires_at, "never")}</td>
            <td data-label="Last used">{shown(&token.last_used_at, "never")}</td>
            <td data-label="State" class="state">{state.clone()}</td>
            <td data-label="Actions">
                {(state == "active")
                    .then(|| {
                        view! {
                            <PostButton
                                form="token"
                                mode="revoke"
                                hidden=vec![("id", id.to_string())]
                                back=native.back()
                                on_press=Callback::new(move |()| {
                                    revoke.dispatch(RevokeToken { id });
                                })
                                label="Revoke"
                                class="small danger"
                                action="revoke"
                            />
                        }
                    })}
            </td>
        </tr>
    }
}
