//! The typed model of a loaded project: services and their networking fields, every value
//! with the span it was read from.

use std::path::PathBuf;

use crate::compose::extra_hosts::ExtraHost;
use crate::compose::ports::PortMapping;
use crate::source::{FileId, Sources, Span};
use crate::text::Text;
use crate::yaml::Node;

use super::issues::LoadIssue;
use super::load::parse_documents;

/// A project as Compose would run it: the merged files, their variables and the model.
#[derive(Debug, Default)]
pub struct Project {
    pub name: String,
    pub directory: PathBuf,
    /// The compose files in merge order (`-f` order, then override / overlay).
    pub files: Vec<FileId>,
    /// Files the project environment was read from (`.env`, `--env-file`, or a template).
    pub env_files: Vec<FileId>,
    /// Templates read in place of missing env files (`.env.example` for `.env`, …).
    pub templates_used: Vec<TemplateUse>,
    pub services: Vec<Service>,
    pub networks: Vec<Network>,
    pub volumes: Vec<Volume>,
    /// The keys of the top-level `secrets:` and `configs:`.
    pub secrets: Vec<String>,
    pub configs: Vec<String>,
    /// What went wrong while loading; rules turn these into diagnostics.
    pub issues: Vec<LoadIssue>,
    /// The merged document, for `composelint config`: kept only when loaded with
    /// `LoadOptions::keep_merged`, since linting does not need it.
    pub merged: Option<Node>,
    /// Each compose file's documents as written, for fixes that add structure (read them
    /// with [`Project::written_documents`]): parsed again on first use rather than kept from
    /// loading, since most runs never need them and a large file's tree costs many times its
    /// size.
    pub written: std::sync::OnceLock<Vec<(FileId, Node)>>,
    /// Service name → index in `services`, so lookups by name stay cheap on large projects.
    pub service_index: std::collections::HashMap<String, usize>,
    /// The profiles the user enabled (`--profile`, or `COMPOSE_PROFILES` from `-e`, the
    /// process environment or `.env`); None when nothing chose, and every selection is linted.
    pub enabled_profiles: Option<Vec<String>>,
    /// An `include` file could not be read (see [`Project::is_partial`]).
    pub partial: bool,
    /// The compose files in the project's directory that it does not load, for the services
    /// they define (`ollama` of a `docker-compose.ollama.yml` beside the default file).
    /// Compose names a project after its directory, so run with this one (`-f` both, or each
    /// `up` under that name) they join its default network, and their names resolve.
    pub siblings: Siblings,
    /// Read from the Docker commands of a script or document (`docker run`, …), not from
    /// compose files: each service is a container, and findings speak of flags.
    pub from_commands: bool,
    /// Every Docker command read was written for a Windows shell (PowerShell, cmd): the
    /// project runs on Docker Desktop for Windows unless the user chose a platform.
    pub windows_commands: bool,
    /// A compose document written in a Markdown document's `yaml` block, by its index among
    /// the document's compose blocks: judged by the rules that judge commands
    /// ([`crate::commands::rule_applies`]), its findings in the document.
    pub document_block: Option<usize>,
    /// Services the profile selection this project stands for leaves out: kept so that rules
    /// can tell a name that nothing defines from one that only another profile starts.
    /// Empty for a project as loaded, where `services` holds every service.
    pub inactive: Vec<Service>,
}

impl Project {
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.service_index
            .get(name)
            .and_then(|&i| self.services.get(i))
    }

    /// The documents of the project's compose files as written (before interpolation and
    /// merge), each with its file: fixes edit a file at its own structure.
    pub fn written_documents(&self, sources: &Sources) -> &[(FileId, Node)] {
        self.written.get_or_init(|| {
            self.files
                .iter()
                .flat_map(|&id| {
                    let (documents, _, _) = parse_documents(sources.get(id));
                    documents.into_iter().map(move |doc| (id, doc))
                })
                .collect()
        })
    }

    /// The mapping of service `name` in the file where its key is written.
    pub fn written_service<'a>(
        &'a self,
        sources: &Sources,
        name: &str,
    ) -> Option<(FileId, &'a Node)> {
        let service = self.service(name)?;
        let file = service.key_span.file;
        self.written_documents(sources)
            .iter()
            .filter(|(f, _)| *f == file)
            .find_map(|(_, doc)| doc.get("services")?.get(name))
            .map(|node| (file, node))
    }

    /// The first document of a file as written.
    pub fn written_document<'a>(&'a self, sources: &Sources, file: FileId) -> Option<&'a Node> {
        self.written_documents(sources)
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, doc)| doc)
    }

    /// Whether part of the project could not be read (an `include` file, a file that does
    /// not parse, an `extends` base): services, networks, volumes and other names may be
    /// defined there, so a name the loaded files lack is not known to be wrong, and the
    /// rules that report what the project lacks stay silent.
    pub fn is_partial(&self) -> bool {
        self.partial || self.issues.iter().any(LoadIssue::leaves_project_incomplete)
    }

    /// A service that this project's profile selection leaves out.
    pub fn inactive_service(&self, name: &str) -> Option<&Service> {
        self.inactive.iter().find(|s| s.name == name)
    }

    pub fn network(&self, key: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.key == key)
    }
}

