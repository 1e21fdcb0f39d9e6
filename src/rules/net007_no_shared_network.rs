use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A database, broker or other server named by a client that shares no network with it.
    ///
    /// ## What it does
    /// Reports a connection setting for a server other than Ollama whose host names a
    /// service of the project that the client cannot reach: they share no network, the client
    /// is on the default bridge or has no network, or one of them uses host networking.
    ///
    /// ## Why is this bad?
    /// Names resolve only on a shared user-defined network. A worker on network `jobs` with
    /// `REDIS_URL=redis://cache:6379`, while `cache` is only on `backend`, fails to resolve
    /// `cache`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7
    ///     networks: [backend]
    ///   worker:
    ///     image: example/worker
    ///     networks: [jobs]
    ///     environment:
    ///       REDIS_URL: redis://cache:6379
    /// networks:
    ///   backend: {}
    ///   jobs: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7
    ///     networks: [backend]
    ///   worker:
    ///     image: example/worker
    ///     networks: [jobs, backend]
    ///     environment:
    ///       REDIS_URL: redis://cache:6379
    /// networks:
    ///   backend: {}
    ///   jobs: {}
    /// ```
    ///
    /// ## Fix safety
    /// Safe where only the name is wrong (an alias valid on another network: the service
    /// name is used instead; both on host networking: `localhost`). Unsafe where the client
    /// is attached to a network of the server, or both are put on a new one, which changes
    /// what else the client can reach.
    ///
    /// ## Exceptions
    /// None known: a name that does not resolve cannot be connected to.
    pub static RULE = {
        code: "NET007",
        name: "server-no-shared-network",
        severity: Error,
        fix: Mixed,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    super::oll007_no_shared_network::check_in(ctx, &RULE, ctx.net_references)
}
