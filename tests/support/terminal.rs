//! Runs composelint with its standard output on a pseudo-terminal, as a user at a terminal
//! runs it: through script(1) (util-linux, on every Linux machine this is tested on).

use std::path::Path;
use std::process::{Command, Stdio};

/// Runs the binary with `args` in `dir`, its output on a terminal `columns` wide (the
/// `COLUMNS` the shell sets: script's terminal has no size of its own). Returns the exit code
/// and what was printed, with the terminal's `\r\n` line ends made `\n` again.
pub fn run_on_terminal(dir: &Path, args: &[&str], columns: usize) -> (Option<i32>, String) {
    let mut command = shell_quoted(env!("CARGO_BIN_EXE_composelint"));
    for arg in args {
        command.push(' ');
        command.push_str(&shell_quoted(arg));
    }
    let out = Command::new("script")
        // -q: no "Script started" lines; -e: its exit code is the command's; -c: the command.
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(dir)
        .env("COLUMNS", columns.to_string())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("script(1) runs");
    let text = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
    (out.status.code(), text)
}

fn shell_quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}
