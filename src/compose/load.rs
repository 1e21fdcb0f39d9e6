//! Loads one project the way Compose does: the project environment, every compose file parsed
//! and interpolated, `include` and `extends` resolved, the documents merged, the model built.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::comments::Comments;
use crate::fs::FileSystem;
use crate::interpolate::{InterpolationError, interpolate};
use crate::source::{FileId, FileKind, SourceFile, Sources, Span};
use crate::text::{Origin, Text};
use crate::yaml::{
    self, Entry, Limits, Node, NodeKind, Scalar, ScalarStyle, ScalarValue, YamlErrorKind,
};

use super::env::Env;
use super::from_tree;
use super::issues::{self, LoadIssue};
use super::merge;
use super::model::Project;
use super::profiles::Selection;
use super::reader::{EnvFile, Reader};
use super::tree;

pub use super::reader::ENV_TEMPLATES;

/// Variables every shell that runs Compose sets. Compose also sets `PWD` to its working
/// directory when the environment lacks it (Docker Compose v2.40.3 under `env -i` interpolates
/// `${PWD}` and warns only about `HOME`), so the loader gives it the project directory, where
/// Compose usually runs.
pub const ALWAYS_SET: [&str; 3] = ["HOME", "PWD", "USER"];

/// Where variables come from and how the project directory is chosen.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--project-directory`; otherwise the first compose file's directory.
    pub project_directory: Option<PathBuf>,
    /// `--env-file`, in order; when empty the project's `.env` (or its template) is read.
    pub env_files: Vec<PathBuf>,
    /// `-e KEY=VALUE`: beats every file, like the shell environment does for Compose.
    pub cli_env: Vec<(String, String)>,
    /// The process environment, only when the user asked for it (`--process-env`).
    pub process_env: Option<Vec<(String, String)>>,
    /// `--profile`, in order: beats `COMPOSE_PROFILES`, as in Compose.
    pub profiles: Vec<String>,
    /// Keep the merged document in [`Project::merged`] (for `composelint config`); linting
    /// does not need it, and on a large project it is the biggest thing in memory.
    pub keep_merged: bool,
}

/// A failure that stops the whole run (exit 2): the user named something that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Loads the project formed by `files` (in `-f` order).
pub fn load_project(
    fs: &dyn FileSystem,
    files: &[PathBuf],
    options: &LoadOptions,
) -> Result<(Project, Sources), LoadError> {
    let directory = options
        .project_directory
        .clone()
        .or_else(|| {
            files
                .first()
                .and_then(|f| f.parent().map(Path::to_path_buf))
        })
        .unwrap_or_default();
    let mut loader = Loader {
        files: Reader::new(fs),
        parsed: HashMap::new(),
        include_unread: false,
        base_unread: Default::default(),
        extended: HashMap::new(),
    };
    let mut project = Project {
        directory: directory.clone(),
        ..Project::default()
    };

    let mut env = loader.process_env(options);
    // Compose sets `PWD` to the directory it runs in when its environment has none, before
    // reading `.env`, which cannot change it; composelint takes it to run in the project
    // directory, where users run it (tests/compose_differential.rs checks this against
    // Docker Compose).
    if directory.is_absolute() {
        let pwd = directory.to_string_lossy().into_owned();
        env.set_default("PWD", Text::new(pwd, Origin::Synthetic));
    }
    project.env_files = loader.project_env_files(&directory, options, &mut env)?;

    let mut documents = Vec::new();
    for path in files {
        let id = loader.files.read(path).map_err(|message| LoadError {
            path: path.clone(),
            message,
        })?;
        project.files.push(id);
        for doc in loader.parse(id) {
            documents.push((id, doc));
        }
    }
    project.name = project_name(&env, &documents, &directory);
    project.enabled_profiles = if options.profiles.is_empty() {
        env.get("COMPOSE_PROFILES")
            .and_then(|v| Selection::from_variable(v.as_str()))
            .map(|s| s.profiles)
    } else {
        Some(options.profiles.clone())
    };
    env.set_default(
        "COMPOSE_PROJECT_NAME",
        Text::new(project.name.clone(), Origin::Synthetic),
    );

    let mut merged: Option<Node> = None;
    let mut stack = Vec::new();
    for (id, mut doc) in documents {
        let path = loader.files.sources.get(id).path.clone();
        loader.interpolate(&mut doc, &env);
        let doc = loader.resolve_document(doc, &path, &directory, &env, &mut stack);
        let base = merged.unwrap_or_else(|| empty_mapping(Some(id)));
        merged = Some(loader.merge(base, doc));
    }
    // Every document went through the merge pipeline, the first merged into an empty one.
    let mut root = merged.unwrap_or_else(|| empty_mapping(project.files.first().copied()));
    if is_empty_project(&root) && loader.files.issues.iter().all(|i| !i.is_fatal()) {
        loader.files.issues.push(LoadIssue::Structure {
            span: Span::new(project.files.first().copied().unwrap_or(FileId(0)), 0, 0),
            message: "the compose file is empty: Compose refuses a project with nothing in it (`empty compose file`)".into(),
        });
    }

    for (span, message) in super::schema::violations(&root) {
        loader
            .files
            .issues
            .push(LoadIssue::Structure { span, message });
    }
    let project_name = project.name.clone();
    let mut model = from_tree::Builder {
        files: &mut loader.files,
        env: &env,
        directory: &directory,
        project_name: &project_name,
    };
    model.build(&mut root, !options.keep_merged, &mut project);
    project.partial = loader.include_unread;
    for service in &mut project.services {
        service.partial |= loader.base_unread.contains(&service.name);
    }
    project.templates_used = std::mem::take(&mut loader.files.templates_used);
    project.merged = options.keep_merged.then_some(root);
    let mut issues = without_repeats(loader.files.issues);
    if options.process_env.is_none() {
        // Every shell sets these, and Compose sets `PWD` itself: without the process
        // environment their values are unknown, not unset.
        issues.retain(|issue| {
            !matches!(issue, LoadIssue::UndefinedVariable { name, .. }
                if ALWAYS_SET.contains(&name.as_str()))
        });
    }
    project.issues = issues;
    Ok((project, loader.files.sources))
}

