use super::{Context, declare_rule, undeclared};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A service mounting a named volume the project does not declare.
    ///
    /// ## What it does
    /// Reports a named volume in a service's `volumes:` (`name:/path`, or `type: volume` with
    /// a `source`) that the top-level `volumes:` section does not declare. Bind mounts
    /// (`./data:/data`, `/srv:/srv`, `~/x:/x`, `C:\data:/data`), anonymous volumes (`/data`)
    /// and `tmpfs` are not named volumes.
    ///
    /// ## Why is this bad?
    /// Compose refuses to load the project (`service "X" refers to undefined volume Y`). Often
    /// a host directory was meant and the `./` was left out (`data:/data` is a volume named
    /// `data`, `./data:/data` the directory), or the top-level declaration was forgotten.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
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
    /// No fix: a host directory (`./ollama`) may be what was meant, or an `external` volume.
    ///
    /// ## Exceptions
    /// A project with a file, `include` or `extends` base that could not be read is not
    /// reported: the declaration may be there.
    pub static RULE = {
        code: "CMP015",
        name: "undeclared-volume",
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
    let declared: Vec<&str> = project.volumes.iter().map(|v| v.key.as_str()).collect();
    project
        .services
        .iter()
        .flat_map(|service| {
            let named = service
                .volumes
                .iter()
                .filter(|m| m.kind == "volume")
                .filter_map(|m| Some((m.source.as_deref().filter(|s| !s.is_empty())?, m.span)));
            undeclared::report(&RULE, service, named, &declared, ("volume", "volumes"))
        })
        .collect()
}
