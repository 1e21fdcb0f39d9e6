use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::source::Span;

declare_rule! {
    /// A suppression comment that suppresses nothing.
    ///
    /// ## What it does
    /// Reports a suppression comment (`# composelint: disable=…` or `disable-file=…`, in a
    /// compose file, an env file or a shell script; `<!-- composelint: … -->` in Markdown)
    /// that suppressed no finding, or the codes of a directive that suppressed nothing.
    ///
    /// ## Why is this bad?
    /// A stale suppression outlives the problem it excused: once the finding is gone (the URL
    /// was fixed, the service renamed), the comment silently waits to hide the next, unrelated
    /// finding of that code on that line or in that file. Codes of rules turned off in the
    /// configuration are not reported: they cannot fire, so the directive is not known to be
    /// stale.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes:
    ///       - ollama:/root/.ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     depends_on: [ollama]
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434  # composelint: disable=OLL001
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes:
    ///       - ollama:/root/.ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     depends_on: [ollama]
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Fix safety
    /// Safe: removing a directive that suppressed nothing changes no finding. The fix removes
    /// the comment with the blanks before it, or its whole line (an HTML comment's lines)
    /// when it stands alone; when only some codes of a directive are unused, it removes just
    /// those codes.
    ///
    /// ## Exceptions
    /// A directive is judged against the findings of this run: one that only matters with
    /// another `--platform` or other variables (`-e`, `--env-file`) is reported here. Findings
    /// of CMP900 and CMP901 cannot be suppressed by a comment; turn the rules off in the
    /// configuration.
    pub static RULE = {
        code: "CMP901",
        name: "unused-suppression",
        severity: Warning,
        fix: Safe,
        check: check,
    };
}

/// Findings of this rule come from the suppression pass (`crate::suppress`), which runs
/// after every rule because it needs their findings.
fn check(_: &Context) -> Vec<Diagnostic> {
    Vec::new()
}

fn quoted(codes: &[&str]) -> String {
    super::wording::quoted_list(codes, "and")
}

/// A directive none of whose codes suppressed anything; `removal` is the comment with the
/// blanks before it, or its whole line.
pub(crate) fn unused_directive(directive: Span, codes: &[&str], removal: Span) -> Diagnostic {
    RULE.diagnostic(
        format!(
            "this suppression of {} suppresses nothing: no such finding here",
            quoted(codes)
        ),
        Some(directive),
    )
    .with_label("unused")
    .with_help("remove the comment")
    .with_fix(Fix {
        applicability: Applicability::Safe,
        message: "remove the unused suppression".into(),
        edits: vec![Edit {
            span: removal,
            content: String::new(),
        }],
    })
}

/// Some codes of a directive suppressed nothing; `list` is the directive's code list and
/// `kept` what it becomes.
pub(crate) fn unused_codes(at: Span, unused: &[&str], list: Span, kept: String) -> Diagnostic {
    let (these, verb) = if unused.len() == 1 {
        ("code", "suppresses")
    } else {
        ("codes", "suppress")
    };
    RULE.diagnostic(
        format!(
            "the {these} {} in this suppression {verb} nothing: no such finding here",
            quoted(unused)
        ),
        Some(at),
    )
    .with_label("unused")
    .with_help(format!("remove the unused {these}"))
    .with_fix(Fix {
        applicability: Applicability::Safe,
        message: format!("remove the unused {these} from the suppression").into(),
        edits: vec![Edit {
            span: list,
            content: kept,
        }],
    })
}
