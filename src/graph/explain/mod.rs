//! `composelint explain URL --from SERVICE`: a URL typed into an app's settings page, judged
//! as if SERVICE's container used it. The URL becomes one more reference of the project,
//! judged and reported by the same engine and rules as the project's own; the answer is where
//! it leads ([`leads`]), what listens there, how it stands on each platform, and the URL the
//! rules' fixes make of it ([`render`] prints it).

mod leads;
mod render;

use std::path::PathBuf;

use serde::Serialize;

use super::Status;
use super::build::{concerns, status_of};
use crate::compose::model::Project;
use crate::compose::profiles;
use crate::diagnostic::Diagnostic;
use crate::fs::FileSystem;
use crate::knowledge::{Side, TargetUrl};
use crate::net::{Network, Platform, Resolution};
use crate::ollama::{Evidence, OLLAMA, Reference, Written};
use crate::reach::{Catalog, Found, kinds};
use crate::redact::{Secrets, credential_ranges};
use crate::rules;
use crate::shared_networks::SharedNetworks;
use crate::source::{Sources, Span};
use crate::text::Text;
use crate::{LoadedProject, RunError, Settings};

pub use render::{render_human, render_json};

/// The name of the file the URL is held in while it is judged: it is in no file.
const URL_FILE: &str = "<URL>";
/// How many times the rules' fixes are applied to find the URL to use instead.
const FIX_ROUNDS: usize = 4;

/// The answer about one URL.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The URL, its password hidden.
    pub url: String,
    pub from: String,
    pub project: String,
    /// The kind of server it is taken to be aimed at (`ollama`, `postgres`, …).
    pub server: &'static str,
    pub leads_to: Leads,
    /// What listens where it leads: `Ollama on 11434`, `ollama publishes 11434 → 11434`.
    pub listening: Vec<String>,
    /// How it stands on Docker Engine on Linux and on Docker Desktop.
    pub platforms: Platforms,
    /// How it stands on the platform the project is judged on.
    pub status: Status,
    /// Nothing fails or warns: what `check` passes with its default `--fail-on warning`.
    pub works: bool,
    pub findings: Vec<ExplainFinding>,
    /// The URL the rules' fixes make of it, when they change it.
    pub instead: Option<String>,
}

/// Where the URL's host leads from the client.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Leads {
    /// `itself`, `service`, `unreachable-service`, `other-project`, `host`, `external`,
    /// `unknown`, `nowhere`.
    pub kind: &'static str,
    /// The service, container or address it reaches.
    pub target: Option<String>,
    /// The network the name is resolved on.
    pub network: Option<String>,
    /// How it reaches the Docker host.
    pub route: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Platforms {
    pub linux: OnPlatform,
    pub desktop: OnPlatform,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OnPlatform {
    pub status: Status,
    pub codes: Vec<&'static str>,
}

/// A finding on the URL, its text redacted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExplainFinding {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub help: Option<String>,
}

/// Why a URL cannot be explained (exit 2).
#[derive(Debug)]
pub enum ExplainError {
    NotAnAddress(String),
    NoSuchService {
        service: String,
        known: Vec<String>,
    },
    SeveralProjects {
        service: String,
        projects: Vec<String>,
    },
    Run(RunError),
}

impl std::fmt::Display for ExplainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExplainError::NotAnAddress(url) => write!(f, "`{url}` is not a URL or host:port"),
            ExplainError::NoSuchService { service, known } if known.is_empty() => {
                write!(f, "no project here has a service `{service}`")
            }
            ExplainError::NoSuchService { service, known } => write!(
                f,
                "no project here has a service `{service}` (services: {})",
                known.join(", ")
            ),
            ExplainError::SeveralProjects { service, projects } => write!(
                f,
                "several projects have a service `{service}` ({}): name the one you mean",
                projects.join(", ")
            ),
            ExplainError::Run(e) => e.fmt(f),
        }
    }
}

impl From<RunError> for ExplainError {
    fn from(e: RunError) -> Self {
        ExplainError::Run(e)
    }
}

