//! Paths as Compose reads and resolves them: lexically, without touching the file system (a linked
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

/// Whether a volume's source is a path on the host (relative, absolute, under `~`, a UNC
/// path or a Windows drive) rather than the name of a volume.
pub(crate) fn is_file_path(source: &str) -> bool {
    let mut chars = source.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if matches!(first, '.' | '/' | '~') || source.starts_with("\\\\") {
        return true;
    }
    first.is_alphabetic() && chars.next() == Some(':')
}

/// Go's `path.Clean`.
pub(crate) fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in p.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
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

    #[test]
    fn clean_paths() {
        assert_eq!(clean_path("/proj/./b/"), "/proj/b");
        assert_eq!(clean_path("/proj/../x"), "/x");
        assert_eq!(clean_path("a/../../b"), "../b");
    }
}
