//! The configuration file through the library: where it is found, how the flags override it,
//! what `select`/`ignore`/`severity`/`fail-on`/`exclude` do to a run, and what the `ollama`
//! section teaches composelint about in-house images and variables.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use composelint::commands::CommandKinds;
use composelint::diagnostic::Severity;
use composelint::fs::{MemFs, OsFs};
use composelint::lint_config::{
    Overrides, Resolved, discover, fails, load_config, parse_config, resolve, statistics,
};
use composelint::net::Platform;
use composelint::rules::RULES;
use composelint::{LintedProject, Settings, lint};

mod common;
use common::CONFIGURED as PROJECT;

fn memfs(files: &[(&str, &str)]) -> MemFs {
    let mut fs = MemFs::new();
    for (path, text) in files {
        fs.insert(*path, *text);
    }
    fs
}

/// The configuration for `dir` as the binary finds it, with `overrides` on top.
fn configured(fs: &MemFs, dir: &str, overrides: &Overrides) -> (Settings, Resolved) {
    let dir = PathBuf::from(dir);
    let file = discover(fs, &dir).map(|p| load_config(fs, &p).expect("the config is valid"));
    let resolved = resolve(file.as_ref(), overrides).expect("the config resolves");
    let mut settings = Settings {
        paths: vec![dir],
        ..Settings::default()
    };
    resolved.apply_to(&mut settings);
    (settings, resolved)
}

fn findings(projects: &[LintedProject]) -> Vec<(String, usize, &'static str, Severity)> {
    projects
        .iter()
        .flat_map(|p| {
            p.diagnostics.iter().map(|d| {
                let span = d.primary.expect("located");
                let file = p.sources.get(span.file);
                (
                    file.path.to_string_lossy().into_owned(),
                    file.line_col(span.start).line,
                    d.code,
                    d.severity,
                )
            })
        })
        .collect()
}

fn codes(projects: &[LintedProject]) -> Vec<&'static str> {
    findings(projects).into_iter().map(|f| f.2).collect()
}

/// The codes a file configuration with `yaml` leaves enabled.
fn enabled(yaml: &str, overrides: &Overrides) -> BTreeSet<&'static str> {
    let fs = memfs(&[("/r/.composelint.yaml", yaml)]);
    let (settings, _) = configured(&fs, "/r", overrides);
    RULES
        .iter()
        .map(|r| r.code)
        .filter(|c| settings.options.is_enabled(c))
        .collect()
}

