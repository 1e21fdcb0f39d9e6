//! The fenced code blocks of a Markdown document that hold commands, and its HTML comments.
//!
//! A fence is a line of three or more backquotes or tildes, indented at most three spaces
//! (CommonMark §4.5); the block ends at a fence of the same character at least as long, or at
//! the end of the document. The first word of the info string names the language.
//!
//! An HTML comment is an HTML block that starts with `<!--` (indented at most three spaces)
//! and ends at the end of the first line that holds `-->`, or at the end of the document
//! (CommonMark 0.31 §4.6, condition 2). Nothing inside one is a fence: a block commented out
//! (`<!--` … ```` ```sh ```` … `-->`) is not read.

use std::ops::Range;

use super::tabs::Tabs;
use super::words::{Layout, Shell};
use crate::net::Platform;

/// A block of commands: its content (between the fence lines), the shell it is written for
/// and how it is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub content: Range<usize>,
    pub shell: Shell,
    pub layout: Layout,
    /// The whole block: from its opening fence line to the end of its closing one.
    pub fenced: Range<usize>,
    /// The platform the sections it stands in name ([`heading_platform`]), if any.
    pub platform: Option<Platform>,
}

/// What a document holds for the linter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Where each HTML comment outside the code blocks starts (its `<!--`).
    pub comments: Vec<usize>,
    /// Each `yaml`/`yml` block that holds a compose document (a top-level `services:`), in
    /// order.
    pub compose: Vec<Fenced>,
    /// Where each heading starts, and its level, in order.
    pub headings: Vec<(usize, usize)>,
}

/// The sections byte `at` of a document with `headings` ([`Document::headings`]) stands in:
/// where each heading above it starts, the outermost first.
pub fn sections_at(headings: &[(usize, usize)], at: usize) -> Vec<usize> {
    let mut open: Vec<(usize, usize)> = Vec::new();
    for &(start, level) in headings.iter().take_while(|(start, _)| *start < at) {
        open.retain(|(_, l)| *l < level);
        open.push((start, level));
    }
    open.into_iter().map(|(start, _)| start).collect()
}

/// A fenced block: its content (between the fence lines), and the whole block, from its
/// opening fence line to the end of its closing one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fenced {
    pub content: Range<usize>,
    pub fenced: Range<usize>,
    /// The platform the sections it stands in name, if any.
    pub platform: Option<Platform>,
}

/// The command blocks of `text` (see [`read`]).
pub fn command_blocks(text: &str) -> Vec<Block> {
    read(text).blocks
}

