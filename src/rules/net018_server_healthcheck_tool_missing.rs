use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A database or other server's healthcheck that calls a program its image does not ship.
    ///
    /// ## What it does
    /// Reports a healthcheck on a service running an official server image other than
    /// Ollama's whose `test` can only fail because the program it calls is not in the image:
    /// `["CMD", "curl", …]`, or a shell command made of nothing but such calls joined by `||`,
    /// optionally ending in `exit 1` or `false`. The images whose contents are known:
    /// `postgres`, `redis`, `valkey/valkey`, `rabbitmq` (its `-management` tags too) and
    /// `memcached` (neither `curl` nor `wget` on the Debian and Ubuntu tags; `curl` missing on
    /// the Alpine tags, which have busybox `wget`), `mariadb` (neither, on the Ubuntu tags),
    /// `mysql` (neither, on the Debian variant's tags), `mongo` (neither, from 6.0),
    /// `qdrant/qdrant` (neither, on every CPU tag), `chromadb/chroma` (neither, from 1.0), and
    /// `clickhouse` and `clickhouse/clickhouse-server` (from 25), `searxng/searxng` and
    /// `eclipse-mosquitto` (no `curl`; they have `wget`). `vllm/vllm-openai` and `localai/localai` have both.
    ///
    /// ## Why is this bad?
    /// The check fails on every run (`executable file not found`, or `curl: not found` from
    /// the shell), whether the server answers or not: the container is marked `unhealthy`
    /// forever, and every service that waits on it with `condition: service_healthy` never
    /// starts (an error then; a warning otherwise). The official images install `curl` or
    /// `wget` only to fetch what they build and remove it in the same step; Qdrant's and
    /// Chroma's add no HTTP client at all (facts F-KIND-PG-TOOLS, F-KIND-REDIS-TOOLS,
    /// F-KIND-VALKEY-TOOLS, F-KIND-MARIADB-TOOLS, F-KIND-MYSQL-TOOLS, F-KIND-MONGO-TOOLS,
    /// F-KIND-RABBITMQ-TOOLS, F-KIND-QDRANT-TOOLS, F-KIND-MEMCACHED-TOOLS,
    /// F-KIND-CLICKHOUSE-TOOLS, F-KIND-CHROMA-TOOLS, F-KIND-SEARXNG-TOOLS and
    /// F-KIND-MOSQUITTO-TOOLS in `docs/knowledge/facts.md`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     environment:
    ///       POSTGRES_PASSWORD: example
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-f", "http://localhost:5432"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     environment:
    ///       POSTGRES_PASSWORD: example
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U \"$${POSTGRES_USER:-postgres}\" -d postgres"]
    /// ```
    /// `pg_isready` succeeds only while Postgres accepts connections; over TCP it also fails
    /// while the image's entrypoint initialises the database with a server on the Unix socket
    /// alone. For Redis, `["CMD", "redis-cli", "ping"]` (Valkey: `valkey-cli`); for MariaDB,
    /// `["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]`; for MySQL's Debian
    /// tags, `["CMD", "mysqladmin", "ping", "-h", "127.0.0.1"]`; for MongoDB,
    /// `["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"]`; for RabbitMQ,
    /// `["CMD", "rabbitmq-diagnostics", "-q", "check_port_connectivity"]`.
    ///
    /// ## Fix safety
    /// Safe where the image has a probe of its own (`pg_isready`, `redis-cli ping`, …): the
    /// whole `test` value is replaced by it. Offered only when the service runs the image's
    /// own command (another may move the port or require a password), `test` is written in
    /// the service's own mapping, not brought in by an anchor, a `<<` merge, `extends` or
    /// another file, and no other service shares it. Qdrant's, Chroma's and Memcached's images
    /// have no client to probe with, and ClickHouse's, SearXNG's and Mosquitto's listen where
    /// their configuration says: no fix, the help says what to do.
    ///
    /// ## Exceptions
    /// Services built from a Dockerfile, images of another publisher (`bitnami/…`), in-house
    /// images, tags whose builds may have the program (Postgres `9.*` and Redis `2.*` tags,
    /// built in 2014 with `curl`; Memcached `1.4*`; RabbitMQ before 3.8; MariaDB's UBI tags,
    /// whose base image has `curl`; MySQL's default tags, on Oracle Linux with `curl`, and its
    /// bare tags from before 2022; Qdrant GPU tags, built on NVIDIA and ROCm images; ClickHouse
    /// before 25; Chroma 0.x; SearXNG's builds of May 2025; Mosquitto 1.4), tags
    /// built before the probe the fix offers (MariaDB before 2022, MongoDB before 6.0),
    /// `wget` on Alpine tags (busybox has it), images pinned by digest alone,
    /// services that replace the image's entrypoint or mount something at a `bin` directory or
    /// at the program's name. A shell command with anything besides `||` between simple
    /// commands (`;`, `&&`, pipes, `$…`, `sh -c`, `if`) is not judged.
    pub static RULE = {
        code: "NET018",
        name: "server-healthcheck-tool-missing",
        severity: Warning,
        fix: Safe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    ctx.kinds
        .others()
        .iter()
        .flat_map(|servers| super::oll018_healthcheck_tool_missing::check_in(ctx, &RULE, servers))
        .collect()
}
