//! What each fuzz target does with one input, shared by the fuzz targets and by the
//! regression test (`tests/fuzz_regressions.rs` includes this file), so a saved crash input
//! replays through exactly the code that found it.
//!
//! Every function panics when an invariant breaks; the library itself must never panic.

mod meaning;
pub mod secrets;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use composelint::diagnostic::Diagnostic;
use composelint::fix::{FixOptions, FixRun};
use composelint::fs::MemFs;
use composelint::net::Platform;
use composelint::source::{FileId, SourceFile, Sources, Span};
use composelint::text::{Origin, Text};
use composelint::{LintedProject, Settings, dotenv, interpolate, lint, yaml};

/// The directory the multi-file targets put their project in.
pub const PROJECT_DIR: &str = "/p";

/// The files of a multi-file input, in the order its NUL-separated parts fill them: a
/// compose file, its `.env`, its override file, a file for `extends`/`include` to name, and an
/// `env_file`.
pub const PROJECT_FILES: [&str; 5] = [
    "compose.yaml",
    ".env",
    "compose.override.yaml",
    "base.yaml",
    "app.env",
];

/// Splits `data` at NUL bytes into at most `n` parts (the last part keeps any further NULs).
pub fn split(data: &[u8], n: usize) -> Vec<&[u8]> {
    data.splitn(n, |b| *b == 0).collect()
}

/// The spanned YAML tree builder: spans in bounds and on character boundaries, exact scalar
/// pieces equal to the bytes they claim.
pub fn yaml_tree(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = yaml::parse(FileId(0), text, yaml::Limits::default());
    for error in &parsed.errors {
        check_span(text, error.span, "error span");
    }
    let mut stack: Vec<&yaml::Node> = parsed.documents.iter().collect();
    while let Some(node) = stack.pop() {
        check_span(text, node.span, "node span");
        match &node.kind {
            yaml::NodeKind::Scalar(scalar) => check_text(&scalar.text, &[text]),
            yaml::NodeKind::Sequence(items) => stack.extend(items),
            yaml::NodeKind::Mapping(entries) => {
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
        }
    }
}

/// The dotenv parsers (Compose's and `format: raw`): spans in bounds, value provenance right.
pub fn dotenv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new(FileId(0), PathBuf::from("/p/.env"), text.to_string());
    let lookup = |name: &str| (name == "SET").then(|| Text::synthetic("from-lookup"));
    for result in [dotenv::parse(&file, &lookup), dotenv::parse_raw(&file)] {
        match result {
            Ok(env) => {
                for entry in &env.entries {
                    check_span(text, entry.key_span, "key span");
                    assert_eq!(&text[entry.key_span.start..entry.key_span.end], entry.key);
                    if let Some(span) = entry.value_span {
                        check_span(text, span, "value span");
                    }
                    if let Some(value) = &entry.value {
                        check_text(value, &[text]);
                    }
                }
                for (_, span) in &env.unset {
                    check_span(text, *span, "unset span");
                }
            }
            Err(e) => check_span(text, e.span, "error span"),
        }
    }
}

/// Interpolation: the template is the input up to the first NUL; each further NUL-separated
/// part `NAME=VALUE` defines a variable (read from a second file, so provenance is checked).
pub fn interpolate(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let template_text = parts.next().unwrap_or_default();
    let vars_text = text.get(template_text.len() + 1..).unwrap_or_default();
    let mut vars: HashMap<&str, Text> = HashMap::new();
    let mut at = template_text.len() + 1;
    for part in parts {
        if let Some((name, value)) = part.split_once('=') {
            let start = at - template_text.len() - 1 + name.len() + 1;
            let span = Span::new(FileId(1), start, start + value.len());
            vars.insert(name, Text::from_file(value, span, true));
        }
        at += part.len() + 1;
    }
    let template = Text::from_file(
        template_text,
        Span::new(FileId(0), 0, template_text.len()),
        true,
    );
    let lookup = |name: &str| vars.get(name).cloned();
    match interpolate::interpolate(&template, &lookup) {
        Ok(out) => {
            check_text(&out.text, &[template_text, vars_text]);
            for unset in &out.unset {
                assert!(
                    template_text.get(unset.range.clone()).is_some(),
                    "unset range {:?} outside the template",
                    unset.range
                );
            }
        }
        Err(e) => assert!(
            template_text.get(e.range()).is_some(),
            "error range {:?} outside the template",
            e.range()
        ),
    }
}

