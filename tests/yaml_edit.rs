//! Hand-written before/after cases for the structural edit helper.

use composelint::diagnostic::Edit;
use composelint::source::FileId;
use composelint::yaml::{Limits, Node, NodeKind, ScalarValue, parse};
use composelint::yaml_edit::{Form, add_name, append_item, insert_key, set_env, yaml_scalar};

const F: FileId = FileId(0);

fn doc(text: &str) -> Node {
    let parsed = parse(F, text, Limits::default());
    assert!(parsed.errors.is_empty(), "{:?} in {text:?}", parsed.errors);
    parsed.documents.into_iter().next().expect("a document")
}

/// The node at `path`; a number steps into a sequence.
fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    let mut node = node;
    for step in path {
        node = match &node.kind {
            NodeKind::Sequence(items) => &items[step.parse::<usize>().expect("an index")],
            _ => node.get(step).unwrap_or_else(|| panic!("no {step}")),
        };
    }
    node
}

fn apply(text: &str, edit: &Edit) -> String {
    assert_eq!(edit.span.file, F);
    format!(
        "{}{}{}",
        &text[..edit.span.start],
        edit.content,
        &text[edit.span.end..]
    )
}

/// Applies `edit` to `input`, checks the result is `expected`, parses cleanly and keeps every
/// line of the input; returns the parsed result.
fn check(input: &str, edit: Option<Edit>, expected: &str) -> Node {
    let edit = edit.expect("an edit");
    let out = apply(input, &edit);
    assert_eq!(out, expected);
    let lines: Vec<&str> = out.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let mut start = 0;
    for line in input.split('\n') {
        let end = start + line.len();
        let line = line.trim_end_matches('\r');
        if (start..=end).contains(&edit.span.start) && !edit.content.contains('\n') {
            // An edit inside a line (a flow collection) keeps the line around the new text.
            let at = edit.span.start - start;
            let spliced = format!("{}{}{}", &line[..at], edit.content, &line[at..]);
            assert!(lines.contains(&spliced.as_str()), "line {line:?} changed");
        } else {
            assert!(lines.contains(&line), "line {line:?} lost");
        }
        start = end + 1;
    }
    doc(&out)
}

fn strs(node: &Node) -> Vec<&str> {
    node.as_sequence()
        .expect("a sequence")
        .iter()
        .map(|n| n.as_str().expect("a scalar"))
        .collect()
}

const HOST: &str = "host.docker.internal:host-gateway";

// ---- insert_key ----

#[test]
fn key_with_block_sequence_two_spaces() {
    let input = "services:\n  web:\n    image: nginx\n  db:\n    image: postgres\n";
    let d = doc(input);
    let web = at(&d, &["services", "web"]);
    let item = format!("- {}", yaml_scalar(HOST));
    let out = check(
        input,
        insert_key(input, F, web, "extra_hosts", &[&item]),
        "services:\n  web:\n    image: nginx\n    extra_hosts:\n      - \"host.docker.internal:host-gateway\"\n  db:\n    image: postgres\n",
    );
    assert_eq!(strs(at(&out, &["services", "web", "extra_hosts"])), [HOST]);
    assert_eq!(
        at(&out, &["services", "db", "image"]).as_str(),
        Some("postgres")
    );
}

#[test]
fn key_with_block_sequence_four_spaces() {
    let input =
        "services:\n    web:\n        image: nginx\n        ports:\n            - \"80:80\"\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "depends_on",
            &["- ollama"],
        ),
        "services:\n    web:\n        image: nginx\n        ports:\n            - \"80:80\"\n        depends_on:\n            - ollama\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "depends_on"])),
        ["ollama"]
    );
}

#[test]
fn key_with_sequence_in_indentless_file() {
    let input = "services:\n  web:\n    image: nginx\n    ports:\n    - \"80:80\"\n  ollama:\n    image: ollama/ollama\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "depends_on",
            &["- ollama"],
        ),
        "services:\n  web:\n    image: nginx\n    ports:\n    - \"80:80\"\n    depends_on:\n    - ollama\n  ollama:\n    image: ollama/ollama\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "depends_on"])),
        ["ollama"]
    );
}

