//! Follows each Ollama reference to what answers there and gives it one verdict, the most
//! specific one. The OLL rules word the verdicts; this module decides them.

use crate::compose::model::Project;
use crate::knowledge::Side;
use crate::knowledge::client::{PathKind, SchemeRule};
use crate::knowledge::proxy::{ProxyClient, proxy_var};
use crate::net::{
    BindScope, HostAvailability, HostRoute, Namespace, Network, Platform, Resolution,
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
    /// OLL004: `host.docker.internal` without the `host-gateway` mapping (a host Ollama).
    HostGatewayUnmapped { route: HostRoute },
    /// OLL005: the name resolves to nothing.
    UnknownHost {
        suggestion: Option<String>,
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
    /// OLL010: `https://` to Ollama, or no scheme where the client needs one.
    WrongScheme { https: bool },
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

/// The server a working or fixable reference is aimed at, when certain: the only Ollama
/// service the client shares a network with.
pub fn sole_reachable_server(
    net: &Network,
    servers: &Servers,
    client: usize,
) -> Option<(usize, String)> {
    let mut found = None;
    for (i, _) in servers
        .by_service
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_some())
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
    let port = url.effective_port(expect.scheme);
    let resolution = after_rewrite(reference, net, net.resolve(reference.client, &url.host));

    if expect.side == Side::Browser {
        // Names only containers resolve. The literal gateway address is not a name: a
        // browser on a Linux Docker host reaches it.
        return match resolution {
            Resolution::Sibling { .. } | Resolution::Unreachable { .. } => Verdict::BrowserSide,
            Resolution::Host { route, .. } if route != HostRoute::GatewayAddress => {
                Verdict::BrowserSide
            }
            _ => Verdict::Works,
        };
    }

    let aimed_at_ollama = match &resolution {
        Resolution::Sibling { service, .. } | Resolution::Unreachable { service, .. } => {
            servers.get(*service).is_some()
        }
        Resolution::External | Resolution::MappedAddress(_) => false,
        _ => true,
    };
    if aimed_at_ollama {
        if url.scheme.as_deref() == Some("https") {
            return Verdict::WrongScheme { https: true };
        }
        if url.scheme.is_none() && expect.scheme == SchemeRule::Required && expect.firm {
            return Verdict::WrongScheme { https: false };
        }
    }

    // A forward proxy reaches public names; only names and addresses that exist inside Docker
    // (or the client's own loopback) are lost when the request goes through it (F-502-2).
    let proxy_loses_it = !matches!(resolution, Resolution::External);
    let verdict = match resolution {
        Resolution::Unspecified(_) => Verdict::Unspecified,
        Resolution::Loopback(namespace) => {
            loopback(net, servers, reference.client, &namespace, port)
        }
        Resolution::Sibling { service, .. } => match servers.get(service) {
            None => Verdict::Works,
            Some(server) => {
                let listening = server.listen.port;
                if server.listen.is_loopback() && service != reference.client {
                    Verdict::ServerOnLoopback { server: service }
                } else if port != listening {
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
        Resolution::Unreachable { service, .. } => {
            if servers.get(service).is_some() {
                Verdict::NoSharedNetwork { server: service }
            } else {
                Verdict::Works
            }
        }
        Resolution::Host { route, available } => {
            match through_host(net, servers, reference.client, port) {
                Some(v) => v,
                None if !available.on(platform) => Verdict::HostGatewayUnmapped { route },
                None => Verdict::Works,
            }
        }
        Resolution::MappedAddress(_) | Resolution::External => Verdict::Works,
        Resolution::Unknown { maybe_external } => Verdict::UnknownHost {
            suggestion: suggest_server(net, servers, reference.client, &url.host),
            maybe_external,
        },
    };
    if verdict != Verdict::Works && !matches!(verdict, Verdict::DetourThroughHost { .. }) {
        return verdict;
    }
    if aimed_at_ollama && expect.firm && reference_path_fits(reference) == Some(false) {
        return Verdict::WrongPath {
            expected: expect.path,
        };
    }
    if proxy_loses_it && let Some(proxy) = intercepting_proxy(project, reference) {
        return Verdict::ProxyIntercepts { proxy_var: proxy };
    }
    verdict
}

/// Whether the path fits what the client expects; None when that is not known.
fn reference_path_fits(reference: &Reference) -> Option<bool> {
    let path = reference.url.path.as_str();
    if let (Some(profile), Some(setting)) = (reference.profile, reference.setting) {
        let _ = profile;
        if let Some(strip) = &setting.strip_suffix {
            let trimmed = path.trim_end_matches('/');
            if trimmed.ends_with(strip.as_str()) {
                return Some(true);
            }
        }
    }
    reference.expect.path.accepts(path)
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

/// Whether service `server` runs whenever `client` does: it has no profile (or the empty
/// one, which Compose enables by default), or every profile that starts the client starts
/// it too.
fn runs_with(net: &Network, server: usize, client: usize) -> bool {
    let services = &net.project().services;
    let profiles = |i: usize| -> Vec<&str> {
        services
            .get(i)
            .map(|s| s.profiles.iter().map(|p| p.value.as_str()).collect())
            .unwrap_or_default()
    };
    let of_server = profiles(server);
    if of_server.is_empty() || of_server.contains(&"") {
        return true;
    }
    let of_client = profiles(client);
    !of_client.is_empty() && of_client.iter().all(|p| of_server.contains(p))
}

/// Loopback reaches the client's own namespace: an Ollama must listen there.
fn loopback(
    net: &Network,
    servers: &Servers,
    client: usize,
    namespace: &Namespace,
    port: u16,
) -> Verdict {
    match namespace {
        Namespace::Host => {
            // The host's loopback: a port published by a project service, or a host Ollama.
            match through_host(net, servers, client, port) {
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
            let listeners = net.listeners_in(namespace, OLLAMA);
            if listeners.iter().any(|(_, l)| l.port == port) {
                Verdict::Works
            } else if let Some((server, l)) = listeners.first() {
                Verdict::WrongPort {
                    server: *server,
                    used: port,
                    listening: l.port,
                    published_port: false,
                    port_left_out: false,
                }
            } else {
                Verdict::Loopback
            }
        }
    }
}

/// A path through the host to port `port`: what the project publishes there. None when no
/// Ollama service of the project is concerned (the host may run its own Ollama).
///
/// Only services that run whenever the client runs count: an Ollama behind a profile the
/// client does not need (`--profile with-ollama`) is absent in the default setup, where the
/// host's own Ollama answers on that port.
fn through_host(net: &Network, servers: &Servers, client: usize, port: u16) -> Option<Verdict> {
    let mut published = net.published_on(port);
    published.retain(|p| runs_with(net, p.service, client));
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
    if !published.is_empty() {
        // Something else of the project answers there; not an Ollama question.
        return None;
    }
    // A project Ollama exists but publishes nothing on this port: the host has nothing there
    // from this project, and the likely intent is that Ollama.
    let server = (0..servers.by_service.len()).find(|&i| {
        servers.get(i).is_some_and(|s| !s.server.is_bundled()) && runs_with(net, i, client)
    })?;
    let listening = servers.get(server)?.listen.port;
    (listening == port || port == crate::knowledge::ollama_host::OLLAMA_DEFAULT_PORT).then_some(
        Verdict::PortNotPublished {
            server,
            loopback_only: false,
        },
    )
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
/// nothing.
fn suggest_server(net: &Network, servers: &Servers, client: usize, host: &str) -> Option<String> {
    let project = net.project();
    let names: Vec<&str> = project
        .services
        .iter()
        .enumerate()
        .filter(|(i, _)| servers.get(*i).is_some())
        .map(|(_, s)| s.name.as_str())
        .collect();
    crate::names::closest(host, &names)
        .map(str::to_string)
        .or_else(|| sole_reachable_server(net, servers, client).map(|(_, n)| n))
}
