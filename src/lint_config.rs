//! The configuration file (`.composelint.yaml`): finding it, reading it into typed settings,
//! and merging it with the command line's flags into the [`LintOptions`] the linter applies.
//!
//! Like ruff's and hadolint's, the file is looked for in the linted directory and upward, up
//! to the repository root (a directory holding `.git`). Everything here goes through the
//! [`FileSystem`] trait; the binary reports the errors. Each project of a run takes the file
//! nearest to it ([`hierarchy`]).

pub mod hierarchy;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::LintedProject;
use crate::commands::CommandKinds;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fs::{EntryKind, FileSystem};
use crate::knowledge::Side;
use crate::knowledge::client::{PathKind, SchemeRule};
use crate::knowledge::extensions::{ClientVariable, Extensions, ImageGlob};
use crate::net::Platform;
use crate::rules::{self, RULES};
use crate::source::{Sources, Span};
use crate::yaml::{self, Limits, Node};

/// The names the file may have, in order of preference within one directory.
pub const CONFIG_FILE_NAMES: [&str; 4] = [
    ".composelint.yaml",
    ".composelint.yml",
    "composelint.yaml",
    "composelint.yml",
];

/// What the configuration changes about linting; the default changes nothing.
#[derive(Clone, Debug)]
pub struct LintOptions {
    /// Rule codes not reported.
    pub disabled: BTreeSet<&'static str>,
    /// Severities that replace a rule's default.
    pub severity: BTreeMap<&'static str, Severity>,
    /// In-house server images and client variables.
    pub ollama: Extensions,
    /// Paths not to lint.
    pub exclude: Exclude,
    /// The kinds of file read for Docker commands besides compose projects.
    pub sources: CommandKinds,
    /// A finding at or above it fails the run (exit 1).
    pub fail_on: Severity,
}

impl Default for LintOptions {
    fn default() -> LintOptions {
        LintOptions {
            disabled: BTreeSet::new(),
            severity: BTreeMap::new(),
            ollama: Extensions::default(),
            exclude: Exclude::default(),
            sources: CommandKinds::default(),
            fail_on: Severity::Warning,
        }
    }
}

impl LintOptions {
    /// Drops the findings of disabled rules and applies severity overrides.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| !self.disabled.contains(d.code));
        for d in diagnostics.iter_mut() {
            if let Some(severity) = self.severity.get(d.code) {
                d.severity = *severity;
            }
        }
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        !self.disabled.contains(code)
    }
}

/// Globs of paths not to lint, relative to the directory of the file that gave them.
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    base: PathBuf,
    set: Option<GlobSet>,
}

impl Exclude {
    /// Compiles `patterns` against `base`. A `*` stays within one path component; `**`
    /// crosses them.
    pub fn new(base: &Path, patterns: &[String]) -> Result<Exclude, String> {
        if patterns.is_empty() {
            return Ok(Exclude::default());
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            builder.add(compile_glob(pattern)?);
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        Ok(Exclude {
            base: crate::paths::normalize(base),
            set: Some(set),
        })
    }

    /// Whether `path` or a directory it lies in matches a glob. Paths outside the base
    /// directory are never excluded.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.set.is_some() && path.ancestors().any(|p| self.matches(p))
    }

    /// Whether `path` itself (not a directory above it) matches a glob.
    pub fn matches(&self, path: &Path) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        let path = crate::paths::normalize(path);
        path.strip_prefix(&self.base)
            .is_ok_and(|relative| !relative.as_os_str().is_empty() && set.is_match(relative))
    }
}

fn compile_glob(pattern: &str) -> Result<Glob, String> {
    // `./vendor` and `vendor/` mean the directory `vendor`, as in .gitignore habits.
    let trimmed = pattern.trim();
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Err("an empty exclude pattern would exclude nothing".into());
    }
    GlobBuilder::new(trimmed)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("`{pattern}` is not a valid glob: {}", e.kind()))
}

