//! Server kinds beyond Ollama, grouped into families a client cannot tell apart: `mysql://`
//! reaches MySQL and MariaDB alike, `redis://` Redis, Valkey and KeyDB. A family is named by
//! its wire protocol; servers that speak HTTP are each a family of their own (the scheme says
//! nothing about what answers behind `http://`).
//!
//! The Ollama-speaking profiles (Ollama, LightRAG) are left to [`crate::ollama`].

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::compose::model::{Project, Service};
use crate::knowledge::image::ImageRef;
use crate::knowledge::ollama_host::ListenAddress;
use crate::knowledge::server::{ImageKind, ListenSyntax, Protocol, ServerImage, ServerProfile};
use crate::knowledge::{self, Confidence, ServerMatch};
use crate::ollama::{OllamaServer, Servers, container_env};

/// Servers a client cannot tell apart.
#[derive(Debug)]
pub struct Family {
    /// `postgres`, `mysql`, `redis`, … (the protocol), or the profile id of an HTTP server.
    pub key: &'static str,
    /// How findings name it: "Postgres", "MySQL or MariaDB".
    pub name: String,
    pub protocol: Protocol,
    pub default_port: u16,
    pub profiles: Vec<&'static ServerProfile>,
}

impl Family {
    /// The schemes that name this family alone (`postgres`, `jdbc:postgresql`, `rediss`),
    /// with the port each reaches when a URL leaves it out. `http`/`https` name no family.
    pub fn schemes(&self) -> impl Iterator<Item = (&'static str, u16)> + '_ {
        self.profiles
            .iter()
            .filter(|p| !is_http(p.protocol))
            .flat_map(|p| {
                p.schemes
                    .iter()
                    .filter(|s| !knowledge::SHARED_SCHEMES.contains(&s.scheme.as_str()))
                    // An SRV lookup picks the hosts and ports: nothing to judge by name.
                    .filter(|s| !s.scheme.ends_with("+srv"))
                    .map(|s| (s.scheme.as_str(), s.default_port.unwrap_or(p.default_port)))
            })
    }
}

/// Whether the protocol says nothing of the server behind it (`http://`, gRPC).
pub fn is_http(protocol: Protocol) -> bool {
    matches!(protocol, Protocol::Http | Protocol::Grpc)
}

fn protocol_key(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Http => "http",
        Protocol::Grpc => "grpc",
        Protocol::Postgres => "postgres",
        Protocol::Mysql => "mysql",
        Protocol::Redis => "redis",
        Protocol::Mongodb => "mongodb",
        Protocol::Amqp => "amqp",
        Protocol::Kafka => "kafka",
        Protocol::Nats => "nats",
        Protocol::Mqtt => "mqtt",
        Protocol::Memcached => "memcached",
        Protocol::Clickhouse => "clickhouse",
    }
}

/// Every family, in the table's order.
pub fn families() -> &'static [Family] {
    static FAMILIES: OnceLock<Vec<Family>> = OnceLock::new();
    FAMILIES.get_or_init(|| {
        let mut out: Vec<Family> = Vec::new();
        for profile in knowledge::servers().filter(|p| !p.speaks_ollama()) {
            let key: &'static str = if is_http(profile.protocol) {
                &profile.id
            } else {
                protocol_key(profile.protocol)
            };
            match out.iter_mut().find(|f| f.key == key) {
                Some(family) => {
                    family.name = format!("{} or {}", family.name, profile.name);
                    family.profiles.push(profile);
                }
                None => out.push(Family {
                    key,
                    name: profile.name.clone(),
                    protocol: profile.protocol,
                    default_port: profile.default_port,
                    profiles: vec![profile],
                }),
            }
        }
        out
    })
}

/// The family of a server profile (none for the Ollama-speaking ones).
fn family_of_profile(profile: &ServerProfile) -> Option<&'static Family> {
    families()
        .iter()
        .find(|f| f.profiles.iter().any(|p| p.id == profile.id))
}

/// The family of server an image is, and its image entry. The image is read once and
/// compared only with the profiles that list an image of its name.
pub fn image_family(image: &str) -> Option<(&'static Family, ServerMatch)> {
    let parsed = ImageRef::parse(image)?;
    knowledge::servers_for_image(&parsed)
        .filter(|p| !p.speaks_ollama())
        .find_map(|p| p.matches_image_ref(&parsed))
        .and_then(|m| family_of_profile(m.server).map(|f| (f, m)))
}

/// The family named `key`.
pub fn family(key: &str) -> Option<&'static Family> {
    families().iter().find(|f| f.key == key)
}

/// The family a URL scheme names, and the port the scheme reaches by default.
pub fn family_of_scheme(scheme: &str) -> Option<(&'static Family, u16)> {
    families().iter().find_map(|f| {
        f.schemes()
            .find(|(s, _)| s.eq_ignore_ascii_case(scheme))
            .map(|(_, port)| (f, port))
    })
}

