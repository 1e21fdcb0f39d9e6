use crate::yaml::Node;
#[derive(Debug)]
pub struct MergeError;
impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("x")
    }
}
pub fn merge(_b: Node, o: Node) -> Result<Node, MergeError> {
    Ok(o)
}
pub fn enforce_unicity(_r: &mut Node) {}
