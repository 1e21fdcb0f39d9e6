//! Follows each Ollama reference to what answers there and gives it one verdict, the most
//! specific one. The OLL rules word the verdicts; this module decides them.

use crate::compose::model::Project;
use crate::compose::profiles::inactive_answering;
use crate::knowledge::Side;
use crate::knowledge::client::{PathKind, SchemeRule, TrailingSlash};
use crate::knowledge::proxy::{ProxyClient, proxy_var};
use crate::net::{
    BindScope, HostAvailability, HostRoute, Listener, Namespace, Network, Platform, Resolution,
};
use crate::ollama::{OLLAMA, Reference, Servers, Written, container_env};

/// What is wrong with a reference (or `Works`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It reaches an Ollama (or something this tool does not judge).
    Works,
    /// OLL001: loopback in a namespace where no Ollama listens on that port.
    Loopback,
    /// OLL002: `0.0.0.0` / `::` used as a destination.
    Unspecified,
    /// OLL003: through the host to an Ollama service of the project (works, fragile).
    DetourThroughHost { server: usize },
    /// OLL004: `host.docker.internal` without the `host-gateway` mapping, on a platform the
    /// run includes where the name does not resolve. `detour`: an Ollama service of the
    /// project answers there through its published port where the name does resolve.
    HostGatewayUnmapped {
        route: HostRoute,
        detour: Option<usize>,
    },
    /// OLL005: the name resolves to nothing.
    UnknownHost {
        suggestion: Option<Suggestion>,
        maybe_external: bool,
    },
    /// OLL006: the host is right but nothing listens on that port.
    WrongPort {
        server: usize,
        used: u16,
        listening: u16,
        /// The port used is the one the server publishes on the host.
        published_port: bool,
        /// The URL left the port out.
        port_left_out: bool,
    },
    /// OLL006 for the Ollama of another project of the run, reached by name on a network
    /// both use: nothing listens on the port used.
    WrongPortInOtherProject {
        project: String,
        service: String,
        used: u16,
        listening: u16,
        port_left_out: bool,
    },
    /// OLL007: the name exists but the client cannot reach that service's network.
    NoSharedNetwork { server: usize },
    /// OLL008: the Ollama answering there listens on loopback only.
    ServerOnLoopback { server: usize },
    /// OLL009: a path through the host to a project Ollama that publishes nothing there.
    PortNotPublished {
        server: usize,
        /// Published, but on `127.0.0.1` only.
        loopback_only: bool,
    },
    /// OLL010, NET010: a TLS scheme (`https`, `rediss`, `amqps`) to a server that serves
    /// plaintext there (`tls`), or no scheme where an Ollama client needs one.
    WrongScheme { tls: bool },
    /// OLL011: the path does not fit the client.
    WrongPath { expected: PathKind },
    /// OLL015: a proxy variable sends the request to a proxy.
    ProxyIntercepts { proxy_var: String },
    /// OLL016: a URL the browser uses names something only containers can resolve.
    BrowserSide,
    /// OLL014: the app's default (its variable unset, or set to one the image ignores) does
    /// not reach the project's Ollama; `why` is what the default runs into.
    ClientDefaultMisses { why: Box<Verdict> },
}

/// Whether a reference through the Docker host reaches an Ollama installed on the host rather
/// than one of the project's (through a published port or host networking).
pub fn aims_at_host_ollama(reference: &Reference, net: &Network, servers: &Servers) -> bool {
    let port = reference.port();
    matches!(resolve(reference, net), Resolution::Host { .. })
        && through_host(net, servers, port, false).is_none()
}

/// "Did you mean …?" for a name nothing resolves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    /// The port its Ollama listens on; None when it runs no Ollama the tool knows.
    pub port: Option<u16>,
    /// The other project of the run whose service answers to the name, and the network
    /// they share; None for a service of this project.
    pub elsewhere: Option<(String, String)>,
}

/// The server a working or fixable reference is aimed at, when certain: the only Ollama
/// service the client shares a network with.
pub fn sole_reachable_server(
    net: &Network,
    servers: &Servers,
    client: usize,
) -> Option<(usize, String)> {
    let mut found = None;
    // Only services on a network the client shares can be reached by name.
    for i in net
        .neighbours(client)
        .into_iter()
        .filter(|&i| servers.get(i).is_some())
    {
        if i == client {
            continue;
        }
        let name = net.project().services[i].name.clone();
        if let Resolution::Sibling { .. } = net.resolve(client, &name) {
            if found.is_some() {
                return None;
            }
            found = Some((i, name));
        }
    }
    found
}