#[test]
fn key_in_crlf_file() {
    let input = "services:\r\n  web:\r\n    image: nginx\r\n  db:\r\n    image: postgres\r\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "extra_hosts",
            &["- \"h:g\""],
        ),
        "services:\r\n  web:\r\n    image: nginx\r\n    extra_hosts:\r\n      - \"h:g\"\r\n  db:\r\n    image: postgres\r\n",
    );
    assert_eq!(strs(at(&out, &["services", "web", "extra_hosts"])), ["h:g"]);
}

#[test]
fn key_in_last_service_at_eof_without_newline() {
    let input = "services:\n  web:\n    image: nginx";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "extra_hosts",
            &["- \"h:g\""],
        ),
        "services:\n  web:\n    image: nginx\n    extra_hosts:\n      - \"h:g\"",
    );
    assert_eq!(strs(at(&out, &["services", "web", "extra_hosts"])), ["h:g"]);
}

#[test]
fn key_in_crlf_file_without_final_newline() {
    let input = "services:\r\n  web:\r\n    image: nginx # pinned later";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "restart",
            &["always"],
        ),
        "services:\r\n  web:\r\n    image: nginx # pinned later\r\n    restart: always",
    );
    assert_eq!(
        at(&out, &["services", "web", "restart"]).as_str(),
        Some("always")
    );
}

#[test]
fn top_level_key_after_bom() {
    let input = "\u{feff}services:\n  web:\n    image: x\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(input, F, &d, "volumes", &["data:"]),
        "\u{feff}services:\n  web:\n    image: x\nvolumes:\n  data:\n",
    );
    assert!(at(&out, &["volumes", "data"]).is_null());
}

#[test]
fn key_goes_before_trailing_comments() {
    let input = "services:\n  web:\n    image: nginx # the image\n    # ports:\n    #   - 80:80\n\n  db:\n    image: postgres\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "depends_on",
            &["- db"],
        ),
        "services:\n  web:\n    image: nginx # the image\n    depends_on:\n      - db\n    # ports:\n    #   - 80:80\n\n  db:\n    image: postgres\n",
    );
    assert_eq!(strs(at(&out, &["services", "web", "depends_on"])), ["db"]);
}

#[test]
fn key_after_null_value() {
    let input = "services:\n  web:\n    image: x\n    healthcheck:\n  db:\n    image: y\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "ports",
            &["- \"8080:80\""],
        ),
        "services:\n  web:\n    image: x\n    healthcheck:\n    ports:\n      - \"8080:80\"\n  db:\n    image: y\n",
    );
    assert!(at(&out, &["services", "web", "healthcheck"]).is_null());
    assert_eq!(strs(at(&out, &["services", "web", "ports"])), ["8080:80"]);
}

#[test]
fn key_after_literal_block_that_looks_like_a_comment() {
    let input = "services:\n  web:\n    command: |\n      echo hi\n      # not a comment\n\n  db:\n    image: y\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "restart",
            &["always"],
        ),
        "services:\n  web:\n    command: |\n      echo hi\n      # not a comment\n    restart: always\n\n  db:\n    image: y\n",
    );
    assert_eq!(
        at(&out, &["services", "web", "command"]).as_str(),
        Some("echo hi\n# not a comment\n")
    );
}

#[test]
fn key_after_keep_chomping_block_keeps_its_blank_lines() {
    let input = "x:\n  a: |+\n    hi\n\n\ny: 1\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(input, F, at(&d, &["x"]), "b", &["1"]),
        "x:\n  a: |+\n    hi\n\n\n  b: 1\ny: 1\n",
    );
    assert_eq!(at(&out, &["x", "a"]).as_str(), Some("hi\n\n\n"));
}

#[test]
fn key_into_mapping_inside_sequence_item() {
    let input = "x:\n  - name: a\n    port: 1\n  - name: b\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(input, F, at(&d, &["x", "0"]), "host", &["h"]),
        "x:\n  - name: a\n    port: 1\n    host: h\n  - name: b\n",
    );
    assert_eq!(at(&out, &["x", "0", "host"]).as_str(), Some("h"));
}

