use super::oll007_no_shared_network::list;
use super::{Context, declare_rule};
use crate::compose::model::Service;
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::image::ImageRef;
use crate::net::{Namespace, Resolution};

declare_rule! {
    /// A service Traefik routes to by its labels that shares no network with Traefik.
    ///
    /// ## What it does
    /// Reports a service with Traefik labels (`traefik.enable=true`, a router or a service)
    /// when the project runs Traefik (`traefik` image) and the two share no network. Also,
    /// as a warning, a routed service on several networks, some of which Traefik is not on,
    /// with nothing that says which one Traefik must use.
    ///
    /// ## Why is this bad?
    /// Traefik's Docker provider forwards a request to the container's IP address on one of
    /// the container's networks. A network Traefik is not attached to is isolated from it:
    /// the request times out, and the client gets `504 Gateway Timeout` or `502 Bad Gateway`
    /// (traefik/traefik#959). When the container is on several networks, Traefik takes one of
    /// them unless the label `traefik.docker.network` or the provider's `network` option
    /// names it; taking one Traefik is not on fails the same way, and which one it takes can
    /// change when the configuration is refreshed (traefik/traefik#979, facts F-PROXY-2 in
    /// `docs/knowledge/facts.md`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   traefik:
    ///     image: traefik:v3.1
    ///     command: ["--providers.docker=true", "--entrypoints.web.address=:80"]
    ///     ports: ["80:80"]
    ///     networks: [proxy]
    ///     volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
    ///   whoami:
    ///     image: traefik/whoami
    ///     labels:
    ///       - traefik.http.routers.whoami.rule=Host(`whoami.localhost`)
    /// networks:
    ///   proxy: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   traefik:
    ///     image: traefik:v3.1
    ///     command: ["--providers.docker=true", "--entrypoints.web.address=:80"]
    ///     ports: ["80:80"]
    ///     networks: [proxy]
    ///     volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
    ///   whoami:
    ///     image: traefik/whoami
    ///     networks: [proxy]
    ///     labels:
    ///       - traefik.http.routers.whoami.rule=Host(`whoami.localhost`)
    /// networks:
    ///   proxy: {}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: attaching the service to a network of Traefik's changes which containers can
    /// reach it, and leaves it on several networks, where the label must name the Docker
    /// name of the right one; the help says both.
    ///
    /// ## Exceptions
    /// Not reported when Traefik uses published ports instead of container addresses
    /// (`useBindPortIP`), runs in the host's network namespace (it then reaches every
    /// container's address), or, for the warning, when a mounted Traefik configuration file
    /// may name the network. A Traefik of another project, reached through an external
    /// network, is not seen here.
    pub static RULE = {
        code: "NET024",
        name: "proxy-shares-no-network",
        severity: Error,
        fix: None,
        check: check,
    };
}

/// The label that names the network Traefik connects to a container on.
const NETWORK_LABEL: &str = "traefik.docker.network";

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let proxies: Vec<usize> = ctx
        .project
        .services
        .iter()
        .enumerate()
        .filter(|(i, s)| is_traefik(s) && !uses_bind_port_ip(s) && own_networks(ctx, *i).is_some())
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    if proxies.is_empty() {
        return out;
    }
    for (i, service) in ctx.project.services.iter().enumerate() {
        let Some(label) = routing_label(service) else {
            continue;
        };
        if proxies.contains(&i) || service.labels.iter().any(|l| l.key == NETWORK_LABEL) {
            continue;
        }
        let Some(networks) = own_networks(ctx, i) else {
            continue;
        };
        let shares = |p: usize| {
            matches!(
                ctx.net.resolve(p, &service.name),
                Resolution::Sibling { .. }
            )
        };
        let proxy = proxies[0];
        let proxy_name = &ctx.project.services[proxy].name;
        let proxy_networks = own_networks(ctx, proxy).unwrap_or_default();
        if !proxies.iter().any(|&p| shares(p)) {
            let message = format!(
                "Traefik routes to `{}` by its labels, but `{proxy_name}` ({}) and `{}` ({}) share no network: Traefik cannot reach the container's address, and requests time out (504)",
                service.name,
                list(&proxy_networks),
                service.name,
                list(&networks),
            );
            let mut d = RULE
                .diagnostic(message, Some(label))
                .with_service(service.name.as_str());
            if let Some(network) = proxy_networks.first() {
                // Attached to one more network, the service is on several: the label says
                // which one Traefik must use.
                let label = if networks.is_empty() {
                    String::new()
                } else {
                    format!(", and label it `{}`", network_label(ctx, network))
                };
                d = d.with_help(format!(
                    "attach `{}` to network `{network}`{label}",
                    service.name
                ));
            }
            out.push(d);
            continue;
        }
        // Several networks, some of them not Traefik's, and nothing naming the one to use.
        let unshared: Vec<&String> = networks
            .iter()
            .filter(|n| !proxies.iter().any(|&p| on_network(ctx, p, n)))
            .collect();
        let chooses = proxies
            .iter()
            .any(|&p| names_network(&ctx.project.services[p]));
        if networks.len() > 1 && !unshared.is_empty() && !chooses {
            let shared = networks.iter().find(|n| !unshared.contains(n));
            let message = format!(
                "Traefik routes to `{}`, which is on several networks ({}), but `{proxy_name}` is not on `{}`: nothing names the network Traefik must use (`{NETWORK_LABEL}`), and it may pick that one, where requests time out",
                service.name,
                list(&networks),
                unshared[0],
            );
            let mut d = RULE
                .diagnostic(message, Some(label))
                .with_service(service.name.as_str());
            d.severity = Severity::Warning;
            if let Some(shared) = shared {
                d = d.with_help(format!(
                    "name the network Traefik shares with it: `{}`",
                    network_label(ctx, shared)
                ));
            }
            out.push(d);
        }
    }
    out
}

