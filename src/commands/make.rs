//! The commands of a Makefile's recipes. make runs each recipe line in a shell of its own after
//! expanding it (GNU make manual, "Writing Recipes in Rules"; docs/knowledge/facts.md): a line of a rule's recipe starts
//! with a tab; `@`, `-` and `+` before the command only change how make runs it; a
//! backslash-newline stays in the line (the shell continues the command) and make drops the tab
//! that starts the next line; `$$` is a `$` for the shell; `$(VAR)` and `${VAR}` are make
//! variables. Variables assigned in the file (`VAR = value`, `VAR := value`, `VAR ?= value`,
//! `VAR += more`) are expanded with the provenance of their assignment, a recursive one with the
//! file's last assignment (recipes run after make has read the whole file); functions, automatic
//! variables and variables the file does not assign stay as written. The expanded line is then
//! read as POSIX shell ([`super::posix`]). A variable the file exports (`export VAR = value`,
//! `export VAR`, every one after `.EXPORT_ALL_VARIABLES:`; not one it `unexport`s) is in the
//! environment of every recipe line's shell, with its value as make expands it (GNU make
//! manual §5.7.2 "Communicating Variables to a Sub-make").

use std::collections::HashMap;
use std::ops::Range;

use crate::source::{FileId, Span};
use crate::text::{Origin, Text};

use super::branches::Branches;
use super::posix::Posix;
use super::words::{Input, Layout, Made, Reading, Shell, Variables, matching, read};

/// The commands of the recipes of Makefile `src` (the bytes of file `file`), the comments
/// of make and of the recipes' shells, and the recipes' command lines.
pub(super) fn reading(file: FileId, src: &str) -> Reading {
    let makefile = read_makefile(file, src);
    let variables = Expander {
        file,
        src,
        variables: &makefile.variables,
    };
    // What make puts in the environment of every recipe line's shell.
    let mut environment = Variables::new();
    for name in makefile.variables.keys() {
        let exported = makefile.exported.get(name).copied();
        if exported.unwrap_or(makefile.export_all)
            && let Some(value) = variables.value(name, &[])
        {
            environment.export(name.clone(), Some(value));
        }
    }
    let mut out = Reading {
        comments: makefile.comments.clone(),
        ..Reading::default()
    };
    for line in &makefile.recipe_lines {
        let mut made = Made::default();
        for part in line {
            variables.expand(&mut made, part.clone(), &[]);
        }
        let len = made.text.value.len();
        // Each recipe line runs in a shell of its own.
        let mut shell_variables = environment.clone();
        let reading = read(
            Input::Made { file, made: &made },
            0..len,
            Layout::Recipe,
            &mut shell_variables,
            Shell::Posix,
            Posix::default(),
        );
        out.commands.extend(reading.commands);
        out.comments.extend(reading.comments);
        out.lines.extend(reading.lines);
    }
    out.comments.sort_unstable();
    out
}

/// A make variable's value.
#[derive(Clone, Debug)]
enum Value {
    /// `=`, `?=`: expanded where used; the parts, joined by a blank (`+=` adds one).
    Recursive(Vec<Range<usize>>),
    /// `:=`, `::=`, `:::=`: expanded where assigned.
    Simple(Text),
}

/// What the reader takes from a Makefile.
#[derive(Debug, Default)]
struct Makefile {
    /// The variables as the whole file leaves them.
    variables: HashMap<String, Value>,
    /// Each recipe line as the shell gets it before expansion: the parts of the file it is
    /// made of (the tab that starts a continued line left out).
    recipe_lines: Vec<Vec<Range<usize>>>,
    /// Variables `export`ed (true) or `unexport`ed (false), as the file last says.
    exported: HashMap<String, bool>,
    /// `.EXPORT_ALL_VARIABLES:` is a target.
    export_all: bool,
    /// Where each comment line of make's own starts (its `#`).
    comments: Vec<usize>,
}

