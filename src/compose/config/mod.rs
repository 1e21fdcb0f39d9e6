//! `composelint config`: the resolved project in the shape `docker compose config --format
//! json` prints, so users can see what composelint sees.
//!
//! Here: what the command adds to the loaded project before printing it ([`render`]). The
//! loaded project itself is rendered by `document` (the walk over the merged tree), `fields`
//! (the service fields with a shape of their own) and `values` (scalars in Go's types).

mod diff;
mod document;
mod fields;
mod values;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

pub use diff::{ConfigPath, differences};
pub use document::to_config_json;

use super::model::Project;

/// What the `config` JSON depends on besides the merged tree.
#[derive(Clone, Debug, Default)]
pub struct CanonicalContext {
    pub project_name: String,
    /// Absolute, `/`-separated; relative paths in the files are resolved against it.
    pub project_dir: String,
    /// The project environment, for entries that name a variable without a value (`- KEY`).
    pub environment: BTreeMap<String, String>,
    /// Active profiles; `*` enables all.
    pub profiles: Vec<String>,
    /// What `~` in a bind-mount source stands for; left as written when unknown.
    pub home_dir: Option<String>,
}

impl CanonicalContext {
    pub fn new(project_name: impl Into<String>, project_dir: impl Into<String>) -> Self {
        CanonicalContext {
            project_name: project_name.into(),
            project_dir: project_dir.into(),
            ..CanonicalContext::default()
        }
    }
}

/// What `docker compose config --format json` (v2.40.3) prints for the project: the loaded
/// project of [`project_json`], then what the command does before printing it:
/// - each service's environment is the container's, `env_file` values included and bare keys
///   resolved or null; `env_file` is left out;
/// - every service shows `command` and `entrypoint` (null when unset), and a service on the
///   implicit default network lists it: `networks: {default: null}`;
/// - networks, volumes, secrets and configs that no service uses are left out;
/// - every `$` is written `$$`, so that the output loads again as it reads.
pub fn render(project: &Project) -> Result<Value, String> {
    render_profiles(project, None)
}

/// [`render`] as `docker compose --profile '*' config` prints it: every service of the
/// project, whatever profiles it has (what the fixer compares before and after a fix).
pub fn render_every_service(project: &Project) -> Result<Value, String> {
    render_profiles(project, Some(vec!["*".to_string()]))
}

fn render_profiles(project: &Project, profiles: Option<Vec<String>>) -> Result<Value, String> {
    let mut value = project_json_with(project, profiles)?;
    if let Some(services) = value.get_mut("services").and_then(Value::as_object_mut) {
        for service in &project.services {
            let Some(Value::Object(out)) = services.get_mut(&service.name) else {
                continue;
            };
            out.remove("env_file");
            if service.environment.is_empty() {
                out.remove("environment");
            } else {
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
        for service in services.values_mut().filter_map(Value::as_object_mut) {
            for key in ["command", "entrypoint"] {
                service.entry(key).or_insert(Value::Null);
            }
            let detached = ["network_mode", "provider"]
                .iter()
                .any(|k| service.contains_key(*k));
            if !detached && !service.contains_key("networks") {
                let default = Map::from_iter([("default".to_string(), Value::Null)]);
                service.insert("networks".into(), Value::Object(default));
            }
        }
    }
    without_unused_resources(&mut value);
    Ok(escape_dollars(value))
}

/// The loaded project as the oracle vectors record compose-go's `types.Project` in JSON: no
/// service lists the implicit default network or a null `command` or `entrypoint`, and
/// `env_file` is kept, not read into the environment.
pub fn project_json(project: &Project) -> Result<Value, String> {
    project_json_with(project, None)
}

/// [`project_json`] with these profiles enabled instead of the project's choice.
fn project_json_with(project: &Project, profiles: Option<Vec<String>>) -> Result<Value, String> {
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
    ctx.profiles = profiles
        .or_else(|| project.enabled_profiles.clone())
        .unwrap_or_else(|| super::profiles::Selection::default_selection().profiles);
    to_config_json(root, &ctx).map_err(|e| e.to_string())
}

/// Leaves out the top-level networks, volumes, secrets and configs that no service uses, as
/// compose-go's `Project.WithoutUnnecessaryResources` does: a network a service attaches to,
/// a volume a service mounts (`type: volume`), a secret of a service or of its build, a
/// config of a service.
fn without_unused_resources(document: &mut Value) {
    let mut used: [(&str, BTreeSet<String>); 4] = [
        ("networks", BTreeSet::new()),
        ("volumes", BTreeSet::new()),
        ("secrets", BTreeSet::new()),
        ("configs", BTreeSet::new()),
    ];
    let sources = |list: Option<&Value>| -> Vec<String> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|item| item.get("source")?.as_str().map(str::to_string))
            .collect()
    };
    let services = document.get("services").and_then(Value::as_object);
    for service in services.into_iter().flat_map(|s| s.values()) {
        let networks = service.get("networks").and_then(Value::as_object);
        used[0]
            .1
            .extend(networks.into_iter().flat_map(|n| n.keys().cloned()));
        let volumes = service.get("volumes").and_then(Value::as_array);
        used[1].1.extend(
            volumes
                .into_iter()
                .flatten()
                .filter(|v| v.get("type").and_then(Value::as_str) == Some("volume"))
                .filter_map(|v| v.get("source")?.as_str().map(str::to_string)),
        );
        used[2].1.extend(sources(service.get("secrets")));
        used[2]
            .1
            .extend(sources(service.get("build").and_then(|b| b.get("secrets"))));
        used[3].1.extend(sources(service.get("configs")));
    }
    let Some(top) = document.as_object_mut() else {
        return;
    };
    for (section, names) in used {
        if let Some(Value::Object(resources)) = top.get_mut(section) {
            resources.retain(|name, _| names.contains(name));
            if resources.is_empty() {
                top.remove(section);
            }
        }
    }
}

/// Every `$` of keys and strings doubled, as `docker compose config` escapes its output.
fn escape_dollars(value: Value) -> Value {
    let escape = |s: String| {
        if s.contains('$') {
            s.replace('$', "$$")
        } else {
            s
        }
    };
    match value {
        Value::String(s) => Value::String(escape(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(escape_dollars).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (escape(k), escape_dollars(v)))
                .collect(),
        ),
        other => other,
    }
}
