use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A field of the wrong type or form (Compose's JSON schema), an invalid port, an
    /// `include`/`extends` cycle.
    ///
    /// ## What it does
    /// Reports a field whose value has the wrong type or form for Compose: `services` that is
    /// not a mapping, a port that is not a valid port, an `environment` entry with a trailing
    /// space in its name, an `include` or `extends` that refers back to itself, a file that
    /// `include` or `extends` names but that cannot be read.
    ///
    /// ## Why is this bad?
    /// Docker Compose refuses to load the project.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: "11434:11434"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11434:11434"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    ///
    /// ## Exceptions
    /// None.
    pub static RULE = {
        code: "CMP003",
        name: "invalid-structure",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::Structure { span, message } | LoadIssue::Cycle { span, message } => {
            Some(RULE.diagnostic(message.clone(), Some(*span)))
        }
        LoadIssue::InvalidValue {
            span,
            used_at,
            message,
        } => Some(
            RULE.diagnostic(message.clone(), Some(*span))
                .with_related(*used_at, "the value is used here"),
        ),
        LoadIssue::MissingFile { path, span, reason } => Some(
            RULE.diagnostic(
                format!(
                    "cannot read `{}`: {reason}",
                    super::cmp008_env_file_not_found::written_or(ctx, *span, path)
                ),
                Some(*span),
            )
            .with_help(
                "the rest of the project is still checked, but not what the file may define: \
                 names of services, networks and volumes it could declare, and variables it \
                 could set, are taken as right",
            ),
        ),
        _ => None,
    })
    .collect()
}
