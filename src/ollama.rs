//! The project's Ollama wiring: which services run an Ollama server (and where it listens),
//! and every reference to one — the service that makes it, the variable or argument, the URL
//! and where each part of it was written.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::compose::model::{EnvSource, EnvVar, Project, Service};
use crate::knowledge::client::{
    Api, ClientMatch, ClientProfile, LoopbackRewrite, PathKind, SchemeRule, Status, UrlVar,
    ValueOrigin,
};
use crate::knowledge::extensions::ClientVariable;
use crate::knowledge::generic::{self, VarKind};
use crate::knowledge::installed_ollama::installed_ollama;
use crate::knowledge::ollama_host::OLLAMA_DEFAULT_PORT;
use crate::knowledge::{self, Extensions, ServerMatch, Side, TargetUrl};
use crate::source::{Sources, Span};
use crate::text::Text;

/// The server kind the Ollama rules follow.
pub const OLLAMA: &str = "ollama";

/// A service's container environment as plain strings (unset variables left out).
pub fn container_env(service: &Service) -> BTreeMap<String, String> {
    service
        .environment
        .iter()
        .filter_map(|v| v.value.as_ref().map(|t| (v.key.clone(), t.value.clone())))
        .collect()
}

/// How a service runs Ollama, if it does.
#[derive(Clone, Debug)]
pub struct OllamaServer {
    pub server: ServerMatch,
    pub listen: knowledge::ListenAddress,
    /// The models directory inside the container.
    pub models_dir: Option<String>,
    /// Built from a Dockerfile whose final stage is an Ollama image.
    pub built: bool,
    /// Ports it also listens on beside `listen.port` (a management UI, a second protocol).
    pub other_ports: Vec<u16>,
    /// Whether the port and the bind address are known: settings this tool cannot read (a
    /// mounted configuration file, a flag or variable it does not know) leave them unknown,
    /// and nothing is judged on them.
    pub port_known: bool,
    pub scope_known: bool,
    /// Its main port serves plaintext for certain: the profile says no TLS there and the
    /// service gives no setting that turns TLS on (F-OLL-7, F-KIND-TLS).
    pub plaintext: bool,
}

/// The Ollama server a service runs: by image, or by the final stage of its Dockerfile.
pub fn ollama_server(service: &Service, sources: &Sources) -> Option<OllamaServer> {
    ollama_server_with(service, sources, &Extensions::default())
}

/// [`ollama_server`], also recognising the in-house images of `extensions`.
pub fn ollama_server_with(
    service: &Service,
    sources: &Sources,
    extensions: &Extensions,
) -> Option<OllamaServer> {
    let profile = knowledge::ollama();
    let by_image = |image: &str| {
        profile
            .matches_image(image)
            .or_else(|| extensions.server_for_image(image))
    };
    // The environment the image itself brings, beyond the knowledge table's (the `ENV`s of a
    // Dockerfile that installs Ollama).
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let (server, built) = match service.image.as_ref().and_then(|i| by_image(&i.value)) {
        Some(m) => (m, false),
        None => {
            let build = service.build.as_ref()?;
            let text = &sources.get(build.dockerfile_file?).text;
            let target = build.target.as_ref().map(|t| t.value.as_str());
            let base = match target {
                Some(t) => knowledge::dockerfile::dockerfile_stage_base(text, t),
                None => knowledge::dockerfile_final_base(text),
            };
            match base.as_deref().and_then(by_image) {
                Some(m) => (m, true),
                None => {
                    let installed = installed_ollama(text, target)?;
                    env = installed.env;
                    // A start script may set the listen address before it starts the server:
                    // unless the image runs `ollama serve` itself, where it listens is not
                    // known, and nothing is reported about it.
                    if !installed.serves_directly {
                        env.entry("OLLAMA_HOST".into())
                            .or_insert_with(|| format!("0.0.0.0:{OLLAMA_DEFAULT_PORT}"));
                    }
                    (profile.installed()?, true)
                }
            }
        }
    };
    if !runs_server(service, server.image) {
        return None;
    }
    env.extend(container_env(service));
    Some(OllamaServer {
        listen: server.server.listen_address(server.image, &env),
        models_dir: server.server.models_dir(server.image, &env),
        plaintext: server.server.tls == Some(false),
        server,
        built,
        other_ports: Vec::new(),
        port_known: true,
        scope_known: true,
    })
}

