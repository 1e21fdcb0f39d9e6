//! Docker networking as seen from one container: what a host name reaches, and what listens
//! on a port there. Knows Docker and Compose, nothing about Ollama: which services run which
//! servers comes in through [`ServerCatalog`].

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use crate::compose::model::{Port, Project, Service};
use crate::compose::ports::{BindAddress, HostPorts};
use crate::shared_networks::{Provider, SharedNetworks};

/// Which Docker the project must work on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Platform {
    /// Both: what works on only one is reported.
    #[default]
    Any,
    /// Docker Engine on Linux.
    Linux,
    /// Docker Desktop (macOS, Windows).
    Desktop,
}

/// The network namespace a container lives in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Namespace {
    /// Its own, attached to these compose networks (keys of the top-level `networks:`).
    Own {
        service: usize,
        networks: Vec<String>,
    },
    /// The host's (`network_mode: host`).
    Host,
    /// Docker's default `bridge` network (`network_mode: bridge`): no name resolution.
    DefaultBridge { service: usize },
    /// No network at all (`network_mode: none`).
    Disconnected,
    /// Another container's, outside the project (`network_mode: container:NAME`).
    ForeignContainer(String),
    /// `network_mode: service:X` naming no service, or a chain that loops.
    Broken,
}

/// How a name reaches a sibling service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    ServiceName,
    ContainerName,
    NetworkAlias,
    LinkAlias,
}

/// How a host name or address reaches the Docker host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostRoute {
    /// `host.docker.internal` (or `gateway.docker.internal`).
    DockerInternal,
    /// `host.containers.internal` (Podman's name).
    ContainersInternal,
    /// The literal default-bridge gateway, `172.17.0.1`.
    GatewayAddress,
    /// A name that `extra_hosts` maps to `host-gateway`.
    ExtraHostGateway,
}

/// Whether a route to the host exists on each platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostAvailability {
    pub linux: bool,
    pub desktop: bool,
}

impl HostAvailability {
    pub fn on(&self, platform: Platform) -> bool {
        match platform {
            Platform::Any => self.linux && self.desktop,
            Platform::Linux => self.linux,
            Platform::Desktop => self.desktop,
        }
    }
}

/// What a host name (or address) in a URL reaches from a client container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Loopback: the client's own namespace (which may be the host's or another service's).
    Loopback(Namespace),
    /// `0.0.0.0` / `::`: a bind address, not a destination; Linux connects to the client's
    /// own namespace.
    Unspecified(Namespace),
    /// A service of the project, on a network both share.
    Sibling {
        service: usize,
        kind: NameKind,
        network: String,
    },
    /// A service of another project of the run, on a network both use.
    OtherProject { provider: Provider, network: String },
    /// A name of a service that the client cannot reach: no shared network, or the client's
    /// `network_mode` keeps it off the project's networks.
    Unreachable { service: usize, kind: NameKind },
    /// The Docker host.
    Host {
        route: HostRoute,
        available: HostAvailability,
    },
    /// `extra_hosts` maps the name to a fixed address.
    MappedAddress(String),
    /// A name outside the project (a domain, an IP address): not judged.
    External,
    /// A single-label name nothing resolves. `maybe_external` when the client sits on an
    /// external network, where the name may belong to another project: one whose creator
    /// the run does not hold (the run knows every name on the others).
    Unknown { maybe_external: bool },
}

/// Where a listener accepts connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindScope {
    /// Only the namespace's loopback.
    Loopback,
    /// Every interface.
    All,
}

/// A server listening in a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// The server kind, e.g. `ollama`.
    pub kind: &'static str,
    pub port: u16,
    pub scope: BindScope,
}

/// Tells the engine which servers each service runs (data, e.g. the Ollama profile).
pub trait ServerCatalog {
    /// The servers service number `index` of the project runs.
    fn listeners(&self, index: usize, service: &Service) -> Vec<Listener>;
}

/// A port published on the host, and the service and container port behind it.
#[derive(Clone, Debug)]
pub struct Published<'p> {
    pub service: usize,
    pub port: &'p Port,
    /// Bound to host loopback only (`127.0.0.1:…`): not reachable through the gateway on
    /// Linux.
    pub loopback_only: bool,
}

