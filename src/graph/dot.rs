//! The graph in Graphviz's DOT language: one digraph a project; broken edges red and ending in
//! a bar, warnings dashed orange; the host's published ports are dashed grey arrows from the
//! host, and a network that explains an edge is linked to its members by dotted lines.

use std::fmt::Write;

use super::{Graph, NodeKind, Status};

/// A digraph for each project of `graph`.
pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    for project in &graph.projects {
        let _ = writeln!(out, "digraph {} {{", quoted(&project.name));
        let _ = writeln!(
            out,
            "  graph [rankdir=LR, label={}, labelloc=t, fontname=\"Helvetica\"];",
            quoted(&project.name)
        );
        out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for node in &project.nodes {
            let shape = match node.kind {
                NodeKind::Service => "shape=box, style=rounded",
                NodeKind::Host => "shape=house",
                NodeKind::External => "shape=ellipse, style=dashed",
                NodeKind::Unknown => "shape=octagon, style=dashed, color=\"#c62828\"",
                NodeKind::Network => "shape=hexagon, style=dotted",
                NodeKind::OtherProject => "shape=box, style=\"rounded,dashed\"",
            };
            let _ = writeln!(
                out,
                "  {} [label={}, {shape}];",
                quoted(&node.id),
                quoted(&node.label)
            );
        }
        for edge in &project.edges {
            let (first, codes) = edge.caption();
            let label = match codes {
                Some(codes) => format!("{}\\n{}", escaped(&first), escaped(&codes)),
                None => escaped(&first),
            };
            let style = match edge.status {
                Status::Ok => "color=\"#2e7d32\", fontcolor=\"#2e7d32\"",
                Status::Warning => "color=\"#ef6c00\", fontcolor=\"#ef6c00\", style=dashed",
                Status::Broken => {
                    "color=\"#c62828\", fontcolor=\"#c62828\", penwidth=2, arrowhead=tee"
                }
            };
            let _ = writeln!(
                out,
                "  {} -> {} [label=\"{label}\", {style}];",
                quoted(&edge.from),
                quoted(&edge.to)
            );
        }
        for node in &project.nodes {
            for port in &node.published {
                let _ = writeln!(
                    out,
                    "  {} -> {} [label={}, style=dashed, color=gray60, fontcolor=gray40];",
                    quoted(super::build::HOST_ID),
                    quoted(&node.id),
                    quoted(&port.caption())
                );
            }
            for member in &node.members {
                let _ = writeln!(
                    out,
                    "  {} -> {} [dir=none, style=dotted, color=gray60];",
                    quoted(&node.id),
                    quoted(member)
                );
            }
        }
        out.push_str("}\n");
    }
    out
}

/// A DOT string: `"…"` with its quotes and backslashes escaped.
fn quoted(s: &str) -> String {
    format!("\"{}\"", escaped(s))
}

/// Text inside a DOT string: backslashes and quotes escaped, line breaks as spaces (DOT's own
/// `\n` is the only break a label gets).
fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
