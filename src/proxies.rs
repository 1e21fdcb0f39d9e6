//! Reverse proxies that read their routes from the containers they route to: Traefik's and
//! caddy-docker-proxy's labels, nginx-proxy's `VIRTUAL_HOST`/`VIRTUAL_PORT`; and Caddy told
//! its upstreams on its command line (`caddy reverse-proxy --to app:8080`); and nginx told
//! its upstreams in a configuration file mounted into its container (`proxy_pass
//! http://app:8080`). Which service each route sends requests to, the port it names, and
//! the networks it may take; what is wrong with them is the rules' (NET022, NET024). Facts:
//! F-PROXY in `docs/knowledge/facts.md`.

use crate::compose::model::{Label, Project, Service};
use crate::knowledge::image::ImageRef;
use crate::knowledge::nginx;
use crate::net::{Namespace, Network, Resolution};
use crate::source::Span;
use crate::text::Text;

/// A reverse proxy that configures itself from the Docker API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proxy {
    Traefik,
    /// `lucaslorentz/caddy-docker-proxy`: Caddy with a Caddyfile made from `caddy` labels.
    Caddy,
    /// `nginxproxy/nginx-proxy` (formerly `jwilder/nginx-proxy`).
    NginxProxy,
    /// The `caddy` image running `caddy reverse-proxy --to UPSTREAM…` (F-PROXY-7).
    CaddyCommand,
    /// nginx's official images with a configuration file mounted where they read it
    /// (F-PROXY-8).
    Nginx,
}

impl Proxy {
    /// How messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Proxy::Traefik => "Traefik",
            Proxy::Caddy => "caddy-docker-proxy",
            Proxy::NginxProxy => "nginx-proxy",
            Proxy::CaddyCommand => "Caddy",
            Proxy::Nginx => "nginx",
        }
    }

    /// Whether the proxy's routes are written in its own container's settings (a command, a
    /// mounted file) and go from that container alone, rather than on the routed services.
    pub fn routes_itself(self) -> bool {
        matches!(self, Proxy::CaddyCommand | Proxy::Nginx)
    }
}

/// What every image [`proxy_of`] knows names: an image without any is passed over without
/// parsing it (most services of a large project).
const PROXY_IMAGE_WORDS: [&str; 3] = ["traefik", "caddy", "nginx"];

/// The proxy a service runs, by its image.
pub fn proxy_of(service: &Service) -> Option<Proxy> {
    let written = &service.image.as_ref()?.value;
    if !PROXY_IMAGE_WORDS.iter().any(|w| written.contains(w)) {
        return None;
    }
    let image = ImageRef::parse(written)?;
    match image.path.as_str() {
        "traefik" => Some(Proxy::Traefik),
        "lucaslorentz/caddy-docker-proxy" => Some(Proxy::Caddy),
        "nginxproxy/nginx-proxy" | "jwilder/nginx-proxy" => Some(Proxy::NginxProxy),
        "caddy" if !caddy_command_upstreams(service).is_empty() => Some(Proxy::CaddyCommand),
        path if nginx::is_nginx_image(path) && !service.nginx_configs.is_empty() => {
            Some(Proxy::Nginx)
        }
        _ => None,
    }
}

/// The proxies of `kind` the project runs, each with a network namespace of its own and
/// reading the routes this module reads: a Traefik told to use published ports
/// (`useBindPortIP`) and a caddy-docker-proxy told another label prefix are left out (every
/// caddy-docker-proxy where one runs as a controller or server), and so is a proxy in the
/// host's namespace, which reaches every container's address.
pub fn proxies(project: &Project, net: &Network, kind: Proxy) -> Vec<usize> {
    of_kind(&running_proxies(project, net), kind)
}

/// The proxies of every kind [`proxies`] reads, with their kinds, in one pass.
pub fn running_proxies(project: &Project, net: &Network) -> Vec<(usize, Proxy)> {
    let found: Vec<(usize, Proxy)> = project
        .services
        .iter()
        .enumerate()
        .filter_map(|(i, s)| proxy_of(s).map(|kind| (i, kind)))
        .collect();
    let distributed = found
        .iter()
        .any(|&(i, kind)| kind == Proxy::Caddy && distributed_caddy(&project.services[i]));
    found
        .into_iter()
        .filter(|&(i, kind)| {
            let s = &project.services[i];
            own_networks(net, i).is_some()
                && match kind {
                    Proxy::Traefik => !uses_bind_port_ip(s),
                    Proxy::Caddy => !distributed && !other_label_prefix(s),
                    Proxy::NginxProxy | Proxy::CaddyCommand | Proxy::Nginx => true,
                }
        })
        .collect()
}

/// The services of `running` that run a proxy of `kind`.
pub fn of_kind(running: &[(usize, Proxy)], kind: Proxy) -> Vec<usize> {
    running
        .iter()
        .filter(|(_, k)| *k == kind)
        .map(|&(i, _)| i)
        .collect()
}

/// The networks of a service with a network namespace of its own; None for the host's,
/// another container's, or none.
pub fn own_networks(net: &Network, service: usize) -> Option<Vec<String>> {
    match net.namespace(service) {
        Namespace::Own {
            service: owner,
            networks,
        } if *owner == service => Some(networks.clone()),
        _ => None,
    }
}

