//! Withdraws fixes that contradict each other: one value (typically a `.env` line) used by
//! several services that each need it changed differently cannot be fixed for all of them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostic::Diagnostic;
use crate::reachability::Verdict;
use crate::source::{FileId, Sources, Span};

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
        Some(help) if help.expose_unredacted().contains(&note) => help,
        Some(help) => format!("{}\n{note}", help.expose_unredacted()).into(),
        None => note.into(),
    });
}

/// Removes every fix that would change text another service reads and needs as it is: a
/// `.env` value that is wrong for one service may be right for another.
pub fn withdraw_fixes_breaking_working_references(diagnostics: &mut [Diagnostic], ctx: &Context) {
    let working = WorkingTexts::new(ctx);
    for d in diagnostics.iter_mut() {
        let Some(fix) = &d.fix else { continue };
        let reader = fix.edits.iter().find_map(|edit| {
            working
                .first_reader(edit.span, d.service.as_deref())
                .map(|user| (edit.span, user))
        });
        if let Some((span, user)) = reader {
            let note = format!(
                "No fix is offered: the text at {} is also used by `{user}`, for which it works as it is; give each service its own value.",
                place(ctx.sources, span),
            );
            add_note(d, note);
        }
    }
}

/// The file spans of the references that work, per file, for finding those an edit touches
/// without comparing every fix with every reference (a large project has thousands of both).
struct WorkingTexts<'a> {
    /// Per file, sorted by span start.
    by_file: HashMap<FileId, Vec<WorkingText<'a>>>,
}

struct WorkingText<'a> {
    span: Span,
    /// The reference's index in the context's references.
    reference: usize,
    service: &'a str,
    /// The largest end of this span and every one before it: a search backwards can stop
    /// where nothing earlier reaches the edit.
    reach: usize,
}

impl<'a> WorkingTexts<'a> {
    fn new(ctx: &'a Context) -> Self {
        let mut by_file: HashMap<FileId, Vec<WorkingText<'a>>> = HashMap::new();
        for (reference, (r, verdict)) in ctx.references.iter().chain(ctx.net_references).enumerate()
        {
            if !matches!(verdict, Verdict::Works) {
                continue;
            }
            let Some(user) = ctx.project.services.get(r.client) else {
                continue;
            };
            for span in r.text.spans(0..r.text.as_str().len()) {
                by_file.entry(span.file).or_default().push(WorkingText {
                    span,
                    reference,
                    service: user.name.as_str(),
                    reach: 0,
                });
            }
        }
        for texts in by_file.values_mut() {
            texts.sort_by_key(|t| (t.span.start, t.reference));
            let mut reach = 0;
            for t in texts.iter_mut() {
                reach = reach.max(t.span.end);
                t.reach = reach;
            }
        }
        WorkingTexts { by_file }
    }

    /// The service of the first working reference (in reference order) whose text `edit`
    /// touches, other than `service`.
    fn first_reader(&self, edit: Span, service: Option<&str>) -> Option<&'a str> {
        let texts = self.by_file.get(&edit.file)?;
        // Only spans starting at or before the edit's end can touch it.
        let upto = texts.partition_point(|t| t.span.start <= edit.end);
        texts[..upto]
            .iter()
            .rev()
            .take_while(|t| t.reach >= edit.start)
            .filter(|t| touches(t.span, edit) && service != Some(t.service))
            .min_by_key(|t| t.reference)
            .map(|t| t.service)
    }
}

/// Removes the fixes of services that would change one line differently, and says why in
/// their help. A line holds one value, so two services with edits on it share that value
/// (a `.env` line, an anchor, an `extends` base): fixing it for one changes it for the other,
/// and two different fixes would combine into a value that works for neither (one moving the
/// host, the other the port). Identical edits do not conflict: that is one value fixed once
/// for everyone who uses it. Two fixes for one service do not either: the fixer applies one,
/// and the next is computed again.
pub fn withdraw_conflicting_fixes(diagnostics: &mut [Diagnostic], sources: &Sources) {
    type Edits = BTreeSet<(usize, usize, String)>;
    /// Per service: its edits on one line, and the findings they come from.
    type ByService = BTreeMap<Option<String>, (Edits, Vec<usize>)>;
    let mut lines: BTreeMap<(FileId, usize), ByService> = BTreeMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let Some(fix) = &d.fix else { continue };
        for e in &fix.edits {
            let file = sources.get(e.span.file);
            let at = file.line_col(e.span.start);
            // Whole lines inserted between others (a `depends_on:` at the end of one
            // service, a top-level `volumes:` at the end of the file) change no value that
            // anyone shares: each service's addition stands, and the fixer applies one and
            // computes the next again.
            let inserts_lines =
                e.span.start == e.span.end && at.column == 1 && e.content.ends_with('\n');
            if inserts_lines {
                continue;
            }
            let line = at.line;
            let (edits, findings) = lines
                .entry((e.span.file, line))
                .or_default()
                .entry(d.service.clone())
                .or_default();
            edits.insert((e.span.start, e.span.end, e.content.clone()));
            if !findings.contains(&i) {
                findings.push(i);
            }
        }
    }
    let mut notes: Vec<(usize, String)> = Vec::new();
    for ((file, line), by_service) in &lines {
        let mut edit_sets = by_service.values().map(|(edits, _)| edits);
        let first = edit_sets.next();
        if by_service.len() < 2 || edit_sets.all(|e| Some(e) == first) {
            continue;
        }
        let names: Vec<String> = by_service
            .keys()
            .map(|s| match s {
                Some(s) => format!("`{s}`"),
                None => "another finding".to_string(),
            })
            .collect();
        let start = sources.get(*file).line_start(*line);
        let note = format!(
            "No fix is offered: the text at {} is used by {}, which need it changed differently; give each service its own value.",
            place(sources, Span::new(*file, start, start)),
            names.join(" and ")
        );
        for (_, findings) in by_service.values() {
            notes.extend(findings.iter().map(|&i| (i, note.clone())));
        }
    }
    for (k, note) in notes {
        add_note(&mut diagnostics[k], note);
    }
}