/// The label that sends Traefik to `network`: it takes the network's Docker name, which
/// Compose prefixes with the project's name unless the network sets `name:`.
fn network_label(ctx: &Context, network: &str) -> String {
    let name = ctx.project.network(network).map_or_else(
        || format!("{}_{network}", ctx.project.name),
        |n| n.name.clone(),
    );
    format!("{NETWORK_LABEL}={name}")
}

/// A Traefik of the project: the `traefik` image (Docker Hub's official one).
fn is_traefik(service: &Service) -> bool {
    service
        .image
        .as_ref()
        .and_then(|i| ImageRef::parse(&i.value))
        .is_some_and(|i| i.path == "traefik")
}

/// Whether Traefik is told to use the host's published ports rather than container
/// addresses (`--providers.docker.useBindPortIP=true`).
fn uses_bind_port_ip(service: &Service) -> bool {
    service
        .command_words()
        .any(|w| w.to_ascii_lowercase().contains("usebindportip"))
}

/// Whether Traefik may be told the network to use: the provider's `network` option, or a
/// mounted file configuration (`traefik.yml`, `/etc/traefik`) that this check does not read.
fn names_network(service: &Service) -> bool {
    service.command_words().any(|w| {
        w.to_ascii_lowercase()
            .starts_with("--providers.docker.network")
    }) || service
        .command_words()
        .any(|w| w.starts_with("--configFile"))
        || service.volumes.iter().any(|m| {
            m.kind == "bind"
                && (m.target.starts_with("/etc/traefik") || m.target.contains("traefik."))
        })
}

/// The label that makes Traefik route to the service: `traefik.enable=true`, or any router
/// or service definition (with the provider's default `exposedByDefault`).
fn routing_label(service: &Service) -> Option<crate::source::Span> {
    let disabled = service
        .labels
        .iter()
        .any(|l| l.key == "traefik.enable" && l.value.value.trim().eq_ignore_ascii_case("false"));
    if disabled {
        return None;
    }
    service
        .labels
        .iter()
        .find(|l| {
            (l.key == "traefik.enable" && l.value.value.trim().eq_ignore_ascii_case("true"))
                || ["traefik.http.", "traefik.tcp.", "traefik.udp."]
                    .iter()
                    .any(|p| l.key.starts_with(p))
        })
        .map(|l| l.span)
}

/// The networks of a service with a network namespace of its own; None for the host's,
/// another container's, or none.
fn own_networks(ctx: &Context, service: usize) -> Option<Vec<String>> {
    match ctx.net.namespace(service) {
        Namespace::Own {
            service: owner,
            networks,
        } if *owner == service => Some(networks.clone()),
        _ => None,
    }
}

fn on_network(ctx: &Context, service: usize, network: &str) -> bool {
    own_networks(ctx, service).is_some_and(|n| n.iter().any(|x| x == network))
}
