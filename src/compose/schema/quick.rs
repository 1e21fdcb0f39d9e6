//! A quick yes-or-no check of a document against Compose's schema, read straight from the
//! schema's JSON, without compiling it.
//!
//! Compiling the schema (what [`jsonschema`] does before it validates anything) costs more
//! than linting a small project does (issue 16), and almost every document is valid. This
//! check answers for the keywords `compose-spec.json` uses, exactly; anything it is not sure
//! of (a keyword it does not know, a fractional number where the answer would depend on how
//! numbers compare) is "don't know", and only then, or when a document is invalid, is the
//! schema compiled to say what is wrong. Its answers are checked against [`jsonschema`] in
//! `super::tests`.

use std::collections::HashMap;
use std::sync::Mutex;

use regex::Regex;
use serde_json::{Map, Number, Value};

/// Whether `instance` is valid against `root`: `None` when the check cannot tell.
pub(super) fn is_valid(root: &Value, instance: &Value) -> Option<bool> {
    check(root, root, instance)
}

/// `Some(false)` as soon as one keyword fails (whatever the others say), `None` when none
/// fails but one could not be decided.
fn check(root: &Value, schema: &Value, instance: &Value) -> Option<bool> {
    let keywords = match schema {
        Value::Bool(valid) => return Some(*valid),
        Value::Object(keywords) => keywords,
        _ => return None,
    };
    let mut known = true;
    let mut object_checked = false;
    for (keyword, value) in keywords {
        let verdict = match keyword.as_str() {
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
                object_matches(root, keywords, instance)
            }
            "items" => items_match(root, value, instance),
            "oneOf" => one_of(root, value, instance),
            "required" => required(value, instance),
            "enum" => one_of_values(value, instance),
            "uniqueItems" => match (value, instance) {
                (Value::Bool(true), Value::Array(items)) => Some(unique(items)),
                (Value::Bool(_), _) => Some(true),
                _ => None,
            },
            "minimum" => bound(value, instance, |limit, n| n >= limit),
            "maximum" => bound(value, instance, |limit, n| n <= limit),
            "pattern" => match (value, instance) {
                (Value::String(pattern), Value::String(text)) => search(pattern, text),
                (Value::String(_), _) => Some(true),
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

fn type_matches(types: &Value, instance: &Value) -> Option<bool> {
    match types {
        Value::String(name) => is_type(name, instance),
        Value::Array(names) => {
            let mut known = true;
            for name in names {
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

fn object_matches(root: &Value, keywords: &Map<String, Value>, instance: &Value) -> Option<bool> {
    let Value::Object(members) = instance else {
        return Some(true);
    };
    let properties = match keywords.get("properties") {
        Some(Value::Object(p)) => Some(p),
        None => None,
        Some(_) => return None,
    };
    let patterns = match keywords.get("patternProperties") {
        Some(Value::Object(p)) => Some(p),
        None => None,
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
        for (pattern, schema) in patterns.into_iter().flatten() {
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

fn items_match(root: &Value, schema: &Value, instance: &Value) -> Option<bool> {
    let Value::Array(items) = instance else {
        return Some(true);
    };
    if schema.is_array() {
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
fn one_of(root: &Value, branches: &Value, instance: &Value) -> Option<bool> {
    let mut valid = 0;
    for branch in branches.as_array()? {
        if check(root, branch, instance)? {
            valid += 1;
        }
    }
    Some(valid == 1)
}

fn required(names: &Value, instance: &Value) -> Option<bool> {
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
fn one_of_values(values: &Value, instance: &Value) -> Option<bool> {
    if contains_number(instance) {
        return None;
    }
    Some(values.as_array()?.contains(instance))
}

fn contains_number(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::Array(items) => items.iter().any(contains_number),
        Value::Object(members) => members.values().any(contains_number),
        _ => false,
    }
}

/// No two items are the same value. Numbers are compared as floats, which takes some
/// distinct large integers for equal: a "not unique" the validator then re-checks, never a
/// duplicate missed.
fn unique(items: &[Value]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, a)| items[i + 1..].iter().all(|b| !same(a, b)))
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
fn bound(limit: &Value, instance: &Value, holds: fn(i128, i128) -> bool) -> Option<bool> {
    let Value::Number(n) = instance else {
        return Some(true);
    };
    let limit = limit.as_number().and_then(integer)?;
    Some(holds(limit, integer(n)?))
}

/// Whether `pattern` matches anywhere in `text`, as JSON Schema's `pattern` asks. A pattern
/// with an escape (`\d` is Unicode to Rust's engine, ASCII to ECMA 262's) or that the engine
/// does not take is left to the validator.
fn search(pattern: &str, text: &str) -> Option<bool> {
    static COMPILED: Mutex<Option<HashMap<String, Option<Regex>>>> = Mutex::new(None);
    let regex = {
        let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        let compiled = compiled.get_or_insert_with(HashMap::new);
        match compiled.get(pattern) {
            Some(regex) => regex.clone(),
            None => {
                let regex = (!pattern.contains('\\'))
                    .then(|| Regex::new(pattern).ok())
                    .flatten();
                compiled.insert(pattern.to_string(), regex.clone());
                regex
            }
        }
    }?;
    Some(regex.is_match(text))
}
