//! Merging compose documents the way Compose does: `!reset`/`!override`, the per-field merge
//! rules, and the de-duplication of list entries afterwards.
//!
//! Everything works on the spanned YAML tree and keeps every node's span, so the merged tree
//! still says which file, and where in it, each value came from. Nodes the merge has to make up
//! — a `KEY=value` list item built from a `KEY: value` mapping entry, a `{context: …}` built
//! from a `build: path` string — reuse the text pieces and spans of the nodes they were made
//! from; only values Compose invents (defaults such as `condition: service_started`) are
//! synthetic.

use super::canonical;
use super::tree::{
    GoValue, MAX_DEPTH, TreeError, cover, default_dependency, go_percent_d, go_percent_s,
    go_sprint, go_sprint_text, go_type_name, go_value, key_text, mapping_node, null_node,
    path_matches, scalar_text, sequence_node, string_node, synthetic_string,
};
use crate::source::Span;
use crate::text::Origin;
use crate::yaml::{Entry, Node, NodeKind, Scalar, ScalarValue, Tag};

/// Why two documents could not be merged, with Compose's wording.
pub type MergeError = TreeError;

/// Merges one whole document over another (two root mappings), as Compose merges `-f` files.
///
/// `!reset` / `!override` tags in `overlay` first delete their paths from `base`; then
/// mappings merge key by key (the overlay wins), sequences append, scalars are replaced, a null
/// overlay keeps the base value, and the per-field rules apply (`environment` and labels become
/// `KEY=VAL` lists, `depends_on`/`networks` become mappings, `command` is replaced, …).
pub fn merge(base: Node, overlay: Node) -> Result<Node, MergeError> {
    merge_at(base, overlay, &[])
}

/// Like [`merge`], for two nodes found at `path` of their documents (e.g. `["services", "web"]`
/// when a service `extends` another, or a resource an `include` brings in), so the per-field
/// rules of that place apply.
pub fn merge_at(base: Node, overlay: Node, path: &[&str]) -> Result<Node, MergeError> {
    let mut overlay = overlay;
    let mut path: Vec<String> = path.iter().map(|s| (*s).to_string()).collect();
    let mut resets = Vec::new();
    collect_tags(&mut overlay, &mut path, true, &mut resets, 0);
    overlay.tag = strip_merge_tag(overlay.tag.take());
    let mut base = base;
    if !resets.is_empty() {
        apply_resets(&mut base, &mut path, &resets, 0);
    }
    merge_value(base, overlay, &mut path, 0)
}

/// Merges the documents of all compose files in order, exactly as Compose loads them: each
/// document is merged over the result so far, then duplicates are removed, short syntax is
/// turned into long syntax and duplicates are removed again. Empty documents are skipped;
/// `None` when there was no document at all.
pub fn merge_documents(
    documents: impl IntoIterator<Item = Node>,
) -> Result<Option<Node>, MergeError> {
    let mut merged: Option<Node> = None;
    for document in documents {
        if document.is_null() {
            continue;
        }
        if document.as_mapping().is_none() {
            return Err(MergeError::new(
                "Top-level object must be a mapping",
                Some(document.span),
            ));
        }
        let base = merged.take().unwrap_or_else(|| Node {
            kind: NodeKind::Mapping(Vec::new()),
            span: Span::new(document.span.file, document.span.start, document.span.start),
            tag: None,
        });
        let next = merge(base, document)?;
        merged = Some(normalize(next)?);
    }
    Ok(merged)
}

/// What Compose does after each merge step: de-duplicate, short syntax to long syntax, drop
/// empty values, de-duplicate again (long syntax can reveal duplicates, e.g. a port range
/// against a single port).
pub fn normalize(mut merged: Node) -> Result<Node, MergeError> {
    enforce_unicity(&mut merged)?;
    canonical::to_long_syntax(&mut merged)?;
    canonical::omit_empty(&mut merged);
    enforce_unicity(&mut merged)?;
    Ok(merged)
}