/// Why a loopback reference most likely means one Ollama server of several it can reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Likely {
    /// The only one the client can reach by name.
    Sole,
    /// The only one of them in the client's `depends_on`.
    DependedOn,
    /// The only one of them that no other reference of the project uses.
    Unused,
}

/// The Ollama server a reference that reaches no Ollama most likely means, among those the
/// client can reach by name, and why: the only one; else the only one it depends on; else the
/// only one that no other service's reference uses (each Ollama of a project is there for
/// someone). None when nothing singles one out.
pub fn likely_server(
    net: &Network,
    servers: &Servers,
    judged: &[(Reference, Verdict)],
    client: usize,
) -> Option<(usize, String, Likely)> {
    if let Some((i, name)) = sole_reachable_server(net, servers, client) {
        return Some((i, name, Likely::Sole));
    }
    let services = &net.project().services;
    let candidates: Vec<usize> = net
        .neighbours(client)
        .into_iter()
        .filter(|&i| i != client && servers.get(i).is_some())
        .filter(|&i| {
            matches!(
                net.resolve(client, &services[i].name),
                Resolution::Sibling { .. }
            )
        })
        .collect();
    let only = |chosen: Vec<usize>| match chosen.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let depended: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| {
            services[client]
                .depends_on
                .iter()
                .any(|d| !d.implicit && d.service == services[i].name)
        })
        .collect();
    if let Some(i) = only(depended) {
        return Some((i, services[i].name.clone(), Likely::DependedOn));
    }
    let used_by_others = |server: usize| {
        judged.iter().any(|(r, _)| {
            r.client != client
                && r.client != server
                && matches!(
                    net.resolve(r.client, &r.url.host),
                    Resolution::Sibling { service, .. } if service == server
                )
        })
    };
    let unused: Vec<usize> = candidates
        .into_iter()
        .filter(|&i| !used_by_others(i))
        .collect();
    only(unused).map(|i| (i, services[i].name.clone(), Likely::Unused))
}

/// Judges one reference.
pub fn judge(
    reference: &Reference,
    net: &Network,
    servers: &Servers,
    platform: Platform,
) -> Verdict {
    let verdict = judge_target(reference, net, servers, platform);
    // An app default beside a project Ollama: the fix is to set the variable, whatever the
    // default runs into. A default that reaches the project's Ollama (through the host, or
    // but for a proxy) is not missing it; its own finding says what to change.
    if matches!(reference.written, Written::AppDefault { .. })
        && servers.any()
        && !matches!(
            verdict,
            Verdict::Works | Verdict::DetourThroughHost { .. } | Verdict::ProxyIntercepts { .. }
        )
    {
        return Verdict::ClientDefaultMisses {
            why: Box::new(verdict),
        };
    }
    verdict
}

