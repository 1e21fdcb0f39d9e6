//! The fixture cases the integration tests walk: the rule fixtures (`fixtures/CODE/case`)
//! and the cases of one directory (`fixtures/explain/case`, `fixtures/hostile/case`).

// Each test crate that includes it uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The directories directly under `root`, sorted.
pub fn case_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// Every `fixtures/CODE/case`: the cases of the directories named by a rule code (they start
/// with an uppercase letter), sorted.
pub fn rule_cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = case_dirs(&fixtures_root())
        .into_iter()
        .filter(|rule| {
            rule.file_name().is_some_and(|n| {
                n.to_string_lossy()
                    .starts_with(|c: char| c.is_ascii_uppercase())
            })
        })
        .flat_map(|rule| case_dirs(&rule))
        .collect();
    out.sort();
    out
}