fn set(codes: &[&'static str]) -> BTreeSet<&'static str> {
    codes.iter().copied().collect()
}

fn oll_codes() -> BTreeSet<&'static str> {
    RULES
        .iter()
        .map(|r| r.code)
        .filter(|c| c.starts_with("OLL"))
        .collect()
}

#[test]
fn the_nearest_file_upward_applies() {
    let fs = memfs(&[
        ("/repo/.git/HEAD", "ref: refs/heads/main\n"),
        ("/repo/.composelint.yaml", "select: [OLL]\n"),
        ("/repo/a/b/compose.yaml", PROJECT),
        ("/repo/c/composelint.yaml", "select: [CMP]\n"),
        ("/repo/c/d/compose.yaml", PROJECT),
    ]);
    assert_eq!(
        discover(&fs, Path::new("/repo/a/b")),
        Some(PathBuf::from("/repo/.composelint.yaml"))
    );
    assert_eq!(
        discover(&fs, Path::new("/repo/c/d")),
        Some(PathBuf::from("/repo/c/composelint.yaml"))
    );
    assert_eq!(
        discover(&fs, Path::new("/repo")),
        Some(PathBuf::from("/repo/.composelint.yaml"))
    );
}

#[test]
fn the_dotted_name_wins_in_one_directory() {
    let fs = memfs(&[
        ("/p/composelint.yaml", "select: [CMP]\n"),
        ("/p/.composelint.yaml", "select: [OLL]\n"),
    ]);
    assert_eq!(
        discover(&fs, Path::new("/p")),
        Some(PathBuf::from("/p/.composelint.yaml"))
    );
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let fs = memfs(&[
        // A configuration above the repository belongs to something else.
        ("/home/me/.composelint.yaml", "select: [CMP]\n"),
        ("/home/me/repo/.git/HEAD", "ref: refs/heads/main\n"),
        ("/home/me/repo/app/compose.yaml", PROJECT),
        // A worktree or submodule has a `.git` file, not a directory.
        (
            "/home/me/wt/.git",
            "gitdir: /home/me/repo/.git/worktrees/wt\n",
        ),
        ("/home/me/wt/app/compose.yaml", PROJECT),
        // Outside any repository the search goes on to the root.
        ("/home/me/loose/compose.yaml", PROJECT),
    ]);
    assert_eq!(discover(&fs, Path::new("/home/me/repo/app")), None);
    assert_eq!(discover(&fs, Path::new("/home/me/wt/app")), None);
    assert_eq!(
        discover(&fs, Path::new("/home/me/loose")),
        Some(PathBuf::from("/home/me/.composelint.yaml"))
    );
}

#[test]
fn without_a_file_everything_is_on() {
    let fs = memfs(&[("/r/compose.yaml", PROJECT)]);
    let (settings, resolved) = configured(&fs, "/r", &Overrides::default());
    assert_eq!(resolved.file, None);
    assert_eq!(resolved.options.fail_on, Severity::Warning);
    assert_eq!(resolved.platform, None, "no platform chosen");
    let projects = lint(&fs, &settings).unwrap();
    assert_eq!(
        findings(&projects),
        vec![
            ("/r/compose.yaml".into(), 9, "CMP004", Severity::Warning),
            ("/r/compose.yaml".into(), 11, "OLL001", Severity::Error),
        ]
    );
    assert!(fails(&projects));
}

#[test]
fn select_and_ignore_take_codes_prefixes_and_all() {
    let none = Overrides::default();
    assert_eq!(enabled("select: [ALL]\n", &none).len(), RULES.len());
    assert_eq!(enabled("select: [OLL]\n", &none), oll_codes());
    assert_eq!(
        enabled("select: [CMP00]\n", &none),
        set(&[
            "CMP001", "CMP002", "CMP003", "CMP004", "CMP005", "CMP006", "CMP007", "CMP008",
            "CMP009"
        ])
    );
    assert_eq!(
        enabled("select: [OLL]\nignore: [OLL01]\n", &none),
        set(&[
            "OLL001", "OLL002", "OLL003", "OLL004", "OLL005", "OLL006", "OLL007", "OLL008",
            "OLL009", "OLL020", "OLL021"
        ])
    );
    // The more specific selector wins, whichever list it is in.
    assert_eq!(
        enabled("select: [OLL001]\nignore: [OLL]\n", &none),
        set(&["OLL001"])
    );
    // Without `select`, `ignore` removes from everything.
    let not_cmp: BTreeSet<&'static str> = RULES
        .iter()
        .map(|r| r.code)
        .filter(|c| !c.starts_with("CMP"))
        .collect();
    assert!(not_cmp.contains("NET001") && not_cmp.contains("OLL001"));
    assert_eq!(enabled("ignore: [CMP]\n", &none), not_cmp);
    // Codes are read case-insensitively, and a rule's name is a selector too.
    assert_eq!(
        enabled("select: [oll001, wrong-port]\n", &none),
        set(&["OLL001", "OLL006"])
    );
    assert_eq!(enabled("select: []\n", &none), set(&[]));
}

#[test]
fn flags_override_the_file() {
    let file =
        "select: [CMP]\nignore: [CMP004]\nfail-on: info\nplatform: desktop\nenv-files: [ci.env]\n";
    // `--select` starts over: the file's selection and its ignores are replaced.
    let select = Overrides {
        select: Some(vec!["OLL001".into(), "CMP004".into()]),
        ..Overrides::default()
    };
    assert_eq!(enabled(file, &select), set(&["CMP004", "OLL001"]));
    // `--ignore` alone removes from what the file selected.
    let ignore = Overrides {
        ignore: vec!["CMP001".into(), "CMP002".into()],
        ..Overrides::default()
    };
    assert_eq!(
        enabled(file, &ignore),
        set(&[
            "CMP003", "CMP005", "CMP006", "CMP007", "CMP008", "CMP009", "CMP010", "CMP011",
            "CMP012", "CMP013", "CMP014", "CMP015", "CMP016", "CMP017", "CMP018", "CMP019",
            "CMP900", "CMP901"
        ])
    );

    let fs = memfs(&[("/r/.composelint.yaml", file)]);
    let (_, from_file) = configured(&fs, "/r", &Overrides::default());
    assert_eq!(from_file.options.fail_on, Severity::Info);
    assert_eq!(from_file.platform, Some(Platform::Desktop));
    // Relative to the configuration file's directory.
    assert_eq!(from_file.env_files, vec![PathBuf::from("/r/ci.env")]);
    assert_eq!(from_file.file, Some(PathBuf::from("/r/.composelint.yaml")));

    let flags = Overrides {
        fail_on: Some(Severity::Error),
        platform: Some(Platform::Linux),
        env_files: vec![PathBuf::from("/elsewhere/.env")],
        ..Overrides::default()
    };
    let (settings, resolved) = configured(&fs, "/r", &flags);
    assert_eq!(resolved.options.fail_on, Severity::Error);
    assert_eq!(resolved.platform, Some(Platform::Linux));
    assert_eq!(settings.platform, Some(Platform::Linux));
    assert_eq!(
        settings.load.env_files,
        vec![PathBuf::from("/elsewhere/.env")]
    );
}

#[test]
fn a_bad_flag_is_an_error_naming_the_flag() {
    let bad = Overrides {
        select: Some(vec!["OLL".into(), "XX1".into()]),
        ..Overrides::default()
    };
    let e = resolve(None, &bad).unwrap_err();
    assert_eq!(e.path, None);
    assert!(
        e.message.starts_with("--select: ") && e.message.contains("`XX1`"),
        "{}",
        e.message
    );
}

/// `--select ''` would turn every rule off and pass anything: it is an error.
#[test]
fn an_empty_select_is_an_error() {
    for list in [vec![String::new()], vec![" ".to_string(), String::new()]] {
        let empty = Overrides {
            select: Some(list),
            ..Overrides::default()
        };
        let e = resolve(None, &empty).unwrap_err();
        assert!(
            e.message.starts_with("--select: names no rule"),
            "{}",
            e.message
        );
    }
}

#[test]
fn selection_filters_the_findings() {
    let fs = memfs(&[
        ("/r/compose.yaml", PROJECT),
        ("/r/.composelint.yaml", "ignore: [OLL001]\n"),
    ]);
    let (settings, _) = configured(&fs, "/r", &Overrides::default());
    assert_eq!(codes(&lint(&fs, &settings).unwrap()), vec!["CMP004"]);

    let only_oll = Overrides {
        select: Some(vec!["OLL".into()]),
        ..Overrides::default()
    };
    let (settings, _) = configured(&fs, "/r", &only_oll);
    assert_eq!(codes(&lint(&fs, &settings).unwrap()), vec!["OLL001"]);
}

#[test]
fn severity_overrides_and_fail_on() {
    let fs = memfs(&[
        ("/r/compose.yaml", PROJECT),
        (
            "/r/.composelint.yaml",
            "severity:\n  OLL: warning\n  CMP004: info\nfail-on: error\n",
        ),
    ]);
    let (settings, _) = configured(&fs, "/r", &Overrides::default());
    let mut projects = lint(&fs, &settings).unwrap();
    assert_eq!(
        findings(&projects),
        vec![
            ("/r/compose.yaml".into(), 9, "CMP004", Severity::Info),
            ("/r/compose.yaml".into(), 11, "OLL001", Severity::Warning),
        ]
    );
    // Nothing at error level is left, so the run passes; at warning it would not.
    assert_eq!(projects[0].fail_on, Severity::Error);
    assert!(!fails(&projects));
    projects[0].fail_on = Severity::Warning;
    assert!(fails(&projects));

    // The most specific key decides.
    let fs = memfs(&[
        ("/r/compose.yaml", PROJECT),
        (
            "/r/.composelint.yaml",
            "severity:\n  OLL001: info\n  ALL: error\n",
        ),
    ]);
    let (settings, _) = configured(&fs, "/r", &Overrides::default());
    assert_eq!(
        findings(&lint(&fs, &settings).unwrap()),
        vec![
            ("/r/compose.yaml".into(), 9, "CMP004", Severity::Error),
            ("/r/compose.yaml".into(), 11, "OLL001", Severity::Info),
        ]
    );
}

#[test]
fn exclude_globs_are_relative_to_the_file() {
    let fs = memfs(&[
        ("/r/.git/HEAD", "ref: refs/heads/main\n"),
        (
            "/r/.composelint.yaml",
            "exclude:\n  - legacy\n  - 'examples/*/docker-compose.yml'\n",
        ),
        ("/r/app/compose.yaml", PROJECT),
        ("/r/legacy/old/compose.yaml", PROJECT),
        ("/r/examples/one/docker-compose.yml", PROJECT),
        ("/r/examples/two/compose.yaml", PROJECT),
    ]);
    let (settings, _) = configured(&fs, "/r", &Overrides::default());
    let projects = lint(&fs, &settings).unwrap();
    let linted: Vec<String> = projects
        .iter()
        .map(|p| p.project.directory.to_string_lossy().into_owned())
        .collect();
    assert_eq!(linted, vec!["/r/app", "/r/examples/two"]);
}

/// A script and a document beside a compose project, each with a finding.
const SCRIPT: &str = "docker network create llm\ndocker run -d --network llm --name ollama ollama/ollama\ndocker run -d --network llm -e OLLAMA_BASE_URL=http://localhost:11434 --name webui ghcr.io/open-webui/open-webui:main\n";

#[test]
fn sources_turn_scripts_and_documents_on_and_off() {
    let document = format!("# Run\n\n```sh\n{SCRIPT}```\n");
    let linted = |config: &str, overrides: &Overrides, path: &str| -> Vec<String> {
        let fs = memfs(&[
            ("/r/.git/HEAD", "ref: refs/heads/main\n"),
            ("/r/.composelint.yaml", config),
            ("/r/app/compose.yaml", PROJECT),
            ("/r/app/run.sh", SCRIPT),
            ("/r/docs/setup.md", &document),
        ]);
        let (mut settings, _) = configured(&fs, "/r", overrides);
        settings.paths = vec![PathBuf::from(path)];
        let mut files: Vec<String> = findings(&lint(&fs, &settings).unwrap())
            .into_iter()
            .map(|f| f.0)
            .collect();
        files.dedup();
        files
    };
    let everything = ["/r/app/compose.yaml", "/r/app/run.sh", "/r/docs/setup.md"];
    assert_eq!(linted("{}", &Overrides::default(), "/r"), everything);
    assert_eq!(
        linted("sources: {markdown: false}", &Overrides::default(), "/r"),
        ["/r/app/compose.yaml", "/r/app/run.sh"]
    );
    assert_eq!(
        linted(
            "sources: {shell: false, markdown: true}",
            &Overrides::default(),
            "/r"
        ),
        ["/r/app/compose.yaml", "/r/docs/setup.md"]
    );
    // A file named on the command line (as pre-commit passes it) is read only when its kind
    // is on.
    let off = "sources: {markdown: false}";
    assert!(linted(off, &Overrides::default(), "/r/docs/setup.md").is_empty());
    assert_eq!(
        linted("{}", &Overrides::default(), "/r/docs/setup.md"),
        ["/r/docs/setup.md"]
    );
    // `--sources` replaces the file's choice.
    let only_markdown = Overrides {
        sources: Some(CommandKinds {
            shell: false,
            markdown: true,
        }),
        ..Overrides::default()
    };
    assert_eq!(
        linted(off, &only_markdown, "/r"),
        ["/r/app/compose.yaml", "/r/docs/setup.md"]
    );
    let none = Overrides {
        sources: Some(CommandKinds::NONE),
        ..Overrides::default()
    };
    assert_eq!(linted("{}", &none, "/r"), ["/r/app/compose.yaml"]);
}

#[test]
fn errors_name_the_file_line_and_key() {
    let fs = memfs(&[(
        "/r/.composelint.yaml",
        "select: [OLL]\nollama:\n  server-images: [acme/ollama]\n  client-variable: []\n",
    )]);
    let e = load_config(&fs, Path::new("/r/.composelint.yaml")).unwrap_err();
    assert_eq!(e.path, Some(PathBuf::from("/r/.composelint.yaml")));
    assert_eq!(e.line, Some(4));
    assert!(e.message.contains("`client-variable`"), "{}", e.message);
    assert!(
        e.to_string().starts_with("/r/.composelint.yaml:4:"),
        "{}",
        e
    );

    // A value of the wrong type names what was expected in YAML's words.
    let e = parse_config("fail-on: [error]\n").unwrap_err();
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (
            Some(1),
            Some(10),
            "fail-on: invalid type: sequence, expected one of `error`, `warning`, `info`"
        )
    );

    for (text, line, needle) in [
        ("platform: mac\n", 1, "mac"),
        ("ignore:\n  - OLL001\n  - OLL404\n", 3, "OLL404"),
        ("severity:\n  OLL001: critical\n", 2, "critical"),
        ("fail-on: [error]\n", 1, "fail-on"),
        (
            "ollama:\n  client-variables:\n    - name: X\n      path: /api/v2\n",
            4,
            "path",
        ),
        (
            "ollama:\n  client-variables:\n    - name: X\n      scheme: https\n",
            4,
            "https",
        ),
        (
            "ollama:\n  client-variables:\n    - path: none\n",
            3,
            "name",
        ),
        (
            "ollama: ~\n",
            1,
            "ollama: invalid type: null, expected a mapping",
        ),
        (
            "select: [OLL]\n---\nignore: [OLL001]\n",
            3,
            "expected one YAML document",
        ),
    ] {
        let e = parse_config(text).unwrap_err();
        assert_eq!(e.line, Some(line), "{text:?}: {e}");
        assert!(e.message.contains(needle), "{text:?}: {e}");
    }
}

