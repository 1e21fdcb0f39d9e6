use super::reference_report::{Part, likely_why, report, retarget, safe_fix, subject, working_url};
use super::wording::Dialect;
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
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
    let mut out = Vec::new();
    for (r, verdict) in ctx.references {
        if *verdict != Verdict::Unspecified {
            continue;
        }
        let mut d = report(
            ctx,
            &RULE,
            r,
            Part::Host,
            format!(
                "{}: `{}` is a bind address, not a destination; a client connecting to it reaches its own container",
                subject(ctx, r),
                r.url.host
            ),
        );
        match likely_server(ctx.net, ctx.servers, ctx.references, r.client) {
            Some((server, name, likely)) => {
                let port = ctx.servers.get(server).map_or(11434, |s| s.listen.port);
                d = d.with_help(format!(
                    "use `{}`{}",
                    working_url(ctx, r, &name, port),
                    likely_why(ctx, &name, likely, "Ollama")
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
                d = d.with_help(format!("use the Ollama {unit}'s name, or `host.docker.internal` for an Ollama on the host"));
            }
        }
        out.push(d);
    }
    out
}
