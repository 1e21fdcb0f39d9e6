//! Secrets never reach the output. Redaction is a property of how text gets there, not a call
//! each rule must remember:
//!
//! - Every free text a finding carries (message, help, labels, fix message) is a
//!   [`Sensitive`]: it cannot be displayed, only turned into a [`Redacted`] with the project's
//!   [`Secrets`], or read with [`Sensitive::expose_unredacted`] by code that never prints it.
//! - A [`Redacted`] can be made only here, so the output formats, which print nothing else,
//!   cannot show text that skipped redaction.
//! - [`Secrets`] holds the values the project itself marks as secret, collected when it is
//!   loaded: the values of variables whose names say so (`*_PASSWORD`, `*_TOKEN`, `*_KEY`, …)
//!   and every password written in a URL. Besides those, patterns hide credentials wherever
//!   they are written: `scheme://user:pw@host`, `scheme:\\user:pw@host`, `user:pw@host:port`,
//!   and `SECRET_KEY=value` / `SECRET_KEY: value`.
//!
//! The human format draws file lines; [`Secrets::mask_source`] hides the same things there
//! byte for byte, so every offset into the file stays valid. In a script or document read for
//! Docker commands, `SECRET_KEY=value` is a shell word: the value ends where the word does,
//! not at the line end, so the rest of a `docker run` line stays readable.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::compose::model::Project;
use crate::source::{FileKind, Sources};

/// How a text writes `NAME=value`: in compose and env files the value runs to the line end
/// (or a comment); in a shell command it is one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignments {
    Lines,
    ShellWords,
}

impl Assignments {
    /// How the file of this kind writes them.
    pub fn of(kind: Option<FileKind>) -> Assignments {
        match kind {
            Some(FileKind::Commands) => Assignments::ShellWords,
            _ => Assignments::Lines,
        }
    }
}

/// Text that may quote a secret: a finding's message, help, label or fix message. It has no
/// `Display`; output gets it through [`Sensitive::redacted`].
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sensitive(String);

impl Sensitive {
    pub fn new(text: impl Into<String>) -> Sensitive {
        Sensitive(text.into())
    }

    /// The text as output may show it.
    pub fn redacted(&self, secrets: &Secrets) -> Redacted {
        secrets.redact(&self.0)
    }

    /// The text itself, secrets included: for comparing, merging and testing findings, never
    /// for printing them.
    pub fn expose_unredacted(&self) -> &str {
        &self.0
    }

    pub fn into_unredacted(self) -> String {
        self.0
    }
}

impl From<String> for Sensitive {
    fn from(text: String) -> Self {
        Sensitive(text)
    }
}

impl From<&str> for Sensitive {
    fn from(text: &str) -> Self {
        Sensitive(text.to_string())
    }
}

/// Debug output (test failures, `{:?}`) hides what the patterns find; no project's values are
/// known there.
impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(Secrets::default().redact(&self.0).as_str(), f)
    }
}

/// Text with its secrets hidden: made only by redaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What replaces a secret in messages: its length is not shown either.
pub const MASK: &str = "***";

/// The secret values of one project. Its `Debug` shows how many, never which.
#[derive(Clone, Default)]
pub struct Secrets {
    values: BTreeSet<String>,
    /// One automaton for all the values, built on first use: redaction stays linear in the
    /// text however many values a (hostile) project declares.
    matcher: OnceLock<Option<AhoCorasick>>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} values)", self.values.len())
    }
}

/// Values shorter than this are not searched for on their own (they would hide parts of
/// ordinary words); the patterns still hide them where they are written as credentials.
const MIN_KNOWN_LEN: usize = 4;

/// Values that are placeholders, not secrets: hiding them everywhere would hide service
/// names and words of the messages (`OPENAI_API_KEY=ollama` is how clients of Ollama's
/// OpenAI-compatible API are configured).
const PLACEHOLDERS: [&str; 10] = [
    "ollama", "none", "null", "true", "false", "changeme", "secret", "password", "empty", "dummy",
];