/// A configuration problem: the run stops (exit 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, or `None` for a command-line flag.
    pub path: Option<PathBuf>,
    /// 1-based line and column in the file, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl ConfigError {
    fn in_file(path: &Path, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: Some(path.to_path_buf()),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    fn flag(message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: None,
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", path.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A rule selector: `ALL`, a code prefix (`OLL`, `CMP00`), a full code or a rule name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Selector {
    All,
    /// Upper-case; a whole code is a prefix of itself.
    Prefix(String),
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, String> {
        let text = text.trim();
        if text == "ALL" {
            return Ok(Selector::All);
        }
        if let Some(rule) = rules::find(text) {
            return Ok(Selector::Prefix(rule.code.to_string()));
        }
        let upper = text.to_ascii_uppercase();
        if !upper.is_empty() && RULES.iter().any(|r| r.code.starts_with(&upper)) {
            Ok(Selector::Prefix(upper))
        } else {
            Err(format!(
                "unknown rule code or prefix `{text}` (see `composelint rules`)"
            ))
        }
    }

    pub fn matches(&self, code: &str) -> bool {
        match self {
            Selector::All => true,
            Selector::Prefix(p) => code.starts_with(p.as_str()),
        }
    }

    /// More specific selectors win over less specific ones (`OLL001` over `OLL` over `ALL`).
    fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Prefix(p) => p.len(),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::All => f.write_str("ALL"),
            Selector::Prefix(p) => f.write_str(p),
        }
    }
}

/// A severity as the file and the flags spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Info,
}

impl From<SeverityName> for Severity {
    fn from(s: SeverityName) -> Severity {
        match s {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Info => Severity::Info,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlatformName {
    Any,
    Linux,
    Desktop,
}

impl From<PlatformName> for Platform {
    fn from(p: PlatformName) -> Platform {
        match p {
            PlatformName::Any => Platform::Any,
            PlatformName::Linux => Platform::Linux,
            PlatformName::Desktop => Platform::Desktop,
        }
    }
}

/// The file as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rules to report (default: `ALL`).
    #[serde(default)]
    pub select: Option<Vec<String>>,
    /// Rules not to report.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severities replacing the rules' defaults, by code or prefix.
    #[serde(default)]
    pub severity: BTreeMap<String, SeverityName>,
    /// The lowest severity that fails the run (default: warning).
    #[serde(default)]
    pub fail_on: Option<SeverityName>,
    #[serde(default)]
    pub platform: Option<PlatformName>,
    /// Globs of paths not to lint, relative to the file's directory.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Env files read instead of each project's `.env`, relative to the file's directory.
    #[serde(default)]
    pub env_files: Vec<PathBuf>,
    #[serde(default)]
    pub ollama: OllamaConfig,
    /// The kinds of file read for Docker commands besides compose projects.
    #[serde(default)]
    pub sources: SourcesConfig,
}

/// The `sources:` section: each kind of file read for Docker commands, on or off (default:
/// on).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourcesConfig {
    /// Shell scripts: `*.sh`, `*.bash`, `*.zsh`, and files without an extension named on the
    /// command line whose shebang runs a shell.
    #[serde(default)]
    pub shell: Option<bool>,
    /// Markdown documents' shell blocks: `*.md`, `*.mdx`, `*.markdown`.
    #[serde(default)]
    pub markdown: Option<bool>,
}

impl SourcesConfig {
    fn kinds(&self) -> CommandKinds {
        let all = CommandKinds::ALL;
        CommandKinds {
            shell: self.shell.unwrap_or(all.shell),
            markdown: self.markdown.unwrap_or(all.markdown),
        }
    }
}

/// The `ollama:` section.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OllamaConfig {
    /// Images (`*` globs) that run an Ollama server as `ollama/ollama` does.
    #[serde(default)]
    pub server_images: Vec<String>,
    #[serde(default)]
    pub client_variables: Vec<ClientVariableConfig>,
}

/// An in-house variable holding an Ollama base URL.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientVariableConfig {
    pub name: String,
    /// What the URL's path must be (default: none, the app appends `/api/…` itself).
    #[serde(default)]
    pub path: PathForm,
    /// Whether the value needs `http://` (default: yes).
    #[serde(default)]
    pub scheme: SchemeForm,
    /// Who makes the request (default: the container).
    #[serde(default)]
    pub side: SideName,
    /// Several URLs in one value, split on this.
    #[serde(default)]
    pub list_separator: Option<String>,
}

