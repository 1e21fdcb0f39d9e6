//! Splits a command string into words as Compose does for `command` and `entrypoint` strings
//! (with go-shellwords: like a POSIX shell, but a backslash escapes any character between
//! double quotes), keeping where each word was written.

use std::ops::Range;

use crate::text::Text;

/// The words of `s` with the byte range each was read from; None for an unclosed quote.
pub fn split(s: &str) -> Option<Vec<(String, Range<usize>)>> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut start: Option<usize> = None;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if let Some(b) = start.take() {
                    words.push((std::mem::take(&mut current), b..i));
                }
            }
            '\\' => {
                start.get_or_insert(i);
                match chars.next() {
                    Some((_, next)) => current.push(next),
                    None => current.push('\\'),
                }
            }
            '\'' => {
                start.get_or_insert(i);
                loop {
                    match chars.next()?.1 {
                        '\'' => break,
                        other => current.push(other),
                    }
                }
            }
            '"' => {
                start.get_or_insert(i);
                loop {
                    match chars.next()?.1 {
                        '"' => break,
                        // Compose splits with go-shellwords, where a backslash escapes
                        // any character between double quotes too (`"s/\\r$//"` is
                        // `s/r$//`), unlike a POSIX shell.
                        '\\' => current.push(chars.next()?.1),
                        other => current.push(other),
                    }
                }
            }
            other => {
                start.get_or_insert(i);
                current.push(other);
            }
        }
    }
    if let Some(b) = start {
        words.push((current, b..s.len()));
    }
    Some(words)
}

/// The words of a text, each keeping the provenance of the bytes it was read from (exact when
/// the word is written without quotes or escapes). An unclosed quote gives the whole text as
/// one word, as the nearest reading of what was meant.
pub fn split_text(text: &Text) -> Vec<Text> {
    let Some(words) = split(text.as_str()) else {
        return vec![text.clone()];
    };
    words
        .into_iter()
        .map(|(word, range)| {
            if text.value[range.clone()] == word {
                text.slice(range)
            } else {
                match text.slice(range).primary_span() {
                    Some(span) => Text::from_file(word, span, false),
                    None => Text::synthetic(word),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    #[test]
    fn splits_like_a_shell() {
        let words: Vec<String> = split(r#"sh -c "echo \"hi\" 'x'" 'a b' c\ d"#)
            .unwrap()
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(words, vec!["sh", "-c", "echo \"hi\" 'x'", "a b", "c d"]);
        assert_eq!(split("'open"), None);
    }

    #[test]
    fn a_backslash_escapes_any_character_between_double_quotes() {
        // What Docker Compose v2.40.3 prints for this command of the shared corpus
        // (onyx-dot-app__onyx), checked by tests/compose_differential.rs.
        let words: Vec<String> = split(r#"sh -c "sed 's/\r$//' x" 'a\b'"#)
            .unwrap()
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(words, vec!["sh", "-c", "sed 's/r$//' x", "a\\b"]);
    }

    #[test]
    fn plain_words_keep_exact_spans() {
        let text = Text::from_file(
            "serve --host 0.0.0.0:11434",
            Span::new(FileId(0), 10, 36),
            true,
        );
        let words = split_text(&text);
        assert_eq!(words[2].value, "0.0.0.0:11434");
        assert_eq!(
            words[2].exact_span(0..7),
            Some(Span::new(FileId(0), 23, 30))
        );
    }
}
