//! Choosing which fixes to take in one round and applying their edits to a file's text.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::diagnostic::Edit;

/// An edit located by path rather than by a project's file id, so fixes from different
/// projects that read the same file can be compared.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PathEdit {
    pub path: PathBuf,
    pub start: usize,
    pub end: usize,
    pub content: String,
}

/// Two edits touch: their ranges share a byte, or they start at the same place (two
/// insertions at one point have no defined order, and an insertion at the start of a
/// replaced range could land on either side of it).
fn overlaps(a: &PathEdit, b: &PathEdit) -> bool {
    a.path == b.path && (a.start == b.start || (a.start < b.end && b.start < a.end))
}

/// The edits taken so far in a round, per file.
#[derive(Debug, Default)]
pub struct Taken {
    by_file: BTreeMap<PathBuf, Vec<PathEdit>>,
}

/// What taking a fix did.
#[derive(Debug, PartialEq, Eq)]
pub enum Take {
    /// Its edits were new and touch nothing taken: they are now taken.
    Taken,
    /// Every edit was already taken by an earlier fix (one value fixing two references).
    AlreadyTaken,
    /// An edit touches a different taken edit: left for a later round.
    Conflicts,
}

impl Taken {
    pub fn take(&mut self, edits: &[PathEdit]) -> Take {
        let mut new = Vec::new();
        for e in edits {
            let taken = self.by_file.get(&e.path).map(Vec::as_slice).unwrap_or(&[]);
            if taken.contains(e) || new.contains(e) {
                continue;
            }
            if taken.iter().chain(&new).any(|t| overlaps(t, e)) {
                return Take::Conflicts;
            }
            new.push(e.clone());
        }
        if new.is_empty() {
            return Take::AlreadyTaken;
        }
        for e in new {
            self.by_file.entry(e.path.clone()).or_default().push(e);
        }
        Take::Taken
    }

    pub fn into_files(self) -> BTreeMap<PathBuf, Vec<PathEdit>> {
        self.by_file
    }
}

/// An edit that cannot be applied to the text it was computed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError {
    pub start: usize,
    pub end: usize,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the edit of bytes {}..{} is outside the file or splits a character",
            self.start, self.end
        )
    }
}

/// Applies non-overlapping edits to `text`, in any order.
pub fn apply(text: &str, edits: &[PathEdit]) -> Result<String, EditError> {
    let mut sorted: Vec<&PathEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        let error = || EditError {
            start: e.start,
            end: e.end,
        };
        if e.start < at || e.end < e.start {
            return Err(error());
        }
        out.push_str(text.get(at..e.start).ok_or_else(error)?);
        text.get(e.start..e.end).ok_or_else(error)?;
        out.push_str(&e.content);
        at = e.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Ok(out)
}

/// `edit` located at `path`.
pub fn at_path(path: PathBuf, edit: &Edit) -> PathEdit {
    PathEdit {
        path,
        start: edit.span.start,
        end: edit.span.end,
        content: edit.content.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(path: &str, start: usize, end: usize, content: &str) -> PathEdit {
        PathEdit {
            path: PathBuf::from(path),
            start,
            end,
            content: content.into(),
        }
    }

    #[test]
    fn applies_edits_given_in_any_order() {
        let text = "url: http://localhost:11434/api";
        let edits = [
            edit("a", 27, 31, ""),
            edit("a", 12, 21, "ollama"),
            edit("a", 5, 5, "\""),
        ];
        assert_eq!(apply(text, &edits).unwrap(), "url: \"http://ollama:11434");
    }

    #[test]
    fn refuses_edits_outside_the_text_or_inside_a_character() {
        assert!(apply("abc", &[edit("a", 2, 9, "x")]).is_err());
        assert!(apply("é", &[edit("a", 1, 2, "e")]).is_err());
        assert!(apply("abc", &[edit("a", 0, 2, "x"), edit("a", 1, 3, "y")]).is_err());
        assert_eq!(apply("abc", &[edit("a", 3, 3, "d")]).unwrap(), "abcd");
    }

    #[test]
    fn a_fix_touching_a_taken_edit_waits() {
        let mut taken = Taken::default();
        assert_eq!(taken.take(&[edit("a", 10, 20, "x")]), Take::Taken);
        // The same edit from another reference to the same value.
        assert_eq!(taken.take(&[edit("a", 10, 20, "x")]), Take::AlreadyTaken);
        // A different edit of the same bytes, or one sharing a byte.
        assert_eq!(taken.take(&[edit("a", 10, 20, "y")]), Take::Conflicts);
        assert_eq!(taken.take(&[edit("a", 19, 25, "z")]), Take::Conflicts);
        // An insertion where a taken replacement starts, and where one ends.
        assert_eq!(taken.take(&[edit("a", 10, 10, "w")]), Take::Conflicts);
        assert_eq!(taken.take(&[edit("a", 20, 20, "w")]), Take::Taken);
        // The same place in another file.
        assert_eq!(taken.take(&[edit("b", 10, 20, "y")]), Take::Taken);
        // A fix is taken whole or not at all.
        assert_eq!(
            taken.take(&[edit("c", 0, 1, "q"), edit("a", 15, 16, "q")]),
            Take::Conflicts
        );
        let files = taken.into_files();
        assert!(!files.contains_key(&PathBuf::from("c")));
        assert_eq!(files[&PathBuf::from("a")].len(), 2);
    }
}
