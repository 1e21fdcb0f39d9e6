use super::{Context, declare_rule, undeclared};
use crate::compose::model::Spanned;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// A service mounting a secret or config the project does not declare.
    ///
    /// ## What it does
    /// Reports a name in a service's `secrets:` or `configs:` (short syntax, or the `source`
    /// of the long syntax) that the top-level `secrets:` or `configs:` section does not
    /// declare.
    ///
    /// ## Why is this bad?
    /// Compose refuses to load the project (`service "X" refers to undefined secret Y`, `…
    /// undefined config Y`): the top-level entry says where the content comes from (a
    /// `file`, an `environment` variable, or `external`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     secrets: [webui_secret_key]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     secrets: [webui_secret_key]
    /// secrets:
    ///   webui_secret_key:
    ///     environment: WEBUI_SECRET_KEY
    /// ```
    ///
    /// ## Fix safety
    /// No fix: only the author knows where the content is.
    ///
    /// ## Exceptions
    /// A project with a file, `include` or `extends` base that could not be read is not
    /// reported: the declaration may be there.
    pub static RULE = {
        code: "CMP018",
        name: "undeclared-secret-or-config",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let project = ctx.project;
    if project.is_partial() {
        return Vec::new();
    }
    let secrets: Vec<&str> = project.secrets.iter().map(String::as_str).collect();
    let configs: Vec<&str> = project.configs.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for service in &project.services {
        out.extend(undeclared::report(
            &RULE,
            service,
            used(&service.secrets),
            &secrets,
            ("secret", "secrets"),
        ));
        out.extend(undeclared::report(
            &RULE,
            service,
            used(&service.configs),
            &configs,
            ("config", "configs"),
        ));
    }
    out
}

/// The (name, place) pairs of a service's `secrets:` or `configs:`.
fn used(list: &[Spanned<String>]) -> impl Iterator<Item = (&str, Span)> {
    list.iter().map(|s| (s.value.as_str(), s.span))
}
