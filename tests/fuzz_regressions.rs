//! Replays every input the fuzzers once failed on, through the very code the fuzz target runs
//! (`fuzz/src/lib.rs`): `fixtures/fuzz-regressions/<target>/<name>`.

#[path = "../fuzz/src/lib.rs"]
mod fuzz_checks;

use std::path::Path;

#[test]
fn every_saved_fuzz_finding_now_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz-regressions");
    for target in std::fs::read_dir(&root).unwrap() {
        let target = target.unwrap().path();
        if !target.is_dir() {
            continue;
        }
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        let run: fn(&[u8]) = match name.as_str() {
            "yaml_tree" => fuzz_checks::yaml_tree,
            "dotenv" => fuzz_checks::dotenv,
            "interpolate" => fuzz_checks::interpolate,
            "project" => fuzz_checks::project,
            "fix" => fuzz_checks::fix,
            other => panic!("no fuzz target {other}"),
        };
        let mut inputs: Vec<_> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        inputs.sort();
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} fails again", input.display());
        }
    }
}