/// Explains `url` as used by service `from` of the project `settings` names.
pub fn explain(
    fs: &dyn FileSystem,
    settings: &Settings,
    url: &str,
    from: &str,
) -> Result<Explanation, ExplainError> {
    let parsed = TargetUrl::parse(url)
        .filter(|u| !u.host.is_empty())
        .ok_or_else(|| ExplainError::NotAnAddress(url.to_string()))?;
    let run = crate::shared_networks_of(fs, settings)?;
    let loaded = crate::load(fs, settings)?;
    let mut known: Vec<String> = Vec::new();
    let mut found: Vec<LoadedProject> = Vec::new();
    for p in loaded {
        if p.project.services.iter().any(|s| s.name == from) {
            found.push(p);
        } else {
            known.extend(p.project.services.iter().map(|s| s.name.clone()));
        }
    }
    let mut one = match found.len() {
        1 => found.remove(0),
        0 => {
            known.sort();
            known.dedup();
            return Err(ExplainError::NoSuchService {
                service: from.to_string(),
                known,
            });
        }
        _ => {
            return Err(ExplainError::SeveralProjects {
                service: from.to_string(),
                projects: found.iter().map(|p| project_place(&p.project)).collect(),
            });
        }
    };
    // The project's own configuration, as in `lint`.
    let settings = &*settings.for_project(fs, &one.files())?;
    // A platform the user chose is every container's, as in `lint`.
    if settings.platform.is_some() {
        for service in &mut one.project.services {
            service.platform = None;
        }
    }
    let mut secrets = Secrets::collect(&one.project, &one.sources);
    for (start, end) in credential_ranges(url) {
        secrets.add(&url[start..end]);
    }
    let asker = Asker {
        settings,
        run: &run,
        from,
    };
    let on = crate::run_platform(&one.project, settings.platform);
    let first = asker.ask(&mut one, url, &parsed, on, true);
    let mut instead = None;
    let mut current = first.fixed.clone();
    for _ in 0..FIX_ROUNDS {
        let Some(next) = current.take() else { break };
        if Some(&next) == instead.as_ref() || next == url {
            break;
        }
        let Some(next_parsed) = TargetUrl::parse(&next) else {
            break;
        };
        current = asker.ask(&mut one, &next, &next_parsed, on, false).fixed;
        instead = Some(next);
    }
    // The platforms side by side, whatever the client's own commands say it runs on.
    for service in &mut one.project.services {
        service.platform = None;
    }
    let linux = asker.ask(&mut one, url, &parsed, Platform::Linux, false);
    let desktop = asker.ask(&mut one, url, &parsed, Platform::Desktop, false);
    let status = status_of(&first.findings);
    let findings = first
        .findings
        .iter()
        .map(|d| ExplainFinding {
            code: d.code,
            severity: d.severity.as_str(),
            message: d.message.redacted(&secrets).into_string(),
            help: d.help.as_ref().map(|h| h.redacted(&secrets).into_string()),
        })
        .collect();
    Ok(Explanation {
        url: secrets.redact(url).into_string(),
        from: from.to_string(),
        project: one.project.name.clone(),
        server: first.kind,
        leads_to: first.leads,
        listening: first.listening,
        platforms: Platforms {
            linux: linux.on_platform(),
            desktop: desktop.on_platform(),
        },
        status,
        works: status == Status::Ok,
        findings,
        instead: instead.map(|u| secrets.redact(&u).into_string()),
    })
}

fn project_place(project: &Project) -> String {
    format!("{} in {}", project.name, project.directory.display())
}

struct Asker<'a> {
    settings: &'a Settings,
    run: &'a SharedNetworks,
    from: &'a str,
}

/// What the engine and rules make of the URL on one platform.
struct Answer {
    kind: &'static str,
    leads: Leads,
    listening: Vec<String>,
    findings: Vec<Diagnostic>,
    /// The URL after the first fix that edits it.
    fixed: Option<String>,
}

impl Answer {
    fn on_platform(&self) -> OnPlatform {
        let mut codes: Vec<&'static str> = self.findings.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        OnPlatform {
            status: status_of(&self.findings),
            codes,
        }
    }
}

