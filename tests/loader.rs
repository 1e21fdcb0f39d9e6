//! Loading as Compose loads: include, extends, override files, env_file precedence, and the
//! provenance of values across files.

use std::path::PathBuf;

use composelint::compose::issues::LoadIssue;
use composelint::compose::load::{LoadOptions, load_project};
use composelint::compose::model::{EnvSource, Project};
use composelint::fs::MemFs;
use composelint::source::Sources;

fn load(files: &[(&str, &str)], compose: &[&str]) -> (Project, Sources) {
    let mut fs = MemFs::new();
    for (path, text) in files {
        fs.insert(*path, *text);
    }
    let compose: Vec<PathBuf> = compose.iter().map(PathBuf::from).collect();
    load_project(&fs, &compose, &LoadOptions::default()).expect("loads")
}

fn env<'a>(p: &'a Project, service: &str, key: &str) -> Option<&'a str> {
    p.service(service)?
        .env(key)?
        .value
        .as_ref()
        .map(|t| t.as_str())
}

#[test]
fn include_brings_services_with_their_own_env_which_does_not_leak() {
    let (p, _) = load(
        &[
            (
                "/p/compose.yaml",
                "include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: web:${TAG:-none}\n",
            ),
            (
                "/p/sub/compose.yaml",
                "services:\n  ollama:\n    image: ollama/ollama:${TAG}\n",
            ),
            ("/p/sub/.env", "TAG=0.5\n"),
        ],
        &["/p/compose.yaml"],
    );
    assert_eq!(
        p.service("ollama")
            .unwrap()
            .image
            .as_ref()
            .unwrap()
            .as_str(),
        "ollama/ollama:0.5"
    );
    assert_eq!(
        p.service("web").unwrap().image.as_ref().unwrap().as_str(),
        "web:none"
    );
    assert!(p.issues.is_empty(), "{:?}", p.issues);
}

#[test]
fn include_cycles_are_reported_not_followed() {
    let (p, _) = load(
        &[
            (
                "/p/compose.yaml",
                "include: [a.yaml]\nservices:\n  x:\n    image: x\n",
            ),
            (
                "/p/a.yaml",
                "include: [b.yaml]\nservices:\n  a:\n    image: a\n",
            ),
            (
                "/p/b.yaml",
                "include: [a.yaml]\nservices:\n  b:\n    image: b\n",
            ),
        ],
        &["/p/compose.yaml"],
    );
    assert!(
        p.issues
            .iter()
            .any(|i| matches!(i, LoadIssue::Cycle { .. })),
        "{:?}",
        p.issues
    );
    assert!(p.service("a").is_some() && p.service("b").is_some());
}

#[test]
fn extends_merges_the_base_from_the_same_or_another_file() {
    let (p, _) = load(
        &[
            (
                "/p/compose.yaml",
                "services:\n  base:\n    image: app\n    environment: [A=1, B=1]\n  worker:\n    extends: base\n    environment: [B=2]\n  remote:\n    extends:\n      file: common.yaml\n      service: gpu\n",
            ),
            (
                "/p/common.yaml",
                "services:\n  gpu:\n    image: ollama/ollama\n    environment:\n      OLLAMA_HOST: 0.0.0.0:9999\n",
            ),
        ],
        &["/p/compose.yaml"],
    );
    assert_eq!(env(&p, "worker", "A"), Some("1"));
    assert_eq!(env(&p, "worker", "B"), Some("2"));
    assert_eq!(
        p.service("worker")
            .unwrap()
            .image
            .as_ref()
            .unwrap()
            .as_str(),
        "app"
    );
    assert_eq!(env(&p, "remote", "OLLAMA_HOST"), Some("0.0.0.0:9999"));
    assert!(p.issues.is_empty(), "{:?}", p.issues);
}

#[test]
fn extends_cycles_are_reported() {
    let (p, _) = load(
        &[(
            "/p/compose.yaml",
            "services:\n  a:\n    extends: b\n  b:\n    extends: a\n    image: x\n",
        )],
        &["/p/compose.yaml"],
    );
    assert!(
        p.issues
            .iter()
            .any(|i| matches!(i, LoadIssue::Cycle { .. })),
        "{:?}",
        p.issues
    );
}

