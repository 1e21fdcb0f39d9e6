//! The spanned YAML tree as merging, the canonical form and the `config` renderer work on it:
//! the nodes they build, Go's formatting of decoded YAML values (messages and list items are
//! worded as Compose's Go code prints them), and the error they report.

use std::fmt;

use crate::go_format::go_float;
use crate::source::Span;
use crate::text::{Origin, Text};
use crate::yaml::{Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue};

/// Deeper than any tree the YAML reader accepts; guards the recursion on odd inputs anyway.
pub(crate) const MAX_DEPTH: usize = 1024;

/// Why documents could not be merged, or a project has no canonical form, with Compose's
/// wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeError {
    pub message: String,
    /// The node to blame, when there is one.
    pub span: Option<Span>,
}

impl TreeError {
    pub(crate) fn new(message: impl Into<String>, span: Option<Span>) -> Self {
        TreeError {
            message: message.into(),
            span,
        }
    }

    pub(crate) fn at(message: impl Into<String>, node: &Node) -> Self {
        TreeError::new(message, Some(node.span))
    }
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TreeError {}

/// Whether `path` matches a dotted pattern in which `*` stands for any one segment.
pub(crate) fn path_matches(path: &[String], pattern: &str) -> bool {
    let mut segments = path.iter();
    for pat in pattern.split('.') {
        match segments.next() {
            Some(seg) if pat == "*" || seg == pat => {}
            _ => return false,
        }
    }
    segments.next().is_none()
}

/// `{condition: service_started, required: true}`: what a listed dependency means.
pub(crate) fn default_dependency(span: Span) -> Node {
    mapping_node(
        vec![
            Entry {
                key: synthetic_string("condition", span),
                value: synthetic_string("service_started", span),
            },
            Entry {
                key: synthetic_string("required", span),
                value: synthetic_plain("true", span),
            },
        ],
        span,
    )
}

/// The text of a key (or any scalar); empty for a collection.
pub(crate) fn key_text(node: &Node) -> &str {
    node.as_str().unwrap_or("")
}

/// A scalar's text with its provenance; for a collection, its formatted value.
pub(crate) fn scalar_text(node: &Node) -> Text {
    match node.as_scalar() {
        Some(s) => s.text.clone(),
        None => Text::from_file(go_sprint(node), node.span, false),
    }
}

/// The text Go's `fmt.Sprint` gives a decoded YAML value, mapped to where it came from: a
/// string keeps its exact pieces, a number spelled differently (`0x10` → `16`) maps to its
/// scalar as a whole.
pub(crate) fn go_sprint_text(node: &Node) -> Text {
    let formatted = go_sprint(node);
    match node.as_scalar() {
        Some(s) if s.text.value == formatted => s.text.clone(),
        Some(s) => match s.text.primary_span() {
            Some(span) => Text::from_file(formatted, span, false),
            None => Text::new(formatted, Origin::Synthetic),
        },
        None => Text::from_file(formatted, node.span, false),
    }
}

/// A comparable form of a scalar, as Go compares decoded values.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum GoValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(String),
}

pub(crate) fn go_value(node: &Node) -> Option<GoValue> {
    Some(match node.as_scalar()?.value() {
        ScalarValue::Null => GoValue::Null,
        ScalarValue::Bool(b) => GoValue::Bool(b),
        ScalarValue::Int(i) => GoValue::Int(i),
        ScalarValue::Float(f) => GoValue::Float(f.to_bits()),
        ScalarValue::Str(s) => GoValue::Str(s.to_string()),
    })
}

/// Go's `%T` of a decoded YAML value, for messages.
pub(crate) fn go_type_name(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Mapping(_) => "map[string]interface {}",
        NodeKind::Sequence(_) => "[]interface {}",
        NodeKind::Scalar(s) => match s.value() {
            ScalarValue::Null => "<nil>",
            ScalarValue::Bool(_) => "bool",
            ScalarValue::Int(_) => "int",
            ScalarValue::Float(_) => "float64",
            ScalarValue::Str(_) => "string",
        },
    }
}

/// Go's `fmt.Sprint` of a decoded YAML value.
pub(crate) fn go_sprint(node: &Node) -> String {
    let mut out = String::new();
    sprint_into(node, &mut out, 0);
    out
}

