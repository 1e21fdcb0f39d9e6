//! `composelint server`: the Language Server Protocol over a connection the binary opens
//! (standard input and output). Compose files, env files, scripts and Markdown documents are
//! synchronised whole; every finding is published in the file it points into, open or not;
//! quick fixes, fix-all and "disable for this line" are code actions.
//!
//! Nothing here prints or reads the environment: messages go through the connection's
//! channels, files through the [`FileSystem`] the binary passes in.

mod actions;
pub mod analysis;
mod diagnostics;
pub mod documents;
pub mod position;
pub mod uri;
mod worker;

use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    Notification as _, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, FileSystemWatcher, GlobPattern,
    InitializeParams, InitializeResult, MessageType, Registration, RegistrationParams,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind,
};

pub use analysis::ClientOptions;
use documents::{Document, Documents};
use position::Encoding;
pub use worker::DEBOUNCE;
use worker::Job;

use crate::fs::FileSystem;

/// The code action kind of applying every safe fix (on save, where the editor is told to).
pub const FIX_ALL: &str = "source.fixAll.composelint";

/// What the main loop, the lint thread and the code actions share.
pub struct Shared {
    disk: Arc<dyn FileSystem + Send + Sync>,
    encoding: Encoding,
    options: ClientOptions,
    documents: Mutex<Documents>,
    results: Mutex<analysis::Results>,
    /// The connection's sending side, which every thread clones.
    sender: crossbeam_channel::Sender<Message>,
    /// The error shown last.
    last_error: Mutex<Option<String>>,
}

impl Shared {
    fn documents(&self) -> MutexGuard<'_, Documents> {
        self.documents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether a change to `path` is linted: a file the server lints by its name or language,
    /// the configuration, or a file a project it keeps reads.
    fn lints(&self, path: &std::path::Path, language: &str) -> bool {
        if analysis::is_configuration(path) {
            return true;
        }
        let by_kind = {
            let documents = self.documents();
            let fs = documents.over(&*self.disk);
            analysis::is_linted(&fs, path, language)
        };
        by_kind || !self.results().readers(path).is_empty()
    }

    fn results(&self) -> MutexGuard<'_, analysis::Results> {
        self.results
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Tells the user something went wrong (a configuration that does not load), once while
    /// it stays the same: a broken configuration would otherwise be reported at every
    /// keystroke.
    fn show_error(&self, message: &str) {
        {
            let mut last = self
                .last_error
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.as_deref() == Some(message) {
                return;
            }
            *last = Some(message.to_string());
        }
        let params = ShowMessageParams {
            typ: MessageType::ERROR,
            message: format!("composelint: {message}"),
        };
        let _ = self.sender.send(Message::Notification(Notification::new(
            ShowMessage::METHOD.to_string(),
            params,
        )));
    }
}

/// Serves one client on `connection` until it says `exit` or goes away, reading files from
/// `disk` where no document is open. An error is a failed start (no `initialize`).
pub fn run(
    connection: &Connection,
    disk: Arc<dyn FileSystem + Send + Sync>,
) -> Result<Ended, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("initialize: {e}"))?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let (options, bad_options) = match params.initialization_options.clone() {
        None => (ClientOptions::default(), None),
        Some(value) => match serde_json::from_value::<ClientOptions>(value) {
            Ok(options) => (options, None),
            Err(e) => (
                ClientOptions::default(),
                Some(format!("initializationOptions ignored: {e}")),
            ),
        },
    };
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "composelint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;

    let shared = Arc::new(Shared {
        disk,
        encoding,
        options,
        documents: Mutex::default(),
        results: Mutex::default(),
        sender: connection.sender.clone(),
        last_error: Mutex::default(),
    });
    if let Some(message) = bad_options {
        shared.show_error(&message);
    }
    if watches_files(&params) {
        register_watchers(&shared);
    }
    let (jobs, queue) = mpsc::channel();
    let lint_thread = {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || worker::run(shared, queue))
    };
    let ended = main_loop(connection, &shared, &jobs);
    drop(jobs);
    let _ = lint_thread.join();
    Ok(ended)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

fn watches_files(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

/// Asks the client to report changes, made outside the editor, to the files projects read.
fn register_watchers(shared: &Shared) {
    let watchers = [
        "**/*.{yml,yaml}",
        "**/.env",
        "**/*.env",
        "**/.env.*",
        "**/*.{sh,bash,zsh,md,mdx,markdown}",
        "**/{.composelint,composelint}.{yml,yaml}",
    ]
    .into_iter()
    .map(|glob| FileSystemWatcher {
        glob_pattern: GlobPattern::String(glob.into()),
        kind: None,
    })
    .collect();
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    let params = RegistrationParams {
        registrations: vec![Registration {
            id: "composelint-watched-files".into(),
            method: DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        }],
    };
    let request = Request::new(
        "composelint/register-watchers".to_string().into(),
        RegisterCapability::METHOD.into(),
        params,
    );
    let _ = shared.sender.send(Message::Request(request));
}

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// `shutdown`, then `exit` (or the client closing the connection after `shutdown`).
    Cleanly,
    /// `exit` or a closed connection without `shutdown` first: the protocol's exit code 1.
    WithoutShutdown,
}

