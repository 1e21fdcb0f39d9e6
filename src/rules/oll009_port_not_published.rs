use super::reference_report::{
    Part, join_network, report, retarget, safe_fix, subject, working_url,
};
use super::wording::Dialect;
use super::{Context, Rule, declare_rule};
use crate::compose::model::Port;
use crate::diagnostic::Diagnostic;
use crate::net::{Namespace, Resolution};
use crate::ollama::Reference;
use crate::reachability::Verdict;

declare_rule! {
    /// A path through the host to a project Ollama that publishes nothing there (or on
    /// `127.0.0.1` only).
    ///
    /// ## What it does
    /// Reports a URL that goes through the Docker host — `host.docker.internal` (or the
    /// gateway address), or `localhost` under `network_mode: host` — to reach an Ollama
    /// service of this project that publishes nothing there: no `ports:` mapping at all,
    /// the container port published on another host port, or published on `127.0.0.1` only
    /// while the request comes from a container.
    ///
    /// ## Why is this bad?
    /// The Docker host answers on a port only when something publishes it. Without a
    /// mapping the request is refused (`Connect call failed ('172.17.0.1', 11434)`); a port
    /// published on `127.0.0.1` is reachable from the host itself, not from containers going
    /// through the gateway.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
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
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe where the target is certain. When the client shares a network with the Ollama
    /// service, the URL is pointed at the service by name and container port — no detour
    /// through the host at all. Otherwise, when the service publishes its port on another
    /// host port that the client can reach, that port is written. Adding a `ports:` mapping
    /// is structural and left to the help.
    ///
    /// ## Exceptions
    /// An Ollama installed on the host itself, beside an Ollama service of the project that
    /// is not meant to be used: suppress the finding (or remove the unused service).
    pub static RULE = {
        code: "OLL009",
        name: "port-not-published",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.references)
}

