use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A database, broker or other server addressed by a name nothing resolves.
    ///
    /// ## What it does
    /// Reports a connection setting for a server other than Ollama whose host is a single
    /// name no service, alias, link or `extra_hosts` entry of the project provides, in a
    /// project that runs a server of that kind the name could have meant.
    ///
    /// ## Why is this bad?
    /// Docker's DNS answers only for the names of the containers on the client's networks.
    /// `REDIS_HOST=redis` beside a service called `cache` fails with "Name or service not
    /// known" (or `getaddrinfo ENOTFOUND redis`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       REDIS_URL: redis://redis:6379
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       REDIS_URL: redis://cache:6379
    /// ```
    ///
    /// ## Fix safety
    /// Safe where the name is certain: the `hostname:` of exactly one service (Compose makes
    /// no DNS name of it), or a near miss of the name of a server of that kind. Otherwise no
    /// fix (`host-gateway` used as a host name gets help only: the project's own server is
    /// reached by its name, one on the host through `host.docker.internal`).
    ///
    /// ## Exceptions
    /// Without a server of that kind in the project the name may be a host the Docker host's
    /// resolver knows, and nothing is reported. On an external network another project may
    /// provide the name: that finding is information only.
    pub static RULE = {
        code: "NET005",
        name: "server-unknown-host",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    super::oll005_unknown_host::check_in(ctx, &RULE, ctx.net_references)
}
