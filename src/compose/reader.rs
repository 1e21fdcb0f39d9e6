//! Every file a project reads goes through here, so that the same bytes get the same findings
//! wherever they are named from: compose files, the project's `.env` or `--env-file`, an
//! included project's env files, a service's `env_file`, a build's Dockerfile.
//!
//! - Text that is not valid UTF-8 is read lossily and reported where it stops being valid.
//! - An env file that is missing is read from a template beside it (`.env.example` for
//!   `.env`; repositories commit those instead), and the template's use is recorded.
//! - An env file's syntax errors and the variables its values name but nothing sets are
//!   recorded as load issues; the dotenv parser itself skips a leading BOM.

use std::path::{Path, PathBuf};

use crate::comments::Comments;
use crate::dotenv::{self, DotenvEntry};
use crate::fs::{EntryKind, FileSystem};
use crate::source::{FileId, FileKind, Sources, Span};
use crate::text::Text;

use super::issues::LoadIssue;
use super::model::TemplateUse;

/// Files that stand in for a missing `.env` (repositories commit these instead; mattermost's
/// docker repository has its users `cp env.example .env`).
pub const ENV_TEMPLATES: [&str; 6] = [
    ".env.example",
    ".env.sample",
    "example.env",
    ".env.template",
    ".env.dist",
    "env.example",
];

/// The most an env file may hold. Real ones are a few kilobytes; a larger one is a mistake
/// (a binary, a log) or an attack, and parsing it would cost many times its size.
pub const MAX_ENV_FILE_BYTES: usize = 16 << 20;

pub(crate) struct Reader<'a> {
    fs: &'a dyn FileSystem,
    pub sources: Sources,
    pub issues: Vec<LoadIssue>,
    /// Templates read in place of missing env files.
    pub templates_used: Vec<TemplateUse>,
}

/// What was found for an env file.
pub(crate) enum EnvFile {
    /// The file, or the template standing in for it, was read.
    Read(FileId),
    /// Neither the file nor a template for it exists.
    Missing,
    /// It exists but could not be read (the reason).
    Unreadable(String),
}

impl<'a> Reader<'a> {
    pub fn new(fs: &'a dyn FileSystem) -> Self {
        Reader {
            fs,
            sources: Sources::new(),
            issues: Vec::new(),
            templates_used: Vec::new(),
        }
    }

    pub fn is_file(&self, path: &Path) -> bool {
        self.fs.kind(path) == Some(EntryKind::File)
    }

    /// Reads a file once; invalid UTF-8 is read lossily and reported where it starts.
    pub fn read(&mut self, path: &Path) -> Result<FileId, String> {
        self.read_at_most(path, usize::MAX)
    }

    /// [`Reader::read`] for a file that must be at most `limit` bytes: a larger one is kept
    /// empty and reported, so that nothing downstream holds or quotes its text.
    fn read_at_most(&mut self, path: &Path, limit: usize) -> Result<FileId, String> {
        if let Some(id) = self.sources.find(path) {
            return Ok(id);
        }
        let bytes = self.fs.read(path).map_err(|e| e.to_string())?;
        if bytes.len() > limit {
            let id = self.sources.add(path.to_path_buf(), String::new());
            self.issues.push(LoadIssue::Syntax {
                span: Span::new(id, 0, 0),
                message: format!(
                    "the file is {} MB, more than the {} MB an env file may have: it is not read",
                    bytes.len() >> 20,
                    limit >> 20
                ),
            });
            return Ok(id);
        }
        let (text, bad_at) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let id = self.sources.add(path.to_path_buf(), text);
        if let Some(at) = bad_at {
            let at = at.min(self.sources.get(id).text.len());
            self.issues.push(LoadIssue::Syntax {
                span: Span::new(id, at, at),
                message: format!("the file is not valid UTF-8 (invalid byte at offset {at})"),
            });
        }
        Ok(id)
    }

    /// An env file, or the template beside it when it is missing.
    pub fn env_file(&mut self, path: &Path) -> EnvFile {
        match self.env_file_itself(path) {
            EnvFile::Missing => {
                let Some(template) = find_template(self.fs, path) else {
                    return EnvFile::Missing;
                };
                self.templates_used.push(TemplateUse {
                    missing: path.to_path_buf(),
                    template: template.clone(),
                });
                self.env_file_itself(&template)
            }
            found => found,
        }
    }

    /// An env file, never a template in its place (`docker run --env-file` reads none).
    pub fn env_file_itself(&mut self, path: &Path) -> EnvFile {
        // A device or FIFO (`/dev/zero`) is there, and no env file: never read, and not
        // reported as missing either.
        if self.fs.kind(path) == Some(EntryKind::Other) {
            return EnvFile::Unreadable("not a regular file".into());
        }
        if !self.is_file(path) {
            return EnvFile::Missing;
        }
        match self.read_at_most(path, MAX_ENV_FILE_BYTES) {
            Ok(id) => EnvFile::Read(id),
            Err(reason) => EnvFile::Unreadable(reason),
        }
    }

