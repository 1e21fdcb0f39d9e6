//! The composelint binary: reads arguments and the environment, calls the library, prints,
//! and exits 0 (clean), 1 (findings) or 2 (the run itself failed).

#![forbid(unsafe_code)]
// The binary is where composelint prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod fixing;
mod graph_command;
mod show_files;
mod stdin;
mod terminal;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use cli::{CheckArgs, Cli, ColorChoice, Command, ConfigArgs, ProjectArgs};
use composelint::commands::CommandKinds;
use composelint::compose::load::LoadOptions;
use composelint::compose::profiles::Selection;
use composelint::diagnostic::Severity;
use composelint::exit::{self, FixExit};
use composelint::fs::{FileSystem, OsFs};
use composelint::lint_config::hierarchy::Hierarchy;
use composelint::lint_config::{ConfigError, LintOptions, Overrides};
use composelint::net::Platform;
use composelint::output::report::{self, ReportOptions};
use composelint::output::{self, OutputOptions};
use composelint::workspace::NoProject;
use composelint::{LintedProject, RunError, Settings, rules};
use terminal::Stream;

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
        Some(Command::Rules { format }) => list_rules(format),
        Some(Command::Rule { code }) => show_rule(&code),
        Some(Command::Server) => serve(),
        Some(Command::Graph(args)) => graph_command::graph(&args),
        Some(Command::Explain(args)) => graph_command::explain(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            // Messages name paths, which may hold line breaks and escapes.
            eprintln!("composelint: error: {}", output::visible(&message, false));
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

/// Where the absolute `path` really is: a symlinked directory, and the symlinked
/// directories on the way to it, resolved, so that `composelint a alias` (a link to `a`)
/// lints `a` once. A file keeps its own name: a symlinked compose file stays in its own
/// directory, which is its project's for Compose. A path that does not exist is unchanged.
pub fn real_location(path: &Path) -> PathBuf {
    if path.is_dir() {
        return std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
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
        args.paths
            .iter()
            .map(|p| real_location(&absolute(p, cwd)))
            .collect()
    };
    Settings {
        paths,
        compose_files,
        load: LoadOptions {
            project_directory: args.project_directory.as_ref().map(|d| absolute(d, cwd)),
            env_files: args.env_files.iter().map(|f| absolute(f, cwd)).collect(),
            cli_env: args.env.clone(),
            process_env,
            profiles: args.profiles.clone(),
            keep_merged: false,
        },
        platform: args.platform.map(platform),
        options: LintOptions::default(),
        configs: None,
    }
}

fn platform(choice: cli::PlatformChoice) -> Platform {
    match choice {
        cli::PlatformChoice::Any => Platform::Any,
        cli::PlatformChoice::Linux => Platform::Linux,
        cli::PlatformChoice::Desktop => Platform::Desktop,
    }
}

/// How to draw a report written to `stream`, or to a file (`None`).
fn output_options(args: &ProjectArgs, cwd: PathBuf, stream: Option<Stream>) -> OutputOptions {
    let terminal = stream.filter(|s| s.is_terminal());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            terminal.is_some() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    OutputOptions {
        cwd,
        color,
        width: terminal.map(Stream::wrap_width),
    }
}

fn check(args: &CheckArgs) -> Result<u8, String> {
    let cwd = cwd();
    if !args.project.files.is_empty() && !args.project.paths.is_empty() {
        return Err("give either PATHS or -f FILE, not both".into());
    }
    let (args, overlay) = with_stdin(args, &cwd)?;
    let args = &args;
    let fs: &dyn FileSystem = match &overlay {
        Some(overlay) => overlay,
        None => &OsFs,
    };
    let mut settings = settings(&args.project, &cwd);
    configure(&mut settings, &args.project, &args.config, &cwd)?;
    // One search serves the warnings and the run: a large docs tree is walked once. It reads
    // the configuration of every directory it meets: a bad file stops the run here.
    let discovered = composelint::discover(fs, &settings).map_err(|e| run_error(e, &cwd))?;
    let (nothing_here, nothing_at_all) =
        warn_paths_without_projects(&discovered.without_projects, &settings, &cwd);
    if nothing_here && nothing_at_all {
        return Ok(2);
    }
    if args.config.show_files {
        let loaded = composelint::load_discovered(fs, &settings, &discovered.file_sets)
            .map_err(|e| run_error(e, &cwd))?;
        let listing = show_files::render(fs, &settings, &loaded, &cwd);
        emit(&listing, args.config.output_file.as_deref(), &cwd)?;
        return Ok(if nothing_here { 2 } else { 0 });
    }
    if args.fix.fixing() {
        let code = match &overlay {
            // Standard input is fixed as ruff fixes it: the fixed text on stdout, nothing
            // written to disk.
            Some(overlay) if !args.fix.diff => fix_stdin(args, &settings, overlay, &cwd)?,
            _ => check_and_fix(fs, args, &settings, &cwd)?,
        };
        return Ok(if nothing_here { 2 } else { code });
    }
    // Only what the output shows is kept of each project, as soon as it is linted.
    let mut projects = composelint::lint_map_discovered(
        fs,
        &settings,
        &discovered.file_sets,
        LintedProject::for_output,
    )
    .map_err(|e| e.to_string())?;
    composelint::merge_repeated_findings(&mut projects);
    report(args, &projects, &cwd)?;
    let code = if nothing_here {
        2
    } else {
        check_exit_code(&projects, &args.config)
    };
    // The process ends with this run: its memory goes back with the process, faster than
    // freeing it node by node (issue 16, start-up).
    std::mem::forget(projects);
    std::mem::forget(discovered);
    Ok(code)
}

/// Warns, on stderr, about each path that yields no project. Says whether one of them is a
/// directory (a run asked to lint a directory that holds no compose file has failed, exit 2,
/// as one naming a path that does not exist has), and whether no path yields any. An env
/// file that no project reads is only warned about: pre-commit passes every changed
/// `.env`/`*.env`, and the `.env` of some other tool must not fail the hook.
fn warn_paths_without_projects(
    empty: &[NoProject],
    settings: &Settings,
    cwd: &Path,
) -> (bool, bool) {
    if !settings.compose_files.is_empty() {
        return (false, false);
    }
    for path in empty {
        let shown = output::display_path(path.path(), cwd);
        let shown = if shown.is_empty() {
            ".".into()
        } else {
            output::visible(&shown, false)
        };
        eprintln!(
            "composelint: warning: {shown}: {}; nothing to lint",
            path.reason()
        );
    }
    let failed = empty.iter().any(|p| matches!(p, NoProject::Directory(_)));
    (failed, empty.len() == settings.paths.len())
}

/// Prints the findings in the chosen format (or the statistics); the human formats end with
/// what is fixable.
fn report(args: &CheckArgs, projects: &[LintedProject], cwd: &Path) -> Result<(), String> {
    let text = render_report(args, projects, cwd)?;
    emit(&text, args.config.output_file.as_deref(), cwd)
}

/// The report [`report`] prints.
fn render_report(
    args: &CheckArgs,
    projects: &[LintedProject],
    cwd: &Path,
) -> Result<String, String> {
    render_report_to(args, projects, cwd, Stream::Stdout)
}

/// The report, for `stream` or for `--output-file`.
fn render_report_to(
    args: &CheckArgs,
    projects: &[LintedProject],
    cwd: &Path,
    stream: Stream,
) -> Result<String, String> {
    let stream = Some(stream).filter(|_| args.config.output_file.is_none());
    let options = output_options(&args.project, cwd.to_path_buf(), stream);
    let shown = ReportOptions {
        format: args.format,
        statistics: args.config.statistics,
        quiet: args.config.quiet,
        unsafe_fixes: args.fix.unsafe_fixes,
    };
    Ok(report::report(projects, &shown, &options))
}

/// With `-` (or `--stdin-filename`), the arguments naming the path standard input stands
/// for, and a file system serving what was read from it there.
fn with_stdin(
    args: &CheckArgs,
    cwd: &Path,
) -> Result<(CheckArgs, Option<stdin::OverlayFs<'static>>), String> {
    let Some(path) = stdin::stdin_path(args, cwd)? else {
        return Ok((args.clone(), None));
    };
    let text = stdin::read_stdin()?;
    let args = stdin::substitute(args, &path);
    Ok((args, Some(stdin::OverlayFs::new(&OsFs, path, text))))
}

/// `--fix`, `--fix-only` or `--diff` over `fs` (standard input among the files on disk,
/// with `--diff` only).
fn check_and_fix(
    fs: &dyn FileSystem,
    args: &CheckArgs,
    settings: &Settings,
    cwd: &Path,
) -> Result<u8, String> {
    let mut run = fixing::compute(fs, &args.fix, settings)?;
    let mut messages = fixing::problems(&run, cwd);
    if args.fix.diff {
        for message in &messages {
            eprintln!("composelint: {}", output::visible(message, false));
        }
        let diff = fixing::diff(&run.changes, cwd);
        emit(&diff, args.config.output_file.as_deref(), cwd)?;
        return Ok(u8::from(!diff.is_empty() && !args.config.exit_zero));
    }
    composelint::merge_repeated_findings(&mut run.projects);
    // The report is made, and its file opened, before anything is written: a run that
    // cannot produce it must leave the files as they were.
    let mut text = if args.fix.fix_only {
        None
    } else {
        Some(render_report(args, &run.projects, cwd)?)
    };
    if text.is_some()
        && let Some(file) = args.config.output_file.as_deref()
    {
        create_output_file(file, cwd)?;
    }
    let written = fixing::write(&run, cwd);
    let changed_files = !written.written.is_empty();
    let summary = written.summary.or_else(|| {
        // `--fix-only` prints no report: without this line it would print nothing at all.
        (args.fix.fix_only && !args.config.quiet).then(|| "No problems fixed.".to_string())
    });
    let shown = if args.fix.show_fixes {
        fixing::shown_fixes(&run.applied, &written.written, cwd)
    } else {
        Vec::new()
    };
    messages.splice(0..0, summary);
    messages.extend(written.errors.iter().cloned());
    let mut projects = run.projects;
    if !written.errors.is_empty() {
        // What is on disk is what the report must describe; after a failed write that is
        // not what the fixer computed.
        projects = composelint::lint(&OsFs, settings).map_err(|e| e.to_string())?;
        composelint::merge_repeated_findings(&mut projects);
        if text.is_some() {
            text = Some(render_report(args, &projects, cwd)?);
        }
    }
    print_messages(&messages, &shown);
    if let Some(text) = &text {
        emit(text, args.config.output_file.as_deref(), cwd)?;
    }
    if !written.errors.is_empty() {
        return Ok(2);
    }
    Ok(exit::after_fix(
        fix_exit(&args.fix, &args.config),
        changed_files,
        || check_exit_code(&projects, &args.config),
    ))
}

/// How `--fix` and `--fix-only` end (see [`exit::after_fix`]).
fn fix_exit(fix: &cli::FixArgs, flags: &ConfigArgs) -> FixExit {
    FixExit {
        fix_only: fix.fix_only,
        exit_non_zero_on_fix: fix.exit_non_zero_on_fix,
        exit_zero: flags.exit_zero,
    }
}

/// `--fix` or `--fix-only` on standard input, as ruff does it: the fixed text (or the text
/// as it came, when nothing was fixed) on stdout, the report of what remains on stderr (or
/// in `--output-file`), and nothing written to disk. Fixes that would also change files on
/// disk are not applied: the text is printed as it came and stderr says why.
fn fix_stdin(
    args: &CheckArgs,
    settings: &Settings,
    stdin: &stdin::OverlayFs<'_>,
    cwd: &Path,
) -> Result<u8, String> {
    let mut run = fixing::compute(stdin, &args.fix, settings)?;
    let mut messages = fixing::problems(&run, cwd);
    let on_disk: Vec<String> = run
        .changes
        .iter()
        .filter(|c| c.path != stdin.path())
        .map(|c| output::visible(&output::display_path(&c.path, cwd), false))
        .collect();
    let fixed = run.changes.iter().find(|c| c.path == stdin.path());
    let (text, fixed_count) = match fixed {
        _ if !on_disk.is_empty() => {
            messages.push(format!(
                "warning: the fixes would also change {}, which standard input does not stand for; nothing is fixed: run `composelint --fix` on the files",
                on_disk.join(", ")
            ));
            // The report is of the text as it came.
            run.projects = composelint::lint(stdin, settings).map_err(|e| e.to_string())?;
            (stdin.text(), 0)
        }
        Some(change) => (change.fixed.as_slice(), run.applied.len()),
        None => (stdin.text(), 0),
    };
    if fixed_count > 0 {
        let s = if fixed_count == 1 { "" } else { "s" };
        messages.insert(0, format!("Fixed {fixed_count} problem{s}."));
    } else if args.fix.fix_only && !args.config.quiet && on_disk.is_empty() {
        messages.insert(0, "No problems fixed.".into());
    }
    let shown = if args.fix.show_fixes && fixed_count > 0 {
        fixing::shown_fixes(&run.applied, &[stdin.path().to_path_buf()], cwd)
    } else {
        Vec::new()
    };
    composelint::merge_repeated_findings(&mut run.projects);
    let report = if args.fix.fix_only {
        None
    } else {
        Some(render_report_to(args, &run.projects, cwd, Stream::Stderr)?)
    };
    print_bytes(text)?;
    print_messages(&messages, &shown);
    match (report, args.config.output_file.as_deref()) {
        (Some(report), Some(file)) => emit(&report, Some(file), cwd)?,
        (Some(report), None) => eprint!("{report}"),
        (None, _) => {}
    }
    Ok(exit::after_fix(
        fix_exit(&args.fix, &args.config),
        fixed_count > 0,
        || check_exit_code(&run.projects, &args.config),
    ))
}

/// The fixer's lines on stderr, each after `composelint: `; `--show-fixes`'s list follows
/// the first (the summary of what was fixed), as it is.
fn print_messages(messages: &[String], shown_fixes: &[String]) {
    for (i, message) in messages.iter().enumerate() {
        eprintln!("composelint: {}", output::visible(message, false));
        if i == 0 {
            for line in shown_fixes {
                eprintln!("{line}");
            }
        }
    }
}

// --- Configuration and the flags over it (issue 5) ---------------------------------------

/// Puts the configuration into `settings`: each project takes the file nearest to it (or
/// the one `--config` names) with the flags over it. The files that govern the named paths
/// are read now, so that a bad one, or a bad flag, stops even a run that finds nothing.
fn configure(
    settings: &mut Settings,
    project: &ProjectArgs,
    flags: &ConfigArgs,
    cwd: &Path,
) -> Result<(), String> {
    let overrides = Overrides {
        select: flags.select.clone(),
        ignore: flags.ignore.clone(),
        fail_on: flags.fail_on.map(|s| match s {
            cli::SeverityChoice::Error => Severity::Error,
            cli::SeverityChoice::Warning => Severity::Warning,
            cli::SeverityChoice::Info => Severity::Info,
        }),
        platform: project.platform.map(platform),
        env_files: settings.load.env_files.clone(),
        sources: project.sources.as_deref().map(command_kinds),
    };
    let configs = Hierarchy::new(overrides, flags.config.as_ref().map(|f| absolute(f, cwd)));
    let named: &[PathBuf] = if settings.compose_files.is_empty() {
        &settings.paths
    } else {
        &settings.compose_files
    };
    for path in named {
        let dir = match path.parent() {
            Some(parent) if !path.is_dir() => parent,
            _ => path,
        };
        // An excluded path's own file is never read (a vendored project's may be anything).
        let excluded = configs.is_excluded(&OsFs, path);
        if !excluded.map_err(|e| config_error(e, cwd))? {
            configs
                .in_directory(&OsFs, dir)
                .map_err(|e| config_error(e, cwd))?;
        }
    }
    settings.configs = Some(std::sync::Arc::new(configs));
    Ok(())
}

/// A configuration error, its file shown as the other paths are.
fn config_error(e: ConfigError, cwd: &Path) -> String {
    let path = e.path.as_deref().map(|p| output::display_path(p, cwd));
    match path {
        Some(path) => ConfigError {
            path: Some(PathBuf::from(path)),
            ..e
        }
        .to_string(),
        None => e.to_string(),
    }
}

/// A failed run's message (a configuration file shown as [`config_error`] shows it).
fn run_error(e: RunError, cwd: &Path) -> String {
    match e {
        RunError::Config(e) => config_error(e, cwd),
        e => e.to_string(),
    }
}

/// The kinds of command file `--sources` names.
fn command_kinds(chosen: &[cli::SourceChoice]) -> CommandKinds {
    let mut kinds = CommandKinds::NONE;
    for choice in chosen {
        match choice {
            cli::SourceChoice::Shell => kinds.shell = true,
            cli::SourceChoice::Markdown => kinds.markdown = true,
            cli::SourceChoice::None => {}
        }
    }
    kinds
}

/// 1 when a project has a finding at or above its configuration's `fail-on`, unless
/// `--exit-zero`.
fn check_exit_code(projects: &[LintedProject], flags: &ConfigArgs) -> u8 {
    exit::after_check(projects, flags.exit_zero)
}

/// Writes the report to `--output-file` (its directory created if needed) or stdout.
fn emit(text: &str, output_file: Option<&Path>, cwd: &Path) -> Result<(), String> {
    let Some(file) = output_file else {
        return print(text);
    };
    let file = create_output_file(file, cwd)?;
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))
}

