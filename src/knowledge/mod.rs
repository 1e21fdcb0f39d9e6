//! What composelint knows about the servers and clients at either end of a reference, as data.
//!
//! The network engine knows Docker only; everything it needs to know about Ollama comes from
//! here, and everything here comes from compiled-in tables (`data/*.yaml`, turned into JSON by
//! `build.rs` and read on first use):
//!
//! - [`servers`]: one profile per kind of server ([`ServerProfile`]: Ollama, Postgres, Redis,
//!   vLLM, …): images, ports, URL schemes, where it listens and what moves that
//!   ([`parse_ollama_host`] for Ollama). [`ollama()`] is the Ollama profile, the only one the
//!   rules read; [`server_for_image`] finds a server that answers Ollama's API behind an image,
//!   bundles included, and [`server_kind_for_image`] a server of any kind.
//! - [`clients`]: applications that call Ollama ([`ClientProfile`]), found by image with
//!   [`client_for_image`] / [`client_match`], with the settings that carry the URL and what
//!   each expects (scheme, path, list separator, default, browser or server side).
//! - [`extensions`]: in-house server images and client variables the user's configuration
//!   adds ([`Extensions`]).
//! - [`generic`]: variable-name patterns for services no profile knows, [`proxy`]: proxy
//!   variables and `NO_PROXY` matching, [`dockerfile`]: the final base image of a Dockerfile.
//!
//! Every profile carries a `source` (for rule documentation) and a [`Confidence`]; facts the
//! research marked as inferred or unverified are marked so here too.

pub mod client;
mod compiled;
pub mod config_file;
pub mod dockerfile;
pub mod extensions;
pub mod generic;
pub mod image;
pub mod installed_ollama;
pub mod nginx;
pub mod ollama_host;
pub mod proxy;
pub mod server;
pub mod target_url;

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::yaml;

pub use client::{ClientImage, ClientMatch, ClientProfile, Reference, UrlVar};
pub use dockerfile::dockerfile_final_base;
pub use extensions::Extensions;
pub use generic::{GenericVar, VarKind};
pub use image::ImageRef;
pub use ollama_host::{ListenAddress, parse_ollama_host};
pub use server::{ServerImage, ServerMatch, ServerProfile};
pub use target_url::TargetUrl;

/// How well a piece of knowledge is established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Read in the project's code or official documentation.
    Verified,
    /// Seen in issue threads or maintainer answers, or in real projects.
    Reported,
    /// Reasoned from other facts, not confirmed.
    Inference,
    /// Stated by a secondary source and not checked.
    Unverified,
}

/// Who makes a request: the container's own process or the user's browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The container makes the request: container DNS and namespaces apply.
    Server,
    /// The user's browser makes it: only host-reachable URLs work, CORS applies (F-OLL-6).
    Browser,
    /// Either, depending on a mode of the app (LobeChat's client request mode).
    Both,
}

/// A container's environment as the knowledge layer sees it; `None` means unset, `Some("")`
/// set to the empty string (an empty value replaces an image default).
pub trait Env {
    fn var(&self, name: &str) -> Option<&str>;
}

