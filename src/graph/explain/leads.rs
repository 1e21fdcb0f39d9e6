//! Where an explained URL leads from its client, and what listens there: a description of
//! the engine's resolution ([`crate::reachability::resolve`]), not a judgement.

use super::Leads;
use crate::net::{BindScope, HostRoute, Namespace, Network, Resolution};
use crate::ollama::Reference;
use crate::reach::kind_name;

impl Leads {
    pub(super) fn nowhere() -> Leads {
        Leads {
            kind: "nowhere",
            target: None,
            network: None,
            route: None,
        }
    }
}

/// Where the reference leads from its client, and what listens there.
pub(super) fn where_it_leads(net: &Network, r: &Reference) -> (Leads, Vec<String>) {
    let services = &net.project().services;
    let listening_in = |members: Vec<usize>| -> Vec<String> {
        members
            .into_iter()
            .flat_map(|i| {
                net.listeners(i).iter().map(move |l| {
                    let scope = match l.scope {
                        BindScope::All => "",
                        BindScope::Loopback => " (its loopback only)",
                    };
                    format!(
                        "{} in `{}` on {}{scope}",
                        kind_name(l.kind),
                        services[i].name,
                        l.port
                    )
                })
            })
            .collect()
    };
    let leads = |kind, target: Option<String>, network, route| Leads {
        kind,
        target,
        network,
        route,
    };
    match crate::reachability::resolve(r, net) {
        Resolution::Loopback(namespace) | Resolution::Unspecified(namespace) => match namespace {
            Namespace::Host => host(net, r, leads("host", None, None, Some("host network"))),
            Namespace::Own { service, .. } | Namespace::DefaultBridge { service }
                if service == r.client =>
            {
                let members = net.members(&namespace);
                (
                    leads("itself", Some(services[service].name.clone()), None, None),
                    listening_in(members),
                )
            }
            Namespace::Own { service, .. } | Namespace::DefaultBridge { service } => {
                let members = net.members(&namespace);
                (
                    leads("service", Some(services[service].name.clone()), None, None),
                    listening_in(members),
                )
            }
            Namespace::ForeignContainer(name) => (
                leads("external", Some(format!("container {name}")), None, None),
                Vec::new(),
            ),
            Namespace::Disconnected | Namespace::Broken => (Leads::nowhere(), Vec::new()),
        },
        Resolution::Sibling {
            service, network, ..
        } => (
            leads(
                "service",
                Some(services[service].name.clone()),
                Some(network),
                None,
            ),
            listening_in(vec![service]),
        ),
        Resolution::Unreachable { service, .. } => (
            leads(
                "unreachable-service",
                Some(services[service].name.clone()),
                None,
                None,
            ),
            listening_in(vec![service]),
        ),
        Resolution::OtherProject { provider, network } => {
            let listening = provider
                .listeners
                .iter()
                .map(|l| format!("{} on {}", kind_name(l.kind), l.port))
                .collect();
            (
                leads(
                    "other-project",
                    Some(format!(
                        "{} (project {})",
                        provider.service, provider.project
                    )),
                    Some(network),
                    None,
                ),
                listening,
            )
        }
        Resolution::Host { route, .. } => {
            let route = match route {
                HostRoute::DockerInternal => "host.docker.internal",
                HostRoute::ContainersInternal => "host.containers.internal",
                HostRoute::GatewayAddress => "the default bridge's gateway address",
                HostRoute::ExtraHostGateway => "an extra_hosts host-gateway mapping",
            };
            host(net, r, leads("host", None, None, Some(route)))
        }
        Resolution::MappedAddress(address) => (
            leads("external", Some(address), None, Some("extra_hosts")),
            Vec::new(),
        ),
        Resolution::External => (
            leads("external", Some(r.url.host.clone()), None, None),
            Vec::new(),
        ),
        Resolution::Unknown { .. } => (
            leads("unknown", Some(r.url.host.clone()), None, None),
            Vec::new(),
        ),
    }
}

/// The Docker host: what the project publishes on the port there.
fn host(net: &Network, r: &Reference, leads: Leads) -> (Leads, Vec<String>) {
    let services = &net.project().services;
    let listening = net
        .published_on(r.port())
        .into_iter()
        .map(|p| {
            let only = if p.loopback_only {
                " on 127.0.0.1 only"
            } else {
                ""
            };
            format!(
                "`{}` publishes {} → {}{only}",
                services[p.service].name,
                r.port(),
                p.port.mapping.target
            )
        })
        .collect();
    (leads, listening)
}
