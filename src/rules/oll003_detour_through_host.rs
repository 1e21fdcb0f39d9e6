use super::reference_report::{
    Part, join_network, report, retarget, safe_fix, subject, working_url,
};
use super::wording::Dialect;
use super::{Context, Rule, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::net::Resolution;
use crate::ollama::Reference;
use crate::reachability::Verdict;

declare_rule! {
    /// `host.docker.internal` to an Ollama service of the same project, through its published
    /// port.
    ///
    /// ## What it does
    /// Reports a URL that reaches an Ollama service of the same project through the Docker
    /// host — `host.docker.internal` (or `172.17.0.1`) and the port the service publishes —
    /// instead of by the service's name.
    ///
    /// ## Why is this bad?
    /// It works only by a detour: out to the host and back in through the published port.
    /// It breaks as soon as the `ports:` mapping goes (it is often removed to keep Ollama
    /// off the network), on Linux without `extra_hosts: ["host.docker.internal:host-gateway"]`,
    /// behind a host firewall that drops bridge traffic, or when the port is published on
    /// `127.0.0.1` only. Services of one project reach each other directly by name.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11434:11434"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://host.docker.internal:11434
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11434:11434"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the service is certain (the one publishing that port) and the client shares a
    /// network with it; host and port are rewritten to its name and container port.
    ///
    /// ## Exceptions
    /// When the client cannot share a network with the Ollama service (another project,
    /// `network_mode: host`), the detour is the only way; suppress the finding there.
    /// An Ollama service behind a profile the client does not need (`profiles:
    /// [with-ollama]`) is absent by default, when the host's own Ollama answers on that
    /// port: no finding.
    pub static RULE = {
        code: "OLL003",
        name: "detour-through-host",
        severity: Warning,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.references)
}

/// The detour-through-host findings among `references`, as `rule` (OLL for Ollama's, NET003 for the
/// other kinds').
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in references {
        let servers = ctx.servers_of(r);
        let Verdict::DetourThroughHost { server } = verdict else {
            continue;
        };
        let server_name = ctx.project.services[*server].name.clone();
        let port = servers
            .get(*server)
            .map_or(servers.default_port, |s| s.listen.port);
        let direct = matches!(
            ctx.net.resolve(r.client, &server_name),
            Resolution::Sibling { .. }
        );
        let url = working_url(ctx, r, &server_name, port);
        let dialect = Dialect::of(ctx.project);
        let unit = dialect.unit();
        let mut d = report(
            ctx,
            rule,
            r,
            Part::Host,
            format!(
                "{}: reaches {unit} `{server_name}` only through the Docker host and its published port",
                subject(ctx, r)
            ),
        );
        if direct {
            d = d.with_help(format!("reach it directly: `{url}`"));
            let edits = retarget(r, &server_name, port);
            if let Some(fix) = safe_fix(format!("point at {unit} `{server_name}` directly"), edits)
            {
                d = d.with_fix(fix);
            }
        } else if dialect == Dialect::Commands {
            // Containers on the default bridge, or on networks that do not meet: a network
            // of their own is the direct way.
            d = d.with_help(format!(
                "to reach it directly, {}, then use `{url}`",
                join_network(ctx, r, *server)
            ));
        }
        out.push(d);
    }
    out
}
