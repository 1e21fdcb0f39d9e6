//! Splits POSIX shell text (a script, a Makefile recipe, a Markdown `sh`/`console` block) into
//! commands of words, the way the shell would, and keeps where every byte of every word came
//! from: a word's characters written as themselves are exact pieces of the file, so a rule can
//! point at, and a fix can edit, the host inside `-e OLLAMA_BASE_URL="http://localhost:11434"`.
//!
//! Written by hand rather than with a shell parser crate: the parsers for bash (brush-parser,
//! yash-syntax, conch-parser) give a word's span with its quotes still in it, and the mapping
//! from each unquoted character back to its byte is exactly what the fixes need. The reader
//! understands what `docker run` lines in scripts and docs use, and no more: quotes, escapes,
//! line continuations, comments, the separators `;` `&&` `||` `|` `&`, variables assigned
//! earlier in the same text (`X=…`, `export X=…`) expanded where used (`$X`, `${X}`,
//! `${X:-default}`), and console prompts. A word with a command substitution (`$(…)`,
//! backquotes) keeps its text as written.

use std::collections::HashMap;
use std::ops::Range;

use crate::source::{FileId, Span};
use crate::text::{Origin, Text};

/// One command: its words, and the bytes from its first word to its last (continuations
/// included).
#[derive(Clone, Debug)]
pub struct Command {
    pub words: Vec<Text>,
    /// Each word's bytes as written (quotes included).
    pub word_spans: Vec<Span>,
    pub span: Span,
}

/// How the text is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Every line is shell (a script, a `sh`/`bash` block).
    Script,
    /// A terminal session: commands follow a prompt (`$ `, `# `, `% `, `> `), every other
    /// line is output (a `console`/`shell-session` block).
    Console,
}

/// What the reader found in a region: its commands, in order, where each comment starts
/// (the offset of its `#`; a comment runs to its line end), and the command lines: the
/// commands the shell reads as one line (joined by `;`, `&&`, `||`, `|`, `&` or a
/// continuation), from the first byte of the first word to the last byte of the last.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    pub commands: Vec<Command>,
    pub comments: Vec<usize>,
    pub lines: Vec<Range<usize>>,
}

/// The commands of `region` of `src` (the bytes of file `file`), in order. Variables assigned
/// earlier in the region are expanded; `vars` carries them from one region to the next (the
/// blocks of one Markdown document run in one shell, as a reader follows them).
pub fn commands(
    file: FileId,
    src: &str,
    region: Range<usize>,
    layout: Layout,
    vars: &mut HashMap<String, Text>,
) -> Vec<Command> {
    read(file, src, region, layout, vars).commands
}

/// [`commands`], with the comments the shell would skip: a `#` that starts a word, outside
/// quotes, and in a terminal session only on a line with a prompt.
pub fn read(
    file: FileId,
    src: &str,
    region: Range<usize>,
    layout: Layout,
    vars: &mut HashMap<String, Text>,
) -> Reading {
    let mut reading = Reading::default();
    if src.get(region.clone()).is_none() {
        return reading;
    }
    let out = &mut reading.commands;
    let mut reader = Reader {
        file,
        src,
        at: region.start,
        end: region.end,
        vars,
        layout,
        comments: &mut reading.comments,
        lines: &mut reading.lines,
    };
    match layout {
        Layout::Script => reader.run(out),
        Layout::Console => {
            let mut line_start = region.start;
            while line_start < region.end {
                let line_end = text_line_end(src, line_start, region.end);
                match prompt_len(&src[line_start..line_end]) {
                    Some(prompt) => {
                        // The command runs from after the prompt to the end of its line and
                        // the lines it continues onto.
                        reader.at = line_start + prompt;
                        reader.run_one_line(out);
                        line_start = reader.at.max(line_end);
                    }
                    None => line_start = line_end,
                }
            }
        }
    }
    reading
}

fn text_line_end(src: &str, at: usize, end: usize) -> usize {
    src[at..end].find('\n').map_or(end, |i| at + i + 1)
}