fn judge_target(
    reference: &Reference,
    net: &Network,
    servers: &Servers,
    platform: Platform,
) -> Verdict {
    let project = net.project();
    let url = &reference.url;
    let expect = reference.expect;
    let port = reference.port();
    let ollama = reference.kind == OLLAMA;
    let resolution = resolve(reference, net);

    if expect.side == Side::Browser {
        // Names only containers resolve. The literal gateway address is not a name: a
        // browser on a Linux Docker host reaches it.
        return match resolution {
            Resolution::Sibling { .. }
            | Resolution::Unreachable { .. }
            | Resolution::OtherProject { .. } => Verdict::BrowserSide,
            Resolution::Host { route, .. } if route != HostRoute::GatewayAddress => {
                Verdict::BrowserSide
            }
            _ => Verdict::Works,
        };
    }

    // Scheme and path are judged only where an Ollama answers for certain; elsewhere a TLS
    // proxy or a path prefix may be deliberate.
    let aimed_at_ollama = ollama && aimed_at_ollama(net, servers, &resolution, url.port);
    // A TLS scheme (`https`, `rediss`, `amqps`) makes the client open with a TLS handshake.
    let tls = url
        .scheme
        .as_deref()
        .and_then(crate::knowledge::plain_scheme)
        .is_some();
    // Every Ollama serves plaintext (F-OLL-7); another kind's server only where its profile
    // and its settings say so, and only reached straight by name (a host route may lead to
    // anything, a TLS proxy included).
    let plaintext = |server: usize| servers.get(server).is_some_and(|s| ollama || s.plaintext);
    let aimed_at_plaintext = aimed_at_ollama
        || matches!(&resolution, Resolution::Sibling { service, .. }
            if servers.get(*service).is_some_and(|s| s.plaintext && s.listen.port == port));

    // A forward proxy reaches public names; only names and addresses that exist inside Docker
    // (or the client's own loopback) are lost when the request goes through it (F-502-2).
    // Only HTTP clients read the proxy variables.
    let proxy_loses_it = !matches!(resolution, Resolution::External)
        && (ollama || matches!(url.scheme.as_deref(), Some("http" | "https")));
    let verdict = match resolution {
        Resolution::Unspecified(_) => Verdict::Unspecified,
        Resolution::Loopback(namespace) => loopback(
            net,
            servers,
            &namespace,
            port,
            url.port.is_none(),
            reference.kind,
        ),
        Resolution::Sibling { service, .. } => match servers.get(service) {
            None => Verdict::Works,
            Some(server) => {
                let listening = server.listen.port;
                if server.scope_known && server.listen.is_loopback() && service != reference.client
                {
                    Verdict::ServerOnLoopback { server: service }
                } else if server.port_known
                    && port != listening
                    && !server.other_ports.contains(&port)
                {
                    let published_port = project.services[service]
                        .ports
                        .iter()
                        .any(|p| p.mapping.published.as_deref() == Some(&port.to_string()));
                    Verdict::WrongPort {
                        server: service,
                        used: port,
                        listening,
                        published_port,
                        port_left_out: url.port.is_none(),
                    }
                } else {
                    Verdict::Works
                }
            }
        },
        Resolution::OtherProject { provider, .. } => {
            let kind = |l: &&Listener| l.kind == reference.kind;
            match provider.listeners.iter().find(kind) {
                Some(l)
                    if l.scope == BindScope::All
                        && !provider
                            .listeners
                            .iter()
                            .filter(kind)
                            .any(|l| l.port == port) =>
                {
                    Verdict::WrongPortInOtherProject {
                        project: provider.project,
                        service: provider.service,
                        used: port,
                        listening: l.port,
                        port_left_out: url.port.is_none(),
                    }
                }
                // An Ollama that listens on its loopback only refuses the connection; its own
                // project reports that where it is set (OLL008).
                _ => Verdict::Works,
            }
        }
        Resolution::Unreachable { service, .. } => {
            if servers.get(service).is_some() {
                Verdict::NoSharedNetwork { server: service }
            } else {
                Verdict::Works
            }
        }
        Resolution::Host { route, available } => {
            // A name Linux does not resolve fails there whatever answers on Desktop: with
            // Linux in the run, that comes first (a detour that works on Desktop only is no
            // mere detour).
            let unresolved_on_linux = !available.linux && platform != Platform::Desktop;
            match through_host(net, servers, port, false) {
                Some(Verdict::DetourThroughHost { server }) if unresolved_on_linux => {
                    Verdict::HostGatewayUnmapped {
                        route,
                        detour: Some(server),
                    }
                }
                Some(v) => v,
                None if !available.on(platform) => Verdict::HostGatewayUnmapped {
                    route,
                    detour: None,
                },
                None => Verdict::Works,
            }
        }
        Resolution::MappedAddress(_) | Resolution::External => Verdict::Works,
        // A service that only another profile starts answers to the name: the reference is
        // judged in the selections that start it, and no profile is a wiring mistake.
        Resolution::Unknown { .. } if inactive_answering(project, &url.host).next().is_some() => {
            Verdict::Works
        }
        // An `include` file that could not be read may define the name.
        Resolution::Unknown { .. } if project.is_partial() => Verdict::Works,
        // A compose file beside the project's defines it: run together, it resolves.
        Resolution::Unknown { .. } if project.siblings.define(&url.host) => Verdict::Works,
        Resolution::Unknown { maybe_external } => Verdict::UnknownHost {
            suggestion: suggest(net, servers, reference.client, &url.host, reference.kind),
            maybe_external,
        },
    };
    // `https://ollama` without a port goes to 443, `amqps://rabbitmq` to 5671, because of the
    // scheme; `https://qdrant:443` writes that port out. At a server that serves plaintext,
    // the scheme is the mistake (its fix also writes the port).
    let scheme_moved_the_port = match &verdict {
        Verdict::WrongPort {
            server,
            used,
            port_left_out,
            ..
        } => plaintext(*server) && (*port_left_out || *used == reference.scheme_port()),
        Verdict::WrongPortInOtherProject {
            port_left_out: true,
            ..
        } => ollama,
        _ => false,
    };
    if tls && scheme_moved_the_port {
        return Verdict::WrongScheme { tls: true };
    }
    // An address that reaches no Ollama is the first thing to fix. A detour, or a host name
    // only some platforms provide, still reaches one: a wrong scheme or path, which fails
    // everywhere, comes first there.
    let reaches = matches!(
        verdict,
        Verdict::Works | Verdict::DetourThroughHost { .. } | Verdict::HostGatewayUnmapped { .. }
    );
    if !reaches {
        return verdict;
    }
    if tls && aimed_at_plaintext {
        return Verdict::WrongScheme { tls: true };
    }
    if aimed_at_ollama {
        let needs_scheme = matches!(
            expect.scheme,
            SchemeRule::Required | SchemeRule::HttpsIfMissing
        );
        if url.scheme.is_none() && needs_scheme && expect.firm {
            return Verdict::WrongScheme { tls: false };
        }
        if expect.firm && reference_path_fits(reference) == Some(false) {
            return Verdict::WrongPath {
                expected: expect.path,
            };
        }
    }
    if matches!(verdict, Verdict::HostGatewayUnmapped { .. }) {
        return verdict;
    }
    if proxy_loses_it && let Some(proxy) = intercepting_proxy(project, reference) {
        return Verdict::ProxyIntercepts { proxy_var: proxy };
    }
    verdict
}

