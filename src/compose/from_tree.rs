//! Builds the typed model from the merged document: services with their networking fields,
//! the container environment (with `env_file` values), top-level networks and volumes.

use std::path::Path;

use crate::go_format::go_float;
use crate::knowledge::nginx;
use crate::source::{FileKind, Span};
use crate::text::Text;
use crate::yaml::{Entry, Node, NodeKind, ScalarValue};

use super::env::Env;
use super::extra_hosts;
use super::issues::{self, LoadIssue};
use super::model::*;
use super::ports;
use super::reader::{EnvFile, Reader};
use super::shell;

/// Builds the model; every file it needs (env files, Dockerfiles) is read through the
/// loader's [`Reader`], so it does no I/O of its own.
pub(super) struct Builder<'a, 'fs> {
    pub files: &'a mut Reader<'fs>,
    pub env: &'a Env,
    pub directory: &'a Path,
    pub project_name: &'a str,
}

impl Builder<'_, '_> {
    /// Builds the model from `root`. With `consume`, each service's subtree is freed once
    /// its service is built (the tree is not wanted afterwards), so the tree and the model
    /// are never both whole in memory.
    pub fn build(&mut self, root: &mut Node, consume: bool, project: &mut Project) {
        for (key, value) in self.mapping(root.get("networks"), "networks") {
            let (name, external) = self.resource_name(key, value);
            project.networks.push(Network {
                key: key.value.clone(),
                key_span: Some(key_span(root, "networks", &key.value)),
                name,
                external,
            });
        }
        for (key, value) in self.mapping(root.get("volumes"), "volumes") {
            let (name, external) = self.resource_name(key, value);
            project.volumes.push(Volume {
                key: key.value.clone(),
                key_span: Some(key_span(root, "volumes", &key.value)),
                name,
                external,
            });
        }
        for (field, names) in [
            ("secrets", &mut project.secrets),
            ("configs", &mut project.configs),
        ] {
            for (key, _) in self.mapping(root.get(field), field) {
                names.push(key.value.clone());
            }
        }
        match root.get("services") {
            None => {}
            Some(node) if node.is_null() => {}
            Some(node) if node.as_mapping().is_none() => self.structure(
                node.span,
                format!("`services` must be a mapping, not {}", node.type_name()),
            ),
            Some(_) => {}
        }
        let entries = root
            .as_mapping()
            .and_then(|entries| {
                entries
                    .iter()
                    .position(|e| e.key.as_str() == Some("services"))
            })
            .and_then(|at| match &mut root.kind {
                NodeKind::Mapping(entries) => match &mut entries.get_mut(at)?.value.kind {
                    NodeKind::Mapping(services) => Some(services),
                    _ => None,
                },
                _ => None,
            });
        if let Some(entries) = entries {
            // Not reserved up front: while the tree is consumed, the list grows only as the
            // tree shrinks.
            if consume {
                for entry in std::mem::take(entries) {
                    self.add_service(&entry, project);
                }
            } else {
                for entry in entries.iter() {
                    self.add_service(entry, project);
                }
            }
        }
        project.services.shrink_to_fit();
        project.service_index = project
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        if project
            .services
            .iter()
            .any(|s| s.networks.iter().any(|n| n.name == "default"))
            && project.network("default").is_none()
        {
            project.networks.push(Network {
                key: "default".into(),
                key_span: None,
                name: format!("{}_default", self.project_name),
                external: false,
            });
        }
    }

    fn add_service(&mut self, entry: &Entry, project: &mut Project) {
        let Some(name) = entry.key.as_str() else {
            self.structure(entry.key.span, "a service name must be a string".into());
            return;
        };
        if entry.value.as_mapping().is_none() && !entry.value.is_null() {
            self.structure(
                entry.value.span,
                format!(
                    "service `{name}` must be a mapping, not {}",
                    entry.value.type_name()
                ),
            );
            return;
        }
        let service = self.service(name, entry.key.span, &entry.value);
        project.services.push(service);
    }

    fn structure(&mut self, span: Span, message: String) {
        self.files
            .issues
            .push(LoadIssue::Structure { span, message });
    }