/// Whether the container's process is the server, as far as `entrypoint:` and `command:`
/// tell. The Ollama image also serves as the CLI (scenario C07: an init container with
/// `entrypoint: /bin/sh` and `ollama pull …`); such a container runs no server. A command
/// naming `serve` anywhere, or a script this tool cannot read, keeps the server.
fn runs_server(service: &Service, image: &knowledge::server::ServerImage) -> bool {
    // A bundle starts its server from its own start script; overrides are not followed.
    if image.entrypoint.is_empty() {
        return true;
    }
    let words: Vec<&str> = match (&service.entrypoint, &service.command) {
        (None, None) => return true,
        // A new entrypoint drops the image's command.
        (Some(entry), command) => entry
            .iter()
            .chain(command.iter().flatten())
            .map(|t| t.value.as_str())
            .collect(),
        (None, Some(command)) => image
            .entrypoint
            .iter()
            .map(String::as_str)
            .chain(command.iter().map(|t| t.value.as_str()))
            .collect(),
    };
    let tokens: Vec<&str> = words
        .iter()
        .flat_map(|w| w.split(|c: char| c.is_whitespace() || ";&|()'\"`".contains(c)))
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.contains(&"serve") {
        return true;
    }
    let is_binary = |t: &str| t == "ollama" || t.ends_with("/ollama");
    let cli = tokens
        .windows(2)
        .any(|pair| is_binary(pair[0]) && !pair[1].starts_with('-'));
    !cli
}

/// The servers of a project, per service index.
pub struct Servers {
    /// The kind of server ([`OLLAMA`] or a family of [`crate::reach::kinds`]).
    pub kind: &'static str,
    /// The port a client of the kind reaches when it names none.
    pub default_port: u16,
    pub by_service: Vec<Option<OllamaServer>>,
    /// The services that run one, in order (few, even in a large project).
    pub indices: Vec<usize>,
    /// Every port a server of the project listens on.
    pub ports: std::collections::HashSet<u16>,
}

impl Servers {
    pub fn of(project: &Project, sources: &Sources) -> Servers {
        Servers::of_with(project, sources, &Extensions::default())
    }

    /// [`Servers::of`], also recognising the in-house images of `extensions`.
    pub fn of_with(project: &Project, sources: &Sources, extensions: &Extensions) -> Servers {
        let by_service: Vec<Option<OllamaServer>> = project
            .services
            .iter()
            .map(|s| ollama_server_with(s, sources, extensions))
            .collect();
        let indices = (0..by_service.len())
            .filter(|&i| by_service[i].is_some())
            .collect();
        let ports = by_service.iter().flatten().map(|s| s.listen.port).collect();
        Servers {
            kind: OLLAMA,
            default_port: OLLAMA_DEFAULT_PORT,
            by_service,
            indices,
            ports,
        }
    }

    pub fn get(&self, service: usize) -> Option<&OllamaServer> {
        self.by_service.get(service).and_then(Option::as_ref)
    }

    pub fn any(&self) -> bool {
        !self.indices.is_empty()
    }
}

/// Where a reference's value was written.
#[derive(Clone, Debug, PartialEq)]
pub enum Written {
    /// An environment variable (`environment:` or an `env_file`).
    Env { key: String, source: EnvSource },
    /// A word of `command:`.
    Command { index: usize },
    /// Not written: the app's default applies (`var` unset, or set to a value the image
    /// ignores).
    AppDefault { var: String },
    /// A value in an app's own config file mounted into the container (LiteLLM's
    /// `api_base`); the reference's text points into that file.
    ConfigFile { key: String },
    /// A URL typed into the app's own settings (`composelint explain`), in no file of the
    /// project; the reference's text points into a file of its own holding the URL.
    Typed,
}