    /// The entries of an env file already read, its values interpolated with `lookup` (not
    /// for a service's `format: raw` file); syntax errors and unset variables are recorded.
    /// The file's kind and the comments its parser saw are recorded with it.
    pub fn env_entries(
        &mut self,
        id: FileId,
        kind: FileKind,
        lookup: &dyn Fn(&str) -> Option<Text>,
    ) -> Vec<DotenvEntry> {
        let file = self.sources.get(id);
        let (parsed, comments) = match kind {
            FileKind::ServiceEnv { raw: true } => dotenv::parse_raw_with_comments(file),
            _ => dotenv::parse_with_comments(file, lookup),
        };
        self.sources.record(id, kind, comments);
        match parsed {
            Ok(parsed) => {
                self.record_unset(&parsed.unset);
                parsed.entries
            }
            Err(e) => {
                self.issues.push(LoadIssue::DotenvSyntax {
                    span: e.span,
                    message: e.message,
                });
                Vec::new()
            }
        }
    }

    pub fn record_unset(&mut self, unset: &[(crate::interpolate::UnsetVariable, Span)]) {
        for (var, span) in unset {
            self.issues.push(LoadIssue::UndefinedVariable {
                name: var.name.clone(),
                span: *span,
            });
        }
    }

    /// A build's Dockerfile, when it is a readable text file (only read to tell what the
    /// image runs; its encoding is not the project's concern, so nothing is reported).
    pub fn dockerfile(&mut self, path: &Path) -> Option<FileId> {
        if let Some(id) = self.sources.find(path) {
            return Some(id);
        }
        if !self.is_file(path) {
            return None;
        }
        let text = String::from_utf8(self.fs.read(path).ok()?).ok()?;
        let id = self.sources.add(path.to_path_buf(), text);
        self.sources
            .record(id, FileKind::Dockerfile, Comments::Unknown);
        Some(id)
    }
}

/// The most a mounted config file may hold to be read: app config files are small, and a
/// larger file is not followed (nothing is reported; the app's default is then not assumed).
pub const MAX_MOUNTED_CONFIG_BYTES: usize = 1 << 20;

impl Reader<'_> {
    /// A YAML file bind-mounted into a service, when it is a readable UTF-8 file of at most
    /// [`MAX_MOUNTED_CONFIG_BYTES`], parsed without errors: its first document. The file is
    /// the app's, not the project's, so nothing about it is reported.
    pub fn mounted_config(&mut self, path: &Path) -> Option<crate::yaml::Node> {
        let id = self.mounted_file(path, |_| Comments::Unknown)?;
        let parsed = crate::yaml::parse(
            id,
            &self.sources.get(id).text,
            crate::yaml::Limits::default(),
        );
        if !parsed.errors.is_empty() {
            return None;
        }
        parsed.documents.into_iter().next()
    }

    /// A file bind-mounted into a service, as [`Reader::mounted_config`] reads it, as text;
    /// `comments` finds where its comments start, for suppression comments in it.
    pub fn mounted_text(&mut self, path: &Path, comments: fn(&str) -> Vec<usize>) -> Option<Text> {
        let id = self.mounted_file(path, |text| Comments::At(comments(text)))?;
        let text = &self.sources.get(id).text;
        Some(Text::from_file(
            text.clone(),
            Span::new(id, 0, text.len()),
            true,
        ))
    }

    /// The files directly in a directory bind-mounted into a service whose names end with
    /// `suffix`, in name order; none when it is not a directory.
    pub fn mounted_directory(&self, path: &Path, suffix: &str) -> Vec<PathBuf> {
        if self.fs.kind(path) != Some(EntryKind::Dir) {
            return Vec::new();
        }
        self.fs
            .read_dir(path)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(suffix))
            })
            .collect()
    }

    /// A mounted file's id, read once: a readable UTF-8 file of at most
    /// [`MAX_MOUNTED_CONFIG_BYTES`] that the project reads as nothing else, with its
    /// comments as `comments` finds them.
    fn mounted_file(&mut self, path: &Path, comments: impl Fn(&str) -> Comments) -> Option<FileId> {
        let id = match self.sources.find(path) {
            Some(id) => id,
            None => {
                if !self.is_file(path) {
                    return None;
                }
                let bytes = self.fs.read(path).ok()?;
                if bytes.len() > MAX_MOUNTED_CONFIG_BYTES {
                    return None;
                }
                let text = String::from_utf8(bytes).ok()?;
                let found = comments(&text);
                let id = self.sources.add(path.to_path_buf(), text);
                self.sources.record(id, FileKind::MountedConfig, found);
                id
            }
        };
        (self.sources.get(id).kind() == Some(FileKind::MountedConfig)).then_some(id)
    }
}

/// The first template beside a missing env file, e.g. `.env.example` for `.env`.
pub(super) fn find_template(fs: &dyn FileSystem, missing: &Path) -> Option<PathBuf> {
    let dir = missing.parent()?;
    let name = missing.file_name()?.to_string_lossy().into_owned();
    let candidates: Vec<String> = if name == ".env" {
        ENV_TEMPLATES.iter().map(|s| s.to_string()).collect()
    } else {
        let stem = name.strip_suffix(".env").unwrap_or(&name).to_string();
        vec![
            format!("{name}.example"),
            format!("{name}.sample"),
            format!("{name}.template"),
            format!("{name}.dist"),
            format!("{stem}.example.env"),
            format!("{stem}.sample.env"),
        ]
    };
    candidates
        .into_iter()
        .map(|c| dir.join(c))
        .find(|p| fs.kind(p) == Some(EntryKind::File))
}
