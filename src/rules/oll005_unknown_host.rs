use super::reference_report::{Part, edit_part, report, retarget, safe_fix, subject, working_url};
use super::structural_fix::{map_to_host_gateway, unsafe_fix};
use super::wording::Dialect;
use super::{Context, Rule, declare_rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::net::Resolution;
use crate::ollama::Reference;
use crate::reach::is_ollama;
use crate::reachability::Verdict;

declare_rule! {
    /// A host name nothing resolves (with "did you mean …?").
    ///
    /// ## What it does
    /// Reports an Ollama URL whose host name nothing resolves: no service, `container_name`,
    /// network alias or `links` alias of the project, no `extra_hosts` entry, not a domain.
    ///
    /// ## Why is this bad?
    /// The request fails with "Name or service not known" / `ENOTFOUND` / "no such host".
    /// Typical causes: a typo (`olama`), the name of a service in another file or profile,
    /// `hostname:` (which is not a DNS name for other containers), or `host-gateway` (which
    /// only means something inside `extra_hosts`).
    ///
    /// Projects linted together (`composelint DIR` finding several, or several paths) see
    /// each other: a name another project's service answers to on a network both use (an
    /// `external` one, or one given the same `name:`) resolves. When the client is attached
    /// to an `external` network whose creating project is not linted with it, the name may
    /// belong to a container of another project there, so the finding is only `info`; when
    /// that project is linted too, every name on the network is known and the finding is an
    /// error, with the nearest name provided there.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://olama:11434
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the name is a near-miss of an Ollama service's name that the client
    /// shares a network with (a typo), in its project or in another project linted with
    /// it, or the `hostname:` of exactly one service the client reaches by name (that name
    /// is what the URL means: `hostname:` is seen only inside its own container). For
    /// `host-gateway` written as a host: safe when the service already maps
    /// `host.docker.internal` (the name is rewritten), else unsafe (the name is rewritten and
    /// the `extra_hosts` mapping added). Otherwise no fix.
    ///
    /// ## Exceptions
    /// Names provided outside Compose (a DNS server of your own, a container started by
    /// hand on a shared network): suppress the finding.
    pub static RULE = {
        code: "OLL005",
        name: "unknown-host",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.references)
}

/// The unknown-host findings among `references`, as `rule` (OLL005 for Ollama's, NET005 for
/// the other kinds').
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in references {
        let Verdict::UnknownHost {
            suggestion,
            maybe_external,
        } = verdict
        else {
            continue;
        };
        let servers = ctx.servers_of(r);
        // Another kind's name is taken for a mistake only where the project runs a server of
        // that kind the name could have meant; else it may be a host the Docker host's own
        // resolver knows.
        if !is_ollama(r.kind) && !servers.any() {
            continue;
        }
        // On an external network another project may provide the name: say only what this
        // project lacks.
        let dialect = Dialect::of(ctx.project);
        let unit = dialect.unit();
        let unresolved = if *maybe_external {
            format!("no {unit} of this project answers to the name")
        } else {
            "nothing resolves the name".to_string()
        };
        let mut message = format!("{}: {unresolved} `{}`", subject(ctx, r), r.url.host);
        let gateway_as_name = r.url.host.eq_ignore_ascii_case("host-gateway");
        if gateway_as_name {
            message.push_str(&format!(
                " (`host-gateway` is only a value for {}, not a host name)",
                dialect.host_option()
            ));
        }
        // Compose makes no DNS alias of `hostname:` (F-NET-2); the service name always
        // resolves, so the one service that carries it is certainly what the URL means.
        let by_hostname = by_hostname(ctx, r);
        if let Some(service) = by_hostname {
            message.push_str(&match dialect {
                Dialect::Compose => format!(
                    " (`{}` is the `hostname:` of service `{}`: Compose makes no DNS name of it, other containers reach it by its service name)",
                    r.url.host, ctx.project.services[service].name
                ),
                Dialect::Commands => format!(
                    " (`{}` is the `--hostname` of container `{}`: Docker makes no DNS name of it, other containers reach it by its name)",
                    r.url.host, ctx.project.services[service].name
                ),
            });
        }
        let mut d = report(ctx, rule, r, Part::Host, message);
        if let Some(service) = by_hostname {
            let name = &ctx.project.services[service].name;
            let port = servers.get(service).map_or(r.port(), |s| s.listen.port);
            d = d.with_help(format!(
                "reach it by its {unit} name: `{}`",
                working_url(ctx, r, name, port)
            ));
            if let Some(fix) = safe_fix(
                format!(
                    "use {unit} `{name}`, whose {} this is",
                    dialect.hostname_option()
                ),
                retarget(r, name, port),
            ) {
                d = d.with_fix(fix);
            }
            out.push(d);
            continue;
        }
        // Another kind's finding is made only beside a server of that kind in the project,
        // which its name reaches better than the host would (NET009 once on the host).
        if gateway_as_name && !is_ollama(r.kind) {
            d = d.with_help(format!(
                "to reach the Docker host, use `host.docker.internal` and add {}; for a server of this project, use its service name",
                dialect.host_gateway("host.docker.internal")
            ));
        } else if gateway_as_name {
            d = d.with_help(format!(
                "to reach the Docker host, use `host.docker.internal` and add {}",
                dialect.host_gateway("host.docker.internal")
            ));
            let host = edit_part(r, Part::Host, "host.docker.internal");
            // With the mapping already there the name is all that is wrong; without it the
            // mapping must be added too, which changes the file's structure.
            let mapped = matches!(
                ctx.net.resolve(r.client, "host.docker.internal"),
                Resolution::Host { available, .. } if available.linux && available.desktop
            );
            let fix = if mapped {
                safe_fix("use `host.docker.internal`".into(), vec![host])
            } else {
                let client = &ctx.project.services[r.client].name;
                unsafe_fix(
                    "use `host.docker.internal`, mapped to the Docker host with `extra_hosts`"
                        .into(),
                    vec![
                        host,
                        map_to_host_gateway(ctx, client, "host.docker.internal"),
                    ],
                )
            };
            if let Some(fix) = fix {
                d = d.with_fix(fix);
            }
        }
        if *maybe_external {
            d.severity = Severity::Info;
            d = d.with_help("the client is on an external network: the name may belong to a container of another project");
        }
        if let Some(suggestion) = suggestion {
            let name = &suggestion.name;
            if !*maybe_external {
                d = d.with_help(match &suggestion.elsewhere {
                    None => format!("did you mean `{name}`?"),
                    Some((project, network)) => format!(
                        "did you mean `{name}` (of project `{project}`, on network `{network}`)? \
                         No container of the projects linted with this one answers to `{}` \
                         there, and the project that creates that network is among them",
                        r.url.host
                    ),
                });
            }
            let near_miss = crate::names::closest(&r.url.host, &[name.as_str()]).is_some();
            // Another project's name is certain only where its Ollama is known.
            let port = match suggestion.elsewhere {
                None => Some(suggestion.port.unwrap_or(servers.default_port)),
                Some(_) => suggestion.port,
            };
            if near_miss
                && let Some(port) = port
                && let Some(fix) = safe_fix(format!("use {unit} `{name}`"), retarget(r, name, port))
            {
                d = d.with_fix(fix);
            }
        }
        out.push(d);
    }
    out
}

/// The one service whose `hostname:` is the URL's host, when the client reaches that service
/// by its name.
fn by_hostname(ctx: &Context, r: &Reference) -> Option<usize> {
    let mut found = ctx.project.services.iter().enumerate().filter(|(_, s)| {
        s.hostname
            .as_ref()
            .is_some_and(|h| h.value.eq_ignore_ascii_case(&r.url.host))
    });
    let (i, service) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    matches!(
        ctx.net.resolve(r.client, &service.name),
        Resolution::Sibling { service: s, .. } if s == i
    )
    .then_some(i)
}
