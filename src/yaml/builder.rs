//! Builds the spanned tree from yaml-rust2's events.
//!
//! The tree is built with an explicit stack of open collections, never by recursion. Every
//! finished anchored node is copied into a table from which aliases are cloned; each clone is
//! counted against [`Limits::max_alias_nodes`] before it is made, and so is the table copy of
//! an anchored node that itself contains anchors (otherwise nested anchors could multiply
//! memory without a single alias).
//!
//! Documents: a stream with no document (an empty file, only comments) yields no document; an
//! explicit empty document (`---` alone) yields a null scalar.

mod locate;
mod quoted;
mod scan;

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, Parser, Tag as YamlTag};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use crate::comments::{CommentFinder, Comments};
use crate::source::{FileId, Span};
use crate::text::Text;

use super::{Entry, Node, NodeKind, Scalar, ScalarStyle, Tag};
use locate::{Locator, utf8_len};

/// Bounds on the work one input can demand.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Nodes created by expanding aliases, over the whole file (copies kept of anchored
    /// nodes that contain other anchored nodes count too).
    pub max_alias_nodes: usize,
    /// Nesting depth of collections.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_alias_nodes: 100_000,
            max_depth: 256,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// The text is not YAML.
    Syntax,
    /// A mapping key appears twice; `first` is the earlier key.
    DuplicateKey { key: String, first: Span },
    /// Alias expansion or nesting went past [`Limits`].
    TooComplex,
    /// An alias names no anchor.
    UnknownAnchor,
    /// A `<<` merge key whose value is not a mapping or a list of mappings.
    InvalidMerge,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub span: Span,
}

/// The documents of one file, and what went wrong reading them. After a syntax error the
/// documents read so far are kept; other errors leave the tree usable.
#[derive(Clone, Debug, Default)]
pub struct ParsedYaml {
    pub documents: Vec<Node>,
    pub errors: Vec<YamlError>,
    /// Each `#` outside every scalar read (quoted, plain or block; a block scalar's header
    /// line may end in a comment) at a line start or after a blank. Unknown after an error
    /// that stopped the parse or left an alias unresolved.
    pub comments: Comments,
}

/// Parses every document of `text` (the whole file, valid UTF-8, possibly with a BOM).
///
/// Never panics. Syntax errors and [`YamlErrorKind::TooComplex`] stop the parse: documents
/// completed before are kept, the one in progress is dropped. Duplicate keys (the first entry
/// is kept), bad merges and unknown aliases (read as null) are reported and parsing goes on.
pub fn parse(file: FileId, text: &str, limits: Limits) -> ParsedYaml {
    // yaml-rust2 rejects a closing `]` / `}` on its own line indented less than the block
    // around it (after a quoted scalar or a nested collection; after a plain scalar it lets
    // it pass); go-yaml, which Compose uses, accepts it. Joining that line to the one before
    // (a line break becomes a space) keeps every byte offset, so spans stay right. A comment
    // ending the line before would swallow the bracket: it is blanked for the parser and
    // given back to the comment list afterwards.
    let mut patched: Option<String> = None;
    let mut blanked: Vec<usize> = Vec::new();
    for _ in 0..MAX_FLOW_PATCHES {
        let current = patched.as_deref().unwrap_or(text);
        let (out, comments_before_error) = parse_once(file, current, limits);
        let Some(join) = underindented_flow_close(current, &out, &comments_before_error) else {
            return with_comments(out, &blanked);
        };
        let mut bytes = current.as_bytes().to_vec();
        if let Some(comment) = join.comment {
            let end = crate::comments::comment_end(current, comment);
            bytes[comment..end].fill(b' ');
            blanked.push(comment);
        }
        bytes[join.newline] = b' ';
        if join.newline > 0 && bytes[join.newline - 1] == b'\r' {
            bytes[join.newline - 1] = b' ';
        }
        patched = Some(String::from_utf8(bytes).unwrap_or_else(|_| current.to_string()));
    }
    let (out, _) = parse_once(file, patched.as_deref().unwrap_or(text), limits);
    with_comments(out, &blanked)
}

