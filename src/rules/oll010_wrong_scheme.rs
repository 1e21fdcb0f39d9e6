use super::reference_report::{
    Part, edit_part, env_value_span, insert_at, kind_name, listen_var_of, report, safe_fix, subject,
};
use super::{Context, Rule, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::knowledge::client::SchemeRule;
use crate::knowledge::plain_scheme;
use crate::net::Resolution;
use crate::ollama::Reference;
use crate::reach::is_ollama;
use crate::reachability::Verdict;

declare_rule! {
    /// `https://` to Ollama, or no scheme where the client needs one.
    ///
    /// ## What it does
    /// Reports an Ollama URL with the wrong scheme: `https://` aimed straight at an Ollama
    /// server, or no scheme at all where the client needs one (`ollama:11434` in Open WebUI's
    /// `OLLAMA_BASE_URL`; in big-AGI, which then prepends `https://`). Ollama's own
    /// `OLLAMA_HOST` needs no scheme and is never reported for lacking one.
    ///
    /// ## Why is this bad?
    /// Ollama serves plain HTTP only. A TLS handshake against it fails with
    /// `SSL routines::wrong version number` / `[SSL: WRONG_VERSION_NUMBER]`. Without a scheme,
    /// apps that build URLs by concatenation or `new URL()` reject the value or read the host
    /// name as the scheme.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: https://ollama:11434
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
    /// Safe: `https` becomes `http` (and a port left out — which `https` made 443 — becomes
    /// the port Ollama listens on); a missing scheme is written as `http://`.
    ///
    /// ## Exceptions
    /// `https://` is not judged where a TLS proxy may answer: a domain, an address outside
    /// the project, or the Docker host on a port no Ollama uses. Put the proxy in front and
    /// point `https://` at the proxy.
    pub static RULE = {
        code: "OLL010",
        name: "wrong-scheme",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    wrong_schemes(ctx.references)
        .map(|(r, tls)| {
            if tls {
                tls_finding(ctx, &RULE, r)
            } else {
                missing_finding(ctx, r)
            }
        })
        .collect()
}

/// The references judged to have the wrong scheme, each with whether a TLS scheme is the
/// mistake (else a missing scheme, which only Ollama's references are judged for).
pub(super) fn wrong_schemes(
    judged: &[(Reference, Verdict)],
) -> impl Iterator<Item = (&Reference, bool)> {
    judged.iter().filter_map(|(r, verdict)| match verdict {
        Verdict::WrongScheme { tls } => Some((r, *tls)),
        _ => None,
    })
}

/// A TLS scheme at a server that serves plaintext there, reported as `rule` (OLL010 for
/// Ollama's references, NET010 for the other kinds'): the scheme becomes its plain one, and
/// a port the TLS scheme's default chose becomes the server's.
pub(super) fn tls_finding(ctx: &Context, rule: &'static Rule, r: &Reference) -> Diagnostic {
    let servers = ctx.servers_of(r);
    let port = listening_port(ctx, r);
    let written = r.url.scheme.as_deref().unwrap_or_default();
    let plain = plain_scheme(written).unwrap_or("http");
    let kind = kind_name(r);
    let ollama = is_ollama(r.kind);
    let message = if ollama {
        format!(
            "{}: Ollama serves plain HTTP only; a TLS handshake with it fails (`wrong version number`)",
            subject(ctx, r)
        )
    } else {
        let listening = port.unwrap_or(servers.default_port);
        let used = r.port();
        let without = if r.url.port.is_none() {
            " without a port"
        } else {
            ""
        };
        let why = if used == listening {
            format!(
                "`{written}://` makes the client start a TLS handshake, but {kind} serves no TLS on port {listening} (none is configured)"
            )
        } else {
            format!(
                "`{written}://`{without} makes the client start a TLS handshake at port {used}, but {kind} serves no TLS (none is configured) and listens on {listening}"
            )
        };
        format!("{}: {why}; the connection fails", subject(ctx, r))
    };
    let mut d = report(ctx, rule, r, Part::Scheme, message);
    // `OLLAMA_HOST=https://…` on the server only changes what its own CLI expects.
    if let Resolution::Sibling { service, .. } = ctx.net.resolve(r.client, &r.url.host)
        && let Some(var) = listen_var_of(ctx, servers, service)
        && var
            .value
            .as_ref()
            .is_some_and(|t| t.value.trim().starts_with("https://"))
    {
        d = d.with_related(
            env_value_span(var),
            format!("`https://` here does not make {kind} serve TLS"),
        );
    }
    let mut edits = vec![edit_part(r, Part::Scheme, plain)];
    let value = &r.text.value;
    let after_scheme = r.url.scheme_range.as_ref().map_or(0, |s| s.end + 3);
    // After the host, and after the `]` of an IPv6 literal.
    let host_end =
        r.url.host_range.end + usize::from(value[r.url.host_range.end..].starts_with(']'));
    let fixed = match (r.url.port, port) {
        // The TLS scheme without a port meant its own default (`https`: 443); the plain one
        // means another (`http`: 80).
        (None, Some(p)) => {
            edits.push(edit_part(r, Part::Port, format!(":{p}")));
            format!(
                "{plain}://{}:{p}{}",
                value.get(after_scheme..host_end).unwrap_or(""),
                value.get(host_end..).unwrap_or("")
            )
        }
        (None, None) => {
            edits.push(None);
            format!(
                "{plain}://{}:{}",
                value.get(after_scheme..).unwrap_or(""),
                servers.default_port
            )
        }
        // The TLS scheme's own port written out (`https://qdrant:443`).
        (Some(used), Some(p)) if used != p => {
            edits.push(edit_part(r, Part::Port, p.to_string()));
            let port_start = r.url.port_range.as_ref().map_or(host_end, |p| p.start);
            let port_end = r.url.port_range.as_ref().map_or(host_end, |p| p.end);
            format!(
                "{plain}://{}{p}{}",
                value.get(after_scheme..port_start).unwrap_or(""),
                value.get(port_end..).unwrap_or("")
            )
        }
        (Some(_), _) => format!("{plain}://{}", value.get(after_scheme..).unwrap_or("")),
    };
    d = d.with_help(if ollama {
        format!(
            "use `{fixed}`; for TLS put a reverse proxy in front of Ollama and point `https://` at the proxy"
        )
    } else {
        // The URL is not repeated: it may hold credentials.
        let port_part = match port {
            Some(p) if r.url.port != Some(p) => format!(" and port {p}, where {kind} listens"),
            _ => String::new(),
        };
        format!(
            "use `{plain}://` in place of `{written}://`{port_part}; for TLS, turn it on in {kind} or point `{written}://` at a TLS proxy in front of it"
        )
    });
    if let Some(fix) = safe_fix(format!("use `{plain}`"), edits) {
        d = d.with_fix(fix);
    }
    d
}

fn missing_finding(ctx: &Context, r: &Reference) -> Diagnostic {
    let var = r.var_name();
    let why = if r.expect.scheme == SchemeRule::HttpsIfMissing {
        "the app prepends `https://` to a value without a scheme, and Ollama serves plain HTTP only"
            .to_string()
    } else {
        format!("`{var}` needs a full URL with `http://`")
    };
    let message = format!("{}: {why}", subject(ctx, r));
    let mut d = report(ctx, &RULE, r, Part::Whole, message)
        .with_help(format!("use `http://{}`", &r.text.value));
    if let Some(fix) = safe_fix(
        "write the scheme `http://`".to_string(),
        vec![insert_at(r, 0, "http://")],
    ) {
        d = d.with_fix(fix);
    }
    d
}

/// The port the server behind the reference listens on, when the address names one.
fn listening_port(ctx: &Context, r: &Reference) -> Option<u16> {
    match ctx.net.resolve(r.client, &r.url.host) {
        Resolution::Sibling { service, .. } => {
            ctx.servers_of(r).get(service).map(|s| s.listen.port)
        }
        Resolution::Loopback(namespace) => ctx
            .net
            .listeners_in(&namespace, r.kind)
            .first()
            .map(|(_, l)| l.port),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::reference_report::{lint_yaml, only_finding};

    fn only(yaml: &str) -> Diagnostic {
        only_finding("OLL010", yaml)
    }

    #[test]
    fn https_without_a_port_gets_the_listening_port() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: https://ollama\n";
        let d = only(yaml);
        assert!(
            d.help
                .as_ref()
                .unwrap()
                .expose_unredacted()
                .contains("`http://ollama:11434`"),
            "{:?}",
            d.help
        );
        let fix = d.fix.expect("a fix");
        let contents: Vec<_> = fix.edits.iter().map(|e| e.content.as_str()).collect();
        assert_eq!(contents, ["http", ":11434"]);
        let at = yaml.find("https").unwrap();
        assert_eq!(
            (fix.edits[0].span.start, fix.edits[0].span.end),
            (at, at + 5)
        );
    }

    #[test]
    fn a_missing_scheme_is_inserted() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    environment:\n      OLLAMA_BASE_URL: ollama:11434\n";
        let d = only(yaml);
        let fix = d.fix.expect("a fix");
        let at = yaml.find("ollama:11434").unwrap();
        assert_eq!((fix.edits[0].span.start, fix.edits[0].span.end), (at, at));
        assert_eq!(fix.edits[0].content, "http://");
    }

    #[test]
    fn ollama_host_needs_no_scheme() {
        let yaml = "services:\n  ollama:\n    image: ollama/ollama\n  app:\n    image: example/app\n    environment:\n      OLLAMA_HOST: ollama:11434\n";
        assert!(lint_yaml(yaml).iter().all(|d| d.code != "OLL010"));
    }
}
