use super::structural_fix::{depend_on, unsafe_fix};
use std::collections::{HashMap, HashSet};

use super::{Context, declare_rule};
use crate::compose::model::{Project, Service};
use crate::compose::profiles::inactive_answering;
use crate::diagnostic::Diagnostic;
use crate::net::Resolution;
use crate::ollama::{Reference, Written};
use crate::reachability::{Verdict, likely_server};

declare_rule! {
    /// A client of a sibling Ollama without `depends_on`.
    ///
    /// ## What it does
    /// Reports a service that uses an Ollama service of the same project but does not list
    /// it under `depends_on` (directly or through the services it depends on). A URL that
    /// does not reach that Ollama yet, and whose own finding points it there, gets this one
    /// beside its own: the start order does not depend on how the URL is fixed, so both are
    /// said at once rather than one after the other.
    ///
    /// ## Why is this bad?
    /// Without `depends_on`, Compose starts both containers at the same time. A client that
    /// checks its Ollama connection at startup (loads the model list, pulls a model, runs a
    /// migration) finds nothing listening yet, logs "connection refused" and may keep an
    /// empty model list or exit. `depends_on` makes Compose start Ollama first; with a
    /// `healthcheck` on the Ollama service and `condition: service_healthy` it also waits
    /// until the API answers.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     depends_on: [ollama]
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the Ollama service is added to the client's `depends_on`, in the form that is
    /// there (list or map). It changes the structure of the file and the start order; none is
    /// offered when several Ollama services answer to the name, one per profile (the help
    /// says how to list each with `required: false`).
    ///
    /// ## Exceptions
    /// Reported for a reference that names a sibling Ollama service, or one whose own finding
    /// points it at one (through the host, a wrong port or name, the client's own loopback);
    /// when that finding is suppressed or its rule turned off, this one goes with it. `links`
    /// and `network_mode:
    /// service:ollama` imply the dependency, and so does depending on a service that itself
    /// depends on Ollama (an init container that pulls the models). Clients that retry
    /// until Ollama answers do not strictly need it; the finding is informational.
    pub static RULE = {
        code: "OLL012",
        name: "missing-depends-on",
        severity: Info,
        fix: Unsafe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut graph = Graph::new(ctx.project);
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in ctx.project.services.iter().enumerate() {
        if let Some(c) = &s.container_name {
            by_name
                .entry(c.value.to_ascii_lowercase())
                .or_default()
                .push(i);
        }
        for alias in s.networks.iter().flat_map(|n| &n.aliases) {
            by_name
                .entry(alias.value.to_ascii_lowercase())
                .or_default()
                .push(i);
        }
    }
    let mut reported: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Vec::new();
    for (r, verdict) in ctx.references {
        // Start order matters only for a setting the app is known to read: an unverified one
        // (n8n's `OLLAMA_HOST`, which only its starter kit sets) may serve nothing at all.
        let unverified = r
            .setting
            .is_some_and(|v| v.confidence == crate::knowledge::Confidence::Unverified);
        if unverified {
            continue;
        }
        let Some((server, aim)) = aimed_at(ctx, r, verdict) else {
            continue;
        };
        // Said beside the reference's own finding, which must have a place to be beside.
        let beside = match aim {
            Aim::Uses => None,
            Aim::Meant => match r.value_span() {
                Some(span) => Some(span),
                None => continue,
            },
        };
        if server == r.client || ctx.servers.get(server).is_none() {
            continue;
        }
        // A URL meant for an Ollama that only some profiles start is a choice between
        // servers (the host's by default, the project's with a profile), not yet a client
        // of that one: its own finding speaks for each selection.
        if aim == Aim::Meant
            && !client_starts_it(
                &ctx.project.services[r.client],
                &ctx.project.services[server],
            )
        {
            continue;
        }
        // Services sharing the name (alternatives in profiles with one `container_name`),
        // whether this profile selection starts them or not: depending on any of them is
        // what the author meant.
        let host = r.url.host.to_ascii_lowercase();
        let named: &[usize] = by_name.get(host.as_str()).map_or(&[], Vec::as_slice);
        let client = &ctx.project.services[r.client];
        let inactive: Vec<&Service> = inactive_answering(ctx.project, &r.url.host).collect();
        if reported.contains(&(r.client, server))
            || graph.depends_on(r.client, server)
            || named
                .iter()
                .any(|&other| other != server && graph.depends_on(r.client, other))
            || inactive
                .iter()
                .any(|s| client.depends_on.iter().any(|d| d.service == s.name))
        {
            continue;
        }
        reported.insert((r.client, server));
        let server_name = &ctx.project.services[server].name;
        let mut alternatives: Vec<&Service> = std::iter::once(server)
            .chain(
                named
                    .iter()
                    .copied()
                    .filter(|&o| o != server && ctx.servers.get(o).is_some()),
            )
            .map(|i| &ctx.project.services[i])
            .chain(inactive)
            .collect();
        let by_profile =
            alternatives.len() > 1 && alternatives.iter().all(|s| !s.profiles.is_empty());
        // The same words under every selection, so that they make one finding.
        alternatives.sort_by(|a, b| a.name.cmp(&b.name));
        let alternatives: Vec<&str> = alternatives.iter().map(|s| s.name.as_str()).collect();
        let used = if by_profile {
            format!(
                "Ollama services {}",
                super::wording::quoted_list(&alternatives, "and")
            )
        } else {
            format!("Ollama service `{server_name}`")
        };
        let help = if by_profile {
            format!(
                "{} each answer to `{}` (only one runs, by profile): list each under `depends_on` of service `{}` with `required: false`",
                super::wording::quoted_list(&alternatives, "and"),
                r.url.host,
                client.name
            )
        } else if !client_starts_it(client, &ctx.project.services[server]) {
            format!(
                "add `{server_name}` to the `depends_on` of service `{}` with `required: false`: `{server_name}` runs only with its profiles, and Compose refuses a required dependency on a service it does not start",
                client.name
            )
        } else {
            format!(
                "add `depends_on: [{server_name}]` to service `{}` (with a healthcheck on `{server_name}`, `condition: service_healthy` waits until the API answers)",
                client.name
            )
        };
        let it = if by_profile { "any of them" } else { "it" };
        let message = match aim {
            Aim::Uses => format!(
                "service `{}` uses {used} ({}) but does not depend on {it}: Compose may start it before Ollama listens",
                client.name,
                how(r),
            ),
            // Said now, beside the reference's own finding, rather than after its fix.
            Aim::Meant => format!(
                "service `{}` is meant to reach {used} with {}, and does not depend on {it} either: Compose may start it before Ollama listens",
                client.name,
                how(r),
            ),
        };
        let mut d = RULE
            .diagnostic(message, Some(client.key_span))
            .with_service(&client.name)
            .with_label(if by_profile {
                "no `depends_on` on any of them".to_string()
            } else {
                format!("no `depends_on: [{server_name}]`")
            })
            .with_help(help);
        if let Some(place) = beside {
            d = d.said_beside(place);
        }
        if let Some(span) = r.value_span() {
            let used_here = match aim {
                Aim::Meant if by_profile => "meant to reach them".to_string(),
                Aim::Meant => format!("meant to reach `{server_name}`"),
                Aim::Uses if by_profile => format!("`{}` is used here", r.url.host),
                Aim::Uses => format!("`{server_name}` is used here"),
            };
            d = d.with_related(span, used_here);
        }
        if !by_profile
            && client_starts_it(client, &ctx.project.services[server])
            && let Some(fix) = unsafe_fix(
                format!(
                    "add `{server_name}` to the `depends_on` of `{}`",
                    client.name
                ),
                vec![depend_on(ctx, &client.name, server_name)],
            )
        {
            d = d.with_fix(fix);
        }
        out.push(d);
    }
    out
}

/// How a reference is aimed at the Ollama service it is reported for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aim {
    /// It reaches it as written.
    Uses,
    /// It does not reach it as written, and its own finding (and fix) points it there.
    Meant,
}

