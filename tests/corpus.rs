//! Loads and lints every real project of the corpus: no panic, no CMP001 (they are all valid
//! compose files), and `config` renders each.
//!
//! The redistributable part of the corpus is in `fixtures/corpus` and always tested. The whole
//! shared corpus (`../shared/corpus`) is tested where it exists; with
//! `COMPOSELINT_REQUIRE_SHARED_CORPUS=1` (set by `.ci/run`) its absence is a failure.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use composelint::compose::load::LoadOptions;
use composelint::fs::OsFs;
use composelint::{Settings, compose, lint};

mod common;
use common::shared_corpus;

/// Every `<kind>/<owner>__<repo>` directory under a corpus root.
fn repositories(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for kind in ["ollama", "general"] {
        let Ok(entries) = std::fs::read_dir(root.join(kind)) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Problems found, one line each.
fn check_corpus(root: &Path) -> (usize, Vec<String>) {
    let mut problems = Vec::new();
    let mut projects_seen = 0;
    for repo in repositories(root) {
        let settings = Settings {
            paths: vec![repo.clone()],
            load: LoadOptions {
                keep_merged: true,
                ..LoadOptions::default()
            },
            ..Settings::default()
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let projects = lint(&OsFs, &settings).map_err(|e| e.to_string())?;
            let mut found = Vec::new();
            for p in &projects {
                for d in p.diagnostics.iter().filter(|d| d.code == "CMP001") {
                    let place = d
                        .primary
                        .map(|s| {
                            let f = p.sources.get(s.file);
                            format!("{}:{}", f.path.display(), f.line_col(s.start).line)
                        })
                        .unwrap_or_default();
                    found.push(format!("CMP001 {place}: {:?}", d.message));
                }
                compose::config::render(&p.project)
                    .map_err(|e| format!("{}: config: {e}", repo.display()))?;
            }
            Ok::<_, String>((projects.len(), found))
        }));
        match outcome {
            Ok(Ok((n, found))) => {
                projects_seen += n;
                problems.extend(found);
            }
            Ok(Err(e)) => problems.push(format!("{}: {e}", repo.display())),
            Err(_) => problems.push(format!("{}: panicked", repo.display())),
        }
    }
    (projects_seen, problems)
}

#[test]
fn vendored_corpus_loads_without_syntax_errors_or_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    let (projects, problems) = check_corpus(&root);
    assert!(
        projects > 100,
        "only {projects} projects found under {}",
        root.display()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn shared_corpus_loads_without_syntax_errors_or_panics() {
    let Some(root) = shared_corpus() else {
        return;
    };
    let (projects, problems) = check_corpus(&root);
    assert!(
        projects > 200,
        "only {projects} projects found under {}",
        root.display()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
