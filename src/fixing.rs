//! `--fix`, `--fix-only` and `--diff`: runs the library's fixer, then writes the changed
//! files in place or prints them as a patch that `git apply` and `patch -p1` take.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use composelint::Settings;
use composelint::fix::write::replace_file;
use composelint::fix::{AppliedFix, FileChange, FixOptions, FixRun};
use composelint::fs::FileSystem;

use crate::cli::FixArgs;

/// Runs the fixer: what every changed file would hold, and the projects linted over that.
/// Nothing is written.
pub fn compute(fs: &dyn FileSystem, args: &FixArgs, settings: &Settings) -> Result<FixRun, String> {
    let options = FixOptions {
        unsafe_fixes: args.unsafe_fixes,
    };
    composelint::fix::fix(fs, settings, &options).map_err(|e| e.to_string())
}

/// What writing the changed files did, in lines for standard error.
pub struct Written {
    /// What was fixed, as it now is on disk (empty when nothing was to be written).
    pub summary: Option<String>,
    /// One line for each file that could not be written.
    pub errors: Vec<String>,
    /// The files written.
    pub written: Vec<PathBuf>,
}

/// Writes every changed file of `run`. A file that cannot be written is left as it was and
/// the others are still written; the summary says which happened.
pub fn write(run: &FixRun, cwd: &Path) -> Written {
    let mut errors = Vec::new();
    let mut written_paths = Vec::new();
    let changes = distinct_files(&run.changes);
    for change in &changes {
        let result = if change.conflict {
            Err("two projects fix it differently".to_string())
        } else {
            replace_file(
                &change.change.path,
                &change.change.original,
                &change.change.fixed,
            )
            .map_err(|e| e.to_string())
        };
        match result {
            Ok(()) => written_paths.push(change.change.path.clone()),
            Err(e) => errors.push(format!(
                "error: cannot write {}: {e}; it is left as it was",
                display(&change.change.path, cwd)
            )),
        }
    }
    let written = written_paths.len();
    let fixed = run.applied.len();
    let total = changes.len();
    let summary = (total > 0).then(|| {
        if written == total {
            format!(
                "Fixed {fixed} problem{} in {written} file{}.",
                plural(fixed),
                plural(written)
            )
        } else if written == 0 {
            format!(
                "Fixed nothing: the {} changed file{} could not be written.",
                total,
                plural(total)
            )
        } else {
            format!(
                "Fixed problems in {written} of {total} files; the fixes in the other {} are not applied.",
                total - written
            )
        }
    });
    Written {
        summary,
        errors,
        written: written_paths,
    }
}

/// `--show-fixes`: what was fixed in each file, as ruff lists it — the file, then a line a
/// rule, `N × CODE (name)`; files by path, rules by code. A fix is listed under the first
/// file it edits, and only when `written` holds that file.
pub fn shown_fixes(applied: &[AppliedFix], written: &[PathBuf], cwd: &Path) -> Vec<String> {
    let mut by_file: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for fix in applied.iter().filter(|f| written.contains(&f.path)) {
        let file = composelint::output::visible(&display(&fix.path, cwd), false);
        *by_file
            .entry(file)
            .or_default()
            .entry(fix.code)
            .or_default() += 1;
    }
    let mut out = Vec::new();
    for (file, codes) in by_file {
        out.push(format!("- {file}:"));
        for (code, count) in codes {
            let name = composelint::rules::find(code).map_or("", |r| r.name);
            out.push(format!("    {count} × {code} ({name})"));
        }
    }
    out
}

/// A change to write, once per file on disk.
struct Distinct<'a> {
    change: &'a FileChange,
    /// Another change names the same file (through a symlink or another spelling of its
    /// path) with other contents.
    conflict: bool,
}

/// The changes, each file on disk once: the same file reached by two paths would be written
/// twice, the second time refused as "changed on disk" though nobody else touched it.
fn distinct_files(changes: &[FileChange]) -> Vec<Distinct<'_>> {
    let mut by_file: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut out: Vec<Distinct> = Vec::new();
    for change in changes {
        let real = std::fs::canonicalize(&change.path).unwrap_or_else(|_| change.path.clone());
        match by_file.get(&real) {
            Some(&i) => {
                if out[i].change.fixed != change.fixed {
                    out[i].conflict = true;
                }
            }
            None => {
                by_file.insert(real, out.len());
                out.push(Distinct {
                    change,
                    conflict: false,
                });
            }
        }
    }
    out
}

/// The patch `--diff` prints for `changes`: paths relative to the working directory, or,
/// when a file lies outside it, to the directory where the working directory and every
/// changed file meet (neither `git apply` nor `patch` takes a path that climbs with `..`).
pub fn diff(changes: &[FileChange], cwd: &Path) -> String {
    let base = patch_base(changes.iter().map(|c| c.path.as_path()), cwd);
    if base != cwd {
        eprintln!(
            "composelint: note: the patch changes files outside the working directory; its paths are relative to {}: apply it there",
            base.display()
        );
    }
    distinct_files(changes)
        .iter()
        .map(|c| unified_diff(&c.change.path, &c.change.original, &c.change.fixed, &base))
        .collect()
}

/// The deepest directory that holds `cwd` and every path.
fn patch_base<'a>(paths: impl Iterator<Item = &'a Path>, cwd: &Path) -> PathBuf {
    let mut base = cwd.to_path_buf();
    for path in paths {
        while !path.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    base
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
pub fn problems(run: &FixRun, cwd: &Path) -> Vec<String> {
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

/// `path` relative to `base`, which holds it, with `/` between the parts.
fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A unified diff with `a/` and `b/` paths relative to `base`.
fn unified_diff(path: &Path, original: &[u8], fixed: &[u8], base: &Path) -> String {
    let name = relative(path, base);
    let old = String::from_utf8_lossy(original);
    let new = String::from_utf8_lossy(fixed);
    let diff = similar::TextDiff::from_lines(old.as_ref(), new.as_ref());
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&hunk.to_string());
    }
    out
}
