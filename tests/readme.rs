//! The README's opening example is what composelint prints on the demo project today.

use std::path::Path;
use std::process::Command;

const PROMPT: &str = "$ composelint fixtures/demo\n";

#[test]
fn the_readme_demo_output_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme.find(PROMPT).expect("the README shows the demo run") + PROMPT.len();
    let shown = &readme[start..];
    let shown = &shown[..shown.find("```").expect("the block ends")];
    let out = Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(["fixtures/demo", "--color", "never"])
        .current_dir(root)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let actual = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown == actual,
        "the README's demo output is stale; it is now:\n{actual}"
    );
}