/// Whether a URL of the scheme may list several hosts, each of which the client dials
/// (`mongodb://mongo1:27017,mongo2:27017/`).
pub fn scheme_lists_hosts(scheme: &str) -> bool {
    knowledge::servers()
        .flat_map(|p| &p.schemes)
        .any(|s| s.host_list && s.scheme.eq_ignore_ascii_case(scheme))
}

/// The servers of every family some service of the project runs, one [`Servers`] each.
pub fn servers_of(project: &Project) -> Vec<Servers> {
    let mut by_family: BTreeMap<&'static str, Vec<Option<OllamaServer>>> = BTreeMap::new();
    for (i, service) in project.services.iter().enumerate() {
        let Some((family, server)) = detect(service) else {
            continue;
        };
        by_family
            .entry(family.key)
            .or_insert_with(|| vec![None; project.services.len()])[i] = Some(server);
    }
    by_family
        .into_iter()
        .filter_map(|(key, by_service)| {
            let family = family(key)?;
            let indices = (0..by_service.len())
                .filter(|&i| by_service[i].is_some())
                .collect();
            let ports = by_service
                .iter()
                .flatten()
                .flat_map(|s| std::iter::once(s.listen.port).chain(s.other_ports.iter().copied()))
                .collect();
            Some(Servers {
                kind: family.key,
                default_port: family.default_port,
                by_service,
                indices,
                ports,
            })
        })
        .collect()
}

/// The family of server a service's image runs, and where it listens. Services built from a
/// Dockerfile are not recognised: what they run is not known.
fn detect(service: &Service) -> Option<(&'static Family, OllamaServer)> {
    let (family, matched) = image_family(&service.image.as_ref()?.value)?;
    // A word of a string command may hold several (`command: redis-server --port 6380`).
    let words: Vec<&str> = service
        .command_words()
        .flat_map(str::split_whitespace)
        .collect();
    if !runs_server(service, matched.image, &words) {
        return None;
    }
    Some((family, listening(service, matched, &words)))
}

