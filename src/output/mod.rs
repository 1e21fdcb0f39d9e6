//! Presentation of findings: human (miette), JSON. Computes nothing but presentation.

pub mod human;
pub mod json;

use std::path::{Path, PathBuf};

use crate::LintedProject;
use crate::diagnostic::{Diagnostic, Severity};

/// What the presentation needs to know about the terminal and the working directory.
#[derive(Clone, Debug)]
pub struct OutputOptions {
    /// Paths below it are shown relative to it.
    pub cwd: PathBuf,
    pub color: bool,
    pub width: usize,
}

/// `path` relative to `cwd` when it lies below it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Counts by severity, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Counts {
        let mut c = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// "Found 3 problems (2 errors, 1 warning) in 2 projects." or "All checks passed (…)".
pub fn summary(projects: &[LintedProject]) -> String {
    let counts = Counts::of(projects.iter().flat_map(|p| &p.diagnostics));
    let n = projects.len();
    let projects_word = if n == 1 { "project" } else { "projects" };
    if counts.total() == 0 {
        return format!("All checks passed ({n} {projects_word} checked).");
    }
    let mut parts = Vec::new();
    for (count, word) in [
        (counts.errors, "error"),
        (counts.warnings, "warning"),
        (counts.infos, "info"),
    ] {
        if count > 0 {
            parts.push(format!(
                "{count} {word}{}",
                if count == 1 || word == "info" {
                    ""
                } else {
                    "s"
                }
            ));
        }
    }
    let total = counts.total();
    format!(
        "Found {total} problem{} ({}) in {n} {projects_word}.",
        if total == 1 { "" } else { "s" },
        parts.join(", ")
    )
}
