use super::oll007_no_shared_network::list;
use super::{Context, declare_rule};
use crate::compose::model::Service;
use crate::diagnostic::{Diagnostic, Severity};
use crate::net::Resolution;
use crate::proxies::{
    CADDY_NETWORK_LABEL, Ingress, Proxy, Route, TRAEFIK_NETWORK_LABEL as NETWORK_LABEL, Via,
    caddy_ingress_networks, nginx_proxy_network_containers, of_kind, own_networks, routes,
    running_proxies,
};

declare_rule! {
    /// A service a reverse proxy routes to by its labels or variables that shares no network
    /// with the proxy.
    ///
    /// ## What it does
    /// Reports a service with Traefik labels (`traefik.enable=true`, a router or a service)
    /// when the project runs Traefik (`traefik` image) and the two share no network. Also,
    /// as a warning, a routed service on several networks, some of which Traefik is not on,
    /// with nothing that says which one Traefik must use.
    ///
    /// The same for the other proxies that read containers, when the project runs them:
    /// - caddy-docker-proxy (`lucaslorentz/caddy-docker-proxy`): a service whose
    ///   `reverse_proxy` label uses `{{upstreams …}}` and that is on none of the proxy's
    ///   ingress networks (`CADDY_INGRESS_NETWORKS`, else the networks of Caddy's own
    ///   container) that Caddy is on, or whose `caddy_ingress_network` label names no network
    ///   both share (it takes the Docker name); and an upstream written as a name
    ///   (`app:8080`) of a service Caddy's container shares no network with;
    /// - nginx-proxy (`nginxproxy/nginx-proxy`, `jwilder/nginx-proxy`): a service with
    ///   `VIRTUAL_HOST` that shares no network with it, nor with a container labeled
    ///   `com.github.nginx-proxy.nginx-proxy.nginx` (nginx's, when nginx and docker-gen
    ///   run apart, as with the `-dockergen` image; `NGINX_CONTAINER_LABEL` names another);
    /// - Caddy run as `caddy reverse-proxy`: a `--to` upstream naming a service Caddy's
    ///   container shares no network with (F-PROXY-7);
    /// - nginx (`nginx`, `nginxinc/nginx-unprivileged`) with its configuration bind-mounted
    ///   where the image reads it: a `proxy_pass http://name…`, or a `server` of the
    ///   `upstream` block it names, naming a service nginx's container shares no network
    ///   with. nginx resolves these names when it starts and exits on one it cannot (`host
    ///   not found in upstream`, F-PROXY-8).
    ///
    /// ## Why is this bad?
    /// Traefik's Docker provider forwards a request to the container's IP address on one of
    /// the container's networks. A network Traefik is not attached to is isolated from it:
    /// the request times out, and the client gets `504 Gateway Timeout` or `502 Bad Gateway`
    /// (traefik/traefik#959). When the container is on several networks, Traefik takes one of
    /// them unless the label `traefik.docker.network` or the provider's `network` option
    /// names it; taking one Traefik is not on fails the same way, and which one it takes can
    /// change when the configuration is refreshed (traefik/traefik#979, facts F-PROXY-2 in
    /// `docs/knowledge/facts.md`). caddy-docker-proxy gives the container's addresses on its
    /// ingress networks only, and with none left, no upstream ("Container is not in same
    /// network as caddy", F-PROXY-4); nginx-proxy writes an upstream only for a network its
    /// own container is on (F-PROXY-6).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   traefik:
    ///     image: traefik:v3.1
    ///     command: ["--providers.docker=true", "--entrypoints.web.address=:80"]
    ///     ports: ["80:80"]
    ///     networks: [proxy]
    ///     volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
    ///   whoami:
    ///     image: traefik/whoami
    ///     labels:
    ///       - traefik.http.routers.whoami.rule=Host(`whoami.localhost`)
    /// networks:
    ///   proxy: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   traefik:
    ///     image: traefik:v3.1
    ///     command: ["--providers.docker=true", "--entrypoints.web.address=:80"]
    ///     ports: ["80:80"]
    ///     networks: [proxy]
    ///     volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]
    ///   whoami:
    ///     image: traefik/whoami
    ///     networks: [proxy]
    ///     labels:
    ///       - traefik.http.routers.whoami.rule=Host(`whoami.localhost`)
    /// networks:
    ///   proxy: {}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: attaching the service to a network of Traefik's changes which containers can
    /// reach it, and leaves it on several networks, where the label must name the Docker
    /// name of the right one; the help says both.
    ///
    /// ## Exceptions
    /// Not reported when Traefik uses published ports instead of container addresses
    /// (`useBindPortIP`), runs in the host's network namespace (it then reaches every
    /// container's address), or, for the warning, when a mounted Traefik configuration file
    /// may name the network; nor is a service without `traefik.enable=true` when Traefik
    /// does not expose containers by default, or may not (its static configuration is in a
    /// file, F-PROXY-9). A proxy of another project, reached through an external
    /// network, is not seen here; nor is caddy-docker-proxy in distributed mode, told another
    /// label prefix, or told ingress networks by a value that cannot be read.
    pub static RULE = {
        code: "NET024",
        name: "proxy-shares-no-network",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let routes = routes(ctx.project, ctx.net);
    let running = if routes.is_empty() {
        Vec::new()
    } else {
        running_proxies(ctx.project, ctx.net)
    };
    for route in routes {
        // A proxy told its routes in its own settings routes from that container alone.
        let mut proxies = match route.proxy {
            kind if kind.routes_itself() => vec![route.service],
            kind => of_kind(&running, kind),
        };
        if route.proxy == Proxy::NginxProxy {
            // nginx-proxy's template takes the networks of the container labeled as nginx's,
            // where there is one; older templates took its own: either reaches the route.
            let labeled: Option<Vec<Vec<usize>>> = proxies
                .iter()
                .map(|&p| nginx_proxy_network_containers(ctx.project, p))
                .collect();
            let Some(labeled) = labeled else { continue };
            let mut labeled: Vec<usize> = labeled.concat();
            labeled.retain(|i| !proxies.contains(i));
            labeled.dedup();
            proxies.splice(0..0, labeled);
        }
        // A proxy's labels on its own container route to itself (Traefik's dashboard), not
        // through a network; a name they write is looked up like any other.
        let own = proxies.contains(&route.service) && matches!(route.via, Via::Address { .. });
        if proxies.is_empty() || own {
            continue;
        }
        let d = match &route.via {
            Via::Address { network } => address_route(ctx, &route, &proxies, network.as_deref()),
            Via::Name { host, target } => name_route(ctx, &route, &proxies, host, *target),
        };
        out.extend(d);
    }
    out
}

/// A route to the container's own address: the proxy must share a network with it that it
/// may use.
fn address_route(
    ctx: &Context,
    route: &Route,
    proxies: &[usize],
    network: Option<&str>,
) -> Option<Diagnostic> {
    let service = &ctx.project.services[route.service];
    if route.proxy == Proxy::Traefik && service.labels.iter().any(|l| l.key == NETWORK_LABEL) {
        return None;
    }
    let networks = own_networks(ctx.net, route.service)?;
    // The networks each proxy may connect over (Docker names); None: any it is on.
    let mut allowed = Vec::new();
    for &p in proxies {
        let ingress = match route.proxy {
            Proxy::Caddy => match caddy_ingress_networks(&ctx.project.services[p]) {
                Ingress::Own => None,
                Ingress::Named(names) => Some(names),
                Ingress::Unknown => return None,
            },
            _ => None,
        };
        allowed.push(network.map(|n| vec![n.to_string()]).or(ingress));
    }
    let usable = |k: usize, n: &String| {
        on_network(ctx, proxies[k], n)
            && allowed[k]
                .as_ref()
                .is_none_or(|names| names.iter().any(|l| may_be_named(ctx, n, l)))
    };
    let reaches = |k: usize| match allowed[k] {
        None => matches!(
            ctx.net.resolve(proxies[k], &service.name),
            Resolution::Sibling { .. }
        ),
        Some(_) => networks.iter().any(|n| usable(k, n)),
    };
    let proxy = proxies[0];
    let proxy_name = &ctx.project.services[proxy].name;
    let proxy_networks = own_networks(ctx.net, proxy).unwrap_or_default();
    let kind = route.proxy.name();
    if !(0..proxies.len()).any(reaches) {
        let shares = networks.iter().any(|n| on_network(ctx, proxy, n));
        let message = match (&allowed[0], shares, network) {
            (Some(_), true, Some(n)) => format!(
                "{kind} routes to `{}` by its labels, but its `{CADDY_NETWORK_LABEL}` label names `{n}`, and no network `{proxy_name}` and `{}` share has that Docker name (`{}` is on {}): {}",
                service.name,
                service.name,
                service.name,
                list(&networks),
                consequence(route.proxy),
            ),
            (Some(names), true, None) => format!(
                "{kind} routes to `{}` by its labels, but connects to containers only over its ingress networks ({}, by Docker name), and `{proxy_name}` and `{}` ({}) share none of them: {}",
                service.name,
                list(names),
                service.name,
                list(&networks),
                consequence(route.proxy),
            ),
            _ => format!(
                "{kind} routes to `{}` by its {}, but `{proxy_name}` ({}) and `{}` ({}) share no network: {}",
                service.name,
                if route.proxy == Proxy::NginxProxy {
                    "`VIRTUAL_HOST`"
                } else {
                    "labels"
                },
                list(&proxy_networks),
                service.name,
                list(&networks),
                consequence(route.proxy),
            ),
        };
        let shared = networks.iter().find(|n| on_network(ctx, proxy, n));
        // When a network is shared, what is wrong is the label that names another.
        let place = service
            .labels
            .iter()
            .find(|l| l.key == CADDY_NETWORK_LABEL && shared.is_some())
            .map_or(route.place, |l| l.span);
        let mut d = RULE
            .diagnostic(message, Some(place))
            .with_service(service.name.as_str());
        if let (Some(_), Some(shared)) = (network, shared) {
            d = d.with_help(format!(
                "name a network both are on by its Docker name: `{CADDY_NETWORK_LABEL}: {}`",
                docker_name(ctx, shared)
            ));
            return Some(d);
        }
        // An ingress network listed by its key in this file, where Docker knows it by another
        // name: no network matches, and every route fails alike.
        let by_key = allowed[0].as_ref().and_then(|names| {
            networks.iter().find(|n| {
                on_network(ctx, proxy, n)
                    && names.contains(n)
                    && !names.iter().any(|l| may_be_named(ctx, n, l))
            })
        });
        if let Some(n) = by_key {
            d = d.with_help(format!(
                "the ingress networks are Docker names: list `{}` in place of `{n}`",
                docker_name(ctx, n)
            ));
            return Some(d);
        }
        let attach = proxy_networks.iter().find(|n| {
            allowed[0]
                .as_ref()
                .is_none_or(|names| names.iter().any(|l| may_be_named(ctx, n, l)))
        });
        if let Some(network) = attach {
            // Attached to one more network, the service is on several: Traefik's label says
            // which one it must use.
            let label = if networks.is_empty() || route.proxy != Proxy::Traefik {
                String::new()
            } else {
                format!(", and label it `{}`", network_label(ctx, network))
            };
            d = d.with_help(format!(
                "attach `{}` to network `{network}`{label}",
                service.name
            ));
        }
        return Some(d);
    }
    if route.proxy != Proxy::Traefik {
        // caddy-docker-proxy and nginx-proxy connect over every network they may use.
        return None;
    }
    // Several networks, some of them not Traefik's, and nothing naming the one to use.
    let unshared: Vec<&String> = networks
        .iter()
        .filter(|n| !proxies.iter().any(|&p| on_network(ctx, p, n)))
        .collect();
    let chooses = proxies
        .iter()
        .any(|&p| names_network(&ctx.project.services[p]));
    if networks.len() > 1 && !unshared.is_empty() && !chooses {
        let shared = networks.iter().find(|n| !unshared.contains(n));
        let message = format!(
            "Traefik routes to `{}`, which is on several networks ({}), but `{proxy_name}` is not on `{}`: nothing names the network Traefik must use (`{NETWORK_LABEL}`), and it may pick that one, where requests time out",
            service.name,
            list(&networks),
            unshared[0],
        );
        let mut d = RULE
            .diagnostic(message, Some(route.place))
            .with_service(service.name.as_str());
        d.severity = Severity::Warning;
        if let Some(shared) = shared {
            d = d.with_help(format!(
                "name the network Traefik shares with it: `{}`",
                network_label(ctx, shared)
            ));
        }
        return Some(d);
    }
    None
}

/// A route to a name written in the route (`reverse_proxy app:8080`): the proxy must share
/// a network with the service the name stands for.
fn name_route(
    ctx: &Context,
    route: &Route,
    proxies: &[usize],
    host: &str,
    target: usize,
) -> Option<Diagnostic> {
    let resolves = proxies
        .iter()
        .any(|&p| matches!(ctx.net.resolve(p, host), Resolution::Sibling { .. }));
    if resolves {
        return None;
    }
    let proxy_name = &ctx.project.services[proxies[0]].name;
    let proxy_networks = own_networks(ctx.net, proxies[0]).unwrap_or_default();
    let target_service = &ctx.project.services[target];
    let target_networks = own_networks(ctx.net, target)?;
    let labelled = &ctx.project.services[route.service];
    let written = match route.proxy {
        Proxy::CaddyCommand => "in its command".to_string(),
        Proxy::Nginx => "in its configuration".to_string(),
        _ => format!("in the labels of `{}`", labelled.name),
    };
    // Where it stops nginx as a whole, that is said (other proxies answer 502 for the route).
    let consequence = match route.proxy {
        Proxy::Nginx => format!("; {}", consequence(route.proxy)),
        _ => String::new(),
    };
    let message = format!(
        "{} sends requests to `{host}` (an upstream {written}), but `{proxy_name}` ({}) and `{}` ({}) share no network: the name does not resolve in the proxy's container{consequence}",
        route.proxy.name(),
        list(&proxy_networks),
        target_service.name,
        list(&target_networks),
    );
    let mut d = RULE
        .diagnostic(message, Some(route.place))
        .with_service(labelled.name.as_str());
    if let Some(network) = proxy_networks.first() {
        d = d.with_help(format!(
            "attach `{}` to network `{network}`",
            target_service.name
        ));
    }
    Some(d)
}

/// What the user sees when the proxy cannot reach the container.
fn consequence(proxy: Proxy) -> &'static str {
    match proxy {
        Proxy::Traefik => {
            "Traefik cannot reach the container's address, and requests time out (504)"
        }
        Proxy::Caddy => {
            "caddy-docker-proxy finds no address of the container to send requests to (\"Container is not in same network as caddy\" in its log)"
        }
        Proxy::NginxProxy => {
            "nginx-proxy finds no network to reach the container on, and the site gets no upstream that answers"
        }
        Proxy::CaddyCommand => {
            "Caddy cannot look the name up, and answers every request with 502 Bad Gateway"
        }
        // nginx resolves the names it proxies to when it starts (F-PROXY-8).
        Proxy::Nginx => {
            "nginx cannot look the name up when it starts, and exits with `host not found in upstream`"
        }
    }
}

