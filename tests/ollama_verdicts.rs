//! The Ollama references of real projects against the expert verdicts in
//! `../shared/corpus/ollama-verdicts.md`.
//!
//! Every reference the verdicts rate ok, fragile or buggy is one row of [`REFERENCES`],
//! written by hand from the verdict's words: where the reference is (after the setup the
//! verdict describes: a template copied to `.env`, a commented line taken in, the `.env` a
//! setup script writes), and the OLL codes those words map to. The test checks that
//! (a) a reference rated ok gets no OLL finding at its line, (b) a project whose references
//! are all ok gets no OLL finding at all ([`ALL_OK_PROJECTS`]), and (c) a fragile or buggy
//! reference gets the finding its verdict names.
//!
//! Where the program cannot agree the row says why (`gap`); a gap that starts agreeing fails,
//! so the list stays true. A row whose rule is not written yet is reported as pending.
//! Unclear verdicts and references outside the compose files are listed in [`NOT_CHECKED`].
//!
//! The projects are read from the redistributable copy in `fixtures/corpus/ollama` (always)
//! and from `../shared/corpus/ollama` where it exists; with
//! `COMPOSELINT_REQUIRE_SHARED_CORPUS=1` its absence is a failure. Setups change an in-memory
//! copy, never the corpus.

// A test says what it skipped and why.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use composelint::compose::load::LoadOptions;
use composelint::fs::MemFs;
use composelint::{LintedProject, Settings, lint};

/// How a verdict's setup is made from the committed files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Copy a file (a template to the file the user is told to create).
    Copy(&'static str, &'static str),
    /// Take commented lines in: the first `#` of each line and the blanks after it go.
    Uncomment(&'static str, &'static [usize]),
    /// Replace one line (a commented entry whose comment marker sits at the wrong indent).
    SetLine(&'static str, usize, &'static str),
    /// Write a file a setup script or a platform generates.
    Write(&'static str, &'static str),
    /// Remove a file (a template the linter would read in place of a missing `.env`).
    Remove(&'static str),
}

/// What is linted, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Setup {
    steps: &'static [Step],
    /// `-f` files; empty: every project under the directory, as `composelint DIR` finds them.
    files: &'static [&'static str],
    /// `--env-file` files.
    env_files: &'static [&'static str],
    /// `-e KEY=VALUE` (variables a README tells the user to export).
    env: &'static [(&'static str, &'static str)],
}

/// The committed project, every compose project of the directory.
const AS_IS: Setup = Setup {
    steps: &[],
    files: &[],
    env_files: &[],
    env: &[],
};

const fn steps(steps: &'static [Step]) -> Setup {
    Setup { steps, ..AS_IS }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rating {
    Ok,
    Fragile,
    Buggy,
}

/// One reference of the verdicts.
struct Reference {
    /// The section of ollama-verdicts.md.
    section: &'static str,
    /// The corpus directory under `ollama/`.
    dir: &'static str,
    setup: Setup,
    /// Where the wrong text would be (relative to `dir`), after the setup, and text that
    /// line holds (checked, so a row cannot point at the wrong line).
    file: &'static str,
    line: usize,
    text: &'static str,
    /// The service using the value, when the line feeds several that the verdict tells
    /// apart.
    service: Option<&'static str>,
    /// Any line of `file` for that service counts: for a finding about a service rather
    /// than a value, whose exact line the verdict does not fix.
    any_line: bool,
    rating: Rating,
    /// The verdict's words.
    words: &'static str,
    /// The OLL codes the words map to (any of them); empty: no OLL finding.
    expect: &'static [&'static str],
    /// The program is known to disagree, for this reason.
    gap: Option<&'static str>,
}

const fn row(
    section: &'static str,
    dir: &'static str,
    setup: Setup,
    at: (&'static str, usize, &'static str),
    rating: Rating,
    words: &'static str,
    expect: &'static [&'static str],
) -> Reference {
    Reference {
        section,
        dir,
        setup,
        file: at.0,
        line: at.1,
        text: at.2,
        service: None,
        any_line: false,
        rating,
        words,
        expect,
        gap: None,
    }
}

impl Reference {
    const fn of(mut self, service: &'static str) -> Self {
        self.service = Some(service);
        self
    }

    const fn any_line_of(mut self, service: &'static str) -> Self {
        self.service = Some(service);
        self.any_line = true;
        self
    }

    const fn gap(mut self, reason: &'static str) -> Self {
        self.gap = Some(reason);
        self
    }
}

const OK: Rating = Rating::Ok;
const FRAGILE: Rating = Rating::Fragile;
const BUGGY: Rating = Rating::Buggy;

const NO_FINDING: &[&str] = &[];

// ---- setups named by the verdicts ----------------------------------------------------------

