use super::reference_report::{Part, report, working_url};
use super::structural_fix::{set_variable, unsafe_fix};
use super::wording::Dialect;
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::net::Resolution;
use crate::ollama::Reference;
use crate::reachability::{Verdict, sole_reachable_server};

declare_rule! {
    /// A known app with its URL unset whose built-in default misses the project's Ollama.
    ///
    /// ## What it does
    /// Reports a known client application whose Ollama URL variable is not set (or is set
    /// under a name the image ignores), when the project runs its own Ollama and the app's
    /// built-in default does not reach it.
    ///
    /// ## Why is this bad?
    /// The app quietly uses its default. Open WebUI's image defaults to
    /// `http://host.docker.internal:11434` — the Docker host, not the `ollama` service next
    /// to it: on Linux the name does not even resolve without `extra_hosts`, and where it
    /// does, it reaches the project's Ollama only by a detour through a published port. The
    /// UI shows no models. Old tutorials set `OLLAMA_API_BASE_URL`, which current Open WebUI images
    /// ignore, with the same result (open-webui#2176).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     depends_on: [ollama]
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     depends_on: [ollama]
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the variable is added to the service's `environment` with the URL that
    /// reaches the project's Ollama service. It adds to the file; none is offered when no single
    /// Ollama service is reachable.
    ///
    /// ## Exceptions
    /// Not reported when the default works: an image that bundles Ollama
    /// (`ghcr.io/open-webui/open-webui:ollama` uses `http://localhost:11434`), or a default
    /// that reaches the project's Ollama through the host (see OLL003). Without an Ollama
    /// service in the project, a default aimed at the host is judged like any other
    /// reference (OLL004 for a missing `extra_hosts` mapping). Nor when the service may set
    /// the URL where its environment does not show it: a replaced `entrypoint:` or
    /// `command:` (a script may export the variable; LiteLLM's `--config` names a file), or,
    /// for an app that reads a config file of its own (LiteLLM, LibreChat), a file mounted
    /// into the container. A URL set under a name the app does not read is OLL020's finding.
    pub static RULE = {
        code: "OLL014",
        name: "client-default-misses",
        severity: Error,
        fix: Unsafe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in ctx.references {
        let Verdict::ClientDefaultMisses { why } = verdict else {
            continue;
        };
        let service = &ctx.project.services[r.client].name;
        let var = r.var_name();
        let app = r.profile.map_or("the app", |p| p.name.as_str());
        let unset = match &r.ignored_var {
            Some(ignored) => {
                format!("`{ignored}` is set, but this image ignores it and `{var}` is not set")
            }
            None => format!("`{var}` is not set"),
        };
        let dialect = Dialect::of(ctx.project);
        let unit = dialect.unit();
        let message = format!(
            "{unit} `{service}`: {unset}, so {app} uses its default `{}`, which {}",
            r.text.value,
            misses(ctx, r, why)
        );
        let mut set = None;
        let help = match target(ctx, r.client) {
            Some((server, name)) => {
                let port = ctx.servers.get(server).map_or(11434, |s| s.listen.port);
                let url = working_url(ctx, r, &name, port);
                set = unsafe_fix(
                    format!("set `{var}` to `{url}`"),
                    vec![set_variable(ctx, service, var, &url)],
                );
                let set = dialect.set_variable(var, &url, service);
                match &r.ignored_var {
                    Some(ignored) => format!("{set} (in place of `{ignored}`)"),
                    None => set,
                }
            }
            None => format!(
                "set `{var}` on {unit} `{service}` to the URL of the project's Ollama {unit}"
            ),
        };
        let mut d = report(ctx, &RULE, r, Part::Whole, message).with_help(help);
        if let Some(fix) = set {
            d = d.with_fix(fix);
        }
        out.push(d);
    }
    out
}

/// What the default runs into, in words.
fn misses(ctx: &Context, r: &Reference, why: &Verdict) -> String {
    let name = |server: &usize| ctx.project.services[*server].name.clone();
    let service = &ctx.project.services[r.client].name;
    let dialect = Dialect::of(ctx.project);
    let unit = dialect.unit();
    let host = &r.url.host;
    match why {
        Verdict::Loopback => {
            format!("is the `{service}` container itself, where no Ollama listens")
        }
        Verdict::Unspecified => "is a bind address, not a destination".to_string(),
        Verdict::HostGatewayUnmapped { .. } => format!(
            "aims at the Docker host, not at the project's Ollama (and `{host}` does not resolve on Linux without {})",
            dialect.host_option()
        ),
        Verdict::PortNotPublished {
            server,
            loopback_only,
        } => {
            if *loopback_only {
                format!(
                    "goes through the Docker host, where {unit} `{}` publishes port {} on 127.0.0.1 only",
                    name(server),
                    r.url.effective_port(r.expect.scheme)
                )
            } else {
                format!(
                    "goes through the Docker host, where {unit} `{}` publishes nothing on port {}",
                    name(server),
                    r.url.effective_port(r.expect.scheme)
                )
            }
        }
        Verdict::UnknownHost { .. } => format!("names `{host}`, which nothing resolves"),
        Verdict::NoSharedNetwork { server } => format!(
            "names {unit} `{}`, which shares no network with `{service}`",
            name(server)
        ),
        Verdict::WrongPort {
            server,
            used,
            listening,
            ..
        } => format!(
            "uses port {used}, but {unit} `{}` listens on {listening}",
            name(server)
        ),
        Verdict::ServerOnLoopback { server } => format!(
            "names {unit} `{}`, whose Ollama listens on loopback only",
            name(server)
        ),
        _ => "does not reach the project's Ollama".to_string(),
    }
}

/// The Ollama service to name in the help: the only one the client reaches, or the
/// `container_name` that every reachable one shares (alternatives in profiles, as in the n8n
/// starter kit's `ollama-cpu`/`ollama-gpu` with `container_name: ollama`).
fn target(ctx: &Context, client: usize) -> Option<(usize, String)> {
    if let Some(found) = sole_reachable_server(ctx.net, ctx.servers, client) {
        return Some(found);
    }
    let mut shared: Option<(usize, &str, u16)> = None;
    for (i, service) in ctx.project.services.iter().enumerate() {
        let Some(server) = ctx.servers.get(i) else {
            continue;
        };
        if i == client
            || !matches!(
                ctx.net.resolve(client, &service.name),
                Resolution::Sibling { .. }
            )
        {
            continue;
        }
        let name = service.container_name.as_ref()?.value.as_str();
        match shared {
            None => shared = Some((i, name, server.listen.port)),
            Some((_, n, port)) if n == name && port == server.listen.port => {}
            Some(_) => return None,
        }
    }
    shared.map(|(i, name, _)| (i, name.to_string()))
}
