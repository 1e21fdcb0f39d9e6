//! References to servers of the other families ([`super::kinds`]): the values a container
//! connects with. Only values that say which family they mean are taken:
//! - a URL whose scheme names the family (`postgres://`, `redis://`, `jdbc:mysql://`);
//! - an `http(s)://` URL naming a service that runs an HTTP server of the family, or under a
//!   variable whose name names it (`QDRANT_URL`);
//! - a host variable with its port variable (`REDIS_HOST` + `REDIS_PORT`, `PGHOST` +
//!   `PGPORT`, `DB_HOST` + `DB_PORT=5432`);
//! - each server of a list a variable names (`KAFKA_BOOTSTRAP_SERVERS=kafka:9092,kafka2:9092`,
//!   `ELASTICSEARCH_HOSTS='["http://es01:9200","http://es02:9200"]'`), or that a known app
//!   splits (Jaeger's `ES_SERVER_URLS`);
//! - each host of a URL that lists several (`mongodb://mongo1:27017,mongo2:27017/app`).
//!
//! Left alone, because they say nothing about a connection this container makes: the
//! family's own servers (their settings describe themselves), values the browser uses
//! (`NEXT_PUBLIC_*`, `*_PUBLIC_*`, redirect and callback URLs), advertised addresses
//! (Kafka's `ADVERTISED_LISTENERS` are handed to clients, not dialled), a kind the service
//! switches off (`KAFKA_ENABLED=false`), and a host variable an env file hands over for a
//! kind the project does not run.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::kinds::{
    Family, families, family, family_of_scheme, image_family, is_http, scheme_lists_hosts,
};
use crate::compose::model::{EnvSource, EnvVar, Project, Service};
use crate::knowledge::client::LoopbackRewrite;
use crate::knowledge::{Side, TargetUrl, generic};
use crate::ollama::{Evidence, Reference, Servers, Written, env_file_loaders};
use crate::text::{Origin, Text};

/// Words of a variable name that name a family (`REDIS_HOST`, `DB_POSTGRESDB_HOST`). Short
/// words must match a whole word of the name; longer ones may begin one (`MONGODB`).
const NAME_WORDS: &[(&str, &[&str])] = &[
    ("postgres", &["POSTGRES", "POSTGRESQL", "PG", "PSQL"]),
    ("mysql", &["MYSQL", "MARIADB"]),
    ("redis", &["REDIS", "VALKEY", "KEYDB"]),
    ("mongodb", &["MONGO"]),
    ("amqp", &["RABBITMQ", "RABBIT", "AMQP"]),
    ("kafka", &["KAFKA"]),
    ("nats", &["NATS"]),
    ("mqtt", &["MQTT", "MOSQUITTO"]),
    ("memcached", &["MEMCACHED", "MEMCACHE"]),
    // Not `ELASTIC` alone: `ELASTIC_APM_SERVER_URL` is Elastic's APM server.
    ("elasticsearch", &["ELASTICSEARCH", "ES"]),
    ("opensearch", &["OPENSEARCH"]),
    ("meilisearch", &["MEILI", "MEILISEARCH"]),
    ("typesense", &["TYPESENSE"]),
    ("qdrant", &["QDRANT"]),
    ("chroma", &["CHROMA", "CHROMADB"]),
    ("weaviate", &["WEAVIATE"]),
    ("milvus", &["MILVUS"]),
    ("searxng", &["SEARXNG", "SEARX"]),
    ("minio", &["MINIO"]),
    ("clickhouse", &["CLICKHOUSE"]),
    ("vllm", &["VLLM"]),
    ("localai", &["LOCALAI"]),
    ("litellm", &["LITELLM"]),
    ("tgi", &["TGI"]),
    // `LM_STUDIO_URL` too: two words of a name are also read as one.
    ("lmstudio", &["LMSTUDIO"]),
];

/// Words of a variable name that mark a value other programs use, not this container: JMX's
/// host name (`KAFKA_JMX_HOSTNAME`, the `java.rmi.server.hostname` Confluent's images hand
/// to JMX clients, facts F-KIND-KAFKA) names the container itself for its own monitoring.
const NOT_DIALLED: &[&str] = &[
    "JMX",
    "PUBLIC",
    "EXTERNAL",
    "BROWSER",
    "REDIRECT",
    "CALLBACK",
    "ADVERTISED",
    "ORIGIN",
    "ORIGINS",
    "CORS",
];

