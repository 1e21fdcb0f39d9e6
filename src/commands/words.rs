//! What the command readers share: the commands they give ([`Command`]), the text they read
//! ([`Input`]: a file's own bytes, or text made from them before the shell reads it, such as
//! make's expansion of a recipe line), and the cursor they read it with, which builds every
//! word as a [`Text`] that keeps where each of its bytes came from.
//!
//! A word's characters written as themselves are exact pieces of the file, so a rule can
//! point at, and a fix can edit, the host inside `-e OLLAMA_BASE_URL="http://localhost:11434"`;
//! an escape or a doubled quote is an inexact piece standing for the bytes it was read from.
//!
//! The readers are written by hand rather than with parser crates: the parsers for bash
//! (brush-parser, yash-syntax, conch-parser) give a word's span with its quotes still in it,
//! and the mapping from each unquoted character back to its byte is exactly what the fixes
//! need. Each reader understands what `docker run` lines in scripts and docs use, and no more:
//! [`posix`](super::posix) (sh, bash, zsh, and Makefile recipes once [`make`](super::make) has
//! expanded them), [`powershell`](super::powershell) and [`cmd`](super::cmd).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use crate::net::Platform;
use crate::source::{FileId, Span};
use crate::text::{Origin, Text};

use super::{cmd, posix, powershell};

/// One command: its words, the bytes from its first word to its last (continuations
/// included), how and for which shell it is written, and the environment it runs in.
#[derive(Clone, Debug)]
pub struct Command {
    pub words: Vec<Text>,
    /// Each word's bytes as written (quotes included).
    pub word_spans: Vec<Span>,
    pub span: Span,
    pub shell: Shell,
    pub layout: Layout,
    /// The variables the text exported before the command, with their values: what a program
    /// the command starts (docker) finds in its environment, as far as the text says.
    pub exported: Arc<HashMap<String, Text>>,
    /// The platform the text says the command runs on (a Markdown section's title), if any.
    pub platform: Option<Platform>,
    /// In a Markdown document, the sections the command stands in: where each heading above
    /// it starts, the outermost first.
    pub sections: Arc<Vec<usize>>,
}

impl Command {
    /// The command of `words` (each written at its span), if it has any, written for `shell`
    /// laid out as `layout`, run with what `vars` exported.
    pub(super) fn new(
        words: Vec<Text>,
        word_spans: Vec<Span>,
        shell: Shell,
        layout: Layout,
        vars: &Variables,
    ) -> Option<Command> {
        let (first, last) = (word_spans.first()?, word_spans.last()?);
        let span = if first.file == last.file && first.start <= last.end {
            Span::new(first.file, first.start, last.end)
        } else {
            *first
        };
        Some(Command {
            words,
            word_spans,
            span,
            shell,
            layout,
            exported: Arc::clone(&vars.exported),
            platform: None,
            sections: Arc::default(),
        })
    }
}

/// How the text is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Every line is a command (a script, a `sh`/`powershell`/`cmd` block).
    Script,
    /// A terminal session: commands follow a prompt (`$ `, `PS C:\> `, `C:\>`), every other
    /// line is output (a `console`/`shell-session` block).
    Console,
    /// A Makefile's recipe line, as make expanded it: each runs in a shell of its own, and a
    /// line written in the file starts with a tab.
    Recipe,
}

/// The shell a text is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shell {
    /// sh, bash, zsh (and make's recipes, once make has expanded them).
    Posix,
    PowerShell,
    /// cmd.exe: batch files and the Windows command prompt.
    Cmd,
}

impl Shell {
    /// Whether the shell is Windows' own: its commands run on Docker Desktop for Windows.
    pub fn is_windows(self) -> bool {
        matches!(self, Shell::PowerShell | Shell::Cmd)
    }

    /// The length of this shell's prompt at the start of `line`, if it starts with one.
    pub fn prompt_len(self, line: &str) -> Option<usize> {
        match self {
            Shell::Posix => posix::prompt_len(line),
            Shell::PowerShell => powershell::prompt_len(line),
            Shell::Cmd => cmd::prompt_len(line),
        }
    }
}

/// What a shell knows when a command runs: the variables the text assigned, by name (as each
/// shell spells it), each value keeping the provenance of the assignment, and which of them
/// are exported (the environment of the programs it starts).
#[derive(Clone, Debug, Default)]
pub struct Variables {
    vars: HashMap<String, Text>,
    /// Shared by the commands read while it stays the same.
    exported: Arc<HashMap<String, Text>>,
    /// Names exported before they had a value (`export X`, then `X=1`).
    marked: HashSet<String>,
}

