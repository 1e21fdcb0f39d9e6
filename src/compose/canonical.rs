//! Compose's canonical form: short syntax turned into long syntax on the spanned tree, and the
//! JSON that `docker compose config --format json` prints for a merged project.
//!
//! [`to_long_syntax`] is the step Compose runs after merging each file (`ports: ["80:80"]` →
//! `[{target: 80, published: "80", …}]`, `build: .` → `{context: .}`, …); it keeps spans, so
//! a long-form field still points at the short-syntax text it was read from.
//! [`to_config_json`] then renders the whole project the way Compose's loader leaves it:
//! defaults filled in, relative paths made absolute, the implicit default network added, and
//! every field in the shape of Compose's types (labels as maps, ports in long form, …).

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::{Map, Value};

use super::tree::{
    MAX_DEPTH, TreeError, default_dependency, go_sprint, go_type_name, key_text, mapping_node,
    null_node, path_matches, plain_node, scalar_text, sequence_node, string_node, synthetic_plain,
    synthetic_string,
};
use crate::source::Span;
use crate::text::{Origin, Text};
use crate::yaml::{Entry, Node, NodeKind, Scalar, ScalarStyle, ScalarValue};

/// Why a project has no canonical form, with Compose's wording.
pub type CanonicalError = TreeError;

/// What the canonical form depends on besides the files.
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

// =============================================================================================
// Long syntax on the tree.

#[derive(Clone, Copy, Debug)]
enum Transform {
    Service,
    FileMount,
    KeyValueMap,
    DependsOn,
    EnvFile,
    Extends,
    NameList,
    VolumeMount,
    StringOrList,
    DeviceMapping,
    Ports,
    Build,
    MaybeExternal,
}

const TRANSFORMS: &[(&str, Transform)] = &[
    ("services.*", Transform::Service),
    ("services.*.build.secrets.*", Transform::FileMount),
    (
        "services.*.build.additional_contexts",
        Transform::KeyValueMap,
    ),
    ("services.*.depends_on", Transform::DependsOn),
    ("services.*.env_file", Transform::EnvFile),
    ("services.*.extends", Transform::Extends),
    ("services.*.networks", Transform::NameList),
    ("services.*.volumes.*", Transform::VolumeMount),
    ("services.*.dns", Transform::StringOrList),
    ("services.*.devices.*", Transform::DeviceMapping),
    ("services.*.secrets.*", Transform::FileMount),
    ("services.*.configs.*", Transform::FileMount),
    ("services.*.ports", Transform::Ports),
    ("services.*.build", Transform::Build),
    ("volumes.*", Transform::MaybeExternal),
    ("networks.*", Transform::MaybeExternal),
    ("secrets.*", Transform::MaybeExternal),
    ("configs.*", Transform::MaybeExternal),
];

/// Turns short syntax into Compose's long syntax, in place (what Compose does after merging
/// each file). New nodes take their text and spans from the short form they replace.
pub fn to_long_syntax(root: &mut Node) -> Result<(), CanonicalError> {
    let mut path = Vec::new();
    transform(root, &mut path, 0)
}

fn transform(node: &mut Node, path: &mut Vec<String>, depth: usize) -> Result<(), CanonicalError> {
    if depth > MAX_DEPTH {
        return Err(CanonicalError::at("nested too deeply", node));
    }
    let rule = TRANSFORMS
        .iter()
        .find(|(pattern, _)| path_matches(path, pattern))
        .map(|(_, t)| *t);
    match rule {
        Some(t) => apply_transform(t, node, path, depth),
        None => transform_children(node, path, depth),
    }
}

fn transform_children(
    node: &mut Node,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<(), CanonicalError> {
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries.iter_mut() {
                path.push(key_text(&entry.key).to_string());
                let result = transform(&mut entry.value, path, depth + 1);
                path.pop();
                result?;
            }
        }
        NodeKind::Sequence(items) => {
            for item in items.iter_mut() {
                path.push("[]".to_string());
                let result = transform(item, path, depth + 1);
                path.pop();
                result?;
            }
        }
        NodeKind::Scalar(_) => {}
    }
    Ok(())
}

fn is_string(node: &Node) -> bool {
    matches!(
        node.as_scalar().map(Scalar::value),
        Some(ScalarValue::Str(_))
    )
}

fn entry(key: &str, value: Node, span: Span) -> Entry {
    Entry {
        key: synthetic_string(key, span),
        value,
    }
}

fn set_default(node: &mut Node, key: &str, value: impl FnOnce(Span) -> Node) {
    let span = node.span;
    if let NodeKind::Mapping(entries) = &mut node.kind
        && !entries.iter().any(|e| key_text(&e.key) == key)
    {
        entries.push(entry(key, value(span), span));
    }
}

