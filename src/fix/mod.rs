//! The fixer: applies the rules' fixes round after round until none is left, and keeps a
//! round only when every file it touched still loads and every finding it fixed is gone.
//!
//! Nothing here writes to disk: each round is loaded through an [`overlay::Overlay`] of the
//! fixed texts, and the result is the list of changed files. The binary writes them with
//! [`write::replace_file`] or prints them as a diff.

pub mod edits;
mod overlay;
pub mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Applicability, Diagnostic};
use crate::fs::FileSystem;
use crate::{LintedProject, RunError, Settings, lint};
use edits::{PathEdit, Take, Taken, apply, at_path};
use overlay::Overlay;

/// Rounds before giving up: each round takes every fix that touches no other, so a project
/// needs more than two or three only when fixes keep undoing each other.
pub const MAX_ROUNDS: usize = 10;

/// Findings whose appearance in a file means a fix broke it.
const BREAKING: [&str; 3] = ["CMP001", "CMP002", "CMP003"];

#[derive(Clone, Copy, Debug, Default)]
pub struct FixOptions {
    /// Also apply fixes that add structure or pick one of several targets.
    pub unsafe_fixes: bool,
}

impl FixOptions {
    pub fn allows(&self, applicability: Applicability) -> bool {
        applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// A file the fixes change, with its bytes before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    pub path: PathBuf,
    pub original: Vec<u8>,
    pub fixed: Vec<u8>,
}

/// A fix that was applied and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFix {
    pub code: &'static str,
    pub service: Option<String>,
    pub message: crate::redact::Sensitive,
    pub applicability: Applicability,
}

/// A fix that was dropped because applying it broke a file or did not remove its finding.
/// The file keeps its other fixes; this rule's are not applied to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixFailure {
    pub code: &'static str,
    pub path: PathBuf,
    pub reason: String,
}

/// What fixing did, and the projects as they read after it.
#[derive(Debug)]
pub struct FixRun {
    /// Changed files, sorted by path.
    pub changes: Vec<FileChange>,
    pub applied: Vec<AppliedFix>,
    pub failures: Vec<FixFailure>,
    /// Codes of fixes still applicable after [`MAX_ROUNDS`] rounds.
    pub unconverged: Vec<&'static str>,
    /// The projects linted over the fixed texts.
    pub projects: Vec<LintedProject>,
}

/// Which findings a fix is expected to remove: findings of the same rule about the same
/// service in the same file. Spans move when text is inserted, so they cannot be the key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct FindingKey {
    code: &'static str,
    service: Option<String>,
    path: Option<PathBuf>,
}

fn key_of(d: &Diagnostic, p: &LintedProject) -> FindingKey {
    FindingKey {
        code: d.code,
        service: d.service.clone(),
        path: d.primary.map(|s| p.sources.get(s.file).path.clone()),
    }
}

/// One fix considered in a round.
struct Candidate {
    key: FindingKey,
    applied: AppliedFix,
    edits: Vec<PathEdit>,
}

/// How many findings of each key, and how many breaking findings in each file.
#[derive(Default)]
struct Tally {
    keys: HashMap<FindingKey, usize>,
    breaking: HashMap<PathBuf, usize>,
    /// Files that do not parse. Counting is not enough: a syntax error hides the structure
    /// errors the file had, so a file with one CMP003 that a fix breaks still has one
    /// breaking finding (found by fuzzing).
    unparsed: BTreeSet<PathBuf>,
}

impl Tally {
    fn of(projects: &[LintedProject]) -> Tally {
        let mut tally = Tally::default();
        for p in projects {
            for d in &p.diagnostics {
                let key = key_of(d, p);
                if BREAKING.contains(&d.code)
                    && let Some(path) = &key.path
                {
                    *tally.breaking.entry(path.clone()).or_default() += 1;
                    if d.code == "CMP001" {
                        tally.unparsed.insert(path.clone());
                    }
                }
                *tally.keys.entry(key).or_default() += 1;
            }
        }
        tally
    }

    fn count(&self, key: &FindingKey) -> usize {
        self.keys.get(key).copied().unwrap_or(0)
    }

    fn breaking(&self, path: &Path) -> usize {
        self.breaking.get(path).copied().unwrap_or(0)
    }
}

