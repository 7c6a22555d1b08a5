//! Server functions for scopes: the DHCP Scopes view, scope replication, sync errors.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::views::{ScopeQuery, ScopesPage};

/// One page of the DHCP Scopes view, filtered and ordered on the server.
#[server(endpoint = "list_scopes", input = server_fn::codec::Json)]
pub async fn list_scopes(#[server(default)] query: ScopeQuery) -> Result<ScopesPage, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.list_scopes(&caller, &query).await?)
}

/// DHCP Scopes' list as the server renders it (rows, sort links, pager), for the user's role:
/// the page shows this HTML and handles the rows' forms and links in place.
#[server(endpoint = "scope_list", input = server_fn::codec::Json)]
pub async fn scope_list(#[server(default)] query: ScopeQuery) -> Result<String, AppError> {
    use tandem_core::access::Permission;
    let caller = super::ssr::caller()?;
    let page = super::ssr::tandem()?.list_scopes(&caller, &query).await?;
    let role = caller.principal.role;
    let can = crate::pages::scopes::Can {
        replicate: role.grants(Permission::ReplicateScope),
        clear: role.grants(Permission::ClearSyncError),
        manage: role.grants(Permission::ManageRelationships),
    };
    Ok(crate::pages::scopes::render_list(page, query, can))
}

/// "Check drift now": re-reads the servers whose configuration moved and compares again.
#[server(endpoint = "check_drift")]
pub async fn check_drift() -> Result<bool, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.check_drift(&caller).await?)
}

/// Names one scope on one server, as typed or taken from a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeRef {
    pub server: String,
    pub scope_id: String,
}

/// What a scope-level replication did, as a page tells it: the differences it overwrote are
/// counted, not carried (a page that reads them would bring the code that reads every kind of
/// difference; the preview before it has shown them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replicated {
    pub scope_id: String,
    pub source: String,
    pub partner: String,
    pub overwritten: usize,
}

/// Scope-level replication from `target`'s server; with `basis` (a preview's), only if neither
/// copy has changed since that preview.
#[server(endpoint = "replicate_scope", input = server_fn::codec::Json)]
pub async fn replicate_scope(
    target: ScopeRef,
    #[server(default)] basis: Option<String>,
) -> Result<Replicated, AppError> {
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&target.scope_id))?;
    let tandem = super::ssr::tandem()?;
    let done: tandem_core::views::ScopeReplication = tandem
        .replicate_scope_as_previewed(&super::ssr::caller()?, &server, scope, basis.as_deref())
        .await?;
    Ok(Replicated {
        scope_id: done.scope_id.to_string(),
        source: done.source.to_string(),
        partner: done.partner.to_string(),
        overwritten: done.changes.len(),
    })
}

/// What a Replicate dialog covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplicateWhat {
    /// One scope (Replicate Scope…): replicated with [`ReplicateScope`].
    Scope(ScopeRef),
    /// The scopes ticked on DHCP Scopes (Replicate selected scopes).
    Scopes(Vec<ScopeRef>),
    /// Every scope of relationship `name`, from `server` (its primary).
    Relationship { server: String, name: String },
    /// Every failover scope of `server`.
    Server { server: String },
}

impl ReplicateWhat {
    /// The dialog's title.
    pub fn title(&self) -> String {
        match self {
            Self::Scope(t) => format!("Replicate scope {} from {}", t.scope_id, t.server),
            Self::Scopes(list) => format!("Replicate {} selected scope(s)", list.len()),
            Self::Relationship { server, name } => {
                format!("Replicate relationship {name} from {server}")
            }
            Self::Server { server } => format!("Replicate server {server}"),
        }
    }
}

/// One scope's preview in words (one line per change: what is added, removed, or changed from
/// the partner's value to the source's), or why it cannot be replicated now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewWords {
    pub source: String,
    pub scope_id: String,
    pub partner: String,
    pub changes: Vec<String>,
    pub error: Option<String>,
}

/// What a replication would change on the partners, scope by scope, and the basis to
/// replicate it as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationPreview {
    pub scopes: Vec<PreviewWords>,
    pub basis: String,
}

#[cfg(feature = "ssr")]
fn in_words(p: &tandem_core::views::ScopePreview) -> PreviewWords {
    PreviewWords {
        source: p.source.to_string(),
        scope_id: p.scope_id.to_string(),
        partner: p.partner.to_string(),
        changes: p
            .changes
            .iter()
            .map(tandem_core::drift::Difference::as_change)
            .collect(),
        error: None,
    }
}

/// The scopes, relationship or server a [`ReplicateWhat`] names, checked.
#[cfg(feature = "ssr")]
enum Parsed {
    Scopes(Vec<(tandem_core::ServerName, tandem_core::ScopeId)>),
    Relationship(tandem_core::ServerName, String),
    Server(tandem_core::ServerName),
}

#[cfg(feature = "ssr")]
impl Parsed {
    fn of(what: &ReplicateWhat) -> Result<Self, AppError> {
        use tandem_core::{ScopeId, ServerName};
        let scope = |t: &ScopeRef| -> Result<_, AppError> {
            Ok((
                super::parse_field("server", ServerName::parse(&t.server))?,
                super::parse_field("scope_id", ScopeId::parse(&t.scope_id))?,
            ))
        };
        Ok(match what {
            ReplicateWhat::Scope(t) => Self::Scopes(vec![scope(t)?]),
            ReplicateWhat::Scopes(list) => {
                if list.len() > 1000 {
                    return Err(AppError::Validation(
                        tandem_core::FieldError::new(
                            "scopes",
                            format!("{} scopes: at most 1000 at a time", list.len()),
                        )
                        .into(),
                    ));
                }
                Self::Scopes(list.iter().map(scope).collect::<Result<_, _>>()?)
            }
            ReplicateWhat::Relationship { server, name } => Self::Relationship(
                super::parse_field("server", ServerName::parse(server))?,
                name.clone(),
            ),
            ReplicateWhat::Server { server } => {
                Self::Server(super::parse_field("server", ServerName::parse(server))?)
            }
        })
    }

