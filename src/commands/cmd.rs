//! Splits cmd.exe text (a `.cmd`/`.bat` file, a Markdown `cmd` block, a `C:\>` session)
//! into commands of words. cmd reads a line in two phases (the model in Stack Overflow's "How
//! does the Windows Command Interpreter (CMD.EXE) parse scripts?", question 4094699), and the
//! program splits what it receives into its arguments itself (docs/knowledge/facts.md, "How
//! the command readers' shells read a line"):
//!
//! 1. percent expansion: `%%` is `%`, `%NAME%` the variable's value (a variable `set`
//!    earlier, kept with the provenance of its `set`; any other stays as written, as do
//!    `%1`, `%~dp0`, and `%NAME:…%`);
//! 2. special characters: `"` turns quoting on and off (and stays in the text); outside
//!    quotes `^` escapes the next character and, at the end of a line, continues the command
//!    on the next; `&`, `&&`, `||` and `|` separate commands; `>`, `>>`, `<` redirect; `(`
//!    and `)` open and close a block; a leading `@` only hides the command; `REM` and `::`
//!    lines are comments;
//! 3. `docker.exe`, a Go program, splits the command line into arguments as Go's runtime does
//!    on Windows (`readNextArg` in `src/os/exec_windows.go` of golang/go): blanks separate,
//!    `"` groups and is dropped, `\"` is a quote, `""` inside quotes is a quote, backslashes
//!    are themselves unless a quote follows them.
//!
//! `set X=value` and `set "X=value"` define a variable (names are case-insensitive); its
//! value is the rest of the command, blanks included, as cmd keeps it. In a batch file
//! `setlocal` saves the variables and `endlocal` restores what its `setlocal` saved (nested,
//! an unmatched `endlocal` does nothing); after `setlocal EnableDelayedExpansion`, `!X!` in a
//! command is expanded when it runs, after the line was split.

use std::ops::Range;

use crate::source::{FileId, Span};
use crate::text::Text;

use super::branches::Branches;
use super::words::{
    Command, Cursor, Input, Layout, Made, ReadCommand, Reader, Variables, placeholder_len,
};

/// cmd's reader ([`Reader`] of `Cmd`): the file it reads, how many blocks (`(`) are open
/// across lines, whether delayed expansion is on, and what each open `setlocal` saved.
pub(super) struct Cmd<'s> {
    file: FileId,
    src: &'s str,
    depth: usize,
    delayed: bool,
    scopes: Vec<Scope>,
    /// The blocks open (`if … (`, `) else (`, `for … do (`): a `set` in one may or may not run.
    branches: Branches,
}

/// What `setlocal` saves and the matching `endlocal` restores.
struct Scope {
    vars: Variables,
    delayed: bool,
}

impl<'s> Cmd<'s> {
    pub(super) fn new(file: FileId, src: &'s str) -> Cmd<'s> {
        Cmd {
            file,
            src,
            depth: 0,
            delayed: false,
            scopes: Vec::new(),
            branches: Branches::default(),
        }
    }
}

/// The length of cmd's prompt at the start of `line`: the current directory and `>`
/// (`C:\>`, `C:\Users\me>`), and a blank after it.
pub fn prompt_len(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    let mut chars = rest.chars();
    let drive = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.next() == Some(':')
        && chars.next() == Some('\\');
    if !drive {
        return None;
    }
    let close = rest.find('>')?;
    if rest[..close].contains(['\n', '"', '|', '<']) {
        return None;
    }
    let after = close + 1;
    Some(indent + after + usize::from(rest[after..].starts_with(' ')))
}

impl ReadCommand for Reader<'_, '_, Cmd<'_>> {
    /// Reads the commands of the line at the cursor and of the lines it continues onto.
    fn command(&mut self, out: &mut Vec<Command>) -> bool {
        let start = self.cur.at;
        let end = logical_line_end(self.shell.src, start, self.cur.end);
        // A comment line (`REM …`, `:: …`): recorded where it starts, for directives.
        let written = &self.shell.src[start..end];
        let lead = written.len() - written.trim_start_matches([' ', '\t', '@']).len();
        let rest = &written[lead..];
        if rest.starts_with("::") || is_rem(rest) {
            self.comments.push(start + lead);
        }
        let line = self.expand_percents(start..end);
        self.cur.at = end;
        for piece in split(&line, &mut self.shell.depth) {
            match piece {
                Piece::Command(command) => self.command_of(command, out),
                Piece::Open => self.shell.branches.open(false),
                Piece::Close => {
                    let mut forgotten = Vec::new();
                    self.shell
                        .branches
                        .close(|name| forgotten.push(name.to_string()));
                    for name in forgotten {
                        self.vars.set_environment(name.clone(), &name, None);
                    }
                }
            }
        }
        true
    }
}

