//! Variable-name patterns that mark an Ollama (or OpenAI-compatible) URL in services that no
//! client profile knows.

use serde::Deserialize;

use super::client::{Api, PathKind, SchemeRule};
use super::{Confidence, Side, generic_patterns};

/// The name lists of `data/generic.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patterns {
    pub source: String,
    pub ollama_token: String,
    pub ollama_suffixes: Vec<String>,
    pub host_suffixes: Vec<String>,
    pub list_suffixes: Vec<String>,
    pub openai_token: String,
    pub openai_suffixes: Vec<String>,
    pub excluded_prefixes: Vec<String>,
    pub browser_prefixes: Vec<String>,
}

/// What a variable name says it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// `OLLAMA_HOST` itself: outside an Ollama server container it is the target of Ollama's
    /// own clients (CLI, ollama-python), parsed like [`super::parse_ollama_host`]: no scheme
    /// needed, a bare host gets port 11434 (F-OLL-2, F-CLI-1).
    OllamaHost,
    /// Another name that says Ollama (`OLLAMA_BASE_URL`, `PGPT_OLLAMA_API_BASE`, …).
    OllamaUrl,
    /// An OpenAI-compatible base URL: aimed at Ollama it must end in `/v1` (F-CLI-3).
    OpenAiBase,
}

/// A classified variable name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenericVar {
    pub kind: VarKind,
    /// Browser when the name carries a browser prefix (`NEXT_PUBLIC_`, …). A prefix is a
    /// convention, not proof: client profiles override it per variable.
    pub side: Side,
    pub browser_prefix: Option<&'static str>,
    pub scheme: SchemeRule,
    pub path: PathKind,
    pub api: Api,
    /// The name ends like a list (`…_URLS`); the separator is app-specific.
    pub is_list: bool,
    /// How sure the expectations are: verified for `OLLAMA_HOST`, reported for OpenAI
    /// bases, an inference for other Ollama names (most apps append `/api` themselves).
    pub confidence: Confidence,
}

/// Classifies a variable name (case-insensitively). `None`: the name does not say it holds
/// an Ollama or OpenAI-compatible URL.
pub fn classify(name: &str) -> Option<GenericVar> {
    classify_with(generic_patterns(), name)
}

/// The kind of URL a variable name says it holds.
pub fn is_ollama_url_var(name: &str) -> Option<VarKind> {
    classify(name).map(|v| v.kind)
}

/// The browser prefix a name starts with.
pub fn browser_prefix(name: &str) -> Option<&'static str> {
    let patterns = generic_patterns();
    let upper = name.to_ascii_uppercase();
    patterns
        .browser_prefixes
        .iter()
        .find(|p| upper.starts_with(p.as_str()))
        .map(String::as_str)
}

fn classify_with(patterns: &'static Patterns, name: &str) -> Option<GenericVar> {
    let upper = name.to_ascii_uppercase();
    if upper == "OLLAMA_HOST" {
        return Some(GenericVar {
            kind: VarKind::OllamaHost,
            side: Side::Server,
            browser_prefix: None,
            scheme: SchemeRule::Optional,
            path: PathKind::None,
            api: Api::Ollama,
            is_list: false,
            confidence: Confidence::Verified,
        });
    }
    let browser_prefix = patterns
        .browser_prefixes
        .iter()
        .find(|p| upper.starts_with(p.as_str()))
        .map(String::as_str);
    let rest = browser_prefix
        .and_then(|p| upper.get(p.len()..))
        .unwrap_or(&upper);
    if patterns
        .excluded_prefixes
        .iter()
        .any(|p| rest.starts_with(p.as_str()) || upper.starts_with(p.as_str()))
    {
        return None;
    }
    let side = if browser_prefix.is_some() {
        Side::Browser
    } else {
        Side::Server
    };
    let ends_with_any = |tail: &str, suffixes: &[String]| {
        suffixes
            .iter()
            .any(|s| tail == s || tail.ends_with(&format!("_{s}")))
    };
    if let Some(tail) = tail_after(rest, &patterns.ollama_token, &patterns.ollama_suffixes) {
        let host_like = ends_with_any(tail, &patterns.host_suffixes);
        return Some(GenericVar {
            kind: VarKind::OllamaUrl,
            side,
            browser_prefix,
            scheme: if host_like {
                SchemeRule::Unknown
            } else {
                SchemeRule::Required
            },
            path: PathKind::None,
            api: Api::Ollama,
            is_list: ends_with_any(tail, &patterns.list_suffixes),
            confidence: Confidence::Inference,
        });
    }
    if let Some(tail) = tail_after(rest, &patterns.openai_token, &patterns.openai_suffixes) {
        return Some(GenericVar {
            kind: VarKind::OpenAiBase,
            side,
            browser_prefix,
            scheme: SchemeRule::Required,
            path: PathKind::V1,
            api: Api::Openai,
            is_list: ends_with_any(tail, &patterns.list_suffixes),
            confidence: Confidence::Reported,
        });
    }
    None
}

/// The `_`-joined tokens after `token` when they end with one of `suffixes`.
fn tail_after<'a>(name: &'a str, token: &str, suffixes: &[String]) -> Option<&'a str> {
    let mut offset = 0;
    for part in name.split('_') {
        let next = offset + part.len() + 1;
        if part == token {
            let tail = name.get(next..).unwrap_or("");
            let matches = suffixes
                .iter()
                .any(|s| tail == s || tail.ends_with(&format!("_{s}")));
            if matches {
                return Some(tail);
            }
        }
        offset = next;
    }
    None
}

impl Patterns {
    /// Problems in the name lists (empty when sound).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let lists = [
            ("ollama_suffixes", &self.ollama_suffixes),
            ("host_suffixes", &self.host_suffixes),
            ("openai_suffixes", &self.openai_suffixes),
            ("browser_prefixes", &self.browser_prefixes),
        ];
        for (what, list) in lists {
            if list.is_empty() {
                problems.push(format!("generic: {what} is empty"));
            }
            for item in list {
                if item != &item.to_ascii_uppercase() {
                    problems.push(format!("generic: {what} entry {item} is not upper case"));
                }
            }
        }
        for suffix in &self.host_suffixes {
            if !self.ollama_suffixes.contains(suffix) {
                problems.push(format!(
                    "generic: host suffix {suffix} is not an Ollama suffix"
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_after_token() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let suffixes = s(&["URL", "BASE_PATH"]);
        assert_eq!(
            tail_after("OLLAMA_BASE_URL", "OLLAMA", &suffixes),
            Some("BASE_URL")
        );
        assert_eq!(tail_after("A_OLLAMA_URL", "OLLAMA", &suffixes), Some("URL"));
        assert_eq!(
            tail_after("OLLAMA_BASE_PATH", "OLLAMA", &suffixes),
            Some("BASE_PATH")
        );
        assert_eq!(tail_after("OLLAMA_VOLUME_PATH", "OLLAMA", &suffixes), None);
        assert_eq!(tail_after("OLLAMA", "OLLAMA", &suffixes), None);
        assert_eq!(tail_after("XOLLAMA_URL", "OLLAMA", &suffixes), None);
        assert_eq!(tail_after("OLLAMA_URLX", "OLLAMA", &suffixes), None);
    }
}