    /// The entries of an optional mapping field; anything else is reported.
    fn mapping<'n>(&mut self, node: Option<&'n Node>, what: &str) -> Vec<(&'n Text, &'n Node)> {
        let Some(node) = node else { return Vec::new() };
        if node.is_null() {
            return Vec::new();
        }
        let Some(entries) = node.as_mapping() else {
            self.structure(
                node.span,
                format!("`{what}` must be a mapping, not {}", node.type_name()),
            );
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|e| e.key.as_scalar().map(|k| (&k.text, &e.value)))
            .collect()
    }

    fn resource_name(&mut self, key: &Text, value: &Node) -> (String, bool) {
        let external = value
            .get("external")
            .and_then(Node::as_scalar)
            .is_some_and(|s| {
                matches!(s.value(), ScalarValue::Bool(true)) || s.text.value == "true"
            })
            || value
                .get("external")
                .is_some_and(|e| e.as_mapping().is_some());
        let name = value
            .get("name")
            .and_then(Node::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                if external {
                    key.value.clone()
                } else {
                    format!("{}_{}", self.project_name, key.value)
                }
            });
        (name, external)
    }

    fn service(&mut self, name: &str, key_span: Span, node: &Node) -> Service {
        let mut service = Service {
            image: self.string(node, "image"),
            build: self.build_field(node).map(Box::new),
            container_name: self.string(node, "container_name"),
            hostname: self.string(node, "hostname"),
            network_mode: self.string(node, "network_mode"),
            expose: self.strings(node, "expose"),
            secrets: self.mounted_names(node, "secrets"),
            configs: self.mounted_names(node, "configs"),
            profiles: self.strings(node, "profiles"),
            replicas: replicas(node),
            command: self.command(node, "command"),
            entrypoint: self.command(node, "entrypoint"),
            healthcheck: node
                .get("healthcheck")
                .filter(|h| h.as_mapping().is_some())
                .map(|h| Box::new(healthcheck(h))),
            ..Service::named(name, key_span)
        };
        self.networks(node, &mut service);
        self.ports(node, &mut service);
        self.extra_hosts(node, &mut service);
        self.links(node, &mut service);
        self.depends_on(node, &mut service);
        self.implied_dependencies(node, &mut service);
        self.volumes(node, &mut service);
        self.mounted_configs(&mut service);
        self.environment(node, &mut service);
        service.labels = labels(node);
        service.shrink_to_fit();
        service
    }

    fn scalar_text(&mut self, node: &Node, field: &str) -> Option<Text> {
        match &node.kind {
            NodeKind::Scalar(s) if !node.is_null() => Some(s.text.clone()),
            NodeKind::Scalar(_) => None,
            _ => {
                self.structure(
                    node.span,
                    format!("`{field}` must be a string, not {}", node.type_name()),
                );
                None
            }
        }
    }

    fn string(&mut self, node: &Node, field: &str) -> Option<Text> {
        let value = node.get(field)?;
        self.scalar_text(value, field)
    }

    /// A list of strings (a single string is accepted where Compose accepts one).
    fn strings(&mut self, node: &Node, field: &str) -> Vec<Text> {
        let Some(value) = node.get(field) else {
            return Vec::new();
        };
        match &value.kind {
            NodeKind::Sequence(items) => items
                .iter()
                .filter_map(|i| self.scalar_text(i, field))
                .collect(),
            NodeKind::Scalar(_) if value.is_null() => Vec::new(),
            _ => {
                self.structure(
                    value.span,
                    format!("`{field}` must be a list, not {}", value.type_name()),
                );
                Vec::new()
            }
        }
    }

    /// `command` / `entrypoint`: a list, or a string split as a shell would.
    fn command(&mut self, node: &Node, field: &str) -> Option<Vec<Text>> {
        let value = node.get(field)?;
        match &value.kind {
            NodeKind::Sequence(items) => Some(
                items
                    .iter()
                    .filter_map(|i| self.scalar_text(i, field))
                    .collect(),
            ),
            NodeKind::Scalar(s) if !value.is_null() => Some(shell::split_text(&s.text)),
            NodeKind::Scalar(_) => None,
            NodeKind::Mapping(_) => {
                self.structure(
                    value.span,
                    format!("`{field}` must be a string or a list, not a mapping"),
                );
                None
            }
        }
    }

    fn build_field(&mut self, node: &Node) -> Option<Build> {
        let value = node.get("build")?;
        match &value.kind {
            NodeKind::Scalar(s) if !value.is_null() => Some(self.with_dockerfile(Build {
                context: s.text.clone(),
                dockerfile: None,
                target: None,
                span: value.span,
                dockerfile_file: None,
            })),
            NodeKind::Mapping(_) => {
                let build = Build {
                    context: self
                        .string(value, "context")
                        .unwrap_or_else(|| Text::synthetic(".")),
                    dockerfile: self.string(value, "dockerfile"),
                    target: self.string(value, "target"),
                    span: value.span,
                    dockerfile_file: None,
                };
                Some(self.with_dockerfile(build))
            }
            _ => {
                self.structure(
                    value.span,
                    format!(
                        "`build` must be a path or a mapping, not {}",
                        value.type_name()
                    ),
                );
                None
            }
        }
    }

    /// Reads the build's Dockerfile when it is a local file (a remote context is not read).
    fn with_dockerfile(&mut self, mut build: Build) -> Build {
        let context = build.context.value.as_str();
        if context.contains("://") || context.starts_with("git@") {
            return build;
        }
        let dir = crate::paths::resolve(self.directory, context);
        let name = build
            .dockerfile
            .as_ref()
            .map_or("Dockerfile", |d| d.value.as_str());
        let path = crate::paths::resolve(&dir, name);
        build.dockerfile_file = self.files.dockerfile(&path);
        build
    }

    fn networks(&mut self, node: &Node, service: &mut Service) {
        match node.get("networks") {
            Some(value) if !value.is_null() => match &value.kind {
                NodeKind::Sequence(items) => {
                    for item in items {
                        if let Some(name) = self.scalar_text(item, "networks") {
                            service.networks.push(ServiceNetwork {
                                name: name.value,
                                span: Some(item.span),
                                aliases: Vec::new(),
                            });
                        }
                    }
                }
                NodeKind::Mapping(entries) => {
                    for entry in entries {
                        let Some(name) = entry.key.as_str() else {
                            continue;
                        };
                        let aliases = if entry.value.is_null() {
                            Vec::new()
                        } else {
                            self.strings(&entry.value, "aliases")
                        };
                        service.networks.push(ServiceNetwork {
                            name: name.to_string(),
                            span: Some(entry.key.span),
                            aliases,
                        });
                    }
                }
                NodeKind::Scalar(_) => self.structure(
                    value.span,
                    format!(
                        "`networks` must be a list or a mapping, not {}",
                        value.type_name()
                    ),
                ),
            },
            _ => {}
        }
        if service.networks.is_empty() && service.network_mode.is_none() {
            service.networks.push(ServiceNetwork {
                name: "default".into(),
                span: None,
                aliases: Vec::new(),
            });
        }
    }

    fn ports(&mut self, node: &Node, service: &mut Service) {
        let Some(items) = self.list(node, "ports") else {
            return;
        };
        let list_path = format!("services.{}.ports", service.name);
        // A range expands to one binding per port (`1-65535` is 65,535): look bindings up
        // in a set, not the list.
        let mut seen: std::collections::HashSet<ports::PortMapping> =
            service.ports.iter().map(|p| p.mapping.clone()).collect();
        for item in items {
            let port_item = match port_item(item) {
                Ok(p) => p,
                Err(message) => {
                    self.structure(item.span, message);
                    continue;
                }
            };
            let short = match &port_item {
                ports::PortItem::Str(_) => item.as_scalar().map(|s| s.text.clone()),
                _ => None,
            };
            let field = |k: &str| {
                item.get(k)
                    .and_then(Node::as_scalar)
                    .map(|s| s.text.clone())
            };
            match ports::canonicalize(std::slice::from_ref(&port_item), &list_path) {
                Ok(mappings) => {
                    for mapping in mappings {
                        // Compose de-duplicates equal bindings within a service.
                        if !seen.insert(mapping.clone()) {
                            continue;
                        }
                        let part = |range: &Option<std::ops::Range<usize>>, long: &str| match (
                            &short, range,
                        ) {
                            (Some(text), Some(r)) => {
                                text.value.get(r.clone()).map(|_| text.slice(r.clone()))
                            }
                            (Some(_), None) => None,
                            (None, _) => field(long),
                        };
                        service.ports.push(Port {
                            published: part(&mapping.published_range, "published"),
                            target: part(&mapping.target_range, "target"),
                            host_ip: part(&mapping.host_ip_range, "host_ip"),
                            mapping,
                            span: item.span,
                        });
                    }
                }
                Err(error) => {
                    // The merge pipeline may have reported this item already.
                    let reported = self.files.issues.iter().any(|i| match i {
                        LoadIssue::Structure { span, .. } => *span == item.span,
                        LoadIssue::InvalidValue { used_at, .. } => *used_at == item.span,
                        _ => false,
                    });
                    if !reported {
                        let message = format!("invalid port: {}", error.message);
                        self.files.issues.push(issues::invalid_value(
                            short.as_ref(),
                            item.span,
                            message,
                        ));
                    }
                }
            }
        }
    }

    /// The items of a list field; a non-list is reported.
    fn list<'n>(&mut self, node: &'n Node, field: &str) -> Option<&'n [Node]> {
        let value = node.get(field)?;
        if value.is_null() {
            return None;
        }
        match value.as_sequence() {
            Some(items) => Some(items),
            None => {
                self.structure(
                    value.span,
                    format!("`{field}` must be a list, not {}", value.type_name()),
                );
                None
            }
        }
    }

    fn extra_hosts(&mut self, node: &Node, service: &mut Service) {
        let Some(value) = node.get("extra_hosts") else {
            return;
        };
        match &value.kind {
            NodeKind::Sequence(items) => {
                for item in items {
                    let Some(text) = self.scalar_text(item, "extra_hosts") else {
                        continue;
                    };
                    match extra_hosts::parse_list_item(&text.value) {
                        Ok(hosts) => {
                            service
                                .extra_hosts
                                .extend(hosts.into_iter().map(|h| Spanned {
                                    value: h,
                                    span: item.span,
                                }))
                        }
                        Err(e) => self.structure(item.span, e.to_string()),
                    }
                }
            }
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    let Some(host) = entry.key.as_str() else {
                        continue;
                    };
                    let ips: Vec<&str>;
                    let map_value = match &entry.value.kind {
                        NodeKind::Scalar(_) if entry.value.is_null() => extra_hosts::MapValue::Null,
                        NodeKind::Scalar(s) => extra_hosts::MapValue::One(s.text.as_str()),
                        NodeKind::Sequence(items) => {
                            ips = items.iter().filter_map(Node::as_str).collect();
                            extra_hosts::MapValue::Many(ips)
                        }
                        NodeKind::Mapping(_) => {
                            self.structure(
                                entry.value.span,
                                format!(
                                    "the address of extra host `{host}` must be a string or a list"
                                ),
                            );
                            continue;
                        }
                    };
                    match extra_hosts::parse_map_entry(host, &map_value) {
                        Ok(hosts) => {
                            let span = Span::new(
                                entry.key.span.file,
                                entry.key.span.start,
                                entry.value.span.end.max(entry.key.span.end),
                            );
                            service
                                .extra_hosts
                                .extend(hosts.into_iter().map(|h| Spanned { value: h, span }));
                        }
                        Err(e) => self.structure(entry.key.span, e.to_string()),
                    }
                }
            }
            NodeKind::Scalar(_) if value.is_null() => {}
            NodeKind::Scalar(_) => self.structure(
                value.span,
                format!(
                    "`extra_hosts` must be a list or a mapping, not {}",
                    value.type_name()
                ),
            ),
        }
    }

    fn links(&mut self, node: &Node, service: &mut Service) {
        let Some(items) = self.list(node, "links") else {
            return;
        };
        for item in items {
            let Some(text) = self.scalar_text(item, "links") else {
                continue;
            };
            let (target, alias) = match text.value.split_once(':') {
                Some((s, a)) => (s.to_string(), Some(a.to_string())),
                None => (text.value.clone(), None),
            };
            service.links.push(Link {
                service: target.clone(),
                alias,
                span: item.span,
            });
            service.depends_on.push(Dependency {
                service: target,
                span: item.span,
                condition: "service_started".into(),
                required: true,
                implicit: true,
                field: "links",
            });
        }
    }

    /// The dependencies Compose implies from `volumes_from: [X]` and `ipc`/`pid`/`uts:
    /// service:X` (`links` and `network_mode` are read with their own fields).
    fn implied_dependencies(&mut self, node: &Node, service: &mut Service) {
        for field in ["ipc", "pid", "uts"] {
            if let Some(value) = node.get(field)
                && let Some(target) = value.as_str().and_then(|v| v.strip_prefix("service:"))
            {
                service.depends_on.push(implied(target, value.span, field));
            }
        }
        for item in self.list(node, "volumes_from").unwrap_or_default() {
            let Some(source) = item.as_str() else {
                continue;
            };
            if !source.starts_with("container:") {
                let target = source.split(':').next().unwrap_or_default();
                service
                    .depends_on
                    .push(implied(target, item.span, "volumes_from"));
            }
        }
    }

    /// The names a service's `secrets:` or `configs:` list mounts: an item is the name, or a
    /// mapping whose `source` is.
    fn mounted_names(&mut self, node: &Node, field: &str) -> Vec<Spanned<String>> {
        let items = self.list(node, field).unwrap_or_default();
        items
            .iter()
            .filter_map(|item| {
                let name = match &item.kind {
                    NodeKind::Mapping(_) => item.get("source").and_then(Node::as_str),
                    _ => item.as_str(),
                }?;
                Some(Spanned {
                    value: name.to_string(),
                    span: item.span,
                })
            })
            .collect()
    }

    fn depends_on(&mut self, node: &Node, service: &mut Service) {
        if let Some(mode) = &service.network_mode
            && let Some(target) = mode.value.strip_prefix("service:")
        {
            service.depends_on.push(Dependency {
                service: target.to_string(),
                span: node
                    .get("network_mode")
                    .map(|n| n.span)
                    .unwrap_or(service.key_span),
                condition: "service_started".into(),
                required: true,
                implicit: true,
                field: "network_mode",
            });
        }
        let Some(value) = node.get("depends_on") else {
            return;
        };
        match &value.kind {
            NodeKind::Sequence(items) => {
                for item in items {
                    if let Some(name) = self.scalar_text(item, "depends_on") {
                        service.depends_on.push(Dependency {
                            service: name.value,
                            span: item.span,
                            condition: "service_started".into(),
                            required: true,
                            implicit: false,
                            field: "depends_on",
                        });
                    }
                }
            }
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    let Some(name) = entry.key.as_str() else {
                        continue;
                    };
                    let condition = entry
                        .value
                        .get("condition")
                        .and_then(Node::as_str)
                        .unwrap_or("service_started")
                        .to_string();
                    let required = !matches!(
                        entry
                            .value
                            .get("required")
                            .and_then(Node::as_scalar)
                            .map(|s| s.value()),
                        Some(ScalarValue::Bool(false))
                    );
                    service.depends_on.push(Dependency {
                        service: name.to_string(),
                        span: entry.key.span,
                        condition,
                        required,
                        implicit: false,
                        field: "depends_on",
                    });
                }
            }
            NodeKind::Scalar(_) if value.is_null() => {}
            NodeKind::Scalar(_) => self.structure(
                value.span,
                format!(
                    "`depends_on` must be a list or a mapping, not {}",
                    value.type_name()
                ),
            ),
        }
    }

    /// The config files the service's bind mounts put into the container: YAML files, read
    /// and parsed, since an app may take its Ollama URL from one (LiteLLM's `--config
    /// /app/config.yaml`); and the files (or directories of files) nginx reads its
    /// configuration from, as text.
    fn mounted_configs(&mut self, service: &mut Service) {
        // A mounted `nginx.conf` that includes no `conf.d` file makes nginx read that one
        // file alone (F-PROXY-8: the image's own includes them).
        let mut main_nginx_conf: Option<Vec<Text>> = None;
        for mount in &service.volumes {
            let is_yaml = mount.target.ends_with(".yaml") || mount.target.ends_with(".yml");
            let Some(source) = mount.source.as_deref() else {
                continue;
            };
            let nginx = nginx::reads_file(&mount.target)
                || nginx::reads_in_directory(&mount.target).is_some();
            if mount.kind != "bind" || !(is_yaml || nginx) || source.starts_with('~') {
                continue;
            }
            let path = crate::paths::resolve(self.directory, source);
            if nginx::reads_file(&mount.target) {
                let text = self.files.mounted_text(&path, nginx::comment_starts);
                if mount.target == nginx::MAIN_CONF {
                    main_nginx_conf = Some(text.iter().cloned().collect());
                }
                service.nginx_configs.extend(text);
                continue;
            }
            if let Some(suffix) = nginx::reads_in_directory(&mount.target) {
                for file in self.files.mounted_directory(&path, suffix) {
                    service
                        .nginx_configs
                        .extend(self.files.mounted_text(&file, nginx::comment_starts));
                }
                continue;
            }
            if let Some(root) = self.files.mounted_config(&path) {
                service.mounted_configs.push(MountedConfig {
                    target: mount.target.clone(),
                    root,
                });
            }
        }
        if let Some(main) = main_nginx_conf
            && !main.iter().any(|c| nginx::includes_conf_d(&c.value))
        {
            service.nginx_configs = main;
        }
    }

    fn volumes(&mut self, node: &Node, service: &mut Service) {
        let Some(items) = self.list(node, "volumes") else {
            return;
        };
        for item in items {
            match &item.kind {
                NodeKind::Scalar(s) => {
                    let (kind, source, target) = parse_short_volume(&s.text.value);
                    service.volumes.push(Mount {
                        kind,
                        source,
                        target,
                        span: item.span,
                    });
                }
                NodeKind::Mapping(_) => {
                    let get = |k: &str| item.get(k).and_then(Node::as_str).map(str::to_string);
                    let Some(target) = get("target") else {
                        self.structure(item.span, "a volume needs a `target`".into());
                        continue;
                    };
                    service.volumes.push(Mount {
                        kind: get("type").unwrap_or_else(|| "volume".into()),
                        source: get("source"),
                        target,
                        span: item.span,
                    });
                }
                NodeKind::Sequence(_) => {
                    self.structure(item.span, "a volume must be a string or a mapping".into())
                }
            }
        }
    }

    /// The container environment: `env_file` values first, then `environment:` (which wins,
    /// even with no value).
    fn environment(&mut self, node: &Node, service: &mut Service) {
        let declared = self.declared_environment(node);
        let mut env_file_values: Vec<EnvVar> = Vec::new();
        for mut reference in self.env_file_refs(node) {
            let id = match self.files.env_file(&reference.path) {
                EnvFile::Read(id) => id,
                EnvFile::Missing => {
                    if reference.required {
                        self.files.issues.push(LoadIssue::EnvFileNotFound {
                            path: reference.path.clone(),
                            span: reference.span,
                        });
                    }
                    // Missing or optional, the file may hold the variables the service reads.
                    service.partial = true;
                    service.env_files.push(reference);
                    continue;
                }
                EnvFile::Unreadable(reason) => {
                    self.files.issues.push(LoadIssue::MissingFile {
                        path: reference.path.clone(),
                        span: reference.span,
                        reason,
                    });
                    service.partial = true;
                    continue;
                }
            };
            reference.file = Some(id);
            let project_env = self.env;
            let own = &declared;
            let earlier = &env_file_values;
            let lookup = |name: &str| {
                project_env
                    .get(name)
                    .cloned()
                    .or_else(|| {
                        own.iter()
                            .rev()
                            .find(|v| v.key == name)
                            .and_then(|v| v.value.clone())
                    })
                    .or_else(|| {
                        earlier
                            .iter()
                            .rev()
                            .find(|v| v.key == name)
                            .and_then(|v| v.value.clone())
                    })
            };
            for entry in
                self.files
                    .env_entries(id, FileKind::ServiceEnv { raw: reference.raw }, &lookup)
            {
                let Some(value) = entry.value else { continue };
                env_file_values.retain(|v| v.key != entry.key);
                env_file_values.push(EnvVar {
                    key: entry.key,
                    value: Some(value),
                    source: EnvSource::EnvFile {
                        file: id,
                        span: entry.value_span.unwrap_or(entry.key_span),
                    },
                });
            }
            service.env_files.push(reference);
        }
        let mut environment = env_file_values;
        for var in declared {
            environment.retain(|v| v.key != var.key);
            environment.push(var);
        }
        service.environment = environment;
    }

    /// `environment:` in list or map form; bare keys resolved from the project environment.
    fn declared_environment(&mut self, node: &Node) -> Vec<EnvVar> {
        let Some(value) = node.get("environment") else {
            return Vec::new();
        };
        let mut out: Vec<EnvVar> = Vec::new();
        let push = |out: &mut Vec<EnvVar>, var: EnvVar| {
            out.retain(|v| v.key != var.key);
            out.push(var);
        };
        match &value.kind {
            NodeKind::Sequence(items) => {
                for item in items {
                    let Some(text) = self.scalar_text(item, "environment") else {
                        continue;
                    };
                    let source = EnvSource::Environment { span: item.span };
                    match text.value.find('=') {
                        Some(eq) => {
                            let key = text.value[..eq].to_string();
                            if key.ends_with(char::is_whitespace) {
                                self.structure(
                                    item.span,
                                    format!(
                                        "environment variable {key} is declared with a trailing space"
                                    ),
                                );
                                continue;
                            }
                            let value = text.slice(eq + 1..text.value.len());
                            push(
                                &mut out,
                                EnvVar {
                                    key,
                                    value: Some(value),
                                    source,
                                },
                            );
                        }
                        None => {
                            let key = text.value.clone();
                            let value = self.env.get(&key).cloned();
                            push(&mut out, EnvVar { key, value, source });
                        }
                    }
                }
            }
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    let Some(key) = entry.key.as_str() else {
                        continue;
                    };
                    let source = EnvSource::Environment {
                        span: Span::new(
                            entry.key.span.file,
                            entry.key.span.start,
                            entry.value.span.end.max(entry.key.span.end),
                        ),
                    };
                    let value = match &entry.value.kind {
                        NodeKind::Scalar(_) if entry.value.is_null() => self.env.get(key).cloned(),
                        NodeKind::Scalar(s) => Some(match s.value() {
                            ScalarValue::Float(f) => Text::from_file(
                                go_float(f),
                                s.text.primary_span().unwrap_or(entry.value.span),
                                false,
                            ),
                            _ => s.text.clone(),
                        }),
                        _ => {
                            self.structure(
                                entry.value.span,
                                format!(
                                    "the value of environment variable {key} must be a string, not {}",
                                    entry.value.type_name()
                                ),
                            );
                            continue;
                        }
                    };
                    push(
                        &mut out,
                        EnvVar {
                            key: key.to_string(),
                            value,
                            source,
                        },
                    );
                }
            }
            NodeKind::Scalar(_) if value.is_null() => {}
            NodeKind::Scalar(_) => self.structure(
                value.span,
                format!(
                    "`environment` must be a list or a mapping, not {}",
                    value.type_name()
                ),
            ),
        }
        out
    }

    fn env_file_refs(&mut self, node: &Node) -> Vec<EnvFileRef> {
        let Some(value) = node.get("env_file") else {
            return Vec::new();
        };
        let items: Vec<&Node> = match &value.kind {
            NodeKind::Sequence(items) => items.iter().collect(),
            NodeKind::Scalar(_) if value.is_null() => Vec::new(),
            NodeKind::Scalar(_) => vec![value],
            NodeKind::Mapping(_) => {
                self.structure(value.span, "`env_file` must be a path or a list".into());
                Vec::new()
            }
        };
        let mut out = Vec::new();
        for item in items {
            let (path, required, raw, span) = match &item.kind {
                NodeKind::Scalar(s) => (s.text.value.clone(), true, false, item.span),
                NodeKind::Mapping(_) => {
                    let Some(path) = item.get("path") else {
                        self.structure(item.span, "an `env_file` entry needs a `path`".into());
                        continue;
                    };
                    let required = !matches!(
                        item.get("required")
                            .and_then(Node::as_scalar)
                            .map(|s| s.value()),
                        Some(ScalarValue::Bool(false))
                    );
                    let raw = item.get("format").and_then(Node::as_str) == Some("raw");
                    (
                        path.as_str().unwrap_or_default().to_string(),
                        required,
                        raw,
                        path.span,
                    )
                }
                NodeKind::Sequence(_) => {
                    self.structure(item.span, "an `env_file` entry must be a path".into());
                    continue;
                }
            };
            out.push(EnvFileRef {
                path: crate::paths::resolve(self.directory, &path),
                span,
                required,
                raw,
                file: None,
            });
        }
        out
    }
}

