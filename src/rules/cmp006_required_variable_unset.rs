use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// `${VAR:?message}` with VAR unset.
    ///
    /// ## What it does
    /// Reports `${NAME:?message}` (or `${NAME?message}`) where NAME has no value (for `:?`,
    /// also an empty one) in the project environment.
    ///
    /// ## Why is this bad?
    /// Compose stops with `required variable NAME is missing a value` and starts nothing.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   app:
    ///     image: app
    ///     environment:
    ///       OLLAMA_BASE_URL: ${OLLAMA_BASE_URL:?set it in .env}
    /// ```
    ///
    /// ## Use instead
    /// Set the variable in `.env` (or pass `--env-file`), or give a default:
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   app:
    ///     image: app
    ///     environment:
    ///       OLLAMA_BASE_URL: ${OLLAMA_BASE_URL:-http://ollama:11434}
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    ///
    /// ## Exceptions
    /// A variable meant to come from the shell: pass it with `-e NAME=value` or
    /// `--process-env`.
    pub static RULE = {
        code: "CMP006",
        name: "required-variable-unset",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::RequiredVariable {
            name,
            message,
            span,
        } => {
            let text = if message.is_empty() {
                format!("required variable `{name}` is missing a value")
            } else {
                format!("required variable `{name}` is missing a value: {message}")
            };
            Some(
                RULE.diagnostic(text, Some(*span))
                    .with_help(format!("set `{name}` in `.env` or with `-e {name}=…`")),
            )
        }
        _ => None,
    })
    .collect()
}
