//! The merge vectors of `fixtures/oracle/merge.json`: several compose files merged in order,
//! then rendered as `docker compose config --format json` renders the loaded project.

mod support;

use composelint::compose::config::{CanonicalContext, to_config_json};
use composelint::compose::merge::{enforce_unicity, merge, merge_at, merge_documents};
use serde::Deserialize;
use serde_json::Value;
use support::yaml_tree::{node_to_json, parse};

const PROJECT_DIR: &str = "/proj";

#[derive(Debug, Deserialize)]
struct Vector {
    files: Vec<String>,
    #[serde(default)]
    expected_service_fields: Option<Value>,
    #[serde(default)]
    expected_top_level: Option<Value>,
    #[serde(default)]
    expected_error: Option<String>,
    #[serde(default)]
    merge_level_expected_yaml: Option<String>,
    source: String,
}

fn vectors() -> Vec<Vector> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/oracle/merge.json");
    let text = std::fs::read_to_string(path).expect("merge vectors are readable");
    serde_json::from_str(&text).expect("merge vectors are valid JSON")
}

/// Vectors whose expected error comes from validating the merged model against Compose's
/// JSON schema, which is not part of merging: for them only the merge itself is checked,
/// against the upstream merge-level expectation.
const SCHEMA_ERRORS: &[&str] = &[
    "compose-spec/compose-go:override/merge_build_test.go#Test_mergeYamlBuildSequence",
    "compose-spec/compose-go:override/merge_build_test.go#Test_mergeYamlArgsMixed",
    "compose-spec/compose-go:override/merge_ulimits_test.go#Test_mergeYamlUlimits",
];

