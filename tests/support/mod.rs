//! Helpers shared by the integration tests.

pub mod yaml_tree;
