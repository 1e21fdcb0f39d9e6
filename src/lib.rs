//! composelint: a linter and auto-fixer for Docker Compose projects.
//!
//! The library never prints and never reads the process environment; the binary does that and
//! passes what it found in as data ([`Settings`], a [`fs::FileSystem`]).

#![forbid(unsafe_code)]

pub mod commands;
pub mod comments;
pub mod compose;
pub mod diagnostic;
pub mod dotenv;
pub mod exit;
pub mod fix;
pub mod fs;
pub mod go_format;
pub mod graph;
pub mod interpolate;
pub mod knowledge;
pub mod lint_config;
pub mod names;
pub mod net;
pub mod ollama;
pub mod output;
pub mod paths;
pub mod proxies;
pub mod reach;
pub mod reachability;
pub mod redact;
pub mod rules;
pub mod server;
pub mod shared_networks;
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
use shared_networks::SharedNetworks;
use source::Sources;
use workspace::PathError;

/// What to lint and where variables come from.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Files and directories to lint (directories are searched recursively).
    pub paths: Vec<PathBuf>,
    /// `-f` files: one project made of exactly these, like `docker compose -f`.
    pub compose_files: Vec<PathBuf>,
    pub load: LoadOptions,
    /// Which Docker the project must work on; None when the user did not say, and each
    /// project runs where its own files say ([`commands::platform`]), else anywhere.
    pub platform: Option<net::Platform>,
    /// What the configuration file and flags change: rules, severities, excluded paths,
    /// in-house Ollama images and variables.
    pub options: lint_config::LintOptions,
    /// When set, each project takes the configuration file nearest to it, with the flags
    /// over it, in place of `options`, `platform` and `load.env_files`
    /// ([`Settings::for_project`]); what is excluded and which command files are read
    /// follow it too ([`lint_config::hierarchy`]).
    pub configs: Option<std::sync::Arc<lint_config::hierarchy::Hierarchy>>,
}

/// A run that cannot go on (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    Path(PathError),
    Load(LoadError),
    /// A configuration file that cannot be read or is not valid.
    Config(lint_config::ConfigError),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Path(e) => e.fmt(f),
            RunError::Load(e) => e.fmt(f),
            RunError::Config(e) => e.fmt(f),
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

impl LoadedProject {
    /// The project's own files (its compose files, or its script or document), in order:
    /// what [`Settings::for_project`] takes.
    pub fn files(&self) -> Vec<PathBuf> {
        self.project
            .files
            .iter()
            .map(|&id| self.sources.get(id).path.clone())
            .collect()
    }
}

/// A linted project: what was loaded and what is wrong with it, sorted by place.
#[derive(Debug)]
pub struct LintedProject {
    pub project: Project,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// What suppression comments dropped, and how many directives lack a reason.
    pub suppressions: suppress::Suppressions,
    /// The values the project marks as secret, which no output shows.
    pub secrets: redact::Secrets,
    /// Its configuration's `fail-on`: a finding at or above it fails the run.
    pub fail_on: diagnostic::Severity,
}

impl LintedProject {
    /// The project reduced to what the output formats show: its name, directory, file list,
    /// env files (the services' too), templates used and diagnostics, and the text of only the files the diagnostics point
    /// into (every other file keeps its path and id, with no text). The trees and the typed
    /// model — most of a linted project's memory — are let go, so a run over many projects
    /// holds little more than its findings.
    pub fn for_output(self) -> LintedProject {
        let LintedProject {
            project,
            sources,
            diagnostics,
            suppressions,
            secrets,
            fail_on,
        } = self;
        let mut shown = vec![false; sources.iter().count()];
        let spans = diagnostics.iter().flat_map(|d| {
            d.primary
                .into_iter()
                .chain(d.related.iter().map(|l| l.span))
                .chain(d.fix.iter().flat_map(|f| f.edits.iter().map(|e| e.span)))
        });
        for span in spans {
            if let Some(flag) = shown.get_mut(span.file.0 as usize) {
                *flag = true;
            }
        }
        let mut kept = Sources::new();
        for (file, shown) in sources.iter().zip(shown) {
            let text = if shown {
                file.text.clone()
            } else {
                String::new()
            };
            let id = kept.add(file.path.clone(), text);
            // The output shows env files differently (no lines around a finding).
            if let Some(kind) = file.kind() {
                kept.record(id, kind, comments::Comments::Unknown);
            }
        }
        // The services go, but the output must still know which files hold env values (it
        // never shows their other lines): the services' env files join the project's.
        let mut env_files = project.env_files;
        for service in &project.services {
            env_files.extend(service.env_files.iter().filter_map(|f| f.file));
        }
        env_files.sort_by_key(|id| id.0);
        env_files.dedup();
        LintedProject {
            project: Project {
                name: project.name,
                directory: project.directory,
                files: project.files,
                env_files,
                templates_used: project.templates_used,
                from_commands: project.from_commands,
                document_block: project.document_block,
                ..Project::default()
            },
            sources: kept,
            diagnostics,
            suppressions,
            secrets,
            fail_on,
        }
    }
}

