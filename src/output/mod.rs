//! Presentation of findings in every output format. Computes nothing but presentation.

pub mod concise;
pub mod finding;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod report;
pub mod rules;
pub mod sarif;

use std::path::{Path, PathBuf};

pub use finding::Finding;

use crate::LintedProject;
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::source::{FileKind, LineCol, SourceFile, Sources, Span};

/// An output format of the check command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    #[default]
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

impl Format {
    /// Every format, in the order the command line lists them.
    pub const ALL: [Format; 7] = [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Junit,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
        }
    }

    /// What the format is, for the command line's help.
    pub fn description(self) -> &'static str {
        match self {
            Format::Human => "Findings drawn with their source lines",
            Format::Concise => "One line per finding: `path:line:col: severity CODE message`",
            Format::Json => "A JSON array of findings",
            Format::Sarif => "SARIF 2.1.0, for GitHub code scanning",
            Format::Github => "GitHub Actions workflow commands (annotations)",
            Format::Gitlab => "The GitLab Code Quality report",
            Format::Junit => "JUnit XML",
        }
    }

    /// The format `--format` names.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// A format for people, which ends with what is fixable.
    pub fn is_text(self) -> bool {
        matches!(self, Format::Human | Format::Concise)
    }

    /// The findings of `projects` in this format.
    pub fn render(self, projects: &[LintedProject], options: &OutputOptions) -> String {
        match self {
            Format::Human => human::render(projects, options),
            Format::Concise => concise::render(projects, options),
            Format::Json => json::render(projects, options),
            Format::Sarif => sarif::render(projects, options),
            Format::Github => github::render(projects, options),
            Format::Gitlab => gitlab::render(projects, options),
            Format::Junit => junit::render(projects, options),
        }
    }
}

/// What the presentation needs to know about the terminal and the working directory.
#[derive(Clone, Debug)]
pub struct OutputOptions {
    /// Paths below it are shown relative to it.
    pub cwd: PathBuf,
    pub color: bool,
    /// The columns human output wraps its messages to; `None` does not wrap (output that is
    /// not read on a terminal: a file, a pipe, CI's log).
    pub width: Option<usize>,
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

/// "Found 3 problems (2 errors, 1 warning) in 2 projects." or "All checks passed (…)",
/// followed by " 2 suppressions without a reason." when directives lack one.
pub fn summary(projects: &[LintedProject]) -> String {
    let mut line = findings_summary(projects);
    let unexplained: usize = projects.iter().map(|p| p.suppressions.without_reason).sum();
    if unexplained > 0 {
        line.push_str(&format!(
            " {unexplained} suppression{} without a reason.",
            if unexplained == 1 { "" } else { "s" }
        ));
    }
    line
}

fn findings_summary(projects: &[LintedProject]) -> String {
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

/// "2 fixable with --fix, 1 more with --unsafe-fixes." — None when nothing is fixable. Each
/// fix is counted under the flags that apply it: a safe one under `--fix` alone, whether or
/// not `--unsafe-fixes` was given; with `unsafe_shown` (the user passed `--unsafe-fixes`),
/// the unsafe ones are named with the whole command that applies them.
pub fn fix_summary(projects: &[LintedProject], unsafe_shown: bool) -> Option<String> {
    let fixes = projects
        .iter()
        .flat_map(|p| &p.diagnostics)
        .filter_map(|d| d.fix.as_ref());
    let (mut safe, mut unsafe_) = (0, 0);
    for fix in fixes {
        match fix.applicability {
            Applicability::Safe => safe += 1,
            Applicability::Unsafe => unsafe_ += 1,
        }
    }
    let unsafe_flags = if unsafe_shown {
        "--fix --unsafe-fixes"
    } else {
        "--unsafe-fixes"
    };
    match (safe, unsafe_) {
        (0, 0) => None,
        (safe, 0) => Some(format!("{safe} fixable with --fix.")),
        (0, unsafe_) => Some(format!("{unsafe_} fixable with --fix --unsafe-fixes.")),
        (safe, unsafe_) => Some(format!(
            "{safe} fixable with --fix, {unsafe_} more with {unsafe_flags}."
        )),
    }
}

/// `[*]` for a finding with a safe fix, `[~]` for one with an unsafe fix.
pub fn fix_marker(d: &Diagnostic) -> Option<&'static str> {
    d.fix.as_ref().map(|f| match f.applicability {
        Applicability::Safe => "[*]",
        Applicability::Unsafe => "[~]",
    })
}

/// Where a span is, as the machine formats print it.
#[derive(Clone, Debug)]
pub struct Location<'a> {
    pub file: &'a SourceFile,
    /// Shown relative to the working directory when below it.
    pub path: String,
    pub start: LineCol,
    /// Exclusive: the position just after the last character.
    pub end: LineCol,
    pub span: Span,
}