/// The port-not-published findings among `references`, as `rule` (OLL for Ollama's, NET009 for the
/// other kinds').
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in references {
        let servers = ctx.servers_of(r);
        let Verdict::PortNotPublished {
            server,
            loopback_only,
        } = *verdict
        else {
            continue;
        };
        let Some(target) = ctx.project.services.get(server) else {
            continue;
        };
        let name = &target.name;
        let port = r.port();
        let listening = servers
            .get(server)
            .map_or(servers.default_port, |s| s.listen.port);
        let from_host_namespace = *ctx.net.namespace(r.client) == Namespace::Host;
        let dialect = Dialect::of(ctx.project);
        let unit = dialect.unit();
        let route = if from_host_namespace {
            format!(
                "under {}, `{}` is the Docker host",
                dialect.network_mode("host"),
                r.url.host
            )
        } else {
            format!("`{}` is the Docker host", r.url.host)
        };
        let mappings: Vec<&Port> = target
            .ports
            .iter()
            .filter(|p| p.mapping.target == u32::from(listening) && p.mapping.protocol == "tcp")
            .collect();
        // A host port of the service that this client can reach.
        let usable = mappings.iter().find_map(|p| {
            let host_port = p.mapping.published.as_deref()?.parse::<u16>().ok()?;
            let loopback = p
                .mapping
                .host_binding()
                .is_some_and(|b| matches!(b.address, crate::compose::ports::BindAddress::Ip(ip) if ip.is_loopback()));
            (from_host_namespace || !loopback).then_some(host_port)
        });
        let what = if loopback_only {
            format!(
                "`{name}` publishes port {port} on the host's `127.0.0.1` only, which containers cannot reach through the gateway"
            )
        } else if let Some(p) = mappings.iter().find_map(|m| m.mapping.published.as_deref()) {
            format!("`{name}` publishes its port {listening} as host port {p}, not {port}")
        } else if !mappings.is_empty() {
            // A mapping without a host port: Docker picks a free one when the container
            // starts.
            format!(
                "`{name}` publishes its port {listening} on a host port Docker picks at random, not on {port}"
            )
        } else if let Some(other) = target
            .ports
            .iter()
            .find(|p| p.mapping.target == u32::from(listening))
        {
            // HTTP and the other protocols these servers speak run over TCP.
            format!(
                "`{name}` publishes its port {listening} for {} only",
                other.mapping.protocol.to_uppercase()
            )
        } else if target.publish_all.is_some() {
            // `-P` publishes what the image exposes, each on a free host port: never on a
            // port a client could have written down.
            format!(
                "`{name}` is run with `-P`, which publishes the ports its image exposes on host ports Docker picks at random, not on {port}"
            )
        } else {
            format!(
                "`{name}` publishes no port there (it has no {} for {listening})",
                dialect.port_option()
            )
        };
        let mut d = report(
            ctx,
            rule,
            r,
            // The port is what is wrong when the service publishes another one; otherwise it
            // is the route through the host, and the fix rewrites the host.
            if !loopback_only && !mappings.is_empty() {
                Part::Port
            } else {
                Part::Host
            },
            format!("{}: {route}, and {what}", subject(ctx, r)),
        );
        for m in &mappings {
            d = d.with_related(m.span, "published here");
        }
        if let Some(all) = target.publish_all.filter(|_| mappings.is_empty()) {
            d = d.with_related(all, "every exposed port, each on a random host port");
        }
        // Which service was meant is certain when its port mapping is the one in question, or
        // when the project runs no other server of the kind.
        let own_servers = || {
            servers
                .indices
                .iter()
                .filter(|&&i| servers.get(i).is_some_and(|s| !s.server.is_bundled()))
                .take(2)
                .count()
        };
        let certain = loopback_only || !mappings.is_empty() || own_servers() == 1;
        let direct = matches!(ctx.net.resolve(r.client, name), Resolution::Sibling { .. });
        if direct {
            d = d.with_help(format!(
                "reach the {unit} directly: `{}`",
                working_url(ctx, r, name, listening)
            ));
            if certain
                && let Some(fix) = safe_fix(
                    format!("point at {unit} `{name}` directly"),
                    retarget(r, name, listening),
                )
            {
                d = d.with_fix(fix);
            }
        } else if let Some(host_port) = usable {
            d = d.with_help(format!(
                "use the host port it is published on: `{}`",
                working_url(ctx, r, &r.url.host, host_port)
            ));
            if let Some(fix) = safe_fix(
                format!("use host port {host_port}"),
                retarget(r, &r.url.host, host_port),
            ) {
                d = d.with_fix(fix);
            }
        } else if loopback_only {
            d = d.with_help(format!(
                "publish it on every interface ({}), or put the client on a network of `{name}` and use `{}`",
                dialect.publish(&format!("{port}:{listening}")),
                working_url(ctx, r, name, listening)
            ));
        } else {
            // The host's own loopback is enough for a client in the host's namespace.
            let bind = if from_host_namespace {
                "127.0.0.1:"
            } else {
                ""
            };
            let mut help = format!(
                "publish the port on {unit} `{name}`: {}",
                dialect.publish(&format!("{bind}{port}:{listening}"))
            );
            if dialect == Dialect::Commands && !from_host_namespace {
                help.push_str(&format!(
                    "; or, to reach it directly, {}, then use `{}`",
                    join_network(ctx, r, server),
                    working_url(ctx, r, name, listening)
                ));
            }
            d = d.with_help(help);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::reference_report::only_finding;

    fn only(yaml: &str) -> Diagnostic {
        only_finding("OLL009", yaml)
    }

    #[test]
    fn a_shared_network_client_is_pointed_at_the_service() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    ports: [\"127.0.0.1:11434:11434\"]\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://host.docker.internal:11434\n    extra_hosts: [\"host.docker.internal:host-gateway\"]\n";
        let d = only(yaml);
        assert!(
            d.message.expose_unredacted().contains("127.0.0.1"),
            "{:?}",
            d.message
        );
        let fix = d.fix.expect("a fix");
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(fix.edits[0].content, "ollama");
    }

    #[test]
    fn a_host_network_client_gets_the_other_host_port() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    ports: [\"11500:11434\"]\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    network_mode: host\n    environment:\n      OLLAMA_BASE_URL: http://localhost:11434\n";
        let d = only(yaml);
        assert!(
            d.message.expose_unredacted().contains("host port 11500"),
            "{:?}",
            d.message
        );
        let fix = d.fix.expect("a fix");
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(fix.edits[0].content, "11500");
        let at = yaml.find("11434\n").unwrap();
        assert_eq!(fix.edits[0].span.start, at);
    }
}
