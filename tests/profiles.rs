//! Profiles as users meet them in the binary: `--profile`, `COMPOSE_PROFILES` from `-e`,
//! `.env` and `--process-env`, the profile a finding needs, and `config` printing the
//! selection Compose would print.
//!
//! What Docker Compose v2.40.3 does, checked with `docker-compose config --services` on these
//! projects: without a choice only services with no profile (or the empty one) start;
//! `--profile cpu` or `COMPOSE_PROFILES=cpu` adds `ollama`; `*` starts everything; a required
//! `depends_on` on a service left out is refused (`service "web" depends on undefined service
//! "ollama"`), an optional one is not.

mod common;
use common::{run, run_with_env};

/// Ollama behind `--profile cpu`, Open WebUI reaching it through the host (a detour) and a
/// dev client behind `--profile dev` aimed at its own `localhost`.
const PROJECT: &str = r#"services:
  ollama:
    image: ollama/ollama
    profiles: [cpu]
    ports: ["11434:11434"]
    volumes: [models:/root/.ollama]
  web:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: http://host.docker.internal:11434
    extra_hosts: ["host.docker.internal:host-gateway"]
  web-dev:
    image: ghcr.io/open-webui/open-webui:main
    profiles: [dev]
    environment:
      OLLAMA_BASE_URL: http://localhost:11434
volumes:
  models: {}
"#;

/// Where each finding is and its code (its severity, between them, depends on the selections).
const DETOUR: (&str, &str) = ("compose.yaml:10:31: ", "OLL003");
const LOOPBACK: (&str, &str) = ("compose.yaml:16:31: ", "OLL001");

fn project(env: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("compose.yaml"), PROJECT).unwrap();
    if let Some(env) = env {
        std::fs::write(dir.path().join(".env"), env).unwrap();
    }
    dir
}

fn finding<'a>(stdout: &'a str, (at, code): (&str, &str)) -> Option<&'a str> {
    stdout
        .lines()
        .find(|l| l.strip_prefix(at).and_then(|rest| rest.split(' ').nth(1)) == Some(code))
}

