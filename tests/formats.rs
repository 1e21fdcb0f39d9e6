//! The CI output formats as the binary prints them: SARIF, GitLab, JUnit, GitHub and concise
//! output of a small project, parsed and checked field by field.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("composelint runs");
    let code = out.status.code().expect("exited normally");
    assert_ne!(
        code,
        101,
        "panicked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        code,
        stdout: String::from_utf8(out.stdout).expect("UTF-8 output"),
    }
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, contents) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
    dir
}

/// One CMP004 (undefined variable, a warning) at line 5, columns 12..22 of `app/compose.yaml`.
const UNDEFINED: &str =
    "services:\n  app:\n    image: app\n    environment:\n      URL: ${MISSING}\n";

/// One OLL010 (https to Ollama, an error, with a safe fix) in `compose.yaml`.
const WRONG_SCHEME: &str = "services:\n  ollama:\n    image: ollama/ollama\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: https://ollama:11434\n";

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn github_lines_exactly() {
    let dir = project(&[("app/compose.yaml", UNDEFINED)]);
    let r = run(dir.path(), &["--format", "github"]);
    assert_eq!(r.code, 1);
    // The message text comes from the JSON output; everything around it, and its escaping,
    // is the workflow-command format.
    let findings = json(&run(dir.path(), &["--format", "json"]).stdout);
    let f = &findings[0];
    let mut message = f["message"].as_str().expect("message").to_string();
    if let Some(help) = f["help"].as_str() {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let escaped = message
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    let expected = format!(
        "::warning file=app/compose.yaml,line=5,col=12,endLine=5,endColumn=22,title=CMP004 {}::{escaped}",
        f["rule"].as_str().expect("rule")
    );
    assert_eq!(
        r.stdout.lines().next(),
        Some(expected.as_str()),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    assert_eq!(
        r.stdout.lines().nth(1),
        Some("Found 1 problem (1 warning) in 1 project.")
    );
}

#[test]
fn concise_line() {
    let dir = project(&[("app/compose.yaml", UNDEFINED)]);
    let r = run(dir.path(), &["--format", "concise"]);
    assert_eq!(r.code, 1);
    let first = r.stdout.lines().next().unwrap_or("");
    assert!(
        first.starts_with("app/compose.yaml:5:12: warning CMP004 "),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains('\u{1b}'),
        "no colour in a pipe: {}",
        r.stdout
    );
}

/// `--color always` colours the concise lines too (the place bold, the severity in its
/// colour), as it does the human output.
#[test]
fn concise_lines_are_coloured_when_asked() {
    let dir = project(&[("app/compose.yaml", UNDEFINED)]);
    let r = run(dir.path(), &["--format", "concise", "--color", "always"]);
    let first = r.stdout.lines().next().unwrap_or("");
    assert!(
        first.starts_with(
            "\u{1b}[1mapp/compose.yaml:5:12\u{1b}[0m: \u{1b}[1;33mwarning\u{1b}[0m \u{1b}[1mCMP004\u{1b}[0m "
        ),
        "{first:?}"
    );
    let never = run(dir.path(), &["--format", "concise", "--color", "never"]);
    assert!(!never.stdout.contains('\u{1b}'), "{}", never.stdout);
}

#[test]
fn gitlab_report() {
    let dir = project(&[("app/compose.yaml", UNDEFINED)]);
    let r = run(dir.path(), &["--format", "gitlab"]);
    assert_eq!(r.code, 1);
    let report = json(&r.stdout);
    let issues = report.as_array().expect("array");
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(issue["check_name"], "CMP004");
    assert_eq!(issue["severity"], "minor");
    assert_eq!(issue["location"]["path"], "app/compose.yaml");
    assert_eq!(issue["location"]["lines"]["begin"], 5);
    assert_eq!(issue["location"]["lines"]["end"], 5);
    assert!(
        issue["description"]
            .as_str()
            .unwrap_or("")
            .starts_with("CMP004 ")
    );
    let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
    assert_eq!(fingerprint.len(), 16);
    // The same finding two lines lower keeps its fingerprint.
    let moved = project(&[("app/compose.yaml", &format!("# a\n# b\n{UNDEFINED}"))]);
    let again = json(&run(moved.path(), &["--format", "gitlab"]).stdout);
    assert_eq!(again[0]["fingerprint"], fingerprint);
    assert_eq!(again[0]["location"]["lines"]["begin"], 7);
}

#[test]
fn sarif_log() {
    let dir = project(&[("compose.yaml", WRONG_SCHEME)]);
    let r = run(dir.path(), &["--format", "sarif"]);
    assert_eq!(r.code, 1);
    let log = json(&r.stdout);
    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"]
            .as_str()
            .unwrap_or("")
            .ends_with("sarif-schema-2.1.0.json")
    );
    let run0 = &log["runs"][0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "composelint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    assert!(rules.len() >= 20, "every rule is listed: {}", rules.len());
    for rule in rules {
        for key in ["id", "name", "helpUri"] {
            assert!(rule[key].is_string(), "{key} in {rule}");
        }
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["fullDescription"]["text"].is_string());
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap_or("")
                .contains("## What it does")
        );
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap_or("");
        assert!(["error", "warning", "note"].contains(&level), "{level}");
    }
    let results = run0["results"].as_array().expect("results");
    let result = results
        .iter()
        .find(|r| r["ruleId"] == "OLL010")
        .unwrap_or_else(|| panic!("an OLL010 result:\n{}", r.stdout));
    assert_eq!(result["level"], "error");
    let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "OLL010");
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "compose.yaml");
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(physical["region"]["startLine"], 7);
    assert!(result["partialFingerprints"]["primaryLocationLineHash"].is_string());
    // The fix edits the same places the JSON output names.
    let findings = json(&run(dir.path(), &["--format", "json"]).stdout);
    let finding = findings
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == "OLL010"))
        .expect("OLL010 in JSON");
    assert_eq!(
        physical["region"]["startColumn"],
        finding["location"]["column"]
    );
    assert_eq!(
        physical["region"]["endColumn"],
        finding["location"]["end_column"]
    );
    let edit = &finding["fix"]["edits"][0];
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        replacement["deletedRegion"]["startLine"],
        edit["start"]["line"]
    );
    assert_eq!(
        replacement["deletedRegion"]["startColumn"],
        edit["start"]["column"]
    );
    assert_eq!(
        replacement["deletedRegion"]["endColumn"],
        edit["end"]["column"]
    );
    assert_eq!(replacement["insertedContent"]["text"], edit["content"]);
    assert!(
        edit["content"].as_str().unwrap_or("").contains("http"),
        "{edit}"
    );
}

