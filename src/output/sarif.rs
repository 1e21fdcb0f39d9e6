//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::finding::ShownFix;
use super::{
    Finding, Location, OutputOptions, findings, fnv1a, forward_slashes, json_text, locate,
};
use crate::LintedProject;
use crate::diagnostic::Severity;
use crate::rules::{RULES, Rule, docs};
use crate::source::Sources;

pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/composelint/composelint";
const SRCROOT: &str = "%SRCROOT%";

pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut results = Vec::new();
    for f in findings(projects, options) {
        let code = f.code();
        let mut result = json!({
            "ruleId": code,
            "level": level(f.severity()),
            "message": {"text": message_text(&f)},
        });
        if let Some(index) = RULES.iter().position(|r| r.code == code) {
            result["ruleIndex"] = json!(index);
        }
        let path = forward_slashes(&f.path(options));
        let physical = match &f.location {
            Some(l) => json!({
                "artifactLocation": artifact(&l.path),
                "region": region(l),
            }),
            // GitHub rejects results without a location: point at the start of the project's
            // file, with the end given too (the Multitool warns about a region without one).
            None => json!({
                "artifactLocation": artifact(&path),
                "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
            }),
        };
        result["locations"] = json!([{"physicalLocation": physical}]);
        let line_text = f.location.as_ref().map(|l| l.line_text()).unwrap_or("");
        // Nothing hashed holds a secret (see `Finding::fingerprint_text`).
        let line_text = f.fingerprint_text(line_text);
        let hash = fnv1a(&[code, &path, line_text.trim()]);
        let occurrence = seen.entry(hash).or_insert(0);
        *occurrence += 1;
        result["partialFingerprints"] =
            json!({"primaryLocationLineHash": format!("{hash:016x}:{occurrence}")});
        let related = f.related();
        if !related.is_empty() {
            let related: Vec<Value> = related
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let l = locate(label.span, &f.project.sources, options);
                    json!({
                        "id": i + 1,
                        "physicalLocation": {
                            "artifactLocation": artifact(&l.path),
                            "region": region(&l),
                        },
                        "message": {"text": terminated(label.message.as_str())},
                    })
                })
                .collect();
            result["relatedLocations"] = Value::Array(related);
        }
        // A fix whose text had to be masked is left out: a tool applying it would write the
        // mask into the file.
        if let Some(fix) = f.fix().filter(|fix| !fix.hides_text()) {
            result["fixes"] = json!([fix_value(&fix, &f.project.sources, options)]);
        }
        results.push(result);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver()},
            "originalUriBaseIds": {
                SRCROOT: {"uri": directory_uri(&options.cwd.to_string_lossy())},
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    json_text(&log)
}

fn driver() -> Value {
    let rules: Vec<Value> = RULES.iter().map(|r| rule(r)).collect();
    json!({
        "name": "composelint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": INFORMATION_URI,
        "rules": rules,
    })
}

/// A rule's descriptor, from the same source as its documentation page: the summary line is
/// the short description, the page is the help.
fn rule(rule: &Rule) -> Value {
    let markdown = docs_markdown(rule.docs);
    let what = section(&markdown, "What it does");
    let summary = rule.summary();
    let short = if summary.is_empty() {
        first_sentence(&lead(&markdown, "What it does"))
    } else {
        terminated(&summary)
    };
    let page = docs::page(rule);
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": terminated(&what)},
        "help": {"text": page, "markdown": page},
        "helpUri": rule.url(),
        "defaultConfiguration": {"level": level(rule.severity)},
    })
}

/// The docs as written in the source: doc comments keep the space after `///`.
pub fn docs_markdown(docs: &str) -> String {
    let mut out = String::new();
    for line in docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// The prose of a `## heading` section, its lines joined by spaces.
fn section(markdown: &str, heading: &str) -> String {
    let mut lines = markdown.lines().skip_while(|l| {
        l.strip_prefix("## ")
            .is_none_or(|h| !h.trim().eq_ignore_ascii_case(heading))
    });
    lines.next();
    let words: Vec<&str> = lines
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    words.join(" ")
}

/// The opening of a section: its first paragraph, up to a list if one starts in it.
fn lead(markdown: &str, heading: &str) -> String {
    let mut lines = markdown.lines().skip_while(|l| {
        l.strip_prefix("## ")
            .is_none_or(|h| !h.trim().eq_ignore_ascii_case(heading))
    });
    lines.next();
    let words: Vec<&str> = lines
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with("- ") && !l.starts_with("## "))
        .collect();
    let text = words.join(" ");
    // "…is not the one Ollama listens on there:" introduces the list cut off above.
    match text.strip_suffix(':') {
        Some(t) => format!("{t}."),
        None => text,
    }
}