/// Whether the path fits what the client expects; None when that is not known.
fn reference_path_fits(reference: &Reference) -> Option<bool> {
    let path = reference.url.path.as_str();
    let Some(setting) = reference.setting else {
        return reference.expect.path.accepts(path);
    };
    if let Some(strip) = &setting.strip_suffix
        && path.trim_end_matches('/').ends_with(strip.as_str())
    {
        return Some(true);
    }
    // A trailing `/` matters where the app concatenates (`//api/...`) or cuts at `v1/`.
    match setting.trailing_slash {
        TrailingSlash::Avoid if path.ends_with('/') => return Some(false),
        TrailingSlash::Required if !path.ends_with('/') => return Some(false),
        _ => {}
    }
    let also_fits = setting
        .variants
        .iter()
        .filter(|v| v.when.is_empty() && v.also_accepted)
        .any(|v| v.path.accepts(path) == Some(true));
    if also_fits {
        return Some(true);
    }
    reference.expect.path.accepts(path)
}

/// What the reference's host reaches from its client, as the judge sees it: after the app's
/// own loopback rewrite, if it makes one.
pub fn resolve(reference: &Reference, net: &Network) -> Resolution {
    after_rewrite(
        reference,
        net,
        net.resolve(reference.client, &reference.url.host),
    )
}

/// The app's own loopback rewrite (bolt.diy, OpenMemory): it swaps a loopback host of its
/// container for another name before connecting, so the URL reaches what that name reaches.
fn after_rewrite(reference: &Reference, net: &Network, resolution: Resolution) -> Resolution {
    let Some(rewrite) = reference.loopback_rewrite else {
        return resolution;
    };
    if !matches!(
        resolution,
        Resolution::Loopback(Namespace::Own { .. } | Namespace::DefaultBridge { .. })
    ) {
        return resolution;
    }
    match net.resolve(reference.client, &rewrite.to) {
        // Where the name does not resolve the app falls back to the default gateway, which
        // is the host on every platform.
        Resolution::Host { route, .. } if rewrite.fallback.is_some() => Resolution::Host {
            route,
            available: HostAvailability {
                linux: true,
                desktop: true,
            },
        },
        other => other,
    }
}

/// Whether an Ollama answers at this address for certain: a server service, a namespace
/// where one listens, or a port an Ollama uses (11434, a server's port, a port a server
/// publishes) on the host or in a namespace without a server of the project.
fn aimed_at_ollama(
    net: &Network,
    servers: &Servers,
    resolution: &Resolution,
    written_port: Option<u16>,
) -> bool {
    let ollama_port = |port: Option<u16>| {
        port.is_some_and(|p| {
            p == crate::knowledge::ollama_host::OLLAMA_DEFAULT_PORT
                || servers.ports.contains(&p)
                || net
                    .published_on(p)
                    .iter()
                    .any(|published| servers.get(published.service).is_some())
        })
    };
    match resolution {
        Resolution::Sibling { service, .. } | Resolution::Unreachable { service, .. } => {
            servers.get(*service).is_some()
        }
        Resolution::OtherProject { provider, .. } => {
            provider.listeners.iter().any(|l| l.kind == OLLAMA)
        }
        Resolution::Loopback(
            namespace @ (Namespace::Own { .. } | Namespace::DefaultBridge { .. }),
        ) => !net.listeners_in(namespace, OLLAMA).is_empty() || ollama_port(written_port),
        Resolution::Loopback(_) | Resolution::Host { .. } => ollama_port(written_port),
        Resolution::Unspecified(_)
        | Resolution::Unknown { .. }
        | Resolution::MappedAddress(_)
        | Resolution::External => false,
    }
}

