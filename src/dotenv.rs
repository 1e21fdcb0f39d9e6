//! `.env` and `env_file` files, parsed as Compose parses them, with key and value spans.
//!
//! [`parse`] follows compose-go's `dotenv` package (`parser.go`, `godotenv.go`), quirks
//! included: a UTF-8 BOM is skipped only at the very start; a statement starting with `#` is a
//! comment; `export ` is dropped; a key runs to the first `=`, `:` or newline; a key alone on
//! its line is inherited from the lookup; a key alone on the *last* line without a newline
//! becomes the value of the empty key; unquoted values end at the line end or a ` #`; parsing
//! resumes right after a closing quote; line numbers in errors are counted the way compose-go
//! counts them.
//!
//! [`parse_raw`] is the `format: raw` parser (docker/cli's `kvfile`).
//!
//! Provenance of a value: bytes copied unchanged from the file are exact pieces; each escape
//! sequence that changed bytes (`\n`, `\"`, `\'`, `\0123`, …) is one inexact piece whose span
//! is the escape as written; interpolated variables keep the origin of the text they came from.

use std::collections::HashMap;

use crate::comments::{CommentFinder, Comments};
use crate::go_format::go_quote;
use crate::interpolate::{UnsetVariable, covering_span, interpolate};
use crate::source::{SourceFile, Span};
use crate::text::{Origin, Text};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvEntry {
    pub key: String,
    pub key_span: Span,
    /// None: a bare `KEY` line whose value the lookup did not have (the key is then unset).
    pub value: Option<Text>,
    /// The value as written, quotes included (None for a bare key).
    pub value_span: Option<Span>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dotenv {
    /// In file order; a later entry with the same key wins.
    pub entries: Vec<DotenvEntry>,
    /// Variables interpolated in values that had no value, with the span of each use.
    pub unset: Vec<(UnsetVariable, Span)>,
}

impl Dotenv {
    /// The value Compose ends up with for `key`: the last entry that has one.
    pub fn get(&self, key: &str) -> Option<&Text> {
        self.entries
            .iter()
            .rev()
            .filter(|e| e.key == key)
            .find_map(|e| e.value.as_ref())
    }

    /// The entry that gave `key` its final value.
    pub fn entry(&self, key: &str) -> Option<&DotenvEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.key == key && e.value.is_some())
    }

    /// Every key with a value and its final value (the map compose-go returns).
    pub fn to_map(&self) -> HashMap<String, Text> {
        let mut map = HashMap::new();
        for entry in &self.entries {
            if let Some(value) = &entry.value {
                map.insert(entry.key.clone(), value.clone());
            }
        }
        map
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvError {
    /// The message as Compose words it, e.g. `line 7: key cannot contain a space`.
    pub message: String,
    pub span: Span,
}

impl std::fmt::Display for DotenvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DotenvError {}

const BOM: &str = "\u{feff}";

/// Parses a dotenv file. `lookup` is consulted first for interpolation and bare keys; values
/// defined earlier in the same file come second.
pub fn parse(
    file: &SourceFile,
    lookup: &dyn Fn(&str) -> Option<Text>,
) -> Result<Dotenv, DotenvError> {
    parse_with_comments(file, lookup).0
}

/// [`parse`], and the file's comments: each `#` outside the keys and values read. They are
/// known whenever the file's syntax was read to its end, even when a value could not be
/// interpolated, since where keys, values and comments are written does not depend on
/// values.
pub fn parse_with_comments(
    file: &SourceFile,
    lookup: &dyn Fn(&str) -> Option<Text>,
) -> (Result<Dotenv, DotenvError>, Comments) {
    let start = if file.text.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    let mut parser = Parser {
        file,
        text: &file.text,
        line: 1,
        lookup,
        values: HashMap::new(),
        out: Dotenv::default(),
        failed: None,
    };
    let mut pos = start;
    while let Some(statement) = parser.statement_start(pos) {
        match parser.statement(statement) {
            Ok(next) => pos = next,
            Err(e) => return (Err(parser.failed.unwrap_or(e)), Comments::Unknown),
        }
    }
    let comments = comments_outside(file, &parser.out);
    match parser.failed {
        Some(e) => (Err(e), comments),
        None => (Ok(parser.out), comments),
    }
}

/// In an env file that parsed, whatever is not a key or a value is blanks, `=`, `export` or
/// a comment, so any `#` outside them starts one (also right after a closing quote).
fn comments_outside(file: &SourceFile, parsed: &Dotenv) -> Comments {
    let mut finder = CommentFinder::new(&file.text, false);
    for entry in &parsed.entries {
        finder.content(entry.key_span.start, entry.key_span.end);
        if let Some(v) = entry.value_span {
            finder.content(v.start, v.end);
        }
    }
    Comments::At(finder.finish())
}

/// compose-go's `isSpace`: spacing that does not end a line.
fn is_inline_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// Go's `unicode.IsLetter || unicode.IsNumber`. Rust's `is_alphabetic` also admits the
/// `Other_Alphabetic` marks (e.g. Indic vowel signs, circled letters) that Go rejects; without
/// category tables that difference is accepted.
fn is_key_char(c: char) -> bool {
    matches!(c, '_' | '.' | '-' | '[' | ']') || c.is_alphabetic() || c.is_numeric()
}

struct Parser<'a> {
    file: &'a SourceFile,
    text: &'a str,
    /// compose-go's line counter, which error messages report.
    line: usize,
    lookup: &'a dyn Fn(&str) -> Option<Text>,
    /// Values defined so far, the second place interpolation looks.
    values: HashMap<String, Text>,
    out: Dotenv,
    /// The first value that could not be interpolated: the parse fails with it, but reads
    /// on to the end so that the file's comments are known.
    failed: Option<DotenvError>,
}

