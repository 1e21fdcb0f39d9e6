//! The spanned YAML tree: spans of every scalar style, provenance, anchors, merge keys, tags,
//! duplicate keys, limits and hostile input.

use std::time::{Duration, Instant};

use composelint::source::{FileId, Span};
use composelint::text::{Origin, Text};
use composelint::yaml::{
    self, Limits, Node, NodeKind, ParsedYaml, ScalarStyle, Tag, YamlErrorKind,
};

fn parse(text: &str) -> ParsedYaml {
    yaml::parse(FileId(0), text, Limits::default())
}

/// The only document of a file that must parse without errors.
fn doc(text: &str) -> Node {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "errors: {:?}", parsed.errors);
    assert_eq!(parsed.documents.len(), 1);
    parsed.documents.into_iter().next().unwrap()
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// The single file piece of a scalar's text: (source slice, exact).
/// The source text a scalar's value was read from, and whether it was read verbatim. A quoted
/// scalar with escapes has several pieces (its literal runs exact, each escape not) that
/// together cover its content.
fn piece<'t>(text: &'t str, value: &Text) -> (&'t str, bool) {
    let mut at = 0;
    for p in &value.pieces {
        assert_eq!(p.range.start, at, "pieces of {:?}", value.value);
        at = p.range.end;
    }
    assert_eq!(at, value.value.len(), "pieces of {:?}", value.value);
    let exact = value
        .pieces
        .iter()
        .all(|p| matches!(p.origin, Origin::File { exact: true, .. }));
    let span = value.primary_span().expect("a file span");
    (slice(text, span), exact && value.pieces.len() == 1)
}

fn scalar_of<'n>(node: &'n Node, key: &str) -> &'n Node {
    node.get(key).unwrap_or_else(|| panic!("no key {key}"))
}

fn keys(node: &Node) -> Vec<&str> {
    node.as_mapping()
        .unwrap()
        .iter()
        .map(|e| e.key.as_str().unwrap())
        .collect()
}

/// Checks, for every node, that its span and its pieces' spans lie inside the text on
/// character boundaries; iterative so that deep trees cannot overflow the test's stack.
fn check_spans(text: &str, node: &Node) {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        assert!(
            n.span.start <= n.span.end && n.span.end <= text.len(),
            "{:?}",
            n.span
        );
        assert!(text.is_char_boundary(n.span.start) && text.is_char_boundary(n.span.end));
        match &n.kind {
            NodeKind::Scalar(s) => {
                for p in &s.text.pieces {
                    assert!(p.range.end <= s.text.value.len());
                    if let Origin::File { span, exact } = p.origin {
                        assert!(span.start <= span.end && span.end <= text.len());
                        assert!(text.is_char_boundary(span.start));
                        assert!(text.is_char_boundary(span.end));
                        if exact {
                            assert_eq!(slice(text, span), &s.text.value[p.range.clone()]);
                        }
                    }
                }
            }
            NodeKind::Sequence(items) => todo.extend(items),
            NodeKind::Mapping(entries) => {
                todo.extend(entries.iter().flat_map(|e| [&e.key, &e.value]));
            }
        }
    }
}

