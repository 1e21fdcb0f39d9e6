//! The documentation of a rule must be true: its *Example* fires the rule and its *Use
//! instead* does not, and holds no error of any rule (an example must not teach a mistake). Every rule's examples are run: a ```yaml block is the compose file, a
//! ```dotenv block the project's `.env` (with a one-service compose file when the example has
//! none).
//!
//! The generated documentation — `docs/rules/CODE.md` and the README's rule table — must be
//! what `rules::docs` renders now, and each rule's declared fix availability must agree with
//! its *Fix safety* prose and with the fixes its fixtures produce.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use composelint::diagnostic::{Applicability, Severity};
use composelint::fs::OsFs;
use composelint::net::Platform;
use composelint::rules::{FixAvailability, RULES, docs};
use composelint::{Settings, lint};

/// The blocks of `language` in the section under `heading` (up to the next heading).
fn blocks_after(docs: &str, heading: &str, language: &str) -> Vec<String> {
    let Some(at) = docs.find(heading) else {
        return Vec::new();
    };
    let rest = &docs[at + heading.len()..];
    let mut section = &rest[..rest.find("\n ## ").unwrap_or(rest.len())];
    let fence = format!("```{language}");
    let mut out = Vec::new();
    while let Some(start) = section.find(&fence) {
        let body = &section[start + fence.len()..];
        let Some(end) = body.find("```") else { break };
        // Doc comments keep the space after `///`.
        let text: String = body[..end]
            .trim_start_matches('\n')
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        out.push(text.trim_end().to_string() + "\n");
        section = &body[end + 3..];
    }
    out
}

/// The project of an example: its compose files (name, text) and its env file (name, text).
/// A ```yaml block is `compose.yaml`, unless its first line is a comment naming another
/// compose file (`# docker-compose.yml`), for rules about which files Compose loads; a
/// ```dotenv block is `.env`, unless its first line names another file (`# .env.example`);
/// a ```sh block is `example.sh`, and an ```nginx block the `.conf` file its first line names.
type Example = (Vec<(String, String)>, Option<(String, String)>);

/// The name a block's first line gives it (`# name`), if it is one of `suffixes`.
fn named(text: &str, suffixes: &[&str]) -> Option<String> {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .filter(|n| !n.contains(' ') && suffixes.iter().any(|s| n.ends_with(s)))
        .map(str::to_string)
}

fn example(docs: &str, heading: &str) -> Option<Example> {
    let dotenv = blocks_after(docs, heading, "dotenv")
        .into_iter()
        .next()
        .map(|text| {
            let name = named(
                &text,
                &[".env", ".example", ".sample", ".template", ".dist"],
            );
            (name.unwrap_or_else(|| ".env".into()), text)
        });
    let mut files: Vec<(String, String)> = blocks_after(docs, heading, "yaml")
        .into_iter()
        .map(|text| {
            let name = named(&text, &[".yml", ".yaml"]);
            (name.unwrap_or_else(|| "compose.yaml".into()), text)
        })
        .collect();
    // A rule about Docker commands shows a script.
    files.extend(
        blocks_after(docs, heading, "sh")
            .into_iter()
            .map(|text| ("example.sh".to_string(), text)),
    );
    // A rule about a proxy's configuration shows the file, named on its first line.
    files.extend(
        blocks_after(docs, heading, "nginx")
            .into_iter()
            .map(|text| {
                let name = named(&text, &[".conf"]);
                (name.unwrap_or_else(|| "nginx.conf".into()), text)
            }),
    );
    if files.is_empty() {
        dotenv.as_ref()?;
        files.push((
            "compose.yaml".into(),
            "services:\n  app:\n    image: app\n".into(),
        ));
    }
    Some((files, dotenv))
}

fn codes_for((files, dotenv): &Example) -> Vec<(&'static str, Severity)> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    if let Some((name, env)) = dotenv {
        std::fs::write(dir.path().join(name), env).expect("written");
    }
    let settings = Settings {
        paths: vec![dir.path().to_path_buf()],
        ..Settings::default()
    };
    lint(&OsFs, &settings)
        .expect("the example loads")
        .iter()
        .flat_map(|p| p.diagnostics.iter().map(|d| (d.code, d.severity)))
        .collect()
}

