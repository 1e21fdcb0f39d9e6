//! Splits PowerShell text (a `.ps1` script, a Markdown `powershell` block, a `PS C:\>`
//! session) into commands of words, as PowerShell's tokenizer reads a command's arguments
//! (`src/System.Management.Automation/engine/parser/tokenizer.cs` in PowerShell/PowerShell;
//! docs/knowledge/facts.md, "How the command readers' shells read a line"):
//!
//! - a backtick at the end of a line, after a blank, continues the command; a backtick
//!   before any other character escapes it (`` `n `` is a newline, `` `" `` a quote), also
//!   inside double quotes, where it continues nothing; in a parameter token (`-d`) it is
//!   itself, and such a token ends at a `.`;
//! - single quotes are literal, `''` inside them is one quote; double quotes expand variables
//!   and take `""` as one quote;
//! - `#` at the start of a word comments out the rest of the line, `<# … #>` is a comment;
//! - `;`, `|`, `&&`, `||`, a lone `&` after the arguments, and `{`, `}` end a command; `&`
//!   before a command is the call operator; `,` separates the elements of an array argument,
//!   which a native program receives as separate arguments;
//! - `$X = "…"` and `$env:X = "…"` assign a variable (names of either kind are
//!   case-insensitive), expanded where used (`$X`, `${X}`, `$env:X`, also inside double
//!   quotes) with the assignment's provenance. `$name:rest` names a variable of a scope or a
//!   drive (`$HOST:11434` is not `$HOST` then `:11434`), so only `env:` and the scopes
//!   `global:`, `local:`, `script:` and `private:` are expanded; a subexpression `$(…)` stays
//!   as written;
//! - `Remove-Item Env:NAME` (and its aliases), `$env:NAME = $null` or `''`, and
//!   `[Environment]::SetEnvironmentVariable('NAME', …)` take the variable out of the
//!   environment the reader knows.

use crate::knowledge::image::glob_matches;
use crate::text::Text;

use super::branches::Branches;
use super::words::{Command, Layout, ReadCommand, Reader, matching};

/// PowerShell's reader ([`Reader`] of `PowerShell`).
#[derive(Default)]
pub(super) struct PowerShell {
    /// The script blocks open (`if (…) {`, `else {`, `foreach (…) {`): an assignment in one
    /// may or may not run.
    branches: Branches,
}

/// The length of PowerShell's prompt at the start of `line`: `PS C:\Users\me> ` or `PS> `.
pub fn prompt_len(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    let after = if rest.starts_with("PS>") {
        3
    } else {
        let path = rest.strip_prefix("PS ")?;
        3 + path.find("> ")? + 1
    };
    Some(indent + after + usize::from(rest[after..].starts_with(' ')))
}

fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{201e}')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2015}')
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\u{b}' | '\u{c}' | '\u{a0}')
}

/// A character that ends a word written without quotes (`ForceStartNewToken`).
fn ends_word(c: char) -> bool {
    is_blank(c) || matches!(c, '\n' | '&' | '(' | ')' | ',' | ';' | '{' | '|' | '}')
}

/// What a backtick makes of the character after it (`Backtick` in the tokenizer).
fn backtick(c: char) -> Option<char> {
    Some(match c {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'e' => '\u{1b}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        _ => return None,
    })
}

