//! What a set of fixes must do, checked on the projects linted before and after them: every
//! file they touch still loads, every finding they fix is gone, no finding appears that was
//! not there (none that makes Docker Compose refuse the project above all), and what Compose
//! runs changes only where the fixes are about.
//!
//! The projects compared are every project that reads a file the fixes touch, not only the
//! ones that reported the findings: an env file may be shared by services and projects that
//! need it as it is.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::LintedProject;
use crate::compose::config::{ConfigPath, differences, render_every_service};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::fix::edits::PathEdit;
use crate::knowledge::Extensions;
use crate::ollama::Written;
use crate::reach::Found;
use crate::redact;
use crate::rules::REFUSED_BY_COMPOSE;

/// Findings whose appearance in a file means a fix broke it.
const BREAKING: [&str; 3] = ["CMP001", "CMP002", "CMP003"];

/// Which findings a fix is expected to remove: findings of the same rule about the same
/// service in the same file. Spans move when text is inserted, so they are not part of it:
/// a finding that only moved is the same finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FindingKey {
    pub code: &'static str,
    pub service: Option<String>,
    pub path: Option<PathBuf>,
}

pub fn key_of(d: &Diagnostic, p: &LintedProject) -> FindingKey {
    FindingKey {
        code: d.code,
        service: d.service.clone(),
        path: d.primary.map(|s| p.sources.get(s.file).path.clone()),
    }
}

/// A project by the compose files it is made of.
pub type ProjectKey = Vec<PathBuf>;

pub fn project_key(p: &LintedProject) -> ProjectKey {
    let files: ProjectKey = p
        .project
        .files
        .iter()
        .map(|&id| p.sources.get(id).path.clone())
        .collect();
    // A Markdown document's compose block and its commands are projects of the same file.
    match (p.project.document_block, files.as_slice()) {
        (Some(index), [doc]) => crate::commands::compose_blocks::file_set(doc, index),
        _ => files,
    }
}

/// What the checks need to know of one fix.
pub struct Checked<'a> {
    pub key: &'a FindingKey,
    pub project: &'a ProjectKey,
    pub applicability: Applicability,
    pub message: &'a str,
    pub edits: &'a [PathEdit],
}

/// Why a set of fixes was not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
    /// The fix broke a file or did not remove its finding: a bug in a rule's fix. Otherwise
    /// the fix was right for its finding but would change something else, and is dropped.
    pub internal: bool,
}

impl Rejection {
    fn internal(reason: String) -> Self {
        Rejection {
            reason,
            internal: true,
        }
    }

    fn rejected(reason: String) -> Self {
        Rejection {
            reason,
            internal: false,
        }
    }
}

/// How many findings of each key, and which files break.
#[derive(Default)]
struct Tally {
    keys: HashMap<FindingKey, usize>,
    breaking: HashMap<PathBuf, usize>,
    /// Files that do not parse. Counting is not enough: a syntax error hides the structure
    /// errors the file had, so a file with one CMP003 that a fix breaks still has one
    /// breaking finding (found by fuzzing).
    unparsed: BTreeSet<PathBuf>,
}

impl Tally {
    fn of(projects: &[&LintedProject]) -> Tally {
        let mut tally = Tally::default();
        for p in projects {
            for d in &p.diagnostics {
                let key = key_of(d, p);
                if BREAKING.contains(&d.code)
                    && let Some(path) = &key.path
                {
                    *tally.breaking.entry(path.clone()).or_default() += 1;
                    if d.code == "CMP001" {
                        tally.unparsed.insert(path.clone());
                    }
                }
                *tally.keys.entry(key).or_default() += 1;
            }
        }
        tally
    }

    fn count(&self, key: &FindingKey) -> usize {
        self.keys.get(key).copied().unwrap_or(0)
    }

    fn breaking(&self, path: &Path) -> usize {
        self.breaking.get(path).copied().unwrap_or(0)
    }
}

