//! One report from the findings of several profile selections: each finding once, saying
//! under which selections it holds when not under all.

use std::collections::HashMap;

use crate::compose::model::Project;
use crate::compose::profiles::{self, Selection};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

/// A finding and the selections (indices) it holds in.
struct Held {
    diagnostic: Diagnostic,
    selections: Vec<usize>,
}

/// Merges `found` (the findings of each selection, in the order of `selections`).
///
/// Identical findings become one. Findings of one rule at one place that differ between
/// selections only in what they name (each profile starts another variant of the server:
/// `ollama-cpu`, `ollama-gpu`; or another service that reads the same env file line:
/// `app-dev`, `app-prod`) become one too, worded as under the first selection and naming the
/// other services, so that one line gets one finding and not one per profile.
pub fn merge(
    project: &Project,
    selections: &[Selection],
    found: Vec<Vec<Diagnostic>>,
) -> Vec<Diagnostic> {
    let mut merged: Vec<Vec<Held>> = Vec::new();
    type Place = (&'static str, Option<Span>);
    let mut by_place: HashMap<Place, usize> = HashMap::new();
    for (i, diagnostics) in found.into_iter().enumerate() {
        for d in diagnostics {
            let key = (d.code, d.primary);
            let group = *by_place.entry(key).or_insert_with(|| {
                merged.push(Vec::new());
                merged.len() - 1
            });
            let members = &mut merged[group];
            match members.iter_mut().find(|m| m.diagnostic == d) {
                // Selections come in order, so a finding repeated within one is seen last.
                Some(m) if m.selections.last() == Some(&i) => {}
                Some(m) => m.selections.push(i),
                None => members.push(Held {
                    diagnostic: d,
                    selections: vec![i],
                }),
            }
        }
    }
    merged
        .into_iter()
        .flat_map(combine_variants)
        .map(|(d, variants)| annotate(d, variants, project, selections))
        .collect()
}

/// What a finding took from the findings folded into it: their selections, and the
/// services they are about that it is not.
#[derive(Default)]
struct Variants {
    selections: Vec<usize>,
    services: Vec<String>,
}

/// Folds each member into the first one whose selections it does not share (two findings
/// under one selection are two findings); each result keeps the selections of every member
/// it took, first its own.
fn combine_variants(members: Vec<Held>) -> Vec<(Held, Variants)> {
    let mut out: Vec<(Held, Variants)> = Vec::new();
    for member in members {
        let into = out.iter_mut().find(|(base, others)| {
            !member
                .selections
                .iter()
                .any(|i| base.selections.contains(i) || others.selections.contains(i))
        });
        match into {
            Some((base, others)) => {
                base.diagnostic.severity = base.diagnostic.severity.max(member.diagnostic.severity);
                if base.diagnostic.fix != member.diagnostic.fix {
                    base.diagnostic.fix = None;
                }
                others.selections.extend(member.selections);
                if let Some(service) = member.diagnostic.service
                    && base.diagnostic.service.as_ref() != Some(&service)
                    && !others.services.contains(&service)
                {
                    others.services.push(service);
                }
            }
            None => out.push((member, Variants::default())),
        }
    }
    out
}

/// Says under which selections a finding holds, unless it holds under all of them.
fn annotate(
    held: Held,
    variants: Variants,
    project: &Project,
    selections: &[Selection],
) -> Diagnostic {
    let Held {
        mut diagnostic,
        selections: own,
    } = held;
    let Variants {
        selections: variants,
        services: other_services,
    } = variants;
    let mut all: Vec<usize> = own.iter().chain(&variants).copied().collect();
    all.sort_unstable();
    all.dedup();
    if all.len() == selections.len() && variants.is_empty() {
        return diagnostic;
    }
    // A reference that works under another selection that starts the same service depends
    // on what the user runs (a host Ollama by default, the project's own with a profile): the
    // evidence is weaker, so it is reported as information, and no fix is offered, since one
    // right under some selections would break the others.
    let starting = diagnostic
        .service
        .as_deref()
        .and_then(|name| project.service(name))
        .map_or(selections.len(), |service| {
            selections.iter().filter(|s| s.starts(service)).count()
        });
    if all.len() < starting {
        if diagnostic.code.starts_with("OLL") {
            diagnostic.severity = Severity::Info;
        }
        diagnostic.fix = None;
    }
    let describe = |indices: &[usize]| {
        let chosen: Vec<&Selection> = indices.iter().map(|&i| &selections[i]).collect();
        profiles::describe(&chosen)
    };
    let note = if variants.is_empty() {
        describe(&own)
    } else {
        let mut variants = variants;
        variants.sort_unstable();
        let whom = match other_services.as_slice() {
            [] => String::new(),
            [one] => format!("for service `{one}` "),
            more => format!(
                "for services {} ",
                more.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        format!("{}; likewise {whom}{}", describe(&own), describe(&variants))
    };
    // Commands' selections are alternatives, one per command line: the finding's own line
    // says which.
    if !project.from_commands {
        diagnostic.message = format!("{} ({note})", diagnostic.message.expose_unredacted()).into();
    }
    diagnostic.profiles = all
        .iter()
        .map(|&i| {
            selections[i]
                .names()
                .into_iter()
                .map(String::from)
                .collect()
        })
        .collect();
    diagnostic
}
