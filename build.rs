//! Compiles the knowledge tables (`src/knowledge/data/*.yaml`) to JSON at build time, so that a
//! run deserializes compact JSON instead of scanning YAML at every start (issue 16).
//!
//! The conversion is untyped: a plain scalar that YAML reads as a number, a boolean or null
//! becomes that JSON value, everything else a string. A text field given such a scalar
//! (`tag: 1.0`) must therefore be quoted in the table; `tests/knowledge.rs` checks that the
//! compiled tables are exactly what reading the YAML sources with the program's own reader
//! gives, and that they are consistent.

use std::fmt::Write as _;
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

const TABLES: [&str; 3] = ["servers", "clients", "generic"];

fn main() {
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    for table in TABLES {
        let source = format!("src/knowledge/data/{table}.yaml");
        println!("cargo::rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{source}: cannot read: {e}"));
        let json = table_json(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
        let target = Path::new(&out_dir).join(format!("{table}.json"));
        std::fs::write(&target, json)
            .unwrap_or_else(|e| panic!("{}: cannot write: {e}", target.display()));
    }
}

/// The one document of a table as JSON.
fn table_json(text: &str) -> Result<String, String> {
    let documents = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    let [document] = documents.as_slice() else {
        return Err(format!("{} documents, one expected", documents.len()));
    };
    let mut json = String::with_capacity(text.len());
    write_json(document, &mut json)?;
    Ok(json)
}

fn write_json(node: &Yaml, out: &mut String) -> Result<(), String> {
    match node {
        Yaml::Null => out.push_str("null"),
        Yaml::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        // No table has a fractional number: a float is the text of a version or tag.
        Yaml::Real(text) | Yaml::String(text) => write_string(text, out),
        Yaml::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Yaml::Hash(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match key {
                    Yaml::String(k) | Yaml::Real(k) => write_string(k, out),
                    Yaml::Integer(k) => write_string(&k.to_string(), out),
                    Yaml::Boolean(k) => write_string(&k.to_string(), out),
                    other => return Err(format!("unsupported mapping key {other:?}")),
                }
                out.push(':');
                write_json(value, out)?;
            }
            out.push('}');
        }
        Yaml::Alias(_) | Yaml::BadValue => {
            return Err("anchors and aliases are not supported in the tables".into());
        }
    }
    Ok(())
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
