//! Values of the merged tree as compose-go's types print them in JSON: scalars as Go's
//! `fmt.Sprint` writes them, booleans, numbers, durations, byte sizes and shell-split commands
//! as Compose decodes them, and the `omitempty` rule that leaves empty fields out.

use serde_json::{Map, Value};

use crate::compose::tree::{MAX_DEPTH, TreeError, go_sprint, key_text};
use crate::yaml::{Node, NodeKind, Scalar, ScalarValue};

/// A field's JSON; `None` where Compose leaves the field out.
pub(super) type JsonResult = Result<Option<Value>, TreeError>;

/// A scalar as Go's `fmt.Sprint` prints it; `None` for null and collections.
pub(super) fn string(node: &Node) -> Option<String> {
    match node.as_scalar()?.value() {
        ScalarValue::Null => None,
        _ => Some(go_sprint(node)),
    }
}

pub(super) fn nonempty_string(node: &Node) -> Option<Value> {
    string(node).filter(|s| !s.is_empty()).map(Value::String)
}

/// A string or a list of strings, as a list.
pub(super) fn string_list(node: &Node) -> Option<Value> {
    let items: Vec<Value> = match &node.kind {
        NodeKind::Sequence(items) => items
            .iter()
            .map(|i| Value::String(string(i).unwrap_or_default()))
            .collect(),
        NodeKind::Scalar(_) => string(node).map(Value::String).into_iter().collect(),
        NodeKind::Mapping(_) => return generic(node),
    };
    (!items.is_empty()).then_some(Value::Array(items))
}

pub(super) fn map_strings(list: Value, f: impl Fn(&str) -> String) -> Value {
    match list {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Value::String(f(&s)),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

/// A `KEY: value` mapping or `KEY=value` list as a map of strings (a bare key maps to "").
pub(super) fn labels(node: &Node) -> Option<Value> {
    let mut out = Map::new();
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                out.insert(
                    key_text(&e.key).to_string(),
                    Value::String(string(&e.value).unwrap_or_default()),
                );
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                let s = go_sprint(item);
                let (k, v) = s.split_once('=').unwrap_or((&s, ""));
                out.insert(k.to_string(), Value::String(v.to_string()));
            }
        }
        NodeKind::Scalar(_) => return None,
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

pub(super) fn boolean(node: &Node) -> Option<bool> {
    match node.as_scalar()?.value() {
        ScalarValue::Bool(b) => Some(b),
        ScalarValue::Str(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "y" | "yes" | "on" => Some(true),
            "false" | "n" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn int(node: &Node) -> Option<i64> {
    match node.as_scalar()?.value() {
        ScalarValue::Int(i) => Some(i),
        ScalarValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
        ScalarValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn float(node: &Node) -> Option<f64> {
    match node.as_scalar()?.value() {
        ScalarValue::Int(i) => Some(i as f64),
        ScalarValue::Float(f) => Some(f),
        ScalarValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A float as Go's `encoding/json` writes it: a whole number without a fraction (`2`, not
/// `2.0`).
pub(super) fn number_f64(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return Value::from(f as i64);
    }
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// A Go duration (`1m30s`), accepting also days and weeks as Compose does.
pub(super) fn duration(node: &Node) -> JsonResult {
    let Some(s) = string(node) else {
        return Ok(None);
    };
    let nanos = parse_duration(&s)
        .ok_or_else(|| TreeError::at(format!("time: invalid duration \"{s}\""), node))?;
    Ok(Some(Value::String(format_duration(nanos))))
}

fn parse_duration(s: &str) -> Option<i128> {
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(f) => {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                f.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let unit_len = after
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(after.len(), |(i, _)| i);
        let (unit, after) = after.split_at(unit_len);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "d" => 86_400_000_000_000,
            "w" => 604_800_000_000_000,
            _ => return None,
        };
        let whole: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().ok()?
        };
        let mut frac: i128 = 0;
        let mut divisor: i128 = 1;
        for digit in frac_part.bytes().take(18) {
            frac = frac * 10 + i128::from(digit - b'0');
            divisor *= 10;
        }
        total = total.checked_add(
            whole
                .checked_mul(scale)?
                .checked_add(frac * scale / divisor)?,
        )?;
        rest = after;
    }
    if total > i128::from(i64::MAX) {
        return None;
    }
    Some(if negative { -total } else { total })
}

/// Go's `time.Duration.String`.
fn format_duration(nanos: i128) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let u = nanos.unsigned_abs();
    let fraction = |value: u128, digits: u32| -> String {
        let unit = 10u128.pow(digits);
        let whole = value / unit;
        let frac = value % unit;
        if frac == 0 {
            whole.to_string()
        } else {
            let frac = format!("{frac:0width$}", width = digits as usize);
            format!("{whole}.{}", frac.trim_end_matches('0'))
        }
    };
    if u < 1_000_000_000 {
        let (digits, unit) = match u {
            0..1_000 => (0, "ns"),
            1_000..1_000_000 => (3, "µs"),
            _ => (6, "ms"),
        };
        return format!("{sign}{}{unit}", fraction(u, digits));
    }
    let seconds = u / 1_000_000_000;
    let sub = u % 1_000_000_000;
    let hours = seconds / 3600;
    let minutes = (seconds % 3600) / 60;
    let secs = fraction((seconds % 60) * 1_000_000_000 + sub, 9);
    let mut out = sign.to_string();
    if hours > 0 {
        out.push_str(&format!("{hours}h{minutes}m"));
    } else if minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    out.push_str(&secs);
    out.push('s');
    out
}

/// A byte size (`1g`, `512m`, `1024`), printed as Compose prints it: a decimal string.
pub(super) fn bytes(node: &Node) -> JsonResult {
    let value = match node.as_scalar().map(Scalar::value) {
        Some(ScalarValue::Int(i)) => i,
        Some(ScalarValue::Str(s)) => {
            ram_in_bytes(s).ok_or_else(|| TreeError::at(format!("invalid size: '{s}'"), node))?
        }
        Some(ScalarValue::Float(f)) => f as i64,
        _ => return Ok(None),
    };
    Ok((value != 0).then(|| Value::String(value.to_string())))
}

fn ram_in_bytes(s: &str) -> Option<i64> {
    let number_len = s
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let (number, unit) = s.split_at(number_len);
    if number.is_empty() || number.starts_with('.') {
        return None;
    }
    let unit = unit.strip_prefix(' ').unwrap_or(unit);
    let mut chars = unit.chars().peekable();
    let multiplier: f64 = match chars.peek().map(char::to_ascii_lowercase) {
        Some('k') => 1024.0,
        Some('m') => 1024.0 * 1024.0,
        Some('g') => 1024.0 * 1024.0 * 1024.0,
        Some('t') => 1024.0f64.powi(4),
        Some('p') => 1024.0f64.powi(5),
        _ => 1.0,
    };
    if multiplier > 1.0 {
        chars.next();
    }
    if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'i')) {
        chars.next();
    }
    if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'b')) {
        chars.next();
    }
    if chars.next().is_some() {
        return None;
    }
    let size: f64 = number.parse().ok()?;
    Some((size * multiplier) as i64)
}

/// A command as a list: a string is split like a POSIX shell splits words.
pub(super) fn shell_command(node: &Node) -> Result<Value, TreeError> {
    match &node.kind {
        NodeKind::Sequence(items) => Ok(Value::Array(
            items
                .iter()
                .map(|i| Value::String(string(i).unwrap_or_default()))
                .collect(),
        )),
        _ => {
            let s = string(node).unwrap_or_default();
            let words = shell_words(&s).ok_or_else(|| {
                TreeError::at(format!("invalid command line string: {s:?}"), node)
            })?;
            Ok(Value::Array(words.into_iter().map(Value::String).collect()))
        }
    }
}

fn shell_words(s: &str) -> Option<Vec<String>> {
    crate::compose::shell::split(s).map(|words| words.into_iter().map(|(w, _)| w).collect())
}

/// Any node as JSON, with YAML types kept.
pub(super) fn json_of(node: &Node) -> Value {
    json_at(node, 0)
}

fn json_at(node: &Node, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match &node.kind {
        NodeKind::Scalar(s) => match s.value() {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(b) => Value::Bool(b),
            ScalarValue::Int(i) => Value::from(i),
            ScalarValue::Float(f) => number_f64(f),
            ScalarValue::Str(s) => Value::String(s.to_string()),
        },
        NodeKind::Sequence(items) => {
            Value::Array(items.iter().map(|i| json_at(i, depth + 1)).collect())
        }
        NodeKind::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (key_text(&e.key).to_string(), json_at(&e.value, depth + 1)))
                .collect(),
        ),
    }
}