/// Whether the container's process is the server: the image's own command, flags handed to
/// it, or a command that names its program. `psql`, `redis-cli` or `mongosh` in a server's
/// image is a client.
fn runs_server(service: &Service, image: &ServerImage, words: &[&str]) -> bool {
    if !image.server_args.is_empty() {
        return service.entrypoint.is_none()
            && words
                .first()
                .is_some_and(|w| image.server_args.iter().any(|a| a == w));
    }
    let program = image
        .command
        .first()
        .or(image.entrypoint.first())
        .map(|p| basename(p));
    if words.is_empty() {
        return true;
    }
    let Some(program) = program else {
        // The image's program is not known: a new entrypoint may run anything; a command
        // alone is most likely arguments to it.
        return service.entrypoint.is_none();
    };
    if service.entrypoint.is_none() && words[0].starts_with('-') {
        return true;
    }
    words
        .iter()
        .flat_map(|w| w.split(|c: char| c.is_whitespace() || ";&|()'\"`".contains(c)))
        .any(|token| basename(token) == program)
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Where the server listens. The profile's default, moved by the settings of the table that
/// the environment (the image's, then the service's) and the command give. Anything else
/// that may move it (a mounted configuration file, a variable or flag the table does not
/// know) leaves the port unknown. The bind address is taken as every interface unless a
/// setting says loopback: a server's image is made to be reached from outside it.
fn listening(service: &Service, matched: ServerMatch, words: &[&str]) -> OllamaServer {
    let profile = matched.server;
    let (default_host, default_port) = split_host_port(&profile.listen.binary_default);
    let mut host: Option<String> = None;
    let mut port = default_port;
    let mut port_known = port.is_some();
    let mut env = matched.image.env.clone();
    env.extend(container_env(service));
    let mut known_env: Vec<&str> = Vec::new();
    let mut known_words: Vec<usize> = Vec::new();
    // Variables first, then flags: a program's command line overrides its environment
    // (llama.cpp's `--host` over the image's `LLAMA_ARG_HOST=0.0.0.0`).
    let in_order = profile
        .listen
        .settings
        .iter()
        .filter(|s| s.env.is_some())
        .chain(profile.listen.settings.iter().filter(|s| s.env.is_none()));
    for setting in in_order {
        // A console's address (MinIO's `--console-address`) moves the second port, which is
        // listed on its own.
        let moves_console = [&setting.env, &setting.flag]
            .into_iter()
            .flatten()
            .any(|name| name.to_ascii_lowercase().contains("console"));
        let value = if let Some(var) = &setting.env {
            known_env.push(var);
            // What an image's own environment sets is only as sure as the entry that says
            // so: an unread Dockerfile's `PORT=80` (TGI's) decides nothing.
            let from_image = !service.environment.iter().any(|v| v.key == *var)
                && matched.image.env.contains_key(var);
            if from_image && matched.listen_confidence() == Confidence::Unverified {
                port_known = false;
                continue;
            }
            env.get(var).cloned()
        } else if let Some(flag) = &setting.flag {
            flag_value(words, flag, &mut known_words)
        } else {
            None
        };
        let Some(value) = value else { continue };
        if moves_console {
            continue;
        }
        let (h, p) = match setting.syntax {
            ListenSyntax::Port => (None, Some(value.trim().parse::<u16>().ok())),
            ListenSyntax::Host | ListenSyntax::HostList => (Some(value), None),
            ListenSyntax::HostPort | ListenSyntax::OllamaHost => {
                let (h, p) = split_host_port(&value);
                (Some(h), Some(p))
            }
        };
        if let Some(h) = h {
            host = Some(h);
        }
        match p {
            Some(Some(p)) => port = Some(p),
            Some(None) => port_known = false,
            None => {}
        }
    }
    let unknown_var = env.keys().any(|k| {
        let k = k.to_ascii_uppercase();
        (k.contains("PORT") || k.contains("LISTEN") || k.contains("ADDR"))
            && !known_env.iter().any(|v| v.eq_ignore_ascii_case(&k))
    });
    let unknown_word = words.iter().enumerate().any(|(i, w)| {
        let w = w.to_ascii_lowercase();
        !known_words.contains(&i)
            && (w.contains("port") || w.contains("listen") || w.contains("conf"))
    });
    let config_mounted = service.volumes.iter().any(|m| {
        let t = m.target.to_ascii_lowercase();
        t.contains("conf") || t.contains(".cnf") || t.ends_with(".yaml") || t.ends_with(".yml")
    }) || !service.mounted_configs.is_empty();
    if unknown_var || unknown_word || config_mounted {
        port_known = false;
    }
    let explicit_loopback = match host.as_deref() {
        Some(host) => all_loopback(host),
        None => matched.image.binary_default_holds && all_loopback(&default_host),
    };
    let scope_known = explicit_loopback;
    let host = host.unwrap_or(default_host);
    let port = port.unwrap_or(profile.default_port);
    let other_ports = profile.other_ports.iter().map(|p| p.port).collect();
    // Another party's build may turn TLS on its own way (bitnami's `REDIS_TLS_ENABLED`).
    let plaintext = profile.tls == Some(false)
        && matched.image.kind == ImageKind::Official
        && port_known
        && !turns_tls_on(profile, &env, words, config_mounted);
    OllamaServer {
        server: matched,
        listen: ListenAddress {
            scheme: String::new(),
            host: if explicit_loopback {
                "127.0.0.1".into()
            } else if all_loopback(&host) {
                // A loopback default the image does not override is not known to hold
                // (the Postgres image rewrites its sample config to listen everywhere).
                String::new()
            } else {
                host
            },
            port,
            port_text: port.to_string(),
            path: String::new(),
            port_invalid: false,
        },
        models_dir: None,
        built: false,
        other_ports,
        port_known,
        scope_known,
        plaintext,
    }
}

/// Whether the service gives a setting that may turn TLS on: a variable of the table set to
/// anything but `false`, a flag of the table on the command line, or a mounted
/// configuration file where the table names a key of one (its contents are not read).
fn turns_tls_on(
    profile: &ServerProfile,
    env: &BTreeMap<String, String>,
    words: &[&str],
    config_mounted: bool,
) -> bool {
    let on = &profile.tls_on;
    let by_env = on.env.iter().any(|var| {
        env.get(var)
            .is_some_and(|v| !v.trim().eq_ignore_ascii_case("false"))
    });
    let by_flag = on.flags.iter().any(|flag| {
        words.iter().any(|w| {
            w == flag
                || w.strip_prefix(flag.as_str())
                    .is_some_and(|rest| rest.starts_with('='))
        })
    });
    by_env || by_flag || (config_mounted && !on.config.is_empty())
}

/// The value of `flag` in the words (`--port 5433`, `--port=5433`, `-c listen_addresses=*`
/// for the flag `-c listen_addresses`), marking the words it used as read.
fn flag_value(words: &[&str], flag: &str, read: &mut Vec<usize>) -> Option<String> {
    let (flag, key) = match flag.split_once(' ') {
        Some((f, k)) => (f, Some(k)),
        None => (flag, None),
    };
    for (i, word) in words.iter().enumerate() {
        let value = if *word == flag {
            read.push(i);
            read.push(i + 1);
            words.get(i + 1).map(|v| v.to_string())
        } else if let Some(v) = word
            .strip_prefix(flag)
            .and_then(|rest| rest.strip_prefix('='))
        {
            read.push(i);
            Some(v.to_string())
        } else {
            None
        };
        let Some(value) = value else { continue };
        match key {
            None => return Some(value),
            Some(key) => {
                if let Some(v) = value
                    .strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix('='))
                {
                    return Some(v.trim_matches(['\'', '"']).to_string());
                }
            }
        }
    }
    None
}