/// Up to and including the first `.` followed by a space or the end.
fn first_sentence(text: &str) -> String {
    let cut = text
        .char_indices()
        .find(|&(i, c)| c == '.' && text[i + 1..].chars().next().is_none_or(char::is_whitespace))
        .map(|(i, _)| &text[..=i]);
    terminated(cut.unwrap_or(text))
}

/// SARIF consumers expect messages to be sentences; one without final punctuation gets a
/// period.
fn terminated(text: &str) -> String {
    let text = text.trim_end();
    if text.is_empty() {
        return "composelint finding.".into();
    }
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

fn message_text(f: &Finding) -> String {
    let mut text = terminated(f.message().as_str());
    if let Some(help) = f.help() {
        text.push_str("\nHelp: ");
        text.push_str(&terminated(help.as_str()));
    }
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(l: &Location) -> Value {
    json!({
        "startLine": l.start.line,
        "startColumn": l.start.column,
        "endLine": l.end.line,
        "endColumn": l.end.column,
    })
}

/// A relative path is relative to `%SRCROOT%`; an absolute one (outside the working
/// directory) becomes a `file:` URI of its own.
fn artifact(path: &str) -> Value {
    let slashed = forward_slashes(path);
    let is_absolute = slashed.starts_with('/') || slashed.as_bytes().get(1) == Some(&b':');
    if is_absolute {
        let prefix = if slashed.starts_with('/') {
            "file://"
        } else {
            "file:///"
        };
        json!({"uri": format!("{prefix}{}", encode_uri_path(&slashed))})
    } else {
        // A `:` before the first `/` would read as a scheme (`svc:prod/compose.yaml`), and
        // encoded it means the same anywhere in a relative path.
        let uri = encode_uri_path(&slashed).replace(':', "%3A");
        json!({"uri": uri, "uriBaseId": SRCROOT})
    }
}

fn directory_uri(dir: &str) -> String {
    let mut slashed = forward_slashes(dir);
    if !slashed.ends_with('/') {
        slashed.push('/');
    }
    let prefix = if slashed.starts_with('/') {
        "file://"
    } else {
        "file:///"
    };
    format!("{prefix}{}", encode_uri_path(&slashed))
}

/// Percent-encodes every byte that may not appear in a URI path (RFC 3986 `pchar` and `/`);
/// a drive letter's `:` stays.
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn fix_value(fix: &ShownFix, sources: &Sources, options: &OutputOptions) -> Value {
    // One artifactChange per file, in the order the files first appear among the edits.
    let mut changes: Vec<(String, Vec<Value>)> = Vec::new();
    for edit in &fix.edits {
        let l = locate(edit.span, sources, options);
        let replacement = json!({
            "deletedRegion": region(&l),
            "insertedContent": {"text": edit.content.as_str()},
        });
        match changes.iter_mut().find(|(path, _)| *path == l.path) {
            Some((_, list)) => list.push(replacement),
            None => changes.push((l.path.clone(), vec![replacement])),
        }
    }
    let artifact_changes: Vec<Value> = changes
        .into_iter()
        .map(|(path, replacements)| {
            json!({"artifactLocation": artifact(&path), "replacements": replacements})
        })
        .collect();
    json!({
        "description": {"text": terminated(fix.message.as_str())},
        "artifactChanges": artifact_changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Edit, Fix};
    use crate::output::testing::{diagnostic, options, project, span_of};

    #[test]
    fn sentences_and_sections() {
        let md = docs_markdown(
            " ## What it does\n Finds e.g.x things. And more\n more.\n\n ## Why is this bad?\n Because.\n",
        );
        assert_eq!(
            md,
            "## What it does\nFinds e.g.x things. And more\nmore.\n\n## Why is this bad?\nBecause."
        );
        assert_eq!(
            section(&md, "What it does"),
            "Finds e.g.x things. And more more."
        );
        assert_eq!(
            first_sentence("Finds e.g.x things. And more"),
            "Finds e.g.x things."
        );
        assert_eq!(first_sentence("No period"), "No period.");
        assert_eq!(
            lead(
                "## What it does\n\nReports x\nthere:\n- a;\n- b.\n",
                "What it does"
            ),
            "Reports x there."
        );
        assert_eq!(terminated("Why?"), "Why?");
    }

    #[test]
    fn uris() {
        assert_eq!(
            artifact("a b/ü.yaml"),
            json!({"uri": "a%20b/%C3%BC.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(artifact("/x/c.yaml"), json!({"uri": "file:///x/c.yaml"}));
        assert_eq!(
            artifact("C:\\x\\c.yaml"),
            json!({"uri": "file:///C:/x/c.yaml"})
        );
        assert_eq!(
            artifact("svc:prod/compose.yaml"),
            json!({"uri": "svc%3Aprod/compose.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(directory_uri("/repo"), "file:///repo/");
        assert_eq!(encode_uri_path("50%#?"), "50%25%23%3F");
    }

    #[test]
    fn result_with_related_location_and_fix() {
        let mut p = project(
            "compose.yaml",
            "services:\n  a:\n    image: x\n  b:\n    image: y\n",
        );
        let x = span_of(&p, "x\n");
        let x = crate::source::Span::new(x.file, x.start, x.start + 1);
        let y = span_of(&p, "y");
        let rule = RULES.first().expect("a rule");
        let mut d = diagnostic(rule.code, rule.name, Severity::Warning, "bad x", Some(x))
            .with_related(y, "also here")
            .with_help("use z");
        d.fix = Some(Fix {
            applicability: Applicability::Safe,
            message: "Replace with z".into(),
            edits: vec![Edit {
                span: x,
                content: "z".into(),
            }],
        });
        p.diagnostics = vec![d];
        let log: Value =
            serde_json::from_str(&render(std::slice::from_ref(&p), &options())).expect("JSON");
        assert_eq!(log["$schema"], SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().map(Vec::len),
            Some(RULES.len())
        );
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///repo/"
        );
        let result = &run["results"][0];
        let expected_region =
            json!({"startLine": 3, "startColumn": 12, "endLine": 3, "endColumn": 13});
        assert_eq!(
            *result,
            json!({
                "ruleId": rule.code,
                "ruleIndex": 0,
                "level": "warning",
                "message": {"text": "bad x.\nHelp: use z."},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "compose.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": expected_region,
                }}],
                "partialFingerprints": {"primaryLocationLineHash": format!(
                    "{:016x}:1", fnv1a(&[rule.code, "compose.yaml", "image: x"]))},
                "relatedLocations": [{
                    "id": 1,
                    "physicalLocation": {
                        "artifactLocation": {"uri": "compose.yaml", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 5, "startColumn": 12, "endLine": 5, "endColumn": 13},
                    },
                    "message": {"text": "also here."},
                }],
                "fixes": [{
                    "description": {"text": "Replace with z."},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": "compose.yaml", "uriBaseId": "%SRCROOT%"},
                        "replacements": [{
                            "deletedRegion": expected_region,
                            "insertedContent": {"text": "z"},
                        }],
                    }],
                }],
            })
        );
    }

    #[test]
    fn a_fix_whose_text_holds_a_secret_is_left_out() {
        let mut p = project("compose.yaml", "services:\n  a:\n    image: x\n");
        let x = span_of(&p, "x\n");
        let mut d = diagnostic("OLL001", "r", Severity::Error, "m", Some(x));
        d.fix = Some(Fix {
            applicability: Applicability::Safe,
            message: "write `http://u:pw@ollama`".into(),
            edits: vec![Edit {
                span: x,
                content: "http://u:pw@ollama".into(),
            }],
        });
        p.diagnostics = vec![d];
        let out = render(std::slice::from_ref(&p), &options());
        assert!(!out.contains("pw"), "{out}");
        let log: Value = serde_json::from_str(&out).expect("JSON");
        assert!(log["runs"][0]["results"][0].get("fixes").is_none());
        let json: Value = serde_json::from_str(&crate::output::json::render(
            std::slice::from_ref(&p),
            &options(),
        ))
        .expect("JSON");
        let edit = &json[0]["fix"]["edits"][0];
        assert_eq!(edit["content"], "http://u:***@ollama");
        assert_eq!(edit["redacted"], true);
        assert_eq!(json[0]["fix"]["message"], "write `http://u:***@ollama`");
    }

    #[test]
    fn a_result_without_a_location_points_at_the_start_of_the_projects_file() {
        let mut p = project("compose.yaml", "services: {}\n");
        p.diagnostics = vec![diagnostic(
            "CMP003",
            "invalid-structure",
            Severity::Error,
            "m",
            None,
        )];
        let log: Value =
            serde_json::from_str(&render(std::slice::from_ref(&p), &options())).expect("JSON");
        let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(
            location["region"],
            json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1})
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    }

    #[test]
    fn every_rule_is_described() {
        let log: Value = serde_json::from_str(&render(&[], &options())).expect("JSON");
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (i, r) in rules.iter().enumerate() {
            let rule = RULES[i];
            assert_eq!(r["id"], rule.code);
            assert_eq!(r["helpUri"], rule.url());
            let short = r["shortDescription"]["text"].as_str().unwrap_or("");
            assert!(
                short.len() > 10 && short.ends_with('.'),
                "{}: {short:?}",
                rule.code
            );
            assert!(!short.contains("##"), "{}: {short:?}", rule.code);
            assert_eq!(short, rule.summary(), "{}", rule.code);
            assert_eq!(r["help"]["markdown"], docs::page(rule));
            assert_eq!(r["defaultConfiguration"]["level"], level(rule.severity));
        }
    }
}