/// What the rounds remember between them.
#[derive(Default)]
struct State {
    /// (rule, file) pairs whose fix failed there: not tried again.
    blocked: BTreeSet<(&'static str, PathBuf)>,
    /// Files where a round with several fixes went wrong: one fix per round from now on,
    /// so the next failure names its rule.
    isolated: BTreeSet<PathBuf>,
    failures: Vec<FixFailure>,
    applied: Vec<AppliedFix>,
}

/// Fixes every project `settings` names, without writing anything.
pub fn fix(
    fs: &dyn FileSystem,
    settings: &Settings,
    options: &FixOptions,
) -> Result<FixRun, RunError> {
    fix_with(fs, settings, options, &lint)
}

/// How the fixer lints: the library's `lint`, or in tests one that adds fixes of its own.
type Linter = dyn Fn(&dyn FileSystem, &Settings) -> Result<Vec<LintedProject>, RunError>;

fn fix_with(
    fs: &dyn FileSystem,
    settings: &Settings,
    options: &FixOptions,
    lint: &Linter,
) -> Result<FixRun, RunError> {
    let mut overlay = Overlay::new(fs);
    let mut originals: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    let mut state = State::default();
    let mut projects = lint(&overlay, settings)?;
    let mut unconverged = Vec::new();
    for round in 0..=MAX_ROUNDS {
        let candidates = candidates(&projects, &overlay, options, &state);
        if candidates.is_empty() {
            break;
        }
        if round == MAX_ROUNDS {
            unconverged = candidates.iter().map(|c| c.key.code).collect();
            unconverged.sort();
            unconverged.dedup();
            break;
        }
        let (chosen, files) = choose(candidates, &state);
        let before = Tally::of(&projects);
        let mut previous: BTreeMap<PathBuf, Option<Vec<u8>>> = BTreeMap::new();
        let mut unappliable = Vec::new();
        for (path, file_edits) in &files {
            let current = overlay
                .read(path)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            let Some(current) = current else {
                unappliable.push(path.clone());
                continue;
            };
            match apply(&current, file_edits) {
                Ok(fixed) => {
                    previous.insert(path.clone(), overlay.changed(path).map(<[u8]>::to_vec));
                    originals
                        .entry(path.clone())
                        .or_insert_with(|| current.clone().into_bytes());
                    overlay.set(path.clone(), fixed.into_bytes());
                }
                Err(e) => unappliable.push({
                    state.failures.extend(
                        fixes_touching(&chosen, path).map(|c| failure(c, path, e.to_string())),
                    );
                    path.clone()
                }),
            }
        }
        let after = lint(&overlay, settings)?;
        let tally = Tally::of(&after);
        let verdicts = judge_round(&chosen, &files, &before, &tally, &unappliable);
        if verdicts.is_empty() {
            state.applied.extend(chosen.into_iter().map(|c| c.applied));
            projects = after;
            continue;
        }
        // Something went wrong: undo the whole round, so no fix is left half-applied, and
        // learn from it before the next one.
        for (path, bytes) in previous {
            overlay.restore(&path, bytes);
        }
        for (path, problem) in verdicts {
            let touching: Vec<&Candidate> = fixes_touching(&chosen, &path).collect();
            if touching.len() > 1 && !state.isolated.contains(&path) {
                state.isolated.insert(path);
                continue;
            }
            for c in touching {
                state.blocked.insert((c.key.code, path.clone()));
                if !unappliable.contains(&path) {
                    state.failures.push(failure(c, &path, problem.clone()));
                }
            }
        }
        for path in &unappliable {
            for c in fixes_touching(&chosen, path) {
                state.blocked.insert((c.key.code, path.clone()));
            }
        }
    }
    let changes = overlay
        .into_changed()
        .into_iter()
        .filter_map(|(path, fixed)| {
            let original = originals.remove(&path)?;
            (original != fixed).then_some(FileChange {
                path,
                original,
                fixed,
            })
        })
        .collect();
    Ok(FixRun {
        changes,
        applied: state.applied,
        failures: state.failures,
        unconverged,
        projects,
    })
}

fn failure(c: &Candidate, path: &Path, reason: String) -> FixFailure {
    FixFailure {
        code: c.key.code,
        path: path.to_path_buf(),
        reason,
    }
}

fn fixes_touching<'a>(
    chosen: &'a [Candidate],
    path: &'a Path,
) -> impl Iterator<Item = &'a Candidate> + 'a {
    chosen
        .iter()
        .filter(move |c| c.edits.iter().any(|e| e.path == path))
}

