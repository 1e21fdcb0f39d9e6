//! Projects linted in one run see each other on the networks they share (issue 12, item 6):
//! a name another project provides there resolves; a name nobody provides, on a network whose
//! creating project is in the run, is an error with the nearest name provided there.

use std::path::PathBuf;

use composelint::diagnostic::{Applicability, Diagnostic, Severity};
use composelint::fs::MemFs;
use composelint::{Settings, lint};

const OLLAMA_CREATES_LLM: &str = "services:\n  ollama:\n    image: ollama/ollama\n    networks: [llm]\n    volumes: [\"ollama:/root/.ollama\"]\nnetworks:\n  llm:\n    name: llm\nvolumes:\n  ollama: {}\n";
const OLLAMA_JOINS_LLM: &str = "services:\n  ollama:\n    image: ollama/ollama\n    networks: [llm]\n    volumes: [\"ollama:/root/.ollama\"]\nnetworks:\n  llm:\n    external: true\nvolumes:\n  ollama: {}\n";

/// Open WebUI on the external network `llm`, pointed at `url`.
fn app(url: &str) -> String {
    format!(
        "services:\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    networks: [llm]\n    environment:\n      OLLAMA_BASE_URL: {url}\nnetworks:\n  llm:\n    external: true\n"
    )
}

/// The OLL findings of the run over `/ws`, each with the directory of its project.
fn run(files: &[(&str, &str)]) -> Vec<(String, Diagnostic)> {
    let mut fs = MemFs::new();
    for (path, text) in files {
        fs.insert(format!("/ws/{path}"), *text);
    }
    let settings = Settings {
        paths: vec![PathBuf::from("/ws")],
        ..Settings::default()
    };
    lint(&fs, &settings)
        .expect("the run lints")
        .into_iter()
        .flat_map(|p| {
            let dir = p.project.directory.display().to_string();
            p.diagnostics
                .into_iter()
                .filter(|d| d.code.starts_with("OLL"))
                .map(move |d| (dir.clone(), d))
        })
        .collect()
}

fn only(findings: &[(String, Diagnostic)]) -> &Diagnostic {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    &findings[0].1
}

#[test]
fn a_name_another_project_provides_on_the_shared_network_resolves() {
    let findings = run(&[
        ("app/compose.yaml", &app("http://ollama:11434")),
        ("ollama/compose.yaml", OLLAMA_CREATES_LLM),
    ]);
    assert!(findings.is_empty(), "{findings:#?}");
    // Without the other project the name is unknown (info: the network is external).
    let alone = run(&[("app/compose.yaml", &app("http://ollama:11434"))]);
    let d = only(&alone);
    assert_eq!((d.code, d.severity), ("OLL005", Severity::Info));
}

#[test]
fn an_unknown_name_with_the_creator_in_the_run_is_an_error_with_did_you_mean() {
    let findings = run(&[
        ("app/compose.yaml", &app("http://olama:11434")),
        ("ollama/compose.yaml", OLLAMA_CREATES_LLM),
    ]);
    let d = only(&findings);
    assert_eq!((d.code, d.severity), ("OLL005", Severity::Error));
    let help = d.help.as_ref().map_or("", |h| h.expose_unredacted());
    assert!(
        help.contains("did you mean `ollama`") && help.contains("project `ollama`"),
        "{help}"
    );
    let fix = d
        .fix
        .as_ref()
        .expect("a near miss of another project's Ollama");
    assert_eq!(fix.applicability, Applicability::Safe);
    assert_eq!(fix.edits[0].content, "ollama");
}

#[test]
fn an_unknown_name_without_the_creator_stays_info() {
    let findings = run(&[
        ("app/compose.yaml", &app("http://ollama-gpu:11434")),
        ("ollama/compose.yaml", OLLAMA_JOINS_LLM),
    ]);
    let d = only(&findings);
    assert_eq!((d.code, d.severity), ("OLL005", Severity::Info));
}

#[test]
fn the_creator_must_be_another_project() {
    // Two files of one directory are overlays of one project (same name): not neighbours.
    let findings = run(&[
        ("app/compose.yaml", &app("http://olama:11434")),
        ("app/compose.gpu.yaml", OLLAMA_CREATES_LLM),
    ]);
    assert!(
        findings
            .iter()
            .all(|(_, d)| d.code != "OLL005" || d.severity == Severity::Info),
        "{findings:#?}"
    );
}

#[test]
fn a_project_read_in_part_keeps_unknown_names_at_info() {
    // A project that does not parse may provide the name.
    let findings = run(&[
        ("app/compose.yaml", &app("http://olama:11434")),
        ("ollama/compose.yaml", OLLAMA_CREATES_LLM),
        ("broken/compose.yaml", "services: [unclosed\n"),
    ]);
    let oll005: Vec<_> = findings
        .iter()
        .filter(|(_, d)| d.code == "OLL005")
        .collect();
    assert_eq!(oll005.len(), 1, "{findings:#?}");
    assert_eq!(oll005[0].1.severity, Severity::Info);
}

#[test]
fn the_port_of_another_projects_ollama_is_checked() {
    let moved = OLLAMA_CREATES_LLM.replace(
        "    networks: [llm]\n",
        "    networks: [llm]\n    environment:\n      OLLAMA_HOST: 0.0.0.0:8080\n",
    );
    let findings = run(&[
        ("app/compose.yaml", &app("http://ollama:11434")),
        ("ollama/compose.yaml", &moved),
    ]);
    let d = only(&findings);
    assert_eq!((d.code, d.severity), ("OLL006", Severity::Error));
    assert!(
        d.message.expose_unredacted().contains("project `ollama`")
            && d.message.expose_unredacted().contains("listens on 8080"),
        "{:?}",
        d.message
    );
    assert_eq!(d.fix.as_ref().expect("a fix").edits[0].content, "8080");
    let right = run(&[
        ("app/compose.yaml", &app("http://ollama:8080")),
        ("ollama/compose.yaml", &moved),
    ]);
    assert!(right.is_empty(), "{right:#?}");
}

#[test]
fn https_to_another_projects_ollama_is_the_wrong_scheme() {
    let findings = run(&[
        ("app/compose.yaml", &app("https://ollama:11434")),
        ("ollama/compose.yaml", OLLAMA_CREATES_LLM),
    ]);
    assert_eq!(only(&findings).code, "OLL010");
}

#[test]
fn a_name_on_another_network_of_the_other_project_does_not_resolve() {
    // The Ollama is on the other project's own default network, not on `llm`.
    let elsewhere = "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"ollama:/root/.ollama\"]\n  proxy:\n    image: nginx\n    networks: [llm]\nnetworks:\n  llm:\n    name: llm\nvolumes:\n  ollama: {}\n";
    let findings = run(&[
        ("app/compose.yaml", &app("http://ollama:11434")),
        ("ollama/compose.yaml", elsewhere),
    ]);
    let d = only(&findings);
    assert_eq!((d.code, d.severity), ("OLL005", Severity::Error));
}
