//! Prepares data for a fast start (issue 16):
//!
//! - compiles the knowledge tables (`src/knowledge/data/*.yaml`) to JSON, one text per server
//!   and client profile with the names its images end in, so that a run deserializes only the
//!   profiles it looks at, from compact JSON instead of YAML (`src/knowledge/compiled.rs`);
//! - writes Compose's schema without its annotations as a Rust constant for the quick schema
//!   check (`src/compose/schema/quick.rs`), which then parses nothing.
//!
//! The conversion of the tables is untyped: a plain scalar that YAML reads as a number, a boolean or null
//! becomes that JSON value, everything else a string. A text field given such a scalar
//! (`tag: 1.0`) must therefore be quoted in the table; `tests/knowledge.rs` checks that the
//! compiled tables are exactly what reading the YAML sources with the program's own reader
//! gives, and that they are consistent.

// Cargo reads its instructions from a build script's standard output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn main() {
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let read = |source: &str| {
        println!("cargo::rerun-if-changed={source}");
        std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: cannot read: {e}"))
    };
    let mut rust = String::new();
    for (source, list, count, allowed) in [
        (
            "src/knowledge/data/servers.yaml",
            "servers",
            "SERVER_COUNT",
            &["servers"][..],
        ),
        (
            "src/knowledge/data/clients.yaml",
            "clients",
            "CLIENT_COUNT",
            &["clients", "unmatched"],
        ),
    ] {
        let table = table(&read(source), allowed).unwrap_or_else(|e| panic!("{source}: {e}"));
        profiles(&table, list, count, &mut rust).unwrap_or_else(|e| panic!("{source}: {e}"));
    }
    // The apps no client image identifies, a list beside the clients.
    let source = "src/knowledge/data/clients.yaml";
    let unmatched = match document(&read(source)).map(|d| d["unmatched"].clone()) {
        Ok(Yaml::BadValue) => Yaml::Array(Vec::new()),
        Ok(unmatched) => unmatched,
        Err(e) => panic!("{source}: {e}"),
    };
    let mut json = String::new();
    write_json(&unmatched, &mut json).unwrap_or_else(|e| panic!("{source}: {e}"));
    let _ = writeln!(rust, "pub(super) const UNMATCHED: &str = {json:?};");
    let source = "src/knowledge/data/generic.yaml";
    let mut json = String::new();
    write_json(
        &document(&read(source)).unwrap_or_else(|e| panic!("{source}: {e}")),
        &mut json,
    )
    .unwrap_or_else(|e| panic!("{source}: {e}"));
    let _ = writeln!(rust, "pub(super) const GENERIC: &str = {json:?};");
    let target = Path::new(&out_dir).join("knowledge_tables.rs");
    std::fs::write(&target, rust)
        .unwrap_or_else(|e| panic!("{}: cannot write: {e}", target.display()));

    let source = "src/compose/compose-spec.json";
    let rust = schema_assertions(&read(source)).unwrap_or_else(|e| panic!("{source}: {e}"));
    let target = Path::new(&out_dir).join("compose_spec_assertions.rs");
    std::fs::write(&target, rust)
        .unwrap_or_else(|e| panic!("{}: cannot write: {e}", target.display()));
}

/// Keywords of JSON Schema that assert nothing about a document.
const ANNOTATIONS: [&str; 6] = [
    "$schema",
    "$id",
    "title",
    "description",
    "deprecated",
    "default",
];

/// The schema without its annotations, as a Rust expression of type `quick::Json`. (JSON is
/// YAML.)
fn schema_assertions(text: &str) -> Result<String, String> {
    let mut rust = String::with_capacity(text.len() / 2);
    write_rust(&without_annotations(&document(text)?), &mut rust)?;
    Ok(rust)
}

