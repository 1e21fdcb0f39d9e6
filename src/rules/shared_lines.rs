//! One line of a shared file is one finding, and a line blames only the services known to
//! read it.
//!
//! A repository-wide `.env` loaded through `env_file:` by a database, a search engine and a
//! chat UI hands each of them `OLLAMA_BASE_URL`; only the UI reads it. Judging the line in
//! every container that loads it reported one error per container for one line, and told the
//! database its Ollama URL was wrong. So a value that only arrives through an `env_file`
//! ([`Evidence::Loaded`]) is a reference only where nothing better speaks for the line, and
//! then it is one info finding, never an error. A YAML anchor shared by several services is
//! the same case in a compose file: its line is reported once, naming the services.

use std::collections::{BTreeMap, HashMap};

use crate::compose::model::{EnvSource, Project};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::ollama::{Evidence, Reference, Servers, Written};
use crate::reachability::Verdict;
use crate::source::{FileKind, Sources, Span};

use super::Context;

/// The `env_file` line a reference was read from.
fn env_file_line(r: &Reference) -> Option<Span> {
    match &r.written {
        Written::Env {
            source: EnvSource::EnvFile { span, .. },
            ..
        } => Some(*span),
        _ => None,
    }
}

/// The `env_file` lines that set where a server of the project listens (`OLLAMA_HOST`), with
/// the name of the server.
fn server_listen_lines<'p>(project: &'p Project, servers: &Servers) -> HashMap<Span, &'p str> {
    servers
        .indices
        .iter()
        .filter_map(|&i| {
            let server = servers.get(i)?;
            let var = server.server.server.listen.ollama_host_var()?;
            let service = &project.services[i];
            match &service.env(var)?.source {
                EnvSource::EnvFile { span, .. } => Some((*span, service.name.as_str())),
                EnvSource::Environment { .. } => None,
            }
        })
        .collect()
}

/// Drops the loaded-only references a line should not be judged by: the line is read by a
/// service known to read it (that service's reference speaks for the line), the line is an
/// Ollama server's own listen setting (`OLLAMA_HOST=0.0.0.0` in a `.env` the server shares),
/// or the services that load it disagree (the line works for some: nothing says which one
/// reads it).
pub fn settle(
    judged: Vec<(Reference, Verdict)>,
    project: &Project,
    servers: &Servers,
) -> Vec<(Reference, Verdict)> {
    let read: std::collections::HashSet<Span> = judged
        .iter()
        .filter(|(r, _)| r.evidence == Evidence::Read)
        .filter_map(|(r, _)| env_file_line(r))
        .collect();
    let server_lines = server_listen_lines(project, servers);
    // Whether the services that load each line judge it alike.
    let mut agree: HashMap<(Span, String), (Verdict, bool)> = HashMap::new();
    for (r, verdict) in &judged {
        if r.evidence == Evidence::Loaded
            && let Some(line) = env_file_line(r)
        {
            agree
                .entry((line, r.text.value.clone()))
                .and_modify(|(first, same)| *same &= first == verdict)
                .or_insert_with(|| (verdict.clone(), true));
        }
    }
    judged
        .into_iter()
        .filter(|(r, _)| {
            if r.evidence != Evidence::Loaded {
                return true;
            }
            let Some(line) = env_file_line(r) else {
                return true;
            };
            if read.contains(&line) || server_lines.contains_key(&line) {
                return false;
            }
            agree
                .get(&(line, r.text.value.clone()))
                .is_none_or(|(_, same)| *same)
        })
        .collect()
}

