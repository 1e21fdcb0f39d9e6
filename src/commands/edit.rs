//! Edits that add to Docker commands where they are written: an option on a `docker run` line,
//! a command on a line of its own before another. Everything outside the inserted text stays
//! byte for byte: an option goes in right after `run`/`create`, on that word's line, so no
//! continuation is added or moved and no word is requoted; a new command line takes the
//! indentation of the line it goes before (in a terminal session, its prompt) and its line
//! ending. Each edit is written for the shell of the command it edits (PowerShell and cmd
//! quote and continue lines their own way); where that shell would need what the edit cannot
//! write, there is no edit: a new line in a Makefile's recipe, a word cmd cannot quote.

use crate::compose::model::RunLine;
use crate::diagnostic::Edit;
use crate::source::Span;

use super::words::{Layout, Shell};

/// An option (its words: `["--network", "n"]`, `["--add-host=h:host-gateway"]`) inserted
/// right after the `run`/`create` word of a container's command, the same in every shell;
/// None when a word would need quoting its shell cannot give.
pub fn add_option(run: &RunLine, words: &[&str]) -> Option<Edit> {
    let at = run.subcommand.end;
    let content = words
        .iter()
        .map(|w| Some(format!(" {}", shell_word(w, run)?)))
        .collect::<Option<String>>()?;
    Some(Edit {
        span: Span::new(run.subcommand.file, at, at),
        content,
    })
}

/// `docker ARGS` on a line of its own, before the line that the command starting at byte
/// `before` of `src` starts on (the first of the lines a continuation joins), indented as
/// that line is, or after the same prompt in a terminal session. It runs as that command's
/// `run` does: the same program (`podman`, a path) and `sudo`. None in a Makefile's recipe
/// (make runs a recipe only for its target, and its line would need a tab), and in PowerShell
/// for a program written quoted or as a variable (a string there is no command).
pub fn insert_command_before(src: &str, before: usize, run: &RunLine, args: &str) -> Option<Edit> {
    if run.layout == Layout::Recipe {
        return None;
    }
    let file = run.subcommand.file;
    let program = src.get(run.program.start..run.program.end)?;
    if run.shell == Shell::PowerShell && program.starts_with(['"', '\'', '$', '&', '(']) {
        return None;
    }
    let sudo = if run.sudo { "sudo " } else { "" };
    let command = format!("{sudo}{program} {args}");
    let mut line_start = line_start(src, before.min(src.len()))?;
    let prefix = if run.layout == Layout::Console {
        // The prompt, not what may stand between it and the command (`$ cd x && docker …`).
        let line = src[line_start..].split_inclusive('\n').next()?;
        let prompt = run.shell.prompt_len(line)?;
        src[line_start..line_start + prompt].to_string()
    } else {
        while let Some(previous) = continued_line(src, line_start, run.shell) {
            line_start = previous;
        }
        let line = &src[line_start..];
        line[..line.len() - line.trim_start_matches([' ', '\t']).len()].to_string()
    };
    let newline = if src[line_start..]
        .split_inclusive('\n')
        .next()
        .is_some_and(|l| l.ends_with("\r\n"))
    {
        "\r\n"
    } else {
        "\n"
    };
    Some(Edit {
        span: Span::new(file, line_start, line_start),
        content: format!("{prefix}{command}{newline}"),
    })
}

/// `docker ARGS` on a line of its own, after the line where the command ending at byte
/// `after` of `src` ends (the last of the lines a continuation joins), indented as the
/// command's first line is, or after the same prompt in a terminal session; run as the
/// command's `run` is. None where [`insert_command_before`] gives none.
pub fn insert_command_after(src: &str, after: usize, run: &RunLine, args: &str) -> Option<Edit> {
    let first_line = line_start(src, run.subcommand.start.min(src.len()))?;
    let written = insert_command_before(src, first_line, run, args)?;
    let end = src
        .get(after..)?
        .find('\n')
        .map_or(src.len(), |i| after + i + 1);
    let content = if src[..end].ends_with('\n') {
        written.content
    } else {
        // The command ends the text: its line gets the line break the new one ends with.
        let newline = if written.content.ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let line = written
            .content
            .strip_suffix(newline)
            .unwrap_or(&written.content);
        format!("{newline}{line}")
    };
    Some(Edit {
        span: Span::new(run.subcommand.file, end, end),
        content,
    })
}