/// Creates `--output-file` empty, and its directory if needed; returns its absolute path.
fn create_output_file(file: &Path, cwd: &Path) -> Result<PathBuf, String> {
    let file = absolute(file, cwd);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::File::create(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(file)
}

// --- end of configuration ------------------------------------------------------------------

fn config(args: &ProjectArgs) -> Result<u8, String> {
    let cwd = cwd();
    let mut settings = settings(args, &cwd);
    settings.load.keep_merged = true;
    // The same configuration as `check`: its env files change what the project resolves to.
    configure(&mut settings, args, &ConfigArgs::default(), &cwd)?;
    let discovered = composelint::discover(&OsFs, &settings).map_err(|e| e.to_string())?;
    let (nothing_here, _) =
        warn_paths_without_projects(&discovered.without_projects, &settings, &cwd);
    let loaded = composelint::load(&OsFs, &settings).map_err(|e| e.to_string())?;
    // Nothing to print is a failure for `config`, whatever the reason (an env file no
    // project reads, every project excluded).
    if loaded.is_empty() {
        return Err("no compose project to print".into());
    }
    let linted: Vec<LintedProject> = loaded
        .into_iter()
        .map(|mut p| {
            // One selection, as Compose: the chosen profiles, else its default.
            p.project
                .enabled_profiles
                .get_or_insert_with(|| Selection::default_selection().profiles);
            let own = settings.for_project(&OsFs, &p.files())?;
            Ok(composelint::lint_loaded_with(p, own.platform, &own.options))
        })
        .collect::<Result<_, RunError>>()
        .map_err(|e| run_error(e, &cwd))?;
    let options = output_options(args, cwd, Some(Stream::Stderr));
    // Like `docker compose config`: diagnostics about loading go to stderr; a project that
    // cannot be loaded prints nothing on stdout.
    let fatal = linted.iter().any(|p| {
        // The issues of the one selection printed (a missing env file of a service it does
        // not start is none).
        let selection = Selection {
            profiles: p.project.enabled_profiles.clone().unwrap_or_default(),
        };
        let selected = composelint::compose::profiles::select(&p.project, &selection);
        let project = selected.as_ref().unwrap_or(&p.project);
        project.issues.iter().any(|i| i.is_fatal())
            || p.diagnostics
                .iter()
                .any(|d| rules::REFUSED_BY_COMPOSE.contains(&d.code))
    });
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
    Ok(if nothing_here { 2 } else { 0 })
}

/// `composelint rules`: code, name, default severity, fixes and summary of every rule.
fn list_rules(format: cli::RulesFormat) -> Result<u8, String> {
    print(&match format {
        cli::RulesFormat::Text => output::rules::table(rules::RULES),
        cli::RulesFormat::Json => output::rules::json(rules::RULES),
    })?;
    Ok(0)
}

/// `composelint rule CODE`: the rule's page, as in `docs/rules/CODE.md`.
fn show_rule(code: &str) -> Result<u8, String> {
    let rule = rules::find(code)
        .ok_or_else(|| format!("unknown rule `{code}` (see `composelint rules`)"))?;
    print(&rules::docs::page(rule))?;
    Ok(0)
}

/// `composelint server`: the language server on standard input and output, until the
/// client says `exit`.
fn serve() -> Result<u8, String> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let ended = composelint::server::run(&connection, std::sync::Arc::new(OsFs))?;
    // The writer thread ends once every sender is gone; the reader once the input does.
    drop(connection);
    let _ = io_threads.join();
    // The protocol's exit codes: 0 after `shutdown`, 1 without.
    Ok(u8::from(ended != composelint::server::Ended::Cleanly))
}

/// Writes to stdout; a closed pipe (`composelint | head`) is not an error.
fn print(text: &str) -> Result<(), String> {
    print_bytes(text.as_bytes())
}

/// [`print`] for bytes: a fixed file is printed as it is, whatever its encoding.
fn print_bytes(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}