/// Whether Traefik is told to use the host's published ports rather than container
/// addresses (`--providers.docker.useBindPortIP=true`).
fn uses_bind_port_ip(service: &Service) -> bool {
    service
        .command_words()
        .any(|w| w.to_ascii_lowercase().contains("usebindportip"))
}

/// Whether Traefik is known to route containers that carry no `traefik.enable=true`: its
/// Docker provider's `exposedByDefault` is true unless set, and it is set on the command
/// line, by `TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT`, or in a static configuration file
/// this does not read (`--configFile`, one mounted in `/etc/traefik` or named `traefik.*`).
fn traefik_exposes_by_default(service: &Service) -> bool {
    let on_command_line = service.command_words().all(|w| {
        let w = w.to_ascii_lowercase();
        !w.contains("exposedbydefault") || w.ends_with("exposedbydefault=true")
    });
    let configured_in_file = service
        .command_words()
        .any(|w| w.to_ascii_lowercase().starts_with("--configfile"))
        || service.volumes.iter().any(|m| {
            m.target.starts_with("/etc/traefik")
                || m.target
                    .rsplit('/')
                    .next()
                    .is_some_and(|name| name.starts_with("traefik."))
        });
    let by_variable = service
        .env("TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT")
        .is_none_or(|v| {
            v.value
                .as_ref()
                .is_some_and(|t| t.value.trim().eq_ignore_ascii_case("true"))
        });
    on_command_line && by_variable && !configured_in_file
}

/// Whether caddy-docker-proxy reads labels with another prefix than `caddy`
/// (`CADDY_DOCKER_LABEL_PREFIX`, `-label-prefix`): then it does not read these.
fn other_label_prefix(service: &Service) -> bool {
    service.env("CADDY_DOCKER_LABEL_PREFIX").is_some()
        || service
            .command_words()
            .any(|w| w.trim_start_matches('-').starts_with("label-prefix"))
}

/// Whether a caddy-docker-proxy runs as a controller or a server (`CADDY_DOCKER_MODE`,
/// `-mode`), asked of a caddy-docker-proxy: then one container generates the configuration
/// and others serve it, and which networks each uses is not read here.
fn distributed_caddy(service: &Service) -> bool {
    service.env("CADDY_DOCKER_MODE").is_some_and(|m| {
        m.value
            .as_ref()
            .is_none_or(|v| v.value.trim() != "standalone")
    }) || service
        .command_words()
        .any(|w| w.starts_with('-') && w.trim_start_matches('-').starts_with("mode"))
}

/// The networks caddy-docker-proxy connects to containers over (F-PROXY-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingress {
    /// Every network of its own container.
    Own,
    /// Those `CADDY_INGRESS_NETWORKS` or `-ingress-networks` lists, by Docker name.
    Named(Vec<String>),
    /// Set by a value that cannot be read (an unresolved variable).
    Unknown,
}

pub fn caddy_ingress_networks(service: &Service) -> Ingress {
    let listed = |value: &str| {
        Ingress::Named(
            value
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect(),
        )
    };
    let mut words = service.command_words();
    while let Some(word) = words.next() {
        let flag = word.trim_start_matches('-');
        if let Some(value) = flag.strip_prefix("ingress-networks=") {
            return listed(value);
        }
        if flag == "ingress-networks" && word.starts_with('-') {
            return words.next().map_or(Ingress::Unknown, listed);
        }
    }
    match service.env("CADDY_INGRESS_NETWORKS") {
        None => Ingress::Own,
        Some(var) => match &var.value {
            Some(v) if !v.value.trim().is_empty() => listed(&v.value),
            _ => Ingress::Unknown,
        },
    }
}

/// The label caddy-docker-proxy reads the network to use from, on the routed container.
pub const CADDY_NETWORK_LABEL: &str = "caddy_ingress_network";

/// A port a route names: where the proxy connects in the container it routes to.
#[derive(Debug, Clone)]
pub struct RoutePort {
    pub proxy: Proxy,
    /// The service that carries the setting.
    pub labelled: usize,
    /// The service whose container the proxy connects to (the labelled one, or the one an
    /// upstream written as `host:port` names).
    pub target: usize,
    pub port: u16,
    /// Where the port is written, or the setting that implies it.
    pub place: Span,
    /// Why the proxy takes this port when the setting writes none.
    pub implied: Option<&'static str>,
    /// The setting as the help writes it: the text before the port and after it.
    pub shape: (String, String),
    /// The edit that sets another port.
    pub edit: Option<PortEdit>,
}

/// Replace `span` with `before`, the port, `after`.
#[derive(Debug, Clone)]
pub struct PortEdit {
    pub span: Span,
    pub before: String,
    pub after: String,
}

impl PortEdit {
    pub fn content(&self, port: u16) -> String {
        format!("{}{port}{}", self.before, self.after)
    }
}

/// The proxies a project runs whose routes are read beside the routed services (Traefik's
/// labels are read whether or not Traefik runs).
struct Running {
    caddies: Vec<usize>,
    command_caddies: Vec<usize>,
    nginx_proxy: bool,
    nginxes: Vec<usize>,
    traefiks: Vec<usize>,
}

