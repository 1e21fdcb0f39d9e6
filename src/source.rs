//! Source files loaded once, and byte spans into them.

use std::path::{Path, PathBuf};

use crate::comments::Comments;

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { file, start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Whether `inner` lies wholly inside this span, in the same file.
    pub fn contains(&self, inner: Span) -> bool {
        inner.file == self.file && self.start <= inner.start && inner.end <= self.end
    }

    /// The sub-span `start..end` counted in bytes from this span's start.
    pub fn sub(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.start + start, self.start + end)
    }
}

/// A 1-based line and a 1-based column counted in Unicode characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// What the loader read a file as, the first time it read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A compose file: one of the project's, or one it includes or extends.
    Compose,
    /// An env file the project's variables come from: `.env`, `--env-file`, an `include`'s
    /// env file, or a template read in place of a missing one.
    ProjectEnv,
    /// A service's `env_file`; `raw` for `format: raw`.
    ServiceEnv { raw: bool },
    /// A build's Dockerfile, read but not parsed.
    Dockerfile,
    /// A YAML file bind-mounted into a service, read for the URLs an app takes from it.
    MountedConfig,
    /// A shell script or Markdown document whose Docker commands were read.
    Commands,
}

/// One file's text, read once; every span into it is a byte range.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
    /// None until the loader records the file (see [`Sources::record`]).
    kind: Option<FileKind>,
    comments: Comments,
}

impl SourceFile {
    pub fn new(id: FileId, path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            id,
            path,
            text,
            line_starts,
            kind: None,
            comments: Comments::Unknown,
        }
    }

    /// What the loader read the file as; None for a file it did not record.
    pub fn kind(&self) -> Option<FileKind> {
        self.kind
    }

    /// The comments the parser that read the file found.
    pub fn comments(&self) -> &Comments {
        &self.comments
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.id, start, end)
    }

    /// The 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count();
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// The byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn slice(&self, span: Span) -> &str {
        debug_assert_eq!(span.file, self.id);
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Converts character indices (as yaml-rust2's markers count them) to byte offsets.
///
/// Walks forward only, so a parse that reports markers in order costs O(n) overall.
#[derive(Debug)]
pub struct CharToByte<'a> {
    text: &'a str,
    char_index: usize,
    byte_index: usize,
}

impl<'a> CharToByte<'a> {
    pub fn new(text: &'a str) -> Self {
        CharToByte {
            text,
            char_index: 0,
            byte_index: 0,
        }
    }

    pub fn byte_offset(&mut self, char_index: usize) -> usize {
        if char_index < self.char_index {
            self.char_index = 0;
            self.byte_index = 0;
        }
        let mut chars = self.text[self.byte_index..].chars();
        while self.char_index < char_index {
            match chars.next() {
                Some(c) => {
                    self.byte_index += c.len_utf8();
                    self.char_index += 1;
                }
                None => break,
            }
        }
        self.byte_index
    }
}

/// Every file read during one run; spans name files by [`FileId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile::new(id, path, text));
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Shows file `id` as `text`, whose comments are `comments`: the text a part of a file
    /// was read from (a Markdown document's compose block, every other byte blanked) gives way
    /// to the file's own, which has the same length and lines, so every span stays where it
    /// was. A text of another length or other lines is refused (false).
    pub fn present_as(&mut self, id: FileId, text: String, comments: Comments) -> bool {
        let Some(file) = self.files.get_mut(id.0 as usize) else {
            return false;
        };
        let same_lines = file.text.len() == text.len()
            && file
                .text
                .bytes()
                .zip(text.bytes())
                .all(|(a, b)| (a == b'\n') == (b == b'\n'));
        if same_lines {
            file.text = text;
            file.comments = comments;
        }
        same_lines
    }

    /// Records what a file was read as and the comments its parser found. The first reading
    /// counts: a file read again (an env file that is also a service's `env_file`, a compose
    /// file included twice) keeps the kind and comments it was first read with.
    pub fn record(&mut self, id: FileId, kind: FileKind, comments: Comments) {
        if let Some(file) = self.files.get_mut(id.0 as usize)
            && file.kind.is_none()
        {
            file.kind = Some(kind);
            file.comments = comments;
        }
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files.iter().find(|f| f.path == path).map(|f| f.id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).slice(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new(FileId(0), "x".into(), "äb\nçd: é\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(2), LineCol { line: 1, column: 2 });
        let e = f.text.find('é').unwrap();
        assert_eq!(f.line_col(e), LineCol { line: 2, column: 5 });
        assert_eq!(f.line_col(f.text.len()), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn char_to_byte_walks_multibyte_text() {
        let text = "añb€c";
        let mut c = CharToByte::new(text);
        assert_eq!(c.byte_offset(0), 0);
        assert_eq!(c.byte_offset(2), 3);
        assert_eq!(c.byte_offset(4), 7);
        assert_eq!(c.byte_offset(1), 1);
        assert_eq!(c.byte_offset(99), text.len());
    }
}
