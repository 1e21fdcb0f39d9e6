//! The composelint binary: reads arguments and the environment, calls the library, prints,
//! and exits 0 (clean), 1 (findings) or 2 (the run itself failed).

mod cli;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use cli::{CheckArgs, Cli, ColorChoice, Command, Format, ProjectArgs};
use composelint::compose::load::LoadOptions;
use composelint::diagnostic::Severity;
use composelint::fs::OsFs;
use composelint::net::Platform;
use composelint::output::{self, OutputOptions};
use composelint::{LintedProject, Settings, rules};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        None => check(&cli.check),
        Some(Command::Check(args)) => check(&args),
        Some(Command::Config(args)) => config(&args),
        Some(Command::Rules) => list_rules(),
        Some(Command::Rule { code }) => show_rule(&code),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("composelint: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    composelint::paths::resolve(cwd, path)
}

/// Settings from the arguments and, only with `--process-env`, the environment.
fn settings(args: &ProjectArgs, cwd: &Path) -> Settings {
    let process_env: Option<Vec<(String, String)>> =
        args.process_env.then(|| std::env::vars().collect());
    let mut compose_files: Vec<PathBuf> = args.files.iter().map(|f| absolute(f, cwd)).collect();
    if compose_files.is_empty()
        && args.paths.is_empty()
        && let Some(list) = process_env
            .as_ref()
            .and_then(|env| env.iter().find(|(k, _)| k == "COMPOSE_FILE"))
            .map(|(_, v)| v.clone())
    {
        let separator = process_env
            .as_ref()
            .and_then(|env| env.iter().find(|(k, _)| k == "COMPOSE_PATH_SEPARATOR"))
            .map(|(_, v)| v.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| ":".into());
        compose_files = list
            .split(separator.as_str())
            .filter(|s| !s.is_empty())
            .map(|s| absolute(Path::new(s), cwd))
            .collect();
    }
    let paths = if args.paths.is_empty() {
        vec![cwd.to_path_buf()]
    } else {
        args.paths.iter().map(|p| absolute(p, cwd)).collect()
    };
    Settings {
        paths,
        compose_files,
        load: LoadOptions {
            project_directory: args.project_directory.as_ref().map(|d| absolute(d, cwd)),
            env_files: args.env_files.iter().map(|f| absolute(f, cwd)).collect(),
            cli_env: args.env.clone(),
            process_env,
        },
        platform: match args.platform {
            cli::PlatformChoice::Any => Platform::Any,
            cli::PlatformChoice::Linux => Platform::Linux,
            cli::PlatformChoice::Desktop => Platform::Desktop,
        },
    }
}

fn output_options(args: &ProjectArgs, cwd: PathBuf, stream_is_terminal: bool) -> OutputOptions {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    OutputOptions {
        cwd,
        color,
        width: 100,
    }
}

fn check(args: &CheckArgs) -> Result<u8, String> {
    let cwd = cwd();
    if !args.project.files.is_empty() && !args.project.paths.is_empty() {
        return Err("give either PATHS or -f FILE, not both".into());
    }
    let settings = settings(&args.project, &cwd);
    // Only what the output shows is kept of each project, as soon as it is linted.
    let projects = composelint::lint_map(&OsFs, &settings, LintedProject::for_output)
        .map_err(|e| e.to_string())?;
    let options = output_options(&args.project, cwd, std::io::stdout().is_terminal());
    let text = match args.format {
        Format::Human => output::human::render(&projects, &options),
        Format::Concise => output::concise::render(&projects, &options),
        Format::Json => output::json::render(&projects, &options),
        Format::Sarif => output::sarif::render(&projects, &options),
        Format::Github => output::github::render(&projects, &options),
        Format::Gitlab => output::gitlab::render(&projects, &options),
        Format::Junit => output::junit::render(&projects, &options),
    };
    print(&text)?;
    Ok(exit_code(&projects))
}

fn exit_code(projects: &[LintedProject]) -> u8 {
    let failing = projects
        .iter()
        .flat_map(|p| &p.diagnostics)
        .any(|d| d.severity >= Severity::Warning);
    u8::from(failing)
}

fn config(args: &ProjectArgs) -> Result<u8, String> {
    let cwd = cwd();
    let settings = settings(args, &cwd);
    let loaded = composelint::load(&OsFs, &settings).map_err(|e| e.to_string())?;
    let linted: Vec<LintedProject> = loaded
        .into_iter()
        .map(|p| composelint::lint_loaded(p, settings.platform))
        .collect();
    let options = output_options(args, cwd, std::io::stderr().is_terminal());
    // Like `docker compose config`: diagnostics about loading go to stderr; a project that
    // cannot be loaded prints nothing on stdout.
    let fatal = linted
        .iter()
        .any(|p| p.project.issues.iter().any(|i| i.is_fatal()));
    let mut stderr = String::new();
    for p in &linted {
        if !p.diagnostics.is_empty() {
            stderr.push_str(&output::human::render(std::slice::from_ref(p), &options));
        }
    }
    if !stderr.is_empty() {
        eprint!("{stderr}");
    }
    if fatal {
        return Ok(1);
    }
    let values: Vec<serde_json::Value> = linted
        .iter()
        .map(|p| composelint::compose::config::render(&p.project))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let value = if values.len() == 1 {
        values.into_iter().next().unwrap_or_default()
    } else {
        serde_json::Value::Array(values)
    };
    let mut text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    text.push('\n');
    print(&text)?;
    Ok(0)
}

fn list_rules() -> Result<u8, String> {
    let mut text = String::from("code    name                              severity\n");
    for rule in rules::RULES {
        text.push_str(&format!(
            "{:<7} {:<33} {}\n",
            rule.code,
            rule.name,
            rule.severity.as_str()
        ));
    }
    print(&text)?;
    Ok(0)
}

fn show_rule(code: &str) -> Result<u8, String> {
    let rule = rules::find(code)
        .ok_or_else(|| format!("unknown rule `{code}` (see `composelint rules`)"))?;
    let mut text = format!(
        "# {} ({})\n\nDefault severity: {}\n\n",
        rule.code,
        rule.name,
        rule.severity.as_str()
    );
    for line in rule.docs.lines() {
        text.push_str(line.strip_prefix(' ').unwrap_or(line));
        text.push('\n');
    }
    print(&text)?;
    Ok(0)
}

/// Writes to stdout; a closed pipe (`composelint | head`) is not an error.
fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}
