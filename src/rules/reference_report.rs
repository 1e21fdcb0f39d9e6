//! What the OLL rules share when they report a reference: where it points, how it names the
//! reference, and the in-place edits of a URL part.

use std::ops::Range;

use super::Context;
use super::wording::Dialect;
use crate::compose::model::{EnvSource, EnvVar};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::knowledge::TargetUrl;
use crate::knowledge::client::PathKind;
use crate::net::Namespace;
use crate::ollama::{Reference, Servers, Written};
use crate::reach::is_ollama;
use crate::reachability::Likely;
use crate::source::Span;
use crate::text::Text;

/// A part of a reference's URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Host,
    Port,
    Scheme,
    Path,
    Whole,
}

fn range_of(url: &TargetUrl, text_len: usize, part: Part) -> Range<usize> {
    match part {
        Part::Host => url.host_range.clone(),
        Part::Port => url
            .port_range
            .clone()
            .unwrap_or(url.host_range.end..url.host_range.end),
        Part::Scheme => url.scheme_range.clone().unwrap_or(0..0),
        Part::Path => url.path_range.clone(),
        Part::Whole => 0..text_len,
    }
}

/// The span of a part of the reference, where it was written.
pub fn part_span(r: &Reference, part: Part) -> Option<Span> {
    let range = range_of(&r.url, r.text.value.len(), part);
    if range.is_empty() {
        return r.value_span();
    }
    r.span_of(range)
}

/// How a finding names the server a reference is aimed at: "Ollama", "Postgres", "MySQL or
/// MariaDB".
pub fn kind_name(r: &Reference) -> &'static str {
    crate::reach::kind_name(r.kind)
}

/// `variable `X` of service `s``, or `the default of `X` in service `s``.
pub fn subject(ctx: &Context, r: &Reference) -> String {
    let service = &ctx.project.services[r.client].name;
    let unit = Dialect::of(ctx.project).unit();
    let mut value = &r.text.value;
    // A host variable is read with its port variable; the subject is what it holds.
    if is_host_variable(r)
        && let Written::Env { key, .. } = &r.written
        && let Some(own) = ctx.project.services[r.client]
            .env(key)
            .and_then(|v| v.value.as_ref())
    {
        value = &own.value;
    }
    match &r.written {
        Written::Env { key, .. } => format!("`{key}={value}` in {unit} `{service}`"),
        Written::Command { .. } => format!("`{value}` in the command of {unit} `{service}`"),
        Written::AppDefault { var } => match &r.ignored_var {
            Some(ignored) => format!(
                "the default `{var}={value}` of {unit} `{service}` (it sets `{ignored}`, which this image ignores)"
            ),
            None => format!("the default `{var}={value}` of {unit} `{service}`"),
        },
        Written::ConfigFile { key } => {
            format!("`{key}: {value}` in the config file of {unit} `{service}`")
        }
        Written::Typed => format!("`{value}` in the settings of {unit} `{service}`"),
    }
}

/// The help, in commands' words, that puts the client of `r` on a network with container
/// `server`: the one `server` is on, or a new one for both.
pub fn join_network(ctx: &Context, r: &Reference, server: usize) -> String {
    let network = match ctx.net.namespace(server) {
        Namespace::Own { networks, .. } => networks.first().map(String::as_str),
        _ => None,
    };
    Dialect::join_network(
        &ctx.project.services[r.client].name,
        &ctx.project.services[server].name,
        network,
        r.kind,
    )
}