/// The files the `commands` target reads one input as: a script of each shell, a Makefile
/// and a Markdown document.
pub const COMMAND_FILES: [&str; 5] = [
    "start.sh",
    "start.ps1",
    "start.cmd",
    "Makefile",
    "README.md",
];

/// Docker commands read from one text as each kind of command file: every exact piece of
/// every word holds the bytes its span claims, every span (word, command, comment, command
/// line, block) lies in bounds on character boundaries, a comment starts with `#`, `<!--`,
/// `REM` or `::`; then every file linted (named, as pre-commit names them) and rendered in
/// every format, every finding's places and edits in bounds.
pub fn commands(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        for name in COMMAND_FILES {
            let kind = composelint::commands::kind_by_name(Path::new(name))
                .unwrap_or_else(|| panic!("{name} is a command file"));
            let (chunks, comments) = composelint::commands::read(FileId(0), text, kind);
            for command in chunks.iter().flat_map(|(_, commands)| commands) {
                check_span(text, command.span, "command span");
                assert_eq!(command.words.len(), command.word_spans.len());
                for (word, span) in command.words.iter().zip(&command.word_spans) {
                    check_span(text, *span, "word span");
                    check_text(word, &[text]);
                }
            }
            for &start in comments.starts().unwrap_or_default() {
                let rest = text
                    .get(start..)
                    .unwrap_or_else(|| panic!("comment at {start} is outside the text"));
                let rem = rest.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("rem"));
                assert!(
                    rest.starts_with('#')
                        || rest.starts_with("<!--")
                        || rest.starts_with("::")
                        || rem,
                    "comment at {start} starts with {:?}",
                    rest.chars().take(4).collect::<String>()
                );
            }
            for unit in comments.command_lines().iter().chain(comments.blocks()) {
                check_span(text, Span::new(FileId(0), unit.start, unit.end), "unit");
            }
        }
    }
    let mut fs = MemFs::new();
    let paths: Vec<PathBuf> = COMMAND_FILES
        .iter()
        .map(|name| Path::new(PROJECT_DIR).join(name))
        .collect();
    for path in &paths {
        fs.insert(path.clone(), data.to_vec());
    }
    let settings = Settings {
        paths,
        ..settings()
    };
    check_findings_and_reports(&lint_with(&fs, &settings));
}

/// A whole project from memory: loaded, linted, rendered in every format and as `config`;
/// every finding's places and edits lie in bounds of the files they name.
pub fn project(data: &[u8]) {
    let projects = lint_memfs(&memfs(data));
    for p in &projects {
        // A project that failed to load may still render what was read.
        let _ = composelint::compose::config::render(&p.project);
    }
    check_findings_and_reports(&projects);
}

/// Every finding's places and edits lie in bounds of the files they name; every format
/// renders, the JSON ones as JSON.
fn check_findings_and_reports(projects: &[LintedProject]) {
    for p in projects {
        for d in &p.diagnostics {
            check_diagnostic(&p.sources, d);
        }
    }
    for (format, text) in secrets::reports(projects, &secrets::options()) {
        if matches!(format, "json" | "sarif" | "gitlab")
            && let Err(e) = serde_json::from_str::<serde_json::Value>(&text)
        {
            panic!("{format} output is not JSON ({e}): {text}");
        }
    }
}

