//! `OLLAMA_HOST` parsing, byte for byte as Ollama's `envconfig.Host()` does it.
//!
//! The same parser decides where an Ollama server binds and where Ollama's own clients (the
//! `ollama` CLI) connect (facts F-OLL-2). Go's `net.SplitHostPort`, `net.ParseIP`,
//! `strconv.ParseInt` and `net.JoinHostPort` are reproduced for the inputs they see here.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// The port a value without a scheme gets (F-OLL-2).
pub const OLLAMA_DEFAULT_PORT: u16 = 11434;

/// What `envconfig.Host()` returns for one `OLLAMA_HOST` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenAddress {
    /// `http` unless the value names another scheme before `://` (kept as written).
    pub scheme: String,
    /// Empty means every interface (`:1234`). IP literals are normalised as Go prints them
    /// (`[::1]` → `::1`, `::ffff:1.2.3.4` → `1.2.3.4`); names are kept as written.
    pub host: String,
    pub port: u16,
    /// The port exactly as Go keeps it (`+80` and `0080` are valid and kept verbatim).
    pub port_text: String,
    /// Everything after the first `/` of `host:port`, with its leading `/` (`/ollama`), or
    /// empty. Only clients use it (reverse-proxy prefixes); binding ignores it.
    pub path: String,
    /// A port was written but was not a number in 0..=65535; Ollama warns and uses the
    /// scheme's default port instead.
    pub port_invalid: bool,
}

impl ListenAddress {
    /// `host:port` as handed to `net.Listen` (IPv6 hosts in brackets).
    pub fn host_port(&self) -> String {
        join_host_port(&self.host, &self.port_text)
    }

    /// The address printed the way Ollama's `url.URL.String()` does, e.g. `http://:1234`.
    pub fn to_url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host_port(), self.path)
    }

    /// The listener accepts connections on every interface (empty host, `0.0.0.0`, `::`).
    pub fn binds_all_interfaces(&self) -> bool {
        if self.host.is_empty() {
            return true;
        }
        self.host
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_unspecified())
    }

    /// The listener is reachable from its own network namespace only (`127.0.0.0/8`, `::1`,
    /// `localhost`), so other containers cannot connect.
    pub fn is_loopback(&self) -> bool {
        if self.host.eq_ignore_ascii_case("localhost") {
            return true;
        }
        self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

impl fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_url())
    }
}

/// Parses an `OLLAMA_HOST` value exactly as Ollama does; an empty value gives the built-in
/// default `http://127.0.0.1:11434` (F-OLL-1).
///
/// Steps (F-OLL-2): trim whitespace, then quotes, then whitespace; no `://` → scheme `http`,
/// default port 11434 (bare `ollama.com` → `https://ollama.com:443`); `http://` → default port
/// 80, `https://` → 443; the text after the first `/` is the path; when `host:port` does not
/// split, the whole text is the host; an invalid port falls back to the default port.
pub fn parse_ollama_host(raw: &str) -> ListenAddress {
    let trimmed = raw.trim().trim_matches(['"', '\'']).trim();

    let (scheme, rest, default_port) = match trimmed.split_once("://") {
        None if trimmed == "ollama.com" => ("https", "ollama.com:443", OLLAMA_DEFAULT_PORT),
        None => ("http", trimmed, OLLAMA_DEFAULT_PORT),
        Some(("http", rest)) => ("http", rest, 80),
        Some(("https", rest)) => ("https", rest, 443),
        Some((other, rest)) => (other, rest, OLLAMA_DEFAULT_PORT),
    };

    let (hostport, path) = match rest.split_once('/') {
        Some((hostport, after)) => (hostport, after),
        None => (rest, ""),
    };
    let path = if path.is_empty() || path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };

    let (host, written_port) = match split_host_port(hostport) {
        Some((host, port)) => (host.to_string(), Some(port)),
        None => {
            let unbracketed = hostport.trim_matches(['[', ']']);
            let host = match unbracketed.parse::<IpAddr>() {
                Ok(ip) => go_ip_string(ip),
                Err(_) if !hostport.is_empty() => hostport.to_string(),
                Err(_) => "127.0.0.1".to_string(),
            };
            (host, None)
        }
    };

    let (port, port_text, port_invalid) = match written_port {
        None => (default_port, default_port.to_string(), false),
        Some(text) => match go_parse_port(text) {
            Some(port) => (port, text.to_string(), false),
            None => (default_port, default_port.to_string(), true),
        },
    };

    ListenAddress {
        scheme: scheme.to_string(),
        host,
        port,
        port_text,
        path,
        port_invalid,
    }
}

