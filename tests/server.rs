//! `composelint server` driven over standard input and output as an editor drives it:
//! initialize, open and change documents, read the published diagnostics, ask for code
//! actions, apply their edits, and shut down.

mod lsp;

use std::path::Path;
use std::time::Duration;

use lsp::{Client, action, apply, codes, uri};
use serde_json::{Value, json};

/// An empty repository: configuration is searched no further up than its root.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// A repository holding the demo project.
fn demo() -> tempfile::TempDir {
    let dir = repository();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    for name in ["compose.yaml", ".env"] {
        std::fs::copy(demo.join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn range(start: (u64, u64), end: (u64, u64)) -> Value {
    json!({
        "start": {"line": start.0, "character": start.1},
        "end": {"line": end.0, "character": end.1}
    })
}

/// The edits of a workspace edit for one file, with the version they were made for.
fn edits_for<'a>(action: &'a Value, file: &str) -> (&'a Value, &'a [Value]) {
    let change = action["edit"]["documentChanges"]
        .as_array()
        .expect("versioned document changes")
        .iter()
        .find(|c| c["textDocument"]["uri"] == file)
        .unwrap_or_else(|| panic!("no change of {file} in {action:#}"));
    (
        &change["textDocument"]["version"],
        change["edits"].as_array().expect("edits"),
    )
}

#[test]
fn an_editor_session_on_the_demo_project() {
    let dir = demo();
    let compose = dir.path().join("compose.yaml");
    let env = dir.path().join(".env");
    let (compose_uri, env_uri) = (uri(&compose), uri(&env));
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    assert_eq!(client.encoding, "utf-16");
    let text = std::fs::read_to_string(&compose).unwrap();
    client.open(&compose, "yaml.docker-compose", 1, &text);

    // The finding in `.env`, which is not open, is published there, with the compose line
    // that uses the value as related information.
    let env_diagnostics = client.diagnostics(&env_uri, |p| {
        !p["diagnostics"].as_array().unwrap().is_empty()
    });
    let d = &env_diagnostics["diagnostics"][0];
    assert_eq!(codes(&env_diagnostics), ["OLL009"]);
    // `OLLAMA_BASE_URL=http://host.docker.internal:11434`: the host, line 2, columns 24-44.
    assert_eq!(d["range"], range((1, 23), (1, 43)));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "composelint");
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/docs/rules/OLL009.md"),
        "{d}"
    );
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], compose_uri);
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 13, "character": 6})
    );
    assert!(related["message"].as_str().unwrap().contains("used here"));

    let compose_diagnostics = client.diagnostics(&compose_uri, |_| true);
    assert_eq!(compose_diagnostics["version"], 1);
    // OLL012 beside `.env`'s OLL009: Open WebUI does not depend on the Ollama it means.
    assert_eq!(codes(&compose_diagnostics), ["CMP009", "OLL001", "OLL012"]);

    // The quick fix in `.env`, a file the editor has not open: no version.
    let actions = client.code_actions(&env, range((1, 30), (1, 30)), None);
    let fix = action(&actions, "OLL009:");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let (version, edits) = edits_for(fix, &env_uri);
    assert_eq!(*version, Value::Null);
    let env_text = std::fs::read_to_string(&env).unwrap();
    let fixed_env = apply(&env_text, edits, "utf-16");
    assert!(
        fixed_env.contains("OLLAMA_BASE_URL=http://ollama:11434\n"),
        "{fixed_env}"
    );
    // The editor writes the file; the watcher says so; the finding is gone.
    std::fs::write(&env, &fixed_env).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": env_uri, "type": 2}]}),
    );
    let cleared = client.diagnostics(&env_uri, |_| true);
    assert_eq!(codes(&cleared), Vec::<String>::new());

    // The quick fix in the open document carries its version; applied, the finding goes.
    let actions = client.code_actions(&compose, range((20, 30), (20, 30)), None);
    let fix = action(&actions, "OLL001:");
    let (version, edits) = edits_for(fix, &compose_uri);
    assert_eq!(*version, 1);
    let text = apply(&text, edits, "utf-16");
    assert!(text.contains("OLLAMA_HOST: http://ollama:11434"), "{text}");
    client.change(&compose, 2, &text);
    let after = client.diagnostics(&compose_uri, |p| p["version"] == 2);
    // With `.env` fixed too, Open WebUI names `ollama`, which its `depends_on` misses.
    assert_eq!(codes(&after), ["CMP009", "OLL012"]);

    // CMP009 has no fix: disabling it for its line writes the comment with a reason to fill.
    let actions = client.code_actions(&compose, range((15, 20), (15, 20)), None);
    assert!(
        actions
            .iter()
            .all(|a| !a["title"].as_str().unwrap().starts_with("CMP009:")),
        "{actions:#?}"
    );
    let disable = action(&actions, "Disable CMP009 for this line");
    let (version, edits) = edits_for(disable, &compose_uri);
    assert_eq!(*version, 2);
    let text = apply(&text, edits, "utf-16");
    assert!(
        text.contains("depends_on: [olama]  # composelint: disable=CMP009 -- reason\n"),
        "{text}"
    );
    client.change(&compose, 3, &text);
    let after = client.diagnostics(&compose_uri, |p| p["version"] == 3);
    assert_eq!(codes(&after), ["OLL012"]);

    assert!(client.shutdown().success());
}