impl Parser<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        self.file.span(start, end)
    }

    /// Skips whitespace (counting newlines) and comment lines; None at the end of the file.
    fn statement_start(&mut self, mut pos: usize) -> Option<usize> {
        loop {
            let rest = self.text.get(pos..)?;
            let mut found = None;
            for (i, c) in rest.char_indices() {
                if c == '\n' {
                    self.line += 1;
                }
                if !c.is_whitespace() {
                    found = Some((pos + i, c));
                    break;
                }
            }
            let (at, c) = found?;
            if c != '#' {
                return Some(at);
            }
            // The newline ending the comment is counted by the next round.
            pos = at + self.text[at..].find('\n')?;
        }
    }

    /// Parses one statement starting at `pos`; returns where the next one may start.
    fn statement(&mut self, mut pos: usize) -> Result<usize, DotenvError> {
        let text = self.text;
        // `^export\s+`, with Go's ASCII `\s`.
        if text[pos..].starts_with("export")
            && text[pos + 6..]
                .bytes()
                .next()
                .is_some_and(|b| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' '))
        {
            pos += 6;
            pos += text[pos..]
                .char_indices()
                .find(|&(_, c)| !is_inline_space(c))
                .map_or(text.len() - pos, |(i, _)| i);
        }
        let key_start = pos;
        if key_start >= text.len() {
            return Err(DotenvError {
                message: "zero length string".to_string(),
                span: self.span(key_start, key_start),
            });
        }
        let mut terminator = None;
        for (i, c) in text[key_start..].char_indices() {
            if is_inline_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    terminator = Some((key_start + i, c));
                    break;
                }
                c if is_key_char(c) => {}
                c => {
                    let rest = &text[key_start..];
                    let first_line = rest.split('\n').next().unwrap_or("");
                    let at = key_start + i;
                    return Err(DotenvError {
                        message: format!(
                            "line {}: unexpected character {} in variable name {}",
                            self.line,
                            go_quote(c.encode_utf8(&mut [0; 4])),
                            go_quote(first_line)
                        ),
                        span: self.span(at, at + c.len_utf8()),
                    });
                }
            }
        }
        let Some((term, term_char)) = terminator else {
            // No `=`, `:` or newline up to the end of the file: compose-go reads the text as
            // the value of the empty key.
            let key_span = self.span(key_start, key_start);
            return self.value(String::new(), key_span, key_start);
        };
        let raw_key = &text[key_start..term];
        let inherited = term_char == '\n';
        if inherited && !raw_key.contains(' ') {
            self.line += 1;
        }
        let key = raw_key.trim_end_matches(char::is_whitespace);
        let key_span = self.span(key_start, key_start + key.len());
        if key.contains(' ') {
            return Err(DotenvError {
                message: format!("line {}: key cannot contain a space", self.line),
                span: key_span,
            });
        }
        let value_start = term
            + 1
            + text[term + 1..]
                .char_indices()
                .find(|&(_, c)| !is_inline_space(c))
                .map_or(text.len() - term - 1, |(i, _)| i);
        if inherited {
            let value = (self.lookup)(key);
            if let Some(v) = &value {
                self.values.insert(key.to_string(), v.clone());
            }
            self.out.entries.push(DotenvEntry {
                key: key.to_string(),
                key_span,
                value,
                value_span: None,
            });
            return Ok(value_start);
        }
        self.value(key.to_string(), key_span, value_start)
    }

    /// Reads the value at `pos` for `key`, records the entry and returns where parsing resumes.
    fn value(&mut self, key: String, key_span: Span, pos: usize) -> Result<usize, DotenvError> {
        let text = self.text;
        let quote = text[pos..]
            .bytes()
            .next()
            .filter(|&b| b == b'"' || b == b'\'');
        let (value, value_span, next) = match quote {
            None => {
                let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
                let next = (line_end + 1).min(text.len());
                self.line += 1;
                let raw = &text[pos..line_end];
                let raw = raw.find(" #").map_or(raw, |i| &raw[..i]);
                let raw = raw.trim_end_matches(char::is_whitespace);
                let span = self.span(pos, pos + raw.len());
                let template = Text::from_file(raw, span, true);
                (self.interpolate(&template, span), span, next)
            }
            Some(q) => {
                let Some(close) = self.closing_quote(pos, q) else {
                    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
                    return Err(DotenvError {
                        message: format!(
                            "line {}: unterminated quoted value {}",
                            self.line,
                            &text[pos..line_end]
                        ),
                        span: self.span(pos, line_end),
                    });
                };
                let span = self.span(pos, close + 1);
                let value = if q == b'"' {
                    let template = self.double_quoted(pos + 1, close);
                    self.interpolate(&template, span)
                } else {
                    self.single_quoted(pos + 1, close)
                };
                (value, span, close + 1)
            }
        };
        self.values.insert(key.clone(), value.clone());
        self.out.entries.push(DotenvEntry {
            key,
            key_span,
            value: Some(value),
            value_span: Some(value_span),
        });
        Ok(next)
    }

    /// The offset of the quote closing the one at `open`, counting newlines on the way.
    fn closing_quote(&mut self, open: usize, quote: u8) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut escaped = false;
        for (i, &b) in bytes.iter().enumerate().skip(open + 1) {
            if b == b'\n' {
                self.line += 1;
            }
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == quote {
                return Some(i);
            }
        }
        None
    }

    /// Single-quoted content: literal except that `\'` is a `'`.
    fn single_quoted(&self, start: usize, end: usize) -> Text {
        let mut out = PieceBuilder::new(self, start);
        let bytes = self.text.as_bytes();
        let mut i = start;
        while i < end {
            if bytes[i] == b'\\' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    out.replace(i, i + 2, "'");
                }
                // Any other escaped byte stays as written; skip it so `\\'` cannot pair up.
                i += 2;
            } else {
                i += 1;
            }
        }
        out.finish(end)
    }

    /// Double-quoted content after compose-go's two passes: `\"` becomes `"`, then the escapes
    /// `\a \b \f \n \r \t \v \\ \$ \0NNN` are expanded (`\$` into `$$`, which interpolation turns
    /// into a literal `$`). Both passes pair a backslash with the byte after it, so one scan over
    /// the source sees the same sequences.
    fn double_quoted(&self, start: usize, end: usize) -> Text {
        let mut out = PieceBuilder::new(self, start);
        let bytes = self.text.as_bytes();
        let mut i = start;
        while i < end {
            if bytes[i] != b'\\' {
                i += 1;
                continue;
            }
            let Some(&c) = bytes.get(i + 1).filter(|_| i + 1 < end) else {
                break;
            };
            let simple = match c {
                b'"' => Some("\""),
                b'a' => Some("\u{7}"),
                b'b' => Some("\u{8}"),
                b'f' => Some("\u{c}"),
                b'n' => Some("\n"),
                b'r' => Some("\r"),
                b't' => Some("\t"),
                b'v' => Some("\u{b}"),
                b'\\' => Some("\\"),
                b'$' => Some("$$"),
                _ => None,
            };
            if let Some(s) = simple {
                out.replace(i, i + 2, s);
                i += 2;
                continue;
            }
            if c == b'0' {
                let digits = bytes[i + 2..end]
                    .iter()
                    .take(3)
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let seq_end = i + 2 + digits;
                let decoded = octal(&bytes[i + 2..seq_end]);
                let replacement = match decoded {
                    Some(ch) => ch.to_string(),
                    // compose-go rewrites `\0` to `\` before decoding and, when decoding fails,
                    // keeps the rewritten text: `\0` → `\`, `\012` → `\12`.
                    None => format!("\\{}", &self.text[i + 2..seq_end]),
                };
                out.replace(i, seq_end, &replacement);
                i = seq_end;
                continue;
            }
            // Unsupported escapes (`\x`, `\u`, `\c`, `\ `, …) stay as written.
            i += 1 + self.text[i + 1..].chars().next().map_or(1, char::len_utf8);
        }
        out.finish(end)
    }

    /// The interpolated value; on failure the error is kept in `failed` and the template
    /// stands in for the value.
    fn interpolate(&mut self, template: &Text, whole: Span) -> Text {
        let lookup = |name: &str| (self.lookup)(name).or_else(|| self.values.get(name).cloned());
        match interpolate(template, &lookup) {
            Ok(result) => {
                for unset in result.unset {
                    let span = covering_span(&template.slice(unset.range.clone())).unwrap_or(whole);
                    self.out.unset.push((unset, span));
                }
                result.text
            }
            Err(err) => {
                self.failed.get_or_insert(DotenvError {
                    message: err.to_string(),
                    span: covering_span(&template.slice(err.range())).unwrap_or(whole),
                });
                template.clone()
            }
        }
    }
}

