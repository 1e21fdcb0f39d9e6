//! A file system that shows fixed texts over the real files, so each round of fixing loads
//! and lints the project as it would be on disk without writing anything.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::fs::{EntryKind, FileSystem};

pub struct Overlay<'a> {
    base: &'a dyn FileSystem,
    changed: BTreeMap<PathBuf, Vec<u8>>,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a dyn FileSystem) -> Self {
        Overlay {
            base,
            changed: BTreeMap::new(),
        }
    }

    pub fn set(&mut self, path: PathBuf, bytes: Vec<u8>) {
        self.changed.insert(path, bytes);
    }

    /// The text `path` has now, when it is only in the overlay.
    pub fn changed(&self, path: &Path) -> Option<&[u8]> {
        self.changed.get(path).map(Vec::as_slice)
    }

    pub fn restore(&mut self, path: &Path, bytes: Option<Vec<u8>>) {
        match bytes {
            Some(bytes) => self.set(path.to_path_buf(), bytes),
            None => {
                self.changed.remove(path);
            }
        }
    }

    pub fn into_changed(self) -> BTreeMap<PathBuf, Vec<u8>> {
        self.changed
    }
}

impl FileSystem for Overlay<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.changed.get(path) {
            Some(bytes) => Ok(bytes.clone()),
            None => self.base.read(path),
        }
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        self.base.kind(path)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        self.base.read_dir(path)
    }

    fn is_symlink(&self, path: &Path) -> bool {
        self.base.is_symlink(path)
    }
}
