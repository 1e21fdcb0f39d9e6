use super::reference_report::{
    Part, env_value_span, listen_var, report, retarget, safe_fix, subject, working_url,
};
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::TargetUrl;
use crate::ollama::Reference;
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
    /// ## Fix safety
    /// Safe: the port is rewritten to (or, when left out, written as) the port Ollama listens
    /// on in that container. No fix when the server's own `OLLAMA_HOST` moved Ollama by
    /// accident — a scheme without a port (`http://0.0.0.0` listens on 80): that value is the
    /// mistake, and the help says how to correct it.
    ///
    /// ## Exceptions
    /// A server this tool does not know (a reverse proxy named like the Ollama service, an
    /// image that moves the port by other means) may listen elsewhere; suppress the finding
    /// there.
    pub static RULE = {
        code: "OLL006",
        name: "wrong-port",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in ctx.references {
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
        // `http://0.0.0.0` listens on 80 because of the scheme: a slip, not a choice.
        let moved_by_accident = moved_text
            .and_then(|v| TargetUrl::parse_lenient(v.trim().trim_matches(['"', '\''])))
            .is_some_and(|u| u.scheme.is_some() && u.port.is_none());

        let reason = if port_left_out {
            let scheme = r.url.scheme.as_deref().unwrap_or("http");
            format!(
                "without a port, `{scheme}://` goes to port {used} of the `{name}` container, where nothing listens"
            )
        } else if published_port {
            format!(
                "port {used} is `{name}`'s published port on the Docker host, but between services the container port counts"
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
            (None, _) => format!("Ollama listens on {listening}"),
        };
        let mut d = report(
            ctx,
            &RULE,
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
                "give service `{name}` an explicit port, e.g. `OLLAMA_HOST=0.0.0.0:{}` (what the official image uses), or use port {listening} here",
                ctx.servers
                    .get(server)
                    .map_or(11434, |s| s.server.server.default_port)
            ));
        } else {
            d = use_port(ctx, r, d, listening);
        }
        out.push(d);
    }
    out
}

/// The wrong port of an Ollama that another project of the run runs, on a network both use.
fn in_other_project(
    ctx: &Context,
    r: &Reference,
    (project, service): (&str, &str),
    (used, listening): (u16, u16),
    port_left_out: bool,
) -> Diagnostic {
    let reason = if port_left_out {
        let scheme = r.url.scheme.as_deref().unwrap_or("http");
        format!("without a port, `{scheme}://` goes to port {used}")
    } else {
        format!("nothing listens on port {used}")
    };
    let message = format!(
        "{}: {reason} of the `{service}` container of project `{project}`; Ollama listens on {listening}",
        subject(ctx, r)
    );
    use_port(
        ctx,
        r,
        report(ctx, &RULE, r, Part::Port, message),
        listening,
    )
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
    fn a_port_moved_by_a_bare_scheme_gets_help_not_a_fix() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n    environment:\n      OLLAMA_HOST: http://0.0.0.0\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: http://ollama:11434\n";
        let d = only(yaml);
        assert!(d.fix.is_none());
        assert!(
            d.message.expose_unredacted().contains("port 80"),
            "{:?}",
            d.message
        );
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
