//! The lint thread: takes the files the editor changed, waits until typing pauses, lints the
//! projects that read them over the open documents, and publishes what changed. The thread
//! that reads the client's messages never waits for a lint.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification};
use lsp_types::PublishDiagnosticsParams;
use lsp_types::notification::{Notification as _, PublishDiagnostics};

use super::analysis::{Linted, Target, is_linted, settings_for, targets_of};
use super::{Shared, diagnostics, uri};
use crate::fs::{EntryKind, FileSystem};

/// How long the thread waits for more changes before it lints while the editor is typing:
/// keystrokes closer together than this are linted once. A change after a pause is linted at
/// once.
pub const DEBOUNCE: Duration = Duration::from_millis(15);

/// What to lint.
#[derive(Debug)]
pub enum Job {
    /// The projects that read these files.
    Paths(Vec<PathBuf>),
    /// Every project (the configuration changed).
    Everything,
}

/// Runs until the sending side is dropped.
pub fn run(shared: Arc<Shared>, jobs: Receiver<Job>) {
    let mut last_change = Instant::now() - DEBOUNCE;
    while let Ok(first) = jobs.recv() {
        let mut paths = BTreeSet::new();
        let mut everything = false;
        let mut take = |job: Job| match job {
            Job::Paths(p) => paths.extend(p),
            Job::Everything => everything = true,
        };
        take(first);
        // Typing (a change soon after the one before): wait until it pauses. What came in
        // while the last lint ran is taken with it either way.
        let typing = last_change.elapsed() < DEBOUNCE;
        last_change = Instant::now();
        loop {
            let next = if typing {
                jobs.recv_timeout(DEBOUNCE)
            } else {
                jobs.try_recv().map_err(|e| match e {
                    TryRecvError::Empty => RecvTimeoutError::Timeout,
                    TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                })
            };
            match next {
                Ok(job) => {
                    last_change = Instant::now();
                    take(job);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        // A bug met while linting must not end the thread silently: the server would go on
        // taking changes and never publish again. The editor is told instead; the next change
        // is linted afresh.
        let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lint(&shared, &paths, everything)
        }));
        if linted.is_err() {
            shared.show_error(INTERNAL_ERROR);
        }
    }
}

/// What the editor is told when linting panicked (the panic's own message goes to the
/// server's standard error, which editors keep in their log).
pub const INTERNAL_ERROR: &str = "linting failed with an internal error (a bug; the server's log has the details): the diagnostics shown may be out of date";

/// Lints the projects that read `paths` (every project, and every open document's, when
/// `everything`), and publishes the diagnostics that changed.
fn lint(shared: &Shared, paths: &BTreeSet<PathBuf>, everything: bool) {
    let documents = shared.documents().clone();
    let fs = documents.over(&*shared.disk);
    let mut wanted: BTreeSet<PathBuf> = paths.clone();
    if everything {
        wanted.extend(documents.paths().cloned());
    }
    // Only a file linted for what it is names projects by itself: any other file (an
    // `env_file: secrets.txt`) would be taken for a compose file; the projects that read it
    // are the known ones.
    wanted.retain(|path| {
        let language = documents.get(path).map_or("", |d| d.language.as_str());
        is_linted(&fs, path, language)
    });
    let mut targets: BTreeMap<Vec<PathBuf>, Target> = BTreeMap::new();
    let known: Vec<Target> = {
        let results = shared.results();
        if everything {
            results.targets()
        } else {
            paths.iter().flat_map(|p| results.readers(p)).collect()
        }
    };
    for path in &wanted {
        match targets_of(&fs, path, &shared.options) {
            Ok(found) => targets.extend(found.into_iter().map(|t| (t.files.clone(), t))),
            Err(message) => shared.show_error(&message),
        }
    }
    for target in known {
        if targets.contains_key(&target.files) {
            continue;
        }
        // The configuration may have changed since: it is read again.
        let settings = target
            .files
            .first()
            .map(|f| settings_for(&fs, f, &shared.options));
        match settings {
            Some(Ok(settings)) => {
                targets.insert(
                    target.files.clone(),
                    Target {
                        files: target.files,
                        settings,
                    },
                );
            }
            Some(Err(message)) => shared.show_error(&message),
            None => {}
        }
    }
    let targets: Vec<Target> = targets.into_values().collect();
    let linted = crate::in_parallel(&targets, |target| {
        // A project whose compose file is gone is dropped, with its diagnostics.
        if target
            .files
            .iter()
            .any(|f| fs.kind(f) != Some(EntryKind::File))
        {
            return None;
        }
        crate::lint_files(&fs, &target.files, &target.settings).ok()
    });
    for (target, project) in targets.into_iter().zip(linted) {
        let linted = project.map(|project| {
            let versions = project
                .sources
                .iter()
                .filter_map(|f| Some((f.path.clone(), documents.version(&f.path)?)))
                .collect();
            let published = diagnostics::by_file(&project, shared.encoding);
            Linted {
                target: target.clone(),
                project,
                versions,
                published,
            }
        });
        publish(shared, &target.files, linted);
    }
}

/// Puts a project's new lint in place and publishes the files whose diagnostics changed,
/// unless the editor changed a document the lint read since: a lint of the newer text is
/// queued, and this one is dropped.
fn publish(shared: &Shared, files: &[PathBuf], linted: Option<Linted>) {
    let documents = shared.documents();
    if let Some(linted) = &linted
        && linted
            .versions
            .iter()
            .any(|(path, &version)| documents.version(path) != Some(version))
    {
        return;
    }
    // An open document the lint read is published even without findings: the editor may
    // hold some from before the server knew the project.
    let open: Vec<PathBuf> = linted
        .iter()
        .flat_map(|l| l.versions.keys().cloned())
        .collect();
    let mut results = shared.results();
    let mut touched = results.replace(files, linted);
    touched.extend(open);
    for path in touched {
        let params = PublishDiagnosticsParams {
            uri: uri::from_path(&path),
            diagnostics: results.diagnostics(&path),
            version: documents.version(&path),
        };
        let notification = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
        // A client that went away stops the server through the main loop.
        let _ = shared.sender.send(Message::Notification(notification));
    }
    drop(results);
}
