//! Hierarchical configuration as users meet it (issue 19): each project takes the
//! `.composelint.yaml` nearest to it, so what it reports, what `--fix` changes in it and
//! whether it fails the run do not depend on what else is on the command line (pre-commit
//! passes whichever files a commit changed).

mod common;
use common::{CONFIGURED as PROJECT, run};

use std::path::Path;

/// A repository of three projects configured differently. The root's file is the one a run
/// over `sub` and `other` together took before: the deepest directory holding both.
/// - `sub`: OLL001 ignored, fails only on errors: its CMP004 warning passes.
/// - `other`: OLL001 lowered to a warning, fails on warnings: it fails.
/// - `calm`: everything a warning, fails only on errors: it passes.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, ".composelint.yaml", "select: [OLL]\n");
    for project in ["sub", "other", "calm"] {
        write(root, &format!("{project}/compose.yaml"), PROJECT);
    }
    write(
        root,
        "sub/.composelint.yaml",
        "ignore: [OLL001]\nfail-on: error\n",
    );
    write(
        root,
        "other/.composelint.yaml",
        "severity:\n  OLL001: warning\n",
    );
    write(
        root,
        "calm/.composelint.yaml",
        "severity:\n  ALL: warning\nfail-on: error\n",
    );
    dir
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The concise lines of a run's findings in files below `project/`, without their messages.
fn findings_of(stdout: &str, project: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with(&format!("{project}/")))
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .collect()
}

/// The files a concise run over `paths` reports findings in, each once.
fn files_reported(dir: &Path, paths: &[&str]) -> Vec<String> {
    let mut files: Vec<String> = concise(dir, paths)
        .stdout
        .lines()
        .filter(|l| {
            l.split(':')
                .nth(1)
                .is_some_and(|n| n.parse::<usize>().is_ok())
        })
        .map(|l| l.split(':').next().unwrap_or_default().to_string())
        .collect();
    files.dedup();
    files
}

fn concise(dir: &Path, paths: &[&str]) -> common::Run {
    let mut args = vec!["--format", "concise"];
    args.extend_from_slice(paths);
    run(dir, &args)
}

#[test]
fn a_project_reports_the_same_whatever_else_is_linted() {
    let dir = repository();
    let root = dir.path();
    let sub = vec!["sub/compose.yaml:9:14: warning CMP004".to_string()];
    let other = vec![
        "other/compose.yaml:9:14: warning CMP004".to_string(),
        "other/compose.yaml:11:31: warning OLL001".to_string(),
    ];
    // Alone, together as pre-commit passes them, and found by searching the parent.
    let invocations: [&[&str]; 4] = [
        &["sub/compose.yaml"],
        &["other/compose.yaml"],
        &["sub/compose.yaml", "other/compose.yaml"],
        &["."],
    ];
    for paths in invocations {
        let r = concise(root, paths);
        for (project, expected) in [("sub", &sub), ("other", &other)] {
            let named = paths
                .iter()
                .any(|n| *n == "." || n.starts_with(&format!("{project}/")));
            if named {
                let got = findings_of(&r.stdout, project);
                assert_eq!(&got, expected, "{paths:?}:\n{}", r.stdout);
            }
        }
    }
    // From inside a project, its own file applies, as from anywhere else.
    let r = concise(&root.join("sub"), &[]);
    let first: Vec<&str> = r.stdout.split(' ').take(3).collect();
    assert_eq!(
        first,
        ["compose.yaml:9:14:", "warning", "CMP004"],
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches(" OLL001 ").count(), 0, "{}", r.stdout);
    // A project with no file of its own takes the root's.
    write(root, "plain/compose.yaml", PROJECT);
    let r = concise(root, &["plain/compose.yaml", "sub/compose.yaml"]);
    assert_eq!(
        findings_of(&r.stdout, "plain"),
        ["plain/compose.yaml:11:31: error OLL001"]
    );
}

