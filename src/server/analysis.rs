//! What a change in the editor makes the server lint: the projects that read the file, each
//! with the configuration (`.composelint.yaml`) nearest to it and the client's options over
//! it, read through the open documents.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::compose::discover::{is_compose_file_name, is_env_file_name};
use crate::fs::{EntryKind, FileSystem};
use crate::lint_config::hierarchy::Hierarchy;
use crate::lint_config::{CONFIG_FILE_NAMES, Overrides, PlatformName};
use crate::{LintedProject, Settings};

/// What the client may set in `initializationOptions`: the command line's `--platform`,
/// `--select`, `--ignore` and `--unsafe-fixes`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClientOptions {
    pub platform: Option<PlatformName>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    /// Whether `source.fixAll` applies unsafe fixes too (quick fixes always offer them,
    /// labelled).
    pub unsafe_fixes: bool,
}

/// The languages clients give compose files whose names do not say it.
const COMPOSE_LANGUAGES: [&str; 3] = ["dockercompose", "yaml.docker-compose", "compose"];

/// Whether a file names the projects to lint by itself: a compose or env file by its name or
/// its language, a script or a Markdown document. (Any other file is linted through the
/// projects that read it.)
pub fn is_linted(fs: &dyn FileSystem, path: &Path, language: &str) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if is_configuration(path) {
        return false;
    }
    is_compose_file_name(&name)
        || is_env_file_name(&name)
        || COMPOSE_LANGUAGES.contains(&language)
        || crate::commands::kind_of(fs, path).is_some()
}

/// Whether `path` is a composelint configuration file: a change to it re-lints everything.
pub fn is_configuration(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| CONFIG_FILE_NAMES.iter().any(|c| n == *c))
}

/// The settings a lint of `path` runs with: each project takes the configuration nearest to
/// it (an open buffer of it counts), under the client's options, as on the command line. The
/// file that governs `path` is read now: one that does not load is the error.
pub fn settings_for(
    fs: &dyn FileSystem,
    path: &Path,
    options: &ClientOptions,
) -> Result<Settings, String> {
    let overrides = Overrides {
        select: options.select.clone(),
        ignore: options.ignore.clone(),
        platform: options.platform.map(Into::into),
        ..Overrides::default()
    };
    let configs = Hierarchy::new(overrides, None);
    let dir = match path.parent() {
        Some(parent) if fs.kind(path) != Some(EntryKind::Dir) => parent,
        _ => path,
    };
    // An excluded path's own file is never read.
    if !configs.is_excluded(fs, path).map_err(|e| e.to_string())? {
        configs.in_directory(fs, dir).map_err(|e| e.to_string())?;
    }
    Ok(Settings {
        paths: vec![path.to_path_buf()],
        configs: Some(Arc::new(configs)),
        ..Settings::default()
    })
}

/// A project the server keeps linted: its files, and the settings of the lint.
#[derive(Clone, Debug)]
pub struct Target {
    pub files: Vec<PathBuf>,
    pub settings: Settings,
}

/// The projects that read `path`, each with its settings (a file that names no project
/// names none; a configuration that does not load is the error).
pub fn targets_of(
    fs: &dyn FileSystem,
    path: &Path,
    options: &ClientOptions,
) -> Result<Vec<Target>, String> {
    let settings = settings_for(fs, path, options)?;
    let discovered = crate::discover(fs, &settings).map_err(|e| e.to_string())?;
    Ok(discovered
        .file_sets
        .into_iter()
        .map(|files| Target {
            files,
            settings: settings.clone(),
        })
        .collect())
}

/// A project as last linted, with what the editor was shown of it.
#[derive(Debug)]
pub struct Linted {
    pub target: Target,
    pub project: LintedProject,
    /// The open documents the lint read, at the version it read.
    pub versions: BTreeMap<PathBuf, i32>,
    /// The diagnostics published for it, by file.
    pub published: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>>,
}

impl Linted {
    /// Whether the project read `path`.
    pub fn reads(&self, path: &Path) -> bool {
        self.project.sources.find(path).is_some()
    }
}

/// The last lint of every project the server keeps, by its files.
#[derive(Debug, Default)]
pub struct Results {
    projects: BTreeMap<Vec<PathBuf>, Linted>,
}

impl Results {
    /// Puts the new lint of a project in place of the old one (None: the project is gone);
    /// the files whose diagnostics change, which must be published again.
    pub fn replace(&mut self, files: &[PathBuf], linted: Option<Linted>) -> BTreeSet<PathBuf> {
        let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
        if let Some(old) = self.projects.remove(files) {
            touched.extend(old.published.into_keys());
        }
        if let Some(new) = linted {
            touched.extend(new.published.keys().cloned());
            self.projects.insert(files.to_vec(), new);
        }
        touched
    }

    /// The diagnostics of every project for `path`.
    pub fn diagnostics(&self, path: &Path) -> Vec<lsp_types::Diagnostic> {
        self.projects
            .values()
            .filter_map(|p| p.published.get(path))
            .flatten()
            .cloned()
            .collect()
    }

    /// The projects that read `path`.
    pub fn readers(&self, path: &Path) -> Vec<Target> {
        self.projects
            .values()
            .filter(|p| p.reads(path))
            .map(|p| p.target.clone())
            .collect()
    }

    /// Every project kept.
    pub fn targets(&self) -> Vec<Target> {
        self.projects.values().map(|p| p.target.clone()).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Linted> {
        self.projects.values()
    }

    /// How many projects are kept.
    pub fn len(&self) -> usize {
        self.projects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.projects.is_empty()
    }
}
