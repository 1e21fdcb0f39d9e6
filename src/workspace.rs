//! Turns the paths on the command line into the projects to lint, each listed once.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::commands::{CommandFile, compose_blocks};
use crate::compose::discover::OVERRIDE_FILES;
use crate::compose::discover::{
    DirectoryFiles, Reads, directory_files, find_directories, is_compose_file_name,
    is_env_file_name,
};
use crate::compose::issues::LoadIssue;
use crate::compose::model::Project;
use crate::fs::{EntryKind, FileSystem};
use crate::source::{FileId, Sources, Span};
use crate::yaml::{self, Limits};

/// One project to load: its compose files in merge order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProjectFiles {
    pub files: Vec<PathBuf>,
}

/// A command-line path that cannot be linted (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// The projects that `paths` name. A directory is searched recursively; a file maps to the
/// projects that read it (a changed `.env` or override file re-lints its project). No
/// search for those projects climbs past the repository root (a directory holding `.git`).
/// A project whose compose file another project of the run includes or extends is part of
/// that project, not linted on its own.
pub fn projects_for_paths(
    fs: &dyn FileSystem,
    paths: &[PathBuf],
    reads: &dyn Reads,
) -> Result<Vec<ProjectFiles>, PathError> {
    discover(fs, paths, reads).map(|d| d.projects)
}

/// What a search over the command line's paths found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    /// The projects the paths name (see [`projects_for_paths`]).
    pub projects: Vec<ProjectFiles>,
    /// The paths that yield no project (see [`paths_without_projects`]).
    pub without_projects: Vec<NoProject>,
}

/// The projects `paths` name, and the paths that yield none, from one search (a large tree
/// is walked, and its documents read, once).
pub fn discover(
    fs: &dyn FileSystem,
    paths: &[PathBuf],
    reads: &dyn Reads,
) -> Result<Discovery, PathError> {
    let mut summaries = Summaries::new(fs);
    let mut out = BTreeSet::new();
    let mut without_projects = Vec::new();
    for path in paths {
        match fs.kind(path) {
            Some(EntryKind::Dir) => {
                // An excluded directory named on the command line is not missing anything.
                if reads.reads_in(path).is_none() {
                    continue;
                }
                let dirs = find_directories(fs, path, reads);
                if dirs.is_empty() {
                    without_projects.push(NoProject::Directory(path.clone()));
                }
                for dir in dirs {
                    add_directory(&mut summaries, &dir, None, &mut out);
                    for file in &dir.commands {
                        out.extend(command_projects(fs, file));
                    }
                }
            }
            Some(EntryKind::File) => {
                let parent = path.parent().unwrap_or(Path::new("."));
                match named(fs, path) {
                    Named::Compose => {
                        let dir = directory_files(fs, parent);
                        add_directory(&mut summaries, &dir, Some(path), &mut out);
                        if let Some(above) = parent.parent() {
                            out.extend(includers(&mut summaries, above, path));
                        }
                    }
                    // An env file: lint the projects around it that read it.
                    Named::Env => {
                        let readers = env_file_readers(&mut summaries, path);
                        if readers.is_empty() {
                            without_projects.push(NoProject::EnvFile(path.clone()));
                        }
                        out.extend(readers);
                    }
                    // A script or document: its commands are a project of their own, when
                    // the run reads its kind (a script without an extension by its shebang).
                    Named::Commands(kind) => {
                        if reads.reads_in(parent).is_some_and(|k| k.reads(kind)) {
                            out.extend(command_projects(fs, path));
                        }
                    }
                    // Any other file is a compose file, as `docker compose -f` takes it —
                    // unless a project around it includes or extends it.
                    Named::Other => {
                        let mut readers = includers(&mut summaries, parent, path);
                        if readers.is_empty() {
                            readers.insert(ProjectFiles {
                                files: vec![path.clone()],
                            });
                        }
                        out.extend(readers);
                    }
                }
            }
            Some(EntryKind::Other) => {
                return Err(PathError {
                    path: path.clone(),
                    message: "not a regular file or directory".into(),
                });
            }
            None => {
                return Err(PathError {
                    path: path.clone(),
                    message: "no such file or directory".into(),
                });
            }
        }
    }
    drop_included_projects(&mut summaries, &mut out);
    Ok(Discovery {
        projects: out.into_iter().collect(),
        without_projects,
    })
}

