use std::collections::{BTreeMap, HashSet};

use super::{Context, declare_rule};
use crate::compose::model::{Dependency, Project};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// Services that depend on each other in a circle.
    ///
    /// ## What it does
    /// Reports a cycle of dependencies between services: `depends_on` (short or long syntax,
    /// `required: false` included), and the dependencies Compose implies from `links`,
    /// `volumes_from` and `network_mode`/`ipc`/`pid`/`uts: service:X`. The finding points at
    /// the dependency that leaves the first service of the cycle (in name order) and names
    /// the whole cycle, as Compose does.
    ///
    /// ## Why is this bad?
    /// Compose starts a service after the services it depends on, so a cycle has no order:
    /// it refuses to load the project (`dependency cycle detected: a -> b -> a`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     depends_on: [open-webui]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     depends_on: [ollama]
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
    ///     depends_on: [ollama]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which dependency is wrong is the author's call.
    ///
    /// ## Exceptions
    /// None. Each cycle is reported once, however many of its services are on it.
    pub static RULE = {
        code: "CMP014",
        name: "dependency-cycle",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut reported: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for cycle in cycles(ctx.project) {
        // Cycles that share a service are one tangle: the first is enough to act on.
        if cycle.iter().any(|(from, _)| reported.contains(from)) {
            continue;
        }
        reported.extend(cycle.iter().map(|(from, _)| *from));
        let Some(((start, first), rest)) = cycle.split_first() else {
            continue;
        };
        let names: Vec<&str> = std::iter::once(*start)
            .chain(cycle.iter().map(|(_, dep)| dep.service.as_str()))
            .collect();
        let mut d = RULE
            .diagnostic(
                format!("dependency cycle: {}", names.join(" -> ")),
                Some(first.span),
            )
            .with_service(*start)
            .with_label(describe(start, first))
            .with_help("Compose cannot order these services; remove one of the dependencies");
        for (from, dep) in rest {
            d = d.with_related(dep.span, describe(from, dep));
        }
        out.push(d);
    }
    out
}

/// "`a` depends on `b`", saying which field implies it when not `depends_on`.
fn describe(from: &str, dep: &Dependency) -> String {
    match dep.field {
        "depends_on" => format!("`{from}` depends on `{}`", dep.service),
        field => format!(
            "`{from}` depends on `{}` (implied by `{field}`)",
            dep.service
        ),
    }
}

/// One step of a cycle: a service and its dependency on the next.
type Step<'a> = (&'a str, &'a Dependency);

/// The cycles a depth-first walk meets, each as the steps from its first service round to
/// it again. Services and their dependencies are walked in name order, as Compose walks
/// them, so the first cycle is the one Compose names. Iterative and linear in the size of
/// the graph: a project of thousands of services with long chains stays cheap.
fn cycles(project: &Project) -> Vec<Vec<Step<'_>>> {
    let mut edges: BTreeMap<&str, Vec<&Dependency>> = BTreeMap::new();
    for service in &project.services {
        let mut deps: Vec<&Dependency> = service
            .depends_on
            .iter()
            .filter(|d| project.service(&d.service).is_some())
            .collect();
        deps.sort_by(|a, b| a.service.cmp(&b.service));
        edges.insert(service.name.as_str(), deps);
    }
    let mut finished: HashSet<&str> = HashSet::new();
    let mut on_path: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for &root in edges.keys() {
        if finished.contains(root) {
            continue;
        }
        // Each frame: a service, the dependency that led to it, the next dependency to try.
        let mut path: Vec<(&str, Option<&Dependency>, usize)> = vec![(root, None, 0)];
        on_path.insert(root);
        while let Some((node, _, next)) = path.last_mut() {
            let node: &str = node;
            let Some(&dep) = edges.get(node).and_then(|deps| deps.get(*next)) else {
                on_path.remove(node);
                finished.insert(node);
                path.pop();
                continue;
            };
            *next += 1;
            let target = dep.service.as_str();
            if on_path.contains(target) {
                let from = path.iter().position(|(n, _, _)| *n == target).unwrap_or(0);
                let mut steps: Vec<Step> = path[from..]
                    .windows(2)
                    .filter_map(|w| Some((w[0].0, w[1].1?)))
                    .collect();
                steps.push((node, dep));
                out.push(steps);
            } else if !finished.contains(target) {
                on_path.insert(target);
                path.push((target, Some(dep), 0));
            }
        }
    }
    out
}