fn apply_transform(
    t: Transform,
    node: &mut Node,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<(), CanonicalError> {
    let here = || path.join(".");
    let span = node.span;
    match t {
        Transform::Service => {
            if node.as_mapping().is_some() {
                transform_children(node, path, depth)?;
            }
        }
        Transform::FileMount => match &node.kind {
            NodeKind::Mapping(_) => {}
            _ if is_string(node) => {
                let source = std::mem::replace(node, null_node(span));
                *node = mapping_node(vec![entry("source", source, span)], span);
            }
            _ => {
                return Err(CanonicalError::at(
                    format!("{}: unsupported type {}", here(), go_type_name(node)),
                    node,
                ));
            }
        },
        Transform::KeyValueMap => {
            if let NodeKind::Sequence(items) = &node.kind {
                let mut entries = Vec::new();
                for item in items {
                    let text = scalar_text(item);
                    let Some(eq) = text.value.find('=') else {
                        return Err(CanonicalError::at(
                            format!("{}: invalid value {}, expected key=value", here(), text),
                            item,
                        ));
                    };
                    let key = string_node(text.slice(0..eq), item.span);
                    let value = string_node(text.slice(eq + 1..text.value.len()), item.span);
                    entries.push(Entry { key, value });
                }
                *node = mapping_node(entries, span);
            }
        }
        Transform::DependsOn => match &mut node.kind {
            NodeKind::Mapping(entries) => {
                for e in entries.iter_mut() {
                    if e.value.as_mapping().is_none() {
                        return Err(CanonicalError::at(
                            format!(
                                "{}.{}: unsupported value {}",
                                here(),
                                key_text(&e.key),
                                go_sprint(&e.value)
                            ),
                            &e.value,
                        ));
                    }
                    set_default(&mut e.value, "condition", |s| {
                        synthetic_string("service_started", s)
                    });
                    set_default(&mut e.value, "required", |s| synthetic_plain("true", s));
                }
            }
            NodeKind::Sequence(items) => {
                let entries = std::mem::take(items)
                    .into_iter()
                    .map(|item| {
                        let s = item.span;
                        Entry {
                            key: item,
                            value: default_dependency(s),
                        }
                    })
                    .collect();
                *node = mapping_node(entries, span);
            }
            NodeKind::Scalar(_) => {
                return Err(CanonicalError::at(
                    format!(
                        "{}: invalid type {} for depend_on",
                        here(),
                        go_type_name(node)
                    ),
                    node,
                ));
            }
        },
        Transform::EnvFile => {
            let items = if is_string(node) {
                vec![std::mem::replace(node, null_node(span))]
            } else if let NodeKind::Sequence(items) = &mut node.kind {
                std::mem::take(items)
            } else {
                return Err(CanonicalError::at(
                    format!(
                        "{}: invalid type {} for env_file",
                        here(),
                        go_type_name(node)
                    ),
                    node,
                ));
            };
            let items = items
                .into_iter()
                .map(|item| {
                    let s = item.span;
                    if is_string(&item) {
                        mapping_node(
                            vec![
                                entry("path", item, s),
                                entry("required", synthetic_plain("true", s), s),
                            ],
                            s,
                        )
                    } else if item.as_mapping().is_some() {
                        let mut item = item;
                        set_default(&mut item, "required", |s| synthetic_plain("true", s));
                        item
                    } else {
                        null_node(s)
                    }
                })
                .collect();
            *node = sequence_node(items, span);
        }
        Transform::Extends => {
            if is_string(node) {
                let service = std::mem::replace(node, null_node(span));
                *node = mapping_node(vec![entry("service", service, span)], span);
            }
        }
        Transform::NameList => {
            if let NodeKind::Sequence(items) = &mut node.kind {
                let mut entries: Vec<Entry> = Vec::new();
                for item in std::mem::take(items) {
                    let value = null_node(item.span);
                    let key = key_text(&item).to_string();
                    match entries.iter_mut().find(|e| key_text(&e.key) == key) {
                        Some(existing) => existing.value = value,
                        None => entries.push(Entry { key: item, value }),
                    }
                }
                *node = mapping_node(entries, span);
            }
        }
        Transform::VolumeMount => match &node.kind {
            NodeKind::Mapping(_) => {}
            NodeKind::Scalar(s) if matches!(s.value(), ScalarValue::Str(_)) => {
                let text = s.text.clone();
                let volume = parse_volume(&text.value).map_err(|m| CanonicalError::at(m, node))?;
                *node = volume.to_node(&text, span);
            }
            _ => {
                return Err(CanonicalError::at(
                    format!(
                        "{}: invalid type {} for service volume mount",
                        here(),
                        go_type_name(node)
                    ),
                    node,
                ));
            }
        },
        Transform::StringOrList => {
            if is_string(node) {
                let item = std::mem::replace(node, null_node(span));
                *node = sequence_node(vec![item], span);
            }
        }
        Transform::DeviceMapping => match &node.kind {
            NodeKind::Mapping(_) => {}
            NodeKind::Scalar(s) if matches!(s.value(), ScalarValue::Str(_)) => {
                let text = s.text.clone();
                let parts = split_ranges(&text.value, ':');
                let (source, target, permissions) = match parts.as_slice() {
                    [a] => (a.clone(), a.clone(), None),
                    [a, b] => (a.clone(), b.clone(), None),
                    [a, b, c] => (a.clone(), b.clone(), Some(c.clone())),
                    _ => {
                        return Err(CanonicalError::at(
                            format!(
                                "confusing device mapping, please use long syntax: {}",
                                text.value
                            ),
                            node,
                        ));
                    }
                };
                let target = if target.is_empty() {
                    source.clone()
                } else {
                    target
                };
                let permissions = match permissions {
                    Some(r) => string_node(text.slice(r), span),
                    None => synthetic_string("rwm", span),
                };
                *node = mapping_node(
                    vec![
                        entry("source", string_node(text.slice(source), span), span),
                        entry("target", string_node(text.slice(target), span), span),
                        entry("permissions", permissions, span),
                    ],
                    span,
                );
            }
            _ => {
                return Err(CanonicalError::at(
                    format!(
                        "{}: invalid type {} for service volume mount",
                        here(),
                        go_type_name(node)
                    ),
                    node,
                ));
            }
        },
        Transform::Ports => {
            let NodeKind::Sequence(items) = &mut node.kind else {
                return Err(CanonicalError::at(
                    format!("{}: invalid type {} for port", here(), go_type_name(node)),
                    node,
                ));
            };
            let mut ports = Vec::with_capacity(items.len());
            for item in std::mem::take(items) {
                let s = item.span;
                match item.as_scalar().map(Scalar::value) {
                    Some(ScalarValue::Int(_)) => {
                        ports.push(mapping_node(vec![entry("target", item, s)], s));
                    }
                    Some(ScalarValue::Str(spec)) => {
                        let text = scalar_text(&item);
                        let parsed = parse_port(spec).map_err(|m| CanonicalError::at(m, &item))?;
                        ports.extend(parsed.iter().map(|p| p.to_node(&text, s)));
                    }
                    None if item.as_mapping().is_some() => ports.push(item),
                    _ => {
                        return Err(CanonicalError::at(
                            format!("{}: invalid type {} for port", here(), go_type_name(&item)),
                            &item,
                        ));
                    }
                }
            }
            *items = ports;
        }
        Transform::Build => match &node.kind {
            NodeKind::Mapping(_) => {
                set_default(node, "context", |s| synthetic_string(".", s));
                transform_children(node, path, depth)?;
            }
            _ if is_string(node) => {
                let context = std::mem::replace(node, null_node(span));
                *node = mapping_node(vec![entry("context", context, span)], span);
            }
            _ => {
                return Err(CanonicalError::at(
                    format!("{}: invalid type {} for build", here(), go_type_name(node)),
                    node,
                ));
            }
        },
        Transform::MaybeExternal => {
            // Legacy `external: {name: x}` means `name: x` and `external: true`.
            let NodeKind::Mapping(entries) = &mut node.kind else {
                return Ok(());
            };
            let Some(i) = entries
                .iter()
                .position(|e| key_text(&e.key) == "external" && e.value.as_mapping().is_some())
            else {
                return Ok(());
            };
            let external = std::mem::replace(&mut entries[i].value, null_node(span));
            let name = external.get("name").cloned();
            entries[i].value = synthetic_plain("true", external.span);
            if let Some(name) = name
                && !entries.iter().any(|e| key_text(&e.key) == "name")
            {
                entries.push(entry("name", name, external.span));
            }
        }
    }
    Ok(())
}

/// Drops empty entries where Compose ignores them (`dns: [""]`).
pub fn omit_empty(root: &mut Node) {
    let Some(services) = root_entry_mut(root, "services") else {
        return;
    };
    if let NodeKind::Mapping(services) = &mut services.kind {
        for service in services.iter_mut() {
            if let Some(dns) = root_entry_mut(&mut service.value, "dns")
                && let NodeKind::Sequence(items) = &mut dns.kind
            {
                items.retain(|item| {
                    !(item.is_null() || (is_string(item) && key_text(item).is_empty()))
                });
            }
        }
    }
}

fn root_entry_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.kind {
        NodeKind::Mapping(entries) => entries
            .iter_mut()
            .find(|e| key_text(&e.key) == key)
            .map(|e| &mut e.value),
        _ => None,
    }
}