impl Variables {
    pub fn new() -> Variables {
        Variables::default()
    }

    /// The value of variable `name`.
    pub fn get(&self, name: &str) -> Option<&Text> {
        self.vars.get(name)
    }

    /// `NAME=value`: a variable that is already exported stays exported, with the new value
    /// (POSIX `export`: the export attribute stays with the name).
    pub(super) fn assign(&mut self, name: String, value: Text) {
        if self.exported.contains_key(&name) || self.marked.contains(&name) {
            Arc::make_mut(&mut self.exported).insert(name.clone(), value.clone());
        }
        self.vars.insert(name, value);
    }

    /// `unset NAME`, or a value the reader cannot know.
    pub(super) fn unset(&mut self, name: &str) {
        self.vars.remove(name);
        self.marked.remove(name);
        if self.exported.contains_key(name) {
            Arc::make_mut(&mut self.exported).remove(name);
        }
    }

    /// `export NAME=value`, or `export NAME`: the value assigned earlier, or the one assigned
    /// later, is exported. PowerShell's `$env:NAME = …` and cmd's `set NAME=…` set the
    /// process environment itself: exported too.
    pub(super) fn export(&mut self, name: String, value: Option<Text>) {
        if let Some(value) = value {
            self.vars.insert(name.clone(), value);
        }
        match self.vars.get(&name) {
            Some(value) => {
                Arc::make_mut(&mut self.exported).insert(name, value.clone());
            }
            None => {
                self.marked.insert(name);
            }
        }
    }

    /// The names of the environment variables the text exported, as kept (uppercase for
    /// the Windows shells').
    pub(super) fn environment_names(&self) -> Vec<String> {
        self.exported.keys().cloned().collect()
    }

    /// A variable of the process environment itself, which every program the shell starts
    /// inherits (PowerShell's `$env:NAME`, cmd's `set NAME=…`): `key` as the shell looks it up,
    /// `name` in the environment, uppercase (Windows reads environment names in any case);
    /// None removes it.
    pub(super) fn set_environment(&mut self, key: String, name: &str, value: Option<Text>) {
        let name = name.to_ascii_uppercase();
        let exported = Arc::make_mut(&mut self.exported);
        match value {
            Some(value) => {
                exported.insert(name, value.clone());
                self.vars.insert(key, value);
            }
            None => {
                exported.remove(&name);
                self.vars.remove(&key);
            }
        }
    }
}

/// What a reader found in a region: its commands, in order; where each comment starts (in
/// the file: the offset of its `#`, or of cmd's `REM` or `::`; a comment runs to its line
/// end); and the command lines: the commands the shell reads as one line (joined by `;`,
/// `&&`, `||`, `|`, `&` or a continuation), from the first byte of the first word to the
/// last byte of the last.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    pub commands: Vec<Command>,
    pub comments: Vec<usize>,
    pub lines: Vec<Range<usize>>,
}

/// The commands of `region` of `src` (the bytes of file `file`), read as `shell` reads them,
/// in order. Variables assigned earlier in the region are expanded; `vars` carries them from
/// one region to the next (a Markdown document's blocks of one shell run in one session, as
/// a reader follows them).
pub fn commands(
    file: FileId,
    src: &str,
    region: Range<usize>,
    shell: Shell,
    layout: Layout,
    vars: &mut Variables,
) -> Vec<Command> {
    reading(file, src, region, shell, layout, vars).commands
}

/// [`commands`], with the comments and command lines.
pub fn reading(
    file: FileId,
    src: &str,
    region: Range<usize>,
    shell: Shell,
    layout: Layout,
    vars: &mut Variables,
) -> Reading {
    if src.get(region.clone()).is_none() {
        return Reading::default();
    }
    let input = Input::File { file, src };
    match shell {
        Shell::Posix => read(input, region, layout, vars, shell, posix::Posix::default()),
        Shell::PowerShell => read(
            input,
            region,
            layout,
            vars,
            shell,
            powershell::PowerShell::default(),
        ),
        Shell::Cmd => read(input, region, layout, vars, shell, cmd::Cmd::new(file, src)),
    }
}