/// A project from memory with a password planted in its values (`secrets::plant`): no report
/// shows it, neither of the projects as `check` keeps them for output nor of the whole
/// projects (as the fixer reports them).
pub fn secrets(data: &[u8]) {
    let Some(planted) = secrets::plant(&split(data, PROJECT_FILES.len())) else {
        return;
    };
    let options = secrets::options();
    let unplanted = secrets::reports(&lint_memfs(&memfs(data)), &options);
    let projects = lint_memfs(&memfs_parts(planted.iter().map(Vec::as_slice)));
    let mut shown = secrets::reports(&projects, &options);
    let mut for_check: Vec<LintedProject> = projects
        .into_iter()
        .map(LintedProject::for_output)
        .collect();
    composelint::merge_repeated_findings(&mut for_check);
    shown.extend(secrets::reports(&for_check, &options));
    secrets::check(&shown, &unplanted);
}

/// Fix application on a project from memory, through the fix engine (`composelint::fix`),
/// once with safe fixes and once with unsafe ones too. Checks the invariants of the fix
/// issue: every file that parsed still parses; every comment line of every file is still
/// there (but a stale suppression comment, which CMP901 removes); fixing the fixed files again
/// changes nothing (when the engine converged). And the invariants on meaning (`meaning`),
/// over the fixed files linted again here, independently of the fixer.
pub fn fix(data: &[u8]) {
    let before = file_texts(data);
    let meant = meaning::of(&lint_with(&memfs(data), &config_settings()));
    for unsafe_fixes in [false, true] {
        let options = FixOptions { unsafe_fixes };
        let what = if unsafe_fixes {
            "unsafe fixes"
        } else {
            "safe fixes"
        };
        let run = fix_memfs(&memfs(data), &options);
        let mut after = before.clone();
        for change in &run.changes {
            let text = String::from_utf8(change.fixed.clone())
                .unwrap_or_else(|_| panic!("{what} made {} not UTF-8", change.path.display()));
            after.insert(change.path.clone(), text);
        }
        check_fixed(&before, &after, what);
        let fixed = lint_with(&memfs_fixed(data, &after), &config_settings());
        meaning::check(&meant, &meaning::of(&fixed), &run, what);
        if run.changes.is_empty() || !run.unconverged.is_empty() {
            continue;
        }
        let again = fix_memfs(&memfs_fixed(data, &after), &options);
        assert!(
            again.changes.is_empty(),
            "a second round of {what} changed files: {:#?}",
            again.changes
        );
    }
}

fn fix_memfs(fs: &MemFs, options: &FixOptions) -> FixRun {
    match composelint::fix::fix(fs, &settings(), options) {
        Ok(run) => run,
        Err(e) => panic!("fixing an in-memory project failed the run: {e}"),
    }
}

fn settings() -> Settings {
    Settings {
        paths: vec![PathBuf::from(PROJECT_DIR)],
        platform: Some(Platform::Any),
        ..Settings::default()
    }
}

/// What `composelint config` loads with: the merged document kept, to render.
fn config_settings() -> Settings {
    let mut settings = settings();
    settings.load.keep_merged = true;
    settings
}

fn memfs(data: &[u8]) -> MemFs {
    memfs_parts(split(data, PROJECT_FILES.len()))
}

fn memfs_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> MemFs {
    let mut fs = MemFs::new();
    for (name, part) in PROJECT_FILES.iter().zip(parts) {
        fs.insert(Path::new(PROJECT_DIR).join(name), part.to_vec());
    }
    fs
}

/// The UTF-8 files of a multi-file input (others cannot be fixed), by path.
fn file_texts(data: &[u8]) -> BTreeMap<PathBuf, String> {
    PROJECT_FILES
        .iter()
        .zip(split(data, PROJECT_FILES.len()))
        .filter_map(|(name, part)| {
            let text = String::from_utf8(part.to_vec()).ok()?;
            Some((Path::new(PROJECT_DIR).join(name), text))
        })
        .collect()
}

/// The project of `data` with the UTF-8 files replaced by `files`; the files that are not
/// UTF-8 (which nothing can fix) keep their bytes, so the project is still all there.
fn memfs_fixed(data: &[u8], files: &BTreeMap<PathBuf, String>) -> MemFs {
    let mut fs = memfs(data);
    for (path, text) in files {
        fs.insert(path.clone(), text.clone().into_bytes());
    }
    fs
}