/// The issues with at most one structure problem per place: the schema, the merge pipeline
/// and the model may each notice the same wrong value.
fn without_repeats(issues: Vec<LoadIssue>) -> Vec<LoadIssue> {
    let mut seen = std::collections::HashSet::new();
    issues
        .into_iter()
        .filter(|issue| match issue {
            LoadIssue::Structure { span, .. } => seen.insert(*span),
            _ => true,
        })
        .collect()
}

/// Nothing but the obsolete `version`, which Compose drops before it looks.
fn is_empty_project(root: &Node) -> bool {
    root.as_mapping()
        .is_some_and(|entries| entries.iter().all(|e| e.key.as_str() == Some("version")))
}

fn empty_mapping(file: Option<FileId>) -> Node {
    Node {
        kind: NodeKind::Mapping(Vec::new()),
        span: Span::new(file.unwrap_or(FileId(0)), 0, 0),
        tag: None,
    }
}

/// Compose's project name: `COMPOSE_PROJECT_NAME`, else the last top-level `name:`, else the
/// directory's name, normalised to what Compose accepts.
fn project_name(env: &Env, documents: &[(FileId, Node)], directory: &Path) -> String {
    if let Some(name) = env.get("COMPOSE_PROJECT_NAME")
        && !name.is_empty()
    {
        return normalize_project_name(name.as_str());
    }
    let from_files = documents
        .iter()
        .filter_map(|(_, doc)| doc.get("name"))
        .filter_map(|n| n.as_scalar())
        .next_back()
        .map(|s| {
            interpolate(&s.text, &env.lookup())
                .map(|i| i.text.value)
                .unwrap_or_else(|_| s.text.value.clone())
        });
    if let Some(name) = from_files {
        let normalized = normalize_project_name(&name);
        if !normalized.is_empty() {
            return normalized;
        }
    }
    let base = directory
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let normalized = normalize_project_name(&base);
    if normalized.is_empty() {
        "default".to_string()
    } else {
        normalized
    }
}

/// Lower case, only `[a-z0-9_-]`, no leading `_` or `-`.
pub fn normalize_project_name(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

struct Loader<'a> {
    files: Reader<'a>,
    /// Documents of files already parsed (extends and include may name a file twice).
    parsed: HashMap<PathBuf, (FileId, Vec<Node>)>,
    /// An `include` file could not be read.
    include_unread: bool,
    /// Services whose `extends` base file could not be read.
    base_unread: std::collections::HashSet<String>,
    /// Services with their `extends` chain merged in, by file and name.
    extended: HashMap<(PathBuf, String), Option<Node>>,
}

