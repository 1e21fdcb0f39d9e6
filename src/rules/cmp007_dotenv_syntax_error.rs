use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A `.env` / `env_file` line Compose rejects.
    ///
    /// ## What it does
    /// Reports a line of a `.env` or `env_file` file that Compose rejects: a key with a
    /// space, a character not allowed in a key, an unterminated quoted value.
    ///
    /// ## Why is this bad?
    /// Compose refuses to load the project (`failed to read …: line N: …`).
    ///
    /// ## Example
    /// ```dotenv
    /// OLLAMA BASE URL=http://ollama:11434
    /// ```
    ///
    /// ## Use instead
    /// ```dotenv
    /// OLLAMA_BASE_URL=http://ollama:11434
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    ///
    /// ## Exceptions
    /// None.
    pub static RULE = {
        code: "CMP007",
        name: "dotenv-syntax-error",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::DotenvSyntax { span, message } => {
            Some(RULE.diagnostic(format!("invalid env file: {message}"), Some(*span)))
        }
        _ => None,
    })
    .collect()
}