/// Go's `strconv.UnquoteChar` on `\` + the three digits of `\0NNN`: a byte value written in
/// octal, taken as the Unicode code point of that value.
fn octal(digits: &[u8]) -> Option<char> {
    if digits.len() != 3 {
        return None;
    }
    let mut value: u32 = 0;
    for &d in digits {
        if !(b'0'..=b'7').contains(&d) {
            return None;
        }
        value = value * 8 + u32::from(d - b'0');
    }
    if value > 255 {
        return None;
    }
    char::from_u32(value)
}

/// Builds a value from a run of source bytes where some sequences are replaced: unchanged
/// stretches become exact pieces, each replacement an inexact piece over what it replaced.
struct PieceBuilder<'a> {
    file: &'a SourceFile,
    out: Text,
    /// Start of the unchanged stretch not yet pushed.
    run: usize,
}

impl<'a> PieceBuilder<'a> {
    fn new(parser: &Parser<'a>, start: usize) -> Self {
        PieceBuilder {
            file: parser.file,
            out: Text::default(),
            run: start,
        }
    }

    fn flush(&mut self, to: usize) {
        if self.run < to {
            let span = self.file.span(self.run, to);
            self.out
                .push_str(self.file.slice(span), Origin::File { span, exact: true });
        }
    }

