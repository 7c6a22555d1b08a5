//! Server functions for scopes: the DHCP Scopes view, scope replication, sync errors.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::views::{ScopeQuery, ScopeReplication, ScopesPage};

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

/// Scope-level replication from `target`'s server; with `basis` (a preview's), only if neither
/// copy has changed since that preview.
#[server(endpoint = "replicate_scope", input = server_fn::codec::Json)]
pub async fn replicate_scope(
    target: ScopeRef,
    #[server(default)] basis: Option<String>,
) -> Result<ScopeReplication, AppError> {
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&target.scope_id))?;
    let tandem = super::ssr::tandem()?;
    Ok(tandem
        .replicate_scope_as_previewed(&super::ssr::caller()?, &server, scope, basis.as_deref())
        .await?)
}

/// What a scope's replication would change on its partner, in words (one line per change:
/// what is added, removed, or changed from the partner's value to the source's), and the
/// basis to replicate it as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationPreview {
    pub partner: String,
    pub changes: Vec<String>,
    pub basis: String,
}

/// [`ReplicationPreview`] of `target`, read afresh from both servers; nothing is written.
#[server(endpoint = "preview_replication", input = server_fn::codec::Json)]
pub async fn preview_replication(target: ScopeRef) -> Result<ReplicationPreview, AppError> {
    use tandem_core::{ScopeId, ServerName};
    let server = super::parse_field("server", ServerName::parse(&target.server))?;
    let scope = super::parse_field("scope_id", ScopeId::parse(&target.scope_id))?;
    let tandem = super::ssr::tandem()?;
    let preview = tandem
        .preview_scope_replication(&super::ssr::caller()?, &server, scope)
        .await?;
    Ok(ReplicationPreview {
        changes: preview
            .changes
            .iter()
            .map(tandem_core::drift::Difference::as_change)
            .collect(),
        partner: preview.partner.to_string(),
        basis: preview.basis,
    })
}

/// Scope-level replication of several chosen scopes; one failing does not stop the others.
#[server(endpoint = "replicate_scopes", input = server_fn::codec::Json)]
pub async fn replicate_scopes(
    targets: Vec<ScopeRef>,
) -> Result<Vec<tandem_core::views::ScopeResult>, AppError> {
    use tandem_core::{ScopeId, ServerName};
    let caller = super::ssr::caller()?;
    let tandem = super::ssr::tandem()?;
    let mut parsed = Vec::with_capacity(targets.len());
    for t in targets {
        let server = super::parse_field("server", ServerName::parse(&t.server))?;
        let scope = super::parse_field("scope_id", ScopeId::parse(&t.scope_id))?;
        parsed.push((server, scope));
    }
    Ok(tandem.replicate_scopes(&caller, &parsed).await)
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
        .delete_scope(&super::ssr::caller()?, &server, scope)
        .await?;
    Ok(())
}

crate::lazy_calls! {
    call_preview_replication: PreviewReplication;
    call_scope_list: ScopeList;
    call_list_scopes: ListScopes;
    call_check_drift: CheckDrift;
    call_clear_sync_error: ClearSyncError;
    call_create_scope: CreateScope;
    call_delete_scope: DeleteScope;
    call_replicate_scope: ReplicateScope;
    call_replicate_scopes: ReplicateScopes;
    call_update_scope: UpdateScope;
}
