//! Where nginx's official images read their configuration, and the upstreams a
//! configuration file names (facts F-PROXY-8 in `docs/knowledge/facts.md`).
//!
//! Only what nginx resolves when it starts is read: a `proxy_pass` to an `http://` or
//! `https://` address written out, or to an `upstream` block's `server`s. A `proxy_pass`
//! holding a variable is resolved per request (with the `resolver` the file sets), and is
//! left alone, as are `unix:` sockets and the `stream` module's scheme-less addresses.

use std::ops::Range;

/// The images whose nginx reads `/etc/nginx` as the official `nginx` image lays it out.
const IMAGES: [&str; 2] = ["nginx", "nginxinc/nginx-unprivileged"];

/// The directory the image's `nginx.conf` includes every `*.conf` of.
const CONF_D: &str = "/etc/nginx/conf.d";
/// The directory the image's entrypoint renders `NAME.template` files from, into
/// `CONF_D/NAME`: those named `*.conf.template` become files nginx reads.
const TEMPLATES: &str = "/etc/nginx/templates";
const CONF_TEMPLATE: &str = ".conf.template";

/// Whether an image (its repository path) is nginx as the official images lay it out.
pub fn is_nginx_image(path: &str) -> bool {
    IMAGES.contains(&path)
}

/// The port the image's own `conf.d/default.conf` listens on: 8080 in the unprivileged
/// image (which cannot bind ports below 1024), else 80.
pub fn image_default_port(path: &str) -> u16 {
    if path == "nginxinc/nginx-unprivileged" {
        8080
    } else {
        80
    }
}

/// The main configuration file, which the image's own version has include `CONF_D/*.conf`.
pub const MAIN_CONF: &str = "/etc/nginx/nginx.conf";

/// Whether a main configuration file includes files of `CONF_D` (`include conf.d/*.conf;`,
/// relative to `/etc/nginx`, or written whole): a custom `nginx.conf` without such an
/// `include` makes nginx read none of them, nor the templates rendered there.
pub fn includes_conf_d(conf: &str) -> bool {
    included_paths(conf)
        .iter()
        .any(|path| path.is_some_and(|p| p.starts_with("conf.d/") || p.contains('$')))
}

/// The path each `include` of the file names, relative to `/etc/nginx` where it is written
/// whole; None for an `include` without one.
fn included_paths(conf: &str) -> Vec<Option<&str>> {
    let (directives, _) = read(conf);
    directives
        .iter()
        .filter(|d| d.name(conf) == "include")
        .map(|d| {
            d.args.first().map(|arg| {
                let path = &conf[arg.clone()];
                path.strip_prefix("/etc/nginx/").unwrap_or(path)
            })
        })
        .collect()
}

/// Whether nginx reads a file bind-mounted at `target`.
pub fn reads_file(target: &str) -> bool {
    target == MAIN_CONF
        || file_in(target, CONF_D).is_some_and(|name| name.ends_with(".conf"))
        || file_in(target, TEMPLATES).is_some_and(|name| name.ends_with(CONF_TEMPLATE))
}

/// For a directory bind-mounted at `target`, the ending of the names of the files in it
/// that nginx reads.
pub fn reads_in_directory(target: &str) -> Option<&'static str> {
    match target.trim_end_matches('/') {
        CONF_D => Some(".conf"),
        TEMPLATES => Some(CONF_TEMPLATE),
        _ => None,
    }
}

/// The name of a file directly in `dir`.
fn file_in<'a>(target: &'a str, dir: &str) -> Option<&'a str> {
    target
        .strip_prefix(dir)?
        .strip_prefix('/')
        .filter(|name| !name.is_empty() && !name.contains('/'))
}

/// An address nginx sends requests to, as a configuration file writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamAddress {
    /// The directive's argument that holds it: `http://app:8080/` of `proxy_pass`, or
    /// `app:8080` of an upstream block's `server`.
    pub argument: Range<usize>,
    /// The `host[:port]` part of the argument, relative to it.
    pub address: Range<usize>,
    /// The directive, as the help writes it before the argument.
    pub directive: &'static str,
    /// The port nginx takes when the address writes none: 443 for `https://`, else 80.
    pub default_port: u16,
}

/// The addresses a configuration file sends requests to, in the order written, when it is
/// the only file nginx reads.
pub fn upstream_addresses(conf: &str) -> Vec<UpstreamAddress> {
    upstream_addresses_of(&[conf]).pop().unwrap_or_default()
}