#[test]
fn key_with_null_and_map_values() {
    let input = "services:\n  web:\n    image: x\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(input, F, &d, "networks", &[]),
        "services:\n  web:\n    image: x\nnetworks:\n",
    );
    assert!(at(&out, &["networks"]).is_null());
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "depends_on",
            &["ollama:", "  condition: service_started"],
        ),
        "services:\n  web:\n    image: x\n    depends_on:\n      ollama:\n        condition: service_started\n",
    );
    assert_eq!(
        at(
            &out,
            &["services", "web", "depends_on", "ollama", "condition"]
        )
        .as_str(),
        Some("service_started")
    );
}

#[test]
fn key_into_flow_mappings() {
    let input = "services:\n  web: {image: nginx}\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "extra_hosts",
            &["[\"h:g\"]"],
        ),
        "services:\n  web: {image: nginx, extra_hosts: [\"h:g\"]}\n",
    );
    assert_eq!(strs(at(&out, &["services", "web", "extra_hosts"])), ["h:g"]);

    let input = "volumes: {}\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(input, F, at(&d, &["volumes"]), "data", &[]),
        "volumes: {data}\n",
    );
    assert!(at(&out, &["volumes", "data"]).is_null());
    let out = check(
        input,
        insert_key(input, F, at(&d, &["volumes"]), "data", &["{}"]),
        "volumes: {data: {}}\n",
    );
    assert!(at(&out, &["volumes", "data"]).as_mapping().is_some());

    let input = "x: {\n  a: 1,\n  b: 2\n}\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(input, F, at(&d, &["x"]), "c", &["3"]),
        "x: {\n  a: 1,\n  b: 2, c: 3\n}\n",
    );
    assert_eq!(at(&out, &["x", "c"]).as_str(), Some("3"));
}

#[test]
fn key_refused_when_unsafe() {
    let input = "services:\n  web: {image: nginx}\n";
    let d = doc(input);
    let web = at(&d, &["services", "web"]);
    assert_eq!(insert_key(input, F, web, "ports", &["- \"80:80\""]), None);
    assert_eq!(insert_key(input, F, web, "image", &["x"]), None);
    assert_eq!(insert_key(input, F, web, "a", &["x\ny"]), None);
    let input = "services:\n  web:\n    image: x\n";
    let d = doc(input);
    let web = at(&d, &["services", "web"]);
    assert_eq!(insert_key(input, F, web, "image", &["y"]), None);
    assert_eq!(
        insert_key(input, F, at(&d, &["services", "web", "image"]), "a", &[]),
        None
    );
}

// ---- append_item ----

#[test]
fn item_into_block_sequences() {
    let input = "services:\n  web:\n    extra_hosts:\n      - \"a:1.2.3.4\"\n    image: x\n";
    let d = doc(input);
    let seq = at(&d, &["services", "web", "extra_hosts"]);
    let out = check(
        input,
        append_item(input, F, seq, &yaml_scalar(HOST)),
        "services:\n  web:\n    extra_hosts:\n      - \"a:1.2.3.4\"\n      - \"host.docker.internal:host-gateway\"\n    image: x\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "extra_hosts"])),
        ["a:1.2.3.4", HOST]
    );

    let input = "services:\n    web:\n        depends_on:\n            - db # first\n";
    let d = doc(input);
    let out = check(
        input,
        append_item(
            input,
            F,
            at(&d, &["services", "web", "depends_on"]),
            "ollama",
        ),
        "services:\n    web:\n        depends_on:\n            - db # first\n            - ollama\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "depends_on"])),
        ["db", "ollama"]
    );
}

#[test]
fn item_into_indentless_sequence() {
    let input =
        "services:\n  web:\n    depends_on:\n    - db\n    # more later\n  db:\n    image: y\n";
    let d = doc(input);
    let out = check(
        input,
        append_item(
            input,
            F,
            at(&d, &["services", "web", "depends_on"]),
            "ollama",
        ),
        "services:\n  web:\n    depends_on:\n    - db\n    - ollama\n    # more later\n  db:\n    image: y\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "depends_on"])),
        ["db", "ollama"]
    );
}

#[test]
fn item_at_eof_crlf_without_newline() {
    let input = "x:\r\n  - a\r\n  - b";
    let d = doc(input);
    let out = check(
        input,
        append_item(input, F, at(&d, &["x"]), "c"),
        "x:\r\n  - a\r\n  - b\r\n  - c",
    );
    assert_eq!(strs(at(&out, &["x"])), ["a", "b", "c"]);
}

