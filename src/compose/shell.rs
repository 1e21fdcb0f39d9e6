//! Splits a command string into words as Compose does for `command` and `entrypoint` strings:
//! with go-shellwords, keeping where each word was written. That is a POSIX shell's quoting,
//! except that a backslash escapes any character between double quotes, `$(…)` and `` `…` ``
//! are kept in one word with their spaces, an unquoted `;`, `&`, `|`, `<` or `>` ends the
//! command (Compose drops the rest: `echo a && echo b` runs `echo a`), and a `(` that does
//! not follow `$` is an error. tests/compose_differential.rs checks these against Docker
//! Compose.

use std::ops::Range;

use crate::text::Text;

/// The words of `s` with the byte range each was read from; None where Compose refuses the
/// string (`invalid command line string`: an unclosed quote, a lone `(`).
pub fn split(s: &str) -> Option<Vec<(String, Range<usize>)>> {
    let mut words = Vec::new();
    let mut current = String::new();
    // Where the word being read starts; None between words.
    let mut start: Option<usize> = None;
    let mut end = s.len();
    let (mut escaped, mut single, mut double, mut back, mut dollar) =
        (false, false, false, false, false);
    for (i, c) in s.char_indices() {
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        if c == '\\' {
            start.get_or_insert(i);
            if single {
                current.push(c);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            if single || double || back || dollar {
                current.push(c);
            } else if let Some(b) = start.take() {
                words.push((std::mem::take(&mut current), b..i));
            }
            continue;
        }
        let quoted = single || double;
        match c {
            '`' if !quoted && !dollar => back = !back,
            ')' if !quoted && !back => dollar = !dollar,
            '(' if !quoted && !back => {
                if dollar || !current.ends_with('$') {
                    return None;
                }
                dollar = true;
            }
            '"' if !single && !dollar => {
                start.get_or_insert(i);
                double = !double;
                continue;
            }
            '\'' if !double && !dollar => {
                start.get_or_insert(i);
                single = !single;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !quoted && !back && !dollar => {
                // `2>file`: the descriptor goes with the redirection.
                if c == '>' && current.starts_with(|d: char| d.is_ascii_digit()) {
                    start = None;
                }
                end = i;
                break;
            }
            _ => {}
        }
        start.get_or_insert(i);
        current.push(c);
    }
    if escaped || single || double || back || dollar {
        return None;
    }
    if let Some(b) = start {
        words.push((current, b..end));
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
    fn what_compose_passes_on() {
        // Each as Docker Compose v2.40.3 splits it.
        let words =
            |s: &str| split(s).map(|w| w.into_iter().map(|(w, _)| w).collect::<Vec<String>>());
        assert_eq!(words("echo a && echo b").unwrap(), ["echo", "a"]);
        assert_eq!(words("echo a;b").unwrap(), ["echo", "a"]);
        assert_eq!(words("echo x>y").unwrap(), ["echo", "x"]);
        assert_eq!(words("echo 2>err").unwrap(), ["echo"]);
        assert_eq!(
            words("echo $(a b) `c d` x").unwrap(),
            ["echo", "$(a b)", "`c d`", "x"]
        );
        assert_eq!(words("echo a$(b)c").unwrap(), ["echo", "a$(b)c"]);
        assert_eq!(words(r"echo \a b").unwrap(), ["echo", "a", "b"]);
        assert_eq!(words(r#"echo "" b"#).unwrap(), ["echo", "", "b"]);
        assert_eq!(words("echo (x)"), None);
        assert_eq!(words(r#"echo "a\"#), None);
        let spans = split("ab && c").unwrap();
        assert_eq!(spans, vec![("ab".to_string(), 0..2)]);
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