/// What a client expects of the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub scheme: SchemeRule,
    pub api: Api,
    pub path: PathKind,
    pub side: Side,
    /// How sure the expectation is: judged only when the knowledge is verified or reported.
    pub firm: bool,
}

/// One reference to an Ollama server.
#[derive(Clone, Debug)]
pub struct Reference {
    /// The kind of server it is aimed at ([`OLLAMA`], or a family of
    /// [`crate::reach::kinds`]).
    pub kind: &'static str,
    /// The service that makes the request.
    pub client: usize,
    pub written: Written,
    /// The URL text, with provenance (for an app default: the default itself, unlocated).
    pub text: Text,
    pub url: TargetUrl,
    pub expect: Expectation,
    /// The client application, when the image is a known one.
    pub profile: Option<&'static ClientProfile>,
    /// The setting of the profile, when the reference is one.
    pub setting: Option<&'static UrlVar>,
    /// For an app default: a variable the compose file sets but the image ignores, which is
    /// why the default applies (Open WebUI's `OLLAMA_API_BASE_URL`).
    pub ignored_var: Option<String>,
    /// The app replaces a loopback host by this one itself (bolt.diy with
    /// `RUNNING_IN_DOCKER=true`), so loopback there is not the container.
    pub loopback_rewrite: Option<&'static LoopbackRewrite>,
    pub evidence: Evidence,
    /// The value is written under a name the app does not read, standing for one of its
    /// settings; it is judged as that setting, as it will be read once renamed.
    pub misnamed: Option<Misnamed>,
}

/// A known app's URL written under a name the app does not read (`OLLAMA_URL` on Open
/// WebUI, or a key such as `/ollama/api` copied from a tutorial), while its own variable is
/// unset.
#[derive(Clone, Debug, PartialEq)]
pub struct Misnamed {
    /// The variable the app reads.
    pub reads: &'static str,
    /// What the app uses meanwhile: its default, when known.
    pub default: Option<String>,
}

/// Whether `key` can be an environment variable a program looks up by name: a shell
/// identifier. Compose passes any key on, but `/ollama/api` is no name an app reads.
pub fn is_variable_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// How sure it is that the client reads the value at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// The app is known to read it, the service's own `environment:` or command names it, or
    /// the configuration declares the variable.
    Read,
    /// It only arrives through an `env_file` that several services load, and nothing says the
    /// app reads it: a repository-wide `.env` loaded by a database hands it `OLLAMA_BASE_URL`
    /// too.
    Loaded,
}

impl Reference {
    /// A reference no app profile describes: nothing is known of the scheme or the path the
    /// client expects, so only where it leads is judged.
    pub fn unprofiled(
        kind: &'static str,
        client: usize,
        written: Written,
        text: Text,
        url: TargetUrl,
        side: Side,
        evidence: Evidence,
    ) -> Reference {
        Reference {
            kind,
            client,
            written,
            text,
            url,
            expect: Expectation {
                scheme: SchemeRule::Unknown,
                api: Api::Ollama,
                path: PathKind::Unknown,
                side,
                firm: false,
            },
            profile: None,
            setting: None,
            ignored_var: None,
            loopback_rewrite: None,
            evidence,
            misnamed: None,
        }
    }

    /// The file span of the URL part `range` (bytes of `url`), if it was written in a file.
    pub fn span_of(&self, range: Range<usize>) -> Option<Span> {
        if let Written::AppDefault { .. } = self.written {
            return None;
        }
        self.text
            .exact_span(range.clone())
            .or_else(|| self.text.spans(range).into_iter().next())
    }

    /// Where the whole value was written.
    pub fn value_span(&self) -> Option<Span> {
        self.span_of(0..self.text.value.len())
    }

    /// The port the client dials: the written one, else the one the scheme (or, for Ollama,
    /// the client's own parser) implies, else the kind's default.
    pub fn port(&self) -> u16 {
        if self.kind == OLLAMA {
            return self.url.effective_port(self.expect.scheme);
        }
        self.url.port.unwrap_or_else(|| self.scheme_port())
    }