#[test]
fn statistics_count_per_rule() {
    let fs = memfs(&[
        ("/r/a/compose.yaml", PROJECT),
        ("/r/b/compose.yaml", PROJECT),
        (
            "/r/c/compose.yaml",
            "services:\n  x:\n    image: \"${IMG}\"\n    labels: [\"a=${A}\"]\n",
        ),
    ]);
    let (settings, _) = configured(&fs, "/r", &Overrides::default());
    let rows: Vec<(&str, &str, usize)> = statistics(&lint(&fs, &settings).unwrap())
        .into_iter()
        .map(|r| (r.code, r.name, r.count))
        .collect();
    // One CMP004 per unset variable (a and b: TEAM; c: IMG and A), one OLL001 in a and b,
    // and c's image, empty without IMG, is one Compose refuses (CMP013).
    assert_eq!(
        rows,
        vec![
            ("CMP004", "undefined-variable", 4),
            ("OLL001", "loopback-in-container", 2),
            ("CMP013", "service-without-image", 1)
        ]
    );
}

/// A fixture of `fixtures/config/`, linted with its own `.composelint.yaml` or without one.
fn lint_fixture(name: &str, with_config: bool) -> Vec<(usize, &'static str)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/config")
        .join(name);
    let file = with_config
        .then(|| load_config(&OsFs, &dir.join(".composelint.yaml")).expect("valid config"));
    let resolved = resolve(file.as_ref(), &Overrides::default()).expect("resolves");
    let mut settings = Settings {
        paths: vec![dir],
        ..Settings::default()
    };
    resolved.apply_to(&mut settings);
    findings(&lint(&OsFs, &settings).expect("lints"))
        .into_iter()
        .map(|(_, line, code, _)| (line, code))
        .collect()
}