/// Whether the variable is the name a site is served under, written as a URL: a host-name
/// variable holds a host, and a scheme in it is a site address, such as searxng-docker's
/// `SEARXNG_HOSTNAME=http://localhost`, which its Caddyfile takes as `{$SEARXNG_HOSTNAME}`
/// (facts F-APP-SITE-NAME). Caddy serves that name; it does not connect to it.
fn is_site_name(key: &str, value: &str) -> bool {
    let key = key.to_ascii_uppercase();
    (key.ends_with("HOSTNAME") || key.ends_with("HOST_NAME")) && value.contains("://")
}

/// Whether a variable can be a reference at all, asked before anything costs: a URL, a host
/// variable, or a list of servers. A large project has many variables and few of these.
fn may_refer(key: &str, value: &str) -> bool {
    let has = |haystack: &str, needle: &str| {
        haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    let ends = |suffix: &str| {
        key.len() >= suffix.len()
            && key.as_bytes()[key.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    value.contains("://")
        || ends("HOST")
        || ends("HOSTNAME")
        || LIST_WORDS.iter().any(|w| has(key, w))
}

/// The family a variable name names.
fn family_in_name(words: &[&str]) -> Option<&'static Family> {
    let joined: Vec<String> = words.windows(2).map(|w| w.concat()).collect();
    let words: Vec<&str> = words
        .iter()
        .copied()
        .chain(joined.iter().map(String::as_str))
        .collect();
    NAME_WORDS.iter().find_map(|(key, names)| {
        let named = words.iter().any(|w| {
            names
                .iter()
                .any(|n| *w == *n || (n.len() >= 5 && w.starts_with(n)))
        });
        if named { family(key) } else { None }
    })
}

fn name_words(name: &str) -> Vec<String> {
    name.to_ascii_uppercase()
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every reference to a server of a family other than Ollama. `kinds`: the project's servers
/// per family; `claimed`: the (service, variable) pairs already judged as Ollama references.
pub fn references(
    project: &Project,
    kinds: &[Servers],
    claimed: &HashSet<(usize, String)>,
) -> Vec<Reference> {
    let loaders = env_file_loaders(project);
    // The names of the services that run a server of a family: `http://qdrant:6333` or
    // `DB_HOST=db` says which family only through the name.
    let mut server_names: HashMap<String, &'static str> = HashMap::new();
    // Every kind but Ollama's is a family (asking `family` of Ollama's would read every
    // profile, which a project of Ollama and its clients never needs).
    for servers in kinds.iter().filter(|s| !crate::reach::is_ollama(s.kind)) {
        for &i in &servers.indices {
            for name in names_of(&project.services[i]) {
                server_names.insert(name, servers.kind);
            }
        }
    }
    let http_names: HashMap<String, &'static str> = server_names
        .iter()
        .filter(|(_, kind)| family(kind).is_some_and(|f| is_http(f.protocol)))
        .map(|(name, kind)| (name.clone(), *kind))
        .collect();
    let mut out = Vec::new();
    for (i, service) in project.services.iter().enumerate() {
        // The family whose image this is: its settings describe the server itself, even
        // where this container runs a client of it (`psql` in the Postgres image).
        let own: Option<&str> = service
            .image
            .as_ref()
            .and_then(|image| image_family(&image.value))
            .map(|(f, _)| f.key);
        let first = out.len();
        let rewrite = app_loopback_rewrite(service);
        for var in &service.environment {
            let Some(text) = var.value.as_ref().filter(|t| !t.value.trim().is_empty()) else {
                continue;
            };
            // An Ollama reference by its name alone (`OPENAI_BASE_URL`) that names a server
            // of another kind is that server's: the Ollama rules judge only what reaches an
            // Ollama.
            let claimed = claimed.contains(&(i, var.key.clone()))
                && !TargetUrl::parse(&text.value).is_some_and(|u| {
                    server_names.contains_key(&u.host.to_ascii_lowercase())
                        || is_model_runner_url(&u)
                });
            if claimed || !may_refer(&var.key, &text.value) {
                continue;
            }
            let words = name_words(&var.key);
            if generic::browser_prefix(&var.key).is_some()
                || words.iter().any(|w| NOT_DIALLED.contains(&w.as_str()))
                || is_site_name(&var.key, &text.value)
            {
                continue;
            }
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let list_family = list_family(&words).or_else(|| app_list(service, &var.key));
            let found: Vec<(TargetUrl, &'static str, Text)> =
                match list_family.and_then(|family| list_of(text, family)) {
                    Some(items) => items,
                    None => match scheme_urls(&text.value) {
                        Some(urls) => urls
                            .into_iter()
                            .map(|(url, family)| (url, family, text.clone()))
                            .collect(),
                        None => model_runner_url(&text.value)
                            .map(|u| (u, MODEL_RUNNER, text.clone()))
                            .or_else(|| {
                                http_url(&text.value, &words, &http_names)
                                    .map(|(u, f)| (u, f, text.clone()))
                            })
                            .or_else(|| host_pair(service, var, &words, &server_names))
                            .into_iter()
                            .collect(),
                    },
                };
            for (url, family, text) in found {
                if own == Some(family)
                    || switched_off(service, family)
                    || store_not_chosen(service, family)
                {
                    continue;
                }
                // A host variable an env file hands over for a kind the project does not run
                // is no evidence of a connection: a framework's `.env` lists `REDIS_HOST`
                // whether or not its cache uses Redis (Firefly III's, with
                // `CACHE_DRIVER=file`).
                let from_env_file = matches!(var.source, EnvSource::EnvFile { .. });
                let runs_kind = kinds.iter().any(|s| s.kind == family && s.any());
                if from_env_file && url.scheme.is_none() && !runs_kind {
                    continue;
                }
                // A service that waits for a server of the family uses it: Mastodon's web,
                // streaming and sidekiq share `.env.production`, and each depends on `redis`.
                let evidence = match var.source {
                    EnvSource::EnvFile { file, .. }
                        if loaders.get(&file).is_some_and(|&n| n > 1)
                            && !waits_for(project, service, kinds, family) =>
                    {
                        Evidence::Loaded
                    }
                    _ => Evidence::Read,
                };
                let mut reference = Reference::unprofiled(
                    family,
                    i,
                    Written::Env {
                        key: var.key.clone(),
                        source: var.source.clone(),
                    },
                    text,
                    url,
                    Side::Server,
                    evidence,
                );
                reference.loopback_rewrite = rewrite;
                out.push(reference);
            }
        }
        // One reference per family and value: `DATABASE_URL` and `DB_HOST` often say the
        // same thing twice.
        let mut seen: HashSet<(&str, String, Option<u16>)> = HashSet::new();
        let mut index = first;
        while index < out.len() {
            let r = &out[index];
            if seen.insert((r.kind, r.url.host.to_ascii_lowercase(), r.url.port)) {
                index += 1;
            } else {
                out.remove(index);
            }
        }
    }
    out
}

/// Whether the service's written `depends_on` names a service that runs a server of `kind`.
fn waits_for(project: &Project, service: &Service, kinds: &[Servers], kind: &str) -> bool {
    let Some(servers) = kinds.iter().find(|s| s.kind == kind) else {
        return false;
    };
    service.depends_on.iter().filter(|d| !d.implicit).any(|d| {
        servers
            .indices
            .iter()
            .any(|&j| project.services[j].name == d.service)
    })
}

/// The rewrite of loopback hosts the service's app applies to the URLs it is given, where
/// the client table records one and its conditions hold: bolt.diy's providers all pass their
/// base URL through one `resolveDockerUrl` (its LM Studio provider included), which turns
/// `localhost` into `host.docker.internal` when `RUNNING_IN_DOCKER=true`.
fn app_loopback_rewrite(service: &Service) -> Option<&'static LoopbackRewrite> {
    let matched = crate::knowledge::client_match(&service.image.as_ref()?.value)?;
    let compose: Vec<(String, String)> = service
        .environment
        .iter()
        .filter_map(|v| Some((v.key.clone(), v.value.as_ref()?.value.clone())))
        .collect();
    let env = matched.env(&compose);
    matched.profile.url_vars().find_map(|v| {
        v.loopback_rewrite
            .as_ref()
            .filter(|r| crate::knowledge::all_hold(&r.when, &env))
    })
}

/// Whether the service turns its use of the family off (`KAFKA_ENABLED=false`,
/// `ENABLE_REDIS=0`, `USE_QDRANT=no`): its settings for it are then not used.
fn switched_off(service: &Service, kind: &str) -> bool {
    let Some((_, names)) = NAME_WORDS.iter().find(|(key, _)| *key == kind) else {
        return false;
    };
    let is = |key: &str, name: &str| key.eq_ignore_ascii_case(name);
    service.environment.iter().any(|v| {
        let key = v.key.as_str();
        let names_it = names.iter().any(|n| {
            let before = |suffix: &str| {
                key.len() == n.len() + suffix.len()
                    && key.get(..n.len()).is_some_and(|p| is(p, n))
                    && key.get(n.len()..).is_some_and(|rest| is(rest, suffix))
            };
            let after = |prefix: &str| {
                key.len() == n.len() + prefix.len()
                    && key.get(..prefix.len()).is_some_and(|p| is(p, prefix))
                    && key.get(prefix.len()..).is_some_and(|rest| is(rest, n))
            };
            before("_ENABLED") || before("_ENABLE") || after("ENABLE_") || after("USE_")
        });
        names_it
            && v.value.as_ref().is_some_and(|t| {
                matches!(
                    t.value.trim().to_ascii_lowercase().as_str(),
                    "false" | "0" | "no" | "off"
                )
            })
    })
}

/// Variables an app reads to choose the one vector store it uses among the several it has
/// settings for: Dify's `VECTOR_STORE` (its compose file hands the API every store's host,
/// `CHROMA_HOST=127.0.0.1` and `MILVUS_HOST=127.0.0.1` included, and it connects only to the
/// one chosen), Open WebUI's `VECTOR_DB`, RAGFlow's `DOC_ENGINE` (facts F-APP-STORE-CHOICE).
const STORE_CHOICES: &[&str] = &[
    "VECTOR_STORE",
    "VECTOR_STORE_TYPE",
    "VECTOR_DB",
    "VECTOR_DB_TYPE",
    "VECTOR_DATABASE",
    "VECTORDB",
    "DOC_ENGINE",
];

/// The families such a choice picks among.
const STORE_FAMILIES: &[&str] = &[
    "qdrant",
    "chroma",
    "weaviate",
    "milvus",
    "elasticsearch",
    "opensearch",
    "typesense",
    "meilisearch",
];

/// Whether the service chooses its vector store, and not one of `kind`: its settings for
/// `kind` are then not used (`VECTOR_STORE=weaviate` beside `CHROMA_HOST=127.0.0.1`).
fn store_not_chosen(service: &Service, kind: &str) -> bool {
    if !STORE_FAMILIES.contains(&kind) {
        return false;
    }
    let Some(choice) = service
        .environment
        .iter()
        .find(|v| STORE_CHOICES.iter().any(|c| v.key.eq_ignore_ascii_case(c)))
        .and_then(|v| v.value.as_ref())
        .filter(|t| !t.value.trim().is_empty())
    else {
        return false;
    };
    let words = name_words(&choice.value);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    family_in_name(&words).is_none_or(|chosen| chosen.key != kind)
}

/// Lowercase DNS names a service answers to.
fn names_of(service: &Service) -> impl Iterator<Item = String> + '_ {
    std::iter::once(service.name.as_str())
        .chain(service.container_name.iter().map(|c| c.value.as_str()))
        .chain(service.hostname.iter().map(|c| c.value.as_str()))
        .chain(
            service
                .networks
                .iter()
                .flat_map(|n| n.aliases.iter().map(|a| a.value.as_str())),
        )
        .map(str::to_ascii_lowercase)
}

/// The URLs a value whose scheme names a family holds, each with the family: one, or one per
/// host of a scheme that lists hosts (`mongodb://mongo1:27017,mongo2:27017/db`). None when
/// the scheme names no family or a host is not an address.
fn scheme_urls(value: &str) -> Option<Vec<(TargetUrl, &'static str)>> {
    let value_lower = value.get(..5).map(str::to_ascii_lowercase);
    // `jdbc:postgresql://…`: the part after `jdbc:` is a URL of its own.
    let skip = if value_lower.as_deref() == Some("jdbc:") {
        5
    } else {
        0
    };
    let rest = &value[skip..];
    let scheme = rest[..rest.find("://")?].to_ascii_lowercase();
    let full_scheme = if skip > 0 {
        format!("jdbc:{scheme}")
    } else {
        scheme
    };
    let (family, _) = family_of_scheme(&full_scheme).or_else(|| {
        let (family, port) = family_of_scheme(sql_dialect(&full_scheme)?)?;
        SQL_DIALECT_FAMILIES
            .contains(&family.key)
            .then_some((family, port))
    })?;
    let urls = if scheme_lists_hosts(&full_scheme) {
        TargetUrl::parse_hosts(rest)?
    } else {
        vec![TargetUrl::parse(rest)?]
    };
    let shift = |r: std::ops::Range<usize>| r.start + skip..r.end + skip;
    let urls = urls.into_iter().map(|mut url| {
        if skip > 0 {
            url.scheme = Some(full_scheme.clone());
            url.scheme_range = Some(0..url.scheme_range.map_or(0, |r| r.end + skip));
            url.host_range = shift(url.host_range);
            url.port_range = url.port_range.map(shift);
            url.path_range = shift(url.path_range);
        }
        (url, family.key)
    });
    Some(urls.collect())
}

/// The families whose URLs SQLAlchemy and Celery write with a driver: the host and port are
/// the database's whatever the driver.
const SQL_DIALECT_FAMILIES: &[&str] = &["postgres", "mysql"];

/// The dialect of SQLAlchemy's `dialect+driver` scheme (`postgresql+psycopg2`,
/// `mysql+pymysql`), or of Celery's database result backend `db+dialect`
/// (`db+postgresql`), as Airflow's compose file writes them (facts F-APP-SQL-URLS).
fn sql_dialect(scheme: &str) -> Option<&str> {
    let (first, rest) = scheme.split_once('+')?;
    let dialect = if first == "db" {
        rest.split('+').next()?
    } else {
        first
    };
    (!dialect.is_empty()).then_some(dialect)
}

/// LM Studio's kind: a desktop application on the Docker host.
pub const LM_STUDIO: &str = "lmstudio";

/// Docker Model Runner's kind: a server of the Docker host, not of the project.
pub const MODEL_RUNNER: &str = "docker-model-runner";

/// Whether `url` is Docker Model Runner's API: every path of it starts with `/engines/`, and
/// none of Ollama's does (facts F-KIND-DMR), whatever the variable is called.
pub fn is_model_runner_url(url: &TargetUrl) -> bool {
    matches!(url.scheme.as_deref(), Some("http" | "https"))
        && (url.path == "/engines" || url.path.starts_with("/engines/"))
}

/// An `http(s)://` URL of Docker Model Runner's API aimed at the container's own loopback:
/// the mistake of copying the host's address (`localhost:12434`) into a container. Other
/// hosts are left alone: `model-runner.docker.internal` is a name Docker Desktop provides,
/// which the network model does not know.
fn model_runner_url(value: &str) -> Option<TargetUrl> {
    let url = TargetUrl::parse(value)?;
    (is_model_runner_url(&url) && crate::net::is_loopback_host(&url.host)).then_some(url)
}

/// An `http(s)://` URL to a service that runs an HTTP server of a family, or under a
/// variable that names one.
fn http_url(
    value: &str,
    words: &[&str],
    http_names: &HashMap<String, &'static str>,
) -> Option<(TargetUrl, &'static str)> {
    let url = TargetUrl::parse(value)?;
    if !matches!(url.scheme.as_deref(), Some("http" | "https")) {
        return None;
    }
    if let Some(kind) = http_names.get(&url.host.to_ascii_lowercase()) {
        return Some((url, kind));
    }
    let family = family_in_name(words)?;
    is_http(family.protocol).then_some((url, family.key))
}

/// Words of a variable name that say its value is a list of servers
/// (`KAFKA_BOOTSTRAP_SERVERS`, `ELASTICSEARCH_HOSTS`).
const LIST_WORDS: &[&str] = &["BOOTSTRAP", "SERVERS", "BROKERS", "HOSTS", "NODES"];

/// The family of a list variable: its name names a family and a list
/// (`KAFKA_BOOTSTRAP_SERVERS`, `ELASTICSEARCH_HOSTS`).
fn list_family(words: &[&str]) -> Option<&'static Family> {
    let family = family_in_name(words)?;
    words
        .iter()
        .any(|w| LIST_WORDS.iter().any(|l| w.starts_with(l)))
        .then_some(family)
}

/// A variable an app reads as a list of servers though its name says no list.
struct AppList {
    /// Repositories of the app's images (any registry, any tag).
    images: &'static [&'static str],
    var: &'static str,
    family: &'static str,
    /// The variable that must name the family among its comma-separated values for the app
    /// to connect at all (its default names another storage).
    when: &'static str,
}

