//! The file system as the loader sees it: injected, so the library does no I/O of its own
//! choosing and tests can load projects from memory.

use std::collections::BTreeMap;
use std::ffi::OsString;
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
    /// The entries of a directory, sorted by name, each with what the listing says it is: a
    /// search descends into `Dir`s and looks into `File`s without a call per entry.
    fn read_dir_listed(&self, path: &Path) -> io::Result<Vec<(PathBuf, Listed)>> {
        Ok(self
            .read_dir(path)?
            .into_iter()
            .map(|p| {
                let listed = match self.kind(&p) {
                    _ if self.is_symlink(&p) => Listed::Other,
                    Some(EntryKind::Dir) => Listed::Dir,
                    Some(EntryKind::File) => Listed::File,
                    _ => Listed::Other,
                };
                (p, listed)
            })
            .collect())
    }
    /// Reads each of `names`, entries its listing of `dir` called `Listed::File`, and hands
    /// `each` the name's index and the bytes (or why they could not be read). For a search's
    /// pre-filter, which looks into thousands of documents and shows nothing of what it reads:
    /// what it keeps is read again by `read`, with every check.
    fn read_listed(
        &self,
        dir: &Path,
        names: &[OsString],
        each: &mut dyn FnMut(usize, io::Result<&[u8]>),
    ) {
        for (i, name) in names.iter().enumerate() {
            match self.read(&dir.join(name)) {
                Ok(bytes) => each(i, Ok(&bytes)),
                Err(e) => each(i, Err(e)),
            }
        }
    }
}

/// What a directory listing says an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listed {
    /// A directory, not a link to one: what a search descends into (a linked directory
    /// could loop).
    Dir,
    /// A regular file, not a link to one.
    File,
    /// A link, a FIFO, socket or device, or what the listing could not tell.
    Other,
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
    fn read_dir_listed(&self, path: &Path) -> io::Result<Vec<(PathBuf, Listed)>> {
        let mut entries = std::fs::read_dir(path)?
            .filter_map(|e| {
                let e = e.ok()?;
                // A link's own type: linked directories are not descended into.
                let listed = match e.file_type() {
                    Ok(t) if t.is_dir() => Listed::Dir,
                    Ok(t) if t.is_file() => Listed::File,
                    _ => Listed::Other,
                };
                Some((e.path(), listed))
            })
            .collect::<Vec<_>>();
        // One directory's entries differ only in their names: comparing those alone is the
        // same order as comparing whole paths, for less.
        entries.sort_by(|a, b| a.0.file_name().cmp(&b.0.file_name()));
        Ok(entries)
    }

    /// Each file is opened relative to the directory (one path lookup of one name), without
    /// asking first what it is (the listing said: a regular file, and `O_NOFOLLOW` holds it
    /// to that), and read with one call when it is smaller than the buffer: a regular file
    /// gives back less than was asked for only at its end. Three calls a document where
    /// `read` makes five, each looking up the whole path.
    #[cfg(unix)]
    fn read_listed(
        &self,
        dir: &Path,
        names: &[OsString],
        each: &mut dyn FnMut(usize, io::Result<&[u8]>),
    ) {
        use rustix::fs::{Mode, OFlags};
        let directory = match rustix::fs::open(
            dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            Err(e) => {
                for i in 0..names.len() {
                    each(i, Err(e.into()));
                }
                return;
            }
        };
        let mut buffer = vec![0u8; LISTED_READ_BUFFER];
        let mut larger = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let file = rustix::fs::openat(
                &directory,
                name.as_os_str(),
                // Non-blocking: a FIFO put in the file's place since the listing must not
                // hang the search.
                OFlags::RDONLY
                    | OFlags::NOFOLLOW
                    | OFlags::NONBLOCK
                    | OFlags::NOCTTY
                    | OFlags::CLOEXEC,
                Mode::empty(),
            );
            let file = match file {
                Ok(fd) => fd,
                Err(e) => {
                    each(i, Err(e.into()));
                    continue;
                }
            };
            let read = loop {
                match rustix::io::read(&file, &mut buffer[..]) {
                    Err(rustix::io::Errno::INTR) => continue,
                    read => break read,
                }
            };
            match read {
                Ok(n) if n < buffer.len() => each(i, Ok(&buffer[..n])),
                Ok(n) => {
                    larger.clear();
                    larger.extend_from_slice(&buffer[..n]);
                    match std::fs::File::from(file).read_to_end(&mut larger) {
                        Ok(_) => each(i, Ok(&larger)),
                        Err(e) => each(i, Err(e)),
                    }
                }
                Err(e) => each(i, Err(e.into())),
            }
        }
    }
}

/// The buffer a search's pre-filter reads documents into: larger than most documents, so
/// most take one read.
#[cfg(unix)]
const LISTED_READ_BUFFER: usize = 64 * 1024;

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

    #[test]
    fn listed_files_are_read_whole_and_links_fifos_and_missing_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let small = b"docker run x\n".to_vec();
        // Larger than the buffer: read on past it, to the end.
        let large: Vec<u8> = (0..LISTED_READ_BUFFER * 2 + 7)
            .map(|i| b'a' + (i % 26) as u8)
            .collect();
        std::fs::write(dir.path().join("small.md"), &small).unwrap();
        std::fs::write(dir.path().join("large.md"), &large).unwrap();
        std::fs::write(dir.path().join("empty.md"), b"").unwrap();
        std::os::unix::fs::symlink("small.md", dir.path().join("link.md")).unwrap();
        let fifo = dir.path().join("fifo.md");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let names: Vec<OsString> = [
            "small.md", "large.md", "empty.md", "link.md", "fifo.md", "gone.md",
        ]
        .map(OsString::from)
        .to_vec();
        let mut got: Vec<Option<Vec<u8>>> = vec![None; names.len()];
        OsFs.read_listed(dir.path(), &names, &mut |i, bytes| {
            // A FIFO opens (without blocking) and reads as empty, or is refused: either way
            // nothing waits for a writer.
            got[i] = bytes.ok().map(<[u8]>::to_vec);
        });
        assert_eq!(got[0].as_deref(), Some(&small[..]));
        assert_eq!(got[1].as_deref(), Some(&large[..]));
        assert_eq!(got[2].as_deref(), Some(&b""[..]));
        assert_eq!(got[3], None, "a link is not followed");
        assert!(got[4].as_deref().is_none_or(<[u8]>::is_empty));
        assert_eq!(got[5], None);
        // The listing says which entries may be read that way.
        let listed = OsFs.read_dir_listed(dir.path()).unwrap();
        let what = |name: &str| {
            listed
                .iter()
                .find(|(p, _)| p.file_name().unwrap() == name)
                .map(|(_, l)| *l)
        };
        assert_eq!(what("small.md"), Some(Listed::File));
        assert_eq!(what("link.md"), Some(Listed::Other));
        assert_eq!(what("fifo.md"), Some(Listed::Other));
        let names: Vec<_> = listed.iter().map(|(p, _)| p.clone()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
