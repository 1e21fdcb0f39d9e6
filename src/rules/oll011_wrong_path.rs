use super::reference_report::{Part, replace_range, report, safe_fix, subject};
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::client::{PathKind, TrailingSlash};
use crate::ollama::Reference;
use crate::reachability::Verdict;

declare_rule! {
    /// `/api` or `/v1` where the client does not expect it, or missing where it does.
    ///
    /// ## What it does
    /// Reports an Ollama URL whose path does not fit the client that uses it:
    ///
    /// - `/api` (or `/v1`) where the client appends `/api/...` itself — Open WebUI's
    ///   `OLLAMA_BASE_URL`, AnythingLLM's `OLLAMA_BASE_PATH`, Ollama's own `OLLAMA_HOST`;
    /// - no `/v1` on an OpenAI-compatible base URL aimed at Ollama (`OPENAI_API_BASE_URL`,
    ///   Kotaemon's `KH_OLLAMA_URL`, any `OPENAI_BASE_URL`);
    /// - `/v1` where the native API is expected, `/api` missing where it is required;
    /// - a trailing `/` where the client concatenates (`//api/tags`) or needs one (`/v1/`).
    ///
    /// ## Why is this bad?
    /// Ollama serves its native API under `/api/` and the OpenAI-compatible one under `/v1/`;
    /// `/api/api/tags`, `/v1/api/chat` or `/chat/completions` are unknown paths, answered
    /// with a plain-text `404 page not found`. (A JSON 404 `model '…' not found` means the
    /// URL is right and the model is missing.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434/api
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the URL reaches an Ollama directly (no proxy that could need a prefix), so the
    /// whole path is replaced by the one the client expects (none, `/api`, `/v1`, `/v1/`).
    /// Unsafe where the value sits under a key the app does not read and OLL020's rename of
    /// it is unsafe: the fix only helps with the rename.
    ///
    /// ## Exceptions
    /// Paths are judged only for clients whose expectation is known (a client profile,
    /// `OLLAMA_HOST`, OpenAI-style base variables) and only where an Ollama answers for
    /// certain: behind a reverse proxy a prefix may be needed. Some clients changed their
    /// expectation between versions (LobeChat's `OLLAMA_PROXY_URL` once needed `/v1`); the
    /// current one is checked.
    pub static RULE = {
        code: "OLL011",
        name: "wrong-path",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in ctx.references {
        let Verdict::WrongPath { expected } = *verdict else {
            continue;
        };
        let want = expected_path(r, expected);
        let mut d = report(
            ctx,
            &RULE,
            r,
            Part::Path,
            format!("{}: {}", subject(ctx, r), why(r, expected)),
        );
        if let Some(want) = want {
            let fixed = format!(
                "{}{want}{}",
                &r.text.value[..r.url.path_range.start],
                &r.text.value[r.url.path_range.end..]
            );
            d = d.with_help(format!("use `{fixed}`"));
            let message = if want.is_empty() {
                "remove the path".to_string()
            } else {
                format!("use the path `{want}`")
            };
            if let Some(fix) = safe_fix(
                message,
                vec![replace_range(r, r.url.path_range.clone(), want)],
            ) {
                d = d.with_fix(fix);
            }
        }
        out.push(d);
    }
    out
}

/// The path the client needs, in its canonical form.
fn expected_path(r: &Reference, expected: PathKind) -> Option<&'static str> {
    let slash = r
        .setting
        .is_some_and(|s| s.trailing_slash == TrailingSlash::Required);
    match expected {
        PathKind::None => Some(""),
        PathKind::Api => Some(if slash { "/api/" } else { "/api" }),
        PathKind::V1 => Some(if slash { "/v1/" } else { "/v1" }),
        PathKind::Any | PathKind::Unknown => None,
    }
}

fn why(r: &Reference, expected: PathKind) -> String {
    let path = r.url.path.as_str();
    let trimmed = path.trim_end_matches('/');
    let app = r
        .profile
        .map_or("the client".to_string(), |p| p.name.clone());
    let var = r.var_name();
    match expected {
        PathKind::None if trimmed.ends_with("/v1") => format!(
            "`/v1` is Ollama's OpenAI-compatible API, but {app} speaks the native API and appends `/api/...` itself (`{trimmed}/api/...` is a 404)"
        ),
        PathKind::None if trimmed.is_empty() => format!(
            "{app} appends `/api/...` to this URL, so the trailing `/` gives `//api/...`, a 404"
        ),
        PathKind::None => {
            format!("{app} appends `/api/...` itself, so `{path}` gives `{trimmed}/api/...`, a 404")
        }
        PathKind::V1 if trimmed.ends_with("/v1") => {
            format!("{app} needs the trailing `/` of `/v1/`: it cuts the URL at `v1/`")
        }
        PathKind::V1 if trimmed.ends_with("/api") => format!(
            "`{var}` is an OpenAI-compatible base URL; `/api` is Ollama's native API, the OpenAI-compatible one is under `/v1`"
        ),
        PathKind::V1 => format!(
            "`{var}` is an OpenAI-compatible base URL; Ollama serves that API under `/v1`, so requests without it (`/chat/completions`) are a 404"
        ),
        PathKind::Api => format!(
            "{app} appends only the endpoint (`/tags`, `/chat`) to `{var}`, so it must end in `/api`"
        ),
        PathKind::Any | PathKind::Unknown => format!("the path `{path}` does not fit {app}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::reference_report::{lint_yaml, only_finding};

    fn only(yaml: &str) -> Diagnostic {
        only_finding("OLL011", yaml)
    }

    #[test]
    fn a_missing_v1_is_appended_after_the_port() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OPENAI_API_BASE_URL: http://ollama:11434\n";
        let d = only(yaml);
        let fix = d.fix.expect("a fix");
        let at = yaml.find("ollama:11434\n").unwrap() + "ollama:11434".len();
        assert_eq!((fix.edits[0].span.start, fix.edits[0].span.end), (at, at));
        assert_eq!(fix.edits[0].content, "/v1");
    }

    #[test]
    fn kotaemon_needs_the_trailing_slash() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n  kotaemon:\n    image: ghcr.io/cinnamon/kotaemon:main-lite\n    environment:\n      LOCAL_MODEL: qwen2.5:7b\n      KH_OLLAMA_URL: http://ollama:11434/v1\n";
        let d = only(yaml);
        let fix = d.fix.expect("a fix");
        assert_eq!(fix.edits[0].content, "/v1/");
        let at = yaml.find("/v1\n").unwrap();
        assert_eq!(
            (fix.edits[0].span.start, fix.edits[0].span.end),
            (at, at + 3)
        );
    }

    #[test]
    fn letta_accepts_v1_too() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n  letta:\n    image: letta/letta\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434/v1\n";
        assert!(lint_yaml(yaml).iter().all(|d| d.code != "OLL011"));
    }
}