/// The length of a console prompt at the start of `line`: `$ `, `# `, `% `, `> `, after an
/// optional `user@host:dir` (no spaces) or a PowerShell `PS C:\dir> `.
pub fn prompt_len(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    if let Some(ps) = rest
        .strip_prefix("PS ")
        .or_else(|| rest.strip_prefix("PS>"))
    {
        let close = ps
            .find("> ")
            .or_else(|| (rest.starts_with("PS>")).then_some(0))?;
        let after = if rest.starts_with("PS>") {
            3
        } else {
            3 + close + 2
        };
        return Some(indent + after + usize::from(rest[after..].starts_with(' ')));
    }
    let word_end = rest.find([' ', '\t', '\n']).unwrap_or(rest.len());
    let word = &rest[..word_end];
    let is_prompt = word
        .chars()
        .last()
        .is_some_and(|c| matches!(c, '$' | '#' | '%' | '>'))
        && rest[word_end..].starts_with(' ');
    is_prompt.then_some(indent + word_end + 1)
}

struct Reader<'a, 'v> {
    file: FileId,
    src: &'a str,
    at: usize,
    end: usize,
    vars: &'v mut HashMap<String, Text>,
    layout: Layout,
    /// Where each comment read so far starts.
    comments: &'v mut Vec<usize>,
    /// The command lines read so far.
    lines: &'v mut Vec<Range<usize>>,
}

/// What ended a word or a command.
#[derive(PartialEq, Eq)]
enum Stop {
    /// A blank between words.
    Blank,
    /// `;`, `&&`, `||`, `|`, `&`, a newline or the end: the command is over.
    CommandEnd,
}