/// §6: `env.example` copied to `.env` with its Ollama line taken in.
const GENAI_ENV: Setup = steps(&[
    Step::Copy("env.example", ".env"),
    Step::Uncomment(".env", &[27]),
]);
/// §8: the commented Ollama settings of `docker/.env.example` taken into `docker/.env`.
const ANYTHINGLLM_ENV: Setup = steps(&[
    Step::Copy("docker/.env.example", "docker/.env"),
    Step::Uncomment("docker/.env", &[44, 45, 205, 206, 266]),
]);
/// §10: the commented `OPENAI_BASE_URL` line taken in.
const KHOJ_OLLAMA: Setup = steps(&[Step::Uncomment("docker-compose.yml", &[83])]);
/// §11: `api/.env.example` copied to `api/.env` with the Ollama provider taken in.
const OPENMEMORY_OLLAMA: Setup = steps(&[
    Step::Copy("openmemory/api/.env.example", "openmemory/api/.env"),
    Step::Uncomment("openmemory/api/.env", &[5, 9]),
]);
/// §21: the `.env` setup.sh writes for the container Ollama (line 517), with the optional
/// Ollama overlay it adds with `-f` (lines 524-531).
const DOCSGPT_CONTAINER: Setup = Setup {
    steps: &[Step::Write(
        ".env",
        "OPENAI_BASE_URL=http://ollama:11434/v1\n",
    )],
    files: &[
        "deployment/docker-compose-hub.yaml",
        "deployment/optional/docker-compose.optional.ollama-cpu.yaml",
    ],
    ..AS_IS
};
/// §21: the `.env` setup.sh writes for an Ollama on the host (line 587).
const DOCSGPT_HOST: Setup = Setup {
    steps: &[Step::Write(
        ".env",
        "OPENAI_BASE_URL=http://host.docker.internal:11434/v1\n",
    )],
    files: &["deployment/docker-compose-hub.yaml"],
    ..AS_IS
};
/// §22: the commented Ollama entry of the compose file taken into `environment:`.
const SKYVERN_COMPOSE: Setup = steps(&[Step::SetLine(
    "docker-compose.yml",
    123,
    "      - OLLAMA_SERVER_URL=http://host.docker.internal:11434",
)]);
/// §22: `cp env.ollama.example .env`.
const SKYVERN_ENV: Setup = steps(&[Step::Copy("env.ollama.example", ".env")]);
const COOLIFY_OLLAMA: Setup = Setup {
    files: &["templates/compose/ollama-with-open-webui.yaml"],
    ..AS_IS
};
/// §24: the `.env` Dokploy generates from bolt.diy's template.toml.
const DOKPLOY_BOLT_ENV: Setup = steps(&[Step::Write(
    "blueprints/bolt.diy/.env",
    "OLLAMA_API_BASE_URL=http://127.0.0.1:11434\n",
)]);
/// §26: the value the ollama app's `exports.sh` gives `APP_OLLAMA_URL` on Umbrel.
const UMBREL_EXPORTS: Setup = steps(&[Step::Write(
    "open-webui/.env",
    "APP_OLLAMA_URL=http://ollama_ollama_1:11434\n",
)]);
/// §27: the placeholder of runtipi's `config.json` filled in by the user.
const RUNTIPI_FORM: Setup = steps(&[Step::Write(
    "apps/open-webui/.env",
    "OPENWEBUI_OLLAMA_URL=http://ollama-cpu:11434\n",
)]);
/// §28: `.env.example` copied to `.env` with its (native-run) Ollama line taken in.
const NOTEBOOK_ENV: Setup = steps(&[
    Step::Copy(".env.example", ".env"),
    Step::Uncomment(".env", &[51]),
]);
const COGNITA: Setup = Setup {
    env_files: &["compose.env"],
    ..AS_IS
};
/// §33: the commented Ollama embedding lines of `docker/.env.example` in `docker/.env`.
const SURFSENSE_ENV: Setup = steps(&[
    Step::Copy("docker/.env.example", "docker/.env"),
    Step::Uncomment("docker/.env", &[52, 53]),
]);
/// §34: a plain `docker compose up` with no `.env` (the linter would otherwise read
/// `.env.example` in its place).
const LOCALGPT_NO_ENV: Setup = steps(&[Step::Remove(".env.example")]);
/// §34: `--env-file docker.env`.
const LOCALGPT_DOCKER_ENV: Setup = Setup {
    env_files: &["docker.env"],
    ..AS_IS
};
/// §34: `--env-file docker.env` with its containerised-Ollama alternative taken in.
const LOCALGPT_DOCKER_ENV_CONTAINER: Setup = Setup {
    steps: &[Step::Uncomment("docker.env", &[8])],
    env_files: &["docker.env"],
    ..AS_IS
};
/// §34: the native-run `.env.example` copied to `.env`.
const LOCALGPT_COPIED_ENV: Setup = steps(&[Step::Copy(".env.example", ".env")]);
/// §34: the watsonx template copied to `.env`.
const LOCALGPT_WATSONX_ENV: Setup = steps(&[Step::Copy("env.example.watsonx", ".env")]);
/// §39: the README's exports, with the host's address for `host_ip`.
const OPEA_README: Setup = Setup {
    files: &["comps/llms/deployment/docker_compose/compose_text-generation.yaml"],
    env: &[
        ("host_ip", "192.168.1.20"),
        ("LLM_ENDPOINT_PORT", "8008"),
        ("LLM_ENDPOINT", "http://192.168.1.20:8008"),
    ],
    ..AS_IS
};
const BOOTCAMP_SONG_VOCAB: Setup = Setup {
    files: &["song-vocab/docker-compose.yaml"],
    ..AS_IS
};
/// §44/§45: the shipped `agent/.env` with its Ollama line active.
const VIBE_HEAD_ENV: Setup = steps(&[
    Step::Copy("agent/.env.example", "agent/.env"),
    Step::Uncomment("agent/.env", &[146]),
]);
const VIBE_OLD_ENV: Setup = steps(&[
    Step::Copy("agent/.env.example", "agent/.env"),
    Step::Uncomment("agent/.env", &[82]),
]);

// ---- the references -------------------------------------------------------------------------