    /// The port the scheme implies when the URL writes none (`https`: 443, `amqps`: 5671);
    /// for Ollama, what the client's own parser implies.
    pub fn scheme_port(&self) -> u16 {
        if self.kind == OLLAMA {
            return self.url.scheme_port(self.expect.scheme);
        }
        match self.url.scheme.as_deref() {
            Some("https") => 443,
            Some("http") => 80,
            // A scheme of no family (Kafka's listener names, `PLAINTEXT://`) says nothing of
            // the port.
            Some(scheme) => crate::reach::kinds::family_of_scheme(scheme).map_or_else(
                || crate::reach::kinds::family(self.kind).map_or(0, |f| f.default_port),
                |(_, port)| port,
            ),
            None => crate::reach::kinds::family(self.kind).map_or(0, |f| f.default_port),
        }
    }

    pub fn var_name(&self) -> &str {
        match &self.written {
            Written::Env { key, .. } => key,
            Written::Command { .. } => "command",
            Written::AppDefault { var } => var,
            Written::ConfigFile { key } => key,
            Written::Typed => "URL",
        }
    }
}

/// How many services load each env file: a file written for one service speaks for it like
/// its `environment:` does; a file many load speaks for none of them.
pub fn env_file_loaders(
    project: &Project,
) -> std::collections::HashMap<crate::source::FileId, usize> {
    let mut loaders: std::collections::HashMap<crate::source::FileId, usize> = Default::default();
    for service in &project.services {
        let mut files: Vec<crate::source::FileId> = service
            .environment
            .iter()
            .filter_map(|v| match v.source {
                EnvSource::EnvFile { file, .. } => Some(file),
                EnvSource::Environment { .. } => None,
            })
            .collect();
        files.sort_unstable();
        files.dedup();
        for file in files {
            *loaders.entry(file).or_default() += 1;
        }
    }
    loaders
}

/// Every reference to an Ollama server in the project.
pub fn references(project: &Project, servers: &Servers) -> Vec<Reference> {
    references_with(project, servers, &Extensions::default())
}

