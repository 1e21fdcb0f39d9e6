use super::reference_report::{Part, kind_name, report, retarget, safe_fix, subject, working_url};
use super::structural_fix::{map_to_host_gateway, unsafe_fix};
use super::wording::Dialect;
use super::{Context, Rule, declare_rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::net::{HostRoute, Namespace, Platform, Resolution};
use crate::ollama::{Reference, Written};
use crate::reach::is_ollama;
use crate::reachability::Verdict;

declare_rule! {
    /// `host.docker.internal` without `extra_hosts: ["host.docker.internal:host-gateway"]`,
    /// where the run includes Linux.
    ///
    /// ## What it does
    /// Reports `host.docker.internal` (or Podman's `host.containers.internal`) used from a
    /// service without the mapping `extra_hosts: ["host.docker.internal:host-gateway"]`:
    /// to reach an Ollama on the Docker host, or an Ollama service of the project through its
    /// published port (which works on Desktop only, the long way round: OLL003's detour).
    ///
    /// ## Why is this bad?
    /// Docker Desktop (macOS, Windows) provides the name; Docker Engine on Linux does not, so
    /// the same file fails there with "no such host" / `ENOTFOUND`. With the mapping it
    /// resolves everywhere (on Desktop too). On Linux the host's Ollama must then also
    /// listen beyond loopback (`OLLAMA_HOST=0.0.0.0`, e.g. in a systemd override), because a
    /// server bound to 127.0.0.1 is not reachable through the bridge gateway.
    /// `host.containers.internal` is provided by Podman only.
    ///
    /// Severity: error whenever the platform includes Linux (`--platform any`, the default,
    /// or `linux`), even when an Ollama service of the project would answer on Desktop; with
    /// `--platform desktop` the rule does not fire for `host.docker.internal`. The literal
    /// `172.17.0.1` is the host on Linux only: a warning with `--platform any`, an error with
    /// `--platform desktop`. An app's own default (its URL variable unset) is a warning: the
    /// app may take its URL from its settings page instead.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://host.docker.internal:11434
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://host.docker.internal:11434
    ///     extra_hosts:
    ///       - "host.docker.internal:host-gateway"
    /// ```
    ///
    /// ## Fix safety
    /// Aimed at an Ollama service of the project the client shares a network with: safe, the
    /// host (and port) are rewritten to that service, which works on every platform.
    /// Otherwise unsafe: `extra_hosts: ["host.docker.internal:host-gateway"]` is added to the
    /// service (or the entry to its existing list or map). It changes the structure of the
    /// file, and where the host's Ollama should be reached from is the author's decision. For
    /// a `docker run` in a script or document, the unsafe fix writes
    /// `--add-host=host.docker.internal:host-gateway` right after `run`.
    ///
    /// ## Exceptions
    /// A project meant only for Docker Desktop: run with `--platform desktop`.
    pub static RULE = {
        code: "OLL004",
        name: "host-gateway-unmapped",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.references)
}

/// The host-gateway-unmapped findings among `references`, as `rule` (OLL for Ollama's, NET004 for the
/// other kinds').
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in references {
        let servers = ctx.servers_of(r);
        let Verdict::HostGatewayUnmapped { route, detour } = verdict else {
            continue;
        };
        let client = &ctx.project.services[r.client].name;
        let dialect = Dialect::of(ctx.project);
        let entry = dialect.host_entry();
        let (name, why, instead) = match route {
            HostRoute::ContainersInternal => (
                "host.containers.internal",
                format!(
                    "`host.containers.internal` is Podman's name for the host: Docker provides it on no platform, and this {} does not map it with {entry}",
                    dialect.unit()
                ),
                dialect.add_host_gateway("host.containers.internal", client),
            ),
            HostRoute::GatewayAddress => (
                "172.17.0.1",
                "`172.17.0.1`, the gateway of Docker's default bridge, is the Docker host only on Linux Docker Engine".to_string(),
                format!(
                    "use `host.docker.internal` and {}, which works on every platform",
                    dialect.add_host_gateway("host.docker.internal", client)
                ),
            ),
            _ => (
                "host.docker.internal",
                format!(
                    "Docker Desktop provides `host.docker.internal`, but Linux Docker Engine resolves it only with {entry}, which this {} lacks",
                    dialect.unit()
                ),
                dialect.add_host_gateway("host.docker.internal", client),
            ),
        };
        let mut message = format!("{}: {}{why}", subject(ctx, r), rewritten(r, name));
        let mut d;
        match detour {
            // On Desktop it reaches the project's own Ollama the long way round; the fix
            // that works everywhere is the direct one.
            Some(server) => {
                let server_name = &ctx.project.services[*server].name;
                message.push_str(&format!(
                    "; where the name resolves, it reaches {} `{server_name}` only through the Docker host and its published port",
                    dialect.unit()
                ));
                d = report(ctx, rule, r, Part::Host, message);
                let direct = matches!(
                    ctx.net.resolve(r.client, server_name),
                    Resolution::Sibling { .. }
                );
                if direct {
                    let port = servers
                        .get(*server)
                        .map_or(servers.default_port, |s| s.listen.port);
                    let url = working_url(ctx, r, server_name, port);
                    let unit = dialect.unit();
                    d = d.with_help(format!("reach {unit} `{server_name}` directly: `{url}`"));
                    if let Some(fix) = safe_fix(
                        format!("point at {unit} `{server_name}` directly"),
                        retarget(r, server_name, port),
                    ) {
                        d = d.with_fix(fix);
                    }
                } else {
                    d = d.with_help(instead);
                }
            }
            None => {
                // In the host's network namespace the host's own loopback is the container's:
                // on Linux the server is reached there, even bound to 127.0.0.1 alone.
                let host_network = *ctx.net.namespace(r.client) == Namespace::Host;
                let listen = if host_network {
                    let url =
                        working_url(ctx, r, "127.0.0.1", r.url.effective_port(r.expect.scheme));
                    format!(
                        "the {} shares the host's network, so on Linux `{url}` reaches the host's {} directly, even where it listens on 127.0.0.1 only",
                        dialect.unit(),
                        kind_name(r)
                    )
                } else if is_ollama(r.kind) {
                    "on Linux the host's Ollama must listen on 0.0.0.0 (`OLLAMA_HOST=0.0.0.0`), not its default 127.0.0.1".to_string()
                } else {
                    format!(
                        "on Linux the host's {} must listen beyond 127.0.0.1",
                        kind_name(r)
                    )
                };
                d = report(ctx, rule, r, Part::Host, message)
                    .with_help(format!("{instead}; {listen}"));
                if *route != HostRoute::GatewayAddress
                    && let Some(fix) = unsafe_fix(
                        format!(
                            "map `{name}` to the Docker host with {}",
                            dialect.host_setting()
                        ),
                        vec![map_to_host_gateway(ctx, client, name)],
                    )
                {
                    d = d.with_fix(fix);
                }
            }
        }
        // Linux Docker Engine is where most of these fail, and a run that includes it fails
        // there; `172.17.0.1` fails on Desktop only, which `--platform any` merely warns of.
        // An app's own default may be replaced in its settings page: a warning.
        let fails_on_linux = *route != HostRoute::GatewayAddress;
        let written = !matches!(r.written, Written::AppDefault { .. });
        d.severity =
            if written && (fails_on_linux || ctx.platform_of(r.client) == Platform::Desktop) {
                Severity::Error
            } else {
                Severity::Warning
            };
        out.push(d);
    }
    out
}

/// Why a URL that names a loopback host is about `name`: the app rewrites the host.
fn rewritten(r: &Reference, name: &str) -> String {
    match r.loopback_rewrite {
        Some(_) if !r.url.host.eq_ignore_ascii_case(name) => {
            format!("the app replaces `{}` with `{name}`, and ", r.url.host)
        }
        _ => String::new(),
    }
}
