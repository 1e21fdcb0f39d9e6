use crate::yaml::Node;
use std::path::PathBuf;
pub struct CanonicalContext {
    pub project_name: String,
    pub project_dir: PathBuf,
}
pub fn to_config_json(_r: &Node, _c: &CanonicalContext) -> Result<serde_json::Value, String> {
    Ok(serde_json::Value::Null)
}
