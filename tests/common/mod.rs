//! What several integration tests need: running the binary, copying a tree, and the shared
//! corpus, which `.ci/run` requires. Each test crate uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs composelint in `dir` without colour; a panic (exit 101) fails the test.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("composelint runs");
    let run = Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_ne!(run.code, 101, "composelint panicked:\n{}", run.stderr);
    run
}

/// Copies the regular files and directories of a tree (links are left out), writable, as a
/// fixer under test must be able to change them.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            copy_tree(&path, &target);
        } else if meta.is_file() {
            std::fs::copy(&path, &target).unwrap();
            let mut permissions = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            std::fs::set_permissions(&target, permissions).unwrap();
        }
    }
}

/// `../shared/corpus` beside the checkout, or None where it is absent — which is a failure
/// when `COMPOSELINT_REQUIRE_SHARED_CORPUS=1` (set by `.ci/run`).
pub fn shared_corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if root.is_dir() {
        return Some(root);
    }
    let required = std::env::var("COMPOSELINT_REQUIRE_SHARED_CORPUS").is_ok_and(|v| v == "1");
    assert!(!required, "{} is missing but required", root.display());
    eprintln!("skipped: {} not present", root.display());
    None
}
