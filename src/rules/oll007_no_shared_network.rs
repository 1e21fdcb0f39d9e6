use super::command_fix::{new_network, share_network};
use super::reference_report::{
    Part, join_network, kind_name, report, retarget, safe_fix, subject, working_url,
};
use super::structural_fix::{attach_to_network, unsafe_fix};
use super::wording::Dialect;
use super::{Context, Rule, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::net::{Namespace, Resolution};
use crate::ollama::Reference;
use crate::reachability::Verdict;

declare_rule! {
    /// A service name the client cannot reach: no shared network, or its `network_mode` cuts it
    /// off.
    ///
    /// ## What it does
    /// Reports an Ollama URL that names a service of the project (by its name,
    /// `container_name`, a network alias or a `links` alias) which the client cannot reach:
    /// the two services share no network, the alias exists only on a network the client is
    /// not on, or the client's `network_mode` (`host`, `bridge`, `none`, or another service's
    /// namespace) keeps it off the networks the Ollama service is on. In scripts and docs, a
    /// container started without `--network` is on Docker's default bridge, where container
    /// names do not resolve (only `--link` aliases do).
    ///
    /// ## Why is this bad?
    /// Compose's DNS answers a service's names only on the networks it is attached to. From
    /// anywhere else the name does not resolve — "Temporary failure in name resolution",
    /// `ENOTFOUND ollama`, "no such host" — although the service exists and runs.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     networks: [backend]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     networks: [frontend]
    /// networks:
    ///   backend: {}
    ///   frontend: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     networks: [backend]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    ///     networks: [frontend, backend]
    /// networks:
    ///   backend: {}
    ///   frontend: {}
    /// ```
    ///
    /// ## Fix safety
    /// The usual repair is structural — attach the client to one of the Ollama service's
    /// networks, or drop its `network_mode` — and the help names the network. In-place fixes
    /// only where the target is certain: a network alias or `container_name` that is not
    /// valid on the shared network is replaced by the service name, which is (safe); both in
    /// the host's network namespace, `localhost` reaches the server (safe); a client under
    /// `network_mode: host` may use the port the service publishes on the host (unsafe: it
    /// depends on that mapping). A client with its own network namespace is attached to the
    /// Ollama service's first network (unsafe: it changes what the client can reach); a client
    /// that declared no `networks:` keeps `default` beside it, so it stays where it was.
    /// For `docker run` commands in a script or document (unsafe too): a container on the
    /// default bridge is started with `--network` of the Ollama container's network; when both
    /// are on the default bridge, `docker network create ollama-net` goes before the first of
    /// them and both are started with `--network ollama-net`. A container linked with `--link`
    /// stays where it is: the link works only there.
    ///
    /// ## Exceptions
    /// A network created outside Compose that both containers join at run time
    /// (`docker network connect`): suppress the finding.
    pub static RULE = {
        code: "OLL007",
        name: "no-shared-network",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.references)
}

/// The no-shared-network findings among `references`, as `rule` (OLL007 for Ollama's,
/// NET007 for the other kinds').
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in references {
        let Verdict::NoSharedNetwork { server } = *verdict else {
            continue;
        };
        let servers = ctx.servers_of(r);
        let kind = kind_name(r);
        let (Some(client), Some(target)) = (
            ctx.project.services.get(r.client),
            ctx.project.services.get(server),
        ) else {
            continue;
        };
        let name = &target.name;
        let port = servers
            .get(server)
            .map_or(servers.default_port, |s| s.listen.port);
        let client_ns = ctx.net.namespace(r.client);
        let server_ns = ctx.net.namespace(server);
        let dialect = Dialect::of(ctx.project);
        let unit = dialect.unit();
        let names = if r.url.host.eq_ignore_ascii_case(name) {
            format!("{unit} `{name}` exists")
        } else {
            format!("`{}` names {unit} `{name}`", r.url.host)
        };

        let (why, mut help) = match (client_ns, server_ns) {
            (_, Namespace::Host) => (
                format!(
                    "`{name}` runs with {}, on no project network",
                    dialect.network_mode("host")
                ),
                format!(
                    "reach it through the Docker host: `{}` with {}",
                    working_url(ctx, r, "host.docker.internal", port),
                    dialect.host_gateway("host.docker.internal")
                ),
            ),
            (Namespace::Host, _) => (
                format!(
                    "`{}` runs with {}, where {unit} names do not resolve",
                    client.name,
                    dialect.network_mode("host")
                ),
                match published_port(ctx, server, port) {
                    Some(p) => format!(
                        "use the port `{name}` publishes on the host: `{}`",
                        working_url(ctx, r, "localhost", p)
                    ),
                    None => format!(
                        "publish the port on `{name}` ({}) and use `{}`, or drop {}",
                        dialect.publish(&format!("127.0.0.1:{port}:{port}")),
                        working_url(ctx, r, "localhost", port),
                        dialect.network_mode("host")
                    ),
                },
            ),
            (Namespace::DefaultBridge { .. }, _) if ctx.project.from_commands => (
                format!(
                    "`{}` runs on Docker's default bridge (no `--network`), where container names do not resolve",
                    client.name
                ),
                join_network(ctx, r, server),
            ),
            (Namespace::DefaultBridge { .. }, _) => (
                format!(
                    "`{}` uses `network_mode: bridge`, Docker's default bridge, where names do not resolve",
                    client.name
                ),
                format!(
                    "remove `network_mode: bridge` from `{}` and attach it to {}",
                    client.name,
                    networks_of(server_ns, kind)
                ),
            ),
            (Namespace::Disconnected, _) if dialect == Dialect::Commands => (
                format!("`{}` has no network (`--network none`)", client.name),
                join_network(ctx, r, server),
            ),
            (Namespace::Disconnected, _) => (
                format!("`{}` has no network (`network_mode: none`)", client.name),
                format!(
                    "remove `network_mode: none` from `{}` and attach it to {}",
                    client.name,
                    networks_of(server_ns, kind)
                ),
            ),
            (Namespace::Own { service: owner, .. }, _) if *owner != r.client => {
                let owner_name = ctx
                    .project
                    .services
                    .get(*owner)
                    .map_or("?", |s| s.name.as_str());
                (
                    format!(
                        "`{}` shares the network namespace of `{owner_name}`, which shares no network with `{name}`",
                        client.name
                    ),
                    format!("attach `{owner_name}` to {}", networks_of(server_ns, kind)),
                )
            }
            (Namespace::Own { networks, .. }, _) => {
                let alias_elsewhere =
                    matches!(ctx.net.resolve(r.client, name), Resolution::Sibling { .. });
                if alias_elsewhere {
                    (
                        format!(
                            "that name is valid only on networks `{}` is not on",
                            client.name
                        ),
                        format!("use the {unit} name: `{}`", working_url(ctx, r, name, port)),
                    )
                } else {
                    (
                        format!(
                            "`{}` ({}) and `{name}` ({}) share no network",
                            client.name,
                            list(networks),
                            list(match server_ns {
                                Namespace::Own { networks, .. } => networks,
                                _ => &[],
                            })
                        ),
                        match (ctx.project.from_commands, server_ns) {
                            // A container joins one more network after it starts.
                            (true, Namespace::Own { networks, .. }) if !networks.is_empty() => {
                                format!(
                                    "connect `{}` to network `{}` after it starts: `docker network connect {} {}`",
                                    client.name, networks[0], networks[0], client.name
                                )
                            }
                            _ => format!(
                                "attach `{}` to {}",
                                client.name,
                                networks_of(server_ns, kind)
                            ),
                        },
                    )
                }
            }
            (Namespace::ForeignContainer(c), _) => (
                format!(
                    "`{}` lives in the network namespace of container `{c}`, outside the project",
                    client.name
                ),
                format!("attach container `{c}` to {}", networks_of(server_ns, kind)),
            ),
            (Namespace::Broken, _) => (
                format!("the `network_mode` of `{}` names no service", client.name),
                format!("fix the `network_mode` of `{}`", client.name),
            ),
        };

        let mut fix = None;
        match (client_ns, server_ns) {
            (Namespace::Host, Namespace::Host) => {
                help = format!(
                    "both run in the host's network namespace: use `{}`",
                    working_url(ctx, r, "localhost", port)
                );
                fix = safe_fix(
                    "use `localhost`".to_string(),
                    retarget(r, "localhost", port),
                );
            }
            (Namespace::Host, _) => {
                if let Some(p) = published_port(ctx, server, port) {
                    fix = safe_fix(
                        format!("use the host port `{name}` publishes"),
                        retarget(r, "localhost", p),
                    )
                    .map(|f| Fix {
                        applicability: Applicability::Unsafe,
                        ..f
                    });
                }
            }
            (Namespace::Own { .. }, Namespace::Own { .. })
                if matches!(ctx.net.resolve(r.client, name), Resolution::Sibling { .. }) =>
            {
                fix = safe_fix(
                    format!("use the {unit} name `{name}`"),
                    retarget(r, name, port),
                );
            }
            (
                Namespace::Own { service: owner, .. } | Namespace::DefaultBridge { service: owner },
                Namespace::Own {
                    networks: server_networks,
                    ..
                },
            ) if *owner == r.client => {
                if let Some(network) = server_networks.iter().find(|n| attachable(ctx, n)) {
                    fix = unsafe_fix(
                        format!("attach `{}` to network `{network}`", client.name),
                        vec![attach_to_network(ctx, &client.name, network)],
                    );
                }
            }
            (
                Namespace::DefaultBridge { service: owner },
                Namespace::DefaultBridge {
                    service: server_owner,
                },
            ) if *owner == r.client && *server_owner == server => {
                let network = new_network(r.kind);
                fix = unsafe_fix(
                    format!(
                        "create network `{network}` and run `{}` and `{name}` on it",
                        client.name
                    ),
                    share_network(ctx, &client.name, name, &network),
                );
            }
            _ => {}
        }

        let mut d = report(
            ctx,
            rule,
            r,
            Part::Host,
            format!("{}: {names}, but {why}", subject(ctx, r)),
        )
        .with_help(help);
        // The `network_mode` that is the reason, when one is.
        let mode = match (client_ns, server_ns) {
            (_, Namespace::Host) => target.network_mode.as_ref().map(|m| (m, name)),
            (Namespace::Own { service: owner, .. }, _) if *owner == r.client => None,
            _ => client.network_mode.as_ref().map(|m| (m, &client.name)),
        };
        if let Some((text, who)) = mode
            && let Some(span) = text.primary_span()
        {
            d = d.with_related(
                span,
                format!("this keeps `{who}` off the project's networks"),
            );
        }
        if let Some(fix) = fix {
            d = d.with_fix(fix);
        }
        out.push(d);
    }
    out
}