/// Reports a line once: findings of one rule at one place for several services become the
/// first one, naming the others; a finding that rests only on loaded values is info, and its
/// fix waits for `--unsafe-fixes` (nothing says the value is used at all).
pub fn merge(diagnostics: Vec<Diagnostic>, ctx: &Context) -> Vec<Diagnostic> {
    let (references, project) = (ctx.references, ctx.project);
    let server_lines = server_listen_lines(project, ctx.servers);
    // The lines that only loaded values stand on, per service.
    let mut loaded: HashMap<&str, Vec<Span>> = HashMap::new();
    for (r, _) in references
        .iter()
        .chain(ctx.net_references)
        .filter(|(r, _)| r.evidence == Evidence::Loaded)
    {
        if let Some(line) = env_file_line(r) {
            loaded
                .entry(project.services[r.client].name.as_str())
                .or_default()
                .push(line);
        }
    }
    let rests_on_loaded = |d: &Diagnostic| {
        let (Some(service), Some(at)) = (d.service.as_deref(), d.primary) else {
            return false;
        };
        loaded
            .get(service)
            .is_some_and(|lines| lines.iter().any(|line| line.contains(at)))
    };

    let mut first: HashMap<(&'static str, Span), usize> = HashMap::new();
    let mut others: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut named: std::collections::HashSet<(usize, String)> = Default::default();
    let mut same_fix: BTreeMap<usize, bool> = BTreeMap::new();
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let (Some(at), Some(service)) = (d.primary, d.service.clone()) else {
            kept.push(d);
            continue;
        };
        match first.get(&(d.code, at)) {
            Some(&i) if kept[i].service.as_deref() != Some(service.as_str()) => {
                if named.insert((i, service.clone())) {
                    others.entry(i).or_default().push(service);
                }
                let same = kept[i].fix == d.fix;
                *same_fix.entry(i).or_insert(true) &= same;
            }
            _ => {
                first.insert((d.code, at), kept.len());
                kept.push(d);
            }
        }
    }
    for (i, names) in &others {
        let d = &mut kept[*i];
        if d.code.starts_with("NET") {
            withdraw_if_loaded_elsewhere(d, names, project);
        }
        d.message = format!(
            "{} (likewise for {})",
            d.message.expose_unredacted(),
            services(names)
        )
        .into();
        // Each service would get its own edit of the one line: only one that serves them all
        // is a fix.
        if !same_fix.get(i).copied().unwrap_or(true) {
            d.fix = None;
        }
    }
    for d in &mut kept {
        if d.code.starts_with("NET") {
            withdraw_if_project_env(d, ctx.sources);
        }
        if rests_on_loaded(d) {
            lower_to_unproven(d);
        }
        // The server reads the same line as where it listens: a client's URL written there
        // would move the server. (A finding about the server itself may fix it there.)
        let edits_server_line = d.fix.as_ref().is_some_and(|f| {
            f.edits.iter().any(|e| {
                server_lines.iter().any(|(line, server)| {
                    d.service.as_deref() != Some(*server) && line.contains(e.span)
                })
            })
        });
        if edits_server_line {
            d.fix = None;
            d.add_help(
                "the same line sets where the Ollama server listens, so set this service's value in its own `environment:`",
            );
        }
    }
    kept
}

/// Withdraws the fix of a finding for several services when it edits an env file that
/// another service loads too: the one line would change for that service as well, and the
/// fixed value cannot be written into each service's own `environment:` at once.
fn withdraw_if_loaded_elsewhere(d: &mut Diagnostic, names: &[String], project: &Project) {
    let Some(fix) = &d.fix else { return };
    let covered =
        |name: &str| d.service.as_deref() == Some(name) || names.iter().any(|n| n == name);
    let other = project.services.iter().find(|s| {
        !covered(&s.name)
            && s.environment.iter().any(|v| {
                matches!(v.source, EnvSource::EnvFile { file, .. }
                    if fix.edits.iter().any(|e| e.span.file == file))
            })
    });
    if let Some(other) = other {
        let note = format!(
            "no fix is offered: `{}` loads the same env file, and the line would change for it too; set the value in each service's own `environment:`",
            other.name
        );
        d.fix = None;
        d.add_help(&note);
    }
}

