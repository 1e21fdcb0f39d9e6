//! Image references (`[registry/]path[:tag][@digest]`) and the patterns profiles match them with.

/// An image reference split into its parts. Registry hosts are recognised as Docker does: the
/// first component before a `/` when it contains `.` or `:` or is `localhost`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub registry: Option<String>,
    /// Lower-cased repository path, without Docker Hub's implicit `library/`.
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits `reference`; `None` when no repository path is left.
    pub fn parse(reference: &str) -> Option<ImageRef> {
        let reference = reference.trim();
        let (name_tag, digest) = match reference.split_once('@') {
            Some((n, d)) => (n, Some(d.to_string())),
            None => (reference, None),
        };
        let last_slash = name_tag.rfind('/');
        let (name, tag) = match name_tag.rfind(':') {
            Some(colon) if last_slash.is_none_or(|slash| colon > slash) => (
                name_tag.get(..colon)?,
                Some(name_tag.get(colon + 1..)?.to_string()),
            ),
            _ => (name_tag, None),
        };
        let (registry, path) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_ascii_lowercase()), rest)
            }
            _ => (None, name),
        };
        let mut path = path.to_ascii_lowercase();
        let docker_hub = registry
            .as_deref()
            .is_none_or(|r| matches!(r, "docker.io" | "index.docker.io" | "registry-1.docker.io"));
        if docker_hub && let Some(stripped) = path.strip_prefix("library/") {
            path = stripped.to_string();
        }
        if path.is_empty() || path.split('/').any(str::is_empty) {
            return None;
        }
        Some(ImageRef {
            registry,
            path,
            tag,
            digest,
        })
    }
}

/// Whether a profile's `repository` is what [`ImagePattern`] compares with [`ImageRef::path`]:
/// lower case, without registry host, tag or digest (`pgvector/pgvector`, not
/// `docker.io/pgvector/pgvector:pg16`).
pub fn is_bare_repository(repo: &str) -> bool {
    let first = repo.split('/').next().unwrap_or("");
    repo == repo.to_ascii_lowercase()
        && !repo.contains(':')
        && !repo.contains('@')
        && !first.contains('.')
        && ImageRef::parse(repo).is_some_and(|parsed| parsed.path == repo)
}

/// Whether `word` is an image reference docker would take (distribution's reference
/// grammar): `[host[:port]/]path[:tag][@algorithm:hex]`, each path component lowercase letters
/// and digits joined by `.`, `_`, `__` or dashes, a tag of letters, digits, `_`, `.` and `-`
/// not starting with `.` or `-`. A placeholder (`...`, `<image>`, `IMAGE`, `$IMAGE`) is not.
pub fn is_reference(word: &str) -> bool {
    let (name_tag, digest) = match word.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (word, None),
    };
    let digest_ok = digest.is_none_or(|d| {
        d.split_once(':').is_some_and(|(algorithm, hex)| {
            !algorithm.is_empty()
                && algorithm
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+._-".contains(c))
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        })
    });
    let last_slash = name_tag.rfind('/');
    let (name, tag) = match name_tag.rfind(':') {
        Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
            (&name_tag[..colon], Some(&name_tag[colon + 1..]))
        }
        _ => (name_tag, None),
    };
    let tag_ok = tag.is_none_or(|t| {
        t.len() <= 128
            && t.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    });
    let mut components: Vec<&str> = name.split('/').collect();
    let first = components.first().copied().unwrap_or_default();
    let has_host = components.len() > 1
        && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_host {
        let host_ok = first.split(':').enumerate().all(|(i, part)| match i {
            0 => {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
            }
            1 => !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()),
            _ => false,
        });
        if !host_ok {
            return false;
        }
        components.remove(0);
    }
    let component_ok = |c: &str| {
        let edges =
            |ch: Option<char>| ch.is_some_and(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit());
        edges(c.chars().next())
            && edges(c.chars().last())
            && c.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
    };
    digest_ok && tag_ok && !components.is_empty() && components.into_iter().all(component_ok)
}

/// One image (or family of tags) a profile recognises.
#[derive(Clone, Copy, Debug)]
pub struct ImagePattern<'a> {
    /// Repository path without registry host, e.g. `open-webui/open-webui`. Any registry
    /// matches, and so does a mirror prefix (`harbor.example.com/hub/open-webui/open-webui`).
    pub repository: &'a str,
    /// Tag globs (`*` matches any run of characters); empty means every tag. A reference
    /// without a tag is `latest`.
    pub tags: &'a [String],
}