/// Jaeger 1.x splits `--es.server-urls` (`ES_SERVER_URLS`, flags read from the environment
/// with `-` and `.` as `_`) at commas, and uses it only when `SPAN_STORAGE_TYPE` names
/// Elasticsearch (facts F-APP-JAEGER). Jaeger 2 (`jaegertracing/jaeger`) is configured by a file, not by these.
const APP_LISTS: &[AppList] = &[AppList {
    images: &[
        "jaegertracing/all-in-one",
        "jaegertracing/jaeger-collector",
        "jaegertracing/jaeger-query",
    ],
    var: "ES_SERVER_URLS",
    family: "elasticsearch",
    when: "SPAN_STORAGE_TYPE",
}];

/// The family of a variable the service's app reads as a list of servers ([`APP_LISTS`]).
fn app_list(service: &Service, key: &str) -> Option<&'static Family> {
    let image = crate::knowledge::ImageRef::parse(&service.image.as_ref()?.value)?;
    let entry = APP_LISTS
        .iter()
        .find(|a| a.var.eq_ignore_ascii_case(key) && a.images.iter().any(|i| image.path == *i))?;
    let value = service
        .environment
        .iter()
        .find(|v| v.key == entry.when)
        .and_then(|v| v.value.as_ref())?;
    value
        .value
        .split(',')
        .any(|v| v.trim().eq_ignore_ascii_case(entry.family))
        .then(|| family(entry.family))
        .flatten()
}

