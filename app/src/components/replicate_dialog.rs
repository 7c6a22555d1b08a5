//! The Replicate Scope dialog: before a scope's copy overwrites its partner's, it shows what
//! will change there (read afresh from both servers), and replicates exactly that: if either
//! copy changed meanwhile, the replication is refused, nothing is written, and the dialog
//! shows the new preview.

use crate::api::calls::Call;
use crate::api::forms::Flash;
use crate::api::scopes::{PreviewReplication, ReplicateScope, ScopeRef};
use crate::components::dialog::DialogFooter;
use leptos::prelude::*;

/// [`ReplicateDialog`] as a piece of the bundle of its own (see
/// [`crate::components::dialog::on_demand`]).
#[lazy]
pub(crate) fn replicate_dialog_piece(props: ReplicateDialogProps) -> AnyView {
    ReplicateDialog(props).into_any()
}

#[component]
pub(crate) fn ReplicateDialog(
    target: ScopeRef,
    replicate: Call<ReplicateScope>,
    /// What the same form, posted natively, left.
    flash: Option<Flash>,
    back: String,
    cancel_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    // Read again after each attempt: a refused one shows what the copies are now.
    let preview = {
        let target = target.clone();
        Resource::new(
            move || (target.clone(), replicate.version().get()),
            |(target, _)| {
                crate::api::scopes::call_preview_replication(PreviewReplication { target })
            },
        )
    };
    let native_error = flash.and_then(|f| f.error).map(|e| e.to_string());
    let error = Signal::derive(move || match replicate.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        Some(Ok(_)) => None,
        None => native_error.clone(),
    });
    let title = format!("Replicate scope {} from {}", target.scope_id, target.server);
    let on_submit = {
        let target = target.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let basis = preview
                .get_untracked()
                .and_then(Result::ok)
                .map(|p| p.basis);
            if basis.is_some() {
                replicate.dispatch(ReplicateScope {
                    target: target.clone(),
                    basis,
                });
            }
        }
    };
    let source = target.server.clone();
    let label = title.clone();
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
                <input type="hidden" name="mode" value="replicate" />
                <input type="hidden" name="back" value=back />
                <input type="hidden" name="server" value=target.server.clone() />
                <input type="hidden" name="scope_id" value=target.scope_id.clone() />
                <Transition fallback=|| view! { <p class="muted">"Reading both copies…"</p> }>
                    {move || {
                        let source = source.clone();
                        preview.get().map(move |result| match result {
                            Ok(p) => {
                                let said = if p.changes.is_empty() {
                                    format!("{} already holds the same copy: nothing will change.", p.partner)
                                } else {
                                    let n = p.changes.len();
                                    format!("{n} change{} on {}:", if n == 1 { "" } else { "s" }, p.partner)
                                };
                                let changes = p
                                    .changes
                                    .into_iter()
                                    .map(|c| view! { <li>{c}</li> })
                                    .collect_view();
                                view! {
                                    <p id="replication-preview-summary">
                                        {format!("Read now from {source} and its partner. ")}
                                        {said}
                                    </p>
                                    <ul class="plain changes" id="replication-preview">{changes}</ul>
                                    <input type="hidden" name="basis" value=p.basis />
                                }
                                .into_any()
                            }
                            Err(e) => view! { <p class="notice notice-failed">{e.to_string()}</p> }.into_any(),
                        })
                    }}
                </Transition>
                <DialogFooter
                    error
                    busy=Signal::derive(move || replicate.pending().get())
                    on_cancel=move || on_close.run(())
                    cancel_href
                />
            </form>
        </div>
    }
}