/// The command blocks of `text`: POSIX shell (`sh`, `bash`, `shell`, `zsh`; `console`,
/// `shell-session` for a session), PowerShell (`powershell`, `ps1`, `pwsh`, `posh`;
/// `ps1con`, `pwsh-session`, `powershell-session`), cmd (`cmd`, `bat`, `batch`, `batchfile`,
/// `dos`; `doscon`), and blocks without a language whose lines start with a prompt or with
/// `docker`/`podman`. A block of a shell's language whose lines start with that shell's
/// prompt is a session. And the document's HTML comments.
pub fn read(text: &str) -> Document {
    let mut out = Document::default();
    // An open fence: its character, length, info string, where its line starts, where its
    // content starts, and the platform its sections name.
    let mut open: Option<(char, usize, String, usize, usize, Option<Platform>)> = None;
    let mut in_comment = false;
    // The headings the text is under: their level and the platform each names.
    let mut headings: Vec<(usize, Option<Platform>)> = Vec::new();
    // A heading names Docker Desktop (a page that installs it, then runs the commands).
    let mut desktop_heading = false;
    // The column where the content of the list item the text is in starts: a fence there may
    // be indented up to three more (CommonMark §5.2).
    let mut list: Option<usize> = None;
    let mut tabs = Tabs::default();
    // The line before, when it is a line of a paragraph (where it starts, its text): a setext
    // underline makes it a heading.
    let mut paragraph: Option<(usize, &str)> = None;
    let mut offset = 0;
    // YAML front matter is no text: its closing `---` underlines no heading.
    let front_matter_end = front_matter_end(text);
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        if line_start < front_matter_end {
            continue;
        }
        if open.is_none() {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            if let Some(column) = list_item(line).or_else(|| container(line)) {
                list = Some(column);
            } else if indent == 0 && !line.trim().is_empty() {
                list = None;
            }
        }
        if in_comment {
            in_comment = !line.contains("-->");
            continue;
        }
        if open.is_none()
            && let Some(at) = comment_start(line)
        {
            out.comments.push(line_start + at);
            in_comment = !line[at..].contains("-->");
            continue;
        }
        if open.is_none() {
            tabs.line(line);
        }
        // A setext heading: a paragraph line underlined with `=` (level 1) or `-` (level 2).
        let setext = paragraph
            .filter(|_| open.is_none())
            .and_then(|(start, title)| setext_level(line).map(|level| (level, title, start)));
        let atx = heading(line)
            .filter(|_| open.is_none())
            .map(|(level, title)| (level, title, line_start));
        paragraph = (open.is_none()
            && atx.is_none()
            && setext.is_none()
            && !line.trim().is_empty()
            && fence(line, list).is_none()
            && list_item(line).is_none())
        .then(|| (line_start, line.trim()));
        if let Some((level, title, heading_start)) = atx.or(setext) {
            tabs.heading();
            headings.retain(|(l, _)| *l < level);
            let platform = heading_platform(title);
            desktop_heading |= platform == Some(Platform::Desktop)
                && title.to_ascii_lowercase().contains("docker desktop");
            headings.push((level, platform));
            out.headings.push((heading_start, level));
            continue;
        }
        let Some((fence_char, len, info)) = fence(line, list) else {
            continue;
        };
        match &open {
            None => {
                // The tab the fence is in, else the innermost section, that names a platform.
                let platform = tabs
                    .platform()
                    .or_else(|| headings.iter().rev().find_map(|(_, p)| *p));
                let opened = (
                    fence_char,
                    len,
                    info.to_string(),
                    line_start,
                    offset,
                    platform,
                );
                open = Some(opened);
            }
            Some((c, n, ..)) if *c == fence_char && len >= *n && info.trim().is_empty() => {
                let (_, _, info, fence_start, content_start, platform) =
                    open.take().unwrap_or_default();
                if is_compose(&info, &text[content_start..line_start]) {
                    out.compose.push(Fenced {
                        content: content_start..line_start,
                        fenced: fence_start..offset,
                        platform,
                    });
                }
                out.blocks.extend(block(
                    &info,
                    text,
                    content_start..line_start,
                    fence_start..offset,
                    platform,
                ));
            }
            Some(_) => {}
        }
    }
    if let Some((_, _, info, fence_start, content_start, platform)) = open {
        if is_compose(&info, &text[content_start..]) {
            out.compose.push(Fenced {
                content: content_start..text.len(),
                fenced: fence_start..text.len(),
                platform,
            });
        }
        out.blocks.extend(block(
            &info,
            text,
            content_start..text.len(),
            fence_start..text.len(),
            platform,
        ));
    }
    // A page about Docker Desktop that never names Linux (a heading installs it, then the
    // commands run): its blocks outside sections that say otherwise run there.
    if let Some(platform) = desktop_heading.then(|| document_platform(text)).flatten() {
        for block in out.blocks.iter_mut().filter(|b| b.platform.is_none()) {
            block.platform = Some(platform);
        }
        for block in out.compose.iter_mut().filter(|b| b.platform.is_none()) {
            block.platform = Some(platform);
        }
    }
    out
}

/// Docker Desktop, for a document that never names Linux (WSL, the Windows Subsystem for
/// Linux, Docker Desktop's backend on Windows, is no Linux host).
fn document_platform(text: &str) -> Option<Platform> {
    let lower = text
        .to_ascii_lowercase()
        .replace("windows subsystem for linux", "wsl");
    let names_linux = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "linux");
    (!names_linux).then_some(Platform::Desktop)
}

/// Where the content of the list item `line` starts, if it starts one: a bullet (`-`, `+`,
/// `*`) or an ordinal (`1.`, `2)`) indented at most three spaces, then one to four blanks.
fn list_item(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = match rest.as_bytes().get(digits) {
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        Some(b'-' | b'+' | b'*') if digits == 0 => 1,
        _ => return None,
    };
    let after = &rest[marker..];
    let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
    let content = &after[blanks..];
    // A tab after the marker advances to the next multiple of four (`-\tUse a custom config`).
    let column = columns(&line[..indent + marker + blanks]);
    let width = column - (indent + marker);
    ((1..=4).contains(&width) && !content.trim().is_empty() && indent <= 3).then_some(column)
}

