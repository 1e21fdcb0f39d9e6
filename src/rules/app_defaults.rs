//! A reachability finding that rests on an app's own default, not on a URL the project
//! wrote, is at most a warning, and in a Markdown document information (OLL014, a default
//! that misses the Ollama the document itself runs, a warning).
//!
//! The app may take its URL from its settings page (Open WebUI's connections, big-AGI's
//! "Ollama Host" field: src/knowledge/data/clients.yaml), so the default is weaker evidence
//! than a URL written in the project. OLL014 keeps its own severity: it is the rule about a
//! default that misses the Ollama the project itself runs, where the app cannot work as
//! started. A document's commands and compose blocks are examples, often
//! of something other than Ollama (a feature's settings, a tunnel, a TTS server): a default
//! they leave alone is what a reader's own setup decides, and must not fail a CI run over a
//! docs tree.

use crate::diagnostic::{Diagnostic, Severity};

use super::Context;

pub fn lower(diagnostics: &mut [Diagnostic], ctx: &Context) {
    let in_document = crate::commands::is_document(ctx.project, ctx.sources);
    for d in diagnostics.iter_mut().filter(|d| d.app_default) {
        let cap = match (in_document, d.code == "OLL014") {
            // A default that misses the Ollama the snippet itself runs fails everywhere.
            (true, true) => Severity::Warning,
            (true, false) => Severity::Info,
            (false, true) => Severity::Error,
            (false, false) => Severity::Warning,
        };
        d.severity = d.severity.min(cap);
    }
}
