use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A database, broker or other server of the project reached through the Docker host
    /// and its published port, where its name would reach it directly.
    ///
    /// ## What it does
    /// Reports a connection setting for a server other than Ollama that goes to the Docker
    /// host (`host.docker.internal`, the gateway address) on a port that a server service of
    /// the project publishes.
    ///
    /// ## Why is this bad?
    /// It works, but only while the port stays published and the host name resolves (on
    /// Linux, with the `host-gateway` mapping). The traffic leaves the project's network for
    /// the host and comes back through Docker's port forwarding, and the database port must
    /// be published, often to the whole network.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     ports: ["5432:5432"]
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: postgres://app@host.docker.internal:5432/app
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: postgres://app@db:5432/app
    /// ```
    ///
    /// ## Fix safety
    /// Safe where the client shares a network with the server: the host (and port) are
    /// rewritten to the service. The published port and the `extra_hosts` entry are left for
    /// you to remove, since something else may use them.
    ///
    /// ## Exceptions
    /// A client with host networking reaches servers only through published ports.
    pub static RULE = {
        code: "NET003",
        name: "server-detour-through-host",
        severity: Warning,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    super::oll003_detour_through_host::check_in(ctx, &RULE, ctx.net_references)
}