#[test]
fn every_scalar_style_has_token_and_content_spans() {
    let text = concat!(
        "plain: hello world\n",
        "single: 'it''s'\n",
        "double: \"a\\tb\"\n",
        "clean: \"quoted\"\n",
        "literal: |\n",
        "  line one\n",
        "    indented\n",
        "\n",
        "  # inside\n",
        "# outside\n",
        "folded: >-\n",
        "\n",
        "  folded\n",
        "  text\n",
        "after: end\n",
    );
    let root = doc(text);
    let cases = [
        (
            "plain",
            ScalarStyle::Plain,
            "hello world",
            "hello world",
            "hello world",
            true,
        ),
        (
            "single",
            ScalarStyle::SingleQuoted,
            "it's",
            "'it''s'",
            "it''s",
            false,
        ),
        (
            "double",
            ScalarStyle::DoubleQuoted,
            "a\tb",
            "\"a\\tb\"",
            "a\\tb",
            false,
        ),
        (
            "clean",
            ScalarStyle::DoubleQuoted,
            "quoted",
            "\"quoted\"",
            "quoted",
            true,
        ),
        (
            "literal",
            ScalarStyle::Literal,
            "line one\n  indented\n\n# inside\n",
            "|\n  line one\n    indented\n\n  # inside",
            "line one\n    indented\n\n  # inside",
            false,
        ),
        (
            "folded",
            ScalarStyle::Folded,
            "\nfolded text",
            ">-\n\n  folded\n  text",
            "folded\n  text",
            false,
        ),
        ("after", ScalarStyle::Plain, "end", "end", "end", true),
    ];
    for (key, style, value, token, content, exact) in cases {
        let node = scalar_of(&root, key);
        let scalar = node.as_scalar().unwrap();
        assert_eq!(scalar.style, style, "{key}");
        assert_eq!(scalar.text.as_str(), value, "{key}");
        assert_eq!(slice(text, node.span), token, "{key}");
        assert_eq!(piece(text, &scalar.text), (content, exact), "{key}");
        let entry = root.entry(key).unwrap();
        assert_eq!(slice(text, entry.key.span), key);
    }
}

#[test]
fn spans_are_bytes_after_non_ascii_text() {
    let text = "# café ü\nkey: välue\nlit: |\n  ñañañ €\nnext: ☃ snow\n";
    let root = doc(text);
    let value = scalar_of(&root, "key");
    assert_eq!(value.span.start, text.find("välue").unwrap());
    assert_eq!(slice(text, value.span), "välue");
    assert_eq!(
        piece(text, &value.as_scalar().unwrap().text),
        ("välue", true)
    );
    // yaml-rust2's own marker index drifts after a non-ASCII block scalar; spans must not.
    let next = root.entry("next").unwrap();
    assert_eq!(slice(text, next.key.span), "next");
    assert_eq!(slice(text, next.value.span), "☃ snow");
    assert_eq!(slice(text, scalar_of(&root, "lit").span), "|\n  ñañañ €");
}

#[test]
fn crlf_line_endings_stay_out_of_spans() {
    let text = "a: b\r\nlit: |\r\n  x\r\n  y\r\nq: 'z'\r\nml: one\r\n  two\r\n";
    let root = doc(text);
    assert_eq!(slice(text, scalar_of(&root, "a").span), "b");
    let lit = scalar_of(&root, "lit");
    assert_eq!(lit.as_str(), Some("x\ny\n"));
    assert_eq!(slice(text, lit.span), "|\r\n  x\r\n  y");
    assert_eq!(slice(text, scalar_of(&root, "q").span), "'z'");
    let ml = scalar_of(&root, "ml");
    assert_eq!(ml.as_str(), Some("one two"));
    assert_eq!(slice(text, ml.span), "one\r\n  two");
    assert_eq!(slice(text, root.span), &text[..text.len() - 2]);
}

#[test]
fn lone_carriage_returns_break_lines() {
    let text = "a: 1\rb: välue\r";
    let root = doc(text);
    assert_eq!(slice(text, scalar_of(&root, "b").span), "välue");
}

#[test]
fn bom_is_skipped_and_spans_line_up() {
    let text = "\u{FEFF}name: app\nx: [1, 2]\n";
    let root = doc(text);
    let entry = &root.as_mapping().unwrap()[0];
    assert_eq!(entry.key.as_str(), Some("name"));
    assert_eq!(entry.key.span.start, 3);
    assert_eq!(slice(text, entry.key.span), "name");
    assert_eq!(slice(text, entry.value.span), "app");
    assert_eq!(slice(text, scalar_of(&root, "x").span), "[1, 2]");
}

#[test]
fn flow_collections_span_their_brackets() {
    let text = "f: [a, {b: c, d: [e]}, \"g h\", i j: k]\nm: {x: 1,\n  y: 2}\n";
    let root = doc(text);
    let f = scalar_of(&root, "f");
    assert_eq!(slice(text, f.span), "[a, {b: c, d: [e]}, \"g h\", i j: k]");
    let items = f.as_sequence().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(slice(text, items[1].span), "{b: c, d: [e]}");
    assert_eq!(slice(text, items[1].get("d").unwrap().span), "[e]");
    assert_eq!(slice(text, items[2].span), "\"g h\"");
    // `i j: k` inside a flow sequence is a single-pair mapping.
    assert_eq!(slice(text, items[3].span), "i j: k");
    assert_eq!(items[3].get("i j").and_then(Node::as_str), Some("k"));
    assert_eq!(slice(text, scalar_of(&root, "m").span), "{x: 1,\n  y: 2}");
}