#[test]
fn junit_report() {
    let dir = project(&[("app/compose.yaml", UNDEFINED)]);
    let r = run(dir.path(), &["--format", "junit"]);
    assert_eq!(r.code, 1);
    let root = xml::parse(&r.stdout).unwrap_or_else(|e| panic!("bad XML ({e}):\n{}", r.stdout));
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attr("failures"), Some("1"));
    let suite = &root.children[0];
    assert_eq!(suite.name, "testsuite");
    let case = &suite.children[0];
    assert_eq!(case.name, "testcase");
    assert_eq!(case.attr("name"), Some("CMP004 app/compose.yaml:5:12"));
    assert_eq!(case.attr("classname"), Some("app/compose.yaml"));
    let failure = &case.children[0];
    assert_eq!(failure.name, "failure");
    assert_eq!(failure.attr("type"), Some("warning"));
    assert!(
        failure.text.starts_with("app/compose.yaml:5:12: CMP004 "),
        "{}",
        failure.text
    );
    assert!(failure.text.contains("${MISSING}") || failure.text.contains("MISSING"));

    let clean = project(&[(
        "compose.yaml",
        "services:\n  ollama:\n    image: ollama/ollama\n    volumes: [\"./ollama:/root/.ollama\"]\n",
    )]);
    let r = run(clean.path(), &["--format", "junit"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let root = xml::parse(&r.stdout).unwrap_or_else(|e| panic!("bad XML ({e}):\n{}", r.stdout));
    assert_eq!(root.attr("failures"), Some("0"));
    let case = &root.children[0].children[0];
    assert_eq!(case.name, "testcase");
    assert!(case.children.is_empty());
}

/// A small strict XML reader for the tests: elements, attributes, text and the five
/// predefined entities plus numeric references; anything else is an error.
mod xml {
    #[derive(Debug)]
    pub struct Element {
        pub name: String,
        pub attributes: Vec<(String, String)>,
        pub children: Vec<Element>,
        pub text: String,
    }

    impl Element {
        pub fn attr(&self, key: &str) -> Option<&str> {
            self.attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        }
    }

    pub fn parse(input: &str) -> Result<Element, String> {
        let rest = input.trim_start();
        let rest = match rest.strip_prefix("<?xml") {
            Some(r) => &r[r.find("?>").ok_or("unterminated declaration")? + 2..],
            None => rest,
        };
        let mut p = Parser {
            s: rest.trim_start(),
        };
        let root = p.element()?;
        if !p.s.trim().is_empty() {
            return Err(format!("content after the root: {:?}", p.s));
        }
        Ok(root)
    }

    struct Parser<'a> {
        s: &'a str,
    }

    impl Parser<'_> {
        fn eat(&mut self, token: &str) -> Result<(), String> {
            self.s = self.s.strip_prefix(token).ok_or_else(|| {
                format!(
                    "expected {token:?} at {:?}",
                    &self.s[..self.s.len().min(30)]
                )
            })?;
            Ok(())
        }

        fn name(&mut self) -> Result<String, String> {
            let end = self
                .s
                .find(|c: char| {
                    !(c.is_alphanumeric() || c == '_' || c == '-' || c == ':' || c == '.')
                })
                .unwrap_or(self.s.len());
            if end == 0 {
                return Err(format!(
                    "expected a name at {:?}",
                    &self.s[..self.s.len().min(30)]
                ));
            }
            let name = self.s[..end].to_string();
            self.s = &self.s[end..];
            Ok(name)
        }

        fn element(&mut self) -> Result<Element, String> {
            self.eat("<")?;
            let name = self.name()?;
            let mut attributes = Vec::new();
            loop {
                self.s = self.s.trim_start();
                if self.s.starts_with("/>") {
                    self.eat("/>")?;
                    return Ok(Element {
                        name,
                        attributes,
                        children: Vec::new(),
                        text: String::new(),
                    });
                }
                if self.s.starts_with('>') {
                    self.eat(">")?;
                    break;
                }
                let key = self.name()?;
                self.eat("=\"")?;
                let end = self.s.find('"').ok_or("unterminated attribute")?;
                let raw = &self.s[..end];
                if raw.contains('<') {
                    return Err(format!("`<` in attribute {key}"));
                }
                attributes.push((key, unescape(raw)?));
                self.s = &self.s[end + 1..];
            }
            let mut children = Vec::new();
            let mut text = String::new();
            loop {
                if self.s.starts_with("</") {
                    self.eat("</")?;
                    let close = self.name()?;
                    if close != name {
                        return Err(format!("</{close}> closes <{name}>"));
                    }
                    self.s = self.s.trim_start();
                    self.eat(">")?;
                    return Ok(Element {
                        name,
                        attributes,
                        children,
                        text,
                    });
                }
                if self.s.starts_with('<') {
                    children.push(self.element()?);
                    continue;
                }
                let end = self.s.find('<').ok_or("unterminated element")?;
                text.push_str(&unescape(&self.s[..end])?);
                self.s = &self.s[end..];
            }
        }
    }

    fn unescape(raw: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let semi = rest[amp..].find(';').ok_or("unterminated entity")? + amp;
            let entity = &rest[amp + 1..semi];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = entity
                        .strip_prefix("#x")
                        .map(|h| u32::from_str_radix(h, 16))
                        .or_else(|| entity.strip_prefix('#').map(str::parse))
                        .ok_or_else(|| format!("unknown entity &{entity};"))?
                        .map_err(|e| e.to_string())?;
                    char::from_u32(code).ok_or("bad character reference")?
                }
            };
            out.push(c);
            rest = &rest[semi + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

// --- Output integrity (issue 18, item 12) ----------------------------------------------

/// A value holding ESC (a terminal colour and screen-clearing sequence), a C1 CSI and a bidi
/// override, quoted by OLL001's message.
const CONTROLS: &str = "services:\n  ollama:\n    image: ollama/ollama\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: \"http://localhost:11434/\\e[2J\\e[31m\\u009B31m\\u202Egnp.exe\"\n";

fn raw_controls(text: &str) -> Vec<String> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        })
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect()
}