fn is_placeholder(value: &str) -> bool {
    PLACEHOLDERS.iter().any(|p| value.eq_ignore_ascii_case(p))
}

impl Secrets {
    /// The project's secret values: those of variables whose names say they are secret (in
    /// its env files, as written, and in every service's environment, as resolved), and every
    /// password written in a URL in any of its files.
    pub fn collect(project: &Project, sources: &Sources) -> Secrets {
        let mut secrets = Secrets::default();
        for file in sources.iter() {
            let assignments = Assignments::of(file.kind());
            for (start, end) in assigned_secret_ranges(&file.text, assignments) {
                secrets.add(unquoted(&file.text[start..end]));
            }
            for (start, end) in credential_ranges(&file.text) {
                secrets.add(&file.text[start..end]);
            }
        }
        let services = project.services.iter().chain(&project.inactive);
        for var in services.flat_map(|s| &s.environment) {
            if let Some(value) = &var.value {
                if is_secret_key(&var.key) {
                    secrets.add(&value.value);
                }
                for (start, end) in credential_ranges(&value.value) {
                    secrets.add(&value.value[start..end]);
                }
            }
        }
        let public = public_values(&secrets.values, project);
        secrets.values.retain(|v| !public.contains(v));
        secrets.matcher = OnceLock::new();
        secrets
    }

    /// Adds one secret value (placeholders, short values and port-like numbers are left out).
    pub fn add(&mut self, value: &str) {
        let value = value.trim();
        let numeric_short = value.len() < 6 && value.bytes().all(|b| b.is_ascii_digit());
        let placeholder = is_placeholder(value) || value.starts_with('$');
        if value.len() < MIN_KNOWN_LEN || numeric_short || placeholder {
            return;
        }
        if self.values.insert(value.to_string()) {
            self.matcher = OnceLock::new();
        }
    }

    /// `text` with every secret replaced by `***`.
    pub fn redact(&self, text: &str) -> Redacted {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in self.ranges(text, Assignments::Lines) {
            out.push_str(&text[at..start]);
            out.push_str(MASK);
            at = end;
        }
        out.push_str(&text[at..]);
        Redacted(out)
    }

    /// `text` (a whole file, whose assignments are written as `assignments` says) with every
    /// secret overwritten by `*`, byte for byte, so that every offset into it stays valid for
    /// drawing its lines.
    pub fn mask_source(&self, text: &str, assignments: Assignments) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in self.ranges(text, assignments) {
            out.push_str(&text[at..start]);
            out.extend(std::iter::repeat_n('*', end - start));
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// The byte ranges of `text` to hide, sorted and not overlapping, on char boundaries.
    fn ranges(&self, text: &str, assignments: Assignments) -> Vec<(usize, usize)> {
        let mut ranges = credential_ranges(text);
        ranges.extend(assigned_secret_ranges(text, assignments));
        if let Some(matcher) = self.matcher() {
            ranges.extend(known_value_ranges(text, matcher));
        }
        merge(ranges)
    }

    fn matcher(&self) -> Option<&AhoCorasick> {
        self.matcher
            .get_or_init(|| {
                if self.values.is_empty() {
                    return None;
                }
                // Leftmost-longest: a value containing another is hidden whole.
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&self.values)
                    .ok()
            })
            .as_ref()
    }
}

/// The secret values that are also words the project and the messages write in the open,
/// compared without case: service names and their words (`airflow` of `airflow-scheduler`),
/// the names and words of images, and the server kinds messages name (`Milvus`). Such a
/// secret is still hidden where it is written as one (a URL's password,
/// `POSTGRES_PASSWORD=…`), but not elsewhere: masking the word everywhere would garble the
/// messages ("where no *** listens") and tell the reader the secret by where the masks fall.
fn public_values(values: &BTreeSet<String>, project: &Project) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    if values.is_empty() {
        return found;
    }
    // Few values, many words: a word is lowercased only when a value has its length.
    let by_lowercase: std::collections::HashMap<String, &String> =
        values.iter().map(|v| (v.to_ascii_lowercase(), v)).collect();
    let lengths: BTreeSet<usize> = values.iter().map(String::len).collect();
    let mut visit = |name: &str| {
        let words = name.split(['-', '_', '.', '/', ':']);
        for word in std::iter::once(name).chain(words) {
            if lengths.contains(&word.len())
                && let Some(value) = by_lowercase.get(&word.to_ascii_lowercase())
            {
                found.insert((*value).clone());
            }
        }
    };
    for service in project.services.iter().chain(&project.inactive) {
        visit(&service.name);
        if let Some(image) = &service.image {
            visit(&image.value);
        }
    }
    for profile in crate::knowledge::servers() {
        visit(&profile.name);
        visit(&profile.id);
    }
    found
}

