//! The README's examples are what composelint prints today (the opening one on the demo
//! project, the one on another kind of server, and the one on a script), and what it says of
//! releases and licences holds.

use std::path::Path;

#[path = "support/terminal.rs"]
mod terminal;

/// The width of the terminal the README's examples are shown in.
const COLUMNS: usize = 100;

/// The path each example lints, as its prompt line shows it.
const EXAMPLES: [&str; 3] = [
    "fixtures/demo",
    "fixtures/OLL001/commands-localhost-in-env/start.sh",
    "fixtures/NET001/postgres-url-localhost/compose.yaml",
];

#[test]
fn the_readme_examples_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for path in EXAMPLES {
        let prompt = format!("$ composelint {path}\n");
        let start = readme.find(&prompt).expect("the README shows the run") + prompt.len();
        let shown = &readme[start..];
        let shown = &shown[..shown.find("```").expect("the block ends")];
        // As a reader would see it at a terminal: wrapped to its width.
        let (code, actual) = terminal::run_on_terminal(root, &[path, "--color", "never"], COLUMNS);
        assert_eq!(code, Some(1));
        assert!(
            shown == actual,
            "the README's output of `composelint {path}` is stale; it is now:\n{actual}"
        );
    }
}

/// The pre-commit snippet names a `rev` that exists (issue 19: it named `v0.1.0`, a tag that
/// was never made): the newest release the changelog lists, or `main` while there is none.
#[test]
fn the_pre_commit_rev_is_one_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let snippet = &readme[readme
        .find("# .pre-commit-config.yaml\n")
        .expect("the README shows the pre-commit configuration")..];
    let rev = snippet
        .lines()
        .find_map(|l| l.trim().strip_prefix("rev: "))
        .and_then(|r| r.split_whitespace().next())
        .expect("a rev");
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    // Released sections are `## [X.Y.Z] - date`, newest first; `## [Unreleased]` is not one.
    let newest = changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## ["))
        .filter_map(|l| l.split(']').next())
        .find(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()));
    match newest {
        Some(version) => assert_eq!(rev, format!("v{version}")),
        None => assert_eq!(rev, "main", "no release is tagged yet"),
    }
}

/// Every licence the manifest names has its text beside it, and the README names each.
#[test]
fn each_licence_of_the_manifest_has_its_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let expression = manifest
        .lines()
        .find_map(|l| l.strip_prefix("license = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("Cargo.toml names its licence");
    assert_eq!(expression, "MIT OR Apache-2.0");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for (file, first_words) in [
        ("LICENSE-MIT", "Copyright (c)"),
        ("LICENSE-APACHE", "Apache License"),
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(text.trim_start().starts_with(first_words), "{file}");
        assert!(
            readme.contains(&format!("]({file})")),
            "the README links {file}"
        );
    }
}