/// Byte ranges of the parts of `s` between `sep`s.
fn split_ranges(s: &str, sep: char) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == sep {
            out.push(start..i);
            start = i + c.len_utf8();
        }
    }
    out.push(start..s.len());
    out
}

/// The text for `value`, which was read from `range` of `text`: the exact slice when the two
/// agree, else the value mapped to where that slice came from.
fn derived_text(text: &Text, range: Range<usize>, value: &str) -> Text {
    let range = range.start.min(text.value.len())..range.end.min(text.value.len());
    if text.value.get(range.clone()) == Some(value) {
        return text.slice(range);
    }
    let spans = text.spans(range);
    match (spans.first(), spans.last()) {
        (Some(first), Some(last)) => {
            let span = if first.file == last.file && first.start <= last.end {
                Span::new(first.file, first.start, last.end)
            } else {
                *first
            };
            Text::from_file(value, span, false)
        }
        _ => Text::new(value, Origin::Synthetic),
    }
}

// ---------------------------------------------------------------------------------------------
// Volume short syntax, as Compose's `ParseVolume` reads it.

/// A short-syntax volume, as byte ranges of the spec it was read from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct VolumeSpec {
    pub source: Option<Range<usize>>,
    pub target: Option<Range<usize>>,
    pub read_only: bool,
    pub nocopy: bool,
    pub selinux: Option<Range<usize>>,
    pub propagation: Option<Range<usize>>,
    /// One or two characters: an anonymous volume with nothing else set.
    pub tiny: bool,
}