#[test]
fn block_collections_span_first_to_last_byte() {
    let text = "top:\n  - a\n  - k: v\n    l: w   # comment\n\nnext: 1\n";
    let root = doc(text);
    let top = scalar_of(&root, "top");
    assert_eq!(slice(text, top.span), "- a\n  - k: v\n    l: w");
    assert_eq!(
        slice(text, top.as_sequence().unwrap()[1].span),
        "k: v\n    l: w"
    );
    assert_eq!(slice(text, root.span), &text[..text.len() - 1]);
}

#[test]
fn multi_line_plain_and_quoted_scalars() {
    let text = "p: first\n  second\n\n  third  # c\nd: \"one\n  two\"\ns: 'x\n\n  y'\n";
    let root = doc(text);
    let p = scalar_of(&root, "p");
    assert_eq!(p.as_str(), Some("first second\nthird"));
    assert_eq!(slice(text, p.span), "first\n  second\n\n  third");
    assert_eq!(
        piece(text, &p.as_scalar().unwrap().text),
        ("first\n  second\n\n  third", false)
    );
    let d = scalar_of(&root, "d");
    assert_eq!(d.as_str(), Some("one two"));
    assert_eq!(
        piece(text, &d.as_scalar().unwrap().text),
        ("one\n  two", false)
    );
    let s = scalar_of(&root, "s");
    assert_eq!(s.as_str(), Some("x\ny"));
    assert_eq!(slice(text, s.span), "'x\n\n  y'");
}

#[test]
fn block_scalar_headers_and_indentation_indicators() {
    let text = "a: &x !!str |2-  # header comment\n    two extra\n   one extra\nb: >+\n  kept\n\nc: |\nd: 1\n";
    let root = doc(text);
    let a = scalar_of(&root, "a");
    assert_eq!(a.as_str(), Some("  two extra\n one extra"));
    assert_eq!(
        slice(text, a.span),
        "|2-  # header comment\n    two extra\n   one extra"
    );
    assert_eq!(
        a.tag.as_deref(),
        Some(&Tag::Other("tag:yaml.org,2002:str".into()))
    );
    let b = scalar_of(&root, "b");
    assert_eq!(b.as_str(), Some("kept\n\n"));
    assert_eq!(slice(text, b.span), ">+\n  kept");
    // A block scalar without content lines is just its header.
    let c = scalar_of(&root, "c");
    assert_eq!(c.as_str(), Some(""));
    assert_eq!(slice(text, c.span), "|");
    assert!(c.as_scalar().unwrap().text.pieces.is_empty());
}

#[test]
fn top_level_and_sequence_block_scalars() {
    let text = "--- |\n  doc\n--- >\nzero indent\n...\n---\n- |\n  in seq\n- >-\n  x\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let docs = &parsed.documents;
    assert_eq!(docs.len(), 3);
    assert_eq!(slice(text, docs[0].span), "|\n  doc");
    assert_eq!(docs[1].as_str(), Some("zero indent\n"));
    assert_eq!(slice(text, docs[1].span), ">\nzero indent");
    let items = docs[2].as_sequence().unwrap();
    assert_eq!(slice(text, items[0].span), "|\n  in seq");
    assert_eq!(slice(text, items[1].span), ">-\n  x");
    assert_eq!(
        piece(text, &items[1].as_scalar().unwrap().text),
        ("x", true)
    );
}

#[test]
fn exact_provenance_maps_sub_ranges() {
    let text = "url: http://localhost:11434\nq: \"http://ollama:11434\"\nesc: \"http://\\x41:1\"\n";
    let root = doc(text);
    let url = &scalar_of(&root, "url").as_scalar().unwrap().text;
    let host = url.exact_span(7..16).unwrap();
    assert_eq!(slice(text, host), "localhost");
    let q = &scalar_of(&root, "q").as_scalar().unwrap().text;
    assert_eq!(slice(text, q.exact_span(7..13).unwrap()), "ollama");
    let esc = &scalar_of(&root, "esc").as_scalar().unwrap().text;
    assert_eq!(esc.as_str(), "http://A:1");
    assert_eq!(esc.exact_span(7..8), None);
    assert_eq!(piece(text, esc), ("http://\\x41:1", false));
}