fn lint_memfs(fs: &MemFs) -> Vec<LintedProject> {
    lint_with(fs, &settings())
}

fn lint_with(fs: &MemFs, settings: &Settings) -> Vec<LintedProject> {
    // Discovery over an in-memory directory that exists cannot fail; if it does, that is a bug.
    match lint(fs, settings) {
        Ok(projects) => projects,
        Err(e) => panic!("an in-memory project failed the run: {e}"),
    }
}

/// The invariants of the fix issue between a project's files before and after fixing.
fn check_fixed(before: &BTreeMap<PathBuf, String>, after: &BTreeMap<PathBuf, String>, what: &str) {
    for (path, old) in before {
        let new = &after[path];
        if old == new {
            continue;
        }
        assert!(
            !parses(path, old) || parses(path, new),
            "{what} broke {}:\n--- before\n{old}\n--- after\n{new}",
            path.display()
        );
        let kept: Vec<&str> = new.lines().map(str::trim).collect();
        // A stale suppression comment is removed on purpose (CMP901's fix).
        let kept_comment = |l: &&str| l.starts_with('#') && !l.starts_with("# composelint:");
        for line in old.lines().map(str::trim).filter(kept_comment) {
            assert!(
                kept.contains(&line),
                "{what} lost the comment `{line}` in {}:\n--- before\n{old}\n--- after\n{new}",
                path.display()
            );
        }
    }
}

/// Whether a project file reads without a syntax error, as YAML or as dotenv by its name.
fn parses(path: &Path, text: &str) -> bool {
    let file = SourceFile::new(FileId(0), path.to_path_buf(), text.to_string());
    if path.extension().is_some_and(|e| e == "env") || path.ends_with(".env") {
        dotenv::parse(&file, &|_| None).is_ok()
    } else {
        !yaml::parse(FileId(0), text, yaml::Limits::default())
            .errors
            .iter()
            .any(|e| e.kind == yaml::YamlErrorKind::Syntax)
    }
}

fn check_diagnostic(sources: &Sources, d: &Diagnostic) {
    let files: Vec<&str> = sources.iter().map(|f| f.text.as_str()).collect();
    let in_file = |span: Span, what: &str| {
        let text = files
            .get(span.file.0 as usize)
            .unwrap_or_else(|| panic!("{} {what}: unknown file {:?}", d.code, span.file));
        check_span(text, span, what);
    };
    if let Some(span) = d.primary {
        in_file(span, "primary span");
    }
    for label in &d.related {
        in_file(label.span, "related span");
    }
    if let Some(fix) = &d.fix {
        for e in &fix.edits {
            in_file(e.span, "edit span");
        }
    }
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && text.get(span.start..span.end).is_some(),
        "{what} {}..{} is outside the text ({} bytes) or splits a character",
        span.start,
        span.end,
        text.len()
    );
}

/// A text's pieces are sorted, disjoint and cover its value; an exact file piece holds the
/// very bytes of the file it names (`files[id]`).
fn check_text(t: &Text, files: &[&str]) {
    let mut at = 0;
    for piece in &t.pieces {
        assert_eq!(
            piece.range.start, at,
            "pieces leave a gap or overlap: {t:?}"
        );
        assert!(piece.range.end > piece.range.start, "empty piece: {t:?}");
        at = piece.range.end;
        let value = t
            .value
            .get(piece.range.clone())
            .unwrap_or_else(|| panic!("piece outside the value or splitting a char: {t:?}"));
        if let Origin::File { span, exact } = piece.origin {
            let file = files
                .get(span.file.0 as usize)
                .unwrap_or_else(|| panic!("unknown file in {t:?}"));
            check_span(file, span, "piece origin");
            if exact {
                assert_eq!(
                    &file[span.start..span.end],
                    value,
                    "inexact exact piece: {t:?}"
                );
            }
        }
    }
    assert_eq!(at, t.value.len(), "pieces do not cover the value: {t:?}");
}