/// The projects of a script or document: its commands, and each compose document a Markdown
/// document holds in a `yaml` block ([`crate::commands::compose_blocks`]). A document that
/// cannot be read is one project, which reports why.
fn command_projects(fs: &dyn FileSystem, path: &Path) -> Vec<ProjectFiles> {
    let alone = || {
        vec![ProjectFiles {
            files: vec![path.to_path_buf()],
        }]
    };
    if crate::commands::kind_by_name(path) != Some(CommandFile::Markdown) {
        return alone();
    }
    // A document that cannot be read, or is not text, is a project that reports why.
    let Some(text) = fs.read(path).ok().and_then(|b| String::from_utf8(b).ok()) else {
        return alone();
    };
    let document = crate::commands::markdown::read(&text);
    let mut out = Vec::new();
    if !document.blocks.is_empty() {
        out.extend(alone());
    }
    out.extend((0..document.compose.len()).map(|i| ProjectFiles {
        files: compose_blocks::file_set(path, i),
    }));
    out
}

/// What a file named on the command line is taken for, by its name (a file without an
/// extension, by its shebang).
enum Named {
    /// `compose*.y(a)ml`, `docker-compose*.y(a)ml`: a file of the projects of its directory.
    Compose,
    /// `.env`, `*.env`, `.env.*`: read by the projects around it.
    Env,
    /// A shell script or Markdown document (`*.sh`, `*.md`, …): its Docker commands.
    Commands(CommandFile),
    /// Anything else: a compose file, as `docker compose -f` takes it.
    Other,
}

fn named(fs: &dyn FileSystem, path: &Path) -> Named {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_compose_file_name(&name) {
        Named::Compose
    } else if is_env_file_name(&name) {
        Named::Env
    } else if let Some(kind) = crate::commands::kind_of(fs, path) {
        Named::Commands(kind)
    } else {
        Named::Other
    }
}

/// The projects of the directories from `start` up to the repository root (or the file
/// system's root outside a repository) that `keep` accepts. Files above the repository are
/// not the repository's business: a fix hook run inside it must not rewrite them.
fn projects_above(
    summaries: &mut Summaries,
    start: &Path,
    keep: &dyn Fn(&mut Summaries, &ProjectFiles) -> bool,
) -> BTreeSet<ProjectFiles> {
    let mut out = BTreeSet::new();
    for dir in start.ancestors() {
        let files = directory_files(summaries.fs, dir);
        let mut projects = BTreeSet::new();
        add_directory(summaries, &files, None, &mut projects);
        for project in projects {
            if keep(summaries, &project) {
                out.insert(project);
            }
        }
        if crate::fs::is_repository_root(summaries.fs, dir) {
            break;
        }
    }
    out
}

/// The projects at or above `start` that read `file` through `include` or `extends`.
fn includers(summaries: &mut Summaries, start: &Path, file: &Path) -> BTreeSet<ProjectFiles> {
    projects_above(summaries, start, &|summaries, project| {
        summaries.closure(&project.files).contains(file)
    })
}

/// The projects around the env file `path` that read it: as their `.env`, an `env_file`
/// of a service, or an included project's env file. A `.env` of some other tool beside or
/// below a compose project is not that project's.
fn env_file_readers(summaries: &mut Summaries, path: &Path) -> BTreeSet<ProjectFiles> {
    let parent = path.parent().unwrap_or(Path::new("."));
    projects_above(summaries, parent, &|summaries, project| {
        let dot_env = project
            .files
            .first()
            .and_then(|f| f.parent())
            .is_some_and(|dir| dir.join(".env") == path);
        dot_env
            || summaries.closure(&project.files).iter().any(|f| {
                summaries
                    .get(f)
                    .is_some_and(|s| s.env_files.iter().any(|e| e == path))
            })
    })
}

/// Takes out of `projects` each one whose compose file another of them includes or extends
/// (directly or through other files): it is linted as part of that project, where its
/// references resolve. Projects that only include each other (a cycle, which Compose
/// refuses) are kept.
fn drop_included_projects(summaries: &mut Summaries, projects: &mut BTreeSet<ProjectFiles>) {
    let reached: Vec<(ProjectFiles, BTreeSet<PathBuf>)> = projects
        .iter()
        .map(|p| {
            let mut closure = summaries.closure(&p.files);
            for own in &p.files {
                closure.remove(own);
            }
            (p.clone(), closure)
        })
        .collect();
    let main = |p: &ProjectFiles| p.files.first().cloned().unwrap_or_default();
    let is_root = |p: &ProjectFiles| {
        !reached
            .iter()
            .any(|(other, closure)| other != p && closure.contains(&main(p)))
    };
    let from_roots: BTreeSet<&PathBuf> = reached
        .iter()
        .filter(|(p, _)| is_root(p))
        .flat_map(|(_, closure)| closure)
        .collect();
    projects.retain(|p| is_root(p) || !from_roots.contains(&main(p)));
}

