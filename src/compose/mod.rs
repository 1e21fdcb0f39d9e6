//! Compose projects: which files form one, how they merge, and the typed model.

pub mod canonical;
pub mod config;
pub mod discover;
pub mod env;
pub mod extra_hosts;
mod from_tree;
pub mod issues;
pub mod load;
pub mod merge;
pub mod model;
pub mod ports;
pub mod profiles;
pub(crate) mod reader;
mod schema;
pub mod shell;
pub mod tree;