/// The servers of a list variable of `family`: `kafka:9092,kafka2:9092` (a single item
/// too), or a JSON list (`["http://es01:9200","http://es02:9200"]`, the form
/// Kibana's image documents for `ELASTICSEARCH_HOSTS`, facts F-KIND-SEARCH-LISTS), each
/// item with its own place in the text. None when a bracketed value is not a list of quoted
/// items.
fn list_of(text: &Text, family: &'static Family) -> Option<Vec<(TargetUrl, &'static str, Text)>> {
    let value = &text.value;
    let items = if value.trim_start().starts_with('[') {
        flow_items(value)?
    } else {
        comma_items(value, 0..value.len())
    };
    let out = items
        .into_iter()
        .filter_map(|range| {
            let url = TargetUrl::parse(&value[range.clone()])?;
            Some((url, family.key, text.slice(range)))
        })
        .collect();
    Some(out)
}

/// The ranges of the non-empty items of the comma list in `range` of `value`, each trimmed.
fn comma_items(value: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    for item in value[range].split(',') {
        let offset = start + (item.len() - item.trim_start().len());
        let trimmed = item.trim();
        start += item.len() + 1;
        if !trimmed.is_empty() {
            out.push(offset..offset + trimmed.len());
        }
    }
    out
}

/// The ranges of the items of a one-line JSON list of strings: double-quoted strings
/// without escapes (the range inside the quotes), the form the images document. None for
/// anything else (plain or single-quoted items, which no image is documented to read as a
/// list, escapes, nested lists or maps, empty items), which is left unread rather than
/// guessed at.
fn flow_items(value: &str) -> Option<Vec<Range<usize>>> {
    let open = value.find('[')?;
    let close = value.rfind(']')?;
    if close < open || !value[close + 1..].trim().is_empty() || value.contains('\n') {
        return None;
    }
    let inner = open + 1..close;
    if value[inner.clone()].trim().is_empty() {
        return Some(Vec::new());
    }
    let items = comma_items(value, inner.clone());
    // An empty item (`[a,,b]`) is dropped by the split: compare the commas with the items.
    if items.len() != value[inner].matches(',').count() + 1 {
        return None;
    }
    items
        .into_iter()
        .map(|range| {
            let item = &value[range.clone()];
            let body = item.strip_prefix('"')?.strip_suffix('"')?;
            (!body.contains(['"', '\\'])).then(|| range.start + 1..range.end - 1)
        })
        .collect()
}

