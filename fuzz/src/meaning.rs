//! The `fix` target's invariants on meaning, checked from the outside through the public API
//! (the fixer checks the same things itself; this is the independent witness): after fixing,
//! - the resolved configuration (`composelint config`) of every service no applied fix names
//!   is unchanged;
//! - no finding appears that was not there before, but for the fixed rules' own (findings
//!   are compared by code, service and file, not by span: spans move when text is inserted);
//! - the fixed files still load: no new CMP001/CMP002/CMP003, nothing Docker Compose refuses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use composelint::LintedProject;
use composelint::diagnostic::Severity;
use composelint::fix::{AppliedFix, FixRun};
use composelint::rules::REFUSED_BY_COMPOSE;
use serde_json::Value;

/// Findings whose appearance means a fix broke a file.
const BREAKING: [&str; 3] = ["CMP001", "CMP002", "CMP003"];

/// A finding as the fixer's verification can compare it across edits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingKey {
    pub code: &'static str,
    pub service: Option<String>,
    pub file: Option<PathBuf>,
}

/// What a project means, as far as the invariants look: its services' resolved configuration
/// and how many findings of each key it has.
#[derive(Debug, Default)]
pub struct Meaning {
    /// The `config` JSON of each service; None when the project does not render (Compose
    /// refuses it, or a file did not load).
    pub services: Option<BTreeMap<String, Value>>,
    pub findings: BTreeMap<FindingKey, usize>,
    /// Keys whose findings are all OLL warnings or information: follow-ups a fix may bring
    /// (the repaired reference now reaches a server that lacks `depends_on`), as the fixer's
    /// own verification allows (src/fix/verify.rs).
    pub follow_ups: BTreeSet<FindingKey>,
}

/// The meaning of each project of a run, by its compose files.
pub fn of(projects: &[LintedProject]) -> BTreeMap<Vec<PathBuf>, Meaning> {
    projects
        .iter()
        .map(|p| {
            let files = p
                .project
                .files
                .iter()
                .map(|&id| p.sources.get(id).path.clone())
                .collect();
            (files, meaning(p))
        })
        .collect()
}

fn meaning(p: &LintedProject) -> Meaning {
    let mut findings = BTreeMap::new();
    let mut serious = BTreeSet::new();
    for d in &p.diagnostics {
        let key = FindingKey {
            code: d.code,
            service: d.service.clone(),
            file: d.primary.map(|s| p.sources.get(s.file).path.clone()),
        };
        if !(d.code.starts_with("OLL") && d.severity < Severity::Error) {
            serious.insert(key.clone());
        }
        *findings.entry(key).or_default() += 1;
    }
    let follow_ups = findings
        .keys()
        .filter(|k| !serious.contains(*k))
        .cloned()
        .collect();
    let refused = p.project.issues.iter().any(|i| i.is_fatal())
        || p.diagnostics
            .iter()
            .any(|d| REFUSED_BY_COMPOSE.contains(&d.code));
    let services = (!refused)
        .then(|| composelint::compose::config::render(&p.project).ok())
        .flatten()
        .map(|config| match config.get("services") {
            Some(Value::Object(services)) => services.clone().into_iter().collect(),
            _ => BTreeMap::new(),
        });
    Meaning {
        services,
        findings,
        follow_ups,
    }
}

