//! The file system as the loader sees it: injected, so the library does no I/O of its own
//! choosing and tests can load projects from memory.

use std::collections::BTreeMap;
use std::io::{self, Read};
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
    /// The entries of a directory, sorted by name, each with whether it is a directory and
    /// not a symbolic link: what a search descends into.
    fn read_dir_marked(&self, path: &Path) -> io::Result<Vec<(PathBuf, bool)>> {
        Ok(self
            .read_dir(path)?
            .into_iter()
            .map(|p| {
                let descend = self.kind(&p) == Some(EntryKind::Dir) && !self.is_symlink(&p);
                (p, descend)
            })
            .collect())
    }
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
        // What the path is, before opening it: opening a FIFO would wait for a writer.
        let meta = std::fs::metadata(path)
            .map_err(|_| io::Error::new(io::ErrorKind::NotFound, "no such file"))?;
        if meta.is_dir() {
            return Err(io::Error::other("is a directory"));
        }
        if !meta.is_file() {
            return Err(io::Error::other("not a regular file"));
        }
        let mut file = std::fs::File::open(path)?;
        if opened_system_view(&file, path) {
            return Err(io::Error::other("not a regular file"));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // Through `Take`: `File`'s own `read_to_end` asks the size again (`fstat`, `lseek`),
        // which `meta` already told.
        Read::take(&mut file, u64::MAX).read_to_end(&mut bytes)?;
        Ok(bytes)
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

    /// The kinds come with the entries (`d_type`): a search walks every entry of a docs tree
    /// without a call per entry.
    fn read_dir_marked(&self, path: &Path) -> io::Result<Vec<(PathBuf, bool)>> {
        let mut entries = std::fs::read_dir(path)?
            .filter_map(|e| {
                let e = e.ok()?;
                // A link's own type: linked directories are not descended into.
                let descend = e.file_type().is_ok_and(|t| t.is_dir());
                Some((e.path(), descend))
            })
            .collect::<Vec<_>>();
        entries.sort();
        Ok(entries)
    }
}

/// Whether a file that looks regular is a view into the running system, once links are
/// followed: under `/proc`, `/sys` or `/dev`. A `.env` linked to `/proc/self/environ` would
/// otherwise put the process environment into findings.
fn is_system_view(path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|real| in_system_view(&real))
}

fn in_system_view(real: &Path) -> bool {
    ["/proc", "/sys", "/dev"]
        .iter()
        .any(|d| real.starts_with(d))
}

/// [`is_system_view`] of a file opened from `path`. On Linux the kernel names the file the
/// descriptor holds (`/proc/self/fd/N`): one call, where resolving the path takes one per
/// component, for each of the thousands of documents a search reads; and what is checked is
/// what is read.
fn opened_system_view(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let link = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        if let Ok(real) = std::fs::read_link(link) {
            return in_system_view(&real);
        }
    }
    let _ = file;
    is_system_view(path)
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
