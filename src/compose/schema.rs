//! Checks a merged document against Compose's JSON schema, as Docker Compose does before it
//! runs anything, and locates each violation in the files.
//!
//! The schema is `compose-spec.json` from compose-spec/compose-go (Apache License 2.0,
//! "Copyright 2020 The Compose Specification Authors"; licence text in
//! `fixtures/oracle/LICENSE.compose-spec-schema.txt`), compiled in unchanged.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Number, Value};

use crate::source::Span;
use crate::yaml::{Node, NodeKind, ScalarValue};

const SCHEMA: &str = include_str!("compose-spec.json");

/// At most this many violations are reported per project: the first ones say what is wrong.
const MAX_ERRORS: usize = 20;

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(SCHEMA).ok()?;
            jsonschema::validator_for(&schema).ok()
        })
        .as_ref()
}

/// The schema violations of `root`: where (the offending key or value) and what.
pub fn violations(root: &Node) -> Vec<(Span, String)> {
    let Some(validator) = validator() else {
        return Vec::new();
    };
    let instance = to_json(root);
    let mut out: Vec<(Span, String)> = Vec::new();
    for error in validator.iter_errors(&instance).take(MAX_ERRORS) {
        let segments: Vec<String> = error
            .instance_path()
            .segments()
            .map(|s| s.to_string())
            .collect();
        let path = if segments.is_empty() {
            "the top level".to_string()
        } else {
            segments.join(".")
        };
        let node = locate(root, &segments);
        let (span, message) = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let key = unexpected.first().cloned().unwrap_or_default();
                let span = node
                    .and_then(|n| n.entry(&key))
                    .map(|e| e.key.span)
                    .or(node.map(|n| n.span))
                    .unwrap_or(root.span);
                (span, format!("{path}: unknown key `{key}`"))
            }
            _ => (
                node.map(|n| n.span).unwrap_or(root.span),
                format!("{path}: {}", error.masked()),
            ),
        };
        if !out.iter().any(|(s, _)| *s == span) {
            out.push((span, message));
        }
    }
    out
}

/// The node at a JSON-pointer-like path.
fn locate<'a>(root: &'a Node, segments: &[String]) -> Option<&'a Node> {
    let mut node = root;
    for segment in segments {
        node = match &node.kind {
            NodeKind::Mapping(_) => node.get(segment)?,
            NodeKind::Sequence(items) => items.get(segment.parse::<usize>().ok()?)?,
            NodeKind::Scalar(_) => return None,
        };
    }
    Some(node)
}

/// The document as JSON with its YAML types, as the schema sees it.
fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|e| {
                    (
                        e.key.as_str().unwrap_or_default().to_string(),
                        to_json(&e.value),
                    )
                })
                .collect::<Map<String, Value>>(),
        ),
        NodeKind::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Scalar(s) => match s.value() {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(b) => Value::Bool(b),
            ScalarValue::Int(i) => Value::Number(i.into()),
            ScalarValue::Float(f) => Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(s.text.value.clone())),
            ScalarValue::Str(text) => Value::String(text.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_compiled_in_schema_compiles() {
        assert!(super::validator().is_some());
    }
}
