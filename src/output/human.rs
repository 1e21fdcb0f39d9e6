//! Human output: each finding drawn by miette's graphical handler, with its source lines.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, NamedSource, SourceCode,
    SourceSpan, SpanContents,
};

use super::{OutputOptions, display_path, summary};
use crate::LintedProject;
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules;
use crate::source::{FileId, Sources, Span};

/// Every finding, then notes (templates used for missing env files), then the summary line.
pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut out = String::new();
    for project in projects {
        let env_files = env_files(project);
        for d in &project.diagnostics {
            let report = Report::new(d, &project.sources, &env_files, options);
            if handler.render_report(&mut out, &report).is_err() {
                out.push_str(&format!("{}: {}\n", d.code, d.message));
            }
            out.push('\n');
        }
    }
    out.push_str(&summary(projects));
    out.push('\n');
    out
}

/// One finding in miette's terms. Labels in the primary file are drawn together; a label in
/// another file becomes a related report with its own source.
struct Report {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: Option<NamedSource<Shown>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(
        d: &Diagnostic,
        sources: &Sources,
        env_files: &[FileId],
        options: &OutputOptions,
    ) -> Report {
        let severity = match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        };
        let marker = match super::fix_marker(d) {
            Some(m) => format!(" {m}"),
            None => String::new(),
        };
        let mut report = Report {
            code: format!("{}({}){marker}", d.code, d.rule),
            message: d.message.clone(),
            severity,
            help: help_with_fix(d),
            url: rules::find(d.code).map(|r| r.url()),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let Some(primary) = d.primary else {
            return report;
        };
        if !showable(primary, sources) {
            // A line as long as a whole generated file (flow style on one line) is no help to
            // read, and the terminal renderer cannot draw a column that far: say where it is.
            let file = sources.get(primary.file);
            let at = file.line_col(primary.start);
            report.message = format!(
                "{} (at {}:{}:{}; the line is too long to show)",
                report.message,
                display_path(&file.path, &options.cwd),
                at.line,
                at.column
            );
            return report;
        }
        report.source = Some(named_source(primary, sources, env_files, options));
        report.labels.push(LabeledSpan::new_primary_with_span(
            d.primary_label.clone(),
            source_span(primary),
        ));
        for label in d.related.iter().filter(|l| showable(l.span, sources)) {
            if label.span.file == primary.file {
                report.labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    source_span(label.span),
                ));
            } else {
                report.related.push(Report {
                    code: String::new(),
                    message: label.message.clone(),
                    severity: miette::Severity::Advice,
                    help: None,
                    url: None,
                    source: Some(named_source(label.span, sources, env_files, options)),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        Some(label.message.clone()),
                        source_span(label.span),
                    )],
                    related: Vec::new(),
                });
            }
        }
        report
    }
}

/// The rule's help, then what its fix would do and how to apply it.
fn help_with_fix(d: &Diagnostic) -> Option<String> {
    let fix = d.fix.as_ref().map(|f| match f.applicability {
        Applicability::Safe => format!("[*] fix: {} (--fix)", f.message),
        Applicability::Unsafe => {
            format!("[~] unsafe fix: {} (--fix --unsafe-fixes)", f.message)
        }
    });
    match (d.help.clone(), fix) {
        (Some(help), Some(fix)) => Some(format!("{help}\n{fix}")),
        (help, fix) => help.or(fix),
    }
}

/// The longest line a finding is drawn on, in bytes.
const MAX_SHOWN_LINE: usize = 1_000;

/// Whether the lines `span` covers are short enough to draw.
fn showable(span: Span, sources: &Sources) -> bool {
    let text = &sources.get(span.file).text;
    let (Some(before), Some(after)) = (text.get(..span.start), text.get(span.end..)) else {
        return false;
    };
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let end = after.find('\n').map_or(text.len(), |i| span.end + i);
    before[start..].len() <= MAX_SHOWN_LINE
        && end - span.end <= MAX_SHOWN_LINE
        && text[span.start..span.end]
            .split('\n')
            .all(|line| line.len() <= MAX_SHOWN_LINE)
}

fn named_source(
    span: Span,
    sources: &Sources,
    env_files: &[FileId],
    options: &OutputOptions,
) -> NamedSource<Shown> {
    let file = sources.get(span.file);
    let shown = Shown {
        text: crate::redact::credentials_same_length(&file.text),
        context: !env_files.contains(&span.file),
    };
    NamedSource::new(display_path(&file.path, &options.cwd), shown)
}

/// The files a project read variables from: its `.env` (or `--env-file`s) and every
/// service's `env_file`.
fn env_files(project: &LintedProject) -> Vec<FileId> {
    let services = project.project.services.iter();
    let service_files = services.flat_map(|s| s.env_files.iter().filter_map(|f| f.file));
    project
        .project
        .env_files
        .iter()
        .copied()
        .chain(service_files)
        .collect()
}

/// A file's text as the report may show it: credentials inside URLs overwritten. Env files
/// hold secrets: a finding there shows the lines it points at and never the lines around them,
/// which are other variables' values.
struct Shown {
    text: String,
    context: bool,
}

impl SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // Without context (as miette asks for the header's line and column) the span is
        // read as it is.
        let no_context = context_lines_before == 0 && context_lines_after == 0;
        if self.context || no_context {
            return self
                .text
                .read_span(span, context_lines_before, context_lines_after);
        }
        // Whole lines: from the start of the span's first line to the end of its last.
        let start = span.offset().min(self.text.len());
        let end = (span.offset() + span.len()).clamp(start, self.text.len());
        let bytes = self.text.as_bytes();
        let line_start = bytes[..start]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line_end = bytes[end..]
            .iter()
            .position(|b| *b == b'\n' || *b == b'\r')
            .map_or(bytes.len(), |i| end + i);
        let lines = SourceSpan::from((line_start, line_end - line_start));
        self.text.read_span(&lines, 0, 0)
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::from((span.start, span.len()))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty()).then(|| Box::new(self.labels.iter().cloned()) as _)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty())
            .then(|| Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)) as _)
    }
}
