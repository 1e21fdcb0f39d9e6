//! Checks a merged document against Compose's JSON schema, as Docker Compose does before it
//! runs anything, and locates each violation in the files.
//!
//! The schema is `compose-spec.json` from compose-spec/compose-go (Apache License 2.0,
//! "Copyright 2020 The Compose Specification Authors"; licence text in
//! `fixtures/oracle/LICENSE.compose-spec-schema.txt`), compiled in unchanged.
//!
//! A part of a document is first checked by [`quick`], which reads the schema without
//! compiling it; the schema is compiled only for a part that check does not find valid.

mod quick;

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Number, Value};

use crate::source::Span;
use crate::yaml::{Node, NodeKind, ScalarValue};

const SCHEMA: &str = include_str!("compose-spec.json");

/// At most this many violations are reported per project: the first ones say what is wrong.
const MAX_ERRORS: usize = 20;

/// The schema without its annotations (`build.rs`), all the quick check reads.
static ASSERTIONS: quick::Json = {
    use quick::Json;
    include!(concat!(env!("OUT_DIR"), "/compose_spec_assertions.rs"))
};

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
    let services = root
        .get("services")
        .and_then(Node::as_mapping)
        .unwrap_or_default();
    let mut out: Vec<(Span, String)> = Vec::new();
    check_part(root, &outline(root), &mut out);
    for entry in services {
        if out.len() >= MAX_ERRORS {
            break;
        }
        if let (Some(name), NodeKind::Mapping(_)) = (entry.key.as_str(), &entry.value.kind) {
            let mut service = Map::new();
            service.insert(name.to_string(), service_json(&entry.value));
            let mut document = Map::new();
            document.insert("services".to_string(), Value::Object(service));
            check_part(root, &Value::Object(document), &mut out);
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

/// Adds the violations of `instance`, a part of `root` shaped like it, located in `root`;
/// the schema is compiled only if the quick check does not find the part valid.
fn check_part(root: &Node, instance: &Value, out: &mut Vec<(Span, String)>) {
    if quick::is_valid(&ASSERTIONS, instance) == Some(true) {
        return;
    }
    if let Some(validator) = validator() {
        collect(validator, root, instance, out);
    }
}

/// Adds the violations `validator` finds in `instance`, a part of `root` shaped like it,
/// located in `root`.
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

    /// What `build.rs` left out of the schema the quick check reads is annotations only: the
    /// check agrees with the validator (below), and each definition keeps every property, an
    /// annotation's name among them (`default`, `required`).
    #[test]
    fn the_assertions_keep_every_definition_and_property() {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        let Some(Value::Object(definitions)) = schema.get("$defs") else {
            panic!("no $defs");
        };
        let Some(quick::Json::Object(kept)) = ASSERTIONS.get("$defs") else {
            panic!("no $defs kept");
        };
        assert_eq!(kept.len(), definitions.len());
        for (name, definition) in definitions {
            let kept = ASSERTIONS.pointer(&format!("/$defs/{name}")).unwrap();
            let names = |properties: Option<&Value>| -> Vec<String> {
                properties
                    .and_then(Value::as_object)
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default()
            };
            let kept_names: Vec<String> = match kept.get("properties") {
                Some(quick::Json::Object(p)) => {
                    let mut n: Vec<String> = p.iter().map(|(k, _)| k.to_string()).collect();
                    n.sort();
                    n
                }
                _ => Vec::new(),
            };
            assert_eq!(kept_names, names(definition.get("properties")), "{name}");
        }
        assert!(ASSERTIONS.get("description").is_none());
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

    /// The parts [`violations`] validates.
    fn parts(root: &Node) -> Vec<Value> {
        let mut parts = vec![outline(root)];
        for entry in root
            .get("services")
            .and_then(Node::as_mapping)
            .unwrap_or_default()
        {
            if let (Some(name), NodeKind::Mapping(_)) = (entry.key.as_str(), &entry.value.kind) {
                let service = Map::from_iter([(name.to_string(), service_json(&entry.value))]);
                parts.push(Value::Object(Map::from_iter([(
                    "services".to_string(),
                    Value::Object(service),
                )])));
            }
        }
        parts
    }

    /// `value` with the node at `index` (in document order) replaced by `by`.
    fn replaced(value: &Value, index: &mut usize, by: &Value) -> Value {
        if *index == 0 {
            *index = usize::MAX;
            return by.clone();
        }
        *index = index.saturating_sub(1);
        match value {
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), replaced(v, index, by)))
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| replaced(v, index, by)).collect())
            }
            _ => value.clone(),
        }
    }

    fn nodes(value: &Value) -> usize {
        1 + match value {
            Value::Object(members) => members.values().map(nodes).sum(),
            Value::Array(items) => items.iter().map(nodes).sum(),
            _ => 0,
        }
    }

    /// The quick check never calls valid what the validator calls invalid, nor the reverse,
    /// over the parts of every YAML file of the fixtures and variants of them with one node
    /// replaced by a value of another kind; and it decides most of them.
    #[test]
    fn the_quick_check_agrees_with_the_validator() {
        let validator = validator().unwrap();
        let replacements: Vec<Value> = [
            "null",
            "true",
            "7",
            "-1",
            "1.5",
            "2.0",
            "\"x\"",
            "\"\"",
            "\"x-y\"",
            "[]",
            "[\"a\", \"a\"]",
            "[1, 1.0]",
            "{}",
            "{\"bogus\": 1}",
            "{\"x-ok\": 1}",
        ]
        .iter()
        .map(|r| serde_json::from_str(r).unwrap())
        .collect();
        let (mut valid, mut invalid, mut unknown) = (0, 0, 0);
        let mut check = |instance: &Value| match quick::is_valid(&ASSERTIONS, instance) {
            None => unknown += 1,
            Some(verdict) => {
                assert_eq!(verdict, validator.is_valid(instance), "{instance:#}");
                if verdict {
                    valid += 1;
                } else {
                    invalid += 1;
                }
            }
        };
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    files.push(path);
                }
            }
        }
        files.sort();
        assert!(files.len() > 100, "{} YAML files", files.len());
        for (n, path) in files.iter().enumerate() {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let parsed = crate::yaml::parse(FileId(0), &text, crate::yaml::Limits::default());
            let Some(root) = parsed.documents.first() else {
                continue;
            };
            for part in parts(root) {
                check(&part);
                // A few variants of each part, a different node and value each time.
                let count = nodes(&part);
                for k in 0..8 {
                    let mut index = (n * 31 + k * 7) % count;
                    let by = &replacements[(n + k * 5) % replacements.len()];
                    check(&replaced(&part, &mut index, by));
                }
            }
        }
        let decided = valid + invalid;
        assert!(
            valid > 500 && invalid > 500 && unknown * 10 < decided,
            "valid {valid}, invalid {invalid}, not decided {unknown}"
        );
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
