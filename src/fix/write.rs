//! Writing a fixed file without damaging it or what is attached to it.
//!
//! The new bytes normally go to a temporary file in the same directory, which is given the
//! original's mode and owner and then renamed over it, so that the file is never seen
//! half-written. Where a rename would lose something the file has, the bytes are written into
//! the file itself instead: a file with several hard links (a rename would split them), or
//! one whose owner the temporary file cannot be given (a user fixing a group-writable file
//! someone else owns), or in a directory where no temporary file can be made.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Replaces the contents of the file at `path` with `fixed`, provided it still holds
/// `original`.
///
/// A symlink is followed: the file it points to is written and the link stays a link. The
/// file keeps its mode, owner, group and hard links. It is refused, and left untouched, when
/// it is read-only, when the user may not write it (whoever owns the directory), when it
/// vanished or is not a regular file, and when it changed since it was read.
///
/// A concurrent edit is detected up to the last moment: the file's identity, size and
/// modification time and its bytes are checked again right before the rename (or, written in
/// place, read through the handle that then writes). What remains is the window between that
/// check and the rename, a few system calls long, in which another writer's change would be
/// replaced.
pub fn replace_file(path: &Path, original: &[u8], fixed: &[u8]) -> io::Result<()> {
    let target = resolve_links(path)?;
    let before = std::fs::metadata(&target)?;
    if !before.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    if before.permissions().readonly() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    // Opening for writing (no truncation, no creation) changes nothing, and asks the kernel
    // the one question that matters: may this user write this file? Write access to the
    // directory alone would let a rename replace a file the user may not change.
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&target)
        .map_err(|e| match e.kind() {
            io::ErrorKind::PermissionDenied => io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "permission denied: you may not write this file (owner uid {}, mode {:o})",
                    before.uid(),
                    before.mode() & 0o7777
                ),
            ),
            _ => e,
        })?;
    if read_all(&mut file)? != original {
        return Err(changed());
    }
    if before.nlink() > 1 {
        // A rename would give this name a new file and leave the other names the old one.
        return write_in_place(&mut file, fixed);
    }
    match replace_by_rename(&target, &before, original, fixed) {
        Ok(()) => Ok(()),
        Err(Fallback::InPlace) => write_in_place(&mut file, fixed),
        Err(Fallback::Error(e)) => Err(e),
    }
}

/// Why a rename was not done.
enum Fallback {
    /// The temporary file could not be made to look like the original (its owner), or not
    /// made at all: write in place instead.
    InPlace,
    Error(io::Error),
}

impl From<io::Error> for Fallback {
    fn from(e: io::Error) -> Self {
        Fallback::Error(e)
    }
}

fn replace_by_rename(
    target: &Path,
    before: &Metadata,
    original: &[u8],
    fixed: &[u8],
) -> Result<(), Fallback> {
    let directory = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temporary = match tempfile::Builder::new()
        .prefix(".composelint-")
        .suffix(".tmp")
        .tempfile_in(directory)
    {
        Ok(temporary) => temporary,
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => return Err(Fallback::InPlace),
        Err(e) => return Err(e.into()),
    };
    let made = temporary.as_file().metadata()?;
    if (made.uid(), made.gid()) != (before.uid(), before.gid())
        && std::os::unix::fs::fchown(temporary.as_file(), Some(before.uid()), Some(before.gid()))
            .is_err()
    {
        // Only root may give a file away: a user may write a file they do not own (it is
        // group-writable) but not create one in that owner's name.
        return Err(Fallback::InPlace);
    }
    temporary.write_all(fixed)?;
    // After chown, which clears set-user-ID and set-group-ID bits.
    std::fs::set_permissions(temporary.path(), before.permissions())?;
    temporary.as_file().sync_all()?;
    // The last look before the rename: the same file, unchanged.
    let now = std::fs::metadata(target)?;
    if !same_version(before, &now) || std::fs::read(target)? != original {
        return Err(changed().into());
    }
    temporary.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Overwrites the open file with `fixed`. Not atomic: a crash in the middle leaves it
/// half-written, which is why this is only done when a rename would lose something.
fn write_in_place(file: &mut File, fixed: &[u8]) -> io::Result<()> {
    file.rewind()?;
    file.write_all(fixed)?;
    file.set_len(fixed.len() as u64)?;
    file.sync_all()
}

fn read_all(file: &mut File) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Whether two looks at a path saw the same file, unmodified in between as far as its
/// metadata tells.
fn same_version(a: &Metadata, b: &Metadata) -> bool {
    (a.dev(), a.ino(), a.len(), a.mtime(), a.mtime_nsec())
        == (b.dev(), b.ino(), b.len(), b.mtime(), b.mtime_nsec())
}

fn changed() -> io::Error {
    io::Error::other("the file changed on disk while composelint was fixing it")
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
