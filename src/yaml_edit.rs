//! Computes the text edits that add a key, a sequence item or an environment entry to a
//! YAML file while every byte outside the insertion stays as it was.
//!
//! Choices every function here shares:
//! - An insertion goes on its own line(s) right after the last line of the collection's last
//!   entry. Comment and blank lines that follow that entry stay after the inserted text: they
//!   more often introduce what comes next (the next key, commented-out settings) than close
//!   the collection.
//! - New lines use the file's line ending (the first line break decides; CRLF stays CRLF).
//! - When the collection ends on the file's last line and that line has no line break, the
//!   break is added before the new text and the new last line is left without one, so the
//!   file still ends the way it did.
//! - Functions return `None` rather than guess: a key that is already there, a collection whose
//!   layout cannot be read, a multi-line value for a flow collection.

use crate::diagnostic::Edit;
use crate::source::{FileId, Span};
use crate::yaml::{Entry, Node, NodeKind, ScalarStyle};

/// Inserts `key` into `mapping` after its last entry.
///
/// `value_yaml` is the value: empty for a null (`key:`), one line that is a scalar or a flow
/// collection (written on the key's line), or the lines of a block (`- a`, `name: x`, …)
/// written one level under the key. Block lines keep the relative indentation they are given;
/// the level itself follows the file's indent width, and a sequence under the new key sits at
/// the key's own column when the file writes its sequences that way ("indentless"). Key and
/// value lines are YAML text: quote scalars with [`yaml_scalar`].
///
/// A flow mapping (`{}`, `{a: 1}`) takes the entry inside its braces when the value is one
/// line; otherwise `None`. A key already present gives `None` (it would be a duplicate).
///
/// `mapping` must be written where it is used: the copy an alias (`web: *base`) makes carries
/// the anchored original's span, and an edit there would change every alias of it.
pub fn insert_key(
    text: &str,
    file: FileId,
    mapping: &Node,
    key: &str,
    value_yaml: &[&str],
) -> Option<Edit> {
    if mapping.get(key).is_some() {
        return None;
    }
    insert_entry(text, file, mapping, key, value_yaml)
}

/// Whether `entry` of `mapping` is written in it, rather than brought in by a `<<` merge
/// (merged entries keep the spans where they were written, in the anchored mapping).
pub fn is_own(mapping: &Node, entry: &Entry) -> bool {
    entry.key.span.file == mapping.span.file
        && (mapping.span.start..=mapping.span.end).contains(&entry.key.span.start)
}

/// [`insert_key`] without the check that the key is absent: for a key the mapping only
/// merges, which an own entry replaces (a merge is shallow).
fn insert_entry(
    text: &str,
    file: FileId,
    mapping: &Node,
    key: &str,
    value_yaml: &[&str],
) -> Option<Edit> {
    let entries = mapping.as_mapping()?;
    text.get(mapping.span.start..mapping.span.end)?;
    if value_yaml.iter().any(|l| l.contains(['\n', '\r']))
        || entries
            .iter()
            .any(|e| e.key.as_str() == Some(key) && is_own(mapping, e))
    {
        return None;
    }
    let key_text = yaml_scalar(key);
    let block = is_block_value(value_yaml);
    let flow = entries
        .first()
        .is_none_or(|e| e.key.span.start > mapping.span.start)
        && text[mapping.span.start..].starts_with('{');
    if flow {
        if block {
            return None;
        }
        let entry = match value_yaml.first() {
            Some(v) => format!("{key_text}: {v}"),
            None => key_text,
        };
        return Some(match entries.last() {
            None => insert_at(file, mapping.span.end.checked_sub(1)?, entry),
            Some(last) => {
                let end = entry_end(&last.key, &last.value);
                if end >= mapping.span.end || last.value.span.start < last.key.span.end {
                    // The last value is an alias's copy, spanning its anchored original.
                    return None;
                }
                insert_at(file, end, format!(", {entry}"))
            }
        });
    }
    // Entries brought in by a `<<` merge have their spans where they were written.
    let own = entries
        .iter()
        .find(|e| (mapping.span.start..=mapping.span.end).contains(&e.key.span.start))?;
    let key_col = column(text, own.key.span.start)?;
    let lines = key_lines(text, key_col, &key_text, value_yaml, block);
    Some(insert_lines_after(text, file, mapping, &lines))
}

