//! The file system as the loader sees it: injected, so the library does no I/O of its own
//! choosing and tests can load projects from memory.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    /// A FIFO, socket or device: never read.
    Other,
}

pub trait FileSystem: Sync {
    /// The bytes of a regular file (following symlinks).
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// What is at `path` (following symlinks), or None when nothing is.
    fn kind(&self, path: &Path) -> Option<EntryKind>;
    /// The entries of a directory, sorted by name.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>>;
    /// Whether `path` itself is a symbolic link (discovery does not follow linked directories).
    fn is_symlink(&self, path: &Path) -> bool;
}

/// Whether `dir` is the root of a repository: it holds `.git` (a directory, or a file in a
/// worktree or submodule). Searches upward for configuration and for the projects a file
/// belongs to stop there.
pub fn is_repository_root(fs: &dyn FileSystem, dir: &Path) -> bool {
    fs.kind(&dir.join(".git")).is_some()
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsFs;

impl FileSystem for OsFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.kind(path) {
            Some(EntryKind::File) => std::fs::read(path),
            Some(EntryKind::Dir) => Err(io::Error::other("is a directory")),
            Some(EntryKind::Other) => Err(io::Error::other("not a regular file")),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "no such file")),
        }
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        let meta = std::fs::metadata(path).ok()?;
        Some(if meta.is_file() && !is_system_view(path) {
            EntryKind::File
        } else if meta.is_dir() {
            EntryKind::Dir
        } else {
            EntryKind::Other
        })
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let mut entries = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect::<Vec<_>>();
        entries.sort();
        Ok(entries)
    }

    fn is_symlink(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
    }
}

/// Whether a file that looks regular is a view into the running system, once links are
/// followed: under `/proc`, `/sys` or `/dev`. A `.env` linked to `/proc/self/environ` would
/// otherwise put the process environment into findings.
fn is_system_view(path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|real| {
        ["/proc", "/sys", "/dev"]
            .iter()
            .any(|d| real.starts_with(d))
    })
}

/// An in-memory file system for tests and for standard input.
#[derive(Debug, Default, Clone)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemFs {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        if self.files.contains_key(path) {
            Some(EntryKind::File)
        } else if self.files.keys().any(|p| p.starts_with(path)) {
            Some(EntryKind::Dir)
        } else {
            None
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| {
                let rest = p.strip_prefix(path).ok()?;
                let first = rest.components().next()?;
                Some(path.join(first))
            })
            .collect();
        out.dedup();
        if out.is_empty() && self.kind(path).is_none() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such directory"));
        }
        Ok(out)
    }

    fn is_symlink(&self, _path: &Path) -> bool {
        false
    }
}
