//! Expected output kept in a file next to its case, compared byte for byte, and rewritten
//! ("blessed") from what the program prints when `UPDATE_EXPECT=1` is set. A blessed file is
//! reviewed like code: the diff is what changed in the output.

use std::path::Path;

/// The variable that makes [`check`] write the files instead of comparing them.
pub const BLESS_VARIABLE: &str = "UPDATE_EXPECT";

/// Whether this run writes the expected files. Never under CI: CI must compare.
pub fn blessing() -> bool {
    let bless = std::env::var_os(BLESS_VARIABLE).is_some_and(|v| !v.is_empty() && v != "0");
    assert!(
        !(bless && std::env::var_os("CI").is_some_and(|v| v == "true")),
        "{BLESS_VARIABLE} is set under CI, where expected output is compared, never written"
    );
    bless
}

/// Compares `actual` with the file at `path`, or writes it there when blessing. The error
/// holds a line diff and the command that blesses.
pub fn check(path: &Path, actual: &str, bless: bool) -> Result<(), String> {
    let shown = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display();
    let expected = std::fs::read_to_string(path).ok();
    if expected.as_deref() == Some(actual) {
        return Ok(());
    }
    if bless {
        return std::fs::write(path, actual).map_err(|e| format!("{shown}: {e}"));
    }
    let how = format!("bless with `{BLESS_VARIABLE}=1 cargo test --test fixtures`, then review");
    let Some(expected) = expected else {
        return Err(format!("{shown} is missing; {how}"));
    };
    let diff = similar::TextDiff::from_lines(&expected, actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string();
    Err(format!("{shown} differs ({how}):\n{diff}"))
}
