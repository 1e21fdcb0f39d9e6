//! `--fix --unsafe-fixes` over a copy of every real project of the corpus keeps the fixer's
//! promises: every file still loads, every fixed finding is gone, a second run changes
//! nothing, no comment line is lost, and `composelint config` changes only in the services
//! (and top-level volumes) the fixes are about. Over a copy of every rule fixture, Docker
//! Compose itself accepts every project the fixes rewrite (the corpus's rewritten projects
//! are compared with Compose in `compose_differential.rs`).
//!
//! The vendored corpus (`fixtures/corpus`) is always used; the shared one
//! (`../shared/corpus`) where it exists, and with `COMPOSELINT_REQUIRE_SHARED_CORPUS=1` (set
//! by `.ci/run`) its absence is a failure.

// A test says what it skipped and why.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use composelint::compose::load::LoadOptions;
use composelint::fix::write::replace_file;
use composelint::fix::{FixOptions, fix};
use composelint::fs::OsFs;
use composelint::{LintedProject, Settings, compose, lint};

mod common;
use common::{copy_tree, oracle, shared_corpus};

/// (code, service) → how many findings.
fn counts(projects: &[LintedProject]) -> HashMap<(String, Option<String>), usize> {
    let mut out = HashMap::new();
    for d in projects.iter().flat_map(|p| &p.diagnostics) {
        *out.entry((d.code.to_string(), d.service.clone()))
            .or_default() += 1;
    }
    out
}

/// Breaking findings (the file no longer loads or validates) per file.
fn breaking(projects: &[LintedProject]) -> BTreeMap<PathBuf, usize> {
    let mut out = BTreeMap::new();
    for p in projects {
        for d in &p.diagnostics {
            if matches!(d.code, "CMP001" | "CMP002" | "CMP003")
                && let Some(span) = d.primary
            {
                *out.entry(p.sources.get(span.file).path.clone())
                    .or_default() += 1;
            }
        }
    }
    out
}

/// Top-level sections and `services.<name>` whose config differs.
fn changed_sections(old: &serde_json::Value, new: &serde_json::Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let (Some(a), Some(b)) = (old.as_object(), new.as_object()) else {
        out.insert("<root>".into());
        return out;
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        if a.get(key) == b.get(key) {
            continue;
        }
        if key == "services"
            && let (Some(x), Some(y)) = (
                a.get(key).and_then(|v| v.as_object()),
                b.get(key).and_then(|v| v.as_object()),
            )
        {
            let names: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for name in names {
                if x.get(name) != y.get(name) {
                    out.insert(format!("services.{name}"));
                }
            }
        } else {
            out.insert(key.clone());
        }
    }
    out
}

fn comment_lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| l.trim_start().starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Fixes a copy of `root` and returns (fixes applied, problems found).
fn fix_corpus_copy(root: &Path) -> (usize, Vec<String>) {
    let copy = tempfile::tempdir().unwrap();
    copy_tree(root, copy.path());
    let settings = Settings {
        paths: vec![copy.path().to_path_buf()],
        load: LoadOptions {
            keep_merged: true,
            ..LoadOptions::default()
        },
        ..Settings::default()
    };
    let options = FixOptions { unsafe_fixes: true };
    let before = lint(&OsFs, &settings).unwrap();
    let run = fix(&OsFs, &settings, &options).unwrap();
    let mut problems = Vec::new();
    for f in &run.failures {
        problems.push(format!("fix failed: {f:?}"));
    }
    if !run.unconverged.is_empty() {
        problems.push(format!("did not converge: {:?}", run.unconverged));
    }
    for c in &run.changes {
        if let Err(e) = replace_file(&c.path, &c.original, &c.fixed) {
            problems.push(format!("{}: cannot write: {e}", c.path.display()));
        }
        let mut kept = comment_lines(&c.fixed);
        for line in comment_lines(&c.original) {
            match kept.iter().position(|k| *k == line) {
                Some(i) => {
                    kept.remove(i);
                }
                None => problems.push(format!("{}: lost `{line}`", c.path.display())),
            }
        }
    }
    let after = lint(&OsFs, &settings).unwrap();
    let (broke_before, broke_after) = (breaking(&before), breaking(&after));
    for (path, n) in &broke_after {
        if *n > broke_before.get(path).copied().unwrap_or(0) {
            problems.push(format!("{} no longer loads", path.display()));
        }
    }
    let (count_before, count_after) = (counts(&before), counts(&after));
    let mut applied: HashMap<(String, Option<String>), usize> = HashMap::new();
    for a in &run.applied {
        *applied
            .entry((a.code.to_string(), a.service.clone()))
            .or_default() += 1;
    }
    for (key, n) in &applied {
        let was = count_before.get(key).copied().unwrap_or(0);
        let is = count_after.get(key).copied().unwrap_or(0);
        // A finding that appeared during the run (a fix made a reference work, and then it
        // lacked `depends_on`) was not there before; it must be gone after.
        if is + n > was.max(*n) {
            problems.push(format!("{key:?}: {was} before, {is} after {n} fixes"));
        }
    }
    // The services a fix is about, and those whose finding of a fixed rule went away with
    // it (a fix in a mapping that others merge with `<<: *anchor` fixes them too).
    let fixed_codes: BTreeSet<&str> = run.applied.iter().map(|a| a.code).collect();
    let mut services: BTreeSet<String> = run
        .applied
        .iter()
        .filter_map(|a| a.service.as_ref().map(|s| format!("services.{s}")))
        .collect();
    for ((code, service), n) in &count_before {
        if fixed_codes.contains(code.as_str())
            && count_after
                .get(&(code.clone(), service.clone()))
                .copied()
                .unwrap_or(0)
                < *n
            && let Some(service) = service
        {
            services.insert(format!("services.{service}"));
        }
    }
    if before.len() != after.len() {
        problems.push(format!(
            "{} projects before, {} after",
            before.len(),
            after.len()
        ));
    }
    for (old_project, new_project) in before.iter().zip(&after) {
        let (Ok(old), Ok(new)) = (
            compose::config::render(&old_project.project),
            compose::config::render(&new_project.project),
        ) else {
            continue;
        };
        for section in changed_sections(&old, &new) {
            if section != "volumes" && !services.contains(&section) {
                problems.push(format!(
                    "{}: config changed in {section}, which no fix is about",
                    new_project.project.directory.display()
                ));
            }
        }
    }
    let again = fix(&OsFs, &settings, &options).unwrap();
    for c in &again.changes {
        problems.push(format!("a second fix changes {}", c.path.display()));
    }
    (run.applied.len(), problems)
}

