//! What a file's Docker commands build, as the services of a project: one per container
//! (`docker run`, `docker create`, `podman run`), networks from `docker network create`,
//! containers joined to them by `docker network connect`, and `docker exec` as a process in
//! the named container's namespace.
//!
//! The mapping onto the compose model: a container is a service named by its `--name` (its
//! `container_name` too); one without `--network` is on the default bridge
//! (`network_mode: bridge`), where no name resolves but a `--link` alias; `--network NAME`
//! attaches it to NAME with its `--network-alias`es; `--network host|none|container:X` are
//! the network modes of the same names. `-p`, `-e`, `--add-host`, `--link`, `-v` and the
//! command after the image become the fields of the same names. A later `docker run --name X`
//! replaces an earlier X, as docs list alternatives.
//!
//! A command whose flags cannot all be read (a flag this table does not know may or may not
//! take a value, so the image cannot be found for certain) is left out, and the project is
//! partial: a name it could have defined is not reported unknown.

use std::collections::BTreeSet;

use crate::compose::extra_hosts::parse_list_item;
use crate::compose::model::{
    EnvSource, EnvVar, Link, Mount, Network, Port, Project, Service, ServiceNetwork, Spanned,
};
use crate::compose::ports::parse_short;
use crate::source::Span;
use crate::text::Text;

use super::words::Command;

/// `docker run` options that take a value (docker CLI 28 `docker run --help`, podman's common
/// ones), long and short.
const VALUE_OPTIONS: &[&str] = &[
    "--add-host",
    "--annotation",
    "--attach",
    "-a",
    "--blkio-weight",
    "--blkio-weight-device",
    "--cap-add",
    "--cap-drop",
    "--cgroup-parent",
    "--cgroupns",
    "--cidfile",
    "--cpu-period",
    "--cpu-quota",
    "--cpu-rt-period",
    "--cpu-rt-runtime",
    "--cpu-shares",
    "-c",
    "--cpus",
    "--cpuset-cpus",
    "--cpuset-mems",
    "--device",
    "--device-cgroup-rule",
    "--device-read-bps",
    "--device-read-iops",
    "--device-write-bps",
    "--device-write-iops",
    "--detach-keys",
    "--dns",
    "--dns-option",
    "--dns-search",
    "--domainname",
    "--entrypoint",
    "--env",
    "-e",
    "--env-file",
    "--expose",
    "--gpus",
    "--group-add",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-start-interval",
    "--health-start-period",
    "--health-timeout",
    "--hostname",
    "-h",
    "--ip",
    "--ip6",
    "--ipc",
    "--isolation",
    "--kernel-memory",
    "--label",
    "-l",
    "--label-file",
    "--link",
    "--link-local-ip",
    "--log-driver",
    "--log-opt",
    "--mac-address",
    "--memory",
    "-m",
    "--memory-reservation",
    "--memory-swap",
    "--memory-swappiness",
    "--mount",
    "--name",
    "--network",
    "--net",
    "--network-alias",
    "--net-alias",
    "--oom-score-adj",
    "--pid",
    "--pids-limit",
    "--platform",
    "--publish",
    "-p",
    "--pull",
    "--restart",
    "--runtime",
    "--security-opt",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--storage-opt",
    "--sysctl",
    "--tmpfs",
    "--user",
    "-u",
    "--ulimit",
    "--userns",
    "--uts",
    "--volume",
    "-v",
    "--volume-driver",
    "--volumes-from",
    "--workdir",
    "-w",
    "--device",
    "--pod",
    "--arch",
    "--os",
    "--secret",
    "--env-host",
];

/// `docker run` options without a value.
const FLAG_OPTIONS: &[&str] = &[
    "--detach",
    "-d",
    "--disable-content-trust",
    "--init",
    "--interactive",
    "-i",
    "--no-healthcheck",
    "--oom-kill-disable",
    "--privileged",
    "--publish-all",
    "-P",
    "--quiet",
    "-q",
    "--read-only",
    "--rm",
    "--sig-proxy",
    "--tty",
    "-t",
    "--use-api-socket",
    "--replace",
];

