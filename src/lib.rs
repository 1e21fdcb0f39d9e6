//! composelint: a linter and auto-fixer for Docker Compose projects.
//!
//! The library never prints and never reads the process environment; the binary does that and
//! passes what it found in as data ([`Settings`], a [`fs::FileSystem`]).

pub mod compose;
pub mod diagnostic;
pub mod dotenv;
pub mod fix;
pub mod fs;
pub mod go_format;
pub mod interpolate;
pub mod knowledge;
pub mod lint_config;
pub mod names;
pub mod net;
pub mod ollama;
pub mod output;
pub mod paths;
pub mod reachability;
pub mod redact;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod text;
pub mod workspace;
pub mod yaml;
pub mod yaml_edit;

use std::path::PathBuf;

use compose::load::{LoadError, LoadOptions, load_project};
use compose::model::Project;
use diagnostic::Diagnostic;
use fs::FileSystem;
use source::Sources;
use workspace::{PathError, projects_for_paths};

/// What to lint and where variables come from.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Files and directories to lint (directories are searched recursively).
    pub paths: Vec<PathBuf>,
    /// `-f` files: one project made of exactly these, like `docker compose -f`.
    pub compose_files: Vec<PathBuf>,
    pub load: LoadOptions,
    /// Which Docker the project must work on.
    pub platform: net::Platform,
    /// What the configuration file and flags change: rules, severities, excluded paths,
    /// in-house Ollama images and variables.
    pub options: lint_config::LintOptions,
}

/// A run that cannot go on (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    Path(PathError),
    Load(LoadError),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Path(e) => e.fmt(f),
            RunError::Load(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

/// A loaded project with the files it read.
#[derive(Debug)]
pub struct LoadedProject {
    pub project: Project,
    pub sources: Sources,
}

/// A linted project: what was loaded and what is wrong with it, sorted by place.
#[derive(Debug)]
pub struct LintedProject {
    pub project: Project,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// What suppression comments dropped, and how many directives lack a reason.
    pub suppressions: suppress::Suppressions,
}

/// Loads every project `settings` names.
pub fn load(fs: &dyn FileSystem, settings: &Settings) -> Result<Vec<LoadedProject>, RunError> {
    let file_sets: Vec<Vec<PathBuf>> = if settings.compose_files.is_empty() {
        projects_for_paths(fs, &settings.paths)
            .map_err(RunError::Path)?
            .into_iter()
            .map(|p| p.files)
            // A project is excluded by its main file; `-f` files are linted as named.
            .filter(|files| {
                files
                    .first()
                    .is_none_or(|f| !settings.options.exclude.is_excluded(f))
            })
            .collect()
    } else {
        vec![settings.compose_files.clone()]
    };
    let explicit = !settings.compose_files.is_empty();
    file_sets
        .iter()
        .map(|files| match load_project(fs, files, &settings.load) {
            Ok((project, sources)) => Ok(LoadedProject { project, sources }),
            // A file found by the search that cannot be read is a finding in that project;
            // a file the user named is a failed run.
            Err(error) if !explicit && files.contains(&error.path) => Ok(unreadable(files, error)),
            Err(error) => Err(RunError::Load(error)),
        })
        .collect()
}

/// A project whose compose file could not be read: one CMP001 finding at its start.
fn unreadable(files: &[PathBuf], error: LoadError) -> LoadedProject {
    let mut sources = Sources::new();
    let id = sources.add(error.path.clone(), String::new());
    let project = Project {
        directory: files
            .first()
            .and_then(|f| f.parent())
            .map(PathBuf::from)
            .unwrap_or_default(),
        files: vec![id],
        issues: vec![compose::issues::LoadIssue::Syntax {
            span: source::Span::new(id, 0, 0),
            message: format!("cannot read the file: {}", error.message),
        }],
        ..Project::default()
    };
    LoadedProject { project, sources }
}

/// Loads and lints every project `settings` names.
pub fn lint(fs: &dyn FileSystem, settings: &Settings) -> Result<Vec<LintedProject>, RunError> {
    Ok(load(fs, settings)?
        .into_iter()
        .map(|p| lint_loaded_with(p, settings.platform, &settings.options))
        .collect())
}

/// Runs the rules over one loaded project.
pub fn lint_loaded(loaded: LoadedProject, platform: net::Platform) -> LintedProject {
    lint_loaded_with(loaded, platform, &lint_config::LintOptions::default())
}

/// Runs the rules over one loaded project as `options` configure them.
pub fn lint_loaded_with(
    loaded: LoadedProject,
    platform: net::Platform,
    options: &lint_config::LintOptions,
) -> LintedProject {
    let LoadedProject { project, sources } = loaded;
    let (mut diagnostics, suppressions) = suppress::apply(
        rules::check_project_with(&project, &sources, platform, &options.ollama),
        &project,
        &sources,
        &|code: &str| options.is_enabled(code),
    );
    options.apply(&mut diagnostics);
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.primary
                .map(|s| (sources.get(s.file).path.clone(), s.start, s.end))
        };
        key(a).cmp(&key(b)).then_with(|| a.code.cmp(b.code))
    });
    diagnostics.dedup();
    LintedProject {
        project,
        sources,
        diagnostics,
        suppressions,
    }
}
