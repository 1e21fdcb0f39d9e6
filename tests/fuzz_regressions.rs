//! Replays every input the fuzzers once failed on, through the very code the fuzz target runs
//! (`fuzz/src/lib.rs`): `fixtures/fuzz-regressions/<target>/<name>` must pass.
//!
//! `fixtures/fuzz-regressions/open/<target>/<name>` are findings not fixed yet, kept so that
//! the fix has its test waiting: each must still fail, and once it passes it moves to
//! `fixtures/fuzz-regressions/<target>/`.

#[path = "../fuzz/src/lib.rs"]
mod fuzz_checks;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz-regressions")
}

/// What a fuzz target does with one input; panics when an invariant breaks.
type Check = fn(&[u8]);

/// The fuzz target of each directory of `dir`, with its inputs sorted.
fn inputs(dir: &Path) -> Vec<(Check, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for target in std::fs::read_dir(dir).unwrap() {
        let target = target.unwrap().path();
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        if !target.is_dir() || name == "open" {
            continue;
        }
        let run: Check = match name.as_str() {
            "yaml_tree" => fuzz_checks::yaml_tree,
            "dotenv" => fuzz_checks::dotenv,
            "interpolate" => fuzz_checks::interpolate,
            "project" => fuzz_checks::project,
            "fix" => fuzz_checks::fix,
            "secrets" => fuzz_checks::secrets,
            "commands" => fuzz_checks::commands,
            other => panic!("no fuzz target {other}"),
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (run, f)));
    }
    out
}

fn passes(run: Check, input: &Path) -> bool {
    let data = std::fs::read(input).unwrap();
    std::panic::catch_unwind(|| run(&data)).is_ok()
}

#[test]
fn every_saved_fuzz_finding_now_passes() {
    let inputs = inputs(&root());
    assert!(!inputs.is_empty(), "no saved fuzz findings found");
    for (run, input) in inputs {
        assert!(passes(run, &input), "{} fails again", input.display());
    }
}

#[test]
fn every_open_fuzz_finding_still_fails() {
    for (run, input) in inputs(&root().join("open")) {
        assert!(
            !passes(run, &input),
            "{} passes now: move it to fixtures/fuzz-regressions/<target>/",
            input.display()
        );
    }
}