#[test]
fn empty_values_have_positioned_spans_and_no_pieces() {
    let text = "a:\nb:   # comment\nc: !reset\nd: ''\nseq:\n  -\n  - x\n";
    let root = doc(text);
    let a = scalar_of(&root, "a");
    assert!(a.is_null());
    assert!(a.as_scalar().unwrap().text.pieces.is_empty());
    assert_eq!(a.span.start, 2);
    assert!(a.span.is_empty());
    let b = scalar_of(&root, "b");
    assert_eq!((b.span.start, b.span.end), (5, 5));
    let c = scalar_of(&root, "c");
    assert_eq!(c.tag.as_deref(), Some(&Tag::Reset));
    assert_eq!(slice(text, c.span), "!reset");
    let d = scalar_of(&root, "d");
    assert_eq!(slice(text, d.span), "''");
    assert!(!d.is_null());
    assert!(d.as_scalar().unwrap().text.pieces.is_empty());
    let items = scalar_of(&root, "seq").as_sequence().unwrap();
    assert!(items[0].is_null());
    assert_eq!(items[0].span.start, text.find("-\n").unwrap() + 1);
    assert_eq!(slice(text, items[1].span), "x");
}

#[test]
fn tags_are_kept() {
    let text = "services:\n  web: !reset null\n  db: !override\n    image: x\n  other: !custom [1]\n  ports: !override [\"80:80\"]\n";
    let root = doc(text);
    let services = scalar_of(&root, "services");
    let web = services.get("web").unwrap();
    assert_eq!(web.tag.as_deref(), Some(&Tag::Reset));
    assert!(web.is_null());
    assert_eq!(slice(text, web.span), "null");
    let db = services.get("db").unwrap();
    assert_eq!(db.tag.as_deref(), Some(&Tag::Override));
    assert_eq!(slice(text, db.span), "image: x");
    assert_eq!(
        services.get("other").unwrap().tag.as_deref(),
        Some(&Tag::Other("!custom".into()))
    );
    assert_eq!(
        services.get("ports").unwrap().tag.as_deref(),
        Some(&Tag::Override)
    );
}

#[test]
fn aliases_clone_the_anchored_node() {
    let text = "x-env: &env\n  A: 1\n  B: two\ns1:\n  environment: *env\ns2: [*env, &v val, *v]\n";
    let root = doc(text);
    let original = scalar_of(&root, "x-env");
    let copy = scalar_of(&root, "s1").get("environment").unwrap();
    assert_eq!(copy, original);
    assert_eq!(slice(text, copy.span), "A: 1\n  B: two");
    let items = scalar_of(&root, "s2").as_sequence().unwrap();
    assert_eq!(&items[0], original);
    assert_eq!(items[2].as_str(), Some("val"));
    assert_eq!(items[2].span, items[1].span);
    assert_eq!(slice(text, items[2].span), "val");
}

#[test]
fn merge_keys_follow_precedence() {
    let text = concat!(
        "base: &b {a: 1, b: 2}\n",
        "other: &o\n",
        "  b: 3\n",
        "  c: 4\n",
        "m:\n",
        "  <<: [*b, *o]\n",
        "  a: 10\n",
        "single:\n",
        "  c: 0\n",
        "  <<: *o\n",
        "quoted:\n",
        "  '<<': *b\n",
        "inline:\n",
        "  <<: {z: 26}\n",
    );
    let root = doc(text);
    let m = scalar_of(&root, "m");
    // Merged entries take the `<<` key's place; explicit keys win, the earlier map wins.
    assert_eq!(keys(m), ["b", "c", "a"]);
    assert_eq!(m.get("a").and_then(Node::as_str), Some("10"));
    assert_eq!(m.get("b").and_then(Node::as_str), Some("2"));
    assert_eq!(m.get("c").and_then(Node::as_str), Some("4"));
    // Merged values keep the spans of where they were written.
    assert_eq!(m.get("b").unwrap().span.start, text.find("2}").unwrap());
    let single = scalar_of(&root, "single");
    assert_eq!(keys(single), ["c", "b"]);
    assert_eq!(single.get("c").and_then(Node::as_str), Some("0"));
    // A quoted "<<" is an ordinary key.
    let quoted = scalar_of(&root, "quoted");
    assert_eq!(keys(quoted), ["<<"]);
    assert!(quoted.get("<<").unwrap().as_mapping().is_some());
    assert_eq!(keys(scalar_of(&root, "inline")), ["z"]);
}