/// The parse of a patched text, with the comments blanked for the parser back in its list.
fn with_comments(mut out: ParsedYaml, blanked: &[usize]) -> ParsedYaml {
    if let Comments::At(starts) = &mut out.comments
        && !blanked.is_empty()
    {
        starts.extend_from_slice(blanked);
        starts.sort_unstable();
        starts.dedup();
    }
    out
}

/// How many under-indented closing brackets one file may have joined.
const MAX_FLOW_PATCHES: usize = 32;

/// Where to join an under-indented closing bracket to the line before.
struct FlowJoin {
    /// The line break before the bracket.
    newline: usize,
    /// The comment that ends the line before, if any.
    comment: Option<usize>,
}

/// The line break before a closing bracket that yaml-rust2 rejected as under-indented, and
/// the comment ending the line before it (`comments` holds those the parser found before its
/// error: between the last scalar and the bracket only indicators and comments can stand, so
/// these are exact).
fn underindented_flow_close(text: &str, out: &ParsedYaml, comments: &[usize]) -> Option<FlowJoin> {
    let error = out.errors.iter().find(|e| {
        e.kind == YamlErrorKind::Syntax && e.message.starts_with("invalid indentation")
    })?;
    let at = error.span.start;
    let line_start = text.get(..at)?.rfind('\n')? + 1;
    let line = text.get(line_start..)?;
    let first = line.trim_start_matches([' ', '\t']).chars().next()?;
    if !matches!(first, ']' | '}')
        || line_start + (line.len() - line.trim_start_matches([' ', '\t']).len()) != at
    {
        return None;
    }
    let newline = line_start - 1;
    let previous_start = text[..newline].rfind('\n').map_or(0, |i| i + 1);
    let comment = comments
        .iter()
        .copied()
        .find(|&c| (previous_start..newline).contains(&c));
    Some(FlowJoin { newline, comment })
}

/// One parse of `text`, and, when it stopped at a syntax error, the comments found before the
/// error.
fn parse_once(file: FileId, text: &str, limits: Limits) -> (ParsedYaml, Vec<usize>) {
    // yaml-rust2 reads a BOM as content and a NUL as the end of the input, so the BOM is cut
    // off here and the text is handed over only up to the first NUL, which is an error.
    let base = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let nul = text[base..].find('\0').map(|i| i + base);
    let src = &text[..nul.unwrap_or(text.len())];
    let mut builder = Builder::new(file, src, base, limits);
    builder.run(&src[base..]);
    let mut out = ParsedYaml {
        documents: builder.documents,
        errors: builder.errors,
        comments: Comments::Unknown,
    };
    if let Some(at) = nul {
        out.errors.push(YamlError {
            kind: YamlErrorKind::Syntax,
            message: "found a NUL character, which YAML does not allow".to_string(),
            span: Span::new(file, at, at + 1),
        });
    }
    let unreliable = out.errors.iter().any(|e| {
        matches!(
            e.kind,
            YamlErrorKind::Syntax | YamlErrorKind::TooComplex | YamlErrorKind::UnknownAnchor
        )
    });
    let mut before_error = Vec::new();
    if !unreliable {
        out.comments = Comments::At(builder.comments.finish());
    } else if let Some(error) = out.errors.iter().find(|e| e.kind == YamlErrorKind::Syntax) {
        // Nothing after the error is searched: the rest counts as content.
        let mut finder = builder.comments;
        finder.content(error.span.start, text.len());
        before_error = finder.finish();
    }
    (out, before_error)
}

/// A collection still being read.
struct Frame {
    mapping: bool,
    /// Opened with `[` or `{`, so its span ends with the closing bracket.
    flow: bool,
    anchor: usize,
    tag: Option<Box<Tag>>,
    /// First byte, once known (a block mapping starts at its first key).
    start: Option<usize>,
    /// Children in order; for a mapping, keys and values alternate.
    items: Vec<Node>,
    /// Nodes in this collection so far, itself included (saturating).
    size: usize,
    /// Collection levels below and including this one.
    height: usize,
    /// Whether some node inside carries an anchor.
    has_anchor: bool,
}

