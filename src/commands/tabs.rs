//! The tab a Markdown line is in, and the platform its label names. Install pages put the
//! commands for each system in tabs rather than under headings: MkDocs content tabs
//! (`=== "Linux"`, pymdownx `tabbed`), Docusaurus (`<TabItem value="mac" label="macOS">`),
//! Mintlify and others (`<Tab title="Windows">`) and Nextra (`<Tabs items={['Linux', 'Mac',
//! 'Windows']}>`, whose `<Tabs.Tab>`s take the labels in order). A tab's label says where its
//! commands run as a heading's title does.

use crate::net::Platform;

use super::markdown::heading_platform;

/// The tabs open at a point of a document.
#[derive(Default)]
pub(super) struct Tabs {
    /// Nextra's open `<Tabs items={…}>`: their labels, and how many of their tabs opened.
    lists: Vec<(Vec<String>, usize)>,
    /// The label of the tab the text is in.
    label: Option<String>,
    /// The label comes from an MkDocs `=== "…"` line, which ends at the next line that is
    /// not indented under it.
    mkdocs: bool,
}

impl Tabs {
    /// Takes in a line outside fenced blocks.
    pub(super) fn line(&mut self, line: &str) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let text = line.trim();
        if self.mkdocs && indent == 0 && !text.is_empty() && !text.starts_with("===") {
            self.label = None;
            self.mkdocs = false;
        }
        if let Some(rest) = text.strip_prefix("=== ") {
            self.label = Some(rest.trim().trim_matches(['"', '\'']).to_string());
            self.mkdocs = true;
        } else if text.starts_with("<Tabs.Tab") {
            self.label = self.lists.last_mut().and_then(|(labels, opened)| {
                *opened += 1;
                labels.get(*opened - 1).cloned()
            });
        } else if text.starts_with("<Tabs") {
            self.lists
                .push((list_attribute(text, "items").unwrap_or_default(), 0));
        } else if text.starts_with("</Tabs>") {
            self.lists.pop();
            self.label = None;
        } else if text.starts_with("<TabItem") || text.starts_with("<Tab ") {
            self.label = ["label", "title", "value"]
                .into_iter()
                .find_map(|name| attribute(text, name));
        } else if text.starts_with("</TabItem>")
            || text.starts_with("</Tab>")
            || text.starts_with("</Tabs.Tab>")
        {
            self.label = None;
        }
    }

    /// A heading ends an MkDocs tab.
    pub(super) fn heading(&mut self) {
        if self.mkdocs {
            self.label = None;
            self.mkdocs = false;
        }
    }

    /// The platform the label of the tab the text is in names, if any.
    pub(super) fn platform(&self) -> Option<Platform> {
        self.label.as_deref().and_then(heading_platform)
    }
}

/// The value of attribute `name="…"` (or `'…'`) of a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

/// The strings of a list attribute, `items={['Linux', "Mac"]}`.
fn list_attribute(tag: &str, name: &str) -> Option<Vec<String>> {
    let at = tag.find(&format!("{name}={{["))? + name.len() + 3;
    let list = &tag[at..at + tag[at..].find(']')?];
    Some(
        list.split(',')
            .map(|item| item.trim().trim_matches(['"', '\'']).to_string())
            .filter(|item| !item.is_empty())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platforms(text: &str) -> Vec<Option<Platform>> {
        let mut tabs = Tabs::default();
        text.lines()
            .map(|line| {
                tabs.line(line);
                tabs.platform()
            })
            .collect()
    }

    #[test]
    fn nextra_docusaurus_and_mkdocs_tabs_name_platforms() {
        let text = "<Tabs items={['Linux', 'Mac', 'Windows']} defaultIndex=\"0\">\n<Tabs.Tab>\nx\n</Tabs.Tab>\n<Tabs.Tab>\nx\n</Tabs.Tab>\n</Tabs>\n\
                    <TabItem value=\"win\" label=\"Windows\">\nx\n</TabItem>\n\
                    === \"Linux\"\n    x\ntext\n";
        use Platform::{Desktop, Linux};
        assert_eq!(
            platforms(text),
            vec![
                None,
                Some(Linux),
                Some(Linux),
                None,
                Some(Desktop),
                Some(Desktop),
                None,
                None,
                Some(Desktop),
                Some(Desktop),
                None,
                Some(Linux),
                Some(Linux),
                None,
            ]
        );
    }
}
