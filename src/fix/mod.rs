//! The fixer: applies the rules' fixes round after round until none is left, and keeps a fix
//! only when it provably does what it says and nothing else (see [`verify`]): every file it
//! touched still loads, its finding is gone, no finding appears that was not there, and what
//! Compose runs changes only where the fix is about — in every project that reads a file it
//! touches, under every profile.
//!
//! Each round takes every fix that touches no other and checks them together; only when that
//! fails are they checked in halves, down to the one that is wrong, so a large project with
//! one bad fix costs a few more lints, not one per fix. A safe fix that would change another
//! use of a shared value is tried again written at its one use
//! ([`crate::rules::inline_fix`]).
//!
//! Nothing here writes to disk: each round is loaded through an [`OverlayFs`] of the
//! fixed texts, and the result is the list of changed files. The binary writes them with
//! [`write::replace_file`] or prints them as a diff.

pub mod edits;
mod verify;
pub mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::fs::{FileSystem, OverlayFs as Overlay};
use crate::knowledge::Extensions;
use crate::workspace::projects_for_paths;
use crate::{LintedProject, RunError, Settings, project_files};
use edits::{PathEdit, Take, Taken, apply, at_path};
use verify::{Checked, FindingKey, ProjectKey, Rejection, judge, key_of, project_key};

/// Rounds before giving up: each round takes every fix that touches no other, so a project
/// needs more than two or three only when fixes keep undoing each other.
pub const MAX_ROUNDS: usize = 10;

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
    /// The file the fix edits (the first, when it edits several).
    pub path: PathBuf,
    pub service: Option<String>,
    pub message: crate::redact::Sensitive,
    pub applicability: Applicability,
}

/// A fix that was dropped. The other fixes stay; this one is not tried again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixFailure {
    pub code: &'static str,
    /// The file the fix edits (the first, when it edits several).
    pub path: PathBuf,
    pub reason: String,
    /// The fix broke a file or left its finding: a bug in the rule's fix. Otherwise it was
    /// dropped because it would change more than its finding (`reason` says what).
    pub internal: bool,
    key: FindingKey,
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

/// One fix considered in a round.
struct Candidate {
    key: FindingKey,
    /// The project that reported the finding.
    project: ProjectKey,
    applied: AppliedFix,
    edits: Vec<PathEdit>,
    /// What identifies this fix of this finding across rounds (spans move, contents do not).
    id: FixId,
}

type FixId = (FindingKey, String, Vec<String>);

/// What the rounds remember between them.
#[derive(Default)]
struct State {
    /// Fixes dropped: not tried again.
    blocked: HashSet<FixId>,
    failures: Vec<FixFailure>,
    applied: Vec<AppliedFix>,
}

/// How the fixer lints one project: the library's [`lint_files`], or in tests one that adds
/// fixes of its own.
type Linter<'l> =
    dyn Fn(&dyn FileSystem, &[PathBuf], &Settings) -> Result<LintedProject, RunError> + Sync + 'l;

/// Fixes every project `settings` names, without writing anything.
pub fn fix(
    fs: &dyn FileSystem,
    settings: &Settings,
    options: &FixOptions,
) -> Result<FixRun, RunError> {
    // Projects of one run see each other on the networks they share, before and after a fix
    // alike (what a fix changes there is not followed into the other projects).
    let run = crate::shared_networks_of(fs, settings)?;
    fix_with(fs, settings, options, &|fs, files, settings| {
        crate::lint_files_in(fs, files, settings, &run)
    })
}

/// The projects fixes are checked on: those `settings` names, then the others that read a
/// file some fix touches (found by searching the directory of that file). A fix changes only
/// the projects that read a file it touches, so only those are linted again.
struct World<'a> {
    settings: Settings,
    lint: &'a Linter<'a>,
    /// How many of `projects` are the named ones.
    named: usize,
    /// Each project's compose files, in the order of `projects`.
    files: Vec<ProjectKey>,
    projects: Vec<LintedProject>,
    searched: BTreeSet<PathBuf>,
}

