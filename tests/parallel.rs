//! Projects are linted in parallel, yet a run's output does not depend on the scheduling: it
//! equals the sequential path's, run after run.

use std::path::{Path, PathBuf};

use composelint::fs::MemFs;
use composelint::output::{self, OutputOptions};
use composelint::{LintedProject, Settings, lint, lint_loaded, lint_map, load};

/// A project of `clients` Ollama clients in front of one server, with a typo in every third
/// URL so that each project has findings of its own.
fn project(clients: usize) -> String {
    let mut yaml = String::from(
        "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"models:/root/.ollama\"]\n",
    );
    for i in 0..clients {
        let host = if i % 3 == 0 { "olama" } else { "ollama" };
        yaml.push_str(&format!(
            "  client-{i}:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://{host}:11434\n"
        ));
    }
    yaml.push_str("volumes:\n  models: {}\n");
    yaml
}

/// Forty projects of very different sizes (the largest first, so that a worker is still
/// busy with it while the others finish the small ones), plus one that does not parse.
fn workspace() -> (MemFs, Settings) {
    let mut fs = MemFs::new();
    for i in 0..40 {
        let clients = if i == 0 { 150 } else { (i * 7) % 23 + 1 };
        fs.insert(format!("/ws/p{i:02}/compose.yaml"), project(clients));
    }
    fs.insert("/ws/p99/compose.yaml", "services: [unclosed\n");
    let settings = Settings {
        paths: vec![PathBuf::from("/ws")],
        ..Settings::default()
    };
    (fs, settings)
}

fn sequential(fs: &MemFs, settings: &Settings) -> Vec<LintedProject> {
    load(fs, settings)
        .expect("the workspace loads")
        .into_iter()
        .map(|p| lint_loaded(p, settings.platform))
        .collect()
}

fn json(projects: &[LintedProject]) -> String {
    let options = OutputOptions {
        cwd: PathBuf::from("/ws"),
        color: false,
        width: Some(100),
    };
    output::json::render(projects, &options)
}

#[test]
fn parallel_runs_equal_the_sequential_path() {
    let (fs, settings) = workspace();
    let expected = sequential(&fs, &settings);
    assert_eq!(expected.len(), 41);
    let directories: Vec<&Path> = expected
        .iter()
        .map(|p| p.project.directory.as_path())
        .collect();
    let mut sorted = directories.clone();
    sorted.sort();
    assert_eq!(directories, sorted, "projects come in path order");
    assert!(
        expected.iter().all(|p| !p.diagnostics.is_empty()),
        "every project has findings, so a misplaced one would show"
    );
    let expected_json = json(&expected);
    for _ in 0..3 {
        let parallel = lint(&fs, &settings).expect("the workspace lints");
        assert_eq!(parallel.len(), expected.len());
        for (p, e) in parallel.iter().zip(&expected) {
            assert_eq!(p.project.directory, e.project.directory);
            assert_eq!(p.diagnostics, e.diagnostics);
        }
        assert_eq!(json(&parallel), expected_json);
    }
}

#[test]
fn lint_map_keeps_the_project_order() {
    let (fs, settings) = workspace();
    let names = lint_map(&fs, &settings, |p| p.project.directory).expect("the workspace lints");
    let expected: Vec<PathBuf> = (0..40)
        .map(|i| PathBuf::from(format!("/ws/p{i:02}")))
        .chain([PathBuf::from("/ws/p99")])
        .collect();
    assert_eq!(names, expected);
}

#[test]
fn a_named_file_that_is_missing_still_fails_the_run() {
    let fs = MemFs::new();
    let settings = Settings {
        compose_files: vec![PathBuf::from("/a/compose.yaml")],
        ..Settings::default()
    };
    let error = lint(&fs, &settings).expect_err("a named file that is missing fails the run");
    assert!(error.to_string().contains("/a/compose.yaml"), "{error}");
}

#[test]
fn what_the_check_command_keeps_renders_every_format_identically() {
    // The vendored corpus: real projects with findings in several files, env files and
    // templates, linted in full and reduced to what the output shows.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings {
        paths: vec![root.join("fixtures/corpus")],
        ..Settings::default()
    };
    let fs = composelint::fs::OsFs;
    let full = lint(&fs, &settings).expect("the vendored corpus lints");
    let kept = lint_map(&fs, &settings, LintedProject::for_output).expect("and again");
    assert!(full.len() > 100, "{} projects", full.len());
    assert!(full.iter().map(|p| p.diagnostics.len()).sum::<usize>() > 100);
    assert!(
        kept.iter().all(|p| p.project.services.is_empty()),
        "the model is let go"
    );
    let options = OutputOptions {
        cwd: root,
        color: false,
        width: Some(100),
    };
    for format in output::Format::ALL {
        assert_eq!(
            format.render(&kept, &options),
            format.render(&full, &options),
            "{format:?}"
        );
    }
}
