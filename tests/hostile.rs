//! Hostile and odd inputs through the binary: each case under `fixtures/hostile/<case>/` ends
//! in a diagnostic or an exit-2 error, never in a panic, a hang or unbounded memory.
//!
//! A case's `expect` file, written by hand, says (one item a line, `#` comments):
//! - `exit N`: the exit code;
//! - `CODE path:line`: a finding (the set of findings must match exactly; paths relative to
//!   the case; `path:last` is the file's last line, for generated files);
//! - `if-unreadable CODE path:line`: a finding expected only when `chmod 000` stops reading
//!   (it does not for root);
//! - `stderr TEXT`: a fragment of the error message;
//! - `absent TEXT`: text that appears in no output of any format;
//! - `args ARG…`: the arguments (default: none, i.e. lint the case directory);
//! - `max-rss-mb N`: the memory bound for the case (default 100; `max-rss-mb-debug N` for the
//!   debug build, which runs smaller generated inputs);
//! - `setup …`: what the test builds before the run, because it cannot be committed: `fifo
//!   PATH`, `symlink PATH TARGET`, `chmod000 PATH`, `generate PATH KIND` (`deep-flow`,
//!   `deep-block`, `huge`, `extends-chain`, `nested-defaults`, `env-20mb`, `one-line-flow`,
//!   `ps1-here-strings`, `makefile-dollars`, `cmd-carets`, `includes`: the last writes the
//!   files it includes beside PATH);
//! - `json-only`: run the JSON format alone (for inputs whose point is their size or shape,
//!   not their rendering).
//!
//! Each case runs in a temporary copy, once per output format (only JSON for a case over
//! 1 MB), under a 60 s timeout and a 2 GiB address-space limit, and its peak memory is
//! measured with `/usr/bin/time` when that is installed.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use composelint::output::Format;

const TIMEOUT: Duration = Duration::from_secs(60);
const ADDRESS_SPACE_LIMIT: u64 = 2 << 30;

#[derive(Default)]
struct Expect {
    exit: Option<i32>,
    findings: Vec<String>,
    if_unreadable: Vec<String>,
    stderr: Vec<String>,
    absent: Vec<String>,
    args: Vec<String>,
    max_rss_mb: u64,
    setup: Vec<Vec<String>>,
    json_only: bool,
}

