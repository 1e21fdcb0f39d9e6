//! Which files form which projects: Compose's default file names, override files, overlays,
//! and the projects that files named on the command line belong to.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::commands::{self, CommandKinds};
use crate::fs::{EntryKind, FileSystem, Listed};

/// Compose's default files, in priority order (the legacy name prefers `.yml`).
pub const DEFAULT_FILES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Override files, in priority order (`.yml` first even for the modern name).
pub const OVERRIDE_FILES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// Directories a recursive search never enters.
const SKIPPED_DIRS: [&str; 4] = [".git", "node_modules", "target", "vendor"];

/// A file named like a compose file: `compose*.y(a)ml` or `docker-compose*.y(a)ml`.
pub fn is_compose_file_name(name: &str) -> bool {
    (name.starts_with("compose") || name.starts_with("docker-compose"))
        && (name.ends_with(".yml") || name.ends_with(".yaml"))
}

/// A file named like an env file: `.env`, `*.env`, `.env.*`.
pub fn is_env_file_name(name: &str) -> bool {
    name == ".env" || name.ends_with(".env") || name.starts_with(".env.")
}

/// The compose files of one directory, as Compose would group them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryFiles {
    pub directory: PathBuf,
    /// The default file that wins, if any.
    pub default: Option<PathBuf>,
    /// The override file added to it.
    pub override_file: Option<PathBuf>,
    /// Other compose-named files (`compose.dev.yaml`, `docker-compose.gpu.yml`, …).
    pub others: Vec<PathBuf>,
    /// Default and override files that Compose does not load because one earlier in its
    /// order is there (`docker-compose.yml` beside `compose.yaml`): Compose warns and uses
    /// only the first.
    pub ignored: Vec<PathBuf>,
    /// Scripts and Markdown documents with Docker commands (filled by [`find_directories`]).
    pub commands: Vec<PathBuf>,
}

impl DirectoryFiles {
    /// The files of the directory's main project: the default file plus its override.
    pub fn main_project(&self) -> Option<Vec<PathBuf>> {
        let default = self.default.clone()?;
        Some(
            std::iter::once(default)
                .chain(self.override_file.clone())
                .collect(),
        )
    }
}

/// Groups the compose files of `directory`.
pub fn directory_files(fs: &dyn FileSystem, directory: &Path) -> DirectoryFiles {
    let entries = fs.read_dir(directory).unwrap_or_default();
    group(fs, directory, &entries)
}

/// Groups the compose files among `entries`, those of `directory`.
fn group(fs: &dyn FileSystem, directory: &Path, entries: &[PathBuf]) -> DirectoryFiles {
    let names: BTreeSet<String> = entries
        .iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            // Only a compose-named entry is looked at (a docs tree holds thousands of others).
            // A FIFO or device with a compose name is listed too: reading it is refused with
            // a finding, rather than the file silently passed over.
            let file = is_compose_file_name(&name)
                && matches!(fs.kind(p), Some(EntryKind::File | EntryKind::Other));
            file.then_some(name)
        })
        .collect();
    let pick = |candidates: &[&str]| {
        candidates
            .iter()
            .find(|c| names.contains(**c))
            .map(|c| directory.join(c))
    };
    let default = pick(&DEFAULT_FILES);
    let override_file = default.as_ref().and_then(|_| pick(&OVERRIDE_FILES));
    // The losers of each pick (compose-go `cli/options.go`, "Found multiple config files
    // with supported names"; ../shared/oracle/SEMANTICS.md §c.1).
    let losers = |candidates: &[&str], winner: &Option<PathBuf>| -> Vec<PathBuf> {
        candidates
            .iter()
            .map(|c| directory.join(c))
            .filter(|p| winner.is_some() && Some(p) != winner.as_ref())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| names.contains(&*n.to_string_lossy()))
            })
            .collect()
    };
    let mut ignored = losers(&DEFAULT_FILES, &default);
    ignored.extend(losers(&OVERRIDE_FILES, &override_file));
    let others = names
        .iter()
        .filter(|n| is_compose_file_name(n))
        .map(|n| directory.join(n))
        .filter(|p| Some(p) != default.as_ref() && Some(p) != override_file.as_ref())
        .filter(|p| !ignored.contains(p))
        // Without a default file, override files are projects of their own like any other.
        .collect();
    DirectoryFiles {
        directory: directory.to_path_buf(),
        default,
        override_file,
        others,
        ignored,
        commands: Vec::new(),
    }
}

