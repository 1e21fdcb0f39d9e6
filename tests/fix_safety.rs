//! Issue 18: files the fixer must not touch, or must keep as they are apart from their bytes
//! (items 5, 6, 7, 10 and 11). Some of these tests need root, to make files owned by another
//! user and to run composelint as one; elsewhere they say so and pass without checking.

// A test says what it skipped and why.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

mod common;
use common::{Run, SEED, run, run_as};

fn write(dir: &Path, rel: &str, bytes: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn fixed() -> String {
    SEED.replace("localhost", "ollama")
}

fn is_root() -> bool {
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid() == 0
}

/// The user tests run composelint as when they need someone other than root.
const NOBODY: u32 = 65534;

/// Runs composelint in `dir` as user and group `NOBODY`.
fn run_as_nobody(dir: &Path, args: &[&str]) -> Run {
    run_as(dir, args, Some(NOBODY))
}

/// A temporary directory that `NOBODY` owns.
fn nobodys_directory() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(dir.path(), Some(NOBODY), Some(NOBODY)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

// --- Item 6: permissions, ownership, hard links -------------------------------------------

#[test]
fn a_file_the_user_may_not_write_is_not_replaced_even_in_their_own_directory() {
    if !is_root() {
        eprintln!("skipped: needs root to run composelint as another user");
        return;
    }
    let dir = nobodys_directory();
    // Root's file, readable by all, writable by root only, in a directory nobody owns: the
    // directory would let nobody rename a new file over it.
    let path = write(dir.path(), "compose.yaml", SEED);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run_as_nobody(dir.path(), &["--fix"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("cannot write compose.yaml: permission denied"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Fixed 1 problem"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), SEED);
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.mode() & 0o777), (0, 0o644));
    // Nothing left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn root_fixing_a_users_private_file_leaves_it_the_users() {
    if !is_root() {
        eprintln!("skipped: needs root to own files as another user");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "compose.yaml", SEED);
    std::os::unix::fs::chown(&path, Some(1000), Some(1001)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed());
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (1000, 1001, 0o600)
    );
}

#[test]
fn a_user_fixing_a_group_writable_file_of_someone_else_keeps_its_owner() {
    if !is_root() {
        eprintln!("skipped: needs root to run composelint as another user");
        return;
    }
    let dir = nobodys_directory();
    let path = write(dir.path(), "compose.yaml", SEED);
    // Owned by uid 1000, writable by nobody's group: nobody may write it, but not make a
    // file in uid 1000's name, so it must be written in place.
    std::os::unix::fs::chown(&path, Some(1000), Some(NOBODY)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    let out = run_as_nobody(dir.path(), &["--fix"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed());
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o777),
        (1000, NOBODY, 0o664)
    );
}

#[test]
fn hard_links_are_not_split() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "app/compose.yaml", SEED);
    let other = dir.path().join("keep/stack-copy.yml");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::hard_link(&path, &other).unwrap();
    let out = run(&dir.path().join("app"), &["--fix"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed());
    assert_eq!(std::fs::read_to_string(&other).unwrap(), fixed());
    let (a, b) = (
        std::fs::metadata(&path).unwrap(),
        std::fs::metadata(&other).unwrap(),
    );
    assert_eq!((a.ino(), a.nlink()), (b.ino(), 2));
}

// --- Item 7: nothing is written until the report can be produced --------------------------

#[test]
fn a_report_that_cannot_be_written_leaves_the_files_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "compose.yaml", SEED);
    // The report's directory would have to be made where a file is.
    write(dir.path(), "reports", "not a directory\n");
    let out = run(
        dir.path(),
        &["--fix", "--output-file", "reports/composelint.txt"],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("reports"), "{}", out.stderr);
    assert!(!out.stderr.contains("Fixed"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), SEED);
}

// --- Item 10: the summary says what really happened -----------------------------------------

#[test]
fn a_summary_after_a_failed_write_claims_no_fix() {
    let dir = tempfile::tempdir().unwrap();
    let locked = write(dir.path(), "compose.yaml", SEED);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("Fixed nothing: the 1 changed file could not be written."),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Fixed 1 problem"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), SEED);
}

// --- Item 5: outside the repository, and files no project reads -----------------------------

fn git_init(dir: &Path) {
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success());
}

#[test]
fn an_env_file_in_a_repository_never_fixes_a_project_above_it() {
    let outer = tempfile::tempdir().unwrap();
    // A project in the parent directory, outside the repository.
    let above = write(outer.path(), "compose.yaml", SEED);
    write(outer.path(), ".env", "A=1\n");
    let repo = outer.path().join("repo");
    write(&repo, "frontend/.env", "PORT=3000\n");
    git_init(&repo);
    let out = run(&repo, &["--fix", "frontend/.env"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("frontend/.env: no compose project"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Fixed"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&above).unwrap(), SEED);

    // A project at the repository's root that does not read `frontend/.env` is not fixed
    // for it either.
    let root = write(&repo, "compose.yaml", SEED);
    let out = run(&repo, &["--fix", "frontend/.env"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains("Fixed"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&root).unwrap(), SEED);
    // Its own `.env` is its: a change to it re-lints and fixes it.
    write(&repo, ".env", "B=1\n");
    let out = run(&repo, &["--fix", ".env"]);
    assert!(
        out.stderr.contains("Fixed 1 problem in 1 file."),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&root).unwrap(), fixed());
    assert_eq!(std::fs::read_to_string(&above).unwrap(), SEED);
}

// --- Item 11: one directory under two names, and patches for files elsewhere ----------------

#[test]
fn a_directory_and_a_symlink_to_it_are_linted_and_fixed_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a/compose.yaml", SEED);
    std::os::unix::fs::symlink("a", dir.path().join("alias")).unwrap();
    let check = run(dir.path(), &["a", "alias", "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(findings.len(), 1, "{}", check.stdout);
    let out = run(dir.path(), &["--fix", "a", "alias"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("Fixed 1 problem in 1 file."),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("error"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed());
}

/// Runs `program` in `dir` with `stdin` as its input: whether it succeeded, and what it said.
fn run_tool(dir: &Path, program: &str, args: &[&str], stdin: &Path) -> (bool, String) {
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(std::fs::File::open(stdin).unwrap())
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_diff_for_a_file_outside_the_working_directory_applies_with_git_and_patch() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "x/compose.yaml", SEED);
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let out = run(&work, &["--diff", "../x"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains(".."), "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("--- a/x/compose.yaml\n+++ b/x/compose.yaml\n"),
        "{}",
        out.stdout
    );
    // Where to apply it is said.
    let base = std::fs::canonicalize(dir.path()).unwrap();
    assert!(
        out.stderr
            .contains(&format!("relative to {}", base.display())),
        "{}",
        out.stderr
    );
    let patch = dir.path().join("fix.patch");
    std::fs::write(&patch, &out.stdout).unwrap();
    git_init(dir.path());
    let (ok, said) = run_tool(dir.path(), "git", &["apply", "--check", "-"], &patch);
    assert!(ok, "git apply --check: {said}");
    let (ok, said) = run_tool(dir.path(), "patch", &["-p1", "--dry-run"], &patch);
    assert!(ok, "patch -p1 --dry-run: {said}");
    let (ok, said) = run_tool(dir.path(), "patch", &["-p1"], &patch);
    assert!(ok, "patch -p1: {said}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed());
}
