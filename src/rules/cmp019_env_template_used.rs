use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// An env file read from its template because the file itself is missing.
    ///
    /// ## What it does
    /// Reports each env file that does not exist but has a template beside it (`.env.example`,
    /// `.env.sample`, `example.env`, `.env.template`, `.env.dist`, `env.example` for `.env`;
    /// `web.env.example` and the like for `web.env`), which composelint reads in its place:
    /// the project's `.env` and `--env-file`, an included project's `.env`, and a service's
    /// `env_file`.
    ///
    /// ## Why is this bad?
    /// Nothing is wrong yet: repositories commit the template and each user copies it. But
    /// the findings about values from that file are about the template's values, and the run
    /// you make will use your copy. Without the copy, Compose sees every variable of a missing
    /// `.env` unset and refuses a project whose required `env_file` is missing.
    ///
    /// ## Example
    /// A project with no `.env`, only its template:
    /// ```yaml
    /// services:
    ///   webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    ///     environment:
    ///       OLLAMA_BASE_URL: ${OLLAMA_BASE_URL}
    /// ```
    /// ```dotenv
    /// # .env.example
    /// OLLAMA_BASE_URL=http://host.docker.internal:11434
    /// ```
    ///
    /// ## Use instead
    /// Copy the template (`cp .env.example .env`) and set your values, or lint with
    /// `--env-file` naming the file you run with:
    /// ```yaml
    /// services:
    ///   webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    ///     environment:
    ///       OLLAMA_BASE_URL: ${OLLAMA_BASE_URL}
    /// ```
    /// ```dotenv
    /// OLLAMA_BASE_URL=http://host.docker.internal:11434
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the values are the user's.
    ///
    /// ## Exceptions
    /// Reported once per missing file, however many services read it, as information.
    pub static RULE = {
        code: "CMP019",
        name: "env-template-used",
        severity: Info,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let project = ctx.project;
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for used in &project.templates_used {
        if !seen.insert(&used.missing) {
            continue;
        }
        // Where it is named (a service's `env_file`), else the template's first line.
        let reference = project
            .services
            .iter()
            .chain(&project.inactive)
            .flat_map(|s| &s.env_files)
            .find(|r| r.path == used.missing)
            .map(|r| r.span);
        let template = ctx.sources.find(&used.template);
        let Some(span) = reference.or(template.map(|id| Span::new(id, 0, 0))) else {
            continue;
        };
        let name = |p: &std::path::Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        let mut d = RULE
            .diagnostic(
                format!(
                    "`{}` does not exist; its template `{}` is read in its place",
                    name(&used.missing),
                    name(&used.template)
                ),
                Some(span),
            )
            .with_help(format!(
                "copy `{}` to `{}` and set your values: the findings about its values are about the template's",
                name(&used.template),
                name(&used.missing)
            ));
        if reference.is_some()
            && let Some(id) = template
        {
            d = d.with_related(Span::new(id, 0, 0), "read in its place");
        }
        out.push(d);
    }
    out
}