/// What a search reads in each directory it meets: the kinds of command file besides compose
/// files, or nothing at all (a directory the configuration excludes, not searched).
pub trait Reads {
    fn reads_in(&self, dir: &Path) -> Option<CommandKinds>;
}

impl Reads for CommandKinds {
    fn reads_in(&self, _dir: &Path) -> Option<CommandKinds> {
        Some(*self)
    }
}

impl<F: Fn(&Path) -> Option<CommandKinds>> Reads for F {
    fn reads_in(&self, dir: &Path) -> Option<CommandKinds> {
        self(dir)
    }
}

/// Every directory under `root` (itself included) that holds compose files, or command files
/// of the kinds `reads` reads there, in sorted order. Skips `.git`, `node_modules`, `target`,
/// `vendor`, hidden directories below the root, linked directories (which could loop), and
/// the directories `reads` reads nothing in.
pub fn find_directories(
    fs: &dyn FileSystem,
    root: &Path,
    reads: &dyn Reads,
) -> Vec<DirectoryFiles> {
    let mut out = Vec::new();
    // What may hold commands, with the index of its directory in `out`.
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Some(kinds) = reads.reads_in(&dir) else {
            continue;
        };
        let listed = fs.read_dir_listed(&dir).unwrap_or_default();
        let entries: Vec<PathBuf> = listed.iter().map(|(p, _)| p.clone()).collect();
        let index = out.len();
        let mut batch = Batch::default();
        for (path, what) in &listed {
            match (commands::kind_by_name(path), what) {
                (Some(kind), _) if !kinds.reads(kind) => {}
                // Read through the listing, in batches: a docs tree holds thousands.
                (Some(kind), Listed::File) => {
                    if let Some(name) = path.file_name() {
                        batch.names.push(name.to_os_string());
                        batch.kinds.push(kind);
                    }
                    if batch.names.len() == LISTED_BATCH {
                        let full = std::mem::take(&mut batch);
                        candidates.push(Candidate::Listed(index, dir.clone(), full));
                    }
                }
                (Some(_), _) => candidates.push(Candidate::Path(index, path.clone())),
                (None, Listed::Dir) => {}
                (None, _) => {
                    if kinds.shell && may_be_script(path) {
                        candidates.push(Candidate::Path(index, path.clone()));
                    }
                }
            }
        }
        if !batch.names.is_empty() {
            candidates.push(Candidate::Listed(index, dir.clone(), batch));
        }
        out.push(group(fs, &dir, &entries));
        let mut children: Vec<PathBuf> = listed
            .into_iter()
            .filter(|(p, what)| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                *what == Listed::Dir
                    && !name.starts_with('.')
                    && !SKIPPED_DIRS.contains(&name.as_ref())
            })
            .map(|(p, _)| p)
            .collect();
        children.reverse();
        pending.extend(children);
    }
    // Only a script or document that names `docker` or `podman`, or a document with a compose
    // block, holds something to read. A file without an extension, which may be a large
    // binary, is first asked for its first line only: a script by its shebang. A docs tree
    // holds thousands: they are read across the cores, each once here and the few that hold
    // something again when loaded.
    let holding = crate::in_parallel(&candidates, |candidate| match candidate {
        Candidate::Listed(index, dir, batch) => {
            let mut holds = Vec::new();
            fs.read_listed(dir, &batch.names, &mut |i, bytes| {
                if bytes.is_ok_and(|b| holds_something(Some(batch.kinds[i]), b)) {
                    holds.push((*index, dir.join(&batch.names[i])));
                }
            });
            holds
        }
        Candidate::Path(index, path) => {
            let kind = commands::kind_by_name(path);
            // Reading refuses what is not a regular file.
            let script = kind.is_some()
                || fs
                    .read_head(path, SHEBANG_LIMIT)
                    .is_ok_and(|head| commands::shebang_is_shell(&head));
            let holds = script && fs.read(path).is_ok_and(|b| holds_something(kind, &b));
            holds.then(|| (*index, path.clone())).into_iter().collect()
        }
    });
    for (index, path) in holding.into_iter().flatten() {
        if let Some(files) = out.get_mut(index) {
            files.commands.push(path);
        }
    }
    // In name order, whichever way each was read.
    for files in &mut out {
        files.commands.sort();
    }
    out.retain(|files| {
        files.default.is_some() || !files.others.is_empty() || !files.commands.is_empty()
    });
    out.sort_by(|a, b| a.directory.cmp(&b.directory));
    out
}

