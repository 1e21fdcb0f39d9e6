use std::collections::BTreeMap;

use super::reference_report::{
    Part, env_value_span, insert_in, kind_name, listen_var, part_span, report, retarget, safe_fix,
    subject, working_url,
};
use super::wording::{Dialect, quoted_list};
use super::{Context, Rule, declare_rule};
use crate::compose::model::EnvVar;
use crate::diagnostic::Diagnostic;
use crate::knowledge::TargetUrl;
use crate::net::Resolution;
use crate::ollama::Reference;
use crate::reach::is_ollama;
use crate::reachability::Verdict;

declare_rule! {
    /// The right host, but a port nothing listens on (published port used between services,
    /// port left out, port moved by `OLLAMA_HOST`).
    ///
    /// ## What it does
    /// Reports an Ollama URL whose host is right — it reaches the container an Ollama runs
    /// in — but whose port is not the one Ollama listens on there:
    ///
    /// - the port published on the Docker host used between services
    ///   (`ports: ["11435:11434"]`, then `http://ollama:11435`);
    /// - the port left out, so `http://` means 80 and `https://` 443;
    /// - Ollama moved to another port by its `OLLAMA_HOST` (`0.0.0.0:8080`, or
    ///   `http://0.0.0.0`, which means port 80).
    ///
    /// The same holds for an Ollama of another project linted in the same run, reached by
    /// name on a network both projects use (`external: true`, or the same `name:`).
    ///
    /// ## Why is this bad?
    /// Nothing answers on that port: the request is refused ("connection refused",
    /// `ECONNREFUSED`, "Cannot connect to host"). Services of one project talk to each other
    /// on the *container* port; the published port exists only on the Docker host.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11435:11434"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11435
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     ports: ["11435:11434"]
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    /// ```
    ///
    /// When the server's own `OLLAMA_HOST` moved Ollama by accident — a scheme without a port
    /// (`http://0.0.0.0` listens on 80) — while every service that uses it connects to
    /// Ollama's default port and nothing publishes the port it moved to, that value is the
    /// mistake: the finding is one, on the server's `OLLAMA_HOST`, whatever the number of
    /// clients.
    ///
    /// ## Fix safety
    /// Safe: the port is rewritten to (or, when left out, written as) the port Ollama listens
    /// on in that container. For the accidental `OLLAMA_HOST` above, the default port is
    /// written into it instead (`http://0.0.0.0:11434`), which is where every client already
    /// connects. When some use the port it moved to, or publish it, there is no fix: the help
    /// says both ways to correct it.
    /// Unsafe where the value sits under a key the app does not read and OLL020's rename of
    /// it is unsafe: the fix only helps with the rename.
    ///
    /// ## Exceptions
    /// A server this tool does not know (a reverse proxy named like the Ollama service, an
    /// image that moves the port by other means) may listen elsewhere; suppress the finding
    /// there.
    pub static RULE = {
        code: "OLL006",
        name: "wrong-port",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.references)
}