/// A reader of one shell's text: where it is in the text, the variables the text assigned,
/// how the text is laid out, and what the shell's own reader keeps besides (`S`, which names
/// the shell: the shell's module implements [`ReadCommand`] for its reader).
pub(super) struct Reader<'a, 'v, S> {
    pub cur: Cursor<'a>,
    pub vars: &'v mut Variables,
    pub layout: Layout,
    pub kind: Shell,
    pub shell: S,
    /// Where each comment read so far starts, in the input.
    pub comments: Vec<usize>,
}

/// How a shell reads its commands.
pub(super) trait ReadCommand {
    /// Reads the command that starts at the cursor (cmd: the commands of the line); true when
    /// it ended at the end of its line (or of the text).
    fn command(&mut self, out: &mut Vec<Command>) -> bool;
}

impl<S> Reader<'_, '_, S> {
    /// The command of `words` as this reader reads it now: its shell, its layout and what the
    /// text exported so far.
    pub(super) fn emit(&self, words: Vec<Text>, spans: Vec<Span>) -> Option<Command> {
        Command::new(words, spans, self.kind, self.layout, self.vars)
    }

    /// Records that a comment starts at the cursor.
    pub(super) fn comment_here(&mut self) {
        self.comments.push(self.cur.at);
    }
}

impl<S> Reader<'_, '_, S>
where
    Self: ReadCommand,
{
    /// Reads the command that starts at the cursor, and the others up to the end of its line
    /// (and of the lines it continues onto).
    /// Returns the command line read: from the first byte of its first command to the last
    /// of its last, if it holds any.
    fn line(&mut self, out: &mut Vec<Command>) -> Option<Range<usize>> {
        let first = out.len();
        loop {
            let before = self.cur.at;
            let ended_line = self.command(out);
            if ended_line || self.cur.at >= self.cur.end || self.cur.at == before {
                break;
            }
        }
        let (start, end) = (out.get(first)?, out.last()?);
        (start.span.file == end.span.file && start.span.start <= end.span.end)
            .then_some(start.span.start..end.span.end)
    }
}

/// Reads every command of `region` of `input` as `shell` does, with its reader's `state`:
/// every line of a script, or in a terminal session the lines after a prompt.
pub(super) fn read<'a, S>(
    input: Input<'a>,
    region: Range<usize>,
    layout: Layout,
    vars: &mut Variables,
    shell: Shell,
    state: S,
) -> Reading
where
    for<'v> Reader<'a, 'v, S>: ReadCommand,
{
    let (start, end, text) = (region.start, region.end, input.as_str());
    let mut reader = Reader {
        cur: Cursor::new(input, region),
        vars,
        layout,
        kind: shell,
        shell: state,
        comments: Vec::new(),
    };
    let mut out = Vec::new();
    let mut lines = Vec::new();
    match layout {
        Layout::Script | Layout::Recipe => loop {
            let before = reader.cur.at;
            if before >= end {
                break;
            }
            lines.extend(reader.line(&mut out));
            if reader.cur.at == before {
                reader.cur.bump();
            }
        },
        Layout::Console => {
            let mut line_start = start;
            while line_start < end {
                let line_end = line_end(text, line_start, end);
                match shell.prompt_len(&text[line_start..line_end]) {
                    Some(prompt) => {
                        // The command runs from after the prompt to the end of its line and
                        // the lines it continues onto.
                        reader.cur.at = line_start + prompt;
                        lines.extend(reader.line(&mut out));
                        line_start = reader.cur.at.max(line_end);
                    }
                    None => line_start = line_end,
                }
            }
        }
    }
    // Where each comment is written in the file.
    let comments = reader
        .comments
        .iter()
        .map(|&at| input.span(at..at + 1).start)
        .collect();
    Reading {
        commands: out,
        comments,
        lines,
    }
}

/// The end of the line at `at` (after its newline), at most `end`.
pub(super) fn line_end(src: &str, at: usize, end: usize) -> usize {
    src[at..end].find('\n').map_or(end, |i| at + i + 1)
}