impl Asker<'_> {
    /// Judges `url` as a reference of the client in `loaded`, in the first profile selection
    /// that starts the client. The URL is added to `loaded.sources` as a file of its own, so
    /// that the findings on it and the fixes' edits point into it.
    fn ask(
        &self,
        loaded: &mut LoadedProject,
        url: &str,
        parsed: &TargetUrl,
        platform: Platform,
        describe: bool,
    ) -> Answer {
        let file = loaded.sources.add(PathBuf::from(URL_FILE), url.to_string());
        let project = &loaded.project;
        let sources = &loaded.sources;
        let selections = profiles::selections(project);
        let starts = |p: &Project| p.services.iter().any(|s| s.name == self.from);
        let selected = selections
            .iter()
            .filter_map(|s| match profiles::select(project, s) {
                None => Some(None),
                Some(p) if starts(&p) => Some(Some(p)),
                Some(_) => None,
            })
            .next()
            .flatten();
        let project = selected.as_ref().unwrap_or(project);
        let client = project
            .services
            .iter()
            .position(|s| s.name == self.from)
            .unwrap_or_default();
        let extensions = &self.settings.options.ollama;
        let kind = kind_of(project, sources, extensions, client, parsed);
        let text = Text::from_file(url, Span::new(file, 0, url.len()), true);
        let reference = Reference::unprofiled(
            kind,
            client,
            Written::Typed,
            text,
            parsed.clone(),
            Side::Server,
            Evidence::Read,
        );
        let mut answer = rules::with_context(
            project,
            sources,
            platform,
            extensions,
            self.run,
            vec![reference.clone()],
            |ctx| {
                let mut findings: Vec<Diagnostic> = rules::check(ctx)
                    .into_iter()
                    .filter(|d| concerns(d, &reference, project))
                    .collect();
                self.settings.options.apply(&mut findings);
                let (leads, listening) = if describe {
                    leads::where_it_leads(ctx.net, &reference)
                } else {
                    (Leads::nowhere(), Vec::new())
                };
                Answer {
                    kind,
                    leads,
                    listening,
                    findings,
                    fixed: None,
                }
            },
        );
        answer.fixed = answer.findings.iter().find_map(|d| fixed_url(d, url, file));
        answer
    }
}

/// `url` with the edits of `d`'s fix that fall in it, when it has any.
fn fixed_url(d: &Diagnostic, url: &str, file: crate::source::FileId) -> Option<String> {
    let mut edits: Vec<_> = d
        .fix
        .as_ref()?
        .edits
        .iter()
        .filter(|e| e.span.file == file && e.span.end <= url.len())
        .collect();
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = url.to_string();
    for e in edits {
        out.replace_range(e.span.start..e.span.end, &e.content);
    }
    Some(out)
}

/// The kind of server the URL is taken to be aimed at: the family its scheme names; else
/// the server that listens on its port where its host leads; else Ollama's when the port is
/// one an Ollama uses; else the family of the project whose server listens on that port;
/// else Ollama's, judged for where it leads only.
fn kind_of(
    project: &Project,
    sources: &Sources,
    extensions: &crate::knowledge::Extensions,
    client: usize,
    url: &TargetUrl,
) -> &'static str {
    if let Some((family, _)) = url.scheme.as_deref().and_then(kinds::family_of_scheme) {
        return family.key;
    }
    let found = Found::of(project, sources, extensions);
    let catalog = Catalog {
        kinds: &found.kinds.all,
    };
    let net = Network::new(project, &catalog);
    let port = url.port;
    let at_port = |listeners: &[crate::net::Listener]| {
        listeners
            .iter()
            .find(|l| Some(l.port) == port)
            .or(listeners.first())
            .map(|l| l.kind)
    };
    let target = match net.resolve(client, &url.host) {
        Resolution::Sibling { service, .. } | Resolution::Unreachable { service, .. } => {
            at_port(net.listeners(service))
        }
        Resolution::Loopback(namespace) => {
            let members = net.members(&namespace);
            let listeners: Vec<_> = members
                .iter()
                .flat_map(|&i| net.listeners(i).iter().cloned())
                .collect();
            at_port(&listeners)
        }
        _ => None,
    };
    if let Some(kind) = target {
        return kind;
    }
    let Some(port) = port else { return OLLAMA };
    let ollama = found.kinds.ollama();
    if port == ollama.default_port || ollama.ports.contains(&port) {
        return OLLAMA;
    }
    found
        .kinds
        .others()
        .iter()
        .find(|s| s.ports.contains(&port) || s.default_port == port)
        .map_or(OLLAMA, |s| s.kind)
}
