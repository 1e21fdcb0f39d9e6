//! Server profiles: which images run a server, where it listens and what moves the listener.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::client::Api;
use super::image::{ImagePattern, ImageRef};
use super::ollama_host::{ListenAddress, parse_ollama_host};
use super::{ClientProfile, Confidence, Env, Layered};

/// One kind of server (Ollama, Postgres, Redis, Qdrant, vLLM, …): its identity, protocols,
/// ports, where it listens and what moves that, and the images that run it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerProfile {
    /// The kind's identity (`ollama`, `postgres`).
    pub id: String,
    /// The name messages use ("Postgres").
    pub name: String,
    /// Where the facts come from, for rule documentation.
    pub source: String,
    /// How sure the profile's facts are, unless a field says otherwise.
    pub confidence: Confidence,
    /// The protocol of the main port.
    pub protocol: Protocol,
    /// Whether the server itself can speak TLS on its main port (Ollama: never, F-OLL-7);
    /// absent when not known.
    #[serde(default)]
    pub tls: Option<bool>,
    /// What turns TLS on where `tls` says it is off (Redis's `--tls-port`, Qdrant's
    /// `QDRANT__SERVICE__ENABLE_TLS`): a service that gives one is not known to serve
    /// plaintext. A key of a configuration file counts as given when the service mounts one.
    #[serde(default)]
    pub tls_on: TlsSwitches,
    /// Served by Docker itself on the host (Docker Model Runner), not by an image a project
    /// runs: it has no images.
    #[serde(default)]
    pub on_host: bool,
    /// The main port in the container, where the program listens unless told otherwise.
    pub default_port: u16,
    /// Further ports the server opens (a management UI, a native protocol beside HTTP).
    #[serde(default)]
    pub other_ports: Vec<ServerPort>,
    /// URL schemes that address this kind (`postgres`, `jdbc:postgresql`).
    #[serde(default)]
    pub schemes: Vec<Scheme>,
    /// The LLM APIs the server answers (Ollama's, OpenAI's); empty for other kinds.
    #[serde(default)]
    pub apis: Vec<Api>,
    /// API path prefixes, for HTTP servers whose paths are known (Ollama).
    #[serde(default)]
    pub api_paths: Option<ApiPaths>,
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

/// What a port speaks. Several kinds share `http`; the others name one kind's wire protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// Plain HTTP: `https://` straight at the server fails with "wrong version number".
    Http,
    Grpc,
    Postgres,
    Mysql,
    Redis,
    Mongodb,
    Amqp,
    Kafka,
    Nats,
    Mqtt,
    Memcached,
    /// ClickHouse's native TCP protocol (its HTTP interface is `http`).
    Clickhouse,
}

/// A port beside the main one.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerPort {
    pub port: u16,
    pub protocol: Protocol,
    /// What the port is for ("management UI", "console").
    pub role: String,
    /// When less sure than the profile.
    #[serde(default)]
    pub confidence: Option<Confidence>,
}

/// A URL scheme that addresses the server.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    /// As written before `://`, lowercase (`postgresql`, `jdbc:postgresql`, `rediss`).
    pub scheme: String,
    /// The port a URL with this scheme and no port addresses, when it is not the profile's
    /// `default_port` (`http`: 80).
    #[serde(default)]
    pub default_port: Option<u16>,
    /// The scheme means TLS (`rediss`, `amqps`).
    #[serde(default)]
    pub tls: bool,
    /// For a TLS scheme, the scheme of the same protocol without TLS (`rediss`: `redis`).
    #[serde(default)]
    pub plain: Option<String>,
    /// A URL of the scheme may list several hosts, each of which the client dials
    /// (MongoDB's seed list: `mongodb://mongo1:27017,mongo2:27017/`).
    #[serde(default)]
    pub host_list: bool,
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
    /// Where the program listens when no setting below is given, as `host:port` (`[::]:port`
    /// for IPv6).
    pub binary_default: String,
    /// What moves the listener: environment variables, command flags, configuration keys.
    #[serde(default)]
    pub settings: Vec<ListenSetting>,
}

/// One way to move the listener. Exactly one of `env`, `flag` and `config` is set.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenSetting {
    /// An environment variable (`OLLAMA_HOST`, `MEILI_HTTP_ADDR`).
    #[serde(default)]
    pub env: Option<String>,
    /// A command-line flag of the server program (`--host`, `--bind_ip`).
    #[serde(default)]
    pub flag: Option<String>,
    /// A key in a configuration file.
    #[serde(default)]
    pub config: Option<ConfigKey>,
    /// What the value holds.
    pub syntax: ListenSyntax,
    /// When less sure than the profile.
    #[serde(default)]
    pub confidence: Option<Confidence>,
}