fn read_expect(case: &Path) -> Expect {
    let text = std::fs::read_to_string(case.join("expect"))
        .unwrap_or_else(|_| panic!("{} has no expect file", case.display()));
    let mut e = Expect {
        max_rss_mb: 100,
        ..Expect::default()
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim().to_string();
        match word {
            "exit" => e.exit = Some(rest.parse().expect("exit N")),
            "if-unreadable" => e.if_unreadable.push(rest),
            "stderr" => e.stderr.push(rest),
            "absent" => e.absent.push(rest),
            "args" => e.args = rest.split_whitespace().map(String::from).collect(),
            "max-rss-mb" if !cfg!(debug_assertions) => {
                e.max_rss_mb = rest.parse().expect("max-rss-mb N")
            }
            "max-rss-mb-debug" if cfg!(debug_assertions) => {
                e.max_rss_mb = rest.parse().expect("max-rss-mb-debug N")
            }
            "max-rss-mb" | "max-rss-mb-debug" => {}
            "json-only" => e.json_only = true,
            "setup" => e
                .setup
                .push(rest.split_whitespace().map(String::from).collect()),
            code if code.len() == 6 && code.chars().all(|c| c.is_ascii_alphanumeric()) => {
                e.findings.push(line.to_string())
            }
            other => panic!("{}: unknown expect line `{other}`", case.display()),
        }
    }
    assert!(e.exit.is_some(), "{}: no `exit` line", case.display());
    e
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else if path.file_name().unwrap() != "expect" {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Builds what a case's `setup` lines ask for; returns whether a `chmod000` file is really
/// unreadable now.
fn setup(dir: &Path, steps: &[Vec<String>]) -> bool {
    let mut unreadable = false;
    for step in steps {
        let words: Vec<&str> = step.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["fifo", path] => {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                let ok = Command::new("mkfifo").arg(&path).status().unwrap();
                assert!(ok.success(), "mkfifo {}", path.display());
            }
            ["symlink", path, target] => {
                std::os::unix::fs::symlink(target, dir.join(path)).unwrap();
            }
            ["chmod000", path] => {
                use std::os::unix::fs::PermissionsExt;
                let path = dir.join(path);
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
                // Root reads it anyway: then the file is linted like any other.
                unreadable = std::fs::read(&path).is_err();
            }
            ["generate", path, "includes"] => {
                // 2,000 included files of one service each.
                let path = dir.join(path);
                let inc = path.parent().unwrap().join("inc");
                std::fs::create_dir_all(&inc).unwrap();
                let mut text = String::from("include:\n");
                for i in 0..2_000 {
                    text.push_str(&format!("  - inc/f{i}.yaml\n"));
                    let service = format!("services:\n  s{i}:\n    image: busybox\n");
                    std::fs::write(inc.join(format!("f{i}.yaml")), service).unwrap();
                }
                text.push_str(
                    "services:\n  main:\n    image: busybox\n    depends_on: [missing]\n",
                );
                std::fs::write(path, text).unwrap();
            }
            ["generate", path, kind] => std::fs::write(dir.join(path), generate(kind)).unwrap(),
            other => panic!("unknown setup step {other:?}"),
        }
    }
    unreadable
}

/// Inputs too big to commit.
fn generate(kind: &str) -> Vec<u8> {
    const DEPTH: usize = 100_000;
    match kind {
        // `services: [[[[…]]]]`, 100,000 levels of flow sequences on one line.
        "deep-flow" => format!("services: {}{}\n", "[".repeat(DEPTH), "]".repeat(DEPTH)),
        // A block sequence nested 100,000 levels deep (`- - - … x`), in a service's command.
        "deep-block" => format!(
            "services:\n  s:\n    image: busybox\n    command:\n      {}x\n",
            "- ".repeat(DEPTH)
        ),
        // 50 MB: 250,000 services of 5 lines each, each depending on the one before;
        // `first` (lines 2-4) and `last` (the 3 final lines) depend on services that do not
        // exist.
        "huge" => {
            // The debug binary is ten times slower: a tenth of the size is enough for `cargo
            // test`; `cargo test --release` runs the full 50 MB.
            let services = if cfg!(debug_assertions) { 25_000 } else { 250_000 };
            let mut text =
                String::from("services:\n  first:\n    image: busybox\n    depends_on: [missing]\n");
            for i in 0..services {
                // The first depends on `first`, not on itself: that would be a cycle (CMP014).
                let before = match i {
                    0 => "first".to_string(),
                    _ => format!("s{:06}", i - 1),
                };
                text.push_str(&format!(
                    "  s{i:06}:\n    image: registry.example.com/platform-engineering/backend/application-{i:06}:1.0.0\n    environment:\n      PEER_URL: http://{before}:8080/api/v1/health/readiness?check=all-dependencies&verbose=1\n    depends_on: [{before}]\n"
                ));
            }
            text.push_str("  last:\n    image: busybox\n    depends_on: [missing]\n");
            assert!(services < 250_000 || text.len() >= 50 << 20);
            text
        }
        // An `extends` chain of 2,000 services, each extending the one before; the last also
        // depends on a service that does not exist.
        "extends-chain" => {
            let mut text = String::from("services:\n  s0:\n    image: busybox\n");
            for i in 1..2_000 {
                text.push_str(&format!("  s{i}:\n    extends: s{}\n", i - 1));
            }
            text.push_str("  last:\n    extends: s1999\n    depends_on: [missing]\n");
            text
        }
        // `${A:-${A:-…x…}}` nested 100,000 deep in an image name: every level takes its
        // default, so the image is `x`.
        "nested-defaults" => format!(
            "services:\n  s:\n    image: \"{}x{}\"\n    depends_on: [missing]\n",
            "${A:-".repeat(DEPTH),
            "}".repeat(DEPTH)
        ),
        // A generator's one-line flow-style file, 130 KB wide: the finding at its end lies past
        // column 65,535, where the terminal renderer used to panic.
        "one-line-flow" => {
            let labels: Vec<String> = (0..8_000).map(|i| format!("\"k{i}\": \"v{i}\"")).collect();
            format!(
                "{{\"services\": {{\"a\": {{\"image\": \"x\", \"labels\": {{{}}}, \"depends_on\": [\"missing\"]}}}}}}\n",
                labels.join(", ")
            )
        }
        // Commands in the Windows shells and make, 100,000 of a construct each: a
        // PowerShell here-string opened on every line and never closed (the first runs to
        // the end), ...
        "ps1-here-strings" => format!(
            "docker run -d --name webui -e OLLAMA_BASE_URL=http://localhost:11434 ghcr.io/open-webui/open-webui:main\n{}",
            "echo @\"\n".repeat(DEPTH)
        ),
        // ... a recipe line of `$$x` words, each a piece of the made line the shell reads, ...
        "makefile-dollars" => format!(
            "all:\n\tdocker run -e OLLAMA_BASE_URL=http://localhost:11434 --name webui ghcr.io/open-webui/open-webui:main {}\n",
            "$$x ".repeat(DEPTH)
        ),
        // ... and a batch command continued with carets over 100,000 lines, each expanding a
        // variable.
        "cmd-carets" => format!(
            "docker run -d ^\r\n{}  -e OLLAMA_BASE_URL=http://localhost:11434 --name webui ghcr.io/open-webui/open-webui:main\r\n",
            "  -e X=%X% ^\r\n".repeat(DEPTH)
        ),
        // 20 MB on one line, a quote at its start: an env file past the 16 MB limit.
        "env-20mb" => format!("A\"{}", "B".repeat(20 << 20)),
        other => panic!("unknown generated input {other}"),
    }
    .into_bytes()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    max_rss_kb: Option<u64>,
}

/// Runs the binary in `dir` in its own process group (so a timeout kills all of it), under an
/// address-space limit, measuring peak memory when `/usr/bin/time` is there.
fn run(dir: &Path, args: &[String]) -> Run {
    let bin = env!("CARGO_BIN_EXE_composelint");
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut argv: Vec<String> = Vec::new();
    if Path::new("/usr/bin/prlimit").exists() {
        argv.extend([
            "/usr/bin/prlimit".into(),
            format!("--as={ADDRESS_SPACE_LIMIT}"),
            "--".into(),
        ]);
    }
    let timed = Path::new("/usr/bin/time").exists();
    // CI measures memory; elsewhere a machine without GNU time only skips that check.
    assert!(
        timed || std::env::var_os("COMPOSELINT_REQUIRE_TIME").is_none(),
        "COMPOSELINT_REQUIRE_TIME is set but /usr/bin/time (GNU time) is not installed"
    );
    if timed {
        argv.extend([
            "/usr/bin/time".into(),
            "-f".into(),
            "%M".into(),
            "-o".into(),
            rss_file.path().display().to_string(),
        ]);
    }
    argv.push(bin.into());
    argv.extend(args.iter().cloned());
    let child = Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("composelint starts");
    let (status, stdout, mut stderr) = common::wait_within(
        child,
        TIMEOUT,
        || format!("composelint {args:?} hung in {}", dir.display()),
        |child| {
            // The whole process group: prlimit and time wrap the binary.
            let group = format!("-{}", child.id());
            Command::new("kill")
                .args(["-KILL", "--", &group])
                .status()
                .ok();
            child.wait().ok();
        },
    );
    // `/usr/bin/time` reports a child killed by a signal on stderr and exits 128+signal.
    let code = status.code().expect("exited, not killed by a signal");
    assert!(
        code != 101 && code < 128,
        "composelint crashed (exit {code}):\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "composelint panicked:\n{stderr}"
    );
    let max_rss_kb = timed.then(|| {
        let report = std::fs::read_to_string(rss_file.path()).unwrap_or_default();
        report
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or_else(|| panic!("no memory report from /usr/bin/time: {report}"))
    });
    if timed {
        // Keep only the program's own messages.
        stderr = stderr.replace("Command exited with non-zero status", "");
    }
    Run {
        code,
        stdout,
        stderr,
        max_rss_kb,
    }
}

/// `CODE path:line` of every finding of a JSON run.
fn findings(run: &Run) -> Vec<String> {
    let mut out = common::finding_places(&run.stdout, &run.stderr);
    out.sort();
    out
}

fn check_case(case: &Path) -> Result<(), String> {
    let expect = read_expect(case);
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    copy_dir(case, dir);
    let unreadable = setup(dir, &expect.setup);
    let big = walk_size(dir) > 1 << 20;
    let mut wanted: Vec<String> = expect.findings.iter().map(|f| last_line(dir, f)).collect();
    if unreadable {
        wanted.extend(expect.if_unreadable.iter().cloned());
    }
    wanted.sort();
    let formats: Vec<&str> = if big || expect.json_only {
        vec![Format::Json.name()]
    } else {
        Format::ALL.iter().map(|f| f.name()).collect()
    };
    let mut problems = Vec::new();
    for format in formats {
        let mut args = expect.args.clone();
        args.extend(["--format".to_string(), format.to_string()]);
        let r = run(dir, &args);
        let exit = expect.exit.unwrap_or_default();
        if r.code != exit {
            problems.push(format!(
                "--format {format}: exit {} instead of {exit}\n{}{}",
                r.code, r.stdout, r.stderr
            ));
            continue;
        }
        if format == Format::Json.name() && exit != 2 {
            let actual = findings(&r);
            if actual != wanted {
                problems.push(format!("findings {actual:?} instead of {wanted:?}"));
            }
        }
        for fragment in &expect.stderr {
            if !r.stderr.contains(fragment.as_str()) {
                problems.push(format!("stderr lacks `{fragment}`: {}", r.stderr));
            }
        }
        for secret in &expect.absent {
            if r.stdout.contains(secret.as_str()) || r.stderr.contains(secret.as_str()) {
                problems.push(format!("--format {format} prints `{secret}`"));
            }
        }
        if let Some(kb) = r.max_rss_kb
            && kb > expect.max_rss_mb * 1024
        {
            problems.push(format!(
                "--format {format}: peak memory {} MB, over {} MB",
                kb / 1024,
                expect.max_rss_mb
            ));
        }
    }
    // Let the temporary directory be removed even after a chmod 000.
    if unreadable {
        for step in &expect.setup {
            if step[0] == "chmod000" {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(
                    dir.join(&step[1]),
                    std::fs::Permissions::from_mode(0o644),
                )
                .ok();
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

/// `CODE path:last` with the number of `path`'s last line.
fn last_line(dir: &Path, finding: &str) -> String {
    match finding.strip_suffix(":last") {
        Some(head) => {
            let path = head.split_once(' ').map_or(head, |(_, p)| p);
            let text = std::fs::read(dir.join(path)).unwrap();
            let lines = text.iter().filter(|b| **b == b'\n').count();
            format!("{head}:{lines}")
        }
        None => finding.to_string(),
    }
}

fn walk_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() {
                total += meta.len();
            }
        }
    }
    total
}

#[test]
fn every_hostile_input_ends_in_a_diagnostic_or_an_error() {
    let cases = cases();
    assert!(cases.len() >= 15, "hostile fixtures missing");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            check_case(case)
                .err()
                .map(|e| format!("{}:\n  {e}", case.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[path = "support/fixture_cases.rs"]
mod fixture_cases;

fn cases() -> Vec<PathBuf> {
    fixture_cases::case_dirs(&fixture_cases::fixtures_root().join("hostile"))
}
