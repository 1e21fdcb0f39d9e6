//! The README's examples are what composelint prints today: the opening one on the demo
//! project, and the one on a script.

use std::path::Path;
use std::process::Command;

/// The path each example lints, as its prompt line shows it.
const EXAMPLES: [&str; 2] = [
    "fixtures/demo",
    "fixtures/OLL001/commands-localhost-in-env/start.sh",
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
        let out = Command::new(env!("CARGO_BIN_EXE_composelint"))
            .args([path, "--color", "never"])
            .current_dir(root)
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let actual = String::from_utf8(out.stdout).unwrap();
        assert!(
            shown == actual,
            "the README's output of `composelint {path}` is stale; it is now:\n{actual}"
        );
    }
}