#[test]
fn an_in_house_image_counts_as_an_ollama_server_only_with_the_config() {
    // `registry.corp/llm/ollama-gpu` is unknown to the tables: its `OLLAMA_HOST` reads as a
    // client variable, so composelint mistakes the server's own listen address for a URL
    // aimed at loopback (OLL001), and the client's `http://llm:11434` points at nothing it
    // knows to listen.
    assert_eq!(lint_fixture("in-house-server", false), vec![(5, "OLL001")]);
    // Taught that the image runs Ollama, it sees the real problem: the server binds its
    // container's loopback (`OLLAMA_HOST: 127.0.0.1`), so `chat` cannot reach it (OLL008).
    assert_eq!(lint_fixture("in-house-server", true), vec![(5, "OLL008")]);
}

#[test]
fn an_in_house_variable_is_followed_only_with_the_config() {
    // No profile or name pattern knows `CHATBOT_LLM_URL` / `CHATBOT_FALLBACK_URL`, and the
    // first one's URL cannot be judged without knowing what path the app expects.
    assert_eq!(lint_fixture("in-house-variable", false), vec![]);
    // Declared with `path: none`: `/api` doubles into `/api/api/...` (OLL011), and the
    // fallback names a host no service provides (OLL005).
    assert_eq!(
        lint_fixture("in-house-variable", true),
        vec![(9, "OLL011"), (10, "OLL005")]
    );
}