/// Adds the projects of one directory; with `only`, just the projects that read that file
/// (as one of their compose files, or through `include`/`extends` from one of them).
fn add_directory(
    summaries: &mut Summaries,
    dir: &DirectoryFiles,
    only: Option<&Path>,
    out: &mut BTreeSet<ProjectFiles>,
) {
    let all: Vec<&PathBuf> = dir
        .default
        .iter()
        .chain(&dir.override_file)
        .chain(&dir.others)
        .collect();
    // A file another compose file includes or extends is part of that project, not one of
    // its own.
    let mut referenced: BTreeSet<PathBuf> = BTreeSet::new();
    for file in &all {
        if let Some(summary) = summaries.get(file) {
            referenced.extend(summary.references.iter().cloned());
        }
    }
    let mut projects: Vec<Vec<PathBuf>> = dir.main_project().into_iter().collect();
    for other in dir.others.iter().filter(|o| !referenced.contains(*o)) {
        let amends = match dir.default.as_deref() {
            Some(default) => summaries.amends(other, default),
            None => false,
        };
        projects.push(match (&dir.default, amends) {
            (Some(default), true) => vec![default.clone(), other.clone()],
            _ => vec![other.clone()],
        });
    }
    let main = dir.main_project();
    for files in projects {
        let reads = |o: &Path, summaries: &mut Summaries| {
            // The main project is the one that reports the files Compose ignores beside it.
            (Some(&files) == main.as_ref() && dir.ignored.iter().any(|i| i == o))
                || files.iter().any(|f| f == o)
                || files.iter().any(|f| {
                    summaries
                        .get(f)
                        .is_some_and(|s| s.references.iter().any(|r| r.as_path() == o))
                })
        };
        if only.is_none_or(|o| reads(o, summaries)) {
            out.insert(ProjectFiles { files });
        }
    }
}

/// Records, in a project found by discovery, the files beside its default or override file
/// that Compose ignores (it loads only the first of each in its order, and warns): each gets
/// a finding at its start, unless `excluded` says the user excluded it. Only the directory's
/// main project reports them, once. Each project of the directory also gets the other compose
/// files there ([`Project::siblings`]): the main project every other file, another project
/// the main project's files (a file that adds a service to the main project, or one the main
/// project's services call). Each file is read once for the directory that way, however many
/// files it holds, and parsed only if a name nothing else resolves is looked up in it.
pub fn note_directory_files(
    fs: &dyn FileSystem,
    project: &mut Project,
    sources: &mut Sources,
    excluded: &dyn Fn(&Path) -> bool,
) {
    let files: Vec<PathBuf> = project
        .files
        .iter()
        .map(|&id| sources.get(id).path.clone())
        .collect();
    let Some(parent) = files.first().and_then(|f| f.parent()) else {
        return;
    };
    let dir = directory_files(fs, parent);
    let main = dir.main_project();
    let is_main = main.as_deref() == Some(files.as_slice());
    let siblings: Vec<&PathBuf> = if is_main {
        dir.others.iter().chain(&dir.ignored).collect()
    } else {
        main.iter().flatten().collect()
    };
    let texts = siblings
        .into_iter()
        .filter(|f| !files.contains(f))
        .filter_map(|f| String::from_utf8(fs.read(f).ok()?).ok())
        .collect();
    project.siblings = crate::compose::model::Siblings::new(texts);
    if !is_main {
        return;
    }
    for ignored in dir.ignored.iter().filter(|i| !excluded(i)) {
        let is_override = ignored
            .file_name()
            .is_some_and(|n| OVERRIDE_FILES.contains(&&*n.to_string_lossy()));
        let used = match (is_override, &dir.override_file, &dir.default) {
            (true, Some(used), _) | (false, _, Some(used)) => used.clone(),
            _ => continue,
        };
        let text = fs
            .read(ignored)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        let id = sources.add(ignored.clone(), text);
        project.issues.push(LoadIssue::IgnoredFile {
            span: Span::new(id, 0, 0),
            used,
        });
    }
}

/// A path on the command line that yields no project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoProject {
    /// A directory without a compose file anywhere below it.
    Directory(PathBuf),
    /// An env file that no compose project around it reads (a `.env` of some other tool).
    EnvFile(PathBuf),
}

impl NoProject {
    pub fn path(&self) -> &Path {
        match self {
            NoProject::Directory(path) | NoProject::EnvFile(path) => path,
        }
    }

    /// Why the path yields nothing, to follow it.
    pub fn reason(&self) -> &'static str {
        match self {
            NoProject::Directory(_) => {
                "no compose file (compose.yaml, docker-compose.yml, …), and no script or document with Docker commands or a compose block, here or below"
            }
            NoProject::EnvFile(_) => {
                "no compose project here or above (up to the repository root) reads this env file"
            }
        }
    }
}

