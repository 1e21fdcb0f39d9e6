use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// `localhost` / `127.x` / `::1` aimed at a database, broker or other server that does not
    /// run in that container.
    ///
    /// ## What it does
    /// Reports a connection setting for a server other than Ollama (Postgres, MySQL, Redis,
    /// MongoDB, RabbitMQ, Kafka, NATS, MQTT, Elasticsearch, Qdrant, MinIO, vLLM, …) whose host
    /// is loopback in a container where no server of that kind listens. The settings read
    /// are URLs whose scheme names the kind (`postgres://`, `redis://`, `jdbc:mysql://`),
    /// `http(s)://` URLs under a variable that names it (`QDRANT_URL`), and host variables
    /// with their port (`REDIS_HOST`/`REDIS_PORT`, `PGHOST`/`PGPORT`, `DB_HOST` with
    /// `DB_PORT=5432`).
    ///
    /// ## Why is this bad?
    /// Inside a container, loopback is the container itself. `DATABASE_URL=postgres://app@localhost:5432/app`
    /// in the app's container connects to the app's container, where nothing listens on
    /// 5432: "connection refused".
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: postgres://app@localhost:5432/app
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
    /// Safe when one server of that kind is singled out among the services the client shares
    /// a network with (the only one, else the only one in its `depends_on`, else the only one
    /// no other service uses): the host (and port) are rewritten to it. Otherwise no fix.
    ///
    /// ## Exceptions
    /// Loopback is right where the server listens in the same namespace (`network_mode:
    /// service:db`, `network_mode: host` with the server on the host). The server's own
    /// settings are not read: `REDIS_HOST` on the Redis service describes Redis itself.
    pub static RULE = {
        code: "NET001",
        name: "server-loopback-in-container",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    super::oll001_loopback_in_container::check_in(ctx, &RULE, ctx.net_references)
}