impl VolumeSpec {
    pub fn target_str<'a>(&self, spec: &'a str) -> &'a str {
        self.target.clone().and_then(|r| spec.get(r)).unwrap_or("")
    }

    pub fn is_bind(&self, spec: &str) -> bool {
        let source = self.source.clone().and_then(|r| spec.get(r)).unwrap_or("");
        is_file_path(source)
    }

    fn to_node(&self, text: &Text, span: Span) -> Node {
        let spec = text.value.as_str();
        let slice = |r: &Range<usize>| string_node(text.slice(r.clone()), span);
        let mut entries = Vec::new();
        let bind = !self.tiny && self.is_bind(spec);
        let kind = if bind { "bind" } else { "volume" };
        entries.push(entry("type", synthetic_string(kind, span), span));
        if let Some(source) = &self.source {
            entries.push(entry("source", slice(source), span));
        }
        if let Some(target) = &self.target {
            let raw = spec.get(target.clone()).unwrap_or("");
            let value = if self.tiny {
                raw.to_string()
            } else {
                clean_path(raw)
            };
            entries.push(entry(
                "target",
                string_node(derived_text(text, target.clone(), &value), span),
                span,
            ));
        }
        if self.tiny {
            return mapping_node(entries, span);
        }
        if self.read_only {
            entries.push(entry("read_only", synthetic_plain("true", span), span));
        }
        let mut bind_entries = Vec::new();
        if let Some(p) = &self.propagation {
            bind_entries.push(entry("propagation", slice(p), span));
        }
        if let Some(s) = &self.selinux {
            bind_entries.push(entry("selinux", slice(s), span));
        }
        if bind {
            bind_entries.push(entry(
                "create_host_path",
                synthetic_plain("true", span),
                span,
            ));
        }
        if bind || !bind_entries.is_empty() {
            entries.push(entry("bind", mapping_node(bind_entries, span), span));
        }
        if !bind || self.nocopy {
            let mut volume = Vec::new();
            if self.nocopy {
                volume.push(entry("nocopy", synthetic_plain("true", span), span));
            }
            entries.push(entry("volume", mapping_node(volume, span), span));
        }
        mapping_node(entries, span)
    }
}

/// Reads `SOURCE:TARGET[:OPTIONS]`, `TARGET`, with Compose's quirks: a single letter before a
/// colon is a Windows drive (`a:/a` is one path), options it does not know are ignored.
pub(crate) fn parse_volume(spec: &str) -> Result<VolumeSpec, String> {
    let mut volume = VolumeSpec::default();
    match spec.len() {
        0 => return Err("invalid empty volume spec".to_string()),
        1 | 2 => {
            volume.target = Some(0..spec.len());
            volume.tiny = true;
            return Ok(volume);
        }
        _ => {}
    }
    let wrap = |message: &str| format!("invalid spec: {spec}: {message}");
    let mut start = 0;
    let mut chars_in_buffer = 0;
    let mut first_letter = false;
    for (i, c) in spec.char_indices() {
        if c == ':' && chars_in_buffer == 1 && first_letter {
            chars_in_buffer += 1;
            continue;
        }
        if c == ':' {
            populate_volume(&mut volume, spec, start..i, true).map_err(&wrap)?;
            start = i + 1;
            chars_in_buffer = 0;
            continue;
        }
        if chars_in_buffer == 0 {
            first_letter = c.is_alphabetic();
        }
        chars_in_buffer += 1;
    }
    populate_volume(&mut volume, spec, start..spec.len(), false).map_err(wrap)?;
    Ok(volume)
}

fn populate_volume(
    volume: &mut VolumeSpec,
    spec: &str,
    range: Range<usize>,
    at_colon: bool,
) -> Result<(), &'static str> {
    if range.is_empty() {
        return Err("empty section between colons");
    }
    if volume.source.is_none() && !at_colon {
        volume.target = Some(range);
        return Ok(());
    }
    if volume.source.is_none() {
        volume.source = Some(range);
        return Ok(());
    }
    if volume.target.is_none() {
        volume.target = Some(range);
        return Ok(());
    }
    if at_colon {
        return Err("too many colons");
    }
    let options = spec.get(range.clone()).unwrap_or("");
    let mut offset = range.start;
    for option in options.split(',') {
        let r = offset..offset + option.len();
        offset += option.len() + 1;
        match option {
            "ro" => volume.read_only = true,
            "rw" => volume.read_only = false,
            "nocopy" => volume.nocopy = true,
            "rprivate" | "private" | "rshared" | "shared" | "rslave" | "slave" => {
                volume.propagation = Some(r);
            }
            "z" | "Z" => volume.selinux = Some(r),
            _ => {}
        }
    }
    Ok(())
}

fn is_file_path(source: &str) -> bool {
    let mut chars = source.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if matches!(first, '.' | '/' | '~') || source.starts_with("\\\\") {
        return true;
    }
    first.is_alphabetic() && chars.next() == Some(':')
}

/// Go's `path.Clean`.
pub(crate) fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in p.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

// ---------------------------------------------------------------------------------------------
// Port short syntax.

/// One port binding read from short syntax, with where each part was in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PortBinding {
    host_ip: Option<(String, Range<usize>)>,
    published: Option<(String, Range<usize>)>,
    target: (u64, Range<usize>),
    protocol: (String, Option<Range<usize>>),
}

