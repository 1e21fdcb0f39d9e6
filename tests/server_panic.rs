//! A bug met while linting (a panic) neither ends the language server's lint thread silently
//! nor leaves a request unanswered: the editor is told, and the next change is linted.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use composelint::fs::{EntryKind, FileSystem, OsFs};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

/// The disk, except that reading `.env` panics the first time (a stand-in for any bug on
/// the way from a change to its diagnostics).
struct PanicsOnce {
    armed: AtomicBool,
}

impl FileSystem for PanicsOnce {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if path.file_name().is_some_and(|n| n == ".env") && self.armed.swap(false, Ordering::SeqCst)
        {
            panic!("a bug while reading {}", path.display());
        }
        OsFs.read(path)
    }
    fn kind(&self, path: &Path) -> Option<EntryKind> {
        OsFs.kind(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        OsFs.read_dir(path)
    }
    fn is_symlink(&self, path: &Path) -> bool {
        OsFs.is_symlink(path)
    }
}

fn next(client: &Connection, wanted: impl Fn(&Message) -> bool) -> Message {
    loop {
        let message = client
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers");
        if wanted(&message) {
            return message;
        }
    }
}

fn notification(method: &str, params: Value) -> Message {
    Message::Notification(Notification::new(method.into(), params))
}

/// A project whose `.env` the server reads, the server started on it over `disk`, and the
/// client's end of the connection, initialized, with the compose file opened.
#[allow(clippy::type_complexity)]
fn start(
    disk: Arc<PanicsOnce>,
) -> (
    tempfile::TempDir,
    String,
    &'static str,
    Connection,
    std::thread::JoinHandle<Result<composelint::server::Ended, String>>,
) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let compose = dir.path().join("compose.yaml");
    let text = "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"models:/root/.ollama\"]\n  n8n:\n    image: n8nio/n8n\n    env_file: .env\nvolumes:\n  models: {}\n";
    std::fs::write(&compose, text).unwrap();
    std::fs::write(dir.path().join(".env"), "TZ=UTC\n").unwrap();
    let uri = format!("file://{}", compose.display());

    let (server, client) = Connection::memory();
    let running = std::thread::spawn(move || composelint::server::run(&server, disk));
    let init = Request::new(
        RequestId::from(1),
        "initialize".into(),
        json!({"processId": null, "rootUri": format!("file://{}", dir.path().display()), "capabilities": {}}),
    );
    client.sender.send(Message::Request(init)).unwrap();
    next(&client, |m| matches!(m, Message::Response(_)));
    client
        .sender
        .send(notification("initialized", json!({})))
        .unwrap();
    let open =
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}});
    client
        .sender
        .send(notification("textDocument/didOpen", open))
        .unwrap();
    (dir, uri, text, client, running)
}

fn stop(
    client: &Connection,
    running: std::thread::JoinHandle<Result<composelint::server::Ended, String>>,
) {
    let shutdown = Request::new(RequestId::from(2), "shutdown".into(), Value::Null);
    client.sender.send(Message::Request(shutdown)).unwrap();
    next(
        client,
        |m| matches!(m, Message::Response(r) if r.id == RequestId::from(2)),
    );
    client
        .sender
        .send(notification("exit", Value::Null))
        .unwrap();
    running.join().unwrap().unwrap();
}

#[test]
fn a_panic_while_linting_is_reported_and_the_next_change_is_linted() {
    let disk = Arc::new(PanicsOnce {
        armed: AtomicBool::new(true),
    });
    let (_dir, uri, text, client, running) = start(disk);
    let shown = next(
        &client,
        |m| matches!(m, Message::Notification(n) if n.method == "window/showMessage"),
    );
    let Message::Notification(shown) = shown else {
        unreachable!()
    };
    assert!(
        shown.params["message"]
            .as_str()
            .unwrap()
            .contains("internal error"),
        "{shown:?}"
    );

    // The lint thread is still there: the next change is linted and published.
    let changed = format!("{text}# edited\n");
    let change = json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"text": changed}]
    });
    client
        .sender
        .send(notification("textDocument/didChange", change))
        .unwrap();
    let published = next(
        &client,
        |m| matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics" && n.params["version"] == 2),
    );
    assert!(matches!(published, Message::Notification(_)));

    stop(&client, running);
}

#[test]
fn a_code_action_that_panics_is_answered_with_an_error() {
    let disk = Arc::new(PanicsOnce {
        armed: AtomicBool::new(false),
    });
    let (_dir, uri, _, client, running) = start(Arc::clone(&disk));
    next(
        &client,
        |m| matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"),
    );
    // Fix-all runs the fixer, which reads `.env` again: this time it panics.
    disk.armed.store(true, Ordering::SeqCst);
    let fix_all = Request::new(
        RequestId::from(7),
        "textDocument/codeAction".into(),
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll.composelint"]}
        }),
    );
    client.sender.send(Message::Request(fix_all)).unwrap();
    let answer = next(
        &client,
        |m| matches!(m, Message::Response(r) if r.id == RequestId::from(7)),
    );
    let Message::Response(answer) = answer else {
        unreachable!()
    };
    let error = answer.response_result.expect_err("an error, not actions");
    assert_eq!(error.code, lsp_server::ErrorCode::InternalError as i32);
    assert!(
        error.message.contains("internal error"),
        "{}",
        error.message
    );
    assert!(!disk.armed.load(Ordering::SeqCst), "the fixer read .env");
    stop(&client, running);
}
