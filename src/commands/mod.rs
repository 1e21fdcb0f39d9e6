//! `docker run` lines and the other Docker commands people write in scripts and docs, read
//! into the same project model compose files load into, so the same reachability engine,
//! knowledge and rules judge them.
//!
//! A script (POSIX shell, PowerShell, cmd), a Makefile's recipes, or a Markdown document's
//! command blocks taken together, is one project: a sequence of commands run in order on one
//! Docker host ([`docker::build`]). Its findings point into the file's bytes, through the
//! words' provenance ([`words`]). Commands written only for a Windows shell run on Docker
//! Desktop for Windows unless the user chose a platform ([`platform`]).

mod branches;
mod cmd;
pub mod compose_blocks;
pub mod config;
pub mod docker;
pub mod edit;
mod make;
pub mod markdown;
mod posix;
mod powershell;
mod tabs;
pub mod words;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::comments::Comments;
use crate::compose::issues::LoadIssue;
use crate::compose::load::LoadError;
use crate::compose::model::Project;
use crate::compose::reader::{EnvFile, Reader};
use crate::dotenv::DotenvEntry;
use crate::fs::FileSystem;
use crate::net::Platform;
use crate::source::{FileId, FileKind, Sources};

use words::{Command, Reading, Variables};
pub use words::{Layout, Shell};

/// The platform a project read from commands runs on when the user chose none: Docker
/// Desktop for Windows for commands written only for a Windows shell (PowerShell, cmd).
pub fn platform(project: &Project) -> Option<Platform> {
    project.windows_commands.then_some(Platform::Desktop)
}

/// Whether `project` was read from a Markdown document: its commands, or one of its compose
/// blocks. Those are examples a reader adapts, not what runs.
pub fn is_document(project: &Project, sources: &Sources) -> bool {
    project.document_block.is_some()
        || (project.from_commands
            && project.files.first().is_some_and(|&id| {
                kind_by_name(&sources.get(id).path) == Some(CommandFile::Markdown)
            }))
}

/// The rules that judge a project read from commands, or a compose document written in a
/// Markdown document (an example, often partial): the reference rules and suppression. Left
/// out those that speak only of compose settings: `depends_on` (OLL012), volumes (OLL013),
/// healthchecks (OLL018, NET018) and the compose file's own checks (CMP001-CMP019: a snippet's
/// variables, env files and services are often the reader's to fill in), except CMP012: a
/// `-p` beside `--network host` is discarded by `docker run` just as by Compose.
pub fn rule_applies(code: &str) -> bool {
    !matches!(code, "OLL012" | "OLL013" | "OLL018" | "NET018")
        && (code.starts_with("OLL")
            || code.starts_with("NET")
            || matches!(code, "CMP012" | "CMP900" | "CMP901"))
}

/// The kinds of file whose commands are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandFile {
    /// A script: `*.sh`, `*.bash`, `*.zsh`, or a file without extension whose first line is a
    /// `sh`/`bash`/`zsh` shebang (POSIX shell); `*.ps1` (PowerShell); `*.cmd`, `*.bat` (cmd).
    Script(Shell),
    /// A Markdown document: `*.md`, `*.mdx`, `*.markdown`.
    Markdown,
    /// A Makefile: `Makefile`, `makefile`, `GNUmakefile`, `*.mk`.
    Makefile,
}

/// Which kinds of command file a run reads (the configuration's `sources`, `--sources`):
/// every kind unless turned off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandKinds {
    /// Scripts of every shell (POSIX, PowerShell, cmd) and Makefiles.
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
            CommandFile::Script(_) | CommandFile::Makefile => self.shell,
            CommandFile::Markdown => self.markdown,
        }
    }
}

