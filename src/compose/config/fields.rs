//! The service fields whose JSON is more than their YAML: `build`, `deploy`, `ports`,
//! `volumes`, `depends_on`, `networks`, hooks, … each in the shape of compose-go's types, with
//! its defaults filled in and its relative paths resolved against the project directory.

use serde_json::{Map, Value};

use super::CanonicalContext;
use super::values::{
    JsonResult, boolean, bytes, duration, float, generic, int, json_of, labels, nonempty_string,
    number_f64, object_with, plain_object, shell_command, string, string_list,
};
use crate::compose::tree::{TreeError, go_sprint, key_text, null_node};
use crate::paths::{clean_path, is_file_path};
use crate::yaml::{Node, NodeKind, ScalarStyle, ScalarValue};

/// A sequence with `item` applied to each of its items.
pub(super) fn each_json(
    node: &Node,
    item: impl Fn(&Node) -> Result<Value, TreeError>,
) -> Result<Value, TreeError> {
    let items = node.as_sequence().unwrap_or(&[]);
    Ok(Value::Array(
        items.iter().map(item).collect::<Result<_, _>>()?,
    ))
}

/// `develop`: each watch rule's path resolved, its `exec` hook always written.
pub(super) fn develop_json(node: &Node, ctx: &CanonicalContext) -> JsonResult {
    let out = object_with(node, |key, v| {
        Ok(match key {
            "watch" => Some(each_json(v, |rule| watch_rule_json(rule, ctx))?),
            _ => generic(v),
        })
    })?;
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

fn watch_rule_json(node: &Node, ctx: &CanonicalContext) -> Result<Value, TreeError> {
    let mut out = object_with(node, |key, v| {
        Ok(match key {
            "path" => string(v).map(|p| Value::String(abs_path(&ctx.project_dir, &p))),
            "exec" => Some(hook_json(v, ctx)?),
            "initial_sync" => boolean(v).filter(|b| *b).map(Value::Bool),
            _ => generic(v),
        })
    })?;
    // `exec` is a struct, which Go's `omitempty` never leaves out.
    if !out.contains_key("exec") {
        out.insert("exec".into(), hook_json(&null_node(node.span), ctx)?);
    }
    Ok(Value::Object(out))
}

/// A `ServiceHook` (`post_start`, `pre_stop`, a watch rule's `exec`): `command` is always
/// written, null when unset.
pub(super) fn hook_json(node: &Node, ctx: &CanonicalContext) -> Result<Value, TreeError> {
    let mut out = object_with(node, |key, v| {
        Ok(match key {
            "command" => Some(shell_command(v)?),
            "privileged" => boolean(v).filter(|b| *b).map(Value::Bool),
            "environment" => mapping_with_equals(v, ctx, true)?,
            _ => generic(v),
        })
    })?;
    out.entry("command").or_insert(Value::Null);
    Ok(Value::Object(out))
}

/// `environment` / `build.args`: a bare key has no value; it takes the project environment's,
/// else stays null (`keep_unset`) or is dropped.
pub(super) fn mapping_with_equals(
    node: &Node,
    ctx: &CanonicalContext,
    keep_unset: bool,
) -> JsonResult {
    let mut pairs: Vec<(String, Option<String>, &Node)> = Vec::new();
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                pairs.push((key_text(&e.key).to_string(), string(&e.value), &e.value));
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                let s = go_sprint(item);
                match s.split_once('=') {
                    Some((k, v)) => pairs.push((k.to_string(), Some(v.to_string()), item)),
                    None => pairs.push((s, None, item)),
                }
            }
        }
        NodeKind::Scalar(_) => return Ok(None),
    }
    let mut out = Map::new();
    for (key, value, at) in pairs {
        if key.ends_with(char::is_whitespace) {
            return Err(TreeError::at(
                format!("environment variable {key} is declared with a trailing space"),
                at,
            ));
        }
        let value = value.or_else(|| ctx.environment.get(&key).cloned());
        match value {
            Some(v) => {
                out.insert(key, Value::String(v));
            }
            None if keep_unset => {
                out.insert(key, Value::Null);
            }
            None => {}
        }
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

// --- paths -----------------------------------------------------------------------------------

/// A path as compose-go resolves it against `dir`: an absolute path is kept as written
/// (`/etc/pihole/` keeps its slash), a relative one is joined and cleaned.
pub(super) fn abs_path(dir: &str, p: &str) -> String {
    if p.starts_with('/') {
        p.to_string()
    } else {
        clean_path(&format!("{dir}/{p}"))
    }
}

fn expand_home(p: &str, ctx: &CanonicalContext) -> Option<String> {
    let home = ctx.home_dir.as_ref()?;
    if p == "~" {
        return Some(home.clone());
    }
    p.strip_prefix("~/").map(|rest| format!("{home}/{rest}"))
}

/// A bind-mount source as Compose resolves it: `~` is the home directory, a relative path is
/// below the project directory; Windows paths are left alone.
fn bind_source(source: String, ctx: &CanonicalContext) -> String {
    if let Some(expanded) = expand_home(&source, ctx) {
        return expanded;
    }
    let windows = source.starts_with("\\\\")
        || (is_file_path(&source) && !source.starts_with(['.', '/', '~']));
    if source.starts_with('~') || windows {
        return source;
    }
    abs_path(&ctx.project_dir, &source)
}

fn is_remote_context(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}

// --- service fields --------------------------------------------------------------------------

pub(super) fn build_json(node: &Node, ctx: &CanonicalContext) -> JsonResult {
    let mut out = object_with(node, |key, v| {
        Ok(match key {
            "context" => string(v).map(|c| {
                Value::String(if is_remote_context(&c) {
                    c
                } else {
                    abs_path(&ctx.project_dir, &c)
                })
            }),
            "args" => mapping_with_equals(v, ctx, false)?,
            "labels" => labels(v),
            "additional_contexts" => labels(v).map(|m| match m {
                Value::Object(map) => Value::Object(
                    map.into_iter()
                        .map(|(k, v)| {
                            let v = match v {
                                Value::String(s)
                                    if !s.contains("://")
                                        && !s.starts_with("service:")
                                        && !s.starts_with('/') =>
                                {
                                    Value::String(abs_path(&ctx.project_dir, &s))
                                }
                                other => other,
                            };
                            (k, v)
                        })
                        .collect(),
                ),
                other => other,
            }),
            "cache_from" | "cache_to" | "tags" | "platforms" | "entitlements" => string_list(v),
            "extra_hosts" => hosts_json(v)?,
            "secrets" => file_references(v, None),
            "shm_size" => bytes(v)?,
            "ulimits" => ulimits_json(v),
            "no_cache" | "pull" | "privileged" => boolean(v).filter(|b| *b).map(Value::Bool),
            "ssh" => ssh_json(v),
            _ => generic(v),
        })
    })?;
    if !out.contains_key("context") {
        out.insert(
            "context".into(),
            Value::String(abs_path(&ctx.project_dir, ".")),
        );
    }
    if !out.contains_key("dockerfile") && !out.contains_key("dockerfile_inline") {
        out.insert("dockerfile".into(), Value::String("Dockerfile".into()));
    }
    Ok(Some(Value::Object(out)))
}

fn ssh_json(node: &Node) -> Option<Value> {
    let items: Vec<Value> = match &node.kind {
        NodeKind::Mapping(entries) => entries
            .iter()
            .map(|e| match string(&e.value) {
                Some(v) => Value::String(format!("{}={v}", key_text(&e.key))),
                None => Value::String(key_text(&e.key).to_string()),
            })
            .collect(),
        _ => return string_list(node),
    };
    (!items.is_empty()).then_some(Value::Array(items))
}

fn file_mode(node: &Node) -> Option<Value> {
    let scalar = node.as_scalar()?;
    let raw = scalar.text.as_str();
    let mode = match scalar.value() {
        // Go's YAML reader takes a leading 0 as octal.
        ScalarValue::Int(_)
            if scalar.style == ScalarStyle::Plain
                && raw.len() > 1
                && raw.starts_with('0')
                && raw.bytes().all(|b| (b'0'..=b'7').contains(&b)) =>
        {
            i64::from_str_radix(raw, 8).ok()?
        }
        ScalarValue::Int(i) => i,
        ScalarValue::Str(s) => i64::from_str_radix(s, 8).ok()?,
        _ => return None,
    };
    Some(Value::String(format!("0{mode:o}")))
}

/// `secrets` / `configs` of a service; a secret's target defaults under `/run/secrets`.
pub(super) fn file_references(node: &Node, default_dir: Option<&str>) -> Option<Value> {
    let items = node.as_sequence()?;
    let mut out = Vec::new();
    for item in items {
        let mut reference = Map::new();
        match &item.kind {
            NodeKind::Mapping(_) => {
                for key in ["source", "target", "uid", "gid"] {
                    if let Some(v) = item.get(key).and_then(nonempty_string) {
                        reference.insert(key.into(), v);
                    }
                }
                if let Some(mode) = item.get("mode").and_then(file_mode) {
                    reference.insert("mode".into(), mode);
                }
            }
            _ => {
                if let Some(v) = nonempty_string(item) {
                    reference.insert("source".into(), v);
                }
            }
        }
        if let Some(dir) = default_dir
            && !reference.contains_key("target")
        {
            let source = reference
                .get("source")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            reference.insert("target".into(), Value::String(format!("{dir}/{source}")));
        }
        out.push(Value::Object(reference));
    }
    (!out.is_empty()).then_some(Value::Array(out))
}

pub(super) fn deploy_json(node: &Node) -> Result<Value, TreeError> {
    let mut out = object_with(node, |key, v| {
        Ok(match key {
            "labels" => labels(v),
            "replicas" => int(v).map(Value::from),
            "update_config" | "rollback_config" => Some(Value::Object(object_with(v, |k, v| {
                Ok(match k {
                    "delay" | "monitor" => duration(v)?,
                    "parallelism" => int(v).map(Value::from),
                    "max_failure_ratio" => float(v).filter(|f| *f != 0.0).map(number_f64),
                    _ => generic(v),
                })
            })?)),
            "restart_policy" => Some(Value::Object(object_with(v, |k, v| {
                Ok(match k {
                    "delay" | "window" => duration(v)?,
                    "max_attempts" => int(v).map(Value::from),
                    _ => generic(v),
                })
            })?)),
            "resources" => Some(Value::Object(object_with(v, |k, v| {
                Ok(match k {
                    "limits" | "reservations" => Some(resource_limits_json(v)?),
                    _ => generic(v),
                })
            })?)),
            "placement" => Some(Value::Object(object_with(v, |k, v| {
                Ok(match k {
                    "max_replicas_per_node" => int(v).filter(|i| *i != 0).map(Value::from),
                    _ => generic(v),
                })
            })?)),
            _ => generic(v),
        })
    })?;
    // Both are plain structs in Compose's model, so they are always printed.
    for key in ["resources", "placement"] {
        out.entry(key).or_insert_with(|| Value::Object(Map::new()));
    }
    Ok(Value::Object(out))
}

fn resource_limits_json(node: &Node) -> Result<Value, TreeError> {
    Ok(Value::Object(object_with(node, |key, v| {
        Ok(match key {
            "cpus" => float(v).filter(|f| *f != 0.0).map(number_f64),
            "memory" => bytes(v)?,
            "pids" => int(v).filter(|i| *i != 0).map(Value::from),
            "devices" => v
                .as_sequence()
                .map(|items| Value::Array(items.iter().map(device_request_json).collect())),
            _ => generic(v),
        })
    })?))
}

fn device_request_json(node: &Node) -> Value {
    let mut out = Map::new();
    for e in node.as_mapping().unwrap_or(&[]) {
        let key = key_text(&e.key);
        let value = match key {
            "count" => count_json(&e.value),
            "capabilities" | "device_ids" => string_list(&e.value),
            "options" => labels(&e.value),
            _ => generic(&e.value),
        };
        if let Some(value) = value {
            out.insert(key.to_string(), value);
        }
    }
    if node.get("count").is_none() && node.get("device_ids").is_none() {
        out.insert("count".into(), Value::from(-1));
    }
    Value::Object(out)
}

/// `gpus`: `all` is every GPU (`[{count: -1}]`); a list holds device requests like those of
/// `deploy.resources.reservations.devices`.
pub(super) fn gpus_json(node: &Node) -> Value {
    match node.as_sequence() {
        Some(items) => Value::Array(items.iter().map(device_request_json).collect()),
        None => Value::Array(vec![Value::Object(Map::from_iter([(
            "count".to_string(),
            Value::from(-1),
        )]))]),
    }
}

fn count_json(node: &Node) -> Option<Value> {
    match node.as_scalar()?.value() {
        ScalarValue::Str(s) if s.eq_ignore_ascii_case("all") => Some(Value::from(-1)),
        _ => int(node).map(Value::from),
    }
}

pub(super) fn devices_json(node: &Node) -> Option<Value> {
    let items = node.as_sequence()?;
    let out: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut device = Map::new();
            for key in ["source", "target", "permissions"] {
                if let Some(v) = item.get(key).and_then(nonempty_string) {
                    device.insert(key.into(), v);
                }
            }
            Value::Object(device)
        })
        .collect();
    (!out.is_empty()).then_some(Value::Array(out))
}

