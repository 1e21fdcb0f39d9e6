//! Strings that remember where each part of their text came from.
//!
//! A value such as `http://${HOST:-localhost}:11434` resolves to one string whose parts come
//! from different places: the compose file's literal text, a `.env` value, a default inside
//! `${…}`. A [`Text`] keeps, for every byte range of the resolved string, the file span it was
//! taken from, so a rule can point at — and a fix can edit — exactly the host inside a URL.

use std::ops::Range;

use smallvec::{SmallVec, smallvec};

use crate::source::Span;

/// Where one piece of a resolved string came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Text of a file. `exact` means the piece's bytes equal the span's bytes one to one (no
    /// quoting, escapes or folding in between), so a sub-range maps to a sub-span.
    File { span: Span, exact: bool },
    /// A `-e KEY=VALUE` given on the command line.
    CommandLine,
    /// The process environment (only with `--process-env`).
    ProcessEnv,
    /// Made up by the loader, e.g. a default filled in by Compose.
    Synthetic,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Byte range in [`Text::value`].
    pub range: Range<usize>,
    pub origin: Origin,
}

/// The pieces of a text: nearly every text has one origin, kept inline rather than in an
/// allocation of its own (a large project has millions of texts).
pub type Pieces = SmallVec<[Piece; 1]>;

/// A resolved string plus the origin of each byte range of it. Pieces are sorted, do not
/// overlap and cover the whole value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub pieces: Pieces,
}

impl Text {
    /// A string with a single origin.
    pub fn new(value: impl Into<String>, origin: Origin) -> Self {
        let value = value.into();
        let pieces = if value.is_empty() {
            Pieces::new()
        } else {
            smallvec![Piece {
                range: 0..value.len(),
                origin,
            }]
        };
        Text { value, pieces }
    }

    /// Text read verbatim from `span` of a file.
    pub fn from_file(value: impl Into<String>, span: Span, exact: bool) -> Self {
        Text::new(value, Origin::File { span, exact })
    }

    pub fn synthetic(value: impl Into<String>) -> Self {
        Text::new(value, Origin::Synthetic)
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Appends another text, keeping its origins.
    pub fn push_text(&mut self, other: &Text) {
        self.push_slice(other, 0..other.value.len());
    }

    /// Appends a string with one origin.
    pub fn push_str(&mut self, s: &str, origin: Origin) {
        let start = self.value.len();
        self.value.push_str(s);
        self.push_piece(start..self.value.len(), origin);
    }

    fn push_piece(&mut self, range: Range<usize>, origin: Origin) {
        if range.is_empty() {
            return;
        }
        // Adjacent exact pieces of one file that touch in the file too are one piece.
        if let Some(last) = self.pieces.last_mut()
            && let (
                Origin::File {
                    span: a,
                    exact: true,
                },
                Origin::File {
                    span: b,
                    exact: true,
                },
            ) = (&mut last.origin, &origin)
            && a.file == b.file
            && a.end == b.start
            && last.range.end == range.start
        {
            a.end = b.end;
            last.range.end = range.end;
            return;
        }
        self.pieces.push(Piece { range, origin });
    }

    /// The part of this text in `range` (byte offsets into `value`), with narrowed origins:
    /// exact file pieces shrink to the matching sub-span, others keep their whole span.
    pub fn slice(&self, range: Range<usize>) -> Text {
        let mut out = Text::default();
        out.push_slice(self, range);
        out
    }

    /// Appends the part of `other` in `range`, with origins narrowed as [`Text::slice`]
    /// narrows them.
    pub fn push_slice(&mut self, other: &Text, range: Range<usize>) {
        let offset = self.value.len();
        self.value.push_str(&other.value[range.clone()]);
        // The pieces are sorted: the first that reaches into `range` is found by halving (a
        // reader copies a long made line a character at a time).
        let first = other.pieces.partition_point(|p| p.range.end <= range.start);
        for piece in &other.pieces[first..] {
            let start = piece.range.start.max(range.start);
            let end = piece.range.end.min(range.end);
            if piece.range.start >= range.end {
                break;
            }
            if start >= end {
                continue;
            }
            let origin = match &piece.origin {
                Origin::File { span, exact: true } => Origin::File {
                    span: span.sub(start - piece.range.start, end - piece.range.start),
                    exact: true,
                },
                other => other.clone(),
            };
            self.push_piece(
                offset + start - range.start..offset + end - range.start,
                origin,
            );
        }
    }

    /// The file span that holds exactly the text in `range`, if one single exact piece does.
    pub fn exact_span(&self, range: Range<usize>) -> Option<Span> {
        let sliced = self.slice(range);
        match sliced.pieces.as_slice() {
            [
                Piece {
                    origin: Origin::File { span, exact: true },
                    ..
                },
            ] => Some(*span),
            _ => None,
        }
    }

    /// The file spans this text's bytes in `range` were taken from, in order.
    pub fn spans(&self, range: Range<usize>) -> Vec<Span> {
        self.slice(range)
            .pieces
            .iter()
            .filter_map(|p| match p.origin {
                Origin::File { span, .. } => Some(span),
                _ => None,
            })
            .collect()
    }

    /// Where most of this text came from, for pointing a diagnostic: the first file piece,
    /// joined with the pieces that follow it in the same file without a gap (a quoted
    /// scalar's literal runs and escapes are one place).
    pub fn primary_span(&self) -> Option<Span> {
        let mut spans = self.spans(0..self.value.len()).into_iter();
        let mut primary = spans.next()?;
        for next in spans {
            if next.file != primary.file || next.start != primary.end {
                break;
            }
            primary.end = next.end;
        }
        Some(primary)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span(file: u32, start: usize, end: usize) -> Span {
        Span::new(FileId(file), start, end)
    }

    #[test]
    fn slicing_an_exact_piece_narrows_its_span() {
        let t = Text::from_file("http://localhost:11434", span(0, 10, 32), true);
        let host = t.slice(7..16);
        assert_eq!(host.value, "localhost");
        assert_eq!(t.exact_span(7..16), Some(span(0, 17, 26)));
    }

    #[test]
    fn pieces_from_two_files_stay_apart() {
        let mut t = Text::from_file("http://", span(0, 5, 12), true);
        t.push_text(&Text::from_file("ollama", span(1, 4, 10), true));
        t.push_str(
            ":11434",
            Origin::File {
                span: span(0, 20, 26),
                exact: true,
            },
        );
        assert_eq!(t.value, "http://ollama:11434");
        assert_eq!(t.exact_span(7..13), Some(span(1, 4, 10)));
        assert_eq!(t.exact_span(5..9), None);
        assert_eq!(t.spans(0..t.value.len()).len(), 3);
    }

    #[test]
    fn touching_exact_pieces_merge() {
        let mut t = Text::from_file("ab", span(0, 0, 2), true);
        t.push_text(&Text::from_file("cd", span(0, 2, 4), true));
        assert_eq!(t.pieces.len(), 1);
        assert_eq!(t.exact_span(1..3), Some(span(0, 1, 3)));
    }

    #[test]
    fn inexact_pieces_keep_their_whole_span() {
        let t = Text::from_file("a\nb", span(0, 3, 11), false);
        assert_eq!(
            t.slice(2..3).pieces[0].origin,
            Origin::File {
                span: span(0, 3, 11),
                exact: false
            }
        );
        assert_eq!(t.exact_span(0..1), None);
    }
}
