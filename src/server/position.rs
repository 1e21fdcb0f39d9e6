//! Byte offsets to editor positions and back, in the encoding the client and the server agreed
//! on: UTF-16 code units (the protocol's default), UTF-8 bytes or UTF-32 characters. A line
//! ends at `\n`; a `\r` before it belongs to the line, as the protocol counts it.

use lsp_types::{Position, PositionEncodingKind, Range};

use crate::source::SourceFile;

/// How a position's character counts the text before it on its line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// The encoding to use from the client's list, in its order of preference: the first the
    /// server knows, else UTF-16, which every client must accept.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        offered
            .unwrap_or_default()
            .iter()
            .find_map(Encoding::of_kind)
            .unwrap_or_default()
    }

    fn of_kind(kind: &PositionEncodingKind) -> Option<Encoding> {
        match kind.as_str() {
            "utf-8" => Some(Encoding::Utf8),
            "utf-16" => Some(Encoding::Utf16),
            "utf-32" => Some(Encoding::Utf32),
            _ => None,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// How many units `c` counts for.
    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }

    /// The position of byte `offset` of `text` (clamped to the text, and back to the start of
    /// the character it falls in).
    pub fn position(self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.bytes().filter(|&b| b == b'\n').count();
        let character = before[line_start..].chars().map(|c| self.width(c)).sum();
        Position::new(line as u32, character)
    }

    pub fn range(self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// [`Encoding::position`] in a file the loader read, whose line index finds the line: a
    /// project's hundreds of findings each cost their line, not the text before them.
    pub fn position_in(self, file: &SourceFile, offset: usize) -> Position {
        let line = file.line_col(offset).line;
        let start = file.line_start(line);
        let mut offset = offset.clamp(start, file.text.len());
        while !file.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let character = file.text[start..offset]
            .chars()
            .map(|c| self.width(c))
            .sum();
        Position::new((line - 1) as u32, character)
    }

    pub fn range_in(self, file: &SourceFile, start: usize, end: usize) -> Range {
        Range::new(self.position_in(file, start), self.position_in(file, end))
    }

    /// The byte offset of `position` in `text`. A line past the end is the end of the text; a
    /// character past the end of its line is the end of the line; one inside a character
    /// (half of a surrogate pair) is that character's start.
    pub fn offset(self, text: &str, position: Position) -> usize {
        let mut line_start = 0;
        for _ in 0..position.line {
            match text[line_start..].find('\n') {
                Some(i) => line_start += i + 1,
                None => return text.len(),
            }
        }
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let mut units = 0;
        for (i, c) in text[line_start..line_end].char_indices() {
            let width = self.width(c);
            if units + width > position.character {
                return line_start + i;
            }
            units += width;
        }
        line_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // "é" is 2 bytes, 1 UTF-16 unit; "😀" (U+1F600) is 4 bytes, 2 UTF-16 units, 1 character.
    const TEXT: &str = "a: x\r\nURL=\"é😀http://localhost\"\n\n😀";

    fn each(encoding: Encoding, cases: &[(&str, u32, u32)]) {
        for &(needle, line, character) in cases {
            let offset = TEXT.find(needle).unwrap();
            let position = Position::new(line, character);
            assert_eq!(
                encoding.position(TEXT, offset),
                position,
                "{encoding:?} {needle}"
            );
            assert_eq!(
                encoding.offset(TEXT, position),
                offset,
                "{encoding:?} {needle}"
            );
        }
    }

    #[test]
    fn positions_count_the_negotiated_units() {
        each(
            Encoding::Utf16,
            &[
                ("x", 0, 3),
                ("\r", 0, 4),
                ("é", 1, 5),
                ("😀h", 1, 6),
                ("http", 1, 8),
            ],
        );
        each(
            Encoding::Utf8,
            &[("x", 0, 3), ("é", 1, 5), ("😀h", 1, 7), ("http", 1, 11)],
        );
        each(
            Encoding::Utf32,
            &[("x", 0, 3), ("é", 1, 5), ("😀h", 1, 6), ("http", 1, 7)],
        );
        // The last line, and the end of the text.
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let last = TEXT.rfind('😀').unwrap();
            assert_eq!(encoding.position(TEXT, last), Position::new(3, 0));
            assert_eq!(
                encoding.offset(TEXT, encoding.position(TEXT, TEXT.len())),
                TEXT.len()
            );
        }
    }

    #[test]
    fn the_line_index_finds_the_same_positions() {
        let file = SourceFile::new(crate::source::FileId(0), "/p/x".into(), TEXT.to_string());
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for offset in 0..=TEXT.len() + 1 {
                assert_eq!(
                    encoding.position_in(&file, offset),
                    encoding.position(TEXT, offset),
                    "{encoding:?} {offset}"
                );
            }
        }
    }

    #[test]
    fn positions_outside_the_text_are_clamped() {
        let e = Encoding::Utf16;
        assert_eq!(e.offset(TEXT, Position::new(9, 0)), TEXT.len());
        // Past the end of a line: its end, before the line break.
        assert_eq!(
            e.offset(TEXT, Position::new(2, 7)),
            TEXT.find("\n\n").unwrap() + 1
        );
        // Inside the surrogate pair of 😀: the character's start.
        let emoji = TEXT.find('😀').unwrap();
        assert_eq!(e.offset(TEXT, Position::new(1, 7)), emoji);
        // A byte offset inside a character: that character's start.
        assert_eq!(e.position(TEXT, emoji + 1), Position::new(1, 6));
    }

    #[test]
    fn the_client_s_first_known_encoding_is_chosen() {
        let utf8 = PositionEncodingKind::UTF8;
        let odd = PositionEncodingKind::new("utf-7");
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(std::slice::from_ref(&odd))),
            Encoding::Utf16
        );
        assert_eq!(
            Encoding::negotiate(Some(&[odd, utf8, PositionEncodingKind::UTF16])),
            Encoding::Utf8
        );
    }
}