/// An anchored node, ready to be cloned for its aliases.
struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

/// What a finished node brings to its parent.
struct Done {
    node: Node,
    /// Where the node starts at this place in the file (an alias: where the alias is).
    at: usize,
    size: usize,
    height: usize,
    has_anchor: bool,
}

/// Whether to keep reading events.
type Go = bool;

struct Builder<'a> {
    file: FileId,
    src: &'a str,
    base: usize,
    limits: Limits,
    loc: Locator<'a>,
    stack: Vec<Frame>,
    /// yaml-rust2 anchor id → the anchored node, for the current document.
    anchors: HashMap<usize, Anchored>,
    root: Option<Node>,
    /// End of the last token read: where to look for what sits between it and the next one.
    prev_end: usize,
    alias_nodes: usize,
    documents: Vec<Node>,
    errors: Vec<YamlError>,
    /// Fed every scalar as it is read: events come in file order.
    comments: CommentFinder<'a>,
}

impl<'a> Builder<'a> {
    fn new(file: FileId, src: &'a str, base: usize, limits: Limits) -> Self {
        Builder {
            file,
            src,
            base,
            limits,
            loc: Locator::new(src, base),
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            prev_end: base,
            alias_nodes: 0,
            documents: Vec::new(),
            errors: Vec::new(),
            comments: CommentFinder::new(src, true),
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end.max(start))
    }

    fn error(&mut self, kind: YamlErrorKind, message: String, start: usize, end: usize) {
        let span = self.span(start, end);
        self.errors.push(YamlError {
            kind,
            message,
            span,
        });
    }

    fn run(&mut self, input: &str) {
        let mut parser = Parser::new_from_str(input);
        loop {
            let (event, mark) = match parser.next_token() {
                Ok(next) => next,
                Err(e) => {
                    self.scan_error(&e);
                    return;
                }
            };
            let go = match event {
                Event::StreamEnd => return,
                Event::StreamStart | Event::Nothing => true,
                Event::DocumentStart => self.document_start(&mark),
                Event::DocumentEnd => self.document_end(),
                Event::Scalar(value, style, anchor, tag) => {
                    self.scalar(value, style, anchor, tag, &mark)
                }
                Event::SequenceStart(anchor, tag) => self.open(false, anchor, tag, &mark),
                Event::MappingStart(anchor, tag) => self.open(true, anchor, tag, &mark),
                Event::SequenceEnd | Event::MappingEnd => self.close(&mark),
                Event::Alias(id) => self.alias(id, &mark),
            };
            if !go {
                return;
            }
        }
    }

    fn scan_error(&mut self, e: &ScanError) {
        let at = self.loc.pos(e.marker());
        let info = e.info();
        if info == "recursion limit exceeded" {
            // yaml-rust2 refuses more than 255 nested flow collections by itself.
            let end = self.char_end(at);
            self.error(
                YamlErrorKind::TooComplex,
                "nesting deeper than 255 flow collections".to_string(),
                at,
                end,
            );
        } else if info.contains("unknown anchor") {
            let name = scan::alias_name(self.src, at);
            let message = format!("unknown anchor '{name}' referenced");
            let end = at + 1 + name.len();
            self.error(YamlErrorKind::UnknownAnchor, message, at, end);
        } else {
            let end = self.char_end(at);
            self.error(YamlErrorKind::Syntax, info.to_string(), at, end);
        }
    }

    /// The end of the character at `at`, or `at` itself at a line break or the end.
    fn char_end(&self, at: usize) -> usize {
        match self.src.as_bytes().get(at) {
            Some(b'\n' | b'\r') | None => at,
            Some(&b) if self.src.is_char_boundary(at) => (at + utf8_len(b)).min(self.src.len()),
            Some(_) => at,
        }
    }

    fn too_complex(&mut self, message: String, at: usize, end: usize) -> Go {
        self.error(YamlErrorKind::TooComplex, message, at, end);
        false
    }

