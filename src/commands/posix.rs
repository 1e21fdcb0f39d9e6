//! Splits POSIX shell text (a script, a Makefile recipe once make has expanded it, a Markdown
//! `sh`/`console` block) into commands of words, the way the shell would: quotes, escapes,
//! line continuations, comments, the separators `;` `&&` `||` `|` `&`, redirections,
//! variables assigned earlier in the same text (`X=…`, `export X=…`) expanded where used
//! (`$X`, `${X}`, `${X:-default}`), and console prompts. A word with a command substitution
//! (`$(…)`, backquotes) keeps its text as written.
//!
//! A here-document (`<<WORD`, `<<-WORD`, the delimiter quoted or not) is input for its
//! command, not commands: its body, the lines after the line that holds the operator up to
//! the delimiter line, is passed over (POSIX XCU §2.7.4 "Here-Document"; docs/knowledge/facts.md,
//! "How the command readers' shells read a line"). `<<<` (a here-string) redirects one word.

use crate::source::Span;
use crate::text::Text;

use super::branches::Branches;
use super::words::{Command, Layout, ReadCommand, Reader, is_name, matching, placeholder_len};

/// The POSIX shell's reader ([`Reader`] of `Posix`): the here-documents whose bodies start
/// after the current line, in the order their operators were read; the conditionals and loops
/// open; and whether the command read next runs only on a condition (after `&&` or `||`).
#[derive(Default)]
pub(super) struct Posix {
    here_documents: Vec<HereDocument>,
    branches: Branches,
    after_and_or: bool,
}

/// A here-document whose body is still to be read.
struct HereDocument {
    /// The delimiter, its quotes removed.
    delimiter: String,
    /// `<<-`: leading tabs are stripped from the body's lines and the delimiter line.
    strip_tabs: bool,
}

/// The length of a console prompt at the start of `line`: `$ `, `# `, `% `, `> `, after an
/// optional `user@host:dir` (no spaces).
pub fn prompt_len(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    let word_end = rest.find([' ', '\t', '\n']).unwrap_or(rest.len());
    let word = &rest[..word_end];
    let is_prompt = word
        .chars()
        .last()
        .is_some_and(|c| matches!(c, '$' | '#' | '%' | '>'))
        && rest[word_end..].starts_with(' ');
    is_prompt.then_some(indent + word_end + 1)
}

/// What ended a word or a command.
#[derive(PartialEq, Eq)]
enum Stop {
    /// A blank between words.
    Blank,
    /// `;`, `&&`, `||`, `|`, `&`, a newline or the end: the command is over.
    CommandEnd,
}