/// The start of the line holding byte `at`.
fn line_start(src: &str, at: usize) -> Option<usize> {
    Some(src.get(..at)?.rfind('\n').map_or(0, |i| i + 1))
}

/// The start of the line before the one starting at `start`, when that line ends with the
/// shell's continuation character (POSIX `\\`, PowerShell `` ` ``, cmd `^`) continuing it onto
/// this one.
fn continued_line(src: &str, start: usize, shell: Shell) -> Option<usize> {
    let before = src.get(..start)?.strip_suffix('\n')?;
    let before = before.strip_suffix('\r').unwrap_or(before);
    let escape = match shell {
        Shell::Posix => '\\',
        Shell::PowerShell => '`',
        Shell::Cmd => '^',
    };
    // An odd number of them: the last one escapes the newline.
    let escapes = before.len() - before.trim_end_matches(escape).len();
    (escapes % 2 == 1).then(|| line_start(src, before.len()).unwrap_or(0))
}

/// `word` as the command's shell reads it back unchanged: as it is when every character is
/// one every shell leaves alone, else quoted as that shell quotes; None when it cannot be (a
/// `$` make would expand, a character that ends cmd's quotes or expands in them).
fn shell_word(word: &str, run: &RunLine) -> Option<String> {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '=' | ',')
        });
    if plain {
        return Some(word.to_string());
    }
    match run.shell {
        Shell::Posix if run.layout == Layout::Recipe && word.contains('$') => None,
        Shell::Posix => Some(format!("'{}'", word.replace('\'', r"'\''"))),
        // Any of PowerShell's single quotes, typographic ones included, ends the string.
        Shell::PowerShell if word.contains(['\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}']) => {
            None
        }
        Shell::PowerShell => Some(format!("'{}'", word.replace('\'', "''"))),
        // docker.exe drops the quotes (Go's argv rules); a backslash before the closing one
        // would escape it.
        Shell::Cmd if word.contains(['"', '%', '!']) || word.ends_with('\\') => None,
        Shell::Cmd => Some(format!("\"{word}\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn apply(src: &str, edit: &Edit) -> String {
        format!(
            "{}{}{}",
            &src[..edit.span.start],
            edit.content,
            &src[edit.span.end..]
        )
    }

    /// The run line of the first `docker run` of `src`, written for `shell` as `layout`.
    fn run_line_of(src: &str, shell: Shell, layout: Layout) -> RunLine {
        let at = src.find("run").unwrap();
        let program = src[..at].rfind("docker").unwrap_or(0);
        RunLine {
            program: Span::new(FileId(0), program, program + 6),
            sudo: src[..program].contains("sudo"),
            subcommand: Span::new(FileId(0), at, at + 3),
            shell,
            layout,
        }
    }

    /// The run line of the first `docker run` of POSIX `src`, in a terminal session or not.
    fn run_line(src: &str, console: bool) -> RunLine {
        let layout = if console {
            Layout::Console
        } else {
            Layout::Script
        };
        run_line_of(src, Shell::Posix, layout)
    }

    #[test]
    fn an_option_goes_right_after_run_on_its_line() {
        let src = "  docker run \\\n    -d --name x img\n";
        let edit = add_option(&run_line(src, false), &["--network", "ollama-net"]).unwrap();
        assert_eq!(
            apply(src, &edit),
            "  docker run --network ollama-net \\\n    -d --name x img\n"
        );
        let odd = add_option(&run_line(src, false), &["a b"]).unwrap();
        assert_eq!(odd.content, " 'a b'");
    }

    #[test]
    fn a_command_goes_after_the_last_line_of_a_continued_command() {
        let src = "  docker run -d \\\n    --network web --name app img\necho done\n";
        let run = run_line(src, false);
        let after = src.find("img").unwrap() + 3;
        let edit = insert_command_after(src, after, &run, "network connect llm app").unwrap();
        assert_eq!(
            apply(src, &edit),
            "  docker run -d \\\n    --network web --name app img\n  docker network connect llm app\necho done\n"
        );
        // At the end of the text, without a line break: the new line gets one before it.
        let src = "docker run --name app img";
        let run = run_line(src, false);
        let edit = insert_command_after(src, src.len(), &run, "network connect llm app").unwrap();
        assert_eq!(
            apply(src, &edit),
            "docker run --name app img\ndocker network connect llm app"
        );
    }

    #[test]
    fn a_command_goes_before_the_first_line_of_a_continued_command() {
        let src = "set -e\r\n    sudo \\\r\n      docker run -d img\r\n";
        let at = src.find("sudo").unwrap();
        let run = run_line(src, false);
        let edit = insert_command_before(src, at, &run, "network create n").unwrap();
        assert_eq!(
            apply(src, &edit),
            "set -e\r\n    sudo docker network create n\r\n    sudo \\\r\n      docker run -d img\r\n"
        );
        // The command starts on a continued line: the new one goes before the first.
        let src = "make build && \\\n  /usr/bin/podman run img\n";
        let at = src.find("/usr").unwrap();
        let run = RunLine {
            program: Span::new(FileId(0), at, at + 15),
            ..run_line(src, false)
        };
        let edit = insert_command_before(src, at, &run, "x").unwrap();
        assert_eq!(
            apply(src, &edit),
            "/usr/bin/podman x\nmake build && \\\n  /usr/bin/podman run img\n"
        );
    }

    #[test]
    fn in_a_terminal_session_a_command_follows_the_same_prompt() {
        let src = "```console\nme@box:~$ cd x && docker run -d \\\n>   img\nabc\n```\n";
        let at = src.find("docker").unwrap();
        let edit =
            insert_command_before(src, at, &run_line(src, true), "network create n").unwrap();
        assert_eq!(
            apply(src, &edit),
            "```console\nme@box:~$ docker network create n\nme@box:~$ cd x && docker run -d \\\n>   img\nabc\n```\n"
        );
    }

    #[test]
    fn powershell_and_cmd_lines_keep_their_continuations_prompts_and_quotes() {
        let src = "$x = 1\r\n  docker `\r\n    run -d img\r\n";
        let run = run_line_of(src, Shell::PowerShell, Layout::Script);
        let edit = insert_command_before(src, src.find("docker").unwrap(), &run, "x").unwrap();
        assert_eq!(edit.content, "  docker x\r\n");
        let src = "docker ^\n  run -d img\n";
        let at = src.find("  run").unwrap() + 2;
        let run = run_line_of(src, Shell::Cmd, Layout::Script);
        let edit = insert_command_before(src, at, &run, "x").unwrap();
        assert_eq!(apply(src, &edit), "docker x\ndocker ^\n  run -d img\n");
        let src = "PS C:\\> docker run -d img\nabc\n";
        let run = run_line_of(src, Shell::PowerShell, Layout::Console);
        let edit = insert_command_before(src, src.find("docker").unwrap(), &run, "x").unwrap();
        assert_eq!(edit.content, "PS C:\\> docker x\n");
        let quote = |shell| add_option(&run_line_of(src, shell, Layout::Script), &["a'b c"]);
        assert_eq!(quote(Shell::PowerShell).unwrap().content, " 'a''b c'");
        assert_eq!(quote(Shell::Cmd).unwrap().content, " \"a'b c\"");
        let cmd = run_line_of(src, Shell::Cmd, Layout::Script);
        assert!(add_option(&cmd, &["a%PATH%"]).is_none());
        // A program PowerShell would read as a string is not repeated.
        let src = "& \"C:\\d\\docker.exe\" run img\n";
        let run = RunLine {
            program: Span::new(FileId(0), 2, 21),
            ..run_line_of(src, Shell::PowerShell, Layout::Script)
        };
        assert!(insert_command_before(src, 2, &run, "x").is_none());
    }

    #[test]
    fn a_makefile_recipe_takes_options_but_no_new_line() {
        let src = "up:\n\tdocker run -d img\n";
        let run = run_line_of(src, Shell::Posix, Layout::Recipe);
        assert!(insert_command_before(src, src.find("docker").unwrap(), &run, "x").is_none());
        let edit = add_option(&run, &["--network", "n"]).unwrap();
        assert_eq!(apply(src, &edit), "up:\n\tdocker run --network n -d img\n");
        assert!(add_option(&run, &["$HOME x"]).is_none());
    }
}
