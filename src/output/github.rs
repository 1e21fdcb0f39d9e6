//! `--format github`: GitHub Actions workflow commands, which GitHub turns into annotations.

use super::{OutputOptions, findings, summary, visible};
use crate::LintedProject;
use crate::diagnostic::Severity;

pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let mut out = String::new();
    for f in findings(projects, options) {
        let command = match f.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if let Some(l) = &f.location {
            properties.push(format!("file={}", escape_property(&visible(&l.path, true))));
            properties.push(format!("line={}", l.start.line));
            properties.push(format!("col={}", l.start.column));
            properties.push(format!("endLine={}", l.end.line));
            properties.push(format!("endColumn={}", l.end.column));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} {}", f.code(), f.rule()))
        ));
        let mut message = f.message().into_string();
        if let Some(help) = f.help() {
            message.push_str("\nhelp: ");
            message.push_str(help.as_str());
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&visible(&message, true))
        ));
    }
    out.push_str(&summary(projects));
    out.push('\n');
    out
}

/// The message of a workflow command: `%`, CR and LF are percent-encoded (`%` first, so the
/// encodings themselves are not encoded again).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(c),
        }
    }
    out
}

/// A property value: like the message, plus `:` and `,`, which end a value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{diagnostic, options, project, span_of};

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn one_command_per_finding_with_level_location_and_title() {
        let mut p = project(
            "a,b/compose.yaml",
            "services:\n  ollama:\n    image: ollama/ollama\n",
        );
        let image = span_of(&p, "ollama/ollama");
        p.diagnostics = vec![
            diagnostic(
                "OLL001",
                "bad-image",
                Severity::Warning,
                "50% sure: \"x\"\nsecond line",
                Some(image),
            )
            .with_help("use a:b"),
            diagnostic("CMP011", "dup-port", Severity::Error, "clash", Some(image)),
            diagnostic("CMP008", "missing", Severity::Info, "no file", None),
        ];
        let expected = "\
::notice title=CMP008 missing::no file
::warning file=a%2Cb/compose.yaml,line=3,col=12,endLine=3,endColumn=25,title=OLL001 bad-image::50%25 sure: \"x\"%0Asecond line%0Ahelp: use a:b
::error file=a%2Cb/compose.yaml,line=3,col=12,endLine=3,endColumn=25,title=CMP011 dup-port::clash
Found 3 problems (1 error, 1 warning, 1 info) in 1 project.
";
        assert_eq!(render(std::slice::from_ref(&p), &options()), expected);
    }
}
