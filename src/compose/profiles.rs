//! Profiles, as Compose applies them: which services a selection of profiles starts, which
//! selections a linter must look at, and the project one selection stands for.
//!
//! Compose's rules (Compose specification, "Using profiles with Compose"; checked against
//! Docker Compose v2.40.3, see `tests/profiles.rs`):
//! - a service with no `profiles` always starts; one with profiles starts when any of them is
//!   enabled, or when `*` is;
//! - the enabled profiles are the `--profile` flags, else `COMPOSE_PROFILES` split on `,`
//!   with each name trimmed; with neither, the one enabled profile is the empty name, so
//!   `profiles: [""]` starts by default.

use std::collections::{BTreeSet, HashSet};

use crate::source::{FileId, Span};

use super::model::{Project, Service};

/// The name that stands for every profile.
pub const ALL: &str = "*";

/// The profiles one run of Compose enables.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Selection {
    pub profiles: Vec<String>,
}

impl Selection {
    /// What Compose enables when nothing chooses: the empty profile name only.
    pub fn default_selection() -> Selection {
        Selection {
            profiles: vec![String::new()],
        }
    }

    /// The selection `COMPOSE_PROFILES` makes, or None when it chooses nothing (unset or
    /// blank: Compose's default).
    pub fn from_variable(value: &str) -> Option<Selection> {
        if value.trim().is_empty() {
            return None;
        }
        Some(Selection {
            profiles: value.split(',').map(|p| p.trim().to_string()).collect(),
        })
    }

    /// Whether Compose starts `service` under this selection.
    pub fn starts(&self, service: &Service) -> bool {
        service.profiles.is_empty()
            || self.profiles.iter().any(|p| p == ALL)
            || service
                .profiles
                .iter()
                .any(|p| self.profiles.contains(&p.value))
    }

    /// Whether this is Compose's default (no profile chosen).
    pub fn is_default(&self) -> bool {
        self.profiles.iter().all(String::is_empty)
    }

    /// The profile names a user would pass, without the empty default one.
    pub fn names(&self) -> Vec<&str> {
        self.profiles
            .iter()
            .map(String::as_str)
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// The selections to lint `project` under: the user's choice when there is one; otherwise
/// Compose's default and each declared profile on its own, so that every service is linted
/// in a selection that starts it. A project without profiles has the default only.
pub fn selections(project: &Project) -> Vec<Selection> {
    if let Some(chosen) = &project.enabled_profiles {
        return vec![Selection {
            profiles: chosen.clone(),
        }];
    }
    let declared: BTreeSet<&str> = project
        .services
        .iter()
        .flat_map(|s| s.profiles.iter().map(|p| p.value.as_str()))
        .filter(|p| !p.is_empty())
        .collect();
    std::iter::once(Selection::default_selection())
        .chain(declared.into_iter().map(|p| Selection {
            profiles: vec![p.to_string()],
        }))
        .collect()
}

/// The project as `selection` runs it: the services it starts, with the others kept aside in
/// [`Project::inactive`]. None when the selection starts every service, so the project as
/// loaded stands for it.
pub fn select(project: &Project, selection: &Selection) -> Option<Project> {
    if project.services.iter().all(|s| selection.starts(s)) {
        return None;
    }
    let (services, inactive): (Vec<Service>, Vec<Service>) = project
        .services
        .iter()
        .cloned()
        .partition(|s| selection.starts(s));
    let issues = issues_of_started(project, &inactive, &services);
    let service_index = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    Some(Project {
        name: project.name.clone(),
        directory: project.directory.clone(),
        files: project.files.clone(),
        env_files: project.env_files.clone(),
        templates_used: project.templates_used.clone(),
        services,
        networks: project.networks.clone(),
        volumes: project.volumes.clone(),
        secrets: project.secrets.clone(),
        configs: project.configs.clone(),
        issues,
        merged: None,
        partial: project.partial,
        siblings: project.siblings.clone(),
        from_commands: project.from_commands,
        windows_commands: project.windows_commands,
        document_block: project.document_block,
        written: project.written.clone(),
        service_index,
        enabled_profiles: Some(selection.profiles.clone()),
        inactive,
    })
}

/// The load issues Compose meets when it runs only `started`: it reads a service's
/// `env_file` after dropping the services the profiles leave out, so a missing or broken env
/// file of a service it does not start is no problem (checked with Docker Compose v2.40.3).
fn issues_of_started(
    project: &Project,
    inactive: &[Service],
    started: &[Service],
) -> Vec<super::issues::LoadIssue> {
    use super::issues::LoadIssue;
    let refs = |services: &[Service]| -> Vec<(Span, Option<FileId>)> {
        services
            .iter()
            .flat_map(|s| s.env_files.iter().map(|r| (r.span, r.file)))
            .collect()
    };
    let (unread, read) = (refs(inactive), refs(started));
    let read_files: HashSet<FileId> = read.iter().filter_map(|(_, f)| *f).collect();
    let only_unread: HashSet<FileId> = unread
        .iter()
        .filter_map(|(_, f)| *f)
        .filter(|f| !read_files.contains(f))
        .collect();
    let unread_refs: HashSet<Span> = unread.iter().map(|(s, _)| *s).collect();
    project
        .issues
        .iter()
        .filter(|issue| match issue {
            LoadIssue::EnvFileNotFound { span, .. } | LoadIssue::MissingFile { span, .. } => {
                !unread_refs.contains(span)
            }
            LoadIssue::DotenvSyntax { span, .. }
            | LoadIssue::UndefinedVariable { span, .. }
            | LoadIssue::Syntax { span, .. } => !only_unread.contains(&span.file),
            _ => true,
        })
        .cloned()
        .collect()
}

/// Whether `service` answers to `host` on a network it joins: by its name,
/// `container_name`, `hostname` or a network alias (names are case-insensitive, as in DNS).
pub fn answers_to(service: &Service, host: &str) -> bool {
    let is = |name: &str| name.eq_ignore_ascii_case(host);
    is(&service.name)
        || service
            .container_name
            .as_ref()
            .is_some_and(|n| is(n.as_str()))
        || service.hostname.as_ref().is_some_and(|n| is(n.as_str()))
        || service
            .networks
            .iter()
            .any(|n| n.aliases.iter().any(|a| is(a.as_str())))
}

/// The services, left out by the project's profile selection, that would answer to `host`.
pub fn inactive_answering<'a>(
    project: &'a Project,
    host: &'a str,
) -> impl Iterator<Item = &'a Service> + 'a {
    project.inactive.iter().filter(move |s| answers_to(s, host))
}

/// How a finding's selections read in a message: "with profile `cpu`", "with profile `cpu`
/// or `gpu`", "with no profile enabled", "with no profile enabled or with profile `gpu`".
pub fn describe(selections: &[&Selection]) -> String {
    let without = selections.iter().any(|s| s.is_default());
    let named: Vec<String> = selections
        .iter()
        .filter(|s| !s.is_default())
        .map(|s| {
            s.names()
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    let with = if named.is_empty() {
        String::new()
    } else {
        format!("with profile {}", named.join(" or "))
    };
    match (without, with.is_empty()) {
        (true, true) => "with no profile enabled".into(),
        (true, false) => format!("with no profile enabled or {with}"),
        (false, _) => with,
    }
}
