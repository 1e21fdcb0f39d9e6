//! An Ollama server built from a Dockerfile that installs Ollama itself, rather than one
//! `FROM ollama/ollama`: `RUN curl -fsSL https://ollama.com/install.sh | sh`, a release
//! tarball, or the binary copied out of the official image; then `CMD ["ollama", "serve"]`
//! or `EXPOSE 11434` (docs/knowledge/facts.md, "Ollama installed in a Dockerfile").
//!
//! Such an image has none of the official image's `ENV`s: unless its Dockerfile or the
//! compose file sets `OLLAMA_HOST`, `ollama serve` binds the binary default
//! `127.0.0.1:11434`, which no other container reaches.

use std::collections::BTreeMap;

use super::dockerfile::built_instructions;
use super::ollama_host::OLLAMA_DEFAULT_PORT;

/// What a Dockerfile that installs Ollama says about the server it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledOllama {
    /// The `ENV`s of the build, later ones over earlier ones.
    pub env: BTreeMap<String, String>,
    /// `CMD`/`ENTRYPOINT` run `ollama serve` themselves: no start script stands between the
    /// image's environment and the server.
    pub serves_directly: bool,
}

/// The server a Dockerfile builds, when it installs Ollama and runs or exposes it.
pub fn installed_ollama(dockerfile: &str, target: Option<&str>) -> Option<InstalledOllama> {
    let instructions = built_instructions(dockerfile, target);
    let (mut installs, mut exposes) = (false, false);
    let mut env = BTreeMap::new();
    let (mut entrypoint, mut cmd): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for line in &instructions {
        let Some((keyword, rest)) = line.trim().split_once(char::is_whitespace) else {
            continue;
        };
        let rest = rest.trim();
        match keyword.to_ascii_uppercase().as_str() {
            "RUN" => installs |= installs_ollama(rest),
            "COPY" => {
                installs |= rest.contains("--from=ollama/ollama") && rest.contains("ollama");
            }
            "EXPOSE" => {
                exposes |= rest
                    .split_whitespace()
                    .any(|p| p.split('/').next() == Some(&OLLAMA_DEFAULT_PORT.to_string()));
            }
            "ENV" => env.extend(env_pairs(rest)),
            // A new ENTRYPOINT drops the CMD inherited from before it.
            "ENTRYPOINT" => {
                entrypoint = words(rest);
                cmd.clear();
            }
            "CMD" => cmd = words(rest),
            _ => {}
        }
    }
    let run: Vec<&str> = entrypoint
        .iter()
        .chain(&cmd)
        .flat_map(|w| w.split_whitespace())
        .collect();
    let serves_directly = run
        .windows(2)
        .any(|pair| is_ollama_binary(pair[0]) && pair[1] == "serve");
    // An image whose command is an application (`python app.py`) that happens to install
    // Ollama as well is that application's image.
    let runs_an_app = run.first().is_some_and(|program| {
        let name = program
            .trim_matches(['"', '\''])
            .rsplit('/')
            .next()
            .unwrap_or("");
        [
            "python",
            "node",
            "java",
            "uvicorn",
            "gunicorn",
            "npm",
            "streamlit",
        ]
        .iter()
        .any(|app| name.starts_with(app))
    });
    (installs && (serves_directly || (exposes && !runs_an_app))).then_some(InstalledOllama {
        env,
        serves_directly,
    })
}

fn installs_ollama(run: &str) -> bool {
    [
        "ollama.com/install.sh",
        "ollama.ai/install.sh",
        "ollama-linux-",
    ]
    .iter()
    .any(|marker| run.contains(marker))
}

fn is_ollama_binary(word: &str) -> bool {
    let word = word.trim_matches(['"', '\'']);
    word == "ollama" || word.ends_with("/ollama")
}

/// The words of `CMD`/`ENTRYPOINT`: the JSON form's strings, or the shell form's text.
fn words(rest: &str) -> Vec<String> {
    if rest.starts_with('[')
        && let Ok(list) = serde_json::from_str::<Vec<String>>(rest)
    {
        return list;
    }
    vec![rest.to_string()]
}

/// `ENV K=V K2="V 2"` or the legacy `ENV K V`.
fn env_pairs(rest: &str) -> Vec<(String, String)> {
    let unquote = |v: &str| v.trim_matches(['"', '\'']).to_string();
    let first = rest.split_whitespace().next().unwrap_or("");
    if !first.contains('=') {
        let value = rest[first.len()..].trim();
        return vec![(first.to_string(), unquote(value))];
    }
    rest.split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), unquote(v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_script_and_serve_is_a_server_with_the_dockerfile_env() {
        let text = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl && \\\n    curl -fsSL https://ollama.com/install.sh | sh\nENV OLLAMA_KEEP_ALIVE=24h\nEXPOSE 11434\nCMD [\"ollama\", \"serve\"]\n";
        let found = installed_ollama(text, None).expect("a server");
        assert!(found.serves_directly);
        assert_eq!(
            found.env.get("OLLAMA_KEEP_ALIVE").map(String::as_str),
            Some("24h")
        );
        assert!(!found.env.contains_key("OLLAMA_HOST"));
    }

    #[test]
    fn a_start_script_with_the_port_exposed_is_a_server_not_started_directly() {
        let text = "FROM debian:12 AS base\nRUN curl -L https://ollama.com/download/ollama-linux-amd64.tgz | tar -xz -C /usr\nENV OLLAMA_HOST 0.0.0.0\nFROM base\nCOPY start.sh /\nEXPOSE 11434/tcp\nENTRYPOINT [\"/start.sh\"]\n";
        let found = installed_ollama(text, None).expect("a server");
        assert!(!found.serves_directly);
        assert_eq!(
            found.env.get("OLLAMA_HOST").map(String::as_str),
            Some("0.0.0.0")
        );
    }

    #[test]
    fn installing_without_running_or_exposing_is_no_server() {
        // A client image that installs the CLI to pull models from a server elsewhere.
        let text = "FROM python:3.12\nRUN curl -fsSL https://ollama.com/install.sh | sh\nCMD [\"python\", \"app.py\"]\n";
        assert_eq!(installed_ollama(text, None), None);
        // An application image that also installs and exposes Ollama.
        let text = "FROM ubuntu:22.04\nRUN curl -fsSL https://ollama.com/install.sh | sh\nEXPOSE 11434\nRUN ollama serve\nCMD [\"python3\", \"app.py\"]\n";
        assert_eq!(installed_ollama(text, None), None);
        // Serving without installing is some other program.
        let text = "FROM python:3.12\nEXPOSE 11434\nCMD [\"python\", \"fake_ollama.py\"]\n";
        assert_eq!(installed_ollama(text, None), None);
    }

    #[test]
    fn the_binary_copied_from_the_official_image_counts() {
        let text = "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nCOPY --from=ollama/ollama:0.6.2 /usr/bin/ollama /usr/bin/ollama\nENTRYPOINT [\"/usr/bin/ollama\"]\nCMD [\"serve\"]\n";
        assert!(installed_ollama(text, None).is_some_and(|s| s.serves_directly));
    }
}
