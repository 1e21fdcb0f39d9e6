//! Compose's `${VAR}` interpolation, keeping the provenance of every resolved byte.
//!
//! The grammar is compose-go's (`template/template.go`), reproduced by a hand-written scanner
//! rather than its regular expression:
//!
//! * `$$` is a literal `$`; `$NAME` takes the longest `[_A-Za-z][_A-Za-z0-9]*` run; `$`
//!   followed by anything else stays literal.
//! * `${NAME}` and `${NAME<op>arg}` with `<op>` one of `:-` `-` `:+` `+` `:?` `?`, placed right
//!   after the name; everything after it is the argument, verbatim, other operators included.
//!   Any other `${` is an error.
//! * An expression with an operator first reaches to the **last** `}` of its line (the
//!   regex's greedy `(.*)}`), then is cut at the brace that closes it by counting braces — the
//!   count skips the byte right after every `{`, as compose-go's `getFirstBraceClosingIndex`
//!   does — and whatever lies between the cut and that last `}` is interpolated on its own.
//! * The argument is interpolated only when its branch is taken, so unset variables and errors
//!   in branches not taken go unnoticed, as in Compose.
//!
//! The recursion compose-go performs (argument, then the rest after the cut) is driven here by
//! an explicit stack of frames, so deeply nested or long inputs cannot exhaust the call stack.
//!
//! Provenance: literal text keeps the template's origins (sliced, so an exact file piece maps
//! byte for byte), a variable's value keeps the origins of the [`Text`] the lookup returned,
//! and a default or alternative is template text like any other. The `$` produced by `$$` is
//! an *inexact* piece whose origin covers both template bytes `$$`.

use std::ops::Range;

use crate::go_format::go_quote;
use crate::source::Span;
use crate::text::{Origin, Text};

/// A variable used without a default that has no value: Compose substitutes "" and warns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsetVariable {
    pub name: String,
    /// Byte range of the whole expression (`$X` or `${X}`) in the template's value.
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolated {
    pub text: Text,
    /// In order of occurrence; only variables whose branch was actually taken.
    pub unset: Vec<UnsetVariable>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterpolationError {
    /// `${` that does not form a valid expression. `template` is the text Compose reports:
    /// the string being interpolated when the error was met, which for an expression nested
    /// in a default, or following a cut, is only that part of the template.
    Invalid {
        template: String,
        /// From the `$` to the next `}` on the line (inclusive), or just the `${` when there
        /// is none.
        range: Range<usize>,
    },
    /// `${X:?msg}` / `${X?msg}` with X missing. `message` is already interpolated.
    Required {
        name: String,
        message: String,
        /// The whole `${…}` expression.
        range: Range<usize>,
    },
}

impl InterpolationError {
    /// Byte range of the offending expression in the template's value.
    pub fn range(&self) -> Range<usize> {
        match self {
            InterpolationError::Invalid { range, .. }
            | InterpolationError::Required { range, .. } => range.clone(),
        }
    }
}

impl std::fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InterpolationError::Invalid { template, .. } => {
                write!(f, "Invalid template: {}", go_quote(template))
            }
            InterpolationError::Required { name, message, .. } if message.is_empty() => {
                write!(f, "required variable {name} is missing a value")
            }
            InterpolationError::Required { name, message, .. } => {
                write!(f, "required variable {name} is missing a value: {message}")
            }
        }
    }
}

impl std::error::Error for InterpolationError {}

/// Resolves `template` against `lookup`.
pub fn interpolate(
    template: &Text,
    lookup: &dyn Fn(&str) -> Option<Text>,
) -> Result<Interpolated, InterpolationError> {
    let bytes = template.value.as_bytes();
    // Where the line holding each offset ends, so the greedy `(.*)}` search costs no more than
    // the distance from the line end back to its last `}`, even on very long lines.
    let mut line_ends = vec![bytes.len(); bytes.len() + 1];
    for i in (0..bytes.len()).rev() {
        line_ends[i] = if bytes[i] == b'\n' {
            i
        } else {
            line_ends[i + 1]
        };
    }
    let mut engine = Engine {
        template,
        bytes,
        line_ends,
        closing: closing_braces(bytes),
        lookup,
        unset: Vec::new(),
    };
    let text = engine.run()?;
    Ok(Interpolated {
        text,
        unset: engine.unset,
    })
}

