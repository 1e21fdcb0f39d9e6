use super::{Context, declare_rule};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A service with neither `image` nor `build`.
    ///
    /// ## What it does
    /// Reports a service that says neither which image it runs (`image`) nor how to build
    /// one (`build`), in the project as it is loaded: its own files, the files it includes
    /// and the services it extends.
    ///
    /// ## Why is this bad?
    /// Compose refuses to load the project (`service "X" has neither an image nor a build
    /// context specified`). An empty `image: ""`, or one whose variable is unset, counts as
    /// none. This is usually a file meant as an overlay (`docker compose -f compose.yaml -f
    /// gpu.yaml`) used on its own, or a service whose `image:` line was lost.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     volumes: ["ollama:/root/.ollama"]
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: only the author knows what the service runs.
    ///
    /// ## Exceptions
    /// An overlay that only amends the services of its directory's default file is linted
    /// together with that file, as Compose loads them (see *Usage*), and is not reported. A
    /// project with a file, `include` or `extends` base that could not be read is not
    /// reported either: the image may be written there. Nor is a project with a structure
    /// finding (CMP003), such as `image:` left empty as `null`: Compose stops at that one.
    pub static RULE = {
        code: "CMP013",
        name: "service-without-image",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let project = ctx.project;
    // A wrong `image:` (a mapping, a null) is already a structure finding, and Compose
    // stops at that one.
    if project.is_partial()
        || project
            .issues
            .iter()
            .any(|issue| matches!(issue, LoadIssue::Structure { .. }))
    {
        return Vec::new();
    }
    project
        .services
        .iter()
        .filter(|s| s.build.is_none() && s.image.as_ref().is_none_or(|i| i.value.is_empty()))
        .map(|service| {
            let (what, help) = if service.image.is_some() {
                (
                    "an empty `image` and no `build`",
                    "give `image:` a value: when it comes from a variable, set the variable or give it a default (`${IMAGE:-ollama/ollama}`)",
                )
            } else {
                (
                    "neither `image` nor `build`",
                    "add `image:` or `build:`; if this file only amends a service defined in another file, lint them together (`composelint -f base.yaml -f this.yaml`)",
                )
            };
            RULE.diagnostic(
                format!(
                    "service `{}` has {what}: Compose does not know what to run",
                    service.name
                ),
                Some(service.key_span),
            )
            .with_service(&service.name)
            .with_help(help)
        })
        .collect()
}
