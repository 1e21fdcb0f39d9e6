//! Builds the graph from what the rules see: every reference of every profile selection,
//! resolved as the judge resolves it ([`reachability::resolve`]), with the findings that
//! point into its value.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Edge, Graph, Location, Node, NodeKind, ProjectGraph, PublishedPort, Status};
use crate::compose::model::Project;
use crate::compose::profiles;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fs::FileSystem;
use crate::knowledge::Extensions;
use crate::net::{Namespace, Platform, Resolution};
use crate::ollama::{Reference, Written};
use crate::reachability;
use crate::rules::{self, Context};
use crate::shared_networks::SharedNetworks;
use crate::source::Sources;
use crate::{LintedProject, RunError, Settings};

/// The graph of every project `settings` names, in the order `lint` reports them; paths are
/// shown relative to `cwd` when they lie below it. Nothing is written: the graph is read-only.
pub fn graph(fs: &dyn FileSystem, settings: &Settings, cwd: &Path) -> Result<Graph, RunError> {
    // Each project with its own configuration's platform and extensions, as it was linted.
    let projects = crate::lint_map_in_run(fs, settings, |linted, settings, run| {
        project_graph(
            &linted,
            settings.platform,
            &settings.options.ollama,
            run,
            cwd,
        )
    })?;
    Ok(Graph { projects })
}

/// The graph of one linted project: its services, each reference of each profile selection
/// once, and what the references reach.
pub fn project_graph(
    linted: &LintedProject,
    platform: Option<Platform>,
    extensions: &Extensions,
    run: &SharedNetworks,
    cwd: &Path,
) -> ProjectGraph {
    let project = &linted.project;
    let on = crate::run_platform(project, platform);
    let mut builder = Builder::new(linted, cwd);
    for selection in profiles::selections(project) {
        let selected = profiles::select(project, &selection);
        let p = selected.as_ref().unwrap_or(project);
        rules::with_context(p, &linted.sources, on, extensions, run, Vec::new(), |ctx| {
            builder.add_references(ctx)
        });
    }
    builder.finish()
}

/// Whether finding `d` is about reference `r`: it points into the reference's value (its
/// primary place, or a related one such as the clients a loopback-bound server refuses), or,
/// for an app's built-in default, it is the default's finding on the client.
pub fn concerns(d: &Diagnostic, r: &Reference, project: &Project) -> bool {
    if let Written::AppDefault { .. } = r.written {
        let client = &project.services[r.client];
        return d.app_default
            && d.service.as_deref() == Some(client.name.as_str())
            && d.primary == Some(client.key_span);
    }
    let value = r.text.spans(0..r.text.value.len());
    d.primary
        .into_iter()
        .chain(d.related.iter().map(|l| l.span))
        .any(|s| value.iter().any(|v| v.contains(s)))
}

/// How the findings on a reference leave it.
pub fn status_of<'d>(findings: impl IntoIterator<Item = &'d Diagnostic>) -> Status {
    findings
        .into_iter()
        .map(|d| match d.severity {
            Severity::Error => Status::Broken,
            Severity::Warning => Status::Warning,
            Severity::Info => Status::Ok,
        })
        .max()
        .unwrap_or(Status::Ok)
}

/// Where a value is written, for the graph and `explain`.
pub fn location(r: &Reference, sources: &Sources, cwd: &Path) -> Option<Location> {
    let span = r.value_span()?;
    let file = sources.get(span.file);
    let at = file.line_col(span.start);
    Some(Location {
        file: crate::output::display_path(&file.path, cwd),
        line: at.line,
        column: at.column,
    })
}

pub fn service_id(name: &str) -> String {
    format!("service:{name}")
}

pub const HOST_ID: &str = "host";

/// What makes a reference the same one in several profile selections: its client, its
/// variable, where its value is written and the value.
type EdgeKey = (String, String, Option<(String, usize, usize)>, String);

struct Builder<'a> {
    linted: &'a LintedProject,
    cwd: &'a Path,
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    edges: Vec<Edge>,
    seen: HashSet<EdgeKey>,
    uses_host: bool,
}

