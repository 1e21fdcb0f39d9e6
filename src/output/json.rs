//! `--format json`: one object per finding, sorted by file, line and column.

use serde_json::{Value, json};

use super::{OutputOptions, display_path};
use crate::LintedProject;
use crate::diagnostic::Diagnostic;
use crate::source::{Sources, Span};

/// The findings of every project as one JSON array.
pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let mut items: Vec<(Value, (String, usize, usize))> = Vec::new();
    for p in projects {
        for d in &p.diagnostics {
            let value = diagnostic(d, &p.sources, options);
            let key = (
                value["location"]["file"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                value["location"]["line"].as_u64().unwrap_or(0) as usize,
                value["location"]["column"].as_u64().unwrap_or(0) as usize,
            );
            items.push((value, key));
        }
    }
    items.sort_by(|a, b| a.1.cmp(&b.1));
    let array = Value::Array(items.into_iter().map(|(v, _)| v).collect());
    let mut out = serde_json::to_string_pretty(&array).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

fn location(span: Span, sources: &Sources, options: &OutputOptions) -> Value {
    let file = sources.get(span.file);
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    json!({
        "file": display_path(&file.path, &options.cwd),
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
    })
}

pub fn diagnostic(d: &Diagnostic, sources: &Sources, options: &OutputOptions) -> Value {
    let primary = d
        .primary
        .map(|s| location(s, sources, options))
        .unwrap_or(Value::Null);
    let related: Vec<Value> = d
        .related
        .iter()
        .map(|l| {
            let mut v = location(l.span, sources, options);
            if let Value::Object(map) = &mut v {
                map.remove("end_line");
                map.remove("end_column");
                map.insert("message".into(), Value::String(l.message.clone()));
            }
            v
        })
        .collect();
    let fix = d.fix.as_ref().map(|fix| {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                let file = sources.get(e.span.file);
                let start = file.line_col(e.span.start);
                let end = file.line_col(e.span.end);
                json!({
                    "file": display_path(&file.path, &options.cwd),
                    "start": {"line": start.line, "column": start.column},
                    "end": {"line": end.line, "column": end.column},
                    "content": e.content,
                })
            })
            .collect();
        json!({
            "applicability": fix.applicability.as_str(),
            "message": fix.message,
            "edits": edits,
        })
    });
    json!({
        "code": d.code,
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "help": d.help,
        "service": d.service,
        // The profile selections the finding holds in (each a list of profiles, empty for
        // Compose's default), or null when it holds whatever the user runs.
        "profiles": (!d.profiles.is_empty()).then_some(&d.profiles),
        // The compose files of each project it holds in, when several projects of the run
        // share the file it is in (each project's list in merge order).
        "projects": (!d.projects.is_empty()).then(|| {
            d.projects
                .iter()
                .map(|files| {
                    files
                        .iter()
                        .map(|f| display_path(f, &options.cwd))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        }),
        "location": primary,
        "related": related,
        "fix": fix,
    })
}
