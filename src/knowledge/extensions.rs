//! Knowledge the user adds through the configuration: in-house images that run an Ollama
//! server, and in-house variables whose value is an Ollama base URL.
//!
//! The compiled-in tables cannot know a company's own `registry.corp/llm/ollama-gpu` image or
//! its apps' `CHATBOT_LLM_URL`; without being told, composelint sees no server there (or no
//! reference), and reports nothing it cannot stand behind.

use super::client::{PathKind, SchemeRule};
use super::image::{ImageRef, glob_matches};
use super::server::ServerMatch;
use super::{Side, ollama};

/// What the configuration adds to the compiled-in tables. Empty by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extensions {
    /// Images that run an Ollama server as the official image does.
    pub server_images: Vec<ImageGlob>,
    /// Variables that hold an Ollama URL, with the form their app expects.
    pub client_variables: Vec<ClientVariable>,
}

impl Extensions {
    /// The Ollama server an in-house image runs: it is taken to behave as the official
    /// `ollama/ollama` image (same entrypoint, listen default and data directory).
    pub fn server_for_image(&self, image: &str) -> Option<ServerMatch> {
        let image = ImageRef::parse(image)?;
        if !self.server_images.iter().any(|g| g.matches(&image)) {
            return None;
        }
        ollama().matches_image(OFFICIAL_IMAGE)
    }

    /// The in-house variable called `name` (names are case-sensitive, as in a container).
    pub fn client_variable(&self, name: &str) -> Option<&ClientVariable> {
        self.client_variables.iter().find(|v| v.name == name)
    }
}

/// The image in-house server images stand for.
const OFFICIAL_IMAGE: &str = "ollama/ollama";

/// An image pattern: `[registry/]path[:tag]`, each part with `*` globs. Without a registry any
/// registry matches; without a tag any tag does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageGlob {
    pub text: String,
    registry: Option<String>,
    path: String,
    tag: Option<String>,
}

impl ImageGlob {
    pub fn parse(text: &str) -> Result<ImageGlob, String> {
        let parsed = ImageRef::parse(text)
            .ok_or_else(|| format!("`{text}` is not an image name such as `registry/path:tag`"))?;
        if parsed.digest.is_some() {
            return Err(format!(
                "`{text}`: a digest names one image build; give the name (and tag) instead"
            ));
        }
        Ok(ImageGlob {
            text: text.trim().to_string(),
            registry: parsed.registry,
            path: parsed.path,
            tag: parsed.tag.filter(|t| !t.is_empty()),
        })
    }

    pub fn matches(&self, image: &ImageRef) -> bool {
        let registry_fits = match (&self.registry, &image.registry) {
            (None, _) => true,
            (Some(want), Some(have)) => glob_matches(want, have),
            (Some(_), None) => false,
        };
        let tag_fits = match &self.tag {
            None => true,
            Some(glob) => glob_matches(glob, image.tag.as_deref().unwrap_or("latest")),
        };
        registry_fits && tag_fits && glob_matches(&self.path, &image.path)
    }
}

/// A variable whose value is an Ollama URL, and what its app expects of it (the same terms as
/// a client profile's settings, [`super::UrlVar`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientVariable {
    pub name: String,
    /// `Required` (`http://host:port`) or `Optional` (`host:port` means `http://host:port`).
    pub scheme: SchemeRule,
    /// `None` (the app appends `/api/…`), `Api`, `V1` (OpenAI-compatible) or `Any`.
    pub path: PathKind,
    pub side: Side,
    /// Several URLs in one value, split on this.
    pub list_separator: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap()
    }

    #[test]
    fn image_globs() {
        let g = ImageGlob::parse("registry.corp/llm/ollama-gpu").unwrap();
        assert!(g.matches(&image("registry.corp/llm/ollama-gpu")));
        assert!(g.matches(&image("registry.corp/llm/ollama-gpu:1.4")));
        assert!(!g.matches(&image("llm/ollama-gpu")));
        assert!(!g.matches(&image("other.corp/llm/ollama-gpu")));
        assert!(!g.matches(&image("registry.corp/llm/ollama-gpu-tools")));

        let g = ImageGlob::parse("*.corp/llm/ollama-*:cuda*").unwrap();
        assert!(g.matches(&image("registry.corp/llm/ollama-gpu:cuda12")));
        assert!(!g.matches(&image("registry.corp/llm/ollama-gpu:rocm")));
        assert!(!g.matches(&image("registry.corp/llm/ollama-gpu")));

        let g = ImageGlob::parse("acme/ollama").unwrap();
        assert!(g.matches(&image("acme/ollama:0.5")));
        assert!(g.matches(&image("ghcr.io/acme/ollama")));

        assert!(ImageGlob::parse("").is_err());
        assert!(ImageGlob::parse("acme/ollama@sha256:abc").is_err());
    }

    #[test]
    fn an_in_house_image_runs_the_official_server() {
        let ext = Extensions {
            server_images: vec![ImageGlob::parse("registry.corp/llm/ollama-gpu").unwrap()],
            client_variables: Vec::new(),
        };
        let m = ext
            .server_for_image("registry.corp/llm/ollama-gpu:2")
            .unwrap();
        assert_eq!(m.server.id, "ollama");
        assert!(!m.is_bundled());
        assert!(ext.server_for_image("registry.corp/llm/other").is_none());
        assert!(
            Extensions::default()
                .server_for_image("ollama/ollama")
                .is_none()
        );
    }
}