    fn document_start(&mut self, mark: &Marker) -> Go {
        self.anchors.clear();
        self.stack.clear();
        self.root = None;
        let at = self.loc.pos(mark);
        if self
            .src
            .get(at..)
            .is_some_and(|rest| rest.starts_with("---"))
        {
            self.prev_end = at;
        }
        true
    }

    fn document_end(&mut self) -> Go {
        if let Some(root) = self.root.take() {
            self.documents.push(root);
        }
        self.anchors.clear();
        true
    }

    /// Records a finished node under its anchor, then hands it to the open collection (or
    /// makes it the document).
    fn finish(&mut self, done: Done, anchor: usize) -> Go {
        let mut done = done;
        if anchor > 0 {
            if done.has_anchor {
                // The table copy repeats the anchored nodes inside, which are stored too.
                self.alias_nodes = self.alias_nodes.saturating_add(done.size);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    let message = format!(
                        "alias expansion exceeds {} nodes",
                        self.limits.max_alias_nodes
                    );
                    let span = done.node.span;
                    return self.too_complex(message, span.start, span.end);
                }
            }
            self.anchors.insert(
                anchor,
                Anchored {
                    node: done.node.clone(),
                    size: done.size,
                    height: done.height,
                },
            );
            done.has_anchor = true;
        }
        match self.stack.last_mut() {
            Some(frame) => {
                frame.start.get_or_insert(done.at);
                frame.size = frame.size.saturating_add(done.size);
                frame.height = frame.height.max(done.height + 1);
                frame.has_anchor |= done.has_anchor;
                frame.items.push(done.node);
            }
            None => self.root = Some(done.node),
        }
        true
    }

    fn scalar(
        &mut self,
        value: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<YamlTag>,
        mark: &Marker,
    ) -> Go {
        let at = self.loc.pos(mark);
        let src = self.src;
        let (token, content) = match style {
            TScalarStyle::Plain if value.is_empty() => {
                // An empty node: yaml-rust2 marks the next token; place it after the
                // indicator that introduced it, or on its tag/anchor if it has one.
                // In flow mappings the marker is the `:` itself.
                let from = self.prev_end.min(at);
                let limit = at + usize::from(src.as_bytes().get(at) == Some(&b':'));
                let skipped = scan::skip_to_node(src, from, limit, self.base);
                let (s, e) = skipped.props.unwrap_or_else(|| {
                    let p = skipped.indicator_end.unwrap_or(from);
                    (p, p)
                });
                ((s, e), (e, e))
            }
            TScalarStyle::Plain => {
                let end = scan::plain_end(src, at, &value)
                    .unwrap_or_else(|| scan::plain_fallback_end(src, at));
                ((at, end), (at, end))
            }
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let double = style == TScalarStyle::DoubleQuoted;
                match scan::quoted_end(src, at, double) {
                    Some(end) => ((at, end), (at + 1, end - 1)),
                    None => {
                        let end = scan::plain_fallback_end(src, at);
                        ((at, end), (at, end))
                    }
                }
            }
            TScalarStyle::Literal | TScalarStyle::Folded => self.block_extent(&value, at, mark),
        };
        // A block scalar's header line may end in a comment; its content lines cannot.
        let covered = match style {
            TScalarStyle::Literal | TScalarStyle::Folded => src
                .get(token.0..token.1)
                .and_then(|t| t.find('\n'))
                .map_or(token.1, |i| token.0 + i),
            _ => token.0,
        };
        self.comments.content(covered, token.1);
        let exact = src.get(content.0..content.1) == Some(value.as_str());
        // The scanner grows the string as it reads; a large file has millions of them.
        let mut value = value;
        value.shrink_to_fit();
        if style == TScalarStyle::DoubleQuoted
            && token != content
            && let Some(at) = src
                .get(content.0..content.1)
                .and_then(quoted::escape_compose_refuses)
        {
            let at = content.0 + at;
            self.error(
                YamlErrorKind::Syntax,
                "found unknown escape character `\\/` (Docker Compose's YAML parser does not accept it; write `/`)".to_string(),
                at,
                at + 2,
            );
        }
        let content_span = self.span(content.0, content.1);
        let quoted = matches!(
            style,
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
        ) && token != content;
        let text = match src.get(content.0..content.1) {
            Some(written) if quoted && !exact => quoted::text(
                written,
                &value,
                style == TScalarStyle::DoubleQuoted,
                content_span,
            ),
            _ => None,
        }
        .unwrap_or_else(|| Text::from_file(value, content_span, exact));
        let node = Node {
            kind: NodeKind::Scalar(Scalar {
                text,
                style: convert_style(style),
            }),
            span: self.span(token.0, token.1),
            tag: tag.map(convert_tag),
        };
        self.prev_end = token.1.max(token.0);
        let done = Done {
            node,
            at: token.0,
            size: 1,
            height: 0,
            has_anchor: false,
        };
        self.finish(done, anchor)
    }

    /// Token and content extents of a `|` or `>` block scalar whose marker is at `at`.
    fn block_extent(
        &mut self,
        value: &str,
        at: usize,
        mark: &Marker,
    ) -> ((usize, usize), (usize, usize)) {
        let src = self.src;
        let skipped = scan::skip_to_node(src, self.prev_end.min(at), at, self.base);
        let header =
            matches!(src.as_bytes().get(skipped.stop), Some(b'|' | b'>')).then_some(skipped.stop);
        if value.bytes().any(|b| b != b'\n') {
            // yaml-rust2 marks the first content character; its column is the indentation.
            let line_start = self.loc.line_start(mark);
            let header = header.or_else(|| scan::header_before(src, line_start, self.base));
            let end = scan::block_content_end(src, line_start, at, mark.col());
            ((header.unwrap_or(at), end), (at, end))
        } else {
            // No content line: yaml-rust2 marks the next token (or the header at the end).
            let start = header.unwrap_or(at);
            let end = match header {
                Some(h) => h + scan::block_header_len(src, h),
                None => at,
            };
            ((start, end), (end, end))
        }
    }

    fn open(&mut self, mapping: bool, anchor: usize, tag: Option<YamlTag>, mark: &Marker) -> Go {
        let at = self.loc.pos(mark);
        let open_char = self.src.as_bytes().get(at).copied();
        let flow = open_char == Some(if mapping { b'{' } else { b'[' });
        if self.stack.len() >= self.limits.max_depth {
            let message = format!("nesting deeper than {} levels", self.limits.max_depth);
            // A block mapping is marked at its first `:`; point at its first key instead.
            let at = if mapping && !flow {
                scan::skip_to_node(self.src, self.prev_end.min(at), at, self.base).stop
            } else {
                at
            };
            let end = self.char_end(at);
            return self.too_complex(message, at, end);
        }
        // A block mapping is marked after its first key; it starts where that key does.
        let start = (flow || !mapping).then_some(at);
        if flow {
            self.prev_end = at + 1;
        } else if !mapping {
            self.prev_end = at;
        }
        self.stack.push(Frame {
            mapping,
            flow,
            anchor,
            tag: tag.map(convert_tag),
            start,
            items: Vec::new(),
            size: 1,
            height: 1,
            has_anchor: false,
        });
        true
    }

    fn close(&mut self, mark: &Marker) -> Go {
        let Some(frame) = self.stack.pop() else {
            return true;
        };
        let mut end = self.prev_end;
        if frame.flow {
            let at = self.loc.pos(mark);
            if matches!(self.src.as_bytes().get(at), Some(b']' | b'}')) {
                end = at + 1;
            }
        }
        let start = frame.start.unwrap_or(end).min(end);
        self.prev_end = end;
        let kind = if frame.mapping {
            NodeKind::Mapping(self.finish_mapping(frame.items))
        } else {
            NodeKind::Sequence(frame.items)
        };
        let done = Done {
            node: Node {
                kind,
                span: self.span(start, end),
                tag: frame.tag,
            },
            at: start,
            size: frame.size,
            height: frame.height,
            has_anchor: frame.has_anchor,
        };
        self.finish(done, frame.anchor)
    }

    fn alias(&mut self, anchor: usize, mark: &Marker) -> Go {
        let at = self.loc.pos(mark);
        let name = scan::alias_name(self.src, at);
        let end = at + 1 + name.len();
        self.prev_end = end;
        let Some(anchored) = self.anchors.get(&anchor) else {
            // yaml-rust2 knows anchors of earlier documents and anchors still being read;
            // neither can be used here.
            let message = if self.stack.iter().any(|f| f.anchor == anchor) {
                format!("anchor '{name}' value contains itself")
            } else {
                format!("unknown anchor '{name}' referenced")
            };
            self.error(YamlErrorKind::UnknownAnchor, message, at, end);
            let node = Node {
                kind: NodeKind::Scalar(Scalar {
                    text: Text::default(),
                    style: ScalarStyle::Plain,
                }),
                span: self.span(at, end),
                tag: None,
            };
            let done = Done {
                node,
                at,
                size: 1,
                height: 0,
                has_anchor: false,
            };
            return self.finish(done, 0);
        };
        let (size, height) = (anchored.size, anchored.height);
        self.alias_nodes = self.alias_nodes.saturating_add(size);
        if self.alias_nodes > self.limits.max_alias_nodes {
            let message = format!(
                "alias expansion exceeds {} nodes",
                self.limits.max_alias_nodes
            );
            return self.too_complex(message, at, end);
        }
        if self.stack.len().saturating_add(height) > self.limits.max_depth {
            let message = format!("nesting deeper than {} levels", self.limits.max_depth);
            return self.too_complex(message, at, end);
        }
        // Cloning recurses, but only as deep as the depth limit checked above allows.
        let node = anchored.node.clone();
        let done = Done {
            node,
            at,
            size,
            height,
            has_anchor: false,
        };
        self.finish(done, 0)
    }

    /// The entries of a finished mapping: duplicate explicit keys reported and dropped, `<<`
    /// merge keys replaced by the merged mappings' entries that no explicit key (and no
    /// earlier merged mapping) already defines, at the `<<` key's place.
    fn finish_mapping(&mut self, items: Vec<Node>) -> Vec<Entry> {
        let mut pairs = Vec::with_capacity(items.len() / 2);
        let mut items = items.into_iter();
        while let (Some(key), Some(value)) = (items.next(), items.next()) {
            pairs.push(Entry { key, value });
        }
        let plan = self.plan_mapping(&pairs);
        if plan.keep.iter().all(|&k| k) && plan.merges.is_empty() {
            return pairs;
        }
        let mut out = Vec::with_capacity(pairs.len());
        let mut takes = plan.takes.into_iter();
        for (entry, keep) in pairs.into_iter().zip(plan.keep) {
            if !keep {
                continue;
            }
            if !is_merge_key(&entry.key) {
                out.push(entry);
                continue;
            }
            let sources = match entry.value.kind {
                NodeKind::Mapping(entries) => vec![entries],
                NodeKind::Sequence(items) => items
                    .into_iter()
                    .filter_map(|n| match n.kind {
                        NodeKind::Mapping(entries) => Some(entries),
                        _ => None,
                    })
                    .collect(),
                NodeKind::Scalar(_) => Vec::new(),
            };
            for merged in sources.into_iter().flatten() {
                if takes.next().unwrap_or(false) {
                    out.push(merged);
                }
            }
        }
        out
    }

    /// Decides, without moving anything, which entries of a mapping survive: reports
    /// duplicate keys and invalid merges, and lists for every entry of every merged mapping
    /// (in order) whether it is taken.
    fn plan_mapping(&mut self, pairs: &[Entry]) -> MappingPlan {
        let mut keep = vec![true; pairs.len()];
        let mut merges = Vec::new();
        let mut explicit = KeyIndex::default();
        let mut errors = Vec::new();
        for (i, entry) in pairs.iter().enumerate() {
            if is_merge_key(&entry.key) {
                merges.push(i);
                continue;
            }
            let Some(key) = entry.key.as_str() else {
                continue;
            };
            if let Some(first) = explicit.get(key) {
                let line = self.loc.line_of(first.start);
                errors.push(YamlError {
                    kind: YamlErrorKind::DuplicateKey {
                        key: key.to_string(),
                        first,
                    },
                    message: format!("mapping key \"{key}\" already defined at line {line}"),
                    span: entry.key.span,
                });
                keep[i] = false;
            } else {
                explicit.insert(key, entry.key.span);
            }
        }
        let mut merged: HashSet<&str> = HashSet::new();
        let mut takes = Vec::new();
        for &i in &merges {
            let entry = &pairs[i];
            let sources: Vec<&[Entry]> = match &entry.value.kind {
                NodeKind::Mapping(entries) => vec![entries],
                NodeKind::Sequence(items) => items.iter().filter_map(Node::as_mapping).collect(),
                NodeKind::Scalar(_) => Vec::new(),
            };
            let valid = match &entry.value.kind {
                NodeKind::Mapping(_) => true,
                NodeKind::Sequence(items) => sources.len() == items.len(),
                NodeKind::Scalar(_) => false,
            };
            if !valid {
                errors.push(YamlError {
                    kind: YamlErrorKind::InvalidMerge,
                    message: "map merge requires map or sequence of maps as the value".to_string(),
                    span: entry.key.span,
                });
                keep[i] = false;
                continue;
            }
            for merged_entry in sources.into_iter().flatten() {
                let take = match merged_entry.key.as_str() {
                    Some(key) => explicit.get(key).is_none() && merged.insert(key),
                    None => true,
                };
                takes.push(take);
            }
        }
        self.errors.extend(errors);
        MappingPlan {
            keep,
            merges,
            takes,
        }
    }
}