/// Appends `item_yaml` (YAML text of one item; quote scalars with [`yaml_scalar`]) to
/// `sequence`.
///
/// Block sequences get a `- item` line at the column of the existing dashes (so an
/// "indentless" sequence stays indentless); further lines of a multi-line item are indented
/// under the item's first character. Flow sequences get `, item` after the last item, or the
/// item alone inside `[]`; a multi-line item there gives `None`.
pub fn append_item(text: &str, file: FileId, sequence: &Node, item_yaml: &str) -> Option<Edit> {
    let items = sequence.as_sequence()?;
    text.get(sequence.span.start..sequence.span.end)?;
    if item_yaml.contains('\r') {
        return None;
    }
    let flow = items
        .first()
        .is_none_or(|i| i.span.start > sequence.span.start)
        && text[sequence.span.start..].starts_with('[');
    if flow {
        if item_yaml.contains('\n') {
            return None;
        }
        return Some(match items.last() {
            None => insert_at(
                file,
                sequence.span.end.checked_sub(1)?,
                item_yaml.to_string(),
            ),
            Some(last)
                if last.span.end < sequence.span.end && last.span.start > sequence.span.start =>
            {
                insert_at(file, last.span.end, format!(", {item_yaml}"))
            }
            Some(_) => return None,
        });
    }
    // An alias item's copy carries its anchored original's span.
    let first = items
        .iter()
        .find(|i| (sequence.span.start..=sequence.span.end).contains(&i.span.start))?;
    let line_start = line_start(text, first.span.start);
    let prefix = text.get(line_start..first.span.start)?;
    let dash = prefix
        .char_indices()
        .filter(|&(i, c)| c == '-' && prefix[i + 1..].starts_with([' ', '\t']))
        .map(|(i, _)| i)
        .next_back()?;
    let dash_col = strip_bom(&prefix[..dash]).chars().count();
    let pad = " ".repeat(dash_col);
    let lines = item_yaml
        .split('\n')
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{pad}- {l}"),
            _ if l.is_empty() => String::new(),
            _ => format!("{pad}  {l}"),
        })
        .collect::<Vec<_>>();
    Some(insert_lines_after(text, file, sequence, &lines))
}

/// Adds `key=value` to the `environment:` of `service` (a service's mapping), in the form that
/// is there: `- KEY=value` in a list, `KEY: value` in a map. With no `environment:`, or an
/// empty one (`environment:` and nothing after it), a map is created. `None` when the
/// variable is already set there (change it in place instead) or the form is neither.
pub fn set_env(text: &str, file: FileId, service: &Node, key: &str, value: &str) -> Option<Edit> {
    service.as_mapping()?;
    let map_entry = format!("{}: {}", yaml_scalar(key), yaml_scalar(value));
    let Some(entry) = service.entry("environment") else {
        let flow = text.get(service.span.start..)?.starts_with('{');
        let line = if flow {
            format!("{{{map_entry}}}")
        } else {
            map_entry
        };
        return insert_key(text, file, service, "environment", &[&line]);
    };
    let env = &entry.value;
    // A merged environment is every merging service's: this one would need its own copy.
    if !is_own(service, entry) || env.span.start < entry.key.span.end {
        // An alias: its copy carries the anchored original's span, and an edit there would
        // change every alias of it.
        return None;
    }
    match &env.kind {
        NodeKind::Mapping(_) => insert_key(text, file, env, key, &[&yaml_scalar(value)]),
        NodeKind::Sequence(items) => {
            let taken = items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.split('=').next() == Some(key)));
            if taken {
                return None;
            }
            append_item(text, file, env, &yaml_scalar(&format!("{key}={value}")))
        }
        NodeKind::Scalar(_) => fill_empty(text, file, entry, &[&map_entry]),
    }
}

/// The form a new list-or-map field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `field:` with `- name` items (`depends_on`, a service's `networks`).
    List,
    /// `field:` with `name:` keys (top-level `volumes` and `networks`).
    Map,
}

