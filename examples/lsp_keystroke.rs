//! How long a keystroke takes to reach the editor as diagnostics: a compose file of 200
//! services (the synthetic project of `scale`) is opened in the language server, then edited
//! one character at a time; each edit waits for its diagnostics. Printed beside the time the
//! library takes to lint the same file directly, in the same run: the ratio is the server's
//! own cost (its debounce, the conversion to the protocol, the channel).
//!
//! `cargo run --release --example lsp_keystroke [SERVICES] [KEYSTROKES]` (default: 200 100)

// An example prints what it measured.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use composelint::fs::OsFs;
use composelint::{Settings, lint_files};

#[path = "support/lsp.rs"]
mod lsp;
#[path = "support/synthetic.rs"]
mod synthetic;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let services = args.next().unwrap_or(200);
    let keystrokes = args.next().unwrap_or(100);
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let file = dir.path().join("compose.yaml");
    let text = synthetic::project(services);
    std::fs::write(&file, &text).expect("the project is written");

    // The library alone on the same file, as often as the editor types.
    let settings = Settings {
        paths: vec![file.clone()],
        ..Settings::default()
    };
    let mut direct = Vec::with_capacity(keystrokes);
    for _ in 0..keystrokes {
        let start = Instant::now();
        let linted =
            lint_files(&OsFs, std::slice::from_ref(&file), &settings).expect("the project loads");
        direct.push(start.elapsed());
        drop(linted);
    }
    direct.sort();

    let editor = lsp::Editor::open(&file, &text);
    // Typing a name into the value of the first client's URL, one letter a keystroke, then
    // deleting it again: each version is a different text with findings to publish.
    let at = text.find("OLLAMA_BASE_URL: ").expect("a client") + "OLLAMA_BASE_URL: ".len();
    let mut typed = String::new();
    let mut latencies = Vec::with_capacity(keystrokes);
    for k in 0..keystrokes {
        if k % 20 < 10 {
            typed.push(char::from(b'a' + (k % 26) as u8));
        } else {
            typed.pop();
        }
        let mut edited = text.clone();
        edited.insert_str(at, &typed);
        latencies.push(editor.keystroke(k as i32 + 2, &edited));
    }
    latencies.sort();
    println!(
        "{services} services, {} lines; {keystrokes} keystrokes, each waiting for its diagnostics",
        text.lines().count()
    );
    println!(
        "keystroke → diagnostics: median {}, p90 {}, max {}",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.9)),
        ms(percentile(&latencies, 1.0))
    );
    println!(
        "the library linting the same file: median {}, p90 {}",
        ms(percentile(&direct, 0.5)),
        ms(percentile(&direct, 0.9))
    );
    let median = percentile(&latencies, 0.5).as_secs_f64();
    println!(
        "ratio (median keystroke ÷ median lint): {:.2}×; the server waits {} for more typing first",
        median / percentile(&direct, 0.5).as_secs_f64(),
        ms(composelint::server::DEBOUNCE)
    );
    println!(
        "target: diagnostics within 50 ms of a keystroke: {}",
        if percentile(&latencies, 0.9) <= Duration::from_millis(50) {
            "met (p90)"
        } else {
            "NOT met (p90)"
        }
    );
}