#[test]
fn examples_fire_and_fixed_examples_do_not() {
    let mut failures = Vec::new();
    for rule in RULES {
        let code = rule.code;
        let Some(bad) = example(rule.docs, "## Example") else {
            failures.push(format!("{code}: no Example block"));
            continue;
        };
        let Some(good) = example(rule.docs, "## Use instead") else {
            failures.push(format!("{code}: no Use instead block"));
            continue;
        };
        let fired = codes_for(&bad);
        if !fired.iter().any(|(c, _)| *c == code) {
            failures.push(format!(
                "{code}: the Example does not fire it (found {fired:?}):\n{:?}",
                bad.0
            ));
        }
        let after = codes_for(&good);
        if after
            .iter()
            .any(|(c, severity)| *c == code || *severity == Severity::Error)
        {
            failures.push(format!(
                "{code}: the Use instead example is not clean (found {after:?}):\n{:?}",
                good.0
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

const README_BEGIN: &str =
    "<!-- begin rules: generated by `UPDATE_DOCS=1 cargo test --test rule_docs` -->\n";
const README_END: &str = "<!-- end rules -->";
const REGENERATE: &str = "regenerate with `UPDATE_DOCS=1 cargo test --test rule_docs`";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The README with its rule table replaced by `table`, or None without the markers.
fn readme_with_table(readme: &str, table: &str) -> Option<String> {
    let start = readme.find(README_BEGIN)? + README_BEGIN.len();
    let end = start + readme[start..].find(README_END)?;
    Some(format!("{}{table}{}", &readme[..start], &readme[end..]))
}

/// `docs/rules/CODE.md` for every rule and the README's table are what `rules::docs` renders
/// from the doc comments now; `UPDATE_DOCS=1` rewrites them instead of failing.
#[test]
fn generated_docs_are_up_to_date() {
    let update = std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1");
    let dir = root().join("docs/rules");
    let mut stale = Vec::new();
    if update {
        std::fs::create_dir_all(&dir).expect("docs/rules");
    }
    let mut expected_files = BTreeSet::new();
    for rule in RULES {
        let name = format!("{}.md", rule.code);
        let path = dir.join(&name);
        let want = docs::page_file(rule);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            if update {
                std::fs::write(&path, &want).expect("written");
            } else {
                stale.push(format!("docs/rules/{name}"));
            }
        }
        expected_files.insert(name);
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !expected_files.contains(&name) {
            if update {
                std::fs::remove_file(entry.path()).expect("removed");
            } else {
                stale.push(format!("docs/rules/{name} (no such rule)"));
            }
        }
    }
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("README.md");
    let want = readme_with_table(&readme, &docs::markdown_table("docs/rules"))
        .expect("README.md holds the rule table markers");
    if want != readme {
        if update {
            std::fs::write(&readme_path, want).expect("written");
        } else {
            stale.push("README.md (rule table)".into());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated documentation: {}; {REGENERATE}",
        stale.join(", ")
    );
}

/// Every diagnostic links to `Rule::url`; that page must be in the repository, where the URL
/// says.
#[test]
fn every_rule_url_names_its_page_in_the_repository() {
    for rule in RULES {
        let url = rule.url();
        let path = url
            .strip_prefix("https://github.com/composelint/composelint/blob/main/")
            .expect("a URL in the repository");
        assert_eq!(path, format!("docs/rules/{}.md", rule.code));
        // Under UPDATE_DOCS the generating test may not have written it yet.
        let updating = std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1");
        assert!(
            updating || root().join(path).is_file(),
            "{path} is missing; {REGENERATE}"
        );
    }
}

/// The text under `## Fix safety`, one space-joined string.
fn fix_safety(docs: &str) -> String {
    let heading = "## Fix safety";
    let rest = &docs[docs.find(heading).map_or(docs.len(), |i| i + heading.len())..];
    let section = &rest[..rest.find("\n ## ").unwrap_or(rest.len())];
    section.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The declared fix availability agrees with the prose: "No fix" opens the section of a rule
/// without fixes; a fixable rule's section names each kind it offers and no other.
#[test]
fn declared_fixes_match_the_fix_safety_section() {
    let mut failures = Vec::new();
    for rule in RULES {
        let text = fix_safety(rule.docs);
        let words: BTreeSet<String> = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .map(str::to_ascii_lowercase)
            .collect();
        let (safe, unsafe_) = (words.contains("safe"), words.contains("unsafe"));
        let ok = match rule.fix {
            FixAvailability::None => text.starts_with("No fix") && !safe && !unsafe_,
            FixAvailability::Safe => text.starts_with("Safe") && !unsafe_,
            FixAvailability::Unsafe => text.starts_with("Unsafe") && !safe,
            FixAvailability::Mixed => safe && unsafe_,
        };
        if !ok {
            failures.push(format!(
                "{} declares fix `{}` but its Fix safety says: {text}",
                rule.code,
                rule.fix.as_str()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Settings for a fixture case: its `args` file (`-e`, `--env-file`, `--platform` lines).
fn case_settings(case: &Path) -> Settings {
    let mut settings = Settings {
        paths: vec![case.to_path_buf()],
        ..Settings::default()
    };
    let args = std::fs::read_to_string(case.join("args")).unwrap_or_default();
    for line in args.lines() {
        match line.split_once(' ') {
            Some(("-e", kv)) => {
                let (k, v) = kv.split_once('=').expect("-e KEY=VALUE");
                settings.load.cli_env.push((k.into(), v.into()));
            }
            Some(("--env-file", file)) => settings.load.env_files.push(case.join(file)),
            Some(("--platform", "any")) => settings.platform = Some(Platform::Any),
            Some(("--platform", "linux")) => settings.platform = Some(Platform::Linux),
            Some(("--platform", "desktop")) => settings.platform = Some(Platform::Desktop),
            _ => {}
        }
    }
    settings
}

/// What the rules' fixes actually are, over every fixture: a rule declares each kind of fix it
/// produces, and produces each kind it declares.
#[test]
fn declared_fixes_match_the_fixes_the_fixtures_produce() {
    let mut seen: BTreeMap<&str, BTreeSet<Applicability>> = BTreeMap::new();
    let fixtures = root().join("fixtures");
    for rule_dir in std::fs::read_dir(&fixtures).expect("fixtures").flatten() {
        let name = rule_dir.file_name().to_string_lossy().into_owned();
        if RULES.iter().all(|r| r.code != name) {
            continue;
        }
        for case in std::fs::read_dir(rule_dir.path())
            .expect("a rule's fixtures")
            .flatten()
        {
            let case = case.path();
            if !case.is_dir() {
                continue;
            }
            let projects = lint(&OsFs, &case_settings(&case)).expect("the case loads");
            for d in projects.iter().flat_map(|p| &p.diagnostics) {
                if let Some(fix) = &d.fix {
                    seen.entry(d.code).or_default().insert(fix.applicability);
                }
            }
        }
    }
    let mut failures = Vec::new();
    for rule in RULES {
        let produced = seen.remove(rule.code).unwrap_or_default();
        let declared: BTreeSet<Applicability> = [Applicability::Safe, Applicability::Unsafe]
            .into_iter()
            .filter(|a| rule.fix.allows(*a))
            .collect();
        if produced != declared {
            failures.push(format!(
                "{} declares fix `{}` (kinds {declared:?}) but its fixtures produce {produced:?}",
                rule.code,
                rule.fix.as_str()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The README's rule table, a row a rule: its cells without the code's link, `\|` read as `|`.
fn readme_rows() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme.find(README_BEGIN).expect("the table begins") + README_BEGIN.len();
    let end = start + readme[start..].find(README_END).expect("the table ends");
    readme[start..end]
        .lines()
        .skip(2)
        .map(|row| {
            let cells: Vec<String> = row
                .trim_matches('|')
                .replace("\\|", "\u{0}")
                .split('|')
                .map(|c| c.trim().replace('\u{0}', "|"))
                .collect();
            let code = cells[0][1..cells[0].find(']').expect("a linked code")].to_string();
            std::iter::once(code)
                .chain(cells[1..].iter().cloned())
                .collect()
        })
        .collect()
}

/// `composelint rules` prints the README's table (issue 19: it lacked "what it finds"), and
/// `rules --format json` the same rows.
#[test]
fn the_rules_command_prints_the_readme_table_as_text_and_json() {
    let rows = readme_rows();
    assert_eq!(rows.len(), RULES.len());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_composelint"))
            .args(args)
            .output()
            .expect("composelint runs");
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let text = run(&["rules"]);
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    assert!(
        header.starts_with("code") && header.ends_with("what it finds"),
        "{header}"
    );
    for (row, line) in rows.iter().zip(lines) {
        // The cells in order, each but the last followed by two spaces or more.
        let mut rest = line;
        for (i, cell) in row.iter().enumerate() {
            rest = rest
                .strip_prefix(cell.as_str())
                .unwrap_or_else(|| panic!("`{cell}` next in {line}"));
            if i + 1 < row.len() {
                assert!(rest.starts_with("  "), "{line}");
                rest = rest.trim_start_matches(' ');
            }
        }
        assert_eq!(rest, "", "{line}");
    }
    let json: serde_json::Value = serde_json::from_str(&run(&["rules", "--format", "json"]))
        .expect("rules --format json is JSON");
    let items = json.as_array().expect("an array");
    assert_eq!(items.len(), rows.len());
    for (row, item) in rows.iter().zip(items) {
        let fields = ["code", "name", "severity", "fix", "summary"]
            .map(|k| item[k].as_str().expect("a string").to_string());
        assert_eq!(fields.as_slice(), row.as_slice());
        assert_eq!(
            item["url"],
            format!(
                "https://github.com/composelint/composelint/blob/main/docs/rules/{}.md",
                row[0]
            )
        );
    }
}