#[test]
fn invalid_merge_values_are_reported() {
    for text in [
        "m:\n  <<: 1\n  a: b\n",
        "a: &a {x: 1}\nm:\n  <<: [*a, [1]]\n",
        "m: {<<: }\n",
    ] {
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1, "{text:?}");
        let e = &parsed.errors[0];
        assert_eq!(e.kind, YamlErrorKind::InvalidMerge, "{text:?}");
        assert_eq!(slice(text, e.span), "<<");
        assert_eq!(parsed.documents.len(), 1);
    }
}

#[test]
fn duplicate_keys_are_reported_and_the_first_is_kept() {
    let text = "services:\n  web:\n    image: a\n    ports: []\n    image: b\n";
    let parsed = parse(text);
    assert_eq!(parsed.errors.len(), 1);
    let e = &parsed.errors[0];
    let first = text.find("image").unwrap();
    let second = text.rfind("image").unwrap();
    assert_eq!(
        e.kind,
        YamlErrorKind::DuplicateKey {
            key: "image".into(),
            first: Span::new(FileId(0), first, first + 5),
        }
    );
    assert_eq!(e.message, "mapping key \"image\" already defined at line 3");
    assert_eq!((e.span.start, e.span.end), (second, second + 5));
    let web = parsed.documents[0]
        .get("services")
        .unwrap()
        .get("web")
        .unwrap();
    assert_eq!(keys(web), ["image", "ports"]);
    assert_eq!(web.get("image").and_then(Node::as_str), Some("a"));
    // Keys compare by string value, whatever their quoting; merged keys are no duplicates.
    let parsed = parse("a: 1\n'a': 2\n");
    assert!(matches!(
        parsed.errors[0].kind,
        YamlErrorKind::DuplicateKey { .. }
    ));
    assert!(parse("b: &b {x: 1}\nm: {<<: *b, x: 2}\n").errors.is_empty());
}

#[test]
fn billion_laughs_stops_with_too_complex() {
    let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        text.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    let started = Instant::now();
    let parsed = parse(&text);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(parsed.documents.is_empty());
    assert_eq!(parsed.errors.len(), 1);
    let e = &parsed.errors[0];
    assert_eq!(e.kind, YamlErrorKind::TooComplex);
    assert_eq!(e.message, "alias expansion exceeds 100000 nodes");
    assert!(slice(&text, e.span).starts_with("*l"));
}

#[test]
fn alias_budget_counts_nodes_over_the_whole_file() {
    let limits = Limits {
        max_alias_nodes: 7,
        max_depth: 256,
    };
    // Each alias of `[x, y]` makes 3 nodes: the second document's alias crosses 7.
    let text = "a: &a [x, y]\nb: *a\nc: *a\n---\nd: &d [x, y]\ne: *d\n";
    let parsed = yaml::parse(FileId(0), text, limits);
    assert_eq!(parsed.documents.len(), 1);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::TooComplex);
    assert_eq!(parsed.errors[0].message, "alias expansion exceeds 7 nodes");
    assert_eq!(slice(text, parsed.errors[0].span), "*d");
}

#[test]
fn deep_flow_nesting_is_too_complex() {
    let text = "[".repeat(100_000);
    let parsed = parse(&text);
    assert!(parsed.documents.is_empty());
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::TooComplex);
    // Below yaml-rust2's own flow limit, the configured depth applies.
    let limits = Limits {
        max_alias_nodes: 100,
        max_depth: 10,
    };
    let parsed = yaml::parse(
        FileId(0),
        &format!("{}{}", "[".repeat(11), "]".repeat(11)),
        limits,
    );
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::TooComplex);
    assert_eq!(parsed.errors[0].message, "nesting deeper than 10 levels");
    assert_eq!(parsed.errors[0].span.start, 10);
    let ok = yaml::parse(
        FileId(0),
        &format!("{}{}", "[".repeat(10), "]".repeat(10)),
        limits,
    );
    assert!(ok.errors.is_empty());
}

