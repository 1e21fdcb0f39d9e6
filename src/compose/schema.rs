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
///
/// Validated in parts so that only a small part of the document is ever held as JSON: the
/// document with every service emptied, then each service alone inside a document of its
/// own. The schema requires nothing of a service and checks no service against another, so
/// the parts have exactly the violations of the whole.
pub fn violations(root: &Node) -> Vec<(Span, String)> {
    let Some(validator) = validator() else {
        return Vec::new();
    };
    let services = root
        .get("services")
        .and_then(Node::as_mapping)
        .unwrap_or_default();
    let mut out: Vec<(Span, String)> = Vec::new();
    collect(validator, root, &outline(root), &mut out);
    for entry in services {
        if out.len() >= MAX_ERRORS {
            break;
        }
        if let (Some(name), NodeKind::Mapping(_)) = (entry.key.as_str(), &entry.value.kind) {
            let mut service = Map::new();
            service.insert(name.to_string(), service_json(&entry.value));
            let mut document = Map::new();
            document.insert("services".to_string(), Value::Object(service));
            collect(validator, root, &Value::Object(document), &mut out);
        }
    }
    out.truncate(MAX_ERRORS);
    out
}

/// A service as JSON, with a `networks:` the merge turned from a list into a mapping of
/// nulls given back as the list: Docker Compose validates each file before that, so
/// `networks: [olla=ma]` passes as a list of strings while the mapping's keys must match
/// `^[a-zA-Z0-9._-]+$`. (A mapping written with only null values is validated as a list too,
/// which Compose would not: the rarer form.)
fn service_json(service: &Node) -> Value {
    to_json_with(service, &|path, node| {
        let entries = node.as_mapping().filter(|_| path == ["networks"])?;
        entries.iter().all(|e| e.value.is_null()).then(|| {
            Value::Array(
                entries
                    .iter()
                    .map(|e| Value::String(e.key.as_str().unwrap_or_default().to_string()))
                    .collect(),
            )
        })
    })
}

/// The document as JSON with each service that is a mapping emptied.
fn outline(root: &Node) -> Value {
    to_json_with(root, &|path, node| {
        (path.len() == 2 && path[0] == "services" && node.as_mapping().is_some())
            .then(|| Value::Object(Map::new()))
    })
}

/// Adds the violations of `instance`, a part of `root` shaped like it, located in `root`.
fn collect(
    validator: &jsonschema::Validator,
    root: &Node,
    instance: &Value,
    out: &mut Vec<(Span, String)>,
) {
    for error in validator.iter_errors(instance).take(MAX_ERRORS) {
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
#[cfg(test)]
fn to_json(node: &Node) -> Value {
    to_json_with(node, &|_, _| None)
}

/// [`to_json`], with `replace` giving the JSON of some nodes (by their key path) instead.
fn to_json_with(node: &Node, replace: &dyn Fn(&[&str], &Node) -> Option<Value>) -> Value {
    fn walk<'a>(
        node: &'a Node,
        path: &mut Vec<&'a str>,
        replace: &dyn Fn(&[&str], &Node) -> Option<Value>,
    ) -> Value {
        if let Some(value) = replace(path, node) {
            return value;
        }
        match &node.kind {
            NodeKind::Mapping(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| {
                        let key = e.key.as_str().unwrap_or_default();
                        path.push(key);
                        let value = walk(&e.value, path, replace);
                        path.pop();
                        (key.to_string(), value)
                    })
                    .collect::<Map<String, Value>>(),
            ),
            NodeKind::Sequence(items) => Value::Array(
                items
                    .iter()
                    .map(|item| {
                        path.push("[]");
                        let value = walk(item, path, replace);
                        path.pop();
                        value
                    })
                    .collect(),
            ),
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
    walk(node, &mut Vec::new(), replace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn the_compiled_in_schema_compiles() {
        assert!(validator().is_some());
    }

    /// The violations found by validating the whole document at once.
    fn whole(root: &Node) -> Vec<(Span, String)> {
        let mut out = Vec::new();
        collect(validator().unwrap(), root, &to_json(root), &mut out);
        out
    }

    fn sorted(mut v: Vec<(Span, String)>) -> Vec<(Span, String)> {
        v.sort_by_key(|(span, message)| (span.start, message.clone()));
        v
    }

    #[test]
    fn validating_in_parts_finds_what_validating_the_whole_finds() {
        let text = "\
name: demo
bogus: 1
services:
  web:
    image: nginx
    ports: {not: a-list}
    unknown_key: x
  api:
    image: [not, a, string]
    environment:
      A: {nested: mapping}
  \"bad name!\":
    image: busybox
    also_unknown: 1
  nothing:
  text: just a string
  fine:
    image: ollama/ollama
    restart: sometimes
networks:
  n:
    driver: 7
volumes: [a, b]
";
        let parsed = crate::yaml::parse(FileId(0), text, crate::yaml::Limits::default());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let root = &parsed.documents[0];
        let expected = sorted(whole(root));
        assert!(expected.len() >= 8, "{expected:#?}");
        assert_eq!(sorted(violations(root)), expected);
    }
}