/// The path a client variable's URL must have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum PathForm {
    /// No path: the app appends `/api/...` itself.
    #[default]
    #[serde(rename = "none")]
    None,
    /// Ends in `/api`.
    #[serde(rename = "/api", alias = "api")]
    Api,
    /// Ends in `/v1` (OpenAI-compatible).
    #[serde(rename = "/v1", alias = "v1")]
    V1,
    /// The app discards the path.
    #[serde(rename = "any")]
    Any,
}

impl From<PathForm> for PathKind {
    fn from(p: PathForm) -> PathKind {
        match p {
            PathForm::None => PathKind::None,
            PathForm::Api => PathKind::Api,
            PathForm::V1 => PathKind::V1,
            PathForm::Any => PathKind::Any,
        }
    }
}

/// Whether a client variable's value needs a scheme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum SchemeForm {
    /// `http://host:port`: the scheme is required (Ollama speaks plain HTTP).
    #[default]
    #[serde(rename = "http", alias = "required")]
    Http,
    /// `host:port` is accepted and means `http://host:port`, as in Ollama's own clients.
    #[serde(rename = "optional")]
    Optional,
}

impl From<SchemeForm> for SchemeRule {
    fn from(s: SchemeForm) -> SchemeRule {
        match s {
            SchemeForm::Http => SchemeRule::Required,
            SchemeForm::Optional => SchemeRule::Optional,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SideName {
    #[default]
    Server,
    Browser,
}

impl From<SideName> for Side {
    fn from(s: SideName) -> Side {
        match s {
            SideName::Server => Side::Server,
            SideName::Browser => Side::Browser,
        }
    }
}

/// A configuration file that was read.
#[derive(Clone, Debug)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub file: ConfigFile,
}

impl LoadedConfig {
    /// The directory relative paths in the file resolve against.
    pub fn directory(&self) -> PathBuf {
        self.path.parent().map(PathBuf::from).unwrap_or_default()
    }
}

/// The configuration file that applies to `start` (a directory): the first one found in it
/// or a directory above, stopping after the repository root (a directory holding `.git`).
pub fn discover(fs: &dyn FileSystem, start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        if let Some(file) = file_in(fs, dir) {
            return Some(file);
        }
        if crate::fs::is_repository_root(fs, dir) {
            return None;
        }
    }
    None
}

/// The configuration file in directory `dir` itself, if it holds one.
pub fn file_in(fs: &dyn FileSystem, dir: &Path) -> Option<PathBuf> {
    CONFIG_FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|candidate| fs.kind(candidate) == Some(EntryKind::File))
}