/// Wording → codes, by hand:
/// - "no `extra_hosts`", "fails on Linux Engine", "buggy on Linux" (a host Ollama through
///   `host.docker.internal`) → OLL004;
/// - "never reaches the `llm` container, which publishes no ports" → OLL009;
/// - "loopback inside the container", "the container itself", "`localhost` trap" → OLL001
///   (OLL014 when the loopback is an app's default);
/// - "host-port hairpin", "goes through the host IP and published port instead of the
///   service name" → OLL003;
/// - "ok", "correct", "ok on the network side" → no OLL finding.
#[rustfmt::skip]
static REFERENCES: &[Reference] = &[
    // §6 docker/genai-stack: fragile (or buggy).
    row("6", "docker__genai-stack", AS_IS, ("docker-compose.yml", 26, "OLLAMA_BASE_URL="), FRAGILE,
        "no `extra_hosts` on any service: the default fails on Linux Engine; it also never reaches the `llm` container, which publishes no ports",
        &["OLL004", "OLL009"]).of("pull-model"),
    row("6", "docker__genai-stack", AS_IS, ("docker-compose.yml", 65, "OLLAMA_BASE_URL="), FRAGILE, "same verdict", &["OLL004", "OLL009"]).of("loader"),
    row("6", "docker__genai-stack", AS_IS, ("docker-compose.yml", 107, "OLLAMA_BASE_URL="), FRAGILE, "same verdict", &["OLL004", "OLL009"]).of("bot"),
    row("6", "docker__genai-stack", AS_IS, ("docker-compose.yml", 146, "OLLAMA_BASE_URL="), FRAGILE, "same verdict", &["OLL004", "OLL009"]).of("pdf_bot"),
    row("6", "docker__genai-stack", AS_IS, ("docker-compose.yml", 187, "OLLAMA_BASE_URL="), FRAGILE, "same verdict", &["OLL004", "OLL009"]).of("api"),
    row("6", "docker__genai-stack", GENAI_ENV, (".env", 27, "OLLAMA_BASE_URL=http://host.docker.internal:11434"), FRAGILE,
        "`host.docker.internal` from env.example: fine on macOS or Windows with a host Ollama (not on Linux, where no service maps the name)",
        &["OLL004", "OLL009"]),
    // §7 Perplexica: ok.
    row("7", "ItzCrazyKns__Perplexica", AS_IS, ("docker-compose.yaml", 31, "NEXT_PUBLIC_API_URL=http://127.0.0.1:3001/api"), OK,
        "`NEXT_PUBLIC_API_URL` is a browser URL; correct, the backend publishes 3001", NO_FINDING),
    row("7", "ItzCrazyKns__Perplexica", AS_IS, ("docker-compose.yaml", 32, "NEXT_PUBLIC_WS_URL=ws://127.0.0.1:3001"), OK,
        "`NEXT_PUBLIC_WS_URL`: same", NO_FINDING),
    // §8 AnythingLLM: ok, with one trap.
    row("8", "Mintplex-Labs__anything-llm", ANYTHINGLLM_ENV, ("docker/.env", 45, "OLLAMA_BASE_PATH='http://host.docker.internal:11434'"), OK,
        "ok: host Ollama plus `extra_hosts`", NO_FINDING),
    row("8", "Mintplex-Labs__anything-llm", ANYTHINGLLM_ENV, ("docker/.env", 206, "EMBEDDING_BASE_PATH='http://host.docker.internal:11434'"), OK,
        "ok", NO_FINDING),
    row("8", "Mintplex-Labs__anything-llm", ANYTHINGLLM_ENV, ("docker/.env", 266, "IMAGE_GEN_OLLAMA_BASE_PATH='http://127.0.0.1:11434'"), BUGGY,
        "buggy if uncommented: loopback inside the container", &["OLL001"]),
    // §10 Khoj: ok.
    row("10", "khoj-ai__khoj", KHOJ_OLLAMA, ("docker-compose.yml", 83, "- OPENAI_BASE_URL=http://host.docker.internal:11434/v1/"), OK,
        "OK: an OpenAI-compatible reference to a host Ollama, with `extra_hosts`", NO_FINDING),
    // §11 mem0 OpenMemory: fragile, but the app rewrites loopback itself.
    row("11", "mem0ai__mem0", OPENMEMORY_OLLAMA, ("openmemory/api/.env", 9, "OLLAMA_BASE_URL=http://localhost:11434"), FRAGILE,
        "statically loopback, but the app rewrites it at runtime (host.docker.internal, else the default gateway): a good \"app compensates\" false-positive candidate",
        NO_FINDING),
    // §15 LLocalSearch: ok.
    row("15", "nilsherzig__LLocalSearch", AS_IS, ("docker-compose.yaml", 6, "OLLAMA_HOST=${OLLAMA_HOST:-host.docker.internal:11434}"), OK,
        "OK on the network side (scheme-less value that Ollama's client accepts)", NO_FINDING),
    row("15", "nilsherzig__LLocalSearch", AS_IS, ("docker-compose.dev.yaml", 11, "OLLAMA_HOST=${OLLAMA_HOST:-host.docker.internal:11434}"), OK,
        "same", NO_FINDING),
    // §17 chatbot-ollama: buggy.
    row("17", "ivanfioravanti__chatbot-ollama", AS_IS, ("docker-compose.yml", 10, "'OLLAMA_HOST='"), BUGGY,
        "`OLLAMA_HOST=''` wipes the image default and the app falls back to `http://127.0.0.1:11434`, loopback in the container",
        &["OLL001", "OLL014"])
        .gap("the service is built from `.` without an image name and the Dockerfile (which sets the default) is not in the corpus, so neither the app nor its fallback can be known; an empty value alone is no URL"),
    // §19 bolt.diy: ok (the app rewrites 127.0.0.1 when RUNNING_IN_DOCKER=true).
    row("19", "stackblitz-labs__bolt.diy", AS_IS, (".env.example", 93, "OLLAMA_API_BASE_URL=http://127.0.0.1:11434"), OK,
        "ok: `resolveDockerUrl()` replaces 127.0.0.1 with host.docker.internal when RUNNING_IN_DOCKER=true, and `extra_hosts` is present",
        NO_FINDING)
        .of("app-prod")
        .gap("the service runs a locally built `bolt-ai:production` image, which the knowledge deliberately does not take for bolt.diy (tests/knowledge.rs), so the app's loopback rewrite is not known and OLL001 fires (as information: the value comes from the template `.env.example`, so it no longer fails the run)"),
    row("19", "stackblitz-labs__bolt.diy", AS_IS, (".env.example", 93, "OLLAMA_API_BASE_URL=http://127.0.0.1:11434"), OK, "same", NO_FINDING)
        .of("app-dev")
        .gap("same as app-prod: `bolt-ai:development` is not recognised as bolt.diy"),
    row("19", "stackblitz-labs__bolt.diy", AS_IS, ("docker-compose.yaml", 91, "OLLAMA_API_BASE_URL=http://127.0.0.1:11434"), OK,
        "ok at runtime: the app rewrites 127.0.0.1 (false-positive trap)", NO_FINDING)
        .of("app-prebuild"),
    // §20 R2R: ok.
    row("20", "SciPhi-AI__R2R", AS_IS, ("docker/env/r2r.env", 69, "OLLAMA_API_BASE=http://host.docker.internal:11434"), OK,
        "ok (env_file + extra_hosts)", NO_FINDING),
    row("20", "SciPhi-AI__R2R", AS_IS, ("docker/env/r2r-full.env", 69, "OLLAMA_API_BASE=http://host.docker.internal:11434"), OK, "ok", NO_FINDING),
    row("20", "SciPhi-AI__R2R", AS_IS, ("docker/compose.full.swarm.yaml", 306, "OLLAMA_API_BASE=${OLLAMA_API_BASE:-http://host.docker.internal:11434}"), OK,
        "ok with `extra_hosts`", NO_FINDING),
    // §21 DocsGPT: fragile.
    row("21", "arc53__DocsGPT", DOCSGPT_CONTAINER, (".env", 1, "OPENAI_BASE_URL=http://ollama:11434/v1"), OK,
        "`OPENAI_BASE_URL=http://ollama:11434/v1` with the Ollama overlay: OK", NO_FINDING),
    row("21", "arc53__DocsGPT", DOCSGPT_HOST, (".env", 1, "OPENAI_BASE_URL=http://host.docker.internal:11434/v1"), BUGGY,
        "host engine: `host.docker.internal` but no DocsGPT compose file has `extra_hosts`: buggy on Linux",
        &["OLL004"]),
    // §22 Skyvern: fragile.
    row("22", "Skyvern-AI__skyvern", SKYVERN_COMPOSE, ("docker-compose.yml", 123, "- OLLAMA_SERVER_URL=http://host.docker.internal:11434"), OK,
        "ok (`extra_hosts` present)", NO_FINDING),
    row("22", "Skyvern-AI__skyvern", SKYVERN_ENV, (".env", 3, "OLLAMA_SERVER_URL=http://localhost:11434"), BUGGY,
        "buggy if used with Docker: `cp env.ollama.example .env` gives loopback inside the container",
        &["OLL001"]),
    // §23 Coolify: ok.
    row("23", "coollabsio__coolify", COOLIFY_OLLAMA, ("templates/compose/ollama-with-open-webui.yaml", 26, "OLLAMA_BASE_URL=http://ollama-api:11434"), OK,
        "`http://ollama-api:11434` is correct", NO_FINDING),
    row("23", "coollabsio__coolify", COOLIFY_OLLAMA, ("templates/compose/ollama-with-open-webui.yaml", 25, "SERVICE_URL_OLLAMA_8080"), OK,
        "`SERVICE_URL_OLLAMA_8080` is a Coolify magic variable, not an Ollama URL", NO_FINDING),
    // §24 Dokploy templates.
    row("24", "Dokploy__templates", AS_IS, ("blueprints/n8n-runner-postgres-ollama/docker-compose.yml", 30, "OLLAMA_HOST=${OLLAMA_HOST:-ollama:11434}"), OK,
        "ok on the network side (`ollama:11434`)", NO_FINDING),
    row("24", "Dokploy__templates", AS_IS, ("blueprints/n8n-runner-postgres-ollama/docker-compose.yml", 109, "OLLAMA_HOST=ollama:11434"), OK,
        "init-ollama uses `OLLAMA_HOST=ollama:11434`", NO_FINDING),
    row("24", "Dokploy__templates", AS_IS, ("blueprints/n8n-runner-postgres-ollama/docker-compose.yml", 101, "ollama_storage:/home/node/.ollama"), BUGGY,
        "side bug: the model volume is mounted at /home/node/.ollama, but the image stores models in /root/.ollama, so models are not persisted",
        &["OLL013"])
        .any_line_of("ollama"),
    row("24", "Dokploy__templates", AS_IS, ("blueprints/n8n-runner-postgres-ollama/docker-compose.yml", 106, "ollama_storage:/home/node/.ollama"), BUGGY,
        "same mount in init-ollama, which pulls the models", &["OLL013"])
        .any_line_of("init-ollama")
        .gap("init-ollama runs `ollama pull` against the server (`OLLAMA_HOST=ollama:11434`), so the models land in the server's storage and its own mount holds nothing: it is no server, and OLL013 fires on `ollama` (the row above); what it gets is OLL012 (info), the `sleep 3` standing in for `depends_on`"),
    row("24", "Dokploy__templates", DOKPLOY_BOLT_ENV, ("blueprints/bolt.diy/.env", 1, "OLLAMA_API_BASE_URL=http://127.0.0.1:11434"), OK,
        "template.toml sets `http://127.0.0.1:11434`; the app rewrites it (RUNNING_IN_DOCKER=true) and `extra_hosts` is set",
        NO_FINDING),
    // §26 Umbrel: ok on the platform.
    row("26", "getumbrel__umbrel-apps", AS_IS, ("open-webui/docker-compose.yml", 17, "OLLAMA_BASE_URL: $APP_OLLAMA_URL"), OK,
        "standalone, the variable is unset (CMP004's business)", NO_FINDING),
    row("26", "getumbrel__umbrel-apps", UMBREL_EXPORTS, ("open-webui/.env", 1, "APP_OLLAMA_URL=http://ollama_ollama_1:11434"), OK,
        "`http://ollama_ollama_1:11434`, a cross-project container name on Umbrel's shared network: correct on the platform",
        NO_FINDING)
        .gap("the name belongs to a container of another app on a network the platform injects; nothing in the project declares it, so nothing in the files resolves the name: OLL005 is reported, at info level because the client is on a network from outside the project"),
    // §27 runtipi: ok on the platform.
    row("27", "runtipi__runtipi-appstore", AS_IS, ("apps/open-webui/docker-compose.yml", 11, "OLLAMA_BASE_URL=${OPENWEBUI_OLLAMA_URL}"), OK,
        "standalone, the variable is unset", NO_FINDING),
    row("27", "runtipi__runtipi-appstore", RUNTIPI_FORM, ("apps/open-webui/.env", 1, "OPENWEBUI_OLLAMA_URL=http://ollama-cpu:11434"), OK,
        "placeholder `http://ollama-cpu:11434`: container name and container port on the shared `tipi_main_network`. OK",
        NO_FINDING),
    // §28 Open Notebook: ok.
    row("28", "lfnovo__open-notebook", AS_IS, ("examples/docker-compose-ollama.yml", 55, "OLLAMA_API_BASE=http://ollama:11434"), OK,
        "`OLLAMA_API_BASE=http://ollama:11434`. OK", NO_FINDING),
    row("28", "lfnovo__open-notebook", AS_IS, ("examples/docker-compose-full-local.yml", 89, "OLLAMA_API_BASE=http://ollama:11434"), OK,
        "same", NO_FINDING),
    row("28", "lfnovo__open-notebook", NOTEBOOK_ENV, (".env", 51, "OLLAMA_API_BASE=http://localhost:11434"), OK,
        "`localhost` for native runs; the root docker-compose.yml does not interpolate it. OK", NO_FINDING),
    // §29 cognita: ok.
    row("29", "truefoundry__cognita", COGNITA, ("models_config.sample.yaml", 9, "base_url: http://ollama-server:11434/v1/"), OK,
        "`http://ollama-server:11434/v1/`: service name, container port, OpenAI path (app YAML)", NO_FINDING),
    // §31 devika: the compose reference is correct.
    row("31", "stitionai__devika", AS_IS, ("docker-compose.yaml", 30, "OLLAMA_HOST=http://ollama-service:11434"), OK,
        "`OLLAMA_HOST=http://ollama-service:11434`: ok on the network side (the app never reads it)", NO_FINDING),
    // §33 SurfSense: ok for the services that embed.
    row("33", "MODSetter__SurfSense", SURFSENSE_ENV, ("docker/.env", 53, "EMBEDDING_BASE_URL=http://host.docker.internal:11434"), OK,
        "`host.docker.internal` with `extra_hosts`: OK for the services that embed", NO_FINDING)
        .of("backend"),
    row("33", "MODSetter__SurfSense", SURFSENSE_ENV, ("docker/.env", 53, "EMBEDDING_BASE_URL=http://host.docker.internal:11434"), OK, "same", NO_FINDING)
        .of("celery_worker"),
    row("33", "MODSetter__SurfSense", SURFSENSE_ENV, ("docker/.env", 53, "EMBEDDING_BASE_URL=http://host.docker.internal:11434"), OK,
        "a linter that follows env_file will flag migrations, probably a false positive: it does not call the model",
        NO_FINDING)
        .of("migrations"),
    row("33", "MODSetter__SurfSense", SURFSENSE_ENV, ("docker/.env", 53, "EMBEDDING_BASE_URL=http://host.docker.internal:11434"), OK, "same for celery_beat", NO_FINDING)
        .of("celery_beat"),
    // §34 localGPT: fragile.
    row("34", "PromtEngineer__localGPT", LOCALGPT_NO_ENV, ("docker-compose.yml", 33, "OLLAMA_HOST=${OLLAMA_HOST:-http://host.docker.internal:11434}"), OK,
        "`${OLLAMA_HOST:-http://host.docker.internal:11434}`: ok with `extra_hosts` (the ollama service is behind the with-ollama profile)",
        NO_FINDING),
    row("34", "PromtEngineer__localGPT", LOCALGPT_NO_ENV, ("docker-compose.yml", 69, "OLLAMA_HOST=${OLLAMA_HOST:-http://host.docker.internal:11434}"), OK, "same", NO_FINDING),
    row("34", "PromtEngineer__localGPT", LOCALGPT_DOCKER_ENV, ("docker.env", 5, "OLLAMA_HOST=http://host.docker.internal:11434"), OK,
        "`--env-file docker.env`: ok", NO_FINDING),
    row("34", "PromtEngineer__localGPT", LOCALGPT_DOCKER_ENV_CONTAINER, ("docker.env", 8, "OLLAMA_HOST=http://ollama:11434"), OK,
        "`http://ollama:11434`: ok, the service name resolves", NO_FINDING),
    row("34", "PromtEngineer__localGPT", LOCALGPT_COPIED_ENV, (".env", 18, "OLLAMA_HOST=http://localhost:11434"), FRAGILE,
        "trap: copied to `.env`, plain `docker compose up` interpolates `localhost` into both containers",
        &["OLL001"]),
    row("34", "PromtEngineer__localGPT", LOCALGPT_WATSONX_ENV, (".env", 89, "OLLAMA_HOST=http://localhost:11434"), FRAGILE, "same trap", &["OLL001"]),
    // §37 paperless-ai (project unclear; these two are rated).
    row("37", "clusterzx__paperless-ai", AS_IS, ("docker-compose.yml", 15, "RAG_SERVICE_URL=http://localhost:8000"), OK,
        "`RAG_SERVICE_URL=http://localhost:8000` is ok: the RAG service runs in the same container", NO_FINDING),
    row("37", "clusterzx__paperless-ai", AS_IS, (".env.example", 8, "OLLAMA_API_URL=http://localhost:11434"), OK,
        "`OLLAMA_API_URL=http://localhost:11434` would be wrong in the container, but compose does not load it",
        NO_FINDING),
    // §38 ollama-gui: ok (browser SPA).
    row("38", "HelgeSverre__ollama-gui", AS_IS, ("compose.yml", 16, "ollama-gui:"), OK,
        "the default `http://localhost:11434/api` runs in the browser and hits the published port. Correct",
        NO_FINDING),
    // §39 OPEA GenAIComps: fragile.
    row("39", "opea-project__GenAIComps", OPEA_README, ("comps/llms/deployment/docker_compose/compose_text-generation.yaml", 108, "textgen-service-ollama:"), FRAGILE,
        "`LLM_ENDPOINT` goes through the host IP and published port 8008 instead of `ollama-server:11434`: a hairpin",
        &["OLL003"])
        .of("textgen-service-ollama")
        .gap("the host's own LAN address cannot be known from the files: an IP literal is taken for a machine outside the project"),
    // §40 free-genai-bootcamp: buggy.
    row("40", "viktorardelean__free-genai-bootcamp-2025", BOOTCAMP_SONG_VOCAB, ("song-vocab/docker-compose.yaml", 9, "host_ip=${host_ip}"), BUGGY,
        "the app builds `http://{host_ip}:{port}` = `http://127.0.0.1:8008`: loopback inside the song-vocab container",
        &["OLL001"])
        .gap("the URL is assembled by the app from two variables (`host_ip`, `LLM_ENDPOINT_PORT`); no value is a URL"),
    // §41 openui: ok.
    row("41", "wandb__openui", AS_IS, ("docker-compose.yaml", 19, "OLLAMA_HOST=http://ollama:11434"), OK,
        "`OLLAMA_HOST=http://ollama:11434`. OK", NO_FINDING),
    // §44 Vibe-Trading HEAD: ok.
    row("44", "HKUDS__Vibe-Trading", AS_IS, ("docker-compose.yml", 15, "OLLAMA_BASE_URL=${OLLAMA_BASE_URL:-http://host.docker.internal:11434}"), OK,
        "`environment:` default to host.docker.internal, with `extra_hosts`", NO_FINDING),
    row("44", "HKUDS__Vibe-Trading", VIBE_HEAD_ENV, ("agent/.env", 146, "OLLAMA_BASE_URL=http://localhost:11434"), OK,
        "`environment:` beats `env_file:`: the uncommented localhost never reaches the container", NO_FINDING),
    row("44", "HKUDS__Vibe-Trading", VIBE_HEAD_ENV, ("docker-compose.yml", 15, "OLLAMA_BASE_URL=${OLLAMA_BASE_URL:-http://host.docker.internal:11434}"), OK,
        "the container still gets the interpolated value", NO_FINDING),
    // §45 Vibe-Trading before PR #196: buggy.
    row("45", "HKUDS__Vibe-Trading@dfd71b4b", VIBE_OLD_ENV, ("agent/.env", 82, "OLLAMA_BASE_URL=http://localhost:11434"), BUGGY,
        "only `env_file: agent/.env` with `OLLAMA_BASE_URL=http://localhost:11434`: loopback inside the container",
        &["OLL001"]),
];

