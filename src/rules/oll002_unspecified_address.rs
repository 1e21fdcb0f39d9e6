use super::reference_report::{
    Part, kind_name, likely_why, report, retarget, safe_fix, subject, working_url,
};
use super::wording::Dialect;
use super::{Context, Rule, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::ollama::Reference;
use crate::reachability::{Verdict, likely_server};

declare_rule! {
    /// `0.0.0.0` / `::` used as a destination.
    ///
    /// ## What it does
    /// Reports an Ollama URL whose host is `0.0.0.0` or `::`.
    ///
    /// ## Why is this bad?
    /// `0.0.0.0` is an address a server *binds* to ("every interface"), not one a client can
    /// connect to. On Linux a connection to it goes to the client's own loopback — the
    /// client container itself — and Windows refuses it outright. `OLLAMA_HOST=0.0.0.0` on
    /// the *server* is right; the same value in a client is not.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   app:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://0.0.0.0:11434
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///   app:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     environment:
    ///       OLLAMA_BASE_URL: http://ollama:11434
    /// ```
    ///
    /// ## Fix safety
    /// Safe when one Ollama service of the project is singled out among those the client
    /// shares a network with (as for OLL001: the only one, else the only one in its
    /// `depends_on`, else the only one no other service uses): the host is replaced by its
    /// name.
    ///
    /// ## Exceptions
    /// None.
    pub static RULE = {
        code: "OLL002",
        name: "unspecified-address",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    check_in(ctx, &RULE, ctx.references)
}

/// The unspecified-address findings among `references`, as `rule` (OLL for Ollama's, NET002 for the
/// other kinds').
pub(super) fn check_in(
    ctx: &Context,
    rule: &'static Rule,
    references: &[(Reference, Verdict)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (r, verdict) in references {
        let servers = ctx.servers_of(r);
        let kind = kind_name(r);
        if *verdict != Verdict::Unspecified {
            continue;
        }
        let mut d = report(
            ctx,
            rule,
            r,
            Part::Host,
            format!(
                "{}: `{}` is a bind address, not a destination; a client connecting to it reaches its own container",
                subject(ctx, r),
                r.url.host
            ),
        );
        match likely_server(ctx.net, servers, references, r.client) {
            Some((server, name, likely)) => {
                let port = servers
                    .get(server)
                    .map_or(servers.default_port, |s| s.listen.port);
                d = d.with_help(format!(
                    "use `{}`{}",
                    working_url(ctx, r, &name, port),
                    likely_why(ctx, &name, likely, kind)
                ));
                let unit = Dialect::of(ctx.project).unit();
                if let Some(fix) = safe_fix(
                    format!("point at {unit} `{name}`"),
                    retarget(r, &name, port),
                ) {
                    d = d.with_fix(fix);
                }
            }
            None => {
                let unit = Dialect::of(ctx.project).unit();
                d = d.with_help(format!(
                    "use the {kind} {unit}'s name, or `host.docker.internal` for a {kind} on the host"
                ));
            }
        }
        out.push(d);
    }
    out
}
