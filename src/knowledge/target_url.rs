//! A URL (or `host:port`) as a user wrote it, split into parts that keep their byte ranges,
//! so a finding can point at the host or the port and a fix can replace just that part.

use std::ops::Range;

use super::client::SchemeRule;
use super::ollama_host::OLLAMA_DEFAULT_PORT;

/// A URL (or `host:port`) as written, with the byte range of each part in the written text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetUrl {
    pub scheme: Option<String>,
    pub host: String,
    /// The port as written; None when left out.
    pub port: Option<u16>,
    pub path: String,
    pub scheme_range: Option<Range<usize>>,
    pub host_range: Range<usize>,
    pub port_range: Option<Range<usize>>,
    pub path_range: Range<usize>,
}

impl TargetUrl {
    /// Reads `http://host:port/path`, `host:port` or `host`. None for text that is not an
    /// address (a model name, a boolean, a sentence).
    pub fn parse(s: &str) -> Option<TargetUrl> {
        TargetUrl::read(s, false).and_then(|mut hosts| hosts.pop())
    }

    /// Reads a URL whose authority may list several hosts, each with its own port
    /// (`mongodb://user:pw@mongo1:27017,mongo2:27017/db`, facts F-KIND-MONGO): one
    /// [`TargetUrl`] per host, each with its own host and port ranges and the scheme and path
    /// of the whole. None when any host is not an address, or without a scheme.
    pub fn parse_hosts(s: &str) -> Option<Vec<TargetUrl>> {
        TargetUrl::read(s, true).filter(|hosts| hosts.iter().all(|u| u.scheme.is_some()))
    }

    fn read(s: &str, list: bool) -> Option<Vec<TargetUrl>> {
        let (scheme, scheme_range, rest_start) = match s.find("://") {
            Some(i) => {
                let scheme = &s[..i];
                if scheme.is_empty()
                    || !scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                {
                    return None;
                }
                (Some(scheme.to_ascii_lowercase()), Some(0..i), i + 3)
            }
            None => (None, None, 0),
        };
        let rest = &s[rest_start..];
        let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_len];
        let path_start = rest_start + authority_len;
        let path_end = s[path_start..]
            .find(['?', '#'])
            .map_or(s.len(), |i| path_start + i);
        // Credentials before `@` are not part of the address.
        let host_start_in_auth = authority.rfind('@').map_or(0, |i| i + 1);
        let hosts = &authority[host_start_in_auth..];
        let mut base = rest_start + host_start_in_auth;
        let mut out = Vec::new();
        let items: Vec<&str> = if list {
            hosts.split(',').collect()
        } else {
            vec![hosts]
        };
        for hostport in items {
            let HostPort {
                host: host_range,
                port,
                port_range,
            } = host_and_port(s, hostport, base)?;
            base += hostport.len() + 1;
            // Without a scheme, only `host:port` reads as an address; a lone word does not.
            if scheme.is_none() && port_range.is_none() {
                return None;
            }
            out.push(TargetUrl {
                scheme: scheme.clone(),
                host: s[host_range.clone()].to_string(),
                port,
                path: s[path_start..path_end].to_string(),
                scheme_range: scheme_range.clone(),
                host_range,
                port_range,
                path_range: path_start..path_end,
            });
        }
        Some(out)
    }

    /// Reads a value an Ollama-style parser takes (`OLLAMA_HOST`): also a bare host.
    pub fn parse_lenient(s: &str) -> Option<TargetUrl> {
        TargetUrl::parse(s).or_else(|| {
            let valid = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            valid.then(|| TargetUrl {
                scheme: None,
                host: s.to_string(),
                port: None,
                path: String::new(),
                scheme_range: None,
                host_range: 0..s.len(),
                port_range: None,
                path_range: s.len()..s.len(),
            })
        })
    }

    /// The port a client connects to: the written one, else the scheme's default (Ollama's
    /// own parsers use 11434 when there is no scheme either).
    pub fn effective_port(&self, scheme_rule: SchemeRule) -> u16 {
        self.port.unwrap_or_else(|| self.scheme_port(scheme_rule))
    }

    /// The port an Ollama client dials when the URL writes none.
    pub fn scheme_port(&self, scheme_rule: SchemeRule) -> u16 {
        match self.scheme.as_deref() {
            Some("https") => 443,
            Some(_) => 80,
            None if scheme_rule == SchemeRule::Optional => OLLAMA_DEFAULT_PORT,
            None => 80,
        }
    }
}

