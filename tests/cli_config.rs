//! The configuration and the check flags as users meet them in the binary: exit codes, error
//! messages that point into the file, `--statistics`, `--quiet`, `--output-file`.

mod common;
use common::{CONFIGURED as PROJECT, run};

const OLL001_AT: &str = "compose.yaml:11:31: error OLL001 ";
const CMP004_AT: &str = "compose.yaml:9:14: warning CMP004 ";

/// A repository (so discovery stops inside it) holding the project and, if given, a
/// configuration at its root.
fn repo(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    std::fs::write(dir.path().join("app/compose.yaml"), PROJECT).unwrap();
    if let Some(text) = config {
        std::fs::write(dir.path().join(".composelint.yaml"), text).unwrap();
    }
    dir
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn an_unknown_key_stops_the_run_with_its_place() {
    let dir = repo(Some("select: [OLL]\nselct: [CMP]\n"));
    // Found from a subdirectory: the file is at the repository root.
    let r = run(&dir.path().join("app"), &["--format", "concise"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let path = dir.path().join(".composelint.yaml");
    let expected = format!("{}:2:1: unknown field `selct`", path.display());
    assert!(r.stderr.contains(&expected), "{}", r.stderr);
}

#[test]
fn a_bad_value_in_a_config_file_given_by_flag() {
    let dir = repo(None);
    std::fs::write(
        dir.path().join("strict.yaml"),
        "fail-on: warning\nseverity:\n  OLL001: fatal\n",
    )
    .unwrap();
    let r = run(dir.path(), &["--config", "strict.yaml", "app"]);
    assert_eq!(r.code, 2);
    // Shown relative to the working directory, with the line of the bad value.
    assert!(
        r.stderr.contains("strict.yaml:3:") && r.stderr.contains("`fatal`"),
        "{}",
        r.stderr
    );

    let r = run(dir.path(), &["--config", "missing.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.yaml"), "{}", r.stderr);
}

#[test]
fn the_discovered_file_selects_and_the_flags_override_it() {
    let dir = repo(Some("ignore: [OLL001]\n"));
    let r = run(dir.path(), &["--format", "concise"]);
    assert_eq!(r.code, 1);
    assert_eq!(lines(&r.stdout).len(), 2, "{}", r.stdout);
    assert!(
        r.stdout.starts_with(&format!("app/{CMP004_AT}")),
        "{}",
        r.stdout
    );

    // `--select` replaces the file's selection.
    let r = run(dir.path(), &["--format", "concise", "--select", "OLL001"]);
    assert!(
        r.stdout.starts_with(&format!("app/{OLL001_AT}")),
        "{}",
        r.stdout
    );
    // The finding, the summary and the fixable count.
    assert_eq!(lines(&r.stdout).len(), 3, "{}", r.stdout);

    // Comma-separated and repeatable; ignoring both leaves nothing.
    let r = run(
        dir.path(),
        &[
            "--select", "OLL,CMP", "--ignore", "OLL001", "--ignore", "CMP004",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("All checks passed"), "{}", r.stdout);

    let r = run(dir.path(), &["--select", "OLL,NOPE1"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--select") && r.stderr.contains("`NOPE1`"),
        "{}",
        r.stderr
    );
}

#[test]
fn fail_on_and_exit_zero() {
    // Only the warning (CMP004) is left.
    let dir = repo(Some("ignore: [OLL]\n"));
    assert_eq!(run(dir.path(), &[]).code, 1);
    assert_eq!(run(dir.path(), &["--fail-on", "error"]).code, 0);
    assert_eq!(run(dir.path(), &["--fail-on", "info"]).code, 1);

    let dir = repo(Some("ignore: [OLL]\nfail-on: error\n"));
    assert_eq!(run(dir.path(), &[]).code, 0);
    assert_eq!(run(dir.path(), &["--fail-on", "warning"]).code, 1);

    let dir = repo(None);
    let r = run(dir.path(), &["--exit-zero", "--format", "concise"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains(OLL001_AT), "{}", r.stdout);
    // A run that fails is still exit 2.
    let r = run(dir.path(), &["--exit-zero", "no-such-dir"]);
    assert_eq!(r.code, 2);
}

#[test]
fn statistics_print_one_line_per_rule() {
    let dir = repo(None);
    std::fs::create_dir(dir.path().join("other")).unwrap();
    std::fs::write(dir.path().join("other/compose.yaml"), PROJECT).unwrap();
    let r = run(dir.path(), &["--statistics"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "2  CMP004  undefined-variable\n2  OLL001  loopback-in-container\n"
    );

    let r = run(
        dir.path(),
        &["--statistics", "--select", "OLL", "--format", "json"],
    );
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(
        rows,
        serde_json::json!([{"code": "OLL001", "name": "loopback-in-container", "count": 2}])
    );

    let r = run(dir.path(), &["--statistics", "--ignore", "OLL001,CMP004"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "All checks passed (2 projects checked).\n");
    let r = run(dir.path(), &["--statistics", "--quiet", "--ignore", "ALL"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
}

#[test]
fn quiet_prints_only_findings() {
    let dir = repo(None);
    let r = run(dir.path(), &["--quiet", "--format", "concise"]);
    assert_eq!(r.code, 1);
    let got = lines(&r.stdout);
    assert_eq!(got.len(), 2, "{}", r.stdout);
    assert!(
        got[0].starts_with(&format!("app/{CMP004_AT}")),
        "{}",
        got[0]
    );
    assert!(
        got[1].starts_with(&format!("app/{OLL001_AT}")),
        "{}",
        got[1]
    );

    let r = run(dir.path(), &["-q"]);
    assert!(r.stdout.contains("OLL001"), "{}", r.stdout);
    assert!(!r.stdout.contains("Found 2 problems"), "{}", r.stdout);

    let r = run(dir.path(), &["-q", "--ignore", "OLL001,CMP004"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
}

#[test]
fn output_file_receives_the_report() {
    let dir = repo(None);
    let r = run(
        dir.path(),
        &["--format", "concise", "--output-file", "reports/lint.txt"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    let report = std::fs::read_to_string(dir.path().join("reports/lint.txt")).unwrap();
    let got = lines(&report);
    assert_eq!(got.len(), 4, "{report}");
    assert!(got[1].starts_with(&format!("app/{OLL001_AT}")), "{report}");
    assert_eq!(
        got[2],
        "Found 2 problems (1 error, 1 warning) in 1 project."
    );
    assert_eq!(got[3], "1 fixable with --fix.");

    // Never coloured, even where stdout would be a terminal.
    let r = run(
        dir.path(),
        &["--color", "auto", "--output-file", "human.txt"],
    );
    assert_eq!(r.code, 1);
    let human = std::fs::read_to_string(dir.path().join("human.txt")).unwrap();
    assert!(
        human.contains("OLL001") && !human.contains('\u{1b}'),
        "{human}"
    );
}

/// The codes of the findings a run in `dir` with `args` prints.
fn codes_in(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--format", "concise", "-q"];
    all.extend_from_slice(args);
    run(dir, &all)
        .stdout
        .lines()
        .filter_map(|l| l.split(' ').nth(2).map(String::from))
        .collect()
}

#[test]
fn the_platform_of_the_file_applies_unless_the_flag_is_given() {
    // `host.docker.internal` resolves by itself only on Docker Desktop (OLL004 elsewhere).
    let compose = "services:\n  app:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://host.docker.internal:11434\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let codes = |args: &[&str]| codes_in(dir.path(), args);
    assert_eq!(codes(&[]), vec!["OLL004"]);
    std::fs::write(dir.path().join(".composelint.yaml"), "platform: desktop\n").unwrap();
    assert_eq!(codes(&[]), Vec::<String>::new());
    assert_eq!(codes(&["--platform", "linux"]), vec!["OLL004"]);
}

#[test]
fn windows_commands_run_on_docker_desktop_unless_a_platform_is_chosen() {
    // The original report in PowerShell: a detour through the host on Docker Desktop
    // (OLL003); wherever Linux Docker Engine is included, an unresolved name (OLL004).
    let script = "docker run -d -p 11434:11434 --name ollama ollama/ollama\ndocker run -d -p 3000:8080 -e OLLAMA_BASE_URL=http://host.docker.internal:11434 --name open-webui ghcr.io/open-webui/open-webui:main\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("setup.ps1"), script).unwrap();
    let codes = |args: &[&str]| codes_in(dir.path(), args);
    assert_eq!(codes(&[]), vec!["OLL003"]);
    assert_eq!(codes(&["--platform", "any"]), vec!["OLL004"]);
    assert_eq!(codes(&["--platform", "linux"]), vec!["OLL004"]);
    // A platform the configuration chooses is chosen too.
    std::fs::write(dir.path().join(".composelint.yaml"), "platform: any\n").unwrap();
    assert_eq!(codes(&[]), vec!["OLL004"]);
    assert_eq!(codes(&["--platform", "desktop"]), vec!["OLL003"]);
    // The same commands in a POSIX script run anywhere.
    std::fs::remove_file(dir.path().join(".composelint.yaml")).unwrap();
    std::fs::rename(dir.path().join("setup.ps1"), dir.path().join("setup.sh")).unwrap();
    assert_eq!(codes(&[]), vec!["OLL004"]);
}
