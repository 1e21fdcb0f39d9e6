//! `composelint graph` over every rule fixture: the JSON edges of each reachability fixture
//! carry the findings the case expects (broken for an error, a warning for a warning), its
//! `ok-` cases draw no edge with the rule's code, and Graphviz renders the DOT of every case
//! (mandatory where `COMPOSELINT_REQUIRE_GRAPHVIZ` is set, as `.ci/run` does; skipped with a
//! note elsewhere).

// A test says what it skipped and what it covered.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[path = "support/fixture_cases.rs"]
mod fixture_cases;
use fixture_cases::{fixtures_root, rule_cases as cases};

use composelint::compose::load::LoadOptions;
use composelint::fs::OsFs;
use composelint::graph::{self, Graph, Status};
use composelint::net::Platform;
use composelint::{Settings, rules};

/// The codes whose findings are about one reference, and so land on its edge. OLL008 and
/// NET008 land on the edges of the clients they refuse.
const REFERENCE_CODES: &[&str] = &[
    "OLL001", "OLL002", "OLL003", "OLL004", "OLL005", "OLL006", "OLL007", "OLL009", "OLL010",
    "OLL011", "OLL014", "OLL015", "OLL016", "NET001", "NET002", "NET003", "NET004", "NET005",
    "NET006", "NET007", "NET009",
];

/// The case's settings, from its `args` file as the fixture harness reads it.
fn settings(case: &Path) -> Settings {
    let mut load = LoadOptions::default();
    let mut platform = None;
    if let Ok(args) = std::fs::read_to_string(case.join("args")) {
        for line in args.lines().filter(|l| !l.trim().is_empty()) {
            let (flag, value) = line.split_once(' ').unwrap_or((line, ""));
            match flag {
                "-e" => {
                    let (k, v) = value.split_once('=').expect("-e KEY=VALUE");
                    load.cli_env.push((k.into(), v.into()));
                }
                "--env-file" => load.env_files.push(case.join(value)),
                "--profile" => load.profiles.push(value.into()),
                "--platform" => {
                    platform = Some(match value {
                        "linux" => Platform::Linux,
                        "desktop" => Platform::Desktop,
                        _ => Platform::Any,
                    })
                }
                _ => {}
            }
        }
    }
    Settings {
        paths: vec![case.to_path_buf()],
        load,
        platform,
        ..Settings::default()
    }
}

/// The graph of a case, without the projects of its `fixed/` directory.
fn case_graph(case: &Path) -> Graph {
    let settings = settings(case);
    let run = composelint::shared_networks_of(&OsFs, &settings).expect("the case loads");
    let fixed = case.join("fixed");
    let projects = composelint::lint(&OsFs, &settings)
        .expect("the case loads")
        .iter()
        .filter(|p| !p.sources.iter().any(|f| f.path.starts_with(&fixed)))
        .map(|p| graph::project_graph(p, settings.platform, &settings.options.ollama, &run, case))
        .filter(|p| !p.nodes.is_empty())
        .collect();
    Graph { projects }
}

fn expected_codes(case: &Path) -> Vec<String> {
    std::fs::read_to_string(case.join("expect"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "clean")
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn status_of_severity(code: &str) -> Status {
    match rules::find(code).map(|r| r.severity) {
        Some(composelint::diagnostic::Severity::Error) => Status::Broken,
        Some(composelint::diagnostic::Severity::Warning) => Status::Warning,
        _ => Status::Ok,
    }
}

#[test]
fn reachability_fixtures_draw_their_findings_on_their_edges() {
    let mut failures = Vec::new();
    let (mut firing, mut silent, mut silent_with_edges) = (0, 0, 0);
    for case in cases() {
        let rule = case
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = expected_codes(&case);
        let graph = case_graph(&case);
        let edges: Vec<_> = graph.projects.iter().flat_map(|p| &p.edges).collect();
        let at = format!("{rule}/{name}");
        if name.starts_with("ok-") {
            if !REFERENCE_CODES.contains(&&*rule) {
                continue;
            }
            silent += 1;
            silent_with_edges += usize::from(!edges.is_empty());
            if let Some(e) = edges.iter().find(|e| e.codes.contains(&&*rule)) {
                failures.push(format!("{at}: an edge carries {rule}: {e:?}"));
            }
            if expected.is_empty()
                && let Some(e) = edges.iter().find(|e| e.status != Status::Ok)
            {
                failures.push(format!("{at}: clean, but an edge is {:?}: {e:?}", e.status));
            }
            continue;
        }
        for code in expected
            .iter()
            .filter(|c| REFERENCE_CODES.contains(&c.as_str()))
        {
            firing += 1;
            // The rule's own severity, or lower where a profile selection or a template
            // makes it information (the edge then is ok).
            let at_most = status_of_severity(code);
            match edges.iter().find(|e| e.codes.iter().any(|c| c == code)) {
                None => failures.push(format!("{at}: no edge carries {code}: {edges:?}")),
                Some(e) if e.status > at_most => {
                    failures.push(format!("{at}: the edge with {code} is {:?}", e.status))
                }
                Some(_) => {}
            }
        }
        if expected.is_empty() && REFERENCE_CODES.contains(&&*rule) {
            failures.push(format!("{at}: a firing case that expects nothing"));
        }
    }
    eprintln!(
        "graph: {firing} expected reference findings on edges, {silent} ok- cases ({silent_with_edges} with edges)"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        firing > 100 && silent > 50,
        "too few cases: {firing}, {silent}"
    );
}

/// Firing cases whose findings are errors draw at least one broken edge.
#[test]
fn firing_error_cases_draw_a_broken_edge() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("ok-") || case.join("args").exists() {
            continue;
        }
        // The findings the case reports as errors, as its checked output shows them (a
        // template's value or one profile selection lowers a finding to information, an
        // app's default to a warning: their edges are not broken).
        let concise = std::fs::read_to_string(case.join("expect.concise")).unwrap_or_default();
        let reports_error = REFERENCE_CODES
            .iter()
            .any(|code| concise.contains(&format!(": error {code} ")));
        if !reports_error {
            continue;
        }
        checked += 1;
        let graph = case_graph(&case);
        if !graph
            .projects
            .iter()
            .flat_map(|p| &p.edges)
            .any(|e| e.status == Status::Broken)
        {
            failures.push(format!("{}: no broken edge", case.display()));
        }
    }
    eprintln!(
        "graph: {checked} firing cases reporting errors, {} without a broken edge",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 100, "too few firing error cases: {checked}");
}

