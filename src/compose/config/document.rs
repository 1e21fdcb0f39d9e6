//! The merged, long-syntax tree as `docker compose config --format json` prints it, the way
//! Compose's loader leaves the project: the services the chosen profiles start, each field in
//! the shape of Compose's types (labels as maps, ports in long form, …) with defaults filled
//! in and relative paths made absolute, the implicit default network added, and the top-level
//! networks, volumes, secrets and configs under their default names.

use serde_json::{Map, Value};

use super::CanonicalContext;
use super::fields::{
    abs_path, build_json, dependencies_json, deploy_json, develop_json, devices_json, each_json,
    env_files_json, file_references, gpus_json, healthcheck_json, hook_json, hosts_json,
    logging_json, mapping_with_equals, names_json, ports_json, service_networks_json, ulimits_json,
    volumes_json,
};
use super::values::{
    JsonResult, boolean, bytes, duration, float, generic, int, is_extension, json_of, labels,
    map_strings, nonempty_string, number_f64, object_with, plain_object, shell_command, string,
    string_list,
};
use crate::compose::tree::{TreeError, go_sprint, key_text, null_node};
use crate::yaml::{Node, NodeKind};

/// What `docker compose config --format json` prints for the merged, long-syntax tree `root`
/// (see [`crate::compose::merge::merge_documents`]). The implicit `networks: {default: null}`
/// of a service and absent `command`/`entrypoint` are left out.
pub fn to_config_json(root: &Node, ctx: &CanonicalContext) -> Result<Value, TreeError> {
    let mut out = Map::new();
    out.insert("name".into(), Value::String(ctx.project_name.clone()));
    let mut services = Map::new();
    let mut uses_default_network = false;
    if let Some(entries) = root.get("services").and_then(Node::as_mapping) {
        for e in entries {
            uses_default_network |= uses_default(&e.value);
            if !profile_active(&e.value, ctx) {
                continue;
            }
            services.insert(
                key_text(&e.key).to_string(),
                Value::Object(service_json(&e.value, ctx)?),
            );
        }
    }
    out.insert("services".into(), Value::Object(services));

    let mut networks = Map::new();
    for e in root
        .get("networks")
        .and_then(Node::as_mapping)
        .unwrap_or(&[])
    {
        let key = key_text(&e.key);
        networks.insert(key.to_string(), network_json(key, &e.value, ctx)?);
    }
    if uses_default_network && !networks.contains_key("default") {
        let span = root.span;
        networks.insert(
            "default".into(),
            network_json("default", &null_node(span), ctx)?,
        );
    }
    if !networks.is_empty() {
        out.insert("networks".into(), Value::Object(networks));
    }
    for (section, kind) in [
        ("volumes", Resource::Volume),
        ("secrets", Resource::Secret),
        ("configs", Resource::Config),
    ] {
        let mut resources = Map::new();
        for e in root.get(section).and_then(Node::as_mapping).unwrap_or(&[]) {
            let key = key_text(&e.key);
            resources.insert(key.to_string(), resource_json(kind, key, &e.value, ctx)?);
        }
        if !resources.is_empty() {
            out.insert(section.into(), Value::Object(resources));
        }
    }
    // compose-go's `Project.MarshalJSON` writes no top-level `models`.
    for e in root.as_mapping().unwrap_or(&[]) {
        let key = key_text(&e.key);
        if key.starts_with("x-") {
            out.insert(key.to_string(), json_of(&e.value));
        }
    }
    Ok(Value::Object(out))
}

fn uses_default(service: &Node) -> bool {
    if service.get("provider").is_some() || service.get("network_mode").is_some() {
        return false;
    }
    match service.get("networks") {
        None => true,
        Some(n) => match &n.kind {
            NodeKind::Mapping(entries) => {
                entries.is_empty() || entries.iter().any(|e| key_text(&e.key) == "default")
            }
            NodeKind::Sequence(items) => {
                items.is_empty() || items.iter().any(|i| key_text(i) == "default")
            }
            NodeKind::Scalar(_) => true,
        },
    }
}

fn profile_active(service: &Node, ctx: &CanonicalContext) -> bool {
    let profiles: Vec<String> = match service.get("profiles") {
        Some(Node {
            kind: NodeKind::Sequence(items),
            ..
        }) => items.iter().map(go_sprint).collect(),
        _ => Vec::new(),
    };
    profiles.is_empty()
        || ctx.profiles.iter().any(|p| p == "*")
        || profiles.iter().any(|p| ctx.profiles.contains(p))
}

fn service_json(service: &Node, ctx: &CanonicalContext) -> Result<Map<String, Value>, TreeError> {
    let mut out = Map::new();
    for e in service.as_mapping().unwrap_or(&[]) {
        let key = key_text(&e.key);
        if matches!(key, "depends_on" | "networks" | "name") || is_extension(key) {
            continue;
        }
        if let Some(value) = service_field(key, &e.value, ctx)? {
            out.insert(key.to_string(), value);
        }
    }
    let dependencies = dependencies_json(service);
    if !dependencies.is_empty() {
        out.insert("depends_on".into(), Value::Object(dependencies));
    }
    if let Some(networks) = service_networks_json(service) {
        out.insert("networks".into(), networks);
    }
    Ok(out)
}