/// A template read because the env file it stands for is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateUse {
    pub missing: PathBuf,
    pub template: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// The service's key under `services:`.
    pub key_span: Span,
    pub image: Option<Text>,
    /// Boxed: most services have none, and a project may have many services.
    pub build: Option<Box<Build>>,
    pub container_name: Option<Text>,
    pub hostname: Option<Text>,
    pub network_mode: Option<Text>,
    /// Attached networks; the implicit `default` is listed when the service declares none and
    /// has no `network_mode`.
    pub networks: Vec<ServiceNetwork>,
    pub ports: Vec<Port>,
    /// `docker run -P` (`--publish-all`): the ports the image exposes are published on host
    /// ports Docker picks at random. Compose has no such setting.
    pub publish_all: Option<Span>,
    pub expose: Vec<Text>,
    /// The container's environment after `env_file` and `environment` are combined.
    pub environment: Vec<EnvVar>,
    /// `labels:`, in list (`k=v`) or map form, the last of a key winning.
    pub labels: Vec<Label>,
    pub env_files: Vec<EnvFileRef>,
    pub extra_hosts: Vec<Spanned<ExtraHost>>,
    pub links: Vec<Link>,
    pub depends_on: Vec<Dependency>,
    pub volumes: Vec<Mount>,
    /// The top-level secrets and configs the service mounts, by name (short syntax or
    /// `source:`), each with its list item.
    pub secrets: Vec<Spanned<String>>,
    pub configs: Vec<Spanned<String>>,
    pub profiles: Vec<Text>,
    /// How many containers run: `scale`, or else `deploy.replicas`, when it is a number.
    pub replicas: Option<Spanned<u64>>,
    pub command: Option<Vec<Text>>,
    pub entrypoint: Option<Vec<Text>>,
    /// Boxed: most services have none.
    pub healthcheck: Option<Box<Healthcheck>>,
    /// Its `extends` base or a required `env_file` could not be read: settings may be
    /// missing, so an unset variable is not known to be unset.
    pub partial: bool,
    /// YAML files bind-mounted into the container (an app's own config file, such as
    /// LiteLLM's `config.yaml`), parsed, for the URLs an app reads from them.
    pub mounted_configs: Vec<MountedConfig>,
    /// Files bind-mounted where nginx's official images read their configuration, as
    /// written, for the upstreams nginx sends requests to (F-PROXY-8).
    pub nginx_configs: Vec<Text>,
    /// The `docker run`/`create` command that starts the container, for a project read from
    /// commands: where fixes add options.
    pub run_line: Option<RunLine>,
    /// The platform the text that starts the container says it runs on, for a project read
    /// from commands: Docker Desktop for a PowerShell or cmd command, or the one a Markdown
    /// section names. None: the run's platform.
    pub platform: Option<crate::net::Platform>,
}

/// Where a `docker run`/`create` command is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunLine {
    /// The `docker`/`podman` word, as written (`/usr/bin/docker`, `podman`).
    pub program: Span,
    /// `sudo` runs it.
    pub sudo: bool,
    /// The `run`/`create` word.
    pub subcommand: Span,
    /// The shell it is written for, and how: after a prompt in a terminal session (a
    /// Markdown `console` block), in a script, or in a Makefile's recipe.
    pub shell: crate::commands::Shell,
    pub layout: crate::commands::Layout,
}

/// A YAML file a bind mount puts into a container.
#[derive(Debug, Clone)]
pub struct MountedConfig {
    /// Where it appears in the container.
    pub target: String,
    /// Its first document; every scalar keeps its place in the file.
    pub root: crate::yaml::Node,
}

/// Compose files beside a project's, as read. The services they define are parsed from them
/// when first asked, which only a name that nothing else resolves does.
#[derive(Debug, Default, Clone)]
pub struct Siblings {
    texts: Vec<String>,
    services: std::sync::OnceLock<Vec<String>>,
}

impl Siblings {
    pub fn new(texts: Vec<String>) -> Siblings {
        Siblings {
            texts,
            services: std::sync::OnceLock::new(),
        }
    }

    /// Whether one of the files defines a service named `name` (compared without case, as
    /// Docker's DNS does).
    pub fn define(&self, name: &str) -> bool {
        self.services
            .get_or_init(|| self.texts.iter().flat_map(|t| service_names(t)).collect())
            .iter()
            .any(|s| s.eq_ignore_ascii_case(name))
    }
}

/// The keys of the top-level `services:` of each document of a compose file.
fn service_names(text: &str) -> Vec<String> {
    let parsed = crate::yaml::parse(FileId(0), text, crate::yaml::Limits::default());
    parsed
        .documents
        .iter()
        .filter_map(|doc| doc.get("services").and_then(Node::as_mapping))
        .flatten()
        .filter_map(|entry| entry.key.as_str().map(str::to_string))
        .collect()
}

