//! Tandem's domain core: the model types both sides share, the rules Windows DHCP enforces,
//! replication planning and drift computation. It knows nothing of HTTP, Leptos or SQL, and
//! compiles to WASM so that the browser uses the very same types.

pub mod access;
pub mod drift;
pub mod error;
pub mod failover_rules;
pub mod import;
pub mod model;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod options;
pub mod replication;
pub mod review;
pub mod scope_input;
pub mod text;
pub mod usage;
pub mod validate;
pub mod views;
mod wire;

pub use error::{FieldError, FieldErrors};
pub use model::*;
