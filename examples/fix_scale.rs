//! How the cost of `--fix` grows with the number of services, and what a fix that fails its
//! check costs: generates a project of N services (in memory), one Ollama server and clients
//! that each have a safe fix (`localhost` for the server's name), then
//! the same project where K clients take their host from one shared `.env` variable that a
//! Redis URL uses too (their fixes fail the check and are found by halving the round).
//! Prints, in one run, the time per service and the ratio of the two.
//!
//! `cargo run --release --example fix_scale [N…]` (default: 100 400 1600)

// An example reports its measurements.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::time::Instant;

use composelint::Settings;
use composelint::fix::{FixOptions, fix};
use composelint::fs::MemFs;

fn project(n: usize, shared: usize) -> String {
    let mut yaml = String::from(
        "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"models:/root/.ollama\"]\n",
    );
    for i in 1..n {
        let url = if i <= shared {
            "http://${HOST}:11434\n      REDIS_URL: redis://${HOST}:6379"
        } else {
            "http://localhost:11434"
        };
        yaml.push_str(&format!(
            "  client-{i}:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: {url}\n    depends_on: [ollama]\n"
        ));
    }
    yaml.push_str("volumes:\n  models: {}\n");
    yaml
}

fn run(n: usize, shared: usize) -> (f64, usize, usize) {
    let mut fs = MemFs::new();
    fs.insert("/scale/compose.yaml", project(n, shared));
    fs.insert("/scale/.env", "HOST=localhost\n");
    let settings = Settings {
        paths: vec![PathBuf::from("/scale")],
        ..Settings::default()
    };
    if std::env::var_os("FIX_SCALE_DUMP").is_some() {
        println!("{}", project(n, shared));
    }
    let start = Instant::now();
    let run = fix(&fs, &settings, &FixOptions::default()).expect("the project loads");
    (
        start.elapsed().as_secs_f64(),
        run.applied.len(),
        run.failures.len(),
    )
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 400, 1600]
    } else {
        sizes
    };
    println!("services  fixes  µs/service  with 4 shared: fixes  failures  µs/service  ratio");
    for n in sizes {
        let (clean, applied, _) = run(n, 0);
        let (mixed, applied_mixed, failures) = run(n, 4);
        println!(
            "{n:>8}  {applied:>5}  {:>10.0}  {applied_mixed:>20}  {failures:>8}  {:>10.0}  {:>5.2}",
            clean * 1e6 / n as f64,
            mixed * 1e6 / n as f64,
            mixed / clean
        );
    }
}
