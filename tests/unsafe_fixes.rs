//! The structural (unsafe) fixes are right: for every fixture that gets one, applying it to a
//! copy of the project leaves a project that still loads cleanly, no longer has that
//! finding, and has no finding it did not have before (a network attached but undeclared is
//! a CMP010 Docker Compose refuses; an edit in a merged anchor reaches other services).

// A test says what it skipped and why.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};

use composelint::diagnostic::{Applicability, Severity};
use composelint::fs::OsFs;
use composelint::{Settings, lint};

mod common;
use common::copy_tree;

fn settings(dir: &Path) -> Settings {
    let mut s = Settings {
        paths: vec![dir.to_path_buf()],
        ..Settings::default()
    };
    if let Ok(args) = std::fs::read_to_string(dir.join("args")) {
        for line in args.lines() {
            if let Some(v) = line.strip_prefix("-e ") {
                let (k, v) = v.split_once('=').unwrap();
                s.load.cli_env.push((k.into(), v.into()));
            }
        }
    }
    s
}

/// `(code, file)` of every finding, and whether it may follow a fix: a reachability warning
/// or information (the repaired reference works, and could work better).
fn findings(dir: &Path) -> Vec<(String, PathBuf, bool)> {
    lint(&OsFs, &settings(dir))
        .unwrap()
        .iter()
        .flat_map(|p| {
            p.diagnostics.iter().map(|d| {
                let file = d
                    .primary
                    .map(|s| p.sources.get(s.file).path.clone())
                    .unwrap_or_default();
                let follow_up = d.code.starts_with("OLL") && d.severity < Severity::Error;
                (d.code.to_string(), file, follow_up)
            })
        })
        .collect()
}

#[test]
fn every_unsafe_fix_removes_its_finding_and_breaks_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap() {
        let rule = rule.unwrap().path();
        let code = rule.file_name().unwrap().to_string_lossy().into_owned();
        if !code.starts_with("OLL") {
            continue;
        }
        for case in std::fs::read_dir(&rule).unwrap() {
            let case = case.unwrap().path();
            if !case.is_dir() || case.join("fixed").is_dir() {
                continue;
            }
            let projects = lint(&OsFs, &settings(&case)).unwrap();
            for p in &projects {
                for d in p.diagnostics.iter().filter(|d| d.code == code) {
                    let Some(fix) = d
                        .fix
                        .as_ref()
                        .filter(|f| f.applicability == Applicability::Unsafe)
                    else {
                        continue;
                    };
                    let copy = tempfile::tempdir().unwrap();
                    copy_tree(&case, copy.path());
                    // Edits sorted from the end, so earlier offsets stay valid.
                    let mut edits = fix.edits.clone();
                    edits.sort_by_key(|e| std::cmp::Reverse((e.span.file, e.span.start)));
                    for e in &edits {
                        let original = p.sources.get(e.span.file);
                        let rel = original.path.strip_prefix(&case).unwrap();
                        let target = copy.path().join(rel);
                        let mut text = std::fs::read_to_string(&target).unwrap();
                        text.replace_range(e.span.start..e.span.end, &e.content);
                        std::fs::write(&target, text).unwrap();
                    }
                    let before = findings(&case);
                    let after = findings(copy.path());
                    let count = |fs: &[(String, PathBuf, bool)], c: &str| {
                        fs.iter().filter(|(x, _, _)| x == c).count()
                    };
                    let broke = after
                        .iter()
                        .any(|(c, _, _)| matches!(c.as_str(), "CMP001" | "CMP002" | "CMP003"));
                    let added: Vec<&(String, PathBuf, bool)> = after
                        .iter()
                        .filter(|(c, _, follow_up)| {
                            c != &code && !follow_up && count(&after, c) > count(&before, c)
                        })
                        .collect();
                    if broke || !added.is_empty() || count(&after, &code) >= count(&before, &code) {
                        failures.push(format!(
                            "{}: `{:?}` left {after:?} (before: {before:?})",
                            case.display(),
                            fix.message
                        ));
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 10, "only {checked} unsafe fixes were checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{checked} unsafe fixes checked");
}