#[test]
fn deep_block_nesting_is_too_complex() {
    let text = format!("{}x\n", "- ".repeat(10_000));
    let parsed = parse(&text);
    assert!(parsed.documents.is_empty());
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::TooComplex);
    assert_eq!(parsed.errors[0].message, "nesting deeper than 256 levels");

    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&" ".repeat(i));
        text.push_str(&format!("k{i}:\n"));
    }
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::TooComplex);
    assert_eq!(slice(&text, parsed.errors[0].span), "k");
}

#[test]
fn aliases_cannot_nest_past_the_depth_limit() {
    let limits = Limits {
        max_alias_nodes: 1000,
        max_depth: 6,
    };
    let text = "a: &a [[[[x]]]]\nb: [[*a]]\n";
    let parsed = yaml::parse(FileId(0), text, limits);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::TooComplex);
    assert_eq!(slice(text, parsed.errors[0].span), "*a");
    assert!(
        yaml::parse(FileId(0), "a: &a [[[[x]]]]\nb: [*a]\n", limits)
            .errors
            .is_empty()
    );
}

#[test]
fn empty_and_comment_only_files_have_no_document() {
    for text in ["", "# just a comment\n", "\u{FEFF}", "\n\n  \n"] {
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{text:?}");
        assert!(parsed.documents.is_empty(), "{text:?}");
    }
    let parsed = parse("---\n");
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.documents.len(), 1);
    assert!(parsed.documents[0].is_null());
    assert_eq!(parsed.documents[0].span.start, 3);
}

#[test]
fn syntax_errors_have_positions_and_keep_earlier_documents() {
    let text = "a: 1\n---\nb: [1, 2\nc: 3\n";
    let parsed = parse(text);
    assert_eq!(parsed.documents.len(), 1);
    assert_eq!(
        parsed.documents[0].get("a").and_then(Node::as_str),
        Some("1")
    );
    assert_eq!(parsed.errors.len(), 1);
    let e = &parsed.errors[0];
    assert_eq!(e.kind, YamlErrorKind::Syntax);
    assert!(!e.message.is_empty());
    assert!(e.span.len() <= 1);
    assert!(e.span.start > text.find("b:").unwrap());

    let text = "é: x\nbad: - y\n";
    let parsed = parse(text);
    let e = &parsed.errors[0];
    assert_eq!(e.kind, YamlErrorKind::Syntax);
    assert_eq!(slice(text, e.span), "-");
    assert_eq!(
        e.message,
        "block sequence entries are not allowed in this context"
    );

    let text = "k: \"unterminated\n";
    let e = &parse(text).errors[0];
    assert_eq!(e.kind, YamlErrorKind::Syntax);
    assert!(e.span.end <= text.len());
}

#[test]
fn unknown_and_self_referencing_anchors() {
    let text = "a: *nope\n";
    let parsed = parse(text);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::UnknownAnchor);
    assert_eq!(parsed.errors[0].message, "unknown anchor 'nope' referenced");
    assert_eq!(slice(text, parsed.errors[0].span), "*nope");

    // Anchors do not reach into later documents.
    let text = "a: &x 1\n---\nb: *x\nc: 2\n";
    let parsed = parse(text);
    assert_eq!(parsed.documents.len(), 2);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::UnknownAnchor);
    assert!(parsed.documents[1].get("b").unwrap().is_null());
    assert_eq!(
        parsed.documents[1].get("c").and_then(Node::as_str),
        Some("2")
    );

    let text = "r: &r [a, *r]\n";
    let parsed = parse(text);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::UnknownAnchor);
    assert_eq!(slice(text, parsed.errors[0].span), "*r");
}

