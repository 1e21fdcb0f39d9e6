//! Client profiles: applications that call Ollama, the settings that carry its URL, and what
//! value each setting ends up with in a given container environment.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::TargetUrl;
use super::image::{ImagePattern, ImageRef};
use super::{Condition, Confidence, Env, Layered, Side, all_hold};

/// One application.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientProfile {
    pub id: String,
    pub name: String,
    /// Who makes the requests unless a setting says otherwise.
    pub side: Side,
    /// Where the facts come from, for rule documentation.
    pub source: String,
    #[serde(default)]
    pub notes: Option<String>,
    pub images: Vec<ClientImage>,
    /// Every place the app takes an Ollama URL from, environment or not.
    pub url_settings: Vec<UrlVar>,
    #[serde(default)]
    pub switches: Vec<Switch>,
}

/// An image of the application.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientImage {
    pub repository: String,
    /// Tag globs; empty means every tag.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Environment baked into the image (`ENV` lines).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// `Some(false)` for parts of the app that never call Ollama (web frontends).
    #[serde(default)]
    pub makes_requests: Option<bool>,
    pub confidence: Confidence,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl ClientImage {
    pub fn pattern(&self) -> ImagePattern<'_> {
        ImagePattern {
            repository: &self.repository,
            tags: &self.tags,
        }
    }
}

/// Where a setting lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// A container environment variable.
    Env,
    /// Entered in the application's UI (stored in its database or the browser).
    Ui,
    /// An application config file beside the compose file.
    ConfigFile,
}

/// Which of Ollama's APIs the app speaks through a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// Ollama's own API under `/api` (F-OLL-8).
    Ollama,
    /// OpenAI-compatible API under `/v1` (F-CLI-3).
    Openai,
}

/// Whether a URL needs `scheme://`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemeRule {
    Required,
    /// `host:port` is accepted and means `http://host:port`; a bare host gets port 11434, as
    /// in Ollama's own parsers (F-OLL-2, F-CLI-1, F-CLI-2).
    Optional,
    /// The app prepends `https://` to a value without `http` — wrong for plain-HTTP Ollama.
    HttpsIfMissing,
    Unknown,
}

/// What the URL's path must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathKind {
    /// No path: the app appends `/api/...` (or `/v1/...`) itself.
    None,
    /// Must end in `/api`.
    Api,
    /// Must end in `/v1`.
    V1,
    /// Any path works (the app discards it).
    Any,
    Unknown,
}

impl PathKind {
    /// Whether a URL path fits; `None` when the expectation is unknown. A single trailing
    /// `/` is ignored here ([`TrailingSlash`] says when it matters).
    pub fn accepts(self, path: &str) -> Option<bool> {
        let path = path.strip_suffix('/').unwrap_or(path);
        match self {
            PathKind::None => Some(path.is_empty()),
            PathKind::Api => Some(path.ends_with("/api")),
            PathKind::V1 => Some(path.ends_with("/v1")),
            PathKind::Any => Some(true),
            PathKind::Unknown => None,
        }
    }
}

/// What the app puts between the configured URL and the endpoint name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Appends {
    /// `/api/tags`, `/api/chat`, … (so a URL ending in `/api` gives `/api/api/...`).
    Api,
    /// `/v1/...` (MaxKB).
    V1,
    /// Only the endpoint (`/tags`, `/chat/completions`): the URL already holds the prefix.
    Endpoints,
    Unknown,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrailingSlash {
    #[default]
    Any,
    /// The app concatenates: `http://h:11434/` gives `//api/...`.
    Avoid,
    /// The app needs it (Kotaemon's `.../v1/`).
    Required,
}

