//! Compose documents written in Markdown: a `yaml`/`yml` block whose top level holds
//! `services:` ([`markdown::Document::compose`]) is linted as the compose project a reader who
//! saved it beside the document would run.
//!
//! Each block is a project of its own, named by a file set of the document and a marker
//! ([`file_set`]): its index among the document's compose blocks, which edits inside the
//! blocks leave as it was, so a fix can be checked by loading the same block again. The block
//! is loaded by the compose loader from the document's text with every byte outside the
//! block blanked (line breaks kept): every span is the document's own byte, so findings point
//! at the Markdown lines and fixes edit them in place. Once loaded, the file shows the
//! document's own text again ([`Sources::present_as`]).

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::comments::Comments;
use crate::compose::load::{LoadError, LoadOptions, load_project};
use crate::compose::model::Project;
use crate::fs::FileSystem;
use crate::fs::OverlayFs;
use crate::source::Sources;

use super::markdown;

/// What the second path of a block's file set starts with. No file's path holds a NUL byte,
/// so no real file set is taken for a block's.
const MARKER: &str = "\0compose block ";

/// The file set of the `index`th compose block of document `doc`.
pub fn file_set(doc: &Path, index: usize) -> Vec<PathBuf> {
    vec![doc.to_path_buf(), PathBuf::from(format!("{MARKER}{index}"))]
}

/// The document and block index a file set names, if it names a compose block.
pub fn block_of(files: &[PathBuf]) -> Option<(&Path, usize)> {
    let [doc, marker] = files else {
        return None;
    };
    let index = marker.to_str()?.strip_prefix(MARKER)?.parse().ok()?;
    Some((doc, index))
}

/// How many compose blocks document `text` holds (none when it is not UTF-8 text).
pub fn count(text: &[u8]) -> usize {
    // Every compose block has this key: a document without it is not parsed (nor checked
    // for UTF-8). The searcher is built once: building it costs more than searching a page.
    static SERVICES: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let services = SERVICES.get_or_init(|| memchr::memmem::Finder::new(b"services:"));
    if services.find(text).is_none() {
        return 0;
    }
    std::str::from_utf8(text).map_or(0, |text| markdown::read(text).compose.len())
}

/// Loads the `index`th compose block of document `doc` as a compose project.
pub fn load(
    fs: &dyn FileSystem,
    doc: &Path,
    index: usize,
    options: &LoadOptions,
) -> Result<(Project, Sources), LoadError> {
    let text = super::read_text(fs, doc)?;
    let document = markdown::read(&text);
    let block = document.compose.get(index).ok_or_else(|| LoadError {
        path: doc.to_path_buf(),
        message: format!("no compose block {}", index + 1),
    })?;
    let mut blanked = OverlayFs::new(fs);
    blanked.insert(
        doc.to_path_buf(),
        blank_outside(&text, block.content.clone()).into_bytes(),
    );
    let (mut project, mut sources) = load_project(&blanked, &[doc.to_path_buf()], options)?;
    project.document_block = Some(index);
    for service in &mut project.services {
        service.platform = block.platform;
    }
    // An example leaves out what the reader has: a name it lacks is not known to be wrong.
    project.partial = true;
    // Fixes that add structure read the documents as written from the file's text: parsed
    // now, from the block alone.
    let _ = project.written_documents(&sources);
    if let Some(&id) = project.files.first() {
        let yaml_comments = sources.get(id).comments().starts().unwrap_or_default();
        let mut starts: Vec<usize> = yaml_comments
            .iter()
            .copied()
            .chain(document.comments.iter().copied())
            .collect();
        starts.sort_unstable();
        let elsewhere = document
            .blocks
            .iter()
            .map(|b| b.fenced.clone())
            .chain(
                document
                    .compose
                    .iter()
                    .filter(|b| b.fenced != block.fenced)
                    .map(|b| b.fenced.clone()),
            )
            .collect();
        let comments = Comments::InCommands {
            starts,
            command_lines: Vec::new(),
            blocks: vec![block.fenced.clone()],
            elsewhere,
        };
        sources.present_as(id, text, comments);
    }
    Ok((project, sources))
}

/// `text` with every byte outside `keep` a blank, its line breaks kept: the same length and
/// lines, and no byte the YAML parser reads but the block's.
fn blank_outside(text: &str, keep: Range<usize>) -> String {
    let blank = |part: &str| -> String {
        part.bytes()
            .map(|b| if b == b'\n' { '\n' } else { ' ' })
            .collect()
    };
    let (before, rest) = text.split_at(keep.start.min(text.len()));
    let (kept, after) = rest.split_at((keep.end - keep.start).min(rest.len()));
    let mut out = String::with_capacity(text.len());
    out.push_str(&blank(before));
    out.push_str(kept);
    out.push_str(&blank(after));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    #[test]
    fn a_block_file_set_names_its_document_and_index() {
        let files = file_set(Path::new("/d/README.md"), 2);
        assert_eq!(block_of(&files), Some((Path::new("/d/README.md"), 2)));
        assert_eq!(block_of(&[PathBuf::from("/d/README.md")]), None);
        assert_eq!(
            block_of(&[PathBuf::from("/d/a.yaml"), PathBuf::from("/d/b.yaml")]),
            None
        );
    }

    #[test]
    fn blanking_keeps_every_offset_and_line() {
        let text = "é\r\n```yaml\nservices: {}\n```\nend";
        let start = text.find("services").unwrap();
        let end = text.find("```\nend").unwrap();
        let blanked = blank_outside(text, start..end);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, "   \n       \nservices: {}\n   \n   ");
    }

    #[test]
    fn a_block_loads_as_compose_with_spans_in_the_document() {
        let doc = "# Setup\n\n```yaml\nservices:\n  webui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://localhost:11434 # here\n```\n";
        let mut fs = MemFs::new();
        fs.insert("/d/README.md", doc);
        assert_eq!(count(doc.as_bytes()), 1);
        let (project, sources) =
            load(&fs, Path::new("/d/README.md"), 0, &LoadOptions::default()).expect("loads");
        assert!(project.document_block == Some(0) && project.partial);
        let file = sources.get(project.files[0]);
        assert_eq!(file.text, doc, "the document's own text is shown");
        let webui = project.service("webui").expect("the service");
        let url = webui.environment[0].value.as_ref().expect("a value");
        let span = url.primary_span().expect("a place");
        assert_eq!(&doc[span.start..span.end], "http://localhost:11434");
        assert_eq!(
            file.comments().starts(),
            Some(&[doc.find("# here").unwrap()][..])
        );
        assert!(load(&fs, Path::new("/d/README.md"), 1, &LoadOptions::default()).is_err());
    }
}
