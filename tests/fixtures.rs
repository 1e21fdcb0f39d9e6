//! Runs every rule fixture under `fixtures/<CODE>/<case>/`, each case a test of its own
//! named `CODE/case` (`cargo test --test fixtures -- OLL001/localhost-to-service`), and
//! compares the findings with the case's `expect` file (`CODE path:line` per finding, or
//! `clean`).
//!
//! The output is part of the contract: `expect.concise` and `expect.human` hold what
//! `composelint` prints for the case in those formats (no colour, 100 columns, paths relative
//! to the case). `UPDATE_EXPECT=1 cargo test --test fixtures` rewrites them; every change is
//! then read as a reviewer reads code.
//!
//! A case may hold an `args` file with `-e KEY=VALUE`, `--env-file FILE`, `--platform P` and
//! `--unsafe-fixes` lines. A case may hold a `fixed/` directory: the project as it must read
//! after `composelint --fix` (with `--unsafe-fixes` when `args` says so), written by hand,
//! and a `changes` file listing the `composelint config` fields the fixes are meant to
//! change. See `check_fixed` for what is checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use composelint::compose::config;
use composelint::compose::load::LoadOptions;
use composelint::fix::{FileChange, FixOptions, fix};
use composelint::fs::OsFs;
use composelint::net::Platform;
use composelint::output::{self, OutputOptions};
use composelint::{LintedProject, Settings, lint};
use libtest_mimic::{Arguments, Failed, Trial};

#[path = "support/expect_file.rs"]
mod expect_file;
#[path = "support/fixture_cases.rs"]
mod fixture_cases;
use fixture_cases::rule_cases as cases;

/// The files of a case that are not project files.
const HARNESS_FILES: [&str; 5] = ["expect", "args", "changes", CONCISE_FILE, HUMAN_FILE];
const FIXED_DIR: &str = "fixed";
const CONCISE_FILE: &str = "expect.concise";
const HUMAN_FILE: &str = "expect.human";
/// The width the binary draws the human format at, whatever the terminal.
const WIDTH: usize = 100;

fn main() {
    let args = Arguments::from_args();
    let bless = expect_file::blessing();
    let cases = cases();
    let mut trials = vec![
        Trial::test("fixtures_are_found", {
            let n = cases.len();
            move || match n {
                0..=20 => Err(format!("only {n} fixture cases found").into()),
                _ => Ok(()),
            }
        }),
        global(
            "every_rule_has_firing_and_silent_fixtures",
            every_rule_has_firing_and_silent_fixtures,
        ),
        global(
            "every_rule_that_offers_a_fix_has_a_fixed_fixture",
            every_rule_that_offers_a_fix_has_a_fixed_fixture,
        ),
        global("the_comment_check_can_fail", the_comment_check_can_fail),
    ];
    trials.extend(cases.into_iter().map(|case| {
        Trial::test(case_name(&case), move || {
            check_case(&case, bless).map_err(Failed::from)
        })
    }));
    libtest_mimic::run(&args, trials).exit();
}

/// A test over every case, which fails by panicking.
fn global(name: &'static str, test: fn()) -> Trial {
    Trial::test(name, move || {
        test();
        Ok(())
    })
}

