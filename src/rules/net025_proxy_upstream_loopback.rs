use super::{Context, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::net::Resolution;
use crate::proxies::{LoopbackUpstream, nginx_loopback_upstreams};

declare_rule! {
    /// An nginx configuration sends requests to `localhost` (or `127.0.0.1`, `[::1]`): nginx's
    /// own container, where nothing listens on that port.
    ///
    /// ## What it does
    /// Reads the `proxy_pass` addresses (and the `server`s of the `upstream` block one names)
    /// of an nginx configuration bind-mounted where nginx's official images read it
    /// (`/etc/nginx/nginx.conf`, `/etc/nginx/conf.d/*.conf`, `*.conf.template` in
    /// `/etc/nginx/templates`; facts F-PROXY-8), and reports a loopback address on a port
    /// that none of the files' `listen` directives, nor the image's default server, opens.
    ///
    /// ## Why is this bad?
    /// In a container, `localhost` is that container. The app the configuration was written
    /// for (often on the Docker host, before nginx moved into Compose) runs in another
    /// container or on the host, so every request through that location gets `502 Bad
    /// Gateway`, with `connect() failed (111: Connection refused) while connecting to
    /// upstream` in nginx's log.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   nginx:
    ///     image: nginx:1.27
    ///     ports: ["80:80"]
    ///     volumes: ["./default.conf:/etc/nginx/conf.d/default.conf:ro"]
    ///   app:
    ///     image: example/app
    ///     ports: ["3000:3000"]
    /// ```
    /// ```nginx
    /// # default.conf
    /// server {
    ///     listen 80;
    ///     location / { proxy_pass http://localhost:3000; }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// The service's name and its container port. For an app on the Docker host,
    /// `http://host.docker.internal:3000` with `extra_hosts:
    /// ["host.docker.internal:host-gateway"]` on the nginx service.
    /// ```yaml
    /// services:
    ///   nginx:
    ///     image: nginx:1.27
    ///     ports: ["80:80"]
    ///     volumes: ["./default.conf:/etc/nginx/conf.d/default.conf:ro"]
    ///   app:
    ///     image: example/app
    ///     ports: ["3000:3000"]
    /// ```
    /// ```nginx
    /// # default.conf
    /// server {
    ///     listen 80;
    ///     location / { proxy_pass http://app:3000; }
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe, and offered only when one service of the project publishes that port on the
    /// host and nginx reaches it by name: the address becomes that service and its container
    /// port. The app might be meant to run on the host instead.
    ///
    /// ## Exceptions
    /// Not reported when something else may listen in nginx's container: a service sharing
    /// its network namespace (`network_mode: service:nginx`), a command or entrypoint other
    /// than nginx's, a file mounted under `/etc/nginx` that is not read (other than
    /// certificates and keys), an `include` of anything but `mime.types`, `*_params` and
    /// `conf.d/*.conf`, or a `listen` that cannot be read. nginx in the host's network
    /// namespace (`network_mode: host`) reaches the host's ports on `localhost`, and is left
    /// alone.
    pub static RULE = {
        code: "NET025",
        name: "proxy-upstream-loopback",
        severity: Error,
        fix: Unsafe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    nginx_loopback_upstreams(ctx.project, ctx.net)
        .into_iter()
        .filter_map(|upstream| diagnostic(ctx, &upstream))
        .collect()
}

fn diagnostic(ctx: &Context, upstream: &LoopbackUpstream) -> Option<Diagnostic> {
    let proxy = &ctx.project.services[upstream.proxy];
    let written = &upstream.argument.value[upstream.address.clone()];
    let place = upstream
        .argument
        .exact_span(upstream.address.clone())
        .or_else(|| upstream.argument.primary_span())?;
    let port = upstream.port;
    let listens = match upstream.listens.as_slice() {
        [] => String::new(),
        ports => format!(
            " (nginx listens on {})",
            ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let message = format!(
        "nginx sends requests to `{written}`, the `{}` container itself, where nothing listens on port {port}{listens}: every request there gets 502 Bad Gateway",
        proxy.name
    );
    let mut d = RULE
        .diagnostic(message, Some(place))
        .with_service(proxy.name.as_str());
    match published_by_one(ctx, upstream) {
        Some((name, container_port, span)) => {
            let address = format!("{name}:{container_port}");
            d = d
                .with_help(format!(
                    "`{name}` publishes port {port} on the host; nginx reaches it by name: `{} {}`",
                    upstream.directive,
                    replaced(upstream, &address)
                ))
                .with_related(span, format!("`{name}` publishes host port {port} here"));
            if let Some(span) = upstream.argument.exact_span(upstream.address.clone()) {
                d = d.with_fix(Fix {
                    applicability: Applicability::Unsafe,
                    message: format!("send requests to `{address}`").into(),
                    edits: vec![Edit {
                        span,
                        content: address,
                    }],
                });
            }
        }
        None => {
            d = d.with_help(format!(
                "name the service that runs the app (`http://SERVICE:PORT`, its container port); for an app on the Docker host use `host.docker.internal:{port}` and add `extra_hosts: [\"host.docker.internal:host-gateway\"]` to service `{}`",
                proxy.name
            ));
        }
    }
    Some(d)
}

/// The argument with its address replaced.
fn replaced(upstream: &LoopbackUpstream, address: &str) -> String {
    let value = &upstream.argument.value;
    format!(
        "{}{address}{}",
        &value[..upstream.address.start],
        &value[upstream.address.end..]
    )
}

/// The one service that publishes the upstream's port on the host (TCP) and that nginx
/// resolves by its name: its name, the mapping's container port, and where it is published.
fn published_by_one(
    ctx: &Context,
    upstream: &LoopbackUpstream,
) -> Option<(String, u32, crate::source::Span)> {
    let port = upstream.port.to_string();
    let mut found = ctx
        .project
        .services
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != upstream.proxy)
        .flat_map(|(i, s)| s.ports.iter().map(move |m| (i, s, m)))
        .filter(|(_, _, m)| {
            m.mapping.published.as_deref() == Some(port.as_str()) && m.mapping.protocol == "tcp"
        });
    let (i, service, mapping) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let reachable = matches!(
        ctx.net.resolve(upstream.proxy, &service.name),
        Resolution::Sibling { service, .. } if service == i
    );
    reachable.then(|| (service.name.clone(), mapping.mapping.target, mapping.span))
}
