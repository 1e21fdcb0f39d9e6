use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A database, broker or other server of the project reached through the Docker host on
    /// a port it does not publish.
    ///
    /// ## What it does
    /// Reports a connection setting for a server other than Ollama that goes to the Docker
    /// host on a port where the project's server of that kind publishes nothing (or publishes
    /// it on the host's `127.0.0.1` only, which containers cannot reach through the gateway).
    ///
    /// ## Why is this bad?
    /// Nothing of the project answers there: "connection refused", or whatever else happens
    /// to listen on the host.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: mysql:8
    ///     environment:
    ///       MYSQL_ROOT_PASSWORD: example
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: mysql://root@host.docker.internal:3306/app
    ///     extra_hosts: ["host.docker.internal:host-gateway"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: mysql:8
    ///     environment:
    ///       MYSQL_ROOT_PASSWORD: example
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: mysql://root@db:3306/app
    /// ```
    ///
    /// ## Fix safety
    /// Safe where the service meant is certain (its port mapping is the one in question, or
    /// the project runs one server of that kind) and the client shares a network with it:
    /// the URL is pointed at the service directly. Else, when the service publishes the
    /// port on another host port, that port.
    ///
    /// ## Exceptions
    /// A server installed on the host itself may answer on that port; suppress the finding
    /// then.
    pub static RULE = {
        code: "NET009",
        name: "server-port-not-published",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    super::oll009_port_not_published::check_in(ctx, &RULE, ctx.net_references)
}
