//! The report of a check run in one of the formats: the findings, or `--statistics`, with
//! `--quiet` and the line that says what is fixable applied as the command line asks.

use crate::LintedProject;
use crate::lint_config;

use super::{Format, OutputOptions, fix_summary, summary};

/// What the report shows besides the findings themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportOptions {
    pub format: Format,
    /// How often each rule fired instead of the findings.
    pub statistics: bool,
    /// No summary line, and nothing at all without findings, in the text formats.
    pub quiet: bool,
    /// The user asked for unsafe fixes: the fixable line names the whole command.
    pub unsafe_fixes: bool,
}

/// The report of `projects`: the findings in `report.format` (or the statistics), ending in
/// the human formats with what is fixable.
pub fn report(
    projects: &[LintedProject],
    report: &ReportOptions,
    options: &OutputOptions,
) -> String {
    if report.statistics {
        return statistics(projects, report.format, report.quiet);
    }
    let text = report.format.render(projects, options);
    if report.quiet {
        return quiet(text, projects, report.format);
    }
    let mut text = text;
    if report.format.is_text()
        && let Some(line) = fix_summary(projects, report.unsafe_fixes)
    {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// `--statistics`: one line per rule, `count  code  name`, most frequent first (a JSON array
/// with `--format json`).
fn statistics(projects: &[LintedProject], format: Format, quiet: bool) -> String {
    let rows = lint_config::statistics(projects);
    if format == Format::Json {
        // Codes, names and counts: nothing a serializer can refuse.
        let mut text = serde_json::to_string_pretty(&rows).unwrap_or_default();
        text.push('\n');
        return text;
    }
    let width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let mut text = String::new();
    for row in &rows {
        text.push_str(&format!(
            "{:>width$}  {:<6}  {}\n",
            row.count, row.code, row.name
        ));
    }
    if !quiet && rows.is_empty() {
        text.push_str(&summary(projects));
        text.push('\n');
    }
    text
}

/// `--quiet`: the text formats lose their summary line, and print nothing without findings.
/// Machine formats are left whole: their readers expect a complete document.
fn quiet(text: String, projects: &[LintedProject], format: Format) -> String {
    if !matches!(format, Format::Human | Format::Concise | Format::Github) {
        return text;
    }
    if projects.iter().all(|p| p.diagnostics.is_empty()) {
        return String::new();
    }
    let summary = format!("{}\n", summary(projects));
    match text.strip_suffix(&summary) {
        Some(rest) => rest.to_string(),
        None => text,
    }
}
