use super::structural_fix::{exempt_from_proxy, unsafe_fix};
use super::wording::Dialect;
use super::{Context, declare_rule};
use crate::compose::model::EnvSource;
use crate::diagnostic::Diagnostic;
use crate::ollama::Reference;
use crate::reachability::Verdict;

declare_rule! {
    /// `HTTP_PROXY` & co. without a `NO_PROXY` entry for the Ollama host (the proxy answers
    /// 502).
    ///
    /// ## What it does
    /// Reports a forward-proxy variable (`HTTP_PROXY`, `HTTPS_PROXY` for `https://` URLs,
    /// `ALL_PROXY`, in any case) in a service whose Ollama URL names a host only Docker knows
    /// — a service name, `host.docker.internal`, an `extra_hosts` name, loopback — when no
    /// `NO_PROXY`/`no_proxy` entry exempts that host for both Go's and Python's HTTP clients.
    ///
    /// ## Why is this bad?
    /// HTTP clients send every request to the proxy unless `NO_PROXY` exempts the host. The
    /// proxy cannot resolve `ollama` or reach the container's network, so it answers itself —
    /// usually `502 Bad Gateway`, sometimes an HTML error page — while Ollama never sees the
    /// request (ollama#5437, ollama-python#14). Ollama's own FAQ warns against setting
    /// `HTTP_PROXY` for this reason. `NO_PROXY` must name the host as the URL writes it; a
    /// CIDR range or `*.domain` entry is honoured by Go but not by Python's `urllib`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ollama:
    ///     image: ollama/ollama
    ///     volumes: ["ollama:/root/.ollama"]
    ///   app:
    ///     image: example/python-app
    ///     environment:
    ///       HTTP_PROXY: http://proxy.corp:3128
    ///       OLLAMA_HOST: http://ollama:11434
    ///     depends_on: [ollama]
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
    ///   app:
    ///     image: example/python-app
    ///     environment:
    ///       HTTP_PROXY: http://proxy.corp:3128
    ///       NO_PROXY: ollama,localhost,127.0.0.1
    ///       no_proxy: ollama,localhost,127.0.0.1
    ///       OLLAMA_HOST: http://ollama:11434
    ///     depends_on: [ollama]
    /// volumes:
    ///   ollama: {}
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the Ollama host is added to the service's `NO_PROXY` and `no_proxy` (appended
    /// to each value where it is written, or new `NO_PROXY` and `no_proxy` entries). The proxy
    /// stays, since it may be needed for other hosts; the change adds to the file.
    ///
    /// ## Exceptions
    /// Public host names and IP addresses are not reported: a proxy can reach those. Proxy
    /// variables that Docker injects from `~/.docker/config.json` are not in the compose
    /// file and cannot be seen. Go's HTTP client never proxies `localhost` and loopback
    /// addresses, Python's does; this rule reports what fails for either.
    pub static RULE = {
        code: "OLL015",
        name: "proxy-intercepts",
        severity: Warning,
        fix: Unsafe,
        check: check,
    };
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    // One finding per proxy variable of a service, listing every reference it intercepts.
    let mut groups: Vec<((usize, &str), Vec<&Reference>)> = Vec::new();
    for (r, verdict) in ctx.references {
        let Verdict::ProxyIntercepts { proxy_var } = verdict else {
            continue;
        };
        let key = (r.client, proxy_var.as_str());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, refs)) => refs.push(r),
            None => groups.push((key, vec![r])),
        }
    }
    let mut out = Vec::new();
    for ((client, proxy_key), refs) in groups {
        let service = &ctx.project.services[client];
        let Some(proxy) = service.env(proxy_key) else {
            continue;
        };
        let proxy_value = proxy.value.as_ref().map_or("", |t| t.value.as_str());
        let mut hosts: Vec<&str> = Vec::new();
        for r in &refs {
            if !hosts.contains(&r.url.host.as_str()) {
                hosts.push(r.url.host.as_str());
            }
        }
        let quoted = hosts
            .iter()
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let urls = refs
            .iter()
            .map(|r| format!("`{}` (`{}`)", &r.text.value, r.var_name()))
            .collect::<Vec<_>>()
            .join(", ");
        let entry_span = match &proxy.source {
            EnvSource::Environment { span } | EnvSource::EnvFile { span, .. } => *span,
        };
        let primary = proxy
            .value
            .as_ref()
            .and_then(|t| t.exact_span(0..t.value.len()).or_else(|| t.primary_span()))
            .or(Some(entry_span));
        // The help names what the fix changes: each spelling the service sets, or both.
        let set: Vec<&str> = ["NO_PROXY", "no_proxy"]
            .into_iter()
            .filter(|k| service.env(k).is_some_and(|v| v.value.is_some()))
            .collect();
        let joined = hosts.join(",");
        let dialect = Dialect::of(ctx.project);
        let help = match set.as_slice() {
            [one] => format!(
                "add {quoted} to `{one}`, or remove `{proxy_key}` if nothing needs the proxy"
            ),
            [_, _] => format!(
                "add {quoted} to `NO_PROXY` and `no_proxy` alike (Go reads the upper-case one first, Python the lower-case one), or remove `{proxy_key}` if nothing needs the proxy"
            ),
            _ if dialect == Dialect::Commands => format!(
                "add `-e NO_PROXY={joined} -e no_proxy={joined}` to the `docker run` of `{}`, or remove `{proxy_key}` if nothing needs the proxy",
                service.name
            ),
            _ => format!(
                "add `NO_PROXY: {joined}` and `no_proxy: {joined}` to service `{}`, or remove `{proxy_key}` if nothing needs the proxy",
                service.name
            ),
        };
        let mut d = RULE
            .diagnostic(
                format!(
                    "`{proxy_key}={proxy_value}` in {} `{}` sends the {} for {urls} to the proxy: no `NO_PROXY` entry covers {quoted}, which the proxy cannot reach, so it answers itself (typically 502 Bad Gateway)",
                    dialect.unit(),
                    service.name,
                    if refs.len() == 1 { "request" } else { "requests" }
                ),
                primary,
            )
            .with_service(&service.name)
            .with_label("proxy for every request not exempted by `NO_PROXY`")
            .with_help(help);
        if primary.is_some_and(|p| p.file != entry_span.file) {
            d = d.with_related(entry_span, format!("`{proxy_key}` is used here"));
        }
        for r in &refs {
            if let Some(span) = r.value_span() {
                d = d.with_related(span, format!("request to `{}`", r.url.host));
            }
        }
        // Exempt the hosts in every spelling of NO_PROXY the service has (Go reads the
        // upper-case one first, Python the lower-case one), or add NO_PROXY, which both read
        // when it is the only one.
        let existing: Vec<(&str, Option<crate::source::Span>)> = ["NO_PROXY", "no_proxy"]
            .iter()
            .filter_map(|k| service.env(k))
            .filter_map(|v| v.value.as_ref())
            .map(|t| (t.as_str(), t.exact_span(0..t.value.len())))
            .collect();
        let edits = if existing.is_empty() {
            vec![exempt_from_proxy(ctx, &service.name, None, &joined)]
        } else {
            existing
                .into_iter()
                .map(|e| exempt_from_proxy(ctx, &service.name, Some(e), &joined))
                .collect()
        };
        if let Some(fix) = unsafe_fix(format!("exempt {quoted} from the proxy"), edits) {
            d = d.with_fix(fix);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::reference_report::only_finding;

    const PROXIED: &str = "services:\n  app:\n    image: example/python-app\n    environment:\n      HTTP_PROXY: http://proxy.corp:3128\n      OLLAMA_HOST: http://ollama:11434\n    depends_on: [ollama]\n  ollama:\n    image: ollama/ollama\n    volumes: [\"m:/root/.ollama\"]\nvolumes: {m: {}}\n";

    #[test]
    fn with_no_no_proxy_the_fix_adds_both_spellings_as_the_help_says() {
        let d = only_finding("OLL015", PROXIED);
        let help = d.help.as_ref().map_or("", |h| h.expose_unredacted());
        assert!(
            help.contains("`NO_PROXY: ollama` and `no_proxy: ollama`"),
            "{help}"
        );
        let fix = d.fix.as_ref().expect("a fix");
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(
            fix.edits[0].content,
            "      NO_PROXY: ollama\n      no_proxy: ollama\n"
        );
    }

    #[test]
    fn with_one_spelling_set_the_help_names_only_what_the_fix_changes() {
        let yaml = PROXIED.replace(
            "      OLLAMA_HOST",
            "      no_proxy: localhost\n      OLLAMA_HOST",
        );
        let d = only_finding("OLL015", &yaml);
        let help = d.help.as_ref().map_or("", |h| h.expose_unredacted());
        assert!(help.starts_with("add `ollama` to `no_proxy`,"), "{help}");
        let fix = d.fix.as_ref().expect("a fix");
        let contents: Vec<&str> = fix.edits.iter().map(|e| e.content.as_str()).collect();
        assert_eq!(contents, [",ollama"]);
    }
}