impl Service {
    /// A service with nothing set but its name.
    pub fn named(name: impl Into<String>, key_span: Span) -> Service {
        Service {
            name: name.into(),
            key_span,
            image: None,
            build: None,
            container_name: None,
            hostname: None,
            network_mode: None,
            networks: Vec::new(),
            ports: Vec::new(),
            publish_all: None,
            expose: Vec::new(),
            environment: Vec::new(),
            labels: Vec::new(),
            env_files: Vec::new(),
            extra_hosts: Vec::new(),
            links: Vec::new(),
            depends_on: Vec::new(),
            volumes: Vec::new(),
            secrets: Vec::new(),
            configs: Vec::new(),
            profiles: Vec::new(),
            replicas: None,
            command: None,
            entrypoint: None,
            healthcheck: None,
            partial: false,
            mounted_configs: Vec::new(),
            nginx_configs: Vec::new(),
            run_line: None,
            platform: None,
        }
    }

    /// The words the container starts with: `entrypoint:`, then `command:`.
    pub fn command_words(&self) -> impl Iterator<Item = &str> {
        self.entrypoint
            .iter()
            .flatten()
            .chain(self.command.iter().flatten())
            .map(|t| t.value.as_str())
    }

    pub fn env(&self, key: &str) -> Option<&EnvVar> {
        self.environment.iter().find(|e| e.key == key)
    }

    /// Gives back what the lists reserved while they were filled: a large project's model
    /// holds many short lists.
    pub fn shrink_to_fit(&mut self) {
        self.networks.shrink_to_fit();
        self.ports.shrink_to_fit();
        self.expose.shrink_to_fit();
        self.environment.shrink_to_fit();
        self.labels.shrink_to_fit();
        self.env_files.shrink_to_fit();
        self.extra_hosts.shrink_to_fit();
        self.links.shrink_to_fit();
        self.depends_on.shrink_to_fit();
        self.volumes.shrink_to_fit();
        self.secrets.shrink_to_fit();
        self.configs.shrink_to_fit();
        self.profiles.shrink_to_fit();
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A service's `healthcheck:`.
#[derive(Debug, Clone)]
pub struct Healthcheck {
    /// The `healthcheck` mapping.
    pub span: Span,
    /// `test` as Compose runs it: a string is `["CMD-SHELL", string]`, a list starts with
    /// `CMD`, `CMD-SHELL` or `NONE`. None when unset or empty: the image's own check applies.
    pub test: Option<HealthTest>,
    /// `disable: true` (the same as `test: ["NONE"]`).
    pub disable: bool,
}

#[derive(Debug, Clone)]
pub struct HealthTest {
    pub words: Vec<Text>,
    /// The value of `test` where it is written.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Build {
    pub context: Text,
    pub dockerfile: Option<Text>,
    pub target: Option<Text>,
    pub span: Span,
    /// The Dockerfile, when it could be read (to tell what the image is built from).
    pub dockerfile_file: Option<FileId>,
}

#[derive(Debug, Clone)]
pub struct ServiceNetwork {
    pub name: String,
    /// None for the implicit default network.
    pub span: Option<Span>,
    pub aliases: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct Port {
    pub mapping: PortMapping,
    /// The list item the mapping came from.
    pub span: Span,
    /// Where each part was written (inside the short-syntax string, or the long-syntax
    /// field), for pointing at and editing exactly that part.
    pub published: Option<Text>,
    pub target: Option<Text>,
    pub host_ip: Option<Text>,
}

/// Where a container variable's value was written.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvSource {
    /// `environment:` of the service; the span covers the list item or the map entry.
    Environment { span: Span },
    /// A line of an `env_file`.
    EnvFile { file: FileId, span: Span },
}

/// A container label: what reverse proxies such as Traefik read their routing from.
#[derive(Debug, Clone)]
pub struct Label {
    pub key: String,
    pub value: Text,
    /// The whole entry (`- k=v`, or `k: v`).
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub key: String,
    /// None: declared without a value that could be resolved (the variable is unset).
    pub value: Option<Text>,
    pub source: EnvSource,
}

#[derive(Debug, Clone)]
pub struct EnvFileRef {
    pub path: PathBuf,
    pub span: Span,
    pub required: bool,
    pub raw: bool,
    /// The file the values were read from (the template when the file itself is missing).
    pub file: Option<FileId>,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub service: String,
    pub alias: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Dependency {
    pub service: String,
    pub span: Span,
    pub condition: String,
    pub required: bool,
    /// Implied by `links`, `volumes_from` or a `service:X` namespace rather than written.
    pub implicit: bool,
    /// The field that states the dependency: `depends_on`, `links`, `network_mode`, `ipc`,
    /// `pid`, `uts` or `volumes_from`.
    pub field: &'static str,
}

#[derive(Debug, Clone)]
pub struct Mount {
    /// `volume`, `bind`, `tmpfs`, …
    pub kind: String,
    pub source: Option<String>,
    pub target: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub key: String,
    pub key_span: Option<Span>,
    pub name: String,
    pub external: bool,
}

#[derive(Debug, Clone)]
pub struct Volume {
    pub key: String,
    pub key_span: Option<Span>,
    pub name: String,
    pub external: bool,
}
