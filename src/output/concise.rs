//! `--format concise`: one line per finding, `path:line:col: CODE message`, then the summary.

use super::{OutputOptions, findings, summary, visible};
use crate::LintedProject;

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
        out.push_str(&format!("{place}: {}{marker} {message}\n", f.code()));
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
app/compose.yaml: CMP008 no file
app/compose.yaml:3:12: OLL001 bad image
app/compose.yaml:5:13: CMP011 port clash
Found 3 problems (1 error, 1 warning, 1 info) in 1 project.
";
        assert_eq!(render(std::slice::from_ref(&p), &options()), expected);
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
