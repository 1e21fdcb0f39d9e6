//! A fix of one URL in a list value (Open WebUI's `OLLAMA_BASE_URLS`, `;`-separated) must not
//! make it a copy of another item: `http://ollama:11434;http://localhost:11434` with the
//! loopback item pointed at `ollama` would list one server twice, and the app would balance
//! its requests over the same server as if it were two. The item is removed instead.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::ollama::Written;
use crate::source::Span;

use super::Context;
use super::inline_fix::edited_value;

/// Replaces each fix that would duplicate an item of its list by the removal of the item (or,
/// when the list's text cannot be cut there, by no fix, saying why).
pub fn remove_instead_of_duplicating(diagnostics: &mut [Diagnostic], ctx: &Context) {
    for d in diagnostics.iter_mut() {
        let Some(fix) = &d.fix else { continue };
        let Some(service) = d.service.as_deref() else {
            continue;
        };
        let duplicate = ctx.references.iter().find_map(|(r, _)| {
            let separator = r.setting?.list_separator.as_deref()?;
            let Written::Env { key, .. } = &r.written else {
                return None;
            };
            let client = ctx.project.services.get(r.client)?;
            if client.name != service {
                return None;
            }
            let fixed = edited_value(&r.text, &fix.edits)?;
            let whole = client.env(key)?.value.as_ref()?;
            let items = items(&whole.value, separator);
            let own = items
                .iter()
                .position(|range| whole.slice(range.clone()).pieces == r.text.pieces)?;
            let same = |a: &str, b: &str| {
                a.trim_end_matches('/')
                    .eq_ignore_ascii_case(b.trim_end_matches('/'))
            };
            let other = items
                .iter()
                .enumerate()
                .find(|(i, range)| *i != own && same(&whole.value[(*range).clone()], &fixed))?;
            // The item goes with the separator before it (after it, for the first item).
            let cut = if own > 0 {
                items[own - 1].end..items[own].end
            } else {
                items[own].start..items.get(1)?.start
            };
            Some((
                whole.exact_span(cut),
                r.text.value.clone(),
                whole.value[other.1.clone()].to_string(),
                fix.applicability,
            ))
        });
        let Some((span, item, kept, applicability)) = duplicate else {
            continue;
        };
        d.fix = span.map(|span: Span| Fix {
            applicability,
            message: format!("remove `{item}` from the list, which has `{kept}` already").into(),
            edits: vec![Edit {
                span,
                content: String::new(),
            }],
        });
        if d.fix.is_none() {
            d.add_help(&format!(
                "no fix is offered: pointing this item at the server would list `{kept}` twice, so remove it from the list"
            ));
        }
    }
}

/// The byte ranges of the trimmed, non-empty items of `value`.
fn items(value: &str, separator: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for part in value.split(separator) {
        let lead = part.len() - part.trim_start().len();
        let len = part.trim().len();
        if len > 0 {
            out.push(offset + lead..offset + lead + len);
        }
        offset += part.len() + separator.len();
    }
    out
}
