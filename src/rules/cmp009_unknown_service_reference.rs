use super::{Context, declare_rule};
use crate::compose::issues::LoadIssue;
use crate::compose::model::Service;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// `depends_on`, `links`, `volumes_from`, `network_mode: service:X`, `extends` naming no
    /// service.
    ///
    /// ## What it does
    /// Reports a reference to a service that the project does not define: in `depends_on`
    /// (short or long syntax), `links`, `volumes_from`, `network_mode`, `ipc`, `pid` or `uts`
    /// as `service:NAME`, and `extends`.
    ///
    /// A reference to a service that only a profile starts is reported in the selections
    /// that leave that service out: Compose refuses them too (`service "web" depends on
    /// undefined service "ollama"`), so `docker compose up` without the profile fails.
    ///
    /// ## Why is this bad?
    /// Compose refuses to load the project (`service "X" not found`, `depends on undefined
    /// service`). A typo here often hides a second mistake: the URL that uses the same name.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     depends_on: [olama]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     depends_on: [ollama]
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    ///
    /// ## Exceptions
    /// A dependency with `required: false` may name a service that a disabled profile leaves
    /// out; it is still reported when no file of the project defines it, as Compose refuses
    /// that too.
    pub static RULE = {
        code: "CMP009",
        name: "unknown-service-reference",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let project = ctx.project;
    let mut out = Vec::new();
    let mut report = |service: &str, target: &str, what: &str, span: Span, required: bool| {
        let diagnostic = match project.inactive_service(target) {
            // Compose drops a service its profiles leave out before it checks references,
            // and refuses what still needs it (`depends on undefined service`).
            Some(_) if !required => return,
            Some(inactive) => RULE
                .diagnostic(
                    format!(
                        "service `{service}` needs service `{target}` in {what}, which runs only with profile {}",
                        profile_list(inactive)
                    ),
                    Some(span),
                )
                .with_help(format!(
                    "Compose refuses the project unless one of these profiles is enabled; give `{service}` the same profiles, or mark the dependency `required: false`"
                )),
            // An unread `include` may define it.
            None if project.is_partial() => return,
            None => RULE
                .diagnostic(
                    format!("service `{service}` refers to undefined service `{target}` in {what}"),
                    Some(span),
                )
                .with_help(suggestion(project, target)),
        };
        out.push(diagnostic.with_service(service));
    };
    for service in &project.services {
        // Every field that names a service becomes a dependency (`links`, `volumes_from`,
        // `network_mode`/`ipc`/`pid`/`uts: service:X`), as Compose counts them.
        for dep in &service.depends_on {
            if project.service(&dep.service).is_none() {
                let what = format!("`{}`", dep.field);
                report(&service.name, &dep.service, &what, dep.span, dep.required);
            }
        }
    }
    for issue in &project.issues {
        if let LoadIssue::UnknownExtends {
            service,
            span,
            file,
        } = issue
        {
            // The file as its reader knows it: this one, or the path beside it, never the
            // absolute path the loader resolved.
            let here = &ctx.sources.get(span.file).path;
            let in_file = if file == here {
                "this file".to_string()
            } else {
                let beside = here.parent().and_then(|dir| file.strip_prefix(dir).ok());
                format!("`{}`", beside.unwrap_or(file).display())
            };
            out.push(RULE.diagnostic(
                format!("`extends` names service `{service}`, which {in_file} does not define"),
                Some(*span),
            ));
        }
    }
    out
}

/// "`cpu` or `gpu`": the profiles that start `service`.
fn profile_list(service: &Service) -> String {
    service
        .profiles
        .iter()
        .map(|p| format!("`{}`", p.value))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// How many service names the help lists at most.
const MAX_NAMES_LISTED: usize = 10;

/// "did you mean …?" for the closest service name, if one is close.
fn suggestion(project: &crate::compose::model::Project, target: &str) -> String {
    let names: Vec<&str> = project.services.iter().map(|s| s.name.as_str()).collect();
    match crate::names::closest(target, &names) {
        Some(name) => format!("did you mean `{name}`?"),
        // A few names help; all of them, on a project of thousands, only make the report
        // as big as the project (3,000 findings gave 61 MB of JSON).
        None if names.len() > MAX_NAMES_LISTED => format!(
            "defined services include {}, and {} more",
            names[..MAX_NAMES_LISTED]
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            names.len() - MAX_NAMES_LISTED
        ),
        None => format!(
            "defined services: {}",
            super::wording::quoted_list(&names, "and")
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::reference_report::only_finding;

    #[test]
    fn the_help_lists_a_few_service_names_not_all() {
        let mut yaml =
            String::from("services:\n  app:\n    image: app\n    depends_on: [zzzzzz]\n");
        for i in 0..15 {
            yaml.push_str(&format!("  s{i}:\n    image: app\n"));
        }
        let help = only_finding("CMP009", &yaml)
            .help
            .unwrap()
            .into_unredacted();
        assert!(help.ends_with(", and 6 more"), "{help}");
        assert_eq!(help.matches(", ").count(), 10, "{help}");
    }
}