impl PortBinding {
    fn to_node(&self, text: &Text, span: Span) -> Node {
        let mut entries = vec![entry("mode", synthetic_string("ingress", span), span)];
        if let Some((ip, r)) = &self.host_ip {
            entries.push(entry(
                "host_ip",
                string_node(derived_text(text, r.clone(), ip), span),
                span,
            ));
        }
        let (target, target_range) = &self.target;
        if *target != 0 {
            let value = target.to_string();
            entries.push(entry(
                "target",
                plain_node(derived_text(text, target_range.clone(), &value), span),
                span,
            ));
        }
        if let Some((published, r)) = &self.published {
            entries.push(entry(
                "published",
                string_node(derived_text(text, r.clone(), published), span),
                span,
            ));
        }
        let (protocol, r) = &self.protocol;
        let protocol = match r {
            Some(r) => string_node(derived_text(text, r.clone(), protocol), span),
            None => synthetic_string(protocol, span),
        };
        entries.push(entry("protocol", protocol, span));
        mapping_node(entries, span)
    }
}

/// `[[IP:]HOST:]CONTAINER[/PROTO]` with ranges, read by the port parser, with the byte
/// ranges of each part so the long-syntax nodes keep pointing at the short string.
fn parse_port(spec: &str) -> Result<Vec<PortBinding>, String> {
    let unbracket = |r: Range<usize>| match spec.get(r.clone()) {
        Some(ip) if ip.len() >= 2 && ip.starts_with('[') && ip.ends_with(']') => {
            r.start + 1..r.end - 1
        }
        _ => r,
    };
    let mappings = super::ports::parse_short(spec).map_err(|e| e.message)?;
    Ok(mappings
        .into_iter()
        .map(|m| PortBinding {
            host_ip: m.host_ip.zip(m.host_ip_range.map(unbracket)),
            published: m.published.zip(m.published_range),
            target: (u64::from(m.target), m.target_range.unwrap_or(0..0)),
            protocol: (m.protocol, m.protocol_range),
        })
        .collect())
}

// =============================================================================================
// The `config` JSON.

type JsonResult = Result<Option<Value>, CanonicalError>;

