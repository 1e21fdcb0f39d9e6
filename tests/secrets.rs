//! Secrets stay secret: a project whose `.env` holds API keys, database passwords and tokens
//! next to real findings is linted in every output format, and no secret value appears in
//! any of them. (`composelint config` prints values on purpose, like `docker compose config`,
//! and is not checked here.)

const FORMATS: [&str; 7] = [
    "human", "concise", "json", "sarif", "github", "gitlab", "junit",
];

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
    let r = run(dir.path(), &["--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let places = common::finding_places(&r.stdout, &r.stderr);
    // localhost and 127.0.0.1 inside a container, a depends_on naming no service.
    for wanted in ["OLL001 .env:3", "OLL001 .env:8", "CMP009 compose.yaml:28"] {
        assert!(
            places.contains(&wanted.to_string()),
            "{wanted} missing: {places:?}"
        );
    }
}

#[test]
fn no_secret_appears_in_any_output_format() {
    let dir = project();
    let mut leaks = Vec::new();
    for format in FORMATS {
        let r = run(dir.path(), &["--format", format]);
        assert_eq!(r.code, 1, "--format {format}: {}{}", r.stdout, r.stderr);
        assert!(
            !r.stdout.trim().is_empty(),
            "--format {format} printed nothing"
        );
        for secret in SECRETS {
            for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
                if let Some(at) = text.find(secret) {
                    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                    leaks.push(format!(
                        "--format {format} {stream} shows `{secret}`: {}",
                        &text[line_start..line_end]
                    ));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}
