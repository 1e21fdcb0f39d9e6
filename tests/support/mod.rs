//! Helpers shared by the integration tests.

pub mod yaml_from_serde;