/// One way an app takes an Ollama URL. Most are environment variables ([`Location::Env`]).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlVar {
    /// The variable name, or a description of a UI field / config key.
    pub name: String,
    #[serde(default = "default_location")]
    pub location: Location,
    pub api: Api,
    pub scheme: SchemeRule,
    pub path: PathKind,
    pub appends: Appends,
    #[serde(default)]
    pub trailing_slash: TrailingSlash,
    /// Several URLs in one value, split on this.
    #[serde(default)]
    pub list_separator: Option<String>,
    /// Overrides the profile's side for this setting.
    #[serde(default)]
    pub side: Option<Side>,
    /// The value used when the variable is unset or holds a placeholder: the first rule
    /// whose conditions hold. Empty: unknown.
    #[serde(default)]
    pub defaults: Vec<DefaultRule>,
    /// Values the app replaces by its default (Open WebUI's image sets `/ollama`).
    #[serde(default)]
    pub placeholder_values: Vec<String>,
    /// The app reads the variable only when these hold (provider selection).
    #[serde(default)]
    pub active_when: Vec<Condition>,
    /// The app ignores the variable unless these hold (deprecated fallbacks).
    #[serde(default)]
    pub ignored_unless: Vec<Condition>,
    /// Variables this one replaces when it is set and non-empty.
    #[serde(default)]
    pub overrides: Vec<String>,
    /// A suffix the app removes before use (`/api` for Open WebUI's deprecated variable).
    #[serde(default)]
    pub strip_suffix: Option<String>,
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// The app rewrites loopback hosts itself, so `localhost` there is not a mistake.
    #[serde(default)]
    pub loopback_rewrite: Option<LoopbackRewrite>,
    /// For a config-file setting whose format is known: how to find the file and its URLs.
    #[serde(default)]
    pub config_reader: Option<super::config_file::ConfigReader>,
    /// Stored in the app's database after the first start; later changes to the variable are
    /// ignored unless the app is told to reset.
    #[serde(default)]
    pub persistent: bool,
    /// Read only when the app first initialises its configuration.
    #[serde(default)]
    pub first_run_only: bool,
    #[serde(default)]
    pub deprecated: bool,
    /// The expectation changed between versions of the app.
    #[serde(default)]
    pub version_dependent: bool,
    pub confidence: Confidence,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

fn default_location() -> Location {
    Location::Env
}

/// One default value and when it applies. Exactly one of `url`, `from_var`, `none`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultRule {
    #[serde(default)]
    pub when: Vec<Condition>,
    #[serde(default)]
    pub url: Option<String>,
    /// The value of another variable (a setting of the same profile, or a raw variable).
    #[serde(default)]
    pub from_var: Option<String>,
    /// No default: without a value the app has no Ollama connection.
    #[serde(default)]
    pub none: bool,
    /// When less sure than the setting itself.
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Another API/path expectation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// When non-empty and holding, this variant replaces the setting's own expectation.
    #[serde(default)]
    pub when: Vec<Condition>,
    pub api: Api,
    pub path: PathKind,
    /// Without `when`: whether current versions accept this form too (otherwise it is a
    /// form older versions used).
    #[serde(default)]
    pub also_accepted: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// The app replaces `localhost`/`127.0.0.1` in the URL by another host at run time.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoopbackRewrite {
    pub to: String,
    #[serde(default)]
    pub when: Vec<Condition>,
    /// What it uses when `to` does not resolve.
    #[serde(default)]
    pub fallback: Option<String>,
    pub confidence: Confidence,
    pub source: String,
}

/// A condition that turns the Ollama connection off.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    pub when: Vec<Condition>,
    /// The settings it turns off; empty means all of them.
    pub disables: Vec<String>,
    #[serde(default)]
    pub persistent: bool,
    pub confidence: Confidence,
    pub source: String,
}

/// An app of the research tables that no image identifies.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnmatchedApp {
    pub app: String,
    pub reason: String,
}

/// What a setting expects in a given environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    pub api: Api,
    pub path: PathKind,
    /// Other forms current versions accept too.
    pub also: Vec<(Api, PathKind)>,
}

impl Expectation {
    /// Whether a URL path fits the expected form or one of the other accepted ones; `None`
    /// when that is unknown.
    pub fn accepts_path(&self, path: &str) -> Option<bool> {
        let mut verdict = self.path.accepts(path);
        for (_, other) in &self.also {
            match (verdict, other.accepts(path)) {
                (Some(true), _) => break,
                (_, Some(true)) => verdict = Some(true),
                (None, _) | (_, None) => verdict = None,
                (Some(false), Some(false)) => {}
            }
        }
        verdict
    }
}

impl UrlVar {
    pub fn is_env(&self) -> bool {
        self.location == Location::Env
    }

    pub fn side(&self, profile: &ClientProfile) -> Side {
        self.side.unwrap_or(profile.side)
    }

    /// The API and path the app expects, after conditional variants.
    pub fn expectation(&self, env: &dyn Env) -> Expectation {
        let replaced = self
            .variants
            .iter()
            .find(|v| !v.when.is_empty() && all_hold(&v.when, env));
        let (api, path) = match replaced {
            Some(v) => (v.api, v.path),
            None => (self.api, self.path),
        };
        let also = self
            .variants
            .iter()
            .filter(|v| v.when.is_empty() && v.also_accepted)
            .map(|v| (v.api, v.path))
            .collect();
        Expectation { api, path, also }
    }