/// Projects whose references are all ok: no OLL finding at all (except at a listed gap).
static ALL_OK_PROJECTS: &[(&str, &str, Setup)] = &[
    ("7", "ItzCrazyKns__Perplexica", AS_IS),
    ("8", "Mintplex-Labs__anything-llm", AS_IS),
    ("10", "khoj-ai__khoj", AS_IS),
    ("15", "nilsherzig__LLocalSearch", AS_IS),
    ("19", "stackblitz-labs__bolt.diy", AS_IS),
    ("20", "SciPhi-AI__R2R", AS_IS),
    ("23", "coollabsio__coolify", COOLIFY_OLLAMA),
    (
        "24",
        "Dokploy__templates",
        Setup {
            files: &["blueprints/n8n-runner-postgres-ollama/docker-compose.yml"],
            ..AS_IS
        },
    ),
    (
        "24",
        "Dokploy__templates",
        Setup {
            files: &["blueprints/bolt.diy/docker-compose.yml"],
            ..DOKPLOY_BOLT_ENV
        },
    ),
    ("26", "getumbrel__umbrel-apps", AS_IS),
    ("27", "runtipi__runtipi-appstore", AS_IS),
    ("28", "lfnovo__open-notebook", AS_IS),
    ("29", "truefoundry__cognita", COGNITA),
    ("31", "stitionai__devika", AS_IS),
    ("33", "MODSetter__SurfSense", AS_IS),
    ("38", "HelgeSverre__ollama-gui", AS_IS),
    ("41", "wandb__openui", AS_IS),
    ("44", "HKUDS__Vibe-Trading", AS_IS),
];