#[test]
fn the_json_findings_of_a_project_do_not_depend_on_the_others() {
    let dir = repository();
    let root = dir.path();
    let of = |paths: &[&str], project: &str| -> Vec<serde_json::Value> {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(paths);
        let r = run(root, &args);
        let all: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).expect("JSON");
        all.into_iter()
            .filter(|f| {
                f["location"]["file"]
                    .as_str()
                    .is_some_and(|file| file.starts_with(&format!("{project}/")))
            })
            .collect()
    };
    for project in ["sub", "other", "calm"] {
        let alone = of(&[&format!("{project}/compose.yaml")], project);
        let together = of(
            &[
                "sub/compose.yaml",
                "other/compose.yaml",
                "calm/compose.yaml",
            ],
            project,
        );
        let searched = of(&["."], project);
        assert!(!alone.is_empty(), "{project}");
        assert_eq!(alone, together, "{project}");
        assert_eq!(alone, searched, "{project}");
    }
    let severities = |project: &str| -> Vec<(String, String)> {
        of(&["."], project)
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(severities("sub"), [("CMP004".into(), "warning".into())]);
    assert_eq!(
        severities("calm"),
        [
            ("CMP004".into(), "warning".into()),
            ("OLL001".into(), "warning".into())
        ]
    );
}

/// Each project fails the run by its own configuration's `fail-on`: the run exits 1 when one
/// of them has a finding at or above its own threshold. `--fail-on` sets every project's.
#[test]
fn each_project_fails_by_its_own_fail_on() {
    let dir = repository();
    let root = dir.path();
    let code = |paths: &[&str]| concise(root, paths).code;
    assert_eq!(
        code(&["sub/compose.yaml"]),
        0,
        "a warning, failing on errors"
    );
    assert_eq!(code(&["calm/compose.yaml"]), 0);
    assert_eq!(
        code(&["other/compose.yaml"]),
        1,
        "warnings, failing on them"
    );
    // Neither fails by its own threshold, so together they pass.
    assert_eq!(code(&["sub/compose.yaml", "calm/compose.yaml"]), 0);
    assert_eq!(code(&["sub/compose.yaml", "other/compose.yaml"]), 1);
    assert_eq!(code(&["."]), 1);
    let r = run(
        root,
        &[
            "--fail-on",
            "warning",
            "sub/compose.yaml",
            "calm/compose.yaml",
        ],
    );
    assert_eq!(r.code, 1, "the flag is every project's");
    let r = run(root, &["--fail-on", "error", "."]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn fix_changes_a_project_by_its_own_configuration() {
    let fixed_sub_and_other = |paths: &[&str]| -> (String, String) {
        let dir = repository();
        let root = dir.path();
        let mut args = vec!["--fix"];
        args.extend_from_slice(paths);
        let r = run(root, &args);
        assert_ne!(r.code, 2, "{}", r.stderr);
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
        (read("sub/compose.yaml"), read("other/compose.yaml"))
    };
    let repaired = PROJECT.replace("http://localhost:11434", "http://ollama:11434");
    // `sub` ignores OLL001, so its fix is not applied there, whoever is fixed with it.
    let (sub, _) = fixed_sub_and_other(&["sub/compose.yaml"]);
    assert_eq!(sub, PROJECT);
    let (sub, other) = fixed_sub_and_other(&["sub/compose.yaml", "other/compose.yaml"]);
    assert_eq!(sub, PROJECT);
    assert_eq!(other, repaired);
    let (sub, other) = fixed_sub_and_other(&["."]);
    assert_eq!(sub, PROJECT);
    assert_eq!(other, repaired);
}

#[test]
fn exclusion_follows_the_file_of_the_directory_holding_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, ".composelint.yaml", "exclude: [third-party]\n");
    write(root, "app/compose.yaml", PROJECT);
    write(root, "app/.composelint.yaml", "exclude: [legacy]\n");
    write(root, "app/legacy/compose.yaml", PROJECT);
    write(root, "third-party/compose.yaml", PROJECT);
    // A file of its own inside an excluded directory is never read: not even an invalid one.
    write(root, "third-party/.composelint.yaml", "selct: []\n");
    let linted = |paths: &[&str]| files_reported(root, paths);
    assert_eq!(linted(&["."]), ["app/compose.yaml"]);
    // Named as pre-commit names them, they are excluded alike.
    assert_eq!(
        linted(&[
            "app/compose.yaml",
            "app/legacy/compose.yaml",
            "third-party/compose.yaml"
        ]),
        ["app/compose.yaml"]
    );
    assert!(linted(&["app/legacy/compose.yaml"]).is_empty());
    assert!(linted(&["app/legacy"]).is_empty());
}