    /// The URLs in a value: the whole value, or its trimmed items for lists. Empty items are
    /// kept (`a;;b`): the research only says the app strips each entry, not that it drops
    /// empty ones, so a rule can point at them.
    pub fn items<'a>(&self, value: &'a str) -> Vec<&'a str> {
        match self.list_separator.as_deref() {
            Some(sep) if !sep.is_empty() => value.split(sep).map(str::trim).collect(),
            _ => vec![value],
        }
    }
}

/// An image recognised as an application's.
#[derive(Clone, Copy, Debug)]
pub struct ClientMatch {
    pub profile: &'static ClientProfile,
    pub image: &'static ClientImage,
}

/// Where the value of a [`Reference`] came from.
#[derive(Clone, Copy, Debug)]
pub enum ValueOrigin {
    /// Set in the service's environment (compose `environment:` or `env_file:`).
    Compose,
    /// Baked into the image.
    Image,
    /// The app's own default.
    Default(&'static DefaultRule),
    /// Unset and the default is not known.
    Unknown,
}

/// Whether the app uses a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    /// The app reads it only for another provider/mode (`active_when` fails).
    Inactive,
    /// The app ignores it in this environment (`ignored_unless` fails), e.g. Open WebUI's
    /// deprecated `OLLAMA_API_BASE_URL` in the Docker image.
    Ignored,
    /// A switch turns the connection off (Open WebUI `ENABLE_OLLAMA_API=false`).
    Disabled,
    /// Another variable takes precedence (`OLLAMA_BASE_URLS` over `OLLAMA_BASE_URL`).
    Overridden {
        by: &'static str,
    },
}

/// The URL one environment setting of an app ends up with.
#[derive(Clone, Debug)]
pub struct Reference {
    pub var: &'static UrlVar,
    /// The value the app uses; `None`: no URL (no default, or an unknown one).
    pub value: Option<String>,
    pub origin: ValueOrigin,
    pub status: Status,
    pub side: Side,
    /// Set when the app rewrites loopback hosts in this environment.
    pub loopback_rewrite: Option<&'static LoopbackRewrite>,
}

impl ClientProfile {
    /// The image entry recognising `image`, in table order.
    pub fn match_image(&'static self, image: &ImageRef) -> Option<ClientMatch> {
        self.images
            .iter()
            .find(|i| i.pattern().matches(image))
            .map(|i| ClientMatch {
                profile: self,
                image: i,
            })
    }

    /// Environment-variable settings.
    pub fn url_vars(&self) -> impl Iterator<Item = &UrlVar> {
        self.url_settings.iter().filter(|v| v.is_env())
    }

    /// A setting by name.
    pub fn url_var(&self, name: &str) -> Option<&UrlVar> {
        self.url_settings.iter().find(|v| v.name == name)
    }

    /// Settings outside the environment (UI fields, config files): a linter can only advise.
    pub fn external_settings(&self) -> impl Iterator<Item = &UrlVar> {
        self.url_settings.iter().filter(|v| !v.is_env())
    }

    /// Whether the app can take its Ollama URL from a file of its own (LiteLLM's
    /// `config.yaml`, LibreChat's `librechat.yaml`): a mounted file or a changed command line
    /// may then set the URL where the environment does not show it.
    pub fn reads_config_file(&self) -> bool {
        self.url_settings
            .iter()
            .any(|v| v.location == Location::ConfigFile)
    }

