//! A quick yes-or-no check of a document against Compose's schema, read straight from the
//! schema, without compiling it.
//!
//! Compiling the schema (what [`jsonschema`] does before it validates anything) costs more
//! than linting a small project does (issue 16), and almost every document is valid. This
//! check answers for the keywords `compose-spec.json` uses, exactly; anything it is not sure
//! of (a keyword it does not know, a fractional number where the answer would depend on how
//! numbers compare) is "don't know", and only then, or when a document is invalid, is the
//! schema compiled to say what is wrong. Its answers are checked against [`jsonschema`] in
//! `super::tests`.
//!
//! The schema it reads is a constant (`build.rs` writes it without the annotations), so a
//! run parses no schema text either.

use std::collections::HashMap;
use std::sync::Mutex;

use regex::bytes::{Regex, RegexBuilder};
use serde_json::{Number, Value};

/// A JSON value that is a Rust constant.
#[derive(Debug)]
pub(super) enum Json {
    // Compose's schema has no null today; `build.rs` writes one where a newer one has.
    #[allow(dead_code)]
    Null,
    Bool(bool),
    Int(i64),
    Str(&'static str),
    Array(&'static [Json]),
    Object(&'static [(&'static str, Json)]),
}

impl Json {
    pub(super) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a JSON pointer (`/$defs/service`).
    pub(super) fn pointer(&self, pointer: &str) -> Option<&Json> {
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = if token.contains('~') {
                std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
            } else {
                std::borrow::Cow::Borrowed(token)
            };
            node = match node {
                Json::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => node.get(&token)?,
            };
        }
        Some(node)
    }

    fn as_str(&self) -> Option<&'static str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'static [Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Whether `value` is this value (numbers aside: the callers leave them to the validator).
    fn equals(&self, value: &Value) -> Option<bool> {
        Some(match (self, value) {
            (Json::Int(_), _) | (_, Value::Number(_)) => return None,
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Str(a), Value::String(b)) => a == b,
            (Json::Array(a), Value::Array(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for (a, b) in a.iter().zip(b) {
                    if !a.equals(b)? {
                        return Some(false);
                    }
                }
                true
            }
            (Json::Object(a), Value::Object(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for (key, a) in a.iter() {
                    match b.get(*key) {
                        Some(b) if a.equals(b)? => {}
                        _ => return Some(false),
                    }
                }
                true
            }
            _ => false,
        })
    }
}

/// Whether `instance` is valid against `root`: `None` when the check cannot tell.
pub(super) fn is_valid(root: &Json, instance: &Value) -> Option<bool> {
    check(root, root, instance)
}

/// `Some(false)` as soon as one keyword fails (whatever the others say), `None` when none
/// fails but one could not be decided.
fn check(root: &Json, schema: &Json, instance: &Value) -> Option<bool> {
    let keywords = match schema {
        Json::Bool(valid) => return Some(*valid),
        Json::Object(keywords) => keywords,
        _ => return None,
    };
    let mut known = true;
    let mut object_checked = false;
    for (keyword, value) in keywords.iter() {
        let verdict = match *keyword {
            // Annotations: they assert nothing.
            "$schema" | "$id" | "$defs" | "title" | "description" | "deprecated" | "default" => {
                continue;
            }
            "type" => type_matches(value, instance),
            "$ref" => value
                .as_str()
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| root.pointer(pointer))
                .and_then(|target| check(root, target, instance)),
            "properties" | "patternProperties" | "additionalProperties" => {
                if object_checked {
                    continue;
                }
                object_checked = true;
                object_matches(root, schema, instance)
            }
            "items" => items_match(root, value, instance),
            "oneOf" => one_of(root, value, instance),
            "required" => required(value, instance),
            "enum" => one_of_values(value, instance),
            "uniqueItems" => match (value, instance) {
                (Json::Bool(true), Value::Array(items)) => Some(unique(items)),
                (Json::Bool(_), _) => Some(true),
                _ => None,
            },
            "minimum" => bound(value, instance, |limit, n| n >= limit),
            "maximum" => bound(value, instance, |limit, n| n <= limit),
            "pattern" => match (value, instance) {
                (Json::Str(pattern), Value::String(text)) => search(pattern, text),
                (Json::Str(_), _) => Some(true),
                _ => None,
            },
            _ => None,
        };
        match verdict {
            Some(true) => {}
            Some(false) => return Some(false),
            None => known = false,
        }
    }
    known.then_some(true)
}

