//! Human output: each finding drawn by miette's graphical handler, with its source lines.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, NamedSource, SourceCode,
    SourceSpan, SpanContents,
};

use super::{Finding, OutputOptions, display_path, project_findings, summary, visible};
use crate::LintedProject;
use crate::diagnostic::{Applicability, Severity};
use crate::redact::{Assignments, Secrets};
use crate::rules;
use crate::source::{FileId, FileKind, Sources, Span};

/// Every finding, then notes (templates used for missing env files), then the summary line.
pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        // Lines break at spaces only, and a word longer than the line stays whole: a URL or
        // a name cut in two could not be copied, or searched for.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    let handler = match options.width {
        Some(width) => handler.with_width(width),
        None => handler.with_wrap_lines(false),
    };
    let mut out = String::new();
    for project in projects {
        let mut shown = ShownFiles::default();
        for f in project_findings(project, options) {
            let mut report = Report::new(&f, &mut shown, options);
            // miette heads each related report with its severity ("Advice: "), which says
            // nothing of what it is: each is drawn here under a label of ours.
            let related = std::mem::take(&mut report.related);
            if handler.render_report(&mut out, &report).is_err() {
                out.push_str(&format!("{}: {}\n", f.code(), report.message));
            }
            for place in &related {
                out.push_str(&format!("\n{RELATED_LABEL}\n"));
                if handler.render_report(&mut out, place).is_err() {
                    out.push_str(&format!("  {}\n", place.message));
                }
            }
            out.push('\n');
        }
    }
    out.push_str(&summary(projects));
    out.push('\n');
    out
}

/// The line above a location of a finding in another file than its own.
const RELATED_LABEL: &str = "Related location:";

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
    fn new(f: &Finding, shown: &mut ShownFiles, options: &OutputOptions) -> Report {
        let sources = &f.project.sources;
        let secrets = &f.project.secrets;
        let severity = match f.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        };
        let marker = match f.fix_marker() {
            Some(m) => format!(" {m}"),
            None => String::new(),
        };
        let mut report = Report {
            code: format!("{}({}){marker}", f.code(), f.rule()),
            message: visible(f.message().as_str(), true),
            severity,
            help: help_with_fix(f).map(|h| visible(&h, true)),
            url: rules::find(f.code()).map(|r| r.url()),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let Some(primary) = f.primary() else {
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
                visible(&display_path(&file.path, &options.cwd), false),
                at.line,
                at.column
            );
            return report;
        }
        report.source = Some(named_source(primary, sources, secrets, shown, options));
        report.labels.push(LabeledSpan::new_primary_with_span(
            f.primary_label().map(|l| visible(l.as_str(), false)),
            source_span(primary),
        ));
        for label in f.related().iter().filter(|l| showable(l.span, sources)) {
            let message = visible(label.message.as_str(), false);
            if label.span.file == primary.file {
                report.labels.push(LabeledSpan::new_with_span(
                    Some(message),
                    source_span(label.span),
                ));
            } else {
                report.related.push(Report {
                    code: String::new(),
                    message: message.clone(),
                    severity: miette::Severity::Advice,
                    help: None,
                    url: None,
                    source: Some(named_source(label.span, sources, secrets, shown, options)),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        Some(message),
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
fn help_with_fix(f: &Finding) -> Option<String> {
    let fix = f.fix().map(|f| match f.applicability {
        Applicability::Safe => format!("[*] fix: {} (--fix)", f.message),
        Applicability::Unsafe => {
            format!("[~] unsafe fix: {} (--fix --unsafe-fixes)", f.message)
        }
    });
    match (f.help().map(|h| h.into_string()), fix) {
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

/// Each file's text as shown, made once per project: masking a file is linear in its size,
/// and a large file can have thousands of findings.
#[derive(Default)]
struct ShownFiles(HashMap<FileId, Arc<String>>);

fn named_source(
    span: Span,
    sources: &Sources,
    secrets: &Secrets,
    shown: &mut ShownFiles,
    options: &OutputOptions,
) -> NamedSource<Shown> {
    let file = sources.get(span.file);
    let env_file = matches!(
        file.kind(),
        Some(FileKind::ProjectEnv | FileKind::ServiceEnv { .. })
    );
    let text = shown.0.entry(span.file).or_insert_with(|| {
        let assignments = Assignments::of(file.kind());
        Arc::new(super::visible_same_length(
            &secrets.mask_source(&file.text, assignments),
        ))
    });
    let shown = Shown {
        text: Arc::clone(text),
        context: !env_file,
    };
    let name = visible(&display_path(&file.path, &options.cwd), false);
    NamedSource::new(name, shown)
}

/// A file's text as the report may show it: secrets and control characters overwritten, byte
/// for byte. Env files (every kind: the project's, an included project's, a service's) hold
/// secrets: a finding there shows the lines it points at and never the lines around them,
/// which are other variables' values.
struct Shown {
    text: Arc<String>,
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
        // read as it is, its column counted in characters as every other format counts it
        // (miette counts bytes).
        let no_context = context_lines_before == 0 && context_lines_after == 0;
        if no_context {
            let contents = self.text.read_span(span, 0, 0)?;
            let start = span.offset().min(self.text.len());
            let line_start = self
                .text
                .get(..start)
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i + 1);
            let column = self
                .text
                .get(line_start..start)
                .map_or(0, |t| t.chars().count());
            return Ok(Box::new(CharColumn { contents, column }));
        }
        if self.context {
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

/// Contents read from a file whose column is counted in characters.
struct CharColumn<'a> {
    contents: Box<dyn SpanContents<'a> + 'a>,
    column: usize,
}

impl<'a> SpanContents<'a> for CharColumn<'a> {
    fn data(&self) -> &'a [u8] {
        self.contents.data()
    }

    fn span(&self) -> &SourceSpan {
        self.contents.span()
    }

    fn name(&self) -> Option<&str> {
        self.contents.name()
    }

    fn line(&self) -> usize {
        self.contents.line()
    }

    fn column(&self) -> usize {
        self.column
    }

    fn line_count(&self) -> usize {
        self.contents.line_count()
    }

    fn language(&self) -> Option<&str> {
        self.contents.language()
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