#[test]
fn multi_document_streams() {
    let text = "a: 1\n---\nb: 2\n...\n--- !reset\n- x\n---\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let docs = &parsed.documents;
    assert_eq!(docs.len(), 4);
    assert_eq!(slice(text, docs[0].span), "a: 1");
    assert_eq!(slice(text, docs[1].span), "b: 2");
    assert_eq!(docs[2].tag.as_deref(), Some(&Tag::Reset));
    assert_eq!(slice(text, docs[2].span), "- x");
    assert!(docs[3].is_null());
}

#[test]
fn nul_bytes_are_errors_after_the_text_before_them() {
    let text = "a: 1\n\0b: 2\n";
    let parsed = parse(text);
    assert_eq!(parsed.documents.len(), 1);
    assert_eq!(keys(&parsed.documents[0]), ["a"]);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::Syntax);
    assert_eq!(parsed.errors[0].span.start, 5);
}

#[test]
fn tabs_inside_values_are_kept() {
    let text = "a: x\ty\nb: [\tz]\n";
    let root = doc(text);
    assert_eq!(
        piece(text, &scalar_of(&root, "a").as_scalar().unwrap().text),
        ("x\ty", true)
    );
    assert_eq!(
        slice(text, scalar_of(&root, "b").as_sequence().unwrap()[0].span),
        "z"
    );
}

#[test]
fn random_text_never_panics() {
    let pieces = [
        "a",
        "b",
        ":",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\r",
        "\t",
        "-",
        "- ",
        "? ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "#",
        "&a",
        "*a",
        "&b",
        "*b",
        "!",
        "!reset ",
        "<<",
        "|",
        ">",
        "|-",
        ">+2",
        "'",
        "\"",
        "\\",
        "%",
        "---",
        "...",
        "é",
        "€",
        "\u{FEFF}",
        "\0",
        "~",
        "\u{1F600}",
        "'x'",
        "\"\\u00e9\"",
        "\"\\x\"",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let len = (next() % 30) as usize;
        let text: String = (0..len)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        let parsed = parse(&text);
        for d in &parsed.documents {
            check_spans(&text, d);
        }
        for e in &parsed.errors {
            assert!(
                e.span.start <= e.span.end && e.span.end <= text.len(),
                "{text:?}"
            );
        }
    }
}

#[test]
fn spans_are_well_formed_in_a_varied_document() {
    let text = "\u{FEFF}# c\nx: &x\n  - ä: |\n      ü\n    b: 'q''r'\n  - [1, {2: *y}]\ny: *x\n";
    let parsed = parse(text);
    for d in &parsed.documents {
        check_spans(text, d);
    }
}

#[test]
fn large_inputs_parse_in_linear_time() {
    // One long line of flow items: a per-marker walk from the line start would be quadratic.
    let mut text = String::from("k: [");
    for i in 0..100_000 {
        text.push_str(&format!("é{i}: v, "));
    }
    text.push_str("end]\n");
    for i in 0..50_000 {
        text.push_str(&format!("key{i}: \"välue {i}\"\n"));
    }
    let started = Instant::now();
    let parsed = parse(&text);
    assert!(parsed.errors.is_empty());
    let root = &parsed.documents[0];
    assert_eq!(root.as_mapping().unwrap().len(), 50_001);
    let items = root.get("k").unwrap().as_sequence().unwrap();
    assert_eq!(items.len(), 100_001);
    let last = &items[99_999].as_mapping().unwrap()[0].key;
    assert_eq!(slice(&text, last.span), "é99999");
    assert!(started.elapsed() < Duration::from_secs(120));
}

#[test]
fn nested_anchors_count_against_the_alias_budget() {
    // Every anchored node is kept for its aliases; one holding other anchors repeats them,
    // so without a single alias, 200 nested anchors would otherwise copy ~220,000 nodes.
    let mut text = String::from("x: ");
    for i in 0..200 {
        text.push_str(&format!("&a{i} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, "));
    }
    text.push_str("end");
    text.push_str(&"]".repeat(200));
    text.push('\n');
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].kind, YamlErrorKind::TooComplex);
    // A few nested anchors, as in real files, are fine.
    let root = doc("x: &a {env: &e {A: 1}, more: [*e]}\ny: *a\n");
    assert_eq!(root.get("y"), root.get("x"));
}

