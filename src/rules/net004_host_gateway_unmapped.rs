use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// `host.docker.internal` for a database, broker or other server on Linux without the
    /// `host-gateway` mapping.
    ///
    /// ## What it does
    /// Reports a connection setting for a server other than Ollama whose host is
    /// `host.docker.internal` (or Podman's `host.containers.internal`, or the default
    /// bridge's gateway `172.17.0.1`) where the platform does not provide that name for
    /// the client.
    ///
    /// ## Why is this bad?
    /// Docker Desktop provides `host.docker.internal`; Linux Docker Engine resolves it only
    /// with `extra_hosts: ["host.docker.internal:host-gateway"]`. Without it the app fails
    /// with "could not translate host name" (Postgres) or `getaddrinfo ENOTFOUND`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: postgres://app@host.docker.internal:5432/app
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: postgres://app@host.docker.internal:5432/app
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix adds the `extra_hosts` mapping, which changes the service's
    /// structure. Where the name would reach a server of the project through its published
    /// port, the safe fix points at the service directly instead.
    ///
    /// ## Exceptions
    /// With `--platform desktop` the name resolves and nothing is reported. The server on
    /// the host must also listen beyond its loopback, which this tool cannot see.
    pub static RULE = {
        code: "NET004",
        name: "server-host-gateway-unmapped",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    super::oll004_host_gateway_unmapped::check_in(ctx, &RULE, ctx.net_references)
}