/// The addresses each of the files nginx reads together (`all`) sends requests to, in the
/// order written, file by file; each file is read once. Every file is in the one `http`
/// context (`conf.d/*.conf` are included in `nginx.conf`'s), so an `upstream` block of one
/// file is the group a `proxy_pass` of another names: that `proxy_pass` gives no address of
/// its own, and the block's `server`s are given by the file that writes them.
pub fn upstream_addresses_of(all: &[&str]) -> Vec<Vec<UpstreamAddress>> {
    let read: Vec<Vec<Directive>> = all.iter().map(|conf| read(conf).0).collect();
    let mut groups = Vec::new();
    let mut named = Vec::new();
    for (directives, conf) in read.iter().zip(all) {
        groups.extend(group_names(directives, conf));
        named.extend(proxy_pass_urls(directives, conf).map(|url| url.host(conf).to_string()));
    }
    let is_group = |host: &str| groups.iter().any(|g| g.eq_ignore_ascii_case(host));
    read.iter()
        .zip(all)
        .map(|(directives, conf)| {
            let mut out = Vec::new();
            for url in proxy_pass_urls(directives, conf) {
                if !is_group(url.host(conf)) {
                    out.push(UpstreamAddress {
                        argument: url.argument,
                        address: url.address,
                        directive: "proxy_pass",
                        default_port: url.default_port,
                    });
                }
            }
            for name in group_names(directives, conf) {
                if !named.iter().any(|host| host.eq_ignore_ascii_case(&name)) {
                    continue;
                }
                // An upstream block's `server` without a port is port 80, whatever the scheme.
                for server in group_servers(directives, conf, &name) {
                    let len = server.len();
                    out.push(UpstreamAddress {
                        argument: server,
                        address: 0..len,
                        directive: "server",
                        default_port: 80,
                    });
                }
            }
            out.sort_by_key(|a| a.argument.start);
            out.dedup_by_key(|a| a.argument.start);
            out
        })
        .collect()
}

/// A `proxy_pass` to an `http://` or `https://` address written out (no variable).
struct ProxyPassUrl {
    argument: Range<usize>,
    /// The `host[:port]` part, relative to the argument.
    address: Range<usize>,
    default_port: u16,
}

impl ProxyPassUrl {
    fn host<'a>(&self, conf: &'a str) -> &'a str {
        let address = &conf[self.argument.clone()][self.address.clone()];
        address.split(':').next().unwrap_or("")
    }
}

fn proxy_pass_urls<'a>(
    directives: &'a [Directive],
    conf: &'a str,
) -> impl Iterator<Item = ProxyPassUrl> + 'a {
    directives.iter().filter_map(move |directive| {
        if directive.name(conf) != "proxy_pass" || directive.args.len() != 1 {
            return None;
        }
        let argument = directive.args[0].clone();
        let url = &conf[argument.clone()];
        if url.contains('$') {
            return None;
        }
        let (scheme, rest) = match url.split_once("://") {
            Some((scheme @ ("http" | "https"), rest)) => (scheme, rest),
            _ => return None,
        };
        let start = scheme.len() + 3;
        let end = start + rest.find('/').unwrap_or(rest.len());
        Some(ProxyPassUrl {
            argument,
            address: start..end,
            default_port: if scheme == "https" { 443 } else { 80 },
        })
    })
}

/// The names of the file's `upstream` blocks.
fn group_names(directives: &[Directive], conf: &str) -> Vec<String> {
    let mut names: Vec<String> = directives
        .iter()
        .filter_map(|d| match &d.block {
            Some((block, args)) if block == "upstream" && args.len() == 1 => {
                Some(conf[args[0].clone()].to_string())
            }
            _ => None,
        })
        .collect();
    names.dedup();
    names
}

/// The ports the file's `listen` directives open (`listen 80`, `listen [::]:8080 ssl`,
/// `listen 127.0.0.1:3000`); `None` when one cannot be read (a `unix:` socket, a variable).
pub fn listen_ports(conf: &str) -> Option<Vec<u16>> {
    let (directives, _) = read(conf);
    directives
        .iter()
        .filter(|d| d.name(conf) == "listen")
        .map(|d| {
            let address = &conf[d.args.first()?.clone()];
            let port = address.rsplit_once(':').map_or(address, |(host, port)| {
                if host.is_empty() { address } else { port }
            });
            port.parse::<u16>().ok()
        })
        .collect()
}