/// The paths of `paths` that yield no project at all (a path that does not exist is a
/// [`PathError`] of [`projects_for_paths`] instead). A compose file, or any other file named
/// explicitly, always yields one.
pub fn paths_without_projects(
    fs: &dyn FileSystem,
    paths: &[PathBuf],
    reads: &dyn Reads,
) -> Vec<NoProject> {
    let mut out = Vec::new();
    for path in paths {
        if matches!(fs.kind(path), Some(EntryKind::Dir | EntryKind::File))
            && let Ok(found) = discover(fs, std::slice::from_ref(path), reads)
        {
            out.extend(found.without_projects);
        }
    }
    out
}

/// What discovery needs to know of a compose file, read cheaply (no interpolation, no merge).
struct FileSummary {
    /// Service names, and whether each says what it runs (`image`, `build` or `extends`).
    services: Vec<(String, bool)>,
    /// Files it pulls in with `include` or `extends.file`.
    references: Vec<PathBuf>,
    /// Env files it reads: its services' `env_file`s, and each included project's env files
    /// (its `env_file`, else the `.env` beside the included file). Paths with a variable in
    /// them are not known here and are left out.
    env_files: Vec<PathBuf>,
}

impl FileSummary {
    /// An overlay amends the base: at least one of its services does not say what it runs
    /// (`ollama: {deploy: …}` in a GPU overlay), and every such service is the base's. It may
    /// add services that do say what they run beside them: `docker-compose.ollama.yml` adds
    /// `ollama` and points the base's `app` at it (`app: {environment: …, depends_on:
    /// [ollama]}`), to be run with `-f docker-compose.yml -f docker-compose.ollama.yml`. A
    /// file none of whose services says what it runs cannot stand alone either, even when the
    /// services it amends come from a file the base includes (`kong: {ports: !reset null}`).
    /// A file whose every service says what it runs is an alternative, linted on its own.
    fn amends(&self, base: &FileSummary) -> bool {
        let mut amended = self.services.iter().filter(|(_, runs)| !runs).peekable();
        let runs_nothing = self.services.iter().all(|(_, runs)| !runs);
        let amends_base = amended.peek().is_some()
            && amended.all(|(name, _)| base.services.iter().any(|(b, _)| b == name));
        !self.services.is_empty() && (runs_nothing || amends_base)
    }
}

/// The compose files of one run, each summarized once.
struct Summaries<'a> {
    fs: &'a dyn FileSystem,
    cache: HashMap<PathBuf, Option<FileSummary>>,
}

impl<'a> Summaries<'a> {
    fn new(fs: &'a dyn FileSystem) -> Self {
        Summaries {
            fs,
            cache: HashMap::new(),
        }
    }

    /// The summary of `path`, or None when it cannot be read or is not UTF-8.
    fn get(&mut self, path: &Path) -> Option<&FileSummary> {
        if !self.cache.contains_key(path) {
            let summary = summarize(self.fs, path);
            self.cache.insert(path.to_path_buf(), summary);
        }
        self.cache.get(path).and_then(Option::as_ref)
    }

    /// Whether `overlay` only amends `base` (see [`FileSummary::amends`]).
    fn amends(&mut self, overlay: &Path, base: &Path) -> bool {
        let Some(services) = self.get(overlay).map(|s| s.services.clone()) else {
            return false;
        };
        let overlay = FileSummary {
            services,
            references: Vec::new(),
            env_files: Vec::new(),
        };
        self.get(base).is_some_and(|base| overlay.amends(base))
    }

    /// `files` and every file they pull in, directly or through others.
    fn closure(&mut self, files: &[PathBuf]) -> BTreeSet<PathBuf> {
        let mut seen: BTreeSet<PathBuf> = files.iter().cloned().collect();
        let mut pending: Vec<PathBuf> = files.to_vec();
        while let Some(file) = pending.pop() {
            let references = self
                .get(&file)
                .map(|s| s.references.clone())
                .unwrap_or_default();
            for reference in references {
                if seen.insert(reference.clone()) {
                    pending.push(reference);
                }
            }
        }
        seen
    }
}