#[test]
fn the_fixture_configs_discover_themselves() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/config/in-house-server");
    assert_eq!(discover(&OsFs, &dir), Some(dir.join(".composelint.yaml")));
}

#[test]
fn the_readme_example_is_a_valid_configuration() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let section = readme
        .split("\n## Configuration\n")
        .nth(1)
        .expect("a Configuration section");
    let example = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a YAML example in it");
    let fs = memfs(&[("/r/.composelint.yaml", example)]);
    let (settings, resolved) = configured(&fs, "/r", &Overrides::default());
    assert!(!settings.options.is_enabled("CMP011"));
    assert!(settings.options.is_enabled("OLL001"));
    assert_eq!(
        settings.options.severity.get("OLL013"),
        Some(&Severity::Info)
    );
    assert_eq!(
        settings.options.severity.get("CMP004"),
        Some(&Severity::Error)
    );
    assert_eq!(resolved.platform, Some(Platform::Linux));
    assert_eq!(resolved.env_files, vec![PathBuf::from("/r/ci.env")]);
    assert_eq!(settings.options.ollama.server_images.len(), 2);
    assert_eq!(
        settings.options.sources,
        CommandKinds {
            shell: true,
            markdown: false
        }
    );
    let names: Vec<&str> = settings
        .options
        .ollama
        .client_variables
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["CHATBOT_LLM_URL", "NEXT_PUBLIC_LLM_URL", "LLM_POOL_URLS"]
    );
    assert!(
        settings
            .options
            .exclude
            .is_excluded(Path::new("/r/vendor/a/compose.yaml"))
    );
}

