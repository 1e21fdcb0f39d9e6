//! `--show-files`: what a run would lint, project by project: the files each is made of, and
//! the configuration file it takes (ruff's `--show-files`, with Compose's projects in place of
//! Python files).

use std::fmt::Write as _;
use std::path::Path;

use composelint::LoadedProject;
use composelint::Settings;
use composelint::fs::FileSystem;
use composelint::output::display_path;
use composelint::source::FileKind;

/// One block per project: its name and directory, then each file it reads with its role.
pub fn render(
    fs: &dyn FileSystem,
    settings: &Settings,
    projects: &[LoadedProject],
    cwd: &Path,
) -> String {
    let mut out = String::new();
    for p in projects {
        let shown = |path: &Path| output_path(path, cwd);
        let configuration = settings
            .configs
            .as_ref()
            .and_then(|c| c.of_project(fs, &p.files()).ok())
            .and_then(|resolved| resolved.file.clone())
            .map_or_else(|| "the defaults, no file".to_string(), |f| shown(&f));
        let _ = writeln!(
            out,
            "project `{}` in {} (configuration: {configuration})",
            p.project.name,
            shown(&p.project.directory)
        );
        let mut files: Vec<(usize, String, &str)> = p
            .sources
            .iter()
            .filter_map(|f| {
                let kind = f.kind()?;
                Some((rank(kind), shown(&f.path), role(kind)))
            })
            .collect();
        // The project's own files first, as the loader read them; then what they read.
        files.sort_by_key(|(rank, ..)| *rank);
        let width = files.iter().map(|(_, path, _)| path.chars().count()).max();
        for (_, path, role) in &files {
            let _ = writeln!(out, "  {path:<width$}  {role}", width = width.unwrap_or(0));
        }
    }
    out
}

fn output_path(path: &Path, cwd: &Path) -> String {
    let shown = display_path(path, cwd);
    if shown.is_empty() { ".".into() } else { shown }
}

fn rank(kind: FileKind) -> usize {
    match kind {
        FileKind::Compose | FileKind::Commands => 0,
        FileKind::ProjectEnv => 1,
        FileKind::ServiceEnv { .. } => 2,
        FileKind::MountedConfig => 3,
        FileKind::Dockerfile => 4,
    }
}

fn role(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Compose => "compose file",
        FileKind::ProjectEnv => "env file (the project's variables)",
        FileKind::ServiceEnv { raw: false } => "env_file of a service",
        FileKind::ServiceEnv { raw: true } => "env_file of a service (format: raw)",
        FileKind::Dockerfile => "Dockerfile of a build",
        FileKind::MountedConfig => "config file mounted into a service",
        FileKind::Commands => "Docker commands (script or document)",
    }
}
