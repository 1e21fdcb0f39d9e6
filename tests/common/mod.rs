//! What several integration tests need: running the binary, copying a tree, and the shared
//! corpus, which `.ci/run` requires. Each test crate uses part of it.
#![allow(dead_code)]
// A test says what it skipped and why.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Open WebUI told to reach the project's Ollama on `localhost`: one OLL001, which `--fix`
/// repairs by writing `ollama` for `localhost`.
pub const SEED: &str = "services:
  ollama:
    image: ollama/ollama
    volumes: [models:/root/.ollama]
  open-webui:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      OLLAMA_BASE_URL: http://localhost:11434
    depends_on: [ollama]
volumes:
  models:
";

/// Open WebUI aimed at its own `localhost` (OLL001, an error, line 11 column 31, with a safe
/// fix) and an unset variable in a label (CMP004, a warning, line 9 column 14): what the
/// configuration tests select, ignore and re-grade.
pub const CONFIGURED: &str = r#"services:
  ollama:
    image: ollama/ollama:0.5.7
    volumes:
      - models:/root/.ollama
  web:
    image: ghcr.io/open-webui/open-webui:main
    labels:
      team: "${TEAM}"
    environment:
      OLLAMA_BASE_URL: http://localhost:11434
    depends_on:
      - ollama

volumes:
  models:
"#;

/// Runs composelint in `dir` without colour; a panic (exit 101) fails the test.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_as(dir, args, None)
}

/// [`run`], as the user and group `uid` when given (the tests must run as root for that).
pub fn run_as(dir: &Path, args: &[&str], uid: Option<u32>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_composelint"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    if let Some(uid) = uid {
        use std::os::unix::process::CommandExt;
        command.uid(uid).gid(uid);
    }
    let out = command.output().expect("composelint runs");
    let run = Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_ne!(run.code, 101, "composelint panicked:\n{}", run.stderr);
    run
}

/// Runs composelint in `dir` as [`run`] does, but a run longer than 30 s is a hang and fails
/// the test instead of blocking it (for inputs made to hang a parser).
pub fn run_within(dir: &Path, args: &[&str]) -> Run {
    run_with_env(dir, args, &[])
}

/// [`run_within`] with extra environment variables.
pub fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let child = Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("composelint starts");
    let (status, stdout, stderr) = wait_within(
        child,
        Duration::from_secs(30),
        || format!("composelint {args:?} hung in {}", dir.display()),
        |child| {
            child.kill().ok();
        },
    );
    let code = status
        .code()
        .expect("exited, not killed by a signal (a panic aborts with 101)");
    assert_ne!(code, 101, "composelint panicked:\n{stderr}");
    Run {
        code,
        stdout,
        stderr,
    }
}

/// Waits at most `timeout` for `child`, whose stdout and stderr are piped, reading both
/// meanwhile (a full pipe would block it); past the timeout, `kill` stops it and the test
/// fails with `hung`'s message. Returns the status and the output, read lossily.
pub fn wait_within(
    mut child: Child,
    timeout: Duration,
    hung: impl FnOnce() -> String,
    kill: impl FnOnce(&mut Child),
) -> (ExitStatus, String, String) {
    let mut stdout_pipe = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        stdout_pipe.read_to_end(&mut s).ok();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        stderr_pipe.read_to_end(&mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > timeout {
            kill(&mut child);
            panic!("{}", hung());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    (status, stdout, stderr)
}

/// `CODE file:line` of each finding of a JSON report, in report order.
pub fn finding_places(stdout: &str, stderr: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"));
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["code"].as_str().unwrap(),
                f["location"]["file"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect()
}

/// Copies the regular files and directories of a tree (links are left out), writable, as a
/// fixer under test must be able to change them.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            copy_tree(&path, &target);
        } else if meta.is_file() {
            std::fs::copy(&path, &target).unwrap();
            let mut permissions = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            std::fs::set_permissions(&target, permissions).unwrap();
        }
    }
}

/// `../shared/corpus` beside the checkout, or None where it is absent — which is a failure
/// when `COMPOSELINT_REQUIRE_SHARED_CORPUS=1` (set by `.ci/run`).
pub fn shared_corpus() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if root.is_dir() {
        return Some(root);
    }
    let required = std::env::var("COMPOSELINT_REQUIRE_SHARED_CORPUS").is_ok_and(|v| v == "1");
    assert!(!required, "{} is missing but required", root.display());
    eprintln!("skipped: {} not present", root.display());
    None
}

/// The Docker Compose binary, or None (the test is skipped) where it is not named.
pub fn oracle() -> Option<PathBuf> {
    let required = std::env::var("COMPOSELINT_REQUIRE_DOCKER_COMPOSE").is_ok_and(|v| v == "1");
    match std::env::var_os("COMPOSELINT_DOCKER_COMPOSE") {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "COMPOSELINT_DOCKER_COMPOSE={} is not a file",
                path.display()
            );
            Some(path)
        }
        _ => {
            assert!(
                !required,
                "COMPOSELINT_REQUIRE_DOCKER_COMPOSE=1 but COMPOSELINT_DOCKER_COMPOSE is not set \
                 (COMPOSELINT_DOCKER_COMPOSE=$(scripts/compose-oracle))"
            );
            eprintln!(
                "skipped: set COMPOSELINT_DOCKER_COMPOSE=$(scripts/compose-oracle) to compare \
                 with Docker Compose"
            );
            None
        }
    }
}