/// Findings that are not about a reference, which the verdicts do not judge: start order
/// (OLL012), model persistence (OLL013; §24 even notes a model volume at the wrong path
/// in a project rated ok) and healthchecks (OLL018; §31 devika's `curl` check on the
/// `ollama/ollama` image can never pass, which the verdicts, rating its URLs, do not say).
const NOT_JUDGED_BY_THE_VERDICTS: [&str; 3] = ["OLL012", "OLL013", "OLL018"];

/// Verdicts this test does not check, and why.
static NOT_CHECKED: &[(&str, &str)] = &[
    (
        "7",
        "Perplexica: the Ollama URL lives in config.toml, not in compose",
    ),
    (
        "8",
        "AnythingLLM .env.example:211: an LM Studio URL, not Ollama",
    ),
    ("18", "chat-ollama: unclear, the URL is entered in the UI"),
    (
        "22",
        "Skyvern env.litellm.example:5: a LiteLLM URL, not Ollama",
    ),
    ("23", "Coolify openclaw.yaml:41: unclear passthrough"),
    (
        "24",
        "Dokploy firecrawl, ollama-chat-tone, open-fiesta, openclaw: unclear placeholders",
    ),
    ("27", "runtipi openclaw: unclear passthrough"),
    (
        "28",
        "Open Notebook docker-compose-full-local.yml:136-137: a hairpin to `speaches` in a comment, not Ollama",
    ),
    (
        "31",
        "devika: the real bug (the app ignores OLLAMA_HOST for config.toml) needs app knowledge no rule has",
    ),
    ("32", "linkwarden: unclear, the value is empty"),
    ("36", "firecrawl: unclear passthrough"),
    (
        "37",
        "paperless-ai: the Ollama URL is entered in the setup UI",
    ),
];