/// Open WebUI told `localhost` in a flow mapping after non-ASCII text on the same line, and
/// an Ollama without a volume for its models.
const NON_ASCII: &str = "services:
  ollama:
    image: ollama/ollama
  web:
    image: ghcr.io/open-webui/open-webui:main
    environment: {NOTE: \"é😀\", OLLAMA_BASE_URL: \"http://localhost:11434\"}
    depends_on: [ollama]
";

#[test]
fn positions_are_counted_in_the_negotiated_encoding() {
    // `localhost` starts after 55 characters of its line: 56 UTF-16 units (😀 is two) and
    // 59 bytes (é is two, 😀 four).
    for (offered, chosen, start, end) in [
        (vec!["utf-16"], "utf-16", 56, 65),
        (vec!["utf-8", "utf-16"], "utf-8", 59, 68),
        (vec!["utf-32"], "utf-32", 55, 64),
        (vec![], "utf-16", 56, 65),
    ] {
        let dir = repository();
        let compose = dir.path().join("compose.yaml");
        let mut client = Client::start(dir.path(), &offered, None);
        assert_eq!(client.encoding, chosen);
        client.open(&compose, "yaml", 1, NON_ASCII);
        let published = client.diagnostics(&uri(&compose), |_| true);
        let oll001 = published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "OLL001")
            .expect("OLL001");
        assert_eq!(oll001["range"], range((5, start), (5, end)), "{chosen}");
        // The fix, applied with the same encoding, writes `ollama` in place of `localhost`.
        let actions = client.code_actions(&compose, range((5, start), (5, start)), None);
        let (_, edits) = edits_for(action(&actions, "OLL001:"), &uri(&compose));
        let fixed = apply(NON_ASCII, edits, chosen);
        assert_eq!(fixed, NON_ASCII.replace("localhost", "ollama"), "{chosen}");
        assert!(client.shutdown().success());
    }
}

#[test]
fn unsafe_fixes_are_labelled_and_come_after_the_safe_ones() {
    let dir = repository();
    let compose = dir.path().join("compose.yaml");
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    client.open(&compose, "yaml.docker-compose", 1, NON_ASCII);
    client.diagnostics(&uri(&compose), |_| true);
    // The whole file: OLL001 (safe) on line 6, OLL013 (unsafe) on line 2.
    let actions = client.code_actions(&compose, range((0, 0), (7, 0)), Some(&["quickfix"]));
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let safe = titles
        .iter()
        .position(|t| t.starts_with("OLL001:"))
        .expect("OLL001");
    let unsafe_ = titles
        .iter()
        .position(|t| t.starts_with("OLL013:"))
        .expect("OLL013");
    assert!(safe < unsafe_, "{titles:?}");
    assert!(titles[unsafe_].ends_with("(unsafe fix)"), "{titles:?}");
    assert!(!titles[safe].contains("unsafe"), "{titles:?}");
    assert_eq!(actions[unsafe_]["isPreferred"], false);
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"));
    assert!(client.shutdown().success());
}

