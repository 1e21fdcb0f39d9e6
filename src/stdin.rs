//! Standard input as a file: `composelint - --stdin-filename compose.yaml` lints the text an
//! editor pipes in as if it were written at that path, beside the files on disk.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use composelint::fs::{EntryKind, FileSystem};

use crate::cli::CheckArgs;

/// The name that stands for standard input among the paths and `-f` files.
pub const STDIN_PATH: &str = "-";

/// The file name assumed for standard input when `--stdin-filename` is not given.
pub const DEFAULT_STDIN_FILENAME: &str = "compose.yaml";

/// A file system that serves one file from memory and everything else from `inner`: the
/// text read from standard input at the path it stands for.
pub struct OverlayFs<'a> {
    fs: composelint::fs::OverlayFs<'a>,
    path: PathBuf,
}

impl<'a> OverlayFs<'a> {
    /// `path` must be absolute and normalized, as the loader's paths are.
    pub fn new(inner: &'a dyn FileSystem, path: PathBuf, text: Vec<u8>) -> Self {
        let mut fs = composelint::fs::OverlayFs::new(inner);
        fs.insert(path.clone(), text);
        OverlayFs { fs, path }
    }

    /// The path standard input stands for.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What was read from standard input.
    pub fn text(&self) -> &[u8] {
        self.fs.get(&self.path).unwrap_or_default()
    }
}

impl FileSystem for OverlayFs<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.fs.read(path)
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        self.fs.kind(path)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        self.fs.read_dir(path)
    }

    fn is_symlink(&self, path: &Path) -> bool {
        self.fs.is_symlink(path)
    }
}

/// Where standard input stands, when the arguments ask to read it: `-` among the paths or
/// the `-f` files, or `--stdin-filename` (which always means standard input, as in other
/// linters; a path besides it must be `-` or that file). The path is absolute (relative names
/// are relative to `cwd`).
pub fn stdin_path(args: &CheckArgs, cwd: &Path) -> Result<Option<PathBuf>, String> {
    let named = args.project.paths.iter().chain(&args.project.files);
    let dash = named.clone().any(|p| p == Path::new(STDIN_PATH));
    let name = match (&args.stdin_filename, dash) {
        (Some(name), _) => name.clone(),
        (None, true) => PathBuf::from(DEFAULT_STDIN_FILENAME),
        (None, false) => return Ok(None),
    };
    let path = at(cwd, &name);
    if !dash && let Some(other) = named.clone().find(|p| at(cwd, p) != path) {
        return Err(format!(
            "--stdin-filename reads standard input as {}, but {} is another file: put `-` where standard input belongs among the paths or -f files",
            name.display(),
            other.display()
        ));
    }
    Ok(Some(path))
}

/// Where `name`, relative to `cwd`, really is (as the linted paths are given to the loader).
fn at(cwd: &Path, name: &Path) -> PathBuf {
    crate::real_location(&composelint::paths::resolve(cwd, name))
}

/// The arguments with `-` replaced by the path standard input stands for (and that path as
/// the one path when `--stdin-filename` came alone). Paths naming that file already are
/// resolved to it by the settings.
pub fn substitute(args: &CheckArgs, path: &Path) -> CheckArgs {
    let mut out = args.clone();
    let swap = |list: &mut Vec<PathBuf>| {
        for p in list
            .iter_mut()
            .filter(|p| p.as_path() == Path::new(STDIN_PATH))
        {
            *p = path.to_path_buf();
        }
    };
    swap(&mut out.project.paths);
    swap(&mut out.project.files);
    if out.project.paths.is_empty() && out.project.files.is_empty() {
        out.project.paths.push(path.to_path_buf());
    }
    out
}

/// All of standard input.
pub fn read_stdin() -> Result<Vec<u8>, String> {
    let mut text = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut text)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use composelint::fs::MemFs;

    #[test]
    fn the_overlay_serves_its_file_and_lists_it_beside_the_others() {
        let mut disk = MemFs::new();
        disk.insert("/p/compose.yaml", "on disk\n");
        disk.insert("/p/.env", "A=1\n");
        let fs = OverlayFs::new(&disk, PathBuf::from("/p/compose.yaml"), b"piped\n".to_vec());
        assert_eq!(fs.read(Path::new("/p/compose.yaml")).unwrap(), b"piped\n");
        assert_eq!(fs.read(Path::new("/p/.env")).unwrap(), b"A=1\n");
        assert_eq!(
            fs.read_dir(Path::new("/p")).unwrap(),
            vec![PathBuf::from("/p/.env"), PathBuf::from("/p/compose.yaml")]
        );

        // A new file in a new directory.
        let fs = OverlayFs::new(&disk, PathBuf::from("/p/new/compose.yml"), b"x\n".to_vec());
        assert_eq!(fs.kind(Path::new("/p/new")), Some(EntryKind::Dir));
        assert_eq!(
            fs.kind(Path::new("/p/new/compose.yml")),
            Some(EntryKind::File)
        );
        assert_eq!(
            fs.read_dir(Path::new("/p/new")).unwrap(),
            vec![PathBuf::from("/p/new/compose.yml")]
        );
        assert!(
            fs.read_dir(Path::new("/p"))
                .unwrap()
                .contains(&PathBuf::from("/p/new"))
        );
        assert!(fs.read_dir(Path::new("/q")).is_err());
        assert_eq!(fs.kind(Path::new("/q")), None);
    }

    #[test]
    fn a_dash_stands_for_the_stdin_filename() {
        let mut args = CheckArgs::default();
        let cwd = Path::new("/work");
        assert_eq!(stdin_path(&args, cwd), Ok(None));
        args.project.paths = vec![PathBuf::from("-")];
        assert_eq!(
            stdin_path(&args, cwd),
            Ok(Some(PathBuf::from("/work/compose.yaml")))
        );
        args.stdin_filename = Some(PathBuf::from("sub/docker-compose.yml"));
        let path = stdin_path(&args, cwd).unwrap().unwrap();
        assert_eq!(path, PathBuf::from("/work/sub/docker-compose.yml"));
        assert_eq!(substitute(&args, &path).project.paths, vec![path.clone()]);
        // `--stdin-filename` alone reads standard input too.
        args.project.paths.clear();
        assert_eq!(stdin_path(&args, cwd), Ok(Some(path.clone())));
        assert_eq!(substitute(&args, &path).project.paths, vec![path.clone()]);
        // So it does beside the path of the file it names (an editor passes both); beside
        // another path it is an error rather than standard input left unread.
        args.project.paths = vec![PathBuf::from("sub/docker-compose.yml")];
        assert_eq!(stdin_path(&args, cwd), Ok(Some(path.clone())));
        args.project.paths = vec![PathBuf::from("other.yml")];
        assert!(stdin_path(&args, cwd).is_err());
    }
}