fn read_makefile(file: FileId, src: &str) -> Makefile {
    let mut makefile = Makefile::default();
    let mut in_rule = false;
    let mut in_define = false;
    // The conditionals open (`ifeq` … `else` … `endif`): make takes one branch, the reader
    // does not know which.
    let mut branches = Branches::default();
    let mut at = 0;
    while at < src.len() {
        let end = physical_end(src, at);
        let line = &src[at..end];
        let content = line.trim_end_matches(['\n', '\r']);
        if in_define {
            in_define = content.trim() != "endef";
            at = end;
            continue;
        }
        if line.starts_with('\t') && in_rule {
            let (parts, next) = recipe_line(src, at);
            makefile.recipe_lines.push(parts);
            at = next;
            continue;
        }
        // A line of make's own, continued with backslashes: read as one.
        let mut logical_end = end;
        while content_of(src, at, logical_end).ends_with('\\') && logical_end < src.len() {
            logical_end = physical_end(src, logical_end);
        }
        let trimmed = content.trim_start();
        let directive = trimmed.split_whitespace().next().unwrap_or_default();
        if trimmed.starts_with('#') {
            makefile.comments.push(at + (content.len() - trimmed.len()));
        } else if trimmed.is_empty() {
        } else if directive == "define" {
            in_define = true;
            in_rule = false;
        } else if matches!(directive, "ifeq" | "ifneq" | "ifdef" | "ifndef") {
            branches.open(false);
        } else if directive == "endif" {
            let variables = &mut makefile.variables;
            branches.close(|name| {
                variables.remove(name);
            });
        } else if directive == "else" {
        } else if let Some(assignment) = assignment(src, at..logical_end) {
            in_rule = false;
            if assignment.exported {
                makefile.exported.insert(assignment.name.clone(), true);
            }
            let before = makefile
                .variables
                .contains_key(&assignment.name)
                .then(Text::default);
            let continued = src[assignment.value.clone()].contains('\n');
            branches.assigning(
                &assignment.name,
                before.as_ref(),
                (!continued && assignment.operator != "!=").then(|| &src[assignment.value.clone()]),
            );
            if continued {
                // Continued over lines, which make joins with blanks: not followed.
                makefile.variables.remove(&assignment.name);
                at = logical_end;
                continue;
            }
            assign(&mut makefile, assignment, |variables, range| {
                let mut made = Made::default();
                let expander = Expander {
                    file,
                    src,
                    variables,
                };
                expander.expand(&mut made, range, &[]);
                made.text
            });
        } else if matches!(directive, "export" | "unexport") {
            in_rule = false;
            let names = trimmed[directive.len()..]
                .split('#')
                .next()
                .unwrap_or_default();
            // Alone, `export` exports every variable and `unexport` none.
            if names.trim().is_empty() {
                makefile.export_all = directive == "export";
            }
            for name in names.split_whitespace() {
                makefile
                    .exported
                    .insert(name.to_string(), directive == "export");
            }
        } else {
            in_rule = is_rule(content);
            makefile.export_all |= trimmed.starts_with(".EXPORT_ALL_VARIABLES:");
        }
        at = logical_end;
    }
    makefile
}

/// The text of `start..end` without its line end.
fn content_of(src: &str, start: usize, end: usize) -> &str {
    src[start..end].trim_end_matches(['\n', '\r'])
}

/// The end of the line at `at`, after its newline.
fn physical_end(src: &str, at: usize) -> usize {
    src[at..].find('\n').map_or(src.len(), |i| at + i + 1)
}

/// The recipe line that starts at `at` (at its tab): the parts the shell gets, and where the
/// next line starts.
fn recipe_line(src: &str, at: usize) -> (Vec<Range<usize>>, usize) {
    let mut parts = Vec::new();
    // The tab, then blanks and the prefixes `@`, `-`, `+` in any order.
    let prefix = src[at + 1..]
        .find(|c: char| !matches!(c, '@' | '-' | '+' | ' ' | '\t'))
        .map_or(src.len(), |i| at + 1 + i);
    let mut start = prefix;
    loop {
        let end = physical_end(src, start);
        let content = content_of(src, start, end);
        let continued = content.ends_with('\\') && end < src.len();
        if !continued {
            // The line end is not the command's.
            parts.push(start..start + content.len());
            return (parts, end);
        }
        parts.push(start..end);
        start = if src[end..].starts_with('\t') {
            end + 1
        } else {
            end
        };
    }
}

