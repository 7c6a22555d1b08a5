//! The portal's views, named as in the seed so that its users find their way.

pub mod api_docs;
pub mod dashboard;
pub mod events;
pub mod import;
pub mod leases;
pub mod relationships;
pub mod reservations;
pub mod review;
#[cfg(feature = "ssr")]
pub mod scope_hosts;
#[cfg(feature = "ssr")]
pub mod scope_pools;
pub mod scopes;
pub mod search;
#[cfg(feature = "ssr")]
pub mod server_config;
pub mod servers;
pub mod sign_in;
pub mod tokens;
pub mod users;

/// The URL of a scope's Reservations view.
pub fn reservations_url(server: &str, scope_id: &str) -> String {
    format!("/servers/{server}/scopes/{scope_id}")
}