/// Checks fixes applied together to the files `touched`, on the projects before and after;
/// `extensions` are the in-house Ollama images and variables of each project of `before`.
pub fn judge(
    fixes: &[Checked],
    touched: &BTreeSet<PathBuf>,
    before: &[&LintedProject],
    after: &[&LintedProject],
    extensions: &[Extensions],
) -> Result<(), Rejection> {
    let (was, is) = (Tally::of(before), Tally::of(after));
    for path in touched {
        let unparsed = is.unparsed.contains(path) && !was.unparsed.contains(path);
        if unparsed || is.breaking(path) > was.breaking(path) {
            return Err(Rejection::internal(format!(
                "{} no longer loads after the fix",
                file_name(path)
            )));
        }
    }
    let mut expected_gone: HashMap<&FindingKey, usize> = HashMap::new();
    for f in fixes {
        *expected_gone.entry(f.key).or_default() += 1;
    }
    for f in fixes {
        if is.count(f.key) + expected_gone[f.key] > was.count(f.key) {
            return Err(Rejection::internal(format!(
                "the finding is still reported after the fix `{}`",
                f.message
            )));
        }
    }
    no_new_findings(&was, after, &expected_gone)?;
    meaning_kept(fixes, touched, before, after, extensions)
}

/// A finding that was not there before is a reason to drop the fixes, unless it says the
/// reference a fix repaired now works but could work better: a reachability warning or
/// information (the reference lacks `depends_on`, or reaches its server through the host).
/// A finding that makes Docker Compose refuse the project never is.
fn no_new_findings(
    was: &Tally,
    after: &[&LintedProject],
    fixed: &HashMap<&FindingKey, usize>,
) -> Result<(), Rejection> {
    let mut seen: HashMap<FindingKey, usize> = HashMap::new();
    for p in after {
        for d in &p.diagnostics {
            let key = key_of(d, p);
            if fixed.contains_key(&key) {
                continue;
            }
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            if *n <= was.count(&key) {
                continue;
            }
            let place = key
                .path
                .as_deref()
                .map(|p| format!(" in {}", file_name(p)))
                .unwrap_or_default();
            if REFUSED_BY_COMPOSE.contains(&d.code) {
                return Err(Rejection::rejected(format!(
                    "Docker Compose would refuse the project after it ({}{place}: {})",
                    d.code,
                    d.message.redacted(&redact::Secrets::default())
                )));
            }
            let follow_up = d.code.starts_with("OLL") && d.severity < Severity::Error;
            if !follow_up {
                return Err(Rejection::rejected(format!(
                    "it would add a finding ({}{place}: {})",
                    d.code,
                    d.message.redacted(&redact::Secrets::default())
                )));
            }
        }
    }
    Ok(())
}

