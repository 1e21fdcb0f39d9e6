//! Suppression comments: `# composelint: disable=…` in compose and env files drops the
//! findings it names, and directives that name no rule (CMP900) or suppress nothing (CMP901)
//! are reported.
//!
//! Grammar, in a comment of a compose file or an env file:
//! - `# composelint: disable=CODE[,CODE…] [-- reason]` after other text on a line covers
//!   findings whose primary span starts on that line; alone on its line (only blanks before
//!   the `#`) it covers the next line that is neither blank nor only a comment.
//! - `# composelint: disable-file=CODE[,CODE…] [-- reason]` anywhere covers the whole file.
//!
//! In a shell script the same comments (in cmd, `REM composelint: …` or `:: composelint: …`)
//! cover whole command lines: at the end of one, or alone
//! on the line before it, a directive covers every line of what the shell reads as one line
//! (commands joined by `&&`, `|`, `;` and the like, continued with `\`). In a Markdown
//! document an HTML comment `<!-- composelint: disable=… -->` alone on its line covers the
//! fenced block that follows it (blank lines and other comments between them allowed), and
//! `<!-- composelint: disable-file=… -->` the document; `#` comments inside a shell block work
//! as in a script.
//!
//! Comments are the ones the loader recorded as each file's parser found them, never found
//! by a plain line scan (see [`crate::comments`]): in YAML a `#` starts a comment only at a
//! line start or after a blank and outside every scalar (quoted, plain or block); in an env
//! file it is any `#` outside the keys and values the dotenv parser read; in a script, a `#`
//! that starts a word outside quotes, and in Markdown an HTML comment block outside the code
//! blocks (see [`crate::commands`]). A file that does
//! not parse has no reliable comments and therefore no directives, which is why CMP001 and
//! CMP007 cannot be suppressed; CMP900 and CMP901 cannot be either, so a directive cannot
//! hide its own mistakes.

use std::collections::{HashMap, HashSet};

use crate::comments::{alone_on_line, comment_end};
use crate::compose::model::Project;
use crate::diagnostic::Diagnostic;
use crate::rules::cmp901_unused_suppression as cmp901;
use crate::rules::{self, cmp900_unknown_code_in_suppression as cmp900};
use crate::source::{FileId, SourceFile, Sources, Span};

/// Codes whose findings no comment can suppress.
pub const UNSUPPRESSIBLE: [&str; 4] = ["CMP001", "CMP007", "CMP900", "CMP901"];

/// What the suppression pass did in one project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// The findings a directive dropped, with that directive's reason.
    pub suppressed: Vec<Suppressed>,
    /// Well-formed directives found.
    pub directives: usize,
    /// Well-formed directives without a ` -- reason`.
    pub without_reason: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub reason: Option<String>,
}

/// Every code is enabled: for callers without a configuration.
pub fn all_enabled(_: &str) -> bool {
    true
}

/// Drops the findings that directives cover and adds CMP900/CMP901 findings.
///
/// The directives are read from the comments the loader recorded in `sources` for the
/// project's files; `_project` is the project they were loaded for.
///
/// `enabled` says whether a rule runs in this configuration: a directive's code whose rule is
/// turned off is neither used nor unused (the rule could not fire), and CMP900/CMP901 are
/// reported only when enabled themselves.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    _project: &Project,
    sources: &Sources,
    enabled: &dyn Fn(&str) -> bool,
) -> (Vec<Diagnostic>, Suppressions) {
    let mut summary = Suppressions::default();
    let mut problems = Vec::new();
    let mut directives = Vec::new();
    for file in sources.iter() {
        // Cheap guard: only a file that mentions us can hold a directive.
        if !file.text.contains(MARKER) {
            continue;
        }
        let Some(starts) = file.comments().starts() else {
            continue;
        };
        let comments = comment_lines(file, starts);
        let next_lines = NextCodeLine::new(file, &comments);
        let units = Units::new(file);
        for comment in &comments {
            match parse_directive(file, comment, &next_lines, &units) {
                None => {}
                Some(Err(m)) => problems.push(cmp900::malformed(&m.problem, m.span, m.html)),
                Some(Ok(d)) => directives.push(d),
            }
        }
    }
    if directives.is_empty() {
        let mut out = diagnostics;
        if enabled(cmp900::RULE.code) {
            out.extend(problems);
        }
        return (out, summary);
    }
    summary.directives = directives.len();
    summary.without_reason = directives.iter().filter(|d| d.reason.is_none()).count();

    let mut by_line: HashMap<(FileId, usize), Vec<usize>> = HashMap::new();
    let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::new();
    for (i, d) in directives.iter().enumerate() {
        match d.scope {
            Scope::Lines { first, last } => {
                for line in first..=last {
                    by_line.entry((d.file, line)).or_default().push(i);
                }
            }
            Scope::File => by_file.entry(d.file).or_default().push(i),
        }
    }
    let files_with_directives: HashSet<FileId> = directives.iter().map(|d| d.file).collect();

    let mut kept = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let Some(span) = diagnostic.primary.filter(|s| {
            files_with_directives.contains(&s.file) && !UNSUPPRESSIBLE.contains(&diagnostic.code)
        }) else {
            kept.push(diagnostic);
            continue;
        };
        let line = sources.get(span.file).line_col(span.start).line;
        // The most specific directive takes the finding: a file-wide one is used only for
        // findings no line directive covered, so a redundant one is reported as unused.
        let mut by = mark_used(
            &mut directives,
            by_line.get(&(span.file, line)),
            diagnostic.code,
        );
        if by.is_none() {
            by = mark_used(&mut directives, by_file.get(&span.file), diagnostic.code);
        }
        match by {
            Some(i) => summary.suppressed.push(Suppressed {
                diagnostic,
                reason: directives.get(i).and_then(|d| d.reason.clone()),
            }),
            None => kept.push(diagnostic),
        }
    }

    for d in &directives {
        for code in &d.codes {
            match code.status {
                Status::Unknown => problems.push(cmp900::unknown_code(&code.text, code.span)),
                Status::Unsuppressible(rule) => {
                    problems.push(cmp900::unsuppressible_code(rule, code.span))
                }
                Status::Rule(_) => {}
            }
        }
    }
    if enabled(cmp900::RULE.code) {
        kept.extend(problems);
    }
    if enabled(cmp901::RULE.code) {
        kept.extend(
            directives
                .iter()
                .filter_map(|d| unused(d, sources.get(d.file), enabled)),
        );
    }
    (kept, summary)
}