/// `NAME op value` on the line `range` of `src`.
struct Assignment {
    name: String,
    /// Written `export NAME = …`.
    exported: bool,
    operator: &'static str,
    value: Range<usize>,
}

/// The assignment on the (logical) line `range`, if it is one: `[export|override] NAME` and
/// `=`, `:=`, `::=`, `:::=`, `?=`, `+=` or `!=`, then the value up to a comment.
fn assignment(src: &str, range: Range<usize>) -> Option<Assignment> {
    let line = &src[range.clone()];
    let mut head_start = line.len() - line.trim_start().len();
    let mut exported = false;
    for prefix in ["export ", "override ", "private "] {
        if line[head_start..].starts_with(prefix) {
            head_start += prefix.len();
            exported |= prefix == "export ";
        }
    }
    // The first `=` or `:` outside references decides: `a: b` is a rule, `a := b` is not.
    let mut depth = 0usize;
    let mut op_at = None;
    for (i, c) in line.char_indices().skip_while(|(i, _)| *i < head_start) {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            '#' if depth == 0 => return None,
            '=' | ':' if depth == 0 => {
                op_at = Some(i);
                break;
            }
            _ => {}
        }
    }
    let op_at = op_at?;
    let rest = &line[op_at..];
    let (operator, name_end) = [":::=", "::=", ":=", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))
        .map(|op| (op, op_at))?;
    let (operator, name_end) = match (operator, line[..name_end].chars().last()) {
        ("=", Some(c @ ('?' | '+' | '!'))) => (
            match c {
                '?' => "?=",
                '+' => "+=",
                _ => "!=",
            },
            name_end - 1,
        ),
        _ => (operator, name_end),
    };
    let name = line[head_start..name_end].trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    // `?=`, `+=` and `!=` were found at their `=`.
    let after = op_at
        + if operator.starts_with(':') {
            operator.len()
        } else {
            1
        };
    let value = &line[after..];
    let value_start = after + (value.len() - value.trim_start().len());
    let value_end = line[value_start..]
        .find('#')
        .map_or(line.trim_end_matches(['\n', '\r']).len(), |i| {
            value_start + i
        });
    let value_end = value_end.max(value_start);
    Some(Assignment {
        name: name.to_string(),
        exported,
        operator,
        value: range.start + value_start..range.start + value_end,
    })
}

/// Records an assignment in `makefile`; `expand` expands a value where it is assigned.
fn assign(
    makefile: &mut Makefile,
    a: Assignment,
    expand: impl Fn(&HashMap<String, Value>, Range<usize>) -> Text,
) {
    match a.operator {
        "=" => {
            makefile
                .variables
                .insert(a.name, Value::Recursive(vec![a.value]));
        }
        "?=" => {
            makefile
                .variables
                .entry(a.name)
                .or_insert(Value::Recursive(vec![a.value]));
        }
        ":=" | "::=" | ":::=" => {
            let value = expand(&makefile.variables, a.value);
            makefile.variables.insert(a.name, Value::Simple(value));
        }
        "+=" => {
            let added = match makefile.variables.get(&a.name) {
                Some(Value::Simple(_)) => {
                    Value::Simple(expand(&makefile.variables, a.value.clone()))
                }
                _ => Value::Recursive(vec![a.value.clone()]),
            };
            match (makefile.variables.get_mut(&a.name), added) {
                (Some(Value::Recursive(parts)), _) => parts.push(a.value),
                (Some(Value::Simple(text)), Value::Simple(more)) => {
                    text.push_str(" ", Origin::Synthetic);
                    text.push_text(&more);
                }
                (_, added) => {
                    makefile.variables.insert(a.name, added);
                }
            }
        }
        // `!=`: the output of a shell command.
        _ => {
            makefile.variables.remove(&a.name);
        }
    }
}

