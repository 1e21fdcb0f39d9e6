//! The small before/after graphs on the reachability rules' pages: the rule's own example
//! and its fixed example, each drawn by `composelint graph`, where the picture shows the
//! point: the example draws an edge the rule marks, and the fixed example draws every edge
//! ok.

use std::path::Path;

use super::{Graph, Status, mermaid};
use crate::Settings;
use crate::fs::MemFs;
use crate::rules::Rule;

/// Where the examples are put to be linted: a path of no real file system.
const ROOT: &str = "/rule-example";

/// The `## Wiring` section of `rule`'s page, or None where no picture helps.
pub fn before_after(rule: &Rule) -> Option<String> {
    let before = example_graph(rule, "## Example")?;
    let after = example_graph(rule, "## Use instead")?;
    let edges = |g: &Graph| {
        g.projects
            .iter()
            .flat_map(|p| &p.edges)
            .cloned()
            .collect::<Vec<_>>()
    };
    let marked = edges(&before)
        .iter()
        .any(|e| e.status != Status::Ok && e.codes.contains(&rule.code));
    let all_ok = edges(&after).iter().all(|e| e.status == Status::Ok);
    if !marked || !all_ok || edges(&after).is_empty() {
        return None;
    }
    Some(format!(
        "## Wiring\n\nThe example, as `composelint graph` draws it:\n\n```mermaid\n{}```\n\nThe fixed example:\n\n```mermaid\n{}```\n",
        mermaid::render(&before),
        mermaid::render(&after)
    ))
}

/// The graph of the project the section under `heading` shows: one compose file and,
/// optionally, its `.env`. None for any other shape of example (several files, a script).
fn example_graph(rule: &Rule, heading: &str) -> Option<Graph> {
    let docs: String = rule
        .docs
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let start = docs.find(heading)? + heading.len();
    let rest = &docs[start..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let compose = only_block(section, "yaml")?;
    let dotenv = blocks(section, "dotenv");
    if compose.starts_with("# ") || dotenv.len() > 1 || !blocks(section, "sh").is_empty() {
        return None;
    }
    let mut fs = MemFs::new();
    let root = Path::new(ROOT);
    fs.insert(root.join("compose.yaml"), compose);
    if let Some(env) = dotenv.first() {
        fs.insert(root.join(".env"), env.as_str());
    }
    let settings = Settings {
        paths: vec![root.to_path_buf()],
        ..Settings::default()
    };
    let mut graph = super::graph(&fs, &settings, root).ok()?;
    // The pictures are of the example, whatever the temporary directory was called.
    for project in &mut graph.projects {
        project.name = "example".to_string();
    }
    Some(graph)
}

fn only_block(section: &str, language: &str) -> Option<String> {
    match blocks(section, language).as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The fenced blocks of `language` in `section`.
fn blocks(section: &str, language: &str) -> Vec<String> {
    let fence = format!("```{language}\n");
    section
        .split(fence.as_str())
        .skip(1)
        .filter_map(|body| body.find("```").map(|end| body[..end].to_string()))
        .collect()
}
