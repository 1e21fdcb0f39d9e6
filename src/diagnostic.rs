//! The one diagnostic type every rule produces, with its labels and fix.
//!
//! Its free text (message, help, labels, fix message) is [`Sensitive`]: it may quote a value
//! of the project, so output can show it only redacted (see [`crate::redact`]).

use crate::redact::Sensitive;
use crate::source::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A secondary location with its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: Sensitive,
}

/// Replace the bytes of `span` with `content`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Only repairs a broken reference in place; applied by `--fix`.
    Safe,
    /// Adds or changes structure or intent; applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub message: Sensitive,
    pub edits: Vec<Edit>,
}

/// One finding. `code` and `rule` identify the rule that made it; `primary` is where the
/// wrong text physically is (None for a finding about a file that has no text, e.g. a missing
/// file, when no reference to it could be located).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: Sensitive,
    pub help: Option<Sensitive>,
    pub service: Option<String>,
    pub primary: Option<Span>,
    pub primary_label: Option<Sensitive>,
    pub related: Vec<Label>,
    pub fix: Option<Fix>,
    /// The profile selections the finding holds in, each as the profiles it enables (none:
    /// Compose's default), when the project was linted under several and the finding does
    /// not hold in all of them. Empty: it holds whatever the user runs.
    pub profiles: Vec<Vec<String>>,
    /// The compose files of each project the finding holds in, when it holds in more than the
    /// one it is reported with (overlays sharing their base file: the finding is shown once).
    pub projects: Vec<Vec<std::path::PathBuf>>,
    /// The finding rests on an app's own default, not on a value the project wrote: the app
    /// may take another from its settings page (see [`crate::rules::app_defaults`]).
    pub app_default: bool,
    /// The place of another finding this one is said beside: OLL012 says beside the finding
    /// of a reference that does not reach its Ollama yet that the client does not wait for
    /// it either. It is shown only while a finding is shown there, so suppressing or
    /// disabling that finding takes this one along.
    pub beside: Option<Span>,
}

impl Diagnostic {
    pub fn said_beside(mut self, place: Span) -> Self {
        self.beside = Some(place);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(Sensitive::new(help.into()));
        self
    }

    /// Adds a sentence to the help, after what it says already.
    pub fn add_help(&mut self, note: &str) {
        self.help = Some(match self.help.take() {
            Some(help) => format!("{}; {note}", help.expose_unredacted()).into(),
            None => note.into(),
        });
    }

    pub fn with_service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.primary_label = Some(Sensitive::new(label.into()));
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            message: Sensitive::new(message.into()),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// Drops each finding said beside another ([`Diagnostic::beside`]) when no finding is left
/// whose place lies within that place: the other was suppressed, or its rule turned off.
pub fn drop_findings_beside_nothing(diagnostics: &mut Vec<Diagnostic>) {
    if diagnostics.iter().all(|d| d.beside.is_none()) {
        return;
    }
    // The places of the findings that stand on their own, by file and start.
    let mut shown: Vec<(FileId, usize, usize)> = diagnostics
        .iter()
        .filter(|d| d.beside.is_none())
        .filter_map(|d| d.primary)
        .map(|s| (s.file, s.start, s.end))
        .collect();
    shown.sort_unstable();
    let within = |place: Span| {
        let first =
            shown.partition_point(|&(file, start, _)| (file, start) < (place.file, place.start));
        shown[first..]
            .iter()
            .take_while(|&&(file, start, _)| file == place.file && start <= place.end)
            .any(|&(_, _, end)| end <= place.end)
    };
    diagnostics.retain(|d| d.beside.is_none_or(within));
}