/// A `ports:` item in the parser's terms; YAML types Compose rejects are reported.
fn port_item(item: &Node) -> Result<ports::PortItem, String> {
    match &item.kind {
        NodeKind::Scalar(s) => match s.value() {
            ScalarValue::Str(text) => Ok(ports::PortItem::Str(text.to_string())),
            ScalarValue::Int(i) => Ok(ports::PortItem::Int(i)),
            ScalarValue::Float(f) => Ok(ports::PortItem::Float(f)),
            ScalarValue::Bool(_) | ScalarValue::Null => {
                Err(format!("invalid port: {} is not a port", item.type_name()))
            }
        },
        NodeKind::Mapping(_) => {
            let string = |k: &str| item.get(k).and_then(Node::as_str).map(str::to_string);
            let number_or_string = |k: &str| -> Option<Result<i64, String>> {
                let scalar = item.get(k)?.as_scalar()?;
                Some(match scalar.value() {
                    ScalarValue::Int(i) => Ok(i),
                    _ => Err(scalar.text.value.clone()),
                })
            };
            Ok(ports::PortItem::Long(ports::LongPort {
                target: number_or_string("target").map(|v| match v {
                    Ok(i) => ports::TargetValue::Int(i),
                    Err(s) => ports::TargetValue::Str(s),
                }),
                published: number_or_string("published").map(|v| match v {
                    Ok(i) => ports::PublishedValue::Int(i),
                    Err(s) => ports::PublishedValue::Str(s),
                }),
                host_ip: string("host_ip"),
                protocol: string("protocol"),
                mode: string("mode"),
                name: string("name"),
                app_protocol: string("app_protocol"),
            }))
        }
        NodeKind::Sequence(_) => {
            Err("invalid port: a port must be a string, a number or a mapping".into())
        }
    }
}