/// Every fix the options allow whose files can be edited: files read exactly as they are on
/// disk (valid UTF-8), in a project without a syntax error, and not blocked for its rule.
fn candidates(
    projects: &[LintedProject],
    overlay: &Overlay,
    options: &FixOptions,
    state: &State,
) -> Vec<Candidate> {
    let mut editable: HashMap<PathBuf, bool> = HashMap::new();
    let mut out = Vec::new();
    for p in projects {
        // A project with a file that does not parse is not fixed at all: the model built
        // from the rest is partial, so its fixes could be wrong.
        if p.diagnostics.iter().any(|d| d.code == "CMP001") {
            continue;
        }
        for d in &p.diagnostics {
            let Some(fix) = d.fix.as_ref().filter(|f| options.allows(f.applicability)) else {
                continue;
            };
            let mut ok = !fix.edits.is_empty();
            let mut path_edits = Vec::with_capacity(fix.edits.len());
            for e in &fix.edits {
                let file = p.sources.get(e.span.file);
                let can_edit = *editable.entry(file.path.clone()).or_insert_with(|| {
                    overlay
                        .read(&file.path)
                        .is_ok_and(|bytes| bytes == file.text.as_bytes())
                });
                if !can_edit || state.blocked.contains(&(d.code, file.path.clone())) {
                    ok = false;
                    break;
                }
                path_edits.push(at_path(file.path.clone(), e));
            }
            if ok {
                out.push(Candidate {
                    key: key_of(d, p),
                    applied: AppliedFix {
                        code: d.code,
                        service: d.service.clone(),
                        message: fix.message.clone(),
                        applicability: fix.applicability,
                    },
                    edits: path_edits,
                });
            }
        }
    }
    out
}

/// The fixes of this round: in order, each that touches no edit already taken (an
/// identical edit counts as taken: one value can fix two references), at most one per
/// isolated file. Returns them with the edits per file.
fn choose(
    candidates: Vec<Candidate>,
    state: &State,
) -> (Vec<Candidate>, BTreeMap<PathBuf, Vec<PathEdit>>) {
    let mut taken = Taken::default();
    let mut chosen = Vec::new();
    let mut used_isolated: BTreeSet<PathBuf> = BTreeSet::new();
    for c in candidates {
        let isolated: Vec<&PathBuf> = c
            .edits
            .iter()
            .map(|e| &e.path)
            .filter(|p| state.isolated.contains(*p))
            .collect();
        if isolated.iter().any(|p| used_isolated.contains(*p)) {
            continue;
        }
        match taken.take(&c.edits) {
            Take::Conflicts => continue,
            Take::Taken | Take::AlreadyTaken => {
                used_isolated.extend(isolated.into_iter().cloned());
                chosen.push(c);
            }
        }
    }
    (chosen, taken.into_files())
}

