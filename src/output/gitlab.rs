//! `--format gitlab`: the GitLab Code Quality report (a JSON array of issues).

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{OutputOptions, findings, fnv1a, forward_slashes, json_text};
use crate::LintedProject;
use crate::diagnostic::Severity;

pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut issues = Vec::new();
    for f in findings(projects, options) {
        let path = forward_slashes(&f.path(options));
        let message = f.message().into_string();
        let source_text = f.fingerprint_text(
            f.location
                .as_ref()
                .map(|l| l.file.slice(l.span))
                .unwrap_or(""),
        );
        let code = f.code();
        // Line numbers stay out so that the finding keeps its identity when lines move above
        // it; two identical findings in one file are told apart by their order. Nothing
        // hashed holds a secret (see `Finding::fingerprint_text`).
        let base = fnv1a(&[code, &path, &message, &source_text]);
        let occurrence = seen.entry(base).or_insert(0);
        *occurrence += 1;
        let fingerprint = if *occurrence == 1 {
            base
        } else {
            fnv1a(&[code, &path, &message, &source_text, &occurrence.to_string()])
        };
        let (begin, end) = f
            .location
            .as_ref()
            .map_or((1, 1), |l| (l.start.line, l.end.line.max(l.start.line)));
        issues.push(json!({
            "description": format!("{code} {message}"),
            "check_name": code,
            "fingerprint": format!("{fingerprint:016x}"),
            "severity": severity(f.severity()),
            "location": {
                "path": path,
                "lines": {"begin": begin, "end": end},
            },
        }));
    }
    json_text(&Value::Array(issues))
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{diagnostic, options, project, span_of};

    #[test]
    fn report_fields_by_hand() {
        let mut p = project("sub\\compose.yaml", "services:\n  a:\n    image: x\n");
        let image = span_of(&p, "x\n");
        p.diagnostics = vec![
            diagnostic("OLL001", "img", Severity::Warning, "bad", Some(image)),
            diagnostic("OLL001", "img", Severity::Warning, "bad", Some(image)),
            diagnostic("CMP008", "missing", Severity::Info, "gone", None),
            diagnostic("CMP011", "dup", Severity::Error, "clash", Some(image)),
        ];
        let out: Value = serde_json::from_str(&render(std::slice::from_ref(&p), &options()))
            .expect("valid JSON");
        let items = out.as_array().expect("an array");
        assert_eq!(items.len(), 4);
        assert_eq!(
            items[0],
            json!({
                "description": "CMP008 gone",
                "check_name": "CMP008",
                "fingerprint": format!("{:016x}", fnv1a(&["CMP008", "sub/compose.yaml", "gone", ""])),
                "severity": "info",
                "location": {"path": "sub/compose.yaml", "lines": {"begin": 1, "end": 1}},
            })
        );
        assert_eq!(items[1]["severity"], "minor");
        assert_eq!(items[1]["location"]["lines"], json!({"begin": 3, "end": 4}));
        assert_eq!(
            items[1]["fingerprint"],
            format!(
                "{:016x}",
                fnv1a(&["OLL001", "sub/compose.yaml", "bad", "x\n"])
            )
        );
        assert_eq!(
            items[2]["fingerprint"],
            format!(
                "{:016x}",
                fnv1a(&["OLL001", "sub/compose.yaml", "bad", "x\n", "2"])
            )
        );
        assert_eq!(items[3]["severity"], "major");
    }

    #[test]
    fn fingerprint_ignores_line_numbers() {
        let render_at = |text: &str| {
            let mut p = project("compose.yaml", text);
            let image = span_of(&p, "image: x");
            p.diagnostics = vec![diagnostic(
                "OLL001",
                "img",
                Severity::Warning,
                "bad",
                Some(image),
            )];
            let v: Value =
                serde_json::from_str(&render(std::slice::from_ref(&p), &options())).expect("JSON");
            v[0]["fingerprint"].clone()
        };
        assert_eq!(
            render_at("services:\n  a:\n    image: x\n"),
            render_at("# moved\n\nservices:\n  a:\n    image: x\n")
        );
    }
}
