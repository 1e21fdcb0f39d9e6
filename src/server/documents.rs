//! The documents open in the editor: their text at their latest version, which takes
//! precedence over what is on disk for every lint and fix.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::fs::{FileSystem, OverlayFs};

/// One open document.
#[derive(Clone, Debug)]
pub struct Document {
    pub version: i32,
    pub text: Arc<str>,
    /// The client's language for it (`yaml.docker-compose`, `dockercompose`, `dotenv`, …).
    pub language: String,
}

/// Every open document, by path. Cloning it is cheap (the texts are shared): a lint works on
/// a snapshot while the editor goes on typing.
#[derive(Clone, Debug, Default)]
pub struct Documents {
    open: BTreeMap<PathBuf, Document>,
}

impl Documents {
    pub fn open(&mut self, path: PathBuf, document: Document) {
        self.open.insert(path, document);
    }

    /// Replaces the text of an open document (full sync); a document not open is opened.
    pub fn change(&mut self, path: PathBuf, version: i32, text: String) {
        let language = self
            .open
            .get(&path)
            .map(|d| d.language.clone())
            .unwrap_or_default();
        self.open.insert(
            path,
            Document {
                version,
                text: text.into(),
                language,
            },
        );
    }

    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }

    pub fn get(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)
    }

    pub fn version(&self, path: &Path) -> Option<i32> {
        self.open.get(path).map(|d| d.version)
    }

    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.open.keys()
    }

    /// The file system a lint reads: the open documents over `disk`.
    pub fn over<'a>(&self, disk: &'a dyn FileSystem) -> OverlayFs<'a> {
        let mut fs = OverlayFs::new(disk);
        for (path, document) in &self.open {
            fs.insert(path.clone(), document.text.as_bytes());
        }
        fs
    }
}
