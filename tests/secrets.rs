//! Secrets stay secret: a project whose `.env` holds API keys, database passwords and tokens
//! next to real findings is linted in every output format, and no secret value appears in
//! any of them. (`composelint config` prints values on purpose, like `docker compose config`,
//! and is not checked here.)

use composelint::output::Format;

/// The name of every output format.
fn formats() -> impl Iterator<Item = &'static str> {
    Format::ALL.into_iter().map(Format::name)
}

/// Secret values, each unlikely to occur by chance in output; each is the whole value of a
/// variable or, for URLs, the credentials inside it.
const SECRETS: [&str; 9] = [
    "sk-proj-Zq81xVb0Tn4m",
    "pg-pass-6Yh2Lr9c",
    "dbpw-Rk27sQ",
    "hf_JvXo3nWq81aZ",
    "webui-secret-Pm4Ts0",
    "n8n-key-Uy71Bd",
    "ollama-pw-Hx52",
    "redis-pw-Ge93",
    "proxy-pw-Lc08",
];

const COMPOSE: &str = "\
services:
  ollama:
    image: ollama/ollama
    volumes:
      - ollama:/root/.ollama
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
  open-webui:
    image: ghcr.io/open-webui/open-webui:main
    ports:
      - \"3000:8080\"
    environment:
      OLLAMA_BASE_URL: ${OLLAMA_BASE_URL}
      OPENAI_API_KEY: ${OPENAI_API_KEY}
      WEBUI_SECRET_KEY: ${WEBUI_SECRET_KEY}
      DATABASE_URL: ${DATABASE_URL}
      HF_TOKEN: ${HF_TOKEN}
      HTTP_PROXY: ${HTTP_PROXY}
    depends_on: [ollama, db]
  n8n:
    image: n8nio/n8n
    environment:
      N8N_ENCRYPTION_KEY: ${N8N_ENCRYPTION_KEY}
      OLLAMA_HOST: ${N8N_OLLAMA_URL}
      QUEUE_BULL_REDIS_PASSWORD: ${REDIS_PASSWORD}
    depends_on: [ollama, redis]
volumes:
  ollama: {}
";

/// Each finding-bearing line sits between secrets, so any context line printed around a
/// finding shows one.
const DOTENV: &str = "\
OPENAI_API_KEY=sk-proj-Zq81xVb0Tn4m
# Open WebUI reaches Ollama through localhost: wrong inside a container (OLL001).
OLLAMA_BASE_URL=http://localhost:11434
POSTGRES_PASSWORD=pg-pass-6Yh2Lr9c
DATABASE_URL=postgres://webui:dbpw-Rk27sQ@db/webui
HF_TOKEN=hf_JvXo3nWq81aZ
# An Ollama behind basic auth, by an address that misses it (OLL001 again).
N8N_OLLAMA_URL=http://admin:ollama-pw-Hx52@127.0.0.1:11434
WEBUI_SECRET_KEY=webui-secret-Pm4Ts0
HTTP_PROXY=http://proxy:proxy-pw-Lc08@proxy.corp.example:3128
N8N_ENCRYPTION_KEY=n8n-key-Uy71Bd
REDIS_PASSWORD=redis-pw-Ge93
";

mod common;
use common::run_within as run;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), COMPOSE).unwrap();
    std::fs::write(dir.path().join(".env"), DOTENV).unwrap();
    dir
}

#[test]
fn the_project_has_real_findings() {
    let dir = project();
    // localhost and 127.0.0.1 inside a container, a depends_on naming no service.
    assert_finds(
        dir.path(),
        &["OLL001 .env:3", "OLL001 .env:8", "CMP009 compose.yaml:28"],
    );
}

