//! What the containers of a project read from commands run, in the shape `composelint config`
//! gives a compose project (`services.NAME.environment.VAR`, …): the fixer compares it before
//! and after a fix, as it compares a compose project's configuration, to see which containers
//! a fix changed and in what.

use serde_json::{Map, Value, json};

use crate::compose::model::{Project, Service};
use crate::text::Text;

/// The containers' image, network mode, networks (with aliases), environment, host mappings,
/// published ports, links, mounts and command; the networks the commands use or create.
pub fn render(project: &Project) -> Value {
    let services: Map<String, Value> = project
        .services
        .iter()
        .map(|s| (s.name.clone(), container(s)))
        .collect();
    let networks: Map<String, Value> = project
        .networks
        .iter()
        .map(|n| (n.name.clone(), json!({ "external": n.external })))
        .collect();
    json!({ "services": services, "networks": networks })
}

fn container(s: &Service) -> Value {
    let text = |t: &Option<Text>| t.as_ref().map(|t| t.value.clone());
    let words = |w: &Option<Vec<Text>>| {
        w.as_ref()
            .map(|w| w.iter().map(|t| t.value.clone()).collect::<Vec<_>>())
    };
    let networks: Map<String, Value> = s
        .networks
        .iter()
        .map(|n| {
            let aliases: Vec<&str> = n.aliases.iter().map(Text::as_str).collect();
            (n.name.clone(), json!({ "aliases": aliases }))
        })
        .collect();
    let environment: Map<String, Value> = s
        .environment
        .iter()
        .map(|v| (v.key.clone(), json!(text(&v.value))))
        .collect();
    let hosts: Vec<String> = s.extra_hosts.iter().map(|h| h.value.render()).collect();
    let ports: Vec<Value> = s
        .ports
        .iter()
        .map(|p| {
            json!({
                "target": p.mapping.target,
                "published": p.mapping.published,
                "host_ip": p.mapping.host_ip,
                "protocol": p.mapping.protocol,
            })
        })
        .collect();
    let links: Vec<String> = s
        .links
        .iter()
        .map(|l| match &l.alias {
            Some(alias) => format!("{}:{alias}", l.service),
            None => l.service.clone(),
        })
        .collect();
    let volumes: Vec<Value> = s
        .volumes
        .iter()
        .map(|v| json!({ "type": v.kind, "source": v.source, "target": v.target }))
        .collect();
    json!({
        "image": text(&s.image),
        "container_name": text(&s.container_name),
        "hostname": text(&s.hostname),
        "network_mode": text(&s.network_mode),
        "networks": networks,
        "environment": environment,
        "extra_hosts": hosts,
        "ports": ports,
        "links": links,
        "volumes": volumes,
        "command": words(&s.command),
    })
}
