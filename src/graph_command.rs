//! `composelint graph` and `composelint explain`: the arguments, and the calls into the
//! library's [`composelint::graph`]. Both are read-only: `--fix` is accepted and changes
//! nothing.

use clap::{Args, ValueEnum};
use composelint::fs::OsFs;
use composelint::graph::{self, explain};

use crate::cli::{ConfigArgs, ProjectArgs};

#[derive(Debug, Args, Clone)]
pub struct GraphArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format: Mermaid (GitHub and GitLab draw it in Markdown), Graphviz DOT, JSON.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Accepted and ignored: a graph changes no file.
    #[arg(long, hide = true)]
    pub fix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum GraphFormat {
    #[default]
    Mermaid,
    Dot,
    Json,
}

#[derive(Debug, Args, Clone)]
pub struct ExplainArgs {
    /// The URL (or host:port) to judge, as typed into an app's settings.
    pub url: String,
    /// The service whose container would use it.
    #[arg(long, value_name = "SERVICE")]
    pub from: String,
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = ExplainFormat::Human)]
    pub format: ExplainFormat,
    /// Accepted and ignored: explaining changes no file.
    #[arg(long, hide = true)]
    pub fix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ExplainFormat {
    #[default]
    Human,
    Json,
}

/// `composelint graph`: exit 0, or 2 when the run fails.
pub fn graph(args: &GraphArgs) -> Result<u8, String> {
    let cwd = crate::cwd();
    let mut settings = crate::settings(&args.project, &cwd);
    crate::configure(&mut settings, &args.project, &ConfigArgs::default(), &cwd)?;
    let graph = graph::graph(&OsFs, &settings, &cwd).map_err(|e| e.to_string())?;
    if graph.projects.is_empty() {
        return Err("no compose project to draw".into());
    }
    crate::print(&match args.format {
        GraphFormat::Mermaid => graph::mermaid::render(&graph),
        GraphFormat::Dot => graph::dot::render(&graph),
        GraphFormat::Json => graph::json::render(&graph),
    })?;
    Ok(0)
}

/// `composelint explain`: exit 0 when the URL works, 1 when it does not, 2 when it cannot
/// be judged.
pub fn explain(args: &ExplainArgs) -> Result<u8, String> {
    let cwd = crate::cwd();
    let mut settings = crate::settings(&args.project, &cwd);
    crate::configure(&mut settings, &args.project, &ConfigArgs::default(), &cwd)?;
    let answer =
        explain::explain(&OsFs, &settings, &args.url, &args.from).map_err(|e| e.to_string())?;
    crate::print(&match args.format {
        ExplainFormat::Human => explain::render_human(&answer),
        ExplainFormat::Json => explain::render_json(&answer),
    })?;
    Ok(if answer.works { 0 } else { 1 })
}