/// Where Graphviz's `dot` is, or why it is not used.
fn graphviz() -> Option<PathBuf> {
    let found = Command::new("dot")
        .arg("-V")
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return Some(PathBuf::from("dot"));
    }
    assert!(
        std::env::var_os("COMPOSELINT_REQUIRE_GRAPHVIZ").is_none(),
        "COMPOSELINT_REQUIRE_GRAPHVIZ is set, but Graphviz's `dot` is not installed"
    );
    eprintln!("skipped: Graphviz's `dot` is not installed (apt-get install graphviz)");
    None
}

/// Renders `dot_text` to SVG; the error when `dot` refuses it or warns.
pub fn render_svg(dot: &Path, dot_text: &str) -> Result<String, String> {
    let mut child = Command::new(dot)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.trim().is_empty() {
        return Err(format!("dot: {}\n{stderr}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn graphviz_renders_the_dot_of_every_fixture() {
    let Some(dot) = graphviz() else { return };
    let mut failures = Vec::new();
    let mut rendered = 0;
    let mut cases = cases();
    cases.push(fixtures_root().join("demo"));
    let total = cases.len();
    for case in cases {
        let graph = case_graph(&case);
        if graph.projects.is_empty() {
            continue;
        }
        let text = graph::dot::render(&graph);
        match render_svg(&dot, &text) {
            Ok(svg) => {
                rendered += 1;
                // Every node and edge of the graph is drawn.
                let drawn = svg.matches("class=\"node\"").count();
                let nodes: usize = graph.projects.iter().map(|p| p.nodes.len()).sum();
                if drawn != nodes {
                    failures.push(format!(
                        "{}: {drawn} nodes drawn of {nodes}",
                        case.display()
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: {e}\n{text}", case.display())),
        }
    }
    eprintln!("graph: Graphviz rendered {rendered} fixtures");
    // Cases whose files do not load (a YAML syntax error) draw nothing.
    assert!(
        rendered * 2 > total,
        "only {rendered} of {total} fixtures rendered"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn dot_quotes_what_it_cannot_take_bare() {
    let Some(dot) = graphviz() else { return };
    let mut graph = case_graph(&fixtures_root().join("demo"));
    graph.projects[0].name = "a \"quoted\" \\ name\nwith a break".into();
    graph.projects[0].nodes[0].label = "x\"y\\".into();
    render_svg(&dot, &graph::dot::render(&graph)).unwrap();
}

/// `graph::graph` (what the binary prints) draws what the checks above read, for every case
/// without a `fixed/` directory (whose projects the checks leave out).
#[test]
fn the_run_draws_what_the_checks_read() {
    let mut compared = 0;
    for case in cases().into_iter().filter(|c| !c.join("fixed").exists()) {
        let Ok(mut drawn) = graph::graph(&OsFs, &settings(&case), &case) else {
            continue;
        };
        drawn.projects.retain(|p| !p.nodes.is_empty());
        assert_eq!(drawn, case_graph(&case), "{}", case.display());
        compared += 1;
    }
    assert!(compared > 100, "only {compared} cases compared");
}