/// Reads and checks the file at `path`.
pub fn load_config(fs: &dyn FileSystem, path: &Path) -> Result<LoadedConfig, ConfigError> {
    let bytes = fs
        .read(path)
        .map_err(|e| ConfigError::in_file(path, format!("cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ConfigError::in_file(path, "the file is not valid UTF-8"))?;
    let file = parse_config(&text).map_err(|mut e| {
        e.path = Some(path.to_path_buf());
        e
    })?;
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        file,
    })
}

/// Parses the text of a configuration file (errors carry the line, not the path).
pub fn parse_config(text: &str) -> Result<ConfigFile, ConfigError> {
    let mut sources = Sources::new();
    let id = sources.add(PathBuf::new(), text.to_string());
    let file = sources.get(id);
    let at = |span: Span, message: String| {
        let place = file.line_col(span.start);
        ConfigError {
            path: None,
            line: Some(place.line),
            column: Some(place.column),
            message,
        }
    };
    // One spanned tree: the typed settings are read from it, so syntax errors, repeated keys
    // and values of the wrong type are placed exactly, and it later tells where a value that
    // reads well but means nothing (an unknown code) was written.
    let tree = yaml::parse(id, text, Limits::default());
    // An empty file (or one of comments only) is an empty configuration.
    let config: ConfigFile = match yaml::de::from_document::<Option<ConfigFile>>(&tree) {
        Ok(config) => config.unwrap_or_default(),
        Err(e) => {
            return Err(match e.span {
                Some(span) => at(span, e.describe()),
                None => ConfigError {
                    path: None,
                    line: None,
                    column: None,
                    message: e.describe(),
                },
            });
        }
    };
    let root = tree.documents.first();
    let node = |key: &str| root.and_then(|r| r.get(key));
    let item_span = |list: Option<&Node>, index: usize| {
        list.and_then(Node::as_sequence)
            .and_then(|items| items.get(index))
            .or(list)
            .map_or(Span::new(id, 0, 0), |n| n.span)
    };
    for key in ["select", "ignore"] {
        let list = match key {
            "select" => config.select.as_deref().unwrap_or_default(),
            _ => config.ignore.as_slice(),
        };
        for (index, text) in list.iter().enumerate() {
            if let Err(e) = Selector::parse(text) {
                return Err(at(item_span(node(key), index), format!("{key}: {e}")));
            }
        }
    }
    for code in config.severity.keys() {
        if let Err(e) = Selector::parse(code) {
            let span = node("severity")
                .and_then(|m| m.entry(code))
                .map(|entry| entry.key.span)
                .or(node("severity").map(|n| n.span))
                .unwrap_or(Span::new(id, 0, 0));
            return Err(at(span, format!("severity: {e}")));
        }
    }
    for (index, pattern) in config.exclude.iter().enumerate() {
        if let Err(e) = compile_glob(pattern) {
            return Err(at(
                item_span(node("exclude"), index),
                format!("exclude: {e}"),
            ));
        }
    }
    for (index, image) in config.ollama.server_images.iter().enumerate() {
        if let Err(e) = ImageGlob::parse(image) {
            let list = node("ollama").and_then(|o| o.get("server-images"));
            return Err(at(
                item_span(list, index),
                format!("ollama.server-images: {e}"),
            ));
        }
    }
    let variables = node("ollama").and_then(|o| o.get("client-variables"));
    for (index, variable) in config.ollama.client_variables.iter().enumerate() {
        let earlier = config
            .ollama
            .client_variables
            .get(..index)
            .unwrap_or_default();
        let problem = if variable.name.trim().is_empty() {
            Some("a variable needs a name".to_string())
        } else if earlier.iter().any(|v| v.name == variable.name) {
            Some(format!("`{}` is declared twice", variable.name))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(at(
                item_span(variables, index),
                format!("ollama.client-variables: {problem}"),
            ));
        }
    }
    Ok(config)
}

/// What the command line says; each given flag replaces the file's value.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--select` (comma-separated lists, already split).
    pub select: Option<Vec<String>>,
    /// `--ignore`: added to the file's `ignore` (or to `--select`'s choice).
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    pub platform: Option<Platform>,
    /// `--env-file` (absolute): replaces the file's `env-files`.
    pub env_files: Vec<PathBuf>,
    /// `--sources`: replaces the file's `sources`.
    pub sources: Option<CommandKinds>,
}

/// The configuration in force for a project: one file (or none) with the flags over it.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    /// The rules, severities, exclusions, sources, extensions and `fail-on`.
    pub options: LintOptions,
    /// The platform the flag or the file chose; None when neither did.
    pub platform: Option<Platform>,
    /// Env files to read instead of each project's `.env` (absolute).
    pub env_files: Vec<PathBuf>,
    /// The file the configuration came from.
    pub file: Option<PathBuf>,
}

impl Resolved {
    /// Puts the configuration into the settings of a run.
    pub fn apply_to(&self, settings: &mut crate::Settings) {
        settings.platform = self.platform;
        settings.load.env_files = self.env_files.clone();
        settings.options = self.options.clone();
    }
}

