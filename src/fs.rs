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
    /// At most the first `limit` bytes of a regular file: enough to tell a script by its
    /// shebang without reading what may be a large binary.
    fn read_head(&self, path: &Path, limit: usize) -> io::Result<Vec<u8>> {
        let mut bytes = self.read(path)?;
        bytes.truncate(limit);
        Ok(bytes)
    }
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
        let (mut file, meta) = open_regular(path)?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // Through `Take`: `File`'s own `read_to_end` asks the size again (`fstat`, `lseek`),
        // which `meta` already told.
        Read::take(&mut file, u64::MAX).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn read_head(&self, path: &Path, limit: usize) -> io::Result<Vec<u8>> {
        let (mut file, _) = open_regular(path)?;
        let mut bytes = Vec::with_capacity(limit);
        Read::take(&mut file, limit as u64).read_to_end(&mut bytes)?;
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

/// The devices of the file systems mounted at or below `/proc`, `/sys` and `/dev` (procfs,
/// sysfs, devtmpfs, and debugfs, cgroupfs and the like below them), from the mount table
/// (`/proc/self/mountinfo`, field 3 is the `major:minor` a file's `st_dev` holds), else of the
/// three directories themselves.
/// The device of `/`, when none of `/proc`, `/sys` and `/dev` is on it.
#[cfg(unix)]
fn root_device() -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata("/").ok()?.dev();
    let shared = ["/proc", "/sys", "/dev"]
        .iter()
        .any(|d| std::fs::metadata(d).is_ok_and(|m| m.dev() == root));
    (!shared).then_some(root)
}

#[cfg(unix)]
fn view_devices() -> Vec<u64> {
    use std::os::unix::fs::MetadataExt;
    let mut out: Vec<u64> = ["/proc", "/sys", "/dev"]
        .iter()
        .filter_map(|d| std::fs::metadata(d).ok().map(|m| m.dev()))
        .collect();
    let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    for line in table.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let (Some(device), Some(point)) = (fields.get(2), fields.get(4)) else {
            continue;
        };
        let under_view = ["/proc", "/sys", "/dev"]
            .iter()
            .any(|v| Path::new(point).starts_with(v));
        if let (true, Some((major, minor))) = (under_view, device.split_once(':'))
            && let (Ok(major), Ok(minor)) = (major.parse::<u64>(), minor.parse::<u64>())
        {
            // glibc's `makedev`: the low 8 bits of the minor, the 12 low bits of the major,
            // then the rest of each.
            out.push(
                (minor & 0xff)
                    | ((major & 0xfff) << 8)
                    | ((minor & !0xff) << 12)
                    | ((major & !0xfff) << 32),
            );
        }
    }
    out
}

/// The regular file at `path`, opened, with what it is. A directory, a device, a FIFO or a
/// file of the kernel's views (`/proc`, `/sys`, `/dev`) is refused.
///
/// What the path is is asked before opening it: opening a device may act (a watchdog, a
/// tape), and opening a FIFO would wait for a writer. A file of a kernel view is one on the
/// device of a file system mounted there ([`view_devices`]), which the same answer tells, so
/// each of the thousands of documents a search reads costs one `stat`, one `open` and its
/// reads; the open does not wait (`O_NONBLOCK`), should a FIFO take the file's place in
/// between.
#[cfg(unix)]
fn open_regular(path: &Path) -> io::Result<(std::fs::File, std::fs::Metadata)> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    static VIEWS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let meta = std::fs::metadata(path)
        .map_err(|_| io::Error::new(io::ErrorKind::NotFound, "no such file"))?;
    if meta.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    static ROOT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    // A file on the root file system is no kernel view, unless a view shares its device
    // (then the mount table decides): most runs never read the table.
    let ordinary = *ROOT.get_or_init(root_device) == Some(meta.dev());
    if !meta.is_file() || (!ordinary && VIEWS.get_or_init(view_devices).contains(&meta.dev())) {
        return Err(io::Error::other("not a regular file"));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    Ok((file, meta))
}

#[cfg(not(unix))]
fn open_regular(path: &Path) -> io::Result<(std::fs::File, std::fs::Metadata)> {
    let meta = std::fs::metadata(path)
        .map_err(|_| io::Error::new(io::ErrorKind::NotFound, "no such file"))?;
    if meta.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    if !meta.is_file() || is_system_view(path) {
        return Err(io::Error::other("not a regular file"));
    }
    Ok((std::fs::File::open(path)?, meta))
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

/// A file system that serves some files from memory over another: an editor's open buffers,
/// or standard input at the path it stands for. A file in memory need not exist underneath,
/// nor its directory (an unsaved buffer). Paths must be absolute and normalized, as the
/// loader's are.
pub struct OverlayFs<'a> {
    inner: &'a dyn FileSystem,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl<'a> OverlayFs<'a> {
    pub fn new(inner: &'a dyn FileSystem) -> Self {
        OverlayFs {
            inner,
            files: BTreeMap::new(),
        }
    }

    /// Serves `contents` at `path`, over what is there.
    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }

    /// What is served from memory at `path`.
    pub fn get(&self, path: &Path) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Serves `path` from underneath again; what was in memory there.
    pub fn remove(&mut self, path: &Path) -> Option<Vec<u8>> {
        self.files.remove(path)
    }

    /// The files served from memory.
    pub fn into_files(self) -> BTreeMap<PathBuf, Vec<u8>> {
        self.files
    }

    /// Whether something in memory lies below `dir`.
    fn holds_below(&self, dir: &Path) -> bool {
        self.files.keys().any(|p| p != dir && p.starts_with(dir))
    }
}

impl FileSystem for OverlayFs<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(bytes) => Ok(bytes.clone()),
            None => self.inner.read(path),
        }
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        if self.files.contains_key(path) {
            return Some(EntryKind::File);
        }
        match self.inner.kind(path) {
            None if self.holds_below(path) => Some(EntryKind::Dir),
            kind => kind,
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let mut entries = match self.inner.read_dir(path) {
            Ok(entries) => entries,
            Err(_) if self.holds_below(path) => Vec::new(),
            Err(e) => return Err(e),
        };
        // The files in memory, and the directories on the way to them that may exist only
        // here.
        for file in self.files.keys() {
            if let Ok(rest) = file.strip_prefix(path)
                && let Some(first) = rest.components().next()
            {
                let entry = path.join(first);
                if !entries.contains(&entry) {
                    entries.push(entry);
                }
            }
        }
        entries.sort();
        Ok(entries)
    }

    fn is_symlink(&self, path: &Path) -> bool {
        !self.files.contains_key(path) && self.inner.is_symlink(path)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_views_and_what_is_mounted_below_them_are_refused() {
        let views = view_devices();
        for path in [
            "/proc/self/status",
            "/sys/kernel/mm/transparent_hugepage/enabled",
        ] {
            if Path::new(path).exists() {
                assert!(OsFs.read(Path::new(path)).is_err(), "{path}");
            }
        }
        // Every file system mounted below the views is one of them.
        let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        for point in table.lines().filter_map(|l| l.split(' ').nth(4)) {
            if ["/proc", "/sys", "/dev"]
                .iter()
                .any(|v| Path::new(point).starts_with(v))
                && let Ok(meta) = std::fs::metadata(point)
            {
                use std::os::unix::fs::MetadataExt;
                assert!(views.contains(&meta.dev()), "{point}");
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "docker run x\n").unwrap();
        assert_eq!(OsFs.read(&file).unwrap(), b"docker run x\n");
        assert!(OsFs.read(dir.path()).is_err());
        assert!(OsFs.read(&dir.path().join("missing")).is_err());
    }
}