    fn replace(&mut self, start: usize, end: usize, with: &str) {
        self.flush(start);
        let span = self.file.span(start, end);
        self.out.push_str(with, Origin::File { span, exact: false });
        self.run = end;
    }

    fn finish(mut self, end: usize) -> Text {
        self.flush(end);
        self.out
    }
}

/// Parses an `env_file` with `format: raw`, as docker/cli's `kvfile` parser does (the rules are
/// inferred from docker/cli's source, not executed): one `KEY=VALUE` per line (a trailing
/// `\r` is not part of the line), leading whitespace of a line dropped, blank lines and lines
/// starting with `#` skipped, the value taken verbatim after the first `=` (no quote removal,
/// no escapes, no interpolation; some docker/cli versions strip one pair of matching outer
/// quotes, which this does not), a line without `=` a bare key (value None: the caller
/// resolves it against its environment, as Compose passes its lookup to the parser). A BOM is
/// skipped at the start. An empty key or a key containing a space or tab is an error, worded
/// as docker/cli words it.
pub fn parse_raw(file: &SourceFile) -> Result<Dotenv, DotenvError> {
    parse_raw_with_comments(file).0
}

/// [`parse_raw`], and the file's comments: the lines whose first non-blank is `#`.
pub fn parse_raw_with_comments(file: &SourceFile) -> (Result<Dotenv, DotenvError>, Comments) {
    match read_raw(file) {
        Ok(parsed) => {
            let comments = comments_outside(file, &parsed);
            (Ok(parsed), comments)
        }
        Err(e) => (Err(e), Comments::Unknown),
    }
}