#[test]
fn multi_line_item_and_anchored_item() {
    let input = "x:\n  - &first name: a\n    port: 1\n";
    let d = doc(input);
    let out = check(
        input,
        append_item(input, F, at(&d, &["x"]), "name: b\nport: 2"),
        "x:\n  - &first name: a\n    port: 1\n  - name: b\n    port: 2\n",
    );
    assert_eq!(at(&out, &["x", "1", "port"]).as_str(), Some("2"));

    let input = "\u{feff}- &a x\n";
    let d = doc(input);
    let out = check(
        input,
        append_item(input, F, &d, "y"),
        "\u{feff}- &a x\n- y\n",
    );
    assert_eq!(strs(&out), ["x", "y"]);
}

#[test]
fn item_into_flow_sequences() {
    let input = "services:\n  web:\n    extra_hosts: [a, b]\n";
    let d = doc(input);
    let out = check(
        input,
        append_item(
            input,
            F,
            at(&d, &["services", "web", "extra_hosts"]),
            &yaml_scalar(HOST),
        ),
        "services:\n  web:\n    extra_hosts: [a, b, \"host.docker.internal:host-gateway\"]\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "extra_hosts"])),
        ["a", "b", HOST]
    );

    let input = "depends_on: []\r\n";
    let d = doc(input);
    let out = check(
        input,
        append_item(input, F, at(&d, &["depends_on"]), "ollama"),
        "depends_on: [ollama]\r\n",
    );
    assert_eq!(strs(at(&out, &["depends_on"])), ["ollama"]);

    let input = "ports: [\n  \"80:80\"\n]\n";
    let d = doc(input);
    let out = check(
        input,
        append_item(input, F, at(&d, &["ports"]), "\"81:81\""),
        "ports: [\n  \"80:80\", \"81:81\"\n]\n",
    );
    assert_eq!(strs(at(&out, &["ports"])), ["80:80", "81:81"]);

    assert_eq!(
        append_item(input, F, at(&d, &["ports"]), "a: 1\nb: 2"),
        None
    );
    assert_eq!(append_item(input, F, &d, "x"), None);
}

// ---- set_env ----

#[test]
fn env_in_list_form() {
    let input = "services:\n  web:\n    environment:\n      - A=1\n    image: x\n";
    let d = doc(input);
    let web = at(&d, &["services", "web"]);
    let out = check(
        input,
        set_env(input, F, web, "OLLAMA_BASE_URL", "http://ollama:11434"),
        "services:\n  web:\n    environment:\n      - A=1\n      - \"OLLAMA_BASE_URL=http://ollama:11434\"\n    image: x\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "environment"])),
        ["A=1", "OLLAMA_BASE_URL=http://ollama:11434"]
    );
    assert_eq!(set_env(input, F, web, "A", "2"), None);

    let input = "services:\n  web:\n    environment: [A=1]\n";
    let d = doc(input);
    let out = check(
        input,
        set_env(input, F, at(&d, &["services", "web"]), "B", "two"),
        "services:\n  web:\n    environment: [A=1, B=two]\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "environment"])),
        ["A=1", "B=two"]
    );
}

#[test]
fn env_in_map_form() {
    let input = "services:\n    web:\n        environment:\n            A: \"1\"\n";
    let d = doc(input);
    let web = at(&d, &["services", "web"]);
    let out = check(
        input,
        set_env(input, F, web, "OLLAMA_HOST", "0.0.0.0"),
        "services:\n    web:\n        environment:\n            A: \"1\"\n            OLLAMA_HOST: \"0.0.0.0\"\n",
    );
    assert_eq!(
        at(&out, &["services", "web", "environment", "OLLAMA_HOST"]).as_str(),
        Some("0.0.0.0")
    );
    assert_eq!(set_env(input, F, web, "A", "2"), None);

    let input = "services:\n  web:\n    environment: {A: 1}\n";
    let d = doc(input);
    let out = check(
        input,
        set_env(input, F, at(&d, &["services", "web"]), "B", "yes"),
        "services:\n  web:\n    environment: {A: 1, B: \"yes\"}\n",
    );
    let b = at(&out, &["services", "web", "environment", "B"]);
    assert_eq!(
        b.as_scalar().map(|s| s.value()),
        Some(ScalarValue::Str("yes"))
    );
}