/// Adds `name` to a field that Compose takes as a list of names or a map keyed by them
/// (`depends_on`, `networks`, top-level `volumes`), in the form that is there: an item in a
/// list, a key in a map with `map_value` as its value (see [`insert_key`]; e.g.
/// `["condition: service_started"]` for `depends_on`, empty for a null). An absent or empty
/// field is created in `absent` form. `None` when `name` is already there.
pub fn add_name(
    text: &str,
    file: FileId,
    parent: &Node,
    field: &str,
    name: &str,
    map_value: &[&str],
    absent: Form,
) -> Option<Edit> {
    parent.as_mapping()?;
    let quoted = yaml_scalar(name);
    let first_key = match map_value.first() {
        Some(v) if !is_block_value(map_value) => format!("{quoted}: {v}"),
        _ => format!("{quoted}:"),
    };
    let mut created: Vec<String> = match absent {
        Form::List => vec![format!("- {quoted}")],
        Form::Map => vec![first_key],
    };
    if absent == Form::Map && is_block_value(map_value) {
        created.extend(map_value.iter().map(|l| format!("  {l}")));
    }
    let created: Vec<&str> = created.iter().map(String::as_str).collect();
    let Some(entry) = parent.entry(field) else {
        if text.get(parent.span.start..)?.starts_with('{') {
            let inline = match absent {
                Form::List => format!("[{quoted}]"),
                Form::Map if map_value.is_empty() => format!("{{{quoted}}}"),
                Form::Map if !is_block_value(map_value) => format!("{{{}}}", created.first()?),
                Form::Map => return None,
            };
            return insert_key(text, file, parent, field, &[&inline]);
        }
        return insert_key(text, file, parent, field, &created);
    };
    let value = &entry.value;
    if value.span.start < entry.key.span.end {
        return None;
    }
    if !is_own(parent, entry) {
        return restate_merged(text, file, parent, entry, field, &quoted);
    }
    match &value.kind {
        NodeKind::Sequence(items) => {
            if items.iter().any(|i| i.as_str() == Some(name)) {
                return None;
            }
            append_item(text, file, value, &quoted)
        }
        NodeKind::Mapping(_) => insert_key(text, file, value, name, map_value),
        NodeKind::Scalar(_) => fill_empty(text, file, entry, &created),
    }
}

/// Adds `item` to a list that `parent` merges (`<<: *base`): an edit where the list is
/// written would change every mapping that merges it (a models volume mounted in Redis too,
/// a service made to depend on itself). `parent` gets its own `field` instead, restating the
/// merged items, since its own key replaces the merged one. `None` for a merged map, or
/// items that are not one-line scalars.
fn restate_merged(
    text: &str,
    file: FileId,
    parent: &Node,
    entry: &Entry,
    field: &str,
    item: &str,
) -> Option<Edit> {
    let items = entry.value.as_sequence()?;
    let mut lines = Vec::with_capacity(items.len() + 1);
    for i in items {
        let written = text.get(i.span.start..i.span.end)?;
        let one_line = matches!(i.kind, NodeKind::Scalar(_))
            && i.span.file == file
            && (entry.value.span.start..=entry.value.span.end).contains(&i.span.start)
            && !written.is_empty()
            && !written.starts_with(['|', '>', '*', '&', '!'])
            && !written.contains(['\n', '\r']);
        if !one_line {
            return None;
        }
        if i.as_str()
            .is_some_and(|s| yaml_scalar(s) == item || s == item)
        {
            return None;
        }
        lines.push(format!("- {written}"));
    }
    lines.push(format!("- {item}"));
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    insert_entry(text, file, parent, field, &lines)
}

/// Puts a block value under a key written with no value (`key:` and nothing after it).
fn fill_empty(text: &str, file: FileId, entry: &Entry, value: &[&str]) -> Option<Edit> {
    if !entry.value.span.is_empty() || !entry.value.is_null() || !is_block_value(value) {
        return None;
    }
    let key_col = column(text, entry.key.span.start)?;
    let lines = key_lines(text, key_col, "", value, true);
    Some(insert_lines_after(text, file, &entry.key, lines.get(1..)?))
}

/// `value` as a YAML scalar that reads back as exactly this string in block and flow context:
/// plain when that is certain, double-quoted otherwise.
///
/// Plain only for text made of letters, digits and `._/-+=@~$()` that starts with a letter,
/// `_`, `/` or `$` and is not a word YAML 1.1 or 1.2 reads as a boolean or null; anything with
/// a `:` is quoted (`"host.docker.internal:host-gateway"`, `"8080:80"`).
pub fn yaml_scalar(value: &str) -> String {
    const RESERVED: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    let plain = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '/' | '$'))
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+=@~$()".contains(c))
        && !RESERVED.contains(&value.to_ascii_lowercase().as_str());
    if plain {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether value lines are a block to put under the key rather than on its line.
fn is_block_value(lines: &[&str]) -> bool {
    match lines {
        [] => false,
        [one] => {
            let t = one.trim_start();
            t == "-"
                || t.starts_with("- ")
                || (!t.starts_with(['"', '\'', '[', '{']) && (t.ends_with(':') || t.contains(": ")))
                || quoted_key(t)
        }
        _ => true,
    }
}

/// Whether `line` is a mapping entry whose key is quoted (`"a b": x`, `'k':`): the quoted
/// scalar is followed by `:` at the end or before a space.
fn quoted_key(line: &str) -> bool {
    let mut chars = line.char_indices();
    let Some((_, quote @ ('"' | '\''))) = chars.next() else {
        return false;
    };
    let mut escaped = false;
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        if quote == '"' && escaped {
            escaped = false;
        } else if quote == '"' && c == '\\' {
            escaped = true;
        } else if c == quote {
            // `''` inside single quotes is an escaped quote.
            if quote == '\'' && line[i + 1..].starts_with('\'') {
                chars.next();
                continue;
            }
            end = Some(i + 1);
            break;
        }
    }
    end.and_then(|e| line.get(e..))
        .is_some_and(|rest| rest == ":" || rest.starts_with(": "))
}