/// [`references`], also following the in-house variables of `extensions`.
pub fn references_with(
    project: &Project,
    servers: &Servers,
    extensions: &Extensions,
) -> Vec<Reference> {
    // Sets, so that looking at every URL of a large project stays linear.
    let server_names: std::collections::HashSet<String> = project
        .services
        .iter()
        .enumerate()
        .filter(|(i, _)| servers.get(*i).is_some())
        .flat_map(|(_, s)| {
            std::iter::once(s.name.as_str())
                .chain(s.container_name.iter().map(|c| c.value.as_str()))
                .chain(
                    s.networks
                        .iter()
                        .flat_map(|n| n.aliases.iter().map(|a| a.value.as_str())),
                )
                .map(str::to_ascii_lowercase)
        })
        .collect();
    let mut server_ports: std::collections::HashSet<u16> = servers
        .by_service
        .iter()
        .flatten()
        .map(|s| s.listen.port)
        .collect();
    server_ports.insert(OLLAMA_DEFAULT_PORT);
    let looks_like_ollama = |url: &TargetUrl| {
        url.port.is_some_and(|p| server_ports.contains(&p))
            || server_names.contains(&url.host.to_ascii_lowercase())
    };

    let loaders = env_file_loaders(project);

    let mut out = Vec::new();
    for (i, service) in project.services.iter().enumerate() {
        let is_server = servers.get(i).is_some();
        let env = container_env(service);
        let client = service
            .image
            .as_ref()
            .and_then(|image| knowledge::client_match(&image.value));
        // A part of an app that never calls Ollama (a web frontend) makes no reference,
        // whatever its environment says.
        if client
            .as_ref()
            .is_some_and(|c| c.makes_requests() == Some(false))
        {
            continue;
        }
        let mut claimed: Vec<&str> = Vec::new();
        if let Some(client) = &client {
            let first_of_client = out.len();
            let mut ignored: Option<String> = None;
            let resolved = client.references(&env);
            // A URL under a name the app does not read is judged as the setting it stands
            // for; that setting's default is then not judged too: the finding is the name.
            let stand_in = if is_server {
                None
            } else {
                misnamed_variable(
                    service,
                    client,
                    &env,
                    &loaders,
                    &looks_like_ollama,
                    extensions,
                )
            };
            if let Some((var, setting)) = stand_in {
                claimed.push(var.key.as_str());
                push_stand_in(&mut out, i, var, client, setting, &resolved, &env);
            }
            if !is_server {
                push_config_file_urls(&mut out, i, service, client, &env);
            }
            let stood_in_for = stand_in.map(|(_, setting)| setting.name.as_str());
            for r in resolved {
                claimed.push(r.var.name.as_str());
                if r.status == Status::Ignored {
                    // Its value is never used: the app falls back to the default of the
                    // variable it reads instead, which is a reference of its own (scenario
                    // M15). Judging the ignored value would judge a URL nobody connects to.
                    ignored.get_or_insert_with(|| r.var.name.clone());
                    continue;
                }
                if matches!(
                    r.status,
                    Status::Disabled | Status::Inactive | Status::Overridden { .. }
                ) {
                    continue;
                }
                let expect = Expectation {
                    scheme: r.var.scheme,
                    api: r.var.expectation(&client.env(&env)).api,
                    path: r.var.expectation(&client.env(&env)).path,
                    side: r.side,
                    firm: is_firm(r.var.confidence),
                };
                let written_var = service.env(&r.var.name);
                match (r.origin, r.status) {
                    (ValueOrigin::Compose, Status::Active) => {
                        let Some(var) = written_var else { continue };
                        let Some(text) = &var.value else { continue };
                        let first = out.len();
                        push_urls(
                            &mut out,
                            Written::Env {
                                key: var.key.clone(),
                                source: var.source.clone(),
                            },
                            i,
                            text,
                            UrlForm {
                                separator: r.var.list_separator.as_deref(),
                                lenient: expect.scheme == SchemeRule::Optional,
                            },
                            expect,
                            (Some(client.profile), Some(r.var)),
                        );
                        for pushed in out.iter_mut().skip(first) {
                            pushed.loopback_rewrite = r.loopback_rewrite;
                        }
                    }
                    // An empty value from an unset variable is CMP004's finding alone.
                    (ValueOrigin::Default(_), Status::Active)
                        if written_var.is_some_and(|v| {
                            v.value.as_ref().is_none_or(|t| t.value.is_empty())
                        }) => {}
                    // A file that could not be read may set it: the default is not known to
                    // be what the app uses.
                    (ValueOrigin::Default(_), Status::Active) if service.partial => {}
                    (ValueOrigin::Default(_), Status::Active)
                        if stood_in_for == Some(r.var.name.as_str())
                            || url_may_be_set_elsewhere(service, client.profile) => {}
                    (ValueOrigin::Default(_), Status::Active) => {
                        // The app's own default: the written value (if any) does not count.
                        let Some(value) = default_value(&r) else {
                            continue;
                        };
                        let Some(url) = TargetUrl::parse(&value) else {
                            continue;
                        };
                        out.push(Reference {
                            kind: OLLAMA,
                            client: i,
                            written: Written::AppDefault {
                                var: r.var.name.clone(),
                            },
                            text: Text::synthetic(value),
                            url,
                            expect,
                            profile: Some(client.profile),
                            setting: Some(r.var),
                            ignored_var: None,
                            loopback_rewrite: r.loopback_rewrite,
                            evidence: Evidence::Read,
                            misnamed: None,
                        });
                    }
                    _ => {}
                }
            }
            if let Some(name) = ignored {
                for reference in out.iter_mut().skip(first_of_client) {
                    if matches!(reference.written, Written::AppDefault { .. }) {
                        reference.ignored_var = Some(name.clone());
                    }
                }
            }
        }
        for var in &service.environment {
            if claimed.contains(&var.key.as_str()) {
                continue;
            }
            let first_of_var = out.len();
            let Some(text) = &var.value else { continue };
            if text.value.is_empty() {
                continue;
            }
            if let Some(custom) = extensions.client_variable(&var.key) {
                push_custom(&mut out, i, var, text, custom);
                continue;
            }
            let classified = generic::classify(&var.key);
            // In a server, OLLAMA_HOST says where it listens, not where it connects.
            if is_server
                && matches!(
                    classified.as_ref().map(|c| c.kind),
                    Some(VarKind::OllamaHost)
                )
            {
                continue;
            }
            match classified {
                Some(c) => {
                    let expect = Expectation {
                        scheme: c.scheme,
                        api: c.api,
                        path: c.path,
                        side: c.side,
                        firm: is_firm(c.confidence),
                    };
                    let lenient = c.kind == VarKind::OllamaHost;
                    push_urls(
                        &mut out,
                        Written::Env {
                            key: var.key.clone(),
                            source: var.source.clone(),
                        },
                        i,
                        text,
                        UrlForm {
                            separator: c.is_list.then_some(","),
                            lenient,
                        },
                        expect,
                        (None, None),
                    );
                }
                None if !is_server => {
                    // Any other URL aimed at an Ollama port or server name.
                    let Some(url) = TargetUrl::parse(&text.value) else {
                        continue;
                    };
                    if !looks_like_ollama(&url)
                        || url
                            .scheme
                            .as_deref()
                            .is_some_and(|s| s != "http" && s != "https")
                    {
                        continue;
                    }
                    let side =
                        generic::browser_prefix(&var.key).map_or(Side::Server, |_| Side::Browser);
                    out.push(Reference::unprofiled(
                        OLLAMA,
                        i,
                        Written::Env {
                            key: var.key.clone(),
                            source: var.source.clone(),
                        },
                        text.clone(),
                        url,
                        side,
                        Evidence::Read,
                    ));
                }
                None => {}
            }
            if let EnvSource::EnvFile { file, .. } = var.source
                && loaders.get(&file).is_some_and(|&n| n > 1)
            {
                for pushed in out.iter_mut().skip(first_of_var) {
                    pushed.evidence = Evidence::Loaded;
                }
            }
        }
        if !is_server {
            for (index, word) in service.command.iter().flatten().enumerate() {
                // `--ollama-url=http://…` carries the URL after `=`.
                let (offset, value) = match word.value.find('=') {
                    Some(eq) if word.value[..eq].starts_with('-') => {
                        (eq + 1, &word.value[eq + 1..])
                    }
                    _ => (0, word.value.as_str()),
                };
                let Some(url) = TargetUrl::parse(value) else {
                    continue;
                };
                if !looks_like_ollama(&url) {
                    continue;
                }
                out.push(Reference::unprofiled(
                    OLLAMA,
                    i,
                    Written::Command { index },
                    word.slice(offset..word.value.len()),
                    url,
                    Side::Server,
                    Evidence::Read,
                ));
            }
        }
    }
    out
}

