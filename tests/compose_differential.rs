//! Docker Compose itself as the oracle. Every project of the shared corpus, every fixture
//! project (the hand-checked `fixed/` results of fixes included) and every project that
//! `--fix --unsafe-fixes` rewrites in a copy of the corpus is loaded twice, each time in an
//! empty environment: by `composelint config` and by the real `docker compose config --format
//! json` (v2.40.3, installed by `scripts/compose-oracle`). Both must accept it or both refuse
//! it, and print the same document.
//!
//! `COMPOSELINT_DOCKER_COMPOSE` names the Docker Compose binary. Without it the test says it
//! is skipped; with `COMPOSELINT_REQUIRE_DOCKER_COMPOSE=1` (set by `.ci/run`) its absence is a
//! failure.
//!
//! Where composelint differs on purpose, [`KNOWN`] says how and why; the comparison takes the
//! difference out, and a test per entry checks that it is still there.

// A test says what it skipped and why.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use composelint::commands::CommandKinds;
use composelint::compose::load::LoadOptions;
use composelint::fs::OsFs;
use composelint::workspace::projects_for_paths;
use composelint::{Settings, load};
use serde_json::Value;

mod common;
use common::{copy_tree, oracle, shared_corpus, wait_within};

/// A difference kept on purpose.
struct Known {
    name: &'static str,
    why: &'static str,
}

/// composelint reads an env file's template (`.env.example`, …) when the file is missing;
/// Compose reads nothing (a missing `.env`) or refuses (a missing `env_file`). The comparison
/// gives both tools the same files: a copy of the project where each missing file is a copy
/// of its template.
const ENV_TEMPLATE: Known = Known {
    name: "env-template",
    why: "a repository's `.env` is usually not committed, only its template; linting with \
          the template's values checks what users run after copying it, where Compose (as \
          the repository ships) would see every variable unset",
};

/// Docker Compose expands YAML aliases without a bound: on an alias bomb it computes for
/// minutes; composelint refuses the file at its limit. Compose is not run on these fixtures;
/// composelint must refuse them.
const ALIAS_BOMB: Known = Known {
    name: "alias-bomb",
    why: "a linter must answer on hostile input; composelint refuses a document whose \
          aliases expand past its limit",
};

/// The fixtures (under fixtures/) that Compose does not finish loading.
const UNFINISHED: [&str; 1] = ["hostile/alias-bomb"];

/// composelint does not know the home directory of whoever runs Compose: `~` in a bind
/// mount stays as written. Compose expands it with `HOME`, and without `HOME` (as here)
/// takes `~/data` for a path relative to the project directory.
const HOME_DIRECTORY: Known = Known {
    name: "home-directory",
    why: "the library reads no environment, and `~` means a different directory for each \
          user: `~/data` tells the reader more than one user's expansion",
};

const KNOWN: [&Known; 3] = [&ENV_TEMPLATE, &ALIAS_BOMB, &HOME_DIRECTORY];

/// One project, loaded the same way by both tools.
#[derive(Clone, Debug)]
struct Case {
    /// The project's files, for messages.
    label: String,
    /// The tree the project lives in (a corpus repository, a fixture case): what is copied
    /// when the project must be changed.
    tree: PathBuf,
    /// Its compose files in `-f` order; the first one's directory is the project directory.
    files: Vec<PathBuf>,
    /// `--env-file` files, for both tools.
    env_files: Vec<PathBuf>,
    /// Variables: `-e` for composelint, the process environment for Compose.
    env: Vec<(String, String)>,
}

impl Case {
    /// A project of `root`: its tree is the directory `depth` levels below `root` that
    /// holds the first file (or the file's own directory, nearer to `root`).
    fn new(files: Vec<PathBuf>, root: &Path, depth: usize) -> Case {
        let rel = files[0].parent().unwrap().strip_prefix(root).unwrap();
        let tree = root.join(rel.components().take(depth).collect::<PathBuf>());
        let label = files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string())
            .collect::<Vec<_>>()
            .join(" + ");
        Case {
            label,
            tree,
            files,
            env_files: Vec::new(),
            env: Vec::new(),
        }
    }

    fn directory(&self) -> &Path {
        self.files[0].parent().unwrap()
    }

    /// The case moved into a copy of its tree at `copy`.
    fn moved_to(&self, copy: &Path) -> Case {
        let move_path = |p: &PathBuf| match p.strip_prefix(&self.tree) {
            Ok(rel) => copy.join(rel),
            Err(_) => p.clone(),
        };
        Case {
            label: self.label.clone(),
            tree: copy.to_path_buf(),
            files: self.files.iter().map(move_path).collect(),
            env_files: self.env_files.iter().map(move_path).collect(),
            env: self.env.clone(),
        }
    }
}

