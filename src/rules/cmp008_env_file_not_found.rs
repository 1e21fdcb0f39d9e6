use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A required `env_file` that does not exist.
    ///
    /// ## What it does
    /// Reports an `env_file` that does not exist, unless it is marked `required: false`.
    /// When a template such as `.env.example` stands beside the missing file, composelint
    /// reads the template instead (and says so) rather than reporting this.
    ///
    /// ## Why is this bad?
    /// Compose refuses to start the service (`env file … not found`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     env_file: webui.env
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     env_file:
    ///       - path: webui.env
    ///         required: false
    /// ```
    ///
    /// ## Fix safety
    /// No fix: create the file, or mark it optional if the service runs without it.
    ///
    /// ## Exceptions
    /// None.
    pub static RULE = {
        code: "CMP008",
        name: "env-file-not-found",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::EnvFileNotFound { path, span } => Some(
            RULE.diagnostic(
                format!("env file `{}` does not exist", written_or(ctx, *span, path)),
                Some(*span),
            )
            .with_help("create it, or mark it optional with `required: false`"),
        ),
        _ => None,
    })
    .collect()
}

/// The path as the compose file writes it (what the user recognises), else the resolved one.
pub(super) fn written_or(
    ctx: &Context,
    span: crate::source::Span,
    path: &std::path::Path,
) -> String {
    let written = ctx.sources.slice(span).trim_matches(['"', '\'']);
    if written.is_empty() || written.contains(['\n', '{', '[']) {
        path.display().to_string()
    } else {
        written.to_string()
    }
}
