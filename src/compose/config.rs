//! `composelint config`: the resolved project in the shape `docker compose config --format
//! json` prints, so users can see what composelint sees.

use serde_json::{Map, Value};

use super::canonical::{CanonicalContext, to_config_json};
use super::model::Project;

/// The merged project as JSON, with each service's environment as the container gets it
/// (`env_file` values included, bare keys resolved or null).
pub fn render(project: &Project) -> Result<Value, String> {
    let Some(root) = &project.merged else {
        return Err(
            "the project was loaded without keeping its merged document \
             (LoadOptions::keep_merged)"
                .into(),
        );
    };
    let mut ctx = CanonicalContext::new(
        project.name.clone(),
        project.directory.to_string_lossy().into_owned(),
    );
    // The services the chosen profiles start (Compose's default when none are chosen).
    ctx.profiles = project
        .enabled_profiles
        .clone()
        .unwrap_or_else(|| super::profiles::Selection::default_selection().profiles);
    let mut value = to_config_json(root, &ctx).map_err(|e| e.to_string())?;
    if let Some(services) = value.get_mut("services").and_then(Value::as_object_mut) {
        for service in &project.services {
            let Some(Value::Object(out)) = services.get_mut(&service.name) else {
                continue;
            };
            if service.environment.is_empty() {
                out.remove("environment");
                continue;
            }
            let env: Map<String, Value> = service
                .environment
                .iter()
                .map(|v| {
                    let value = v
                        .value
                        .as_ref()
                        .map(|t| Value::String(t.value.clone()))
                        .unwrap_or(Value::Null);
                    (v.key.clone(), value)
                })
                .collect();
            out.insert("environment".into(), Value::Object(env));
        }
    }
    Ok(value)
}
