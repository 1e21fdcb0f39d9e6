use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A default compose file that Compose ignores because another one comes first.
    ///
    /// ## What it does
    /// Reports a default compose file (`compose.yaml`, `compose.yml`, `docker-compose.yml`,
    /// `docker-compose.yaml`) or override file (`compose.override.yml`, …) that sits beside
    /// one earlier in Compose's order. Compose loads only the first of each kind and warns
    /// (`Found multiple config files with supported names`); composelint lints only that one
    /// too, and reports the other here.
    ///
    /// ## Why is this bad?
    /// The ignored file looks like part of the project, but nothing in it runs: a change made
    /// there has no effect with `docker compose up`. Usually it is a leftover of a rename
    /// (`docker-compose.yml` → `compose.yaml`) that has since drifted from the file in use.
    ///
    /// ## Example
    /// ```yaml
    /// # compose.yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    /// ```
    /// ```yaml
    /// # docker-compose.yml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama:0.3.0
    /// ```
    ///
    /// ## Use instead
    /// Keep one of them: move what the other still holds into `compose.yaml` and delete it,
    /// or rename it (`compose.legacy.yaml`) and load it with `-f` where it is wanted.
    /// ```yaml
    /// # compose.yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    /// ```
    ///
    /// ## Fix safety
    /// No fix: deleting a file is the author's call.
    ///
    /// ## Exceptions
    /// Only directories found by the search (or named by a file in them, as pre-commit does):
    /// files given with `-f` are loaded as given, as Compose loads them. A file kept on
    /// purpose can be listed under `exclude` in the configuration.
    pub static RULE = {
        code: "CMP016",
        name: "ignored-compose-file",
        severity: Warning,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::IgnoredFile { span, used } => {
            let used_name = used
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name = ctx
                .sources
                .get(span.file)
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Some(
                RULE.diagnostic(
                    format!(
                        "Compose ignores `{name}`: `{used_name}` beside it comes first, and only one is loaded"
                    ),
                    Some(*span),
                )
                .with_help(format!(
                    "move what `{name}` still holds into `{used_name}` and delete it, or rename it and load it with `-f`"
                )),
            )
        }
        _ => None,
    })
    .collect()
}
