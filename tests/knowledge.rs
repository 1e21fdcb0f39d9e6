//! The Ollama knowledge tables: compiled-in data, `OLLAMA_HOST` parsing, image matching,
//! Dockerfile bases, `NO_PROXY` coverage, name patterns and client settings.
//!
//! Expected values come from the research notes (facts F-OLL-2 with Ollama's `TestHost` table,
//! clients.json, scenarios, corpus verdicts), not from running the code.

use std::collections::{BTreeMap, BTreeSet};

use composelint::knowledge::client::{Api, Location, PathKind, SchemeRule, Status, ValueOrigin};
use composelint::knowledge::generic::{self, VarKind};
use composelint::knowledge::image::ImageRef;
use composelint::knowledge::proxy::{self, ProxyClient, ProxyKind};
use composelint::knowledge::server::{ImageKind, ListenSetting, ListenSyntax, Protocol};
use composelint::knowledge::{
    self, Knowledge, Side, TargetUrl, client_for_image, client_match, dockerfile_final_base,
    ollama, parse_ollama_host, server_for_image, server_kind_for_image,
};

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Data

#[test]
fn compiled_in_tables_load_and_are_consistent() {
    let k = Knowledge::load().expect("tables load");
    assert_eq!(k.problems(), Vec::<String>::new());
    assert!(k.servers.len() >= 2);
    assert!(k.clients.len() >= 30);
}

