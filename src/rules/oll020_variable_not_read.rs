use std::collections::BTreeSet;

use super::structural_fix::unsafe_fix;
use super::wording::Dialect;
use super::{Context, declare_rule};
use crate::compose::model::EnvSource;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::ollama::{Written, is_variable_name};
use crate::source::Span;

declare_rule! {
    /// A known app's Ollama URL set under a name the app does not read.
    ///
    /// ## What it does
    /// Reports a variable of a known client application that holds an Ollama URL under a
    /// name the app never reads — `OLLAMA_URL` on Open WebUI, or a key such as
    /// `/ollama/api` copied from a tutorial — while the variable the app does read is not set.
    ///
    /// ## Why is this bad?
    /// The app never sees the URL. It quietly uses its own default instead (Open WebUI's
    /// image: `http://host.docker.internal:11434`, the Docker host), so the UI shows no
    /// models, or talks to another Ollama than the one configured. The value itself is
    /// judged as the variable the app reads, so a wrong port or path in it is reported too.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_URL: http://ollama:11434
    ///     depends_on: [ollama]
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     depends_on: [ollama]
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the key is a variable name: the key is renamed in place to the variable the
    /// app reads, which nothing else sets, and nothing else changes. Unsafe when the key is no
    /// variable name (`/ollama/api`): what its author meant is a guess. Another rule's fix to
    /// the value under such a key (OLL001's host, OLL006's port) helps only with the rename, so
    /// it takes the rename's safety, and is withdrawn where the key cannot be renamed.
    ///
    /// ## Exceptions
    /// Not reported when the service declares any of the app's own URL variables (the app has
    /// its URL; the other variable may serve another program in the container), when two such
    /// names are set (which one is meant is not known), when the variable comes from an env
    /// file other services load too, or when the service replaces the entrypoint or command
    /// (a script may read the variable and export the app's) or mounts a config file into an
    /// app that reads one. Only apps whose variables are known from their code,
    /// documentation or reports are judged.
    pub static RULE = {
        code: "OLL020",
        name: "variable-not-read",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A list value gives one reference per URL: one finding per variable.
    let mut seen = BTreeSet::new();
    for (r, _) in ctx.references {
        let Some(misnamed) = &r.misnamed else {
            continue;
        };
        let Written::Env { key, source } = &r.written else {
            continue;
        };
        if !seen.insert((r.client, key.clone())) {
            continue;
        }
        let service = &ctx.project.services[r.client].name;
        let app = r.profile.map_or("the app", |p| p.name.as_str());
        let reads = misnamed.reads;
        let meanwhile = match &misnamed.default {
            Some(default) => format!(", so {app} uses its default `{default}`"),
            None => String::new(),
        };
        let unit = Dialect::of(ctx.project).unit();
        let message = format!(
            "{unit} `{service}`: {app} does not read `{key}`; it reads `{reads}`, which the {unit} does not set{meanwhile}"
        );
        let key_span = key_span(ctx, key, source);
        let primary = key_span
            .or_else(|| r.value_span())
            .unwrap_or(ctx.project.services[r.client].key_span);
        let mut d = RULE
            .diagnostic(message, Some(primary))
            .with_service(service)
            .with_label(format!("{app} does not read this name"))
            .with_help(format!("rename `{key}` to `{reads}` on {unit} `{service}`"));
        if let Some(span) = key_span {
            d = d.with_fix(rename(key, reads, span));
        }
        out.push(d);
    }
    out
}

/// The fix that renames the key: safe for a variable name, unsafe for a key that is none.
fn rename(key: &str, reads: &str, span: Span) -> Fix {
    let message = format!("rename `{key}` to `{reads}`");
    let edit = Edit {
        span,
        content: reads.to_string(),
    };
    if is_variable_name(key) {
        return Fix {
            applicability: Applicability::Safe,
            message: message.into(),
            edits: vec![edit],
        };
    }
    unsafe_fix(message, vec![Some(edit)]).expect("one edit")
}

/// Where the key is written: at the start of its entry (`KEY: value`, `- KEY=value`, an env
/// file's `KEY=value` or `export KEY=value`), after an opening quote. `None` when the entry
/// does not start with the key as written (an escaped key).
fn key_span(ctx: &Context, key: &str, source: &EnvSource) -> Option<Span> {
    let entry = match source {
        EnvSource::Environment { span } | EnvSource::EnvFile { span, .. } => *span,
    };
    let text = ctx
        .sources
        .get(entry.file)
        .text
        .get(entry.start..entry.end)?;
    let lead = text.len() - text.trim_start().len();
    let mut rest = &text[lead..];
    let mut at = lead;
    if let Some(after) = rest.strip_prefix("export ") {
        let spaces = after.len() - after.trim_start().len();
        at += "export ".len() + spaces;
        rest = after.trim_start();
    }
    if let Some(after) = rest.strip_prefix(['"', '\'']) {
        at += 1;
        rest = after;
    }
    let follows = rest.strip_prefix(key)?.chars().next();
    if !matches!(follows, Some('=' | ':' | ' ' | '\t' | '"' | '\'')) {
        return None;
    }
    Some(Span::new(
        entry.file,
        entry.start + at,
        entry.start + at + key.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::reference_report::lint_yaml;

    const OLLAMA: &str =
        "  ollama:\n    image: ollama/ollama\n    volumes: [\"ollama:/root/.ollama\"]\n";

    fn project(webui: &str) -> String {
        format!("services:\n{OLLAMA}{webui}volumes:\n  ollama: {{}}\n")
    }

    fn codes(yaml: &str) -> Vec<&'static str> {
        lint_yaml(yaml).iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_name_the_app_does_not_read_is_renamed_in_place() {
        let yaml = project(
            "  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      - OLLAMA_URL=http://ollama:11434\n",
        );
        let found = lint_yaml(&yaml);
        let d = found.iter().find(|d| d.code == "OLL020").expect("OLL020");
        assert!(
            d.message
                .expose_unredacted()
                .contains("reads `OLLAMA_BASE_URL`"),
            "{:?}",
            d.message
        );
        assert!(
            d.message
                .expose_unredacted()
                .contains("http://host.docker.internal:11434"),
            "{:?}",
            d.message
        );
        let fix = d.fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, super::Applicability::Safe);
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(
            &yaml[fix.edits[0].span.start..fix.edits[0].span.end],
            "OLLAMA_URL"
        );
        // The app's default is not reported on its own: the name is the finding.
        assert!(!found.iter().any(|d| d.code == "OLL014"), "{found:?}");
    }

    #[test]
    fn a_key_that_is_no_name_gets_an_unsafe_rename_and_its_value_is_judged() {
        // Scenario M23: the published port and a key that no app reads.
        let yaml = project(
            "  ollama-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      - '/ollama/api=http://ollama:11434/api'\n",
        );
        let found = lint_yaml(&yaml);
        let d = found.iter().find(|d| d.code == "OLL020").expect("OLL020");
        let fix = d.fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, super::Applicability::Unsafe);
        assert_eq!(
            &yaml[fix.edits[0].span.start..fix.edits[0].span.end],
            "/ollama/api"
        );
        // Read as OLLAMA_BASE_URL, the `/api` suffix is wrong.
        assert!(found.iter().any(|d| d.code == "OLL011"), "{found:?}");
    }

    #[test]
    fn not_reported_when_the_app_has_its_url_or_the_name_is_ambiguous() {
        for webui in [
            // The app's own variable is set: OLLAMA_URL may serve another program.
            "  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434\n      OLLAMA_URL: http://ollama:11434\n",
            // Two candidates.
            "  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_URL: http://ollama:11434\n      OLLAMA_ENDPOINT: http://ollama:11434\n",
            // Declared without a value: the shell may pass it on.
            "  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      - OLLAMA_BASE_URL\n      - OLLAMA_URL=http://ollama:11434\n",
            // A start script may read OLLAMA_URL and export the app's variable.
            "  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    entrypoint: [\"/start-with-url.sh\"]\n    environment:\n      OLLAMA_URL: http://ollama:11434\n",
            // Not an app the tables know.
            "  app:\n    image: example/app\n    environment:\n      OLLAMA_URL: http://ollama:11434\n",
            // A browser-side name is another matter (OLL016).
            "  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434\n      VITE_OLLAMA_URL: http://ollama:11434\n",
        ] {
            let yaml = project(webui);
            assert!(!codes(&yaml).contains(&"OLL020"), "{yaml}");
        }
    }
}
