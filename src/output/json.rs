//! `--format json`: one object per finding, sorted by file, line and column.

use serde_json::{Value, json};

use super::{Finding, OutputOptions, display_path, findings, json_text};
use crate::LintedProject;
use crate::source::{Sources, Span};

/// The findings of every project as one JSON array, sorted by file, line and column.
pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let items: Vec<Value> = findings(projects, options)
        .iter()
        .map(|f| diagnostic(f, &f.project.sources, options))
        .collect();
    json_text(&Value::Array(items))
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

pub fn diagnostic(f: &Finding, sources: &Sources, options: &OutputOptions) -> Value {
    let primary = f
        .primary()
        .map(|s| location(s, sources, options))
        .unwrap_or(Value::Null);
    let related: Vec<Value> = f
        .related()
        .into_iter()
        .map(|l| {
            let mut v = location(l.span, sources, options);
            if let Value::Object(map) = &mut v {
                map.remove("end_line");
                map.remove("end_column");
                map.insert("message".into(), Value::String(l.message.into_string()));
            }
            v
        })
        .collect();
    let fix = f.fix().map(|fix| {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                let file = sources.get(e.span.file);
                let start = file.line_col(e.span.start);
                let end = file.line_col(e.span.end);
                let mut edit = json!({
                    "file": display_path(&file.path, &options.cwd),
                    "start": {"line": start.line, "column": start.column},
                    "end": {"line": end.line, "column": end.column},
                    "content": e.content.as_str(),
                });
                // The content held a secret and shows `***` instead: not to be applied as is.
                if e.hidden {
                    edit["redacted"] = json!(true);
                }
                edit
            })
            .collect();
        json!({
            "applicability": fix.applicability.as_str(),
            "message": fix.message.as_str(),
            "edits": edits,
        })
    });
    let projects = f.projects();
    json!({
        "code": f.code(),
        "rule": f.rule(),
        "severity": f.severity().as_str(),
        "message": f.message().as_str(),
        "help": f.help().map(|h| h.into_string()),
        "service": f.service(),
        // The profile selections the finding holds in (each a list of profiles, empty for
        // Compose's default), or null when it holds whatever the user runs.
        "profiles": (!f.profiles().is_empty()).then_some(f.profiles()),
        // The compose files of each project it holds in, when several projects of the run
        // share the file it is in (each project's list in merge order).
        "projects": (!projects.is_empty()).then(|| {
            projects
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
