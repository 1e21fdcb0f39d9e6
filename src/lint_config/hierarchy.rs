//! Hierarchical configuration: each project of a run takes the configuration file nearest to
//! its directory, with the command line's flags over it, as each Python file takes ruff's
//! nearest `pyproject.toml`; `--config FILE` names one file for every project. So what a
//! project reports, and whether it fails the run, does not depend on what else is linted with
//! it (a pre-commit run passes whichever files a commit changed).
//!
//! Which file governs what:
//! - a project's own settings (`select`, `ignore`, `severity`, `fail-on`, `platform`,
//!   `env-files`, `ollama`) come from the file nearest to its directory (the directory of its
//!   first compose file, script or document);
//! - a directory the search walks is read with the `sources` of the file nearest to it;
//! - a path (a directory searched, a project's compose file, script or document) is excluded
//!   when it or a directory it lies in is matched by the `exclude` of the file nearest to the
//!   directory holding it — the file in force where the search meets it, as in ruff. A
//!   directory excluded that way is not searched, and the files below it are not read.
//!
//! Each file is read and resolved once per run; the answers are cached by directory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::{ConfigError, Overrides, Resolved, file_in, load_config, resolve};
use crate::commands::CommandKinds;
use crate::fs::{FileSystem, is_repository_root};
use crate::{RunError, Settings};

/// The configuration of every project of one run (see the module's documentation).
#[derive(Debug)]
pub struct Hierarchy {
    overrides: Overrides,
    /// `--config FILE` (absolute): the file of every directory.
    fixed: Option<PathBuf>,
    cache: Mutex<Cache>,
}

#[derive(Debug, Default)]
struct Cache {
    /// The file that governs each directory looked at (None: no file, the defaults).
    nearest: HashMap<PathBuf, Option<PathBuf>>,
    /// Each file (None: none) read and merged with the flags, or why it could not be.
    resolved: HashMap<Option<PathBuf>, Result<Arc<Resolved>, ConfigError>>,
    /// Whether each path asked about is excluded.
    excluded: HashMap<PathBuf, bool>,
}