#[test]
fn fix_all_applies_the_safe_fixes_for_fix_on_save() {
    let dir = demo();
    let compose = dir.path().join("compose.yaml");
    let env = dir.path().join(".env");
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    let text = std::fs::read_to_string(&compose).unwrap();
    client.open(&compose, "yaml.docker-compose", 1, &text);
    client.diagnostics(&uri(&compose), |_| true);
    let actions = client.code_actions(&compose, range((0, 0), (0, 0)), Some(&["source.fixAll"]));
    assert_eq!(actions.len(), 1, "{actions:#?}");
    let fix_all = &actions[0];
    assert_eq!(fix_all["kind"], "source.fixAll.composelint");
    // Both safe fixes: `localhost` in the open compose file, the host in `.env` (not open).
    let (version, edits) = edits_for(fix_all, &uri(&compose));
    assert_eq!(*version, 1);
    let fixed = apply(&text, edits, "utf-16");
    assert_eq!(
        fixed,
        text.replace("http://localhost:11434", "http://ollama:11434")
    );
    let (version, edits) = edits_for(fix_all, &uri(&env));
    assert_eq!(*version, Value::Null);
    let env_text = std::fs::read_to_string(&env).unwrap();
    assert_eq!(
        apply(&env_text, edits, "utf-16"),
        env_text.replace("host.docker.internal", "ollama")
    );
    assert!(client.shutdown().success());
}

#[test]
fn a_change_to_an_open_env_file_relints_the_project_that_reads_it() {
    let dir = demo();
    let compose = dir.path().join("compose.yaml");
    let env = dir.path().join(".env");
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    let env_text = std::fs::read_to_string(&env).unwrap();
    client.open(&env, "dotenv", 1, &env_text);
    let published = client.diagnostics(&uri(&env), |p| p["version"] == 1);
    assert_eq!(codes(&published), ["OLL009"]);
    // The compose file is not open; its findings are published all the same (OLL012:
    // `open-webui` does not depend on the Ollama the `.env` URL is meant to reach).
    let compose_published = client.diagnostics(&uri(&compose), |_| true);
    assert_eq!(codes(&compose_published), ["CMP009", "OLL001", "OLL012"]);
    // The buffer, not the file on disk, is what the project reads.
    client.change(&env, 2, &env_text.replace("host.docker.internal", "ollama"));
    let published = client.diagnostics(&uri(&env), |p| p["version"] == 2);
    assert_eq!(codes(&published), Vec::<String>::new());
    assert!(
        std::fs::read_to_string(&env)
            .unwrap()
            .contains("host.docker.internal")
    );
    assert!(client.shutdown().success());
}