/// The sibling Ollama service a reference uses or is meant to use: the one it reaches by
/// name, or, for a reference that reaches no Ollama as written, the service its own finding
/// points it at. Whether the client starts after that service does not depend on how the
/// URL is fixed, so it is said at once (issue 19: it used to appear only after the fix).
fn aimed_at(ctx: &Context, r: &Reference, verdict: &Verdict) -> Option<(usize, Aim)> {
    let by_name = || match ctx.net.resolve(r.client, &r.url.host) {
        Resolution::Sibling { service, .. } => Some(service),
        _ => None,
    };
    match verdict {
        Verdict::Works => by_name().map(|s| (s, Aim::Uses)),
        // Named, but the scheme, the path, a proxy is wrong.
        Verdict::WrongScheme { .. }
        | Verdict::WrongPath { .. }
        | Verdict::ProxyIntercepts { .. } => by_name().map(|s| (s, Aim::Meant)),
        // Named, but at the wrong port, from another network, or listening on its loopback;
        // or reached through the Docker host.
        Verdict::WrongPort { server, .. }
        | Verdict::NoSharedNetwork { server }
        | Verdict::ServerOnLoopback { server }
        | Verdict::DetourThroughHost { server }
        | Verdict::PortNotPublished { server, .. }
        | Verdict::HostGatewayUnmapped {
            detour: Some(server),
            ..
        } => Some((*server, Aim::Meant)),
        Verdict::Loopback => likely_server(ctx.net, ctx.servers, ctx.references, r.client)
            .map(|(server, ..)| (server, Aim::Meant)),
        Verdict::UnknownHost {
            suggestion: Some(suggestion),
            ..
        } if suggestion.elsewhere.is_none() => ctx
            .project
            .service_index
            .get(&suggestion.name)
            .map(|&s| (s, Aim::Meant)),
        _ => None,
    }
}