impl Reader<'_, '_> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.at..self.end)?.chars().next()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.src.get(self.at + offset..self.end)?.chars().next()
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Every command of the region.
    fn run(&mut self, out: &mut Vec<Command>) {
        let mut first = out.len();
        while self.at < self.end {
            let before = self.at;
            if self.command(out) {
                self.end_line(out, &mut first);
            }
            if self.at == before {
                self.at += self.peek().map_or(1, char::len_utf8);
            }
        }
        self.end_line(out, &mut first);
    }

    /// The command that starts here, then nothing more (a console line).
    fn run_one_line(&mut self, out: &mut Vec<Command>) {
        let mut first = out.len();
        loop {
            let before = self.at;
            let ended_line = self.command(out);
            if ended_line || self.at >= self.end || self.at == before {
                break;
            }
        }
        self.end_line(out, &mut first);
    }

    /// Records the command line of the commands from `first` on, if any, and starts the next.
    fn end_line(&mut self, out: &[Command], first: &mut usize) {
        if let (Some(start), Some(end)) = (out.get(*first), out.last()) {
            self.lines.push(start.span.start..end.span.end);
        }
        *first = out.len();
    }

    /// Reads one command; true when it ended at a newline (or the end).
    fn command(&mut self, out: &mut Vec<Command>) -> bool {
        let mut words = Vec::new();
        let mut spans = Vec::new();
        loop {
            self.skip_blanks();
            match self.peek() {
                None => {
                    self.finish(words, spans, out);
                    return true;
                }
                Some('\n') => {
                    self.at += 1;
                    self.finish(words, spans, out);
                    return true;
                }
                Some('#') => {
                    self.comments.push(self.at);
                    self.at = text_line_end(self.src, self.at, self.end);
                    self.finish(words, spans, out);
                    return true;
                }
                Some('>' | '<') => {
                    // A redirection: the operator and its target are no words of the command,
                    // nor is a file descriptor number written against it (`2>&1`).
                    let operator = self.at;
                    if spans.last().is_some_and(|s: &Span| s.end == operator)
                        && words.last().is_some_and(|w: &Text| {
                            !w.value.is_empty() && w.value.bytes().all(|b| b.is_ascii_digit())
                        })
                    {
                        words.pop();
                        spans.pop();
                    }
                    while matches!(self.peek(), Some('>' | '<' | '&' | '|')) {
                        self.at += 1;
                    }
                    self.skip_blanks();
                    if !matches!(self.peek(), None | Some('\n' | ';')) {
                        let _ = self.word();
                    }
                }
                Some(';' | '&' | '|') => {
                    while matches!(self.peek(), Some(';' | '&' | '|')) {
                        self.at += 1;
                    }
                    self.finish(words, spans, out);
                    return false;
                }
                Some(_) => {
                    let start = self.at;
                    let (word, stop) = self.word();
                    spans.push(self.span(start, self.at));
                    words.push(word);
                    if stop == Stop::CommandEnd {
                        continue;
                    }
                }
            }
        }
    }

    /// Keeps a command with words; an assignment-only command (`X=1`, `export X=1`) sets its
    /// variables instead.
    fn finish(&mut self, words: Vec<Text>, spans: Vec<Span>, out: &mut Vec<Command>) {
        let Some(first) = spans.first() else { return };
        let assignments = match words.first().map(|w| w.as_str()) {
            Some("export" | "declare" | "local" | "readonly") => &words[1..],
            _ => &words[..],
        };
        if !assignments.is_empty() && assignments.iter().all(|w| assignment(w).is_some()) {
            for w in assignments {
                if let Some((name, value)) = assignment(w) {
                    self.vars.insert(name, value);
                }
            }
            return;
        }
        let last = spans.last().copied().unwrap_or(*first);
        out.push(Command {
            span: self.span(first.start, last.end),
            words,
            word_spans: spans,
        });
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\r') => self.at += 1,
                // A continuation between words.
                Some('\\') if self.continuation_len().is_some() => self.continue_line(),
                _ => return,
            }
        }
    }

    /// Passes a backslash-newline, and in a terminal session the secondary prompt (`> `) the
    /// shell prints on the line it continues onto.
    fn continue_line(&mut self) {
        self.at += self.continuation_len().unwrap_or(0);
        if self.layout == Layout::Console {
            let rest = &self.src[self.at..self.end];
            let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if rest[indent..].starts_with("> ") {
                self.at += indent + 2;
            }
        }
    }

    /// The length of a backslash-newline here (`\` then `\n` or `\r\n`).
    fn continuation_len(&self) -> Option<usize> {
        match (self.peek_at(1), self.peek_at(2)) {
            (Some('\n'), _) => Some(2),
            (Some('\r'), Some('\n')) => Some(3),
            _ => None,
        }
    }

    /// One word, and what ended it.
    fn word(&mut self) -> (Text, Stop) {
        let mut word = Text::default();
        loop {
            let Some(c) = self.peek() else {
                return (word, Stop::CommandEnd);
            };
            match c {
                ' ' | '\t' | '\r' | '>' | '<' => return (word, Stop::Blank),
                '\n' | ';' | '&' | '|' => return (word, Stop::CommandEnd),
                '\\' => {
                    if self.continuation_len().is_some() {
                        self.continue_line();
                        continue;
                    }
                    self.escaped(&mut word, 1);
                }
                '\'' => {
                    let start = self.at + 1;
                    let close = self.src[start..self.end].find('\'').map(|i| start + i);
                    let end = close.unwrap_or(self.end);
                    self.exact(&mut word, start, end);
                    self.at = close.map_or(self.end, |c| c + 1);
                }
                '"' => {
                    self.at += 1;
                    self.double_quoted(&mut word);
                }
                '$' => self.dollar(&mut word),
                '`' => {
                    // A command substitution: kept as written, up to the closing backquote.
                    let start = self.at;
                    let close = self.src[start + 1..self.end]
                        .find('`')
                        .map_or(self.end, |i| start + 1 + i + 1);
                    self.exact(&mut word, start, close);
                    self.at = close;
                }
                _ => {
                    let start = self.at;
                    self.at += c.len_utf8();
                    self.exact(&mut word, start, self.at);
                }
            }
        }
    }

    /// Inside `"…"`: `\` escapes only `$`, `` ` ``, `"`, `\` and the newline.
    fn double_quoted(&mut self, word: &mut Text) {
        while let Some(c) = self.peek() {
            match c {
                '"' => {
                    self.at += 1;
                    return;
                }
                '\\' if matches!(self.peek_at(1), Some('$' | '`' | '"' | '\\')) => {
                    self.escaped(word, 1);
                }
                '\\' if self.continuation_len().is_some() => self.continue_line(),
                '$' => self.dollar(word),
                _ => {
                    let start = self.at;
                    self.at += c.len_utf8();
                    self.exact(word, start, self.at);
                }
            }
        }
    }

    /// `\c`: the character `c`, from a two-character escape.
    fn escaped(&mut self, word: &mut Text, skip: usize) {
        let start = self.at;
        self.at += skip;
        let Some(c) = self.peek() else { return };
        self.at += c.len_utf8();
        word.push_str(
            c.encode_utf8(&mut [0; 4]),
            Origin::File {
                span: self.span(start, self.at),
                exact: false,
            },
        );
    }

    fn exact(&self, word: &mut Text, start: usize, end: usize) {
        if let Some(s) = self.src.get(start..end) {
            word.push_str(
                s,
                Origin::File {
                    span: self.span(start, end),
                    exact: true,
                },
            );
        }
    }

    /// `$NAME`, `${NAME}`, `${NAME:-default}` (`-` too): the variable's value when the text
    /// assigned it, else the default, else the expression as written. `$(…)` stays as written.
    fn dollar(&mut self, word: &mut Text) {
        let start = self.at;
        let rest = &self.src[start + 1..self.end];
        if rest.starts_with('(') {
            let close = matching_paren(rest).map_or(self.end, |i| start + 1 + i + 1);
            self.exact(word, start, close);
            self.at = close;
            return;
        }
        if let Some(braced) = rest.strip_prefix('{') {
            let Some(close) = braced.find('}') else {
                self.at = self.end;
                self.exact(word, start, self.end);
                return;
            };
            let inner = &braced[..close];
            let inner_start = start + 2;
            self.at = inner_start + close + 1;
            let (name, default) = match inner.find(":-").map(|i| (i, 2)).or_else(|| {
                inner
                    .find('-')
                    .filter(|&i| is_name(&inner[..i]))
                    .map(|i| (i, 1))
            }) {
                Some((i, len)) => (
                    &inner[..i],
                    Some(inner_start + i + len..inner_start + close),
                ),
                None => (inner, None),
            };
            match (self.vars.get(name), default) {
                (Some(value), _) if !value.is_empty() => word.push_text(&value.clone()),
                (_, Some(default)) if is_name(name) => {
                    self.exact(word, default.start, default.end);
                }
                _ => self.exact(word, start, self.at),
            }
            return;
        }
        let name_len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        if name_len == 0 {
            self.at += 1;
            self.exact(word, start, self.at);
            return;
        }
        let name = &rest[..name_len];
        self.at = start + 1 + name_len;
        match self.vars.get(name) {
            Some(value) => word.push_text(&value.clone()),
            None => self.exact(word, start, self.at),
        }
    }
}

