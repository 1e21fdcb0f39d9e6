//! Finds where a scalar token ends (and a few other token boundaries) by reading the source.
//!
//! yaml-rust2 reports only where a token starts; these functions recover the rest from the
//! text. They never panic: every offset is checked, and a failed match returns `None` so the
//! caller can fall back to a coarser span. All offsets are absolute bytes into `src`.

use super::locate::utf8_len;

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_space(b: u8) -> bool {
    is_blank(b) || is_break(b)
}

/// End of the plain scalar starting at `start` whose parsed value is `value`.
///
/// A plain scalar has no escapes, so its value is its source text with each run of
/// whitespace (spaces, tabs, line breaks and the indentation after them) replaced by a
/// folded run; matching the two whitespace run by whitespace run finds the last byte.
pub(super) fn plain_end(src: &str, start: usize, value: &str) -> Option<usize> {
    let b = src.as_bytes();
    let v = value.as_bytes();
    let (mut i, mut j) = (start, 0);
    while j < v.len() {
        if is_space(v[j]) {
            while j < v.len() && is_space(v[j]) {
                j += 1;
            }
            let run = i;
            loop {
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                // yaml-rust2 lets a plain scalar go on past a comment line; the value
                // goes on after this run, so a `#` here starts a comment.
                if i > run && b.get(i) == Some(&b'#') {
                    while i < b.len() && !is_break(b[i]) {
                        i += 1;
                    }
                } else {
                    break;
                }
            }
            if i == run {
                return None;
            }
        } else if b.get(i) == Some(&v[j]) {
            i += 1;
            j += 1;
        } else {
            return None;
        }
    }
    src.is_char_boundary(i).then_some(i)
}

/// A coarse end for a plain scalar whose value did not match the source: the rest of its
/// first line, up to a comment or a `: `, without trailing blanks.
pub(super) fn plain_fallback_end(src: &str, start: usize) -> usize {
    let b = src.as_bytes();
    let mut i = start.min(b.len());
    while i < b.len() && !is_break(b[i]) {
        if b[i] == b'#' && i > start && is_blank(b[i - 1]) {
            break;
        }
        if b[i] == b':' && b.get(i + 1).is_none_or(|&c| is_space(c)) {
            break;
        }
        i += utf8_len(b[i]);
    }
    let mut end = i.min(b.len());
    while end > start && is_blank(b[end - 1]) {
        end -= 1;
    }
    end
}

/// End (after the closing quote) of the quoted scalar whose opening quote is at `start`.
pub(super) fn quoted_end(src: &str, start: usize, double: bool) -> Option<usize> {
    let b = src.as_bytes();
    let quote = if double { b'"' } else { b'\'' };
    if b.get(start) != Some(&quote) {
        return None;
    }
    let mut i = start + 1;
    while i < b.len() {
        let c = b[i];
        if double && c == b'\\' {
            i += 1 + b.get(i + 1).map_or(0, |&n| utf8_len(n));
        } else if c == quote {
            if !double && b.get(i + 1) == Some(&b'\'') {
                i += 2;
            } else {
                return Some(i + 1);
            }
        } else {
            i += utf8_len(c);
        }
    }
    None
}

/// What lies between the end of one token and the next node.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Skipped {
    /// Just after the (at most one) indicator passed: `-`, `?`, `:`, `,` or `---`.
    pub indicator_end: Option<usize>,
    /// The node properties passed (`!tag`, `&anchor`), first to last byte.
    pub props: Option<(usize, usize)>,
    /// Where skipping stopped: the next thing that is none of the above (or `limit`).
    pub stop: usize,
}