impl<'a> Builder<'a> {
    fn new(linted: &'a LintedProject, cwd: &'a Path) -> Builder<'a> {
        let mut builder = Builder {
            linted,
            cwd,
            nodes: Vec::new(),
            index: HashMap::new(),
            edges: Vec::new(),
            seen: HashSet::new(),
            uses_host: false,
        };
        for service in &linted.project.services {
            let published: Vec<PublishedPort> = service
                .ports
                .iter()
                .filter_map(|p| {
                    Some(PublishedPort {
                        host_ip: p.mapping.host_ip.clone(),
                        published: p.mapping.published.clone()?,
                        target: p.mapping.target,
                        protocol: p.mapping.protocol.clone(),
                    })
                })
                .collect();
            builder.uses_host |= !published.is_empty();
            let id = builder.node(service_id(&service.name), NodeKind::Service, &service.name);
            builder.nodes[id].published = published;
        }
        builder
    }

    /// The node with `id`, added when new; its position.
    fn node(&mut self, id: String, kind: NodeKind, label: &str) -> usize {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        self.index.insert(id.clone(), self.nodes.len());
        self.nodes.push(Node {
            id,
            kind,
            label: label.to_string(),
            published: Vec::new(),
            members: Vec::new(),
        });
        self.nodes.len() - 1
    }

    /// Adds `member` to network `name`'s node.
    fn network_member(&mut self, name: &str, member: &str) {
        let i = self.node(format!("network:{name}"), NodeKind::Network, name);
        if !self.nodes[i].members.iter().any(|m| m == member) {
            self.nodes[i].members.push(member.to_string());
        }
    }

    fn add_references(&mut self, ctx: &Context) {
        let project = ctx.project;
        // Which network carries an edge is worth drawing only where there is a choice.
        let networks: HashSet<&str> = (0..project.services.len())
            .filter_map(|i| match ctx.net.namespace(i) {
                Namespace::Own { networks, .. } => Some(networks),
                _ => None,
            })
            .flatten()
            .map(String::as_str)
            .collect();
        let several_networks = networks.len() > 1;
        for (r, _) in ctx.references.iter().chain(ctx.net_references) {
            self.add_reference(ctx, r, several_networks);
        }
    }

    fn add_reference(&mut self, ctx: &Context, r: &Reference, several_networks: bool) {
        let services = &ctx.project.services;
        let client = &services[r.client];
        let location = location(r, &self.linted.sources, self.cwd);
        let key = (
            client.name.clone(),
            r.var_name().to_string(),
            location
                .as_ref()
                .map(|l| (l.file.clone(), l.line, l.column)),
            r.text.value.clone(),
        );
        if !self.seen.insert(key) {
            return;
        }
        let from = service_id(&client.name);
        let own_networks = |i: usize| match ctx.net.namespace(i) {
            Namespace::Own { networks, .. } => networks.clone(),
            _ => Vec::new(),
        };
        let host = r.url.host.as_str();
        let mut network = None;
        let to = match reachability::resolve(r, ctx.net) {
            Resolution::Loopback(namespace) | Resolution::Unspecified(namespace) => match namespace
            {
                Namespace::Own { service, .. } | Namespace::DefaultBridge { service } => {
                    service_id(&services[service].name)
                }
                Namespace::Host => self.host(),
                Namespace::Disconnected => from.clone(),
                Namespace::ForeignContainer(name) => {
                    let id = format!("external:container:{name}");
                    self.node(id.clone(), NodeKind::External, &format!("container {name}"));
                    id
                }
                Namespace::Broken => self.unknown(host),
            },
            Resolution::Sibling {
                service,
                network: on,
                ..
            } => {
                let to = service_id(&services[service].name);
                if several_networks {
                    self.network_member(&on, &from);
                    self.network_member(&on, &to);
                }
                network = Some(on);
                to
            }
            Resolution::OtherProject {
                provider,
                network: on,
            } => {
                let id = format!("project:{}/{}", provider.project, provider.service);
                let label = format!("{} (project {})", provider.service, provider.project);
                self.node(id.clone(), NodeKind::OtherProject, &label);
                self.network_member(&on, &from);
                self.network_member(&on, &id);
                network = Some(on);
                id
            }
            Resolution::Unreachable { service, .. } => {
                // The networks that do not meet explain the broken edge.
                let to = service_id(&services[service].name);
                for on in own_networks(r.client) {
                    self.network_member(&on, &from);
                }
                for on in own_networks(service) {
                    self.network_member(&on, &to);
                }
                to
            }
            Resolution::Host { .. } => self.host(),
            Resolution::MappedAddress(address) => self.external(&address),
            Resolution::External => self.external(host),
            Resolution::Unknown { .. } => self.unknown(host),
        };
        let findings: Vec<&Diagnostic> = self
            .linted
            .diagnostics
            .iter()
            .filter(|d| concerns(d, r, ctx.project))
            .collect();
        let mut codes: Vec<&'static str> = findings.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        let via = match &r.written {
            Written::Command { index } => format!("command[{index}]"),
            _ => r.var_name().to_string(),
        };
        self.edges.push(Edge {
            from,
            to,
            status: status_of(findings),
            codes,
            via,
            port: r.port(),
            location,
            server: r.kind,
            host: host.to_string(),
            network,
        });
    }

    fn host(&mut self) -> String {
        self.uses_host = true;
        HOST_ID.to_string()
    }

    fn external(&mut self, host: &str) -> String {
        let id = format!("external:{host}");
        self.node(id.clone(), NodeKind::External, host);
        id
    }

    fn unknown(&mut self, host: &str) -> String {
        let id = format!("unknown:{host}");
        self.node(id.clone(), NodeKind::Unknown, &format!("{host} (unknown)"));
        id
    }

    fn finish(mut self) -> ProjectGraph {
        if self.uses_host {
            self.node(HOST_ID.to_string(), NodeKind::Host, "Docker host");
        }
        ProjectGraph {
            name: self.linted.project.name.clone(),
            nodes: self.nodes,
            edges: self.edges,
        }
    }
}
