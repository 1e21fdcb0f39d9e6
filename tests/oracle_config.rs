//! The oracle vectors for ports and merging, run through the public entry points: a project
//! is generated in memory, loaded, and rendered as compose-go's loaded project
//! ([`project_json`]: what `composelint config` prints before the command's own additions).
//! Each failure names the vector's `source`.

use std::path::PathBuf;

use composelint::compose::config::project_json;
use composelint::compose::load::LoadOptions;
use composelint::fs::MemFs;
use composelint::{Settings, load};
use serde_json::Value;

const PROJECT_DIR: &str = "/p";

fn vectors(name: &str) -> Vec<Value> {
    let path = format!("{}/fixtures/oracle/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Loads the files (in order) as one project and renders it; Err when loading fails.
fn config(files: &[(String, String)], env: &[(String, String)]) -> Result<Value, String> {
    let mut fs = MemFs::new();
    for (name, text) in files {
        fs.insert(
            PathBuf::from(PROJECT_DIR).join(name),
            text.as_bytes().to_vec(),
        );
    }
    let settings = Settings {
        paths: Vec::new(),
        compose_files: files
            .iter()
            .filter(|(n, _)| n.ends_with(".yaml") || n.ends_with(".yml"))
            .map(|(n, _)| PathBuf::from(PROJECT_DIR).join(n))
            .collect(),
        load: LoadOptions {
            cli_env: env.to_vec(),
            keep_merged: true,
            ..LoadOptions::default()
        },
        ..Settings::default()
    };
    let mut projects = load(&fs, &settings).map_err(|e| e.to_string())?;
    let project = projects.remove(0).project;
    let fatal: Vec<String> = project
        .issues
        .iter()
        .filter(|i| i.is_fatal())
        .map(|i| format!("{i:?}"))
        .collect();
    if !fatal.is_empty() {
        return Err(fatal.join("; "));
    }
    project_json(&project).map(placeholders)
}

/// Replaces the project directory by the vectors' `<project_dir>` placeholder.
fn placeholders(value: Value) -> Value {
    match value {
        Value::String(s) if s == PROJECT_DIR || s.starts_with("/p/") => {
            Value::String(format!("<project_dir>{}", &s[PROJECT_DIR.len()..]))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(placeholders).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, placeholders(v))).collect())
        }
        other => other,
    }
}

#[test]
fn port_vectors_through_config() {
    let mut failures = Vec::new();
    for v in vectors("ports.json") {
        let source = v["source"].as_str().unwrap();
        // JSON is YAML: strings, numbers and mappings keep their YAML types.
        let compose = format!(
            "services:\n  s:\n    image: x\n    ports:\n      - {}\n",
            serde_json::to_string(&v["input"]).unwrap()
        );
        let env: Vec<(String, String)> = v["env"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let result = config(&[("compose.yaml".into(), compose)], &env);
        match (&v["expected_normalised_list"], result) {
            (Value::Array(expected), Ok(out)) => {
                let actual = &out["services"]["s"]["ports"];
                if actual != &Value::Array(expected.clone()) {
                    failures.push(format!(
                        "{source}: input {}: expected {expected:?}, got {actual}",
                        v["input"]
                    ));
                }
            }
            (Value::Array(_), Err(e)) => {
                failures.push(format!("{source}: input {}: failed: {e}", v["input"]))
            }
            (_, Ok(out)) => failures.push(format!(
                "{source}: input {}: expected the error {}, got {}",
                v["input"], v["expected_error"], out["services"]["s"]["ports"]
            )),
            (_, Err(e)) => {
                let expected = v["expected_error"].as_str().unwrap();
                if !e.contains(expected) {
                    failures.push(format!(
                        "{source}: input {}: expected the error {expected}, got {e}",
                        v["input"]
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} port vectors fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn merge_vectors_through_config() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for v in vectors("merge.json") {
        let source = v["source"].as_str().unwrap();
        let names: Vec<String> = v["file_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect();
        let mut files: Vec<(String, String)> = names
            .iter()
            .zip(v["files"].as_array().unwrap())
            .map(|(n, t)| (n.clone(), t.as_str().unwrap().to_string()))
            .collect();
        for aux in v["aux_empty_files"].as_array().into_iter().flatten() {
            files.push((aux.as_str().unwrap().to_string(), String::new()));
        }
        let result = config(&files, &[]);
        if let Some(error) = v.get("expected_error") {
            if result.is_ok() {
                failures.push(format!(
                    "{source}: expected the error {error}, but the project loaded"
                ));
            }
            checked += 1;
            continue;
        }
        let out = match result {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{source}: failed to load: {e}"));
                continue;
            }
        };
        checked += 1;
        for (name, expected) in v["expected_service_fields"].as_object().unwrap() {
            let actual = &out["services"][name];
            if actual != expected {
                failures.push(format!(
                    "{source}: service {name}:\n    expected {expected}\n    actual   {actual}"
                ));
            }
        }
        if let Some(top) = v.get("expected_top_level").and_then(Value::as_object) {
            for (key, expected) in top {
                if &out[key] != expected {
                    failures.push(format!(
                        "{source}: top-level {key}:\n    expected {expected}\n    actual   {}",
                        out[key]
                    ));
                }
            }
        }
    }
    assert_eq!(checked, 67);
    assert!(
        failures.is_empty(),
        "{} merge vectors fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