#[test]
fn env_created_when_absent_or_empty() {
    let input = "services:\n    web:\n        image: x\n    db:\n        image: y\n";
    let d = doc(input);
    let out = check(
        input,
        set_env(input, F, at(&d, &["services", "web"]), "K", "v"),
        "services:\n    web:\n        image: x\n        environment:\n            K: v\n    db:\n        image: y\n",
    );
    assert_eq!(
        at(&out, &["services", "web", "environment", "K"]).as_str(),
        Some("v")
    );

    let input = "services:\r\n  web:\r\n    environment:\r\n  db:\r\n    image: y";
    let d = doc(input);
    let out = check(
        input,
        set_env(input, F, at(&d, &["services", "web"]), "K", "v"),
        "services:\r\n  web:\r\n    environment:\r\n      K: v\r\n  db:\r\n    image: y",
    );
    assert_eq!(
        at(&out, &["services", "web", "environment", "K"]).as_str(),
        Some("v")
    );

    let input = "services:\n  web:\n    environment:";
    let d = doc(input);
    let out = check(
        input,
        set_env(input, F, at(&d, &["services", "web"]), "K", "v"),
        "services:\n  web:\n    environment:\n      K: v",
    );
    assert_eq!(
        at(&out, &["services", "web", "environment", "K"]).as_str(),
        Some("v")
    );

    let input = "services:\n  web: {image: x}\n";
    let d = doc(input);
    let out = check(
        input,
        set_env(input, F, at(&d, &["services", "web"]), "K", "a b"),
        "services:\n  web: {image: x, environment: {K: \"a b\"}}\n",
    );
    assert_eq!(
        at(&out, &["services", "web", "environment", "K"]).as_str(),
        Some("a b")
    );

    let input = "services:\n  web:\n    environment: ~\n";
    let d = doc(input);
    assert_eq!(
        set_env(input, F, at(&d, &["services", "web"]), "K", "v"),
        None
    );
}

// ---- yaml_scalar ----

#[test]
fn scalars_plain_where_safe() {
    for plain in ["ollama", "/data", "$HOME", "a.b-c_d", "OLLAMA_HOST", "x=1"] {
        assert_eq!(yaml_scalar(plain), plain);
    }
    let cases = [
        (HOST, "\"host.docker.internal:host-gateway\""),
        ("", "\"\""),
        ("true", "\"true\""),
        ("Yes", "\"Yes\""),
        ("off", "\"off\""),
        ("null", "\"null\""),
        ("~", "\"~\""),
        ("8080", "\"8080\""),
        ("0.0.0.0", "\"0.0.0.0\""),
        ("-x", "\"-x\""),
        ("a b", "\"a b\""),
        ("a#b", "\"a#b\""),
        ("a,b", "\"a,b\""),
        ("${X}", "\"${X}\""),
        ("say \"hi\"\\", "\"say \\\"hi\\\"\\\\\""),
        ("a\nb\t", "\"a\\nb\\t\""),
        ("\u{1}", "\"\\u0001\""),
        ("é", "\"é\""),
    ];
    for (value, quoted) in cases {
        assert_eq!(yaml_scalar(value), quoted);
    }
}

#[test]
fn scalars_read_back_as_the_same_string() {
    let values = [
        "ollama",
        HOST,
        "",
        "true",
        "no",
        "8080",
        "1e3",
        "-x",
        "a b",
        "a#b",
        "[x]",
        "{x}",
        "say \"hi\"\\",
        "a\nb",
        "\u{1}",
        "é",
        "x: y",
        "'q'",
        "*a",
        "&a",
        "!t",
        "%p",
        "@a",
        "`b`",
        "|",
        ">",
    ];
    for v in values {
        let q = yaml_scalar(v);
        for text in [
            format!("k: {q}\n"),
            format!("k: [{q}]\n"),
            format!("k: {{a: {q}}}\n"),
        ] {
            let d = doc(&text);
            let node = match &at(&d, &["k"]).kind {
                NodeKind::Scalar(_) => at(&d, &["k"]),
                NodeKind::Sequence(_) => at(&d, &["k", "0"]),
                NodeKind::Mapping(_) => at(&d, &["k", "a"]),
            };
            let s = node.as_scalar().expect("a scalar");
            assert_eq!(s.value(), ScalarValue::Str(v), "{text:?}");
        }
    }
}

