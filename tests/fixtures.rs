//! Runs every rule fixture under `fixtures/<CODE>/<case>/` and compares the findings with the
//! case's `expect` file (`CODE path:line` per finding, or `clean`).
//!
//! A case may hold an `args` file with `-e KEY=VALUE`, `--env-file FILE` and `--platform P`
//! lines. A case may hold a `fixed/` directory: the project as it must read after every safe
//! fix of the case is applied. The harness applies the safe fixes' edits to in-memory copies
//! of the case's files and compares them with `fixed/` byte for byte, then lints `fixed/` and
//! checks that exactly the fixed findings are gone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use composelint::compose::load::LoadOptions;
use composelint::diagnostic::{Applicability, Edit};
use composelint::fs::OsFs;
use composelint::net::Platform;
use composelint::{LintedProject, Settings, lint};

/// The files of a case that are not project files.
const HARNESS_FILES: [&str; 2] = ["expect", "args"];
const FIXED_DIR: &str = "fixed";

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap() {
        let rule = rule.unwrap().path();
        let name = rule.file_name().unwrap().to_string_lossy().into_owned();
        if !rule.is_dir() || !name.chars().next().unwrap().is_ascii_uppercase() {
            continue;
        }
        for case in std::fs::read_dir(&rule).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                out.push(case);
            }
        }
    }
    out.sort();
    out
}

/// Settings to lint `dir` with the case's `args` (file arguments relative to `dir`).
fn settings(case: &Path, dir: &Path) -> Settings {
    let mut load = LoadOptions::default();
    let mut platform = Platform::default();
    if let Ok(args) = std::fs::read_to_string(case.join("args")) {
        for line in args.lines().filter(|l| !l.trim().is_empty()) {
            let (flag, value) = line.split_once(' ').expect("`flag value` per line");
            match flag {
                "-e" => {
                    let (k, v) = value.split_once('=').expect("-e KEY=VALUE");
                    load.cli_env.push((k.into(), v.into()));
                }
                "--env-file" => load.env_files.push(dir.join(value)),
                "--platform" => {
                    platform = match value {
                        "any" => Platform::Any,
                        "linux" => Platform::Linux,
                        "desktop" => Platform::Desktop,
                        other => panic!("{}: unknown platform {other}", case.display()),
                    }
                }
                other => panic!("{}: unknown flag {other}", case.display()),
            }
        }
    }
    Settings {
        paths: vec![dir.to_path_buf()],
        compose_files: Vec::new(),
        load,
        platform,
        ..Settings::default()
    }
}

/// The projects of a case, without the one in its `fixed/` directory.
fn lint_case(case: &Path) -> Vec<LintedProject> {
    let fixed = case.join(FIXED_DIR);
    lint(&OsFs, &settings(case, case))
        .expect("the case loads")
        .into_iter()
        .filter(|p| !p.sources.iter().any(|f| f.path.starts_with(&fixed)))
        .collect()
}

/// `CODE path:line` of a finding, the path relative to `dir`.
fn place(p: &LintedProject, d: &composelint::diagnostic::Diagnostic, dir: &Path) -> String {
    let at = match d.primary {
        Some(span) => {
            let file = p.sources.get(span.file);
            let rel = file.path.strip_prefix(dir).unwrap_or(&file.path);
            format!("{}:{}", rel.display(), file.line_col(span.start).line)
        }
        None => "-".into(),
    };
    format!("{} {at}", d.code)
}

fn findings(projects: &[LintedProject], dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = projects
        .iter()
        .flat_map(|p| p.diagnostics.iter().map(move |d| place(p, d, dir)))
        .collect();
    out.sort();
    out
}

