//! Compose projects: which files form one, how they merge, and the typed model.

pub mod extra_hosts;
pub mod ports;
