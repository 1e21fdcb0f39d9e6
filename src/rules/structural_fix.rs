//! Unsafe fixes that add structure to the file a service is written in: `extra_hosts`,
//! `depends_on`, a models volume, a `NO_PROXY` entry. Built on `yaml_edit`, at the file's own
//! indentation, quoting and line endings. For a project read from Docker commands, the same
//! repairs are options and commands written into the script or document (`command_fix`);
//! the rest have no such form yet and give no fix there.

use super::{Context, command_fix};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::source::Span;
use crate::yaml::Node;
use crate::yaml::NodeKind;
use crate::yaml_edit::{Form, add_name, insert_key, is_own, set_env, yaml_scalar};

/// An unsafe fix from edits that could all be made.
pub fn unsafe_fix(message: String, edits: Vec<Option<Edit>>) -> Option<Fix> {
    let edits: Vec<Edit> = edits.into_iter().collect::<Option<_>>()?;
    (!edits.is_empty()).then_some(Fix {
        applicability: Applicability::Unsafe,
        message: message.into(),
        edits,
    })
}

fn text<'a>(ctx: &'a Context, file: crate::source::FileId) -> &'a str {
    &ctx.sources.get(file).text
}

/// The mapping of `service` where it is written, unless it is an alias's copy (`web: *base`):
/// the copy carries the anchored original's spans, and an edit there would change every
/// service made from it.
fn own_service<'a>(ctx: &'a Context, service: &str) -> Option<(crate::source::FileId, &'a Node)> {
    let (file, node) = ctx.project.written_service(ctx.sources, service)?;
    let key = ctx.project.service(service)?.key_span;
    (node.span.start >= key.end).then_some((file, node))
}

/// `extra_hosts: ["host.docker.internal:host-gateway"]` on a service (or the entry added to
/// its list or map), mapping `name` to the Docker host.
pub fn map_to_host_gateway(ctx: &Context, service: &str, name: &str) -> Option<Edit> {
    if ctx.project.from_commands {
        return command_fix::map_to_host_gateway(ctx, service, name);
    }
    let (file, node) = own_service(ctx, service)?;
    let text = text(ctx, file);
    let entry = node.entry("extra_hosts");
    match entry.map(|e| &e.value.kind) {
        // A merged map is every merging service's; the service would need its own copy.
        Some(NodeKind::Mapping(_)) if entry.is_some_and(|e| !is_own(node, e)) => None,
        Some(NodeKind::Mapping(_)) => insert_key(
            text,
            file,
            node.get("extra_hosts")?,
            name,
            &["host-gateway"],
        ),
        _ => add_name(
            text,
            file,
            node,
            "extra_hosts",
            &format!("{name}:host-gateway"),
            &[],
            Form::List,
        ),
    }
}

/// `server` added to the `depends_on` of `client`, in the form that is there.
pub fn depend_on(ctx: &Context, client: &str, server: &str) -> Option<Edit> {
    let (file, node) = own_service(ctx, client)?;
    add_name(
        text(ctx, file),
        file,
        node,
        "depends_on",
        server,
        &["condition: service_started"],
        Form::List,
    )
}

/// A named volume `<service>-models` mounted at `dir` in the service, and declared at the top
/// level of the same file.
pub fn persist_models(ctx: &Context, service: &str, dir: &str) -> Vec<Option<Edit>> {
    let Some((file, node)) = own_service(ctx, service) else {
        return vec![None];
    };
    let text = text(ctx, file);
    let volume = format!("{service}-models");
    // Docker names volumes `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; a service name outside that (itself
    // invalid in Compose) yields no name to offer.
    let valid = volume.starts_with(|c: char| c.is_ascii_alphanumeric())
        && volume
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !valid {
        return vec![None];
    }
    let mount = add_name(
        text,
        file,
        node,
        "volumes",
        &format!("{volume}:{dir}"),
        &[],
        Form::List,
    );
    let declared = ctx
        .project
        .written_document(ctx.sources, file)
        .and_then(|doc| add_name(text, file, doc, "volumes", &volume, &[], Form::Map));
    // Both may be inserted at one place (the service is the file's last entry): one edit,
    // the service's lines first.
    match (mount, declared) {
        (Some(a), Some(b)) if a.span == b.span && a.span.is_empty() => vec![Some(Edit {
            span: a.span,
            content: a.content + &b.content,
        })],
        (a, b) => vec![a, b],
    }
}

/// `var: value` added to the environment of a service.
pub fn set_variable(ctx: &Context, service: &str, var: &str, value: &str) -> Option<Edit> {
    let (file, node) = own_service(ctx, service)?;
    set_env(text(ctx, file), file, node, var, value)
}

/// `host` added to the service's `NO_PROXY` (appended to the value where it is written, or
/// new `NO_PROXY` and `no_proxy` entries: Go reads the one, Python the other first).
pub fn exempt_from_proxy(
    ctx: &Context,
    service: &str,
    existing: Option<(&str, Option<Span>)>,
    host: &str,
) -> Option<Edit> {
    match existing {
        Some((value, Some(span))) => Some(Edit {
            span: Span::new(span.file, span.end, span.end),
            content: if value.trim().is_empty() {
                host.to_string()
            } else {
                format!(",{host}")
            },
        }),
        Some((_, None)) => None,
        None => set_variables(ctx, service, &[("NO_PROXY", host), ("no_proxy", host)]),
    }
}

/// `var: value` entries added to the environment of a service, in order, as one edit (they
/// go in at one place).
fn set_variables(ctx: &Context, service: &str, vars: &[(&str, &str)]) -> Option<Edit> {
    let (file, node) = own_service(ctx, service)?;
    let text = text(ctx, file);
    if node.entry("environment").is_none() {
        if text.get(node.span.start..)?.starts_with('{') {
            return None;
        }
        let lines: Vec<String> = vars
            .iter()
            .map(|(k, v)| format!("{}: {}", yaml_scalar(k), yaml_scalar(v)))
            .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        return insert_key(text, file, node, "environment", &lines);
    }
    let mut merged: Option<Edit> = None;
    for (var, value) in vars {
        let edit = set_env(text, file, node, var, value)?;
        merged = match merged {
            None => Some(edit),
            Some(m) if m.span == edit.span => Some(Edit {
                span: m.span,
                content: m.content + &edit.content,
            }),
            Some(_) => return None,
        };
    }
    merged
}

/// `network` added to the networks of `service`. A service that declares no `networks:` is on
/// `default`, and declaring some would take it off; so `default` is listed with the new one.
/// A service with a `network_mode` has no networks to add to.
pub fn attach_to_network(ctx: &Context, service: &str, network: &str) -> Option<Edit> {
    if ctx.project.from_commands {
        return command_fix::attach_to_network(ctx, service, network);
    }
    if ctx.project.service(service)?.network_mode.is_some() {
        return None;
    }
    let (file, node) = own_service(ctx, service)?;
    let text = text(ctx, file);
    let declared = node
        .get("networks")
        .is_some_and(|n| !matches!(n.kind, NodeKind::Scalar(_)));
    if declared {
        return add_name(text, file, node, "networks", network, &[], Form::List);
    }
    if node.get("networks").is_some() || network == "default" {
        return None;
    }
    let lines = [
        format!("- {}", yaml_scalar("default")),
        format!("- {}", yaml_scalar(network)),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    insert_key(text, file, node, "networks", &lines)
}
