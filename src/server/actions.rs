//! Code actions: a quick fix per finding with a fix (safe ones first, unsafe ones labelled),
//! "Disable CODE for this line", and `source.fixAll.composelint`. Every edit is a
//! `WorkspaceEdit` of versioned document changes, so an editor that has moved on refuses it,
//! and one fix may edit several files (a value in `.env` for a finding shown in the compose
//! file).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Range, TextDocumentEdit, TextEdit, WorkspaceEdit,
};

use super::analysis::{Linted, Target, settings_for};
use super::documents::Documents;
use super::position::Encoding;
use super::{FIX_ALL, Shared, diagnostics, uri};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::fix::FixOptions;
use crate::output::{Finding, OutputOptions};
use crate::suppress::UNSUPPRESSIBLE;

/// The actions for `params.range` of a document, of the kinds the client asked for.
pub fn code_actions(shared: &Shared, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let Some(path) = uri::to_path(&params.text_document.uri) else {
        return Vec::new();
    };
    let wants = |kind: &str| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|o| {
                let o = o.as_str();
                kind == o
                    || kind
                        .strip_prefix(o)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    };
    let documents = shared.documents().clone();
    let mut actions = Vec::new();
    if wants(CodeActionKind::QUICKFIX.as_str()) {
        let (fixes, disables) = at_range(shared, &documents, &path, params.range);
        actions.extend(fixes);
        for disable in disables {
            if let Some(action) = disable_action(shared, &documents, &disable) {
                actions.push(action);
            }
        }
    }
    if wants(FIX_ALL)
        && let Some(action) = fix_all(shared, &documents, &path)
    {
        actions.push(action);
    }
    actions
        .into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// A "disable for this line" to offer once checked.
struct Disable {
    target: Target,
    path: PathBuf,
    code: &'static str,
    /// The line (0-based) the finding starts on.
    line: usize,
    /// The diagnostic as shown.
    shown: lsp_types::Diagnostic,
    /// Every finding of the project, to compare with those after the comment.
    before: Vec<(&'static str, String)>,
}

/// The quick fixes of the findings shown at `range` of `path`, safe ones first, and the
/// "disable" actions to check; only from a lint of the text the editor has now.
fn at_range(
    shared: &Shared,
    documents: &Documents,
    path: &Path,
    range: Range,
) -> (Vec<CodeAction>, Vec<Disable>) {
    let results = shared.results();
    let mut fixes: Vec<(Applicability, CodeAction)> = Vec::new();
    let mut disables: Vec<Disable> = Vec::new();
    for linted in results.iter() {
        if !is_current(linted, documents)
            || linted.versions.get(path).copied() != documents.version(path)
        {
            continue;
        }
        let project = &linted.project;
        for d in &project.diagnostics {
            if !diagnostics::is_in(project, d, path) {
                continue;
            }
            let shown = diagnostics::convert(project, d, shared.encoding);
            if !touches(shown.range, range) {
                continue;
            }
            if let Some(action) = quick_fix(linted, d, &shown, documents, shared.encoding) {
                fixes.push(action);
            }
            if let Some(span) = d.primary
                && !UNSUPPRESSIBLE.contains(&d.code)
            {
                let line = project.sources.get(span.file).line_col(span.start).line - 1;
                if !disables.iter().any(|x| x.code == d.code && x.line == line) {
                    disables.push(Disable {
                        target: linted.target.clone(),
                        path: path.to_path_buf(),
                        code: d.code,
                        line,
                        shown: shown.clone(),
                        before: findings(&project.diagnostics),
                    });
                }
            }
        }
    }
    fixes.sort_by_key(|(applicability, _)| *applicability);
    (fixes.into_iter().map(|(_, a)| a).collect(), disables)
}

/// Whether every open document the lint read is still at the version it read.
fn is_current(linted: &Linted, documents: &Documents) -> bool {
    linted
        .versions
        .iter()
        .all(|(path, &version)| documents.version(path) == Some(version))
}

/// Whether two ranges overlap or touch (a cursor at the end of a finding is on it).
fn touches(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn quick_fix(
    linted: &Linted,
    d: &Diagnostic,
    shown: &lsp_types::Diagnostic,
    documents: &Documents,
    encoding: Encoding,
) -> Option<(Applicability, CodeAction)> {
    let fix = d.fix.as_ref()?;
    let project = &linted.project;
    let options = OutputOptions {
        cwd: PathBuf::new(),
        color: false,
        width: None,
    };
    let message = Finding::new(d, project, &options).fix()?.message;
    let title = match fix.applicability {
        Applicability::Safe => format!("{}: {message}", d.code),
        Applicability::Unsafe => format!("{}: {message} (unsafe fix)", d.code),
    };
    let mut by_file: BTreeMap<PathBuf, Vec<TextEdit>> = BTreeMap::new();
    for edit in &fix.edits {
        let file = project.sources.get(edit.span.file);
        // The edit's own text, as `--fix` writes it: the file is the user's, and a masked
        // value written into it would break it.
        by_file
            .entry(file.path.clone())
            .or_default()
            .push(TextEdit {
                range: encoding.range_in(file, edit.span.start, edit.span.end),
                new_text: edit.content.clone(),
            });
    }
    let action = CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown.clone()]),
        edit: Some(workspace_edit(by_file, documents)),
        is_preferred: Some(fix.applicability == Applicability::Safe),
        ..CodeAction::default()
    };
    Some((fix.applicability, action))
}

