//! What can go wrong while loading a project, recorded as data; the CMP rules word it.

use std::path::PathBuf;

use crate::source::Span;
use crate::text::{Origin, Text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadIssue {
    /// The file is not YAML (or not text, or too complex to read safely).
    Syntax { span: Span, message: String },
    /// A mapping key appears twice.
    DuplicateKey {
        span: Span,
        first: Span,
        key: String,
    },
    /// A field holds the wrong type or an invalid value.
    Structure { span: Span, message: String },
    /// A value Compose rejects, written in one place (`span`, e.g. a `.env` line) and used in
    /// another (`used_at`, the compose item).
    InvalidValue {
        span: Span,
        used_at: Span,
        message: String,
    },
    /// `${NAME}` with no value and no default: Compose substitutes an empty string.
    UndefinedVariable { name: String, span: Span },
    /// `${` that does not form an expression.
    InvalidInterpolation { span: Span, message: String },
    /// `${NAME:?message}` / `${NAME?message}` with NAME missing.
    RequiredVariable {
        name: String,
        message: String,
        span: Span,
    },
    /// A line of a `.env` / `env_file` file that Compose rejects.
    DotenvSyntax { span: Span, message: String },
    /// A required `env_file` that does not exist; `span` is the reference to it.
    EnvFileNotFound { path: PathBuf, span: Span },
    /// `extends` names a service that does not exist in the named file.
    UnknownExtends {
        service: String,
        span: Span,
        file: PathBuf,
    },
    /// A file referenced by `include:` or `extends.file` cannot be read.
    MissingFile {
        path: PathBuf,
        span: Span,
        reason: String,
    },
    /// `include` or `extends` refers back to itself.
    Cycle { span: Span, message: String },
    /// A compose file Compose does not load because another file of its directory wins (two
    /// default files, or two override files); `span` is the start of the ignored file.
    IgnoredFile { span: Span, used: PathBuf },
}

impl LoadIssue {
    /// Whether `docker compose config` would refuse the project for this issue.
    pub fn is_fatal(&self) -> bool {
        !matches!(
            self,
            LoadIssue::UndefinedVariable { .. } | LoadIssue::IgnoredFile { .. }
        )
    }

    /// Whether part of the project could not be read (a file, an `include`, an `extends`
    /// base), so that what the project lacks may be written in the part that is missing.
    pub fn leaves_project_incomplete(&self) -> bool {
        matches!(
            self,
            LoadIssue::Syntax { .. }
                | LoadIssue::MissingFile { .. }
                | LoadIssue::UnknownExtends { .. }
                | LoadIssue::Cycle { .. }
        )
    }
}

/// An invalid value used at `at`: located where its offending text was written (a `.env`
/// line) when it came from a variable, with the compose item as where it is used.
pub fn invalid_value(text: Option<&Text>, at: Span, message: String) -> LoadIssue {
    let culprit = text.and_then(|text| {
        text.pieces
            .iter()
            .filter(|p| !p.range.is_empty())
            .filter(|p| message.contains(&text.value[p.range.clone()]))
            .find_map(|p| match p.origin {
                Origin::File { span, .. } if span.file != at.file => Some(span),
                _ => None,
            })
    });
    match culprit {
        Some(span) => LoadIssue::InvalidValue {
            span,
            used_at: at,
            message,
        },
        None => LoadIssue::Structure { span: at, message },
    }
}