/// The settings that may turn a server's TLS on, each enough alone; any may be left out.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsSwitches {
    /// Variables; one set to anything but `false` may turn TLS on.
    pub env: Vec<String>,
    /// Command-line flags of the server program (`--tls-port`).
    pub flags: Vec<String>,
    /// Keys of configuration files; a mounted configuration file may set one.
    pub config: Vec<ConfigKey>,
}

/// A configuration file key.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigKey {
    /// The file as the image or the documentation names it (`postgresql.conf`).
    pub file: String,
    pub key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListenSyntax {
    /// Parsed by [`parse_ollama_host`] (`[scheme://]host[:port][/path]`).
    OllamaHost,
    /// `host:port`.
    HostPort,
    /// A host or address only.
    Host,
    /// A port only.
    Port,
    /// A list of addresses (Postgres `listen_addresses`, Redis `bind`).
    HostList,
}

impl ListenSpec {
    /// The variable parsed as `OLLAMA_HOST` is (`OLLAMA_HOST` for Ollama).
    pub fn ollama_host_var(&self) -> Option<&str> {
        self.settings
            .iter()
            .filter(|s| s.syntax == ListenSyntax::OllamaHost)
            .find_map(|s| s.env.as_deref())
    }
}

/// Whether an image is the server or a client image that also starts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageKind {
    /// Published by the server's own project (or Docker's official library).
    Official,
    /// Another party's build of the server (bitnami/kafka); its defaults may differ.
    Repackaged,
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
    /// The first words of the command that make the image's entrypoint start the server,
    /// where it runs other programs too (llama.cpp's `:full` images: `tools.sh --server`);
    /// empty when any command does.
    #[serde(default)]
    pub server_args: Vec<String>,
    /// The image changes nothing of where the program listens: its binary default holds
    /// until a setting of the table moves it (llama.cpp's `:full` images run `llama-server`
    /// as built, on 127.0.0.1).
    #[serde(default)]
    pub binary_default_holds: bool,
    /// The directory to persist (models and keys).
    #[serde(default)]
    pub data_dir: Option<String>,
    /// Programs healthchecks commonly call that the image does not ship (`curl`, `wget`).
    #[serde(default)]
    pub lacks: Vec<String>,
    /// Tag globs whose builds `lacks` is not known for (an older base image).
    #[serde(default)]
    pub lacks_not_known_for: Vec<String>,
    /// Variants that ship some of `lacks` after all: the Alpine tags, whose busybox has
    /// `wget`, beside Debian tags with neither `curl` nor `wget`.
    #[serde(default)]
    pub ships: Vec<TagPrograms>,
    /// A healthcheck `test` the image can run that fails while the server does not answer,
    /// where one is known.
    #[serde(default)]
    pub probe: Vec<String>,
    /// That the image runs the server at all.
    pub confidence: Confidence,
    /// How sure the listen address is, when less sure than `confidence`.
    #[serde(default)]
    pub listen_confidence: Option<Confidence>,
    pub source: String,
}

/// Programs the builds of some tags have.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagPrograms {
    /// Tag globs (never empty).
    pub tags: Vec<String>,
    pub programs: Vec<String>,
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
        let tag = image.tag.as_deref();
        let shipped = self.ships.iter().any(|variant| {
            variant.programs.iter().any(|p| p == program)
                && ImagePattern {
                    repository: &self.repository,
                    tags: &variant.tags,
                }
                .matches_tag(tag)
        });
        self.lacks.iter().any(|p| p == program)
            && !unknown_build
            && !shipped
            && (self.lacks_not_known_for.is_empty() || !not_known.matches_tag(tag))
    }
}

/// An image recognised as running a server.
#[derive(Clone, Copy, Debug)]
pub struct ServerMatch {
    pub server: &'static ServerProfile,
    pub image: &'static ServerImage,
}

impl ServerProfile {
    /// Whether the server answers Ollama's own API (Ollama, LightRAG's emulation).
    pub fn speaks_ollama(&self) -> bool {
        self.apis.contains(&Api::Ollama)
    }

    /// The image entry that recognises `image` (official images first, then bundles, in table
    /// order).
    pub fn matches_image(&'static self, image: &str) -> Option<ServerMatch> {
        self.matches_image_ref(&ImageRef::parse(image)?)
    }