/// The edits as versioned changes: an open document at the version the edit was made for,
/// a file that is not open without one.
fn workspace_edit(
    by_file: BTreeMap<PathBuf, Vec<TextEdit>>,
    documents: &Documents,
) -> WorkspaceEdit {
    let changes = by_file
        .into_iter()
        .map(|(path, edits)| TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri::from_path(&path),
                version: documents.version(&path),
            },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        })
        .collect();
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(changes)),
        ..WorkspaceEdit::default()
    }
}

/// Each finding's code and words, to compare two lints of a project.
fn findings(diagnostics: &[Diagnostic]) -> Vec<(&'static str, String)> {
    let mut out: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.code, d.message.expose_unredacted().to_string()))
        .collect();
    out.sort();
    out
}

/// "Disable CODE for this line": a suppression comment at the end of the line, else alone on
/// the line before it, with a `-- reason` to fill in. A comment is offered only when a lint
/// with it in place shows it suppresses the line's findings of CODE and changes nothing
/// else (a `#` inside a block scalar or a quoted value is no comment).
fn disable_action(shared: &Shared, documents: &Documents, disable: &Disable) -> Option<CodeAction> {
    let text = match documents.get(&disable.path) {
        Some(document) => document.text.to_string(),
        None => String::from_utf8(shared.disk.read(&disable.path).ok()?).ok()?,
    };
    let line_start = line_start(&text, disable.line)?;
    let rest = &text[line_start..];
    let line = rest.split('\n').next().unwrap_or(rest);
    let (content, eol) = match line.strip_suffix('\r') {
        Some(content) => (content, "\r\n"),
        None => (line, "\n"),
    };
    let indent = &content[..content.len() - content.trim_start().len()];
    let directive = format!("composelint: disable={} -- reason", disable.code);
    let candidates = [
        (line_start + content.len(), format!("  # {directive}")),
        (line_start, format!("{indent}# {directive}{eol}")),
    ];
    let mut expected = disable.before.clone();
    let suppressed = {
        let results = shared.results();
        results
            .iter()
            .find(|l| l.target.files == disable.target.files)
            .map(|l| {
                l.project
                    .diagnostics
                    .iter()
                    .filter(|d| {
                        d.code == disable.code
                            && d.primary.is_some_and(|s| {
                                l.project.sources.get(s.file).path == disable.path
                                    && l.project.sources.get(s.file).line_col(s.start).line - 1
                                        == disable.line
                            })
                    })
                    .map(|d| (d.code, d.message.expose_unredacted().to_string()))
                    .collect::<Vec<_>>()
            })?
    };
    for gone in &suppressed {
        let at = expected.iter().position(|f| f == gone)?;
        expected.remove(at);
    }
    for (at, inserted) in candidates {
        let mut new_text = text.clone();
        new_text.insert_str(at, &inserted);
        let mut fs = documents.over(&*shared.disk);
        fs.insert(disable.path.clone(), new_text);
        let Ok(after) = crate::lint_files(&fs, &disable.target.files, &disable.target.settings)
        else {
            continue;
        };
        if findings(&after.diagnostics) != expected {
            continue;
        }
        let position = shared.encoding.position(&text, at);
        let edit = TextEdit {
            range: Range::new(position, position),
            new_text: inserted,
        };
        return Some(CodeAction {
            title: format!("Disable {} for this line", disable.code),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![disable.shown.clone()]),
            edit: Some(workspace_edit(
                BTreeMap::from([(disable.path.clone(), vec![edit])]),
                documents,
            )),
            ..CodeAction::default()
        });
    }
    None
}