#[test]
fn fixing_the_vendored_corpus_keeps_every_promise() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    let (applied, problems) = fix_corpus_copy(&root);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(applied >= 5, "only {applied} fixes applied");
}

#[test]
fn fixing_the_shared_corpus_keeps_every_promise() {
    let Some(root) = shared_corpus() else {
        return;
    };
    let (applied, problems) = fix_corpus_copy(&root);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(applied >= 20, "only {applied} fixes applied");
    eprintln!("{applied} fixes applied to the shared corpus");
}

/// `docker compose config -q` of the project made of `files`: None when Compose accepts it
/// (exit 0, nothing on stderr), else what it said. Run in an empty environment, as the
/// library reads none.
fn compose_refuses(compose: &Path, files: &[PathBuf]) -> Option<String> {
    let dir = files[0].parent().unwrap();
    let mut command = std::process::Command::new(compose);
    for f in files {
        command.arg("-f").arg(f);
    }
    let out = command
        .arg("--project-directory")
        .arg(dir)
        .args(["config", "-q"])
        .current_dir(dir)
        .env_clear()
        .env("HOME", "/tmp")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", compose.display()));
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    (!out.status.success() || !stderr.is_empty()).then(|| format!("{}: {stderr}", out.status))
}

#[test]
fn docker_compose_accepts_every_project_the_fixture_fixes_rewrite() {
    let Some(compose) = oracle() else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let copy = tempfile::tempdir().unwrap();
    // The rule fixtures (fixtures/<CODE>/<case>/), not the corpus or the hostile inputs.
    for rule in std::fs::read_dir(&root).unwrap() {
        let rule = rule.unwrap().path();
        let name = rule.file_name().unwrap().to_string_lossy().into_owned();
        if rule.is_dir() && name.starts_with(|c: char| c.is_ascii_uppercase()) {
            copy_tree(&rule, &copy.path().join(&name));
        }
    }
    let settings = Settings {
        paths: vec![copy.path().to_path_buf()],
        ..Settings::default()
    };
    // Each project's compose files, and every file it reads.
    let projects: Vec<(Vec<PathBuf>, Vec<PathBuf>)> = lint(&OsFs, &settings)
        .unwrap()
        .iter()
        .map(|p| {
            let files = p.project.files.iter();
            (
                files.map(|&id| p.sources.get(id).path.clone()).collect(),
                p.sources.iter().map(|f| f.path.clone()).collect(),
            )
        })
        .collect();
    let run = fix(&OsFs, &settings, &FixOptions { unsafe_fixes: true }).unwrap();
    let changed: BTreeSet<&Path> = run.changes.iter().map(|c| c.path.as_path()).collect();
    // The projects a fix rewrote, and what Compose said of them before.
    let rewritten: Vec<(&Vec<PathBuf>, Option<String>)> = projects
        .iter()
        .filter(|(files, read)| {
            !files.is_empty() && read.iter().any(|f| changed.contains(f.as_path()))
        })
        .map(|(files, _)| (files, compose_refuses(&compose, files)))
        .collect();
    for c in &run.changes {
        replace_file(&c.path, &c.original, &c.fixed).unwrap();
    }
    let mut problems = Vec::new();
    for (files, before) in &rewritten {
        if before.is_none()
            && let Some(refusal) = compose_refuses(&compose, files)
        {
            problems.push(format!("{}: {refusal}", files[0].display()));
        }
    }
    assert!(
        rewritten.len() >= 20,
        "only {} projects rewritten",
        rewritten.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!(
        "{} projects rewritten by {} fixes, each accepted by Docker Compose",
        rewritten.len(),
        run.applied.len()
    );
}