/// Marks the codes of `candidates` that name `code` as used; the first directive that did.
fn mark_used(
    directives: &mut [Directive],
    candidates: Option<&Vec<usize>>,
    code: &str,
) -> Option<usize> {
    let mut first = None;
    for &i in candidates.map(Vec::as_slice).unwrap_or_default() {
        let Some(d) = directives.get_mut(i) else {
            continue;
        };
        for c in &mut d.codes {
            if matches!(c.status, Status::Rule(r) if r == code) {
                c.used = true;
                first = first.or(Some(i));
            }
        }
    }
    first
}

/// The CMP901 finding of a directive, if some of its codes suppressed nothing.
fn unused(d: &Directive, file: &SourceFile, enabled: &dyn Fn(&str) -> bool) -> Option<Diagnostic> {
    let is_unused = |c: &&CodeRef| matches!(c.status, Status::Rule(r) if !c.used && enabled(r));
    let unused: Vec<&CodeRef> = d.codes.iter().filter(is_unused).collect();
    let (first, last) = (unused.first()?, unused.last()?);
    let names: Vec<&str> = unused.iter().map(|c| c.text.as_str()).collect();
    if unused.len() == d.codes.len() {
        return Some(cmp901::unused_directive(d.comment, &names, d.removal));
    }
    let (list_first, list_last) = (d.codes.first()?, d.codes.last()?);
    let list = Span::new(d.file, list_first.span.start, list_last.span.end);
    let separator = if file.slice(list).contains(", ") {
        ", "
    } else {
        ","
    };
    let kept: Vec<&str> = d
        .codes
        .iter()
        .filter(|c| !is_unused(c))
        .map(|c| c.text.as_str())
        .collect();
    let at = Span::new(d.file, first.span.start, last.span.end);
    Some(cmp901::unused_codes(at, &names, list, kept.join(separator)))
}

const MARKER: &str = "composelint:";

/// What separates the words of a directive (an HTML comment's may hold line breaks).
const BLANKS: [char; 4] = [' ', '\t', '\r', '\n'];

/// One comment: from its `#` to the end of its line (a `\r` before the `\n` excluded), or
/// from its `<!--` to the end of its `-->`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Comment {
    start: usize,
    end: usize,
    /// 1-based line.
    line: usize,
    /// The line it ends on (an HTML comment may run over several).
    last_line: usize,
    /// Only blanks (or a BOM) before the `#` on its line.
    own_line: bool,
}

impl Comment {
    /// What opens and closes the comment's text.
    fn delimiters(&self, file: &SourceFile) -> (&'static str, &'static str) {
        let text = file.text.get(self.start..self.end).unwrap_or("");
        if text.starts_with("<!--") && text.len() >= "<!---->".len() && text.ends_with("-->") {
            ("<!--", "-->")
        } else if text.starts_with("<!--") {
            // An HTML comment that is never closed runs to the end of the document.
            ("<!--", "")
        } else if text.starts_with("::") {
            // cmd's comments: `:: …` (a label no `goto` reaches) and `REM …`.
            ("::", "")
        } else if text.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("rem")) {
            ("REM", "")
        } else {
            ("#", "")
        }
    }
}

/// The comments starting at `starts` (each at its `#`), with their lines.
fn comment_lines(file: &SourceFile, starts: &[usize]) -> Vec<Comment> {
    starts
        .iter()
        .map(|&start| {
            let line = file.line_col(start).line;
            let before = file.text.get(file.line_start(line)..start).unwrap_or("");
            let end = comment_end(&file.text, start);
            Comment {
                start,
                end,
                line,
                last_line: file.line_col(end).line.max(line),
                own_line: alone_on_line(before),
            }
        })
        .collect()
}

