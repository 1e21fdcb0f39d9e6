//! `.env` and `env_file` files, parsed as Compose parses them, with key and value spans.

use crate::interpolate::UnsetVariable;
use crate::source::{SourceFile, Span};
use crate::text::Text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvEntry {
    pub key: String,
    pub key_span: Span,
    /// None: a bare `KEY` line whose value the lookup did not have (the key is then unset).
    pub value: Option<Text>,
    /// The value as written, quotes included (None for a bare key).
    pub value_span: Option<Span>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dotenv {
    /// In file order; a later entry with the same key wins.
    pub entries: Vec<DotenvEntry>,
    /// Variables interpolated in values that had no value, with the span of each use.
    pub unset: Vec<(UnsetVariable, Span)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvError {
    /// The message as Compose words it, e.g. `line 7: key cannot contain a space`.
    pub message: String,
    pub span: Span,
}

/// Parses a dotenv file. `lookup` is consulted first for interpolation and bare keys; values
/// defined earlier in the same file come second.
pub fn parse(file: &SourceFile, lookup: &dyn Fn(&str) -> Option<Text>) -> Result<Dotenv, DotenvError> {
    let _ = (file, lookup);
    todo!()
}
