//! Runs every rule fixture under `fixtures/<CODE>/<case>/` and compares the findings with the
//! case's `expect` file (`CODE path:line` per finding, or `clean`).
//!
//! A case may hold an `args` file with `-e KEY=VALUE` and `--env-file FILE` lines.

use std::path::{Path, PathBuf};

use composelint::compose::load::LoadOptions;
use composelint::fs::OsFs;
use composelint::{Settings, lint};

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

fn settings(case: &Path) -> Settings {
    let mut load = LoadOptions::default();
    if let Ok(args) = std::fs::read_to_string(case.join("args")) {
        for line in args.lines().filter(|l| !l.trim().is_empty()) {
            let (flag, value) = line.split_once(' ').expect("`flag value` per line");
            match flag {
                "-e" => {
                    let (k, v) = value.split_once('=').expect("-e KEY=VALUE");
                    load.cli_env.push((k.into(), v.into()));
                }
                "--env-file" => load.env_files.push(case.join(value)),
                other => panic!("{}: unknown flag {other}", case.display()),
            }
        }
    }
    Settings {
        paths: vec![case.to_path_buf()],
        compose_files: Vec::new(),
        load,
        ..Settings::default()
    }
}

fn findings(case: &Path) -> Vec<String> {
    let projects = lint(&OsFs, &settings(case)).expect("the case loads");
    let mut out = Vec::new();
    for p in &projects {
        for d in &p.diagnostics {
            let place = match d.primary {
                Some(span) => {
                    let file = p.sources.get(span.file);
                    let rel = file.path.strip_prefix(case).unwrap_or(&file.path);
                    format!("{}:{}", rel.display(), file.line_col(span.start).line)
                }
                None => "-".into(),
            };
            out.push(format!("{} {place}", d.code));
        }
    }
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
        let actual = findings(case);
        if actual != expected {
            failures.push(format!(
                "{}\n  expected: {expected:?}\n  actual:   {actual:?}",
                case.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
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
