//! Paths as Compose resolves them: lexically, without touching the file system (a linked
//! directory stays where the user named it).

use std::path::{Component, Path, PathBuf};

/// `a/./b/../c` as `a/c`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` resolved against `directory` when relative.
pub fn resolve(directory: &Path, path: impl AsRef<Path>) -> PathBuf {
    let path = path.as_ref();
    if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&directory.join(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_directory() {
        assert_eq!(
            resolve(Path::new("/p"), "./a/../b.env"),
            PathBuf::from("/p/b.env")
        );
        assert_eq!(
            resolve(Path::new("/p"), "/etc/./x"),
            PathBuf::from("/etc/x")
        );
        assert_eq!(resolve(Path::new("/p/q"), "../../.."), PathBuf::from("/.."));
    }
}
