//! `composelint - --stdin-filename PATH` (for editors) with the built binary: the text on
//! standard input is linted as if written at PATH, with the `.env` and other files of that
//! directory read from disk, and the findings name PATH.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::SEED;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("composelint starts");
    let mut input = child.stdin.take().expect("stdin");
    // A run that fails on its arguments exits without reading: a closed pipe is no error.
    if let Err(e) = input.write_all(stdin.as_bytes()) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "stdin written: {e}"
        );
    }
    drop(input);
    let out = child.wait_with_output().expect("composelint ends");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_buffer_is_linted_at_the_stdin_filename_not_the_file_on_disk() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // The saved file is clean; the unsaved buffer is not.
    std::fs::write(
        dir.path().join("compose.yaml"),
        SEED.replace("localhost", "ollama"),
    )
    .expect("written");
    let r = run(
        dir.path(),
        &[
            "-",
            "--stdin-filename",
            "compose.yaml",
            "--format",
            "concise",
        ],
        SEED,
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // Line 8, column 31: `localhost` in `      OLLAMA_BASE_URL: http://localhost:11434`.
    assert!(
        r.stdout.starts_with("compose.yaml:8:31: error OLL001 "),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches("OLL001").count(), 1, "{}", r.stdout);

    // The saved file alone is clean.
    let r = run(dir.path(), &["--format", "concise"], "");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn the_env_file_beside_the_stdin_filename_is_read_from_disk() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sub = dir.path().join("stack");
    std::fs::create_dir(&sub).expect("created");
    std::fs::write(sub.join(".env"), "URL=http://localhost:11434\n").expect("written");
    let compose = SEED.replace("http://localhost:11434", "${URL}");
    let r = run(
        dir.path(),
        &[
            "-",
            "--stdin-filename",
            "stack/docker-compose.yml",
            "--format",
            "json",
        ],
        &compose,
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let findings: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 1, "{}", r.stdout);
    let f = &findings[0];
    assert_eq!(f["code"], "OLL001");
    // The host is written in `.env` (line 1, `localhost` from column 12); the compose line
    // that uses it is the buffer's, under the stdin filename.
    assert_eq!(f["location"]["file"], "stack/.env");
    assert_eq!(f["location"]["line"], 1);
    assert_eq!(f["location"]["column"], 12);
    assert_eq!(f["related"][0]["file"], "stack/docker-compose.yml");
    assert_eq!(f["related"][0]["line"], 8);
}

#[test]
fn a_clean_buffer_in_a_new_directory_passes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let r = run(
        dir.path(),
        &[
            "--stdin-filename",
            "new/compose.yaml",
            "--format",
            "concise",
        ],
        &SEED.replace("localhost", "ollama"),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("(1 project checked)"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(!dir.path().join("new").exists());
}

#[test]
fn a_dash_without_a_filename_is_compose_yaml_and_dash_f_reads_stdin_too() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let r = run(dir.path(), &["-", "--format", "concise"], SEED);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("compose.yaml:8:31: error OLL001 "),
        "{}",
        r.stdout
    );
    let r = run(
        dir.path(),
        &[
            "-f",
            "-",
            "--stdin-filename",
            "x/compose.yaml",
            "--format",
            "concise",
        ],
        SEED,
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("x/compose.yaml:8:31: error OLL001 "),
        "{}",
        r.stdout
    );
}

/// Issue 18, item 11: `--stdin-filename` means standard input, also when the editor passes
/// the file's own path (or when it is not compose-named): the buffer is linted, not the disk.
#[test]
fn the_stdin_filename_beside_its_own_path_still_reads_standard_input() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("stack.yaml"),
        SEED.replace("localhost", "ollama"),
    )
    .expect("written");
    for args in [
        &[
            "--stdin-filename",
            "stack.yaml",
            "stack.yaml",
            "--format",
            "concise",
        ][..],
        &["--stdin-filename", "stack.yaml", "--format", "concise"][..],
    ] {
        let r = run(dir.path(), args, SEED);
        assert_eq!(r.code, 1, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("stack.yaml:8:31: error OLL001"),
            "{}",
            r.stdout
        );
    }
    // Another path beside it: standard input would be left unread, which is an error.
    let r = run(
        dir.path(),
        &["--stdin-filename", "stack.yaml", "other.yaml"],
        SEED,
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--stdin-filename"), "{}", r.stderr);
}

/// Issue 19: `--fix` on standard input prints the fixed text on stdout, as ruff does, and
/// the report of what remains on stderr; nothing on disk changes.
#[test]
fn fix_on_standard_input_prints_the_fixed_text() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let on_disk = dir.path().join("compose.yaml");
    std::fs::write(&on_disk, "services: {}\n").expect("written");
    let fixed = SEED.replace("localhost", "ollama");
    let r = run(dir.path(), &["-", "--fix", "--format", "concise"], SEED);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, fixed);
    assert_eq!(
        r.stderr,
        "composelint: Fixed 1 problem.\nAll checks passed (1 project checked).\n"
    );
    assert_eq!(std::fs::read_to_string(&on_disk).unwrap(), "services: {}\n");
    // --fix-only: the text and the count, no report; 0 whatever remains.
    let unfixable = format!("{SEED}x-tag: ${{TAG}}\n");
    let r = run(dir.path(), &["-", "--fix-only"], &unfixable);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, format!("{fixed}x-tag: ${{TAG}}\n"));
    assert_eq!(r.stderr, "composelint: Fixed 1 problem.\n");
    // --fix with a finding left: it is reported on stderr, and the exit code says so.
    let r = run(
        dir.path(),
        &["-", "--fix", "--format", "concise"],
        &unfixable,
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, format!("{fixed}x-tag: ${{TAG}}\n"));
    assert!(r.stderr.contains(": warning CMP004 "), "{}", r.stderr);
    let r = run(dir.path(), &["-", "--fix-only", "--show-fixes"], SEED);
    assert_eq!(
        r.stderr,
        "composelint: Fixed 1 problem.\n- compose.yaml:\n    1 × OLL001 (loopback-in-container)\n"
    );
    // Nothing to fix: the text as it came.
    let r = run(dir.path(), &["-", "--fix"], &fixed);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, fixed.as_str()),
        "{}",
        r.stderr
    );
    // --diff reads standard input too, and writes nothing.
    let r = run(dir.path(), &["-", "--diff"], SEED);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("--- a/compose.yaml\n+++ b/compose.yaml\n")
            && r.stdout.contains("\n-      OLLAMA_BASE_URL: http://localhost:11434\n+      OLLAMA_BASE_URL: http://ollama:11434\n"),
        "{}",
        r.stdout
    );
    assert_eq!(std::fs::read_to_string(&on_disk).unwrap(), "services: {}\n");
}

/// A fix that would change a file on disk (the `.env` beside the buffer) is not half applied:
/// the text comes back as it came, and stderr says why.
#[test]
fn fix_on_standard_input_leaves_files_on_disk_alone() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let env = dir.path().join(".env");
    std::fs::write(&env, "URL=http://localhost:11434\n").expect("written");
    let buffer = SEED.replace("http://localhost:11434", "${URL}");
    let r = run(dir.path(), &["-", "--fix", "--format", "concise"], &buffer);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, buffer);
    assert!(
        r.stderr.contains(
            "composelint: warning: the fixes would also change .env, which standard input does not stand for; nothing is fixed"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(".env:1:12: error OLL001 [*] "),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&env).unwrap(),
        "URL=http://localhost:11434\n"
    );
}
