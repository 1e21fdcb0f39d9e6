//! `file:` URIs and the paths they name. Every byte outside the unreserved characters and
//! `/` is percent-encoded, as RFC 3986 requires of a path; decoding takes any encoding.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Uri {
    let mut text = String::from("file://");
    for &byte in path.as_os_str().as_encoded_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            text.push(char::from(byte));
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    // Only unreserved characters, `/` and escapes: always a valid URI.
    Uri::from_str(&text).expect("an encoded path is a valid URI")
}

/// The path a `file:` URI names, or None for another scheme or a remote host.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///p` and `file://localhost/p` are local; `file://host/p` is not.
    let path = match rest.strip_prefix("localhost") {
        Some(path) if path.starts_with('/') => path,
        _ if rest.starts_with('/') => rest,
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = decode(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes).ok().map(PathBuf::from)
    }
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_survive_the_round_trip() {
        for path in ["/p/compose.yaml", "/a b/é #1/.env", "/x/100%/c[1].yml"] {
            let uri = from_path(Path::new(path));
            assert_eq!(to_path(&uri).as_deref(), Some(Path::new(path)), "{uri:?}");
        }
        assert_eq!(
            from_path(Path::new("/a b/é")).as_str(),
            "file:///a%20b/%C3%A9"
        );
    }

    #[test]
    fn other_uris_name_no_path() {
        let uri = |s: &str| Uri::from_str(s).unwrap();
        assert_eq!(
            to_path(&uri("file://localhost/p/x.yaml")),
            Some(PathBuf::from("/p/x.yaml"))
        );
        // A lower-case escape decodes as well.
        assert_eq!(
            to_path(&uri("file:///p/%c3%a9")),
            Some(PathBuf::from("/p/é"))
        );
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/x")), None);
    }
}