/// What one tool made of a project: the document it printed, or why it refused.
#[derive(Debug)]
enum Outcome {
    Accepted(Value),
    Refused(String),
}

const TIMEOUT: Duration = Duration::from_secs(60);

/// `program args` in `dir`, with exactly the variables `env` and no input.
fn clean_command(program: &Path, args: &[String], dir: &Path, env: &[(String, String)]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    command
}

/// Runs a [`clean_command`] to its end: its status, stdout and stderr. A run longer than
/// [`TIMEOUT`] or a panic fails the test.
fn run_clean(
    program: &Path,
    args: &[String],
    dir: &Path,
    env: &[(String, String)],
) -> (ExitStatus, String, String) {
    let child = clean_command(program, args, dir, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", program.display()));
    let (status, stdout, stderr) = wait_within(
        child,
        TIMEOUT,
        || format!("{} {args:?} hung in {}", program.display(), dir.display()),
        |child| {
            child.kill().ok();
        },
    );
    assert_ne!(
        status.code(),
        Some(101),
        "{} {args:?} panicked in {}:\n{stderr}",
        program.display(),
        dir.display()
    );
    (status, stdout, stderr)
}

/// Runs a tool and reads its verdict: a project is accepted when the tool exits 0 and prints
/// a JSON document. (Compose's Python wrapper exits 0 after `invalid compose project`; its
/// stdout is then empty.)
fn run_tool(program: &Path, args: &[String], dir: &Path, env: &[(String, String)]) -> Outcome {
    let (status, stdout, stderr) = run_clean(program, args, dir, env);
    match serde_json::from_str::<Value>(&stdout) {
        Ok(value) if status.success() => Outcome::Accepted(value),
        _ => Outcome::Refused(format!(
            "exit {:?}: {}",
            status.code(),
            stderr.lines().last().unwrap_or_default()
        )),
    }
}

/// `--profile` arguments for a selection: none for Compose's default.
fn profile_args(profiles: &[&str]) -> Vec<String> {
    profiles
        .iter()
        .flat_map(|p| ["--profile".to_string(), p.to_string()])
        .collect()
}

fn composelint_config(case: &Case, profiles: &[&str]) -> Outcome {
    let mut args = vec!["config".to_string()];
    args.extend(profile_args(profiles));
    for f in &case.files {
        args.extend(["-f".into(), f.display().to_string()]);
    }
    for f in &case.env_files {
        args.extend(["--env-file".into(), f.display().to_string()]);
    }
    for (k, v) in &case.env {
        args.extend(["-e".into(), format!("{k}={v}")]);
    }
    let program = PathBuf::from(env!("CARGO_BIN_EXE_composelint"));
    run_tool(&program, &args, case.directory(), &[])
}

fn compose_config(oracle: &Path, case: &Case, profiles: &[&str]) -> Outcome {
    let mut args = profile_args(profiles);
    for f in &case.files {
        args.extend(["-f".into(), f.display().to_string()]);
    }
    for f in &case.env_files {
        args.extend(["--env-file".into(), f.display().to_string()]);
    }
    args.extend(["config".into(), "--format".into(), "json".into()]);
    run_tool(oracle, &args, case.directory(), &case.env)
}

/// Where composelint's `ours` and Compose's `theirs` differ at one value on purpose: the
/// name of the known difference.
fn known_value_difference(ours: &Value, theirs: &Value) -> Option<&'static str> {
    let (Value::String(ours), Value::String(theirs)) = (ours, theirs) else {
        return None;
    };
    // `~/data` against `/project/~/data`.
    let home_relative = ours == "~" || ours.starts_with("~/");
    (home_relative && theirs.ends_with(&format!("/{ours}"))).then_some(HOME_DIRECTORY.name)
}

