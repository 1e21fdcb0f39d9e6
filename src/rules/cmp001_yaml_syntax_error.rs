use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A compose file that is not YAML (or not UTF-8, binary, too deeply nested or aliased).
    ///
    /// ## What it does
    /// Reports a compose file that cannot be read as YAML: a syntax error, text that is not
    /// UTF-8, binary data, or a document too deeply nested or with too many aliases to
    /// expand safely.
    ///
    /// ## Why is this bad?
    /// Docker Compose refuses the whole project, so nothing in it starts.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///      ports: ["11434:11434"]
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
    /// No fix: only the author knows what was meant.
    ///
    /// ## Exceptions
    /// None. The rest of the file is not checked until it parses.
    pub static RULE = {
        code: "CMP001",
        name: "yaml-syntax-error",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::Syntax { span, message } => {
            // Messages about the file itself (unreadable, not UTF-8, binary) say so already.
            let about_the_file =
                message.starts_with("the file") || message.starts_with("cannot read");
            let text = if about_the_file {
                message.clone()
            } else {
                format!("invalid YAML: {message}")
            };
            Some(RULE.diagnostic(text, Some(*span)))
        }
        _ => None,
    })
    .collect()
}