/// The span of `key` under the top-level mapping `section`.
/// A `healthcheck` mapping; values Compose would refuse are left for the schema check.
/// `labels:` as a list of `key=value` or a mapping; what is not a string is left to the
/// schema's finding.
fn labels(node: &Node) -> Vec<Label> {
    let Some(value) = node.get("labels") else {
        return Vec::new();
    };
    let mut out: Vec<Label> = Vec::new();
    let mut push = |label: Label| {
        out.retain(|l| l.key != label.key);
        out.push(label);
    };
    match &value.kind {
        NodeKind::Sequence(items) => {
            for item in items {
                let NodeKind::Scalar(s) = &item.kind else {
                    continue;
                };
                let text = &s.text;
                let (key, value) = match text.value.find('=') {
                    Some(eq) => (
                        text.value[..eq].to_string(),
                        text.slice(eq + 1..text.value.len()),
                    ),
                    None => (text.value.clone(), Text::default()),
                };
                push(Label {
                    key,
                    value,
                    span: item.span,
                });
            }
        }
        NodeKind::Mapping(entries) => {
            for entry in entries {
                let (Some(key), NodeKind::Scalar(s)) = (entry.key.as_str(), &entry.value.kind)
                else {
                    continue;
                };
                push(Label {
                    key: key.to_string(),
                    value: s.text.clone(),
                    span: Span::new(
                        entry.key.span.file,
                        entry.key.span.start,
                        entry.value.span.end.max(entry.key.span.end),
                    ),
                });
            }
        }
        NodeKind::Scalar(_) => {}
    }
    out
}