impl World<'_> {
    /// How project `i` is linted: as the search found it, or (another project that reads a
    /// touched file) as a `-f` project of its files.
    fn settings_of(&self, i: usize) -> Settings {
        let mut settings = self.settings.clone();
        if i >= self.named {
            settings.compose_files = self.files[i].clone();
        }
        settings
    }

    /// The in-house Ollama images and variables of project `i`'s configuration.
    fn extensions_of(&self, fs: &dyn FileSystem, i: usize) -> Result<Extensions, RunError> {
        let settings = self.settings.for_project(fs, &self.files[i])?;
        Ok(settings.options.ollama.clone())
    }

    /// The projects that read one of `touched`, linted over `fs`: their indexes and results.
    fn relint(
        &self,
        fs: &dyn FileSystem,
        touched: &BTreeSet<PathBuf>,
    ) -> Result<Vec<(usize, LintedProject)>, RunError> {
        let affected: Vec<usize> = (0..self.projects.len())
            .filter(|&i| reads(&self.projects[i], touched))
            .collect();
        let linted = crate::in_parallel(&affected, |&i| {
            (self.lint)(fs, &self.files[i], &self.settings_of(i))
        });
        let mut out = Vec::with_capacity(affected.len());
        for (i, result) in affected.into_iter().zip(linted) {
            match result {
                Ok(p) => out.push((i, p)),
                // Another project that no longer loads is compared no more: the named
                // projects are what the run reports on.
                Err(_) if i >= self.named => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Adds the projects around `touched` files that read one of them and are not checked yet.
    fn add_readers(&mut self, fs: &dyn FileSystem, touched: &BTreeSet<PathBuf>) {
        let dirs: BTreeSet<PathBuf> = touched
            .iter()
            .filter_map(|t| t.parent().map(Path::to_path_buf))
            .filter(|d| !self.searched.contains(d))
            .collect();
        for dir in dirs {
            self.searched.insert(dir.clone());
            // A directory with no project below it is no error here, nor one whose
            // configuration does not load: its projects would not load either.
            let searched = |d: &Path| self.settings.reads_in(fs, d).ok().flatten();
            let Ok(found) = projects_for_paths(fs, std::slice::from_ref(&dir), &searched) else {
                continue;
            };
            for files in found.into_iter().map(|p| p.files) {
                if self.files.contains(&files) {
                    continue;
                }
                let settings = Settings {
                    compose_files: files.clone(),
                    ..self.settings.clone()
                };
                // A project that cannot be loaded is not one a fix can break.
                if let Ok(linted) = (self.lint)(fs, &files, &settings)
                    && reads(&linted, touched)
                {
                    self.files.push(files);
                    self.projects.push(linted);
                }
            }
        }
    }
}

/// Whether project `p` reads one of the files `touched`.
fn reads(p: &LintedProject, touched: &BTreeSet<PathBuf>) -> bool {
    p.sources.iter().any(|f| touched.contains(&f.path))
}

fn fix_with(
    fs: &dyn FileSystem,
    settings: &Settings,
    options: &FixOptions,
    lint: &Linter<'_>,
) -> Result<FixRun, RunError> {
    // Checking a fix compares what Compose runs before and after it: the merged documents
    // are needed.
    let mut settings = settings.clone();
    settings.load.keep_merged = true;
    let mut overlay = Overlay::new(fs);
    let mut originals: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    let mut state = State::default();
    let files = project_files(&overlay, &settings)?;
    let projects = crate::in_parallel(&files, |f| lint(&overlay, f, &settings))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let mut world = World {
        named: projects.len(),
        files,
        projects,
        settings,
        lint,
        searched: BTreeSet::new(),
    };
    let mut unconverged = Vec::new();
    for round in 0..=MAX_ROUNDS {
        let candidates = candidates(&world, &overlay, options, &state);
        if candidates.is_empty() {
            break;
        }
        if round == MAX_ROUNDS {
            unconverged = candidates.iter().map(|c| c.key.code).collect();
            unconverged.sort();
            unconverged.dedup();
            break;
        }
        let chosen = choose(candidates);
        let touched: BTreeSet<PathBuf> = chosen
            .iter()
            .flat_map(|c| c.edits.iter().map(|e| e.path.clone()))
            .collect();
        world.add_readers(&overlay, &touched);
        let mut round = Round {
            base: BTreeMap::new(),
            accepted: Vec::new(),
        };
        for path in &touched {
            let text = overlay
                .read(path)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            if let Some(text) = &text {
                originals
                    .entry(path.clone())
                    .or_insert_with(|| text.clone().into_bytes());
            }
            round.base.insert(path.clone(), text);
        }
        // Fixes that edit only the compose files of their project are checked apart from
        // those that edit a file others may read too (`.env`, an env file): most fixes that
        // fail the check are of the second kind, and halving then goes over those only.
        let (own, shared): (Vec<&Candidate>, Vec<&Candidate>) = chosen
            .iter()
            .partition(|c| c.edits.iter().all(|e| c.project.contains(&e.path)));
        round.settle(&own, &mut overlay, &mut world, &mut state)?;
        round.settle(&shared, &mut overlay, &mut world, &mut state)?;
    }
    let changes = overlay
        .into_files()
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
    let mut projects = world.projects;
    projects.truncate(world.named);
    Ok(FixRun {
        changes,
        applied: state.applied,
        failures: state.failures,
        unconverged,
        projects,
    })
}

/// One round: the texts it started from, and the fixes kept so far.
struct Round<'c> {
    /// Each touched file's text at the start of the round (None: unreadable or not UTF-8).
    base: BTreeMap<PathBuf, Option<String>>,
    accepted: Vec<&'c Candidate>,
}

impl<'c> Round<'c> {
    /// Keeps `set` if it passes the checks together; otherwise checks each half on its own,
    /// down to single fixes, which are dropped.
    fn settle(
        &mut self,
        set: &[&'c Candidate],
        overlay: &mut Overlay,
        world: &mut World,
        state: &mut State,
    ) -> Result<(), RunError> {
        if set.is_empty() {
            return Ok(());
        }
        match self.try_set(set, overlay, world)? {
            Ok(()) => {
                self.accepted.extend(set);
                state.applied.extend(set.iter().map(|c| c.applied.clone()));
                // A finding fixed another way (written at its one use) after its first fix
                // was dropped: that drop is no news.
                state
                    .failures
                    .retain(|f| f.internal || !set.iter().any(|c| c.key == f.key));
            }
            Err(rejection) if set.len() == 1 => {
                let c = set[0];
                state.blocked.insert(c.id.clone());
                // One failure per finding: its second way (written at its use) failing
                // too says less than the first.
                let known = state
                    .failures
                    .iter()
                    .any(|f| f.key == c.key && !f.internal && !rejection.internal);
                if known {
                    return Ok(());
                }
                state.failures.push(FixFailure {
                    code: c.key.code,
                    path: c.edits.first().map(|e| e.path.clone()).unwrap_or_default(),
                    reason: rejection.reason,
                    internal: rejection.internal,
                    key: c.key.clone(),
                });
            }
            Err(_) => {
                let (first, second) = set.split_at(set.len() / 2);
                self.settle(first, overlay, world, state)?;
                self.settle(second, overlay, world, state)?;
            }
        }
        Ok(())
    }

    /// Applies the kept fixes and `set` to the round's texts, lints, and judges; on failure
    /// the texts are as they were.
    fn try_set(
        &self,
        set: &[&Candidate],
        overlay: &mut Overlay,
        world: &mut World,
    ) -> Result<Result<(), Rejection>, RunError> {
        let mut taken = Taken::default();
        for c in self.accepted.iter().chain(set) {
            if taken.take(&c.edits) == Take::Conflicts {
                // `choose` took no two fixes that touch: this is a bug of ours.
                return Ok(Err(Rejection {
                    reason: "its edits overlap another fix's".into(),
                    internal: true,
                }));
            }
        }
        let touched: BTreeSet<PathBuf> = set
            .iter()
            .flat_map(|c| c.edits.iter().map(|e| e.path.clone()))
            .collect();
        let files = taken.into_files();
        let mut previous: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
        let mut problem = None;
        for path in &touched {
            let fixed = self
                .base
                .get(path)
                .and_then(Option::as_ref)
                .and_then(|text| apply(text, &files[path]).ok());
            let Some(fixed) = fixed else {
                problem = Some(Rejection {
                    reason: "the edits could not be applied".into(),
                    internal: true,
                });
                break;
            };
            previous.push((path.clone(), overlay.get(path).map(<[u8]>::to_vec)));
            overlay.insert(path.clone(), fixed.into_bytes());
        }
        if problem.is_none() {
            let after = world.relint(overlay, &touched)?;
            let before: Vec<&LintedProject> =
                after.iter().map(|(i, _)| &world.projects[*i]).collect();
            let after_projects: Vec<&LintedProject> = after.iter().map(|(_, p)| p).collect();
            let extensions = after
                .iter()
                .map(|(i, _)| world.extensions_of(overlay, *i))
                .collect::<Result<Vec<_>, _>>()?;
            let checked: Vec<Checked> = set
                .iter()
                .map(|c| Checked {
                    key: &c.key,
                    project: &c.project,
                    applicability: c.applied.applicability,
                    message: c.applied.message.expose_unredacted(),
                    edits: &c.edits,
                })
                .collect();
            match judge(&checked, &touched, &before, &after_projects, &extensions) {
                Ok(()) => {
                    for (i, p) in after {
                        world.projects[i] = p;
                    }
                    return Ok(Ok(()));
                }
                Err(rejection) => problem = Some(rejection),
            }
        }
        for (path, bytes) in previous {
            match bytes {
                Some(bytes) => overlay.insert(path, bytes),
                None => {
                    overlay.remove(&path);
                }
            }
        }
        Ok(Err(problem.unwrap_or_else(|| Rejection {
            reason: "unknown".into(),
            internal: true,
        })))
    }
}

/// Every fix the options allow whose files can be edited: files read exactly as they are on
/// disk (valid UTF-8), in a project without a syntax error. A finding whose fix was dropped
/// offers its fix written at its one use instead, when there is one.
fn candidates(
    world: &World,
    overlay: &Overlay,
    options: &FixOptions,
    state: &State,
) -> Vec<Candidate> {
    let mut editable: HashMap<PathBuf, bool> = HashMap::new();
    let mut out = Vec::new();
    for (i, p) in world.projects[..world.named].iter().enumerate() {
        // A project with a file that does not parse is not fixed at all: the model built
        // from the rest is partial, so its fixes could be wrong.
        if p.diagnostics.iter().any(|d| d.code == "CMP001") {
            continue;
        }
        for d in &p.diagnostics {
            let Some(fix) = d.fix.as_ref() else { continue };
            let key = key_of(d, p);
            let mut fix = Some(fix.clone());
            let mut fallback_tried = false;
            while let Some(f) = fix.take() {
                let id = fix_id(&key, &f);
                if !state.blocked.contains(&id) {
                    if options.allows(f.applicability)
                        && let Some(edits) = path_edits(p, &f, overlay, &mut editable)
                    {
                        out.push(Candidate {
                            key: key.clone(),
                            project: project_key(p),
                            applied: AppliedFix {
                                code: d.code,
                                path: edits[0].path.clone(),
                                service: d.service.clone(),
                                message: f.message.clone(),
                                applicability: f.applicability,
                            },
                            edits,
                            id,
                        });
                    }
                    break;
                }
                if !fallback_tried {
                    fallback_tried = true;
                    fix = world
                        .extensions_of(overlay, i)
                        .ok()
                        .and_then(|extensions| inline(p, d, &extensions));
                }
            }
        }
    }
    out
}

/// The fix of `d` written where its service uses the value, for when its own fix would
/// change other uses of a shared value.
fn inline(p: &LintedProject, d: &Diagnostic, extensions: &Extensions) -> Option<Fix> {
    crate::rules::inline_fix::inline_fix(&p.project, &p.sources, d, extensions)
}

fn fix_id(key: &FindingKey, fix: &Fix) -> FixId {
    (
        key.clone(),
        fix.message.expose_unredacted().to_string(),
        fix.edits.iter().map(|e| e.content.clone()).collect(),
    )
}

/// The fix's edits located by path, when every file it edits can be edited.
fn path_edits(
    p: &LintedProject,
    fix: &Fix,
    overlay: &Overlay,
    editable: &mut HashMap<PathBuf, bool>,
) -> Option<Vec<PathEdit>> {
    if fix.edits.is_empty() {
        return None;
    }
    fix.edits
        .iter()
        .map(|e| {
            let file = p.sources.get(e.span.file);
            let can_edit = *editable.entry(file.path.clone()).or_insert_with(|| {
                overlay
                    .read(&file.path)
                    .is_ok_and(|bytes| bytes == file.text.as_bytes())
            });
            can_edit.then(|| at_path(file.path.clone(), e))
        })
        .collect()
}

/// The fixes of this round: in order, each that touches no edit already taken (an identical
/// edit counts as taken: one value can fix two references).
fn choose(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let mut taken = Taken::default();
    candidates
        .into_iter()
        .filter(|c| taken.take(&c.edits) != Take::Conflicts)
        .collect()
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

    /// A finding of a made-up rule about `service` at `span`, with a safe fix writing `with`
    /// there.
    fn finding(service: String, span: Span, message: String, with: &str) -> Diagnostic {
        Diagnostic {
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
                message: message.into(),
                edits: vec![Edit {
                    span,
                    content: with.into(),
                }],
            }),
            profiles: Vec::new(),
            projects: Vec::new(),
            app_default: false,
            beside: None,
        }
    }

    /// A finding of a made-up rule with a safe fix replacing `find` by `with` in the compose
    /// file, while `find` is there.
    fn with_fake_fix(
        find: &'static str,
        with: &'static str,
        service: impl Fn(&str) -> String + Sync,
    ) -> impl Fn(&dyn FileSystem, &[PathBuf], &Settings) -> Result<LintedProject, RunError> + Sync
    {
        move |fs, files, settings| {
            let mut p = crate::lint_files(fs, files, settings)?;
            {
                let Some(file) = p.sources.iter().find(|f| f.path == Path::new(PATH)) else {
                    return Ok(p);
                };
                let Some(at) = file.text.find(find) else {
                    return Ok(p);
                };
                let span = Span::new(file.id, at, at + find.len());
                let service = service(&file.text);
                p.diagnostics
                    .push(finding(service, span, format!("replace `{find}`"), with));
            }
            Ok(p)
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
    fn a_fix_that_adds_a_finding_is_dropped_and_says_which() {
        let (fs, settings) = setup();
        // The fix works (its finding is gone) but the next one appears in its place.
        let linter = with_fake_fix("m: {}", "m: {}\n#", |text| {
            format!("s{}", text.matches('#').count())
        });
        let run = fix_with(&fs, &settings, &FixOptions::default(), &linter).unwrap();
        assert!(run.unconverged.is_empty(), "{:?}", run.unconverged);
        assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
        let failure = &run.failures[0];
        assert_eq!(failure.code, "TST001");
        assert!(!failure.internal);
        assert!(
            failure.reason.contains("add a finding (TST001"),
            "{}",
            failure.reason
        );
        assert!(!fixed_text(&run).contains('#'));
    }

    #[test]
    fn fixes_that_never_settle_are_reported_after_the_last_round() {
        let (fs, settings) = setup();
        // More findings than rounds, whose fixes all insert different lines at one place:
        // one per round.
        let linter = |fs: &dyn FileSystem, files: &[PathBuf], settings: &Settings| {
            let mut p = crate::lint_files(fs, files, settings)?;
            let Some(file) = p.sources.iter().find(|f| f.path == Path::new(PATH)) else {
                return Ok(p);
            };
            let at = file.text.find("  m: {}").unwrap();
            let span = Span::new(file.id, at, at);
            let done = file.text.matches('#').count();
            for n in done..MAX_ROUNDS + 2 {
                p.diagnostics.push(finding(
                    format!("s{n}"),
                    span,
                    "add a line".into(),
                    &format!("#{n}\n"),
                ));
            }
            Ok(p)
        };
        let run = fix_with(&fs, &settings, &FixOptions::default(), &linter).unwrap();
        assert_eq!(run.unconverged, ["TST001"]);
        assert!(run.failures.is_empty(), "{:?}", run.failures);
        assert_eq!(
            run.applied.iter().filter(|a| a.code == "TST001").count(),
            MAX_ROUNDS
        );
    }

    /// `a` runs Ollama; `b` runs on the host's network, where `localhost` is right; both
    /// read `../shared.env`. Fixing `a` alone must not break `b`.
    fn shared_env_file() -> MemFs {
        let mut fs = MemFs::new();
        fs.insert(
            "/r/a/compose.yaml",
            "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"m:/root/.ollama\"]\n  app:\n    image: ghcr.io/open-webui/open-webui:main\n    env_file: ../shared.env\n    depends_on: [ollama]\nvolumes:\n  m: {}\n",
        );
        fs.insert(
            "/r/b/compose.yaml",
            "services:\n  app:\n    image: ghcr.io/open-webui/open-webui:main\n    network_mode: host\n    env_file: ../shared.env\n",
        );
        fs.insert("/r/shared.env", "OLLAMA_BASE_URL=http://localhost:11434\n");
        fs
    }

    #[test]
    fn a_file_shared_with_a_project_not_named_is_fixed_only_where_it_is_used() {
        let fs = shared_env_file();
        let settings = Settings {
            paths: vec![PathBuf::from("/r/a")],
            ..Settings::default()
        };
        let run = fix(&fs, &settings, &FixOptions::default()).unwrap();
        assert!(run.failures.is_empty(), "{:?}", run.failures);
        let changed: Vec<&Path> = run.changes.iter().map(|c| c.path.as_path()).collect();
        assert_eq!(changed, [Path::new("/r/a/compose.yaml")]);
        let text = String::from_utf8(run.changes[0].fixed.clone()).unwrap();
        assert!(
            text.contains("    environment:\n      OLLAMA_BASE_URL: \"http://ollama:11434\"\n"),
            "{text}"
        );
        // Only the named project is reported.
        assert_eq!(run.projects.len(), 1);
    }

    #[test]
    fn a_dropped_fix_with_no_other_way_says_what_it_would_change() {
        // `app`'s environment is an anchor `other` uses too: the value written there would
        // change `other`, so that is dropped as well, and the first reason is the one said.
        let mut fs = shared_env_file();
        fs.insert(
            "/r/a/compose.yaml",
            "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"m:/root/.ollama\"]\n  app:\n    image: ghcr.io/open-webui/open-webui:main\n    env_file: ../shared.env\n    environment: &env\n      X: 1\n    depends_on: [ollama]\n  other:\n    image: busybox\n    environment: *env\nvolumes:\n  m: {}\n",
        );
        let settings = Settings {
            paths: vec![PathBuf::from("/r/a")],
            ..Settings::default()
        };
        let run = fix(&fs, &settings, &FixOptions::default()).unwrap();
        assert!(run.changes.is_empty(), "{:?}", run.changes);
        assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
        let failure = &run.failures[0];
        assert_eq!(failure.code, "OLL001");
        assert_eq!(failure.path, Path::new("/r/shared.env"));
        assert!(!failure.internal);
        assert!(
            failure.reason.contains("it would add a finding (OLL005"),
            "{}",
            failure.reason
        );
    }

    #[test]
    fn a_fix_to_one_container_that_changes_another_is_dropped() {
        // A made-up fix about `web` that rewrites the image of `ollama`, in a script.
        const SCRIPT: &str = "/s/run.sh";
        let mut fs = MemFs::new();
        fs.insert(
            SCRIPT,
            "docker network create n\ndocker run -d --network n --name ollama ollama/ollama\ndocker run -d --network n --name web -e OLLAMA_BASE_URL=http://ollama:11434 ghcr.io/open-webui/open-webui:main\n",
        );
        let settings = Settings {
            paths: vec![PathBuf::from("/s")],
            ..Settings::default()
        };
        let linter = |fs: &dyn FileSystem, files: &[PathBuf], settings: &Settings| {
            let mut p = crate::lint_files(fs, files, settings)?;
            let file = p.sources.get(p.project.files[0]);
            if let Some(at) = file.text.find("ollama/ollama\n") {
                let span = Span::new(file.id, at, at + "ollama/ollama".len());
                let d = finding("web".into(), span, "retag".into(), "ollama/ollama:rocm");
                p.diagnostics.push(d);
            }
            Ok(p)
        };
        let run = fix_with(&fs, &settings, &FixOptions::default(), &linter).unwrap();
        assert!(run.changes.is_empty(), "{:?}", run.changes);
        assert_eq!(run.failures.len(), 1, "{:?}", run.failures);
        assert!(
            run.failures[0]
                .reason
                .contains("it would also change `services.ollama.image`"),
            "{}",
            run.failures[0].reason
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