#[test]
fn control_and_bidi_characters_from_values_never_reach_the_output_raw() {
    // The same characters written raw in a `.env` line that the human format draws.
    let dir = project(&[
        ("compose.yaml", CONTROLS),
        (
            "env/compose.yaml",
            "services:\n  open-webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: ${URL}\n",
        ),
        (
            "env/.env",
            "URL=http://localhost:11434/\u{1b}[2J\u{9b}31m\u{202e}gnp.exe\u{7}\r\n",
        ),
    ]);
    let json_out = run(dir.path(), &["--format", "json"]);
    assert!(
        json_out.stdout.contains("OLL001"),
        "the value is quoted by a finding: {}",
        json_out.stdout
    );
    let mut bad = Vec::new();
    for format in composelint::output::Format::ALL.map(|f| f.name()) {
        let r = run(dir.path(), &["--format", format]);
        assert_eq!(r.code, 1, "--format {format}");
        let raw = raw_controls(&r.stdout);
        if !raw.is_empty() {
            bad.push(format!("--format {format}: {raw:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "raw control characters:\n{}",
        bad.join("\n")
    );
    // The JSON formats keep the value itself: escaped, not changed.
    let v = json(&json_out.stdout);
    let oll001 = v
        .as_array()
        .and_then(|items| items.iter().find(|d| d["code"] == "OLL001"))
        .expect("an OLL001 finding");
    let message = oll001["message"].as_str().unwrap_or("");
    assert!(message.contains("\u{1b}[2J"), "{message:?}");
    assert!(message.contains('\u{202E}'), "{message:?}");
}

/// A directory whose name holds a line break followed by a workflow command: GitHub Actions
/// would run the second line as a command if either stream printed it raw.
#[test]
fn a_line_break_in_a_path_cannot_start_a_workflow_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let evil = dir.path().join("app\n::error::pwned%0A");
    std::fs::create_dir_all(&evil).expect("mkdir");
    std::fs::write(evil.join("compose.yaml"), UNDEFINED).expect("write");
    std::fs::write(evil.join("notes.env"), "A=1\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(["--format", "github", "."])
        .arg(evil.join("notes.env"))
        .current_dir(dir.path())
        .output()
        .expect("composelint runs");
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for line in text.lines() {
            assert!(
                !line.starts_with("::error::pwned"),
                "{stream} has a forged command line: {text}"
            );
        }
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("file=app%0A%3A%3Aerror%3A%3Apwned%250A/compose.yaml"),
        "{stdout}"
    );
}

/// An env file linked to a device exists: it is reported as not a regular file, not as
/// missing ("/dev/zero does not exist"), and never read.
#[cfg(unix)]
#[test]
fn an_env_file_that_is_a_device_is_named_for_what_it_is() {
    let dir = project(&[(
        "compose.yaml",
        "services:\n  app:\n    image: app\n    env_file: zero.env\n",
    )]);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.env")).expect("link");
    let r = run(dir.path(), &["--format", "concise"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("cannot read `zero.env`: not a regular file"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("does not exist"), "{}", r.stdout);
}

/// Messages on standard error name paths too (GitHub Actions reads workflow commands from
/// both streams): a line break or ESC in a path is escaped there as well.
#[test]
fn paths_in_messages_on_standard_error_are_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let evil = "d\n::error::pwned\u{1b}[2J";
    std::fs::create_dir_all(dir.path().join(evil)).expect("mkdir");
    let out = Command::new(env!("CARGO_BIN_EXE_composelint"))
        .args(["--format", "github", evil])
        .current_dir(dir.path())
        .output()
        .expect("composelint runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing to lint"), "{stderr}");
    assert!(
        !stderr.lines().any(|l| l.starts_with("::")) && !stderr.contains('\u{1b}'),
        "{stderr}"
    );
}

/// A script with an OLL001 finding after a non-ASCII character on its line, and a secret on the
/// line before; a Markdown document with an OLL002 finding in a console block.
const SCRIPT: &str = "#!/bin/sh\n# Démarrage\ndocker network create llm\ndocker run -d --network llm --name ollama ollama/ollama\ndocker run -d --network llm -e WEBUI_SECRET_KEY=t0psecretvalue42 \\\n  -e NOTE=café -e OLLAMA_BASE_URL=http://localhost:11434 --name webui ghcr.io/open-webui/open-webui:main\n";
const DOCUMENT: &str = "# Setup\n\n```console\n$ docker network create llm\n$ docker run -d --network llm --name ollama ollama/ollama\n$ docker run -d --network llm -e OLLAMA_BASE_URL=http://0.0.0.0:11434 --name webui ghcr.io/open-webui/open-webui:main\n```\n";

/// The 1-based line and character columns of `needle` in `text`.
fn place(text: &str, needle: &str) -> (usize, usize, usize) {
    let at = text.find(needle).expect("the needle is there");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() + 1;
    let column = text[line_start..at].chars().count() + 1;
    (line, column, column + needle.chars().count())
}

#[test]
fn findings_in_scripts_and_documents_in_every_format() {
    let dir = project(&[("scripts/start.sh", SCRIPT), ("docs/setup.md", DOCUMENT)]);
    let (sh_line, sh_col, sh_end) = place(SCRIPT, "localhost");
    let (md_line, md_col, md_end) = place(DOCUMENT, "0.0.0.0");
    assert!(
        sh_col
            < SCRIPT
                .lines()
                .nth(sh_line - 1)
                .unwrap()
                .find("localhost")
                .unwrap()
                + 1
    );
    let expected = [
        ("docs/setup.md", "OLL002", md_line, md_col, md_end),
        ("scripts/start.sh", "OLL001", sh_line, sh_col, sh_end),
    ];

    let findings = json(&run(dir.path(), &["--format", "json"]).stdout);
    let findings = findings.as_array().expect("array");
    assert_eq!(findings.len(), 2, "{findings:?}");
    for (f, (file, code, line, col, end)) in findings.iter().zip(expected) {
        assert_eq!(f["code"], code);
        let at = &f["location"];
        assert_eq!(
            (
                &at["file"],
                &at["line"],
                &at["column"],
                &at["end_line"],
                &at["end_column"]
            ),
            (
                &file.into(),
                &line.into(),
                &col.into(),
                &line.into(),
                &end.into()
            ),
            "{f}"
        );
        // The safe fix rewrites the host in place.
        let edit = &f["fix"]["edits"][0];
        assert_eq!(
            (&edit["file"], &edit["start"]["column"]),
            (&file.into(), &col.into())
        );
        assert_eq!(edit["content"], "ollama");
    }

    let concise = run(dir.path(), &["--format", "concise"]).stdout;
    for (file, code, line, col, _) in expected {
        let prefix = format!("{file}:{line}:{col}: error {code} ");
        assert!(
            concise.lines().any(|l| l.starts_with(&prefix)),
            "{prefix}\n{concise}"
        );
    }

    let github = run(dir.path(), &["--format", "github"]).stdout;
    for (file, code, line, col, end) in expected {
        let prefix = format!(
            "::error file={file},line={line},col={col},endLine={line},endColumn={end},title={code} "
        );
        assert!(
            github.lines().any(|l| l.starts_with(&prefix)),
            "{prefix}\n{github}"
        );
    }

    let gitlab = json(&run(dir.path(), &["--format", "gitlab"]).stdout);
    for (issue, (file, code, line, _, _)) in gitlab.as_array().expect("array").iter().zip(expected)
    {
        assert_eq!(issue["check_name"], code);
        assert_eq!(issue["location"]["path"], file);
        assert_eq!(issue["location"]["lines"]["begin"], line);
    }

    let sarif = json(&run(dir.path(), &["--format", "sarif"]).stdout);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    for (file, code, line, col, end) in expected {
        let result = results
            .iter()
            .find(|r| r["ruleId"] == code)
            .unwrap_or_else(|| panic!("{code} in {results:?}"));
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], file);
        let region = &physical["region"];
        assert_eq!(
            (
                &region["startLine"],
                &region["startColumn"],
                &region["endColumn"]
            ),
            (&line.into(), &col.into(), &end.into())
        );
        let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
        assert_eq!(replacement["deletedRegion"]["startColumn"], col);
        assert_eq!(replacement["insertedContent"]["text"], "ollama");
    }

    let junit = run(dir.path(), &["--format", "junit"]).stdout;
    for (file, code, line, col, _) in expected {
        let name = format!("name=\"{code} {file}:{line}:{col}\"");
        assert!(junit.contains(&name), "{name}\n{junit}");
    }

    // The human format draws a script's lines around the finding (it is no env file), with the
    // secret on the line before masked.
    let human = run(dir.path(), &["--format", "human", "--color", "never"]).stdout;
    assert!(
        human.contains(&format!("[scripts/start.sh:{sh_line}:{sh_col}]")),
        "{human}"
    );
    assert!(
        human.contains(&format!("[docs/setup.md:{md_line}:{md_col}]")),
        "{human}"
    );
    assert!(
        human.contains("docker run -d --network llm -e WEBUI_SECRET_KEY="),
        "{human}"
    );
    assert!(!human.contains("t0psecretvalue42"), "{human}");
    // Only the secret word is masked: the continuation after it stays.
    assert!(
        human.contains("WEBUI_SECRET_KEY=**************** \\\n"),
        "{human}"
    );
    assert!(
        human.contains("$ docker run -d --network llm --name ollama"),
        "{human}"
    );
}