impl Running {
    fn in_project(project: &Project, net: &Network) -> Self {
        let running = running_proxies(project, net);
        Running {
            caddies: of_kind(&running, Proxy::Caddy),
            command_caddies: of_kind(&running, Proxy::CaddyCommand),
            nginx_proxy: !of_kind(&running, Proxy::NginxProxy).is_empty(),
            nginxes: of_kind(&running, Proxy::Nginx),
            traefiks: of_kind(&running, Proxy::Traefik),
        }
    }
}

/// Every port the project's routes name.
pub fn route_ports(project: &Project, net: &Network) -> Vec<RoutePort> {
    let Running {
        caddies,
        command_caddies,
        nginx_proxy,
        nginxes,
        ..
    } = Running::in_project(project, net);
    let mut out = Vec::new();
    for (i, service) in project.services.iter().enumerate() {
        if nginxes.contains(&i) {
            for (argument, directive, upstream) in nginx_upstreams(service) {
                let key = format!("{directive} ");
                let setting = Setting {
                    text: &argument,
                    whole: argument.primary_span().unwrap_or(service.key_span),
                    key: &key,
                };
                out.extend(upstream_port(
                    net,
                    Proxy::Nginx,
                    &[i],
                    i,
                    &setting,
                    &upstream,
                ));
            }
        }
        for label in &service.labels {
            if is_traefik_port(&label.key)
                && let Ok(port) = label.value.value.trim().parse::<u16>()
            {
                out.push(written_port(
                    Proxy::Traefik,
                    i,
                    port,
                    &label.value,
                    0..label.value.value.len(),
                    label.span,
                    (format!("{}=", label.key), String::new()),
                ));
            }
        }
        if !caddies.is_empty() {
            for upstream in caddy_upstreams(service) {
                let label = &service.labels[upstream.label];
                let key = format!("{}: ", label.key);
                let setting = Setting {
                    text: &label.value,
                    whole: label.span,
                    key: &key,
                };
                out.extend(upstream_port(
                    net,
                    Proxy::Caddy,
                    &caddies,
                    i,
                    &setting,
                    &upstream,
                ));
            }
        }
        if command_caddies.contains(&i) {
            for (word, upstream) in caddy_command_upstreams(service) {
                let Some(words) = &service.command else { break };
                let text = &words[word];
                let setting = Setting {
                    text,
                    whole: text.primary_span().unwrap_or(service.key_span),
                    key: if text.value.starts_with('-') {
                        ""
                    } else {
                        "--to "
                    },
                };
                out.extend(upstream_port(
                    net,
                    Proxy::CaddyCommand,
                    &[i],
                    i,
                    &setting,
                    &upstream,
                ));
            }
        }
        if nginx_proxy
            && is_nginx_proxied(service)
            && let Some(var) = service.env("VIRTUAL_PORT")
            && let Some(value) = &var.value
            && let Ok(port) = value.value.trim().parse::<u16>()
        {
            let place = match var.source {
                crate::compose::model::EnvSource::Environment { span }
                | crate::compose::model::EnvSource::EnvFile { span, .. } => span,
            };
            out.push(written_port(
                Proxy::NginxProxy,
                i,
                port,
                value,
                0..value.value.len(),
                place,
                ("VIRTUAL_PORT=".to_string(), String::new()),
            ));
        }
    }
    out
}

/// A port written in `text` at `range`.
fn written_port(
    proxy: Proxy,
    service: usize,
    port: u16,
    text: &Text,
    range: std::ops::Range<usize>,
    whole: Span,
    shape: (String, String),
) -> RoutePort {
    let exact = text.exact_span(range);
    RoutePort {
        proxy,
        labelled: service,
        target: service,
        port,
        place: exact.unwrap_or(whole),
        implied: None,
        shape,
        edit: exact.map(|span| PortEdit {
            span,
            before: String::new(),
            after: String::new(),
        }),
    }
}

/// Where an upstream is written: a label's value or a command word, the span to point at
/// when the upstream's own bytes cannot be told, and what the help writes before the text.
struct Setting<'a> {
    text: &'a Text,
    whole: Span,
    key: &'a str,
}

/// The port Caddy connects to for `upstream`, written in `setting` on service `service`;
/// a named upstream is looked up from `caddies`.
fn upstream_port(
    net: &Network,
    proxy: Proxy,
    caddies: &[usize],
    service: usize,
    setting: &Setting,
    upstream: &CaddyUpstream,
) -> Option<RoutePort> {
    let text = setting.text;
    let target = match &upstream.host {
        None => service,
        Some(host) => caddies.iter().find_map(|&p| match net.resolve(p, host) {
            Resolution::Sibling { service, .. } => Some(service),
            _ => None,
        })?,
    };
    // The setting as the help writes it, the upstream's port left out.
    let shape = |before: &str, after: &str| {
        (
            format!(
                "{}{}{before}",
                setting.key,
                &text.value[..upstream.range.start]
            ),
            format!("{after}{}", &text.value[upstream.range.end..]),
        )
    };
    match upstream.port {
        Some((port, ref range)) => Some(RoutePort {
            target,
            shape: shape(
                &text.value[upstream.range.start..range.start],
                &text.value[range.end..upstream.range.end],
            ),
            ..written_port(
                proxy,
                service,
                port,
                text,
                range.clone(),
                setting.whole,
                (String::new(), String::new()),
            )
        }),
        None => {
            let whole = &text.value[upstream.range.clone()];
            // Where the port goes: before the template's closing braces, or after the host.
            let (before, after) = if upstream.host.is_some() {
                (format!("{whole}:"), String::new())
            } else {
                let end = whole.len() - 2;
                (format!("{} ", &whole[..end]), whole[end..].to_string())
            };
            let exact = text.exact_span(upstream.range.clone());
            Some(RoutePort {
                proxy,
                labelled: service,
                target,
                port: upstream.default_port,
                place: exact.unwrap_or(setting.whole),
                implied: Some(match proxy {
                    Proxy::Nginx => {
                        "the address names no port, and nginx takes its scheme's default"
                    }
                    _ => "the upstream names no port, and Caddy takes its scheme's default",
                }),
                shape: shape(&before, &after),
                edit: exact.map(|span| PortEdit {
                    span,
                    before,
                    after,
                }),
            })
        }
    }
}

