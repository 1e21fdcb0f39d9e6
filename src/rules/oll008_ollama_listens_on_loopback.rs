use super::reference_report::{Part, env_value_span, listen_var_of, part_span, report, subject};
use super::wording::Dialect;
use super::{Context, Rule, declare_rule};
use crate::compose::model::EnvSource;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
use crate::knowledge::TargetUrl;
use crate::knowledge::server::ImageKind;
use crate::net::{Namespace, Platform};
use crate::ollama::{Reference, Servers, Written};
use crate::reach::{is_ollama, kind_name};
use crate::reachability::{Verdict, aims_at_host_ollama};

declare_rule! {
    /// An Ollama whose `OLLAMA_HOST` binds loopback while others use it or it publishes ports.
    ///
    /// ## What it does
    /// Reports an Ollama server whose `OLLAMA_HOST` binds a loopback address (`127.0.0.1`,
    /// `localhost`, `::1`, or an empty value, which means `127.0.0.1`) while other services
    /// use it or it publishes its port. It also covers images that bundle Ollama (Open WebUI
    /// `:ollama`), whose Ollama listens on the container's loopback.
    ///
    /// One finding per server, at its `OLLAMA_HOST` value (or at the service when the value
    /// is the image's); every reference that cannot reach it, and every port mapping that
    /// forwards to nothing, is listed as a secondary location. The references themselves are
    /// not reported again.
    ///
    /// With `--platform linux`, a reference that reaches an Ollama on the Docker host through
    /// `host-gateway` is reported as information: the host's Ollama listens on
    /// `127.0.0.1:11434` by default there, which the gateway does not reach.
    ///
    /// ## Why is this bad?
    /// A server bound to loopback accepts connections from its own network namespace only.
    /// Other containers connect to the container's network address and are refused; a
    /// published port forwards to that address too, so `ports: ["11434:11434"]` exposes
    /// nothing. The official image listens on `0.0.0.0:11434`; setting
    /// `OLLAMA_HOST=127.0.0.1` (a habit from host installs) undoes that.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     environment:
    ///       OLLAMA_HOST: 127.0.0.1:11434
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     environment:
    ///       OLLAMA_HOST: 0.0.0.0:11434
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the host of `OLLAMA_HOST` is rewritten to `0.0.0.0` (`::` for IPv6), which
    /// exposes Ollama to every network the container is on — and, through its published
    /// ports, beyond. Loopback may have been chosen to keep it private; then the references
    /// are what must change.
    ///
    /// ## Exceptions
    /// A bundle image that publishes 11434 with no other service using its Ollama is only
    /// reported as `info`: the published port exposes nothing, but nothing depends on it.
    /// Clients sharing the server's namespace (`network_mode: service:ollama`) with
    /// `localhost` are fine and do not count.
    pub static RULE = {
        code: "OLL008",
        name: "ollama-listens-on-loopback",
        severity: Error,
        fix: Unsafe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = check_in(ctx, &RULE, ctx.servers, ctx.references);
    out.extend(host_ollama_reminders(ctx));
    out
}

/// The servers of `servers`' kind that listen on loopback only, with the references among
/// `references` they refuse, as `rule` (OLL008 for Ollama, NET008 for the other kinds').
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    servers: &Servers,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ollama = is_ollama(servers.kind);
    let kind = kind_name(servers.kind);
    // The references each server refuses, gathered in one pass.
    let mut refused: Vec<Vec<&Reference>> = vec![Vec::new(); servers.by_service.len()];
    for (r, verdict) in references {
        if r.kind != servers.kind {
            continue;
        }
        if let Verdict::ServerOnLoopback { server } = verdict
            && let Some(list) = refused.get_mut(*server)
        {
            list.push(r);
        }
    }
    for (i, server) in servers.by_service.iter().enumerate() {
        let Some(server) = server else { continue };
        let Some(service) = ctx.project.services.get(i) else {
            continue;
        };
        if !server.scope_known || !server.listen.is_loopback() {
            continue;
        }
        let refs: &[&Reference] = refused.get(i).map_or(&[], Vec::as_slice);
        let port = server.listen.port;
        // Docker discards `ports:` under host networking.
        let host_network = *ctx.net.namespace(i) == Namespace::Host;
        let ports: Vec<_> = service
            .ports
            .iter()
            .filter(|p| !host_network && p.mapping.target == u32::from(port))
            .collect();
        if refs.is_empty() && ports.is_empty() {
            continue;
        }
        let name = &service.name;
        let var = listen_var_of(ctx, servers, i);
        let var_name = var.map_or_else(
            || {
                server
                    .server
                    .server
                    .listen
                    .ollama_host_var()
                    .unwrap_or("OLLAMA_HOST")
                    .to_string()
            },
            |v| v.key.clone(),
        );
        let value = var.and_then(|v| v.value.as_ref()).map(|t| t.value.as_str());
        let cause = match value {
            Some("") => format!(" (an empty `{var_name}` means `127.0.0.1`)"),
            Some(v) => format!(" (`{var_name}={v}`)"),
            None if server.server.is_bundled() => " (the bundled Ollama's default)".to_string(),
            None if server.server.image.kind == ImageKind::Installed => {
                " (the Ollama its Dockerfile installs binds loopback unless `OLLAMA_HOST` says otherwise)".to_string()
            }
            None if !ollama && server.server.image.binary_default_holds => {
                " (its default: neither the image nor the service sets a host)".to_string()
            }
            None => String::new(),
        };
        let whose = if host_network {
            "the Docker host's loopback"
        } else {
            "its container's own loopback"
        };
        let mut consequences = Vec::new();
        if !refs.is_empty() {
            let mut users: Vec<&str> = refs
                .iter()
                .filter_map(|r| ctx.project.services.get(r.client))
                .map(|s| s.name.as_str())
                .collect();
            users.dedup();
            consequences.push(format!(
                "{} cannot reach it",
                super::wording::quoted_list(&users, "and")
            ));
        }
        if !ports.is_empty() {
            consequences.push(format!(
                "its published port {port} forwards to an address where nothing listens"
            ));
        }
        let unit = Dialect::of(ctx.project).unit();
        let message = format!(
            "{kind} in {unit} `{name}` listens on `{}`, {whose}{cause}: {}",
            server.listen.host_port(),
            consequences.join("; ")
        );

        let primary = var.map_or(service.key_span, env_value_span);
        let mut d = rule
            .diagnostic(message, Some(primary))
            .with_service(name.as_str());
        if var.is_none() && refs.is_empty() && server.server.is_bundled() {
            d.severity = Severity::Info;
        }
        if let Some(v) = var
            && let EnvSource::Environment { span } = &v.source
            && (span.file != primary.file || (ctx.project.from_commands && !span.contains(primary)))
        {
            d = d.with_related(*span, format!("`{var_name}` is used here"));
        }
        for r in refs {
            let client = ctx
                .project
                .services
                .get(r.client)
                .map_or("?", |s| s.name.as_str());
            if let Some(span) = part_span(r, Part::Host) {
                d = d.with_related(
                    span,
                    format!("`{}` of {unit} `{client}` is refused here", r.var_name()),
                );
            }
        }
        for p in &ports {
            d = d.with_related(p.span, "published, but nothing answers behind it");
        }
        let every = format!("0.0.0.0:{port}");
        d = d.with_help(match value {
            // Another kind's setting may hold an address alone (`LLAMA_ARG_HOST`), or the
            // address came from a flag.
            _ if !ollama => match var {
                Some(v) => format!(
                    "let it listen on every interface: set `{}` to `0.0.0.0` (as the image does by default), not a loopback address",
                    v.key
                ),
                None => "let it listen on every interface: give its listen flag `0.0.0.0`, not a loopback address".to_string(),
            },
            Some(_) if !server.server.is_bundled() => format!(
                "let it listen on every interface: `{var_name}={every}` (the official image's default), or remove `{var_name}`"
            ),
            _ => format!(
                "let it listen on every interface: set `{var_name}={every}` on {unit} `{name}`"
            ),
        });
        if ollama && let Some(fix) = var.and_then(listen_everywhere) {
            d = d.with_fix(fix);
        }
        out.push(d);
    }
    out
}