fn write_rust(node: &Yaml, out: &mut String) -> Result<(), String> {
    match node {
        Yaml::Null => out.push_str("Json::Null"),
        Yaml::Boolean(b) => {
            let _ = write!(out, "Json::Bool({b})");
        }
        Yaml::Integer(i) => {
            let _ = write!(out, "Json::Int({i})");
        }
        Yaml::String(text) => {
            let _ = write!(out, "Json::Str({text:?})");
        }
        Yaml::Array(items) => {
            out.push_str("Json::Array(&[");
            for item in items {
                write_rust(item, out)?;
                out.push(',');
            }
            out.push_str("])");
        }
        Yaml::Hash(entries) => {
            out.push_str("Json::Object(&[");
            for (key, value) in entries {
                let Yaml::String(key) = key else {
                    return Err(format!("unsupported mapping key {key:?}"));
                };
                let _ = write!(out, "({key:?},");
                write_rust(value, out)?;
                out.push_str("),");
            }
            out.push_str("])");
        }
        other => return Err(format!("unsupported value {other:?}")),
    }
    Ok(())
}

/// `schema` without annotation keywords; the members of `properties`, `patternProperties` and
/// `$defs` are names, whatever they are called, and keep them, and the values `enum`,
/// `const` and `required` list are data.
fn without_annotations(schema: &Yaml) -> Yaml {
    let keep = |keyword: &Yaml| !ANNOTATIONS.iter().any(|a| keyword.as_str() == Some(*a));
    match schema {
        Yaml::Hash(keywords) => Yaml::Hash(
            keywords
                .iter()
                .filter(|(keyword, _)| keep(keyword))
                .map(|(keyword, value)| {
                    let value = match (keyword.as_str(), value) {
                        (Some("properties" | "patternProperties" | "$defs"), Yaml::Hash(named)) => {
                            Yaml::Hash(
                                named
                                    .iter()
                                    .map(|(name, s)| (name.clone(), without_annotations(s)))
                                    .collect(),
                            )
                        }
                        (Some("enum" | "const" | "required"), _) => value.clone(),
                        _ => without_annotations(value),
                    };
                    (keyword.clone(), value)
                })
                .collect(),
        ),
        Yaml::Array(items) => Yaml::Array(items.iter().map(without_annotations).collect()),
        other => other.clone(),
    }
}

/// The one document of a table as JSON.
/// The one document of a YAML text.
fn document(text: &str) -> Result<Yaml, String> {
    let mut documents = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    match documents.len() {
        1 => Ok(documents.remove(0)),
        n => Err(format!("{n} documents, one expected")),
    }
}

/// The top-level mapping of a table, which may have only the keys `allowed`.
fn table(text: &str, allowed: &[&str]) -> Result<yaml_rust2::yaml::Hash, String> {
    let Yaml::Hash(table) = document(text)? else {
        return Err("not a mapping".into());
    };
    if let Some((key, _)) = table
        .iter()
        .find(|(k, _)| !k.as_str().is_some_and(|k| allowed.contains(&k)))
    {
        return Err(format!("unknown top-level key {key:?}"));
    }
    Ok(table)
}

/// `static {LIST}: [Profile; {count}]`: each profile of the list `list` with its id, the last
/// path segment of each image repository (lower case, as image references are compared) and
/// its JSON.
fn profiles(
    table: &yaml_rust2::yaml::Hash,
    list: &str,
    count: &str,
    rust: &mut String,
) -> Result<(), String> {
    let Some((_, Yaml::Array(profiles))) = table.iter().find(|(k, _)| k.as_str() == Some(list))
    else {
        return Err(format!("no list `{list}`"));
    };
    let _ = writeln!(
        rust,
        "pub(super) const {count}: usize = {};",
        profiles.len()
    );
    let _ = writeln!(
        rust,
        "pub(super) static {}: [Profile; {count}] = [",
        list.to_uppercase()
    );
    for profile in profiles {
        let id = profile["id"]
            .as_str()
            .ok_or("a profile without a text id")?;
        let mut names: Vec<String> = Vec::new();
        for image in profile["images"]
            .as_vec()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let repository = image["repository"]
                .as_str()
                .ok_or_else(|| format!("{id}: an image without a text repository"))?;
            let name = repository
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let mut json = String::new();
        write_json(profile, &mut json)?;
        let _ = writeln!(
            rust,
            "    Profile {{ id: {id:?}, image_names: &{names:?}, json: {json:?} }},"
        );
    }
    rust.push_str("];\n");
    Ok(())
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