/// A finding about a reference at `part`, with the line that uses the value as a related
/// label when the value was written elsewhere (`.env`, an `env_file`, a variable a script
/// assigned before its `docker run`).
pub fn report(
    ctx: &Context,
    rule: &'static super::Rule,
    r: &Reference,
    part: Part,
    message: String,
) -> Diagnostic {
    let service = &ctx.project.services[r.client];
    let primary = part_span(r, part).or(Some(service.key_span));
    let mut d = rule
        .diagnostic(message, primary)
        .with_service(&service.name);
    if let Written::Env {
        source: EnvSource::Environment { span },
        key,
    } = &r.written
        && primary.is_some_and(|p| {
            p.file != span.file || (ctx.project.from_commands && !span.contains(p))
        })
    {
        d = d.with_related(*span, format!("`{key}` is used here"));
    }
    if let Written::AppDefault { var } = &r.written {
        d = d.with_label(format!("`{var}` is not set here"));
        d.app_default = true;
        // The default applies because the variable written is one this image ignores (Open
        // WebUI's `OLLAMA_API_BASE_URL`): the reader must see that the value they set is not
        // the one judged.
        let ignored_at = r
            .ignored_var
            .as_deref()
            .and_then(|name| service.env(name))
            .map(|v| match &v.source {
                EnvSource::Environment { span } | EnvSource::EnvFile { span, .. } => *span,
            });
        if let (Some(span), Some(ignored)) = (ignored_at, &r.ignored_var) {
            d = d.with_related(span, format!("`{ignored}` is ignored by this image"));
        }
    }
    d
}

/// Whether the reference is a host variable of another kind (`REDIS_HOST`, `PGHOST`), read
/// with its port variable when one is set.
fn is_host_variable(r: &Reference) -> bool {
    !is_ollama(r.kind) && r.url.scheme.is_none()
}

/// Replaces one part of the URL in place, when it was written exactly there.
pub fn edit_part(r: &Reference, part: Part, content: impl Into<String>) -> Option<Edit> {
    let content = content.into();
    let mut range = range_of(&r.url, r.text.value.len(), part);
    // An IPv6 literal's brackets go with it when a name replaces it (`[::1]` → `ollama`).
    let value = r.text.value.as_bytes();
    if part == Part::Host
        && !content.contains(':')
        && range.start > 0
        && value.get(range.start - 1) == Some(&b'[')
        && value.get(range.end) == Some(&b']')
    {
        range = range.start - 1..range.end + 1;
    }
    // A host variable (`REDIS_HOST`) holds no port: the port it lacks belongs in its port
    // variable, which is not written.
    if range.is_empty() && part == Part::Port && is_host_variable(r) {
        return None;
    }
    let span = if range.is_empty() {
        // Inserting (a port after the host, past an IPv6 literal's `]`): an empty span there.
        let mut host = r.url.host_range.clone();
        if value.get(host.end) == Some(&b']') {
            host.end += 1;
        }
        let host = r.text.exact_span(host)?;
        Span::new(host.file, host.end, host.end)
    } else {
        r.text.exact_span(range)?
    };
    Some(Edit { span, content })
}

/// Why the help names Ollama service `name` for a reference that reaches no Ollama, when the
/// client could reach several: said after the help's URL.
pub fn likely_why(ctx: &Context, name: &str, likely: Likely, kind: &str) -> String {
    match likely {
        Likely::Sole => String::new(),
        Likely::DependedOn => {
            format!(" (`{name}` runs {kind} and is in this service's `depends_on`)")
        }
        Likely::Unused => format!(
            " (`{name}` runs {kind} and no other {} of the project uses it)",
            Dialect::of(ctx.project).unit()
        ),
    }
}

/// A safe fix from edits that could all be made.
pub fn safe_fix(message: String, edits: Vec<Option<Edit>>) -> Option<Fix> {
    let edits: Option<Vec<Edit>> = edits.into_iter().collect();
    let edits = edits?;
    (!edits.is_empty()).then_some(Fix {
        applicability: Applicability::Safe,
        message: message.into(),
        edits,
    })
}