/// The networking facts of one project, indexed once.
pub struct Network<'p> {
    project: &'p Project,
    namespaces: Vec<Namespace>,
    /// DNS names → (service, kind, network the name is valid on; None = every network of
    /// the service).
    names: HashMap<String, Vec<(usize, NameKind, Option<String>)>>,
    listeners: Vec<Vec<Listener>>,
    /// Host port (tcp) → the mappings that publish it.
    published: HashMap<u16, Vec<(usize, usize)>>,
    external_networks: Vec<String>,
    /// Owner of an own namespace → the services in it (itself and `network_mode: service:`).
    members_of: HashMap<usize, Vec<usize>>,
    /// Network key → the services attached to it.
    attached: HashMap<String, Vec<usize>>,
    /// The networks this project shares with the other projects of the run.
    run: Option<&'p SharedNetworks>,
}

const LOOPBACK_NAMES: [&str; 3] = ["localhost", "localhost.localdomain", "ip6-localhost"];

/// Whether `host` (a name or an address, IPv6 in brackets or not) is the loopback of whoever
/// dials it.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        || LOOPBACK_NAMES.contains(&host.as_str())
}

impl<'p> Network<'p> {
    pub fn new(project: &'p Project, catalog: &dyn ServerCatalog) -> Self {
        let namespaces: Vec<Namespace> = (0..project.services.len())
            .map(|i| namespace_of(project, i))
            .collect();
        let mut names: HashMap<String, Vec<(usize, NameKind, Option<String>)>> = HashMap::new();
        for (i, s) in project.services.iter().enumerate() {
            names.entry(s.name.to_ascii_lowercase()).or_default().push((
                i,
                NameKind::ServiceName,
                None,
            ));
            if let Some(c) = &s.container_name {
                names
                    .entry(c.value.to_ascii_lowercase())
                    .or_default()
                    .push((i, NameKind::ContainerName, None));
            } else if !project.from_commands && !project.name.is_empty() {
                // Compose names each container `<project>-<service>-<n>`, and `_` instead of
                // `-` under `--compatibility` (Umbrel's apps use `<app>_<service>_1`);
                // Docker's DNS answers to a container's name on its networks. Named replicas
                // beyond a few are left out: nobody writes `app-web-57`.
                let replicas = s.replicas.as_ref().map_or(1, |r| r.value).clamp(1, 9);
                for n in 1..=replicas {
                    for sep in ['-', '_'] {
                        names
                            .entry(
                                format!("{}{sep}{}{sep}{n}", project.name, s.name)
                                    .to_ascii_lowercase(),
                            )
                            .or_default()
                            .push((i, NameKind::ContainerName, None));
                    }
                }
            }
            for n in &s.networks {
                for alias in &n.aliases {
                    names
                        .entry(alias.value.to_ascii_lowercase())
                        .or_default()
                        .push((i, NameKind::NetworkAlias, Some(n.name.clone())));
                }
            }
        }
        let mut published: HashMap<u16, Vec<(usize, usize)>> = HashMap::new();
        for (i, s) in project.services.iter().enumerate() {
            // Docker discards `ports:` under host networking.
            if s.network_mode.as_ref().is_some_and(|m| m.value == "host") {
                continue;
            }
            for (j, p) in s.ports.iter().enumerate() {
                let Some(binding) = p.mapping.host_binding() else {
                    continue;
                };
                if binding.protocol != "tcp" {
                    continue;
                }
                if let HostPorts::Fixed(port) = binding.ports {
                    published.entry(port).or_default().push((i, j));
                }
            }
        }
        let listeners = project
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| catalog.listeners(i, s))
            .collect();
        // External networks, and networks a service uses that the project does not declare
        // (CMP010): a platform such as Umbrel or Runtipi provides those, with containers of
        // other apps on them.
        let mut external_networks: Vec<String> = project
            .networks
            .iter()
            .filter(|n| n.external)
            .map(|n| n.key.clone())
            .collect();
        let declared: std::collections::HashSet<&str> =
            project.networks.iter().map(|n| n.key.as_str()).collect();
        for service in &project.services {
            for network in &service.networks {
                if network.span.is_some()
                    && !declared.contains(network.name.as_str())
                    && !external_networks.contains(&network.name)
                {
                    external_networks.push(network.name.clone());
                }
            }
        }
        let mut members_of: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, namespace) in namespaces.iter().enumerate() {
            if let Namespace::Own { service, .. } | Namespace::DefaultBridge { service } = namespace
            {
                members_of.entry(*service).or_default().push(i);
            }
        }
        let mut attached: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, namespace) in namespaces.iter().enumerate() {
            if let Namespace::Own { networks, .. } = namespace
                && project.services[i].network_mode.is_none()
            {
                for network in networks {
                    attached.entry(network.clone()).or_default().push(i);
                }
            }
        }
        Network {
            project,
            members_of,
            attached,
            namespaces,
            names,
            listeners,
            published,
            external_networks,
            run: None,
        }
    }

    /// Names the other projects of the run provide on the networks this one shares with
    /// them resolve too.
    pub fn with_run(mut self, run: &'p SharedNetworks) -> Self {
        self.run = Some(run);
        self
    }

    /// The engine's name of the network with key `key` (an undeclared one goes by its key).
    pub fn engine_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.project.network(key).map_or(key, |n| n.name.as_str())
    }

    /// The networks of the run's directory the client is on, by engine name.
    pub fn shared_networks(&self, client: usize) -> Vec<&str> {
        match (&self.namespaces[client], self.run) {
            (Namespace::Own { networks, .. }, Some(_)) => {
                networks.iter().map(|n| self.engine_name(n)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The run's directory, when linting sees the other projects of the run.
    pub fn run(&self) -> Option<&'p SharedNetworks> {
        self.run
    }

    pub fn project(&self) -> &'p Project {
        self.project
    }

    pub fn namespace(&self, service: usize) -> &Namespace {
        &self.namespaces[service]
    }

    /// The services that share a network with `client` (itself excluded), each once: the
    /// only ones it can reach by name.
    pub fn neighbours(&self, client: usize) -> Vec<usize> {
        let Namespace::Own { networks, .. } = &self.namespaces[client] else {
            return Vec::new();
        };
        let mut out: Vec<usize> = networks
            .iter()
            .flat_map(|n| self.attached.get(n).into_iter().flatten().copied())
            .filter(|&i| i != client)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The servers a service runs.
    pub fn listeners(&self, service: usize) -> &[Listener] {
        &self.listeners[service]
    }

    /// Services that run a server of `kind`.
    pub fn servers(&self, kind: &str) -> impl Iterator<Item = usize> + '_ {
        let kind = kind.to_string();
        (0..self.listeners.len()).filter(move |&i| self.listeners[i].iter().any(|l| l.kind == kind))
    }

    /// The services whose own namespace `namespace` is: for `Own`, that service plus every
    /// service that shares it with `network_mode: service:…`.
    pub fn members(&self, namespace: &Namespace) -> Vec<usize> {
        match namespace {
            // Services sharing a namespace all name its owner: look the owner's group up.
            Namespace::Own { service, .. } | Namespace::DefaultBridge { service } => {
                self.members_of.get(service).cloned().unwrap_or_default()
            }
            other => (0..self.namespaces.len())
                .filter(|&i| &self.namespaces[i] == other)
                .collect(),
        }
    }

    /// Listeners of `kind` in a namespace, on `port` (any port when None).
    pub fn listeners_in(&self, namespace: &Namespace, kind: &str) -> Vec<(usize, &Listener)> {
        self.members(namespace)
            .into_iter()
            .flat_map(|i| self.listeners[i].iter().map(move |l| (i, l)))
            .filter(|(_, l)| l.kind == kind)
            .collect()
    }

    /// Mappings that publish host port `port` (tcp).
    pub fn published_on(&self, port: u16) -> Vec<Published<'p>> {
        self.published
            .get(&port)
            .into_iter()
            .flatten()
            .map(|&(i, j)| {
                let p = &self.project.services[i].ports[j];
                let loopback_only = matches!(
                    p.mapping.host_binding().map(|b| b.address),
                    Some(BindAddress::Ip(ip)) if ip.is_loopback()
                );
                Published {
                    service: i,
                    port: p,
                    loopback_only,
                }
            })
            .collect()
    }

    /// What `host` reaches from `client`.
    pub fn resolve(&self, client: usize, host: &str) -> Resolution {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let namespace = self.namespaces[client].clone();
        if let Ok(ip) = host.parse::<IpAddr>() {
            if ip.is_loopback() {
                return Resolution::Loopback(namespace);
            }
            if ip.is_unspecified() {
                return Resolution::Unspecified(namespace);
            }
        }
        if LOOPBACK_NAMES.contains(&host.as_str()) {
            return Resolution::Loopback(namespace);
        }
        let service = &self.project.services[client];
        let mapped_gateway = |name: &str| {
            service
                .extra_hosts
                .iter()
                .any(|h| h.value.host.eq_ignore_ascii_case(name) && h.value.is_host_gateway())
        };
        if let Some(h) = service
            .extra_hosts
            .iter()
            .find(|h| h.value.host.eq_ignore_ascii_case(&host))
        {
            if h.value.is_host_gateway() {
                let route = match host.as_str() {
                    "host.docker.internal" | "gateway.docker.internal" => HostRoute::DockerInternal,
                    "host.containers.internal" => HostRoute::ContainersInternal,
                    _ => HostRoute::ExtraHostGateway,
                };
                return Resolution::Host {
                    route,
                    available: HostAvailability {
                        linux: true,
                        desktop: true,
                    },
                };
            }
            return match h.value.ip.parse::<IpAddr>() {
                Ok(ip) if ip.is_loopback() => Resolution::Loopback(namespace),
                Ok(IpAddr::V4(ip)) if ip == DOCKER0_GATEWAY => Resolution::Host {
                    route: HostRoute::GatewayAddress,
                    available: HostAvailability {
                        linux: true,
                        desktop: false,
                    },
                },
                _ => Resolution::MappedAddress(h.value.ip.clone()),
            };
        }
        match host.as_str() {
            "host.docker.internal" | "gateway.docker.internal" => {
                return Resolution::Host {
                    route: HostRoute::DockerInternal,
                    available: HostAvailability {
                        linux: mapped_gateway(&host),
                        desktop: true,
                    },
                };
            }
            "host.containers.internal" => {
                // Podman's name: Docker provides it on no platform unless mapped.
                return Resolution::Host {
                    route: HostRoute::ContainersInternal,
                    available: HostAvailability {
                        linux: false,
                        desktop: false,
                    },
                };
            }
            _ => {}
        }
        if let Ok(IpAddr::V4(ip)) = host.parse::<IpAddr>() {
            if ip == DOCKER0_GATEWAY {
                return Resolution::Host {
                    route: HostRoute::GatewayAddress,
                    available: HostAvailability {
                        linux: true,
                        desktop: false,
                    },
                };
            }
            return Resolution::External;
        }
        if host.parse::<IpAddr>().is_ok() || host.contains('.') {
            return Resolution::External;
        }
        self.resolve_name(client, &host, &namespace)
    }

    fn resolve_name(&self, client: usize, host: &str, namespace: &Namespace) -> Resolution {
        let service = &self.project.services[client];
        // A `links` alias names the linked service for the linking container only.
        let link = service
            .links
            .iter()
            .find(|l| {
                l.alias
                    .as_deref()
                    .unwrap_or(&l.service)
                    .eq_ignore_ascii_case(host)
            })
            .and_then(|l| {
                self.project
                    .services
                    .iter()
                    .position(|s| s.name == l.service)
            })
            .map(|i| (i, NameKind::LinkAlias, None));
        let mut candidates: Vec<(usize, NameKind, Option<String>)> =
            self.names.get(host).cloned().unwrap_or_default();
        candidates.extend(link);
        if candidates.is_empty() {
            return self.resolve_in_run(client, host, namespace);
        }
        let client_networks: &[String] = match namespace {
            Namespace::Own { networks, .. } => networks,
            _ => &[],
        };
        for (target, kind, only_on) in &candidates {
            // A legacy link is what makes a name resolve on Docker's default bridge, between
            // two containers on it.
            if *kind == NameKind::LinkAlias
                && matches!(namespace, Namespace::DefaultBridge { .. })
                && matches!(self.namespaces[*target], Namespace::DefaultBridge { .. })
            {
                return Resolution::Sibling {
                    service: *target,
                    kind: *kind,
                    network: "bridge".to_string(),
                };
            }
            let target_networks = match &self.namespaces[*target] {
                Namespace::Own { networks, .. } => networks.as_slice(),
                _ => &[],
            };
            let shared = client_networks
                .iter()
                .find(|n| target_networks.contains(n) && only_on.as_ref().is_none_or(|o| o == *n));
            if let Some(network) = shared {
                return Resolution::Sibling {
                    service: *target,
                    kind: *kind,
                    network: network.clone(),
                };
            }
        }
        let (service, kind, _) = candidates[0].clone();
        let _ = client;
        Resolution::Unreachable { service, kind }
    }

    /// A name nothing of the project provides: another project of the run may, on a network
    /// the client shares with it.
    fn resolve_in_run(&self, client: usize, host: &str, namespace: &Namespace) -> Resolution {
        let own = self.project.name.as_str();
        if let Some(run) = self.run {
            for network in self.shared_networks(client) {
                if let Some(provider) = run.provider(network, host, own) {
                    return Resolution::OtherProject {
                        provider,
                        network: network.to_string(),
                    };
                }
            }
        }
        // An external network whose creator the run holds has no names the run does not know.
        let unknown_external = |key: &String| {
            self.external_networks.contains(key)
                && self
                    .run
                    .is_none_or(|run| !run.settled(self.engine_name(key), own))
        };
        let maybe_external = match namespace {
            Namespace::Own { networks, .. } => networks.iter().any(unknown_external),
            _ => false,
        };
        Resolution::Unknown { maybe_external }
    }
}

