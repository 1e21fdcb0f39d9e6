use super::reference_report::{
    Part, kind_name, likely_why, report, retarget, safe_fix, subject, working_url,
};
use super::wording::Dialect;
use super::{Context, Rule, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::net::Platform;
use crate::ollama::Reference;
use crate::reach::is_ollama;
use crate::reach::references::{LM_STUDIO, MODEL_RUNNER};
use crate::reachability::{Verdict, likely_server};

declare_rule! {
    /// `localhost` / `127.x` / `::1` where no Ollama listens in that container.
    ///
    /// ## What it does
    /// Reports an Ollama URL whose host is `localhost`, `127.0.0.1` (any `127.x`) or `::1`
    /// in a container where no Ollama listens on that port.
    ///
    /// ## Why is this bad?
    /// Inside a container, loopback is the container itself — not the Docker host and not
    /// another service. Open WebUI with `OLLAMA_BASE_URL=http://localhost:11434` talks to
    /// Open WebUI, is refused, and shows "Ollama: connection refused" or a 502 from its own
    /// backend.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://localhost:11434
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
    /// Safe when one Ollama service of the project is singled out among those the client
    /// shares a network with: the only one, else the only one in its `depends_on`, else the
    /// only one no other service uses. The host (and port) are rewritten to it, and the help
    /// says why it was chosen. Otherwise no fix: an Ollama on the Docker host needs
    /// `host.docker.internal` and, on Linux, an `extra_hosts` mapping.
    /// Unsafe where the value sits under a key the app does not read and OLL020's rename of
    /// it is unsafe: the fix only helps with the rename.
    ///
    /// ## Exceptions
    /// Loopback is right where an Ollama listens in the same namespace: an image that
    /// bundles Ollama (`ghcr.io/open-webui/open-webui:ollama`), `network_mode:
    /// service:ollama`, or `network_mode: host` with Ollama on the host. Apps known to
    /// rewrite a loopback host themselves (bolt.diy with `RUNNING_IN_DOCKER=true`, mem0
    /// OpenMemory) are judged by the host they rewrite it to.
    pub static RULE = {
        code: "OLL001",
        name: "loopback-in-container",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.references)
}

/// The loopback findings among `references`, as `rule` (OLL001 for Ollama's, NET001 for the
/// other kinds').
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in references {
        if *verdict != Verdict::Loopback {
            continue;
        }
        let service = &ctx.project.services[r.client].name;
        let servers = ctx.servers_of(r);
        let kind = kind_name(r);
        let target = likely_server(ctx.net, servers, references, r.client);
        let (help, fix) = match &target {
            Some((server, name, likely)) => {
                let port = servers
                    .get(*server)
                    .map_or(servers.default_port, |s| s.listen.port);
                let url = working_url(ctx, r, name, port);
                let edits = retarget(r, name, port);
                let why = likely_why(ctx, name, *likely, kind);
                let unit = Dialect::of(ctx.project).unit();
                (
                    format!("use the {kind} {unit} by name: `{url}`{why}"),
                    safe_fix(format!("point at {unit} `{name}`"), edits),
                )
            }
            // Not a container at all: Docker serves it on the host (facts F-KIND-DMR).
            None if r.kind == MODEL_RUNNER => (
                "on Docker Desktop a container reaches Docker Model Runner at `http://model-runner.docker.internal/engines/v1`; or declare the model under the top-level `models:` and give the service `models:`, and Compose hands it the URL in a variable".to_string(),
                None,
            ),
            None if r.kind == LM_STUDIO => (
                format!(
                    "LM Studio runs on the Docker host: use `http://host.docker.internal:1234/v1` and {}; on Linux, LM Studio must also serve on the local network (`lms server start --bind 0.0.0.0`), since it binds localhost by default",
                    Dialect::of(ctx.project).add_host_gateway("host.docker.internal", service)
                ),
                None,
            ),
            None if !is_ollama(r.kind) => (
                format!(
                    "for a {kind} in another container use its service name; for one on the Docker host use `host.docker.internal` and {}",
                    Dialect::of(ctx.project).add_host_gateway("host.docker.internal", service)
                ),
                None,
            ),
            // Docker Desktop resolves the name by itself and reaches an Ollama on the host's
            // loopback (F-NET-3): no mapping, no listen address to change.
            None if ctx.platform_of(r.client) == Platform::Desktop => (
                "for an Ollama on the Docker host use `http://host.docker.internal:11434`"
                    .to_string(),
                None,
            ),
            None => (
                format!(
                    "for an Ollama on the Docker host use `http://host.docker.internal:11434` and {}; on Linux the host's Ollama must listen on 0.0.0.0 (`OLLAMA_HOST=0.0.0.0`), not its default 127.0.0.1",
                    Dialect::of(ctx.project).add_host_gateway("host.docker.internal", service)
                ),
                None,
            ),
        };
        let mut d = report(
            ctx,
            rule,
            r,
            Part::Host,
            format!(
                "{}: `{}` is the `{service}` container itself, where no {kind} listens",
                subject(ctx, r),
                r.url.host
            ),
        )
        .with_help(help);
        if let Some(fix) = fix {
            d = d.with_fix(fix);
        }
        out.push(d);
    }
    out
}
