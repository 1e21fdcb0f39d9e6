use super::reference_report::{Part, report, subject};
use super::structural_fix::{map_to_host_gateway, unsafe_fix};
use super::{Context, declare_rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::net::{HostRoute, Platform};
use crate::ollama::Reference;
use crate::reachability::Verdict;

declare_rule! {
    /// `host.docker.internal` without `extra_hosts: ["host.docker.internal:host-gateway"]`
    /// (error with `--platform linux`).
    ///
    /// ## What it does
    /// Reports `host.docker.internal` (or Podman's `host.containers.internal`) used to reach
    /// an Ollama on the Docker host from a service without the mapping
    /// `extra_hosts: ["host.docker.internal:host-gateway"]`.
    ///
    /// ## Why is this bad?
    /// Docker Desktop (macOS, Windows) provides the name; Docker Engine on Linux does not, so
    /// the same file fails there with "no such host" / `ENOTFOUND`. With the mapping it
    /// resolves everywhere (on Desktop too). On Linux the host's Ollama must then also
    /// listen beyond loopback (`OLLAMA_HOST=0.0.0.0`, e.g. in a systemd override), because a
    /// server bound to 127.0.0.1 is not reachable through the bridge gateway.
    /// `host.containers.internal` is provided by Podman only.
    ///
    /// Severity: warning with `--platform any` (the default), error with `--platform
    /// linux`; with `--platform desktop` the rule does not fire.
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
    /// Unsafe: `extra_hosts: ["host.docker.internal:host-gateway"]` is added to the service
    /// (or the entry to its existing list or map). It changes the structure of the file, and where
    /// the host's Ollama should be reached from is the author's decision.
    ///
    /// ## Exceptions
    /// A project meant only for Docker Desktop: run with `--platform desktop`.
    pub static RULE = {
        code: "OLL004",
        name: "host-gateway-unmapped",
        severity: Warning,
        fix: Unsafe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in ctx.references {
        let Verdict::HostGatewayUnmapped { route } = verdict else {
            continue;
        };
        let client = &ctx.project.services[r.client].name;
        let (name, why, instead) = match route {
            HostRoute::ContainersInternal => (
                "host.containers.internal",
                "`host.containers.internal` is Podman's name for the host: Docker provides it on no platform, and this service maps it with no `extra_hosts` entry",
                format!(
                    "add `extra_hosts: [\"host.containers.internal:host-gateway\"]` to service `{client}`"
                ),
            ),
            HostRoute::GatewayAddress => (
                "172.17.0.1",
                "`172.17.0.1`, the gateway of Docker's default bridge, is the Docker host only on Linux Docker Engine",
                format!(
                    "use `host.docker.internal` and add `extra_hosts: [\"host.docker.internal:host-gateway\"]` to service `{client}`, which works on every platform"
                ),
            ),
            _ => (
                "host.docker.internal",
                "Docker Desktop provides `host.docker.internal`, but Linux Docker Engine resolves it only with an `extra_hosts` entry, which this service lacks",
                format!(
                    "add `extra_hosts: [\"host.docker.internal:host-gateway\"]` to service `{client}`"
                ),
            ),
        };
        let mut d = report(
            ctx,
            &RULE,
            r,
            Part::Host,
            format!("{}: {}{why}", subject(ctx, r), rewritten(r, name)),
        )
        .with_help(format!(
            "{instead}; on Linux the host's Ollama must listen on 0.0.0.0 (`OLLAMA_HOST=0.0.0.0`)"
        ));
        if ctx.platform == Platform::Linux {
            d.severity = Severity::Error;
        }
        if *route != HostRoute::GatewayAddress
            && let Some(fix) = unsafe_fix(
                format!("map `{name}` to the Docker host with `extra_hosts`"),
                vec![map_to_host_gateway(
                    ctx,
                    &ctx.project.services[r.client].name,
                    name,
                )],
            )
        {
            d = d.with_fix(fix);
        }
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