fn type_matches(types: &Json, instance: &Value) -> Option<bool> {
    match types {
        Json::Str(name) => is_type(name, instance),
        Json::Array(names) => {
            let mut known = true;
            for name in names.iter() {
                match name.as_str().and_then(|n| is_type(n, instance)) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => known = false,
                }
            }
            known.then_some(false)
        }
        _ => None,
    }
}

fn is_type(name: &str, instance: &Value) -> Option<bool> {
    Some(match (name, instance) {
        ("null", v) => v.is_null(),
        ("boolean", v) => v.is_boolean(),
        ("string", v) => v.is_string(),
        ("array", v) => v.is_array(),
        ("object", v) => v.is_object(),
        ("number", v) => v.is_number(),
        // A whole number written with a fraction (`1.0`) is an integer to JSON Schema; which
        // such floats count is left to the validator.
        ("integer", Value::Number(n)) => match integer(n) {
            Some(_) => true,
            None if n.as_f64().is_some_and(|f| f.fract() != 0.0) => false,
            None => return None,
        },
        ("integer", _) => false,
        _ => return None,
    })
}

fn integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn object_matches(root: &Json, keywords: &Json, instance: &Value) -> Option<bool> {
    let Value::Object(members) = instance else {
        return Some(true);
    };
    let properties = match keywords.get("properties") {
        Some(p @ Json::Object(_)) => Some(p),
        None => None,
        Some(_) => return None,
    };
    let patterns = match keywords.get("patternProperties") {
        Some(Json::Object(p)) => *p,
        None => &[],
        Some(_) => return None,
    };
    let additional = keywords.get("additionalProperties");
    let mut known = true;
    for (key, value) in members {
        let mut verdicts = Vec::new();
        let named = properties.and_then(|p| p.get(key));
        if let Some(schema) = named {
            verdicts.push(check(root, schema, value));
        }
        let mut matched = false;
        for (pattern, schema) in patterns {
            match search(pattern, key) {
                Some(true) => {
                    matched = true;
                    verdicts.push(check(root, schema, value));
                }
                Some(false) => {}
                None => return None,
            }
        }
        if named.is_none()
            && !matched
            && let Some(schema) = additional
        {
            verdicts.push(check(root, schema, value));
        }
        for verdict in verdicts {
            match verdict {
                Some(true) => {}
                Some(false) => return Some(false),
                None => known = false,
            }
        }
    }
    known.then_some(true)
}

fn items_match(root: &Json, schema: &Json, instance: &Value) -> Option<bool> {
    let Value::Array(items) = instance else {
        return Some(true);
    };
    if let Json::Array(_) = schema {
        return None;
    }
    let mut known = true;
    for item in items {
        match check(root, schema, item) {
            Some(true) => {}
            Some(false) => return Some(false),
            None => known = false,
        }
    }
    known.then_some(true)
}

/// Exactly one branch holds: every branch must be decided.
fn one_of(root: &Json, branches: &Json, instance: &Value) -> Option<bool> {
    let mut valid = 0;
    for branch in branches.as_array()? {
        if check(root, branch, instance)? {
            valid += 1;
        }
    }
    Some(valid == 1)
}

fn required(names: &Json, instance: &Value) -> Option<bool> {
    let Value::Object(members) = instance else {
        return Some(true);
    };
    let mut all = true;
    for name in names.as_array()? {
        all &= members.contains_key(name.as_str()?);
    }
    Some(all)
}

/// `enum`; a number is left to the validator (`1` and `1.0` are the same value to it).
fn one_of_values(values: &Json, instance: &Value) -> Option<bool> {
    let mut known = true;
    for value in values.as_array()? {
        match value.equals(instance) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => known = false,
        }
    }
    known.then_some(false)
}

/// No two items are the same value. Numbers are compared as floats, which takes some
/// distinct large integers for equal: a "not unique" the validator then re-checks, never a
/// duplicate missed. A long list (a port range becomes one binding a port) is compared by
/// keys in a set, not item by item.
fn unique(items: &[Value]) -> bool {
    if items.len() <= 32 {
        return items
            .iter()
            .enumerate()
            .all(|(i, a)| items[i + 1..].iter().all(|b| !same(a, b)));
    }
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.iter().all(|item| {
        let mut key = String::new();
        write_key(item, &mut key);
        seen.insert(key)
    })
}

