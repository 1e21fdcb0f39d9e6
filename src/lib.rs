//! composelint: a linter and auto-fixer for Docker Compose projects.
//!
//! The library never prints and never reads the process environment; the binary does that and
//! passes what it found in as data.

pub mod compose;
pub mod diagnostic;
pub mod dotenv;
pub mod fs;
pub mod interpolate;
pub mod source;
pub mod text;
pub mod yaml;