    /// Consistency problems of this profile (empty when sound).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut at = |what: String| problems.push(format!("client {}: {what}", self.id));
        if self.source.trim().is_empty() {
            at("empty source".into());
        }
        if self.images.is_empty() {
            at("no images".into());
        }
        if self.url_settings.is_empty() {
            at("no URL settings".into());
        }
        if self.images.iter().all(|i| i.makes_requests == Some(false)) {
            at("no image makes requests".into());
        }
        for (index, image) in self.images.iter().enumerate() {
            let repo = &image.repository;
            if !super::image::is_bare_repository(repo) {
                at(format!(
                    "image {repo} is not a bare lower-case repository path"
                ));
            }
            let shadowed_by_earlier =
                self.images.iter().take(index).any(|earlier| {
                    earlier.repository == image.repository && earlier.tags.is_empty()
                });
            if shadowed_by_earlier {
                at(format!(
                    "image entry {index} ({repo}) is shadowed by an earlier catch-all"
                ));
            }
        }
        let mut names = BTreeSet::new();
        for var in &self.url_settings {
            if !names.insert(var.name.as_str()) {
                at(format!("duplicate setting {}", var.name));
            }
        }
        let env_names: BTreeSet<&str> = self.url_vars().map(|v| v.name.as_str()).collect();
        for var in &self.url_settings {
            let name = &var.name;
            if var.source.trim().is_empty() {
                at(format!("{name}: empty source"));
            }
            if var.list_separator.as_deref() == Some("") {
                at(format!("{name}: empty list separator"));
            }
            let env_only_fields = !var.placeholder_values.is_empty()
                || !var.overrides.is_empty()
                || !var.ignored_unless.is_empty();
            if !var.is_env() && env_only_fields {
                at(format!(
                    "{name}: environment-only fields on a non-environment setting"
                ));
            }
            for other in &var.overrides {
                if !env_names.contains(other.as_str()) || other == name {
                    at(format!("{name}: overrides unknown variable {other}"));
                }
            }
            for rule in &var.defaults {
                let kinds = usize::from(rule.url.is_some())
                    + usize::from(rule.from_var.is_some())
                    + usize::from(rule.none);
                if kinds != 1 {
                    at(format!(
                        "{name}: a default needs exactly one of url, from_var, none"
                    ));
                }
                if let Some(url) = &rule.url
                    && !is_http_url(url)
                {
                    at(format!("{name}: default {url} is not an http(s) URL"));
                }
                if rule.from_var.as_deref() == Some(name.as_str()) {
                    at(format!("{name}: default refers to itself"));
                }
                problems_in_conditions(&rule.when, &mut at, name);
            }
            problems_in_conditions(&var.active_when, &mut at, name);
            problems_in_conditions(&var.ignored_unless, &mut at, name);
            for variant in &var.variants {
                problems_in_conditions(&variant.when, &mut at, name);
            }
            if let Some(rewrite) = &var.loopback_rewrite {
                problems_in_conditions(&rewrite.when, &mut at, name);
            }
        }
        for switch in &self.switches {
            if switch.when.is_empty() {
                at("a switch without conditions".into());
            }
            problems_in_conditions(&switch.when, &mut at, "switch");
            for target in &switch.disables {
                if !env_names.contains(target.as_str()) {
                    at(format!("switch disables unknown variable {target}"));
                }
            }
        }
        problems
    }
}

/// A default URL the references can use: `ollama.rs` reads defaults with [`TargetUrl::parse`]
/// and skips one it cannot read, so a default must parse, with an http(s) scheme and a port
/// that fits in 16 bits.
fn is_http_url(url: &str) -> bool {
    TargetUrl::parse(url).is_some_and(|u| {
        matches!(u.scheme.as_deref(), Some("http" | "https"))
            && (u.port_range.is_none() || u.port.is_some())
    })
}

fn problems_in_conditions(conditions: &[Condition], at: &mut impl FnMut(String), name: &str) {
    for c in conditions {
        if c.env.trim().is_empty() {
            at(format!("{name}: condition without a variable"));
        }
        if c.set.is_none() && c.one_of.is_empty() && c.not_in.is_empty() {
            at(format!("{name}: condition on {} tests nothing", c.env));
        }
    }
}

/// How deep `from_var` chains are followed; the tables use one step.
const MAX_FALLBACK_DEPTH: usize = 4;

impl ClientMatch {
    /// The environment the app sees: compose values over the image's `ENV`s.
    pub fn env<'a>(&'a self, compose: &'a dyn Env) -> Layered<'a> {
        Layered {
            top: compose,
            image: &self.image.env,
        }
    }

    /// Whether this part of the app calls Ollama at all (`None`: unknown).
    pub fn makes_requests(&self) -> Option<bool> {
        self.image.makes_requests
    }

