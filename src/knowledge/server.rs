//! Server profiles: which images run a server, where it listens and what moves the listener.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::image::{ImagePattern, ImageRef};
use super::ollama_host::{ListenAddress, parse_ollama_host};
use super::{ClientProfile, Confidence, Env, Layered};

/// One kind of server (Ollama, LightRAG's Ollama-compatible API, …).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerProfile {
    pub id: String,
    pub name: String,
    /// Where the facts come from, for rule documentation.
    pub source: String,
    pub protocol: Protocol,
    /// Whether the server itself can speak TLS (Ollama: never, F-OLL-7).
    pub tls: bool,
    pub default_port: u16,
    pub api_paths: ApiPaths,
    pub listen: ListenSpec,
    /// The variable that moves the models directory.
    #[serde(default)]
    pub models_env: Option<String>,
    /// Variables only the server reads (meaningless on a client container).
    #[serde(default)]
    pub server_env: Vec<String>,
    /// Names people set that the server never reads.
    #[serde(default)]
    pub ignored_env: Vec<String>,
    pub images: Vec<ServerImage>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// Plain HTTP: `https://` straight at the server fails with "wrong version number".
    Http,
}

/// Path prefixes of the server's APIs.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiPaths {
    /// Native API prefix (`/api` for Ollama).
    pub native: String,
    /// OpenAI-compatible prefix (`/v1`), when the server has one.
    #[serde(default)]
    pub openai: Option<String>,
}

/// Where the server listens and what changes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenSpec {
    /// The variable holding the listen address (`OLLAMA_HOST`).
    #[serde(default)]
    pub env: Option<String>,
    pub syntax: ListenSyntax,
    /// Where the program listens when the variable is unset or empty.
    pub binary_default: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListenSyntax {
    /// Parsed by [`parse_ollama_host`].
    OllamaHost,
    /// Not configurable as far as the tables know: always `binary_default`.
    Fixed,
}

/// Whether an image is the server or a client image that also starts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageKind {
    Official,
    /// The server runs inside the client's container: `localhost` is right for that client,
    /// and the bundled server binds loopback unless told otherwise.
    Bundled,
    /// Ollama installed by a Dockerfile of the project: recognised from the Dockerfile, never
    /// by image name.
    Installed,
}

/// An image that runs the server.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerImage {
    pub repository: String,
    /// Tag globs; empty means every tag.
    #[serde(default)]
    pub tags: Vec<String>,
    pub kind: ImageKind,
    /// For bundles: the client profile id of the application in the same container.
    #[serde(default)]
    pub client: Option<String>,
    /// Environment baked into the image.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub entrypoint: Vec<String>,
    #[serde(default)]
    pub command: Vec<String>,
    /// The directory to persist (models and keys).
    #[serde(default)]
    pub data_dir: Option<String>,
    /// Programs healthchecks commonly call that the image does not ship (`curl`, `wget`).
    #[serde(default)]
    pub lacks: Vec<String>,
    /// Tag globs whose builds `lacks` is not known for (an older base image).
    #[serde(default)]
    pub lacks_not_known_for: Vec<String>,
    /// A healthcheck `test` the image can run that fails while the server does not answer.
    #[serde(default)]
    pub probe: Vec<String>,
    /// That the image runs the server at all.
    pub confidence: Confidence,
    /// How sure the listen address is, when less sure than `confidence`.
    #[serde(default)]
    pub listen_confidence: Option<Confidence>,
    pub source: String,
}

impl ServerImage {
    pub fn pattern(&self) -> ImagePattern<'_> {
        ImagePattern {
            repository: &self.repository,
            tags: &self.tags,
        }
    }

    /// Whether `image` (a reference this entry matches) is known to lack `program` (a name
    /// without a directory).
    pub fn lacks_program(&self, image: &ImageRef, program: &str) -> bool {
        let not_known = ImagePattern {
            repository: &self.repository,
            tags: &self.lacks_not_known_for,
        };
        // A digest alone may name any build, an old one from another base image too.
        let unknown_build = image.tag.is_none() && image.digest.is_some();
        self.lacks.iter().any(|p| p == program)
            && !unknown_build
            && (self.lacks_not_known_for.is_empty() || !not_known.matches_tag(image.tag.as_deref()))
    }
}

/// An image recognised as running a server.
#[derive(Clone, Copy, Debug)]
pub struct ServerMatch {
    pub server: &'static ServerProfile,
    pub image: &'static ServerImage,
}

