//! Turns yaml-rust2 markers into byte offsets of the file.
//!
//! yaml-rust2's `Marker::index` is not usable: it counts characters, except that inside block
//! scalars it adds the *byte* length of content lines, so it drifts after any non-ASCII
//! `|`/`>` block. Its line and column (characters from the line start) stay right, so this
//! works from those. Lines break at `\n`, `\r\n` and a lone `\r`, as the scanner counts them.

use yaml_rust2::scanner::Marker;

pub(super) struct Locator<'a> {
    bytes: &'a [u8],
    /// Absolute byte offset of every line start of the parser's input.
    line_starts: Vec<usize>,
    /// Recent answers as (line, column, byte), newest first. Markers mostly come in order,
    /// so the next one is found by walking forward from one of these; yaml-rust2 marks a
    /// mapping after its first key, so one step back must be cheap too.
    recent: [(usize, usize, usize); 4],
}

impl<'a> Locator<'a> {
    /// `src` is the text up to where the parser's input ends; the input starts at `base`.
    pub(super) fn new(src: &'a str, base: usize) -> Self {
        let bytes = src.as_bytes();
        let base = base.min(bytes.len());
        let mut line_starts = vec![base];
        let mut i = base;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    i += 1;
                    line_starts.push(i);
                }
                b'\r' => {
                    i += if bytes.get(i + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    line_starts.push(i);
                }
                _ => i += 1,
            }
        }
        Locator {
            bytes,
            line_starts,
            recent: [(0, 0, base); 4],
        }
    }

    /// The byte offset a marker points at, clamped to the text.
    pub(super) fn pos(&mut self, mark: &Marker) -> usize {
        let line = mark.line().saturating_sub(1);
        let Some(&line_start) = self.line_starts.get(line) else {
            return self.bytes.len();
        };
        let col = mark.col();
        let (mut c, mut byte) = self
            .recent
            .iter()
            .filter(|&&(l, c, _)| l == line && c <= col)
            .map(|&(_, c, b)| (c, b))
            .max()
            .unwrap_or((0, line_start));
        let end = self.line_end(line);
        while c < col && byte < end {
            byte = (byte + utf8_len(self.bytes[byte])).min(end);
            c += 1;
        }
        self.recent.rotate_right(1);
        self.recent[0] = (line, c, byte);
        byte
    }

    /// The byte offset where a marker's line starts.
    pub(super) fn line_start(&self, mark: &Marker) -> usize {
        self.line_starts
            .get(mark.line().saturating_sub(1))
            .copied()
            .unwrap_or(self.bytes.len())
    }

    /// The 1-based line of a byte offset.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).max(1)
    }

    /// End of a 0-based line's content, before its line break.
    fn line_end(&self, line: usize) -> usize {
        let Some(&next) = self.line_starts.get(line + 1) else {
            return self.bytes.len();
        };
        let mut end = next;
        if end > 0 && self.bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > 0 && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        end
    }
}

/// Length of the UTF-8 sequence starting with byte `b`.
pub(super) fn utf8_len(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yaml_rust2::parser::Parser;

    /// Every scalar's marker lands on the scalar's first byte, also after a non-ASCII block
    /// scalar (where `Marker::index` drifts) and with CR-only line breaks.
    #[test]
    fn markers_map_to_bytes() {
        let text = "# café\nlit: |\n  ñañañ\n  €\nafter: välue\rcr: x\r\nz: ü\n";
        let mut loc = Locator::new(text, 0);
        let mut parser = Parser::new_from_str(text);
        let mut starts = Vec::new();
        while let Ok((ev, mark)) = parser.next_token() {
            match ev {
                yaml_rust2::Event::StreamEnd => break,
                yaml_rust2::Event::Scalar(v, ..) => starts.push((v, loc.pos(&mark))),
                _ => {}
            }
        }
        let expect = ["lit", "ñañañ", "after", "välue", "cr", "x", "z", "ü"];
        assert_eq!(starts.len(), expect.len());
        for ((value, at), want) in starts.iter().zip(expect) {
            assert!(text[*at..].starts_with(want), "{value:?} at {at}");
        }
        assert_eq!(loc.line_of(0), 1);
        assert_eq!(loc.line_of(text.find("after").unwrap()), 5);
        assert_eq!(loc.line_of(text.find("cr").unwrap()), 6);
    }
}
