//! A YAML tree that keeps, for every node, the byte span it was read from.
//!
//! Built from yaml-rust2's events (see [`parse`]); anchors, aliases and `<<` merge keys are
//! resolved while building, and Compose's `!reset` / `!override` tags are kept on the nodes.
//! [`de`] reads typed values (the configuration file, the knowledge tables) from the tree with
//! serde.

mod builder;
pub mod de;

pub use builder::{Limits, ParsedYaml, YamlError, YamlErrorKind, parse};

use crate::source::Span;
use crate::text::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// The tags Compose gives meaning to; any other tag is kept by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tag {
    Reset,
    Override,
    Other(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's value after YAML unquoting/folding, with provenance: for plain scalars
    /// and quoted ones without escapes the text maps exactly onto the file bytes.
    pub text: Text,
    pub style: ScalarStyle,
}

/// What a scalar means to a YAML 1.2 core-schema reader such as Compose's (go-yaml).
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarValue<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// For a scalar: the token including quotes or block indicator; for a collection: from
    /// its first to its last byte.
    pub span: Span,
    /// Boxed: tags are rare, and every node would otherwise carry room for one.
    pub tag: Option<Box<Tag>>,
}

impl Node {
    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The string value of a scalar node, whatever its YAML type.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    /// The value of `key` in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?
            .iter()
            .find(|e| e.key.as_str() == Some(key))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.as_scalar().map(Scalar::value), Some(ScalarValue::Null))
    }

    /// A short name of the node's type for messages ("a mapping", "a string", …).
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Mapping(_) => "a mapping",
            NodeKind::Sequence(_) => "a sequence",
            NodeKind::Scalar(s) => match s.value() {
                ScalarValue::Null => "null",
                ScalarValue::Bool(_) => "a boolean",
                ScalarValue::Int(_) => "an integer",
                ScalarValue::Float(_) => "a number",
                ScalarValue::Str(_) => "a string",
            },
        }
    }
}

impl Scalar {
    /// The YAML 1.2 core-schema type of the scalar: only plain scalars can be anything but a
    /// string.
    pub fn value(&self) -> ScalarValue<'_> {
        let s = self.text.as_str();
        if self.style != ScalarStyle::Plain {
            return ScalarValue::Str(s);
        }
        match s {
            "" | "~" | "null" | "Null" | "NULL" => return ScalarValue::Null,
            "true" | "True" | "TRUE" => return ScalarValue::Bool(true),
            "false" | "False" | "FALSE" => return ScalarValue::Bool(false),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                return ScalarValue::Float(f64::INFINITY);
            }
            "-.inf" | "-.Inf" | "-.INF" => return ScalarValue::Float(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => return ScalarValue::Float(f64::NAN),
            _ => {}
        }
        if let Some(i) = parse_int(s) {
            return ScalarValue::Int(i);
        }
        if looks_like_float(s)
            && let Ok(f) = s.parse::<f64>()
        {
            return ScalarValue::Float(f);
        }
        ScalarValue::Str(s)
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else if let Some(b) = digits.strip_prefix("0b") {
        (2, b)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

fn looks_like_float(s: &str) -> bool {
    let body = s.trim_start_matches(['-', '+']);
    !body.is_empty()
        && body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && body.chars().any(|c| c.is_ascii_digit())
}