/// Merges the file (if any) with the flags: a flag given beats the file.
///
/// Rule selection works as in ruff: a `select` list starts over from the rules it names, an
/// `ignore` list removes rules, and when a rule matches both lists of one level the more
/// specific selector wins (`select: [OLL]` with `ignore: [OLL0]` and `select: [OLL001]`…).
/// The command line is a level above the file: `--select` replaces the file's selection,
/// `--ignore` removes from whatever is selected.
pub fn resolve(
    file: Option<&LoadedConfig>,
    overrides: &Overrides,
) -> Result<Resolved, ConfigError> {
    let mut resolved = Resolved::default();
    let empty = ConfigFile::default();
    let config = file.map_or(&empty, |f| &f.file);
    let directory = file.map(LoadedConfig::directory).unwrap_or_default();

    let mut enabled: BTreeSet<&'static str> = RULES.iter().map(|r| r.code).collect();
    let in_file = |message: String| ConfigError {
        path: file.map(|f| f.path.clone()),
        line: None,
        column: None,
        message,
    };
    let file_selectors = |list: &[String]| -> Result<Vec<Selector>, ConfigError> {
        list.iter()
            .map(|s| Selector::parse(s).map_err(in_file))
            .collect()
    };
    let file_select = match &config.select {
        Some(list) => Some(file_selectors(list)?),
        None => None,
    };
    let file_ignore = file_selectors(&config.ignore)?;
    if file_select.is_some() || !file_ignore.is_empty() {
        enabled = select_level(&enabled, file_select.as_deref(), &file_ignore);
    }
    let flag_selectors = |list: &[String], flag: &str| -> Result<Vec<Selector>, ConfigError> {
        list.iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| Selector::parse(s).map_err(|e| ConfigError::flag(format!("{flag}: {e}"))))
            .collect()
    };
    let flag_select = match &overrides.select {
        // `--select ''` would turn every rule off and pass whatever the files hold.
        Some(list) if list.iter().all(|s| s.trim().is_empty()) => {
            return Err(ConfigError::flag(
                "--select: names no rule (give codes, prefixes or ALL)",
            ));
        }
        Some(list) => Some(flag_selectors(list, "--select")?),
        None => None,
    };
    let flag_ignore = flag_selectors(&overrides.ignore, "--ignore")?;
    if flag_select.is_some() || !flag_ignore.is_empty() {
        enabled = select_level(&enabled, flag_select.as_deref(), &flag_ignore);
    }
    resolved.options.disabled = RULES
        .iter()
        .map(|r| r.code)
        .filter(|c| !enabled.contains(c))
        .collect();

    // The most specific selector decides each rule's severity.
    let severities: Vec<(Selector, SeverityName)> = config
        .severity
        .iter()
        .map(|(code, severity)| Ok((Selector::parse(code).map_err(in_file)?, *severity)))
        .collect::<Result<_, ConfigError>>()?;
    for rule in RULES {
        let chosen = severities
            .iter()
            .filter(|(s, _)| s.matches(rule.code))
            .max_by_key(|(s, _)| s.specificity());
        if let Some((_, severity)) = chosen {
            resolved
                .options
                .severity
                .insert(rule.code, (*severity).into());
        }
    }

    resolved.options.fail_on = overrides
        .fail_on
        .or(config.fail_on.map(Severity::from))
        .unwrap_or(Severity::Warning);
    resolved.platform = overrides.platform.or(config.platform.map(Platform::from));
    resolved.env_files = if overrides.env_files.is_empty() {
        config
            .env_files
            .iter()
            .map(|f| crate::paths::resolve(&directory, f))
            .collect()
    } else {
        overrides.env_files.clone()
    };
    resolved.options.exclude = Exclude::new(&directory, &config.exclude).map_err(in_file)?;
    resolved.options.sources = overrides.sources.unwrap_or(config.sources.kinds());
    resolved.options.ollama = Extensions {
        server_images: config
            .ollama
            .server_images
            .iter()
            .map(|p| ImageGlob::parse(p).map_err(in_file))
            .collect::<Result<_, _>>()?,
        client_variables: config
            .ollama
            .client_variables
            .iter()
            .map(|v| ClientVariable {
                name: v.name.clone(),
                scheme: v.scheme.into(),
                path: v.path.into(),
                side: v.side.into(),
                list_separator: v.list_separator.clone().filter(|s| !s.is_empty()),
            })
            .collect(),
    };
    resolved.file = file.map(|f| f.path.clone());
    Ok(resolved)
}

/// One level of selection over the rules `before` it enabled.
fn select_level(
    before: &BTreeSet<&'static str>,
    select: Option<&[Selector]>,
    ignore: &[Selector],
) -> BTreeSet<&'static str> {
    RULES
        .iter()
        .map(|r| r.code)
        .filter(|code| {
            let best = |list: &[Selector]| {
                list.iter()
                    .filter(|s| s.matches(code))
                    .map(Selector::specificity)
                    .max()
            };
            let ignored = best(ignore);
            match select {
                Some(select) => match (best(select), ignored) {
                    (Some(s), Some(i)) => s > i,
                    (Some(_), None) => true,
                    (None, _) => false,
                },
                None => before.contains(code) && ignored.is_none(),
            }
        })
        .collect()
}

