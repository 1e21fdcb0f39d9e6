use super::wording::Dialect;
use super::{Context, declare_rule};
use crate::compose::ports::HostPorts;
use crate::diagnostic::Diagnostic;
use crate::knowledge;
use crate::knowledge::ollama_host::OLLAMA_DEFAULT_PORT;
use crate::net::Resolution;

declare_rule! {
    /// A service that runs no Ollama publishing 11434.
    ///
    /// ## What it does
    /// Reports a service that runs no Ollama but publishes Ollama's port: host port 11434 to
    /// container port 11434. A service counts as running no Ollama when its image is a known
    /// client application (Open WebUI `:main`, AnythingLLM, …) or when it calls an Ollama
    /// elsewhere itself.
    ///
    /// ## Why is this bad?
    /// Nothing in that container listens on 11434, so the mapping exposes nothing — it does
    /// not make an Ollama reachable, neither from the host nor for the container itself. It
    /// does take host port 11434: an Ollama installed on the host then fails to start with
    /// "address already in use", or the container fails to start if the host Ollama was
    /// first (ollama#6622, open-webui#5093).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     ports: ["3000:8080", "11434:11434"]
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    ///     environment:
    ///       OLLAMA_BASE_URL: http://host.docker.internal:11434
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     ports: ["3000:8080"]
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    ///     environment:
    ///       OLLAMA_BASE_URL: http://host.docker.internal:11434
    /// ```
    ///
    /// ## Fix safety
    /// No fix yet: removing the mapping changes the file's structure; the help says which.
    ///
    /// ## Exceptions
    /// Services that run Ollama (the official image, bundles such as Open WebUI `:ollama`)
    /// are not reported; see OLL008 for a bundle whose Ollama listens on loopback. An
    /// unknown image is not reported: it may run Ollama or an Ollama-compatible proxy. A
    /// service that other services use as their Ollama (a reverse proxy named `ollama`) is
    /// not reported either. Under `network_mode: host` Docker discards `ports:` (CMP012).
    pub static RULE = {
        code: "OLL017",
        name: "ollama-port-on-non-server",
        severity: Warning,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let services = &ctx.project.services;
    // Per service: it calls an Ollama somewhere else; others call it as their Ollama.
    let mut calls_elsewhere = vec![false; services.len()];
    let mut called = vec![false; services.len()];
    for (r, _) in ctx.references {
        match ctx.net.resolve(r.client, &r.url.host) {
            Resolution::Loopback(_) | Resolution::Unspecified(_) => {}
            Resolution::Sibling { service, .. } | Resolution::Unreachable { service, .. } => {
                if let Some(flag) = called.get_mut(service) {
                    *flag = true;
                }
                if service != r.client
                    && let Some(flag) = calls_elsewhere.get_mut(r.client)
                {
                    *flag = true;
                }
            }
            _ => {
                if let Some(flag) = calls_elsewhere.get_mut(r.client) {
                    *flag = true;
                }
            }
        }
    }
    let server_name = services
        .iter()
        .enumerate()
        .find(|(i, _)| ctx.servers.get(*i).is_some())
        .map(|(_, s)| s.name.as_str());
    let mut out = Vec::new();
    for (i, service) in services.iter().enumerate() {
        if ctx.servers.get(i).is_some() || called[i] {
            continue;
        }
        if service
            .network_mode
            .as_ref()
            .is_some_and(|m| m.value == "host")
        {
            continue;
        }
        let known_client = service
            .image
            .as_ref()
            .and_then(|image| knowledge::client_match(&image.value));
        if known_client.is_none() && !calls_elsewhere[i] {
            continue;
        }
        for port in &service.ports {
            let Some(binding) = port.mapping.host_binding() else {
                continue;
            };
            let on_ollama_port = binding.ports == HostPorts::Fixed(OLLAMA_DEFAULT_PORT)
                && binding.protocol == "tcp"
                && port.mapping.target == u32::from(OLLAMA_DEFAULT_PORT);
            if !on_ollama_port {
                continue;
            }
            let runs = match &known_client {
                Some(c) => format!("{} runs no Ollama", c.profile.name),
                None => "it runs no Ollama (it calls one elsewhere)".to_string(),
            };
            let unit = Dialect::of(ctx.project).unit();
            let help = match server_name {
                Some(name) => format!(
                    "remove this mapping; to reach Ollama from the host, publish the port on {unit} `{name}`"
                ),
                None => "remove this mapping: it reaches no Ollama, and it keeps an Ollama on the host from binding port 11434".to_string(),
            };
            out.push(
                RULE.diagnostic(
                    format!(
                        "{unit} `{}` publishes port {OLLAMA_DEFAULT_PORT}, but {runs}: the mapping exposes nothing and takes host port {OLLAMA_DEFAULT_PORT} from an Ollama on the host",
                        service.name
                    ),
                    Some(port.span),
                )
                .with_service(&service.name)
                .with_label("nothing listens on 11434 in this container")
                .with_help(help),
            );
        }
    }
    out
}
