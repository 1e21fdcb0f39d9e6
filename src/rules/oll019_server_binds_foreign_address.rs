use super::reference_report::{env_value_span, listen_var};
use super::wording::Dialect;
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::net::Resolution;

declare_rule! {
    /// An Ollama server told to listen on another machine's address.
    ///
    /// ## What it does
    /// Reports an Ollama server whose `OLLAMA_HOST` names an address that is not its own
    /// container's: `host.docker.internal`, the `host-gateway`, or another service of the
    /// project. The value is typically a client's URL that reached the server through a
    /// `.env` file both load.
    ///
    /// ## Why is this bad?
    /// For the server, `OLLAMA_HOST` is the address to listen on (F-OLL-2), and a process can
    /// only listen on an address of its own network namespace. `ollama serve` exits at once
    /// with "bind: cannot assign requested address", the container restarts or stops, and
    /// every client gets "connection refused".
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///     environment:
    ///       OLLAMA_HOST: http://host.docker.internal:11434
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///     environment:
    ///       OLLAMA_HOST: 0.0.0.0:11434
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: when the value comes from a file clients read too, it is their setting, and
    /// the server needs its own `OLLAMA_HOST` in its `environment:`.
    ///
    /// ## Exceptions
    /// A name of the server's own container (its service name, `hostname:`, an alias) is its
    /// own address and is not reported; neither is a server under `network_mode:`, whose
    /// addresses are another namespace's, nor an IP address or a domain, which may be the
    /// container's own.
    pub static RULE = {
        code: "OLL019",
        name: "server-binds-foreign-address",
        severity: Error,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &i in &ctx.servers.indices {
        let (Some(server), Some(service)) = (ctx.servers.get(i), ctx.project.services.get(i))
        else {
            continue;
        };
        if service.network_mode.is_some() || server.listen.binds_all_interfaces() {
            continue;
        }
        let host = &server.listen.host;
        let dialect = Dialect::of(ctx.project);
        let unit = dialect.unit();
        let whose = match ctx.net.resolve(i, host) {
            Resolution::Host { .. } => "the Docker host's".to_string(),
            Resolution::Sibling { service: other, .. }
            | Resolution::Unreachable { service: other, .. }
                if other != i =>
            {
                format!("{unit} `{}`'s", ctx.project.services[other].name)
            }
            _ => continue,
        };
        let Some(var) = listen_var(ctx, i) else {
            continue;
        };
        let name = &service.name;
        out.push(
            RULE.diagnostic(
                format!(
                    "Ollama in {unit} `{name}` is told to listen on `{}` (`{}`), {whose} address, not its own: `ollama serve` fails with \"bind: cannot assign requested address\"",
                    server.listen.host_port(),
                    var.key,
                ),
                Some(env_value_span(var)),
            )
            .with_service(name.as_str())
            .with_help(match dialect {
                Dialect::Compose => format!(
                    "set `{}: 0.0.0.0:{}` in the `environment:` of `{name}`; a URL for clients belongs in their own settings",
                    var.key, server.listen.port
                ),
                Dialect::Commands => format!(
                    "set `-e {}=0.0.0.0:{}` in the `docker run` of `{name}`; a URL for clients belongs in their own settings",
                    var.key, server.listen.port
                ),
            }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::reference_report::{lint_files, lint_yaml};

    const SERVER: &str = "services:\n  ollama:\n    image: ollama/ollama:0.6.2\n    volumes: [\"m:/root/.ollama\"]\n    env_file: .env\n  ui:\n    image: ghcr.io/open-webui/open-webui:main\n    env_file: .env\n    extra_hosts: [\"host.docker.internal:host-gateway\"]\nvolumes:\n  m: {}\n";

    fn codes(found: &[crate::diagnostic::Diagnostic]) -> Vec<&str> {
        found
            .iter()
            .map(|d| d.code)
            .filter(|c| *c == "OLL019")
            .collect()
    }

    #[test]
    fn a_client_url_in_a_shared_env_file_is_reported_on_the_server() {
        let found = lint_files(&[
            ("compose.yaml", SERVER),
            (".env", "OLLAMA_HOST=http://host.docker.internal:11434\n"),
        ]);
        assert_eq!(codes(&found), ["OLL019"], "{found:?}");
    }

    #[test]
    fn another_service_is_reported() {
        let yaml = SERVER.replace(
            "    env_file: .env\n  ui",
            "    environment: {OLLAMA_HOST: \"ui:11434\"}\n  ui",
        );
        let found = lint_files(&[("compose.yaml", &yaml), (".env", "")]);
        assert_eq!(codes(&found), ["OLL019"], "{found:?}");
    }

    #[test]
    fn its_own_name_and_every_interface_are_fine() {
        for value in [
            "ollama:11434",
            "0.0.0.0:11434",
            "127.0.0.1",
            ":11434",
            "10.0.0.5",
        ] {
            let yaml = format!(
                "services:\n  ollama:\n    image: ollama/ollama:0.6.2\n    volumes: [\"m:/root/.ollama\"]\n    environment:\n      OLLAMA_HOST: \"{value}\"\nvolumes:\n  m: {{}}\n"
            );
            assert!(codes(&lint_yaml(&yaml)).is_empty(), "{value}");
        }
    }
}
