//! `--fix`, `--fix-only` and `--diff`: runs the library's fixer, then writes the changed
//! files in place or prints them as a patch that `git apply` and `patch -p1` take.

use std::path::Path;

use composelint::fix::write::replace_file;
use composelint::fix::{FixOptions, FixRun};
use composelint::fs::OsFs;
use composelint::{LintedProject, Settings};

use crate::cli::FixArgs;

/// What the fixing part of a run leaves for the report.
pub struct Fixed {
    /// The projects as they are on disk now (or would be, for `--diff`).
    pub projects: Vec<LintedProject>,
    /// Lines for standard error: what was fixed, and what went wrong.
    pub messages: Vec<String>,
    /// The patch, for `--diff`.
    pub diff: Option<String>,
    /// Some file could not be written.
    pub write_failed: bool,
}

pub fn run(args: &FixArgs, settings: &Settings, cwd: &Path) -> Result<Fixed, String> {
    let options = FixOptions {
        unsafe_fixes: args.unsafe_fixes,
    };
    let run = composelint::fix::fix(&OsFs, settings, &options).map_err(|e| e.to_string())?;
    let mut messages = problems(&run, cwd);
    if args.diff {
        let diff = run
            .changes
            .iter()
            .map(|c| unified_diff(&c.path, &c.original, &c.fixed, cwd))
            .collect::<String>();
        return Ok(Fixed {
            projects: run.projects,
            messages,
            diff: Some(diff),
            write_failed: false,
        });
    }
    let mut write_failed = false;
    let mut written = 0;
    for change in &run.changes {
        match replace_file(&change.path, &change.original, &change.fixed) {
            Ok(()) => written += 1,
            Err(e) => {
                write_failed = true;
                messages.push(format!(
                    "error: cannot write {}: {e}; it is left as it was",
                    display(&change.path, cwd)
                ));
            }
        }
    }
    let fixed = run.applied.len();
    if fixed > 0 {
        messages.insert(
            0,
            format!(
                "Fixed {fixed} problem{} in {written} file{}.",
                plural(fixed),
                plural(written)
            ),
        );
    }
    // What is on disk is what the report must describe; after a failed write that is not
    // what the fixer computed.
    let projects = if write_failed {
        composelint::lint(&OsFs, settings).map_err(|e| e.to_string())?
    } else {
        run.projects
    };
    Ok(Fixed {
        projects,
        messages,
        diff: None,
        write_failed,
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn display(path: &Path, cwd: &Path) -> String {
    composelint::output::display_path(path, cwd)
}

/// Fixes that were dropped, and fixing that did not settle. A fix that broke a file or left
/// its finding is a bug of ours, said as such; one dropped because it would change more than
/// its finding says what it would have changed.
fn problems(run: &FixRun, cwd: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for f in &run.failures {
        let path = display(&f.path, cwd);
        out.push(if f.internal {
            format!(
                "internal error: the {} fix was not applied to {path}: {}. This is a bug in composelint; please report it.",
                f.code, f.reason
            )
        } else {
            format!(
                "warning: the {} fix was not applied to {path}: {}; fix it by hand.",
                f.code, f.reason
            )
        });
    }
    if !run.unconverged.is_empty() {
        out.push(format!(
            "internal error: fixing did not converge after {} rounds; fixes of {} kept changing the files. This is a bug in composelint; please report it.",
            composelint::fix::MAX_ROUNDS,
            run.unconverged.join(", ")
        ));
    }
    out
}

/// `path` relative to `cwd`, going up with `..` when it is not below it (both absolute).
fn relative(path: &Path, cwd: &Path) -> String {
    let path_parts: Vec<_> = path.components().collect();
    let cwd_parts: Vec<_> = cwd.components().collect();
    let common = path_parts
        .iter()
        .zip(&cwd_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); cwd_parts.len() - common];
    parts.extend(
        path_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A unified diff with `a/` and `b/` paths relative to the working directory.
fn unified_diff(path: &Path, original: &[u8], fixed: &[u8], cwd: &Path) -> String {
    let name = relative(path, cwd);
    let old = String::from_utf8_lossy(original);
    let new = String::from_utf8_lossy(fixed);
    let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&hunk.to_string());
    }
    out
}