/// The column after `prefix`, a tab advancing to the next multiple of four (CommonMark §2.2).
fn columns(prefix: &str) -> usize {
    prefix.chars().fold(0, |column, c| {
        if c == '\t' {
            column / 4 * 4 + 4
        } else {
            column + 1
        }
    })
}

/// Where the content of the MkDocs container `line` opens starts, if it opens one: an
/// admonition (`!!! note`), a collapsible one (`??? Commands`, `???+ note`) or a content tab
/// (`=== "Linux"`), whose content is indented four spaces (Python-Markdown's admonition
/// extension, pymdownx `details` and `tabbed`; vLLM's docs put their commands in them).
fn container(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = line[indent..].trim_end();
    let marker = ["!!! ", "???+ ", "??? ", "=== "]
        .into_iter()
        .find(|m| rest.starts_with(m))?;
    (rest.len() > marker.len()).then_some(indent + 4)
}

/// The block of commands `content` of `text` is, by its info string and its lines.
fn block(
    info: &str,
    text: &str,
    content: Range<usize>,
    fenced: Range<usize>,
    platform: Option<Platform>,
) -> Option<Block> {
    let (shell, layout) = kind(info, &text[content.clone()])?;
    Some(Block {
        content,
        shell,
        layout,
        fenced,
        platform,
    })
}

/// Where the YAML front matter at the start of `text` ends (after its closing `---` or
/// `...` line, within its first hundred lines), or 0 when it has none: a `---` that closes
/// nothing is a thematic break.
fn front_matter_end(text: &str) -> usize {
    if !(text.starts_with("---\n") || text.starts_with("---\r\n")) {
        return 0;
    }
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate().take(100) {
        offset += line.len();
        if n > 0 && matches!(line.trim_end(), "---" | "...") {
            return offset;
        }
    }
    0
}

/// The level of the setext heading `line` underlines (CommonMark §4.3): `=`s make level 1,
/// `-`s level 2, indented at most three spaces, nothing else on the line.
fn setext_level(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = line.trim();
    if indent > 3 || rest.is_empty() {
        return None;
    }
    if rest.chars().all(|c| c == '=') {
        Some(1)
    } else if rest.chars().all(|c| c == '-') {
        Some(2)
    } else {
        None
    }
}

/// An ATX heading (CommonMark §4.2): its level and its text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    let title = &rest[level..];
    let separated = title.is_empty() || title.starts_with([' ', '\t', '\r', '\n']);
    ((1..=6).contains(&level) && separated).then_some((level, title.trim()))
}

/// The platform a section's title names, when it names one: Docker Desktop (`Docker
/// Desktop`, macOS, Windows), or Linux. A title that names both kinds names neither.
pub fn heading_platform(title: &str) -> Option<Platform> {
    let lower = title.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if has("docker") && has("desktop") {
        return Some(Platform::Desktop);
    }
    // WSL (the Windows Subsystem for Linux) runs Docker Desktop's engine or an engine of its
    // own: either.
    if has("wsl") || lower.contains("subsystem for linux") {
        return None;
    }
    let desktop = ["macos", "mac", "osx", "windows"].iter().any(|w| has(w));
    match (has("linux"), desktop) {
        (true, false) => Some(Platform::Linux),
        (false, true) => Some(Platform::Desktop),
        _ => None,
    }
}

/// The platform a comment names in the lines of block `content` of `text` just above byte
/// `at` (a command's start), back to the first blank line: docs write one block for every
/// system, each paragraph under a comment (`# For macOS/Windows (Docker Desktop)`, then
/// `# For Linux`). A comment that names none (`# OR use host networking`) leaves the
/// paragraph's.
pub fn comment_platform(text: &str, content: Range<usize>, at: usize) -> Option<Platform> {
    let before = text.get(content.start..at.clamp(content.start, content.end))?;
    let before = &before[..before.rfind('\n').map_or(0, |i| i + 1)];
    for line in before.lines().rev() {
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        let comment = line
            .strip_prefix('#')
            .or_else(|| line.strip_prefix("::"))
            .or_else(|| {
                line.get(..4)
                    .filter(|r| r.eq_ignore_ascii_case("rem "))
                    .map(|_| &line[4..])
            });
        if let Some(platform) = comment.and_then(heading_platform) {
            return Some(platform);
        }
    }
    None
}

