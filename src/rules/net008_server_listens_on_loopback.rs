use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// A database, LLM server or other server told to listen on its container's loopback
    /// only, where other containers cannot reach it.
    ///
    /// ## What it does
    /// Reports a server other than Ollama whose listen setting (a variable such as
    /// `LLAMA_ARG_HOST` or `MEILI_HTTP_ADDR`, or a flag such as `--host` or `--bind`) names
    /// `127.0.0.1`, `localhost` or `::1`, when another service of the project connects to
    /// it or its port is published.
    ///
    /// ## Why is this bad?
    /// Loopback inside a container is that container alone. A llama.cpp server started with
    /// `--host 127.0.0.1` refuses every other container, and Docker's port forwarding, which
    /// arrives on the container's network interface, finds nothing listening: "connection
    /// refused", or an empty reply on the published port.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   llm:
    ///     image: ghcr.io/ggml-org/llama.cpp:server
    ///     command: ["-m", "/models/model.gguf", "--host", "127.0.0.1"]
    ///     ports: ["8080:8080"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   llm:
    ///     image: ghcr.io/ggml-org/llama.cpp:server
    ///     command: ["-m", "/models/model.gguf", "--host", "0.0.0.0"]
    ///     ports: ["8080:8080"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the setting may be a flag in a command this tool does not rewrite; the help
    /// says what to set.
    ///
    /// ## Exceptions
    /// A server nobody else reaches and whose port is not published may listen on loopback
    /// on purpose (a sidecar in the same namespace): nothing is reported. A loopback default
    /// the image overrides (the Postgres image listens everywhere) is not taken for one.
    pub static RULE = {
        code: "NET008",
        name: "server-listens-on-loopback",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    ctx.kinds
        .others()
        .iter()
        .flat_map(|servers| {
            super::oll008_ollama_listens_on_loopback::check_in(
                ctx,
                &RULE,
                servers,
                ctx.net_references,
            )
        })
        .collect()
}
