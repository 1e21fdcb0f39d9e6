//! Whether the language server's memory stays flat while a document is edited: opens a
//! compose file (the demo project's, then the 200-service synthetic one of `scale`), sends
//! 1,000 edits, each waiting for its diagnostics, and prints the heap in use (every
//! allocation counted, server and client alike) and the resident set at checkpoints. Flat
//! means the last checkpoint holds what the first did.
//!
//! `cargo run --release --example lsp_memory [EDITS]` (default: 1000)

// An example prints what it measured.
#![allow(clippy::print_stdout, clippy::print_stderr)]

// Its `mb` is for larger numbers than these.
#[allow(dead_code)]
#[path = "support/counting_alloc.rs"]
mod counting_alloc;
#[path = "support/lsp.rs"]
mod lsp;
#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::Path;

use counting_alloc::{current, peak, reset_peak};

/// The resident set size of this process, from the kernel.
fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .map_or_else(|| "?".into(), |v| v.trim().to_string())
}

fn kb(bytes: usize) -> String {
    format!("{:.0} kB", bytes as f64 / 1024.0)
}

/// Edits the compose file in `dir` `edits` times and prints the checkpoints.
fn measure(name: &str, dir: &Path, edits: usize) {
    let file = dir.join("compose.yaml");
    let text = std::fs::read_to_string(&file).expect("the compose file");
    let editor = lsp::Editor::open(&file, &text);
    reset_peak();
    println!("{name}: {edits} edits");
    println!("edits  heap in use  resident");
    let checkpoints = [1, 10, 100, 250, 500, 750, 1000];
    let mut first = 0;
    for k in 1..=edits {
        // Each edit changes the text: a comment that grows and shrinks, so the findings stay
        // and their positions move.
        let edited = format!("{}\n{text}", "#".repeat(k % 50));
        editor.keystroke(k as i32 + 1, &edited);
        if checkpoints.contains(&k) || k == edits {
            let heap = current();
            if k == 1 {
                first = heap;
            }
            println!("{k:>5}  {:>11}  {:>8}", kb(heap), rss());
        }
    }
    println!(
        "heap after {edits} edits ÷ after the first: {:.2}×; the most it held: {}\n",
        current() as f64 / first.max(1) as f64,
        kb(peak())
    );
}

fn main() {
    let edits: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let demo_dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(demo_dir.path().join(".git")).expect(".git");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    for name in ["compose.yaml", ".env"] {
        std::fs::copy(demo.join(name), demo_dir.path().join(name)).expect("the demo is copied");
    }
    measure("the demo project", demo_dir.path(), edits);

    let big = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(big.path().join(".git")).expect(".git");
    std::fs::write(big.path().join("compose.yaml"), synthetic::project(200))
        .expect("the project is written");
    measure("200 services", big.path(), edits);
}
