//! Withdraws fixes that contradict each other: one value (typically a `.env` line) used by
//! several services that each need it changed differently cannot be fixed for all of them.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::reachability::Verdict;
use crate::source::{Sources, Span};

use super::Context;

fn touches(a: Span, b: Span) -> bool {
    a.file == b.file && (a.start == b.start || (a.start < b.end && b.start < a.end))
}

fn place(sources: &Sources, span: Span) -> String {
    let file = sources.get(span.file);
    format!(
        "{}:{}",
        file.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file.line_col(span.start).line
    )
}

fn add_note(d: &mut Diagnostic, note: String) {
    d.fix = None;
    d.help = Some(match d.help.take() {
        Some(help) if help.contains(&note) => help,
        Some(help) => format!("{help}\n{note}"),
        None => note,
    });
}

/// Removes every fix that would change text another service reads and needs as it is: a
/// `.env` value that is wrong for one service may be right for another.
pub fn withdraw_fixes_breaking_working_references(diagnostics: &mut [Diagnostic], ctx: &Context) {
    for d in diagnostics.iter_mut() {
        let Some(fix) = &d.fix else { continue };
        let mut note = None;
        'edits: for edit in &fix.edits {
            for (r, verdict) in ctx.references {
                if !matches!(verdict, Verdict::Works) {
                    continue;
                }
                let Some(user) = ctx.project.services.get(r.client) else {
                    continue;
                };
                if d.service.as_deref() == Some(user.name.as_str()) {
                    continue;
                }
                let spans = r.text.spans(0..r.text.as_str().len());
                if spans.iter().any(|s| touches(*s, edit.span)) {
                    note = Some(format!(
                        "No fix is offered: the text at {} is also used by `{}`, for which it works as it is; give each service its own value.",
                        place(ctx.sources, edit.span),
                        user.name
                    ));
                    break 'edits;
                }
            }
        }
        if let Some(note) = note {
            add_note(d, note);
        }
    }
}

/// Removes the fixes of two services that replace the same text differently, and says why
/// in their help. Identical edits do not conflict (one value fixed once for everyone who
/// uses it), nor do insertions at one place (the fixer takes them in turns), nor two fixes
/// for one service (the second is computed again after the first).
pub fn withdraw_conflicting_fixes(diagnostics: &mut [Diagnostic], sources: &Sources) {
    // Each edit with the finding it belongs to.
    let mut edits: Vec<(Span, usize, &str)> = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if let Some(fix) = &d.fix {
            edits.extend(fix.edits.iter().map(|e| (e.span, i, e.content.as_str())));
        }
    }
    edits.sort_by_key(|(span, i, _)| (span.file, span.start, span.end, *i));
    let mut conflicting: BTreeSet<(usize, usize, Span)> = BTreeSet::new();
    for (a_index, (a, i, a_content)) in edits.iter().enumerate() {
        for (b, j, b_content) in edits.iter().skip(a_index + 1) {
            if b.file != a.file || b.start > a.end || (b.start == a.end && a.start != a.end) {
                break;
            }
            let replacements = !a.is_empty() && !b.is_empty();
            let services_differ = diagnostics[*i].service != diagnostics[*j].service;
            if replacements && services_differ && (a, a_content) != (b, b_content) {
                conflicting.insert((*i, *j, *a));
            }
        }
    }
    let mut notes: Vec<(usize, String)> = Vec::new();
    for (i, j, span) in &conflicting {
        let place = place(sources, *span);
        let who = |k: usize| {
            diagnostics[k]
                .service
                .as_deref()
                .map(|s| format!("`{s}`"))
                .unwrap_or_else(|| "another finding".into())
        };
        let note = format!(
            "No fix is offered: the text at {place} is used by {} and {}, which need it changed differently; give each its own value.",
            who(*i),
            who(*j)
        );
        notes.push((*i, note.clone()));
        notes.push((*j, note));
    }
    for (k, note) in notes {
        add_note(&mut diagnostics[k], note);
    }
}