#[test]
fn environment_beats_env_file_even_without_a_value_and_keeps_where_it_was_written() {
    let (p, sources) = load(
        &[
            (
                "/p/compose.yaml",
                "services:\n  app:\n    image: app\n    env_file: [a.env, b.env]\n    environment:\n      - MASKED\n      - EMPTY=\n",
            ),
            (
                "/p/a.env",
                "URL=http://first\nMASKED=from-file\nEMPTY=from-file\n",
            ),
            ("/p/b.env", "URL=http://second:11434\n"),
        ],
        &["/p/compose.yaml"],
    );
    assert_eq!(env(&p, "app", "URL"), Some("http://second:11434"));
    assert_eq!(
        env(&p, "app", "MASKED"),
        None,
        "a bare key masks the env_file value"
    );
    assert_eq!(env(&p, "app", "EMPTY"), Some(""));
    let url = p.service("app").unwrap().env("URL").unwrap();
    let EnvSource::EnvFile { file, .. } = url.source else {
        panic!("{:?}", url.source)
    };
    assert_eq!(sources.get(file).path, PathBuf::from("/p/b.env"));
    let text = url.value.as_ref().unwrap();
    let host = text.exact_span(7..13).unwrap();
    assert_eq!(sources.slice(host), "second");
}

#[test]
fn an_override_file_value_points_into_the_override_file() {
    let (p, sources) = load(
        &[
            (
                "/p/compose.yaml",
                "services:\n  ui:\n    image: ui\n    environment:\n      URL: http://a:1\n",
            ),
            (
                "/p/compose.override.yaml",
                "services:\n  ui:\n    environment:\n      URL: http://b:2\n",
            ),
        ],
        &["/p/compose.yaml", "/p/compose.override.yaml"],
    );
    let url = p
        .service("ui")
        .unwrap()
        .env("URL")
        .unwrap()
        .value
        .as_ref()
        .unwrap();
    assert_eq!(url.as_str(), "http://b:2");
    let span = url.primary_span().unwrap();
    assert_eq!(
        sources.get(span.file).path,
        PathBuf::from("/p/compose.override.yaml")
    );
    assert_eq!(sources.slice(span), "http://b:2");
}

#[test]
fn a_dotenv_value_keeps_its_place_in_dotenv_through_interpolation() {
    let (p, sources) = load(
        &[
            (
                "/p/compose.yaml",
                "services:\n  ui:\n    image: ui\n    environment:\n      URL: ${BASE}/api\n",
            ),
            ("/p/.env", "# base\nBASE=http://localhost:11434\n"),
        ],
        &["/p/compose.yaml"],
    );
    let url = p
        .service("ui")
        .unwrap()
        .env("URL")
        .unwrap()
        .value
        .as_ref()
        .unwrap();
    assert_eq!(url.as_str(), "http://localhost:11434/api");
    let host = url.exact_span(7..16).unwrap();
    assert_eq!(sources.get(host.file).path, PathBuf::from("/p/.env"));
    assert_eq!(sources.slice(host), "localhost");
    let suffix = url.exact_span(22..26).unwrap();
    assert_eq!(sources.slice(suffix), "/api");
    assert_eq!(
        sources.get(suffix.file).path,
        PathBuf::from("/p/compose.yaml")
    );
}

#[test]
fn paths_in_included_and_extended_files_are_relative_to_those_files() {
    let (p, _) = load(
        &[
            (
                "/p/compose.yaml",
                "include: [sub/compose.yaml]\nservices:\n  web:\n    extends:\n      file: common/base.yaml\n      service: base\n",
            ),
            (
                "/p/sub/compose.yaml",
                "services:\n  ollama:\n    image: ollama/ollama\n    env_file: ollama.env\n    volumes: [\"./models:/root/.ollama\", \"named:/data\"]\n",
            ),
            ("/p/sub/ollama.env", "OLLAMA_KEEP_ALIVE=5m\n"),
            (
                "/p/common/base.yaml",
                "services:\n  base:\n    image: web\n    env_file: [./base.env]\n    build: ./app\n",
            ),
            ("/p/common/base.env", "URL=http://ollama:11434\n"),
        ],
        &["/p/compose.yaml"],
    );
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    assert_eq!(env(&p, "ollama", "OLLAMA_KEEP_ALIVE"), Some("5m"));
    assert_eq!(env(&p, "web", "URL"), Some("http://ollama:11434"));
    let web = p.service("web").unwrap();
    assert_eq!(
        web.build.as_ref().unwrap().context.as_str(),
        "/p/common/app"
    );
    let ollama = p.service("ollama").unwrap();
    let sources: Vec<Option<&str>> = ollama.volumes.iter().map(|v| v.source.as_deref()).collect();
    assert_eq!(sources, vec![Some("/p/sub/models"), Some("named")]);
}

