//! The networks the projects of one run share: which names the containers of each project
//! answer to on a network another project joins (`external: true`, or a `name:` both use),
//! and which project creates it. Built once, after every project of the run is loaded and
//! before any is linted, so that a name one project provides resolves in another.
//!
//! Two projects with the same name are one Compose project (overlay files over one base,
//! alternatives of each other), never neighbours: what one provides is not looked up for
//! the other.

use std::collections::{HashMap, HashSet};

use crate::compose::model::Project;
use crate::net::{Listener, NameKind, Namespace, ServerCatalog, namespace_of};

/// What one project of the run puts on the networks it uses: collected from each project on
/// its own (in parallel), then joined into [`SharedNetworks`].
#[derive(Debug, Default)]
pub struct Contribution {
    project: String,
    /// Engine network name → whether this project creates it, and its services there.
    networks: Vec<(String, NetworkUse)>,
    /// Read in part: it may use networks, or provide names, that are not known.
    partial: bool,
}

#[derive(Debug, Default)]
struct NetworkUse {
    /// Declared here, not `external`: the project creates it.
    creates: bool,
    services: Vec<ServiceOnNetwork>,
}

#[derive(Debug)]
struct ServiceOnNetwork {
    service: String,
    /// The DNS names it answers to there (lowercase) and how it got each.
    names: Vec<(String, NameKind)>,
    listeners: Vec<Listener>,
}

impl Contribution {
    /// What `project` provides and uses; `catalog` says which servers its services run.
    pub fn of(project: &Project, catalog: &dyn ServerCatalog) -> Contribution {
        let mut networks: Vec<(String, NetworkUse)> = Vec::new();
        // Network key → its slot in `networks`.
        let mut slots: HashMap<String, usize> = HashMap::new();
        for network in &project.networks {
            slots.insert(network.key.clone(), networks.len());
            let usage = NetworkUse {
                creates: !network.external,
                services: Vec::new(),
            };
            networks.push((network.name.clone(), usage));
        }
        for (i, service) in project.services.iter().enumerate() {
            // Only a container with its own namespace joins networks (and gets names there).
            let Namespace::Own { networks: keys, .. } = namespace_of(project, i) else {
                continue;
            };
            if service.network_mode.is_some() {
                continue;
            }
            let listeners = catalog.listeners(i, service);
            // Compose names a container `<project>-<service>-1` unless told otherwise.
            let container = service.container_name.as_ref().map_or_else(
                || format!("{}-{}-1", project.name, service.name),
                |c| c.value.clone(),
            );
            for key in keys {
                let slot = *slots.entry(key.clone()).or_insert_with(|| {
                    // Used but not declared: the platform that runs the project provides it,
                    // under the key's name.
                    networks.push((key.clone(), NetworkUse::default()));
                    networks.len() - 1
                });
                let mut names = vec![
                    (service.name.to_ascii_lowercase(), NameKind::ServiceName),
                    (container.to_ascii_lowercase(), NameKind::ContainerName),
                ];
                let aliases = service.networks.iter().filter(|n| n.name == key);
                names.extend(aliases.flat_map(|n| {
                    n.aliases
                        .iter()
                        .map(|a| (a.value.to_ascii_lowercase(), NameKind::NetworkAlias))
                }));
                networks[slot].1.services.push(ServiceOnNetwork {
                    service: service.name.clone(),
                    names,
                    listeners: listeners.clone(),
                });
            }
        }
        Contribution {
            project: project.name.clone(),
            networks,
            partial: project.is_partial(),
        }
    }
}

/// Whether `project` may resolve names through other projects of the run: it uses a network
/// that is external, undeclared, or given a `name:` of its own (meant to be joined). Only
/// such projects wait for [`SharedNetworks`]; every other project is linted at once.
pub fn looks_beyond(project: &Project) -> bool {
    let declared: HashSet<&str> = project.networks.iter().map(|n| n.key.as_str()).collect();
    project
        .networks
        .iter()
        .any(|n| n.external || n.name != format!("{}_{}", project.name, n.key))
        || project.services.iter().any(|s| {
            s.networks
                .iter()
                .any(|n| n.span.is_some() && !declared.contains(n.name.as_str()))
        })
}