impl Location<'_> {
    /// Whether the span is in an env file (the project's, an included project's or a
    /// service's), whose lines are values, often secret ones.
    pub fn in_env_file(&self) -> bool {
        matches!(
            self.file.kind(),
            Some(FileKind::ProjectEnv | FileKind::ServiceEnv { .. })
        )
    }

    /// The text of the line the span starts on, without its line break.
    pub fn line_text(&self) -> &str {
        let start = self.file.line_start(self.start.line);
        let rest = self.file.text.get(start..).unwrap_or("");
        let line = rest.split('\n').next().unwrap_or("");
        line.strip_suffix('\r').unwrap_or(line)
    }
}

pub fn locate<'a>(span: Span, sources: &'a Sources, options: &OutputOptions) -> Location<'a> {
    let file = sources.get(span.file);
    Location {
        file,
        path: display_path(&file.path, &options.cwd),
        start: file.line_col(span.start),
        end: file.line_col(span.end),
        span,
    }
}

/// Every finding of every project, ordered by file, line and column (findings without a
/// location first, as in the JSON output); equal keys keep the rules' order.
pub fn findings<'a>(projects: &'a [LintedProject], options: &OutputOptions) -> Vec<Finding<'a>> {
    let mut all: Vec<Finding<'a>> = projects
        .iter()
        .flat_map(|project| project_findings(project, options))
        .collect();
    all.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    all
}

/// The findings of one project, in its own order.
pub fn project_findings<'a>(
    project: &'a LintedProject,
    options: &OutputOptions,
) -> Vec<Finding<'a>> {
    project
        .diagnostics
        .iter()
        .map(|diagnostic| Finding::new(diagnostic, project, options))
        .collect()
}

fn sort_key<'a>(f: &'a Finding) -> (&'a str, usize, usize) {
    match &f.location {
        Some(l) => (l.path.as_str(), l.start.line, l.start.column),
        None => ("", 0, 0),
    }
}