/// The URL that works for this reference against service `server` listening on `port`: the
/// client's scheme and path kept (the path rule is another finding's business).
pub fn working_url(ctx: &Context, r: &Reference, host: &str, port: u16) -> String {
    let _ = ctx;
    if !is_ollama(r.kind) {
        // Another kind's URL keeps its own scheme and path (`postgres://db:5432/app`); its
        // credentials stay where they were written, out of the message.
        let scheme = r
            .url
            .scheme
            .as_ref()
            .map(|s| format!("{s}://"))
            .unwrap_or_default();
        let (before, after) = other_hosts(r);
        return format!("{scheme}{before}{host}:{port}{after}{}", r.url.path);
    }
    // A scheme-less `host:port` stays scheme-less where the client accepts that.
    let scheme = if r.url.scheme.is_none()
        && r.expect.scheme != crate::knowledge::client::SchemeRule::Required
    {
        ""
    } else {
        "http://"
    };
    let path = match r.expect.path {
        PathKind::Api if !r.url.path.trim_end_matches('/').ends_with("/api") => "/api".to_string(),
        PathKind::V1 if !r.url.path.trim_end_matches('/').ends_with("/v1") => "/v1".to_string(),
        PathKind::None => String::new(),
        _ => r.url.path.clone(),
    };
    format!("{scheme}{host}:{port}{path}")
}

/// The hosts written before and after the reference's own in a URL that lists several
/// (`mongo1:27017,` and `,mongo3:27017` of `mongodb://mongo1:27017,mongo2:27018,mongo3:27017/`),
/// so a suggested URL keeps them; empty for a URL of one host.
fn other_hosts(r: &Reference) -> (&str, &str) {
    let value = &r.text.value;
    let authority = r.url.scheme_range.as_ref().map_or(0, |s| s.end + 3)..r.url.path_range.start;
    let Some(written) = value.get(authority.clone()) else {
        return ("", "");
    };
    let hosts = authority.start + written.rfind('@').map_or(0, |i| i + 1)..authority.end;
    if !value[hosts.clone()].contains(',') {
        return ("", "");
    }
    let bracket = usize::from(value.as_bytes().get(r.url.host_range.end) == Some(&b']'));
    let start = r.url.host_range.start - bracket;
    let end = r
        .url
        .port_range
        .as_ref()
        .map_or(r.url.host_range.end + bracket, |p| p.end);
    (&value[hosts.start..start], &value[end..hosts.end])
}

/// The edits that point a reference at `host:port`: the host, and the port when it differs
/// (inserted after the host when the URL left it out). An edit that cannot be made (the text
/// was not written verbatim) is None, which makes the whole fix unavailable.
pub fn retarget(r: &Reference, host: &str, port: u16) -> Vec<Option<Edit>> {
    let mut edits = Vec::new();
    if !r.url.host.eq_ignore_ascii_case(host) {
        edits.push(edit_part(r, Part::Host, host));
    }
    match r.url.port {
        Some(p) if p == port => {}
        Some(_) => edits.push(edit_part(r, Part::Port, port.to_string())),
        None => edits.push(edit_part(r, Part::Port, format!(":{port}"))),
    }
    edits
}

/// An insertion at byte `at` of the reference's value (`http://` before the host, `/v1`
/// after the port), where the neighbouring text was written verbatim.
pub fn insert_at(r: &Reference, at: usize, content: impl Into<String>) -> Option<Edit> {
    insert_in(&r.text, at, content)
}

/// An insertion at byte `at` of `text`, where the neighbouring text was written verbatim.
pub fn insert_in(text: &Text, at: usize, content: impl Into<String>) -> Option<Edit> {
    let value = &text.value;
    if at > value.len() || !value.is_char_boundary(at) {
        return None;
    }
    let point = match value[at..].chars().next() {
        Some(c) => {
            let next = text.exact_span(at..at + c.len_utf8())?;
            Span::new(next.file, next.start, next.start)
        }
        None => {
            let c = value[..at].chars().next_back()?;
            let previous = text.exact_span(at - c.len_utf8()..at)?;
            Span::new(previous.file, previous.end, previous.end)
        }
    };
    Some(Edit {
        span: point,
        content: content.into(),
    })
}

/// Replaces bytes `range` of the reference's value (empty: inserts there).
pub fn replace_range(
    r: &Reference,
    range: Range<usize>,
    content: impl Into<String>,
) -> Option<Edit> {
    if range.is_empty() {
        return insert_at(r, range.start, content);
    }
    Some(Edit {
        span: r.text.exact_span(range)?,
        content: content.into(),
    })
}

