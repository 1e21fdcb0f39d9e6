//! Every vector of `fixtures/oracle/ports.json` through the port API.
//!
//! Each vector is loaded by Compose as `services.s.ports: [input]`; here the input goes
//! through `ports::canonicalize` with the list path `services.s.ports`, and the result is
//! rendered with `ports::to_config_json`.
//!
//! Interpolation is not the port module's job: for vectors with `env`, `${VAR}` is replaced
//! by a trivial substitution below before parsing (the loader-level tests cover real
//! interpolation). Error texts are compared exactly: the vectors' `expected_error` is the
//! go-connections text that Compose returns unwrapped from `transformPorts`, which is what
//! `canonicalize` returns too. Where `ParsePortConfig_result` is given, the raw input (not
//! interpolated) is also checked against `ports::parse_short` alone.

use std::path::Path;

use composelint::compose::ports::{
    self, LongPort, PortItem, PortMapping, PublishedValue, TargetValue,
};
use serde_json::Value;

const UPSTREAM_VECTORS: usize = 43;

fn load() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oracle/ports.json");
    let text = std::fs::read_to_string(&path).expect("read ports.json");
    serde_json::from_str(&text).expect("parse ports.json")
}

/// `${NAME}` → value from `env`; enough for these vectors, not an interpolator.
fn substitute(text: &str, env: Option<&Value>) -> String {
    let mut out = text.to_string();
    if let Some(Value::Object(vars)) = env {
        for (name, value) in vars {
            let value = value.as_str().expect("env values are strings");
            out = out.replace(&format!("${{{name}}}"), value);
        }
    }
    out
}

fn string_field(map: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).map(|v| match v {
        Value::String(s) => s.clone(),
        other => panic!("{key}: expected a string, got {other}"),
    })
}

fn long_port(map: &serde_json::Map<String, Value>, env: Option<&Value>) -> LongPort {
    let target = map.get("target").map(|v| match v {
        Value::Number(n) => TargetValue::Int(n.as_i64().expect("integer target")),
        Value::String(s) => TargetValue::Str(substitute(s, env)),
        other => panic!("target: unexpected {other}"),
    });
    let published = map.get("published").map(|v| match v {
        Value::Number(n) => PublishedValue::Int(n.as_i64().expect("integer published")),
        Value::String(s) => PublishedValue::Str(substitute(s, env)),
        other => panic!("published: unexpected {other}"),
    });
    let sub = |key: &str| string_field(map, key).map(|s| substitute(&s, env));
    LongPort {
        target,
        published,
        host_ip: sub("host_ip"),
        protocol: sub("protocol"),
        mode: sub("mode"),
        name: sub("name"),
        app_protocol: sub("app_protocol"),
    }
}

fn item(input: &Value, env: Option<&Value>) -> PortItem {
    match input {
        Value::String(s) => PortItem::Str(substitute(s, env)),
        Value::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => PortItem::Int(i),
            _ => PortItem::Float(n.as_f64().expect("a number")),
        },
        Value::Object(map) => PortItem::Long(long_port(map, env)),
        other => panic!("unexpected input {other}"),
    }
}

fn render(list: &[PortMapping]) -> Value {
    Value::Array(list.iter().map(ports::to_config_json).collect())
}

fn check(vector: &Value) -> Result<(), String> {
    let input = &vector["input"];
    let env = vector.get("env");
    let got = ports::canonicalize(&[item(input, env)], "services.s.ports");
    if let Some(expected) = vector.get("expected_normalised_list") {
        match &got {
            Ok(list) if render(list) == *expected => {}
            Ok(list) => return Err(format!("expected {expected}, got {}", render(list))),
            Err(e) => return Err(format!("expected {expected}, got error {e}")),
        }
    } else if let Some(expected) = vector.get("expected_error").and_then(Value::as_str) {
        match &got {
            Err(e) if e.message == expected => {}
            Err(e) => return Err(format!("expected error {expected:?}, got {:?}", e.message)),
            Ok(list) => {
                return Err(format!("expected error {expected:?}, got {}", render(list)));
            }
        }
    } else {
        return Err("vector has neither expected_normalised_list nor expected_error".into());
    }

    // The bare parser on the raw (not interpolated) string.
    if let (Some(result), Some(raw)) = (vector.get("ParsePortConfig_result"), input.as_str()) {
        let parsed = ports::parse_short(raw);
        match (result, parsed) {
            (Value::Object(o), Err(e)) if o.contains_key("error") => {
                if o["error"] != e.message.as_str() {
                    return Err(format!("parse_short: expected {}, got {:?}", o["error"], e));
                }
            }
            (Value::Array(_), Ok(list)) => {
                if render(&list) != *result {
                    return Err(format!(
                        "parse_short: expected {result}, got {}",
                        render(&list)
                    ));
                }
            }
            (expected, got) => {
                return Err(format!("parse_short: expected {expected}, got {got:?}"));
            }
        }
    }
    Ok(())
}

#[test]
fn every_ports_vector() {
    let vectors = load();
    assert_eq!(vectors.len(), UPSTREAM_VECTORS, "vector count changed");
    let mut failures = Vec::new();
    for (i, vector) in vectors.iter().enumerate() {
        if let Err(why) = check(vector) {
            failures.push(format!(
                "#{i} {} (input {}): {why}",
                vector["source"].as_str().unwrap_or("?"),
                vector["input"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

#[test]
fn vectors_cover_every_input_kind() {
    let vectors = load();
    let count = |pred: fn(&Value) -> bool| vectors.iter().filter(|v| pred(&v["input"])).count();
    assert!(count(Value::is_string) > 0);
    assert!(count(Value::is_i64) > 0);
    assert!(count(Value::is_object) > 0);
    assert!(vectors.iter().any(|v| v.get("env").is_some()));
    assert!(vectors.iter().any(|v| v.get("expected_error").is_some()));
}
