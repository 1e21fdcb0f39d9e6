//! What a large docs tree costs a run: generates, on disk, a repository of compose projects,
//! the same repository with a docs tree beside them whose documents never name docker, and
//! one where some documents hold `docker run` lines; lints each as `composelint .` does
//! (search, load, lint, keep what the output shows), and prints, from one run, the time and
//! peak heap of each, their ratios to the repository without docs, the time each document
//! adds, and that time against reading every document once with `std::fs::read` and doing
//! nothing else (the floor any search that must look inside the documents has). The
//! pre-filter reads a document once and lets it go unless it names `docker` or `podman`.
//! The docs tree without docker is also linted with `sources: none`, as the search was
//! before it read commands (it walks the docs tree all the same, for compose files): the
//! ratio of the two is what reading commands costs a repository whose docs hold none.
//!
//! `cargo run --release --example docs_scale [DOCUMENTS [PROJECTS [EVERY]]]` (default: 5000
//! documents, 40 projects, one document in 50 with docker commands)

// An example reports its measurements.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use composelint::commands::CommandKinds;
use composelint::fs::OsFs;
use composelint::{LintedProject, Settings, lint_map};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{current, mb, peak, reset_peak};

/// One compose project: an Ollama, clients that reach it by name, through the host, or by
/// a typo, and a `.env`.
fn compose_project(i: usize) -> String {
    let mut yaml = format!(
        "services:\n  ollama:\n    image: ollama/ollama\n    ports: [\"{}:11434\"]\n    volumes: [\"models:/root/.ollama\"]\n",
        20000 + i
    );
    for c in 0..8 {
        let url = match c % 3 {
            0 => "http://ollama:11434".to_string(),
            1 => format!("http://host.docker.internal:{}", 20000 + i),
            _ => "http://olama:11434".to_string(),
        };
        yaml.push_str(&format!(
            "  client-{c}:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: {url}\n      WEBUI_NAME: ${{NAME}}\n    depends_on: [ollama]\n"
        ));
    }
    yaml.push_str("volumes:\n  models: {}\n");
    yaml
}