/// `NAME=value` as an assignment: the name and the value's text.
fn assignment(word: &Text) -> Option<(String, Text)> {
    let eq = word.value.find('=')?;
    let name = &word.value[..eq];
    is_name(name).then(|| (name.to_string(), word.slice(eq + 1..word.value.len())))
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The index of the `)` closing the `(` that `s` starts with.
fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str, layout: Layout) -> Vec<Vec<String>> {
        let mut vars = HashMap::new();
        commands(FileId(0), src, 0..src.len(), layout, &mut vars)
            .into_iter()
            .map(|c| c.words.into_iter().map(|w| w.value).collect())
            .collect()
    }

    fn words(src: &str) -> Vec<Vec<String>> {
        read(src, Layout::Script)
    }

    #[test]
    fn words_quotes_escapes_and_continuations() {
        let src = "docker run -d \\\n  -e \"A=b c\" -e 'D=$E' --name x\\ y img # note\necho hi; ls && pwd\n";
        assert_eq!(
            words(src),
            vec![
                vec![
                    "docker", "run", "-d", "-e", "A=b c", "-e", "D=$E", "--name", "x y", "img"
                ],
                vec!["echo", "hi"],
                vec!["ls"],
                vec!["pwd"],
            ]
        );
    }

    #[test]
    fn a_word_maps_to_its_bytes_through_quotes() {
        let src = "docker run -e \"OLLAMA_BASE_URL=http://localhost:11434\" img";
        let mut vars = HashMap::new();
        let c = &commands(FileId(0), src, 0..src.len(), Layout::Script, &mut vars)[0];
        let env = &c.words[3];
        let host = env.value.find("localhost").unwrap();
        let span = env.exact_span(host..host + "localhost".len()).unwrap();
        assert_eq!(&src[span.start..span.end], "localhost");
        assert_eq!(
            &src[c.word_spans[3].start..c.word_spans[3].end],
            "\"OLLAMA_BASE_URL=http://localhost:11434\""
        );
    }

    #[test]
    fn variables_assigned_earlier_expand_with_their_provenance() {
        let src = "HOST=localhost\nexport PORT=11434\ndocker run -e URL=http://$HOST:${PORT} -e X=${MISSING:-dflt} -e Y=$(cat f) img\n";
        let mut vars = HashMap::new();
        let cmds = commands(FileId(0), src, 0..src.len(), Layout::Script, &mut vars);
        assert_eq!(cmds.len(), 1);
        let url = &cmds[0].words[3];
        assert_eq!(url.value, "URL=http://localhost:11434");
        let span = url.exact_span(11..20).unwrap();
        assert_eq!(&src[span.start..span.end], "localhost");
        assert_eq!(span.start, 5, "points at the assignment");
        assert_eq!(cmds[0].words[5].value, "X=dflt");
        assert_eq!(cmds[0].words[7].value, "Y=$(cat f)");
    }

    #[test]
    fn console_lines_are_commands_after_a_prompt_and_output_is_skipped() {
        let src = "$ docker run -d \\\n    --name ollama ollama/ollama\nabc123\nuser@box:~$ docker ps\nCONTAINER ID   IMAGE\n# docker exec ollama ollama list\n";
        assert_eq!(
            read(src, Layout::Console),
            vec![
                vec!["docker", "run", "-d", "--name", "ollama", "ollama/ollama"],
                vec!["docker", "ps"],
                vec!["docker", "exec", "ollama", "ollama", "list"],
            ]
        );
    }

    #[test]
    fn redirections_are_no_words() {
        assert_eq!(
            words("docker logs ollama 2>&1 > out.log\ndocker ps >> x <in\n"),
            vec![vec!["docker", "logs", "ollama"], vec!["docker", "ps"]]
        );
    }

    #[test]
    fn a_continued_console_line_drops_the_secondary_prompt() {
        let src = "$ docker run -d \\\n>   -e A=b img\n";
        assert_eq!(
            read(src, Layout::Console),
            vec![vec!["docker", "run", "-d", "-e", "A=b", "img"]]
        );
    }

    #[test]
    fn prompts() {
        assert_eq!(prompt_len("$ docker"), Some(2));
        assert_eq!(prompt_len("  # docker"), Some(4));
        assert_eq!(prompt_len("me@host:~/x$ docker"), Some(13));
        assert_eq!(prompt_len("PS C:\\Users\\me> docker"), Some(16));
        assert_eq!(prompt_len("PS> docker"), Some(4));
        assert_eq!(prompt_len("docker run"), None);
        assert_eq!(prompt_len("CONTAINER ID   IMAGE"), None);
    }

    #[test]
    fn comments_start_at_a_word_outside_quotes() {
        let src = "# top\ndocker run a#b \"#\" '#' \\# img # end\n$ not a prompt # in a script\n";
        let mut vars = HashMap::new();
        let reading = super::read(FileId(0), src, 0..src.len(), Layout::Script, &mut vars);
        let comments: Vec<&str> = reading
            .comments
            .iter()
            .map(|&at| src[at..].lines().next().unwrap_or(""))
            .collect();
        assert_eq!(comments, ["# top", "# end", "# in a script"]);
        assert_eq!(reading.commands[0].words[2].value, "a#b");

        // In a session, output lines are not read, and `# ` before a command is a prompt.
        let session = "$ docker ps # list\n# docker ps\n# output # more\n";
        let reading = super::read(
            FileId(0),
            session,
            0..session.len(),
            Layout::Console,
            &mut vars,
        );
        let comments: Vec<&str> = reading
            .comments
            .iter()
            .map(|&at| &session[at..at + 6])
            .collect();
        assert_eq!(comments, ["# list", "# more"]);
    }

    #[test]
    fn a_command_line_is_what_the_shell_reads_as_one_line() {
        let src = "docker network create n && \\\n  docker run \\\n  img\nX=1\na; b # c\n";
        let mut vars = HashMap::new();
        let reading = super::read(FileId(0), src, 0..src.len(), Layout::Script, &mut vars);
        let lines: Vec<&str> = reading.lines.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(
            lines,
            [
                "docker network create n && \\\n  docker run \\\n  img",
                "a; b"
            ]
        );
    }
}
