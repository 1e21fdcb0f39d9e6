//! Proxy variables and whether a `NO_PROXY` value exempts a host, as HTTP clients read them.
//!
//! A forward proxy from `HTTP_PROXY`/`ALL_PROXY` receives requests meant for a compose
//! service or for `host.docker.internal` and answers 502 (F-502-2). Clients disagree on the
//! details, so two interpretations read in their source are modelled:
//!
//! | | Go `net/http` (`x/net/http/httpproxy`) | Python `urllib.request` |
//! |---|---|---|
//! | names | `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`, upper case first, then lower | any case, lower case wins; an empty lower-case value removes the variable |
//! | `ALL_PROXY` | not read | read into the table (`requests`, `httpx` use it; `urllib` itself does not) |
//! | `localhost`, loopback IPs | never proxied | proxied unless exempted |
//! | `*` | an entry `*` anywhere in the list | only the whole value `*` |
//! | `example.com` | the name and its subdomains | the name and its subdomains |
//! | `.example.com` | subdomains only | the name and its subdomains (leading dots ignored) |
//! | `*.example.com` | subdomains only | nothing (taken literally) |
//! | CIDR `10.0.0.0/8` | IP hosts inside it | nothing (F-502-2: "only exact hosts / .domain suffixes") |
//! | `host:port` | that host on that port | that `host:port` |
//!
//! Other clients (curl, Node's proxy-from-env, Python `requests`/`httpx`) differ again and
//! are not modelled; [`no_proxy_covers`] answers yes only when both modelled clients agree.

use std::net::IpAddr;

use super::Env;

/// A proxy-related variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyKind {
    /// `HTTP_PROXY`: used for `http://` URLs — Ollama's (F-OLL-10 warns against setting it).
    Http,
    /// `HTTPS_PROXY`: used for `https://` URLs only.
    Https,
    /// `ALL_PROXY`: any scheme, for clients that read it (not Go).
    All,
    /// `NO_PROXY`: hosts exempt from the others.
    NoProxy,
}

impl ProxyKind {
    /// Whether a proxy of this kind can carry a request with this URL scheme.
    pub fn applies_to_scheme(self, scheme: &str) -> bool {
        match self {
            ProxyKind::Http => scheme.eq_ignore_ascii_case("http"),
            ProxyKind::Https => scheme.eq_ignore_ascii_case("https"),
            ProxyKind::All => true,
            ProxyKind::NoProxy => false,
        }
    }
}

/// A recognised proxy variable name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProxyVar {
    pub kind: ProxyKind,
    /// Written all lower case (`http_proxy`), which curl and Python prefer.
    pub lowercase: bool,
}

/// Recognises `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY` in any case.
pub fn proxy_var(name: &str) -> Option<ProxyVar> {
    let kind = match name.to_ascii_uppercase().as_str() {
        "HTTP_PROXY" => ProxyKind::Http,
        "HTTPS_PROXY" => ProxyKind::Https,
        "ALL_PROXY" => ProxyKind::All,
        "NO_PROXY" => ProxyKind::NoProxy,
        _ => return None,
    };
    Some(ProxyVar {
        kind,
        lowercase: name == name.to_ascii_lowercase(),
    })
}

/// An HTTP client whose proxy rules are modelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyClient {
    /// Go's `net/http` (`ProxyFromEnvironment`): the Ollama CLI, Go apps.
    Go,
    /// Python's `urllib.request` (`proxy_bypass_environment`), which `requests` also consults.
    PythonUrllib,
}

impl ProxyClient {
    pub const ALL: [ProxyClient; 2] = [ProxyClient::Go, ProxyClient::PythonUrllib];

    /// The `NO_PROXY` value this client reads from an environment (only the all-upper and
    /// all-lower spellings are looked at).
    pub fn no_proxy_value(self, env: &dyn Env) -> Option<&str> {
        match self {
            ProxyClient::Go => env
                .var("NO_PROXY")
                .filter(|v| !v.is_empty())
                .or_else(|| env.var("no_proxy").filter(|v| !v.is_empty())),
            ProxyClient::PythonUrllib => match env.var("no_proxy") {
                Some("") => None,
                Some(lower) => Some(lower),
                None => env.var("NO_PROXY").filter(|v| !v.is_empty()),
            },
        }
    }

    /// Whether a request to `host` (`port` if known) goes direct given `no_proxy`: by the
    /// `NO_PROXY` entries, or for Go because the host is loopback.
    pub fn skips_proxy(self, no_proxy: Option<&str>, host: &str, port: Option<u16>) -> bool {
        let host = normalise_host(host);
        if self == ProxyClient::Go
            && (host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()))
        {
            return true;
        }
        no_proxy.is_some_and(|list| self.no_proxy_matches(list, &host, port))
    }

    /// Whether an entry of `no_proxy` exempts `host`.
    pub fn no_proxy_matches(self, no_proxy: &str, host: &str, port: Option<u16>) -> bool {
        let host = normalise_host(host);
        match self {
            ProxyClient::Go => go_matches(no_proxy, &host, port),
            ProxyClient::PythonUrllib => python_matches(no_proxy, &host, port),
        }
    }
}