/// The wrong-port findings among `references`, as `rule` (OLL006 for Ollama's, NET006 for
/// the other kinds'). A slip in Ollama's own `OLLAMA_HOST` is reported once, by OLL006.
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let slips = if rule.code == RULE.code {
        listen_slips(ctx)
    } else {
        BTreeMap::new()
    };
    for (r, verdict) in references {
        let kind = kind_name(r);
        if let Verdict::WrongPortInOtherProject {
            project,
            service,
            used,
            listening,
            port_left_out,
        } = verdict
        {
            out.push(in_other_project(
                ctx,
                rule,
                r,
                (project, service),
                (*used, *listening),
                *port_left_out,
            ));
            continue;
        }
        let Verdict::WrongPort {
            server,
            used,
            listening,
            published_port,
            port_left_out,
        } = *verdict
        else {
            continue;
        };
        let Some(service) = ctx.project.services.get(server) else {
            continue;
        };
        if slips.contains_key(&server) {
            continue;
        }
        let name = &service.name;
        // The server's `OLLAMA_HOST`, when it is what moved Ollama off its default port.
        let moved_by = listen_var(ctx, server).filter(|_| {
            ctx.servers
                .get(server)
                .is_some_and(|s| s.listen.port != s.server.server.default_port)
        });
        let moved_text = moved_by
            .and_then(|v| v.value.as_ref())
            .map(|t| t.value.as_str());
        let moved_by_accident = moved_text.is_some_and(scheme_without_port);

        let reason = if port_left_out && !is_ollama(r.kind) {
            format!(
                "without a port, the client dials {kind}'s default port {used} of the `{name}` container, where nothing listens"
            )
        } else if port_left_out {
            let scheme = r.url.scheme.as_deref().unwrap_or("http");
            format!(
                "without a port, `{scheme}://` goes to port {used} of the `{name}` container, where nothing listens"
            )
        } else if published_port {
            format!(
                "port {used} is `{name}`'s published port on the Docker host, but between {}s the container port counts",
                Dialect::of(ctx.project).unit()
            )
        } else {
            format!("nothing listens on port {used} of the `{name}` container")
        };
        let listens = match (moved_text, moved_by_accident) {
            (Some(v), true) => format!(
                "its `OLLAMA_HOST={v}` makes Ollama listen on port {listening} (a scheme without a port means {listening})"
            ),
            (Some(v), false) => {
                format!("its `OLLAMA_HOST={v}` makes Ollama listen on port {listening}")
            }
            (None, _) => format!("{kind} listens on {listening}"),
        };
        let mut d = report(
            ctx,
            rule,
            r,
            Part::Port,
            format!("{}: {reason}; {listens}", subject(ctx, r)),
        );
        if published_port {
            let mapping = service
                .ports
                .iter()
                .find(|p| p.mapping.published.as_deref() == Some(used.to_string().as_str()));
            if let Some(p) = mapping {
                d = d.with_related(
                    p.published
                        .as_ref()
                        .and_then(|t| t.primary_span())
                        .unwrap_or(p.span),
                    format!("host port {used} is published here"),
                );
            }
        }
        if let Some(var) = moved_by {
            d = d.with_related(
                env_value_span(var),
                format!("Ollama listens on port {listening} because of this"),
            );
        }
        if moved_by_accident {
            d = d.with_help(format!(
                "give {} `{name}` an explicit port, e.g. `OLLAMA_HOST=0.0.0.0:{}` (what the official image uses), or use port {listening} here",
                Dialect::of(ctx.project).unit(),
                ctx.servers
                    .get(server)
                    .map_or(11434, |s| s.server.server.default_port)
            ));
        } else if let Some(others) = ctx
            .servers_of(r)
            .get(server)
            .map(|s| s.other_ports.as_slice())
            .filter(|others| !others.is_empty())
        {
            // A server with several ports (an API and a console, AMQP and its management
            // UI): which one was meant is not certain, so the help names them all.
            let ports: Vec<String> = std::iter::once(listening)
                .chain(others.iter().copied())
                .map(|p| working_url(ctx, r, &r.url.host, p))
                .collect();
            d = d.with_help(format!(
                "use a port it listens on: {}",
                quoted_list(&ports, "or")
            ));
        } else {
            d = use_port(ctx, r, d, listening);
        }
        out.push(d);
    }
    out.extend(slips.into_values().map(|slip| slip.finding(ctx)));
    out
}

/// `http://0.0.0.0` listens on 80 because of the scheme: a slip, not a choice.
fn scheme_without_port(value: &str) -> bool {
    TargetUrl::parse_lenient(value.trim().trim_matches(['"', '\'']))
        .is_some_and(|u| u.scheme.is_some() && u.port.is_none())
}

/// An Ollama server moved off its default port by a scheme without a port in its own
/// `OLLAMA_HOST`, while every reference to it uses the default port.
struct ListenSlip<'a> {
    server: usize,
    var: &'a EnvVar,
    listening: u16,
    default_port: u16,
    /// The references that miss it, in order.
    missing: Vec<&'a Reference>,
}