/// What Compose runs may change only where the fixes are about: an unsafe fix may change its
/// own service (and add top-level networks and volumes); a safe fix one setting of its own
/// service (an environment variable, `healthcheck`, …), or several only when each is a
/// variable through which the service reaches Ollama (one shared value fixing two references).
/// Compared with every profile enabled, in every project that reads a touched file.
fn meaning_kept(
    fixes: &[Checked],
    touched: &BTreeSet<PathBuf>,
    before: &[&LintedProject],
    after: &[&LintedProject],
    extensions: &[Extensions],
) -> Result<(), Rejection> {
    let after: HashMap<ProjectKey, &LintedProject> =
        after.iter().map(|p| (project_key(p), *p)).collect();
    for (old, extensions) in before.iter().zip(extensions) {
        if !old.sources.iter().any(|f| touched.contains(&f.path)) {
            continue;
        }
        let key = project_key(old);
        let Some(new) = after.get(&key) else { continue };
        let (Ok(old_config), Ok(new_config)) = (rendered(old), rendered(new)) else {
            // A project Compose refuses has no configuration; refusals are findings.
            continue;
        };
        let mut allowed = Allowed::new(fixes, &key, old, extensions);
        let reject = |path: &ConfigPath| {
            let project = if before.len() > 1 {
                format!(" in the project of {}", file_name(&key[0]))
            } else {
                String::new()
            };
            Rejection::rejected(format!(
                "it would also change {}{project}",
                describe(path, &old_config, &new_config)
            ))
        };
        // Per service with a safe fix: each setting changed, with its first changed place.
        let mut safe: BTreeMap<&str, BTreeMap<String, &ConfigPath>> = BTreeMap::new();
        let changed = differences(&old_config, &new_config);
        // One line that several services load (a shared `env_file`, a YAML anchor under an
        // `x-` key) fixed for one of them gives the others, and the anchor, the same value of
        // the same variable: that is the fix's own change, not another, unless the variable
        // means something else there (the server's own listen address).
        let value_at = |config: &Value, path: &ConfigPath| {
            path.0
                .iter()
                .try_fold(config, |v, segment| v.get(segment))
                .cloned()
        };
        let fixed_values: HashSet<(String, String, String)> = changed
            .iter()
            .filter_map(|path| match path.0.as_slice() {
                [section, service, field, var]
                    if section == "services" && field == "environment" =>
                {
                    allowed.services.get(service.as_str())?;
                    let before = value_at(&old_config, path)?;
                    let after = value_at(&new_config, path)?;
                    Some((var.clone(), before.to_string(), after.to_string()))
                }
                _ => None,
            })
            .collect();
        // The same change: the same variable, from the same value to the same value.
        let same_change = |var: &str, path: &ConfigPath| match (
            value_at(&old_config, path),
            value_at(&new_config, path),
        ) {
            (Some(before), Some(after)) => {
                fixed_values.contains(&(var.to_string(), before.to_string(), after.to_string()))
            }
            _ => false,
        };
        let same_line_elsewhere = |service: &str, field: &str, rest: &[String], path| {
            let [var] = rest else { return false };
            field == "environment"
                && !listens_through(old, service, var, extensions)
                && same_change(var, path)
        };
        for path in &changed {
            match path.0.as_slice() {
                [section, service, field, rest @ ..] if section == "services" => {
                    match allowed.services.get(service.as_str()) {
                        None if same_line_elsewhere(service, field, rest, path) => {}
                        Some(Applicability::Unsafe) => {}
                        Some(Applicability::Safe) => {
                            let setting = match (field.as_str(), rest) {
                                ("environment", [var, ..]) => var.clone(),
                                _ => field.clone(),
                            };
                            safe.entry(service.as_str())
                                .or_default()
                                .entry(setting)
                                .or_insert(path);
                        }
                        None => return Err(reject(path)),
                    }
                }
                [section, .., var] if section.starts_with("x-") && same_change(var, path) => {}
                [section, ..]
                    if allowed.any_unsafe && (section == "networks" || section == "volumes") => {}
                _ => return Err(reject(path)),
            }
        }
        for (service, settings) in safe {
            if settings.len() < 2 {
                continue;
            }
            if let Some((_, path)) = settings
                .iter()
                .find(|(setting, _)| !allowed.reads_ollama_through(service, setting))
            {
                return Err(reject(path));
            }
        }
    }
    Ok(())
}

/// What a project runs, to compare: the configuration Compose runs, or what a script's or a
/// document's commands start.
fn rendered(p: &LintedProject) -> Result<Value, String> {
    if p.project.from_commands {
        Ok(crate::commands::config::render(&p.project))
    } else {
        render_every_service(&p.project)
    }
}

/// Whether `var` is where the Ollama server `service` runs takes its listen address from.
fn listens_through(
    project: &LintedProject,
    service: &str,
    var: &str,
    extensions: &Extensions,
) -> bool {
    project
        .project
        .services
        .iter()
        .find(|s| s.name == service)
        .and_then(|s| crate::ollama::ollama_server_with(s, &project.sources, extensions))
        .is_some_and(|server| server.server.server.listen.ollama_host_var() == Some(var))
}

/// The changes the fixes of one project are allowed.
struct Allowed<'a> {
    /// Per service, the most a fix about it may change.
    services: HashMap<&'a str, Applicability>,
    any_unsafe: bool,
    project: &'a LintedProject,
    extensions: &'a Extensions,
    /// Per service, the variables through which it reaches Ollama (computed when needed).
    references: Option<HashMap<String, HashSet<String>>>,
}