/// A text that is the same for two values [`same`] takes for equal.
fn write_key(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push('n'),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Number(n) => {
            // `-0.0 == 0.0`, though they print apart.
            let f = n.as_f64().filter(|f| *f != 0.0).unwrap_or(0.0);
            out.push('#');
            out.push_str(&f.to_string());
            out.push(';');
        }
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Value::Array(items) => {
            out.push('[');
            for item in items {
                write_key(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut members: Vec<_> = members.iter().collect();
            members.sort_by_key(|(k, _)| *k);
            out.push('{');
            for (k, v) in members {
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                write_key(v, out);
                out.push(',');
            }
            out.push('}');
        }
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, a)| y.get(key).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}

/// `minimum`/`maximum` between integers; a fractional number is left to the validator.
fn bound(limit: &Json, instance: &Value, holds: fn(i128, i128) -> bool) -> Option<bool> {
    let Value::Number(n) = instance else {
        return Some(true);
    };
    let Json::Int(limit) = limit else {
        return None;
    };
    Some(holds(i128::from(*limit), integer(n)?))
}

/// Whether `pattern` matches anywhere in `text`, as JSON Schema's `pattern` asks.
///
/// Only ASCII text is decided: over it a pattern means the same to an engine that reads bytes
/// as to one that reads Unicode characters. The schema's patterns are simple
/// ([`SimplePattern`]) and are matched without compiling a regex (which would cost more than
/// the check); a pattern beyond that is compiled by the byte engine, and one with an escape
/// (`\d` is Unicode to Rust's engine, ASCII to ECMA 262's) or that the engine does not take
/// is left to the validator.
fn search(pattern: &str, text: &str) -> Option<bool> {
    if !text.is_ascii() || !pattern.is_ascii() || pattern.contains('\\') {
        return None;
    }
    if let Some(simple) = SimplePattern::parse(pattern.as_bytes()) {
        return Some(simple.search(text.as_bytes()));
    }
    Some(compiled(pattern)?.is_match(text.as_bytes()))
}

/// `pattern` compiled for bytes, kept for the run (the patterns are the schema's, few).
fn compiled(pattern: &str) -> Option<&'static Regex> {
    static COMPILED: Mutex<Option<HashMap<String, Option<&'static Regex>>>> = Mutex::new(None);
    let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    let compiled = compiled.get_or_insert_with(HashMap::new);
    if let Some(regex) = compiled.get(pattern) {
        return *regex;
    }
    let regex = RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .ok()
        .map(|regex| &*Box::leak(Box::new(regex)));
    compiled.insert(pattern.to_string(), regex);
    regex
}

/// An ASCII pattern of literal characters, `.` and bracket classes of characters and ranges,
/// each optionally followed by `+` or `*`, optionally anchored with `^` and `$`: all the
/// schema's patterns but one.
struct SimplePattern {
    start: bool,
    atoms: Vec<(Atom, Repeat)>,
    end: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Repeat {
    Once,
    OneOrMore,
    Any,
}

enum Atom {
    Byte(u8),
    /// `.`: any character but a line feed.
    AnyButNewline,
    /// `[...]`: inclusive ranges (a single character is a range of one).
    Class(Vec<(u8, u8)>),
}

impl Atom {
    fn matches(&self, b: u8) -> bool {
        match self {
            Atom::Byte(c) => *c == b,
            Atom::AnyButNewline => b != b'\n',
            Atom::Class(ranges) => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&b)),
        }
    }
}

impl SimplePattern {
    fn parse(mut p: &[u8]) -> Option<SimplePattern> {
        let start = p.first() == Some(&b'^');
        if start {
            p = &p[1..];
        }
        let end = p.last() == Some(&b'$');
        if end {
            p = &p[..p.len() - 1];
        }
        let mut atoms = Vec::new();
        while let Some((&b, rest)) = p.split_first() {
            let (atom, rest) = match b {
                b'.' => (Atom::AnyButNewline, rest),
                b'[' => {
                    let close = rest.iter().position(|&c| c == b']')?;
                    (Atom::Class(class(&rest[..close])?), &rest[close + 1..])
                }
                b'^' | b'$' | b'*' | b'+' | b'?' | b'(' | b')' | b']' | b'{' | b'}' | b'|' => {
                    return None;
                }
                _ => (Atom::Byte(b), rest),
            };
            let (repeat, rest) = match rest.first() {
                Some(b'+') => (Repeat::OneOrMore, &rest[1..]),
                Some(b'*') => (Repeat::Any, &rest[1..]),
                _ => (Repeat::Once, rest),
            };
            if matches!(rest.first(), Some(b'+' | b'*' | b'?' | b'{')) {
                return None;
            }
            atoms.push((atom, repeat));
            p = rest;
        }
        Some(SimplePattern { start, atoms, end })
    }