/// Loopback reaches the client's own namespace: an Ollama must listen there.
fn loopback(
    net: &Network,
    servers: &Servers,
    namespace: &Namespace,
    port: u16,
    port_left_out: bool,
    kind: &str,
) -> Verdict {
    match namespace {
        Namespace::Host => {
            // The host's loopback: a port published by a project service, or a host Ollama.
            match through_host(net, servers, port, true) {
                Some(Verdict::DetourThroughHost { .. }) => Verdict::Works,
                Some(Verdict::PortNotPublished {
                    loopback_only: true,
                    ..
                }) => Verdict::Works,
                Some(other) => other,
                None => Verdict::Works,
            }
        }
        Namespace::ForeignContainer(_) | Namespace::Broken => Verdict::Works,
        _ => {
            let listeners = net.listeners_in(namespace, kind);
            if listeners.iter().any(|(_, l)| l.port == port) {
                Verdict::Works
            } else if let Some((server, l)) = listeners.first() {
                if servers.get(*server).is_some_and(|s| !s.port_known) {
                    return Verdict::Works;
                }
                Verdict::WrongPort {
                    server: *server,
                    used: port,
                    listening: l.port,
                    published_port: false,
                    port_left_out,
                }
            } else {
                Verdict::Loopback
            }
        }
    }
}

/// A path through the host to port `port`: what the project publishes there. None when no
/// Ollama service of the project is concerned (the host may run its own Ollama). The project
/// is one profile selection: an Ollama behind a profile the selection leaves out is not
/// there, and the host's own Ollama may answer on that port.
fn through_host(
    net: &Network,
    servers: &Servers,
    port: u16,
    from_host_namespace: bool,
) -> Option<Verdict> {
    // An Ollama service with `network_mode: host` listens on the host itself; the gateway
    // reaches it only when it listens beyond loopback.
    let on_host = |i: &usize| *net.namespace(*i) == Namespace::Host && servers.get(*i).is_some();
    if let Some((server, listener)) =
        servers
            .indices
            .iter()
            .copied()
            .filter(on_host)
            .find_map(|i| {
                net.listeners(i)
                    .iter()
                    .find(|l| l.port == port)
                    .map(|l| (i, l))
            })
    {
        return Some(if listener.scope == BindScope::All || from_host_namespace {
            Verdict::Works
        } else {
            Verdict::ServerOnLoopback { server }
        });
    }
    let published = net.published_on(port);
    let ollama_published: Vec<_> = published
        .iter()
        .filter(|p| {
            servers.get(p.service).is_some()
                && net
                    .listeners(p.service)
                    .iter()
                    .any(|l| l.port as u32 == p.port.mapping.target && l.scope == BindScope::All)
        })
        .collect();
    if let Some(p) = ollama_published.iter().find(|p| !p.loopback_only) {
        return Some(Verdict::DetourThroughHost { server: p.service });
    }
    if let Some(p) = ollama_published.first() {
        return Some(Verdict::PortNotPublished {
            server: p.service,
            loopback_only: true,
        });
    }
    // Published to the port an Ollama listens on, but that Ollama accepts only its own
    // loopback: the forwarded connection is refused.
    if let Some(p) = published.iter().find(|p| {
        net.listeners(p.service)
            .iter()
            .any(|l| l.port as u32 == p.port.mapping.target && l.scope == BindScope::Loopback)
            && servers.get(p.service).is_some()
    }) {
        return Some(Verdict::ServerOnLoopback { server: p.service });
    }
    if !published.is_empty() {
        // Something else of the project answers there; not an Ollama question.
        return None;
    }
    // A project Ollama exists but publishes nothing on this port: the host has nothing there
    // from this project, and the likely intent is that Ollama.
    let server = servers
        .indices
        .iter()
        .copied()
        .find(|i| servers.get(*i).is_some_and(|s| !s.server.is_bundled()) && !on_host(i))?;
    let listen = &servers.get(server)?.listen;
    if listen.port != port && port != servers.default_port {
        return None;
    }
    // Publishing would not help an Ollama that listens on its loopback only.
    Some(if listen.is_loopback() {
        Verdict::ServerOnLoopback { server }
    } else {
        Verdict::PortNotPublished {
            server,
            loopback_only: false,
        }
    })
}