/// The kinds of issue an env file gave, with the file they point into.
fn env_issues(p: &Project, s: &Sources) -> Vec<(String, String)> {
    p.issues
        .iter()
        .filter_map(|issue| {
            let (kind, span) = match issue {
                LoadIssue::Syntax { span, .. } => ("syntax", span),
                LoadIssue::DotenvSyntax { span, .. } => ("dotenv-syntax", span),
                LoadIssue::UndefinedVariable { span, .. } => ("undefined", span),
                LoadIssue::EnvFileNotFound { span, .. } => ("not-found", span),
                _ => return None,
            };
            let path = s.get(span.file).path.display().to_string();
            Some((kind.to_string(), path))
        })
        .collect()
}

/// One reader for every env file: the same bytes give the same findings whether they are the
/// project's `.env`, an included project's env file or a service's `env_file`.
#[test]
fn every_env_file_is_read_the_same_way() {
    // Invalid UTF-8 (reported where it starts) and a line Compose rejects (after which the
    // file gives no values, so `${NOPE}` is not reached): two findings, in the env file.
    let bad: &[u8] = b"A=caf\xe9\nB=${NOPE}\n'C=1\n";
    let compose = [
        ("project .env", "services:\n  web:\n    image: nginx\n"),
        (
            "include env_file",
            "include:\n  - path: sub/compose.yaml\n    env_file: e.env\nservices:\n  web:\n    image: nginx\n",
        ),
        (
            "service env_file",
            "services:\n  web:\n    image: nginx\n    env_file: e.env\n",
        ),
    ];
    for (how, text) in compose {
        let mut fs = MemFs::new();
        fs.insert("/p/compose.yaml", text);
        fs.insert(
            "/p/sub/compose.yaml",
            "services:\n  sub:\n    image: nginx\n",
        );
        let env_path = if how == "project .env" {
            "/p/.env"
        } else {
            "/p/e.env"
        };
        fs.insert(env_path, bad);
        let (p, s) = load_project(
            &fs,
            &[PathBuf::from("/p/compose.yaml")],
            &LoadOptions::default(),
        )
        .expect("loads");
        let mut found = env_issues(&p, &s);
        found.sort();
        assert_eq!(
            found,
            [
                ("dotenv-syntax".to_string(), env_path.to_string()),
                ("syntax".to_string(), env_path.to_string()),
            ],
            "{how}"
        );
    }
}

/// A missing env file falls back to the template beside it wherever it is named, and one
/// that must exist and does not is reported where it is named.
#[test]
fn missing_env_files_fall_back_to_templates_or_are_reported() {
    let with_template = [
        (
            "/p/sub/.env.example",
            "include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: nginx\n",
            "/p/sub/.env",
        ),
        (
            "/p/web.env.example",
            "services:\n  web:\n    image: nginx\n    env_file: web.env\n",
            "/p/web.env",
        ),
        (
            "/p/.env.example",
            "services:\n  web:\n    image: nginx\n",
            "/p/.env",
        ),
    ];
    for (template, compose, missing) in with_template {
        let mut fs = MemFs::new();
        fs.insert("/p/compose.yaml", compose);
        fs.insert(
            "/p/sub/compose.yaml",
            "services:\n  sub:\n    image: nginx\n",
        );
        fs.insert(template, "A=1\n");
        let (p, _) = load_project(
            &fs,
            &[PathBuf::from("/p/compose.yaml")],
            &LoadOptions::default(),
        )
        .expect("loads");
        let used: Vec<(String, String)> = p
            .templates_used
            .iter()
            .map(|t| {
                (
                    t.missing.display().to_string(),
                    t.template.display().to_string(),
                )
            })
            .collect();
        assert_eq!(
            used,
            [(missing.to_string(), template.to_string())],
            "{compose}"
        );
        assert!(p.issues.is_empty(), "{compose}: {:?}", p.issues);
    }
    // Docker Compose v2.40.3 refuses an include whose named env file is missing
    // (`stat …/nope.env: no such file or directory`).
    let (p, s) = load(
        &[
            (
                "/p/compose.yaml",
                "include:\n  - path: sub/compose.yaml\n    env_file: nope.env\nservices:\n  web:\n    image: nginx\n",
            ),
            (
                "/p/sub/compose.yaml",
                "services:\n  sub:\n    image: nginx\n",
            ),
        ],
        &["/p/compose.yaml"],
    );
    assert_eq!(
        env_issues(&p, &s),
        [("not-found".to_string(), "/p/compose.yaml".to_string())]
    );
}

