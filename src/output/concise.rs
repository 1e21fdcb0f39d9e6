//! `--format concise`: one line per finding, `path:line:col: severity CODE message`, then
//! the summary.

use super::{OutputOptions, findings, summary, visible};
use crate::LintedProject;
use crate::diagnostic::Severity;

/// ANSI SGR sequences: the terminal's own palette, so the colours follow its theme.
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[1;36m";
const RESET: &str = "\x1b[0m";

/// `text` in `style` when colour is on.
fn paint(text: &str, style: &str, color: bool) -> String {
    if color {
        format!("{style}{text}{RESET}")
    } else {
        text.to_string()
    }
}

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Info => CYAN,
    }
}

pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let mut out = String::new();
    for f in findings(projects, options) {
        let place = match &f.location {
            Some(l) => format!(
                "{}:{}:{}",
                visible(&l.path, false),
                l.start.line,
                l.start.column
            ),
            None => visible(&f.path(options), false),
        };
        // A message is one line here; a multi-line one would break `path:line:col` parsers.
        let message = visible(&f.message().as_str().replace(['\r', '\n'], " "), false);
        let marker = match f.fix_marker() {
            Some(m) => format!(" {m}"),
            None => String::new(),
        };
        let color = options.color;
        let severity = f.severity();
        out.push_str(&format!(
            "{}: {} {}{marker} {message}\n",
            paint(&place, BOLD, color),
            paint(severity.as_str(), severity_style(severity), color),
            paint(f.code(), BOLD, color),
        ));
    }
    out.push_str(&summary(projects));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::output::testing::{diagnostic, options, project, span_of};

    #[test]
    fn one_line_per_finding_sorted_then_the_summary() {
        let mut p = project(
            "app/compose.yaml",
            "services:\n  wéb:\n    image: x\n  db:\n    ports: [\"80:80\"]\n",
        );
        let image = span_of(&p, "x\n");
        let ports = span_of(&p, "\"80:80\"");
        p.diagnostics = vec![
            diagnostic("CMP011", "dup", Severity::Error, "port\nclash", Some(ports)),
            diagnostic("OLL001", "img", Severity::Warning, "bad image", Some(image)),
            diagnostic("CMP008", "missing", Severity::Info, "no file", None),
        ];
        let expected = "\
app/compose.yaml: info CMP008 no file
app/compose.yaml:3:12: warning OLL001 bad image
app/compose.yaml:5:13: error CMP011 port clash
Found 3 problems (1 error, 1 warning, 1 info) in 1 project.
";
        assert_eq!(render(std::slice::from_ref(&p), &options()), expected);
    }

    #[test]
    fn with_colour_the_place_severity_and_code_are_painted() {
        let mut p = project("compose.yaml", "services:\n  web:\n    image: x\n");
        let image = span_of(&p, "x\n");
        p.diagnostics = vec![
            diagnostic("OLL001", "img", Severity::Error, "bad", Some(image)),
            diagnostic("CMP004", "var", Severity::Warning, "unset", Some(image)),
            diagnostic("OLL012", "dep", Severity::Info, "order", Some(image)),
        ];
        let mut options = options();
        options.color = true;
        let text = render(std::slice::from_ref(&p), &options);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "\x1b[1mcompose.yaml:3:12\x1b[0m: \x1b[1;31merror\x1b[0m \x1b[1mOLL001\x1b[0m bad"
        );
        assert!(
            lines[1].contains(": \x1b[1;33mwarning\x1b[0m "),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].contains(": \x1b[1;36minfo\x1b[0m "),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn clean_run_prints_only_the_summary() {
        let p = project("compose.yaml", "services: {}\n");
        assert_eq!(
            render(std::slice::from_ref(&p), &options()),
            "All checks passed (1 project checked).\n"
        );
    }
}