impl ImagePattern<'_> {
    pub fn matches(&self, image: &ImageRef) -> bool {
        self.matches_repository(image) && self.matches_tag(image.tag.as_deref())
    }

    pub fn matches_repository(&self, image: &ImageRef) -> bool {
        let repository = self.repository.to_ascii_lowercase();
        if image.path == repository {
            return true;
        }
        // A mirror keeps the upstream path under a prefix of its own; only believe that when
        // the pattern has an owner part and a registry host is written, so `someone/postgres`
        // never passes for `postgres`.
        image.registry.is_some()
            && repository.contains('/')
            && image
                .path
                .strip_suffix(repository.as_str())
                .is_some_and(|prefix| prefix.ends_with('/'))
    }

    pub fn matches_tag(&self, tag: Option<&str>) -> bool {
        if self.tags.is_empty() {
            return true;
        }
        let tag = tag.unwrap_or("latest");
        self.tags.iter().any(|glob| glob_matches(glob, tag))
    }
}

/// `*`-only globbing, case-sensitive like Docker tags.
pub(crate) fn glob_matches(glob: &str, text: &str) -> bool {
    let mut parts = glob.split('*');
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or(""),
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap()
    }

    #[test]
    fn parses_references() {
        let r = parse("docker.io/ollama/ollama:0.5");
        assert_eq!(r.registry.as_deref(), Some("docker.io"));
        assert_eq!(r.path, "ollama/ollama");
        assert_eq!(r.tag.as_deref(), Some("0.5"));

        let r = parse("localhost:5000/ollama/ollama");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.path, "ollama/ollama");
        assert_eq!(r.tag, None);

        let r = parse("ollama/ollama:0.32.14@sha256:9d30");
        assert_eq!(r.tag.as_deref(), Some("0.32.14"));
        assert_eq!(r.digest.as_deref(), Some("sha256:9d30"));

        assert_eq!(parse("docker.io/library/redis:alpine").path, "redis");
        assert_eq!(parse("nginx").path, "nginx");
        assert_eq!(parse("quay.io/library/x").path, "library/x");
        assert_eq!(ImageRef::parse(""), None);
        assert_eq!(ImageRef::parse("registry.example.com/"), None);
        assert_eq!(ImageRef::parse(":tag"), None);
    }

    #[test]
    fn globs() {
        assert!(glob_matches("ollama", "ollama"));
        assert!(glob_matches("*-ollama", "main-ollama"));
        assert!(glob_matches("*-ollama", "v0.5.4-ollama"));
        assert!(!glob_matches("*-ollama", "ollama"));
        assert!(!glob_matches("*-ollama", "main"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*b*c", "a-b-c"));
        assert!(!glob_matches("a*b*c", "a-c-b"));
        assert!(glob_matches("v*", "v1"));
    }

    #[test]
    fn mirror_prefix_needs_registry_and_owner() {
        let p = ImagePattern {
            repository: "open-webui/open-webui",
            tags: &[],
        };
        assert!(p.matches(&parse("harbor.example.com/hub/open-webui/open-webui:main")));
        assert!(!p.matches(&parse("hub/open-webui/open-webui")));
        assert!(!p.matches(&parse("ghcr.io/open-webui/open-webui-pipelines")));
        let single = ImagePattern {
            repository: "postgres",
            tags: &[],
        };
        assert!(single.matches(&parse("docker.io/library/postgres:16")));
        assert!(!single.matches(&parse("ghcr.io/someone/postgres")));
    }

    #[test]
    fn references_docker_takes_and_placeholders_it_does_not() {
        for ok in [
            "ollama/ollama",
            "ollama/ollama:0.5.7",
            "ghcr.io/open-webui/open-webui:main",
            "localhost:5000/team/app_x:v1.2-rc",
            "registry.example/a__b/c-d.e",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "alpine",
        ] {
            assert!(is_reference(ok), "{ok}");
        }
        for placeholder in [
            "...",
            "<image>",
            "IMAGE",
            "$IMAGE",
            "${IMAGE}",
            "my-image:",
            "-image",
            "ollama/",
            "ollama/ollama:-x",
            "host:port/app",
        ] {
            assert!(!is_reference(placeholder), "{placeholder}");
        }
    }
}