/// The short options that may be bundled (`-dit`), and which of them take a value.
const SHORT_FLAGS: &str = "diPqt";
const SHORT_VALUES: &str = "acehlmpuvw";

/// One container the commands start.
struct Container {
    service: Service,
}

/// Adds what `commands` build to `project`.
pub fn build(project: &mut Project, src: &str, commands: &[Command]) {
    let mut containers: Vec<Container> = Vec::new();
    let mut networks: BTreeSet<String> = BTreeSet::new();
    let mut created: Vec<(String, Span)> = Vec::new();
    for command in commands {
        let Some((args, spans)) = docker_args(command) else {
            continue;
        };
        let words: Vec<&str> = args.iter().map(|w| w.as_str()).collect();
        match words.as_slice() {
            ["run" | "create", ..] | ["container", "run" | "create", ..] => {
                let skip = if words[0] == "container" { 2 } else { 1 };
                match container(&args[skip..], &spans[skip..], command, containers.len()) {
                    Some(c) => {
                        for n in &c.service.networks {
                            networks.insert(n.name.clone());
                        }
                        containers.push(c);
                    }
                    None => project.partial = true,
                }
            }
            ["network", "create", rest @ ..] => {
                if let Some(name) = rest.iter().rposition(|w| !w.starts_with('-')) {
                    let i = 2 + name;
                    created.push((args[i].value.clone(), spans[i]));
                }
            }
            ["network", "connect", rest @ ..] => {
                let positional: Vec<usize> = (0..rest.len())
                    .filter(|&i| !rest[i].starts_with('-') && !is_option_value(rest, i))
                    .collect();
                let alias = rest
                    .iter()
                    .position(|w| *w == "--alias")
                    .and_then(|i| args.get(2 + i + 1).cloned());
                if let [net, target, ..] = positional.as_slice() {
                    let (net, target) = (rest[*net], rest[*target]);
                    match containers.iter_mut().find(|c| c.service.name == target) {
                        Some(c) => {
                            networks.insert(net.to_string());
                            attach(&mut c.service, net, None, alias.into_iter().collect());
                        }
                        None => project.partial = true,
                    }
                }
            }
            ["exec", ..] | ["container", "exec", ..] => {
                let skip = if words[0] == "container" { 2 } else { 1 };
                // Into a container the file does not start, nothing is known of where the
                // process runs: it is not judged.
                let started = |s: &Service| {
                    let target = s.network_mode.as_ref().map(|m| m.value.as_str());
                    containers
                        .iter()
                        .any(|c| target == Some(format!("service:{}", c.service.name).as_str()))
                };
                if let Some(service) =
                    exec(&args[skip..], &spans[skip..], command, containers.len()).filter(started)
                {
                    containers.push(Container { service });
                }
            }
            _ => {}
        }
    }
    for name in networks {
        let created_here = created.iter().find(|(n, _)| *n == name);
        project.networks.push(Network {
            key: name.clone(),
            key_span: created_here.map(|(_, s)| *s),
            name: name.clone(),
            // A network the file does not create was made elsewhere.
            external: created_here.is_none(),
        });
    }
    mark_alternatives(&mut containers, src);
    for c in containers {
        project
            .service_index
            .insert(c.service.name.clone(), project.services.len());
        project.services.push(c.service);
    }
}

/// Containers started under one name are alternatives (docs list the command for a GPU and
/// for a CPU, or for each way to reach Ollama): they never run together. Each gets a profile
/// of its own, named after its line, so that each is judged with the containers that have no
/// alternative and without the others; the name resolves to the last one, and the earlier
/// ones are named after their line.
fn mark_alternatives(containers: &mut [Container], src: &str) {
    let names: Vec<String> = containers.iter().map(|c| c.service.name.clone()).collect();
    for (i, c) in containers.iter_mut().enumerate() {
        let same = names.iter().filter(|n| **n == names[i]).count();
        if same < 2 {
            continue;
        }
        let line = line_of(src, c.service.key_span.start);
        c.service.profiles = vec![Text::synthetic(format!("line {line}"))];
        let last = names.iter().rposition(|n| *n == names[i]) == Some(i);
        if !last {
            c.service.name = format!("{} (line {line})", c.service.name);
            c.service.container_name = None;
        }
    }
}

