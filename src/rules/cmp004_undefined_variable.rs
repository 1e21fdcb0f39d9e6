use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::compose::model::EnvSource;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

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
    /// or `--process-env` when that is intended. `HOME`, `USER` and `PWD` are set in every
    /// shell that runs Compose (Compose sets `PWD` itself), so they are never reported.
    ///
    /// An optional setting handed through from the shell to the same-named container
    /// variable (`OPENAI_API_KEY=${OPENAI_API_KEY}` under `environment:`) is reported as
    /// information: Compose gives the container an empty value, which most apps read as
    /// "not set".
    pub static RULE = {
        code: "CMP004",
        name: "undefined-variable",
        severity: Warning,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let pass_throughs = PassThroughs::of(ctx);
    issues(ctx, move |issue| match issue {
        LoadIssue::UndefinedVariable { name, span } if pass_throughs.contains(name, *span) => {
            let mut d = RULE
                .diagnostic(
                    format!(
                        "variable `{name}` is not set, so `{name}=${{{name}}}` gives the container an empty `{name}`"
                    ),
                    Some(*span),
                )
                .with_help(format!(
                    "set `{name}` in `.env` when the container needs it; an empty value usually means the app's default"
                ));
            d.severity = Severity::Info;
            Some(d)
        }
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

/// The `environment:` entries whose whole value is `${NAME}` of their own name (`NAME=${NAME}`,
/// `NAME: ${NAME}`): optional settings handed through from the shell, which Compose turns
/// into empty variables when unset. Sorted by place, so that each unset variable finds its
/// entry by a search rather than a scan of every service (a project may have thousands).
struct PassThroughs<'a> {
    entries: Vec<(Span, &'a str)>,
}

impl<'a> PassThroughs<'a> {
    fn of(ctx: &Context<'a>) -> Self {
        let project = ctx.project;
        let mut entries: Vec<(Span, &str)> = project
            .services
            .iter()
            .chain(&project.inactive)
            .flat_map(|s| &s.environment)
            .filter_map(|v| match v.source {
                EnvSource::Environment { span }
                    if written_as_pass_through(&ctx.sources.get(span.file).text, span, &v.key) =>
                {
                    Some((span, v.key.as_str()))
                }
                _ => None,
            })
            .collect();
        entries.sort_by_key(|(span, _)| (span.file, span.start));
        entries.dedup();
        PassThroughs { entries }
    }

    /// Whether `${name}` at `span` is the value of such an entry of that name.
    fn contains(&self, name: &str, span: Span) -> bool {
        let after = self
            .entries
            .partition_point(|(entry, _)| (entry.file, entry.start) <= (span.file, span.start));
        self.entries[..after].last().is_some_and(|(entry, key)| {
            *key == name && entry.file == span.file && span.end <= entry.end
        })
    }
}

fn written_as_pass_through(text: &str, entry: Span, name: &str) -> bool {
    let Some(written) = text.get(entry.start..entry.end) else {
        return false;
    };
    let bare: String = written
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
        .collect();
    [format!("{name}=${{{name}}}"), format!("{name}=${name}")]
        .iter()
        .any(|form| bare == *form || bare == form.replacen('=', ":", 1))
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::reference_report::lint_yaml;

    fn severities(yaml: &str) -> Vec<(String, Severity)> {
        lint_yaml(yaml)
            .into_iter()
            .filter(|d| d.code == "CMP004")
            .map(|d| {
                (
                    d.message
                        .expose_unredacted()
                        .split('`')
                        .nth(1)
                        .unwrap_or("")
                        .to_string(),
                    d.severity,
                )
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    #[test]
    fn a_pass_through_is_information_and_anything_more_a_warning() {
        let found = severities(
            "services:\n  web:\n    image: nginx\n    environment:\n      - A=${A}\n      - 'B=$B'\n  api:\n    image: nginx\n    environment:\n      C: \"${C}\"\n      D: x${D}\n      E: ${F}\n",
        );
        assert_eq!(
            found,
            [
                ("A".to_string(), Severity::Info),
                ("B".to_string(), Severity::Info),
                ("C".to_string(), Severity::Info),
                ("D".to_string(), Severity::Warning),
                ("F".to_string(), Severity::Warning),
            ]
        );
    }

    #[test]
    fn shell_variables_are_never_unset() {
        let found = severities(
            "services:\n  web:\n    image: nginx\n    volumes: [\"${HOME}/d:/d\", \"${PWD}/x:/x\"]\n    labels: {u: \"${USER}\"}\n",
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
