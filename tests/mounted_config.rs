//! An app's own config file mounted into its container (LiteLLM's `--config`): its Ollama URLs
//! are judged where they are written, and a fix rewrites that file and nothing else.
//!
//! The fixture `fixtures/OLL001/litellm-config-file-loopback` holds the project; the fixture
//! harness cannot hold a `fixed/` for it (only the config file changes), so the fix is checked
//! here.

use std::path::Path;

use composelint::fix::{FixOptions, fix};
use composelint::fs::OsFs;
use composelint::{Settings, lint};

fn case() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/OLL001/litellm-config-file-loopback")
}

fn settings(dir: &Path) -> Settings {
    Settings {
        paths: vec![dir.to_path_buf()],
        ..Settings::default()
    }
}

#[test]
fn the_safe_fix_rewrites_only_the_url_in_the_mounted_file() {
    let dir = case();
    let run = fix(&OsFs, &settings(&dir), &FixOptions::default()).expect("fix runs");
    assert!(run.failures.is_empty(), "{:?}", run.failures);
    assert_eq!(run.changes.len(), 1, "{:?}", run.changes);
    let change = &run.changes[0];
    assert_eq!(change.path.file_name().unwrap(), "litellm_config.yaml");
    let original = String::from_utf8(change.original.clone()).unwrap();
    let fixed = String::from_utf8(change.fixed.clone()).unwrap();
    // Written by hand: the Ollama model's api_base names the service; the comment and the
    // OpenAI model stay as they were.
    let want = original.replace(
        "api_base: http://localhost:11434",
        "api_base: http://ollama:11434",
    );
    assert_ne!(want, original);
    assert_eq!(fixed, want);
    assert_eq!(run.applied.len(), 1, "{:?}", run.applied);
    assert_eq!(run.applied[0].code, "OLL001");
    // Linted over the fixed text, the project reports nothing.
    let left: Vec<_> = run
        .projects
        .iter()
        .flat_map(|p| &p.diagnostics)
        .map(|d| d.code)
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_config_file_the_command_line_does_not_name_is_not_read_for_urls() {
    // The same project without `--config`: LiteLLM does not read the file, so its URL is no
    // reference (and the bind mount still keeps the app's default from being assumed).
    let dir = tempfile::tempdir().unwrap();
    for name in ["compose.yaml", "litellm_config.yaml"] {
        let text = std::fs::read_to_string(case().join(name)).unwrap();
        let text = text.replace(
            "command: [\"--config\", \"/app/config.yaml\", \"--port\", \"4000\"]",
            "command: [\"--port\", \"4000\"]",
        );
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let projects = lint(&OsFs, &settings(dir.path())).expect("lints");
    let codes: Vec<_> = projects
        .iter()
        .flat_map(|p| &p.diagnostics)
        .map(|d| d.code)
        .collect();
    assert!(codes.is_empty(), "{codes:?}");
}