    /// [`ServerProfile::matches_image`] for an image reference already read.
    pub fn matches_image_ref(&'static self, image: &ImageRef) -> Option<ServerMatch> {
        self.images
            .iter()
            .filter(|i| i.kind != ImageKind::Installed)
            .find(|i| i.pattern().matches(image))
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
    /// 127.0.0.1:11434. Only the `OLLAMA_HOST` syntax is read: for other kinds this is the
    /// binary default.
    pub fn listen_address(&self, image: &ServerImage, env: &dyn Env) -> ListenAddress {
        let layered = Layered {
            top: env,
            image: &image.env,
        };
        match self
            .listen
            .ollama_host_var()
            .and_then(|var| layered.var(var))
        {
            Some(value) => parse_ollama_host(value),
            None => parse_ollama_host(&self.listen.binary_default),
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

    /// The port of `listen.binary_default`: Ollama's own syntax for a profile whose listener
    /// is `OLLAMA_HOST`-like, else `host:port`.
    pub fn binary_default_port(&self) -> Option<u16> {
        let default = &self.listen.binary_default;
        if self.listen.ollama_host_var().is_some() {
            let parsed = parse_ollama_host(default);
            return (!parsed.port_invalid).then_some(parsed.port);
        }
        let (_, port) = default.rsplit_once(':')?;
        port.parse().ok()
    }

    /// Consistency problems of this profile against the client table (empty when sound).
    pub fn problems(&self, clients: &[ClientProfile]) -> Vec<String> {
        let mut problems = Vec::new();
        let at = |what: &str| format!("server {}: {what}", self.id);
        if self.source.trim().is_empty() {
            problems.push(at("empty source"));
        }
        if self.images.is_empty() != self.on_host {
            problems.push(at(if self.on_host {
                "images, though on the host"
            } else {
                "no images"
            }));
        }
        for setting in &self.listen.settings {
            let places = [
                setting.env.is_some(),
                setting.flag.is_some(),
                setting.config.is_some(),
            ];
            if places.iter().filter(|&&set| set).count() != 1 {
                problems.push(at(
                    "a listen setting names not exactly one of env, flag, config",
                ));
            }
            if setting.syntax == ListenSyntax::OllamaHost && setting.env.is_none() {
                problems.push(at("ollama_host syntax without a variable"));
            }
        }
        match self.binary_default_port() {
            Some(port) if port == self.default_port => {}
            _ => problems.push(at("binary_default does not carry default_port")),
        }
        for port in
            std::iter::once(self.default_port).chain(self.other_ports.iter().map(|p| p.port))
        {
            if port == 0 {
                problems.push(at("port 0"));
            }
        }
        let mut schemes = std::collections::BTreeSet::new();
        for scheme in &self.schemes {
            let name = &scheme.scheme;
            if name.is_empty()
                || name.contains("://")
                || name
                    .chars()
                    .any(|c| c.is_ascii_uppercase() || c.is_whitespace())
            {
                problems.push(at(&format!(
                    "scheme {name:?} is not a lowercase scheme name"
                )));
            }
            if !schemes.insert(name.as_str()) {
                problems.push(at(&format!("scheme {name} listed twice")));
            }
            if scheme.default_port == Some(0) {
                problems.push(at(&format!("scheme {name} has port 0")));
            }
        }
        for image in &self.images {
            if image.kind != ImageKind::Installed
                && !super::image::is_bare_repository(&image.repository)
            {
                problems.push(at(&format!(
                    "image {} is not a bare lower-case repository path",
                    image.repository
                )));
            }
            if image.source.trim().is_empty() {
                problems.push(at(&format!("image {} has no source", image.repository)));
            }
            match (&image.kind, &image.client) {
                (ImageKind::Bundled, Some(id)) if !clients.iter().any(|c| &c.id == id) => {
                    problems.push(at(&format!("bundle names unknown client {id}")));
                }
                (ImageKind::Official | ImageKind::Repackaged | ImageKind::Installed, Some(_)) => {
                    problems.push(at("an official image names a client"));
                }
                _ => {}
            }
            if !image.probe.is_empty()
                && !matches!(
                    image.probe.first().map(String::as_str),
                    Some("CMD" | "CMD-SHELL")
                )
            {
                problems.push(at(&format!(
                    "image {} has a probe that is not a CMD or CMD-SHELL test",
                    image.repository
                )));
            }
            for variant in &image.ships {
                // No tags would mean every tag: write the program out of `lacks` instead.
                if variant.tags.is_empty()
                    || variant.programs.is_empty()
                    || !variant.programs.iter().all(|p| image.lacks.contains(p))
                {
                    problems.push(at(&format!(
                        "image {} ships programs it does not lack, or on no tag",
                        image.repository
                    )));
                }
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