/// Whether a variable's name says its value is secret: a word of it (split at `_`, `-`, `.`)
/// is one of the usual ones, or it contains one that is never a word of anything else. A
/// name ending in `_FILE`, `_PATH` or `_DIR` holds where the secret is, not the secret.
pub fn is_secret_key(key: &str) -> bool {
    const WORDS: [&str; 12] = [
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "SECRET",
        "TOKEN",
        "KEY",
        "APIKEY",
        "CREDENTIALS",
        "CREDENTIAL",
        "AUTH",
        "AUTHORIZATION",
    ];
    // `GITHUBTOKEN`, `DBPASSWORD`; `MAX_TOKENS` is a count.
    const INSIDE: [&str; 4] = ["PASSWORD", "SECRET", "APIKEY", "CREDENTIAL"];
    let key = key.to_ascii_uppercase();
    let words: Vec<&str> = key.split(['_', '-', '.']).collect();
    if words
        .last()
        .is_some_and(|w| matches!(*w, "FILE" | "PATH" | "DIR"))
    {
        return false;
    }
    words.iter().any(|w| WORDS.contains(w))
        || INSIDE.iter().any(|w| key.contains(w))
        || key.ends_with("TOKEN")
}

/// A value without the quotes around it, as written in an env or YAML file.
fn unquoted(value: &str) -> &str {
    let value = value.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote) {
            return inner.strip_suffix(quote).unwrap_or(inner);
        }
    }
    value
}

/// Sorted, with overlapping and touching ranges joined.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// The farthest a credential is looked for from its `@`: keeps every scan linear on hostile
/// input.
const MAX_CREDENTIAL: usize = 512;

/// Where the known values occur in `text`. A long value is hidden wherever it is; a short one
/// only where it stands alone (not inside a longer word, where it is no secret).
fn known_value_ranges(text: &str, matcher: &AhoCorasick) -> Vec<(usize, usize)> {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    matcher
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .filter(|&(start, end)| {
            end - start >= 8
                || (!word(text[..start].chars().next_back()) && !word(text[end..].chars().next()))
        })
        .collect()
}

