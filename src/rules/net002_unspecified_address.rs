use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// `0.0.0.0` or `::` used as the address of a database, broker or other server.
    ///
    /// ## What it does
    /// Reports a connection setting for a server other than Ollama whose host is the
    /// unspecified address (`0.0.0.0`, `::`), typically copied from the server's own bind
    /// setting.
    ///
    /// ## Why is this bad?
    /// `0.0.0.0` means "every interface" to a server that binds it. As a destination, Linux
    /// takes it for the client's own host: inside a container, the client's own container.
    /// `REDIS_HOST=0.0.0.0` in a worker is refused there.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7
    ///   worker:
    ///     image: example/worker
    ///     environment:
    ///       REDIS_URL: redis://0.0.0.0:6379
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7
    ///   worker:
    ///     image: example/worker
    ///     environment:
    ///       REDIS_URL: redis://cache:6379
    /// ```
    ///
    /// ## Fix safety
    /// Safe when one server of that kind is singled out among the services the client shares
    /// a network with (as for NET001). Otherwise no fix.
    ///
    /// ## Exceptions
    /// A server's own settings are not read: `0.0.0.0` is right where the server binds.
    pub static RULE = {
        code: "NET002",
        name: "server-unspecified-address",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    super::oll002_unspecified_address::check_in(ctx, &RULE, ctx.net_references)
}