#[test]
fn without_a_choice_each_finding_names_the_profile_it_needs() {
    let dir = project(None);
    let r = run(dir.path(), &["--format", "concise"]);
    let detour = finding(&r.stdout, DETOUR).unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(detour.ends_with("(with profile `cpu`)"), "{detour}");
    let loopback = finding(&r.stdout, LOOPBACK).unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(loopback.ends_with("(with profile `dev`)"), "{loopback}");
    // The loopback holds wherever `web-dev` runs: an error. The detour holds only where the
    // profile starts the project's Ollama, and the URL is right for a host Ollama without it:
    // information, so the run fails for the error alone.
    assert_eq!(r.code, 1);
    let json = run(dir.path(), &["--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let by_code = |code: &str| {
        findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {}", json.stdout))
            .clone()
    };
    let oll003 = by_code("OLL003");
    assert_eq!(oll003["severity"], "info");
    assert_eq!(oll003["profiles"], serde_json::json!([["cpu"]]));
    // Its fix would break the run without the profile: none is offered.
    assert_eq!(oll003["fix"], serde_json::Value::Null);
    let oll001 = by_code("OLL001");
    assert_eq!(oll001["severity"], "error");
    assert_eq!(oll001["profiles"], serde_json::json!([["dev"]]));
}

#[test]
fn a_chosen_profile_is_the_only_selection_and_findings_name_none() {
    for (how, args, env) in [
        ("--profile", vec!["--profile", "dev"], None),
        ("-e", vec!["-e", "COMPOSE_PROFILES=dev"], None),
        (".env", vec![], Some("COMPOSE_PROFILES= dev \n")),
    ] {
        let dir = project(env);
        let mut args = args.clone();
        args.extend(["--format", "concise"]);
        let r = run(dir.path(), &args);
        let loopback =
            finding(&r.stdout, LOOPBACK).unwrap_or_else(|| panic!("{how}: {}", r.stdout));
        assert!(!loopback.contains("profile"), "{how}: {loopback}");
        // `ollama` is not started under `dev` alone: `web` goes to a host Ollama.
        assert!(finding(&r.stdout, DETOUR).is_none(), "{how}: {}", r.stdout);
    }
}

#[test]
fn the_flag_beats_the_variable_and_the_process_environment_counts_only_when_asked() {
    let dir = project(Some("COMPOSE_PROFILES=dev\n"));
    let r = run(dir.path(), &["--profile", "cpu", "--format", "concise"]);
    assert!(finding(&r.stdout, LOOPBACK).is_none(), "{}", r.stdout);
    let detour = finding(&r.stdout, DETOUR).unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(!detour.contains("profile"), "{detour}");

    let dir = project(None);
    let env = [("COMPOSE_PROFILES", "cpu")];
    let ignored = run_with_env(dir.path(), &["--format", "concise"], &env);
    assert!(
        finding(&ignored.stdout, LOOPBACK).is_some(),
        "{}",
        ignored.stdout
    );
    let used = run_with_env(dir.path(), &["--process-env", "--format", "concise"], &env);
    assert!(finding(&used.stdout, LOOPBACK).is_none(), "{}", used.stdout);
    assert!(finding(&used.stdout, DETOUR).is_some(), "{}", used.stdout);
}

#[test]
fn star_starts_every_service() {
    let dir = project(None);
    let r = run(dir.path(), &["--profile", "*", "--format", "concise"]);
    for at in [DETOUR, LOOPBACK] {
        let line = finding(&r.stdout, at).unwrap_or_else(|| panic!("{at:?}: {}", r.stdout));
        assert!(!line.contains("profile"), "{line}");
    }
}

fn config_services(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["config"];
    all.extend(args);
    let r = run(dir, &all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    value["services"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn config_prints_the_selection_compose_prints() {
    let dir = project(None);
    assert_eq!(config_services(dir.path(), &[]), ["web"]);
    assert_eq!(
        config_services(dir.path(), &["--profile", "cpu"]),
        ["ollama", "web"]
    );
    assert_eq!(
        config_services(dir.path(), &["--profile", "*"]),
        ["ollama", "web", "web-dev"]
    );
    let dir = project(Some("COMPOSE_PROFILES=dev,cpu\n"));
    assert_eq!(
        config_services(dir.path(), &[]),
        ["ollama", "web", "web-dev"]
    );
}

#[test]
fn config_refuses_a_required_dependency_the_selection_leaves_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  ollama:\n    image: ollama/ollama\n    profiles: [cpu]\n  web:\n    image: nginx\n    depends_on: [ollama]\n",
    )
    .unwrap();
    let r = run(dir.path(), &["config"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("CMP009"), "{}", r.stderr);
    assert_eq!(
        config_services(dir.path(), &["--profile", "cpu"]),
        ["ollama", "web"]
    );
}

#[test]
fn variants_of_one_finding_under_several_profiles_are_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/OLL003/fires-ollama-in-every-profile/compose.yaml"),
        )
        .unwrap(),
    )
    .unwrap();
    let r = run(dir.path(), &["--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 1, "{}", r.stdout);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.ends_with("(with profile `cpu`; likewise with profile `gpu`)"),
        "{message}"
    );
    assert_eq!(
        findings[0]["profiles"],
        serde_json::json!([["cpu"], ["gpu"]])
    );
}

/// Compose reads a service's `env_file` only when it starts the service (Docker Compose
/// v2.40.3 accepts this project without `--profile dev`): the missing file is a finding of
/// that profile, and `config` prints the default selection.
#[test]
fn a_missing_env_file_of_a_service_not_started_is_that_profiles_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx\n  dev:\n    image: nginx\n    profiles: [dev]\n    env_file: [dev.env]\n",
    )
    .unwrap();
    assert_eq!(config_services(dir.path(), &[]), ["web"]);
    let r = run(dir.path(), &["config", "--profile", "dev"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    let check = run(dir.path(), &["--format", "concise"]);
    let line = finding(&check.stdout, ("compose.yaml:7:16: ", "CMP008"))
        .unwrap_or_else(|| panic!("{}", check.stdout));
    assert!(line.ends_with("(with profile `dev`)"), "{line}");
}