/// What a reader reads: text, and where each of its bytes came from.
#[derive(Clone, Copy, Debug)]
pub(super) enum Input<'a> {
    /// A file's own text: byte `i` is byte `i` of the file.
    File { file: FileId, src: &'a str },
    /// Text made from a file's bytes before the shell reads it: make's expansion of a recipe
    /// line, cmd's expansion of `%VAR%`.
    Made { file: FileId, made: &'a Made },
}

impl<'a> Input<'a> {
    pub(super) fn as_str(&self) -> &'a str {
        match self {
            Input::File { src, .. } => src,
            Input::Made { made, .. } => &made.text.value,
        }
    }

    /// Appends the input's bytes `range` to `word`, with the origins they have.
    fn copy_to(&self, word: &mut Text, range: Range<usize>) {
        match self {
            Input::File { file, src } => {
                if let Some(s) = src.get(range.clone()) {
                    word.push_str(
                        s,
                        Origin::File {
                            span: Span::new(*file, range.start, range.end),
                            exact: true,
                        },
                    );
                }
            }
            Input::Made { made, .. } => word.push_slice(&made.text, range),
        }
    }

    /// Appends `value`, which stands for the input's bytes `range` without being them (an
    /// escape, a doubled quote).
    fn stand_in(&self, word: &mut Text, value: &str, range: Range<usize>) {
        let origin = Origin::File {
            span: self.span(range),
            exact: false,
        };
        word.push_str(value, origin);
    }

    /// The bytes of the file where the input's `range` is written (for made text: the
    /// reference `$(VAR)`, not the value it expands to).
    pub(super) fn span(&self, range: Range<usize>) -> Span {
        match self {
            Input::File { file, .. } => Span::new(*file, range.start, range.end),
            Input::Made { file, made } => {
                // An empty range is where the text would be: before the byte it stops at.
                let last = made.written.value.len();
                let spans = made
                    .written
                    .spans(range.start..range.end.max(range.start + 1).min(last));
                match (spans.first(), spans.last()) {
                    (Some(a), _) if range.is_empty() => Span::new(a.file, a.start, a.start),
                    (Some(a), Some(b)) if a.file == b.file && a.start <= b.end => {
                        Span::new(a.file, a.start, b.end)
                    }
                    (Some(a), _) => *a,
                    _ => Span::new(*file, 0, 0),
                }
            }
        }
    }
}

/// Text a program (make, cmd) makes from a file's bytes before the shell reads it, kept
/// twice with the same value: `text` with the origin of each byte's value (a variable's value
/// comes from its assignment), `written` with where each byte is written in the file (a
/// variable's value stands in for the reference `$(VAR)`).
#[derive(Clone, Debug, Default)]
pub(super) struct Made {
    pub text: Text,
    pub written: Text,
}

impl Made {
    /// Appends bytes `range` of `src` (file `file`) as themselves.
    pub(super) fn copy(&mut self, file: FileId, src: &str, range: Range<usize>) {
        let Some(s) = src.get(range.clone()) else {
            return;
        };
        let origin = Origin::File {
            span: Span::new(file, range.start, range.end),
            exact: true,
        };
        self.text.push_str(s, origin.clone());
        self.written.push_str(s, origin);
    }

    /// Appends bytes `range` of `other`, with their origins.
    pub(super) fn push_from(&mut self, other: &Made, range: Range<usize>) {
        self.text.push_slice(&other.text, range.clone());
        self.written.push_slice(&other.written, range);
    }

    /// Appends `value` where `reference` (bytes of the file) is written: a variable's value in
    /// place of its reference, a character in place of its escape.
    pub(super) fn expand(&mut self, value: &Text, reference: Span) {
        self.text.push_text(value);
        self.written.push_str(
            &value.value,
            Origin::File {
                span: reference,
                exact: false,
            },
        );
    }
}

