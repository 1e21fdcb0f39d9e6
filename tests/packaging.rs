//! The packaging files agree with each other and with Cargo.toml: the pre-commit mirror's
//! hooks are the main hooks installed from the wheel, and each pinned version is the one
//! the others name. scripts/test-wheel and scripts/test-action run what they describe.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn hooks(path: &str) -> Vec<Yaml> {
    let docs = YamlLoader::load_from_str(&read(path)).unwrap();
    docs[0].as_vec().expect("a list of hooks").clone()
}

/// The value of `key = "…"` on the first line that sets it.
fn toml_string(text: &str, key: &str) -> String {
    let prefix = format!("{key} = \"");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix)?.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no {key}"))
        .to_string()
}

#[test]
fn the_mirror_hooks_are_the_main_hooks_with_python() {
    let main = hooks(".pre-commit-hooks.yaml");
    let mirror = hooks("pre-commit-mirror/.pre-commit-hooks.yaml");
    assert_eq!(main.len(), mirror.len());
    for (m, w) in main.iter().zip(&mirror) {
        assert_eq!(m["language"].as_str(), Some("rust"));
        assert_eq!(w["language"].as_str(), Some("python"));
        let (Yaml::Hash(m), Yaml::Hash(w)) = (m, w) else {
            panic!("a hook is a mapping")
        };
        let without_language = |h: &yaml_rust2::yaml::Hash| {
            let mut h = h.clone();
            h.remove(&Yaml::String("language".into()));
            h
        };
        assert_eq!(without_language(m), without_language(w));
    }
}

#[test]
fn the_mirror_depends_on_this_version() {
    let version = toml_string(&read("Cargo.toml"), "version");
    let pyproject = read("pre-commit-mirror/pyproject.toml");
    assert!(
        pyproject.contains(&format!("dependencies = [\"composelint=={version}\"]")),
        "pre-commit-mirror/pyproject.toml must pin composelint=={version}"
    );
}

#[test]
fn the_wheel_is_the_binary_at_the_crate_version() {
    let pyproject = read("pyproject.toml");
    assert_eq!(toml_string(&pyproject, "name"), "composelint");
    assert_eq!(toml_string(&pyproject, "bindings"), "bin");
    assert!(
        pyproject.contains("dynamic = [\"version\"]"),
        "the version comes from Cargo.toml"
    );
    assert_eq!(toml_string(&pyproject, "profile"), "dist");
    assert!(read("Cargo.toml").contains("[profile.dist]"));
}

#[test]
fn the_release_builds_with_the_pinned_tools() {
    let release = read(".github/workflows/release.yml");
    let test_wheel = read("scripts/test-wheel");
    let maturin = test_wheel
        .lines()
        .find_map(|l| l.strip_prefix("maturin_version="))
        .expect("scripts/test-wheel pins maturin");
    assert!(
        release.contains(&format!("maturin-version: v{maturin}")),
        "release.yml builds with another maturin than scripts/test-wheel tests"
    );
    let rust = toml_string(&read("Cargo.toml"), "rust-version");
    assert!(
        read("Dockerfile").contains(&format!("FROM rust:{rust}-alpine AS build")),
        "the Dockerfile builds with another Rust than rust-version"
    );
}
