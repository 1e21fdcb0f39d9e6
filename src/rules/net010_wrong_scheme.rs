use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A TLS scheme (`https://`, `rediss://`, `amqps://`) aimed at a server that serves
    /// plaintext there.
    ///
    /// ## What it does
    /// Reports a URL for a server other than Ollama whose scheme makes the client open with
    /// a TLS handshake, aimed by name at a service whose server serves no TLS on that port:
    /// `https://qdrant:6333`, `rediss://redis:6379` to a stock Redis, `amqps://rabbitmq:5672`.
    /// Only servers whose TLS is known are judged (Redis, RabbitMQ, Qdrant), run from the
    /// project's own image, and only when the service gives no setting that may turn TLS on:
    /// a TLS flag or variable (Redis's `--tls-port`, `QDRANT__SERVICE__ENABLE_TLS`), or a
    /// mounted configuration file, whose contents are not read.
    ///
    /// ## Why is this bad?
    /// The server reads the TLS `ClientHello` as a request of its own protocol and drops
    /// the connection or answers in plaintext; the client reports a handshake error
    /// (`wrong version number`, `SSL routines`), never a useful one.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   redis:
    ///     image: redis:7
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       REDIS_URL: rediss://redis:6379/0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   redis:
    ///     image: redis:7
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       REDIS_URL: redis://redis:6379/0
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the scheme becomes the same protocol's plain one (`https` → `http`, `rediss` →
    /// `redis`, `amqps` → `amqp`), the port kept; a port left out, which the TLS scheme made
    /// its own default (`https`: 443, `amqps`: 5671), or that default written out
    /// (`amqps://rabbitmq:5671`), becomes the port the server listens on.
    ///
    /// ## Exceptions
    /// A URL through the Docker host, to a domain or to another service (a TLS-terminating
    /// proxy) is not judged: something else may answer there with TLS. Nor is a server run
    /// from another party's image (`bitnami/redis`), which has TLS switches of its own. To keep TLS, turn it
    /// on in the server or put a proxy in front of it and point the URL at the proxy.
    pub static RULE = {
        code: "NET010",
        name: "server-wrong-scheme",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    use super::oll010_wrong_scheme::{tls_finding, wrong_schemes};
    // Another kind's reference is judged for a TLS scheme only.
    wrong_schemes(ctx.net_references)
        .filter(|(_, tls)| *tls)
        .map(|(r, _)| tls_finding(ctx, &RULE, r))
        .collect()
}