/// Whether `no_proxy` exempts `host` for every modelled client (Go and Python `urllib`). A
/// CIDR range, a `*.domain` entry or an entry with a port is honoured by some clients only,
/// so it does not count here; see [`ProxyClient::no_proxy_matches`] for one client.
pub fn no_proxy_covers(no_proxy: &str, host: &str) -> bool {
    ProxyClient::ALL
        .iter()
        .all(|c| c.no_proxy_matches(no_proxy, host, None))
}

/// Lower case, without IPv6 brackets.
fn normalise_host(host: &str) -> String {
    let host = host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.to_ascii_lowercase()
}

fn go_matches(no_proxy: &str, host: &str, port: Option<u16>) -> bool {
    let ip = host.parse::<IpAddr>().ok();
    let port_text = port.map(|p| p.to_string());
    for entry in no_proxy.split(',') {
        let entry = entry.trim().to_ascii_lowercase();
        if entry.is_empty() {
            continue;
        }
        if entry == "*" {
            return true;
        }
        if let Some((network, prefix)) = parse_cidr(&entry) {
            if ip.is_some_and(|ip| in_network(ip, network, prefix)) {
                return true;
            }
            continue;
        }
        let (entry_host, entry_port) = match super::ollama_host::split_host_port(&entry) {
            Some((h, p)) if !h.is_empty() => (h.to_string(), Some(p.to_string())),
            Some(_) => continue,
            None => (entry.clone(), None),
        };
        let port_ok = entry_port
            .as_deref()
            .is_none_or(|p| p.is_empty() || Some(p) == port_text.as_deref());
        if let Ok(entry_ip) = entry_host.parse::<IpAddr>() {
            if ip == Some(entry_ip) && port_ok {
                return true;
            }
            continue;
        }
        let domain = entry_host.strip_prefix('*').filter(|d| d.starts_with('.'));
        let (suffix, match_host) = match domain {
            Some(d) => (d.to_string(), false),
            None if entry_host.starts_with('.') => (entry_host.clone(), false),
            None => (format!(".{entry_host}"), true),
        };
        let hit = host.ends_with(&suffix) || (match_host && suffix.get(1..) == Some(host));
        if hit && port_ok {
            return true;
        }
    }
    false
}

fn python_matches(no_proxy: &str, host: &str, port: Option<u16>) -> bool {
    if no_proxy == "*" {
        return true;
    }
    // urllib compares both the bare host and `host:port` (IPv6 in brackets, as in a URL).
    let bare = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let with_port = port.map(|p| format!("{bare}:{p}"));
    let candidates: Vec<&str> = std::iter::once(bare.as_str())
        .chain(with_port.as_deref())
        .collect();
    for entry in no_proxy.split(',') {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let name = entry.trim_start_matches('.').to_ascii_lowercase();
        let dotted = format!(".{name}");
        if candidates
            .iter()
            .any(|c| *c == name || c.ends_with(&dotted))
        {
            return true;
        }
    }
    false
}

fn parse_cidr(entry: &str) -> Option<(IpAddr, u8)> {
    let (addr, bits) = entry.split_once('/')?;
    let network: IpAddr = addr.parse().ok()?;
    if bits.is_empty() || !bits.bytes().all(|b| b.is_ascii_digit()) || bits.len() > 3 {
        return None;
    }
    let bits: u8 = bits.parse().ok()?;
    let max = if network.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((network, bits))
}

fn in_network(ip: IpAddr, network: IpAddr, prefix: u8) -> bool {
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_arithmetic() {
        let net = |s: &str| parse_cidr(s).unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let (n, p) = net("10.0.0.0/8");
        assert!(in_network(ip("10.255.1.2"), n, p));
        assert!(!in_network(ip("11.0.0.1"), n, p));
        let (n, p) = net("0.0.0.0/0");
        assert!(in_network(ip("192.168.1.1"), n, p));
        let (n, p) = net("172.16.0.0/12");
        assert!(in_network(ip("172.31.255.255"), n, p));
        assert!(!in_network(ip("172.32.0.0"), n, p));
        let (n, p) = net("fd00::/8");
        assert!(in_network(ip("fd12::1"), n, p));
        assert!(!in_network(ip("10.0.0.1"), n, p));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert_eq!(parse_cidr("10.0.0.0/"), None);
        assert_eq!(parse_cidr("host/8"), None);
    }
}
