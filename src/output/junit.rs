//! `--format junit`: JUnit XML, one test suite per project and one failing test case per
//! finding (a clean project gets one passing case), for CI test-report viewers.

use super::{OutputOptions, findings, visible};
use crate::LintedProject;

pub fn render(projects: &[LintedProject], options: &OutputOptions) -> String {
    let all = findings(projects, options);
    let mut suites = String::new();
    for (index, project) in projects.iter().enumerate() {
        let name = if project.project.name.is_empty() {
            format!("project {}", index + 1)
        } else {
            visible(&project.project.name, false)
        };
        let mine: Vec<_> = all
            .iter()
            .filter(|f| std::ptr::eq(f.project, project))
            .collect();
        let mut cases = String::new();
        for f in &mine {
            let path = visible(&f.path(options), false);
            let place = match &f.location {
                Some(l) => format!("{path}:{}:{}", l.start.line, l.start.column),
                None => path.clone(),
            };
            let message = visible(f.message().as_str(), true);
            let mut body = format!("{place}: {} {message}", f.code());
            if let Some(help) = f.help() {
                body.push_str("\nhelp: ");
                body.push_str(&visible(help.as_str(), true));
            }
            cases.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                attribute(&format!("{} {place}", f.code())),
                attribute(&path),
                attribute(&message),
                attribute(f.severity().as_str()),
                text(&body),
            ));
        }
        if mine.is_empty() {
            cases.push_str(&format!(
                "    <testcase name=\"composelint\" classname=\"{}\"/>\n",
                attribute(&name)
            ));
        }
        let tests = mine.len().max(1);
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n",
            attribute(&name),
            mine.len()
        ));
    }
    let tests: usize = projects.iter().map(|p| p.diagnostics.len().max(1)).sum();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"composelint\" tests=\"{tests}\" failures=\"{}\" errors=\"0\">\n{suites}</testsuites>\n",
        all.len()
    )
}

/// Character data: `&` and `<` must be escaped, `>` is escaped so `]]>` cannot appear.
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value in double quotes. Line breaks and tabs become character references,
/// because a parser would otherwise normalise them to spaces.
pub fn attribute(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\'' if in_attribute => out.push_str("&apos;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            // XML 1.0 cannot carry these at all, not even as character references.
            c if is_forbidden(c) => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
    out
}

fn is_forbidden(c: char) -> bool {
    let c = u32::from(c);
    c < 0x20 || c == 0xFFFE || c == 0xFFFF
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::output::testing::{diagnostic, options, project, span_of};

    #[test]
    fn escaping() {
        assert_eq!(
            text("a<b & c>d \"q\" 'x'\n\t\r\u{1}"),
            "a&lt;b &amp; c&gt;d \"q\" 'x'\n\t&#13;\u{FFFD}"
        );
        assert_eq!(
            attribute("a<b & \"q\" 'x'\n\t\r\u{0}"),
            "a&lt;b &amp; &quot;q&quot; &apos;x&apos;&#10;&#9;&#13;\u{FFFD}"
        );
    }

    #[test]
    fn one_failing_case_per_finding_and_a_passing_case_when_clean() {
        let mut p = project("compose.yaml", "services:\n  a:\n    image: x\n");
        let x = span_of(&p, "x\n");
        p.diagnostics = vec![
            diagnostic(
                "OLL001",
                "img",
                Severity::Warning,
                "bad <x> & \"y\"",
                Some(x),
            )
            .with_help("fix it"),
        ];
        let mut clean = project("other/compose.yaml", "services: {}\n");
        clean.project.name = "other".into();
        let expected = "\
<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<testsuites name=\"composelint\" tests=\"2\" failures=\"1\" errors=\"0\">
  <testsuite name=\"demo\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\">
    <testcase name=\"OLL001 compose.yaml:3:12\" classname=\"compose.yaml\">
      <failure message=\"bad &lt;x&gt; &amp; &quot;y&quot;\" type=\"warning\">compose.yaml:3:12: OLL001 bad &lt;x&gt; &amp; \"y\"
help: fix it</failure>
    </testcase>
  </testsuite>
  <testsuite name=\"other\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">
    <testcase name=\"composelint\" classname=\"other\"/>
  </testsuite>
</testsuites>
";
        assert_eq!(render(&[p, clean], &options()), expected);
    }
}