    fn targets(&self) -> tandem_backend::ReplicationTargets<'_> {
        use tandem_backend::ReplicationTargets as T;
        match self {
            Self::Scopes(list) => T::Scopes(list),
            Self::Relationship(server, name) => T::Relationship { server, name },
            Self::Server(server) => T::Server(server),
        }
    }
}

/// [`ReplicationPreview`] of `what`, read afresh from every server; nothing is written. For
/// one scope the basis is that scope's (for [`ReplicateScope`]).
#[server(endpoint = "preview_replication", input = server_fn::codec::Json)]
pub async fn preview_replication(what: ReplicateWhat) -> Result<ReplicationPreview, AppError> {
    let tandem = super::ssr::tandem()?;
    let caller = super::ssr::caller()?;
    let parsed = Parsed::of(&what)?;
    if let (ReplicateWhat::Scope(_), Parsed::Scopes(one)) = (&what, &parsed) {
        let (server, scope) = &one[0];
        let preview = tandem
            .preview_scope_replication(&caller, server, *scope)
            .await?;
        return Ok(ReplicationPreview {
            scopes: vec![in_words(&preview)],
            basis: preview.basis,
        });
    }
    let preview = tandem
        .preview_replication(&caller, parsed.targets())
        .await?;
    Ok(ReplicationPreview {
        scopes: preview
            .scopes
            .iter()
            .map(|row| match &row.preview {
                Some(p) => in_words(p),
                None => PreviewWords {
                    source: row.source.to_string(),
                    scope_id: row.scope_id.to_string(),
                    partner: String::new(),
                    changes: Vec::new(),
                    error: row.error.clone(),
                },
            })
            .collect(),
        basis: preview.basis,
    })
}

/// Replicates what `what` names (several scopes, a relationship, a server) as the preview
/// whose `basis` is given showed it: if any copy changed since, refused, nothing written.
#[server(endpoint = "replicate_previewed", input = server_fn::codec::Json)]
pub async fn replicate_previewed(
    what: ReplicateWhat,
    basis: String,
) -> Result<Vec<tandem_core::views::ScopeResult>, AppError> {
    let tandem = super::ssr::tandem()?;
    let caller = super::ssr::caller()?;
    let parsed = Parsed::of(&what)?;
    Ok(tandem
        .replicate_as_previewed(&caller, parsed.targets(), Some(&basis))
        .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncErrorRef {
    pub relationship: String,
    pub scope_id: String,
}

/// Clear Config Sync Error. Returns whether there was one.
#[server(endpoint = "clear_sync_error", input = server_fn::codec::Json)]
pub async fn clear_sync_error(target: SyncErrorRef) -> Result<bool, AppError> {
    use tandem_core::ScopeId;
    let scope = super::parse_field("scope_id", ScopeId::parse(&target.scope_id))?;
    let tandem = super::ssr::tandem()?;
    Ok(tandem
        .clear_sync_error(&super::ssr::caller()?, &target.relationship, scope)
        .await?)
}

/// A scope's properties as they stand on one server, with the version an edit must name.
#[server(endpoint = "get_scope", input = server_fn::codec::Json)]
pub async fn get_scope(
    target: ScopeRef,
) -> Result<(tandem_core::scope_input::ScopeInput, String), AppError> {
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&target.scope_id))?;
    let current = super::ssr::tandem()?
        .get_scope(&super::ssr::caller()?, &server, scope)
        .await?;
    Ok((
        tandem_core::scope_input::ScopeInput::of(&current),
        current.properties_version(),
    ))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateScopeInput {
    pub server: String,
    pub scope: tandem_core::scope_input::ScopeInput,
}

#[server(endpoint = "create_scope", input = server_fn::codec::Json)]
pub async fn create_scope(input: CreateScopeInput) -> Result<(), AppError> {
    use tandem_core::ServerName;
    let server = super::parse_field("server", ServerName::parse(&input.server))?;
    super::ssr::tandem()?
        .create_scope(&super::ssr::caller()?, &server, &input.scope)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateScopeInput {
    pub target: ScopeRef,
    pub version: String,
    pub scope: tandem_core::scope_input::ScopeInput,
}

#[server(endpoint = "update_scope", input = server_fn::codec::Json)]
pub async fn update_scope(
    input: UpdateScopeInput,
) -> Result<tandem_core::views::ChangeOutcome, AppError> {
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&input.target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&input.target.scope_id))?;
    Ok(super::ssr::tandem()?
        .update_scope(
            &super::ssr::caller()?,
            &server,
            scope,
            &input.version,
            &input.scope,
        )
        .await?)
}

#[server(endpoint = "delete_scope", input = server_fn::codec::Json)]
pub async fn delete_scope(target: ScopeRef) -> Result<(), AppError> {
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&target.scope_id))?;
    super::ssr::tandem()?
        .delete_scope(&super::ssr::caller()?, &server, scope, None)
        .await?;
    Ok(())
}

crate::lazy_calls! {
    call_preview_replication: PreviewReplication;
    call_scope_list: ScopeList;
    call_check_drift: CheckDrift;
    call_clear_sync_error: ClearSyncError;
    call_create_scope: CreateScope;
    call_delete_scope: DeleteScope;
    call_replicate_scope: ReplicateScope;
    call_replicate_previewed: ReplicatePreviewed;
    call_update_scope: UpdateScope;
}