fn service_field(key: &str, v: &Node, ctx: &CanonicalContext) -> JsonResult {
    if v.is_null() {
        return Ok(None);
    }
    Ok(match key {
        "annotations" | "labels" | "sysctls" | "storage_opt" | "log_opt" => labels(v),
        "build" => build_json(v, ctx)?,
        "cap_add"
        | "cap_drop"
        | "device_cgroup_rules"
        | "dns"
        | "dns_opt"
        | "dns_search"
        | "external_links"
        | "group_add"
        | "links"
        | "profiles"
        | "security_opt"
        | "tmpfs"
        | "volumes_from"
        | "expose" => string_list(v),
        "label_file" => {
            string_list(v).map(|list| map_strings(list, |p| abs_path(&ctx.project_dir, p)))
        }
        "command" | "entrypoint" => Some(shell_command(v)?),
        "configs" => file_references(v, None),
        "secrets" => file_references(v, Some("/run/secrets")),
        "deploy" => Some(deploy_json(v)?),
        "devices" => devices_json(v),
        "environment" => mapping_with_equals(v, ctx, true)?,
        "env_file" => env_files_json(v, ctx),
        "extra_hosts" => hosts_json(v)?,
        "healthcheck" => Some(healthcheck_json(v)?),
        "logging" => Some(logging_json(v)),
        "mem_limit" | "mem_reservation" | "memswap_limit" | "mem_swappiness" | "shm_size" => {
            bytes(v)?
        }
        "ports" => ports_json(v)?,
        "pull_policy" => string(v).map(|p| {
            Value::String(if p == "if_not_present" {
                "missing".into()
            } else {
                p
            })
        }),
        "stop_grace_period" => duration(v)?,
        "ulimits" => ulimits_json(v),
        "volumes" => volumes_json(v, ctx)?,
        "cpus" | "cpu_percent" => float(v).filter(|f| *f != 0.0).map(number_f64),
        "cpu_count" | "cpu_period" | "cpu_quota" | "cpu_rt_period" | "cpu_rt_runtime"
        | "cpu_shares" | "oom_score_adj" | "pids_limit" => {
            int(v).filter(|i| *i != 0).map(Value::from)
        }
        "scale" => int(v).map(Value::from),
        "init" | "attach" => boolean(v).map(Value::Bool),
        "privileged" | "read_only" | "stdin_open" | "tty" | "oom_kill_disable" => {
            boolean(v).filter(|b| *b).map(Value::Bool)
        }
        "models" => Some(names_json(v)),
        "develop" => develop_json(v, ctx)?,
        "gpus" => Some(gpus_json(v)),
        "post_start" | "pre_stop" => Some(each_json(v, |hook| hook_json(hook, ctx))?),
        _ => generic(v),
    })
}

// --- top-level resources ---------------------------------------------------------------------

fn default_name(key: &str, node: &Node, ctx: &CanonicalContext) -> String {
    if node.get("external").and_then(boolean) == Some(true) {
        key.to_string()
    } else {
        format!("{}_{key}", ctx.project_name)
    }
}

fn network_json(key: &str, node: &Node, ctx: &CanonicalContext) -> Result<Value, TreeError> {
    let mut out = object_with(node, |k, v| {
        Ok(match k {
            "name" | "driver" => nonempty_string(v),
            "driver_opts" | "labels" => labels(v),
            "ipam" => Some(Value::Object(object_with(v, |k, v| {
                Ok(match k {
                    "options" => labels(v),
                    "config" => v.as_sequence().map(|pools| {
                        Value::Array(
                            pools
                                .iter()
                                .map(|pool| {
                                    plain_object(pool, |k, v| match k {
                                        "aux_addresses" => labels(v),
                                        _ => generic(v),
                                    })
                                })
                                .collect(),
                        )
                    }),
                    _ => generic(v),
                })
            })?)),
            "external" | "internal" | "attachable" => boolean(v).filter(|b| *b).map(Value::Bool),
            "enable_ipv4" | "enable_ipv6" => boolean(v).map(Value::Bool),
            _ => generic(v),
        })
    })?;
    out.entry("name")
        .or_insert_with(|| Value::String(default_name(key, node, ctx)));
    out.entry("ipam")
        .or_insert_with(|| Value::Object(Map::new()));
    Ok(Value::Object(out))
}

#[derive(Clone, Copy, Debug)]
enum Resource {
    Volume,
    Secret,
    Config,
}

fn resource_json(
    kind: Resource,
    key: &str,
    node: &Node,
    ctx: &CanonicalContext,
) -> Result<Value, TreeError> {
    let mut out = object_with(node, |k, v| {
        Ok(match k {
            "name" | "driver" | "environment" | "template_driver" => nonempty_string(v),
            "driver_opts" | "labels" => labels(v),
            "external" => boolean(v).filter(|b| *b).map(Value::Bool),
            "file" if !matches!(kind, Resource::Volume) => {
                string(v).map(|f| Value::String(abs_path(&ctx.project_dir, &f)))
            }
            "content" => match kind {
                Resource::Config => nonempty_string(v),
                _ => None,
            },
            _ => generic(v),
        })
    })?;
    out.entry("name")
        .or_insert_with(|| Value::String(default_name(key, node, ctx)));
    Ok(Value::Object(out))
}
