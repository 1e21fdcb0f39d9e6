//! One finding as the output formats see it. Its text comes out only redacted: the formats
//! never hold the diagnostic itself (this module keeps it private), so none can print a value
//! that skipped [`crate::redact`].

use std::path::PathBuf;

use super::{Location, OutputOptions, display_path, locate};
use crate::LintedProject;
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::redact::{Redacted, Secrets};
use crate::source::Span;

/// One finding with its project and resolved primary location.
pub struct Finding<'a> {
    diagnostic: &'a Diagnostic,
    pub project: &'a LintedProject,
    pub location: Option<Location<'a>>,
}

/// A secondary location and its message.
pub struct ShownLabel {
    pub span: Span,
    pub message: Redacted,
}

pub struct ShownFix {
    pub applicability: Applicability,
    pub message: Redacted,
    pub edits: Vec<ShownEdit>,
}

impl ShownFix {
    /// Whether an edit's text had to be hidden: applying the fix as shown would write the
    /// mask into the file, so the formats that tools apply (SARIF) leave it out.
    pub fn hides_text(&self) -> bool {
        self.edits.iter().any(|e| e.hidden)
    }
}

pub struct ShownEdit {
    pub span: Span,
    pub content: Redacted,
    /// The content held a secret, now masked.
    pub hidden: bool,
}

impl<'a> Finding<'a> {
    pub fn new(
        diagnostic: &'a Diagnostic,
        project: &'a LintedProject,
        options: &OutputOptions,
    ) -> Finding<'a> {
        Finding {
            diagnostic,
            project,
            location: diagnostic
                .primary
                .map(|span| locate(span, &project.sources, options)),
        }
    }

    fn secrets(&self) -> &'a Secrets {
        &self.project.secrets
    }

    pub fn code(&self) -> &'static str {
        self.diagnostic.code
    }

    pub fn rule(&self) -> &'static str {
        self.diagnostic.rule
    }

    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }

    pub fn service(&self) -> Option<&'a str> {
        self.diagnostic.service.as_deref()
    }

    pub fn primary(&self) -> Option<Span> {
        self.diagnostic.primary
    }

    pub fn profiles(&self) -> &'a [Vec<String>] {
        &self.diagnostic.profiles
    }

    pub fn projects(&self) -> &'a [Vec<PathBuf>] {
        &self.diagnostic.projects
    }

    pub fn message(&self) -> Redacted {
        self.diagnostic.message.redacted(self.secrets())
    }

    pub fn help(&self) -> Option<Redacted> {
        let help = self.diagnostic.help.as_ref()?;
        Some(help.redacted(self.secrets()))
    }

    pub fn primary_label(&self) -> Option<Redacted> {
        let label = self.diagnostic.primary_label.as_ref()?;
        Some(label.redacted(self.secrets()))
    }

    pub fn related(&self) -> Vec<ShownLabel> {
        self.diagnostic
            .related
            .iter()
            .map(|l| ShownLabel {
                span: l.span,
                message: l.message.redacted(self.secrets()),
            })
            .collect()
    }

    pub fn fix(&self) -> Option<ShownFix> {
        let fix = self.diagnostic.fix.as_ref()?;
        let edits = fix
            .edits
            .iter()
            .map(|e| {
                let content = self.secrets().redact(&e.content);
                ShownEdit {
                    span: e.span,
                    hidden: content.as_str() != e.content,
                    content,
                }
            })
            .collect();
        Some(ShownFix {
            applicability: fix.applicability,
            message: fix.message.redacted(self.secrets()),
            edits,
        })
    }

    /// `[*]` for a finding with a safe fix, `[~]` for one with an unsafe fix.
    pub fn fix_marker(&self) -> Option<&'static str> {
        super::fix_marker(self.diagnostic)
    }

    /// The path the finding belongs to: its location's, else the project's first compose
    /// file, else the project directory; the formats that need a path for every finding use
    /// it.
    pub fn path(&self, options: &OutputOptions) -> String {
        if let Some(location) = &self.location {
            return location.path.clone();
        }
        let project = &self.project.project;
        let path = match project.files.first() {
            Some(&id) => display_path(&self.project.sources.get(id).path, &options.cwd),
            None => display_path(&project.directory, &options.cwd),
        };
        if path.is_empty() { ".".into() } else { path }
    }

    /// The text a fingerprint of the finding is made of, with `text` the part of its file
    /// the format hashes (its line, its span): with secrets hidden, and in an env file only
    /// the variable's name, as values there are where secrets live. A hash of a short secret
    /// is as good as the secret.
    pub fn fingerprint_text(&self, text: &str) -> String {
        let Some(location) = &self.location else {
            return String::new();
        };
        if location.in_env_file() {
            let line = location.line_text();
            let key = line.split('=').next().unwrap_or("");
            return key.trim().to_string();
        }
        self.secrets().redact(text).into_string()
    }
}