/// What `docker compose config --format json` prints for the merged, long-syntax tree `root`
/// (see [`super::merge::merge_documents`]). The implicit `networks: {default: null}` of a
/// service and absent `command`/`entrypoint` are left out.
pub fn to_config_json(root: &Node, ctx: &CanonicalContext) -> Result<Value, CanonicalError> {
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

fn service_json(
    service: &Node,
    ctx: &CanonicalContext,
) -> Result<Map<String, Value>, CanonicalError> {
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

/// A sequence with `item` applied to each of its items.
fn each_json(
    node: &Node,
    item: impl Fn(&Node) -> Result<Value, CanonicalError>,
) -> Result<Value, CanonicalError> {
    let items = node.as_sequence().unwrap_or(&[]);
    Ok(Value::Array(
        items.iter().map(item).collect::<Result<_, _>>()?,
    ))
}

/// `develop`: each watch rule's path resolved, its `exec` hook always written.
fn develop_json(node: &Node, ctx: &CanonicalContext) -> JsonResult {
    let out = object_with(node, |key, v| {
        Ok(match key {
            "watch" => Some(each_json(v, |rule| watch_rule_json(rule, ctx))?),
            _ => generic(v),
        })
    })?;
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

fn watch_rule_json(node: &Node, ctx: &CanonicalContext) -> Result<Value, CanonicalError> {
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
fn hook_json(node: &Node, ctx: &CanonicalContext) -> Result<Value, CanonicalError> {
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

// --- small converters ------------------------------------------------------------------------

/// A scalar as Go's `fmt.Sprint` prints it; `None` for null and collections.
fn string(node: &Node) -> Option<String> {
    match node.as_scalar()?.value() {
        ScalarValue::Null => None,
        _ => Some(go_sprint(node)),
    }
}

fn nonempty_string(node: &Node) -> Option<Value> {
    string(node).filter(|s| !s.is_empty()).map(Value::String)
}

/// A string or a list of strings, as a list.
fn string_list(node: &Node) -> Option<Value> {
    let items: Vec<Value> = match &node.kind {
        NodeKind::Sequence(items) => items
            .iter()
            .map(|i| Value::String(string(i).unwrap_or_default()))
            .collect(),
        NodeKind::Scalar(_) => string(node).map(Value::String).into_iter().collect(),
        NodeKind::Mapping(_) => return generic(node),
    };
    (!items.is_empty()).then_some(Value::Array(items))
}

fn map_strings(list: Value, f: impl Fn(&str) -> String) -> Value {
    match list {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Value::String(f(&s)),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

/// A `KEY: value` mapping or `KEY=value` list as a map of strings (a bare key maps to "").
fn labels(node: &Node) -> Option<Value> {
    let mut out = Map::new();
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                out.insert(
                    key_text(&e.key).to_string(),
                    Value::String(string(&e.value).unwrap_or_default()),
                );
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                let s = go_sprint(item);
                let (k, v) = s.split_once('=').unwrap_or((&s, ""));
                out.insert(k.to_string(), Value::String(v.to_string()));
            }
        }
        NodeKind::Scalar(_) => return None,
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// `environment` / `build.args`: a bare key has no value; it takes the project environment's,
/// else stays null (`keep_unset`) or is dropped.
fn mapping_with_equals(node: &Node, ctx: &CanonicalContext, keep_unset: bool) -> JsonResult {
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
            return Err(CanonicalError::at(
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

fn boolean(node: &Node) -> Option<bool> {
    match node.as_scalar()?.value() {
        ScalarValue::Bool(b) => Some(b),
        ScalarValue::Str(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "y" | "yes" | "on" => Some(true),
            "false" | "n" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn int(node: &Node) -> Option<i64> {
    match node.as_scalar()?.value() {
        ScalarValue::Int(i) => Some(i),
        ScalarValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
        ScalarValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn float(node: &Node) -> Option<f64> {
    match node.as_scalar()?.value() {
        ScalarValue::Int(i) => Some(i as f64),
        ScalarValue::Float(f) => Some(f),
        ScalarValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A float as Go's `encoding/json` writes it: a whole number without a fraction (`2`, not
/// `2.0`).
fn number_f64(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return Value::from(f as i64);
    }
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// A Go duration (`1m30s`), accepting also days and weeks as Compose does.
fn duration(node: &Node) -> JsonResult {
    let Some(s) = string(node) else {
        return Ok(None);
    };
    let nanos = parse_duration(&s)
        .ok_or_else(|| CanonicalError::at(format!("time: invalid duration \"{s}\""), node))?;
    Ok(Some(Value::String(format_duration(nanos))))
}

fn parse_duration(s: &str) -> Option<i128> {
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(f) => {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                f.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let unit_len = after
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(after.len(), |(i, _)| i);
        let (unit, after) = after.split_at(unit_len);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "d" => 86_400_000_000_000,
            "w" => 604_800_000_000_000,
            _ => return None,
        };
        let whole: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().ok()?
        };
        let mut frac: i128 = 0;
        let mut divisor: i128 = 1;
        for digit in frac_part.bytes().take(18) {
            frac = frac * 10 + i128::from(digit - b'0');
            divisor *= 10;
        }
        total = total.checked_add(
            whole
                .checked_mul(scale)?
                .checked_add(frac * scale / divisor)?,
        )?;
        rest = after;
    }
    if total > i128::from(i64::MAX) {
        return None;
    }
    Some(if negative { -total } else { total })
}

/// Go's `time.Duration.String`.
fn format_duration(nanos: i128) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let u = nanos.unsigned_abs();
    let fraction = |value: u128, digits: u32| -> String {
        let unit = 10u128.pow(digits);
        let whole = value / unit;
        let frac = value % unit;
        if frac == 0 {
            whole.to_string()
        } else {
            let frac = format!("{frac:0width$}", width = digits as usize);
            format!("{whole}.{}", frac.trim_end_matches('0'))
        }
    };
    if u < 1_000_000_000 {
        let (digits, unit) = match u {
            0..1_000 => (0, "ns"),
            1_000..1_000_000 => (3, "µs"),
            _ => (6, "ms"),
        };
        return format!("{sign}{}{unit}", fraction(u, digits));
    }
    let seconds = u / 1_000_000_000;
    let sub = u % 1_000_000_000;
    let hours = seconds / 3600;
    let minutes = (seconds % 3600) / 60;
    let secs = fraction((seconds % 60) * 1_000_000_000 + sub, 9);
    let mut out = sign.to_string();
    if hours > 0 {
        out.push_str(&format!("{hours}h{minutes}m"));
    } else if minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    out.push_str(&secs);
    out.push('s');
    out
}

/// A byte size (`1g`, `512m`, `1024`), printed as Compose prints it: a decimal string.
fn bytes(node: &Node) -> JsonResult {
    let value = match node.as_scalar().map(Scalar::value) {
        Some(ScalarValue::Int(i)) => i,
        Some(ScalarValue::Str(s)) => ram_in_bytes(s)
            .ok_or_else(|| CanonicalError::at(format!("invalid size: '{s}'"), node))?,
        Some(ScalarValue::Float(f)) => f as i64,
        _ => return Ok(None),
    };
    Ok((value != 0).then(|| Value::String(value.to_string())))
}

fn ram_in_bytes(s: &str) -> Option<i64> {
    let number_len = s
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let (number, unit) = s.split_at(number_len);
    if number.is_empty() || number.starts_with('.') {
        return None;
    }
    let unit = unit.strip_prefix(' ').unwrap_or(unit);
    let mut chars = unit.chars().peekable();
    let multiplier: f64 = match chars.peek().map(char::to_ascii_lowercase) {
        Some('k') => 1024.0,
        Some('m') => 1024.0 * 1024.0,
        Some('g') => 1024.0 * 1024.0 * 1024.0,
        Some('t') => 1024.0f64.powi(4),
        Some('p') => 1024.0f64.powi(5),
        _ => 1.0,
    };
    if multiplier > 1.0 {
        chars.next();
    }
    if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'i')) {
        chars.next();
    }
    if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'b')) {
        chars.next();
    }
    if chars.next().is_some() {
        return None;
    }
    let size: f64 = number.parse().ok()?;
    Some((size * multiplier) as i64)
}

/// A command as a list: a string is split like a POSIX shell splits words.
fn shell_command(node: &Node) -> Result<Value, CanonicalError> {
    match &node.kind {
        NodeKind::Sequence(items) => Ok(Value::Array(
            items
                .iter()
                .map(|i| Value::String(string(i).unwrap_or_default()))
                .collect(),
        )),
        _ => {
            let s = string(node).unwrap_or_default();
            let words = shell_words(&s).ok_or_else(|| {
                CanonicalError::at(format!("invalid command line string: {s:?}"), node)
            })?;
            Ok(Value::Array(words.into_iter().map(Value::String).collect()))
        }
    }
}

fn shell_words(s: &str) -> Option<Vec<String>> {
    super::shell::split(s).map(|words| words.into_iter().map(|(w, _)| w).collect())
}

/// Any node as JSON, with YAML types kept.
fn json_of(node: &Node) -> Value {
    json_at(node, 0)
}

fn json_at(node: &Node, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match &node.kind {
        NodeKind::Scalar(s) => match s.value() {
            ScalarValue::Null => Value::Null,
            ScalarValue::Bool(b) => Value::Bool(b),
            ScalarValue::Int(i) => Value::from(i),
            ScalarValue::Float(f) => number_f64(f),
            ScalarValue::Str(s) => Value::String(s.to_string()),
        },
        NodeKind::Sequence(items) => {
            Value::Array(items.iter().map(|i| json_at(i, depth + 1)).collect())
        }
        NodeKind::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (key_text(&e.key).to_string(), json_at(&e.value, depth + 1)))
                .collect(),
        ),
    }
}

/// A field Compose would leave out when empty.
fn generic(node: &Node) -> Option<Value> {
    let value = json_of(node);
    let empty = match &value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) => false,
    };
    (!empty).then_some(value)
}

/// An `x-*` key of a structure below the top level: compose-go keeps it in its model but
/// leaves it out of JSON (`json:"-"` on every `Extensions` field but the project's).
fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// A mapping whose known fields are converted by `field`, the rest kept as they are; `x-*`
/// keys are left out.
fn object_with(
    node: &Node,
    mut field: impl FnMut(&str, &Node) -> JsonResult,
) -> Result<Map<String, Value>, CanonicalError> {
    let mut out = Map::new();
    for e in node.as_mapping().unwrap_or(&[]) {
        let key = key_text(&e.key);
        if e.value.is_null() || is_extension(key) {
            continue;
        }
        if let Some(value) = field(key, &e.value)? {
            out.insert(key.to_string(), value);
        }
    }
    Ok(out)
}

/// Like [`object_with`], for conversions that cannot fail.
fn plain_object(node: &Node, field: impl Fn(&str, &Node) -> Option<Value>) -> Value {
    let mut out = Map::new();
    for e in node.as_mapping().unwrap_or(&[]) {
        let key = key_text(&e.key);
        if e.value.is_null() || is_extension(key) {
            continue;
        }
        if let Some(value) = field(key, &e.value) {
            out.insert(key.to_string(), value);
        }
    }
    Value::Object(out)
}

// --- paths -----------------------------------------------------------------------------------

/// A path as compose-go resolves it against `dir`: an absolute path is kept as written
/// (`/etc/pihole/` keeps its slash), a relative one is joined and cleaned.
fn abs_path(dir: &str, p: &str) -> String {
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

fn build_json(node: &Node, ctx: &CanonicalContext) -> JsonResult {
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
fn file_references(node: &Node, default_dir: Option<&str>) -> Option<Value> {
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

fn deploy_json(node: &Node) -> Result<Value, CanonicalError> {
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

fn resource_limits_json(node: &Node) -> Result<Value, CanonicalError> {
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
fn gpus_json(node: &Node) -> Value {
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

fn devices_json(node: &Node) -> Option<Value> {
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

fn env_files_json(node: &Node, ctx: &CanonicalContext) -> Option<Value> {
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
fn hosts_json(node: &Node) -> JsonResult {
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
                    return Err(CanonicalError::at(
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
            return Err(CanonicalError::at(format!("bad host name '{host}'"), node));
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

fn healthcheck_json(node: &Node) -> Result<Value, CanonicalError> {
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

fn logging_json(node: &Node) -> Value {
    let mut out = Map::new();
    if let Some(driver) = node.get("driver").and_then(nonempty_string) {
        out.insert("driver".into(), driver);
    }
    if let Some(options) = node.get("options").and_then(labels) {
        out.insert("options".into(), options);
    }
    Value::Object(out)
}

fn ulimits_json(node: &Node) -> Option<Value> {
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

fn ports_json(node: &Node) -> JsonResult {
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
                    return Err(CanonicalError::at(
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

fn volumes_json(node: &Node, ctx: &CanonicalContext) -> JsonResult {
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
fn names_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Sequence(items) => {
            Value::Object(items.iter().map(|i| (go_sprint(i), Value::Null)).collect())
        }
        _ => json_of(node),
    }
}

/// `depends_on`, with the dependencies `links`, `volumes_from` and `service:` namespaces imply.
fn dependencies_json(service: &Node) -> Map<String, Value> {
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
fn service_networks_json(service: &Node) -> Option<Value> {
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

// --- top-level resources ---------------------------------------------------------------------

fn default_name(key: &str, node: &Node, ctx: &CanonicalContext) -> String {
    if node.get("external").and_then(boolean) == Some(true) {
        key.to_string()
    } else {
        format!("{}_{key}", ctx.project_name)
    }
}

fn network_json(key: &str, node: &Node, ctx: &CanonicalContext) -> Result<Value, CanonicalError> {
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
) -> Result<Value, CanonicalError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn windows_drive_letters_are_part_of_the_path() {
        let v = parse_volume("a:/a").unwrap();
        assert_eq!(v.source, None);
        assert_eq!(v.target_str("a:/a"), "a:/a");
        let v = parse_volume("foo:/work:ro").unwrap();
        assert_eq!(v.source, Some(0..3));
        assert_eq!(v.target_str("foo:/work:ro"), "/work");
        assert!(v.read_only);
        // `a:` is a drive, so this is `a:` mounted at `b`.
        assert_eq!(parse_volume("a::b").unwrap().source, Some(0..2));
        assert_eq!(
            parse_volume("/a::b").unwrap_err(),
            "invalid spec: /a::b: empty section between colons"
        );
        assert_eq!(
            parse_volume("./a:/b:ro:x").unwrap_err(),
            "invalid spec: ./a:/b:ro:x: too many colons"
        );
    }

    #[test]
    fn short_ports() {
        let p = parse_port("127.0.0.1:8080:80/UDP").unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].host_ip.as_ref().map(|h| h.0.as_str()),
            Some("127.0.0.1")
        );
        assert_eq!(p[0].published.as_ref().map(|h| h.0.as_str()), Some("8080"));
        assert_eq!(p[0].target.0, 80);
        assert_eq!(p[0].protocol.0, "udp");
        assert_eq!(parse_port("3000-3005").unwrap().len(), 6);
        let range = parse_port("8000-9000:80").unwrap();
        assert_eq!(
            range[0].published.as_ref().map(|h| h.0.as_str()),
            Some("8000-9000")
        );
        let v6 = parse_port("[::1]:6001:6001").unwrap();
        assert_eq!(v6[0].host_ip.as_ref().map(|h| h.0.as_str()), Some("::1"));
        let bare_v6 = parse_port("::1:6000:6000").unwrap();
        assert_eq!(
            bare_v6[0].host_ip.as_ref().map(|h| h.0.as_str()),
            Some("::1")
        );
        assert_eq!(
            parse_port("80:65536").unwrap_err(),
            "invalid containerPort: 65536"
        );
        assert_eq!(
            parse_port("81-80:80").unwrap_err(),
            "invalid hostPort: 81-80"
        );
        assert_eq!(
            parse_port("localhost:80:80").unwrap_err(),
            "invalid IP address: localhost"
        );
        assert_eq!(parse_port("80/xyz").unwrap_err(), "invalid proto: xyz");
        assert_eq!(
            parse_port("8080:80-81").unwrap_err(),
            "invalid ranges specified for container and host Ports: 80-81 and 8080"
        );
        // Only the host side a range: one binding with a host port range.
        let host_range = parse_port("80-81:8080").unwrap();
        assert_eq!(host_range.len(), 1);
        assert_eq!(
            host_range[0].published.as_ref().map(|h| h.0.as_str()),
            Some("80-81")
        );
        // Docker's map is keyed by "PORT/PROTO", sorted as strings.
        let order: Vec<u64> = parse_port("98-101")
            .unwrap()
            .iter()
            .map(|b| b.target.0)
            .collect();
        assert_eq!(order, vec![100, 101, 98, 99]);
    }

    #[test]
    fn port_parts_keep_their_spans() {
        let span = Span::new(FileId(1), 10, 20);
        let text = Text::from_file("8080:80", Span::new(FileId(1), 11, 18), true);
        let node = parse_port(&text.value).unwrap()[0].to_node(&text, span);
        let published = &node.get("published").unwrap().as_scalar().unwrap().text;
        assert_eq!(published.primary_span(), Some(Span::new(FileId(1), 11, 15)));
        let target = node.get("target").unwrap();
        assert_eq!(target.as_scalar().unwrap().value(), ScalarValue::Int(80));
        assert_eq!(
            target.as_scalar().unwrap().text.exact_span(0..2),
            Some(Span::new(FileId(1), 16, 18))
        );
        let published = node.get("published").unwrap().as_scalar().unwrap();
        assert_eq!(published.value(), ScalarValue::Str("8080"));
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(
            parse_duration("90s").map(format_duration).as_deref(),
            Some("1m30s")
        );
        assert_eq!(
            parse_duration("1h").map(format_duration).as_deref(),
            Some("1h0m0s")
        );
        assert_eq!(
            parse_duration("1.5s").map(format_duration).as_deref(),
            Some("1.5s")
        );
        assert_eq!(
            parse_duration("500ms").map(format_duration).as_deref(),
            Some("500ms")
        );
        assert_eq!(
            parse_duration("1d").map(format_duration).as_deref(),
            Some("24h0m0s")
        );
        assert_eq!(parse_duration("10"), None);
        assert_eq!(ram_in_bytes("1g"), Some(1 << 30));
        assert_eq!(ram_in_bytes("512MB"), Some(512 << 20));
        assert_eq!(ram_in_bytes("100"), Some(100));
        assert_eq!(ram_in_bytes("1x"), None);
    }

    #[test]
    fn shell_splitting() {
        assert_eq!(
            shell_words(r#"sh -c "echo \"hi\" 'x'" 'a b' c\ d"#).unwrap(),
            vec!["sh", "-c", "echo \"hi\" 'x'", "a b", "c d"]
        );
        assert_eq!(shell_words("'open"), None);
    }

    #[test]
    fn clean_paths() {
        assert_eq!(clean_path("/proj/./b/"), "/proj/b");
        assert_eq!(clean_path("/proj/../x"), "/x");
        assert_eq!(clean_path("a/../../b"), "../b");
        assert_eq!(abs_path("/proj", "."), "/proj");
        assert_eq!(abs_path("/proj", "/etc/x"), "/etc/x");
    }
}