/// Whether a character would act on a terminal or reorder text instead of showing: C0 and C1
/// controls (ESC starts colour and cursor sequences, U+009B is a one-character CSI), DEL, and
/// the bidirectional overrides, embeddings, isolates and marks (the "Trojan Source" characters).
pub fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` for a terminal or a CI log: each control or bidi character written as an escape
/// (`\x1B`, `\u{202E}`); line breaks and tabs stay when `keep_lines` (multi-line help), else
/// they are escaped too.
pub fn visible(text: &str, keep_lines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if keep_lines => out.push(c),
            c if is_hidden_control(c) && u32::from(c) < 0x100 => {
                out.push_str(&format!("\\x{:02X}", u32::from(c)));
            }
            c if is_hidden_control(c) => out.push_str(&format!("\\u{{{:04X}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// `text` (a whole file drawn by the human format) with each control or bidi character but
/// line breaks and tabs overwritten by `?`s of the same byte length, so offsets stay valid.
pub fn visible_same_length(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\r' && chars.peek() == Some(&'\n');
        if is_hidden_control(c) && !matches!(c, '\n' | '\t') && !line_end {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// A JSON document as text: serde escapes C0 controls; C1 controls, bidi characters and the
/// Unicode line separators are escaped here too (`\u009b`), which keeps every string's value
/// and keeps a terminal showing the document from acting on them.
pub fn json_text(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        // C0 controls are escaped by serde inside strings, and are the layout outside them.
        let c0 = u32::from(c) < 0x20;
        if (is_hidden_control(c) && !c0) || matches!(c, '\u{2028}' | '\u{2029}') {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}

/// A path with forward slashes, as URIs and CI reports expect on every platform.
pub fn forward_slashes(path: &str) -> String {
    path.replace('\\', "/")
}

/// 64-bit FNV-1a over the parts, each followed by a 0 byte so that ("ab", "c") and ("a", "bc")
/// differ. Stable across versions and platforms, which is all a fingerprint needs.
pub fn fnv1a(parts: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for part in parts {
        for &byte in part.as_bytes().iter().chain(std::iter::once(&0u8)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// Builders of small hand-made projects for the formats' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::PathBuf;

    use super::OutputOptions;
    use crate::LintedProject;
    use crate::compose::model::Project;
    use crate::diagnostic::{Diagnostic, Severity};
    use crate::source::{Sources, Span};

    pub fn options() -> OutputOptions {
        OutputOptions {
            cwd: PathBuf::from("/repo"),
            color: false,
            width: Some(100),
        }
    }

    /// A project "demo" in /repo whose only compose file is `path` (below /repo) with `text`.
    pub fn project(path: &str, text: &str) -> LintedProject {
        let mut sources = Sources::new();
        let id = sources.add(PathBuf::from("/repo").join(path), text.to_string());
        LintedProject {
            project: Project {
                name: "demo".into(),
                directory: PathBuf::from("/repo"),
                files: vec![id],
                ..Project::default()
            },
            sources,
            diagnostics: Vec::new(),
            suppressions: Default::default(),
            secrets: Default::default(),
            fail_on: crate::diagnostic::Severity::Warning,
        }
    }

    /// The span of the first occurrence of `needle` in the project's first file.
    pub fn span_of(project: &LintedProject, needle: &str) -> Span {
        let file = project.sources.iter().next().expect("a file");
        let start = file.text.find(needle).expect("needle in text");
        file.span(start, start + needle.len())
    }

    pub fn diagnostic(
        code: &'static str,
        rule: &'static str,
        severity: Severity,
        message: &str,
        primary: Option<Span>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            rule,
            severity,
            message: message.into(),
            help: None,
            service: None,
            primary,
            primary_label: None,
            related: Vec::new(),
            fix: None,
            profiles: Vec::new(),
            projects: Vec::new(),
            app_default: false,
            beside: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        // FNV-1a 64 of "" is the offset basis; of "a" is af63dc4c8601ec8c. Our separator byte
        // is appended, so hash the bytes by hand through the same steps for "a" then 0.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        h ^= 0x61;
        h = h.wrapping_mul(0x100_0000_01b3);
        assert_eq!(h, 0xaf63_dc4c_8601_ec8c);
        h = h.wrapping_mul(0x100_0000_01b3);
        assert_eq!(fnv1a(&["a"]), h);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn the_summary_counts_suppressions_without_a_reason() {
        let mut p = testing::project("compose.yaml", "services: {}\n");
        assert_eq!(
            summary(std::slice::from_ref(&p)),
            "All checks passed (1 project checked)."
        );
        p.suppressions.without_reason = 2;
        assert_eq!(
            summary(std::slice::from_ref(&p)),
            "All checks passed (1 project checked). 2 suppressions without a reason."
        );
        p.suppressions.without_reason = 1;
        p.diagnostics.push(testing::diagnostic(
            "OLL001",
            "loopback-in-container",
            Severity::Error,
            "m",
            None,
        ));
        assert_eq!(
            summary(std::slice::from_ref(&p)),
            "Found 1 problem (1 error) in 1 project. 1 suppression without a reason."
        );
    }

    #[test]
    fn the_fix_summary_names_the_flags_each_fix_needs() {
        let mut p = testing::project("compose.yaml", "services: {}\n");
        let fixable = |applicability| {
            let mut d = testing::diagnostic("OLL001", "r", Severity::Error, "m", None);
            d.fix = Some(crate::diagnostic::Fix {
                applicability,
                message: "f".into(),
                edits: Vec::new(),
            });
            d
        };
        let summary = |p: &LintedProject, shown| fix_summary(std::slice::from_ref(p), shown);
        assert_eq!(summary(&p, false), None);
        p.diagnostics.push(fixable(Applicability::Safe));
        // A safe fix needs --fix alone, whether --unsafe-fixes was given or not.
        for shown in [false, true] {
            assert_eq!(summary(&p, shown).unwrap(), "1 fixable with --fix.");
        }
        p.diagnostics.push(fixable(Applicability::Unsafe));
        assert_eq!(
            summary(&p, false).unwrap(),
            "1 fixable with --fix, 1 more with --unsafe-fixes."
        );
        assert_eq!(
            summary(&p, true).unwrap(),
            "1 fixable with --fix, 1 more with --fix --unsafe-fixes."
        );
        p.diagnostics.remove(0);
        for shown in [false, true] {
            assert_eq!(
                summary(&p, shown).unwrap(),
                "1 fixable with --fix --unsafe-fixes."
            );
        }
    }

    #[test]
    fn every_format_is_found_by_its_name() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        assert_eq!(Format::from_name("xml"), None);
    }

    #[test]
    fn forward_slashes_on_windows_paths() {
        assert_eq!(forward_slashes("a\\b/c.yaml"), "a/b/c.yaml");
    }
}