#[test]
fn scripts_and_documents_are_read_by_the_sources_of_their_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let script = "docker network create llm\ndocker run -d --network llm --name ollama ollama/ollama\ndocker run -d --network llm -e OLLAMA_BASE_URL=http://localhost:11434 --name webui ghcr.io/open-webui/open-webui:main\n";
    write(root, "ops/run.sh", script);
    write(root, "ops/.composelint.yaml", "sources:\n  shell: false\n");
    write(root, "dev/run.sh", script);
    write(root, "dev/README.md", &format!("```sh\n{script}```\n"));
    write(
        root,
        "dev/.composelint.yaml",
        "sources:\n  markdown: false\n",
    );
    let files = |paths: &[&str]| files_reported(root, paths);
    assert_eq!(files(&["."]), ["dev/run.sh"]);
    assert_eq!(
        files(&["ops/run.sh", "dev/run.sh", "dev/README.md"]),
        ["dev/run.sh"]
    );
    assert!(files(&["ops/run.sh"]).is_empty());
    // `--sources` is every directory's.
    assert_eq!(
        files(&["--sources", "shell,markdown", "."]),
        ["dev/README.md", "dev/run.sh", "ops/run.sh"]
    );
}

#[test]
fn an_invalid_file_found_below_stops_the_run_naming_it() {
    let dir = repository();
    let root = dir.path();
    write(root, "broken/compose.yaml", PROJECT);
    write(
        root,
        "broken/.composelint.yaml",
        "select: [OLL]\nselct: [CMP]\n",
    );
    let r = concise(root, &["."]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("broken/.composelint.yaml:2:1: unknown field `selct`"),
        "{}",
        r.stderr
    );
    let r = concise(root, &["sub/compose.yaml", "broken/compose.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("broken/.composelint.yaml:2:1:"),
        "{}",
        r.stderr
    );
    // A run that does not reach it is not concerned.
    assert_eq!(concise(root, &["sub/compose.yaml"]).code, 0);
}

#[test]
fn config_names_one_file_for_every_project() {
    let dir = repository();
    let root = dir.path();
    write(root, "ci.yaml", "select: [CMP]\n");
    let r = run(
        root,
        &[
            "--format",
            "concise",
            "--config",
            "ci.yaml",
            "sub/compose.yaml",
            "other/compose.yaml",
        ],
    );
    assert_eq!(
        findings_of(&r.stdout, "sub"),
        ["sub/compose.yaml:9:14: warning CMP004"]
    );
    assert_eq!(
        findings_of(&r.stdout, "other"),
        ["other/compose.yaml:9:14: warning CMP004"]
    );
}

/// An Ollama in one project, Open WebUI in another on the external network both join, each
/// with a configuration of its own: the name still resolves across them.
#[test]
fn projects_configured_differently_still_resolve_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(
        root,
        "llm/compose.yaml",
        "services:\n  ollama:\n    image: ollama/ollama\n    networks: [shared]\nnetworks:\n  shared:\n    name: llm\n",
    );
    write(root, "llm/.composelint.yaml", "ignore: [OLL013]\n");
    write(
        root,
        "chat/compose.yaml",
        "services:\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    networks: [llm]\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434\nnetworks:\n  llm:\n    external: true\n",
    );
    write(root, "chat/.composelint.yaml", "severity:\n  ALL: error\n");
    let r = concise(root, &["llm/compose.yaml", "chat/compose.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Alone, nothing answers to the name, which its configuration makes an error.
    let r = concise(root, &["chat/compose.yaml"]);
    assert_eq!(
        findings_of(&r.stdout, "chat"),
        ["chat/compose.yaml:6:31: error OLL005"]
    );
    // Its port is judged against the other project's Ollama, by the client's configuration.
    write(
        root,
        "chat/compose.yaml",
        &std::fs::read_to_string(root.join("chat/compose.yaml"))
            .unwrap()
            .replace("ollama:11434", "ollama:8080"),
    );
    let r = concise(root, &["llm/compose.yaml", "chat/compose.yaml"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(findings_of(&r.stdout, "chat").len(), 1, "{}", r.stdout);
    assert!(
        findings_of(&r.stdout, "chat")[0].starts_with("chat/compose.yaml:6:"),
        "{}",
        r.stdout
    );
    assert!(
        findings_of(&r.stdout, "chat")[0].contains(" error "),
        "{}",
        r.stdout
    );
}

#[test]
fn the_graph_shows_each_project_by_its_own_configuration() {
    let dir = repository();
    let root = dir.path();
    // The status and codes of each project's reference to its `localhost` (Open WebUI's).
    let statuses = |paths: &[&str]| -> Vec<(String, String, serde_json::Value)> {
        let mut args = vec!["graph", "--format", "json"];
        args.extend_from_slice(paths);
        let r = run(root, &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let graph: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
        graph["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let edges: Vec<&serde_json::Value> = p["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|e| e["via"] == "OLLAMA_BASE_URL")
                    .collect();
                assert_eq!(edges.len(), 1, "{p:#}");
                (
                    p["name"].as_str().unwrap_or_default().to_string(),
                    edges[0]["status"].as_str().unwrap_or_default().to_string(),
                    edges[0]["codes"].clone(),
                )
            })
            .collect()
    };
    let together = statuses(&["sub/compose.yaml", "other/compose.yaml"]);
    let sub = statuses(&["sub/compose.yaml"]);
    let other = statuses(&["other/compose.yaml"]);
    // Projects come in the order of their paths.
    assert_eq!(together, [other[0].clone(), sub[0].clone()]);
    // `sub` ignores OLL001: its edge is not broken; `other` lowers it to a warning.
    assert_eq!(sub[0], ("sub".into(), "ok".into(), serde_json::json!([])));
    assert_eq!(
        other[0],
        (
            "other".into(),
            "warning".into(),
            serde_json::json!(["OLL001"])
        )
    );
}

/// `--show-files` lists each project with the files it is made of and the configuration it
/// takes (issue 19: "no list of the files each project is made of"), and lints nothing.
#[test]
fn show_files_lists_each_project_its_files_and_its_configuration() {
    let dir = repository();
    let root = dir.path();
    write(
        root,
        "sub/compose.yaml",
        "services:\n  app:\n    image: app\n    env_file: app.env\n    environment:\n      LEVEL: ${LEVEL}\n",
    );
    write(root, "sub/app.env", "TZ=UTC\n");
    write(root, "sub/.env", "LEVEL=debug\n");
    let listed = run(root, &["--show-files", "sub", "calm"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(
        listed.stdout,
        "\
project `calm` in calm (configuration: calm/.composelint.yaml)
  calm/compose.yaml  compose file
project `sub` in sub (configuration: sub/.composelint.yaml)
  sub/compose.yaml  compose file
  sub/.env          env file (the project's variables)
  sub/app.env       env_file of a service
"
    );
    // `--config` names one file for every project.
    let listed = run(
        root,
        &["--show-files", "--config", ".composelint.yaml", "sub"],
    );
    assert!(
        listed
            .stdout
            .starts_with("project `sub` in sub (configuration: .composelint.yaml)\n"),
        "{}",
        listed.stdout
    );
    // A directory without a project is still no silent pass.
    std::fs::create_dir(root.join("empty")).unwrap();
    assert_eq!(run(root, &["--show-files", "empty"]).code, 2);
}
