//! Edits that add to Docker commands where they are written: an option on a `docker run` line,
//! a command on a line of its own before another. Everything outside the inserted text stays
//! byte for byte: an option goes in right after `run`/`create`, on that word's line, so no
//! continuation is added or moved and no word is requoted; a new command line takes the
//! indentation of the line it goes before (in a terminal session, its prompt) and its line
//! ending.

use crate::compose::model::RunLine;
use crate::diagnostic::Edit;
use crate::source::Span;

use super::words::prompt_len;

/// An option (its words: `["--network", "n"]`, `["--add-host=h:host-gateway"]`) inserted
/// right after the `run`/`create` word of a container's command.
pub fn add_option(run: &RunLine, words: &[&str]) -> Edit {
    let at = run.subcommand.end;
    Edit {
        span: Span::new(run.subcommand.file, at, at),
        content: words
            .iter()
            .map(|w| format!(" {}", shell_word(w)))
            .collect(),
    }
}

/// `docker ARGS` on a line of its own, before the line that the command starting at byte
/// `before` of `src` starts on (the first of the lines a continuation joins), indented as
/// that line is, or after the same prompt in a terminal session. It runs as that command's
/// `run` does: the same program (`podman`, a path) and `sudo`.
pub fn insert_command_before(src: &str, before: usize, run: &RunLine, args: &str) -> Option<Edit> {
    let file = run.subcommand.file;
    let program = src.get(run.program.start..run.program.end)?;
    let sudo = if run.sudo { "sudo " } else { "" };
    let command = format!("{sudo}{program} {args}");
    let console = run.console;
    let mut line_start = line_start(src, before.min(src.len()))?;
    let prefix = if console {
        // The prompt, not what may stand between it and the command (`$ cd x && docker …`).
        let prompt = prompt_len(&src[line_start..])?;
        src[line_start..line_start + prompt].to_string()
    } else {
        while let Some(previous) = continued_line(src, line_start) {
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

/// The start of the line holding byte `at`.
fn line_start(src: &str, at: usize) -> Option<usize> {
    Some(src.get(..at)?.rfind('\n').map_or(0, |i| i + 1))
}

/// The start of the line before the one starting at `start`, when that line ends with a
/// backslash that continues it onto this one.
fn continued_line(src: &str, start: usize) -> Option<usize> {
    let before = src.get(..start)?.strip_suffix('\n')?;
    let before = before.strip_suffix('\r').unwrap_or(before);
    // An odd number of backslashes: the last one escapes the newline.
    let backslashes = before.len() - before.trim_end_matches('\\').len();
    (backslashes % 2 == 1).then(|| line_start(src, before.len()).unwrap_or(0))
}

/// `word` as the shell reads it back unchanged: as it is when every character is one a shell
/// leaves alone, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '=' | ',')
        });
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
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

    /// The run line of the first `docker run` of `src`.
    fn run_line(src: &str, console: bool) -> RunLine {
        let at = src.find("run").unwrap();
        let program = src[..at].rfind("docker").unwrap_or(0);
        RunLine {
            program: Span::new(FileId(0), program, program + 6),
            sudo: src[..program].contains("sudo"),
            subcommand: Span::new(FileId(0), at, at + 3),
            console,
        }
    }

    #[test]
    fn an_option_goes_right_after_run_on_its_line() {
        let src = "  docker run \\\n    -d --name x img\n";
        let edit = add_option(&run_line(src, false), &["--network", "ollama-net"]);
        assert_eq!(
            apply(src, &edit),
            "  docker run --network ollama-net \\\n    -d --name x img\n"
        );
        let odd = add_option(&run_line(src, false), &["a b"]);
        assert_eq!(odd.content, " 'a b'");
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
}