impl ServerProfile {
    /// The image entry that recognises `image` (official images first, then bundles, in table
    /// order).
    pub fn matches_image(&'static self, image: &str) -> Option<ServerMatch> {
        let image = ImageRef::parse(image)?;
        self.images
            .iter()
            .filter(|i| i.kind != ImageKind::Installed)
            .find(|i| i.pattern().matches(&image))
            .map(|i| ServerMatch {
                server: self,
                image: i,
            })
    }

    /// The entry for a server a Dockerfile of the project installs.
    pub fn installed(&'static self) -> Option<ServerMatch> {
        self.images
            .iter()
            .find(|i| i.kind == ImageKind::Installed)
            .map(|i| ServerMatch {
                server: self,
                image: i,
            })
    }

    /// Where the server listens given a container environment (compose values over the
    /// image's own `ENV`s). An empty `OLLAMA_HOST` is not "unset": Ollama then binds
    /// 127.0.0.1:11434.
    pub fn listen_address(&self, image: &ServerImage, env: &dyn Env) -> ListenAddress {
        let layered = Layered {
            top: env,
            image: &image.env,
        };
        match (self.listen.syntax, &self.listen.env) {
            (ListenSyntax::OllamaHost, Some(var)) => match layered.var(var) {
                Some(value) => parse_ollama_host(value),
                None => parse_ollama_host(&self.listen.binary_default),
            },
            _ => parse_ollama_host(&self.listen.binary_default),
        }
    }

    /// The models directory: `OLLAMA_MODELS` when set and non-empty (Ollama trims quotes and
    /// spaces as for `OLLAMA_HOST`), else `<data_dir>/models`.
    pub fn models_dir(&self, image: &ServerImage, env: &dyn Env) -> Option<String> {
        let layered = Layered {
            top: env,
            image: &image.env,
        };
        let set = self
            .models_env
            .as_deref()
            .and_then(|var| layered.var(var))
            .map(|v| v.trim().trim_matches(['"', '\'']).trim())
            .filter(|v| !v.is_empty());
        match set {
            Some(dir) => Some(dir.to_string()),
            None => image.data_dir.as_ref().map(|d| format!("{d}/models")),
        }
    }

    /// Consistency problems of this profile against the client table (empty when sound).
    pub fn problems(&self, clients: &[ClientProfile]) -> Vec<String> {
        let mut problems = Vec::new();
        let at = |what: &str| format!("server {}: {what}", self.id);
        if self.source.trim().is_empty() {
            problems.push(at("empty source"));
        }
        if self.images.is_empty() {
            problems.push(at("no images"));
        }
        if self.listen.syntax == ListenSyntax::OllamaHost && self.listen.env.is_none() {
            problems.push(at("ollama_host syntax without a variable"));
        }
        let default = parse_ollama_host(&self.listen.binary_default);
        if default.port_invalid || default.port != self.default_port {
            problems.push(at("binary_default does not carry default_port"));
        }
        for image in &self.images {
            if image.source.trim().is_empty() {
                problems.push(at(&format!("image {} has no source", image.repository)));
            }
            match (&image.kind, &image.client) {
                (ImageKind::Bundled, Some(id)) if !clients.iter().any(|c| &c.id == id) => {
                    problems.push(at(&format!("bundle names unknown client {id}")));
                }
                (ImageKind::Official | ImageKind::Installed, Some(_)) => {
                    problems.push(at("an official image names a client"));
                }
                _ => {}
            }
            if !image.lacks.is_empty()
                && !matches!(
                    image.probe.first().map(String::as_str),
                    Some("CMD" | "CMD-SHELL")
                )
            {
                problems.push(at(&format!(
                    "image {} lacks programs but has no CMD or CMD-SHELL probe",
                    image.repository
                )));
            }
        }
        problems
    }
}

impl ServerMatch {
    pub fn is_bundled(&self) -> bool {
        self.image.kind == ImageKind::Bundled
    }

    /// Where the server in this container listens.
    pub fn listen_address(&self, env: &dyn Env) -> ListenAddress {
        self.server.listen_address(self.image, env)
    }

    pub fn models_dir(&self, env: &dyn Env) -> Option<String> {
        self.server.models_dir(self.image, env)
    }

    /// How sure the listen address is.
    pub fn listen_confidence(&self) -> Confidence {
        self.image
            .listen_confidence
            .unwrap_or(self.image.confidence)
    }
}