/// The proxy variable that would carry this request, when `NO_PROXY` does not exempt it.
fn intercepting_proxy(project: &Project, reference: &Reference) -> Option<String> {
    let service = &project.services[reference.client];
    let env = container_env(service);
    let scheme = reference.url.scheme.as_deref().unwrap_or("http");
    let proxy = service
        .environment
        .iter()
        .filter(|v| v.value.as_ref().is_some_and(|t| !t.value.trim().is_empty()))
        .find(|v| proxy_var(&v.key).is_some_and(|p| p.kind.applies_to_scheme(scheme)))?;
    // Both common HTTP stacks must skip the proxy for the request to go direct.
    let skipped = ProxyClient::ALL.iter().all(|client| {
        client.skips_proxy(
            client.no_proxy_value(&env),
            &reference.url.host,
            reference.url.port,
        )
    });
    (!skipped).then(|| proxy.key.clone())
}

/// "did you mean …?": the Ollama service whose name is closest to a name that resolves to
/// nothing, then the closest name another project of the run provides on a network the
/// client shares with it.
fn suggest(
    net: &Network,
    servers: &Servers,
    client: usize,
    host: &str,
    kind: &str,
) -> Option<Suggestion> {
    let own = |name: String| {
        let port = net
            .project()
            .service_index
            .get(name.as_str())
            .and_then(|&i| servers.get(i))
            .map(|s| s.listen.port);
        Suggestion {
            name,
            port,
            elsewhere: None,
        }
    };
    if let Some(name) = closest_server(net, servers, client, host) {
        return Some(own(name));
    }
    suggest_in_run(net, client, host, kind)
        .or_else(|| sole_reachable_server(net, servers, client).map(|(_, n)| own(n)))
}

/// The name nearest to `host` that another project of the run provides on a network the
/// client shares with it; one that runs a server of the reference's kind first.
fn suggest_in_run(net: &Network, client: usize, host: &str, kind: &str) -> Option<Suggestion> {
    let run = net.run()?;
    let own = net.project().name.as_str();
    let mut provided: Vec<(&str, crate::shared_networks::Provider, &str)> = Vec::new();
    for network in net.shared_networks(client) {
        provided.extend(run.names_on(network, own).map(|(n, p)| (n, p, network)));
    }
    let ollama = |p: &crate::shared_networks::Provider| {
        p.listeners
            .iter()
            .find(|l| l.kind == kind && l.scope == BindScope::All)
            .map(|l| l.port)
    };
    let servers: Vec<&str> = provided
        .iter()
        .filter(|(_, p, _)| ollama(p).is_some())
        .map(|(n, _, _)| *n)
        .collect();
    let everything: Vec<&str> = provided.iter().map(|(n, _, _)| *n).collect();
    let name = crate::names::closest(host, &servers)
        .or_else(|| crate::names::closest(host, &everything))?;
    let (_, provider, network) = provided.iter().find(|(n, _, _)| *n == name)?;
    Some(Suggestion {
        name: name.to_string(),
        port: ollama(provider),
        elsewhere: Some((provider.project.clone(), network.to_string())),
    })
}

/// The Ollama service of the project whose name is a near miss of `host`: among those the
/// client reaches first.
fn closest_server(net: &Network, servers: &Servers, client: usize, host: &str) -> Option<String> {
    let project = net.project();
    // Near misses among the servers the client could reach first, so a large project does not
    // compare every typo with every server.
    let reachable: Vec<&str> = net
        .neighbours(client)
        .into_iter()
        .filter(|&i| servers.get(i).is_some())
        .map(|i| project.services[i].name.as_str())
        .collect();
    if let Some(name) = crate::names::closest(host, &reachable) {
        return Some(name.to_string());
    }
    let names: Vec<&str> = servers
        .indices
        .iter()
        .map(|&i| project.services[i].name.as_str())
        .collect();
    crate::names::closest(host, &names).map(str::to_string)
}
