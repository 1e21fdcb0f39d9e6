//! How linting cost grows with the number of services: generates projects of N services with
//! references between them (in memory) and prints the time per service. A linear engine
//! keeps that number roughly flat.
//!
//! `cargo run --release --example scale [N…]` (default: 100 1000 4000)

// An example reports its measurements.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::time::Instant;

use composelint::fs::MemFs;
use composelint::{Settings, lint_loaded, load};

#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::project;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 1000, 4000]
    } else {
        sizes
    };
    println!("services  findings  load ms  lint ms  µs/service");
    for n in sizes {
        let mut fs = MemFs::new();
        fs.insert("/scale/compose.yaml", project(n));
        let settings = Settings {
            paths: vec![PathBuf::from("/scale")],
            ..Settings::default()
        };
        let start = Instant::now();
        let loaded = load(&fs, &settings).expect("the generated project loads");
        let loading = start.elapsed();
        let linted: Vec<_> = loaded
            .into_iter()
            .map(|p| lint_loaded(p, settings.platform))
            .collect();
        let elapsed = start.elapsed();
        let findings: usize = linted.iter().map(|p| p.diagnostics.len()).sum();
        println!(
            "{n:>8}  {findings:>8}  {:>7.1}  {:>7.1}  {:>10.1}",
            loading.as_secs_f64() * 1e3,
            (elapsed - loading).as_secs_f64() * 1e3,
            elapsed.as_secs_f64() * 1e6 / n as f64
        );
    }
}