/// Records the paths tagged `!reset` / `!override` in `node`, drops the `!reset` entries
/// from their mappings and returns whether `node` itself is to be dropped. Paths under a
/// sequence are never recorded: Compose cannot delete sequence items.
fn collect_tags(
    node: &mut Node,
    path: &mut Vec<String>,
    record: bool,
    out: &mut Vec<Vec<String>>,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match node.tag.as_deref() {
        Some(Tag::Reset) => {
            if record {
                out.push(path.clone());
            }
            node.tag = None;
            return true;
        }
        Some(Tag::Override) => {
            if record {
                out.push(path.clone());
            }
            // Compose does not look for tags inside a replaced value; they mean nothing there.
            strip_merge_tags(node, depth);
            return false;
        }
        _ => {}
    }
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            entries.retain_mut(|entry| {
                path.push(key_text(&entry.key).to_string());
                let drop = collect_tags(&mut entry.value, path, record, out, depth + 1);
                path.pop();
                !drop
            });
        }
        NodeKind::Sequence(items) => {
            for item in items.iter_mut() {
                path.push("[]".to_string());
                collect_tags(item, path, false, out, depth + 1);
                path.pop();
            }
        }
        NodeKind::Scalar(_) => {}
    }
    false
}

fn strip_merge_tags(node: &mut Node, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    node.tag = strip_merge_tag(node.tag.take());
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries.iter_mut() {
                strip_merge_tags(&mut entry.value, depth + 1);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items.iter_mut() {
                strip_merge_tags(item, depth + 1);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

fn strip_merge_tag(tag: Option<Box<Tag>>) -> Option<Box<Tag>> {
    match tag.as_deref() {
        Some(Tag::Reset) | Some(Tag::Override) => None,
        _ => tag,
    }
}

/// Deletes from `node` every mapping entry whose path is one of `patterns`.
fn apply_resets(node: &mut Node, path: &mut Vec<String>, patterns: &[Vec<String>], depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            entries.retain_mut(|entry| {
                path.push(key_text(&entry.key).to_string());
                let hit = patterns.iter().any(|p| segments_match(path, p));
                if !hit {
                    apply_resets(&mut entry.value, path, patterns, depth + 1);
                }
                path.pop();
                !hit
            });
        }
        NodeKind::Sequence(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(format!("[{i}]"));
                if !patterns.iter().any(|p| segments_match(path, p)) {
                    apply_resets(item, path, patterns, depth + 1);
                }
                path.pop();
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

fn segments_match(path: &[String], pattern: &[String]) -> bool {
    path.len() == pattern.len()
        && path
            .iter()
            .zip(pattern)
            .all(|(seg, pat)| pat == "*" || seg == pat)
}

#[derive(Clone, Copy, Debug)]
enum Rule {
    /// The overlay replaces the base, even when it is null.
    Replace,
    /// Both sides become `KEY=VAL` sequences, then append.
    ToSequence,
    /// Like `ToSequence`, but overlay items equal to a base item are dropped.
    ExtraHosts,
    /// `build: path` becomes `{context: path}` on either side, then the mappings merge.
    Build,
    /// A list becomes a mapping of `{condition: service_started, required: true}`.
    DependsOn,
    /// A list becomes a mapping of nulls.
    ToMapping,
    /// Options merge only when the drivers agree.
    Logging,
    /// Entries are matched by `subnet`.
    IpamConfig,
}

const MERGE_RULES: &[(&str, Rule)] = &[
    ("networks.*.ipam.config", Rule::IpamConfig),
    ("networks.*.labels", Rule::ToSequence),
    ("volumes.*.labels", Rule::ToSequence),
    ("models.*.runtime_flags", Rule::Replace),
    ("services.*.annotations", Rule::ToSequence),
    ("services.*.build", Rule::Build),
    ("services.*.build.args", Rule::ToSequence),
    ("services.*.build.additional_contexts", Rule::ToSequence),
    ("services.*.build.extra_hosts", Rule::ExtraHosts),
    ("services.*.build.labels", Rule::ToSequence),
    ("services.*.command", Rule::Replace),
    ("services.*.depends_on", Rule::DependsOn),
    ("services.*.deploy.labels", Rule::ToSequence),
    ("services.*.dns", Rule::ToSequence),
    ("services.*.dns_opt", Rule::ToSequence),
    ("services.*.dns_search", Rule::ToSequence),
    ("services.*.entrypoint", Rule::Replace),
    ("services.*.env_file", Rule::ToSequence),
    ("services.*.label_file", Rule::ToSequence),
    ("services.*.environment", Rule::ToSequence),
    ("services.*.extra_hosts", Rule::ExtraHosts),
    ("services.*.healthcheck.test", Rule::Replace),
    ("services.*.labels", Rule::ToSequence),
    ("services.*.logging", Rule::Logging),
    ("services.*.models", Rule::ToMapping),
    ("services.*.networks", Rule::ToMapping),
    ("services.*.sysctls", Rule::ToSequence),
    ("services.*.tmpfs", Rule::ToSequence),
    ("services.*.ulimits.*", Rule::Replace),
];

fn merge_value(
    base: Node,
    overlay: Node,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<Node, MergeError> {
    if depth > MAX_DEPTH {
        return Err(MergeError::new(
            format!("{}: nested too deeply", path.join(".")),
            Some(overlay.span),
        ));
    }
    if let Some(rule) = MERGE_RULES
        .iter()
        .find(|(pattern, _)| path_matches(path, pattern))
        .map(|(_, rule)| *rule)
    {
        return merge_by_rule(rule, base, overlay, path, depth);
    }
    if overlay.is_null() {
        return Ok(base);
    }
    let Node { kind, span, tag } = base;
    match kind {
        NodeKind::Mapping(entries) => match overlay.kind {
            NodeKind::Mapping(more) => Ok(Node {
                kind: NodeKind::Mapping(merge_entries(entries, more, path, depth)?),
                span,
                tag,
            }),
            _ => Err(cannot_override(path, overlay.span)),
        },
        NodeKind::Sequence(mut items) => match overlay.kind {
            NodeKind::Sequence(more) => {
                items.extend(more);
                Ok(Node {
                    kind: NodeKind::Sequence(items),
                    span,
                    tag,
                })
            }
            _ => Err(cannot_override(path, overlay.span)),
        },
        NodeKind::Scalar(_) => Ok(overlay),
    }
}

fn cannot_override(path: &[String], span: Span) -> MergeError {
    MergeError::new(format!("cannot override {}", path.join(".")), Some(span))
}

/// Merges the overlay's entries into the base's: existing keys keep their place.
fn merge_entries(
    mut base: Vec<Entry>,
    overlay: Vec<Entry>,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<Vec<Entry>, MergeError> {
    for entry in overlay {
        let key = key_text(&entry.key);
        match base.iter().position(|e| key_text(&e.key) == key) {
            Some(i) => {
                let placeholder = null_node(entry.value.span);
                let old = std::mem::replace(&mut base[i].value, placeholder);
                path.push(key.to_string());
                let merged = merge_value(old, entry.value, path, depth + 1);
                path.pop();
                base[i].value = merged?;
            }
            None => base.push(entry),
        }
    }
    Ok(base)
}

fn merge_by_rule(
    rule: Rule,
    base: Node,
    overlay: Node,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<Node, MergeError> {
    let span = base.span;
    match rule {
        Rule::Replace => Ok(overlay),
        Rule::ToSequence | Rule::ExtraHosts => {
            let mut items = into_sequence(base).unwrap_or_default();
            let mut more = into_sequence(overlay).unwrap_or_default();
            if matches!(rule, Rule::ExtraHosts) {
                more.retain(|m| !items.iter().any(|b| same_go_value(b, m)));
            }
            items.extend(more);
            Ok(sequence_node(items, span))
        }
        Rule::Build => {
            let entries = merge_entries(build_entries(base), build_entries(overlay), path, depth)?;
            Ok(mapping_node(entries, span))
        }
        Rule::DependsOn => {
            let entries = merge_entries(
                into_mapping(base, Some(default_dependency)),
                into_mapping(overlay, Some(default_dependency)),
                path,
                depth,
            )?;
            Ok(mapping_node(entries, span))
        }
        Rule::ToMapping => {
            let entries = merge_entries(
                into_mapping(base, None),
                into_mapping(overlay, None),
                path,
                depth,
            )?;
            Ok(mapping_node(entries, span))
        }
        Rule::Logging => {
            if overlay.is_null() {
                return Ok(base);
            }
            if base.as_mapping().is_none() || overlay.as_mapping().is_none() {
                return Ok(overlay);
            }
            let same_driver = match (base.get("driver"), overlay.get("driver")) {
                (Some(a), Some(b)) => same_go_value(a, b),
                _ => true,
            };
            if !same_driver {
                return Ok(overlay);
            }
            let (NodeKind::Mapping(a), NodeKind::Mapping(b)) = (base.kind, overlay.kind) else {
                return Err(cannot_override(path, span));
            };
            Ok(mapping_node(merge_entries(a, b, path, depth)?, span))
        }
        Rule::IpamConfig => merge_ipam_config(base, overlay, path, depth),
    }
}

/// `environment`-style values as one sequence: a mapping gives `KEY=VAL` items (a null value
/// gives a bare `KEY`, a list value one item per element), sorted like Compose sorts them; a
/// string gives a one-item list; anything else gives nothing.
fn into_sequence(node: Node) -> Option<Vec<Node>> {
    match node.kind {
        NodeKind::Sequence(items) => Some(items),
        NodeKind::Mapping(entries) => {
            let mut items = Vec::new();
            for entry in &entries {
                match &entry.value.kind {
                    NodeKind::Sequence(values) => {
                        items.extend(values.iter().map(|v| key_value_item(&entry.key, v)));
                    }
                    _ if entry.value.is_null() => {
                        items.push(string_node(scalar_text(&entry.key), entry.key.span));
                    }
                    _ => items.push(key_value_item(&entry.key, &entry.value)),
                }
            }
            items.sort_by(|a, b| key_text(a).cmp(key_text(b)));
            Some(items)
        }
        NodeKind::Scalar(ref s) if matches!(s.value(), ScalarValue::Str(_)) => Some(vec![node]),
        NodeKind::Scalar(_) => None,
    }
}

/// `KEY=VALUE` with the key's and the value's provenance kept.
fn key_value_item(key: &Node, value: &Node) -> Node {
    let mut text = scalar_text(key);
    text.push_str("=", Origin::Synthetic);
    text.push_text(&go_sprint_text(value));
    string_node(text, cover(key.span, value.span))
}

fn build_entries(node: Node) -> Vec<Entry> {
    match node.kind {
        NodeKind::Mapping(entries) => entries,
        NodeKind::Scalar(ref s) if matches!(s.value(), ScalarValue::Str(_)) => {
            let span = node.span;
            vec![Entry {
                key: synthetic_string("context", span),
                value: node,
            }]
        }
        _ => Vec::new(),
    }
}

/// A list of names as a mapping from each name to `default` (or null); a mapping as it is.
fn into_mapping(node: Node, default: Option<fn(Span) -> Node>) -> Vec<Entry> {
    match node.kind {
        NodeKind::Mapping(entries) => entries,
        NodeKind::Sequence(items) => {
            let mut entries: Vec<Entry> = Vec::new();
            for item in items {
                let span = item.span;
                let value = match default {
                    Some(make) => make(span),
                    None => null_node(span),
                };
                let key = key_text(&item).to_string();
                match entries.iter_mut().find(|e| key_text(&e.key) == key) {
                    Some(existing) => existing.value = value,
                    None => entries.push(Entry { key: item, value }),
                }
            }
            entries
        }
        NodeKind::Scalar(_) => Vec::new(),
    }
}

/// One slot of the merged `ipam.config` list. Compose merges into the base entry in place, so
/// every slot that holds it sees later changes; `Current` stands for that shared entry.
enum IpamSlot {
    Current,
    Fixed(Node),
}

fn merge_ipam_config(
    base: Node,
    overlay: Node,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<Node, MergeError> {
    let span = base.span;
    let unexpected = |node: &Node| {
        MergeError::new(
            format!("{}: unexpected type {}", path.join("."), go_type_name(node)),
            Some(node.span),
        )
    };
    let NodeKind::Sequence(originals) = base.kind else {
        return Err(unexpected(&base));
    };
    let NodeKind::Sequence(overrides) = overlay.kind else {
        return Err(unexpected(&overlay));
    };
    let mut fixed: Vec<Node> = Vec::new();
    for original in originals {
        let original_span = original.span;
        let mut current = mapping_node(into_mapping(original, None), original_span);
        let mut slots: Vec<IpamSlot> = fixed.drain(..).map(IpamSlot::Fixed).collect();
        for item in &overrides {
            let left = mapping_node(into_mapping(item.clone(), None), item.span);
            let left_subnet = subnet_of(&left);
            let slot_subnet = |slot: &IpamSlot, current: &Node| match slot {
                IpamSlot::Current => subnet_of(current),
                IpamSlot::Fixed(node) => subnet_of(node),
            };
            if left_subnet != subnet_of(&current)
                && !slots
                    .iter()
                    .any(|s| slot_subnet(s, &current) == left_subnet)
            {
                slots.push(IpamSlot::Fixed(left));
                continue;
            }
            let (NodeKind::Mapping(a), NodeKind::Mapping(b)) = (current.kind, left.kind) else {
                return Err(cannot_override(path, item.span));
            };
            current = mapping_node(merge_entries(a, b, path, depth)?, original_span);
            let merged_subnet = subnet_of(&current);
            match slots
                .iter()
                .position(|s| slot_subnet(s, &current) == merged_subnet)
            {
                Some(i) => slots[i] = IpamSlot::Current,
                None => slots.push(IpamSlot::Current),
            }
        }
        fixed = slots
            .into_iter()
            .map(|s| match s {
                IpamSlot::Current => current.clone(),
                IpamSlot::Fixed(node) => node,
            })
            .collect();
    }
    Ok(sequence_node(fixed, span))
}

/// The entry's `subnet`, where a missing one and a null one are the same (Go's nil).
fn subnet_of(node: &Node) -> Option<GoValue> {
    node.get("subnet")
        .and_then(go_value)
        .filter(|v| *v != GoValue::Null)
}

/// De-duplicates the sequences Compose keeps unique, in place: a later entry with the same key
/// (a variable name, a mount target, a port binding, …) replaces the earlier one where the
/// earlier one stood.
pub fn enforce_unicity(root: &mut Node) -> Result<(), MergeError> {
    let mut path = Vec::new();
    unicity_walk(root, &mut path, 0)
}

#[derive(Clone, Copy, Debug)]
enum Indexer {
    /// The part before `=`.
    KeyValue,
    /// The mount target.
    Volume,
    /// The container path.
    Device,
    Expose,
    /// The target, or `<default dir>/<source>`.
    Mount(&'static str),
    Port,
    EnvFile,
}

const UNIQUE: &[(&str, Indexer)] = &[
    ("networks.*.labels", Indexer::KeyValue),
    ("networks.*.ipam.options", Indexer::KeyValue),
    ("services.*.annotations", Indexer::KeyValue),
    ("services.*.build.args", Indexer::KeyValue),
    ("services.*.build.additional_contexts", Indexer::KeyValue),
    ("services.*.build.platform", Indexer::KeyValue),
    ("services.*.build.tags", Indexer::KeyValue),
    ("services.*.build.labels", Indexer::KeyValue),
    ("services.*.cap_add", Indexer::KeyValue),
    ("services.*.cap_drop", Indexer::KeyValue),
    ("services.*.configs", Indexer::Mount("")),
    ("services.*.deploy.labels", Indexer::KeyValue),
    ("services.*.devices", Indexer::Device),
    ("services.*.dns", Indexer::KeyValue),
    ("services.*.dns_opt", Indexer::KeyValue),
    ("services.*.dns_search", Indexer::KeyValue),
    ("services.*.environment", Indexer::KeyValue),
    ("services.*.env_file", Indexer::EnvFile),
    ("services.*.expose", Indexer::Expose),
    ("services.*.labels", Indexer::KeyValue),
    ("services.*.links", Indexer::KeyValue),
    ("services.*.networks.*.aliases", Indexer::KeyValue),
    ("services.*.networks.*.link_local_ips", Indexer::KeyValue),
    ("services.*.ports", Indexer::Port),
    ("services.*.profiles", Indexer::KeyValue),
    ("services.*.secrets", Indexer::Mount("/run/secrets")),
    ("services.*.sysctls", Indexer::KeyValue),
    ("services.*.tmpfs", Indexer::KeyValue),
    ("services.*.volumes", Indexer::Volume),
];

fn unicity_walk(node: &mut Node, path: &mut Vec<String>, depth: usize) -> Result<(), MergeError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries.iter_mut() {
                path.push(key_text(&entry.key).to_string());
                let result = unicity_walk(&mut entry.value, path, depth + 1);
                path.pop();
                result?;
            }
        }
        NodeKind::Sequence(items) => {
            // Like Compose, only the listed sequences are looked at, and not inside them.
            let Some(indexer) = UNIQUE
                .iter()
                .find(|(pattern, _)| path_matches(path, pattern))
                .map(|(_, indexer)| *indexer)
            else {
                return Ok(());
            };
            let mut kept: Vec<Node> = Vec::with_capacity(items.len());
            let mut keys: std::collections::HashMap<String, usize> =
                std::collections::HashMap::new();
            for (i, item) in std::mem::take(items).into_iter().enumerate() {
                let item_path = format!("{}.[{i}]", path.join("."));
                let key = unique_key(indexer, &item, &item_path)?;
                match keys.get(&key) {
                    Some(&j) => {
                        if let Some(slot) = kept.get_mut(j) {
                            *slot = item;
                        }
                    }
                    None => {
                        keys.insert(key, kept.len());
                        kept.push(item);
                    }
                }
            }
            *items = kept;
        }
        NodeKind::Scalar(_) => {}
    }
    Ok(())
}

fn unique_key(indexer: Indexer, item: &Node, path: &str) -> Result<String, MergeError> {
    let err = |message: String| Err(MergeError::new(message, Some(item.span)));
    let scalar = item.as_scalar().map(Scalar::value);
    match indexer {
        Indexer::KeyValue => match scalar {
            Some(ScalarValue::Str(s)) => Ok(s.split_once('=').map_or(s, |(k, _)| k).to_string()),
            _ => err(format!("{path}: unexpected type {}", go_type_name(item))),
        },
        Indexer::Volume => match (&item.kind, scalar) {
            (NodeKind::Mapping(_), _) => match item.get("target").map(|t| t.as_scalar()) {
                Some(Some(t)) if matches!(t.value(), ScalarValue::Str(_)) => {
                    Ok(t.text.value.clone())
                }
                _ => err(format!("service volume {path} is missing a mount target")),
            },
            (_, Some(ScalarValue::Str(s))) => match canonical::parse_volume(s) {
                Ok(volume) => Ok(volume.target_str(s).to_string()),
                Err(message) => err(message),
            },
            _ => Ok(String::new()),
        },
        Indexer::Device => match (&item.kind, scalar) {
            (NodeKind::Mapping(_), _) => match item.get("target").map(|t| t.as_scalar()) {
                Some(Some(t)) if matches!(t.value(), ScalarValue::Str(_)) => {
                    Ok(t.text.value.clone())
                }
                _ => err(format!("service device {path} is missing a mount target")),
            },
            (_, Some(ScalarValue::Str(s))) => {
                let mut parts = s.split(':');
                let first = parts.next().unwrap_or("");
                Ok(parts.next().unwrap_or(first).to_string())
            }
            _ => Ok(String::new()),
        },
        Indexer::Expose => match scalar {
            Some(ScalarValue::Str(s)) => Ok(s.to_string()),
            Some(ScalarValue::Int(i)) => Ok(i.to_string()),
            _ => err(format!(
                "{path}: unsupported expose value {}",
                go_sprint(item)
            )),
        },
        Indexer::Mount(dir) => match (&item.kind, scalar) {
            (_, Some(ScalarValue::Str(s))) => Ok(format!("{dir}/{s}")),
            (NodeKind::Mapping(_), _) => match item.get("target") {
                Some(target) => Ok(go_sprint(target)),
                None => Ok(format!("{dir}/{}", go_percent_s(item.get("source")))),
            },
            _ => err(format!(
                "{path}: unsupported expose value {}",
                go_sprint(item)
            )),
        },
        Indexer::Port => match (&item.kind, scalar) {
            (_, Some(ScalarValue::Int(i))) => Ok(i.to_string()),
            (_, Some(ScalarValue::Str(s))) => Ok(s.to_string()),
            (NodeKind::Mapping(_), _) => {
                let Some(target) = item.get("target") else {
                    return err(format!("service ports {path} is missing a target port"));
                };
                let host = match item.get("host_ip") {
                    Some(h) => go_percent_s(Some(h)),
                    None => "0.0.0.0".to_string(),
                };
                let protocol = match item.get("protocol") {
                    Some(p) => go_percent_s(Some(p)),
                    None => "tcp".to_string(),
                };
                Ok(format!(
                    "{host}:{}:{}/{protocol}",
                    go_percent_s(item.get("published")),
                    go_percent_d(target)
                ))
            }
            _ => Ok(String::new()),
        },
        Indexer::EnvFile => match (&item.kind, scalar) {
            (_, Some(ScalarValue::Str(s))) => Ok(s.to_string()),
            (NodeKind::Mapping(_), _) => match item.get("path") {
                Some(p) => Ok(go_sprint(p)),
                None => err(format!("environment path attribute {path} is missing")),
            },
            _ => Ok(String::new()),
        },
    }
}

fn same_go_value(a: &Node, b: &Node) -> bool {
    match (go_value(a), go_value(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::go_format::go_float;
    use crate::source::FileId;
    use crate::text::Text;
    use crate::yaml::ScalarStyle;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(3), start, end)
    }

    fn scalar(value: &str, start: usize, style: ScalarStyle) -> Node {
        let end = start + value.len();
        Node {
            kind: NodeKind::Scalar(Scalar {
                text: Text::from_file(value, span(start, end), true),
                style,
            }),
            span: span(start, end),
            tag: None,
        }
    }

    fn entry(key: Node, value: Node) -> Entry {
        Entry { key, value }
    }

    fn map(entries: Vec<Entry>) -> Node {
        mapping_node(entries, span(0, 100))
    }

    fn document(service: Vec<Entry>) -> Node {
        map(vec![entry(
            scalar("services", 0, ScalarStyle::Plain),
            map(vec![entry(
                scalar("web", 10, ScalarStyle::Plain),
                map(service),
            )]),
        )])
    }

    #[test]
    fn key_value_items_keep_the_value_span() {
        // environment: {HOST: ollama} in the base, a list entry in the overlay.
        let base = document(vec![entry(
            scalar("environment", 20, ScalarStyle::Plain),
            map(vec![entry(
                scalar("HOST", 40, ScalarStyle::Plain),
                scalar("ollama", 46, ScalarStyle::Plain),
            )]),
        )]);
        let overlay = document(vec![entry(
            scalar("environment", 20, ScalarStyle::Plain),
            sequence_node(vec![scalar("PORT=1", 70, ScalarStyle::Plain)], span(68, 76)),
        )]);
        let merged = merge(base, overlay).unwrap();
        let env = merged
            .get("services")
            .and_then(|s| s.get("web"))
            .and_then(|w| w.get("environment"))
            .and_then(Node::as_sequence)
            .unwrap();
        assert_eq!(env.len(), 2);
        let text = &env[0].as_scalar().unwrap().text;
        assert_eq!(text.value, "HOST=ollama");
        assert_eq!(text.exact_span(5..11), Some(span(46, 52)));
        assert_eq!(text.exact_span(0..4), Some(span(40, 44)));
        assert_eq!(env[0].span, span(40, 52));
        assert_eq!(env[1].as_str(), Some("PORT=1"));
    }

    #[test]
    fn numbers_become_go_formatted_strings_mapped_to_their_scalar() {
        let key = scalar("N", 0, ScalarStyle::Plain);
        let value = scalar("0x10", 3, ScalarStyle::Plain);
        let item = key_value_item(&key, &value);
        let text = &item.as_scalar().unwrap().text;
        assert_eq!(text.value, "N=16");
        assert_eq!(text.spans(2..4), vec![span(3, 7)]);
        assert_eq!(text.exact_span(2..4), None);
    }

    #[test]
    fn map_against_scalar_cannot_be_merged() {
        let base = document(vec![entry(
            scalar("deploy", 20, ScalarStyle::Plain),
            map(vec![]),
        )]);
        let overlay = document(vec![entry(
            scalar("deploy", 20, ScalarStyle::Plain),
            scalar("x", 30, ScalarStyle::Plain),
        )]);
        let err = merge(base, overlay).unwrap_err();
        assert_eq!(err.message, "cannot override services.web.deploy");
        assert_eq!(err.span, Some(span(30, 31)));
    }

    #[test]
    fn go_float_formatting() {
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(100000.0), "100000");
        assert_eq!(go_float(1000000.0), "1e+06");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(123456789.0), "1.23456789e+08");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(-2.25), "-2.25");
        assert_eq!(go_float(f64::INFINITY), "+Inf");
    }
}