/// A password that is also a word the project writes in the open (Airflow's `airflow`, the
/// name of its services and image; Milvus's default `Milvus`, the kind the messages name) is
/// hidden where it is written as a password, and nowhere else: masking it in
/// `airflow-scheduler` or in "where no Milvus listens" would garble the messages and show
/// the reader which word the password is.
#[test]
fn a_password_that_is_a_public_word_is_masked_only_where_it_is_a_password() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  airflow-scheduler:\n    image: apache/airflow:2.10.4\n    environment:\n      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: postgresql+psycopg2://airflow:airflow@localhost/airflow\n      MILVUS_PASSWORD: Milvus\n      MILVUS_URI: http://localhost:19530\n  postgres:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: airflow\n  milvus:\n    image: milvusdb/milvus:v2.4.0\n",
    )
    .expect("written");
    let out = run(dir.path(), &["--format", "json"]).stdout;
    let findings = json(&out);
    let messages: Vec<&str> = findings
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    let postgres = messages
        .iter()
        .find(|m| m.contains("Postgres"))
        .unwrap_or_else(|| panic!("a finding about Postgres in {messages:?}"));
    assert!(postgres.contains("`airflow-scheduler`"), "{postgres}");
    assert!(postgres.contains("airflow:***@localhost"), "{postgres}");
    let milvus = messages
        .iter()
        .find(|m| m.contains("MILVUS_URI"))
        .unwrap_or_else(|| panic!("a finding about Milvus in {messages:?}"));
    assert!(milvus.contains("no Milvus listens"), "{milvus}");
}