impl Reader<'_, '_, Cmd<'_>> {
    /// Phase 1: the line with `%%` and the variables set earlier expanded; in a terminal
    /// session, without the `More? ` prompts cmd prints on the lines a caret continues onto.
    fn expand_percents(&self, range: Range<usize>) -> Made {
        let (src, file) = (self.shell.src, self.shell.file);
        let span = |start, end| Span::new(file, start, end);
        let mut made = Made::default();
        let mut i = range.start;
        while i < range.end {
            let run_end = src[i..range.end]
                .find(['%', '\n'])
                .map_or(range.end, |at| i + at);
            made.copy(file, src, i..run_end);
            i = run_end;
            if i >= range.end {
                break;
            }
            if src.as_bytes()[i] == b'\n' {
                made.copy(file, src, i..i + 1);
                i += 1;
                let continued = src[..i - 1].trim_end_matches('\r').ends_with('^');
                if continued
                    && self.layout == Layout::Console
                    && src[i..range.end].starts_with("More? ")
                {
                    i += "More? ".len();
                }
                continue;
            }
            let rest = &src[i + 1..range.end];
            let close = rest
                .find(['%', '\n'])
                .filter(|&c| rest.as_bytes()[c] == b'%');
            match (rest.chars().next(), close) {
                (Some('%'), _) => {
                    made.expand(&Text::from_file("%", span(i, i + 2), false), span(i, i + 2));
                    i += 2;
                }
                (Some(c), _) if c.is_ascii_digit() || c == '*' || c == '~' => {
                    made.copy(file, src, i..i + 2);
                    i += 2;
                }
                (_, Some(close)) if close > 0 && !rest[..close].contains(':') => {
                    let reference = i..i + 1 + close + 1;
                    let name = rest[..close].to_ascii_uppercase();
                    match self.vars.get(&name) {
                        Some(value) => made.expand(value, span(reference.start, reference.end)),
                        None => made.copy(file, src, reference.clone()),
                    }
                    i = reference.end;
                }
                _ => {
                    made.copy(file, src, i..i + 1);
                    i += 1;
                }
            }
        }
        made
    }

    /// One command as cmd passes it on (with `!NAME!` expanded when delayed expansion is
    /// on): `set` defines a variable, `setlocal` and `endlocal` open and close a scope of
    /// them, any other command's text is split into the arguments a program receives.
    fn command_of(&mut self, command: Made, out: &mut Vec<Command>) {
        let command = if self.shell.delayed && command.text.value.contains('!') {
            self.expand_delayed(&command)
        } else {
            command
        };
        let text = command.text.value.as_str();
        let body = text.trim_start_matches([' ', '\t']);
        let name_end = body
            .find([' ', '\t', '=', ',', ';', '"'])
            .unwrap_or(body.len());
        let name = &body[..name_end];
        if name.eq_ignore_ascii_case("set") {
            let args = text.len() - body.len() + name_end;
            self.set(&command.text, args);
            return;
        }
        // Outside a batch file (at the prompt) `setlocal` and `endlocal` do nothing.
        if self.layout == Layout::Script {
            if name.eq_ignore_ascii_case("setlocal") {
                self.shell.scopes.push(Scope {
                    vars: self.vars.clone(),
                    delayed: self.shell.delayed,
                });
                for option in body[name_end..].split([' ', '\t', ',', ';', '=']) {
                    if option.eq_ignore_ascii_case("EnableDelayedExpansion") {
                        self.shell.delayed = true;
                    } else if option.eq_ignore_ascii_case("DisableDelayedExpansion") {
                        self.shell.delayed = false;
                    }
                }
            } else if name.eq_ignore_ascii_case("endlocal")
                && let Some(scope) = self.shell.scopes.pop()
            {
                *self.vars = scope.vars;
                self.shell.delayed = scope.delayed;
            }
        }
        let (words, spans) = arguments(self.shell.file, &command);
        out.extend(self.emit(words, spans));
    }

    /// Delayed expansion: `!NAME!` in a command is the variable's value when it runs (a
    /// variable `set` earlier, with the provenance of its `set`); any other stays as written.
    fn expand_delayed(&self, command: &Made) -> Made {
        let input = Input::Made {
            file: self.shell.file,
            made: command,
        };
        let text = command.text.value.as_str();
        let mut made = Made::default();
        let mut i = 0;
        while let Some(open) = text[i..].find('!').map(|at| i + at) {
            let close = text[open + 1..].find('!').map(|at| open + 1 + at);
            let Some(close) = close else { break };
            let name = &text[open + 1..close];
            let value = (!name.is_empty() && !name.contains(':'))
                .then(|| self.vars.get(&name.to_ascii_uppercase()))
                .flatten();
            match value {
                Some(value) => {
                    made.push_from(command, i..open);
                    made.expand(value, input.span(open..close + 1));
                    i = close + 1;
                }
                // The second `!` may open the next reference.
                None => {
                    made.push_from(command, i..close);
                    i = close;
                }
            }
        }
        made.push_from(command, i..text.len());
        made
    }

    /// `set NAME=value`, `set "NAME=value"`: the variable, with the value's provenance.
    /// `set /a` and `set /p` leave theirs unknown; `set NAME=` removes it.
    fn set(&mut self, text: &Text, args: usize) {
        let rest = &text.value[args..];
        let skipped = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let start = args + skipped;
        let rest = &text.value[start..];
        let (inner, inner_start) = match rest.strip_prefix('"') {
            Some(quoted) => (
                &quoted[..quoted.rfind('"').unwrap_or(quoted.len())],
                start + 1,
            ),
            None => (rest, start),
        };
        let Some(eq) = inner.find('=') else { return };
        let name = inner[..eq].to_ascii_uppercase();
        if let Some(option) = name.strip_prefix('/') {
            // `/A NAME=…`, `/P NAME=…`: computed or read from the user.
            let name = option
                .get(1..)
                .unwrap_or_default()
                .trim()
                .to_ascii_uppercase();
            let before = self.vars.get(&name).cloned();
            self.shell.branches.assigning(&name, before.as_ref(), None);
            self.vars.set_environment(name.clone(), &name, None);
            return;
        }
        if name.is_empty() {
            return;
        }
        let value = text.slice(inner_start + eq + 1..inner_start + inner.len());
        // cmd's variables are the process environment, which docker inherits.
        let value = (!value.is_empty()).then_some(value);
        let before = self.vars.get(&name).cloned();
        self.shell.branches.assigning(
            &name,
            before.as_ref(),
            Some(value.as_ref().map_or("", |v| v.value.as_str())),
        );
        self.vars.set_environment(name.clone(), &name, value);
    }
}

