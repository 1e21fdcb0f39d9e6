use super::{Context, declare_rule, issues};
use crate::compose::issues::LoadIssue;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A `.env` / `env_file` line Compose rejects.
    ///
    /// ## What it does
    /// Reports a line of a `.env` or `env_file` file that Compose rejects: a key with a
    /// space, a character not allowed in a key, an unterminated quoted value.
    ///
    /// ## Why is this bad?
    /// Compose refuses to load the project (`failed to read …: line N: …`).
    ///
    /// ## Example
    /// ```dotenv
    /// OLLAMA BASE URL=http://ollama:11434
    /// ```
    ///
    /// ## Use instead
    /// ```dotenv
    /// OLLAMA_BASE_URL=http://ollama:11434
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    ///
    /// ## Exceptions
    /// None.
    pub static RULE = {
        code: "CMP007",
        name: "dotenv-syntax-error",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    issues(ctx, |issue| match issue {
        LoadIssue::DotenvSyntax { span, message } => {
            Some(RULE.diagnostic(format!("invalid env file: {}", shown(message)), Some(*span)))
        }
        _ => None,
    })
    .collect()
}

/// Longest text of the file a message quotes: a line may be megabytes long.
const MAX_QUOTED: usize = 80;

/// Compose's message, as the finding shows it: the value of an unterminated quote is left out
/// (it is often a password, and the finding points at it anyway), and any other quoted text
/// of the file is cut at [`MAX_QUOTED`] characters.
fn shown(message: &str) -> String {
    const UNTERMINATED: &str = "unterminated quoted value";
    if let Some(at) = message.find(UNTERMINATED) {
        return message[..at + UNTERMINATED.len()].to_string();
    }
    let mut out = String::new();
    let mut quoted = 0usize;
    let mut inside = false;
    let mut escaped = false;
    for c in message.chars() {
        if inside && !escaped && c == '"' {
            if quoted > MAX_QUOTED {
                out.push('…');
            }
            inside = false;
            out.push(c);
            continue;
        }
        if !inside && c == '"' {
            inside = true;
            quoted = 0;
            out.push(c);
            continue;
        }
        if inside {
            escaped = !escaped && c == '\\';
            quoted += 1;
            if quoted > MAX_QUOTED {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn quotes_are_cut_and_unterminated_values_left_out() {
        let long = format!(
            "line 1: unexpected character \"\\\"\" in variable name \"A\\\"{}\"",
            "B".repeat(1_000)
        );
        let cut = shown(&long);
        assert!(cut.len() < 200, "{cut}");
        assert!(cut.ends_with(&format!("{}…\"", "B".repeat(77))), "{cut}");
        assert_eq!(
            shown("line 3: unterminated quoted value \"hunter2 and more"),
            "line 3: unterminated quoted value"
        );
        let short = "line 1: unexpected character \"$\" in variable name \"lol$wut\"";
        assert_eq!(shown(short), short);
    }
}
