//! Writing a fixed file without ever leaving it half-written: the new bytes go to a
//! temporary file in the same directory, which is renamed over the original.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces the file at `path` with `fixed`, provided it still holds `original`.
///
/// A symlink is followed: the file it points to is replaced and the link stays a link. The
/// file keeps its permissions. A read-only file, a file that vanished or changed since it was
/// read, or a directory that refuses the temporary file is an error, and the file is
/// untouched.
pub fn replace_file(path: &Path, original: &[u8], fixed: &[u8]) -> io::Result<()> {
    let target = resolve_links(path)?;
    let metadata = std::fs::metadata(&target)?;
    if !metadata.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    if metadata.permissions().readonly() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    if std::fs::read(&target)? != original {
        return Err(io::Error::other(
            "the file changed on disk while composelint was fixing it",
        ));
    }
    let directory = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".composelint-")
        .suffix(".tmp")
        .tempfile_in(directory)?;
    temporary.write_all(fixed)?;
    temporary.as_file().sync_all()?;
    std::fs::set_permissions(temporary.path(), metadata.permissions())?;
    temporary.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// The file a chain of symlinks ends at (relative links resolve against their own
/// directory). Unlike `canonicalize`, the other components stay as written.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    // More hops than any sane setup has; a loop is an error rather than a hang.
    for _ in 0..40 {
        if !std::fs::symlink_metadata(&current)?
            .file_type()
            .is_symlink()
        {
            return Ok(current);
        }
        let link = std::fs::read_link(&current)?;
        current = match current.parent() {
            Some(dir) if link.is_relative() => dir.join(link),
            _ => link,
        };
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_bytes_and_keeps_the_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, "a: 1\r\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace_file(&path, b"a: 1\r\n", b"a: 2\r\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"a: 2\r\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn follows_a_symlink_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        let real = dir.path().join("real/compose.yaml");
        std::fs::write(&real, "a: 1\n").unwrap();
        let link = dir.path().join("compose.yaml");
        std::os::unix::fs::symlink("real/compose.yaml", &link).unwrap();
        replace_file(&link, b"a: 1\n", b"a: 2\n").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"a: 2\n");
    }

    #[test]
    fn refuses_a_file_that_changed_vanished_or_is_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compose.yaml");
        std::fs::write(&path, "a: 3\n").unwrap();
        assert!(replace_file(&path, b"a: 1\n", b"a: 2\n").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"a: 3\n");

        let gone = dir.path().join("gone.yaml");
        assert!(replace_file(&gone, b"", b"a: 2\n").is_err());
        assert!(!gone.exists());

        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&path, permissions).unwrap();
        let error = replace_file(&path, b"a: 3\n", b"a: 2\n").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(std::fs::read(&path).unwrap(), b"a: 3\n");
    }
}