/// Panics when the fixed projects (`after`, linted independently of the fixer) break an
/// invariant against the projects as they were (`before`). `what` names the run.
pub fn check(
    before: &BTreeMap<Vec<PathBuf>, Meaning>,
    after: &BTreeMap<Vec<PathBuf>, Meaning>,
    run: &FixRun,
    what: &str,
) {
    if run.applied.is_empty() {
        return;
    }
    let fixed = describe(&run.applied);
    let named: BTreeSet<&str> = run
        .applied
        .iter()
        .filter_map(|a| a.service.as_deref())
        .collect();
    let is_fixed = |key: &FindingKey| {
        run.applied
            .iter()
            .any(|a| a.code == key.code && a.service == key.service)
    };
    for (files, old) in before {
        let Some(new) = after.get(files) else {
            panic!("{what} ({fixed}) lost the project of {files:?}");
        };
        for (key, &count) in &new.findings {
            let was = old.findings.get(key).copied().unwrap_or(0);
            if count <= was {
                continue;
            }
            let breaking = BREAKING.contains(&key.code) || REFUSED_BY_COMPOSE.contains(&key.code);
            assert!(
                !breaking,
                "{what} ({fixed}) made the project of {files:?} fail to load: {key:?} \
                 ({was} before, {count} after)"
            );
            assert!(
                is_fixed(key) || new.follow_ups.contains(key),
                "{what} ({fixed}) brought a new finding into the project of {files:?}: {key:?} \
                 ({was} before, {count} after)"
            );
        }
        let Some(old_services) = &old.services else {
            continue;
        };
        let Some(new_services) = &new.services else {
            panic!("{what} ({fixed}) made the project of {files:?} one Compose refuses");
        };
        // One line several services load (a shared env file, an anchor) fixed for a named
        // service gives the others the same change of the same variable: the fix's own.
        let mut fixed_env: BTreeSet<(String, String, String)> = BTreeSet::new();
        for name in &named {
            let (Some(o), Some(n)) = (old_services.get(*name), new_services.get(*name)) else {
                continue;
            };
            // Only a value both had: a variable the fix adds is the named service's alone.
            for (var, before, after) in env_changes(o, n) {
                if !before.is_null() {
                    fixed_env.insert((var, before.to_string(), after.to_string()));
                }
            }
        }
        let names: BTreeSet<&String> = old_services.keys().chain(new_services.keys()).collect();
        for name in names {
            if named.contains(name.as_str()) {
                continue;
            }
            if let (Some(o), Some(n)) = (old_services.get(name), new_services.get(name))
                && without_env(o) == without_env(n)
                && env_changes(o, n).into_iter().all(|(var, before, after)| {
                    fixed_env.contains(&(var, before.to_string(), after.to_string()))
                })
            {
                continue;
            }
            let (old, new) = (old_services.get(name), new_services.get(name));
            assert!(
                old == new,
                "{what} ({fixed}) changed service `{name}`, which no applied fix names, in the \
                 project of {files:?}:\n--- before\n{}\n--- after\n{}",
                pretty(old),
                pretty(new)
            );
        }
    }
}

fn describe(applied: &[AppliedFix]) -> String {
    let fixes: Vec<String> = applied
        .iter()
        .map(|a| match &a.service {
            Some(service) => format!(
                "{} on `{service}`: {}",
                a.code,
                a.message.expose_unredacted()
            ),
            None => format!("{}: {}", a.code, a.message.expose_unredacted()),
        })
        .collect();
    fixes.join("; ")
}

fn pretty(value: Option<&Value>) -> String {
    value.map_or_else(
        || "(no such service)".into(),
        |v| serde_json::to_string_pretty(v).unwrap_or_default(),
    )
}

/// The environment variables whose values differ between two renderings of a service, with
/// both values (`Null` for an absent one).
fn env_changes(old: &Value, new: &Value) -> Vec<(String, Value, Value)> {
    let env = |v: &Value| v.get("environment").and_then(Value::as_object).cloned();
    let (a, b) = (env(old).unwrap_or_default(), env(new).unwrap_or_default());
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (
                a.get(k).cloned().unwrap_or(Value::Null),
                b.get(k).cloned().unwrap_or(Value::Null),
            );
            (x != y).then(|| (k.clone(), x, y))
        })
        .collect()
}

/// A service's rendering without its environment.
fn without_env(service: &Value) -> Value {
    let mut service = service.clone();
    if let Some(map) = service.as_object_mut() {
        map.remove("environment");
    }
    service
}