/// A reference that reaches the Docker host's own Ollama through `host-gateway`, on a run for
/// Linux (`--platform linux`): an Ollama installed on a Linux host listens on `127.0.0.1:11434` (F-OLL-1),
/// which the bridge gateway does not reach (F-NET-5), so the reference works only once the
/// host's Ollama listens on `0.0.0.0`. Nothing in the project shows how the host is set up:
/// information, not a fault.
fn host_ollama_reminders(ctx: &Context) -> Vec<Diagnostic> {
    // With `--platform any` this would stand on every correct project that uses a host
    // Ollama; there OLL001's and OLL004's help carry the same advice.
    ctx.references
        .iter()
        .filter(|(r, verdict)| {
            ctx.platform_of(r.client) == Platform::Linux
                && *verdict == Verdict::Works
                && !matches!(r.written, Written::AppDefault { .. })
                && aims_at_host_ollama(r, ctx.net, ctx.servers)
                && *ctx.net.namespace(r.client) != Namespace::Host
        })
        .filter_map(|(r, _)| {
            let service = ctx.project.services.get(r.client)?;
            let mut d = report(
                ctx,
                &RULE,
                r,
                Part::Host,
                format!(
                    "{}: reaches an Ollama on the Docker host, which on Linux listens only on `127.0.0.1:11434` unless its `OLLAMA_HOST` says otherwise, and then refuses connections through the gateway",
                    subject(ctx, r)
                ),
            )
            .with_help("on a Linux host set `OLLAMA_HOST=0.0.0.0` for the host's Ollama (`systemctl edit ollama.service`: `Environment=\"OLLAMA_HOST=0.0.0.0\"`), then restart it");
            d.severity = Severity::Info;
            d.service = Some(service.name.clone());
            Some(d)
        })
        .collect()
}

