//! Tandem's server side, apart from HTTP: storage, the drivers that reach DHCP servers, the
//! built-in DHCP server, and the services (the operations every face of the portal calls).
//! Kept out of the `app` crate so that sqlx and tokio never enter the WASM build.

pub mod bootstrap;
pub mod builtin;
pub mod driver;
pub mod files;
pub mod listen;
pub mod loadout;
pub mod metrics;
pub mod service;
pub mod store;

pub use service::{Caller, ReplicationTargets, ServiceError, Tandem};
