//! Human output on a terminal wraps to its width, breaking lines at spaces only; anywhere
//! else (a pipe, a file) it does not wrap (issue 19).

use std::path::Path;
use std::process::Command;

#[path = "support/terminal.rs"]
mod terminal;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Each finding's message, as the lines it is drawn on: from its `×`/`⚠`/`☞` line through
/// the `│` lines continuing it.
fn messages(output: &str) -> Vec<Vec<&str>> {
    let mut messages: Vec<Vec<&str>> = Vec::new();
    let mut open = false;
    for line in output.lines() {
        let starts = ["  × ", "  ⚠ ", "  ☞ "].iter().any(|m| line.starts_with(m));
        if starts {
            messages.push(vec![line]);
            open = true;
        } else if open && line.starts_with("  │ ") {
            messages.last_mut().unwrap().push(line);
        } else {
            open = false;
        }
    }
    messages
}

/// A message's text, its lines joined by the spaces they were broken at.
fn joined(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| l.chars().skip(4).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn piped(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_terminal_wraps_at_spaces_and_never_inside_a_url_or_a_name() {
    let args = ["fixtures/demo", "--color", "never"];
    let piped = piped(&args);
    let whole = messages(&piped);
    // Every width from the narrowest to the README's, so that each message has its breaks
    // fall at every place in it.
    for columns in 40..=100 {
        let (code, shown) = terminal::run_on_terminal(root(), &args, columns);
        assert_eq!(code, Some(1));
        let wrapped = messages(&shown);
        assert_eq!(whole.len(), wrapped.len(), "{shown}");
        assert!(
            wrapped.iter().any(|m| m.len() > 1),
            "nothing wrapped:\n{shown}"
        );
        for (whole, wrapped) in whole.iter().zip(&wrapped) {
            // Joined at the breaks with the spaces that were there, the lines give back the
            // message: no break fell inside a word (`open-` / `webui`, `http://` / `ollama`).
            assert_eq!(
                joined(whole),
                joined(wrapped),
                "at {columns} columns:\n{shown}"
            );
            for line in wrapped {
                let fits = line.chars().count() <= columns;
                let one_word = !line.chars().skip(4).any(char::is_whitespace);
                assert!(
                    fits || one_word,
                    "`{line}` is wider than {columns}:\n{shown}"
                );
            }
        }
    }
}

#[test]
fn output_that_is_not_on_a_terminal_is_not_wrapped() {
    let shown = piped(&["fixtures/demo", "--color", "never"]);
    for message in messages(&shown) {
        assert_eq!(
            message.len(),
            1,
            "a message was wrapped in a pipe:\n{shown}"
        );
    }
    assert!(
        messages(&shown).iter().any(|m| m[0].chars().count() > 100),
        "the demo has messages longer than any terminal default:\n{shown}"
    );
}

#[test]
fn a_report_written_to_a_file_from_a_terminal_is_not_wrapped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let file = file.to_str().unwrap();
    let args = ["fixtures/demo", "--color", "never", "--output-file", file];
    let (code, _) = terminal::run_on_terminal(root(), &args, 60);
    assert_eq!(code, Some(1));
    let written = std::fs::read_to_string(file).unwrap();
    assert!(!messages(&written).is_empty());
    for message in messages(&written) {
        assert_eq!(message.len(), 1, "{written}");
    }
}

#[test]
fn a_terminal_gets_colour_unless_told_never() {
    let (_, shown) = terminal::run_on_terminal(root(), &["fixtures/demo"], 100);
    assert!(
        shown.contains("\u{1b}["),
        "no colour on a terminal:\n{shown}"
    );
    let (_, shown) = terminal::run_on_terminal(root(), &["fixtures/demo", "--color", "never"], 100);
    assert!(!shown.contains("\u{1b}["), "{shown}");
}
