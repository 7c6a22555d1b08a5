//! The Replicate dialog: before a manual replication overwrites the partners' copies (one
//! scope, the ticked scopes, a relationship's or a server's), it shows what will change on
//! each partner, scope by scope, read afresh from both copies; and replicates exactly that: if
//! any copy changed meanwhile, the replication is refused, nothing is written, and the dialog
//! shows the new preview.

use crate::api::calls::Call;
use crate::api::forms::Flash;
use crate::api::scopes::{
    PreviewReplication, PreviewWords, ReplicatePreviewed, ReplicateScope, ReplicateWhat,
    ReplicationPreview,
};
use crate::components::dialog::DialogFooter;
use leptos::prelude::*;

/// [`ReplicateDialog`] as a piece of the bundle of its own (see
/// [`crate::components::dialog::on_demand`]).
#[lazy]
pub(crate) fn replicate_dialog_piece(props: ReplicateDialogProps) -> AnyView {
    ReplicateDialog(props).into_any()
}

/// How the dialog's form names what it replicates when posted natively: `kind` and `target`
/// (`scopes`: `<server>/<scope>,…`; `relationship`: `<server>/<name>`; `server`: the name).
fn posted_target(what: &ReplicateWhat) -> (&'static str, String) {
    match what {
        ReplicateWhat::Scope(t) => ("scope", format!("{}/{}", t.server, t.scope_id)),
        ReplicateWhat::Scopes(list) => (
            "scopes",
            list.iter()
                .map(|t| format!("{}/{}", t.server, t.scope_id))
                .collect::<Vec<_>>()
                .join(","),
        ),
        ReplicateWhat::Relationship { server, name } => {
            ("relationship", format!("{server}/{name}"))
        }
        ReplicateWhat::Server { server } => ("server", server.clone()),
    }
}

#[component]
pub(crate) fn ReplicateDialog(
    what: ReplicateWhat,
    /// One scope's replication (for [`ReplicateWhat::Scope`]).
    #[prop(optional)]
    replicate: Option<Call<ReplicateScope>>,
    /// Several scopes', a relationship's or a server's (for the others).
    #[prop(optional)]
    many: Option<Call<ReplicatePreviewed>>,
    /// What the same form, posted natively, left.
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let one = matches!(what, ReplicateWhat::Scope(_));
    // Read again after each attempt: a refused one shows what the copies are now.
    let preview = {
        let what = what.clone();
        Resource::new(
            move || {
                (
                    what.clone(),
                    replicate.map(|c| c.version().get()),
                    many.map(|c| c.version().get()),
                )
            },
            |(what, ..)| crate::api::scopes::call_preview_replication(PreviewReplication { what }),
        )
    };
    let native_error = flash.and_then(|f| f.error).map(|e| e.to_string());
    let error = Signal::derive(move || {
        let called = if one {
            replicate.and_then(|c| c.value().get()).map(|r| r.err())
        } else {
            many.and_then(|c| c.value().get()).map(|r| r.err())
        };
        match called {
            Some(e) => e.map(|e| e.to_string()),
            None => native_error.clone(),
        }
    });
    let title = what.title();
    let on_submit = {
        let what = what.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(basis) = preview
                .get_untracked()
                .and_then(Result::ok)
                .map(|p| p.basis)
            else {
                return;
            };
            match (&what, replicate, many) {
                (ReplicateWhat::Scope(target), Some(replicate), _) => {
                    replicate.dispatch(ReplicateScope {
                        target: target.clone(),
                        basis: Some(basis),
                    });
                }
                (ReplicateWhat::Scope(_), None, _) | (_, _, None) => {}
                (_, _, Some(many)) => {
                    many.dispatch(ReplicatePreviewed {
                        what: what.clone(),
                        basis,
                    });
                }
            }
        }
    };
    let (kind, target) = posted_target(&what);
    let hidden = if let ReplicateWhat::Scope(t) = &what {
        view! {
            <input type="hidden" name="mode" value="replicate" />
            <input type="hidden" name="server" value=t.server.clone() />
            <input type="hidden" name="scope_id" value=t.scope_id.clone() />
        }
        .into_any()
    } else {
        view! {
            <input type="hidden" name="mode" value="replicate-previewed" />
            <input type="hidden" name="kind" value=kind />
            <input type="hidden" name="target" value=target />
        }
        .into_any()
    };
    let label = title.clone();
    let busy = Signal::derive(move || {
        replicate.is_some_and(|c| c.pending().get()) || many.is_some_and(|c| c.pending().get())
    });
    view! {
        <div class="dialog-backdrop" data-piece="replicate_dialog_piece">
            <form
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-label=label
                method="post"
                action="/forms/scope"
                on:submit=on_submit
            >
                <h2>{title}</h2>
                {hidden}
                <input type="hidden" name="back" value=back />
                <Transition fallback=|| view! { <p class="muted">"Reading both copies…"</p> }>
                    {move || {
                        preview.get().map(move |result| match result {
                            Ok(p) if one => one_scope(p).into_any(),
                            Ok(p) => several(p).into_any(),
                            Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                        })
                    }}
                </Transition>
                <DialogFooter error busy on_cancel=move || on_close.run(()) cancel_href />
            </form>
        </div>
    }
}

