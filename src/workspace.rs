//! Turns the paths on the command line into the projects to lint, each listed once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::compose::discover::{
    DirectoryFiles, directory_files, enclosing_project_directory, find_directories,
    is_compose_file_name,
};
use crate::fs::{EntryKind, FileSystem};
use crate::source::FileId;
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
/// project it belongs to (a changed `.env` or override file re-lints its project).
pub fn projects_for_paths(
    fs: &dyn FileSystem,
    paths: &[PathBuf],
) -> Result<Vec<ProjectFiles>, PathError> {
    let mut out = BTreeSet::new();
    for path in paths {
        match fs.kind(path) {
            Some(EntryKind::Dir) => {
                for dir in find_directories(fs, path) {
                    add_directory(fs, &dir, None, &mut out);
                }
            }
            Some(EntryKind::File) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let parent = path.parent().unwrap_or(Path::new("."));
                if is_compose_file_name(&name) {
                    let dir = directory_files(fs, parent);
                    add_directory(fs, &dir, Some(path), &mut out);
                } else if let Some(dir) = enclosing_project_directory(fs, parent) {
                    // An env file, or anything a project reads: lint the project around it.
                    add_directory(fs, &dir, None, &mut out);
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
    Ok(out.into_iter().collect())
}

/// Adds the projects of one directory; with `only`, just the project that file belongs to.
fn add_directory(
    fs: &dyn FileSystem,
    dir: &DirectoryFiles,
    only: Option<&Path>,
    out: &mut BTreeSet<ProjectFiles>,
) {
    let main = dir.main_project();
    let wants = |p: &Path| only.is_none_or(|o| o == p);
    if let Some(main) = &main
        && only.is_none_or(|o| main.iter().any(|m| m == o))
    {
        out.insert(ProjectFiles {
            files: main.clone(),
        });
    }
    for other in &dir.others {
        if !wants(other) {
            continue;
        }
        let files = match (&dir.default, amends_only(fs, dir.default.as_deref(), other)) {
            (Some(default), true) => vec![default.clone(), other.clone()],
            _ => vec![other.clone()],
        };
        out.insert(ProjectFiles { files });
    }
}

/// Whether every service `overlay` defines is already a service of `base`: then the overlay
/// only amends the base (`docker-compose.gpu.yml` adding devices to `ollama`).
fn amends_only(fs: &dyn FileSystem, base: Option<&Path>, overlay: &Path) -> bool {
    let Some(base) = base else { return false };
    let (Some(base_services), Some(overlay_services)) =
        (service_names(fs, base), service_names(fs, overlay))
    else {
        return false;
    };
    !overlay_services.is_empty() && overlay_services.is_subset(&base_services)
}

/// The service names of a file, read cheaply (no interpolation, no merge).
fn service_names(fs: &dyn FileSystem, path: &Path) -> Option<BTreeSet<String>> {
    let bytes = fs.read(path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let parsed = yaml::parse(FileId(0), &text, Limits::default());
    let mut names = BTreeSet::new();
    for doc in &parsed.documents {
        if let Some(services) = doc.get("services").and_then(|s| s.as_mapping()) {
            names.extend(
                services
                    .iter()
                    .filter_map(|e| e.key.as_str().map(str::to_string)),
            );
        }
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;
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
        fs.insert("/p/.env", "A=1\n");
        let projects = projects_for_paths(&fs, &[PathBuf::from("/p")]).unwrap();
        let files: Vec<Vec<&str>> = projects
            .iter()
            .map(|p| p.files.iter().map(|f| f.to_str().unwrap()).collect())
            .collect();
        assert_eq!(
            files,
            vec![
                vec!["/p/compose.other.yaml"],
                vec!["/p/compose.yaml", "/p/compose.gpu.yaml"],
                vec!["/p/compose.yaml", "/p/compose.override.yml"],
            ]
        );
        // A changed .env or override file maps to the main project, once.
        let projects = projects_for_paths(
            &fs,
            &[
                PathBuf::from("/p/.env"),
                PathBuf::from("/p/compose.override.yml"),
            ],
        )
        .unwrap();
        assert_eq!(projects.len(), 1);
        assert_eq!(projects[0].files.len(), 2);
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let fs = MemFs::new();
        assert!(projects_for_paths(&fs, &[PathBuf::from("/nope")]).is_err());
    }
}