/// The servers whose listen address is a slip to report once, on the server: every
/// reference that reaches the server's container misses it on the default port, no
/// reference connects to the port it moved to (or leaves the port out), and no published
/// port targets it (someone chose it).
fn listen_slips<'a>(ctx: &Context<'a>) -> BTreeMap<usize, ListenSlip<'a>> {
    let mut slips: BTreeMap<usize, ListenSlip> = BTreeMap::new();
    let mut spoiled = std::collections::BTreeSet::new();
    for (r, verdict) in ctx.references {
        let Verdict::WrongPort {
            server,
            used,
            listening,
            published_port: false,
            port_left_out: false,
        } = *verdict
        else {
            continue;
        };
        let Some(var) = listen_var(ctx, server) else {
            continue;
        };
        let Some(default_port) = ctx
            .servers
            .get(server)
            .map(|s| s.server.server.default_port)
        else {
            continue;
        };
        let slipped = var
            .value
            .as_ref()
            .is_some_and(|t| scheme_without_port(&t.value));
        if !slipped || used != default_port || listening == default_port {
            spoiled.insert(server);
            continue;
        }
        slips
            .entry(server)
            .or_insert_with(|| ListenSlip {
                server,
                var,
                listening,
                default_port,
                missing: Vec::new(),
            })
            .missing
            .push(r);
    }
    slips.retain(|server, slip| {
        let published = ctx.project.services[*server]
            .ports
            .iter()
            .any(|p| u32::from(slip.listening) == p.mapping.target);
        // A reference that connects to the port it moved to, or leaves the port to the
        // scheme, may be the one the port was chosen for.
        let used_there = ctx.references.iter().any(|(r, verdict)| {
            r.client != *server
                && !matches!(verdict, Verdict::WrongPort { server: s, .. } if s == server)
                && r.url.port.is_none_or(|p| p == slip.listening)
                && reaches_container(ctx, r, *server)
        });
        !spoiled.contains(server) && !published && !used_there
    });
    slips
}

/// Whether the reference's host is the container `server` runs in: its name on a shared
/// network, or loopback in a namespace the client shares with it.
fn reaches_container(ctx: &Context, r: &Reference, server: usize) -> bool {
    match ctx.net.resolve(r.client, &r.url.host) {
        Resolution::Sibling { service, .. } => service == server,
        Resolution::Loopback(namespace) | Resolution::Unspecified(namespace) => {
            ctx.net.members(&namespace).contains(&server)
        }
        _ => false,
    }
}

impl ListenSlip<'_> {
    /// One finding on the server's `OLLAMA_HOST`, whatever the number of clients, with the
    /// default port written into it as the fix.
    fn finding(&self, ctx: &Context) -> Diagnostic {
        let name = &ctx.project.services[self.server].name;
        let value = self.var.value.as_ref().map_or("", |t| t.value.as_str());
        let (listening, default_port) = (self.listening, self.default_port);
        let clients: Vec<&str> = self
            .missing
            .iter()
            .map(|r| ctx.project.services[r.client].name.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let users = match clients.as_slice() {
            [one] => format!("`{one}` connects"),
            few if few.len() <= 5 => format!("{} connect", quoted_list(few, "and")),
            many => format!(
                "{} and {} more connect",
                many[..4]
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                many.len() - 4
            ),
        };
        let mut d = RULE
            .diagnostic(
                format!(
                    "`{}={value}` makes Ollama {} `{name}` listen on port {listening} (a scheme without a port means {listening}), but {users} to port {default_port}",
                    self.var.key,
                    Dialect::of(ctx.project).unit()
                ),
                Some(env_value_span(self.var)),
            )
            .with_service(name)
            .with_label(format!("Ollama listens on port {listening} because of this"))
            .with_help(format!(
                "give the port: `{}={}`",
                self.var.key,
                with_port(value, default_port).unwrap_or_else(|| format!("0.0.0.0:{default_port}"))
            ));
        for r in self.missing.iter().take(3) {
            if let Some(span) = part_span(r, Part::Port) {
                let client = &ctx.project.services[r.client].name;
                d = d.with_related(span, format!("`{client}` connects to port {default_port}"));
            }
        }
        let edit =
            self.var.value.as_ref().and_then(|text| {
                insert_in(text, after_host(&text.value)?, format!(":{default_port}"))
            });
        match safe_fix(format!("listen on port {default_port}"), vec![edit]) {
            Some(fix) => d.with_fix(fix),
            None => d,
        }
    }
}