/// Where two documents differ, one line per path (`services.app.ports[0].published`); the
/// names of the known differences met on the way go to `known`.
fn differences(
    ours: &Value,
    theirs: &Value,
    path: &str,
    out: &mut Vec<String>,
    known: &mut BTreeSet<&'static str>,
) {
    match (ours, theirs) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => differences(p, q, &sub, out, known),
                    (Some(p), None) => out.push(format!("{sub}: composelint {p}, Compose -")),
                    (None, Some(q)) => out.push(format!("{sub}: composelint -, Compose {q}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, &format!("{path}[{i}]"), out, known);
            }
        }
        _ if ours == theirs => {}
        _ => match known_value_difference(ours, theirs) {
            Some(name) => {
                known.insert(name);
            }
            None => out.push(format!("{path}: composelint {ours}, Compose {theirs}")),
        },
    }
}

/// How one project compared.
struct Verdict {
    case: Case,
    /// The known differences met.
    known: BTreeSet<&'static str>,
    problems: Vec<String>,
}

/// What composelint's loader says about a case, for the comparison to take known
/// differences out.
struct Loaded {
    /// Some service has profiles.
    profiles: bool,
    /// (missing env file, the template composelint reads for it).
    templates: Vec<(PathBuf, PathBuf)>,
}

fn loaded(case: &Case) -> Loaded {
    let settings = Settings {
        compose_files: case.files.clone(),
        load: LoadOptions {
            env_files: case.env_files.clone(),
            cli_env: case.env.clone(),
            ..LoadOptions::default()
        },
        ..Settings::default()
    };
    let projects = load(&OsFs, &settings).unwrap_or_default();
    Loaded {
        profiles: projects
            .iter()
            .flat_map(|p| &p.project.services)
            .any(|s| !s.profiles.is_empty()),
        templates: projects
            .iter()
            .flat_map(|p| &p.project.templates_used)
            .map(|t| (t.missing.clone(), t.template.clone()))
            .collect(),
    }
}

/// Compares one project; `scratch` is a directory of its own for a copy.
fn compare(oracle: &Path, case: &Case, scratch: &Path) -> Verdict {
    let mut known = BTreeSet::new();
    if UNFINISHED.iter().any(|u| case.tree.ends_with(u)) {
        // Compose is not run; composelint must refuse.
        known.insert(ALIAS_BOMB.name);
        let problems = match composelint_config(case, &[]) {
            Outcome::Refused(_) => Vec::new(),
            Outcome::Accepted(_) => vec![format!("composelint accepts it: {}", ALIAS_BOMB.why)],
        };
        return Verdict {
            case: case.clone(),
            known,
            problems,
        };
    }
    let facts = loaded(case);
    let mut case = case.clone();
    if !facts.templates.is_empty() {
        // Both tools read the templates, from a copy where they fill in the missing files.
        known.insert(ENV_TEMPLATE.name);
        let copy = scratch.join(case.tree.file_name().unwrap());
        copy_tree(&case.tree, &copy);
        let moved = case.moved_to(&copy);
        for (missing, template) in &facts.templates {
            let to = |p: &PathBuf| match p.strip_prefix(&case.tree) {
                Ok(rel) => copy.join(rel),
                Err(_) => panic!(
                    "{}: {} is outside {}",
                    case.label,
                    p.display(),
                    case.tree.display()
                ),
            };
            std::fs::copy(to(template), to(missing)).unwrap();
        }
        case = moved;
    }
    // Compose's default selection, and with profiles also every profile at once.
    let selections: &[&[&str]] = if facts.profiles {
        &[&[], &["*"]]
    } else {
        &[&[]]
    };
    let mut problems = Vec::new();
    for profiles in selections {
        let ours = composelint_config(&case, profiles);
        let theirs = compose_config(oracle, &case, profiles);
        let with = if profiles.is_empty() {
            String::new()
        } else {
            format!(" (--profile {})", profiles.join(" --profile "))
        };
        match (&ours, &theirs) {
            (Outcome::Accepted(a), Outcome::Accepted(b)) => {
                let mut found = Vec::new();
                differences(a, b, "", &mut found, &mut known);
                problems.extend(found.into_iter().map(|p| format!("{p}{with}")));
            }
            (Outcome::Refused(_), Outcome::Refused(_)) => {}
            (Outcome::Accepted(_), Outcome::Refused(why)) => {
                problems.push(format!("composelint accepts, Compose refuses{with}: {why}"))
            }
            (Outcome::Refused(why), Outcome::Accepted(_)) => {
                problems.push(format!("Compose accepts, composelint refuses{with}: {why}"))
            }
        }
    }
    Verdict {
        case,
        known,
        problems,
    }
}