/// A position in an [`Input`], up to the end of the region read, and the building of words
/// from what it passes.
pub(super) struct Cursor<'a> {
    pub input: Input<'a>,
    pub at: usize,
    pub end: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(input: Input<'a>, region: Range<usize>) -> Cursor<'a> {
        Cursor {
            input,
            at: region.start,
            end: region.end,
        }
    }

    /// What is left of the region.
    pub(super) fn rest(&self) -> &'a str {
        self.input
            .as_str()
            .get(self.at..self.end)
            .unwrap_or_default()
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(super) fn peek_at(&self, offset: usize) -> Option<char> {
        self.input
            .as_str()
            .get(self.at + offset..self.end)?
            .chars()
            .next()
    }

    /// Passes one character.
    pub(super) fn bump(&mut self) {
        self.at += self.peek().map_or(1, char::len_utf8);
    }

    /// The end of the current line (after its newline).
    pub(super) fn line_end(&self) -> usize {
        line_end(self.input.as_str(), self.at, self.end)
    }

    /// The length of a newline here (`\n` or `\r\n`).
    pub(super) fn newline_len(&self, offset: usize) -> Option<usize> {
        match (self.peek_at(offset), self.peek_at(offset + 1)) {
            (Some('\n'), _) => Some(1),
            (Some('\r'), Some('\n')) => Some(2),
            _ => None,
        }
    }

    pub(super) fn span(&self, start: usize, end: usize) -> Span {
        self.input.span(start..end)
    }

    /// Appends bytes `start..end` as themselves.
    pub(super) fn copy(&self, word: &mut Text, start: usize, end: usize) {
        self.input.copy_to(word, start..end);
    }

    /// Passes one character and appends it as itself.
    pub(super) fn take(&mut self, word: &mut Text) {
        let start = self.at;
        self.bump();
        self.copy(word, start, self.at);
    }

    /// Appends `value` for the bytes `start..end` (an escape, a doubled quote).
    pub(super) fn stand_in(&self, word: &mut Text, value: &str, start: usize, end: usize) {
        self.input.stand_in(word, value, start..end);
    }

    /// Passes an escape character and the character after it, and appends that character
    /// (or `value` of it) standing for both.
    pub(super) fn escaped(&mut self, word: &mut Text, value: impl Fn(char) -> Option<char>) {
        let start = self.at;
        self.bump();
        let Some(c) = self.peek() else { return };
        self.bump();
        let c = value(c).unwrap_or(c);
        self.stand_in(word, c.encode_utf8(&mut [0; 4]), start, self.at);
    }

    /// The word of the text as written from `start` to here, for a construct no reader
    /// evaluates (a command substitution, an unknown variable).
    pub(super) fn as_written(&self, word: &mut Text, start: usize) {
        self.copy(word, start, self.at);
    }
}

