//! The documentation of a rule must be true: its *Example* fires the rule and its *Use
//! instead* does not, and holds no error of any rule (an example must not teach a mistake). Every rule's examples are run: a ```yaml block is the compose file, a
//! ```dotenv block the project's `.env` (with a one-service compose file when the example has
//! none).

use composelint::diagnostic::Severity;
use composelint::fs::OsFs;
use composelint::rules::RULES;
use composelint::{Settings, lint};

/// The first block of `language` in the section under `heading` (up to the next heading).
fn block_after(docs: &str, heading: &str, language: &str) -> Option<String> {
    let rest = &docs[docs.find(heading)? + heading.len()..];
    let section = &rest[..rest.find("\n ## ").unwrap_or(rest.len())];
    let fence = format!("```{language}");
    let start = section.find(&fence)? + fence.len();
    let body = &section[start..];
    let end = body.find("```")?;
    // Doc comments keep the space after `///`.
    let text: String = body[..end]
        .trim_start_matches('\n')
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    Some(text.trim_end().to_string() + "\n")
}

/// The project of an example: its compose file and `.env`.
fn example(docs: &str, heading: &str) -> Option<(String, Option<String>)> {
    let dotenv = block_after(docs, heading, "dotenv");
    let compose = block_after(docs, heading, "yaml").or_else(|| {
        dotenv
            .as_ref()
            .map(|_| "services:\n  app:\n    image: app\n".to_string())
    })?;
    Some((compose, dotenv))
}

fn codes_for((compose, dotenv): &(String, Option<String>)) -> Vec<(&'static str, Severity)> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("compose.yaml"), compose).expect("written");
    if let Some(env) = dotenv {
        std::fs::write(dir.path().join(".env"), env).expect("written");
    }
    let settings = Settings {
        paths: vec![dir.path().to_path_buf()],
        ..Settings::default()
    };
    lint(&OsFs, &settings)
        .expect("the example loads")
        .iter()
        .flat_map(|p| p.diagnostics.iter().map(|d| (d.code, d.severity)))
        .collect()
}

#[test]
fn examples_fire_and_fixed_examples_do_not() {
    let mut failures = Vec::new();
    for rule in RULES {
        let code = rule.code;
        let Some(bad) = example(rule.docs, "## Example") else {
            failures.push(format!("{code}: no Example block"));
            continue;
        };
        let Some(good) = example(rule.docs, "## Use instead") else {
            failures.push(format!("{code}: no Use instead block"));
            continue;
        };
        let fired = codes_for(&bad);
        if !fired.iter().any(|(c, _)| *c == code) {
            failures.push(format!(
                "{code}: the Example does not fire it (found {fired:?}):\n{}",
                bad.0
            ));
        }
        let after = codes_for(&good);
        if after
            .iter()
            .any(|(c, severity)| *c == code || *severity == Severity::Error)
        {
            failures.push(format!(
                "{code}: the Use instead example is not clean (found {after:?}):\n{}",
                good.0
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_readme_lists_every_rule_with_its_name_and_severity() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for rule in RULES {
        let row = format!(
            "| {} | {} | {} |",
            rule.code,
            rule.name,
            rule.severity.as_str()
        );
        assert!(readme.contains(&row), "README.md lacks the row `{row} …`");
    }
}