/// The 1-based line of byte `at` of `src`.
fn line_of(src: &str, at: usize) -> usize {
    src.get(..at)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// The words after `docker`/`podman` (and `sudo`, its options, and `VAR=value` prefixes),
/// with their spans.
fn docker_args(command: &Command) -> Option<(Vec<Text>, Vec<Span>)> {
    let mut i = 0;
    let words = &command.words;
    while let Some(w) = words.get(i) {
        let w = w.as_str();
        if w == "sudo" || w == "env" || w.starts_with('-') || is_assignment(w) {
            i += 1;
            continue;
        }
        break;
    }
    let program = words.get(i)?.as_str();
    let program = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let program = program.strip_suffix(".exe").unwrap_or(program);
    if program != "docker" && program != "podman" {
        return None;
    }
    Some((
        words[i + 1..].to_vec(),
        command.word_spans[i + 1..].to_vec(),
    ))
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Whether word `i` of `rest` is the value of the option before it (`--alias A`).
fn is_option_value(rest: &[&str], i: usize) -> bool {
    i > 0
        && matches!(
            rest[i - 1],
            "--alias" | "--ip" | "--ip6" | "--link" | "--driver-opt"
        )
}

/// An option of `docker run`, read from `args[i]`: its name, its value (None for a flag), and
/// how many words it took. None for an option the tables do not know.
fn option(args: &[Text], i: usize) -> Option<(String, Option<Text>, usize)> {
    let word = &args[i];
    let w = word.as_str();
    if let Some(long) = w.strip_prefix("--") {
        let (name, inline) = match long.split_once('=') {
            Some((n, _)) => (format!("--{n}"), Some(word.slice(n.len() + 3..w.len()))),
            None => (w.to_string(), None),
        };
        if FLAG_OPTIONS.contains(&name.as_str()) {
            return Some((name, None, 1));
        }
        if !VALUE_OPTIONS.contains(&name.as_str()) {
            return None;
        }
        return match inline {
            Some(v) => Some((name, Some(v), 1)),
            None => Some((name, Some(args.get(i + 1)?.clone()), 2)),
        };
    }
    // Short options, bundled or not: flags first, then at most one that takes a value
    // (its value the rest of the word, or the next word).
    let shorts = w.strip_prefix('-')?;
    for (at, c) in shorts.char_indices() {
        if SHORT_FLAGS.contains(c) {
            continue;
        }
        if !SHORT_VALUES.contains(c) {
            return None;
        }
        let name = format!("-{c}");
        let rest = at + c.len_utf8();
        if rest < shorts.len() {
            return Some((name, Some(word.slice(1 + rest..w.len())), 1));
        }
        return Some((name, Some(args.get(i + 1)?.clone()), 2));
    }
    Some((w.to_string(), None, 1))
}

/// The container a `docker run` starts. None when an option is not known.
fn container(args: &[Text], spans: &[Span], command: &Command, index: usize) -> Option<Container> {
    let mut service = new_service(command, index);
    let mut network: Option<(Text, Span)> = None;
    let mut aliases: Vec<Text> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if !args[i].as_str().starts_with('-') || args[i].as_str() == "-" {
            break;
        }
        let (name, value, taken) = option(args, i)?;
        let value_span = spans[(i + taken - 1).min(spans.len() - 1)];
        let entry = Span::new(spans[i].file, spans[i].start, value_span.end);
        if let Some(value) = value {
            apply(
                &mut service,
                &name,
                value,
                entry,
                &mut network,
                &mut aliases,
            );
        }
        i += taken;
    }
    let image = args.get(i)?;
    service.image = Some(image.clone());
    if args.len() > i + 1 {
        service.command = Some(args[i + 1..].to_vec());
    }
    match network {
        None => service.network_mode = Some(Text::synthetic("bridge")),
        Some((net, span)) => match net.as_str() {
            "host" | "none" | "bridge" | "default" => service.network_mode = Some(net),
            mode if mode.starts_with("container:") => service.network_mode = Some(net),
            name => attach(&mut service, name, Some(span), aliases),
        },
    }
    Some(Container { service })
}

/// A process `docker exec` runs in container `args[name]`: a service in that container's
/// namespace whose command is the process.
fn exec(args: &[Text], spans: &[Span], command: &Command, index: usize) -> Option<Service> {
    let mut i = 0;
    while i < args.len() && args[i].as_str().starts_with('-') {
        let w = args[i].as_str();
        let takes_value = matches!(
            w,
            "-e" | "--env" | "-u" | "--user" | "-w" | "--workdir" | "--env-file" | "--detach-keys"
        );
        i += if takes_value { 2 } else { 1 };
    }
    let target = args.get(i)?;
    let mut service = new_service(command, index);
    service.key_span = spans[i];
    service.network_mode = Some(Text::synthetic(format!("service:{}", target.as_str())));
    service.command = Some(args.get(i + 1..)?.to_vec());
    Some(service)
}

fn attach(service: &mut Service, network: &str, span: Option<Span>, aliases: Vec<Text>) {
    service.network_mode = None;
    if let Some(n) = service.networks.iter_mut().find(|n| n.name == network) {
        n.aliases.extend(aliases);
        return;
    }
    service.networks.push(ServiceNetwork {
        name: network.to_string(),
        span,
        aliases,
    });
}

/// Sets what one option says on the service.
fn apply(
    service: &mut Service,
    name: &str,
    value: Text,
    entry: Span,
    network: &mut Option<(Text, Span)>,
    aliases: &mut Vec<Text>,
) {
    match name {
        "--name" => {
            service.name = value.value.clone();
            service.container_name = Some(value);
        }
        "--hostname" | "-h" => service.hostname = Some(value),
        "--network" | "--net" => *network = Some((value, entry)),
        "--network-alias" | "--net-alias" => aliases.push(value),
        "--env" | "-e" => {
            let (key, text) = match value.value.find('=') {
                Some(eq) => (
                    value.value[..eq].to_string(),
                    Some(value.slice(eq + 1..value.value.len())),
                ),
                // `-e VAR` passes the variable of the shell that runs docker: not known here.
                None => (value.value.clone(), None),
            };
            service.environment.retain(|e| e.key != key);
            service.environment.push(EnvVar {
                key,
                value: text,
                source: EnvSource::Environment { span: entry },
            });
        }
        // The file's variables are not read yet: the container may have any of them.
        "--env-file" => service.partial = true,
        "--publish" | "-p" => {
            let Ok(mappings) = parse_short(value.as_str()) else {
                return;
            };
            for mapping in mappings {
                let part =
                    |r: &Option<std::ops::Range<usize>>| r.as_ref().map(|r| value.slice(r.clone()));
                service.ports.push(Port {
                    published: part(&mapping.published_range),
                    target: part(&mapping.target_range),
                    host_ip: part(&mapping.host_ip_range),
                    span: entry,
                    mapping,
                });
            }
        }
        "--add-host" => {
            if let Ok(hosts) = parse_list_item(value.as_str()) {
                service
                    .extra_hosts
                    .extend(hosts.into_iter().map(|h| Spanned {
                        value: h,
                        span: entry,
                    }));
            }
        }
        "--link" => {
            let (target, alias) = match value.value.split_once(':') {
                Some((t, a)) => (t.to_string(), Some(a.to_string())),
                None => (value.value.clone(), None),
            };
            service.links.push(Link {
                service: target,
                alias,
                span: entry,
            });
        }
        "--volume" | "-v" => {
            let v = value.as_str();
            let (source, target) = match v.split_once(':') {
                Some((s, rest)) => (Some(s.to_string()), rest.split(':').next().unwrap_or(rest)),
                None => (None, v),
            };
            let kind = match &source {
                Some(s) if s.starts_with(['/', '.', '~', '$']) => "bind",
                _ => "volume",
            };
            service.volumes.push(Mount {
                kind: kind.to_string(),
                source,
                target: target.to_string(),
                span: entry,
            });
        }
        _ => {}
    }
}

/// A service for the container `command` starts, named after its place until `--name` says
/// otherwise: a name no other container can resolve (a space is in no DNS name).
fn new_service(command: &Command, index: usize) -> Service {
    Service::named(format!("container {}", index + 1), command.span)
}