impl Hierarchy {
    /// The configuration of a run with these flags: the nearest file of each directory, or
    /// `fixed` (`--config`, absolute) for all of them.
    pub fn new(overrides: Overrides, fixed: Option<PathBuf>) -> Hierarchy {
        Hierarchy {
            overrides,
            fixed,
            cache: Mutex::default(),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The configuration of whatever lies in directory `dir` (absolute).
    pub fn in_directory(
        &self,
        fs: &dyn FileSystem,
        dir: &Path,
    ) -> Result<Arc<Resolved>, ConfigError> {
        let mut cache = self.cache();
        self.resolved_in(fs, &mut cache, dir)
    }

    /// The configuration of the project made of `files` (its directory's).
    pub fn of_project(
        &self,
        fs: &dyn FileSystem,
        files: &[PathBuf],
    ) -> Result<Arc<Resolved>, ConfigError> {
        self.in_directory(fs, &project_directory(files))
    }

    /// Whether `path` (absolute), or a directory it lies in, is excluded by the file that
    /// governs the directory holding it. Directories are judged from the top down, so no
    /// file inside an excluded directory is read.
    pub fn is_excluded(&self, fs: &dyn FileSystem, path: &Path) -> Result<bool, ConfigError> {
        let mut cache = self.cache();
        // The paths not yet judged, from `path` up; none above the repository root counts,
        // as no file above it configures anything inside.
        let mut unjudged: Vec<&Path> = Vec::new();
        let mut excluded = false;
        let mut current = path;
        loop {
            if let Some(&known) = cache.excluded.get(current) {
                excluded = known;
                break;
            }
            let Some(parent) = current.parent().filter(|p| !p.as_os_str().is_empty()) else {
                break;
            };
            unjudged.push(current);
            if is_repository_root(fs, parent) {
                break;
            }
            current = parent;
        }
        for path in unjudged.into_iter().rev() {
            if !excluded {
                let parent = path.parent().unwrap_or(path);
                excluded = self
                    .resolved_in(fs, &mut cache, parent)?
                    .options
                    .exclude
                    .matches(path);
            }
            cache.excluded.insert(path.to_path_buf(), excluded);
        }
        Ok(excluded)
    }

    /// What the search reads in directory `dir`: the kinds of command file its configuration
    /// turns on, or nothing when it is excluded.
    pub fn reads_in(
        &self,
        fs: &dyn FileSystem,
        dir: &Path,
    ) -> Result<Option<CommandKinds>, ConfigError> {
        if self.is_excluded(fs, dir)? {
            return Ok(None);
        }
        Ok(Some(self.in_directory(fs, dir)?.options.sources))
    }

    fn resolved_in(
        &self,
        fs: &dyn FileSystem,
        cache: &mut Cache,
        dir: &Path,
    ) -> Result<Arc<Resolved>, ConfigError> {
        let file = match &self.fixed {
            Some(file) => Some(file.clone()),
            None => nearest(fs, cache, dir),
        };
        cache
            .resolved
            .entry(file.clone())
            .or_insert_with(|| {
                let loaded = file.map(|path| load_config(fs, &path)).transpose()?;
                resolve(loaded.as_ref(), &self.overrides).map(Arc::new)
            })
            .clone()
    }
}

/// The file that governs `dir`, as [`super::discover`] finds it, with every directory on the way
/// remembered: a search over a large tree asks each directory once.
fn nearest(fs: &dyn FileSystem, cache: &mut Cache, dir: &Path) -> Option<PathBuf> {
    let mut passed: Vec<&Path> = Vec::new();
    let mut found = None;
    for d in dir.ancestors() {
        if let Some(known) = cache.nearest.get(d) {
            found = known.clone();
            break;
        }
        passed.push(d);
        let here = file_in(fs, d);
        if here.is_some() || is_repository_root(fs, d) {
            found = here;
            break;
        }
    }
    for d in passed {
        cache.nearest.insert(d.to_path_buf(), found.clone());
    }
    found
}

/// The directory whose configuration a project made of `files` takes: that of its first
/// compose file, script or document (a compose block's document).
pub fn project_directory(files: &[PathBuf]) -> PathBuf {
    files
        .first()
        .and_then(|f| f.parent())
        .map(crate::paths::normalize)
        .unwrap_or_default()
}

impl Settings {
    /// The settings the project made of `files` is linted with: with a [`Hierarchy`], its
    /// nearest configuration's rules, severities, platform, env files and Ollama extensions
    /// in place of the run's; without, the run's as they are.
    pub fn for_project(
        &self,
        fs: &dyn FileSystem,
        files: &[PathBuf],
    ) -> Result<Cow<'_, Settings>, RunError> {
        let Some(configs) = &self.configs else {
            return Ok(Cow::Borrowed(self));
        };
        let resolved = configs.of_project(fs, files).map_err(RunError::Config)?;
        let mut settings = self.clone();
        resolved.apply_to(&mut settings);
        Ok(Cow::Owned(settings))
    }

    /// Whether `path` is excluded from the run (see [`Hierarchy::is_excluded`]; without one,
    /// by the run's `exclude`).
    pub fn is_excluded(&self, fs: &dyn FileSystem, path: &Path) -> Result<bool, RunError> {
        match &self.configs {
            Some(configs) => configs.is_excluded(fs, path).map_err(RunError::Config),
            None => Ok(self.options.exclude.is_excluded(path)),
        }
    }

    /// What a search reads in directory `dir`: the kinds of command file, or nothing when the
    /// directory is excluded.
    pub fn reads_in(
        &self,
        fs: &dyn FileSystem,
        dir: &Path,
    ) -> Result<Option<CommandKinds>, RunError> {
        match &self.configs {
            Some(configs) => configs.reads_in(fs, dir).map_err(RunError::Config),
            None if self.options.exclude.is_excluded(dir) => Ok(None),
            None => Ok(Some(self.options.sources)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    fn memfs(files: &[(&str, &str)]) -> MemFs {
        let mut fs = MemFs::new();
        for (path, text) in files {
            fs.insert(*path, *text);
        }
        fs
    }

    #[test]
    fn each_directory_takes_its_nearest_file() {
        let fs = memfs(&[
            ("/r/.git/HEAD", ""),
            ("/r/.composelint.yaml", "ignore: [OLL001]\n"),
            ("/r/sub/.composelint.yaml", "ignore: [OLL003]\n"),
        ]);
        let h = Hierarchy::new(Overrides::default(), None);
        let file = |dir: &str| h.in_directory(&fs, Path::new(dir)).unwrap().file.clone();
        assert_eq!(file("/r/sub/deep"), Some("/r/sub/.composelint.yaml".into()));
        assert_eq!(file("/r/other"), Some("/r/.composelint.yaml".into()));
        assert_eq!(file("/r"), Some("/r/.composelint.yaml".into()));
        // Above the repository nothing configures it.
        assert_eq!(file("/elsewhere"), None);
        let fixed = Hierarchy::new(Overrides::default(), Some("/r/.composelint.yaml".into()));
        let file = fixed
            .in_directory(&fs, Path::new("/r/sub"))
            .unwrap()
            .file
            .clone();
        assert_eq!(file, Some("/r/.composelint.yaml".into()));
    }

    #[test]
    fn exclusion_follows_the_file_of_the_directory_holding_the_path() {
        let fs = memfs(&[
            ("/r/.git/HEAD", ""),
            ("/r/.composelint.yaml", "exclude: [vendor, 'sub/old']\n"),
            // Inside an excluded directory: never read, so never an error.
            ("/r/vendor/.composelint.yaml", "not: [valid\n"),
            ("/r/sub/.composelint.yaml", "exclude: [legacy]\n"),
        ]);
        let h = Hierarchy::new(Overrides::default(), None);
        let excluded = |path: &str| h.is_excluded(&fs, Path::new(path)).unwrap();
        assert!(excluded("/r/vendor"));
        assert!(excluded("/r/vendor/x/compose.yaml"));
        assert!(excluded("/r/sub/legacy/compose.yaml"));
        // `sub` has a file of its own: the root's `sub/old` is not the one in force there.
        assert!(!excluded("/r/sub/old/compose.yaml"));
        assert!(!excluded("/r/sub/compose.yaml"));
        assert!(!excluded("/r/app/compose.yaml"));
        assert_eq!(
            h.reads_in(&fs, Path::new("/r/vendor/x")).unwrap(),
            None,
            "an excluded directory is not searched"
        );
    }

    /// A file system that counts the reads of each file.
    struct Counting {
        fs: MemFs,
        reads: Mutex<HashMap<PathBuf, usize>>,
    }

    impl FileSystem for Counting {
        fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
            *self
                .reads
                .lock()
                .unwrap()
                .entry(path.to_path_buf())
                .or_default() += 1;
            self.fs.read(path)
        }
        fn kind(&self, path: &Path) -> Option<crate::fs::EntryKind> {
            self.fs.kind(path)
        }
        fn read_dir(&self, path: &Path) -> std::io::Result<Vec<PathBuf>> {
            self.fs.read_dir(path)
        }
        fn is_symlink(&self, path: &Path) -> bool {
            self.fs.is_symlink(path)
        }
    }

    #[test]
    fn each_file_is_read_once_in_a_run() {
        let project = "services:\n  web:\n    image: nginx\n";
        let fs = Counting {
            fs: memfs(&[
                ("/r/.git/HEAD", ""),
                ("/r/.composelint.yaml", "exclude: [old]\n"),
                ("/r/a/compose.yaml", project),
                ("/r/a/b/compose.yaml", project),
                ("/r/a/b/c/compose.yaml", project),
                ("/r/sub/.composelint.yaml", "ignore: [OLL]\n"),
                ("/r/sub/compose.yaml", project),
                ("/r/sub/x/compose.yaml", project),
                ("/r/old/compose.yaml", project),
            ]),
            reads: Mutex::default(),
        };
        let settings = Settings {
            paths: vec![PathBuf::from("/r")],
            configs: Some(Arc::new(Hierarchy::new(Overrides::default(), None))),
            ..Settings::default()
        };
        let linted = crate::lint(&fs, &settings).unwrap();
        assert_eq!(linted.len(), 5);
        let reads = fs.reads.lock().unwrap();
        assert_eq!(reads.get(Path::new("/r/.composelint.yaml")), Some(&1));
        assert_eq!(reads.get(Path::new("/r/sub/.composelint.yaml")), Some(&1));
    }

    #[test]
    fn a_bad_file_is_an_error_naming_it() {
        let fs = memfs(&[
            ("/r/.git/HEAD", ""),
            ("/r/sub/.composelint.yaml", "selct: []\n"),
        ]);
        let h = Hierarchy::new(Overrides::default(), None);
        assert!(h.in_directory(&fs, Path::new("/r")).is_ok());
        let e = h.in_directory(&fs, Path::new("/r/sub")).unwrap_err();
        assert_eq!(e.path, Some(PathBuf::from("/r/sub/.composelint.yaml")));
        assert!(e.message.contains("selct"), "{e}");
    }
}