/// Whether the fix may attach a client to `network`: the project declares it (or it is the
/// implicit `default`), else the attachment is one more use Compose refuses (CMP010); and its
/// key is one Docker can name a network with (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`; Compose's schema
/// checks keys of that form only, so `olla=ma` loads and fails later).
fn attachable(ctx: &Context, network: &str) -> bool {
    let valid = network.starts_with(|c: char| c.is_ascii_alphanumeric())
        && network
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    valid && (network == "default" || ctx.project.network(network).is_some())
}

/// The host port on which service `server` publishes its container port `port`.
fn published_port(ctx: &Context, server: usize, port: u16) -> Option<u16> {
    let service = ctx.project.services.get(server)?;
    if service
        .network_mode
        .as_ref()
        .is_some_and(|m| m.value == "host")
    {
        return None;
    }
    service
        .ports
        .iter()
        .filter(|p| p.mapping.target == u32::from(port) && p.mapping.protocol == "tcp")
        .find_map(|p| p.mapping.published.as_deref()?.parse::<u16>().ok())
}

/// The networks named for a message: "`a`, `b`", or "no network".
pub(super) fn list(networks: &[String]) -> String {
    if networks.is_empty() {
        return "no network".to_string();
    }
    networks
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "network `a`" / "one of the networks `a`, `b`" of a namespace.
fn networks_of(namespace: &Namespace, kind: &str) -> String {
    match namespace {
        Namespace::Own { networks, .. } if networks.len() == 1 => {
            format!("network {}", list(networks))
        }
        Namespace::Own { networks, .. } => format!("one of the networks {}", list(networks)),
        _ => format!("a network of the {kind} service"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::reference_report::lint_yaml;

    #[test]
    fn an_alias_of_another_network_is_replaced_by_the_service_name() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    networks:\n      front: {}\n      back:\n        aliases: [brain]\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://brain:11434\n    networks: [front]\nnetworks:\n  front: {}\n  back: {}\n";
        let found: Vec<_> = lint_yaml(yaml)
            .into_iter()
            .filter(|d| d.code == "OLL007")
            .collect();
        assert_eq!(found.len(), 1);
        let fix = found[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::Safe);
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(fix.edits[0].content, "ollama");
        let at = yaml.find("brain:11434").unwrap();
        assert_eq!(fix.edits[0].span.start, at);
    }

    #[test]
    fn a_host_network_client_may_use_the_published_port() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    ports: [\"11500:11434\"]\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    network_mode: host\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434\n";
        let found: Vec<_> = lint_yaml(yaml)
            .into_iter()
            .filter(|d| d.code == "OLL007")
            .collect();
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .help
                .as_ref()
                .unwrap()
                .expose_unredacted()
                .contains("http://localhost:11500")
        );
        let fix = found[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        let contents: Vec<_> = fix.edits.iter().map(|e| e.content.as_str()).collect();
        assert_eq!(contents, ["localhost", "11500"]);
    }
}