/// The operators, in the order compose-go's table lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `:-`
    DefaultIfEmpty,
    /// `-`
    DefaultIfUnset,
    /// `:+`
    AltIfNonEmpty,
    /// `+`
    AltIfSet,
    /// `:?`
    RequiredNonEmpty,
    /// `?`
    Required,
}

impl Op {
    /// The operator starting at `at`, with its length, if any.
    fn at(bytes: &[u8], at: usize, end: usize) -> Option<(Op, usize)> {
        let first = *bytes.get(at).filter(|_| at < end)?;
        let second = bytes.get(at + 1).copied().filter(|_| at + 1 < end);
        match (first, second) {
            (b':', Some(b'-')) => Some((Op::DefaultIfEmpty, 2)),
            (b':', Some(b'+')) => Some((Op::AltIfNonEmpty, 2)),
            (b':', Some(b'?')) => Some((Op::RequiredNonEmpty, 2)),
            (b'-', _) => Some((Op::DefaultIfUnset, 1)),
            (b'+', _) => Some((Op::AltIfSet, 1)),
            (b'?', _) => Some((Op::Required, 1)),
            _ => None,
        }
    }
}

/// What a frame's output is for.
enum FrameKind {
    /// Appended to the output being built (the result, or an enclosing error message).
    Normal,
    /// The message of a `:?`/`?` whose variable is missing; finishing it is the error.
    RequiredMessage { name: String, range: Range<usize> },
}

/// One string compose-go would hand to a (recursive) `Substitute` call: a range of the
/// template, with the range it would report in an "Invalid template" error.
struct Frame {
    pos: usize,
    end: usize,
    /// The string compose-go's call was given, for its error text.
    reported: Range<usize>,
    kind: FrameKind,
}

struct Engine<'a> {
    template: &'a Text,
    bytes: &'a [u8],
    /// For each offset, the offset of the next `\n` (or the end).
    line_ends: Vec<usize>,
    /// For each `$`, where the brace count from it stops (see [`closing_braces`]).
    closing: Vec<Counted>,
    lookup: &'a dyn Fn(&str) -> Option<Text>,
    unset: Vec<UnsetVariable>,
}

