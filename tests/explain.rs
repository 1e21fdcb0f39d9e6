//! `composelint explain` over `fixtures/explain/<case>/`: each case holds a project and an
//! `explain` file, written by hand, with the URL, the service that uses it, and the answer:
//! its status, its status and finding codes on each platform, where it leads, and the URL to
//! use instead (none when the line is missing).

use std::path::{Path, PathBuf};
use std::process::Command;

use composelint::Settings;
use composelint::fs::OsFs;
use composelint::graph::explain::{Explanation, explain};

fn field<'a>(spec: &'a str, key: &str) -> Option<&'a str> {
    spec.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(' '))
        .or_else(|| spec.lines().find(|l| *l == key).map(|_| ""))
}

fn on_platform(e: &Explanation, platform: &str) -> String {
    let on = match platform {
        "linux" => &e.platforms.linux,
        _ => &e.platforms.desktop,
    };
    let mut words = vec![on.status.as_str().to_string()];
    words.extend(on.codes.iter().map(|c| c.to_string()));
    words.join(" ")
}

#[test]
fn every_verdict_has_a_case_and_each_case_is_answered_as_written() {
    let mut failures = Vec::new();
    let mut statuses = std::collections::BTreeSet::new();
    for case in cases() {
        let spec = std::fs::read_to_string(case.join("explain")).unwrap();
        let url = field(&spec, "url").unwrap();
        let from = field(&spec, "from").unwrap();
        let settings = Settings {
            paths: vec![case.clone()],
            ..Settings::default()
        };
        let e = explain(&OsFs, &settings, url, from).unwrap();
        let leads = match &e.leads_to.target {
            Some(t) if e.leads_to.kind != "host" => format!("{} {t}", e.leads_to.kind),
            _ => e.leads_to.kind.to_string(),
        };
        let got = [
            ("status", Some(e.status.as_str().to_string())),
            ("linux", Some(on_platform(&e, "linux"))),
            ("desktop", Some(on_platform(&e, "desktop"))),
            ("leads", Some(leads)),
            ("instead", e.instead.clone()),
        ];
        for (key, value) in got {
            let want = field(&spec, key).map(str::to_string);
            if want != value {
                failures.push(format!(
                    "{}: {key}: want {want:?}, got {value:?}",
                    case.display()
                ));
            }
        }
        statuses.insert(e.status.as_str());
        assert_eq!(e.works, e.status.as_str() == "ok");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        ["broken", "ok", "warning"]
    );
}

fn composelint(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn explain_exits_0_when_the_url_works_1_when_not_2_when_it_cannot_tell() {
    let case = "fixtures/explain/loopback";
    let works = composelint(&["explain", "http://ollama:11434", "--from", "n8n", case]);
    assert_eq!(works.status.code(), Some(0));
    let fails = composelint(&["explain", "http://localhost:11434", "--from", "n8n", case]);
    assert_eq!(fails.status.code(), Some(1));
    let text = String::from_utf8_lossy(&fails.stdout);
    assert!(text.contains("use instead: http://ollama:11434"), "{text}");
    let json = composelint(&[
        "explain",
        "http://localhost:11434",
        "--from",
        "n8n",
        case,
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["leads_to"]["kind"], "itself");
    assert_eq!(value["instead"], "http://ollama:11434");
    let detour = composelint(&[
        "explain",
        "http://host.docker.internal:11434",
        "--from",
        "n8n",
        "fixtures/explain/detour-through-host",
    ]);
    assert_eq!(detour.status.code(), Some(1));
    let nobody = composelint(&["explain", "http://ollama:11434", "--from", "nobody", case]);
    assert_eq!(nobody.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("services: n8n, ollama"));
}

#[test]
fn explain_hides_the_password_of_the_url() {
    let out = composelint(&[
        "explain",
        "postgres://app:s3cretpassword@db:5433/app",
        "--from",
        "app",
        "fixtures/explain/postgres-wrong-port",
        "--format",
        "json",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("s3cretpassword"), "{text}");
    assert!(text.contains("NET006"), "{text}");
}

#[test]
fn graph_is_read_only_with_fix() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    for name in ["compose.yaml", ".env"] {
        std::fs::copy(demo.join(name), dir.path().join(name)).unwrap();
    }
    let path = dir.path().to_str().unwrap();
    let before = std::fs::read(dir.path().join(".env")).unwrap();
    for format in ["mermaid", "dot", "json"] {
        let plain = composelint(&["graph", path, "--format", format]);
        let fixing = composelint(&["graph", path, "--format", format, "--fix"]);
        assert_eq!(plain.status.code(), Some(0));
        assert_eq!(plain.stdout, fixing.stdout);
        assert!(!plain.stdout.is_empty());
    }
    assert_eq!(std::fs::read(dir.path().join(".env")).unwrap(), before);
}

#[path = "support/fixture_cases.rs"]
mod fixture_cases;

fn cases() -> Vec<PathBuf> {
    fixture_cases::case_dirs(&fixture_cases::fixtures_root().join("explain"))
}