/// Rewrites the host of a loopback `OLLAMA_HOST` value to the unspecified address.
fn listen_everywhere(var: &crate::compose::model::EnvVar) -> Option<Fix> {
    let text = var.value.as_ref()?;
    let url = TargetUrl::parse_lenient(&text.value)?;
    let all = if url.host.contains(':') {
        "::"
    } else {
        "0.0.0.0"
    };
    let span = text.exact_span(url.host_range.clone())?;
    Some(Fix {
        applicability: Applicability::Unsafe,
        message: format!("listen on `{all}` (every interface)").into(),
        edits: vec![Edit {
            span,
            content: all.to_string(),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::reference_report::lint_yaml;

    #[test]
    fn one_finding_per_server_with_every_reference_listed() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    environment:\n      OLLAMA_HOST: localhost\n    ports: [\"11434:11434\"]\n  a:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434\n  b:\n    image: x\n    environment:\n      OLLAMA_HOST: ollama:11434\n";
        let all = lint_yaml(yaml);
        let found: Vec<_> = all.iter().filter(|d| d.code == "OLL008").collect();
        assert_eq!(found.len(), 1, "{all:?}");
        let d = found[0];
        let at = yaml.find("localhost").unwrap();
        assert_eq!(d.primary.map(|s| (s.start, s.end)), Some((at, at + 9)));
        // two references and one port mapping
        assert_eq!(d.related.len(), 3, "{:?}", d.related);
        let fix = d.fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        assert_eq!(fix.edits[0].content, "0.0.0.0");
        assert_eq!(fix.edits[0].span.start, at);
        assert!(
            d.message
                .expose_unredacted()
                .contains("`a` and `b` cannot reach it"),
            "{:?}",
            d.message
        );
    }

    #[test]
    fn a_shared_namespace_client_is_not_a_reason() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    environment:\n      OLLAMA_HOST: 127.0.0.1\n  side:\n    image: ghcr.io/open-webui/open-webui:main\n    network_mode: service:ollama\n    environment:\n      OLLAMA_BASE_URL: http://localhost:11434\n";
        assert!(lint_yaml(yaml).iter().all(|d| d.code != "OLL008"));
    }
}