/// `build.rs` compiles the YAML tables to JSON without knowing their types; what a run reads
/// must be exactly what the YAML says when read by the program's own reader.
#[test]
fn compiled_in_tables_are_their_yaml_sources() {
    let source = |name: &str| {
        let path = format!(
            "{}/src/knowledge/data/{name}.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let from_yaml =
        Knowledge::from_yaml(&source("servers"), &source("clients"), &source("generic"))
            .expect("the YAML sources read");
    let compiled = Knowledge::load().expect("tables load");
    assert_eq!(format!("{compiled:#?}"), format!("{from_yaml:#?}"));
}

/// A lookup reads only the profiles with an image whose name ends like the image's; its
/// answer (profile and image entry) is the one a scan of every profile gives.
#[test]
fn lookups_find_what_a_scan_of_every_profile_finds() {
    let k = knowledge::knowledge();
    let repositories = k
        .servers
        .iter()
        .flat_map(|s| s.images.iter().map(|i| i.repository.clone()))
        .chain(
            k.clients
                .iter()
                .flat_map(|c| c.images.iter().map(|i| i.repository.clone())),
        );
    let mut images: Vec<String> = ["nginx", "", "ollama", "library/ollama", "x/y/z"]
        .map(String::from)
        .to_vec();
    for repo in repositories {
        images.extend([
            format!("{repo}:latest"),
            format!("docker.io/{repo}:1"),
            format!("mirror.example.com/hub/{repo}"),
            format!("someone/{repo}"),
            repo.to_uppercase(),
            repo,
        ]);
    }
    let found = |m: Option<knowledge::ServerMatch>| {
        m.map(|m| {
            (
                m.server.id.clone(),
                m.image.repository.clone(),
                m.image.tags.clone(),
            )
        })
    };
    let (mut clients, mut servers) = (0, 0);
    for image in &images {
        let scan = ImageRef::parse(image)
            .and_then(|r| k.clients.iter().find_map(|p| p.match_image(&r)))
            .map(|m| {
                (
                    m.profile.id.clone(),
                    m.image.repository.clone(),
                    m.image.tags.clone(),
                )
            });
        let looked_up = client_match(image).map(|m| {
            (
                m.profile.id.clone(),
                m.image.repository.clone(),
                m.image.tags.clone(),
            )
        });
        clients += usize::from(scan.is_some());
        assert_eq!(looked_up, scan, "{image}");
        let scan = found(k.servers.iter().find_map(|s| s.matches_image(image)));
        servers += usize::from(scan.is_some());
        assert_eq!(found(server_kind_for_image(image)), scan, "{image}");
        let scan = found(
            k.servers
                .iter()
                .filter(|s| s.speaks_ollama())
                .find_map(|s| s.matches_image(image)),
        );
        assert_eq!(found(server_for_image(image)), scan, "{image}");
    }
    assert!(clients > 100 && servers > 100, "{clients} {servers}");
}

#[test]
fn every_client_has_images_and_distinct_url_settings() {
    for client in &knowledge::knowledge().clients {
        assert!(!client.images.is_empty(), "{}: no image", client.id);
        assert!(
            !client.url_settings.is_empty(),
            "{}: no URL setting",
            client.id
        );
        assert!(!client.source.trim().is_empty(), "{}: no source", client.id);
        let mut names = BTreeSet::new();
        for var in &client.url_settings {
            assert!(names.insert(&var.name), "{}: {} twice", client.id, var.name);
            assert!(
                !var.source.trim().is_empty(),
                "{}: {} no source",
                client.id,
                var.name
            );
            // The path kinds the research uses; `unknown` only where it says so.
            assert!(
                matches!(
                    var.path,
                    PathKind::None | PathKind::Api | PathKind::V1 | PathKind::Any
                ) || ["fastgpt", "linkwarden"].contains(&client.id.as_str()),
                "{}: {} has path {:?}",
                client.id,
                var.name,
                var.path
            );
            if var.api == Api::Openai {
                assert_eq!(var.path, PathKind::V1, "{}: {}", client.id, var.name);
            }
        }
        for image in &client.images {
            assert!(
                ImageRefCheck::is_bare(&image.repository),
                "{}: {}",
                client.id,
                image.repository
            );
        }
    }
}

struct ImageRefCheck;
impl ImageRefCheck {
    fn is_bare(repo: &str) -> bool {
        !repo.is_empty()
            && repo == repo.to_ascii_lowercase()
            && !repo.contains(':')
            && !repo.split('/').next().unwrap_or("").contains('.')
    }
}

#[test]
fn no_repository_belongs_to_two_clients() {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for client in &knowledge::knowledge().clients {
        for image in &client.images {
            if let Some(previous) = owner.insert(&image.repository, &client.id) {
                assert_eq!(previous, client.id, "{} claimed twice", image.repository);
            }
        }
    }
}

#[test]
fn profiles_cite_their_sources_and_mark_uncertainty() {
    let k = knowledge::knowledge();
    let dify = knowledge::client("dify").unwrap();
    assert_eq!(
        dify.url_settings[0].confidence,
        knowledge::Confidence::Unverified
    );
    assert_eq!(dify.url_settings[0].location, Location::Ui);
    let fastgpt = knowledge::client("fastgpt").unwrap();
    assert_eq!(fastgpt.url_settings[0].path, PathKind::Unknown);
    let verba = knowledge::client("verba").unwrap();
    assert_eq!(
        verba.images[0].confidence,
        knowledge::Confidence::Unverified
    );
    for server in &k.servers {
        assert!(!server.source.is_empty());
    }
    let bundle = server_for_image("ghcr.io/open-webui/open-webui:ollama").unwrap();
    assert_eq!(bundle.listen_confidence(), knowledge::Confidence::Inference);
}

// ---------------------------------------------------------------------------------------------
// F-OLL-2: OLLAMA_HOST, entry by entry (Ollama envconfig/config_test.go TestHost)

#[test]
fn ollama_host_table() {
    let table = [
        ("", "http://127.0.0.1:11434"),
        ("1.2.3.4", "http://1.2.3.4:11434"),
        (":1234", "http://:1234"),
        ("1.2.3.4:1234", "http://1.2.3.4:1234"),
        ("example.com", "http://example.com:11434"),
        ("example.com:1234", "http://example.com:1234"),
        (":0", "http://:0"),
        (":66000", "http://:11434"),
        (":-1", "http://:11434"),
        ("[::1]", "http://[::1]:11434"),
        ("[::]", "http://[::]:11434"),
        ("::1", "http://[::1]:11434"),
        ("[::1]:1337", "http://[::1]:1337"),
        (" 1.2.3.4 ", "http://1.2.3.4:11434"),
        ("\"1.2.3.4\"", "http://1.2.3.4:11434"),
        (" \" 1.2.3.4 \" ", "http://1.2.3.4:11434"),
        ("'1.2.3.4'", "http://1.2.3.4:11434"),
        ("http://1.2.3.4", "http://1.2.3.4:80"),
        ("http://1.2.3.4:4321", "http://1.2.3.4:4321"),
        ("https://1.2.3.4", "https://1.2.3.4:443"),
        ("https://1.2.3.4:4321", "https://1.2.3.4:4321"),
        (
            "https://example.com/ollama",
            "https://example.com:443/ollama",
        ),
        ("ollama.com", "https://ollama.com:443"),
    ];
    for (value, want) in table {
        assert_eq!(
            parse_ollama_host(value).to_url(),
            want,
            "OLLAMA_HOST={value:?}"
        );
    }
}

#[test]
fn ollama_host_parts() {
    let a = parse_ollama_host("https://example.com/ollama");
    assert_eq!(
        (a.scheme.as_str(), a.host.as_str(), a.port, a.path.as_str()),
        ("https", "example.com", 443, "/ollama")
    );
    let a = parse_ollama_host(":8080");
    assert_eq!((a.host.as_str(), a.port), ("", 8080));
    assert!(a.binds_all_interfaces());
    let a = parse_ollama_host(":66000");
    assert!(a.port_invalid);
    assert_eq!(a.port, 11434);
    assert!(!parse_ollama_host(":1234").port_invalid);
    // Derived in F-OLL-2.
    assert_eq!(
        parse_ollama_host("0.0.0.0").to_url(),
        "http://0.0.0.0:11434"
    );
    assert_eq!(parse_ollama_host("0.0.0.0:8080").port, 8080);
    assert_eq!(parse_ollama_host("http://0.0.0.0").port, 80);
    assert_eq!(
        parse_ollama_host("http://ollama").to_url(),
        "http://ollama:80"
    );
    assert_eq!(
        parse_ollama_host("ollama:11434").to_url(),
        "http://ollama:11434"
    );
    // `ollama.com` is special only without a scheme.
    assert_eq!(
        parse_ollama_host("http://ollama.com").to_url(),
        "http://ollama.com:80"
    );
    assert_eq!(parse_ollama_host("https://h/a/").path, "/a/");
    // Go's ParseIP rejects leading zeros, so the text stays a host name.
    assert_eq!(
        parse_ollama_host("01.2.3.4").to_url(),
        "http://01.2.3.4:11434"
    );
    assert_eq!(
        parse_ollama_host("::ffff:1.2.3.4").to_url(),
        "http://1.2.3.4:11434"
    );
    assert_eq!(parse_ollama_host("http://h:8/").path, "");
}

// ---------------------------------------------------------------------------------------------
// Servers

#[test]
fn official_image_on_any_registry_and_tag() {
    for image in [
        "ollama/ollama",
        "ollama/ollama:latest",
        "ollama/ollama:rocm",
        "docker.io/ollama/ollama:0.5",
        "index.docker.io/ollama/ollama",
        "registry.example.com/ollama/ollama",
        "localhost:5000/ollama/ollama:0.1.42",
        "ollama/ollama:0.32.14@sha256:9d30908e41144b1f1da89b9d8e33c07e4aeb43ff41a8660241b1686e2cc330ad",
        "ollama/ollama:${OLLAMA_DOCKER_TAG-rocm}",
    ] {
        let m = ollama()
            .matches_image(image)
            .unwrap_or_else(|| panic!("{image}"));
        assert_eq!(m.image.kind, ImageKind::Official, "{image}");
        assert!(!m.is_bundled());
        assert_eq!(m.server.id, "ollama");
    }
    for image in [
        "ollama/ollama-python",
        "ollama",
        "myollama/ollama",
        "nginx",
        "postgres:16-alpine",
        "ghcr.io/open-webui/open-webui:main",
        "zylonai/private-gpt:0.6.2-ollama",
        "ghcr.io/cinnamon/kotaemon:main-full",
    ] {
        assert!(ollama().matches_image(image).is_none(), "{image}");
    }
}

#[test]
fn official_image_listen_address() {
    let m = server_for_image("ollama/ollama:latest").unwrap();
    let none: [(&str, &str); 0] = [];
    let listen = m.listen_address(&none);
    assert_eq!(listen.to_url(), "http://0.0.0.0:11434");
    assert!(listen.binds_all_interfaces());

    let cases = [
        ("127.0.0.1", "http://127.0.0.1:11434", true),
        ("localhost", "http://localhost:11434", true),
        ("0.0.0.0", "http://0.0.0.0:11434", false),
        ("0.0.0.0:8080", "http://0.0.0.0:8080", false),
        ("http://0.0.0.0", "http://0.0.0.0:80", false),
        ("", "http://127.0.0.1:11434", true),
    ];
    for (value, want, loopback) in cases {
        let a = m.listen_address(&[("OLLAMA_HOST", value)]);
        assert_eq!(a.to_url(), want, "{value:?}");
        assert_eq!(a.is_loopback(), loopback, "{value:?}");
    }
    assert_eq!(ollama().default_port, 11434);
    assert_eq!(ollama().listen.ollama_host_var(), Some("OLLAMA_HOST"));
    assert_eq!(ollama().tls, Some(false));
    let api = ollama().api_paths.as_ref().unwrap();
    assert_eq!(api.native, "/api");
    assert_eq!(api.openai.as_deref(), Some("/v1"));
    assert!(ollama().server_env.iter().any(|v| v == "OLLAMA_ORIGINS"));
    assert!(ollama().ignored_env.iter().any(|v| v == "OLLAMA_PORT"));
}

#[test]
fn models_directory() {
    let m = server_for_image("ollama/ollama").unwrap();
    assert_eq!(m.image.data_dir.as_deref(), Some("/root/.ollama"));
    assert_eq!(
        m.models_dir(&env(&[])).as_deref(),
        Some("/root/.ollama/models")
    );
    assert_eq!(
        m.models_dir(&env(&[("OLLAMA_MODELS", "/models")]))
            .as_deref(),
        Some("/models")
    );
    assert_eq!(
        m.models_dir(&env(&[("OLLAMA_MODELS", "")])).as_deref(),
        Some("/root/.ollama/models")
    );
}

#[test]
fn bundled_images_are_client_and_server() {
    for image in [
        "ghcr.io/open-webui/open-webui:ollama",
        "ghcr.io/open-webui/open-webui:v0.6.5-ollama",
        "ghcr.io/open-webui/open-webui:main-ollama",
        "open-webui/open-webui:latest-ollama",
    ] {
        let server = server_for_image(image).unwrap_or_else(|| panic!("{image}"));
        assert!(server.is_bundled(), "{image}");
        assert_eq!(server.server.id, "ollama");
        assert_eq!(server.image.client.as_deref(), Some("open-webui"));
        let client = client_match(image).unwrap();
        assert_eq!(client.profile.id, "open-webui");
        assert_eq!(
            client
                .image
                .env
                .get("USE_OLLAMA_DOCKER")
                .map(String::as_str),
            Some("true")
        );
        // The bundled `ollama serve` gets no OLLAMA_HOST: container loopback (F-BUNDLE-1).
        let listen = server.listen_address(&env(&[]));
        assert_eq!(listen.to_url(), "http://127.0.0.1:11434");
        assert!(listen.is_loopback());
    }
    for image in [
        "ghcr.io/open-webui/open-webui:main",
        "ghcr.io/open-webui/open-webui:cuda",
        "ghcr.io/open-webui/open-webui",
        "ghcr.io/open-webui/open-webui:ollamax",
    ] {
        assert!(server_for_image(image).is_none(), "{image}");
        let client = client_match(image).unwrap();
        assert_eq!(client.profile.id, "open-webui");
        assert_eq!(
            client
                .image
                .env
                .get("USE_OLLAMA_DOCKER")
                .map(String::as_str),
            Some("false")
        );
    }

    let k = server_for_image("ghcr.io/cinnamon/kotaemon:main-ollama").unwrap();
    assert!(k.is_bundled());
    assert_eq!(
        client_for_image("ghcr.io/cinnamon/kotaemon:main-ollama")
            .unwrap()
            .id,
        "kotaemon"
    );
    assert!(server_for_image("ghcr.io/cinnamon/kotaemon:main-full").is_none());
    assert!(server_for_image("ghcr.io/cinnamon/kotaemon:main-lite").is_none());

    let p = server_for_image("ghcr.io/presenton/presenton:latest").unwrap();
    assert!(p.is_bundled());
    assert!(p.listen_address(&env(&[])).is_loopback());

    // privateGPT's `-ollama` tag is a mode, not a bundle.
    assert!(server_for_image("zylonai/private-gpt:0.6.2-ollama").is_none());
    assert_eq!(
        client_for_image("zylonai/private-gpt:0.6.2-ollama")
            .unwrap()
            .id,
        "private-gpt"
    );
}

#[test]
fn lightrag_serves_an_ollama_compatible_api_on_9621() {
    let m = server_for_image("ghcr.io/hkuds/lightrag:latest").unwrap();
    assert_eq!(m.server.id, "lightrag");
    assert_eq!(m.listen_address(&env(&[])).port, 9621);
    assert_eq!(m.server.api_paths.as_ref().unwrap().native, "/api");
    assert_eq!(
        client_for_image("ghcr.io/hkuds/lightrag:latest")
            .unwrap()
            .id,
        "lightrag"
    );
}

// ---------------------------------------------------------------------------------------------
// Server kinds beyond Ollama (issue 14): data only, read by no rule yet

#[test]
fn ollama_profile_keeps_its_values() {
    // As servers.yaml held them before the schema described other kinds (F-OLL-1, F-OLL-4,
    // F-OLL-7, F-OLL-8).
    let o = ollama();
    assert_eq!((o.id.as_str(), o.name.as_str()), ("ollama", "Ollama"));
    assert_eq!(o.protocol, Protocol::Http);
    assert_eq!(o.default_port, 11434);
    assert_eq!(o.tls, Some(false));
    assert_eq!(o.listen.binary_default, "127.0.0.1:11434");
    assert_eq!(o.listen.settings.len(), 1);
    let setting = &o.listen.settings[0];
    assert_eq!(setting.env.as_deref(), Some("OLLAMA_HOST"));
    assert_eq!(setting.syntax, ListenSyntax::OllamaHost);
    assert!(setting.flag.is_none() && setting.config.is_none());
    assert_eq!(o.models_env.as_deref(), Some("OLLAMA_MODELS"));
    assert_eq!(o.server_env.len(), 20);
    assert_eq!(o.server_env[0], "OLLAMA_HOST");
    assert_eq!(o.ignored_env, ["OLLAMA_PORT", "PORT"]);
    let images: Vec<(&str, ImageKind)> = o
        .images
        .iter()
        .map(|i| (i.repository.as_str(), i.kind))
        .collect();
    assert_eq!(
        images,
        [
            ("ollama/ollama", ImageKind::Official),
            ("ollama.com/install.sh", ImageKind::Installed),
            ("open-webui/open-webui", ImageKind::Bundled),
            ("cinnamon/kotaemon", ImageKind::Bundled),
            ("presenton/presenton", ImageKind::Bundled),
        ]
    );
    let official = &o.images[0];
    assert_eq!(
        official.env.get("OLLAMA_HOST").map(String::as_str),
        Some("0.0.0.0:11434")
    );
    assert_eq!(official.entrypoint, ["/bin/ollama"]);
    assert_eq!(official.command, ["serve"]);
    assert_eq!(official.lacks, ["curl", "wget"]);
    assert_eq!(official.probe, ["CMD", "ollama", "list"]);
    assert_eq!(o.binary_default_port(), Some(11434));
    // An OLLAMA_HOST without a port still means 11434, in Ollama's syntax only.
    let m = ollama().matches_image("ollama/ollama").unwrap();
    assert_eq!(
        m.listen_address(&env(&[("OLLAMA_HOST", "0.0.0.0")])).port,
        11434
    );
}

#[test]
fn missing_programs_follow_the_tag_variant() {
    let k = knowledge::knowledge();
    let lacks = |image: &str, program: &str| {
        let parsed = ImageRef::parse(image).unwrap();
        let entry = k
            .servers
            .iter()
            .find_map(|s| s.matches_image_ref(&parsed))
            .unwrap_or_else(|| panic!("{image}"))
            .image;
        entry.lacks_program(&parsed, program)
    };
    // facts F-KIND-PG-TOOLS: Debian tags have neither; Alpine tags keep busybox wget; the
    // 2014 builds kept curl.
    assert!(lacks("postgres", "curl"));
    assert!(lacks("postgres:17-bookworm", "wget"));
    assert!(lacks("postgres:16-alpine", "curl"));
    assert!(!lacks("postgres:16-alpine", "wget"));
    assert!(!lacks("postgres:alpine3.22", "wget"));
    assert!(!lacks("postgres:9.6", "curl"));
    assert!(!lacks("postgres", "pg_isready"));
    assert!(lacks("docker.io/library/redis:8.2-alpine", "curl"));
    assert!(!lacks("redis:8.2-alpine", "wget"));
    assert!(!lacks("redis:2.8", "curl"));
    assert!(lacks("qdrant/qdrant:v1.12.4", "wget"));
    assert!(!lacks("qdrant/qdrant:v1.13.0-gpu-nvidia", "curl"));
    assert!(!lacks("bitnami/redis:7.2", "curl"));
}

#[test]
fn every_server_kind_has_identity_source_ports_and_valid_images() {
    let k = knowledge::knowledge();
    let mut ids = BTreeSet::new();
    for server in &k.servers {
        assert!(!server.id.is_empty() && !server.name.is_empty());
        assert!(ids.insert(server.id.as_str()), "duplicate id {}", server.id);
        assert!(!server.source.trim().is_empty(), "{}: no source", server.id);
        assert_ne!(server.default_port, 0, "{}", server.id);
        assert_eq!(
            server.binary_default_port(),
            Some(server.default_port),
            "{}: binary_default",
            server.id
        );
        for port in &server.other_ports {
            assert_ne!(port.port, 0, "{}", server.id);
            assert_ne!(
                port.port, server.default_port,
                "{}: main port twice",
                server.id
            );
        }
        // Only a server Docker itself serves on the host runs from no image of a project.
        assert_eq!(
            server.images.is_empty(),
            server.on_host,
            "{}: images and on_host",
            server.id
        );
        for image in &server.images {
            assert!(
                !image.source.trim().is_empty(),
                "{}: {}",
                server.id,
                image.repository
            );
            if image.kind == ImageKind::Installed {
                continue;
            }
            // The pattern matches the repository as people write it, on any registry, with a
            // tag its globs accept.
            let tag = image
                .tags
                .first()
                .map_or("latest".to_string(), |glob| glob.replace('*', "1.0"));
            for written in [
                format!("{}:{tag}", image.repository),
                format!("docker.io/{}:{tag}", image.repository),
                format!("registry.example.com/{}:{tag}", image.repository),
            ] {
                let parsed = ImageRef::parse(&written).unwrap_or_else(|| panic!("{written}"));
                assert!(image.pattern().matches(&parsed), "{}: {written}", server.id);
            }
        }
    }
    for kind in [
        "postgres",
        "mysql",
        "mariadb",
        "redis",
        "mongodb",
        "rabbitmq",
        "kafka",
        "nats",
        "elasticsearch",
        "opensearch",
        "meilisearch",
        "typesense",
        "qdrant",
        "chroma",
        "weaviate",
        "milvus",
        "searxng",
        "minio",
        "mosquitto",
        "clickhouse",
        "memcached",
        "vllm",
        "llama-cpp",
        "localai",
        "litellm",
        "tgi",
    ] {
        assert!(ids.contains(kind), "no {kind} profile");
    }
}

#[test]
fn a_scheme_names_one_kind_except_http() {
    let mut kinds: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for server in &knowledge::knowledge().servers {
        for scheme in &server.schemes {
            kinds.entry(&scheme.scheme).or_default().insert(&server.id);
            if scheme.scheme == "http" {
                assert_eq!(scheme.default_port, Some(80), "{}", server.id);
            }
        }
    }
    for (scheme, owners) in &kinds {
        assert!(
            owners.len() == 1 || knowledge::SHARED_SCHEMES.contains(scheme),
            "{scheme}: {owners:?}"
        );
    }
    let owner = |scheme: &str| kinds[scheme].iter().next().copied();
    assert_eq!(owner("postgres"), Some("postgres"));
    assert_eq!(owner("postgresql"), Some("postgres"));
    assert_eq!(owner("jdbc:postgresql"), Some("postgres"));
    assert_eq!(owner("jdbc:mysql"), Some("mysql"));
    assert_eq!(owner("rediss"), Some("redis"));
    assert_eq!(owner("mongodb+srv"), Some("mongodb"));
    assert_eq!(owner("amqp"), Some("rabbitmq"));
    assert_eq!(owner("mqtt"), Some("mosquitto"));
    assert!(kinds["http"].len() > 10);
}

#[test]
fn new_kinds_are_recognised_by_image_but_never_as_ollama() {
    for (image, kind) in [
        ("postgres:16-alpine", "postgres"),
        ("pgvector/pgvector:pg16", "postgres"),
        ("postgis/postgis:16-3.4", "postgres"),
        ("timescale/timescaledb:latest-pg16", "postgres"),
        ("redis:7", "redis"),
        ("valkey/valkey:8", "redis"),
        ("mongo:7", "mongodb"),
        ("bitnami/kafka:3.7", "kafka"),
        ("confluentinc/cp-kafka:7.6.0", "kafka"),
        ("apache/kafka:3.8.0", "kafka"),
        ("getmeili/meilisearch:v1.10", "meilisearch"),
        ("qdrant/qdrant", "qdrant"),
        ("quay.io/minio/minio", "minio"),
        (
            "docker.elastic.co/elasticsearch/elasticsearch:8.15.0",
            "elasticsearch",
        ),
        ("clickhouse/clickhouse-server:24.8", "clickhouse"),
        ("ghcr.io/ggml-org/llama.cpp:server-cuda", "llama-cpp"),
        ("vllm/vllm-openai:latest", "vllm"),
        ("ghcr.io/berriai/litellm:main-latest", "litellm"),
        ("ghcr.io/huggingface/text-generation-inference:2.4", "tgi"),
    ] {
        assert!(ollama().matches_image(image).is_none(), "{image}");
        assert!(server_for_image(image).is_none(), "{image}");
        let found = server_kind_for_image(image).unwrap_or_else(|| panic!("{image}"));
        assert_eq!(found.server.id, kind, "{image}");
        assert!(!found.is_bundled(), "{image}");
    }
    // llama.cpp's `:light` image runs no server; `:full` runs one only when told: its
    // tools.sh starts llama-server for a first argument `--server` or `-s`, on the binary's
    // own 127.0.0.1.
    assert!(server_kind_for_image("ghcr.io/ggml-org/llama.cpp:light").is_none());
    let full = server_kind_for_image("ghcr.io/ggml-org/llama.cpp:full").unwrap();
    assert_eq!(full.image.server_args, ["--server", "-s"]);
    assert!(full.image.binary_default_holds);
    assert!(full.image.env.is_empty());
}

#[test]
fn llama_cpp_server_image_moves_the_loopback_default() {
    // .devops/cpu.Dockerfile, server stage: ENV LLAMA_ARG_HOST=0.0.0.0 over the binary's
    // 127.0.0.1:8080.
    let server = knowledge::server("llama-cpp").unwrap();
    assert_eq!(server.listen.binary_default, "127.0.0.1:8080");
    let host_setting = |s: &&ListenSetting| s.env.as_deref() == Some("LLAMA_ARG_HOST");
    assert_eq!(
        server
            .listen
            .settings
            .iter()
            .find(host_setting)
            .map(|s| s.syntax),
        Some(ListenSyntax::Host)
    );
    let m = server_kind_for_image("ghcr.io/ggml-org/llama.cpp:server").unwrap();
    assert_eq!(
        m.image.env.get("LLAMA_ARG_HOST").map(String::as_str),
        Some("0.0.0.0")
    );
    // Postgres binds localhost unless its configuration says otherwise; the image's sample
    // configuration does (docker-library/postgres Dockerfile).
    let postgres = knowledge::server("postgres").unwrap();
    assert_eq!(postgres.listen.binary_default, "localhost:5432");
    assert_eq!(postgres.protocol, Protocol::Postgres);
}

#[test]
fn broken_server_profiles_are_reported() {
    let broken: knowledge::ServerProfile = composelint::yaml::de::from_str(
        r#"
id: broken
name: Broken
source: ""
confidence: unverified
protocol: redis
default_port: 0
schemes:
  - {scheme: redis}
  - {scheme: redis}
  - {scheme: "Redis://"}
listen:
  binary_default: "localhost:6379"
  settings:
    - {env: A, flag: "--a", syntax: host}
    - {flag: "--b", syntax: ollama_host}
images:
  - {repository: "docker.io/x/y:1", kind: official, confidence: verified, source: s}
  - {repository: z, kind: official, confidence: verified, source: ""}
"#,
    )
    .unwrap();
    let problems = broken.problems(&[]).join("\n");
    for expected in [
        "empty source",
        "port 0",
        "binary_default does not carry default_port",
        "scheme redis listed twice",
        "is not a lowercase scheme name",
        "not exactly one of env, flag, config",
        "ollama_host syntax without a variable",
        "image docker.io/x/y:1 is not a bare lower-case repository path",
        "image z has no source",
    ] {
        assert!(
            problems.contains(expected),
            "missing {expected:?} in:\n{problems}"
        );
    }
    let typo = composelint::yaml::de::from_str::<knowledge::ServerProfile>(
        "{id: a, name: A, source: s, confidence: verified, protocol: gopher, default_port: 1, listen: {binary_default: ':1'}, images: []}",
    );
    assert!(typo.is_err());
}

// ---------------------------------------------------------------------------------------------
// Clients: every app of clients.json with its listed images

/// (clients.json app, its images — prose entries replaced as noted, profile id or None when
/// the app is in the unmatched list).
const CLIENTS_JSON: &[(&str, &[&str], Option<&str>)] = &[
    (
        "Open WebUI",
        &[
            "ghcr.io/open-webui/open-webui:main",
            "ghcr.io/open-webui/open-webui:cuda",
            "ghcr.io/open-webui/open-webui:ollama",
        ],
        Some("open-webui"),
    ),
    (
        "AnythingLLM",
        &["mintplexlabs/anythingllm"],
        Some("anythingllm"),
    ),
    (
        "Dify",
        &[
            "langgenius/dify-api",
            "langgenius/dify-web",
            "langgenius/dify-plugin-daemon",
        ],
        Some("dify"),
    ),
    (
        "n8n (self-hosted-ai-starter-kit)",
        &["n8nio/n8n", "docker.n8n.io/n8nio/n8n"],
        Some("n8n"),
    ),
    (
        "LibreChat",
        &[
            "ghcr.io/danny-avila/librechat",
            "ghcr.io/danny-avila/librechat-dev",
        ],
        Some("librechat"),
    ),
    ("Flowise", &["flowiseai/flowise"], Some("flowise")),
    (
        "LiteLLM",
        &[
            "ghcr.io/berriai/litellm",
            "ghcr.io/berriai/litellm-database",
        ],
        Some("litellm"),
    ),
    (
        "Perplexica",
        &[
            "itzcrazykns1337/perplexica:latest",
            "itzcrazykns1337/perplexica-backend",
            "itzcrazykns1337/perplexica-frontend",
        ],
        Some("perplexica"),
    ),
    (
        "LobeChat",
        &["lobehub/lobe-chat", "lobehub/lobe-chat-database"],
        Some("lobechat"),
    ),
    (
        "privateGPT",
        &["zylonai/private-gpt:0.6.2-ollama", "zylonai/private-gpt"],
        Some("private-gpt"),
    ),
    ("RAGFlow", &["infiniflow/ragflow"], Some("ragflow")),
    (
        "Khoj",
        &["ghcr.io/khoj-ai/khoj", "ghcr.io/khoj-ai/khoj-cloud"],
        Some("khoj"),
    ),
    ("Langflow", &["langflowai/langflow"], Some("langflow")),
    (
        "Onyx (Danswer)",
        &[
            "onyxdotapp/onyx-backend",
            "onyxdotapp/onyx-web-server",
            "onyxdotapp/onyx-model-server",
            "danswer/danswer-backend",
        ],
        Some("onyx"),
    ),
    (
        "MaxKB",
        &["1panel/maxkb", "registry.fit2cloud.com/maxkb/maxkb"],
        Some("maxkb"),
    ),
    ("FastGPT", &["ghcr.io/labring/fastgpt"], Some("fastgpt")),
    ("big-AGI", &["ghcr.io/enricoros/big-agi"], Some("big-agi")),
    ("Hollama", &["ghcr.io/fmaclen/hollama"], Some("hollama")),
    ("Continue (IDE extension)", &[], None),
    (
        "chatbot-ollama",
        &["ghcr.io/ivanfioravanti/chatbot-ollama:main"],
        Some("chatbot-ollama"),
    ),
    ("ollama-webui-lite", &[], None),
    // clients.json names no image; the OpenMemory image is the one in the corpus.
    ("mem0", &["mem0/openmemory-mcp"], Some("openmemory")),
    ("Quivr", &[], None),
    ("Verba", &["semitechnologies/verba"], Some("verba")),
    (
        "Kotaemon",
        &[
            "ghcr.io/cinnamon/kotaemon:main-full",
            "ghcr.io/cinnamon/kotaemon:main-ollama",
            "ghcr.io/cinnamon/kotaemon:main-lite",
        ],
        Some("kotaemon"),
    ),
    (
        "GPT Researcher",
        &["gptresearcher/gpt-researcher"],
        Some("gpt-researcher"),
    ),
    ("Letta (MemGPT)", &["letta/letta"], Some("letta")),
    ("LightRAG", &["ghcr.io/hkuds/lightrag"], Some("lightrag")),
    ("Docker GenAI Stack", &[], None),
    (
        "LLocalSearch",
        &[
            "nilsherzig/llocalsearch-backend",
            "nilsherzig/llocalsearch-frontend",
        ],
        Some("llocalsearch"),
    ),
    ("OpenUI (wandb)", &["ghcr.io/wandb/openui"], Some("openui")),
    (
        "Open Notebook",
        &["lfnovo/open_notebook:v1-latest"],
        Some("open-notebook"),
    ),
    // clients.json says "(compose builds)"; the corpus shows the published image.
    (
        "bolt.diy",
        &["ghcr.io/stackblitz-labs/bolt.diy:latest"],
        Some("bolt-diy"),
    ),
];

#[test]
fn every_clients_json_app_is_matched_or_listed_unmatched() {
    assert_eq!(CLIENTS_JSON.len(), 33);
    let unmatched: BTreeSet<&str> = knowledge::knowledge()
        .unmatched
        .iter()
        .map(|u| u.app.as_str())
        .collect();
    for (app, images, id) in CLIENTS_JSON {
        match id {
            Some(id) => {
                assert!(!images.is_empty(), "{app}");
                for image in *images {
                    let got = client_for_image(image).map(|c| c.id.as_str());
                    assert_eq!(got, Some(*id), "{app}: {image}");
                }
            }
            None => assert!(unmatched.contains(app), "{app} is not listed as unmatched"),
        }
    }
    assert_eq!(
        unmatched.len(),
        CLIENTS_JSON.iter().filter(|c| c.2.is_none()).count()
    );
}

#[test]
fn registry_and_tag_are_ignored_for_clients() {
    for image in [
        "open-webui/open-webui",
        "docker.io/mintplexlabs/anythingllm:1.8",
        "mintplexlabs/anythingllm:latest@sha256:abcd",
        "harbor.corp.example/hub/lobehub/lobe-chat:1.94",
        "ghcr.io/linkwarden/linkwarden:latest",
        "ghcr.io/wandb/openui:latest",
        "nilsherzig/llocalsearch-backend:latest",
    ] {
        assert!(client_for_image(image).is_some(), "{image}");
    }
}

#[test]
fn non_client_images_match_nothing() {
    for image in [
        "nginx",
        "nginx:1.27-alpine",
        "postgres",
        "postgres:16-alpine",
        "docker.io/library/redis:alpine",
        "qdrant/qdrant",
        "chromadb/chroma",
        "traefik:v2.10",
        "searxng/searxng:latest",
        "ollama/ollama",
        "ollama/ollama:latest",
        "ghcr.io/open-webui/pipelines:main",
        "bolt-ai:production",
        "",
        "   ",
        "::",
    ] {
        assert!(client_for_image(image).is_none(), "{image:?}");
    }
    for image in ["nginx", "postgres:16-alpine", "redis", "qdrant/qdrant", ""] {
        assert!(server_for_image(image).is_none(), "{image:?}");
    }
}

#[test]
fn frontends_that_never_call_ollama_are_marked() {
    let fe = client_match("itzcrazykns1337/perplexica-frontend:main").unwrap();
    assert_eq!(fe.makes_requests(), Some(false));
    let be = client_match("itzcrazykns1337/perplexica-backend:main").unwrap();
    assert_ne!(be.makes_requests(), Some(false));
    let web = client_match("langgenius/dify-web:1.0").unwrap();
    assert_eq!(web.makes_requests(), Some(false));
    let daemon = client_match("langgenius/dify-plugin-daemon:0.1").unwrap();
    assert_eq!(daemon.makes_requests(), Some(true));
}

// ---------------------------------------------------------------------------------------------
// Client settings

#[test]
fn open_webui_settings() {
    let p = knowledge::client("open-webui").unwrap();
    let base = p.url_var("OLLAMA_BASE_URL").unwrap();
    assert_eq!(base.scheme, SchemeRule::Required);
    assert_eq!(base.path, PathKind::None);
    assert_eq!(base.side(p), Side::Server);
    let urls = p.url_var("OLLAMA_BASE_URLS").unwrap();
    assert_eq!(urls.list_separator.as_deref(), Some(";"));
    assert_eq!(urls.overrides, ["OLLAMA_BASE_URL"]);
    assert!(urls.persistent);
    assert_eq!(base.items("http://a:11434;x"), ["http://a:11434;x"]);
    assert_eq!(
        urls.items(" http://a:11434 ;http://b:11434; "),
        ["http://a:11434", "http://b:11434", ""]
    );
    let deprecated = p.url_var("OLLAMA_API_BASE_URL").unwrap();
    assert_eq!(deprecated.path, PathKind::Api);
    assert!(deprecated.deprecated);
    let openai = p.url_var("OPENAI_API_BASE_URL").unwrap();
    assert_eq!((openai.api, openai.path), (Api::Openai, PathKind::V1));
    assert_eq!(p.url_vars().count(), 5);
}

#[test]
fn open_webui_default_without_url_is_host_docker_internal() {
    // Scenario C14: nothing set, `:main` image.
    let m = client_match("ghcr.io/open-webui/open-webui:main").unwrap();
    let refs = m.references(&env(&[]));
    assert_eq!(refs.len(), 2, "{refs:?}");
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(
        base.value.as_deref(),
        Some("http://host.docker.internal:11434")
    );
    assert!(matches!(base.origin, ValueOrigin::Default(_)));
    assert_eq!(base.status, Status::Active);
    let openai = refs
        .iter()
        .find(|r| r.var.name == "OPENAI_API_BASE_URL")
        .unwrap();
    assert_eq!(openai.value.as_deref(), Some("https://api.openai.com/v1"));
}

#[test]
fn open_webui_bundle_default_is_localhost() {
    // Scenario C01.
    let m = client_match("ghcr.io/open-webui/open-webui:ollama").unwrap();
    let refs = m.references(&env(&[]));
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(base.value.as_deref(), Some("http://localhost:11434"));
}

#[test]
fn open_webui_explicit_and_empty_values() {
    let m = client_match("ghcr.io/open-webui/open-webui:main").unwrap();
    let refs = m.references(&env(&[("OLLAMA_BASE_URL", "http://ollama:11434")]));
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(base.value.as_deref(), Some("http://ollama:11434"));
    assert!(matches!(base.origin, ValueOrigin::Compose));

    // K8S_FLAG only rewrites the placeholder.
    let refs = m.references(&env(&[("K8S_FLAG", "1")]));
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(
        base.value.as_deref(),
        Some("http://ollama-service.open-webui.svc.cluster.local:11434")
    );

    // An empty OLLAMA_BASE_URL takes OLLAMA_API_BASE_URL without its /api.
    let refs = m.references(&env(&[("OLLAMA_BASE_URL", "")]));
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(base.value.as_deref(), Some("http://localhost:11434"));
    let refs = m.references(&env(&[
        ("OLLAMA_BASE_URL", ""),
        ("OLLAMA_API_BASE_URL", "http://10.0.0.5:11434/api"),
    ]));
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(base.value.as_deref(), Some("http://10.0.0.5:11434"));
    let api = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_API_BASE_URL")
        .unwrap();
    assert_eq!(api.status, Status::Active);
}

#[test]
fn open_webui_deprecated_variable_is_ignored_in_the_image() {
    // Scenario M15.
    let m = client_match("ghcr.io/open-webui/open-webui:main").unwrap();
    let refs = m.references(&env(&[(
        "OLLAMA_API_BASE_URL",
        "http://10.10.1.201:11434/api",
    )]));
    let api = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_API_BASE_URL")
        .unwrap();
    assert_eq!(api.status, Status::Ignored);
    assert!(matches!(api.origin, ValueOrigin::Compose));
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(
        base.value.as_deref(),
        Some("http://host.docker.internal:11434")
    );
    assert_eq!(base.status, Status::Active);
}

#[test]
fn renamed_and_legacy_images_are_recognised() {
    // Each repository comes from the app's own repository or its rename (clients.yaml
    // `source`): Open WebUI's old name, LobeChat's new one, LibreChat's API images, Flowise's
    // queue worker, LiteLLM's Alpine build.
    for (image, id) in [
        ("ghcr.io/ollama-webui/ollama-webui:main", "ollama-webui"),
        ("ghcr.io/ollama-webui/ollama-webui", "ollama-webui"),
        ("lobehub/lobehub:latest", "lobechat"),
        ("docker.io/lobehub/lobehub", "lobechat"),
        (
            "registry.librechat.ai/librechat-ai/librechat-dev-api:latest",
            "librechat",
        ),
        ("ghcr.io/danny-avila/librechat-dev-api:latest", "librechat"),
        ("flowiseai/flowise-worker:latest", "flowise"),
        ("ghcr.io/berriai/litellm-alpine:main-latest", "litellm"),
    ] {
        let got = client_for_image(image).map(|c| c.id.as_str());
        assert_eq!(got, Some(id), "{image}");
    }
    // LibreChat's RAG API is another program (it embeds through Ollama on its own terms).
    assert!(client_for_image("ghcr.io/danny-avila/librechat-rag-api-dev-lite:latest").is_none());
}

#[test]
fn legacy_ollama_webui_reads_only_the_api_variable_with_its_suffix() {
    // ollama-webui backend/config.py: `/ollama/api` (the image's ENV) in prod becomes
    // http://host.docker.internal:11434/api; the value includes /api.
    let m = client_match("ghcr.io/ollama-webui/ollama-webui:main").unwrap();
    let refs = m.references(&env(&[]));
    assert_eq!(refs.len(), 1, "{refs:?}");
    assert_eq!(refs[0].var.name, "OLLAMA_API_BASE_URL");
    assert_eq!(
        refs[0].value.as_deref(),
        Some("http://host.docker.internal:11434/api")
    );
    assert_eq!(refs[0].var.path, PathKind::Api);
    assert!(m.profile.url_var("OLLAMA_BASE_URL").is_none());
    let set = m.references(&env(&[("OLLAMA_API_BASE_URL", "http://ollama:11434/api")]));
    assert!(matches!(set[0].origin, ValueOrigin::Compose));
    assert_eq!(set[0].status, Status::Active);
}

#[test]
fn a_misnamed_variable_stands_for_the_apps_first_ollama_setting() {
    let webui = client_match("ghcr.io/open-webui/open-webui:main").unwrap();
    let target = webui.stand_in_target(&env(&[])).map(|v| v.name.as_str());
    assert_eq!(target, Some("OLLAMA_BASE_URL"));
    // Any of the app's own settings written: the app has its URL.
    for set in ["OLLAMA_BASE_URL", "OLLAMA_BASE_URLS", "OLLAMA_API_BASE_URL"] {
        let e = env(&[(set, "http://ollama:11434")]);
        assert!(webui.stand_in_target(&e).is_none(), "{set}");
    }
    // Turned off: no setting is in use.
    let off = env(&[("ENABLE_OLLAMA_API", "false")]);
    assert!(webui.stand_in_target(&off).is_none());
    let legacy = client_match("ghcr.io/ollama-webui/ollama-webui:main").unwrap();
    let target = legacy.stand_in_target(&env(&[])).map(|v| v.name.as_str());
    assert_eq!(target, Some("OLLAMA_API_BASE_URL"));
    // AnythingLLM reads OLLAMA_BASE_PATH only with the Ollama provider selected.
    let anything = client_match("mintplexlabs/anythingllm").unwrap();
    let with = env(&[("LLM_PROVIDER", "ollama")]);
    let target = anything.stand_in_target(&with).map(|v| v.name.as_str());
    assert_eq!(target, Some("OLLAMA_BASE_PATH"));
    // Knowledge that is not firm is not enough to say what the app reads.
    let openui = client_match("ghcr.io/wandb/openui").unwrap();
    assert!(openui.stand_in_target(&env(&[])).is_none());
}

#[test]
fn open_webui_precedence_and_switch() {
    let m = client_match("ghcr.io/open-webui/open-webui:main").unwrap();
    let refs = m.references(&env(&[
        ("OLLAMA_BASE_URL", "http://a:11434"),
        ("OLLAMA_BASE_URLS", "http://b:11434;http://c:11434"),
    ]));
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(
        base.status,
        Status::Overridden {
            by: "OLLAMA_BASE_URLS"
        }
    );
    let urls = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URLS")
        .unwrap();
    assert_eq!(urls.status, Status::Active);

    for value in ["false", "False", "0", ""] {
        let refs = m.references(&env(&[
            ("ENABLE_OLLAMA_API", value),
            ("OLLAMA_BASE_URL", "http://a:11434"),
        ]));
        let base = refs
            .iter()
            .find(|r| r.var.name == "OLLAMA_BASE_URL")
            .unwrap();
        assert_eq!(base.status, Status::Disabled, "ENABLE_OLLAMA_API={value:?}");
    }
    let refs = m.references(&env(&[
        ("ENABLE_OLLAMA_API", "TRUE"),
        ("OLLAMA_BASE_URL", "http://a:11434"),
    ]));
    assert_eq!(refs[0].status, Status::Active);
}

#[test]
fn chatbot_ollama_empty_value_clobbers_the_image_default() {
    // Corpus verdict §17: `OLLAMA_HOST=` makes the app fall back to 127.0.0.1.
    let m = client_match("ghcr.io/ivanfioravanti/chatbot-ollama:main").unwrap();
    let refs = m.references(&env(&[("OLLAMA_HOST", "")]));
    assert_eq!(refs[0].value.as_deref(), Some("http://127.0.0.1:11434"));
    let refs = m.references(&env(&[]));
    assert_eq!(
        refs[0].value.as_deref(),
        Some("http://host.docker.internal:11434")
    );
    assert!(matches!(refs[0].origin, ValueOrigin::Image));
}

#[test]
fn activation_conditions() {
    let m = client_match("mintplexlabs/anythingllm").unwrap();
    let refs = m.references(&env(&[(
        "OLLAMA_BASE_PATH",
        "http://host.docker.internal:11434",
    )]));
    assert_eq!(refs[0].status, Status::Inactive);
    let refs = m.references(&env(&[
        ("LLM_PROVIDER", "ollama"),
        ("OLLAMA_BASE_PATH", "http://host.docker.internal:11434"),
    ]));
    assert_eq!(refs[0].status, Status::Active);
    // Unset with no default: no reference at all.
    assert!(m.references(&env(&[("LLM_PROVIDER", "ollama")])).is_empty());

    // LightRAG's binding defaults to ollama; an OpenAI binding expects /v1.
    let m = client_match("ghcr.io/hkuds/lightrag").unwrap();
    let var = m.profile.url_var("LLM_BINDING_HOST").unwrap();
    let refs = m.references(&env(&[]));
    assert!(refs.iter().all(|r| r.status == Status::Active));
    assert_eq!(refs.len(), 2);
    assert_eq!(var.expectation(&env(&[])).path, PathKind::None);
    let openai = var.expectation(&env(&[("LLM_BINDING", "openai")]));
    assert_eq!((openai.api, openai.path), (Api::Openai, PathKind::V1));
    let refs = m.references(&env(&[
        ("LLM_BINDING", "azure_openai"),
        ("LLM_BINDING_HOST", "https://x.openai.azure.com"),
    ]));
    let llm = refs
        .iter()
        .find(|r| r.var.name == "LLM_BINDING_HOST")
        .unwrap();
    assert_eq!(llm.status, Status::Inactive);
    // Unwritten and not in use: not listed.
    let refs = m.references(&env(&[("LLM_BINDING", "azure_openai")]));
    assert!(refs.iter().all(|r| r.var.name != "LLM_BINDING_HOST"));

    // Kotaemon reads KH_OLLAMA_URL only with LOCAL_MODEL.
    let m = client_match("ghcr.io/cinnamon/kotaemon:main-full").unwrap();
    assert!(m.references(&env(&[])).is_empty());
    let refs = m.references(&env(&[("LOCAL_MODEL", "qwen2.5:7b")]));
    assert_eq!(refs[0].value.as_deref(), Some("http://localhost:11434/v1/"));
    assert_eq!(refs[0].status, Status::Active);
    let refs = m.references(&env(&[("KH_OLLAMA_URL", "http://ollama:11434/v1/")]));
    assert_eq!(refs[0].status, Status::Inactive);
}

#[test]
fn sides_and_browser_overrides() {
    let hollama = knowledge::client("hollama").unwrap();
    assert_eq!(hollama.url_settings[0].side(hollama), Side::Browser);
    let lobe = knowledge::client("lobechat").unwrap();
    assert_eq!(
        lobe.url_var("OLLAMA_PROXY_URL").unwrap().side(lobe),
        Side::Both
    );
    // Linkwarden reads a NEXT_PUBLIC_ variable server-side (verdict §32).
    let lw = client_match("ghcr.io/linkwarden/linkwarden:latest").unwrap();
    let var = lw
        .profile
        .url_var("NEXT_PUBLIC_OLLAMA_ENDPOINT_URL")
        .unwrap();
    assert_eq!(var.side(lw.profile), Side::Server);
    assert_eq!(
        generic::classify("NEXT_PUBLIC_OLLAMA_ENDPOINT_URL")
            .unwrap()
            .side,
        Side::Browser
    );
}

#[test]
fn loopback_rewrites() {
    // bolt.diy rewrites 127.0.0.1 when RUNNING_IN_DOCKER=true (verdict §19).
    let m = client_match("ghcr.io/stackblitz-labs/bolt.diy:latest").unwrap();
    let refs = m.references(&env(&[
        ("OLLAMA_API_BASE_URL", "http://127.0.0.1:11434"),
        ("RUNNING_IN_DOCKER", "true"),
    ]));
    assert_eq!(
        refs[0].loopback_rewrite.map(|r| r.to.as_str()),
        Some("host.docker.internal")
    );
    let refs = m.references(&env(&[("OLLAMA_API_BASE_URL", "http://127.0.0.1:11434")]));
    assert!(refs[0].loopback_rewrite.is_none());
    // OpenMemory always rewrites inside Docker (verdict §11).
    let m = client_match("mem0/openmemory-mcp").unwrap();
    let refs = m.references(&env(&[("OLLAMA_BASE_URL", "http://localhost:11434")]));
    assert!(refs[0].loopback_rewrite.is_some());
}

/// Whether a URL fits a setting's scheme and path rules.
fn fits(var: &knowledge::UrlVar, value: &str, env_: &BTreeMap<String, String>) -> bool {
    let has_scheme = value.contains("://");
    let scheme_ok = match var.scheme {
        SchemeRule::Required => has_scheme,
        SchemeRule::Optional | SchemeRule::Unknown => true,
        SchemeRule::HttpsIfMissing => value.starts_with("http"),
    };
    let with_scheme = if has_scheme {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let Some(url) = TargetUrl::parse(&with_scheme) else {
        return false;
    };
    scheme_ok && var.expectation(env_).accepts_path(&url.path) == Some(true)
}

#[test]
fn corpus_references_rated_ok_fit_their_profiles() {
    // (image, variable, value, extra env): references the corpus verdicts rate ok.
    let ok = [
        (
            "ghcr.io/wandb/openui",
            "OLLAMA_HOST",
            "http://ollama:11434",
            vec![],
        ),
        (
            "lfnovo/open_notebook:v1-latest",
            "OLLAMA_API_BASE",
            "http://ollama:11434",
            vec![],
        ),
        (
            "nilsherzig/llocalsearch-backend:latest",
            "OLLAMA_HOST",
            "host.docker.internal:11434",
            vec![],
        ),
        (
            "ghcr.io/khoj-ai/khoj",
            "OPENAI_BASE_URL",
            "http://host.docker.internal:11434/v1/",
            vec![],
        ),
        ("n8nio/n8n:latest", "OLLAMA_HOST", "ollama:11434", vec![]),
        (
            "ghcr.io/open-webui/open-webui:main",
            "OLLAMA_BASE_URL",
            "http://ollama-api:11434",
            vec![],
        ),
        (
            "mintplexlabs/anythingllm",
            "OLLAMA_BASE_PATH",
            "http://host.docker.internal:11434",
            vec![("LLM_PROVIDER", "ollama")],
        ),
        (
            "ghcr.io/cinnamon/kotaemon:main-full",
            "KH_OLLAMA_URL",
            "http://host.docker.internal:11434/v1/",
            vec![],
        ),
        (
            "letta/letta",
            "OLLAMA_BASE_URL",
            "http://ollama:11434/v1",
            vec![],
        ),
        (
            "lobehub/lobe-chat",
            "OLLAMA_PROXY_URL",
            "http://host.docker.internal:11434",
            vec![],
        ),
        (
            "ghcr.io/stackblitz-labs/bolt.diy:latest",
            "OLLAMA_API_BASE_URL",
            "http://127.0.0.1:11434",
            vec![("RUNNING_IN_DOCKER", "true")],
        ),
    ];
    for (image, name, value, extra) in ok {
        let m = client_match(image).unwrap();
        let var = m
            .profile
            .url_var(name)
            .unwrap_or_else(|| panic!("{image} {name}"));
        assert!(fits(var, value, &env(&extra)), "{image} {name}={value}");
    }
    // And the mistakes of the scenarios do not fit.
    let wrong = [
        // M29: LobeChat with /v1.
        (
            "lobehub/lobe-chat",
            "OLLAMA_PROXY_URL",
            "http://host.docker.internal:11434/v1",
        ),
        // M32: Open WebUI with /api.
        (
            "ghcr.io/open-webui/open-webui:main",
            "OLLAMA_BASE_URL",
            "http://192.168.1.10/api",
        ),
        // Khoj without /v1 (F-CLI-3).
        (
            "ghcr.io/khoj-ai/khoj",
            "OPENAI_BASE_URL",
            "http://ollama:11434",
        ),
        // M09-like: no scheme where one is required.
        (
            "ghcr.io/open-webui/open-webui:main",
            "OLLAMA_BASE_URL",
            "ollama:11434",
        ),
    ];
    for (image, name, value) in wrong {
        let m = client_match(image).unwrap();
        let var = m.profile.url_var(name).unwrap();
        assert!(!fits(var, value, &env(&[])), "{image} {name}={value}");
    }
}

// ---------------------------------------------------------------------------------------------
// Generic name patterns

#[test]
fn ollama_names() {
    for name in [
        "OLLAMA_BASE_URL",
        "OLLAMA_URL",
        "OLLAMA_API_BASE",
        "OLLAMA_API_BASE_URL",
        "OLLAMA_ENDPOINT",
        "OLLAMA_SERVER_URL",
        "OLLAMA_API_URL",
        "OLLAMA_BASE_PATH",
        "OLLAMA_API",
        "OLLAMA_URI",
        "PGPT_OLLAMA_API_BASE",
        "IMAGE_GEN_OLLAMA_BASE_PATH",
        "OPENWEBUI_OLLAMA_URL",
        "APP_OLLAMA_URL",
        "MEM0_OLLAMA_BASE_URL",
        "OLLAMA_EMBEDDING_BASE_URL",
        "ollama_base_url",
    ] {
        let v = generic::classify(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(v.kind, VarKind::OllamaUrl, "{name}");
        assert_eq!(v.scheme, SchemeRule::Required, "{name}");
        assert_eq!(v.path, PathKind::None, "{name}");
        assert_eq!(v.side, Side::Server, "{name}");
    }
    for name in ["OLLAMA_API_HOST", "OLLAMA_ADDR", "OLLAMA_SERVER_ADDRESS"] {
        let v = generic::classify(name).unwrap();
        assert_eq!(v.kind, VarKind::OllamaUrl);
        assert_eq!(v.scheme, SchemeRule::Unknown, "{name}");
    }
    let urls = generic::classify("OLLAMA_BASE_URLS").unwrap();
    assert!(urls.is_list);

    let host = generic::classify("OLLAMA_HOST").unwrap();
    assert_eq!(host.kind, VarKind::OllamaHost);
    assert_eq!(host.scheme, SchemeRule::Optional);
    assert_eq!(
        generic::is_ollama_url_var("OLLAMA_HOST"),
        Some(VarKind::OllamaHost)
    );

    for name in [
        "OLLAMA_ORIGINS",
        "OLLAMA_HOSTNAME",
        "OLLAMA_PORT",
        "OLLAMA_MODEL",
        "OLLAMA_KEEP_ALIVE",
        "OLLAMA_API_KEY",
        "OLLAMA_VOLUME_PATH",
        "OLLAMA_DATA_DIR",
        "OLLAMA_DOCKER_TAG",
        "OLLAMA_WEBAPI_PORT",
        "ENABLE_OLLAMA_API",
        "ENABLED_OLLAMA",
        "USE_OLLAMA_DOCKER",
        "SERVICE_URL_OLLAMA_8080",
        "SERVICE_FQDN_OLLAMA",
        "OLLAMA",
        "LOCAL_OLLAMA_RECOVERY_ENABLED",
        "DATABASE_URL",
        "AZURE_OPENAI_ENDPOINT",
        "OPENAI_API_KEY",
        "OPENAI_API_VERSION",
    ] {
        assert_eq!(generic::classify(name), None, "{name}");
    }
}

#[test]
fn openai_and_browser_names() {
    for name in [
        "OPENAI_API_BASE",
        "OPENAI_BASE_URL",
        "OPENAI_API_BASE_URL",
        "OPENAI_API_BASE_URLS",
        "OPENAI_ENDPOINT",
        "OPENAI_PROXY_URL",
        "CUSTOM_OPENAI_BASE_URL",
        "OPENAI_COMPATIBLE_API_BASE",
        "OPENAI_LIKE_API_BASE_URL",
    ] {
        let v = generic::classify(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(v.kind, VarKind::OpenAiBase, "{name}");
        assert_eq!(v.path, PathKind::V1, "{name}");
    }
    for (name, prefix) in [
        ("NEXT_PUBLIC_OLLAMA_URL", "NEXT_PUBLIC_"),
        ("VITE_OLLAMA_BASE_URL", "VITE_"),
        ("PUBLIC_OLLAMA_ENDPOINT", "PUBLIC_"),
        ("REACT_APP_OLLAMA_HOST", "REACT_APP_"),
    ] {
        let v = generic::classify(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(v.side, Side::Browser, "{name}");
        assert_eq!(v.browser_prefix, Some(prefix));
        assert_eq!(v.kind, VarKind::OllamaUrl, "{name}");
        assert_eq!(generic::browser_prefix(name), Some(prefix));
    }
    let v = generic::classify("NEXT_PUBLIC_OPENAI_BASE_URL").unwrap();
    assert_eq!((v.kind, v.side), (VarKind::OpenAiBase, Side::Browser));
    assert_eq!(generic::browser_prefix("OLLAMA_URL"), None);
}

// ---------------------------------------------------------------------------------------------
// Proxies

#[test]
fn proxy_variable_names() {
    let p = proxy::proxy_var("HTTP_PROXY").unwrap();
    assert_eq!((p.kind, p.lowercase), (ProxyKind::Http, false));
    let p = proxy::proxy_var("http_proxy").unwrap();
    assert_eq!((p.kind, p.lowercase), (ProxyKind::Http, true));
    assert_eq!(
        proxy::proxy_var("Https_Proxy").unwrap().kind,
        ProxyKind::Https
    );
    assert_eq!(proxy::proxy_var("all_proxy").unwrap().kind, ProxyKind::All);
    assert_eq!(
        proxy::proxy_var("no_proxy").unwrap().kind,
        ProxyKind::NoProxy
    );
    assert_eq!(proxy::proxy_var("FTP_PROXY"), None);
    assert_eq!(proxy::proxy_var("PROXY"), None);
    assert!(ProxyKind::Http.applies_to_scheme("http"));
    assert!(!ProxyKind::Https.applies_to_scheme("http"));
    assert!(ProxyKind::All.applies_to_scheme("http"));
    assert!(!ProxyKind::NoProxy.applies_to_scheme("http"));
}

#[test]
fn no_proxy_coverage_common_to_all_clients() {
    let covered = [
        ("ollama", "ollama"),
        ("ollama,localhost,127.0.0.1", "localhost"),
        ("localhost, 127.0.0.1 , ollama", "ollama"),
        ("OLLAMA", "ollama"),
        ("ollama", "OLLAMA"),
        ("host.docker.internal", "host.docker.internal"),
        ("*", "anything.example"),
        (".example.com", "api.example.com"),
        ("example.com", "api.example.com"),
        ("example.com", "example.com"),
        ("172.17.0.1", "172.17.0.1"),
    ];
    for (list, host) in covered {
        assert!(
            proxy::no_proxy_covers(list, host),
            "NO_PROXY={list} host={host}"
        );
    }
    let not_covered = [
        ("", "ollama"),
        ("localhost,127.0.0.1", "ollama"),
        ("ollama", "ollama-gpu"),
        ("ollama", "myollama"),
        ("example.com", "notexample.com"),
        // Honoured by some clients only.
        ("172.16.0.0/12", "172.17.0.1"),
        ("*.example.com", "api.example.com"),
        (".example.com", "example.com"),
        ("ollama:11434", "ollama"),
        (" *", "ollama"),
        ("ollama,*", "other"),
    ];
    for (list, host) in not_covered {
        assert!(
            !proxy::no_proxy_covers(list, host),
            "NO_PROXY={list} host={host}"
        );
    }
}

#[test]
fn no_proxy_where_clients_differ() {
    let go = ProxyClient::Go;
    let py = ProxyClient::PythonUrllib;
    // CIDR: Go only (F-502-2).
    assert!(go.no_proxy_matches("172.16.0.0/12", "172.17.0.1", None));
    assert!(!py.no_proxy_matches("172.16.0.0/12", "172.17.0.1", None));
    assert!(!go.no_proxy_matches("172.16.0.0/12", "ollama", None));
    // `.domain`: subdomains only for Go, the name too for Python.
    assert!(!go.no_proxy_matches(".example.com", "example.com", None));
    assert!(py.no_proxy_matches(".example.com", "example.com", None));
    // `*.domain`: Go only.
    assert!(go.no_proxy_matches("*.example.com", "a.example.com", None));
    assert!(!py.no_proxy_matches("*.example.com", "a.example.com", None));
    // `*` inside a list: Go only.
    assert!(go.no_proxy_matches("ollama,*", "other", None));
    assert!(!py.no_proxy_matches("ollama,*", "other", None));
    // Ports.
    assert!(go.no_proxy_matches("ollama:11434", "ollama", Some(11434)));
    assert!(!go.no_proxy_matches("ollama:11434", "ollama", Some(80)));
    assert!(py.no_proxy_matches("ollama:11434", "ollama", Some(11434)));
    assert!(go.no_proxy_matches("ollama", "ollama", Some(11434)));
    // Go never proxies loopback; Python does unless exempted.
    assert!(go.skips_proxy(None, "localhost", Some(11434)));
    assert!(go.skips_proxy(None, "127.0.0.1", None));
    assert!(go.skips_proxy(None, "[::1]", None));
    assert!(!py.skips_proxy(None, "localhost", Some(11434)));
    assert!(!go.skips_proxy(None, "ollama", None));
    assert!(py.skips_proxy(Some("ollama"), "ollama", None));
    // IPv6 literals.
    assert!(go.no_proxy_matches("::1", "[::1]", None));
    assert!(go.no_proxy_matches("fd00::/8", "fd00::5", None));
}

#[test]
fn which_no_proxy_spelling_each_client_reads() {
    let both = env(&[("NO_PROXY", "upper"), ("no_proxy", "lower")]);
    assert_eq!(ProxyClient::Go.no_proxy_value(&both), Some("upper"));
    assert_eq!(
        ProxyClient::PythonUrllib.no_proxy_value(&both),
        Some("lower")
    );
    let lower_empty = env(&[("NO_PROXY", "upper"), ("no_proxy", "")]);
    assert_eq!(ProxyClient::Go.no_proxy_value(&lower_empty), Some("upper"));
    assert_eq!(ProxyClient::PythonUrllib.no_proxy_value(&lower_empty), None);
    let only_lower = env(&[("no_proxy", "ollama")]);
    assert_eq!(ProxyClient::Go.no_proxy_value(&only_lower), Some("ollama"));
    assert_eq!(ProxyClient::Go.no_proxy_value(&env(&[])), None);
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles

#[test]
fn dockerfile_final_stage_base() {
    let cases: &[(&str, Option<&str>)] = &[
        ("FROM ollama/ollama\n", Some("ollama/ollama")),
        (
            "from ollama/ollama:0.5.7\nRUN true\n",
            Some("ollama/ollama:0.5.7"),
        ),
        (
            "FROM golang:1.22 AS build\nRUN go build\nFROM ollama/ollama:latest\nCOPY --from=build /x /x\n",
            Some("ollama/ollama:latest"),
        ),
        (
            "FROM ollama/ollama:latest\nFROM python:3.12-slim\n",
            Some("python:3.12-slim"),
        ),
        (
            "FROM --platform=$BUILDPLATFORM ollama/ollama:0.5 AS base\nRUN ollama --version\nFROM base AS final\nENV OLLAMA_HOST=0.0.0.0:8080\n",
            Some("ollama/ollama:0.5"),
        ),
        (
            "FROM ollama/ollama AS Base\nFROM base AS middle\nFROM MIDDLE\n",
            Some("ollama/ollama"),
        ),
        (
            "ARG OLLAMA_VERSION=0.5.7\nFROM ollama/ollama:${OLLAMA_VERSION}\n",
            Some("ollama/ollama:${OLLAMA_VERSION}"),
        ),
        ("ARG BASE=ollama/ollama\nFROM ${BASE}\n", Some("${BASE}")),
        // A stage cannot refer to itself or to a later stage: the name is an image then.
        (
            "FROM later AS first\nFROM ollama/ollama AS later\nFROM first\n",
            Some("later"),
        ),
        (
            "# syntax=docker/dockerfile:1\n# comment\nFROM \\\n  ollama/ollama\n",
            Some("ollama/ollama"),
        ),
        ("FROM scratch\n", Some("scratch")),
        ("RUN echo no from\n", None),
        ("", None),
        ("FROM\n", None),
    ];
    for (text, want) in cases {
        assert_eq!(dockerfile_final_base(text).as_deref(), *want, "{text:?}");
    }
    let base = dockerfile_final_base("ARG V\nFROM docker.io/ollama/ollama:${V} AS srv\n").unwrap();
    assert!(ollama().matches_image(&base).is_some());
}

#[test]
fn odd_inputs_do_not_panic() {
    for text in [
        "\\",
        "FROM \\",
        "# escape=`\n`",
        "FROM a AS",
        "FROM --platform=x",
        "é\u{0}",
    ] {
        let _ = dockerfile_final_base(text);
    }
    for value in [
        "[", "]", "[::1", "::1]", "://", "http://", "a:b:c", "[a]:b", "\u{a0}", "''",
    ] {
        let _ = parse_ollama_host(value);
        let _ = server_for_image(value);
        let _ = client_for_image(value);
        let _ = generic::classify(value);
        let _ = proxy::no_proxy_covers(value, value);
    }
}

#[test]
fn consistency_checks_catch_broken_profiles() {
    let broken: knowledge::ClientProfile = composelint::yaml::de::from_str(
        r#"
id: broken
name: Broken
side: server
source: ""
images:
  - {repository: example/app, confidence: verified}
  - {repository: example/app, tags: ["x"], confidence: verified}
  - {repository: "ghcr.io/example/app:1", confidence: verified}
url_settings:
  - {name: A_URL, api: ollama, scheme: required, path: none, appends: api,
     confidence: verified, source: s, overrides: [MISSING],
     defaults: [{url: "not a url"}, {url: "http://x", none: true}]}
  - {name: A_URL, api: ollama, scheme: required, path: none, appends: api,
     confidence: verified, source: s, active_when: [{env: X}]}
switches:
  - {when: [{env: E, set: false}], disables: [NOPE], confidence: verified, source: s}
"#,
    )
    .unwrap();
    let problems = broken.problems().join("\n");
    for expected in [
        "empty source",
        "shadowed by an earlier catch-all",
        "not a bare lower-case repository path",
        "duplicate setting A_URL",
        "overrides unknown variable MISSING",
        "is not an http(s) URL",
        "exactly one of url, from_var, none",
        "tests nothing",
        "switch disables unknown variable NOPE",
    ] {
        assert!(
            problems.contains(expected),
            "missing {expected:?} in:\n{problems}"
        );
    }
    // Unknown fields are refused when the tables are parsed.
    let typo = composelint::yaml::de::from_str::<knowledge::ClientProfile>(
        "{id: a, name: a, side: server, source: s, images: [], url_settings: [], sidee: x}",
    );
    assert!(typo.is_err());
}

#[test]
fn empty_list_variable_falls_back_to_the_single_one() {
    let m = client_match("ghcr.io/open-webui/open-webui:main").unwrap();
    let refs = m.references(&env(&[
        ("OLLAMA_BASE_URLS", ""),
        ("OLLAMA_BASE_URL", "http://ollama:11434"),
    ]));
    let base = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URL")
        .unwrap();
    assert_eq!(base.status, Status::Active);
    let urls = refs
        .iter()
        .find(|r| r.var.name == "OLLAMA_BASE_URLS")
        .unwrap();
    assert_eq!(urls.value.as_deref(), Some("http://ollama:11434"));
    assert!(matches!(urls.origin, ValueOrigin::Default(_)));
}