#[test]
fn explicit_keys_and_block_scalar_keys() {
    let text = "? |\n  block key\n: v\n? [a, b]\n: - x\n";
    let root = doc(text);
    let entries = root.as_mapping().unwrap();
    assert_eq!(entries[0].key.as_str(), Some("block key\n"));
    assert_eq!(slice(text, entries[0].key.span), "|\n  block key");
    assert_eq!(slice(text, entries[0].value.span), "v");
    assert_eq!(slice(text, entries[1].key.span), "[a, b]");
    assert_eq!(slice(text, entries[1].value.span), "- x");
}

#[test]
fn json_style_flow_mappings_and_empty_flow_values() {
    let text = "a: {\"k\":1, e: , f}\nb: [http://x:80]\n";
    let root = doc(text);
    let a = scalar_of(&root, "a");
    assert_eq!(slice(text, a.get("k").unwrap().span), "1");
    let e = a.get("e").unwrap();
    assert!(e.is_null());
    assert_eq!(e.span.start, text.find("e: ").unwrap() + 2);
    let f = a.get("f").unwrap();
    assert!(f.is_null());
    assert_eq!(f.span.start, text.find("f}").unwrap() + 1);
    let b = scalar_of(&root, "b").as_sequence().unwrap();
    assert_eq!(
        piece(text, &b[0].as_scalar().unwrap().text),
        ("http://x:80", true)
    );
}

/// Service `s` of a file that must parse without an error.
fn service_s(parsed: &ParsedYaml) -> &composelint::yaml::Node {
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed.documents[0]
        .get("services")
        .unwrap()
        .get("s")
        .unwrap()
}

#[test]
fn a_closing_bracket_indented_less_than_its_block_is_accepted_like_compose() {
    // go-yaml accepts this (seen in real compose files); yaml-rust2 alone would not.
    let text =
        "services:\n  s:\n    command: [\n      \"tunnel\",\n      \"run\"\n    ]\n    image: x\n";
    let parsed = parse(text);
    let service = service_s(&parsed);
    let image = service.get("image").unwrap();
    assert_eq!(&text[image.span.start..image.span.end], "x");
    assert_eq!(
        service.get("command").unwrap().as_sequence().unwrap().len(),
        2
    );
}

/// Issue 18, item 11: a comment after the last item of a flow sequence whose `]` stands at
/// the block's indentation. Docker Compose (go-yaml) loads it; yaml-rust2 alone says
/// "invalid indentation" after a quoted item. The comment stays a comment, every span stays
/// where it was, and a `#` inside a quoted item is not taken for one.
#[test]
fn a_comment_before_an_under_indented_closing_bracket_is_kept() {
    let text = "services:\n  s:\n    command: [\n      \"serve\", # note\n    ]\n    image: x\n";
    let parsed = parse(text);
    let service = service_s(&parsed);
    let command = service.get("command").unwrap();
    let items = command.as_sequence().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(&text[items[0].span.start..items[0].span.end], "\"serve\"");
    assert_eq!(
        &text[command.span.start..command.span.end],
        &text[text.find('[').unwrap()..=text.find(']').unwrap()]
    );
    let image = service.get("image").unwrap();
    assert_eq!(&text[image.span.start..image.span.end], "x");
    assert_eq!(
        parsed.comments.starts(),
        Some(&[text.find("# note").unwrap()][..])
    );

    // A comment on a line of its own before the bracket, and a `#` inside a quoted item.
    let text =
        "a:\n  c: [\n    \"x#y\", 'z' # one\n    # two\n  ]\n  d: {\n    \"k\": 1 # three\n  }\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let a = parsed.documents[0].get("a").unwrap();
    let c = a.get("c").unwrap().as_sequence().unwrap();
    assert_eq!(c[0].as_str(), Some("x#y"));
    assert_eq!(c[1].as_str(), Some("z"));
    assert_eq!(a.get("d").unwrap().get("k").unwrap().as_str(), Some("1"));
    let expected: Vec<usize> = ["# one", "# two", "# three"]
        .iter()
        .map(|c| text.find(c).unwrap())
        .collect();
    assert_eq!(parsed.comments.starts(), Some(&expected[..]));
}