/// One `host[:port]` of an authority: the host's range, the port and the port's range.
struct HostPort {
    host: Range<usize>,
    port: Option<u16>,
    port_range: Option<Range<usize>>,
}

/// The host and port of one `host[:port]` (or `[v6]:port`) of an authority, `hostport`
/// written at `base` in `s`.
fn host_and_port(s: &str, hostport: &str, base: usize) -> Option<HostPort> {
    let (host_range, port_text) = if let Some(stripped) = hostport.strip_prefix('[') {
        let close = stripped.find(']')?;
        let after = &stripped[close + 1..];
        let port = after.strip_prefix(':');
        if !after.is_empty() && port.is_none() {
            return None;
        }
        (
            base + 1..base + 1 + close,
            port.map(|p| (p, base + 2 + close + 1)),
        )
    } else {
        match hostport.rfind(':') {
            Some(i) => (base..base + i, Some((&hostport[i + 1..], base + i + 1))),
            None => (base..base + hostport.len(), None),
        }
    };
    let host = &s[host_range.clone()];
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '%'));
    if !valid_host || (host.contains(':') && !hostport.starts_with('[')) {
        return None;
    }
    match port_text {
        None | Some(("", _)) => Some(HostPort {
            host: host_range,
            port: None,
            port_range: None,
        }),
        Some((p, at)) => {
            if !p.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            Some(HostPort {
                host: host_range,
                port: p.parse::<u16>().ok(),
                port_range: Some(at..at + p.len()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_ranges_of_their_parts() {
        let s = "http://user:pw@ollama:11434/api";
        let u = TargetUrl::parse(s).unwrap();
        assert_eq!(u.scheme.as_deref(), Some("http"));
        assert_eq!(&s[u.host_range.clone()], "ollama");
        assert_eq!(&s[u.port_range.clone().unwrap()], "11434");
        assert_eq!(u.path, "/api");
        let v6 = TargetUrl::parse("http://[::1]:11434").unwrap();
        assert_eq!(v6.host, "::1");
        assert_eq!(v6.port, Some(11434));
        let bare = TargetUrl::parse("ollama:11434").unwrap();
        assert_eq!(bare.scheme, None);
        assert_eq!(bare.host, "ollama");
        assert!(TargetUrl::parse("llama3").is_none());
        assert!(TargetUrl::parse("true").is_none());
        assert!(TargetUrl::parse("a sentence: with colon").is_none());
        assert_eq!(TargetUrl::parse_lenient("ollama").unwrap().host, "ollama");
        assert_eq!(
            TargetUrl::parse("http://ollama")
                .unwrap()
                .effective_port(SchemeRule::Required),
            80
        );
        assert_eq!(
            TargetUrl::parse_lenient("ollama")
                .unwrap()
                .effective_port(SchemeRule::Optional),
            11434
        );
    }

    #[test]
    fn a_host_list_gives_each_host_its_own_ranges() {
        let s = "mongodb://u:pw@mongo1:27017,[::1]:27018,mongo3/db?replicaSet=rs0";
        let hosts = TargetUrl::parse_hosts(s).unwrap();
        let parts: Vec<(&str, Option<&str>)> = hosts
            .iter()
            .map(|u| {
                (
                    &s[u.host_range.clone()],
                    u.port_range.clone().map(|r| &s[r]),
                )
            })
            .collect();
        assert_eq!(
            parts,
            [
                ("mongo1", Some("27017")),
                ("::1", Some("27018")),
                ("mongo3", None)
            ]
        );
        assert!(hosts.iter().all(|u| u.path == "/db"));
        // One host is no list, and one bad host spoils the list.
        assert!(TargetUrl::parse(s).is_none());
        assert!(TargetUrl::parse_hosts("mongodb://a:1,,b:2/").is_none());
        assert!(TargetUrl::parse_hosts("mongodb://a:1,b c:2/").is_none());
        assert!(TargetUrl::parse_hosts("a:1,b:2").is_none());
        assert_eq!(
            TargetUrl::parse_hosts("redis://cache:6379").unwrap().len(),
            1
        );
    }
}