/// The projects under `root`, as composelint groups its files; each lives in the tree
/// `depth` levels below `root`.
fn cases_under(root: &Path, depth: usize) -> Vec<Case> {
    // Docker Compose reads compose files only.
    projects_for_paths(&OsFs, &[root.to_path_buf()], &CommandKinds::NONE)
        .unwrap()
        .into_iter()
        .map(|p| Case::new(p.files, root, depth))
        .collect()
}

/// Every project under fixtures/ (fixtures/<CODE>/<case>/…, their `fixed/` results among
/// them), with its case's `args` (`-e`, `--env-file`). The vendored corpus is left out: the
/// corpus is compared as such, the shared one or, without it, the vendored one.
fn fixture_cases(root: &Path) -> Vec<Case> {
    let mut out = cases_under(root, 2);
    out.retain(|c| !c.tree.starts_with(root.join("corpus")));
    for case in &mut out {
        let Ok(args) = std::fs::read_to_string(case.tree.join("args")) else {
            continue;
        };
        for line in args.lines() {
            match line.split_once(' ') {
                Some(("-e", kv)) => {
                    let (k, v) = kv.split_once('=').expect("-e KEY=VALUE");
                    case.env.push((k.into(), v.into()));
                }
                Some(("--env-file", file)) => {
                    let file = case.directory().join(file);
                    case.env_files.push(file);
                }
                _ => {}
            }
        }
    }
    out
}

/// The projects that `composelint --fix --unsafe-fixes` changes in a copy of the corpus at
/// `root`, made under `scratch`.
fn fixed_cases(root: &Path, scratch: &Path) -> Vec<Case> {
    let copy = scratch.join("fixed");
    copy_tree(root, &copy);
    let program = PathBuf::from(env!("CARGO_BIN_EXE_composelint"));
    let args = ["--fix", "--unsafe-fixes", "--exit-zero", "--quiet", "."].map(String::from);
    let (status, _, stderr) = run_clean(&program, &args, &copy, &[]);
    assert!(status.success(), "composelint --fix failed:\n{stderr}");
    // A project is fixed when a fix wrote one of its compose files or a file beside them.
    let changed = |case: &Case| {
        let original = |p: &Path| root.join(p.strip_prefix(&copy).unwrap());
        let beside = std::fs::read_dir(case.directory()).unwrap();
        case.files
            .iter()
            .cloned()
            .chain(beside.map(|e| e.unwrap().path()).filter(|p| p.is_file()))
            .any(|f| std::fs::read(&f).ok() != std::fs::read(original(&f)).ok())
    };
    cases_under(&copy, 2)
        .into_iter()
        .filter(changed)
        .map(|mut case| {
            case.label = format!("fixed: {}", case.label);
            case
        })
        .collect()
}

/// Runs `compare` over the cases, two threads a core: each mostly waits for the two
/// processes it starts.
fn compare_all(oracle: &Path, cases: &[Case], scratch: &Path) -> Vec<Verdict> {
    let next = AtomicUsize::new(0);
    let verdicts = Mutex::new(Vec::new());
    let threads = 2 * std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let verdict = compare(oracle, case, &scratch.join(i.to_string()));
                    verdicts.lock().unwrap().push(verdict);
                }
            });
        }
    });
    let mut verdicts = verdicts.into_inner().unwrap();
    verdicts.sort_by(|a, b| a.case.label.cmp(&b.case.label));
    verdicts
}

