//! Renders the rules' documentation — a rule's page, the README's rule table and the
//! `composelint rules` listing — from the one source, each rule's doc comment.

use super::{RULES, Rule};

/// The page of one rule, as `composelint rule CODE` prints it and `docs/rules/CODE.md` holds
/// it: title, summary, default severity and fixes, then the sections of the doc comment.
pub fn page(rule: &Rule) -> String {
    let mut out = format!("# {}: {}\n\n", rule.code, rule.name);
    let summary = rule.summary();
    if !summary.is_empty() {
        out.push_str(&summary);
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "Default severity: **{}**. Fix: **{}**.\n\n",
        rule.severity.as_str(),
        rule.fix.as_str()
    ));
    out.push_str(&sections(rule));
    out
}

/// The page as the file `docs/rules/CODE.md`: the page, marked as generated.
pub fn page_file(rule: &Rule) -> String {
    let mut page = page(rule);
    // The graphs are for a Markdown reader; `composelint rule` prints the page without them.
    if let Some(wiring) = crate::graph::pictures::before_after(rule) {
        page.push('\n');
        page.push_str(&wiring);
    }
    format!(
        "<!-- Generated from {} by `UPDATE_DOCS=1 cargo test --test rule_docs`; edit the rule's doc comment, not this file. -->\n\n{}",
        rule.source, page
    )
}

/// The doc comment from its first heading on, without the space that follows `///`.
fn sections(rule: &Rule) -> String {
    let mut out = String::new();
    let mut started = false;
    for line in rule.docs.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        started = started || line.starts_with('#');
        if started {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// The Markdown table of every rule, as the README holds it; codes link to the pages under
/// `docs_dir` (relative to the README).
pub fn markdown_table(docs_dir: &str) -> String {
    let mut out =
        String::from("| code | name | severity | fix | what it finds |\n|---|---|---|---|---|\n");
    for rule in RULES {
        out.push_str(&format!(
            "| [{code}]({docs_dir}/{code}.md) | {} | {} | {} | {} |\n",
            rule.name,
            rule.severity.as_str(),
            rule.fix.as_str(),
            rule.summary().replace('|', "\\|"),
            code = rule.code,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::find;

    #[test]
    fn a_page_has_title_summary_metadata_and_every_section() {
        let rule = find("OLL001").expect("OLL001");
        let page = page(rule);
        assert!(page.starts_with("# OLL001: loopback-in-container\n\n`localhost`"));
        assert!(page.contains(
            "Default severity: **error**. Fix: **safe or unsafe**.\n\n## What it does\n"
        ));
        for heading in [
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## Fix safety",
        ] {
            assert!(page.contains(&format!("\n{heading}\n")), "{heading}");
        }
        // Doc comments keep the space after `///`; the page must not.
        assert!(page.contains("\n```yaml\nservices:\n  ollama:\n"));
        assert!(page.ends_with("with Ollama on the host. Apps known to\nrewrite a loopback host themselves (bolt.diy with `RUNNING_IN_DOCKER=true`, mem0\nOpenMemory) are judged by the host they rewrite it to.\n"));
        assert!(page_file(rule).contains("src/rules/oll001_loopback_in_container.rs"));
    }

    #[test]
    fn the_markdown_table_has_one_row_per_rule() {
        let md = markdown_table("docs/rules");
        assert_eq!(md.lines().count(), RULES.len() + 2);
        assert!(md.contains(
            "| [OLL013](docs/rules/OLL013.md) | models-not-persisted | warning | unsafe | An Ollama without a volume at its models directory. |\n"
        ));
    }
}
