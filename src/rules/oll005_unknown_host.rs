use super::reference_report::{Part, report, retarget, safe_fix, subject};
use super::{Context, declare_rule};
use crate::diagnostic::{Diagnostic, Severity};
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
    /// it; otherwise no fix.
    ///
    /// ## Exceptions
    /// Names provided outside Compose (a DNS server of your own, a container started by
    /// hand on a shared network): suppress the finding.
    pub static RULE = {
        code: "OLL005",
        name: "unknown-host",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in ctx.references {
        let Verdict::UnknownHost {
            suggestion,
            maybe_external,
        } = verdict
        else {
            continue;
        };
        // On an external network another project may provide the name: say only what this
        // project lacks.
        let unresolved = if *maybe_external {
            "no service of this project answers to the name"
        } else {
            "nothing resolves the name"
        };
        let mut message = format!("{}: {unresolved} `{}`", subject(ctx, r), r.url.host);
        let gateway_as_name = r.url.host.eq_ignore_ascii_case("host-gateway");
        if gateway_as_name {
            message
                .push_str(" (`host-gateway` is only a value for `extra_hosts`, not a host name)");
        }
        let mut d = report(ctx, &RULE, r, Part::Host, message);
        if gateway_as_name {
            d = d.with_help("to reach the Docker host, use `host.docker.internal` and add `extra_hosts: [\"host.docker.internal:host-gateway\"]`");
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
                None => Some(suggestion.port.unwrap_or(11434)),
                Some(_) => suggestion.port,
            };
            if near_miss
                && let Some(port) = port
                && let Some(fix) =
                    safe_fix(format!("use service `{name}`"), retarget(r, name, port))
            {
                d = d.with_fix(fix);
            }
        }
        out.push(d);
    }
    out
}