impl Engine<'_> {
    fn run(&mut self) -> Result<Text, InterpolationError> {
        let len = self.bytes.len();
        let mut frames = vec![Frame {
            pos: 0,
            end: len,
            reported: 0..len,
            kind: FrameKind::Normal,
        }];
        // Output sinks: the result at the bottom, one per pending required-message frame.
        let mut sinks = vec![Text::default()];
        while let Some(frame) = frames.last_mut() {
            if frame.pos >= frame.end {
                let done = frames.pop();
                if let Some(Frame {
                    kind: FrameKind::RequiredMessage { name, range },
                    ..
                }) = done
                {
                    let message = sinks.pop().unwrap_or_default().value;
                    return Err(InterpolationError::Required {
                        name,
                        message,
                        range,
                    });
                }
                continue;
            }
            let (start, end) = (frame.pos, frame.end);
            let Some(sink) = sinks.last_mut() else {
                break;
            };
            // Literal text up to the next `$`.
            let dollar = match self.bytes[start..end].iter().position(|&b| b == b'$') {
                Some(i) => start + i,
                None => {
                    sink.push_text(&self.template.slice(start..end));
                    frame.pos = end;
                    continue;
                }
            };
            if dollar > start {
                sink.push_text(&self.template.slice(start..dollar));
            }
            let step = self.expression(dollar, end);
            match step {
                Step::Literal(next) => {
                    sink.push_text(&self.template.slice(dollar..next));
                    frame.pos = next;
                }
                Step::Escaped => {
                    sink.push_str("$", inexact_origin(self.template, dollar..dollar + 2));
                    frame.pos = dollar + 2;
                }
                Step::Variable { name, end: next } => {
                    match (self.lookup)(&name) {
                        Some(value) => sink.push_text(&value),
                        None => self.unset.push(UnsetVariable {
                            name,
                            range: dollar..next,
                        }),
                    }
                    frame.pos = next;
                }
                Step::Invalid { range } => {
                    return Err(InterpolationError::Invalid {
                        template: self.text(frame.reported.clone()).to_string(),
                        range,
                    });
                }
                Step::Operator {
                    name,
                    op,
                    arg,
                    cut,
                    end: next,
                } => {
                    frame.pos = next;
                    let value = (self.lookup)(&name);
                    let (is_set, is_non_empty) = match &value {
                        Some(v) => (true, !v.is_empty()),
                        None => (false, false),
                    };
                    let take_arg = match op {
                        Op::DefaultIfEmpty => !is_non_empty,
                        Op::DefaultIfUnset => !is_set,
                        Op::AltIfNonEmpty => is_non_empty,
                        Op::AltIfSet => is_set,
                        Op::RequiredNonEmpty | Op::Required => false,
                    };
                    let missing = match op {
                        Op::RequiredNonEmpty => !is_non_empty,
                        Op::Required => !is_set,
                        _ => false,
                    };
                    // The part between the cut and the greedy match's end is interpolated
                    // after the expression's own value.
                    if cut + 1 < next {
                        frames.push(Frame {
                            pos: cut + 1,
                            end: next,
                            reported: cut + 1..next,
                            kind: FrameKind::Normal,
                        });
                    }
                    if missing {
                        sinks.push(Text::default());
                        frames.push(Frame {
                            pos: arg.start,
                            end: arg.end,
                            reported: arg,
                            kind: FrameKind::RequiredMessage {
                                name,
                                range: dollar..cut + 1,
                            },
                        });
                    } else if take_arg {
                        frames.push(Frame {
                            pos: arg.start,
                            end: arg.end,
                            reported: arg,
                            kind: FrameKind::Normal,
                        });
                    } else if let Some(v) = value {
                        sink.push_text(&v);
                    }
                }
            }
        }
        Ok(sinks.into_iter().next().unwrap_or_default())
    }

    fn text(&self, range: Range<usize>) -> &str {
        self.template.value.get(range).unwrap_or("")
    }

    /// Classifies the `$` at `dollar` within a string ending at `end`.
    fn expression(&self, dollar: usize, end: usize) -> Step {
        let b = self.bytes;
        let Some(&next) = b.get(dollar + 1).filter(|_| dollar + 1 < end) else {
            return Step::Literal(dollar + 1);
        };
        if next == b'$' {
            return Step::Escaped;
        }
        if next != b'{' {
            let name_end = self.name_end(dollar + 1, end);
            if name_end == dollar + 1 {
                return Step::Literal(dollar + 1);
            }
            return Step::Variable {
                name: self.text(dollar + 1..name_end).to_string(),
                end: name_end,
            };
        }
        let name_start = dollar + 2;
        let name_end = self.name_end(name_start, end);
        if name_end == name_start {
            return self.invalid(dollar, end);
        }
        let name = self.text(name_start..name_end).to_string();
        if name_end < end && b.get(name_end) == Some(&b'}') {
            return Step::Variable {
                name,
                end: name_end + 1,
            };
        }
        let Some((op, op_len)) = Op::at(b, name_end, end) else {
            return self.invalid(dollar, end);
        };
        let arg_start = name_end + op_len;
        // `(.*)}`: the last `}` before the end of the line.
        let line_end = self.line_ends.get(arg_start).map_or(end, |&e| e.min(end));
        let Some(last_brace) = b[arg_start..line_end]
            .iter()
            .rposition(|&c| c == b'}')
            .map(|i| arg_start + i)
        else {
            return self.invalid(dollar, end);
        };
        let match_end = last_brace + 1;
        // The counted brace can only lie in the argument; the clamp keeps the range ordered.
        let counted = match self.closing.get(dollar) {
            Some(Counted::At(at)) => Some(*at).filter(|&at| at < match_end),
            Some(Counted::Never) => None,
            _ => first_closing_brace(&b[dollar..match_end]).map(|i| dollar + i),
        };
        let cut = counted.unwrap_or(last_brace).max(arg_start);
        Step::Operator {
            name,
            op,
            arg: arg_start..cut,
            cut,
            end: match_end,
        }
    }

    /// End of the name starting at `start` (== `start` when there is none).
    fn name_end(&self, start: usize, end: usize) -> usize {
        let Some(rest) = self.template.value.get(start..end) else {
            return start;
        };
        let mut len = 0;
        for (i, c) in rest.char_indices() {
            let ok = if i == 0 {
                is_name_start(c)
            } else {
                is_name_start(c) || c.is_ascii_digit()
            };
            if !ok {
                break;
            }
            len = i + c.len_utf8();
        }
        start + len
    }

    fn invalid(&self, dollar: usize, end: usize) -> Step {
        let line_end = self.bytes[dollar..end]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(end, |i| dollar + i);
        let close = self.bytes[dollar..line_end]
            .iter()
            .position(|&c| c == b'}')
            .map_or((dollar + 2).min(end), |i| dollar + i + 1);
        Step::Invalid {
            range: dollar..close,
        }
    }
}