/// The one variable of a known app's service that carries an Ollama URL under a name the app
/// does not read, and the setting it stands for ([`ClientMatch::stand_in_target`]). A name
/// counts when it says Ollama (`OLLAMA_URL`) or is no variable name at all (`/ollama/api`)
/// with a value aimed at an Ollama port or server. Only the service's own entries count
/// (its `environment:`, or an env file no other service loads): a repository-wide `.env`
/// holds variables for other programs. Two candidates: which one is meant is not known. Not
/// looked for when the app's own variable is declared at all (a pass-through from the shell
/// may set it), when a file the service needs could not be read, or when the URL may come
/// from elsewhere ([`url_may_be_set_elsewhere`]: a replaced entrypoint may read the variable
/// and export the app's).
fn misnamed_variable<'s>(
    service: &'s Service,
    client: &ClientMatch,
    env: &BTreeMap<String, String>,
    loaders: &std::collections::HashMap<crate::source::FileId, usize>,
    looks_like_ollama: &dyn Fn(&TargetUrl) -> bool,
    extensions: &Extensions,
) -> Option<(&'s EnvVar, &'static UrlVar)> {
    let declared = client
        .profile
        .url_vars()
        .any(|v| service.env(&v.name).is_some());
    if declared || service.partial || url_may_be_set_elsewhere(service, client.profile) {
        return None;
    }
    let target = client.stand_in_target(env)?;
    let mut found = None;
    for var in &service.environment {
        if client.profile.url_var(&var.key).is_some()
            || extensions.client_variable(&var.key).is_some()
        {
            continue;
        }
        if let EnvSource::EnvFile { file, .. } = var.source
            && loaders.get(&file).is_some_and(|&n| n > 1)
        {
            continue;
        }
        let Some(text) = var.value.as_ref() else {
            continue;
        };
        let Some(url) = TargetUrl::parse(text.value.trim()) else {
            continue;
        };
        if !matches!(url.scheme.as_deref(), Some("http" | "https")) {
            continue;
        }
        let names_ollama = if is_variable_name(&var.key) {
            generic::classify(&var.key)
                .is_some_and(|c| c.kind == VarKind::OllamaUrl && c.browser_prefix.is_none())
        } else {
            looks_like_ollama(&url)
        };
        if !names_ollama {
            continue;
        }
        if found.is_some() {
            return None;
        }
        found = Some(var);
    }
    found.map(|var| (var, target))
}