/// Shows a finding once when several projects of the run find it in the same place with the
/// same words (overlay projects share their base file, so each would report its lines): the
/// first project keeps it, and it records the compose files of every project it holds in.
/// Projects configured differently keep their own: a finding merges only with one of the
/// same severity that fails, or passes, both projects' runs alike.
pub fn merge_repeated_findings(projects: &mut [LintedProject]) {
    type Key = (
        &'static str,
        PathBuf,
        usize,
        usize,
        redact::Sensitive,
        diagnostic::Severity,
        bool,
    );
    let project_files = |p: &LintedProject| -> Vec<PathBuf> {
        p.project
            .files
            .iter()
            .map(|&id| p.sources.get(id).path.clone())
            .collect()
    };
    // Where each finding was first seen: project and position in its list.
    let mut first: std::collections::HashMap<Key, (usize, usize)> = Default::default();
    let mut repeats: Vec<((usize, usize), Vec<PathBuf>)> = Vec::new();
    for (pi, p) in projects.iter_mut().enumerate() {
        let files = project_files(p);
        let sources = &p.sources;
        let fail_on = p.fail_on;
        let mut kept = Vec::with_capacity(p.diagnostics.len());
        for d in std::mem::take(&mut p.diagnostics) {
            let Some(span) = d.primary else {
                kept.push(d);
                continue;
            };
            let key = (
                d.code,
                sources.get(span.file).path.clone(),
                span.start,
                span.end,
                d.message.clone(),
                d.severity,
                d.severity >= fail_on,
            );
            match first.get(&key) {
                Some(&at) => repeats.push((at, files.clone())),
                None => {
                    first.insert(key, (pi, kept.len()));
                    kept.push(d);
                }
            }
        }
        p.diagnostics = kept;
    }
    for ((pi, di), files) in repeats {
        let own = project_files(&projects[pi]);
        let d = &mut projects[pi].diagnostics[di];
        if d.projects.is_empty() {
            d.projects.push(own);
        }
        d.projects.push(files);
    }
}

/// Loads every project `settings` names.
pub fn load(fs: &dyn FileSystem, settings: &Settings) -> Result<Vec<LoadedProject>, RunError> {
    load_discovered(fs, settings, &project_file_sets(fs, settings)?)
}

/// Loads the projects made of `file_sets`, as [`discover`] found them.
pub fn load_discovered(
    fs: &dyn FileSystem,
    settings: &Settings,
    file_sets: &[Vec<PathBuf>],
) -> Result<Vec<LoadedProject>, RunError> {
    file_sets
        .iter()
        .map(|files| load_one(fs, files, &*settings.for_project(fs, files)?))
        .collect()
}

/// The files of each project `settings` names, in the order the projects are reported.
fn project_file_sets(
    fs: &dyn FileSystem,
    settings: &Settings,
) -> Result<Vec<Vec<PathBuf>>, RunError> {
    discover(fs, settings).map(|d| d.file_sets)
}

/// What a run lints, found by one search: the files of each project, and the paths that
/// yield no project.
#[derive(Clone, Debug, Default)]
pub struct Discovered {
    /// The files of each project, in the order the projects are reported.
    pub file_sets: Vec<Vec<PathBuf>>,
    /// The paths that yield no project (excluded projects are not missing).
    pub without_projects: Vec<workspace::NoProject>,
}