enum Step {
    /// `$` not starting an expression; literal up to the given offset.
    Literal(usize),
    /// `$$`.
    Escaped,
    /// `$NAME` or `${NAME}`, ending at `end`.
    Variable {
        name: String,
        end: usize,
    },
    /// `${NAME<op>…}`: argument range, the cutting `}` and the greedy match's end.
    Operator {
        name: String,
        op: Op,
        arg: Range<usize>,
        cut: usize,
        end: usize,
    },
    Invalid {
        range: Range<usize>,
    },
}

/// `[_a-z]` under Go's case-insensitive matching: ASCII letters and `_`, plus the two
/// non-ASCII characters whose simple case folding reaches an ASCII letter (U+017F long s,
/// U+212A Kelvin sign) — Go's regexp folds character classes that way [INFERRED from Go's
/// `regexp/syntax` folding, not executed].
fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '\u{17F}' || c == '\u{212A}'
}

/// Where the brace count from a `$` stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Counted {
    /// Not worked out for this offset: count directly.
    Unknown,
    /// At this `}`.
    At(usize),
    /// Nowhere: no `}` closes it.
    Never,
}

/// Where [`first_closing_brace`] stops for every `${` at once, in two passes over the text,
/// so that nested expressions (`${A:-${A:-…}}`, each counting to its own end) cost no more
/// than the text is long. The count from a `$` walks the same bytes as the count from the
/// text's start once it meets one of them, and that walk skips only the byte after a `{`: a
/// `$` it visits gets its answer from the brace depth along it (None elsewhere: those few are
/// counted directly).
fn closing_braces(b: &[u8]) -> Vec<Counted> {
    let mut out = vec![Counted::Unknown; b.len()];
    if !b.windows(2).any(|w| w == b"${") {
        return out;
    }
    // The walk from the start: which offsets it visits, and the depth before each.
    let mut visited = vec![false; b.len()];
    let mut depth_before = vec![0i64; b.len()];
    let (mut i, mut depth) = (0, 0i64);
    while i < b.len() {
        visited[i] = true;
        depth_before[i] = depth;
        if b[i] == b'}' {
            depth -= 1;
        }
        if b[i] == b'{' {
            depth += 1;
            i += 1;
        }
        i += 1;
    }
    // Backwards: for each depth, the nearest visited `}` that brings the count back to it.
    let mut next_close: std::collections::HashMap<i64, usize> = Default::default();
    for p in (0..b.len()).rev() {
        if !visited[p] {
            continue;
        }
        if b[p] == b'$' && b.get(p + 1) == Some(&b'{') {
            out[p] = next_close
                .get(&depth_before[p])
                .map_or(Counted::Never, |&at| Counted::At(at));
        }
        if b[p] == b'}' {
            next_close.insert(depth_before[p] - 1, p);
        }
    }
    out
}