/// The key a variable reference (what follows `$`, or the inside of `${…}`) is kept under:
/// the name in lower case, `env:` and the name for an environment variable. None for a
/// variable of a drive, or one the reader does not follow.
fn variable_key(name: &str) -> Option<String> {
    let (scope, name) = match name.split_once(':') {
        Some((scope, name)) => (Some(scope.to_ascii_lowercase()), name),
        None => (None, name),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let name = name.to_ascii_lowercase();
    match scope.as_deref() {
        None | Some("global" | "local" | "script" | "private") => Some(name),
        Some("env") => Some(format!("env:{name}")),
        Some(_) => None,
    }
}

/// The length of the variable name after `$` in `rest` as the tokenizer scans it: letters,
/// digits, `_`, `?` and `:` (not `::`); `$$`, `$?` and `$^` are one character.
fn name_len(rest: &str) -> usize {
    match rest.chars().next() {
        Some('$' | '?' | '^') => return 1,
        None => return 0,
        _ => {}
    }
    let mut len = 0;
    for (i, c) in rest.char_indices() {
        let scope = c == ':' && !rest[i + 1..].starts_with(':') && i > 0;
        if c.is_alphanumeric() || c == '_' || c == '?' || scope {
            len = i + c.len_utf8();
        } else {
            break;
        }
    }
    len
}

/// `Remove-Item` and its aliases (Microsoft docs, "Remove-Item", Notes), lowercase.
const REMOVE_ITEM: &[&str] = &["remove-item", "ri", "rm", "rmdir", "del", "erase", "rd"];

/// `[Environment]::SetEnvironmentVariable` as PowerShell lets it be written, lowercase.
const SET_ENVIRONMENT_VARIABLE: &[&str] = &[
    "[environment]::setenvironmentvariable",
    "[system.environment]::setenvironmentvariable",
];

/// The variable name (or wildcard pattern) of a path on the environment drive: `Env:NAME`,
/// `env:\NAME`, `Env:/NAME`.
fn environment_path(path: &str) -> Option<&str> {
    let drive = path.get(..4)?;
    if !drive.eq_ignore_ascii_case("env:") {
        return None;
    }
    let name = &path[4..];
    Some(name.strip_prefix(['\\', '/']).unwrap_or(name))
}

/// Whether `name` may match PowerShell wildcard `pattern`, case-insensitively: `*` any run;
/// `?` and a `[…]` set are widened to any run, so that a pattern removes at least what
/// PowerShell removes (a value kept that is gone could make a false finding).
fn wildcard_matches(pattern: &str, name: &str) -> bool {
    let mut glob = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '?' => glob.push('*'),
            '[' => {
                chars.by_ref().find(|&c| c == ']');
                glob.push('*');
            }
            c => glob.push(c.to_ascii_lowercase()),
        }
    }
    glob_matches(&glob, &name.to_ascii_lowercase())
}

impl ReadCommand for Reader<'_, '_, PowerShell> {
    /// Reads one statement; true when it ended at a newline (or the end).
    fn command(&mut self, out: &mut Vec<Command>) -> bool {
        let mut words: Vec<Text> = Vec::new();
        let mut spans = Vec::new();
        self.skip_blanks();
        // An assignment is no command: what follows it on its statement is its value.
        let keep = !self.assignment();
        let finish = |reader: &mut Self, out: &mut Vec<Command>, words: Vec<Text>, spans| {
            if keep {
                reader.remove_environment(&words);
                out.extend(reader.emit(words, spans));
            }
        };
        loop {
            self.skip_blanks();
            let Some(c) = self.cur.peek() else {
                finish(self, out, words, spans);
                return true;
            };
            match c {
                '\n' => {
                    self.cur.at += 1;
                    finish(self, out, words, spans);
                    return true;
                }
                '#' => {
                    self.comment_here();
                    self.skip_to_newline();
                }
                '<' if self.cur.peek_at(1) == Some('#') => {
                    self.cur.at = match self.cur.rest().find("#>") {
                        Some(i) => self.cur.at + i + 2,
                        None => self.cur.end,
                    };
                }
                ';' | '|' | '{' | '}' | ')' => {
                    self.cur.at += 1;
                    if c == '|' && self.cur.peek() == Some('|') {
                        self.cur.at += 1;
                    }
                    finish(self, out, words, spans);
                    match c {
                        '{' => self.shell.branches.open(false),
                        '}' => {
                            let mut forgotten = Vec::new();
                            self.shell
                                .branches
                                .close(|name| forgotten.push(name.to_string()));
                            for name in forgotten {
                                self.set(name, None);
                            }
                        }
                        _ => {}
                    }
                    return false;
                }
                '&' if self.cur.peek_at(1) != Some('&') && words.is_empty() => {
                    // The call operator: `& docker run …`, `& "C:\…\docker.exe" run …`.
                    self.cur.at += 1;
                }
                '&' => {
                    self.cur.at += if self.cur.peek_at(1) == Some('&') {
                        2
                    } else {
                        1
                    };
                    finish(self, out, words, spans);
                    return false;
                }
                ',' => self.cur.at += 1,
                _ => {
                    if let Some((len, target)) = self.redirection() {
                        self.cur.at += len;
                        self.skip_blanks();
                        if target && self.cur.peek().is_some_and(|c| !ends_word(c)) {
                            let _ = self.word();
                        }
                        continue;
                    }
                    let start = self.cur.at;
                    let word = self.word();
                    spans.push(self.cur.span(start, self.cur.at));
                    words.push(word);
                }
            }
        }
    }
}

