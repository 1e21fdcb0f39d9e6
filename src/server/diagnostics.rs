//! Findings as the protocol's diagnostics: severity, the rule's code with a link to its page,
//! `source: composelint`, the "used here" places as related information, and a tag where the
//! editor can fade the text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Range, Uri,
};

use crate::LintedProject;
use crate::diagnostic::{Diagnostic, Severity};
use crate::output::{Finding, OutputOptions};
use crate::source::Span;

use super::position::Encoding;
use super::uri;

/// What the editor shows as `source`.
pub const SOURCE: &str = "composelint";

/// Rules whose findings mark text that does nothing: a directive that suppresses nothing, a
/// value no program reads. Editors draw it faded.
const UNNECESSARY: [&str; 2] = ["CMP901", "OLL020"];

/// The protocol's range of `span` in the text the project read.
pub fn span_range(project: &LintedProject, span: Span, encoding: Encoding) -> Range {
    encoding.range_in(project.sources.get(span.file), span.start, span.end)
}

/// The file a finding is shown in: where its primary span is, else the project's first file
/// (at its start), so that a finding about the project as a whole is seen too.
pub fn shown_in(project: &LintedProject, d: &Diagnostic) -> Option<PathBuf> {
    let file = match d.primary {
        Some(span) => span.file,
        None => *project.project.files.first()?,
    };
    Some(project.sources.get(file).path.clone())
}

/// Every finding of `project` as diagnostics, by the file each is shown in.
pub fn by_file(
    project: &LintedProject,
    encoding: Encoding,
) -> BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> {
    let mut out: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
    for d in &project.diagnostics {
        if let Some(path) = shown_in(project, d) {
            out.entry(path)
                .or_default()
                .push(convert(project, d, encoding));
        }
    }
    out
}

/// One finding as a diagnostic.
pub fn convert(
    project: &LintedProject,
    d: &Diagnostic,
    encoding: Encoding,
) -> lsp_types::Diagnostic {
    let options = OutputOptions {
        cwd: PathBuf::new(),
        color: false,
        width: None,
    };
    let finding = Finding::new(d, project, &options);
    let range = d
        .primary
        .map(|span| span_range(project, span, encoding))
        .unwrap_or_default();
    let mut message = finding.message().into_string();
    if let Some(help) = finding.help() {
        message.push_str("\nhelp: ");
        message.push_str(help.as_str());
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related()
        .into_iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location {
                uri: uri::from_path(&project.sources.get(label.span.file).path),
                range: span_range(project, label.span, encoding),
            },
            message: label.message.into_string(),
        })
        .collect();
    let href = crate::rules::find(d.code)
        .and_then(|rule| Uri::from_str(&rule.url()).ok())
        .map(|href| CodeDescription { href });
    lsp_types::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: href,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: UNNECESSARY
            .contains(&d.code)
            .then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Whether the finding is shown in `path`.
pub fn is_in(project: &LintedProject, d: &Diagnostic, path: &Path) -> bool {
    shown_in(project, d).is_some_and(|p| p == path)
}