struct MappingPlan {
    /// Per entry: false for a dropped duplicate or an invalid merge.
    keep: Vec<bool>,
    /// Indices of valid or invalid `<<` entries.
    merges: Vec<usize>,
    /// Per entry of each merged mapping, in order: whether it is taken.
    takes: Vec<bool>,
}

fn is_merge_key(key: &Node) -> bool {
    let tag_ok = match key.tag.as_deref() {
        None => true,
        Some(Tag::Other(t)) => t == "tag:yaml.org,2002:merge",
        Some(_) => false,
    };
    tag_ok
        && key
            .as_scalar()
            .is_some_and(|s| s.style == ScalarStyle::Plain && s.text.as_str() == "<<")
}

/// Keys seen in one mapping with their spans: a short list while small (most mappings
/// are), hashed beyond.
#[derive(Default)]
struct KeyIndex<'s> {
    small: Vec<(&'s str, Span)>,
    big: HashMap<&'s str, Span>,
}

impl<'s> KeyIndex<'s> {
    const SMALL: usize = 16;

    fn get(&self, key: &str) -> Option<Span> {
        if self.big.is_empty() {
            self.small.iter().find(|(k, _)| *k == key).map(|&(_, s)| s)
        } else {
            self.big.get(key).copied()
        }
    }

    fn insert(&mut self, key: &'s str, span: Span) {
        if self.big.is_empty() && self.small.len() < Self::SMALL {
            self.small.push((key, span));
        } else {
            self.big.extend(self.small.drain(..));
            self.big.insert(key, span);
        }
    }
}

fn convert_style(style: TScalarStyle) -> ScalarStyle {
    match style {
        TScalarStyle::Plain => ScalarStyle::Plain,
        TScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        TScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        TScalarStyle::Literal => ScalarStyle::Literal,
        TScalarStyle::Folded => ScalarStyle::Folded,
    }
}

fn convert_tag(tag: YamlTag) -> Box<Tag> {
    Box::new(match (tag.handle.as_str(), tag.suffix.as_str()) {
        ("!", "reset") => Tag::Reset,
        ("!", "override") => Tag::Override,
        _ => Tag::Other(format!("{}{}", tag.handle, tag.suffix)),
    })
}
