//! Where two rendered configurations differ: what a fix changed in what Compose runs.

use std::fmt;

use serde_json::Value;

/// A place in a rendered configuration: the keys from the root, with `[i]` for an item of a
/// list. Written `services.web.environment.X` or `services.web.ports[1]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigPath(pub Vec<String>);

impl fmt::Display for ConfigPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 && !segment.starts_with('[') {
                f.write_str(".")?;
            }
            f.write_str(segment)?;
        }
        Ok(())
    }
}

/// The places where `old` and `new` differ, sorted: a key present on one side only is one
/// place, a list of another length is one place, anything else is compared inside.
pub fn differences(old: &Value, new: &Value) -> Vec<ConfigPath> {
    let mut out = Vec::new();
    walk(old, new, &mut Vec::new(), &mut out);
    out.sort();
    out
}

fn walk(old: &Value, new: &Value, at: &mut Vec<String>, out: &mut Vec<ConfigPath>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                at.push(key.clone());
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => walk(x, y, at, out),
                    _ => out.push(ConfigPath(at.clone())),
                }
                at.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                at.push(format!("[{i}]"));
                walk(x, y, at, out);
                at.pop();
            }
        }
        _ if old != new => out.push(ConfigPath(at.clone())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_the_changed_leaves() {
        let changed: Vec<String> = differences(
            &serde_json::json!({"s": {"w": {"e": {"A": "1", "B": "2"}, "p": [1, 2]}}}),
            &serde_json::json!({"s": {"w": {"e": {"A": "3", "B": "2"}, "p": [1, 3], "d": {}}}}),
        )
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(changed, ["s.w.d", "s.w.e.A", "s.w.p[1]"]);
    }
}