/// `X_HOST` (or `X_HOSTNAME`, `PGHOST`) with `X_PORT`: the host text, `:`, and the port
/// text, as one `host:port` whose parts keep the places they were written.
fn host_pair(
    service: &Service,
    var: &EnvVar,
    words: &[&str],
    server_names: &HashMap<String, &'static str>,
) -> Option<(TargetUrl, &'static str, Text)> {
    let upper = var.key.to_ascii_uppercase();
    let prefix = if upper == "PGHOST" {
        "PG"
    } else {
        upper
            .strip_suffix("_HOSTNAME")
            .or_else(|| upper.strip_suffix("_HOST"))?
    };
    let port_key = if upper == "PGHOST" {
        "PGPORT".to_string()
    } else {
        format!("{}_PORT", &var.key[..prefix.len()])
    };
    let host_text = var.value.as_ref()?;
    // A URL or a list in a host variable is not a host.
    if host_text.value.contains("://") || host_text.value.contains(',') {
        return None;
    }
    let port_var = service
        .environment
        .iter()
        .find(|v| v.key.eq_ignore_ascii_case(&port_key))
        .and_then(|v| v.value.as_ref())
        .filter(|t| !t.value.trim().is_empty());
    let prefix_words = &words[..words.len() - 1];
    let family = family_in_name(if upper == "PGHOST" {
        &["PG"]
    } else {
        prefix_words
    })
    .or_else(|| {
        // The host names a service of the project that runs a server of a family.
        let host = host_text.value.split(':').next().unwrap_or_default();
        server_names
            .get(&host.trim().to_ascii_lowercase())
            .and_then(|kind| family(kind))
    })
    .or_else(|| database_family(service, prefix, port_var))?;
    let mut text = host_text.clone();
    if let Some(port) = port_var
        && !host_text.value.contains(':')
    {
        text.push_str(":", Origin::Synthetic);
        text.push_text(port);
    }
    let url = TargetUrl::parse_lenient(&text.value)?;
    Some((url, family.key, text))
}