#[test]
fn merged_keys_and_aliases() {
    let input =
        "x: &b\n  a: 1\nservices:\n  web:\n    <<: *b\n    image: y\n  db:\n    environment: *b\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "restart",
            &["always"],
        ),
        "x: &b\n  a: 1\nservices:\n  web:\n    <<: *b\n    image: y\n    restart: always\n  db:\n    environment: *b\n",
    );
    assert_eq!(
        at(&out, &["services", "web", "restart"]).as_str(),
        Some("always")
    );
    assert_eq!(at(&out, &["services", "web", "a"]).as_str(), Some("1"));
    // Adding to an aliased mapping would change the anchored original and every alias.
    assert_eq!(
        set_env(input, F, at(&d, &["services", "db"]), "K", "v"),
        None
    );
}

#[test]
fn aliases_at_the_end_of_collections() {
    let input = "x: &b y\nservices:\n  web:\n    image: *b\n  db:\n    image: z\n";
    let d = doc(input);
    let out = check(
        input,
        insert_key(
            input,
            F,
            at(&d, &["services", "web"]),
            "restart",
            &["always"],
        ),
        "x: &b y\nservices:\n  web:\n    image: *b\n    restart: always\n  db:\n    image: z\n",
    );
    assert_eq!(
        at(&out, &["services", "web", "restart"]).as_str(),
        Some("always")
    );

    let input = "x: &b y\nl: [a, *b]\nm: {a: *b}\ns:\n  - *b\n  - a\n";
    let d = doc(input);
    assert_eq!(append_item(input, F, at(&d, &["l"]), "c"), None);
    assert_eq!(insert_key(input, F, at(&d, &["m"]), "c", &["1"]), None);
    let out = check(
        input,
        append_item(input, F, at(&d, &["s"]), "c"),
        "x: &b y\nl: [a, *b]\nm: {a: *b}\ns:\n  - *b\n  - a\n  - c\n",
    );
    assert_eq!(strs(at(&out, &["s"])), ["y", "a", "c"]);
}

// ---- add_name ----

const STARTED: &[&str] = &["condition: service_started"];

#[test]
fn name_added_in_the_form_that_is_there() {
    let input = "services:\n  web:\n    depends_on:\n    - db\n  db: {}\n";
    let d = doc(input);
    let web = at(&d, &["services", "web"]);
    let out = check(
        input,
        add_name(input, F, web, "depends_on", "ollama", STARTED, Form::List),
        "services:\n  web:\n    depends_on:\n    - db\n    - ollama\n  db: {}\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "depends_on"])),
        ["db", "ollama"]
    );
    assert_eq!(
        add_name(input, F, web, "depends_on", "db", STARTED, Form::List),
        None
    );

    let input =
        "services:\n  web:\n    depends_on:\n      db:\n        condition: service_healthy\n";
    let d = doc(input);
    let web = at(&d, &["services", "web"]);
    let out = check(
        input,
        add_name(input, F, web, "depends_on", "ollama", STARTED, Form::List),
        "services:\n  web:\n    depends_on:\n      db:\n        condition: service_healthy\n      ollama:\n        condition: service_started\n",
    );
    assert_eq!(
        at(
            &out,
            &["services", "web", "depends_on", "ollama", "condition"]
        )
        .as_str(),
        Some("service_started")
    );
    assert_eq!(
        add_name(input, F, web, "depends_on", "db", STARTED, Form::List),
        None
    );
}