/// The passwords (or bare tokens) of credentials written before an `@`: in URLs
/// (`scheme://user:pw@host`, also `scheme:\\user:pw@host`), and without a scheme
/// (`user:pw@host:port`). The user name stays visible; the range is what follows its `:`,
/// or the whole userinfo when it has no `:`.
pub fn credential_ranges(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut after_scheme: Vec<usize> = Vec::new();
    for (i, _) in text.match_indices(':') {
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"//") || rest.starts_with(b"\\\\") {
            after_scheme.push(i + 3);
        }
    }
    let mut covered_to = 0;
    for &start in &after_scheme {
        if start < covered_to {
            continue;
        }
        // The authority ends at the path, query or fragment, a line break or a backquote
        // (messages quote values in them); a password may hold spaces and quotes, also a
        // quote escaped in a double-quoted YAML string (`\"`: there a backslash is no path).
        let limit = (start + MAX_CREDENTIAL).min(text.len());
        let end = (start..limit)
            .find(|&j| match bytes[j] {
                b'\\' => bytes.get(j + 1) != Some(&b'"'),
                b => matches!(b, b'/' | b'?' | b'#' | b'\n' | b'\r' | b'`'),
            })
            .unwrap_or(limit);
        let Some(at) = text[start..end].rfind('@') else {
            continue;
        };
        if at == 0 {
            continue;
        }
        let userinfo = &text[start..start + at];
        let user_end = userinfo.find(':');
        // A user name has no spaces: `http://host:1 (mail a@b)` is no credential.
        if user_end.is_some_and(|u| userinfo[..u].contains(char::is_whitespace))
            || (user_end.is_none() && userinfo.contains(char::is_whitespace))
        {
            continue;
        }
        let secret_from = user_end.map_or(0, |u| u + 1);
        // `host:port` followed by more words is an address in a sentence, not a password.
        let rest = &userinfo[secret_from..];
        if user_end.is_some()
            && rest.contains(char::is_whitespace)
            && rest
                .split(char::is_whitespace)
                .next()
                .is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        if start + secret_from < start + at {
            out.push((start + secret_from, start + at));
        }
        covered_to = start + at;
    }
    // Without a scheme: `user:pw@host`, the token starting at a space, quote, `=` or the like.
    // The ranges found so far are in order and apart, and those found here end at their `@`,
    // before any later one: only the former can hold an `@` still to come.
    let with_scheme = out.len();
    for (at, _) in text.match_indices('@') {
        let before = out[..with_scheme].partition_point(|&(s, _)| s <= at);
        if before > 0 && out[before - 1].1 >= at {
            continue;
        }
        let from = at.saturating_sub(MAX_CREDENTIAL);
        let token_start = text[..at]
            .char_indices()
            .rev()
            .take_while(|&(i, _)| i >= from)
            .find(|&(_, c)| {
                c.is_whitespace()
                    || matches!(
                        c,
                        '"' | '\'' | '`' | '=' | '(' | '[' | ',' | ';' | '@' | '/' | '\\'
                    )
            })
            .map_or(from, |(i, c)| i + c.len_utf8());
        let token = &text[token_start..at];
        let host = &text[at + 1..];
        let digest = host.starts_with("sha256:") || host.starts_with("sha512:");
        let host_like = host
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '[');
        if let Some(colon) = token.find(':')
            && colon > 0
            && colon + 1 < token.len()
            && host_like
            && !digest
        {
            out.push((token_start + colon + 1, at));
        }
    }
    out
}

/// The values assigned to secret-named variables, `KEY=value` and `KEY: value` (YAML): the
/// value runs to the end of the line or a backquote (an unquoted one to a ` #` comment), and
/// a value that only names another variable (`${PW}`) is no secret.
fn assigned_secret_ranges(text: &str, assignments: Assignments) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        let yaml = b == b':';
        if b != b'=' && !yaml {
            continue;
        }
        let mut value_start = i + 1;
        if yaml {
            // A YAML key is followed by a space (or ends the line); `http:` is no key.
            match bytes.get(i + 1) {
                Some(b' ') => value_start = i + 2,
                _ => continue,
            }
        }
        let key_start = bytes[..i]
            .iter()
            .rev()
            .take(128)
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')))
            .map_or(i.saturating_sub(128), |n| i - n);
        let mut key = &text[key_start..i];
        // A quoted YAML key: `"DB_PASSWORD": x`.
        if key.is_empty() && i > 0 && matches!(bytes[i - 1], b'"' | b'\'') {
            continue;
        }
        key = key.trim_start_matches('-');
        if key.is_empty() || !is_secret_key(key) {
            continue;
        }
        let value_end = match assignments {
            Assignments::Lines => (value_start..bytes.len())
                .find(|&j| matches!(bytes[j], b'\n' | b'\r' | b'`'))
                .unwrap_or(bytes.len()),
            // `"KEY=a b"`: the word's quote opens before its name.
            Assignments::ShellWords => {
                let quote = key_start
                    .checked_sub(1)
                    .and_then(|q| bytes.get(q))
                    .filter(|q| matches!(q, b'"' | b'\''));
                shell_word_end(bytes, value_start, quote.copied())
            }
        };
        let Some(value) = text.get(value_start..value_end) else {
            continue;
        };
        // An unquoted value ends at ` #`, where a comment starts.
        let value = if value.trim_start().starts_with(['"', '\'']) {
            value
        } else {
            value.find(" #").map_or(value, |c| &value[..c])
        };
        let lead = value.len() - value.trim_start().len();
        let trimmed = value.trim();
        // `WEBUI_AUTH: "false"` is a switch, not a secret.
        let bare = unquoted(trimmed);
        if trimmed.is_empty() || is_reference(bare) || is_placeholder(bare) {
            continue;
        }
        let start = value_start + lead;
        out.push((start, start + trimmed.len()));
    }
    out
}

