//! Command-line arguments. `check` is the default command: `composelint [PATHS]`.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use composelint::output::Format;

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
    ///
    /// Like Compose, it prints one profile selection: the `--profile` flags, else
    /// `COMPOSE_PROFILES`, else Compose's default (the services without profiles). As with
    /// Compose, what is wrong with the project goes to standard error, as composelint's
    /// findings; a project Compose would refuse prints nothing on standard output and exits 1.
    Config(ProjectArgs),
    /// List every rule: code, name, default severity, fixes and what it finds.
    Rules {
        /// Output format.
        #[arg(long, visible_alias = "output-format", value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Show the documentation of one rule.
    Rule {
        /// A rule code such as CMP004, or its name.
        code: String,
    },
    /// Run the language server (LSP over standard input and output) for editors.
    ///
    /// The `.composelint.yaml` found from each file upward applies; the client may pass
    /// `platform`, `select`, `ignore` and `unsafeFixes` as initialization options.
    Server,
    /// Draw who reaches whom: services, the Docker host, networks, each reference an edge.
    Graph(crate::graph_command::GraphArgs),
    /// Judge a URL as if SERVICE's container used it (exit 0 works, 1 does not).
    Explain(crate::graph_command::ExplainArgs),
}

/// How to find and load projects; shared by `check` and `config`.
#[derive(Debug, Args, Default, Clone)]
pub struct ProjectArgs {
    /// Files or directories to lint; directories are searched recursively. A compose or env
    /// file is linted with the project it belongs to; any other file is a compose file.
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
    /// Enable a profile, as `docker compose --profile` does (repeatable; `*` enables all).
    /// Without it (and without `COMPOSE_PROFILES`), `check` lints Compose's default selection
    /// and each declared profile, and names the profiles a finding needs; `config` prints the
    /// default selection, as Compose does.
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
    /// Also use the process environment (and `COMPOSE_FILE`, `COMPOSE_PROFILES`), as Compose
    /// does.
    #[arg(long)]
    pub process_env: bool,
    /// Which Docker the project must work on (any: both Linux Engine and Desktop; default:
    /// the configuration's `platform`, else Docker Desktop for commands written for
    /// PowerShell or cmd, else any).
    #[arg(long, value_enum)]
    pub platform: Option<PlatformChoice>,
    /// Read Docker commands from these kinds of file, besides compose projects: `shell`,
    /// `markdown` (comma-separated), or `none` (default: the configuration's `sources`, else
    /// both).
    #[arg(long, value_enum, value_name = "KINDS", value_delimiter = ',')]
    pub sources: Option<Vec<SourceChoice>>,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args, Default, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format (`--output-format`, ruff's name, is the same flag).
    #[arg(long, visible_alias = "output-format", value_parser = format_parser(), default_value = "human")]
    pub format: Format,
    /// The path standard input stands for, with `-` as PATH (default: compose.yaml); it is
    /// linted as if written there, beside the files on disk.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    #[command(flatten)]
    pub fix: FixArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Applying the rules' fixes.
#[derive(Debug, Args, Default, Clone)]
pub struct FixArgs {
    /// Apply safe fixes in place, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Also apply unsafe fixes with `--fix` or `--diff`; alone, show them as available.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the changes the fixes would make as a unified diff, and write nothing.
    #[arg(long, conflicts_with = "fix_only")]
    pub diff: bool,
    /// Apply fixes like `--fix` and print no remaining findings; exit 0 whatever remains.
    #[arg(long)]
    pub fix_only: bool,
    /// Exit 1 when `--fix` or `--fix-only` changed a file, even if nothing remains.
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,
    /// With `--fix` or `--fix-only`, list what was fixed in each file, by rule.
    #[arg(long)]
    pub show_fixes: bool,
}

impl FixArgs {
    /// Whether this run changes files or prints a diff instead of only checking.
    pub fn fixing(&self) -> bool {
        self.fix || self.diff || self.fix_only
    }
}

/// The configuration file and the flags that override it.
#[derive(Debug, Args, Default, Clone)]
pub struct ConfigArgs {
    /// Read the configuration from FILE instead of the `.composelint.yaml` found in the linted
    /// directory or above it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only these rules: codes, prefixes (`OLL`, `CMP00`) or ALL (replaces the
    /// configuration's `select`).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Do not report these rules: codes or prefixes (added to the configuration's `ignore`).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit 1 when a finding at or above this severity remains (default: warning).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityChoice>,
    /// Exit 0 even when findings remain (2 still means the run failed).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print how often each rule fired instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print only the findings: no summary line, nothing at all when there are none.
    #[arg(short, long)]
    pub quiet: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// List each project the paths yield, with the files it is made of and the configuration
    /// file it takes, and lint nothing.
    #[arg(long, conflicts_with_all = ["fix", "fix_only", "diff", "statistics"])]
    pub show_files: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityChoice {
    Error,
    Warning,
    Info,
}

/// How `composelint rules` prints the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RulesFormat {
    /// A table.
    #[default]
    Text,
    /// A JSON array, one object a rule.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PlatformChoice {
    #[default]
    Any,
    Linux,
    Desktop,
}

/// A kind of file read for Docker commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceChoice {
    /// Shell scripts (`*.sh`, `*.bash`, `*.zsh`, files with a shell shebang).
    Shell,
    /// Markdown documents' shell blocks (`*.md`, `*.mdx`, `*.markdown`).
    Markdown,
    /// None: compose projects only.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// `--format`: the library's formats, each with its description.
fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(
        Format::ALL.map(|f| PossibleValue::new(f.name()).help(f.description())),
    )
    .map(|name| Format::from_name(&name).unwrap_or_default())
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, got `{s}`")),
    }
}
