//! The fenced code blocks of a Markdown document that hold shell commands.
//!
//! A fence is a line of three or more backquotes or tildes, indented at most three spaces
//! (CommonMark §4.5); the block ends at a fence of the same character at least as long, or at
//! the end of the document. The first word of the info string names the language.

use std::ops::Range;

use super::words::{Layout, prompt_len};

/// A block of commands: its content (between the fence lines) and how it is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub content: Range<usize>,
    pub layout: Layout,
}

/// The shell blocks of `text`: `sh`, `bash`, `shell`, `zsh` (scripts), `console`,
/// `shell-session` (prompts and output), and blocks without a language whose lines start
/// with `docker`/`podman` (a script) or with a prompt (a session).
pub fn shell_blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize, String, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let Some((fence_char, len, info)) = fence(line) else {
            continue;
        };
        match &open {
            None => open = Some((fence_char, len, info.to_string(), offset)),
            Some((c, n, _, _)) if *c == fence_char && len >= *n && info.trim().is_empty() => {
                let (_, _, info, content_start) = open.take().unwrap_or_default();
                let content = content_start..line_start;
                if let Some(layout) = layout(&info, &text[content.clone()]) {
                    out.push(Block { content, layout });
                }
            }
            Some(_) => {}
        }
    }
    if let Some((_, _, info, content_start)) = open {
        let content = content_start..text.len();
        if let Some(layout) = layout(&info, &text[content.clone()]) {
            out.push(Block { content, layout });
        }
    }
    out
}

/// A fence line: its character, length and info string.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = rest.len() - rest.trim_start_matches(c).len();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim_end_matches(['\n', '\r']);
    // A backquote fence's info string cannot hold a backquote.
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, len, info))
}

fn layout(info: &str, content: &str) -> Option<Layout> {
    let language = info
        .trim()
        .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match language.as_str() {
        "sh" | "bash" | "shell" | "zsh" => Some(Layout::Script),
        "console" | "shell-session" | "shellsession" => Some(Layout::Console),
        "" => {
            let lines = || {
                content
                    .lines()
                    .map(str::trim_start)
                    .filter(|l| !l.is_empty())
            };
            if lines().any(|l| prompt_len(l).is_some()) {
                Some(Layout::Console)
            } else if lines().any(|l| l.starts_with("docker ") || l.starts_with("podman ")) {
                Some(Layout::Script)
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(&str, Layout)> {
        shell_blocks(text)
            .into_iter()
            .map(|b| (&text[b.content], b.layout))
            .collect()
    }

    #[test]
    fn shell_and_console_fences_and_unlabelled_docker_lines() {
        let text = "# Run\n\n```bash\ndocker run -d ollama/ollama\n```\n\n~~~console\n$ docker ps\n~~~\n\n```\ndocker network create net\n```\n\n```yaml\nservices: {}\n```\n\n```\nnot a command\n```\n";
        assert_eq!(
            blocks(text),
            vec![
                ("docker run -d ollama/ollama\n", Layout::Script),
                ("$ docker ps\n", Layout::Console),
                ("docker network create net\n", Layout::Script),
            ]
        );
    }

    #[test]
    fn a_longer_fence_holds_a_shorter_one_and_an_open_block_runs_to_the_end() {
        let text = "````sh\n```\ndocker run a\n````\n  ```sh {.numberLines}\ndocker run b";
        assert_eq!(
            blocks(text),
            vec![
                ("```\ndocker run a\n", Layout::Script),
                ("docker run b", Layout::Script),
            ]
        );
    }
}