/// "3 changes" / "1 change".
fn changes_said(n: usize) -> String {
    format!("{n} change{}", if n == 1 { "" } else { "s" })
}

fn change_list(changes: Vec<String>, id: Option<&'static str>) -> impl IntoView {
    let items = changes
        .into_iter()
        .map(|c| view! { <li>{c}</li> })
        .collect_view();
    view! { <ul class="plain changes" id=id>{items}</ul> }
}

/// One scope's preview: what changes on its partner.
fn one_scope(p: ReplicationPreview) -> impl IntoView {
    let basis = p.basis;
    let scope = p.scopes.into_iter().next();
    let (source, partner, changes) = scope
        .map(|s| (s.source, s.partner, s.changes))
        .unwrap_or_default();
    let said = if changes.is_empty() {
        format!("{partner} already holds the same copy: nothing will change.")
    } else {
        format!("{} on {partner}:", changes_said(changes.len()))
    };
    view! {
        <p id="replication-preview-summary">
            {format!("Read now from {source} and its partner. ")}
            {said}
        </p>
        {change_list(changes, Some("replication-preview"))}
        <input type="hidden" name="basis" value=basis />
    }
}

/// Several scopes' previews, each with its partner's changes or why it cannot be replicated.
fn several(p: ReplicationPreview) -> impl IntoView {
    let total: usize = p.scopes.iter().map(|s| s.changes.len()).sum();
    let failing = p.scopes.iter().filter(|s| s.error.is_some()).count();
    let n = p.scopes.len();
    let mut said = if n == 0 {
        "There are no failover scopes to replicate.".to_string()
    } else if total == 0 {
        format!("Read now from both copies of {n} scope(s): nothing will change on the partners.")
    } else {
        format!(
            "Read now from both copies of {n} scope(s): {} on the partners.",
            changes_said(total)
        )
    };
    if failing > 0 {
        said.push_str(&format!(
            " {failing} cannot be replicated now (said below)."
        ));
    }
    let scopes = p.scopes.into_iter().map(scope_section).collect_view();
    view! {
        <p id="replication-preview-summary">{said}</p>
        <div id="replication-previews">{scopes}</div>
        <input type="hidden" name="basis" value=p.basis />
    }
}

fn scope_section(s: PreviewWords) -> impl IntoView {
    let key = format!("{}/{}", s.source, s.scope_id);
    let (heading, body) = match s.error {
        Some(e) => (
            format!("Scope {} on {}", s.scope_id, s.source),
            view! { <p class="notice notice-failed">{e}</p> }.into_any(),
        ),
        None if s.changes.is_empty() => (
            format!("Scope {}: {} → {}", s.scope_id, s.source, s.partner),
            view! { <p class="muted">"Already the same: nothing will change."</p> }.into_any(),
        ),
        None => (
            format!(
                "Scope {}: {} → {}, {}",
                s.scope_id,
                s.source,
                s.partner,
                changes_said(s.changes.len())
            ),
            change_list(s.changes, None).into_any(),
        ),
    };
    view! {
        <section class="scope-preview" data-scope=key>
            <h3>{heading}</h3>
            {body}
        </section>
    }
}