fn summarize(fs: &dyn FileSystem, path: &Path) -> Option<FileSummary> {
    let bytes = fs.read(path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let parsed = yaml::parse(FileId(0), &text, Limits::default());
    let dir = path.parent().unwrap_or(Path::new(""));
    let at = |p: &str| crate::paths::normalize(&dir.join(p));
    let mut summary = FileSummary {
        services: Vec::new(),
        references: Vec::new(),
        env_files: Vec::new(),
    };
    for doc in &parsed.documents {
        for item in doc
            .get("include")
            .and_then(|i| i.as_sequence())
            .unwrap_or_default()
        {
            let paths: Vec<&str> = match item.as_str() {
                Some(p) => vec![p],
                None => item.get("path").map(strings).unwrap_or_default(),
            };
            let env_files = item.get("env_file").map(strings).unwrap_or_default();
            if env_files.is_empty() {
                summary.env_files.extend(
                    paths
                        .iter()
                        .filter_map(|p| at(p).parent().map(|d| d.join(".env"))),
                );
            }
            summary.env_files.extend(env_files.into_iter().map(at));
            summary.references.extend(paths.into_iter().map(at));
        }
        for entry in doc
            .get("services")
            .and_then(|s| s.as_mapping())
            .unwrap_or_default()
        {
            let Some(name) = entry.key.as_str() else {
                continue;
            };
            // `extends` says what runs too, from the service it extends.
            let runs = ["image", "build", "extends"]
                .iter()
                .any(|k| entry.value.get(k).is_some());
            summary.services.push((name.to_string(), runs));
            if let Some(file) = entry
                .value
                .get("extends")
                .and_then(|e| e.get("file"))
                .and_then(|f| f.as_str())
            {
                summary.references.push(at(file));
            }
            summary.env_files.extend(
                entry
                    .value
                    .get("env_file")
                    .map(strings)
                    .unwrap_or_default()
                    .into_iter()
                    .map(at),
            );
        }
    }
    summary
        .env_files
        .retain(|p| !p.to_string_lossy().contains('$'));
    Some(summary)
}

/// The paths a value names: one string, or a list of strings and of mappings with a
/// `path` (as `env_file` and `include` entries are written).
fn strings(node: &crate::yaml::Node) -> Vec<&str> {
    if let Some(s) = node.as_str() {
        return vec![s];
    }
    node.as_sequence()
        .unwrap_or_default()
        .iter()
        .filter_map(|n| {
            n.as_str()
                .or_else(|| n.get("path").and_then(|p| p.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::CommandKinds;
    use crate::fs::MemFs;

    #[test]
    fn overlays_that_amend_join_the_default_file_and_others_stand_alone() {
        let mut fs = MemFs::new();
        fs.insert(
            "/p/compose.yaml",
            "services:\n  ollama:\n    image: ollama/ollama\n",
        );
        fs.insert("/p/compose.override.yml", "services:\n  ollama: {}\n");
        fs.insert(
            "/p/compose.gpu.yaml",
            "services:\n  ollama:\n    runtime: nvidia\n",
        );
        fs.insert(
            "/p/compose.other.yaml",
            "services:\n  web:\n    image: nginx\n",
        );
        fs.insert(
            "/p/compose.alt.yaml",
            "services:\n  ollama:\n    image: ollama/ollama:rocm\n",
        );
        fs.insert(
            "/p/compose.base.yaml",
            "services:\n  ollama:\n    deploy: {}\n",
        );
        fs.insert(
            "/p/compose.main.yaml",
            "include: [compose.base.yaml]\nservices:\n  x:\n    image: x\n",
        );
        fs.insert(
            "/p/compose.webui.yaml",
            "services:\n  ollama:\n    environment: [OLLAMA_KEEP_ALIVE=1h]\n  webui:\n    image: ghcr.io/open-webui/open-webui\n",
        );
        fs.insert(
            "/p/compose.stray.yaml",
            "services:\n  app:\n    environment: [A=1]\n  web:\n    image: nginx\n",
        );
        fs.insert("/p/.env", "A=1\n");
        let projects = projects_for_paths(&fs, &[PathBuf::from("/p")], &CommandKinds::ALL).unwrap();
        let files: Vec<Vec<&str>> = projects
            .iter()
            .map(|p| p.files.iter().map(|f| f.to_str().unwrap()).collect())
            .collect();
        assert_eq!(
            files,
            vec![
                vec!["/p/compose.alt.yaml"],
                vec!["/p/compose.main.yaml"],
                vec!["/p/compose.other.yaml"],
                vec!["/p/compose.stray.yaml"],
                vec!["/p/compose.yaml", "/p/compose.gpu.yaml"],
                vec!["/p/compose.yaml", "/p/compose.override.yml"],
                vec!["/p/compose.yaml", "/p/compose.webui.yaml"],
            ]
        );
        // A changed override file maps to the main project only; a changed default file
        // to every project that reads it; a changed .env to every project of its directory.
        let count = |paths: &[&str]| {
            let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
            projects_for_paths(&fs, &paths, &CommandKinds::ALL)
                .unwrap()
                .len()
        };
        assert_eq!(count(&["/p/compose.override.yml"]), 1);
        assert_eq!(
            count(&["/p/compose.override.yml", "/p/compose.gpu.yaml"]),
            2
        );
        assert_eq!(count(&["/p/compose.yaml"]), 3);
        assert_eq!(count(&["/p/.env"]), 7);
        // An included file is part of the project that includes it: a change to it re-lints
        // that project.
        assert_eq!(count(&["/p/compose.base.yaml"]), 1);
        assert_eq!(count(&["/p/compose.base.yaml", "/p/compose.main.yaml"]), 1);
    }

    fn files_of(fs: &MemFs, paths: &[&str]) -> Vec<Vec<String>> {
        files_read(fs, paths, CommandKinds::ALL)
    }

    /// The files of each project `paths` name in a run that reads the command files `kinds`.
    fn files_read(fs: &MemFs, paths: &[&str], kinds: CommandKinds) -> Vec<Vec<String>> {
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        projects_for_paths(fs, &paths, &kinds)
            .unwrap()
            .into_iter()
            .map(|p| {
                p.files
                    .iter()
                    .map(|f| f.to_string_lossy().into_owned())
                    .collect()
            })
            .collect()
    }

    /// What pre-commit passes: only the changed files, each project linted once.
    #[test]
    fn changed_files_map_to_each_affected_project_once() {
        let mut fs = MemFs::new();
        fs.insert(
            "/r/a/compose.yaml",
            "services:\n  x:\n    image: x\n    env_file: [config/ollama.env]\n",
        );
        fs.insert("/r/a/.env", "A=1\n");
        fs.insert("/r/a/config/ollama.env", "OLLAMA_HOST=0.0.0.0\n");
        fs.insert(
            "/r/b/docker-compose.yml",
            "services:\n  y:\n    image: y\n    env_file:\n      - path: ./.env.local\n",
        );
        fs.insert("/r/b/.env.local", "B=1\n");
        // A directory with no default file: its `.env` belongs to its own compose file, not to
        // a project further up.
        fs.insert(
            "/r/a/dev/compose.dev.yaml",
            "services:\n  z:\n    image: z\n",
        );
        fs.insert("/r/a/dev/.env", "C=1\n");
        let a = vec![vec!["/r/a/compose.yaml".to_string()]];
        assert_eq!(files_of(&fs, &["/r/a/.env"]), a);
        assert_eq!(files_of(&fs, &["/r/a/compose.yaml", "/r/a/.env"]), a);
        assert_eq!(files_of(&fs, &["/r/a/config/ollama.env"]), a);
        assert_eq!(
            files_of(
                &fs,
                &["/r/a/.env", "/r/a/config/ollama.env", "/r/a/compose.yaml"]
            ),
            a
        );
        assert_eq!(
            files_of(&fs, &["/r/a/dev/.env"]),
            vec![vec!["/r/a/dev/compose.dev.yaml".to_string()]]
        );
        assert_eq!(
            files_of(
                &fs,
                &["/r/b/.env.local", "/r/a/.env", "/r/b/docker-compose.yml"]
            ),
            vec![a[0].clone(), vec!["/r/b/docker-compose.yml".to_string()]]
        );
        // An env file outside every project lints nothing.
        fs.insert("/elsewhere/.env", "D=1\n");
        assert!(files_of(&fs, &["/elsewhere/.env"]).is_empty());
    }

    /// Issue 18, item 5: an env file maps only to a project that reads it, and never to one
    /// above the repository root, where a fix hook run inside the repository would rewrite
    /// files that are not the repository's.
    #[test]
    fn an_env_file_maps_only_to_projects_in_its_repository_that_read_it() {
        let mut fs = MemFs::new();
        fs.insert("/home/u/compose.yaml", "services:\n  x:\n    image: x\n");
        fs.insert("/home/u/.env", "A=1\n");
        fs.insert("/home/u/repo/.git/HEAD", "ref: refs/heads/main\n");
        fs.insert("/home/u/repo/frontend/.env", "PORT=3000\n");
        assert!(files_of(&fs, &["/home/u/repo/frontend/.env"]).is_empty());
        assert_eq!(
            paths_without_projects(
                &fs,
                &[PathBuf::from("/home/u/repo/frontend/.env")],
                &CommandKinds::ALL
            ),
            vec![NoProject::EnvFile(PathBuf::from(
                "/home/u/repo/frontend/.env"
            ))]
        );

        // Inside the repository: the root project reads its own `.env` and the env files
        // its services name, not the `.env` of a frontend beside it.
        fs.insert(
            "/home/u/repo/compose.yaml",
            "services:\n  web:\n    image: x\n    env_file: ./config/web.env\n",
        );
        fs.insert("/home/u/repo/.env", "B=1\n");
        fs.insert("/home/u/repo/config/web.env", "C=1\n");
        let root = vec![vec!["/home/u/repo/compose.yaml".to_string()]];
        assert!(files_of(&fs, &["/home/u/repo/frontend/.env"]).is_empty());
        assert_eq!(files_of(&fs, &["/home/u/repo/.env"]), root);
        assert_eq!(files_of(&fs, &["/home/u/repo/config/web.env"]), root);

        // An included project's `.env`, and the env file an include names.
        fs.insert(
            "/home/u/repo/compose.yaml",
            "include:\n  - db/compose.yaml\n  - path: ai/compose.yaml\n    env_file: ai/ai.env\n",
        );
        fs.insert(
            "/home/u/repo/db/compose.yaml",
            "services:\n  db:\n    image: x\n",
        );
        fs.insert("/home/u/repo/db/.env", "D=1\n");
        fs.insert(
            "/home/u/repo/ai/compose.yaml",
            "services:\n  ai:\n    image: x\n",
        );
        fs.insert("/home/u/repo/ai/ai.env", "E=1\n");
        assert_eq!(files_of(&fs, &["/home/u/repo/db/.env"]), root);
        assert_eq!(files_of(&fs, &["/home/u/repo/ai/ai.env"]), root);
    }

    /// Issue 18, item 11: a compose file that another project includes (or extends from) is
    /// part of that project, also when it lies in another directory; it is not linted on its
    /// own, where the names it uses from the including project are undefined.
    #[test]
    fn a_file_used_only_through_include_is_not_a_project_of_its_own() {
        let mut fs = MemFs::new();
        fs.insert(
            "/r/app/compose.yaml",
            "include: [../shared/compose.yaml]\nservices:\n  a:\n    image: a\n",
        );
        fs.insert(
            "/r/shared/compose.yaml",
            "services:\n  db:\n    image: db\n    depends_on: [a]\n",
        );
        fs.insert(
            "/r/base/compose.yaml",
            "services:\n  common:\n    image: c\n",
        );
        fs.insert(
            "/r/svc/compose.yaml",
            "services:\n  s:\n    extends:\n      file: ../base/compose.yaml\n      service: common\n",
        );
        let app = vec!["/r/app/compose.yaml".to_string()];
        let svc = vec!["/r/svc/compose.yaml".to_string()];
        assert_eq!(files_of(&fs, &["/r"]), vec![app.clone(), svc.clone()]);
        // Named on its own (pre-commit passes the changed file): the project above it that
        // includes it is linted instead. (Only directories above are searched, up to the
        // repository root: `shared/` named alone is still linted alone.)
        fs.insert(
            "/r/app/compose.yaml",
            "include: [../shared/compose.yaml, parts/compose.yaml]\nservices:\n  a:\n    image: a\n",
        );
        fs.insert(
            "/r/app/parts/compose.yaml",
            "services:\n  p:\n    image: p\n    depends_on: [a]\n",
        );
        fs.insert("/r/.git/HEAD", "x\n");
        assert_eq!(files_of(&fs, &["/r"]), vec![app.clone(), svc.clone()]);
        assert_eq!(
            files_of(&fs, &["/r/app/parts/compose.yaml"]),
            vec![app.clone()]
        );
        // Two projects that include each other (Compose refuses the cycle) are both kept.
        fs.insert(
            "/c/x/compose.yaml",
            "include: [../y/compose.yaml]\nservices:\n  x:\n    image: x\n",
        );
        fs.insert(
            "/c/y/compose.yaml",
            "include: [../x/compose.yaml]\nservices:\n  y:\n    image: y\n",
        );
        assert_eq!(files_of(&fs, &["/c"]).len(), 2);
    }

    /// A file named explicitly is a compose file whatever its name (`docker compose -f`),
    /// unless a project around it includes it; a file Compose ignores maps to the project
    /// that reports it.
    #[test]
    fn explicit_files_and_ignored_files() {
        let mut fs = MemFs::new();
        fs.insert("/r/deploy/stack.yml", "services:\n  x:\n    image: x\n");
        fs.insert(
            "/r/app/compose.yaml",
            "include: [parts/db.yml]\nservices:\n  a:\n    image: a\n",
        );
        fs.insert("/r/app/parts/db.yml", "services:\n  db:\n    image: db\n");
        fs.insert(
            "/r/app/docker-compose.yml",
            "services:\n  old:\n    image: o\n",
        );
        assert_eq!(
            files_of(&fs, &["/r/deploy/stack.yml"]),
            vec![vec!["/r/deploy/stack.yml".to_string()]]
        );
        let app = vec![vec!["/r/app/compose.yaml".to_string()]];
        assert_eq!(files_of(&fs, &["/r/app/parts/db.yml"]), app);
        // The ignored default file is neither a project nor linted with one: the main
        // project reports it, and a change to it re-lints that project.
        assert_eq!(files_of(&fs, &["/r/app"]), app);
        assert_eq!(files_of(&fs, &["/r/app/docker-compose.yml"]), app);
    }

    #[test]
    fn paths_that_yield_no_project() {
        let mut fs = MemFs::new();
        fs.insert("/r/app/compose.yaml", "services: {}\n");
        fs.insert("/r/app/.env", "A=1\n");
        fs.insert("/r/docs/README.md", "# docs\n");
        fs.insert("/r/web/.env", "B=1\n");
        fs.insert("/r/web/stack.yml", "services: {}\n");
        let paths: Vec<PathBuf> = [
            "/r/app",
            "/r/app/.env",
            "/r/docs",
            "/r/web/.env",
            "/r/docs/README.md",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(
            paths_without_projects(&fs, &paths, &CommandKinds::ALL),
            vec![
                NoProject::Directory(PathBuf::from("/r/docs")),
                NoProject::EnvFile(PathBuf::from("/r/web/.env")),
            ]
        );
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let fs = MemFs::new();
        assert!(projects_for_paths(&fs, &[PathBuf::from("/nope")], &CommandKinds::ALL).is_err());
    }

    #[test]
    fn scripts_and_documents_are_projects_of_the_kinds_read() {
        let mut fs = MemFs::new();
        fs.insert("/r/compose.yaml", "services: {}\n");
        fs.insert("/r/run.sh", "docker run -d --name a ollama/ollama\n");
        fs.insert(
            "/r/README.md",
            "```sh\ndocker run -d --name a ollama/ollama\n```\n",
        );
        fs.insert("/r/notes.md", "No commands here.\n");
        fs.insert(
            "/r/start",
            "#!/usr/bin/env bash\ndocker run -d ollama/ollama\n",
        );
        fs.insert("/r/LICENSE", "Permission is granted to run docker.\n");
        fs.insert("/r/.envrc", "#!/bin/sh\ndocker run -d ollama/ollama\n");
        let found = |paths: &[&str], kinds| files_read(&fs, paths, kinds).concat();
        // A search reads only documents that mention docker, and a file without an extension
        // when its shebang runs a shell.
        assert_eq!(
            found(&["/r"], CommandKinds::ALL),
            ["/r/README.md", "/r/compose.yaml", "/r/run.sh", "/r/start"]
        );
        let shell_only = CommandKinds {
            shell: true,
            markdown: false,
        };
        assert_eq!(
            found(&["/r"], shell_only),
            ["/r/compose.yaml", "/r/run.sh", "/r/start"]
        );
        let markdown_only = CommandKinds {
            shell: false,
            markdown: true,
        };
        assert_eq!(
            found(&["/r"], markdown_only),
            ["/r/README.md", "/r/compose.yaml"]
        );
        // Named, a script without an extension is one by its shebang, and is not taken for a
        // compose file when scripts are not read.
        assert_eq!(found(&["/r/start"], CommandKinds::ALL), ["/r/start"]);
        assert!(found(&["/r/start", "/r/README.md"], CommandKinds::NONE).is_empty());
        assert_eq!(found(&["/r/README.md"], shell_only), Vec::<String>::new());
        // A directory with nothing the run reads yields no project.
        assert_eq!(
            paths_without_projects(&fs, &[PathBuf::from("/r")], &CommandKinds::NONE),
            []
        );
        let mut docs = MemFs::new();
        docs.insert("/d/README.md", "```sh\ndocker run -d ollama/ollama\n```\n");
        assert!(
            paths_without_projects(&docs, &[PathBuf::from("/d")], &CommandKinds::ALL).is_empty()
        );
        assert_eq!(
            paths_without_projects(&docs, &[PathBuf::from("/d")], &CommandKinds::NONE),
            [NoProject::Directory(PathBuf::from("/d"))]
        );
    }

    #[test]
    fn a_document_is_a_project_for_its_commands_and_one_for_each_compose_block() {
        let mut fs = MemFs::new();
        fs.insert(
            "/d/README.md",
            "Docker:\n```sh\ndocker ps\n```\n```yaml\nservices: {}\n```\n```yml\nservices:\n  a: {}\n```\n",
        );
        fs.insert("/d/PROSE.md", "Docker is mentioned, nothing runs.\n");
        fs.insert("/d/COMPOSE.md", "```yaml\nservices:\n  a: {}\n```\n");
        let blocks: Vec<(String, Option<usize>)> =
            projects_for_paths(&fs, &[PathBuf::from("/d")], &CommandKinds::ALL)
                .unwrap()
                .into_iter()
                .map(|p| {
                    let block = compose_blocks::block_of(&p.files).map(|(_, i)| i);
                    (p.files[0].display().to_string(), block)
                })
                .collect();
        assert_eq!(
            blocks,
            [
                ("/d/COMPOSE.md".to_string(), Some(0)),
                ("/d/README.md".to_string(), None),
                ("/d/README.md".to_string(), Some(0)),
                ("/d/README.md".to_string(), Some(1)),
            ]
        );
    }
}