#[test]
fn typing_is_linted_once_it_pauses_and_only_the_last_version_counts() {
    let dir = demo();
    let compose = dir.path().join("compose.yaml");
    let uri = uri(&compose);
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    let text = std::fs::read_to_string(&compose).unwrap();
    client.open(&compose, "yaml.docker-compose", 1, &text);
    client.diagnostics(&uri, |p| p["version"] == 1);
    // Keystrokes: the service name typed letter by letter, the last one right.
    let broken = text.replace("depends_on: [olama]", "depends_on: []");
    let mut version = 1;
    for typed in ["o", "ol", "oll", "olla", "ollam", "ollama"] {
        version += 1;
        client.change(
            &compose,
            version,
            &broken.replace("depends_on: []", &format!("depends_on: [{typed}]")),
        );
    }
    let last = client.diagnostics(&uri, |p| p["version"] == version);
    assert_eq!(codes(&last), ["OLL001"]);
    // Nothing about an older version arrives after the newest (before it, a lint of a
    // version the editor had not moved past yet may have been published).
    client.forget_unread();
    client.drain(Duration::from_millis(300));
    let later: Vec<&Value> = client
        .unread()
        .filter(|m| m["params"]["uri"] == uri)
        .collect();
    assert!(
        later.iter().all(|m| m["params"]["version"] == version),
        "{later:#?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn the_configuration_and_the_client_s_options_choose_the_rules() {
    let dir = demo();
    let compose = dir.path().join("compose.yaml");
    std::fs::write(dir.path().join(".composelint.yaml"), "ignore: [CMP009]\n").unwrap();
    let text = std::fs::read_to_string(&compose).unwrap();

    let mut client = Client::start(dir.path(), &["utf-16"], None);
    client.open(&compose, "yaml.docker-compose", 1, &text);
    assert_eq!(
        codes(&client.diagnostics(&uri(&compose), |_| true)),
        ["OLL001", "OLL012"]
    );
    assert!(client.shutdown().success());

    let options = json!({"select": ["CMP"], "platform": "linux"});
    let mut client = Client::start(dir.path(), &["utf-16"], Some(options));
    client.open(&compose, "yaml.docker-compose", 1, &text);
    // The client's `select` replaces the file's choice, as `--select` does.
    assert_eq!(
        codes(&client.diagnostics(&uri(&compose), |_| true)),
        ["CMP009"]
    );
    assert!(client.shutdown().success());
}

/// A project lints by the configuration nearest to it, not to the document opened: an env
/// file in a directory of its own configuration is linted as part of the project above it.
#[test]
fn a_project_takes_its_own_configuration_whichever_of_its_files_is_open() {
    let dir = repository();
    let app = dir.path().join("app");
    std::fs::create_dir_all(app.join("env")).unwrap();
    std::fs::write(
        app.join("compose.yaml"),
        "services:\n  web:\n    image: ghcr.io/open-webui/open-webui:main\n    env_file: env/llm.env\n",
    )
    .unwrap();
    let env = app.join("env/llm.env");
    let env_text = "OLLAMA_BASE_URL=http://localhost:11434\n";
    std::fs::write(&env, env_text).unwrap();
    // Not the project's: it governs only what lies in `env/`.
    std::fs::write(app.join("env/.composelint.yaml"), "ignore: [OLL001]\n").unwrap();
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    client.open(&env, "dotenv", 1, env_text);
    let published = client.diagnostics(&uri(&env), |p| p["version"] == 1);
    assert_eq!(codes(&published), ["OLL001"]);
    assert!(client.shutdown().success());

    // The project's own file applies, whichever file is open.
    std::fs::write(app.join(".composelint.yaml"), "ignore: [OLL001]\n").unwrap();
    std::fs::remove_file(app.join("env/.composelint.yaml")).unwrap();
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    client.open(&env, "dotenv", 1, env_text);
    let published = client.diagnostics(&uri(&env), |p| p["version"] == 1);
    assert_eq!(codes(&published), Vec::<String>::new());
    assert!(client.shutdown().success());
}

#[test]
fn a_yaml_file_that_is_no_compose_file_is_left_alone() {
    let dir = repository();
    let other = dir.path().join("values.yaml");
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    client.open(&other, "yaml", 1, "replicas: 3\nimage: {}\n");
    client.drain(Duration::from_millis(500));
    assert!(
        client
            .unread()
            .all(|m| m["method"] != "textDocument/publishDiagnostics"),
        "{:#?}",
        client.unread().collect::<Vec<_>>()
    );
    assert!(client.shutdown().success());
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let dir = repository();
    let client = Client::start(dir.path(), &["utf-16"], None);
    assert_eq!(client.exit_at_once().code(), Some(1));
    let client = Client::start(dir.path(), &["utf-16"], None);
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn an_env_file_of_any_name_is_linted_through_the_project_that_reads_it() {
    let dir = repository();
    let compose = dir.path().join("compose.yaml");
    let settings = dir.path().join("settings.txt");
    std::fs::write(
        &compose,
        "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [models:/root/.ollama]\n  web:\n    image: ghcr.io/open-webui/open-webui:main\n    env_file: settings.txt\n    depends_on: [ollama]\nvolumes:\n  models: {}\n",
    )
    .unwrap();
    let text = "OLLAMA_BASE_URL=http://localhost:11434\n";
    std::fs::write(&settings, text).unwrap();
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    // Opened alone, a file of another name names no project: it is not linted as one.
    client.open(&settings, "plaintext", 1, text);
    client.drain(Duration::from_millis(300));
    assert!(
        client
            .unread()
            .all(|m| m["params"]["uri"] != uri(&settings))
    );
    // Once its project is known, the file's findings and its changes are the project's.
    let compose_text = std::fs::read_to_string(&compose).unwrap();
    client.open(&compose, "yaml.docker-compose", 1, &compose_text);
    let published = client.diagnostics(&uri(&settings), |p| p["version"] == 1);
    assert_eq!(codes(&published), ["OLL001"]);
    client.change(&settings, 2, "OLLAMA_BASE_URL=http://ollama:11434\n");
    let published = client.diagnostics(&uri(&settings), |p| p["version"] == 2);
    assert_eq!(codes(&published), Vec::<String>::new());
    assert!(client.shutdown().success());
}

#[test]
fn a_configuration_that_does_not_load_is_shown_to_the_user() {
    let dir = demo();
    let compose = dir.path().join("compose.yaml");
    std::fs::write(dir.path().join(".composelint.yaml"), "selct: [CMP]\n").unwrap();
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    let text = std::fs::read_to_string(&compose).unwrap();
    client.open(&compose, "yaml.docker-compose", 1, &text);
    let shown = client.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 1);
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains("selct"), "{message}");
    // Typing on: the same error is not shown again.
    client.change(&compose, 2, &format!("{text}\n"));
    client.drain(Duration::from_millis(500));
    assert!(
        client.unread().all(|m| m["method"] != "window/showMessage"),
        "{:#?}",
        client.unread().collect::<Vec<_>>()
    );
    assert!(client.shutdown().success());
}

