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

/// A project of `n` services: one Ollama server per ten, each followed by clients that
/// reach it by name, through the host, or by a typo.
fn project(n: usize) -> String {
    let mut yaml = String::from("services:\n");
    for i in 0..n {
        let group = i / 10;
        if i % 10 == 0 {
            yaml.push_str(&format!(
                "  ollama-{group}:\n    image: ollama/ollama\n    ports: [\"{}:11434\"]\n    volumes: [\"models-{group}:/root/.ollama\"]\n    networks: [net-{group}]\n",
                20000 + group
            ));
        } else {
            let url = match i % 3 {
                0 => format!("http://ollama-{group}:11434"),
                1 => format!("http://host.docker.internal:{}", 20000 + group),
                _ => format!("http://olama-{group}:11434"),
            };
            yaml.push_str(&format!(
                "  client-{i}:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: {url}\n    depends_on: [ollama-{group}]\n    networks: [net-{group}]\n"
            ));
        }
    }
    yaml.push_str("networks:\n");
    for group in 0..n.div_ceil(10) {
        yaml.push_str(&format!("  net-{group}: {{}}\n"));
    }
    yaml.push_str("volumes:\n");
    for group in 0..n.div_ceil(10) {
        yaml.push_str(&format!("  models-{group}: {{}}\n"));
    }
    yaml
}

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