/// The references of a misnamed variable, judged as the setting it stands for.
fn push_stand_in(
    out: &mut Vec<Reference>,
    client_index: usize,
    var: &EnvVar,
    client: &ClientMatch,
    setting: &'static UrlVar,
    resolved: &[knowledge::client::Reference],
    env: &BTreeMap<String, String>,
) {
    let Some(text) = &var.value else { return };
    let expectation = setting.expectation(&client.env(env));
    let expect = Expectation {
        scheme: setting.scheme,
        api: expectation.api,
        path: expectation.path,
        side: setting.side(client.profile),
        firm: true,
    };
    let default = resolved
        .iter()
        .find(|r| std::ptr::eq(r.var, setting))
        .and_then(default_value);
    let first = out.len();
    push_urls(
        out,
        Written::Env {
            key: var.key.clone(),
            source: var.source.clone(),
        },
        client_index,
        text,
        UrlForm {
            separator: setting.list_separator.as_deref(),
            lenient: setting.scheme == SchemeRule::Optional,
        },
        expect,
        (Some(client.profile), Some(setting)),
    );
    for pushed in out.iter_mut().skip(first) {
        pushed.misnamed = Some(Misnamed {
            reads: setting.name.as_str(),
            default: default.clone(),
        });
    }
}

/// The URLs in the app's own config file, when its command line names a file a bind mount
/// puts into the container and the file's format is known (LiteLLM's `--config`).
fn push_config_file_urls(
    out: &mut Vec<Reference>,
    client_index: usize,
    service: &Service,
    client: &ClientMatch,
    env: &BTreeMap<String, String>,
) {
    let words: Vec<&str> = service.command_words().collect();
    let var = |name: &str| env.get(name).cloned();
    for setting in client.profile.external_settings() {
        let Some(reader) = setting.config_reader else {
            continue;
        };
        let Some(path) = reader.path_in(&words, &var) else {
            continue;
        };
        let Some(config) = service
            .mounted_configs
            .iter()
            .find(|c| knowledge::config_file::in_container(&c.target, "/") == path)
        else {
            continue;
        };
        for text in reader.ollama_urls(&config.root) {
            let Some(url) = TargetUrl::parse(text.value.trim()) else {
                continue;
            };
            out.push(Reference {
                kind: OLLAMA,
                client: client_index,
                written: Written::ConfigFile {
                    key: reader.url_key().to_string(),
                },
                text: text.clone(),
                url,
                expect: Expectation {
                    scheme: setting.scheme,
                    api: setting.api,
                    path: setting.path,
                    side: setting.side(client.profile),
                    firm: is_firm(setting.confidence),
                },
                profile: Some(client.profile),
                setting: Some(setting),
                ignored_var: None,
                loopback_rewrite: None,
                evidence: Evidence::Read,
                misnamed: None,
            });
        }
    }
}

