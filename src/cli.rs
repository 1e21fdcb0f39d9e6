//! Command-line arguments. `check` is the default command: `composelint [PATHS]`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "composelint",
    version,
    about = "Lint Docker Compose projects: follow every Ollama URL to what actually answers.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint compose projects (the default command).
    Check(CheckArgs),
    /// Print the resolved, merged project as `docker compose config --format json` would.
    Config(ProjectArgs),
    /// List every rule.
    Rules,
    /// Show the documentation of one rule.
    Rule {
        /// A rule code such as CMP004, or its name.
        code: String,
    },
}

/// How to find and load projects; shared by `check` and `config`.
#[derive(Debug, Args, Default, Clone)]
pub struct ProjectArgs {
    /// Files or directories to lint; directories are searched recursively.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Compose files forming one project, in order (like `docker compose -f`).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The project directory (default: the first compose file's directory).
    #[arg(long, value_name = "DIR")]
    pub project_directory: Option<PathBuf>,
    /// Read variables from these files instead of the project's `.env`.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Set a variable for interpolation (beats every env file).
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub env: Vec<(String, String)>,
    /// Also use the process environment (and `COMPOSE_FILE`), as Compose does.
    #[arg(long)]
    pub process_env: bool,
    /// Which Docker the project must work on (any: both Linux Engine and Desktop).
    #[arg(long, value_enum, default_value_t = PlatformChoice::Any)]
    pub platform: PlatformChoice,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args, Default, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The path standard input stands for, with `-` as PATH (default: compose.yaml); it is
    /// linted as if written there, beside the files on disk.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Findings drawn with their source lines.
    #[default]
    Human,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    /// A JSON array of findings.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// The GitLab Code Quality report.
    Gitlab,
    /// JUnit XML.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PlatformChoice {
    #[default]
    Any,
    Linux,
    Desktop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, got `{s}`")),
    }
}
