//! URLs an application reads from a config file of its own, and how its command line names
//! that file. Only formats read in the app's code or documentation are here.

use serde::Deserialize;

use crate::text::Text;
use crate::yaml::Node;

/// How an app's config file holds its Ollama URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigReader {
    /// LiteLLM's proxy `config.yaml`: `model_list[].litellm_params.api_base` of the models
    /// whose `litellm_params.model` is `ollama/…` or `ollama_chat/…`, the file named by
    /// `--config PATH` (a relative path from the image's working directory `/app`).
    LitellmModelList,
}

/// The model prefixes LiteLLM routes to Ollama's own API.
const LITELLM_OLLAMA_PREFIXES: [&str; 2] = ["ollama/", "ollama_chat/"];

/// LiteLLM's image runs from `/app` (its Dockerfile's `WORKDIR`).
const LITELLM_WORKDIR: &str = "/app";

impl ConfigReader {
    /// The file the app's command line names, as a path in the container; `None` when the
    /// words name none.
    pub fn path_in(self, words: &[&str]) -> Option<String> {
        match self {
            ConfigReader::LitellmModelList => {
                let mut rest = words.iter();
                while let Some(word) = rest.next() {
                    let value = match word.strip_prefix("--config=") {
                        Some(value) => Some(value),
                        None if *word == "--config" => rest.next().copied(),
                        None => None,
                    };
                    if let Some(value) = value {
                        return Some(in_container(value, LITELLM_WORKDIR));
                    }
                }
                None
            }
        }
    }

    /// The values in `root` the app takes for Ollama URLs, as written.
    pub fn ollama_urls(self, root: &Node) -> Vec<&Text> {
        match self {
            ConfigReader::LitellmModelList => {
                root.get("model_list")
                    .and_then(Node::as_sequence)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|model| model.get("litellm_params"))
                    .filter(|params| {
                        params.get("model").and_then(Node::as_str).is_some_and(|m| {
                            LITELLM_OLLAMA_PREFIXES.iter().any(|p| m.starts_with(p))
                        })
                    })
                    .filter_map(|params| params.get("api_base")?.as_scalar())
                    .map(|scalar| &scalar.text)
                    .collect()
            }
        }
    }
}

/// `path` as the container sees it from `workdir`, with `.` segments and doubled slashes
/// gone, so that it compares with a mount's target.
pub fn in_container(path: &str, workdir: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{workdir}/{path}")
    };
    let parts: Vec<&str> = joined
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn litellm_config_path_from_the_command_line() {
        let reader = ConfigReader::LitellmModelList;
        assert_eq!(
            reader.path_in(&["--config", "/app/config.yaml", "--port", "4000"]),
            Some("/app/config.yaml".into())
        );
        assert_eq!(
            reader.path_in(&["--port", "4000", "--config=config.yaml"]),
            Some("/app/config.yaml".into())
        );
        assert_eq!(
            reader.path_in(&["--config", "./conf//litellm.yaml"]),
            Some("/app/conf/litellm.yaml".into())
        );
        assert_eq!(reader.path_in(&["--model", "ollama/llama3"]), None);
        assert_eq!(reader.path_in(&["--config"]), None);
    }
}
