//! A language client for the tests: runs `composelint server`, speaks the protocol over its
//! standard input and output, and applies the edits it returns as an editor does.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any answer may take before the test fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another, in order.
    unread: VecDeque<Value>,
    next_id: i64,
    /// The encoding the server chose.
    pub encoding: String,
}

/// `file://` URI of a path without characters that need escaping (the tests' temporary
/// directories).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Starts the server in `dir` and initializes it, offering `encodings` and passing
    /// `options`; answers its registration of watched files.
    pub fn start(dir: &Path, encodings: &[&str], options: Option<Value>) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_composelint"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (send, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            unread: VecDeque::new(),
            next_id: 1,
            encoding: String::new(),
        };
        let mut params = json!({
            "processId": null,
            "rootUri": uri(dir),
            "capabilities": {
                "general": {"positionEncodings": encodings},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                "textDocument": {"publishDiagnostics": {"versionSupport": true}}
            }
        });
        if let Some(options) = options {
            params["initializationOptions"] = options;
        }
        let result = client.request("initialize", params);
        client.encoding = result["capabilities"]["positionEncoding"]
            .as_str()
            .expect("the server names its encoding")
            .to_string();
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its result (an error response fails the test). Requests
    /// from the server met on the way are answered with `null`.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Sends a request and waits for the whole response, error or result.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The next message `wanted` accepts, after the ones already read.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.unread.iter().position(&wanted) {
            return self.unread.remove(i).expect("found");
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no awaited message in {PATIENCE:?}; unread: {:?}",
                        self.unread
                    )
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the server went away"),
            };
            if message.get("method").is_some() && message.get("id").is_some() {
                // A request of the server's (registering watched files).
                let id = message["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                self.unread.push_back(message);
                continue;
            }
            if wanted(&message) {
                return message;
            }
            self.unread.push_back(message);
        }
    }

    /// The next diagnostics published for `uri` that `accept` takes (older ones are skipped).
    pub fn diagnostics(&mut self, uri: &str, accept: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && accept(&m["params"])
        })["params"]
            .clone()
    }

    /// Every message read and not yet taken.
    pub fn unread(&self) -> impl Iterator<Item = &Value> {
        self.unread.iter()
    }

    /// Forgets the messages read and not taken (those that came before what is awaited next).
    pub fn forget_unread(&mut self) {
        self.unread.clear();
    }

    /// Reads what arrives within `wait` into the unread messages.
    pub fn drain(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        while let Ok(message) = self
            .incoming
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.unread.push_back(message);
        }
    }

    pub fn open(&mut self, path: &Path, language: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": uri(path), "languageId": language, "version": version, "text": text
            }}),
        );
    }

    pub fn change(&mut self, path: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(path), "version": version},
                "contentChanges": [{"text": text}]
            }),
        );
    }

    /// The code actions for `range` of a document (`only`: the kinds asked for).
    pub fn code_actions(&mut self, path: &Path, range: Value, only: Option<&[&str]>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        let result = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(path)}, "range": range, "context": context}),
        );
        result.as_array().cloned().unwrap_or_default()
    }

    /// Ends the session as an editor does; the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.exit_at_once()
    }

    /// Says `exit` (without `shutdown` first, unless it was said); the exit status.
    pub fn exit_at_once(mut self) -> ExitStatus {
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The byte offset of a protocol position in `text`, counting characters in `encoding`.
/// Written apart from the server's conversion, so that the tests check it.
pub fn offset(text: &str, line: u64, character: u64, encoding: &str) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    let mut units = 0u64;
    for (i, c) in text[line_start..].char_indices() {
        if units >= character || c == '\n' {
            return line_start + i;
        }
        units += match encoding {
            "utf-8" => c.len_utf8() as u64,
            "utf-16" => c.len_utf16() as u64,
            _ => 1,
        };
    }
    text.len()
}

/// `text` with the edits of one document applied (all made against `text`).
pub fn apply(text: &str, edits: &[Value], encoding: &str) -> String {
    let at = |p: &Value| {
        offset(
            text,
            p["line"].as_u64().expect("line"),
            p["character"].as_u64().expect("character"),
            encoding,
        )
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                at(&e["range"]["start"]),
                at(&e["range"]["end"]),
                e["newText"].as_str().expect("newText"),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// The codes of a publication's diagnostics, sorted.
pub fn codes(params: &Value) -> Vec<String> {
    let mut codes: Vec<String> = params["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect();
    codes.sort();
    codes
}

/// The one action titled `title`.
pub fn action<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(title)))
        .unwrap_or_else(|| panic!("no action `{title}` in {actions:#?}"))
}
