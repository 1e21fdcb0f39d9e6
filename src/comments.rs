//! Where a file's comments are, as the parser that read it found them.
//!
//! A parser knows which bytes of a file are content (keys, values, scalars); a `#` outside
//! all of them starts a comment, which runs to its line end. The loader records, for each
//! file it parses, what [`CommentFinder`] saw (see [`crate::source::Sources::record`]), so a
//! pass that reads comments (suppression directives) never parses a file again nor guesses
//! which syntax it is written in.

use std::ops::Range;

/// The comments of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Comments {
    /// Not known: no parser that knows comments read the file, or it did not parse, so a `#`
    /// in it may be inside a value.
    #[default]
    Unknown,
    /// The byte offset of each comment's `#`, in file order.
    At(Vec<usize>),
    /// A script's or Markdown document's: where each comment starts (a shell comment's `#`,
    /// an HTML comment's `<!--`), in file order, and what a directive covers whole: the
    /// command lines (the commands the shell reads as one line, continuations included; see
    /// [`crate::commands::words::Reading::lines`]) and the fenced shell blocks (fence lines
    /// included).
    ///
    /// A Markdown document is read by several projects (its commands, each compose block):
    /// `elsewhere` are the fenced blocks another of them reads, whose HTML directives are
    /// that project's.
    InCommands {
        starts: Vec<usize>,
        command_lines: Vec<Range<usize>>,
        blocks: Vec<Range<usize>>,
        elsewhere: Vec<Range<usize>>,
    },
}

impl Comments {
    /// Where each comment starts, when they are known.
    pub fn starts(&self) -> Option<&[usize]> {
        match self {
            Comments::Unknown => None,
            Comments::At(starts) | Comments::InCommands { starts, .. } => Some(starts),
        }
    }

    /// The command lines a `#` directive covers whole (none in compose and env files, where
    /// a directive covers one line).
    pub fn command_lines(&self) -> &[Range<usize>] {
        match self {
            Comments::InCommands { command_lines, .. } => command_lines,
            _ => &[],
        }
    }

    /// The fenced blocks an HTML directive before them covers whole.
    pub fn blocks(&self) -> &[Range<usize>] {
        match self {
            Comments::InCommands { blocks, .. } => blocks,
            _ => &[],
        }
    }

    /// The fenced blocks another project of the document reads.
    pub fn elsewhere(&self) -> &[Range<usize>] {
        match self {
            Comments::InCommands { elsewhere, .. } => elsewhere,
            _ => &[],
        }
    }
}

/// Where the comment starting at `start` ends: a `#` comment at its line end, a `\r` before
/// the `\n` left out; an HTML comment (`<!--`) after its `-->`, or at the end of the text.
pub fn comment_end(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or("");
    if rest.starts_with("<!--") {
        // `<!-->` and `<!--->` are whole comments (CommonMark 0.31 §6.6).
        return rest
            .get(2..)
            .and_then(|r| r.find("-->"))
            .map_or(text.len(), |n| start + 2 + n + 3);
    }
    let mut end = rest.find('\n').map_or(text.len(), |n| start + n);
    if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    end
}

/// Whether a comment preceded on its line by `before` stands alone there: only blanks (or a
/// BOM) before its `#`.
pub fn alone_on_line(before: &str) -> bool {
    before
        .trim_start_matches([' ', '\t', '\u{feff}'])
        .is_empty()
}

/// Finds the comments of a text from the content its parser read, handed over in file order.
#[derive(Debug)]
pub struct CommentFinder<'a> {
    text: &'a str,
    /// YAML's rule: a `#` starts a comment only at a line start or after a space or tab
    /// (elsewhere it belongs to a tag, an anchor or an alias). In an env file any `#` outside content
    /// does.
    after_blank: bool,
    /// Everything before this offset is content or was searched already.
    from: usize,
    /// The start of the line holding `line_known`.
    line_start: usize,
    /// Line breaks before this offset are accounted for in `line_start`.
    line_known: usize,
    starts: Vec<usize>,
}

impl<'a> CommentFinder<'a> {
    pub fn new(text: &'a str, after_blank: bool) -> Self {
        CommentFinder {
            text,
            after_blank,
            from: 0,
            line_start: 0,
            line_known: 0,
            starts: Vec::new(),
        }
    }

    /// Content from `start` to `end`: comments are looked for before it, never inside. Ranges
    /// may repeat or nest; what an earlier range or comment covered stays covered.
    pub fn content(&mut self, start: usize, end: usize) {
        self.search(start);
        self.from = self.from.max(end);
    }

    /// The comment starts, once the rest of the text is searched too.
    pub fn finish(mut self) -> Vec<usize> {
        self.search(self.text.len());
        self.starts.shrink_to_fit();
        self.starts
    }

    /// Records each comment from `from` up to `to`.
    fn search(&mut self, to: usize) {
        let bytes = self.text.as_bytes();
        let to = to.min(bytes.len());
        let mut i = self.from;
        while i < to {
            let Some(at) = bytes
                .get(i..to)
                .and_then(|b| b.iter().position(|&c| c == b'#'))
                .map(|n| i + n)
            else {
                break;
            };
            let before = self.line_before(at);
            if self.after_blank && !alone_on_line(before) && !before.ends_with([' ', '\t']) {
                i = at + 1;
                continue;
            }
            self.starts.push(at);
            i = comment_end(self.text, at);
        }
        self.from = self.from.max(i).max(to);
    }

    /// The text from the start of `at`'s line to `at`; each line break is looked at once.
    fn line_before(&mut self, at: usize) -> &'a str {
        let text = self.text;
        if let Some(n) = text
            .get(self.line_known..at)
            .and_then(|seen| seen.rfind('\n'))
        {
            self.line_start = self.line_known + n + 1;
        }
        self.line_known = at;
        text.get(self.line_start..at).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<'a>(text: &'a str, after_blank: bool, content: &[(usize, usize)]) -> Vec<&'a str> {
        let mut finder = CommentFinder::new(text, after_blank);
        for &(start, end) in content {
            finder.content(start, end);
        }
        finder
            .finish()
            .into_iter()
            .map(|at| text[at..].lines().next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn a_hash_outside_content_starts_a_comment_that_runs_to_the_line_end() {
        let text = "a: 'x # no' # yes # same\n# own\n";
        assert_eq!(
            found(text, true, &[(0, 1), (3, 11)]),
            ["# yes # same", "# own"]
        );
    }

    #[test]
    fn yaml_wants_a_blank_or_a_line_start_before_the_hash() {
        let text = "a: &x#y 1\n\u{feff}#bom\n";
        assert_eq!(found(text, true, &[(0, 1), (8, 9)]), ["#bom"]);
        assert_eq!(found(text, false, &[(0, 1), (8, 9)]), ["#y 1", "#bom"]);
    }

    #[test]
    fn nested_and_repeated_ranges_stay_covered() {
        let text = "{a: 1 #x, b: 2}\n";
        assert!(found(text, true, &[(0, 15), (1, 2), (4, 5)]).is_empty());
    }
}