/// Each of `wanted` (`CODE path:line`, or `CODE path` for any line) is found in `dir`.
fn assert_finds(dir: &std::path::Path, wanted: &[&str]) {
    let r = run(dir, &["--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let places = common::finding_places(&r.stdout, &r.stderr);
    for wanted in wanted {
        assert!(
            places
                .iter()
                .any(|p| p == wanted || p.starts_with(&format!("{wanted}:"))),
            "{wanted} missing: {places:?}"
        );
    }
}

#[test]
fn no_secret_appears_in_any_output_format() {
    let dir = project();
    let leaks = leaks_in_every_format(dir.path(), &SECRETS);
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}

/// Runs every format, with and without `--unsafe-fixes` (which words fixes differently), and
/// lists each marker any of them shows, on either stream, with its line.
fn leaks_in_every_format(dir: &std::path::Path, markers: &[&str]) -> Vec<String> {
    let mut leaks = Vec::new();
    for format in formats() {
        for extra in [&[][..], &["--unsafe-fixes"][..]] {
            let mut args = vec!["--format", format];
            args.extend_from_slice(extra);
            let r = run(dir, &args);
            assert_eq!(r.code, 1, "{args:?}: {}{}", r.stdout, r.stderr);
            assert!(!r.stdout.trim().is_empty(), "{args:?} printed nothing");
            leaks.extend(leaks_of(&format!("{args:?} stdout"), &r.stdout, markers));
            leaks.extend(leaks_of(&format!("{args:?} stderr"), &r.stderr, markers));
        }
    }
    leaks
}

// --- Credentials in every position, every rule, every format (issue 18, item 8) ----------

/// Marker passwords: none may appear in any output. Each is planted in one position.
const MARKERS: [&str; 17] = [
    "Zq7pw-url",      // scheme://user:pw@host in .env (OLL001)
    "Zq7pw-inline",   // scheme://user:pw@host written in the compose file (OLL003)
    "Zq7pw-bare",     // user:pw@host:port without a scheme (OLL010, scheme missing)
    "Zq7pw-bslash",   // http:\\user:pw@host
    "Zq7pw\"quote",   // a password holding a double quote
    "Zq7pw space",    // a password holding a space
    "Zq7pw-proxy",    // HTTP_PROXY=http://user:pw@proxy:3128 (OLL015)
    "Zq7pw-https",    // https://user:pw@ollama (OLL010's help)
    "Zq7pw-path",     // http://user:pw@ollama:11434/v1 (OLL011's help)
    "Zq7pw-unterm",   // POSTGRES_PASSWORD="unterminated (CMP007)
    "Zq7pw-ctx-env",  // a secret line next to a finding in an env file
    "Zq7pw-ctx-yaml", // a secret value next to a finding in the compose file
    "Zq7pw-included", // a secret in the .env of an included project, next to a finding
    "Zq7pw-key",      // the value of an API key, quoted by a rule as the value it judges
    "Zq7pw-svcenv",   // a secret in a service's env_file next to a finding
    "Zq7pw-onlykey",  // the value of a *_TOKEN variable used in a command
    "Zq7pw-seeds",    // mongodb://user:pw@a:27017,b:27017/ (NET001 on one host, its help)
];

fn write_all(root: &std::path::Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Several small projects, each with real findings quoting the values that hold the markers.
fn positions() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_all(
        dir.path(),
        &[
            (
                "urls/compose.yaml",
                "\
services:
  ollama:
    image: ollama/ollama
  open-webui:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      POSTGRES_PASSWORD: Zq7pw-ctx-yaml
      OLLAMA_BASE_URL: ${OLLAMA_BASE_URL}
      OPENAI_API_KEY: Zq7pw-ctx-yaml
  lobe:
    image: lobehub/lobe-chat
    environment:
      OLLAMA_PROXY_URL: http://admin:Zq7pw-inline@host.docker.internal:11434
    extra_hosts: [\"host.docker.internal:host-gateway\"]
  n8n:
    image: n8nio/n8n
    environment:
      OLLAMA_HOST: 'http:\\\\admin:Zq7pw-bslash@localhost:11434'
  anything:
    image: mintplexlabs/anythingllm
    environment:
      OLLAMA_BASE_PATH: \"http://admin:Zq7pw\\\"quote@localhost:11434\"
  webui2:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: \"http://admin:Zq7pw space@localhost:11434\"
  webui3:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: https://admin:Zq7pw-https@ollama:11434
  webui4:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: http://admin:Zq7pw-path@ollama:11434/v1
  webui5:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: admin:Zq7pw-bare@ollama:11434
  proxied:
    image: example/python-app
    environment:
      HTTP_PROXY: http://user:Zq7pw-proxy@proxy.corp:3128
      OLLAMA_HOST: http://ollama:11434
  tool:
    image: ollama/ollama
    healthcheck:
      test: [\"CMD\", \"curl\", \"-H\", \"Authorization: Bearer ${HF_TOKEN}\", \"http://localhost:11434\"]
",
            ),
            (
                "urls/.env",
                "\
WEBUI_SECRET_KEY=Zq7pw-ctx-env
OLLAMA_BASE_URL=http://admin:Zq7pw-url@localhost:11434
DB_PASSWORD=Zq7pw-ctx-env
HF_TOKEN=Zq7pw-onlykey
",
            ),
            (
                "envfile/compose.yaml",
                "\
services:
  app:
    image: app
    env_file: app.env
  open-webui:
    image: ghcr.io/open-webui/open-webui:main
    env_file: webui.env
  ollama:
    image: ollama/ollama
",
            ),
            (
                "envfile/app.env",
                "A=1\nPOSTGRES_PASSWORD=\"Zq7pw-unterm\nB=2\n",
            ),
            (
                "envfile/webui.env",
                "API_KEY=Zq7pw-svcenv\nOLLAMA_BASE_URL=http://localhost:11434\nOPENAI_API_KEY=Zq7pw-svcenv\n",
            ),
            (
                "included/compose.yaml",
                "include:\n  - sub/compose.yaml\nservices:\n  ollama:\n    image: ollama/ollama\n",
            ),
            (
                "included/sub/compose.yaml",
                "\
services:
  open-webui:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: ${OLLAMA_BASE_URL}
      OPENAI_API_KEY: ${OPENAI_API_KEY}
",
            ),
            (
                "included/sub/.env",
                "OPENAI_API_KEY=Zq7pw-included\nOLLAMA_BASE_URL=http://localhost:11434\nSESSION_SECRET=Zq7pw-included\n",
            ),
            (
                "seeds/compose.yaml",
                "\
services:
  mongo:
    image: mongo:8
  api:
    image: example/api
    environment:
      MONGO_URL: mongodb://app:Zq7pw-seeds@mongo:27017,localhost:27017/app?replicaSet=rs0
",
            ),
            (
                "keyed/compose.yaml",
                "\
services:
  ollama:
    image: ollama/ollama
  open-webui:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: http://localhost:11434
      OLLAMA_API_KEY: Zq7pw-key
      OPENAI_API_BASE_URL: http://Zq7pw-key@localhost:11434/v1
",
            ),
        ],
    );
    dir
}

fn leaks_of(label: &str, text: &str, markers: &[&str]) -> Vec<String> {
    let mut leaks = Vec::new();
    for marker in markers {
        // Also as JSON would escape it.
        let escaped = marker.replace('"', "\\\"");
        for form in [marker.to_string(), escaped] {
            if let Some(at) = text.find(&form) {
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                leaks.push(format!(
                    "{label} shows `{marker}`: {}",
                    &text[line_start..line_end]
                ));
                break;
            }
        }
    }
    leaks
}

#[test]
fn the_positions_have_real_findings() {
    let dir = positions();
    assert_finds(
        dir.path(),
        &[
            "OLL001 urls/.env",
            "OLL015 urls/compose.yaml",
            "OLL010 urls/compose.yaml",
            "OLL011 urls/compose.yaml",
            "CMP007 envfile/app.env",
            "OLL001 envfile/webui.env",
            "OLL001 included/sub/.env",
            "OLL001 keyed/compose.yaml",
            "NET001 seeds/compose.yaml",
        ],
    );
}

#[test]
fn no_marker_appears_in_any_format_in_any_position() {
    let dir = positions();
    let leaks = leaks_in_every_format(dir.path(), &MARKERS);
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}

/// Every rule's fixtures, with a password planted in every URL and a secret line appended to
/// every env file: no format shows either, whatever rule reports the line.
#[test]
fn no_planted_password_appears_for_any_rule() {
    const PLANTED: &str = "Pl4nted-pw";
    const PLANTED_KEY: &str = "Pl4nted-key";
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let dir = tempfile::tempdir().unwrap();
    let mut rules_seen = std::collections::BTreeSet::new();
    for rule in std::fs::read_dir(&fixtures).unwrap() {
        let rule = rule.unwrap().path();
        let code = rule.file_name().unwrap().to_string_lossy().into_owned();
        if !(code.starts_with("CMP") || code.starts_with("OLL")) {
            continue;
        }
        rules_seen.insert(code.clone());
        for case in std::fs::read_dir(&rule).unwrap() {
            let case = case.unwrap().path();
            let to = dir.path().join(&code).join(case.file_name().unwrap());
            common::copy_tree(&case, &to);
            plant(&to, PLANTED, PLANTED_KEY);
        }
    }
    let json = run(dir.path(), &["--format", "json"]);
    let found: std::collections::BTreeSet<String> =
        serde_json::from_str::<serde_json::Value>(&json.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", json.stderr))
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
    // Planting must leave every rule firing somewhere, or the check below proves little.
    let silent: Vec<_> = rules_seen.difference(&found).collect();
    assert!(silent.is_empty(), "rules that no longer fire: {silent:?}");
    let mut leaks = leaks_in_every_format(dir.path(), &[PLANTED, PLANTED_KEY]);
    leaks.truncate(20);
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}

/// In every file under `dir`: `scheme://host` becomes `scheme://planted:PW@host`, and every
/// env file gets `PLANTED_TOKEN=KEY` as its first line.
fn plant(dir: &std::path::Path, password: &str, key: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "fixed") {
                plant(&path, password, key);
            }
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "expect" || name == "args" || name == "changes" {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut planted = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("://") {
            let after = &rest[at + 3..];
            let authority = after
                .find(['/', '"', '\'', ' ', '\n', ',', ']'])
                .unwrap_or(after.len());
            planted.push_str(&rest[..at + 3]);
            if !after[..authority].contains('@') && authority > 0 {
                planted.push_str(&format!("planted:{password}@"));
            }
            rest = after;
        }
        planted.push_str(rest);
        if name.ends_with(".env") || name.starts_with(".env") {
            planted = format!("PLANTED_TOKEN={key}\n{planted}");
        }
        std::fs::write(&path, planted).unwrap();
    }
}

/// A `.env` that is a link to the process environment (`/proc/self/environ`), or to any
/// special file, is not read: the environment composelint runs in never reaches a finding.
#[cfg(target_os = "linux")]
#[test]
fn an_env_file_linked_to_the_process_environment_is_not_read() {
    const MARKER: &str = "Zq7env-marker-value";
    let dir = tempfile::tempdir().unwrap();
    write_all(
        dir.path(),
        &[(
            "compose.yaml",
            "services:\n  app:\n    image: app\n    env_file: app.env\n    environment:\n      X: ${PLAIN_VALUE}\n",
        )],
    );
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join(".env")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("app.env")).unwrap();
    let mut shown = Vec::new();
    for format in formats() {
        let r = common::run_with_env(
            dir.path(),
            &["--format", format],
            &[("PLAIN_VALUE", MARKER), ("OTHER", MARKER)],
        );
        for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
            if text.contains(MARKER) {
                shown.push(format!("--format {format} {stream}:\n{text}"));
            }
        }
        if format == "json" {
            assert!(
                r.stdout.contains("not a regular file"),
                "the links are reported: {}{}",
                r.stdout,
                r.stderr
            );
        }
    }
    assert!(shown.is_empty(), "{}", shown.join("\n"));
}

/// SARIF's and GitLab's fingerprints do not depend on a password: two projects that differ in
/// nothing else get the same ones (a hash of the raw line gave a short password away).
#[test]
fn fingerprints_do_not_depend_on_secrets() {
    let fingerprints = |password: &str| {
        let dir = tempfile::tempdir().unwrap();
        write_all(
            dir.path(),
            &[
                (
                    "compose.yaml",
                    &format!(
                        "services:\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: ${{OLLAMA_BASE_URL}}\n  webui2:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://admin:{password}@localhost:11434\n"
                    ),
                ),
                (
                    ".env",
                    &format!("OLLAMA_BASE_URL=http://admin:{password}@127.0.0.1:11434\n"),
                ),
            ],
        );
        let sarif = run(dir.path(), &["--format", "sarif"]);
        let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
        let mut prints: Vec<String> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["primaryLocationLineHash"].to_string())
            .collect();
        let gitlab = run(dir.path(), &["--format", "gitlab"]);
        let gitlab: serde_json::Value = serde_json::from_str(&gitlab.stdout).unwrap();
        prints.extend(
            gitlab
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["fingerprint"].to_string()),
        );
        prints
    };
    let one = fingerprints("pw1");
    assert_eq!(one.len(), 4, "two findings in each format: {one:?}");
    assert_eq!(one, fingerprints("pw2"));
}