#[test]
fn the_loader_records_what_it_read_each_file_as_and_its_comments() {
    use composelint::source::FileKind;
    let (_, sources) = load(
        &[
            (
                "/p/compose.yaml",
                "# top\ninclude:\n  - path: inc/compose.yaml\n    env_file: vars.txt\nservices:\n  web:\n    image: \"web # not\" # after\n    build: .\n    env_file:\n      - path: raw.env\n        format: raw\n      - plain.env\n  base:\n    extends: {file: base.yaml, service: b}\n",
            ),
            ("/p/inc/compose.yaml", "services:\n  inc:\n    image: i\n"),
            ("/p/base.yaml", "services:\n  b:\n    image: b # base\n"),
            ("/p/.env", "A=1 # c\n"),
            // Not named like an env file, but read as one.
            ("/p/vars.txt", "# v\nX=1\n"),
            ("/p/raw.env", "# r\nA=1 # the value\n"),
            // A value that cannot be interpolated does not hide where the comments are.
            ("/p/plain.env", "B=${NOPE:?set it} # kept\n"),
            ("/p/Dockerfile", "# syntax=docker/dockerfile:1\nFROM x\n"),
        ],
        &["/p/compose.yaml"],
    );
    let read = |path: &str| {
        let file = sources.get(sources.find(path.as_ref()).expect(path));
        let comments = file.comments().starts().map(|starts| {
            starts
                .iter()
                .map(|&at| file.text[at..].lines().next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        });
        (file.kind(), comments)
    };
    let known = |kind, comments: &[&str]| {
        let comments = comments.iter().map(|c| c.to_string()).collect();
        (Some(kind), Some(comments))
    };
    assert_eq!(
        read("/p/compose.yaml"),
        known(FileKind::Compose, &["# top", "# after"])
    );
    assert_eq!(read("/p/inc/compose.yaml"), known(FileKind::Compose, &[]));
    assert_eq!(read("/p/base.yaml"), known(FileKind::Compose, &["# base"]));
    assert_eq!(read("/p/.env"), known(FileKind::ProjectEnv, &["# c"]));
    assert_eq!(read("/p/vars.txt"), known(FileKind::ProjectEnv, &["# v"]));
    assert_eq!(
        read("/p/raw.env"),
        known(FileKind::ServiceEnv { raw: true }, &["# r"])
    );
    assert_eq!(
        read("/p/plain.env"),
        known(FileKind::ServiceEnv { raw: false }, &["# kept"])
    );
    assert_eq!(read("/p/Dockerfile"), (Some(FileKind::Dockerfile), None));
}

#[test]
fn a_compose_file_that_is_not_text_has_no_known_comments() {
    let mut fs = MemFs::new();
    fs.insert(
        "/p/compose.yaml",
        b"services:\n  web:\n    image: \"w\xff\" # after\n".to_vec(),
    );
    let files = [PathBuf::from("/p/compose.yaml")];
    let (_, sources) = load_project(&fs, &files, &LoadOptions::default()).expect("loads");
    let file = sources.get(sources.find("/p/compose.yaml".as_ref()).unwrap());
    assert_eq!(file.kind(), Some(composelint::source::FileKind::Compose));
    assert_eq!(file.comments().starts(), None);
}