pub(super) fn env_files_json(node: &Node, ctx: &CanonicalContext) -> Option<Value> {
    let items = node.as_sequence()?;
    let mut out = Vec::new();
    for item in items {
        let mut file = Map::new();
        let path = match &item.kind {
            NodeKind::Mapping(_) => item.get("path").and_then(string),
            _ => string(item),
        };
        let Some(path) = path else { continue };
        file.insert(
            "path".into(),
            Value::String(abs_path(&ctx.project_dir, &path)),
        );
        if item.get("required").and_then(boolean) == Some(false) {
            file.insert("required".into(), Value::Bool(false));
        }
        if let Some(format) = item.get("format").and_then(nonempty_string) {
            file.insert("format".into(), format);
        }
        out.push(Value::Object(file));
    }
    (!out.is_empty()).then_some(Value::Array(out))
}

/// `extra_hosts` as sorted `host=ip` strings; a host may carry several addresses.
pub(super) fn hosts_json(node: &Node) -> JsonResult {
    let mut pairs: Vec<(String, String)> = Vec::new();
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                let host = key_text(&e.key).to_string();
                match &e.value.kind {
                    NodeKind::Sequence(ips) => {
                        pairs.extend(ips.iter().map(|ip| (host.clone(), go_sprint(ip))));
                    }
                    _ => pairs.push((host, string(&e.value).unwrap_or_default())),
                }
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                let s = go_sprint(item);
                let Some((host, ips)) = s.split_once('=').or_else(|| s.split_once(':')) else {
                    return Err(TreeError::at(
                        format!("invalid additional host, missing IP: {s}"),
                        item,
                    ));
                };
                pairs.extend(ips.split(',').map(|ip| (host.to_string(), ip.to_string())));
            }
        }
        NodeKind::Scalar(_) => return Ok(None),
    }
    let mut out = Vec::with_capacity(pairs.len());
    for (host, ip) in pairs {
        if host.is_empty() || host.contains([':', '=']) {
            return Err(TreeError::at(format!("bad host name '{host}'"), node));
        }
        let ip = if ip.len() > 2 && ip.starts_with('[') && ip.ends_with(']') {
            &ip[1..ip.len() - 1]
        } else {
            ip.as_str()
        };
        out.push(format!("{host}={ip}"));
    }
    out.sort();
    Ok((!out.is_empty()).then(|| Value::Array(out.into_iter().map(Value::String).collect())))
}

