use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A service on a network the project does not declare.
    ///
    /// ## What it does
    /// Reports a service attached to a network that the top-level `networks:` section does
    /// not declare.
    ///
    /// ## Why is this bad?
    /// Compose refuses to load the project (`service "X" refers to undefined network Y`).
    /// Only the implicit `default` network needs no declaration.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     networks: [ai]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     networks: [ai]
    /// networks:
    ///   ai: {}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the network may be meant to be `external`.
    ///
    /// ## Exceptions
    /// None.
    pub static RULE = {
        code: "CMP010",
        name: "undeclared-network",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let project = ctx.project;
    let declared: Vec<&str> = project.networks.iter().map(|n| n.key.as_str()).collect();
    let is_declared: std::collections::HashSet<&str> = declared.iter().copied().collect();
    let mut out = Vec::new();
    // An `include` file that could not be read may declare them.
    if project.is_partial() {
        return out;
    }
    for service in &project.services {
        for network in &service.networks {
            let Some(span) = network.span else { continue };
            if network.name == "default" || is_declared.contains(network.name.as_str()) {
                continue;
            }
            let help = super::undeclared::help(&network.name, &declared, "networks");
            out.push(
                RULE.diagnostic(
                    format!(
                        "service `{}` uses network `{}`, which is not declared",
                        service.name, network.name
                    ),
                    Some(span),
                )
                .with_service(&service.name)
                .with_help(help),
            );
        }
    }
    out
}