impl<'a> Allowed<'a> {
    fn new(
        fixes: &'a [Checked],
        key: &ProjectKey,
        project: &'a LintedProject,
        extensions: &'a Extensions,
    ) -> Self {
        // A fix is about a service of this project when it comes from this project, or this
        // project reports the same finding (a file it includes, shared with the other).
        let reported: HashSet<FindingKey> = project
            .diagnostics
            .iter()
            .map(|d| key_of(d, project))
            .collect();
        let mut services: HashMap<&str, Applicability> = HashMap::new();
        for f in fixes
            .iter()
            .filter(|f| f.project == key || reported.contains(f.key))
        {
            let mut allow = |service: &'a str, applicability: Applicability| {
                let a = services.entry(service).or_insert(applicability);
                *a = (*a).max(applicability);
            };
            if let Some(service) = &f.key.service {
                allow(service, f.applicability);
            }
            // A command the fix edits starts a container it means to change (both ends of a
            // network it creates).
            if f.applicability == Applicability::Unsafe {
                for service in edited_commands(project, f.edits) {
                    allow(service, Applicability::Unsafe);
                }
            }
        }
        Allowed {
            any_unsafe: services.values().any(|a| *a == Applicability::Unsafe),
            services,
            project,
            extensions,
            references: None,
        }
    }

    /// Whether `setting` (a variable, or `command`) of `service` holds an Ollama reference.
    fn reads_ollama_through(&mut self, service: &str, setting: &str) -> bool {
        let (project, extensions) = (self.project, self.extensions);
        let references = self.references.get_or_insert_with(|| {
            let p = &project.project;
            let mut out: HashMap<String, HashSet<String>> = HashMap::new();
            // Ollama's references only: a fix that re-aims an Ollama URL must not also
            // change a value another kind's client reads (a `REDIS_URL` built from the same
            // variable).
            for r in Found::of(p, &project.sources, extensions).ollama {
                let var = match &r.written {
                    Written::Env { key, .. } => key.clone(),
                    Written::Command { .. } => "command".to_string(),
                    // Unset, the app takes its default: setting it is how a fix reaches
                    // Ollama through it (a misnamed variable renamed to this one).
                    Written::AppDefault { var } => var.clone(),
                    // A URL in a mounted config file is no compose setting.
                    Written::ConfigFile { .. } | Written::Typed => continue,
                };
                let vars = out.entry(p.services[r.client].name.clone()).or_default();
                vars.insert(var);
                // The variable the app reads for it, when the value sits under another name
                // (OLL020's rename moves it there).
                if let Some(setting) = r.setting {
                    vars.insert(setting.name.clone());
                }
            }
            out
        });
        references
            .get(service)
            .is_some_and(|vars| vars.contains(setting))
    }
}

/// The containers of a project read from commands whose command one of `edits` falls in.
fn edited_commands<'a>(
    project: &'a LintedProject,
    edits: &'a [PathEdit],
) -> impl Iterator<Item = &'a str> {
    let p = &project.project;
    p.services
        .iter()
        .filter(move |s| {
            p.from_commands
                && s.run_line.is_some()
                && edits.iter().any(|e| {
                    let span = s.key_span;
                    project.sources.get(span.file).path == e.path
                        && span.start <= e.start
                        && e.start <= span.end
                })
        })
        .map(|s| s.name.as_str())
}

/// `services.web.environment.REDIS_URL` (`redis://localhost:6379` → `redis://ollama:6379`).
fn describe(path: &ConfigPath, old: &Value, new: &Value) -> String {
    let at = |v: &Value| {
        path.0
            .iter()
            .try_fold(v, |v, segment| match segment.strip_prefix('[') {
                Some(i) => v.get(i.trim_end_matches(']').parse::<usize>().ok()?),
                None => v.get(segment),
            })
            .map_or("nothing".to_string(), |v| {
                let shown = match v {
                    // Printed as a warning: the patterns hide what credentials look like.
                    Value::String(s) => redact::Secrets::default().redact(s).into_string(),
                    other => redact::Secrets::default()
                        .redact(&other.to_string())
                        .into_string(),
                };
                match shown.char_indices().nth(80) {
                    Some((cut, _)) => format!("`{}…`", &shown[..cut]),
                    None => format!("`{shown}`"),
                }
            })
    };
    format!("`{path}` ({} → {})", at(old), at(new))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