/// The end of the line at `at` and of the lines a caret continues it onto (after its
/// newline). A caret inside quotes is itself.
fn logical_line_end(src: &str, at: usize, end: usize) -> usize {
    let bytes = src.as_bytes();
    let mut quoted = false;
    let mut i = at;
    while i < end {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'^' if !quoted => {
                // The caret and what it escapes; a newline after it continues the line, and
                // then escapes the first character of the next.
                i += 1;
                if src[i..end].starts_with("\r\n") {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => return i + 1,
            _ => {}
        }
        i += 1;
    }
    end
}

/// What phase 2 makes of a line: a command, or a block's `(` or `)` between them.
enum Piece {
    Command(Made),
    Open,
    Close,
}

/// Phase 2: the commands of the expanded line, each the text cmd passes to its program:
/// carets dropped, quotes kept, redirections and the `@` before a command left out; and
/// where a block opens and closes. `depth` counts the blocks open across lines.
fn split(line: &Made, depth: &mut usize) -> Vec<Piece> {
    let s = line.text.value.as_str();
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut current = Made::default();
    let mut quoted = false;
    let mut started = false;
    let mut i = 0;
    let finish = |out: &mut Vec<Piece>, current: &mut Made, started: &mut bool| {
        if current.text.value.trim().is_empty() {
            *current = Made::default();
        } else {
            out.push(Piece::Command(std::mem::take(current)));
        }
        *started = false;
    };
    while i < s.len() {
        let c = s[i..].chars().next().unwrap_or_default();
        let len = c.len_utf8();
        if !started {
            // Before the command: delimiters, `@`, a block's `(`, a comment or a label.
            match c {
                ' ' | '\t' | ',' | ';' | '=' | '@' | '\r' | '\n' => {
                    i += len;
                    continue;
                }
                '(' => {
                    *depth += 1;
                    out.push(Piece::Open);
                    i += 1;
                    continue;
                }
                ':' => break,
                _ if is_rem(&s[i..]) => break,
                _ => started = true,
            }
        }
        match c {
            '"' => {
                quoted = !quoted;
                current.push_from(line, i..i + 1);
                i += 1;
            }
            _ if quoted => {
                if c == '\n' {
                    break;
                }
                current.push_from(line, i..i + len);
                i += len;
            }
            '^' => {
                // The next character as itself; after a line end, the next line's first.
                i += 1;
                if s[i..].starts_with("\r\n") {
                    i += 2;
                } else if s[i..].starts_with('\n') {
                    i += 1;
                }
                let next = s[i..].chars().next().map_or(0, char::len_utf8);
                current.push_from(line, i..i + next);
                i += next;
            }
            '&' | '|' => {
                i += 1;
                if bytes.get(i) == Some(&(c as u8)) {
                    i += 1;
                }
                finish(&mut out, &mut current, &mut started);
            }
            // A block opens after a blank (`if exist x (`); elsewhere `(` is itself.
            '(' if s[..i].ends_with([' ', '\t']) => {
                *depth += 1;
                i += 1;
                finish(&mut out, &mut current, &mut started);
                out.push(Piece::Open);
            }
            ')' if *depth > 0 => {
                *depth -= 1;
                i += 1;
                finish(&mut out, &mut current, &mut started);
                out.push(Piece::Close);
            }
            '\r' | '\n' => {
                i += 1;
                finish(&mut out, &mut current, &mut started);
            }
            '<' if let Some(len) = placeholder_len(&s[i..]) => {
                current.push_from(line, i..i + len);
                i += len;
            }
            '<' | '>' => i = skip_redirection(line, &mut current, i),
            _ => {
                current.push_from(line, i..i + len);
                i += len;
            }
        }
    }
    finish(&mut out, &mut current, &mut started);
    out
}

/// Whether `s` starts with the command `REM`.
fn is_rem(s: &str) -> bool {
    s.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("rem"))
        && s[3..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ' ' | '\t' | '\r' | '\n' | '/' | ':'))
}

