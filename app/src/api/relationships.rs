//! Server functions for failover relationships.

use super::scopes::ScopeRef;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::failover_rules::NewRelationship;
use tandem_core::views::{RelationshipQuery, RelationshipRow, RelationshipsPage};
use tandem_core::{FailoverRelationship, FailoverState};

#[cfg(feature = "ssr")]
fn server(name: &str) -> Result<tandem_core::ServerName, AppError> {
    super::parse_field("server", tandem_core::ServerName::parse(name))
}

#[cfg(feature = "ssr")]
fn scope(id: &str) -> Result<tandem_core::ScopeId, AppError> {
    super::parse_field("scope_id", tandem_core::ScopeId::parse(id))
}

/// One page of the Failover Relationships view.
#[server(endpoint = "list_relationships", input = server_fn::codec::Json)]
pub async fn list_relationships(query: RelationshipQuery) -> Result<RelationshipsPage, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .list_relationships(&caller, &query)
        .await?)
}

/// Failover Relationships' list as the server renders it (rows and pager), for the user's
/// role: the page shows this HTML and handles the rows' forms and links in place.
#[server(endpoint = "relationship_list", input = server_fn::codec::Json)]
pub async fn relationship_list(
    #[server(default)] query: RelationshipQuery,
) -> Result<String, AppError> {
    use tandem_core::access::Permission;
    let caller = super::ssr::caller()?;
    let page = super::ssr::tandem()?
        .list_relationships(&caller, &query)
        .await?;
    let manage = caller
        .principal
        .role
        .grants(Permission::ManageRelationships);
    Ok(crate::pages::relationships::render_list(
        page, query, manage,
    ))
}

/// One relationship by name (`None` when there is none the caller reaches).
#[server(endpoint = "get_relationship")]
pub async fn get_relationship(name: String) -> Result<Option<RelationshipRow>, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .find_relationship(&caller, &name)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRelationshipInput {
    pub relationship: NewRelationship,
    /// Scope IDs on the primary to put in failover (copied to the partner).
    pub scopes: Vec<String>,
}

#[server(endpoint = "create_relationship", input = server_fn::codec::Json)]
pub async fn create_relationship(
    input: CreateRelationshipInput,
) -> Result<FailoverRelationship, AppError> {
    let caller = super::ssr::caller()?;
    let scopes = input
        .scopes
        .iter()
        .map(|s| scope(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(super::ssr::tandem()?
        .create_relationship(&caller, &input.relationship, &scopes)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRelationshipInput {
    pub name: String,
    pub relationship: NewRelationship,
}

#[server(endpoint = "update_relationship", input = server_fn::codec::Json)]
pub async fn update_relationship(
    input: UpdateRelationshipInput,
) -> Result<FailoverRelationship, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .update_relationship(&caller, &input.name, &input.relationship, None)
        .await?)
}

/// Names a relationship, and the server an action on it is run from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationshipRef {
    pub server: String,
    pub name: String,
}

#[server(endpoint = "delete_relationship", input = server_fn::codec::Json)]
pub async fn delete_relationship(target: RelationshipRef) -> Result<Vec<String>, AppError> {
    let caller = super::ssr::caller()?;
    let scopes = super::ssr::tandem()?
        .delete_relationship(&caller, &server(&target.server)?, &target.name, None)
        .await?;
    Ok(scopes.iter().map(ToString::to_string).collect())
}

#[server(endpoint = "set_partner_down", input = server_fn::codec::Json)]
pub async fn set_partner_down(target: RelationshipRef) -> Result<FailoverState, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .set_partner_down(&caller, &server(&target.server)?, &target.name)
        .await?)
}

/// Starts (`on`) or ends maintenance of the partner of `target.server`, which serves every
/// client meanwhile (Kea).
#[server(endpoint = "set_maintenance", input = server_fn::codec::Json)]
pub async fn set_maintenance(target: RelationshipRef, on: bool) -> Result<FailoverState, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .set_maintenance(&caller, &server(&target.server)?, &target.name, on)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigureFailoverInput {
    pub target: ScopeRef,
    pub relationship: String,
}

/// Configure failover on a scope, into an existing relationship.
#[server(endpoint = "add_scope_to_relationship", input = server_fn::codec::Json)]
pub async fn add_scope_to_relationship(input: ConfigureFailoverInput) -> Result<(), AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .add_scope_to_relationship(
            &caller,
            &server(&input.target.server)?,
            scope(&input.target.scope_id)?,
            &input.relationship,
        )
        .await?)
}

/// Remove failover from a scope: deleted on the partner, kept here. Returns the partner.
#[server(endpoint = "remove_scope_from_failover", input = server_fn::codec::Json)]
pub async fn remove_scope_from_failover(target: ScopeRef) -> Result<String, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .remove_scope_from_failover(&caller, &server(&target.server)?, scope(&target.scope_id)?)
        .await?
        .to_string())
}

crate::lazy_calls! {
    call_get_relationship: GetRelationship;
    call_relationship_list: RelationshipList;
    call_add_scope_to_relationship: AddScopeToRelationship;
    call_create_relationship: CreateRelationship;
    call_delete_relationship: DeleteRelationship;
    call_remove_scope_from_failover: RemoveScopeFromFailover;
    call_set_maintenance: SetMaintenance;
    call_set_partner_down: SetPartnerDown;
    call_update_relationship: UpdateRelationship;
}