impl Loader<'_> {
    fn process_env(&self, options: &LoadOptions) -> Env {
        let mut env = Env::new();
        for (k, v) in &options.cli_env {
            env.set_default(k, Text::new(v.clone(), Origin::CommandLine));
        }
        for (k, v) in options.process_env.iter().flatten() {
            env.set_default(k, Text::new(v.clone(), Origin::ProcessEnv));
        }
        env
    }

    /// Reads `--env-file` files, or the project's `.env` (or a template standing in for it),
    /// into `env` (values already there win).
    fn project_env_files(
        &mut self,
        directory: &Path,
        options: &LoadOptions,
        env: &mut Env,
    ) -> Result<Vec<FileId>, LoadError> {
        for path in &options.env_files {
            if !self.files.is_file(path) {
                return Err(LoadError {
                    path: path.clone(),
                    message: "couldn't find env file".into(),
                });
            }
        }
        let paths = if options.env_files.is_empty() {
            vec![directory.join(".env")]
        } else {
            options.env_files.clone()
        };
        let outer = env.clone();
        let mut from_files = Env::new();
        let mut ids = Vec::new();
        for path in paths {
            let EnvFile::Read(id) = self.files.env_file(&path) else {
                continue;
            };
            ids.push(id);
            let lookup = |name: &str| outer.get(name).or_else(|| from_files.get(name)).cloned();
            for entry in self.files.env_entries(id, FileKind::ProjectEnv, &lookup) {
                if let Some(value) = entry.value {
                    from_files.set(&entry.key, value);
                }
            }
        }
        for (k, v) in from_files.iter() {
            env.set_default(k, v.clone());
        }
        Ok(ids)
    }

    /// The YAML documents of a file, with its syntax problems and its comments recorded.
    fn parse(&mut self, id: FileId) -> Vec<Node> {
        let (documents, issues, mut comments) = parse_documents(self.files.sources.get(id));
        self.files.issues.extend(issues);
        // A file that could not be read as text (see `Reader::read`) has no reliable comments
        // either.
        if self
            .files
            .issues
            .iter()
            .any(|i| matches!(i, LoadIssue::Syntax { span, .. } if span.file == id))
        {
            comments = Comments::Unknown;
        }
        self.files.sources.record(id, FileKind::Compose, comments);
        documents
    }

    /// Parses and interpolates a file referenced by `include` or `extends`, once.
    fn referenced_documents(
        &mut self,
        path: &Path,
        reference: Span,
        env: &Env,
    ) -> Option<(FileId, Vec<Node>)> {
        if let Some(found) = self.parsed.get(path) {
            return Some(found.clone());
        }
        let id = match self.files.read(path) {
            Ok(id) => id,
            Err(reason) => {
                self.files.issues.push(LoadIssue::MissingFile {
                    path: path.to_path_buf(),
                    span: reference,
                    reason,
                });
                return None;
            }
        };
        let mut docs = self.parse(id);
        for doc in &mut docs {
            self.interpolate(doc, env);
        }
        self.parsed.insert(path.to_path_buf(), (id, docs.clone()));
        Some((id, docs))
    }

    /// Interpolates every string value (never a key) of a document in place.
    fn interpolate(&mut self, node: &mut Node, env: &Env) {
        let lookup = env.lookup();
        let mut pending: Vec<&mut Node> = vec![node];
        while let Some(node) = pending.pop() {
            match &mut node.kind {
                NodeKind::Mapping(entries) => {
                    pending.extend(entries.iter_mut().map(|e| &mut e.value))
                }
                NodeKind::Sequence(items) => pending.extend(items.iter_mut()),
                NodeKind::Scalar(scalar) => {
                    if !matches!(scalar.value(), ScalarValue::Str(_))
                        || !scalar.text.value.contains('$')
                    {
                        continue;
                    }
                    let fallback = node.span;
                    let locate = |text: &Text, range: std::ops::Range<usize>| {
                        text.exact_span(range.clone())
                            .or_else(|| text.spans(range).into_iter().next())
                            .unwrap_or(fallback)
                    };
                    match interpolate(&scalar.text, &lookup) {
                        Ok(done) => {
                            for var in &done.unset {
                                self.files.issues.push(LoadIssue::UndefinedVariable {
                                    name: var.name.clone(),
                                    span: locate(&scalar.text, var.range.clone()),
                                });
                            }
                            scalar.text = done.text;
                            // Compose interpolates strings and keeps them strings: an unset
                            // `${X}` is "", not null; `${PORT}` is "8080", not a number.
                            if scalar.style == ScalarStyle::Plain {
                                scalar.style = ScalarStyle::DoubleQuoted;
                            }
                        }
                        Err(error) => {
                            let message = error.to_string();
                            self.files.issues.push(match error {
                                InterpolationError::Invalid { range, .. } => {
                                    LoadIssue::InvalidInterpolation {
                                        span: locate(&scalar.text, range),
                                        message,
                                    }
                                }
                                InterpolationError::Required {
                                    name,
                                    message,
                                    range,
                                } => LoadIssue::RequiredVariable {
                                    name,
                                    message,
                                    span: locate(&scalar.text, range),
                                },
                            });
                        }
                    }
                }
            }
        }
    }

    /// One step of Compose's per-file pipeline: merge, de-duplicate, short syntax to long
    /// syntax, drop empty values, de-duplicate again. A step that fails is reported and the
    /// project goes on with what merged so far.
    fn merge(&mut self, base: Node, overlay: Node) -> Node {
        let fallback = base.clone();
        let span = overlay.span;
        let merged = match merge::merge(base, overlay) {
            Ok(node) => node,
            Err(error) => {
                self.files.issues.push(LoadIssue::Structure {
                    span: error.span.unwrap_or(span),
                    message: error.message,
                });
                return fallback;
            }
        };
        self.normalize(merged, span)
    }

    /// Compose's normalisation after a merge step, one service or resource at a time: a unit
    /// that cannot be normalised stays as merged (the model reports it where it was written)
    /// while the others are normalised, and only one unit is ever copied to allow that.
    /// Every rule of the normalisation applies within one `section.name` (see
    /// `merge::normalize`), so unit by unit is the same as all at once.
    fn normalize(&mut self, mut root: Node, span: Span) -> Node {
        let NodeKind::Mapping(sections) = &mut root.kind else {
            return self.normalize_unit(root, span);
        };
        for section in sections.iter_mut() {
            let NodeKind::Mapping(children) = &mut section.value.kind else {
                let unit = single_entry_root(section.key.clone(), take_node(&mut section.value));
                section.value = only_value(self.normalize_unit(unit, span));
                continue;
            };
            for child in children.iter_mut() {
                let inner = Entry {
                    key: child.key.clone(),
                    value: take_node(&mut child.value),
                };
                let section_span = section.value.span;
                let unit = single_entry_root(
                    section.key.clone(),
                    tree::mapping_node(vec![inner], section_span),
                );
                child.value = only_value(only_value(self.normalize_unit(unit, span)));
            }
        }
        root
    }

    fn normalize_unit(&mut self, unit: Node, span: Span) -> Node {
        let fallback = unit.clone();
        match merge::normalize(unit) {
            Ok(long) => long,
            Err(error) => {
                let at = error.span.unwrap_or(span);
                self.files
                    .issues
                    .push(value_issue(&fallback, at, error.message));
                fallback
            }
        }
    }

    /// Applies a document's `include:` and its services' `extends:`.
    fn resolve_document(
        &mut self,
        doc: Node,
        path: &Path,
        directory: &Path,
        env: &Env,
        stack: &mut Vec<PathBuf>,
    ) -> Node {
        stack.push(path.to_path_buf());
        let (doc, includes) = take_entry(doc, "include");
        let mut doc = self.resolve_extends(doc, path, directory, env);
        if let Some(includes) = includes
            && let Some(included) = self.load_includes(&includes, directory, env, stack)
        {
            // The including file's own definitions win over what it includes.
            doc = self.merge(included, doc);
        }
        stack.pop();
        doc
    }

    fn load_includes(
        &mut self,
        includes: &Node,
        directory: &Path,
        env: &Env,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Node> {
        let Some(items) = includes.as_sequence() else {
            self.files.issues.push(LoadIssue::Structure {
                span: includes.span,
                message: format!("`include` must be a list, not {}", includes.type_name()),
            });
            return None;
        };
        let mut included: Vec<Node> = Vec::new();
        for item in items {
            let Some(include) = IncludeEntry::read(item, &mut self.files.issues) else {
                continue;
            };
            // Normalised, so that a file reached as `app/../shared/x.yaml` is the file
            // `shared/x.yaml` that other projects read: one file, one place in findings.
            let paths: Vec<PathBuf> = include
                .paths
                .iter()
                .map(|p| crate::paths::resolve(directory, p))
                .collect();
            let Some(first) = paths.first() else { continue };
            let inc_dir = include
                .project_directory
                .as_ref()
                .map(|d| crate::paths::resolve(directory, d))
                .or_else(|| first.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| directory.to_path_buf());
            if let Some(pos) = stack.iter().position(|p| paths.contains(p)) {
                let chain: Vec<String> = stack[pos..]
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                self.files.issues.push(LoadIssue::Cycle {
                    span: item.span,
                    message: format!(
                        "include cycle: {} includes {}",
                        chain.join(" → "),
                        first.display()
                    ),
                });
                continue;
            }
            let inc_env = self.include_env(env, &inc_dir, &include, directory, item.span);
            let mut inc_root: Option<Node> = None;
            for path in &paths {
                let Some((_, docs)) = self.referenced_documents(path, item.span, &inc_env) else {
                    self.include_unread = true;
                    continue;
                };
                for doc in docs {
                    let mut doc = self.resolve_document(doc, path, &inc_dir, &inc_env, stack);
                    // An included project's paths are relative to its own directory.
                    if let Some(NodeKind::Mapping(services)) =
                        mapping_value_mut(&mut doc, "services").map(|n| &mut n.kind)
                    {
                        for service in services {
                            rebase_service_paths(&mut service.value, &inc_dir);
                        }
                    }
                    inc_root = Some(match inc_root {
                        None => doc,
                        Some(base) => self.merge(base, doc),
                    });
                }
            }
            let Some(inc_root) = inc_root else { continue };
            included.push(only_resources(inc_root));
        }
        self.merge_in_order(included)
    }

    /// Merges `parts` as folding them from the left would (each later one over the earlier
    /// ones), in pairs, round after round: a merge step copies and normalises everything merged
    /// so far, so the fold costs the square of the number of parts (2,000 included files took
    /// over a minute) and the pairs only its logarithm. The merge is associative: later values
    /// replace, lists append and de-duplicate in order, mappings merge key by key.
    fn merge_in_order(&mut self, mut parts: Vec<Node>) -> Option<Node> {
        while parts.len() > 1 {
            let mut next = Vec::with_capacity(parts.len().div_ceil(2));
            let mut pending = parts.into_iter();
            while let Some(first) = pending.next() {
                next.push(match pending.next() {
                    Some(second) => self.merge(first, second),
                    None => first,
                });
            }
            parts = next;
        }
        parts.pop()
    }

    /// The environment of an included project: the parent's, plus its own `.env` (the parent
    /// wins; nothing leaks back to the parent).
    fn include_env(
        &mut self,
        parent: &Env,
        inc_dir: &Path,
        include: &IncludeEntry,
        directory: &Path,
        item: Span,
    ) -> Env {
        // Its own `.env` may be missing; an `env_file` it names must exist (Compose refuses
        // the project otherwise).
        let (paths, required): (Vec<PathBuf>, bool) = if include.env_files.is_empty() {
            (vec![inc_dir.join(".env")], false)
        } else {
            let named = include
                .env_files
                .iter()
                .filter(|f| f.as_str() != "/dev/null")
                .map(|f| directory.join(f))
                .collect();
            (named, true)
        };
        let mut own = Env::new();
        for path in paths {
            let id = match self.files.env_file(&path) {
                EnvFile::Read(id) => id,
                EnvFile::Missing if required => {
                    self.files
                        .issues
                        .push(LoadIssue::EnvFileNotFound { path, span: item });
                    continue;
                }
                EnvFile::Missing => continue,
                EnvFile::Unreadable(reason) => {
                    self.files.issues.push(LoadIssue::MissingFile {
                        path,
                        span: item,
                        reason,
                    });
                    continue;
                }
            };
            let lookup = |name: &str| parent.get(name).or_else(|| own.get(name)).cloned();
            for entry in self.files.env_entries(id, FileKind::ProjectEnv, &lookup) {
                if let Some(value) = entry.value {
                    own.set(&entry.key, value);
                }
            }
        }
        parent.with_defaults_from(&own)
    }

    /// Replaces every service that `extends` another by the merged result.
    fn resolve_extends(&mut self, mut doc: Node, path: &Path, directory: &Path, env: &Env) -> Node {
        let Some(services) = doc.get("services") else {
            return doc;
        };
        let Some(entries) = services.as_mapping() else {
            return doc;
        };
        let names: Vec<String> = entries
            .iter()
            .filter(|e| e.value.get("extends").is_some())
            .filter_map(|e| e.key.as_str().map(str::to_string))
            .collect();
        if names.is_empty() {
            return doc;
        }
        let mut resolved = Vec::new();
        for name in names {
            let mut chain = Vec::new();
            if let Some(node) =
                self.extended_service(services, &name, path, directory, env, &mut chain)
            {
                resolved.push((name, node));
            }
        }
        if let Some(NodeKind::Mapping(entries)) =
            mapping_value_mut(&mut doc, "services").map(|n| &mut n.kind)
        {
            for (name, node) in resolved {
                if let Some(entry) = entries.iter_mut().find(|e| e.key.as_str() == Some(&name)) {
                    entry.value = node;
                }
            }
        }
        doc
    }

    /// The service `name` of `services` with its `extends` chain merged in. Each service is
    /// resolved once: in a chain of n services each would otherwise resolve all the ones
    /// below it again (2,000 services took minutes).
    fn extended_service(
        &mut self,
        services: &Node,
        name: &str,
        path: &Path,
        directory: &Path,
        env: &Env,
        chain: &mut Vec<(PathBuf, String, Span)>,
    ) -> Option<Node> {
        let key = (path.to_path_buf(), name.to_string());
        if let Some(done) = self.extended.get(&key) {
            return done.clone();
        }
        let resolved = self.resolve_extended_service(services, name, path, directory, env, chain);
        self.extended.insert(key, resolved.clone());
        resolved
    }

    fn resolve_extended_service(
        &mut self,
        services: &Node,
        name: &str,
        path: &Path,
        directory: &Path,
        env: &Env,
        chain: &mut Vec<(PathBuf, String, Span)>,
    ) -> Option<Node> {
        let service = services.get(name)?.clone();
        let (service, extends) = take_entry(service, "extends");
        let Some(extends) = extends else {
            return Some(service);
        };
        let key = (path.to_path_buf(), name.to_string());
        if let Some(start) = chain
            .iter()
            .position(|(p, n, _)| (p, n) == (&key.0, &key.1))
        {
            // Reported at the `extends` of every service on the cycle, each naming it from
            // itself: resolved once each, the others would not see it again.
            let cycle = &chain[start..];
            for (i, (_, member, span)) in cycle.iter().enumerate() {
                let names: Vec<&str> = cycle[i..]
                    .iter()
                    .chain(&cycle[..i])
                    .map(|(_, n, _)| n.as_str())
                    .collect();
                self.files.issues.push(LoadIssue::Cycle {
                    span: *span,
                    message: format!("circular extends: {} → {member}", names.join(" → ")),
                });
            }
            return Some(service);
        }
        let (base_name, base_file) = match &extends.kind {
            NodeKind::Scalar(s) => (s.text.value.clone(), None),
            NodeKind::Mapping(_) => match extends.get("service").and_then(Node::as_str) {
                Some(base) => (
                    base.to_string(),
                    extends
                        .get("file")
                        .and_then(Node::as_str)
                        .map(str::to_string),
                ),
                None => {
                    self.files.issues.push(LoadIssue::Structure {
                        span: extends.span,
                        message: "`extends` needs a `service`".into(),
                    });
                    return Some(service);
                }
            },
            NodeKind::Sequence(_) => {
                self.files.issues.push(LoadIssue::Structure {
                    span: extends.span,
                    message: "`extends` must be a service name or a mapping".into(),
                });
                return Some(service);
            }
        };
        chain.push((key.0, key.1, extends.span));
        let base = match base_file {
            Some(file) => {
                let base_path = crate::paths::resolve(directory, &file);
                let base_dir = base_path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| directory.to_path_buf());
                let docs = self.referenced_documents(&base_path, extends.span, env);
                if docs.is_none() {
                    self.base_unread.insert(name.to_string());
                }
                let base_services = docs.and_then(|(_, docs)| {
                    docs.into_iter()
                        .filter_map(|d| d.get("services").cloned())
                        .next_back()
                });
                match base_services {
                    // Paths in a base from another file are relative to that file.
                    Some(s) if s.get(&base_name).is_some() => self
                        .extended_service(&s, &base_name, &base_path, &base_dir, env, chain)
                        .map(|mut base| {
                            rebase_service_paths(&mut base, &base_dir);
                            base
                        }),
                    Some(_) => {
                        self.files.issues.push(LoadIssue::UnknownExtends {
                            service: base_name.clone(),
                            span: extends.span,
                            file: base_path.clone(),
                        });
                        None
                    }
                    None => None,
                }
            }
            None if services.get(&base_name).is_some() => {
                self.extended_service(services, &base_name, path, directory, env, chain)
            }
            None => {
                self.files.issues.push(LoadIssue::UnknownExtends {
                    service: base_name.clone(),
                    span: extends.span,
                    file: path.to_path_buf(),
                });
                None
            }
        };
        chain.pop();
        let Some(base) = base else {
            return Some(service);
        };
        let wrap = |node: Node| single_service_document(name, node);
        let merged = self.merge(wrap(base), wrap(service.clone()));
        Some(
            merged
                .get("services")
                .and_then(|s| s.get(name))
                .cloned()
                .unwrap_or(service),
        )
    }
}