/// Searches the paths `settings` names once (`-f` files are one project as named).
pub fn discover(fs: &dyn FileSystem, settings: &Settings) -> Result<Discovered, RunError> {
    if !settings.compose_files.is_empty() {
        return Ok(Discovered {
            file_sets: vec![settings.compose_files.clone()],
            without_projects: Vec::new(),
        });
    }
    // The first configuration that cannot be read stops the run once the search is over.
    let failed = std::cell::RefCell::new(None);
    let reads = |dir: &std::path::Path| {
        settings.reads_in(fs, dir).unwrap_or_else(|e| {
            failed.borrow_mut().get_or_insert(e);
            None
        })
    };
    let found = workspace::discover(fs, &settings.paths, &reads).map_err(RunError::Path)?;
    if let Some(e) = failed.into_inner() {
        return Err(e);
    }
    let mut file_sets = Vec::with_capacity(found.projects.len());
    for files in found.projects.into_iter().map(|p| p.files) {
        // A project is excluded by its main file; `-f` files are linted as named.
        match files.first() {
            Some(main) if settings.is_excluded(fs, main)? => {}
            _ => file_sets.push(files),
        }
    }
    Ok(Discovered {
        file_sets,
        without_projects: found.without_projects,
    })
}

/// Loads the project made of `files`, with its own settings ([`Settings::for_project`]).
fn load_one(
    fs: &dyn FileSystem,
    files: &[PathBuf],
    settings: &Settings,
) -> Result<LoadedProject, RunError> {
    // A compose document in a Markdown document (searched for, or checked again by the fixer).
    if let Some((doc, index)) = commands::compose_blocks::block_of(files) {
        return Ok(
            match commands::compose_blocks::load(fs, doc, index, &settings.load) {
                Ok((project, sources)) => LoadedProject { project, sources },
                // An example whose files are missing (an `include` of the reader's): no project.
                Err(_) => LoadedProject {
                    project: Project {
                        document_block: Some(index),
                        partial: true,
                        ..Project::default()
                    },
                    sources: Sources::new(),
                },
            },
        );
    }
    let explicit = !settings.compose_files.is_empty();
    // `-f` names compose files, whatever their names.
    if !explicit
        && let [path] = files
        && let Some(kind) = commands::kind_of(fs, path)
    {
        return match commands::load(fs, path, kind) {
            Ok((project, sources)) => Ok(LoadedProject { project, sources }),
            Err(error) => Ok(unreadable(files, error)),
        };
    }
    match load_project(fs, files, &settings.load) {
        Ok((mut project, mut sources)) => {
            if !explicit {
                let failed = std::cell::RefCell::new(None);
                let excluded = |p: &std::path::Path| {
                    settings.is_excluded(fs, p).unwrap_or_else(|e| {
                        failed.borrow_mut().get_or_insert(e);
                        false
                    })
                };
                workspace::note_directory_files(fs, &mut project, &mut sources, &excluded);
                if let Some(e) = failed.into_inner() {
                    return Err(e);
                }
            }
            Ok(LoadedProject { project, sources })
        }
        // A file found by the search that cannot be read is a finding in that project;
        // a file the user named is a failed run.
        Err(error) if !explicit && files.contains(&error.path) => Ok(unreadable(files, error)),
        Err(error) => Err(RunError::Load(error)),
    }
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

/// Loads and lints every project `settings` names, in parallel; the projects come back in the
/// order a sequential run gives.
pub fn lint(fs: &dyn FileSystem, settings: &Settings) -> Result<Vec<LintedProject>, RunError> {
    lint_map(fs, settings, |linted| linted)
}

/// Loads and lints every project `settings` names across the available cores, and passes
/// each linted project through `keep` on the thread that linted it, so that a caller who
/// needs less than the whole project (the check command needs only what the output shows)
/// can let the rest go at once instead of holding every tree until the end. The results
/// are in the order of the projects, whatever the scheduling; the first error in that order
/// ends the run, as in a sequential run.
pub fn lint_map<T: Send>(
    fs: &dyn FileSystem,
    settings: &Settings,
    keep: impl Fn(LintedProject) -> T + Sync,
) -> Result<Vec<T>, RunError> {
    let file_sets = project_file_sets(fs, settings)?;
    lint_map_discovered(fs, settings, &file_sets, keep)
}

/// [`lint_map`] over the projects a [`discover`] with the same `settings` found.
pub fn lint_map_discovered<T: Send>(
    fs: &dyn FileSystem,
    settings: &Settings,
    file_sets: &[Vec<PathBuf>],
    keep: impl Fn(LintedProject) -> T + Sync,
) -> Result<Vec<T>, RunError> {
    lint_map_discovered_in(fs, settings, file_sets, |linted, _, _| keep(linted))
}

/// [`lint_map`] whose `keep` also sees the project's own settings and what the other
/// projects of the run provide on the networks the project was linted with (empty for a
/// project that does not look beyond itself): what the graph needs to resolve names as the
/// rules did.
pub fn lint_map_in_run<T: Send>(
    fs: &dyn FileSystem,
    settings: &Settings,
    keep: impl Fn(LintedProject, &Settings, &SharedNetworks) -> T + Sync,
) -> Result<Vec<T>, RunError> {
    let file_sets = project_file_sets(fs, settings)?;
    lint_map_discovered_in(fs, settings, &file_sets, keep)
}

fn lint_map_discovered_in<T: Send>(
    fs: &dyn FileSystem,
    settings: &Settings,
    file_sets: &[Vec<PathBuf>],
    keep: impl Fn(LintedProject, &Settings, &SharedNetworks) -> T + Sync,
) -> Result<Vec<T>, RunError> {
    let alone = file_sets.len() <= 1;
    // Each project with its own settings.
    let lint_in = |loaded: LoadedProject, settings: &Settings, run: &SharedNetworks| {
        keep(
            lint_loaded_in(loaded, settings.platform, &settings.options, run),
            settings,
            run,
        )
    };
    // Projects see each other on the networks they share: a project that may look beyond
    // itself waits until every project of the run is loaded and the directory of what each
    // provides there is built; every other one is linted at once (and let go).
    let nobody = SharedNetworks::default();
    let first = in_parallel(file_sets, |files| {
        let settings = settings.for_project(fs, files)?;
        let loaded = load_one(fs, files, &settings)?;
        if alone {
            return Ok((Stage::Done(lint_in(loaded, &settings, &nobody)), None));
        }
        let contribution = contribution_of(&loaded, &settings);
        let stage = if shared_networks::looks_beyond(&loaded.project) {
            Stage::Waiting(Box::new((loaded, settings.into_owned())))
        } else {
            Stage::Done(lint_in(loaded, &settings, &nobody))
        };
        Ok((stage, contribution))
    });
    // The projects linted at once keep their place; the waiting ones are taken out, each
    // behind a lock that its one worker empties.
    let mut stages: Vec<Result<Option<T>, RunError>> = Vec::with_capacity(first.len());
    let mut waiting = Vec::new();
    let mut contributions = Vec::new();
    for result in first {
        stages.push(result.map(|(stage, contribution)| {
            contributions.extend(contribution);
            match stage {
                Stage::Done(t) => Some(t),
                Stage::Waiting(loaded) => {
                    waiting.push(std::sync::Mutex::new(Some(loaded)));
                    None
                }
            }
        }));
    }
    let run = SharedNetworks::join(contributions);
    let mut second = in_parallel(&waiting, |slot| {
        let waiting = slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .expect("each waiting project is linted once");
        let (loaded, settings) = *waiting;
        lint_in(loaded, &settings, &run)
    })
    .into_iter();
    stages
        .into_iter()
        .map(|stage| match stage? {
            Some(t) => Ok(t),
            None => Ok(second.next().expect("every waiting project was linted")),
        })
        .collect()
}

/// Where a project of a run is after the first pass of [`lint_map`].
enum Stage<T> {
    Done(T),
    /// Loaded, linted with its settings once the run's shared networks are known.
    Waiting(Box<(LoadedProject, Settings)>),
}

/// The compose files of each project `settings` names, in the order [`lint`] reports them.
pub fn project_files(
    fs: &dyn FileSystem,
    settings: &Settings,
) -> Result<Vec<Vec<PathBuf>>, RunError> {
    project_file_sets(fs, settings)
}

/// Loads and lints the project made of `files`, as [`lint`] does with each project it finds
/// (or, when `settings` names compose files, with those).
pub fn lint_files(
    fs: &dyn FileSystem,
    files: &[PathBuf],
    settings: &Settings,
) -> Result<LintedProject, RunError> {
    lint_files_in(fs, files, settings, &SharedNetworks::default())
}

/// [`lint_files`] in a run whose projects provide `run` on the networks they share.
pub fn lint_files_in(
    fs: &dyn FileSystem,
    files: &[PathBuf],
    settings: &Settings,
    run: &SharedNetworks,
) -> Result<LintedProject, RunError> {
    let settings = settings.for_project(fs, files)?;
    load_one(fs, files, &settings)
        .map(|loaded| lint_loaded_in(loaded, settings.platform, &settings.options, run))
}

/// What the projects `settings` names provide on the networks they share (empty for one
/// project): the directory [`lint`] lints each of them in.
pub fn shared_networks_of(
    fs: &dyn FileSystem,
    settings: &Settings,
) -> Result<SharedNetworks, RunError> {
    let file_sets = project_file_sets(fs, settings)?;
    if file_sets.len() <= 1 {
        return Ok(SharedNetworks::default());
    }
    let contributions = in_parallel(&file_sets, |files| {
        let settings = settings.for_project(fs, files)?;
        load_one(fs, files, &settings).map(|loaded| contribution_of(&loaded, &settings))
    })
    .into_iter()
    // A project that does not load provides nothing; `lint` reports it.
    .filter_map(|c| c.ok().flatten())
    .collect();
    Ok(SharedNetworks::join(contributions))
}

/// What one loaded project provides on the networks it shares with others. A document's
/// commands and compose blocks are examples, which run nowhere: they provide nothing.
fn contribution_of(
    loaded: &LoadedProject,
    settings: &Settings,
) -> Option<shared_networks::Contribution> {
    if commands::is_document(&loaded.project, &loaded.sources) {
        return None;
    }
    let servers =
        ollama::Servers::of_with(&loaded.project, &loaded.sources, &settings.options.ollama);
    let kinds = reach::Kinds::new(servers, &loaded.project);
    let catalog = reach::Catalog { kinds: &kinds.all };
    Some(shared_networks::Contribution::of(&loaded.project, &catalog))
}

/// `f` of each item, across the available cores, in the items' order.
pub fn in_parallel<I: Sync, T: Send>(items: &[I], f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    // Asking for the cores reads cgroup files: not worth it for one item.
    let workers = match items.len() {
        0 | 1 => 1,
        n => std::thread::available_parallelism().map_or(1, |cores| cores.get().min(n)),
    };
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    // Workers take the next item from a shared counter (projects differ a lot in size, so
    // a fixed split would leave cores idle) and put each result in its item's slot.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<T>> = Vec::new();
    slots.resize_with(items.len(), || None);
    let done: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    for (i, result) in done.into_iter().flatten() {
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(result);
        }
    }
    // Every index below the count was taken by exactly one worker, so every slot is full.
    slots.into_iter().flatten().collect()
}