fn main_loop(connection: &Connection, shared: &Arc<Shared>, jobs: &mpsc::Sender<Job>) -> Ended {
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == "shutdown" => {
                shut_down = true;
                let _ = shared
                    .sender
                    .send(Message::Response(Response::new_ok(request.id, ())));
            }
            Message::Request(request) if shut_down => {
                let response = Response::new_err(
                    request.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".into(),
                );
                let _ = shared.sender.send(Message::Response(response));
            }
            Message::Request(request) => handle_request(shared, request),
            Message::Notification(notification) if notification.method == "exit" => break,
            Message::Notification(notification) => handle_notification(shared, jobs, notification),
            // The answer to our registration: nothing to do either way.
            Message::Response(_) => {}
        }
    }
    if shut_down {
        Ended::Cleanly
    } else {
        Ended::WithoutShutdown
    }
}

fn handle_request(shared: &Arc<Shared>, request: Request) {
    let response = match request.method.as_str() {
        CodeActionRequest::METHOD => {
            match serde_json::from_value(request.params) {
                Ok(params) => {
                    // Fix-all runs the fixer and "disable" lints to check its comment: off
                    // the main loop, which goes on taking the editor's changes.
                    let shared = Arc::clone(shared);
                    let id = request.id;
                    std::thread::spawn(move || {
                        // The editor waits for an answer to every request: a panic is
                        // answered with an error rather than never.
                        let actions =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                actions::code_actions(&shared, &params)
                            }));
                        let response = match actions {
                            Ok(actions) => Response::new_ok(id, actions),
                            Err(_) => Response::new_err(
                                id,
                                ErrorCode::InternalError as i32,
                                worker::INTERNAL_ERROR.to_string(),
                            ),
                        };
                        let _ = shared.sender.send(Message::Response(response));
                    });
                    return;
                }
                Err(e) => {
                    Response::new_err(request.id, ErrorCode::InvalidParams as i32, e.to_string())
                }
            }
        }
        _ => Response::new_err(
            request.id,
            ErrorCode::MethodNotFound as i32,
            format!("unknown request {}", request.method),
        ),
    };
    let _ = shared.sender.send(Message::Response(response));
}

fn handle_notification(shared: &Shared, jobs: &mpsc::Sender<Job>, notification: Notification) {
    let method = notification.method.clone();
    let params = notification.params;
    let lint = |path: std::path::PathBuf| {
        let _ = jobs.send(if analysis::is_configuration(&path) {
            Job::Everything
        } else {
            Job::Paths(vec![path])
        });
    };
    match method.as_str() {
        DidOpenTextDocument::METHOD => {
            let Ok(params) = serde_json::from_value::<DidOpenTextDocumentParams>(params) else {
                return;
            };
            let item = params.text_document;
            let Some(path) = uri::to_path(&item.uri) else {
                return;
            };
            let document = Document {
                version: item.version,
                text: item.text.into(),
                language: item.language_id,
            };
            let language = document.language.clone();
            shared.documents().open(path.clone(), document);
            if shared.lints(&path, &language) {
                lint(path);
            }
        }
        DidChangeTextDocument::METHOD => {
            let Ok(params) = serde_json::from_value::<DidChangeTextDocumentParams>(params) else {
                return;
            };
            let Some(path) = uri::to_path(&params.text_document.uri) else {
                return;
            };
            // Full sync: the last change holds the whole text.
            let Some(change) = params.content_changes.into_iter().next_back() else {
                return;
            };
            let language = {
                let mut documents = shared.documents();
                documents.change(path.clone(), params.text_document.version, change.text);
                documents
                    .get(&path)
                    .map(|d| d.language.clone())
                    .unwrap_or_default()
            };
            if shared.lints(&path, &language) {
                lint(path);
            }
        }
        DidCloseTextDocument::METHOD => {
            let Ok(params) = serde_json::from_value::<DidCloseTextDocumentParams>(params) else {
                return;
            };
            if let Some(path) = uri::to_path(&params.text_document.uri) {
                shared.documents().close(&path);
                // What is on disk counts again.
                if !shared.results().readers(&path).is_empty() {
                    lint(path);
                }
            }
        }
        DidChangeWatchedFiles::METHOD => {
            let Ok(params) = serde_json::from_value::<DidChangeWatchedFilesParams>(params) else {
                return;
            };
            for change in params.changes {
                let Some(path) = uri::to_path(&change.uri) else {
                    continue;
                };
                // An open document's buffer takes precedence over the file.
                if shared.documents().get(&path).is_none() && shared.lints(&path, "") {
                    lint(path);
                }
            }
        }
        _ => {}
    }
}
