//! The documentation of a rule must be true: its *Example* fires the rule and its *Use
//! instead* does not. Checked for the rules listed in `CHECKED` (single-file examples).

use composelint::fs::OsFs;
use composelint::rules::RULES;
use composelint::{Settings, lint};

/// Rules whose examples are one compose file each.
const CHECKED: &[&str] = &[
    "CMP012", "OLL012", "OLL013", "OLL014", "OLL015", "OLL016", "OLL017",
];

/// The first ```yaml block after `heading`.
fn yaml_after(docs: &str, heading: &str) -> Option<String> {
    let rest = &docs[docs.find(heading)? + heading.len()..];
    let start = rest.find("```yaml")? + "```yaml".len();
    let body = &rest[start..];
    let end = body.find("```")?;
    Some(body[..end].trim_start_matches('\n').to_string())
}

fn codes_for(yaml: &str) -> Vec<&'static str> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("compose.yaml"), yaml).expect("written");
    let settings = Settings {
        paths: vec![dir.path().to_path_buf()],
        ..Settings::default()
    };
    lint(&OsFs, &settings)
        .expect("the example loads")
        .iter()
        .flat_map(|p| p.diagnostics.iter().map(|d| d.code))
        .collect()
}

#[test]
fn examples_fire_and_fixed_examples_do_not() {
    for code in CHECKED {
        let rule = RULES
            .iter()
            .find(|r| r.code == *code)
            .unwrap_or_else(|| panic!("{code} is registered"));
        let example = yaml_after(rule.docs, "## Example").expect("an Example block");
        let fixed = yaml_after(rule.docs, "## Use instead").expect("a Use instead block");
        let fired = codes_for(&example);
        assert!(
            fired.contains(code),
            "{code}: the Example does not fire it (found {fired:?}):\n{example}"
        );
        let after = codes_for(&fixed);
        assert!(
            after.is_empty(),
            "{code}: the Use instead example is not clean (found {after:?}):\n{fixed}"
        );
    }
}