/// Skips whitespace, comments, directives, one indicator and node properties from `from`,
/// not going past `limit`. `base` is where the YAML text starts (after a BOM).
pub(super) fn skip_to_node(src: &str, from: usize, limit: usize, base: usize) -> Skipped {
    let b = src.as_bytes();
    let limit = limit.min(b.len());
    let mut i = from.min(limit);
    let mut indicator_end = None;
    let mut props: Option<(usize, usize)> = None;
    let line_start = |i: usize| i <= base || is_break(b[i - 1]);
    let ends_token = |i: usize| b.get(i).is_none_or(|&c| is_space(c));
    while i < limit {
        let c = b[i];
        if is_space(c) {
            i += 1;
        } else if c == b'#' || (c == b'%' && line_start(i)) {
            while i < limit && !is_break(b[i]) {
                i += 1;
            }
        } else if (c == b'-' || c == b'.')
            && line_start(i)
            && b.get(i..i + 3).is_some_and(|s| s == b"---" || s == b"...")
            && ends_token(i + 3)
        {
            if indicator_end.is_some() || props.is_some() {
                break;
            }
            i += 3;
            indicator_end = Some(i);
        } else if c == b','
            || (matches!(c, b'-' | b'?' | b':')
                && (ends_token(i + 1) || matches!(b.get(i + 1), Some(b',' | b']' | b'}'))))
        {
            if indicator_end.is_some() || props.is_some() {
                break;
            }
            i += 1;
            indicator_end = Some(i);
        } else if c == b'!' || c == b'&' {
            let start = i;
            while i < b.len()
                && !is_space(b[i])
                && !matches!(b[i], b',' | b'[' | b']' | b'{' | b'}')
            {
                i += utf8_len(b[i]);
            }
            i = i.min(b.len());
            props = Some((props.map_or(start, |p| p.0), i));
        } else {
            break;
        }
    }
    Skipped {
        indicator_end,
        props,
        stop: i.min(limit),
    }
}

/// Length of a block scalar header at `at`: the `|`/`>` and up to two indicators.
pub(super) fn block_header_len(src: &str, at: usize) -> usize {
    let b = src.as_bytes();
    let mut n = 1;
    while n < 3
        && b.get(at + n)
            .is_some_and(|c| matches!(c, b'1'..=b'9' | b'+' | b'-'))
    {
        n += 1;
    }
    n.min(b.len().saturating_sub(at))
}

/// The block scalar header on the last non-blank line before `line_start` (the first content
/// line): the leftmost `|`/`>` after a blank or the line start that only indicators, blanks and
/// a comment follow.
pub(super) fn header_before(src: &str, line_start: usize, base: usize) -> Option<usize> {
    let b = src.as_bytes();
    let mut next = line_start.min(b.len());
    loop {
        if next <= base {
            return None;
        }
        let mut end = next;
        if b[end - 1] == b'\n' {
            end -= 1;
        }
        if end > base && b[end - 1] == b'\r' {
            end -= 1;
        }
        let mut start = end;
        while start > base && !is_break(b[start - 1]) {
            start -= 1;
        }
        let line = &b[start..end];
        if line.iter().all(|&c| is_blank(c)) {
            next = start;
            continue;
        }
        return (start..end).find(|&i| {
            if !matches!(b[i], b'|' | b'>') || (i > start && !is_blank(b[i - 1])) {
                return false;
            }
            let mut j = i + block_header_len(src, i);
            let mut blank = false;
            while j < end && is_blank(b[j]) {
                j += 1;
                blank = true;
            }
            j >= end || (blank && b[j] == b'#')
        });
    }
}

