use super::reference_report::safe_fix;
use super::{Context, declare_rule};
use crate::diagnostic::{Diagnostic, Edit};
use crate::net::Namespace;
use crate::proxies::route_ports;
use crate::reach::kind_name;

declare_rule! {
    /// A reverse proxy's label or variable sends requests to a port the container does not
    /// listen on, usually the port it publishes on the Docker host.
    ///
    /// ## What it does
    /// Reads the port each reverse proxy that configures itself from containers connects to:
    /// - Traefik: `traefik.http.services.NAME.loadbalancer.server.port` (and the `tcp` form)
    ///   on every service;
    /// - caddy-docker-proxy (`lucaslorentz/caddy-docker-proxy`, when the project runs it):
    ///   the upstreams of a `reverse_proxy` label in a site block (`caddy: example.com`,
    ///   `caddy_0`, `caddy.handle_path.0_reverse_proxy`): `{{upstreams 8080}}` and
    ///   `{{upstreams http 8080}}` (the container's own address), `{{upstreams}}` (Caddy's
    ///   default, 80, or 443 for `https`), and `app:8080`, a service named from Caddy's
    ///   container;
    /// - nginx-proxy (`nginxproxy/nginx-proxy`, `jwilder/nginx-proxy`, when the project runs
    ///   it): `VIRTUAL_PORT` of a service with `VIRTUAL_HOST`;
    /// - Caddy (`caddy`) run as `caddy reverse-proxy`: each `--to`/`-t` upstream written as
    ///   `[http://]name[:port]` in its `command:` (F-PROXY-7), a service named from Caddy's
    ///   container.
    /// - nginx (`nginx`, `nginxinc/nginx-unprivileged`) with its configuration bind-mounted
    ///   where the image reads it (`/etc/nginx/nginx.conf`, `/etc/nginx/conf.d/*.conf`, a
    ///   `*.conf.template` in `/etc/nginx/templates`, or those directories whole): each
    ///   `proxy_pass http://name[:port]` (80, or 443 for `https://`, when it writes none) and
    ///   each `server name[:port]` of the `upstream` block a `proxy_pass` names, a service
    ///   named from nginx's container (F-PROXY-8).
    ///
    /// It reports a port that is the service's published host port while its container
    /// listens on another (the mapping's container port), or, for a server whose port is
    /// known (Postgres, Ollama, Meilisearch, …), a port where it does not listen.
    ///
    /// ## Why is this bad?
    /// These proxies connect to the container's own address on its network (or, for a named
    /// upstream, to the name as the proxy's container resolves it), so only container ports
    /// count (facts F-PROXY-1, F-PROXY-3, F-PROXY-6). With `ports: ["8080:80"]` and `loadbalancer.server.port=8080`, Traefik
    /// dials port 8080 of the container, where nothing listens, and answers every request
    /// with "502 Bad Gateway".
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     ports: ["8080:80"]
    ///     labels:
    ///       - traefik.http.services.web.loadbalancer.server.port=8080
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     labels:
    ///       - traefik.http.services.web.loadbalancer.server.port=80
    /// ```
    ///
    /// ## Fix safety
    /// Safe where the port meant is certain: the container port of the mapping that
    /// publishes the label's port, or the only port the server listens on. The published
    /// port is left alone (something else may use it).
    ///
    /// ## Exceptions
    /// A port the container also publishes or exposes as a container port, or any port of a
    /// service whose listening ports are not known, is not judged. caddy-docker-proxy's and
    /// nginx-proxy's settings are judged only when the project runs that proxy (not in
    /// caddy-docker-proxy's distributed mode, nor with another label prefix), and a
    /// `reverse_proxy` value holding anything else than the forms above (another template,
    /// a placeholder, a domain) is not read. In an nginx file, an address holding a variable
    /// (resolved per request), an IP address, a domain, a `unix:` socket and the `stream`
    /// module's addresses are not read, nor are files the image does not include
    /// (`sites-enabled/`). An unset `VIRTUAL_PORT` (nginx-proxy then takes
    /// the image's only exposed port, or 80) is not judged. Services with host
    /// networking are left alone: Traefik reaches them on the host's ports.
    pub static RULE = {
        code: "NET022",
        name: "proxy-label-wrong-port",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for setting in route_ports(ctx.project, ctx.net) {
        let i = setting.target;
        let service = &ctx.project.services[i];
        if *ctx.net.namespace(i) == Namespace::Host {
            continue;
        }
        let server = ctx
            .kinds
            .all
            .iter()
            .find_map(|s| s.get(i).map(|server| (s.kind, server)))
            .filter(|(_, s)| s.port_known && !s.listen.port_invalid);
        let port = setting.port;
        let listening: Vec<u16> = server
            .map(|(_, s)| {
                std::iter::once(s.listen.port)
                    .chain(s.other_ports.iter().copied())
                    .collect()
            })
            .unwrap_or_default();
        let container_port = |p: u16| {
            listening.contains(&p)
                || service
                    .ports
                    .iter()
                    .any(|m| m.mapping.target == u32::from(p))
                || service
                    .expose
                    .iter()
                    .any(|e| e.value.split(['/', '-']).next() == Some(&p.to_string()))
        };
        if container_port(port) {
            continue;
        }
        let published = service.ports.iter().find(|m| {
            m.mapping.published.as_deref() == Some(port.to_string().as_str())
                && m.mapping.protocol == "tcp"
        });
        let name = &service.name;
        let proxy = setting.proxy.name();
        let implied = setting
            .implied
            .map(|why| format!(" ({why})"))
            .unwrap_or_default();
        let (message, target, related) = match (published, server) {
            (Some(m), _) => (
                format!(
                    "{proxy} connects to port {port} of the `{name}` container{implied}, but {port} is the port `{name}` publishes on the Docker host; the container listens on {}",
                    m.mapping.target
                ),
                u16::try_from(m.mapping.target).ok(),
                Some((m.span, format!("host port {port} is published here"))),
            ),
            (None, Some((kind, s))) => (
                format!(
                    "{proxy} connects to port {port} of the `{name}` container{implied}, where nothing listens; {} listens on {}",
                    kind_name(kind),
                    s.listen.port
                ),
                (listening.len() == 1).then_some(s.listen.port),
                None,
            ),
            (None, None) => continue,
        };
        let mut d = RULE
            .diagnostic(message, Some(setting.place))
            .with_service(ctx.project.services[setting.labelled].name.as_str());
        if let Some((span, text)) = related {
            d = d.with_related(span, text);
        }
        if let Some(target) = target {
            let (before, after) = &setting.shape;
            d = d.with_help(format!("use the container port: `{before}{target}{after}`"));
            let edit = setting.edit.as_ref().map(|e| Edit {
                span: e.span,
                content: e.content(target),
            });
            if let Some(fix) = safe_fix(format!("use container port {target}"), vec![edit]) {
                d = d.with_fix(fix);
            }
        }
        out.push(d);
    }
    out
}