#[test]
fn name_field_created_when_absent_or_empty() {
    let input = "services:\n  web:\n    image: x\n";
    let d = doc(input);
    let out = check(
        input,
        add_name(
            input,
            F,
            at(&d, &["services", "web"]),
            "depends_on",
            "ollama",
            STARTED,
            Form::List,
        ),
        "services:\n  web:\n    image: x\n    depends_on:\n      - ollama\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "depends_on"])),
        ["ollama"]
    );
    let out = check(
        input,
        add_name(input, F, &d, "volumes", "ollama", &[], Form::Map),
        "services:\n  web:\n    image: x\nvolumes:\n  ollama:\n",
    );
    assert!(at(&out, &["volumes", "ollama"]).is_null());
    let out = check(
        input,
        add_name(
            input,
            F,
            &d,
            "networks",
            "edge",
            &["external: true"],
            Form::Map,
        ),
        "services:\n  web:\n    image: x\nnetworks:\n  edge:\n    external: true\n",
    );
    assert_eq!(
        at(&out, &["networks", "edge", "external"]).as_str(),
        Some("true")
    );

    let input = "services:\r\n    web:\r\n        networks:\r\n    db:\r\n        image: y\r\n";
    let d = doc(input);
    let out = check(
        input,
        add_name(
            input,
            F,
            at(&d, &["services", "web"]),
            "networks",
            "default",
            &[],
            Form::List,
        ),
        "services:\r\n    web:\r\n        networks:\r\n            - default\r\n    db:\r\n        image: y\r\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "networks"])),
        ["default"]
    );

    let input = "services:\n  web: {image: x}\n";
    let d = doc(input);
    let web = at(&d, &["services", "web"]);
    let out = check(
        input,
        add_name(input, F, web, "depends_on", "ollama", STARTED, Form::List),
        "services:\n  web: {image: x, depends_on: [ollama]}\n",
    );
    assert_eq!(
        strs(at(&out, &["services", "web", "depends_on"])),
        ["ollama"]
    );
    assert_eq!(
        add_name(input, F, web, "networks", "a", &["x: 1", "y: 2"], Form::Map),
        None
    );
}

// ---- every collection of every fixture ----

/// Paths to every collection in `node`, breadth first, bounded.
fn collections(root: &Node) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut queue = vec![(Vec::<String>::new(), root)];
    while let Some((path, node)) = queue.pop() {
        if out.len() >= 30 {
            break;
        }
        match &node.kind {
            NodeKind::Mapping(entries) => {
                out.push(path.clone());
                for e in entries {
                    if let Some(k) = e.key.as_str() {
                        let mut p = path.clone();
                        p.push(k.to_string());
                        queue.push((p, &e.value));
                    }
                }
            }
            NodeKind::Sequence(items) => {
                out.push(path.clone());
                for (i, item) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(i.to_string());
                    queue.push((p, item));
                }
            }
            NodeKind::Scalar(_) => {}
        }
    }
    out
}

fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Every edit made on any collection of a fixture that parses yields a file that parses, with
/// the new key or item in that collection — or no edit at all.
#[test]
fn edits_on_every_fixture_collection_parse() {
    let mut files = Vec::new();
    yaml_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    let mut edited = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Large generated projects add time, not cases.
        if text.len() > 16 * 1024 {
            continue;
        }
        let parsed = parse(F, &text, Limits::default());
        let Some(root) = parsed.documents.first() else {
            continue;
        };
        if !parsed.errors.is_empty() || parsed.documents.len() != 1 {
            continue;
        }
        for p in collections(root) {
            let steps: Vec<&str> = p.iter().map(String::as_str).collect();
            let node = at(root, &steps);
            let edit = match &node.kind {
                NodeKind::Mapping(_) => insert_key(&text, F, node, "zz_new", &["\"z:1\""]),
                _ => append_item(&text, F, node, "\"z:1\""),
            };
            let Some(edit) = edit else { continue };
            let out = apply(&text, &edit);
            let reparsed = parse(F, &out, Limits::default());
            assert!(
                reparsed.errors.is_empty(),
                "{path:?} at {p:?}: {:?}\n{out}",
                reparsed.errors
            );
            let new_root = &reparsed.documents[0];
            let node = at(new_root, &steps);
            let added = match &node.kind {
                NodeKind::Mapping(_) => node.get("zz_new"),
                _ => node.as_sequence().and_then(|s| s.last()),
            };
            assert_eq!(
                added.and_then(Node::as_str),
                Some("z:1"),
                "{path:?} at {p:?}\n{out}"
            );
            edited += 1;
        }
    }
    assert!(edited > 100, "only {edited} edits");
}
