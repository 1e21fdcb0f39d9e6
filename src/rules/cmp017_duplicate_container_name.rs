use std::collections::HashMap;

use super::{Context, declare_rule};
use crate::compose::model::Service;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// Two services with the same `container_name`.
    ///
    /// ## What it does
    /// Reports a `container_name` that another service of the project already uses (the
    /// names compared exactly, as Docker does), and one set on a service that runs several
    /// containers (`scale` or `deploy.replicas` above 1).
    ///
    /// ## Why is this bad?
    /// A container name is unique on a Docker host, so Compose refuses to load the project
    /// (`container name "X" is already in use by service`, `can't set container_name and X
    /// as container name must be unique`). Copying a service block to make a
    /// variant (a GPU or ROCm flavour of the same server) and keeping its `container_name` is
    /// the usual way in.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     container_name: ollama
    ///     volumes: ["./ollama:/root/.ollama"]
    ///   ollama-rocm:
    ///     image: ollama/ollama:rocm
    ///     container_name: ollama
    ///     volumes: ["./ollama:/root/.ollama"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     container_name: ollama
    ///     volumes: ["./ollama:/root/.ollama"]
    ///   ollama-rocm:
    ///     image: ollama/ollama:rocm
    ///     container_name: ollama-rocm
    ///     volumes: ["./ollama:/root/.ollama"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: other tools may know the container by its name.
    ///
    /// ## Exceptions
    /// Services whose `profiles` have none in common are alternatives that never run
    /// together (`ollama-cpu` and `ollama-gpu`, each `container_name: ollama`): Compose
    /// accepts them, and so does this rule, which checks each profile selection on its own.
    /// A service without `profiles` runs with every profile, so it clashes with any other
    /// service of the name, under the profile that starts that one.
    pub static RULE = {
        code: "CMP017",
        name: "duplicate-container-name",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut by_name: HashMap<&str, Vec<&Service>> = HashMap::new();
    let mut out = Vec::new();
    for service in &ctx.project.services {
        let Some(name) = service.container_name.as_ref().filter(|n| !n.is_empty()) else {
            continue;
        };
        if let Some(replicas) = service.replicas.as_ref().filter(|r| r.value > 1) {
            out.push(
                RULE.diagnostic(
                    format!(
                        "service `{}` runs {} containers, but `container_name` gives them all the name `{name}`",
                        service.name, replicas.value
                    ),
                    Some(replicas.span),
                )
                .with_service(&service.name)
                .with_related(name.primary_span().unwrap_or(service.key_span), "the name every replica would get")
                .with_help("drop `container_name` (Compose then names each container), or run one"),
            );
        }
        // The project is one profile selection: every service in it runs.
        let earlier = by_name.entry(name.as_str()).or_default();
        if let Some(other) = earlier.first() {
            out.push(report(service, other, name));
        }
        earlier.push(service);
    }
    out
}

fn report(service: &Service, earlier: &Service, name: &crate::text::Text) -> Diagnostic {
    let at = name.primary_span().unwrap_or(service.key_span);
    let mut d = RULE
        .diagnostic(
            format!(
                "service `{}` uses container name `{name}`, which service `{}` already uses",
                service.name, earlier.name
            ),
            Some(at),
        )
        .with_service(&service.name)
        .with_help(
            "give each service its own `container_name`, or drop it and let Compose name the container",
        );
    if let Some(span) = earlier
        .container_name
        .as_ref()
        .and_then(|n| n.primary_span())
    {
        d = d.with_related(span, format!("`{}` uses it here", earlier.name));
    }
    d
}