/// The byte offset where line `line` (0-based) starts.
fn line_start(text: &str, line: usize) -> Option<usize> {
    if line == 0 {
        return Some(0);
    }
    text.match_indices('\n').nth(line - 1).map(|(i, _)| i + 1)
}

/// `source.fixAll.composelint`: what `composelint --fix` would write (with `--unsafe-fixes`
/// when the client asked for it) for the projects that read the document, as edits of the
/// lines that change.
fn fix_all(shared: &Shared, documents: &Documents, path: &Path) -> Option<CodeAction> {
    let language = documents
        .get(path)
        .map(|d| d.language.clone())
        .unwrap_or_default();
    if !shared.lints(path, &language) {
        return None;
    }
    let fs = documents.over(&*shared.disk);
    let settings = settings_for(&fs, path, &shared.options).ok()?;
    let options = FixOptions {
        unsafe_fixes: shared.options.unsafe_fixes,
    };
    let run = crate::fix::fix(&fs, &settings, &options).ok()?;
    if run.changes.is_empty() {
        return None;
    }
    let mut by_file = BTreeMap::new();
    for change in &run.changes {
        let (Ok(old), Ok(new)) = (
            std::str::from_utf8(&change.original),
            std::str::from_utf8(&change.fixed),
        ) else {
            continue;
        };
        by_file.insert(change.path.clone(), line_edits(old, new, shared.encoding));
    }
    Some(CodeAction {
        title: "composelint: fix all safe problems".into(),
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(workspace_edit(by_file, documents)),
        ..CodeAction::default()
    })
}

/// The edits that turn `old` into `new`, a run of changed lines each, so that the editor
/// keeps its cursor and marks on the lines that stay.
fn line_edits(old: &str, new: &str, encoding: Encoding) -> Vec<TextEdit> {
    let old_lines = line_starts(old);
    let new_lines = line_starts(new);
    similar::TextDiff::from_lines(old, new)
        .ops()
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let (o, n) = (op.old_range(), op.new_range());
            let start = old_lines[o.start];
            let end = old_lines[o.end];
            TextEdit {
                range: encoding.range(old, start, end),
                new_text: new[new_lines[n.start]..new_lines[n.end]].to_string(),
            }
        })
        .collect()
}

/// The byte offset of the start of every line, then the end of the text.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    if starts.last() != Some(&text.len()) {
        starts.push(text.len());
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::Position;

    /// Applies edits made against `old` (sorted, not overlapping), as a client does.
    fn apply(old: &str, edits: &[TextEdit], encoding: Encoding) -> String {
        let mut out = old.to_string();
        for edit in edits.iter().rev() {
            let start = encoding.offset(old, edit.range.start);
            let end = encoding.offset(old, edit.range.end);
            out.replace_range(start..end, &edit.new_text);
        }
        out
    }

    #[test]
    fn line_edits_turn_the_old_text_into_the_new() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("é: 1\r\nx: 😀\r\ny: 2", "é: 1\r\nx: 😀😀\r\ny: 3"),
            ("", "new\n"),
            ("gone\n", ""),
            ("a\nb\n", "a\nb\nc\nd\n"),
        ];
        for (old, new) in cases {
            for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let edits = line_edits(old, new, encoding);
                assert_eq!(apply(old, &edits, encoding), new, "{old:?} → {new:?}");
            }
        }
        // Only the changed line is edited.
        let edits = line_edits("a\nb\nc\n", "a\nB\nc\n", Encoding::Utf16);
        assert_eq!(edits.len(), 1);
        assert_eq!(
            edits[0].range,
            Range::new(Position::new(1, 0), Position::new(2, 0))
        );
    }

    #[test]
    fn lines_start_after_each_break() {
        assert_eq!(line_start("a\nbc\n", 0), Some(0));
        assert_eq!(line_start("a\nbc\n", 1), Some(2));
        assert_eq!(line_start("a\nbc\n", 2), Some(5));
        assert_eq!(line_start("a\nbc\n", 3), None);
    }
}