/// `host:port`, `[v6]:port`, `:port` or a bare host.
fn split_host_port(value: &str) -> (String, Option<u16>) {
    let value = value.trim().trim_matches(['\'', '"']);
    let value = value.split("://").last().unwrap_or(value);
    if let Some(rest) = value.strip_prefix('[')
        && let Some((host, after)) = rest.split_once(']')
    {
        return (
            host.to_string(),
            after.strip_prefix(':').and_then(|p| p.parse().ok()),
        );
    }
    match value.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host.to_string(), port.parse().ok()),
        _ => (value.to_string(), None),
    }
}

/// Whether every address of a listen setting is loopback (`127.0.0.1`, `localhost`, `::1`,
/// also as a list: `127.0.0.1 ::1`, `localhost,127.0.0.1`, and Kafka's named listeners
/// `PLAINTEXT://localhost:9092,CONTROLLER://127.0.0.1:9093`).
fn all_loopback(value: &str) -> bool {
    let mut any = false;
    for item in value
        .split([',', ' '])
        .map(|a| a.trim().trim_matches(['\'', '"']))
        .filter(|a| !a.is_empty())
    {
        // A listener's name and port say nothing of where it binds.
        let address = match item.split_once("://") {
            Some((_, rest)) => split_host_port(rest).0,
            None => item.to_string(),
        };
        let address = address.trim_matches(['[', ']']);
        any = true;
        let loopback = address.eq_ignore_ascii_case("localhost")
            || address == "::1"
            || address.starts_with("127.");
        if !loopback {
            return false;
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_group_servers_by_what_a_client_can_tell_apart() {
        let mysql = family("mysql").unwrap();
        assert_eq!(mysql.name, "MySQL or MariaDB");
        assert_eq!(family_of_scheme("mariadb").unwrap().0.key, "mysql");
        let (postgres, port) = family_of_scheme("jdbc:postgresql").unwrap();
        assert_eq!((postgres.key, port), ("postgres", 5432));
        assert_eq!(family_of_scheme("rediss").unwrap().1, 6379);
        assert!(family_of_scheme("http").is_none());
        assert!(family_of_scheme("mongodb+srv").is_none());
        assert!(family("ollama").is_none());
        assert!(family("qdrant").is_some());
    }

    #[test]
    fn a_tls_setting_given_leaves_tls_unknown() {
        let redis = family("redis").unwrap().profiles[0];
        let none = BTreeMap::new();
        assert!(!turns_tls_on(
            redis,
            &none,
            &["redis-server", "--appendonly", "yes"],
            false
        ));
        assert!(turns_tls_on(
            redis,
            &none,
            &["redis-server", "--tls-port=6380"],
            false
        ));
        assert!(turns_tls_on(redis, &none, &["redis-server"], true));
        let qdrant = family("qdrant").unwrap().profiles[0];
        let env =
            |v: &str| BTreeMap::from([("QDRANT__SERVICE__ENABLE_TLS".to_string(), v.to_string())]);
        assert!(turns_tls_on(qdrant, &env("true"), &[], false));
        assert!(!turns_tls_on(qdrant, &env(" false"), &[], false));
    }

    #[test]
    fn flags_move_the_listener_and_unknown_ones_hide_the_port() {
        let mut read = Vec::new();
        let words = ["redis-server", "--port", "6380"];
        assert_eq!(
            flag_value(&words, "--port", &mut read).as_deref(),
            Some("6380")
        );
        let words = ["postgres", "-c", "listen_addresses=127.0.0.1"];
        assert_eq!(
            flag_value(&words, "-c listen_addresses", &mut read).as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            split_host_port("0.0.0.0:7700"),
            ("0.0.0.0".into(), Some(7700))
        );
        assert_eq!(split_host_port(":9000"), ("".into(), Some(9000)));
        assert!(all_loopback("127.0.0.1 ::1"));
        assert!(all_loopback("PLAINTEXT://localhost:9092"));
        assert!(all_loopback(
            "PLAINTEXT://127.0.0.1:9092,CONTROLLER://[::1]:9093"
        ));
        assert!(!all_loopback(
            "PLAINTEXT://localhost:9092,EXTERNAL://0.0.0.0:29092"
        ));
        assert!(!all_loopback("PLAINTEXT://:9092"));
        assert!(!all_loopback("*"));
        assert!(!all_loopback(""));
    }
}
