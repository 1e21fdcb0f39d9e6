//! `composelint --fix`, `--diff` and `--fix-only` as users run them: what is written, what is
//! left alone, and the protections that keep a file from being damaged.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{copy_tree, run, shared_corpus};

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// An Open WebUI that calls `localhost` for an Ollama service of its project: one OLL001,
/// fixed safely by pointing at `ollama`. `{nl}` is the line ending.
fn broken(nl: &str) -> String {
    [
        "# Ollama and its web UI.",
        "services:",
        "  ollama:",
        "    image: ollama/ollama",
        "    volumes: [\"ollama:/root/.ollama\"]  # models survive",
        "  open-webui:",
        "    image: ghcr.io/open-webui/open-webui:main",
        "    environment:",
        "      # the UI calls Ollama here",
        "      OLLAMA_BASE_URL: 'http://localhost:11434'",
        "    depends_on: [ollama]",
        "volumes:",
        "  ollama: {}",
    ]
    .join(nl)
}

fn fixed(nl: &str) -> String {
    broken(nl).replace("localhost", "ollama")
}

#[test]
fn fix_edits_only_the_host_and_a_second_fix_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "compose.yaml",
        format!("{}\n", broken("\n")).as_bytes(),
    );
    let first = run(dir.path(), &["--fix"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    assert!(
        first.stderr.contains("Fixed 1 problem in 1 file."),
        "{}",
        first.stderr
    );
    assert!(
        first.stdout.contains("All checks passed"),
        "{}",
        first.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{}\n", fixed("\n"))
    );
    let second = run(dir.path(), &["--fix"]);
    assert_eq!(second.code, 0);
    assert!(!second.stderr.contains("Fixed"), "{}", second.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{}\n", fixed("\n"))
    );
}

#[test]
fn crlf_bom_and_a_missing_final_newline_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = write(
        dir.path(),
        "crlf/compose.yaml",
        format!("{}\r\n", broken("\r\n")).as_bytes(),
    );
    let bom = write(
        dir.path(),
        "bom/compose.yaml",
        format!("\u{feff}{}\n", broken("\n")).as_bytes(),
    );
    let bare = write(dir.path(), "bare/compose.yaml", broken("\n").as_bytes());
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        std::fs::read(&crlf).unwrap(),
        format!("{}\r\n", fixed("\r\n")).into_bytes()
    );
    assert_eq!(
        std::fs::read(&bom).unwrap(),
        format!("\u{feff}{}\n", fixed("\n")).into_bytes()
    );
    assert_eq!(std::fs::read(&bare).unwrap(), fixed("\n").into_bytes());
}

#[test]
fn a_symlinked_compose_file_stays_a_link_and_its_target_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(dir.path(), "shared/ollama.yaml", broken("\n").as_bytes());
    std::fs::create_dir(dir.path().join("app")).unwrap();
    let link = dir.path().join("app/compose.yaml");
    std::os::unix::fs::symlink("../shared/ollama.yaml", &link).unwrap();
    let out = run(&dir.path().join("app"), &["--fix"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), fixed("\n"));
}

#[test]
fn a_read_only_file_is_an_error_and_the_other_files_are_still_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let locked = write(dir.path(), "locked/compose.yaml", broken("\n").as_bytes());
    let open = write(dir.path(), "open/compose.yaml", broken("\n").as_bytes());
    let mut permissions = std::fs::metadata(&locked).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&locked, permissions).unwrap();
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("cannot write locked/compose.yaml: the file is read-only"),
        "{}",
        out.stderr
    );
    // Issue 18, item 10: the summary says what was written, not what was computed.
    assert!(
        out.stderr
            .contains("Fixed problems in 1 of 2 files; the fixes in the other 1 are not applied."),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Fixed 2 problems"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), broken("\n"));
    assert_eq!(std::fs::read_to_string(&open).unwrap(), fixed("\n"));
    // The report describes the disk: the locked file's finding is still there.
    assert!(out.stdout.contains("locked/compose.yaml"), "{}", out.stdout);
    assert!(!out.stdout.contains("open/compose.yaml"), "{}", out.stdout);
}