/// Passes the redirection at `at` of `line` and its target, and drops a handle number
/// written against it (`2>nul`) from `current`; returns where the command goes on.
fn skip_redirection(line: &Made, current: &mut Made, at: usize) -> usize {
    let s = line.text.value.as_str();
    let written = current.text.value.as_str();
    let handle = written.ends_with(|c: char| c.is_ascii_digit())
        && written[..written.len() - 1].ends_with([' ', '\t']);
    if handle {
        let mut shorter = Made::default();
        shorter.push_from(current, 0..written.len() - 1);
        *current = shorter;
    }
    let mut i = at;
    while s[i..].starts_with(['<', '>']) {
        i += 1;
    }
    if s[i..].starts_with('&') && s[i + 1..].starts_with(|c: char| c.is_ascii_digit()) {
        return i + 2;
    }
    i += s[i..].len() - s[i..].trim_start_matches([' ', '\t']).len();
    let mut quoted = false;
    for (offset, c) in s[i..].char_indices() {
        match c {
            '"' => quoted = !quoted,
            ' ' | '\t' | '\r' | '\n' | '&' | '|' | '<' | '>' | ')' if !quoted => {
                return i + offset;
            }
            _ => {}
        }
    }
    s.len()
}

/// Phase 3: the arguments a Go program (docker.exe) splits `command` into, each with the
/// bytes it is written at.
fn arguments(file: FileId, command: &Made) -> (Vec<Text>, Vec<Span>) {
    let mut cur = Cursor::new(
        Input::Made {
            file,
            made: command,
        },
        0..command.text.value.len(),
    );
    let mut words = Vec::new();
    let mut spans = Vec::new();
    loop {
        while matches!(cur.peek(), Some(' ' | '\t')) {
            cur.at += 1;
        }
        if cur.peek().is_none() {
            break;
        }
        let start = cur.at;
        let mut word = Text::default();
        let mut quoted = false;
        // The backslashes read and not yet placed: where they start, and how many.
        let mut slashes = (0, 0);
        while let Some(c) = cur.peek() {
            match c {
                ' ' | '\t' if !quoted => break,
                '\\' => {
                    if slashes.1 == 0 {
                        slashes.0 = cur.at;
                    }
                    slashes.1 += 1;
                    cur.at += 1;
                    continue;
                }
                '"' => {
                    // Each pair of backslashes before a quote is one backslash; an odd one
                    // out makes the quote itself.
                    let (from, count) = slashes;
                    if count >= 2 {
                        let pairs = "\\".repeat(count / 2);
                        cur.stand_in(&mut word, &pairs, from, from + count / 2 * 2);
                    }
                    if count % 2 == 1 {
                        cur.at += 1;
                        cur.stand_in(&mut word, "\"", cur.at - 2, cur.at);
                    } else if quoted && cur.peek_at(1) == Some('"') {
                        cur.at += 2;
                        cur.stand_in(&mut word, "\"", cur.at - 2, cur.at);
                        quoted = false;
                    } else {
                        cur.at += 1;
                        quoted = !quoted;
                    }
                    slashes = (0, 0);
                    continue;
                }
                _ => {}
            }
            if slashes.1 > 0 {
                cur.copy(&mut word, slashes.0, slashes.0 + slashes.1);
                slashes = (0, 0);
            }
            cur.take(&mut word);
        }
        if slashes.1 > 0 {
            cur.copy(&mut word, slashes.0, slashes.0 + slashes.1);
        }
        spans.push(cur.span(start, cur.at));
        words.push(word);
    }
    (words, spans)
}

