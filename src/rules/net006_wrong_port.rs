use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// The right container, the wrong port: often the published host port used between
    /// containers.
    ///
    /// ## What it does
    /// Reports a connection setting for a server other than Ollama that reaches the server's
    /// container on a port where it does not listen. Only servers whose port is known are
    /// judged: a mounted configuration file, or a flag or variable this tool does not read,
    /// leaves the port unknown and the reference unjudged.
    ///
    /// ## Why is this bad?
    /// `ports: ["5433:5432"]` publishes Postgres on the Docker host's port 5433; between
    /// containers only the container port counts. `db:5433` is refused.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     ports: ["5433:5432"]
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: postgres://app@db:5433/app
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     ports: ["5433:5432"]
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       DATABASE_URL: postgres://app@db:5432/app
    /// ```
    ///
    /// ## Fix safety
    /// Safe where the server listens on one port: that port is written in place of the one
    /// used (inserted after the host when the URL left it out). A server with several ports
    /// (MinIO's API and console, ClickHouse's HTTP and native ports) gets no fix: the help
    /// lists them, since which one was meant is not certain. A host variable without its
    /// port variable gets no fix either: the port belongs in a variable that is not
    /// written.
    ///
    /// ## Exceptions
    /// A port the server also listens on (RabbitMQ's management UI, MinIO's console,
    /// Qdrant's gRPC port) is not wrong.
    pub static RULE = {
        code: "NET006",
        name: "server-wrong-port",
        severity: Error,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    super::oll006_wrong_port::check_in(ctx, &RULE, ctx.net_references)
}