/// The files whose round went wrong, with what went wrong: a file that loaded before and no
/// longer does, or a fixed finding that is still there.
fn judge_round(
    chosen: &[Candidate],
    files: &BTreeMap<PathBuf, Vec<PathEdit>>,
    before: &Tally,
    after: &Tally,
    unappliable: &[PathBuf],
) -> BTreeMap<PathBuf, String> {
    let mut wrong = BTreeMap::new();
    for path in unappliable {
        wrong.insert(path.clone(), "the edits could not be applied".to_string());
    }
    for path in files.keys() {
        let unparsed = after.unparsed.contains(path) && !before.unparsed.contains(path);
        if unparsed || after.breaking(path) > before.breaking(path) {
            wrong
                .entry(path.clone())
                .or_insert_with(|| "the file no longer loads after the fix".to_string());
        }
    }
    let mut expected_gone: HashMap<&FindingKey, usize> = HashMap::new();
    for c in chosen {
        *expected_gone.entry(&c.key).or_default() += 1;
    }
    for c in chosen {
        let gone = expected_gone.get(&c.key).copied().unwrap_or(0);
        if after.count(&c.key) + gone > before.count(&c.key) {
            for e in &c.edits {
                wrong.entry(e.path.clone()).or_insert_with(|| {
                    format!(
                        "the finding is still reported after the fix `{}`",
                        // Printed as an error: the patterns hide what credentials look like.
                        c.applied
                            .message
                            .redacted(&crate::redact::Secrets::default())
                    )
                });
            }
        }
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
    use crate::fs::MemFs;
    use crate::source::Span;

    const COMPOSE: &str = "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"m:/root/.ollama\"]\n  web:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://localhost:11434\n    depends_on: [ollama]\nvolumes:\n  m: {}\n";
    const PATH: &str = "/p/compose.yaml";

    fn setup() -> (MemFs, Settings) {
        let mut fs = MemFs::new();
        fs.insert(PATH, COMPOSE);
        let settings = Settings {
            paths: vec![PathBuf::from("/p")],
            ..Settings::default()
        };
        (fs, settings)
    }

    /// A finding of a made-up rule with a safe fix replacing `find` by `with` in the compose
    /// file, while `find` is there.
    fn with_fake_fix(
        find: &'static str,
        with: &'static str,
        service: impl Fn(&str) -> String,
    ) -> impl Fn(&dyn FileSystem, &Settings) -> Result<Vec<LintedProject>, RunError> {
        move |fs, settings| {
            let mut projects = lint(fs, settings)?;
            for p in &mut projects {
                let Some(file) = p.sources.iter().find(|f| f.path == Path::new(PATH)) else {
                    continue;
                };
                let Some(at) = file.text.find(find) else {
                    continue;
                };
                let span = Span::new(file.id, at, at + find.len());
                let service = service(&file.text);
                p.diagnostics.push(Diagnostic {
                    code: "TST001",
                    rule: "test",
                    severity: Severity::Warning,
                    message: "made up".into(),
                    help: None,
                    service: Some(service),
                    primary: Some(span),
                    primary_label: None,
                    related: Vec::new(),
                    fix: Some(Fix {
                        applicability: Applicability::Safe,
                        message: format!("replace `{find}`").into(),
                        edits: vec![Edit {
                            span,
                            content: with.into(),
                        }],
                    }),
                    profiles: Vec::new(),
                    projects: Vec::new(),
                });
            }
            Ok(projects)
        }
    }

    fn fixed_text(run: &FixRun) -> String {
        let change = run.changes.iter().find(|c| c.path == Path::new(PATH));
        String::from_utf8(change.expect("the file changed").fixed.clone()).unwrap()
    }

    #[test]
    fn a_fix_that_breaks_the_file_is_dropped_and_named_and_the_others_stay() {
        let (fs, settings) = setup();
        // Turns `volumes: [` into `volumes: [[`: the file no longer parses.
        let linter = with_fake_fix("volumes: [", "volumes: [[", |_| "ollama".into());
        let run = fix_with(&fs, &settings, &FixOptions::default(), &linter).unwrap();
        assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
        assert_eq!(run.failures[0].code, "TST001");
        assert_eq!(run.failures[0].path, Path::new(PATH));
        assert!(run.failures[0].reason.contains("no longer loads"));
        // The real fix in the same file is still applied; the breaking edit is not.
        let text = fixed_text(&run);
        assert!(
            text.contains("OLLAMA_BASE_URL: http://ollama:11434"),
            "{text}"
        );
        assert!(text.contains("volumes: [\"m:"), "{text}");
        assert!(run.applied.iter().any(|a| a.code == "OLL001"));
        assert!(!run.applied.iter().any(|a| a.code == "TST001"));
    }

    #[test]
    fn a_fix_that_breaks_a_file_with_a_structure_error_is_dropped() {
        let (mut fs, settings) = setup();
        // `restart: [x]` is a CMP003; the broken syntax hides it, so the count of breaking
        // findings stays one.
        fs.insert(
            PATH,
            COMPOSE.replace("  web:\n", "    restart: [x]\n  web:\n"),
        );
        let linter = with_fake_fix("volumes: [", "volumes: [[", |_| "ollama".into());
        let run = fix_with(&fs, &settings, &FixOptions::default(), &linter).unwrap();
        assert!(
            run.failures
                .iter()
                .any(|f| f.code == "TST001" && f.reason.contains("no longer loads")),
            "{:?}",
            run.failures
        );
        let text = fixed_text(&run);
        assert!(text.contains("volumes: [\"m:"), "{text}");
    }

    #[test]
    fn a_fix_whose_finding_stays_is_dropped() {
        let (fs, settings) = setup();
        // The finding is reported wherever `ollama/ollama` is, and the fix keeps it there.
        let linter = with_fake_fix("ollama/ollama", "ollama/ollama:0.9", |_| "ollama".into());
        let run = fix_with(&fs, &settings, &FixOptions::default(), &linter).unwrap();
        assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
        assert!(run.failures[0].reason.contains("still reported"));
        let text = fixed_text(&run);
        assert!(text.contains("    image: ollama/ollama\n"), "{text}");
        assert!(text.contains("http://ollama:11434"), "{text}");
    }

    #[test]
    fn fixes_that_never_settle_are_reported_after_the_last_round() {
        let (fs, settings) = setup();
        // Each round's fix works (its finding is gone) but makes a new one.
        let linter = with_fake_fix("m: {}", "m: {}\n#", |text| {
            format!("s{}", text.matches('#').count())
        });
        let run = fix_with(&fs, &settings, &FixOptions::default(), &linter).unwrap();
        assert_eq!(run.unconverged, ["TST001"]);
        assert!(run.failures.is_empty(), "{:?}", run.failures);
        assert_eq!(
            run.applied.iter().filter(|a| a.code == "TST001").count(),
            MAX_ROUNDS
        );
    }

    #[test]
    fn unsafe_fixes_wait_for_the_option() {
        let (fs, settings) = setup();
        let safe_only = fix(&fs, &settings, &FixOptions::default()).unwrap();
        assert!(
            safe_only
                .applied
                .iter()
                .all(|a| a.applicability == Applicability::Safe)
        );
        let all = fix(&fs, &settings, &FixOptions { unsafe_fixes: true }).unwrap();
        assert!(all.applied.len() >= safe_only.applied.len());
        // Nothing is written: the in-memory file is as it was.
        assert_eq!(fs.read(Path::new(PATH)).unwrap(), COMPOSE.as_bytes());
    }
}