/// The comments of a YAML file as its parser finds them; None when it does not parse.
#[cfg(test)]
fn yaml_comments(file: &SourceFile) -> Option<Vec<Comment>> {
    let parsed = crate::yaml::parse(file.id, &file.text, crate::yaml::Limits::default());
    Some(comment_lines(file, parsed.comments.starts()?))
}

/// The comments of an env file as its parser finds them; None when it does not parse.
#[cfg(test)]
fn env_comments(file: &SourceFile, raw: bool) -> Option<Vec<Comment>> {
    let (_, comments) = if raw {
        crate::dotenv::parse_raw_with_comments(file)
    } else {
        crate::dotenv::parse_with_comments(file, &|_| None)
    };
    Some(comment_lines(file, comments.starts()?))
}

/// For each line, the next line after it that holds something besides blanks and comments.
struct NextCodeLine {
    next: Vec<Option<usize>>,
}

impl NextCodeLine {
    fn new(file: &SourceFile, comments: &[Comment]) -> Self {
        let comment_lines: HashSet<usize> = comments
            .iter()
            .filter(|c| c.own_line)
            .flat_map(|c| c.line..=c.last_line)
            .collect();
        let count = file.line_count();
        let mut next = vec![None; count + 2];
        let mut following = None;
        for line in (1..=count).rev() {
            if let Some(slot) = next.get_mut(line) {
                *slot = following;
            }
            let start = file.line_start(line);
            let end = file.line_start(line + 1);
            let blank = file.text.get(start..end).is_none_or(|t| {
                t.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .is_empty()
            });
            if !blank && !comment_lines.contains(&line) {
                following = Some(line);
            }
        }
        NextCodeLine { next }
    }

    fn after(&self, line: usize) -> Option<usize> {
        self.next.get(line).copied().flatten()
    }
}

/// What a directive covers whole in a script or document
/// ([`crate::comments::Comments::command_lines`], [`crate::comments::Comments::blocks`]).
struct Units {
    /// The first and last 1-based line of each command line that runs over several lines.
    commands: Vec<(usize, usize)>,
    /// The same of each fenced block.
    blocks: Vec<(usize, usize)>,
    /// The first line of each fenced block another project of the document reads.
    elsewhere: Vec<usize>,
}

impl Units {
    fn new(file: &SourceFile) -> Self {
        let lines = |ranges: &[std::ops::Range<usize>]| -> Vec<(usize, usize)> {
            ranges
                .iter()
                .map(|u| {
                    let first = file.line_col(u.start).line;
                    // The last byte's line: a block's range ends after its line break.
                    let last = file.line_col(u.end.saturating_sub(1).max(u.start)).line;
                    (first, last)
                })
                .filter(|(first, last)| last > first)
                .collect()
        };
        Units {
            commands: lines(file.comments().command_lines()),
            blocks: lines(file.comments().blocks()),
            elsewhere: file
                .comments()
                .elsewhere()
                .iter()
                .map(|b| file.line_col(b.start).line)
                .collect(),
        }
    }

    /// Whether an HTML directive that covers `line` is another project's: the line starts a
    /// block that project reads.
    fn belongs_elsewhere(&self, line: usize) -> bool {
        self.elsewhere.contains(&line)
    }

