//! The base image of a Dockerfile's final stage, so a service built `FROM ollama/ollama` is
//! recognised as an Ollama server.

/// The image the last stage of `text` is built `FROM`, following references to earlier stage
/// names (`FROM ollama/ollama AS base` … `FROM base`). Handles line continuations, the
/// `escape` parser directive, comments and `FROM` flags (`--platform=…`). Variables
/// (`${TAG}`) are returned as written. `None` when there is no `FROM`.
///
/// A build `target:` selects another stage; see [`dockerfile_stage_base`].
pub fn dockerfile_final_base(text: &str) -> Option<String> {
    let stages = stages(text);
    let last = stages.len().checked_sub(1)?;
    resolve(&stages, last)
}

/// The base image of the stage named `target` (case-insensitive), following stage names.
pub fn dockerfile_stage_base(text: &str, target: &str) -> Option<String> {
    let stages = stages(text);
    let index = stages
        .iter()
        .position(|s| s.name.as_deref() == Some(&target.to_ascii_lowercase()))?;
    resolve(&stages, index)
}

struct Stage {
    base: String,
    /// Lower-cased, as Docker compares stage names.
    name: Option<String>,
}

fn resolve(stages: &[Stage], index: usize) -> Option<String> {
    let mut base = &stages.get(index)?.base;
    let mut limit = index;
    // A stage may only name stages before it, so each step moves strictly backwards.
    loop {
        let lowered = base.to_ascii_lowercase();
        let earlier = stages
            .get(..limit)?
            .iter()
            .rposition(|s| s.name.as_deref() == Some(lowered.as_str()));
        match earlier {
            Some(i) => {
                base = &stages.get(i)?.base;
                limit = i;
            }
            None => return Some(base.clone()),
        }
    }
}

fn stages(text: &str) -> Vec<Stage> {
    instructions(text)
        .into_iter()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let keyword = words.next()?;
            if !keyword.eq_ignore_ascii_case("FROM") {
                return None;
            }
            let mut words = words.skip_while(|w| w.starts_with("--"));
            let base = words.next()?.to_string();
            let name = match (words.next(), words.next()) {
                (Some(kw), Some(name)) if kw.eq_ignore_ascii_case("AS") => {
                    Some(name.to_ascii_lowercase())
                }
                _ => None,
            };
            Some(Stage { base, name })
        })
        .collect()
}

/// Logical instruction lines: continuations joined, comments and blank lines dropped.
fn instructions(text: &str) -> Vec<String> {
    let mut escape = '\\';
    let mut lines = text.lines().peekable();
    // Parser directives come first, before any comment, blank line or instruction.
    while let Some(line) = lines.peek() {
        let Some(directive) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = directive.split_once('=') else {
            break;
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            break;
        }
        if key.eq_ignore_ascii_case("escape") {
            match value.trim() {
                "`" => escape = '`',
                "\\" => escape = '\\',
                _ => {}
            }
        }
        lines.next();
    }

    let mut out = Vec::new();
    let mut current = String::new();
    let mut continuing = false;
    // Heredoc bodies (`RUN <<EOF` … `EOF`) are data, not instructions.
    let mut heredoc: Option<(String, bool)> = None;
    for line in lines {
        if let Some((word, strip_tabs)) = &heredoc {
            let end = if *strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if end == word {
                heredoc = None;
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (continuing && trimmed.is_empty()) {
            continue;
        }
        if !continuing && trimmed.is_empty() {
            continue;
        }
        let body = line.trim_end();
        match body.strip_suffix(escape) {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
                continuing = true;
            }
            None => {
                current.push_str(body);
                heredoc = heredoc_start(&current);
                out.push(std::mem::take(&mut current));
                continuing = false;
            }
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// The terminator of the first heredoc an instruction opens (`<<EOF`, `<<-"EOF"`), and
/// whether leading tabs are stripped before comparing. Only `RUN`, `COPY` and `ADD` take them.
fn heredoc_start(instruction: &str) -> Option<(String, bool)> {
    let keyword = instruction.split_whitespace().next()?;
    if !["RUN", "COPY", "ADD"]
        .iter()
        .any(|k| keyword.eq_ignore_ascii_case(k))
    {
        return None;
    }
    let at = instruction.find("<<")?;
    let rest = instruction.get(at + 2..)?;
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(['"', '\'']);
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let starts_like_a_name = word
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_like_a_name.then_some((word, strip_tabs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_drops_comments() {
        let lines = instructions("FROM \\\n  # note\n\n  ollama/ollama \\\n  AS x\nRUN a\n");
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["FROM", "ollama/ollama", "AS", "x"]
        );
    }

    #[test]
    fn backtick_escape_directive() {
        let text = "# escape=`\nFROM `\n  ollama/ollama\nRUN dir c:\\\n";
        assert_eq!(
            dockerfile_final_base(text).as_deref(),
            Some("ollama/ollama")
        );
    }

    #[test]
    fn heredoc_bodies_are_skipped() {
        let text =
            "FROM python:3\nRUN <<EOF\nFROM ollama/ollama\nEOF\nRUN <<-'END'\n\tFROM x\n\tEND\n";
        assert_eq!(dockerfile_final_base(text).as_deref(), Some("python:3"));
    }

    #[test]
    fn stage_target() {
        let text = "FROM ollama/ollama AS server\nFROM python:3 AS app\n";
        assert_eq!(
            dockerfile_stage_base(text, "SERVER").as_deref(),
            Some("ollama/ollama")
        );
        assert_eq!(dockerfile_stage_base(text, "missing"), None);
    }
}
