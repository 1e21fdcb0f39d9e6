use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// `${VAR}` with no value and no default.
    ///
    /// ## What it does
    /// Reports `${NAME}` or `$NAME` where NAME has no value in the project environment
    /// (`.env`, `--env-file`, `-e`) and no default is given.
    ///
    /// ## Why is this bad?
    /// Compose substitutes an empty string and only prints a warning, so
    /// `OLLAMA_BASE_URL: ${OLLAMA_URL}` becomes an empty URL and the app falls back to
    /// whatever default it has — usually `localhost`, which inside a container is the
    /// container itself. No other rule can judge an empty value, so this is the finding.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: ${OLLAMA_URL}
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
    ///       OLLAMA_BASE_URL: ${OLLAMA_URL:-http://ollama:11434}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the value belongs in `.env` or in a default, and only the author knows it.
    ///
    /// ## Exceptions
    /// composelint does not read the process environment unless `--process-env` is given,
    /// so a variable exported only in the shell is reported; pass it with `-e NAME=value`
    /// or `--process-env` when that is intended.
    pub static RULE = {
        code: "CMP004",
        name: "undefined-variable",
        severity: Warning,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::UndefinedVariable { name, span } => Some(
            RULE.diagnostic(
                format!("variable `{name}` is not set and has no default; Compose substitutes an empty string"),
                Some(*span),
            )
            .with_help(format!(
                "set `{name}` in `.env`, or give a default: `${{{name}:-value}}`"
            )),
        ),
        _ => None,
    })
    .collect()
}
