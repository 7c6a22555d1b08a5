//! The `tandem` binary's parts, as a library so that tests can build the router directly.

pub mod cli;
pub mod config;
pub mod guard;
pub mod live;
pub mod web;