/// Whether every `include` of the file is of a file the official image ships that opens no
/// port (`mime.types`, `*_params`) or of `conf.d/*.conf`, whose files a check reads only
/// where they are mounted.
pub fn includes_only_known(conf: &str) -> bool {
    included_paths(conf).iter().all(|path| {
        path.is_some_and(|p| p == "mime.types" || p.ends_with("_params") || p == "conf.d/*.conf")
    })
}

/// The addresses of the `server`s of the upstream block named `name` (none, when no block
/// has that name): `unix:` sockets and addresses holding a variable are left out.
fn group_servers(directives: &[Directive], conf: &str, name: &str) -> Vec<Range<usize>> {
    directives
        .iter()
        .filter(|d| {
            d.name(conf) == "server"
                && d.block.as_ref().is_some_and(|(block, args)| {
                    block == "upstream"
                        && args.len() == 1
                        && conf[args[0].clone()].eq_ignore_ascii_case(name)
                })
        })
        .filter_map(|d| d.args.first().cloned())
        .filter(|a| !conf[a.clone()].starts_with("unix:") && !conf[a.clone()].contains('$'))
        .collect()
}

/// A simple directive (`name args…;`) and the block it is written directly in.
#[derive(Debug)]
struct Directive {
    name: Range<usize>,
    args: Vec<Range<usize>>,
    /// The enclosing block's name and arguments (`upstream backend {`).
    block: Option<(String, Vec<Range<usize>>)>,
}

impl Directive {
    fn name<'a>(&self, conf: &'a str) -> &'a str {
        &conf[self.name.clone()]
    }
}

/// Where each comment of a configuration file starts (its `#`), in file order.
pub fn comment_starts(conf: &str) -> Vec<usize> {
    read(conf).1
}

