//! A reachability finding that points into a template read in place of a missing file
//! (`.env.example` for `.env`, CMP019) is information, not an error.
//!
//! Docker Compose never reads the template: the project runs with the `.env` its user makes
//! from it, often with the very line edited (an example's `127.0.0.1` is for running the app
//! outside Docker). The template's value is the best guess there is, so the finding stays,
//! but it is no evidence of what the container gets, and must not fail a CI run.

use crate::diagnostic::{Diagnostic, Severity};

use super::Context;

pub fn lower_template_findings(diagnostics: &mut [Diagnostic], ctx: &Context) {
    let templates = &ctx.project.templates_used;
    if templates.is_empty() {
        return;
    }
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.code.starts_with("OLL") || d.code.starts_with("NET"))
    {
        let Some(primary) = d.primary else { continue };
        let path = &ctx.sources.get(primary.file).path;
        let Some(used) = templates.iter().find(|t| &t.template == path) else {
            continue;
        };
        d.severity = d.severity.min(Severity::Info);
        let name = |p: &std::path::Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        d.add_help(&format!(
            "the value comes from the template `{}`, read because `{}` does not exist: the `{}` made from it decides",
            name(&used.template),
            name(&used.missing),
            name(&used.missing)
        ));
    }
}