/// Whether a line of make's own is a rule (`target: prerequisites`).
fn is_rule(line: &str) -> bool {
    let mut depth = 0usize;
    for c in line.chars() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => return true,
            '#' if depth == 0 => return false,
            _ => {}
        }
    }
    false
}

/// Expands make's references in text of the file.
struct Expander<'a> {
    file: FileId,
    src: &'a str,
    variables: &'a HashMap<String, Value>,
}

impl Expander<'_> {
    /// Appends `range` of the file to `made`, with `$$` and the variables expanded;
    /// `expanding` are the variables whose values are being expanded (a variable that refers
    /// to itself, `A = $(A)`, stays as written there).
    fn expand(&self, made: &mut Made, range: Range<usize>, expanding: &[&str]) {
        let (src, file) = (self.src, self.file);
        let span = |start, end| Span::new(file, start, end);
        let mut i = range.start;
        while i < range.end {
            let run_end = src[i..range.end].find('$').map_or(range.end, |at| i + at);
            made.copy(file, src, i..run_end);
            i = run_end;
            if i >= range.end {
                break;
            }
            let rest = &src[i + 1..range.end];
            match rest.chars().next() {
                Some('$') => {
                    made.expand(&Text::from_file("$", span(i, i + 2), false), span(i, i + 2));
                    i += 2;
                }
                Some(open @ ('(' | '{')) => {
                    let close = if open == '(' { ')' } else { '}' };
                    let Some(inner_len) = matching(rest, open, close) else {
                        made.copy(file, src, i..range.end);
                        break;
                    };
                    let reference = i..i + 1 + inner_len + 1;
                    let name = &rest[1..inner_len];
                    match self.value(name, expanding) {
                        Some(value) => made.expand(&value, span(reference.start, reference.end)),
                        None => made.copy(file, src, reference.clone()),
                    }
                    i = reference.end;
                }
                // An automatic or one-letter variable (`$@`): as written.
                Some(c) => {
                    made.copy(file, src, i..i + 1 + c.len_utf8());
                    i += 1 + c.len_utf8();
                }
                None => {
                    made.copy(file, src, i..i + 1);
                    i += 1;
                }
            }
        }
    }

    /// The value of variable `name` (a plain name: no function, no substitution), expanded.
    fn value(&self, name: &str, expanding: &[&str]) -> Option<Text> {
        if expanding.contains(&name) || name.contains([' ', '\t', ':', '=', '$', ',']) {
            return None;
        }
        let expanding = [expanding, &[name]].concat();
        match self.variables.get(name)? {
            Value::Simple(text) => Some(text.clone()),
            Value::Recursive(parts) => {
                let mut made = Made::default();
                for (k, part) in parts.iter().enumerate() {
                    if k > 0 {
                        made.text.push_str(" ", Origin::Synthetic);
                        made.written.push_str(" ", Origin::Synthetic);
                    }
                    self.expand(&mut made, part.clone(), &expanding);
                }
                Some(made.text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::words::tests::{exported, split};
    use super::*;

    #[test]
    fn recipes_run_with_what_the_makefile_exports() {
        let src = "export URL = http://$(HOST):1\nHOST = b\nOWN = 1\nNAMED = 2\nexport NAMED\nGONE = 3\nexport GONE\nunexport GONE\nup:\n\texport X=4; docker ps\n\tdocker ps\n";
        let cmds = commands_of(src);
        // A recursive variable is exported with its value as make expands it at the end.
        assert_eq!(exported(&cmds[0]), ["NAMED=2", "URL=http://b:1", "X=4"]);
        // Each line is a new shell: the first line's export is gone.
        assert_eq!(exported(&cmds[1]), ["NAMED=2", "URL=http://b:1"]);
        let all = commands_of("A = 1\n.EXPORT_ALL_VARIABLES:\nup:\n\tdocker ps\n");
        assert_eq!(exported(&all[0]), ["A=1"]);
        assert!(exported(&commands_of("A = 1\nup:\n\tdocker ps\n")[0]).is_empty());
    }

    fn commands_of(src: &str) -> Vec<crate::commands::words::Command> {
        reading(FileId(0), src).commands
    }

    fn words(src: &str) -> Vec<Vec<String>> {
        commands_of(src)
            .into_iter()
            .map(|c| c.words.into_iter().map(|w| w.value).collect())
            .collect()
    }

    #[test]
    fn recipe_lines_are_shell_lines_after_make_expands_them() {
        let src = "HOST = localhost\nPORT := 11434\nIMAGE ?= ghcr.io/open-webui/open-webui:main\nRUN = docker run -d\n\n.PHONY: up\nup:\n\t@$(RUN) -p 3000:8080 \\\n\t  -e OLLAMA_BASE_URL=http://$(HOST):${PORT} \\\n\t  -e X=$$HOME -e Y=$(shell pwd) -e Z=$@ $(IMAGE)\n\t-docker ps\n";
        assert_eq!(
            words(src),
            vec![
                split(
                    "docker|run|-d|-p|3000:8080|-e|OLLAMA_BASE_URL=http://localhost:11434|-e|X=$HOME|-e|Y=$(shell pwd)|-e|Z=$@|ghcr.io/open-webui/open-webui:main"
                ),
                split("docker|ps"),
            ]
        );
    }

    #[test]
    fn a_value_points_at_its_assignment_and_a_word_at_its_reference() {
        let src = "HOST = localhost\nall:\n\tdocker run -e URL=http://$(HOST):11434 img\n";
        let c = &commands_of(src)[0];
        let url = &c.words[3];
        assert_eq!(url.value, "URL=http://localhost:11434");
        let host = url.exact_span(11..20).unwrap();
        assert_eq!((host.start, &src[host.start..host.end]), (7, "localhost"));
        let written = c.word_spans[3];
        assert_eq!(&src[written.start..written.end], "URL=http://$(HOST):11434");
        assert_eq!(
            &src[c.span.start..c.span.end],
            "docker run -e URL=http://$(HOST):11434 img"
        );
    }

    #[test]
    fn recursive_variables_take_the_last_assignment_and_simple_ones_their_own() {
        let src = "A = one\nB := $(A)\nC = $(A)\nA = two\nA += more\nL = $(L)x\nall:\n\techo $(B) $(C) $(L) $(UNSET)\n";
        assert_eq!(words(src), vec![split("echo|one|two|more|$(L)x|$(UNSET)")]);
    }

    #[test]
    fn a_variable_a_conditional_may_set_is_forgotten() {
        let src = "ifeq ($(G),1)\nU := http://a:1\nelse\nU := http://b:2\nendif\nifdef X\nD = dflt\nendif\nup:\n\tdocker run -e A=$(U) -e B=$(D) img\n";
        assert_eq!(
            words(src),
            vec![split("docker|run|-e|A=$(U)|-e|B=dflt|img")]
        );
    }

    #[test]
    fn shell_variables_live_for_one_recipe_line() {
        let src = "all:\n\tURL=http://localhost:11434; docker run -e U=$$URL img\n\tdocker run -e U=$$URL img\n";
        assert_eq!(
            words(src),
            vec![
                split("docker|run|-e|U=http://localhost:11434|img"),
                split("docker|run|-e|U=$URL|img"),
            ]
        );
    }

    #[test]
    fn a_here_document_ends_with_its_recipe_line() {
        // Each recipe line runs in a shell of its own: the lines after `cat <<EOF` are not
        // its body but commands of their own (a backslash-newline joins the next line to
        // the command's words, before any body).
        let src = "all:\n\tcat <<EOF\n\tdocker run a\n\tEOF\n\tcat <<-EOF \\\n\tdocker run b\n";
        assert_eq!(
            words(src),
            vec![
                split("cat"),
                split("docker|run|a"),
                split("EOF"),
                split("cat|docker|run|b")
            ]
        );
    }

    #[test]
    fn tab_lines_outside_rules_and_defines_are_no_recipes() {
        let src = "define HELP\n\tdocker run a\nendef\n\tdocker run b\nx = 1 # note\nrun: ; @true\n\tdocker run c\n";
        assert_eq!(words(src), vec![split("docker|run|c")]);
    }
}