/// A document `{services: {name: service}}`, for merging one service with Compose's rules.
fn single_service_document(name: &str, service: Node) -> Node {
    let span = service.span;
    let key = |k: &str| Node {
        kind: NodeKind::Scalar(Scalar {
            text: Text::synthetic(k),
            style: ScalarStyle::Plain,
        }),
        span,
        tag: None,
    };
    let services = Node {
        kind: NodeKind::Mapping(vec![Entry {
            key: key(name),
            value: service,
        }]),
        span,
        tag: None,
    };
    Node {
        kind: NodeKind::Mapping(vec![Entry {
            key: key("services"),
            value: services,
        }]),
        span,
        tag: None,
    }
}

/// An invalid value at the node spanning `at` in `root`.
fn value_issue(root: &Node, at: Span, message: String) -> LoadIssue {
    let text = find_node(root, at)
        .and_then(Node::as_scalar)
        .map(|s| &s.text);
    issues::invalid_value(text, at, message)
}

/// A mapping of one entry, spanning its value.
fn single_entry_root(key: Node, value: Node) -> Node {
    let span = value.span;
    tree::mapping_node(vec![Entry { key, value }], span)
}

/// The value of a mapping's only entry (what [`single_entry_root`] wrapped).
fn only_value(node: Node) -> Node {
    let span = node.span;
    match node.kind {
        NodeKind::Mapping(entries) => entries
            .into_iter()
            .next()
            .map_or_else(|| tree::null_node(span), |e| e.value),
        _ => node,
    }
}

