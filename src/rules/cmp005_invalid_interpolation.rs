use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A `${…}` Compose cannot parse.
    ///
    /// ## What it does
    /// Reports a `${…}` expression that Compose cannot parse, such as `${}`, `${VAR/a/b}`,
    /// `${VAR:=x}` or an unclosed `${VAR`.
    ///
    /// ## Why is this bad?
    /// Compose refuses to load the project ("invalid interpolation format"). Only `${VAR}`,
    /// `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?msg}` and
    /// `${VAR?msg}` are supported; a literal `$` is written `$$`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   app:
    ///     image: app
    ///     environment:
    ///       OLLAMA_HOST: ${OLLAMA_HOST:=ollama}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   app:
    ///     image: app
    ///     environment:
    ///       OLLAMA_HOST: ${OLLAMA_HOST:-ollama}
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    ///
    /// ## Exceptions
    /// None.
    pub static RULE = {
        code: "CMP005",
        name: "invalid-interpolation",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::InvalidInterpolation { span, message } => Some(
            RULE.diagnostic(format!("invalid interpolation: {message}"), Some(*span))
                .with_help("Compose knows `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alternative}` and `${VAR+alternative}`; write a literal `$` as `$$`"),
        ),
        _ => None,
    })
    .collect()
}