#[test]
fn composelint_config_prints_what_docker_compose_prints() {
    let Some(oracle) = oracle() else {
        return;
    };
    let start = Instant::now();
    let scratch = tempfile::tempdir().unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Canonical: composelint names the files it reads without `..`.
    let corpus = shared_corpus().map(|c| c.canonicalize().unwrap());
    let mut cases = fixture_cases(&manifest.join("fixtures"));
    let fixtures = cases.len();
    let corpus = corpus.unwrap_or_else(|| manifest.join("fixtures/corpus"));
    cases.extend(cases_under(&corpus, 2));
    let corpus_projects = cases.len() - fixtures;
    cases.extend(fixed_cases(&corpus, scratch.path()));
    let fixed = cases.len() - fixtures - corpus_projects;
    let verdicts = compare_all(&oracle, &cases, scratch.path());
    let failed: Vec<&Verdict> = verdicts.iter().filter(|v| !v.problems.is_empty()).collect();
    let mut report = String::new();
    for v in &failed {
        report.push_str(&format!("{}\n", v.case.label));
        for p in &v.problems {
            report.push_str(&format!("    {p}\n"));
        }
    }
    let mut summary = format!(
        "{} projects ({fixtures} of fixtures/, {corpus_projects} of {}, {fixed} that fixes \
         rewrote) compared in {:.1} s: {} agree, {} differ",
        verdicts.len(),
        corpus.display(),
        start.elapsed().as_secs_f64(),
        verdicts.len() - failed.len(),
        failed.len()
    );
    for k in KNOWN {
        let n = verdicts.iter().filter(|v| v.known.contains(k.name)).count();
        summary.push_str(&format!("\n  {n} with the known difference {}", k.name));
    }
    eprintln!("{summary}");
    assert!(failed.is_empty(), "{report}{summary}");
}

// --- the known differences stay different ---------------------------------------------------

/// A project of one `compose.yaml` (and more files) in a directory of its own, loaded by
/// both tools as the comparison loads it, without the known differences taken out.
fn both(files: &[(&str, &str)]) -> (tempfile::TempDir, Outcome, Outcome) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let case = Case::new(vec![dir.path().join("compose.yaml")], dir.path(), 0);
    let oracle = oracle().unwrap();
    let ours = composelint_config(&case, &[]);
    let theirs = compose_config(&oracle, &case, &[]);
    (dir, ours, theirs)
}

fn accepted(outcome: Outcome, known: &Known) -> Value {
    match outcome {
        Outcome::Accepted(v) => v,
        Outcome::Refused(why) => panic!("{}: refused ({why})", known.name),
    }
}

/// Checks that `known` still holds on a project both tools accept: `check` gets the
/// project directory and what composelint and Compose print. Skipped without the oracle.
fn still_different(known: &Known, files: &[(&str, &str)], check: impl Fn(&Path, Value, Value)) {
    if oracle().is_none() {
        return;
    }
    let (dir, ours, theirs) = both(files);
    check(dir.path(), accepted(ours, known), accepted(theirs, known));
}

#[test]
fn known_env_template_composelint_reads_the_template_of_a_missing_env_file() {
    let files = [
        (
            "compose.yaml",
            "services:\n  app:\n    image: \"app:${TAG}\"\n",
        ),
        (".env.example", "TAG=1.2\n"),
    ];
    still_different(&ENV_TEMPLATE, &files, |_, ours, theirs| {
        assert_eq!(ours["services"]["app"]["image"], "app:1.2");
        assert_eq!(theirs["services"]["app"]["image"], "app:");
    });
}

#[test]
fn known_home_directory_composelint_keeps_the_tilde() {
    let compose = "services:\n  app:\n    image: app\n    volumes: [\"~/data:/data\"]\n";
    still_different(
        &HOME_DIRECTORY,
        &[("compose.yaml", compose)],
        |dir, ours, theirs| {
            let source = |doc: Value| doc["services"]["app"]["volumes"][0]["source"].clone();
            let (ours, theirs) = (source(ours), source(theirs));
            assert_eq!(ours, "~/data");
            assert_eq!(theirs, format!("{}/~/data", dir.display()));
            assert_eq!(
                known_value_difference(&ours, &theirs),
                Some(HOME_DIRECTORY.name)
            );
        },
    );
}

#[test]
fn known_alias_bomb_compose_does_not_finish_and_composelint_refuses() {
    let Some(oracle) = oracle() else {
        return;
    };
    let known = &ALIAS_BOMB;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for unfinished in UNFINISHED {
        let case = Case::new(
            vec![fixtures.join(unfinished).join("compose.yaml")],
            &fixtures,
            2,
        );
        assert!(
            matches!(composelint_config(&case, &[]), Outcome::Refused(_)),
            "{}: {}",
            case.label,
            known.why
        );
        let args = ["config", "--format", "json"].map(String::from);
        let mut compose = clean_command(&oracle, &args, case.directory(), &[])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs(3));
        let finished = compose.try_wait().unwrap();
        compose.kill().ok();
        compose.wait().ok();
        assert!(
            finished.is_none(),
            "Compose finishes loading {} ({finished:?}): compare it",
            case.label
        );
    }
}