/// Whether `key` is the label that sets the port Traefik connects to.
pub fn is_traefik_port(key: &str) -> bool {
    let Some(rest) = key
        .strip_prefix("traefik.http.services.")
        .or_else(|| key.strip_prefix("traefik.tcp.services."))
    else {
        return false;
    };
    rest.split_once('.')
        .is_some_and(|(name, tail)| !name.is_empty() && tail == "loadbalancer.server.port")
}

/// An upstream of a caddy-docker-proxy `reverse_proxy` label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaddyUpstream {
    /// The label, by index in the service's labels.
    pub label: usize,
    /// The upstream's text in the label's value: `{{upstreams …}}` or `host[:port]`.
    pub range: std::ops::Range<usize>,
    /// The host it names; None for `{{upstreams}}`, the container's own addresses.
    pub host: Option<String>,
    /// The port and where it is written.
    pub port: Option<(u16, std::ops::Range<usize>)>,
    /// The port Caddy takes when none is written: 443 for `https`, else 80 (F-PROXY-5).
    pub default_port: u16,
}

/// The upstreams of the `reverse_proxy` directives in a service's caddy-docker-proxy labels,
/// in a site block (`caddy: example.com`, or numbered: `caddy_0`). A value holding anything
/// this does not read exactly (another template, a placeholder) gives none.
pub fn caddy_upstreams(service: &Service) -> Vec<CaddyUpstream> {
    let mut out = Vec::new();
    for (index, label) in service.labels.iter().enumerate() {
        let mut segments = label.key.split('.');
        let block = segments.next().unwrap_or("");
        if !is_caddy_block(block) {
            continue;
        }
        let directives: Vec<&str> = segments.collect();
        if directives.last().map(|d| directive_name(d)) != Some("reverse_proxy") {
            continue;
        }
        let has_site = service
            .labels
            .iter()
            .any(|l| l.key == block && !l.value.value.trim().is_empty());
        if !has_site {
            continue;
        }
        if let Some(upstreams) = read_reverse_proxy(&label.value.value) {
            out.extend(
                upstreams
                    .into_iter()
                    .map(|u| CaddyUpstream { label: index, ..u }),
            );
        }
    }
    out
}

/// The upstreams of `caddy reverse-proxy` in a service's command, each with the index of the
/// word it is written in: every `--to`/`-t` value (repeated, or comma-separated: the flag is
/// a list), read as `[http://]name[:port]` (F-PROXY-7). A value naming an IP address, a
/// domain or another scheme gives none for itself; the others are still read.
pub fn caddy_command_upstreams(service: &Service) -> Vec<(usize, CaddyUpstream)> {
    let Some(words) = &service.command else {
        return Vec::new();
    };
    let program = words.first().map(|w| w.value.as_str()).unwrap_or("");
    let caddy = program == "caddy" || program.ends_with("/caddy");
    if !caddy || words.get(1).map(|w| w.value.as_str()) != Some("reverse-proxy") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 2;
    while i < words.len() {
        let word = words[i].value.as_str();
        // The value's word and where the value starts in it.
        let value = match word {
            "--to" | "-t" => Some((i + 1, 0)),
            _ => ["--to=", "-t="]
                .iter()
                .find(|p| word.starts_with(*p))
                .map(|p| (i, p.len())),
        };
        if let Some((at, start)) = value
            && let Some(text) = words.get(at)
        {
            let mut offset = start;
            for item in text.value[start..].split(',') {
                let range = offset..offset + item.len();
                offset = range.end + 1;
                if let Some(upstream) = read_address(&text.value, range) {
                    out.push((at, upstream));
                }
            }
            i = at;
        }
        i += 1;
    }
    out
}