// ---- running --------------------------------------------------------------------------------

/// Spelled without `..`: the loader resolves paths lexically, and the in-memory copy is
/// keyed by the paths it is given.
fn shared_root() -> PathBuf {
    composelint::paths::normalize(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/ollama"),
    )
}

fn vendored_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus/ollama")
}

/// Every file under `dir`, by absolute path.
fn read_tree(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_tree(&path, out);
        } else {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
}

fn apply(step: &Step, root: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let text = |files: &BTreeMap<PathBuf, Vec<u8>>, f: &str| -> String {
        let bytes = files
            .get(&root.join(f))
            .unwrap_or_else(|| panic!("{}: no file {f}", root.display()));
        String::from_utf8(bytes.clone()).unwrap()
    };
    let edit_line = |files: &mut BTreeMap<PathBuf, Vec<u8>>,
                     f: &str,
                     n: usize,
                     edit: &dyn Fn(&str) -> String| {
        let old = text(files, f);
        let mut lines: Vec<String> = old.split('\n').map(str::to_string).collect();
        let line = lines
            .get_mut(n - 1)
            .unwrap_or_else(|| panic!("{f} has no line {n}"));
        *line = edit(line);
        files.insert(root.join(f), lines.join("\n").into_bytes());
    };
    match *step {
        Step::Copy(from, to) => {
            let bytes = text(files, from).into_bytes();
            files.insert(root.join(to), bytes);
        }
        Step::Uncomment(f, lines) => {
            for &n in lines {
                edit_line(files, f, n, &|line: &str| {
                    let hash = line
                        .find('#')
                        .unwrap_or_else(|| panic!("{f}:{n} is not commented: {line}"));
                    format!("{}{}", &line[..hash], line[hash + 1..].trim_start())
                });
            }
        }
        Step::SetLine(f, n, new) => edit_line(files, f, n, &|_| new.to_string()),
        Step::Write(f, content) => {
            files.insert(root.join(f), content.as_bytes().to_vec());
        }
        Step::Remove(f) => {
            files
                .remove(&root.join(f))
                .unwrap_or_else(|| panic!("{}: no file {f} to remove", root.display()));
        }
    }
}

