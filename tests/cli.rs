//! The binary as users meet it: exit codes, output formats, bad input that must never panic
//! or hang.

mod common;
use common::{Run, run_with_env, run_within as run};

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

fn json_findings(run: &Run) -> Vec<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
        .as_array()
        .unwrap()
        .clone()
}

fn codes(run: &Run) -> Vec<String> {
    json_findings(run)
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_missing_path_exits_2_with_one_line() {
    let dir = project(&[]);
    let r = run(dir.path(), &["does-not-exist"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("does-not-exist"));
}

/// Nothing to lint is never a silent pass (issue 19): ruff warns ("No Python files found under
/// the given path(s)") but exits 0; we warn and exit 2, as for a path that does not exist,
/// and print no "All checks passed" on stdout.
#[test]
fn a_directory_with_nothing_to_lint_warns_and_exits_2() {
    let dir = project(&[("empty/README.txt", b"no compose here\n")]);
    for args in [&["empty"][..], &["empty", "--format", "json"]] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr
                .starts_with("composelint: warning: empty: no compose file")
                && r.stderr.trim_end().ends_with("nothing to lint"),
            "{}",
            r.stderr
        );
        assert_eq!(r.stdout, "", "nothing is reported as passed");
    }
    // The working directory, when no path is given.
    let r = run(&dir.path().join("empty"), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: .: no compose file"),
        "{}",
        r.stderr
    );
    // A directory with nothing, beside one with a project: the project is linted, and the
    // run still fails.
    let both = project(&[
        ("empty/.keep", b""),
        ("app/compose.yaml", b"services:\n  app:\n    image: app\n"),
    ]);
    let r = run(both.path(), &["empty", "app"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("All checks passed (1 project checked)"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("empty: no compose file"), "{}", r.stderr);
}

#[test]
fn a_bad_argument_exits_2() {
    let dir = project(&[]);
    assert_eq!(run(dir.path(), &["--no-such-flag"]).code, 2);
    assert_eq!(run(dir.path(), &["-e", "NOEQUALS"]).code, 2);
}

#[test]
fn a_clean_project_exits_0_and_says_so() {
    let dir = project(&[(
        "compose.yaml",
        b"services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"./ollama:/root/.ollama\"]\n",
    )]);
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("All checks passed"), "{}", r.stdout);
}

#[test]
fn findings_exit_1_with_source_annotated_output() {
    let dir = project(&[(
        "compose.yaml",
        b"services:\n  app:\n    image: app\n    environment:\n      URL: ${MISSING}\n",
    )]);
    let r = run(dir.path(), &["--color", "never"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("CMP004"), "{}", r.stdout);
    assert!(r.stdout.contains("compose.yaml:5:12"), "{}", r.stdout);
    assert!(
        r.stdout.contains("URL: ${MISSING}"),
        "the source line is shown:\n{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Found 1 problem (1 warning)"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains('\u{1b}'),
        "no colour when asked for none"
    );
}

/// ruff users type `--output-format`; it is `--format` by another name, not a typo of
/// `--output-file`.
#[test]
fn output_format_is_an_alias_of_format() {
    let dir = project(&[(
        "compose.yaml",
        b"services:\n  app:\n    image: app\n    environment:\n      URL: ${MISSING}\n",
    )]);
    let by_format = run(dir.path(), &["--format", "json"]);
    let r = run(dir.path(), &["--output-format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(codes(&r), vec!["CMP004"]);
    assert_eq!(r.stdout, by_format.stdout);
    let r = run(dir.path(), &["check", "--output-format=concise"]);
    assert!(r.stdout.starts_with("compose.yaml:5:12: "), "{}", r.stdout);
    // Given twice under its two names, it is one flag given twice.
    let r = run(
        dir.path(),
        &["--format", "json", "--output-format", "sarif"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn json_columns_count_characters_after_non_ascii_text() {
    // `é` and `ü` take two bytes each; the finding's column must count characters.
    let dir = project(&[(
        "compose.yaml",
        "# Café für alle\nservices:\n  app:\n    image: app\n    environment:\n      TITRE: \"Déjà vu ${MISSING}\"\n"
            .as_bytes(),
    )]);
    let r = run(dir.path(), &["--format", "json"]);
    let findings = json_findings(&r);
    assert_eq!(findings.len(), 1, "{}", r.stdout);
    let loc = &findings[0]["location"];
    assert_eq!(loc["file"], "compose.yaml");
    assert_eq!(loc["line"], 6);
    // `      TITRE: "Déjà vu ` is 6 + 6 + 1 + 1 + 4 + 1 + 2 + 1 = 22 characters (26 bytes), so
    // `${MISSING}` (10 characters) spans columns 23 to 33.
    assert_eq!(loc["column"], 23);
    assert_eq!(loc["end_column"], 33);
    assert_eq!(findings[0]["rule"], "undefined-variable");
    assert_eq!(findings[0]["severity"], "warning");
}

#[test]
fn a_value_from_dotenv_is_located_in_dotenv() {
    let dir = project(&[
        (
            "compose.yaml",
            b"services:\n  app:\n    image: app\n    ports:\n      - \"${PORT}:80\"\n",
        ),
        (".env", b"# the port\nPORT=99999\n"),
    ]);
    let r = run(dir.path(), &["--format", "json"]);
    let findings = json_findings(&r);
    assert_eq!(codes(&r), vec!["CMP003"], "{}", r.stdout);
    // The wrong text is the port in .env; the compose line that uses it is related.
    assert_eq!(findings[0]["location"]["file"], ".env");
    assert_eq!(findings[0]["location"]["line"], 2);
    assert_eq!(findings[0]["location"]["column"], 6);
    assert_eq!(findings[0]["related"][0]["file"], "compose.yaml");
    assert_eq!(findings[0]["related"][0]["line"], 5);
    assert!(findings[0]["message"].as_str().unwrap().contains("99999"));
}

/// A second location in another file is drawn under a label that says what it is, not
/// miette's "Advice: " (with its trailing space).
#[test]
fn a_related_location_in_another_file_is_labelled_as_such() {
    let dir = project(&[
        (
            "compose.yaml",
            b"services:\n  app:\n    image: app\n    ports:\n      - \"${PORT}:80\"\n",
        ),
        (".env", b"PORT=99999\n"),
    ]);
    let r = run(dir.path(), &["--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == "Related location:")
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(lines[at + 1].starts_with("  ☞ "), "{}", r.stdout);
    assert!(lines[at + 2].contains("─[compose.yaml:5:"), "{}", r.stdout);
    assert!(!r.stdout.contains("Advice"), "{}", r.stdout);
    assert!(!lines.iter().any(|l| l.ends_with(": ")), "{}", r.stdout);
}

/// Hostile inputs (alias bombs, deep nesting, invalid UTF-8, NUL bytes, FIFOs, …) are cases
/// of `tests/hostile.rs`; these are the plainly broken files.
#[test]
fn bad_input_yields_a_diagnostic_never_a_panic_or_a_hang() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("invalid YAML", b"services:\n  a: [\n".to_vec(), "CMP001"),
        ("non-mapping root", b"- a\n- b\n".to_vec(), "CMP003"),
        ("scalar root", b"just a string\n".to_vec(), "CMP003"),
    ];
    for (what, contents, code) in cases {
        let dir = project(&[("compose.yaml", &contents)]);
        let r = run(dir.path(), &["--format", "json"]);
        assert_eq!(r.code, 1, "{what}: {}{}", r.stdout, r.stderr);
        assert!(
            codes(&r).contains(&code.to_string()),
            "{what}: {}",
            r.stdout
        );
    }
    // Compose refuses a project with nothing in it (`empty compose file`): an empty file,
    // comments alone, `{}`, or only the obsolete `version`.
    for contents in [&b""[..], b"# nothing yet\n", b"{}\n", b"version: '3'\n"] {
        let empty = project(&[("compose.yaml", contents)]);
        let r = run(empty.path(), &["--format", "json"]);
        assert_eq!(r.code, 1, "an empty project is refused: {}", r.stdout);
        assert_eq!(codes(&r), vec!["CMP003"], "{}", r.stdout);
    }
}

#[test]
fn a_broken_file_does_not_stop_other_projects() {
    let dir = project(&[
        ("a/compose.yaml", b"services: [\n"),
        (
            "b/compose.yaml",
            b"services:\n  s:\n    image: s\n    depends_on: [nope]\n",
        ),
    ]);
    let r = run(dir.path(), &["--format", "json"]);
    let mut c = codes(&r);
    c.sort();
    assert_eq!(c, vec!["CMP001", "CMP009"], "{}", r.stdout);
}

#[test]
fn config_prints_the_resolved_project() {
    let dir = project(&[
        (
            "compose.yaml",
            b"name: demo\nservices:\n  webui:\n    image: ghcr.io/open-webui/open-webui:${TAG:-main}\n    ports: [\"3000:8080\"]\n    environment:\n      - OLLAMA_BASE_URL=${URL}\n      - BARE\n    env_file: webui.env\n",
        ),
        (".env", b"URL=http://ollama:11434\n"),
        ("webui.env", b"FROM_FILE=1\nOLLAMA_BASE_URL=overridden-by-environment\n"),
    ]);
    let r = run(dir.path(), &["config", "-e", "TAG=v1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["name"], "demo");
    let webui = &v["services"]["webui"];
    assert_eq!(webui["image"], "ghcr.io/open-webui/open-webui:v1");
    assert_eq!(
        webui["environment"]["OLLAMA_BASE_URL"],
        "http://ollama:11434"
    );
    assert_eq!(webui["environment"]["FROM_FILE"], "1");
    assert!(webui["environment"]["BARE"].is_null());
    assert_eq!(webui["ports"][0]["target"], 8080);
    assert_eq!(webui["ports"][0]["published"], "3000");
}

#[test]
fn config_fails_like_compose_when_the_project_cannot_load() {
    let dir = project(&[(
        "compose.yaml",
        b"services:\n  app:\n    image: ${IMAGE:?image is required}\n",
    )]);
    let r = run(dir.path(), &["config"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty(), "nothing on stdout: {}", r.stdout);
    assert!(r.stderr.contains("CMP006"), "{}", r.stderr);
    let ok = run(dir.path(), &["config", "-e", "IMAGE=x"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

#[test]
fn rules_and_rule_pages() {
    let dir = project(&[]);
    let r = run(dir.path(), &["rules"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("CMP011"));
    let r = run(dir.path(), &["rule", "CMP004"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("## Why is this bad?"));
    assert_eq!(run(dir.path(), &["rule", "XYZ999"]).code, 2);
}

#[test]
fn a_template_stands_in_for_a_missing_dotenv_and_says_so_once() {
    let dir = project(&[
        (
            "compose.yaml",
            b"services:\n  app:\n    image: app\n    environment:\n      A: ${A}\n      B: ${B}\n",
        ),
        (".env.example", b"A=1\nB=2\n"),
    ]);
    // A finding of its own (information), so every format carries it.
    let r = run(dir.path(), &["--format", "concise"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        r.stdout
            .matches(".env.example:1:1: info CMP019 `.env` does not exist; its template `.env.example` is read in its place")
            .count(),
        1,
        "{}",
        r.stdout
    );
}

#[test]
fn the_process_environment_is_read_only_when_asked() {
    let dir = project(&[(
        "compose.yaml",
        b"services:\n  app:\n    image: app\n    environment:\n      A: ${FROM_SHELL}\n",
    )]);
    let env = [("FROM_SHELL", "x")];
    let r = run_with_env(dir.path(), &["--format", "json"], &env);
    assert_eq!(
        codes(&r),
        vec!["CMP004"],
        "deterministic by default: {}",
        r.stdout
    );
    let r = run_with_env(dir.path(), &["--format", "json", "--process-env"], &env);
    assert!(codes(&r).is_empty(), "{}", r.stdout);
    // COMPOSE_FILE names the files, as for Compose.
    std::fs::write(
        dir.path().join("other.yaml"),
        "services:\n  o:\n    image: o\n    depends_on: [nope]\n",
    )
    .unwrap();
    let r = run_with_env(
        dir.path(),
        &["--format", "json", "--process-env"],
        &[("COMPOSE_FILE", "other.yaml")],
    );
    assert_eq!(codes(&r), vec!["CMP009"], "{}", r.stdout);
}

/// A file named on the command line is a compose file whatever its name, as for `docker
/// compose -f` (issue 11): `deploy/stack.yml` is linted, not skipped.
#[test]
fn a_file_named_explicitly_is_linted_as_a_compose_file() {
    let dir = project(&[(
        "deploy/stack.yml",
        b"services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"models:/root/.ollama\"]\n",
    )]);
    let r = run(dir.path(), &["--format", "json", "deploy/stack.yml"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(codes(&r), vec!["CMP015"], "{}", r.stdout);
    assert_eq!(json_findings(&r)[0]["location"]["file"], "deploy/stack.yml");
}

/// A path that holds no compose project is a failed run (exit 2) with a warning, for `check`
/// and `config` alike, not "All checks passed (0 projects checked)".
#[test]
fn a_directory_without_compose_files_exits_2_with_a_warning() {
    let dir = project(&[("docs/README.md", b"# docs\n"), ("app/.env", b"A=1\n")]);
    for args in [
        &["docs"][..],
        &["--format", "json", "docs"],
        &["config", "docs"],
        &[],
    ] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(
            r.stderr.contains("warning") && r.stderr.contains("no compose file"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

/// pre-commit passes every changed `.env`/`*.env` (the hook's `files:` pattern); one that no
/// compose project reads (a Node app's `.env`) gets a warning but must not fail the hook.
#[test]
fn an_env_file_of_no_project_warns_and_exits_0() {
    let dir = project(&[
        ("web/.env", b"PORT=3000\n"),
        (
            "stack/compose.yaml",
            b"services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"./m:/root/.ollama\"]\n",
        ),
    ]);
    let r = run(dir.path(), &["web/.env", "stack/compose.yaml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("web/.env"), "{}", r.stderr);
    let r = run(dir.path(), &["web/.env"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // `config` has nothing to print for it: that is a failure.
    assert_eq!(run(dir.path(), &["config", "web/.env"]).code, 2);
}

/// pre-commit passes every changed script and Markdown document too: each is linted when the
/// run reads its kind (`sources`, `--sources`), and one that is not read, or holds no Docker
/// command, passes quietly.
#[test]
fn scripts_and_documents_are_linted_by_kind() {
    let script = b"docker network create llm\ndocker run -d --network llm --name ollama ollama/ollama\ndocker run -d --network llm -e OLLAMA_BASE_URL=http://localhost:11434 --name webui ghcr.io/open-webui/open-webui:main\n";
    let mut document = b"# Setup\n\n```sh\n".to_vec();
    document.extend_from_slice(script);
    document.extend_from_slice(b"```\n");
    let dir = project(&[
        ("run.sh", script),
        ("docs/setup.md", &document),
        ("docs/notes.md", b"# Notes\n\nNothing to run.\n"),
    ]);
    let all = [
        "--format",
        "json",
        "run.sh",
        "docs/setup.md",
        "docs/notes.md",
    ];
    let r = run(dir.path(), &all);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(codes(&r), ["OLL001", "OLL001"]);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let r = run(dir.path(), &["docs/notes.md"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    let r = run(dir.path(), &[&["--sources", "shell"][..], &all].concat());
    assert_eq!(codes(&r), ["OLL001"]);
    assert!(json_findings(&r)[0]["location"]["file"] == "run.sh");
    let r = run(dir.path(), &[&["--sources", "none"][..], &all].concat());
    assert_eq!(
        (r.code, codes(&r).len()),
        (0, 0),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    // The configuration's `sources`, which `--sources` replaces.
    std::fs::write(
        dir.path().join(".composelint.yaml"),
        "sources: {shell: false}\n",
    )
    .unwrap();
    assert_eq!(codes(&run(dir.path(), &all)), ["OLL001"]);
    let r = run(
        dir.path(),
        &[&["--sources", "shell,markdown"][..], &all].concat(),
    );
    assert_eq!(codes(&r), ["OLL001", "OLL001"]);
    assert_eq!(run(dir.path(), &["--sources", "bash"]).code, 2);
}

/// Compose loads only the first default file of a directory and warns; composelint lints
/// that one and reports the other, also when pre-commit passes only the ignored file.
#[test]
fn an_ignored_default_file_is_reported_not_linted() {
    let dir = project(&[
        (
            "compose.yaml",
            b"services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"./m:/root/.ollama\"]\n",
        ),
        // Broken, but Compose never reads it: only CMP016 is reported.
        ("docker-compose.yml", b"services:\n  old:\n    depends_on: [gone]\n"),
    ]);
    for args in [
        &["--format", "json"][..],
        &["--format", "json", "docker-compose.yml"],
    ] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "{args:?}: {}{}", r.stdout, r.stderr);
        let findings = json_findings(&r);
        assert_eq!(codes(&r), vec!["CMP016"], "{args:?}: {}", r.stdout);
        assert_eq!(findings[0]["severity"], "warning");
        assert_eq!(findings[0]["location"]["file"], "docker-compose.yml");
    }
    // With -f the file is loaded as named, as Compose does.
    let r = run(
        dir.path(),
        &["--format", "json", "-f", "docker-compose.yml"],
    );
    let mut c = codes(&r);
    c.sort();
    assert_eq!(c, vec!["CMP009", "CMP013"], "{}", r.stdout);
    // A file kept on purpose is silenced by `exclude`.
    std::fs::write(
        dir.path().join(".composelint.yaml"),
        "exclude: [docker-compose.yml]\n",
    )
    .unwrap();
    let r = run(dir.path(), &["--format", "json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(codes(&r).is_empty(), "{}", r.stdout);
}

/// `config` refuses what Compose refuses, even when it is found in the model rather than
/// while loading: nothing on stdout, exit 1. One project per rule of
/// `rules::REFUSED_BY_COMPOSE`, each refused by Docker Compose v2.40.3.
#[test]
fn config_refuses_what_compose_refuses_in_the_model() {
    let service = "services:\n  s:\n    image: x\n";
    let cases = [
        ("CMP009", format!("{service}    depends_on: [t]\n")),
        ("CMP010", format!("{service}    networks: [n]\n")),
        (
            "CMP013",
            "services:\n  s:\n    environment: [A=1]\n".to_string(),
        ),
        ("CMP014", format!("{service}    depends_on: [s]\n")),
        ("CMP015", format!("{service}    volumes: [\"data:/v\"]\n")),
        (
            "CMP017",
            format!("{service}    container_name: app\n    scale: 2\n"),
        ),
        ("CMP018", format!("{service}    secrets: [k]\n")),
    ];
    assert_eq!(
        cases.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        composelint::rules::REFUSED_BY_COMPOSE
    );
    for (code, text) in cases {
        let dir = project(&[("compose.yaml", text.as_bytes())]);
        let r = run(dir.path(), &["config"]);
        assert_eq!(r.code, 1, "{code}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.is_empty(), "{code}: {}", r.stdout);
        assert!(r.stderr.contains(code), "{code}: {}", r.stderr);
    }
}

/// Overlay projects share their base file: a finding in it is shown once, and says which
/// projects (each as its compose files) it holds in.
#[test]
fn a_finding_in_a_shared_base_file_is_shown_once_naming_its_projects() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "compose.yaml",
        "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [models:/root/.ollama]\n  web:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://localhost:11434\n    depends_on: [ollama]\nvolumes:\n  models: {}\n",
    );
    // Two overlays that only amend the base: each forms a project with it, beside the base
    // alone.
    write(
        "compose.gpu.yaml",
        "services:\n  ollama:\n    runtime: nvidia\n",
    );
    write(
        "compose.debug.yaml",
        "services:\n  web:\n    environment:\n      DEBUG: \"1\"\n",
    );
    let r = run(dir.path(), &["--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let oll001: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "OLL001")
        .collect();
    assert_eq!(oll001.len(), 1, "{}", r.stdout);
    assert_eq!(
        oll001[0]["projects"],
        serde_json::json!([
            ["compose.yaml"],
            ["compose.yaml", "compose.debug.yaml"],
            ["compose.yaml", "compose.gpu.yaml"]
        ])
    );
    let concise = run(dir.path(), &["--format", "concise"]);
    assert_eq!(
        concise.stdout.matches("OLL001").count(),
        1,
        "{}",
        concise.stdout
    );
}

/// A file included as `../shared/compose.yaml` is the same file its own directory's project
/// reads: its finding is named by one path, once.
#[test]
fn an_included_file_is_named_by_one_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for sub in ["app", "shared"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::write(
        dir.path().join("shared/compose.yaml"),
        "services:\n  s:\n    image: x\n    depends_on: [missing]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("app/compose.yaml"),
        "include: [../shared/compose.yaml]\nservices:\n  a:\n    image: x\n",
    )
    .unwrap();
    let r = run(dir.path(), &["--format", "concise"]);
    let findings: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains(" CMP009 "))
        .collect();
    assert_eq!(findings.len(), 1, "{}", r.stdout);
    assert!(
        findings[0].starts_with("shared/compose.yaml:4:18:"),
        "{}",
        r.stdout
    );
}

/// Issue 18, item 11: a compose file in another directory that a project includes is part of
/// that project (Docker Compose loads the pair; `webui` reaches `ollama`), not linted again
/// on its own, where `ollama` would be undefined (false OLL005 and CMP009).
#[test]
fn a_file_used_only_through_include_is_linted_with_its_project_only() {
    let dir = project(&[
        (
            "app/compose.yaml",
            b"include: [../shared/compose.yaml]
services:
  ollama:
    image: ollama/ollama
    volumes: [ollama:/root/.ollama]
volumes:
  ollama: {}
",
        ),
        (
            "shared/compose.yaml",
            b"services:
  webui:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: http://ollama:11434
    depends_on: [ollama]
",
        ),
    ]);
    let out = run(dir.path(), &["--format", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(codes(&out), Vec::<String>::new());
    let out = run(dir.path(), &[]);
    assert!(out.stdout.contains("1 project checked"), "{}", out.stdout);
}

/// Issue 18, item 12: an `env_file` that is a device is there but cannot be read; it is not
/// said to be missing ("`/dev/zero` does not exist").
#[test]
fn an_env_file_that_is_a_device_is_unreadable_not_missing() {
    let dir = project(&[(
        "compose.yaml",
        b"services:\n  a:\n    image: x\n    env_file: /dev/zero\n",
    )]);
    let out = run(dir.path(), &["--format", "concise"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("cannot read `/dev/zero`: not a regular file"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("does not exist"), "{}", out.stdout);
}
