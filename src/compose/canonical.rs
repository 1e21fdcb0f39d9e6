//! Compose's canonical form, as loading builds it: short syntax turned into long syntax on
//! the spanned tree.
//!
//! [`to_long_syntax`] is the step Compose runs after merging each file (`ports: ["80:80"]` →
//! `[{target: 80, published: "80", …}]`, `build: .` → `{context: .}`, …); it keeps spans, so
//! a long-form field still points at the short-syntax text it was read from. The JSON
//! `docker compose config` prints for the result is rendered by [`super::config`].

use std::ops::Range;

use super::tree::{
    MAX_DEPTH, TreeError, default_dependency, go_sprint, go_type_name, key_text, mapping_node,
    null_node, path_matches, plain_node, scalar_text, sequence_node, string_node, synthetic_plain,
    synthetic_string,
};
use crate::paths::{clean_path, is_file_path};
use crate::source::Span;
use crate::text::{Origin, Text};
use crate::yaml::{Entry, Node, NodeKind, Scalar, ScalarValue};

/// Why a project has no canonical form, with Compose's wording.
pub type CanonicalError = TreeError;

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
}