/// A field Compose would leave out when empty.
pub(super) fn generic(node: &Node) -> Option<Value> {
    let value = json_of(node);
    let empty = match &value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) => false,
    };
    (!empty).then_some(value)
}

/// An `x-*` key of a structure below the top level: compose-go keeps it in its model but
/// leaves it out of JSON (`json:"-"` on every `Extensions` field but the project's).
pub(super) fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// A mapping whose known fields are converted by `field`, the rest kept as they are; `x-*`
/// keys are left out.
pub(super) fn object_with(
    node: &Node,
    mut field: impl FnMut(&str, &Node) -> JsonResult,
) -> Result<Map<String, Value>, TreeError> {
    let mut out = Map::new();
    for e in node.as_mapping().unwrap_or(&[]) {
        let key = key_text(&e.key);
        if e.value.is_null() || is_extension(key) {
            continue;
        }
        if let Some(value) = field(key, &e.value)? {
            out.insert(key.to_string(), value);
        }
    }
    Ok(out)
}

/// Like [`object_with`], for conversions that cannot fail.
pub(super) fn plain_object(node: &Node, field: impl Fn(&str, &Node) -> Option<Value>) -> Value {
    let mut out = Map::new();
    for e in node.as_mapping().unwrap_or(&[]) {
        let key = key_text(&e.key);
        if e.value.is_null() || is_extension(key) {
            continue;
        }
        if let Some(value) = field(key, &e.value) {
            out.insert(key.to_string(), value);
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes() {
        assert_eq!(
            parse_duration("90s").map(format_duration).as_deref(),
            Some("1m30s")
        );
        assert_eq!(
            parse_duration("1h").map(format_duration).as_deref(),
            Some("1h0m0s")
        );
        assert_eq!(
            parse_duration("1.5s").map(format_duration).as_deref(),
            Some("1.5s")
        );
        assert_eq!(
            parse_duration("500ms").map(format_duration).as_deref(),
            Some("500ms")
        );
        assert_eq!(
            parse_duration("1d").map(format_duration).as_deref(),
            Some("24h0m0s")
        );
        assert_eq!(parse_duration("10"), None);
        assert_eq!(ram_in_bytes("1g"), Some(1 << 30));
        assert_eq!(ram_in_bytes("512MB"), Some(512 << 20));
        assert_eq!(ram_in_bytes("100"), Some(100));
        assert_eq!(ram_in_bytes("1x"), None);
    }

    #[test]
    fn shell_splitting() {
        assert_eq!(
            shell_words(r#"sh -c "echo \"hi\" 'x'" 'a b' c\ d"#).unwrap(),
            vec!["sh", "-c", "echo \"hi\" 'x'", "a b", "c d"]
        );
        assert_eq!(shell_words("'open"), None);
    }
}