/// A page of prose about 2.5 KB long, as docs are; one in `every` (none for 0) holds a shell
/// block with `docker run` lines (one of them wrong).
fn document(i: usize, every: usize) -> String {
    let mut text = format!("# Page {i}\n\n");
    for p in 0..12 {
        text.push_str(&format!(
            "Paragraph {p} of page {i} explains a setting of the service, how the options \
             combine, and what to check when a request fails; see the [reference](../ref/{p}.md) \
             and `config.yaml` for the defaults.\n\n"
        ));
        if p == 5 {
            text.push_str("```yaml\nserver:\n  port: 8080\n  log_level: info\n```\n\n");
        }
    }
    if every > 0 && i.is_multiple_of(every) {
        text.push_str(
            "Run it by hand:\n\n```sh\ndocker network create llm\ndocker run -d --network llm --name ollama ollama/ollama\ndocker run -d --network llm -e OLLAMA_BASE_URL=http://localhost:11434 \\\n  --name webui ghcr.io/open-webui/open-webui:main\n```\n",
        );
    }
    text
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The compose projects under `root`, and, with `documents` > 0, a docs tree of that many
/// Markdown documents, 100 a directory, one in `every` (none for 0) with Docker commands; the
/// size of the docs tree.
fn generate(root: &Path, projects: usize, documents: usize, every: usize) -> usize {
    for i in 0..projects {
        let dir = root.join(format!("services/app-{i}"));
        write(&dir.join("compose.yaml"), &compose_project(i));
        write(&dir.join(".env"), "NAME=app\n");
    }
    let mut bytes = 0;
    for i in 0..documents {
        let text = document(i, every);
        bytes += text.len();
        write(
            &root.join(format!("docs/section-{}/page-{i}.md", i / 100)),
            &text,
        );
    }
    bytes
}

/// Lints `root` as `composelint .` does; the time, the peak heap above what was in use, and
/// the projects and findings.
fn lint_once(root: &Path, sources: CommandKinds) -> (Duration, usize, usize, usize) {
    let mut settings = Settings {
        paths: vec![root.to_path_buf()],
        ..Settings::default()
    };
    settings.options.sources = sources;
    let base = current();
    reset_peak();
    let start = Instant::now();
    let projects = lint_map(&OsFs, &settings, LintedProject::for_output).expect("lints");
    let elapsed = start.elapsed();
    let heap = peak() - base;
    let findings = projects.iter().map(|p| p.diagnostics.len()).sum();
    (elapsed, heap, projects.len(), findings)
}

fn main() {
    let mut args = std::env::args().skip(1).filter_map(|a| a.parse().ok());
    let documents: usize = args.next().unwrap_or(5000);
    let projects: usize = args.next().unwrap_or(40);
    let every: usize = args.next().unwrap_or(50).max(1);
    let tmp = tempfile::tempdir().expect("a temporary directory");
    // The same compose projects three times: alone, beside a docs tree none of whose
    // documents names docker (what the pre-filter alone costs), and beside one where one
    // document in `every` holds `docker run` lines (each such document is a project).
    let none = CommandKinds {
        shell: false,
        markdown: false,
    };
    let all = CommandKinds::ALL;
    let cases: [(&str, PathBuf, usize, usize, CommandKinds); 4] = [
        ("without docs", tmp.path().join("without-docs"), 0, 0, all),
        (
            "docs, sources off",
            tmp.path().join("docs-no-docker"),
            documents,
            0,
            none,
        ),
        (
            "docs, no docker",
            tmp.path().join("docs-no-docker"),
            documents,
            0,
            all,
        ),
        (
            "docs, some docker",
            tmp.path().join("docs-docker"),
            documents,
            every,
            all,
        ),
    ];
    let mut bytes = 0;
    for (k, (_, root, documents, every, _)) in cases.iter().enumerate() {
        // The tree "sources off" lints is the next case's.
        if k != 1 {
            bytes = bytes.max(generate(root, projects, *documents, *every));
        }
    }
    println!(
        "{projects} compose projects; docs tree: {documents} Markdown documents ({:.1} MB), of which none, or {} (one in {every}), hold docker commands",
        bytes as f64 / 1e6,
        documents.div_ceil(every)
    );

    // The floor: reading every document of the docs tree once, across the cores, as the
    // search does, and nothing else. Beside it, what a cache of what each document held,
    // keyed by its size and modification time, would still cost: asking each for those.
    let documents_of_tree = markdown_files(&cases[2].1);
    let read_all = || {
        each_document(&documents_of_tree, |p| {
            std::fs::read(p).map(|b| b.len() as u64)
        })
    };
    let stat_all = || {
        each_document(&documents_of_tree, |p| {
            std::fs::metadata(p).map(|m| m.len())
        })
    };

    // Alternate the cases, after one warm-up each (the page cache), and keep the median time
    // and the highest peak of each.
    const RUNS: usize = 7;
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    let mut peaks = vec![0usize; cases.len()];
    let mut counts = vec![(0, 0); cases.len()];
    let mut reads = Vec::new();
    let mut stats = Vec::new();
    for run in 0..=RUNS {
        let read = read_all();
        let stat = stat_all();
        if run > 0 {
            reads.push(read);
            stats.push(stat);
        }
        for (k, (_, root, _, _, sources)) in cases.iter().enumerate() {
            let (time, heap, linted, findings) = lint_once(root, *sources);
            if run > 0 {
                times[k].push(time);
                peaks[k] = peaks[k].max(heap);
            }
            counts[k] = (linted, findings);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let medians: Vec<f64> = times
        .iter_mut()
        .map(|t| {
            t.sort();
            ms(t[t.len() / 2])
        })
        .collect();
    println!("                    projects  findings  time (median of {RUNS})    peak heap");
    for (k, (name, _, _, _, _)) in cases.iter().enumerate() {
        println!(
            "{name:<18} {:>9} {:>9} {:>13.1} ms {:>12}",
            counts[k].0,
            counts[k].1,
            medians[k],
            mb(peaks[k])
        );
    }
    reads.sort();
    stats.sort();
    let floor = ms(reads[reads.len() / 2]);
    println!(
        "reading the {} documents once, nothing else: {floor:.1} ms; asking each for its size and time only: {:.1} ms",
        documents_of_tree.len(),
        ms(stats[stats.len() / 2])
    );
    for (k, (name, _, _, _, _)) in cases.iter().enumerate().skip(1) {
        println!(
            "ratio {name} / without docs: time {:.2}, peak heap {:.2}; {:.1} µs more a document; the docs' added time / reading them once: {:.2}",
            medians[k] / medians[0],
            peaks[k] as f64 / peaks[0] as f64,
            (medians[k] - medians[0]) * 1e3 / documents as f64,
            (medians[k] - medians[0]) / floor
        );
    }
    println!(
        "ratio docs, no docker / docs, sources off (what reading commands costs docs that hold none): time {:.2}; {:.1} µs a document",
        medians[2] / medians[1],
        (medians[2] - medians[1]) * 1e3 / documents as f64
    );
}

/// How long `f` takes over every document, across the cores.
fn each_document(
    documents: &[PathBuf],
    f: impl Fn(&Path) -> std::io::Result<u64> + Sync,
) -> Duration {
    let start = Instant::now();
    let sizes = composelint::in_parallel(documents, |path| f(path).unwrap_or(0));
    std::hint::black_box(sizes);
    start.elapsed()
}

/// Every Markdown document under `root`.
fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out
}
