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

#[cfg(test)]
mod tests {
    use crate::rules::reference_report::lint_yaml;

    fn cycles(yaml: &str) -> Vec<String> {
        lint_yaml(yaml)
            .into_iter()
            .filter(|d| d.code == "CMP014")
            .map(|d| d.message.into_unredacted())
            .collect()
    }

    /// The cycles named as Docker Compose v2.40.3 names them (`dependency cycle detected:
    /// …`, observed with `docker-compose config`): walked from the first service in name
    /// order, dependencies in name order; each separate cycle reported.
    #[test]
    fn cycles_are_named_as_compose_names_them() {
        let svc = |name: &str, deps: &str| format!("  {name}:\n    image: x\n    {deps}\n");
        let project = |parts: &[String]| format!("services:\n{}", parts.concat());
        // Compose: "a -> b -> a", although `a` lists `c` first.
        let yaml = project(&[
            svc("a", "depends_on: [c, b]"),
            svc("b", "depends_on: [a]"),
            svc("c", "depends_on: [b]"),
        ]);
        assert_eq!(cycles(&yaml), ["dependency cycle: a -> b -> a"]);
        // Compose: "b -> c -> b" (`a` only leads into the cycle).
        let yaml = project(&[
            svc("a", "depends_on: [b]"),
            svc("b", "depends_on: [c]"),
            svc("c", "depends_on: [b]"),
        ]);
        assert_eq!(cycles(&yaml), ["dependency cycle: b -> c -> b"]);
        // Compose names only "c -> d -> c"; the second cycle is reported too.
        let yaml = project(&[
            svc("z", "depends_on: [y]"),
            svc("y", "depends_on: [z]"),
            svc("c", "depends_on: [d]"),
            svc("d", "depends_on: [c]"),
        ]);
        assert_eq!(
            cycles(&yaml),
            [
                "dependency cycle: c -> d -> c",
                "dependency cycle: y -> z -> y"
            ]
        );
        // Compose: "a -> a".
        assert_eq!(
            cycles(&project(&[svc("a", "depends_on: [a]")])),
            ["dependency cycle: a -> a"]
        );
        // Implied dependencies count (Compose: "a -> b -> a" for each of these).
        for implied in [
            "links: [b]",
            "network_mode: service:b",
            "volumes_from: [b]",
            "ipc: service:b",
            "pid: service:b",
        ] {
            let yaml = project(&[svc("a", implied), svc("b", "depends_on: [a]")]);
            assert_eq!(
                cycles(&yaml),
                ["dependency cycle: a -> b -> a"],
                "{implied}"
            );
        }
        // A chain is no cycle, however long.
        let chain: Vec<String> = (0..2000)
            .map(|i| svc(&format!("s{i:04}"), &format!("depends_on: [s{:04}]", i + 1)))
            .chain([svc("s2000", "depends_on: []")])
            .collect();
        assert!(cycles(&project(&chain)).is_empty());
    }
}
