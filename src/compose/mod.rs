//! Compose projects: which files form one, how they merge, and the typed model.

pub mod canonical;
pub mod extra_hosts;
pub mod merge;
pub mod ports;
