//! Where the heap goes when linting many projects: counts every allocation and reports the
//! peak while linting, what the linted projects hold afterwards part by part, and the peak of
//! the check command's path, which keeps only what the output shows.
//!
//! `cargo run --release --example memory [DIR]` (default: ../shared/corpus)

// An example reports its measurements.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;

use composelint::fs::OsFs;
use composelint::{LintedProject, Settings, lint, lint_loaded, lint_map, load};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{current, mb, peak, reset_peak};

/// How much the heap shrinks when `part` is taken out of every project and dropped.
fn release(projects: &mut [LintedProject], name: &str, part: impl Fn(&mut LintedProject)) {
    let before = current();
    for p in projects.iter_mut() {
        part(p);
    }
    println!("  {name:<40} {:>9}", mb(before.saturating_sub(current())));
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("../shared/corpus"), PathBuf::from);
    let settings = Settings {
        paths: vec![dir.clone()],
        ..Settings::default()
    };
    let base = current();
    println!("heap in use before linting: {}", mb(base));

    // The path before projects were linted in parallel: load all, then lint all, in order.
    reset_peak();
    let sequential: Vec<LintedProject> = load(&OsFs, &settings)
        .unwrap_or_default()
        .into_iter()
        .map(|p| lint_loaded(p, settings.platform))
        .collect();
    println!(
        "sequential load-then-lint: peak {}, held afterwards {}",
        mb(peak() - base),
        mb(current() - base)
    );
    drop(sequential);

    reset_peak();
    let mut projects = match lint(&OsFs, &settings) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(2);
        }
    };
    println!(
        "lint (parallel, everything kept): {} projects, peak {}, held afterwards {}",
        projects.len(),
        mb(peak() - base),
        mb(current() - base)
    );
    let text: usize = projects
        .iter()
        .flat_map(|p| p.sources.iter())
        .map(|f| f.text.len())
        .sum();
    println!(
        "  of which source texts (lower bound)       {:>9}",
        mb(text)
    );
    println!("what each part of the linted projects holds:");
    release(
        &mut projects,
        "project.written (as-written trees, parsed on use)",
        |p| {
            p.project.written = Default::default();
        },
    );
    release(&mut projects, "project.merged (merged tree)", |p| {
        p.project.merged = None;
    });
    release(&mut projects, "project.services (typed model)", |p| {
        p.project.services = Vec::new();
        p.project.service_index = Default::default();
    });
    release(&mut projects, "project networks, volumes, issues", |p| {
        p.project.networks = Vec::new();
        p.project.volumes = Vec::new();
        p.project.issues = Vec::new();
    });
    release(&mut projects, "diagnostics", |p| p.diagnostics = Vec::new());
    release(&mut projects, "sources", |p| p.sources = Default::default());
    drop(projects);

    reset_peak();
    let before = current();
    let kept = lint_map(&OsFs, &settings, LintedProject::for_output).unwrap_or_default();
    println!(
        "lint_map(for_output), the check command's path: peak {}, held afterwards {}",
        mb(peak() - before),
        mb(current() - before)
    );
    drop(kept);
}
