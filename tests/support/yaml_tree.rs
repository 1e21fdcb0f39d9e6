//! Test YAML read into the spanned tree by composelint's own reader, and the tree as JSON.

use composelint::source::FileId;
use composelint::yaml::{self, Limits, Node, NodeKind, ScalarValue};

/// The one document of `text`. Panics on invalid YAML: only for tests.
pub fn parse(text: &str) -> Node {
    let mut tree = yaml::parse(FileId(0), text, Limits::default());
    assert!(
        tree.errors.is_empty(),
        "test YAML parses: {:?}",
        tree.errors
    );
    assert_eq!(tree.documents.len(), 1, "test YAML holds one document");
    tree.documents.remove(0)
}

/// The tree as JSON with YAML types kept, to compare with expected YAML.
pub fn node_to_json(node: &Node) -> serde_json::Value {
    match &node.kind {
        NodeKind::Scalar(s) => match s.value() {
            ScalarValue::Null => serde_json::Value::Null,
            ScalarValue::Bool(b) => serde_json::Value::Bool(b),
            ScalarValue::Int(i) => serde_json::Value::from(i),
            ScalarValue::Float(f) => serde_json::Value::from(f),
            ScalarValue::Str(s) => serde_json::Value::String(s.to_string()),
        },
        NodeKind::Sequence(items) => {
            serde_json::Value::Array(items.iter().map(node_to_json).collect())
        }
        NodeKind::Mapping(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|e| {
                    (
                        e.key.as_str().unwrap_or("").to_string(),
                        node_to_json(&e.value),
                    )
                })
                .collect(),
        ),
    }
}
