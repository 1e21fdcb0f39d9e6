//! Typed values read straight from the spanned tree with serde, so a file is parsed once and a
//! value that does not fit its type is reported at its own span, under its path
//! (`ollama.client-variables[0].path: unknown variant ...`).
//!
//! Scalars are read as a YAML 1.2 core-schema reader reads them ([`Scalar::value`]), except
//! that a string field takes any scalar's text (`name: 12` is the name `12`).

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

use super::{Entry, Limits, Node, NodeKind, ParsedYaml, ScalarValue, YamlErrorKind, parse};
use crate::source::{Sources, Span};

/// A value that does not fit the type asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// Where the value is: `ollama.client-variables[0].path`; empty for the document itself.
    pub path: String,
    pub message: String,
    /// The node the message is about; `None` only for errors made outside any node.
    pub span: Option<Span>,
}

impl Error {
    /// The message with the path in front, as it is shown.
    pub fn describe(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.path, self.message)
        }
    }

    /// Places an error that does not know its node yet: the innermost node reached keeps it.
    fn at(mut self, node: &Node, path: &Path<'_>) -> Error {
        if self.span.is_none() {
            self.span = Some(node.span);
            self.path = path.to_string();
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error {
            path: String::new(),
            message: msg.to_string(),
            span: None,
        }
    }
}

/// Reads a `T` from `node`.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, Error> {
    T::deserialize(NodeDeserializer {
        node,
        path: Path::Root,
    })
}

/// Reads a `T` from the one document of a parsed file; no document at all (an empty file, or
/// comments only) reads as null. A YAML error or a second document is an error too, at its
/// span.
pub fn from_document<'de, T: de::Deserialize<'de>>(tree: &'de ParsedYaml) -> Result<T, Error> {
    let located = |span: Span, message: String| Error {
        path: String::new(),
        message,
        span: Some(span),
    };
    if let Some(error) = tree.errors.first() {
        let message = match &error.kind {
            YamlErrorKind::DuplicateKey { key, .. } => format!("`{key}` is given twice"),
            _ => error.message.clone(),
        };
        return Err(located(error.span, message));
    }
    if let Some(second) = tree.documents.get(1) {
        let message = "expected one YAML document, found more".to_string();
        return Err(located(second.span, message));
    }
    match tree.documents.first() {
        Some(node) => from_node(node),
        None => T::deserialize(de::value::UnitDeserializer::new()),
    }
}

/// Reads a `T` from YAML text holding one document (the compiled-in tables). Errors read
/// `line:column: path: message`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let mut sources = Sources::new();
    let id = sources.add(Default::default(), text.to_string());
    let tree = parse(id, text, Limits::default());
    from_document(&tree).map_err(|e| match e.span {
        Some(span) => {
            let at = sources.get(id).line_col(span.start);
            format!("{}:{}: {}", at.line, at.column, e.describe())
        }
        None => e.describe(),
    })
}

/// Where a node sits below the document, for messages; borrowed from the callers' frames.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

struct NodeDeserializer<'de, 'p> {
    node: &'de Node,
    path: Path<'p>,
}