/// An OLL finding: code, file relative to the project directory, line, service.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Finding {
    code: &'static str,
    file: String,
    line: usize,
    service: Option<String>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}:{}", self.code, self.file, self.line)?;
        if let Some(s) = &self.service {
            write!(f, " ({s})")?;
        }
        Ok(())
    }
}

/// The files of the project `dir` (a corpus directory) after `setup`.
fn set_up(dir: &Path, setup: &Setup) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    read_tree(dir, &mut files);
    for step in setup.steps {
        apply(step, dir, &mut files);
    }
    files
}

/// Lints the project `dir` after `setup`; its OLL findings.
fn findings(dir: &Path, setup: &Setup) -> Vec<Finding> {
    let mut fs = MemFs::new();
    for (path, bytes) in set_up(dir, setup) {
        fs.insert(path, bytes);
    }
    let settings = Settings {
        paths: if setup.files.is_empty() {
            vec![dir.to_path_buf()]
        } else {
            Vec::new()
        },
        compose_files: setup.files.iter().map(|f| dir.join(f)).collect(),
        load: LoadOptions {
            env_files: setup.env_files.iter().map(|f| dir.join(f)).collect(),
            cli_env: setup
                .env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..LoadOptions::default()
        },
        ..Settings::default()
    };
    let projects: Vec<LintedProject> =
        lint(&fs, &settings).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut out = Vec::new();
    for p in &projects {
        // The verdicts rate the project as `docker compose up` runs it, without a profile: a
        // note about what only a profile changes (a reference that works by default and
        // reaches the project's Ollama through the host when `--profile with-ollama` starts
        // it, reported as information) is not a verdict on that run.
        // A finding lowered to information because its value comes from a template (CMP019)
        // is still the program's verdict on the reference, whatever profiles it names.
        let from_template = |d: &composelint::diagnostic::Diagnostic| {
            d.primary.is_some_and(|span| {
                let path = &p.sources.get(span.file).path;
                p.project.templates_used.iter().any(|t| &t.template == path)
            })
        };
        let profile_note = |d: &&composelint::diagnostic::Diagnostic| {
            !d.profiles.is_empty()
                && d.severity == composelint::diagnostic::Severity::Info
                && d.profiles.iter().all(|selection| !selection.is_empty())
                && !from_template(d)
        };
        for d in p
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with("OLL"))
            .filter(|d| !profile_note(d))
        {
            let (file, line) = match d.primary {
                Some(span) => {
                    let f = p.sources.get(span.file);
                    let rel = f.path.strip_prefix(dir).unwrap_or(&f.path);
                    (rel.display().to_string(), f.line_col(span.start).line)
                }
                None => ("-".to_string(), 0),
            };
            // One finding on a line several services read names the others after "likewise
            // for": it is the program's verdict on each of them.
            let others = likewise_services(d.message.expose_unredacted());
            for service in d.service.iter().cloned().chain(others) {
                out.push(Finding {
                    code: d.code,
                    file: file.clone(),
                    line,
                    service: Some(service),
                });
            }
            if d.service.is_none() {
                out.push(Finding {
                    code: d.code,
                    file,
                    line,
                    service: None,
                });
            }
        }
    }
    out
}

