use std::collections::HashMap;

use super::{Context, declare_rule};
use crate::compose::model::{Port, Service};
use crate::compose::ports::{HostBinding, HostPorts, Overlap, overlap};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// The same host address, port and protocol published twice.
    ///
    /// ## What it does
    /// Reports two port mappings that publish the same host port with the same protocol on
    /// overlapping host addresses — in two services, or twice in one.
    ///
    /// ## Why is this bad?
    /// Only one of them can bind the port: the second container fails to start with
    /// "port is already allocated". `0.0.0.0` (or no address) overlaps every IPv4 address,
    /// so `"11434:11434"` and `"127.0.0.1:11434:11434"` collide; IPv4 and IPv6 addresses do
    /// not; `udp` and `tcp` do not. Ranges are expanded. A container-only port (`"11434"`)
    /// publishes nothing.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11434:11434"]
    ///   ollama-gpu:
    ///     image: ollama/ollama
    ///     ports: ["11434:11434"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11434:11434"]
    ///   ollama-gpu:
    ///     image: ollama/ollama
    ///     ports: ["11435:11434"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which service should move is the author's choice.
    ///
    /// ## Exceptions
    /// Services whose `profiles` never run together (`ollama-cpu` with `profiles: [cpu]`,
    /// `ollama-gpu` with `profiles: [gpu]`) may publish the same port. A host range
    /// (`"8000-8010:80"`) lets the engine pick a free port and is not reported. Services
    /// with `network_mode: host` publish nothing (see CMP012).
    pub static RULE = {
        code: "CMP011",
        name: "duplicate-published-port",
        severity: Error,
        fix: None,
        check: check,
    };
}

struct Binding<'a> {
    service: &'a Service,
    port: &'a Port,
    host: HostBinding,
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    // Bindings grouped by (protocol, fixed host port), so only plausible pairs are compared.
    let mut by_port: HashMap<(String, u16), Vec<Binding>> = HashMap::new();
    for service in &ctx.project.services {
        if service
            .network_mode
            .as_ref()
            .is_some_and(|m| m.value == "host")
        {
            continue;
        }
        for port in &service.ports {
            let Some(host) = port.mapping.host_binding() else {
                continue;
            };
            let HostPorts::Fixed(number) = host.ports else {
                continue;
            };
            by_port
                .entry((host.protocol.clone(), number))
                .or_default()
                .push(Binding {
                    service,
                    port,
                    host,
                });
        }
    }
    let mut keys: Vec<&(String, u16)> = by_port.keys().collect();
    keys.sort();
    let mut out = Vec::new();
    for key in keys {
        let bindings = &by_port[key];
        for (i, later) in bindings.iter().enumerate() {
            let clash = bindings[..i].iter().find(|earlier| {
                overlap(&earlier.host, &later.host) == Overlap::Certain
                    && may_run_together(earlier.service, later.service)
            });
            let Some(earlier) = clash else { continue };
            let (protocol, number) = key;
            out.push(
                RULE.diagnostic(
                    format!(
                        "host port {number}/{protocol} is already published by service `{}`",
                        earlier.service.name
                    ),
                    Some(later.port.span),
                )
                .with_service(&later.service.name)
                .with_label("published again here")
                .with_related(earlier.port.span, "first published here")
                .with_help("publish a different host port, or drop one of the mappings"),
            );
        }
    }
    out
}

/// Services with profiles run only when one of their profiles is enabled; two services whose
/// profiles share none never run together (CMP017 judges container names so too).
pub(super) fn may_run_together(a: &Service, b: &Service) -> bool {
    a.profiles.is_empty()
        || b.profiles.is_empty()
        || a.profiles
            .iter()
            .any(|p| b.profiles.iter().any(|q| q.value == p.value))
}