pub(super) fn healthcheck_json(node: &Node) -> Result<Value, TreeError> {
    Ok(Value::Object(object_with(node, |key, v| {
        Ok(match key {
            "test" => Some(match &v.kind {
                NodeKind::Sequence(_) => string_list(v).unwrap_or(Value::Array(Vec::new())),
                _ => Value::Array(vec![
                    Value::String("CMD-SHELL".into()),
                    Value::String(string(v).unwrap_or_default()),
                ]),
            }),
            "interval" | "timeout" | "start_period" | "start_interval" => duration(v)?,
            "retries" => int(v).map(Value::from),
            "disable" => boolean(v).filter(|b| *b).map(Value::Bool),
            _ => generic(v),
        })
    })?))
}

pub(super) fn logging_json(node: &Node) -> Value {
    let mut out = Map::new();
    if let Some(driver) = node.get("driver").and_then(nonempty_string) {
        out.insert("driver".into(), driver);
    }
    if let Some(options) = node.get("options").and_then(labels) {
        out.insert("options".into(), options);
    }
    Value::Object(out)
}

pub(super) fn ulimits_json(node: &Node) -> Option<Value> {
    let mut out = Map::new();
    for e in node.as_mapping()? {
        let value = match &e.value.kind {
            NodeKind::Mapping(_) => {
                let mut limit = Map::new();
                for key in ["soft", "hard"] {
                    if let Some(n) = e.value.get(key).and_then(int).filter(|n| *n != 0) {
                        limit.insert(key.into(), Value::from(n));
                    }
                }
                Value::Object(limit)
            }
            _ => match int(&e.value) {
                Some(n) => Value::from(n),
                None => continue,
            },
        };
        out.insert(key_text(&e.key).to_string(), value);
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

pub(super) fn ports_json(node: &Node) -> JsonResult {
    let Some(items) = node.as_sequence() else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for item in items {
        if item.as_mapping().is_none() {
            continue;
        }
        let mut port = Map::new();
        for key in ["name", "host_ip", "app_protocol"] {
            if let Some(v) = item.get(key).and_then(nonempty_string) {
                port.insert(key.into(), v);
            }
        }
        let mode = item
            .get("mode")
            .and_then(string)
            .unwrap_or_else(|| "ingress".into());
        port.insert("mode".into(), Value::String(mode));
        let protocol = item
            .get("protocol")
            .and_then(string)
            .unwrap_or_else(|| "tcp".into());
        port.insert("protocol".into(), Value::String(protocol));
        if let Some(target) = item.get("target") {
            match int(target) {
                Some(0) => {}
                Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => {
                    port.insert("target".into(), Value::from(n));
                }
                _ => {
                    return Err(TreeError::at(
                        format!("invalid target port: {}", go_sprint(target)),
                        target,
                    ));
                }
            }
        }
        if let Some(published) = item.get("published").and_then(nonempty_string) {
            port.insert("published".into(), published);
        }
        out.push(Value::Object(port));
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
}

pub(super) fn volumes_json(node: &Node, ctx: &CanonicalContext) -> JsonResult {
    let Some(items) = node.as_sequence() else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for item in items {
        if item.as_mapping().is_none() {
            continue;
        }
        let kind = item.get("type").and_then(string).unwrap_or_default();
        let volume = object_with(item, |key, v| {
            Ok(match key {
                "source" => string(v).filter(|s| !s.is_empty()).map(|s| {
                    Value::String(if kind == "bind" {
                        bind_source(s, ctx)
                    } else {
                        s
                    })
                }),
                "target" => string(v)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(clean_path(&s))),
                "read_only" => boolean(v).filter(|b| *b).map(Value::Bool),
                "bind" => Some(Value::Object(object_with(v, |k, v| {
                    Ok(match k {
                        "create_host_path" => boolean(v).filter(|b| *b).map(Value::Bool),
                        _ => generic(v),
                    })
                })?)),
                "volume" => Some(Value::Object(object_with(v, |k, v| {
                    Ok(match k {
                        "nocopy" => boolean(v).filter(|b| *b).map(Value::Bool),
                        "labels" => labels(v),
                        _ => generic(v),
                    })
                })?)),
                "tmpfs" => Some(Value::Object(object_with(v, |k, v| {
                    Ok(match k {
                        "size" => bytes(v)?,
                        "mode" => int(v).filter(|i| *i != 0).map(Value::from),
                        _ => generic(v),
                    })
                })?)),
                "image" => Some(Value::Object(object_with(v, |_, v| Ok(generic(v)))?)),
                _ => generic(v),
            })
        })?;
        out.push(Value::Object(volume));
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
}

/// A mapping of names whose values may be null (`models:` of a service).
pub(super) fn names_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Sequence(items) => {
            Value::Object(items.iter().map(|i| (go_sprint(i), Value::Null)).collect())
        }
        _ => json_of(node),
    }
}

/// `depends_on`, with the dependencies `links`, `volumes_from` and `service:` namespaces imply.
pub(super) fn dependencies_json(service: &Node) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(entries) = service.get("depends_on").and_then(Node::as_mapping) {
        for e in entries {
            let dep = &e.value;
            let condition = dep
                .get("condition")
                .and_then(string)
                .unwrap_or_else(|| "service_started".into());
            let restart = dep.get("restart").and_then(boolean).unwrap_or(false);
            let required = dep.get("required").and_then(boolean).unwrap_or(true);
            out.insert(
                key_text(&e.key).to_string(),
                dependency(&condition, restart, required),
            );
        }
    }
    let mut implied = |name: String, restart: bool| {
        out.entry(name)
            .or_insert_with(|| dependency("service_started", restart, true));
    };
    for link in service
        .get("links")
        .and_then(Node::as_sequence)
        .unwrap_or(&[])
    {
        let link = go_sprint(link);
        let parts: Vec<&str> = link.split(':').collect();
        let name = match parts.as_slice() {
            [name, _] => (*name).to_string(),
            _ => link.clone(),
        };
        implied(name, true);
    }
    for key in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
        if let Some(name) = service
            .get(key)
            .and_then(string)
            .and_then(|v| v.strip_prefix("service:").map(str::to_string))
        {
            implied(name, true);
        }
    }
    for source in service
        .get("volumes_from")
        .and_then(Node::as_sequence)
        .unwrap_or(&[])
    {
        let source = go_sprint(source);
        if !source.starts_with("container:") {
            let name = source.split(':').next().unwrap_or("").to_string();
            implied(name, false);
        }
    }
    out
}