/// Withdraws the fix of another kind's finding when it edits the project's `.env`: the
/// other compose files beside it read the same file (each a project of its own), and what the
/// line means to them is not judged here. Ollama's findings have their own answer to that
/// (the fixer writes the value where the service uses it, [`super::inline_fix`]).
fn withdraw_if_project_env(d: &mut Diagnostic, sources: &Sources) {
    let Some(fix) = &d.fix else { return };
    let env = fix
        .edits
        .iter()
        .find(|e| sources.get(e.span.file).kind() == Some(FileKind::ProjectEnv));
    if let Some(edit) = env {
        let note = format!(
            "no fix is offered: the value comes from `{}`, which every compose file beside it reads; set it in the service's own `environment:`",
            sources
                .get(edit.span.file)
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        d.fix = None;
        d.add_help(&note);
    }
}

fn lower_to_unproven(d: &mut Diagnostic) {
    d.severity = Severity::Info;
    if let Some(fix) = &mut d.fix {
        fix.applicability = Applicability::Unsafe;
    }
    d.add_help(
        "the value reaches the container only through `env_file`, and its image is not known to read it: if it does, set it in the service's `environment:`",
    );
}

/// "service `a`", "services `a` and `b`", "services `a`, `b` and 3 more" (a line a thousand
/// services load names a few of them).
fn services(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let noun = if names.len() == 1 {
        "service"
    } else {
        "services"
    };
    if names.len() <= SHOWN {
        return format!("{noun} {}", super::wording::quoted_list(names, "and"));
    }
    let shown: Vec<String> = names[..SHOWN].iter().map(|n| format!("`{n}`")).collect();
    format!(
        "{noun} {} and {} more",
        shown.join(", "),
        names.len() - SHOWN
    )
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Applicability, Severity};
    use crate::rules::reference_report::lint_files;

    const TWO_LOADERS: &str = "services:\n  api:\n    image: ghcr.io/example/api:1\n    env_file: shared.env\n  worker:\n    image: ghcr.io/example/worker:1\n    env_file: shared.env\n  ollama:\n    image: ollama/ollama:0.6.2\n    volumes: [\"m:/root/.ollama\"]\nvolumes:\n  m: {}\n";

    #[test]
    fn a_line_nobody_is_known_to_read_is_one_info_finding_with_an_unsafe_fix() {
        let found = lint_files(&[
            ("compose.yaml", TWO_LOADERS),
            ("shared.env", "OLLAMA_BASE_URL=http://localhost:11434\n"),
        ]);
        let oll: Vec<_> = found.iter().filter(|d| d.code == "OLL001").collect();
        assert_eq!(oll.len(), 1, "{found:?}");
        assert_eq!(oll[0].severity, Severity::Info);
        assert!(
            oll[0]
                .message
                .expose_unredacted()
                .ends_with("(likewise for service `worker`)")
        );
        assert_eq!(
            oll[0].fix.as_ref().map(|f| f.applicability),
            Some(Applicability::Unsafe)
        );
    }

    #[test]
    fn a_line_some_loaders_reach_and_others_do_not_is_not_reported() {
        // `worker` shares the host's network, where a host Ollama answers on localhost.
        let compose = TWO_LOADERS.replace(
            "    image: ghcr.io/example/worker:1\n",
            "    image: ghcr.io/example/worker:1\n    network_mode: host\n",
        );
        let found = lint_files(&[
            ("compose.yaml", &compose),
            ("shared.env", "OLLAMA_BASE_URL=http://localhost:11434\n"),
        ]);
        assert!(
            !found.iter().any(|d| d.code.starts_with("OLL00")),
            "{found:?}"
        );
    }

    #[test]
    fn a_file_one_service_loads_speaks_for_it() {
        let compose = TWO_LOADERS.replace(
            "    image: ghcr.io/example/worker:1\n    env_file: shared.env\n",
            "    image: ghcr.io/example/worker:1\n",
        );
        let found = lint_files(&[
            ("compose.yaml", &compose),
            ("shared.env", "OLLAMA_BASE_URL=http://localhost:11434\n"),
        ]);
        let oll: Vec<_> = found.iter().filter(|d| d.code == "OLL001").collect();
        assert_eq!(oll.len(), 1, "{found:?}");
        assert_eq!(oll[0].severity, Severity::Error);
    }
}
