use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A key twice in one mapping.
    ///
    /// ## What it does
    /// Reports a key that appears twice in the same YAML mapping.
    ///
    /// ## Why is this bad?
    /// Docker Compose rejects the file (`mapping key "…" already defined`). Other YAML tools
    /// silently keep one of the two values, so the file means different things to different
    /// readers — often the second `environment:` block quietly replaces the first.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     environment:
    ///       WEBUI_AUTH: "false"
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
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///       WEBUI_AUTH: "false"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which of the two values is wanted is the author's decision.
    ///
    /// ## Exceptions
    /// Keys brought in by a `<<` merge key may repeat a key of the mapping; that is how merge
    /// keys work and is not reported.
    pub static RULE = {
        code: "CMP002",
        name: "duplicate-key",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::DuplicateKey { span, first, key } => Some(
            RULE.diagnostic(
                format!("key `{key}` is defined twice in this mapping"),
                Some(*span),
            )
            .with_label("defined again here")
            .with_related(*first, "first defined here"),
        ),
        _ => None,
    })
    .collect()
}