/// The length of a docs placeholder at the start of `rest` (`<POSTGRES_HOST>`,
/// `<your-server-ip>`, `<container>`): `<`, a name with no blank, `>`, and no redirection
/// after it. Docs write these for the reader to fill in; the shell would take them for
/// redirections, but no script writes `<file>` against its neighbours. Kept as text, they are
/// values nothing resolves.
pub(super) fn placeholder_len(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix('<')?;
    let close = inner.find('>')?;
    let name = &inner[..close];
    let named = name.chars().any(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/'));
    let after = inner[close + 1..].chars().next();
    (named && !matches!(after, Some('>' | '&' | '|'))).then_some(close + 2)
}

/// Whether `s` is a variable name: a letter or `_`, then letters, digits and `_`.
pub(super) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The index of the `close` closing the `open` that `s` starts with.
pub(super) fn matching(s: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The commands `shell` reads in script `src`.
    pub fn read_all(src: &str, shell: Shell) -> Vec<Command> {
        let mut vars = Variables::new();
        commands(
            FileId(0),
            src,
            0..src.len(),
            shell,
            Layout::Script,
            &mut vars,
        )
    }

    /// The words of each command `shell` reads in `src`.
    pub fn words(src: &str, shell: Shell, layout: Layout) -> Vec<Vec<String>> {
        let mut vars = Variables::new();
        commands(FileId(0), src, 0..src.len(), shell, layout, &mut vars)
            .into_iter()
            .map(|c| c.words.into_iter().map(|w| w.value).collect())
            .collect()
    }

    /// What command `c` finds exported, as `NAME=value`, sorted.
    pub fn exported(c: &Command) -> Vec<String> {
        let mut env: Vec<String> = c
            .exported
            .iter()
            .map(|(k, v)| format!("{k}={}", v.value))
            .collect();
        env.sort();
        env
    }

    /// Words written one after the other, split at `|`.
    pub fn split(words: &str) -> Vec<String> {
        words.split('|').map(String::from).collect()
    }

    /// Checks that `shell` reads the terminal session `src` as the two commands every
    /// session test writes: `docker run -d --name ollama ollama/ollama` continued over two
    /// lines, then `docker ps`, with output lines between and after.
    pub fn assert_reads_session(src: &str, shell: Shell) {
        assert_eq!(
            words(src, shell, Layout::Console),
            vec![
                split("docker|run|-d|--name|ollama|ollama/ollama"),
                split("docker|ps")
            ]
        );
    }

    /// The bytes of `src` that `part` of word `word` of the first command was read from,
    /// when one exact piece holds them.
    pub fn source_of(src: &str, shell: Shell, word: usize, part: &str) -> Option<String> {
        let c = read_all(src, shell).into_iter().next()?;
        let w = c.words.get(word)?;
        let at = w.value.find(part)?;
        let span = w.exact_span(at..at + part.len())?;
        Some(src[span.start..span.end].to_string())
    }

    #[test]
    fn made_text_points_at_the_reference_and_its_value_at_the_assignment() {
        let src = "URL = http://localhost:11434\n\tcurl $(URL)/api\n";
        let file = FileId(0);
        let mut made = Made::default();
        let value = Text::from_file("http://localhost:11434", Span::new(file, 6, 28), true);
        made.copy(file, src, 30..35);
        made.expand(&value, Span::new(file, 35, 41));
        made.copy(file, src, 41..45);
        let input = Input::Made { file, made: &made };
        assert_eq!(input.as_str(), "curl http://localhost:11434/api");
        let mut word = Text::default();
        input.copy_to(&mut word, 5..31);
        let host = word.exact_span(7..16).unwrap();
        assert_eq!(&src[host.start..host.end], "localhost");
        let written = input.span(5..31);
        assert_eq!(&src[written.start..written.end], "$(URL)/api");
        assert_eq!(input.span(0..0), Span::new(file, 30, 30));
    }

    #[test]
    fn a_command_spans_its_words() {
        let f = FileId(0);
        let vars = Variables::new();
        let new = |words, spans| Command::new(words, spans, Shell::Posix, Layout::Script, &vars);
        let c = new(
            vec![Text::synthetic("a"), Text::synthetic("b")],
            vec![Span::new(f, 2, 3), Span::new(f, 7, 8)],
        )
        .unwrap();
        assert_eq!(c.span, Span::new(f, 2, 8));
        assert!(new(Vec::new(), Vec::new()).is_none());
    }

    /// The comments (each to its line end) and command lines `shell` reads in `src`.
    fn comments_and_lines(src: &str, shell: Shell, layout: Layout) -> (Vec<&str>, Vec<&str>) {
        let mut vars = Variables::new();
        let reading = reading(FileId(0), src, 0..src.len(), shell, layout, &mut vars);
        let comments = reading
            .comments
            .iter()
            .map(|&at| src[at..].lines().next().unwrap_or(""))
            .collect();
        let lines = reading.lines.iter().map(|r| &src[r.clone()]).collect();
        (comments, lines)
    }

    #[test]
    fn comments_start_at_a_word_outside_quotes() {
        let src = "# top\ndocker run a#b \"#\" '#' \\# img # end\n$ not a prompt # in a script\n";
        let (comments, _) = comments_and_lines(src, Shell::Posix, Layout::Script);
        assert_eq!(comments, ["# top", "# end", "# in a script"]);
        assert_eq!(read_all(src, Shell::Posix)[0].words[2].value, "a#b");

        // In a session, lines without a prompt are output, and `# ` at a line's start is a
        // root prompt: what follows it is a command, which may end in a comment.
        let session = "$ docker ps # list\noutput # not read\n# docker ps\n# output # more\n";
        let (comments, _) = comments_and_lines(session, Shell::Posix, Layout::Console);
        assert_eq!(comments, ["# list", "# more"]);

        let ps = "# top\ndocker run `\n  -e A='#' img # end\n";
        let (comments, _) = comments_and_lines(ps, Shell::PowerShell, Layout::Script);
        assert_eq!(comments, ["# top", "# end"]);

        let cmd = "REM top\n@rem quiet\n:: label-like\ndocker run -e A=#1 img\nremark\n";
        let (comments, _) = comments_and_lines(cmd, Shell::Cmd, Layout::Script);
        assert_eq!(comments, ["REM top", "rem quiet", ":: label-like"]);
    }

    #[test]
    fn a_command_line_is_what_the_shell_reads_as_one_line() {
        let src = "docker network create n && \\\n  docker run \\\n  img\nX=1\na; b # c\n";
        let (_, lines) = comments_and_lines(src, Shell::Posix, Layout::Script);
        assert_eq!(
            lines,
            [
                "docker network create n && \\\n  docker run \\\n  img",
                "a; b"
            ]
        );
        let ps = "docker run `\n  img; docker ps\n";
        let (_, lines) = comments_and_lines(ps, Shell::PowerShell, Layout::Script);
        assert_eq!(lines, ["docker run `\n  img; docker ps"]);
    }
}