/// The platform a project is judged on: the one the user chose, else where its own files
/// say it runs ([`commands::platform`]), else anywhere.
pub fn run_platform(project: &Project, chosen: Option<net::Platform>) -> net::Platform {
    chosen
        .or_else(|| commands::platform(project))
        .unwrap_or_default()
}

/// Runs the rules over one loaded project, on `platform` (None: where the project says it
/// runs, else anywhere).
pub fn lint_loaded(loaded: LoadedProject, platform: Option<net::Platform>) -> LintedProject {
    lint_loaded_with(loaded, platform, &lint_config::LintOptions::default())
}

/// Runs the rules over one loaded project as `options` configure them.
pub fn lint_loaded_with(
    loaded: LoadedProject,
    platform: Option<net::Platform>,
    options: &lint_config::LintOptions,
) -> LintedProject {
    lint_loaded_in(loaded, platform, options, &SharedNetworks::default())
}

/// [`lint_loaded_with`] for a project of a run whose projects share the networks `run`
/// describes.
pub fn lint_loaded_in(
    loaded: LoadedProject,
    platform: Option<net::Platform>,
    options: &lint_config::LintOptions,
    run: &SharedNetworks,
) -> LintedProject {
    let LoadedProject {
        mut project,
        sources,
    } = loaded;
    // A platform the user chose is every container's, whatever its commands say.
    if platform.is_some() {
        for service in &mut project.services {
            service.platform = None;
        }
    }
    let platform = run_platform(&project, platform);
    let secrets = redact::Secrets::collect(&project, &sources);
    let (mut diagnostics, suppressions) = suppress::apply(
        rules::check_project_in(&project, &sources, platform, &options.ollama, run),
        &project,
        &sources,
        &|code: &str| options.is_enabled(code),
    );
    options.apply(&mut diagnostics);
    diagnostic::drop_findings_beside_nothing(&mut diagnostics);
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
        secrets,
        fail_on: options.fail_on,
    }
}