fn sprint_into(node: &Node, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match &node.kind {
        NodeKind::Scalar(s) => match s.value() {
            ScalarValue::Null => out.push_str("<nil>"),
            ScalarValue::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            ScalarValue::Int(i) => out.push_str(&i.to_string()),
            ScalarValue::Float(f) => out.push_str(&go_float(f)),
            ScalarValue::Str(s) => out.push_str(s),
        },
        NodeKind::Sequence(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                sprint_into(item, out, depth + 1);
            }
            out.push(']');
        }
        NodeKind::Mapping(entries) => {
            // Go prints maps with sorted keys.
            let mut sorted: Vec<&Entry> = entries.iter().collect();
            sorted.sort_by(|a, b| key_text(&a.key).cmp(key_text(&b.key)));
            out.push_str("map[");
            for (i, entry) in sorted.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key_text(&entry.key));
                out.push(':');
                sprint_into(&entry.value, out, depth + 1);
            }
            out.push(']');
        }
    }
}

/// Go's `%s` of a decoded value, including its complaint about a value that is no string.
pub(crate) fn go_percent_s(node: Option<&Node>) -> String {
    let Some(node) = node else {
        return "%!s(<nil>)".to_string();
    };
    match node.as_scalar().map(Scalar::value) {
        Some(ScalarValue::Str(s)) => s.to_string(),
        Some(ScalarValue::Null) => "%!s(<nil>)".to_string(),
        _ => format!("%!s({}={})", go_type_name(node), go_sprint(node)),
    }
}

/// Go's `%d` of a decoded value.
pub(crate) fn go_percent_d(node: &Node) -> String {
    match node.as_scalar().map(Scalar::value) {
        Some(ScalarValue::Int(i)) => i.to_string(),
        Some(ScalarValue::Null) => "%!d(<nil>)".to_string(),
        _ => format!("%!d({}={})", go_type_name(node), go_sprint(node)),
    }
}

/// The span from `a`'s start to `b`'s end when both are in one file and in that order.
pub(crate) fn cover(a: Span, b: Span) -> Span {
    if a.file == b.file && a.start <= b.end {
        Span::new(a.file, a.start, b.end.max(a.end))
    } else {
        a
    }
}

pub(crate) fn null_node(span: Span) -> Node {
    Node {
        kind: NodeKind::Scalar(Scalar {
            text: Text::default(),
            style: ScalarStyle::Plain,
        }),
        span,
        tag: None,
    }
}

pub(crate) fn mapping_node(entries: Vec<Entry>, span: Span) -> Node {
    Node {
        kind: NodeKind::Mapping(entries),
        span,
        tag: None,
    }
}

pub(crate) fn sequence_node(items: Vec<Node>, span: Span) -> Node {
    Node {
        kind: NodeKind::Sequence(items),
        span,
        tag: None,
    }
}

/// A string scalar. Marked quoted only when the plain text would read as another type
/// (`"8080"`, `"true"`), so that its YAML type stays a string.
pub(crate) fn string_node(text: Text, span: Span) -> Node {
    let plain = Scalar {
        text,
        style: ScalarStyle::Plain,
    };
    let style = if matches!(plain.value(), ScalarValue::Str(_)) {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    };
    Node {
        kind: NodeKind::Scalar(Scalar {
            text: plain.text,
            style,
        }),
        span,
        tag: None,
    }
}

/// A plain scalar whose type follows from its text (`80`, `true`).
pub(crate) fn plain_node(text: Text, span: Span) -> Node {
    Node {
        kind: NodeKind::Scalar(Scalar {
            text,
            style: ScalarStyle::Plain,
        }),
        span,
        tag: None,
    }
}

/// A string Compose makes up (a key of a long form, a default), located at `span`.
pub(crate) fn synthetic_string(value: &str, span: Span) -> Node {
    string_node(Text::synthetic(value), span)
}

pub(crate) fn synthetic_plain(value: &str, span: Span) -> Node {
    plain_node(Text::synthetic(value), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns() {
        let path: Vec<String> = ["services", "web", "ulimits", "nofile"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(path_matches(&path, "services.*.ulimits.*"));
        assert!(!path_matches(&path, "services.*.ulimits"));
        assert!(!path_matches(&path[..3], "services.*.ulimits.*"));
    }
}