#[cfg(test)]
mod tests {
    use super::super::words::Shell;
    use super::super::words::tests::{
        assert_reads_session, exported, read_all, source_of, split, words as read,
    };
    use super::*;

    fn words(src: &str) -> Vec<Vec<String>> {
        read(src, Shell::Cmd, Layout::Script)
    }

    #[test]
    fn set_variables_are_the_environment_docker_inherits() {
        let src = "set Url=http://a:1\r\nset \"GONE=x\"\r\ndocker ps\r\nset GONE=\r\nset /a N=1\r\ndocker ps\r\n";
        let cmds = read_all(src, Shell::Cmd);
        assert_eq!(exported(&cmds[0]), ["GONE=x", "URL=http://a:1"]);
        assert_eq!(exported(&cmds[1]), ["URL=http://a:1"]);
    }

    #[test]
    fn endlocal_restores_the_variables_of_its_setlocal() {
        let src = "set A=1\r\nsetlocal\r\nset A=2\r\nset B=3\r\nsetlocal\r\nset C=4\r\ndocker ps\r\nendlocal\r\ndocker ps\r\nendlocal\r\ndocker ps -e %B%\r\nendlocal\r\ndocker ps\r\n";
        let cmds: Vec<_> = read_all(src, Shell::Cmd)
            .into_iter()
            .filter(|c| c.words[0].as_str() == "docker")
            .collect();
        assert_eq!(exported(&cmds[0]), ["A=2", "B=3", "C=4"]);
        assert_eq!(exported(&cmds[1]), ["A=2", "B=3"]);
        assert_eq!(exported(&cmds[2]), ["A=1"]);
        assert_eq!(cmds[2].words[3].as_str(), "%B%");
        // An `endlocal` without its `setlocal` does nothing.
        assert_eq!(exported(&cmds[3]), ["A=1"]);
        // The line's `%X%` is expanded before `endlocal` runs: the classic way to hand a
        // value past it.
        let src = "setlocal\r\nset X=http://a:1\r\nendlocal & set \"URL=%X%\"\r\ndocker ps\r\n";
        let cmds = read_all(src, Shell::Cmd);
        assert_eq!(exported(cmds.last().unwrap()), ["URL=http://a:1"]);
        // At the prompt `setlocal` does nothing.
        let session = "C:\\>setlocal\nC:\\>set A=1\nC:\\>endlocal\nC:\\>docker ps\n";
        let mut vars = super::super::words::Variables::new();
        let cmds = super::super::words::commands(
            FileId(0),
            session,
            0..session.len(),
            Shell::Cmd,
            Layout::Console,
            &mut vars,
        );
        assert_eq!(exported(cmds.last().unwrap()), ["A=1"]);
    }