/// The Docker name of the project's network `key`: Compose prefixes it with the project's
/// name unless the network sets `name:`.
fn docker_name(ctx: &Context, key: &str) -> String {
    ctx.project
        .network(key)
        .map_or_else(|| format!("{}_{key}", ctx.project.name), |n| n.name.clone())
}

/// Whether `listed`, a Docker network name, may be the project's network `key`: its own
/// name when set (`name:`, external), else the project's prefix and the key, and since the
/// project's name may be given when Compose runs (`-p`), any prefix.
fn may_be_named(ctx: &Context, key: &str, listed: &str) -> bool {
    let docker = docker_name(ctx, key);
    let prefixed = format!("{}_{key}", ctx.project.name);
    listed == docker || (docker == prefixed && listed.ends_with(&format!("_{key}")))
}

/// The label that sends Traefik to `network`, by its Docker name.
fn network_label(ctx: &Context, network: &str) -> String {
    format!("{NETWORK_LABEL}={}", docker_name(ctx, network))
}

/// Whether Traefik may be told the network to use: the provider's `network` option, or a
/// mounted file configuration (`traefik.yml`, `/etc/traefik`) that this check does not read.
fn names_network(service: &Service) -> bool {
    service.command_words().any(|w| {
        w.to_ascii_lowercase()
            .starts_with("--providers.docker.network")
    }) || service
        .command_words()
        .any(|w| w.starts_with("--configFile"))
        || service.volumes.iter().any(|m| {
            m.kind == "bind"
                && (m.target.starts_with("/etc/traefik") || m.target.contains("traefik."))
        })
}

fn on_network(ctx: &Context, service: usize, network: &str) -> bool {
    own_networks(ctx.net, service).is_some_and(|n| n.iter().any(|x| x == network))
}