/// The kind of command file `path` is by its name; a file without extension is a script
/// only with a shell shebang (see [`shebang_is_shell`]).
pub fn kind_by_name(path: &Path) -> Option<CommandFile> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if matches!(name.as_str(), "makefile" | "gnumakefile") {
        return Some(CommandFile::Makefile);
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e);
    match extension {
        Some("sh" | "bash" | "zsh") => Some(CommandFile::Script(Shell::Posix)),
        Some("ps1") => Some(CommandFile::Script(Shell::PowerShell)),
        Some("cmd" | "bat") => Some(CommandFile::Script(Shell::Cmd)),
        Some("md" | "mdx" | "markdown") => Some(CommandFile::Markdown),
        Some("mk") => Some(CommandFile::Makefile),
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
/// `podman` (lowercase, capitalised as cmd and PowerShell also run it, or uppercase) holds no
/// command to read. The search is memchr's vectorised substring search.
pub fn mentions_docker(text: &[u8]) -> bool {
    // Each name as it is written in lowercase, capitalised or uppercase: searched for by its
    // tail, which is the same in the first two, then its first letter in any case. The
    // searchers are built once: building one costs more than searching a page with it.
    static TAILS: std::sync::OnceLock<[(memchr::memmem::Finder<'static>, u8); 4]> =
        std::sync::OnceLock::new();
    let tails = TAILS.get_or_init(|| {
        [
            ("ocker", b'd'),
            ("OCKER", b'd'),
            ("odman", b'p'),
            ("ODMAN", b'p'),
        ]
        .map(|(tail, first)| (memchr::memmem::Finder::new(tail.as_bytes()), first))
    });
    tails.iter().any(|(tail, first)| {
        tail.find_iter(text)
            .any(|at| at > 0 && text[at - 1].eq_ignore_ascii_case(first))
    })
}

/// The kind of command file at `path`: by its name, or for a file without an extension, by
/// its shebang.
pub fn kind_of(fs: &dyn FileSystem, path: &Path) -> Option<CommandFile> {
    kind_by_name(path).or_else(|| {
        let extensionless = path.extension().is_none();
        let shell = extensionless && fs.read(path).is_ok_and(|text| shebang_is_shell(&text));
        shell.then_some(CommandFile::Script(Shell::Posix))
    })
}

/// The text of the script or document at `path`.
fn read_text(fs: &dyn FileSystem, path: &Path) -> Result<String, LoadError> {
    let error = |message: String| LoadError {
        path: path.to_path_buf(),
        message,
    };
    let bytes = fs.read(path).map_err(|e| error(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| error("not UTF-8 text".to_string()))
}

/// Loads the commands of `path` as a project.
pub fn load(
    fs: &dyn FileSystem,
    path: &Path,
    kind: CommandFile,
) -> Result<(Project, Sources), LoadError> {
    let text = read_text(fs, path)?;
    let mut reader = Reader::new(fs);
    let id = reader.sources.add(path.to_path_buf(), text);
    // The env files are read into the same sources while the commands are built from this
    // text: its own copy.
    let src = reader.sources.get(id).text.clone();
    let src = src.as_str();
    let (chunks, comments) = read(id, src, kind);
    reader.sources.record(id, FileKind::Commands, comments);
    // Commands run on Windows when every shell that runs Docker is Windows' own.
    let mut docker_shells = chunks
        .iter()
        .filter(|(_, commands)| commands.iter().any(docker::runs_docker))
        .map(|(shell, _)| *shell)
        .peekable();
    let windows_commands = docker_shells.peek().is_some() && docker_shells.all(Shell::is_windows);
    let commands: Vec<words::Command> = chunks.into_iter().flat_map(|(_, c)| c).collect();
    let directory = path.parent().map(PathBuf::from).unwrap_or_default();
    let mut project = Project {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        directory: directory.clone(),
        files: vec![id],
        // The containers a file names may be started by another file, script or compose
        // project: a name it lacks is not known to be wrong.
        partial: true,
        from_commands: true,
        windows_commands,
        ..Project::default()
    };
    // No compose document is written here: fixes edit the commands themselves.
    let _ = project.written.set(Vec::new());
    let mut env_files = |name: &str| read_env_file(&mut reader, &directory, name);
    docker::build(&mut project, src, &commands, &mut env_files);
    Ok((project, reader.sources))
}

/// The commands of `src` (the text of file `id`, a file of kind `kind`), by the shell each
/// chunk is written for (a document's blocks may be written for several), and its comments:
/// the shells' and make's, and in Markdown the HTML comments outside the code blocks. A
/// directive in a comment covers a whole command line continued over several lines, and one
/// before a Markdown block the whole block.
pub fn read(id: FileId, src: &str, kind: CommandFile) -> (Vec<(Shell, Vec<Command>)>, Comments) {
    // A byte order mark (Windows editors write one) is no part of the first command.
    let start = if src.starts_with('\u{feff}') { 3 } else { 0 };
    // Each shell keeps its own variables: a document's bash and PowerShell blocks are
    // alternatives, not one session.
    let mut vars: HashMap<Shell, Variables> = HashMap::new();
    let mut read = |shell: Shell, region: Range<usize>, layout: Layout| {
        let vars = vars.entry(shell).or_default();
        (shell, words::reading(id, src, region, shell, layout, vars))
    };
    let mut blocks = Vec::new();
    let mut elsewhere = Vec::new();
    let mut html_comments = Vec::new();
    let readings: Vec<(Shell, Reading)> = match kind {
        CommandFile::Script(shell) => vec![read(shell, start..src.len(), Layout::Script)],
        CommandFile::Markdown => {
            let document = markdown::read(src);
            let headings = document.headings;
            html_comments = document.comments;
            elsewhere = document.compose.into_iter().map(|b| b.fenced).collect();
            document
                .blocks
                .into_iter()
                .map(|b| {
                    blocks.push(b.fenced.clone());
                    let sections = markdown::sections_at(&headings, b.fenced.start);
                    let sections = std::sync::Arc::new(sections);
                    let (shell, mut reading) = read(b.shell, b.content.clone(), b.layout);
                    for command in &mut reading.commands {
                        command.platform =
                            markdown::comment_platform(src, b.content.clone(), command.span.start)
                                .or(b.platform);
                        command.sections = sections.clone();
                    }
                    (shell, reading)
                })
                .collect()
        }
        CommandFile::Makefile => vec![(Shell::Posix, make::reading(id, src))],
    };
    let mut starts = html_comments;
    let mut command_lines = Vec::new();
    let chunks: Vec<(Shell, Vec<Command>)> = readings
        .into_iter()
        .map(|(shell, reading)| {
            starts.extend(reading.comments);
            command_lines.extend(reading.lines);
            (shell, reading.commands)
        })
        .collect();
    // A directive is read from the file at the comment's start: one the shell read from
    // text make or cmd made (`$(VAR)` holding a `#`) is no comment written there.
    starts.retain(|&at| {
        let rest = src.get(at..).unwrap_or_default();
        rest.starts_with(['#', ':', 'R', 'r', '<'])
    });
    starts.sort_unstable();
    starts.dedup();
    let comments = Comments::InCommands {
        starts,
        command_lines,
        blocks,
        elsewhere,
    };
    (chunks, comments)
}

/// The env file a `--env-file` names, relative to the file the command is written in (where
/// a script is usually run from, and where a document's reader stands), read as docker reads
/// it (`format: raw`, docker/cli's `kvfile`). None when it is missing, unreadable, not UTF-8
/// or not of that form: docker would not start the container as written.
fn read_env_file(
    reader: &mut Reader,
    directory: &Path,
    name: &str,
) -> Option<(FileId, Vec<DotenvEntry>)> {
    let EnvFile::Read(id) = reader.env_file_itself(&directory.join(name)) else {
        return None;
    };
    let entries = reader.env_entries(id, FileKind::ServiceEnv { raw: true }, &|_| None);
    let refused = reader.issues.iter().any(|issue| match issue {
        LoadIssue::Syntax { span, .. } | LoadIssue::DotenvSyntax { span, .. } => span.file == id,
        _ => false,
    });
    (!refused).then_some((id, entries))
}

#[cfg(test)]
mod tests {
    use super::words::{Command, Layout, Shell, Variables};

    #[test]
    fn docker_and_podman_are_found_as_they_are_written() {
        for text in [
            "docker run",
            "sudo Docker.exe ps",
            "DOCKER RUN",
            "x\npodman run",
            "Podman",
            "PODMAN",
            "/usr/bin/docker",
        ] {
            assert!(mentions_docker(text.as_bytes()), "{text}");
        }
        for text in [
            "",
            "ocker",
            "a locker, a rocker",
            "dock er",
            "podma n",
            "oDMAN",
        ] {
            assert!(!mentions_docker(text.as_bytes()), "{text}");
        }
    }
    use super::*;
    use crate::source::{FileId, Span};
    use crate::text::Origin;

    /// Every span a command holds lies in `src` on character boundaries, and every exact
    /// piece of a word is the bytes of the file it names. Returns how many exact pieces it
    /// compared.
    fn check(src: &str, commands: &[Command]) -> usize {
        let mut compared = 0;
        let in_src = |span: Span| {
            assert!(
                src.get(span.start..span.end).is_some(),
                "{span:?} in {src:?}"
            );
        };
        for c in commands {
            in_src(c.span);
            c.word_spans.iter().copied().for_each(in_src);
            for word in &c.words {
                for piece in &word.pieces {
                    let Origin::File { span, exact } = piece.origin else {
                        continue;
                    };
                    in_src(span);
                    if exact {
                        assert_eq!(
                            &src[span.start..span.end],
                            &word.value[piece.range.clone()],
                            "{src:?}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        compared
    }

    #[test]
    fn commands_run_on_windows_when_every_shell_that_runs_docker_is_windows_own() {
        let windows = |name: &str, text: &str| {
            let mut fs = crate::fs::MemFs::new();
            fs.insert(format!("/p/{name}"), text);
            let path = std::path::Path::new("/p").join(name);
            let kind = kind_by_name(&path).unwrap();
            let (project, _) = load(&fs, &path, kind).unwrap();
            (project.windows_commands, project.services.len())
        };
        let run = "docker run -d --name ollama ollama/ollama\n";
        assert_eq!(windows("run.ps1", run), (true, 1));
        assert_eq!(windows("run.cmd", run), (true, 1));
        assert_eq!(windows("run.sh", run), (false, 1));
        assert_eq!(windows("Makefile", &format!("up:\n\t{run}")), (false, 1));
        let block = |language: &str, body: &str| format!("```{language}\n{body}```\n");
        let doc = |blocks: &[String]| blocks.concat();
        assert_eq!(
            windows(
                "README.md",
                &doc(&[block("powershell", run), block("cmd", run)])
            ),
            (true, 2)
        );
        assert_eq!(
            windows("README.md", &doc(&[block("bash", run), block("pwsh", run)])),
            (false, 2)
        );
        // A block that runs no Docker says nothing of where Docker runs.
        assert_eq!(
            windows(
                "README.md",
                &doc(&[block("bash", "pip install x\n"), block("powershell", run)])
            ),
            (true, 1)
        );
        assert_eq!(
            windows("README.md", &doc(&[block("bash", "ls\n")])),
            (false, 0)
        );
    }

    #[test]
    fn random_text_never_panics_and_exact_pieces_are_the_file_bytes() {
        let pieces = [
            "docker",
            " run",
            " -e ",
            "A=",
            "x",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "\\",
            "\\\n",
            "`",
            "`\n",
            "^",
            "^\r\n",
            "'",
            "''",
            "\"",
            "\"\"",
            "$",
            "$$",
            "$(",
            "${",
            "}",
            ")",
            "(",
            "%",
            "%%",
            "%X%",
            "X=",
            "$X",
            "$env:",
            ":",
            ";",
            "&",
            "&&",
            "|",
            ">",
            "2>&1",
            "<#",
            "#>",
            "#",
            "@",
            "@\"\n",
            "\n\"@",
            "=",
            "set ",
            "set \"",
            "PS C:\\> ",
            "C:\\>",
            "$ ",
            "More? ",
            ">> ",
            "\t@",
            "é",
            "€",
            "\u{1F600}",
            "\u{FEFF}",
            "\u{201C}",
            "-d`",
            "-",
            ".",
            "rem ",
            "::",
            "\t-",
            "X = ",
            "X := ",
            "all:\n",
            "\n```\n",
            "\n```powershell\n",
            "\n```cmd\n",
            "\n~~~console\n",
            "\n```sh\n",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut compared = [0; 3];
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let src: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for shell in [Shell::Posix, Shell::PowerShell, Shell::Cmd] {
                for layout in [Layout::Script, Layout::Console] {
                    let mut vars = Variables::new();
                    let read =
                        words::commands(FileId(0), &src, 0..src.len(), shell, layout, &mut vars);
                    compared[0] += check(&src, &read);
                }
            }
            compared[1] += check(&src, &make::reading(FileId(0), &src).commands);
            for block in markdown::command_blocks(&src) {
                let mut vars = Variables::new();
                let read = words::commands(
                    FileId(0),
                    &src,
                    block.content,
                    block.shell,
                    block.layout,
                    &mut vars,
                );
                compared[2] += check(&src, &read);
            }
        }
        // Scripts, Makefiles and Markdown blocks all gave words to compare.
        assert!(compared.iter().all(|&n| n > 100), "{compared:?}");
    }
}