/// Whether a block of language `info` holding `content` is a compose document: a `yaml` or
/// `yml` block with a `services:` key at the top level (the least indented of its lines that
/// hold a key; comments and document markers left aside).
fn is_compose(info: &str, content: &str) -> bool {
    if !matches!(language(info).as_str(), "yaml" | "yml") {
        return false;
    }
    let keys = content.lines().filter(|l| {
        let t = l.trim_start();
        !t.is_empty() && !t.starts_with('#') && !t.starts_with("---") && !t.starts_with("...")
    });
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let Some(top) = keys.clone().map(indent).min() else {
        return false;
    };
    keys.filter(|l| indent(l) == top).any(|l| {
        l.trim_start()
            .strip_prefix("services:")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '#']))
    })
}

/// The language an info string names: its first word, lowercase.
fn language(info: &str) -> String {
    info.trim()
        .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Where the `<!--` that starts an HTML comment block on `line` is.
fn comment_start(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    (indent <= 3 && line[indent..].starts_with("<!--")).then_some(indent)
}

/// A fence line: its character, length and info string. A fence in a list item whose content starts at column `list` may be indented up to three
/// spaces more than that column.
fn fence(line: &str, list: Option<usize>) -> Option<(char, usize, &str)> {
    // The indentation in columns: a tab advances to the next multiple of four (CommonMark
    // §2.2), as in a list item's fence indented with a tab (docker-library's READMEs).
    let blanks = line.len() - line.trim_start_matches([' ', '\t']).len();
    let indent = columns(&line[..blanks]);
    let in_item = list.is_some_and(|column| (column..=column + 3).contains(&indent));
    if indent > 3 && !in_item {
        return None;
    }
    let rest = &line[blanks..];
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

fn kind(info: &str, content: &str) -> Option<(Shell, Layout)> {
    let language = language(info);
    let lines = || {
        content
            .lines()
            .map(str::trim_start)
            .filter(|l| !l.is_empty())
    };
    let prompted = |shell: Shell| lines().any(|l| shell.prompt_len(l).is_some());
    // The continuation character tells the shell: a backtick is PowerShell's, a caret cmd's,
    // a backslash (or none) the POSIX shell's.
    let continued_shell = || {
        let ends = |suffix: &str| {
            lines().any(|l| {
                let l = l.trim_end();
                l.ends_with(suffix) && l[..l.len() - 1].ends_with([' ', '\t'])
            })
        };
        if ends("`") {
            Shell::PowerShell
        } else if ends("^") {
            Shell::Cmd
        } else {
            Shell::Posix
        }
    };
    // A script, or a session when its lines start with the shell's prompt.
    let script_or_session = |shell: Shell| {
        let layout = if prompted(shell) {
            Layout::Console
        } else {
            Layout::Script
        };
        Some((shell, layout))
    };
    match language.as_str() {
        // A session when a line starts with a user's `$ ` prompt (`$ docker run …` in a
        // `bash` block); a `# ` line there is a comment as often as a root prompt, and alone
        // says nothing.
        "sh" | "bash" | "shell" | "zsh" => {
            let dollar_prompt = |l: &str| {
                Shell::Posix
                    .prompt_len(l)
                    .is_some_and(|len| l[..len].trim_end().ends_with('$'))
            };
            let layout = if lines().any(dollar_prompt) {
                Layout::Console
            } else {
                Layout::Script
            };
            // Windows commands labelled `shell` (or `bash`) keep their own continuation
            // character, which no POSIX script ends a line with.
            Some((continued_shell(), layout))
        }
        "console" | "shell-session" | "shellsession" => {
            let shell = [Shell::PowerShell, Shell::Cmd]
                .into_iter()
                .find(|s| prompted(*s))
                .unwrap_or(Shell::Posix);
            // Many docs label plain commands `console` (vLLM's): with no prompt on any line,
            // lines that run docker are commands, not output.
            if !prompted(shell) && lines().any(runs_docker) {
                return Some((Shell::Posix, Layout::Script));
            }
            Some((shell, Layout::Console))
        }
        "powershell" | "ps1" | "pwsh" | "posh" => script_or_session(Shell::PowerShell),
        "ps1con" | "pwsh-session" | "powershell-session" => {
            Some((Shell::PowerShell, Layout::Console))
        }
        "cmd" | "bat" | "batch" | "batchfile" | "dos" => script_or_session(Shell::Cmd),
        "doscon" => Some((Shell::Cmd, Layout::Console)),
        "" => {
            let session = [Shell::PowerShell, Shell::Cmd, Shell::Posix]
                .into_iter()
                .find(|s| prompted(*s));
            if let Some(shell) = session {
                return Some((shell, Layout::Console));
            }
            if !lines().any(runs_docker) {
                return None;
            }
            Some((continued_shell(), Layout::Script))
        }
        _ => None,
    }
}

/// Whether a block's line (its indentation removed) runs docker or podman.
fn runs_docker(line: &str) -> bool {
    line.starts_with("docker ") || line.starts_with("podman ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(&str, Shell, Layout)> {
        command_blocks(text)
            .into_iter()
            .map(|b| (&text[b.content], b.shell, b.layout))
            .collect()
    }

    #[test]
    fn shell_and_console_fences_and_unlabelled_docker_lines() {
        let text = "# Run\n\n```bash\ndocker run -d ollama/ollama\n```\n\n~~~console\n$ docker ps\n~~~\n\n```\ndocker network create net\n```\n\n```yaml\nservices: {}\n```\n\n```\nnot a command\n```\n";
        assert_eq!(
            blocks(text),
            vec![
                (
                    "docker run -d ollama/ollama\n",
                    Shell::Posix,
                    Layout::Script
                ),
                ("$ docker ps\n", Shell::Posix, Layout::Console),
                ("docker network create net\n", Shell::Posix, Layout::Script),
            ]
        );
    }

    #[test]
    fn a_longer_fence_holds_a_shorter_one_and_an_open_block_runs_to_the_end() {
        let text = "````sh\n```\ndocker run a\n````\n  ```sh {.numberLines}\ndocker run b";
        assert_eq!(
            blocks(text),
            vec![
                ("```\ndocker run a\n", Shell::Posix, Layout::Script),
                ("docker run b", Shell::Posix, Layout::Script),
            ]
        );
    }

    #[test]
    fn windows_shells_by_language_prompt_and_continuation() {
        let text = "```powershell\ndocker ps\n```\n```pwsh\nPS C:\\> docker ps\n```\n```cmd\ndocker ps\n```\n```bat\nC:\\>docker ps\n```\n```console\nPS> docker ps\n```\n```\ndocker run -d `\n  img\n```\n```\ndocker run -d ^\n  img\n```\n```\nC:\\Users\\me>docker ps\n```\n```ps1con\nPS> docker ps\n```\n";
        let kinds: Vec<(Shell, Layout)> =
            blocks(text).into_iter().map(|(_, s, l)| (s, l)).collect();
        assert_eq!(
            kinds,
            vec![
                (Shell::PowerShell, Layout::Script),
                (Shell::PowerShell, Layout::Console),
                (Shell::Cmd, Layout::Script),
                (Shell::Cmd, Layout::Console),
                (Shell::PowerShell, Layout::Console),
                (Shell::PowerShell, Layout::Script),
                (Shell::Cmd, Layout::Script),
                (Shell::Cmd, Layout::Console),
                (Shell::PowerShell, Layout::Console),
            ]
        );
    }

    #[test]
    fn html_comments_outside_blocks_are_found_and_hide_what_they_hold() {
        let text = "<!-- a -->\n```sh\n<!-- code, not a comment -->\ndocker run a\n```\n   <!--\n```sh\ndocker run hidden\n```\n-->\n```sh\ndocker run b\n```\n    <!-- indented code -->\n";
        let document = read(text);
        let comments: Vec<&str> = document
            .comments
            .iter()
            .map(|&at| text[at..].lines().next().unwrap_or(""))
            .collect();
        assert_eq!(comments, ["<!-- a -->", "<!--"]);
        let blocks: Vec<(&str, &str)> = document
            .blocks
            .iter()
            .map(|b| (&text[b.content.clone()], &text[b.fenced.clone()]))
            .collect();
        assert_eq!(
            blocks,
            [
                (
                    "<!-- code, not a comment -->\ndocker run a\n",
                    "```sh\n<!-- code, not a comment -->\ndocker run a\n```\n"
                ),
                ("docker run b\n", "```sh\ndocker run b\n```\n"),
            ]
        );
        // A comment never closed runs to the end: nothing after it is read.
        assert!(read("<!--\n```sh\ndocker run x\n```\n").blocks.is_empty());
        assert_eq!(read("<!-->\n```sh\ndocker run x\n```\n").blocks.len(), 1);
    }

    #[test]
    fn yaml_blocks_with_top_level_services_are_compose_documents() {
        let text = "```yaml\nservices:\n  a:\n    image: x\n```\n```yml title=\"compose.yaml\"\n# c\n---\nname: p\nservices: # all\n  b: {}\n```\n```yaml\nserver:\n  services: 2\n```\n```json\nservices:\n```\n```yaml\n  services:\n    a: {}\n```\n```yaml\nservices_x: 1\n```\n<!--\n```yaml\nservices: {}\n```\n-->\n~~~yaml\nservices:\n  open: {}";
        let compose: Vec<&str> = read(text)
            .compose
            .iter()
            .map(|b| &text[b.content.clone()])
            .collect();
        assert_eq!(
            compose,
            [
                "services:\n  a:\n    image: x\n",
                "# c\n---\nname: p\nservices: # all\n  b: {}\n",
                "  services:\n    a: {}\n",
                "services:\n  open: {}",
            ]
        );
    }

    #[test]
    fn sections_and_pages_name_the_platform_their_blocks_run_on() {
        let text = "# Install\n\n## macOS (Docker Desktop)\n```sh\ndocker run a\n```\n### GPU\n```sh\ndocker run b\n```\n## Linux\n```sh\n# Windows\ndocker run c\n```\n## Linux or macOS\n```sh\ndocker run d\n```\n#no-heading\n```sh\ndocker run e\n```\n";
        let platforms: Vec<Option<Platform>> =
            read(text).blocks.iter().map(|b| b.platform).collect();
        assert_eq!(
            platforms,
            [
                Some(Platform::Desktop),
                Some(Platform::Desktop),
                Some(Platform::Linux),
                None,
                None
            ]
        );
        let desktop_page =
            "## Step 1: install Docker Desktop\n## Step 2\n```sh\ndocker run a\n```\n";
        assert_eq!(
            read(desktop_page).blocks[0].platform,
            Some(Platform::Desktop)
        );
        let both =
            "## Docker Desktop\nOr Docker Engine on Linux.\n## Run\n```sh\ndocker run a\n```\n";
        assert_eq!(read(both).blocks[0].platform, None);
        // A passing mention is no heading: the page is for every platform.
        let aside = "Docker Desktop users can also use the app.\n```sh\ndocker run a\n```\n";
        assert_eq!(read(aside).blocks[0].platform, None);
        // WSL runs either engine; a page that installs Docker Desktop for it runs that one.
        let wsl = "# Using Docker with WSL (Windows Subsystem for Linux)\n```sh\ndocker run a\n```\n## Step 1: Install Docker Desktop\n## Step 2\n```sh\ndocker run b\n```\n";
        let platforms: Vec<Option<Platform>> =
            read(wsl).blocks.iter().map(|b| b.platform).collect();
        assert_eq!(
            platforms,
            [Some(Platform::Desktop), Some(Platform::Desktop)]
        );
        assert_eq!(
            heading_platform("Using Docker with WSL (Windows Subsystem for Linux)"),
            None
        );
    }

    #[test]
    fn a_console_block_without_prompts_and_mkdocs_containers() {
        let text = "```console\ndocker network create n\n```\n\n??? Commands\n\n    ```console\n    docker ps\n    ```\n\n```console\nINFO: running on http://0.0.0.0:8000\n```\n\n    ```sh\n    docker ps\n    ```\n";
        assert_eq!(
            blocks(text),
            vec![
                ("docker network create n\n", Shell::Posix, Layout::Script),
                ("    docker ps\n", Shell::Posix, Layout::Script),
                (
                    "INFO: running on http://0.0.0.0:8000\n",
                    Shell::Posix,
                    Layout::Console
                ),
            ]
        );
    }

    #[test]
    fn a_bash_block_is_a_session_when_a_line_has_a_user_prompt() {
        let text = "```bash\n$ docker ps\n```\n```sh\n# docker ps\ndocker ps\n```\n";
        assert_eq!(
            blocks(text),
            vec![
                ("$ docker ps\n", Shell::Posix, Layout::Console),
                ("# docker ps\ndocker ps\n", Shell::Posix, Layout::Script),
            ]
        );
    }

    #[test]
    fn a_shell_block_continued_with_a_backtick_or_a_caret_is_windows() {
        let text = "```shell\ndocker run -d `\n  img\n```\n```bash\ndocker run -d ^\n  img\n```\n";
        assert_eq!(
            blocks(text),
            vec![
                (
                    "docker run -d `\n  img\n",
                    Shell::PowerShell,
                    Layout::Script
                ),
                ("docker run -d ^\n  img\n", Shell::Cmd, Layout::Script),
            ]
        );
    }

    #[test]
    fn sections_are_the_headings_above_a_point() {
        let text = "# A\n## B\nx\n## C\n### D\ny\n# E\nz\n";
        let headings = read(text).headings;
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(sections_at(&headings, at("x")), vec![at("# A"), at("## B")]);
        assert_eq!(
            sections_at(&headings, at("y")),
            vec![at("# A"), at("## C"), at("### D")]
        );
        assert_eq!(sections_at(&headings, at("z")), vec![at("# E")]);
    }

    #[test]
    fn a_fence_in_a_list_item_may_be_indented_with_a_tab() {
        let text = "-\tUse a custom config file:\n\n\t```console\n\t$ docker run -d postgres\n\t```\n\n\t```sh\n\tdocker ps\n\t```\n";
        assert_eq!(
            blocks(text),
            vec![
                (
                    "\t$ docker run -d postgres\n",
                    Shell::Posix,
                    Layout::Console
                ),
                ("\tdocker ps\n", Shell::Posix, Layout::Script),
            ]
        );
    }

    #[test]
    fn a_comment_above_a_paragraph_of_commands_names_its_platform() {
        let text = "# For macOS/Windows (Docker Desktop)\ndocker run a\n\n# For Linux\ndocker run b\n# OR use host networking\ndocker run c\n\ndocker run d\n";
        let at = |needle: &str| text.find(needle).unwrap();
        let platform = |needle: &str| comment_platform(text, 0..text.len(), at(needle));
        assert_eq!(platform("docker run a"), Some(Platform::Desktop));
        assert_eq!(platform("docker run b"), Some(Platform::Linux));
        assert_eq!(platform("docker run c"), Some(Platform::Linux));
        assert_eq!(platform("docker run d"), None);
    }

    #[test]
    fn setext_headings_are_headings_and_front_matter_is_not() {
        let text = "---\ntitle: Install on Windows\n---\n\nWindows\n=======\n\n```sh\ndocker ps\n```\n\nSee also\n--------\n";
        let document = read(text);
        assert_eq!(
            document.headings,
            vec![
                (text.find("Windows\n=").unwrap(), 1),
                (text.find("See also").unwrap(), 2)
            ]
        );
        assert_eq!(document.blocks[0].platform, Some(Platform::Desktop));
    }

    #[test]
    fn a_fence_in_a_list_item_may_be_indented_to_its_content() {
        let text = "1. Save it:\n\n    ```yaml\n    services:\n      a: {}\n    ```\n\n- Run:\n    ```sh\n    docker run a\n    ```\n- Or:\n      ```sh\n      docker run code-in-the-item\n      ```\n\nText.\n\n    ```sh\n    docker run indented-code\n    ```\n";
        let document = read(text);
        assert_eq!(document.compose.len(), 1);
        let commands: Vec<&str> = document
            .blocks
            .iter()
            .map(|b| text[b.content.clone()].trim())
            .collect();
        assert_eq!(commands, ["docker run a"]);
    }
}