/// `http://0.0.0.0` with `:port` after the host.
fn with_port(value: &str, port: u16) -> Option<String> {
    let end = after_host(value)?;
    Some(format!("{}:{port}{}", &value[..end], &value[end..]))
}

/// Where a port goes in an address that has none: after the host (and an IPv6 literal's `]`).
fn after_host(value: &str) -> Option<usize> {
    let url = TargetUrl::parse(value)?;
    let end = url.host_range.end;
    Some(end + usize::from(value.as_bytes().get(end) == Some(&b']')))
}

/// The wrong port of an Ollama that another project of the run runs, on a network both use.
fn in_other_project(
    ctx: &Context,
    rule: &'static Rule,
    r: &Reference,
    (project, service): (&str, &str),
    (used, listening): (u16, u16),
    port_left_out: bool,
) -> Diagnostic {
    let kind = kind_name(r);
    let reason = if port_left_out && !is_ollama(r.kind) {
        format!("without a port, the client dials {kind}'s default port {used}")
    } else if port_left_out {
        let scheme = r.url.scheme.as_deref().unwrap_or("http");
        format!("without a port, `{scheme}://` goes to port {used}")
    } else {
        format!("nothing listens on port {used}")
    };
    let message = format!(
        "{}: {reason} of the `{service}` container of project `{project}`; {kind} listens on {listening}",
        subject(ctx, r)
    );
    use_port(ctx, r, report(ctx, rule, r, Part::Port, message), listening)
}

/// The help and safe fix that write the port Ollama listens on into the reference.
fn use_port(ctx: &Context, r: &Reference, d: Diagnostic, listening: u16) -> Diagnostic {
    let url = working_url(ctx, r, &r.url.host, listening);
    let d = d.with_help(format!("use `{url}`"));
    match safe_fix(
        format!("use port {listening}"),
        retarget(r, &r.url.host, listening),
    ) {
        Some(fix) => d.with_fix(fix),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::reference_report::only_finding;

    fn only(yaml: &str) -> Diagnostic {
        only_finding("OLL006", yaml)
    }

    #[test]
    fn a_left_out_port_is_inserted_after_the_host() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://ollama\n";
        let d = only(yaml);
        assert!(
            d.message.expose_unredacted().contains("port 80"),
            "{:?}",
            d.message
        );
        let fix = d.fix.expect("a fix");
        assert_eq!(fix.edits.len(), 1);
        let at = yaml.find("http://ollama").unwrap() + "http://ollama".len();
        assert_eq!((fix.edits[0].span.start, fix.edits[0].span.end), (at, at));
        assert_eq!(fix.edits[0].content, ":11434");
    }

    #[test]
    fn a_port_moved_by_a_bare_scheme_is_fixed_on_the_server() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    environment:\n      OLLAMA_HOST: http://0.0.0.0\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434\n";
        let d = only(yaml);
        assert_eq!(d.service.as_deref(), Some("ollama"));
        let at = yaml.find("http://0.0.0.0").unwrap();
        assert_eq!(d.primary.map(|s| s.start), Some(at));
        assert!(
            d.message.expose_unredacted().contains("port 80"),
            "{:?}",
            d.message
        );
        let fix = d.fix.expect("a fix");
        let end = at + "http://0.0.0.0".len();
        assert_eq!((fix.edits[0].span.start, fix.edits[0].span.end), (end, end));
        assert_eq!(fix.edits[0].content, ":11434");
    }

    #[test]
    fn a_port_moved_by_a_bare_scheme_that_someone_uses_gets_help_not_a_fix() {
        // `probe` connects to port 80, where Ollama listens: the port may be the choice.
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    environment:\n      OLLAMA_HOST: http://0.0.0.0\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434\n  probe:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://ollama:80\n";
        let d = only(yaml);
        assert_eq!(d.service.as_deref(), Some("ui"));
        assert!(d.fix.is_none());
        assert!(
            d.help
                .unwrap()
                .expose_unredacted()
                .contains("OLLAMA_HOST=0.0.0.0:11434")
        );
        let related = d.related.first().expect("the OLLAMA_HOST value");
        let at = yaml.find("http://0.0.0.0").unwrap();
        assert_eq!(related.span.start, at);
    }
}