impl<'de> NodeDeserializer<'de, '_> {
    fn unexpected(&self) -> Unexpected<'de> {
        match &self.node.kind {
            NodeKind::Sequence(_) => Unexpected::Seq,
            NodeKind::Mapping(_) => Unexpected::Map,
            NodeKind::Scalar(s) => match s.value() {
                ScalarValue::Null => Unexpected::Other("null"),
                ScalarValue::Bool(b) => Unexpected::Bool(b),
                ScalarValue::Int(i) => Unexpected::Signed(i),
                ScalarValue::Float(f) => Unexpected::Float(f),
                ScalarValue::Str(_) => Unexpected::Str(self.str_of()),
            },
        }
    }

    /// The scalar's text, borrowed for as long as the tree lives.
    fn str_of(&self) -> &'de str {
        match &self.node.kind {
            NodeKind::Scalar(s) => s.text.as_str(),
            _ => "",
        }
    }

    fn value(&self) -> Option<ScalarValue<'de>> {
        match &self.node.kind {
            NodeKind::Scalar(s) => Some(s.value()),
            _ => None,
        }
    }

    fn invalid<V: Visitor<'de>, T>(&self, visitor: &V) -> Result<T, Error> {
        Err(de::Error::invalid_type(self.unexpected(), visitor))
    }

    fn placed<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        result.map_err(|e| e.at(self.node, &self.path))
    }

    /// Visits the node if it `fits` the collection asked for; else says what was expected
    /// (`in_yaml`, or the visitor's own words).
    fn collection<V: Visitor<'de>>(
        &self,
        fits: bool,
        visitor: V,
        in_yaml: Option<&str>,
    ) -> Result<V::Value, Error> {
        let result = match in_yaml {
            _ if fits => self.visit_collection(visitor),
            Some(expected) => Err(de::Error::invalid_type(self.unexpected(), &expected)),
            None => self.invalid(&visitor),
        };
        self.placed(result)
    }

    fn visit_collection<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Sequence(items) => {
                let mut access = Items {
                    items: items.iter().enumerate(),
                    path: &self.path,
                };
                let value = visitor.visit_seq(&mut access)?;
                match access.items.len() {
                    0 => Ok(value),
                    left => Err(de::Error::invalid_length(
                        items.len(),
                        &format!("{} elements", items.len() - left).as_str(),
                    )),
                }
            }
            NodeKind::Mapping(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
                path: &self.path,
            }),
            NodeKind::Scalar(_) => self.invalid(&visitor),
        }
    }
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value() {
            None => self.visit_collection(visitor),
            Some(ScalarValue::Null) => visitor.visit_unit(),
            Some(ScalarValue::Bool(b)) => visitor.visit_bool(b),
            Some(ScalarValue::Int(i)) => visitor.visit_i64(i),
            Some(ScalarValue::Float(f)) => visitor.visit_f64(f),
            Some(ScalarValue::Str(_)) => visitor.visit_borrowed_str(self.str_of()),
        };
        self.placed(result)
    }

    // Tuples read as sequences; scalars by their core-schema type.
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 bytes byte_buf unit unit_struct
        tuple tuple_struct
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value() {
            Some(_) => visitor.visit_borrowed_str(self.str_of()),
            None => self.invalid(&visitor),
        };
        self.placed(result)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value() {
            Some(ScalarValue::Null) => self.placed(visitor.visit_none()),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let fits = matches!(self.node.kind, NodeKind::Sequence(_));
        self.collection(fits, visitor, None)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let fits = matches!(self.node.kind, NodeKind::Mapping(_));
        self.collection(fits, visitor, None)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let fits = matches!(self.node.kind, NodeKind::Mapping(_));
        // Said in YAML's words, not as the Rust type's name.
        self.collection(fits, visitor, Some("a mapping"))
    }

    /// A variant is its name (`platform: linux`) or a one-entry mapping from its name to its
    /// content.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = match &self.node.kind {
            NodeKind::Scalar(_) => visitor.visit_enum(Variant {
                name: self.node,
                content: None,
                path: &self.path,
            }),
            NodeKind::Mapping(entries) if entries.len() == 1 => visitor.visit_enum(Variant {
                name: &entries[0].key,
                content: Some(&entries[0].value),
                path: &self.path,
            }),
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &one_of(variants).as_str(),
            )),
        };
        self.placed(result)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// `one of `a`, `b``: the names a variant may be written as.
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("one of {}", quoted.join(", "))
}

struct Items<'de, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Node>>,
    path: &'p Path<'p>,
}

impl<'de> SeqAccess<'de> for Items<'de, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some((index, node)) = self.items.next() else {
            return Ok(None);
        };
        let path = Path::Index(self.path, index);
        seed.deserialize(NodeDeserializer { node, path }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'de, 'p> {
    entries: std::slice::Iter<'de, Entry>,
    /// The entry whose key was read last.
    value: Option<&'de Entry>,
    /// The mapping's own path: a bad key is reported there.
    path: &'p Path<'p>,
}

impl<'de> MapAccess<'de> for Entries<'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        let key = NodeDeserializer {
            node: &entry.key,
            path: *self.path,
        };
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some(entry) = self.value.take() else {
            return Err(de::Error::custom("a value was read before its key"));
        };
        let key = entry.key.as_str().unwrap_or("?");
        let path = Path::Key(self.path, key);
        seed.deserialize(NodeDeserializer {
            node: &entry.value,
            path,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Variant<'de, 'p> {
    name: &'de Node,
    content: Option<&'de Node>,
    path: &'p Path<'p>,
}

impl<'de, 'p> EnumAccess<'de> for Variant<'de, 'p> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let name = NodeDeserializer {
            node: self.name,
            path: *self.path,
        };
        let value = seed.deserialize(name)?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.content {
            None => Ok(()),
            Some(node) => Err(de::Error::invalid_type(
                NodeDeserializer {
                    node,
                    path: *self.path,
                }
                .unexpected(),
                &"a variant without content",
            )),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self.content_deserializer()?)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self.content_deserializer()?, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self.content_deserializer()?, visitor)
    }
}

