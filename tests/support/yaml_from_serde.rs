//! Builds the spanned YAML tree from `serde_yaml` values, for tests that run before the real
//! reader exists. Spans are dummies; scalar styles are chosen so that each scalar keeps the
//! YAML type serde_yaml gave it.

use composelint::source::{FileId, Span};
use composelint::text::Text;
use composelint::yaml::{Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue, Tag};
use serde_yaml::Value;

fn dummy_span() -> Span {
    Span::new(FileId(0), 0, 0)
}

/// Parses one YAML document into the tree. Panics on invalid YAML: only for tests.
pub fn parse(text: &str) -> Node {
    let value: Value = serde_yaml::from_str(text).expect("test YAML parses");
    node_from_value(&value)
}

pub fn node_from_value(value: &Value) -> Node {
    let kind = match value {
        Value::Null => plain("null"),
        Value::Bool(b) => plain(if *b { "true" } else { "false" }),
        Value::Number(n) => plain(&n.to_string()),
        Value::String(s) => string(s),
        Value::Sequence(items) => NodeKind::Sequence(items.iter().map(node_from_value).collect()),
        Value::Mapping(map) => NodeKind::Mapping(
            map.iter()
                .map(|(k, v)| Entry {
                    key: node_from_value(k),
                    value: node_from_value(v),
                })
                .collect(),
        ),
        Value::Tagged(tagged) => {
            let mut node = node_from_value(&tagged.value);
            let name = tagged.tag.to_string();
            node.tag = Some(Box::new(match name.trim_start_matches('!') {
                "reset" => Tag::Reset,
                "override" => Tag::Override,
                other => Tag::Other(other.to_string()),
            }));
            return node;
        }
    };
    Node {
        kind,
        span: dummy_span(),
        tag: None,
    }
}

fn text(s: &str) -> Text {
    Text::from_file(s, dummy_span(), false)
}

fn plain(s: &str) -> NodeKind {
    NodeKind::Scalar(Scalar {
        text: text(s),
        style: ScalarStyle::Plain,
    })
}

/// A string, quoted only if its plain spelling would read as another type.
fn string(s: &str) -> NodeKind {
    let scalar = Scalar {
        text: text(s),
        style: ScalarStyle::Plain,
    };
    let style = if matches!(scalar.value(), ScalarValue::Str(_)) {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    };
    NodeKind::Scalar(Scalar {
        text: scalar.text,
        style,
    })
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