/// Go's `net.SplitHostPort`: `None` where Go returns an error.
pub(crate) fn split_host_port(hostport: &str) -> Option<(&str, &str)> {
    let colon = hostport.rfind(':')?;
    let (host, open, close) = if hostport.starts_with('[') {
        let end = hostport.find(']')?;
        // The closing bracket must be followed directly by the last colon.
        if end + 1 != colon {
            return None;
        }
        (hostport.get(1..end)?, 1, end + 1)
    } else {
        let host = hostport.get(..colon)?;
        if host.contains(':') {
            return None;
        }
        (host, 0, 0)
    };
    if hostport.get(open..)?.contains('[') || hostport.get(close..)?.contains(']') {
        return None;
    }
    Some((host, hostport.get(colon + 1..)?))
}

/// Go's `strconv.ParseInt(port, 10, 32)` followed by Ollama's 0..=65535 check.
fn go_parse_port(text: &str) -> Option<u16> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'+') => (false, text.get(1..)?),
        Some(b'-') => (true, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let leading_zeros_stripped = digits.trim_start_matches('0');
    if leading_zeros_stripped.len() > 5 {
        return None;
    }
    let value: u32 = if leading_zeros_stripped.is_empty() {
        0
    } else {
        leading_zeros_stripped.parse().ok()?
    };
    if negative && value != 0 {
        return None;
    }
    u16::try_from(value).ok()
}

/// Go's `net.JoinHostPort`.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Go's `net.IP.String()`: IPv4-mapped IPv6 addresses print as IPv4.
fn go_ip_string(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => ipv6_string(v6),
        },
    }
}

/// RFC 5952 text as Go writes it: the longest run (first on ties) of two or more zero groups
/// becomes `::`.
fn ipv6_string(ip: Ipv6Addr) -> String {
    let groups = ip.segments();
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < groups.len() {
        if groups.get(i) == Some(&0) {
            let start = i;
            while groups.get(i) == Some(&0) {
                i += 1;
            }
            let len = i - start;
            if len >= 2 && best.is_none_or(|(_, best_len)| len > best_len) {
                best = Some((start, len));
            }
        } else {
            i += 1;
        }
    }
    let hex = |gs: &[u16]| {
        gs.iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    match best {
        Some((start, len)) => {
            let head = groups.get(..start).map(hex).unwrap_or_default();
            let tail = groups.get(start + len..).map(hex).unwrap_or_default();
            format!("{head}::{tail}")
        }
        None => hex(&groups),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_host_port_matches_go() {
        assert_eq!(split_host_port("1.2.3.4:80"), Some(("1.2.3.4", "80")));
        assert_eq!(split_host_port(":80"), Some(("", "80")));
        assert_eq!(split_host_port("[::1]:80"), Some(("::1", "80")));
        assert_eq!(split_host_port("host:"), Some(("host", "")));
        assert_eq!(split_host_port("1.2.3.4"), None);
        assert_eq!(split_host_port("::1"), None);
        assert_eq!(split_host_port("[::1]"), None);
        assert_eq!(split_host_port("[::1]x:80"), None);
        assert_eq!(split_host_port("a[b:80"), None);
        assert_eq!(split_host_port(""), None);
    }

    #[test]
    fn port_parsing_matches_parse_int() {
        assert_eq!(go_parse_port("0"), Some(0));
        assert_eq!(go_parse_port("-0"), Some(0));
        assert_eq!(go_parse_port("+8080"), Some(8080));
        assert_eq!(go_parse_port("0080"), Some(80));
        assert_eq!(go_parse_port("65535"), Some(65535));
        assert_eq!(go_parse_port("65536"), None);
        assert_eq!(go_parse_port("-1"), None);
        assert_eq!(go_parse_port(""), None);
        assert_eq!(go_parse_port("+"), None);
        assert_eq!(go_parse_port("8o"), None);
        assert_eq!(go_parse_port("99999999999999999999"), None);
    }

    #[test]
    fn ipv6_text_is_compressed_like_go() {
        let cases = [
            ("0:0:0:0:0:0:0:1", "::1"),
            ("0:0:0:0:0:0:0:0", "::"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("fe80:0:0:0:0:0:0:0", "fe80::"),
        ];
        for (input, want) in cases {
            let ip: Ipv6Addr = input.parse().unwrap();
            assert_eq!(ipv6_string(ip), want, "{input}");
        }
        assert_eq!(go_ip_string("::ffff:1.2.3.4".parse().unwrap()), "1.2.3.4");
    }

    #[test]
    fn listen_address_predicates() {
        assert!(parse_ollama_host("0.0.0.0:11434").binds_all_interfaces());
        assert!(parse_ollama_host(":11434").binds_all_interfaces());
        assert!(parse_ollama_host("[::]").binds_all_interfaces());
        assert!(!parse_ollama_host("").binds_all_interfaces());
        assert!(parse_ollama_host("").is_loopback());
        assert!(parse_ollama_host("localhost").is_loopback());
        assert!(parse_ollama_host("127.0.0.2:9").is_loopback());
        assert!(!parse_ollama_host("ollama:11434").is_loopback());
        assert_eq!(parse_ollama_host("[::1]:1337").host_port(), "[::1]:1337");
    }
}