fn healthcheck(node: &Node) -> Healthcheck {
    let test = node.get("test").and_then(|test| {
        let words = match &test.kind {
            NodeKind::Sequence(items) => items
                .iter()
                .map(|i| i.as_scalar().map(|s| s.text.clone()))
                .collect::<Option<Vec<Text>>>()?,
            NodeKind::Scalar(s) if !test.is_null() => {
                vec![Text::synthetic("CMD-SHELL"), s.text.clone()]
            }
            _ => return None,
        };
        (!words.is_empty()).then_some(HealthTest {
            words,
            span: test.span,
        })
    });
    let disable = node
        .get("disable")
        .and_then(Node::as_scalar)
        .is_some_and(|s| matches!(s.value(), ScalarValue::Bool(true)) || s.text.value == "true");
    Healthcheck {
        span: node.span,
        test,
        disable,
    }
}

fn key_span(root: &Node, section: &str, key: &str) -> Span {
    root.get(section)
        .and_then(|s| s.entry(key))
        .map(|e| e.key.span)
        .unwrap_or(root.span)
}

/// `SOURCE:TARGET[:MODE]` or `TARGET`: the mount type, source and target.
/// A short-syntax volume read as Compose reads it (a drive letter such as `C:\\data` is a
/// path, not a volume named `C`); one Compose refuses is left to the schema check.
fn parse_short_volume(spec: &str) -> (String, Option<String>, String) {
    let Ok(volume) = super::canonical::parse_volume(spec) else {
        return ("volume".into(), None, spec.to_string());
    };
    let source = volume.source.clone().and_then(|r| spec.get(r));
    let kind = if volume.is_bind(spec) {
        "bind"
    } else {
        "volume"
    };
    (
        kind.into(),
        source.map(str::to_string),
        volume.target_str(spec).to_string(),
    )
}

/// `scale`, or else `deploy.replicas`, read as a number.
fn replicas(node: &Node) -> Option<Spanned<u64>> {
    let value = node
        .get("scale")
        .or_else(|| node.get("deploy").and_then(|d| d.get("replicas")))?;
    let count = value.as_scalar()?.text.value.trim().parse().ok()?;
    Some(Spanned {
        value: count,
        span: value.span,
    })
}

/// A dependency Compose implies from another field.
fn implied(target: &str, span: Span, field: &'static str) -> Dependency {
    Dependency {
        service: target.to_string(),
        span,
        condition: "service_started".into(),
        required: true,
        implicit: true,
        field,
    }
}
