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
    /// The instructions after its `FROM`.
    body: Vec<String>,
}

/// The stage a build runs (`target`, else the last) and the stages it builds on, each as its
/// index: the stage itself first.
fn chain(stages: &[Stage], index: usize) -> Vec<usize> {
    let mut out = vec![index];
    let mut limit = index;
    // A stage may only name stages before it, so each step moves strictly backwards.
    loop {
        let lowered = stages[limit].base.to_ascii_lowercase();
        let earlier = stages[..limit]
            .iter()
            .rposition(|s| s.name.as_deref() == Some(lowered.as_str()));
        match earlier {
            Some(i) => {
                out.push(i);
                limit = i;
            }
            None => return out,
        }
    }
}

fn resolve(stages: &[Stage], index: usize) -> Option<String> {
    let last = *chain(stages, index).last()?;
    Some(stages[last].base.clone())
}

/// The instructions (`RUN …`, `ENV …`, `CMD …`) that make the image a build of `text` runs:
/// those of the `target` stage (else the last) after those of the stages it builds on, in
/// build order. Empty when there is no such stage.
pub fn built_instructions(text: &str, target: Option<&str>) -> Vec<String> {
    let stages = stages(text);
    let index = match target {
        Some(t) => stages
            .iter()
            .position(|s| s.name.as_deref() == Some(&t.to_ascii_lowercase())),
        None => stages.len().checked_sub(1),
    };
    let Some(index) = index else {
        return Vec::new();
    };
    chain(&stages, index)
        .into_iter()
        .rev()
        .flat_map(|i| stages[i].body.iter().cloned())
        .collect()
}

fn stages(text: &str) -> Vec<Stage> {
    let mut out: Vec<Stage> = Vec::new();
    for line in instructions(text) {
        let mut words = line.split_whitespace();
        let Some(keyword) = words.next() else {
            continue;
        };
        if !keyword.eq_ignore_ascii_case("FROM") {
            if let Some(stage) = out.last_mut() {
                stage.body.push(line);
            }
            continue;
        }
        let mut words = words.skip_while(|w| w.starts_with("--"));
        let Some(base) = words.next() else {
            continue;
        };
        let name = match (words.next(), words.next()) {
            (Some(kw), Some(name)) if kw.eq_ignore_ascii_case("AS") => {
                Some(name.to_ascii_lowercase())
            }
            _ => None,
        };
        out.push(Stage {
            base: base.to_string(),
            name,
            body: Vec::new(),
        });
    }
    out
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