/// The family a generic database host (`DB_HOST`, `DATABASE_HOST`) means: named by a
/// `DB_TYPE`-like variable, or by its port when that is one family's default.
fn database_family(
    service: &Service,
    prefix: &str,
    port: Option<&Text>,
) -> Option<&'static Family> {
    if !matches!(prefix, "DB" | "DATABASE" | "SQL") {
        return None;
    }
    for suffix in [
        "TYPE",
        "DRIVER",
        "ENGINE",
        "CONNECTION",
        "DIALECT",
        "CLIENT",
        "VENDOR",
    ] {
        let key = format!("{prefix}_{suffix}");
        if let Some(value) = service
            .environment
            .iter()
            .find(|v| v.key.eq_ignore_ascii_case(&key))
            .and_then(|v| v.value.as_ref())
        {
            let words = name_words(&value.value);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            return family_in_name(&words);
        }
    }
    let port: u16 = port?.value.trim().parse().ok()?;
    let mut matching = families()
        .iter()
        .filter(|f| f.default_port == port && !is_http(f.protocol));
    let only = matching.next()?;
    matching.next().is_none().then_some(only)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(value: &str) -> Option<Vec<&str>> {
        flow_items(value).map(|ranges| ranges.into_iter().map(|r| &value[r]).collect())
    }

    #[test]
    fn json_lists_give_each_quoted_item_its_own_range() {
        assert_eq!(
            items(r#"["http://es01:9200", "http://es02:9200"]"#),
            Some(vec!["http://es01:9200", "http://es02:9200"])
        );
        assert_eq!(
            items(r#"[ "http://es01:9200" ,"es02:9200" ]"#),
            Some(vec!["http://es01:9200", "es02:9200"])
        );
        assert_eq!(items("[]"), Some(vec![]));
        // Anything a reader could take otherwise, or that no image documents, is not read.
        for unread in [
            "[ http://es01:9200 ,es02:9200 ]",
            r#"["http://es01:9200", 'http://es02:9200']"#,
            r#"["http://es01:9200\u002f"]"#,
            r#"["http://a:9200,http://b:9200"]"#,
            r#"["http://es01:9200",,"http://es02:9200"]"#,
            r#"[{"url": "http://es01:9200"}]"#,
            r#"[["http://es01:9200"]]"#,
            r#"["http://es01:9200"] trailing"#,
            "[key: value]",
        ] {
            assert_eq!(items(unread), None, "{unread}");
        }
    }
}