impl ReadCommand for Reader<'_, '_, Posix> {
    /// Reads one command; true when it ended at a newline (or the end).
    fn command(&mut self, out: &mut Vec<Command>) -> bool {
        let mut words = Vec::new();
        let mut spans = Vec::new();
        loop {
            self.skip_blanks();
            match self.cur.peek() {
                None => {
                    self.finish(words, spans, out);
                    return true;
                }
                Some('\n') => {
                    self.cur.at += 1;
                    self.finish(words, spans, out);
                    self.skip_here_documents();
                    return true;
                }
                Some('#') => {
                    self.comment_here();
                    self.cur.at = self.cur.line_end();
                    self.finish(words, spans, out);
                    self.skip_here_documents();
                    return true;
                }
                // A docs placeholder (`<HOST>`) is a word, not a redirection.
                Some(c @ ('>' | '<')) if c == '>' || placeholder_len(self.cur.rest()).is_none() => {
                    // A redirection: the operator and its target are no words of the command,
                    // nor is a file descriptor number written against it (`2>&1`).
                    drop_descriptor(
                        &mut words,
                        &mut spans,
                        self.cur.span(self.cur.at, self.cur.at),
                    );
                    let operator = self.cur.at;
                    while matches!(self.cur.peek(), Some('>' | '<' | '&' | '|')) {
                        self.cur.at += 1;
                    }
                    // In bash's arithmetic (`(( x << 2 ))`) `<<` is a shift.
                    let arithmetic = words.first().is_some_and(|w| w.as_str().starts_with("(("));
                    let here_document =
                        !arithmetic && &self.cur.input.as_str()[operator..self.cur.at] == "<<";
                    let strip_tabs = here_document && self.cur.peek() == Some('-');
                    if strip_tabs {
                        self.cur.at += 1;
                    }
                    self.skip_blanks();
                    if !matches!(self.cur.peek(), None | Some('\n' | ';')) {
                        let start = self.cur.at;
                        let _ = self.word();
                        if here_document {
                            let written = &self.cur.input.as_str()[start..self.cur.at];
                            self.shell.here_documents.push(HereDocument {
                                delimiter: unquote(written),
                                strip_tabs,
                            });
                        }
                    }
                }
                Some(';' | '&' | '|') => {
                    let operator = self.cur.at;
                    while matches!(self.cur.peek(), Some(';' | '&' | '|')) {
                        self.cur.at += 1;
                    }
                    let and_or =
                        matches!(&self.cur.input.as_str()[operator..self.cur.at], "&&" | "||");
                    self.finish(words, spans, out);
                    self.shell.after_and_or = and_or;
                    return false;
                }
                Some(_) => {
                    let start = self.cur.at;
                    let (word, stop) = self.word();
                    spans.push(self.cur.span(start, self.cur.at));
                    words.push(word);
                    if stop == Stop::CommandEnd {
                        continue;
                    }
                }
            }
        }
    }
}

impl Reader<'_, '_, Posix> {
    /// Ends a command: its leading reserved words open and close the constructs they name,
    /// and what follows them is a command (after `&&` or `||`, one run on a condition).
    fn finish(&mut self, mut words: Vec<Text>, mut spans: Vec<Span>, out: &mut Vec<Command>) {
        if words.is_empty() {
            return;
        }
        let reserved = self.reserved_words(&words);
        if reserved == words.len() {
            self.shell.after_and_or = false;
            return;
        }
        words.drain(..reserved);
        spans.drain(..reserved);
        let conditional = std::mem::take(&mut self.shell.after_and_or);
        if conditional {
            self.shell.branches.open(false);
        }
        self.command_words(words, spans, out);
        if conditional {
            self.shell.branches.close(|name| self.vars.unset(name));
        }
    }

    /// How many of the leading `words` are reserved words of the shell's compound commands
    /// (bash(1) "Compound Commands", POSIX XCU §2.9.4) or a `case` arm's pattern, opening and
    /// closing the constructs they start and end. The words of a `case` or `for` head (`case
    /// $1 in`, `for x in a b`) are no command: all of them are counted.
    fn reserved_words(&mut self, words: &[Text]) -> usize {
        let mut reserved = 0;
        while let Some(word) = words.get(reserved) {
            match word.as_str() {
                "if" | "while" | "until" => self.shell.branches.open(false),
                "case" => {
                    self.shell.branches.open(true);
                    return words.len();
                }
                "for" | "select" => {
                    self.shell.branches.open(false);
                    return words.len();
                }
                "fi" | "done" | "esac" => self.shell.branches.close(|name| self.vars.unset(name)),
                "then" | "else" | "elif" | "do" | "!" | "{" | "}" | "time" => {}
                pattern
                    if self.shell.branches.in_case()
                        && pattern.ends_with(')')
                        && !pattern.contains("$(") => {}
                _ => break,
            }
            reserved += 1;
        }
        reserved
    }