    #[test]
    fn delayed_expansion_expands_bangs_with_their_provenance() {
        let src = "setlocal EnableDelayedExpansion\r\nset HOST=localhost\r\nset \"URL=http://!HOST!:11434\"\r\ndocker run -e U=!URL! -e V=!MISSING! -e W=a!b img\r\nsetlocal DisableDelayedExpansion\r\ndocker run -e U=!URL! img\r\nendlocal\r\ndocker run -e U=!URL! img\r\nendlocal\r\ndocker run -e U=!HOST! img\r\n";
        assert_eq!(
            words(src),
            vec![
                split("setlocal|EnableDelayedExpansion"),
                split("docker|run|-e|U=http://localhost:11434|-e|V=!MISSING!|-e|W=a!b|img"),
                split("setlocal|DisableDelayedExpansion"),
                split("docker|run|-e|U=!URL!|img"),
                split("endlocal"),
                split("docker|run|-e|U=http://localhost:11434|img"),
                split("endlocal"),
                split("docker|run|-e|U=!HOST!|img"),
            ]
        );
        let c = &read_all(src, Shell::Cmd)[1];
        let host = c.words[3].exact_span(9..18).unwrap();
        assert_eq!(&src[host.start..host.end], "localhost");
        assert_eq!(host.start, 42, "points at the first `set`");
        let written = &src[c.word_spans[3].start..c.word_spans[3].end];
        assert_eq!(written, "U=!URL!");
    }

    #[test]
    fn a_value_set_in_blocks_is_forgotten_after_them() {
        let src = "if \"%1\"==\"a\" (\r\n  set U=http://one:1\r\n) else (\r\n  set U=http://two:2\r\n)\r\n\
                   if defined X (set D=dflt)\r\ndocker run -e A=%U% -e B=%D% img\r\n";
        assert_eq!(
            words(src).last().unwrap(),
            &split("docker|run|-e|A=%U%|-e|B=dflt|img")
        );
    }