/// `caddy` or `caddy_<n>`: the labels caddy-docker-proxy reads (`^caddy(_\d+)?(\.|$)`,
/// F-PROXY-3).
fn is_caddy_block(first: &str) -> bool {
    first == "caddy"
        || first
            .strip_prefix("caddy_")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A directive's name without the ordering prefix (`1_`) or isolating suffix (`_0`).
fn directive_name(segment: &str) -> &str {
    let segment = match segment.split_once('_') {
        Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => segment,
    };
    match segment.rsplit_once('_') {
        Some((rest, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => segment,
    }
}

/// The upstreams of a `reverse_proxy` value (`[matcher] upstreams...`); None when any part
/// is not read exactly.
fn read_reverse_proxy(value: &str) -> Option<Vec<CaddyUpstream>> {
    let mut out = Vec::new();
    let mut rest = 0;
    let bytes = value.as_bytes();
    let mut first = true;
    while rest < value.len() {
        if bytes[rest].is_ascii_whitespace() {
            rest += 1;
            continue;
        }
        if value[rest..].starts_with("{{") {
            let end = rest + value[rest..].find("}}")? + 2;
            out.push(read_template(value, rest..end)?);
            rest = end;
        } else {
            let end = value[rest..]
                .find(|c: char| c.is_ascii_whitespace())
                .map_or(value.len(), |e| rest + e);
            let token = &value[rest..end];
            let matcher =
                first && (token.starts_with('/') || token.starts_with('@') || token == "*");
            if !matcher {
                out.push(read_address(value, rest..end)?);
            }
            rest = end;
        }
        first = false;
    }
    Some(out)
}

/// `{{upstreams [http|https|h2c] [port]}}`: a bare number is the port, a string the
/// protocol (F-PROXY-3).
fn read_template(value: &str, range: std::ops::Range<usize>) -> Option<CaddyUpstream> {
    let inner_start = range.start + 2;
    let inner = &value[inner_start..range.end - 2];
    let mut words = Vec::new();
    let mut at = 0;
    for word in inner.split_ascii_whitespace() {
        let offset = inner[at..].find(word)? + at;
        at = offset + word.len();
        words.push((word, inner_start + offset));
    }
    let (name, _) = words.first()?;
    if *name != "upstreams" {
        return None;
    }
    let mut scheme = None;
    let mut port = None;
    for &(word, offset) in &words[1..] {
        let unquoted = word.trim_matches('"');
        match unquoted {
            "http" | "https" | "h2c" if scheme.is_none() && port.is_none() => {
                scheme = Some(unquoted)
            }
            _ if port.is_none() && word.bytes().all(|b| b.is_ascii_digit()) => {
                port = Some((word.parse::<u16>().ok()?, offset..offset + word.len()));
            }
            _ => return None,
        }
    }
    Some(CaddyUpstream {
        label: 0,
        range,
        host: None,
        port,
        default_port: if scheme == Some("https") { 443 } else { 80 },
    })
}

/// `[http://]host[:port]`, the host a single-label name (what a service name is).
fn read_address(value: &str, range: std::ops::Range<usize>) -> Option<CaddyUpstream> {
    let token = &value[range.clone()];
    let address = match token.split_once("://") {
        Some(("http" | "h2c", address)) => address,
        Some(_) => return None,
        None => token,
    };
    let address_start = range.end - address.len();
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => {
            let start = address_start + host.len() + 1;
            (host, Some((port.parse::<u16>().ok()?, start..range.end)))
        }
        None => (address, None),
    };
    let name = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !host.bytes().all(|b| b.is_ascii_digit());
    name.then(|| CaddyUpstream {
        label: 0,
        range,
        host: Some(host.to_string()),
        port,
        default_port: 80,
    })
}

/// The upstreams nginx sends requests to that name a service, in the configuration files
/// mounted into its container (F-PROXY-8): each with the directive's argument it is written
/// in and the directive's name. An address naming an IP address, a domain or a variable
/// gives none.
pub fn nginx_upstreams(service: &Service) -> Vec<(Text, &'static str, CaddyUpstream)> {
    nginx_addresses(service)
        .into_iter()
        .filter_map(|(argument, address)| {
            let upstream = read_address(&argument.value, address.address.clone())?;
            let upstream = CaddyUpstream {
                default_port: address.default_port,
                ..upstream
            };
            Some((argument, address.directive, upstream))
        })
        .collect()
}

/// Every address the nginx configuration files of a service send requests to, each with the
/// directive's argument it is written in (F-PROXY-8).
fn nginx_addresses(service: &Service) -> Vec<(Text, nginx::UpstreamAddress)> {
    let configs = &service.nginx_configs;
    let all: Vec<&str> = configs.iter().map(|c| c.value.as_str()).collect();
    configs
        .iter()
        .zip(nginx::upstream_addresses_of(&all))
        .flat_map(|(config, addresses)| {
            addresses
                .into_iter()
                .map(|address| (config.slice(address.argument.clone()), address))
        })
        .collect()
}

/// An address an nginx configuration sends requests to that is nginx's own container
/// (`localhost`, `127.0.0.1`, `[::1]`) on a port nothing there listens on.
#[derive(Debug, Clone)]
pub struct LoopbackUpstream {
    /// The nginx service.
    pub proxy: usize,
    /// The directive's argument it is written in, and the directive.
    pub argument: Text,
    pub directive: &'static str,
    /// The `host[:port]` part of the argument.
    pub address: std::ops::Range<usize>,
    pub port: u16,
    /// The ports the files' `listen` directives open.
    pub listens: Vec<u16>,
}

/// The loopback upstreams of each nginx the project runs, where the files read are all that
/// can open a port in its container: nginx runs alone there (its own command, no service
/// sharing its network namespace), every file mounted under `/etc/nginx` is one it reads or
/// a certificate or key, and those files include nothing else that could hold a `listen`.
pub fn nginx_loopback_upstreams(project: &Project, net: &Network) -> Vec<LoopbackUpstream> {
    let mut out = Vec::new();
    for i in proxies(project, net, Proxy::Nginx) {
        let service = &project.services[i];
        let shared = (0..project.services.len()).any(|j| {
            j != i
                && matches!(net.namespace(j), Namespace::Own { service: owner, .. } if *owner == i)
        });
        let own_program = service.entrypoint.is_none()
            && service.command.as_ref().is_none_or(|words| {
                words
                    .first()
                    .is_some_and(|w| matches!(w.value.as_str(), "nginx" | "nginx-debug"))
            });
        // A named volume there holds files this does not read, whatever its target.
        let unread_mount = service.volumes.iter().any(|m| {
            let read = m.kind == "bind"
                && (nginx::reads_file(&m.target) || nginx::reads_in_directory(&m.target).is_some());
            m.target.starts_with("/etc/nginx")
                && !read
                && ![".crt", ".pem", ".key", ".htpasswd"]
                    .iter()
                    .any(|ext| m.target.ends_with(ext))
        });
        if shared || !own_program || unread_mount {
            continue;
        }
        let configs = &service.nginx_configs;
        if !configs.iter().all(|c| nginx::includes_only_known(&c.value)) {
            continue;
        }
        let Some(mut listens) = configs
            .iter()
            .map(|c| nginx::listen_ports(&c.value))
            .collect::<Option<Vec<Vec<u16>>>>()
            .map(|ports| ports.concat())
        else {
            continue;
        };
        listens.sort_unstable();
        listens.dedup();
        // The image's own `conf.d/default.conf` (port 80; 8080 unprivileged) may still be read.
        let default_port = nginx::image_default_port(&service_image_path(service));
        for (argument, address) in nginx_addresses(service) {
            let written = &argument.value[address.address.clone()];
            let (host, port) = match written.rsplit_once(':') {
                Some((host, port)) if !host.ends_with(':') => (host, port.parse().ok()),
                _ => (written, Some(address.default_port)),
            };
            let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
            let Some(port) =
                port.filter(|p| loopback && !listens.contains(p) && *p != default_port)
            else {
                continue;
            };
            out.push(LoopbackUpstream {
                proxy: i,
                argument,
                directive: address.directive,
                address: address.address,
                port,
                listens: listens.clone(),
            });
        }
    }
    out
}

/// A service's image repository path (`nginx` for `nginx:1.27-alpine`), or "".
fn service_image_path(service: &Service) -> String {
    service
        .image
        .as_ref()
        .and_then(|i| ImageRef::parse(&i.value))
        .map(|i| i.path)
        .unwrap_or_default()
}

/// The label nginx-proxy's template looks for on the container that runs nginx, unless
/// `NGINX_CONTAINER_LABEL` names another (F-PROXY-6).
const NGINX_CONTAINER_LABEL: &str = "com.github.nginx-proxy.nginx-proxy.nginx";

/// The services whose networks nginx-proxy (service `proxy`) writes upstreams for besides
/// its own: those carrying the label it looks for on nginx's container, which its template
/// takes in place of its own container (two containers, nginx and docker-gen, F-PROXY-6).
/// None when `NGINX_CONTAINER_LABEL` names the label by a value that cannot be read.
pub fn nginx_proxy_network_containers(project: &Project, proxy: usize) -> Option<Vec<usize>> {
    let key = match project.services[proxy].env("NGINX_CONTAINER_LABEL") {
        Some(var) => var.value.as_ref()?.value.trim().to_string(),
        None => NGINX_CONTAINER_LABEL.to_string(),
    };
    if key.is_empty() || key.contains('$') {
        return None;
    }
    Some(
        (0..project.services.len())
            .filter(|&i| i != proxy && label(&project.services[i], &key).is_some())
            .collect(),
    )
}

/// Whether nginx-proxy routes to the service: a `VIRTUAL_HOST` with a value (F-PROXY-6).
fn is_nginx_proxied(service: &Service) -> bool {
    service
        .env("VIRTUAL_HOST")
        .and_then(|v| v.value.as_ref())
        .is_some_and(|v| !v.value.trim().is_empty())
}

/// A service a proxy routes to, and how the proxy reaches it.
#[derive(Debug, Clone)]
pub struct Route {
    pub proxy: Proxy,
    /// The service that carries the route.
    pub service: usize,
    /// The label or variable that makes the route.
    pub place: Span,
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The proxy connects to the container's address on a network both are on; `network`
    /// names the one it must be (a label, by Docker name).
    Address { network: Option<String> },
    /// The proxy connects to a name the route writes (`app:8080`), resolved from the proxy:
    /// the service it names.
    Name { host: String, target: usize },
}

/// Every route the project's services carry, for the proxies the project runs.
pub fn routes(project: &Project, net: &Network) -> Vec<Route> {
    let Running {
        caddies,
        command_caddies,
        nginx_proxy,
        nginxes,
        traefiks,
    } = Running::in_project(project, net);
    // Without `traefik.enable=true`, a container is routed only by a Traefik that exposes
    // containers by default (F-PROXY-9).
    let exposed_by_default = traefiks
        .iter()
        .all(|&t| traefik_exposes_by_default(&project.services[t]));
    let mut out = Vec::new();
    for (i, service) in project.services.iter().enumerate() {
        if nginxes.contains(&i) {
            for (argument, _, upstream) in nginx_upstreams(service) {
                out.extend(own_name_route(
                    net,
                    Proxy::Nginx,
                    i,
                    service,
                    &argument,
                    upstream,
                ));
            }
        }
        let enabled = label(service, "traefik.enable")
            .is_some_and(|l| l.value.value.trim().eq_ignore_ascii_case("true"));
        if let Some(place) = traefik_routing_label(service)
            && (enabled || exposed_by_default)
        {
            out.push(Route {
                proxy: Proxy::Traefik,
                service: i,
                place,
                via: Via::Address { network: None },
            });
        }
        if !caddies.is_empty() {
            let network = label(service, CADDY_NETWORK_LABEL).map(|l| l.value.value.clone());
            let upstreams = caddy_upstreams(service);
            if let Some(first) = upstreams.iter().find(|u| u.host.is_none()) {
                out.push(Route {
                    proxy: Proxy::Caddy,
                    service: i,
                    place: service.labels[first.label].span,
                    via: Via::Address { network },
                });
            }
            for upstream in upstreams {
                let Some(host) = upstream.host else { continue };
                let target = caddies.iter().find_map(|&p| match net.resolve(p, &host) {
                    Resolution::Sibling { service, .. }
                    | Resolution::Unreachable { service, .. } => Some(service),
                    _ => None,
                });
                if let Some(target) = target {
                    let text = &service.labels[upstream.label].value;
                    out.push(Route {
                        proxy: Proxy::Caddy,
                        service: i,
                        place: text
                            .exact_span(upstream.range.clone())
                            .unwrap_or(service.labels[upstream.label].span),
                        via: Via::Name { host, target },
                    });
                }
            }
        }
        if command_caddies.contains(&i)
            && let Some(words) = &service.command
        {
            for (word, upstream) in caddy_command_upstreams(service) {
                let text = &words[word];
                out.extend(own_name_route(
                    net,
                    Proxy::CaddyCommand,
                    i,
                    service,
                    text,
                    upstream,
                ));
            }
        }
        if nginx_proxy && is_nginx_proxied(service) {
            let var = service.env("VIRTUAL_HOST");
            if let Some(
                crate::compose::model::EnvSource::Environment { span }
                | crate::compose::model::EnvSource::EnvFile { span, .. },
            ) = var.map(|v| v.source.clone())
            {
                out.push(Route {
                    proxy: Proxy::NginxProxy,
                    service: i,
                    place: span,
                    via: Via::Address { network: None },
                });
            }
        }
    }
    out
}

/// The route a proxy told its upstreams in its own settings (`service`, index `proxy_index`)
/// takes to an upstream written by name in `text`: to the service the name resolves to from
/// the proxy's container, reachable or not; None for a name that is no service's.
fn own_name_route(
    net: &Network,
    proxy: Proxy,
    proxy_index: usize,
    service: &Service,
    text: &Text,
    upstream: CaddyUpstream,
) -> Option<Route> {
    let host = upstream.host?;
    let target = match net.resolve(proxy_index, &host) {
        Resolution::Sibling { service, .. } | Resolution::Unreachable { service, .. } => service,
        _ => return None,
    };
    Some(Route {
        proxy,
        service: proxy_index,
        place: text
            .exact_span(upstream.range.clone())
            .or_else(|| text.primary_span())
            .unwrap_or(service.key_span),
        via: Via::Name { host, target },
    })
}

fn label<'a>(service: &'a Service, key: &str) -> Option<&'a Label> {
    service.labels.iter().find(|l| l.key == key)
}