    /// Keeps a command with words; an assignment-only command (`X=1`, `export X=1`,
    /// `export X`) sets its variables instead, and `unset X` forgets one.
    fn command_words(&mut self, words: Vec<Text>, spans: Vec<Span>, out: &mut Vec<Command>) {
        if words.first().is_some_and(|w| w.as_str() == "unset") {
            for name in words[1..].iter().filter(|w| !w.as_str().starts_with('-')) {
                self.vars.unset(name.as_str());
            }
            return;
        }
        let (assignments, exports) = match words.first().map(|w| w.as_str()) {
            Some("export") => (&words[1..], true),
            Some("declare" | "local" | "readonly") => (&words[1..], false),
            _ => (&words[..], false),
        };
        let exported_name = |w: &Text| exports && is_name(w.as_str());
        if !assignments.is_empty()
            && assignments
                .iter()
                .all(|w| assignment(w).is_some() || exported_name(w))
        {
            for w in assignments {
                if let Some((name, value)) = assignment(w) {
                    let before = self.vars.get(&name);
                    self.shell
                        .branches
                        .assigning(&name, before, Some(value.as_str()));
                }
                match assignment(w) {
                    Some((name, value)) if exports => self.vars.export(name, Some(value)),
                    Some((name, value)) => self.vars.assign(name, value),
                    None => self.vars.export(w.value.clone(), None),
                }
            }
            return;
        }
        out.extend(self.emit(words, spans));
    }

    /// At the start of the line after the one that holds `<<` operators: passes the body of
    /// each of their here-documents in turn, up to and with its delimiter line. A body
    /// without its delimiter line runs to the end of the text.
    fn skip_here_documents(&mut self) {
        for here in std::mem::take(&mut self.shell.here_documents) {
            while self.cur.at < self.cur.end {
                let line_end = self.cur.line_end();
                let line = &self.cur.input.as_str()[self.cur.at..line_end];
                self.cur.at = line_end;
                let mut line = line.trim_end_matches(['\n', '\r']);
                if self.layout == Layout::Console {
                    // The shell prints its secondary prompt before each line it reads.
                    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
                    line = line[indent..].strip_prefix("> ").unwrap_or(line);
                }
                if here.strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                if line == here.delimiter {
                    break;
                }
            }
        }
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.cur.peek() {
                Some(' ' | '\t' | '\r') => self.cur.at += 1,
                // A continuation between words.
                Some('\\') if self.continuation_len().is_some() => self.continue_line(),
                _ => return,
            }
        }
    }

    /// Passes a backslash-newline, and in a terminal session the secondary prompt (`> `) the
    /// shell prints on the line it continues onto.
    fn continue_line(&mut self) {
        self.cur.at += self.continuation_len().unwrap_or(0);
        if self.layout == Layout::Console {
            let rest = self.cur.rest();
            let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if rest[indent..].starts_with("> ") {
                self.cur.at += indent + 2;
            }
        }
    }

    /// The length of a backslash-newline here (`\` then `\n` or `\r\n`).
    fn continuation_len(&self) -> Option<usize> {
        self.cur.newline_len(1).map(|n| n + 1)
    }

    /// One word, and what ended it.
    fn word(&mut self) -> (Text, Stop) {
        let mut word = Text::default();
        loop {
            let Some(c) = self.cur.peek() else {
                return (word, Stop::CommandEnd);
            };
            match c {
                '<' if let Some(len) = placeholder_len(self.cur.rest()) => {
                    let start = self.cur.at;
                    self.cur.copy(&mut word, start, start + len);
                    self.cur.at += len;
                }
                ' ' | '\t' | '\r' | '>' | '<' => return (word, Stop::Blank),
                '\n' | ';' | '&' | '|' => return (word, Stop::CommandEnd),
                '\\' => {
                    if self.continuation_len().is_some() {
                        self.continue_line();
                        continue;
                    }
                    self.cur.escaped(&mut word, |_| None);
                }
                '\'' => {
                    let start = self.cur.at + 1;
                    let close = self.cur.rest()[1..].find('\'').map(|i| start + i);
                    let end = close.unwrap_or(self.cur.end);
                    self.cur.copy(&mut word, start, end);
                    self.cur.at = close.map_or(self.cur.end, |c| c + 1);
                }
                '"' => {
                    self.cur.at += 1;
                    self.double_quoted(&mut word);
                }
                '$' => self.dollar(&mut word),
                '`' => {
                    // A command substitution: kept as written, up to the closing backquote.
                    let start = self.cur.at;
                    self.cur.at = self.cur.rest()[1..]
                        .find('`')
                        .map_or(self.cur.end, |i| start + 1 + i + 1);
                    self.cur.as_written(&mut word, start);
                }
                _ => self.cur.take(&mut word),
            }
        }
    }

    /// Inside `"…"`: `\` escapes only `$`, `` ` ``, `"`, `\` and the newline.
    fn double_quoted(&mut self, word: &mut Text) {
        while let Some(c) = self.cur.peek() {
            match c {
                '"' => {
                    self.cur.at += 1;
                    return;
                }
                '\\' if matches!(self.cur.peek_at(1), Some('$' | '`' | '"' | '\\')) => {
                    self.cur.escaped(word, |_| None);
                }
                '\\' if self.continuation_len().is_some() => self.continue_line(),
                '$' => self.dollar(word),
                _ => self.cur.take(word),
            }
        }
    }

    /// `$NAME`, `${NAME}`, `${NAME:-default}` (`-` too): the variable's value when the text
    /// assigned it, else the default, else the expression as written. `$(…)` stays as written.
    fn dollar(&mut self, word: &mut Text) {
        let start = self.cur.at;
        let rest = &self.cur.rest()[1..];
        if rest.starts_with('(') {
            self.cur.at = matching(rest, '(', ')').map_or(self.cur.end, |i| start + 1 + i + 1);
            self.cur.as_written(word, start);
            return;
        }
        if let Some(braced) = rest.strip_prefix('{') {
            let Some(close) = braced.find('}') else {
                self.cur.at = self.cur.end;
                self.cur.as_written(word, start);
                return;
            };
            let inner = &braced[..close];
            let inner_start = start + 2;
            self.cur.at = inner_start + close + 1;
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
                (Some(value), _) if !value.is_empty() => word.push_text(value),
                (_, Some(default)) if is_name(name) => {
                    self.cur.copy(word, default.start, default.end);
                }
                _ => self.cur.as_written(word, start),
            }
            return;
        }
        let name_len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        if name_len == 0 {
            self.cur.at += 1;
            self.cur.as_written(word, start);
            return;
        }
        let name = &rest[..name_len];
        self.cur.at = start + 1 + name_len;
        match self.vars.get(name) {
            Some(value) => word.push_text(value),
            None => self.cur.as_written(word, start),
        }
    }
}