impl<S: BuildHasher> Env for HashMap<String, String, S> {
    fn var(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Env for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Env for [(&str, &str)] {
    fn var(&self, name: &str) -> Option<&str> {
        self.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

impl<const N: usize> Env for [(&str, &str); N] {
    fn var(&self, name: &str) -> Option<&str> {
        self.as_slice().var(name)
    }
}

impl Env for [(String, String)] {
    fn var(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Env for Vec<(String, String)> {
    fn var(&self, name: &str) -> Option<&str> {
        self.as_slice().var(name)
    }
}

/// The compose environment over the environment baked into an image.
pub struct Layered<'a> {
    pub top: &'a dyn Env,
    pub image: &'a BTreeMap<String, String>,
}

impl Env for Layered<'_> {
    fn var(&self, name: &str) -> Option<&str> {
        self.top.var(name).or_else(|| self.image.var(name))
    }
}

/// A test on one variable. Every clause given must hold.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub env: String,
    /// `true`: set and non-empty; `false`: unset or empty.
    #[serde(default)]
    pub set: Option<bool>,
    /// The value is one of these.
    #[serde(default, rename = "in")]
    pub one_of: Vec<String>,
    /// The value is set and none of these.
    #[serde(default)]
    pub not_in: Vec<String>,
    /// The value the application assumes when the variable is unset.
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub ignore_case: bool,
}

impl Condition {
    pub fn holds(&self, env: &dyn Env) -> bool {
        let value = env.var(&self.env).or(self.default.as_deref());
        let eq = |a: &str, b: &str| {
            if self.ignore_case {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        if let Some(want_set) = self.set {
            let is_set = value.is_some_and(|v| !v.is_empty());
            if is_set != want_set {
                return false;
            }
        }
        if !self.one_of.is_empty() && !value.is_some_and(|v| self.one_of.iter().any(|o| eq(v, o))) {
            return false;
        }
        if !self.not_in.is_empty() && value.is_none_or(|v| self.not_in.iter().any(|o| eq(v, o))) {
            return false;
        }
        true
    }
}

/// Every condition holds (an empty list always does).
pub fn all_hold(conditions: &[Condition], env: &dyn Env) -> bool {
    conditions.iter().all(|c| c.holds(env))
}

/// All compiled-in tables.
#[derive(Debug)]
pub struct Knowledge {
    pub servers: Vec<ServerProfile>,
    pub clients: Vec<ClientProfile>,
    /// Apps the research lists that no image identifies (documentation only).
    pub unmatched: Vec<client::UnmatchedApp>,
    pub generic: generic::Patterns,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServersFile {
    servers: Vec<ServerProfile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    clients: Vec<ClientProfile>,
    #[serde(default)]
    unmatched: Vec<client::UnmatchedApp>,
}

impl Knowledge {
    /// Reads and checks the compiled-in tables. Errors name the file and the problem.
    pub fn load() -> Result<Knowledge, String> {
        let knowledge = Knowledge::compiled()?;
        let problems = knowledge.problems();
        if problems.is_empty() {
            Ok(knowledge)
        } else {
            Err(problems.join("\n"))
        }
    }

    /// The compiled-in tables, unchecked: `tests/knowledge.rs` checks them once, at test time,
    /// rather than every run. Each profile is a copy of the one the lookups
    /// ([`client_match`], [`server`], …) return.
    fn compiled() -> Result<Knowledge, String> {
        let unmatched = serde_json::from_str(compiled::unmatched_json())
            .map_err(|e| format!("clients.yaml: unmatched: {e}"))?;
        Ok(Knowledge {
            servers: compiled::servers().cloned().collect(),
            clients: compiled::clients().cloned().collect(),
            unmatched,
            generic: compiled::generic().clone(),
        })
    }

    /// The tables read from the text of their YAML sources with the program's own YAML reader,
    /// unchecked: what the compiled-in tables must equal.
    pub fn from_yaml(servers: &str, clients: &str, generic: &str) -> Result<Knowledge, String> {
        let servers: ServersFile =
            yaml::de::from_str(servers).map_err(|e| format!("servers.yaml:{e}"))?;
        let clients: ClientsFile =
            yaml::de::from_str(clients).map_err(|e| format!("clients.yaml:{e}"))?;
        let generic: generic::Patterns =
            yaml::de::from_str(generic).map_err(|e| format!("generic.yaml:{e}"))?;
        Ok(Knowledge {
            servers: servers.servers,
            clients: clients.clients,
            unmatched: clients.unmatched,
            generic,
        })
    }

    /// Consistency problems in the tables (empty when they are sound).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.servers.iter().any(|s| s.id == OLLAMA_ID) {
            problems.push(format!("no server profile with id {OLLAMA_ID}"));
        }
        let mut ids = std::collections::BTreeSet::new();
        for server in &self.servers {
            if !ids.insert(format!("server:{}", server.id)) {
                problems.push(format!("duplicate server id {}", server.id));
            }
            problems.extend(server.problems(&self.clients));
        }
        problems.extend(shared_scheme_problems(&self.servers));
        problems.extend(tls_scheme_problems(&self.servers));
        for client in &self.clients {
            if !ids.insert(format!("client:{}", client.id)) {
                problems.push(format!("duplicate client id {}", client.id));
            }
            problems.extend(client.problems());
        }
        problems.extend(self.generic.problems());
        problems
    }
}

const OLLAMA_ID: &str = "ollama";

/// Schemes several kinds speak: `http://db:6333` says nothing about which server is there.
/// Every other scheme names one kind.
pub const SHARED_SCHEMES: [&str; 2] = ["http", "https"];

/// The scheme of the same protocol without TLS, for a scheme that means TLS (`https`:
/// `http`, `rediss`: `redis`); None for any other.
pub fn plain_scheme(scheme: &str) -> Option<&'static str> {
    if scheme.eq_ignore_ascii_case("https") {
        return Some("http");
    }
    servers()
        .flat_map(|p| &p.schemes)
        .find(|s| s.tls && s.scheme.eq_ignore_ascii_case(scheme))
        .and_then(|s| s.plain.as_deref())
}

/// A TLS scheme without its plain counterpart among its server's schemes, or a plain
/// counterpart given to a scheme that is not TLS.
fn tls_scheme_problems(servers: &[ServerProfile]) -> Vec<String> {
    let mut problems = Vec::new();
    for server in servers {
        for scheme in &server.schemes {
            let plain_listed =
                |plain: &str| server.schemes.iter().any(|s| !s.tls && s.scheme == plain);
            match (&scheme.plain, scheme.tls) {
                (Some(plain), true) if plain_listed(plain) => {}
                (None, false) => {}
                _ => problems.push(format!(
                    "scheme {} of server {}: a TLS scheme names its plain scheme, listed beside it, and no other does",
                    scheme.scheme, server.id
                )),
            }
        }
    }
    problems
}

/// A scheme listed by two kinds (unless shared), or listed with two default ports.
fn shared_scheme_problems(servers: &[ServerProfile]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: std::collections::BTreeMap<&str, (&str, u16)> = Default::default();
    for server in servers {
        for scheme in &server.schemes {
            let port = scheme.default_port.unwrap_or(server.default_port);
            match seen.get(scheme.scheme.as_str()) {
                None => {
                    seen.insert(&scheme.scheme, (&server.id, port));
                }
                Some((first, _)) if !SHARED_SCHEMES.contains(&scheme.scheme.as_str()) => {
                    problems.push(format!(
                        "scheme {} is listed by servers {first} and {}",
                        scheme.scheme, server.id
                    ));
                }
                Some((first, first_port)) if *first_port != port => {
                    problems.push(format!(
                        "scheme {} means port {first_port} for server {first} but {port} for {}",
                        scheme.scheme, server.id
                    ));
                }
                Some(_) => {}
            }
        }
    }
    problems
}

/// All compiled-in tables at once (for tests and documentation; a run looks profiles up
/// with the functions below, which read only the profiles they meet). Its profiles are copies:
/// compare them with looked-up ones by id.
pub fn knowledge() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    // The tables are part of the program, not input; `tests/knowledge.rs` proves they load
    // and are consistent.
    KNOWLEDGE.get_or_init(|| match Knowledge::compiled() {
        Ok(k) => k,
        Err(e) => panic!("compiled-in knowledge tables are invalid: {e}"),
    })
}

/// Every server profile, in table order (each read on first use, once for the run).
pub fn servers() -> impl Iterator<Item = &'static ServerProfile> {
    compiled::servers()
}

/// The server profiles an image may belong to (those that list an image with its last
/// name), in table order: the few an image lookup needs to try.
pub fn servers_for_image(image: &ImageRef) -> impl Iterator<Item = &'static ServerProfile> {
    compiled::servers_for(image)
}

