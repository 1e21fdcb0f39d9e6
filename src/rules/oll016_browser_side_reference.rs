use super::reference_report::{Part, report, subject};
use super::wording::Dialect;
use super::{Context, declare_rule};
use crate::compose::ports::HostPorts;
use crate::diagnostic::Diagnostic;
use crate::net::Resolution;
use crate::reachability::Verdict;

declare_rule! {
    /// A URL the browser uses that names a service or `host.docker.internal`.
    ///
    /// ## What it does
    /// Reports an Ollama URL that the user's web browser requests — a browser-side setting
    /// of a known app, or a variable with a prefix that frameworks ship to the browser
    /// (`NEXT_PUBLIC_`, `VITE_`, `PUBLIC_`, `REACT_APP_`) — when it names a compose service
    /// or `host.docker.internal`.
    ///
    /// ## Why is this bad?
    /// The browser runs on the user's machine, outside every Docker network: it cannot
    /// resolve service names, container names or `host.docker.internal`, and fails with
    /// `ERR_NAME_NOT_RESOLVED` (grimoire#138, nextjs-ollama-llm-ui#93). It needs an address
    /// it can reach — a port the Ollama service publishes on the host, or a reverse proxy —
    /// and, unless the page is served from `localhost`, the page's origin in `OLLAMA_ORIGINS`
    /// on the Ollama server, or Ollama rejects the request (CORS). Build-time frameworks also
    /// bake `NEXT_PUBLIC_*`/`VITE_*` values into the bundle, so changing them at run time
    /// may have no effect.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11434:11434"]
    ///     volumes: ["ollama:/root/.ollama"]
    ///   ui:
    ///     image: example/nextjs-ollama-ui
    ///     environment:
    ///       NEXT_PUBLIC_OLLAMA_URL: http://ollama:11434
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11434:11434"]
    ///     volumes: ["ollama:/root/.ollama"]
    ///     environment:
    ///       OLLAMA_ORIGINS: http://localhost:3000
    ///   ui:
    ///     image: example/nextjs-ollama-ui
    ///     environment:
    ///       NEXT_PUBLIC_OLLAMA_URL: http://localhost:11434
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which address the browser reaches (`localhost` on the Docker host, the host's
    /// LAN name, a proxy's domain) is known only to the author.
    ///
    /// ## Exceptions
    /// A client profile that says the app reads the variable on its server wins over the
    /// prefix: Linkwarden's worker reads `NEXT_PUBLIC_OLLAMA_ENDPOINT_URL`, so a service
    /// name is right there. `localhost` and IP addresses are not reported: a browser on the
    /// Docker host reaches ports published there.
    pub static RULE = {
        code: "OLL016",
        name: "browser-side-reference",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let dialect = Dialect::of(ctx.project);
    let unit = dialect.unit();
    for (r, verdict) in ctx.references {
        if *verdict != Verdict::BrowserSide {
            continue;
        }
        let what = match ctx.net.resolve(r.client, &r.url.host) {
            Resolution::Sibling { service, .. } | Resolution::Unreachable { service, .. } => {
                format!(
                    "`{}` names {unit} `{}`, which only containers on the project's networks resolve",
                    r.url.host, ctx.project.services[service].name
                )
            }
            _ => format!(
                "`{}` is a name Docker gives containers, which the browser cannot resolve",
                r.url.host
            ),
        };
        let published = ctx
            .project
            .services
            .iter()
            .enumerate()
            .filter(|(i, _)| ctx.servers.get(*i).is_some())
            .find_map(|(i, s)| {
                let listen = ctx.servers.get(i)?.listen.port;
                s.ports
                    .iter()
                    .find_map(|p| match p.mapping.host_binding()?.ports {
                        HostPorts::Fixed(port) if p.mapping.target == u32::from(listen) => {
                            Some(port)
                        }
                        _ => None,
                    })
            });
        let help = match published {
            Some(port) => format!(
                "use an address the browser reaches, e.g. `http://localhost:{port}` when it runs on the Docker host, and add the page's origin to `OLLAMA_ORIGINS` on the Ollama {unit}"
            ),
            None => format!(
                "publish Ollama's port on the host ({}) or put it behind a reverse proxy, use that address here, and add the page's origin to `OLLAMA_ORIGINS` on the Ollama {unit}",
                dialect.publish("11434:11434")
            ),
        };
        out.push(
            report(
                ctx,
                &RULE,
                r,
                Part::Host,
                format!(
                    "{}: the user's browser makes this request, and {what}",
                    subject(ctx, r)
                ),
            )
            .with_help(help),
        );
    }
    out
}