/// The lines of a new `key: value` at column `key_col`.
fn key_lines(text: &str, key_col: usize, key: &str, value: &[&str], block: bool) -> Vec<String> {
    let pad = " ".repeat(key_col);
    if !block {
        return vec![match value.first() {
            Some(v) => format!("{pad}{key}: {v}"),
            None => format!("{pad}{key}:"),
        }];
    }
    let sequence = value
        .first()
        .is_some_and(|l| l.trim_start() == "-" || l.trim_start().starts_with("- "));
    let level = if sequence && indentless_sequences(text) {
        0
    } else {
        indent_step(text)
    };
    let inner = " ".repeat(key_col + level);
    let mut lines = vec![format!("{pad}{key}:")];
    lines.extend(value.iter().map(|l| match l.is_empty() {
        true => String::new(),
        false => format!("{inner}{l}"),
    }));
    lines
}

/// An edit that inserts `content` at `at`.
fn insert_at(file: FileId, at: usize, content: String) -> Edit {
    Edit {
        span: Span::new(file, at, at),
        content,
    }
}

/// Where an entry's text ends (a null value has an empty span right after the colon).
fn entry_end(key: &Node, value: &Node) -> usize {
    key.span.end.max(value.span.end)
}

/// Inserts whole lines after the line on which `node` ends.
fn insert_lines_after(text: &str, file: FileId, node: &Node, lines: &[String]) -> Edit {
    let eol = line_ending(text);
    let mut end = node.span.end.min(text.len());
    if keeps_trailing_blank_lines(text, node) {
        // A `|+` scalar owns the blank lines after it; a key inserted before them would
        // take them away from its value.
        while let Some(next) = text[end..].find('\n').map(|i| end + i + 1) {
            let line = &text[next..text[next..].find('\n').map_or(text.len(), |i| next + i)];
            if !line.trim().is_empty() {
                break;
            }
            end = next;
        }
    }
    match text[end..].find('\n') {
        Some(i) => {
            let mut content = String::new();
            for line in lines {
                content.push_str(line);
                content.push_str(eol);
            }
            insert_at(file, end + i + 1, content)
        }
        None => {
            let mut content = String::new();
            for line in lines {
                content.push_str(eol);
                content.push_str(line);
            }
            insert_at(file, text.len(), content)
        }
    }
}

/// Whether the last scalar inside `node` is a block scalar with keep chomping (`|+`, `>+`).
fn keeps_trailing_blank_lines(text: &str, node: &Node) -> bool {
    let end = node.span.end;
    let mut node = node;
    // Each step goes one level down; the tree's depth is bounded by the parser's limits.
    loop {
        node = match &node.kind {
            NodeKind::Mapping(entries) => match entries.last() {
                Some(e) => &e.value,
                None => return false,
            },
            NodeKind::Sequence(items) => match items.last() {
                Some(i) => i,
                None => return false,
            },
            NodeKind::Scalar(s) => {
                if !matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded)
                    || node.span.end != end
                {
                    return false;
                }
                let header = text.get(node.span.start..node.span.end).unwrap_or("");
                let header = header.split('\n').next().unwrap_or("");
                return header.split('#').next().unwrap_or("").contains('+');
            }
        };
    }
}

/// The file's line break: CRLF when its first line ends with one.
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

fn strip_bom(prefix: &str) -> &str {
    prefix.strip_prefix('\u{feff}').unwrap_or(prefix)
}

/// The column (in characters, from 0) of a block node's first byte; `None` when something
/// other than indentation and sequence dashes precedes it on its line.
fn column(text: &str, at: usize) -> Option<usize> {
    let prefix = strip_bom(text.get(line_start(text, at)..at)?);
    prefix
        .chars()
        .all(|c| matches!(c, ' ' | '-' | '?'))
        .then(|| prefix.chars().count())
}