/// The name patterns for variables of services no client profile knows.
pub fn generic_patterns() -> &'static generic::Patterns {
    compiled::generic()
}

/// The Ollama server profile.
pub fn ollama() -> &'static ServerProfile {
    match compiled::server(OLLAMA_ID) {
        Some(server) => server,
        // `Knowledge::load` refuses tables without it.
        None => panic!("compiled-in knowledge has no {OLLAMA_ID} server profile"),
    }
}

/// The server an image runs, official or bundled, among the servers that answer Ollama's API
/// (Ollama, LightRAG): other kinds are never taken for an Ollama.
pub fn server_for_image(image: &str) -> Option<ServerMatch> {
    compiled::servers_for(&ImageRef::parse(image)?)
        .filter(|s| s.speaks_ollama())
        .find_map(|s| s.matches_image(image))
}

/// The server an image runs, of any kind (Postgres, Redis, vLLM, Ollama, …).
pub fn server_kind_for_image(image: &str) -> Option<ServerMatch> {
    compiled::servers_for(&ImageRef::parse(image)?).find_map(|s| s.matches_image(image))
}

/// The client profile of an image.
pub fn client_for_image(image: &str) -> Option<&'static ClientProfile> {
    client_match(image).map(|m| m.profile)
}

/// The client profile of an image together with the image entry that matched (its baked-in
/// environment differs between tags, e.g. Open WebUI `:ollama`).
pub fn client_match(image: &str) -> Option<ClientMatch> {
    let image = ImageRef::parse(image)?;
    compiled::clients_for(&image).find_map(|profile| profile.match_image(&image))
}

