//! `docker run` lines and the other Docker commands people write in scripts and docs, read
//! into the same project model compose files load into, so the same reachability engine,
//! knowledge and rules judge them.
//!
//! A script, or a Markdown document's shell blocks taken together, is one project: a sequence
//! of commands run in order on one Docker host ([`docker::build`]). Its findings point into
//! the file's bytes, through the words' provenance ([`words`]).

pub mod docker;
pub mod markdown;
pub mod words;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::comments::Comments;
use crate::compose::load::LoadError;
use crate::compose::model::Project;
use crate::fs::FileSystem;
use crate::source::{FileId, FileKind, Sources};
use words::{Command, Layout};

/// The rules that judge a project read from commands: the reference rules and suppression.
/// Left out, for now, those that speak only of compose settings: `depends_on` (OLL012),
/// volumes (OLL013), healthchecks (OLL018) and the compose file's own checks (CMP001-CMP019).
pub fn rule_applies(code: &str) -> bool {
    !matches!(code, "OLL012" | "OLL013" | "OLL018")
        && (code.starts_with("OLL") || matches!(code, "CMP900" | "CMP901"))
}

/// The kinds of file whose commands are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandFile {
    /// A shell script: `*.sh`, `*.bash`, `*.zsh`, or a file without extension whose first
    /// line is a `sh`/`bash`/`zsh` shebang.
    Shell,
    /// A Markdown document: `*.md`, `*.mdx`, `*.markdown`.
    Markdown,
}

/// Which kinds of command file a run reads (the configuration's `sources`, `--sources`):
/// every kind unless turned off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandKinds {
    pub shell: bool,
    pub markdown: bool,
}

impl Default for CommandKinds {
    fn default() -> Self {
        CommandKinds::ALL
    }
}

impl CommandKinds {
    pub const ALL: CommandKinds = CommandKinds {
        shell: true,
        markdown: true,
    };
    /// Compose projects only.
    pub const NONE: CommandKinds = CommandKinds {
        shell: false,
        markdown: false,
    };

    pub fn reads(&self, kind: CommandFile) -> bool {
        match kind {
            CommandFile::Shell => self.shell,
            CommandFile::Markdown => self.markdown,
        }
    }
}

/// The kind of command file `path` is by its name; a file without extension is a script
/// only with a shell shebang (see [`shebang_is_shell`]).
pub fn kind_by_name(path: &Path) -> Option<CommandFile> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let extension = name.rsplit_once('.').map(|(_, e)| e);
    match extension {
        Some("sh" | "bash" | "zsh") => Some(CommandFile::Shell),
        Some("md" | "mdx" | "markdown") => Some(CommandFile::Markdown),
        _ => None,
    }
}

/// Whether `text` starts with a shebang that runs a POSIX shell.
pub fn shebang_is_shell(text: &[u8]) -> bool {
    let first = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let Some(line) = first.strip_prefix(b"#!") else {
        return false;
    };
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let program = words.next().unwrap_or_default();
    let program = match program.rsplit('/').next() {
        Some("env") => words.find(|w| !w.starts_with('-')).unwrap_or_default(),
        Some(p) => p,
        None => "",
    };
    matches!(program, "sh" | "bash" | "zsh" | "dash" | "ash" | "ksh")
}

/// The cheap test that keeps a large docs tree cheap: a file that never names `docker` or
/// `podman` (in any case) holds no command to read. At most positions of prose one byte is
/// compared.
pub fn mentions_docker(text: &[u8]) -> bool {
    text.windows(6).any(|w| match w.first().map(|b| b | 0x20) {
        Some(b'd') => w.eq_ignore_ascii_case(b"docker"),
        Some(b'p') => w.eq_ignore_ascii_case(b"podman"),
        _ => false,
    })
}

/// The kind of command file at `path`: by its name, or for a file without an extension, by
/// its shebang.
pub fn kind_of(fs: &dyn FileSystem, path: &Path) -> Option<CommandFile> {
    kind_by_name(path).or_else(|| {
        let extensionless = path.extension().is_none();
        let shell = extensionless && fs.read(path).is_ok_and(|text| shebang_is_shell(&text));
        shell.then_some(CommandFile::Shell)
    })
}

/// Loads the commands of `path` as a project.
pub fn load(
    fs: &dyn FileSystem,
    path: &Path,
    kind: CommandFile,
) -> Result<(Project, Sources), LoadError> {
    let error = |message: String| LoadError {
        path: path.to_path_buf(),
        message,
    };
    let bytes = fs.read(path).map_err(|e| error(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| error("not UTF-8 text".to_string()))?;
    let mut sources = Sources::new();
    let id = sources.add(path.to_path_buf(), text);
    let src = sources.get(id).text.as_str();
    let (commands, comments) = read(id, src, kind);
    let directory = path.parent().map(PathBuf::from).unwrap_or_default();
    let mut project = Project {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        directory,
        files: vec![id],
        // The containers a file names may be started by another file, script or compose
        // project: a name it lacks is not known to be wrong.
        partial: true,
        from_commands: true,
        ..Project::default()
    };
    // No compose document is written here: fixes that add compose structure have nowhere to go.
    let _ = project.written.set(Vec::new());
    docker::build(&mut project, src, &commands);
    sources.record(id, FileKind::Commands, comments);
    Ok((project, sources))
}

/// The commands of `src` (the text of file `id`, a file of kind `kind`) and its comments:
/// the shell's, and in Markdown the HTML comments outside the code blocks. A directive in a
/// comment covers a whole command line continued over several lines, and one before a
/// Markdown block the whole block.
pub fn read(id: FileId, src: &str, kind: CommandFile) -> (Vec<Command>, Comments) {
    let mut vars = HashMap::new();
    let mut commands = Vec::new();
    let mut starts = Vec::new();
    let mut lines = Vec::new();
    let mut blocks = Vec::new();
    let mut read_region = |region: Range<usize>, layout: Layout| {
        let reading = words::read(id, src, region, layout, &mut vars);
        commands.extend(reading.commands);
        starts.extend(reading.comments);
        lines.extend(reading.lines);
    };
    match kind {
        CommandFile::Shell => read_region(0..src.len(), Layout::Script),
        CommandFile::Markdown => {
            let document = markdown::read(src);
            for block in document.blocks {
                blocks.push(block.fenced.clone());
                read_region(block.content, block.layout);
            }
            starts.extend(document.comments);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let comments = Comments::InCommands {
        starts,
        command_lines: lines,
        blocks,
    };
    (commands, comments)
}
