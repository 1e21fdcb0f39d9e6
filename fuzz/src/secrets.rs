//! The secrets invariant: a marker password planted in value positions of a project never
//! appears in any report the binary can print for it.
//!
//! Where it is planted (each input is rewritten the same way every time, so a saved input
//! replays): as the userinfo of every URL (`scheme://fz:MARKER@…`, which proxy URLs are too);
//! as the value of every variable whose name says it is secret (`*_PASSWORD`, `*_SECRET`,
//! `*_TOKEN`, `*_API_KEY`), in compose files (`KEY: value`, `- KEY=value`) and env files alike;
//! as a password and a proxy URL with credentials added to both env files; and, for a third of
//! the inputs each, as an unterminated quoted value at the end of `.env` or of the `env_file`.

use std::path::PathBuf;

use composelint::LintedProject;
use composelint::output::{self, OutputOptions};

/// The planted password. Inputs that already hold it (or build it through interpolation) are
/// skipped: there it is not a secret.
pub const MARKER: &str = "S3cr3tMarker";

/// Names that say a variable holds a secret (upper-case, as environment variables are written).
const SECRET_NAMES: [&str; 4] = ["PASSWORD", "SECRET", "TOKEN", "API_KEY"];

/// Every report the binary can print for a run (`output::report`: each `--format`, and the
/// summary lines the text formats end with), by name.
pub fn reports(projects: &[LintedProject], options: &OutputOptions) -> Vec<(&'static str, String)> {
    let mut reports: Vec<(&'static str, String)> = output::Format::ALL
        .into_iter()
        .map(|format| (format.name(), format.render(projects, options)))
        .collect();
    reports.push(("summary", output::summary(projects)));
    for unsafe_shown in [false, true] {
        if let Some(line) = output::fix_summary(projects, unsafe_shown) {
            reports.push(("fix summary", line));
        }
    }
    reports
}

/// The input's parts (see `PROJECT_FILES`) with the marker planted, or None when an input
/// part already holds it.
pub fn plant(parts: &[&[u8]]) -> Option<Vec<Vec<u8>>> {
    if parts.iter().any(|p| contains(p, MARKER.as_bytes())) {
        return None;
    }
    let unterminated = parts.iter().map(|p| p.len()).sum::<usize>() % 3;
    let mut planted: Vec<Vec<u8>> = parts.iter().map(|p| secret_values(&userinfo(p))).collect();
    planted.resize(super::PROJECT_FILES.len(), Vec::new());
    // `.env` and the `env_file`.
    let (env, rest) = planted.split_at_mut(4);
    for (variant, part) in [(1, &mut env[1]), (2, &mut rest[0])] {
        if !part.is_empty() && !part.ends_with(b"\n") {
            part.push(b'\n');
        }
        part.extend_from_slice(
            format!(
                "FZ_DB_PASSWORD={MARKER}\nHTTP_PROXY=http://fz:{MARKER}@proxy:3128\n\
                 https_proxy=http://{MARKER}@proxy:3128\n"
            )
            .as_bytes(),
        );
        if unterminated == variant {
            part.extend_from_slice(format!("FZ_OPEN_PASSWORD=\"{MARKER}\n").as_bytes());
        }
    }
    Some(planted)
}

/// Panics when a report shows the marker. `unplanted` are the reports of the input as it
/// was: when they show the marker already, the input built it and it is no secret.
pub fn check(reports: &[(&'static str, String)], unplanted: &[(&'static str, String)]) {
    if unplanted.iter().any(|(_, text)| text.contains(MARKER)) {
        return;
    }
    for (format, text) in reports {
        assert!(
            !text.contains(MARKER),
            "the {format} report shows the planted password {MARKER}:\n{text}"
        );
    }
}

/// `fz:MARKER@` after every `://`.
fn userinfo(text: &[u8]) -> Vec<u8> {
    let planted = format!("fz:{MARKER}@");
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = find(rest, b"://") {
        out.extend_from_slice(&rest[..i + 3]);
        out.extend_from_slice(planted.as_bytes());
        rest = &rest[i + 3..];
    }
    out.extend_from_slice(rest);
    out
}

/// Each line that sets a secret-named variable (`KEY=…`, `KEY: …`, `- KEY=…`, quoted or not)
/// with its value replaced by the marker.
fn secret_values(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for line in text.split_inclusive(|b| *b == b'\n') {
        out.extend_from_slice(&secret_value(line).unwrap_or_else(|| line.to_vec()));
    }
    out
}

fn secret_value(line: &[u8]) -> Option<Vec<u8>> {
    let key_start = line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'-' | b'"' | b'\''))?;
    let key_len = line[key_start..]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))?;
    let key = &line[key_start..key_start + key_len];
    if !SECRET_NAMES.iter().any(|s| contains(key, s.as_bytes())) {
        return None;
    }
    let mut at = key_start + key_len;
    while matches!(line.get(at), Some(b'"' | b'\'' | b' ' | b'\t')) {
        at += 1;
    }
    match line.get(at) {
        Some(b'=') => at += 1,
        Some(b':') if matches!(line.get(at + 1), Some(b' ' | b'\t')) => at += 2,
        _ => return None,
    }
    while matches!(line.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    let end = line
        .iter()
        .rposition(|b| !matches!(b, b'\n' | b'\r'))
        .map_or(0, |i| i + 1);
    if at >= end {
        return None;
    }
    // Keep the value's quotes, or those of a quoted list item (`- "KEY=value"`), where they
    // are.
    let item_quote = line[..key_start]
        .iter()
        .rfind(|b| matches!(b, b'"' | b'\''))
        .copied();
    let quote = matches!(line[at], b'"' | b'\'').then_some(line[at]);
    let (from, to) = match (item_quote, quote) {
        (Some(q), _) => match line[at..end].iter().rposition(|b| *b == q) {
            Some(close) => (at, at + close),
            None => (at, end),
        },
        (None, None) => (at, end),
        (None, Some(q)) => match line[at + 1..end].iter().position(|b| *b == q) {
            Some(close) => (at + 1, at + 1 + close),
            None => (at + 1, end),
        },
    };
    let mut out = line[..from].to_vec();
    out.extend_from_slice(MARKER.as_bytes());
    out.extend_from_slice(&line[to..]);
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

/// The report options of the multi-file targets: paths shown relative to the project.
pub fn options() -> OutputOptions {
    OutputOptions {
        cwd: PathBuf::from(super::PROJECT_DIR),
        color: false,
        width: Some(80),
    }
}