/// Non-blank, non-comment lines as (indentation, content without a trailing comment).
fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n').filter_map(|line| {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let body = line.trim_start_matches(' ');
        let body = match body.find(" #") {
            Some(i) => &body[..i],
            None => body,
        }
        .trim_end();
        (!body.is_empty() && !body.starts_with('#'))
            .then(|| (line.len() - line.trim_start_matches(' ').len(), body))
    })
}

/// The file's indent width: the most common step from a `key:` line to the more indented
/// line after it (2 when the file has none).
fn indent_step(text: &str) -> usize {
    let mut counts = [0usize; 9];
    let mut prev: Option<(usize, &str)> = None;
    for (indent, body) in content_lines(text) {
        if let Some((p_indent, p_body)) = prev
            && p_body.ends_with(':')
            && !p_body.starts_with('-')
            && indent > p_indent
            && let Some(c) = counts.get_mut(indent - p_indent)
        {
            *c += 1;
        }
        prev = Some((indent, body));
    }
    // Ties go to the smaller width.
    let mut best = 2;
    for (width, &count) in counts.iter().enumerate().skip(1) {
        if count > counts.get(best).copied().unwrap_or(0) {
            best = width;
        }
    }
    best
}

/// Whether the file writes block sequences with the dash at the parent key's column.
fn indentless_sequences(text: &str) -> bool {
    let (mut indentless, mut indented) = (0usize, 0usize);
    let mut prev: Option<(usize, &str)> = None;
    for (indent, body) in content_lines(text) {
        if let Some((p_indent, p_body)) = prev
            && p_body.ends_with(':')
            && (body == "-" || body.starts_with("- "))
        {
            if indent == p_indent {
                indentless += 1;
            } else if indent > p_indent {
                indented += 1;
            }
        }
        prev = Some((indent, body));
    }
    indentless > indented
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_width_is_the_most_common_step() {
        assert_eq!(indent_step("a: 1\n"), 2);
        assert_eq!(indent_step("a:\n    b:\n        c: 1\n"), 4);
        assert_eq!(indent_step("\u{feff}a:\n   b: 1\n"), 3);
        // Lines inside a sequence item do not count; comments neither.
        assert_eq!(
            indent_step("a:\n    - x:\n      y: 1\n# c:\n        z\n"),
            4
        );
        assert_eq!(indent_step("a:  # why\n  b:\n    c: 1\nd:\n    e: 1\n"), 2);
    }

    #[test]
    fn sequence_style_follows_the_majority() {
        assert!(indentless_sequences("a:\n- 1\nb:\n  c:\n  - 2\n"));
        assert!(!indentless_sequences(
            "a:\n  - 1\nb:\n  c:\n  - 2\nd:\n    - 3\n"
        ));
        assert!(!indentless_sequences("a: 1\n"));
    }

    #[test]
    fn a_quoted_key_makes_a_mapping_entry() {
        // A new top-level `volumes:` for a key that needs quotes (found by fuzzing: it was
        // written on the `volumes:` line, which is not YAML).
        assert!(is_block_value(&["\"a b\":"]));
        assert!(is_block_value(&["'it''s': {}"]));
        assert!(is_block_value(&["\"a\\\"b\": 1"]));
        assert!(!is_block_value(&["\"a: b\""]));
        assert!(!is_block_value(&["'x':y"]));
        let text = "services:\n  s:\n    image: x\n";
        let parsed = crate::yaml::parse(FileId(0), text, crate::yaml::Limits::default());
        let root = parsed.documents.first().unwrap();
        let edit = add_name(text, FileId(0), root, "volumes", "a b", &[], Form::Map).unwrap();
        assert_eq!(edit.content, "volumes:\n  \"a b\":\n");
    }

    #[test]
    fn line_ending_is_the_first_lines() {
        assert_eq!(line_ending("a: 1\r\nb: 2\n"), "\r\n");
        assert_eq!(line_ending("a: 1\nb: 2\r\n"), "\n");
        assert_eq!(line_ending("a: 1"), "\n");
        assert_eq!(line_ending("\n"), "\n");
    }

    #[test]
    fn column_counts_characters_after_a_bom() {
        assert_eq!(column("\u{feff}a: 1", 3), Some(0));
        assert_eq!(column("x:\n  - - a: 1", 9), Some(6));
        assert_eq!(column("x: {a: 1}", 4), None);
    }
}
