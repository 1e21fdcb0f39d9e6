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
    /// LibreChat's `librechat.yaml`: `endpoints.custom[].baseURL` of the endpoints whose
    /// `name` starts with `ollama` (any case), the ones LibreChat itself treats as Ollama
    /// (it lists their models from Ollama's `/api/tags`). The file is `CONFIG_PATH` when that
    /// is set, else `librechat.yaml` in the project root, `/app` in the image.
    LibrechatCustomEndpoints,
}

/// The model prefixes LiteLLM routes to Ollama's own API.
const LITELLM_OLLAMA_PREFIXES: [&str; 2] = ["ollama/", "ollama_chat/"];

/// LiteLLM's image runs from `/app` (its Dockerfile's `WORKDIR`).
const LITELLM_WORKDIR: &str = "/app";

/// Where LibreChat looks for its config file without `CONFIG_PATH`: `librechat.yaml` in the
/// project root (api/server/services/Config/loadCustomConfig.js), which the image puts at
/// `/app` (its Dockerfile's `WORKDIR`; the project's own override example mounts
/// `./librechat.yaml:/app/librechat.yaml`).
const LIBRECHAT_DEFAULT_CONFIG: &str = "/app/librechat.yaml";

/// LibreChat's image runs from `/app`, where a relative `CONFIG_PATH` starts.
const LIBRECHAT_WORKDIR: &str = "/app";

/// The prefix of a LibreChat custom endpoint's name that makes it an Ollama endpoint
/// (`KnownEndpoints.ollama`, compared with the lower-cased name).
const LIBRECHAT_OLLAMA_NAME: &str = "ollama";

impl ConfigReader {
    /// The file the app's command line names, as a path in the container; `None` when the
    /// words name none.
    pub fn path_in(self, words: &[&str], env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        match self {
            ConfigReader::LibrechatCustomEndpoints => match env("CONFIG_PATH") {
                // A remote config (an http URL) is fetched, not read from a mounted file.
                Some(path) if path.contains("://") => None,
                Some(path) if !path.is_empty() => Some(in_container(&path, LIBRECHAT_WORKDIR)),
                _ => Some(LIBRECHAT_DEFAULT_CONFIG.to_string()),
            },
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
            ConfigReader::LibrechatCustomEndpoints => root
                .get("endpoints")
                .and_then(|e| e.get("custom"))
                .and_then(Node::as_sequence)
                .unwrap_or_default()
                .iter()
                .filter(|endpoint| {
                    endpoint
                        .get("name")
                        .and_then(Node::as_str)
                        .is_some_and(|n| n.trim().to_lowercase().starts_with(LIBRECHAT_OLLAMA_NAME))
                })
                .filter_map(|endpoint| endpoint.get("baseURL")?.as_scalar())
                .map(|scalar| &scalar.text)
                .collect(),
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

impl ConfigReader {
    /// The key that holds a URL in the file, for messages.
    pub fn url_key(self) -> &'static str {
        match self {
            ConfigReader::LitellmModelList => "api_base",
            ConfigReader::LibrechatCustomEndpoints => "baseURL",
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
        let path_in = |words: &[&str]| reader.path_in(words, &|_| None);
        assert_eq!(
            path_in(&["--config", "/app/config.yaml", "--port", "4000"]),
            Some("/app/config.yaml".into())
        );
        assert_eq!(
            path_in(&["--port", "4000", "--config=config.yaml"]),
            Some("/app/config.yaml".into())
        );
        assert_eq!(
            path_in(&["--config", "./conf//litellm.yaml"]),
            Some("/app/conf/litellm.yaml".into())
        );
        assert_eq!(path_in(&["--model", "ollama/llama3"]), None);
        assert_eq!(path_in(&["--config"]), None);
    }

    #[test]
    fn librechat_config_path_from_config_path_or_the_project_root() {
        let reader = ConfigReader::LibrechatCustomEndpoints;
        assert_eq!(
            reader.path_in(&[], &|_| None),
            Some("/app/librechat.yaml".into())
        );
        let set =
            |value: &'static str| move |k: &str| (k == "CONFIG_PATH").then(|| value.to_string());
        assert_eq!(
            reader.path_in(&[], &set("/config/librechat.yaml")),
            Some("/config/librechat.yaml".into())
        );
        assert_eq!(
            reader.path_in(&[], &set("config/lc.yaml")),
            Some("/app/config/lc.yaml".into())
        );
        assert_eq!(
            reader.path_in(&[], &set("https://example.com/lc.yaml")),
            None
        );
    }
}
