//! The fix that writes a reference's fixed URL where its service uses it, for when fixing the
//! value where it is defined would change more than the finding.
//!
//! A URL often takes its host or port from a variable (`http://${HOST}:11434`, `HOST` in
//! `.env`) or its whole value from an env file shared by several services or projects.
//! Editing the variable fixes the reference, and also changes every other use of the
//! variable (a `REDIS_URL` built from the same `HOST`, a published port). The fixer verifies
//! every fix; when one changes something besides its finding, it asks for this one instead:
//! the fixed URL written in the service's own `environment:`, the shared value left alone.

use crate::compose::model::{EnvSource, Project};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::knowledge::Extensions;
use crate::ollama::{Reference, Written};
use crate::reach::Found;
use crate::source::{FileId, Sources, Span};
use crate::text::{Origin, Text};
use crate::yaml::{Node, NodeKind};
use crate::yaml_edit::{set_env, yaml_scalar};

/// `d`'s fix written at the uses instead: each reference of `d`'s service whose value the
/// fix edits gets its fixed value where the service sets it. None when the fix already edits
/// only the text where the service sets its variables, or when a use cannot be rewritten.
pub fn inline_fix(
    project: &Project,
    sources: &Sources,
    d: &Diagnostic,
    extensions: &Extensions,
) -> Option<Fix> {
    let fix = d.fix.as_ref()?;
    let client = project
        .services
        .iter()
        .position(|s| Some(&s.name) == d.service.as_ref())?;
    let mut edits = Vec::new();
    // Only the references the finding is about: re-aiming an Ollama URL must leave a
    // `REDIS_URL` built from the same variable alone, and the other way round.
    let found = Found::of(project, sources, extensions);
    let references = if d.code.starts_with("OLL") {
        found.ollama
    } else {
        found.others
    };
    for r in references {
        if r.client != client {
            continue;
        }
        let Written::Env { key, source } = &r.written else {
            continue;
        };
        let Some(value) = edited_value(&r.text, &fix.edits) else {
            continue;
        };
        let in_place = match source {
            EnvSource::Environment { span } => fix.edits.iter().all(|e| span.contains(e.span)),
            EnvSource::EnvFile { .. } => false,
        };
        if in_place {
            return None;
        }
        edits.push(write_at_use(project, sources, &r, key, source, &value)?);
    }
    (!edits.is_empty()).then(|| Fix {
        applicability: fix.applicability,
        message: format!(
            "{} in `{}`'s own environment (the shared value stays)",
            fix.message.expose_unredacted(),
            project.services[client].name
        )
        .into(),
        edits,
    })
}

/// `text`'s value with the edits that land in it made; None when an edit lands partly in it,
/// or none does.
pub(crate) fn edited_value(text: &Text, edits: &[Edit]) -> Option<String> {
    let mut at_value: Vec<(usize, usize, &str)> = Vec::new();
    for e in edits {
        let piece = text.pieces.iter().find_map(|p| match p.origin {
            Origin::File { span, exact: true } if span.contains(e.span) => {
                Some((p.range.start, span))
            }
            _ => None,
        });
        let (offset, span) = piece?;
        let start = offset + (e.span.start - span.start);
        at_value.push((start, start + e.span.len(), e.content.as_str()));
    }
    at_value.sort();
    let mut out = text.value.clone();
    for &(start, end, content) in at_value.iter().rev() {
        out.get(start..end)?;
        out.replace_range(start..end, content);
    }
    Some(out)
}

/// The edit that sets `key` to `value` where the reference's service uses it: the value of
/// its `environment:` entry replaced, or (the value comes from an env file) an entry added to
/// the service's `environment:`, which Compose takes over the env file's.
fn write_at_use(
    project: &Project,
    sources: &Sources,
    r: &Reference,
    key: &str,
    source: &EnvSource,
    value: &str,
) -> Option<Edit> {
    let service = &project.services[r.client].name;
    // Compose reads `$` as the start of a variable; `$$` is a literal one.
    let escaped = value.replace('$', "$$");
    match source {
        EnvSource::EnvFile { .. } => {
            let (file, node) = project.written_service(sources, service)?;
            set_env(&sources.get(file).text, file, node, key, &escaped)
        }
        EnvSource::Environment { span } => {
            let environment = project
                .written_documents(sources)
                .iter()
                .filter(|(f, _)| *f == span.file)
                .find_map(|(_, doc)| doc.get("services")?.get(service)?.get("environment"))?;
            let (node, content) = match &environment.kind {
                NodeKind::Mapping(_) => (environment.get(key)?, yaml_scalar(&escaped)),
                NodeKind::Sequence(items) => (
                    items.iter().find(|i| {
                        i.as_str()
                            .and_then(|s| s.split_once('='))
                            .is_some_and(|(k, _)| k == key)
                    })?,
                    yaml_scalar(&format!("{key}={escaped}")),
                ),
                NodeKind::Scalar(_) => return None,
            };
            replace_scalar(
                &sources.get(span.file).text,
                span.file,
                node,
                *span,
                content,
            )
        }
    }
}

/// Replaces a one-line scalar written inside `entry` (not an alias's copy, not a block
/// scalar whose lines follow).
fn replace_scalar(
    text: &str,
    file: FileId,
    node: &Node,
    entry: Span,
    content: String,
) -> Option<Edit> {
    let written = text.get(node.span.start..node.span.end)?;
    if !entry.contains(node.span)
        || !matches!(node.kind, NodeKind::Scalar(_))
        || written.starts_with(['|', '>'])
        || written.contains('\n')
    {
        return None;
    }
    Some(Edit {
        span: Span::new(file, node.span.start, node.span.end),
        content,
    })
}
