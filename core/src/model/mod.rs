//! The model types of the domain, each with a `parse` that refuses bad input: once you hold
//! one, it is valid.

pub(crate) mod address;
mod class;
mod client_id;
mod failover;
mod global_reservation;
mod kept;
mod pool;
mod reservation;
mod scope;
mod server;
mod server_options;

pub use address::{IpRange, ScopeId, parse_ipv4};
pub use class::{
    ClassInput, ClassRow, ClassSpec, ClientClass, class_differences, class_name_refusal,
};
pub use client_id::{ClientId, IdentifierType};
pub use failover::{
    FailoverMode, FailoverRelationship, FailoverReport, FailoverState, Percent, ServerRole,
};
pub use global_reservation::{GlobalReservation, GlobalReservations, NewGlobalReservation};
pub use kept::Kept;
pub use pool::{PoolInput, PoolSettings};
pub use reservation::{HostSettings, MacAddress, Reservation, ReservationType};
pub use scope::{OptionValue, Scope, ScopeState, option_refusals, split_fields, text_digest};
pub use server::ServerName;
pub use server_options::ServerOptions;