    #[test]
    fn a_placeholder_is_text_not_a_redirection() {
        assert_eq!(
            words("docker run -e K=<your-key> ^\r\n -e U=http://x:1 img >out.txt\r\n"),
            vec![split("docker|run|-e|K=<your-key>|-e|U=http://x:1|img")]
        );
    }

    #[test]
    fn caret_continues_a_line_and_escapes_elsewhere() {
        let src =
            "docker run -d ^\r\n  -p 3000:8080 ^\n  -e \"A=b c\" -e X=a^&b -e \"Y=c^d\" img\r\n";
        assert_eq!(
            words(src),
            vec![split(
                "docker|run|-d|-p|3000:8080|-e|A=b c|-e|X=a&b|-e|Y=c^d|img"
            )]
        );
    }

    #[test]
    fn quotes_as_a_go_program_splits_its_arguments() {
        assert_eq!(
            words(r#"docker run -e A="b c"d -e "B=\"q\"" -e C=x\y\\"z w" -e "D=say ""hi""" img"#),
            vec![split(
                r#"docker|run|-e|A=b cd|-e|B="q"|-e|C=x\y\z w|-e|D=say "hi"|img"#
            )]
        );
    }

    #[test]
    fn comments_separators_blocks_and_redirections() {
        let src = "@echo off\r\nREM docker run -d a\r\n:: docker run -d b\r\n:label\r\ndocker ps & docker pull x && echo ok || exit /b 1\r\nif exist x (\r\n  docker logs y 2>nul >out.txt\r\n)\r\ndocker ps | findstr ollama\r\n";
        assert_eq!(
            words(src),
            vec![
                split("echo|off"),
                split("docker|ps"),
                split("docker|pull|x"),
                split("echo|ok"),
                split("exit|/b|1"),
                split("if|exist|x"),
                split("docker|logs|y"),
                split("docker|ps"),
                split("findstr|ollama"),
            ]
        );
    }

    #[test]
    fn variables_expand_with_the_provenance_of_their_set() {
        let src = "set OLLAMA=localhost\r\nset \"PORT=11434\" & set URL=http://x\r\nset ARGS=-d -p 3000:8080\r\nset /p NAME=Name: \r\ndocker run %ARGS% -e U=http://%ollama%:%PORT% -e N=%NAME% -e P=100%% -e A=%1 img\r\n";
        assert_eq!(
            words(src),
            vec![split(
                "docker|run|-d|-p|3000:8080|-e|U=http://localhost:11434|-e|N=%NAME%|-e|P=100%|-e|A=%1|img"
            )]
        );
        assert_eq!(
            source_of(src, Shell::Cmd, 6, "localhost").as_deref(),
            Some("localhost")
        );
        let c = &read_all(src, Shell::Cmd)[0];
        let host = c.words[6].exact_span(9..18).unwrap();
        assert_eq!(host.start, 11, "points at the `set`");
        let written = |i: usize| &src[c.word_spans[i].start..c.word_spans[i].end];
        assert_eq!(written(6), "U=http://%ollama%:%PORT%");
        assert_eq!(written(2), "%ARGS%");
    }

    #[test]
    fn a_value_keeps_its_blanks_and_a_quoted_set_drops_what_follows() {
        let src = "set A=x \r\nset \"B=y\" ignored\r\ndocker run -e \"A=%A%\" -e B=%B% img\r\n";
        assert_eq!(words(src), vec![split("docker|run|-e|A=x |-e|B=y|img")]);
    }

    #[test]
    fn a_session_reads_the_commands_after_its_prompts() {
        assert_reads_session(
            "C:\\Users\\me>docker run -d ^\nMore? --name ollama ollama/ollama\nabc123\nC:\\> docker ps\nCONTAINER ID\n",
            Shell::Cmd,
        );
    }

    #[test]
    fn prompts() {
        assert_eq!(prompt_len("C:\\>docker"), Some(4));
        assert_eq!(prompt_len("C:\\Users\\me> docker"), Some(13));
        assert_eq!(prompt_len("docker run"), None);
        assert_eq!(prompt_len("$ docker"), None);
    }
}
