use std::collections::BTreeMap;

use super::reference_report::Part;
use super::reference_report::part_span;
use super::wording::quoted_list;
use super::{Context, declare_rule};
use crate::compose::model::{EnvVar, Service};
use crate::diagnostic::Diagnostic;
use crate::net::Resolution;
use crate::ollama::Evidence;
use crate::reachability::Verdict;

declare_rule! {
    /// Kafka advertises the listener other containers bootstrap through as `localhost`.
    ///
    /// ## What it does
    /// For a Kafka service whose `KAFKA_ADVERTISED_LISTENERS` (or Bitnami's
    /// `KAFKA_CFG_ADVERTISED_LISTENERS`) names a loopback host, finds the clients of the
    /// project that bootstrap through that listener by the service's name
    /// (`KAFKA_BOOTSTRAP_SERVERS=kafka:9092`) and reports the advertised address.
    ///
    /// ## Why is this bad?
    /// A Kafka client uses the bootstrap address only for its first request; the broker
    /// answers with the address it advertises for that listener, and the client connects
    /// there for everything else. Advertised as `localhost:9092`, a client in another
    /// container connects to its own container: the first request succeeds and then
    /// "Connection to node 1 (localhost/127.0.0.1:9092) could not be established".
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   kafka:
    ///     image: apache/kafka:3.8.0
    ///     environment:
    ///       KAFKA_LISTENERS: PLAINTEXT://:9092,CONTROLLER://:9093
    ///       KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       KAFKA_BOOTSTRAP_SERVERS: kafka:9092
    /// ```
    ///
    /// ## Use instead
    /// One listener advertised by the service name for containers, and another one for
    /// clients on the host:
    /// ```yaml
    /// services:
    ///   kafka:
    ///     image: apache/kafka:3.8.0
    ///     ports: ["9092:9092"]
    ///     environment:
    ///       KAFKA_LISTENERS: INTERNAL://:29092,EXTERNAL://:9092,CONTROLLER://:9093
    ///       KAFKA_ADVERTISED_LISTENERS: INTERNAL://kafka:29092,EXTERNAL://localhost:9092
    ///       KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
    ///       KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL
    ///   app:
    ///     image: example/app
    ///     environment:
    ///       KAFKA_BOOTSTRAP_SERVERS: kafka:29092
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which listener serves the host and which the containers is a design choice.
    ///
    /// ## Exceptions
    /// A listener advertised as loopback for clients on the host alone (no client of the
    /// project bootstraps through it) is right, and is not reported.
    pub static RULE = {
        code: "NET023",
        name: "kafka-advertises-loopback",
        severity: Error,
        fix: None,
        check: check,
    };
}

/// One entry of a listener list (`NAME://host:port`), with the byte range of its host in
/// the variable's value.
struct Listed {
    name: String,
    host: String,
    host_range: std::ops::Range<usize>,
    port: u16,
}

fn listed(value: &str) -> Vec<Listed> {
    let mut out = Vec::new();
    let mut start = 0;
    for item in value.split(',') {
        let at = start + (item.len() - item.trim_start().len());
        start += item.len() + 1;
        let item = item.trim();
        let Some((name, address)) = item.split_once("://") else {
            continue;
        };
        let Some((host, port)) = address.rsplit_once(':') else {
            continue;
        };
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        let host_start = at + name.len() + 3;
        out.push(Listed {
            name: name.to_ascii_uppercase(),
            host: host.trim_matches(['[', ']']).to_string(),
            host_range: host_start..host_start + host.len(),
            port,
        });
    }
    out
}

fn var<'a>(service: &'a Service, names: &[&str]) -> Option<&'a EnvVar> {
    names
        .iter()
        .find_map(|n| service.env(n))
        .filter(|v| v.value.is_some())
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host == "::1" || host.starts_with("127.")
}

