//! An editor for the language server examples: runs `composelint::server` on a thread over
//! an in-memory connection (the same loop `composelint server` runs over stdio) and types
//! into one document.

use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use composelint::fs::OsFs;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

pub struct Editor {
    connection: Connection,
    server: Option<JoinHandle<()>>,
    pub uri: String,
}

impl Editor {
    /// Starts the server, initializes it and opens `file` with `text` as version 1.
    pub fn open(file: &Path, text: &str) -> Editor {
        let (server_side, connection) = Connection::memory();
        let server = std::thread::spawn(move || {
            composelint::server::run(&server_side, Arc::new(OsFs)).expect("the server starts");
        });
        let editor = Editor {
            connection,
            server: Some(server),
            uri: format!("file://{}", file.display()),
        };
        let init = Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({"capabilities": {}, "processId": null, "rootUri": null}),
        );
        editor.send(Message::Request(init));
        loop {
            if let Message::Response(_) = editor.receive() {
                break;
            }
        }
        editor.notify("initialized", json!({}));
        editor.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": editor.uri, "languageId": "yaml.docker-compose", "version": 1, "text": text
            }}),
        );
        editor.diagnostics(1);
        editor
    }

    fn send(&self, message: Message) {
        self.connection
            .sender
            .send(message)
            .expect("the server listens");
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute")
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.into(),
            params,
        )));
    }

    /// Sends the whole new text as `version`.
    pub fn change(&self, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": self.uri, "version": version},
                "contentChanges": [{"text": text}]
            }),
        );
    }

    /// Waits for the diagnostics of the document at `version`; how many there are.
    pub fn diagnostics(&self, version: i32) -> usize {
        loop {
            if let Message::Notification(n) = self.receive()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == self.uri
                && n.params["version"] == version
            {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }

    /// The time from sending `text` as `version` to its diagnostics.
    pub fn keystroke(&self, version: i32, text: &str) -> Duration {
        let start = Instant::now();
        self.change(version, text);
        self.diagnostics(version);
        start.elapsed()
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        let shutdown = Request::new(RequestId::from(2), "shutdown".into(), Value::Null);
        let _ = self.connection.sender.send(Message::Request(shutdown));
        while let Ok(message) = self
            .connection
            .receiver
            .recv_timeout(Duration::from_secs(60))
        {
            if let Message::Response(r) = message
                && r.id == RequestId::from(2)
            {
                break;
            }
        }
        self.notify("exit", Value::Null);
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}