/// Moves a node out, leaving a null in its place.
fn take_node(node: &mut Node) -> Node {
    let span = node.span;
    std::mem::replace(node, tree::null_node(span))
}

/// The node whose span is `span`, searched without recursion.
fn find_node(root: &Node, span: Span) -> Option<&Node> {
    let mut pending = vec![root];
    while let Some(node) = pending.pop() {
        if node.span == span {
            return Some(node);
        }
        match &node.kind {
            NodeKind::Mapping(entries) => pending.extend(entries.iter().map(|e| &e.value)),
            NodeKind::Sequence(items) => pending.extend(items.iter()),
            NodeKind::Scalar(_) => {}
        }
    }
    None
}

/// Makes the relative paths of a service absolute against `dir` (`env_file`, `build`
/// context, bind-mount sources), for a service read from a file whose paths are relative to
/// another directory than the project's.
fn rebase_service_paths(service: &mut Node, dir: &Path) {
    let NodeKind::Mapping(entries) = &mut service.kind else {
        return;
    };
    for entry in entries {
        match entry.key.as_str() {
            Some("env_file") => match &mut entry.value.kind {
                NodeKind::Scalar(_) => rebase_scalar(&mut entry.value, dir, |v| Some((v, ""))),
                NodeKind::Sequence(items) => {
                    for item in items {
                        match &mut item.kind {
                            NodeKind::Mapping(_) => {
                                if let Some(path) = mapping_value_mut(item, "path") {
                                    rebase_scalar(path, dir, |v| Some((v, "")));
                                }
                            }
                            _ => rebase_scalar(item, dir, |v| Some((v, ""))),
                        }
                    }
                }
                NodeKind::Mapping(_) => {}
            },
            Some("build") => {
                let context = match &mut entry.value.kind {
                    NodeKind::Scalar(_) => Some(&mut entry.value),
                    NodeKind::Mapping(_) => mapping_value_mut(&mut entry.value, "context"),
                    NodeKind::Sequence(_) => None,
                };
                if let Some(context) = context {
                    rebase_scalar(context, dir, |v| {
                        (!v.contains("://") && !v.starts_with("git@")).then_some((v, ""))
                    });
                }
            }
            Some("volumes") => {
                let NodeKind::Sequence(items) = &mut entry.value.kind else {
                    continue;
                };
                for item in items {
                    match &mut item.kind {
                        // `./data:/data[:ro]`: the source before the first `:`.
                        // A source without `.` is a named volume, not a path.
                        NodeKind::Scalar(_) => rebase_scalar(item, dir, |v| {
                            let (source, rest) = v.split_at(v.find(':')?);
                            source.starts_with('.').then_some((source, rest))
                        }),
                        NodeKind::Mapping(_) => {
                            if let Some(source) = mapping_value_mut(item, "source") {
                                rebase_scalar(source, dir, |v| {
                                    v.starts_with('.').then_some((v, ""))
                                });
                            }
                        }
                        NodeKind::Sequence(_) => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Rewrites the path part of a string scalar (`split` gives the path and what follows it)
/// when it is relative (`.`-prefixed for mounts, as Compose reads them).
fn rebase_scalar(node: &mut Node, dir: &Path, split: impl Fn(&str) -> Option<(&str, &str)>) {
    let span = node.span;
    let NodeKind::Scalar(scalar) = &mut node.kind else {
        return;
    };
    let value = scalar.text.value.clone();
    let Some((path, rest)) = split(&value) else {
        return;
    };
    if path.is_empty()
        || Path::new(path).is_absolute()
        || path.starts_with('~')
        || path.starts_with('$')
    {
        return;
    }
    let resolved = crate::paths::resolve(dir, path);
    let rebased = format!("{}{rest}", resolved.display());
    let at = scalar.text.primary_span().unwrap_or(span);
    scalar.text = Text::from_file(rebased, at, false);
}

/// Removes `key` from a mapping node, returning the rest and the removed value.
fn take_entry(mut node: Node, key: &str) -> (Node, Option<Node>) {
    let mut taken = None;
    if let NodeKind::Mapping(entries) = &mut node.kind
        && let Some(pos) = entries.iter().position(|e| e.key.as_str() == Some(key))
    {
        taken = Some(entries.remove(pos).value);
    }
    (node, taken)
}

fn mapping_value_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.kind {
        NodeKind::Mapping(entries) => entries
            .iter_mut()
            .find(|e| e.key.as_str() == Some(key))
            .map(|e| &mut e.value),
        _ => None,
    }
}

/// What an included project contributes: its resources, not its name or extensions.
fn only_resources(mut root: Node) -> Node {
    const RESOURCES: [&str; 6] = [
        "services", "volumes", "networks", "secrets", "configs", "models",
    ];
    if let NodeKind::Mapping(entries) = &mut root.kind {
        entries.retain(|e| e.key.as_str().is_some_and(|k| RESOURCES.contains(&k)));
    }
    root
}

/// One item of `include:`, short (`- path`) or long form.
struct IncludeEntry {
    paths: Vec<String>,
    project_directory: Option<String>,
    env_files: Vec<String>,
}

impl IncludeEntry {
    fn read(item: &Node, issues: &mut Vec<LoadIssue>) -> Option<IncludeEntry> {
        let strings = |node: Option<&Node>| -> Vec<String> {
            match node.map(|n| &n.kind) {
                Some(NodeKind::Scalar(s)) => vec![s.text.value.clone()],
                Some(NodeKind::Sequence(items)) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            }
        };
        match &item.kind {
            NodeKind::Scalar(s) => Some(IncludeEntry {
                paths: vec![s.text.value.clone()],
                project_directory: None,
                env_files: Vec::new(),
            }),
            NodeKind::Mapping(_) => {
                let paths = strings(item.get("path"));
                if paths.is_empty() {
                    issues.push(LoadIssue::Structure {
                        span: item.span,
                        message: "an `include` entry needs a `path`".into(),
                    });
                    return None;
                }
                Some(IncludeEntry {
                    paths,
                    project_directory: item
                        .get("project_directory")
                        .and_then(Node::as_str)
                        .map(str::to_string),
                    env_files: strings(item.get("env_file")),
                })
            }
            NodeKind::Sequence(_) => {
                issues.push(LoadIssue::Structure {
                    span: item.span,
                    message: "an `include` entry must be a path or a mapping".into(),
                });
                None
            }
        }
    }
}

/// The YAML documents of a compose file as written (without the ones Compose ignores or
/// refuses), the problems that made it drop any, and the file's comments.
pub(crate) fn parse_documents(file: &SourceFile) -> (Vec<Node>, Vec<LoadIssue>, Comments) {
    let id = file.id;
    let mut issues = Vec::new();
    if file.text.contains('\0') {
        let at = file.text.find('\0').unwrap_or(0);
        issues.push(LoadIssue::Syntax {
            span: Span::new(id, at, at + 1),
            message: "the file contains a NUL byte: it is binary, not YAML".into(),
        });
        return (Vec::new(), issues, Comments::Unknown);
    }
    let parsed = yaml::parse(id, &file.text, Limits::default());
    let mut syntax_error = false;
    for error in parsed.errors {
        issues.push(match error.kind {
            YamlErrorKind::DuplicateKey { key, first } => LoadIssue::DuplicateKey {
                span: error.span,
                first,
                key,
            },
            YamlErrorKind::InvalidMerge => LoadIssue::Structure {
                span: error.span,
                message: error.message,
            },
            YamlErrorKind::Syntax | YamlErrorKind::TooComplex | YamlErrorKind::UnknownAnchor => {
                syntax_error = true;
                LoadIssue::Syntax {
                    span: error.span,
                    message: error.message,
                }
            }
        });
    }
    // A file Compose cannot read contributes nothing, so its half-read tree does not
    // produce findings of its own.
    if syntax_error {
        return (Vec::new(), issues, Comments::Unknown);
    }
    let mut documents = Vec::new();
    for doc in parsed.documents {
        // An empty file has no document at all; a null one (`~`, or nothing after `---`)
        // Compose refuses like any other document that is not a mapping.
        if doc.as_mapping().is_none() {
            issues.push(LoadIssue::Structure {
                span: doc.span,
                message: format!(
                    "a compose file must be a mapping at the top level, not {}",
                    doc.type_name()
                ),
            });
            continue;
        }
        documents.push(doc);
    }
    (documents, issues, parsed.comments)
}

#[cfg(test)]
mod tests {
    use super::normalize_project_name;

    #[test]
    fn project_names_are_normalised_like_compose() {
        assert_eq!(normalize_project_name("My_App!"), "my_app");
        assert_eq!(normalize_project_name("My Project.v2"), "myprojectv2");
        assert_eq!(normalize_project_name("__"), "");
        assert_eq!(normalize_project_name("-x"), "x");
    }
}