#[test]
fn a_client_variable_carries_its_side_and_path() {
    let compose = "services:\n  ollama:\n    image: ollama/ollama:0.5.7\n    volumes:\n      - models:/root/.ollama\n  ui:\n    image: registry.corp/apps/ui:1\n    environment:\n      UI_LLM: http://ollama:11434\n    depends_on:\n      - ollama\nvolumes:\n  models:\n";
    let run = |config: &str| {
        let fs = memfs(&[
            ("/r/compose.yaml", compose),
            ("/r/.composelint.yaml", config),
        ]);
        let (settings, _) = configured(&fs, "/r", &Overrides::default());
        findings(&lint(&fs, &settings).unwrap())
            .into_iter()
            .map(|(_, line, code, _)| (line, code))
            .collect::<Vec<_>>()
    };
    // A service name is right for the container, so with the default form all is well.
    assert_eq!(
        run("ollama:\n  client-variables: [{name: UI_LLM}]\n"),
        vec![]
    );
    // The user's browser cannot resolve `ollama` (OLL016).
    assert_eq!(
        run("ollama:\n  client-variables: [{name: UI_LLM, side: browser}]\n"),
        vec![(9, "OLL016")]
    );
    // An OpenAI-compatible base needs `/v1` (OLL011).
    assert_eq!(
        run("ollama:\n  client-variables: [{name: UI_LLM, path: /v1}]\n"),
        vec![(9, "OLL011")]
    );
}