/// Docker's default bridge gateway on Linux (`docker0`), what `host-gateway` usually is.
pub const DOCKER0_GATEWAY: Ipv4Addr = Ipv4Addr::new(172, 17, 0, 1);

/// The namespace of service `i`, following `network_mode: service:X` chains.
pub(crate) fn namespace_of(project: &Project, i: usize) -> Namespace {
    let mut current = i;
    for _ in 0..=project.services.len() {
        let s = &project.services[current];
        let Some(mode) = &s.network_mode else {
            return Namespace::Own {
                service: current,
                networks: s.networks.iter().map(|n| n.name.clone()).collect(),
            };
        };
        let mode = mode.value.as_str();
        match mode {
            "host" => return Namespace::Host,
            "none" | "disabled" => return Namespace::Disconnected,
            "bridge" | "default" => return Namespace::DefaultBridge { service: current },
            _ => {}
        }
        if let Some(target) = mode.strip_prefix("service:") {
            match project.service_index.get(target) {
                Some(&t) => {
                    current = t;
                    continue;
                }
                None => return Namespace::Broken,
            }
        }
        if let Some(container) = mode.strip_prefix("container:") {
            // A container of the project named by its container_name is that service.
            if let Some(t) = project.services.iter().position(|s| {
                s.container_name
                    .as_ref()
                    .is_some_and(|c| c.value == container)
            }) {
                current = t;
                continue;
            }
            return Namespace::ForeignContainer(container.to_string());
        }
        // Any other value names a network (`network_mode: mynet`), as the engine reads it.
        return Namespace::Own {
            service: current,
            networks: vec![mode.to_string()],
        };
    }
    Namespace::Broken
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::load::{LoadOptions, load_project};
    use crate::fs::MemFs;
    use std::path::PathBuf;

    struct NoServers;
    impl ServerCatalog for NoServers {
        fn listeners(&self, _: usize, _: &Service) -> Vec<Listener> {
            Vec::new()
        }
    }

    fn project(yaml: &str) -> Project {
        let mut fs = MemFs::new();
        fs.insert("/p/compose.yaml", yaml);
        load_project(
            &fs,
            &[PathBuf::from("/p/compose.yaml")],
            &LoadOptions::default(),
        )
        .unwrap()
        .0
    }

    fn idx(p: &Project, name: &str) -> usize {
        p.services.iter().position(|s| s.name == name).unwrap()
    }

    #[test]
    fn names_resolve_on_shared_networks_only() {
        let p = project(
            "services:\n  ollama:\n    image: ollama/ollama\n    container_name: llm\n    networks:\n      back:\n        aliases: [brain]\n  ui:\n    image: ui\n    networks: [back]\n  lonely:\n    image: x\nnetworks:\n  back: {}\n",
        );
        let net = Network::new(&p, &NoServers);
        let ui = idx(&p, "ui");
        let ollama = idx(&p, "ollama");
        for (name, kind) in [
            ("ollama", NameKind::ServiceName),
            ("LLM", NameKind::ContainerName),
            ("brain", NameKind::NetworkAlias),
        ] {
            assert_eq!(
                net.resolve(ui, name),
                Resolution::Sibling {
                    service: ollama,
                    kind,
                    network: "back".into()
                },
                "{name}"
            );
        }
        assert_eq!(
            net.resolve(idx(&p, "lonely"), "ollama"),
            Resolution::Unreachable {
                service: ollama,
                kind: NameKind::ServiceName
            }
        );
        assert_eq!(
            net.resolve(ui, "olama"),
            Resolution::Unknown {
                maybe_external: false
            }
        );
        assert_eq!(net.resolve(ui, "api.openai.com"), Resolution::External);
    }

    #[test]
    fn loopback_and_unspecified_mean_the_clients_namespace() {
        let p = project(
            "services:\n  ollama:\n    image: ollama/ollama\n  side:\n    image: x\n    network_mode: service:ollama\n  hosty:\n    image: x\n    network_mode: host\n",
        );
        let net = Network::new(&p, &NoServers);
        let ollama = idx(&p, "ollama");
        assert_eq!(
            net.resolve(idx(&p, "side"), "localhost"),
            Resolution::Loopback(Namespace::Own {
                service: ollama,
                networks: vec!["default".into()]
            })
        );
        assert_eq!(
            net.resolve(idx(&p, "hosty"), "127.0.0.1"),
            Resolution::Loopback(Namespace::Host)
        );
        assert!(matches!(
            net.resolve(ollama, "0.0.0.0"),
            Resolution::Unspecified(_)
        ));
        assert!(matches!(
            net.resolve(ollama, "[::1]"),
            Resolution::Loopback(_)
        ));
    }

    #[test]
    fn the_host_needs_a_mapping_on_linux() {
        let p = project(
            "services:\n  a:\n    image: x\n  b:\n    image: x\n    extra_hosts: [\"host.docker.internal:host-gateway\"]\n",
        );
        let net = Network::new(&p, &NoServers);
        let Resolution::Host { available, .. } = net.resolve(idx(&p, "a"), "host.docker.internal")
        else {
            panic!()
        };
        assert_eq!(
            available,
            HostAvailability {
                linux: false,
                desktop: true
            }
        );
        let Resolution::Host { available, .. } = net.resolve(idx(&p, "b"), "host.docker.internal")
        else {
            panic!()
        };
        assert!(available.on(Platform::Any));
        assert!(matches!(
            net.resolve(idx(&p, "a"), "172.17.0.1"),
            Resolution::Host {
                route: HostRoute::GatewayAddress,
                ..
            }
        ));
        assert_eq!(
            net.resolve(idx(&p, "a"), "host-gateway"),
            Resolution::Unknown {
                maybe_external: false
            }
        );
    }

    #[test]
    fn published_ports_are_indexed() {
        let p = project(
            "services:\n  ollama:\n    image: ollama/ollama\n    ports: [\"127.0.0.1:11434:11434\", \"8080:80\"]\n",
        );
        let net = Network::new(&p, &NoServers);
        let published = net.published_on(11434);
        assert_eq!(published.len(), 1);
        assert!(published[0].loopback_only);
        assert!(net.published_on(80).is_empty());
        assert!(!net.published_on(8080)[0].loopback_only);
    }
}