/// The services a message names after "likewise for service(s)": each `name` in backquotes
/// up to the closing parenthesis, a semicolon, or the profiles they run with.
fn likewise_services(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in message.match_indices("likewise for service") {
        let rest = &message[at..];
        let end = [rest.find([')', ';']), rest.find(" with profile")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(rest.len());
        let mut names = rest[..end].split('`');
        names.next();
        out.extend(names.step_by(2).map(str::to_string));
    }
    out
}

impl Reference {
    fn matches(&self, f: &Finding) -> bool {
        f.file == self.file
            && (self.any_line || f.line == self.line)
            && self.service.is_none_or(|s| f.service.as_deref() == Some(s))
    }

    fn place(&self) -> String {
        let mut place = format!("§{} {}/{}:{}", self.section, self.dir, self.file, self.line);
        if let Some(s) = self.service {
            place.push_str(&format!(" ({s})"));
        }
        place
    }
}

#[derive(Debug, Default)]
struct Tally {
    checked: usize,
    agreeing: usize,
    gaps: Vec<String>,
    pending: Vec<String>,
    projects: usize,
    missing: Vec<&'static str>,
    failures: Vec<String>,
}

fn check_corpus(root: &Path) -> Tally {
    let mut tally = Tally::default();
    for r in REFERENCES {
        assert!(
            r.rating != Rating::Ok || r.expect.is_empty(),
            "{}: a reference rated ok expects no finding",
            r.place()
        );
        let dir = root.join(r.dir);
        if !dir.is_dir() {
            if !tally.missing.contains(&r.dir) {
                tally.missing.push(r.dir);
            }
            continue;
        }
        let files = set_up(&dir, &r.setup);
        let line = files.get(&dir.join(r.file)).and_then(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .nth(r.line - 1)
                .map(str::to_string)
        });
        if !line.as_deref().is_some_and(|l| l.contains(r.text)) {
            tally.failures.push(format!(
                "{}: the line is {line:?}, not one holding `{}`",
                r.place(),
                r.text
            ));
            continue;
        }
        tally.checked += 1;
        let all = findings(&dir, &r.setup);
        let at: Vec<&Finding> = all.iter().filter(|f| r.matches(f)).collect();
        let agrees = if r.expect.is_empty() {
            at.is_empty()
        } else {
            !at.is_empty() && at.iter().all(|f| r.expect.contains(&f.code))
        };
        let found = at.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        let unwritten = r
            .expect
            .iter()
            .all(|code| composelint::rules::find(code).is_none());
        match (r.gap, agrees) {
            (None, true) => tally.agreeing += 1,
            (None, false) if at.is_empty() && !r.expect.is_empty() && unwritten => {
                tally.pending.push(format!(
                    "{}: expects {} (rule not written yet)",
                    r.place(),
                    r.expect.join("|")
                ));
            }
            (None, false) => tally.failures.push(format!(
                "{} rated {:?} (\"{}\"): expected {}, found {found:?}",
                r.place(),
                r.rating,
                r.words,
                if r.expect.is_empty() {
                    "no OLL finding".to_string()
                } else {
                    r.expect.join("|")
                }
            )),
            (Some(reason), false) => tally
                .gaps
                .push(format!("{}: found {found:?}; {reason}", r.place())),
            (Some(_), true) => tally.failures.push(format!(
                "{}: listed as a gap but the program now agrees; drop the gap",
                r.place()
            )),
        }
    }
    for (section, name, setup) in ALL_OK_PROJECTS {
        let dir = root.join(name);
        if !dir.is_dir() {
            continue;
        }
        tally.projects += 1;
        let gaps: Vec<&Reference> = REFERENCES
            .iter()
            .filter(|r| r.dir == *name && r.setup == *setup && r.gap.is_some())
            .collect();
        let unexpected: Vec<String> = findings(&dir, setup)
            .into_iter()
            .filter(|f| !NOT_JUDGED_BY_THE_VERDICTS.contains(&f.code))
            .filter(|f| !gaps.iter().any(|g| g.matches(f)))
            .map(|f| f.to_string())
            .collect();
        if !unexpected.is_empty() {
            tally.failures.push(format!(
                "§{section} {name}: all its references are ok, yet {unexpected:?}"
            ));
        }
    }
    tally
}

fn report(root: &Path, tally: &Tally) {
    eprintln!(
        "{}: {} references checked, {} agree with the verdicts, {} known gaps, {} pending a rule; {} all-ok projects checked",
        root.display(),
        tally.checked,
        tally.agreeing,
        tally.gaps.len(),
        tally.pending.len(),
        tally.projects
    );
    for g in &tally.gaps {
        eprintln!("  gap: {g}");
    }
    for p in &tally.pending {
        eprintln!("  pending: {p}");
    }
    for (section, what) in NOT_CHECKED {
        eprintln!("  not checked (§{section}): {what}");
    }
    if !tally.missing.is_empty() {
        eprintln!("  not in this copy: {}", tally.missing.join(", "));
    }
}

#[test]
fn vendored_corpus_matches_the_verdicts() {
    let root = vendored_root();
    let tally = check_corpus(&root);
    report(&root, &tally);
    assert!(
        tally.checked >= 40,
        "only {} references found under {}",
        tally.checked,
        root.display()
    );
    assert!(
        tally.failures.is_empty(),
        "{} disagreements:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

#[test]
fn shared_corpus_matches_the_verdicts() {
    let root = shared_root();
    if !root.is_dir() {
        let required = std::env::var("COMPOSELINT_REQUIRE_SHARED_CORPUS").is_ok_and(|v| v == "1");
        assert!(!required, "{} is missing but required", root.display());
        eprintln!("skipped: {} not present", root.display());
        return;
    }
    let tally = check_corpus(&root);
    report(&root, &tally);
    assert!(
        tally.missing.is_empty(),
        "projects of the verdicts missing from {}: {:?}",
        root.display(),
        tally.missing
    );
    assert!(
        tally.failures.is_empty(),
        "{} disagreements:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

#[test]
fn the_setup_steps_change_only_what_they_name() {
    let root = Path::new("/p");
    let mut files = BTreeMap::new();
    files.insert(root.join("a.env"), b"X=1\n# Y=2\n  #   Z=3\n".to_vec());
    apply(&Step::Uncomment("a.env", &[2, 3]), root, &mut files);
    assert_eq!(files[&root.join("a.env")], b"X=1\nY=2\n  Z=3\n".to_vec());
    apply(&Step::Copy("a.env", "b.env"), root, &mut files);
    apply(&Step::SetLine("b.env", 1, "X=9"), root, &mut files);
    assert_eq!(files[&root.join("b.env")], b"X=9\nY=2\n  Z=3\n".to_vec());
    apply(&Step::Remove("a.env"), root, &mut files);
    assert!(!files.contains_key(&root.join("a.env")));
}
