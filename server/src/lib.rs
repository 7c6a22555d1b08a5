//! The `tandem` binary's parts, as a library so that tests can build the router directly.

#![recursion_limit = "256"]

pub mod api;
pub mod cli;
pub mod config;
pub mod forms;
pub mod guard;
pub mod live;
pub mod monitor;
pub mod remote;
pub mod web;