    fn search(&self, text: &[u8]) -> bool {
        let starts = if self.start { 0..=0 } else { 0..=text.len() };
        starts.into_iter().any(|at| self.match_at(0, &text[at..]))
    }

    /// Whether atoms `i..` match a prefix of `text` (all of it with `$`), backtracking over
    /// repeats.
    fn match_at(&self, i: usize, text: &[u8]) -> bool {
        let Some((atom, repeat)) = self.atoms.get(i) else {
            return !self.end || text.is_empty();
        };
        match repeat {
            Repeat::Once => {
                text.first().is_some_and(|&b| atom.matches(b)) && self.match_at(i + 1, &text[1..])
            }
            Repeat::OneOrMore | Repeat::Any => {
                let run = text.iter().take_while(|&&b| atom.matches(b)).count();
                let least = usize::from(*repeat == Repeat::OneOrMore);
                (least..=run)
                    .rev()
                    .any(|n| self.match_at(i + 1, &text[n..]))
            }
        }
    }
}

/// The ranges of a bracket class's body; `None` for a negated class or one with a `[`.
fn class(body: &[u8]) -> Option<Vec<(u8, u8)>> {
    if body.is_empty() || body[0] == b'^' || body.contains(&b'[') {
        return None;
    }
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if i + 2 < body.len() && body[i + 1] == b'-' {
            if body[i] > body[i + 2] {
                return None;
            }
            ranges.push((body[i], body[i + 2]));
            i += 3;
        } else {
            ranges.push((body[i], body[i]));
            i += 1;
        }
    }
    Some(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long list is compared by keys: it finds what comparing every pair finds.
    #[test]
    fn long_lists_are_unique_as_pairs_are() {
        let pairwise = |items: &[Value]| {
            items
                .iter()
                .enumerate()
                .all(|(i, a)| items[i + 1..].iter().all(|b| !same(a, b)))
        };
        let base: Vec<Value> = (0..40).map(|i| Value::from(format!("{i}:{i}"))).collect();
        let extra: Vec<Value> = [
            "1",
            "1.0",
            "-0.0",
            "0",
            "\"0:0\"",
            "{\"a\": 1, \"b\": [1]}",
            "{\"b\": [1.0], \"a\": 1}",
            "[1, \"1\"]",
            "null",
            "\"n\"",
        ]
        .iter()
        .map(|t| serde_json::from_str(t).unwrap())
        .collect();
        assert!(unique(&base));
        for a in &extra {
            for b in &extra {
                let mut items = base.clone();
                items.push(a.clone());
                items.push(b.clone());
                assert_eq!(unique(&items), pairwise(&items), "{a} {b}");
            }
        }
    }

    /// The simple matcher answers what the regex engine answers, on the schema's patterns and
    /// on others of the same forms.
    #[test]
    fn simple_patterns_match_as_the_regex_engine_does() {
        let patterns = [
            "^x-",
            "^[a-zA-Z0-9._-]+$",
            "^.+$",
            ".+",
            "^[a-z]+$",
            "[a-zA-Z0-9][a-zA-Z0-9_.-]+",
            "a*b",
            "^a.*z$",
            "x+y+$",
            "[-a]+",
            "[a-]$",
            "^$",
            "",
            "ab*c",
        ];
        let texts = [
            "",
            "x",
            "x-",
            "x-foo",
            "ax-",
            "X-",
            "a",
            "ab",
            "abc",
            "ac",
            "abbbc",
            "az",
            "a\nz",
            "aaz",
            "foo.bar_baz-1",
            "foo bar",
            "\n",
            "a\n",
            "-",
            "9",
            "9x",
            "xy",
            "xxyy",
            "xyz",
            "b",
            "ab\n",
            "zz-a",
            "a-",
        ];
        for pattern in patterns {
            let simple = SimplePattern::parse(pattern.as_bytes()).expect(pattern);
            let regex = RegexBuilder::new(pattern).unicode(false).build().unwrap();
            for text in texts {
                assert_eq!(
                    simple.search(text.as_bytes()),
                    regex.is_match(text.as_bytes()),
                    "{pattern:?} on {text:?}"
                );
            }
        }
        for other in [
            "a|b",
            "(ab)+",
            "a{2}",
            "a?",
            "[^a]",
            "a++",
            "every_([0-9]+[wdhms])+",
        ] {
            assert!(SimplePattern::parse(other.as_bytes()).is_none(), "{other}");
        }
    }
}