/// The variable that sets where Ollama server `server` listens (`OLLAMA_HOST`), when the
/// service's environment sets it.
pub fn listen_var<'a>(ctx: &Context<'a>, server: usize) -> Option<&'a EnvVar> {
    listen_var_of(ctx, ctx.servers, server)
}

/// The variable that sets the address server `server` of `servers` listens on
/// (`OLLAMA_HOST`, `LLAMA_ARG_HOST`, `MEILI_HTTP_ADDR`), when the service's environment sets
/// it.
pub fn listen_var_of<'a>(
    ctx: &Context<'a>,
    servers: &Servers,
    server: usize,
) -> Option<&'a EnvVar> {
    let service = ctx.project.services.get(server)?;
    servers
        .get(server)?
        .server
        .server
        .listen
        .settings
        .iter()
        .filter(|s| !matches!(s.syntax, crate::knowledge::server::ListenSyntax::Port))
        .filter_map(|s| s.env.as_deref())
        .find_map(|var| service.env(var))
}

/// Where a variable's value was written (the `.env` line when it came from there), else the
/// variable's own entry.
pub fn env_value_span(var: &EnvVar) -> Span {
    let entry = match &var.source {
        EnvSource::Environment { span } | EnvSource::EnvFile { span, .. } => *span,
    };
    var.value
        .as_ref()
        .filter(|t| !t.value.is_empty())
        .and_then(|t| t.exact_span(0..t.value.len()).or_else(|| t.primary_span()))
        .unwrap_or(entry)
}

/// Lints one compose file held in memory (for the rules' unit tests; [`only_finding`] uses
/// it too). A file that does not load, or that Compose would refuse (any fatal load issue: a
/// syntax or structure error, a duplicate key, an invalid interpolation or value, a missing
/// file), fails the test: a rule test over a project that is not there would pass whatever
/// the rule does.
#[cfg(test)]
pub fn lint_yaml(yaml: &str) -> Vec<Diagnostic> {
    lint_files(&[("compose.yaml", yaml)])
}

/// [`lint_yaml`] over several files of `/p` (`compose.yaml` first, then `.env`, env files).
#[cfg(test)]
pub fn lint_files(files: &[(&str, &str)]) -> Vec<Diagnostic> {
    use crate::compose::load::{LoadOptions, load_project};
    use crate::fs::MemFs;
    let mut fs = MemFs::new();
    for (name, text) in files {
        fs.insert(format!("/p/{name}"), *text);
    }
    let (project, sources) = load_project(
        &fs,
        &[std::path::PathBuf::from("/p/compose.yaml")],
        &LoadOptions::default(),
    )
    .expect("the test's compose file loads");
    let fatal: Vec<_> = project.issues.iter().filter(|i| i.is_fatal()).collect();
    assert!(
        fatal.is_empty(),
        "the test's compose file does not load cleanly: {fatal:?}"
    );
    super::check_project(&project, &sources, crate::net::Platform::Any)
}

/// The one finding of rule `code` when linting `yaml` (tests of the rules' fixes).
#[cfg(test)]
pub fn only_finding(code: &str, yaml: &str) -> Diagnostic {
    let found: Vec<Diagnostic> = lint_yaml(yaml)
        .into_iter()
        .filter(|d| d.code == code)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().expect("one finding")
}

#[cfg(test)]
mod tests {
    use super::lint_yaml;

    #[test]
    #[should_panic(expected = "does not load cleanly")]
    fn a_rule_test_over_invalid_yaml_fails() {
        lint_yaml("services:\n  app:\n    image: [unclosed\n");
    }

    #[test]
    #[should_panic(expected = "does not load cleanly")]
    fn a_rule_test_over_a_file_compose_refuses_fails() {
        lint_yaml("services:\n  app:\n    image: app\n    environment:\n      A: ${B:=c}\n");
    }

    #[test]
    #[should_panic(expected = "does not load cleanly")]
    fn a_rule_test_through_only_finding_fails_too() {
        super::only_finding(
            "OLL001",
            "services:\n  app:\n    image: app\n    ports: \"80:80\"\n",
        );
    }
}
