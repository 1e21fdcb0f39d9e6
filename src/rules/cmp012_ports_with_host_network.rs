use super::wording::Dialect;
use super::{Context, declare_rule};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// `ports:` on a `network_mode: host` service (Docker discards them).
    ///
    /// ## What it does
    /// Reports `ports:` on a service with `network_mode: host`, and `-p` on a `docker run`
    /// with `--network host`.
    ///
    /// ## Why is this bad?
    /// A container on the host network has no ports of its own to publish: it listens on
    /// the host's interfaces directly. Docker discards the mappings ("Published ports are
    /// discarded when using host network mode"), and the Compose specification says `ports`
    /// must not be used with host networking. A mapping such as `"3000:8080"` therefore does
    /// nothing: the app answers on its own port (Open WebUI on 8080, not 3000), and the
    /// mapping misleads readers about where it listens (open-webui#1561, presenton#359).
    /// `docker run -p 3000:8080 --network host` discards its `-p` the same way (it prints
    /// "WARNING: Published ports are discarded when using host network mode";
    /// open-webui#13784).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     network_mode: host
    ///     ports: ["3000:8080"]
    ///     environment:
    ///       OLLAMA_BASE_URL: http://127.0.0.1:11434
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   open-webui:
    ///     image: ghcr.io/open-webui/open-webui:main
    ///     network_mode: host
    ///     environment:
    ///       OLLAMA_BASE_URL: http://127.0.0.1:11434
    /// ```
    ///
    /// ## Fix safety
    /// No fix yet: either the mappings or the host networking should go, and that is the
    /// author's choice.
    ///
    /// ## Exceptions
    /// None: Docker Engine and Docker Desktop both discard the mappings.
    pub static RULE = {
        code: "CMP012",
        name: "ports-with-host-network",
        severity: Warning,
        fix: None,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let dialect = Dialect::of(ctx.project);
    let unit = dialect.unit();
    let mut out = Vec::new();
    for service in &ctx.project.services {
        let Some(mode) = &service.network_mode else {
            continue;
        };
        if mode.value != "host" {
            continue;
        }
        let Some(first) = service.ports.first() else {
            continue;
        };
        let count = service.ports.len();
        let mut d = RULE
            .diagnostic(
                format!(
                    "{unit} `{}` uses {}, so Docker discards its {}: the container listens on the host's ports directly",
                    service.name,
                    dialect.network_mode("host"),
                    if count == 1 {
                        "port mapping".to_string()
                    } else {
                        format!("{count} port mappings")
                    }
                ),
                Some(first.span),
            )
            .with_service(&service.name)
            .with_label("discarded")
            .with_help(match dialect {
                Dialect::Compose => "remove `ports:` (set the app's own listening port instead), or drop `network_mode: host` and reach other services by name",
                Dialect::Commands => "remove the `-p` option (set the app's own listening port instead), or drop `--network host` and reach other containers by name on a shared network",
            });
        if let Some(span) = mode.primary_span() {
            d = d.with_related(span, "host networking set here");
        }
        out.push(d);
    }
    out
}