/// A client profile by id (`open-webui`, `anythingllm`, …).
pub fn client(id: &str) -> Option<&'static ClientProfile> {
    compiled::client(id)
}

/// A server profile by id (`ollama`, `lightrag`, `postgres`, …).
pub fn server(id: &str) -> Option<&'static ServerProfile> {
    compiled::server(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(id: &str, port: u16, schemes: &str) -> ServerProfile {
        yaml::de::from_str(&format!(
            "{{id: {id}, name: {id}, source: s, confidence: verified, protocol: http, \
             default_port: {port}, schemes: {schemes}, listen: {{binary_default: ':{port}'}}, \
             images: []}}"
        ))
        .unwrap()
    }

    #[test]
    fn a_scheme_belongs_to_one_kind_unless_shared() {
        let a = server("a", 1, "[{scheme: http, default_port: 80}, {scheme: a}]");
        let b = server("b", 2, "[{scheme: http, default_port: 80}, {scheme: a}]");
        let c = server("c", 3, "[{scheme: http}]");
        assert_eq!(
            shared_scheme_problems(&[a.clone(), b]),
            ["scheme a is listed by servers a and b"]
        );
        assert_eq!(
            shared_scheme_problems(&[a.clone(), c]),
            ["scheme http means port 80 for server a but 3 for c"]
        );
        assert!(shared_scheme_problems(&[a]).is_empty());
    }

    #[test]
    fn a_tls_scheme_names_its_plain_scheme_beside_it() {
        let good = server("r", 1, "[{scheme: r}, {scheme: rs, tls: true, plain: r}]");
        assert!(tls_scheme_problems(&[good]).is_empty());
        let unlisted = server("r", 1, "[{scheme: rs, tls: true, plain: r}]");
        let missing = server("r", 1, "[{scheme: r}, {scheme: rs, tls: true}]");
        let stray = server("r", 1, "[{scheme: r, plain: q}]");
        for broken in [unlisted, missing, stray] {
            assert_eq!(tls_scheme_problems(&[broken]).len(), 1);
        }
        assert_eq!(plain_scheme("HTTPS"), Some("http"));
        assert_eq!(plain_scheme("rediss"), Some("redis"));
        assert_eq!(plain_scheme("amqps"), Some("amqp"));
        assert_eq!(plain_scheme("redis"), None);
    }

    fn cond(yaml: &str) -> Condition {
        yaml::de::from_str(yaml).unwrap()
    }

    #[test]
    fn conditions() {
        let set = cond("{env: K8S_FLAG, set: true}");
        assert!(!set.holds(&[("K8S_FLAG", "")]));
        assert!(set.holds(&[("K8S_FLAG", "1")]));
        assert!(!set.holds(&[("OTHER", "1")]));

        let unset = cond("{env: X, set: false}");
        assert!(unset.holds(&[("X", "")]));
        assert!(unset.holds(&[("Y", "1")]));

        let one_of = cond("{env: B, in: [ollama], default: ollama}");
        assert!(one_of.holds(&[("Z", "")]));
        assert!(one_of.holds(&[("B", "ollama")]));
        assert!(!one_of.holds(&[("B", "openai")]));
        assert!(!one_of.holds(&[("B", "")]));

        let not_in = cond("{env: E, not_in: [\"true\"], ignore_case: true}");
        assert!(!not_in.holds(&[("E", "True")]));
        assert!(not_in.holds(&[("E", "false")]));
        assert!(not_in.holds(&[("E", "")]));
        assert!(!not_in.holds(&[("Z", "x")]));
    }

    #[test]
    fn layered_env_prefers_compose_values() {
        let image: BTreeMap<String, String> = [("A".to_string(), "image".to_string())].into();
        let top = [("A", ""), ("B", "top")];
        let env = Layered {
            top: &top,
            image: &image,
        };
        assert_eq!(env.var("A"), Some(""));
        assert_eq!(env.var("B"), Some("top"));
        assert_eq!(env.var("C"), None);
        let top: [(&str, &str); 0] = [];
        let env = Layered {
            top: &top,
            image: &image,
        };
        assert_eq!(env.var("A"), Some("image"));
    }
}
