//! Where the heap goes when linting many projects: counts every allocation and reports the
//! peak while linting, what the linted projects hold afterwards part by part, and the peak of
//! the check command's path, which keeps only what the output shows.
//!
//! `cargo run --release --example memory [DIR]` (default: ../shared/corpus)

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use composelint::fs::OsFs;
use composelint::{LintedProject, Settings, lint, lint_loaded, lint_map, load};

/// The system allocator, counting the bytes in use and their high-water mark.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller upholds `alloc`'s contract, which is `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: as for `alloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn current() -> usize {
    CURRENT.load(Ordering::Relaxed)
}

/// Resets the high-water mark to what is in use now.
fn reset_peak() {
    PEAK.store(current(), Ordering::Relaxed);
}

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
        mb(PEAK.load(Ordering::Relaxed) - base),
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
        mb(PEAK.load(Ordering::Relaxed) - base),
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
        mb(PEAK.load(Ordering::Relaxed) - before),
        mb(current() - before)
    );
    drop(kept);
}