/// Whether a project has a finding at or above its own configuration's `fail-on` (each
/// project fails the run by the file that governs it).
pub fn fails(projects: &[LintedProject]) -> bool {
    projects
        .iter()
        .any(|p| p.diagnostics.iter().any(|d| d.severity >= p.fail_on))
}

/// How often one rule fired (`--statistics`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
}

/// Findings counted per rule, most frequent first (then by code).
pub fn statistics(projects: &[LintedProject]) -> Vec<RuleCount> {
    let mut counts: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for d in projects.iter().flat_map(|p| &p.diagnostics) {
        counts
            .entry(d.code)
            .or_insert(RuleCount {
                code: d.code,
                name: d.rule,
                count: 0,
            })
            .count += 1;
    }
    let mut rows: Vec<RuleCount> = counts.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_the_line_and_the_key() {
        let e = parse_config("select: [OLL]\nselct: [CMP]\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("unknown field `selct`"), "{}", e.message);

        let e = parse_config("ollama:\n  server-images: [a/b]\n  client-vars: []\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("client-vars"), "{}", e.message);

        let e = parse_config("select:\n  - OLL\n  - XYZ9\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("XYZ9"), "{}", e.message);

        let e = parse_config("severity:\n  OLL001: fatal\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("fatal"), "{}", e.message);

        let e = parse_config("severity:\n  OLL001: info\n  XX: info\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(3)));
        assert!(e.message.contains("`XX`"), "{}", e.message);

        let e = parse_config("fail-on: 3\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.starts_with("fail-on"), "{}", e.message);

        let e = parse_config("select: OLL\n").unwrap_err();
        assert!(e.message.contains("select"), "{}", e.message);

        let e = parse_config("exclude:\n  - ok/*\n  - 'a/[b'\n").unwrap_err();
        assert_eq!(e.line, Some(3));

        let e =
            parse_config("ollama:\n  server-images:\n    - x/y\n    - 'a@sha256:1'\n").unwrap_err();
        assert_eq!(e.line, Some(4));

        let e = parse_config("select: [OLL]\nignore: []\nselect: [CMP]\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.contains("`select` is given twice"),
            "{}",
            e.message
        );

        let e = parse_config(
            "ollama:\n  client-variables:\n    - name: A\n    - name: B\n    - name: A\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(5));
        assert!(e.message.contains("`A` is declared twice"), "{}", e.message);

        let e = parse_config("select: [OLL\n").unwrap_err();
        assert!(e.line.is_some());
    }

    #[test]
    fn empty_files_configure_nothing() {
        assert!(parse_config("").unwrap().select.is_none());
        assert!(parse_config("# nothing yet\n").unwrap().ignore.is_empty());
    }

    #[test]
    fn selectors() {
        assert_eq!(Selector::parse("ALL"), Ok(Selector::All));
        assert_eq!(Selector::parse("oll"), Ok(Selector::Prefix("OLL".into())));
        assert_eq!(
            Selector::parse("loopback-in-container"),
            Ok(Selector::Prefix("OLL001".into()))
        );
        assert!(Selector::parse("OLL999").is_err());
        assert!(Selector::parse("").is_err());
        assert!(Selector::parse("all").is_err());
    }

    #[test]
    fn exclude_matches_files_and_directories_below_the_base() {
        let ex = Exclude::new(
            Path::new("/repo"),
            &[
                "vendor".into(),
                "examples/*/compose.yaml".into(),
                "**/old-*".into(),
            ],
        )
        .unwrap();
        assert!(ex.is_excluded(Path::new("/repo/vendor/x/compose.yaml")));
        assert!(ex.is_excluded(Path::new("/repo/examples/a/compose.yaml")));
        assert!(!ex.is_excluded(Path::new("/repo/examples/a/b/compose.yaml")));
        assert!(ex.is_excluded(Path::new("/repo/deep/old-stack/compose.yaml")));
        assert!(!ex.is_excluded(Path::new("/repo/app/compose.yaml")));
        assert!(!ex.is_excluded(Path::new("/elsewhere/vendor/compose.yaml")));
    }
}
