//! Reachability for every kind of server: which services run which server and where it
//! listens ([`kinds`]), and the references to servers beyond Ollama ([`references`]). The
//! Ollama-specific knowledge (clients, `/api` and `/v1`, models) stays in [`crate::ollama`];
//! the verdicts are [`crate::reachability`]'s, one engine for every kind.

pub mod kinds;
pub mod references;

use std::collections::HashSet;

use crate::compose::model::{Project, Service};
use crate::knowledge::Extensions;
use crate::net::{BindScope, Listener, ServerCatalog};
use crate::ollama::{OLLAMA, Reference, Servers, references_with};
use crate::source::Sources;

/// A project's servers of every kind and its references: Ollama's (judged by the OLL rules)
/// and the other kinds' (the NET rules'). A value Ollama's references read is not read again
/// for another kind.
pub struct Found {
    pub kinds: Kinds,
    pub ollama: Vec<Reference>,
    pub others: Vec<Reference>,
}

impl Found {
    pub fn of(project: &Project, sources: &Sources, extensions: &Extensions) -> Found {
        let mut kinds = Kinds::new(Servers::of_with(project, sources, extensions), project);
        let mut ollama = references_with(project, kinds.ollama(), extensions);
        // Docker Model Runner's API answers under a path no Ollama has: such a URL is not an
        // Ollama reference, whatever its variable says (the other kinds' references take it).
        ollama.retain(|r| !references::is_model_runner_url(&r.url));
        let claimed: HashSet<(usize, String)> = ollama
            .iter()
            .map(|r| (r.client, r.var_name().to_string()))
            .collect();
        let others = references::references(project, &kinds.all, &claimed);
        kinds.cover(others.iter().map(|r| r.kind), project.services.len());
        Found {
            kinds,
            ollama,
            others,
        }
    }
}

/// The servers of a project, one [`Servers`] per kind; Ollama's first.
pub struct Kinds {
    pub all: Vec<Servers>,
}

impl Kinds {
    /// Ollama's servers (`ollama`, already detected) and those of every other family the
    /// project runs.
    pub fn new(ollama: Servers, project: &Project) -> Kinds {
        let mut all = vec![ollama];
        all.extend(kinds::servers_of(project));
        Kinds { all }
    }

    pub fn ollama(&self) -> &Servers {
        &self.all[0]
    }

    /// The servers of every kind but Ollama.
    pub fn others(&self) -> &[Servers] {
        &self.all[1..]
    }

    /// The servers of `kind`; None when no service runs one.
    pub fn of(&self, kind: &str) -> Option<&Servers> {
        self.all.iter().find(|s| s.kind == kind)
    }

    /// Adds an empty entry for each kind in `kinds` that no service runs, so that every
    /// reference has servers to be judged against.
    pub fn cover(&mut self, kinds: impl Iterator<Item = &'static str>, services: usize) {
        for kind in kinds {
            if self.of(kind).is_some() {
                continue;
            }
            let Some(family) = kinds::family(kind) else {
                continue;
            };
            self.all.push(Servers {
                kind: family.key,
                default_port: family.default_port,
                by_service: vec![None; services],
                indices: Vec::new(),
                ports: Default::default(),
            });
        }
    }
}

/// The catalog the network engine uses: where each service's servers listen.
pub struct Catalog<'a> {
    pub kinds: &'a [Servers],
}

impl ServerCatalog for Catalog<'_> {
    fn listeners(&self, i: usize, _service: &Service) -> Vec<Listener> {
        let mut out = Vec::new();
        for servers in self.kinds {
            let Some(server) = servers.get(i) else {
                continue;
            };
            if server.listen.port_invalid {
                continue;
            }
            let scope = if server.scope_known && server.listen.is_loopback() {
                BindScope::Loopback
            } else {
                BindScope::All
            };
            for port in
                std::iter::once(server.listen.port).chain(server.other_ports.iter().copied())
            {
                out.push(Listener {
                    kind: servers.kind,
                    port,
                    scope,
                });
            }
        }
        out
    }
}

/// How findings name a kind: "Ollama", "Postgres", "MySQL or MariaDB".
pub fn kind_name(kind: &str) -> &'static str {
    if is_ollama(kind) {
        return "Ollama";
    }
    kinds::family(kind).map_or("the server", |f| f.name.as_str())
}

/// Whether `kind` is Ollama's.
pub fn is_ollama(kind: &str) -> bool {
    kind == OLLAMA
}