fn check(ctx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(kafka) = ctx.kinds.of("kafka") else {
        return out;
    };
    for &k in &kafka.indices {
        let service = &ctx.project.services[k];
        let Some(advertised_var) = var(
            service,
            &[
                "KAFKA_ADVERTISED_LISTENERS",
                "KAFKA_CFG_ADVERTISED_LISTENERS",
            ],
        ) else {
            continue;
        };
        let Some(advertised_text) = &advertised_var.value else {
            continue;
        };
        let advertised = listed(&advertised_text.value);
        let listeners = var(service, &["KAFKA_LISTENERS", "KAFKA_CFG_LISTENERS"])
            .and_then(|v| v.value.as_ref())
            .map(|t| listed(&t.value))
            .unwrap_or_default();
        // The clients that bootstrap through each advertised entry, by entry.
        let mut users: BTreeMap<usize, Vec<(usize, u16)>> = BTreeMap::new();
        for (r, verdict) in ctx.net_references {
            if r.kind != "kafka" || *verdict != Verdict::Works || r.evidence != Evidence::Read {
                continue;
            }
            if !matches!(
                ctx.net.resolve(r.client, &r.url.host),
                Resolution::Sibling { service, .. } if service == k
            ) {
                continue;
            }
            let port = r.port();
            // The listener on that port, and the address advertised for it.
            let entry = match listeners.iter().find(|l| l.port == port) {
                Some(listener) => advertised.iter().position(|a| a.name == listener.name),
                None if listeners.is_empty() => advertised.iter().position(|a| a.port == port),
                None => None,
            };
            if let Some(entry) = entry
                && is_loopback(&advertised[entry].host)
            {
                users.entry(entry).or_default().push((r.client, port));
            }
        }
        for (entry, clients) in users {
            let a = &advertised[entry];
            let mut names: Vec<&str> = clients
                .iter()
                .map(|(c, _)| ctx.project.services[*c].name.as_str())
                .collect();
            names.dedup();
            let port = clients[0].1;
            let primary = advertised_text
                .exact_span(a.host_range.clone())
                .or_else(|| advertised_text.primary_span())
                .unwrap_or(service.key_span);
            let mut d = RULE
                .diagnostic(
                    format!(
                        "Kafka in service `{}` advertises its listener {} as `{}:{}`: {} {} through port {port} of `{}`, then {} to `{}`, {}",
                        service.name,
                        a.name,
                        a.host,
                        a.port,
                        quoted_list(&names, "and"),
                        if names.len() == 1 { "bootstraps" } else { "bootstrap" },
                        service.name,
                        if names.len() == 1 { "connects" } else { "connect" },
                        a.host,
                        if names.len() == 1 { "its own container" } else { "their own containers" }
                    ),
                    Some(primary),
                )
                .with_service(service.name.as_str())
                .with_help(format!(
                    "advertise this listener by the service name (`{}://{}:{}`); for clients on the host, add a second listener on another port advertised as `localhost`",
                    a.name, service.name, a.port
                ));
            for (r, _) in ctx
                .net_references
                .iter()
                .filter(|(r, _)| r.kind == "kafka" && clients.iter().any(|(c, _)| *c == r.client))
            {
                if let Some(span) = part_span(r, Part::Host) {
                    d = d.with_related(
                        span,
                        format!("`{}` bootstraps here", ctx.project.services[r.client].name),
                    );
                }
            }
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::listed;

    #[test]
    fn listener_lists_keep_the_place_of_each_host() {
        let value = "PLAINTEXT://kafka:29092, PLAINTEXT_HOST://localhost:9092";
        let entries = listed(value);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].name, "PLAINTEXT_HOST");
        assert_eq!(&value[entries[1].host_range.clone()], "localhost");
        assert_eq!(entries[1].port, 9092);
        let bound = listed("PLAINTEXT://:9092,CONTROLLER://:9093");
        assert_eq!(bound[0].host, "");
        assert_eq!(bound[1].port, 9093);
    }
}