/// `CODE/case`, with a `/` on every platform, so that one name selects a case everywhere.
fn case_name(case: &Path) -> String {
    let part = |p: Option<&Path>| {
        p.and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    format!("{}/{}", part(case.parent()), part(Some(case)))
}

/// Settings to lint `dir` with the case's `args` (file arguments relative to `dir`).
fn settings(case: &Path, dir: &Path) -> Settings {
    let mut load = LoadOptions {
        keep_merged: true,
        ..LoadOptions::default()
    };
    // Without `--platform`, each project runs where its files say (a PowerShell script on
    // Docker Desktop), as with the binary.
    let mut platform = None;
    if let Ok(args) = std::fs::read_to_string(case.join("args")) {
        for line in args.lines().filter(|l| !l.trim().is_empty()) {
            let (flag, value) = line.split_once(' ').unwrap_or((line, ""));
            match flag {
                "-e" => {
                    let (k, v) = value.split_once('=').expect("-e KEY=VALUE");
                    load.cli_env.push((k.into(), v.into()));
                }
                "--env-file" => load.env_files.push(dir.join(value)),
                "--profile" => load.profiles.push(value.into()),
                // Read by `wants_unsafe_fixes`.
                "--unsafe-fixes" => {}
                "--platform" => {
                    platform = Some(match value {
                        "any" => Platform::Any,
                        "linux" => Platform::Linux,
                        "desktop" => Platform::Desktop,
                        other => panic!("{}: unknown platform {other}", case.display()),
                    })
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

/// One case: its findings are those of `expect`, its fix gives `fixed/`, and it renders as
/// `expect.concise` and `expect.human` say (which `bless` rewrites instead).
fn check_case(case: &Path, bless: bool) -> Result<(), String> {
    let expected = std::fs::read_to_string(case.join("expect"))
        .map_err(|_| "the case has no expect file".to_string())?;
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
    if name.starts_with("ok-") && !expected.is_empty() {
        return Err("an ok- case must expect `clean`".into());
    }
    if !name.starts_with("ok-") && !expected.iter().any(|e| e.starts_with(code.as_ref())) {
        return Err(format!("a must-fire case must expect a {code} finding"));
    }
    let projects = lint_case(case);
    let mut failures = Vec::new();
    let actual = findings(&projects, case);
    if actual != expected {
        failures.push(format!(
            "findings differ\n  expected: {expected:?}\n  actual:   {actual:?}"
        ));
    } else if case.join(FIXED_DIR).is_dir()
        && let Err(e) = check_fixed(case, &projects)
    {
        failures.push(e);
    }
    let (concise, human) = rendered(case, projects);
    for (file, text) in [(CONCISE_FILE, &concise), (HUMAN_FILE, &human)] {
        if text.contains(env!("CARGO_MANIFEST_DIR")) {
            failures.push(format!("{file} would show an absolute path:\n{text}"));
        } else if let Err(e) = expect_file::check(&case.join(file), text, bless) {
            failures.push(e);
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// What `composelint --format concise` and `composelint` (human) print for the case, run in
/// the case's directory with its `args`, without colour: what the library's output module
/// renders, then the line saying what is fixable, as the binary does.
fn rendered(case: &Path, projects: Vec<LintedProject>) -> (String, String) {
    let mut projects: Vec<LintedProject> = projects
        .into_iter()
        .map(LintedProject::for_output)
        .collect();
    composelint::merge_repeated_findings(&mut projects);
    let options = OutputOptions {
        cwd: case.to_path_buf(),
        color: false,
        width: Some(WIDTH),
    };
    let fixable = output::fix_summary(&projects, wants_unsafe_fixes(case))
        .map(|line| line + "\n")
        .unwrap_or_default();
    (
        output::concise::render(&projects, &options) + &fixable,
        output::human::render(&projects, &options) + &fixable,
    )
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

/// Whether the case's `args` ask for unsafe fixes too.
fn wants_unsafe_fixes(case: &Path) -> bool {
    std::fs::read_to_string(case.join("args"))
        .is_ok_and(|a| a.lines().any(|l| l.trim() == "--unsafe-fixes"))
}

/// Runs the fixer over the case and checks, against the hand-written `fixed/` project and
/// the `changes` file (the `composelint config` fields the fix is meant to change):
/// - the fixed files are byte for byte those of `fixed/`, and the fixer reports no failure;
/// - `fixed/` loads, and lints to exactly what the fixer says remains, without the fixed
///   findings;
/// - fixing `fixed/` again changes nothing;
/// - every comment line of a changed file is still there;
/// - `composelint config` differs from the original's in the listed fields only.
fn check_fixed(case: &Path, projects: &[LintedProject]) -> Result<(), String> {
    let fixed_dir = case.join(FIXED_DIR);
    let options = FixOptions {
        unsafe_fixes: wants_unsafe_fixes(case),
    };
    let run = fix(&OsFs, &settings(case, case), &options).map_err(|e| e.to_string())?;
    if !run.failures.is_empty() || !run.unconverged.is_empty() {
        return Err(format!(
            "the fixer failed: {:?}, did not converge: {:?}",
            run.failures, run.unconverged
        ));
    }
    let changes: Vec<&FileChange> = run
        .changes
        .iter()
        .filter(|c| !c.path.starts_with(&fixed_dir))
        .collect();
    if changes.is_empty() {
        return Err("has a fixed/ directory but the fixer changes nothing".into());
    }
    let mut expected = project_files(case);
    for c in &changes {
        let rel = c
            .path
            .strip_prefix(case)
            .map_err(|_| format!("an edit is outside the case: {}", c.path.display()))?;
        expected.insert(rel.to_path_buf(), c.fixed.clone());
        comments_kept(&c.original, &c.fixed).map_err(|e| format!("{}: {e}", rel.display()))?;
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
                "fixed/{} differs from what the fixer wrote:\n--- fixer\n{}\n--- fixed/\n{}",
                rel.display(),
                String::from_utf8_lossy(want),
                String::from_utf8_lossy(&actual[rel])
            ));
        }
    }

    // What the fixer says remains is what linting fixed/ finds, and no fixed finding is left.
    let fixed_settings = settings(case, &fixed_dir);
    let after_projects = lint(&OsFs, &fixed_settings).map_err(|e| e.to_string())?;
    let after = findings(&after_projects, &fixed_dir);
    let remaining: Vec<LintedProject> = run
        .projects
        .into_iter()
        .filter(|p| !p.sources.iter().any(|f| f.path.starts_with(&fixed_dir)))
        .collect();
    if findings(&remaining, case) != after {
        return Err(format!(
            "the fixer says {:?} remain, linting fixed/ finds {after:?}",
            findings(&remaining, case)
        ));
    }
    if after
        .iter()
        .any(|f| f.starts_with("CMP001") || f.starts_with("CMP003"))
    {
        return Err(format!("fixed/ does not load cleanly: {after:?}"));
    }
    let before = findings(projects, case);
    for applied in &run.applied {
        let count = |fs: &[String]| fs.iter().filter(|f| f.starts_with(applied.code)).count();
        let fixed_here = run
            .applied
            .iter()
            .filter(|a| a.code == applied.code)
            .count();
        if count(&after) + fixed_here > count(&before) {
            return Err(format!(
                "{} is still reported after `{:?}`: {after:?}",
                applied.code, applied.message
            ));
        }
    }

    let again = fix(&OsFs, &fixed_settings, &options).map_err(|e| e.to_string())?;
    if !again.changes.is_empty() {
        return Err(format!(
            "fixing fixed/ again changes {:?}",
            again.changes.iter().map(|c| &c.path).collect::<Vec<_>>()
        ));
    }

    let want: Vec<String> = std::fs::read_to_string(case.join("changes"))
        .map_err(|_| "a case with fixed/ needs a `changes` file".to_string())?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let mut changed = Vec::new();
    for (old, new) in projects.iter().zip(&remaining) {
        let (old, new) = if old.project.from_commands {
            // Commands have no compose configuration; what they start is rendered alike.
            (
                composelint::commands::config::render(&old.project),
                composelint::commands::config::render(&new.project),
            )
        } else {
            (config::render(&old.project)?, config::render(&new.project)?)
        };
        changed.extend(
            config::differences(&old, &new)
                .iter()
                .map(ToString::to_string),
        );
    }
    changed.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    if changed != want_sorted {
        return Err(format!(
            "`composelint config` changed in {changed:?}; `changes` says {want_sorted:?}"
        ));
    }
    Ok(())
}

/// Every line of `original` that is a comment is still a line of `fixed`, as often. The
/// exception is a suppression directive, which CMP901 removes when it suppresses nothing.
fn comments_kept(original: &[u8], fixed: &[u8]) -> Result<(), String> {
    let lines = |b: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(b)
            .lines()
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect()
    };
    let mut fixed = lines(fixed);
    for line in lines(original)
        .into_iter()
        .filter(|l| l.trim_start().starts_with('#') && !l.contains("composelint:"))
    {
        match fixed.iter().position(|f| *f == line) {
            Some(i) => {
                fixed.remove(i);
            }
            None => return Err(format!("the comment line `{line}` is gone")),
        }
    }
    Ok(())
}

fn the_comment_check_can_fail() {
    assert!(comments_kept(b"# a\nx: 1\n# b\n", b"# a\r\nx: 2\n# b\n").is_ok());
    assert!(comments_kept(b"# a\nx: 1\n", b"x: 1\n").is_err());
}

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

fn every_rule_that_offers_a_fix_has_a_fixed_fixture() {
    let cases = cases();
    let mut offering = std::collections::BTreeSet::new();
    for case in &cases {
        for p in lint_case(case) {
            for d in p.diagnostics.iter().filter(|d| d.fix.is_some()) {
                offering.insert(d.code);
            }
        }
    }
    assert!(offering.len() >= 10, "only {offering:?} offer fixes");
    for code in offering {
        let covered = cases.iter().any(|c| {
            c.join(FIXED_DIR).is_dir() && c.parent().unwrap().file_name().unwrap() == code
        });
        assert!(
            covered,
            "{code} offers fixes but no {code} fixture has a fixed/ project"
        );
    }
}
