//! The graph as a Mermaid flowchart, which GitHub and GitLab draw in Markdown: one subgraph a
//! project; broken edges end in a cross, warnings are dashed; the host's published ports are
//! dotted arrows from the host, and a network that explains an edge is linked to its members.

use std::collections::HashMap;
use std::fmt::Write;

use super::{Graph, NodeKind, Status};

const OK: &str = "stroke:#2e7d32,color:#2e7d32";
const WARNING: &str = "stroke:#ef6c00,stroke-width:2px,stroke-dasharray:5 5,color:#ef6c00";
const BROKEN: &str = "stroke:#c62828,stroke-width:2px,color:#c62828";
const QUIET: &str = "stroke:#9e9e9e,color:#616161";

/// The flowchart of every project of `graph`.
pub fn render(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut styles: Vec<(usize, &str)> = Vec::new();
    let mut links = 0;
    for (p, project) in graph.projects.iter().enumerate() {
        let ids: HashMap<&str, String> = project
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| (node.id.as_str(), format!("p{p}n{n}")))
            .collect();
        let _ = writeln!(out, "  subgraph p{p}[\"{}\"]", text(&project.name));
        for node in &project.nodes {
            let label = text(&node.label);
            let shape = match node.kind {
                NodeKind::Service => format!("[\"{label}\"]"),
                NodeKind::Host => format!("[[\"{label}\"]]"),
                NodeKind::External => format!("([\"{label}\"])"),
                NodeKind::Unknown => format!(">\"{label}\"]"),
                NodeKind::Network => format!("{{{{\"{label}\"}}}}"),
                NodeKind::OtherProject => format!("[/\"{label}\"/]"),
            };
            let _ = writeln!(out, "    {}{shape}", ids[node.id.as_str()]);
        }
        let _ = writeln!(out, "  end");
        let id = |node: &str| ids.get(node).cloned().unwrap_or_default();
        for edge in &project.edges {
            let (first, codes) = edge.caption();
            let label = match codes {
                Some(codes) => format!("{} · {}", text(&first), text(&codes)),
                None => text(&first),
            };
            let (arrow, style) = match edge.status {
                Status::Ok => ("-->", OK),
                Status::Warning => ("-.->", WARNING),
                Status::Broken => ("--x", BROKEN),
            };
            let _ = writeln!(
                out,
                "  {} {arrow}|\"{label}\"| {}",
                id(&edge.from),
                id(&edge.to)
            );
            styles.push((links, style));
            links += 1;
        }
        for node in &project.nodes {
            for port in &node.published {
                let _ = writeln!(
                    out,
                    "  {} -.->|\"{}\"| {}",
                    id(super::build::HOST_ID),
                    text(&port.caption()),
                    id(&node.id)
                );
                styles.push((links, QUIET));
                links += 1;
            }
            for member in &node.members {
                let _ = writeln!(out, "  {} -.- {}", id(&node.id), id(member));
                styles.push((links, QUIET));
                links += 1;
            }
        }
    }
    for (link, style) in styles {
        let _ = writeln!(out, "  linkStyle {link} {style}");
    }
    out
}

/// Text inside a quoted Mermaid label: quotes and angle brackets as entities, line breaks
/// as spaces.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Node, ProjectGraph};

    #[test]
    fn labels_cannot_close_their_quotes_or_start_an_entity() {
        assert_eq!(text("a\"b<c>#d\ne"), "a#quot;b#lt;c#gt;#35;d e");
        let graph = Graph {
            projects: vec![ProjectGraph {
                name: "x\"]\nflowchart".into(),
                nodes: vec![Node {
                    id: "service:a".into(),
                    kind: NodeKind::Service,
                    label: "a\"] --> b[\"".into(),
                    published: Vec::new(),
                    members: Vec::new(),
                }],
                edges: Vec::new(),
            }],
        };
        let out = render(&graph);
        // Each line holds its own quotes only: the two that open and close its label.
        for line in out.lines().skip(1).filter(|l| l.contains('"')) {
            assert_eq!(line.matches('"').count(), 2, "{line}");
        }
    }
}