/// End of a block scalar's last content line. The first content byte is `first`, on the line
/// starting at `line_start`; content lines are indented by at least `indent` spaces.
pub(super) fn block_content_end(
    src: &str,
    line_start: usize,
    first: usize,
    indent: usize,
) -> usize {
    let b = src.as_bytes();
    let line_end = |p: usize| {
        let mut e = p.min(b.len());
        while e < b.len() && !is_break(b[e]) {
            e += 1;
        }
        e
    };
    let after_break = |e: usize| {
        if b.get(e) == Some(&b'\r') && b.get(e + 1) == Some(&b'\n') {
            e + 2
        } else {
            e + 1
        }
    };
    let mut end = line_end(first.max(line_start));
    let mut pos = end;
    while pos < b.len() {
        pos = after_break(pos);
        if pos >= b.len() {
            break;
        }
        let le = line_end(pos);
        let mut k = pos;
        while k < le && b[k] == b' ' {
            k += 1;
        }
        if k == le {
            pos = le;
            continue;
        }
        if k - pos < indent {
            break;
        }
        // Like yaml-rust2, only `...` (not `---`) ends a block scalar at indentation 0.
        if indent == 0
            && b.get(pos..pos + 3) == Some(b"...".as_slice())
            && b.get(pos + 3).is_none_or(|&c| is_space(c))
        {
            break;
        }
        end = le;
        pos = le;
    }
    end
}

/// The name of the alias whose `*` is at `at`.
pub(super) fn alias_name(src: &str, at: usize) -> &str {
    let b = src.as_bytes();
    let start = (at + 1).min(b.len());
    let mut i = start;
    while i < b.len() && !is_space(b[i]) && !matches!(b[i], b',' | b'[' | b']' | b'{' | b'}') {
        i += utf8_len(b[i]);
    }
    src.get(start..i).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_multiline_and_trailing_blanks() {
        let src = "k: a b\r\n   c  \n\n   d # x\n";
        let start = 3;
        let end = plain_end(src, start, "a b c\nd").unwrap();
        assert_eq!(&src[start..end], "a b\r\n   c  \n\n   d");
        assert_eq!(plain_end(src, start, "zzz"), None);
        assert_eq!(plain_fallback_end(src, start), 6);
        let src = "k: v\n\t #c\n  w\n";
        assert_eq!(plain_end(src, 3, "v w"), Some(src.len() - 1));
    }

    #[test]
    fn quoted_ends() {
        let s = r#"x: 'it''s' "a\"b\\" 'open"#;
        assert_eq!(&s[3..quoted_end(s, 3, false).unwrap()], "'it''s'");
        assert_eq!(&s[11..quoted_end(s, 11, true).unwrap()], r#""a\"b\\""#);
        assert_eq!(quoted_end(s, 20, false), None);
        assert_eq!(quoted_end(s, 0, true), None);
    }

    #[test]
    fn skipping_to_a_node() {
        let s = "key: !reset &a # c\n  |-\n";
        let k = skip_to_node(s, 3, s.len(), 0);
        assert_eq!(k.indicator_end, Some(4));
        assert_eq!(k.props, Some((5, 14)));
        assert_eq!(&s[k.stop..], "|-\n");
        assert_eq!(block_header_len(s, k.stop), 2);
        // Only one indicator: the next entry's dash stops the skip.
        let s = "- x\n-\n- y\n";
        let k = skip_to_node(s, 3, s.len(), 0);
        assert_eq!((k.indicator_end, k.stop), (Some(5), 6));
    }

    #[test]
    fn block_header_found_backwards() {
        let s = "\"a | b\": >+ # x | y\n\n  text\n";
        let line = s.find("  text").unwrap();
        assert_eq!(header_before(s, line, 0), Some(9));
        assert_eq!(header_before("a: b\n  c\n", 5, 0), None);
    }

    #[test]
    fn block_content_stops_at_dedent() {
        let s = "a: |\n  one\n\n    two\n   \n# c\nb: 1\n";
        let first = s.find("one").unwrap();
        let end = block_content_end(s, first - 2, first, 2);
        assert_eq!(&s[first..end], "one\n\n    two");
        let s = "--- |\nx\ny\n...\n";
        assert_eq!(block_content_end(s, 6, 6, 0), 9);
    }

    #[test]
    fn alias_names() {
        assert_eq!(alias_name("[*ab, *c]", 1), "ab");
        assert_eq!(alias_name("*é x", 0), "é");
        assert_eq!(alias_name("*", 0), "");
    }
}