/// A file a search may find commands in, with the index of its directory's files.
enum Candidate {
    /// Files its directory listed as regular ones (at most `LISTED_BATCH`).
    Listed(usize, PathBuf, Batch),
    /// A link, or a file without an extension (a script only by its shebang).
    Path(usize, PathBuf),
}

/// Files of one directory, by name, with the kind of each.
#[derive(Default)]
struct Batch {
    names: Vec<OsString>,
    kinds: Vec<commands::CommandFile>,
}

/// How many documents of one directory a core reads in one go: the directory is opened once
/// for them, and a directory of thousands is still spread over the cores.
const LISTED_BATCH: usize = 64;

/// Whether a script or document holds something to read: a `docker` or `podman` command, or
/// for a Markdown document, a compose block.
fn holds_something(kind: Option<commands::CommandFile>, bytes: &[u8]) -> bool {
    commands::mentions_docker(bytes)
        || (kind == Some(commands::CommandFile::Markdown)
            && commands::compose_blocks::count(bytes) > 0)
}

/// How much of a file without an extension is read to find its shebang: the longest
/// interpreter line a script is likely to have.
const SHEBANG_LIMIT: usize = 256;

/// Whether a file without an extension may be a script, to be told by its shebang. Hidden
/// files (`.env`, `.gitignore`) are configuration, not scripts.
fn may_be_script(path: &Path) -> bool {
    path.extension().is_none()
        && path
            .file_name()
            .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
}

/// The nearest directory at or above `start` that has a default compose file.
pub fn enclosing_project_directory(fs: &dyn FileSystem, start: &Path) -> Option<DirectoryFiles> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let files = directory_files(fs, d);
        if files.default.is_some() {
            return Some(files);
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    fn fs(files: &[&str]) -> MemFs {
        let mut fs = MemFs::new();
        for f in files {
            fs.insert(*f, "services: {}\n");
        }
        fs
    }

    #[test]
    fn default_file_priority_and_override_are_composes() {
        let fs = fs(&[
            "/p/docker-compose.yaml",
            "/p/docker-compose.yml",
            "/p/compose.override.yaml",
            "/p/compose.override.yml",
            "/p/compose.gpu.yaml",
        ]);
        let d = directory_files(&fs, Path::new("/p"));
        assert_eq!(d.default, Some(PathBuf::from("/p/docker-compose.yml")));
        assert_eq!(
            d.override_file,
            Some(PathBuf::from("/p/compose.override.yml"))
        );
        assert_eq!(d.others, vec![PathBuf::from("/p/compose.gpu.yaml")]);
        // Compose loads neither of the files that lose, and says so.
        assert_eq!(
            d.ignored,
            vec![
                PathBuf::from("/p/docker-compose.yaml"),
                PathBuf::from("/p/compose.override.yaml"),
            ]
        );
        // Without a default file, an override file is not ignored: it stands alone.
        let alone = self::fs(&["/q/compose.override.yml", "/q/compose.override.yaml"]);
        let d = directory_files(&alone, Path::new("/q"));
        assert!(d.ignored.is_empty());
        assert_eq!(d.others.len(), 2);
    }

    #[test]
    fn recursive_search_skips_vendored_and_hidden_directories() {
        let fs = fs(&[
            "/r/compose.yaml",
            "/r/app/docker-compose.yml",
            "/r/node_modules/x/compose.yaml",
            "/r/.hidden/compose.yaml",
            "/r/target/compose.yaml",
        ]);
        let dirs: Vec<PathBuf> = find_directories(&fs, Path::new("/r"), &CommandKinds::ALL)
            .into_iter()
            .map(|d| d.directory)
            .collect();
        assert_eq!(dirs, vec![PathBuf::from("/r"), PathBuf::from("/r/app")]);
    }

    #[test]
    fn names() {
        assert!(is_compose_file_name("docker-compose.gpu.yml"));
        assert!(is_compose_file_name("compose.yaml"));
        assert!(!is_compose_file_name("my-compose.yaml"));
        assert!(is_env_file_name(".env"));
        assert!(is_env_file_name("app.env"));
        assert!(is_env_file_name(".env.local"));
        assert!(!is_env_file_name("env.txt"));
    }
}
