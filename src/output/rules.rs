//! `composelint rules`: every rule's code, name, default severity, fixes and what it finds,
//! as a table for the terminal or as JSON.

use serde_json::json;

use super::json_text;
use crate::rules::Rule;

/// The table, one rule a line, the columns padded to their widest cell; the last column
/// ("what it finds", the first paragraph of the rule's documentation, as the README's table
/// shows it) is not padded.
pub fn table(rules: &[&Rule]) -> String {
    let header = ["code", "name", "severity", "fix", "what it finds"];
    let rows: Vec<[String; 5]> = rules
        .iter()
        .map(|r| {
            [
                r.code.to_string(),
                r.name.to_string(),
                r.severity.as_str().to_string(),
                r.fix.as_str().to_string(),
                r.summary(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header = header.map(String::from);
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(&format!("{cell:<width$}  "));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A JSON array, one object a rule: `code`, `name`, `severity`, `fix` (none, safe, unsafe,
/// or "safe or unsafe"), `summary` (what it finds) and `url` (its documentation page).
pub fn json(rules: &[&Rule]) -> String {
    let items: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            json!({
                "code": r.code,
                "name": r.name,
                "severity": r.severity.as_str(),
                "fix": r.fix.as_str(),
                "summary": r.summary(),
                "url": r.url(),
            })
        })
        .collect();
    json_text(&serde_json::Value::Array(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RULES;

    #[test]
    fn the_table_has_a_line_per_rule_with_what_it_finds_last() {
        let text = table(RULES);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), RULES.len() + 1);
        assert!(lines[0].starts_with("code    name "), "{}", lines[0]);
        assert!(
            lines[0].ends_with("  fix             what it finds"),
            "{}",
            lines[0]
        );
        let start = lines[0].find("what it finds").unwrap();
        for (line, rule) in lines[1..].iter().zip(RULES) {
            assert!(line.starts_with(rule.code), "{line}");
            // Columns are counted in characters (summaries hold `…`, `→`).
            let summary: String = line.chars().skip(start).collect();
            assert_eq!(summary, rule.summary(), "{line}");
        }
    }

    #[test]
    fn the_json_lists_every_rule() {
        let value: serde_json::Value = serde_json::from_str(&json(RULES)).unwrap();
        let items = value.as_array().unwrap();
        assert_eq!(items.len(), RULES.len());
        let first = &items[0];
        assert_eq!(first["code"], RULES[0].code);
        assert_eq!(first["summary"], RULES[0].summary());
        assert_eq!(first["url"], RULES[0].url());
    }
}
