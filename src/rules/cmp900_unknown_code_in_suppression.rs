use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

declare_rule! {
    /// A suppression comment that names no rule, or is not a directive.
    ///
    /// ## What it does
    /// Reports a suppression comment (`# composelint: disable=…` or `disable-file=…`, in a
    /// compose file, an env file or a shell script; `<!-- composelint: … -->` in Markdown)
    /// that names a code that is not a rule, names a code that a comment cannot suppress, or
    /// is not written as a directive at all (`# composelint: disabel=OLL003`).
    ///
    /// ## Why is this bad?
    /// A directive that names no rule suppresses nothing: the finding it was meant to silence
    /// is still reported, or — worse — the typo hides that the finding went away long ago.
    /// Directives are matched by code (`OLL003`), not by rule name. Four codes cannot be
    /// suppressed by a comment: `CMP001` and `CMP007` (a file that does not parse has no
    /// reliable comments) and `CMP900`/`CMP901` themselves (a suppression must not hide its
    /// own mistakes; turn them off in the configuration instead).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     depends_on: [ollama]
    ///     environment:
    ///       # composelint: disable=OLL06 -- our entrypoint script moves Ollama to 8080
    ///       OLLAMA_BASE_URL: http://ollama:8080
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     depends_on: [ollama]
    ///     environment:
    ///       # composelint: disable=OLL006 -- our entrypoint script moves Ollama to 8080
    ///       OLLAMA_BASE_URL: http://ollama:8080
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which code was meant is the author's call (the help names the nearest code or
    /// the code of a rule name).
    ///
    /// ## Exceptions
    /// None. A comment that merely mentions composelint (`# linted by composelint`) is not a
    /// directive; only `# composelint:` (`<!-- composelint:`) at the start of a comment is.
    pub static RULE = {
        code: "CMP900",
        name: "unknown-code-in-suppression",
        severity: Warning,
        fix: None,
        check: check,
    };
}

/// Findings of this rule come from the suppression pass (`crate::suppress`), which runs
/// after every rule because it needs their findings.
fn check(_: &Context) -> Vec<Diagnostic> {
    Vec::new()
}

/// `code` in a directive is no rule's code.
pub(crate) fn unknown_code(code: &str, span: Span) -> Diagnostic {
    let codes: Vec<&str> = super::RULES.iter().map(|r| r.code).collect();
    let upper = code.to_ascii_uppercase();
    let help = match super::RULES.iter().find(|r| r.name == code) {
        Some(rule) => format!(
            "directives name rules by code: write `{}` for `{}`",
            rule.code, rule.name
        ),
        None => match crate::names::closest(&upper, &codes) {
            Some(near) => format!("did you mean `{near}`? (`composelint rules` lists the codes)"),
            None => "`composelint rules` lists the codes".to_string(),
        },
    };
    RULE.diagnostic(
        format!("`{code}` in this suppression is not a rule's code"),
        Some(span),
    )
    .with_label("unknown code")
    .with_help(help)
}

/// `code` names a rule whose findings no comment can suppress.
pub(crate) fn unsuppressible_code(code: &str, span: Span) -> Diagnostic {
    let why = match code {
        "CMP001" | "CMP007" => "a file that does not parse has no reliable comments",
        _ => {
            "a suppression must not hide its own mistakes; turn the rule off in the configuration instead"
        }
    };
    RULE.diagnostic(
        format!("`{code}` cannot be suppressed by a comment: {why}"),
        Some(span),
    )
    .with_label("cannot be suppressed")
    .with_help("remove the code from the directive")
}

/// A `# composelint:` comment (or, in Markdown, `<!-- composelint: -->`) that is not a
/// well-formed directive.
pub(crate) fn malformed(problem: &str, span: Span, html: bool) -> Diagnostic {
    let help = if html {
        "write `<!-- composelint: disable=CODE[,CODE] -- reason -->` (the fenced block that follows) or `<!-- composelint: disable-file=CODE[,CODE] -- reason -->`"
    } else {
        "write `# composelint: disable=CODE[,CODE] -- reason` (this line, or the next line when alone on its line) or `# composelint: disable-file=CODE[,CODE] -- reason`"
    };
    RULE.diagnostic(
        format!("invalid suppression comment: {problem}"),
        Some(span),
    )
    .with_label("here")
    .with_help(help)
}