#[test]
fn a_file_with_a_syntax_error_is_never_written_nor_its_project_fixed() {
    let dir = tempfile::tempdir().unwrap();
    // One project: compose.yaml is fixable, its override does not parse.
    let base = write(dir.path(), "a/compose.yaml", broken("\n").as_bytes());
    let bad_override = "services:\n  open-webui:\n    environment: [unclosed\n";
    let override_path = write(
        dir.path(),
        "a/compose.override.yaml",
        bad_override.as_bytes(),
    );
    // Another project, fine apart from the fixable finding.
    let other = write(dir.path(), "b/compose.yaml", broken("\n").as_bytes());
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("CMP001"), "{}", out.stdout);
    assert_eq!(
        std::fs::read_to_string(&override_path).unwrap(),
        bad_override
    );
    assert_eq!(std::fs::read_to_string(&base).unwrap(), broken("\n"));
    assert_eq!(std::fs::read_to_string(&other).unwrap(), fixed("\n"));
}

/// A project beside the others whose finding (an undefined variable) nothing can fix.
fn unfixable_project(dir: &Path) {
    write(
        dir,
        "other/compose.yaml",
        b"services:\n  app:\n    image: example/app:${TAG}\n",
    );
}

/// `--fix-only` exits 0 whatever remains, as ruff's does since 0.0.265;
/// `--exit-non-zero-on-fix` makes it (and `--fix`) exit 1 when a file was changed.
#[test]
fn fix_only_prints_no_findings_and_exits_0_whatever_remains() {
    let dir = tempfile::tempdir().unwrap();
    let compose = write(dir.path(), "compose.yaml", broken("\n").as_bytes());
    unfixable_project(dir.path());
    let out = run(dir.path(), &["--fix-only"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "composelint: Fixed 1 problem in 1 file.\n");
    // Nothing left to fix: still 0, and it says so.
    let again = run(dir.path(), &["--fix-only"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, "");
    assert_eq!(again.stderr, "composelint: No problems fixed.\n");
    let quiet = run(dir.path(), &["--fix-only", "--quiet"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    // With --exit-non-zero-on-fix, a changed file is a failure, nothing changed is not.
    let unchanged = run(dir.path(), &["--fix-only", "--exit-non-zero-on-fix"]);
    assert_eq!(unchanged.code, 0, "{}", unchanged.stderr);
    std::fs::write(&compose, broken("\n")).unwrap();
    let changed = run(dir.path(), &["--fix-only", "--exit-non-zero-on-fix"]);
    assert_eq!(changed.code, 1, "{}", changed.stderr);
    assert_eq!(std::fs::read_to_string(&compose).unwrap(), fixed("\n"));
    std::fs::write(&compose, broken("\n")).unwrap();
    let zero = run(
        dir.path(),
        &["--fix-only", "--exit-non-zero-on-fix", "--exit-zero"],
    );
    assert_eq!(zero.code, 0, "{}", zero.stderr);
}

#[test]
fn fix_exits_by_what_remains_and_exit_non_zero_on_fix_by_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let compose = write(dir.path(), "compose.yaml", broken("\n").as_bytes());
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.code, 0, "nothing remains: {}{}", out.stdout, out.stderr);
    std::fs::write(&compose, broken("\n")).unwrap();
    let out = run(dir.path(), &["--fix", "--exit-non-zero-on-fix"]);
    assert_eq!(out.code, 1, "a file changed: {}{}", out.stdout, out.stderr);
    assert_eq!(std::fs::read_to_string(&compose).unwrap(), fixed("\n"));
    let out = run(dir.path(), &["--fix", "--exit-non-zero-on-fix"]);
    assert_eq!(out.code, 0, "nothing changed: {}{}", out.stdout, out.stderr);
    // Findings that remain still fail `--fix`, whether a file changed or not.
    unfixable_project(dir.path());
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
}

#[test]
fn check_marks_fixable_findings_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", broken("\n").as_bytes());
    // Open WebUI without a URL beside an Ollama service: OLL014, fixable only unsafely.
    write(
        dir.path(),
        "default/compose.yaml",
        b"services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"ollama:/root/.ollama\"]\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    depends_on: [ollama]\nvolumes:\n  ollama: {}\n",
    );
    let out = run(dir.path(), &["--format", "concise"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("compose.yaml:10:32: error OLL001 [*] "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("default/compose.yaml:5:3: error OLL014 [~] "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("1 fixable with --fix, 1 more with --unsafe-fixes.\n"),
        "{}",
        out.stdout
    );
    // With --unsafe-fixes, the safe fix is still one --fix alone applies (issue 19).
    let shown = run(dir.path(), &["--unsafe-fixes", "--format", "concise"]);
    assert!(
        shown
            .stdout
            .ends_with("1 fixable with --fix, 1 more with --fix --unsafe-fixes.\n"),
        "{}",
        shown.stdout
    );
    let only_safe = run(
        dir.path(),
        &["compose.yaml", "--unsafe-fixes", "--format", "concise"],
    );
    assert!(
        only_safe.stdout.ends_with("\n1 fixable with --fix.\n"),
        "{}",
        only_safe.stdout
    );
    let only_unsafe = run(dir.path(), &["default", "--format", "concise"]);
    assert!(
        only_unsafe
            .stdout
            .ends_with("\n1 fixable with --fix --unsafe-fixes.\n"),
        "{}",
        only_unsafe.stdout
    );
    // `--unsafe-fixes` alone writes nothing.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        broken("\n")
    );
    let human = run(dir.path(), &["--color", "never"]);
    assert!(
        human.stdout.contains("OLL001(loopback-in-container) [*]"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("[~] unsafe fix: "),
        "{}",
        human.stdout
    );
}

fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// `--diff --unsafe-fixes` applied with `git apply` to one copy of `sources` (name → tree)
/// gives exactly what `--fix --unsafe-fixes` writes to another, and nothing is left after.
fn diff_applies_like_fix(sources: &[(&str, PathBuf)]) {
    let work = tempfile::tempdir().unwrap();
    let patched = work.path().join("patched");
    let fixed = work.path().join("fixed");
    for dir in [&patched, &fixed] {
        for (name, source) in sources {
            copy_tree(source, &dir.join(name));
        }
    }
    let diff = run(&patched, &["--diff", "--unsafe-fixes"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    // --diff writes nothing.
    assert_eq!(tree(&patched), tree(&fixed));
    std::fs::write(work.path().join("fix.patch"), &diff.stdout).unwrap();
    git(&patched, &["init", "-q"]);
    git(&patched, &["apply", "../fix.patch"]);
    let out = run(&fixed, &["--fix", "--unsafe-fixes", "--fix-only"]);
    assert!(out.stderr.contains("Fixed "), "{}", out.stderr);
    assert!(!out.stderr.contains("internal error"), "{}", out.stderr);
    assert_eq!(tree(&patched), tree(&fixed));
    let again = run(&fixed, &["--diff", "--unsafe-fixes"]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert_eq!(again.stdout, "");
}

/// Over the demo and the vendored corpus, so structural edits are in the patch too.
#[test]
fn the_diff_applied_with_git_apply_equals_what_fix_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    diff_applies_like_fix(&[("demo", root.join("demo")), ("corpus", root.join("corpus"))]);
}

/// Over the whole shared corpus where it exists (required by `.ci/run`).
#[test]
fn the_diff_of_the_shared_corpus_applies_like_fix() {
    if let Some(root) = shared_corpus() {
        diff_applies_like_fix(&[("corpus", root)]);
    }
}

/// One `.env` value read by two services: `open-webui` (own network: needs `ollama`) and
/// `n8n` (host network). `ports` decides what `n8n` needs.
fn shared_value_project(dir: &Path, ports: &str) {
    write(
        dir,
        "compose.yaml",
        format!(
            "services:\n  ollama:\n    image: ollama/ollama\n    ports: [\"{ports}\"]\n    volumes: [\"ollama:/root/.ollama\"]\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: ${{OLLAMA_URL}}\n    depends_on: [ollama]\n  n8n:\n    image: n8nio/n8n\n    network_mode: host\n    environment:\n      OLLAMA_HOST: ${{OLLAMA_URL}}\nvolumes:\n  ollama: {{}}\n"
        )
        .as_bytes(),
    );
    write(dir, ".env", b"OLLAMA_URL=http://localhost:11434\n");
}

#[test]
fn a_shared_env_value_that_services_need_changed_differently_gets_no_fix() {
    let dir = tempfile::tempdir().unwrap();
    // Published on 11435: `open-webui` needs the host `ollama`, `n8n` the port 11435. Both
    // edits together would give `http://ollama:11435`, wrong for both.
    shared_value_project(dir.path(), "11435:11434");
    let out = run(dir.path(), &["--color", "never"]);
    assert!(out.stdout.contains("OLL001"), "{}", out.stdout);
    assert!(out.stdout.contains("OLL009"), "{}", out.stdout);
    assert!(!out.stdout.contains("[*]"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("No fix is offered: the text at .env:1 is used by `n8n` and `open-webui`"),
        "{}",
        out.stdout
    );
    let fixed = run(dir.path(), &["--fix", "--unsafe-fixes"]);
    assert_eq!(fixed.code, 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        "OLLAMA_URL=http://localhost:11434\n"
    );
}

#[test]
fn a_shared_env_value_that_works_for_another_service_is_not_changed() {
    let dir = tempfile::tempdir().unwrap();
    // Published on 11434: `localhost:11434` is right for `n8n` on the host network.
    shared_value_project(dir.path(), "11434:11434");
    let out = run(dir.path(), &["--color", "never", "--format", "concise"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(".env:1:19: error OLL001 `"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("OLL009"), "{}", out.stdout);
    let human = run(dir.path(), &["--color", "never"]);
    assert!(
        human
            .stdout
            .contains("No fix is offered: the text at .env:1 is also used by `n8n`"),
        "{}",
        human.stdout
    );
    run(dir.path(), &["--fix", "--unsafe-fixes"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        "OLLAMA_URL=http://localhost:11434\n"
    );
}

#[test]
fn env_file_values_are_fixed_inside_their_quotes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        b"services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"ollama:/root/.ollama\"]\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    env_file: [webui.env]\n    environment:\n      OLLAMA_BASE_URL: ${OLLAMA_URL}\n    depends_on: [ollama]\n  n8n:\n    image: n8nio/n8n\n    environment:\n      OLLAMA_HOST: ${N8N_OLLAMA}\n    depends_on: [ollama]\nvolumes:\n  ollama: {}\n",
    );
    write(
        dir.path(),
        ".env",
        b"# quoted values\nOLLAMA_URL=\"http://localhost:11434\"   # the UI\nexport N8N_OLLAMA='http://127.0.0.1:11434'\n",
    );
    write(dir.path(), "webui.env", b"WEBUI_NAME=\"Local AI\"\n");
    let out = run(dir.path(), &["--fix"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        "# quoted values\nOLLAMA_URL=\"http://ollama:11434\"   # the UI\nexport N8N_OLLAMA='http://ollama:11434'\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("webui.env")).unwrap(),
        "WEBUI_NAME=\"Local AI\"\n"
    );
}

/// `--diff` exits 1 when there is a diff, like `git diff --exit-code`; `--exit-zero` makes it
/// 0, as for every other finding.
#[test]
fn exit_zero_holds_for_diff_too() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        format!("{}\n", broken("\n")).as_bytes(),
    );
    let diff = run(dir.path(), &["--diff"]);
    assert_eq!(diff.code, 1, "{}{}", diff.stdout, diff.stderr);
    assert!(
        diff.stdout
            .contains("+      OLLAMA_BASE_URL: 'http://ollama:11434'")
    );
    let zero = run(dir.path(), &["--diff", "--exit-zero"]);
    assert_eq!(zero.code, 0, "{}{}", zero.stdout, zero.stderr);
    assert_eq!(zero.stdout, diff.stdout);
}

/// `--show-fixes` (ruff's): what was fixed, per file and rule, after the summary line.
#[test]
fn show_fixes_lists_what_was_fixed_per_file_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    // Two services calling their own `localhost` (two OLL001) in one project, `https://` to
    // Ollama (OLL010) in another.
    let two = broken("\n").replace(
        "  open-webui:",
        "  n8n:\n    image: n8nio/n8n\n    environment:\n      OLLAMA_HOST: http://localhost:11434\n    depends_on: [ollama]\n  open-webui:",
    );
    write(dir.path(), "a/compose.yaml", two.as_bytes());
    let https = fixed("\n").replace("http://ollama", "https://ollama");
    write(dir.path(), "b/compose.yaml", https.as_bytes());
    let out = run(dir.path(), &["--fix", "--show-fixes"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stderr,
        "composelint: Fixed 3 problems in 2 files.\n\
         - a/compose.yaml:\n    2 × OLL001 (loopback-in-container)\n\
         - b/compose.yaml:\n    1 × OLL010 (wrong-scheme)\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b/compose.yaml")).unwrap(),
        fixed("\n")
    );
    // Nothing fixed, nothing listed; without the flag, no list.
    let again = run(dir.path(), &["--fix-only", "--show-fixes"]);
    assert_eq!(again.stderr, "composelint: No problems fixed.\n");
    write(dir.path(), "b/compose.yaml", https.as_bytes());
    let plain = run(dir.path(), &["--fix-only"]);
    assert_eq!(plain.stderr, "composelint: Fixed 1 problem in 1 file.\n");
}