/// The label that names the network Traefik connects to a container on.
pub const TRAEFIK_NETWORK_LABEL: &str = "traefik.docker.network";

/// The label that makes Traefik route to the service: `traefik.enable=true`, or any router
/// or service definition (with the provider's default `exposedByDefault`).
fn traefik_routing_label(service: &Service) -> Option<Span> {
    let disabled = service
        .labels
        .iter()
        .any(|l| l.key == "traefik.enable" && l.value.value.trim().eq_ignore_ascii_case("false"));
    if disabled {
        return None;
    }
    service
        .labels
        .iter()
        .find(|l| {
            (l.key == "traefik.enable" && l.value.value.trim().eq_ignore_ascii_case("true"))
                || ["traefik.http.", "traefik.tcp.", "traefik.udp."]
                    .iter()
                    .any(|p| l.key.starts_with(p))
        })
        .map(|l| l.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caddy_reverse_proxy_upstreams_are_every_to_value_and_list_item() {
        let mut service = Service::named("caddy", Span::new(crate::source::FileId(0), 0, 0));
        let words = |ws: &[&str]| Some(ws.iter().map(|w| Text::synthetic(*w)).collect());
        service.command = words(&[
            "caddy",
            "reverse-proxy",
            "--from",
            "example.com",
            "--to",
            "web:8080",
            "--to=api,http://app:3000",
            "-t",
            "10.0.0.5:80",
            "--change-host-header",
        ]);
        let got: Vec<(usize, Option<String>, Option<u16>)> = caddy_command_upstreams(&service)
            .into_iter()
            .map(|(w, u)| (w, u.host, u.port.map(|(p, _)| p)))
            .collect();
        assert_eq!(
            got,
            vec![
                (5, Some("web".into()), Some(8080)),
                (6, Some("api".into()), None),
                (6, Some("app".into()), Some(3000)),
            ]
        );
        // Another command of the image, or another program, holds no upstreams.
        service.command = words(&["caddy", "run", "--config", "/etc/caddy/Caddyfile"]);
        assert!(caddy_command_upstreams(&service).is_empty());
        service.command = words(&["sh", "-c", "caddy reverse-proxy --to web:80"]);
        assert!(caddy_command_upstreams(&service).is_empty());
    }

    #[test]
    fn only_the_server_port_label_is_read() {
        assert!(is_traefik_port(
            "traefik.http.services.web.loadbalancer.server.port"
        ));
        assert!(is_traefik_port(
            "traefik.tcp.services.db.loadbalancer.server.port"
        ));
        assert!(!is_traefik_port("traefik.http.routers.web.rule"));
        assert!(!is_traefik_port(
            "traefik.http.services..loadbalancer.server.port"
        ));
        assert!(!is_traefik_port(
            "traefik.http.services.web.loadbalancer.server.scheme"
        ));
    }

    /// An upstream as read: host, port, default port, text.
    type Read = (Option<String>, Option<u16>, u16, String);

    fn upstreams(value: &str) -> Option<Vec<Read>> {
        read_reverse_proxy(value).map(|all| {
            all.into_iter()
                .map(|u| {
                    (
                        u.host,
                        u.port.as_ref().map(|p| p.0),
                        u.default_port,
                        value[u.range].to_string(),
                    )
                })
                .collect()
        })
    }

    #[test]
    fn the_upstreams_template_forms_are_read() {
        assert_eq!(
            upstreams("{{upstreams 8080}}"),
            Some(vec![(None, Some(8080), 80, "{{upstreams 8080}}".into())])
        );
        assert_eq!(
            upstreams("{{ upstreams http 8080 }}"),
            Some(vec![(
                None,
                Some(8080),
                80,
                "{{ upstreams http 8080 }}".into()
            )])
        );
        assert_eq!(
            upstreams("{{upstreams https}}"),
            Some(vec![(None, None, 443, "{{upstreams https}}".into())])
        );
        assert_eq!(
            upstreams("/api* {{upstreams}}"),
            Some(vec![(None, None, 80, "{{upstreams}}".into())])
        );
        assert_eq!(
            upstreams("app:8080"),
            Some(vec![(
                Some("app".into()),
                Some(8080),
                80,
                "app:8080".into()
            )])
        );
        // What is not read exactly gives nothing.
        for unread in [
            "{{upstreams .Port}}",
            "{{upstreams \"8080\"}}",
            "{{index .Names 0}}:80",
            "{env.UPSTREAM}",
            "https://app:8443",
            "example.com:80",
            "{{",
            "{{}}",
            "{{ }} app:80",
            ":80",
            "app:",
            "app:99999",
            "é {{upstreams}}",
        ] {
            assert_eq!(upstreams(unread), None, "{unread}");
        }
    }

    fn service(yaml: &str) -> Service {
        use crate::compose::load::{LoadOptions, load_project};
        let mut fs = crate::fs::MemFs::new();
        fs.insert("/p/compose.yaml", yaml);
        let paths = [std::path::PathBuf::from("/p/compose.yaml")];
        let (project, ..) = load_project(&fs, &paths, &LoadOptions::default()).unwrap();
        project.services.into_iter().next().unwrap()
    }

    #[test]
    fn caddy_ingress_networks_come_from_the_flag_or_the_variable() {
        let caddy = |rest: &str| {
            service(&format!(
                "services:\n  caddy:\n    image: lucaslorentz/caddy-docker-proxy\n{rest}"
            ))
        };
        let named = |names: &[&str]| Ingress::Named(names.iter().map(|n| n.to_string()).collect());
        assert_eq!(caddy_ingress_networks(&caddy("")), Ingress::Own);
        assert_eq!(
            caddy_ingress_networks(&caddy(
                "    environment:\n      CADDY_INGRESS_NETWORKS: a, b\n"
            )),
            named(&["a", "b"])
        );
        assert_eq!(
            caddy_ingress_networks(&caddy("    command: docker-proxy --ingress-networks=a\n")),
            named(&["a"])
        );
        assert_eq!(
            caddy_ingress_networks(&caddy("    command: docker-proxy -ingress-networks a,b\n")),
            named(&["a", "b"])
        );
        assert_eq!(
            caddy_ingress_networks(&caddy("    command: docker-proxy -ingress-networks\n")),
            Ingress::Unknown
        );
        assert_eq!(
            caddy_ingress_networks(&caddy(
                "    environment:\n      CADDY_INGRESS_NETWORKS: \"\"\n"
            )),
            Ingress::Unknown
        );
        assert!(other_label_prefix(&caddy(
            "    environment:\n      CADDY_DOCKER_LABEL_PREFIX: web\n"
        )));
        assert!(distributed_caddy(&caddy(
            "    command: docker-proxy -mode controller\n"
        )));
        assert!(!distributed_caddy(&caddy(
            "    environment:\n      CADDY_DOCKER_MODE: standalone\n"
        )));
    }

    #[test]
    fn numbered_directives_and_blocks_are_read() {
        assert!(is_caddy_block("caddy"));
        assert!(is_caddy_block("caddy_0"));
        assert!(!is_caddy_block("caddy_ingress_network"));
        assert!(!is_caddy_block("caddyx"));
        assert_eq!(directive_name("reverse_proxy"), "reverse_proxy");
        assert_eq!(directive_name("1_reverse_proxy"), "reverse_proxy");
        assert_eq!(directive_name("reverse_proxy_2"), "reverse_proxy");
        assert_eq!(directive_name("handle_path"), "handle_path");
    }
}