/// Drops the last word when it is a file descriptor number written against the redirection
/// operator at `operator` (`2>&1`): it belongs to the redirection.
fn drop_descriptor(words: &mut Vec<Text>, spans: &mut Vec<Span>, operator: Span) {
    let against = spans
        .last()
        .is_some_and(|s| s.file == operator.file && s.end == operator.start);
    let number = words
        .last()
        .is_some_and(|w| !w.value.is_empty() && w.value.bytes().all(|b| b.is_ascii_digit()));
    if against && number {
        words.pop();
        spans.pop();
    }
}

/// The delimiter a here-document's word `written` names: the word with its quotes removed
/// and nothing expanded (`'EOF'`, `"EOF"`, `\EOF` and `E"O"F` are all `EOF`).
fn unquote(written: &str) -> String {
    let mut out = String::new();
    let mut chars = written.chars();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '\\') | (Some('"'), '\\') => match chars.next() {
                // A backslash-newline continues the word.
                Some('\n') => {}
                Some(next) if quote.is_none() || matches!(next, '$' | '`' | '"' | '\\') => {
                    out.push(next);
                }
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

/// `NAME=value` as an assignment: the name and the value's text.
fn assignment(word: &Text) -> Option<(String, Text)> {
    let eq = word.value.find('=')?;
    let name = &word.value[..eq];
    is_name(name).then(|| (name.to_string(), word.slice(eq + 1..word.value.len())))
}

#[cfg(test)]
mod tests {
    use super::super::words::Shell;
    use super::super::words::tests::{exported, read_all, source_of, split, words as read};
    use super::*;

    fn words(src: &str) -> Vec<Vec<String>> {
        read(src, Shell::Posix, Layout::Script)
    }

    #[test]
    fn a_command_sees_the_variables_exported_before_it() {
        let src = "A=1\nexport B=2 D E=6\ndocker ps\nexport A\nB=3\nC=4\nD=5\nunset E\ndocker ps\n";
        let cmds = read_all(src, Shell::Posix);
        assert_eq!(exported(&cmds[0]), ["B=2", "E=6"]);
        // `export A` exports the value assigned earlier, `export D` the one assigned later;
        // assigning an exported `B` changes what is exported; `C` is the shell's own; `E` is
        // unset.
        assert_eq!(exported(&cmds[1]), ["A=1", "B=3", "D=5"]);
        let b = &cmds[1].exported["B"];
        assert_eq!(&src[b.primary_span().unwrap().start..][..1], "3");
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
        assert_eq!(
            source_of(src, Shell::Posix, 3, "localhost").as_deref(),
            Some("localhost")
        );
        let c = &read_all(src, Shell::Posix)[0];
        assert_eq!(
            &src[c.word_spans[3].start..c.word_spans[3].end],
            "\"OLLAMA_BASE_URL=http://localhost:11434\""
        );
    }

    #[test]
    fn variables_assigned_earlier_expand_with_their_provenance() {
        let src = "HOST=localhost\nexport PORT=11434\ndocker run -e URL=http://$HOST:${PORT} -e X=${MISSING:-dflt} -e Y=$(cat f) img\n";
        let cmds = read_all(src, Shell::Posix);
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
    fn a_value_that_depends_on_a_branch_is_forgotten() {
        let src = "if [ \"$GPU\" ]; then\n  URL=http://ollama:11434\nelse\n  URL=http://host:11434\nfi\n\
                   case $1 in\n  a) M=1 ;;\n  *) M=2 ;;\nesac\n\
                   [ -z \"$D\" ] && D=dflt\nK=1\n[ \"$X\" ] && K=2\n\
                   docker run -e A=$URL -e B=$M -e C=$D -e E=$K img\n";
        let cmds = words(src);
        assert_eq!(
            cmds.last().unwrap(),
            &split("docker|run|-e|A=$URL|-e|B=$M|-e|C=dflt|-e|E=$K|img")
        );
    }

    #[test]
    fn reserved_words_lead_the_command_they_start() {
        let src =
            "if true; then docker run a; else docker run b; fi\nwhile x; do docker run c; done\n";
        let runs: Vec<Vec<String>> = words(src)
            .into_iter()
            .filter(|w| w.first().is_some_and(|w| w == "docker"))
            .collect();
        assert_eq!(
            runs,
            vec![
                split("docker|run|a"),
                split("docker|run|b"),
                split("docker|run|c")
            ]
        );
    }

    #[test]
    fn a_placeholder_is_text_not_a_redirection() {
        assert_eq!(
            words(
                "docker run -e H=<POSTGRES_HOST> \\\n -e U=http://<your-ip>:1 img <cmd> <in >out 2>&1\n"
            ),
            vec![split(
                "docker|run|-e|H=<POSTGRES_HOST>|-e|U=http://<your-ip>:1|img|<cmd>"
            )]
        );
    }

    #[test]
    fn console_lines_are_commands_after_a_prompt_and_output_is_skipped() {
        let src = "$ docker run -d \\\n    --name ollama ollama/ollama\nabc123\nuser@box:~$ docker ps\nCONTAINER ID   IMAGE\n# docker exec ollama ollama list\n";
        assert_eq!(
            read(src, Shell::Posix, Layout::Console),
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
            read(src, Shell::Posix, Layout::Console),
            vec![vec!["docker", "run", "-d", "-e", "A=b", "img"]]
        );
    }

    /// Checks that `src` reads as `cat` (whose here-document body is passed over), then
    /// `docker ps`.
    fn assert_body_skipped(src: &str) {
        assert_eq!(words(src), [split("cat"), split("docker|ps")], "{src:?}");
    }

    #[test]
    fn a_here_document_body_is_no_commands() {
        // The operator and the delimiter are no words, the body no commands, and a `#` in it
        // no comment.
        let src = "cat <<EOF > notes.txt\ndocker run -e OLLAMA_BASE_URL=http://localhost:11434 x\n# not a comment\nEOF\ndocker ps\n";
        assert_body_skipped(src);
        let mut vars = super::super::words::Variables::new();
        let reading = super::super::words::reading(
            crate::source::FileId(0),
            src,
            0..src.len(),
            Shell::Posix,
            Layout::Script,
            &mut vars,
        );
        assert!(reading.comments.is_empty());
    }

    #[test]
    fn here_document_delimiters_quoted_tabbed_and_several_on_a_line() {
        // Quotes are removed from the delimiter and nothing in it is expanded.
        for open in ["'EOF'", "\"EOF\"", "\\EOF", "E\"O\"F"] {
            assert_body_skipped(&format!(
                "X=1\ncat <<{open}\ndocker run $X\nEOF\ndocker ps\n"
            ));
        }
        assert_body_skipped("X=1\ncat <<$X\ndocker run a\n$X\ndocker ps\n");
        // `<<-` strips leading tabs from the body and the delimiter line; `<<` does not, so
        // its body runs on past a tabbed delimiter.
        assert_body_skipped("cat <<-END\n\tdocker run a\n\tEND\n\tdocker ps\n");
        assert_body_skipped("cat <<END\n\tEND\ndocker run a\nEND\ndocker ps\n");
        // Two here-documents on one line are read in order after it, after the commands
        // that follow on the line.
        let two = "cat <<A; cat <<'B' | docker load\ndocker run a\nA\ndocker run b\nB\ndocker ps\n";
        assert_eq!(
            words(two),
            [
                split("cat"),
                split("cat"),
                split("docker|load"),
                split("docker|ps")
            ]
        );
    }

    #[test]
    fn an_unterminated_here_document_runs_to_the_end() {
        assert_eq!(
            words("docker ps\ncat <<EOF\ndocker run a\nEOF \n"),
            [split("docker|ps"), split("cat")]
        );
        // The delimiter is a whole line: a comment after the operator does not change it.
        assert_body_skipped("cat <<EOF # write\ndocker run a\nEOF\ndocker ps");
    }

    #[test]
    fn a_here_string_and_a_shift_start_no_here_document() {
        assert_eq!(
            words("cat <<< EOF\ndocker run a\nEOF\n(( n = 1 << 2 ))\ndocker ps\n"),
            [
                split("cat"),
                split("docker|run|a"),
                split("EOF"),
                split("((|n|=|1|))"),
                split("docker|ps")
            ]
        );
    }

    #[test]
    fn a_session_here_document_ends_at_its_prompted_delimiter() {
        let src = "$ cat <<EOF > x\n> docker run a\n> EOF\n$ docker ps\n";
        assert_eq!(
            read(src, Shell::Posix, Layout::Console),
            [split("cat"), split("docker|ps")]
        );
    }

    #[test]
    fn prompts() {
        assert_eq!(prompt_len("$ docker"), Some(2));
        assert_eq!(prompt_len("  # docker"), Some(4));
        assert_eq!(prompt_len("me@host:~/x$ docker"), Some(13));
        assert_eq!(prompt_len("docker run"), None);
        assert_eq!(prompt_len("CONTAINER ID   IMAGE"), None);
    }
}