/// compose-go's `getFirstBraceClosingIndex`, on bytes: counts `{` and `}`, skipping the byte
/// right after every `{`.
fn first_closing_brace(s: &[u8]) -> Option<usize> {
    let mut open: i64 = 0;
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'}' {
            open -= 1;
            if open == 0 {
                return Some(i);
            }
        }
        if s[i] == b'{' {
            open += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

/// One origin standing for the whole `range` of `text`, inexact when it is a file span.
pub(crate) fn inexact_origin(text: &Text, range: Range<usize>) -> Origin {
    let sliced = text.slice(range);
    match covering_span(&sliced) {
        Some(span) => Origin::File { span, exact: false },
        None => sliced
            .pieces
            .first()
            .map_or(Origin::Synthetic, |p| p.origin.clone()),
    }
}

/// The smallest span covering every file piece of `text`, if they all lie in one file.
pub(crate) fn covering_span(text: &Text) -> Option<Span> {
    let mut cover: Option<Span> = None;
    for piece in &text.pieces {
        if let Origin::File { span, .. } = piece.origin {
            cover = match cover {
                None => Some(span),
                Some(c) if c.file == span.file => Some(Span::new(
                    c.file,
                    c.start.min(span.start),
                    c.end.max(span.end),
                )),
                Some(_) => return None,
            };
        }
    }
    cover
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn file_text(value: &str, start: usize) -> Text {
        Text::from_file(
            value,
            Span::new(FileId(0), start, start + value.len()),
            true,
        )
    }

    fn env(pairs: &[(&str, Text)]) -> impl Fn(&str) -> Option<Text> + use<> {
        let pairs: Vec<(String, Text)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn default_keeps_the_span_of_its_own_bytes() {
        // The template sits at byte 100 of its file.
        let t = file_text("http://${H:-localhost}:11434", 100);
        let r = interpolate(&t, &env(&[])).unwrap();
        assert_eq!(r.text.value, "http://localhost:11434");
        // `localhost` is bytes 12..21 of the template.
        assert_eq!(r.text.exact_span(7..16), Some(span(112, 121)));
        assert_eq!(r.text.exact_span(0..7), Some(span(100, 107)));
        assert_eq!(r.text.exact_span(16..22), Some(span(122, 128)));
        assert!(r.unset.is_empty());
    }

    #[test]
    fn variable_keeps_the_origin_of_its_value() {
        let t = file_text("http://${HOST}:11434", 10);
        let host = Text::from_file("ollama", Span::new(FileId(3), 40, 46), true);
        let r = interpolate(&t, &env(&[("HOST", host)])).unwrap();
        assert_eq!(r.text.value, "http://ollama:11434");
        assert_eq!(r.text.exact_span(7..13), Some(Span::new(FileId(3), 40, 46)));
        assert_eq!(r.text.exact_span(13..19), Some(span(24, 30)));
        let from_env =
            interpolate(&t, &env(&[("HOST", Text::new("h", Origin::ProcessEnv))])).unwrap();
        assert_eq!(from_env.text.pieces[1].origin, Origin::ProcessEnv);
        assert_eq!(from_env.text.pieces[1].range, 7..8);
    }

    #[test]
    fn escaped_dollar_is_an_inexact_piece_over_both_bytes() {
        let t = file_text("a$$b", 5);
        let r = interpolate(&t, &env(&[])).unwrap();
        assert_eq!(r.text.value, "a$b");
        assert_eq!(
            r.text.pieces[1].origin,
            Origin::File {
                span: span(6, 8),
                exact: false
            }
        );
        assert_eq!(r.text.exact_span(0..1), Some(span(5, 6)));
        assert_eq!(r.text.exact_span(2..3), Some(span(8, 9)));
    }

    #[test]
    fn unset_ranges_point_into_the_template() {
        let t = file_text("x $A ${B} ${C:-${D}}", 0);
        let r = interpolate(&t, &env(&[])).unwrap();
        assert_eq!(r.text.value, "x   ");
        let got: Vec<(&str, Range<usize>)> = r
            .unset
            .iter()
            .map(|u| (u.name.as_str(), u.range.clone()))
            .collect();
        assert_eq!(got, vec![("A", 2..4), ("B", 5..9), ("D", 15..19)]);
    }

    #[test]
    fn error_ranges_point_into_the_template() {
        let t = file_text("ok ${X:?need X} ${", 0);
        let e = interpolate(&t, &env(&[])).unwrap_err();
        assert_eq!(e.range(), 3..15);
        assert_eq!(
            e.to_string(),
            "required variable X is missing a value: need X"
        );
        let e = interpolate(&file_text("a ${foo!} b", 0), &env(&[])).unwrap_err();
        assert_eq!(e.range(), 2..9);
        let e = interpolate(&file_text("a ${", 0), &env(&[])).unwrap_err();
        assert_eq!(e.range(), 2..4);
    }

    #[test]
    fn text_after_a_cut_is_its_own_template_for_errors() {
        // The greedy match reaches the last `}`; ` ${ }` after the cut is reported alone.
        let e = interpolate(&file_text("${A:-a} ${ }", 0), &env(&[])).unwrap_err();
        assert_eq!(e.to_string(), "Invalid template: \" ${ }\"");
    }

    /// The one-pass table agrees with counting from each `$` directly, on every prefix end.
    #[test]
    fn closing_braces_agree_with_counting_directly() {
        let alphabet = b"${}a:-{}$";
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3_000 {
            let len = (seed % 24) as usize;
            let mut s = Vec::with_capacity(len);
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let table = closing_braces(&s);
            for d in 0..s.len() {
                for end in d..=s.len() {
                    let direct = first_closing_brace(&s[d..end]).map(|i| d + i);
                    let from_table = match table[d] {
                        Counted::At(at) => Some(at).filter(|&at| at < end),
                        Counted::Never => None,
                        Counted::Unknown => continue,
                    };
                    assert_eq!(
                        from_table,
                        direct,
                        "{:?} from {d} to {end}",
                        String::from_utf8_lossy(&s)
                    );
                }
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let depth = 5_000;
        let mut s = String::new();
        for _ in 0..depth {
            s.push_str("${A:-");
        }
        s.push('x');
        for _ in 0..depth {
            s.push('}');
        }
        // A small stack: one call frame per nesting level would overflow it.
        let handle = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || interpolate(&file_text(&s, 0), &env(&[])).map(|r| r.text.value))
            .unwrap();
        assert_eq!(handle.join().unwrap().unwrap(), "x");
    }

    #[test]
    fn many_expressions_on_one_line() {
        let s = "${A:-x}".repeat(20_000);
        let r = interpolate(&file_text(&s, 0), &env(&[])).unwrap();
        assert_eq!(r.text.value, "x".repeat(20_000));
    }

    #[test]
    fn go_quote_escapes_like_strconv_quote() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\n\t\u{1}\u{7f}"), r#""\n\t\x01\x7f""#);
        assert_eq!(go_quote("é\u{a0}\u{feff}"), "\"é\\u00a0\\ufeff\"");
        assert_eq!(go_quote("\u{10ffff}"), r#""\U0010ffff""#);
    }

    /// Random templates from the grammar's own characters: no panic, and the pieces of every
    /// result tile it, exact ones spelling the template bytes they claim.
    #[test]
    fn random_templates_keep_provenance_consistent() {
        const ALPHABET: &[&str] = &[
            "$", "$", "{", "}", ":", "-", "+", "?", "A", "b", "_", "1", " ", "\n", "é", "\u{212A}",
            "$$",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let lookup = env(&[
            ("A", Text::new("va", Origin::ProcessEnv)),
            ("b", Text::new("", Origin::ProcessEnv)),
        ]);
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let s: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let t = file_text(&s, 3);
            let Ok(r) = interpolate(&t, &lookup) else {
                continue;
            };
            let mut at = 0;
            for piece in &r.text.pieces {
                assert_eq!(piece.range.start, at, "{s:?}");
                at = piece.range.end;
                if let Origin::File { span, exact: true } = piece.origin {
                    assert_eq!(
                        s.get(span.start - 3..span.end - 3),
                        r.text.value.get(piece.range.clone()),
                        "{s:?}"
                    );
                }
            }
            assert_eq!(at, r.text.value.len(), "{s:?}");
            for u in &r.unset {
                assert!(s[u.range.clone()].starts_with('$'), "{s:?}");
            }
        }
    }
}
