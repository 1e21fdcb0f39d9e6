//! The graph as JSON, for tools: `{"projects": [{"name", "nodes", "edges"}]}` (the README
//! documents every field).

use super::Graph;

/// The graph as pretty-printed JSON, ending with a line break.
pub fn render(graph: &Graph) -> String {
    // Plain data with string keys: serialising it cannot fail.
    let mut text = serde_json::to_string_pretty(graph).expect("the graph serialises");
    text.push('\n');
    text
}