    /// The lines a directive that covers `line` covers: a `#` directive, those of the command
    /// line that runs over it; an HTML one, those of the block that starts on it; else the
    /// line alone (0 for none).
    fn around(&self, line: usize, html: bool) -> Scope {
        let (first, last) = if html {
            self.blocks.iter().find(|(first, _)| *first == line)
        } else {
            self.commands
                .iter()
                .find(|(first, last)| (*first..=*last).contains(&line))
        }
        .copied()
        .unwrap_or((line, line));
        Scope::Lines { first, last }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// Findings whose primary span starts on one of these 1-based lines (0 for none).
    Lines {
        first: usize,
        last: usize,
    },
    File,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// A rule's code, as the rule spells it.
    Rule(&'static str),
    Unsuppressible(&'static str),
    Unknown,
}

#[derive(Clone, Debug)]
struct CodeRef {
    /// As written.
    text: String,
    span: Span,
    status: Status,
    used: bool,
}

#[derive(Clone, Debug)]
struct Directive {
    file: FileId,
    /// From the `#` to the end of the comment's text.
    comment: Span,
    /// What removing the directive deletes: the comment and the blanks before it, or its
    /// whole line when it stands alone.
    removal: Span,
    scope: Scope,
    codes: Vec<CodeRef>,
    reason: Option<String>,
}

/// What is wrong with a `# composelint:` comment that is not a well-formed directive.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Malformed {
    problem: String,
    span: Span,
    /// Written as an HTML comment (in Markdown).
    html: bool,
}

/// The directive in `comment`: None when the comment is not one, Err when it is malformed.
fn parse_directive(
    file: &SourceFile,
    comment: &Comment,
    next_lines: &NextCodeLine,
    units: &Units,
) -> Option<Result<Directive, Malformed>> {
    let (opener, closer) = comment.delimiters(file);
    let html = opener == "<!--";
    let whole = file.text.get(comment.start..comment.end)?;
    // The comment's text, its closer left out (an HTML comment may hold line breaks).
    let text = whole.get(..whole.len() - closer.len())?;
    let blanks = |s: &str| s.len() - s.trim_start_matches(BLANKS).len();
    let mut pos = opener.len() + blanks(text.get(opener.len()..)?);
    if !text.get(pos..)?.starts_with(MARKER) {
        return None;
    }
    pos += MARKER.len();
    let marker_end = pos;
    pos += blanks(text.get(pos..)?);
    let at = |start: usize, end: usize| file.span(comment.start + start, comment.start + end);
    let rest = text.get(pos..)?;
    let (scope, keyword) = if rest.starts_with("disable-file=") {
        (Scope::File, "disable-file=")
    } else if rest.starts_with("disable=") {
        let line = if comment.own_line {
            next_lines.after(comment.last_line).unwrap_or(0)
        } else {
            comment.line
        };
        if html && units.belongs_elsewhere(line) {
            return None;
        }
        (units.around(line, html), "disable=")
    } else {
        let word = rest.find(BLANKS).unwrap_or(rest.len());
        let (problem, span) = if word == 0 {
            (
                "nothing after `composelint:`".to_string(),
                at(marker_end - MARKER.len(), marker_end),
            )
        } else {
            (
                format!(
                    "`{}` is not `disable=` or `disable-file=`",
                    rest.get(..word).unwrap_or(rest)
                ),
                at(pos, pos + word),
            )
        };
        return Some(Err(Malformed {
            problem,
            span,
            html,
        }));
    };
    pos += keyword.len();
    let tail = text.get(pos..)?;
    // The reason starts at the first `--` after a blank.
    let separator = tail
        .match_indices("--")
        .map(|(i, _)| i)
        .find(|&i| i > 0 && tail.get(..i).is_some_and(|s| s.ends_with(BLANKS)));
    let (list, reason) = match separator {
        Some(i) => (
            tail.get(..i)?,
            tail.get(i + 2..)
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string),
        ),
        None => (tail, None),
    };
    let mut codes = Vec::new();
    let mut offset = pos;
    for piece in list.split(',') {
        let lead = blanks(piece);
        let token = piece.trim();
        let start = offset + lead;
        let span = at(start, start + token.len());
        offset += piece.len() + 1;
        if token.is_empty() {
            let problem = if list.trim().is_empty() {
                format!("no code after `{keyword}`")
            } else {
                "an empty code in the list".to_string()
            };
            let where_ = if list.trim().is_empty() {
                at(pos - keyword.len(), pos)
            } else {
                span
            };
            return Some(Err(Malformed {
                problem,
                span: where_,
                html,
            }));
        }
        if token.contains(BLANKS) {
            return Some(Err(Malformed {
                problem: "codes are separated by `,` and the reason follows ` -- `".into(),
                span,
                html,
            }));
        }
        let status = match rules::RULES
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(token))
        {
            Some(rule) if UNSUPPRESSIBLE.contains(&rule.code) => Status::Unsuppressible(rule.code),
            Some(rule) => Status::Rule(rule.code),
            None => Status::Unknown,
        };
        codes.push(CodeRef {
            text: token.to_string(),
            span,
            status,
            used: false,
        });
    }
    let trimmed_end = if closer.is_empty() {
        comment.start + text.trim_end().len()
    } else {
        comment.end
    };
    Some(Ok(Directive {
        file: file.id,
        comment: file.span(comment.start, trimmed_end),
        removal: removal(file, comment),
        scope,
        codes,
        reason,
    }))
}