fn read_raw(file: &SourceFile) -> Result<Dotenv, DotenvError> {
    let text = file.text.as_str();
    let mut out = Dotenv::default();
    let mut line_start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    while line_start < text.len() {
        let newline = text[line_start..].find('\n').map(|i| line_start + i);
        let mut line_end = newline.unwrap_or(text.len());
        let next = newline.map_or(text.len(), |n| n + 1);
        if text[line_start..line_end].ends_with('\r') {
            line_end -= 1;
        }
        let raw = &text[line_start..line_end];
        let trimmed = raw.trim_start_matches(char::is_whitespace);
        let start = line_end - trimmed.len();
        line_start = next;
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (key, value) = match trimmed.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (trimmed, None),
        };
        let key_span = file.span(start, start + key.len());
        if key.is_empty() {
            return Err(DotenvError {
                message: format!("no variable name on line '{trimmed}'"),
                span: file.span(start, line_end),
            });
        }
        if key.contains([' ', '\t']) {
            return Err(DotenvError {
                message: format!("variable '{key}' contains whitespaces"),
                span: key_span,
            });
        }
        let (value, value_span) = match value {
            Some(v) => {
                let span = file.span(line_end - v.len(), line_end);
                (Some(Text::from_file(v, span, true)), Some(span))
            }
            None => (None, None),
        };
        out.entries.push(DotenvEntry {
            key: key.to_string(),
            key_span,
            value,
            value_span,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "t.env".into(), text.to_string())
    }

    fn no_env(_: &str) -> Option<Text> {
        None
    }

    fn at(f: &SourceFile, needle: &str) -> Span {
        let start = f.text.find(needle).unwrap();
        f.span(start, start + needle.len())
    }

    #[test]
    fn key_and_value_spans_after_non_ascii_text() {
        let f = file("# größe ü\nÄNDERUNG=wert # c\nB=\"zwei\"\n");
        let d = parse(&f, &no_env).unwrap();
        let a = &d.entries[0];
        assert_eq!(a.key, "ÄNDERUNG");
        assert_eq!(f.slice(a.key_span), "ÄNDERUNG");
        assert_eq!(a.value_span, Some(at(&f, "wert")));
        assert_eq!(
            a.value.as_ref().unwrap().exact_span(0..4),
            Some(at(&f, "wert"))
        );
        let b = &d.entries[1];
        assert_eq!(f.slice(b.key_span), "B");
        assert_eq!(b.value_span, Some(at(&f, "\"zwei\"")));
        assert_eq!(
            b.value.as_ref().unwrap().exact_span(0..4),
            Some(at(&f, "zwei"))
        );
    }

    #[test]
    fn crlf_lines() {
        let f = file("A=1\r\nB = \"x y\"\r\n# c\r\nC\r\nD=d \r\n");
        let lookup = |k: &str| (k == "C").then(|| Text::new("from-env", Origin::ProcessEnv));
        let d = parse(&f, &lookup).unwrap();
        let m = d.to_map();
        assert_eq!(m["A"].value, "1");
        assert_eq!(m["B"].value, "x y");
        assert_eq!(m["C"].value, "from-env");
        assert_eq!(m["D"].value, "d");
        assert_eq!(d.entry("A").unwrap().value_span, Some(f.span(2, 3)));
        assert_eq!(f.slice(d.entry("C").unwrap().key_span), "C");
        assert_eq!(
            d.entry("D").unwrap().value_span,
            Some(at(&f, "d ").sub(0, 1))
        );
    }

    #[test]
    fn inherited_and_interpolated_values_keep_process_env_origin() {
        let f = file("HOST\nURL=http://${HOST}:11434\n");
        let lookup = |k: &str| (k == "HOST").then(|| Text::new("ollama", Origin::ProcessEnv));
        let d = parse(&f, &lookup).unwrap();
        assert_eq!(d.get("HOST").unwrap().pieces[0].origin, Origin::ProcessEnv);
        let url = d.get("URL").unwrap();
        assert_eq!(url.value, "http://ollama:11434");
        assert_eq!(url.slice(7..13).pieces[0].origin, Origin::ProcessEnv);
        assert_eq!(url.exact_span(0..7), Some(at(&f, "http://")));
        assert_eq!(url.exact_span(13..19), Some(at(&f, ":11434")));
    }

    #[test]
    fn earlier_values_keep_their_file_origin() {
        let f = file("H=ollama\nU=\"http://$H\"\n");
        let d = parse(&f, &no_env).unwrap();
        let u = d.get("U").unwrap();
        assert_eq!(u.value, "http://ollama");
        assert_eq!(u.exact_span(7..13), Some(at(&f, "ollama")));
    }

    #[test]
    fn double_quoted_escapes_are_inexact_pieces() {
        let f = file("K=\"a\\tb\\\"c\\0101\"\n");
        let d = parse(&f, &no_env).unwrap();
        let v = d.get("K").unwrap();
        assert_eq!(v.value, "a\tb\"cA");
        assert_eq!(v.exact_span(0..1), Some(f.span(3, 4)));
        assert_eq!(
            v.slice(1..2).pieces[0].origin,
            Origin::File {
                span: f.span(4, 6),
                exact: false
            }
        );
        assert_eq!(v.exact_span(2..3), Some(f.span(6, 7)));
        assert_eq!(
            v.slice(3..4).pieces[0].origin,
            Origin::File {
                span: f.span(7, 9),
                exact: false
            }
        );
        assert_eq!(
            v.slice(5..6).pieces[0].origin,
            Origin::File {
                span: f.span(10, 15),
                exact: false
            }
        );
        assert_eq!(v.exact_span(0..3), None);
    }

    #[test]
    fn escaped_dollar_is_literal_and_points_at_its_escape() {
        let f = file("K=\"\\$HOME\"\n");
        let d = parse(&f, &no_env).unwrap();
        let v = d.get("K").unwrap();
        assert_eq!(v.value, "$HOME");
        assert!(d.unset.is_empty());
        assert_eq!(
            v.pieces[0].origin,
            Origin::File {
                span: f.span(3, 5),
                exact: false
            }
        );
        assert_eq!(v.exact_span(1..5), Some(at(&f, "HOME")));
    }

    #[test]
    fn multi_line_value_without_escapes_is_exact() {
        let f = file("K='a\nb'\nL=1\n");
        let d = parse(&f, &no_env).unwrap();
        assert_eq!(d.get("K").unwrap().exact_span(0..3), Some(f.span(3, 6)));
        assert_eq!(d.get("L").unwrap().value, "1");
    }

    #[test]
    fn unset_uses_point_into_the_file() {
        let f = file("A=x${MISSING}y\n");
        let d = parse(&f, &no_env).unwrap();
        assert_eq!(d.unset.len(), 1);
        assert_eq!(d.unset[0].0.name, "MISSING");
        assert_eq!(d.unset[0].1, at(&f, "${MISSING}"));
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let f = file("A=1\nB=${X:?no}\n");
        let e = parse(&f, &no_env).unwrap_err();
        assert_eq!(e.message, "required variable X is missing a value: no");
        assert_eq!(e.span, at(&f, "${X:?no}"));
        let f = file("A=1\nFOO BAR=2\n");
        let e = parse(&f, &no_env).unwrap_err();
        assert_eq!(e.message, "line 2: key cannot contain a space");
        assert_eq!(e.span, at(&f, "FOO BAR"));
        let f = file("A=1\nB='x\n");
        let e = parse(&f, &no_env).unwrap_err();
        assert_eq!(e.message, "line 3: unterminated quoted value 'x");
        assert_eq!(e.span, at(&f, "'x"));
    }

    #[test]
    fn bom_only_at_the_start() {
        let f = file("\u{feff}A=1\n\u{feff}B=2\n");
        let e = parse(&f, &no_env).unwrap_err();
        assert_eq!(
            e.message,
            "line 2: unexpected character \"\\ufeff\" in variable name \"\\ufeffB=2\""
        );
        let f = file("\u{feff}A=1\n");
        let d = parse(&f, &no_env).unwrap();
        assert_eq!(d.entries[0].key_span, f.span(3, 4));
    }

    #[test]
    fn raw_format_takes_values_verbatim() {
        let f = file("\u{feff}# c\n  A=\"q\" $X # not a comment \r\n\nB\nC==\n");
        let d = parse_raw(&f).unwrap();
        assert_eq!(d.entries.len(), 3);
        assert_eq!(d.get("A").unwrap().value, "\"q\" $X # not a comment ");
        assert_eq!(f.slice(d.entries[0].key_span), "A");
        assert_eq!(
            f.slice(d.entries[0].value_span.unwrap()),
            "\"q\" $X # not a comment "
        );
        assert_eq!(d.entries[1].key, "B");
        assert_eq!(d.entries[1].value, None);
        assert_eq!(d.get("C").unwrap().value, "=");
        let e = parse_raw(&file("A B=1\n")).unwrap_err();
        assert_eq!(e.message, "variable 'A B' contains whitespaces");
        let e = parse_raw(&file("=1\n")).unwrap_err();
        assert_eq!(e.message, "no variable name on line '=1'");
    }

    /// Random files from the syntax's own characters: no panic, spans inside the file, and
    /// exact pieces spelling the file bytes they claim.
    #[test]
    fn random_files_keep_spans_consistent() {
        const ALPHABET: &[&str] = &[
            "A", "b", "=", ":", "\n", "\r\n", " ", "\t", "#", "\"", "'", "\\", "$", "{", "}", "0",
            "7", "export ", "é", "\u{feff}", "-", "?",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let lookup = |k: &str| (k == "A").then(|| Text::new("env", Origin::ProcessEnv));
        for _ in 0..20_000 {
            let len = (next() % 20) as usize;
            let s: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let f = file(&s);
            for result in [parse(&f, &lookup), parse_raw(&f)] {
                let d = match result {
                    Ok(d) => d,
                    Err(e) => {
                        assert!(f.text.get(e.span.start..e.span.end).is_some(), "{s:?}");
                        continue;
                    }
                };
                for e in &d.entries {
                    assert_eq!(f.slice(e.key_span), e.key, "{s:?}");
                    if let Some(span) = e.value_span {
                        assert!(f.text.get(span.start..span.end).is_some(), "{s:?}");
                    }
                    let Some(v) = &e.value else { continue };
                    let mut at = 0;
                    for piece in &v.pieces {
                        assert_eq!(piece.range.start, at, "{s:?}");
                        at = piece.range.end;
                        if let Origin::File { span, exact: true } = piece.origin {
                            assert_eq!(
                                Some(f.slice(span)),
                                v.value.get(piece.range.clone()),
                                "{s:?}"
                            );
                        }
                    }
                    assert_eq!(at, v.value.len(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn comments_stay_known_past_a_value_that_cannot_be_interpolated() {
        let comment_texts = |f: &SourceFile, comments: &Comments| -> Option<Vec<String>> {
            let starts = comments.starts()?;
            Some(
                starts
                    .iter()
                    .map(|&at| f.text[at..].lines().next().unwrap_or("").to_string())
                    .collect(),
            )
        };
        for bad in ["${NOPE:?set it}", "${ }", "\"${C?}\""] {
            let f = file(&format!(
                "# one\nA={bad} # two\nB=x#y # three\nC=${{D:?}}\n"
            ));
            let (parsed, comments) = parse_with_comments(&f, &no_env);
            // The first failure is the error, as when reading stopped there.
            let error = parsed.expect_err(bad);
            let at = f.text.find(bad).unwrap();
            assert!((at..at + bad.len()).contains(&error.span.start), "{bad}");
            assert_eq!(
                comment_texts(&f, &comments),
                Some(vec!["# one".into(), "# two".into(), "# three".into()]),
                "{bad}"
            );
        }
        // A syntax error leaves them unknown.
        let f = file("# one\nA=\"open\n");
        let (parsed, comments) = parse_with_comments(&f, &no_env);
        assert!(parsed.is_err());
        assert_eq!(comments, Comments::Unknown);
        let f = file("# r\nA=1 # value\n has space=1\n");
        assert_eq!(parse_raw_with_comments(&f).1, Comments::Unknown);
        let f = file("# r\nA=1 # value\n  # indented\n");
        let (parsed, comments) = parse_raw_with_comments(&f);
        assert!(parsed.is_ok());
        assert_eq!(
            comment_texts(&f, &comments),
            Some(vec!["# r".into(), "# indented".into()])
        );
    }
}