/// Every simple directive of a configuration file, and where each comment starts. Words
/// are split as nginx splits them: at blanks, `;`, `{` and `}`, a `#` starting a word
/// starts a comment, and a quoted word's range is what is inside its quotes.
fn read(conf: &str) -> (Vec<Directive>, Vec<usize>) {
    let mut out = Vec::new();
    let mut comments = Vec::new();
    let mut blocks: Vec<(String, Vec<Range<usize>>)> = Vec::new();
    let mut words: Vec<Range<usize>> = Vec::new();
    let bytes = conf.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b if b.is_ascii_whitespace() => i += 1,
            b'#' => {
                comments.push(i);
                i = conf[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b';' => {
                if let Some((name, args)) = words.split_first() {
                    out.push(Directive {
                        name: name.clone(),
                        args: args.to_vec(),
                        block: blocks.last().cloned(),
                    });
                }
                words.clear();
                i += 1;
            }
            b'{' => {
                let (name, args) = match words.split_first() {
                    Some((name, args)) => (conf[name.clone()].to_string(), args.to_vec()),
                    None => (String::new(), Vec::new()),
                };
                blocks.push((name, args));
                words.clear();
                i += 1;
            }
            b'}' => {
                blocks.pop();
                words.clear();
                i += 1;
            }
            quote @ (b'"' | b'\'') => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != quote {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let end = end.min(bytes.len());
                words.push(start..end);
                i = end + 1;
            }
            _ => {
                let start = i;
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b';' | b'{' | b'}')
                {
                    i += 1;
                }
                words.push(start..i);
            }
        }
    }
    (out, comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(conf: &str) -> Vec<(&str, &str, &str, u16)> {
        upstream_addresses(conf)
            .into_iter()
            .map(|a| {
                let argument = &conf[a.argument.clone()];
                (a.directive, argument, &argument[a.address], a.default_port)
            })
            .collect()
    }

    #[test]
    fn proxy_pass_addresses_are_read_with_their_scheme_default_port() {
        let conf = "server {\n  listen 80;\n  location / { proxy_pass http://webui:8080/; }\n  location /api { proxy_pass https://api; }\n}\n";
        assert_eq!(
            written(conf),
            vec![
                ("proxy_pass", "http://webui:8080/", "webui:8080", 80),
                ("proxy_pass", "https://api", "api", 443),
            ]
        );
    }

    #[test]
    fn an_upstream_block_gives_its_servers() {
        let conf = "upstream backend {\n  server app:3000 max_fails=3;\n  server app2;\n  server unix:/tmp/s.sock;\n}\nserver { location / { proxy_pass http://backend; } }\n";
        assert_eq!(
            written(conf),
            vec![
                ("server", "app:3000", "app:3000", 80),
                ("server", "app2", "app2", 80),
            ]
        );
    }

    #[test]
    fn an_upstream_block_of_another_file_is_the_group_a_proxy_pass_names() {
        let groups = "upstream Ollama { server ollama:11434; }\nupstream unused { server x:1; }\n";
        let site = "server { location / { proxy_pass http://ollama; } location /a { proxy_pass http://api:3000; } }\n";
        let all = [groups, site];
        let found = upstream_addresses_of(&all);
        let of = |i: usize| -> Vec<String> {
            let conf = all[i];
            found[i]
                .iter()
                .map(|a| conf[a.argument.clone()][a.address.clone()].to_string())
                .collect()
        };
        assert_eq!(of(1), vec!["api:3000"]);
        assert_eq!(of(0), vec!["ollama:11434"]);
    }

    #[test]
    fn variables_comments_quotes_and_other_schemes_are_handled() {
        let conf = "# proxy_pass http://commented:1;\nresolver 127.0.0.11;\nset $up app;\nlocation / { proxy_pass http://$up:3000; }\nlocation /q { proxy_pass \"http://quoted:81\"; }\nlocation /g { grpc_pass grpc://g:50051; }\nstream { server { proxy_pass db:5432; } }\n";
        assert_eq!(
            written(conf),
            vec![("proxy_pass", "http://quoted:81", "quoted:81", 80)]
        );
    }

    #[test]
    fn comments_start_at_a_hash_that_starts_a_word() {
        let conf = "# a\nlocation /#x { proxy_pass http://a; } # b\nreturn 200 \"#c\";\n";
        assert_eq!(comment_starts(conf), vec![0, 42]);
    }

    #[test]
    fn listen_ports_and_includes_are_read() {
        let conf = "include mime.types;\ninclude /etc/nginx/conf.d/*.conf;\nserver { listen 80; listen [::]:8080 ssl; listen 127.0.0.1:3000; include fastcgi_params; }\n";
        assert_eq!(listen_ports(conf), Some(vec![80, 8080, 3000]));
        assert!(includes_only_known(conf));
        assert_eq!(listen_ports("listen unix:/run/x.sock;"), None);
        assert!(!includes_only_known("include /etc/nginx/sites-enabled/*;"));
    }

    #[test]
    fn broken_files_give_what_they_can_and_never_panic() {
        for conf in [
            "",
            "{",
            "}}}",
            "proxy_pass",
            "proxy_pass \"http://x",
            "a 'b\\",
        ] {
            let _ = upstream_addresses(conf);
        }
        assert_eq!(
            written("location / { proxy_pass http://app:1"),
            Vec::<(&str, &str, &str, u16)>::new()
        );
    }

    #[test]
    fn a_main_file_includes_conf_d_by_either_path() {
        assert!(includes_conf_d(
            "http { include /etc/nginx/conf.d/*.conf; }"
        ));
        assert!(includes_conf_d("http { include conf.d/*.conf; }"));
        assert!(!includes_conf_d(
            "http { include mime.types; server { listen 80; } }"
        ));
        assert!(!includes_conf_d("# include conf.d/*.conf;\nhttp { }"));
    }

    #[test]
    fn the_files_nginx_reads_are_those_the_official_image_includes() {
        assert!(reads_file("/etc/nginx/nginx.conf"));
        assert!(reads_file("/etc/nginx/conf.d/default.conf"));
        assert!(reads_file("/etc/nginx/templates/default.conf.template"));
        assert!(!reads_file("/etc/nginx/sites-enabled/default"));
        assert!(!reads_file("/etc/nginx/conf.d/sub/x.conf"));
        assert!(!reads_file("/etc/nginx/conf.d/default.conf.bak"));
        assert_eq!(reads_in_directory("/etc/nginx/conf.d/"), Some(".conf"));
        assert!(!reads_file("/etc/nginx/templates/site.template"));
        assert_eq!(
            reads_in_directory("/etc/nginx/templates"),
            Some(".conf.template")
        );
        assert_eq!(reads_in_directory("/etc/nginx"), None);
    }
}