fn dependency(condition: &str, restart: bool, required: bool) -> Value {
    let mut dep = Map::new();
    dep.insert("condition".into(), Value::String(condition.to_string()));
    if restart {
        dep.insert("restart".into(), Value::Bool(true));
    }
    dep.insert("required".into(), Value::Bool(required));
    Value::Object(dep)
}

/// A service's networks; the implicit `{default: null}` is left out.
pub(super) fn service_networks_json(service: &Node) -> Option<Value> {
    let networks = service.get("networks")?;
    let mut out = Map::new();
    match &networks.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                let value = if e.value.is_null() {
                    Value::Null
                } else {
                    plain_object(&e.value, |key, v| match key {
                        "aliases" | "link_local_ips" => string_list(v),
                        "driver_opts" => labels(v),
                        "priority" | "gw_priority" => int(v).filter(|i| *i != 0).map(Value::from),
                        _ => generic(v),
                    })
                };
                out.insert(key_text(&e.key).to_string(), value);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                out.insert(go_sprint(item), Value::Null);
            }
        }
        NodeKind::Scalar(_) => {}
    }
    let only_default =
        out.is_empty() || (out.len() == 1 && out.get("default").is_some_and(Value::is_null));
    (!only_default).then_some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_project_directory() {
        assert_eq!(abs_path("/proj", "."), "/proj");
        assert_eq!(abs_path("/proj", "/etc/x"), "/etc/x");
    }
}