/// Compose's silent normalisation of a `name:` from the files.
fn normalize_project_name(name: &str) -> String {
    let kept: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// Merges the vector's files and renders the project, with the project directory replaced
/// by the vectors' `<project_dir>` placeholder.
fn load(vector: &Vector) -> Result<Value, String> {
    let documents = vector.files.iter().map(|f| parse(f));
    let merged = merge_documents(documents)
        .map_err(|e| e.message)?
        .ok_or("no document")?;
    let name = merged
        .get("name")
        .and_then(|n| n.as_str())
        .map(normalize_project_name)
        .unwrap_or_else(|| "p".to_string());
    let ctx = CanonicalContext::new(name, PROJECT_DIR);
    let json = to_config_json(&merged, &ctx).map_err(|e| e.message)?;
    Ok(placeholder(json))
}

fn placeholder(value: Value) -> Value {
    match value {
        Value::String(s) => match s.strip_prefix(PROJECT_DIR) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                Value::String(format!("<project_dir>{rest}"))
            }
            _ => Value::String(s),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(placeholder).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, placeholder(v))).collect())
        }
        other => other,
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn check_loaded(vector: &Vector) -> Result<(), String> {
    if let Some(expected) = &vector.expected_error {
        return match load(vector) {
            Ok(json) => Err(format!(
                "expected error {expected:?}, got a project:\n{}",
                pretty(&json)
            )),
            Err(message) if &message == expected => Ok(()),
            Err(message) => Err(format!("expected error {expected:?}, got {message:?}")),
        };
    }
    let json = load(vector)?;
    let expected_services = vector
        .expected_service_fields
        .as_ref()
        .ok_or("vector has neither expected_service_fields nor expected_error")?;
    let services = json.get("services").cloned().unwrap_or(Value::Null);
    if &services != expected_services {
        return Err(format!(
            "services differ\nexpected: {}\nactual:   {}",
            pretty(expected_services),
            pretty(&services)
        ));
    }
    if let Some(expected_top) = &vector.expected_top_level {
        for key in ["networks", "volumes"] {
            let expected = expected_top.get(key);
            let actual = json.get(key);
            if expected != actual {
                return Err(format!(
                    "top-level {key} differ\nexpected: {}\nactual:   {}",
                    expected.map(pretty).unwrap_or_else(|| "absent".into()),
                    actual.map(pretty).unwrap_or_else(|| "absent".into())
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_merge_vector_loads_as_compose_loads_it() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 67);
    let mut failures = Vec::new();
    let mut checked = 0;
    for vector in &vectors {
        if SCHEMA_ERRORS.contains(&vector.source.as_str()) {
            assert!(
                vector
                    .expected_error
                    .as_deref()
                    .is_some_and(|e| e.starts_with("validating ")),
                "{} is listed as a schema error but expects {:?}",
                vector.source,
                vector.expected_error
            );
            continue;
        }
        checked += 1;
        if let Err(message) = check_loaded(vector) {
            failures.push(format!("{}: {message}", vector.source));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} vectors fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!(checked, 64);
}

/// What the upstream `override/merge_*_test.go` assert: `Merge` then `EnforceUnicity`, on the
/// raw (not yet canonical) trees.
#[test]
fn every_merge_level_expectation_holds() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for vector in vectors() {
        let Some(expected_yaml) = &vector.merge_level_expected_yaml else {
            continue;
        };
        checked += 1;
        let expected = node_to_json(&parse(expected_yaml));
        let mut documents = vector.files.iter().map(|f| parse(f));
        let first = documents.next().expect("a vector has files");
        let result = documents.try_fold(first, merge).and_then(|mut merged| {
            enforce_unicity(&mut merged)?;
            Ok(merged)
        });
        match result {
            Ok(merged) if node_to_json(&merged) == expected => {}
            Ok(merged) => failures.push(format!(
                "{}\nexpected: {}\nactual:   {}",
                vector.source,
                pretty(&expected),
                pretty(&node_to_json(&merged))
            )),
            Err(e) => failures.push(format!("{}: {}", vector.source, e.message)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!(checked, 60);
}

// --- behaviour beyond the vectors, from SEMANTICS.md ----------------------------------------

fn load_files(files: &[&str]) -> Result<Value, String> {
    let vector = Vector {
        files: files.iter().map(|f| f.to_string()).collect(),
        expected_service_fields: None,
        expected_top_level: None,
        expected_error: None,
        merge_level_expected_yaml: None,
        source: String::new(),
    };
    load(&vector)
}

fn service(json: &Value, name: &str, field: &str) -> Value {
    json.pointer(&format!("/services/{name}/{field}"))
        .cloned()
        .unwrap_or(Value::Null)
}

#[test]
fn port_dedup_compares_formatted_strings() {
    let quoted = load_files(&[
        "services: {s: {image: x, ports: ['8080:80']}}",
        "services: {s: {ports: [{target: 80, published: '8080'}]}}",
    ])
    .unwrap();
    assert_eq!(
        service(&quoted, "s", "ports").as_array().map(Vec::len),
        Some(1)
    );
    // A YAML int `published` formats as `%!s(int=8080)` and so is a different binding.
    let int = load_files(&[
        "services: {s: {image: x, ports: ['8080:80']}}",
        "services: {s: {ports: [{target: 80, published: 8080}]}}",
    ])
    .unwrap();
    let ports = service(&int, "s", "ports");
    assert_eq!(ports.as_array().map(Vec::len), Some(2));
    assert_eq!(ports[1]["published"], "8080");
    // A range and a single port meet only once both are in long syntax.
    let range = load_files(&[
        "services: {s: {image: x, ports: ['8080-8081:80-81']}}",
        "services: {s: {ports: ['8081:81']}}",
    ])
    .unwrap();
    assert_eq!(
        service(&range, "s", "ports").as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn port_ranges_expand_unless_only_the_host_side_is_a_range() {
    let json =
        load_files(&["services: {s: {image: x, ports: ['3000-3005', '8000-9000:80']}}"]).unwrap();
    let ports = service(&json, "s", "ports");
    assert_eq!(ports.as_array().map(Vec::len), Some(7));
    assert_eq!(ports[6]["published"], "8000-9000");
    assert_eq!(ports[6]["target"], 80);
}

#[test]
fn zero_target_port_is_missing() {
    let err = load_files(&["services: {s: {image: x, ports: ['80:0']}}"]).unwrap_err();
    assert_eq!(
        err,
        "service ports services.s.ports.[0] is missing a target port"
    );
}

#[test]
fn dns_string_then_list() {
    let json = load_files(&[
        "services: {s: {image: x, dns: 8.8.8.8}}",
        "services: {s: {dns: [1.1.1.1, 8.8.8.8]}}",
    ])
    .unwrap();
    assert_eq!(
        service(&json, "s", "dns"),
        serde_json::json!(["8.8.8.8", "1.1.1.1"])
    );
}

#[test]
fn resetting_one_variable_needs_map_syntax_in_the_base() {
    let from_map = load_files(&[
        "services: {s: {image: x, environment: {FOO: BAR, KEEP: 1}}}",
        "services: {s: {environment: {FOO: !reset null}}}",
    ])
    .unwrap();
    assert_eq!(
        service(&from_map, "s", "environment"),
        serde_json::json!({"KEEP": "1"})
    );
    let from_list = load_files(&[
        "services: {s: {image: x, environment: [FOO=BAR]}}",
        "services: {s: {environment: {FOO: !reset null}}}",
    ])
    .unwrap();
    assert_eq!(
        service(&from_list, "s", "environment"),
        serde_json::json!({"FOO": "BAR"})
    );
}

#[test]
fn override_replaces_and_reset_removes_whole_services() {
    let json = load_files(&[
        "services: {a: {image: x, ports: ['80:80', '443:443']}, b: {image: y}}",
        "services:\n  a:\n    ports: !override ['8443:443']\n  b: !reset\n",
    ])
    .unwrap();
    assert_eq!(
        service(&json, "a", "ports"),
        serde_json::json!([{"mode": "ingress", "protocol": "tcp", "published": "8443", "target": 443}])
    );
    assert!(json.pointer("/services/b").is_none());
}

#[test]
fn extra_hosts_with_a_new_address_keep_both() {
    let json = load_files(&[
        "services: {s: {image: x, extra_hosts: ['h=1.1.1.1']}}",
        "services: {s: {extra_hosts: {h: 2.2.2.2}}}",
    ])
    .unwrap();
    assert_eq!(
        service(&json, "s", "extra_hosts"),
        serde_json::json!(["h=1.1.1.1", "h=2.2.2.2"])
    );
    let list = load_files(&[
        "services: {s: {image: x, extra_hosts: ['a:::1', 'b=10.0.0.1,10.0.0.2', 'c=[::2]']}}",
    ])
    .unwrap();
    assert_eq!(
        service(&list, "s", "extra_hosts"),
        serde_json::json!(["a=::1", "b=10.0.0.1", "b=10.0.0.2", "c=::2"])
    );
}

#[test]
fn mismatched_types_cannot_be_merged() {
    let err = load_files(&[
        "services: {s: {image: x, environment: {A: b}, deploy: {replicas: 1}}}",
        "services: {s: {deploy: [x]}}",
    ])
    .unwrap_err();
    assert_eq!(err, "cannot override services.s.deploy");
}

#[test]
fn bare_variables_resolve_from_the_project_environment_or_stay_unset() {
    let documents = [parse(
        "services: {s: {image: x, environment: [A, B, C=], build: {context: ., args: [A, B]}}}",
    )];
    let merged = merge_documents(documents).unwrap().unwrap();
    let mut ctx = CanonicalContext::new("p", "/proj");
    ctx.environment.insert("A".into(), "from-env".into());
    let json = to_config_json(&merged, &ctx).unwrap();
    assert_eq!(
        service(&json, "s", "environment"),
        serde_json::json!({"A": "from-env", "B": null, "C": ""})
    );
    assert_eq!(
        service(&json, "s", "build")["args"],
        serde_json::json!({"A": "from-env"})
    );
}

#[test]
fn default_network_only_when_used_and_names_are_prefixed() {
    let json = load_files(&[
        "services: {s: {image: x, network_mode: host}}\nnetworks: {front: {}, ext: {external: true}, named: {name: real}}\nvolumes: {data: {}}",
    ])
    .unwrap();
    assert_eq!(
        json["networks"],
        serde_json::json!({
            "front": {"name": "p_front", "ipam": {}},
            "ext": {"name": "ext", "external": true, "ipam": {}},
            "named": {"name": "real", "ipam": {}}
        })
    );
    assert_eq!(
        json["volumes"],
        serde_json::json!({"data": {"name": "p_data"}})
    );
    assert!(json.pointer("/services/s/networks").is_none());
}

#[test]
fn service_namespaces_and_volumes_from_imply_dependencies() {
    let json = load_files(&[
        "services: {s: {image: x, network_mode: 'service:db', volumes_from: ['data:ro', 'container:c'], depends_on: [cache]}}",
    ])
    .unwrap();
    assert_eq!(
        service(&json, "s", "depends_on"),
        serde_json::json!({
            "cache": {"condition": "service_started", "required": true},
            "db": {"condition": "service_started", "restart": true, "required": true},
            "data": {"condition": "service_started", "required": true}
        })
    );
}

#[test]
fn short_volume_syntax_becomes_long_syntax() {
    let json = load_files(&[
        "services: {s: {image: x, volumes: ['./data:/data/:ro', 'cache:/cache:nocopy', '/anon']}}",
    ])
    .unwrap();
    assert_eq!(
        service(&json, "s", "volumes"),
        serde_json::json!([
            {"type": "bind", "source": "<project_dir>/data", "target": "/data", "read_only": true, "bind": {"create_host_path": true}},
            {"type": "volume", "source": "cache", "target": "/cache", "volume": {"nocopy": true}},
            {"type": "volume", "target": "/anon", "volume": {}}
        ])
    );
}

#[test]
fn commands_durations_and_sizes_take_compose_forms() {
    let json = load_files(&[
        "services: {s: {image: x, command: 'sh -c \"echo hi\"', healthcheck: {test: curl -f x, interval: 90s}, mem_limit: 1g, stop_grace_period: 1m}}",
    ])
    .unwrap();
    assert_eq!(
        service(&json, "s", "command"),
        serde_json::json!(["sh", "-c", "echo hi"])
    );
    assert_eq!(
        service(&json, "s", "healthcheck"),
        serde_json::json!({"test": ["CMD-SHELL", "curl -f x"], "interval": "1m30s"})
    );
    assert_eq!(service(&json, "s", "mem_limit"), "1073741824");
    assert_eq!(service(&json, "s", "stop_grace_period"), "1m0s");
}

#[test]
fn inactive_profiles_hide_services() {
    let documents = [parse(
        "services: {a: {image: x, profiles: [debug]}, b: {image: y}}",
    )];
    let merged = merge_documents(documents).unwrap().unwrap();
    let mut ctx = CanonicalContext::new("p", "/proj");
    let json = to_config_json(&merged, &ctx).unwrap();
    assert!(json.pointer("/services/a").is_none());
    ctx.profiles.push("debug".into());
    let json = to_config_json(&merged, &ctx).unwrap();
    assert_eq!(
        json.pointer("/services/a/profiles"),
        Some(&serde_json::json!(["debug"]))
    );
}

#[test]
fn a_service_extending_another_merges_with_the_service_rules() {
    let base = parse("image: x\nenvironment: {A: '1'}\nports: ['80:80']\ncommand: [a]\n");
    let extending =
        parse("environment: [B=2]\nports: !override ['81:81']\ncommand: [b]\nbuild: !reset\n");
    let merged = merge_at(base, extending, &["services", "web"]).unwrap();
    assert_eq!(
        node_to_json(&merged),
        serde_json::json!({
            "image": "x",
            "environment": ["A=1", "B=2"],
            "ports": ["81:81"],
            "command": ["b"]
        })
    );
    assert!(merged.get("ports").is_some_and(|p| p.tag.is_none()));
}

#[test]
fn odd_inputs_give_errors_not_panics() {
    let documents = [
        "services: {s: {ports: [1.5]}}",
        "services: {s: {ports: null}}",
        "services: {s: null, t: [1], u: 5}",
        "services: [a, b]",
        "services: {s: {environment: [1, {a: b}], labels: 5, volumes: [5, {}], build: 5}}",
        "services: {s: {environment: {A: [1, 2], B: {c: d}}, annotations: [x]}}",
        "networks: {n: {ipam: {config: 5}}}",
        "networks: {n: {ipam: {config: [1, {subnet: null}, {subnet: a}]}}}",
        "services: {s: {depends_on: {a: 5}}}",
        "services: {s: {ports: [':', '::', '[', '0:0:0:0:0', '65535-0', '1-2-3', '/udp', '80/']}}",
        "services: {s: {volumes: [':', '::::', 'a', 'é:/x', 'é', 'a:b:c:d', '~/x:/y']}}",
        "services: {s: {extra_hosts: ['=1', 'a', ':', {}], devices: ['a:b:c:d']}}",
        "services: {s: {healthcheck: {interval: '-', timeout: 1.5.5}, mem_limit: '.', shm_size: 1e400}}",
        "services: {s: {command: '\"', entrypoint: {a: b}, logging: 5, ulimits: {a: x}}}",
        "services: {s: {secrets: [5, {target: 5}], configs: [{mode: '9'}], expose: [1.5, {}]}}",
        "services: {s: {env_file: [5, {}, {path: 5}], networks: [a, a], links: ['a:b:c']}}",
        "name: 5\nvolumes: {v: {external: {name: x}}}\nx-a: [1]",
    ];
    for (i, a) in documents.iter().enumerate() {
        for b in documents.iter().skip(i) {
            let merged = merge_documents([parse(a), parse(b)]);
            if let Ok(Some(merged)) = merged {
                let _ = to_config_json(&merged, &CanonicalContext::new("p", "/proj"));
            }
        }
    }
}