/// Whether the service may give the app its URL where its environment does not show it, so
/// that the app's default is not known to apply: a replaced entrypoint or command (a script
/// may export the variable; LiteLLM's `--config` names a file), or, for an app that reads a
/// config file of its own, a file mounted into the container.
fn url_may_be_set_elsewhere(service: &Service, profile: &ClientProfile) -> bool {
    service.entrypoint.is_some()
        || service.command.is_some()
        || (profile.reads_config_file()
            && (!service.configs.is_empty() || service.volumes.iter().any(|m| m.kind == "bind")))
}

/// The references of a variable the configuration declares: the user's word is firm.
fn push_custom(
    out: &mut Vec<Reference>,
    client: usize,
    var: &crate::compose::model::EnvVar,
    text: &Text,
    custom: &ClientVariable,
) {
    let expect = Expectation {
        scheme: custom.scheme,
        api: if custom.path == PathKind::V1 {
            Api::Openai
        } else {
            Api::Ollama
        },
        path: custom.path,
        side: custom.side,
        firm: true,
    };
    push_urls(
        out,
        Written::Env {
            key: var.key.clone(),
            source: var.source.clone(),
        },
        client,
        text,
        UrlForm {
            separator: custom.list_separator.as_deref(),
            lenient: custom.scheme == SchemeRule::Optional,
        },
        expect,
        (None, None),
    );
}

/// Knowledge good enough to judge a URL by: verified or reported, not inferred.
fn is_firm(confidence: knowledge::Confidence) -> bool {
    !matches!(
        confidence,
        knowledge::Confidence::Inference | knowledge::Confidence::Unverified
    )
}

/// The app default a reference falls back to.
fn default_value(resolved: &knowledge::client::Reference) -> Option<String> {
    match resolved.origin {
        ValueOrigin::Default(rule) => rule.url.clone().or_else(|| resolved.value.clone()),
        _ => resolved.value.clone(),
    }
}

/// How a value holds its URLs: a list separator, and whether a bare host is read as an
/// address (Ollama's own parsers do that).
#[derive(Clone, Copy)]
struct UrlForm<'a> {
    separator: Option<&'a str>,
    lenient: bool,
}

/// One reference per URL of a written value.
fn push_urls(
    out: &mut Vec<Reference>,
    written: Written,
    client: usize,
    text: &Text,
    form: UrlForm,
    expect: Expectation,
    (profile, setting): (Option<&'static ClientProfile>, Option<&'static UrlVar>),
) {
    for (range, item) in list_items(&text.value, form.separator) {
        let parsed = if form.lenient {
            TargetUrl::parse_lenient(item)
        } else {
            TargetUrl::parse(item)
        };
        let Some(url) = parsed else { continue };
        out.push(Reference {
            kind: OLLAMA,
            client,
            written: written.clone(),
            text: text.slice(range),
            url,
            expect,
            profile,
            setting,
            ignored_var: None,
            loopback_rewrite: None,
            evidence: Evidence::Read,
            misnamed: None,
        });
    }
}

/// The trimmed items of a list value with their byte ranges (the whole value when there is
/// no separator).
fn list_items<'a>(value: &'a str, separator: Option<&str>) -> Vec<(Range<usize>, &'a str)> {
    let Some(sep) = separator.filter(|s| !s.is_empty()) else {
        let trimmed = value.trim();
        let start = value.len() - value.trim_start().len();
        return vec![(start..start + trimmed.len(), trimmed)];
    };
    let mut out = Vec::new();
    let mut offset = 0;
    for part in value.split(sep) {
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            out.push((offset + lead..offset + lead + trimmed.len(), trimmed));
        }
        offset += part.len() + sep.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_are_trimmed_with_ranges() {
        let items = list_items(" http://a:1 ; http://b:2;", Some(";"));
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].1, "http://b:2");
        assert_eq!(
            &" http://a:1 ; http://b:2;"[items[1].0.clone()],
            "http://b:2"
        );
    }
}