/// Whether every profile selection that starts `client` starts `server` too, so that a
/// required dependency never names a service Compose leaves out.
fn client_starts_it(client: &Service, server: &Service) -> bool {
    server.profiles.is_empty()
        || (!client.profiles.is_empty()
            && client
                .profiles
                .iter()
                .all(|p| server.profiles.iter().any(|q| q.value == p.value)))
}

/// The `depends_on` graph, answering "does A start after B?" (directly or through other
/// dependencies: Compose starts the whole chain in order). For each server asked about, every
/// service that depends on it is found once, walking the edges backwards, so the whole check
/// stays linear in the size of the project.
struct Graph {
    /// For each service, the services that list it under `depends_on`.
    dependents: Vec<Vec<usize>>,
    /// Per server: which services depend on it.
    after: HashMap<usize, Vec<bool>>,
}

impl Graph {
    fn new(project: &Project) -> Graph {
        let mut dependents = vec![Vec::new(); project.services.len()];
        for (i, service) in project.services.iter().enumerate() {
            for dependency in &service.depends_on {
                if let Some(&target) = project.service_index.get(&dependency.service) {
                    dependents[target].push(i);
                }
            }
        }
        Graph {
            dependents,
            after: HashMap::new(),
        }
    }

    fn depends_on(&mut self, client: usize, server: usize) -> bool {
        let dependents = &self.dependents;
        let after = self.after.entry(server).or_insert_with(|| {
            let mut seen = vec![false; dependents.len()];
            let mut todo = vec![server];
            while let Some(current) = todo.pop() {
                for &next in dependents.get(current).into_iter().flatten() {
                    if let Some(flag) = seen.get_mut(next)
                        && !*flag
                    {
                        *flag = true;
                        todo.push(next);
                    }
                }
            }
            seen
        });
        after.get(client).copied().unwrap_or(false)
    }
}

/// How the client names the server, for the message.
fn how(r: &Reference) -> String {
    match &r.written {
        Written::Env { key, .. } => format!("`{key}={}`", &r.text.value),
        Written::Command { .. } => {
            format!("`{}` in its command", &r.text.value)
        }
        Written::AppDefault { var } => {
            format!("its default `{var}={}`", &r.text.value)
        }
        Written::ConfigFile { key } => {
            format!("`{key}: {}` in its config file", &r.text.value)
        }
        Written::Typed => format!("`{}` in its settings", &r.text.value),
    }
}