#[test]
fn a_directive_that_suppresses_nothing_is_marked_unnecessary() {
    let dir = repository();
    let compose = dir.path().join("compose.yaml");
    let text = "services:\n  web:\n    image: nginx  # composelint: disable=OLL001 -- reason\n";
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    client.open(&compose, "yaml.docker-compose", 1, text);
    let published = client.diagnostics(&uri(&compose), |_| true);
    assert_eq!(codes(&published), ["CMP901"]);
    // DiagnosticTag.Unnecessary is 1.
    assert_eq!(published["diagnostics"][0]["tags"], json!([1]));
    assert!(client.shutdown().success());
}

#[test]
fn the_server_answers_while_a_slow_lint_runs() {
    let dir = repository();
    let compose = dir.path().join("compose.yaml");
    let mut text = String::from("services:\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "  client-{i}:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://localhost:11434\n"
        ));
    }
    let mut client = Client::start(dir.path(), &["utf-16"], None);
    client.open(&compose, "yaml.docker-compose", 1, &text);
    // A request the main loop answers itself: it comes back before the lint is done.
    let response = client.request_raw("composelint/unknown", json!({}));
    assert!(response.get("error").is_some(), "{response}");
    assert!(
        client
            .unread()
            .all(|m| m["method"] != "textDocument/publishDiagnostics"),
        "the diagnostics came first"
    );
    let published = client.diagnostics(&uri(&compose), |_| true);
    assert_eq!(published["diagnostics"].as_array().unwrap().len(), 3000);
    assert!(client.shutdown().success());
}
