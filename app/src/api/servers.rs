//! Server functions for DHCP Servers, Server Properties and the Dashboard.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::ClassInput;
use tandem_core::views::{ChangeOutcome, Dashboard, ServerQuery, ServersPage};

/// One page of the DHCP Servers view.
#[server(endpoint = "list_servers", input = server_fn::codec::Json)]
pub async fn list_servers(#[server(default)] query: ServerQuery) -> Result<ServersPage, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.list_servers(&caller, &query).await?)
}

#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.dashboard(&caller).await?)
}

/// Server Properties' configuration sections as the server renders them (its client classes,
/// with where they are used, and for a user who may change them their Edit and Delete links):
/// the page shows this HTML as it is.
#[server(endpoint = "server_config")]
pub async fn server_config(server: String) -> Result<String, AppError> {
    let caller = super::ssr::caller()?;
    let name = super::parse_field("server", tandem_core::ServerName::parse(&server))?;
    let tandem = super::ssr::tandem()?;
    let role = caller.principal.role;
    let config = crate::pages::server_config::ServerConfig {
        classes: tandem.client_classes(&caller, &name).await?,
        options: tandem.server_options(&caller, &name).await?,
        globals: tandem.global_reservations(&caller, &name).await?,
        manage: role.grants(tandem_core::access::Permission::ManageServers),
        reserve: role.grants(tandem_core::access::Permission::EditReservations),
    };
    Ok(crate::pages::server_config::render_config(&server, config))
}

/// A server's own options as the option editor shows them (`None`: it has none).
#[server(endpoint = "server_option_rows")]
pub async fn server_option_rows(
    server: String,
) -> Result<Option<Vec<tandem_core::scope_input::OptionInput>>, AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&server))?;
    Ok(super::ssr::tandem()?
        .server_options(&caller, &server)
        .await?
        .map(|o| tandem_core::scope_input::option_inputs(&o.options)))
}

/// Edit Server Options: on the server, then on its HA partner.
#[server(endpoint = "put_server_options", input = server_fn::codec::Json)]
pub async fn put_server_options(
    server: String,
    options: Vec<tandem_core::scope_input::OptionInput>,
) -> Result<ChangeOutcome, AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&server))?;
    Ok(super::ssr::tandem()?
        .put_server_options(&caller, &server, &options)
        .await?)
}

/// One client class of a server, as its dialog edits it (`None` when there is none).
#[server(endpoint = "client_class")]
pub async fn client_class(server: String, name: String) -> Result<Option<ClassInput>, AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&server))?;
    let classes = super::ssr::tandem()?
        .client_classes(&caller, &server)
        .await?
        .unwrap_or_default();
    Ok(classes
        .iter()
        .find(|row| row.class.name == name)
        .map(|row| ClassInput::from(&row.class)))
}

/// A client class as its dialog sends it, for a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassChange {
    pub server: String,
    pub class: ClassInput,
}

/// Create Client Class: on the server, then on its HA partner.
#[server(endpoint = "create_class", input = server_fn::codec::Json)]
pub async fn create_class(input: ClassChange) -> Result<ChangeOutcome, AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&input.server))?;
    Ok(super::ssr::tandem()?
        .put_client_class(&caller, &server, true, &input.class)
        .await?)
}

/// Edit Client Class: on the server, then its HA partner made to hold the same.
#[server(endpoint = "edit_class", input = server_fn::codec::Json)]
pub async fn edit_class(input: ClassChange) -> Result<ChangeOutcome, AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&input.server))?;
    Ok(super::ssr::tandem()?
        .put_client_class(&caller, &server, false, &input.class)
        .await?)
}

/// Delete Client Class: from the server, then from its HA partner.
#[server(endpoint = "delete_class", input = server_fn::codec::Json)]
pub async fn delete_class(server: String, name: String) -> Result<ChangeOutcome, AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&server))?;
    Ok(super::ssr::tandem()?
        .delete_client_class(&caller, &server, &name)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerOnline {
    pub server: String,
    pub online: bool,
}

#[server(endpoint = "set_server_online", input = server_fn::codec::Json)]
pub async fn set_server_online(input: ServerOnline) -> Result<(), AppError> {
    let caller = super::ssr::caller()?;
    let server = super::parse_field("server", tandem_core::ServerName::parse(&input.server))?;
    Ok(super::ssr::tandem()?
        .set_server_online(&caller, &server, input.online)
        .await?)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeaServerInput {
    /// The server's name in Tandem: its HA peer name, when it is in a pair.
    pub name: String,
    /// Its control channel's URL (a control agent, or Kea 3's own HTTP(S) control socket),
    /// or `unix:` and its control socket's path.
    pub url: String,
    /// HTTP basic authentication; blank for none.
    #[serde(default)]
    pub user: String,
    /// Write-only: sent to the server, never returned or shown.
    #[serde(default)]
    pub password: String,
    /// The CA file vouching for an https:// control channel; blank for the usual roots.
    #[serde(default)]
    pub ca_file: String,
}

/// Registers a Kea server (read first: nothing is stored unless it answers). Returns how many
/// scopes it has.
#[server(endpoint = "add_kea_server", input = server_fn::codec::Json)]
pub async fn add_kea_server(input: KeaServerInput) -> Result<usize, AppError> {
    let caller = super::ssr::caller()?;
    let name = super::parse_field("name", tandem_core::ServerName::parse(input.name.trim()))?;
    Ok(super::ssr::tandem()?
        .add_kea_server(
            &caller,
            &name,
            &input.url,
            &tandem_backend::driver::ControlAccess {
                user: Some(input.user),
                password: Some(input.password),
                ca_file: Some(input.ca_file),
            },
        )
        .await?)
}

/// The configuration review, read now from every server the user reaches.
#[server(endpoint = "get_review")]
pub async fn get_review() -> Result<tandem_core::review::Review, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.review(&caller).await?)
}

/// "Review now": every server read and checked again.
#[server(endpoint = "review_now")]
pub async fn review_now() -> Result<tandem_core::review::Review, AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?.review_now(&caller).await?)
}

/// Dismisses a finding for its object (`dismiss`), or restores it.
#[server(endpoint = "dismiss_finding")]
pub async fn dismiss_finding(key: String, dismiss: bool) -> Result<(), AppError> {
    let caller = super::ssr::caller()?;
    Ok(super::ssr::tandem()?
        .dismiss_finding(&caller, &key, dismiss)
        .await?)
}

crate::lazy_calls! {
    call_list_servers: ListServers;
    call_get_dashboard: GetDashboard;
    call_get_review: GetReview;
    call_review_now: ReviewNow;
    call_dismiss_finding: DismissFinding;
    call_add_kea_server: AddKeaServer;
    call_set_server_online: SetServerOnline;
    call_server_config: ServerConfig;
    call_client_class: ClientClass;
    call_create_class: CreateClass;
    call_edit_class: EditClass;
    call_delete_class: DeleteClass;
    call_server_option_rows: ServerOptionRows;
    call_put_server_options: PutServerOptions;
}