    /// The environment settings the app takes a URL from in this environment, in table
    /// order: every variable written in the compose or image environment (whatever its
    /// [`Status`]; a placeholder such as Open WebUI's `/ollama` resolves to the default), and
    /// unwritten ones in use with a default URL (`OPENAI_API_BASE_URL`). Unwritten settings
    /// that only mirror or feed another one (`OLLAMA_BASE_URLS` falling back to
    /// `OLLAMA_BASE_URL`) are left out.
    pub fn references(&self, compose: &dyn Env) -> Vec<Reference> {
        let env = self.env(compose);
        let profile = self.profile;
        // (reference, written: the variable appears in the environment at all)
        let resolved: Vec<(Reference, bool)> = profile
            .url_vars()
            .map(|var| {
                let (value, origin) = self.value_of(var, &env, 0);
                let loopback_rewrite = var
                    .loopback_rewrite
                    .as_ref()
                    .filter(|r| all_hold(&r.when, &env));
                let reference = Reference {
                    var,
                    value,
                    origin,
                    status: self.status(var, &env),
                    side: var.side(profile),
                    loopback_rewrite,
                };
                (reference, env.var(&var.name).is_some())
            })
            .collect();
        let defaulted = |r: &Reference| match r.origin {
            ValueOrigin::Default(rule) => Some(rule),
            _ => None,
        };
        // A written placeholder that falls back to another variable stands for it
        // (`OLLAMA_BASE_URL=` takes `OLLAMA_API_BASE_URL`), which is then not listed again.
        let feeding: BTreeSet<&str> = resolved
            .iter()
            .filter(|(_, written)| *written)
            .filter_map(|(r, _)| defaulted(r).and_then(|d| d.from_var.as_deref()))
            .collect();
        resolved
            .iter()
            .filter(|(r, written)| {
                *written
                    || (r.status == Status::Active
                        && defaulted(r).is_some_and(|d| d.url.is_some())
                        && !feeding.contains(r.var.name.as_str()))
            })
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// The setting a variable the app does not read stands for (`OLLAMA_URL` on Open WebUI
    /// for `OLLAMA_BASE_URL`): the first environment setting for Ollama's own API that the
    /// app uses in this environment, known firmly (verified or reported), when the compose
    /// environment sets none of the app's settings. `None` when the user set one of them:
    /// then the app has its URL, and another variable may serve another program.
    pub fn stand_in_target(&self, compose: &dyn Env) -> Option<&'static UrlVar> {
        let profile = self.profile;
        if profile.url_vars().any(|v| compose.var(&v.name).is_some()) {
            return None;
        }
        let env = self.env(compose);
        profile.url_vars().find(|v| {
            v.expectation(&env).api == Api::Ollama
                && self.status(v, &env) == Status::Active
                && matches!(v.confidence, Confidence::Verified | Confidence::Reported)
        })
    }

    fn value_of(
        &self,
        var: &'static UrlVar,
        env: &Layered<'_>,
        depth: usize,
    ) -> (Option<String>, ValueOrigin) {
        if let Some(raw) = env.var(&var.name)
            && !var.placeholder_values.iter().any(|p| p == raw)
        {
            let origin = if env.top.var(&var.name).is_some() {
                ValueOrigin::Compose
            } else {
                ValueOrigin::Image
            };
            return (Some(raw.to_string()), origin);
        }
        let Some(rule) = var.defaults.iter().find(|r| all_hold(&r.when, env)) else {
            return (None, ValueOrigin::Unknown);
        };
        let value = if let Some(url) = &rule.url {
            Some(url.clone())
        } else if let Some(source) = &rule.from_var {
            match self.profile.url_var(source) {
                Some(other) if other.is_env() && depth < MAX_FALLBACK_DEPTH => {
                    let (value, _) = self.value_of(other, env, depth + 1);
                    value.map(|v| strip_suffix(other, v))
                }
                Some(_) => None,
                None => env.var(source).map(str::to_string),
            }
        } else {
            None
        };
        (value, ValueOrigin::Default(rule))
    }

    fn status(&self, var: &UrlVar, env: &Layered<'_>) -> Status {
        if !all_hold(&var.active_when, env) {
            return Status::Inactive;
        }
        if !var.ignored_unless.is_empty() && !all_hold(&var.ignored_unless, env) {
            return Status::Ignored;
        }
        let disabled = self.profile.switches.iter().any(|s| {
            (s.disables.is_empty() || s.disables.iter().any(|d| d == &var.name))
                && all_hold(&s.when, env)
        });
        if disabled {
            return Status::Disabled;
        }
        let overriding = self.profile.url_vars().find(|o| {
            o.overrides.iter().any(|n| n == &var.name)
                && env.var(&o.name).is_some_and(|v| !v.trim().is_empty())
                && all_hold(&o.active_when, env)
        });
        match overriding {
            Some(o) => Status::Overridden {
                by: o.name.as_str(),
            },
            None => Status::Active,
        }
    }
}

fn strip_suffix(var: &UrlVar, value: String) -> String {
    match var.strip_suffix.as_deref() {
        Some(suffix) => match value.strip_suffix(suffix) {
            Some(stripped) => stripped.to_string(),
            None => value,
        },
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::is_http_url;

    #[test]
    fn defaults_must_be_http_urls_with_a_host_and_a_valid_port() {
        for ok in [
            "http://localhost:11434",
            "HTTPS://api.openai.com/v1",
            "http://localhost:11434/v1/",
            "http://[::1]:11434",
            "http://user:pw@ollama:11434",
            "http://ollama",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "not a url",
            "http://",
            "http://:11434",
            "http://ollama:99999",
            "http://ollama:port",
            "http://oll ama:11434",
            "ftp://ollama:11434",
            "ollama:11434",
            "",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }
}