/// A service of another project that answers to a name on a shared network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    pub project: String,
    pub service: String,
    pub kind: NameKind,
    /// Its servers; empty when several containers answer to the name and they differ.
    pub listeners: Vec<Listener>,
}

/// One engine network, as the projects of the run use it.
#[derive(Debug, Default)]
struct Shared {
    creators: Vec<String>,
    /// The projects attached to it or declaring it.
    projects: Vec<String>,
    /// Name → the services (index in `services`) that answer to it, and how.
    names: HashMap<String, Vec<(usize, NameKind)>>,
    /// (project, service, its servers).
    services: Vec<(String, String, Vec<Listener>)>,
}

/// The run-wide directory: engine network name → what each project provides there.
#[derive(Debug, Default)]
pub struct SharedNetworks {
    networks: HashMap<String, Shared>,
    /// A project of the run was read in part: a name nobody seems to provide may be in it.
    partial: bool,
}

impl SharedNetworks {
    /// Joins the contributions of every project of the run. Only networks that more than one
    /// project uses are kept.
    pub fn join(contributions: Vec<Contribution>) -> SharedNetworks {
        let mut networks: HashMap<String, Shared> = HashMap::new();
        let mut partial = false;
        for c in contributions {
            partial |= c.partial;
            for (name, usage) in c.networks {
                let shared = networks.entry(name).or_default();
                if usage.creates {
                    shared.creators.push(c.project.clone());
                }
                if !shared.projects.contains(&c.project) {
                    shared.projects.push(c.project.clone());
                }
                for s in usage.services {
                    let index = shared.services.len();
                    for (name, kind) in s.names {
                        shared.names.entry(name).or_default().push((index, kind));
                    }
                    shared
                        .services
                        .push((c.project.clone(), s.service, s.listeners));
                }
            }
        }
        networks.retain(|_, shared| shared.projects.len() > 1);
        SharedNetworks { networks, partial }
    }

    /// The service of a project other than `own` that answers to `host` on `network`.
    pub fn provider(&self, network: &str, host: &str, own: &str) -> Option<Provider> {
        let shared = self.networks.get(network)?;
        let mut found = shared
            .names
            .get(host)?
            .iter()
            .filter(|(i, _)| shared.services[*i].0 != own);
        let &(first, kind) = found.next()?;
        let (project, service, listeners) = &shared.services[first];
        // Docker's DNS answers with every container that has the name: the servers are
        // known only when they all agree.
        let agree = found.all(|(i, _)| &shared.services[*i].2 == listeners);
        Some(Provider {
            project: project.clone(),
            service: service.clone(),
            kind,
            listeners: if agree { listeners.clone() } else { Vec::new() },
        })
    }

    /// Whether every name on `network` is known to the run: the project that creates it is
    /// linted in it (and is not `own`), and no project of the run was read in part.
    pub fn settled(&self, network: &str, own: &str) -> bool {
        !self.partial
            && self
                .networks
                .get(network)
                .is_some_and(|s| s.creators.iter().any(|c| c != own))
    }

    /// The names other projects than `own` provide on `network`, with their providers.
    pub fn names_on<'a>(
        &'a self,
        network: &str,
        own: &'a str,
    ) -> impl Iterator<Item = (&'a str, Provider)> + 'a {
        let shared = self.networks.get(network);
        shared.into_iter().flat_map(move |shared| {
            shared.names.iter().flat_map(move |(name, entries)| {
                entries
                    .iter()
                    .filter(move |(i, _)| shared.services[*i].0 != own)
                    .map(move |&(i, kind)| {
                        let (project, service, listeners) = &shared.services[i];
                        (
                            name.as_str(),
                            Provider {
                                project: project.clone(),
                                service: service.clone(),
                                kind,
                                listeners: listeners.clone(),
                            },
                        )
                    })
            })
        })
    }
}