impl Reader<'_, '_, PowerShell> {
    /// A redirection operator here (`>`, `>>`, `2>`, `*>`, `2>&1`): its length, and whether
    /// a file name follows it.
    fn redirection(&self) -> Option<(usize, bool)> {
        let rest = self.cur.rest().as_bytes();
        let stream = usize::from(matches!(rest.first(), Some(b'1'..=b'6' | b'*')));
        let arrows = rest[stream..]
            .iter()
            .take(2)
            .take_while(|b| **b == b'>')
            .count();
        if arrows == 0 {
            return None;
        }
        let len = stream + arrows;
        match rest.get(len..len + 2) {
            Some([b'&', b'1' | b'2']) => Some((len + 2, false)),
            _ => Some((len, true)),
        }
    }

    /// `$X = "value"`, `$env:X = 'value'`, `${X} = 11434`: records the variable and returns
    /// true. Any other value (a command, an expression) leaves the variable unknown.
    fn assignment(&mut self) -> bool {
        let rest = self.cur.rest();
        let Some(reference) = rest.strip_prefix('$') else {
            return false;
        };
        let (key, len) = match reference.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(close) => (variable_key(&braced[..close]), close + 2),
                None => return false,
            },
            None => {
                let len = name_len(reference);
                (variable_key(&reference[..len]), len)
            }
        };
        let after = &reference[len..];
        let operator = after.trim_start_matches([' ', '\t']);
        let simple = operator.starts_with('=') && !operator.starts_with("==");
        let compound = ["+=", "-=", "*=", "/=", "%=", "??="]
            .iter()
            .find(|op| operator.starts_with(**op));
        if len == 0 || !(simple || compound.is_some()) {
            return false;
        }
        let Some(key) = key else { return true };
        let before = self.vars.get(&key).cloned();
        self.set(key.clone(), None);
        if compound.is_some() {
            self.shell.branches.assigning(&key, before.as_ref(), None);
            return true;
        }
        self.cur.at += 1 + len + (after.len() - operator.len()) + 1;
        self.skip_blanks();
        let literal = self
            .cur
            .peek()
            .is_some_and(|c| is_single_quote(c) || is_double_quote(c) || c.is_ascii_digit());
        if !literal {
            self.shell.branches.assigning(&key, before.as_ref(), None);
            return true;
        }
        let value = self.word();
        self.skip_blanks();
        let over = match self.cur.peek() {
            None | Some('\n' | ';' | '#') => true,
            Some('<') => self.cur.peek_at(1) == Some('#'),
            Some(_) => false,
        };
        let known = over.then_some(value);
        self.shell.branches.assigning(
            &key,
            before.as_ref(),
            known.as_ref().map(|v| v.value.as_str()),
        );
        if let Some(value) = known {
            self.set(key, Some(value));
        }
        true
    }

    /// Sets variable `key` (None: to a value the reader does not know); an `env:` variable is
    /// the process environment's, which docker inherits. An environment variable assigned
    /// an empty string is removed up to PowerShell 7.4, and empty from 7.5 on: either way it
    /// holds no value a command could use, and the reader takes it as removed.
    fn set(&mut self, key: String, value: Option<Text>) {
        match key.strip_prefix("env:").map(str::to_string) {
            Some(name) => {
                let value = value.filter(|v| !v.is_empty());
                self.vars.set_environment(key, &name, value);
            }
            None => match value {
                Some(value) => self.vars.assign(key, value),
                None => self.vars.unset(&key),
            },
        }
    }

    /// A command that removes variables of the process environment: `Remove-Item Env:NAME`
    /// (or an alias; `-Path`, `-LiteralPath`, `Env:\NAME`, a wildcard in a path) and
    /// `[Environment]::SetEnvironmentVariable('NAME', …)` for the process, whose value the
    /// reader leaves unknown. A name the reader cannot know (`Env:$name`) is left alone, as
    /// the reader follows no function; `-WhatIf` removes nothing.
    fn remove_environment(&mut self, words: &[Text]) {
        let Some(command) = words.first().map(|w| w.as_str().to_ascii_lowercase()) else {
            return;
        };
        let lower = |w: &Text| w.as_str().to_ascii_lowercase();
        if REMOVE_ITEM.contains(&command.as_str()) {
            let what_if = words[1..]
                .iter()
                .any(|w| w.as_str().len() > 2 && "-whatif".starts_with(&lower(w)));
            if what_if {
                return;
            }
            let mut literal = false;
            for word in &words[1..] {
                let word = word.as_str();
                let path = match word.strip_prefix('-') {
                    // `-Path:Env:NAME`: the parameter and its argument in one token.
                    Some(parameter) => match parameter.split_once(':') {
                        Some((_, path)) => path,
                        None => {
                            let parameter = parameter.to_ascii_lowercase();
                            literal = "literalpath".starts_with(&parameter)
                                || parameter == "lp"
                                || parameter == "pspath";
                            continue;
                        }
                    },
                    None => word,
                };
                if let Some(name) = environment_path(path) {
                    self.remove_environment_names(name, literal);
                }
            }
        } else if SET_ENVIRONMENT_VARIABLE.contains(&command.as_str()) {
            let Some(arguments) = words.get(1).and_then(|w| {
                w.as_str()
                    .strip_prefix('(')
                    .and_then(|a| a.strip_suffix(')'))
            }) else {
                return;
            };
            let arguments: Vec<&str> = arguments.split(',').map(str::trim).collect();
            // A third argument other than the process sets the user's or the machine's
            // variable, for processes started later.
            let process = arguments
                .get(2)
                .is_none_or(|target| target.to_ascii_lowercase().contains("process"));
            let name = arguments.first().and_then(|a| {
                let quoted = a.get(1..a.len().saturating_sub(1))?;
                let quotes = a.starts_with(is_single_quote) && a.ends_with(is_single_quote)
                    || a.starts_with(is_double_quote) && a.ends_with(is_double_quote);
                quotes.then_some(quoted)
            });
            if let Some(name) = name.filter(|_| process && arguments.len() >= 2) {
                self.remove_environment_names(name, true);
            }
        }
    }

    /// Removes the environment variables `name` names: itself, or with wildcards (unless
    /// `literal`) the ones the text set whose names match it.
    fn remove_environment_names(&mut self, name: &str, literal: bool) {
        let valid = |c: char| c.is_alphanumeric() || c == '_';
        if literal || name.chars().all(valid) {
            if !name.is_empty() && name.chars().all(valid) {
                self.set(format!("env:{}", name.to_ascii_lowercase()), None);
            }
            return;
        }
        for set in self.vars.environment_names() {
            if wildcard_matches(name, &set) {
                self.set(format!("env:{}", set.to_ascii_lowercase()), None);
            }
        }
    }

    /// Passes the rest of the line, up to its newline.
    fn skip_to_newline(&mut self) {
        self.cur.at = self
            .cur
            .rest()
            .find('\n')
            .map_or(self.cur.end, |i| self.cur.at + i);
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.cur.peek() {
                Some(c) if is_blank(c) => self.cur.bump(),
                Some('`') => match self.cur.newline_len(1) {
                    Some(newline) => self.continue_line(1 + newline),
                    // A backtick before a blank escapes it into a blank.
                    None if self.cur.peek_at(1).is_some_and(is_blank) => self.cur.at += 1,
                    None => return,
                },
                _ => return,
            }
        }
    }

    /// Passes a continuation of `len` bytes, and in a terminal session the prompt (`>> `) the
    /// shell prints on the line it continues onto.
    fn continue_line(&mut self, len: usize) {
        self.cur.at += len;
        if self.layout == Layout::Console {
            let rest = self.cur.rest();
            let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if rest[indent..].starts_with(">> ") {
                self.cur.at += indent + 3;
            }
        }
    }

    /// One word, up to a character that ends it.
    fn word(&mut self) -> Text {
        let mut word = Text::default();
        match self.cur.peek() {
            Some('(') => {
                // An expression in parentheses: kept as written.
                let start = self.cur.at;
                self.cur.at =
                    matching(self.cur.rest(), '(', ')').map_or(self.cur.end, |i| start + i + 1);
                self.cur.as_written(&mut word, start);
                return word;
            }
            Some('@') if self.here_string(&mut word) => return word,
            Some(c) if is_dash(c) && self.parameter(&mut word) => return word,
            _ => {}
        }
        self.generic(&mut word);
        word
    }

    /// A parameter token, `-` and a letter (`-e`, `-p`): the tokenizer takes a backtick in it
    /// as itself and ends it at a `.` (`-Dfoo.bar` reaches a program as `-Dfoo` and `.bar`:
    /// PowerShell/PowerShell#6291). True when the token is over; false when a quote makes it
    /// an argument like any other, whose rest [`Reader::generic`] reads.
    fn parameter(&mut self, word: &mut Text) -> bool {
        let starts = self
            .cur
            .peek_at(1)
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '?');
        if !starts {
            return false;
        }
        self.cur.take(word);
        while let Some(c) = self.cur.peek() {
            if is_single_quote(c) || is_double_quote(c) {
                return false;
            }
            if ends_word(c) || c == '.' || c == '[' {
                break;
            }
            self.cur.take(word);
        }
        true
    }

    /// The rest of a word written without quotes (a generic token), up to a character that
    /// ends it: backticks escape, quotes and variables work inside it.
    fn generic(&mut self, word: &mut Text) {
        while let Some(c) = self.cur.peek() {
            match c {
                c if ends_word(c) => break,
                '`' => match self.cur.peek_at(1) {
                    Some(_) => self.escape(word),
                    // A backtick at the very end is itself.
                    None => self.cur.take(word),
                },
                c if is_single_quote(c) => self.single_quoted(word),
                c if is_double_quote(c) => self.double_quoted(word),
                '$' => self.dollar(word),
                _ => self.cur.take(word),
            }
        }
    }

    /// A backtick and the character after it: that character, or what the escape means
    /// (`` `n `` a newline; `` `u{2014} `` the code point).
    fn escape(&mut self, word: &mut Text) {
        let start = self.cur.at;
        if self.cur.peek_at(1) == Some('u') && self.cur.peek_at(2) == Some('{') {
            let rest = &self.cur.rest()[3..];
            let close = rest.find('}');
            let code = close
                .and_then(|i| u32::from_str_radix(&rest[..i], 16).ok())
                .and_then(char::from_u32);
            if let (Some(close), Some(c)) = (close, code) {
                self.cur.at += 3 + close + 1;
                self.cur
                    .stand_in(word, c.encode_utf8(&mut [0; 4]), start, self.cur.at);
                return;
            }
        }
        self.cur.escaped(word, backtick);
    }

    /// `'…'`: literal, `''` is one quote.
    fn single_quoted(&mut self, word: &mut Text) {
        self.cur.bump();
        while let Some(c) = self.cur.peek() {
            if is_single_quote(c) {
                if self.closes(word, is_single_quote, "'") {
                    return;
                }
            } else {
                self.cur.take(word);
            }
        }
    }

    /// At a quote of the kind (`same`) that opened the string: a doubled one is one quote
    /// (`quote`), appended; a single one closes the string, and true.
    fn closes(&mut self, word: &mut Text, same: fn(char) -> bool, quote: &str) -> bool {
        let start = self.cur.at;
        self.cur.bump();
        if !self.cur.peek().is_some_and(same) {
            return true;
        }
        self.cur.bump();
        self.cur.stand_in(word, quote, start, self.cur.at);
        false
    }

    /// `"…"`: backtick escapes, `""` is one quote, variables expand.
    fn double_quoted(&mut self, word: &mut Text) {
        self.cur.bump();
        while let Some(c) = self.cur.peek() {
            match c {
                c if is_double_quote(c) => {
                    if self.closes(word, is_double_quote, "\"") {
                        return;
                    }
                }
                '`' if self.cur.peek_at(1).is_some() => self.escape(word),
                '$' => self.dollar(word),
                _ => self.cur.take(word),
            }
        }
    }

    /// A here-string, `@"` or `@'` at the end of a line up to a line that starts with `"@`
    /// or `'@`: its lines, as written (variables in an expandable one are not followed).
    fn here_string(&mut self, word: &mut Text) -> bool {
        let quote = match self.cur.peek_at(1) {
            Some(q @ ('"' | '\'')) => q,
            _ => return false,
        };
        let Some(newline) = self.cur.newline_len(2) else {
            return false;
        };
        // The content runs from the line after the opening to the newline before the
        // closing line.
        let opening_newline = self.cur.at + 2 + newline - 1;
        let src = self.cur.input.as_str();
        let closing = format!("\n{quote}@");
        // Without its closing line, the string runs to the end (as PowerShell reads it).
        let close = src[opening_newline..self.cur.end]
            .find(&closing)
            .unwrap_or(self.cur.end - opening_newline);
        let start = opening_newline + 1;
        let end = (opening_newline + close).max(start);
        let end = if end > start && src[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        self.cur.copy(word, start, end);
        self.cur.at = (opening_newline + close + closing.len()).min(self.cur.end);
        true
    }

    /// `$X`, `${X}`, `$env:X`: the variable's value when the text assigned it, else the
    /// reference as written. `$(…)` stays as written; a `$` before anything else is itself.
    fn dollar(&mut self, word: &mut Text) {
        let start = self.cur.at;
        let rest = &self.cur.rest()[1..];
        let key = if rest.starts_with('(') {
            self.cur.at = matching(rest, '(', ')').map_or(self.cur.end, |i| start + 1 + i + 1);
            None
        } else if let Some(braced) = rest.strip_prefix('{') {
            let close = braced.find('}');
            self.cur.at = close.map_or(self.cur.end, |i| start + 2 + i + 1);
            close.and_then(|i| variable_key(&braced[..i]))
        } else {
            // A `$` before no name is itself.
            let len = name_len(rest);
            self.cur.at = start + 1 + len;
            variable_key(&rest[..len])
        };
        match key.and_then(|k| self.vars.get(&k)) {
            Some(value) => word.push_text(value),
            None => self.cur.as_written(word, start),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::words::Shell;
    use super::super::words::tests::{
        assert_reads_session, exported, read_all, source_of, split, words as read,
    };
    use super::*;

    fn words(src: &str) -> Vec<Vec<String>> {
        read(src, Shell::PowerShell, Layout::Script)
    }

    #[test]
    fn env_variables_are_the_environment_docker_inherits() {
        let src = "$url = 'http://a:1'\n$env:Ollama_Url = \"http://b:2\"\n$env:GONE = 'x'\ndocker ps\n$env:GONE = Get-X\ndocker ps\n";
        let cmds = read_all(src, Shell::PowerShell);
        // A variable of the script's own is not exported; names are kept uppercase.
        assert_eq!(exported(&cmds[0]), ["GONE=x", "OLLAMA_URL=http://b:2"]);
        // A value the reader cannot know leaves the variable out.
        assert_eq!(exported(&cmds[1]), ["OLLAMA_URL=http://b:2"]);
    }

    #[test]
    fn removed_environment_variables_are_gone() {
        let set =
            "$env:A = 'a'\n$env:B = 'b'\n$env:C = 'c'\n$env:OLLAMA_X = 'x'\n$env:OLLAMA_Y = 'y'\n";
        let after = |removal: &str| {
            let src = format!("{set}{removal}\ndocker run -e A -e B -e C img\n");
            let cmds = read_all(&src, Shell::PowerShell);
            (
                exported(cmds.last().unwrap()),
                cmds.last().unwrap().words.clone(),
            )
        };
        let all = ["A=a", "B=b", "C=c", "OLLAMA_X=x", "OLLAMA_Y=y"];
        let without = |gone: &[&str]| -> Vec<String> {
            all.iter()
                .filter(|v| !gone.contains(&&v[..v.find('=').unwrap()]))
                .map(|v| v.to_string())
                .collect()
        };
        for (removal, gone) in [
            ("Remove-Item Env:A", &["A"][..]),
            ("remove-item -Path env:\\b", &["B"]),
            ("Remove-Item -Path:Env:/A", &["A"]),
            ("rm env:A, Env:C", &["A", "C"]),
            ("ri 'Env:B' -Force; del Env:C", &["B", "C"]),
            ("Remove-Item Env:OLLAMA_*", &["OLLAMA_X", "OLLAMA_Y"]),
            (
                "Remove-Item Env:?",
                &["A", "B", "C", "OLLAMA_X", "OLLAMA_Y"],
            ),
            // `?` and a set are widened to any run: at least what PowerShell removes.
            ("Remove-Item Env:OLLAMA_[X]", &["OLLAMA_X", "OLLAMA_Y"]),
            ("Remove-Item -LiteralPath Env:OLLAMA_*", &[]),
            ("Remove-Item Env:A -WhatIf", &[]),
            ("Remove-Item ./A", &[]),
            ("$env:A = $null", &["A"]),
            ("$env:B = ''", &["B"]),
            ("$Env:c = \"\"", &["C"]),
            ("[Environment]::SetEnvironmentVariable('A', $null)", &["A"]),
            (
                "[System.Environment]::SetEnvironmentVariable(\"B\", 'new', 'Process')",
                &["B"],
            ),
            (
                "[Environment]::SetEnvironmentVariable('A', $null, 'User')",
                &[],
            ),
        ] {
            let (env, words) = after(removal);
            assert_eq!(env, without(gone), "{removal}");
            assert_eq!(words.len(), 9, "{removal}");
        }
        // A variable of the script's own may hold an empty string.
        let src = "$x = ''\ndocker run -e \"A=$x\" img\n";
        assert_eq!(words(src), [split("docker|run|-e|A=|img")]);
        // After its removal `$env:NAME` is no value the text knows.
        let src =
            "$env:H = 'localhost'\nRemove-Item Env:H\ndocker run -e \"U=http://$env:H\" img\n";
        assert_eq!(words(src)[1], split("docker|run|-e|U=http://$env:H|img"));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_matches("OLLAMA_*", "ollama_base_url"));
        assert!(wildcard_matches("*URL", "OLLAMA_BASE_URL"));
        assert!(wildcard_matches("O?LAMA*", "OLLAMA"));
        assert!(wildcard_matches("O[L]LAMA", "OLLAMA"));
        assert!(!wildcard_matches("OLLAMA_?", "OTHER"));
        assert!(!wildcard_matches("*_URL", "URL"));
    }

    #[test]
    fn backtick_continues_a_line_and_escapes_elsewhere() {
        let src = "docker run -d `\n  -p 3000:8080 `\r\n  -e \"A=`\"b`\" c``\" --name x`$y img\n";
        assert_eq!(
            words(src),
            vec![split(
                "docker|run|-d|-p|3000:8080|-e|A=\"b\" c`|--name|x$y|img"
            )]
        );
        // Inside double quotes a backtick before a newline is an escaped newline, not a
        // continuation; with a blank after it, a backtick continues nothing.
        assert_eq!(
            words("echo \"a`\nb\" `n\necho c ` \ndocker ps\n"),
            vec![split("echo|a\nb|\n"), split("echo|c"), split("docker|ps")]
        );
    }

    #[test]
    fn a_parameter_token_keeps_a_backtick_and_ends_at_a_dot() {
        // `-d`` does not continue the line: PowerShell passes `-d`` and ends the command.
        let src = "docker run -d`\n  -p 3000:8080 img\ndocker run -eURL=http://host.docker.internal -e\"X=a.b\" --add-host=a.b:c img\n";
        assert_eq!(
            words(src),
            vec![
                split("docker|run|-d`"),
                split("-p|3000:8080|img"),
                split("docker|run|-eURL=http://host|.docker.internal|-eX=a.b|--add-host=a.b:c|img"),
            ]
        );
        // A backtick right after a word that is no parameter escapes the newline into it.
        assert_eq!(
            words("docker run --name x`\n  img\n"),
            vec![split("docker|run|--name|x\n|img")]
        );
    }

    #[test]
    fn a_value_set_in_script_blocks_is_forgotten_after_them() {
        let src = "if ($a) {\n  $u = 'http://one:1'\n} else {\n  $u = 'http://two:2'\n}\n\
                   if ($b) {\n  $d = 'dflt'\n}\n$k = 'x'\nif ($c) {\n  $k = 'y'\n}\n\
                   docker run -e A=$u -e B=$d -e C=$k img\n";
        assert_eq!(
            words(src).last().unwrap(),
            &split("docker|run|-e|A=$u|-e|B=dflt|-e|C=$k|img")
        );
    }

    #[test]
    fn quotes() {
        assert_eq!(
            words("docker run -e 'A=it''s $x' -e \"B=say \"\"hi\"\"\" -e C=\"d e\"f -e ‘D=e’ img"),
            vec![split(
                "docker|run|-e|A=it's $x|-e|B=say \"hi\"|-e|C=d ef|-e|D=e|img"
            )]
        );
    }

    #[test]
    fn comments_and_separators() {
        let src = "<# a block\ncomment #> docker ps # trailing\ndocker pull a; docker pull b | Out-Null\n& docker.exe logs x 2>&1 > log.txt && echo ok\n";
        assert_eq!(
            words(src),
            vec![
                split("docker|ps"),
                split("docker|pull|a"),
                split("docker|pull|b"),
                split("Out-Null"),
                split("docker.exe|logs|x"),
                split("echo|ok"),
            ]
        );
        assert_eq!(
            words("foreach ($m in $models) { docker exec ollama ollama pull $m }\n"),
            vec![
                split("foreach|($m in $models)"),
                split("docker|exec|ollama|ollama|pull|$m"),
            ]
        );
    }

    #[test]
    fn variables_expand_with_the_provenance_of_their_assignment() {
        let src = "$OllamaHost = \"localhost\"\n$env:PORT = '11434'\n$Other = Get-Thing\ndocker run -e \"URL=http://${ollamahost}:$env:port\" -e U2=http://$OllamaHost/x -e O=$Other -e D=\"$OllamaHost:11434\" img\n";
        assert_eq!(
            words(src),
            // `$OllamaHost:11434` names a variable of drive `OllamaHost`.
            vec![split(
                "docker|run|-e|URL=http://localhost:11434|-e|U2=http://localhost/x|-e|O=$Other|-e|D=$OllamaHost:11434|img"
            )]
        );
        let c = &read_all(src, Shell::PowerShell)[0];
        let host = c.words[3].exact_span(11..20).unwrap();
        assert_eq!((host.start, &src[host.start..host.end]), (15, "localhost"));
        let port = c.words[3].exact_span(21..26).unwrap();
        assert_eq!((port.start, &src[port.start..port.end]), (39, "11434"));
    }

    #[test]
    fn a_word_maps_to_its_bytes_through_quotes_and_escapes() {
        let src = "docker run -e \"OLLAMA_BASE_URL=http://localhost:11434\" `\n  -e X=a`tb img";
        let at = |word, part| source_of(src, Shell::PowerShell, word, part);
        assert_eq!(at(3, "localhost").as_deref(), Some("localhost"));
        assert_eq!(at(5, "X=a").as_deref(), Some("X=a"));
        assert_eq!(at(5, "a\tb"), None);
    }

    #[test]
    fn a_session_reads_the_commands_after_its_prompts() {
        assert_reads_session(
            "PS C:\\Users\\me> docker run -d `\n>> --name ollama ollama/ollama\nabc123\nPS> docker ps\nCONTAINER ID\n",
            Shell::PowerShell,
        );
    }

    #[test]
    fn here_strings_are_one_word() {
        assert_eq!(
            words("$x = 1\necho @\"\ndocker run a\n\"@ b\n"),
            vec![split("echo|docker run a|b")]
        );
    }

    #[test]
    fn prompts() {
        assert_eq!(prompt_len("PS C:\\Users\\me> docker"), Some(16));
        assert_eq!(prompt_len("PS /home/me> docker"), Some(13));
        assert_eq!(prompt_len("PS> docker"), Some(4));
        assert_eq!(prompt_len("$ docker"), None);
        assert_eq!(prompt_len("docker run"), None);
    }
}