impl<'de, 'p> Variant<'de, 'p> {
    fn content_deserializer(&self) -> Result<NodeDeserializer<'de, 'p>, Error> {
        match self.content {
            Some(node) => Ok(NodeDeserializer {
                node,
                path: *self.path,
            }),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"a variant with content",
            )),
        }
    }
}

impl<'de> IntoDeserializer<'de, Error> for NodeDeserializer<'de, '_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::source::FileId;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Outer {
        #[serde(default)]
        items: Vec<Inner>,
        #[serde(default)]
        port: Option<u16>,
        #[serde(default)]
        labels: BTreeMap<String, Colour>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        name: String,
        #[serde(default)]
        on: bool,
        #[serde(default)]
        note: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Colour {
        Red,
        #[serde(alias = "grey")]
        Gray,
    }

    /// The error for `text`, with its place as `line:column` of the span's start.
    fn error(text: &str) -> (String, String) {
        let tree = parse(FileId(0), text, Limits::default());
        let e = from_document::<Outer>(&tree).unwrap_err();
        let span = e.span.expect("placed");
        let before = &text[..span.start];
        let line = before.matches('\n').count() + 1;
        let column = span.start - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (format!("{line}:{column}"), e.describe())
    }

    #[test]
    fn values_of_every_shape_are_read() {
        let text = "items:\n  - {name: 12, on: true}\n  - name: x\n    note: ~\nport: 0x1F\n\
                    labels: {a: red, b: grey}\n";
        let tree = parse(FileId(0), text, Limits::default());
        let outer: Outer = from_document(&tree).unwrap();
        assert_eq!(
            outer,
            Outer {
                items: vec![
                    Inner {
                        name: "12".into(),
                        on: true,
                        note: None,
                    },
                    Inner {
                        name: "x".into(),
                        on: false,
                        note: None,
                    },
                ],
                port: Some(31),
                labels: BTreeMap::from([("a".into(), Colour::Red), ("b".into(), Colour::Gray)]),
            }
        );
    }

    #[test]
    fn anchors_and_merge_keys_are_resolved_before_reading() {
        let text = "items:\n  - &base {name: a}\n  - <<: *base\n    on: true\n";
        let tree = parse(FileId(0), text, Limits::default());
        let outer: Outer = from_document(&tree).unwrap();
        assert_eq!(outer.items[1].name, "a");
        assert!(outer.items[1].on);
    }

    #[test]
    fn errors_are_placed_at_the_node_and_named_by_path() {
        for (text, place, message) in [
            (
                "items:\n  - name: a\n    colour: red\n",
                "3:5",
                "items[0]: unknown field `colour`, expected one of `name`, `on`, `note`",
            ),
            (
                "items:\n  - on: true\n",
                "2:5",
                "items[0]: missing field `name`",
            ),
            (
                "labels:\n  a: blue\n",
                "2:6",
                "labels.a: unknown variant `blue`, expected one of `red`, `gray`, `grey`",
            ),
            (
                "labels: {a: [red]}\n",
                "1:13",
                "labels.a: invalid type: sequence, expected one of `red`, `gray`, `grey`",
            ),
            (
                "port: 70000\n",
                "1:7",
                "port: invalid value: integer `70000`, expected u16",
            ),
            (
                "port: '80'\n",
                "1:7",
                "port: invalid type: string \"80\", expected u16",
            ),
            (
                "items: {}\n",
                "1:8",
                "items: invalid type: map, expected a sequence",
            ),
            (
                "items: [[a]]\n",
                "1:9",
                "items[0]: invalid type: sequence, expected a mapping",
            ),
            (
                "items: ~\n",
                "1:8",
                "items: invalid type: null, expected a sequence",
            ),
            ("- a\n", "1:1", "invalid type: sequence, expected a mapping"),
            ("a: 1\na: 2\n", "2:1", "`a` is given twice"),
            (
                "port: 1\n---\nport: 2\n",
                "3:1",
                "expected one YAML document, found more",
            ),
        ] {
            assert_eq!(
                error(text),
                (place.to_string(), message.to_string()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_file_without_a_document_reads_as_null() {
        for text in ["", "# only a comment\n", "~\n"] {
            let tree = parse(FileId(0), text, Limits::default());
            assert_eq!(from_document::<Option<Outer>>(&tree), Ok(None), "{text:?}");
        }
    }

    #[test]
    fn text_reads_with_line_and_column() {
        assert_eq!(
            from_str::<Outer>("items:\n  - nam: a\n"),
            Err("2:5: items[0]: unknown field `nam`, expected one of `name`, `on`, `note`".into())
        );
        assert_eq!(
            from_str::<Inner>("{name: b}"),
            Ok(Inner {
                name: "b".into(),
                on: false,
                note: None,
            })
        );
    }
}
