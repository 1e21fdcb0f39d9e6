//! The provenance of a one-line quoted scalar written with escapes (`"http:\/\/localhost"`,
//! `'it''s'`): the characters written as themselves map one to one to their source bytes,
//! so a rule can point at, and a fix can edit, the host inside such a value as inside a plain
//! one. Only each escape sequence is an inexact piece.
//!
//! The escapes are those of YAML 1.2 (§5.7 for double quotes, §7.3.2 for the doubled single
//! quote). The decoded text is compared with what yaml-rust2 decoded; on any difference (a
//! multi-line scalar, whose line breaks fold, or an escape read differently) there is no
//! result and the caller keeps the whole scalar as one inexact piece.

use crate::source::Span;
use crate::text::{Origin, Text};

/// The text of the quoted scalar whose content (between the quotes) is `content`, starting at
/// `span.start` of `span.file`, when it decodes to exactly `value`.
pub(super) fn text(content: &str, value: &str, double: bool, span: Span) -> Option<Text> {
    if content.contains(['\n', '\r']) {
        return None;
    }
    let mut out = Text::default();
    let mut literal_from = 0;
    let mut i = 0;
    let bytes = content.as_bytes();
    while i < bytes.len() {
        let escape = match (double, bytes[i]) {
            (true, b'\\') => double_escape(&content[i..]),
            (false, b'\'') => (bytes.get(i + 1) == Some(&b'\'')).then_some(('\'', 2)),
            _ => {
                i += 1;
                continue;
            }
        };
        let (decoded, len) = escape?;
        let piece = |from: usize, to: usize, exact: bool| Origin::File {
            span: Span::new(span.file, span.start + from, span.start + to),
            exact,
        };
        if literal_from < i {
            out.push_str(&content[literal_from..i], piece(literal_from, i, true));
        }
        out.push_str(decoded.encode_utf8(&mut [0; 4]), piece(i, i + len, false));
        i += len;
        literal_from = i;
    }
    if literal_from < content.len() {
        let run = Span::new(span.file, span.start + literal_from, span.end);
        out.push_str(
            &content[literal_from..],
            Origin::File {
                span: run,
                exact: true,
            },
        );
    }
    (out.value == value).then_some(out)
}

/// The offset in `content` (a double-quoted scalar's text between its quotes) of the first
/// escape that Docker Compose's YAML parser (go-yaml v3) does not know, though YAML 1.2 and
/// yaml-rust2 do: `\/`. Compose refuses such a file ("found unknown escape character"); so
/// must we.
pub(super) fn escape_compose_refuses(content: &str) -> Option<usize> {
    let bytes = content.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes[i + 1] == b'/' {
                return Some(i);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

/// The character a double-quoted escape at the start of `s` (which starts with `\`) stands
/// for, and the escape's length in bytes.
fn double_escape(s: &str) -> Option<(char, usize)> {
    let next = s[1..].chars().next()?;
    let simple = match next {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\u{b}',
        'f' => '\u{c}',
        'r' => '\r',
        'e' => '\u{1b}',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' => return hex_escape(s, 2),
        'u' => return hex_escape(s, 4),
        'U' => return hex_escape(s, 8),
        _ => return None,
    };
    Some((simple, 1 + next.len_utf8()))
}

fn hex_escape(s: &str, digits: usize) -> Option<(char, usize)> {
    let hex = s.get(2..2 + digits)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((c, 2 + digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn pieces(
        content: &str,
        value: &str,
        double: bool,
    ) -> Option<Vec<(String, usize, usize, bool)>> {
        let t = text(
            content,
            value,
            double,
            Span::new(FileId(0), 10, 10 + content.len()),
        )?;
        Some(
            t.pieces
                .iter()
                .map(|p| match p.origin {
                    Origin::File { span, exact } => (
                        t.value[p.range.clone()].to_string(),
                        span.start,
                        span.end,
                        exact,
                    ),
                    _ => unreachable!(),
                })
                .collect(),
        )
    }

    #[test]
    fn escapes_are_inexact_and_the_rest_maps_to_its_bytes() {
        let got = pieces(r"http:\/\/localhost:11434", "http://localhost:11434", true).unwrap();
        assert_eq!(
            got,
            vec![
                ("http:".into(), 10, 15, true),
                ("/".into(), 15, 17, false),
                ("/".into(), 17, 19, false),
                ("localhost:11434".into(), 19, 34, true),
            ]
        );
    }

    #[test]
    fn compose_refuses_an_escaped_slash() {
        assert_eq!(escape_compose_refuses(r"http:\/\/x"), Some(5));
        assert_eq!(escape_compose_refuses(r"a\\/b"), None);
        assert_eq!(escape_compose_refuses(r"a\x2Fb"), None);
    }

    #[test]
    fn hex_and_unicode_escapes_decode() {
        let t = text(
            r"a\x41\u00e9\U0001F600",
            "aAé😀",
            true,
            Span::new(FileId(0), 0, 21),
        );
        assert_eq!(t.map(|t| t.value), Some("aAé😀".to_string()));
    }

    #[test]
    fn a_doubled_single_quote_is_one_inexact_piece() {
        let got = pieces("it''s", "it's", false).unwrap();
        assert_eq!(got[1], ("'".into(), 12, 14, false));
        assert_eq!(got[2], ("s".into(), 14, 15, true));
    }

    #[test]
    fn a_different_decoding_or_a_folded_line_gives_nothing() {
        assert_eq!(pieces(r"a\qb", "aqb", true), None);
        assert_eq!(pieces("a\n  b", "a b", true), None);
        assert_eq!(pieces(r"a\tb", "a b", true), None);
    }
}