/// The bytes deleting `comment` removes: its whole lines (with the line break) when it stands
/// alone on them, else the comment and the blanks before it.
fn removal(file: &SourceFile, comment: &Comment) -> Span {
    let next_line = file.line_start(comment.last_line + 1).max(comment.end);
    let after = file.text.get(comment.end..next_line).unwrap_or("");
    if comment.own_line && after.trim_matches(BLANKS).is_empty() {
        let mut start = file.line_start(comment.line);
        if start == 0 && file.text.starts_with('\u{feff}') {
            start = '\u{feff}'.len_utf8();
        }
        return file.span(start, next_line);
    }
    let before = file.text.get(..comment.start).unwrap_or("");
    let start = before.trim_end_matches([' ', '\t']).len();
    file.span(start, comment.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), PathBuf::from("compose.yaml"), text.to_string())
    }

    /// The text of each comment of a YAML file.
    fn yaml(text: &str) -> Vec<String> {
        let f = file(text);
        yaml_comments(&f)
            .expect("parses")
            .iter()
            .map(|c| text[c.start..c.end].to_string())
            .collect()
    }

    fn env(text: &str) -> Vec<String> {
        let f = file(text);
        env_comments(&f, false)
            .expect("parses")
            .iter()
            .map(|c| text[c.start..c.end].to_string())
            .collect()
    }

    #[test]
    fn yaml_comments_after_blanks_and_at_line_starts() {
        let text = "# top\nservices:  # after a key\n  app:\n    image: x # after a value\n";
        assert_eq!(yaml(text), ["# top", "# after a key", "# after a value"]);
    }

    #[test]
    fn no_comment_inside_quoted_scalars() {
        let text = "a: \"x # not\" # yes\nb: 'y # not'\nc: \"multi\n  # still inside\"\n";
        assert_eq!(yaml(text), ["# yes"]);
    }

    #[test]
    fn no_comment_inside_block_scalars_but_on_their_header() {
        let text = "command: | # header\n  echo hi\n  # a shell comment, content\nnext: >\n  # folded content\n# real\nlast: 1\n";
        assert_eq!(yaml(text), ["# header", "# real"]);
    }

    #[test]
    fn a_hash_in_a_url_fragment_or_a_plain_scalar_is_content() {
        let text = "url: http://x/#a\nchannel: room#1 # comment\n";
        assert_eq!(yaml(text), ["# comment"]);
    }

    #[test]
    fn flow_mappings_and_sequences() {
        let text = "env: {A: \"#1\", B: x#y} # flow\nlist: [ \"#\", b ] # seq\nmulti: {\n  a: 1, # inside\n  b: 2\n}\n";
        assert_eq!(yaml(text), ["# flow", "# seq", "# inside"]);
    }

    #[test]
    fn crlf_line_endings_stay_out_of_the_comment() {
        let text = "a: 1 # one\r\n# two\r\nb: \"#\"\r\n";
        assert_eq!(yaml(text), ["# one", "# two"]);
        let f = file(text);
        let comments = yaml_comments(&f).unwrap();
        assert_eq!(comments[1].line, 2);
        assert!(comments[1].own_line);
        assert!(!comments[0].own_line);
    }

    #[test]
    fn a_file_that_does_not_parse_has_no_comments() {
        assert_eq!(yaml_comments(&file("a: [1\n# c\n")), None);
    }

    #[test]
    fn env_comments_follow_the_dotenv_grammar() {
        let text = "# top\nA=1 # after\nB=x#y\nC=\"q # inside\" # after quote\n  # indented\nD='multi\n# inside\n'\nE=v\t#tab-is-value\n";
        assert_eq!(
            env(text),
            ["# top", "# after", "# after quote", "# indented"]
        );
    }

    #[test]
    fn raw_env_values_run_to_the_line_end() {
        let f = file("# c\nA=1 # value\n");
        let got: Vec<&str> = env_comments(&f, true)
            .unwrap()
            .iter()
            .map(|c| &f.text[c.start..c.end])
            .collect();
        assert_eq!(got, ["# c"]);
    }

    fn directive(text: &str) -> Result<Directive, Malformed> {
        let f = file(text);
        let comments = yaml_comments(&f).unwrap();
        let next = NextCodeLine::new(&f, &comments);
        let units = Units::new(&f);
        comments
            .iter()
            .find_map(|c| parse_directive(&f, c, &next, &units))
            .expect("a directive")
    }

    #[test]
    fn directives_with_codes_scope_and_reason() {
        let d = directive("a: 1  # composelint: disable=OLL003, oll009 -- proxied\n").unwrap();
        assert_eq!(d.scope, Scope::Lines { first: 1, last: 1 });
        assert_eq!(d.reason.as_deref(), Some("proxied"));
        let codes: Vec<(&str, Status)> = d
            .codes
            .iter()
            .map(|c| (c.text.as_str(), c.status))
            .collect();
        assert_eq!(
            codes,
            [
                ("OLL003", Status::Rule("OLL003")),
                ("oll009", Status::Rule("OLL009"))
            ]
        );
        // The removal takes the blanks before the comment and stops before the line break.
        assert_eq!((d.removal.start, d.removal.end), (4, 54));

        let d = directive("# composelint:disable-file=CMP001,XYZ\na: 1\n").unwrap();
        assert_eq!(d.scope, Scope::File);
        assert_eq!(d.reason, None);
        assert_eq!(d.codes[0].status, Status::Unsuppressible("CMP001"));
        assert_eq!(d.codes[1].status, Status::Unknown);
        assert_eq!((d.removal.start, d.removal.end), (0, 38));
    }

    #[test]
    fn an_own_line_directive_covers_the_next_code_line() {
        let d = directive("a: 1\n  # composelint: disable=OLL001\n\n  # other\nb: 2\n").unwrap();
        assert_eq!(d.scope, Scope::Lines { first: 5, last: 5 });
        let d = directive("a: 1\n# composelint: disable=OLL001\n").unwrap();
        assert_eq!(
            d.scope,
            Scope::Lines { first: 0, last: 0 },
            "nothing follows: covers no line"
        );
    }

    #[test]
    fn malformed_directives_are_findings() {
        for (text, at) in [
            ("a: 1 # composelint: disabel=OLL001\n", "disabel=OLL001"),
            ("a: 1 # composelint: disable=\n", "disable="),
            ("a: 1 # composelint: disable=OLL001,,OLL003\n", ""),
            (
                "a: 1 # composelint: disable=OLL001 because\n",
                "OLL001 because",
            ),
            ("a: 1 # composelint:\n", "composelint:"),
        ] {
            let e = directive(text).expect_err(text);
            assert_eq!(&text[e.span.start..e.span.end], at, "{text}: {}", e.problem);
        }
        // Mentioning composelint elsewhere in a comment is no directive.
        let f = file("a: 1 # checked by composelint: disable=nothing\n");
        let comments = yaml_comments(&f).unwrap();
        let next = NextCodeLine::new(&f, &comments);
        assert!(parse_directive(&f, &comments[0], &next, &Units::new(&f)).is_none());
    }

    /// Lints an in-memory project and runs the pass again over the rules' raw findings with
    /// `enabled`, returning the codes reported and the summary.
    fn run(
        files: &[(&str, &str)],
        enabled: &dyn Fn(&str) -> bool,
    ) -> (Vec<&'static str>, Suppressions) {
        let mut fs = crate::fs::MemFs::new();
        for (path, text) in files {
            fs.insert(PathBuf::from("/p").join(path), text.as_bytes().to_vec());
        }
        let settings = crate::Settings {
            paths: vec![PathBuf::from("/p")],
            ..crate::Settings::default()
        };
        let loaded = crate::load(&fs, &settings).expect("loads");
        let project = loaded.into_iter().next().expect("one project");
        let raw = rules::check_project(&project.project, &project.sources, Default::default());
        let (out, summary) = apply(raw, &project.project, &project.sources, enabled);
        let mut codes: Vec<&'static str> = out.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        (codes, summary)
    }

    const CLIENT: &str = "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"models:/root/.ollama\"]\n  webui:\n    image: ghcr.io/open-webui/open-webui:main\n    depends_on: [ollama]\n    environment:\n";

    #[test]
    fn suppressed_findings_are_kept_aside_with_their_reason() {
        let compose = format!(
            "{CLIENT}      OLLAMA_BASE_URL: http://localhost:11434 # composelint: disable=OLL001 -- socat\n      A: b # composelint: disable=OLL003\nvolumes: {{models: {{}}}}\n"
        );
        let (codes, summary) = run(&[("compose.yaml", &compose)], &all_enabled);
        assert_eq!(
            codes,
            ["CMP901"],
            "OLL001 suppressed, the second directive unused"
        );
        assert_eq!(summary.directives, 2);
        assert_eq!(summary.without_reason, 1);
        assert_eq!(summary.suppressed.len(), 1);
        assert_eq!(summary.suppressed[0].diagnostic.code, "OLL001");
        assert_eq!(summary.suppressed[0].reason.as_deref(), Some("socat"));
    }

    #[test]
    fn disabled_rules_are_neither_used_nor_unused() {
        let compose = format!(
            "{CLIENT}      OLLAMA_BASE_URL: http://ollama:11434 # composelint: disable=OLL003,NOPE\nvolumes: {{models: {{}}}}\n"
        );
        let files = [("compose.yaml", compose.as_str())];
        assert_eq!(run(&files, &all_enabled).0, ["CMP900", "CMP901"]);
        // OLL003 turned off in the configuration: its directive is not known to be stale.
        assert_eq!(run(&files, &|c: &str| c != "OLL003").0, ["CMP900"]);
        // CMP900 and CMP901 themselves can be turned off.
        assert!(run(&files, &|c: &str| !c.starts_with("CMP9")).0.is_empty());
    }

    #[test]
    fn unsuppressible_findings_stay() {
        let compose = format!(
            "{CLIENT}      OLLAMA_BASE_URL: http://ollama:11434\n      A: ${{X:?set X}} # composelint: disable=CMP006 -- fine\nvolumes: {{models: {{}}}}\n"
        );
        let (codes, _) = run(&[("compose.yaml", &compose)], &all_enabled);
        assert_eq!(codes, Vec::<&str>::new(), "CMP006 can be suppressed");
        let bare = compose.replace(" # composelint: disable=CMP006 -- fine", "");
        assert_eq!(run(&[("compose.yaml", &bare)], &all_enabled).0, ["CMP006"]);
        let env = "A=\"unterminated # composelint: disable=CMP007\n";
        let (codes, summary) = run(
            &[
                (
                    "compose.yaml",
                    &format!(
                        "{CLIENT}      OLLAMA_BASE_URL: http://ollama:11434\nvolumes: {{models: {{}}}}\n"
                    ),
                ),
                (".env", env),
            ],
            &all_enabled,
        );
        assert_eq!(
            codes,
            ["CMP007"],
            "a file that does not parse has no directives"
        );
        assert_eq!(summary.directives, 0);
    }

    #[test]
    fn a_dropped_root_document_is_read_again() {
        // The loader drops the second document (not a mapping); its scalar must still hide
        // the directive-like text inside its quotes.
        let compose = format!(
            "{CLIENT}      OLLAMA_BASE_URL: http://ollama:11434\nvolumes: {{models: {{}}}}\n---\n\"x # composelint: disable=OLL001\"\n"
        );
        let (codes, summary) = run(&[("compose.yaml", &compose)], &all_enabled);
        assert_eq!(codes, ["CMP003"]);
        assert_eq!(summary.directives, 0);
    }

    #[test]
    fn a_quoted_value_of_a_dropped_duplicate_key_is_no_comment() {
        // The loader keeps the first `OLLAMA_BASE_URL`; the second one's quotes still hide
        // the directive-like text.
        let compose = format!(
            "{CLIENT}      OLLAMA_BASE_URL: http://localhost:11434\n      OLLAMA_BASE_URL: \"x # composelint: disable=OLL001\"\nvolumes: {{models: {{}}}}\n"
        );
        let (codes, summary) = run(&[("compose.yaml", &compose)], &all_enabled);
        assert_eq!(codes, ["CMP002", "OLL001"]);
        assert_eq!(summary.directives, 0);
    }

    #[test]
    fn an_include_env_file_is_read_as_an_env_file_whatever_its_name() {
        let included =
            format!("{CLIENT}      OLLAMA_BASE_URL: ${{URL}}\nvolumes: {{models: {{}}}}\n");
        let (codes, summary) = run(
            &[
                (
                    "compose.yaml",
                    "include:\n  - path: stack/compose.yaml\n    env_file: vars.txt\n",
                ),
                ("stack/compose.yaml", &included),
                // Not YAML (a mapping, then a scalar), so read as YAML it has no comments.
                (
                    "vars.txt",
                    "A=a: b\nURL=http://localhost:11434 # composelint: disable=OLL001 -- proxied\n",
                ),
            ],
            &all_enabled,
        );
        assert_eq!(codes, Vec::<&str>::new());
        assert_eq!(summary.suppressed.len(), 1);
        assert_eq!(summary.suppressed[0].diagnostic.code, "OLL001");
    }

    #[test]
    fn directives_are_read_without_parsing_the_files_again() {
        let mut fs = crate::fs::MemFs::new();
        let compose = format!(
            "{CLIENT}      OLLAMA_BASE_URL: http://localhost:11434 # composelint: disable=OLL001\nvolumes: {{models: {{}}}}\n"
        );
        fs.insert("/p/compose.yaml", compose.into_bytes());
        let settings = crate::Settings {
            paths: vec![PathBuf::from("/p")],
            ..crate::Settings::default()
        };
        let linted = crate::lint(&fs, &settings).expect("lints");
        assert_eq!(linted[0].suppressions.suppressed.len(), 1);
        // The as-written trees (many times a file's size) are parsed for fixes that add
        // structure, none of which this project needs, and never for comments.
        assert!(linted[0].project.written.get().is_none());
    }

    /// The directives of a script or Markdown document, as the commands reader records its
    /// comments.
    fn command_directives(path: &str, text: &str) -> Vec<Result<Directive, Malformed>> {
        let mut sources = Sources::new();
        let id = sources.add(PathBuf::from(path), text.to_string());
        let kind = crate::commands::kind_by_name(std::path::Path::new(path)).expect("a kind");
        let (_, comments) = crate::commands::read(id, text, kind);
        sources.record(id, crate::source::FileKind::Commands, comments);
        let f = sources.get(id);
        let comments = comment_lines(f, f.comments().starts().expect("known"));
        let next = NextCodeLine::new(f, &comments);
        let units = Units::new(f);
        comments
            .iter()
            .filter_map(|c| parse_directive(f, c, &next, &units))
            .collect()
    }

    const NET: &str =
        "docker network create llm\ndocker run -d --network llm --name ollama ollama/ollama\n";

    #[test]
    fn in_a_script_a_directive_covers_the_whole_command() {
        let script = format!(
            "{NET}# composelint: disable=OLL001 -- forwarded\ndocker run -d --network llm \\\n  -e OLLAMA_BASE_URL=http://localhost:11434 \\\n  --name a ghcr.io/open-webui/open-webui:main\ndocker run -d --network llm \\\n  -e OLLAMA_BASE_URL=http://localhost:11434 \\\n  --name b ghcr.io/open-webui/open-webui:main # composelint: disable=OLL001\necho '# composelint: disable=OLL001'\ndocker run -d --network llm -e OLLAMA_BASE_URL=http://localhost:11434 --name c ghcr.io/open-webui/open-webui:main\n"
        );
        let scopes: Vec<Scope> = command_directives("start.sh", &script)
            .into_iter()
            .map(|d| d.expect("well-formed").scope)
            .collect();
        assert_eq!(
            scopes,
            [
                Scope::Lines { first: 4, last: 6 },
                Scope::Lines { first: 7, last: 9 }
            ],
            "the quoted one is no comment"
        );
        let (codes, summary) = run(&[("start.sh", &script)], &all_enabled);
        assert_eq!(codes, ["OLL001"], "only `c` is reported");
        assert_eq!(summary.suppressed.len(), 2);
    }

    #[test]
    fn in_powershell_and_cmd_their_own_comments_hold_directives() {
        let url = "-e OLLAMA_BASE_URL=http://localhost:11434";
        let ps = format!(
            "{NET}# composelint: disable=OLL001\ndocker run -d --network llm `\n  {url} --name a ghcr.io/open-webui/open-webui:main\n"
        );
        let (codes, summary) = run(&[("start.ps1", &ps)], &all_enabled);
        assert!(codes.is_empty(), "{codes:?}");
        assert_eq!(summary.suppressed.len(), 1);
        for comment in [
            "REM composelint: disable=OLL001",
            ":: composelint: disable=OLL001",
        ] {
            let bat = format!(
                "{NET}{comment}\ndocker run -d --network llm ^\n  {url} --name a ghcr.io/open-webui/open-webui:main\n"
            );
            let (codes, summary) = run(&[("start.cmd", &bat)], &all_enabled);
            assert!(codes.is_empty(), "{comment}: {codes:?}");
            assert_eq!(summary.suppressed.len(), 1, "{comment}");
        }
        // In a Makefile, make's own comment line before a recipe line.
        let make = format!(
            "up:\n\tdocker network create llm\n\tdocker run -d --network llm --name ollama ollama/ollama\n# composelint: disable=OLL001\n\tdocker run -d --network llm {url} --name a ghcr.io/open-webui/open-webui:main\n"
        );
        let (codes, summary) = run(&[("Makefile", &make)], &all_enabled);
        assert!(codes.is_empty(), "{codes:?}");
        assert_eq!(summary.suppressed.len(), 1);
        // A REM that names no rule is reported like a `#` one.
        let bat = format!("{NET}rem composelint: disable=OLL999\n");
        let (codes, _) = run(&[("start.bat", &bat)], &all_enabled);
        assert_eq!(codes, ["CMP900"]);
    }

    #[test]
    fn a_directive_covers_commands_joined_on_one_command_line_but_not_a_block() {
        let script = format!(
            "{NET}# composelint: disable=OLL001\ndocker network create x && \\\n  docker run -d --network llm -e OLLAMA_BASE_URL=http://localhost:11434 --name a ghcr.io/open-webui/open-webui:main\n"
        );
        let (codes, _) = run(&[("start.sh", &script)], &all_enabled);
        assert!(codes.is_empty(), "{codes:?}");
        // A `#` directive last in a block has no command after it: it covers no block.
        let doc = "```sh\ndocker network create llm\ndocker run -d --network llm --name ollama ollama/ollama\ndocker run -d --network llm -e OLLAMA_BASE_URL=http://localhost:11434 --name a ghcr.io/open-webui/open-webui:main\n# composelint: disable=OLL001\n```\n";
        let (codes, _) = run(&[("README.md", doc)], &all_enabled);
        assert_eq!(codes, ["CMP901", "OLL001"]);
    }

    #[test]
    fn in_markdown_an_html_comment_covers_the_next_block() {
        let doc = format!(
            "```sh\n{NET}```\n\n<!-- composelint: disable=OLL001 -- on purpose -->\n\n<!-- other -->\n```sh\ndocker run -d --network llm \\\n  -e OLLAMA_BASE_URL=http://localhost:11434 --name a ghcr.io/open-webui/open-webui:main\n```\n```sh\ndocker run -d --network llm -e OLLAMA_BASE_URL=http://localhost:11434 --name b ghcr.io/open-webui/open-webui:main\n```\n"
        );
        let directives = command_directives("README.md", &doc);
        let d = directives[0].as_ref().expect("well-formed");
        assert_eq!(d.scope, Scope::Lines { first: 9, last: 12 }, "the block");
        assert_eq!(d.reason.as_deref(), Some("on purpose"));
        assert_eq!(
            &doc[d.comment.start..d.comment.end],
            "<!-- composelint: disable=OLL001 -- on purpose -->"
        );
        let (codes, summary) = run(&[("README.md", &doc)], &all_enabled);
        assert_eq!(
            codes,
            ["OLL001"],
            "only `b`, in the next block, is reported"
        );
        assert_eq!(summary.suppressed.len(), 1);
    }

    #[test]
    fn removing_an_html_directive_keeps_what_follows_it_on_its_line() {
        let doc = "<!-- composelint: disable-file=OLL001 --> kept\n<!-- composelint: disable-file=OLL003 -->\r\nnext\n";
        let removals: Vec<&str> = command_directives("a.md", doc)
            .into_iter()
            .map(|d| {
                let r = d.expect("well-formed").removal;
                &doc[r.start..r.end]
            })
            .collect();
        assert_eq!(
            removals,
            [
                "<!-- composelint: disable-file=OLL001 -->",
                "<!-- composelint: disable-file=OLL003 -->\r\n"
            ]
        );
    }

    #[test]
    fn html_directives_that_do_not_read_are_findings_with_html_help() {
        for (doc, at) in [
            (
                "<!-- composelint: disable=OLL001 OLL003 -->\n",
                "OLL001 OLL003",
            ),
            ("<!-- composelint: -->\n", "composelint:"),
            (
                "<!-- composelint: disable=OLL001\n\nnever closed\n",
                "OLL001\n\nnever closed",
            ),
        ] {
            let e = command_directives("a.md", doc).remove(0).expect_err(doc);
            assert_eq!(&doc[e.span.start..e.span.end], at, "{doc}");
            assert!(e.html);
        }
    }
}