/// Where the shell word from `start`, inside `quote` if it is, ends: at a blank, a line break
/// or an operator outside quotes (an escaped character is part of it; an unclosed quote runs
/// to the line end).
fn shell_word_end(bytes: &[u8], start: usize, quote: Option<u8>) -> usize {
    let mut quote = quote;
    let mut j = start;
    while let Some(&b) = bytes.get(j) {
        match (quote, b) {
            (_, b'\n' | b'\r') => return j,
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'\\') => j += 1,
            (None, b' ' | b'\t' | b';' | b'&' | b'|' | b'<' | b'>' | b')' | b'`') => return j,
            (None, _) => {}
        }
        j += 1;
    }
    bytes.len()
}

/// `${NAME}`, `${NAME:?message}` or `$NAME`: a value that names the secret instead of
/// holding it (a `:-` default may hold one, and is hidden).
fn is_reference(value: &str) -> bool {
    let name = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let braced = value.strip_prefix("${").and_then(|v| v.strip_suffix('}'));
    let required = |v: &str| {
        v.split_once('?')
            .is_some_and(|(n, _)| name(n.strip_suffix(':').unwrap_or(n)))
    };
    braced.is_some_and(|v| name(v) || required(v)) || value.strip_prefix('$').is_some_and(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str) -> String {
        Secrets::default().redact(text).into_string()
    }

    /// Each input redacted as expected (with no known values: the patterns alone).
    fn check(cases: &[(&str, &str)]) {
        for (input, expected) in cases {
            assert_eq!(redact(input), *expected, "{input}");
        }
    }

    #[test]
    fn passwords_and_bare_tokens_in_urls_are_hidden() {
        check(&[
            (
                "http://admin:s3cret@localhost:11434/api",
                "http://admin:***@localhost:11434/api",
            ),
            ("https://ghp_token@example.com", "https://***@example.com"),
            (
                "a http://u:p@h b https://x@y/z@w",
                "a http://u:***@h b https://***@y/z@w",
            ),
            ("http://localhost:11434", "http://localhost:11434"),
            ("postgres://u:p@w@db/x", "postgres://u:***@db/x"),
            ("x://@h", "x://@h"),
            ("://", "://"),
        ]);
    }

    #[test]
    fn credentials_in_every_form() {
        check(&[
            // Without a scheme, with backslashes, with a quote or a space in the password.
            ("`U=admin:pw1@ollama:11434`", "`U=admin:***@ollama:11434`"),
            (
                "OLLAMA_HOST=http:\\\\admin:pw2@localhost:11434",
                "OLLAMA_HOST=http:\\\\admin:***@localhost:11434",
            ),
            ("`http://admin:p\"w@host:1`", "`http://admin:***@host:1`"),
            ("`http://admin:p w@host:1` x", "`http://admin:***@host:1` x"),
            // The quote escaped, as a double-quoted YAML string writes it in the source.
            (
                "U: \"http://admin:p\\\"w@host:1\"",
                "U: \"http://admin:***@host:1\"",
            ),
            (
                "HTTP_PROXY=http://user:password@proxy:3128",
                "HTTP_PROXY=http://user:***@proxy:3128",
            ),
            // Not credentials: an image digest, an e-mail address, a mail after a URL.
            (
                "ollama/ollama:0.5@sha256:abc",
                "ollama/ollama:0.5@sha256:abc",
            ),
            ("mail admin@example.com", "mail admin@example.com"),
            ("http://host:1 (mail a@b)", "http://host:1 (mail a@b)"),
            ("git@github.com:org/repo", "git@github.com:org/repo"),
        ]);
    }

    #[test]
    fn values_of_secret_variables_are_hidden_in_any_position() {
        check(&[
            (
                "invalid env file: `POSTGRES_PASSWORD=\"unterminated`",
                "invalid env file: `POSTGRES_PASSWORD=***`",
            ),
            (
                "      DB_PASSWORD: hunter2 # a",
                "      DB_PASSWORD: *** # a",
            ),
            ("API_KEY=${API_KEY}", "API_KEY=${API_KEY}"),
            ("API_KEY: ${API_KEY:?set it}", "API_KEY: ${API_KEY:?set it}"),
            ("API_KEY: ${API_KEY:-sk-123}", "API_KEY: ***"),
            ("OLLAMA_KEEP_ALIVE=5m", "OLLAMA_KEEP_ALIVE=5m"),
            ("KEY_FILE=/run/secrets/k", "KEY_FILE=/run/secrets/k"),
        ]);
    }

    #[test]
    fn known_values_are_hidden_wherever_they_appear() {
        let mut secrets = Secrets::default();
        secrets.add("hunter22");
        secrets.add("ab1c");
        secrets.add("ollama");
        secrets.add("11434");
        let r = secrets.redact("x hunter22y `ab1c` tab1c ollama 11434");
        assert_eq!(r.as_str(), "x ***y `***` tab1c ollama 11434");
        assert_eq!(format!("{secrets:?}"), "Secrets(2 values)");
    }

    #[test]
    fn secret_names() {
        for secret in [
            "POSTGRES_PASSWORD",
            "OPENAI_API_KEY",
            "HF_TOKEN",
            "GITHUBTOKEN",
            "aws_secret_access_key",
            "N8N_ENCRYPTION_KEY",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "Authorization",
        ] {
            assert!(is_secret_key(secret), "{secret}");
        }
        for plain in [
            "OLLAMA_HOST",
            "KEY_FILE",
            "MAX_TOKENS",
            "MONKEY",
            "PASSWORD_FILE",
        ] {
            assert!(!is_secret_key(plain), "{plain}");
        }
    }

    #[test]
    fn the_source_form_keeps_every_offset() {
        let text = "URL=http://admin:pässword@localhost:11434\nOTHER=1\nDB_PASSWORD=\"hunter2\n";
        let masked = Secrets::default().mask_source(text, Assignments::Lines);
        assert_eq!(masked.len(), text.len());
        assert_eq!(
            masked,
            "URL=http://admin:*********@localhost:11434\nOTHER=1\nDB_PASSWORD=********\n"
        );
    }

    #[test]
    fn in_a_command_a_secret_value_is_one_shell_word() {
        let text = "docker run -e API_KEY=s3cr3tvalue -e URL=http://ollama:11434 \\\n  -e \"DB_PASSWORD=a b\"c' d' -e X_TOKEN=e\\ f;g img\n";
        let masked = Secrets::default().mask_source(text, Assignments::ShellWords);
        assert_eq!(masked.len(), text.len());
        assert_eq!(
            masked,
            "docker run -e API_KEY=*********** -e URL=http://ollama:11434 \\\n  -e \"DB_PASSWORD=********* -e X_TOKEN=****;g img\n"
        );
        // As a line, the value ran to its end.
        let lines = Secrets::default().mask_source(text, Assignments::Lines);
        assert!(
            lines.starts_with("docker run -e API_KEY=****************"),
            "{lines}"
        );
    }

    #[test]
    fn sensitive_text_is_shown_only_redacted() {
        let s = Sensitive::from("use `http://a:pw@h`");
        assert_eq!(format!("{s:?}"), "\"use `http://a:***@h`\"");
        assert_eq!(
            s.redacted(&Secrets::default()).as_str(),
            "use `http://a:***@h`"
        );
        assert_eq!(s.expose_unredacted(), "use `http://a:pw@h`");
    }
}