#[test]
fn every_fixture_reports_what_its_expect_file_says() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() > 20, "fixtures missing");
    for case in &cases {
        let expect_path = case.join("expect");
        let expected = std::fs::read_to_string(&expect_path)
            .unwrap_or_else(|_| panic!("{} has no expect file", case.display()));
        let mut expected: Vec<String> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "clean")
            .map(str::to_string)
            .collect();
        expected.sort();
        let name = case.file_name().unwrap().to_string_lossy();
        let code = case
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        if name.starts_with("ok-") {
            assert!(
                expected.is_empty(),
                "{}: an ok- case must expect `clean`",
                case.display()
            );
        } else {
            assert!(
                expected.iter().any(|e| e.starts_with(code.as_ref())),
                "{}: a must-fire case must expect a {code} finding",
                case.display()
            );
        }
        let projects = lint_case(case);
        let actual = findings(&projects, case);
        if actual != expected {
            failures.push(format!(
                "{}\n  expected: {expected:?}\n  actual:   {actual:?}",
                case.display()
            ));
            continue;
        }
        if case.join(FIXED_DIR).is_dir()
            && let Err(e) = check_fixed(case, &projects)
        {
            failures.push(format!("{}: {e}", case.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every project file under `dir` (relative path → bytes), skipping the harness's own files
/// and the `fixed/` directory.
fn project_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, top: bool, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if top && (HARNESS_FILES.contains(&name.as_str()) || name == FIXED_DIR) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, false, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, true, &mut out);
    out
}

/// Applies edits to one file's bytes: sorted by position, refusing overlaps and edits that
/// do not fall on character boundaries.
fn apply(text: &str, mut edits: Vec<Edit>) -> Result<String, String> {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for pair in edits.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.span.end > b.span.start || a.span.start == b.span.start {
            return Err(format!("overlapping edits {a:?} and {b:?}"));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in &edits {
        let kept = text
            .get(at..e.span.start)
            .ok_or_else(|| format!("edit {e:?} is outside the file or splits a character"))?;
        text.get(e.span.start..e.span.end)
            .ok_or_else(|| format!("edit {e:?} is outside the file or splits a character"))?;
        out.push_str(kept);
        out.push_str(&e.content);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Applies every safe fix of the case and compares with `fixed/`; then lints `fixed/` and
/// checks that the fixed findings, and only they, are gone.
fn check_fixed(case: &Path, projects: &[LintedProject]) -> Result<(), String> {
    let fixed_dir = case.join(FIXED_DIR);
    let mut edits: BTreeMap<PathBuf, Vec<Edit>> = BTreeMap::new();
    let mut fixed_findings = Vec::new();
    let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
    for p in projects {
        for d in &p.diagnostics {
            let Some(fix) = d
                .fix
                .as_ref()
                .filter(|f| f.applicability == Applicability::Safe)
            else {
                continue;
            };
            fixed_findings.push(place(p, d, case));
            for e in &fix.edits {
                let file = p.sources.get(e.span.file);
                let rel = file
                    .path
                    .strip_prefix(case)
                    .map_err(|_| format!("an edit is outside the case: {}", file.path.display()))?
                    .to_path_buf();
                texts.insert(rel.clone(), file.text.clone());
                edits.entry(rel).or_default().push(e.clone());
            }
        }
    }
    if fixed_findings.is_empty() {
        return Err("has a fixed/ directory but no safe fix".into());
    }
    let mut expected = project_files(case);
    for (rel, file_edits) in edits {
        // Two findings may carry the same edit (one value, two references): apply it once.
        let mut unique: Vec<Edit> = Vec::new();
        for e in file_edits {
            if !unique.contains(&e) {
                unique.push(e);
            }
        }
        let edited = apply(&texts[&rel], unique).map_err(|e| format!("{}: {e}", rel.display()))?;
        expected.insert(rel, edited.into_bytes());
    }
    let actual = project_files(&fixed_dir);
    if expected.keys().ne(actual.keys()) {
        return Err(format!(
            "fixed/ holds {:?}, the case {:?}",
            actual.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>()
        ));
    }
    for (rel, want) in &expected {
        if actual[rel] != *want {
            return Err(format!(
                "fixed/{} differs from the fixed case:\n--- after the fixes\n{}\n--- fixed/\n{}",
                rel.display(),
                String::from_utf8_lossy(want),
                String::from_utf8_lossy(&actual[rel])
            ));
        }
    }
    let after = lint(&OsFs, &settings(case, &fixed_dir)).map_err(|e| e.to_string())?;
    let after = findings(&after, &fixed_dir);
    let mut remaining = findings(projects, case);
    for f in &fixed_findings {
        if let Some(i) = remaining.iter().position(|r| r == f) {
            remaining.remove(i);
        }
    }
    if after != remaining {
        return Err(format!(
            "after the fixes: expected {remaining:?} (the fixed {fixed_findings:?} gone), found {after:?}"
        ));
    }
    Ok(())
}

#[test]
fn the_edit_applier_refuses_overlaps() {
    use composelint::source::{FileId, Span};
    let edit = |start, end, content: &str| Edit {
        span: Span::new(FileId(0), start, end),
        content: content.into(),
    };
    assert_eq!(
        apply("http://localhost:11434", vec![edit(7, 16, "ollama")]).unwrap(),
        "http://ollama:11434"
    );
    assert_eq!(
        apply(
            "a:1",
            vec![edit(2, 3, "2"), edit(0, 1, "b")] // out of order on purpose
        )
        .unwrap(),
        "b:2"
    );
    assert!(apply("abcdef", vec![edit(0, 3, "x"), edit(2, 4, "y")]).is_err());
    assert!(apply("abc", vec![edit(2, 9, "x")]).is_err());
}

#[test]
fn every_rule_has_firing_and_silent_fixtures() {
    let cases = cases();
    for rule in composelint::rules::RULES {
        let of_rule: Vec<&PathBuf> = cases
            .iter()
            .filter(|c| c.parent().unwrap().file_name().unwrap() == rule.code)
            .collect();
        let ok = of_rule
            .iter()
            .filter(|c| c.file_name().unwrap().to_string_lossy().starts_with("ok-"))
            .count();
        assert!(ok >= 1, "{} has no ok- fixture", rule.code);
        assert!(of_rule.len() > ok, "{} has no firing fixture", rule.code);
    }
}
